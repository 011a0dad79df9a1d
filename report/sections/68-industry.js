/* Farm supply and the collection points and processing hubs that bring it to the seat's market
 * (docs/industry.md).
 * plan: sections.industry (supply by land-use class with yields and their sources, the siting's method, outcome,
 *       cost parts, bound and gap, tonne-km before and after, the share of supply near a collection point, the
 *       hubs with throughput and utilisation, the assumed costs and capacities), layers.industry_villages (supply
 *       per settlement, its main collection point), layers.industry_sites (open points and hubs) and
 *       layers.industry_links (shipments, drawn straight). */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'industry.title': 'Farm supply and processing hubs',
      'industry.note': 'Each settlement collects the farm output of the farm land use nearest to it (area × yield per ' +
        'hectare, below). Collection points and processing or cold-chain hubs are sited together at least annual cost: ' +
        'fixed costs, transport per tonne-km (village → collection point → hub → the seat\'s market) and a processing ' +
        'cost per tonne that falls with a hub\'s throughput. Costs and capacities are assumptions (below).',
      'industry.none': 'There is no farm land use inside the county: nothing to collect.',
      'industry.supply': 'Farm output (t/yr)',
      'industry.area': 'Farm land (ha)',
      'industry.points': 'Collection points',
      'industry.hubs': 'Hubs',
      'industry.method': 'Method',
      'industry.method.mip': 'exact (mixed-integer program, CBC)',
      'industry.method.local search': 'local search with a lower bound (LP relaxation)',
      'industry.outcome': 'Outcome',
      'industry.gap': 'Gap to the lower bound',
      'industry.cost': 'Annual cost (yuan)',
      'industry.cost_fixed': 'of which fixed costs',
      'industry.cost_transport': 'of which transport',
      'industry.cost_processing': 'of which processing',
      'industry.tkm_before': 'Tonne-km, every village straight to the market',
      'industry.tkm_after': 'Tonne-km through points and hubs',
      'industry.near_before': 'Supply within {min} min of the market',
      'industry.near_after': 'Supply within {min} min of a collection point',
      'industry.map': 'Supply, collection points, hubs and shipments',
      'industry.villages': 'Supply per settlement',
      'industry.sites_points': 'Collection points',
      'industry.sites_hubs': 'Hubs',
      'industry.links': 'Shipments (drawn straight; distances by road)',
      'industry.point': 'Collection point',
      'industry.leg': 'Leg',
      'industry.road_km': 'Road distance (km)',
      'industry.time': 'Time by car',
      'industry.tonnes': 'Tonnes per year',
      'industry.throughput': 'Throughput (t/yr)',
      'industry.capacity': 'Capacity (t/yr)',
      'industry.utilisation': 'Utilisation',
      'industry.processing_cost': 'Processing cost (yuan/yr)',
      'industry.leg.first mile': 'village → collection point',
      'industry.leg.to hub': 'collection point → hub',
      'industry.leg.to market': 'hub → market',
      'industry.classes': 'Supply by land use',
      'industry.class': 'Land use',
      'industry.t_per_ha': 'Yield (t/ha/yr)',
      'industry.source': 'Source',
      'industry.assumptions': 'Assumptions',
      'industry.assumption': 'Assumption',
      'industry.value': 'Value',
      'industry.a.cost_first_mile': 'Transport, village → collection point (yuan per tonne-km)',
      'industry.a.cost_trunk': 'Transport, collection point → hub → market (yuan per tonne-km)',
      'industry.a.collection_fixed': 'Fixed cost of a collection point (yuan per year)',
      'industry.a.collection_capacity': 'Capacity of a collection point (t/yr)',
      'industry.a.hub_fixed': 'Fixed cost of a hub (yuan per year)',
      'industry.a.hub_capacity': 'Capacity of a hub (t/yr)',
      'industry.a.processing': 'Processing cost per tonne from a throughput of {t} t/yr (yuan)',
      'industry.outcome.optimal': 'proven optimal',
      'industry.outcome.feasible': 'feasible, gap open',
      'industry.outcome.time limit': 'time limit',
      'industry.outcome.infeasible': 'infeasible',
      'landuse.farmland': 'farmland',
      'landuse.orchard': 'orchard',
      'landuse.vineyard': 'vineyard',
      'landuse.greenhouse_horticulture': 'greenhouses',
      'landuse.meadow': 'meadow',
      'landuse.animal_keeping': 'animal keeping',
      'landuse.aquaculture': 'aquaculture',
    },
    zh: {
      'industry.title': '农产品供给与加工物流节点布局',
      'industry.note': '各居民点汇集其最近的农业用地的产出（面积×单产，见下表）。收集点与加工或冷链枢纽按年总成本最小统一选址：' +
        '固定成本、按吨公里计的运输成本（村→收集点→枢纽→县城市场）以及随枢纽规模递减的单位加工成本。成本与规模参数为假设值（见下表）。',
      'industry.none': '县域内没有农业用地，无需布局收集点。',
      'industry.supply': '农产品产出（吨/年）',
      'industry.area': '农业用地（公顷）',
      'industry.points': '收集点',
      'industry.hubs': '加工物流枢纽',
      'industry.method': '求解方法',
      'industry.method.mip': '精确求解（混合整数规划，CBC）',
      'industry.method.local search': '局部搜索（附线性松弛下界）',
      'industry.outcome': '求解结果',
      'industry.gap': '与下界的差距',
      'industry.cost': '年总成本（元）',
      'industry.cost_fixed': '其中固定成本',
      'industry.cost_transport': '其中运输成本',
      'industry.cost_processing': '其中加工成本',
      'industry.tkm_before': '吨公里：各村直接运往县城市场',
      'industry.tkm_after': '吨公里：经收集点和枢纽',
      'industry.near_before': '距县城市场 {min} 分钟以内的产出占比',
      'industry.near_after': '距收集点 {min} 分钟以内的产出占比',
      'industry.map': '产出、收集点、枢纽与运输流向',
      'industry.villages': '各居民点产出',
      'industry.sites_points': '收集点',
      'industry.sites_hubs': '枢纽',
      'industry.links': '运输流向（直线示意，距离按道路计）',
      'industry.point': '收集点',
      'industry.leg': '运输环节',
      'industry.road_km': '道路距离（公里）',
      'industry.time': '驾车时间',
      'industry.tonnes': '吨/年',
      'industry.throughput': '处理量（吨/年）',
      'industry.capacity': '能力（吨/年）',
      'industry.utilisation': '利用率',
      'industry.processing_cost': '加工成本（元/年）',
      'industry.leg.first mile': '村→收集点',
      'industry.leg.to hub': '收集点→枢纽',
      'industry.leg.to market': '枢纽→市场',
      'industry.classes': '按用地类型的产出',
      'industry.class': '用地类型',
      'industry.t_per_ha': '单产（吨/公顷/年）',
      'industry.source': '来源',
      'industry.assumptions': '假设参数',
      'industry.assumption': '参数',
      'industry.value': '取值',
      'industry.a.cost_first_mile': '运输：村→收集点（元/吨公里）',
      'industry.a.cost_trunk': '运输：收集点→枢纽→市场（元/吨公里）',
      'industry.a.collection_fixed': '收集点固定成本（元/年）',
      'industry.a.collection_capacity': '收集点能力（吨/年）',
      'industry.a.hub_fixed': '枢纽固定成本（元/年）',
      'industry.a.hub_capacity': '枢纽能力（吨/年）',
      'industry.a.processing': '处理量达 {t} 吨/年起的单位加工成本（元/吨）',
      'industry.outcome.optimal': '已证明最优',
      'industry.outcome.feasible': '可行解（尚有差距）',
      'industry.outcome.time limit': '达到时间上限',
      'industry.outcome.infeasible': '无可行解',
      'landuse.farmland': '耕地',
      'landuse.orchard': '园地（果园）',
      'landuse.vineyard': '葡萄园',
      'landuse.greenhouse_horticulture': '设施农业（温室）',
      'landuse.meadow': '草地',
      'landuse.animal_keeping': '养殖用地',
      'landuse.aquaculture': '水产养殖',
    },
  });

  // Supply per settlement in greens (ColorBrewer Greens); collection points orange, hubs dark red, as boxes.
  var GREENS = ['#c7e9c0', '#74c476', '#31a354', '#006d2c'];
  var LEG_COLOR = { 'first mile': '#74c476', 'to hub': '#fd8d3c', 'to market': '#a50f15' };

  CS.section({
    id: 'industry',
    order: 68,
    title: 'industry.title',
    needs: ['sections.industry'],
    render: function (el, doc, ui) {
      var s = doc.sections.industry;
      ui.p(el, ui.t('industry.note'), 'cs-note');
      if (!ui.isNum(s.cost)) {
        ui.kv(el, [['industry.supply', s.supply_t, 'int'], ['industry.area', s.farm_area_ha, 'int']]);
        ui.p(el, ui.t('industry.none'), 'cs-note');
        return;
      }
      var near = { min: ui.fmt.int(s.near_min) };
      ui.kv(el, [
        ['industry.supply', s.supply_t, 'int'],
        ['industry.area', s.farm_area_ha, 'int'],
        ['industry.points', s.collection_points, 'int'],
        ['industry.hubs', s.hubs_open, 'int'],
        ['industry.method', ui.label('industry.method', s.method)],
        ['industry.outcome', ui.label('industry.outcome', s.outcome)],
        ['industry.gap', s.gap, 'pct'],
        ['industry.cost', s.cost, 'int'],
        ['industry.cost_fixed', s.cost_fixed, 'int'],
        ['industry.cost_transport', s.cost_transport, 'int'],
        ['industry.cost_processing', s.cost_processing, 'int'],
        ['industry.tkm_before', s.tkm_before, 'int'],
        ['industry.tkm_after', s.tkm_after, 'int'],
        [ui.t('industry.near_before', near), s.share_near_before, 'pct'],
        [ui.t('industry.near_after', near), s.share_near_after, 'pct'],
      ]);

      var L = doc.layers || {};
      var vil = L.industry_villages, sites = L.industry_sites, links = L.industry_links;
      if (vil && vil.features && vil.features.length) {
        ui.h3(el, 'industry.map');
        var max = 0;
        vil.features.forEach(function (f) { max = Math.max(max, f.properties.supply_t || 0); });
        var scale = ui.scale.bins({ breaks: [max / 8, max / 4, max / 2].map(function (v) { return Math.round(v); }),
          colors: GREENS, format: function (v) { return ui.fmt.int(v); }, nullLabel: false });
        var only = function (fc, pred) { return { type: 'FeatureCollection', features: (fc ? fc.features : []).filter(function (f) { return pred(f.properties); }) }; };
        var sitePopup = function (p) {
          return [['field.name', p.name], ['industry.throughput', ui.fmt.int(p.throughput_t)],
            ['industry.capacity', ui.fmt.int(p.capacity_t)], ['industry.utilisation', ui.fmt.pct(p.utilisation)]];
        };
        var layers = ui.baseLayers(doc).concat([
          { id: 'industry-links', name: 'industry.links', data: links || { type: 'FeatureCollection', features: [] },
            style: function (f) {
              var p = f.properties;
              return { color: LEG_COLOR[p.leg] || '#555', weight: p.leg === 'first mile' ? 1.5 : 3.5, opacity: 0.85 };
            },
            swatch: { color: LEG_COLOR['to hub'], shape: 'line' },
            popup: function (p) {
              return [['industry.leg', ui.label('industry.leg', p.leg)], ['field.name', p.from + ' → ' + p.to],
                ['industry.tonnes', ui.fmt.int(p.tonnes)], ['industry.road_km', ui.fmt.num(p.road_km, 1)]];
            } },
          { id: 'industry-villages', name: 'industry.villages', data: vil, radius: 5,
            style: function (f) { return { color: '#333', weight: 1, fillColor: scale(f.properties.supply_t), fillOpacity: 0.95 }; },
            swatch: { color: GREENS[2], shape: 'circle' },
            popup: function (p) {
              return [['field.name', p.name], ['industry.tonnes', ui.fmt.int(p.supply_t)],
                ['industry.point', p.collection_point || '—'], ['industry.road_km', ui.fmt.num(p.road_km, 1)],
                ['industry.time', ui.isNum(p.time_min) ? ui.fmt.num(p.time_min, 1) + ' ' + ui.t('unit.min') : '—']];
            } },
          { id: 'industry-points', name: 'industry.sites_points', data: only(sites, function (p) { return p.role === 'collection point'; }),
            radius: 7, square: true, style: { color: '#000', weight: 1.5, fillColor: '#fd8d3c', fillOpacity: 1 },
            swatch: { color: '#fd8d3c', shape: 'box' }, popup: sitePopup },
          { id: 'industry-hubs', name: 'industry.sites_hubs', data: only(sites, function (p) { return p.role === 'hub'; }),
            radius: 10, square: true, style: { color: '#000', weight: 2, fillColor: '#a50f15', fillOpacity: 1 },
            swatch: { color: '#a50f15', shape: 'box' }, popup: sitePopup },
        ]);
        ui.map(el, { layers: layers, height: 520,
          legend: [{ title: 'industry.tonnes', items: scale.legend().map(function (it) { it.shape = 'circle'; return it; })
            .concat([{ color: '#fd8d3c', label: ui.t('industry.sites_points'), shape: 'box' },
              { color: '#a50f15', label: ui.t('industry.sites_hubs'), shape: 'box' },
              { color: LEG_COLOR['first mile'], label: ui.label('industry.leg', 'first mile'), shape: 'line' },
              { color: LEG_COLOR['to hub'], label: ui.label('industry.leg', 'to hub'), shape: 'line' },
              { color: LEG_COLOR['to market'], label: ui.label('industry.leg', 'to market'), shape: 'line' }]) }] });
      }

      if ((s.hubs || []).length) {
        ui.h3(el, 'industry.hubs');
        ui.table(el, s.hubs, [
          { key: 'name', label: 'field.name' },
          { key: 'throughput_t', label: 'industry.throughput', format: 'int' },
          { key: 'utilisation', label: 'industry.utilisation', format: 'pct' },
          { key: 'processing_cost', label: 'industry.processing_cost', format: 'int' },
        ]);
      }
      ui.h3(el, 'industry.classes');
      ui.table(el, s.classes || [], [
        { key: 'class', label: 'industry.class', value: function (r) { return ui.label('landuse', r['class']); } },
        { key: 'area_ha', label: 'industry.area', format: 'int' },
        { key: 't_per_ha', label: 'industry.t_per_ha', format: 'num2' },
        { key: 'tonnes', label: 'industry.supply', format: 'int' },
        { key: 'source', label: 'industry.source', value: function (r) { return ui.text('industry', r.source); } },
      ]);

      var a = s.assumptions || {};
      var rows = ['cost_first_mile', 'cost_trunk', 'collection_fixed', 'collection_capacity', 'hub_fixed', 'hub_capacity']
        .map(function (k) { return { what: ui.t('industry.a.' + k), value: ui.fmt.num(a[k], 2) }; });
      (a.cost_breaks || []).forEach(function (b, i) {
        rows.push({ what: ui.t('industry.a.processing', { t: ui.fmt.int(b) }), value: ui.fmt.num((a.cost_slopes || [])[i], 2) });
      });
      var box = ui.details(el, 'industry.assumptions');
      ui.table(box, rows, [{ key: 'what', label: 'industry.assumption' }, { key: 'value', label: 'industry.value' }]);
    },
  });
})();

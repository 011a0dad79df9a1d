/* report/sections/30-access.js — public services: the standards audit across services, then per service type a map
 * of settlements coloured by travel time to the nearest facility, key figures (Gini, village/seat ratio), Lorenz
 * curves and the audit by tier and township with the worst places. Reads doc.sections.access and
 * doc.layers.access_settlements (docs/access.md); computes nothing. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'access.title': 'Access to public services',
      'access.intro': 'Travel times run from each demand point to the facility (demand → facility). Catchment {cutoff} min ({catchment}).',
      'access.audit': 'Standards audit',
      'access.standard': 'Standard',
      'access.threshold': 'Threshold',
      'access.measure': 'Measure',
      'access.pop_beyond': 'Population beyond',
      'access.pop_share_beyond': 'Share of population beyond',
      'access.place_share_beyond': 'Share of places beyond',
      'access.county_value': 'County value',
      'access.source': 'Source',
      'access.not_applicable': 'not applicable',
      'access.unknown': 'unknown',
      'access.group': 'Group',
      'access.grouping': 'Grouping',
      'access.facilities': 'Facilities',
      'access.supply': 'Supply',
      'access.unreached_population': 'Population with no facility in reach',
      'access.no_demand': 'Facilities with no demand in reach',
      'access.mean_nearest': 'Mean time to nearest (pop.-weighted)',
      'access.gini_nearest': 'Gini of time to nearest',
      'access.gini_2sfca': 'Gini of 2SFCA access',
      'access.ratio_nearest': 'Village / seat ratio (time to nearest)',
      'access.ratio_2sfca': 'Village / seat ratio (2SFCA)',
      'access.nearest': 'Time to nearest facility',
      'access.lorenz': 'Lorenz curves',
      'access.pop_cum': 'Cumulative share of population',
      'access.value_cum': 'Cumulative share',
      'access.worst': 'Worst places',
      'access.value': 'Value',
      'access.capacity': 'Carrying capacity',
      'access.per_1000': 'Per 1,000 residents',
      'access.norm': 'Norm per 1,000',
      'access.shortfall': 'Shortfall',
      'access.equity': 'Inequality decomposition (time to nearest)',
      'access.theil_within': 'Theil within',
      'access.theil_between': 'Theil between',
      'access.dagum_gw': 'Dagum G_w',
      'access.dagum_gnb': 'Dagum G_nb',
      'access.dagum_gt': 'Dagum G_t',
      'access.compare': 'Services compared',
      'access.compare_note': 'One row per service: time to the nearest facility weighted by population, how evenly it is spread (Gini: 0 = equal), and how far villages are behind the seat (ratio > 1: villages wait longer).',
      'access.std_share': 'Population beyond its standard',
      'access.map_of': 'Map of',
      'access.map_note': 'Settlements coloured by minutes to the nearest facility of the chosen type; facilities as squares; roads and the county boundary in grey.',
      'access.details': 'Details: {service}',
      'access.audit_all': 'Every standard, with its source',
      'access.equality': 'Equal distribution',
      'access.lorenz_note': 'Time to the nearest facility: the further a curve lies below the diagonal, the more unequal the service.',
      'access.standard_n': 'Standard {id}',
    },
    zh: {
      'access.title': '公共服务可达性',
      'access.intro': '出行时间自各需求点至设施（需求 → 设施）。服务半径 {cutoff} 分钟（{catchment}）。',
      'access.audit': '标准核查',
      'access.standard': '标准',
      'access.threshold': '阈值',
      'access.measure': '指标',
      'access.pop_beyond': '超标人口',
      'access.pop_share_beyond': '超标人口比例',
      'access.place_share_beyond': '超标居民点比例',
      'access.county_value': '全县数值',
      'access.source': '依据',
      'access.not_applicable': '不适用',
      'access.unknown': '无法判断',
      'access.group': '分组',
      'access.grouping': '分组方式',
      'access.facilities': '设施数',
      'access.supply': '供给',
      'access.unreached_population': '服务半径内无设施的人口',
      'access.no_demand': '服务半径内无需求的设施',
      'access.mean_nearest': '至最近设施平均时间（人口加权）',
      'access.gini_nearest': '最近设施时间基尼系数',
      'access.gini_2sfca': '2SFCA 可达性基尼系数',
      'access.ratio_nearest': '村/县城比（最近设施时间）',
      'access.ratio_2sfca': '村/县城比（2SFCA）',
      'access.nearest': '至最近设施时间',
      'access.lorenz': '洛伦兹曲线',
      'access.pop_cum': '人口累计比例',
      'access.value_cum': '累计比例',
      'access.worst': '最差居民点',
      'access.value': '数值',
      'access.capacity': '服务承载力',
      'access.per_1000': '每千人',
      'access.norm': '每千人标准',
      'access.shortfall': '缺口',
      'access.equity': '不平等分解（最近设施时间）',
      'access.theil_within': '泰尔组内',
      'access.theil_between': '泰尔组间',
      'access.dagum_gw': 'Dagum 组内 G_w',
      'access.dagum_gnb': 'Dagum 组间净值 G_nb',
      'access.dagum_gt': 'Dagum 超变密度 G_t',
      'access.compare': '各类服务对比',
      'access.compare_note': '每类服务一行：按人口加权的至最近设施时间、其分布是否均衡（基尼系数，0 = 完全均衡），以及村庄落后于县城的程度（比值 > 1 表示村庄耗时更长）。',
      'access.std_share': '超出标准的人口比例',
      'access.map_of': '地图：',
      'access.map_note': '居民点按至最近该类设施的分钟数着色；方块为设施；灰色为道路和县界。',
      'access.details': '详情：{service}',
      'access.audit_all': '全部标准及其依据',
      'access.equality': '绝对均衡线',
      'access.lorenz_note': '至最近设施时间：曲线越低于对角线，服务分布越不均衡。',
      'access.standard_n': '标准 {id}',
    },
  });

  // A failed standard of a missing service leads with its reason; one that cannot be judged or does not apply
  // says so.
  function auditNote(ui, r) {
    if (r.applicable) return (r.reason ? ui.text('audit', r.reason) + ' — ' : '') + ui.text('source', r.source);
    return ui.t(r.status === 'unknown' ? 'access.unknown' : 'access.not_applicable') + ': ' + ui.text('audit', r.reason);
  }

  function auditTable(el, ui, rows) {
    var flat = rows.map(function (r) {
      var c = r.county || {};
      return {
        id: r.id, service: r.service, measure: r.measure, direction: r.direction, threshold: r.threshold,
        applicable: r.applicable, status: r.status, reason: r.reason, source: r.source,
        population_beyond: r.applicable ? c.population_beyond : null,
        pop_share_beyond: r.applicable ? c.pop_share_beyond : null,
        place_share_beyond: r.applicable && r.county_value === undefined ? c.place_share_beyond : null,
        county_value: r.applicable && r.county_value !== undefined ? r.county_value : null,
      };
    });
    ui.table(el, flat, [
      { key: 'id', label: 'access.standard', code: true },
      { key: 'service', label: 'field.service', value: function (r) { return ui.label('service', r.service); } },
      { key: 'measure', label: 'access.measure', value: function (r) { return ui.label('measure', r.measure); } },
      { key: 'threshold', label: 'access.threshold', value: function (r) {
        return (r.direction === 'max' ? '≤ ' : '≥ ') + ui.fmt.auto(r.threshold); } },
      { key: 'pop_share_beyond', label: 'access.pop_share_beyond', format: 'pct' },
      { key: 'place_share_beyond', label: 'access.place_share_beyond', format: 'pct' },
      { key: 'population_beyond', label: 'access.pop_beyond', format: 'int' },
      { key: 'county_value', label: 'access.county_value', format: 'num2' },
      { key: 'source', label: 'access.source', value: function (r) { return auditNote(ui, r); },
        html: function (v, r) {
          var full = auditNote(ui, r);
          var short = full.length > 70 ? full.slice(0, 68) + '…' : full;
          return '<span title="' + ui.esc(full) + '">' + ui.esc(short) + '</span>'; } },
    ], { search: true, sort: true, caption: 'access.audit' });
  }


  // The nearest-time standard of a service (the audit row with measure nearest_min), if any.
  function timeStandard(s, svc) {
    return (s.audit || []).filter(function (a) { return a.service === svc && a.measure === 'nearest_min' && a.applicable; })[0];
  }

  function compareTable(el, ui, s, order) {
    ui.h3(el, 'access.compare');
    ui.p(el, ui.t('access.compare_note'), 'cs-note');
    var rows = order.map(function (svc) {
      var v = s.services[svc] || {};
      var m = v.measures || {};
      var near = m.nearest_min || {}, sf = m.sfca2 || {};
      var std = timeStandard(s, svc);
      return { service: ui.label('service', svc), facilities: v.facilities, mean: near.mean, gini: near.gini,
        ratio: near.village_seat_ratio, sfca_gini: sf.gini,
        standard: std ? '≤ ' + ui.fmt.auto(std.threshold) + ' ' + ui.t('unit.min') : '—',
        beyond: std && std.county ? std.county.pop_share_beyond : null,
        unreached: v.unreached_population };
    });
    ui.table(el, rows, [
      { key: 'service', label: 'field.service' },
      { key: 'facilities', label: 'access.facilities', format: 'int' },
      { key: 'mean', label: 'access.mean_nearest', format: 'minutes' },
      { key: 'standard', label: 'access.standard' },
      { key: 'beyond', label: 'access.std_share', format: 'pct' },
      { key: 'gini', label: 'access.gini_nearest', format: 'num3' },
      { key: 'ratio', label: 'access.ratio_nearest', format: 'num2' },
      { key: 'sfca_gini', label: 'access.gini_2sfca', format: 'num3' },
      { key: 'unreached', label: 'access.unreached_population', format: 'int' },
    ], { sort: true });
  }

  function accessMap(el, ui, doc, s, order) {
    var layer = doc.layers && doc.layers.access_settlements;
    if (!layer) return;
    var bar = ui.h('div', { class: 'cs-map-bar' });
    el.appendChild(bar);
    bar.appendChild(ui.h('label', { text: ui.t('access.map_of') }));
    var select = ui.h('select', { class: 'cs-select', 'aria-label': ui.t('access.map_of') });
    order.forEach(function (svc) { select.appendChild(ui.h('option', { value: svc, text: ui.label('service', svc) })); });
    bar.appendChild(select);
    ui.p(el, ui.t('access.map_note'), 'cs-note');
    var holder = ui.h('div');
    el.appendChild(holder);
    var scale = ui.timeScale();
    var handle = null;
    function draw(svc) {
      if (handle) {
        handle.map.remove();
        CS.maps.splice(CS.maps.indexOf(handle), 1);
        holder.innerHTML = '';
      }
      var key = svc + '_nearest_min';
      var facilities = { type: 'FeatureCollection', features: ((doc.layers.facilities || {}).features || []).filter(function (f) {
        return (f.properties || {}).service === svc; }) };
      var layers = ui.baseLayers(doc);
      layers.push({ id: 'access-settlements', name: 'access.nearest', data: layer, radius: 5.5,
        style: function (f) { return { color: '#333', weight: 1, fillColor: scale(f.properties[key]), fillOpacity: 0.95 }; },
        swatch: { color: scale.colors[3], shape: 'circle' },
        label: function (p) { return p.tier === 'village' ? null : ui.placeName(p.settlement, p.settlement_zh); },
        labelClass: 'town', labelPriority: 1,
        popup: function (p) { return [['field.name', ui.placeName(p.settlement, p.settlement_zh)], ['field.tier', ui.label('tier', p.tier)],
                                      ['access.nearest', ui.fmt.minutes(p[key])]]; } });
      if (facilities.features.length) {
        layers.push({ id: 'access-facilities', name: ui.label('service', svc), data: facilities, square: true, radius: 5,
          style: { color: '#ffffff', weight: 1.5, fillColor: '#d95f02', fillOpacity: 1 },
          swatch: { color: '#d95f02', shape: 'box' },
          popup: function (p) { return [['field.name', ui.name(p) || '—'], ['field.service', ui.label('service', p.service)]]; } });
      }
      var items = scale.legendItems('circle');
      if (facilities.features.length) items.push({ color: '#d95f02', label: ui.label('service', svc), shape: 'box' });
      handle = ui.map(holder, { height: 480, layers: layers, legend: [{ title: 'access.nearest', items: items }] });
      handle.el.setAttribute('data-service', svc);
    }
    select.addEventListener('change', function () { draw(select.value); });
    draw(order[0]);
  }

  function lorenzChart(el, ui, s, order) {
    var series = [];
    order.forEach(function (svc) {
      var near = ((s.services[svc] || {}).measures || {}).nearest_min;
      if (near && near.lorenz) series.push({ type: 'line', name: ui.label('service', svc), data: near.lorenz, showSymbol: false });
    });
    if (!series.length) return;
    series.push({ type: 'line', name: ui.t('access.equality'), data: [[0, 0], [1, 1]], showSymbol: false,
      lineStyle: { type: 'dashed', color: '#777' }, itemStyle: { color: '#777' } });
    ui.h3(el, 'access.lorenz');
    ui.p(el, ui.t('access.lorenz_note'), 'cs-note');
    ui.chart(el, { legend: { type: 'scroll', top: 0 }, tooltip: { trigger: 'axis' },
      color: ui.palettes.category,
      grid: { left: 60, right: 24, top: 40, bottom: 48 },
      xAxis: { type: 'value', min: 0, max: 1, name: ui.t('access.pop_cum'), nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', min: 0, max: 1, name: ui.t('access.value_cum'), nameLocation: 'middle', nameGap: 40 },
      series: series }, { height: 340 });
  }

  function serviceDetails(el, ui, s, svc) {
    var v = s.services[svc];
    var m = v.measures || {};
    var near = m.nearest_min || {}, sf = m.sfca2 || {};
    var box = ui.details(el, ui.t('access.details', { service: ui.label('service', svc) }));
    box.setAttribute('data-service', svc);
    ui.kv(box, [
      ['access.facilities', v.facilities, 'int'],
      ['access.supply', ui.text('supply', v.supply)],
      ['access.mean_nearest', near.mean, 'minutes'],
      ['access.gini_nearest', near.gini, 'num3'],
      ['access.ratio_nearest', near.village_seat_ratio, 'num2'],
      ['access.gini_2sfca', sf.gini, 'num3'],
      ['access.ratio_2sfca', sf.village_seat_ratio, 'num2'],
      ['access.unreached_population', v.unreached_population, 'int'],
      ['access.no_demand', (v.facilities_without_demand || []).length, 'int'],
    ]);
    var dec = near.decomposition || {};
    var drows = Object.keys(dec).map(function (g) {
      var d = dec[g];
      return { grouping: ui.label('grouping', g), within: d.theil.within, between: d.theil.between, gw: d.dagum.gw,
        gnb: d.dagum.gnb, gt: d.dagum.gt };
    });
    if (drows.length) {
      ui.h3(box, 'access.equity');
      ui.table(box, drows, [
        { key: 'grouping', label: 'access.grouping' },
        { key: 'within', label: 'access.theil_within', format: 'num3' },
        { key: 'between', label: 'access.theil_between', format: 'num3' },
        { key: 'gw', label: 'access.dagum_gw', format: 'num3' },
        { key: 'gnb', label: 'access.dagum_gnb', format: 'num3' },
        { key: 'gt', label: 'access.dagum_gt', format: 'num3' },
      ]);
    }
    (v.audit || []).forEach(function (a) {
      if (!a.applicable || !a.by_tier) return;
      var rows = [a.county].concat(a.by_tier, a.by_unit || []);
      ui.h3(box, ui.t('access.standard_n', { id: ui.label('standard', a.id) }));
      ui.table(box, rows, [
        { key: 'group', label: 'access.group', value: function (r) {
          return r.group === 'seat' || r.group === 'town' || r.group === 'village' ? ui.label('tier', r.group)
            : r.group === 'county' ? ui.t('field.county') : r.group; } },
        { key: 'population', label: 'field.population', format: 'int' },
        { key: 'pop_share_beyond', label: 'access.pop_share_beyond', format: 'pct' },
        { key: 'places', label: 'field.settlements', format: 'int' },
        { key: 'place_share_beyond', label: 'access.place_share_beyond', format: 'pct' },
      ], { sort: true });
      if (a.worst && a.worst.length) {
        ui.table(box, a.worst, [
          { key: 'place', label: 'field.name', value: function (r) { return ui.placeName(r.place, r.place_zh); } },
          { key: 'tier', label: 'field.tier', value: function (r) { return ui.label('tier', r.tier); } },
          { key: 'unit', label: 'field.unit' },
          { key: 'value', label: 'access.value', format: 'num2' },
          { key: 'population', label: 'field.population', format: 'int' },
        ], { sort: true, caption: 'access.worst' });
      }
    });
    if (v.capacity && v.capacity.capacity_known > 0) {
      ui.h3(box, 'access.capacity');
      ui.kv(box, [['access.per_1000', v.capacity.per_1000, 'num2'], ['access.norm', v.capacity.norm_per_1000, 'num2'],
                  ['access.shortfall', v.capacity.shortfall, 'int']]);
    }
  }

  CS.section({
    id: 'access',
    order: 30,
    title: 'access.title',
    render: function (el, doc, ui) {
      var s = doc.sections.access;
      var cfg = s.config || {};
      var order = (s.service_order || Object.keys(s.services || {})).filter(function (svc) { return s.services[svc]; });
      ui.p(el, ui.t('access.intro', { cutoff: ui.fmt.num(cfg.cutoff_min, 0), catchment: ui.label('catchment', cfg.catchment) }));
      compareTable(el, ui, s, order);
      accessMap(el, ui, doc, s, order);
      lorenzChart(el, ui, s, order);
      auditTable(ui.details(el, 'access.audit_all'), ui, s.audit || []);
      order.forEach(function (svc) { serviceDetails(el, ui, s, svc); });
    },
  });
})();

/* Factor flows (docs/flows.md).
 * plan:   sections.flows.factors (models and their assumed / given parameters), layers.flow_lines (the strongest
 *         settlement pairs per factor, line width by flow), the two-way balance between tiers
 *         (sections.flows.balance.tiers) and each centre's share of its hinterland (sections.flows.balance.centres).
 * table:  sections.flows.parameters (a calibrated gravity model: estimates, standard errors, fit statistics).
 * scenario: sections.scenario (before / after: time to the seat, flows per factor, balance, accessibility) and the
 *         map layers scenario_changes (changed / new roads) and scenario_settlements. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'flows.title': 'Factor flows',
      'flows.note': 'Flows between settlements from spatial-interaction models on car travel times. Parameters marked ' +
        '"assumed" are documented defaults, not calibrated: calibrate with an observed OD table (countyscope flows --od).',
      'flows.factors': 'Factor models',
      'flows.factor': 'Factor',
      'flows.model': 'Model',
      'flows.decay': 'Decay',
      'flows.beta': 'β (per min)',
      'flows.rate': 'Rate per unit of origin mass',
      'flows.origin_mass': 'Origin mass',
      'flows.dest_mass': 'Destination mass',
      'flows.source': 'Parameters',
      'flows.total': 'Total flow',
      'flows.unit': 'Unit',
      'flows.map': 'Flow map (line width by flow)',
      'flows.balance': 'Two-way balance between tiers',
      'flows.from': 'From',
      'flows.to': 'To',
      'flows.flow': 'Flow',
      'flows.reverse': 'Reverse flow',
      'flows.net': 'Net (from → to minus reverse)',
      'flows.centres': 'Centres and their hinterlands',
      'flows.centre': 'Centre',
      'flows.hinterland_places': 'Villages in hinterland',
      'flows.hinterland_population': 'Hinterland population',
      'flows.inbound_from_hinterland': 'Inflow from hinterland',
      'flows.share': 'Share of hinterland outflow captured',
      'flows.inbound_total': 'Total inflow',
      'flows.outbound_to_hinterland': 'Outflow to hinterland',
      'flows.hinterland_rule': 'Each village belongs to the seat or town it reaches fastest by car.',
      'flows.fit': 'Calibrated model',
      'flows.parameter': 'Parameter',
      'flows.estimate': 'Estimate',
      'flows.std_err': 'Std. error',
      'flows.t': 't',
      'flows.scenario': 'Scenario',
      'flows.reran': 'Passes re-run',
      'flows.time_seat_before': 'Mean time to the seat before',
      'flows.time_seat_after': 'Mean time to the seat after',
      'flows.before': 'Before',
      'flows.after': 'After',
      'flows.change': 'Change',
      'flows.redistributed': 'Flow redistributed',
      'flows.access': 'Accessibility before / after (population-weighted mean time to the nearest facility)',
      'flows.within15_before': 'Within 15 min before',
      'flows.within15_after': 'Within 15 min after',
      'flows.changes_map': 'Map of changes',
      'flows.changed_roads': 'Changed and new roads',
      'flows.changed_places': 'Settlements whose time to the seat or labour inflow changed',
      'flows.time_change': 'Change in time to the seat',
      'flows.speed_before': 'Speed before (km/h)',
      'flows.speed_after': 'Speed after (km/h)',
      'flows.kind': 'Change',
      'factor.labour': 'Commuting labour',
      'factor.consumption': 'Consumption',
      'factor.services': 'Service use',
      'factor.capital': 'Capital',
    },
    zh: {
      'flows.title': '要素流动',
      'flows.note': '基于驾车出行时间的空间相互作用模型计算居民点之间的流动。标为“假设”的参数是文档中给出的默认值，未经标定；' +
        '有实测 OD 表时可用命令行工具标定。',
      'flows.factors': '各要素模型',
      'flows.factor': '要素',
      'flows.model': '模型',
      'flows.decay': '距离衰减',
      'flows.beta': 'β（每分钟）',
      'flows.rate': '单位出发质量的流量',
      'flows.origin_mass': '出发地质量',
      'flows.dest_mass': '目的地质量',
      'flows.source': '参数来源',
      'flows.total': '总流量',
      'flows.unit': '单位',
      'flows.map': '流动图（线宽表示流量）',
      'flows.balance': '各级居民点之间的双向流动平衡',
      'flows.from': '从',
      'flows.to': '到',
      'flows.flow': '流量',
      'flows.reverse': '反向流量',
      'flows.net': '净流量（正向减反向）',
      'flows.centres': '中心地及其腹地',
      'flows.centre': '中心地',
      'flows.hinterland_places': '腹地村庄数',
      'flows.hinterland_population': '腹地人口',
      'flows.inbound_from_hinterland': '来自腹地的流入',
      'flows.share': '占腹地流出的比例',
      'flows.inbound_total': '总流入',
      'flows.outbound_to_hinterland': '流向腹地',
      'flows.hinterland_rule': '每个村庄归属于驾车最快到达的县城或镇。',
      'flows.fit': '标定结果',
      'flows.parameter': '参数',
      'flows.estimate': '估计值',
      'flows.std_err': '标准误',
      'flows.t': 't 值',
      'flows.scenario': '情景',
      'flows.reran': '重新计算的步骤',
      'flows.time_seat_before': '到县城的平均时间（之前）',
      'flows.time_seat_after': '到县城的平均时间（之后）',
      'flows.before': '之前',
      'flows.after': '之后',
      'flows.change': '变化',
      'flows.redistributed': '重新分配的流量',
      'flows.access': '可达性对比（按人口加权的到最近设施平均时间）',
      'flows.within15_before': '15 分钟内（之前）',
      'flows.within15_after': '15 分钟内（之后）',
      'flows.changes_map': '变化地图',
      'flows.changed_roads': '改造和新建道路',
      'flows.changed_places': '到县城时间或劳动力流入发生变化的居民点',
      'flows.time_change': '到县城时间的变化',
      'flows.speed_before': '之前车速（公里/小时）',
      'flows.speed_after': '之后车速（公里/小时）',
      'flows.kind': '变化类型',
      'factor.labour': '通勤劳动力',
      'factor.consumption': '消费',
      'factor.services': '公共服务使用',
      'factor.capital': '资本',
    },
  });

  // ColorBrewer Dark2 (colour-blind safe), one hue per factor.
  var FACTOR_COLORS = { labour: '#d95f02', consumption: '#7570b3', services: '#1b9e77', capital: '#e7298a' };

  function factorLabel(ui, f) { return ui.t('factor.' + f); }
  function feats(fc) { return (fc && fc.features) || []; }

  function renderFactors(el, s, ui) {
    ui.p(el, ui.t('flows.note'), 'cs-note');
    ui.h3(el, 'flows.factors');
    ui.table(el, s.factors, [
      { key: 'name', label: 'flows.factor', value: function (r) { return factorLabel(ui, r.name); } },
      { key: 'model', label: 'flows.model', value: function (r) { return ui.label('model', r.model); } },
      { key: 'decay', label: 'flows.decay', value: function (r) { return ui.label('decay', r.decay); } },
      { key: 'beta_per_min', label: 'flows.beta', format: 'num3' },
      { key: 'rate', label: 'flows.rate', format: 'num2' },
      { key: 'origin_mass', label: 'flows.origin_mass', value: function (r) { return ui.label('mass', r.origin_mass); } },
      { key: 'dest_mass', label: 'flows.dest_mass', value: function (r) { return ui.label('mass', r.dest_mass); } },
      { key: 'parameters_source', label: 'flows.source', value: function (r) { return ui.label('params', r.parameters_source); } },
      { key: 'total', label: 'flows.total', format: 'num1' },
      { key: 'unit', label: 'flows.unit', value: function (r) { return ui.label('flow_unit', r.unit); } },
    ]);
  }

  function renderFlowMap(el, doc, ui) {
    var fc = doc.layers && doc.layers.flow_lines;
    if (!feats(fc).length) return;
    ui.h3(el, 'flows.map');
    var groups = ui.splitBy(fc, 'factor');
    var layers = groups.map(function (g, i) {
      var max = 0;
      feats(g.data).forEach(function (f) { max = Math.max(max, f.properties.flow || 0); });
      var color = FACTOR_COLORS[g.key] || '#555';
      return {
        id: 'flows-' + g.key, name: factorLabel(ui, g.key), data: g.data, visible: i === 0,
        style: function (f) {
          var w = max > 0 ? 0.6 + 9 * Math.sqrt((f.properties.flow || 0) / max) : 1;
          return { color: color, weight: w, opacity: 0.55 };
        },
        swatch: { color: color, shape: 'line' },
        popup: function (p) {
          return [['flows.factor', factorLabel(ui, p.factor)], ['flows.from', ui.placeName(p.origin)], ['flows.to', ui.placeName(p.destination)],
            ['flows.flow', ui.fmt.num(p.flow, 1)]];
        },
      };
    });
    if (doc.layers.settlements) {
      layers.push({ id: 'flows-settlements', name: 'map.settlements', data: doc.layers.settlements, radius: 4,
        style: { color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 0.9 }, swatch: { color: '#333', shape: 'circle' },
        label: function (p) { return p.tier === 'village' ? null : ui.name(p); }, labelClass: 'town', labelPriority: 1 });
    }
    ui.map(el, { layers: ui.baseLayers(doc).concat(layers), height: 520,
      legend: [{ title: 'flows.flow', items: groups.map(function (g) {
        return { color: FACTOR_COLORS[g.key] || '#555', label: factorLabel(ui, g.key), shape: 'line', weight: 4 }; }) }] });
  }

  function renderBalance(el, b, ui) {
    if (!b) return;
    ui.h3(el, 'flows.balance');
    ui.table(el, b.tiers, [
      { key: 'factor', label: 'flows.factor', value: function (r) { return factorLabel(ui, r.factor); } },
      { key: 'from', label: 'flows.from', value: function (r) { return ui.label('tier', r.from); } },
      { key: 'to', label: 'flows.to', value: function (r) { return ui.label('tier', r.to); } },
      { key: 'flow', label: 'flows.flow', format: 'num1' },
      { key: 'reverse', label: 'flows.reverse', format: 'num1' },
      { key: 'net', label: 'flows.net', format: 'num1' },
    ]);
    ui.h3(el, 'flows.centres');
    ui.p(el, ui.t('flows.hinterland_rule'), 'cs-note');
    ui.table(el, b.centres, [
      { key: 'factor', label: 'flows.factor', value: function (r) { return factorLabel(ui, r.factor); } },
      { key: 'centre', label: 'flows.centre', value: function (r) { return ui.placeName(r.centre); } },
      { key: 'hinterland_places', label: 'flows.hinterland_places', format: 'int' },
      { key: 'hinterland_population', label: 'flows.hinterland_population', format: 'int' },
      { key: 'inbound_from_hinterland', label: 'flows.inbound_from_hinterland', format: 'num1' },
      { key: 'share', label: 'flows.share', format: 'pct' },
      { key: 'inbound_total', label: 'flows.inbound_total', format: 'num1' },
      { key: 'outbound_to_hinterland', label: 'flows.outbound_to_hinterland', format: 'num1' },
    ], { search: true, sort: true });
  }

  function renderFit(el, s, ui) {
    ui.h3(el, 'flows.fit');
    ui.kv(el, [['flows.model', ui.label('model', s.model)], ['flows.decay', ui.label('decay', s.decay)], ['β', s.beta, 'num6'],
      ['field.iterations', s.iterations, 'int'], ['deviance', s.deviance, 'num2'], ['AIC', s.aic, 'num2'],
      ['pseudo-R²', s.pseudoR2, 'num4'], ['SRMSE', s.SRMSE, 'num4'], ['SSI', s.SSI, 'num4']]);
    ui.table(el, s.parameters, [
      { key: 'name', label: 'flows.parameter' },
      { key: 'estimate', label: 'flows.estimate', format: 'num6' },
      { key: 'std_err', label: 'flows.std_err', format: 'num6' },
      { key: 't', label: 'flows.t', format: 'num2' },
    ]);
  }

  function renderScenario(el, doc, ui) {
    var sc = doc.sections.scenario;
    ui.h3(el, { en: 'Scenario: ' + sc.name, zh: '情景：' + ui.nameIn(sc) });
    var desc = ui.lang() === 'zh' ? sc.description_zh || sc.description : sc.description;
    if (desc) ui.p(el, desc, 'cs-note');
    ui.kv(el, [['flows.reran', (sc.reran || []).map(function (x) { return ui.label('pass', x); }).join(ui.lang() === 'zh' ? '、' : ', ')],
      ['flows.time_seat_before', sc.mean_time_to_seat_before_min, 'minutes'],
      ['flows.time_seat_after', sc.mean_time_to_seat_after_min, 'minutes']]);
    ui.table(el, sc.factors || [], [
      { key: 'factor', label: 'flows.factor', value: function (r) { return factorLabel(ui, r.factor); } },
      { key: 'total_before', label: 'flows.before', format: 'num1' },
      { key: 'total_after', label: 'flows.after', format: 'num1' },
      { key: 'redistributed', label: 'flows.redistributed', format: 'num1' },
    ]);
    ui.table(el, sc.balance || [], [
      { key: 'factor', label: 'flows.factor', value: function (r) { return factorLabel(ui, r.factor); } },
      { key: 'from', label: 'flows.from', value: function (r) { return ui.label('tier', r.from); } },
      { key: 'to', label: 'flows.to', value: function (r) { return ui.label('tier', r.to); } },
      { key: 'flow_before', label: 'flows.before', format: 'num1' },
      { key: 'flow_after', label: 'flows.after', format: 'num1' },
      { key: 'change', label: 'flows.change', format: 'num2', value: function (r) { return r.flow_after - r.flow_before; } },
    ]);
    if ((sc.access || []).length) {
      ui.h3(el, 'flows.access');
      ui.table(el, sc.access, [
        { key: 'service', label: 'field.service', value: function (r) { return ui.label('service', r.service); } },
        { key: 'mean_time_before_min', label: 'flows.before', format: 'minutes' },
        { key: 'mean_time_after_min', label: 'flows.after', format: 'minutes' },
        { key: 'within_15min_before', label: 'flows.within15_before', format: 'pct' },
        { key: 'within_15min_after', label: 'flows.within15_after', format: 'pct' },
      ]);
    }
    var roads = doc.layers && doc.layers.scenario_changes, places = doc.layers && doc.layers.scenario_settlements;
    if (!feats(roads).length && !feats(places).length) return;
    ui.h3(el, 'flows.changes_map');
    // Diverging, colour-blind safe (ColorBrewer PuOr): purple = shorter, orange = longer, grey = unchanged.
    var scale = ui.scale.bins({ breaks: [-5, -2, -0.5, 0.5, 2], colors: ['#542788', '#998ec3', '#d8daeb', '#e0e0e0', '#f1a340', '#b35806'],
      format: function (m) { return ui.fmt.num(m, 1) + ' ' + ui.t('unit.min'); }, nullLabel: ui.t('no_path') });
    var layers = ui.baseLayers(doc);
    if (feats(roads).length) layers.push({ id: 'scenario-changes', name: 'flows.changed_roads', data: roads,
      style: function (f) { return { color: f.properties.kind === 'new_link' ? '#e7298a' : '#1b9e77', weight: 5, opacity: 0.9 }; },
      swatch: { color: '#e7298a', shape: 'line' },
      popup: function (p) { return [['flows.kind', ui.label('change', p.kind)], ['field.name', p.name], ['flows.speed_before', ui.fmt.auto(p.speed_before_kmh)],
        ['flows.speed_after', ui.fmt.auto(p.speed_after_kmh)]]; } });
    if (feats(places).length) layers.push({ id: 'scenario-settlements', name: 'flows.changed_places', data: places, radius: 6,
      style: function (f) { return { color: '#333', weight: 1, fillColor: scale(f.properties.time_to_seat_change_min), fillOpacity: 0.95 }; },
      swatch: { color: '#66bd63', shape: 'circle' },
      popup: function (p) { return [['field.name', ui.name(p)], ['flows.time_change', ui.fmt.minutes(p.time_to_seat_change_min)],
        ['flows.flow', ui.fmt.num(p.labour_inflow_change, 2)]]; } });
    ui.map(el, { layers: layers, height: 480, legend: [{ title: 'flows.time_change', items: scale.legend().map(function (it) { it.shape = 'circle'; return it; })
      .concat([{ color: '#1b9e77', label: ui.label('change', 'upgrade'), shape: 'line', weight: 4 },
        { color: '#e7298a', label: ui.label('change', 'new_link'), shape: 'line', weight: 4 }]) }] });
  }

  CS.section({
    id: 'flows',
    order: 60,
    title: 'flows.title',
    needs: ['sections.flows', 'sections.scenario'],
    render: function (el, doc, ui) {
      var s = doc.sections.flows || {};
      if (s.factors) renderFactors(el, s, ui);
      if (s.parameters) renderFit(el, s, ui);
      renderFlowMap(el, doc, ui);
      renderBalance(el, s.balance, ui);
      if (doc.sections.scenario) renderScenario(el, doc, ui);
    },
  });
})();

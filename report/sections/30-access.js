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
    },
  });

  // A failed standard of a missing service leads with its reason; one that cannot be judged or does not apply
  // says so.
  function auditNote(ui, r) {
    if (r.applicable) return (r.reason ? r.reason + ' — ' : '') + r.source;
    return ui.t(r.status === 'unknown' ? 'access.unknown' : 'access.not_applicable') + ': ' + r.reason;
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
      { key: 'id', label: 'access.standard' },
      { key: 'service', label: 'field.service', value: function (r) { return ui.label('service', r.service); } },
      { key: 'measure', label: 'access.measure' },
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

  CS.section({
    id: 'access',
    order: 30,
    title: 'access.title',
    render: function (el, doc, ui) {
      var s = doc.sections.access;
      var cfg = s.config || {};
      ui.p(el, ui.t('access.intro', { cutoff: ui.fmt.num(cfg.cutoff_min, 0), catchment: cfg.catchment }));
      ui.h3(el, 'access.audit');
      auditTable(el, ui, s.audit || []);

      var layer = doc.layers && doc.layers.access_settlements;
      var scale = ui.scale.bins({ breaks: [600, 1200, 1800, 3600], palette: 'YlOrRd',
                                  format: function (v) { return ui.fmt.num(v / 60, 0); }, nullLabel: ui.t('no_path') });
      (s.service_order || Object.keys(s.services || {})).forEach(function (svc) {
        var v = s.services[svc];
        var m = v.measures || {};
        var near = m.nearest_s || {}, sf = m.sfca2 || {};
        var box = ui.h('div', { class: 'cs-access-service', 'data-service': svc });
        el.appendChild(box);
        ui.h3(box, { en: ui.label('service', svc), zh: ui.label('service', svc) });
        ui.kv(box, [
          ['access.facilities', v.facilities, 'int'],
          ['access.supply', v.supply],
          ['access.mean_nearest', near.mean, 'minutes'],
          ['access.gini_nearest', near.gini, 'num3'],
          ['access.ratio_nearest', near.village_seat_ratio, 'num2'],
          ['access.gini_2sfca', sf.gini, 'num3'],
          ['access.ratio_2sfca', sf.village_seat_ratio, 'num2'],
          ['access.unreached_population', v.unreached_population, 'int'],
          ['access.no_demand', (v.facilities_without_demand || []).length, 'int'],
        ]);
        if (layer) {
          var key = svc + '_nearest_s';
          ui.map(box, {
            height: 320,
            layers: [{ id: 'access-' + svc, name: 'access.nearest', data: layer, radius: 5,
                       style: function (f) { return { color: '#333', weight: 1, fillColor: scale(f.properties[key]), fillOpacity: 0.9 }; },
                       swatch: { color: scale.colors[1], shape: 'circle' },
                       popup: function (p) { return [['field.name', p.settlement], ['field.tier', ui.label('tier', p.tier)],
                                                     ['access.nearest', ui.fmt.minutes(p[key])]]; } }],
            legend: [{ title: 'access.nearest', items: scale.legend() }],
          });
        }
        var series = [];
        [['nearest_s', 'access.nearest'], ['sfca2', 'access.gini_2sfca']].forEach(function (pair) {
          var mm = m[pair[0]];
          if (mm && mm.lorenz) series.push({ type: 'line', name: pair[0], data: mm.lorenz, showSymbol: false });
        });
        series.push({ type: 'line', name: '=', data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: { type: 'dashed' } });
        ui.h3(box, 'access.lorenz');
        ui.chart(box, { legend: {}, tooltip: { trigger: 'axis' },
                        xAxis: { type: 'value', min: 0, max: 1, name: ui.t('access.pop_cum') },
                        yAxis: { type: 'value', min: 0, max: 1, name: ui.t('access.value_cum') }, series: series },
                 { height: 260 });
        var dec = near.decomposition || {};
        var drows = Object.keys(dec).map(function (g) {
          var d = dec[g];
          return { grouping: g, within: d.theil.within, between: d.theil.between, gw: d.dagum.gw, gnb: d.dagum.gnb,
                   gt: d.dagum.gt };
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
          ui.h3(box, { en: 'Standard ' + a.id, zh: '标准 ' + a.id });
          ui.table(box, rows, [
            { key: 'group', label: 'access.group', value: function (r) {
              return r.group === 'seat' || r.group === 'town' || r.group === 'village' ? ui.label('tier', r.group) : r.group; } },
            { key: 'population', label: 'field.population', format: 'int' },
            { key: 'pop_share_beyond', label: 'access.pop_share_beyond', format: 'pct' },
            { key: 'places', label: 'field.settlements', format: 'int' },
            { key: 'place_share_beyond', label: 'access.place_share_beyond', format: 'pct' },
          ], { sort: true });
          if (a.worst && a.worst.length) {
            ui.table(box, a.worst, [
              { key: 'place', label: 'field.name' },
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
      });
    },
  });
})();

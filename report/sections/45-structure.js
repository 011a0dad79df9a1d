/* Spatial structure (centre - bonds - hinterland).
 * Reads sections.structure (config, service_areas.centres, circles, villages_outside, hierarchy, pattern, off_network)
 * and layers.structure_service_areas (polygons per centre), layers.structure_circles (life-circle polygons:
 * source, kind, profile, cutoff_min, population), layers.structure_villages (points: centre, time_min, outside_gap).
 * Map: town service areas, the seat's 15- and 30-minute car circles, every town's 15-minute car circle, and the
 * villages, red when outside every centre's 15-minute circle. Tables: per town, villages outside, hierarchy, the
 * settlements to strengthen (pattern optimisation), and circle coverage. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'structure.title': 'Spatial structure: centre, towns and villages',
      'structure.note': 'Service areas assign every residential building and village to its nearest centre (the seat ' +
        'or a town) by car travel time on the road network. Life circles are the areas reachable from a centre ' +
        'within a time (roads reached, partial roads included, buffered by {buffer} m).',
      'structure.areas': 'Service areas',
      'structure.seat_circle': "Seat's {min}-min circle (car)",
      'structure.town_circle': "Towns' {min}-min circles (car)",
      'structure.villages': 'Villages',
      'structure.village_in': 'Village within a centre circle',
      'structure.village_out': 'Village outside every {min}-min centre circle',
      'structure.towns_table': 'Service area of each centre',
      'structure.outside_table': 'Villages outside every {min}-minute centre circle',
      'structure.none_outside': 'Every village is within {min} minutes of a centre.',
      'structure.hierarchy': 'Settlement hierarchy: stated and proposed tiers',
      'structure.pattern': 'Centres to strengthen (population within {min} min of a centre)',
      'structure.circles_table': 'Life circles of the seat and the towns',
      'structure.off_network': 'Settlements left out (farther than {m} m from a road)',
      'structure.centre': 'Centre',
      'structure.area_population': 'Population served',
      'structure.huff_population': 'Population served (Huff, expected)',
      'structure.mean_time': 'Mean travel time',
      'structure.max_time': 'Longest travel time',
      'structure.villages_n': 'Villages',
      'structure.demand_points': 'Buildings',
      'structure.nearest_centre': 'Nearest centre',
      'structure.time': 'Travel time',
      'structure.stated': 'Stated tier',
      'structure.proposed': 'Proposed tier',
      'structure.score': 'Centrality score',
      'structure.rank': 'Rank',
      'structure.reach_population': 'Population within 30 min',
      'structure.facilities': 'Facilities',
      'structure.service_types': 'Service types',
      'structure.mismatch': 'Mismatch',
      'structure.source': 'From',
      'structure.profile': 'Mode',
      'structure.cutoff': 'Within (min)',
      'structure.pop_share': 'Share of county population',
      'structure.base_covered': 'Covered by the existing centres',
      'structure.existing': 'Existing centres',
      'structure.covered': 'Covered with the chosen centres',
      'structure.gain': 'Coverage gain',
      'structure.bound': 'Upper bound on the best coverage',
      'structure.method': 'Method',
      'structure.chosen': 'Chosen, in order',
      'structure.step_gain': 'Gain',
      'structure.centres_n': 'Centres (seat and towns)',
      'structure.outside_n': 'Villages outside every 15-min centre circle',
    },
    zh: {
      'structure.title': '空间结构：县城—乡镇—村庄',
      'structure.note': '服务范围按路网驾车时间把每栋居住建筑和每个村庄分配到最近的中心（县城或镇）。生活圈是从中心出发在给定时间内可到达的范围' +
        '（到达的道路，包括部分路段，向两侧缓冲 {buffer} 米）。',
      'structure.areas': '服务范围',
      'structure.seat_circle': '县城 {min} 分钟生活圈（驾车）',
      'structure.town_circle': '各镇 {min} 分钟生活圈（驾车）',
      'structure.villages': '村庄',
      'structure.village_in': '位于中心生活圈内的村庄',
      'structure.village_out': '不在任何中心 {min} 分钟生活圈内的村庄',
      'structure.towns_table': '各中心的服务范围',
      'structure.outside_table': '不在任何中心 {min} 分钟生活圈内的村庄',
      'structure.none_outside': '所有村庄都在某个中心 {min} 分钟以内。',
      'structure.hierarchy': '居民点等级：现状与建议',
      'structure.pattern': '建议强化的中心（{min} 分钟内可达中心的人口）',
      'structure.circles_table': '县城和各镇的生活圈',
      'structure.off_network': '未纳入分析的居民点（距道路超过 {m} 米）',
      'structure.centre': '中心',
      'structure.area_population': '服务人口',
      'structure.huff_population': '服务人口（Huff 模型期望值）',
      'structure.mean_time': '平均出行时间',
      'structure.max_time': '最长出行时间',
      'structure.villages_n': '村庄数',
      'structure.demand_points': '建筑数',
      'structure.nearest_centre': '最近中心',
      'structure.time': '出行时间',
      'structure.stated': '现状等级',
      'structure.proposed': '建议等级',
      'structure.score': '中心性得分',
      'structure.rank': '排名',
      'structure.reach_population': '30 分钟内人口',
      'structure.facilities': '设施数',
      'structure.service_types': '服务类型数',
      'structure.mismatch': '不匹配',
      'structure.source': '起点',
      'structure.profile': '方式',
      'structure.cutoff': '时间（分钟）',
      'structure.pop_share': '占全县人口比例',
      'structure.base_covered': '现有中心覆盖',
      'structure.existing': '现有中心',
      'structure.covered': '加上所选中心后覆盖',
      'structure.gain': '覆盖增量',
      'structure.bound': '最优覆盖的上界',
      'structure.method': '方法',
      'structure.chosen': '所选（按顺序）',
      'structure.step_gain': '增量',
      'structure.centres_n': '中心数（县城和镇）',
      'structure.outside_n': '不在任何中心 15 分钟生活圈内的村庄',
    },
  });

  var MISMATCH_ZH = {
    'town with no services': '没有服务设施的镇',
    'village acting as a centre': '起中心作用的村',
    'town scoring as a village': '得分相当于村的镇',
    'seat is not the top-ranked centre': '县城不是得分最高的中心',
  };
  var PROFILE = { car: { en: 'car', zh: '驾车' }, walk: { en: 'walk', zh: '步行' } };

  function features(fc) {
    return fc && Array.isArray(fc.features) ? fc.features : [];
  }
  function filterFc(fc, pred) {
    return { type: 'FeatureCollection', features: features(fc).filter(function (f) { return pred(f.properties || {}); }) };
  }

  CS.section({
    id: 'structure',
    order: 45,
    title: 'structure.title',
    render: function (el, doc, ui) {
      var s = doc.sections.structure;
      var cfg = s.config || {};
      var gapMin = Math.round(cfg.village_gap_min || 15);
      var centres = (s.service_areas && s.service_areas.centres) || [];
      var outside = (s.villages_outside && s.villages_outside.villages) || [];
      var pat = s.pattern || {};

      ui.p(el, ui.t('structure.note', { buffer: cfg.buffer_m }), 'cs-note');
      ui.kv(el, [
        ['field.total_population', s.total_population, 'int'],
        ['structure.centres_n', centres.length, 'int'],
        ['structure.outside_n', outside.length, 'int'],
        ['structure.gain', pat.gain, 'int'],
      ]);

      // Map: service areas, circles, villages.
      var names = centres.map(function (c) { return c.name; });
      var areaScale = ui.scale.categorical(names, { colors: 'Set2' });
      var circles = doc.layers.structure_circles;
      var seat15 = filterFc(circles, function (p) { return p.kind === 'seat' && p.profile === 'car' && p.cutoff_min === 15; });
      var seat30 = filterFc(circles, function (p) { return p.kind === 'seat' && p.profile === 'car' && p.cutoff_min === 30; });
      var town15 = filterFc(circles, function (p) { return p.kind === 'town' && p.profile === 'car' && p.cutoff_min === gapMin; });
      var circlePopup = function (p) {
        return [['structure.source', p.source], ['structure.cutoff', p.cutoff_min],
          ['field.population', ui.fmt.int(p.population)], ['structure.villages_n', p.villages]];
      };
      var layers = ui.baseLayers(doc).concat([
        { id: 'structure-areas', name: 'structure.areas', data: doc.layers.structure_service_areas,
          style: function (f) {
            return { color: areaScale(f.properties.centre), weight: 1, fillColor: areaScale(f.properties.centre), fillOpacity: 0.25 };
          },
          swatch: { color: areaScale(names[0]), shape: 'box' },
          popup: function (p) {
            return [['structure.centre', ui.placeName(p.centre)], ['structure.area_population', ui.fmt.int(p.population)],
              ['structure.villages_n', p.villages], ['structure.mean_time', ui.fmt.minutes(p.mean_time_min)],
              ['structure.max_time', ui.fmt.minutes(p.max_time_min)]];
          } },
        { id: 'structure-seat30', name: ui.t('structure.seat_circle', { min: 30 }), data: seat30,
          style: { color: '#2c7bb6', weight: 2.5, fill: false },
          swatch: { color: '#2c7bb6', shape: 'line' }, popup: circlePopup },
        { id: 'structure-seat15', name: ui.t('structure.seat_circle', { min: 15 }), data: seat15,
          style: { color: '#08306b', weight: 2.5, fill: false, dashArray: '2 4' },
          swatch: { color: '#08306b', shape: 'line' }, popup: circlePopup },
        { id: 'structure-town15', name: ui.t('structure.town_circle', { min: gapMin }), data: town15,
          style: { color: '#7d3c98', weight: 2, dashArray: '6 4', fill: false },
          swatch: { color: '#7d3c98', shape: 'line' }, popup: circlePopup },
        { id: 'structure-villages-in', name: 'structure.village_in',
          data: filterFc(doc.layers.structure_villages, function (p) { return !p.outside_gap; }), radius: 4,
          style: { color: '#333', weight: 1, fillColor: '#1b9e77', fillOpacity: 0.9 },
          swatch: { color: '#1b9e77', shape: 'circle' },
          popup: function (p) {
            return [['field.name', ui.name(p)], ['structure.nearest_centre', ui.placeName(p.centre)], ['structure.time', ui.fmt.minutes(p.time_min)]];
          } },
        { id: 'structure-villages-out', name: ui.t('structure.village_out', { min: gapMin }),
          data: filterFc(doc.layers.structure_villages, function (p) { return !!p.outside_gap; }), radius: 6,
          style: { color: '#000', weight: 1.5, fillColor: '#d95f02', fillOpacity: 1 },
          swatch: { color: '#d95f02', shape: 'circle' },
          popup: function (p) {
            return [['field.name', ui.name(p)], ['structure.nearest_centre', ui.placeName(p.centre)], ['structure.time', ui.fmt.minutes(p.time_min)]];
          } },
      ]);
      ui.map(el, { layers: layers, legend: [{ title: 'structure.areas', items: areaScale.legend() }] });

      ui.h3(el, 'structure.towns_table');
      var huff = cfg.assignment === 'huff';
      var cols = [
        { key: 'name', label: 'structure.centre', value: function (r) { return ui.placeName(r.name); } },
        { key: 'tier', label: 'field.tier', value: function (r) { return ui.label('tier', r.tier); } },
        { key: 'population', label: 'field.population', format: 'int' },
        { key: 'area_population', label: 'structure.area_population', format: 'int' },
      ];
      if (huff) cols.push({ key: 'huff_population', label: 'structure.huff_population', format: 'int' });
      cols.push({ key: 'villages', label: 'structure.villages_n', format: 'int' },
        { key: 'demand_points', label: 'structure.demand_points', format: 'int' },
        { key: 'mean_time_min', label: 'structure.mean_time', format: 'minutes' },
        { key: 'max_time_min', label: 'structure.max_time', format: 'minutes' });
      ui.table(el, centres, cols, { sort: true });

      ui.h3(el, ui.t('structure.outside_table', { min: gapMin }));
      if (!outside.length) ui.p(el, ui.t('structure.none_outside', { min: gapMin }));
      else ui.table(el, outside, [
        { key: 'name', label: 'field.name', value: function (r) { return ui.placeName(r.name); } },
        { key: 'place', label: 'field.place', value: function (r) { return ui.label('place', r.place); } },
        { key: 'population', label: 'field.population', format: 'int' },
        { key: 'nearest_centre', label: 'structure.nearest_centre', value: function (r) { return ui.placeName(r.nearest_centre); } },
        { key: 'time_min', label: 'structure.time', format: 'minutes' },
      ], { sort: true, search: outside.length > 10 });

      ui.h3(el, ui.t('structure.pattern', { min: Math.round(pat.within_min || 15) }));
      ui.kv(el, [
        ['structure.method', ui.label('method', pat.method)],
        ['structure.existing', (pat.existing || []).map(function (x) { return ui.placeName(x); }).join(ui.lang() === 'zh' ? '、' : ', ')],
        ['structure.chosen', (pat.chosen || []).map(function (x) { return ui.placeName(x); }).join(ui.lang() === 'zh' ? '、' : ', ')],
        ['structure.base_covered', pat.base_covered, 'int'],
        ['structure.covered', pat.covered, 'int'],
        ['structure.gain', pat.gain, 'int'],
        ['structure.bound', pat.upper_bound, 'int'],
      ]);
      if (pat.steps && pat.steps.length) {
        ui.table(el, pat.steps, [
          { key: 'name', label: 'field.name', value: function (r) { return ui.placeName(r.name); } },
          { key: 'covered', label: 'structure.covered', format: 'int' },
          { key: 'gain', label: 'structure.step_gain', format: 'int' },
        ]);
      }

      ui.h3(el, 'structure.hierarchy');
      ui.table(el, s.hierarchy || [], [
        { key: 'rank', label: 'structure.rank', format: 'int' },
        { key: 'name', label: 'field.name', value: function (r) { return ui.placeName(r.name); } },
        { key: 'stated', label: 'structure.stated', value: function (r) { return ui.label('tier', r.stated); } },
        { key: 'proposed', label: 'structure.proposed', value: function (r) { return ui.label('tier', r.proposed); } },
        { key: 'score', label: 'structure.score', format: 'num2' },
        { key: 'population', label: 'field.population', format: 'int' },
        { key: 'reach_population', label: 'structure.reach_population', format: 'int' },
        { key: 'facilities', label: 'structure.facilities', format: 'int' },
        { key: 'service_types', label: 'structure.service_types', format: 'int' },
        { key: 'mismatch', label: 'structure.mismatch',
          value: function (r) { return r.mismatch ? ui.t({ en: r.mismatch, zh: MISMATCH_ZH[r.mismatch] || r.mismatch }) : ''; } },
      ], { sort: true, search: true });

      ui.h3(el, 'structure.circles_table');
      var rows = [];
      (s.circles || []).forEach(function (c) {
        if (c.kind !== 'seat' && c.kind !== 'town') return;
        c.cutoffs.forEach(function (x) {
          rows.push({ source: c.source, profile: c.profile, cutoff_min: x.cutoff_min, population: x.population,
            pop_share: x.pop_share, villages: x.villages.length });
        });
      });
      ui.table(el, rows, [
        { key: 'source', label: 'structure.source' },
        { key: 'profile', label: 'structure.profile', value: function (r) { return ui.t(PROFILE[r.profile] || r.profile); } },
        { key: 'cutoff_min', label: 'structure.cutoff', format: 'int' },
        { key: 'population', label: 'field.population', format: 'int' },
        { key: 'pop_share', label: 'structure.pop_share', format: 'pct' },
        { key: 'villages', label: 'structure.villages_n', format: 'int' },
      ], { sort: true });

      var off = (s.off_network && s.off_network.settlements) || [];
      if (off.length) {
        ui.h3(el, ui.t('structure.off_network', { m: s.off_network.threshold_m }));
        ui.table(el, off, [{ key: 'name', label: 'field.name' }, { key: 'place', label: 'field.place' },
          { key: 'snap_m', label: { en: 'Distance to road (m)', zh: '距道路（米）' }, format: 'int' }]);
      }
    },
  });
})();

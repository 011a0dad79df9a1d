/* Traffic on the county's roads (docs/assign.md, "A county's roads").
 * plan: sections.traffic (the peak-hour car trips from the flows model, the equilibrium's iterations and gap,
 *       vehicle-km and the share on links above the critical V/C, the assumed shares and capacities) and
 *       layers.traffic_links (every loaded road link: flow, capacity, V/C, free-flow and congested minutes). */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'traffic.title': 'Traffic on county roads (peak hour)',
      'traffic.note': 'Car trips between settlements in the morning peak hour, from the flows model with assumed shares ' +
        '(below), assigned to the road network as a user equilibrium (BPR link times). Through traffic and trips within ' +
        'a settlement are not included: V/C is a lower bound.',
      'traffic.trips': 'Car trips in the peak hour',
      'traffic.trips_labour': 'of which commuting',
      'traffic.iterations': 'Iterations',
      'traffic.gap': 'Relative gap',
      'traffic.vkm': 'Vehicle-kilometres in the hour',
      'traffic.critical_share': 'Share of vehicle-km on links above V/C {voc}',
      'traffic.max_voc': 'Highest V/C',
      'traffic.links': 'Road links loaded',
      'traffic.lanes': 'Road links with OSM lanes (capacity = lanes × capacity per lane)',
      'traffic.map': 'Volume / capacity (V/C) by road link',
      'traffic.voc': 'V/C',
      'traffic.flow': 'Vehicles per hour',
      'traffic.capacity': 'Capacity (vehicles per hour)',
      'traffic.free_flow': 'Free-flow time',
      'traffic.congested': 'Congested time',
      'traffic.road_class': 'Road class',
      'traffic.convergence': 'Convergence of the equilibrium',
      'traffic.first_iteration': 'The all-or-nothing loading of the first iteration is already the equilibrium: no link is loaded enough for a slower route to become the faster one.',
      'traffic.iteration': 'Iteration',
      'traffic.assumptions': 'Assumptions',
      'traffic.assumption': 'Assumption',
      'traffic.value': 'Value',
      'traffic.peak_share_labour': 'Share of a day\'s commuters travelling in the peak hour',
      'traffic.peak_share_other': 'Share of a day\'s shopping and service trips in the peak hour',
      'traffic.car_share': 'Share of trips by car',
      'traffic.occupancy': 'Persons per car',
      'traffic.bpr': 'BPR α, β',
      'traffic.cap': 'Capacity per direction, {cls}',
      'traffic.cap_other': 'Capacity per direction, other roads',
    },
    zh: {
      'traffic.title': '县域道路交通（高峰小时）',
      'traffic.note': '由要素流动模型推算的早高峰小时镇村间小汽车出行（分担率等参数为假设值，见下表），按用户均衡（BPR路阻函数）' +
        '分配到路网。未计过境交通和镇村内部出行，饱和度为下限。',
      'traffic.trips': '高峰小时小汽车出行量',
      'traffic.trips_labour': '其中通勤',
      'traffic.iterations': '迭代次数',
      'traffic.gap': '相对间隙',
      'traffic.vkm': '高峰小时车公里',
      'traffic.critical_share': '饱和度超过 {voc} 的路段上的车公里占比',
      'traffic.max_voc': '最高饱和度',
      'traffic.links': '有流量的路段数',
      'traffic.lanes': '有OSM车道数标注的路段（通行能力 = 车道数 × 单车道通行能力）',
      'traffic.map': '各路段饱和度（流量/通行能力）',
      'traffic.voc': '饱和度',
      'traffic.flow': '流量（辆/小时）',
      'traffic.capacity': '通行能力（辆/小时）',
      'traffic.free_flow': '自由流时间',
      'traffic.congested': '拥堵时间',
      'traffic.road_class': '道路等级',
      'traffic.convergence': '均衡求解的收敛过程',
      'traffic.first_iteration': '第一次迭代的全有全无分配即为均衡解：没有路段拥堵到使其他路径更快。',
      'traffic.iteration': '迭代',
      'traffic.assumptions': '假设参数',
      'traffic.assumption': '参数',
      'traffic.value': '取值',
      'traffic.peak_share_labour': '高峰小时出行的通勤者占全日比例',
      'traffic.peak_share_other': '高峰小时的购物和服务出行占全日比例',
      'traffic.car_share': '小汽车出行分担率',
      'traffic.occupancy': '每车载客人数',
      'traffic.bpr': 'BPR参数 α、β',
      'traffic.cap': '单向通行能力：{cls}',
      'traffic.cap_other': '单向通行能力：其他道路',
    },
  });

  // ColorBrewer YlOrRd (sequential, colour-blind safe): a hue family of its own among the report's maps.
  var VOC_BREAKS = [0.5, 0.85, 1];
  var VOC_COLORS = ['#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];

  CS.section({
    id: 'traffic',
    order: 65,
    title: 'traffic.title',
    needs: ['sections.traffic'],
    render: function (el, doc, ui) {
      var s = doc.sections.traffic;
      ui.p(el, ui.t('traffic.note'), 'cs-note');
      ui.kv(el, [
        ['traffic.trips', s.vehicle_trips_h, 'int'],
        ['traffic.trips_labour', s.vehicle_trips_labour_h, 'int'],
        ['traffic.vkm', s.vehicle_km, 'int'],
        [ui.t('traffic.critical_share', { voc: ui.fmt.num(s.voc_critical, 2) }), s.vehicle_km_critical_share, 'pct'],
        ['traffic.max_voc', s.max_voc, 'num2'],
        ['traffic.links', s.links_loaded, 'int'],
        ['traffic.lanes', ui.isNum(s.arcs_with_lanes) ? ui.fmt.int(s.arcs_with_lanes) + ' / ' + ui.fmt.int(s.arcs) : '—'],
        ['traffic.iterations', s.iterations, 'int'],
        // Rounding can leave a gap of -1e-15 at an exact equilibrium: shown as 0.
        ['traffic.gap', ui.isNum(s.relative_gap) ? (s.relative_gap > 0 ? s.relative_gap.toExponential(1) : '0') : '—'],
      ]);

      var fc = doc.layers && doc.layers.traffic_links;
      if (fc && fc.features && fc.features.length) {
        ui.h3(el, 'traffic.map');
        var scale = ui.scale.bins({ breaks: VOC_BREAKS, colors: VOC_COLORS, format: function (v) { return ui.fmt.num(v, 2); },
          nullLabel: false });
        var max = 0;
        fc.features.forEach(function (f) { max = Math.max(max, f.properties.flow_veh_h || 0); });
        var layer = { id: 'traffic-links', name: 'traffic.voc', data: fc,
          style: function (f) {
            var p = f.properties;
            return { color: scale(p.voc), weight: max > 0 ? 1 + 7 * Math.sqrt((p.flow_veh_h || 0) / max) : 2, opacity: 0.9 };
          },
          swatch: { color: VOC_COLORS[2], shape: 'line' },
          popup: function (p) {
            return [['traffic.road_class', ui.label('road', p.road_class)], ['traffic.flow', ui.fmt.int(p.flow_veh_h)],
              ['traffic.capacity', ui.fmt.int(p.capacity_veh_h)], ['traffic.voc', ui.fmt.num(p.voc, 2)],
              ['traffic.free_flow', ui.fmt.num(p.free_flow_min, 2) + ' ' + ui.t('unit.min')],
              ['traffic.congested', ui.fmt.num(p.congested_min, 2) + ' ' + ui.t('unit.min')]];
          } };
        ui.map(el, { layers: ui.baseLayers(doc).concat([layer]), height: 520,
          legend: [{ title: 'traffic.voc', items: scale.legend().map(function (it) { it.shape = 'line'; it.weight = 4; return it; }) }] });
      }

      var conv = (s.convergence || []).filter(function (r) { return r.relative_gap > 0; });
      if (s.converged && (s.convergence || []).length <= 1) ui.p(el, ui.t('traffic.first_iteration'), 'cs-note');
      if (conv.length > 1) {
        ui.h3(el, 'traffic.convergence');
        ui.chart(el, {
          grid: { left: 70, right: 20, top: 20, bottom: 50 },
          xAxis: { type: 'value', name: ui.t('traffic.iteration'), nameLocation: 'middle', nameGap: 28, minInterval: 1 },
          yAxis: { type: 'log', name: ui.t('traffic.gap'), nameLocation: 'middle', nameGap: 55,
            axisLabel: { formatter: function (v) { return v.toExponential(0); } } },
          series: [{ type: 'line', data: conv.map(function (r) { return [r.iteration, r.relative_gap]; }), itemStyle: { color: '#bd0026' } }],
        }, { height: 260 });
      }

      var a = s.assumptions || {};
      var rows = [
        { what: ui.t('traffic.peak_share_labour'), value: ui.fmt.pct(a.peak_share_labour) },
        { what: ui.t('traffic.peak_share_other'), value: ui.fmt.pct(a.peak_share_other) },
        { what: ui.t('traffic.car_share'), value: ui.fmt.pct(a.car_share) },
        { what: ui.t('traffic.occupancy'), value: ui.fmt.num(a.occupancy, 2) },
        { what: ui.t('traffic.bpr'), value: ui.fmt.num(a.bpr_alpha, 2) + ', ' + ui.fmt.num(a.bpr_beta, 1) },
      ];
      var caps = s.capacity_veh_h || {};
      Object.keys(caps).sort(function (x, y) { return caps[y] - caps[x]; }).forEach(function (k) {
        rows.push({ what: k === 'other' ? ui.t('traffic.cap_other') : ui.t('traffic.cap', { cls: ui.label('road', k) }),
          value: ui.fmt.int(caps[k]) });
      });
      var box = ui.details(el, 'traffic.assumptions');
      ui.table(box, rows, [{ key: 'what', label: 'traffic.assumption' }, { key: 'value', label: 'traffic.value' }]);
    },
  });
})();

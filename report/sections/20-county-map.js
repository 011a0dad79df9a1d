/* County map.
 * plan:   layers.admin_units (outlines), layers.roads (by road_class), layers.settlements by tier (seat / town / village;
 *         coloured by time_to_seat_min), layers.facilities by service type (one overlay each), layers.demand (off by
 *         default), and a table of settlements with their travel time to the seat.
 * assess: layers.counties as points (coloured by `score` when present, else by province).
 * Property names are those of schemas/results.schema.json; fallbacks (highway, class) keep older documents drawable. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'map.title': 'County map',
      'map.title_assess': 'Counties',
      'map.roads': 'Roads',
      'map.admin_units': 'Township-level units',
      'map.demand': 'Demand points (residential buildings)',
      'map.demand_cells': 'Population (buildings grouped in cells)',
      'map.county_boundary': 'County boundary',
      'map.time_hist': 'Villages by travel time to the seat',
      'map.villages': 'Villages',
      'map.settlements': 'Settlements',
      'map.facilities': 'Facilities',
      'map.counties': 'Counties',
      'map.time_legend': 'Travel time to the county seat',
      'map.road_legend': 'Road class',
      'map.score_legend': 'Score',
      'map.note_plan': 'Villages and towns are coloured by car travel time to the county seat; use the layer panel to ' +
        'show or hide roads, tiers and service types. Click a symbol for its figures.',
      'map.note_assess': 'One point per county centre. Click a point for its figures.',
      'map.settlement_table': 'Settlements and travel time to the seat',
      'map.thinned': 'Not drawn here, to keep the file small: {list} (county.gpkg holds every road).',
    },
    zh: {
      'map.title': '县域地图',
      'map.title_assess': '县域分布',
      'map.roads': '道路',
      'map.admin_units': '乡镇级单元',
      'map.demand': '需求点（居住建筑）',
      'map.demand_cells': '人口（建筑按网格汇总）',
      'map.county_boundary': '县界',
      'map.time_hist': '各出行时间段的村庄数',
      'map.villages': '村庄数',
      'map.settlements': '居民点',
      'map.facilities': '服务设施',
      'map.counties': '县',
      'map.time_legend': '到县城的出行时间',
      'map.road_legend': '道路等级',
      'map.score_legend': '得分',
      'map.note_plan': '镇和村按驾车到县城的出行时间着色；可在图层面板中显示或隐藏道路、各级居民点和各类设施。点击符号查看数据。',
      'map.note_assess': '每个点代表一个县的中心位置。点击查看数据。',
      'map.settlement_table': '居民点及其到县城的出行时间',
      'map.thinned': '为控制文件大小，本图未绘制：{list}（county.gpkg 含全部道路）。',
    },
  });

  var ROAD_ORDER = ['motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary',
    'secondary_link', 'tertiary', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'service', 'track',
    'road'];
  var ROAD_STYLE = {
    motorway: ['#c0392b', 4.5], trunk: ['#d35400', 4], primary: ['#e67e22', 3.4], secondary: ['#b7950b', 2.8],
    tertiary: ['#7f8c8d', 2.2], unclassified: ['#95a5a6', 1.6], residential: ['#aab7b8', 1.2],
    living_street: ['#aab7b8', 1.1], service: ['#c8cfd0', 0.9], track: ['#b9a37e', 0.9], road: ['#aab7b8', 1.1],
  };
  var TIER_ORDER = ['seat', 'town', 'village'];
  var TIER_RADIUS = { seat: 10, town: 7.5, village: 5 };
  var TIME_BREAKS_MIN = [5, 10, 15, 20, 30, 45];

  function roadClass(p) {
    var c = p.road_class || p.highway || p['class'] || 'road';
    return String(c);
  }
  function roadBase(c) {
    return c.replace(/_link$/, '');
  }
  function roadStyle(c) {
    var s = ROAD_STYLE[c] || ROAD_STYLE[roadBase(c)] || ROAD_STYLE.road;
    var link = /_link$/.test(c);
    return { color: s[0], weight: link ? Math.max(1, s[1] * 0.6) : s[1] };
  }
  function features(fc) {
    return fc && Array.isArray(fc.features) ? fc.features : [];
  }

  function renderPlan(el, doc, ui) {
    var L = doc.layers || {};
    ui.p(el, ui.t('map.note_plan'), 'cs-note');
    var timeScale = ui.timeScale();
    var layers = [];

    if (features(L.county_boundary).length) {
      layers.push({
        id: 'county_boundary', name: 'map.county_boundary', data: L.county_boundary,
        style: { color: '#3d2c4e', weight: 2.5, fill: false },
        swatch: { color: '#3d2c4e', shape: 'line', weight: 3 },
        popup: function (p) { return [['field.name', ui.name(p)]]; },
      });
    }
    if (features(L.admin_units).length) {
      layers.push({
        id: 'admin_units', name: 'map.admin_units', data: L.admin_units,
        style: { color: '#6c5b7b', weight: 1.2, dashArray: '4 3', fillColor: '#ffffff', fillOpacity: 0.35 },
        swatch: { color: '#ffffff', stroke: '#6c5b7b' },
        popup: function (p) { return [['field.name', ui.name(p)], ['field.code', p.code], ['field.population', ui.fmt.auto(p.population)]]; },
      });
    }

    var roadClassesPresent = [];
    if (features(L.roads).length) {
      var seen = {};
      features(L.roads).forEach(function (f) { seen[roadClass(f.properties || {})] = true; });
      roadClassesPresent = Object.keys(seen).sort(function (a, b) {
        var ia = ROAD_ORDER.indexOf(a), ib = ROAD_ORDER.indexOf(b);
        ia = ia < 0 ? 999 : ia; ib = ib < 0 ? 999 : ib;
        return ia !== ib ? ia - ib : a < b ? -1 : 1;
      });
      // Minor roads first so that major roads are drawn on top.
      var sorted = { type: 'FeatureCollection', features: features(L.roads).slice().sort(function (a, b) {
        var ia = ROAD_ORDER.indexOf(roadClass(a.properties || {})), ib = ROAD_ORDER.indexOf(roadClass(b.properties || {}));
        return (ib < 0 ? 999 : ib) - (ia < 0 ? 999 : ia);
      }) };
      layers.push({
        id: 'roads', name: 'map.roads', data: sorted,
        style: function (f) {
          var s = roadStyle(roadClass(f.properties || {}));
          return { color: s.color, weight: s.weight, opacity: 0.95, lineCap: 'round' };
        },
        swatch: { color: '#e67e22', shape: 'line' },
        popup: function (p) {
          return [['field.name', p.name || '—'], ['field.road_class', ui.label('road', roadClass(p))],
            ['field.length_m', ui.isNum(p.length_m) ? ui.fmt.km(p.length_m, 2) : undefined],
            ['field.speed_kmh', ui.isNum(p.speed_kmh) ? ui.fmt.num(p.speed_kmh, 0) : undefined],
            ['field.oneway', p.oneway !== undefined && p.oneway !== null ? ui.fmt.auto(!!p.oneway) : undefined]];
        },
      });
    }

    if (features(L.demand).length) {
      layers.push({
        id: 'demand', name: L.demand.aggregated_cell_deg ? 'map.demand_cells' : 'map.demand', data: L.demand,
        visible: false,
        // Area proportional to population (aggregated cells can hold thousands of people).
        style: function (f) {
          var pop = (f.properties || {}).population;
          var r = ui.isNum(pop) ? Math.max(1.5, Math.min(14, 1.2 + Math.sqrt(pop) * 0.35)) : 2;
          return { radius: r, color: '#2c3e50', weight: 0.5, fillColor: '#34495e', fillOpacity: 0.35 };
        },
        swatch: { color: '#34495e', shape: 'circle' },
        popup: function (p) {
          return [['field.population', ui.fmt.num(p.population, 1)], ['field.points', p.points !== undefined ? ui.fmt.int(p.points) : undefined],
            ['field.floor_area_m2', ui.isNum(p.floor_area_m2) ? ui.fmt.int(p.floor_area_m2) : undefined],
            ['field.settlement', p.settlement || undefined], ['field.unit', p.unit || undefined]];
        },
      });
    }

    var facilityTypes = [];
    if (features(L.facilities).length) {
      var groups = ui.splitBy(L.facilities, 'service');
      facilityTypes = groups.map(function (g) { return g.key; });
      var fscale = ui.scale.categorical(facilityTypes, { colors: ['#1f77b4', '#2ca02c', '#9467bd', '#17becf', '#8c564b',
        '#e377c2', '#7f7f7f', '#bcbd22', '#d62728', '#ff7f0e'] });
      groups.forEach(function (g) {
        layers.push({
          id: 'facilities-' + (g.key || 'other').replace(/[^a-z0-9_-]/gi, '_'),
          name: ui.label('service', g.key), data: g.data, radius: 5,
          style: { color: '#ffffff', weight: 1.5, fillColor: fscale(g.key), fillOpacity: 1 },
          swatch: { color: fscale(g.key), shape: 'circle' },
          popup: function (p) {
            return [['field.name', ui.name(p) || '—'], ['field.service', p.service_label && ui.lang() === 'en' ? p.service_label : ui.label('service', p.service)],
              ['field.capacity', p.capacity !== undefined && p.capacity !== null ? ui.fmt.auto(p.capacity) : undefined]];
          },
        });
      });
    }

    if (features(L.settlements).length) {
      ui.splitBy(L.settlements, 'tier', TIER_ORDER).forEach(function (g) {
        var tier = g.key || 'village';
        var r = TIER_RADIUS[tier] || 5;
        layers.push({
          id: 'settlements-' + tier.replace(/[^a-z0-9_-]/gi, '_'),
          name: ui.label('tier', tier), data: g.data, radius: r,
          style: function (f) {
            var p = f.properties || {};
            if (tier === 'seat') return { color: '#ffffff', weight: 2.5, fillColor: '#111111', fillOpacity: 1 };
            return { color: tier === 'town' ? '#111111' : '#444444', weight: tier === 'town' ? 2 : 1,
              fillColor: timeScale(p.time_to_seat_min), fillOpacity: 0.95 };
          },
          swatch: tier === 'seat' ? { color: '#111111', shape: 'circle' } : { color: timeScale.colors[2], stroke: tier === 'town' ? '#111' : '#444', shape: 'circle' },
          label: function (p) { return ui.name(p); }, labelClass: tier, labelPriority: TIER_ORDER.indexOf(tier) + 1,
          popup: function (p) {
            return [['field.name', ui.name(p)], ['field.tier', ui.label('tier', p.tier)], ['field.place', p.place ? ui.label('place', p.place) : undefined],
              ['field.population', p.population !== undefined ? ui.fmt.auto(p.population) : undefined],
              ['field.population_tag', p.population_tag !== undefined && p.population_tag !== null ? ui.fmt.auto(p.population_tag) : undefined],
              ['field.time_to_seat_min', p.time_to_seat_min !== undefined ? ui.fmt.minutes(p.time_to_seat_min) : undefined]];
          },
        });
      });
    }

    var legends = [{ title: 'map.time_legend', items: timeScale.legendItems('circle') }];
    if (roadClassesPresent.length) {
      legends.push({ title: 'map.road_legend', position: 'bottomleft', items: roadClassesPresent.filter(function (c) {
        return !/_link$/.test(c);
      }).map(function (c) {
        var s = roadStyle(c);
        return { color: s.color, weight: s.weight, shape: 'line', label: ui.label('road', c) };
      }) });
    }
    ui.map(el, { layers: layers, legend: legends, height: 560 });
    var thinned = L.roads && Array.isArray(L.roads.cs_thinned) ? L.roads.cs_thinned : [];
    if (thinned.length) {
      ui.p(el, ui.t('map.thinned', { list: thinned.map(function (x) {
        return ui.label('road', x['class']) + ' (' + ui.fmt.int(x.segments) + ')';
      }).join(ui.lang() === 'zh' ? '、' : ', ') }), 'cs-note');
    }

    // How many villages fall in each travel-time class (the map's colours as a bar chart).
    var villages = features(L.settlements).filter(function (f) { return (f.properties || {}).tier === 'village'; });
    if (villages.length) {
      ui.h3(el, 'map.time_hist');
      var items = timeScale.legend();
      var counts = items.map(function () { return 0; });
      villages.forEach(function (f) {
        var c = timeScale((f.properties || {}).time_to_seat_min);
        var k = items.findIndex(function (it) { return it.color === c; });
        if (k >= 0) counts[k]++;
      });
      ui.chart(el, {
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: items.map(function (it) { return it.color === ui.nullColor ? it.label : it.label + ' ' + ui.t('unit.min'); }),
          axisLabel: { interval: 0 } },
        yAxis: { type: 'value', name: ui.t('map.villages'), minInterval: 1 },
        series: [{ type: 'bar', data: counts.map(function (n, i) { return { value: n, itemStyle: { color: items[i].color, borderColor: '#555' } }; }),
          label: { show: true, position: 'top' } }],
        tooltip: { trigger: 'axis' },
      }, { height: 240 });
    }

    // The settlements as a table (searchable, sortable): the figures behind the map's colours.
    if (features(L.settlements).length) {
      ui.h3(el, 'map.settlement_table');
      var rows = features(L.settlements).map(function (f) {
        var p = f.properties || {};
        return { name: ui.name(p), tier: p.tier, tier_label: ui.label('tier', p.tier), population: ui.isNum(p.population) ? p.population : null,
          time_to_seat_min: ui.isNum(p.time_to_seat_min) ? p.time_to_seat_min : null };
      });
      rows.sort(function (a, b) {
        var ta = TIER_ORDER.indexOf(a.tier), tb = TIER_ORDER.indexOf(b.tier);
        return ta !== tb ? ta - tb : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
      ui.table(el, rows, [
        { key: 'name', label: 'field.name' },
        { key: 'tier_label', label: 'field.tier' },
        { key: 'population', label: 'field.population', format: 'int' },
        { key: 'time_to_seat_min', label: 'field.time_to_seat_min', format: 'minutes' },
      ], { search: true, sort: true, pageSize: 15 });
    }
  }

  function renderAssess(el, doc, ui) {
    var fc = doc.layers.counties;
    ui.p(el, ui.t('map.note_assess'), 'cs-note');
    var feats = features(fc);
    var hasScore = feats.some(function (f) { return f.properties && ui.isNum(f.properties.score); });
    var color, legendSpec;
    if (hasScore) {
      var vals = feats.map(function (f) { return f.properties.score; }).filter(ui.isNum);
      var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
      color = ui.scale.sequential({ domain: [lo, hi], palette: 'viridis' });
      legendSpec = { title: 'map.score_legend', items: color.legend(5).map(function (it) { it.shape = 'circle'; return it; }) };
      color = (function (sc) { return function (p) { return sc(p.score); }; })(color);
    } else {
      var provinces = ui.splitBy(fc, 'province').map(function (g) { return g.key; });
      var sc = ui.scale.categorical(provinces);
      color = function (p) { return sc(p.province); };
      legendSpec = provinces.length <= 12 ? { title: 'field.province', items: sc.legend().map(function (it) { it.shape = 'circle'; return it; }) } : null;
    }
    ui.map(el, {
      height: 560,
      layers: [{
        id: 'counties', name: 'map.counties', data: fc, radius: 4,
        style: function (f) { return { color: '#333333', weight: 0.6, fillColor: color(f.properties || {}), fillOpacity: 0.9 }; },
        swatch: { color: '#4e79a7', shape: 'circle' },
        tooltip: function (p) { return p.name || p.adcode || ''; },
        popup: function (p) {
          return [['field.name', p.name], ['field.adcode', p.adcode], ['field.province', p.province], ['field.city', p.city],
            ['map.score_legend', ui.isNum(p.score) ? ui.fmt.num(p.score, 3) : undefined]];
        },
      }],
      legend: legendSpec ? [legendSpec] : [],
    });
  }

  CS.section({
    id: 'county-map',
    order: 20,
    title: function (doc) { return doc.kind === 'assess' ? 'map.title_assess' : 'map.title'; },
    // plan: any of the county layers. assess: the county points, unless the assess section draws its own score map.
    needs: function (doc) {
      var L = doc.layers || {};
      if (doc.kind === 'assess') return !!L.counties && !(doc.sections && doc.sections.assess);
      return !!(L.roads || L.settlements || L.facilities);
    },
    render: function (el, doc, ui) {
      if (doc.kind === 'assess') {
        if (doc.layers && doc.layers.counties) renderAssess(el, doc, ui);
        return;
      }
      renderPlan(el, doc, ui);
    },
  });
})();

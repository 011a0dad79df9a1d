/* Overview: what county, from which data, under which licence; network and county facts; the assumptions (every
 * section's effective `config`, plus meta.assumptions) and the run profile (meta.timings) when present. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'overview.title': 'Overview',
      'overview.document': 'Document',
      'overview.attribution': 'Data and licences',
      'overview.network': 'Road network',
      'overview.county': 'County',
      'overview.assumptions': 'Assumptions (effective settings)',
      'overview.facts': 'Road network and county in figures',
      'overview.profile': 'Run profile',
      'overview.total': 'Total',
      'overview.kind.plan': 'One county (plan)',
      'overview.kind.assess': 'National assessment (assess)',
      'overview.quality': 'Data quality',
      'overview.quality.verdict': 'Verdict',
      'overview.quality.ok': 'ok',
      'overview.quality.warn': 'warning',
      'overview.quality.fail': 'fail',
      'overview.quality.item': 'Item',
      'overview.quality.status': 'Status',
      'overview.quality.value': 'Figure',
      'overview.quality.message': 'What it means',
      'overview.quality.population': 'Population',
      'overview.quality.dwellings': 'Dwellings',
      'overview.quality.facilities': 'Facilities',
      'overview.quality.seat': 'County seat',
      'overview.quality.boundary': 'Boundary',
      'overview.quality.far_points': 'Points far from roads',
      'overview.quality.network': 'Road network',
    },
    zh: {
      'overview.title': '概况',
      'overview.document': '文档信息',
      'overview.attribution': '数据与许可',
      'overview.network': '道路网络',
      'overview.county': '县域',
      'overview.assumptions': '假设条件（实际采用的参数）',
      'overview.facts': '道路网络与县域基本数据',
      'overview.profile': '运行耗时',
      'overview.total': '合计',
      'overview.kind.plan': '单县规划',
      'overview.kind.assess': '全国评估',
      'overview.quality': '数据质量',
      'overview.quality.verdict': '结论',
      'overview.quality.ok': '合格',
      'overview.quality.warn': '警告',
      'overview.quality.fail': '不合格',
      'overview.quality.item': '检查项',
      'overview.quality.status': '状态',
      'overview.quality.value': '数值',
      'overview.quality.message': '说明',
      'overview.quality.population': '人口',
      'overview.quality.dwellings': '住宅',
      'overview.quality.facilities': '设施',
      'overview.quality.seat': '县城',
      'overview.quality.boundary': '边界',
      'overview.quality.far_points': '远离道路的点',
      'overview.quality.network': '道路网络',
    },
  });

  // Object-valued facts whose keys are road classes, tiers or service types get translated labels.
  var KEY_PREFIX = {
    km_by_class: 'road',
    length_km_by_class: 'road',
    arcs_by_class: 'road',
    settlements_by_tier: 'tier',
    facilities_by_type: 'service',
  };

  function isScalar(v) {
    return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  }
  function isNumberMap(v) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
    var keys = Object.keys(v);
    return keys.length > 0 && keys.every(function (k) { return v[k] === null || typeof v[k] === 'number'; });
  }

  // A number in a fact table: seconds (keys ending _s) as minutes, shares as percentages.
  function factFormat(key, parentKey) {
    if (/share|ratio|fraction/.test(key)) return 'pct';
    if (/_s$/.test(parentKey || '') && !/count|no_path|far|^n$/.test(key)) return 'minutes';
    if (/_s$/.test(key) && !/seconds/.test(key)) return 'minutes';
    if (/_bytes$/.test(key)) return function (x) { return ui_.isNum(x) ? ui_.fmt.num(x / 1048576, 1) + ' MiB' : '—'; };
    return undefined;
  }
  var ui_ = null;

  // Scalars as a fact table; categorical breakdowns (km by class, settlements by tier, facilities by type) as tables
  // with shares and a bar chart; summaries ({count, p50, ...}) and groups of summaries as small tables.
  function facts(el, obj, ui) {
    ui_ = ui;
    var pairs = [];
    Object.keys(obj).sort().forEach(function (k) {
      if (k === 'config') return;
      if (k === 'profile' && typeof obj[k] === 'string') pairs.push([ui.field(k), ui.label('profile', obj[k])]);
      else if (typeof obj[k] === 'string') pairs.push([ui.field(k), ui.text(k, obj[k])]);
      else if (isScalar(obj[k])) pairs.push([ui.field(k), obj[k], factFormat(k)]);
    });
    if (pairs.length) ui.kv(el, pairs);
    Object.keys(obj).sort().forEach(function (k) {
      if (k === 'config') return;
      var m = obj[k];
      var prefix = KEY_PREFIX[k];
      if (isNumberMap(m) && prefix) {
        var total = 0;
        Object.keys(m).forEach(function (x) { if (ui.isNum(m[x])) total += m[x]; });
        var rows = Object.keys(m).map(function (x) {
          return { key: x, label: ui.label(prefix, x), value: m[x], share: total > 0 && ui.isNum(m[x]) ? m[x] / total : null };
        });
        if (prefix !== 'tier') rows.sort(function (a, b) { return (b.value || 0) - (a.value || 0) || (a.key < b.key ? -1 : 1); });
        ui.table(el, rows, [
          { key: 'label', label: ui.field(k) },
          { key: 'value', label: /km/.test(k) ? 'field.km' : 'field.count', format: /km/.test(k) ? 'num1' : 'int' },
          { key: 'share', label: 'field.share', format: 'pct' },
        ]);
        if (rows.length > 1 && /km/.test(k)) {
          var shown = rows.slice().reverse();
          ui.chart(el, {
            grid: { left: 8, right: 40, top: 8, bottom: 24, containLabel: true },
            xAxis: { type: 'value', name: 'km', nameLocation: 'end' },
            yAxis: { type: 'category', data: shown.map(function (r) { return r.label; }) },
            series: [{ type: 'bar', data: shown.map(function (r) { return r.value; }), itemStyle: { color: '#e67e22' } }],
            tooltip: { trigger: 'axis' },
          }, { height: Math.max(140, 26 * rows.length + 40) });
        }
      } else if (isNumberMap(m)) {
        // A summary such as {count, no_path, p50, p95, max}.
        var sp = Object.keys(m).map(function (x) { return [ui.field(x), m[x], factFormat(x, k)]; });
        var d = ui.h('div', { class: 'cs-summary' });
        d.appendChild(ui.h('div', { class: 'cs-kv-title', text: ui.field(k) }));
        el.appendChild(d);
        ui.kv(d, sp);
      } else if (m && typeof m === 'object' && !Array.isArray(m) && Object.keys(m).length &&
                 Object.keys(m).every(function (x) { return isNumberMap(m[x]); })) {
        // Several summaries with the same fields: one row each.
        var cols = [];
        Object.keys(m).forEach(function (x) {
          Object.keys(m[x]).forEach(function (c) { if (cols.indexOf(c) < 0) cols.push(c); });
        });
        var trs = Object.keys(m).map(function (x) {
          var r = { key: ui.field(x) };
          cols.forEach(function (c) { r[c] = m[x][c]; });
          return r;
        });
        ui.table(el, trs, [{ key: 'key', label: ui.field(k) }].concat(cols.map(function (c) {
          return { key: c, label: ui.field(c), format: /dist_m|_m$/.test(k) ? 'num1' : undefined };
        })));
      }
    });
  }

  function flatten(prefix, v, out) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      Object.keys(v).sort().forEach(function (k) { flatten(prefix ? prefix + '.' + k : k, v[k], out); });
    } else {
      out.push([prefix, v]);
    }
  }

  CS.section({
    id: 'overview',
    order: 10,
    title: 'overview.title',
    needs: function () { return true; },
    render: function (el, doc, ui) {
      var meta = doc.meta || {};
      var sections = doc.sections || {};
      var county = sections.county || {};

      ui.h3(el, 'overview.document');
      var place = doc.kind === 'plan' ? meta.county || county.name : undefined;
      var placeZh = meta.county_zh || county.name_zh;
      ui.kv(el, [
        ['field.county', place === undefined ? undefined
          : ui.placeName(place, placeZh, meta.county_en || county.name_en)],
        ['field.seat', county.seat],
        ['field.kind', ui.t('overview.kind.' + doc.kind)],
        ['field.source', meta.source],
      ]);
      if (meta.note) ui.p(el, meta.note, 'cs-note');

      // The data-quality gate (sections.quality): the verdict first, then every item with its figure.
      var q = sections.quality;
      if (q && Array.isArray(q.items)) {
        ui.h3(el, 'overview.quality');
        var badge = ui.h('p', { class: 'cs-quality cs-quality-' + q.verdict });
        badge.textContent = ui.t('overview.quality.verdict') + ': ' + ui.t('overview.quality.' + q.verdict);
        el.appendChild(badge);
        ui.table(el, q.items.map(function (r) {
          var parts = String(r.item).split('.');
          var label = ui.t('overview.quality.' + parts[0]);
          if (parts.length > 1) label += ': ' + ui.label('service', parts[1]);
          return { item: label, status: r.status, value: ui.text('quality', r.value), message: ui.text('quality', r.message) };
        }), [
          { key: 'item', label: 'overview.quality.item' },
          { key: 'status', label: 'overview.quality.status',
            html: function (v) { return '<span class="cs-quality-' + ui.esc(v) + '">' +
              ui.esc(ui.t('overview.quality.' + v)) + '</span>'; } },
          { key: 'value', label: 'overview.quality.value' },
          { key: 'message', label: 'overview.quality.message' },
        ]);
      }

      ui.h3(el, 'overview.attribution');
      var ul = ui.h('ul', { class: 'cs-attribution-list' });
      ui.attributionHtml(doc).forEach(function (a) { ul.appendChild(ui.h('li', { html: a })); });
      el.appendChild(ul);

      var grid = ui.h('div', { class: 'cs-grid' });
      ui.details(el, 'overview.facts').appendChild(grid);
      if (sections.network && typeof sections.network === 'object') {
        var net = ui.h('div');
        grid.appendChild(net);
        ui.h3(net, 'overview.network');
        facts(net, sections.network, ui);
      }
      if (sections.county && typeof sections.county === 'object') {
        var cty = ui.h('div');
        grid.appendChild(cty);
        ui.h3(cty, 'overview.county');
        facts(cty, sections.county, ui);
      }

      // Assumptions: each section's effective config, then meta.assumptions rows.
      var rows = [];
      Object.keys(sections).sort().forEach(function (id) {
        var cfg = sections[id] && sections[id].config;
        if (!cfg || typeof cfg !== 'object') return;
        var flat = [];
        flatten('', cfg, flat);
        flat.forEach(function (p) { rows.push({ section: id, option: p[0], value: p[1], description: null }); });
      });
      (Array.isArray(meta.assumptions) ? meta.assumptions : []).forEach(function (a) {
        rows.push({ section: a.section || '', option: a.option || a.name || '', value: a.value,
          description: a.description || null });
      });
      if (rows.length) {
        var abox = ui.details(el, 'overview.assumptions');
        // Options and their values as the plan file spells them (codes).
        var cols = [
          { key: 'section', label: 'field.section', value: function (r) { return ui.label('section', r.section); } },
          { key: 'option', label: 'field.option', code: true },
          { key: 'value', label: 'field.value', code: true,
            value: function (r) { return typeof r.value === 'string' ? ui.text('option', r.value) : r.value; } },
        ];
        if (rows.some(function (r) { return r.description; })) {
          cols.push({ key: 'description', label: 'field.description', value: function (r) { return ui.text('option', r.description); } });
        }
        ui.table(abox, rows, cols, { search: rows.length > 15, sort: true });
      }

      // Run profile: meta.timings = [{pass, seconds}] (only when the run asked for timings).
      var timings = Array.isArray(meta.timings) ? meta.timings : [];
      if (timings.length) {
        var pbox = ui.details(el, 'overview.profile');
        var total = 0;
        var trows = timings.map(function (x) {
          var s = ui.isNum(x.seconds) ? x.seconds : ui.isNum(x.wall_s) ? x.wall_s : null;
          if (s !== null) total += s;
          return { pass: x.pass || x.name || '', seconds: s };
        });
        trows.forEach(function (r) { r.share = total > 0 && r.seconds !== null ? r.seconds / total : null; });
        trows.push({ pass: ui.t('overview.total'), seconds: total, share: total > 0 ? 1 : null });
        ui.table(pbox, trows, [
          { key: 'pass', label: 'field.pass', code: true },
          { key: 'seconds', label: 'field.seconds', format: 'num3' },
          { key: 'share', label: 'field.share', format: 'pct' },
        ]);
      }
    },
  });
})();

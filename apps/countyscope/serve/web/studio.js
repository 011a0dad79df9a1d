/* The planning studio's web app (docs/studio.md): a Leaflet map of the county (places, facilities, the main roads)
 * and the answer's figures beside it. Clicking the map adds a facility of the chosen service; clicking a road
 * closes it; every edit goes to the server's API with the session token (from the address: #token=...) and the
 * figures are redrawn from its answer. Strings: the report's catalogue (i18n.js) plus the studio's own below. */
(function () {
  'use strict';
  var CS = window.CS;
  CS.addStrings({
    en: {
      studio_title: 'Planning studio', mode_facility: 'Click the map: add', mode_road: 'Click a road: close it',
      undo: 'Undo', redo: 'Redo', save: 'Save', propose: 'Propose 2 sites', export: 'Export report',
      exported: 'Report of the current state downloaded ({mb} MB)', set_threshold: 'Set threshold',
      mass_place: 'Settlement', mass_unit: 'Unit', mass_population: 'Population', mass_jobs: 'Jobs', mass_set: 'Set',
      sites_done: '{n} sites proposed for {service} ({solver}); green on the map', access_head: 'Access to the nearest facility',
      equity_head: 'Equity across settlements', audit_head: 'Standards audit (county)',
      balance_head: 'Two-way flow balance by tier', edits_head: 'Edits', saved_head: 'Saved scenarios',
      col_service: 'Service', col_mean: 'Mean time (min)', col_change: 'Change', col_within15: 'Within 15 min',
      col_gini: 'Gini', col_theil: 'Theil T', col_standard: 'Standard', col_beyond: 'Population beyond',
      col_flow: 'Flow', col_net: 'Net', before: 'baseline', after: 'now', working: 'Computing…',
      answered: 'Answered in {ms} ms', saved_as: 'Saved as {name}', no_token: 'Open the address printed by countyscope serve (it carries the token).',
    },
    zh: {
      studio_title: '规划工作室', mode_facility: '点击地图：新增', mode_road: '点击道路：封闭',
      undo: '撤销', redo: '重做', save: '保存', propose: '建议 2 处选址', export: '导出报告',
      exported: '当前状态的报告已下载（{mb} MB）', set_threshold: '设定阈值',
      mass_place: '村镇', mass_unit: '行政单元', mass_population: '人口', mass_jobs: '就业岗位', mass_set: '设定',
      sites_done: '已为{service}建议 {n} 处选址（{solver}），地图上绿色标出', access_head: '到最近设施的可达性',
      equity_head: '村镇间公平性', audit_head: '标准核查（全县）', balance_head: '分层级双向流动平衡',
      edits_head: '编辑', saved_head: '已保存情景', col_service: '服务', col_mean: '平均时间（分钟）',
      col_change: '变化', col_within15: '15 分钟内', col_gini: '基尼系数', col_theil: '泰尔指数',
      col_standard: '标准', col_beyond: '未达标人口', col_flow: '流量', col_net: '净流量', before: '基线',
      after: '当前', working: '计算中…', answered: '{ms} 毫秒内答复', saved_as: '已保存为 {name}',
      no_token: '请打开 countyscope serve 打印的地址（含令牌）。',
    },
  });
  CS.lang = 'en';
  function t(key, vars) {
    var s = CS.strings[CS.lang][key];
    if (s === undefined) s = CS.strings.en[key];
    if (s === undefined) s = key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace('{' + k + '}', vars[k]); });
    return s;
  }
  function serviceName(s) { var k = 'service.' + s; return CS.strings[CS.lang][k] || CS.strings.en[k] || s; }

  var token = (/(?:^|[#&])token=([0-9a-f]+)/.exec(window.location.hash) || [])[1] || '';
  var studio = (window.studio = { answers: 0, busy: false });
  var state = null, answer = null, map = null, chart = null, facilityLayer = null;

  function api(method, path, body) {
    studio.busy = true;
    setStatus(t('working'));
    var t0 = performance.now();
    return fetch(path, {
      method: method,
      headers: { 'X-Countyscope-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (j) {
        studio.busy = false;
        if (!r.ok) { setStatus(j.error || ('HTTP ' + r.status), true); throw new Error(j.error); }
        setStatus(t('answered', { ms: Math.round(performance.now() - t0) }));
        return j;
      });
    }, function (e) { studio.busy = false; setStatus(String(e), true); throw e; });
  }
  function setStatus(text, error) {
    var el = document.getElementById('status');
    el.textContent = text;
    el.className = error ? 'error' : '';
  }
  function fmt(x, digits) { return x === null || x === undefined ? '–' : Number(x).toFixed(digits); }
  function signed(x, digits) {
    if (x === null || x === undefined) return '';
    var s = Number(x).toFixed(digits);
    return Number(s) > 0 ? '+' + s : s;
  }
  function byKey(rows, key) { var m = {}; (rows || []).forEach(function (r) { m[key(r)] = r; }); return m; }
  function table(id, head, rows) {
    var el = document.getElementById(id);
    el.innerHTML = '';
    var tr = el.insertRow();
    head.forEach(function (h) { var th = document.createElement('th'); th.textContent = h; tr.appendChild(th); });
    rows.forEach(function (r) {
      var row = el.insertRow();
      r.forEach(function (c) {
        var td = row.insertCell();
        td.textContent = c.text;
        if (c.cls) td.className = c.cls;
        Object.keys(c.data || {}).forEach(function (k) { td.setAttribute('data-' + k, c.data[k]); });
      });
    });
  }

  function render() {
    if (!answer) return;
    document.documentElement.lang = CS.lang === 'zh' ? 'zh-CN' : 'en';
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    var h = answer.headline, d = answer.vs_baseline;
    var dServices = byKey(d.services, function (r) { return r.service; });
    table('services', [t('col_service'), t('col_mean'), t('col_change'), t('col_within15')], h.services.map(function (r) {
      var dm = (dServices[r.service] || {}).mean_min;
      return [{ text: serviceName(r.service) },
        { text: fmt(r.mean_min, 2), data: { service: r.service, field: 'mean_min' } },
        { text: signed(dm, 2), cls: dm < 0 ? 'better' : dm > 0 ? 'worse' : '' },
        { text: fmt(r.within_15min === null ? null : 100 * r.within_15min, 1) + ' %', data: { service: r.service, field: 'within_15min' } }];
    }));
    table('equity', [t('col_service'), t('col_gini'), t('col_theil')], h.equity.map(function (r) {
      return [{ text: serviceName(r.service) }, { text: fmt(r.gini, 3), data: { service: r.service, field: 'gini' } },
        { text: fmt(r.theil, 3), data: { service: r.service, field: 'theil' } }];
    }));
    table('audit', [t('col_standard'), t('col_beyond')], h.audit.map(function (r) {
      return [{ text: r.standard }, { text: fmt(r.population_beyond, 0), data: { standard: r.standard, field: 'population_beyond' } }];
    }));
    table('balance', ['', t('col_flow'), t('col_net')], h.balance.map(function (r) {
      return [{ text: r.factor + ': ' + t('tier.' + r.from) + ' → ' + t('tier.' + r.to) },
        { text: fmt(r.flow, 1) }, { text: fmt(r.net, 1) }];
    }));
    var ol = document.getElementById('edits');
    ol.innerHTML = '';
    answer.edits.forEach(function (e) { var li = document.createElement('li'); li.textContent = e.label; ol.appendChild(li); });
    var ul = document.getElementById('saved');
    ul.innerHTML = '';
    answer.vs_saved.forEach(function (s) { var li = document.createElement('li'); li.textContent = s.name; ul.appendChild(li); });
    var base = byKey(answer.baseline.services, function (r) { return r.service; });
    chart.setOption({
      animation: false,
      grid: { left: 90, right: 10, top: 24, bottom: 20 },
      legend: { data: [t('before'), t('after')], top: 0 },
      xAxis: { type: 'value', name: 'min' },
      yAxis: { type: 'category', data: h.services.map(function (r) { return serviceName(r.service); }) },
      series: [
        { name: t('before'), type: 'bar', data: h.services.map(function (r) { return (base[r.service] || {}).mean_min; }) },
        { name: t('after'), type: 'bar', data: h.services.map(function (r) { return r.mean_min; }) },
      ],
    }, true);
    drawFacilities();
    // Changed roads: closed ones red and dashed, others by their new speed (orange).
    var speed = {};
    (answer.scenario.upgrades || []).forEach(function (u) { u.ways.forEach(function (w) { speed[w] = u.speed_kmh; }); });
    if (studio.roads) studio.roads.eachLayer(function (l) {
      var w = l.options.way, v = speed[w];
      l.setStyle(v === undefined ? { color: '#8a8a8a', dashArray: null } : v === 0 ? { color: '#c62828', dashArray: '6 6' } : { color: '#ef6c00', dashArray: null });
    });
    studio.answers += 1;
  }

  function drawFacilities() {
    if (facilityLayer) facilityLayer.remove();
    facilityLayer = L.layerGroup().addTo(map);
    (state.facilities || []).forEach(function (f) {
      L.circleMarker([f.lat, f.lon], { radius: 4, color: '#6a1b9a', weight: 1, fillOpacity: 0.8 })
        .bindTooltip(serviceName(f.service) + ': ' + (f.name || '')).addTo(facilityLayer);
    });
  }

  function onAnswer(a) {
    answer = a;
    return api('GET', '/api/state').then(function (s) { state = s; render(); });
  }
  function edit(body) { return api('POST', '/api/edit', body).then(onAnswer); }
  studio.edit = edit;

  function start() {
    if (!token) { setStatus(t('no_token'), true); return; }
    api('GET', '/api/state').then(function (s) {
      state = s;
      answer = s.answer;
      document.getElementById('county').textContent = s.county || '';
      var sel = document.getElementById('service');
      s.services.forEach(function (name) {
        var o = document.createElement('option'); o.value = name; o.textContent = serviceName(name); sel.appendChild(o);
      });
      sel.value = s.services.indexOf('clinic') >= 0 ? 'clinic' : s.services[0];
      // A standard's threshold (the audit's max or min): a [[standard]] entry of the scenario.
      var stdSel = document.getElementById('std-id'), stdIn = document.getElementById('std-threshold');
      var thresholds = {};
      s.answer.headline.audit.forEach(function (r) {
        if (typeof r.threshold !== 'number' || thresholds.hasOwnProperty(r.standard)) return;
        thresholds[r.standard] = r.threshold;
        var o = document.createElement('option'); o.value = r.standard; o.textContent = r.standard; stdSel.appendChild(o);
      });
      stdSel.onchange = function () { stdIn.value = thresholds[stdSel.value]; };
      stdSel.onchange();
      document.getElementById('std-apply').onclick = function () {
        edit({ kind: 'standard', id: stdSel.value, threshold: Number(stdIn.value) });
      };
      // A settlement's or a unit's population or jobs: a [[place]] or [[unit]] entry of the scenario.
      var massKind = document.getElementById('mass-kind'), massName = document.getElementById('mass-name');
      massKind.onchange = function () {
        var names = massKind.value === 'unit' ? (s.units || []) : s.places.map(function (p) { return p.name; });
        massName.innerHTML = '';
        names.forEach(function (name) {
          var o = document.createElement('option'); o.value = name; o.textContent = name; massName.appendChild(o);
        });
      };
      massKind.onchange();
      document.getElementById('mass-apply').onclick = function () {
        var body = { kind: massKind.value, name: massName.value };
        body[document.getElementById('mass-field').value] = Number(document.getElementById('mass-value').value);
        edit(body);
      };
      map = L.map('map', { preferCanvas: false });
      studio.map = map;
      var bounds = L.latLngBounds(s.places.map(function (p) { return [p.lat, p.lon]; }));
      map.fitBounds(bounds.pad(0.05));
      studio.home = bounds.pad(0.05);
      var roads = L.layerGroup().addTo(map);
      studio.roads = roads;
      s.roads.line.forEach(function (line, i) {
        var way = s.roads.way[i];
        L.polyline(line.map(function (p) { return [p[1], p[0]]; }),
          { color: '#8a8a8a', weight: 5, opacity: 0.7, className: 'road way-' + way, way: way })
          .on('click', function (ev) {
            L.DomEvent.stop(ev);
            if (mode() !== 'road') return;
            edit({ kind: 'road', ways: [way], speed_kmh: 0 });
          }).addTo(roads);
      });
      s.places.forEach(function (p) {
        L.circleMarker([p.lat, p.lon], { radius: p.tier === 'seat' ? 8 : p.tier === 'town' ? 6 : 4, color: '#1565c0', weight: 1, fillOpacity: 0.6, interactive: false })
          .addTo(map);
      });
      map.on('click', function (ev) {
        if (mode() !== 'facility') return;
        var svc = document.getElementById('service').value;
        edit({ kind: 'facility', action: 'open', service: svc, name: 'New ' + svc + ' ' + (answer.edits.length + 1),
          at: [Math.round(ev.latlng.lng * 1e6) / 1e6, Math.round(ev.latlng.lat * 1e6) / 1e6] });
      });
      chart = echarts.init(document.getElementById('chart'));
      render();
    });
    // New sites of the chosen service on the edited county (the heuristic, at once): green markers.
    var sitesLayer = null;
    document.getElementById('sites').onclick = function () {
      var svc = document.getElementById('service').value;
      api('POST', '/api/sites', { service: svc, new: 2 }).then(function (r) {
        if (sitesLayer) sitesLayer.remove();
        sitesLayer = L.layerGroup().addTo(map);
        var n = 0;
        ((r.sites || {}).features || []).forEach(function (f) {
          if (f.properties.status === 'existing') return;
          n += 1;
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { radius: 9, color: '#1b5e20', weight: 3, fillColor: '#66bb6a', fillOpacity: 0.9, className: 'proposed-site' })
            .bindTooltip(f.properties.name || '').addTo(sitesLayer);
        });
        var sv = (r.locate.services || [])[0] || {};
        setStatus(r.locate.refused || t('sites_done', { n: n, service: serviceName(svc), solver: sv.chosen || sv.outcome || '' }));
      });
    };
    document.getElementById('undo').onclick = function () { api('POST', '/api/undo').then(onAnswer); };
    document.getElementById('redo').onclick = function () { api('POST', '/api/redo').then(onAnswer); };
    document.getElementById('save').onclick = function () {
      var name = document.getElementById('save-name').value;
      api('POST', '/api/save', { name: name }).then(function () {
        return api('GET', '/api/answer');
      }).then(function (a) { answer = a; render(); setStatus(t('saved_as', { name: name })); });
    };
    // The static report of the current state: fetched with the token, handed to the browser as a download.
    document.getElementById('export').onclick = function () {
      studio.busy = true;
      setStatus(t('working'));
      fetch('/api/report.html', { headers: { 'X-Countyscope-Token': token } }).then(function (r) {
        if (!r.ok) return r.json().then(function (j) { throw new Error(j.error || ('HTTP ' + r.status)); });
        return r.blob();
      }).then(function (b) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(b);
        a.download = 'countyscope-studio-report.html';
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
        studio.busy = false;
        setStatus(t('exported', { mb: (b.size / 1e6).toFixed(1) }));
      }, function (e) { studio.busy = false; setStatus(String(e.message || e), true); });
    };
    Array.prototype.forEach.call(document.querySelectorAll('.cs-lang button'), function (b) {
      b.onclick = function () { CS.lang = b.getAttribute('data-lang'); render(); };
    });
  }
  function mode() { return document.querySelector('input[name=mode]:checked').value; }
  start();
})();

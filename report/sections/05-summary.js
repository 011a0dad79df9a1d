/* Summary: the county at a glance, on one page, before the sections (issue 17).
 * Reads sections.county (name, seat, total_population, demand_source, settlements_by_tier), sections.network
 * (km_total), sections.quality (verdict, items), sections.access.audit (standards: population beyond, worst places),
 * sections.locate.services (new sites, before/after), sections.flows.balance.tiers (flows between seat, towns and
 * villages), sections.scenario (before/after) and, when present, sections.national (rank, of, type). Computes
 * nothing: it picks and sorts figures of the results document. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'summary.title': 'Summary',
      'summary.population': 'Population',
      'summary.population_source': 'Source: {source}',
      'summary.settlements': 'Settlements',
      'summary.settlements_value': 'seat 1 · towns {towns} · villages {villages}',
      'summary.roads': 'Roads',
      'summary.roads_value': '{km} km',
      'summary.quality': 'Data quality',
      'summary.quality_ok': 'the data carry the results',
      'summary.quality_warn': 'usable, with the warnings below',
      'summary.quality_fail': 'the results rest on data that cannot carry them',
      'summary.act': 'Services below standard',
      'summary.act_none': 'Every standard that can be judged is met.',
      'summary.standard': 'Standard',
      'summary.beyond': 'Population beyond',
      'summary.share': 'Share',
      'summary.worst': 'Worst off',
      'summary.unknown': 'Cannot be judged: {list}.',
      'summary.sites': 'Proposed sites and what they change',
      'summary.sites_row': '{service}: {n} new at {names}',
      'summary.mean_time': 'Mean time to the nearest',
      'summary.beyond_std': 'Population beyond {min} min',
      'summary.before_after': '{before} → {after}',
      'summary.flows': 'Flows between seat, towns and villages',
      'summary.flows_note': 'Net = flow towards the centre minus the flow back (per day, in the model\'s unit).',
      'summary.net': 'net {net} ({flow} in, {back} back)',
      'summary.national': 'National rank and type',
      'summary.national_value': 'rank {rank} of {of}; type {type}',
      'summary.scenario': 'What-if: {name}',
      'summary.scenario_time': 'Mean time to the seat',
      'summary.before': 'Before',
      'summary.scenario_places': 'Time to the seat changes most for: {list}.',
      'summary.after': 'After',
      'summary.scenario_access': 'Mean time to the nearest {service}',
      'summary.scenario_none': 'The scenario changes no settlement\'s time to the seat nor any service\'s mean time.',
      'summary.details': 'Sections below: map, access, siting, structure, flows, national context.',
      'standard.max_min': '≤ {v} min',
      'standard.min_facilities': '≥ {v} facilities',
      'standard.per_1000': '≥ {v} per 1,000 residents',
    },
    zh: {
      'summary.title': '摘要',
      'summary.population': '人口',
      'summary.population_source': '来源：{source}',
      'summary.settlements': '居民点',
      'summary.settlements_value': '县城 1 个 · 镇 {towns} 个 · 村 {villages} 个',
      'summary.roads': '道路',
      'summary.roads_value': '{km} 公里',
      'summary.quality': '数据质量',
      'summary.quality_ok': '数据足以支撑结果',
      'summary.quality_warn': '可用，但有以下警告',
      'summary.quality_fail': '结果所依据的数据不足以支撑结论',
      'summary.act': '未达标的公共服务',
      'summary.act_none': '凡可判断的标准均已达标。',
      'summary.standard': '标准',
      'summary.beyond': '超标人口',
      'summary.share': '比例',
      'summary.worst': '最差居民点',
      'summary.unknown': '无法判断：{list}。',
      'summary.sites': '新增设施选址及其效果',
      'summary.sites_row': '{service}：新增 {n} 处，位于 {names}',
      'summary.mean_time': '至最近设施平均时间',
      'summary.beyond_std': '超过 {min} 分钟的人口',
      'summary.before_after': '{before} → {after}',
      'summary.flows': '县城、镇、村之间的要素流动',
      'summary.flows_note': '净流量 = 流向中心的流量减去回流量（每日，按模型单位计）。',
      'summary.net': '净 {net}（流入 {flow}，回流 {back}）',
      'summary.national': '全国排名与类型',
      'summary.national_value': '第 {rank} 位（共 {of} 个）；类型：{type}',
      'summary.scenario': '情景模拟：{name}',
      'summary.scenario_time': '到县城的平均时间',
      'summary.before': '情景前',
      'summary.scenario_places': '到县城时间变化最大的居民点：{list}。',
      'summary.after': '情景后',
      'summary.scenario_access': '至最近{service}的平均时间',
      'summary.scenario_none': '该情景未改变任何居民点到县城的时间，也未改变任何服务的平均时间。',
      'summary.details': '以下各节：地图、可达性、选址、空间结构、要素流动、全国比较。',
      'standard.max_min': '≤ {v} 分钟',
      'standard.min_facilities': '≥ {v} 处设施',
      'standard.per_1000': '每千人 ≥ {v}',
    },
  });

  // A standard's threshold in words ("≤ 30 min").
  function standardText(ui, a) {
    if (a.measure === 'nearest_min') return ui.t('standard.max_min', { v: ui.fmt.auto(a.threshold) });
    if (a.measure === 'facilities') return ui.t('standard.min_facilities', { v: ui.fmt.auto(a.threshold) });
    if (a.measure === 'supply_per_1000') return ui.t('standard.per_1000', { v: ui.fmt.auto(a.threshold) });
    return (a.direction === 'max' ? '≤ ' : '≥ ') + ui.fmt.auto(a.threshold);
  }

  function card(ui, grid, title, value, note, cls) {
    var c = ui.h('div', { class: 'cs-card' + (cls ? ' ' + cls : '') });
    c.appendChild(ui.h('div', { class: 'cs-card-title', text: ui.t(title) }));
    c.appendChild(ui.h('div', { class: 'cs-card-value', text: value }));
    if (note) c.appendChild(ui.h('div', { class: 'cs-card-note', text: note }));
    grid.appendChild(c);
    return c;
  }

  // The audit rows of the standards some population falls short of, worst share first.
  function shortfalls(access) {
    return (access.audit || []).filter(function (a) {
      var c = a.county || {};
      return a.applicable && (a.county_beyond === true || (typeof c.population_beyond === 'number' && c.population_beyond > 0));
    }).sort(function (a, b) {
      var sa = (a.county || {}).pop_share_beyond, sb = (b.county || {}).pop_share_beyond;
      sa = typeof sa === 'number' ? sa : 1;
      sb = typeof sb === 'number' ? sb : 1;
      return sb - sa || (a.id < b.id ? -1 : 1);
    });
  }

  CS.section({
    id: 'summary',
    order: 5,
    title: 'summary.title',
    needs: function (doc) { return doc.kind === 'plan'; },
    render: function (el, doc, ui) {
      var S = doc.sections || {};
      var county = S.county || {};
      var tiers = county.settlements_by_tier || {};

      var grid = ui.h('div', { class: 'cs-cards' });
      el.appendChild(grid);
      if (ui.isNum(county.total_population)) {
        card(ui, grid, 'summary.population', ui.fmt.int(county.total_population),
          county.demand_source ? ui.t('summary.population_source', { source: ui.text('source', county.demand_source) }) : null);
      }
      if (county.settlements !== undefined) {
        card(ui, grid, 'summary.settlements', ui.fmt.int(county.settlements),
          ui.t('summary.settlements_value', { towns: ui.fmt.int(tiers.town || 0), villages: ui.fmt.int(tiers.village || 0) }));
      }
      if (S.network && ui.isNum(S.network.km_total)) {
        card(ui, grid, 'summary.roads', ui.t('summary.roads_value', { km: ui.fmt.num(S.network.km_total, 0) }), null);
      }
      var q = S.quality;
      if (q && q.verdict) {
        var qc = card(ui, grid, 'summary.quality', ui.t('overview.quality.' + q.verdict), ui.t('summary.quality_' + q.verdict),
          'cs-quality-card cs-quality-' + q.verdict);
        var bad = (q.items || []).filter(function (r) { return r.status !== 'ok'; });
        if (bad.length) {
          var ul = ui.h('ul', { class: 'cs-card-list' });
          bad.forEach(function (r) {
            var parts = String(r.item).split('.');
            var lab = ui.t('overview.quality.' + parts[0]) + (parts.length > 1 ? ': ' + ui.label('service', parts[1]) : '');
            ul.appendChild(ui.h('li', { text: lab + ' — ' + ui.text('quality', r.message || r.value) }));
          });
          qc.appendChild(ul);
        }
      }
      if (S.national && ui.isNum(S.national.rank)) {
        card(ui, grid, 'summary.national', ui.t('summary.national_value', { rank: ui.fmt.int(S.national.rank),
          of: ui.fmt.int(S.national.of), type: ui.label('county_type', S.national.type) }), null);
      }

      // What to act on: the standards some people fall short of, with the places worst off.
      if (S.access) {
        ui.h3(el, 'summary.act');
        var rows = shortfalls(S.access);
        if (!rows.length) ui.p(el, ui.t('summary.act_none'));
        else {
          ui.table(el, rows.map(function (a) {
            var c = a.county || {};
            return { service: ui.label('service', a.service), standard: standardText(ui, a),
              beyond: c.population_beyond, share: c.pop_share_beyond,
              worst: (a.worst || []).slice(0, 3).map(function (w) { return ui.placeName(w.place, w.place_zh); }).join(ui.lang() === 'zh' ? '、' : ', ') };
          }), [
            { key: 'service', label: 'field.service' },
            { key: 'standard', label: 'summary.standard' },
            { key: 'beyond', label: 'summary.beyond', format: 'int' },
            { key: 'share', label: 'summary.share', format: 'pct' },
            { key: 'worst', label: 'summary.worst' },
          ]);
        }
        var unknown = (S.access.audit || []).filter(function (a) { return !a.applicable && a.status === 'unknown'; });
        if (unknown.length) {
          ui.p(el, ui.t('summary.unknown', { list: unknown.map(function (a) {
            return ui.label('service', a.service) + ' ' + standardText(ui, a);
          }).join(ui.lang() === 'zh' ? '；' : '; ') }), 'cs-note');
        }
      }

      // Proposed sites: where, and the county's figures before and after.
      var loc = S.locate && (S.locate.services || []).filter(function (sv) { return sv.before && sv.after; });
      if (loc && loc.length) {
        ui.h3(el, 'summary.sites');
        var stdMin = (S.locate.config || {}).standard_min;
        ui.table(el, loc.map(function (sv) {
          return {
            service: ui.label('service', sv.service),
            sites: (sv.new_sites || []).map(function (n) { return ui.name(n); }).join(ui.lang() === 'zh' ? '、' : ', '),
            time: ui.t('summary.before_after', { before: ui.fmt.minutes(sv.before.mean_nearest_min), after: ui.fmt.minutes(sv.after.mean_nearest_min) }),
            beyond: ui.t('summary.before_after', { before: ui.fmt.pct(sv.before.share_beyond), after: ui.fmt.pct(sv.after.share_beyond) }),
          };
        }), [
          { key: 'service', label: 'field.service' },
          { key: 'sites', label: 'locate.new_sites' },
          { key: 'time', label: 'summary.mean_time' },
          { key: 'beyond', label: ui.t('summary.beyond_std', { min: ui.fmt.auto(stdMin) }) },
        ]);
      }

      // Flows between the tiers: one row per factor, one column per pair of tiers.
      var bt = S.flows && S.flows.balance && S.flows.balance.tiers;
      if (Array.isArray(bt) && bt.length) {
        ui.h3(el, 'summary.flows');
        var pairs = [['village', 'seat'], ['village', 'town'], ['town', 'seat']];
        var factors = [];
        bt.forEach(function (r) { if (factors.indexOf(r.factor) < 0) factors.push(r.factor); });
        var cols = [{ key: 'factor', label: 'flows.factor' }];
        pairs.forEach(function (p) {
          cols.push({ key: p.join('_'), label: ui.label('tier', p[0]) + ' → ' + ui.label('tier', p[1]) });
        });
        ui.table(el, factors.map(function (f) {
          var row = { factor: ui.t('factor.' + f) };
          pairs.forEach(function (p) {
            var r = bt.filter(function (x) { return x.factor === f && x.from === p[0] && x.to === p[1]; })[0];
            row[p.join('_')] = r ? ui.t('summary.net', { net: ui.fmt.num(r.net, 0), flow: ui.fmt.num(r.flow, 0), back: ui.fmt.num(r.reverse, 0) }) : '—';
          });
          return row;
        }), cols);
        ui.p(el, ui.t('summary.flows_note'), 'cs-note');
      }

      // The what-if scenario, before and after.
      var sc = S.scenario;
      if (sc) {
        ui.h3(el, ui.t('summary.scenario', { name: ui.nameIn(sc) }));
        var srows = [];
        if (ui.isNum(sc.mean_time_to_seat_before_min)) {
          srows.push({ what: ui.t('summary.scenario_time'), before: sc.mean_time_to_seat_before_min, after: sc.mean_time_to_seat_after_min });
        }
        (sc.access || []).forEach(function (a) {
          if (ui.fmt.minutes(a.mean_time_after_min) !== ui.fmt.minutes(a.mean_time_before_min)) {
            srows.push({ what: ui.t('summary.scenario_access', { service: ui.label('service', a.service) }),
              before: a.mean_time_before_min, after: a.mean_time_after_min });
          }
        });
        var changed = srows.some(function (r) { return ui.fmt.minutes(r.before) !== ui.fmt.minutes(r.after); });
        if (!changed) ui.p(el, ui.t('summary.scenario_none'), 'cs-note');
        // The settlements whose time to the seat changes most.
        var moved = ((doc.layers && doc.layers.scenario_settlements && doc.layers.scenario_settlements.features) || [])
          .map(function (f) { return f.properties || {}; })
          .filter(function (p) { return ui.isNum(p.time_to_seat_change_min) && Math.abs(p.time_to_seat_change_min) >= 0.5; })
          .sort(function (a, b) { return Math.abs(b.time_to_seat_change_min) - Math.abs(a.time_to_seat_change_min) || (a.name < b.name ? -1 : 1); });
        if (moved.length) {
          ui.p(el, ui.t('summary.scenario_places', { list: moved.slice(0, 5).map(function (p) {
            return ui.name(p) + ' ' + (p.time_to_seat_change_min < 0 ? '−' : '+') + ui.fmt.minutes(Math.abs(p.time_to_seat_change_min));
          }).join(ui.lang() === 'zh' ? '、' : ', ') }));
        }
        ui.table(el, srows, [
          { key: 'what', label: 'locate.measure' },
          { key: 'before', label: 'summary.before', format: 'minutes' },
          { key: 'after', label: 'summary.after', format: 'minutes' },
        ]);
      }
    },
  });
})();

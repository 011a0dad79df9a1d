/* Siting: proposed new sites per service type and what they change.
 * Reads sections.locate (config, services[]: service, label_en/zh, existing, candidates, p, results[], agree, chosen,
 * outcome, before, after, new_sites[], most_improved[]) and layers.locate_sites (points: service, status
 * existing|new, name, assigned_population(_before)), layers.locate_settlements (points per service and settlement:
 * mean_before_min, mean_after_min, saved_min).
 * Per service type: a map (existing and proposed sites, settlements coloured by minutes saved), a before/after table
 * of the access and equity measures, the solver table (heuristic vs exact, objective, bound, gap) and the settlements
 * that gain most. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'locate.title': 'Siting: where new facilities should go',
      'locate.note': 'For each service type the existing facilities stay open and {new} new site(s) are chosen among ' +
        'the settlements to {objective}, by car travel time from every residential building (weighted by its ' +
        'population). Both the heuristic (with a lower bound) and the exact MIP (COIN-OR CBC) solve the same problem.',
      'locate.obj.p-median': 'minimise the total (population-weighted) travel time',
      'locate.obj.mclp': 'maximise the population within {min} minutes',
      'locate.obj.p-center': 'minimise the longest travel time',
      'locate.obj.lscp': 'cover everybody within {min} minutes with as few facilities as possible',
      'locate.service': 'Service type: {name}',
      'locate.existing': 'Existing facility',
      'locate.new': 'Proposed new site',
      'locate.saved': 'Minutes saved (settlement mean)',
      'locate.before_after': 'Before and after',
      'locate.measure': 'Measure',
      'locate.before': 'Before',
      'locate.after': 'After',
      'locate.change': 'Change',
      'locate.facilities': 'Facilities',
      'locate.mean_nearest': 'Mean time to the nearest facility',
      'locate.max_nearest': 'Longest time to the nearest facility',
      'locate.share_beyond': 'Population beyond {min} minutes',
      'locate.gini': 'Gini of the time to the nearest facility',
      'locate.sfca': 'Mean 2SFCA (facilities per 1,000 residents reachable)',
      'locate.solvers': 'Solvers',
      'locate.solver': 'Solver',
      'locate.outcome': 'Outcome',
      'locate.objective': 'Objective',
      'locate.bound': 'Bound',
      'locate.unit': 'Unit',
      'locate.gap': 'Gap',
      'locate.agree': 'Heuristic and exact solution agree',
      'locate.new_sites': 'Proposed sites',
      'locate.assigned': 'Population served (after)',
      'locate.improved': 'Settlements that gain most',
      'locate.mean_before': 'Mean time before',
      'locate.mean_after': 'Mean time after',
      'locate.not_solved': 'Not solved: {note}',
      'locate.yes': 'yes',
      'locate.no': 'no (the better answer is shown)',
    },
    zh: {
      'locate.title': '设施选址：新设施应建在哪里',
      'locate.note': '对每类服务，现有设施保持开放，并在居民点中选出 {new} 处新址，目标是{objective}；出行时间为每栋居住建筑' +
        '（按人口加权）的驾车时间。启发式算法（附下界）与精确混合整数规划（COIN-OR CBC）求解同一问题。',
      'locate.obj.p-median': '使（人口加权）总出行时间最小',
      'locate.obj.mclp': '使 {min} 分钟内覆盖的人口最多',
      'locate.obj.p-center': '使最长出行时间最小',
      'locate.obj.lscp': '以最少设施使所有人在 {min} 分钟内可达',
      'locate.service': '服务类型：{name}',
      'locate.existing': '现有设施',
      'locate.new': '建议新址',
      'locate.saved': '节省的分钟数（居民点平均）',
      'locate.before_after': '选址前后对比',
      'locate.measure': '指标',
      'locate.before': '选址前',
      'locate.after': '选址后',
      'locate.change': '变化',
      'locate.facilities': '设施数',
      'locate.mean_nearest': '到最近设施的平均时间',
      'locate.max_nearest': '到最近设施的最长时间',
      'locate.share_beyond': '超过 {min} 分钟的人口比例',
      'locate.gini': '到最近设施时间的基尼系数',
      'locate.sfca': '平均两步移动搜索法可达性（每千人设施数）',
      'locate.solvers': '求解器',
      'locate.solver': '求解器',
      'locate.outcome': '结果',
      'locate.objective': '目标值',
      'locate.bound': '界',
      'locate.unit': '单位',
      'locate.gap': '差距',
      'locate.agree': '启发式与精确解一致',
      'locate.new_sites': '建议新址',
      'locate.assigned': '服务人口（选址后）',
      'locate.improved': '受益最大的居民点',
      'locate.mean_before': '选址前平均时间',
      'locate.mean_after': '选址后平均时间',
      'locate.not_solved': '未求解：{note}',
      'locate.yes': '是',
      'locate.no': '否（显示较优解）',
    },
  });

  var UNIT_ZH = { 'person-min': '人·分钟', min: '分钟', 'covered weight': '覆盖权重', 'sites or opening cost': '站点数或开设成本' };
  var OUTCOME_ZH = { optimal: '最优', 'feasible (gap open)': '可行（有差距）', infeasible: '不可行', 'time limit': '超时', error: '错误' };
  var SOLVER_ZH = { mip: '精确（CBC）', heuristic: '启发式', 'brute force': '穷举' };

  function features(fc) {
    return fc && Array.isArray(fc.features) ? fc.features : [];
  }
  function ofService(fc, service, pred) {
    return {
      type: 'FeatureCollection',
      features: features(fc).filter(function (f) {
        var p = f.properties || {};
        return p.service === service && (!pred || pred(p));
      }),
    };
  }

  CS.section({
    id: 'locate',
    order: 40,
    title: 'locate.title',
    render: function (el, doc, ui) {
      var s = doc.sections.locate;
      var cfg = s.config || {};
      var stdMin = cfg.standard_min;
      ui.p(el, ui.t('locate.note', {
        new: cfg.new,
        objective: ui.t('locate.obj.' + cfg.problem, { min: stdMin }),
      }), 'cs-note');

      (s.services || []).forEach(function (sv) {
        var name = ui.t({ en: sv.label_en || sv.service, zh: sv.label_zh || sv.label_en || sv.service });
        ui.h3(el, ui.t('locate.service', { name: name }));
        if (!sv.before) {
          ui.p(el, ui.t('locate.not_solved', { note: sv.note || sv.outcome }), 'cs-note');
          return;
        }
        var places = ofService(doc.layers.locate_settlements, sv.service);
        var saved = features(places).map(function (f) { return f.properties.saved_min; });
        var maxSaved = Math.max.apply(null, [1].concat(saved.filter(ui.isNum)));
        var savedScale = ui.scale.sequential({ domain: [0, maxSaved], palette: 'YlGn',
          format: function (v) { return ui.fmt.num(v, 1) + ' ' + ui.t('unit.min'); } });
        var sitePopup = function (p) {
          return [['field.name', p.name || '–'], ['locate.assigned', ui.fmt.int(p.assigned_population)]];
        };
        ui.map(el, {
          height: 440,
          layers: ui.baseLayers(doc).concat([
            { id: 'locate-settlements-' + sv.service, name: 'locate.saved', data: places, radius: 5,
              style: function (f) {
                return { color: '#555', weight: 1, fillColor: savedScale(f.properties.saved_min), fillOpacity: 0.9 };
              },
              swatch: { color: savedScale(maxSaved), shape: 'circle' },
              popup: function (p) {
                return [['field.name', ui.name(p)], ['field.population', ui.fmt.int(p.population)],
                  ['locate.mean_before', ui.fmt.minutes(p.mean_before_min)], ['locate.mean_after', ui.fmt.minutes(p.mean_after_min)]];
              } },
            { id: 'locate-existing-' + sv.service, name: 'locate.existing',
              data: ofService(doc.layers.locate_sites, sv.service, function (p) { return p.status === 'existing'; }), radius: 6,
              square: true, style: { color: '#000', weight: 1.5, fillColor: '#969696', fillOpacity: 1 },
              swatch: { color: '#969696', shape: 'box' }, popup: sitePopup },
            { id: 'locate-new-' + sv.service, name: 'locate.new',
              data: ofService(doc.layers.locate_sites, sv.service, function (p) { return p.status === 'new'; }), radius: 8,
              square: true, style: { color: '#000', weight: 2, fillColor: '#7b3294', fillOpacity: 1 },
              swatch: { color: '#7b3294', shape: 'box' }, popup: sitePopup },
          ]).filter(function (l) { return features(l.data).length > 0; }),
          legend: [{ title: 'locate.saved', items: savedScale.legend(5).map(function (it) { it.shape = 'circle'; return it; })
            .concat([{ color: '#969696', label: ui.t('locate.existing'), shape: 'box' },
              { color: '#7b3294', label: ui.t('locate.new'), shape: 'box' }]) }],
        });

        ui.h3(el, 'locate.before_after');
        var b = sv.before, a = sv.after;
        var rows = [
          { measure: ui.t('locate.facilities'), before: b.facilities, after: a.facilities, fmt: 'int' },
          { measure: ui.t('locate.mean_nearest'), before: b.mean_nearest_min, after: a.mean_nearest_min, fmt: 'minutes' },
          { measure: ui.t('locate.max_nearest'), before: b.max_nearest_min, after: a.max_nearest_min, fmt: 'minutes' },
          { measure: ui.t('locate.share_beyond', { min: stdMin }), before: b.share_beyond, after: a.share_beyond, fmt: 'pct' },
          { measure: ui.t('locate.gini'), before: b.gini_nearest, after: a.gini_nearest, fmt: 'num3' },
          { measure: ui.t('locate.sfca'), before: b.mean_sfca2 * 1000, after: a.mean_sfca2 * 1000, fmt: 'num3' },
        ];
        rows.forEach(function (r) { r.change = ui.isNum(r.before) && ui.isNum(r.after) ? r.after - r.before : null; });
        var f = function (r, k) {
          var v = r[k];
          if (!ui.isNum(v)) return '–';
          if (r.fmt === 'int') return ui.fmt.int(v);
          if (r.fmt === 'minutes') return ui.fmt.minutes(v);
          if (r.fmt === 'pct') return ui.fmt.pct(v);
          return ui.fmt.num(v, 3);
        };
        ui.table(el, rows, [
          { key: 'measure', label: 'locate.measure' },
          { key: 'before', label: 'locate.before', value: function (r) { return f(r, 'before'); } },
          { key: 'after', label: 'locate.after', value: function (r) { return f(r, 'after'); } },
          { key: 'change', label: 'locate.change', value: function (r) { return f(r, 'change'); } },
        ]);

        ui.h3(el, 'locate.new_sites');
        ui.table(el, sv.new_sites || [], [
          { key: 'name', label: 'field.name', value: function (r) { return ui.name(r); } },
          { key: 'tier', label: 'field.tier', value: function (r) { return ui.label('tier', r.tier); } },
          { key: 'assigned_population', label: 'locate.assigned', format: 'int' },
        ]);

        ui.h3(el, 'locate.solvers');
        ui.table(el, sv.results || [], [
          { key: 'solver', label: 'locate.solver', value: function (r) { return ui.t({ en: r.solver, zh: SOLVER_ZH[r.solver] || r.solver }); } },
          { key: 'outcome', label: 'locate.outcome', value: function (r) { return ui.t({ en: r.outcome, zh: OUTCOME_ZH[r.outcome] || r.outcome }); } },
          { key: 'objective', label: 'locate.objective', format: 'num1' },
          { key: 'bound', label: 'locate.bound', format: 'num1' },
          { key: 'objective_unit', label: 'locate.unit', value: function (r) { return ui.t({ en: r.objective_unit || '', zh: UNIT_ZH[r.objective_unit] || r.objective_unit || '' }); } },
          { key: 'gap', label: 'locate.gap', format: 'pct' },
        ]);
        if (sv.agree !== undefined) ui.kv(el, [['locate.agree', ui.t(sv.agree ? 'locate.yes' : 'locate.no')]]);

        if ((sv.most_improved || []).length) {
          ui.h3(el, 'locate.improved');
          ui.table(el, sv.most_improved, [
            { key: 'name', label: 'field.name', value: function (r) { return ui.name(r); } },
            { key: 'tier', label: 'field.tier', value: function (r) { return ui.label('tier', r.tier); } },
            { key: 'population', label: 'field.population', format: 'int' },
            { key: 'mean_before_min', label: 'locate.mean_before', format: 'minutes' },
            { key: 'mean_after_min', label: 'locate.mean_after', format: 'minutes' },
          ]);
        }
      });
    },
  });
})();

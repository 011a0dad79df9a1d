/* The county capacity account (docs/capacity.md).
 * plan: sections.capacity (verdict by the weakest link, the dimensions with value, limit, ratio and class, the
 *       dimensions not assessed and why). */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'capacity.title': 'County capacity account',
      'capacity.verdict': 'Verdict (weakest link)',
      'capacity.weakest': 'Weakest link',
      'capacity.none': 'nothing could be assessed',
      'capacity.dimension': 'Dimension',
      'capacity.indicator': 'Indicator',
      'capacity.value': 'Value',
      'capacity.limit': 'Limit',
      'capacity.ratio': 'Pressure ratio',
      'capacity.class': 'Class',
      'capacity.source': 'Limit and source',
      'capacity.not_assessed': 'Not assessed',
      'capacity.reason': 'Why',
      'capacity.dim.land': 'Land',
      'capacity.dim.services': 'Public services',
      'capacity.dim.roads': 'Roads',
      'capacity.class.overload': 'overload',
      'capacity.class.critical': 'critical',
      'capacity.class.no overload': 'no overload',
    },
    zh: {
      'capacity.title': '县域综合承载能力',
      'capacity.verdict': '结论（短板原则）',
      'capacity.weakest': '短板',
      'capacity.none': '无可评价的维度',
      'capacity.dimension': '维度',
      'capacity.indicator': '指标',
      'capacity.value': '现状值',
      'capacity.limit': '阈值',
      'capacity.ratio': '压力比',
      'capacity.class': '等级',
      'capacity.source': '阈值及来源',
      'capacity.not_assessed': '未评价',
      'capacity.reason': '原因',
      'capacity.dim.land': '土地',
      'capacity.dim.services': '公共服务',
      'capacity.dim.roads': '道路',
      'capacity.class.overload': '超载',
      'capacity.class.critical': '临界超载',
      'capacity.class.no overload': '不超载',
    },
  });

  CS.section({
    id: 'capacity',
    order: 67,
    title: 'capacity.title',
    needs: ['sections.capacity'],
    render: function (el, doc, ui) {
      var s = doc.sections.capacity;
      ui.kv(el, [['capacity.verdict', s.verdict ? ui.label('capacity.class', s.verdict) : ui.t('capacity.none')],
        ['capacity.weakest', (s.weakest || []).map(function (w) { return ui.text('capacity', w); }).join('; ') || '—']]);
      ui.p(el, ui.text('capacity', s.rule), 'cs-note');
      ui.table(el, s.dimensions || [], [
        { key: 'dimension', label: 'capacity.dimension', value: function (r) { return ui.label('capacity.dim', r.dimension); } },
        { key: 'indicator', label: 'capacity.indicator', value: function (r) { return ui.text('capacity', r.indicator); } },
        { key: 'value', label: 'capacity.value', format: 'num3' },
        { key: 'limit', label: 'capacity.limit', format: 'num3' },
        { key: 'ratio', label: 'capacity.ratio', format: 'num2' },
        { key: 'class', label: 'capacity.class', value: function (r) { return ui.label('capacity.class', r['class']); } },
      ]);
      var box = ui.details(el, 'capacity.source');
      ui.table(box, s.dimensions || [], [
        { key: 'dimension', label: 'capacity.dimension', value: function (r) { return ui.label('capacity.dim', r.dimension); } },
        { key: 'source', label: 'capacity.source', value: function (r) { return ui.text('capacity', r.source); } },
      ]);
      if ((s.not_assessed || []).length) {
        ui.h3(el, 'capacity.not_assessed');
        ui.table(el, s.not_assessed, [
          { key: 'dimension', label: 'capacity.dimension', value: function (r) { return ui.label('capacity.dim', r.dimension); } },
          { key: 'reason', label: 'capacity.reason', value: function (r) { return ui.text('capacity', r.reason); } },
        ]);
      }
    },
  });
})();

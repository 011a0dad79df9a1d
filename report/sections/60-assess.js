/* National assessment (sections.assess, layers.counties; docs/assess.md).
 * Ranking table with search, score map of county points, LISA cluster map, D-class distribution, top obstacles per
 * province, weights of every method, county-town types, GeoDetector factors, spatial Markov matrix, unit counts per
 * type, robustness (Spearman, quintile changes, rank intervals), the 2010 -> 2020 decomposition and the run's notes. Every figure is read
 * from the results document; numeric table cells carry data-value with the JSON number. */
(function () {
  'use strict';

  CS.addStrings({
    en: {
      'assess.title': 'National assessment: urban–rural integration',
      'assess.intro': 'TOPSIS scores with objective indicator weights, coupling coordination of the subsystems, obstacles, ' +
        'spatial clusters, county-town types, the robustness of the ranking and the 2010 → 2020 change for every unit ' +
        'with data. Method settings are in the assumptions table.',
      'assess.scored': 'Counties scored',
      'assess.located': 'Counties with a centre (spatial statistics)',
      'assess.dropped': 'Rows dropped (missing values)',
      'assess.imputed': 'Cells imputed',
      'assess.weight_source': 'Indicator weights',
      'assess.coupling': 'Coupling coordination form',
      'assess.moran_score': "Moran's I of the score",
      'assess.moran_p': "Moran's I permutation p",
      'assess.permutations': 'Permutations (seed)',
      'assess.ranking': 'Ranking',
      'assess.rank': 'Rank',
      'assess.county': 'County',
      'assess.province': 'Province',
      'assess.score': 'Score (TOPSIS)',
      'assess.D': 'Coordination D',
      'assess.d_class': 'D class',
      'assess.top_obstacle': 'Main obstacle',
      'assess.lisa': 'LISA cluster',
      'assess.type': 'County-town type',
      'assess.score_map': 'Score by county',
      'assess.lisa_map': 'Local clusters (LISA)',
      'assess.lisa_note': 'High–high and low–low clusters of the score at p < {alpha} ({perms} conditional permutations, seed {seed}; variance convention {variance}).',
      'assess.d_dist': 'Distribution of the coupling coordination degree D',
      'assess.counties_n': 'Counties',
      'assess.obstacles': 'Top obstacles per province (mean obstacle degree)',
      'assess.mean_score': 'Mean score',
      'assess.top_indicators': 'Top indicators',
      'assess.weights': 'Indicators and weights',
      'assess.indicator': 'Indicator',
      'assess.dimension': 'Dimension',
      'assess.direction': 'Direction',
      'assess.weight': 'Weight',
      'assess.missing': 'Missing',
      'assess.why': 'Why',
      'assess.types': 'County-town types (2022 Opinions), by transparent rules',
      'assess.rules': 'Rules, in order (the first that fires wins)',
      'assess.geodetector': 'GeoDetector: what stratifies the score (factor detector)',
      'assess.factor': 'Factor',
      'assess.markov': 'Spatial Markov chain 2010 → 2020 (quantile classes of the panel index)',
      'assess.markov_test': 'Homogeneity test: Q = {q}, df = {df}, p = {p}; {n} counties.',
      'assess.class_from': 'From class',
      'assess.inequality': 'Regional inequality of the score',
      'assess.notes': 'Notes on the data and the choices made',
      'assess.theil_province': 'Theil T across counties (groups: provinces)',
      'assess.theil_between': 'Theil T between provinces',
      'assess.dagum_region': 'Dagum Gini (groups: east, central, west, north-east)',
      'assess.dagum_parts': 'Dagum within / net between / transvariation',
      'assess.type.satellite': 'satellite of a large city',
      'assess.type.population-losing': 'population-losing',
      'assess.type.agricultural': 'main agricultural area',
      'assess.type.specialised': 'specialised function',
      'assess.type.unassigned': 'unassigned',
      'assess.type.district': 'municipal district (not typed)',
      'assess.units': 'Units compared: county-level units per type',
      'assess.units_note': 'Each unit is typed from its division code and name; the analysis keeps --units {filter}. Official counts: {source}. Differences are explained unit by unit in docs/assess.md.',
      'assess.unit_type': 'Unit type',
      'assess.in_table': 'In the table',
      'assess.selected': 'Selected',
      'assess.official': 'Official count',
      'assess.difference': 'Difference',
      'assess.unit.district': 'municipal district',
      'assess.unit.county-level-city': 'county-level city',
      'assess.unit.county': 'county',
      'assess.unit.autonomous-county': 'autonomous county',
      'assess.unit.banner': 'banner',
      'assess.unit.autonomous-banner': 'autonomous banner',
      'assess.unit.special-district': 'special district',
      'assess.unit.forestry-district': 'forestry district',
      'assess.region': 'Region (east, centre, west, north-east)',
      'assess.filter_unit': 'Unit type', 'assess.filter_region': 'Region', 'assess.filter_all': 'all',
      'assess.score_quintiles': 'Score (quintiles)',
      'assess.quantile_note': 'Colours: quintiles of the {n} counties shown (a fifth of them in each class).',
      'assess.boundaries': 'Boundaries (official file)',
      'assess.boundaries_note': 'Boundaries drawn from the official boundary file {file} ({crs}) that the user supplied.',
      'assess.no_boundaries': 'No national or provincial border is drawn: none is bundled, and borders from unofficial sources are not drawn. An official boundary file (a standard map) can be supplied with',
      'region.east': 'east', 'region.central': 'centre', 'region.west': 'west', 'region.north-east': 'north-east',
      'assess.strata': 'Strata',
      'units_filter.counties': 'counties (not municipal districts or zones)', 'units_filter.all': 'all units',
      'units_filter.districts': 'municipal districts',
      'lisa.HH': 'high-high', 'lisa.LL': 'low-low', 'lisa.HL': 'high-low', 'lisa.LH': 'low-high', 'lisa.ns': 'not significant',
      'dclass.extreme imbalance': 'extreme imbalance', 'dclass.serious imbalance': 'serious imbalance',
      'dclass.moderate imbalance': 'moderate imbalance', 'dclass.mild imbalance': 'mild imbalance',
      'dclass.on the verge of imbalance': 'on the verge of imbalance', 'dclass.barely coordinated': 'barely coordinated',
      'dclass.primary coordination': 'primary coordination', 'dclass.intermediate coordination': 'intermediate coordination',
      'dclass.good coordination': 'good coordination', 'dclass.high-quality coordination': 'high-quality coordination',
      'assess.unit.zone': 'development zone / management area',
      'assess.weights_note': 'Weights of every method on the weighting data (winsorised, skewed indicators transformed); the score uses the chosen method ({method}). Largest weight {max}.',
      'assess.transformed': 'Transformed',
      'assess.yes': 'yes',
      'assess.robustness': 'Robustness of the ranking under other weightings',
      'assess.spearman': "Spearman's ρ between the rankings of the weighting methods",
      'assess.method': 'Weighting',
      'assess.quintile_change': 'Units whose quintile differs from the chosen weighting',
      'assess.share_units': 'Share of units',
      'assess.intervals': 'Rank intervals under weight perturbation: the 10 best and 10 worst ranked units',
      'assess.intervals_note': '{samples} weight vectors drawn from Dirichlet({c} × chosen weights), seed {seed}; 5th, 50th and 95th percentile of each unit\'s rank. Mean interval width {width} ranks of {n}.',
      'assess.rank_p05': 'Rank, 5th pct.',
      'assess.rank_median': 'Rank, median',
      'assess.rank_p95': 'Rank, 95th pct.',
      'assess.change': '2010 → 2020: what moved each county',
      'assess.change_note': 'Weighted index on one scale for both censuses (values normalised over the pooled 2010 and 2020 range, the chosen weights of the {m} indicators present in both years, rescaled to sum 1). The change of a unit\'s index is the sum of one part per indicator, weight × change of its normalised value; the parts add up to the change (largest residual {res}). {n} counties with an unchanged code; not in 2010: {excluded}. Mean index {i0} in 2010, {i1} in 2020.',
      'assess.mean_part': 'Mean part of the change',
      'assess.top_count': 'Counties it moved most',
      'assess.change_largest': 'Largest changes of the index',
      'assess.change_smallest': 'Smallest changes of the index',
      'assess.index_2010': 'Index 2010',
      'assess.index_2020': 'Index 2020',
      'assess.change_total': 'Change',
      'assess.top_mover': 'Moved most by',
      'assess.top_part': 'Its part',
    },
    zh: {
      'assess.title': '全国评价：城乡融合',
      'assess.intro': '对每个有数据的单元计算客观赋权TOPSIS得分、子系统耦合协调度、障碍度、空间集聚、县城类型、排名稳健性和2010 → 2020变化。方法设置见假设表。',
      'assess.scored': '参评县数',
      'assess.located': '有中心点的县（空间统计）',
      'assess.dropped': '因缺失值剔除的行',
      'assess.imputed': '插补的单元格',
      'assess.weight_source': '指标权重',
      'assess.coupling': '耦合协调模型',
      'assess.moran_score': '得分的全局莫兰指数',
      'assess.moran_p': '莫兰指数置换检验p值',
      'assess.permutations': '置换次数（种子）',
      'assess.ranking': '排名',
      'assess.rank': '名次',
      'assess.county': '县',
      'assess.province': '省',
      'assess.score': '得分（TOPSIS）',
      'assess.D': '耦合协调度D',
      'assess.d_class': '协调等级',
      'assess.top_obstacle': '主要障碍',
      'assess.lisa': 'LISA集聚',
      'assess.type': '县城类型',
      'assess.score_map': '各县得分',
      'assess.lisa_map': '局部集聚（LISA）',
      'assess.lisa_note': '得分的高-高、低-低集聚，p < {alpha}（{perms}次条件置换，种子{seed}；方差约定{variance}）。',
      'assess.d_dist': '耦合协调度D的分布',
      'assess.counties_n': '县数',
      'assess.obstacles': '各省主要障碍（平均障碍度）',
      'assess.mean_score': '平均得分',
      'assess.top_indicators': '主要障碍指标',
      'assess.weights': '指标与权重',
      'assess.indicator': '指标',
      'assess.dimension': '维度',
      'assess.direction': '方向',
      'assess.weight': '权重',
      'assess.missing': '缺失',
      'assess.why': '理由',
      'assess.types': '县城类型（2022年《意见》），按透明规则划分',
      'assess.rules': '规则（按顺序，先满足者优先）',
      'assess.geodetector': '地理探测器：得分的分异因子（因子探测）',
      'assess.factor': '因子',
      'assess.markov': '空间马尔可夫链 2010 → 2020（面板指数的分位数等级）',
      'assess.markov_test': '同质性检验：Q = {q}，自由度 = {df}，p = {p}；{n}个县。',
      'assess.class_from': '初始等级',
      'assess.inequality': '得分的区域差异',
      'assess.notes': '数据与方法选择说明',
      'assess.theil_province': '泰尔指数（按省分组）',
      'assess.theil_between': '省际泰尔指数',
      'assess.dagum_region': 'Dagum基尼系数（东部、中部、西部、东北）',
      'assess.dagum_parts': '区域内 / 净区域间 / 超变密度',
      'assess.type.satellite': '大城市周边县城',
      'assess.type.population-losing': '人口流失县城',
      'assess.type.agricultural': '农产品主产区县城',
      'assess.type.specialised': '专业功能县城',
      'assess.type.unassigned': '未归类',
      'assess.type.district': '市辖区（不分类）',
      'assess.units': '参评单元：各类县级行政单元数',
      'assess.units_note': '按区划代码和名称确定单元类型；分析保留的单元：{filter}。官方数：{source}。差异在 docs/assess.md 中逐个说明。',
      'assess.unit_type': '单元类型',
      'assess.in_table': '表中数量',
      'assess.selected': '入选',
      'assess.official': '官方数',
      'assess.difference': '差异',
      'assess.unit.district': '市辖区',
      'assess.region': '地区（东部、中部、西部、东北）',
      'assess.filter_unit': '单元类型', 'assess.filter_region': '地区', 'assess.filter_all': '全部',
      'assess.score_quintiles': '得分（五分位）',
      'assess.quantile_note': '颜色：所示 {n} 个县得分的五分位（每类各占五分之一）。',
      'assess.boundaries': '界线（官方文件）',
      'assess.boundaries_note': '界线取自用户提供的官方界线文件 {file}（{crs}）。',
      'assess.no_boundaries': '未绘制国界和省界：本工具不附带界线，也不采用非官方来源的界线。官方界线文件（标准地图）可用以下选项提供：',
      'region.east': '东部', 'region.central': '中部', 'region.west': '西部', 'region.north-east': '东北',
      'assess.strata': '分层数',
      'units_filter.counties': '县级单元（不含市辖区和开发区）', 'units_filter.all': '全部单元', 'units_filter.districts': '市辖区',
      'lisa.HH': '高-高', 'lisa.LL': '低-低', 'lisa.HL': '高-低', 'lisa.LH': '低-高', 'lisa.ns': '不显著',
      'dclass.extreme imbalance': '极度失调', 'dclass.serious imbalance': '严重失调', 'dclass.moderate imbalance': '中度失调',
      'dclass.mild imbalance': '轻度失调', 'dclass.on the verge of imbalance': '濒临失调', 'dclass.barely coordinated': '勉强协调',
      'dclass.primary coordination': '初级协调', 'dclass.intermediate coordination': '中级协调', 'dclass.good coordination': '良好协调',
      'dclass.high-quality coordination': '优质协调',
      'assess.unit.county-level-city': '县级市',
      'assess.unit.county': '县',
      'assess.unit.autonomous-county': '自治县',
      'assess.unit.banner': '旗',
      'assess.unit.autonomous-banner': '自治旗',
      'assess.unit.special-district': '特区',
      'assess.unit.forestry-district': '林区',
      'assess.unit.zone': '开发区/管理区',
      'assess.weights_note': '各方法在赋权数据（缩尾、偏态指标变换后）上的权重；得分采用所选方法（{method}）。最大权重{max}。',
      'assess.transformed': '已变换',
      'assess.yes': '是',
      'assess.robustness': '排名在其他赋权方法下的稳健性',
      'assess.spearman': '各赋权方法排名之间的斯皮尔曼ρ',
      'assess.method': '赋权方法',
      'assess.quintile_change': '五分位组与所选方法不同的单元',
      'assess.share_units': '单元占比',
      'assess.intervals': '权重扰动下的名次区间：排名前10与后10的单元',
      'assess.intervals_note': '从狄利克雷分布（{c} × 所选权重）抽取{samples}组权重，种子{seed}；各单元名次的第5、50、95百分位数。平均区间宽度{width}名（共{n}个）。',
      'assess.rank_p05': '名次第5百分位',
      'assess.rank_median': '名次中位数',
      'assess.rank_p95': '名次第95百分位',
      'assess.change': '2010 → 2020：各县变化的来源',
      'assess.change_note': '两次普查同一尺度上的加权指数（按2010与2020合并区间标准化，采用两年均有的{m}个指标的所选权重，重新归一）。单元指数的变化等于各指标分量之和，分量 = 权重 × 标准化值的变化；各分量之和等于总变化（最大残差{res}）。区划代码未变的县{n}个；2010年缺少：{excluded}。平均指数2010年{i0}，2020年{i1}。',
      'assess.mean_part': '平均变化分量',
      'assess.top_count': '作为最大分量的县数',
      'assess.change_largest': '指数变化最大的县',
      'assess.change_smallest': '指数变化最小的县',
      'assess.index_2010': '2010年指数',
      'assess.index_2020': '2020年指数',
      'assess.change_total': '变化',
      'assess.top_mover': '最大分量指标',
      'assess.top_part': '该分量',
    },
  });

  var LISA_KEYS = ['HH', 'LL', 'HL', 'LH', 'ns'];
  var LISA_COLORS = ['#d7191c', '#2c7bb6', '#fdae61', '#abd9e9', '#e0e0e0'];
  var TYPE_KEYS = ['satellite', 'population-losing', 'agricultural', 'specialised', 'unassigned', 'district'];

  function typeLabel(ui, k) { return k ? ui.t('assess.type.' + k) : '—'; }
  var METHODS = ['entropy', 'critic', 'cv', 'equal', 'mean'];
  var METHOD_LABEL = {
    entropy: { en: 'Entropy', zh: '熵权法' },
    critic: { en: 'CRITIC', zh: 'CRITIC法' },
    cv: { en: 'CV', zh: '变异系数法' },
    equal: { en: 'Equal', zh: '等权' },
    mean: { en: 'Mean (entropy, CRITIC, CV)', zh: '均值组合（熵权、CRITIC、变异系数）' },
  };
  function methodLabel(ui, m) { return METHOD_LABEL[m] ? ui.t(METHOD_LABEL[m]) : m; }

  CS.section({
    id: 'assess',
    order: 70,
    title: 'assess.title',
    render: function (el, doc, ui) {
      var s = doc.sections.assess;
      var c = s.counties;
      var n = c.code.length;
      ui.p(el, ui.t('assess.intro'), 'cs-note');
      var kv = [
        ['assess.scored', s.counts.scored, 'int'],
        ['assess.located', s.counts.located, 'int'],
        ['assess.dropped', s.counts.dropped, 'int'],
        ['assess.imputed', s.counts.imputed, 'int'],
        ['assess.weight_source', s.weights.source],
        ['assess.coupling', ui.text('assess', s.config.coupling_note)],
      ];
      if (s.moran) {
        kv.push(['assess.moran_score', s.moran.score.I, 'num3']);
        kv.push(['assess.moran_p', s.moran.score.p_sim, 'num3']);
        kv.push(['assess.permutations', s.moran.score.permutations + ' (' + s.moran.score.seed + ')']);
      }
      ui.kv(el, kv);

      // Ranking table and maps, filtered by unit type (县, 县级市, 自治县, 旗, ...) and region.
      var dimName = {};
      s.system.dimensions.forEach(function (d) { dimName[d.id] = ui.nameIn(d); });
      var all = [];
      for (var i = 0; i < n; i++) {
        all.push({ code: c.code[i], name: c.name[i], province: c.province[i], rank: c.rank[i], score: c.score[i],
          D: c.D[i], d_class: c.d_class[i], obstacle: c.top_obstacle_dimension[i], lisa: c.lisa[i], type: c.type[i],
          unit: c.unit ? c.unit[i] : null, region: c.region ? c.region[i] : null });
      }
      all.sort(function (a, b) { return a.rank - b.rank; });
      var classNames = {};
      s.d_classes.forEach(function (d) { classNames[d['class']] = ui.label('dclass', d.name); });
      var filter = { unit: '', region: '' };
      var bar = ui.h('div', { class: 'cs-map-bar cs-filter' });
      el.appendChild(bar);
      function selectOf(key, values, labelOf) {
        var sel = ui.h('select', { class: 'cs-select', 'data-filter': key, 'aria-label': ui.t('assess.filter_' + key) });
        sel.appendChild(ui.h('option', { value: '', text: ui.t('assess.filter_all') }));
        values.forEach(function (v) { sel.appendChild(ui.h('option', { value: v, text: labelOf(v) })); });
        sel.addEventListener('change', function () { filter[key] = sel.value; draw(); });
        bar.appendChild(ui.h('label', { text: ui.t('assess.filter_' + key) }));
        bar.appendChild(sel);
      }
      var distinct = function (k) {
        var out = [];
        all.forEach(function (r) { if (r[k] && out.indexOf(r[k]) < 0) out.push(r[k]); });
        return out.sort();
      };
      if (c.unit) selectOf('unit', distinct('unit'), function (v) { return ui.t('assess.unit.' + v); });
      if (c.region) selectOf('region', distinct('region'), function (v) { return ui.label('region', v); });
      var holder = ui.h('div');
      el.appendChild(holder);
      var fc = doc.layers && doc.layers.counties;

      function draw() {
        CS.maps.slice().forEach(function (hd) {
          if (holder.contains(hd.el)) { hd.map.remove(); CS.maps.splice(CS.maps.indexOf(hd), 1); }
        });
        holder.innerHTML = '';
        var keep = function (r) { return (!filter.unit || r.unit === filter.unit) && (!filter.region || r.region === filter.region); };
        var rows = all.filter(keep);
        ui.h3(holder, 'assess.ranking');
        ui.table(holder, rows, [
          { key: 'rank', label: 'assess.rank', format: 'int' },
          { key: 'name', label: 'assess.county' },
          { key: 'province', label: 'assess.province' },
          { key: 'score', label: 'assess.score', format: 'num3' },
          { key: 'D', label: 'assess.D', format: 'num3' },
          { key: 'd_class', label: 'assess.d_class', value: function (r) { return classNames[r.d_class]; } },
          { key: 'obstacle', label: 'assess.top_obstacle', value: function (r) { return dimName[r.obstacle] || r.obstacle; } },
          { key: 'lisa', label: 'assess.lisa', value: function (r) { return r.lisa ? ui.label('lisa', r.lisa) : '—'; } },
          { key: 'type', label: 'assess.type', value: function (r) { return typeLabel(ui, r.type); } },
        ], { search: true, sort: true, pageSize: 25 });
        if (fc && fc.features && fc.features.length) drawMaps(holder, keep);
      }

      // Maps of county points; province labels at the mean position of their counties. Borders only from an
      // official boundary file the user supplied (none is bundled).
      function drawMaps(box, keep) {
        var byCode = {};
        all.forEach(function (r) { byCode[r.code] = r; });
        var shown = { type: 'FeatureCollection', features: fc.features.filter(function (f) {
          var r = byCode[f.properties.adcode];
          return r ? keep(r) : !filter.unit && !filter.region;
        }) };
        var acc = {};
        shown.features.forEach(function (f) {
          var p = f.properties.province, ll = f.geometry.coordinates;
          if (!p) return;
          var a = acc[p] || (acc[p] = { x: 0, y: 0, n: 0 });
          a.x += ll[0]; a.y += ll[1]; a.n++;
        });
        var provinces = { type: 'FeatureCollection', features: Object.keys(acc).sort().map(function (p) {
          return { type: 'Feature', properties: { name: p }, geometry: { type: 'Point', coordinates: [acc[p].x / acc[p].n, acc[p].y / acc[p].n] } };
        }) };
        var provinceLayer = { id: 'assess-provinces', name: 'assess.province', data: provinces, radius: 1,
          style: { color: '#333', weight: 0, fillOpacity: 0 }, swatch: { color: '#333', shape: 'box' },
          label: function (p) { return p.name; }, labelClass: 'seat', labelPriority: 1 };
        // Borders only from the official boundary file the user supplied (assess --boundaries), under the points.
        var B = doc.layers || {};
        var has = function (fc) { return fc && Array.isArray(fc.features) && fc.features.length > 0; };
        var borders = [];
        if (has(B.national_boundaries)) {
          borders.push({ id: 'assess-boundaries', name: 'assess.boundaries', data: B.national_boundaries,
            style: { color: '#525252', weight: 1.2, fill: false, interactive: false }, swatch: { color: '#525252', shape: 'line' } });
        }
        if (has(B.national_boundary_lines)) {
          borders.push({ id: 'assess-boundary-lines', name: 'assess.boundaries', data: B.national_boundary_lines,
            style: { color: '#525252', weight: 1.2, interactive: false }, swatch: { color: '#525252', shape: 'line' } });
        }
        ui.h3(box, 'assess.score_map');
        box.appendChild(ui.h('p', { class: 'cs-note cs-boundaries-note' }, s.boundaries
          ? [ui.t('assess.boundaries_note', { file: s.boundaries.file, crs: s.boundaries.crs })]
          : [ui.t('assess.no_boundaries') + ' ', ui.h('code', { text: 'assess --boundaries' })]));
        // Quintile classes of the shown counties' scores, viridis (colour-blind safe).
        var scores = shown.features.map(function (f) { return f.properties.score; }).filter(ui.isNum).sort(function (a, b) { return a - b; });
        var breaks = [];
        for (var q = 1; q < 5; q++) {
          var b = scores[Math.floor((q * scores.length) / 5)];
          if (b !== undefined && (!breaks.length || b > breaks[breaks.length - 1])) breaks.push(b);
        }
        var scale = ui.scale.bins({ breaks: breaks, palette: 'viridis', format: function (v) { return ui.fmt.num(v, 3); },
          nullLabel: false });
        ui.p(box, ui.t('assess.quantile_note', { n: ui.fmt.int(scores.length) }), 'cs-note');
        var popup = function (p) {
          return [['assess.county', p.name], ['assess.province', p.province], ['assess.rank', p.rank],
            ['assess.score', ui.fmt.num(p.score, 3)], ['assess.D', ui.fmt.num(p.D, 3)], ['assess.lisa', p.lisa ? ui.label('lisa', p.lisa) : '—'],
            ['assess.type', typeLabel(ui, p.type)]];
        };
        ui.map(box, {
          layers: borders.concat([{ id: 'assess-score', name: 'assess.score', data: shown, radius: 3.5,
            style: function (f) { return { color: '#555', weight: 0.3, fillColor: scale(f.properties.score), fillOpacity: 0.9 }; },
            swatch: { color: scale.colors[scale.colors.length - 1], shape: 'circle' }, popup: popup }, provinceLayer]),
          legend: [{ title: 'assess.score_quintiles', items: scale.legend().map(function (it) { it.shape = 'circle'; return it; }) }],
        });
        if (s.lisa) {
          ui.h3(box, 'assess.lisa_map');
          ui.p(box, ui.t('assess.lisa_note', { alpha: s.lisa.alpha, perms: s.lisa.permutations, seed: s.lisa.seed,
            variance: s.lisa.variance }), 'cs-note');
          var lscale = ui.scale.categorical(LISA_KEYS, { colors: LISA_COLORS,
            labelOf: function (k) { return ui.label('lisa', k) + ' (' + ui.fmt.int(s.lisa.counts[k] || 0) + ')'; } });
          var layers = LISA_KEYS.map(function (k) {
            return { id: 'assess-lisa-' + k.toLowerCase(), name: ui.label('lisa', k),
              data: { type: 'FeatureCollection', features: shown.features.filter(function (f) { return f.properties.lisa === k; }) },
              radius: k === 'ns' ? 2.5 : 3.5, swatch: { color: lscale(k), shape: 'circle' }, popup: popup,
              style: { color: '#555', weight: 0.3, fillColor: lscale(k), fillOpacity: 0.9 } };
          }).filter(function (l) { return l.data.features.length > 0; });
          ui.map(box, { layers: borders.concat(layers, [provinceLayer]), legend: [{ title: 'assess.lisa', items: lscale.legend() }] });
        }
      }
      draw();

      // D-class distribution.
      ui.h3(el, 'assess.d_dist');
      ui.chart(el, {
        grid: { left: 60, right: 20, top: 20, bottom: 110 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: s.d_classes.map(function (d) { return ui.fmt.num(d.lower, 1) + ' ' + ui.label('dclass', d.name); }),
          axisLabel: { rotate: 35, fontSize: 10 } },
        yAxis: { type: 'value', name: ui.t('assess.counties_n') },
        series: [{ type: 'bar', data: s.d_classes.map(function (d) { return d.count; }), itemStyle: { color: '#3182bd' } }],
      });
      ui.table(el, s.d_classes, [
        { key: 'lower', label: 'assess.D', format: 'num2' },
        { key: 'name', label: 'assess.d_class', value: function (r) { return ui.label('dclass', r.name); } },
        { key: 'count', label: 'assess.counties_n', format: 'int' },
      ]);

      // Top obstacles per province.
      ui.h3(el, 'assess.obstacles');
      var dimCols = s.system.dimensions.map(function (d) {
        return { key: 'dim_' + d.id, label: { en: d.name, zh: d.name_zh || d.name }, format: 'pct',
          value: function (r) { return r.dimensions[d.id]; } };
      });
      ui.table(el, s.obstacles_by_province, [
        { key: 'province', label: 'assess.province' },
        { key: 'counties', label: 'assess.counties_n', format: 'int' },
        { key: 'mean_score', label: 'assess.mean_score', format: 'num3' },
      ].concat(dimCols).concat([
        { key: 'top', label: 'assess.top_indicators', value: function (r) {
          return r.top_indicators.map(function (x) { return x.indicator + ' ' + ui.fmt.pct(x.obstacle); }).join(', ');
        } },
      ]), { search: true, sort: true });

      // Indicators and weights.
      ui.h3(el, 'assess.weights');
      var wm = s.weights.methods;
      if (wm) {
        ui.p(el, ui.t('assess.weights_note', { method: methodLabel(ui, s.weights.method),
          max: ui.fmt.pct(s.weights.max_weight) }), 'cs-note');
      }
      var transformed = {};
      (s.weights.transformed || []).forEach(function (id) { transformed[id] = true; });
      var wcols = [
        { key: 'name', label: 'assess.indicator', value: function (r) { return ui.nameIn(r); } },
        { key: 'dimension', label: 'assess.dimension', value: function (r) { return dimName[r.dimension] || r.dimension; } },
        { key: 'direction', label: 'assess.direction' },
        { key: 'weight', label: 'assess.weight', format: 'num3' },
      ];
      if (wm) {
        wcols.push({ key: 'transformed', label: 'assess.transformed',
          value: function (r) { return transformed[r.id] ? ui.t('assess.yes') : ''; } });
        METHODS.forEach(function (m) {
          wcols.push({ key: 'w_' + m, label: METHOD_LABEL[m], format: 'num3',
            value: function (r) { return wm[m][s.system.indicators.indexOf(r)]; } });
        });
      }
      wcols.push({ key: 'missing', label: 'assess.missing', format: 'int' });
      wcols.push({ key: 'why', label: 'assess.why', value: function (r) { return CS.lang === 'zh' && r.why_zh ? r.why_zh : r.why; } });
      ui.table(el, s.system.indicators, wcols);

      // Typing.
      ui.h3(el, 'assess.types');
      var trows = TYPE_KEYS.filter(function (k) { return s.typing.counts[k] !== undefined; })
        .map(function (k) { return { type: k, count: s.typing.counts[k] }; });
      ui.table(el, trows, [
        { key: 'type', label: 'assess.type', value: function (r) { return typeLabel(ui, r.type); } },
        { key: 'count', label: 'assess.counties_n', format: 'int' },
      ]);
      ui.p(el, ui.t('assess.rules') + (ui.lang() === 'zh' ? '：' : ': ') + s.typing.rules.map(function (r) { return ui.text('rule', r); })
        .join(ui.lang() === 'zh' ? '；' : ' · '), 'cs-note');

      // Regional inequality.
      if (s.dagum && s.theil) {
        ui.h3(el, 'assess.inequality');
        ui.kv(el, [
          ['assess.theil_province', s.theil.province.total, 'num3'],
          ['assess.theil_between', s.theil.province.between, 'num3'],
          ['assess.dagum_region', s.dagum.region.G, 'num3'],
          ['assess.dagum_parts', ui.fmt.num(s.dagum.region.Gw, 3) + ' / ' + ui.fmt.num(s.dagum.region.Gnb, 3) + ' / ' +
            ui.fmt.num(s.dagum.region.Gt, 3)],
        ]);
      }

      // GeoDetector.
      if (s.geodetector) {
        ui.h3(el, 'assess.geodetector');
        var fac = s.geodetector.factor.slice().sort(function (a, b) { return b.q - a.q; });
        ui.table(el, fac, [
          { key: 'factor', label: 'assess.factor', value: function (r) {
            if (r.factor === 'region') return ui.t('assess.region');
            var ind = ((s.system && s.system.indicators) || []).filter(function (x) { return x.id === r.factor; })[0];
            return ind ? ui.nameIn(ind) : r.factor; } },
          { key: 'q', label: { en: 'q', zh: 'q' }, format: 'num3' },
          { key: 'p', label: { en: 'p', zh: 'p' }, format: 'num3' },
          { key: 'strata', label: 'assess.strata', format: 'int' },
        ], { sort: true });
      }

      // Spatial Markov.
      if (s.markov) {
        var mk = s.markov;
        ui.h3(el, 'assess.markov');
        ui.p(el, ui.t('assess.markov_test', { q: ui.fmt.num(mk.Q, 1), df: mk.df, p: ui.fmt.num(mk.p, 4), n: mk.n }), 'cs-note');
        var mrows = mk.P.map(function (row, a) {
          var r = { from: a + 1 };
          row.forEach(function (v, b) { r['to' + (b + 1)] = v; });
          return r;
        });
        var mcols = [{ key: 'from', label: 'assess.class_from', format: 'int' }];
        for (var k = 1; k <= mk.k; k++) mcols.push({ key: 'to' + k, label: { en: '→ ' + k, zh: '→ ' + k }, format: 'num3' });
        ui.table(el, mrows, mcols);
      }

      // Units compared: counts per type against the official counts.
      if (s.units && s.units.counts) {
        ui.h3(el, 'assess.units');
        ui.p(el, ui.t('assess.units_note', { filter: ui.label('units_filter', s.units.filter),
          source: ui.text('source', s.units.official_source) || '—' }), 'cs-note');
        ui.table(el, s.units.counts.filter(function (u) { return u.table > 0 || u.official > 0; }), [
          { key: 'type', label: 'assess.unit_type', value: function (r) { return ui.t('assess.unit.' + r.type); } },
          { key: 'table', label: 'assess.in_table', format: 'int' },
          { key: 'selected', label: 'assess.selected', format: 'int' },
          { key: 'official', label: 'assess.official', format: 'int' },
          { key: 'difference', label: 'assess.difference', format: 'int' },
        ]);
      }

      // Robustness: Spearman matrix, quintile changes, rank intervals of the best and worst ranked units.
      if (s.robustness) {
        var rb = s.robustness;
        ui.h3(el, 'assess.robustness');
        ui.p(el, ui.t('assess.spearman'), 'cs-note');
        var rhoCols = [{ key: 'method', label: 'assess.method', value: function (r) { return methodLabel(ui, r.method); } }];
        rb.methods.forEach(function (m, b) {
          rhoCols.push({ key: 'rho_' + m, label: METHOD_LABEL[m] || { en: m, zh: m }, format: 'num3',
            value: function (r) { return r.rho[b]; } });
        });
        ui.table(el, rb.methods.map(function (m, a) { return { method: m, rho: rb.spearman[a] }; }), rhoCols);
        ui.p(el, ui.t('assess.quintile_change'), 'cs-note');
        ui.table(el, rb.methods.map(function (m) { return { method: m, share: rb.quintile_change_vs_chosen[m] }; }), [
          { key: 'method', label: 'assess.method', value: function (r) { return methodLabel(ui, r.method); } },
          { key: 'share', label: 'assess.share_units', format: 'pct' },
        ]);
        var pt = rb.perturbation;
        if (pt && pt.samples > 0) {
          ui.h3(el, 'assess.intervals');
          ui.p(el, ui.t('assess.intervals_note', { samples: pt.samples, c: pt.concentration, seed: pt.seed,
            width: ui.fmt.num(pt.mean_interval_width, 1), n: ui.fmt.int(n) }), 'cs-note');
          var order = [];
          for (var u = 0; u < n; u++) order.push(u);
          order.sort(function (a, b) { return c.rank[a] - c.rank[b]; });
          var pick = order.slice(0, 10).concat(order.slice(Math.max(10, n - 10)));
          var irows = pick.map(function (i) {
            return { rank: c.rank[i], name: c.name[i], province: c.province[i], p05: pt.rank_p05[i],
              median: pt.rank_median[i], p95: pt.rank_p95[i] };
          });
          ui.chart(el, {
            grid: { left: 110, right: 20, top: 10, bottom: 40 },
            tooltip: { trigger: 'item' },
            xAxis: { type: 'value', name: ui.t('assess.rank'), nameLocation: 'middle', nameGap: 25, min: 1, max: n },
            yAxis: { type: 'category', inverse: true, data: irows.map(function (r) { return r.name; }), axisLabel: { fontSize: 10 } },
            series: [
              { type: 'bar', stack: 'iv', silent: true, itemStyle: { color: 'transparent' },
                data: irows.map(function (r) { return r.p05; }) },
              { type: 'bar', stack: 'iv', name: ui.t('assess.rank_p05') + ' – ' + ui.t('assess.rank_p95'),
                itemStyle: { color: '#9ecae1' }, data: irows.map(function (r) { return r.p95 - r.p05; }) },
              { type: 'scatter', name: ui.t('assess.rank'), symbolSize: 7, itemStyle: { color: '#08519c' },
                data: irows.map(function (r) { return r.rank; }) },
            ],
          });
          ui.table(el, irows, [
            { key: 'rank', label: 'assess.rank', format: 'int' },
            { key: 'name', label: 'assess.county' },
            { key: 'province', label: 'assess.province' },
            { key: 'p05', label: 'assess.rank_p05', format: 'num1' },
            { key: 'median', label: 'assess.rank_median', format: 'num1' },
            { key: 'p95', label: 'assess.rank_p95', format: 'num1' },
          ]);
        }
      }

      // 2010 -> 2020: the index change decomposed by indicator.
      if (s.change) {
        var ch = s.change;
        var indName = {};
        s.system.indicators.forEach(function (x) { indName[x.id] = ui.nameIn(x); });
        ui.h3(el, 'assess.change');
        ui.p(el, ui.t('assess.change_note', { m: ch.indicators.length, res: ch.max_residual.toExponential(1), n: ui.fmt.int(ch.units),
          excluded: ch.excluded.length ? ch.excluded.join(', ') : '—', i0: ui.fmt.num(ch.mean_index_2010, 3),
          i1: ui.fmt.num(ch.mean_index_2020, 3) }), 'cs-note');
        var prow = ch.indicators.map(function (id, j) {
          return { id: id, name: indName[id] || id, weight: ch.weights[j], part: ch.mean_part[j], top: ch.top_count[id] || 0 };
        });
        ui.chart(el, {
          grid: { left: 60, right: 20, top: 40, bottom: 110 },
          tooltip: { trigger: 'axis' },
          xAxis: { type: 'category', data: prow.map(function (r) { return r.id; }), axisLabel: { rotate: 35, fontSize: 10 } },
          yAxis: { type: 'value', name: ui.t('assess.mean_part') },
          series: [{ type: 'bar', data: prow.map(function (r) { return r.part; }),
            itemStyle: { color: function (p) { return p.value < 0 ? '#d6604d' : '#4393c3'; } } }],
        });
        ui.table(el, prow, [
          { key: 'name', label: 'assess.indicator' },
          { key: 'weight', label: 'assess.weight', format: 'num3' },
          { key: 'part', label: 'assess.mean_part', format: 'num4' },
          { key: 'top', label: 'assess.top_count', format: 'int' },
        ], { sort: true });
        var crow = function (u) {
          var j = ch.indicators.indexOf(u.top);
          return { name: u.name, province: u.province, i0: u.index_2010, i1: u.index_2020, change: u.change,
            top: indName[u.top] || u.top, part: u.parts[j] };
        };
        var ccols = [
          { key: 'name', label: 'assess.county' },
          { key: 'province', label: 'assess.province' },
          { key: 'i0', label: 'assess.index_2010', format: 'num3' },
          { key: 'i1', label: 'assess.index_2020', format: 'num3' },
          { key: 'change', label: 'assess.change_total', format: 'num3' },
          { key: 'top', label: 'assess.top_mover' },
          { key: 'part', label: 'assess.top_part', format: 'num3' },
        ];
        ui.p(el, ui.t('assess.change_largest'), 'cs-note');
        ui.table(el, ch.largest.map(crow), ccols);
        ui.p(el, ui.t('assess.change_smallest'), 'cs-note');
        ui.table(el, ch.smallest.map(crow), ccols);
      }

      if (s.notes && s.notes.length) {
        ui.h3(el, 'assess.notes');
        var ul = ui.h('ul', { class: 'cs-notes' }, s.notes.map(function (t) { return ui.h('li', {}, [ui.text('note', t)]); }));
        el.appendChild(ul);
      }
    },
  });
})();

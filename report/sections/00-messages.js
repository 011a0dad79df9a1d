/* The engine's own sentences in Chinese: data-quality figures and messages, how the seat was chosen, where the
 * population came from, supply and audit notes, the standards' sources. Part of the catalogue (report/i18n.js holds
 * the interface strings): ui.text(kind, s) looks a sentence up here when the report is in 中文 and shows the
 * English sentence when no pattern matches (tests/e2e/browser/language_test.mjs finds those).
 * A pattern is [RegExp, replacement]; the replacement is a string with $1.. or a function (m, x) where x.text
 * translates a part again, x.service labels a service type, x.t reads the catalogue. */
(function () {
  'use strict';

  CS.addStrings({
    en: { 'messages.none': 'none' },
    zh: { 'messages.none': '无' },
  });

  var P = [];
  function add(re, rep) { P.push([re, rep]); }

  // Data-quality figures (sections.quality.items[].value).
  add(/^(\d+) dwellings of (\d+) buildings; (\d+) of (\d+) settlements have a dwelling$/,
    '$2 栋建筑中有住宅 $1 栋；$4 个居民点中 $3 个有住宅');
  add(/^'(.+)' \(admin_level (\d+)\), ([\d.]+ %) of its area inside the extract's roads$/,
    '“$1”（行政级别 $2），其面积的 $3 有道路覆盖');
  add(/^(\d+) of (\d+) points beyond ([\d,.]+) m of a road \(([\d.]+ %)\)$/, '$2 个点中有 $1 个距道路超过 $3 米（$4）');
  add(/^([\d,.]+) km of road, ([\d.]+ %) in the largest connected part$/, '道路 $1 公里，$2 位于最大连通部分');
  add(/^none$/, '无');

  // Data-quality messages.
  add(/^no facility tagged as '(.+)', but (\d+) of type '(.+)' without a level: its standards are unknown; tag the level or give a register$/,
    function (m, x) { return '没有标注为“' + x.service(m[1]) + '”的设施，但有 ' + m[2] + ' 处“' + x.service(m[3]) +
      '”未标注学段：其标准无法判断；请补充学段标签或提供设施名录'; });
  add(/^no facility of '(.+)', which the standards require: its standards fail; check the extract's tags or give a facility register$/,
    function (m, x) { return '没有标准所要求的“' + x.service(m[1]) + '”类设施：相关标准判为不达标；请检查提取数据的标签或提供设施名录'; });
  add(/^no seat found; set \[county\] seat$/, '未找到县城；请在配置中指定县城');
  add(/^the seat is a guess \((.+)\); set \[county\] seat$/, function (m, x) { return '县城系推测（' + x.text(m[1]) + '）；请在配置中指定县城'; });
  add(/^the seat (.+) is a (.+); set \[county\] seat$/, '县城 $1 只是一个小居民点；请在配置中指定县城');
  add(/^([\d,]+) people in the county, below the floor of ([\d,]+): .*$/,
    '全县仅 $1 人，低于下限 $2：提取数据中的建筑和标签不足以承载一个县的人口；请提供全县总人口或人口普查数据');
  add(/^no population figure in the extract: estimated from floor area; .*$/, '提取数据中没有人口数：按建筑面积估算；请提供全县总人口或人口普查数据');
  add(/^(\d+) of (\d+) units carry a population; .*$/, '$2 个单元中仅 $1 个有人口数；其余按其居民点标签或已知单元的密度估算');
  add(/^population from (\d+) of (\d+) settlements with a tag; .*$/, '人口来自 $2 个居民点中有标签的 $1 个；其余按最近的有标签居民点分摊');
  add(/^fewer dwellings than settlements: .*$/, '住宅少于居民点：提取数据几乎没有居住建筑，需求无法落位；请使用含建筑的数据或提供需求图层');
  add(/^most settlements have no dwelling near them: .*$/, '多数居民点附近没有住宅：建筑只覆盖了县域的一部分');
  add(/^no county boundary in the extract: .*$/, '提取数据中没有县界：整个提取范围作为县域；请裁剪县域或提供边界');
  add(/^the extract covers only ([\d.]+ %) of the boundary: .*$/, '提取数据仅覆盖县界的 $1：县域大部分缺失');
  add(/^the extract covers ([\d.]+ %) of the boundary: .*$/, '提取数据覆盖县界的 $1：县域部分缺失');
  add(/^the extract holds (\d+) areas of admin_level (\d+): .*$/, '提取数据含 $1 个同级行政区：请在配置中选定其一，或取整个提取范围');
  add(/^the boundary keeps (\d+) objects and drops (\d+) outside it: .*$/, '县界内保留 $1 个对象，界外舍弃 $2 个：提取范围大于该单元；请在配置中设定行政级别');
  add(/^a quarter or more of the places are far from any road: .*$/, '四分之一以上的地点远离道路：路网缺失县域的大部分');
  add(/^many places are far from a road: .*$/, '许多地点远离道路：请检查提取数据的道路或地点坐标');
  add(/^more than a tenth of the road length is cut off from the main network.*$/, '一成以上的道路与主路网不连通');

  // How the seat was chosen (sections.county.seat_rule).
  add(/^admin_centre of the county boundary '(.+)'$/, '县界“$1”标注的行政中心');
  add(/^configured name$/, '配置指定');
  add(/^settlement tagged capital=(.+)$/, '标注为首府（级别 $1）的居民点');
  add(/^place=city \(largest population\)$/, '人口最多的城市');
  add(/^place=town with the largest population$/, '人口最多的镇');
  add(/^settlement with the largest population$/, '人口最多的居民点');
  add(/^the tier column of (.+)$/, '$1 的层级列');

  // Where the population came from (sections.county.demand_source): a head and its parts in brackets.
  function parts(s, x) {
    return s.split('; ').map(function (p) { return x.text(p); }).join('；');
  }
  add(/^census control totals \((.+)\)$/, function (m, x) { return '人口普查控制总数（' + parts(m[1], x) + '）'; });
  add(/^admin unit population tags \((\d+) of (\d+) units tagged; (.+)\)$/,
    function (m, x) { return '行政单元人口标签（' + m[2] + ' 个单元中 ' + m[1] + ' 个有标签；' + parts(m[3], x) + '）'; });
  add(/^(.+): (\d+) of (\d+) units(, the others by their population tags)?$/,
    function (m) { return m[1] + '：' + m[3] + ' 个单元中 ' + m[2] + ' 个' + (m[4] ? '，其余按人口标签' : ''); });
  add(/^every unit has its total$/, '每个单元均有总数');
  add(/^spread over the demand layer's points by their population$/, '按需求图层各点的人口分摊');
  add(/^(\d+) units without dwellings placed on their settlements$/, '$1 个无住宅的单元落位于其居民点');
  add(/^(\d+) points outside every unit left empty$/, '$1 个不在任何单元内的点不分配人口');
  add(/^others by their settlements' tags where they have them, else at the tagged units' mean density per m2$/,
    '其余按居民点标签，无标签时按已知单元的平均密度');
  add(/^others at the tagged units' mean density per m2$/, '其余按已知单元的平均密度');
  add(/^settlement population tags \((\d+) of (\d+) settlements tagged; .*\)$/, '居民点人口标签（$2 个居民点中 $1 个有标签；每栋建筑归入其所在单元内最近的有标签居民点）');
  add(/^the demand layer's own population$/, '需求图层自带的人口');
  add(/^configured total population \(([\d,]+)\)$/, '配置的全县总人口（$1）');
  add(/^floor area at ([\d.]+) m2 per person \(.*\)$/, '按人均 $1 平方米建筑面积估算（未找到人口标签或配置总数）');

  // Access: supply and audit notes.
  add(/^1 per facility \(capacity known for (\d+) of (\d+)\)$/, '每处设施计 1（$2 处中 $1 处已知容量）');
  add(/^capacity \((.+)\)$/, '容量（$1）');
  add(/^no facility of service type '(.+)' in the county$/, function (m, x) { return '县内没有“' + x.service(m[1]) + '”类设施'; });
  add(/^capacity unknown for (\d+) of (\d+) facilities$/, '$2 处设施中 $1 处容量未知');
  add(/^no facility tagged as '(.+)', but (\d+) of type '(.+)' whose level is not tagged \(tag isced:level or give a register\)$/,
    function (m, x) { return '没有标注为“' + x.service(m[1]) + '”的设施，但有 ' + m[2] + ' 处“' + x.service(m[3]) +
      '”未标注学段（请补充学段标签或提供设施名录）'; });
  // The standards' sources (engine constants, src/access): the reference in Chinese.
  add(/^General Office of the State Council \(2015\): National Medical and Health Service System Planning Outline 2015-2020 \(.*\) - 6 hospital beds per 1,000 residents by 2020$/,
    '国务院办公厅（2015）：《全国医疗卫生服务体系规划纲要（2015—2020年）》——到 2020 年每千常住人口医疗卫生机构床位数 6 张');
  add(/^General Office of the State Council \(2015\): National Medical and Health Service System Planning Outline 2015-2020 - in principle one county-run general hospital and one county-run TCM hospital per county$/,
    '国务院办公厅（2015）：《全国医疗卫生服务体系规划纲要（2015—2020年）》——原则上每个县办好 1 所县级综合医院和 1 所县级中医类医院');
  add(/^countyscope planning assumption \(no national travel-time threshold for hospitals in docs\/methods\.md\); set your provincial norm$/,
    'countyscope 规划假设（国家未规定医院的出行时间阈值，见 docs/methods.md）；请按本省规范设定');
  add(/^countyscope planning assumption \(township health centre within 30 minutes, a common county planning target; not a national standard\); set your provincial norm$/,
    'countyscope 规划假设（乡镇卫生院 30 分钟可达，为常见的县域规划目标，非国家标准）；请按本省规范设定');
  add(/^General Office of the State Council \(2018\): Guiding Opinions on Comprehensively Strengthening Rural Small-Scale Schools and Township Boarding Schools \((.+)\) - .*$/,
    '国务院办公厅（2018）：《关于全面加强乡村小规模学校和乡镇寄宿制学校建设的指导意见》（$1）——小学 1 至 3 年级学生原则上不寄宿，单程上学时间一般不超过 30 分钟');
  add(/^actual national figure ([\d.]+) per 1,000 in (\d+) \(NHC statistical bulletin\); needs bed counts \(OSM beds=\*\)$/,
    '$2 年全国实际为每千人 $1 张（国家卫生健康委统计公报）；需要床位数（OSM beds 标签）');
  add(/^OSM does not distinguish TCM hospitals; only the general hospital is checked$/, 'OSM 不区分中医医院；仅核查综合医院');
  add(/^one-way travel time by the matrix's mode \(car by default\); walking or school buses differ$/, '按矩阵所用方式（默认驾车）计的单程时间；步行或校车会不同');

  // Option values that are sentences.
  add(/^demand -> facility travel times in both floating-catchment steps$/, '两步移动搜索的两步均用需求点至设施的出行时间');
  add(/^settlements \(place=\*\) and the existing facilities of the type \(kept open\)$/, '居民点及该类现有设施（保持开放）');
  add(/^residential buildings weighted by population \(the county model\)$/, '按人口加权的居住建筑（县域模型）');
  add(/^car travel time between settlements \(minutes\); unreachable pairs carry no flow$/, '居民点之间的驾车时间（分钟）；不可达的点对无流动');

  // Structure: hierarchy mismatches.
  add(/^village acting as a centre$/, '起中心作用的村');
  add(/^town acting as a village$/, '仅起村级作用的镇');

  // Flows.
  add(/^Parameters marked 'assumed' are documented defaults \(docs\/flows\.md\), not calibrated; .*$/,
    '标为“假设”的参数是文档（docs/flows.md）给出的默认值，未经标定；有实测 OD 表时可用 countyscope 标定。');
  add(/^(.+) (commuters|shopping trips|service visits)\/(day|week)$/, function (m) {
    return m[1] + ' ' + { commuters: '通勤人次', 'shopping trips': '购物人次', 'service visits': '服务人次' }[m[2]] + '/' + (m[3] === 'day' ? '日' : '周');
  });

  // National assessment: notes, typing rules, the coupling form.
  var UNIT_ZH = { district: '市辖区', 'county-level-city': '县级市', county: '县', 'autonomous-county': '自治县', banner: '旗',
    'autonomous-banner': '自治旗', 'special-district': '特区', 'forestry-district': '林区', zone: '开发区/管理区' };
  add(/^unit types \((\d+)\): (.+); --units (\w+) selects (\d+)$/, function (m) {
    return m[1] + ' 年单元类型：' + m[2].split(', ').map(function (p) {
      var q = /^(\S+) (\d+) \(official (\d+)\)$/.exec(p);
      return q ? (UNIT_ZH[q[1]] || q[1]) + ' ' + q[2] + '（官方 ' + q[3] + '）' : p;
    }).join('，') + '；分析选取 ' + m[4] + ' 个';
  });
  add(/^indicator '(.+)': (\d+) missing value\(s\), first at line (\d+) \(empty cell or undefined formula\); rows dropped$/,
    function (m) { return '指标“' + indicatorName(m[1]) + '”：缺失 ' + m[2] + ' 个值，首个在第 ' + m[3] + ' 行（空单元格或公式无定义）；相应行已剔除'; });
  add(/^missing-value policy (\w+): (\d+) rows read, (\d+) dropped, (\d+) cells imputed$/,
    '缺失值处理：读入 $2 行，剔除 $3 行，插补 $4 个单元格');
  add(/^panel (\d+)\+(\d+): (\d+) counties matched by code, (\d+) without a \d+ row \(code changed\), (\d+) with missing \d+ values; indicators without \d+ data: (.+)$/,
    function (m) { return m[1] + '—' + m[2] + ' 面板：按代码匹配 ' + m[3] + ' 个县，' + m[4] + ' 个无 ' + m[1] + ' 年数据（代码变更），' + m[5] +
      ' 个 ' + m[1] + ' 年数据缺失；无 ' + m[1] + ' 年数据的指标：' + m[6].split(', ').map(indicatorName).join('、'); });
  add(/^weights (\w+) \(transform (\w+), winsor ([\d.]+)\); transformed before weighting \(\|skewness\| > 1\): (.+)$/,
    function (m) { return '权重方法：' + methodName(m[1]) + '（' + (m[2] === 'log' ? '对数变换' : m[2]) + '，缩尾 ' + m[3] + '）；赋权前变换的偏态指标（|偏度| > 1）：' +
      m[4].split(', ').map(indicatorName).join('、'); });
  add(/^(\d+) of (\d+) scored counties have a centre \((\d+) left out of the spatial statistics\)$/,
    '$2 个参评县中 $1 个有中心点坐标（$3 个不参与空间统计）');
  add(/^(\d+) large cities \(>= ([\d.e+]+) urban residents in their municipal districts, (\d+)\)$/,
    function (m) { return m[1] + ' 个大城市（' + m[3] + ' 年市辖区城镇人口 ≥ ' + Number(m[2]).toLocaleString('en') + '）'; });
  add(/^typing: key ecological function areas cannot be identified from census tables.*$/,
    '类型划分：无法从普查表识别重点生态功能区（未附国家重点生态功能区县名单）；该类型不予划分');
  add(/^corrected form \((.+ \d{4})\), the default$/, '修正形式（$1），默认');
  add(/^Ministry of Civil Affairs, administrative division statistics at the end of (\d{4}) \((.+)\)$/, function (m, x) { return '民政部 ' + m[1] + ' 年底行政区划统计（' + x.text(m[2]) + '）'; });
  add(/^docs\/assess\.md, Units$/, 'docs/assess.md，单元一节');
  function typing() { return ((((CS.doc || {}).sections || {}).assess || {}).config || {}).typing || {}; }
  add(/^district: name ends in 区 \(municipal district, not a county town\) - not typed$/, '市辖区：名称以“区”结尾（市辖区，非县城）——不分类');
  add(/^satellite: county centre within satellite_km of a large city.*$/,
    function () { return '大城市周边县：县中心距大城市 ' + (typing().satellite_km || '') + ' 公里以内（大城市指市辖区城镇人口 ≥ ' + (typing().large_city_pop || '') + ' 人）'; });
  add(/^population-losing: population change \d+-\d+ below losing_change$/,
    function () { return '人口流失县：2010—2020 年人口变化低于 ' + ((typing().losing_change || 0) * 100) + ' %'; });
  add(/^agricultural: share employed in agriculture >= agri_share$/,
    function () { return '农产品主产区县：农业就业比重 ≥ ' + ((typing().agri_share || 0) * 100) + ' %'; });
  add(/^specialised: share employed in manufacturing >= specialised_manuf$/,
    function () { return '专业功能县：制造业就业比重 ≥ ' + ((typing().specialised_manuf || 0) * 100) + ' %'; });
  add(/^key ecological function area: not assignable from the data \(no area list bundled\)$/, '重点生态功能区县：无法从数据划分（未附名单）');
  add(/^first rule that fires wins, in this order; otherwise unassigned$/, '按上述顺序，先满足者优先；均不满足则不归类');
  function indicatorName(id) {
    var inds = (((((CS.doc || {}).sections || {}).assess || {}).system || {}).indicators) || [];
    var ind = inds.filter(function (x) { return x.id === id; })[0];
    return ind && ind.name_zh ? ind.name_zh : id;
  }
  function methodName(m) {
    return { mean: '均值组合', entropy: '熵权法', critic: 'CRITIC', cv: '变异系数法' }[m] || m;
  }

  // The county capacity account (sections.capacity).
  add(/^built-up share of the county$/, '建设用地占县域面积比例');
  add(/^share of peak-hour vehicle-km on links above V\/C ([\d.]+)$/, '高峰小时饱和度超过 $1 的路段上的车公里占比');
  add(/^(land|roads|services): (.+)$/, function (m, x) {
    return { land: '土地', roads: '道路', services: '公共服务' }[m[1]] + '：' + x.text(m[2]);
  });
  add(/^limit 30 % by default: the development-intensity warning line of Chinese territorial planning practice; built-up = OSM landuse (.+) \(areas whose centroid lies inside the boundary\)$/,
    '默认阈值30%：国土空间规划实践中常用的开发强度警戒线；建设用地取OSM土地利用类型 $1（中心点位于县界内的地块）');
  add(/^limit assumed \(no national standard\): set road_limit; V\/C from the traffic pass \(a lower bound: no through traffic\)$/,
    '阈值为假设值（无国家标准，可在规划文件中调整）；饱和度来自交通分配（未计过境交通，为下限）');
  add(/^each dimension's pressure ratio: overload at 1 or more, critical from critical_ratio, else no overload \(the three classes of the 2016 monitoring and early-warning method of resource and environmental carrying capacity, trial version\); the county takes the worst class of its assessed dimensions \(weakest link\)$/,
    '各维度的压力比：≥1 为超载，不低于临界比（默认0.8）为临界超载，否则为不超载（《资源环境承载能力监测预警技术方法（试行）》（2016）的三级划分）；县域取已评价维度中最差的等级（短板原则）');
  add(/^([a-z0-9_]+): capacity unknown for (\d+) of (\d+) facilities$/, '$1：$3 处设施中有 $2 处规模未知');
  add(/^no county boundary$/, '无县界');
  add(/^no land use in the county's data \(OSM landuse=\*\)$/, '县域数据中没有土地利用信息（OSM landuse=*）');
  add(/^the county boundary has no area$/, '县界面积为零');
  add(/^the traffic pass did not run \(\[traffic\] run = true\)$/, '未运行交通分配（需 [traffic] run = true）');
  add(/^no supply-per-1,000 standard in the standards table$/, '标准表中没有千人指标');

  // The industry pass's default yields (sections.industry.classes[].source).
  add(/^grain: 5,802 kg\/ha, China's average grain yield 2022 \(National Bureau of Statistics, announcement on the 2022 grain output\)$/,
    '粮食：每公顷 5,802 公斤，2022 年全国粮食平均单产（国家统计局关于 2022 年粮食产量数据的公告）');
  add(/^fruit, assumed$/, '水果，假设值');
  add(/^grapes, assumed$/, '葡萄，假设值');
  add(/^vegetables under glass or film, assumed$/, '设施蔬菜，假设值');
  add(/^hay, assumed$/, '干草，假设值');
  add(/^livestock products per hectare of farmyard, assumed$/, '每公顷养殖用地的畜产品，假设值');
  add(/^fish from ponds, assumed$/, '池塘养殖水产品，假设值');
  add(/^\[industry\.yields\]$/, '规划文件中设定');

  // A generic "figure (explanation)" last: both halves translated.
  add(/^(.+?) \((.+)\)$/, function (m, x) {
    var a = x.text(m[1]), b = x.text(m[2]);
    return a === m[1] && b === m[2] ? null : a + '（' + b + '）';
  });

  CS.textPatterns = CS.textPatterns || {};
  CS.textPatterns.zh = (CS.textPatterns.zh || []).concat(P);
})();

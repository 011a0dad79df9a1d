// County-level unit types from the GB/T 2260 code and the name suffix, the analysis population filter and the
// official counts per type (docs/assess.md, "Units").
#include <countyscope/assess/assess.hpp>

namespace cs::assess {

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
// Digits 5-6 of a six-digit code (the county part), or -1.
int county_part(std::string_view code) {
  if (code.size() != 6) return -1;
  for (char c : code)
    if (c < '0' || c > '9') return -1;
  return (code[4] - '0') * 10 + (code[5] - '0');
}
}  // namespace

std::string_view to_string(UnitType t) {
  switch (t) {
    case UnitType::kDistrict:
      return "district";
    case UnitType::kCity:
      return "county-level-city";
    case UnitType::kCounty:
      return "county";
    case UnitType::kAutonomousCounty:
      return "autonomous-county";
    case UnitType::kBanner:
      return "banner";
    case UnitType::kAutonomousBanner:
      return "autonomous-banner";
    case UnitType::kSpecialDistrict:
      return "special-district";
    case UnitType::kForestryDistrict:
      return "forestry-district";
    case UnitType::kZone:
      return "zone";
  }
  return "zone";
}

UnitTyping type_unit(std::string_view code, std::string_view name, std::string_view prefecture) {
  const int part = county_part(code);
  // NBS statistical codes 71-79: development zones and management areas, not administrative divisions.
  if (part >= 71 && part <= 79) return {UnitType::kZone, "code " + std::string(code) + ": county part 71-79"};
  if (ends_with(name, "自治县")) return {UnitType::kAutonomousCounty, "name suffix 自治县"};
  if (ends_with(name, "自治旗")) return {UnitType::kAutonomousBanner, "name suffix 自治旗"};
  if (ends_with(name, "旗")) return {UnitType::kBanner, "name suffix 旗"};
  if (ends_with(name, "特区")) return {UnitType::kSpecialDistrict, "name suffix 特区"};
  // 林区 is a forestry district only under a province directly (code PP90xx, 神农架林区); 碑林区 is a
  // district.
  const bool province_direct = code.size() == 6 && code.substr(2, 2) == "90";
  if (ends_with(name, "林区") && province_direct)
    return {UnitType::kForestryDistrict, "name suffix 林区, code PP90xx"};
  if (ends_with(name, "区")) return {UnitType::kDistrict, "name suffix 区"};
  // District codes (01-20) exist only under a prefecture-level city (地级市); a 市 or 县 name under such a
  // code was renamed after the table's names were fixed (撤市/撤县设区) and the code is the newer one. Under
  // a league, prefecture or autonomous prefecture codes 01-20 are county-level cities.
  const bool district_code = part >= 1 && part <= 20 && !province_direct;
  const bool under_city = prefecture.empty() || ends_with(prefecture, "市");
  if (ends_with(name, "市")) {
    if (district_code && !prefecture.empty() && under_city)
      return {UnitType::kDistrict, "name suffix 市 but district code under a 地级市 (renamed)"};
    return {UnitType::kCity, "name suffix 市"};
  }
  if (ends_with(name, "县")) {
    if (district_code && under_city)
      return {UnitType::kDistrict, "name suffix 县 but district code (renamed)"};
    if (district_code || part >= 81)
      return {UnitType::kCity, "name suffix 县 but county-level-city code (renamed)"};
    return {UnitType::kCounty, "name suffix 县"};
  }
  if (name.empty() && part >= 1) {  // no name column: the code's class alone
    if (part <= 20) return {UnitType::kDistrict, "code class 01-20"};
    if (part >= 81) return {UnitType::kCity, "code class 81-99"};
    return {UnitType::kCounty, "code class 21-80"};
  }
  return {UnitType::kZone, "no administrative name suffix"};
}

std::string_view to_string(UnitFilter f) {
  switch (f) {
    case UnitFilter::kCounties:
      return "counties";
    case UnitFilter::kCountiesCities:
      return "counties+cities";
    case UnitFilter::kDistricts:
      return "districts";
    case UnitFilter::kAll:
      return "all";
  }
  return "all";
}

bool selects(UnitFilter f, UnitType t) {
  const bool county = t == UnitType::kCounty || t == UnitType::kAutonomousCounty || t == UnitType::kBanner ||
                      t == UnitType::kAutonomousBanner;
  switch (f) {
    case UnitFilter::kCounties:
      return county;
    case UnitFilter::kCountiesCities:
      return county || t == UnitType::kCity;
    case UnitFilter::kDistricts:
      return t == UnitType::kDistrict;
    case UnitFilter::kAll:
      return true;
  }
  return false;
}

std::optional<std::array<std::size_t, kUnitTypes>> official_unit_counts(int year) {
  // Ministry of Civil Affairs, 中华人民共和国行政区划统计表 (2020 年底): 2,844 county-level units
  // (docs/assess.md).
  if (year == 2020) return std::array<std::size_t, kUnitTypes>{973, 388, 1312, 117, 49, 3, 1, 1, 0};
  return std::nullopt;
}

}  // namespace cs::assess

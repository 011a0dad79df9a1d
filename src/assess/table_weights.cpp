// Spatial weights of any table's rows (src/assess/table_weights.hpp).
#include "table_weights.hpp"

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>

namespace cs::assess {

namespace {
bool ends_with(const std::string& s, std::string_view e) {
  if (s.size() < e.size()) return false;
  for (std::size_t a = 0; a < e.size(); ++a)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - e.size() + a])) != e[a]) return false;
  return true;
}
bool is_file(const std::string& w) {
  return ends_with(w, ".gal") || ends_with(w, ".gwt") || ends_with(w, ".kwt");
}
bool is_contiguity(const std::string& w) { return w == "queen" || w == "rook"; }

WeightsSpec distance_spec(const TableWeightsSpec& s) {
  WeightsSpec d;
  try {
    d = parse_weights_spec(s.weights);
  } catch (const UsageError&) {
    throw unknown_value("spatial weights", s.weights,
                        {"queen", "rook", "knn:K", "band", "band:D", "idw", "idw:D", "FILE.gal", "FILE.gwt"});
  }
  d.planar = s.metric == "planar";
  d.row_standardise = false;
  d.idw_power = s.idw_power;
  return d;
}
}  // namespace

void prepare_weights_source(const TableWeightsSpec& s, VectorSourceSpec& source) {
  if (s.metric != "planar" && s.metric != "great-circle")
    throw unknown_value("distance metric", s.metric, {"planar", "great-circle"});
  if (!(s.idw_power > 0)) throw UsageError("--idw-power: expected a number > 0");
  if (!is_file(s.weights) && !is_contiguity(s.weights)) (void)distance_spec(s);
  source.crs = s.crs;
  if (!s.coords.empty()) {
    const auto comma = s.coords.find(',');
    if (comma == std::string::npos) throw UsageError("--coords: expected X,Y (two column names)");
    source.x = s.coords.substr(0, comma);
    source.y = s.coords.substr(comma + 1);
  }
  source.keep_out_of_range = s.metric == "planar";
}

TableWeights table_weights(const VectorTable& t, const TableWeightsSpec& s, int threads) {
  const std::size_t n = t.features.size();
  const bool file_weights = is_file(s.weights);
  TableWeights r;
  // Ids: the --id column, else the weights file's id field when the table has it, else the row number.
  r.id_field = s.id;
  if (r.id_field.empty() && file_weights) {
    const std::string h = weights_file_header(s.weights);
    if (!h.empty() && t.field(h) >= 0) r.id_field = h;
  }
  if (!r.id_field.empty()) {
    const int ic = t.require(r.id_field, "id");
    r.id_field = t.fields[static_cast<std::size_t>(ic)];
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& v = t.features[i].values[static_cast<std::size_t>(ic)];
      if (v.empty()) throw InputError(t.shown(), t.features[i].where, r.id_field, "empty id");
      if (auto [it, fresh] = seen.emplace(v, i); !fresh)
        throw InputError(t.shown(), t.features[i].where, r.id_field,
                         "id '" + v + "' given twice (first at " + t.features[it->second].where + ")");
      r.ids.push_back(v);
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) r.ids.push_back(std::to_string(i + 1));
  }

  if (file_weights) {
    r.raw = read_weights_file(s.weights, r.ids, r.id_field);
  } else if (is_contiguity(s.weights)) {
    std::vector<MultiPolygonLL> polys;
    for (const VectorFeature& f : t.features) {
      if (f.polygons.empty())
        throw InputError(t.shown(), f.where, "geometry",
                         "no polygon; " + s.weights + " contiguity needs a polygon layer");
      polys.push_back(f.polygons);
    }
    r.raw = contiguity_weights(polys, s.weights == "queen");
  } else {
    const WeightsSpec dspec = distance_spec(s);
    std::vector<LonLat> pts;
    for (const VectorFeature& f : t.features) {
      if (!f.point || (dspec.planar && !f.raw))
        throw InputError(t.shown(), f.where, "geometry",
                         "no point; distance weights need points, polygons or --coords");
      pts.push_back(dspec.planar ? LonLat{f.raw->first, f.raw->second} : *f.point);
    }
    r.raw = build_weights(pts, dspec, threads);
    r.metric = s.metric;
    if (dspec.kind != WeightsKind::kKnn) r.band_km = r.raw.band_km;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (r.raw.first[i] == r.raw.first[i + 1]) {
      if (s.refuse_islands)
        throw InputError(t.shown(), t.features[i].where, r.id_field.empty() ? "row number" : r.id_field,
                         "id '" + r.ids[i] + "' has no neighbour (an island) with weights " + s.weights);
      r.islands.push_back(r.ids[i]);
    }
  return r;
}

}  // namespace cs::assess

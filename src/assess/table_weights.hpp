// Spatial weights of any table's rows (internal to src/assess): the `--weights` of `stats autocorrelation`
// and `stats markov --weights` — a GAL / GWT / KWT file matched to the rows' ids, queen / rook contiguity of
// the table's polygons, or kNN / band / IDW on its points (planar or great-circle).
#pragma once

#include <string>
#include <vector>

#include <countyscope/assess/spatial.hpp>
#include <countyscope/io/vector_source.hpp>

namespace cs::assess {

struct TableWeightsSpec {
  std::string weights = "queen";  // queen | rook | knn:K | band[:D] | idw[:D] | a .gal / .gwt / .kwt file
  std::string metric = "planar";  // planar (the layer's units) | great-circle (km on longitude/latitude)
  double idw_power = 1.0;
  std::string
      id;  // the id column; empty: the weights file's header field when the table has it, else row numbers
  std::string coords, crs;      // "x,y" coordinate columns of a table without geometry, and their CRS
  bool refuse_islands = false;  // an island is an input error
};

struct TableWeights {
  Weights raw;                       // as built or read (binary; a GWT's values; inverse distances)
  std::vector<std::string> ids;      // per row: the id column's value or the row number
  std::string id_field;              // empty: row numbers
  std::vector<std::string> islands;  // ids of the rows without a neighbour
  std::string metric;                // the metric of distance weights; empty for files and contiguity
  double band_km = 0;                // the band of band / idw weights (the default's computed value), else 0
};

// The weights spec of a study's input: the fields every `--weights` study names alike (weights, metric,
// idw_power, id, coords, crs, and refuse_islands where the study has it).
template <class In>
[[nodiscard]] TableWeightsSpec table_weights_spec(const In& in) {
  TableWeightsSpec ws;
  ws.weights = in.weights;
  ws.metric = in.metric;
  ws.idw_power = in.idw_power;
  ws.id = in.id;
  ws.coords = in.coords;
  ws.crs = in.crs;
  if constexpr (requires { in.refuse_islands; }) ws.refuse_islands = in.refuse_islands;
  return ws;
}

// UsageError for an unknown weights spec, metric or a bad --idw-power / --coords; sets the table source's
// coordinate columns, CRS and range check for the spec.
void prepare_weights_source(const TableWeightsSpec& s, VectorSourceSpec& source);

// The weights of t's rows; InputError (one line naming file, row or line, id and field) for an empty or
// repeated id, a weights file that does not match the table, a row without polygon / point, an island with
// refuse_islands.
[[nodiscard]] TableWeights table_weights(const VectorTable& t, const TableWeightsSpec& s, int threads);

}  // namespace cs::assess

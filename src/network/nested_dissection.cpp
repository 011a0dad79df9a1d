// Nested-dissection order for the customizable contraction hierarchy: METIS_NodeND (Karypis and Kumar) on the
// undirected, loop-free, deduplicated graph, with a fixed seed so that the same graph gives the same order.
#include <algorithm>
#include <limits>
#include <metis.h>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/core/error.hpp>
#include <countyscope/network/cch.hpp>

namespace cs::network {

std::vector<NodeId> nested_dissection_order(const RoadGraph& g, int metis_seed) {
  const std::size_t n = g.node_count();
  std::vector<NodeId> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<NodeId>(i);
  // Undirected edges, both directions, without loops and duplicates: CSR for METIS.
  std::vector<std::pair<NodeId, NodeId>> e;
  e.reserve(2 * g.arc_count());
  for (NodeId u = 0; u < n; ++u)
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a)
      if (g.head[a] != u) {
        e.emplace_back(u, g.head[a]);
        e.emplace_back(g.head[a], u);
      }
  std::sort(e.begin(), e.end());
  e.erase(std::unique(e.begin(), e.end()), e.end());
  if (n < 3 || e.empty()) return order;  // nothing to dissect: any order is as good
  if (n > static_cast<std::size_t>(std::numeric_limits<idx_t>::max()) ||
      e.size() > static_cast<std::size_t>(std::numeric_limits<idx_t>::max()))
    throw ResourceError("nested dissection: the graph is too large for METIS (" + std::to_string(n) +
                        " nodes)");
  std::vector<idx_t> xadj(n + 1, 0), adjncy(e.size());
  for (std::size_t k = 0; k < e.size(); ++k) {
    ++xadj[e[k].first + 1];
    adjncy[k] = static_cast<idx_t>(e[k].second);
  }
  for (std::size_t i = 0; i < n; ++i) xadj[i + 1] += xadj[i];
  idx_t nv = static_cast<idx_t>(n);
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = metis_seed;
  options[METIS_OPTION_NUMBERING] = 0;
  std::vector<idx_t> perm(n), iperm(n);
  const int rc = METIS_NodeND(&nv, xadj.data(), adjncy.data(), nullptr, options, perm.data(), iperm.data());
  if (rc == METIS_ERROR_MEMORY) throw ResourceError("nested dissection: METIS ran out of memory");
  if (rc != METIS_OK)
    throw Error(ErrorKind::kInternal, "nested dissection: METIS_NodeND failed (" + std::to_string(rc) + ")");
  // perm[i] is the node eliminated i-th (row i of the permuted matrix).
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<NodeId>(perm[i]);
  return order;
}

}  // namespace cs::network

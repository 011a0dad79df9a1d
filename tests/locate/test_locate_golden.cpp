// Golden test against PySAL spopt's published results on its San Francisco data (data/fixtures/spopt_sf).
#include <algorithm>
#include <map>
#include <string>
#include <zlib.h>

#include <gtest/gtest.h>

#include <countyscope/io/csv.hpp>
#include <countyscope/locate/problem.hpp>

#include "test_support.hpp"

namespace {

std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr) << path;
  std::string out;
  char buf[1 << 15];
  int k;
  while ((k = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(k));
  gzclose(f);
  return out;
}

// spopt pivots the long table with tracts (DestinationName) as rows and stores (name) as columns, both
// sorted.
cs::locate::LocateProblem sf(cs::locate::ProblemKind kind) {
  const auto dist = cs::parse_csv(
      gunzip(cs::test::source_path(
          "data/fixtures/spopt_sf/SF_network_distance_candidateStore_16_censusTract_205_new.csv.gz")),
      "sf_dist");
  const auto dem =
      cs::read_csv(cs::test::source_path("data/fixtures/spopt_sf/SF_demand_205_centroid_uniform_weight.csv"));
  std::map<std::string, std::size_t> rows, cols;
  const auto cd = dist.column("distance"), cn = dist.column("name"), ct = dist.column("DestinationName");
  for (std::size_t r = 0; r < dist.rows(); ++r) rows[dist.text(r, ct)], cols[dist.text(r, cn)];
  std::size_t k = 0;
  for (auto& [_, v] : rows) v = k++;
  k = 0;
  for (auto& [_, v] : cols) v = k++;
  cs::locate::LocateProblem pb;
  pb.kind = kind;
  pb.cost = cs::TimeMatrix(rows.size(), cols.size(), cs::kUnreachable);
  for (std::size_t r = 0; r < dist.rows(); ++r)
    pb.cost(rows[dist.text(r, ct)], cols[dist.text(r, cn)]) = static_cast<float>(dist.number(r, cd));
  pb.weight.assign(rows.size(), 0);
  const auto name = dem.column("NAME"), pop = dem.column("POP2000");
  for (std::size_t r = 0; r < dem.rows(); ++r) pb.weight[rows.at(dem.text(r, name))] = dem.number(r, pop);
  EXPECT_EQ(pb.demand_count(), 205u);
  EXPECT_EQ(pb.candidate_count(), 16u);
  return pb;
}

TEST(LocateGolden, SpoptSanFranciscoPMedian) {
  auto pb = sf(cs::locate::ProblemKind::kPMedian);
  pb.p = 4;
  cs::Context ctx;
  double total = 0;
  for (double w : pb.weight) total += w;
  for (const auto& r : {cs::locate::solve_mip(pb, {}, ctx), cs::locate::solve_heuristic(pb, {}, ctx)}) {
    // spopt: mean distance 2982.1268579890657 m (its matrix is float64; ours float32 -> 1e-6 relative).
    EXPECT_NEAR(r.objective / total, 2982.1268579890657, 2982.13 * 1e-6) << cs::locate::solver_name(r.solver);
  }
}

TEST(LocateGolden, SpoptSanFranciscoMclp) {
  auto pb = sf(cs::locate::ProblemKind::kMclp);
  pb.p = 4;
  pb.standard_s = 5000;  // metres here: the matrix is a distance matrix
  cs::Context ctx;
  const auto r = cs::locate::solve_mip(pb, {}, ctx);
  ASSERT_EQ(r.outcome, cs::locate::Outcome::kOptimal);
  std::size_t uncovered = 0;
  for (std::size_t i = 0; i < pb.demand_count(); ++i) {
    float best = cs::kUnreachable;
    for (auto j : r.open) best = std::min(best, pb.cost(i, j));
    uncovered += best > 5000;
  }
  EXPECT_EQ(uncovered, 21u);  // spopt: 21 uncovered, 89.756 % covered
  EXPECT_NEAR(100.0 * (205 - uncovered) / 205.0, 89.75609756097561, 1e-9);
}

}  // namespace

// The assign study and its [assign] options (include/countyscope/assign/study.hpp).
#include <cstdio>
#include <string>
#include <vector>

#include <countyscope/assign/study.hpp>
#include <countyscope/assign/tntp.hpp>
#include <countyscope/core/limits.hpp>

namespace cs::assign {

const opt::Table<AssignOptions>& assign_options() {
  using O = AssignOptions;
  static const auto t =
      opt::Table<O>("assign", "Traffic assignment (`countyscope assign`; docs/assign.md)")
          .choice(
              "algorithm", &O::algorithm,
              {{"gp", Algorithm::kGp},
               {"fw", Algorithm::kFw},
               {"cfw", Algorithm::kCfw},
               {"bfw", Algorithm::kBfw},
               {"bush", Algorithm::kBush}},
              "gp: path-based gradient projection, bush: bush-based Algorithm B (tight gaps); fw, cfw, bfw: "
              "Frank-Wolfe, conjugate and bi-conjugate Frank-Wolfe")
          .number("gap", &O::gap, Range{"relative gap", 0, 1, ""},
                  "stop at this relative gap (TSTT - SPTT) / TSTT")
          .integer("max_iter", &O::max_iter, 1, 10000000, "iterations", "stop after this many iterations")
          .number("time_limit_s", &O::time_limit_s, Range{"time limit", 0, 1e7, "seconds"},
                  "stop after this many seconds (0 = no limit; the stopping iteration then depends on the "
                  "machine)")
          .number(
              "time_unit_min", &O::time_unit_min, Range{"time unit", 0, 10080, "minutes", true},
              "minutes per time unit of the network file's free-flow times (1 for minutes; Sioux Falls: 0.6, "
              "its times are 0.01 h)");
  return t;
}

namespace {

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

}  // namespace

AssignStudy run_assign_study(const AssignInputs& in, const AssignOptions& opt, const Context& ctx) {
  const Network net = read_tntp_network(in.net);
  const Trips trips = read_tntp_trips(in.trips, net);
  if (!in.nodes.empty()) (void)read_tntp_nodes(in.nodes, net);  // bad coordinates fail before the work
  AssignStudy s;
  s.result = assign(net, trips, opt, ctx);
  const AssignResult& r = s.result;
  const double u = opt.time_unit_min;

  const std::vector<Column> link_cols = {{"from", FieldType::kInteger},
                                         {"to", FieldType::kInteger},
                                         {"flow", FieldType::kReal, "vehicles"},
                                         {"time_min", FieldType::kReal, "min"},
                                         {"free_flow_time_min", FieldType::kReal, "min"},
                                         {"capacity", FieldType::kReal, "vehicles"},
                                         {"voc", FieldType::kReal, "share"}};
  const std::vector<LonLat> xy = in.nodes.empty() ? std::vector<LonLat>{} : read_tntp_nodes(in.nodes, net);
  Table links = xy.empty() ? Table("links", link_cols) : Table("links", GeomType::kLineString, link_cols);
  links.csv_file = "links.csv";
  for (std::size_t i = 0; i < net.links.size(); ++i) {
    const Link& l = net.links[i];
    std::vector<FieldValue> row = {integer(l.from),       integer(l.to),        r.flow[i],
                                   r.time[i] * u,         l.free_flow_time * u, l.capacity,
                                   r.flow[i] / l.capacity};
    if (xy.empty())
      links.add(std::move(row));
    else
      links.add(
          Shape::line({xy[static_cast<std::size_t>(l.from - 1)], xy[static_cast<std::size_t>(l.to - 1)]}),
          std::move(row));
  }
  std::vector<Column> cols = {{"iteration", FieldType::kInteger},
                              {"relative_gap", FieldType::kReal, "share"},
                              {"tstt_veh_min", FieldType::kReal, "vehicle-minutes"}};
  if (in.timings) cols.emplace_back("seconds", FieldType::kReal, "s");
  Table conv("convergence", cols);
  conv.csv_file = "convergence.csv";
  conv.json = JsonPlace::kSection;
  conv.json_key = "/convergence";
  for (const Iteration& it : r.iterations) {
    std::vector<FieldValue> row = {integer(it.iteration), it.gap, it.tstt * u};
    if (in.timings) row.emplace_back(it.seconds);
    conv.add(std::move(row));
  }
  const Iteration& last = r.iterations.back();
  s.outputs.section = {{"network", in.net},
                       {"trips", in.trips},
                       {"zones", net.zones},
                       {"nodes", net.nodes},
                       {"links", net.links.size()},
                       {"trips_total", trips.total},
                       {"iterations", last.iteration},
                       {"relative_gap", last.gap},
                       {"tstt_veh_min", last.tstt * u},
                       {"converged", r.converged},
                       {"assumptions", assign_options().to_json(opt)}};
  s.outputs.add(std::move(links));
  s.outputs.add(std::move(conv));
  s.summary = "assign: " + std::string(r.converged ? "converged" : "stopped") + " after " +
              std::to_string(last.iteration) + " iterations at relative gap " + short_number(last.gap) +
              " (target " + short_number(opt.gap) + "), TSTT " + short_number(last.tstt * u) +
              " vehicle-minutes";
  return s;
}

}  // namespace cs::assign

// Target pyargs: the engine functions behind the Python module (python/src/module.cpp) called as the module
// calls them, with arrays whose lengths, shapes and values come from the input: lengths that disagree, NaN,
// inf, negative and huge values. The module passes NumPy buffers straight through as spans, so each function
// must check its own arguments (a cs::Error is the expected answer; reading past a span is a finding).
#include <countyscope/access/access.hpp>
#include <countyscope/access/equity.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/flows/models.hpp>
#include <countyscope/locate/problem.hpp>

#include "support.hpp"

namespace {

std::vector<double> doubles(cs::fuzz::Bytes& in, std::size_t n) {
  std::vector<double> v(n);
  for (auto& x : v) x = in.number();
  return v;
}
std::vector<float> floats(cs::fuzz::Bytes& in, std::size_t n) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(in.number() * 60.0);
  return v;
}
// A length near `base` (usually equal, sometimes off by one either way or empty), as a user might pass.
std::size_t len(cs::fuzz::Bytes& in, std::size_t base) {
  switch (in.byte() % 8) {
    case 0:
      return base + 1;
    case 1:
      return base > 0 ? base - 1 : 0;
    case 2:
      return 0;
    default:
      return base;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cs::fuzz::Bytes in(data, size);
  const std::uint8_t fn = in.byte();
  const std::size_t n = in.byte() % 9, m = in.byte() % 9;
  cs::Context ctx;
  ctx.threads = 1 + in.byte() % 2;
  cs::fuzz::expect_errors([&] {
    switch (fn % 7) {
      case 0:
      case 1: {  // accessibility / sfca2
        const auto times = floats(in, n * m);
        const auto pop = doubles(in, len(in, n));
        const auto supply = doubles(in, len(in, m));
        cs::access::AccessConfig cfg;
        cfg.cutoff_s = in.number() * 60.0;
        cfg.k = static_cast<int>(in.byte()) - 8;
        cfg.gravity_beta = in.number();
        static const char* kDecay[] = {"power", "exponential", "gaussian", "linear", "bogus"};
        cfg.gravity_decay = cs::access::parse_decay(kDecay[in.byte() % 5]);
        cfg.catchment = cs::access::parse_catchment((in.byte() & 1) ? "exclusive" : "inclusive");
        const cs::TimeView tm(times.data(), n, m);
        if (fn % 7 == 0)
          (void)cs::access::compute_access(tm, pop, supply, cfg, ctx);
        else
          (void)cs::access::compute_sfca2(tm, pop, supply, cfg, ctx);
        break;
      }
      case 2: {  // equity
        const auto values = doubles(in, n);
        const auto pop = doubles(in, len(in, n));
        std::vector<int> groups;
        cs::access::EquityInput e;
        e.values = values;
        e.population = pop;
        if (in.byte() & 1) {
          groups.resize(len(in, n));
          for (auto& g : groups) g = static_cast<int>(in.byte() % 5) - 1;
          e.group = groups;
          int mx = -1;
          for (int g : groups) mx = std::max(mx, g);
          for (int i = 0; i <= mx; ++i) e.group_names.push_back(std::to_string(i));
          if (in.byte() & 1 && !e.group_names.empty()) e.group_names.pop_back();
        }
        (void)cs::access::equity(e);
        break;
      }
      case 3: {  // locate (heuristic and brute force; the MIP is CBC's)
        cs::locate::LocateProblem pb;
        static const char* kKind[] = {"p-median", "mclp", "lscp", "p-center", "bogus"};
        pb.kind = cs::locate::parse_problem(kKind[in.byte() % 5]);
        pb.cost = cs::TimeMatrix(n, m);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < m; ++j) pb.cost(i, j) = static_cast<float>(in.number() * 60.0);
        if (in.byte() & 1) pb.weight = doubles(in, len(in, n));
        pb.p = in.byte() % 6;
        pb.standard_s = in.number() * 60.0;
        for (std::size_t k = in.byte() % 3; k > 0; --k) pb.fixed.push_back(in.byte() % 10);
        if (in.byte() & 1) pb.capacity = doubles(in, len(in, m));
        if (in.byte() & 1) pb.opening_cost = doubles(in, len(in, m));
        if (in.byte() & 1) pb.budget = in.number();
        cs::locate::check_problem(pb);
        if (in.byte() & 1)
          (void)cs::locate::solve_heuristic(pb, cs::locate::HeuristicOptions{}, ctx);
        else if (m <= 6)
          (void)cs::locate::solve_brute_force(pb);
        break;
      }
      case 4: {  // gravity_flows
        static const char* kForm[] = {"unconstrained", "production", "attraction", "doubly", "bogus"};
        const auto form = cs::flows::parse_form(kForm[in.byte() % 5]);
        const auto O = doubles(in, len(in, n));
        const auto D = doubles(in, len(in, m));
        cs::Matrix<double> cost(n, m);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < m; ++j) cost(i, j) = in.number();
        cs::flows::GravityParams p;
        p.decay = cs::flows::parse_decay((in.byte() & 1) ? "power" : "exponential");
        p.beta = in.number();
        (void)cs::flows::gravity_flows(form, O, D, cost, p);
        break;
      }
      case 5: {  // radiation_flows
        const auto mass = doubles(in, len(in, n));
        const auto out = doubles(in, len(in, n));
        cs::Matrix<double> dist(n, len(in, n));
        for (std::size_t i = 0; i < dist.rows(); ++i)
          for (std::size_t j = 0; j < dist.cols(); ++j) dist(i, j) = in.number();
        (void)cs::flows::radiation_flows(mass, out, dist);
        break;
      }
      case 6: {  // calibrate_gravity, with the OD table the module builds
        cs::flows::OdTable od;
        od.file = "<python>";
        const std::size_t codes = 1 + in.byte() % 5;
        for (std::size_t c = 0; c < codes; ++c) od.codes.push_back(std::to_string(c));
        od.has_origin_mass = in.byte() & 1;
        od.has_dest_mass = in.byte() & 1;
        for (std::size_t i = 0; i < n * 2; ++i) {
          cs::flows::OdRow r;
          r.origin = in.byte() % codes;
          r.dest = in.byte() % codes;
          r.flow = in.number();
          r.cost = in.number();
          r.origin_mass = od.has_origin_mass ? in.number() : std::nan("");
          r.dest_mass = od.has_dest_mass ? in.number() : std::nan("");
          if (!(r.flow >= 0)) throw cs::InputError("<python>", "row", "flow", "negative or NaN flow");
          od.rows.push_back(r);
          od.line.push_back(i);
        }
        static const char* kForm[] = {"unconstrained", "production", "attraction", "doubly"};
        cs::flows::CalibrationOptions opt;
        opt.form = cs::flows::parse_form(kForm[in.byte() % 4]);
        opt.decay = cs::flows::parse_decay((in.byte() & 1) ? "power" : "exponential");
        opt.glm.spint_compatible = in.byte() & 1;
        opt.glm.tolerance = std::ldexp(1.0, -static_cast<int>(in.byte() % 60));
        (void)cs::flows::calibrate_gravity(od, opt);
        break;
      }
    }
  });
  return 0;
}

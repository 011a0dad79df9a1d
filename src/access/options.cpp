// The [access] options in the option registry (docs/options.md) and their reading from a TOML section: the
// one description of the access study's options behind plan.toml, `countyscope access`, plan/demo's
// --access-* flags and the Python access functions.
#include <cmath>
#include <map>

#include <countyscope/access/study.hpp>
#include <countyscope/core/limits.hpp>

namespace cs::access {

const opt::Table<AccessOptions>& access_options() {
  using O = AccessOptions;
  static const auto t =
      opt::Table<O>(
          "access",
          "Accessibility, equity and standards audit (`countyscope access`; plan/demo: `--access-` + "
          "the flag; Python `accessibility()`, `sfca2()`)")
          .number("cutoff_min", &O::cutoff_min, limits::kCutoffMin,
                  "catchment d0 (cumulative, 2SFCA, G2SFCA, 3SFCA; gravity when cut)")
          .choice("catchment", &O::catchment,
                  {{"inclusive", Catchment::kInclusive}, {"exclusive", Catchment::kExclusive}},
                  "inclusive: d <= d0; exclusive: d < d0 (PySAL access)")
          .integer("k", &O::k, 1, 100000, "facilities", "k of the k-th nearest facility")
          .choice("gravity_decay", &O::gravity_decay,
                  {{"power", Decay::kPower},
                   {"exponential", Decay::kExponential},
                   {"gaussian", Decay::kGaussian},
                   {"linear", Decay::kLinear}},
                  "distance decay of the gravity measure")
          .number("gravity_beta", &O::gravity_beta, limits::kDecayBeta,
                  "decay parameter: power (t/scale)^-beta, exponential e^(-beta t/scale)")
          .number("gravity_scale_min", &O::gravity_scale_min, limits::kCutoffMin, "time unit of the decay")
          .number("gravity_min_time_min", &O::gravity_min_time_min, limits::kTimeMin,
                  "power decay uses max(t, this) (t^-beta is infinite at 0); must be > 0 for power")
          .number("gravity_sigma_min", &O::gravity_sigma_min, limits::kCutoffMin,
                  "sigma of the gaussian decay e^(-(t/sigma)^2/2)")
          .flag("gravity_cut", &O::gravity_cut, "also restrict gravity to the catchment (linear always is)")
          .numbers("zones_min", &O::zones_min, limits::kCutoffMin,
                   "E2SFCA zone upper bounds (inclusive), increasing")
          .numbers("zone_weights", &O::zone_weights, limits::kWeight,
                   "E2SFCA weight of each zone (Luo & Qi 2009)")
          .numbers("sfca3_zones_min", &O::sfca3_zones_min, limits::kCutoffMin,
                   "3SFCA zone upper bounds (PySAL access defaults), increasing")
          .numbers("sfca3_weights", &O::sfca3_weights, limits::kWeight, "3SFCA weight of each zone")
          .choice("gaussian", &O::gaussian, {{"dai", GaussianForm::kDai}, {"plain", GaussianForm::kPlain}},
                  "G2SFCA weight: dai (1 at 0, 0 at d0) or plain e^(-d^2/(2 sigma^2)) (PySAL)")
          .number("gaussian_sigma_min", &O::gaussian_sigma_min, limits::kTimeMin,
                  "sigma of the plain G2SFCA weight (0: the cutoff)")
          .choice("sfca3_base", &O::sfca3_base,
                  {{"catchment", SelectionBase::kCatchment}, {"all", SelectionBase::kAll}},
                  "3SFCA selection-weight denominator over facilities in catchment or all reachable (PySAL)")
          .choice("unreached", &O::unreached, {{"zero", Unreached::kZero}, {"null", Unreached::kNull}},
                  "FCA value of a point with no facility in catchment: 0, or null (PySAL leaves NaN)")
          .choice("zones_closed", &O::zones_closed,
                  {{"right", ZonesClosed::kRight}, {"left", ZonesClosed::kLeft}},
                  "zones: right-closed (t in (z_k-1, z_k], Luo & Qi, PySAL) or left-closed ([z_k-1, z_k), R "
                  "accessibility's decay_stepped)")
          .choice("fca_decay", &O::fca_decay,
                  {{"binary", FcaDecay::kBinary},
                   {"exponential", FcaDecay::kExponential},
                   {"linear", FcaDecay::kLinear},
                   {"logistic", FcaDecay::kLogistic},
                   {"stepped", FcaDecay::kStepped}},
                  "impedance of fca2, bfca and availability: binary (t <= cutoff), exponential e^(-beta t), "
                  "linear 1 - t/cutoff, logistic (median cutoff, fca_sd_min), stepped (zones)")
          .number("fca_beta", &O::fca_beta, limits::kDecayBeta, "exponential FCA impedance e^(-beta t), per minute")
          .number("fca_sd_min", &O::fca_sd_min, limits::kCutoffMin,
                  "standard deviation of the logistic FCA impedance (its median is the cutoff)")
          .number("availability_alpha", &O::availability_alpha, Range{"exponent", 0, 100, ""},
                  "spatial availability's population exponent P^alpha (Soukhov et al. 2023: 1)")
          .texts("services", &O::services, "service types to study (empty: every type with facilities)")
          .text("standards", &O::standards, "standards TOML (empty: data/config/standards.toml)")
          .integer("worst_n", &O::worst_n, 0, 1000000, "places", "places listed per standard in the audit")
          .integer("lorenz_points", &O::lorenz_points, 2, 1000000, "points", "points of each Lorenz curve")
          .extra("capacity_norms")
          .renamed("cutoff_s", "cutoff_min", "now in minutes")
          .renamed("cutoff", "cutoff_min", "minutes");
  return t;
}

AccessConfig access_config(const AccessOptions& o) {
  auto secs = [](const std::vector<double>& v) {
    std::vector<double> s;
    for (double x : v) s.push_back(x * 60.0);
    return s;
  };
  AccessConfig a;
  a.cutoff_s = o.cutoff_min * 60.0;
  a.catchment = o.catchment;
  a.k = o.k;
  a.gravity_decay = o.gravity_decay;
  a.gravity_beta = o.gravity_beta;
  a.gravity_scale_s = o.gravity_scale_min * 60.0;
  a.gravity_min_s = o.gravity_min_time_min * 60.0;
  a.gravity_sigma_s = o.gravity_sigma_min * 60.0;
  a.gravity_cut = o.gravity_cut;
  a.zones_s = secs(o.zones_min);
  a.zone_weights = o.zone_weights;
  a.sfca3_zones_s = secs(o.sfca3_zones_min);
  a.sfca3_weights = o.sfca3_weights;
  a.gaussian = o.gaussian;
  a.gaussian_sigma_s = o.gaussian_sigma_min * 60.0;
  a.sfca3_base = o.sfca3_base;
  a.unreached = o.unreached;
  a.zones_closed = o.zones_closed;
  a.fca_decay = o.fca_decay;
  a.fca_beta_per_min = o.fca_beta;
  a.fca_sd_s = o.fca_sd_min * 60.0;
  a.availability_alpha = o.availability_alpha;
  return a;
}

std::vector<Problem> validate(const AccessStudyConfig& cfg) {
  // The engine names its options in seconds' terms; users see the registry's names.
  static const std::map<std::string, std::string> kUserName{{"cutoff", "cutoff_min"},
                                                            {"gravity_scale", "gravity_scale_min"},
                                                            {"gravity_min", "gravity_min_time_min"},
                                                            {"gravity_sigma", "gravity_sigma_min"},
                                                            {"gaussian_sigma", "gaussian_sigma_min"},
                                                            {"zones", "zones_min"},
                                                            {"sfca3_zones", "sfca3_zones_min"},
                                                            {"fca_sd", "fca_sd_min"}};
  std::vector<Problem> p = validate(access_config(cfg.options));
  for (Problem& x : p)
    if (const auto it = kUserName.find(x.option); it != kUserName.end()) x.option = it->second;
  if (cfg.options.lorenz_points < 2) p.push_back({"lorenz_points", "must be >= 2"});
  for (const auto& [svc, norm] : cfg.capacity_norms_per_1000)
    if (!(norm > 0.0) || !std::isfinite(norm)) p.push_back({"capacity_norms." + svc, "must be > 0"});
  return p;
}

void read_access_section(const TomlSection& s, AccessStudyConfig& cfg) {
  access_options().read(s, cfg.options);
  if (const auto norms = s.table("capacity_norms")) {
    cfg.capacity_norms_per_1000.clear();
    for (const std::string& svc : norms->keys()) {
      double v = 0;
      norms->number(svc, v, limits::kCapacity);
      cfg.capacity_norms_per_1000[svc] = v;
    }
  }
  const std::vector<Problem> p = validate(cfg);
  if (p.empty()) return;
  const Problem& first = p.front();
  if (s.has(first.option)) throw s.error(first.option, first.message);
  const std::string key = first.option.substr(0, first.option.find('.'));
  throw s.error(s.has(key) ? key : std::string(), first.option + ": " + first.message);
}

void parse_access_toml(std::string_view text, const std::string& file, AccessStudyConfig& cfg) {
  const TomlDocument doc = TomlDocument::parse(text, file);
  read_access_section(doc.section("access"), cfg);
}

Json access_config_json(const AccessStudyConfig& c) {
  Json j = access_options().to_json(c.options);
  j.erase("services");   // said by the study's service_order
  j.erase("standards");  // listed in sections.access.standards
  Json norms = Json::object();
  for (const auto& [k, v] : c.capacity_norms_per_1000) norms[k] = v;
  j["capacity_norms_per_1000"] = norms;
  j["direction"] = "demand -> facility travel times in both floating-catchment steps";
  return j;
}

}  // namespace cs::access

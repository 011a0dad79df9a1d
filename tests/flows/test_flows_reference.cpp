// Reference fits: PySAL spint's published Austria migration fits (data/fixtures/flows_austria), reproduced to
// 1e-5 relative: parameters, standard errors, deviance, AIC, log-likelihoods and fit statistics.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include <countyscope/flows/calibrate.hpp>
#include <countyscope/io/results.hpp>

#include "test_support.hpp"

namespace {

using namespace cs::flows;

const char* kCsv = "data/fixtures/flows_austria/austria_flows_from_spint_tests.csv";

cs::Json expected() {
  std::ifstream in(cs::test::source_path("data/fixtures/flows_austria/spint_expected_fits.json"));
  return cs::Json::parse(in);
}

OdTable austria() {
  OdColumns c;
  c.origin_mass = "origin_var_Oi";
  c.dest_mass = "dest_var_Dj";
  c.cost = "dij_km";
  return read_od_csv(cs::test::source_path(kCsv).string(), c);
}

CalibrationOptions spint() {
  CalibrationOptions o;
  o.glm.spint_compatible = true;
  o.glm.tolerance = 1e-6;  // spint GLM.fit default
  return o;
}

void near_rel(double got, double want, const std::string& what) {
  EXPECT_LE(std::abs(got - want), 1e-5 * std::abs(want)) << what << ": got " << got << " want " << want;
}

void check(const GravityFit& f, const cs::Json& e) {
  ASSERT_EQ(f.params.size(), e["params"].size());
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    near_rel(f.params[i], e["params"][i].get<double>(), "param " + f.names[i]);
    near_rel(f.std_err[i], e["std_err"][i].get<double>(), "std_err " + f.names[i]);
    near_rel(f.tvalues[i], e["tvalues"][i].get<double>(), "t " + f.names[i]);
  }
  near_rel(f.deviance, e["deviance"].get<double>(), "deviance");
  if (e.contains("llf")) near_rel(f.llf, e["llf"].get<double>(), "llf");
  if (e.contains("llnull")) near_rel(f.llnull, e["llnull"].get<double>(), "llnull");
  if (e.contains("AIC")) near_rel(f.aic, e["AIC"].get<double>(), "AIC");
  for (const char* k : {"D2", "adj_D2", "SSI", "pseudoR2", "adj_pseudoR2", "SRMSE"})
    if (e.contains(k)) {
      const double v = std::string(k) == "D2"             ? f.D2
                       : std::string(k) == "adj_D2"       ? f.adj_D2
                       : std::string(k) == "SSI"          ? f.SSI
                       : std::string(k) == "pseudoR2"     ? f.pseudoR2
                       : std::string(k) == "adj_pseudoR2" ? f.adj_pseudoR2
                                                          : f.SRMSE;
      near_rel(v, e[k].get<double>(), k);
    }
}

TEST(FlowsReference, BaseGravityExponential) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kUnconstrained;
  o.decay = Decay::kExponential;
  o.constant = false;
  o.use_masses = false;
  check(calibrate_gravity(austria(), o), expected()["test_BaseGravity_exp"]);
}

TEST(FlowsReference, BaseGravityPower) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kUnconstrained;
  o.decay = Decay::kPower;
  o.constant = false;
  o.use_masses = false;
  check(calibrate_gravity(austria(), o), expected()["test_BaseGravity_pow"]);
}

TEST(FlowsReference, QuasiPoisson) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kUnconstrained;
  o.constant = false;
  o.use_masses = false;
  o.glm.quasi = true;
  check(calibrate_gravity(austria(), o), expected()["test_QuasiPoisson"]);
}

TEST(FlowsReference, UnconstrainedGravity) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kUnconstrained;
  check(calibrate_gravity(austria(), o), expected()["test_Gravity"]);
}

TEST(FlowsReference, ProductionConstrained) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kProduction;
  const GravityFit f = calibrate_gravity(austria(), o);
  check(f, expected()["test_Production"]);
  EXPECT_NEAR(f.beta, 0.00727113, 1e-8);
}

TEST(FlowsReference, AttractionConstrained) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kAttraction;
  check(calibrate_gravity(austria(), o), expected()["test_Attraction"]);
}

TEST(FlowsReference, DoublyConstrained) {
  CalibrationOptions o = spint();
  o.form = GravityForm::kDoubly;
  const GravityFit f = calibrate_gravity(austria(), o);
  check(f, expected()["test_Doubly"]);
  EXPECT_NEAR(f.beta, 0.00791533, 1e-8);
  EXPECT_GT(f.iterations, 1);
}

}  // namespace

// countyscope._core options(stage): the option registry as Python sees it (docs/options.md): the table of a
// stage (the first of its section: [locate] is the study's table, not the plan's services / write_problem),
// of every stage `countyscope options` prints.
#include <countyscope/assess/assess.hpp>
#include <countyscope/flows/table_run.hpp>
#include <countyscope/plan/plan.hpp>

#include "common.hpp"

namespace cs::python {

// Every stage's option table, in docs order.
std::vector<const cs::opt::TableBase*> option_tables() {
  std::vector<const cs::opt::TableBase*> tables = cs::plan_option_tables();
  tables.push_back(&cs::flows::flows_table_options());  // as `countyscope options` (cmd_options.cpp)
  tables.push_back(&cs::assess::assess_options());
  return tables;
}

namespace {

using namespace py::literals;

py::list options(const std::string& stage) {
  const cs::opt::TableBase* t = nullptr;
  std::vector<std::string> stages;
  for (const cs::opt::TableBase* x : option_tables()) {
    if (!t && x->section() == stage) t = x;
    if (std::find(stages.begin(), stages.end(), x->section()) == stages.end()) stages.push_back(x->section());
  }
  if (!t) throw cs::unknown_value("stage", stage, stages);
  py::list out;
  for (const auto& s : t->specs()) {
    py::dict d;
    d["name"] = s.name;
    d["type"] = std::string(cs::opt::type_name(s.type));
    d["unit"] = s.unit;
    d["default"] = t->default_text(s.name);
    d["cli"] = s.cli_name();
    d["choices"] = s.choices;
    d["help"] = s.help;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_options(py::module_& m) {
  m.def("options", &options, "stage"_a,
        "The options of a stage (name, type, unit, default, CLI flag, choices, help) from the registry "
        "(docs/options.md; every section: plan, network, county, snap, matrix, access, locate, structure, "
        "flows, scenarios, assess, ...)");
}

}  // namespace cs::python

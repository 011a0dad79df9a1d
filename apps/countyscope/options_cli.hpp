// Binds a stage's option table (core/options.hpp) to a CLI11 subcommand: every option of the table becomes
// `--name-with-dashes` with its help, unit and default; the values are checked by the table (the same checks
// as plan.toml and Python); an old option name is refused with a message naming the new one.
//
// Example:
//   auto cfg = std::make_shared<cs::LocateConfig>();
//   auto given = cs::cli::add_options(sub, cs::locate_options(), cfg);
//   sub->final_callback([=, &rt] { given.apply(); ...; });   // given.count("p") > 0 when --p was given
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <countyscope/core/options.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs::cli {

class BoundOptions {
 public:
  // Sets the given options into the config (UsageError naming the option on a bad value or an old name).
  void apply() const {
    for (const auto& f : apply_) f();
  }
  // How many times the option NAME (its table name) was given.
  [[nodiscard]] std::size_t count(const std::string& name) const {
    const auto it = options_.find(name);
    return it == options_.end() ? 0 : it->second->count();
  }

  // Filled by add_options.
  std::vector<std::function<void()>> apply_;
  std::map<std::string, CLI::Option*> options_;
};

// skip: table options this command does not offer (e.g. the plan-only ones). prefix: put before every flag
// name ("access-": --access-cutoff-min), for a table whose names would clash with another's on one command.
template <class C>
BoundOptions add_options(CLI::App* sub, const opt::Table<C>& table, std::shared_ptr<C> cfg,
                         const std::vector<std::string>& skip = {}, const std::string& prefix = {}) {
  BoundOptions b;
  auto flag = [&prefix](const std::string& name) {
    std::string f = "--" + prefix + name;
    std::replace(f.begin(), f.end(), '_', '-');
    return f;
  };
  for (const opt::Spec& s : table.specs()) {
    if (std::find(skip.begin(), skip.end(), s.name) != skip.end()) continue;
    std::string help = s.help;
    if (!s.unit.empty()) help += " (" + s.unit + ")";
    CLI::Option* o = nullptr;
    if (s.type == opt::Type::kFlag) {
      if (table.default_text(s.name) == "true")
        help += " (default: true; " + s.cli_name() + "=false turns it off)";
      auto v = std::make_shared<bool>(false);
      o = sub->add_flag(flag(s.name), *v, help);
      b.apply_.push_back([o, v, cfg, &table, name = s.name, cli = flag(s.name)] {
        if (o->count()) table.set(*cfg, name, opt::Value(*v), cli + ": ");
      });
    } else if (s.type == opt::Type::kTexts) {  // repeatable and comma-separated
      auto v = std::make_shared<std::vector<std::string>>();
      o = sub->add_option(flag(s.name), *v, help)->delimiter(',');
      if (const std::string d = table.default_text(s.name); !d.empty()) o->default_str(d);
      b.apply_.push_back([o, v, cfg, &table, name = s.name, cli = flag(s.name)] {
        if (o->count()) table.set(*cfg, name, opt::Value(*v), cli + ": ");
      });
    } else {
      auto v = std::make_shared<std::string>();
      o = sub->add_option(flag(s.name), *v, help);
      if (s.type == opt::Type::kChoice) {
        std::string choices;
        for (const auto& c : s.choices) choices += (choices.empty() ? "" : "|") + c;
        o->type_name(choices);
      } else {
        o->type_name(s.type == opt::Type::kNumber    ? "NUMBER"
                     : s.type == opt::Type::kNumbers ? "NUMBER,..."
                     : s.type == opt::Type::kInteger ? "INTEGER"
                                                     : "TEXT");
      }
      if (const std::string d = table.default_text(s.name); !d.empty()) o->default_str(d);
      b.apply_.push_back([o, v, cfg, &table, name = s.name, cli = flag(s.name)] {
        if (o->count()) table.set_text(*cfg, name, *v, cli + ": ");
      });
    }
    b.options_[s.name] = o;
  }
  for (const opt::Renamed& r : table.renamed_options()) {
    const std::string old = flag(r.old_name);
    if (sub->get_option_no_throw(old)) continue;  // the old name is still an option of this command
    auto v = std::make_shared<std::string>();
    // Hidden; takes a value or none (an old flag such as --no-walk is refused too).
    CLI::Option* o = sub->add_option(old, *v)->expected(0, 1)->group("");
    const std::string now = flag(r.new_name);
    b.apply_.insert(b.apply_.begin(),
                    [o, v, old, msg = "renamed to " + now + (r.note.empty() ? "" : " (" + r.note + ")")] {
                      (void)v;  // kept alive for CLI11, which writes the value there
                      if (o->count()) throw UsageError(old + ": " + msg);
                    });
  }
  return b;
}

// The plan configuration a door runs with: the plan file (when given) read into cfg, then the command-line
// options over it; a new --profile starts from its own default speeds. Used by `plan`, `demo` and `serve`.
inline void resolve_plan_config(PlanConfig& cfg, const std::string& osm, const std::string& config,
                                const std::vector<BoundOptions>& given) {
  cfg.osm_path = osm;
  if (!config.empty()) load_plan_config(config, cfg);
  const NetworkConfig network = cfg.network;
  for (const auto& g : given) g.apply();
  const network::Profile profile = cfg.network.profile;
  cfg.network.profile = network.profile;
  set_profile(cfg.network, profile);
}

}  // namespace cs::cli

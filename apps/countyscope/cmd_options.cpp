// countyscope options: the option registry as users read it (docs/options.md is this command's --markdown
// output; a test fails when the file is stale).
#include <iostream>

#include <countyscope/assess/assess.hpp>
#include <countyscope/assign/study.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/flows/table_run.hpp>
#include <countyscope/plan/plan.hpp>

#include "command.hpp"

namespace {

cs::cli::CommandRegistration reg{
    "options", 95, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand("options",
                                     "List every option of every stage (TOML key, CLI flag, Python "
                                     "keyword, unit, default, range)");
      sub->footer("Example:\n  countyscope options --markdown > docs/options.md");
      auto markdown = std::make_shared<bool>(false);
      sub->add_flag("--markdown", *markdown, "print docs/options.md");
      sub->final_callback([markdown, &rt] {
        (void)*markdown;  // Markdown is the one format (readable as text)
        std::vector<const cs::opt::TableBase*> tables = cs::plan_option_tables();
        // Not plan sections: the commands' own (flows on tables, assess).
        tables.push_back(&cs::flows::flows_table_options());
        tables.push_back(&cs::assess::assess_options());
        tables.push_back(&cs::assign::assign_options());
        std::cout << cs::opt::options_markdown(tables);
        rt.exit_code = 0;
      });
    }};

}  // namespace

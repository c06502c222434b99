#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "core/log.h"

namespace imagemesh::cli {

int run_app(int argc, char** argv) {
  CLI::App app{
      "imagemesh: an atlas of every figure in the arXiv's LaTeX sources.\n\n"
      "Typical use:\n"
      "  imagemesh sample --out sample/                 # a small built-in corpus\n"
      "  imagemesh ingest --mesh mesh/ sample/          # sources -> mesh/mesh.db\n"
      "  imagemesh export figures --mesh mesh/          # figures as JSON lines\n"
      "  imagemesh search --mesh mesh/ 'galaxy AND rotation'\n"
      "  imagemesh serve --mesh mesh/                   # the explorer on http://127.0.0.1:8080/\n",
      "imagemesh"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "imagemesh 0.1.0");
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "Log debug messages");
  app.add_flag("-q,--quiet", quiet, "Log only errors");

  Action action;
  auto* help =
      app.add_subcommand("help", "Show this overview, or `imagemesh help COMMAND` for one command");
  std::string help_topic;
  help->add_option("command", help_topic, "Subcommand to describe");
  add_sample_command(app, &action);
  add_ingest_command(app, &action);
  add_export_command(app, &action);
  add_metadata_command(app, &action);
  add_search_command(app, &action);
  add_contact_sheet_command(app, &action);
  add_embed_command(app, &action);
  add_evaluate_command(app, &action);
  add_train_command(app, &action);
  add_serve_command(app, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (or the help); its own exit codes are folded into ours: 2 = usage.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (quiet) log::set_level(log::Level::kError);
  if (verbose) log::set_level(log::Level::kDebug);
  if (help->parsed()) {
    if (help_topic.empty()) {
      // App::help() would describe the selected subcommand ("help" itself): format the root.
      std::fputs(
          app.get_formatter()->make_help(&app, "imagemesh", CLI::AppFormatMode::Normal).c_str(),
          stdout);
      return 0;
    }
    for (CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == help_topic) {
        std::fputs(sub->help().c_str(), stdout);
        return 0;
      }
    }
    std::fprintf(stderr, "imagemesh: no command '%s'; run `imagemesh help` for the list\n",
                 help_topic.c_str());
    return 2;
  }
  return action ? action() : 0;
}

}  // namespace imagemesh::cli

// The subcommands of `imagemesh`. Each registers itself on the CLI11 app and returns the action to
// run once parsing succeeded. Actions return the process exit code:
//   0 success (per-item problems in the inputs are reported, not fatal)
//   1 the command could not do its job (unreadable mesh, database error, ...)
//   2 usage error
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace imagemesh::cli {

using Action = std::function<int()>;

// Each adds a subcommand to `app` and sets `*action` to its body when it is the one chosen.
void add_sample_command(CLI::App& app, Action* action);
void add_ingest_command(CLI::App& app, Action* action);
void add_export_command(CLI::App& app, Action* action);
void add_metadata_command(CLI::App& app, Action* action);
void add_search_command(CLI::App& app, Action* action);
void add_contact_sheet_command(CLI::App& app, Action* action);
void add_embed_command(CLI::App& app, Action* action);
void add_evaluate_command(CLI::App& app, Action* action);
void add_train_command(CLI::App& app, Action* action);
void add_serve_command(CLI::App& app, Action* action);

// Parses argv and runs the chosen subcommand.
int run_app(int argc, char** argv);

}  // namespace imagemesh::cli

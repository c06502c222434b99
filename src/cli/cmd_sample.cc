#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace imagemesh::cli {

void add_sample_command(CLI::App& app, Action* action) {
  (void)app;
  (void)action;
}

}  // namespace imagemesh::cli

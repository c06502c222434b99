#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "core/log.h"
#include "store/store.h"

namespace imagemesh::cli {
namespace {

struct ExportArgs {
  std::string what;
  std::string mesh_dir;
  std::string format = "jsonl";
  std::string output;
};

int run(const ExportArgs& args) {
  auto store = store::Store::open_read_only(args.mesh_dir);
  if (!store.ok()) {
    log::error("{} (run `imagemesh ingest --mesh {} SOURCES...` first)", store.status().to_string(),
               args.mesh_dir);
    return 1;
  }
  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary);
    if (!file) {
      log::error("cannot write {}", args.output);
      return 1;
    }
  }
  std::ostream& out = args.output.empty() ? std::cout : file;
  Status status = (*store)->export_rows(args.what, args.format, out);
  out.flush();
  if (!status.ok()) {
    log::error("export failed: {}", status.to_string());
    return status.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}

}  // namespace

void add_export_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand(
      "export",
      "Write figures, image files, papers, metadata records or errors as JSON lines or CSV");
  cmd->footer(
      "Formats: docs/export.md.\nExample: imagemesh export figures --mesh mesh/ -o figures.jsonl");
  cmd->add_option("what", args->what, "figures | images | papers | metadata | errors")
      ->required()
      ->check(CLI::IsMember({"figures", "images", "papers", "metadata", "errors"}));
  cmd->add_option("--mesh", args->mesh_dir, "Mesh folder")->required();
  cmd->add_option("--format", args->format, "jsonl | csv")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl", "csv"}));
  cmd->add_option("-o,--output", args->output, "Write to this file instead of standard output");
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli

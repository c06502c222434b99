#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "cli/signals.h"
#include "core/log.h"
#include "core/progress.h"
#include "ingest/pipeline.h"
#include "store/store.h"

namespace imagemesh::cli {
namespace {

struct IngestArgs {
  ingest::IngestOptions options;
  bool json = false;
  bool no_progress = false;
  bool no_convert = false;
  int timeout_seconds = 20;
  std::string log_file;
};

std::string join_counts(const std::map<std::string, int64_t>& counts) {
  std::string out;
  for (const auto& [key, value] : counts) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", key, value);
  }
  return out.empty() ? "none" : out;
}

double percent(int64_t part, int64_t whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

void print_summary(const ingest::IngestSummary& s, const store::Store::Counts& totals) {
  std::printf("\n%s run %lld in %s (%s read)\n", s.cancelled ? "Interrupted" : "Finished",
              static_cast<long long>(s.run_id), format_duration(s.seconds).c_str(),
              format_bytes(static_cast<double>(s.bytes_read)).c_str());
  std::printf(
      "  papers            %lld new, %lld replaced by a newer version, %lld unchanged, "
      "%lld older than stored, %lld already ingested (skipped)\n",
      static_cast<long long>(s.papers_inserted), static_cast<long long>(s.papers_replaced),
      static_cast<long long>(s.papers_unchanged), static_cast<long long>(s.papers_kept_existing),
      static_cast<long long>(s.sources_skipped));
  std::printf("  failed sources    %lld\n", static_cast<long long>(s.sources_failed));
  std::printf("  image files       %lld (%s)\n", static_cast<long long>(s.image_files),
              join_counts(s.images_by_format).c_str());
  std::printf("  figures           %lld, sub-figures %lld\n", static_cast<long long>(s.figures),
              static_cast<long long>(s.subfigures));
  std::printf("  graphics refs     %lld resolved, %lld not (%.1f%% resolved)\n",
              static_cast<long long>(s.graphics_resolved),
              static_cast<long long>(s.graphics - s.graphics_resolved),
              percent(s.graphics_resolved, s.graphics));
  std::printf("  problems          %s\n", join_counts(s.errors_by_kind).c_str());
  if (!s.conversions.empty()) {
    std::printf("  thumbnails        ");
    bool first = true;
    for (const auto& [format, outcomes] : s.conversions) {
      std::printf("%s%s: %s", first ? "" : "; ", format.c_str(), join_counts(outcomes).c_str());
      first = false;
    }
    std::printf("%s\n", s.conversions_blank > 0
                            ? fmt::format(" ({} blank)", s.conversions_blank).c_str()
                            : "");
  }
  std::printf(
      "Mesh now holds %lld papers, %lld image files (%lld distinct), %lld figures "
      "(%lld with captions), %lld sub-figures (%lld with captions), %lld errors.\n",
      static_cast<long long>(totals.papers), static_cast<long long>(totals.image_files),
      static_cast<long long>(totals.blobs), static_cast<long long>(totals.figures),
      static_cast<long long>(totals.captions), static_cast<long long>(totals.subfigures),
      static_cast<long long>(totals.subfigure_captions), static_cast<long long>(totals.errors));
  if (s.sources_failed > 0 || !s.errors_by_kind.empty()) {
    std::printf("Details: `imagemesh export errors --mesh DIR`.\n");
  }
}

int run(IngestArgs& args, const std::string& command_line) {
  if (!args.log_file.empty() && !log::add_file_sink(args.log_file)) {
    log::error("cannot open log file {}", args.log_file);
    return 1;
  }
  args.options.command_line = command_line;
  args.options.convert.enabled = !args.no_convert;
  args.options.convert.ghostscript.timeout_ms = args.timeout_seconds * 1000;
  args.options.show_progress = !args.no_progress && isatty(STDERR_FILENO) == 1;
  CancelOnSignal cancel_on_signal;
  args.options.cancel = &cancel_on_signal.flag();
  auto summary = ingest::run_ingest(args.options);
  if (!summary.ok()) {
    log::error("ingest failed: {}", summary.status().to_string());
    return 1;
  }
  if (args.json) {
    std::printf("%s\n", ingest::summary_json(*summary).c_str());
  } else {
    auto store = store::Store::open_read_only(args.options.mesh_dir);
    if (!store.ok()) {
      log::error("{}", store.status().to_string());
      return 1;
    }
    auto totals = (*store)->counts();
    if (!totals.ok()) {
      log::error("{}", totals.status().to_string());
      return 1;
    }
    print_summary(*summary, *totals);
  }
  return summary->cancelled ? 130 : 0;
}

}  // namespace

void add_ingest_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd =
      app.add_subcommand("ingest", "Read arXiv sources into a mesh (papers, files, figures)");
  cmd->footer(
      "Reads archives in memory, never extracting to disk: every paper, every file and image file, "
      "every figure with caption, label, sub-figures and the files it includes. Resumable and "
      "idempotent: run it again with the same sources and only what is new or changed is read; "
      "Ctrl-C stops after the current batch. Bad inputs are logged and recorded per item.\n"
      "Example: imagemesh ingest --mesh mesh/ arXiv_src_*.tar arXiv_src_manifest.xml");
  cmd->add_option("--mesh", args->options.mesh_dir, "Mesh folder (created if missing)")->required();
  cmd->add_option("sources", args->options.sources,
                  "arXiv bulk tars (arXiv_src_YYMM_NNN.tar), their arXiv_src_manifest.xml, paper "
                  "archives (.tar.gz .tgz .gz .tar .pdf), paper folders, or folders holding these")
      ->required();
  cmd->add_option("-j,--jobs", args->options.jobs, "Worker threads (default: number of cores + 1)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--max-paper-bytes", args->options.limits.max_paper_bytes,
                  "Decompressed bytes allowed for one paper (bomb guard)")
      ->capture_default_str();
  cmd->add_option("--max-file-bytes", args->options.limits.max_file_bytes,
                  "Decompressed bytes allowed for one file of a paper")
      ->capture_default_str();
  cmd->add_option("--max-member-bytes", args->options.limits.max_member_bytes,
                  "Compressed bytes allowed for one bulk-tar member or paper archive")
      ->capture_default_str();
  cmd->add_option("--max-files-per-paper", args->options.limits.max_files_per_paper,
                  "Entries allowed in one paper")
      ->capture_default_str();
  cmd->add_option("--batch", args->options.batch_papers, "Papers per database transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--no-convert", args->no_convert,
                "Do not make thumbnails (inventory and figures only)");
  cmd->add_flag("--retry-failed", args->options.convert.retry_failed,
                "Convert again the images whose conversion failed in an earlier run");
  cmd->add_option("--timeout", args->timeout_seconds,
                  "Seconds Ghostscript may take for one PostScript figure before it is killed")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--json", args->json, "Print the run summary as JSON");
  cmd->add_flag("--no-progress", args->no_progress, "Do not draw the progress bar");
  cmd->add_option("--log", args->log_file, "Also append log messages to this file");
  cmd->callback([args, action] {
    std::string command_line = "imagemesh ingest";
    for (const auto& source : args->options.sources) command_line += " " + source;
    *action = [args, command_line] { return run(*args, command_line); };
  });
}

}  // namespace imagemesh::cli

// `imagemesh metadata import | harvest | stats` (docs/metadata.md).
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "cli/commands.h"
#include "cli/signals.h"
#include "core/log.h"
#include "core/progress.h"
#include "ingest/metadata_import.h"
#include "ingest/metadata_record.h"
#include "ingest/oai_harvest.h"
#include "store/store.h"

namespace imagemesh::cli {
namespace {

using Counts = store::Store::MetadataWriteCounts;

nlohmann::ordered_json counts_json(const Counts& c) {
  return {{"inserted", c.inserted},   {"updated", c.updated},
          {"unchanged", c.unchanged}, {"kept_stored", c.kept_stored},
          {"deleted", c.deleted},     {"papers_reindexed", c.papers_reindexed}};
}

void print_counts(const Counts& c) {
  std::printf(
      "  records           %lld new, %lld updated, %lld unchanged, %lld not newer than the "
      "stored one (kept it), %lld deletions\n",
      static_cast<long long>(c.inserted), static_cast<long long>(c.updated),
      static_cast<long long>(c.unchanged), static_cast<long long>(c.kept_stored),
      static_cast<long long>(c.deleted));
  std::printf("  papers in mesh    %lld re-described (search index updated)\n",
              static_cast<long long>(c.papers_reindexed));
}

// ---- import ----

struct ImportArgs {
  std::string mesh_dir;
  std::vector<std::string> files;
  size_t batch = 4096;
  bool json = false;
  bool no_progress = false;
};

int run_import(const ImportArgs& args) {
  auto store = store::Store::open(args.mesh_dir);
  if (!store.ok()) {
    log::error("{}", store.status().to_string());
    return 1;
  }
  CancelOnSignal cancel_on_signal;
  ingest::MetadataImportOptions options;
  options.batch_records = args.batch;
  options.cancel = &cancel_on_signal.flag();
  std::unique_ptr<ProgressBar> progress;
  int64_t shown_records = 0;  // what the bar has been told so far; it takes increments
  uint64_t shown_bytes = 0;
  if (!args.no_progress && isatty(STDERR_FILENO) == 1) {
    progress = std::make_unique<ProgressBar>("metadata", "records", 0);
    options.on_progress = [&](int64_t records, uint64_t bytes) {
      progress->advance(static_cast<uint64_t>(records - shown_records));
      progress->advance_bytes(bytes - shown_bytes);
      shown_records = records;
      shown_bytes = bytes;
    };
  }
  // A bulk load alone with the mesh writes each page once instead of twice (Store docs).
  const Status bulk = (*store)->begin_bulk_writes();
  if (!bulk.ok()) log::info("importing in WAL mode: {}", bulk.message());
  const auto start = std::chrono::steady_clock::now();
  auto report = ingest::import_metadata_files(**store, args.files, options);
  if (bulk.ok()) {
    if (Status back = (*store)->end_bulk_writes(); !back.ok()) {
      log::warn("{} (the next opening of the mesh restores WAL)", back.to_string());
    }
  }
  if (progress) progress->finish();
  if (!report.ok()) {
    log::error("metadata import failed: {}", report.status().to_string());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int64_t records = 0, malformed = 0, failed_files = 0;
  uint64_t bytes = 0;
  for (const auto& file : report->files) {
    records += file.records;
    malformed += file.malformed;
    bytes += file.bytes;
    failed_files += file.status.ok() ? 0 : 1;
  }
  if (args.json) {
    nlohmann::ordered_json out = {{"files", report->files.size()},
                                  {"records", records},
                                  {"malformed", malformed},
                                  {"bytes", bytes},
                                  {"seconds", seconds},
                                  {"records_per_second", seconds > 0 ? records / seconds : 0},
                                  {"cancelled", report->cancelled},
                                  {"counts", counts_json(report->counts)}};
    out["file_reports"] = nlohmann::ordered_json::array();
    for (const auto& file : report->files) {
      out["file_reports"].push_back({{"path", file.path},
                                     {"format", file.format},
                                     {"records", file.records},
                                     {"malformed", file.malformed},
                                     {"error", file.status.ok() ? "" : file.status.to_string()},
                                     {"problems", file.problems}});
    }
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("\n%s metadata import of %zu file%s in %s (%s, %.0f records/s)\n",
                report->cancelled ? "Interrupted" : "Finished", report->files.size(),
                report->files.size() == 1 ? "" : "s", format_duration(seconds).c_str(),
                format_bytes(static_cast<double>(bytes)).c_str(),
                seconds > 0 ? records / seconds : 0.0);
    print_counts(report->counts);
    std::printf("  skipped           %lld malformed records; %lld file%s stopped early\n",
                static_cast<long long>(malformed), static_cast<long long>(failed_files),
                failed_files == 1 ? "" : "s");
    for (const auto& file : report->files) {
      if (file.status.ok() && file.problems.empty()) continue;
      std::printf("  %s (%s, %lld records):\n", file.path.c_str(),
                  file.format.empty() ? "unread" : file.format.c_str(),
                  static_cast<long long>(file.records));
      if (!file.status.ok()) std::printf("    %s\n", file.status.to_string().c_str());
      for (const auto& problem : file.problems) std::printf("    %s\n", problem.c_str());
      if (file.malformed > static_cast<int64_t>(file.problems.size())) {
        std::printf(
            "    ... and %lld more\n",
            static_cast<long long>(file.malformed - static_cast<int64_t>(file.problems.size())));
      }
    }
  }
  return report->cancelled ? 130 : 0;
}

// ---- harvest ----

struct HarvestArgs {
  std::string mesh_dir;
  ingest::HarvestRequest request;
  double delay_seconds = 3;
  int max_attempts = 6;
  double backoff_seconds = 5;
  bool restart = false;
};

// Names one list (endpoint and what was asked), so that a second harvest of the same list resumes
// and a different one starts afresh.
std::string request_text(const ingest::HarvestRequest& r) {
  return "metadataPrefix=" + r.metadata_prefix + "&from=" + r.from + "&until=" + r.until +
         "&set=" + r.set;
}

int run_harvest(HarvestArgs& args) {
  auto store = store::Store::open(args.mesh_dir);
  if (!store.ok()) {
    log::error("{}", store.status().to_string());
    return 1;
  }
  const std::string request = request_text(args.request);
  const std::string key = args.request.endpoint + "?" + request;
  auto stored = (*store)->harvest_checkpoint(key);
  if (!stored.ok()) {
    log::error("{}", stored.status().to_string());
    return 1;
  }
  store::Store::HarvestCheckpoint checkpoint{key, args.request.endpoint, request, "", 0, 0, false};
  if (*stored && !(*stored)->complete && !(*stored)->token.empty() && !args.restart) {
    checkpoint = **stored;
    args.request.resumption_token = checkpoint.token;
    log::info("resuming the harvest of {} after page {} ({} records stored)", key, checkpoint.pages,
              checkpoint.records);
  }

  ingest::HarvestPolicy policy;
  policy.polite_delay = std::chrono::milliseconds(static_cast<int64_t>(args.delay_seconds * 1000));
  policy.first_backoff =
      std::chrono::milliseconds(static_cast<int64_t>(args.backoff_seconds * 1000));
  policy.max_attempts = args.max_attempts;

  CancelOnSignal cancel_on_signal;
  const auto& cancel = cancel_on_signal.flag();
  std::unique_ptr<ProgressBar> progress;
  if (isatty(STDERR_FILENO) == 1) progress = std::make_unique<ProgressBar>("harvest", "records", 0);
  Counts counts;
  int64_t records_this_run = 0;
  auto sink = [&](const ingest::HarvestedPage& fetched) -> Result<std::string> {
    if (cancel.load()) {
      return Status(ErrorCode::kCancelled, "interrupted; run the same command to resume");
    }
    auto page = ingest::parse_oai_page(fetched.body);
    if (!page.ok()) return page.status();
    if (!page->damage.empty()) {
      return Status(ErrorCode::kTruncated, fetched.url + ": " + page->damage +
                                               "; nothing of this page was stored, run the same "
                                               "command to fetch it again");
    }
    for (const auto& problem : page->problems) log::warn("{}: {}", fetched.url, problem);
    store::Store::HarvestCheckpoint next = checkpoint;
    next.token = page->resumption_token;
    next.pages += 1;
    next.records += static_cast<int64_t>(page->records.size());
    next.complete = page->resumption_token.empty();
    IM_RETURN_IF_ERROR(
        (*store)->write_metadata(page->records, args.request.endpoint, &next, &counts));
    checkpoint = next;
    records_this_run += static_cast<int64_t>(page->records.size());
    if (progress) {
      if (page->complete_list_size > 0) {
        progress->set_total(static_cast<uint64_t>(page->complete_list_size));
      }
      progress->advance(page->records.size());
      progress->advance_bytes(fetched.body.size());
      progress->set_detail("page " + std::to_string(checkpoint.pages));
    }
    return page->resumption_token;
  };

  // Waits in short steps so that Ctrl-C during a long Retry-After is answered at once.
  ingest::Sleeper sleeper = [&cancel](std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!cancel.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
    }
  };
  ingest::HarvestReport report;
  auto result = ingest::harvest(args.request, policy, sink, sleeper, &report);
  // A stored token the server no longer knows (tokens expire): start the list again. Records are
  // idempotent, so what was stored before is not duplicated.
  if (!result.ok() && !args.request.resumption_token.empty() && report.pages == 0 &&
      result.status().message().find("badResumptionToken") != std::string::npos) {
    log::warn("the stored resumption token has expired; harvesting the list from its start");
    args.request.resumption_token.clear();
    checkpoint = {key, args.request.endpoint, request, "", 0, 0, false};
    result = ingest::harvest(args.request, policy, sink, sleeper, &report);
  }
  if (progress) progress->finish();
  if (result.ok()) report = *result;
  std::printf(
      "\n%s harvest of %s: %d page%s, %lld records this run (%lld pages in all), %d "
      "retr%s (%d asked by the server), waited %s\n",
      result.ok() ? "Finished" : "Stopped", key.c_str(), report.pages, report.pages == 1 ? "" : "s",
      static_cast<long long>(records_this_run), static_cast<long long>(checkpoint.pages),
      report.retries, report.retries == 1 ? "y" : "ies", report.retry_after,
      format_duration(static_cast<double>(report.waited.count()) / 1000).c_str());
  print_counts(counts);
  if (!result.ok()) {
    log::error("{}", result.status().to_string());
    if (!checkpoint.token.empty()) {
      log::error("progress is saved: run the same command again to resume after page {}",
                 checkpoint.pages);
    }
    return result.status().code() == ErrorCode::kCancelled ? 130 : 1;
  }
  return 0;
}

// ---- stats ----

int run_stats(const std::string& mesh_dir) {
  auto store = store::Store::open_read_only(mesh_dir);
  if (!store.ok()) {
    log::error("{}", store.status().to_string());
    return 1;
  }
  auto summary = (*store)->metadata_summary();
  if (!summary.ok()) {
    log::error("{}", summary.status().to_string());
    return 1;
  }
  const auto& s = *summary;
  std::printf("metadata records  %lld (%lld deleted)\n", static_cast<long long>(s.records),
              static_cast<long long>(s.deleted));
  std::printf(
      "papers in mesh    %lld described by their arXiv record, %lld by their LaTeX only, "
      "%lld withdrawn\n",
      static_cast<long long>(s.papers_arxiv), static_cast<long long>(s.papers_latex),
      static_cast<long long>(s.papers_withdrawn));
  std::printf("licences:\n");
  for (const auto& [license, count] : s.by_license) {
    std::printf("  %-28s %lld\n", license.c_str(), static_cast<long long>(count));
  }
  std::printf("primary archives:\n");
  for (const auto& [archive, count] : s.by_archive) {
    std::printf("  %-28s %lld\n", archive.empty() ? "(none)" : archive.c_str(),
                static_cast<long long>(count));
  }
  return 0;
}

}  // namespace

// OAI-PMH datestamps: day granularity, or seconds (YYYY-MM-DDThh:mm:ssZ).
const CLI::Validator kOaiDate(
    [](std::string& text) -> std::string {
      static const std::regex kDate(R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?)");
      return std::regex_match(text, kDate)
                 ? std::string()
                 : "'" + text +
                       "' is not an OAI-PMH date: use YYYY-MM-DD (or YYYY-MM-DDThh:mm:ssZ)";
    },
    "DATE");

void add_metadata_command(CLI::App& app, Action* action) {
  auto* metadata = app.add_subcommand(
      "metadata", "arXiv metadata: import snapshot or OAI-PMH files, harvest OAI-PMH, statistics");
  metadata->require_subcommand(1);
  metadata->footer("Records, rules and formats: docs/metadata.md.");

  auto import_args = std::make_shared<ImportArgs>();
  auto* import_command = metadata->add_subcommand(
      "import", "Import arXiv metadata files: the JSON-lines snapshot and OAI-PMH responses");
  import_command->footer(
      "Files may be plain or compressed (gzip, bzip2, xz) and are recognised by content. The "
      "newer record of a paper wins; re-importing a file changes nothing; malformed records are "
      "counted and skipped. Ctrl-C stops after the current batch.\n"
      "Example: imagemesh metadata import --mesh mesh/ arxiv-metadata-oai-snapshot.json.gz");
  import_command->add_option("--mesh", import_args->mesh_dir, "Mesh folder (created if missing)")
      ->required();
  import_command
      ->add_option("files", import_args->files, "Snapshot (.json/.jsonl[.gz]) or OAI XML files")
      ->required()
      ->check(CLI::ExistingFile);
  import_command->add_option("--batch", import_args->batch, "Records per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  import_command->add_flag("--json", import_args->json, "Print the summary as JSON");
  import_command->add_flag("--no-progress", import_args->no_progress, "No progress bar");
  import_command->callback(
      [import_args, action] { *action = [import_args] { return run_import(*import_args); }; });

  auto harvest_args = std::make_shared<HarvestArgs>();
  auto* harvest = metadata->add_subcommand(
      "harvest", "Harvest records from an OAI-PMH endpoint (metadataPrefix=arXiv)");
  harvest->footer(
      "Follows resumption tokens, waits --delay seconds between requests, retries failures with "
      "backoff and honours 503 Retry-After. Each page is stored with its token: an interrupted "
      "harvest resumes where it stopped when the same command runs again.\n"
      "Example: imagemesh metadata harvest --mesh mesh/ --endpoint https://oaipmh.arxiv.org/oai "
      "--from 2024-01-01 --set cs");
  harvest->add_option("--mesh", harvest_args->mesh_dir, "Mesh folder (created if missing)")
      ->required();
  harvest->add_option("--endpoint", harvest_args->request.endpoint, "OAI-PMH base URL")->required();
  harvest
      ->add_option("--from", harvest_args->request.from, "Records changed on or after (YYYY-MM-DD)")
      ->check(kOaiDate);
  harvest
      ->add_option("--until", harvest_args->request.until,
                   "Records changed on or before (YYYY-MM-DD)")
      ->check(kOaiDate);
  harvest->add_option("--set", harvest_args->request.set, "OAI set, e.g. cs or physics:hep-ph");
  harvest->add_option("--delay", harvest_args->delay_seconds, "Seconds between requests")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  harvest->add_option("--max-attempts", harvest_args->max_attempts, "Attempts per page")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  harvest
      ->add_option("--backoff", harvest_args->backoff_seconds,
                   "First wait after a failure, doubled each time (seconds)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  harvest->add_flag("--restart", harvest_args->restart,
                    "Ignore a stored resumption token and harvest the list from its start");
  harvest->callback(
      [harvest_args, action] { *action = [harvest_args] { return run_harvest(*harvest_args); }; });

  auto stats_mesh = std::make_shared<std::string>();
  auto* stats =
      metadata->add_subcommand("stats", "Records, how papers are described, licences and archives");
  stats->add_option("--mesh", *stats_mesh, "Mesh folder")->required();
  stats->callback(
      [stats_mesh, action] { *action = [stats_mesh] { return run_stats(*stats_mesh); }; });
}

}  // namespace imagemesh::cli

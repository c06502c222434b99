// The explorer's query engine under load, against the seed's explorer, for bench/query.sh.
//
//   imagemesh_query_bench generate --mesh DIR --images N [--dim 64] [--seed S] [--batch 2000]
//       writes a synthetic arXiv-like mesh of N images (query_bench/mesh_generator.h); skipped
//       when DIR/complete exists (it holds the generation report, printed again)
//   imagemesh_query_bench run --mesh DIR [--label NAME] [--seconds 5] [--clients 2]
//                         [--baseline-requests 8] [--requests 400] [--seed 1] [--table FILE]
//                         [--kinds PREFIX,PREFIX...]
//       opens query::Engine on DIR and times each kind of request (query_bench/workload.h):
//       latency percentiles of one client, then the throughput of --clients threads, each for
//       --seconds; then --baseline-requests of each kind through the seed's explorer
//       (query_bench/seed_explorer.h). Main table rows are appended to FILE (markdown, for
//       bench/query.sh to print under one header); details go to stdout. --kinds keeps the kinds
//       whose names start with one of the prefixes (for profiling one kind).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "query/engine.h"
#include "query_bench/measure.h"
#include "query_bench/mesh_generator.h"
#include "query_bench/seed_explorer.h"
#include "query_bench/workload.h"

namespace {

namespace fs = std::filesystem;
using namespace imagemesh;
using namespace imagemesh::bench;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "query_bench: %s\n", message.c_str());
  std::exit(1);
}

template <typename T>
T ok_or_die(Result<T> result, const std::string& what) {
  if (!result.ok()) die(what + ": " + result.status().to_string());
  return std::move(result).value();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::map<std::string, std::string> parse_flags(int argc, char** argv, int first) {
  std::map<std::string, std::string> flags;
  for (int i = first; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0 || i + 1 >= argc) die("bad argument " + flag);
    flags[flag.substr(2)] = argv[i + 1];
  }
  return flags;
}

std::string flag_or(const std::map<std::string, std::string>& flags, const std::string& name,
                    const std::string& fallback) {
  auto found = flags.find(name);
  return found == flags.end() ? fallback : found->second;
}

int generate(const std::map<std::string, std::string>& flags) {
  GenerateOptions options;
  options.mesh_dir = flag_or(flags, "mesh", "");
  options.images = std::stoull(flag_or(flags, "images", "0"));
  options.dimension = static_cast<uint32_t>(std::stoul(flag_or(flags, "dim", "64")));
  options.seed = std::stoull(flag_or(flags, "seed", "1"));
  options.papers_per_batch = std::stoull(flag_or(flags, "batch", "2000"));
  if (options.mesh_dir.empty() || options.images == 0) die("generate needs --mesh and --images");
  const fs::path complete = fs::path(options.mesh_dir) / "complete";
  if (fs::exists(complete)) {
    std::ifstream in(complete);
    std::printf("(cached in %s)\n%s", options.mesh_dir.c_str(),
                std::string(std::istreambuf_iterator<char>(in), {}).c_str());
    return 0;
  }
  if (fs::exists(options.mesh_dir)) {
    std::fprintf(stderr, "query_bench: %s is incomplete (no `complete`): generating it again\n",
                 options.mesh_dir.c_str());
    fs::remove_all(options.mesh_dir);
  }
  GenerateReport report;
  Status status = generate_mesh(options, &report);
  if (!status.ok()) die("generate: " + status.to_string());
  const std::string text = describe(options, report);
  std::ofstream(complete) << text;
  std::printf("%s", text.c_str());
  return 0;
}

// What the single-client run of one kind saw, besides its latencies.
struct Observed {
  std::vector<int64_t> totals;
  std::map<std::string, int> strategies;
  std::map<std::string, std::vector<double>> millis_by_tag;
  std::map<std::string, std::vector<int64_t>> totals_by_tag;
};

int64_t median(std::vector<int64_t> values) {
  if (values.empty()) return 0;
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

// Requests per second: whole numbers from 10 on, two significant digits below.
std::string rate(double per_second) {
  char text[32];
  std::snprintf(text, sizeof text, per_second >= 10 ? "%.0f" : "%.2g", per_second);
  return text;
}

// Decimals for a value in a table: one below 10, none from 10 on.
int decimals(double value) { return value < 10 ? 1 : 0; }

std::string strategies_text(const std::map<std::string, int>& strategies) {
  std::string text;
  for (const auto& [name, count] : strategies) {
    text += (text.empty() ? "" : ", ") + name + " " + std::to_string(count);
  }
  return text;
}

int run(const std::map<std::string, std::string>& flags) {
  const std::string mesh = flag_or(flags, "mesh", "");
  if (mesh.empty()) die("run needs --mesh");
  const std::string label = flag_or(flags, "label", fs::path(mesh).filename().string());
  const double seconds = std::stod(flag_or(flags, "seconds", "5"));
  const int clients = std::stoi(flag_or(flags, "clients", "2"));
  const size_t baseline_requests = std::stoull(flag_or(flags, "baseline-requests", "8"));
  const size_t per_kind = std::stoull(flag_or(flags, "requests", "400"));
  const uint64_t seed = std::stoull(flag_or(flags, "seed", "1"));
  const std::string table_path = flag_or(flags, "table", "");

  auto start = Clock::now();
  const auto ordinals = ok_or_die(prepare_seed_files(mesh), "seed files");
  std::fprintf(stderr, "query_bench: %zu catalogue images listed (seed files) in %.1f s\n",
               ordinals.size(), seconds_since(start));

  const Memory before_open = process_memory();
  start = Clock::now();
  query::EngineOptions options;
  options.mesh_dir = mesh;
  const auto engine = ok_or_die(query::Engine::open(options), "open");
  const double open_seconds = seconds_since(start);
  const Memory after_open = process_memory();
  const query::MeshInfo& info = engine->info();
  if (info.embeddings.empty()) die(mesh + " has no embedding");
  const query::EmbeddingInfo& embedding = info.embeddings.front();
  const std::string vectors_path = (fs::path(mesh) / "embed" / (embedding.name + ".vectors"));

  start = Clock::now();
  const auto sample = ok_or_die(sample_mesh(mesh, ordinals, vectors_path, seed), "sample");
  auto kinds = ok_or_die(build_workload(*engine, sample, per_kind, seed), "workload");
  if (const std::string wanted = flag_or(flags, "kinds", ""); !wanted.empty()) {
    std::erase_if(kinds, [&](const Kind& kind) {
      for (size_t from = 0; from <= wanted.size();) {
        const size_t comma = std::min(wanted.find(',', from), wanted.size());
        if (kind.name.rfind(wanted.substr(from, comma - from), 0) == 0) return false;
        from = comma + 1;
      }
      return true;
    });
  }
  std::fprintf(stderr, "query_bench: workload drawn in %.1f s\n", seconds_since(start));

  struct Measured {
    Timing single, concurrent;
    Observed observed;
  };
  std::vector<Measured> measured(kinds.size());
  for (size_t k = 0; k < kinds.size(); ++k) {
    const Kind& kind = kinds[k];
    Observed& observed = measured[k].observed;
    bool recording = false;
    auto request = [&](size_t i) {
      const Request& r = kind.requests[i % kind.requests.size()];
      auto result = kind.count_only ? engine->count(r.query) : engine->run(r.query);
      if (!result.ok()) {
        std::fprintf(stderr, "query_bench: %s: %s\n", kind.name.c_str(),
                     result.status().to_string().c_str());
        return false;
      }
      if (recording) {
        observed.totals.push_back(result->total);
        if (!r.tag.empty()) observed.totals_by_tag[r.tag].push_back(result->total);
        if (!result->strategy.empty()) ++observed.strategies[result->strategy];
      }
      return true;
    };
    // Warm-up: page cache, the keyword cache for the cached kind, lazy allocations.
    for (size_t i = 0; i < std::min<size_t>(10, kind.requests.size()); ++i) request(i);
    recording = true;
    // Sequential requests restart at 0; requests warmed above repeat only for the cached kind
    // (cold keyword kinds pad every expression differently, see workload.h).
    auto timed = [&](size_t i) {
      const auto one = Clock::now();
      const bool ok = request(i + 10);
      if (ok) {
        const std::string& tag = kind.requests[(i + 10) % kind.requests.size()].tag;
        if (!tag.empty()) {
          observed.millis_by_tag[tag].push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - one).count());
        }
      }
      return ok;
    };
    measured[k].single = run_sequential(timed, 0, 20, 5000, seconds);
    recording = false;
    // The clients go on where the single client stopped, so cold kinds stay cold.
    const size_t next = 10 + measured[k].single.millis.size() + measured[k].single.errors;
    measured[k].concurrent =
        run_concurrent([&](size_t i) { return request(next + i); }, clients, seconds);
    std::fprintf(stderr, "query_bench: %s: %zu requests, p50 %.1f ms, %.0f q/s with %d clients\n",
                 kind.name.c_str(), measured[k].single.millis.size(),
                 measured[k].single.percentile(0.5), measured[k].concurrent.per_second(), clients);
  }
  const Memory after_engine = process_memory();

  // The seed's explorer on the first requests of each kind it had.
  auto seed_explorer = ok_or_die(SeedExplorer::open(mesh, embedding.name), "seed explorer");
  std::vector<Timing> seed_timing(kinds.size());
  std::vector<SeedStages> seed_stages(kinds.size());
  for (size_t k = 0; k < kinds.size(); ++k) {
    if (!kinds[k].has_baseline || baseline_requests == 0) continue;
    const Kind& kind = kinds[k];
    SeedStages ignored;
    auto request = [&](size_t i, SeedStages* stages) {
      auto result = seed_explorer->run(kind.requests[i % kind.requests.size()].query, stages);
      if (!result.ok()) {
        std::fprintf(stderr, "query_bench: seed %s: %s\n", kind.name.c_str(),
                     result.status().to_string().c_str());
      }
      return result.ok();
    };
    request(kind.requests.size() - 1, &ignored);  // warm-up: the files into the page cache
    seed_timing[k] = run_sequential([&](size_t i) { return request(i, &seed_stages[k]); }, 0,
                                    baseline_requests, baseline_requests, 0);
    std::fprintf(stderr, "query_bench: seed %s: p50 %.0f ms\n", kind.name.c_str(),
                 seed_timing[k].percentile(0.5));
  }

  // Main table rows.
  std::string rows;
  char line[1024];
  for (size_t k = 0; k < kinds.size(); ++k) {
    const Timing& t = measured[k].single;
    std::snprintf(line, sizeof line, "| %s | %s | %.1f | %.1f | %.1f | %s | %s |",
                  kinds[k].name.c_str(), label.c_str(), t.percentile(0.5), t.percentile(0.95),
                  t.percentile(0.99), rate(t.per_second()).c_str(),
                  rate(measured[k].concurrent.per_second()).c_str());
    rows += line;
    const Timing& s = seed_timing[k];
    if (s.millis.empty()) {
      rows += " - | - | - | - |\n";
    } else {
      const double ratio = s.percentile(0.5) / t.percentile(0.5);
      std::snprintf(line, sizeof line, " %.*f | %.*f | %s | %.*fx |\n", decimals(s.percentile(0.5)),
                    s.percentile(0.5), decimals(s.percentile(0.95)), s.percentile(0.95),
                    rate(s.per_second()).c_str(), decimals(ratio), ratio);
      rows += line;
    }
  }
  if (!table_path.empty()) std::ofstream(table_path, std::ios::app) << rows;

  // Details.
  std::printf("\n### %s: %llu images of %llu papers, embedding %s (%u-d, %llu vectors)\n\n",
              label.c_str(), static_cast<unsigned long long>(info.images),
              static_cast<unsigned long long>(info.papers), embedding.name.c_str(),
              embedding.dimension, static_cast<unsigned long long>(embedding.images));
  std::printf(
      "Engine::open %.1f s; RSS %.0f MB before open, %.0f MB after, %.0f MB after the "
      "engine workload (peak %.0f MB); %d clients for the throughput column\n\n",
      open_seconds, before_open.rss_mb, after_open.rss_mb, after_engine.rss_mb,
      after_engine.peak_mb, clients);
  std::printf(
      "| kind | requests timed | errors | median matching images | strategies | "
      "sub-kinds p50 / p95 ms |\n| --- | --- | --- | --- | --- | --- |\n");
  for (size_t k = 0; k < kinds.size(); ++k) {
    const Observed& o = measured[k].observed;
    std::string tags;
    for (const auto& [tag, millis] : o.millis_by_tag) {
      Timing t;
      t.millis = millis;
      const auto totals = o.totals_by_tag.find(tag);
      std::snprintf(
          line, sizeof line, "%s%s (%zu, median %lld images): %.1f / %.1f",
          tags.empty() ? "" : "; ", tag.c_str(), millis.size(),
          static_cast<long long>(totals == o.totals_by_tag.end() ? 0 : median(totals->second)),
          t.percentile(0.5), t.percentile(0.95));
      tags += line;
    }
    std::printf("| %s | %zu | %zu | %lld | %s | %s |\n", kinds[k].name.c_str(),
                measured[k].single.millis.size(), measured[k].single.errors,
                static_cast<long long>(median(o.totals)), strategies_text(o.strategies).c_str(),
                tags.c_str());
  }
  std::printf("\nkeywords: common `%s`, medium `%s`, rare `%s` (first of %zu, %zu, %zu words)\n",
              sample.words.common.empty() ? "" : sample.words.common.front().c_str(),
              sample.words.medium.empty() ? "" : sample.words.medium.front().c_str(),
              sample.words.rare.empty() ? "" : sample.words.rare.front().c_str(),
              sample.words.common.size(), sample.words.medium.size(), sample.words.rare.size());
  std::printf(
      "\nseed baseline, mean ms per request by stage:\n\n| kind | requests | id list | "
      "index load | neighbours | allowed set | shuffle + walk | metadata |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
  for (size_t k = 0; k < kinds.size(); ++k) {
    const size_t n = seed_timing[k].millis.size();
    if (n == 0) continue;
    const SeedStages& s = seed_stages[k];
    const double d = static_cast<double>(n);
    std::printf("| %s | %zu | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", kinds[k].name.c_str(),
                n, s.ids / d, s.index_load / d, s.neighbours / d, s.allowed / d, s.walk / d,
                s.metadata / d);
  }
  if (table_path.empty()) std::printf("\n%s", rows.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s generate|run --mesh DIR [...] (see query_bench.cc)\n", argv[0]);
    return 2;
  }
  const std::string command = argv[1];
  const auto flags = parse_flags(argc, argv, 2);
  if (command == "generate") return generate(flags);
  if (command == "run") return run(flags);
  die("unknown command " + command);
}

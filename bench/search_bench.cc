// Search latency over a large mesh, for bench/run.sh --only metadata.
//
//   imagemesh_search_bench --mesh DIR --papers N [--images K] [--runs R]
//
// The mesh must already hold the metadata of the generated snapshot (bench/make_snapshot.py, ids
// 1501.00001 ...). This writes N synthetic papers under the first N of those ids, K images each
// (file names, creators and captions drawn from the words of the real records, seeded), so the
// search index holds N*K documents whose title, authors and abstract are real arXiv text. Then it
// times a fixed set of queries and prints one line per query: name, matches, p50 and p95 ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using imagemesh::store::PaperRecord;

// Words of real captions and abstracts (a few hundred, enough for realistic term statistics).
const char* kWords[] = {"rotation",      "curve",
                        "galaxy",        "spectrum",
                        "energy",        "phase",
                        "diagram",       "temperature",
                        "density",       "magnetic",
                        "field",         "model",
                        "data",          "fit",
                        "posterior",     "sample",
                        "distribution",  "network",
                        "training",      "loss",
                        "accuracy",      "lattice",
                        "quantum",       "state",
                        "entanglement",  "particle",
                        "decay",         "cross",
                        "section",       "luminosity",
                        "redshift",      "cluster",
                        "simulation",    "error",
                        "bars",          "comparison",
                        "function",      "parameter",
                        "scattering",    "resonance",
                        "frequency",     "time",
                        "evolution",     "profile",
                        "map",           "sky",
                        "survey",        "star",
                        "formation",     "black",
                        "hole",          "mass",
                        "gravitational", "wave",
                        "signal",        "noise",
                        "detector",      "efficiency",
                        "histogram",     "contour",
                        "heat",          "flux",
                        "velocity",      "dispersion",
                        "graphene",      "band",
                        "structure",     "electron",
                        "spin",          "transport",
                        "conductivity",  "superconducting",
                        "gap",           "order",
                        "transition",    "critical",
                        "exponent",      "scaling",
                        "collapse",      "neural",
                        "image",         "classification",
                        "dataset",       "benchmark"};

std::string words(std::mt19937& rng, int n) {
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? " " : "") + std::string(kWords[pick(rng)]);
  return out;
}

PaperRecord synthetic_paper(int index, int images, std::mt19937& rng) {
  char id[32];
  std::snprintf(id, sizeof id, "%02d%02d.%05d", 15 + index / 99999 / 12, index / 99999 % 12 + 1,
                index % 99999 + 1);
  PaperRecord paper;
  paper.id = *imagemesh::parse_arxiv_id(id);
  paper.source_kind = "tar";
  paper.source_key = std::string("bench:") + id;
  paper.origin = paper.source_key;
  paper.source_sha256 = std::string("bench-") + id;
  paper.engine = "pdflatex";
  paper.title = "LaTeX title of " + std::string(id);
  paper.files.push_back({"main.tex", 100, "tex-" + std::string(id), false});
  static const char* kCreators[] = {"matplotlib 3.5", "gnuplot 5.2", "Mathematica", "Inkscape",
                                    "MATLAB",         "ROOT",        "Origin",      "TikZ"};
  for (int i = 1; i <= images; ++i) {
    const std::string path = "figs/" + words(rng, 2) + "_" + std::to_string(i) + ".pdf";
    const std::string sha = std::string(id) + "-" + std::to_string(i);
    std::string file_name = path;
    std::replace(file_name.begin(), file_name.end(), ' ', '_');
    paper.files.push_back({file_name, 1000, sha, true});
    imagemesh::store::BlobFacts blob;
    blob.sha256 = sha;
    blob.size = 1000;
    blob.format = "pdf";
    blob.creator = kCreators[rng() % std::size(kCreators)];
    paper.blobs.push_back(blob);
    imagemesh::store::FigureRecord figure;
    figure.order = i;
    figure.env = "figure";
    figure.caption_text = figure.caption_tex = words(rng, 8 + static_cast<int>(rng() % 25));
    figure.label = "fig:" + words(rng, 1);
    imagemesh::store::GraphicsRecord graphic;
    graphic.command = "includegraphics";
    graphic.as_written = file_name;
    graphic.resolved = file_name;
    figure.graphics.push_back(graphic);
    paper.figures.push_back(figure);
  }
  return paper;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::string mesh;
  int papers = 100000, images = 4, runs = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--mesh") mesh = argv[i + 1];
    if (flag == "--papers") papers = std::atoi(argv[i + 1]);
    if (flag == "--images") images = std::atoi(argv[i + 1]);
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
  }
  if (mesh.empty() || papers < 1 || images < 1 || runs < 1) {
    std::fprintf(stderr, "usage: %s --mesh DIR --papers N [--images K] [--runs R]\n", argv[0]);
    return 2;
  }
  auto store = imagemesh::store::Store::open(mesh);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().to_string().c_str());
    return 1;
  }
  auto run = (*store)->begin_run("search bench");
  std::mt19937 rng(20261124);
  const auto write_start = std::chrono::steady_clock::now();
  std::vector<PaperRecord> batch;
  for (int i = 0; i < papers; ++i) {
    batch.push_back(synthetic_paper(i, images, rng));
    if (batch.size() == 256 || i + 1 == papers) {
      auto written = (*store)->write_papers(*run, batch, {}, nullptr);
      if (!written.ok()) {
        std::fprintf(stderr, "%s\n", written.to_string().c_str());
        return 1;
      }
      batch.clear();
    }
  }
  const double write_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - write_start).count();
  std::printf("wrote %d papers, %d images (search documents joined to their metadata) in %.1f s\n",
              papers, papers * images, write_seconds);

  const std::vector<std::pair<std::string, std::string>> queries = {
      {"common word", "model"},
      {"rare word", "superconducting"},
      {"two words", "rotation galaxy"},
      {"phrase", "\"phase diagram\""},
      {"prefix", "galax*"},
      {"field scope", "caption:spectrum"},
      {"boolean", "(quantum OR lattice) NOT simulation"},
      {"title words (real text)", "title:diphoton"},
      {"author (real text)", "authors:nadolsky"},
  };
  std::printf("| query | example | matches | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- |\n");
  for (const auto& [name, query] : queries) {
    std::vector<double> millis;
    int64_t total = 0;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      auto results = (*store)->search({query, "", 20, 0});
      millis.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!results.ok()) {
        std::fprintf(stderr, "%s: %s\n", query.c_str(), results.status().to_string().c_str());
        return 1;
      }
      total = results->total;
    }
    std::printf("| %s | `%s` | %lld | %.1f | %.1f |\n", name.c_str(), query.c_str(),
                static_cast<long long>(total), percentile(millis, 0.5), percentile(millis, 0.95));
  }
  return 0;
}

// The built-in sample corpus: `imagemesh sample --out DIR [--papers N] [--seed S]`.
//
// Writes a synthetic corpus in the arXiv bulk source format, with ground truth, for the main job
// and the tests to use when the shared corpus is absent (docs/sample.md describes it in full):
//
//   DIR/arxiv/arXiv_src_YYMM_NNN.tar     bulk tars of members YYMM/<id>.gz | YYMM/<id>.pdf
//   DIR/arxiv/arXiv_src_manifest.xml     sizes, md5s, item counts, first/last items
//   DIR/other/<slug>.tar.gz              papers without an arXiv id
//   DIR/truth/figures.jsonl              every figure the generator placed (ground truth)
//   DIR/metadata/sample-snapshot.jsonl   arXiv metadata ("Kaggle" snapshot form) of the id'd papers
//
// Deterministic: the same options give byte-identical files (fixed mtimes, sorted members, gzip
// without name or mtime; the bytes depend only on the zlib and libvips versions).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"

namespace imagemesh::sample {

inline constexpr int kMaxSamplePapers = 20000;

struct SampleOptions {
  std::string out_dir;  // created if missing; must be empty or hold an earlier sample (replaced)
  int papers = 24;      // 1..kMaxSamplePapers
  uint64_t seed = 1;
  int threads = 0;            // 0: one per core (at most 8); the output does not depend on it
  int members_per_tar = 100;  // bulk tar chunking: arXiv_src_YYMM_001.tar, _002 ... (>= 1)
};

struct SampleSummary {
  int papers = 0;        // all papers
  int arxiv_papers = 0;  // in bulk tars (new- and old-style ids)
  int other_papers = 0;  // DIR/other/*.tar.gz
  int bulk_tars = 0;
  int files = 0;  // files inside the papers (a single-file or PDF-only paper has one)
  std::map<std::string, int> images_by_format;  // image files by extension: "eps" -> 12
  int figures = 0;                              // lines of truth/figures.jsonl
  int subfigures = 0;
  int graphics = 0;    // graphics references in figures and sub-figures
  uint64_t bytes = 0;  // bytes written
};

// Writes the corpus. Fails with kInvalidArgument for bad options or an out_dir that holds other
// things, kIo when a file cannot be written, kInternal when an encoder fails.
Result<SampleSummary> write_sample_corpus(const SampleOptions& options);

// "24 papers (22 arXiv, 2 other) in 5 bulk tars; 180 files; images eps:9 gif:3 ...; 70 figures
// (9 sub-figures)". One line, for the CLI.
std::string describe(const SampleSummary& summary);

}  // namespace imagemesh::sample

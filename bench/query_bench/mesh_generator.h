// A synthetic arXiv-like mesh of N explorable images, written through the real store API
// (Store::write_metadata, write_papers, write_predictions), the real vector file writer and the
// real HNSW index, so the query engine opens it exactly as it opens an ingested mesh.
//
// Papers come in chronological order (so ordinals grow with dates, as an ingest of the monthly
// bulk tars gives them), ~7 images each; distributions are arxiv_model.h's. One embedding,
// `mobilenet` (a catalogue model name, which the engine requires), of N clustered unit vectors:
// 100 clusters, each image's cluster tied to its primary archive half of the time (similar-looking
// figures share a field), which is also its `deepcluster` prediction. No thumbnail files are
// written (the engine only needs their sizes, which the conversions record).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace imagemesh::bench {

struct GenerateOptions {
  std::string mesh_dir;
  size_t images = 1000000;
  uint32_t dimension = 64;
  uint64_t seed = 1;
  size_t papers_per_batch = 2000;  // papers per write_papers (one transaction)
};

// Wall time of each phase, seconds.
struct GenerateReport {
  size_t papers = 0, images = 0, files = 0, figures = 0, failed_conversions = 0;
  double draw = 0;         // drawing the records (CPU, no I/O)
  double metadata = 0;     // Store::write_metadata (new records: no search indexing)
  double papers_fts = 0;   // Store::write_papers: rows, figures and the FTS5 documents
  double ordinals = 0;     // reading the ordinals the store gave the new blobs
  double predictions = 0;  // ternary + deepcluster predictions
  double vectors = 0;      // drawing and writing the vectors
  double hnsw_build = 0;   // single-threaded inserts
  double hnsw_save = 0;
  double total = 0;
  uint64_t db_bytes = 0, vector_bytes = 0, index_bytes = 0;
};

// Writes the mesh into options.mesh_dir, which must not hold a mesh.db yet. Progress on stderr.
[[nodiscard]] Status generate_mesh(const GenerateOptions& options, GenerateReport* report);

// The report as markdown lines (also kept in the mesh folder as `complete`).
std::string describe(const GenerateOptions& options, const GenerateReport& report);

}  // namespace imagemesh::bench

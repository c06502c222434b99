// The seed's explorer (re-imaging/ImageMesh `core.py`, ../shared/docs/seed-pipeline.md §6)
// reimplemented in C++ as the baseline of query_bench: the same per-request work, on the same mesh.
//
// Per request, as the seed did:
//   1. re-read the image id list from a text file (its IMAGE_LIST; here bench-seed/ids.txt);
//   2. random and keyword modes: a shuffled copy of every id is the candidate order;
//      similar mode: reload the index from disk (index::load_index; the seed reloaded its Annoy
//      file) and ask it for the neighbours of the example: k = the page size (plus the example)
//      without filters, k = EVERY indexed image when any filter or keyword is set;
//   3. the allowed set: filters by a scan of the denormalised image table (the seed's `single`
//      table, a full scan of `SELECT id FROM single WHERE ...`; here bench-seed/single.tsv, one
//      line per image, re-read and checked line by line), keywords by the FTS query of the phrase
//      (the seed's `MATCH '"<text>"'`; here CatalogReader::keyword_matches of the phrase), the
//      intersection when both are given;
//   4. walk the candidates in order, keeping the first page-size ones in the allowed set;
//   5. one metadata lookup per kept image (the seed ran one `single` query per image; here
//      CatalogReader::image_record).
// Stages are timed separately, so a reader can see which ones dominate.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "query/engine.h"
#include "store/catalog_reader.h"

namespace imagemesh::bench {

// Milliseconds spent per stage, summed over requests.
struct SeedStages {
  double ids = 0, index_load = 0, neighbours = 0, allowed = 0, walk = 0, metadata = 0;
};

// Writes the seed's precomputed files into mesh_dir/bench-seed/ when absent (untimed setup, as the
// seed's were made once by its preprocessing notebooks) and returns every image ordinal.
//   ids.txt     one ordinal per line (the seed's id list, in index order)
//   single.tsv  ordinal, file_id, paper_id, primary category, date, format, creator
[[nodiscard]] Result<std::vector<uint32_t>> prepare_seed_files(const std::string& mesh_dir);

class SeedExplorer {
 public:
  // `embedding`: the vector file and index under mesh_dir/embed/ that similar mode reloads.
  [[nodiscard]] static Result<std::unique_ptr<SeedExplorer>> open(const std::string& mesh_dir,
                                                                  const std::string& embedding);

  // Answers one query (keywords, one positive example, filters: archives, categories, dates,
  // formats; limit; seed) and returns how many images matched (the seed's "X total matching").
  [[nodiscard]] Result<int64_t> run(const query::Query& query, SeedStages* stages);

 private:
  SeedExplorer() = default;

  std::filesystem::path ids_path_, table_path_, vectors_path_, index_path_;
  std::unique_ptr<store::CatalogReader> reader_;
  // file id -> image ordinal, for the FTS matches (the seed's SQL joined them to its image
  // table); loaded at open, untimed.
  std::unordered_map<int64_t, uint32_t> image_of_file_;
};

}  // namespace imagemesh::bench

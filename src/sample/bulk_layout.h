// Where the sample's papers go: ids, months and bulk tar chunks, and the manifest XML.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sample/paper.h"

namespace imagemesh::sample {

// The papers of a sample of `papers` papers: template, submission kind, id and seed of each, in
// index order. Covers every template in the first 15; later papers repeat templates with fresh
// seeds (and smaller images).
std::vector<PaperSlot> plan_papers(int papers, uint64_t seed);

// "2004/2004.00001.gz", "0703/astro-ph0703001.gz", "2312/2312.00012.pdf"; for other/ papers
// "<slug>.tar.gz".
std::string member_name(const PaperSlot& slot);

struct BulkChunk {
  std::string yymm;
  int seq = 1;
  std::vector<size_t> slots;      // indices into the plan, sorted by member name
  std::string file_name() const;  // "arXiv_src_2004_001.tar"
};

// Groups the arXiv papers by month, sorted by member name, `per_tar` members per chunk.
std::vector<BulkChunk> plan_bulk_chunks(const std::vector<PaperSlot>& plan, size_t per_tar);

struct ManifestEntry {
  std::string content_md5, file_name, first_item, last_item, md5, yymm;
  int num_items = 0, seq_num = 0;
  uint64_t size = 0;
};

std::string manifest_xml(const std::vector<ManifestEntry>& entries);

}  // namespace imagemesh::sample

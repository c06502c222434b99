// Test helpers for the heads: a mesh whose blobs carry chosen facts, and a source vector file with
// one row per blob drawn around per-class centres, so that the classes are separable.
#pragma once

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "embed/vector_file.h"
#include "store/records.h"
#include "store/store.h"

namespace imagemesh::embed::testing {

struct SyntheticBlob {
  std::string sha256;
  std::string format = "png";
  std::string color = "rgb";
  std::string creator;
  int cls = 0;  // which centre its vector is drawn around
};

// 64 hex digits from a number, so that hashes sort like the numbers.
inline std::string fake_sha256(int n) {
  char buffer[65];
  std::snprintf(buffer, sizeof buffer, "%064x", n);
  return buffer;
}

// Writes one paper holding `blobs` (ordinals 1..n in order) into <mesh>/mesh.db.
inline std::vector<uint32_t> write_blobs(const std::string& mesh,
                                         const std::vector<SyntheticBlob>& blobs) {
  auto store = store::Store::open(mesh);
  if (!store.ok()) return {};
  auto run = (*store)->begin_run("test");
  store::PaperRecord paper;
  paper.id.id = "2001.00001";
  paper.id.version = 1;
  paper.id.yymm = "2001";
  paper.id.kind = IdKind::kNewStyle;
  paper.source_kind = "tar";
  paper.source_key = "synthetic";
  paper.source_sha256 = "synthetic";
  paper.engine = "pdflatex";
  for (size_t i = 0; i < blobs.size(); ++i) {
    const std::string path = "img" + std::to_string(i) + "." + blobs[i].format;
    paper.files.push_back({path, 100, blobs[i].sha256, true});
    store::BlobFacts facts;
    facts.sha256 = blobs[i].sha256;
    facts.size = 100;
    facts.format = blobs[i].format;
    facts.color = blobs[i].color;
    facts.creator = blobs[i].creator;
    if (blobs[i].format == "png") facts.width_px = facts.height_px = 64;
    paper.blobs.push_back(facts);
  }
  if (!run.ok() || !(*store)->write_papers(*run, {paper}, {}, nullptr).ok()) return {};
  auto facts = (*store)->list_blob_facts(-1, 100000);
  std::vector<uint32_t> ordinals;
  if (!facts.ok()) return ordinals;
  // Files are written in path order, not blob order: map back by hash.
  for (const auto& blob : blobs) {
    for (const auto& row : *facts) {
      if (row.sha256 == blob.sha256) ordinals.push_back(row.ordinal);
    }
  }
  return ordinals;
}

// <mesh>/embed/<model>.vectors: unit vectors of `dim` around class centres (the first coordinates
// of each class set high), noise `spread`.
inline bool write_class_vectors(const std::string& mesh, const std::string& model, uint32_t dim,
                                const std::vector<uint32_t>& ordinals, const std::vector<int>& cls,
                                double spread, unsigned seed = 7) {
  std::filesystem::create_directories(std::filesystem::path(mesh) / "embed");
  auto writer = VectorFileWriter::open(std::filesystem::path(mesh) / "embed" / (model + ".vectors"),
                                       {model, dim, ElementType::kFloat32});
  if (!writer.ok()) return false;
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, spread);
  std::vector<float> row(dim);
  for (size_t i = 0; i < ordinals.size(); ++i) {
    double norm = 0;
    for (uint32_t d = 0; d < dim; ++d) {
      const double centre = (d % 8) == static_cast<uint32_t>(cls[i] % 8) ? 1.0 : 0.0;
      row[d] = static_cast<float>(centre + noise(rng));
      norm += double(row[d]) * row[d];
    }
    for (float& v : row) v = static_cast<float>(v / std::sqrt(norm));
    if (!writer->set(ordinals[i], row).ok()) return false;
  }
  return writer->close().ok();
}

}  // namespace imagemesh::embed::testing

// `imagemesh embed`: for every converted image that lacks it, each model's vector — computed,
// reduced by the model's PCA, stored in its vector file and added to its index
// (docs/embeddings.md, "The embed run").
//
// Per model, under mesh/embed/:
//   <model>.pca          the fitted PCA (fitted once, on a deterministic sample; new images are
//                        projected without refitting)
//   <model>.fit.vectors  unreduced features of the fit sample while the run needs them (deleted
//                        when every image is embedded), so no image is computed twice
//   <model>.vectors      reduced, unit-length vectors, row = blob ordinal
//   <model>.index        the model's nearest-neighbour index (+ <model>.index.hnsw)
//
// Resumable and idempotent: rows already present are skipped, the vector file is synced every
// batch, the index is rebuilt only for ids it lacks. One run per mesh at a time (mesh/embed/lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "embed/models.h"
#include "embed/vector_file.h"

namespace imagemesh::embed {

struct EmbedOptions {
  std::string mesh_dir;
  std::vector<std::string> models;  // catalogue names; empty = every model whose weights exist
  ModelDirectory weights{default_model_directory()};
  int jobs = 0;                 // worker threads; 0 = one per core
  uint32_t fit_sample = 20000;  // images the PCA is fitted on (fewer when the mesh has fewer)
  uint32_t pca_dim = 0;         // 0 = the model's documented dimension
  ElementType storage = ElementType::kFloat32;
  bool rebuild = false;  // forget the model's PCA, vectors and index first
  bool progress = true;
  const std::atomic<bool>* cancel = nullptr;  // stop after the current batch when set
};

struct ModelRunSummary {
  std::string model;
  std::string skipped;      // why the model was not run ("" when it ran)
  uint64_t images = 0;      // embeddable images in the mesh
  uint64_t already = 0;     // present before this run
  uint64_t embedded = 0;    // new vectors this run
  uint64_t computed = 0;    // images the model saw this run (the fit sample's only once)
  uint64_t failed = 0;      // images that could not be embedded (logged; retried next run)
  bool pca_fitted = false;  // this run fitted the PCA
  uint32_t pca_dim = 0;
  uint64_t pca_samples = 0;
  double explained_variance = 0;  // fraction of the inputs' variance the kept axes hold
  uint64_t index_size = 0;
  uint64_t index_added = 0;
  double embed_seconds = 0;  // computing and storing vectors (fit sample and PCA fit included)
  double pca_seconds = 0;    // of which fitting the PCA (accumulation and eigenpairs)
  double index_seconds = 0;
  bool cancelled = false;
};

struct EmbedSummary {
  std::vector<ModelRunSummary> models;
  bool cancelled = false;
};

// Runs every requested model in turn. Per-image failures are counted and logged, never fatal;
// an unusable mesh, a model that cannot load (when asked for by name), a locked mesh or a disk
// error is. A model asked for whose weights are missing is kNotFound with the fetch command.
[[nodiscard]] Result<EmbedSummary> run_embed(const EmbedOptions& options);

}  // namespace imagemesh::embed

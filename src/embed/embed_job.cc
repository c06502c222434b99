#include "embed/embed_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numeric>
#include <optional>
#include <thread>

#include "core/file_lock.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/stopwatch.h"
#include "embed/cnn_model.h"
#include "embed/feature_pool.h"
#include "embed/head_job.h"
#include "embed/index_update.h"
#include "embed/pca.h"
#include "index/vector_index.h"
#include "store/store.h"
#include "store/thumbnail_store.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kPageSize = 4096;            // rasters listed per store query
constexpr uint64_t kSyncEveryRows = 4096;  // vector file durability points
constexpr auto kSyncEvery = std::chrono::seconds(10);
constexpr uint64_t kLoggedFailures = 20;  // per model and pass; the rest are only counted

struct ModelPaths {
  fs::path pca, fit, vectors, index;
};

ModelPaths paths_for(const fs::path& embed_dir, const std::string& model) {
  return {embed_dir / (model + ".pca"), embed_dir / (model + ".fit.vectors"),
          embed_dir / (model + ".vectors"), embed_dir / (model + ".index")};
}

void remove_model_files(const ModelPaths& paths) {
  std::error_code ignored;
  for (const fs::path& path : {paths.pca, paths.fit, paths.vectors, paths.index}) {
    fs::remove(path, ignored);
  }
  remove_index(paths.index);
}

int worker_count(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Syncs a vector file every kSyncEveryRows rows or kSyncEvery, whichever comes first.
class SyncPacer {
 public:
  explicit SyncPacer(VectorFileWriter& writer) : writer_(writer) {}
  Status wrote_row() {
    if (++unsynced_ < kSyncEveryRows && Clock::now() - last_ < kSyncEvery) return Status::Ok();
    unsynced_ = 0;
    last_ = Clock::now();
    return writer_.sync();
  }

 private:
  VectorFileWriter& writer_;
  uint64_t unsynced_ = 0;
  Clock::time_point last_ = Clock::now();
};

// Logs the first few per-image failures of a pass and counts all of them.
class FailureLog {
 public:
  explicit FailureLog(std::string model) : model_(std::move(model)) {}
  void record(uint32_t ordinal, const std::string& sha256, const Status& status) {
    if (++count_ <= kLoggedFailures) {
      log::warn("{}: image {} ({}): {}", model_, ordinal, sha256.substr(0, 12), status.to_string());
    } else if (count_ == kLoggedFailures + 1) {
      log::warn("{}: more images failed; only the count is kept", model_);
    }
  }
  uint64_t count() const { return count_; }

 private:
  std::string model_;
  uint64_t count_ = 0;
};

class ModelRun {
 public:
  ModelRun(const EmbedOptions& options, const ModelInfo& info, store::Store& store,
           const fs::path& embed_dir)
      : options_(options),
        info_(info),
        store_(store),
        thumbnails_(options.mesh_dir),
        paths_(paths_for(embed_dir, info.name)) {
    summary_.model = info.name;
  }

  Result<ModelRunSummary> run() {
    if (options_.rebuild) remove_model_files(paths_);
    IM_ASSIGN_OR_RETURN(int64_t images, store_.count_rasters());
    summary_.images = static_cast<uint64_t>(images);
    if (images == 0) {
      summary_.skipped = "no converted images in the mesh";
      return summary_;
    }
    IM_RETURN_IF_ERROR(load_workers());
    const Clock::time_point start = Clock::now();
    Status status = ensure_pca();
    if (status.ok() && !summary_.skipped.empty()) return summary_;
    if (status.ok()) status = embed_all();
    summary_.embed_seconds = seconds_since(start);
    if (status.code() == ErrorCode::kCancelled) {
      summary_.cancelled = true;
      return summary_;
    }
    IM_RETURN_IF_ERROR(status);
    workers_.clear();  // free the models' memory before the index is loaded
    const Clock::time_point index_start = Clock::now();
    auto updated =
        update_index(paths_.vectors, paths_.index, info_.name, options_.progress, options_.cancel);
    summary_.index_seconds = seconds_since(index_start);
    if (updated.status().code() == ErrorCode::kCancelled) {
      summary_.cancelled = true;
      return summary_;
    }
    IM_RETURN_IF_ERROR(updated.status());
    summary_.index_size = updated->size;
    summary_.index_added = updated->added;
    return summary_;
  }

 private:
  Status load_workers() {
    const int count = worker_count(options_.jobs);
    // One OpenCV thread per worker when there are several: two single-threaded instances beat one
    // two-threaded forward pass (docs/models.md, "Speed").
    if (info_.needs_weights) IM_RETURN_IF_ERROR(set_cnn_threads(count > 1 ? 1 : worker_count(0)));
    for (int i = 0; i < count; ++i) {
      IM_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, load_model(info_.name, options_.weights));
      workers_.push_back(std::move(model));
    }
    return Status::Ok();
  }

  uint32_t input_dim() const { return workers_.front()->output_dim(); }

  // Loads the saved PCA, or computes the fit sample's features and fits one.
  Status ensure_pca() {
    if (fs::exists(paths_.pca)) {
      IM_ASSIGN_OR_RETURN(pca_, Pca::load(paths_.pca));
      if (pca_.input_dim != input_dim()) {
        return Status(ErrorCode::kInvalidArgument,
                      paths_.pca.string() + " was fitted on " + std::to_string(pca_.input_dim) +
                          "-d features, the model gives " + std::to_string(input_dim()) +
                          ": run `imagemesh embed --rebuild --model " + info_.name + "`");
      }
      return Status::Ok();
    }
    IM_ASSIGN_OR_RETURN(std::vector<store::Store::RasterEntry> sample,
                        store_.sample_rasters(static_cast<int>(options_.fit_sample)));
    if (sample.size() < 2) {
      summary_.skipped = "the PCA needs at least 2 converted images";
      return Status::Ok();
    }
    IM_RETURN_IF_ERROR(compute_fit_features(sample));
    return fit_pca(sample);
  }

  Status compute_fit_features(const std::vector<store::Store::RasterEntry>& sample) {
    IM_ASSIGN_OR_RETURN(VectorFileWriter fit,
                        VectorFileWriter::open(
                            paths_.fit, {info_.name + ".fit", input_dim(), ElementType::kFloat32}));
    std::vector<FeatureTask> todo;
    for (const auto& entry : sample) {
      if (!fit.has(entry.ordinal)) todo.push_back({entry.ordinal, entry.sha256});
    }
    MaybeProgressBar bar(options_.progress, info_.name + " fit sample", todo.size());
    SyncPacer pacer(fit);
    const Status status = compute_features(
        workers_, thumbnails_,
        [&](FeatureEmitter& emit) {
          for (auto& task : todo) {
            if (!emit.task(std::move(task))) break;
          }
          return Status::Ok();
        },
        [&](FeatureResult&& result) -> Status {
          bar.advance();
          // A failure is left to the main pass, which tries the image again and reports it.
          if (!result.features.ok()) return Status::Ok();
          IM_RETURN_IF_ERROR(fit.set(result.ordinal, *result.features));
          summary_.computed++;
          return pacer.wrote_row();
        },
        options_.cancel);
    bar.finish();
    IM_RETURN_IF_ERROR(fit.close());
    return status;
  }

  // Fits on the sample's features in ordinal order (deterministic), keeping at most one axis
  // fewer than there are samples: more would be noise.
  Status fit_pca(const std::vector<store::Store::RasterEntry>& sample) {
    const Clock::time_point start = Clock::now();
    IM_ASSIGN_OR_RETURN(VectorFile fit, VectorFile::open(paths_.fit));
    IM_ASSIGN_OR_RETURN(PcaFitter fitter, PcaFitter::create(input_dim()));
    std::vector<float> row(input_dim());
    for (const auto& entry : sample) {
      if (!fit.has(entry.ordinal)) continue;
      IM_RETURN_IF_ERROR(fit.read(entry.ordinal, row));
      IM_RETURN_IF_ERROR(fitter.add(row));
    }
    if (fitter.count() < 2) {
      summary_.skipped = "fewer than 2 images of the fit sample could be embedded";
      return Status::Ok();
    }
    const uint32_t wanted = options_.pca_dim > 0 ? options_.pca_dim : info_.pca_dim;
    const auto dim =
        static_cast<uint32_t>(std::min<uint64_t>({wanted, input_dim(), fitter.count() - 1}));
    log::info("{}: fitting PCA {} -> {} on {} images", info_.name, input_dim(), dim,
              fitter.count());
    IM_ASSIGN_OR_RETURN(pca_, fitter.finish(dim));
    IM_RETURN_IF_ERROR(pca_.save(paths_.pca));
    summary_.pca_seconds = seconds_since(start);
    log::info("{}: PCA fitted in {:.1f} s", info_.name, summary_.pca_seconds);
    summary_.pca_fitted = true;
    return Status::Ok();
  }

  // Every raster without a vector: computed (or taken from the fit sample), projected, stored.
  Status embed_all() {
    summary_.pca_dim = pca_.output_dim;
    summary_.pca_samples = pca_.samples;
    summary_.explained_variance = std::accumulate(pca_.explained_variance_ratio.begin(),
                                                  pca_.explained_variance_ratio.end(), 0.0);
    auto writer =
        VectorFileWriter::open(paths_.vectors, {info_.name, pca_.output_dim, options_.storage});
    if (!writer.ok() && writer.status().code() == ErrorCode::kInvalidArgument) {
      return Status(ErrorCode::kInvalidArgument,
                    writer.status().message() + " (the PCA or --storage changed): run `imagemesh " +
                        "embed --rebuild --model " + info_.name + "` to compute them again");
    }
    IM_ASSIGN_OR_RETURN(VectorFileWriter vectors, std::move(writer));
    // The producer must not touch the writer (the sink grows and remaps it), so it works from a
    // snapshot of which rows are present.
    std::vector<bool> present(vectors.rows());
    for (uint64_t row = 0; row < vectors.rows(); ++row) present[row] = vectors.has(row);
    std::optional<VectorFile> fit;
    if (fs::exists(paths_.fit)) {
      auto opened = VectorFile::open(paths_.fit);
      if (opened.ok() && opened->info().dimension == input_dim()) fit = std::move(*opened);
    }

    MaybeProgressBar bar(options_.progress, info_.name, summary_.images);
    SyncPacer pacer(vectors);
    FailureLog failures(info_.name);
    std::vector<float> projected(pca_.output_dim);
    uint64_t already = 0;
    uint64_t computed = 0;
    const Status status = compute_features(
        workers_, thumbnails_,
        [&](FeatureEmitter& emit) -> Status {
          for (int64_t after = -1;;) {
            IM_ASSIGN_OR_RETURN(std::vector<store::Store::RasterEntry> page,
                                store_.list_rasters(after, kPageSize));
            if (page.empty()) return Status::Ok();
            after = page.back().ordinal;
            for (auto& entry : page) {
              if (entry.ordinal < present.size() && present[entry.ordinal]) {
                ++already;
                bar.advance();
                continue;
              }
              if (fit && fit->has(entry.ordinal)) {
                std::vector<float> features(input_dim());
                IM_RETURN_IF_ERROR(fit->read(entry.ordinal, features));
                if (!emit.result({entry.ordinal, std::move(entry.sha256), std::move(features),
                                  /*computed=*/false})) {
                  return Status::Ok();
                }
              } else if (!emit.task({entry.ordinal, std::move(entry.sha256)})) {
                return Status::Ok();
              }
            }
          }
        },
        [&](FeatureResult&& result) -> Status {
          bar.advance();
          computed += result.computed ? 1 : 0;
          Status done = result.features.status();
          if (done.ok()) done = pca_.project(*result.features, projected);
          if (!done.ok()) {
            failures.record(result.ordinal, result.sha256, done);
            return Status::Ok();
          }
          IM_RETURN_IF_ERROR(vectors.set(result.ordinal, projected));
          summary_.embedded++;
          return pacer.wrote_row();
        },
        options_.cancel);
    bar.finish();
    summary_.already = already;
    summary_.computed += computed;
    summary_.failed = failures.count();
    IM_RETURN_IF_ERROR(vectors.close());
    IM_RETURN_IF_ERROR(status);
    fit.reset();
    std::error_code ignored;
    fs::remove(paths_.fit, ignored);  // every image has passed through: the sample is not needed
    return Status::Ok();
  }

  const EmbedOptions& options_;
  const ModelInfo& info_;
  store::Store& store_;
  store::ThumbnailStore thumbnails_;
  ModelPaths paths_;
  ModelRunSummary summary_;
  std::vector<std::unique_ptr<Model>> workers_;
  Pca pca_;
};

// The models to run: those named, or every catalogued model whose weights are present.
Result<std::vector<ModelInfo>> chosen_models(const EmbedOptions& options,
                                             std::vector<ModelRunSummary>& skipped) {
  std::vector<ModelInfo> chosen;
  if (!options.models.empty()) {
    for (const std::string& name : options.models) {
      IM_ASSIGN_OR_RETURN(ModelInfo info, find_model(name));
      chosen.push_back(std::move(info));
    }
    return chosen;
  }
  for (const ModelInfo& info : model_catalogue()) {
    if (info.head && !fs::exists(fs::path(options.mesh_dir) / "models" / (info.name + ".yml"))) {
      ModelRunSummary summary;
      summary.model = info.name;
      summary.skipped = "not trained (imagemesh train " + info.name + ")";
      skipped.push_back(std::move(summary));
      continue;
    }
    if (info.needs_weights && !fs::exists(options.weights.root / info.name)) {
      ModelRunSummary summary;
      summary.model = info.name;
      summary.skipped = "no weights in " + (options.weights.root / info.name).string() +
                        " (run tools/models/fetch.sh)";
      skipped.push_back(std::move(summary));
      continue;
    }
    chosen.push_back(info);
  }
  return chosen;
}

}  // namespace

Result<EmbedSummary> run_embed(const EmbedOptions& options) {
  const fs::path embed_dir = fs::path(options.mesh_dir) / "embed";
  std::error_code ec;
  fs::create_directories(embed_dir, ec);
  if (ec) return Status(ErrorCode::kIo, embed_dir.string() + ": " + ec.message());
  auto lock = FileLock::try_acquire(embed_dir / "lock");
  if (!lock.ok()) {
    return Status(ErrorCode::kIo, "another `imagemesh embed` is running on this mesh (" +
                                      lock.status().message() + "); wait for it to finish");
  }

  EmbedSummary summary;
  IM_ASSIGN_OR_RETURN(std::vector<ModelInfo> models, chosen_models(options, summary.models));
  // Writable: heads store predictions, and opening for writing upgrades an older schema.
  IM_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, store::Store::open(options.mesh_dir));
  for (const ModelInfo& info : models) {
    Result<ModelRunSummary> ran = info.head ? run_head(options, info.name, *store, embed_dir)
                                            : ModelRun(options, info, *store, embed_dir).run();
    IM_ASSIGN_OR_RETURN(ModelRunSummary model_summary, std::move(ran));
    const bool cancelled = model_summary.cancelled;
    summary.models.push_back(std::move(model_summary));
    if (cancelled) {
      summary.cancelled = true;
      break;
    }
  }
  return summary;
}

}  // namespace imagemesh::embed

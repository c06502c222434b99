#include "embed/head_job.h"

#include <chrono>
#include <fstream>
#include <vector>

#include "core/hash.h"
#include "core/mapped_file.h"
#include "core/progress.h"
#include "core/stopwatch.h"
#include "embed/head_model.h"
#include "embed/index_update.h"
#include "embed/unit_vector.h"
#include "embed/vector_file.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kBatchRows = 4096;  // rows per predictions transaction and vector file sync

std::string read_stamp(const fs::path& path) {
  std::ifstream in(path);
  std::string sha;
  in >> sha;
  return sha;
}

Status write_stamp(const fs::path& path, const std::string& sha) {
  std::ofstream out(path, std::ios::trunc);
  out << sha << '\n';
  out.close();
  if (!out) return Status(ErrorCode::kIo, path.string() + ": cannot write");
  return Status::Ok();
}

}  // namespace

Result<ModelRunSummary> run_head(const EmbedOptions& options, const std::string& name,
                                 store::Store& store, const fs::path& embed_dir) {
  ModelRunSummary summary;
  summary.model = name;
  const fs::path head_path = fs::path(options.mesh_dir) / "models" / (name + ".yml");
  auto head = HeadModel::load(head_path);
  if (head.status().code() == ErrorCode::kNotFound) {
    summary.skipped =
        "not trained: run `imagemesh train " + name + " --mesh " + options.mesh_dir + "` first";
    return summary;
  }
  IM_RETURN_IF_ERROR(head.status());
  const std::string source = head->source();
  auto source_vectors = VectorFile::open(embed_dir / (source + ".vectors"));
  if (source_vectors.status().code() == ErrorCode::kNotFound) {
    summary.skipped =
        "no " + source + " vectors: run `imagemesh embed --model " + source + "` first";
    return summary;
  }
  IM_RETURN_IF_ERROR(source_vectors.status());
  if (source_vectors->info().dimension != head->source_dim()) {
    return Status(ErrorCode::kInvalidArgument,
                  name + " was trained on " + std::to_string(head->source_dim()) + "-d " + source +
                      " vectors, the mesh has " + std::to_string(source_vectors->info().dimension) +
                      "-d ones: train it again (`imagemesh train " + name + "`)");
  }

  const fs::path vectors_path = embed_dir / (name + ".vectors");
  const fs::path index_path = embed_dir / (name + ".index");
  const fs::path stamp_path = embed_dir / (name + ".head");
  IM_ASSIGN_OR_RETURN(MappedFile head_file, MappedFile::open(head_path));
  const std::string head_sha = sha256_hex(head_file.bytes());
  if (options.rebuild || read_stamp(stamp_path) != head_sha) {
    std::error_code ignored;
    fs::remove(vectors_path, ignored);
    remove_index(index_path);
    IM_RETURN_IF_ERROR(store.clear_predictions(name));
    IM_RETURN_IF_ERROR(write_stamp(stamp_path, head_sha));
  }

  const Clock::time_point start = Clock::now();
  IM_ASSIGN_OR_RETURN(
      VectorFileWriter vectors,
      VectorFileWriter::open(vectors_path, {name, head->hidden_dim(), options.storage}));
  summary.pca_dim = head->hidden_dim();
  summary.explained_variance = 1;
  uint64_t todo = 0;
  for (uint64_t row = 0; row < source_vectors->rows(); ++row) {
    if (!source_vectors->has(row)) continue;
    ++summary.images;
    if (vectors.has(row)) {
      ++summary.already;
    } else {
      ++todo;
    }
  }
  MaybeProgressBar bar(options.progress, name, todo);
  std::vector<float> input(head->source_dim());
  std::vector<store::Store::Prediction> predictions;
  auto flush = [&]() -> Status {
    IM_RETURN_IF_ERROR(store.write_predictions(name, predictions));
    predictions.clear();
    return vectors.sync();
  };
  for (uint64_t row = 0; row < source_vectors->rows(); ++row) {
    if (!source_vectors->has(row) || vectors.has(row)) continue;
    if (options.cancel != nullptr && options.cancel->load()) {
      summary.cancelled = true;
      break;
    }
    IM_RETURN_IF_ERROR(source_vectors->read(row, input));
    auto output = head->apply(input);
    bar.advance();
    if (!output.ok() || !normalise(output->hidden)) {
      ++summary.failed;
      continue;
    }
    IM_RETURN_IF_ERROR(vectors.set(row, output->hidden));
    predictions.push_back(
        {static_cast<uint32_t>(row), head->label_names().at(output->label), output->probability});
    ++summary.embedded;
    ++summary.computed;
    if (predictions.size() >= kBatchRows) IM_RETURN_IF_ERROR(flush());
  }
  bar.finish();
  IM_RETURN_IF_ERROR(flush());
  IM_RETURN_IF_ERROR(vectors.close());
  summary.embed_seconds = seconds_since(start);
  if (summary.cancelled) return summary;

  const Clock::time_point index_start = Clock::now();
  auto updated = update_index(vectors_path, index_path, name, options.progress, options.cancel);
  summary.index_seconds = seconds_since(index_start);
  if (updated.status().code() == ErrorCode::kCancelled) {
    summary.cancelled = true;
    return summary;
  }
  IM_RETURN_IF_ERROR(updated.status());
  summary.index_size = updated->size;
  summary.index_added = updated->added;
  return summary;
}

}  // namespace imagemesh::embed

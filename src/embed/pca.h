// Principal component analysis fitted by streaming, for reducing model outputs before indexing.
//
// PcaFitter accumulates, in double, the sum and the scatter matrix of its inputs (shifted by the
// first vector, so large common offsets do not cancel catastrophically), batch by batch, so the
// sample never has to be in memory at once: D*D doubles of state (72 MiB at D = 3072). finish()
// takes the eigen-decomposition of the covariance (Eigen's SelfAdjointEigenSolver) and keeps the
// top output_dim axes. This is exact PCA of everything added, not an approximation like
// scikit-learn's IncrementalPCA (the seed's), whose result depends on the batch split.
//
// Deterministic: single-threaded, fixed summation order, no randomness; each component's sign is
// chosen so its largest-magnitude coordinate (the first such, on ties) is positive. The same
// vectors added in the same order give bit-identical results on the same build.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/status.h"

namespace imagemesh::embed {

inline constexpr uint32_t kPcaFormatVersion = 1;
// The scatter matrix is input_dim^2 doubles: 2 GiB at this bound.
inline constexpr uint32_t kMaxPcaInputDim = 16384;

// A fitted projection: y = normalise(components * (x - mean)).
struct Pca {
  uint32_t input_dim = 0;
  uint32_t output_dim = 0;
  uint64_t samples = 0;                          // vectors the fit saw
  std::vector<float> mean;                       // input_dim
  std::vector<float> components;                 // output_dim rows of input_dim, unit length
  std::vector<double> explained_variance;        // output_dim, descending
  std::vector<double> explained_variance_ratio;  // of the total variance of the inputs

  // out = components * (in - mean), not normalised. kInvalidArgument on wrong sizes.
  [[nodiscard]] Status project_unnormalised(std::span<const float> in, std::span<float> out) const;
  // The same, L2-normalised for cosine similarity. kInvalidArgument also when the projection is
  // (numerically) zero: the input has no component along any kept axis, so it has no direction.
  [[nodiscard]] Status project(std::span<const float> in, std::span<float> out) const;

  // Binary file (docs/embeddings.md): a 256-byte header (magic, version, dims, samples, SHA-256 of
  // the payload) then little-endian arrays. Written through a temporary file and a rename.
  [[nodiscard]] Status save(const std::filesystem::path& path) const;
  // Errors: kNotFound, kIo; kTruncated for a short file; kCorruptArchive for a bad magic, size,
  // checksum or non-finite value; kUnsupported for another format version.
  [[nodiscard]] static Result<Pca> load(const std::filesystem::path& path);
};

class PcaFitter {
 public:
  // input_dim in 1..kMaxPcaInputDim (kInvalidArgument otherwise); kTooLarge when the scatter
  // matrix cannot be allocated.
  [[nodiscard]] static Result<PcaFitter> create(uint32_t input_dim);
  ~PcaFitter();
  PcaFitter(PcaFitter&&) noexcept;
  PcaFitter& operator=(PcaFitter&&) noexcept;

  uint32_t input_dim() const { return input_dim_; }
  uint64_t count() const;

  // kInvalidArgument for a wrong size or a non-finite value (nothing is added then).
  [[nodiscard]] Status add(std::span<const float> vector);
  // Rows of input_dim values back to back.
  [[nodiscard]] Status add_batch(std::span<const float> rows);

  // The top output_dim axes of everything added so far; the fitter stays usable (more vectors can
  // be added and finish() called again). kInvalidArgument when output_dim is 0 or above
  // input_dim, or fewer than 2 vectors were added.
  [[nodiscard]] Result<Pca> finish(uint32_t output_dim);

 private:
  struct State;
  PcaFitter() = default;
  void flush();

  uint32_t input_dim_ = 0;
  std::unique_ptr<State> state_;
};

}  // namespace imagemesh::embed

#include "embed/pca.h"

#include <Spectra/MatOp/DenseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/atomic_file.h"
#include "core/hash.h"
#include "core/mapped_file.h"
#include "embed/unit_vector.h"

namespace imagemesh::embed {
namespace {

// The `count` largest eigenvalues (descending) of a symmetric matrix given by its lower triangle,
// with their unit eigenvectors as columns.
struct TopEigenpairs {
  Eigen::VectorXd values;
  Eigen::MatrixXd vectors;
};

// Every pair, from the dense solver (tridiagonalisation + QR: O(D^3), ~60 s at D = 3072).
Result<TopEigenpairs> all_eigenpairs(const Eigen::MatrixXd& lower, uint32_t count) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(lower, Eigen::ComputeEigenvectors);
  if (solver.info() != Eigen::Success) {
    return error(ErrorCode::kInternal, "PCA: the eigen-decomposition did not converge");
  }
  const Eigen::Index d = lower.rows();
  TopEigenpairs top{Eigen::VectorXd(count), Eigen::MatrixXd(d, count)};
  for (uint32_t k = 0; k < count; ++k) {  // the solver sorts ascending
    top.values[k] = solver.eigenvalues()[d - 1 - k];
    top.vectors.col(k) = solver.eigenvectors().col(d - 1 - k);
  }
  return top;
}

// Only the top `count` pairs, by Spectra's implicitly restarted Lanczos when they are a small
// part of the spectrum (the usual case: 256 of 3072 takes seconds instead of a minute). Converged
// to 1e-10 relative, i.e. the same axes as the dense solver up to rounding; deterministic (Spectra
// starts from a fixed pseudo-random vector). Falls back to the dense solver when Lanczos does not
// converge (e.g. a zero matrix) or would need most of the spectrum anyway.
Result<TopEigenpairs> top_eigenpairs(const Eigen::MatrixXd& lower, uint32_t count) {
  const auto d = static_cast<uint32_t>(lower.rows());
  const uint32_t subspace = std::max<uint32_t>(2 * count + 1, 20);
  if (d < 64 || subspace >= d) return all_eigenpairs(lower, count);
  try {  // Spectra reports misuse and numerical trouble by exceptions
    Spectra::DenseSymMatProd<double, Eigen::Lower> product(lower);
    Spectra::SymEigsSolver<Spectra::DenseSymMatProd<double, Eigen::Lower>> solver(
        product, static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(subspace));
    solver.init();
    solver.compute(Spectra::SortRule::LargestAlge, 1000, 1e-10);
    if (solver.info() == Spectra::CompInfo::Successful) {
      return TopEigenpairs{solver.eigenvalues(), solver.eigenvectors()};
    }
  } catch (const std::bad_alloc&) {
    throw;                           // finish() reports it
  } catch (const std::exception&) {  // fall through to the dense solver
  }
  return all_eigenpairs(lower, count);
}

static_assert(std::endian::native == std::endian::little,
              "the PCA format is little-endian and read by memcpy");

constexpr char kMagic[8] = {'I', 'M', 'E', 'M', 'B', 'P', 'C', 'A'};
constexpr size_t kHeaderBytes = 256;
constexpr size_t kShaOffset = 40;
// Vectors are buffered and folded into the scatter matrix this many at a time (a rank-k update is
// several times faster than k rank-1 updates). Fixed, so results do not depend on how the caller
// batches its add() calls.
constexpr Eigen::Index kBlock = 256;

template <typename T>
void put(std::string& out, size_t offset, T value) {
  std::memcpy(out.data() + offset, &value, sizeof(T));
}
template <typename T>
T get(std::string_view in, size_t offset) {
  T value;
  std::memcpy(&value, in.data() + offset, sizeof(T));
  return value;
}
template <typename T>
void append(std::string& out, const std::vector<T>& values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}
template <typename T>
std::vector<T> take(std::string_view in, size_t& offset, size_t count) {
  std::vector<T> values(count);
  std::memcpy(values.data(), in.data() + offset, count * sizeof(T));
  offset += count * sizeof(T);
  return values;
}

size_t payload_bytes(uint64_t input_dim, uint64_t output_dim) {
  return (input_dim + output_dim * input_dim) * sizeof(float) + 2 * output_dim * sizeof(double);
}

Status corrupt(const std::filesystem::path& path, const std::string& what) {
  return error(ErrorCode::kCorruptArchive, path.string() + ": PCA file: " + what);
}

template <typename T>
bool all_finite(const std::vector<T>& values) {
  return std::all_of(values.begin(), values.end(), [](T v) { return std::isfinite(v); });
}

}  // namespace

// ---- Pca ----

Status Pca::project_unnormalised(std::span<const float> in, std::span<float> out) const {
  if (in.size() != input_dim || out.size() != output_dim) {
    return error(ErrorCode::kInvalidArgument, "PCA projection: wrong vector size");
  }
  std::vector<double> centred(input_dim);
  for (size_t j = 0; j < input_dim; ++j) centred[j] = double(in[j]) - double(mean[j]);
  for (size_t k = 0; k < output_dim; ++k) {
    const float* row = components.data() + k * input_dim;
    double sum = 0;
    for (size_t j = 0; j < input_dim; ++j) sum += double(row[j]) * centred[j];
    out[k] = static_cast<float>(sum);
  }
  return Status::Ok();
}

Status Pca::project(std::span<const float> in, std::span<float> out) const {
  IM_RETURN_IF_ERROR(project_unnormalised(in, out));
  if (!normalise(out)) {
    return error(ErrorCode::kInvalidArgument,
                 "PCA projection is zero: the vector has no direction");
  }
  return Status::Ok();
}

Status Pca::save(const std::filesystem::path& path) const {
  if (input_dim == 0 || output_dim == 0 || output_dim > input_dim || mean.size() != input_dim ||
      components.size() != size_t{output_dim} * input_dim ||
      explained_variance.size() != output_dim || explained_variance_ratio.size() != output_dim) {
    return error(ErrorCode::kInvalidArgument, "PCA save: inconsistent sizes");
  }
  std::string payload;
  payload.reserve(payload_bytes(input_dim, output_dim));
  append(payload, mean);
  append(payload, components);
  append(payload, explained_variance);
  append(payload, explained_variance_ratio);

  std::string header(kHeaderBytes, '\0');
  std::memcpy(header.data(), kMagic, sizeof(kMagic));
  put<uint32_t>(header, 8, kPcaFormatVersion);
  put<uint32_t>(header, 12, input_dim);
  put<uint32_t>(header, 16, output_dim);
  put<uint64_t>(header, 24, samples);
  put<uint64_t>(header, 32, payload.size());
  const std::string sha = sha256_hex(payload);
  std::memcpy(header.data() + kShaOffset, sha.data(), sha.size());

  AtomicFileWriter out(path);
  IM_RETURN_IF_ERROR(out.open());
  IM_RETURN_IF_ERROR(out.write(header));
  IM_RETURN_IF_ERROR(out.write(payload));
  IM_RETURN_IF_ERROR(out.commit());
  return Status::Ok();
}

Result<Pca> Pca::load(const std::filesystem::path& path) {
  IM_ASSIGN_OR_RETURN(MappedFile file, MappedFile::open(path));
  const std::string_view bytes = file.bytes();
  if (bytes.size() < kHeaderBytes) {
    return error(ErrorCode::kTruncated, path.string() + ": PCA file shorter than its header");
  }
  const std::string_view in = bytes;
  if (std::memcmp(in.data(), kMagic, sizeof(kMagic)) != 0) return corrupt(path, "bad magic");
  if (get<uint32_t>(in, 8) != kPcaFormatVersion) {
    return error(ErrorCode::kUnsupported,
                 path.string() + ": PCA format version " + std::to_string(get<uint32_t>(in, 8)));
  }
  Pca pca;
  pca.input_dim = get<uint32_t>(in, 12);
  pca.output_dim = get<uint32_t>(in, 16);
  pca.samples = get<uint64_t>(in, 24);
  if (pca.input_dim == 0 || pca.input_dim > kMaxPcaInputDim || pca.output_dim == 0 ||
      pca.output_dim > pca.input_dim) {
    return corrupt(path, "bad dimensions");
  }
  const size_t expected = payload_bytes(pca.input_dim, pca.output_dim);
  if (get<uint64_t>(in, 32) != expected) return corrupt(path, "bad payload size");
  if (bytes.size() < kHeaderBytes + expected) {
    return error(ErrorCode::kTruncated, path.string() + ": PCA file is truncated");
  }
  if (bytes.size() > kHeaderBytes + expected) return corrupt(path, "trailing bytes");
  const std::string_view payload = in.substr(kHeaderBytes);
  if (sha256_hex(payload) != in.substr(kShaOffset, 64)) return corrupt(path, "checksum mismatch");
  size_t offset = kHeaderBytes;
  pca.mean = take<float>(in, offset, pca.input_dim);
  pca.components = take<float>(in, offset, size_t{pca.output_dim} * pca.input_dim);
  pca.explained_variance = take<double>(in, offset, pca.output_dim);
  pca.explained_variance_ratio = take<double>(in, offset, pca.output_dim);
  if (!all_finite(pca.mean) || !all_finite(pca.components) || !all_finite(pca.explained_variance) ||
      !all_finite(pca.explained_variance_ratio)) {
    return corrupt(path, "non-finite value");
  }
  return pca;
}

// ---- PcaFitter ----

struct PcaFitter::State {
  Eigen::VectorXd shift;    // the first vector added
  Eigen::VectorXd sum;      // of (x - shift)
  Eigen::MatrixXd scatter;  // lower triangle of the sum of (x - shift)(x - shift)^T
  Eigen::MatrixXd pending;  // input_dim x kBlock, columns (x - shift) not yet folded in
  Eigen::Index pending_count = 0;
  uint64_t count = 0;
};

Result<PcaFitter> PcaFitter::create(uint32_t input_dim) {
  if (input_dim == 0 || input_dim > kMaxPcaInputDim) {
    return error(ErrorCode::kInvalidArgument, "PCA input dimension out of range");
  }
  PcaFitter fitter;
  fitter.input_dim_ = input_dim;
  try {
    fitter.state_ = std::make_unique<State>();
    const auto d = static_cast<Eigen::Index>(input_dim);
    fitter.state_->shift = Eigen::VectorXd::Zero(d);
    fitter.state_->sum = Eigen::VectorXd::Zero(d);
    fitter.state_->scatter = Eigen::MatrixXd::Zero(d, d);
    fitter.state_->pending = Eigen::MatrixXd::Zero(d, kBlock);
  } catch (const std::bad_alloc&) {
    return error(ErrorCode::kTooLarge, "PCA: cannot allocate the scatter matrix");
  }
  return fitter;
}

PcaFitter::~PcaFitter() = default;
PcaFitter::PcaFitter(PcaFitter&&) noexcept = default;
PcaFitter& PcaFitter::operator=(PcaFitter&&) noexcept = default;

uint64_t PcaFitter::count() const { return state_->count; }

Status PcaFitter::add(std::span<const float> vector) {
  if (vector.size() != input_dim_) {
    return error(ErrorCode::kInvalidArgument, "PCA input of " + std::to_string(vector.size()) +
                                                  " values, expected " +
                                                  std::to_string(input_dim_));
  }
  if (!std::all_of(vector.begin(), vector.end(), [](float v) { return std::isfinite(v); })) {
    return error(ErrorCode::kInvalidArgument, "PCA input has non-finite values");
  }
  State& s = *state_;
  if (s.count == 0) {
    for (Eigen::Index j = 0; j < s.shift.size(); ++j) s.shift[j] = vector[j];
  }
  for (Eigen::Index j = 0; j < s.shift.size(); ++j) {
    s.pending(j, s.pending_count) = double(vector[j]) - s.shift[j];
  }
  ++s.pending_count;
  ++s.count;
  if (s.pending_count == kBlock) flush();
  return Status::Ok();
}

Status PcaFitter::add_batch(std::span<const float> rows) {
  if (rows.size() % input_dim_ != 0) {
    return error(ErrorCode::kInvalidArgument, "PCA batch is not a whole number of rows");
  }
  for (size_t offset = 0; offset < rows.size(); offset += input_dim_) {
    IM_RETURN_IF_ERROR(add(rows.subspan(offset, input_dim_)));
  }
  return Status::Ok();
}

void PcaFitter::flush() {
  State& s = *state_;
  if (s.pending_count == 0) return;
  auto block = s.pending.leftCols(s.pending_count);
  s.scatter.selfadjointView<Eigen::Lower>().rankUpdate(block);
  s.sum += block.rowwise().sum();
  s.pending_count = 0;
}

Result<Pca> PcaFitter::finish(uint32_t output_dim) {
  if (output_dim == 0 || output_dim > input_dim_) {
    return error(ErrorCode::kInvalidArgument, "PCA output dimension out of range");
  }
  if (state_->count < 2) return error(ErrorCode::kInvalidArgument, "PCA needs 2 or more vectors");
  flush();
  const State& s = *state_;
  const auto d = static_cast<Eigen::Index>(input_dim_);
  const double n = static_cast<double>(s.count);
  try {
    const Eigen::VectorXd shifted_mean = s.sum / n;
    Eigen::MatrixXd covariance = s.scatter;  // lower triangle is all the solver reads
    covariance.triangularView<Eigen::Lower>() -= n * shifted_mean * shifted_mean.transpose();
    covariance.triangularView<Eigen::Lower>() /= (n - 1);
    const double total = covariance.diagonal().sum();
    IM_ASSIGN_OR_RETURN(TopEigenpairs top, top_eigenpairs(covariance, output_dim));
    Pca pca;
    pca.input_dim = input_dim_;
    pca.output_dim = output_dim;
    pca.samples = s.count;
    pca.mean.resize(input_dim_);
    for (Eigen::Index j = 0; j < d; ++j) {
      pca.mean[j] = static_cast<float>(s.shift[j] + shifted_mean[j]);
    }
    pca.components.resize(size_t{output_dim} * input_dim_);
    const Eigen::VectorXd& values = top.values;
    const Eigen::MatrixXd& vectors = top.vectors;
    for (uint32_t k = 0; k < output_dim; ++k) {
      const Eigen::Index column = k;
      Eigen::Index largest = 0;
      for (Eigen::Index j = 1; j < d; ++j) {
        if (std::abs(vectors(j, column)) > std::abs(vectors(largest, column))) largest = j;
      }
      const double sign = vectors(largest, column) < 0 ? -1.0 : 1.0;
      for (Eigen::Index j = 0; j < d; ++j) {
        pca.components[k * size_t{input_dim_} + j] = static_cast<float>(sign * vectors(j, column));
      }
      const double variance = std::max(0.0, values[column]);
      pca.explained_variance.push_back(variance);
      pca.explained_variance_ratio.push_back(total > 0 ? variance / total : 0.0);
    }
    return pca;
  } catch (const std::bad_alloc&) {
    return error(ErrorCode::kTooLarge, "PCA: out of memory in the eigen-decomposition");
  }
}

}  // namespace imagemesh::embed

// pca: streaming PCA recovers known axes, is deterministic, and its file round-trips.
#include "embed/pca.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include "core/subprocess.h"
#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

constexpr uint32_t kDim = 16;

// An orthonormal basis (rows) from Gram-Schmidt on seeded Gaussian vectors: the "known rotation".
std::vector<std::vector<double>> rotation(uint32_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> basis;
  while (basis.size() < dim) {
    std::vector<double> v(dim);
    for (double& x : v) x = normal(rng);
    for (const auto& b : basis) {
      double dot = 0;
      for (size_t j = 0; j < dim; ++j) dot += v[j] * b[j];
      for (size_t j = 0; j < dim; ++j) v[j] -= dot * b[j];
    }
    double norm = 0;
    for (double x : v) norm += x * x;
    for (double& x : v) x /= std::sqrt(norm);
    basis.push_back(v);
  }
  return basis;
}

// n samples of offset + sum_k s_k z_k q_k: an anisotropic Gaussian rotated by `axes`, standard
// deviations 10, 5, 2 along the first three axes and 0.5 along the rest.
std::vector<float> samples(const std::vector<std::vector<double>>& axes, size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<float> out;
  out.reserve(n * kDim);
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> x(kDim, 0.0);
    for (size_t j = 0; j < kDim; ++j) x[j] = 100.0 + j;  // a large offset: the mean
    for (size_t k = 0; k < kDim; ++k) {
      const double sd = k == 0 ? 10 : k == 1 ? 5 : k == 2 ? 2 : 0.5;
      const double z = sd * normal(rng);
      for (size_t j = 0; j < kDim; ++j) x[j] += z * axes[k][j];
    }
    for (double v : x) out.push_back(static_cast<float>(v));
  }
  return out;
}

Pca fit(const std::vector<float>& data, uint32_t output_dim) {
  auto fitter = PcaFitter::create(kDim);
  EXPECT_TRUE(fitter.ok());
  EXPECT_TRUE(fitter->add_batch(data).ok());
  auto pca = fitter->finish(output_dim);
  EXPECT_TRUE(pca.ok()) << pca.status().to_string();
  return std::move(pca).value();
}

TEST(Pca, RecoversTheAxesOfARotatedGaussian) {
  const auto axes = rotation(kDim, 7);
  const Pca pca = fit(samples(axes, 20000, 1), 3);
  ASSERT_EQ(pca.output_dim, 3u);
  ASSERT_EQ(pca.samples, 20000u);
  for (size_t k = 0; k < 3; ++k) {
    double dot = 0, norm = 0;
    for (size_t j = 0; j < kDim; ++j) {
      dot += pca.components[k * kDim + j] * axes[k][j];
      norm += double(pca.components[k * kDim + j]) * pca.components[k * kDim + j];
    }
    EXPECT_NEAR(norm, 1.0, 1e-5);
    EXPECT_GT(std::abs(dot), 0.995) << "axis " << k;
  }
  for (size_t j = 0; j < kDim; ++j) EXPECT_NEAR(pca.mean[j], 100.0 + j, 0.3);
  EXPECT_NEAR(pca.explained_variance[0], 100.0, 5.0);
  EXPECT_NEAR(pca.explained_variance[1], 25.0, 1.5);
  EXPECT_NEAR(pca.explained_variance[2], 4.0, 0.3);
  const double total = 100 + 25 + 4 + 13 * 0.25;
  EXPECT_NEAR(pca.explained_variance_ratio[0], 100 / total, 0.02);
  // Sign rule: each component's largest-magnitude coordinate is positive.
  for (size_t k = 0; k < 3; ++k) {
    size_t largest = 0;
    for (size_t j = 1; j < kDim; ++j) {
      if (std::abs(pca.components[k * kDim + j]) > std::abs(pca.components[k * kDim + largest])) {
        largest = j;
      }
    }
    EXPECT_GT(pca.components[k * kDim + largest], 0.0f);
  }
}

// A few top axes of a wide input come from Spectra's Lanczos solver, a large share of them from
// the dense one (pca.cc, top_eigenpairs): both must give the same axes and variances.
TEST(Pca, LanczosAndDenseSolversAgree) {
  constexpr uint32_t kWide = 160;
  const auto axes = rotation(kWide, 11);
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  auto fitter = PcaFitter::create(kWide);
  ASSERT_TRUE(fitter.ok());
  std::vector<float> x(kWide);
  for (int i = 0; i < 3000; ++i) {
    std::vector<double> v(kWide, 1.0);
    for (uint32_t k = 0; k < kWide; ++k) {
      const double z = normal(rng) * 20.0 / (1.0 + k);  // distinct, decreasing variances
      for (uint32_t j = 0; j < kWide; ++j) v[j] += z * axes[k][j];
    }
    for (uint32_t j = 0; j < kWide; ++j) x[j] = static_cast<float>(v[j]);
    ASSERT_TRUE(fitter->add(x).ok());
  }
  auto few = fitter->finish(8);     // 2*8+1 < 160: Lanczos
  auto many = fitter->finish(100);  // 2*100+1 >= 160: dense
  ASSERT_TRUE(few.ok() && many.ok());
  for (size_t k = 0; k < 8; ++k) {
    EXPECT_NEAR(few->explained_variance[k], many->explained_variance[k],
                1e-8 * many->explained_variance[k]);
    for (size_t j = 0; j < kWide; ++j) {  // same sign rule, so the same vector
      EXPECT_NEAR(few->components[k * kWide + j], many->components[k * kWide + j], 1e-5);
    }
  }
}

TEST(Pca, MeanProjectsToZeroAndProjectionsAreUnit) {
  const Pca pca = fit(samples(rotation(kDim, 3), 2000, 2), 4);
  std::vector<float> out(4);
  ASSERT_TRUE(pca.project_unnormalised(pca.mean, out).ok());
  for (float v : out) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(pca.project(pca.mean, out).code(), ErrorCode::kInvalidArgument);

  std::vector<float> x = pca.mean;
  x[0] += 3;
  ASSERT_TRUE(pca.project(x, out).ok());
  double norm = 0;
  for (float v : out) norm += double(v) * v;
  EXPECT_NEAR(norm, 1.0, 1e-6);
  std::vector<float> wrong(3);
  EXPECT_EQ(pca.project(x, wrong).code(), ErrorCode::kInvalidArgument);
}

TEST(Pca, DeterministicAndIndependentOfBatching) {
  const auto data = samples(rotation(kDim, 5), 3000, 9);
  const Pca a = fit(data, 5);
  auto fitter = PcaFitter::create(kDim);
  ASSERT_TRUE(fitter.ok());
  for (size_t i = 0; i < 3000; ++i) {
    ASSERT_TRUE(fitter->add(std::span<const float>(data).subspan(i * kDim, kDim)).ok());
  }
  EXPECT_EQ(fitter->count(), 3000u);
  auto b = fitter->finish(5);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a.components, b->components);
  EXPECT_EQ(a.mean, b->mean);
  EXPECT_EQ(a.explained_variance, b->explained_variance);
}

TEST(Pca, RejectsBadInputs) {
  EXPECT_EQ(PcaFitter::create(0).status().code(), ErrorCode::kInvalidArgument);
  auto fitter = PcaFitter::create(4);
  ASSERT_TRUE(fitter.ok());
  std::vector<float> three(3, 1.0f);
  EXPECT_EQ(fitter->add(three).code(), ErrorCode::kInvalidArgument);
  std::vector<float> bad = {1, 2, NAN, 4};
  EXPECT_EQ(fitter->add(bad).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(fitter->add_batch(std::vector<float>(6, 1.0f)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(fitter->count(), 0u);
  ASSERT_TRUE(fitter->add(std::vector<float>{1, 2, 3, 4}).ok());
  EXPECT_EQ(fitter->finish(2).status().code(), ErrorCode::kInvalidArgument);  // one vector
  ASSERT_TRUE(fitter->add(std::vector<float>{2, 2, 3, 5}).ok());
  EXPECT_EQ(fitter->finish(5).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(fitter->finish(2).ok());
}

class PcaFile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::create("", "imagemesh-pca-test-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(dir).value());
    path_ = std::filesystem::path(dir_->path()) / "raw.pca";
    pca_ = fit(samples(rotation(kDim, 11), 1000, 4), 6);
    ASSERT_TRUE(pca_.save(path_).ok());
  }
  std::string read_all() { return testing::read_file(path_); }
  void write_all(const std::string& bytes) { testing::write_file(path_, bytes); }

  std::optional<ScopedTempDir> dir_;
  std::filesystem::path path_;
  Pca pca_;
};

TEST_F(PcaFile, RoundTripIsIdentical) {
  auto loaded = Pca::load(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->input_dim, pca_.input_dim);
  EXPECT_EQ(loaded->output_dim, pca_.output_dim);
  EXPECT_EQ(loaded->samples, pca_.samples);
  EXPECT_EQ(loaded->mean, pca_.mean);
  EXPECT_EQ(loaded->components, pca_.components);
  EXPECT_EQ(loaded->explained_variance, pca_.explained_variance);
  EXPECT_EQ(loaded->explained_variance_ratio, pca_.explained_variance_ratio);
  EXPECT_FALSE(std::filesystem::exists(path_.string() + ".tmp"));
}

TEST_F(PcaFile, DamageIsAnError) {
  const std::string good = read_all();
  write_all(good.substr(0, good.size() - 1));
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kTruncated);
  write_all(good.substr(0, 100));
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kTruncated);
  std::string flipped = good;
  flipped[300] ^= 1;
  write_all(flipped);
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kCorruptArchive);
  std::string magic = good;
  magic[0] = 'X';
  write_all(magic);
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kCorruptArchive);
  std::string version = good;
  version[8] = 9;
  write_all(version);
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kUnsupported);
  std::string dims = good;
  dims[16] = 100;  // output_dim above input_dim
  write_all(dims);
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kCorruptArchive);
  write_all(good + "x");
  EXPECT_EQ(Pca::load(path_).status().code(), ErrorCode::kCorruptArchive);
  EXPECT_EQ(Pca::load(path_.string() + ".missing").status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace imagemesh::embed

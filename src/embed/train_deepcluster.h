// `imagemesh train deepcluster`: DeepCluster (Caron et al., ECCV 2018) on frozen source features.
// The trainable network is a head (head_model.h) on the source model's stored vectors; each round
//   1. the current features (round 1: the source vectors; later: the head's hidden layer) are
//      PCA-whitened and L2-normalised, as in the paper;
//   2. cv::kmeans (k-means++ seeding from the seed) clusters them; a cluster left empty is
//      refilled by splitting a large one, as in the paper;
//   3. a new head is trained to predict the clusters from the source vectors, every cluster
//      weighing the same (the paper's uniform sampling over clusters, as sample weights);
// and reports the NMI between consecutive assignments (the paper's convergence measure) and the
// k-means inertia. The last round's head is saved: its hidden layer is the embedding and its
// argmax the image's cluster. Works on a deterministic sample of at most `sample` images.
// Deterministic: the same vectors, options and seed give a byte-identical file (docs/heads.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace imagemesh::embed {

struct DeepClusterOptions {
  std::string mesh_dir;
  std::string source = "mobilenet";
  int k = 100;
  int rounds = 10;
  uint64_t seed = 1;
  uint32_t hidden = 128;
  uint32_t sample = 100000;   // images trained on at most (smallest seeded hash of the ordinal)
  int max_iterations = 100;   // RPROP epochs per round
  uint32_t whiten_dim = 256;  // PCA dimensions kept before k-means (the paper's 256)
  std::string output_path;    // "" = <mesh>/models/deepcluster.yml
};

struct DeepClusterRound {
  int round = 0;
  double nmi_previous = -1;   // NMI(assignment, previous round's); -1 in round 1
  double inertia = 0;         // mean squared distance to the centre (features are unit length)
  int empty_fixed = 0;        // empty clusters refilled by a split
  int largest = 0;            // images in the largest cluster
  double head_agreement = 0;  // fraction of images whose head argmax is their cluster
  double kmeans_seconds = 0, train_seconds = 0;
};

struct DeepClusterSummary {
  std::string model_path;
  std::string source;
  uint32_t source_dim = 0;
  uint64_t images = 0;     // in the training sample
  uint64_t available = 0;  // images with a source vector
  int k = 0;
  uint32_t hidden = 0;
  std::vector<DeepClusterRound> rounds;
  double temperature = 1;
  double seconds = 0;
};

[[nodiscard]] Result<DeepClusterSummary> train_deepcluster(const DeepClusterOptions& options);

std::string describe(const DeepClusterSummary& summary);

// Normalised mutual information I(A; B) / sqrt(H(A) H(B)) of two partitions of the same items
// (the paper's measure). 1 for identical partitions up to renaming; 0 for independent ones; 1
// when both are a single cluster, 0 when only one is. `a` and `b` must have the same size.
double normalized_mutual_information(std::span<const int> a, std::span<const int> b);

}  // namespace imagemesh::embed

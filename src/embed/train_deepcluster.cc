#include "embed/train_deepcluster.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <opencv2/core.hpp>
#include <thread>

#include "core/log.h"
#include "core/stopwatch.h"
#include "embed/head_common.h"
#include "embed/head_model.h"

namespace imagemesh::embed {
namespace {

using Clock = std::chrono::steady_clock;

// The images trained on: every row with a vector, or the `sample` with the smallest seeded hash,
// in ordinal order.
std::vector<uint32_t> choose_sample(const VectorFile& vectors, const DeepClusterOptions& options) {
  std::vector<std::pair<uint64_t, uint32_t>> present;
  for (uint64_t row = 0; row < vectors.rows(); ++row) {
    if (vectors.has(row)) {
      present.emplace_back(seeded_hash(options.seed, row), static_cast<uint32_t>(row));
    }
  }
  if (present.size() > options.sample) {
    std::nth_element(present.begin(), present.begin() + options.sample, present.end());
    present.resize(options.sample);
  }
  std::vector<uint32_t> ordinals;
  for (const auto& [hash, ordinal] : present) ordinals.push_back(ordinal);
  std::sort(ordinals.begin(), ordinals.end());
  return ordinals;
}

// PCA-whitening (each kept axis scaled to unit variance) and L2 normalisation, as the paper does
// before k-means. Axes with (numerically) no variance are dropped rather than blown up.
cv::Mat whiten_and_normalise(const cv::Mat& features, uint32_t max_dim) {
  const int keep = std::min<int>({static_cast<int>(max_dim), features.cols, features.rows - 1});
  cv::PCA pca(features, cv::noArray(), cv::PCA::DATA_AS_ROW, keep);
  const cv::Mat eigenvalues = pca.eigenvalues;  // column, descending
  const double top = eigenvalues.at<float>(0);
  int kept = 0;
  while (kept < eigenvalues.rows && eigenvalues.at<float>(kept) > top * 1e-6) ++kept;
  kept = std::max(kept, 1);
  cv::Mat projected = pca.project(features).colRange(0, kept).clone();
  for (int j = 0; j < kept; ++j) {
    projected.col(j) *= 1.0 / std::sqrt(static_cast<double>(eigenvalues.at<float>(j)));
  }
  for (int i = 0; i < projected.rows; ++i) {
    cv::Mat row = projected.row(i);
    const double norm = cv::norm(row);
    if (norm > 0) row *= 1.0 / norm;
  }
  return projected;
}

// The paper's fix for empty clusters: a non-empty cluster, picked at random with probability
// proportional to its size minus one (as faiss, which the paper used, does), is split: its
// centre, perturbed by +-1/1024 in alternate coordinates, becomes two centres, and its members go
// to the nearer. Returns how many clusters were refilled.
int refill_empty_clusters(const cv::Mat& data, cv::Mat& labels, cv::Mat& centers, int k,
                          cv::RNG& rng) {
  std::vector<int> sizes(k, 0);
  for (int i = 0; i < labels.rows; ++i) sizes[labels.at<int>(i)]++;
  int fixed = 0;
  constexpr double kEps = 1.0 / 1024;
  for (int empty = 0; empty < k; ++empty) {
    if (sizes[empty] > 0) continue;
    int64_t weight = 0;
    for (int c = 0; c < k; ++c) weight += std::max(sizes[c] - 1, 0);
    if (weight == 0) break;  // every cluster has one image: nothing to split
    int64_t pick = static_cast<int64_t>(rng.uniform(0.0, 1.0) * double(weight));
    int split = 0;
    for (; split < k; ++split) {
      pick -= std::max(sizes[split] - 1, 0);
      if (pick < 0) break;
    }
    split = std::min(split, k - 1);
    for (int j = 0; j < centers.cols; ++j) {
      const float c = centers.at<float>(split, j);
      const double sign = j % 2 == 0 ? 1 : -1;
      centers.at<float>(empty, j) = static_cast<float>(c * (1 + sign * kEps));
      centers.at<float>(split, j) = static_cast<float>(c * (1 - sign * kEps));
    }
    std::vector<int> members;
    for (int i = 0; i < labels.rows; ++i) {
      if (labels.at<int>(i) == split) members.push_back(i);
    }
    int moved = 0;
    for (int i : members) {
      const double to_empty = cv::norm(data.row(i), centers.row(empty), cv::NORM_L2SQR);
      const double to_split = cv::norm(data.row(i), centers.row(split), cv::NORM_L2SQR);
      if (to_empty < to_split) {
        labels.at<int>(i) = empty;
        ++moved;
      }
    }
    if (moved == 0 || moved == static_cast<int>(members.size())) {
      // Identical members: the perturbation cannot tell them apart, so half of them move.
      moved = 0;
      for (size_t m = 0; m < members.size(); ++m) {
        labels.at<int>(members[m]) = m % 2 == 1 ? empty : split;
        moved += m % 2 == 1;
      }
    }
    sizes[empty] = moved;
    sizes[split] -= moved;
    ++fixed;
  }
  return fixed;
}

HeadInfo deepcluster_info(const DeepClusterOptions& options, uint32_t dim) {
  HeadInfo info;
  info.kind = "deepcluster";
  info.name = "deepcluster";
  info.source = options.source;
  info.source_dim = dim;
  info.hidden_dim = options.hidden;
  for (int c = 0; c < options.k; ++c) info.label_names.push_back(std::to_string(c));
  info.seed = options.seed;
  return info;
}

}  // namespace

double normalized_mutual_information(std::span<const int> a, std::span<const int> b) {
  const size_t n = std::min(a.size(), b.size());
  if (n == 0) return 1.0;
  std::map<int, double> pa, pb;
  std::map<std::pair<int, int>, double> joint;
  for (size_t i = 0; i < n; ++i) {
    pa[a[i]] += 1;
    pb[b[i]] += 1;
    joint[{a[i], b[i]}] += 1;
  }
  auto entropy = [n](const auto& counts) {
    double h = 0;
    for (const auto& [key, count] : counts) h -= count / n * std::log(count / n);
    return h;
  };
  const double ha = entropy(pa), hb = entropy(pb);
  if (ha <= 0 && hb <= 0) return 1.0;
  if (ha <= 0 || hb <= 0) return 0.0;
  double mutual = 0;
  for (const auto& [key, count] : joint) {
    const double p = count / n;
    mutual += p * std::log(p / (pa[key.first] / n * (pb[key.second] / n)));
  }
  return std::clamp(mutual / std::sqrt(ha * hb), 0.0, 1.0);
}

Result<DeepClusterSummary> train_deepcluster(const DeepClusterOptions& options) {
  const auto start = Clock::now();
  if (options.k < 2 || options.rounds < 1 || options.hidden < 2 || options.sample < 2) {
    return Status(ErrorCode::kInvalidArgument,
                  "deepcluster needs k >= 2, rounds >= 1, hidden >= 2 and sample >= 2");
  }
  DeepClusterSummary summary;
  summary.source = options.source;
  summary.k = options.k;
  summary.hidden = options.hidden;
  summary.model_path = options.output_path.empty()
                           ? default_head_path(options.mesh_dir, "deepcluster").string()
                           : options.output_path;
  IM_ASSIGN_OR_RETURN(VectorFile vectors, open_source_vectors(options.mesh_dir, options.source));
  const uint32_t dim = vectors.info().dimension;
  summary.source_dim = dim;
  summary.available = vectors.present_count();
  const std::vector<uint32_t> ordinals = choose_sample(vectors, options);
  summary.images = ordinals.size();
  if (ordinals.size() < static_cast<size_t>(options.k) * 2) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} clusters need at least {} images with {} vectors, the mesh has "
                              "{}: choose a smaller --k",
                              options.k, options.k * 2, options.source, ordinals.size()));
  }
  IM_ASSIGN_OR_RETURN(std::vector<float> rows, read_rows(vectors, ordinals));
  const int n = static_cast<int>(ordinals.size());
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  try {
    cv::Mat features = cv::Mat(n, static_cast<int>(dim), CV_32F, rows.data()).clone();
    cv::Mat labels, previous;
    std::optional<HeadModel> head;
    for (int round = 1; round <= options.rounds; ++round) {
      DeepClusterRound report;
      report.round = round;
      auto phase = Clock::now();
      cv::Mat prepared = whiten_and_normalise(features, options.whiten_dim);
      cv::Mat centers;
      {
        // k-means assigns rows in parallel, each row on its own: the result does not depend on
        // the thread count. Its k-means++ seeding draws from this thread's cv::theRNG().
        ScopedOpenCvThreads parallel(threads);
        cv::theRNG().state = seeded_hash(options.seed, static_cast<uint64_t>(round));
        const double compactness =
            cv::kmeans(prepared, options.k, labels,
                       cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 100, 1e-4),
                       1, cv::KMEANS_PP_CENTERS, centers);
        report.inertia = compactness / n;
      }
      cv::RNG split_rng(seeded_hash(options.seed ^ 0x5151, static_cast<uint64_t>(round)));
      report.empty_fixed = refill_empty_clusters(prepared, labels, centers, options.k, split_rng);
      report.kmeans_seconds = seconds_since(phase);
      const std::vector<int> assignment(labels.begin<int>(), labels.end<int>());
      if (!previous.empty()) {
        const std::vector<int> before(previous.begin<int>(), previous.end<int>());
        report.nmi_previous = normalized_mutual_information(assignment, before);
      }
      previous = labels.clone();

      // Uniform over clusters: each cluster's images share the same total weight.
      std::vector<int> sizes(options.k, 0);
      for (int label : assignment) sizes[label]++;
      report.largest = *std::max_element(sizes.begin(), sizes.end());
      HeadTrainingSet set;
      set.input_dim = dim;
      set.inputs = rows;
      set.labels = assignment;
      for (int label : assignment) set.weights.push_back(1.0f / static_cast<float>(sizes[label]));
      phase = Clock::now();
      {
        ScopedOpenCvThreads serial(1);  // RPROP is deterministic single-threaded only
        IM_ASSIGN_OR_RETURN(HeadModel trained, HeadModel::train(set, deepcluster_info(options, dim),
                                                                {options.max_iterations}));
        head = std::move(trained);
      }
      IM_ASSIGN_OR_RETURN(HeadBatch batch, head->apply_batch(rows));
      report.train_seconds = seconds_since(phase);
      int agree = 0;
      for (int i = 0; i < n; ++i) {
        const float* out = batch.outputs.data() + size_t(i) * options.k;
        agree += static_cast<int>(std::max_element(out, out + options.k) - out) == assignment[i];
      }
      report.head_agreement = double(agree) / n;
      if (round == options.rounds) {
        summary.temperature = fit_temperature(batch.outputs, assignment, options.k);
      }
      features = cv::Mat(n, static_cast<int>(options.hidden), CV_32F, batch.hidden.data()).clone();
      log::info(
          "deepcluster round {}: NMI with previous {:.3f}, inertia {:.4f}, head agrees {:.1f}%",
          round, report.nmi_previous, report.inertia, 100 * report.head_agreement);
      summary.rounds.push_back(report);
    }
    summary.seconds = seconds_since(start);
    // The file's copy of the summary leaves out timings and its own path: same inputs, same bytes.
    DeepClusterSummary timeless = summary;
    timeless.seconds = 0;
    timeless.model_path.clear();
    for (auto& round : timeless.rounds) round.kmeans_seconds = round.train_seconds = 0;
    const HeadModel final_head =
        head->with_temperature(summary.temperature).with_summary(describe(timeless));
    IM_RETURN_IF_ERROR(final_head.save(summary.model_path));
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kInternal, std::string("deepcluster: OpenCV failed: ") + e.what());
  }
  return summary;
}

std::string describe(const DeepClusterSummary& s) {
  std::string out = fmt::format(
      "deepcluster head on {} vectors ({}-d), k {}, hidden {}, trained on {} of {} images{}\n",
      s.source, s.source_dim, s.k, s.hidden, s.images, s.available,
      s.model_path.empty() ? "" : " -> " + s.model_path);
  const bool timed = s.seconds > 0;
  out += fmt::format("  {:>5} {:>9} {:>9} {:>7} {:>8} {:>11}{}\n", "round", "NMI prev", "inertia",
                     "empty", "largest", "head agrees", timed ? "   k-means s   train s" : "");
  for (const DeepClusterRound& r : s.rounds) {
    out +=
        fmt::format("  {:>5} {:>9} {:>9.4f} {:>7} {:>8} {:>10.1f}%", r.round,
                    r.nmi_previous < 0 ? std::string("-") : fmt::format("{:.3f}", r.nmi_previous),
                    r.inertia, r.empty_fixed, r.largest, 100 * r.head_agreement);
    if (timed) out += fmt::format(" {:>11.2f} {:>9.2f}", r.kmeans_seconds, r.train_seconds);
    out += "\n";
  }
  out +=
      fmt::format("probability temperature {:.4g} (fitted on the last round's training outputs)\n",
                  s.temperature);
  if (timed) out += fmt::format("took {:.1f} s\n", s.seconds);
  return out;
}

}  // namespace imagemesh::embed

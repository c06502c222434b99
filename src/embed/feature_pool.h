// Computes model features for a stream of images on several worker threads.
//
// A producer callback (on its own thread) emits tasks, or results it already has (e.g. features
// kept from an earlier pass); each worker owns one Model (models are not reentrant) and turns a
// task's normalised raster into features; the calling thread receives every result through the
// sink, so whatever the sink writes needs no lock. Memory stays flat: both queues are bounded.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "embed/model.h"
#include "store/thumbnail_store.h"

namespace imagemesh::embed {

struct FeatureTask {
  uint32_t ordinal = 0;
  std::string sha256;
};

struct FeatureResult {
  uint32_t ordinal = 0;
  std::string sha256;
  Result<std::vector<float>> features{std::vector<float>{}};
  bool computed = true;  // by a worker from pixels (false: emitted by the producer)
};

// What the producer calls; both return false once the run is stopping (sink error or cancel).
class FeatureEmitter {
 public:
  virtual ~FeatureEmitter() = default;
  virtual bool task(FeatureTask task) = 0;
  virtual bool result(FeatureResult result) = 0;
};

using FeatureProducer = std::function<Status(FeatureEmitter&)>;
using FeatureSink = std::function<Status(FeatureResult&&)>;

// Runs `produce` against `workers` (one Model each, at least one). Returns the first error of
// the producer or the sink (the rest of the run is abandoned), kCancelled when `cancel` was set,
// else ok. Per-image failures are results with an error, passed to the sink like the others.
[[nodiscard]] Status compute_features(std::vector<std::unique_ptr<Model>>& workers,
                                      const store::ThumbnailStore& thumbnails,
                                      const FeatureProducer& produce, const FeatureSink& sink,
                                      const std::atomic<bool>* cancel);

}  // namespace imagemesh::embed

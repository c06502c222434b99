#include "embed/feature_pool.h"

#include <optional>
#include <thread>
#include <utility>

#include "core/bounded_queue.h"

namespace imagemesh::embed {
namespace {

class QueueEmitter final : public FeatureEmitter {
 public:
  QueueEmitter(BoundedQueue<FeatureTask>& tasks, BoundedQueue<FeatureResult>& results,
               const std::atomic<bool>& stopping)
      : tasks_(tasks), results_(results), stopping_(stopping) {}

  bool task(FeatureTask task) override { return !stopping_ && tasks_.push(std::move(task)); }
  bool result(FeatureResult result) override {
    return !stopping_ && results_.push(std::move(result));
  }

 private:
  BoundedQueue<FeatureTask>& tasks_;
  BoundedQueue<FeatureResult>& results_;
  const std::atomic<bool>& stopping_;
};

Result<std::vector<float>> features_of(const Model& model, const store::ThumbnailStore& thumbnails,
                                       const std::string& sha256) {
  IM_ASSIGN_OR_RETURN(std::string raster, thumbnails.get(sha256, "raster", "jpg"));
  return embed_encoded(model, raster);
}

}  // namespace

Status compute_features(std::vector<std::unique_ptr<Model>>& workers,
                        const store::ThumbnailStore& thumbnails, const FeatureProducer& produce,
                        const FeatureSink& sink, const std::atomic<bool>* cancel) {
  if (workers.empty()) return Status(ErrorCode::kInternal, "compute_features: no workers");
  const size_t capacity = workers.size() * 8;
  BoundedQueue<FeatureTask> tasks(capacity);
  BoundedQueue<FeatureResult> results(capacity);
  std::atomic<bool> stopping{false};
  // Closes `results` once the producer and every worker are done, so the sink loop ends.
  std::atomic<size_t> running{workers.size() + 1};
  auto finished_one = [&] {
    if (running.fetch_sub(1) == 1) results.close();
  };

  Status producer_status;
  std::thread producer([&] {
    QueueEmitter emitter(tasks, results, stopping);
    producer_status = produce(emitter);
    tasks.close();
    finished_one();
  });
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& model : workers) {
    threads.emplace_back([&, worker = model.get()] {
      while (std::optional<FeatureTask> task = tasks.pop()) {
        if (stopping) continue;  // drain without working
        FeatureResult result{task->ordinal, task->sha256,
                             features_of(*worker, thumbnails, task->sha256)};
        if (!results.push(std::move(result))) break;
      }
      finished_one();
    });
  }

  Status sink_status;
  while (std::optional<FeatureResult> result = results.pop()) {
    if (!sink_status.ok()) continue;  // drain
    if (cancel != nullptr && cancel->load()) stopping = true;
    sink_status = sink(std::move(*result));
    if (!sink_status.ok()) stopping = true;
  }
  producer.join();
  for (auto& thread : threads) thread.join();
  if (!sink_status.ok()) return sink_status;
  if (!producer_status.ok()) return producer_status;
  if (cancel != nullptr && cancel->load()) return Status(ErrorCode::kCancelled, "interrupted");
  return Status::Ok();
}

}  // namespace imagemesh::embed

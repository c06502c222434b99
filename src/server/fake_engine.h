// Test support: a query::Engine with canned, query-derived answers that records what it was
// asked, so server tests check the wire (parameters in, JSON out) without a mesh. Header-only and
// used only by tests.
//
// Answers are functions of the query, so a client can check it got the answer to its own
// request: hit i of a page has id offset + i (random mode: offset + i + seed % 1000), total is
// 1000 (or 0 when the keywords are "nothing"). Uploads: bytes starting "%!PS" are kUnsupported,
// "BROKEN" kDecodeFailed, "HUGE" kTooLarge, anything else is accepted as an image.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "query/engine.h"

namespace imagemesh::server::testing {

class FakeEngine final : public query::Engine {
 public:
  static constexpr int64_t kTotal = 1000;

  FakeEngine() {
    info_.images = 1000;
    info_.papers = 40;
    info_.embeddings = {{"raw", 256, 1000, true, "the pixels"},
                        {"mobilenet", 256, 990, false, "MobileNetV2 features"}};
    info_.figure_type_model = "ternary";
    info_.max_upload_bytes = 64 * 1024;
  }

  const query::MeshInfo& info() const override { return info_; }

  Result<query::Results> run(const query::Query& query) const override {
    record(query);
    if (auto failure = take_failure()) return *failure;
    if (auto upload = check_upload(query); !upload.ok()) return upload;
    query::Results results;
    const bool similar = !query.positives.empty() || !query.upload.empty();
    const bool keyword = !query.keywords.empty();
    results.mode =
        similar ? (keyword ? "keyword+similar" : "similar") : (keyword ? "keyword" : "random");
    results.strategy = similar ? (query.exact ? "exact" : "ann") : (keyword ? "fts" : "shuffle");
    if (similar) results.embedding = query.embedding.empty() ? "raw" : query.embedding;
    results.total = query.keywords == "nothing" ? 0 : kTotal;
    results.offset = query.offset;
    const uint64_t shift = results.mode == "random" ? query.seed % 1000 : 0;
    for (int i = 0; i < query.limit && query.offset + i < results.total; ++i) {
      query::Hit hit;
      hit.image = summary(static_cast<uint32_t>(query.offset + i + shift));
      if (similar) hit.similarity = 1.0f - 0.001f * static_cast<float>(query.offset + i);
      if (keyword) {
        hit.score = 10.0 - i;
        hit.snippet = "a [match] here";
      }
      results.hits.push_back(std::move(hit));
    }
    if (query.facets) results.facets = facets();
    results.millis = 1.25;
    return results;
  }

  Result<query::Results> count(const query::Query& query) const override {
    record(query);
    if (auto failure = take_failure()) return *failure;
    query::Results results;
    results.mode = "count";
    results.total = kTotal;
    results.facets = facets();
    results.millis = 0.5;
    return results;
  }

  Result<query::Comparison> compare(const query::Query& query) const override {
    record(query);
    if (auto failure = take_failure()) return *failure;
    if (query.positives.empty() && query.upload.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "like: comparing embeddings needs a similar query (like=ID or an upload)");
    }
    if (auto upload = check_upload(query); !upload.ok()) return upload.status();
    query::Comparison comparison;
    for (const auto& embedding : info_.embeddings) {
      query::Comparison::Column column{embedding.name, "ann", "", {}};
      for (int i = 0; i < query.limit; ++i) {
        query::Hit hit;
        hit.image = summary(static_cast<uint32_t>(i + (embedding.name == "raw" ? 0 : 5)));
        hit.similarity = 0.9f;
        column.hits.push_back(std::move(hit));
      }
      comparison.columns.push_back(std::move(column));
    }
    comparison.columns.push_back({"broken", "unavailable", "image 3 has no broken vector", {}});
    comparison.overlap = {
        {query.limit, query.limit - 5, 0}, {query.limit - 5, query.limit, 0}, {0, 0, 0}};
    comparison.total = kTotal;
    comparison.millis = 3.0;
    return comparison;
  }

  Result<query::ImageDetail> detail(uint32_t id) const override {
    if (id >= kTotal) return Status(ErrorCode::kNotFound, "no image " + std::to_string(id));
    query::ImageDetail detail;
    detail.summary = summary(id);
    detail.creator = "matplotlib version 3.1.1";
    detail.size_bytes = 23145;
    detail.pages = 1;
    detail.raster_width = 768;
    detail.raster_height = 512;
    detail.predictions = {{"ternary", {"diagram", 0.97f}}};
    query::FigureUse use;
    use.figure_order = 2;
    use.label = "fig:arch";
    use.caption_text = "The architecture.";
    use.caption_tex = "The \\emph{architecture}.";
    detail.occurrences = {{detail.summary.paper_id, detail.summary.path, {use}}};
    detail.paper.id = detail.summary.paper_id;
    detail.paper.title = detail.summary.title;
    detail.paper.categories = {{"cs.CV", "Computer Vision and Pattern Recognition"}};
    detail.paper.described_by = "arxiv";
    detail.siblings = {summary(id + 1)};
    return detail;
  }

  Result<std::filesystem::path> thumbnail(std::string_view sha256,
                                          std::string_view kind) const override {
    std::lock_guard lock(mutex_);
    thumbnail_calls_.emplace_back(sha256);
    auto found = thumbnails_.find(std::string(sha256) + "/" + std::string(kind));
    if (found == thumbnails_.end()) {
      return Status(ErrorCode::kNotFound,
                    "no " + std::string(kind) + " thumbnail for " + std::string(sha256));
    }
    return found->second;
  }

  // --- test controls ---
  void add_thumbnail(const std::string& sha256, const std::string& kind,
                     const std::filesystem::path& file) {
    std::lock_guard lock(mutex_);
    thumbnails_[sha256 + "/" + kind] = file;
  }
  // The next run/count/compare fails with this status.
  void fail_next(Status status) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(status);
  }
  // Every run/count/compare sleeps this long first (requests in flight during a stop).
  void set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
  }
  std::vector<query::Query> queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
  }
  query::Query last_query() const {
    std::lock_guard lock(mutex_);
    return queries_.empty() ? query::Query{} : queries_.back();
  }
  std::vector<std::string> thumbnail_calls() const {
    std::lock_guard lock(mutex_);
    return thumbnail_calls_;
  }
  void set_max_upload_bytes(size_t bytes) { info_.max_upload_bytes = bytes; }

  static query::ImageSummary summary(uint32_t id) {
    query::ImageSummary s;
    s.id = id;
    s.sha256 = std::string(64, "0123456789abcdef"[id % 16]);
    s.paper_id = "1705." + std::to_string(10000 + id / 10);
    s.title = "Paper " + std::to_string(id / 10);
    s.date = "2017-05-03";
    s.category = "cs.CV";
    s.format = "pdf";
    s.path = "figs/f" + std::to_string(id) + ".pdf";
    s.web_width = 320;
    s.web_height = 214;
    s.figure_type = "diagram";
    return s;
  }

 private:
  void record(const query::Query& query) const {
    std::chrono::milliseconds delay{0};
    {
      std::lock_guard lock(mutex_);
      queries_.push_back(query);
      delay = delay_;
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
  }

  std::optional<Status> take_failure() const {
    std::lock_guard lock(mutex_);
    auto failure = std::move(failure_);
    failure_.reset();
    return failure;
  }

  static Result<query::Results> check_upload(const query::Query& query) {
    const std::string& bytes = query.upload;
    if (bytes.starts_with("%!PS")) {
      return Status(ErrorCode::kUnsupported, "PostScript uploads are not accepted");
    }
    if (bytes.starts_with("BROKEN")) {
      return Status(ErrorCode::kDecodeFailed, "the upload claims PNG but does not decode");
    }
    if (bytes.starts_with("HUGE")) {
      return Status(ErrorCode::kTooLarge, "the upload has 100000 x 100000 pixels");
    }
    return query::Results{};
  }

  static query::Facets facets() {
    query::Facets f;
    f.archive = {{"cs", "Computer Science", 900}};
    f.category = {{"cs.CV", "Computer Vision and Pattern Recognition", 512}};
    f.year = {{"2017", "2017", 80}};
    f.format = {{"pdf", "pdf", 700}};
    return f;
  }

  query::MeshInfo info_;
  mutable std::mutex mutex_;
  mutable std::vector<query::Query> queries_;
  mutable std::vector<std::string> thumbnail_calls_;
  mutable std::optional<Status> failure_;
  std::chrono::milliseconds delay_{0};
  std::map<std::string, std::filesystem::path> thumbnails_;
};

}  // namespace imagemesh::server::testing

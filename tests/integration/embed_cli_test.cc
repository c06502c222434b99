// `imagemesh embed` on the built-in sample: every converted image gets a vector and an index
// entry once; a second run does nothing; an interrupted run resumes to the very same files; a
// second process is refused; an image that cannot be read is counted and retried later.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/file_lock.h"
#include "embed/embed_job.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"
#include "integration/cli_support.h"
#include "store/store.h"
#include "store/thumbnail_store.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class EmbedCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("embed-cli");
    const std::string sample = scratch_->str() + "/sample";
    auto made = run_imagemesh({"sample", "--out", sample, "--papers", "16", "--seed", "5"});
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto ingest = run_imagemesh({"ingest", "--mesh", base_mesh(), "--no-progress", sample});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.output;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  static std::string base_mesh() { return scratch_->str() + "/base"; }

  // A private copy of the ingested mesh for one test.
  static std::string fresh_mesh(const std::string& name) {
    const std::string dir = scratch_->str() + "/" + name;
    fs::remove_all(dir);
    fs::copy(base_mesh(), dir, fs::copy_options::recursive);
    return dir;
  }

  static int64_t rasters(const std::string& mesh) {
    auto store = store::Store::open_read_only(mesh);
    EXPECT_TRUE(store.ok());
    auto count = (*store)->count_rasters();
    EXPECT_TRUE(count.ok());
    return *count;
  }

  static embed::EmbedOptions raw_options(const std::string& mesh) {
    embed::EmbedOptions options;
    options.mesh_dir = mesh;
    options.models = {"raw"};
    options.jobs = 2;
    options.progress = false;
    return options;
  }

  static ScratchDir* scratch_;
};
ScratchDir* EmbedCli::scratch_ = nullptr;

json embed_json(const std::string& mesh) {
  auto run = run_imagemesh({"embed", "--mesh", mesh, "--model", "raw", "--json", "--no-progress"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const size_t start = run.output.find('{');
  EXPECT_NE(start, std::string::npos) << run.output;
  return json::parse(run.output.substr(start))["models"][0];
}

TEST_F(EmbedCli, EmbedsEveryImageOnceAndASecondRunDoesNothing) {
  const std::string mesh = fresh_mesh("once");
  const int64_t images = rasters(mesh);
  ASSERT_GT(images, 20);

  const json first = embed_json(mesh);
  EXPECT_EQ(first["skipped"], "");
  EXPECT_EQ(first["images"], images);
  EXPECT_EQ(first["embedded"], images);
  EXPECT_EQ(first["computed"], images) << "the fit sample's features are reused, not recomputed";
  EXPECT_EQ(first["failed"], 0);
  EXPECT_TRUE(first["pca_fitted"].get<bool>());
  EXPECT_EQ(first["pca_dim"], images - 1) << "a small mesh keeps one axis fewer than images";
  EXPECT_EQ(first["index_size"], images);
  EXPECT_FALSE(fs::exists(mesh + "/embed/raw.fit.vectors")) << "the fit features are dropped";

  auto vectors = embed::VectorFile::open(mesh + "/embed/raw.vectors");
  ASSERT_TRUE(vectors.ok()) << vectors.status().to_string();
  EXPECT_EQ(vectors->present_count(), static_cast<uint64_t>(images));
  auto index = index::load_index(mesh + "/embed/raw.index");
  ASSERT_TRUE(index.ok()) << index.status().to_string();
  EXPECT_EQ((*index)->size(), static_cast<size_t>(images));

  // Each image is its own nearest neighbour (the sample repeats some pictures in several
  // formats: those tie with it).
  std::vector<float> row(vectors->info().dimension);
  for (uint64_t ordinal = 0; ordinal < vectors->rows(); ++ordinal) {
    if (!vectors->has(ordinal)) continue;
    ASSERT_TRUE(vectors->read(ordinal, row).ok());
    auto hits = (*index)->search(row, 10);
    ASSERT_TRUE(hits.ok());
    EXPECT_NEAR(hits->front().similarity, 1.0f, 1e-4f);
    auto self = std::find_if(hits->begin(), hits->end(),
                             [&](const index::Neighbor& hit) { return hit.id == ordinal; });
    ASSERT_NE(self, hits->end()) << "image " << ordinal << " is not among its 10 neighbours";
    EXPECT_NEAR(self->similarity, hits->front().similarity, 1e-4f);
  }

  const json second = embed_json(mesh);
  EXPECT_EQ(second["embedded"], 0);
  EXPECT_EQ(second["computed"], 0);
  EXPECT_EQ(second["already"], images);
  EXPECT_FALSE(second["pca_fitted"].get<bool>());
  EXPECT_EQ(second["index_added"], 0);
}

TEST_F(EmbedCli, AnInterruptedRunResumesToTheSameFiles) {
  const std::string interrupted = fresh_mesh("interrupted");
  const std::string straight = fresh_mesh("straight");

  // Cancelled from the start: the run stops after the first results reach the writer, keeping
  // what the workers had already computed.
  std::atomic<bool> cancel{true};
  embed::EmbedOptions options = raw_options(interrupted);
  options.cancel = &cancel;
  auto stopped = embed::run_embed(options);
  ASSERT_TRUE(stopped.ok()) << stopped.status().to_string();
  EXPECT_TRUE(stopped->cancelled);
  EXPECT_LT(stopped->models.at(0).computed, static_cast<uint64_t>(rasters(interrupted)));

  cancel = false;
  auto resumed = embed::run_embed(options);
  ASSERT_TRUE(resumed.ok()) << resumed.status().to_string();
  EXPECT_FALSE(resumed->cancelled);
  auto whole = embed::run_embed(raw_options(straight));
  ASSERT_TRUE(whole.ok()) << whole.status().to_string();

  EXPECT_EQ(stopped->models.at(0).computed + resumed->models.at(0).computed,
            whole->models.at(0).computed)
      << "no image is computed twice across the interruption";
  for (const char* file : {"raw.pca", "raw.vectors", "raw.index", "raw.index.hnsw"}) {
    EXPECT_EQ(read_file(interrupted + "/embed/" + file), read_file(straight + "/embed/" + file))
        << file << " differs after resuming";
  }
}

TEST_F(EmbedCli, ASecondRunOnTheSameMeshIsRefused) {
  const std::string mesh = fresh_mesh("locked");
  fs::create_directories(mesh + "/embed");
  auto held = FileLock::try_acquire(mesh + "/embed/lock");
  ASSERT_TRUE(held.ok());
  auto refused = embed::run_embed(raw_options(mesh));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("another `imagemesh embed` is running"),
            std::string::npos)
      << refused.status().to_string();
}

TEST_F(EmbedCli, AnUnreadableImageIsCountedAndRetriedNextRun) {
  const std::string mesh = fresh_mesh("unreadable");
  auto store = store::Store::open_read_only(mesh);
  ASSERT_TRUE(store.ok());
  auto page = (*store)->list_rasters(-1, 1000);
  ASSERT_TRUE(page.ok());
  // In a mesh this small every image is in the PCA's fit sample: the fit goes on without it.
  auto victim = std::max_element(page->begin(), page->end(),
                                 [](const auto& a, const auto& b) { return a.sha256 < b.sha256; });
  store::ThumbnailStore thumbnails(mesh);
  auto relative = thumbnails.relative_path(victim->sha256, "raster", "jpg");
  ASSERT_TRUE(relative.ok());
  const fs::path raster = fs::path(mesh) / *relative;
  const fs::path aside = fs::path(mesh) / "aside.jpg";
  fs::rename(raster, aside);

  auto first = embed::run_embed(raw_options(mesh));
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->models.at(0).failed, 1u);
  EXPECT_EQ(first->models.at(0).embedded, page->size() - 1);

  fs::rename(aside, raster);
  auto second = embed::run_embed(raw_options(mesh));
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(second->models.at(0).failed, 0u);
  EXPECT_EQ(second->models.at(0).embedded, 1u);
  EXPECT_EQ(second->models.at(0).index_added, 1u);
}

TEST_F(EmbedCli, EvaluateReportsNeighbourAgreementPerLabel) {
  const std::string mesh = fresh_mesh("evaluate");
  ASSERT_EQ(embed_json(mesh)["skipped"], "");
  // Labels: each image's format, in a CSV with quoting, an extra column and a row for an image
  // that is not in the mesh.
  auto store = store::Store::open_read_only(mesh);
  ASSERT_TRUE(store.ok());
  auto entries = (*store)->list_thumbnails({"", store::Store::ThumbnailFilter::Outcome::kOk, 1000});
  ASSERT_TRUE(entries.ok());
  std::string csv = "note,sha256,format\n";
  std::map<std::string, int> per_format;
  for (const auto& entry : *entries) {
    csv += "\"a, note\"," + entry.sha256 + "," + entry.format + "\n";
    per_format[entry.format]++;
  }
  csv += "x," + std::string(64, 'f') + ",png\n";
  const std::string labels = scratch_->str() + "/formats.csv";
  write_file(labels, csv);

  auto run = run_imagemesh(
      {"evaluate", "--mesh", mesh, "--labels", labels, "--column", "format", "-k", "5", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json report = json::parse(run.output.substr(run.output.find('[')))[0];
  EXPECT_EQ(report["model"], "raw");
  EXPECT_EQ(report["k"], 5);
  EXPECT_EQ(report["evaluated"], entries->size());
  EXPECT_EQ(report["not_in_mesh"], 1);
  double weighted = 0;
  for (const auto& label : report["labels"]) {
    const std::string format = label["label"];
    EXPECT_EQ(label["images"], per_format[format]) << format;
    EXPECT_NEAR(label["prior"].get<double>(),
                (per_format[format] - 1.0) / (static_cast<double>(entries->size()) - 1.0), 1e-9);
    EXPECT_GE(label["same_label"].get<double>(), 0.0);
    EXPECT_LE(label["same_label"].get<double>(), 1.0);
    weighted += label["same_label"].get<double>() * label["images"].get<double>();
  }
  EXPECT_NEAR(report["same_label"].get<double>(), weighted / entries->size(), 1e-9);

  auto bad = run_imagemesh({"evaluate", "--mesh", mesh, "--labels", labels, "--column", "kind"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("`kind`"), std::string::npos) << bad.output;
}

// A trained head is applied by `embed` to its source's vectors: a vector and a stored prediction
// per image; retraining it (a different file) makes the next run start the head over.
TEST_F(EmbedCli, HeadsAreAppliedToTheirSourceVectors) {
  const std::string mesh = fresh_mesh("heads");
  const int64_t images = rasters(mesh);
  ASSERT_EQ(embed_json(mesh)["skipped"], "");
  auto not_trained = embed::run_embed([&] {
    auto options = raw_options(mesh);
    options.models = {"deepcluster"};
    return options;
  }());
  ASSERT_TRUE(not_trained.ok()) << not_trained.status().to_string();
  EXPECT_NE(not_trained->models.at(0).skipped.find("imagemesh train deepcluster"),
            std::string::npos);

  auto trained = run_imagemesh({"train", "deepcluster", "--mesh", mesh, "--source", "raw", "--k",
                                "4", "--rounds", "2", "--seed", "1"});
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  embed::EmbedOptions options = raw_options(mesh);
  options.models = {"deepcluster"};
  auto first = embed::run_embed(options);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  const auto& applied = first->models.at(0);
  EXPECT_EQ(applied.skipped, "");
  EXPECT_EQ(applied.images, static_cast<uint64_t>(images));
  EXPECT_EQ(applied.embedded, static_cast<uint64_t>(images));
  EXPECT_EQ(applied.index_size, static_cast<uint64_t>(images));
  {
    auto store = store::Store::open(mesh);
    ASSERT_TRUE(store.ok());
    auto counts = (*store)->prediction_counts("deepcluster");
    ASSERT_TRUE(counts.ok());
    int64_t predicted = 0;
    for (const auto& [label, count] : *counts) {
      EXPECT_GE(std::stoi(label), 0);
      EXPECT_LT(std::stoi(label), 4);
      predicted += count;
    }
    EXPECT_EQ(predicted, images);
  }

  auto again = embed::run_embed(options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->models.at(0).embedded, 0u);
  EXPECT_EQ(again->models.at(0).already, static_cast<uint64_t>(images));

  auto retrained = run_imagemesh({"train", "deepcluster", "--mesh", mesh, "--source", "raw", "--k",
                                  "3", "--rounds", "2", "--seed", "2"});
  ASSERT_EQ(retrained.exit_code, 0) << retrained.output;
  auto redone = embed::run_embed(options);
  ASSERT_TRUE(redone.ok());
  EXPECT_EQ(redone->models.at(0).embedded, static_cast<uint64_t>(images));
  auto store = store::Store::open(mesh);
  ASSERT_TRUE(store.ok());
  auto counts = (*store)->prediction_counts("deepcluster");
  ASSERT_TRUE(counts.ok());
  EXPECT_LE(counts->size(), 3u) << "the old head's predictions are gone";
}

TEST_F(EmbedCli, HelpListAndBadModelNames) {
  auto help = run_imagemesh({"embed", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--model"), std::string::npos);
  EXPECT_NE(help.output.find("Resumable"), std::string::npos);

  auto list = run_imagemesh({"embed", "--list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("raw"), std::string::npos);
  EXPECT_NE(list.output.find("provenance"), std::string::npos) << list.output;

  auto unknown = run_imagemesh({"embed", "--mesh", fresh_mesh("unknown"), "--model", "cats"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown model 'cats'"), std::string::npos) << unknown.output;

  auto no_mesh = run_imagemesh({"embed", "--model", "raw"});
  EXPECT_EQ(no_mesh.exit_code, 2) << no_mesh.output;
}

}  // namespace
}  // namespace imagemesh::testing

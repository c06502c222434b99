// The main job end to end on the built-in sample: `imagemesh sample` -> `ingest` -> `export`,
// checked against the generator's ground truth; idempotency; resume after SIGKILL.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/cli_support.h"
#include "store/store.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

using nlohmann::json;

std::map<std::string, json> figures_by_key(const std::string& jsonl) {
  std::map<std::string, json> out;
  for (const auto& line : split_lines(jsonl)) {
    if (line.empty()) continue;
    json figure = json::parse(line);
    out[figure["paper"].get<std::string>() + "#" + std::to_string(figure["order"].get<int>())] =
        figure;
  }
  return out;
}

// Keeps only the keys the ground truth states, so extra export fields do not matter.
json project_like(const json& value, const json& shape) {
  if (shape.is_object() && value.is_object()) {
    json out = json::object();
    for (auto it = shape.begin(); it != shape.end(); ++it) {
      out[it.key()] = value.contains(it.key()) ? project_like(value[it.key()], it.value()) : json();
    }
    return out;
  }
  if (shape.is_array() && value.is_array() && !shape.empty()) {
    json out = json::array();
    for (const auto& element : value) out.push_back(project_like(element, shape[0]));
    return out;
  }
  return value;
}

class SamplePipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("sample-pipeline");
    auto made = run_imagemesh({"sample", "--out", sample_dir(), "--papers", "24", "--seed", "7"});
    ASSERT_EQ(made.exit_code, 0) << made.output;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  static std::string sample_dir() { return scratch_->str() + "/sample"; }
  static std::string mesh(const std::string& name) { return scratch_->str() + "/" + name; }

  static ScratchDir* scratch_;
};
ScratchDir* SamplePipeline::scratch_ = nullptr;

TEST_F(SamplePipeline, FiguresMatchTheGeneratorsGroundTruth) {
  auto ingest = run_imagemesh({"ingest", "--mesh", mesh("truth"), "--no-progress", sample_dir()});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.output;
  auto exported = run_imagemesh({"export", "figures", "--mesh", mesh("truth")});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;

  auto truth = figures_by_key(read_file(sample_dir() + "/truth/figures.jsonl"));
  auto actual = figures_by_key(exported.output);
  ASSERT_FALSE(truth.empty());
  for (const auto& [key, expected] : truth) {
    auto found = actual.find(key);
    ASSERT_NE(found, actual.end()) << "figure missing from export: " << key << "\n"
                                   << expected.dump(2);
    EXPECT_EQ(project_like(found->second, expected), expected) << key;
  }
  for (const auto& [key, figure] : actual) {
    EXPECT_TRUE(truth.count(key)) << "phantom figure: " << key << "\n" << figure.dump(2);
  }
}

TEST_F(SamplePipeline, SecondRunChangesNothing) {
  auto first =
      run_imagemesh({"ingest", "--mesh", mesh("idem"), "--no-progress", "--json", sample_dir()});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::string before;
  for (const char* what : {"figures", "images", "papers", "errors"}) {
    before += run_imagemesh({"export", what, "--mesh", mesh("idem")}).output;
  }
  auto second =
      run_imagemesh({"ingest", "--mesh", mesh("idem"), "--no-progress", "--json", sample_dir()});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  json summary = json::parse(split_lines(second.output).back());
  EXPECT_EQ(summary["papers_inserted"], 0);
  EXPECT_EQ(summary["papers_replaced"], 0);
  EXPECT_GT(summary["sources_skipped"].get<int>(), 0);
  std::string after;
  for (const char* what : {"figures", "images", "papers", "errors"}) {
    after += run_imagemesh({"export", what, "--mesh", mesh("idem")}).output;
  }
  EXPECT_EQ(before, after);
}

TEST_F(SamplePipeline, KilledRunResumesToTheSameDatabase) {
  ScratchDir big("resume");
  std::string corpus = big.str() + "/sample";
  auto made = run_imagemesh({"sample", "--out", corpus, "--papers", "400", "--seed", "11"});
  ASSERT_EQ(made.exit_code, 0) << made.output;

  // Thumbnails are left out here to keep the run short under sanitizers; resume of conversions is
  // the same mechanism (a batch commits its papers, sources and conversions together).
  auto whole = run_imagemesh(
      {"ingest", "--mesh", big.str() + "/whole", "--no-progress", "--no-convert", corpus});
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  // Small batches and one worker make the run long enough to be killed in the middle.
  const std::string killed = big.str() + "/killed";
  int pid = spawn_imagemesh({"ingest", "--mesh", killed, "--no-progress", "--no-convert", "--batch",
                             "2", "-j", "1", corpus});
  ASSERT_GT(pid, 0);
  int64_t papers_at_kill = 0;
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto store = store::Store::open_read_only(killed);
    if (!store.ok()) continue;
    auto counts = (*store)->counts();
    if (counts.ok() && counts->papers >= 20) {
      papers_at_kill = counts->papers;
      break;
    }
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed; make it longer";
  ASSERT_GE(papers_at_kill, 20);

  auto resumed = run_imagemesh(
      {"ingest", "--mesh", killed, "--no-progress", "--no-convert", "--json", corpus});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  json summary = json::parse(split_lines(resumed.output).back());
  EXPECT_GE(summary["sources_skipped"].get<int64_t>(), papers_at_kill);

  for (const char* what : {"figures", "images", "papers", "errors"}) {
    auto a = run_imagemesh({"export", what, "--mesh", big.str() + "/whole"});
    auto b = run_imagemesh({"export", what, "--mesh", killed});
    ASSERT_EQ(a.exit_code, 0);
    EXPECT_EQ(a.output, b.output) << what << " differ after resume";
  }
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* command : {"sample", "ingest", "export", "search", "help"}) {
    auto help = run_imagemesh({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.output;
    EXPECT_NE(help.output.find("Usage"), std::string::npos) << command << ": " << help.output;
  }
  auto overview = run_imagemesh({"help"});
  EXPECT_EQ(overview.exit_code, 0);
  EXPECT_NE(overview.output.find("ingest"), std::string::npos);
  auto unknown = run_imagemesh({"ingest", "--mesh"});
  EXPECT_NE(unknown.exit_code, 0);
}

TEST(Cli, ExportOfAMissingMeshSaysWhatToDo) {
  ScratchDir empty("no-mesh");
  auto result = run_imagemesh({"export", "figures", "--mesh", empty.str() + "/nothing"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("imagemesh ingest"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace imagemesh::testing

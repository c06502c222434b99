// Data-driven golden tests: every folder tests/golden/latex/<case>/ holds a small paper (TeX files
// and empty placeholder images) and expected.json, the canonical rendering of what a careful
// reader says the figures are. IMAGEMESH_UPDATE_GOLDEN=1 rewrites expected.json (then review the
// diff by hand: the files are the specification).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "latex/extract.h"
#include "latex/test_util.h"
#include "test_support/corpus.h"

namespace imagemesh::latex {
namespace {

namespace fs = std::filesystem;

fs::path golden_root() { return fs::path(IMAGEMESH_SOURCE_DIR) / "tests" / "golden" / "latex"; }

std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(golden_root(), ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpected) {
  fs::path dir = golden_root() / GetParam();
  testing::PaperFiles files = testing::load_folder(dir, {"expected.json"});
  ExtractResult result = extract_figures(files.sources());
  std::string actual = testing::render_result(result);
  fs::path expected_path = dir / "expected.json";
  if (const char* update = std::getenv("IMAGEMESH_UPDATE_GOLDEN"); update && *update == '1') {
    imagemesh::testing::write_file(expected_path, actual);
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << "missing " << expected_path << " (run with IMAGEMESH_UPDATE_GOLDEN=1)";
  std::string expected = imagemesh::testing::read_file(expected_path);
  // The expectation must itself be valid JSON.
  EXPECT_NO_THROW(testing::JsonReader(expected).parse());
  EXPECT_EQ(expected, actual) << "case " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Latex, GoldenTest, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(GoldenCorpus, HasEnoughCases) { EXPECT_GE(golden_cases().size(), 30u); }

}  // namespace
}  // namespace imagemesh::latex

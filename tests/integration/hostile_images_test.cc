// Hostile image files through the whole ingest: each ends as a recorded conversion failure within
// its limits, PostScript's file and %pipe% tricks do nothing, and --retry-failed tries again.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "integration/cli_support.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

using nlohmann::json;

std::map<std::string, json> images_by_path(const std::string& mesh) {
  std::map<std::string, json> out;
  for (const auto& line : split_lines(run_imagemesh({"export", "images", "--mesh", mesh}).output)) {
    json image = json::parse(line);
    out[image["paper"].get<std::string>() + "/" + image["path"].get<std::string>()] = image;
  }
  return out;
}

TEST(HostileImages, EndAsRecordedFailuresAndRetryTriesAgain) {
  const std::string corpus = shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << kNoCorpusMessage;
  const char* pwned = "/tmp/imagemesh-pwned.txt";
  std::filesystem::remove(pwned);
  ScratchDir scratch("hostile-images");
  const std::string mesh = scratch.str() + "/mesh";
  const std::string postscript = corpus + "/hostile/arXiv_src_2401_005.tar";
  const std::string rasters = corpus + "/hostile/arXiv_src_2401_006.tar";

  auto first = run_imagemesh(
      {"ingest", "--mesh", mesh, "--no-progress", "--timeout", "2", postscript, rasters});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto images = images_by_path(mesh);
  auto status_of = [&](const std::string& key) {
    EXPECT_TRUE(images.count(key)) << key;
    return images.count(key) ? images[key]["thumbnail"] : json();
  };
  EXPECT_EQ(status_of("2401.99016/loop.eps"), "timeout");
  EXPECT_EQ(status_of("2401.99016/passwd.eps"), "decode-failed");
  EXPECT_EQ(status_of("2401.99016/pipe.ps"), "decode-failed");
  EXPECT_EQ(status_of("2401.99016/good.eps"), "ok");
  EXPECT_EQ(status_of("2401.99017/bomb.png"), "too-large");
  EXPECT_EQ(status_of("2401.99017/truncated.jpg"), "decode-failed");
  EXPECT_EQ(status_of("2401.99017/good.png"), "ok");
  EXPECT_EQ(status_of("2401.99017/good.jpg"), "ok");
  EXPECT_EQ(status_of("2401.99017/pages200.pdf"), "ok");
  for (const char* svg : {"2401.99017/xxe.svg", "2401.99017/lol.svg", "2401.99017/ssrf.svg"}) {
    EXPECT_FALSE(status_of(svg).is_null()) << svg << " has an outcome";
  }
  EXPECT_FALSE(std::filesystem::exists(pwned)) << "a PostScript file wrote through %pipe%";
  EXPECT_EQ(first.output.find("root:x:0:0"), std::string::npos) << "/etc/passwd leaked into logs";
  // Ghostscript's private folders are removed, and nothing else is left in the mesh's tmp.
  EXPECT_TRUE(std::filesystem::is_empty(mesh + "/tmp"));

  // Nothing is converted again without --retry-failed ...
  auto again =
      run_imagemesh({"ingest", "--mesh", mesh, "--no-progress", "--json", postscript, rasters});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(json::parse(split_lines(again.output).back())["conversions"].empty());
  // ... and with it, exactly the failed ones are (still failing, with the same limits).
  auto retry = run_imagemesh({"ingest", "--mesh", mesh, "--no-progress", "--json", "--retry-failed",
                              "--timeout", "1", postscript, rasters});
  ASSERT_EQ(retry.exit_code, 0) << retry.output;
  json conversions = json::parse(split_lines(retry.output).back())["conversions"];
  EXPECT_EQ(conversions["eps"]["timeout"], 1) << conversions.dump();
  EXPECT_FALSE(conversions["eps"].contains("ok")) << "good.eps was converted again";
  EXPECT_FALSE(conversions["png"].contains("ok")) << "good.png was converted again";
}

}  // namespace
}  // namespace imagemesh::testing

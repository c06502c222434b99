// Thumbnails end to end on the sample: every image file is converted (or its failure recorded), and
// the test card's red square comes out red, square and trimmed in every format (docs/sample.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/cli_support.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

using nlohmann::json;

std::string raster_path(const std::string& mesh, const std::string& sha256) {
  return mesh + "/thumbs/" + sha256.substr(0, 2) + "/" + sha256.substr(2, 2) + "/" + sha256 +
         ".raster.jpg";
}

// The pixel at (x, y) of an image file, via libvips' command-line tool.
std::vector<int> pixel_at(const std::string& file, int x, int y) {
  std::string output;
  int status = run_command(
      "vips getpoint '" + file + "' " + std::to_string(x) + " " + std::to_string(y) + " 2>&1",
      &output);
  std::vector<int> values;
  if (status != 0) return values;
  std::istringstream in(output);
  double value;
  while (in >> value) values.push_back(static_cast<int>(value + 0.5));
  return values;
}

TEST(SampleThumbnails, EveryImageIsConvertedAndTheTestCardIsARedSquare) {
  ScratchDir scratch("sample-thumbnails");
  const std::string sample = scratch.str() + "/sample", mesh = scratch.str() + "/mesh";
  ASSERT_EQ(run_imagemesh({"sample", "--out", sample, "--papers", "16"}).exit_code, 0);
  auto ingest = run_imagemesh({"ingest", "--mesh", mesh, "--no-progress", "--json", sample});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.output;

  auto images = run_imagemesh({"export", "images", "--mesh", mesh});
  ASSERT_EQ(images.exit_code, 0);
  int cards = 0;
  for (const auto& line : split_lines(images.output)) {
    json image = json::parse(line);
    const std::string path = image["path"];
    ASSERT_FALSE(image["thumbnail"].is_null()) << path << " was not converted";
    if (path.rfind("card/red_square", 0) != 0) continue;
    ++cards;
    ASSERT_EQ(image["thumbnail"], "ok") << path << ": " << image["thumbnail_error"];
    const int width = image["raster_width"], height = image["raster_height"];
    // Trimmed to the square: the white page around it is gone, whatever the resolution.
    EXPECT_NEAR(width, height, 3) << path;
    EXPECT_GE(width, 90) << path;
    const std::string format = image["format"];
    if (format == "eps" || format == "ps" || format == "pdf" || format == "svg") {
      // The square is 100 pt of a 200 pt page. Vector pages render at most at 300 dpi, so every
      // vector format gives the same 417 px: trimmed, rendered again for the drawing (EPS, PS) or
      // with headroom (PDF, SVG), and not blown up to 512.
      EXPECT_NEAR(width, 100.0 * 300 / 72, 1.5) << path;
    }
    const std::string file = raster_path(mesh, image["sha256"]);
    for (auto [x, y] : {std::pair{width / 2, height / 2}, std::pair{5, 5}}) {
      auto rgb = pixel_at(file, x, y);
      ASSERT_GE(rgb.size(), 3u) << file;
      EXPECT_GE(rgb[0], 200) << path << " at " << x << "," << y;
      EXPECT_LE(rgb[1], 60) << path << " at " << x << "," << y;
      EXPECT_LE(rgb[2], 60) << path << " at " << x << "," << y;
    }
  }
  EXPECT_GE(cards, 10) << "the sample's test card has the red square in at least 10 formats";

  // A second run converts nothing again.
  auto again = run_imagemesh({"ingest", "--mesh", mesh, "--no-progress", "--json", sample});
  ASSERT_EQ(again.exit_code, 0);
  json summary = json::parse(split_lines(again.output).back());
  EXPECT_TRUE(summary["conversions"].empty()) << summary.dump();
}

// `--mesh out/mesh` from another directory, as tools/run-sample.sh does: Ghostscript runs inside
// its private folder, so every path it is given must still hold there.
TEST(SampleThumbnails, RelativeMeshPathConvertsPostScriptToo) {
  ScratchDir scratch("sample-thumbnails-relative");
  ASSERT_EQ(
      run_imagemesh({"sample", "--out", scratch.str() + "/sample", "--papers", "4"}).exit_code, 0);
  std::string output;
  const int status = run_command("cd '" + scratch.str() + "' && '" + IMAGEMESH_BINARY +
                                     "' ingest --mesh out/mesh --no-progress sample 2>&1",
                                 &output);
  ASSERT_EQ(status, 0) << output;
  auto images = run_imagemesh({"export", "images", "--mesh", scratch.str() + "/out/mesh"});
  ASSERT_EQ(images.exit_code, 0);
  int postscript = 0;
  for (const auto& line : split_lines(images.output)) {
    const json image = json::parse(line);
    EXPECT_EQ(image["thumbnail"], "ok") << image["path"] << ": " << image["thumbnail_error"];
    if (image["format"] == "eps" || image["format"] == "ps") ++postscript;
  }
  EXPECT_GE(postscript, 2);
}

}  // namespace
}  // namespace imagemesh::testing

// Thumbnails of every real image file in ../shared/corpus (arxiv/ and other/): each one converts,
// none is blank, sizes follow docs/thumbnails.md, and a contact sheet of all of them is written
// next to the test binary (shared-corpus-contact-sheet.jpg, with its .tsv index) for a person to
// look at.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "integration/cli_support.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

using nlohmann::json;

TEST(SharedThumbnails, EveryRealImageConvertsNonBlankAtTheDocumentedSize) {
  const std::string corpus = shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << kNoCorpusMessage;
  ScratchDir scratch("shared-thumbnails");
  const std::string mesh = scratch.str() + "/mesh";
  auto ingest = run_imagemesh(
      {"ingest", "--mesh", mesh, "--no-progress", "--json", corpus + "/arxiv", corpus + "/other"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.output;

  auto images = run_imagemesh({"export", "images", "--mesh", mesh});
  ASSERT_EQ(images.exit_code, 0);
  std::map<std::string, int> by_format;
  int rows = 0;
  for (const auto& line : split_lines(images.output)) {
    const json image = json::parse(line);
    const std::string where =
        image["paper"].get<std::string>() + "/" + image["path"].get<std::string>();
    ++rows;
    ASSERT_EQ(image["thumbnail"], "ok") << where << ": " << image["thumbnail_error"];
    EXPECT_EQ(image["thumbnail_blank"], false) << where << " converted to a blank page";
    const int width = image["raster_width"], height = image["raster_height"];
    const int short_side = std::min(width, height), long_side = std::max(width, height);
    EXPECT_LE(short_side, 512) << where;
    EXPECT_LE(long_side, 2048) << where;
    if (image["width_px"].is_number()) {
      // Rasters are never enlarged (trimming only makes them smaller).
      EXPECT_LE(width, image["width_px"].get<int>()) << where;
      EXPECT_LE(height, image["height_px"].get<int>()) << where;
    } else if (short_side < 512 && long_side < 2048) {
      // Vector pages reach the target unless the drawing is smaller than that at 300 dpi.
      const double short_pt =
          std::min(image["width_pt"].get<double>(), image["height_pt"].get<double>());
      EXPECT_LE(short_side, short_pt * 300 / 72 + 2) << where << " is smaller than it need be";
    }
    ++by_format[image["format"]];
  }
  // The corpus' README counts: eps 166, pdf 566 names of which 15 are AppleDouble files (not
  // images), png 68, ps 31 + 10 .ps_page_N.
  EXPECT_EQ(rows, 826);
  EXPECT_EQ(by_format["eps"], 166);
  EXPECT_EQ(by_format["pdf"], 551);
  EXPECT_EQ(by_format["png"], 68);
  EXPECT_EQ(by_format["ps"], 41);

  const std::string sheet =
      (std::filesystem::current_path() / "shared-corpus-contact-sheet.jpg").string();
  auto made = run_imagemesh({"contact-sheet", "--mesh", mesh, "-o", sheet, "--limit", "1000",
                             "--columns", "20", "--cell", "160"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  std::string header;
  ASSERT_EQ(run_command("vipsheader -f width '" + sheet + "'", &header), 0);
  EXPECT_EQ(std::stoi(header), 20 * 160 + 21 * 8);  // 20 cells and 21 gaps of 8 px
  // The index names every cell: a header line and one line per distinct image.
  const auto index =
      split_lines(read_file(std::filesystem::current_path() / "shared-corpus-contact-sheet.tsv"));
  ASSERT_FALSE(index.empty());
  EXPECT_EQ(index.front().rfind("cell\trow\tcolumn\tformat", 0), 0u);
  EXPECT_EQ(index.size(), 1u + 821u);
}

}  // namespace
}  // namespace imagemesh::testing

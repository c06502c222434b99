#include "imaging/ghostscript.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support/corpus.h"

namespace imagemesh::imaging {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

std::array<int, 3> pixel(const GhostscriptRaster& raster, int x, int y) {
  size_t at = raster.pixel_offset + (size_t(y) * raster.width + x) * 3;
  const auto* p = reinterpret_cast<const unsigned char*>(raster.bytes.data() + at);
  return {p[0], p[1], p[2]};
}

// Fraction of pixels that are not (near) white.
double ink_fraction(const GhostscriptRaster& raster) {
  size_t inked = 0;
  size_t count = size_t(raster.width) * raster.height;
  const auto* p = reinterpret_cast<const unsigned char*>(raster.bytes.data() + raster.pixel_offset);
  for (size_t i = 0; i < count; ++i, p += 3) {
    if (p[0] < 240 || p[1] < 240 || p[2] < 240) ++inked;
  }
  return count ? double(inked) / count : 0;
}

bool is_red(std::array<int, 3> rgb) { return rgb[0] > 200 && rgb[1] < 50 && rgb[2] < 50; }

ImageFacts facts_of(std::string_view bytes, std::string_view name) {
  auto facts = read_image_facts(bytes, name);
  return facts.ok() ? *facts : ImageFacts{};
}

// A 300 x 200 pt red box at (100, 200), and a blue square outside the box that must be cropped.
std::string red_box(std::string_view first_line) {
  return std::string(first_line) +
         "\n%%BoundingBox: 100 200 400 400\n%%EndComments\n"
         "0 0 1 setrgbcolor 0 0 50 50 rectfill\n"
         "1 0 0 setrgbcolor 100 200 300 200 rectfill\nshowpage\n%%EOF\n";
}

void expect_red_box(const Result<GhostscriptRaster>& raster) {
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_EQ(raster->width, 768);
  EXPECT_EQ(raster->height, 512);
  EXPECT_NEAR(raster->dpi, 72.0 * 512 / 200, 1e-9);
  EXPECT_TRUE(is_red(pixel(*raster, raster->width / 2, raster->height / 2)));
  EXPECT_TRUE(is_red(pixel(*raster, 3, 3)));  // the box's corner, not the blue square
  EXPECT_GT(ink_fraction(*raster), 0.99);
  EXPECT_EQ(raster->bytes.size(), raster->pixel_offset + 768u * 512 * 3);
}

TEST(Ghostscript, RendersEpsCroppedToAnOffsetBoundingBox) {
  std::string eps = red_box("%!PS-Adobe-3.0 EPSF-3.0");
  expect_red_box(render_postscript(eps, facts_of(eps, "red.eps")));
}

TEST(Ghostscript, RendersPlainPsCroppedToItsBoundingBox) {
  // gs ignores -dEPSCrop without "EPSF" on line 1; the fixed media + translate path applies.
  std::string ps = red_box("%!PS-Adobe-3.0");
  expect_red_box(render_postscript(ps, facts_of(ps, "red.ps")));
}

TEST(Ghostscript, RendersDosEpsPostScriptSection) {
  std::string eps = red_box("%!PS-Adobe-3.0 EPSF-3.0");
  std::string dos = "\xC5\xD0\xD3\xC6";
  auto le32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) dos.push_back(static_cast<char>(v >> (8 * i)));
  };
  le32(32);  // PostScript offset
  le32(static_cast<uint32_t>(eps.size()));
  for (int i = 0; i < 4; ++i) le32(0);  // no WMF, no TIFF preview
  dos.append("\xFF\xFF\0\0\0\0\0\0", 8);
  dos.resize(32, '\0');
  dos += eps;
  dos += "binary preview junk \x01\x02\x03";
  expect_red_box(render_postscript(dos, facts_of(dos, "red.eps")));
}

TEST(Ghostscript, NegativeBoundingBoxRendersTheDrawing) {
  // Like breakpoint.eps: the drawing lies above the letter page.
  std::string eps =
      "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: -109 859 645 1202\n%%EndComments\n"
      "0 0.5 0 setrgbcolor 8 setlinewidth -100 870 moveto 640 1190 lineto stroke\n"
      "0 0 1 setrgbcolor 200 950 100 100 rectfill\nshowpage\n";
  auto raster = render_postscript(eps, facts_of(eps, "breakpoint.eps"));
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_EQ(raster->height, 512);
  EXPECT_NEAR(raster->width, 512.0 * 754 / 343, 2);
  EXPECT_GT(ink_fraction(*raster), 0.03);
}

TEST(Ghostscript, NoBoundingBoxRendersTheLetterPage) {
  std::string ps = "%!PS\n0 0 1 setrgbcolor 0 0 306 396 rectfill showpage\n";
  auto raster = render_postscript(ps, ImageFacts{});
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_EQ(raster->width, 512);
  EXPECT_NEAR(raster->height, 512.0 * 792 / 612, 1);
  EXPECT_NEAR(ink_fraction(*raster), 0.25, 0.02);
}

TEST(Ghostscript, LongSideIsCapped) {
  std::string eps =
      "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1000 10\n%%EndComments\n"
      "0 setgray 0 0 1000 10 rectfill showpage\n";
  auto raster = render_postscript(eps, facts_of(eps, "strip.eps"));
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_EQ(raster->width, 2048);
  EXPECT_NEAR(raster->height, 20.48, 1);
}

TEST(Ghostscript, ResolutionIsCappedForTinyDrawings) {
  std::string eps =
      "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 24 12\n%%EndComments\n"
      "1 0 0 setrgbcolor 0 0 24 12 rectfill showpage\n";
  GhostscriptOptions options;
  options.max_dpi = 300;
  auto raster = render_postscript(eps, facts_of(eps, "icon.eps"), options);
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_EQ(raster->dpi, 300);  // not the 3072 dpi that 512 px would need
  EXPECT_NEAR(raster->width, 100, 1);
  EXPECT_NEAR(raster->height, 50, 1);
  EXPECT_TRUE(is_red(pixel(*raster, raster->width / 2, raster->height / 2)));
}

TEST(Ghostscript, StopsAfterPageOneOfAnEndlessDocument) {
  std::string ps =
      "%!PS-Adobe-3.0\n%%BoundingBox: 0 0 100 100\n%%Pages: 2\n%%EndComments\n"
      "%%Page: 1 1\n1 0 0 setrgbcolor 0 0 100 100 rectfill showpage\n"
      "%%Page: 2 2\n{} loop\nshowpage\n";
  GhostscriptOptions options;
  options.timeout_ms = 10000;
  auto raster = render_postscript(ps, facts_of(ps, "two.ps"), options);
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_LT(raster->wall_ms, 5000);
  EXPECT_TRUE(is_red(pixel(*raster, 256, 256)));
}

TEST(Ghostscript, PrintOutputDoesNotCorruptTheImage) {
  std::string eps =
      "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n%%EndComments\n"
      "(chatter on stdout\\n) print flush 1 0 0 setrgbcolor 0 0 100 100 rectfill showpage\n";
  auto raster = render_postscript(eps, facts_of(eps, "chatty.eps"));
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_TRUE(is_red(pixel(*raster, 0, 0)));
  EXPECT_NE(raster->log.find("chatter"), std::string::npos);
}

TEST(Ghostscript, EndlessLoopTimesOut) {
  std::string eps = "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n{} loop\n";
  GhostscriptOptions options;
  options.timeout_ms = 1000;
  auto raster = render_postscript(eps, facts_of(eps, "loop.eps"), options);
  ASSERT_FALSE(raster.ok());
  EXPECT_EQ(raster.status().code(), ErrorCode::kTimeout);
  EXPECT_EQ(raster.status().message(), "ghostscript did not finish within 1 s; killed");
}

TEST(Ghostscript, PostScriptErrorIsDecodeFailedWithTheErrorLine) {
  std::string eps = "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnosuchoperator\n";
  auto raster = render_postscript(eps, facts_of(eps, "bad.eps"));
  ASSERT_FALSE(raster.ok());
  EXPECT_EQ(raster.status().code(), ErrorCode::kDecodeFailed);
  EXPECT_NE(raster.status().message().find("/undefined"), std::string::npos)
      << raster.status().message();
}

TEST(Ghostscript, SaferRefusesPipesWritesReadsAndDeletes) {
  const std::string victim = "/tmp/imagemesh-gs-victim.txt";
  const std::vector<std::string> made = {"/tmp/imagemesh-gs-pipe.txt",
                                         "/tmp/imagemesh-gs-write.txt"};
  for (const std::string& path : made) fs::remove(path);
  testing::write_file(victim, "must survive\n");
  for (const char* body :
       {"(%pipe%touch /tmp/imagemesh-gs-pipe.txt) (w) file closefile",
        "(/tmp/imagemesh-gs-write.txt) (w) file closefile", "(relative.txt) (w) file closefile",
        "(/etc/passwd) (r) file pop", "(/tmp/imagemesh-gs-victim.txt) deletefile"}) {
    std::string eps = std::string("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n") + body +
                      "\n0 0 10 10 rectfill showpage\n";
    auto raster = render_postscript(eps, facts_of(eps, "probe.eps"));
    ASSERT_FALSE(raster.ok()) << body;
    EXPECT_EQ(raster.status().code(), ErrorCode::kDecodeFailed) << body;
  }
  for (const std::string& path : made) EXPECT_FALSE(fs::exists(path)) << path;
  EXPECT_TRUE(fs::exists(victim));
  fs::remove(victim);
}

TEST(Ghostscript, NotPostScriptAndMissingGs) {
  EXPECT_EQ(render_postscript("GIF89a", ImageFacts{}).status().code(), ErrorCode::kDecodeFailed);
  EXPECT_EQ(render_postscript("\xC5\xD0\xD3\xC6\x01", ImageFacts{}).status().code(),
            ErrorCode::kTruncated);
  GhostscriptOptions options;
  options.gs_path = "imagemesh-no-such-gs";
  EXPECT_EQ(
      render_postscript(red_box("%!PS-Adobe-3.0 EPSF-3.0"), ImageFacts{}, options).status().code(),
      ErrorCode::kNotFound);
}

TEST(Ghostscript, PrivateDirectoryIsRemoved) {
  ScratchDir scratch("gs-scratch");
  GhostscriptOptions options;
  options.scratch_root = scratch.str();
  std::string eps = red_box("%!PS-Adobe-3.0 EPSF-3.0");
  ASSERT_TRUE(render_postscript(eps, facts_of(eps, "red.eps"), options).ok());
  EXPECT_TRUE(fs::is_empty(scratch.path()));
}

// Extracts members of the paper 2401.99016 (crafted hostile figures) into `into`.
bool extract_hostile(const ScratchDir& into) {
  std::string corpus = testing::shared_corpus_dir();
  if (corpus.empty()) return false;
  std::string tar = corpus + "/hostile/arXiv_src_2401_005.tar";
  std::string dir = into.str();
  return testing::run_command("tar -xf '" + tar + "' -C '" + dir +
                              "' 2401/2401.99016.gz && tar -xzf '" + dir +
                              "/2401/2401.99016.gz' -C '" + dir + "'") == 0;
}

class GhostscriptHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::shared_corpus_dir().empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
    ASSERT_TRUE(extract_hostile(scratch_));
  }
  Result<GhostscriptRaster> render(const std::string& name, int timeout_ms = 20000) {
    std::string bytes = testing::read_file(scratch_.path() / name);
    GhostscriptOptions options;
    options.timeout_ms = timeout_ms;
    options.scratch_root = scratch_.str();
    return render_postscript(bytes, facts_of(bytes, name), options);
  }
  ScratchDir scratch_{"gs-hostile"};
};

TEST_F(GhostscriptHostile, LoopTimesOut) {
  auto raster = render("loop.eps", 2000);
  ASSERT_FALSE(raster.ok());
  EXPECT_EQ(raster.status().code(), ErrorCode::kTimeout);
  EXPECT_EQ(raster.status().message(), "ghostscript did not finish within 2 s; killed");
}

TEST_F(GhostscriptHostile, FileAndPipeAccessIsRefused) {
  const std::vector<std::string> pwned = {"/tmp/imagemesh-pwned.txt",
                                          "/tmp/imagemesh-pwned-ps.txt"};
  const std::string victim = "/tmp/imagemesh-victim.txt";
  for (const std::string& path : pwned) fs::remove(path);
  testing::write_file(victim, "must survive\n");
  for (const char* name : {"passwd.eps", "pipe.ps"}) {
    auto raster = render(name);
    ASSERT_FALSE(raster.ok()) << name;
    EXPECT_EQ(raster.status().code(), ErrorCode::kDecodeFailed) << name;
    EXPECT_NE(raster.status().message().find("/invalidfileaccess"), std::string::npos)
        << name << ": " << raster.status().message();
    EXPECT_EQ(raster.status().message().find("root:x:0:0"), std::string::npos);
    std::printf("[ hostile  ] %s -> %s\n", name, raster.status().to_string().c_str());
  }
  for (const std::string& path : pwned) EXPECT_FALSE(fs::exists(path)) << path;
  EXPECT_TRUE(fs::exists(victim));
  fs::remove(victim);
}

TEST_F(GhostscriptHostile, GoodEpsRenders) {
  auto raster = render("good.eps");
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  EXPECT_GT(ink_fraction(*raster), 0.01);
  EXPECT_EQ(raster->log.find("root:x:0:0"), std::string::npos);
}

TEST(GhostscriptCorpus, RealFiguresRenderNonBlankWithTheirAspect) {
  std::string corpus = testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
  ScratchDir scratch("gs-corpus");
  std::string dir = scratch.str();
  ASSERT_EQ(testing::run_command(
                "cd '" + dir + "' && tar -xf '" + corpus +
                "/arxiv/arXiv_src_1305_001.tar' 1305/1305.5590.gz && tar -xzf 1305/1305.5590.gz "
                "A.figs/dog.eps A.figs/breakpoint.eps && tar -xzf '" +
                corpus +
                "/other/slug-xshaped-radio-galaxies.tar.gz' source/chip_images/3c449.ps "
                "source/agn_spectra.ps_page_1"),
            0);
  std::vector<double> times;
  for (const char* name : {"A.figs/dog.eps", "A.figs/breakpoint.eps", "source/chip_images/3c449.ps",
                           "source/agn_spectra.ps_page_1"}) {
    std::string bytes = testing::read_file(scratch.path() / name);
    ImageFacts facts = facts_of(bytes, name);
    ASSERT_GT(facts.width_pt, 0) << name;
    auto raster = render_postscript(bytes, facts);
    ASSERT_TRUE(raster.ok()) << name << ": " << raster.status().to_string();
    double ink = ink_fraction(*raster);
    double aspect = double(raster->width) / raster->height;
    double box_aspect = facts.width_pt / facts.height_pt;
    EXPECT_GT(ink, 0.01) << name;
    EXPECT_NEAR(aspect / box_aspect, 1.0, 0.02) << name;
    EXPECT_EQ(std::min(raster->width, raster->height), 512) << name;
    std::printf("[ timing   ] %-32s %5dx%-5d %6.1f dpi ink %4.1f%%  %7.1f ms\n", name,
                raster->width, raster->height, raster->dpi, ink * 100, raster->wall_ms);
    times.push_back(raster->wall_ms);
  }
  std::sort(times.begin(), times.end());
  std::printf("[ timing   ] median %.1f ms over %zu files\n",
              (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2, times.size());
}

}  // namespace
}  // namespace imagemesh::imaging

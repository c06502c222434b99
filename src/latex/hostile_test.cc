// The hostile TeX cases of the shared corpus (hostile/arXiv_src_2401_008.tar, 2401.99019-99030):
// each must finish quickly, never read outside the paper and still find the control figures.
#include <gtest/gtest.h>

#include <chrono>

#include "latex/extract.h"
#include "latex/test_util.h"
#include "test_support/corpus.h"

namespace imagemesh::latex {
namespace {

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return s.find('\0') == std::string_view::npos;
}

void expect_clean_strings(const ExtractResult& r) {
  for (const Figure& f : r.figures) {
    EXPECT_TRUE(valid_utf8(f.caption_tex));
    EXPECT_TRUE(valid_utf8(f.caption_text));
    for (const GraphicsRef& g : f.graphics) {
      EXPECT_TRUE(valid_utf8(g.as_written));
      if (g.resolved) {
        EXPECT_NE(g.resolved->front(), '/');
        EXPECT_EQ(g.resolved->find(".."), std::string::npos);
      }
    }
  }
  for (const Diagnostic& d : r.diagnostics) EXPECT_TRUE(valid_utf8(d.message));
}

class HostileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = imagemesh::testing::shared_corpus_dir();
    if (corpus_.empty()) return;
    scratch_ = new imagemesh::testing::ScratchDir("latex-hostile");
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }

  // Extracts member 2401.<id> and runs extract_figures on it.
  ExtractResult run(const std::string& id, double* seconds = nullptr) {
    std::string dest = scratch_->str() + "/" + id;
    std::filesystem::create_directories(dest);
    EXPECT_TRUE(testing::unpack_paper(corpus_, "hostile/arXiv_src_2401_008.tar",
                                      "2401/2401." + id + ".gz", dest));
    files_ = testing::load_folder(dest);
    auto start = std::chrono::steady_clock::now();
    ExtractResult result = extract_figures(files_.sources());
    if (seconds) {
      *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    expect_clean_strings(result);
    return result;
  }

  static bool has_diagnostic(const ExtractResult& r, const std::string& kind) {
    for (const Diagnostic& d : r.diagnostics) {
      if (d.kind == kind) return true;
    }
    return false;
  }

  static std::string corpus_;
  static imagemesh::testing::ScratchDir* scratch_;
  testing::PaperFiles files_;
};

std::string HostileTest::corpus_;
imagemesh::testing::ScratchDir* HostileTest::scratch_ = nullptr;

#define SKIP_WITHOUT_CORPUS() \
  if (corpus_.empty()) GTEST_SKIP() << imagemesh::testing::kNoCorpusMessage

TEST_F(HostileTest, UnbalancedCaptionsAreBoundedAndLaterFiguresFound) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99019");
  ASSERT_EQ(r.figures.size(), 3u);
  EXPECT_EQ(r.figures[0].caption_text.rfind("An unbalanced caption", 0), 0u);
  EXPECT_EQ(r.figures[1].caption_text, "A normal caption after the broken one.");
  EXPECT_EQ(r.figures[2].caption_text, "Too many closing");
  EXPECT_TRUE(has_diagnostic(r, "unbalanced"));
}

TEST_F(HostileTest, CaptionTenThousandBracesDeep) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99020");
  ASSERT_EQ(r.figures.size(), 2u);
  EXPECT_EQ(r.figures[1].caption_text, "A normal caption.");
}

TEST_F(HostileTest, FiveMegabyteLineFindsTheOneFigure) {
  SKIP_WITHOUT_CORPUS();
  double seconds = 0;
  ExtractResult r = run("99021", &seconds);
  ASSERT_EQ(r.figures.size(), 1u);
  EXPECT_EQ(r.figures[0].caption_text, "The only figure, at the end of a 5 MB line.");
  EXPECT_LT(seconds, 10.0);  // linear; well under a second in a release build
}

TEST_F(HostileTest, Latin1CaptionBecomesUtf8) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99022");
  ASSERT_EQ(r.figures.size(), 1u);
  EXPECT_EQ(r.figures[0].caption_text.rfind("Évolution de l'énergie à très basse température", 0),
            0u)
      << r.figures[0].caption_text;
  ASSERT_EQ(r.figures[0].graphics.size(), 1u);
  EXPECT_EQ(r.figures[0].graphics[0].resolved.value_or(""), "fig.png");
}

TEST_F(HostileTest, Utf16WithBomIsDecoded) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99023");
  ASSERT_EQ(r.figures.size(), 1u);
  EXPECT_EQ(r.figures[0].caption_text.rfind("Température (°C)", 0), 0u)
      << r.figures[0].caption_text;
  EXPECT_EQ(r.figures[0].graphics[0].resolved.value_or(""), "fig.png");
}

TEST_F(HostileTest, FigureWithoutEndIsKept) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99024");
  ASSERT_EQ(r.figures.size(), 1u);
  EXPECT_EQ(r.figures[0].caption_text, "A figure environment that is never closed.");
  EXPECT_TRUE(has_diagnostic(r, "unbalanced"));
}

TEST_F(HostileTest, InputCyclesReportEachFigureOnce) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99025");
  ASSERT_EQ(r.figures.size(), 2u);
  EXPECT_EQ(r.figures[0].caption_text, "Figure in a.tex (a inputs b).");
  EXPECT_EQ(r.figures[1].caption_text, "Figure in a self-including document.");
  EXPECT_TRUE(has_diagnostic(r, "input-cycle"));
}

TEST_F(HostileTest, LocalFileInputsAreNeverRead) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99026");
  ASSERT_EQ(r.figures.size(), 1u);
  EXPECT_EQ(r.figures[0].caption_text, "The only real figure.");
  EXPECT_TRUE(has_diagnostic(r, "unsafe-path"));
  for (const Diagnostic& d : r.diagnostics)
    EXPECT_EQ(d.message.find("root:x:0"), std::string::npos);
}

TEST_F(HostileTest, GraphicsOutsideThePaperStayUnresolved) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99027");
  ASSERT_EQ(r.figures.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    ASSERT_EQ(r.figures[i].graphics.size(), 1u);
    EXPECT_FALSE(r.figures[i].graphics[0].resolved) << r.figures[i].graphics[0].as_written;
    EXPECT_FALSE(r.figures[i].graphics[0].unresolved_reason.empty());
  }
  EXPECT_EQ(r.figures[5].graphics[0].resolved.value_or(""), "fig.png");
}

TEST_F(HostileTest, GraphicsThroughMacros) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99028");
  std::vector<std::string> resolved;
  for (const Figure& f : r.figures) {
    for (const GraphicsRef& g : f.graphics) resolved.push_back(g.resolved.value_or("-"));
  }
  EXPECT_EQ(resolved, (std::vector<std::string>{"figs/one.png", "figs/two.png", "figs/three.png",
                                                "figs/four.png"}));
}

TEST_F(HostileTest, OnlyTheLiveFigureIsAFigure) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99029");
  ASSERT_EQ(r.figures.size(), 1u);
  ASSERT_EQ(r.figures[0].graphics.size(), 1u);
  EXPECT_EQ(r.figures[0].graphics[0].resolved.value_or(""), "live.png");
  EXPECT_EQ(r.figures[0].caption_text, "The only live figure; 50% of it is real.");
}

TEST_F(HostileTest, ShellEscapeIsJustText) {
  SKIP_WITHOUT_CORPUS();
  ExtractResult r = run("99030");
  ASSERT_EQ(r.figures.size(), 1u);
  EXPECT_EQ(r.figures[0].caption_text, "Shell escape attempt above.");
}

}  // namespace
}  // namespace imagemesh::latex

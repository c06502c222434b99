// Image facts over every image-like file of the shared corpus: each real figure gets a size, the
// known anchors match, hostile files end in clean errors, and the whole inventory is fast.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/safe_path.h"
#include "imaging/image_facts.h"
#include "test_support/corpus.h"

namespace imagemesh::imaging {
namespace {

namespace fs = std::filesystem;
using imagemesh::testing::read_file;
using imagemesh::testing::run_command;
using imagemesh::testing::ScratchDir;
using imagemesh::testing::shared_corpus_dir;

struct CorpusFile {
  std::string group;  // "arxiv", "other", "arxiv-derived", "hostile"
  std::string path;   // "<paper>/<path inside the paper>"
  std::string bytes;
};

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// Unpacks one bulk tar (arXiv_src_YYMM_NNN.tar) into dir/<paper id>/...: gzipped tar members are
// unpacked, PDF-only members kept as the paper's one file, single-file (bare gzip) members are
// TeX and skipped.
void unpack_bulk_tar(const fs::path& tar, const fs::path& dir, const fs::path& scratch) {
  fs::path bulk = scratch / ("bulk-" + tar.stem().string());
  fs::create_directories(bulk);
  (void)run_command("tar -xf " + quoted(tar) + " -C " + quoted(bulk) + " 2>/dev/null");
  for (const auto& entry : fs::recursive_directory_iterator(bulk)) {
    if (!entry.is_regular_file()) continue;
    std::string id = entry.path().stem().string();
    fs::path paper = dir / id;
    fs::create_directories(paper);
    if (entry.path().extension() == ".pdf") {
      fs::copy_file(entry.path(), paper / entry.path().filename());
    } else if (entry.path().extension() == ".gz") {
      (void)run_command("tar --no-same-permissions -xzf " + quoted(entry.path()) + " -C " +
                        quoted(paper) + " 2>/dev/null");
    }
  }
}

// The corpus unpacked once per test run and held in memory (the unpacked copy is removed). Hostile
// tars 2401_003 (gzip bombs, a 3 GiB sparse entry) and 2401_004 (links to /etc/passwd, device
// nodes, FIFOs, traversal names) attack the unpacker, not image parsing, so system tar is not
// pointed at them here.
const std::vector<CorpusFile>& corpus_files() {
  static std::vector<CorpusFile> files;
  static bool loaded = false;
  if (loaded) return files;
  loaded = true;
  auto scratch = std::make_unique<ScratchDir>("facts-corpus");
  fs::path root(shared_corpus_dir());
  for (std::string group : {"arxiv", "arxiv-derived", "hostile", "other"}) {
    fs::path out = scratch->path() / group;
    for (const auto& entry : fs::directory_iterator(root / group)) {
      std::string name = entry.path().filename().string();
      if (name.find("2401_003") != std::string::npos ||
          name.find("2401_004") != std::string::npos) {
        continue;
      }
      if (entry.path().extension() == ".tar") {
        unpack_bulk_tar(entry.path(), out, scratch->path());
      } else if (name.size() > 7 && name.substr(name.size() - 7) == ".tar.gz") {
        fs::path paper = out / name.substr(0, name.size() - 7);
        fs::create_directories(paper);
        (void)run_command("tar -xzf " + quoted(entry.path()) + " -C " + quoted(paper));
      }
    }
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
      if (!fs::is_regular_file(entry.symlink_status())) continue;  // no links, FIFOs, devices
      if (entry.file_size() > 256 * 1024 * 1024) continue;
      files.push_back({group, fs::relative(entry.path(), out).string(), read_file(entry.path())});
    }
  }
  return files;
}

const CorpusFile* find_file(std::string_view path) {
  for (const CorpusFile& file : corpus_files()) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

Result<ImageFacts> facts_of(std::string_view path) {
  const CorpusFile* file = find_file(path);
  if (file == nullptr) return error(ErrorCode::kNotFound, std::string(path));
  return read_image_facts(file->bytes, file->path);
}

std::string base_name(const std::string& path) { return fs::path(path).filename().string(); }

bool is_figure_extension(const std::string& path) {
  std::string ext = lower_extension(path);
  return ext == "pdf" || ext == "eps" || ext == "ps" || ext == "png" ||
         ext.rfind("ps_page_", 0) == 0;
}

class CorpusFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (shared_corpus_dir().empty()) GTEST_SKIP() << imagemesh::testing::kNoCorpusMessage;
  }
};

TEST_F(CorpusFactsTest, EveryImageOfEveryPaper) {
  std::map<std::string, int> by_format, creators, without_creator;
  std::vector<std::pair<std::chrono::nanoseconds, std::string>> slowest;
  std::map<std::string, std::vector<std::string>> errors;
  int images = 0, with_creator = 0;
  std::chrono::nanoseconds elapsed{0};
  for (const CorpusFile& file : corpus_files()) {
    if (!looks_like_image(file.bytes, file.path)) continue;
    ++images;
    auto start = std::chrono::steady_clock::now();
    Result<ImageFacts> facts = read_image_facts(file.bytes, file.path);
    auto took = std::chrono::steady_clock::now() - start;
    elapsed += took;
    slowest.emplace_back(took, file.path);
    if (!facts.ok()) {
      errors[facts.status().to_string()].push_back(file.group + "/" + file.path);
      ++by_format["(error)"];
    } else {
      ++by_format[std::string(image_format_name(facts->format))];
      if (!facts->creator.empty()) {
        ++with_creator;
        ++creators[facts->creator];
      } else {
        ++without_creator[std::string(image_format_name(facts->format))];
      }
    }
    bool junk = base_name(file.path).rfind("._", 0) == 0;
    if (file.group != "hostile" && is_figure_extension(file.path) && !junk) {
      EXPECT_TRUE(facts.ok()) << file.path << ": " << facts.status().to_string();
      if (facts.ok()) {
        EXPECT_TRUE((facts->width_px > 0 && facts->height_px > 0) ||
                    (facts->width_pt > 0 && facts->height_pt > 0))
            << file.path;
      }
    }
    if (junk && lower_extension(file.path) == "pdf") {
      ASSERT_FALSE(facts.ok()) << file.path;
      EXPECT_EQ(facts.status().code(), ErrorCode::kDecodeFailed);
      EXPECT_NE(facts.status().message().find("AppleDouble"), std::string::npos);
    }
  }
  std::printf("image facts: %d image files of %zu files, %.1f ms total\n", images,
              corpus_files().size(), elapsed.count() / 1e6);
  for (const auto& [format, count] : by_format) std::printf("  %-8s %d\n", format.c_str(), count);
  std::printf("errors:\n");
  for (const auto& [message, paths] : errors) {
    std::printf("  %zu x %s (e.g. %s)\n", paths.size(), message.c_str(), paths[0].c_str());
  }
  std::printf("without creator:");
  for (const auto& [format, count] : without_creator) std::printf(" %s %d", format.c_str(), count);
  std::sort(slowest.rbegin(), slowest.rend());
  std::printf("\nslowest:");
  for (size_t i = 0; i < slowest.size() && i < 3; ++i) {
    std::printf(" %s %.1f ms;", slowest[i].second.c_str(), slowest[i].first.count() / 1e6);
  }
  std::printf("\nwith creator: %d; %zu distinct; most common:\n", with_creator, creators.size());
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [creator, count] : creators) ranked.emplace_back(count, creator);
  std::sort(ranked.rbegin(), ranked.rend());
  for (size_t i = 0; i < ranked.size() && i < (std::getenv("FACTS_ALL_CREATORS") ? 1000 : 25);
       ++i) {
    std::printf("  %4d %s\n", ranked[i].first, ranked[i].second.c_str());
  }
  EXPECT_GT(images, 800);
  EXPECT_LT(elapsed, std::chrono::seconds(5));  // sanitizer build; release is milliseconds
}

TEST_F(CorpusFactsTest, KnownEpsAndPsBoundingBoxes) {
  Result<ImageFacts> dog = facts_of("1305.5590/A.figs/dog.eps");
  ASSERT_TRUE(dog.ok()) << dog.status().to_string();
  EXPECT_EQ(dog->format, ImageFormat::kEps);
  EXPECT_NEAR(dog->width_pt, 329, 1);
  EXPECT_NEAR(dog->height_pt, 130, 1);
  EXPECT_NE(dog->creator.find("CorelDRAW"), std::string::npos) << dog->creator;

  Result<ImageFacts> breakpoint = facts_of("1305.5590/A.figs/breakpoint.eps");
  ASSERT_TRUE(breakpoint.ok()) << breakpoint.status().to_string();
  EXPECT_NEAR(breakpoint->width_pt, 645 - -109, 1);
  EXPECT_NEAR(breakpoint->height_pt, 1202 - 859, 1);

  Result<ImageFacts> radio = facts_of("slug-xshaped-radio-galaxies/source/chip_images/3c449.ps");
  ASSERT_TRUE(radio.ok()) << radio.status().to_string();
  EXPECT_NEAR(radio->width_pt, 298, 0.01);
  EXPECT_NEAR(radio->height_pt, 149, 0.01);
}

TEST_F(CorpusFactsTest, KnownPdfPages) {
  Result<ImageFacts> sho = facts_of("1703.09710/figures/sho.pdf");
  ASSERT_TRUE(sho.ok()) << sho.status().to_string();
  EXPECT_EQ(sho->format, ImageFormat::kPdf);
  EXPECT_NEAR(sho->width_pt, 843.84, 0.01);
  EXPECT_NEAR(sho->height_pt, 267.84, 0.01);
  EXPECT_EQ(sho->pages, 1);

  int pdfs = 0, multi_page = 0;
  for (const CorpusFile& file : corpus_files()) {
    if (file.path.rfind("2203.02043/", 0) != 0 || lower_extension(file.path) != "pdf") continue;
    ++pdfs;
    Result<ImageFacts> facts = read_image_facts(file.bytes, file.path);
    ASSERT_TRUE(facts.ok()) << file.path << ": " << facts.status().to_string();
    if (facts->pages > 1) {
      ++multi_page;
      EXPECT_LE(facts->pages, 9) << file.path;
    }
  }
  EXPECT_EQ(multi_page, 72) << "of " << pdfs << " PDFs in 2203.02043";

  Result<ImageFacts> pdf_only = facts_of("2312.99002/2312.99002.pdf");
  ASSERT_TRUE(pdf_only.ok()) << pdf_only.status().to_string();
  EXPECT_EQ(pdf_only->pages, 2);
}

TEST_F(CorpusFactsTest, HostileImagesEndInCleanErrorsOrHeaderFacts) {
  Result<ImageFacts> bomb = facts_of("2401.99017/bomb.png");
  ASSERT_TRUE(bomb.ok()) << bomb.status().to_string();  // refusing to decode is the converter's
  EXPECT_EQ(bomb->width_px, 100000);
  EXPECT_EQ(bomb->height_px, 100000);

  Result<ImageFacts> empty = facts_of("2401.99017/empty.png");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kDecodeFailed);

  Result<ImageFacts> text = facts_of("2401.99017/notreally.png");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), ErrorCode::kDecodeFailed);
  EXPECT_EQ(sniff_image_format(find_file("2401.99017/notreally.png")->bytes, "notreally.png"),
            ImageFormat::kUnknown);

  Result<ImageFacts> truncated = facts_of("2401.99017/truncated.jpg");
  ASSERT_TRUE(truncated.ok()) << truncated.status().to_string();  // headers are intact
  EXPECT_GT(truncated->width_px, 0);

  Result<ImageFacts> pages = facts_of("2401.99017/pages200.pdf");
  ASSERT_TRUE(pages.ok()) << pages.status().to_string();
  EXPECT_EQ(pages->pages, 200);
  Result<ImageFacts> pdf_only = facts_of("2401.99018/2401.99018.pdf");
  ASSERT_TRUE(pdf_only.ok()) << pdf_only.status().to_string();
  EXPECT_EQ(pdf_only->pages, 200);

  for (std::string_view name : {"xxe.svg", "lol.svg", "ssrf.svg"}) {
    const CorpusFile* file = find_file("2401.99017/" + std::string(name));
    ASSERT_NE(file, nullptr) << name;
    EXPECT_EQ(sniff_image_format(file->bytes, name), ImageFormat::kSvg) << name;
    Result<ImageFacts> facts = read_image_facts(file->bytes, name);
    if (facts.ok()) {
      EXPECT_EQ(facts->creator.find("root:"), std::string::npos) << name;
    }
  }
  for (std::string_view name : {"loop.eps", "passwd.eps", "pipe.ps", "good.eps"}) {
    Result<ImageFacts> facts = facts_of("2401.99016/" + std::string(name));
    EXPECT_TRUE(facts.ok()) << name << ": " << facts.status().to_string();
  }
  for (std::string_view name : {"good.png", "good.jpg"}) {
    Result<ImageFacts> facts = facts_of("2401.99017/" + std::string(name));
    ASSERT_TRUE(facts.ok()) << name << ": " << facts.status().to_string();
    EXPECT_GT(facts->width_px, 0);
  }
}

TEST_F(CorpusFactsTest, TexFilesAreNeverImages) {
  for (const CorpusFile& file : corpus_files()) {
    std::string ext = lower_extension(file.path);
    if (ext == "tex" || ext == "bbl" || ext == "sty" || ext == "cls" || ext == "bib" ||
        ext == "pdf_tex") {
      EXPECT_FALSE(looks_like_image(file.bytes, file.path)) << file.path;
    }
  }
}

}  // namespace
}  // namespace imagemesh::imaging

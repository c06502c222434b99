// The sample corpus end to end: determinism, the bulk format checked with system tools, manifest
// sums, every image opened by Ghostscript or libvips' tools, the ground truth and metadata parsed.
#include "sample/sample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "sample/bulk_layout.h"
#include "test_support/corpus.h"

namespace imagemesh::sample {
namespace {

namespace fs = std::filesystem;
using imagemesh::testing::read_file;
using imagemesh::testing::run_command;
using imagemesh::testing::ScratchDir;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Relative path -> bytes of every file under `root`.
std::map<std::string, std::string> all_files(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
  }
  return files;
}

bool have_tool(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null 2>&1") == 0;
}

// One 24-paper sample (the default) shared by the tests, plus its summary.
class DefaultSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("sample-default");
    SampleOptions options;
    options.out_dir = dir().string();
    auto made = write_sample_corpus(options);
    ASSERT_TRUE(made.ok()) << made.status().to_string();
    summary_ = new SampleSummary(*made);
  }
  static void TearDownTestSuite() {
    delete scratch_;
    delete summary_;
    scratch_ = nullptr;
    summary_ = nullptr;
  }
  static fs::path dir() { return scratch_->path() / "sample"; }
  static std::vector<fs::path> bulk_tars() {
    std::vector<fs::path> tars;
    for (const auto& entry : fs::directory_iterator(dir() / "arxiv")) {
      if (entry.path().extension() == ".tar") tars.push_back(entry.path());
    }
    std::sort(tars.begin(), tars.end());
    return tars;
  }
  // Unpacks every paper to <scratch>/papers/<member or archive name>/; returns those folders.
  static std::vector<fs::path> unpack_all() {
    std::vector<fs::path> folders;
    const fs::path root = scratch_->path() / "papers";
    for (const auto& tar : bulk_tars()) {
      std::string listing;
      EXPECT_EQ(run_command("tar -tf " + quoted(tar), &listing), 0);
      for (const auto& member : lines_of(listing)) {
        fs::path folder = root / member;
        fs::create_directories(folder);
        std::string extract = "tar -xOf " + quoted(tar) + " '" + member + "'";
        if (member.ends_with(".pdf")) {
          EXPECT_EQ(run_command(extract + " > " + quoted(folder / "paper.pdf")), 0);
        } else if (run_command(extract + " | gzip -dc | tar -tf - >/dev/null 2>&1") == 0) {
          EXPECT_EQ(run_command(extract + " | tar -xzf - -C " + quoted(folder)), 0) << member;
        } else {
          EXPECT_EQ(run_command(extract + " | gzip -dc > " + quoted(folder / "main.tex")), 0);
        }
        folders.push_back(folder);
      }
    }
    for (const auto& entry : fs::directory_iterator(dir() / "other")) {
      fs::path folder = root / entry.path().filename();
      fs::create_directories(folder);
      EXPECT_EQ(run_command("tar -xzf " + quoted(entry.path()) + " -C " + quoted(folder)), 0);
      folders.push_back(folder);
    }
    return folders;
  }

  static ScratchDir* scratch_;
  static SampleSummary* summary_;
};
ScratchDir* DefaultSample::scratch_ = nullptr;
SampleSummary* DefaultSample::summary_ = nullptr;

TEST_F(DefaultSample, SummaryCoversEveryFormatAndPattern) {
  const SampleSummary& s = *summary_;
  EXPECT_EQ(s.papers, 24);
  EXPECT_EQ(s.arxiv_papers + s.other_papers, 24);
  EXPECT_EQ(s.other_papers, 2);
  for (const char* format :
       {"eps", "ps", "pdf", "svg", "png", "jpg", "gif", "tif", "bmp", "webp"}) {
    EXPECT_GT(s.images_by_format.count(format), 0u) << format << " missing: " << describe(s);
  }
  EXPECT_GT(s.subfigures, 0);
  EXPECT_EQ(static_cast<size_t>(s.figures),
            lines_of(read_file(dir() / "truth/figures.jsonl")).size());
}

TEST_F(DefaultSample, SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot) {
  ScratchDir again("sample-again");
  SampleOptions options;
  options.out_dir = (again.path() / "sample").string();
  options.threads = 1;  // the thread count must not matter
  ASSERT_TRUE(write_sample_corpus(options).ok());
  auto first = all_files(dir()), second = all_files(again.path() / "sample");
  ASSERT_EQ(first.size(), second.size());
  for (const auto& [path, bytes] : first) {
    ASSERT_TRUE(second.count(path)) << path;
    EXPECT_TRUE(second[path] == bytes) << path << " differs between two runs with the same seed";
  }

  // Writing into an earlier sample replaces it.
  options.seed = 2;
  options.threads = 0;
  ASSERT_TRUE(write_sample_corpus(options).ok());
  auto other = all_files(again.path() / "sample");
  int differing = 0;
  for (const auto& [path, bytes] : first) differing += other.count(path) && other[path] != bytes;
  EXPECT_GT(differing, 3);
  EXPECT_NE(other["truth/figures.jsonl"], first["truth/figures.jsonl"]);
}

TEST_F(DefaultSample, RefusesAFolderThatIsNotASample) {
  ScratchDir busy("sample-busy");
  imagemesh::testing::write_file(busy.path() / "thesis.tex", "precious");
  SampleOptions options;
  options.out_dir = busy.str();
  auto made = write_sample_corpus(options);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(read_file(busy.path() / "thesis.tex"), "precious");
  options.papers = 0;
  EXPECT_EQ(write_sample_corpus(options).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(DefaultSample, BulkTarsListSortedMembersThatUnpackWithSystemTools) {
  ASSERT_FALSE(bulk_tars().empty());
  std::vector<std::string> all_members;
  for (const auto& tar : bulk_tars()) {
    std::string listing;
    ASSERT_EQ(run_command("tar -tf " + quoted(tar), &listing), 0) << tar;
    auto members = lines_of(listing);
    ASSERT_FALSE(members.empty());
    EXPECT_TRUE(std::is_sorted(members.begin(), members.end())) << tar;
    const std::string yymm = tar.filename().string().substr(10, 4);
    for (const auto& member : members) {
      EXPECT_EQ(member.substr(0, 5), yymm + "/") << member;
      EXPECT_TRUE(member.ends_with(".gz") || member.ends_with(".pdf")) << member;
      const std::string extract = "tar -xOf " + quoted(tar) + " '" + member + "'";
      if (member.ends_with(".gz")) {
        EXPECT_EQ(run_command(extract + " | gzip -t"), 0) << member;
        std::string name_flag;  // FLG byte: bit 3 is FNAME
        ASSERT_EQ(run_command(extract + " | head -c 8 | od -An -tu1", &name_flag), 0);
        auto bytes = lines_of(name_flag);
        ASSERT_FALSE(bytes.empty());
        std::istringstream header(bytes[0]);
        int id1, id2, method, flags, m0, m1, m2, m3;
        header >> id1 >> id2 >> method >> flags >> m0 >> m1 >> m2 >> m3;
        EXPECT_EQ(flags & 8, 0) << member << " has a file name in its gzip header";
        EXPECT_EQ(m0 + m1 + m2 + m3, 0) << member << " has a gzip mtime";
      } else {
        std::string magic;
        ASSERT_EQ(run_command(extract + " | head -c 5", &magic), 0);
        EXPECT_EQ(magic, "%PDF-");
      }
    }
    all_members.insert(all_members.end(), members.begin(), members.end());
  }
  auto has = [&](const std::string& needle) {
    return std::any_of(all_members.begin(), all_members.end(),
                       [&](const std::string& m) { return m.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("0703/hep-ph0703")) << "old-style ids lose their slash";
  EXPECT_TRUE(has("0703/astro-ph0703"));
  EXPECT_TRUE(has("2004/2004.0000"));
  EXPECT_TRUE(has("1412/1412.0001.gz")) << "4-digit ids before 2015";
  EXPECT_TRUE(has(".pdf"));

  std::string other;
  ASSERT_EQ(run_command("ls " + quoted(dir() / "other"), &other), 0);
  EXPECT_EQ(lines_of(other),
            (std::vector<std::string>{"lensing-draft.tar.gz", "spectral-clustering-notes.tar.gz"}));
}

TEST_F(DefaultSample, ManifestMatchesTheTars) {
  const std::string xml = read_file(dir() / "arxiv/arXiv_src_manifest.xml");
  for (const auto& tar : bulk_tars()) {
    std::string md5;
    ASSERT_EQ(run_command("md5sum " + quoted(tar), &md5), 0);
    md5 = md5.substr(0, 32);
    const std::string name = tar.filename().string();
    size_t at = xml.find("<filename>src/" + name + "</filename>");
    ASSERT_NE(at, std::string::npos) << name;
    size_t start = xml.rfind("<file>", at), end = xml.find("</file>", at);
    const std::string block = xml.substr(start, end - start);
    EXPECT_NE(block.find("<md5sum>" + md5 + "</md5sum>"), std::string::npos) << name;
    EXPECT_NE(block.find("<size>" + std::to_string(fs::file_size(tar)) + "</size>"),
              std::string::npos);
    std::string listing;
    ASSERT_EQ(run_command("tar -tf " + quoted(tar), &listing), 0);
    auto members = lines_of(listing);
    auto stem = [](const std::string& member) {
      std::string s = member.substr(5);
      return s.substr(0, s.rfind('.'));
    };
    EXPECT_NE(block.find("<num_items>" + std::to_string(members.size()) + "</num_items>"),
              std::string::npos);
    EXPECT_NE(block.find("<first_item>" + stem(members.front()) + "</first_item>"),
              std::string::npos);
    EXPECT_NE(block.find("<last_item>" + stem(members.back()) + "</last_item>"), std::string::npos);
    // content_md5sum: md5 of the members' bytes concatenated in tar order.
    std::string content;
    ASSERT_EQ(run_command("for m in $(tar -tf " + quoted(tar) + "); do tar -xOf " + quoted(tar) +
                              " \"$m\"; done | md5sum",
                          &content),
              0);
    EXPECT_NE(block.find("<content_md5sum>" + content.substr(0, 32) + "</content_md5sum>"),
              std::string::npos)
        << name;
  }
}

TEST_F(DefaultSample, TruthAndMetadataAreJsonLinesWithTheExpectedShape) {
  const std::string check =
      "import json,sys\n"
      "rows=[json.loads(l) for l in sys.stdin]\n"
      "assert rows\n"
      "keys={'paper','order','env','caption','label','graphics','subfigures'}\n"
      "for r in rows:\n"
      "  assert set(r)==keys, r\n"
      "  for g in r['graphics']+[g for s in r['subfigures'] for g in s['graphics']]:\n"
      "    assert set(g)=={'as_written','resolved'}, g\n"
      "  for s in r['subfigures']: assert set(s)=={'caption','label','graphics'}, s\n"
      "by={}\n"
      "for r in rows: by.setdefault(r['paper'],[]).append(r['order'])\n"
      "for p,o in by.items(): assert o==list(range(1,len(o)+1)), (p,o)\n"
      "print(len(rows))\n";
  testing::write_file(scratch_->path() / "check_truth.py", check);
  std::string out;
  ASSERT_EQ(run_command("python3 " + quoted(scratch_->path() / "check_truth.py") + " < " +
                            quoted(dir() / "truth/figures.jsonl") + " 2>&1",
                        &out),
            0)
      << out;
  EXPECT_EQ(std::stoi(out), summary_->figures);

  const std::string meta =
      "import json,sys\n"
      "rows=[json.loads(l) for l in sys.stdin]\n"
      "keys=['id','submitter','authors','title','comments','journal-ref','doi','report-no',"
      "'categories','license','abstract','versions','update_date','authors_parsed']\n"
      "for r in rows:\n"
      "  assert list(r)==keys, list(r)\n"
      "  assert r['versions'] and r['versions'][0]['version']=='v1'\n"
      "  assert all(len(a)==3 for a in r['authors_parsed'])\n"
      "print(len(rows))\n";
  testing::write_file(scratch_->path() / "check_meta.py", meta);
  out.clear();
  ASSERT_EQ(run_command("python3 " + quoted(scratch_->path() / "check_meta.py") + " < " +
                            quoted(dir() / "metadata/sample-snapshot.jsonl") + " 2>&1",
                        &out),
            0)
      << out;
  EXPECT_EQ(std::stoi(out), summary_->arxiv_papers);
  // Snapshot form: ASCII only, old-style ids keep their slash.
  const std::string snapshot = read_file(dir() / "metadata/sample-snapshot.jsonl");
  EXPECT_TRUE(std::all_of(snapshot.begin(), snapshot.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
  EXPECT_NE(snapshot.find("\"id\":\"hep-ph/0703"), std::string::npos);
}

TEST_F(DefaultSample, EveryImageOpensWithSystemTools) {
  const bool gs = have_tool("gs"), vipsheader = have_tool("vipsheader");
  if (!gs && !vipsheader) GTEST_SKIP() << "neither gs nor vipsheader is installed";
  int checked = 0;
  for (const auto& folder : unpack_all()) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      if (!entry.is_regular_file()) continue;
      const std::string ext = entry.path().extension().string();
      const std::string file = quoted(entry.path());
      std::string output;
      if ((ext == ".eps" || ext == ".ps" || ext == ".pdf") && gs) {
        EXPECT_EQ(run_command("gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=nullpage " + file + " 2>&1",
                              &output),
                  0)
            << entry.path() << "\n"
            << output;
        EXPECT_EQ(output, "") << entry.path();
        ++checked;
      }
      if ((ext == ".png" || ext == ".jpg" || ext == ".gif" || ext == ".tif" || ext == ".webp" ||
           ext == ".svg" || ext == ".pdf") &&
          vipsheader) {
        EXPECT_EQ(run_command("vipsheader " + file + " 2>&1", &output), 0) << entry.path() << "\n"
                                                                           << output;
        ++checked;
      }
      if (ext == ".bmp") {
        const std::string bytes = read_file(entry.path());
        ASSERT_GE(bytes.size(), 54u);
        EXPECT_EQ(bytes.substr(0, 2), "BM");
        uint32_t declared = static_cast<uint8_t>(bytes[2]) | static_cast<uint8_t>(bytes[3]) << 8 |
                            static_cast<uint8_t>(bytes[4]) << 16 |
                            static_cast<uint32_t>(static_cast<uint8_t>(bytes[5])) << 24;
        EXPECT_EQ(declared, bytes.size());
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50);
}

TEST_F(DefaultSample, TestCardShowsARedSquareOnWhiteInEveryFormat) {
  if (!have_tool("vips") || !have_tool("gs")) GTEST_SKIP() << "needs vips and gs";
  fs::path card;
  for (const auto& folder : unpack_all()) {
    if (fs::exists(folder / "card/red_square.png")) card = folder / "card";
  }
  ASSERT_FALSE(card.empty());
  // Vector files rendered at 72 dpi are 200x200 like the raster ones.
  for (const char* vector : {"eps", "ps", "pdf"}) {
    std::string rendered = (card / (std::string("rendered_") + vector + ".png")).string();
    std::string eps_crop = std::string(vector) == "eps" ? " -dEPSCrop" : "";
    ASSERT_EQ(
        run_command("gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=png16m -r72" + eps_crop + " -o '" +
                    rendered + "' " + quoted(card / (std::string("red_square.") + vector))),
        0)
        << vector;
  }
  for (const char* name :
       {"red_square.png", "red_square.jpg", "red_square_cmyk.jpg", "red_square.gif",
        "red_square.tif", "red_square.webp", "rendered_eps.png", "rendered_ps.png",
        "rendered_pdf.png", "red_square.svg"}) {
    const std::string file = quoted(card / name);
    std::string centre, corner, width;
    ASSERT_EQ(run_command("vipsheader -f width " + file, &width), 0) << name;
    EXPECT_EQ(std::stoi(width), 200) << name;
    ASSERT_EQ(run_command("vips getpoint " + file + " 100 100", &centre), 0) << name;
    ASSERT_EQ(run_command("vips getpoint " + file + " 10 10", &corner), 0) << name;
    std::istringstream c(centre), k(corner);
    std::vector<double> red, white;
    for (double v; c >> v;) red.push_back(v);
    for (double v; k >> v;) white.push_back(v);
    ASSERT_GE(red.size(), 3u) << name;
    if (std::string(name) == "red_square_cmyk.jpg") {  // C M Y K: no cyan, full magenta, yellow
      EXPECT_LT(red[0], 30) << name;
      EXPECT_GT(red[1], 225) << name;
      EXPECT_GT(red[2], 225) << name;
      EXPECT_LT(white[1] + white[2] + white[3], 40) << name;
      continue;
    }
    EXPECT_GT(red[0], 235) << name;
    EXPECT_LT(red[1], 25) << name;
    EXPECT_LT(red[2], 25) << name;
    for (size_t i = 0; i < 3; ++i) EXPECT_GT(white[i], 235) << name;
  }
  std::string alpha;
  ASSERT_EQ(
      run_command("vips getpoint " + quoted(card / "red_square_alpha.png") + " 10 10", &alpha), 0);
  std::istringstream a(alpha);
  std::vector<double> corner;
  for (double v; a >> v;) corner.push_back(v);
  ASSERT_EQ(corner.size(), 4u);
  EXPECT_EQ(corner[3], 0) << "transparent background";
  const std::string eps = read_file(card / "red_square.eps");
  EXPECT_NE(eps.find("%%BoundingBox: 100 200 300 400\n"), std::string::npos);
  EXPECT_NE(eps.find("%%Creator: imagemesh-sample matplotlib-like\n"), std::string::npos);
}

TEST(SampleChunks, ManyPapersSplitIntoNumberedBulkTars) {
  ScratchDir scratch("sample-chunks");
  SampleOptions options;
  options.out_dir = scratch.str();
  options.papers = 40;
  options.seed = 5;
  options.members_per_tar = 4;
  auto made = write_sample_corpus(options);
  ASSERT_TRUE(made.ok()) << made.status().to_string();
  EXPECT_EQ(made->papers, 40);
  EXPECT_GT(made->bulk_tars, 5);
  EXPECT_TRUE(fs::exists(scratch.path() / "arxiv/arXiv_src_2004_002.tar"));
  const std::string xml = read_file(scratch.path() / "arxiv/arXiv_src_manifest.xml");
  EXPECT_NE(xml.find("<seq_num>2</seq_num>"), std::string::npos);
  std::string listing;
  ASSERT_EQ(
      run_command("tar -tf " + quoted(scratch.path() / "arxiv/arXiv_src_2004_001.tar"), &listing),
      0);
  EXPECT_EQ(lines_of(listing).size(), 4u);
}

TEST(SamplePlan, IdsAreUniqueAndWellFormed) {
  auto plan = plan_papers(3000, 1);
  std::set<std::string> ids, members;
  for (const auto& slot : plan) {
    EXPECT_TRUE(ids.insert(slot.id).second) << slot.id;
    EXPECT_TRUE(members.insert(member_name(slot)).second) << member_name(slot);
  }
  EXPECT_EQ(plan[0].id, "1412.0001");
  EXPECT_EQ(plan[1].id, "1905.00001");
}

}  // namespace
}  // namespace imagemesh::sample

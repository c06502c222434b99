// `imagemesh metadata import | harvest | stats` and `imagemesh search` end to end on the real
// arXiv records of ../shared/corpus/metadata: both forms, compressed, damaged and malformed input,
// idempotence, the join with ingested sources in either order, and a harvest from a real OAI-PMH
// server on loopback that answers 503 Retry-After, and one that goes down part way.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/cli_support.h"
#include "test_support/corpus.h"
#include "test_support/oai_server.h"

namespace imagemesh::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// An export of metadata without the column naming where each record came from.
std::string without_sources(const std::string& exported) {
  std::string out;
  for (const auto& line : split_lines(exported)) {
    json row = json::parse(line);
    row.erase("source");
    out += row.dump() + "\n";
  }
  return out;
}

class MetadataCli : public ::testing::Test {
 protected:
  MetadataCli() : scratch_("metadata-cli"), mesh_(scratch_.str() + "/mesh") {}
  void SetUp() override {
    corpus_ = shared_corpus_dir();
    if (corpus_.empty()) GTEST_SKIP() << kNoCorpusMessage;
    metadata_ = corpus_ + "/metadata";
  }

  json import(const std::vector<std::string>& files, const std::string& mesh = "") {
    std::vector<std::string> args = {
        "metadata", "import", "--mesh", mesh.empty() ? mesh_ : mesh, "--json", "--no-progress"};
    args.insert(args.end(), files.begin(), files.end());
    auto result = run_imagemesh(args);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    // The JSON summary is the last line (warnings go before it).
    auto lines = split_lines(result.output);
    return lines.empty() ? json() : json::parse(lines.back(), nullptr, false);
  }

  std::string export_of(const std::string& what, const std::string& mesh = "") {
    auto result = run_imagemesh({"export", what, "--mesh", mesh.empty() ? mesh_ : mesh});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }

  ScratchDir scratch_;
  std::string mesh_, corpus_, metadata_;
};

TEST_F(MetadataCli, ImportsBothFormsAndReimportChangesNothing) {
  json first = import({metadata_ + "/kaggle-snapshot-sample.jsonl",
                       metadata_ + "/oai-listrecords-sample.xml",
                       metadata_ + "/oai-listrecords-oldstyle.xml"});
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(first["records"], 233);
  EXPECT_EQ(first["malformed"], 0);
  EXPECT_EQ(first["counts"]["inserted"], 203) << "200 snapshot ids + 3 old-style ids";
  EXPECT_EQ(first["counts"]["kept_stored"], 30)
      << "the OAI copies of snapshot records: same day, no versions";
  EXPECT_EQ(first["file_reports"][0]["format"], "jsonl");
  EXPECT_EQ(first["file_reports"][1]["format"], "oai");
  const std::string exported = export_of("metadata");

  json again = import(
      {metadata_ + "/oai-listrecords-oldstyle.xml", metadata_ + "/kaggle-snapshot-sample.jsonl"});
  EXPECT_EQ(again["counts"]["unchanged"], 203);
  EXPECT_EQ(again["counts"]["inserted"], 0);
  EXPECT_EQ(again["counts"]["updated"], 0);
  EXPECT_EQ(export_of("metadata"), exported);

  EXPECT_NE(exported.find(R"("paper":"hep-ph/0703990")"), std::string::npos);
  EXPECT_NE(exported.find(R"("title":"Calculation of prompt diphoton production cross sections )"
                          R"(at Tevatron and LHC energies")"),
            std::string::npos)
      << "title cleaned of its line break";
  auto stats = run_imagemesh({"metadata", "stats", "--mesh", mesh_});
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_NE(stats.output.find("metadata records  203 (0 deleted)"), std::string::npos)
      << stats.output;
  EXPECT_NE(stats.output.find("CC BY-NC-ND 4.0"), std::string::npos);
}

TEST_F(MetadataCli, CompressedMalformedAndTruncatedFilesAreCountedAndSkipped) {
  const fs::path dir = scratch_.path();
  const std::string jsonl = read_file(metadata_ + "/kaggle-snapshot-sample.jsonl");
  // gzip, and a bzip2 copy: recognised by content, not name.
  ASSERT_EQ(run_command("gzip -c '" + metadata_ + "/kaggle-snapshot-sample.jsonl' > '" +
                        (dir / "snapshot.gz").string() + "'"),
            0);
  ASSERT_EQ(run_command("bzip2 -c '" + metadata_ + "/oai-listrecords-oldstyle.xml' > '" +
                        (dir / "page.data").string() + "'"),
            0);
  // Malformed lines among good ones.
  const size_t third = jsonl.find('\n', jsonl.find('\n', jsonl.find('\n') + 1) + 1) + 1;
  write_file(dir / "malformed.jsonl", jsonl.substr(0, third) + "{\"id\": \"not-an-id\"}\n" +
                                          "this is not json\n" + "[1, 2]\n" + jsonl.substr(third));
  // Cut short: a gzip stream and an OAI page stopped half way.
  const std::string gz = read_file(dir / "snapshot.gz");
  write_file(dir / "truncated.gz", gz.substr(0, gz.size() / 2));
  const std::string oai = read_file(metadata_ + "/oai-listrecords-sample.xml");
  write_file(dir / "truncated.xml", oai.substr(0, oai.size() / 2));
  write_file(dir / "empty.jsonl", "");
  write_file(dir / "other.txt", "hello\n");

  json report = import({(dir / "snapshot.gz").string(), (dir / "page.data").string(),
                        (dir / "malformed.jsonl").string(), (dir / "truncated.gz").string(),
                        (dir / "truncated.xml").string(), (dir / "empty.jsonl").string(),
                        (dir / "other.txt").string()});
  ASSERT_TRUE(report.is_object());
  const json& files = report["file_reports"];
  ASSERT_EQ(files.size(), 7u);
  EXPECT_EQ(files[0]["records"], 200);
  EXPECT_EQ(files[0]["error"], "");
  EXPECT_EQ(files[1]["format"], "oai");
  EXPECT_EQ(files[1]["records"], 3);
  EXPECT_EQ(files[2]["records"], 200);
  EXPECT_EQ(files[2]["malformed"], 3);
  EXPECT_NE(files[2]["problems"][0].get<std::string>().find("line 4"), std::string::npos)
      << files[2]["problems"];
  EXPECT_NE(files[2]["problems"][1].get<std::string>().find("line 5"), std::string::npos);
  EXPECT_GT(files[3]["records"].get<int>(), 50) << "the records before the cut are kept";
  EXPECT_LT(files[3]["records"].get<int>(), 200);
  EXPECT_NE(files[3]["error"].get<std::string>().find("stopped after line"), std::string::npos)
      << files[3]["error"];
  EXPECT_GT(files[4]["records"].get<int>(), 5);
  EXPECT_LT(files[4]["records"].get<int>(), 30);
  EXPECT_NE(files[4]["error"].get<std::string>().find("breaks off"), std::string::npos)
      << files[4]["error"];
  EXPECT_NE(files[5]["error"].get<std::string>().find("empty"), std::string::npos);
  EXPECT_NE(files[6]["error"].get<std::string>().find("neither JSON lines"), std::string::npos);
  EXPECT_EQ(report["counts"]["inserted"], 203);

  // What the damaged copies hold is exactly what the whole files hold.
  const std::string damaged = export_of("metadata");
  ScratchDir clean("metadata-cli-clean");
  import({metadata_ + "/kaggle-snapshot-sample.jsonl", metadata_ + "/oai-listrecords-oldstyle.xml"},
         clean.str() + "/mesh");
  EXPECT_EQ(without_sources(damaged),
            without_sources(export_of("metadata", clean.str() + "/mesh")));
}

TEST_F(MetadataCli, AHugeLineIsSkippedNotHeld) {
  const std::string jsonl = read_file(metadata_ + "/kaggle-snapshot-sample.jsonl");
  const size_t first_end = jsonl.find('\n') + 1;
  const size_t second_end = jsonl.find('\n', first_end) + 1;
  // Line 2 is 17 MiB of one character, as a bomb or a binary file would be.
  write_file(scratch_.path() / "huge.jsonl", jsonl.substr(0, first_end) +
                                                 std::string(17u << 20, 'x') + "\n" +
                                                 jsonl.substr(first_end, second_end - first_end));
  json report = import({(scratch_.path() / "huge.jsonl").string()});
  ASSERT_TRUE(report.is_object());
  const json& file = report["file_reports"][0];
  EXPECT_EQ(file["records"], 2);
  EXPECT_EQ(file["malformed"], 1);
  EXPECT_NE(file["problems"][0].get<std::string>().find("line 2: longer than 16 MiB"),
            std::string::npos)
      << file["problems"];
}

TEST_F(MetadataCli, JoinWithSourcesInEitherOrderAndSearch) {
  const std::string sources = corpus_ + "/arxiv-derived";
  const std::string page = metadata_ + "/oai-listrecords-oldstyle.xml";
  ScratchDir other("metadata-cli-order");
  const std::string mesh_b = other.str() + "/mesh";

  auto ingest_a =
      run_imagemesh({"ingest", "--mesh", mesh_, "--no-progress", "--no-convert", sources});
  ASSERT_EQ(ingest_a.exit_code, 0) << ingest_a.output;
  import({page});
  import({page}, mesh_b);
  auto ingest_b =
      run_imagemesh({"ingest", "--mesh", mesh_b, "--no-progress", "--no-convert", sources});
  ASSERT_EQ(ingest_b.exit_code, 0) << ingest_b.output;

  const std::string papers = export_of("papers");
  EXPECT_EQ(papers, export_of("papers", mesh_b));
  bool found = false;
  for (const auto& line : split_lines(papers)) {
    json row = json::parse(line);
    if (row["paper"] == "hep-ph/0703990") {
      found = true;
      EXPECT_EQ(row["described_by"], "arxiv");
      EXPECT_EQ(row["title"], "Lifetime of doubly charmed baryons");
      EXPECT_EQ(row["date_from"], "arxiv");
      EXPECT_EQ(row["primary_category"], "hep-ph");
    } else {
      EXPECT_EQ(row["described_by"], "latex") << row["paper"];
      EXPECT_EQ(row["date_from"], "id-month") << row["paper"];
    }
  }
  EXPECT_TRUE(found) << papers;

  for (const std::string& mesh : {mesh_, mesh_b}) {
    auto search = run_imagemesh({"search", "--mesh", mesh, "title:\"doubly charmed\"", "-n", "3"});
    EXPECT_EQ(search.exit_code, 0) << search.output;
    EXPECT_NE(search.output.find("hep-ph/0703990"), std::string::npos) << search.output;
    EXPECT_NE(search.output.find("matching image"), std::string::npos);
  }
  auto bad = run_imagemesh({"search", "--mesh", mesh_, "hep-ph/0703990"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("double quotes"), std::string::npos) << bad.output;
}

TEST_F(MetadataCli, HarvestPagesThroughA503AndResumesAfterAnOutage) {
  const std::vector<std::string> pages = {metadata_ + "/oai-listrecords-sample.xml",
                                          metadata_ + "/oai-listrecords-oldstyle.xml"};
  const std::vector<std::string> fast = {"--delay", "0", "--backoff", "0.05"};
  auto bad_date = run_imagemesh({"metadata", "harvest", "--mesh", mesh_, "--endpoint",
                                 "http://127.0.0.1:9/oai", "--from", "yesterday"});
  EXPECT_EQ(bad_date.exit_code, 2) << bad_date.output;
  EXPECT_NE(bad_date.output.find("not an OAI-PMH date"), std::string::npos) << bad_date.output;
  {
    OaiServer server(scratch_.path() / "busy", pages,
                     {"--page-size", "7", "--fail-503-at-page", "3", "--retry-after", "1"});
    ASSERT_TRUE(server.ok()) << server.failure();
    std::vector<std::string> args = {"metadata", "harvest",    "--mesh",
                                     mesh_,      "--endpoint", server.url()};
    args.insert(args.end(), fast.begin(), fast.end());
    auto result = run_imagemesh(args);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("5 pages, 33 records"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("(1 asked by the server)"), std::string::npos) << result.output;
    int served_503 = 0;
    for (const auto& line : server.requests()) served_503 += line.find(" 503") != std::string::npos;
    EXPECT_EQ(served_503, 1);
  }
  EXPECT_EQ(split_lines(export_of("metadata")).size(), 33u);

  // A server that goes down at page 3: the harvest stops with its progress saved; the same
  // command against the server once it is back resumes at page 3.
  ScratchDir second("metadata-cli-harvest");
  const std::string mesh = second.str() + "/mesh";
  int port = 0;
  {
    OaiServer failing(second.path() / "down", pages, {"--page-size", "7", "--die-at-page", "3"});
    ASSERT_TRUE(failing.ok()) << failing.failure();
    port = failing.port();
    auto result = run_imagemesh({"metadata", "harvest", "--mesh", mesh, "--endpoint", failing.url(),
                                 "--delay", "0", "--backoff", "0.05", "--max-attempts", "2"});
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("run the same command again to resume after page 2"),
              std::string::npos)
        << result.output;
  }
  EXPECT_EQ(split_lines(export_of("metadata", mesh)).size(), 14u);
  OaiServer back(second.path() / "back", pages,
                 {"--page-size", "7", "--port", std::to_string(port)});
  ASSERT_TRUE(back.ok()) << back.failure();
  ASSERT_EQ(back.port(), port);
  auto resumed = run_imagemesh(
      {"metadata", "harvest", "--mesh", mesh, "--endpoint", back.url(), "--delay", "0"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming"), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("3 pages, 19 records"), std::string::npos) << resumed.output;
  ASSERT_FALSE(back.requests().empty());
  EXPECT_NE(back.requests().front().find("resumptionToken=tok-14"), std::string::npos)
      << back.requests().front();
  EXPECT_EQ(without_sources(export_of("metadata", mesh)), without_sources(export_of("metadata")))
      << "the interrupted and resumed harvest stored what the uninterrupted one did";
}

}  // namespace
}  // namespace imagemesh::testing

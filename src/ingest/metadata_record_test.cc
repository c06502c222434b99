// metadata_record: the snapshot and OAI forms of real arXiv records give the same fields; malformed
// lines and records are errors, not crashes.
#include "ingest/metadata_record.h"

#include <gtest/gtest.h>

#include <map>

#include "test_support/corpus.h"

namespace imagemesh::ingest {
namespace {

TEST(MetadataText, CleansLayoutWhitespaceAndDates) {
  EXPECT_EQ(clean_text("  A fully\n  differential\tcalculation \n"),
            "A fully differential calculation");
  EXPECT_EQ(clean_text(""), "");
  EXPECT_EQ(rfc2822_to_iso("Mon, 2 Apr 2007 19:18:42 GMT"), "2007-04-02T19:18:42Z");
  EXPECT_EQ(rfc2822_to_iso("24 Jul 2007 20:10:27 GMT"), "2007-07-24T20:10:27Z");
  EXPECT_EQ(rfc2822_to_iso("yesterday"), "");
  EXPECT_EQ(rfc2822_to_iso("Mon, 2 Foo 2007 19:18:42 GMT"), "");
}

TEST(MetadataSnapshot, ParsesARecordWithVersionsAuthorsAndCategories) {
  const std::string line =
      R"({"id":"hep-ph/0107222","submitter":"A. B","authors":"C. Bal\\'azs and\n  E. Berger",)"
      R"("title":"Prompt\n  diphotons","comments":null,"journal-ref":"Phys.Rev.D76",)"
      R"("doi":"10.1/x","report-no":null,"categories":"hep-ph math.MP","license":)"
      R"("http://creativecommons.org/licenses/by/4.0/","abstract":"  A fully\ndifferential ",)"
      R"("versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"},)"
      R"({"version":"v2","created":"Tue, 24 Jul 2007 20:10:27 GMT"}],"update_date":"2008-11-26",)"
      R"("authors_parsed":[["Balázs","C.",""],["Berger","E.","Jr"]]})";
  auto record = parse_snapshot_line(line);
  ASSERT_TRUE(record.ok()) << record.status().to_string();
  EXPECT_EQ(record->id.id, "hep-ph/0107222");
  EXPECT_EQ(record->id.kind, IdKind::kOldStyle);
  EXPECT_EQ(record->datestamp, "2008-11-26");
  EXPECT_EQ(record->created, "2007-04-02");
  EXPECT_EQ(record->updated, "2007-07-24");
  ASSERT_EQ(record->versions.size(), 2u);
  EXPECT_EQ(record->versions[1].number, 2);
  EXPECT_EQ(record->versions[1].created, "2007-07-24T20:10:27Z");
  ASSERT_EQ(record->authors.size(), 2u);
  EXPECT_EQ(record->authors[1].display(), "E. Berger Jr");
  EXPECT_EQ(record->authors_text, "C. Bal\\'azs and E. Berger");
  EXPECT_EQ(record->title_raw, "Prompt\n  diphotons");
  EXPECT_EQ(record->title, "Prompt diphotons");
  EXPECT_EQ(record->abstract, "A fully differential");
  EXPECT_EQ(record->categories, (std::vector<std::string>{"hep-ph", "math.MP"}));
  EXPECT_EQ(record->license, "http://creativecommons.org/licenses/by/4.0/");
  EXPECT_EQ(record->comments, "");  // null
}

TEST(MetadataSnapshot, MalformedLinesAreErrors) {
  EXPECT_EQ(parse_snapshot_line(R"({"id":"0704.0001","title":)").status().code(),
            ErrorCode::kParse);
  EXPECT_EQ(parse_snapshot_line("[1,2]").status().code(), ErrorCode::kParse);
  EXPECT_EQ(parse_snapshot_line(R"({"title":"no id"})").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_snapshot_line(R"({"id":"not an id"})").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_snapshot_line(R"({"id":42})").status().code(), ErrorCode::kInvalidArgument);
  // Odd versions are dropped, not trusted: no number, an overflowing one, not an object.
  auto odd = parse_snapshot_line(
      R"({"id":"0704.0001","versions":[{"version":"v"},{"version":"v99999999999"},3,)"
      R"({"version":"v1","created":"garbage"}]})");
  ASSERT_TRUE(odd.ok()) << odd.status().to_string();
  ASSERT_EQ(odd->versions.size(), 1u);
  EXPECT_EQ(odd->versions[0].number, 1);
  EXPECT_EQ(odd->versions[0].created, "");
  EXPECT_EQ(odd->created, "");
}

TEST(MetadataOai, PagesRecordsDeletionsTokensAndErrors) {
  const std::string xml = R"(<?xml version="1.0"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
<record><header><identifier>oai:arXiv.org:0704.0001</identifier><datestamp>2008-11-26</datestamp></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>0704.0001</id><created>2007-04-02</created>
<updated>2007-07-24</updated><authors><author><keyname>Balázs</keyname><forenames>C.</forenames></author>
<author><keyname>Yuan</keyname><forenames>C. -P.</forenames><suffix>III</suffix></author></authors>
<title>Calculation of prompt diphoton
  production</title><categories>hep-ph</categories><license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>
<abstract>  A fully differential
calculation.</abstract></arXiv></metadata></record>
<record><header status="deleted"><identifier>oai:arXiv.org:math/0703991</identifier><datestamp>2010-01-01</datestamp></header></record>
<record><header><identifier>oai:arXiv.org:garbage</identifier></header><metadata><arXiv><id>garbage</id></arXiv></metadata></record>
<resumptionToken cursor="0">6960524|1001</resumptionToken>
</ListRecords></OAI-PMH>)";
  auto page = parse_oai_page(xml);
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  ASSERT_EQ(page->records.size(), 2u);
  const MetadataRecord& first = page->records[0];
  EXPECT_EQ(first.id.id, "0704.0001");
  EXPECT_EQ(first.created, "2007-04-02");
  EXPECT_EQ(first.updated, "2007-07-24");
  EXPECT_EQ(first.datestamp, "2008-11-26");
  EXPECT_EQ(first.authors_text, "C. Balázs, C. -P. Yuan III");
  EXPECT_EQ(first.title, "Calculation of prompt diphoton production");
  EXPECT_EQ(first.abstract, "A fully differential calculation.");
  EXPECT_EQ(first.license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
  EXPECT_FALSE(first.deleted);
  EXPECT_TRUE(page->records[1].deleted);
  EXPECT_EQ(page->records[1].id.id, "math/0703991");
  ASSERT_EQ(page->problems.size(), 1u);
  EXPECT_NE(page->problems[0].find("garbage"), std::string::npos);
  EXPECT_EQ(page->resumption_token, "6960524|1001");
  EXPECT_EQ(page->cursor, 0);
  EXPECT_EQ(page->complete_list_size, -1);  // not given

  auto oai_error =
      parse_oai_page(R"(<OAI-PMH><error code="badResumptionToken">expired</error></OAI-PMH>)");
  EXPECT_EQ(oai_error.status().code(), ErrorCode::kParse);
  EXPECT_NE(oai_error.status().message().find("badResumptionToken"), std::string::npos);
  auto nothing = parse_oai_page(
      R"(<OAI-PMH><error code="noRecordsMatch">no records in that range</error></OAI-PMH>)");
  ASSERT_TRUE(nothing.ok()) << nothing.status().to_string();
  EXPECT_TRUE(nothing->records.empty());
  EXPECT_TRUE(nothing->resumption_token.empty());
  EXPECT_EQ(parse_oai_page("<OAI-PMH><ListRecords>").status().code(), ErrorCode::kParse);
  EXPECT_EQ(parse_oai_page("<html/>").status().code(), ErrorCode::kParse);
}

// The same real papers in both forms give the same fields (the snapshot has more: versions,
// submitter, parsed authors of every record).
TEST(MetadataRealSamples, SnapshotAndOaiAgree) {
  const std::string corpus = testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
  std::map<std::string, MetadataRecord> snapshot;
  int lines = 0;
  for (const auto& line : [&] {
         std::vector<std::string> out;
         std::string text = testing::read_file(corpus + "/metadata/kaggle-snapshot-sample.jsonl");
         for (size_t at = 0, end; at < text.size(); at = end + 1) {
           end = text.find('\n', at);
           if (end == std::string::npos) end = text.size();
           if (end > at) out.push_back(text.substr(at, end - at));
         }
         return out;
       }()) {
    ++lines;
    auto record = parse_snapshot_line(line);
    ASSERT_TRUE(record.ok()) << record.status().to_string();
    EXPECT_FALSE(record->title.empty()) << record->id.id;
    EXPECT_FALSE(record->categories.empty()) << record->id.id;
    EXPECT_FALSE(record->versions.empty()) << record->id.id;
    EXPECT_EQ(record->created.size(), 10u) << record->id.id;
    snapshot[record->id.id] = std::move(*record);
  }
  ASSERT_GT(lines, 50);

  int compared = 0, records = 0;
  for (const char* file :
       {"/metadata/oai-listrecords-sample.xml", "/metadata/oai-listrecords-oldstyle.xml"}) {
    auto page = parse_oai_page(testing::read_file(corpus + file));
    ASSERT_TRUE(page.ok()) << file << ": " << page.status().to_string();
    EXPECT_TRUE(page->problems.empty()) << file << ": " << page->problems.front();
    for (const auto& record : page->records) {
      ++records;
      EXPECT_FALSE(record.title.empty()) << record.id.id;
      EXPECT_FALSE(record.authors.empty()) << record.id.id;
      auto same = snapshot.find(record.id.id);
      if (same == snapshot.end()) continue;
      ++compared;
      EXPECT_EQ(record.title, same->second.title) << record.id.id;
      EXPECT_EQ(record.abstract, same->second.abstract) << record.id.id;
      EXPECT_EQ(record.categories, same->second.categories) << record.id.id;
      EXPECT_EQ(record.created, same->second.created) << record.id.id;
      EXPECT_EQ(record.authors.size(), same->second.authors.size()) << record.id.id;
    }
  }
  EXPECT_GT(records, 10);
  EXPECT_GT(compared, 5) << "the samples share papers";
}

}  // namespace
}  // namespace imagemesh::ingest

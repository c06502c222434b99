// oai_harvest: paging, retries, Retry-After, resumption after a failure, from/until, permanent
// errors and URL escaping, against a real OAI-PMH server on loopback (tests/tools/oai_server.py
// serving the shared corpus's arXiv records). The sleeper records the waits asked of it instead of
// sleeping, so the tests check the exact waiting schedule and still run fast.
#include "ingest/oai_harvest.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "ingest/metadata_record.h"
#include "test_support/corpus.h"
#include "test_support/oai_server.h"

extern char** environ;

namespace imagemesh::ingest {
namespace {

using imagemesh::testing::OaiServer;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr int kRecords = 33;  // 30 new-style + 3 old-style records in the two sample files

std::vector<std::string> corpus_record_files(const std::string& corpus) {
  return {corpus + "/metadata/oai-listrecords-sample.xml",
          corpus + "/metadata/oai-listrecords-oldstyle.xml"};
}

// Records what the harvest asked to wait.
struct RecordingSleeper {
  std::vector<milliseconds> waits;
  Sleeper sleeper() {
    return [this](milliseconds duration) { waits.push_back(duration); };
  }
};

// Parses every page as the CLI's sink will, and keeps what it saw.
struct CollectingSink {
  std::vector<MetadataRecord> records;
  std::vector<int> page_numbers;
  std::vector<std::string> urls;
  PageSink sink() {
    return [this](const HarvestedPage& page) -> Result<std::string> {
      IM_ASSIGN_OR_RETURN(OaiPage parsed, parse_oai_page(page.body));
      if (!parsed.problems.empty()) return error(ErrorCode::kParse, parsed.problems.front());
      page_numbers.push_back(page.number);
      urls.push_back(page.url);
      for (MetadataRecord& record : parsed.records) records.push_back(std::move(record));
      return parsed.resumption_token;
    };
  }
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const MetadataRecord& record : records) out.push_back(record.id.id);
    return out;
  }
};

HarvestPolicy fast_policy() {
  HarvestPolicy policy;
  policy.polite_delay = milliseconds(7);
  policy.max_attempts = 3;
  policy.first_backoff = milliseconds(100);
  policy.max_wait = milliseconds(5000);
  policy.request_timeout = std::chrono::seconds(30);
  return policy;
}

int count_of(const std::vector<milliseconds>& waits, milliseconds value) {
  return static_cast<int>(std::count(waits.begin(), waits.end(), value));
}

int count_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  return static_cast<int>(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.rfind(prefix, 0) == 0;
  }));
}

class OaiHarvestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string corpus = testing::shared_corpus_dir();
    if (corpus.empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
    record_files_ = corpus_record_files(corpus);
    for (const std::string& file : record_files_) {
      if (!fs::exists(file)) GTEST_SKIP() << testing::kNoCorpusMessage << " (" << file << ")";
    }
    // The oracle: the records of the sample files, parsed straight from them, in order.
    for (const std::string& file : record_files_) {
      auto page = parse_oai_page(testing::read_file(file));
      ASSERT_TRUE(page.ok()) << page.status().to_string();
      for (MetadataRecord& record : page->records) expected_.push_back(std::move(record));
    }
    ASSERT_EQ(expected_.size(), static_cast<size_t>(kRecords));
    // A proxy from the environment must not swallow loopback requests.
    setenv("NO_PROXY", "127.0.0.1", 1);
  }

  // Starts a server in its own folder; check ok() with ASSERT_TRUE.
  std::unique_ptr<OaiServer> start(const std::vector<std::string>& options) {
    fs::path dir = scratch_.path() / ("server" + std::to_string(++servers_));
    fs::create_directories(dir);
    return std::make_unique<OaiServer>(dir, record_files_, options);
  }

  std::vector<std::string> expected_ids(size_t from = 0, size_t to = kRecords) const {
    std::vector<std::string> ids;
    for (size_t i = from; i < to; ++i) ids.push_back(expected_[i].id.id);
    return ids;
  }

  testing::ScratchDir scratch_{"oai-harvest"};
  std::vector<std::string> record_files_;
  std::vector<MetadataRecord> expected_;
  int servers_ = 0;
};

TEST_F(OaiHarvestTest, FollowsResumptionTokensThroughEveryPage) {
  auto server = start({"--page-size", "7"});
  ASSERT_TRUE(server->ok()) << server->failure();
  CollectingSink collected;
  RecordingSleeper sleeper;
  HarvestReport report;
  auto result =
      harvest({server->url()}, fast_policy(), collected.sink(), sleeper.sleeper(), &report);
  ASSERT_TRUE(result.ok()) << result.status().to_string();

  EXPECT_EQ(collected.ids(), expected_ids());  // all 33, each once, in the server's order
  EXPECT_EQ(collected.page_numbers, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(result->pages, 5);
  EXPECT_TRUE(result->complete);
  EXPECT_EQ(result->last_token, "");
  EXPECT_EQ(result->retries, 0);
  EXPECT_EQ(report.pages, 5);  // the out-parameter says the same
  EXPECT_TRUE(report.complete);
  // The first request carries the selection, the next ones only the token.
  ASSERT_EQ(collected.urls.size(), 5u);
  EXPECT_EQ(collected.urls[0], server->url() + "?verb=ListRecords&metadataPrefix=arXiv");
  EXPECT_EQ(collected.urls[1], server->url() + "?verb=ListRecords&resumptionToken=tok-7");
  EXPECT_EQ(collected.urls[4], server->url() + "?verb=ListRecords&resumptionToken=tok-28");

  // One request per page, each answered gzipped because the client accepts it (and decoded it).
  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 5u);
  for (const std::string& line : requests) EXPECT_NE(line.find(" 200 gzip"), std::string::npos);
}

TEST_F(OaiHarvestTest, HonoursRetryAfterOnA503) {
  auto server = start({"--page-size", "7", "--fail-503-at-page", "3", "--retry-after", "2"});
  ASSERT_TRUE(server->ok()) << server->failure();
  CollectingSink collected;
  RecordingSleeper sleeper;
  auto result = harvest({server->url()}, fast_policy(), collected.sink(), sleeper.sleeper());
  ASSERT_TRUE(result.ok()) << result.status().to_string();

  EXPECT_EQ(collected.ids(), expected_ids());
  EXPECT_EQ(result->pages, 5);
  EXPECT_TRUE(result->complete);
  EXPECT_EQ(result->retries, 1);
  EXPECT_EQ(result->retry_after, 1);
  // The server's 2 s, not the 100 ms backoff; the polite delay between the 5 pages as usual.
  EXPECT_EQ(count_of(sleeper.waits, milliseconds(2000)), 1);
  EXPECT_EQ(count_of(sleeper.waits, milliseconds(100)), 0);
  EXPECT_EQ(count_of(sleeper.waits, milliseconds(7)), 4);
  EXPECT_EQ(sleeper.waits.size(), 5u);
  EXPECT_EQ(result->waited, milliseconds(2000 + 4 * 7));

  const auto requests = server->requests();
  const std::string page3 = "/oai?verb=ListRecords&resumptionToken=tok-14 ";
  EXPECT_EQ(count_starting(requests, page3 + "503"), 1);
  EXPECT_EQ(count_starting(requests, page3 + "200"), 1);
  EXPECT_EQ(requests.size(), 6u);
}

TEST_F(OaiHarvestTest, RetryAfterIsCappedByMaxWait) {
  auto server = start({"--page-size", "20", "--fail-503-at-page", "1", "--retry-after", "3600"});
  ASSERT_TRUE(server->ok()) << server->failure();
  CollectingSink collected;
  RecordingSleeper sleeper;
  auto result = harvest({server->url()}, fast_policy(), collected.sink(), sleeper.sleeper());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(collected.ids(), expected_ids());
  EXPECT_EQ(sleeper.waits, (std::vector<milliseconds>{milliseconds(5000), milliseconds(7)}));
  EXPECT_EQ(result->retry_after, 1);
}

TEST_F(OaiHarvestTest, AnInterruptedHarvestResumesFromTheLastStoredToken) {
  HarvestReport report;
  CollectingSink first;
  {
    auto server = start({"--page-size", "7", "--die-at-page", "3"});
    ASSERT_TRUE(server->ok()) << server->failure();
    HarvestPolicy policy = fast_policy();
    policy.max_attempts = 2;
    RecordingSleeper sleeper;
    auto result = harvest({server->url()}, policy, first.sink(), sleeper.sleeper(), &report);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kIo);
    const std::string& message = result.status().message();
    EXPECT_NE(message.find(server->url() + "?verb=ListRecords&resumptionToken=tok-14"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
    EXPECT_NE(message.find("2 attempts"), std::string::npos) << message;
    EXPECT_NE(message.find("run the same command again"), std::string::npos) << message;

    EXPECT_EQ(report.pages, 2);
    EXPECT_EQ(report.last_token, "tok-14");
    EXPECT_FALSE(report.complete);
    EXPECT_EQ(report.retries, 1);
    EXPECT_EQ(first.ids(), expected_ids(0, 14));
    // Polite after pages 1 and 2, one backoff, no wait after the last attempt.
    EXPECT_EQ(sleeper.waits,
              (std::vector<milliseconds>{milliseconds(7), milliseconds(7), milliseconds(100)}));
    EXPECT_EQ(
        count_starting(server->requests(), "/oai?verb=ListRecords&resumptionToken=tok-14 500"), 2);
  }

  // Later, a healthy server: the same list continues where the stored token says.
  auto server = start({"--page-size", "7"});
  ASSERT_TRUE(server->ok()) << server->failure();
  HarvestRequest resume{server->url()};
  resume.resumption_token = report.last_token;
  resume.from = "2001-01-01";  // ignored: a continued list carries only its token
  CollectingSink rest;
  RecordingSleeper sleeper;
  auto result = harvest(resume, fast_policy(), rest.sink(), sleeper.sleeper());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(rest.ids(), expected_ids(14, kRecords));  // exactly the 19 not yet stored
  EXPECT_EQ(result->pages, 3);
  EXPECT_TRUE(result->complete);
  ASSERT_FALSE(rest.urls.empty());
  EXPECT_EQ(rest.urls[0], server->url() + "?verb=ListRecords&resumptionToken=tok-14");
}

TEST_F(OaiHarvestTest, SendsFromAndUntilAndTreatsNoRecordsMatchAsAnEmptyList) {
  auto server = start({"--page-size", "4"});
  ASSERT_TRUE(server->ok()) << server->failure();
  HarvestRequest request{server->url()};
  request.from = "2008-01-01";
  request.until = "2010-12-31";
  std::vector<std::string> expected;
  for (const MetadataRecord& record : expected_) {
    if (record.datestamp >= request.from && record.datestamp <= request.until) {
      expected.push_back(record.id.id);
    }
  }
  ASSERT_GT(expected.size(), 8u);  // more than two pages, so the selection must survive tokens
  ASSERT_LT(expected.size(), static_cast<size_t>(kRecords));

  CollectingSink collected;
  RecordingSleeper sleeper;
  auto result = harvest(request, fast_policy(), collected.sink(), sleeper.sleeper());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(collected.ids(), expected);
  for (const MetadataRecord& record : collected.records) {
    EXPECT_GE(record.datestamp, request.from) << record.id.id;
    EXPECT_LE(record.datestamp, request.until) << record.id.id;
  }
  EXPECT_TRUE(result->complete);
  ASSERT_GE(collected.urls.size(), 2u);
  EXPECT_EQ(collected.urls[0], server->url() +
                                   "?verb=ListRecords&metadataPrefix=arXiv&from=2008-01-01"
                                   "&until=2010-12-31");
  // The server's token carries the selection after '|', which must arrive intact.
  EXPECT_EQ(collected.urls[1],
            server->url() + "?verb=ListRecords&resumptionToken=tok-4%7C2008-01-01%7C2010-12-31%7C");

  CollectingSink none;
  request.from = "2100-01-01";
  request.until = "";
  auto empty = harvest(request, fast_policy(), none.sink(), sleeper.sleeper());
  ASSERT_TRUE(empty.ok()) << empty.status().to_string();
  EXPECT_TRUE(none.records.empty());
  EXPECT_TRUE(empty->complete);
  EXPECT_EQ(empty->pages, 1);
}

TEST_F(OaiHarvestTest, ANotFoundIsPermanent) {
  auto server = start({"--page-size", "7"});
  ASSERT_TRUE(server->ok()) << server->failure();
  CollectingSink collected;
  RecordingSleeper sleeper;
  HarvestReport report;
  auto result = harvest({server->url("/nothing")}, fast_policy(), collected.sink(),
                        sleeper.sleeper(), &report);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(result.status().message().find(server->url("/nothing?verb=ListRecords")),
            std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("HTTP 404"), std::string::npos);
  EXPECT_EQ(report.retries, 0);
  EXPECT_EQ(report.pages, 0);
  EXPECT_TRUE(sleeper.waits.empty());
  EXPECT_EQ(server->requests().size(), 1u);
}

// A port bound but not listening: connections to it are refused for as long as it is held, so no
// other process can take it during the test.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port_ = ntohs(address.sin_port);
    }
  }
  ~RefusingPort() {
    if (fd_ >= 0) close(fd_);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(OaiHarvestNetwork, AClosedPortIsRetriedWithDoublingCappedBackoffThenFails) {
  RefusingPort closed;
  ASSERT_GT(closed.port(), 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(closed.port()) + "/oai";
  HarvestPolicy policy = fast_policy();
  policy.max_attempts = 4;
  policy.max_wait = milliseconds(150);
  CollectingSink collected;
  RecordingSleeper sleeper;
  HarvestReport report;
  auto result = harvest({endpoint}, policy, collected.sink(), sleeper.sleeper(), &report);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kIo);
  const std::string& message = result.status().message();
  EXPECT_NE(message.find(endpoint + "?verb=ListRecords&metadataPrefix=arXiv"), std::string::npos)
      << message;
  EXPECT_NE(message.find("4 attempts"), std::string::npos) << message;
  EXPECT_NE(message.find("run the same command again"), std::string::npos) << message;
  EXPECT_EQ(report.retries, 3);
  EXPECT_EQ(report.retry_after, 0);
  EXPECT_EQ(report.pages, 0);
  EXPECT_EQ(report.last_token, "");
  EXPECT_EQ(sleeper.waits,
            (std::vector<milliseconds>{milliseconds(100), milliseconds(150), milliseconds(150)}));
  EXPECT_EQ(report.waited, milliseconds(400));
  EXPECT_TRUE(collected.records.empty());
}

TEST_F(OaiHarvestTest, WaitsPolitelyBetweenPagesOnly) {
  auto server = start({"--page-size", "10"});
  ASSERT_TRUE(server->ok()) << server->failure();
  HarvestPolicy policy = fast_policy();
  policy.polite_delay = milliseconds(1234);
  CollectingSink collected;
  RecordingSleeper sleeper;
  auto result = harvest({server->url()}, policy, collected.sink(), sleeper.sleeper());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->pages, 4);
  // Between pages, not before the first nor after the last.
  EXPECT_EQ(sleeper.waits, std::vector<milliseconds>(3, milliseconds(1234)));
  EXPECT_EQ(result->waited, milliseconds(3 * 1234));
}

TEST_F(OaiHarvestTest, ASinkErrorStopsTheHarvestAndSaysWhere) {
  auto server = start({"--page-size", "7"});
  ASSERT_TRUE(server->ok()) << server->failure();
  int calls = 0;
  PageSink failing = [&](const HarvestedPage& page) -> Result<std::string> {
    if (++calls == 2) return error(ErrorCode::kIo, "disk full");
    IM_ASSIGN_OR_RETURN(OaiPage parsed, parse_oai_page(page.body));
    return parsed.resumption_token;
  };
  RecordingSleeper sleeper;
  HarvestReport report;
  auto result = harvest({server->url()}, fast_policy(), failing, sleeper.sleeper(), &report);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kIo);
  EXPECT_EQ(result.status().message(), "OAI-PMH page 2 (" + server->url() +
                                           "?verb=ListRecords&resumptionToken=tok-7): disk full");
  EXPECT_EQ(report.pages, 1);
  EXPECT_EQ(report.last_token, "tok-7");  // page 2 was not stored: resume from page 1's token
  EXPECT_EQ(report.retries, 0);           // a sink error is not retried
  EXPECT_EQ(server->requests().size(), 2u);
}

TEST_F(OaiHarvestTest, OaiErrorsInA200AreTheSinksToReport) {
  auto server = start({"--page-size", "7"});
  ASSERT_TRUE(server->ok()) << server->failure();
  HarvestRequest request{server->url()};
  request.metadata_prefix = "oai_dc";
  CollectingSink collected;
  RecordingSleeper sleeper;
  auto result = harvest(request, fast_policy(), collected.sink(), sleeper.sleeper());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kParse);
  EXPECT_NE(result.status().message().find("OAI-PMH error cannotDisseminateFormat"),
            std::string::npos)
      << result.status().message();

  request.metadata_prefix = "arXiv";
  request.resumption_token = "tok-999";
  result = harvest(request, fast_policy(), collected.sink(), sleeper.sleeper());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("badResumptionToken"), std::string::npos)
      << result.status().message();
  EXPECT_TRUE(sleeper.waits.empty());
}

TEST_F(OaiHarvestTest, FollowsRedirects) {
  auto server = start({"--page-size", "20"});
  ASSERT_TRUE(server->ok()) << server->failure();
  CollectingSink collected;
  RecordingSleeper sleeper;
  auto result =
      harvest({server->url("/redirect/oai")}, fast_policy(), collected.sink(), sleeper.sleeper());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(collected.ids(), expected_ids());
  const auto requests = server->requests();
  EXPECT_EQ(count_starting(requests, "/redirect/oai?"), 2);
  EXPECT_EQ(count_starting(requests, "/oai?"), 2);
}

TEST(OaiHarvestUrl, EscapesArgumentsAndKeepsAnEndpointsQuery) {
  HarvestRequest request{"https://oaipmh.arxiv.org/oai"};
  request.from = "2024-01-01";
  request.until = "2024-01-31";
  request.set = "physics:hep-ph";
  EXPECT_EQ(list_records_url(request),
            "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXiv&from=2024-01-01"
            "&until=2024-01-31&set=physics%3Ahep-ph");

  request.resumption_token = "7158398|31";  // arXiv's token form; the selection is not repeated
  EXPECT_EQ(list_records_url(request),
            "https://oaipmh.arxiv.org/oai?verb=ListRecords&resumptionToken=7158398%7C31");
  request.resumption_token = "a b&c=d+e/f?";
  EXPECT_EQ(
      list_records_url(request),
      "https://oaipmh.arxiv.org/oai?verb=ListRecords&resumptionToken=a%20b%26c%3Dd%2Be%2Ff%3F");

  HarvestRequest queried{"http://example.org/cgi?repository=arxiv"};
  EXPECT_EQ(list_records_url(queried),
            "http://example.org/cgi?repository=arxiv&verb=ListRecords&metadataPrefix=arXiv");
  queried.endpoint = "http://example.org/cgi?";
  EXPECT_EQ(list_records_url(queried),
            "http://example.org/cgi?verb=ListRecords&metadataPrefix=arXiv");
}

TEST(OaiHarvestRetryAfter, ParsesSecondsAndHttpDates) {
  const std::time_t now = 1445412480 - 30;  // 30 s before Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("120", now), std::chrono::seconds(120));
  EXPECT_EQ(parse_retry_after(" 5\r\n", now), std::chrono::seconds(5));  // as a header line ends
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), std::chrono::seconds(30));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), std::chrono::seconds(0));
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  // Absurd values are capped rather than overflowing when turned into milliseconds.
  auto huge = parse_retry_after("99999999999999999999999", now);
  ASSERT_TRUE(huge.has_value());
  EXPECT_LE(*huge, std::chrono::seconds(1'000'000'000));
}

TEST(OaiHarvestArguments, AreCheckedBeforeAnythingIsSent) {
  CollectingSink collected;
  auto not_http = harvest({"ftp://example.org/oai"}, fast_policy(), collected.sink());
  EXPECT_EQ(not_http.status().code(), ErrorCode::kInvalidArgument);
  HarvestPolicy policy = fast_policy();
  policy.max_attempts = 0;
  auto no_attempts = harvest({"http://127.0.0.1:9/oai"}, policy, collected.sink());
  EXPECT_EQ(no_attempts.status().code(), ErrorCode::kInvalidArgument);
  HarvestRequest no_prefix{"http://127.0.0.1:9/oai"};
  no_prefix.metadata_prefix = "";
  auto refused = harvest(no_prefix, fast_policy(), collected.sink());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  auto no_sink = harvest({"http://127.0.0.1:9/oai"}, fast_policy(), PageSink{});
  EXPECT_EQ(no_sink.status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagemesh::ingest

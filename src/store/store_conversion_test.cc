// Thumbnail conversion outcomes: stored per blob, retried in place, and reported to the next run.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::dump_tables;
using testing::open_or_die;
using testing::paper;

ConversionRecord conversion(const std::string& sha256, const std::string& status) {
  ConversionRecord out;
  out.sha256 = sha256;
  out.status = status;
  out.converter = "vips";
  if (status == "ok") {
    out.raster_width = 683;
    out.raster_height = 512;
    out.web_width = 341;
    out.web_height = 256;
  } else {
    out.error = "ghostscript did not finish within 20 s; killed";
  }
  out.millis = 12.5;
  return out;
}

TEST(StoreConversions, StateSaysWhichBlobsAreDoneAndWhichSourcesHoldFailures) {
  imagemesh::testing::ScratchDir dir("conversions");
  auto store = open_or_die(dir.str());
  auto run = store->begin_run("test");
  ASSERT_TRUE(run.ok());
  PaperRecord good = paper("2001.00001", 1, "tar:2001/2001.00001.gz", "sha-a", 1);
  good.conversions.push_back(conversion("blob-2001.00001-1", "ok"));
  PaperRecord bad = paper("2001.00002", 1, "tar:2001/2001.00002.gz", "sha-b", 2);
  bad.conversions.push_back(conversion("blob-2001.00002-1", "ok"));
  bad.conversions.push_back(conversion("blob-2001.00002-2", "timeout"));
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store->write_papers(*run, {good, bad}, {}, &outcomes).ok());

  auto state = store->conversion_state();
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  EXPECT_EQ(state->converted.size(), 3u);
  EXPECT_TRUE(state->converted.at("blob-2001.00001-1"));
  EXPECT_FALSE(state->converted.at("blob-2001.00002-2"));
  EXPECT_EQ(state->sources_with_failures,
            std::unordered_set<std::string>{"tar:2001/2001.00002.gz"});
  EXPECT_TRUE(state->sources_unconverted.empty());

  // A paper ingested without conversion is one a converting run must read again.
  PaperRecord unconverted = paper("2001.00004", 1, "tar:2001/2001.00004.gz", "sha-d", 1);
  ASSERT_TRUE(store->write_papers(*run, {unconverted}, {}, nullptr).ok());
  state = store->conversion_state();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->sources_unconverted, std::unordered_set<std::string>{"tar:2001/2001.00004.gz"});
}

TEST(StoreConversions, ARetryOfAnUnchangedSourceUpdatesTheConversionInPlace) {
  imagemesh::testing::ScratchDir dir("conversions-retry");
  auto store = open_or_die(dir.str());
  PaperRecord bad = paper("2001.00003", 1, "tar:2001/2001.00003.gz", "sha-c", 1);
  bad.conversions.push_back(conversion("blob-2001.00003-1", "timeout"));
  auto first = store->begin_run("first");
  ASSERT_TRUE(store->write_papers(*first, {bad}, {}, nullptr).ok());

  // The same source read again (e.g. --retry-failed with a longer --timeout): the paper is
  // unchanged, the conversion is replaced and its attempts counted.
  bad.conversions = {conversion("blob-2001.00003-1", "ok")};
  auto second = store->begin_run("retry");
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store->write_papers(*second, {bad}, {}, &outcomes).ok());
  ASSERT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kUnchanged});
  auto state = store->conversion_state();
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->converted.at("blob-2001.00003-1"));
  EXPECT_TRUE(state->sources_with_failures.empty());
  std::string dump = dump_tables(dir.str());
  EXPECT_NE(dump.find("blob-2001.00003-1|ok||vips|683|512|341|256|0|12.5|2|"), std::string::npos)
      << dump.substr(0, 4000);
}

}  // namespace
}  // namespace imagemesh::store

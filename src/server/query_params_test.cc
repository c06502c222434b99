// Query strings -> query::Query, exactly as docs/api.md's parameter table says; every malformed
// value is a 400 naming its parameter.
#include "server/query_params.h"

#include <gtest/gtest.h>

namespace imagemesh::server {
namespace {

query::Query parsed(std::string_view raw) {
  auto query = parse_query_string(raw);
  EXPECT_TRUE(query.ok()) << raw << ": " << query.error().message;
  return query.ok() ? *query : query::Query{};
}

// The error for `raw`, which must be a 400 about `parameter`.
ApiError refused(std::string_view raw, const std::string& parameter) {
  auto query = parse_query_string(raw);
  EXPECT_FALSE(query.ok()) << raw << " was accepted";
  if (query.ok()) return {};
  EXPECT_EQ(query.error().status, 400) << raw;
  EXPECT_EQ(query.error().code, "invalid-argument") << raw;
  EXPECT_EQ(query.error().parameter, parameter) << raw << ": " << query.error().message;
  return query.error();
}

TEST(QueryParams, NothingGivesTheDefaults) {
  const query::Query q = parsed("");
  EXPECT_EQ(q.limit, 50);
  EXPECT_EQ(q.offset, 0);
  EXPECT_EQ(q.seed, 1u);
  EXPECT_TRUE(q.keywords.empty());
  EXPECT_TRUE(q.positives.empty());
  EXPECT_TRUE(q.filters.primary_only);
  EXPECT_FALSE(q.facets);
  EXPECT_FALSE(q.exact);
  EXPECT_TRUE(q.embedding.empty());
}

TEST(QueryParams, EveryParameterReachesItsField) {
  const query::Query q = parsed(
      "q=dark+matter&like=412,7&unlike=9&emb=mobilenet&seed=18446744073709551615&offset=40"
      "&limit=200&facets=1&exact=1&archive=cs,hep-ph&category=cs.CV,stat.ML&cats=any"
      "&from=2015&to=2019-03-14&format=png,pdf&creator=matplotlib&type=diagram,sensor"
      "&cluster=3,17&has_caption=yes&in_figure=no&license=CC%20BY,none"
      "&paper=1305.5590,hep-ph/0107222&author=smith&title=galax*&caption=%22rotation+curve%22"
      "&abstract=spin");
  EXPECT_EQ(q.keywords, "dark matter");
  EXPECT_EQ(q.positives, (std::vector<uint32_t>{412, 7}));
  EXPECT_EQ(q.negatives, (std::vector<uint32_t>{9}));
  EXPECT_EQ(q.embedding, "mobilenet");
  EXPECT_EQ(q.seed, 18446744073709551615ull);
  EXPECT_EQ(q.offset, 40);
  EXPECT_EQ(q.limit, 200);
  EXPECT_TRUE(q.facets);
  EXPECT_TRUE(q.exact);
  const query::Filters& f = q.filters;
  EXPECT_EQ(f.archives, (std::vector<std::string>{"cs", "hep-ph"}));
  EXPECT_EQ(f.categories, (std::vector<std::string>{"cs.CV", "stat.ML"}));
  EXPECT_FALSE(f.primary_only);
  EXPECT_EQ(f.dates.from, "2015");
  EXPECT_EQ(f.dates.to, "2019-03-14");
  EXPECT_EQ(f.formats, (std::vector<std::string>{"png", "pdf"}));
  EXPECT_EQ(f.creator, "matplotlib");
  EXPECT_EQ(f.figure_types, (std::vector<std::string>{"diagram", "sensor"}));
  EXPECT_EQ(f.clusters, (std::vector<std::string>{"3", "17"}));
  EXPECT_EQ(f.has_caption, std::optional<bool>(true));
  EXPECT_EQ(f.in_figure, std::optional<bool>(false));
  EXPECT_EQ(f.licenses, (std::vector<std::string>{"CC BY", "none"}));
  EXPECT_EQ(f.paper_ids, (std::vector<std::string>{"1305.5590", "hep-ph/0107222"}));
  EXPECT_EQ(f.author, "smith");
  EXPECT_EQ(f.title, "galax*");
  EXPECT_EQ(f.caption, "\"rotation curve\"");
  EXPECT_EQ(f.abstract, "spin");
}

TEST(QueryParams, UnknownAndRepeatedParametersAreNamed) {
  EXPECT_NE(refused("limt=20", "limt").message.find("unknown parameter 'limt'"), std::string::npos);
  refused("q=a&Q=b", "Q");  // names are case-sensitive
  EXPECT_NE(refused("category=cs.CV&category=cs.LG", "category").message.find("category=a,b"),
            std::string::npos);
  refused("q=a&q=a", "q");  // even with the same value
  refused("=x", "");
}

TEST(QueryParams, PageBounds) {
  EXPECT_EQ(parsed("limit=10").limit, 10);
  EXPECT_EQ(parsed("limit=200").limit, 200);
  EXPECT_EQ(refused("limit=500", "limit").message, "limit must be 10..200, got '500'");
  refused("limit=9", "limit");
  refused("limit=", "limit");
  refused("limit=20.0", "limit");
  refused("limit=+20", "limit");
  refused("limit=%2020", "limit");
  refused("limit=0x14", "limit");
  EXPECT_EQ(parsed("offset=0").offset, 0);
  EXPECT_EQ(parsed("offset=2147483647").offset, 2147483647);
  refused("offset=-1", "offset");
  refused("offset=2147483648", "offset");
  refused("offset=99999999999999999999999", "offset");
}

TEST(QueryParams, Seeds) {
  EXPECT_EQ(parsed("seed=0").seed, 0u);
  refused("seed=18446744073709551616", "seed");  // 2^64
  refused("seed=-1", "seed");
  refused("seed=abc", "seed");
}

TEST(QueryParams, ImageIdsAreUint32) {
  EXPECT_EQ(parsed("like=0,4294967295").positives, (std::vector<uint32_t>{0, 4294967295u}));
  EXPECT_EQ(parsed("like=007").positives, (std::vector<uint32_t>{7}));
  refused("like=4294967296", "like");
  refused("like=-3", "like");
  refused("unlike=1e3", "unlike");
  refused("like=12abc", "like");
  refused("like=1,,2", "like");
  refused("like=1,", "like");
}

TEST(QueryParams, Lists) {
  EXPECT_TRUE(parsed("category=").filters.categories.empty());  // given empty = no filter
  EXPECT_EQ(parsed("license=CC%20BY%204.0,%20none%20").filters.licenses,
            (std::vector<std::string>{"CC BY 4.0", "none"}));  // spaces around items dropped
  EXPECT_EQ(refused("format=png,,pdf", "format").message,
            "format: empty item in the list 'png,,pdf' (items are comma-separated)");
  refused("archive=,cs", "archive");
  refused("paper=%20", "paper");
}

TEST(QueryParams, Dates) {
  for (const char* good :
       {"2019", "2019-03", "2019-03-14", "2020-02-29", "2000-02-29", "1991-12-31"}) {
    EXPECT_EQ(parsed(std::string("from=") + good).filters.dates.from, good);
  }
  for (const char* bad : {"19", "2019-3", "2019-13", "2019-00", "2019-02-29", "1900-02-29",
                          "2019-04-31", "2019-03-14T00", "2019/03", "20l9", "2019-03-1"}) {
    refused(std::string("to=") + bad, "to");
  }
}

TEST(QueryParams, FlagsAreStrict) {
  EXPECT_FALSE(parsed("facets=0").facets);
  refused("facets=true", "facets");
  refused("facets", "facets");  // present without a value
  refused("exact=yes", "exact");
  EXPECT_EQ(parsed("has_caption=no").filters.has_caption, std::optional<bool>(false));
  refused("has_caption=1", "has_caption");
  refused("in_figure=YES", "in_figure");
  EXPECT_TRUE(parsed("cats=primary").filters.primary_only);
  refused("cats=all", "cats");
}

TEST(QueryParams, PercentDecoding) {
  EXPECT_EQ(parsed("q=a%2Bb+c").keywords, "a+b c");
  EXPECT_EQ(parsed("q=%C3%A9toile").keywords, "\xC3\xA9toile");
  EXPECT_EQ(parsed("q").keywords, "");
  EXPECT_EQ(parsed("q=a=b").keywords, "a=b");  // only the first '=' splits
  EXPECT_EQ(parsed("&&q=x&").keywords, "x");   // empty segments are skipped
  EXPECT_EQ(parsed("%71=x").keywords, "x");    // names are decoded too
  refused("q=%zz", "q");
  refused("q=abc%4", "q");
  refused("q=%", "q");
  refused("q=a%00b", "q");   // NUL
  refused("q=%FF%FE", "q");  // not UTF-8
  refused("q=%C0%AF", "q");  // overlong '/'
}

// Values are data: whatever looks like SQL, FTS syntax or a path reaches the query verbatim (the
// engine binds values; it never splices them into SQL).
TEST(QueryParams, HostileValuesPassVerbatim) {
  const query::Query q = parsed(
      "q=%27%3B+DROP+TABLE+papers%3B+--&category=cs.CV%27+OR+1%3D1+--&creator=%25%27+OR+%27%25"
      "&paper=..%2F..%2Fetc%2Fpasswd&title=NEAR(a+b%2C+5)+OR+*&emb=raw%22%3B");
  EXPECT_EQ(q.keywords, "'; DROP TABLE papers; --");
  EXPECT_EQ(q.filters.categories, (std::vector<std::string>{"cs.CV' OR 1=1 --"}));
  EXPECT_EQ(q.filters.creator, "%' OR '%");
  EXPECT_EQ(q.filters.paper_ids, (std::vector<std::string>{"../../etc/passwd"}));
  EXPECT_EQ(q.filters.title, "NEAR(a b, 5) OR *");
  EXPECT_EQ(q.embedding, "raw\";");
}

TEST(QueryParams, ImageIdsInPaths) {
  uint32_t id = 0;
  EXPECT_TRUE(parse_image_id("417", &id));
  EXPECT_EQ(id, 417u);
  EXPECT_TRUE(parse_image_id("4294967295", &id));
  EXPECT_FALSE(parse_image_id("4294967296", &id));
  EXPECT_FALSE(parse_image_id("", &id));
  EXPECT_FALSE(parse_image_id("-1", &id));
  EXPECT_FALSE(parse_image_id("1.0", &id));
  EXPECT_FALSE(parse_image_id("0x10", &id));
}

TEST(QueryParams, EveryDocumentedNameIsKnown) {
  for (const char* name :
       {"q",      "like",    "unlike",  "emb",      "seed",        "offset",    "limit",
        "facets", "exact",   "archive", "category", "cats",        "from",      "to",
        "format", "creator", "type",    "cluster",  "has_caption", "in_figure", "license",
        "paper",  "author",  "title",   "caption",  "abstract"}) {
    EXPECT_TRUE(is_query_parameter(name)) << name;
  }
  EXPECT_FALSE(is_query_parameter("id"));
  EXPECT_FALSE(is_query_parameter(""));
}

}  // namespace
}  // namespace imagemesh::server

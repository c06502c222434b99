// The query engine against brute-force answers computed from the fixture's ground truth: every
// filter, facet counts, exact filtered similar-search under randomised filters (both the scan and
// the filtered graph path), paging stability, seeded random order, keyword search and errors.
#include "query/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include "query/query_test_fixture.h"
#include "test_support/corpus.h"

namespace imagemesh::query {
namespace {

using testing::QueryFixture;
using testing::TruthImage;

std::string year_of(const std::string& date) { return date.substr(0, 4); }

// The ground truth's answer to "does this image pass these filters" (text filters excluded).
bool passes(const QueryFixture& f, const TruthImage& image, const Filters& filters) {
  const auto& paper = f.paper(image.papers.front());
  auto in = [](const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  auto archive_of = [](const std::string& category) {
    return category.substr(0, category.find('.'));
  };
  if (!filters.categories.empty()) {
    bool ok = false;
    for (size_t i = 0; i < paper.categories.size(); ++i) {
      if ((i == 0 || !filters.primary_only) && in(filters.categories, paper.categories[i])) {
        ok = true;
      }
    }
    if (!ok) return false;
  }
  if (!filters.archives.empty()) {
    bool ok = false;
    for (size_t i = 0; i < paper.categories.size(); ++i) {
      if ((i == 0 || !filters.primary_only) &&
          in(filters.archives, archive_of(paper.categories[i]))) {
        ok = true;
      }
    }
    if (!ok) return false;
  }
  if (!filters.dates.from.empty() &&
      paper.date.substr(0, filters.dates.from.size()) < filters.dates.from) {
    return false;
  }
  if (!filters.dates.to.empty() &&
      paper.date.substr(0, filters.dates.to.size()) > filters.dates.to) {
    return false;
  }
  if (!filters.formats.empty() && !in(filters.formats, image.format)) return false;
  if (!filters.figure_types.empty() && !in(filters.figure_types, image.figure_type)) return false;
  if (!filters.clusters.empty() && !in(filters.clusters, image.cluster)) return false;
  if (!filters.licenses.empty() && !in(filters.licenses, paper.license) &&
      !in(filters.licenses, paper.license_family)) {
    return false;
  }
  if (!filters.creator.empty()) {
    std::string creator = image.creator;
    std::transform(creator.begin(), creator.end(), creator.begin(), ::tolower);
    if (creator.find(filters.creator) == std::string::npos) return false;
  }
  if (filters.has_caption && *filters.has_caption != image.has_caption) return false;
  if (filters.in_figure && *filters.in_figure != image.in_figure) return false;
  if (!filters.paper_ids.empty()) {
    bool ok = false;
    for (const auto& id : image.papers) ok = ok || in(filters.paper_ids, id);
    if (!ok) return false;
  }
  return true;
}

std::set<uint32_t> oracle_set(const QueryFixture& f, const Filters& filters) {
  std::set<uint32_t> ids;
  for (const auto& image : f.images) {
    if (passes(f, image, filters)) ids.insert(image.ordinal);
  }
  return ids;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  float sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

class QueryEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new imagemesh::testing::ScratchDir("query-engine");
    fixture_ = new QueryFixture(QueryFixture::build(scratch_->str() + "/mesh"));
    engine_ = open_engine(std::nullopt).release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete fixture_;
    delete scratch_;
  }

  static std::unique_ptr<Engine> open_engine(std::optional<size_t> exact_max_ids) {
    EngineOptions options;
    options.mesh_dir = fixture_->mesh;
    options.model_dir = scratch_->str() + "/no-models";
    options.exact_scan_max_ids = exact_max_ids;
    auto engine = Engine::open(options);
    if (!engine.ok()) throw std::runtime_error(engine.status().to_string());
    return std::move(engine).value();
  }

  static Results run_ok(const Query& query, const Engine& engine = *engine_) {
    auto results = engine.run(query);
    EXPECT_TRUE(results.ok()) << results.status().to_string();
    return results.ok() ? std::move(results).value() : Results{};
  }

  static std::set<uint32_t> all_ids(Query query) {
    query.limit = kMaxPageSize;
    std::set<uint32_t> ids;
    for (query.offset = 0;; query.offset += kMaxPageSize) {
      Results page = run_ok(query);
      for (const Hit& hit : page.hits) ids.insert(hit.image.id);
      if (page.hits.size() < static_cast<size_t>(kMaxPageSize)) break;
    }
    return ids;
  }

  static std::vector<uint32_t> ids_of(const Results& results) {
    std::vector<uint32_t> ids;
    for (const Hit& hit : results.hits) ids.push_back(hit.image.id);
    return ids;
  }

  static inline imagemesh::testing::ScratchDir* scratch_ = nullptr;
  static inline QueryFixture* fixture_ = nullptr;
  static inline Engine* engine_ = nullptr;
};

TEST_F(QueryEngine, InfoCountsOnlyExplorableImagesAndListsBothEmbeddings) {
  const MeshInfo& info = engine_->info();
  EXPECT_EQ(info.images, fixture_->images.size());
  EXPECT_EQ(info.papers, fixture_->papers.size());
  ASSERT_EQ(info.embeddings.size(), 2u);
  EXPECT_EQ(info.embeddings[0].name, "raw");
  EXPECT_EQ(info.embeddings[1].name, "mobilenet");
  EXPECT_FALSE(info.embeddings[0].uploads) << "the fixture has no PCA: uploads cannot be embedded";
  EXPECT_EQ(info.figure_type_model, "ternary");
  EXPECT_EQ(info.cluster_model, "deepcluster");
}

TEST_F(QueryEngine, RandomIsSeededAndPagesAreStable) {
  Query query;
  query.seed = 42;
  query.limit = 20;
  const Results whole = run_ok(query);
  EXPECT_EQ(whole.mode, "random");
  EXPECT_EQ(whole.total, static_cast<int64_t>(fixture_->images.size()));
  EXPECT_EQ(ids_of(run_ok(query)), ids_of(whole)) << "the same seed gives the same page";
  query.limit = 10;
  auto first = ids_of(run_ok(query));
  query.offset = 10;
  auto second = ids_of(run_ok(query));
  first.insert(first.end(), second.begin(), second.end());
  EXPECT_EQ(first, ids_of(whole)) << "two pages of 10 are the page of 20";
  query.offset = 0;
  query.seed = 43;
  const auto whole_ids = ids_of(whole);
  EXPECT_NE(ids_of(run_ok(query)), std::vector<uint32_t>(whole_ids.begin(), whole_ids.begin() + 10))
      << "another seed, another order";
  // Every image exactly once across all pages.
  Query all;
  all.seed = 9;
  EXPECT_EQ(all_ids(all).size(), fixture_->images.size());
}

TEST_F(QueryEngine, EveryFilterMatchesTheBruteForceAnswer) {
  const auto& shared = fixture_->papers[5].id;  // holds an image first shown with paper 3
  std::vector<std::pair<std::string, Filters>> cases;
  auto add = [&](std::string name, auto set) {
    Filters filters;
    set(filters);
    cases.emplace_back(std::move(name), filters);
  };
  add("category primary", [](Filters& f) { f.categories = {"cs.CV"}; });
  add("category any", [](Filters& f) {
    f.categories = {"cs.CV"};
    f.primary_only = false;
  });
  add("archive", [](Filters& f) { f.archives = {"cs", "math"}; });
  add("archive any", [](Filters& f) {
    f.archives = {"stat"};
    f.primary_only = false;
  });
  add("year range", [](Filters& f) {
    f.dates.from = "2012";
    f.dates.to = "2015";
  });
  add("month range", [](Filters& f) {
    f.dates.from = "2010-03";
    f.dates.to = "2018-10";
  });
  add("format", [](Filters& f) { f.formats = {"eps", "pdf"}; });
  add("creator", [](Filters& f) { f.creator = "matplotlib"; });
  add("figure type", [](Filters& f) { f.figure_types = {"sensor"}; });
  add("cluster", [](Filters& f) { f.clusters = {"1", "3"}; });
  add("has caption", [](Filters& f) { f.has_caption = true; });
  add("no caption", [](Filters& f) { f.has_caption = false; });
  add("unused file", [](Filters& f) { f.in_figure = false; });
  add("licence family", [](Filters& f) { f.licenses = {"CC BY"}; });
  add("licence none", [](Filters& f) { f.licenses = {"none"}; });
  add("paper", [&](Filters& f) { f.paper_ids = {shared}; });
  add("combined", [](Filters& f) {
    f.archives = {"cs"};
    f.primary_only = false;
    f.formats = {"png", "pdf", "jpeg"};
    f.in_figure = true;
  });
  add("unknown category", [](Filters& f) { f.categories = {"no.such"}; });
  for (const auto& [name, filters] : cases) {
    Query query;
    query.filters = filters;
    const auto expected = oracle_set(*fixture_, filters);
    EXPECT_EQ(all_ids(query), expected) << name;
    query.limit = 10;
    EXPECT_EQ(run_ok(query).total, static_cast<int64_t>(expected.size())) << name;
  }
}

TEST_F(QueryEngine, TextFiltersAndKeywordsUseTheSearchIndex) {
  // Every paper's abstract names one word; the title filter finds the papers with it.
  Query query;
  query.filters.title = "galaxy";
  std::set<uint32_t> expected;
  for (const auto& image : fixture_->images) {
    if (fixture_->paper(image.papers.front()).title.find("galaxy") != std::string::npos) {
      expected.insert(image.ordinal);
    }
  }
  // An image shared by two papers matches when either paper's title has the word.
  std::set<uint32_t> found = all_ids(query);
  for (uint32_t id : expected) EXPECT_TRUE(found.count(id)) << id;

  Query author;
  author.filters.author = "\"Author 7\"";
  const auto by_author = all_ids(author);
  EXPECT_FALSE(by_author.empty());
  for (const auto& image : fixture_->images) {
    const bool of_paper_7 = std::find(image.papers.begin(), image.papers.end(),
                                      fixture_->papers[7].id) != image.papers.end();
    EXPECT_EQ(by_author.count(image.ordinal) == 1, of_paper_7) << image.ordinal;
  }

  // An image held by several papers is found through the file of each of them (keyword matches
  // name files; the catalogue maps every file, not only an image's first, to its image).
  int shared_images = 0;
  for (const auto& image : fixture_->images) {
    if (image.papers.size() < 2) continue;
    ++shared_images;
    for (const std::string& paper_id : image.papers) {
      const auto& paper = fixture_->paper(paper_id);
      Query by_title;
      by_title.filters.title = "\"" + paper.title + "\"";
      EXPECT_TRUE(all_ids(by_title).count(image.ordinal)) << paper_id << " " << image.ordinal;
    }
  }
  EXPECT_GT(shared_images, 0) << "the fixture shares an image between two papers";

  Query keyword;
  keyword.keywords = "lattice";
  keyword.limit = 50;
  const Results results = run_ok(keyword);
  EXPECT_EQ(results.mode, "keyword");
  EXPECT_EQ(results.strategy, "fts");
  ASSERT_FALSE(results.hits.empty());
  for (size_t i = 0; i < results.hits.size(); ++i) {
    ASSERT_TRUE(results.hits[i].score.has_value());
    EXPECT_NE(results.hits[i].snippet.find("[lattice]"), std::string::npos)
        << results.hits[i].snippet;
    if (i > 0) {
      EXPECT_GE(*results.hits[i - 1].score, *results.hits[i].score) << "ranked";
    }
  }
  Query bad;
  bad.keywords = "\"unbalanced";
  auto error = engine_->run(bad);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(QueryEngine, FacetCountsLeaveTheirOwnFilterOut) {
  Query query;
  query.filters.formats = {"png"};
  query.filters.categories = {"cs.CV", "cs.LG"};
  query.facets = true;
  const Results results = run_ok(query);
  ASSERT_TRUE(results.facets.has_value());
  // The format facet counts images passing every filter but the format one.
  Filters without_format = query.filters;
  without_format.formats.clear();
  std::map<std::string, int64_t> formats;
  for (uint32_t id : oracle_set(*fixture_, without_format)) {
    for (const auto& image : fixture_->images) {
      if (image.ordinal == id) ++formats[image.format];
    }
  }
  std::map<std::string, int64_t> got;
  for (const auto& value : results.facets->format) got[value.value] = value.count;
  EXPECT_EQ(got, formats);
  // The year facet keeps both filters.
  std::map<std::string, int64_t> years, got_years;
  for (uint32_t id : oracle_set(*fixture_, query.filters)) {
    for (const auto& image : fixture_->images) {
      if (image.ordinal == id) ++years[year_of(fixture_->paper(image.papers.front()).date)];
    }
  }
  for (const auto& value : results.facets->year) got_years[value.value] = value.count;
  EXPECT_EQ(got_years, years);
  for (const auto& value : results.facets->category) {
    if (value.value == "cs.CV") {
      EXPECT_EQ(value.label, "Computer Vision and Pattern Recognition");
    }
  }
  auto counted = engine_->count(query);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->total, results.total);
  EXPECT_EQ(counted->facets->format.size(), results.facets->format.size());

  // count() takes shortcuts (no rows kept, no filter evaluated when none is set): its total and
  // facets agree with run()'s for keyword candidates, examples and no filter at all.
  Query keywords = query;
  keywords.keywords = "plot";
  Query examples;
  examples.positives = {fixture_->images[0].ordinal};
  examples.facets = true;
  Query nothing;
  nothing.facets = true;
  for (const Query* q : {&keywords, &examples, &nothing}) {
    const Results ran = run_ok(*q);
    auto only_counted = engine_->count(*q);
    ASSERT_TRUE(only_counted.ok());
    EXPECT_EQ(only_counted->total, ran.total);
    ASSERT_TRUE(only_counted->facets && ran.facets);
    auto counts = [](const std::vector<FacetValue>& values) {
      std::map<std::string, int64_t> map;
      for (const auto& value : values) map[value.value] = value.count;
      return map;
    };
    EXPECT_EQ(counts(only_counted->facets->year), counts(ran.facets->year));
    EXPECT_EQ(counts(only_counted->facets->format), counts(ran.facets->format));
  }
  EXPECT_EQ(engine_->count(nothing)->total, static_cast<int64_t>(fixture_->images.size()));
}

// Randomised filters: the similar-search answer equals the brute-force top k within the filtered
// set, on the scan path and (ranking aside) on the filtered graph path.
TEST_F(QueryEngine, FilteredSimilarSearchIsExact) {
  auto graph_engine = open_engine(size_t{0});  // every filtered search takes the graph path
  std::mt19937 rng(3);
  const std::vector<std::string> formats = {"png", "pdf", "eps", "jpeg"};
  int graph_queries = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Query query;
    const TruthImage& example = fixture_->images[rng() % fixture_->images.size()];
    query.positives = {example.ordinal};
    query.embedding = trial % 2 ? "mobilenet" : "raw";
    query.limit = 10 + static_cast<int>(rng() % 20);
    if (rng() % 2) query.filters.formats = {formats[rng() % 4], formats[rng() % 4]};
    if (rng() % 3 == 0) query.filters.has_caption = rng() % 2 == 0;
    if (rng() % 3 == 0) query.filters.clusters = {std::to_string(rng() % 4)};
    if (rng() % 4 == 0) query.filters.dates.from = std::to_string(2009 + rng() % 8);
    std::vector<std::pair<float, uint32_t>> oracle;
    for (const auto& image : fixture_->images) {
      if (image.ordinal == example.ordinal || !passes(*fixture_, image, query.filters)) continue;
      const auto& a = query.embedding == "raw" ? example.raw : example.mobilenet;
      const auto& b = query.embedding == "raw" ? image.raw : image.mobilenet;
      oracle.emplace_back(-dot(a, b), image.ordinal);
    }
    std::sort(oracle.begin(), oracle.end());
    const size_t k = std::min(oracle.size(), static_cast<size_t>(query.limit));
    const Results scan = run_ok(query);
    EXPECT_EQ(scan.total, static_cast<int64_t>(oracle.size()));
    ASSERT_EQ(scan.hits.size(), k) << "k results whenever k match";
    for (size_t i = 0; i < k; ++i) {
      EXPECT_EQ(scan.hits[i].image.id, oracle[i].second) << "trial " << trial << " rank " << i;
      EXPECT_NEAR(*scan.hits[i].similarity, -oracle[i].first, 1e-5);
    }
    const Results graph = run_ok(query, *graph_engine);
    ASSERT_EQ(graph.hits.size(), k);
    std::set<uint32_t> allowed;
    for (const auto& [score, id] : oracle) allowed.insert(id);
    for (const Hit& hit : graph.hits) EXPECT_TRUE(allowed.count(hit.image.id)) << "filtered";
    // With fewer matching images than k the graph cannot give k: it scans them (fell back).
    if (!query.filters.empty() && oracle.size() > 2 * k) {
      EXPECT_NE(graph.strategy, "exact") << "the graph engine does not scan small sets";
      ++graph_queries;
    }
  }
  EXPECT_GT(graph_queries, 10);
}

TEST_F(QueryEngine, SimilarExcludesTheExamplesAndPagesAreStable) {
  Query query;
  query.positives = {fixture_->images[0].ordinal, fixture_->images[1].ordinal};
  query.negatives = {fixture_->images[2].ordinal};
  query.limit = 20;
  const Results whole = run_ok(query);
  EXPECT_EQ(whole.mode, "similar");
  EXPECT_EQ(whole.embedding, "raw");
  EXPECT_EQ(whole.total, static_cast<int64_t>(fixture_->images.size()) - 3);
  for (const Hit& hit : whole.hits) {
    EXPECT_NE(hit.image.id, query.positives[0]);
    EXPECT_NE(hit.image.id, query.negatives[0]);
  }
  query.limit = 10;
  auto first = ids_of(run_ok(query));
  query.offset = 10;
  auto second = ids_of(run_ok(query));
  first.insert(first.end(), second.begin(), second.end());
  EXPECT_EQ(first, ids_of(whole));
  query.offset = 0;
  query.exact = true;
  EXPECT_EQ(run_ok(query).strategy, "exact");

  // Past the exact-scan size, an unfiltered query is one graph search over the whole mesh whose
  // answer drops the examples afterwards: still none of them, still a full page.
  auto graph_engine = open_engine(size_t{0});
  query.exact = false;
  query.limit = 20;
  const Results graph = run_ok(query, *graph_engine);
  EXPECT_NE(graph.strategy, "exact");
  EXPECT_EQ(graph.total, whole.total);
  ASSERT_EQ(graph.hits.size(), 20u);
  for (const Hit& hit : graph.hits) {
    for (uint32_t example : {query.positives[0], query.positives[1], query.negatives[0]}) {
      EXPECT_NE(hit.image.id, example);
    }
  }
}

TEST_F(QueryEngine, KeywordPlusSimilarRanksTheKeywordMatchesBySimilarity) {
  Query query;
  query.keywords = "plot";
  query.positives = {fixture_->images[0].ordinal};
  query.limit = 200;
  const Results results = run_ok(query);
  EXPECT_EQ(results.mode, "keyword+similar");
  Query keywords_only;
  keywords_only.keywords = "plot";
  keywords_only.limit = 200;
  std::set<uint32_t> expected;
  for (uint32_t id : ids_of(run_ok(keywords_only))) {
    if (id != query.positives[0]) expected.insert(id);
  }
  const auto got = ids_of(results);
  EXPECT_EQ(std::set<uint32_t>(got.begin(), got.end()), expected);
  for (size_t i = 1; i < results.hits.size(); ++i) {
    EXPECT_GE(*results.hits[i - 1].similarity, *results.hits[i].similarity);
  }
}

TEST_F(QueryEngine, CompareRunsEveryEmbeddingAndCountsTheOverlap) {
  Query query;
  query.positives = {fixture_->images[4].ordinal};
  query.limit = 10;
  auto comparison = engine_->compare(query);
  ASSERT_TRUE(comparison.ok()) << comparison.status().to_string();
  ASSERT_EQ(comparison->columns.size(), 2u);
  std::set<uint32_t> a, b;
  for (const Hit& hit : comparison->columns[0].hits) a.insert(hit.image.id);
  for (const Hit& hit : comparison->columns[1].hits) b.insert(hit.image.id);
  int shared = 0;
  for (uint32_t id : a) shared += static_cast<int>(b.count(id));
  EXPECT_EQ(comparison->overlap[0][1], shared);
  EXPECT_EQ(comparison->overlap[1][0], shared);
  EXPECT_EQ(comparison->overlap[0][0], 10);
  EXPECT_GT(shared, 0) << "both embeddings follow the same clusters";
}

TEST_F(QueryEngine, DetailListsEveryPaperHoldingTheImageAndItsSiblings) {
  const TruthImage* shared = nullptr;
  for (const auto& image : fixture_->images) {
    if (image.papers.size() > 1) shared = &image;
  }
  ASSERT_NE(shared, nullptr) << "the fixture reuses one image across papers";
  auto detail = engine_->detail(shared->ordinal);
  ASSERT_TRUE(detail.ok()) << detail.status().to_string();
  ASSERT_EQ(detail->occurrences.size(), 2u);
  EXPECT_EQ(detail->occurrences[0].paper_id, shared->papers[0]);
  EXPECT_EQ(detail->occurrences[1].paper_id, shared->papers[1]);
  EXPECT_EQ(detail->paper.id, shared->papers[0]);
  EXPECT_EQ(detail->summary.sha256, shared->sha256);
  for (const auto& sibling : detail->siblings) {
    EXPECT_NE(sibling.id, shared->ordinal);
    bool same_paper = false;
    for (const auto& image : fixture_->images) {
      if (image.ordinal == sibling.id) {
        for (const auto& p : image.papers) same_paper = same_paper || p == shared->papers[0];
      }
    }
    EXPECT_TRUE(same_paper) << sibling.id;
  }
  // The paper filter finds the shared image under its second paper too.
  Query query;
  query.filters.paper_ids = {shared->papers[1]};
  EXPECT_TRUE(all_ids(query).count(shared->ordinal));
  EXPECT_EQ(engine_->detail(999999).status().code(), ErrorCode::kNotFound);
}

TEST_F(QueryEngine, ThumbnailsAreFoundByHashOnly) {
  auto path = engine_->thumbnail(fixture_->images[0].sha256, "web");
  ASSERT_TRUE(path.ok()) << path.status().to_string();
  EXPECT_TRUE(std::filesystem::exists(*path));
  EXPECT_EQ(engine_->thumbnail(fixture_->images[0].sha256, "raster").status().code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(engine_->thumbnail("../../etc/passwd", "web").ok());
  EXPECT_FALSE(engine_->thumbnail(fixture_->images[0].sha256, "../x").ok());
}

TEST_F(QueryEngine, BadQueriesAreInvalidArguments) {
  auto code_of = [](const Query& query) { return engine_->run(query).status().code(); };
  Query small;
  small.limit = 5;
  EXPECT_EQ(code_of(small), ErrorCode::kInvalidArgument);
  Query big;
  big.limit = 201;
  EXPECT_EQ(code_of(big), ErrorCode::kInvalidArgument);
  Query negative_only;
  negative_only.negatives = {fixture_->images[0].ordinal};
  EXPECT_EQ(code_of(negative_only), ErrorCode::kInvalidArgument);
  Query unknown_embedding;
  unknown_embedding.positives = {fixture_->images[0].ordinal};
  unknown_embedding.embedding = "clip";
  EXPECT_EQ(code_of(unknown_embedding), ErrorCode::kInvalidArgument);
  Query unknown_image;
  unknown_image.positives = {4000000};
  EXPECT_EQ(code_of(unknown_image), ErrorCode::kInvalidArgument);
  Query bad_date;
  bad_date.filters.dates.from = "2019-13";
  EXPECT_EQ(code_of(bad_date), ErrorCode::kInvalidArgument);
  Query reversed;
  reversed.filters.dates = {"2019", "2010"};
  EXPECT_EQ(code_of(reversed), ErrorCode::kInvalidArgument);
  Query deep;
  deep.positives = {fixture_->images[0].ordinal};
  deep.offset = kMaxRank;
  EXPECT_EQ(code_of(deep), ErrorCode::kInvalidArgument);
  Query injection;
  injection.filters.categories = {"cs.CV' OR 1=1 --"};
  auto none = engine_->run(injection);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total, 0) << "a value is data, never SQL";
}

TEST_F(QueryEngine, UploadsAreCheckedBeforeAnyModelRuns) {
  Query query;
  query.upload = "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n";
  EXPECT_EQ(engine_->run(query).status().code(), ErrorCode::kUnsupported) << "no EPS uploads";
  query.upload = std::string(20 << 20, 'x');
  EXPECT_EQ(engine_->run(query).status().code(), ErrorCode::kTooLarge);
  query.upload = "just text";
  EXPECT_EQ(engine_->run(query).status().code(), ErrorCode::kUnsupported);
}

TEST_F(QueryEngine, ConcurrentQueriesGiveTheSameAnswers) {
  Query similar;
  similar.positives = {fixture_->images[7].ordinal};
  similar.filters.formats = {"png", "pdf"};
  Query keyword;
  keyword.keywords = "plot";
  keyword.facets = true;
  const auto similar_ids = ids_of(run_ok(similar));
  const auto keyword_ids = ids_of(run_ok(keyword));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto got = engine_->run(t % 2 ? similar : keyword);
        if (!got.ok() || ids_of(*got) != (t % 2 ? similar_ids : keyword_ids)) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace imagemesh::query

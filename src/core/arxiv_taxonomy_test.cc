// arxiv_taxonomy: the table is sorted and consistent, aliases and legacy archives map to their
// successors, and every category in the real metadata samples is known.
#include "core/arxiv_taxonomy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "test_support/corpus.h"

namespace imagemesh {
namespace {

TEST(ArxivTaxonomy, TableIsSortedAndEveryCanonicalIsACurrentCategory) {
  auto categories = all_arxiv_categories();
  ASSERT_GT(categories.size(), 150u);
  std::set<std::string_view> groups;
  for (size_t i = 0; i < categories.size(); ++i) {
    const ArxivCategory& category = categories[i];
    if (i > 0) {
      EXPECT_LT(categories[i - 1].code, category.code);
    }
    EXPECT_FALSE(category.name.empty()) << category.code;
    EXPECT_EQ(category.code.substr(0, category.archive.size()), category.archive);
    groups.insert(category.group);
    const ArxivCategory* successor = find_arxiv_category(category.canonical);
    ASSERT_NE(successor, nullptr) << category.code << " -> " << category.canonical;
    EXPECT_EQ(successor->canonical, successor->code) << "one step reaches the current name";
  }
  EXPECT_EQ(groups, (std::set<std::string_view>{"Computer Science", "Economics",
                                                "Electrical Engineering and Systems Science",
                                                "Mathematics", "Physics", "Quantitative Biology",
                                                "Quantitative Finance", "Statistics"}));
}

TEST(ArxivTaxonomy, NamesArchivesGroupsAliasesAndLegacy) {
  const ArxivCategory* ag = find_arxiv_category("math.AG");
  ASSERT_NE(ag, nullptr);
  EXPECT_EQ(ag->name, "Algebraic Geometry");
  EXPECT_EQ(ag->archive, "math");
  EXPECT_EQ(ag->group, "Mathematics");
  EXPECT_FALSE(ag->legacy);

  const ArxivCategory* hep = find_arxiv_category("hep-ph");
  ASSERT_NE(hep, nullptr);
  EXPECT_EQ(hep->name, "High Energy Physics - Phenomenology");
  EXPECT_EQ(hep->group, "Physics");

  EXPECT_EQ(canonical_arxiv_category("math.IT"), "cs.IT");
  EXPECT_EQ(canonical_arxiv_category("math.MP"), "math-ph");
  EXPECT_EQ(canonical_arxiv_category("math.ST"), "stat.TH");
  EXPECT_EQ(canonical_arxiv_category("cs.SY"), "eess.SY");
  EXPECT_EQ(canonical_arxiv_category("q-fin.EC"), "econ.GN");
  EXPECT_EQ(canonical_arxiv_category("cs.LG"), "cs.LG");

  for (auto [legacy, successor] : {std::pair{"solv-int", "nlin.SI"},
                                   {"cmp-lg", "cs.CL"},
                                   {"alg-geom", "math.AG"},
                                   {"supr-con", "cond-mat.supr-con"}}) {
    const ArxivCategory* old = find_arxiv_category(legacy);
    ASSERT_NE(old, nullptr) << legacy;
    EXPECT_TRUE(old->legacy) << legacy;
    EXPECT_EQ(old->canonical, successor);
  }
  EXPECT_EQ(find_arxiv_category("cmp-lg")->group, "Computer Science");
  EXPECT_EQ(find_arxiv_category("MATH.AG"), nullptr);  // codes are case-sensitive
  EXPECT_EQ(find_arxiv_category("not-a-category"), nullptr);
  EXPECT_EQ(canonical_arxiv_category("not-a-category"), "not-a-category");
}

TEST(ArxivTaxonomy, SplitsListsPrimaryFirstWithoutDuplicates) {
  EXPECT_EQ(split_arxiv_categories("hep-ph math.MP  hep-ph\tcs.IT\n"),
            (std::vector<std::string>{"hep-ph", "math.MP", "cs.IT"}));
  EXPECT_TRUE(split_arxiv_categories("   ").empty());
}

TEST(ArxivTaxonomy, EveryCategoryOfTheRealSamplesIsKnown) {
  const std::string corpus = testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
  // JSON snapshot lines carry "categories":"a b"; OAI records <categories>a b</categories>.
  std::set<std::string> seen;
  auto collect = [&](const std::string& text, const std::string& open, char close) {
    for (size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
      const size_t start = at + open.size();
      const size_t end = text.find(close, start);
      for (auto& code : split_arxiv_categories(text.substr(start, end - start))) seen.insert(code);
    }
  };
  collect(testing::read_file(corpus + "/metadata/kaggle-snapshot-sample.jsonl"),
          "\"categories\":\"", '"');
  collect(testing::read_file(corpus + "/metadata/oai-listrecords-sample.xml"), "<categories>", '<');
  collect(testing::read_file(corpus + "/metadata/oai-listrecords-oldstyle.xml"), "<categories>",
          '<');
  ASSERT_GT(seen.size(), 20u);
  for (const auto& code : seen) EXPECT_NE(find_arxiv_category(code), nullptr) << code;
}

}  // namespace
}  // namespace imagemesh

#include "query_bench/workload.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "embed/vector_file.h"
#include "store/catalog_reader.h"

namespace imagemesh::bench {
namespace {

using Rng = std::mt19937_64;

constexpr size_t kTierWords = 40;       // words per tier (more than the keyword cache holds)
constexpr size_t kSampleImages = 3000;  // image records read for the word statistics

// Lower-case words of 4+ letters.
void add_words(const std::string& text, std::set<std::string>& words) {
  std::string word;
  auto flush = [&] {
    if (word.size() >= 4) words.insert(word);
    word.clear();
  };
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
}

KeywordTiers tiers_of(const std::map<std::string, size_t>& frequency, size_t documents, Rng& rng) {
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const auto& [word, count] : frequency) ranked.emplace_back(count, word);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  KeywordTiers tiers;
  for (size_t i = 0; i < ranked.size() && tiers.common.size() < kTierWords; ++i) {
    tiers.common.push_back(ranked[i].second);
  }
  // Medium: the words nearest to 1 % of the sampled images (at least 2 of them).
  const size_t target = std::max<size_t>(2, documents / 100);
  std::vector<std::pair<size_t, std::string>> medium;
  for (const auto& [count, word] : ranked) {
    if (std::find(tiers.common.begin(), tiers.common.end(), word) != tiers.common.end()) continue;
    medium.emplace_back(count > target ? count - target : target - count, word);
  }
  std::sort(medium.begin(), medium.end());
  for (size_t i = 0; i < medium.size() && tiers.medium.size() < kTierWords; ++i) {
    tiers.medium.push_back(medium[i].second);
  }
  std::vector<std::string> once;
  for (const auto& [count, word] : ranked) {
    if (count == 1) once.push_back(word);
  }
  std::shuffle(once.begin(), once.end(), rng);
  if (once.size() > kTierWords) once.resize(kTierWords);
  tiers.rare = once;
  return tiers;
}

// The facet values of the whole mesh, to draw filters from.
struct Distribution {
  std::vector<query::FacetValue> values;
  const query::FacetValue& draw(Rng& rng) const {
    int64_t total = 0;
    for (const auto& v : values) total += v.count;
    int64_t x = static_cast<int64_t>(rng() % static_cast<uint64_t>(std::max<int64_t>(1, total)));
    for (const auto& v : values) {
      if ((x -= v.count) < 0) return v;
    }
    return values.back();
  }
};

class FilterDraw {
 public:
  FilterDraw(const query::Facets& facets, int64_t images) {
    archives_.values = facets.archive;
    formats_.values = facets.format;
    years_.values = facets.year;
    // Mid-sized categories: 0.1 % .. 5 % of the images (all of them when none is).
    for (const auto& v : facets.category) {
      const double share = static_cast<double>(v.count) / static_cast<double>(images);
      if (share >= 0.001 && share <= 0.05) categories_.values.push_back(v);
    }
    if (categories_.values.empty()) categories_.values = facets.category;
    if (archives_.values.size() > 3) archives_.values.resize(3);
  }

  bool usable() const {
    return !archives_.values.empty() && !formats_.values.empty() && !years_.values.empty() &&
           !categories_.values.empty();
  }

  query::Filters selective(Rng& rng) const {
    query::Filters f;
    f.categories = {categories_.draw(rng).value};
    const int year = std::stoi(years_.draw(rng).value);
    f.dates.from = std::to_string(year);
    f.dates.to = std::to_string(year + static_cast<int>(rng() % 3));
    if (rng() % 2 == 0) f.formats = {formats_.draw(rng).value};
    return f;
  }

  query::Filters broad(Rng& rng) const {
    query::Filters f;
    switch (rng() % 4) {
      case 0:
        f.archives = {archives_.draw(rng).value};
        break;
      case 1:
        f.dates.from = std::to_string(2005 + static_cast<int>(rng() % 11));
        break;
      case 2:
        f.formats = {"pdf", "png"};
        break;
      default:
        f.archives = {archives_.draw(rng).value};
        f.dates.from = std::to_string(2005 + static_cast<int>(rng() % 11));
        break;
    }
    return f;
  }

 private:
  Distribution archives_, categories_, formats_, years_;
};

std::string padded(const std::string& word, size_t i) { return word + std::string(i % 64, ' '); }

}  // namespace

Result<MeshSample> sample_mesh(const std::string& mesh_dir, const std::vector<uint32_t>& ordinals,
                               const std::string& vectors_path, uint64_t seed) {
  MeshSample sample;
  IM_ASSIGN_OR_RETURN(auto vectors, embed::VectorFile::open(vectors_path));
  for (uint32_t ordinal : ordinals) {
    if (vectors.has(ordinal)) sample.images.push_back(ordinal);
  }
  if (sample.images.empty()) {
    return Status(ErrorCode::kInvalidArgument, vectors_path + " has no catalogue image");
  }
  // Word statistics: the words of each sampled image's paper and captions, once per image.
  Rng rng(seed);
  std::vector<uint32_t> chosen = ordinals;
  std::shuffle(chosen.begin(), chosen.end(), rng);
  if (chosen.size() > kSampleImages) chosen.resize(kSampleImages);
  IM_ASSIGN_OR_RETURN(auto reader, store::CatalogReader::open(mesh_dir));
  std::map<std::string, size_t> frequency;
  size_t documents = 0;
  for (uint32_t ordinal : chosen) {
    IM_ASSIGN_OR_RETURN(auto record, reader->image_record(ordinal));
    if (!record) continue;
    std::set<std::string> words;
    add_words(record->paper.title + " " + record->paper.abstract, words);
    if (!record->files.empty()) {
      for (const auto& use : record->files.front().uses) {
        add_words(use.caption_text + " " + use.subfigure_caption, words);
      }
    }
    for (const auto& word : words) ++frequency[word];
    ++documents;
  }
  sample.words = tiers_of(frequency, documents, rng);
  return sample;
}

Result<std::vector<Kind>> build_workload(const query::Engine& engine, const MeshSample& sample,
                                         size_t per_kind, uint64_t seed) {
  Rng rng(seed);
  auto example = [&] { return sample.images[rng() % sample.images.size()]; };
  std::vector<Kind> kinds;

  Kind random{"random", false, true, {}};
  for (size_t i = 0; i < per_kind; ++i) {
    Request r;
    r.query.seed = rng();
    random.requests.push_back(r);
  }
  kinds.push_back(std::move(random));

  for (const auto& [name, words] : {std::pair{"keyword: common", &sample.words.common},
                                    std::pair{"keyword: medium", &sample.words.medium},
                                    std::pair{"keyword: rare", &sample.words.rare}}) {
    if (words->empty()) continue;
    Kind kind{name, false, true, {}};
    for (size_t i = 0; i < per_kind; ++i) {
      Request r;
      r.query.keywords = padded((*words)[i % words->size()], i / words->size());
      kind.requests.push_back(r);
    }
    kinds.push_back(std::move(kind));
  }
  if (!sample.words.common.empty()) {
    Kind paging{"keyword: page 2 (cached)", false, false, {}};
    const size_t words = std::min<size_t>(8, sample.words.common.size());
    for (size_t i = 0; i < per_kind; ++i) {
      Request r;
      r.query.keywords = sample.words.common[i % words];
      r.query.offset = 50;
      paging.requests.push_back(r);
    }
    kinds.push_back(std::move(paging));
  }

  Kind similar{"similar", false, true, {}};
  for (size_t i = 0; i < per_kind; ++i) {
    Request r;
    r.query.positives = {example()};
    similar.requests.push_back(r);
  }
  kinds.push_back(std::move(similar));

  query::Query everything;
  everything.facets = true;
  IM_ASSIGN_OR_RETURN(auto all, engine.count(everything));
  const FilterDraw filters(*all.facets, std::max<int64_t>(1, all.total));
  if (!filters.usable()) return kinds;  // a mesh without metadata: no filtered kinds

  Kind filtered{"similar+filters", false, true, {}};
  for (size_t i = 0; i < per_kind; ++i) {
    Request r;
    const bool selective = rng() % 2 == 0;
    r.tag = selective ? "selective" : "broad";
    r.query.filters = selective ? filters.selective(rng) : filters.broad(rng);
    uint32_t chosen = example();
    if (rng() % 2 == 0) {
      // An image of the filtered grid (a random page of the same filters; untimed setup).
      query::Query grid;
      grid.filters = r.query.filters;
      grid.seed = rng();
      IM_ASSIGN_OR_RETURN(auto page, engine.run(grid));
      if (!page.hits.empty()) {
        const uint32_t clicked = page.hits[rng() % page.hits.size()].image.id;
        if (std::binary_search(sample.images.begin(), sample.images.end(), clicked)) {
          chosen = clicked;
        }
      }
    }
    r.query.positives = {chosen};
    filtered.requests.push_back(r);
  }
  kinds.push_back(std::move(filtered));

  Kind facets{"facets", true, false, {}};
  for (size_t i = 0; i < per_kind; ++i) {
    Request r;
    r.query.facets = true;
    const auto draw = rng() % 5;
    if (draw == 1 || draw == 2) r.query.filters = filters.selective(rng);
    if (draw >= 3) r.query.filters = filters.broad(rng);
    facets.requests.push_back(r);
  }
  kinds.push_back(std::move(facets));
  return kinds;
}

}  // namespace imagemesh::bench

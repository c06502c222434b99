#include "query/engine.h"

#include <algorithm>
#include <chrono>
#include <span>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "core/arxiv_taxonomy.h"
#include "core/log.h"
#include "core/stopwatch.h"
#include "embed/models.h"
#include "query/catalog.h"
#include "query/embedding_set.h"
#include "query/filter.h"
#include "query/keyword_cache.h"
#include "query/ranking.h"
#include "query/reader_pool.h"
#include "store/thumbnail_store.h"

namespace imagemesh::query {
namespace {

namespace fs = std::filesystem;

// The heads whose predictions are the figure-type and cluster filters (docs/heads.md).
constexpr const char* kFigureTypeModel = "ternary";
constexpr const char* kClusterModel = "deepcluster";
constexpr uint64_t kMaxUploadPixels = 50'000'000;

Status invalid(const std::string& message) { return Status(ErrorCode::kInvalidArgument, message); }

// One FTS5 expression for the keywords and the per-column text filters (AND), or "" for none.
std::string fts_expression(const Query& query) {
  std::string expression;
  auto add = [&](const std::string& column, const std::string& text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
    if (!expression.empty()) expression += " AND ";
    expression += column.empty() ? "(" + text + ")" : column + " : (" + text + ")";
  };
  add("", query.keywords);
  add("authors", query.filters.author);
  add("title", query.filters.title);
  add("caption", query.filters.caption);
  add("abstract", query.filters.abstract);
  return expression;
}

bool has_keywords(const Query& query) {
  return query.keywords.find_first_not_of(" \t\r\n") != std::string::npos;
}

bool is_similar(const Query& query) { return !query.positives.empty() || !query.upload.empty(); }

// Whether a filter of the catalogue's columns is set (the text and paper filters select
// candidates instead). Without one every row passes, and select() skips evaluating them.
bool filters_rows(const Filters& f) {
  return !f.archives.empty() || !f.categories.empty() || !f.dates.from.empty() ||
         !f.dates.to.empty() || !f.formats.empty() || !f.creator.empty() ||
         !f.figure_types.empty() || !f.clusters.empty() || f.has_caption || f.in_figure ||
         !f.licenses.empty();
}

// The images a query may return, as catalogue rows (ascending), with what ranking needs.
struct Selection {
  // Matching rows; left empty when select() was asked for counts only (`total` has them).
  std::vector<uint32_t> rows;
  int64_t total = 0;
  // Every catalogue image but the query's examples matches (no filter, no keywords): one
  // unfiltered graph search answers a similar query. Set without examples, and with examples
  // only when the filtered search would not scan them anyway (more rows than the exact-scan
  // switch), so small meshes keep their exact answers.
  bool unrestricted = false;
  std::shared_ptr<const KeywordMatches> keyword_matches;  // when an FTS expression was given
  std::string expression;
  std::optional<Facets> facets;
};

class EngineImpl final : public Engine {
 public:
  EngineImpl(EngineOptions options, Catalog catalog, std::unique_ptr<ReaderPool> readers,
             std::vector<std::unique_ptr<Embedding>> embeddings, MeshInfo info)
      : options_(std::move(options)),
        catalog_(std::move(catalog)),
        readers_(std::move(readers)),
        embeddings_(std::move(embeddings)),
        info_(std::move(info)),
        keyword_cache_(32, options_.keyword_cache_bytes),
        thumbnails_(options_.mesh_dir) {}

  const MeshInfo& info() const override { return info_; }

  Result<Results> run(const Query& query) const override {
    const auto start = std::chrono::steady_clock::now();
    IM_RETURN_IF_ERROR(check_page(query));
    const Embedding* embedding = nullptr;
    if (is_similar(query)) {
      IM_ASSIGN_OR_RETURN(embedding, find_embedding(query.embedding));
    } else if (!query.negatives.empty()) {
      return invalid("unlike: negative examples need a positive example (like) or an upload");
    }
    IM_ASSIGN_OR_RETURN(Selection selection, select(query, query.facets));
    Results results;
    results.offset = query.offset;
    results.facets = std::move(selection.facets);
    if (embedding) {
      IM_ASSIGN_OR_RETURN(std::vector<float> vector, query_vector(*embedding, query));
      results.mode = has_keywords(query) ? "keyword+similar" : "similar";
      results.embedding = embedding->name();
      IM_RETURN_IF_ERROR(rank_by_similarity(*embedding, vector, query, selection, results));
    } else if (has_keywords(query)) {
      results.mode = "keyword";
      results.strategy = "fts";
      results.total = selection.total;
      IM_RETURN_IF_ERROR(rank_by_keywords(query, selection, results));
    } else {
      results.mode = "random";
      results.strategy = "shuffle";
      results.total = selection.total;
      // Rows ascend with ordinals: the whole catalogue is its ordinal column, not a copy of it.
      std::vector<uint32_t> copied;
      std::span<const uint32_t> images = catalog_.ordinal;
      if (!selection.unrestricted) images = copied = ordinals_of(selection.rows);
      std::vector<uint32_t> order =
          first_in_shuffle(images, query.seed, static_cast<size_t>(query.offset + query.limit));
      for (size_t i = static_cast<size_t>(query.offset); i < order.size(); ++i) {
        results.hits.push_back(Hit{summary_stub(order[i]), std::nullopt, std::nullopt, ""});
      }
    }
    IM_RETURN_IF_ERROR(hydrate(results.hits));
    results.millis = seconds_since(start) * 1000.0;
    return results;
  }

  Result<Results> count(const Query& query) const override {
    const auto start = std::chrono::steady_clock::now();
    IM_ASSIGN_OR_RETURN(Selection selection, select(query, true, /*need_rows=*/false));
    Results results;
    results.mode = "count";
    results.total = selection.total;
    results.facets = std::move(selection.facets);
    results.millis = seconds_since(start) * 1000.0;
    return results;
  }

  Result<Comparison> compare(const Query& query) const override {
    const auto start = std::chrono::steady_clock::now();
    IM_RETURN_IF_ERROR(check_page(query));
    if (!is_similar(query)) {
      return invalid("like: comparing embeddings needs a similar query (like=ID or an upload)");
    }
    if (embeddings_.empty()) return no_embeddings();
    IM_ASSIGN_OR_RETURN(Selection selection, select(query, false));
    Comparison comparison;
    comparison.total = selection.total;
    for (const auto& embedding : embeddings_) {
      Comparison::Column column;
      column.embedding = embedding->name();
      Results results;
      auto vector = query_vector(*embedding, query);
      Status ranked = vector.status();
      if (ranked.ok()) ranked = rank_by_similarity(*embedding, *vector, query, selection, results);
      if (ranked.ok()) ranked = hydrate(results.hits);
      if (ranked.ok()) {
        column.strategy = results.strategy;
        column.hits = std::move(results.hits);
      } else {
        column.strategy = "unavailable";
        column.error = ranked.message();
      }
      comparison.columns.push_back(std::move(column));
    }
    const size_t n = comparison.columns.size();
    comparison.overlap.assign(n, std::vector<int>(n, 0));
    std::vector<std::unordered_set<uint32_t>> ids(n);
    for (size_t i = 0; i < n; ++i) {
      for (const Hit& hit : comparison.columns[i].hits) ids[i].insert(hit.image.id);
    }
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        int shared = 0;
        for (uint32_t id : ids[i]) shared += ids[j].count(id) ? 1 : 0;
        comparison.overlap[i][j] = shared;
      }
    }
    comparison.millis = seconds_since(start) * 1000.0;
    return comparison;
  }

  Result<ImageDetail> detail(uint32_t id) const override {
    auto row = catalog_.row_of(id);
    if (!row) return Status(ErrorCode::kNotFound, "no image " + std::to_string(id));
    std::optional<store::ImageRecord> record;
    {
      auto reader = readers_->lease();
      IM_ASSIGN_OR_RETURN(record, reader->image_record(id));
    }
    if (!record) return Status(ErrorCode::kNotFound, "no image " + std::to_string(id));
    ImageDetail detail;
    std::vector<Hit> cards;
    cards.push_back(Hit{summary_stub(id), std::nullopt, std::nullopt, ""});
    for (uint32_t sibling : record->siblings) {
      if (catalog_.row_of(sibling)) {
        cards.push_back(Hit{summary_stub(sibling), std::nullopt, std::nullopt, ""});
      }
    }
    IM_RETURN_IF_ERROR(hydrate(cards));
    detail.summary = std::move(cards.front().image);
    for (size_t i = 1; i < cards.size(); ++i) detail.siblings.push_back(std::move(cards[i].image));
    detail.creator = record->blob.creator;
    detail.color = record->blob.color;
    detail.size_bytes = record->size_bytes;
    detail.width_px = record->blob.width_px;
    detail.height_px = record->blob.height_px;
    detail.pages = record->blob.pages;
    detail.raster_width = record->raster_width;
    detail.raster_height = record->raster_height;
    for (const auto& prediction : record->predictions) {
      detail.predictions.push_back(
          {prediction.model, {prediction.prediction.label, prediction.prediction.probability}});
    }
    for (const auto& file : record->files) {
      Occurrence occurrence{file.paper_id, file.path, {}};
      for (const auto& use : file.uses) {
        occurrence.figures.push_back({use.figure_order, use.label, use.caption_text,
                                      use.caption_tex, use.subfigure_order, use.subfigure_label,
                                      use.subfigure_caption});
      }
      detail.occurrences.push_back(std::move(occurrence));
    }
    const store::ImagePaper& paper = record->paper;
    detail.paper = {paper.paper_id, paper.title, paper.authors,     paper.abstract,     paper.date,
                    paper.license,  paper.doi,   paper.journal_ref, paper.described_by, {}};
    for (const std::string& code : split_arxiv_categories(paper.categories)) {
      const ArxivCategory* known = find_arxiv_category(code);
      detail.paper.categories.emplace_back(code, known ? std::string(known->name) : code);
    }
    return detail;
  }

  Result<fs::path> thumbnail(std::string_view sha256, std::string_view kind) const override {
    std::string_view extension;
    if (kind == "web") {
      extension = "webp";
    } else if (kind == "raster") {
      extension = "jpg";
    } else {
      return invalid("thumbnail kind must be web or raster");
    }
    IM_ASSIGN_OR_RETURN(std::string relative, thumbnails_.relative_path(sha256, kind, extension));
    fs::path path = fs::path(options_.mesh_dir) / relative;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      return Status(ErrorCode::kNotFound,
                    "no " + std::string(kind) + " thumbnail for " + std::string(sha256));
    }
    return path;
  }

 private:
  static Status check_page(const Query& query) {
    if (query.limit < kMinPageSize || query.limit > kMaxPageSize) {
      return invalid("limit must be " + std::to_string(kMinPageSize) + ".." +
                     std::to_string(kMaxPageSize) + ", got " + std::to_string(query.limit));
    }
    if (query.offset < 0)
      return invalid("offset must be >= 0, got " + std::to_string(query.offset));
    return Status::Ok();
  }

  Status no_embeddings() const {
    return invalid("emb: the mesh has no embeddings: run `imagemesh embed --mesh " +
                   options_.mesh_dir + "` first");
  }

  Result<const Embedding*> find_embedding(const std::string& name) const {
    if (embeddings_.empty()) return no_embeddings();
    if (name.empty()) return embeddings_.front().get();
    std::string known;
    for (const auto& embedding : embeddings_) {
      if (embedding->name() == name) return embedding.get();
      known += (known.empty() ? "" : ", ") + embedding->name();
    }
    return invalid("emb: the mesh has no embedding '" + name + "' (it has: " + known + ")");
  }

  Result<std::vector<float>> query_vector(const Embedding& embedding, const Query& query) const {
    for (const auto* list : {&query.positives, &query.negatives}) {
      for (uint32_t image : *list) {
        if (!catalog_.row_of(image)) {
          return invalid(std::string(list == &query.positives ? "like" : "unlike") + ": no image " +
                         std::to_string(image));
        }
      }
    }
    std::vector<float> upload;
    if (!query.upload.empty()) {
      if (query.upload.size() > options_.max_upload_bytes) {
        return Status(ErrorCode::kTooLarge,
                      "the upload has " + std::to_string(query.upload.size()) +
                          " bytes; the limit is " + std::to_string(options_.max_upload_bytes));
      }
      IM_ASSIGN_OR_RETURN(upload, embedding.embed_upload(query.upload, kMaxUploadPixels));
    }
    return embedding.query_vector(query.positives, query.negatives, upload);
  }

  // The images matching an FTS expression; scored when `scored` (keywords rank or are shown),
  // otherwise the scores may be 0 (text filters need the set only).
  Result<std::shared_ptr<const KeywordMatches>> keyword_matches(const std::string& expression,
                                                                bool scored) const {
    const std::string scored_key = "bm25:" + expression, unscored_key = "set:" + expression;
    if (auto cached = keyword_cache_.find(scored_key)) return cached;
    if (!scored) {
      if (auto cached = keyword_cache_.find(unscored_key)) return cached;
    }
    std::vector<store::FileMatch> files;
    {
      auto reader = readers_->lease();
      using Scoring = store::CatalogReader::Scoring;
      IM_ASSIGN_OR_RETURN(
          files, reader->keyword_matches(expression, scored ? Scoring::kBm25 : Scoring::kUnscored));
    }
    // Files -> images in memory (a join per match in SQL costs several times the search).
    KeywordMatches matches;
    matches.reserve(files.size());
    for (const store::FileMatch& file : files) {
      if (auto row = catalog_.row_of_file(file.file_id)) {
        matches.push_back(
            {catalog_.ordinal[*row], static_cast<uint32_t>(file.file_id), file.score});
      }
    }
    // One entry per image: its best file (ties: the smaller file id, for stable answers).
    std::sort(matches.begin(), matches.end(), [](const KeywordMatch& a, const KeywordMatch& b) {
      if (a.ordinal != b.ordinal) return a.ordinal < b.ordinal;
      if (a.score != b.score) return a.score > b.score;
      return a.file_id < b.file_id;
    });
    matches.erase(std::unique(matches.begin(), matches.end(),
                              [](const KeywordMatch& a, const KeywordMatch& b) {
                                return a.ordinal == b.ordinal;
                              }),
                  matches.end());
    matches.shrink_to_fit();
    auto shared = std::make_shared<const KeywordMatches>(std::move(matches));
    keyword_cache_.put(scored ? scored_key : unscored_key, shared);
    return shared;
  }

  // Filters, keywords and paper ids -> the matching rows (and facets when asked). Without
  // `need_rows` (count()), the rows are left out when the facet scan counts them anyway.
  Result<Selection> select(const Query& query, bool with_facets, bool need_rows = true) const {
    Selection selection;
    IM_ASSIGN_OR_RETURN(CompiledFilter filter, CompiledFilter::compile(query.filters, catalog_));
    // The candidate rows: every image, or those the keywords and paper ids allow.
    std::optional<std::vector<uint32_t>> candidates;
    selection.expression = fts_expression(query);
    if (!selection.expression.empty()) {
      IM_ASSIGN_OR_RETURN(selection.keyword_matches,
                          keyword_matches(selection.expression, has_keywords(query)));
      std::vector<uint32_t> rows;
      rows.reserve(selection.keyword_matches->size());
      for (const auto& match : *selection.keyword_matches) {
        if (auto row = catalog_.row_of(match.ordinal)) rows.push_back(static_cast<uint32_t>(*row));
      }
      candidates = std::move(rows);
    }
    if (!query.filters.paper_ids.empty()) {
      std::vector<uint32_t> images;
      {
        auto reader = readers_->lease();
        IM_ASSIGN_OR_RETURN(images, reader->images_of_papers(query.filters.paper_ids));
      }
      std::vector<uint32_t> rows;
      for (uint32_t image : images) {
        if (auto row = catalog_.row_of(image)) rows.push_back(static_cast<uint32_t>(*row));
      }
      if (candidates) {
        std::vector<uint32_t> both;
        std::set_intersection(candidates->begin(), candidates->end(), rows.begin(), rows.end(),
                              std::back_inserter(both));
        rows = std::move(both);
      }
      candidates = std::move(rows);
    }
    // Rows ascend with ordinals, so the examples are found by binary search.
    std::vector<uint32_t> excluded;
    if (is_similar(query)) {
      for (const auto* list : {&query.positives, &query.negatives}) {
        for (uint32_t image : *list) {
          if (auto row = catalog_.row_of(image)) excluded.push_back(static_cast<uint32_t>(*row));
        }
      }
      std::sort(excluded.begin(), excluded.end());
      excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
    }
    if (with_facets && !need_rows && excluded.empty()) {
      // count(): the facet scan evaluates every candidate and counts the matching ones.
      selection.facets = count_facets(catalog_, filter, candidates ? *candidates : selection.rows,
                                      !candidates, &selection.total);
      return selection;
    }
    auto excluded_row = [&](uint32_t row) {
      return !excluded.empty() && std::binary_search(excluded.begin(), excluded.end(), row);
    };
    const bool every_row = !candidates && !filters_rows(query.filters);
    if (every_row) {
      // Nothing to evaluate (1 M calls of CompiledFilter::failures otherwise): all but examples.
      selection.rows.reserve(catalog_.size());
      for (uint32_t row = 0; row < catalog_.size(); ++row) {
        if (!excluded_row(row)) selection.rows.push_back(row);
      }
    } else if (candidates) {
      const bool evaluate = filters_rows(query.filters);
      for (uint32_t row : *candidates) {
        if ((!evaluate || filter.failures(row) == 0) && !excluded_row(row)) {
          selection.rows.push_back(row);
        }
      }
    } else {
      selection.rows.reserve(catalog_.size());
      for (uint32_t row = 0; row < catalog_.size(); ++row) {
        if (filter.failures(row) == 0 && !excluded_row(row)) selection.rows.push_back(row);
      }
    }
    selection.total = static_cast<int64_t>(selection.rows.size());
    selection.unrestricted =
        !candidates &&
        (excluded.empty() ? selection.rows.size() == catalog_.size()
                          : every_row && selection.rows.size() > exact_scan_max_ids());
    if (with_facets) {
      selection.facets = count_facets(catalog_, filter, candidates ? *candidates : selection.rows,
                                      !candidates, nullptr);
    }
    return selection;
  }

  // Filtered searches over at most this many images scan them (index::FilterOptions).
  size_t exact_scan_max_ids() const {
    return options_.exact_scan_max_ids.value_or(index::FilterOptions{}.exact_max_ids);
  }

  std::vector<uint32_t> ordinals_of(std::span<const uint32_t> rows) const {
    std::vector<uint32_t> images;
    images.reserve(rows.size());
    for (uint32_t row : rows) images.push_back(catalog_.ordinal[row]);
    return images;
  }

  Status rank_by_similarity(const Embedding& embedding, std::span<const float> vector,
                            const Query& query, const Selection& selection,
                            Results& results) const {
    const size_t wanted = static_cast<size_t>(query.offset) + static_cast<size_t>(query.limit);
    if (wanted > static_cast<size_t>(kMaxRank)) {
      return invalid("offset: similar search ranks the first " + std::to_string(kMaxRank) +
                     " images; offset + limit is " + std::to_string(wanted));
    }
    results.embedding = embedding.name();
    results.total = selection.total;
    std::vector<index::Neighbor> neighbours;
    if (query.exact) {
      IM_ASSIGN_OR_RETURN(
          neighbours, exact_scan(embedding.vectors(), ordinals_of(selection.rows), vector, wanted));
      results.strategy = "exact";
    } else if (selection.unrestricted) {
      // The whole mesh: one graph search. The examples and indexed images outside the catalogue
      // (a conversion redone since) are dropped, so that many more are asked for.
      auto is_example = [&](uint32_t id) {
        for (const auto* list : {&query.positives, &query.negatives}) {
          if (std::find(list->begin(), list->end(), id) != list->end()) return true;
        }
        return false;
      };
      const size_t examples = query.positives.size() + query.negatives.size();
      index::SearchStats stats;
      IM_ASSIGN_OR_RETURN(
          neighbours, embedding.index().search(vector, wanted + examples + 16, nullptr, &stats));
      std::erase_if(neighbours, [&](const index::Neighbor& n) {
        return !catalog_.row_of(n.id) || is_example(n.id);
      });
      if (neighbours.size() > wanted) neighbours.resize(wanted);
      results.strategy = std::string(index::strategy_name(stats.strategy));
    } else if (selection.rows.empty()) {
      results.strategy = "exact";
    } else {
      index::AllowedIds allowed(ordinals_of(selection.rows));
      index::SearchStats stats;
      IM_ASSIGN_OR_RETURN(neighbours, embedding.index().search(vector, wanted, &allowed, &stats));
      results.strategy = std::string(index::strategy_name(stats.strategy));
    }
    for (size_t i = static_cast<size_t>(query.offset); i < neighbours.size(); ++i) {
      Hit hit{summary_stub(neighbours[i].id), neighbours[i].similarity, std::nullopt, ""};
      results.hits.push_back(std::move(hit));
    }
    if (selection.keyword_matches && has_keywords(query)) {
      IM_RETURN_IF_ERROR(add_snippets(selection, results.hits));
    }
    return Status::Ok();
  }

  Status rank_by_keywords(const Query& query, const Selection& selection, Results& results) const {
    const KeywordMatches& matches = *selection.keyword_matches;
    // Rows and matches both ascend by ordinal and every row is a match: one walk through both
    // (a binary search per row costs ~20 comparisons each for a word matching 1 M images).
    std::vector<const KeywordMatch*> ranked;
    ranked.reserve(selection.rows.size());
    auto match = matches.begin();
    for (uint32_t row : selection.rows) {
      const uint32_t image = catalog_.ordinal[row];
      while (match->ordinal < image) ++match;
      ranked.push_back(&*match);
    }
    const size_t wanted = std::min(ranked.size(), static_cast<size_t>(query.offset + query.limit));
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(wanted),
                      ranked.end(), [](const KeywordMatch* a, const KeywordMatch* b) {
                        return a->score != b->score ? a->score > b->score : a->ordinal < b->ordinal;
                      });
    for (size_t i = static_cast<size_t>(query.offset); i < wanted; ++i) {
      results.hits.push_back(
          Hit{summary_stub(ranked[i]->ordinal), std::nullopt, ranked[i]->score, ""});
    }
    return add_snippets(selection, results.hits);
  }

  // Snippets of the keyword expression in each hit's best-matching file (and its score).
  Status add_snippets(const Selection& selection, std::vector<Hit>& hits) const {
    const KeywordMatches& matches = *selection.keyword_matches;
    std::vector<int64_t> files;
    std::vector<int64_t> file_of_hit;
    for (Hit& hit : hits) {
      auto found =
          std::lower_bound(matches.begin(), matches.end(), hit.image.id,
                           [](const KeywordMatch& m, uint32_t id) { return m.ordinal < id; });
      const bool matched = found != matches.end() && found->ordinal == hit.image.id;
      file_of_hit.push_back(matched ? int64_t{found->file_id} : int64_t{-1});
      if (matched) {
        files.push_back(int64_t{found->file_id});
        hit.score = found->score;
      }
    }
    std::unordered_map<int64_t, std::string> snippets;
    {
      auto reader = readers_->lease();
      IM_ASSIGN_OR_RETURN(snippets, reader->snippets(selection.expression, files));
    }
    for (size_t i = 0; i < hits.size(); ++i) {
      auto found = snippets.find(file_of_hit[i]);
      if (found != snippets.end()) hits[i].snippet = found->second;
    }
    return Status::Ok();
  }

  // What the catalogue knows of an image; hydrate() adds the database's text.
  ImageSummary summary_stub(uint32_t image) const {
    ImageSummary summary;
    summary.id = image;
    const size_t row = *catalog_.row_of(image);
    summary.sha256 = catalog_.sha256_hex(row);
    if (catalog_.paper[row] != kNoCode) {
      const CatalogPaperRow& paper = catalog_.papers[catalog_.paper[row]];
      summary.paper_id = paper.id;
      if (paper.primary_category != kNoCode) {
        summary.category = catalog_.categories.value(paper.primary_category);
      }
    }
    summary.format = catalog_.formats.value(catalog_.format[row]);
    summary.web_width = catalog_.web_width[row];
    summary.web_height = catalog_.web_height[row];
    if (catalog_.figure_type[row] != kNoCode) {
      summary.figure_type = catalog_.prediction_labels.value(catalog_.figure_type[row]);
    }
    return summary;
  }

  // Paths, titles and dates of a page's images, in one lease.
  Status hydrate(std::vector<Hit>& hits) const {
    if (hits.empty()) return Status::Ok();
    std::vector<int64_t> files;
    for (const Hit& hit : hits) files.push_back(catalog_.file_id[*catalog_.row_of(hit.image.id)]);
    std::unordered_map<int64_t, store::FileCard> cards;
    {
      auto reader = readers_->lease();
      IM_ASSIGN_OR_RETURN(cards, reader->file_cards(files));
    }
    for (size_t i = 0; i < hits.size(); ++i) {
      auto found = cards.find(files[i]);
      if (found == cards.end()) continue;
      hits[i].image.path = found->second.path;
      hits[i].image.title = found->second.title;
      hits[i].image.date = found->second.date;
    }
    return Status::Ok();
  }

  EngineOptions options_;
  Catalog catalog_;
  std::unique_ptr<ReaderPool> readers_;
  std::vector<std::unique_ptr<Embedding>> embeddings_;
  MeshInfo info_;
  mutable KeywordCache keyword_cache_;
  store::ThumbnailStore thumbnails_;
};

}  // namespace

bool Filters::empty() const {
  return archives.empty() && categories.empty() && dates.from.empty() && dates.to.empty() &&
         formats.empty() && creator.empty() && figure_types.empty() && clusters.empty() &&
         !has_caption && !in_figure && licenses.empty() && paper_ids.empty() && author.empty() &&
         title.empty() && caption.empty() && abstract.empty();
}

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  IM_ASSIGN_OR_RETURN(auto readers, ReaderPool::open(options.mesh_dir, options.connections));
  // Heads are filters only when the mesh holds their predictions.
  std::string figure_type_model, cluster_model;
  {
    auto reader = readers->lease();
    for (const auto& [name, target] : {std::pair{kFigureTypeModel, &figure_type_model},
                                       std::pair{kClusterModel, &cluster_model}}) {
      IM_ASSIGN_OR_RETURN(auto page, reader->list_predictions(name, -1, 1));
      if (!page.empty()) *target = name;
    }
  }
  Catalog catalog;
  {
    auto reader = readers->lease();
    IM_ASSIGN_OR_RETURN(catalog, Catalog::load(*reader, figure_type_model, cluster_model));
  }
  const fs::path model_dir =
      options.model_dir.empty() ? embed::default_model_directory() : options.model_dir;
  index::IndexOptions index_options;
  if (options.exact_scan_max_ids) index_options.filter.exact_max_ids = *options.exact_scan_max_ids;
  IM_ASSIGN_OR_RETURN(auto embeddings, load_embeddings(options.mesh_dir, model_dir, index_options));

  MeshInfo info;
  info.images = catalog.size();
  info.papers = catalog.papers.size();
  for (const auto& embedding : embeddings) info.embeddings.push_back(embedding->info());
  info.figure_type_model = figure_type_model;
  info.cluster_model = cluster_model;
  info.max_upload_bytes = options.max_upload_bytes;
  log::info("explorer: {} images of {} papers, {} embeddings, loaded in {:.1f} s", info.images,
            info.papers, info.embeddings.size(), seconds_since(start));
  return std::unique_ptr<Engine>(std::make_unique<EngineImpl>(
      options, std::move(catalog), std::move(readers), std::move(embeddings), std::move(info)));
}

}  // namespace imagemesh::query

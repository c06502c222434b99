#include "query_bench/seed_explorer.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/arxiv_taxonomy.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"

namespace imagemesh::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double millis_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string archive_of(const std::string& code) {
  if (const ArxivCategory* known = find_arxiv_category(code)) return std::string(known->archive);
  return code.substr(0, code.find('.'));
}

Status io_error(const fs::path& path) {
  return Status(ErrorCode::kIo, "cannot read or write " + path.string());
}

// The filters of a query as the seed's WHERE clause checked them, one image row at a time.
struct RowFilter {
  const query::Filters& filters;

  bool any() const {
    return !filters.archives.empty() || !filters.categories.empty() || !filters.formats.empty() ||
           !filters.dates.from.empty() || !filters.dates.to.empty();
  }
  static bool listed(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  }
  bool matches(const std::string& category, const std::string& date,
               const std::string& format) const {
    if (!filters.categories.empty() && !listed(filters.categories, category)) return false;
    if (!filters.archives.empty() &&
        (category.empty() || !listed(filters.archives, archive_of(category)))) {
      return false;
    }
    if (!filters.formats.empty() && !listed(filters.formats, format)) return false;
    // Dates compare as text ("2015" <= "2015-03-02" <= "2016~"), as SQL BETWEEN on them did.
    if (!filters.dates.from.empty() && (date.empty() || date < filters.dates.from)) return false;
    if (!filters.dates.to.empty() && (date.empty() || date > filters.dates.to + "~")) return false;
    return true;
  }
};

}  // namespace

Result<std::vector<uint32_t>> prepare_seed_files(const std::string& mesh_dir) {
  const fs::path dir = fs::path(mesh_dir) / "bench-seed";
  const fs::path ids_path = dir / "ids.txt", table_path = dir / "single.tsv";
  std::vector<uint32_t> ordinals;
  if (fs::exists(ids_path) && fs::exists(table_path)) {
    std::ifstream ids(ids_path);
    for (uint32_t id; ids >> id;) ordinals.push_back(id);
    return ordinals;
  }
  fs::create_directories(dir);
  IM_ASSIGN_OR_RETURN(auto reader, store::CatalogReader::open(mesh_dir));
  struct PaperFacts {
    std::string category, date;
  };
  std::unordered_map<std::string, PaperFacts> papers;
  std::string after;
  while (true) {
    IM_ASSIGN_OR_RETURN(auto page, reader->list_papers(after, 8192));
    for (const auto& paper : page) {
      const auto categories = split_arxiv_categories(paper.categories);
      papers[paper.paper_id] = {categories.empty() ? "" : categories.front(), paper.date};
    }
    if (page.size() < 8192) break;
    after = page.back().paper_id;
  }
  std::ofstream ids(ids_path.string() + ".tmp"), table(table_path.string() + ".tmp");
  int64_t after_ordinal = -1;
  while (true) {
    IM_ASSIGN_OR_RETURN(auto page, reader->list_images(after_ordinal, 8192));
    for (const auto& image : page) {
      const PaperFacts& paper = papers[image.paper_id];
      ids << image.ordinal << '\n';
      std::string creator = image.creator;
      std::replace(creator.begin(), creator.end(), '\t', ' ');
      table << image.ordinal << '\t' << image.file_id << '\t' << image.paper_id << '\t'
            << paper.category << '\t' << paper.date << '\t' << image.format << '\t' << creator
            << '\n';
      ordinals.push_back(image.ordinal);
    }
    if (page.size() < 8192) break;
    after_ordinal = page.back().ordinal;
  }
  ids.close();
  table.close();
  if (!ids || !table) return io_error(dir);
  fs::rename(ids_path.string() + ".tmp", ids_path);
  fs::rename(table_path.string() + ".tmp", table_path);
  return ordinals;
}

Result<std::unique_ptr<SeedExplorer>> SeedExplorer::open(const std::string& mesh_dir,
                                                         const std::string& embedding) {
  auto explorer = std::unique_ptr<SeedExplorer>(new SeedExplorer());
  const fs::path dir = fs::path(mesh_dir) / "bench-seed";
  explorer->ids_path_ = dir / "ids.txt";
  explorer->table_path_ = dir / "single.tsv";
  explorer->vectors_path_ = fs::path(mesh_dir) / "embed" / (embedding + ".vectors");
  explorer->index_path_ = fs::path(mesh_dir) / "embed" / (embedding + ".index");
  IM_ASSIGN_OR_RETURN(explorer->reader_, store::CatalogReader::open(mesh_dir));
  for (int64_t after = -1;;) {
    IM_ASSIGN_OR_RETURN(auto page, explorer->reader_->list_image_files(after, 8192));
    for (const auto& file : page) explorer->image_of_file_[file.file_id] = file.ordinal;
    if (page.size() < 8192) break;
    after = page.back().file_id;
  }
  return explorer;
}

Result<int64_t> SeedExplorer::run(const query::Query& query, SeedStages* stages) {
  // 1. The id list, read again.
  auto start = Clock::now();
  std::vector<uint32_t> ids;
  {
    std::ifstream in(ids_path_);
    if (!in) return io_error(ids_path_);
    for (std::string line; std::getline(in, line);) ids.push_back(std::stoul(line));
  }
  stages->ids += millis_since(start);

  const RowFilter filter{query.filters};
  const bool keywords = query.keywords.find_first_not_of(' ') != std::string::npos;
  const bool restricted = filter.any() || keywords;
  const size_t page = static_cast<size_t>(query.limit);

  // 2. The candidate order.
  std::vector<uint32_t> candidates;
  const bool similar = !query.positives.empty();
  if (similar) {
    start = Clock::now();
    IM_ASSIGN_OR_RETURN(auto index, index::load_index(index_path_));
    IM_ASSIGN_OR_RETURN(auto vectors, embed::VectorFile::open(vectors_path_));
    const uint32_t example = query.positives.front();
    // The seed's index_of(id): a linear search of the list.
    if (std::find(ids.begin(), ids.end(), example) == ids.end()) {
      return Status(ErrorCode::kInvalidArgument, "no image " + std::to_string(example));
    }
    std::vector<float> vector(vectors.info().dimension);
    IM_RETURN_IF_ERROR(vectors.read(example, vector));
    stages->index_load += millis_since(start);
    start = Clock::now();
    const size_t k = restricted ? index->size() : page + 1;
    IM_ASSIGN_OR_RETURN(auto neighbours, index->search(vector, k));
    candidates.reserve(neighbours.size());
    for (const auto& n : neighbours) {
      if (n.id != example) candidates.push_back(n.id);
    }
    stages->neighbours += millis_since(start);
  } else {
    start = Clock::now();
    candidates = ids;
    std::mt19937_64 rng(query.seed);
    std::shuffle(candidates.begin(), candidates.end(), rng);
    stages->walk += millis_since(start);
  }

  // 3. The allowed set: the table scan for filters, the FTS phrase for keywords.
  start = Clock::now();
  std::optional<std::unordered_set<uint32_t>> allowed;
  if (filter.any()) {
    std::ifstream in(table_path_);
    if (!in) return io_error(table_path_);
    allowed.emplace();
    std::string line, ordinal, file_id, paper, category, date, format;
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::getline(row, ordinal, '\t');
      std::getline(row, file_id, '\t');
      std::getline(row, paper, '\t');
      std::getline(row, category, '\t');
      std::getline(row, date, '\t');
      std::getline(row, format, '\t');
      if (filter.matches(category, date, format)) {
        allowed->insert(static_cast<uint32_t>(std::stoul(ordinal)));
      }
    }
  }
  if (keywords) {
    IM_ASSIGN_OR_RETURN(auto matches,
                        reader_->keyword_matches("\"" + query.keywords + "\"",
                                                 store::CatalogReader::Scoring::kUnscored));
    std::unordered_set<uint32_t> matched;
    for (const auto& match : matches) {
      auto image = image_of_file_.find(match.file_id);
      if (image == image_of_file_.end()) continue;
      if (!allowed || allowed->count(image->second)) matched.insert(image->second);
    }
    allowed = std::move(matched);
  }
  stages->allowed += millis_since(start);

  // 4. The first page of allowed candidates.
  start = Clock::now();
  std::vector<uint32_t> hits;
  for (uint32_t id : candidates) {
    if (hits.size() == page) break;
    if (!allowed || allowed->count(id)) hits.push_back(id);
  }
  stages->walk += millis_since(start);

  // 5. One lookup per shown image.
  start = Clock::now();
  for (uint32_t id : hits) {
    IM_ASSIGN_OR_RETURN(auto record, reader_->image_record(id));
    if (!record) return Status(ErrorCode::kNotFound, "no image " + std::to_string(id));
  }
  stages->metadata += millis_since(start);
  return static_cast<int64_t>(allowed ? allowed->size() : ids.size());
}

}  // namespace imagemesh::bench

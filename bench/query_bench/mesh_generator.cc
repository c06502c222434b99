#include "query_bench/mesh_generator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/arxiv_id.h"
#include "core/arxiv_taxonomy.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"
#include "query_bench/arxiv_model.h"
#include "store/records.h"
#include "store/store.h"

namespace imagemesh::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kEmbedding = "mobilenet";
constexpr size_t kClusters = 100;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A distinct, random-looking sha256 per blob number (splitmix64 of the number and the seed).
std::string fake_sha256(uint64_t number, uint64_t seed) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  uint64_t z = number * 0x9E3779B97F4A7C15ull + seed;
  for (int part = 0; part < 4; ++part) {
    z += 0x9E3779B97F4A7C15ull;
    uint64_t x = z;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    for (int i = 15; i >= 0; --i) out += kHex[(x >> (4 * i)) & 15];
  }
  return out;
}

std::string archive_of(const std::string& code) {
  if (const ArxivCategory* known = find_arxiv_category(code)) return std::string(known->archive);
  return code.substr(0, code.find('.'));
}

std::string extension_of(const std::string& format) { return format == "jpeg" ? "jpg" : format; }

std::string capitalised(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  return text;
}

// Image budget per month, Aug 1991 .. Jun 2020, summing exactly to `images`.
std::vector<std::pair<int, size_t>> month_budgets(size_t images) {
  std::vector<std::pair<int, double>> weights;  // (year * 100 + month, weight)
  double total = 0;
  for (int year = 1991; year <= 2020; ++year) {
    for (int month = 1; month <= 12; ++month) {
      if ((year == 1991 && month < 8) || (year == 2020 && month > 6)) continue;
      const double w = images_in_year(year) / (year == 2020 ? 6.0 : 12.0);
      weights.emplace_back(year * 100 + month, w);
      total += w;
    }
  }
  std::vector<std::pair<int, size_t>> budgets;
  double cumulative = 0;
  size_t given = 0;
  for (const auto& [month, w] : weights) {
    cumulative += w;
    const auto upto =
        static_cast<size_t>(std::llround(static_cast<double>(images) * cumulative / total));
    budgets.emplace_back(month, upto - given);
    given = upto;
  }
  return budgets;
}

// Everything drawn for one paper, with the blobs whose ordinals are learnt after writing.
struct DrawnPaper {
  store::PaperRecord record;
  std::optional<store::MetadataRecord> metadata;
  std::vector<std::string> new_shas;  // explorable blobs first drawn here
  std::vector<std::string> labels;    // ternary label per new sha
  std::vector<size_t> clusters;       // cluster per new sha
};

class Generator {
 public:
  Generator(const GenerateOptions& options, GenerateReport& report)
      : options_(options), report_(report), rng_(options.seed), vocabulary_() {
    std::vector<float> scale(options.dimension);
    for (uint32_t j = 0; j < options.dimension; ++j) scale[j] = 1.0f / std::sqrt(1.0f + j / 4.0f);
    scale_ = scale;
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> spread(0.35f, 1.05f);
    Rng centre_rng(options.seed * 7919 + 1);
    centres_.resize(kClusters * options.dimension);
    noise_.resize(kClusters);
    for (size_t c = 0; c < kClusters; ++c) {
      for (uint32_t j = 0; j < options.dimension; ++j) {
        centres_[c * options.dimension + j] = normal(centre_rng) * scale_[j];
      }
      noise_[c] = spread(centre_rng);
    }
  }

  Status run();

 private:
  // A paper of this month with at most `left` (>= 1) new explorable images.
  DrawnPaper draw_paper(int year, int month, size_t left);
  std::string next_id(int year, int month, const std::string& primary);
  size_t draw_cluster(const std::string& archive);
  std::vector<float> draw_vector(size_t cluster);
  Status write_batch(store::Store& store, int64_t run, std::vector<DrawnPaper>& batch,
                     embed::VectorFileWriter& vectors);
  Status build_index();

  const GenerateOptions& options_;
  GenerateReport& report_;
  Rng rng_;
  Vocabulary vocabulary_;
  std::vector<float> scale_, centres_, noise_;
  std::map<std::string, uint32_t> next_number_;  // per month (new style) or archive+month (old)
  uint64_t blob_number_ = 0;
  std::vector<std::string> recent_shas_;  // blobs a later paper may reuse (a shared logo, a plot)
  std::vector<uint32_t> ordinals_;        // every explorable ordinal, ascending
};

std::string Generator::next_id(int year, int month, const std::string& primary) {
  char yymm[8];
  std::snprintf(yymm, sizeof yymm, "%02d%02d", year % 100, month);
  const bool new_style = year > 2007 || (year == 2007 && month >= 4);
  const std::string key = new_style ? yymm : archive_of(primary) + "/" + yymm;
  uint32_t& number = next_number_[key];
  number += 1 + static_cast<uint32_t>(rng_() % 3);  // gaps: papers of the month not in the mesh
  char id[64];
  if (new_style) {
    std::snprintf(id, sizeof id, year >= 2015 ? "%s.%05u" : "%s.%04u", yymm, number);
  } else {
    std::snprintf(id, sizeof id, "%s%03u", key.c_str(), number);
  }
  return id;
}

size_t Generator::draw_cluster(const std::string& archive) {
  if (rng_() % 2 == 0) return rng_() % kClusters;
  // Six clusters "belong" to each archive.
  const size_t base = std::hash<std::string>{}(archive) % kClusters;
  return (base + 17 * (rng_() % 6)) % kClusters;
}

std::vector<float> Generator::draw_vector(size_t cluster) {
  const uint32_t dim = options_.dimension;
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(dim);
  double norm2 = 0;
  for (uint32_t j = 0; j < dim; ++j) {
    v[j] = centres_[cluster * dim + j] + noise_[cluster] * scale_[j] * normal(rng_);
    norm2 += static_cast<double>(v[j]) * v[j];
  }
  const auto inverse = static_cast<float>(1.0 / std::sqrt(norm2));
  for (float& x : v) x *= inverse;
  return v;
}

DrawnPaper Generator::draw_paper(int year, int month, size_t left) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  DrawnPaper drawn;
  const CategoryShare& primary = draw_primary_category(year, rng_);
  // Images: lognormal (sigma 0.9) around the year's mean times the field's factor, 1..67.
  constexpr double kSigma = 0.9;
  std::lognormal_distribution<double> spread(0.0, kSigma);
  const double mean =
      images_per_article(year) * primary.images_per_paper * std::exp(-kSigma * kSigma / 2);
  const size_t images = std::min(
      left, std::clamp<size_t>(static_cast<size_t>(std::llround(mean * spread(rng_))), 1, 67));
  const std::string id_text = next_id(year, month, primary.code);
  auto id = parse_arxiv_id(id_text + "v1");
  // Old-style numbers have three digits: more than 999 papers of one archive in a month would
  // need a mesh far beyond 10 M images.
  if (!id) throw std::runtime_error("generated an invalid arXiv id: " + id_text);
  store::PaperRecord& r = drawn.record;
  r.id = *id;
  r.source_kind = "tar";
  r.source_key = "bench:" + id_text;
  r.origin = r.source_key;
  r.source_sha256 = fake_sha256(report_.papers, options_.seed ^ 0xabcdef);
  r.engine = "pdflatex";
  r.root_files = {"main.tex"};
  r.title = capitalised(vocabulary_.text(6 + rng_() % 9, rng_));
  r.abstract = capitalised(vocabulary_.text(60 + rng_() % 100, rng_)) + ".";
  const size_t n_authors = 1 + static_cast<size_t>(std::min(7.0, -std::log(u(rng_)) * 2.5));
  std::vector<store::MetadataAuthor> authors;
  std::string authors_text;
  for (size_t a = 0; a < n_authors; ++a) {
    const auto& names = surnames();
    store::MetadataAuthor author{std::string(names[rng_() % names.size()]),
                                 std::string(1, static_cast<char>('A' + rng_() % 26)) + ".", ""};
    r.authors.push_back(author.display());
    authors_text += (a == 0 ? "" : a + 1 == n_authors ? " and " : ", ") + author.display();
    authors.push_back(std::move(author));
  }
  r.files.push_back({"main.tex", 20000 + rng_() % 80000, fake_sha256(++blob_number_, 3), false});

  // Metadata: 98 % of papers have an arXiv record (the rest are dated by their id's month).
  if (u(rng_) < 0.98) {
    store::MetadataRecord m;
    m.id = r.id;
    m.id.version = 0;
    m.datestamp = "2020-07-01";
    char created[16];
    std::snprintf(created, sizeof created, "%04d-%02d-%02d", year, month,
                  1 + static_cast<int>(rng_() % 28));
    m.created = created;
    m.title = m.title_raw = r.title;
    m.abstract = m.abstract_raw = r.abstract;
    m.authors = authors;
    m.authors_text = authors_text;
    m.categories = {primary.code};
    for (auto& cross : draw_cross_lists(primary.code, year, rng_)) m.categories.push_back(cross);
    m.license = draw_license(year, rng_);
    drawn.metadata = std::move(m);
  }

  // Image files: `images` new explorable blobs, a few reused ones, ~1 % failed conversions.
  const std::string archive = archive_of(primary.code);
  std::vector<std::string> image_paths;
  auto add_file = [&](const std::string& sha, const std::string& format) {
    const std::string path = "figures/" + vocabulary_.draw(rng_) + "_" +
                             std::to_string(image_paths.size() + 1) + "." + extension_of(format);
    r.files.push_back({path, 5000 + rng_() % 900000, sha, true});
    image_paths.push_back(path);
  };
  auto new_blob = [&](bool fails) {
    const std::string sha = fake_sha256(++blob_number_, options_.seed);
    const std::string format = draw_format(year, rng_);
    store::BlobFacts facts;
    facts.sha256 = sha;
    facts.size = 5000 + rng_() % 900000;
    facts.format = format;
    facts.creator = draw_creator(format, year, rng_);
    const bool raster = format == "png" || format == "jpeg";
    if (raster) {
      facts.width_px = 300 + static_cast<int>(rng_() % 1700);
      facts.height_px = 200 + static_cast<int>(rng_() % 1300);
      facts.color = rng_() % 5 == 0 ? "gray" : "rgb";
    } else {
      facts.width_pt = 200 + static_cast<double>(rng_() % 300);
      facts.height_pt = 150 + static_cast<double>(rng_() % 250);
      facts.pages = 1;
    }
    r.blobs.push_back(facts);
    store::ConversionRecord conversion;
    conversion.sha256 = sha;
    conversion.converter = format == "eps" || format == "ps" ? "ghostscript+vips" : "vips";
    conversion.millis = 20 + static_cast<double>(rng_() % 200);
    if (fails) {
      conversion.status = rng_() % 2 ? "timeout" : "decode-failed";
      conversion.error = "synthetic failure";
      ++report_.failed_conversions;
    } else {
      conversion.status = "ok";
      conversion.raster_width = 512;
      conversion.raster_height = 200 + static_cast<int>(rng_() % 400);
      conversion.web_width = 320;
      conversion.web_height = conversion.raster_height * 320 / 512;
      drawn.new_shas.push_back(sha);
      const double p = u(rng_);  // the seed's hand labels: 89 % diagram, 5 % sensor, 6 % mixed
      drawn.labels.push_back(p < 0.89 ? "diagram" : p < 0.94 ? "sensor" : "mixed");
      drawn.clusters.push_back(draw_cluster(archive));
    }
    r.conversions.push_back(conversion);
    add_file(sha, format);
  };
  for (size_t i = 0; i < images; ++i) {
    if (u(rng_) < 0.01) new_blob(true);
    if (!recent_shas_.empty() && u(rng_) < 0.005) {
      add_file(recent_shas_[rng_() % recent_shas_.size()], "pdf");
    }
    new_blob(false);
  }
  for (const auto& sha : drawn.new_shas) {
    if (recent_shas_.size() < 4096) {
      recent_shas_.push_back(sha);
    } else if (rng_() % 64 == 0) {
      recent_shas_[rng_() % recent_shas_.size()] = sha;
    }
  }

  // Figures: 8 % of image files unused; the rest one per figure, or 2-4 in one (sub-figures half
  // of the time); 92 % of figures captioned.
  int order = 0;
  for (size_t i = 0; i < image_paths.size();) {
    if (u(rng_) < 0.08) {
      ++i;
      continue;
    }
    const size_t group = u(rng_) < 0.75 ? 1 : 2 + rng_() % 3;
    store::FigureRecord figure;
    figure.order = ++order;
    figure.env = "figure";
    figure.tex_file = "main.tex";
    figure.line = 40 * order;
    figure.label = "fig:" + vocabulary_.draw(rng_);
    if (u(rng_) < 0.92) {
      figure.caption_text = capitalised(vocabulary_.text(5 + rng_() % 40, rng_)) + ".";
      figure.caption_tex = figure.caption_text;
    }
    const bool subfigures = group > 1 && rng_() % 2 == 0;
    for (size_t g = 0; g < group && i < image_paths.size(); ++g, ++i) {
      store::GraphicsRecord graphic;
      graphic.command = "includegraphics";
      graphic.as_written = image_paths[i];
      graphic.resolved = image_paths[i];
      graphic.tex_file = "main.tex";
      graphic.line = figure.line + static_cast<int>(g);
      if (subfigures) {
        store::SubfigureRecord sub;
        sub.caption_text = sub.caption_tex = vocabulary_.text(2 + rng_() % 6, rng_);
        sub.label = figure.label + std::string(1, static_cast<char>('a' + g));
        sub.graphics.push_back(graphic);
        figure.subfigures.push_back(std::move(sub));
      } else {
        figure.graphics.push_back(graphic);
      }
    }
    r.figures.push_back(std::move(figure));
  }
  report_.files += image_paths.size();
  report_.figures += r.figures.size();
  return drawn;
}

Status Generator::write_batch(store::Store& store, int64_t run, std::vector<DrawnPaper>& batch,
                              embed::VectorFileWriter& vectors) {
  std::vector<store::MetadataRecord> metadata;
  std::vector<store::PaperRecord> papers;
  std::vector<std::string> shas;
  for (auto& drawn : batch) {
    if (drawn.metadata) metadata.push_back(std::move(*drawn.metadata));
    papers.push_back(std::move(drawn.record));
    shas.insert(shas.end(), drawn.new_shas.begin(), drawn.new_shas.end());
  }
  // Metadata first: the records are new and their papers not in the mesh yet, so nothing is
  // indexed twice; write_papers then indexes each image document once, with the record's text.
  auto start = Clock::now();
  store::Store::MetadataWriteCounts counts;
  IM_RETURN_IF_ERROR(store.write_metadata(metadata, "bench:generated", nullptr, &counts));
  report_.metadata += since(start);
  start = Clock::now();
  IM_RETURN_IF_ERROR(store.write_papers(run, papers, {}, nullptr));
  report_.papers_fts += since(start);

  start = Clock::now();
  IM_ASSIGN_OR_RETURN(auto facts, store.blob_facts_by_sha256(shas));
  std::unordered_map<std::string, uint32_t> ordinal_of;
  for (const auto& fact : facts) ordinal_of.emplace(fact.sha256, fact.ordinal);
  report_.ordinals += since(start);

  std::vector<store::Store::Prediction> types, clusters;
  std::uniform_real_distribution<float> confidence(0.5f, 1.0f);
  start = Clock::now();
  for (const auto& drawn : batch) {
    for (size_t i = 0; i < drawn.new_shas.size(); ++i) {
      const uint32_t ordinal = ordinal_of.at(drawn.new_shas[i]);
      ordinals_.push_back(ordinal);
      types.push_back({ordinal, drawn.labels[i], confidence(rng_)});
      clusters.push_back({ordinal, std::to_string(drawn.clusters[i]), confidence(rng_)});
      IM_RETURN_IF_ERROR(vectors.set(ordinal, draw_vector(drawn.clusters[i])));
    }
  }
  report_.vectors += since(start);
  start = Clock::now();
  IM_RETURN_IF_ERROR(store.write_predictions("ternary", types));
  IM_RETURN_IF_ERROR(store.write_predictions("deepcluster", clusters));
  report_.predictions += since(start);
  batch.clear();
  return Status::Ok();
}

Status Generator::build_index() {
  const fs::path dir = fs::path(options_.mesh_dir) / "embed";
  IM_ASSIGN_OR_RETURN(auto vectors,
                      embed::VectorFile::open(dir / (std::string(kEmbedding) + ".vectors")));
  IM_ASSIGN_OR_RETURN(auto index, index::make_index("hnsw", options_.dimension));
  std::vector<float> row(options_.dimension);
  auto start = Clock::now();
  std::sort(ordinals_.begin(), ordinals_.end());
  for (size_t i = 0; i < ordinals_.size(); ++i) {
    IM_RETURN_IF_ERROR(vectors.read(ordinals_[i], row));
    IM_RETURN_IF_ERROR(index->add(ordinals_[i], row));
    if ((i + 1) % 50000 == 0 || i + 1 == ordinals_.size()) {
      const double s = since(start);
      std::fprintf(stderr, "generate: hnsw %zu/%zu vectors, %.0f s, %.0f/s\n", i + 1,
                   ordinals_.size(), s, static_cast<double>(i + 1) / s);
    }
  }
  report_.hnsw_build = since(start);
  start = Clock::now();
  IM_RETURN_IF_ERROR(index->save(dir / (std::string(kEmbedding) + ".index")));
  report_.hnsw_save = since(start);
  return Status::Ok();
}

Status Generator::run() {
  const auto start = Clock::now();
  IM_ASSIGN_OR_RETURN(auto store, store::Store::open(options_.mesh_dir));
  IM_ASSIGN_OR_RETURN(const int64_t run, store->begin_run("imagemesh_query_bench generate"));
  const fs::path embed_dir = fs::path(options_.mesh_dir) / "embed";
  fs::create_directories(embed_dir);
  IM_ASSIGN_OR_RETURN(auto vectors,
                      embed::VectorFileWriter::open(
                          embed_dir / (std::string(kEmbedding) + ".vectors"),
                          {kEmbedding, options_.dimension, embed::ElementType::kFloat32}));
  std::vector<DrawnPaper> batch;
  for (const auto& [month_key, budget] : month_budgets(options_.images)) {
    const int year = month_key / 100, month = month_key % 100;
    size_t left = budget;
    while (left > 0) {
      auto draw_start = Clock::now();
      batch.push_back(draw_paper(year, month, left));
      report_.draw += since(draw_start);
      const size_t count = batch.back().new_shas.size();
      left -= count;
      report_.images += count;
      ++report_.papers;
      if (batch.size() == options_.papers_per_batch) {
        IM_RETURN_IF_ERROR(write_batch(*store, run, batch, vectors));
        const double s = since(start);
        std::fprintf(stderr,
                     "generate: %zu papers, %zu/%zu images (%d-%02d), %.0f s, %.0f images/s\n",
                     report_.papers, report_.images, options_.images, year, month, s,
                     static_cast<double>(report_.images) / s);
      }
    }
  }
  if (!batch.empty()) IM_RETURN_IF_ERROR(write_batch(*store, run, batch, vectors));
  IM_RETURN_IF_ERROR(store->finish_run(run, "{}"));
  store.reset();
  auto vector_start = Clock::now();
  IM_RETURN_IF_ERROR(vectors.close());
  report_.vectors += since(vector_start);
  IM_RETURN_IF_ERROR(build_index());
  report_.total = since(start);
  std::error_code ec;
  report_.db_bytes = fs::file_size(fs::path(options_.mesh_dir) / "mesh.db", ec);
  report_.vector_bytes = fs::file_size(embed_dir / (std::string(kEmbedding) + ".vectors"), ec);
  report_.index_bytes = fs::file_size(embed_dir / (std::string(kEmbedding) + ".index.hnsw"), ec);
  return Status::Ok();
}

}  // namespace

Status generate_mesh(const GenerateOptions& options, GenerateReport* report) {
  if (fs::exists(fs::path(options.mesh_dir) / "mesh.db")) {
    return Status(ErrorCode::kInvalidArgument, options.mesh_dir + " already holds a mesh");
  }
  if (options.images == 0 || options.dimension == 0 || options.papers_per_batch == 0) {
    return Status(ErrorCode::kInvalidArgument, "images, dimension and batch must be positive");
  }
  Generator generator(options, *report);
  try {
    return generator.run();
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, e.what());
  }
}

std::string describe(const GenerateOptions& options, const GenerateReport& r) {
  char text[2048];
  std::snprintf(
      text, sizeof text,
      "generated %zu images (%zu-d %s vectors) of %zu papers: %zu image files, %zu figures, %zu "
      "failed conversions; %zu papers per write_papers batch\n"
      "| phase | seconds |\n| --- | --- |\n"
      "| drawing the records (CPU) | %.1f |\n"
      "| write_metadata (new records) | %.1f |\n"
      "| write_papers (rows, figures, FTS5 documents) | %.1f |\n"
      "| ordinals of the new blobs | %.1f |\n"
      "| predictions (ternary, deepcluster) | %.1f |\n"
      "| vectors (draw + write) | %.1f |\n"
      "| hnsw build (single thread, M=16, ef_construction=200) | %.1f |\n"
      "| hnsw save | %.1f |\n"
      "| total | %.1f |\n"
      "mesh.db %.0f MB, vectors %.0f MB, index %.0f MB\n",
      r.images, static_cast<size_t>(options.dimension), kEmbedding, r.papers, r.files, r.figures,
      r.failed_conversions, options.papers_per_batch, r.draw, r.metadata, r.papers_fts, r.ordinals,
      r.predictions, r.vectors, r.hnsw_build, r.hnsw_save, r.total,
      static_cast<double>(r.db_bytes) / 1e6, static_cast<double>(r.vector_bytes) / 1e6,
      static_cast<double>(r.index_bytes) / 1e6);
  return text;
}

}  // namespace imagemesh::bench

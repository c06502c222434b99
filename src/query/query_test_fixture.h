// A generated mesh for the query-engine tests, with its ground truth kept beside it: papers with
// metadata (categories, dates, licences) or without, images of several formats and creators, used
// by figures with and without captions or unused, one image shared by two papers, failed
// conversions (not explorable), head predictions, and two embeddings of synthetic clustered unit
// vectors. Tests compare the engine with brute-force answers computed from `images`.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/arxiv_id.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"
#include "store/records.h"
#include "store/store.h"
#include "store/thumbnail_store.h"

namespace imagemesh::query::testing {

struct TruthPaper {
  std::string id;
  bool has_record = false;
  std::string date;                     // as paper_info shows it
  std::vector<std::string> categories;  // primary first
  std::string license, license_family;
  std::string title;
};

struct TruthImage {
  uint32_t ordinal = 0;
  std::string sha256;
  std::string format, creator;
  std::vector<std::string> papers;  // every paper holding it; first = the one it is shown with
  bool in_figure = false, has_caption = false;
  std::string figure_type, cluster;   // predictions ("" none)
  std::vector<float> raw, mobilenet;  // unit vectors
};

inline void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("fixture: " + what);
}

inline std::string hex64(uint64_t a, uint64_t b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint64_t part : {a, b, a ^ 0x5555, b ^ 0xAAAA}) {
    for (int i = 15; i >= 0; --i) out += kHex[(part >> (4 * i)) & 15];
  }
  return out;
}

struct QueryFixture {
  std::string mesh;
  std::vector<TruthPaper> papers;
  std::vector<TruthImage> images;  // explorable ones, ascending ordinal
  static constexpr uint32_t kDim = 16;

  // Builds the mesh in `mesh_dir` (which must not exist yet).
  static QueryFixture build(const std::string& mesh_dir, int n_papers = 60, uint32_t seed = 7) {
    QueryFixture f;
    f.mesh = mesh_dir;
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
    const std::vector<std::vector<std::string>> category_sets = {
        {"cs.CV", "cs.LG"}, {"cs.LG", "stat.ML"}, {"math.AG"},          {"hep-ph", "hep-ex"},
        {"astro-ph.GA"},    {"cs.CL", "cs.AI"},   {"q-bio.NC", "cs.CV"}};
    const std::vector<std::string> licenses = {
        "http://creativecommons.org/licenses/by/4.0/",
        "http://arxiv.org/licenses/nonexclusive-distrib/1.0/", ""};
    const std::vector<std::string> formats = {"png", "pdf", "eps", "jpeg"};
    const std::vector<std::string> creators = {"matplotlib version 3.1.1, http://matplotlib.org/",
                                               "GPL Ghostscript 9.26", "", "MATLAB, The Mathworks",
                                               "matplotlib version 2.0.2"};
    const std::vector<std::string> words = {"lattice", "spectrum", "network", "galaxy",
                                            "boson",   "manifold", "neuron",  "attention"};

    auto store = store::Store::open(mesh_dir);
    check(store.ok(), "open store");
    const int64_t run = (*store)->begin_run("fixture").value();
    std::vector<store::PaperRecord> records;
    std::vector<store::MetadataRecord> metadata;
    std::map<std::string, TruthImage> by_sha;  // every blob, explorable or not
    std::set<std::string> failed;
    std::string shared_sha;
    for (int p = 0; p < n_papers; ++p) {
      TruthPaper paper;
      char id[48];
      const int year = 2008 + pick(13);
      const int month = 1 + pick(12);
      std::snprintf(id, sizeof id, "%02d%02d.%05d", year % 100, month, p + 1);
      paper.id = id;
      paper.has_record = pick(5) != 0;
      const std::string word = words[static_cast<size_t>(pick(static_cast<int>(words.size())))];
      paper.title = "On the " + word + " of paper " + std::to_string(p);
      store::PaperRecord record;
      record.id.id = paper.id;
      record.id.version = 1;
      record.id.yymm = paper.id.substr(0, 4);
      record.id.kind = IdKind::kNewStyle;
      record.source_kind = "tar";
      record.source_key = "fixture:" + paper.id;
      record.origin = record.source_key;
      record.source_sha256 = hex64(static_cast<uint64_t>(p), 99);
      record.engine = "pdflatex";
      record.root_files = {"main.tex"};
      record.title = paper.title;
      record.authors = {"Ada Lovelace", "Author " + std::to_string(p)};
      record.abstract = "We study the " + word + ".";
      record.files.push_back({"main.tex", 100, hex64(static_cast<uint64_t>(p), 1), false});
      if (paper.has_record) {
        char created[40];
        const int day = 1 + pick(28);
        std::snprintf(created, sizeof created, "%04d-%02d-%02d", year, month, day);
        paper.date = created;
        paper.categories = category_sets[static_cast<size_t>(pick(7))];
        const std::string& url = licenses[static_cast<size_t>(pick(3))];
        store::MetadataRecord m;
        m.id = record.id;
        m.id.version = 0;
        m.datestamp = "2021-01-01";
        m.created = paper.date;
        m.title = m.title_raw = paper.title;
        m.abstract = m.abstract_raw = record.abstract;
        m.authors = {{"Lovelace", "Ada", ""}, {std::to_string(p), "Author", ""}};
        m.authors_text = "Ada Lovelace and Author " + std::to_string(p);
        m.categories = paper.categories;
        m.license = url;
        metadata.push_back(m);
        if (url.empty()) {
          paper.license = paper.license_family = "none";
        } else if (url.find("creativecommons") != std::string::npos) {
          paper.license = "CC BY 4.0";
          paper.license_family = "CC BY";
        } else {
          paper.license = "arXiv non-exclusive 1.0";
          paper.license_family = "arXiv non-exclusive";
        }
      } else {
        paper.date = "20" + paper.id.substr(0, 2) + "-" + paper.id.substr(2, 2);
      }
      const int n_images = 1 + pick(4);
      int figure_order = 0;
      for (int i = 0; i < n_images; ++i) {
        std::string sha = hex64(static_cast<uint64_t>(p) * 100 + static_cast<uint64_t>(i), 7);
        if (p == 5 && i == 0 && !shared_sha.empty()) sha = shared_sha;  // reused from paper 3
        const std::string path = "fig" + std::to_string(i) + "." + (i % 2 ? "pdf" : "png");
        record.files.push_back({path, 1000, sha, true});
        const bool used = pick(4) != 0;
        const bool captioned = used && pick(3) != 0;
        if (used) {
          store::FigureRecord figure;
          figure.order = ++figure_order;
          figure.env = "figure";
          figure.tex_file = "main.tex";
          figure.line = 10 * figure.order;
          if (captioned) {
            figure.caption_text = figure.caption_tex = "A " + word + " plot number " +
                                                       std::to_string(i) + " of paper " +
                                                       std::to_string(p);
          }
          figure.label = "fig:" + std::to_string(i);
          store::GraphicsRecord graphic;
          graphic.command = "includegraphics";
          graphic.as_written = path;
          graphic.resolved = path;
          graphic.tex_file = "main.tex";
          graphic.line = figure.line;
          figure.graphics.push_back(graphic);
          record.figures.push_back(figure);
        }
        if (by_sha.count(sha)) {
          by_sha[sha].papers.push_back(paper.id);
          continue;
        }
        TruthImage image;
        image.sha256 = sha;
        image.format = formats[static_cast<size_t>(pick(4))];
        image.creator = creators[static_cast<size_t>(pick(5))];
        image.papers = {paper.id};
        image.in_figure = used;
        image.has_caption = captioned;
        store::BlobFacts blob;
        blob.sha256 = sha;
        blob.size = 1000;
        blob.format = image.format;
        blob.width_px = 100 + i;
        blob.height_px = 80;
        blob.creator = image.creator;
        record.blobs.push_back(blob);
        store::ConversionRecord conversion;
        conversion.sha256 = sha;
        const bool fails = pick(12) == 0;
        conversion.status = fails ? "decode-failed" : "ok";
        conversion.error = fails ? "broken" : "";
        conversion.converter = "vips";
        if (!fails) {
          conversion.raster_width = 512;
          conversion.raster_height = 400;
          conversion.web_width = 300 + i;
          conversion.web_height = 256;
        } else {
          failed.insert(sha);
        }
        record.conversions.push_back(conversion);
        if (p == 3 && i == 0) shared_sha = sha;
        by_sha[sha] = image;
      }
      records.push_back(std::move(record));
      f.papers.push_back(std::move(paper));
    }
    std::vector<store::WriteOutcome> outcomes;
    check((*store)->write_papers(run, records, {}, &outcomes).ok(), "write papers");
    store::Store::MetadataWriteCounts counts;
    check((*store)->write_metadata(metadata, "fixture", nullptr, &counts).ok(), "metadata");

    // Ordinals as the store assigned them; explorable images only from here on.
    std::vector<std::string> shas;
    for (const auto& [sha, image] : by_sha) shas.push_back(sha);
    auto facts = (*store)->blob_facts_by_sha256(shas);
    check(facts.ok(), "blob facts");
    for (const auto& fact : *facts) {
      if (failed.count(fact.sha256)) continue;
      TruthImage image = by_sha[fact.sha256];
      image.ordinal = fact.ordinal;
      f.images.push_back(std::move(image));
    }
    std::sort(f.images.begin(), f.images.end(),
              [](const TruthImage& a, const TruthImage& b) { return a.ordinal < b.ordinal; });

    // Predictions, thumbnails and vectors (4 clusters, so neighbours are meaningful).
    std::vector<store::Store::Prediction> types, clusters;
    const std::vector<std::string> type_names = {"diagram", "sensor", "mixed"};
    std::normal_distribution<float> noise(0.0f, 0.3f);
    std::vector<std::vector<float>> centres(4, std::vector<float>(kDim));
    for (auto& centre : centres) {
      for (float& v : centre) v = noise(rng) * 3.0f;
    }
    store::ThumbnailStore thumbs(mesh_dir);
    for (TruthImage& image : f.images) {
      if (pick(6) != 0) {
        image.figure_type = type_names[static_cast<size_t>(pick(3))];
        types.push_back({image.ordinal, image.figure_type, 0.9f});
      }
      const int cluster = pick(4);
      image.cluster = std::to_string(cluster);
      clusters.push_back({image.ordinal, image.cluster, 0.8f});
      check(thumbs.put(image.sha256, "web", "webp", "RIFF-fake-webp").ok(), "thumb");
      for (auto* vector : {&image.raw, &image.mobilenet}) {
        vector->resize(kDim);
        double norm = 0;
        for (uint32_t d = 0; d < kDim; ++d) {
          (*vector)[d] = centres[static_cast<size_t>(cluster)][d] + noise(rng);
          norm += double((*vector)[d]) * (*vector)[d];
        }
        for (float& v : *vector) v = static_cast<float>(v / std::sqrt(norm));
      }
    }
    check((*store)->write_predictions("ternary", types).ok(), "types");
    check((*store)->write_predictions("deepcluster", clusters).ok(), "clusters");
    store->reset();

    std::filesystem::create_directories(std::filesystem::path(mesh_dir) / "embed");
    for (const std::string name : {"raw", "mobilenet"}) {
      const auto dir = std::filesystem::path(mesh_dir) / "embed";
      auto writer = embed::VectorFileWriter::open(dir / (name + ".vectors"),
                                                  {name, kDim, embed::ElementType::kFloat32});
      check(writer.ok(), "vector file");
      auto index = index::make_index("hnsw", kDim);
      check(index.ok(), "index");
      for (const TruthImage& image : f.images) {
        const auto& vector = name == "raw" ? image.raw : image.mobilenet;
        check(writer->set(image.ordinal, vector).ok(), "vector");
        check((*index)->add(image.ordinal, vector).ok(), "add");
      }
      check(writer->close().ok(), "close vectors");
      check((*index)->save(dir / (name + ".index")).ok(), "save index");
    }
    return f;
  }

  const TruthPaper& paper(const std::string& id) const {
    for (const auto& p : papers) {
      if (p.id == id) return p;
    }
    throw std::runtime_error("no paper " + id);
  }
};

}  // namespace imagemesh::query::testing

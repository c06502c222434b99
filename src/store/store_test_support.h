// Helpers for the store tests: record builders and a full dump of a mesh.db. Tests only.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/store.h"

namespace imagemesh::store::testing {

inline PaperId arxiv_id(const std::string& id, int version) {
  PaperId out;
  out.id = id;
  out.version = version;
  out.yymm = id.substr(0, 4);
  out.kind = IdKind::kNewStyle;
  return out;
}

inline GraphicsRecord graphic(const std::string& as_written, std::optional<std::string> resolved) {
  GraphicsRecord out;
  out.command = "includegraphics";
  out.as_written = as_written;
  out.resolved = std::move(resolved);
  if (!out.resolved) out.unresolved_reason = "no file of the paper matches";
  out.tex_file = "main.tex";
  out.line = 10;
  return out;
}

inline FigureRecord figure(int order, const std::string& caption, const std::string& label = "") {
  FigureRecord out;
  out.order = order;
  out.env = "figure";
  out.tex_file = "main.tex";
  out.line = 10 * order;
  out.caption_tex = caption;
  out.caption_text = caption;
  out.label = label;
  return out;
}

inline BlobFacts png_blob(const std::string& sha256, int width, int height) {
  BlobFacts out;
  out.sha256 = sha256;
  out.size = 1000;
  out.format = "png";
  out.width_px = width;
  out.height_px = height;
  out.color = "rgb";
  return out;
}

// A paper whose source is `source_key` with hash `sha256`, holding main.tex and one image per
// figure (fig<N>.png, blob "blob-<id>-<N>") referenced by the figure.
inline PaperRecord paper(const std::string& id, int version, const std::string& source_key,
                         const std::string& sha256, int n_figures = 1) {
  PaperRecord out;
  out.id = arxiv_id(id, version);
  out.source_kind = "tar";
  out.source_key = source_key;
  out.origin = "/corpus/" + source_key;
  out.source_sha256 = sha256;
  out.source_bytes = 4096;
  out.unpacked_bytes = 16384;
  out.engine = "pdflatex";
  out.engine_reason = "includes .png";
  out.root_files = {"main.tex"};
  out.title = "Paper " + id;
  out.authors = {"A. Author", "B. Author"};
  out.abstract = "About " + id;
  out.files.push_back({"main.tex", 2000, "tex-" + id + "-" + sha256, false});
  for (int i = 1; i <= n_figures; ++i) {
    const std::string path = "fig" + std::to_string(i) + ".png";
    const std::string blob = "blob-" + id + "-" + std::to_string(i);
    out.files.push_back({path, 1000, blob, true});
    out.blobs.push_back(png_blob(blob, 640, 480));
    FigureRecord fig =
        figure(i, "Caption " + std::to_string(i) + " of " + id, "fig:" + std::to_string(i));
    fig.graphics.push_back(graphic(path, path));
    out.figures.push_back(std::move(fig));
  }
  return out;
}

inline std::unique_ptr<Store> open_or_die(const std::string& mesh_dir) {
  auto store = Store::open(mesh_dir);
  if (!store.ok()) throw std::runtime_error(store.status().to_string());
  return std::move(store).value();
}

// Every row of every table (FTS shadow tables included), in a fixed order, as text. Tables in
// `skip` are left out.
inline std::string dump_tables(const std::string& mesh_dir,
                               const std::vector<std::string>& skip = {}) {
  SQLite::Database db(mesh_dir + "/mesh.db", SQLite::OPEN_READONLY);
  SQLite::Statement tables(db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                           "name NOT LIKE 'sqlite_%' AND name <> 'caption_fts' ORDER BY name");
  std::ostringstream out;
  while (tables.executeStep()) {
    const std::string name = tables.getColumn(0).getString();
    bool skipped = false;
    for (const auto& s : skip) skipped = skipped || s == name;
    if (skipped) continue;
    SQLite::Statement probe(db, "SELECT * FROM \"" + name + "\" LIMIT 0");
    std::string order;
    for (int i = 1; i <= probe.getColumnCount(); ++i)
      order += (i > 1 ? "," : "") + std::to_string(i);
    SQLite::Statement rows(db, "SELECT * FROM \"" + name + "\" ORDER BY " + order);
    out << "== " << name << "\n";
    while (rows.executeStep()) {
      for (int i = 0; i < rows.getColumnCount(); ++i) {
        auto column = rows.getColumn(i);
        out << (i ? "|" : "") << (column.isNull() ? std::string("NULL") : column.getString());
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace imagemesh::store::testing

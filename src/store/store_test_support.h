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

// Every row of every table, in a fixed order, as text. Tables in `skip` are left out, and so is
// the search index, whose pages depend on the order of writes: dump_search_index() compares what
// it holds.
inline std::string dump_tables(const std::string& mesh_dir,
                               const std::vector<std::string>& skip = {}) {
  SQLite::Database db(mesh_dir + "/mesh.db", SQLite::OPEN_READONLY);
  SQLite::Statement tables(
      db,
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
      "name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%' ORDER BY name");
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

// Every token the search index holds (term, document, column, position), one per line.
inline std::string dump_search_index(SQLite::Database& db) {
  db.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING "
      "fts5vocab(main, search_fts, instance)");
  SQLite::Statement rows(db,
                         "SELECT term, doc, col, offset FROM temp.search_vocab "
                         "ORDER BY term, doc, col, offset");
  std::ostringstream out;
  while (rows.executeStep()) {
    out << rows.getColumn(0).getString() << ' ' << rows.getColumn(1).getInt64() << ' '
        << rows.getColumn(2).getString() << ' ' << rows.getColumn(3).getInt64() << '\n';
  }
  return out.str();
}

// Whether the search index (maintained incrementally by the writers) holds exactly what a rebuild
// from the search_documents view would: the external-content contract of schema.cc. The rebuild
// is rolled back, so the mesh is left as it was. Returns "" when they agree, else a description.
inline std::string search_index_disagreement(const std::string& mesh_dir) {
  SQLite::Database db(mesh_dir + "/mesh.db", SQLite::OPEN_READWRITE);
  const std::string maintained = dump_search_index(db);
  db.exec("BEGIN");
  db.exec("INSERT INTO search_fts(search_fts) VALUES ('rebuild')");
  const std::string rebuilt = dump_search_index(db);
  db.exec("ROLLBACK");
  if (maintained == rebuilt) return "";
  return "maintained index (" + std::to_string(maintained.size()) +
         " bytes of tokens) differs from a rebuild (" + std::to_string(rebuilt.size()) + " bytes)";
}

// A paper whose figure N (1-based) includes fig<N>.png and has captions[N-1] as its caption.
inline PaperRecord paper_with_captions(const std::string& id,
                                       const std::vector<std::string>& captions, int version = 1) {
  PaperRecord out =
      paper(id, version, "src:" + id + "v" + std::to_string(version),
            "sha:" + id + "v" + std::to_string(version), static_cast<int>(captions.size()));
  for (size_t i = 0; i < captions.size(); ++i) {
    out.figures[i].caption_text = out.figures[i].caption_tex = captions[i];
  }
  return out;
}

}  // namespace imagemesh::store::testing

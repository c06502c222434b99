// export_rows(): figures, images, papers and errors as JSON lines or CSV (docs/export.md).
//
// Each row is built once as an ordered JSON object (key order is part of the format) and then
// written either as one JSON line or as one CSV record, so both formats carry the same values.
// Rows are ordered by paper id then position, so equal databases export identical bytes.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <ostream>

#include "store/queries.h"

namespace imagemesh::store {
namespace {

using Json = nlohmann::ordered_json;

// Invalid UTF-8 (a caption decoded from a Latin-1 file gone wrong) is replaced with U+FFFD
// instead of failing the export.
std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json value_of(const SQLite::Column& column) {
  if (column.isNull()) return nullptr;
  if (column.isInteger()) return column.getInt64();
  if (column.isFloat()) return column.getDouble();
  return column.getString();
}

Json nullable_text(const SQLite::Column& column) {
  if (column.isNull()) return nullptr;
  return column.getString();
}

// A stored JSON array (papers.authors). Falls back to the raw text if it does not parse, which
// only a hand-edited database could cause.
Json json_array_of(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return text;
  return parsed;
}

// RFC 4180: a field holding a comma, quote, CR or LF is quoted, with quotes doubled.
std::string csv_field(const Json& value) {
  std::string text;
  if (value.is_null()) return "";
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_array()) {
    for (const auto& element : value) {
      if (!text.empty()) text += '|';
      text += element.is_string() ? element.get<std::string>() : dump(element);
    }
  } else {
    text = dump(value);
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Writes rows in the chosen format. CSV starts with a header of the first row's keys; every row of
// one export has the same keys in the same order.
class RowWriter {
 public:
  RowWriter(std::ostream& out, bool csv, std::vector<std::string> columns)
      : out_(out), csv_(csv), columns_(std::move(columns)) {
    if (!csv_) return;
    for (size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << columns_[i];
    out_ << "\r\n";
  }

  void write(const Json& row) {
    if (!csv_) {
      out_ << dump(row) << '\n';
      return;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      out_ << (i ? "," : "") << csv_field(row.at(columns_[i]));
    }
    out_ << "\r\n";
  }

 private:
  std::ostream& out_;
  bool csv_;
  std::vector<std::string> columns_;
};

// One cursor of a merge walk: a query ordered like the figures query, whose first column is the
// figure_id it belongs to.
class Cursor {
 public:
  Cursor(SQLite::Database& db, const char* sql) : query_(db, sql) { advance(); }
  bool at(int64_t figure_id) const {
    return has_row_ && query_.getColumn(0).getInt64() == figure_id;
  }
  const SQLite::Statement& row() const { return query_; }
  void advance() { has_row_ = query_.executeStep(); }

 private:
  SQLite::Statement query_;
  bool has_row_ = false;
};

Json graphic_json(const SQLite::Statement& row, int first) {
  Json graphic;
  graphic["as_written"] = row.getColumn(first).getString();
  graphic["resolved"] = nullable_text(row.getColumn(first + 1));
  return graphic;
}

const std::vector<std::string> kFigureJsonKeys = {
    "paper", "tex",      "order",      "env",         "caption",
    "label", "graphics", "subfigures", "caption_tex", "short_caption"};
const std::vector<std::string> kFigureCsvColumns = {
    "paper",    "tex",        "order",      "env",         "caption",      "label",
    "graphics", "unresolved", "subfigures", "caption_tex", "short_caption"};

// Streams figures with their sub-figures and graphics without a query per figure: three queries
// share the order (paper_id, figure ord) and are walked in step. Graphics are ordered by
// subfigure_id within a figure: NULL (the figure's own) first, then sub-figures, whose ids grow
// with their ord because a figure's sub-figures are inserted in order.
void export_figures(SQLite::Database& db, bool csv, std::ostream& out) {
  SQLite::Statement figures(db,
                            "SELECT figure_id, paper_id, tex_file, ord, env, caption_text, label, "
                            "caption_tex, short_caption FROM figures ORDER BY paper_id, ord");
  Cursor subfigures(db,
                    "SELECT s.figure_id, s.subfigure_id, s.caption_text, s.label, s.caption_tex "
                    "FROM subfigures s JOIN figures f ON f.figure_id = s.figure_id "
                    "ORDER BY f.paper_id, f.ord, s.ord");
  Cursor graphics(db,
                  "SELECT g.figure_id, g.subfigure_id, g.as_written, g.resolved_path "
                  "FROM figure_graphics g JOIN figures f ON f.figure_id = g.figure_id "
                  "ORDER BY f.paper_id, f.ord, g.subfigure_id, g.ord");
  RowWriter writer(out, csv, csv ? kFigureCsvColumns : kFigureJsonKeys);

  while (figures.executeStep()) {
    const int64_t figure_id = figures.getColumn(0).getInt64();
    Json figure;
    figure["paper"] = figures.getColumn(1).getString();
    figure["tex"] = figures.getColumn(2).getString();
    figure["order"] = figures.getColumn(3).getInt64();
    figure["env"] = figures.getColumn(4).getString();
    figure["caption"] = figures.getColumn(5).getString();
    figure["label"] = figures.getColumn(6).getString();
    figure["graphics"] = Json::array();
    figure["subfigures"] = Json::array();

    while (graphics.at(figure_id) && graphics.row().getColumn(1).isNull()) {
      figure["graphics"].push_back(graphic_json(graphics.row(), 2));
      graphics.advance();
    }
    while (subfigures.at(figure_id)) {
      const int64_t subfigure_id = subfigures.row().getColumn(1).getInt64();
      Json sub;
      sub["caption"] = subfigures.row().getColumn(2).getString();
      sub["label"] = subfigures.row().getColumn(3).getString();
      sub["graphics"] = Json::array();
      while (graphics.at(figure_id) && !graphics.row().getColumn(1).isNull() &&
             graphics.row().getColumn(1).getInt64() == subfigure_id) {
        sub["graphics"].push_back(graphic_json(graphics.row(), 2));
        graphics.advance();
      }
      sub["caption_tex"] = subfigures.row().getColumn(4).getString();
      figure["subfigures"].push_back(std::move(sub));
      subfigures.advance();
    }
    // Graphics of a sub-figure that vanished cannot exist (ON DELETE CASCADE); skipping any
    // leftovers keeps the walk in step regardless.
    while (graphics.at(figure_id)) graphics.advance();

    figure["caption_tex"] = figures.getColumn(7).getString();
    figure["short_caption"] = figures.getColumn(8).getString();
    if (!csv) {
      writer.write(figure);
      continue;
    }
    Json flat = figure;
    Json resolved = Json::array(), unresolved = Json::array();
    auto collect = [&](const Json& list) {
      for (const auto& ref : list) {
        if (ref["resolved"].is_null()) {
          unresolved.push_back(ref["as_written"]);
        } else {
          resolved.push_back(ref["resolved"]);
        }
      }
    };
    collect(figure["graphics"]);
    for (const auto& sub : figure["subfigures"]) collect(sub["graphics"]);
    flat["graphics"] = resolved;
    flat["unresolved"] = unresolved;
    flat["subfigures"] = figure["subfigures"].size();
    writer.write(flat);
  }
}

// A flat export: every column of `sql` becomes the key of the same name; `fix` adjusts values
// whose JSON type differs from the SQL one. Columns named in `hidden` are only for `fix`: they are
// removed from the row before it is written.
void export_flat(SQLite::Database& db, const char* sql, bool csv, std::ostream& out,
                 const std::function<void(Json&)>& fix,
                 const std::vector<std::string>& hidden = {}) {
  SQLite::Statement query(db, sql);
  std::vector<std::string> columns, shown;
  for (int i = 0; i < query.getColumnCount(); ++i) {
    columns.emplace_back(query.getColumnName(i));
    if (std::find(hidden.begin(), hidden.end(), columns.back()) == hidden.end()) {
      shown.push_back(columns.back());
    }
  }
  RowWriter writer(out, csv, shown);
  while (query.executeStep()) {
    Json row;
    for (int i = 0; i < query.getColumnCount(); ++i) row[columns[i]] = value_of(query.getColumn(i));
    if (fix) fix(row);
    for (const auto& name : hidden) row.erase(name);
    writer.write(row);
  }
}

// The display names of a stored authors_parsed array ([[keyname, forenames, suffix], ...]).
Json author_names(const std::string& authors_parsed) {
  Json names = Json::array();
  Json parsed = Json::parse(authors_parsed, nullptr, false);
  if (!parsed.is_array()) return names;
  for (const auto& entry : parsed) {
    if (!entry.is_array() || entry.size() < 3) continue;
    MetadataAuthor author{entry[0].get<std::string>(), entry[1].get<std::string>(),
                          entry[2].get<std::string>()};
    names.push_back(author.display());
  }
  return names;
}

Json split_words(const Json& text) {
  Json words = Json::array();
  if (!text.is_string()) return words;
  const std::string value = text.get<std::string>();
  size_t start = 0;
  while (start < value.size()) {
    size_t end = value.find(' ', start);
    if (end == std::string::npos) end = value.size();
    if (end > start) words.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

void export_images(SQLite::Database& db, bool csv, std::ostream& out) {
  export_flat(db,
              "SELECT paper_id AS paper, path, sha256, size, format, width_px, height_px, "
              "width_pt, height_pt, pages, creator, color, used_by_figure, error, thumbnail, "
              "NULLIF(thumbnail_error, '') AS thumbnail_error, raster_width, raster_height, "
              "thumbnail_blank, (SELECT c.millis FROM conversions c WHERE c.sha256 = i.sha256) "
              "AS thumbnail_ms FROM images i ORDER BY paper_id, path",
              csv, out, [](Json& row) {
                row["used_by_figure"] = row["used_by_figure"] != 0;
                if (!row["thumbnail_blank"].is_null()) {
                  row["thumbnail_blank"] = row["thumbnail_blank"] != 0;
                }
              });
}

// Papers as the join describes them (paper_info, docs/metadata.md): the arXiv record's fields
// when there is a live one, the LaTeX's otherwise.
void export_papers(SQLite::Database& db, bool csv, std::ostream& out) {
  export_flat(
      db,
      "SELECT p.paper_id AS paper, p.id_kind, p.version, p.yymm, p.source_kind, p.origin, "
      "p.engine, pi.described_by, pi.title, NULL AS authors, pi.abstract, pi.date, pi.date_from, "
      "pi.primary_category, pi.categories, pi.license, pi.doi, pi.journal_ref, p.n_files, "
      "p.n_images, p.n_figures, p.authors AS latex_authors, m.authors_parsed "
      "FROM papers p JOIN paper_info pi ON pi.paper_id = p.paper_id "
      "LEFT JOIN metadata m ON m.paper_id = p.paper_id AND m.deleted = 0 ORDER BY p.paper_id",
      csv, out,
      [](Json& row) {
        row["authors"] = row["described_by"] == "arxiv"
                             ? author_names(row["authors_parsed"].get<std::string>())
                             : json_array_of(row["latex_authors"].get<std::string>());
        row["categories"] = split_words(row["categories"]);
      },
      {"latex_authors", "authors_parsed"});
}

void export_metadata(SQLite::Database& db, bool csv, std::ostream& out) {
  export_flat(db,
              "SELECT paper_id AS paper, id_kind, datestamp, deleted, created, updated, versions, "
              "authors, authors_parsed, title, abstract, categories, primary_category, "
              "primary_archive, comments, journal_ref, doi, report_no, submitter, license_url, "
              "license, source, title_raw, abstract_raw FROM metadata ORDER BY paper_id",
              csv, out, [](Json& row) {
                row["deleted"] = row["deleted"] != 0;
                row["versions"] = json_array_of(row["versions"].get<std::string>());
                row["authors_parsed"] = json_array_of(row["authors_parsed"].get<std::string>());
                row["categories"] = split_words(row["categories"]);
              });
}

// Run ids are left out: a resumed run and an uninterrupted one must export the same errors.
void export_errors(SQLite::Database& db, bool csv, std::ostream& out) {
  export_flat(db,
              "SELECT source, item, paper_id AS paper, kind, message FROM errors "
              "ORDER BY source, item, kind",
              csv, out, nullptr);
}

}  // namespace

Status export_table(SQLite::Database& db, const std::string& what, const std::string& format,
                    std::ostream& out) {
  if (format != "jsonl" && format != "csv") {
    return Status(ErrorCode::kInvalidArgument,
                  "unknown export format '" + format + "' (valid: jsonl, csv)");
  }
  const bool csv = format == "csv";
  if (what == "figures") {
    export_figures(db, csv, out);
  } else if (what == "images") {
    export_images(db, csv, out);
  } else if (what == "papers") {
    export_papers(db, csv, out);
  } else if (what == "errors") {
    export_errors(db, csv, out);
  } else if (what == "metadata") {
    export_metadata(db, csv, out);
  } else {
    return Status(
        ErrorCode::kInvalidArgument,
        "unknown export '" + what + "' (valid: figures, images, papers, metadata, errors)");
  }
  out.flush();
  if (!out) return Status(ErrorCode::kIo, "writing the " + what + " export failed");
  return Status::Ok();
}

}  // namespace imagemesh::store

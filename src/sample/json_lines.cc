#include "sample/json_lines.h"

#include "core/utf8.h"

#include <vector>

namespace imagemesh::sample {
namespace {

// Decodes one UTF-8 sequence at `i` (advancing it); U+FFFD for invalid input.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  int extra = -1;
  if (lead < 0x80) {
    extra = 0;
  } else if ((lead >> 5) == 0x6) {
    extra = 1;
  } else if ((lead >> 4) == 0xE) {
    extra = 2;
  } else if ((lead >> 3) == 0x1E) {
    extra = 3;
  }
  if (extra < 0 || i + static_cast<size_t>(extra) >= s.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return 0xFFFD;
  }
  if (extra == 0) return byte(i++);
  uint32_t cp = lead & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((byte(i + static_cast<size_t>(k)) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + static_cast<size_t>(k)) & 0x3F);
  }
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

void append_u_escape(std::string& out, uint32_t unit) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 0xF];
}

std::string optional_string(const std::optional<std::string>& value) {
  return value ? json_string(*value, true) : "null";
}

std::string graphics_array(const std::vector<TruthGraphics>& graphics) {
  std::string out = "[";
  for (size_t i = 0; i < graphics.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"as_written\":" + json_string(graphics[i].as_written) +
           ",\"resolved\":" + (graphics[i].resolved ? json_string(*graphics[i].resolved) : "null") +
           "}";
  }
  return out + "]";
}

// Hard-wraps like the snapshot does: lines of at most `width` characters joined by `joint`.
std::string wrap(const std::string& text, size_t width, const std::string& joint) {
  std::string out, line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + joint;
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line;
}

}  // namespace

std::string json_string(std::string_view utf8, bool ascii_only) {
  std::string out = "\"";
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = next_code_point(utf8, i);
    switch (cp) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp == 0x7F) {
      append_u_escape(out, cp);
    } else if (cp < 0x80 || !ascii_only) {
      append_utf8(out, cp);
    } else if (cp < 0x10000) {
      append_u_escape(out, cp);
    } else {
      cp -= 0x10000;
      append_u_escape(out, 0xD800 + (cp >> 10));
      append_u_escape(out, 0xDC00 + (cp & 0x3FF));
    }
  }
  return out + "\"";
}

std::string truth_lines(const SamplePaper& paper) {
  std::string out;
  int order = 0;
  for (const auto& figure : paper.figures) {
    out += "{\"paper\":" + json_string(paper.slot.id) + ",\"order\":" + std::to_string(++order) +
           ",\"env\":" + json_string(figure.env) + ",\"caption\":" + json_string(figure.caption) +
           ",\"label\":" + json_string(figure.label) +
           ",\"graphics\":" + graphics_array(figure.graphics) + ",\"subfigures\":[";
    for (size_t i = 0; i < figure.subfigures.size(); ++i) {
      const auto& sub = figure.subfigures[i];
      if (i > 0) out += ',';
      out += "{\"caption\":" + json_string(sub.caption) + ",\"label\":" + json_string(sub.label) +
             ",\"graphics\":" + graphics_array(sub.graphics) + "}";
    }
    out += "]}\n";
  }
  return out;
}

std::string snapshot_line(const SamplePaper& paper) {
  const PaperMetadata& m = paper.metadata;
  std::string authors;
  for (size_t i = 0; i < m.authors.size(); ++i) {
    if (i > 0) authors += (i + 1 == m.authors.size()) ? " and " : ", ";
    authors += m.authors[i].first.tex + " " + m.authors[i].last.tex;
  }
  std::string submitter =
      m.authors.empty() ? "" : m.authors[0].first.plain + " " + m.authors[0].last.plain;
  std::string versions;
  for (size_t i = 0; i < m.version_dates.size(); ++i) {
    if (i > 0) versions += ',';
    versions += "{\"version\":\"v" + std::to_string(i + 1) + "\",\"created\":\"" +
                m.version_dates[i] + "\"}";
  }
  std::string parsed;
  for (size_t i = 0; i < m.authors.size(); ++i) {
    if (i > 0) parsed += ',';
    parsed += "[" + json_string(m.authors[i].last.plain, true) + "," +
              json_string(m.authors[i].first.plain, true) + ",\"\"]";
  }
  std::string categories = paper.slot.topic->categories;
  if (paper.slot.id.find('/') != std::string::npos) {
    // Before 2007 most archives had no sub-categories in the id's archive name.
    categories = paper.slot.topic->old_archive == "cond-mat" ? paper.slot.topic->category
                                                             : paper.slot.topic->old_archive;
  }
  return "{\"id\":" + json_string(paper.slot.id) +
         ",\"submitter\":" + json_string(submitter, true) +
         ",\"authors\":" + json_string(authors, true) +
         ",\"title\":" + json_string(wrap(m.title.tex, 72, "\n  "), true) +
         ",\"comments\":" + json_string(m.comments, true) +
         ",\"journal-ref\":" + optional_string(m.journal_ref) +
         ",\"doi\":" + optional_string(m.doi) +
         ",\"report-no\":null,\"categories\":" + json_string(categories, true) +
         ",\"license\":" + optional_string(m.license) +
         ",\"abstract\":" + json_string("  " + wrap(m.abstract.tex, 78, "\n") + "\n", true) +
         ",\"versions\":[" + versions + "],\"update_date\":" + json_string(m.update_date) +
         ",\"authors_parsed\":[" + parsed + "]}\n";
}

}  // namespace imagemesh::sample

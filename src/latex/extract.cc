// extract_figures(): main files -> Scanner (reading order, macros, conditionals) -> FigureBuilder
// -> numbering and plain text. Caps are documented in scanner.h; the only option-driven ones are
// ExtractOptions::max_include_depth and max_expanded_bytes.
#include "latex/extract.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/safe_path.h"
#include "latex/graphics_resolve.h"
#include "latex/plain_text.h"
#include "latex/roots.h"
#include "latex/scanner.h"
#include "latex/text_decode.h"

namespace imagemesh::latex {
namespace {

// Splits raw TeX at \and / \AND / \And / \quad (outside braces).
std::vector<std::string_view> split_and(std::string_view tex) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < tex.size(); ++i) {
    char c = tex[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c != '\\' || depth != 0) continue;
    size_t p = i + 1;
    std::string_view name = read_command_name(tex, p);
    if (name == "and" || name == "AND" || name == "And" || name == "quad" || name == "qquad") {
      parts.push_back(tex.substr(start, i - start));
      start = p;
    }
    i = p - 1;
  }
  parts.push_back(tex.substr(start));
  return parts;
}

// Lines of an author block (split at \\ outside braces).
std::vector<std::string_view> block_lines(std::string_view tex) {
  std::vector<std::string_view> lines;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i + 1 < tex.size(); ++i) {
    if (tex[i] == '{') ++depth;
    if (tex[i] == '}') --depth;
    if (tex[i] == '\\' && tex[i + 1] == '\\' && depth <= 0) {
      lines.push_back(tex.substr(start, i - start));
      start = i + 2;
    }
    if (tex[i] == '\\') ++i;
  }
  lines.push_back(tex.substr(std::min(start, tex.size())));
  return lines;
}

bool looks_like_affiliation(std::string_view text, bool digits_count = true) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* const kWords[] = {
      "univ",   "institut", "depart",   "dept",       "laborator", "college", "school",   "center",
      "centre", "@",        "research", "observator", "academy",   "faculty", "hospital", "inc.",
      "gmbh",   "corp",     "street",   "usa",        "avenue",    "lab "};
  for (const char* word : kWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  for (char c : text) {
    if (digits_count && std::isdigit(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

size_t word_count(std::string_view s) {
  size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::string trim_punctuation(std::string s) {
  auto junk = [](char c) { return c == ' ' || c == ',' || c == ';' || c == '*'; };
  while (!s.empty() && junk(s.back())) s.pop_back();
  size_t start = 0;
  while (start < s.size() && junk(s[start])) ++start;
  return s.substr(start);
}

std::vector<std::string> author_names(const std::vector<std::string>& raw,
                                      const PlainTextOptions& options) {
  std::vector<std::string> names;
  PlainTextOptions author_options = options;
  author_options.author_mode = true;
  for (const std::string& block : raw) {
    for (std::string_view chunk : split_and(block)) {
      std::vector<std::string_view> lines = block_lines(chunk);
      for (size_t line_no = 0; line_no < lines.size(); ++line_no) {
        std::string text = tex_to_plain(lines[line_no], author_options);
        // Later lines are affiliations, unless names are laid out in rows (\quad-separated).
        bool name_rows = block.find("\\quad") != std::string::npos;
        if (line_no > 0 && (!name_rows || text.empty() || looks_like_affiliation(text))) break;
        // "A, B and C" in one \author: split when every piece looks like a name.
        std::vector<std::string> pieces;
        std::string current;
        for (size_t i = 0; i <= text.size(); ++i) {
          bool at_and = text.compare(i, 5, " and ") == 0 || text.compare(i, 3, " & ") == 0;
          if (i == text.size() || text[i] == ',' || at_and) {
            pieces.push_back(trim_punctuation(current));
            current.clear();
            if (at_and) i += text[i + 1] == '&' ? 2 : 4;
            continue;
          }
          current += text[i];
        }
        pieces.erase(std::remove(pieces.begin(), pieces.end(), std::string()), pieces.end());
        bool split = pieces.size() > 1;
        for (const std::string& piece : pieces) {
          size_t words = word_count(piece);
          if (words < 2 || words > 5) split = false;
        }
        if (!split) pieces = {trim_punctuation(text)};
        for (std::string& piece : pieces) {
          if (!piece.empty() && !looks_like_affiliation(piece, false))
            names.push_back(std::move(piece));
        }
      }
    }
  }
  return names;
}

}  // namespace

bool is_tex_name(std::string_view path) {
  std::string ext = lower_extension(path);
  return ext.empty() || ext == "tex" || ext == "ltx" || ext == "latex" || ext == "pdf_tex" ||
         ext == "pstex_t";
}

ExtractResult extract_figures(const std::vector<SourceFile>& files, const ExtractOptions& options) {
  ExtractResult result;
  FileIndex index(files);
  EngineChoice engine = choose_engine(index);
  result.engine = engine.engine;
  result.engine_reason = engine.reason;

  Scanner scanner(files, index, engine, options, "");
  RootChoice roots = find_roots(index, scanner);
  result.root_files = roots.roots;
  if (roots.roots.empty()) {
    result.diagnostics.push_back(
        {"no-root", "", 0, "no TeX file in the paper", Diagnostic::Severity::kNote});
    return result;
  }
  if (roots.fallback) {
    result.diagnostics.push_back({"no-root", "", 0, roots.note, Diagnostic::Severity::kNote});
  }
  for (const std::string& root : roots.roots) scanner.scan_document(root, roots.fallback);
  std::vector<BuiltFigure> built = scanner.finish();

  // \ref targets: LaTeX numbers every float with a \caption (and \captionof{figure}).
  std::map<std::string, std::string> numbers;
  int counter = 0;
  for (const BuiltFigure& b : built) {
    if (!b.numbered) continue;
    ++counter;
    std::string number = std::to_string(counter);
    if (!b.figure.label.empty()) numbers.emplace(b.figure.label, number);
    for (size_t i = 0; i < b.figure.subfigures.size() && i < 26; ++i) {
      const std::string& label = b.figure.subfigures[i].label;
      if (!label.empty()) numbers.emplace(label, number + static_cast<char>('a' + i));
    }
  }
  PlainTextOptions text_options;
  text_options.macros = &scanner.macros();
  text_options.ref_text = [&numbers](std::string_view label) {
    auto it = numbers.find(std::string(label));
    return it == numbers.end() ? std::string() : it->second;
  };
  for (BuiltFigure& b : built) {
    Figure& figure = b.figure;
    figure.caption_text = tex_to_plain(figure.caption_tex, text_options);
    figure.short_caption = tex_to_plain(figure.short_caption, text_options);
    for (SubFigure& sub : figure.subfigures) {
      sub.caption_text = tex_to_plain(sub.caption_tex, text_options);
    }
    result.figures.push_back(std::move(figure));
  }

  FactsTex& facts = scanner.facts();
  if (facts.title) result.title = tex_to_plain(*facts.title, text_options);
  if (facts.abstract) result.abstract = tex_to_plain(*facts.abstract, text_options);
  result.authors = author_names(facts.authors, text_options);
  for (Diagnostic& d : scanner.diagnostics()) {
    d.message = sanitize_utf8(d.message);
    result.diagnostics.push_back(std::move(d));
  }
  return result;
}

}  // namespace imagemesh::latex

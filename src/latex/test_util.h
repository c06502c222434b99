// Test-only helpers for the latex tests (header-only: not part of the library): a canonical JSON
// rendering of ExtractResult, a tiny JSON reader for expectation files, and loading a paper's
// files from a folder.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "latex/extract.h"
#include "test_support/corpus.h"

namespace imagemesh::latex::testing {

inline std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

inline std::string render_graphics(const std::vector<GraphicsRef>& graphics,
                                   const std::string& pad) {
  if (graphics.empty()) return "[]";
  std::string out = "[\n";
  for (size_t i = 0; i < graphics.size(); ++i) {
    const GraphicsRef& g = graphics[i];
    out += pad + "  {\"command\": " + json_quote(g.command) +
           ", \"as_written\": " + json_quote(g.as_written) +
           ", \"resolved\": " + (g.resolved ? json_quote(*g.resolved) : std::string("null")) + "}";
    out += i + 1 < graphics.size() ? ",\n" : "\n";
  }
  return out + pad + "]";
}

// The canonical text of the golden files: figures plus paper facts, stable key order.
inline std::string render_result(const ExtractResult& r) {
  std::string out = "{\n";
  out += "  \"engine\": " + json_quote(r.engine) + ",\n";
  if (!r.title.empty()) out += "  \"title\": " + json_quote(r.title) + ",\n";
  if (!r.authors.empty()) {
    out += "  \"authors\": [";
    for (size_t i = 0; i < r.authors.size(); ++i) {
      out += (i ? ", " : "") + json_quote(r.authors[i]);
    }
    out += "],\n";
  }
  if (!r.abstract.empty()) out += "  \"abstract\": " + json_quote(r.abstract) + ",\n";
  out += "  \"figures\": [";
  for (size_t i = 0; i < r.figures.size(); ++i) {
    const Figure& f = r.figures[i];
    out += i ? ",\n" : "\n";
    out += "    {\n";
    out += "      \"order\": " + std::to_string(f.order) + ",\n";
    out += "      \"env\": " + json_quote(f.env) + ",\n";
    out += "      \"caption_text\": " + json_quote(f.caption_text) + ",\n";
    if (!f.short_caption.empty())
      out += "      \"short_caption\": " + json_quote(f.short_caption) + ",\n";
    out += "      \"label\": " + json_quote(f.label) + ",\n";
    out += "      \"graphics\": " + render_graphics(f.graphics, "      ");
    if (!f.subfigures.empty()) {
      out += ",\n      \"subfigures\": [\n";
      for (size_t k = 0; k < f.subfigures.size(); ++k) {
        const SubFigure& s = f.subfigures[k];
        out += "        {\"caption_text\": " + json_quote(s.caption_text) +
               ", \"label\": " + json_quote(s.label) +
               ", \"graphics\": " + render_graphics(s.graphics, "        ") + "}";
        out += k + 1 < f.subfigures.size() ? ",\n" : "\n";
      }
      out += "      ]";
    }
    out += "\n    }";
  }
  out += r.figures.empty() ? "]\n" : "\n  ]\n";
  return out + "}\n";
}

// A JSON value: just enough for expectation files.
struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;

  const Json* get(const std::string& key) const {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &it->second;
  }
  std::string str(const std::string& key, const std::string& fallback = "") const {
    const Json* v = get(key);
    return v && v->kind == kString ? v->string : fallback;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}
  // Throws std::runtime_error on malformed input (a broken expectation file is a test bug).
  Json parse() {
    Json value = read_value();
    skip();
    if (pos_ != text_.size()) fail("trailing text");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  Json read_value() {
    skip();
    if (pos_ >= text_.size()) fail("unexpected end");
    char c = text_[pos_];
    Json v;
    if (c == '{') {
      v.kind = Json::kObject;
      ++pos_;
      skip();
      if (text_[pos_] == '}') {
        ++pos_;
        return v;
      }
      while (true) {
        skip();
        std::string key = read_string();
        skip();
        if (text_[pos_++] != ':') fail("expected ':'");
        v.object[key] = read_value();
        skip();
        char d = text_[pos_++];
        if (d == '}') return v;
        if (d != ',') fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = Json::kArray;
      ++pos_;
      skip();
      if (text_[pos_] == ']') {
        ++pos_;
        return v;
      }
      while (true) {
        v.array.push_back(read_value());
        skip();
        char d = text_[pos_++];
        if (d == ']') return v;
        if (d != ',') fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = Json::kString;
      v.string = read_string();
      return v;
    }
    if (text_.substr(pos_, 4) == "null") {
      pos_ += 4;
      return v;
    }
    if (text_.substr(pos_, 4) == "true" || text_.substr(pos_, 5) == "false") {
      v.kind = Json::kBool;
      v.boolean = text_[pos_] == 't';
      pos_ += v.boolean ? 4 : 5;
      return v;
    }
    size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    if (start == pos_) fail("unexpected character");
    v.kind = Json::kNumber;
    v.number = std::stod(std::string(text_.substr(start, pos_ - start)));
    return v;
  }
  std::string read_string() {
    if (text_[pos_] != '"') fail("expected string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = text_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
          pos_ += 4;
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default:
          out += e;
      }
    }
    ++pos_;
    return out;
  }
  std::string_view text_;
  size_t pos_ = 0;
};

// All regular files under `dir`, paths relative to it ("./" and directory entries dropped).
struct PaperFiles {
  std::vector<std::string> paths;
  std::vector<std::unique_ptr<std::string>> bytes;
  std::vector<SourceFile> sources() const {
    std::vector<SourceFile> out;
    for (size_t i = 0; i < paths.size(); ++i) out.push_back({paths[i], *bytes[i]});
    return out;
  }
};

inline PaperFiles load_folder(const std::filesystem::path& dir,
                              const std::vector<std::string>& skip_names = {}) {
  PaperFiles files;
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && !entry.is_symlink()) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  for (const auto& path : found) {
    std::string rel = std::filesystem::relative(path, dir).generic_string();
    bool skip = false;
    for (const std::string& name : skip_names) skip |= rel == name;
    if (skip) continue;
    files.paths.push_back(rel);
    files.bytes.push_back(std::make_unique<std::string>(imagemesh::testing::read_file(path)));
  }
  return files;
}

// Unpacks one paper of the shared corpus into `dest`. `archive` is relative to the corpus root;
// `member` is the bulk-tar member ("-" for a standalone .tar.gz). Returns false on failure.
inline bool unpack_paper(const std::string& corpus, const std::string& archive,
                         const std::string& member, const std::string& dest) {
  std::string q_archive = "'" + corpus + "/" + archive + "'";
  std::string command;
  if (member == "-") {
    command = "tar -xzf " + q_archive + " -C '" + dest + "' 2>/dev/null";
  } else {
    // A bulk member is a gzipped tar, or a gzipped single .tex file.
    std::string member_path = "'" + dest + "/.member.gz'";
    command = "tar -xOf " + q_archive + " '" + member + "' > " + member_path + " && if gunzip -c " +
              member_path + " | head -c 262 | tail -c 5 | grep -q ustar; " + "then tar -xzf " +
              member_path + " -C '" + dest + "' 2>/dev/null; else gunzip -c " + member_path +
              " > '" + dest + "/main.tex'; fi; rm -f " + member_path;
  }
  return imagemesh::testing::run_command(command) == 0;
}

}  // namespace imagemesh::latex::testing

// PDF object syntax for the fact reader: a bounded parser of one value (dictionary, array, name,
// number, string, reference ...) and the decoding of PDF text strings to UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imagemesh::imaging::facts {

struct PdfValue {
  enum class Kind { kNull, kBool, kNumber, kName, kString, kArray, kDict, kRef };
  Kind kind = Kind::kNull;
  double number = 0;
  std::string text;               // a name without its '/', or a string's raw bytes
  uint32_t ref = 0;               // object number of a reference
  std::vector<std::string> keys;  // dictionary keys, parallel to items
  std::vector<PdfValue> items;    // array items or dictionary values

  bool is_dict() const { return kind == Kind::kDict; }
  // The value under `key` of a dictionary, or nullptr.
  const PdfValue* get(std::string_view key) const;
  // True if this dictionary has /key /name.
  bool has_name(std::string_view key, std::string_view name) const;
};

// Parses the value starting at text[at] (leading whitespace and comments are skipped). Bounded:
// nesting deeper than 32, more than 200000 tokens or strings beyond 64 KB fail or are cut, so a
// hostile object costs linear time and bounded memory. On success *end is just past the value.
std::optional<PdfValue> parse_pdf_value(std::string_view text, size_t at, size_t* end);

// Skips PDF whitespace and comments from `at`.
size_t skip_pdf_space(std::string_view text, size_t at);

// A PDF text string as UTF-8: UTF-16BE (or LE) with a byte-order mark, UTF-8 with a mark or
// without one when the bytes are valid UTF-8, else PDFDocEncoding.
std::string decode_pdf_text(std::string_view raw);

}  // namespace imagemesh::imaging::facts

#include "imaging/facts_pdf_object.h"

#include "core/utf8.h"

#include <algorithm>
#include <charconv>

#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

constexpr int kMaxDepth = 32;
constexpr int kMaxTokens = 200000;
constexpr size_t kMaxStringBytes = 64 * 1024;

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}
bool is_delimiter(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '/' || c == '%';
}
bool is_regular(char c) { return !is_space(c) && !is_delimiter(c); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<PdfValue> value(size_t* at, int depth) {
    if (depth > kMaxDepth || ++tokens_ > kMaxTokens) return std::nullopt;
    size_t i = skip_pdf_space(text_, *at);
    if (i >= text_.size()) return std::nullopt;
    PdfValue out;
    char c = text_[i];
    if (c == '/') {
      out.kind = PdfValue::Kind::kName;
      out.text = name(&i);
    } else if (c == '(') {
      out.kind = PdfValue::Kind::kString;
      out.text = literal_string(&i);
    } else if (c == '<' && i + 1 < text_.size() && text_[i + 1] == '<') {
      out.kind = PdfValue::Kind::kDict;
      i += 2;
      while (true) {
        i = skip_pdf_space(text_, i);
        if (i + 1 < text_.size() && text_[i] == '>' && text_[i + 1] == '>') {
          i += 2;
          break;
        }
        if (i >= text_.size() || text_[i] != '/') return std::nullopt;
        std::string key = name(&i);
        std::optional<PdfValue> item = value(&i, depth + 1);
        if (!item) return std::nullopt;
        out.keys.push_back(std::move(key));
        out.items.push_back(std::move(*item));
      }
    } else if (c == '<') {
      out.kind = PdfValue::Kind::kString;
      out.text = hex_string(&i);
    } else if (c == '[') {
      out.kind = PdfValue::Kind::kArray;
      ++i;
      while (true) {
        i = skip_pdf_space(text_, i);
        if (i < text_.size() && text_[i] == ']') {
          ++i;
          break;
        }
        std::optional<PdfValue> item = value(&i, depth + 1);
        if (!item) return std::nullopt;
        out.items.push_back(std::move(*item));
      }
    } else if (is_regular(c)) {
      std::string_view token = word(&i);
      if (token == "true" || token == "false") {
        out.kind = PdfValue::Kind::kBool;
        out.number = token == "true";
      } else if (token == "null") {
        out.kind = PdfValue::Kind::kNull;
      } else if (std::optional<double> number = parse_number(token)) {
        out.kind = PdfValue::Kind::kNumber;
        out.number = *number;
        reference_after(token, &i, &out);
      } else {
        return std::nullopt;  // a keyword (endobj, stream, R ...) where a value should be
      }
    } else {
      return std::nullopt;
    }
    *at = i;
    return out;
  }

 private:
  static std::optional<double> parse_number(std::string_view token) {
    if (!token.empty() && token[0] == '+') token.remove_prefix(1);
    double number = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), number);
    if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
    return number;
  }

  static bool is_object_number(std::string_view token) {
    if (token.empty() || token.size() > 10) return false;
    for (char c : token) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  // "12 0 R": turns the number just read into a reference when a generation and R follow.
  void reference_after(std::string_view first, size_t* at, PdfValue* out) {
    if (!is_object_number(first)) return;
    size_t i = skip_pdf_space(text_, *at);
    std::string_view generation = word(&i);
    if (!is_object_number(generation)) return;
    i = skip_pdf_space(text_, i);
    if (word(&i) != "R") return;
    out->kind = PdfValue::Kind::kRef;
    out->ref = static_cast<uint32_t>(std::min(out->number, 4294967295.0));
    *at = i;
  }

  std::string_view word(size_t* at) {
    size_t start = *at;
    while (*at < text_.size() && is_regular(text_[*at])) ++*at;
    return slice(text_, start, *at - start);
  }

  std::string name(size_t* at) {
    std::string out;
    ++*at;  // '/'
    while (*at < text_.size() && is_regular(text_[*at])) {
      char c = text_[(*at)++];
      if (c == '#' && *at + 1 < text_.size() && hex_value(text_[*at]) >= 0 &&
          hex_value(text_[*at + 1]) >= 0) {
        c = static_cast<char>(hex_value(text_[*at]) * 16 + hex_value(text_[*at + 1]));
        *at += 2;
      }
      if (out.size() < 256) out += c;
    }
    return out;
  }

  std::string literal_string(size_t* at) {
    std::string out;
    int nesting = 1;
    size_t i = *at + 1;
    auto put = [&](char c) {
      if (out.size() < kMaxStringBytes) out += c;
    };
    while (i < text_.size()) {
      char c = text_[i++];
      if (c == '(') {
        ++nesting;
      } else if (c == ')') {
        if (--nesting == 0) break;
      } else if (c == '\\' && i < text_.size()) {
        char e = text_[i++];
        switch (e) {
          case 'n':
            put('\n');
            break;
          case 'r':
            put('\r');
            break;
          case 't':
            put('\t');
            break;
          case 'b':
            put('\b');
            break;
          case 'f':
            put('\f');
            break;
          case '\r':  // line continuation
            if (i < text_.size() && text_[i] == '\n') ++i;
            break;
          case '\n':
            break;
          default:
            if (e >= '0' && e <= '7') {
              int code = e - '0';
              for (int k = 0; k < 2 && i < text_.size() && text_[i] >= '0' && text_[i] <= '7';
                   ++k) {
                code = code * 8 + (text_[i++] - '0');
              }
              put(static_cast<char>(code & 0xFF));
            } else {
              put(e);  // \( \) \\ and unknown escapes stand for the character
            }
        }
        continue;
      }
      put(c);
    }
    *at = i;
    return out;
  }

  std::string hex_string(size_t* at) {
    std::string out;
    size_t i = *at + 1;
    int high = -1;
    while (i < text_.size() && text_[i] != '>') {
      int digit = hex_value(text_[i++]);
      if (digit < 0) continue;  // whitespace (and junk) between digits is ignored
      if (high < 0) {
        high = digit;
      } else {
        if (out.size() < kMaxStringBytes) out += static_cast<char>(high * 16 + digit);
        high = -1;
      }
    }
    if (high >= 0 && out.size() < kMaxStringBytes) out += static_cast<char>(high * 16);
    *at = i < text_.size() ? i + 1 : i;
    return out;
  }

  std::string_view text_;
  int tokens_ = 0;
};

// PDFDocEncoding 0x80-0xA0 where it differs from Latin-1 (0x9F is undefined).
constexpr uint16_t kPdfDocHigh[] = {
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
    0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
    0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD, 0x20AC};

}  // namespace

const PdfValue* PdfValue::get(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

bool PdfValue::has_name(std::string_view key, std::string_view name) const {
  const PdfValue* value = get(key);
  return value != nullptr && value->kind == Kind::kName && value->text == name;
}

size_t skip_pdf_space(std::string_view text, size_t at) {
  while (at < text.size()) {
    if (is_space(text[at])) {
      ++at;
    } else if (text[at] == '%') {
      while (at < text.size() && text[at] != '\n' && text[at] != '\r') ++at;
    } else {
      break;
    }
  }
  return at;
}

std::optional<PdfValue> parse_pdf_value(std::string_view text, size_t at, size_t* end) {
  Parser parser(text);
  std::optional<PdfValue> value = parser.value(&at, 0);
  if (value && end != nullptr) *end = at;
  return value;
}

std::string decode_pdf_text(std::string_view raw) {
  std::string out;
  bool big = slice(raw, 0, 2) == "\xFE\xFF";
  bool little = slice(raw, 0, 2) == "\xFF\xFE";
  if (big || little) {
    for (size_t i = 2; i + 1 < raw.size(); i += 2) {
      uint32_t unit = big ? be16(raw, i) : le16(raw, i);
      if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < raw.size()) {
        uint32_t low = big ? be16(raw, i + 2) : le16(raw, i + 2);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
          i += 2;
          continue;
        }
      }
      if (unit >= 0xD800 && unit <= 0xDFFF) unit = 0xFFFD;
      if (unit == 0x001B) {  // language escape sequence ESC lang ESC: dropped
        while (i + 3 < raw.size() && (big ? be16(raw, i + 2) : le16(raw, i + 2)) != 0x001B) i += 2;
        i += 2;
        continue;
      }
      append_utf8(out, unit);
    }
    return out;
  }
  if (slice(raw, 0, 3) == "\xEF\xBB\xBF") return std::string(slice(raw, 3));
  if (is_valid_utf8(raw)) return std::string(raw);
  for (char ch : raw) {
    uint32_t c = static_cast<unsigned char>(ch);
    append_utf8(out, c >= 0x80 && c <= 0xA0 ? kPdfDocHigh[c - 0x80] : c);
  }
  return out;
}

}  // namespace imagemesh::imaging::facts

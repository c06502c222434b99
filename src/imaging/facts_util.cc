#include "imaging/facts_util.h"

#include "core/utf8.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

namespace imagemesh::imaging::facts {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ci(slice(text, 0, prefix.size()), prefix);
}

bool equals_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string clean_text(std::string_view raw) {
  std::string out;
  bool pending_space = false;
  for (size_t i = 0; i < raw.size() && out.size() < kMaxCreatorBytes;) {
    uint32_t c = byte_at(raw, i);
    if (c < 0x20 || c == 0x7F) {
      pending_space = pending_space || c == '\t' || c == '\n' || c == '\r';
      ++i;
      continue;
    }
    std::string piece;
    size_t length = utf8_sequence_length(raw, i);
    if (length == 0) {  // not UTF-8: the byte is Latin-1
      piece = {static_cast<char>(0xC0 | c >> 6), static_cast<char>(0x80 | (c & 0x3F))};
      length = 1;
    } else {
      piece = std::string(slice(raw, i, length));
    }
    i += length;
    if (piece == " ") {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) piece.insert(piece.begin(), ' ');
    pending_space = false;
    if (out.size() + piece.size() > kMaxCreatorBytes) break;
    out += piece;
  }
  return out;
}

namespace {

// Text of <key>...</key> or key="..." (e.g. key "xmp:CreatorTool"), with the predefined XML
// entities decoded and nothing else expanded. Bounded: at most 16 occurrences, 4 KB past each.
std::string xml_value(std::string_view xml, std::string_view key) {
  int tries = 0;
  for (size_t at = xml.find(key); at != std::string_view::npos && tries < 16;
       at = xml.find(key, at + 1), ++tries) {
    size_t after_key = at + key.size();
    std::string_view value;
    if (at > 0 && xml[at - 1] == '<' && after_key < xml.size() && xml[after_key] == '>') {
      // Element form; skips container elements such as <rdf:Alt><rdf:li xml:lang="x-default">.
      std::string_view body = slice(xml, after_key + 1, 4096);
      size_t start = 0;
      while (start < body.size()) {
        char c = body[start];
        if (c == '<' && start + 1 < body.size() && body[start + 1] != '/') {
          size_t close = body.find('>', start);
          if (close == std::string_view::npos) break;
          start = close + 1;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          ++start;
        } else {
          break;
        }
      }
      body = slice(body, start);
      value = slice(body, 0, body.find('<'));
    } else {
      std::string_view after = trim(slice(xml, after_key, 4096));
      if (after.empty() || after[0] != '=') continue;
      after = trim(slice(after, 1));
      if (after.empty() || (after[0] != '"' && after[0] != '\'')) continue;
      size_t end = after.find(after[0], 1);
      if (end == std::string_view::npos) continue;
      value = slice(after, 1, end - 1);
    }
    std::string decoded;
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < value.size(); ++i) {
      bool replaced = false;
      for (auto [entity, ch] : kEntities) {
        if (slice(value, i, entity.size()) == entity) {
          decoded += ch;
          i += entity.size() - 1;
          replaced = true;
          break;
        }
      }
      if (!replaced) decoded += value[i];
    }
    std::string cleaned = clean_text(decoded);
    if (!cleaned.empty()) return cleaned;
  }
  return "";
}

}  // namespace

std::string xmp_creator_tool(std::string_view xmp) {
  std::string tool = xml_value(xmp, "xmp:CreatorTool");
  if (tool.empty()) tool = xml_value(xmp, "xap:CreatorTool");
  std::string producer = xml_value(xmp, "pdf:Producer");
  if (tool.empty()) return producer;
  if (producer.empty() || producer == tool) return tool;
  return clean_text(tool + "; " + producer);
}

Result<std::string_view> postscript_section(std::string_view bytes) {
  std::string_view ps = bytes;
  if (slice(bytes, 0, 4) == "\xC5\xD0\xD3\xC6") {
    if (bytes.size() < 30) return error(ErrorCode::kTruncated, "DOS EPS header is cut short");
    const uint32_t offset = le32(bytes, 4);
    const uint32_t length = le32(bytes, 8);
    if (offset < 30 || offset >= bytes.size()) {
      return error(ErrorCode::kTruncated, "DOS EPS PostScript section lies past the end");
    }
    ps = slice(bytes, offset, length);
  }
  size_t start = 0;
  while (start < ps.size() && start < 64 &&
         (ps[start] == '\x04' || ps[start] == ' ' || ps[start] == '\r' || ps[start] == '\n')) {
    ++start;
  }
  if (slice(ps, start, 3) == "\xEF\xBB\xBF") start += 3;
  ps = slice(ps, start);
  if (slice(ps, 0, 2) != "%!") return error(ErrorCode::kDecodeFailed, "no %! PostScript header");
  return ps;
}

std::optional<std::array<double, 4>> parse_box_numbers(std::string_view value) {
  std::array<double, 4> numbers{};
  const char* at = value.data();
  const char* end = value.data() + value.size();
  for (double& number : numbers) {
    while (at < end && (*at == ' ' || *at == '\t')) ++at;
    if (at < end && *at == '+') ++at;
    auto [next, ec] = std::from_chars(at, end, number);
    if (ec != std::errc()) return std::nullopt;
    at = next;
  }
  return numbers;
}

}  // namespace imagemesh::imaging::facts

// SVG: size from the root element's width/height (else viewBox), creator from the comments and
// metadata that tools write near the top. Plain text scanning: no XML parser, so no entity is
// expanded and nothing external is ever fetched.
#include <charconv>
#include <optional>
#include <string>

#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

constexpr size_t kMaxPrologBytes = 1024 * 1024;
constexpr size_t kMaxRootTagBytes = 64 * 1024;
constexpr size_t kCreatorWindow = 256 * 1024;

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end of a DOCTYPE declaration starting at `at` (just past its '>'), or npos.
size_t skip_doctype(std::string_view text, size_t at) {
  int brackets = 0;
  char quote = 0;
  for (size_t i = at; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[') {
      ++brackets;
    } else if (c == ']') {
      --brackets;
    } else if (c == '>' && brackets <= 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The value of attribute `name` inside a start tag, or nullopt.
std::optional<std::string_view> attribute(std::string_view tag, std::string_view name) {
  for (size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
    if (at == 0 || !is_xml_space(tag[at - 1])) continue;
    size_t i = at + name.size();
    while (i < tag.size() && is_xml_space(tag[i])) ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && is_xml_space(tag[i])) ++i;
    if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\'')) continue;
    size_t end = tag.find(tag[i], i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return slice(tag, i + 1, end - i - 1);
  }
  return std::nullopt;
}

// An absolute SVG length in points, with px counted as pt; nullopt for relative units (%, em).
std::optional<double> length_pt(std::string_view value) {
  value = trim(value);
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || !(number > 0)) return std::nullopt;
  std::string_view unit = trim(slice(value, static_cast<size_t>(end - value.data())));
  if (unit.empty() || unit == "px" || unit == "pt") return number;
  if (unit == "in") return number * 72;
  if (unit == "cm") return number * 72 / 2.54;
  if (unit == "mm") return number * 72 / 25.4;
  if (unit == "pc") return number * 12;
  return std::nullopt;
}

std::optional<std::pair<double, double>> view_box_size(std::string_view value) {
  double numbers[4];
  const char* at = value.data();
  const char* end = value.data() + value.size();
  for (double& number : numbers) {
    while (at < end && (is_xml_space(*at) || *at == ',')) ++at;
    auto [next, ec] = std::from_chars(at, end, number);
    if (ec != std::errc()) return std::nullopt;
    at = next;
  }
  if (!(numbers[2] > 0 && numbers[3] > 0)) return std::nullopt;
  return std::pair{numbers[2], numbers[3]};
}

// Text between `open` and `close` after the first `open` in `text`; empty if absent.
std::string_view between(std::string_view text, std::string_view open, std::string_view close) {
  size_t start = text.find(open);
  if (start == std::string_view::npos) return {};
  start += open.size();
  size_t end = text.find(close, start);
  if (end == std::string_view::npos || end - start > 4096) return {};
  return slice(text, start, end - start);
}

std::string svg_creator(std::string_view text) {
  std::string_view generator = between(text, "Generator:", "-->");
  if (!generator.empty()) {
    generator = slice(generator, 0, generator.find(", SVG Export"));
    return clean_text(generator);
  }
  if (auto version = attribute(slice(text, 0, kMaxRootTagBytes * 4), "inkscape:version")) {
    return clean_text("Inkscape " + std::string(*version));
  }
  std::string_view created = between(text, "<!-- Created with", "-->");
  if (!created.empty()) return clean_text(slice(created, 0, created.find(" (http")));
  std::string_view agent = between(text, "<dc:creator>", "</dc:creator>");
  std::string_view title = between(agent, "<dc:title>", "</dc:title>");
  if (!title.empty()) return clean_text(title);
  return xmp_creator_tool(text);
}

}  // namespace

size_t svg_root_offset(std::string_view text) {
  text = slice(text, 0, kMaxPrologBytes);
  size_t at = slice(text, 0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (at < text.size()) {
    while (at < text.size() && is_xml_space(text[at])) ++at;
    std::string_view rest = slice(text, at);
    size_t end = std::string_view::npos;
    if (slice(rest, 0, 2) == "<?") {
      end = rest.find("?>");
      if (end != std::string_view::npos) end += 2;
    } else if (slice(rest, 0, 4) == "<!--") {
      end = rest.find("-->");
      if (end != std::string_view::npos) end += 3;
    } else if (starts_with_ci(rest, "<!DOCTYPE")) {
      end = skip_doctype(rest, 9);
    } else if (slice(rest, 0, 4) == "<svg" || slice(rest, 0, 8) == "<svg:svg") {
      size_t name_end = slice(rest, 0, 4) == "<svg" && slice(rest, 0, 8) != "<svg:svg" ? 4 : 8;
      if (name_end < rest.size() &&
          (is_xml_space(rest[name_end]) || rest[name_end] == '>' || rest[name_end] == '/')) {
        return at;
      }
      return std::string_view::npos;
    } else {
      return std::string_view::npos;
    }
    if (end == std::string_view::npos) return std::string_view::npos;
    at += end;
  }
  return std::string_view::npos;
}

Result<ImageFacts> read_svg_facts(std::string_view bytes) {
  size_t root = svg_root_offset(bytes);
  if (root == std::string_view::npos) {
    return error(ErrorCode::kDecodeFailed, "no <svg> root element");
  }
  std::string_view tag = slice(bytes, root, kMaxRootTagBytes);
  size_t tag_end = tag.find('>');
  if (tag_end == std::string_view::npos) {
    return error(ErrorCode::kTruncated, "SVG ends inside its <svg> tag");
  }
  tag = slice(tag, 0, tag_end);
  ImageFacts facts;
  std::optional<double> width, height;
  if (auto value = attribute(tag, "width")) width = length_pt(*value);
  if (auto value = attribute(tag, "height")) height = length_pt(*value);
  std::optional<std::pair<double, double>> view_box;
  if (auto value = attribute(tag, "viewBox")) view_box = view_box_size(*value);
  if (view_box && !width && !height) {
    width = view_box->first;
    height = view_box->second;
  } else if (view_box && width && !height) {  // the missing side follows the aspect ratio
    height = *width * view_box->second / view_box->first;
  } else if (view_box && height && !width) {
    width = *height * view_box->first / view_box->second;
  }
  if (!width || !height) {
    return error(ErrorCode::kUnsupported, "SVG has no absolute width/height or viewBox");
  }
  facts.width_pt = *width;
  facts.height_pt = *height;
  facts.creator = svg_creator(slice(bytes, 0, kCreatorWindow));
  return facts;
}

}  // namespace imagemesh::imaging::facts

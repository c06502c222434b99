// PostScript and EPS: the DSC comments of the header (%%BoundingBox, %%HiResBoundingBox,
// %%Creator, %%Pages), values deferred with "(atend)" taken from the trailer, and DOS EPS files
// (binary header C5 D0 D3 C6) reduced to their PostScript section first. Text scanning only:
// nothing is interpreted.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

constexpr size_t kMaxHeaderBytes = 256 * 1024;
constexpr size_t kTrailerWindow = 256 * 1024;

using Box = std::array<double, 4>;

struct DscHeader {
  std::optional<std::string_view> bounding_box, hires_box, page_box, media, creator, pages;
};

std::optional<std::string_view> value_after(std::string_view line, std::string_view key) {
  if (slice(line, 0, key.size()) != key) return std::nullopt;
  return trim(slice(line, key.size()));
}

// Calls on_line(line) for each line of text (CR, LF or CRLF ends a line) until it returns false.
template <typename OnLine>
void for_each_line(std::string_view text, OnLine on_line) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find_first_of("\r\n", at);
    if (end == std::string_view::npos) end = text.size();
    if (!on_line(slice(text, at, end - at))) return;
    at = end + 1;
  }
}

bool is_atend(std::string_view value) { return slice(value, 0, 7) == "(atend)"; }

std::optional<Box> parse_box(std::string_view value) { return parse_box_numbers(value); }

// The value of the last line in `text` that starts with `key`, or nullopt.
std::optional<std::string_view> last_value(std::string_view text, std::string_view key) {
  std::optional<std::string_view> found;
  for_each_line(text, [&](std::string_view line) {
    if (auto value = value_after(line, key); value && !is_atend(*value)) found = value;
    return true;
  });
  return found;
}

// Where "(atend)" values live: after the last %%Trailer, else the end of the file.
std::string_view trailer_of(std::string_view ps) {
  size_t trailer = ps.rfind("%%Trailer");
  if (trailer != std::string_view::npos) return slice(ps, trailer);
  return slice(ps, ps.size() > kTrailerWindow ? ps.size() - kTrailerWindow : 0);
}

DscHeader read_header(std::string_view ps) {
  DscHeader header;
  for_each_line(slice(ps, 0, kMaxHeaderBytes), [&](std::string_view line) {
    if (slice(line, 0, 2) != "%%") return true;
    static constexpr std::string_view kHeaderEnds[] = {
        "%%EndComments", "%%BeginProlog", "%%BeginSetup", "%%Page:", "%%BeginDocument"};
    for (std::string_view end : kHeaderEnds) {
      if (slice(line, 0, end.size()) == end) return false;
    }
    struct Key {
      std::string_view name;
      std::optional<std::string_view>* slot;
    };
    const Key keys[] = {
        {"%%BoundingBox:", &header.bounding_box}, {"%%HiResBoundingBox:", &header.hires_box},
        {"%%PageBoundingBox:", &header.page_box}, {"%%DocumentMedia:", &header.media},
        {"%%Creator:", &header.creator},          {"%%Pages:", &header.pages}};
    for (const Key& key : keys) {
      if (auto value = value_after(line, key.name); value && !*key.slot) *key.slot = value;
    }
    return true;
  });
  // "(atend)" defers a value to the trailer.
  for (auto [slot, key] :
       {std::pair{&header.bounding_box, "%%BoundingBox:"},
        std::pair{&header.hires_box, "%%HiResBoundingBox:"},
        std::pair{&header.creator, "%%Creator:"}, std::pair{&header.pages, "%%Pages:"}}) {
    if (*slot && is_atend(**slot)) *slot = last_value(trailer_of(ps), key);
  }
  return header;
}

// Page size from "%%DocumentMedia: name width height weight color type".
std::optional<Box> media_box(std::string_view value) {
  size_t space = value.find_first_of(" \t");
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view rest = trim(slice(value, space));
  double size[2];
  const char* at = rest.data();
  const char* end = rest.data() + rest.size();
  for (double& number : size) {
    while (at < end && *at == ' ') ++at;
    auto [next, ec] = std::from_chars(at, end, number);
    if (ec != std::errc()) return std::nullopt;
    at = next;
  }
  return Box{0, 0, size[0], size[1]};
}

int count_pages(std::string_view ps) {
  int pages = 0;
  for_each_line(ps, [&](std::string_view line) {
    if (slice(line, 0, 7) == "%%Page:") ++pages;
    return true;
  });
  return pages;
}

}  // namespace

Result<ImageFacts> read_postscript_facts(std::string_view bytes) {
  IM_ASSIGN_OR_RETURN(std::string_view ps, postscript_section(bytes));
  DscHeader header = read_header(ps);
  std::optional<Box> box;
  if (header.bounding_box) box = parse_box(*header.bounding_box);
  if (header.hires_box) {
    // The high-resolution box refines the integer one; it is trusted only when they agree.
    std::optional<Box> hires = parse_box(*header.hires_box);
    bool agrees = hires && box;
    for (int i = 0; agrees && i < 4; ++i) agrees = std::abs((*hires)[i] - (*box)[i]) <= 1.0;
    if (agrees || (hires && !box)) box = hires;
  }
  if (!box && header.page_box) box = parse_box(*header.page_box);
  if (!box && header.media) box = media_box(*header.media);
  if (!box) {
    return error(ErrorCode::kUnsupported, "PostScript has no usable %%BoundingBox");
  }
  ImageFacts facts;
  facts.width_pt = (*box)[2] - (*box)[0];
  facts.height_pt = (*box)[3] - (*box)[1];
  if (!(facts.width_pt > 0 && facts.height_pt > 0 && facts.width_pt < 1e7 &&
        facts.height_pt < 1e7)) {
    return error(ErrorCode::kDecodeFailed, "PostScript %%BoundingBox is empty or inverted");
  }
  int pages = 0;
  if (header.pages)
    std::from_chars(header.pages->data(), header.pages->data() + header.pages->size(), pages);
  if (pages <= 0) pages = count_pages(ps);
  facts.pages = std::max(pages, 1);
  if (header.creator) {
    std::string_view creator = *header.creator;
    if (creator.size() >= 2 && creator.front() == '(' && creator.back() == ')') {
      creator = slice(creator, 1, creator.size() - 2);
    }
    facts.creator = clean_text(creator);
  }
  return facts;
}

}  // namespace imagemesh::imaging::facts

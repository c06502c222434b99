// PDF: a linear scan of the file for "N G obj" definitions and trailers, which also works for
// files whose xref table is damaged or missing. Object streams (/Type /ObjStm) are inflated with a
// byte cap so that compressed catalogs, page trees and Info dictionaries are found. From the
// catalog: page count (/Pages /Count) and page 1's MediaBox/CropBox/Rotate, inherited through the
// page tree; from the Info dictionary (else XMP): Creator and Producer.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "imaging/facts_pdf_object.h"
#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

constexpr size_t kMaxObjects = 1000000;
constexpr size_t kMaxStreamInflate = 16 * 1024 * 1024;
constexpr size_t kMaxTotalInflate = 64 * 1024 * 1024;
constexpr int kMaxTreeDepth = 64;
constexpr int kMaxRefHops = 16;
constexpr int kMaxKidsTried = 64;  // empty subtrees skipped per level when looking for page 1

struct Location {
  int source = -1;  // -1: the file; else an index into Document::decoded_
  size_t offset = 0;
};

struct StreamRange {
  size_t data_begin = 0, data_end = 0, after = 0;  // after: just past "endstream"
};

class Document {
 public:
  explicit Document(std::string_view file) : file_(file) {}

  void scan();
  Result<ImageFacts> facts() const;

 private:
  std::string_view source(int index) const { return index < 0 ? file_ : decoded_[index]; }
  std::optional<PdfValue> object(uint32_t number) const;
  std::optional<PdfValue> resolve(const PdfValue* value) const;
  std::optional<StreamRange> stream_after(const PdfValue& dict, size_t at) const;
  std::string stream_data(const PdfValue& dict, const StreamRange& range, size_t cap) const;
  size_t next_object_keyword(size_t from, uint32_t* number, size_t* value_at) const;
  void define(uint32_t number, Location location, const PdfValue& value);
  void unpack_object_stream(const PdfValue& dict, const StreamRange& range);
  std::optional<std::array<double, 4>> box(const PdfValue* value) const;
  std::string text_entry(const PdfValue& dict, std::string_view key) const;
  std::string creator(const PdfValue* trailer, const PdfValue* catalog) const;

  std::string_view file_;
  std::vector<std::string> decoded_;
  size_t decoded_bytes_ = 0;
  std::unordered_map<uint32_t, Location> objects_;
  std::unordered_map<uint32_t, bool> is_page_;  // by the latest definition of each object
  std::vector<PdfValue> trailers_;              // trailer dicts and xref stream dicts, file order
  std::optional<uint32_t> last_catalog_;
  bool has_eof_ = false;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_pdf_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

// Finds the next "N G obj" at or after `from`; returns the position after "obj" (or npos) and
// the object number. Each candidate "obj" costs a bounded look back, so the search is linear.
size_t Document::next_object_keyword(size_t from, uint32_t* number, size_t* value_at) const {
  for (size_t at = file_.find("obj", from); at != std::string_view::npos;
       at = file_.find("obj", at + 3)) {
    size_t after = at + 3;
    if (after < file_.size() && !is_pdf_space(file_[after]) && file_[after] != '<' &&
        file_[after] != '[' && file_[after] != '(' && file_[after] != '/' && file_[after] != '%') {
      continue;
    }
    size_t i = at;
    auto skip_space_back = [&] {
      size_t stop = i > 8 ? i - 8 : 0;
      while (i > stop && is_pdf_space(file_[i - 1])) --i;
    };
    auto digits_back = [&] {
      size_t end = i, stop = i > 10 ? i - 10 : 0;
      while (i > stop && is_digit(file_[i - 1])) --i;
      return slice(file_, i, end - i);
    };
    skip_space_back();
    if (digits_back().empty()) continue;
    size_t before_generation = i;
    skip_space_back();
    if (i == before_generation) continue;
    std::string_view digits = digits_back();
    if (digits.empty() || (i > 0 && !is_pdf_space(file_[i - 1]) && file_[i - 1] != '>' &&
                           file_[i - 1] != ')' && file_[i - 1] != ']')) {
      continue;
    }
    uint64_t value = 0;
    for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > 0xFFFFFFFFu) continue;
    *number = static_cast<uint32_t>(value);
    *value_at = after;
    return after;
  }
  return std::string_view::npos;
}

std::optional<StreamRange> Document::stream_after(const PdfValue& dict, size_t at) const {
  at = skip_pdf_space(file_, at);
  if (slice(file_, at, 6) != "stream") return std::nullopt;
  StreamRange range;
  at += 6;
  if (slice(file_, at, 2) == "\r\n") {
    at += 2;
  } else if (at < file_.size() && (file_[at] == '\n' || file_[at] == '\r')) {
    ++at;
  }
  range.data_begin = at;
  const PdfValue* length = dict.get("Length");
  if (length != nullptr && length->kind == PdfValue::Kind::kNumber && length->number >= 0 &&
      length->number <= static_cast<double>(file_.size() - at)) {
    size_t end = at + static_cast<size_t>(length->number);
    size_t keyword = skip_pdf_space(file_, end);
    if (slice(file_, keyword, 9) == "endstream") {
      range.data_end = end;
      range.after = keyword + 9;
      return range;
    }
  }
  size_t keyword = file_.find("endstream", at);
  range.data_end = keyword == std::string_view::npos ? file_.size() : keyword;
  range.after = keyword == std::string_view::npos ? file_.size() : keyword + 9;
  return range;
}

std::string Document::stream_data(const PdfValue& dict, const StreamRange& range,
                                  size_t cap) const {
  std::string_view raw = slice(file_, range.data_begin, range.data_end - range.data_begin);
  const PdfValue* filter = dict.get("Filter");
  if (filter == nullptr) return std::string(slice(raw, 0, cap));
  const PdfValue* first = filter;
  if (filter->kind == PdfValue::Kind::kArray) {
    if (filter->items.size() != 1) return "";
    first = &filter->items[0];
  }
  if (first->kind != PdfValue::Kind::kName || first->text != "FlateDecode") return "";
  return inflate_capped(raw, cap);
}

void Document::define(uint32_t number, Location location, const PdfValue& value) {
  if (objects_.size() >= kMaxObjects && !objects_.count(number)) return;
  objects_[number] = location;
  is_page_[number] = value.has_name("Type", "Page");
  if (value.has_name("Type", "Catalog")) last_catalog_ = number;
}

void Document::unpack_object_stream(const PdfValue& dict, const StreamRange& range) {
  const PdfValue* count = dict.get("N");
  const PdfValue* first = dict.get("First");
  if (count == nullptr || first == nullptr || count->kind != PdfValue::Kind::kNumber ||
      first->kind != PdfValue::Kind::kNumber || first->number < 0 || count->number < 0) {
    return;
  }
  if (decoded_bytes_ >= kMaxTotalInflate) return;
  std::string data =
      stream_data(dict, range, std::min(kMaxStreamInflate, kMaxTotalInflate - decoded_bytes_));
  decoded_bytes_ += data.size();
  decoded_.push_back(std::move(data));
  int index = static_cast<int>(decoded_.size() - 1);
  std::string_view text = decoded_.back();
  size_t first_offset = static_cast<size_t>(first->number);
  // The header: N pairs "object-number offset". Offsets must increase, so that each object is
  // parsed only within its own slice and the whole stream costs linear time.
  std::vector<std::pair<uint32_t, size_t>> entries;
  size_t at = 0;
  for (double i = 0; i < count->number && entries.size() < kMaxObjects; ++i) {
    size_t next = 0;
    std::optional<PdfValue> number = parse_pdf_value(text, at, &next);
    if (!number || number->kind != PdfValue::Kind::kNumber || next > first_offset) break;
    std::optional<PdfValue> offset = parse_pdf_value(text, next, &at);
    if (!offset || offset->kind != PdfValue::Kind::kNumber || offset->number < 0 ||
        offset->number > static_cast<double>(text.size())) {
      break;
    }
    size_t position = first_offset + static_cast<size_t>(offset->number);
    if (position >= text.size() || (!entries.empty() && position <= entries.back().second)) break;
    entries.emplace_back(static_cast<uint32_t>(number->number), position);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    size_t end = i + 1 < entries.size() ? entries[i + 1].second : text.size();
    std::optional<PdfValue> value =
        parse_pdf_value(slice(text, 0, end), entries[i].second, nullptr);
    define(entries[i].first, Location{index, entries[i].second}, value ? *value : PdfValue{});
  }
}

void Document::scan() {
  has_eof_ = file_.rfind("%%EOF") != std::string_view::npos;
  size_t at = 0;
  size_t next_trailer = file_.find("trailer");
  uint32_t number = 0;
  size_t value_at = 0;
  size_t next_object = next_object_keyword(0, &number, &value_at);
  while (next_object != std::string_view::npos || next_trailer != std::string_view::npos) {
    if (next_trailer < next_object) {
      size_t end = 0;
      std::optional<PdfValue> dict = parse_pdf_value(file_, next_trailer + 7, &end);
      if (dict && dict->is_dict()) {
        trailers_.push_back(std::move(*dict));
        at = end;
      } else {
        at = next_trailer + 7;
      }
    } else {
      size_t end = 0;
      std::optional<PdfValue> value = parse_pdf_value(file_, value_at, &end);
      at = value_at;
      if (value) {
        define(number, Location{-1, value_at}, *value);
        at = end;
        if (value->is_dict()) {
          if (std::optional<StreamRange> range = stream_after(*value, end)) {
            if (value->has_name("Type", "ObjStm")) unpack_object_stream(*value, *range);
            if (value->has_name("Type", "XRef")) trailers_.push_back(*value);
            at = range->after;
          }
        }
      }
    }
    if (next_trailer != std::string_view::npos && next_trailer < at) {
      next_trailer = file_.find("trailer", at);
    }
    if (next_object != std::string_view::npos && next_object <= at) {
      next_object = next_object_keyword(at, &number, &value_at);
    }
  }
}

std::optional<PdfValue> Document::object(uint32_t number) const {
  auto found = objects_.find(number);
  if (found == objects_.end()) return std::nullopt;
  return parse_pdf_value(source(found->second.source), found->second.offset, nullptr);
}

std::optional<PdfValue> Document::resolve(const PdfValue* value) const {
  if (value == nullptr) return std::nullopt;
  std::optional<PdfValue> current = *value;
  for (int hop = 0; current && current->kind == PdfValue::Kind::kRef; ++hop) {
    if (hop >= kMaxRefHops) return std::nullopt;
    current = object(current->ref);
  }
  return current;
}

std::optional<std::array<double, 4>> Document::box(const PdfValue* value) const {
  std::optional<PdfValue> array = resolve(value);
  if (!array || array->kind != PdfValue::Kind::kArray || array->items.size() != 4) {
    return std::nullopt;
  }
  std::array<double, 4> out{};
  for (size_t i = 0; i < 4; ++i) {
    std::optional<PdfValue> number = resolve(&array->items[i]);
    if (!number || number->kind != PdfValue::Kind::kNumber || !std::isfinite(number->number)) {
      return std::nullopt;
    }
    out[i] = number->number;
  }
  // Normalised to lower-left / upper-right corners.
  return std::array<double, 4>{std::min(out[0], out[2]), std::min(out[1], out[3]),
                               std::max(out[0], out[2]), std::max(out[1], out[3])};
}

std::string Document::text_entry(const PdfValue& dict, std::string_view key) const {
  std::optional<PdfValue> value = resolve(dict.get(key));
  if (!value || value->kind != PdfValue::Kind::kString) return "";
  return clean_text(decode_pdf_text(value->text));
}

std::string Document::creator(const PdfValue* trailer, const PdfValue* catalog) const {
  std::string creator_text, producer;
  bool encrypted = trailer != nullptr && trailer->get("Encrypt") != nullptr;
  if (!encrypted) {
    // The Info dictionary of the newest trailer that names one.
    for (auto it = trailers_.rbegin(); it != trailers_.rend(); ++it) {
      if (it->get("Info") == nullptr) continue;
      if (std::optional<PdfValue> info = resolve(it->get("Info")); info && info->is_dict()) {
        creator_text = text_entry(*info, "Creator");
        producer = text_entry(*info, "Producer");
      }
      break;
    }
  }
  if (!creator_text.empty() && !producer.empty() && creator_text != producer) {
    return clean_text(creator_text + "; " + producer);
  }
  if (!creator_text.empty() || !producer.empty()) {
    return creator_text.empty() ? producer : creator_text;
  }
  // No Info strings: the catalog's XMP metadata stream, else any XMP packet left in the clear.
  if (catalog != nullptr) {
    const PdfValue* metadata = catalog->get("Metadata");
    if (metadata != nullptr && metadata->kind == PdfValue::Kind::kRef) {
      auto found = objects_.find(metadata->ref);
      if (found != objects_.end() && found->second.source < 0) {
        size_t end = 0;
        std::optional<PdfValue> dict = parse_pdf_value(file_, found->second.offset, &end);
        if (dict && dict->is_dict()) {
          if (std::optional<StreamRange> range = stream_after(*dict, end)) {
            std::string tool = xmp_creator_tool(stream_data(*dict, *range, 1024 * 1024));
            if (!tool.empty()) return tool;
          }
        }
      }
    }
  }
  return xmp_creator_tool(file_);
}

Result<ImageFacts> Document::facts() const {
  // The catalog named by the newest trailer, else the last /Type /Catalog object.
  const PdfValue* trailer = nullptr;
  std::optional<PdfValue> catalog;
  for (auto it = trailers_.rbegin(); it != trailers_.rend() && !catalog; ++it) {
    if (it->get("Root") == nullptr) continue;
    catalog = resolve(it->get("Root"));
    if (catalog && catalog->is_dict()) {
      trailer = &*it;
    } else {
      catalog.reset();
    }
  }
  if (!catalog && last_catalog_) catalog = object(*last_catalog_);
  if (catalog && !catalog->is_dict()) catalog.reset();

  ImageFacts facts;
  int leaf_pages = static_cast<int>(std::count_if(is_page_.begin(), is_page_.end(),
                                                  [](const auto& entry) { return entry.second; }));
  std::optional<PdfValue> node = catalog ? resolve(catalog->get("Pages")) : std::nullopt;
  if (node && node->is_dict()) {
    std::optional<PdfValue> count = resolve(node->get("Count"));
    if (count && count->kind == PdfValue::Kind::kNumber && count->number >= 1) {
      facts.pages = static_cast<int>(std::min(count->number, 2147483647.0));
    } else if (leaf_pages > 0) {
      facts.pages = leaf_pages;
    }
  } else {
    if (leaf_pages == 0) {
      return error(has_eof_ ? ErrorCode::kDecodeFailed : ErrorCode::kTruncated,
                   has_eof_ ? "PDF has no page tree" : "PDF is cut short: no page tree, no %%EOF");
    }
    facts.pages = leaf_pages;
    // Without a page tree the page order is unknown; the lowest-numbered page stands in.
    uint32_t first_page = UINT32_MAX;
    for (const auto& [number, page] : is_page_) {
      if (page) first_page = std::min(first_page, number);
    }
    node = object(first_page);
  }
  // Walks down to page 1, keeping the inheritable MediaBox, CropBox and Rotate.
  std::optional<std::array<double, 4>> media, crop;
  double rotate = 0;
  std::unordered_set<uint32_t> visited;
  for (int depth = 0; node && node->is_dict() && depth < kMaxTreeDepth; ++depth) {
    if (auto b = box(node->get("MediaBox"))) media = b;
    if (auto b = box(node->get("CropBox"))) crop = b;
    if (auto r = resolve(node->get("Rotate")); r && r->kind == PdfValue::Kind::kNumber) {
      rotate = r->number;
    }
    std::optional<PdfValue> kids = resolve(node->get("Kids"));
    if (node->has_name("Type", "Page") || !kids || kids->kind != PdfValue::Kind::kArray) break;
    std::optional<PdfValue> next;
    int tried = 0;
    for (const PdfValue& kid : kids->items) {
      if (++tried > kMaxKidsTried) break;
      if (kid.kind == PdfValue::Kind::kRef && !visited.insert(kid.ref).second) continue;
      std::optional<PdfValue> candidate = resolve(&kid);
      if (!candidate || !candidate->is_dict()) continue;
      std::optional<PdfValue> kid_count = resolve(candidate->get("Count"));
      if (candidate->get("Kids") != nullptr && kid_count &&
          kid_count->kind == PdfValue::Kind::kNumber && kid_count->number < 1) {
        continue;  // an empty subtree holds no page 1
      }
      next = std::move(candidate);
      break;
    }
    node = std::move(next);
  }
  if (!media) {
    return error(has_eof_ ? ErrorCode::kDecodeFailed : ErrorCode::kTruncated,
                 "PDF page 1 has no readable MediaBox");
  }
  std::array<double, 4> shown = *media;
  if (crop) {  // the visible page is the CropBox clipped to the MediaBox
    std::array<double, 4> clipped = {std::max((*crop)[0], shown[0]), std::max((*crop)[1], shown[1]),
                                     std::min((*crop)[2], shown[2]),
                                     std::min((*crop)[3], shown[3])};
    if (clipped[2] > clipped[0] && clipped[3] > clipped[1]) shown = clipped;
  }
  facts.width_pt = shown[2] - shown[0];
  facts.height_pt = shown[3] - shown[1];
  // Sizes are as displayed: a page rotated by 90 or 270 degrees swaps width and height.
  long quarter_turns = std::lround(rotate / 90.0);
  if (std::abs(quarter_turns) % 2 == 1) std::swap(facts.width_pt, facts.height_pt);
  if (!(facts.width_pt > 0 && facts.height_pt > 0)) {
    return error(ErrorCode::kDecodeFailed, "PDF page 1 has an empty MediaBox");
  }
  facts.creator = creator(trailer, catalog ? &*catalog : nullptr);
  return facts;
}

}  // namespace

Result<ImageFacts> read_pdf_facts(std::string_view bytes) {
  if (bytes.find("%PDF-") == std::string_view::npos) {
    return error(ErrorCode::kDecodeFailed, "no %PDF- header");
  }
  Document document(bytes);
  document.scan();
  return document.facts();
}

}  // namespace imagemesh::imaging::facts

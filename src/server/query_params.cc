#include "server/query_params.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <set>

#include "core/utf8.h"

namespace imagemesh::server {
namespace {

// docs/api.md's table, in its order.
constexpr std::array<std::string_view, 26> kParameters = {
    "q",      "like",    "unlike",  "emb",      "seed",        "offset",    "limit",
    "facets", "exact",   "archive", "category", "cats",        "from",      "to",
    "format", "creator", "type",    "cluster",  "has_caption", "in_figure", "license",
    "paper",  "author",  "title",   "caption",  "abstract"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of one name or value; `what` names it in the error.
ApiResult<std::string> decode(std::string_view text, const std::string& what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return ApiError::bad_parameter(what, "malformed %-escape in '" + std::string(text) +
                                                 "': '%' must be followed by two hex digits");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  if (out.find('\0') != std::string::npos) {
    return ApiError::bad_parameter(what, "a NUL byte (%00) is not allowed");
  }
  if (!is_valid_utf8(out)) return ApiError::bad_parameter(what, "not valid UTF-8");
  return out;
}

std::optional<uint64_t> parse_digits(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// "a,b,c" -> items (spaces around an item dropped). "" -> no items; an empty item is an error.
ApiResult<std::vector<std::string>> parse_list(const Param& param) {
  std::vector<std::string> items;
  if (param.value.empty()) return items;
  std::string_view rest = param.value;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = trim_spaces(rest.substr(0, comma));
    if (item.empty()) {
      return ApiError::bad_parameter(param.name, param.name + ": empty item in the list '" +
                                                     param.value + "' (items are comma-separated)");
    }
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

ApiResult<std::vector<uint32_t>> parse_ids(const Param& param) {
  auto items = parse_list(param);
  if (!items.ok()) return items.error();
  std::vector<uint32_t> ids;
  for (const std::string& item : *items) {
    uint32_t id = 0;
    if (!parse_image_id(item, &id)) {
      return ApiError::bad_parameter(
          param.name, param.name + ": '" + item + "' is not an image id (0.." +
                          std::to_string(std::numeric_limits<uint32_t>::max()) + ")");
    }
    ids.push_back(id);
  }
  return ids;
}

ApiResult<int> parse_int(const Param& param, int min, int max) {
  auto value = parse_digits(param.value);
  if (!value || *value < static_cast<uint64_t>(min) || *value > static_cast<uint64_t>(max)) {
    return ApiError::bad_parameter(param.name, param.name + " must be " + std::to_string(min) +
                                                   ".." + std::to_string(max) + ", got '" +
                                                   param.value + "'");
  }
  return static_cast<int>(*value);
}

// "1"/"0" (facets, exact) or "yes"/"no" (has_caption, in_figure).
ApiResult<bool> parse_flag(const Param& param, std::string_view yes, std::string_view no) {
  if (param.value == yes) return true;
  if (param.value == no) return false;
  return ApiError::bad_parameter(param.name, param.name + " must be " + std::string(yes) + " or " +
                                                 std::string(no) + ", got '" + param.value + "'");
}

bool leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date.
bool valid_date(std::string_view text) {
  auto number = [&](size_t at, size_t length) -> int {
    auto value = parse_digits(text.substr(at, length));
    return value ? static_cast<int>(*value) : -1;
  };
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return false;
  const int year = number(0, 4);
  if (year < 0) return false;
  if (text.size() == 4) return true;
  if (text[4] != '-') return false;
  const int month = number(5, 2);
  if (month < 1 || month > 12) return false;
  if (text.size() == 7) return true;
  if (text[7] != '-') return false;
  const int day = number(8, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int last = month == 2 && leap_year(year) ? 29 : kDays[month - 1];
  return day >= 1 && day <= last;
}

ApiResult<std::string> parse_date(const Param& param) {
  if (param.value.empty() || valid_date(param.value)) return param.value;
  return ApiError::bad_parameter(param.name, param.name + ": '" + param.value +
                                                 "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
}

// Applies one parameter to the query.
ApiResult<bool> apply(const Param& p, query::Query& query) {
  query::Filters& f = query.filters;
  // Assigns a parsed value or passes its error on.
  auto set = [](auto parsed, auto& target) -> ApiResult<bool> {
    if (!parsed.ok()) return parsed.error();
    target = std::move(*parsed);
    return true;
  };
  const std::string& n = p.name;
  if (n == "q") return set(ApiResult<std::string>(p.value), query.keywords);
  if (n == "like") return set(parse_ids(p), query.positives);
  if (n == "unlike") return set(parse_ids(p), query.negatives);
  if (n == "emb") return set(ApiResult<std::string>(p.value), query.embedding);
  if (n == "seed") {
    auto seed = parse_digits(p.value);
    if (!seed) {
      return ApiError::bad_parameter(n,
                                     "seed must be 0..18446744073709551615, got '" + p.value + "'");
    }
    query.seed = *seed;
    return true;
  }
  if (n == "offset") return set(parse_int(p, 0, std::numeric_limits<int>::max()), query.offset);
  if (n == "limit") {
    return set(parse_int(p, query::kMinPageSize, query::kMaxPageSize), query.limit);
  }
  if (n == "facets") return set(parse_flag(p, "1", "0"), query.facets);
  if (n == "exact") return set(parse_flag(p, "1", "0"), query.exact);
  if (n == "archive") return set(parse_list(p), f.archives);
  if (n == "category") return set(parse_list(p), f.categories);
  if (n == "cats") {
    if (p.value != "primary" && p.value != "any") {
      return ApiError::bad_parameter(n, "cats must be primary or any, got '" + p.value + "'");
    }
    f.primary_only = p.value == "primary";
    return true;
  }
  if (n == "from") return set(parse_date(p), f.dates.from);
  if (n == "to") return set(parse_date(p), f.dates.to);
  if (n == "format") return set(parse_list(p), f.formats);
  if (n == "creator") return set(ApiResult<std::string>(p.value), f.creator);
  if (n == "type") return set(parse_list(p), f.figure_types);
  if (n == "cluster") return set(parse_list(p), f.clusters);
  if (n == "has_caption") {
    auto flag = parse_flag(p, "yes", "no");
    if (!flag.ok()) return flag.error();
    f.has_caption = *flag;
    return true;
  }
  if (n == "in_figure") {
    auto flag = parse_flag(p, "yes", "no");
    if (!flag.ok()) return flag.error();
    f.in_figure = *flag;
    return true;
  }
  if (n == "license") return set(parse_list(p), f.licenses);
  if (n == "paper") return set(parse_list(p), f.paper_ids);
  if (n == "author") return set(ApiResult<std::string>(p.value), f.author);
  if (n == "title") return set(ApiResult<std::string>(p.value), f.title);
  if (n == "caption") return set(ApiResult<std::string>(p.value), f.caption);
  if (n == "abstract") return set(ApiResult<std::string>(p.value), f.abstract);
  return ApiError::bad_parameter(n, "unknown parameter '" + n + "' (docs/api.md lists them)");
}

}  // namespace

bool is_query_parameter(std::string_view name) {
  return std::find(kParameters.begin(), kParameters.end(), name) != kParameters.end();
}

ApiResult<std::vector<Param>> split_query_string(std::string_view raw) {
  std::vector<Param> params;
  while (!raw.empty()) {
    const size_t amp = raw.find('&');
    const std::string_view segment = raw.substr(0, amp);
    raw.remove_prefix(amp == std::string_view::npos ? raw.size() : amp + 1);
    if (segment.empty()) continue;
    const size_t eq = segment.find('=');
    auto name = decode(segment.substr(0, eq), std::string(segment.substr(0, eq)));
    if (!name.ok()) return name.error();
    if (name->empty()) {
      return ApiError::bad_parameter("",
                                     "a parameter without a name: '" + std::string(segment) + "'");
    }
    std::string value;
    if (eq != std::string_view::npos) {
      auto decoded = decode(segment.substr(eq + 1), *name);
      if (!decoded.ok()) return decoded.error();
      value = std::move(*decoded);
    }
    params.push_back({std::move(*name), std::move(value)});
  }
  return params;
}

ApiResult<query::Query> parse_query(const std::vector<Param>& params) {
  query::Query query;
  std::set<std::string_view> seen;
  for (const Param& param : params) {
    if (!is_query_parameter(param.name)) {
      return ApiError::bad_parameter(
          param.name, "unknown parameter '" + param.name + "' (docs/api.md lists them)");
    }
    if (!seen.insert(param.name).second) {
      return ApiError::bad_parameter(
          param.name,
          "parameter '" + param.name + "' is repeated; give a list once: " + param.name + "=a,b");
    }
    auto applied = apply(param, query);
    if (!applied.ok()) return applied.error();
  }
  return query;
}

ApiResult<query::Query> parse_query_string(std::string_view raw) {
  auto params = split_query_string(raw);
  if (!params.ok()) return params.error();
  return parse_query(*params);
}

bool parse_image_id(std::string_view text, uint32_t* id) {
  auto value = parse_digits(text);
  if (!value || *value > std::numeric_limits<uint32_t>::max()) return false;
  *id = static_cast<uint32_t>(*value);
  return true;
}

}  // namespace imagemesh::server

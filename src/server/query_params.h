// The query string of /api/images, /api/facets and /api/compare -> query::Query, exactly as the
// parameter table of docs/api.md says. Pure (no HTTP): the server hands it the raw query string.
//
// Strict on purpose: an unknown or repeated parameter, a malformed number, date, yes/no or list
// item is a 400 naming the parameter, so a typo never silently drops a filter. Values are data:
// text reaches the engine verbatim (it binds them; nothing here builds SQL).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/engine.h"
#include "server/api_error.h"

namespace imagemesh::server {

// One parameter of a query string, percent-decoded, in request order.
struct Param {
  std::string name, value;
};

// Splits a raw query string ("q=dark+matter&limit=20", without the '?'): '&' separates
// parameters, the first '=' splits name from value ("flag" alone is an empty value), '+' is a
// space and %XX a byte. Empty segments ("a=1&&b=2", a trailing '&') are skipped. Errors: a
// malformed %-escape, an empty name, a NUL byte or invalid UTF-8 after decoding.
ApiResult<std::vector<Param>> split_query_string(std::string_view raw);

// Every parameter name of the shared table (the same set for the three endpoints: on /api/facets
// the paging parameters and on /api/compare `emb`, `seed` and `facets` are checked but change
// nothing).
bool is_query_parameter(std::string_view name);

// The parameters -> a query (defaults: limit 50, offset 0, seed 1, primary categories only).
ApiResult<query::Query> parse_query(const std::vector<Param>& params);

// Both steps.
ApiResult<query::Query> parse_query_string(std::string_view raw);

// An image id as a path segment or list item: decimal digits only, 0 .. 2^32-1.
bool parse_image_id(std::string_view text, uint32_t* id);

}  // namespace imagemesh::server

// The engine's answers as the JSON of docs/api.md (each function returns the serialised body).
//
// Shapes are fixed: every documented key is present in every answer, absent values are null (a
// similarity outside similar modes, a seed outside random mode) and unknown text is "". Images
// are linked by URL: hits carry "thumb": "/thumb/<sha256>.webp", details also
// "raster": "/thumb/<sha256>.jpg" and the paper's "url" on arxiv.org.
#pragma once

#include <string>
#include <string_view>

#include "query/engine.h"

namespace imagemesh::server {

// GET/POST /api/images. `query` is what was asked (limit, seed and upload are echoed from it).
std::string encode_results(const query::Results& results, const query::Query& query);
// GET /api/facets: {"total", "facets", "millis"}.
std::string encode_counts(const query::Results& results);
std::string encode_comparison(const query::Comparison& comparison, const query::Query& query);
std::string encode_detail(const query::ImageDetail& detail);
std::string encode_info(const query::MeshInfo& info, std::string_view version);

std::string thumb_url(std::string_view sha256);   // "/thumb/<sha256>.webp"
std::string raster_url(std::string_view sha256);  // "/thumb/<sha256>.jpg"
// https://arxiv.org/abs/<id>, or "" for a paper that is not on the arXiv ("local:..." ids).
std::string paper_url(std::string_view paper_id);

}  // namespace imagemesh::server

#include "server/json_encoding.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace imagemesh::server {
namespace {

// Keys in the order docs/api.md shows them.
using json = nlohmann::ordered_json;

// A float as the double of its shortest decimal form: 0.8731f -> 0.8731, not 0.873099982738.
double shortest(float value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  double out = value;
  if (ec == std::errc()) std::from_chars(buffer, end, out);
  return out;
}

double millis(double value) { return std::round(value * 1000.0) / 1000.0; }

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

// The card of an image, as hits and siblings share it.
json summary_json(const query::ImageSummary& image) {
  return {{"id", image.id},
          {"sha256", image.sha256},
          {"paper", image.paper_id},
          {"title", image.title},
          {"date", image.date},
          {"category", image.category},
          {"format", image.format},
          {"path", image.path},
          {"width", image.web_width},
          {"height", image.web_height},
          {"figure_type", image.figure_type},
          {"thumb", thumb_url(image.sha256)}};
}

json hit_json(const query::Hit& hit) {
  json out = summary_json(hit.image);
  out["similarity"] = hit.similarity ? json(shortest(*hit.similarity)) : json(nullptr);
  out["score"] = hit.score ? json(*hit.score) : json(nullptr);
  out["snippet"] = hit.snippet;
  return out;
}

json hits_json(const std::vector<query::Hit>& hits) {
  json out = json::array();
  for (const auto& hit : hits) out.push_back(hit_json(hit));
  return out;
}

json facet_list(const std::vector<query::FacetValue>& values) {
  json out = json::array();
  for (const auto& v : values) {
    out.push_back({{"value", v.value}, {"label", v.label}, {"count", v.count}});
  }
  return out;
}

json facets_json(const query::Facets& facets) {
  return {{"archive", facet_list(facets.archive)},
          {"category", facet_list(facets.category)},
          {"year", facet_list(facets.year)},
          {"format", facet_list(facets.format)},
          {"figure_type", facet_list(facets.figure_type)},
          {"cluster", facet_list(facets.cluster)},
          {"license", facet_list(facets.license)},
          {"creator", facet_list(facets.creator)}};
}

json optional_int(const std::optional<int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

// Text from the mesh may hold bytes that are not UTF-8 (file names from old archives): replace
// them rather than fail the whole answer.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string thumb_url(std::string_view sha256) { return "/thumb/" + std::string(sha256) + ".webp"; }

std::string raster_url(std::string_view sha256) { return "/thumb/" + std::string(sha256) + ".jpg"; }

std::string paper_url(std::string_view paper_id) {
  if (paper_id.empty() || paper_id.starts_with("local:")) return "";
  return "https://arxiv.org/abs/" + std::string(paper_id);
}

std::string encode_results(const query::Results& results, const query::Query& query) {
  json out = {{"mode", results.mode},
              {"embedding", text_or_null(results.embedding)},
              {"strategy", results.strategy},
              {"total", results.total},
              {"offset", results.offset},
              {"limit", query.limit},
              {"seed", results.mode == "random" ? json(query.seed) : json(nullptr)},
              {"millis", millis(results.millis)},
              {"query_image", query.upload.empty() ? json(nullptr) : json("upload")},
              {"hits", hits_json(results.hits)}};
  if (results.facets) out["facets"] = facets_json(*results.facets);
  return dump(out);
}

std::string encode_counts(const query::Results& results) {
  return dump({{"total", results.total},
               {"facets", facets_json(results.facets.value_or(query::Facets{}))},
               {"millis", millis(results.millis)}});
}

std::string encode_comparison(const query::Comparison& comparison, const query::Query& query) {
  json columns = json::array();
  for (const auto& column : comparison.columns) {
    columns.push_back({{"embedding", column.embedding},
                       {"strategy", column.strategy},
                       {"error", text_or_null(column.error)},
                       {"hits", hits_json(column.hits)}});
  }
  return dump({{"total", comparison.total},
               {"millis", millis(comparison.millis)},
               {"limit", query.limit},
               {"query_image", query.upload.empty() ? json(nullptr) : json("upload")},
               {"columns", columns},
               {"overlap", comparison.overlap}});
}

std::string encode_detail(const query::ImageDetail& detail) {
  const query::ImageSummary& s = detail.summary;
  json predictions = json::array();
  for (const auto& [model, prediction] : detail.predictions) {
    predictions.push_back({{"model", model},
                           {"label", prediction.first},
                           {"probability", shortest(prediction.second)}});
  }
  json categories = json::array();
  for (const auto& [code, name] : detail.paper.categories) {
    categories.push_back({{"code", code}, {"name", name}});
  }
  const query::PaperDetail& p = detail.paper;
  json paper = {{"id", p.id},
                {"title", p.title},
                {"authors", p.authors},
                {"abstract", p.abstract},
                {"date", p.date},
                {"categories", categories},
                {"license", p.license},
                {"doi", p.doi},
                {"journal_ref", p.journal_ref},
                {"described_by", p.described_by},
                {"url", text_or_null(paper_url(p.id))}};
  json occurrences = json::array();
  for (const auto& occurrence : detail.occurrences) {
    json figures = json::array();
    for (const auto& use : occurrence.figures) {
      figures.push_back({{"figure", use.figure_order},
                         {"label", use.label},
                         {"caption", use.caption_text},
                         {"caption_tex", use.caption_tex},
                         {"subfigure", use.subfigure_order},
                         {"subfigure_label", use.subfigure_label},
                         {"subfigure_caption", use.subfigure_caption}});
    }
    occurrences.push_back(
        {{"paper", occurrence.paper_id}, {"path", occurrence.path}, {"figures", figures}});
  }
  json siblings = json::array();
  for (const auto& sibling : detail.siblings) siblings.push_back(summary_json(sibling));
  return dump({{"id", s.id},
               {"sha256", s.sha256},
               {"format", s.format},
               {"path", s.path},
               {"date", s.date},
               {"category", s.category},
               {"figure_type", s.figure_type},
               {"width", s.web_width},
               {"height", s.web_height},
               {"width_px", optional_int(detail.width_px)},
               {"height_px", optional_int(detail.height_px)},
               {"pages", optional_int(detail.pages)},
               {"size_bytes", detail.size_bytes},
               {"creator", detail.creator},
               {"color", detail.color},
               {"thumb", thumb_url(s.sha256)},
               {"raster", raster_url(s.sha256)},
               {"raster_width", detail.raster_width},
               {"raster_height", detail.raster_height},
               {"predictions", predictions},
               {"paper", paper},
               {"occurrences", occurrences},
               {"siblings", siblings}});
}

std::string encode_info(const query::MeshInfo& info, std::string_view version) {
  json embeddings = json::array();
  for (const auto& e : info.embeddings) {
    embeddings.push_back({{"name", e.name},
                          {"dimension", e.dimension},
                          {"images", e.images},
                          {"uploads", e.uploads},
                          {"summary", e.summary}});
  }
  return dump({{"version", version},
               {"images", info.images},
               {"papers", info.papers},
               {"embeddings", embeddings},
               {"figure_type_model", text_or_null(info.figure_type_model)},
               {"cluster_model", text_or_null(info.cluster_model)},
               {"max_upload_bytes", info.max_upload_bytes},
               {"page_size",
                {{"min", query::kMinPageSize},
                 {"max", query::kMaxPageSize},
                 {"default", query::Query{}.limit}}}});
}

}  // namespace imagemesh::server

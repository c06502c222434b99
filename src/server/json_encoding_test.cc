// The JSON shapes of docs/api.md, and the mapping of domain errors to HTTP statuses.
#include "server/json_encoding.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/api_error.h"
#include "server/fake_engine.h"

namespace imagemesh::server {
namespace {

using nlohmann::json;
using testing::FakeEngine;

query::Hit hit(uint32_t id) {
  query::Hit h;
  h.image = FakeEngine::summary(id);
  return h;
}

TEST(JsonEncoding, ResultsOfASimilarQuery) {
  query::Results results;
  results.mode = "similar";
  results.embedding = "mobilenet";
  results.strategy = "exact";
  results.total = 1234;
  results.millis = 3.41234;
  results.hits = {hit(417)};
  results.hits[0].similarity = 0.8731f;
  query::Query q;
  q.limit = 20;
  q.positives = {412};
  const json out = json::parse(encode_results(results, q));
  EXPECT_EQ(out["mode"], "similar");
  EXPECT_EQ(out["embedding"], "mobilenet");
  EXPECT_EQ(out["strategy"], "exact");
  EXPECT_EQ(out["total"], 1234);
  EXPECT_EQ(out["offset"], 0);
  EXPECT_EQ(out["limit"], 20);
  EXPECT_TRUE(out["seed"].is_null());
  EXPECT_TRUE(out["query_image"].is_null());
  EXPECT_DOUBLE_EQ(out["millis"].get<double>(), 3.412);
  EXPECT_FALSE(out.contains("facets"));
  ASSERT_EQ(out["hits"].size(), 1u);
  const json& h = out["hits"][0];
  EXPECT_EQ(h["id"], 417);
  EXPECT_EQ(h["sha256"], std::string(64, '1'));
  EXPECT_EQ(h["thumb"], "/thumb/" + std::string(64, '1') + ".webp");
  EXPECT_EQ(h["paper"], "1705.10041");
  EXPECT_EQ(h["width"], 320);
  EXPECT_EQ(h["height"], 214);
  EXPECT_EQ(h["figure_type"], "diagram");
  EXPECT_TRUE(h["score"].is_null());
  EXPECT_EQ(h["snippet"], "");
  // The float's shortest decimal form, not 0.873099982738495.
  EXPECT_NE(encode_results(results, q).find("\"similarity\":0.8731,"), std::string::npos);
  for (const char* key :
       {"id", "sha256", "similarity", "score", "snippet", "paper", "title", "date", "category",
        "format", "path", "width", "height", "figure_type", "thumb"}) {
    EXPECT_TRUE(h.contains(key)) << key;
  }
}

TEST(JsonEncoding, RandomModeEchoesTheSeedAndUploadsAreMarked) {
  query::Results results;
  results.mode = "random";
  results.strategy = "shuffle";
  query::Query q;
  q.seed = 18446744073709551615ull;
  q.facets = true;
  results.facets = query::Facets{};
  results.facets->category = {{"cs.CV", "Computer Vision and Pattern Recognition", 512}};
  json out = json::parse(encode_results(results, q));
  EXPECT_EQ(out["seed"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_TRUE(out["embedding"].is_null());
  EXPECT_EQ(out["facets"]["category"][0]["value"], "cs.CV");
  EXPECT_EQ(out["facets"]["category"][0]["count"], 512);
  for (const char* facet :
       {"archive", "category", "year", "format", "figure_type", "cluster", "license", "creator"}) {
    EXPECT_TRUE(out["facets"][facet].is_array()) << facet;
  }
  results.mode = "similar";
  q.upload = "bytes";
  out = json::parse(encode_results(results, q));
  EXPECT_EQ(out["query_image"], "upload");
  EXPECT_TRUE(out["seed"].is_null());
}

TEST(JsonEncoding, Detail) {
  FakeEngine engine;
  auto detail = engine.detail(417);
  ASSERT_TRUE(detail.ok());
  const json out = json::parse(encode_detail(*detail));
  const std::string sha(64, '1');
  EXPECT_EQ(out["id"], 417);
  EXPECT_EQ(out["thumb"], "/thumb/" + sha + ".webp");
  EXPECT_EQ(out["raster"], "/thumb/" + sha + ".jpg");
  EXPECT_TRUE(out["width_px"].is_null());
  EXPECT_EQ(out["pages"], 1);
  EXPECT_EQ(out["size_bytes"], 23145);
  EXPECT_EQ(out["raster_width"], 768);
  EXPECT_EQ(out["predictions"][0]["label"], "diagram");
  EXPECT_DOUBLE_EQ(out["predictions"][0]["probability"].get<double>(), 0.97);
  EXPECT_EQ(out["paper"]["id"], "1705.10041");
  EXPECT_EQ(out["paper"]["url"], "https://arxiv.org/abs/1705.10041");
  EXPECT_EQ(out["paper"]["categories"][0]["code"], "cs.CV");
  EXPECT_EQ(out["occurrences"][0]["figures"][0]["figure"], 2);
  EXPECT_EQ(out["occurrences"][0]["figures"][0]["caption_tex"], "The \\emph{architecture}.");
  EXPECT_EQ(out["occurrences"][0]["figures"][0]["subfigure"], 0);
  EXPECT_EQ(out["siblings"][0]["id"], 418);
  EXPECT_EQ(out["siblings"][0]["thumb"], "/thumb/" + std::string(64, '2') + ".webp");
}

TEST(JsonEncoding, PaperUrls) {
  EXPECT_EQ(paper_url("hep-ph/0107222"), "https://arxiv.org/abs/hep-ph/0107222");
  EXPECT_EQ(paper_url("local:thesis"), "");
  EXPECT_EQ(paper_url(""), "");
}

TEST(JsonEncoding, InfoAndComparison) {
  FakeEngine engine;
  json info = json::parse(encode_info(engine.info(), "0.1.0"));
  EXPECT_EQ(info["version"], "0.1.0");
  EXPECT_EQ(info["embeddings"][0]["name"], "raw");
  EXPECT_EQ(info["embeddings"][1]["uploads"], false);
  EXPECT_EQ(info["figure_type_model"], "ternary");
  EXPECT_TRUE(info["cluster_model"].is_null());
  EXPECT_EQ(info["max_upload_bytes"], 64 * 1024);
  EXPECT_EQ(info["page_size"], json::parse(R"({"min":10,"max":200,"default":50})"));

  query::Query q;
  q.positives = {1};
  q.limit = 10;
  auto comparison = engine.compare(q);
  ASSERT_TRUE(comparison.ok());
  json out = json::parse(encode_comparison(*comparison, q));
  EXPECT_EQ(out["columns"].size(), 3u);
  EXPECT_EQ(out["columns"][0]["hits"].size(), 10u);
  EXPECT_TRUE(out["columns"][0]["error"].is_null());
  EXPECT_EQ(out["columns"][2]["strategy"], "unavailable");
  EXPECT_EQ(out["columns"][2]["error"], "image 3 has no broken vector");
  EXPECT_EQ(out["overlap"][0][1], 5);
}

TEST(JsonEncoding, BytesThatAreNotUtf8DoNotBreakTheAnswer) {
  query::Results results;
  results.hits = {hit(1)};
  results.hits[0].image.path = "figs/\xFF\xFE.png";
  const json out = json::parse(encode_results(results, query::Query{}));
  EXPECT_EQ(out["hits"][0]["path"], "figs/\xEF\xBF\xBD\xEF\xBF\xBD.png");  // U+FFFD twice
}

TEST(ApiErrors, DomainCodesMapToHttp) {
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status_for(ErrorCode::kUnsupported), 415);
  EXPECT_EQ(http_status_for(ErrorCode::kDecodeFailed), 422);
  for (ErrorCode code : {ErrorCode::kIo, ErrorCode::kInternal, ErrorCode::kCorruptArchive,
                         ErrorCode::kTimeout, ErrorCode::kParse}) {
    EXPECT_EQ(http_status_for(code), 500);
  }
}

TEST(ApiErrors, EngineMessagesNameTheirParameter) {
  auto error = ApiError::from_status(Status(ErrorCode::kInvalidArgument, "like: no image 7"));
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.code, "invalid-argument");
  EXPECT_EQ(error.parameter, "like");
  EXPECT_EQ(error.message, "like: no image 7");
  EXPECT_EQ(
      ApiError::from_status(Status(ErrorCode::kInvalidArgument, "limit must be 10..200")).parameter,
      "limit");
  // Free text is never taken for a parameter name.
  EXPECT_EQ(
      ApiError::from_status(Status(ErrorCode::kInvalidArgument, "fts5: syntax error")).parameter,
      "");
  EXPECT_EQ(ApiError::from_status(Status(ErrorCode::kNotFound, "q: x")).parameter, "");
  EXPECT_EQ(ApiError::from_status(Status(ErrorCode::kUnsupported, "EPS")).code, "unsupported");
}

TEST(ApiErrors, BodyShape) {
  const json out = json::parse(error_body(ApiError::bad_parameter("limit", "too big")));
  EXPECT_EQ(out, json::parse(R"({"error": {"status": 400, "code": "invalid-argument",
                                  "parameter": "limit", "message": "too big"}})"));
  const json plain = json::parse(error_body(ApiError::not_found("nothing")));
  EXPECT_FALSE(plain["error"].contains("parameter"));
  EXPECT_EQ(json::parse(error_body(ApiError::from_http_status(413)))["error"]["code"], "too-large");
}

}  // namespace
}  // namespace imagemesh::server

// The server over real HTTP on loopback, answering from a fake engine: every endpoint, every
// error path with its JSON body, hostile paths and bodies, caching, concurrency and stopping.
#include "server/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "server/fake_engine.h"
#include "server/http_test_client.h"
#include "test_support/corpus.h"

namespace imagemesh::server {
namespace {

using nlohmann::json;
using testing::FakeEngine;
using testing::HttpClient;
using testing::HttpResponse;

const std::string kSha = std::string(63, 'a') + "1";  // a thumbnail the fake engine has
const std::string kWebp = "RIFF\x10\0\0\0WEBPVP8 fake webp bytes";
const std::string kJpeg = "\xFF\xD8\xFF\xE0 fake jpeg bytes";

const WebAsset kAssets[] = {
    {"app.js", "1111111111111111111111111111111111111111111111111111111111111111",
     "console.log('explorer');"},
    {"index.html", "2222222222222222222222222222222222222222222222222222222222222222",
     "<!doctype html><title>imagemesh</title>"},
    {"vendor/katex/katex.min.css",
     "3333333333333333333333333333333333333333333333333333333333333333", "/* built-in katex */"},
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<imagemesh::testing::ScratchDir>("server-test");
    imagemesh::testing::write_file(scratch_->path() / "t.webp", kWebp);
    imagemesh::testing::write_file(scratch_->path() / "t.jpg", kJpeg);
    engine_.add_thumbnail(kSha, "web", scratch_->path() / "t.webp");
    engine_.add_thumbnail(kSha, "raster", scratch_->path() / "t.jpg");
    start();
  }
  void TearDown() override { stop(); }

  void start(ServerOptions options = {}) {
    if (!options.assets) options.assets = std::span<const WebAsset>(kAssets);
    server_ = std::make_unique<Server>(engine_, options);
    auto port = server_->bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().to_string();
    port_ = *port;
    thread_ = std::thread([this] { run_status_ = server_->run(); });
    client_ = std::make_unique<HttpClient>(port_);
  }

  void stop() {
    client_.reset();
    if (!server_) return;
    server_->stop();
    thread_.join();
    EXPECT_TRUE(run_status_.ok()) << run_status_.to_string();
    server_.reset();
  }

  HttpResponse get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return client_->get(target, headers);
  }

  static json body_json(const HttpResponse& response) {
    EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8");
    return json::parse(response.body, nullptr, false);
  }

  // `response` is the JSON error of docs/api.md with this status, code and parameter.
  static json expect_error(const HttpResponse& response, int status, const std::string& code,
                           const std::string& parameter = "") {
    EXPECT_EQ(response.status, status) << response.body;
    const json body = body_json(response);
    EXPECT_TRUE(body.is_object()) << response.body;
    if (!body.is_object() || !body.contains("error")) return body;
    const json& error = body["error"];
    EXPECT_EQ(error["status"], status);
    EXPECT_EQ(error["code"], code) << response.body;
    EXPECT_TRUE(error["message"].is_string() && !error["message"].get<std::string>().empty());
    if (parameter.empty()) {
      EXPECT_FALSE(error.contains("parameter")) << response.body;
    } else {
      EXPECT_EQ(error.value("parameter", ""), parameter) << response.body;
    }
    return error;
  }

  FakeEngine engine_;
  std::unique_ptr<imagemesh::testing::ScratchDir> scratch_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  Status run_status_;
  int port_ = 0;
  std::unique_ptr<HttpClient> client_;
};

// --- endpoints ---

TEST_F(ServerTest, Info) {
  const HttpResponse response = get("/api/info");
  ASSERT_EQ(response.status, 200);
  const json info = body_json(response);
  EXPECT_EQ(info["version"], "0.1.0");
  EXPECT_EQ(info["images"], 1000);
  EXPECT_EQ(info["papers"], 40);
  EXPECT_EQ(info["embeddings"][0]["name"], "raw");
  EXPECT_EQ(info["max_upload_bytes"], 64 * 1024);
  EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(response.header("referrer-policy"), "no-referrer");
  EXPECT_EQ(response.header("cache-control"), "no-store");
}

TEST_F(ServerTest, Health) {
  const HttpResponse response = get("/api/health");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(body_json(response), json::parse(R"({"ok": true})"));
}

TEST_F(ServerTest, RandomPage) {
  const HttpResponse response = get("/api/images?seed=7&limit=10&offset=20");
  ASSERT_EQ(response.status, 200) << response.body;
  const json page = body_json(response);
  EXPECT_EQ(page["mode"], "random");
  EXPECT_EQ(page["strategy"], "shuffle");
  EXPECT_EQ(page["seed"], 7);
  EXPECT_EQ(page["total"], 1000);
  EXPECT_EQ(page["offset"], 20);
  EXPECT_EQ(page["limit"], 10);
  ASSERT_EQ(page["hits"].size(), 10u);
  EXPECT_EQ(page["hits"][0]["id"], 27);
  const query::Query asked = engine_.last_query();
  EXPECT_EQ(asked.seed, 7u);
  EXPECT_EQ(asked.offset, 20);
  EXPECT_EQ(asked.limit, 10);
  EXPECT_TRUE(asked.upload.empty());
}

TEST_F(ServerTest, SimilarAndKeywordPagesWithFacets) {
  json page =
      body_json(get("/api/images?like=412&unlike=3&emb=mobilenet&category=cs.CV&from=2015"
                    "&limit=20&facets=1&exact=1"));
  EXPECT_EQ(page["mode"], "similar");
  EXPECT_EQ(page["embedding"], "mobilenet");
  EXPECT_EQ(page["strategy"], "exact");
  EXPECT_TRUE(page["seed"].is_null());
  EXPECT_EQ(page["hits"][0]["similarity"], 1.0);
  EXPECT_EQ(page["facets"]["archive"][0]["label"], "Computer Science");
  const query::Query asked = engine_.last_query();
  EXPECT_EQ(asked.positives, (std::vector<uint32_t>{412}));
  EXPECT_EQ(asked.negatives, (std::vector<uint32_t>{3}));
  EXPECT_EQ(asked.filters.categories, (std::vector<std::string>{"cs.CV"}));
  EXPECT_EQ(asked.filters.dates.from, "2015");
  EXPECT_TRUE(asked.exact);
  EXPECT_TRUE(asked.facets);

  page = body_json(get("/api/images?q=rotation+curve"));
  EXPECT_EQ(page["mode"], "keyword");
  EXPECT_EQ(page["hits"][0]["score"], 10.0);
  EXPECT_EQ(page["hits"][0]["snippet"], "a [match] here");
  EXPECT_FALSE(page.contains("facets"));
}

TEST_F(ServerTest, Facets) {
  const HttpResponse response = get("/api/facets?category=cs.CV&cats=any");
  ASSERT_EQ(response.status, 200);
  const json counts = body_json(response);
  EXPECT_EQ(counts["total"], 1000);
  EXPECT_EQ(counts["facets"]["category"][0]["count"], 512);
  EXPECT_TRUE(counts.contains("millis"));
  EXPECT_FALSE(engine_.last_query().filters.primary_only);
}

TEST_F(ServerTest, Compare) {
  const json comparison = body_json(get("/api/compare?like=5&limit=10"));
  ASSERT_EQ(comparison["columns"].size(), 3u);
  EXPECT_EQ(comparison["columns"][1]["embedding"], "mobilenet");
  EXPECT_EQ(comparison["columns"][1]["hits"].size(), 10u);
  EXPECT_EQ(comparison["overlap"][0][1], 5);
  EXPECT_EQ(comparison["columns"][2]["error"], "image 3 has no broken vector");
  // Not a similar query: the engine's message names `like`.
  expect_error(get("/api/compare"), 400, "invalid-argument", "like");
  // With an upload.
  const HttpResponse uploaded = client_->post("/api/compare?limit=10", "image/png", "PNG");
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  EXPECT_EQ(body_json(uploaded)["query_image"], "upload");
  EXPECT_EQ(engine_.last_query().upload, "PNG");
}

TEST_F(ServerTest, ImageDetail) {
  const HttpResponse response = get("/api/image/417");
  ASSERT_EQ(response.status, 200);
  const json detail = body_json(response);
  EXPECT_EQ(detail["id"], 417);
  EXPECT_EQ(detail["raster"], "/thumb/" + std::string(64, '1') + ".jpg");
  EXPECT_EQ(detail["paper"]["url"], "https://arxiv.org/abs/1705.10041");
  expect_error(get("/api/image/1000"), 404, "not-found");
  expect_error(get("/api/image/abc"), 400, "invalid-argument", "id");
  expect_error(get("/api/image/-1"), 400, "invalid-argument", "id");
  expect_error(get("/api/image/4294967296"), 400, "invalid-argument", "id");
  expect_error(get("/api/image/"), 404, "not-found");
  expect_error(get("/api/image/1/2"), 404, "not-found");
}

TEST_F(ServerTest, Thumbnails) {
  HttpResponse web = get("/thumb/" + kSha + ".webp");
  ASSERT_EQ(web.status, 200);
  EXPECT_EQ(web.body, kWebp);
  EXPECT_EQ(web.header("content-type"), "image/webp");
  EXPECT_EQ(web.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(web.header("etag"), "\"" + kSha + ".webp\"");
  const HttpResponse raster = get("/thumb/" + kSha + ".jpg");
  ASSERT_EQ(raster.status, 200);
  EXPECT_EQ(raster.body, kJpeg);
  EXPECT_EQ(raster.header("content-type"), "image/jpeg");
  EXPECT_EQ(raster.header("etag"), "\"" + kSha + ".jpg\"");
  // Revalidation.
  const HttpResponse again =
      get("/thumb/" + kSha + ".webp", {{"If-None-Match", web.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), web.header("etag"));
  EXPECT_EQ(get("/thumb/" + kSha + ".webp", {{"If-None-Match", "\"stale\""}}).status, 200);
  // HEAD: headers only.
  const HttpResponse head = client_->request("HEAD", "/thumb/" + kSha + ".webp", {}, "");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(kWebp.size()));
  // A well-formed name the mesh does not have.
  expect_error(get("/thumb/" + std::string(64, 'b') + ".webp"), 404, "not-found");
}

TEST_F(ServerTest, PageAndStaticFiles) {
  const HttpResponse page = get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>imagemesh</title>");
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(
      page.header("content-security-policy")
          .rfind("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'",
                 0),
      0u);
  EXPECT_EQ(page.header("etag"), "\"22222222222222222222\"");
  EXPECT_EQ(get("/", {{"If-None-Match", page.header("etag")}}).status, 304);
  // The page's own state in the query string does not matter to the server.
  EXPECT_EQ(get("/?q=galaxy&like=3").status, 200);

  const HttpResponse script = get("/static/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "console.log('explorer');");
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  expect_error(get("/static/missing.js"), 404, "not-found");
}

TEST_F(ServerTest, NoPageBuiltIn) {
  stop();
  start(ServerOptions{.assets = std::span<const WebAsset>()});
  const json error = expect_error(get("/"), 404, "not-found");
  EXPECT_NE(error["message"].get<std::string>().find("web/index.html"), std::string::npos);
  EXPECT_EQ(get("/api/health").status, 200);
}

// The KaTeX files cmake/embed_web.cmake builds in from Debian's libjs-katex and fonts-katex: the
// script, its CSS and exactly the woff2 fonts that CSS names, each with its content type.
TEST_F(ServerTest, BuiltInKatexIsServedWithItsTypes) {
  stop();
  start(ServerOptions{.assets = built_in_web_assets()});
  const HttpResponse css = get("/static/vendor/katex/katex.min.css");
  ASSERT_EQ(css.status, 200) << css.body.substr(0, 200);
  EXPECT_EQ(css.header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.header("cache-control"), "no-cache");
  EXPECT_NE(css.body.find("@font-face"), std::string::npos);
  const HttpResponse script = get("/static/vendor/katex/katex.min.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("renderToString"), std::string::npos);

  std::set<std::string> expected = {"vendor/katex/katex.min.css", "vendor/katex/katex.min.js"};
  const std::regex font_url(R"(url\((fonts/[A-Za-z0-9_-]+\.woff2)\))");
  for (std::sregex_iterator it(css.body.begin(), css.body.end(), font_url), end; it != end; ++it) {
    const std::string font = (*it)[1].str();
    if (!expected.insert("vendor/katex/" + font).second) continue;
    const HttpResponse response = get("/static/vendor/katex/" + font);
    ASSERT_EQ(response.status, 200) << font;
    EXPECT_EQ(response.header("content-type"), "font/woff2") << font;
    EXPECT_EQ(response.body.substr(0, 4), "wOF2") << font;
  }
  EXPECT_GE(expected.size(), 2u + 10u) << "KaTeX's CSS names its fonts";
  std::set<std::string> vendored;
  for (const WebAsset& asset : built_in_web_assets()) {
    if (asset.path.starts_with("vendor/")) vendored.emplace(asset.path);
  }
  EXPECT_EQ(vendored, expected) << "only what the page uses: no woff/ttf, no contrib scripts";

  // The page's policy lets those fonts load and still allows no script but the page's own files.
  const std::string policy = css.header("content-security-policy");
  EXPECT_NE(policy.find("font-src 'self'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("default-src 'self';"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("script-src"), std::string::npos) << "scripts follow default-src 'self'";
  EXPECT_EQ(policy.find("unsafe-eval"), std::string::npos) << policy;
  const size_t inline_at = policy.find("'unsafe-inline'");
  EXPECT_EQ(inline_at, policy.find("style-src 'self' 'unsafe-inline'") + 17) << policy;
  EXPECT_EQ(policy.find("'unsafe-inline'", inline_at + 1), std::string::npos) << policy;
}

// serve --web DIR: the page from a folder, read per request, confined to it.
TEST_F(ServerTest, WebFolderIsReadPerRequest) {
  namespace fs = std::filesystem;
  using imagemesh::testing::write_file;
  const fs::path web = scratch_->path() / "web";
  write_file(web / "index.html", "<p>one</p>");
  write_file(web / "app.js", "let a = 1;");
  write_file(web / "css" / "x.css", "p{}");
  stop();
  start(ServerOptions{.web_dir = web});

  HttpResponse page = get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body, "<p>one</p>");
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("cache-control"), "no-store");
  EXPECT_EQ(page.header("etag"), "");
  EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  write_file(web / "index.html", "<p>two</p>");
  page = get("/", {{"If-None-Match", "\"22222222222222222222\""}});
  EXPECT_EQ(page.status, 200) << "the built-in page's tag means nothing here";
  EXPECT_EQ(page.body, "<p>two</p>");

  const HttpResponse script = get("/static/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "let a = 1;");
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/static/css/x.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(client_->request("HEAD", "/static/app.js", {}, "").header("content-length"), "10");

  // vendor/ (KaTeX) comes from the binary while the folder does not have it, as web/ never does.
  EXPECT_EQ(get("/static/vendor/katex/katex.min.css").body, "/* built-in katex */");
  write_file(web / "vendor" / "katex" / "katex.min.css", "/* folder katex */");
  EXPECT_EQ(get("/static/vendor/katex/katex.min.css").body, "/* folder katex */");
  // The page's own files never do: a file removed from the folder is gone.
  fs::remove(web / "app.js");
  expect_error(get("/static/app.js"), 404, "not-found");
  fs::remove(web / "index.html");
  const json error = expect_error(get("/"), 404, "not-found");
  EXPECT_NE(error["message"].get<std::string>().find("index.html"), std::string::npos);
}

TEST_F(ServerTest, WebFolderServesNothingOutsideIt) {
  namespace fs = std::filesystem;
  using imagemesh::testing::write_file;
  const fs::path web = scratch_->path() / "web";
  write_file(web / "index.html", "<p>page</p>");
  write_file(web / "css" / "x.css", "p{}");
  write_file(web / ".env", "SECRET=1");
  write_file(web / ".git" / "config", "SECRET=2");
  write_file(web / "node_modules" / "m.js", "SECRET=3");
  write_file(scratch_->path() / "outside.txt", "SECRET=4");
  fs::create_symlink(scratch_->path() / "outside.txt", web / "link.txt");
  fs::create_directory_symlink(scratch_->path(), web / "up");
  fs::create_symlink("/etc/passwd", web / "passwd");
  stop();
  start(ServerOptions{.web_dir = web});
  ASSERT_EQ(get("/").status, 200);

  for (const std::string& target :
       std::vector<std::string>{"/static/../outside.txt",
                                "/static/..%2Foutside.txt",
                                "/static/%2e%2e/outside.txt",
                                "/static/%2e%2e%2foutside.txt",
                                "/static/css/../../outside.txt",
                                "/static/css/..%2F..%2Foutside.txt",
                                "/static/..%5Coutside.txt",
                                "/static/" + scratch_->str() + "/outside.txt",
                                "/static//etc/passwd",
                                "/static/%2Fetc%2Fpasswd",
                                "/static/./index.html",
                                "/static/css/./x.css",
                                "/static/css//x.css",
                                "/static/css/",
                                "/static/css",
                                "/static/.env",
                                "/static/.git/config",
                                "/static/node_modules/m.js",
                                "/static/link.txt",
                                "/static/passwd",
                                "/static/up/outside.txt",
                                "/static/up/web/index.html",
                                "/static/index.html%00.js",
                                "/../outside.txt",
                                "/%2e%2e/outside.txt"}) {
    const HttpResponse response = get(target);
    EXPECT_EQ(response.status, 404) << target << " -> " << response.body.substr(0, 200);
    EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8") << target;
    EXPECT_EQ(response.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(response.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(response.body.find(web.string()), std::string::npos)
        << target << ": the folder's location is not told";
  }
  EXPECT_EQ(get("/static/css/x.css").status, 200) << "the connection still serves";
}

// --- errors ---

TEST_F(ServerTest, BadParametersAreNamed) {
  json error = expect_error(get("/api/images?limit=500"), 400, "invalid-argument", "limit");
  EXPECT_EQ(error["message"], "limit must be 10..200, got '500'");
  error = expect_error(get("/api/images?categroy=cs.CV"), 400, "invalid-argument", "categroy");
  EXPECT_NE(error["message"].get<std::string>().find("unknown parameter"), std::string::npos);
  expect_error(get("/api/images?q=a&q=b"), 400, "invalid-argument", "q");
  expect_error(get("/api/facets?from=2019-13"), 400, "invalid-argument", "from");
  expect_error(get("/api/compare?like=x"), 400, "invalid-argument", "like");
  expect_error(get("/api/images?offset=-5"), 400, "invalid-argument", "offset");
  expect_error(get("/api/images?has_caption=maybe"), 400, "invalid-argument", "has_caption");
  expect_error(get("/api/images?q=%ZZ"), 400, "invalid-argument", "q");
  // Parsing failed: the engine was never asked.
  EXPECT_TRUE(engine_.queries().empty());
}

TEST_F(ServerTest, EngineErrorsMapToStatuses) {
  engine_.fail_next(Status(ErrorCode::kInvalidArgument, "emb: the mesh has no embedding 'x'"));
  expect_error(get("/api/images?emb=x"), 400, "invalid-argument", "emb");
  engine_.fail_next(Status(ErrorCode::kInvalidArgument, "fts5: syntax error near \"(\""));
  expect_error(get("/api/images?q=("), 400, "invalid-argument");
  engine_.fail_next(Status(ErrorCode::kIo, "disk I/O error"));
  const json error = expect_error(get("/api/facets"), 500, "io");
  EXPECT_EQ(error["message"], "disk I/O error");
  engine_.fail_next(Status(ErrorCode::kInternal, "a bug"));
  expect_error(get("/api/compare?like=1"), 500, "internal");
}

TEST_F(ServerTest, UnknownPathsAndMethods) {
  expect_error(get("/api/nothing"), 404, "not-found");
  expect_error(get("/index.html"), 404, "not-found");
  expect_error(get("/api/images/"), 404, "not-found");
  HttpResponse response = client_->request("DELETE", "/api/images", {}, "");
  expect_error(response, 405, "method-not-allowed");
  EXPECT_EQ(response.header("allow"), "GET, HEAD, POST");
  response = client_->post("/api/info", "application/json", "{}");
  expect_error(response, 405, "method-not-allowed");
  EXPECT_EQ(response.header("allow"), "GET, HEAD");
  expect_error(client_->request("PUT", "/thumb/" + kSha + ".webp", {}, "x"), 405,
               "method-not-allowed");
  expect_error(client_->request("OPTIONS", "/api/info", {}, ""), 405, "method-not-allowed");
  expect_error(client_->request("PATCH", "/nowhere", {}, "x"), 404, "not-found");
  // A method HTTP does not know, and a request line that is not HTTP: httplib's own 400, as JSON.
  expect_error(client_->request("BREW", "/api/info", {}, ""), 400, "bad-request");
  expect_error(client_->raw("garbage\r\n\r\n"), 400, "bad-request");
  // After all that, the same client (and connection, where it stayed open) still works.
  EXPECT_EQ(get("/api/health").status, 200);
}

TEST_F(ServerTest, RefusedBodiesKeepTheConnectionInStep) {
  // A body sent to a path that takes none is read and dropped: the next request on the same
  // keep-alive connection is answered normally.
  ASSERT_TRUE(client_->connect_now());
  expect_error(client_->request("POST", "/api/health", {{"Content-Type", "image/png"}},
                                std::string(5000, 'x')),
               405, "method-not-allowed");
  EXPECT_TRUE(client_->connected());
  EXPECT_EQ(get("/api/health").status, 200);
  // Chunked too.
  const std::string chunked =
      "POST /api/info HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n";
  expect_error(client_->raw(chunked), 405, "method-not-allowed");
  EXPECT_EQ(get("/api/health").status, 200);
}

TEST_F(ServerTest, UriTooLong) {
  expect_error(get("/api/images?q=" + std::string(9000, 'a')), 414, "uri-too-long");
}

// --- hostile input ---

TEST_F(ServerTest, SqlLookingValuesReachTheEngineAsData) {
  const HttpResponse response = get(
      "/api/images?q=%27%3B+DROP+TABLE+papers%3B+--&category=cs.CV%27+OR+%271%27%3D%271"
      "&creator=%25%27%3B+DELETE+FROM+blobs%3B+--&author=%22+OR+1%3D1+--&paper=1%27%29+OR+%28%271");
  ASSERT_EQ(response.status, 200) << response.body;
  const query::Query asked = engine_.last_query();
  EXPECT_EQ(asked.keywords, "'; DROP TABLE papers; --");
  EXPECT_EQ(asked.filters.categories, (std::vector<std::string>{"cs.CV' OR '1'='1"}));
  EXPECT_EQ(asked.filters.creator, "%'; DELETE FROM blobs; --");
  EXPECT_EQ(asked.filters.author, "\" OR 1=1 --");
  EXPECT_EQ(asked.filters.paper_ids, (std::vector<std::string>{"1') OR ('1"}));
}

TEST_F(ServerTest, PathTraversalIsRefused) {
  for (const std::string& target :
       {std::string("/thumb/../../etc/passwd"), std::string("/thumb/..%2F..%2Fetc%2Fpasswd"),
        std::string("/thumb/%2e%2e%2f%2e%2e%2fmesh.db"), "/thumb/" + kSha + ".webp/..",
        "/thumb/../" + kSha + ".webp", "/thumb/" + kSha.substr(0, 62) + "%2F..webp",
        "/thumb/" + std::string(63, 'a') + "1.WEBP", "/thumb/" + kSha + ".png",
        "/thumb/" + kSha + "%00.webp", std::string("/static/../server.cc"),
        std::string("/static/..%2F..%2FCMakeLists.txt"), std::string("/static/%2e%2e/api.cc"),
        std::string("/static//etc/passwd"), std::string("/static/./app.js"),
        std::string("/../../etc/passwd"), std::string("/%2e%2e/%2e%2e/etc/passwd")}) {
    const HttpResponse response = get(target);
    EXPECT_EQ(response.status, 404) << target << " -> " << response.body.substr(0, 200);
    EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8") << target;
    EXPECT_EQ(response.body.find("root:"), std::string::npos) << target;
  }
  // Only well-formed names were ever passed to the engine (none of the above).
  EXPECT_TRUE(engine_.thumbnail_calls().empty());
}

TEST_F(ServerTest, UploadsReachTheEngineByteForByte) {
  std::string bytes = "\x89PNG\r\n\x1a\n";
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  HttpResponse response = client_->post("/api/images?limit=10&q=x", "image/png", bytes);
  ASSERT_EQ(response.status, 200) << response.body;
  json page = body_json(response);
  EXPECT_EQ(page["mode"], "keyword+similar");
  EXPECT_EQ(page["query_image"], "upload");
  EXPECT_EQ(engine_.last_query().upload, bytes);
  EXPECT_EQ(engine_.last_query().keywords, "x");

  // multipart/form-data, field `image`.
  const std::string boundary = "----imagemesh-test-boundary";
  const std::string form = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"image\"; "
                           "filename=\"plot.png\"\r\nContent-Type: image/png\r\n\r\n" +
                           bytes + "\r\n--" + boundary + "--\r\n";
  response = client_->post("/api/images", "multipart/form-data; boundary=" + boundary, form);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(engine_.last_query().upload, bytes);
}

TEST_F(ServerTest, HostileUploadsGiveTheEnginesError) {
  expect_error(client_->post("/api/images", "application/postscript", "%!PS-Adobe-3.0 EPSF"), 415,
               "unsupported");  // the Content-Type alone is refused
  EXPECT_TRUE(engine_.queries().empty());
  expect_error(client_->post("/api/images", "image/x-eps", "%!PS-Adobe-3.0 EPSF-3.0\n"), 415,
               "unsupported");
  EXPECT_EQ(engine_.last_query().upload, "%!PS-Adobe-3.0 EPSF-3.0\n");
  expect_error(client_->post("/api/images", "image/png", "BROKEN\x89PNG..."), 422, "decode-failed");
  expect_error(client_->post("/api/images", "application/octet-stream", "HUGE"), 413, "too-large");
  expect_error(client_->post("/api/images", "text/plain", "hello"), 415, "unsupported");
  expect_error(client_->post("/api/images", "image/png", ""), 400, "invalid-argument", "image");
  expect_error(client_->post("/api/images?limit=5", "image/png", "PNG"), 400, "invalid-argument",
               "limit");
  const std::string form =
      "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nPNG\r\n--b--\r\n";
  expect_error(client_->post("/api/images", "multipart/form-data; boundary=b", form), 400,
               "invalid-argument", "file");
  expect_error(client_->post("/api/images", "multipart/form-data; boundary=b", "not multipart"),
               400, "invalid-argument", "image");
}

TEST_F(ServerTest, OversizedUploadsGive413Json) {
  const size_t limit = engine_.info().max_upload_bytes;
  EXPECT_EQ(client_->post("/api/images", "image/png", std::string(limit, 'p')).status, 200);
  expect_error(client_->post("/api/images", "image/png", std::string(limit + 1, 'p')), 413,
               "too-large");
  // Over httplib's own body limit (the image limit plus multipart slack): refused by the library
  // before the handler, still as JSON.
  expect_error(client_->post("/api/images", "image/png", std::string(limit + (2 << 20), 'p')), 413,
               "too-large");
  expect_error(client_->post("/api/info", "image/png", std::string(limit + (2 << 20), 'p')), 413,
               "too-large");
  const std::string boundary = "b";
  const std::string form = "--b\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n" +
                           std::string(limit + 10, 'p') + "\r\n--b--\r\n";
  expect_error(client_->post("/api/compare", "multipart/form-data; boundary=b", form), 413,
               "too-large");
  // A chunked upload has no declared length: the reader stops at the limit.
  std::string chunked =
      "POST /api/images HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const std::string piece(8192, 'c');
  for (size_t sent = 0; sent <= limit; sent += piece.size()) {
    chunked += "2000\r\n" + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  HttpClient fresh(port_);
  expect_error(fresh.raw(chunked), 413, "too-large");
  EXPECT_EQ(get("/api/health").status, 200);
}

// --- behaviour under load, and stopping ---

TEST_F(ServerTest, ParallelClientsGetTheirOwnAnswers) {
  constexpr int kClients = 24, kRequests = 40;
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(port_);
      for (int r = 0; r < kRequests; ++r) {
        const int offset = c * 10 + r;
        const uint64_t seed = static_cast<uint64_t>(c * 1000 + r);
        const HttpResponse response =
            client.get("/api/images?limit=10&offset=" + std::to_string(offset) +
                       "&seed=" + std::to_string(seed));
        const json page = json::parse(response.body, nullptr, false);
        const bool right = response.status == 200 && page.is_object() && page["seed"] == seed &&
                           page["offset"] == offset && page["hits"].size() == 10u &&
                           page["hits"][0]["id"] == offset + static_cast<int>(seed % 1000);
        if (!right) wrong++;
        if (r % 8 == 0 && client.get("/thumb/" + kSha + ".jpg").body != kJpeg) wrong++;
        done++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(done.load(), kClients * kRequests);
  EXPECT_GE(server_->requests(), static_cast<uint64_t>(kClients * kRequests));
}

TEST_F(ServerTest, StopFinishesRequestsInFlight) {
  engine_.set_delay(std::chrono::milliseconds(400));
  HttpResponse slow;
  std::thread request([&] {
    HttpClient client(port_);
    slow = client.get("/api/images?limit=10");
  });
  // Wait until the request is inside the engine, then stop.
  while (engine_.queries().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  thread_.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  request.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(body_json(slow)["hits"].size(), 10u);
  EXPECT_TRUE(run_status_.ok());
  EXPECT_LT(seconds, 7.0);  // the request, plus at most one keep-alive timeout
  // No longer listening.
  HttpClient late(port_);
  EXPECT_FALSE(late.connect_now());
  client_.reset();
  server_.reset();
}

TEST_F(ServerTest, IdleKeepAliveConnectionsDelayAStopByTheirTimeoutAtMost) {
  stop();
  start(ServerOptions{.keep_alive_seconds = 1});
  EXPECT_EQ(get("/api/health").status, 200);  // the connection stays open, idle
  ASSERT_TRUE(client_->connected());
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  thread_.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.5);
  server_.reset();
}

TEST_F(ServerTest, StopBeforeRunAndTwice) {
  stop();
  FakeEngine engine;
  Server server(engine);
  ASSERT_TRUE(server.bind("127.0.0.1", 0).ok());
  server.stop();
  EXPECT_TRUE(server.run().ok());  // returns at once
  server.stop();
}

TEST_F(ServerTest, APortInUseIsReported) {
  Server second(engine_);
  auto bound = second.bind("127.0.0.1", port_);
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().code(), ErrorCode::kIo);
  EXPECT_NE(bound.status().message().find("already in use"), std::string::npos)
      << bound.status().message();
  auto bad_host = second.bind("not-a-host.invalid", 0);
  EXPECT_FALSE(bad_host.ok());
  EXPECT_FALSE(second.bind("127.0.0.1", 70000).ok());
}

TEST_F(ServerTest, NothingIsLoggedByDefault) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(get("/api/images?q=secret+words&limit=10").status, 200);
  EXPECT_EQ(get("/api/nothing").status, 404);
  stop();
  const std::string quiet = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(quiet.find("secret"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("/api/"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("127.0.0.1"), std::string::npos) << quiet;

  ::testing::internal::CaptureStderr();
  start(ServerOptions{.access_log = true});
  EXPECT_EQ(get("/api/images?q=secret+words&limit=10").status, 200);
  stop();
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("GET /api/images 200"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("secret"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("127.0.0.1"), std::string::npos) << logged;
}

TEST(ServerThreads, DefaultPool) {
  EXPECT_GE(server_threads(0), 16);
  EXPECT_EQ(server_threads(3), 3);
}

}  // namespace
}  // namespace imagemesh::server

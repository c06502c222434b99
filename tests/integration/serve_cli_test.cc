// `imagemesh serve` end to end: a small real mesh made with the CLI (sample, ingest, metadata,
// embed raw), the server as a subprocess on a free port, and the API of docs/api.md over HTTP.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "imaging/raster_encode.h"
#include "integration/cli_support.h"
#include "server/http_test_client.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using server::testing::HttpClient;
using server::testing::HttpResponse;

// `imagemesh serve ARGS...` with stdout and stderr to files, so the printed URL can be read.
class ServeProcess {
 public:
  ServeProcess(const fs::path& dir, const std::vector<std::string>& args)
      : out_(dir / "serve.out"), err_(dir / "serve.err") {
    // Not the previous process's lines: the URL is read from these files.
    fs::remove(out_);
    fs::remove(err_);
    pid_ = fork();
    if (pid_ == 0) {
      const int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      std::vector<std::string> copies = {IMAGEMESH_BINARY, "serve"};
      copies.insert(copies.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& arg : copies) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(IMAGEMESH_BINARY, argv.data());
      _exit(127);
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // The port of the "serving http://127.0.0.1:PORT/" line, or 0 if the process ended first.
  int wait_for_port(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::regex serving(R"(serving http://127\.0\.0\.1:(\d+)/)");
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const std::string out = stdout_text();
      if (std::regex_search(out, match, serving)) return std::stoi(match[1].str());
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
  }

  // Waits for the process to end (after a signal, or on its own): its exit code, -1 on timeout.
  int wait_for_exit(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    if (exit_code_ >= 0) return exit_code_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
        return exit_code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  void signal(int number) { kill(pid_, number); }
  std::string stdout_text() const { return file_text(out_); }
  std::string stderr_text() const { return file_text(err_); }

 private:
  static std::string file_text(const fs::path& path) {
    std::error_code ec;
    return fs::exists(path, ec) ? read_file(path) : "";
  }

  fs::path out_, err_;
  pid_t pid_ = -1;
  int status_ = 0;
  int exit_code_ = -1;
};

json get_json(HttpClient& client, const std::string& target, int want_status = 200) {
  const HttpResponse response = client.get(target);
  EXPECT_EQ(response.status, want_status) << target << ": " << response.body.substr(0, 300);
  EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8") << target;
  return json::parse(response.body, nullptr, false);
}

std::vector<uint32_t> ids_of(const json& page) {
  std::vector<uint32_t> ids;
  for (const auto& hit : page["hits"]) ids.push_back(hit["id"].get<uint32_t>());
  return ids;
}

class ServeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("serve-cli");
    const std::string sample = scratch_->str() + "/sample";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"sample", "--out", sample, "--papers", "12", "--seed", "5"},
          {"ingest", "--mesh", mesh(), "--no-progress", sample},
          {"metadata", "import", "--mesh", mesh(), sample + "/metadata/sample-snapshot.jsonl"},
          {"embed", "--mesh", mesh(), "--model", "raw", "--no-progress"}}) {
      auto run = run_imagemesh(args);
      if (run.exit_code != 0) {
        // Reported by each test's SetUp: a fatal failure here would make gtest skip the tests,
        // which ctest counts as skipped, not failed.
        setup_error_ = args[0] + " exited " + std::to_string(run.exit_code) + ": " + run.output;
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  static std::string mesh() { return scratch_->str() + "/mesh"; }

  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    process_ = std::make_unique<ServeProcess>(
        scratch_->path(), std::vector<std::string>{"--mesh", mesh(), "--port", "0"});
    port_ = process_->wait_for_port();
    ASSERT_GT(port_, 0) << process_->stdout_text() << process_->stderr_text();
    client_ = std::make_unique<HttpClient>(port_);
  }
  void TearDown() override {
    client_.reset();
    if (!process_) return;
    process_->signal(SIGTERM);
    EXPECT_EQ(process_->wait_for_exit(), 0) << process_->stderr_text();
  }

  static ScratchDir* scratch_;
  static std::string setup_error_;
  std::unique_ptr<ServeProcess> process_;
  std::unique_ptr<HttpClient> client_;
  int port_ = 0;
};
ScratchDir* ServeCli::scratch_ = nullptr;
std::string ServeCli::setup_error_;

TEST_F(ServeCli, PrintsASummaryAndTheUrl) {
  const std::string out = process_->stdout_text();
  EXPECT_NE(out.find("images"), std::string::npos) << out;
  EXPECT_NE(out.find("papers"), std::string::npos) << out;
  EXPECT_NE(out.find("raw (47-d"), std::string::npos) << out;
  EXPECT_NE(out.find("loaded in"), std::string::npos) << out;
  EXPECT_NE(out.find("serving http://127.0.0.1:" + std::to_string(port_) + "/"), std::string::npos)
      << out;
  const json info = get_json(*client_, "/api/info");
  EXPECT_GT(info["images"].get<int>(), 20);
  EXPECT_EQ(info["papers"], 12);
  ASSERT_EQ(info["embeddings"].size(), 1u);
  EXPECT_EQ(info["embeddings"][0]["name"], "raw");
  EXPECT_EQ(info["embeddings"][0]["uploads"], true);
  EXPECT_EQ(get_json(*client_, "/api/health"), json::parse(R"({"ok": true})"));
  const HttpResponse page = client_->get("/");
  if (page.status == 200) {  // the page is built in when web/index.html existed at build time
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  } else {
    EXPECT_EQ(page.status, 404);
  }
}

TEST_F(ServeCli, RandomPagesAreReproducibleAndTileTheMesh) {
  const json first = get_json(*client_, "/api/images?seed=5&limit=10");
  EXPECT_EQ(first["mode"], "random");
  EXPECT_EQ(first["seed"], 5);
  const int total = first["total"].get<int>();
  ASSERT_GT(total, 20);
  EXPECT_EQ(ids_of(get_json(*client_, "/api/images?seed=5&limit=10")), ids_of(first));
  EXPECT_NE(ids_of(get_json(*client_, "/api/images?seed=6&limit=10")), ids_of(first));
  std::set<uint32_t> seen;
  for (int offset = 0; offset < total; offset += 10) {
    const json page =
        get_json(*client_, "/api/images?seed=5&limit=10&offset=" + std::to_string(offset));
    EXPECT_EQ(page["hits"].size(), static_cast<size_t>(std::min(10, total - offset)));
    for (uint32_t id : ids_of(page)) EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(total));
}

TEST_F(ServeCli, FiltersKeywordsAndFacets) {
  const json all = get_json(*client_, "/api/facets");
  const int total = all["total"].get<int>();
  ASSERT_FALSE(all["facets"]["format"].empty());
  int checked = 0;
  for (const auto& format : all["facets"]["format"]) {
    const std::string value = format["value"];
    const json page = get_json(*client_, "/api/images?format=" + value + "&limit=10");
    EXPECT_EQ(page["total"], format["count"]) << value;
    EXPECT_LT(page["total"].get<int>(), total) << value;
    for (const auto& hit : page["hits"]) EXPECT_EQ(hit["format"], value);
    ++checked;
  }
  EXPECT_GE(checked, 2);
  // Dates and categories narrow too, and the page-with-facets agrees with /api/facets.
  const json recent = get_json(*client_, "/api/images?from=2015&facets=1&limit=10");
  EXPECT_LT(recent["total"].get<int>(), total);
  EXPECT_EQ(get_json(*client_, "/api/facets?from=2015")["total"], recent["total"]);
  for (const auto& hit : recent["hits"]) EXPECT_GE(hit["date"].get<std::string>(), "2015");
  // Keywords: a word of a title.
  const std::string title = get_json(*client_, "/api/images?limit=10")["hits"][0]["title"];
  const std::string word = title.substr(0, title.find(' '));
  const json keyword = get_json(*client_, "/api/images?title=" + word + "&limit=10");
  EXPECT_EQ(keyword["mode"], "random");  // a text filter, not keywords
  EXPECT_GT(keyword["total"].get<int>(), 0);
  const json ranked = get_json(*client_, "/api/images?q=" + word + "&limit=10");
  EXPECT_EQ(ranked["mode"], "keyword");
  ASSERT_FALSE(ranked["hits"].empty());
  EXPECT_TRUE(ranked["hits"][0]["score"].is_number());
  // Errors with the parameter named.
  json error = get_json(*client_, "/api/images?limit=5", 400);
  EXPECT_EQ(error["error"]["parameter"], "limit");
  error = get_json(*client_, "/api/images?emb=nope&like=1", 400);
  EXPECT_EQ(error["error"]["parameter"], "emb");
  error = get_json(*client_, "/api/images?colour=red", 400);
  EXPECT_EQ(error["error"]["parameter"], "colour");
}

TEST_F(ServeCli, SimilarImagesDetailAndComparison) {
  const uint32_t id = ids_of(get_json(*client_, "/api/images?seed=9&limit=10"))[0];
  const json similar = get_json(*client_, "/api/images?like=" + std::to_string(id) + "&limit=20");
  EXPECT_EQ(similar["mode"], "similar");
  EXPECT_EQ(similar["embedding"], "raw");
  ASSERT_EQ(similar["hits"].size(), 20u);
  double previous = 2.0;
  for (const auto& hit : similar["hits"]) {
    EXPECT_NE(hit["id"].get<uint32_t>(), id);
    const double similarity = hit["similarity"].get<double>();
    EXPECT_LE(similarity, previous + 1e-6);
    EXPECT_LE(similarity, 1.0 + 1e-6);
    previous = similarity;
  }

  const json detail = get_json(*client_, "/api/image/" + std::to_string(id));
  EXPECT_EQ(detail["id"], id);
  EXPECT_EQ(detail["thumb"], "/thumb/" + detail["sha256"].get<std::string>() + ".webp");
  EXPECT_EQ(detail["raster"], "/thumb/" + detail["sha256"].get<std::string>() + ".jpg");
  const std::string paper = detail["paper"]["id"];
  EXPECT_EQ(detail["paper"]["url"], "https://arxiv.org/abs/" + paper);
  EXPECT_FALSE(detail["occurrences"].empty());
  EXPECT_EQ(get_json(*client_, "/api/image/999999", 404)["error"]["code"], "not-found");

  const json comparison =
      get_json(*client_, "/api/compare?like=" + std::to_string(id) + "&limit=10");
  ASSERT_EQ(comparison["columns"].size(), 1u);
  EXPECT_EQ(comparison["columns"][0]["embedding"], "raw");
  EXPECT_EQ(comparison["overlap"][0][0], comparison["columns"][0]["hits"].size());
}

TEST_F(ServeCli, ThumbnailsAreWebpAndJpeg) {
  const json page = get_json(*client_, "/api/images?limit=10");
  const std::string thumb = page["hits"][0]["thumb"];
  const HttpResponse web = client_->get(thumb);
  ASSERT_EQ(web.status, 200);
  EXPECT_EQ(web.header("content-type"), "image/webp");
  ASSERT_GT(web.body.size(), 12u);
  EXPECT_EQ(web.body.substr(0, 4), "RIFF");
  EXPECT_EQ(web.body.substr(8, 4), "WEBP");
  EXPECT_EQ(client_->get(thumb, {{"If-None-Match", web.header("etag")}}).status, 304);
  const std::string raster = thumb.substr(0, thumb.size() - 5) + ".jpg";
  const HttpResponse jpeg = client_->get(raster);
  ASSERT_EQ(jpeg.status, 200);
  EXPECT_EQ(jpeg.header("content-type"), "image/jpeg");
  EXPECT_EQ(jpeg.body.substr(0, 3), "\xFF\xD8\xFF");
  EXPECT_EQ(client_->get("/thumb/" + std::string(64, '0') + ".webp").status, 404);
  EXPECT_EQ(client_->get("/thumb/..%2F..%2Fmesh.db").status, 404);
}

TEST_F(ServeCli, UploadedPngFindsItsImage) {
  const json page = get_json(*client_, "/api/images?seed=3&limit=10");
  const uint32_t id = page["hits"][0]["id"];
  const std::string thumb = page["hits"][0]["thumb"];
  const HttpResponse raster = client_->get(thumb.substr(0, thumb.size() - 5) + ".jpg");
  ASSERT_EQ(raster.status, 200);
  auto decoded = imaging::decode_raster(raster.body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  auto png = imaging::encode_raster(decoded->image, imaging::RasterFormat::kPng);
  ASSERT_TRUE(png.ok()) << png.status().to_string();

  HttpResponse response = client_->post("/api/images?limit=10", "image/png", *png);
  ASSERT_EQ(response.status, 200) << response.body;
  json similar = json::parse(response.body);
  EXPECT_EQ(similar["mode"], "similar");
  EXPECT_EQ(similar["query_image"], "upload");
  ASSERT_EQ(similar["hits"].size(), 10u);
  std::vector<uint32_t> top = ids_of(similar);
  EXPECT_NE(std::find(top.begin(), top.begin() + 3, id), top.begin() + 3)
      << "image " << id << " not among the first three for its own pixels";
  EXPECT_GT(similar["hits"][0]["similarity"].get<double>(), 0.9);

  // The same as multipart/form-data.
  const std::string form =
      "--xyz\r\nContent-Disposition: form-data; name=\"image\"; "
      "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n" +
      *png + "\r\n--xyz--\r\n";
  response = client_->post("/api/images?limit=10", "multipart/form-data; boundary=xyz", form);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ids_of(json::parse(response.body)), top);

  // Hostile uploads get the engine's refusal.
  response = client_->post("/api/images", "application/octet-stream",
                           "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n");
  EXPECT_EQ(response.status, 415) << response.body;
  response = client_->post("/api/images", "image/png", png->substr(0, png->size() / 3));
  EXPECT_EQ(response.status, 422) << response.body;
  response = client_->post("/api/images", "image/png", "not an image at all");
  EXPECT_EQ(response.status / 100, 4) << response.body;
  EXPECT_EQ(json::parse(response.body, nullptr, false).contains("error"), true);
}

TEST_F(ServeCli, SigtermFinishesAndExitsZero) {
  EXPECT_EQ(client_->get("/api/health").status, 200);
  client_.reset();
  process_->signal(SIGTERM);
  EXPECT_EQ(process_->wait_for_exit(), 0) << process_->stderr_text();
  const std::string err = process_->stderr_text();
  EXPECT_NE(err.find("stopping"), std::string::npos) << err;
  EXPECT_NE(err.find("stopped after"), std::string::npos) << err;
  // Nothing about requests was logged.
  EXPECT_EQ(err.find("/api/health"), std::string::npos) << err;
  process_.reset();
}

// --web DIR: the page from a folder being edited, read per request; KaTeX still from the binary.
TEST_F(ServeCli, WebFolderServesThePageBeingEdited) {
  ScratchDir scratch("serve-cli-web");
  const fs::path web = scratch.path() / "web";
  write_file(web / "index.html", "<title>draft 1</title>");
  write_file(web / "app.js", "export {};");
  ServeProcess served(scratch.path(),
                      {"--mesh", mesh(), "--port", "0", "--web", web.string() + "/"});
  const int port = served.wait_for_port();
  ASSERT_GT(port, 0) << served.stdout_text() << served.stderr_text();
  EXPECT_NE(served.stdout_text().find("page: from " + web.string()), std::string::npos)
      << served.stdout_text();
  HttpClient client(port);
  HttpResponse page = client.get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body, "<title>draft 1</title>");
  EXPECT_EQ(page.header("cache-control"), "no-store");
  write_file(web / "index.html", "<title>draft 2</title>");
  EXPECT_EQ(client.get("/").body, "<title>draft 2</title>");
  EXPECT_EQ(client.get("/static/app.js").header("content-type"), "text/javascript; charset=utf-8");
  const HttpResponse katex = client.get("/static/vendor/katex/katex.min.css");
  EXPECT_EQ(katex.status, 200);
  EXPECT_EQ(katex.header("content-type"), "text/css; charset=utf-8");
  // Neither the built-in page nor anything outside the folder.
  EXPECT_EQ(client.get("/static/detail.js").status, 404);
  EXPECT_EQ(client.get("/static/../web/index.html").status, 404);
  EXPECT_EQ(client.get("/static/..%2F..%2Fmesh%2Fmesh.db").status, 404);
  EXPECT_EQ(client.get("/static/" + mesh() + "/mesh.db").status, 404);
  EXPECT_EQ(get_json(client, "/api/health"), json::parse(R"({"ok": true})"));
  served.signal(SIGTERM);
  EXPECT_EQ(served.wait_for_exit(), 0) << served.stderr_text();
}

TEST_F(ServeCli, WebFolderWithoutAPageIsRefusedAtOnce) {
  ScratchDir scratch("serve-cli-web-empty");
  auto empty = run_imagemesh({"serve", "--mesh", mesh(), "--port", "0", "--web", scratch.str()});
  EXPECT_EQ(empty.exit_code, 1) << empty.output;
  EXPECT_NE(empty.output.find("--web " + scratch.str() + ": no index.html"), std::string::npos)
      << empty.output;
  EXPECT_EQ(empty.output.find("serving"), std::string::npos) << empty.output;
  auto help = run_imagemesh({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("--web"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("read on every request"), std::string::npos) << help.output;
}

// A second server on the port of a running one is refused (not silently sharing it).
TEST_F(ServeCli, APortInUseIsReported) {
  ScratchDir other("serve-cli-second");
  ServeProcess second(other.path(), {"--mesh", mesh(), "--port", std::to_string(port_)});
  EXPECT_EQ(second.wait_for_exit(), 1) << second.stdout_text();
  EXPECT_NE(second.stderr_text().find("already in use"), std::string::npos) << second.stderr_text();
  EXPECT_EQ(client_->get("/api/health").status, 200);
}

TEST(ServeCliErrors, SayWhatToDo) {
  ScratchDir scratch("serve-cli-errors");
  auto missing = run_imagemesh({"serve", "--mesh", scratch.str() + "/none", "--port", "0"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("run `imagemesh ingest"), std::string::npos) << missing.output;

  auto usage = run_imagemesh({"serve", "--mesh", scratch.str(), "--port", "70000"});
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
}

}  // namespace
}  // namespace imagemesh::testing

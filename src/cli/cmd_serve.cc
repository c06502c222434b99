#include <pthread.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "core/log.h"
#include "core/stopwatch.h"
#include "embed/models.h"
#include "query/engine.h"
#include "server/server.h"

namespace imagemesh::cli {
namespace {

struct ServeArgs {
  std::string mesh_dir;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string models_dir;
  int threads = 0;
  bool access_log = false;
  std::string web_dir;  // --web: the page from this folder instead of the binary
};

// "http://127.0.0.1:8080/", "http://[::1]:8080/".
std::string url_of(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/";
}

std::string no_mesh_message(const std::string& mesh_dir) {
  return "no mesh in " + mesh_dir + ": run `imagemesh ingest --mesh " + mesh_dir +
         " SOURCES...` first (and `imagemesh embed --mesh " + mesh_dir + "` for similar images)";
}

// SIGINT and SIGTERM, blocked in every thread (the server's threads inherit the mask) and taken
// by one waiting thread, which may call Server::stop() (not allowed from a signal handler). The
// first signal stops gracefully; a second one ends the process at once.
class StopOnSignal {
 public:
  StopOnSignal() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  }
  ~StopOnSignal() {
    finish();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  // Starts waiting; a signal that arrived since construction is taken now.
  void start(server::Server& server) {
    waiter_ = std::thread([this, &server] {
      bool stopping = false;
      const timespec poll{0, 100 * 1000 * 1000};  // sees done_ within 0.1 s
      while (!done_) {
        const int signal_number = sigtimedwait(&signals_, nullptr, &poll);
        if (signal_number < 0) continue;  // timeout or EINTR
        if (stopping) {
          std::fputs("imagemesh serve: aborted\n", stderr);
          std::signal(signal_number, SIG_DFL);
          pthread_sigmask(SIG_UNBLOCK, &signals_, nullptr);
          std::raise(signal_number);
          return;
        }
        stopping = true;
        std::fprintf(stderr,
                     "\nimagemesh serve: %s: stopping, finishing the requests in flight "
                     "(press Ctrl-C again to abort)\n",
                     signal_number == SIGINT ? "interrupted" : "terminated");
        server.stop();
      }
    });
  }

  // Stops waiting (before the server given to start() is destroyed).
  void finish() {
    done_ = true;
    if (waiter_.joinable()) waiter_.join();
  }

 private:
  sigset_t signals_{}, previous_{};
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

int run(const ServeArgs& args) {
  // First, before any thread exists (the engine's or the server's inherit the blocked mask): a
  // Ctrl-C while the mesh loads is taken once serving starts, and stops it at once.
  StopOnSignal stop_on_signal;
  // A client that hangs up mid-answer must not end the server (httplib also ignores SIGPIPE once
  // it listens; this does not depend on that).
  std::signal(SIGPIPE, SIG_IGN);
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(args.mesh_dir) / "mesh.db", ec)) {
    log::error("{}", no_mesh_message(args.mesh_dir));
    return 1;
  }
  // Before the mesh loads: a mistyped folder is an error at once, not a page of 404s later.
  if (!args.web_dir.empty() &&
      !std::filesystem::is_regular_file(std::filesystem::path(args.web_dir) / "index.html", ec)) {
    log::error("--web {}: no index.html there (give the page's folder, e.g. --web web/)",
               args.web_dir);
    return 1;
  }
  query::EngineOptions options;
  options.mesh_dir = args.mesh_dir;
  options.model_dir = args.models_dir;
  auto engine = query::Engine::open(options);
  if (!engine.ok()) {
    log::error("{}", engine.status().code() == ErrorCode::kNotFound
                         ? no_mesh_message(args.mesh_dir) + " (" + engine.status().message() + ")"
                         : "cannot open the mesh: " + engine.status().to_string());
    return 1;
  }
  const double load_seconds = seconds_since(start);

  server::ServerOptions server_options;
  server_options.threads = args.threads;
  server_options.access_log = args.access_log;
  server_options.web_dir = args.web_dir;
  server::Server server(**engine, server_options);
  auto port = server.bind(args.host, args.port);
  if (!port.ok()) {
    log::error("{}", port.status().message());
    return 1;
  }

  const query::MeshInfo& info = (*engine)->info();
  std::string embeddings;
  for (const auto& e : info.embeddings) {
    embeddings += (embeddings.empty() ? "" : ", ") + e.name + " (" + std::to_string(e.dimension) +
                  "-d, " + std::to_string(e.images) + " images" + (e.uploads ? ", uploads" : "") +
                  ")";
  }
  std::printf(
      "mesh %s: %llu images, %llu papers; embeddings: %s; loaded in %.2f s\n",
      args.mesh_dir.c_str(), static_cast<unsigned long long>(info.images),
      static_cast<unsigned long long>(info.papers),
      embeddings.empty() ? "none (run imagemesh embed for similar images)" : embeddings.c_str(),
      load_seconds);
  std::printf("serving %s (%d threads); Ctrl-C to stop\n", url_of(args.host, *port).c_str(),
              server.threads());
  if (!args.web_dir.empty()) {
    std::printf("page: from %s, read per request (not the copy built in)\n", args.web_dir.c_str());
  }
  if (args.host != "127.0.0.1" && args.host != "::1" && args.host != "localhost") {
    std::printf("note: listening on %s: anyone who can reach it can browse this mesh\n",
                args.host.c_str());
  }
  std::fflush(stdout);

  stop_on_signal.start(server);
  const Status served = server.run();
  stop_on_signal.finish();
  if (!served.ok()) {
    log::error("{}", served.to_string());
    return 1;
  }
  std::fprintf(stderr, "imagemesh serve: stopped after %llu requests\n",
               static_cast<unsigned long long>(server.requests()));
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve the explorer: the web page, its JSON API (docs/api.md) and the thumbnails of a "
      "mesh, until Ctrl-C");
  cmd->footer(
      "The page and the API answer from memory and the mesh folder; nothing about a request is\n"
      "logged (no queries, no addresses) unless --access-log, which logs method, path and status.\n"
      "Uploaded images are embedded in memory and never stored. Examples:\n"
      "  imagemesh serve --mesh mesh/                      # then open http://127.0.0.1:8080/\n"
      "  imagemesh serve --mesh mesh/ --port 0             # any free port (printed)\n"
      "  imagemesh serve --mesh mesh/ --web web/           # page edits show on reload\n"
      "  curl -s 'http://127.0.0.1:8080/api/images?q=galaxy&limit=10'");
  cmd->add_option("--mesh", args->mesh_dir, "Mesh folder (made by imagemesh ingest)")->required();
  cmd->add_option("--host", args->host,
                  "Address to listen on (0.0.0.0: every interface, reachable from elsewhere)")
      ->capture_default_str();
  cmd->add_option("--port", args->port, "TCP port (0: any free port, printed)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--models,--weights", args->models_dir,
                  "Folder of converted CNN weights, to embed uploaded images (default: "
                  "$IMAGEMESH_MODELS or " +
                      embed::default_model_directory().string() + ")");
  cmd->add_option("--threads", args->threads,
                  "Connections served at once (default: max(16, 4 x cores))")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--web", args->web_dir,
                  "Serve the page from this folder (with index.html) instead of the copy built "
                  "in, to develop it: files are read on every request and never cached, so an "
                  "edit shows on reload. Confined to the folder: no '..', no absolute paths, no "
                  "dot-files, no symbolic links followed inside it; vendor/ files it lacks "
                  "(KaTeX) still come from the binary");
  cmd->add_flag("--access-log", args->access_log,
                "Log each request's method, path and status (never the query or the address)");
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli

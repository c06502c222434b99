// `imagemesh serve`'s HTTP server: the JSON API, thumbnails and the page of docs/api.md over
// cpp-httplib, answering from a query::Engine (a fake one in tests).
//
// One thread per connection from a fixed pool (httplib's model); keep-alive on, Nagle off. Every
// response body is JSON except thumbnails and the page's files, including the errors httplib
// makes itself (malformed request, body over the limit, an exception in a handler). Nothing about
// a request is logged unless `access_log` is set, and then only method, path and status.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/status.h"
#include "query/engine.h"
#include "server/web_assets.h"

namespace imagemesh::server {

struct ServerOptions {
  // Worker threads = the most connections served at once (an idle keep-alive connection holds
  // one for up to keep_alive_seconds). 0: max(16, 4 x hardware threads), so a browser's six
  // connections and a few scripts never queue behind each other.
  int threads = 0;
  bool access_log = false;  // "GET /api/images 200" per request on stderr
  // How long an idle keep-alive connection is kept (and holds its thread). Also the longest a
  // stop() waits for idle connections: httplib does not wake them.
  int keep_alive_seconds = 2;
  int keep_alive_max_requests = 1000;  // per connection (httplib's default of 5 is for proxies)
  std::optional<std::span<const WebAsset>> assets;  // nullopt: built_in_web_assets()
  // Non-empty: serve the page from this folder, read per request (serve --web; api.h ApiOptions).
  std::filesystem::path web_dir;
};

// The pool size for `threads` (resolving 0 to the default).
int server_threads(int threads);

class Server {
 public:
  // `engine` must outlive the server.
  explicit Server(const query::Engine& engine, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: any free port) and returns the bound port. kIo when the port is in
  // use (the message says so), kInvalidArgument for a host that is not an address here.
  [[nodiscard]] Result<int> bind(const std::string& host, int port);
  // Serves on the bound socket until stop(); requires bind(). Returns Ok after stop().
  [[nodiscard]] Status run();
  // From any thread (not a signal handler): stops accepting, lets the requests in flight finish
  // (and idle keep-alive connections time out, at most keep_alive_seconds), and makes run()
  // return. Safe before run() has started (run() then returns at once) and more than once.
  void stop();

  int port() const;           // the bound port, -1 before bind()
  uint64_t requests() const;  // responses sent so far
  int threads() const;        // the pool size

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imagemesh::server

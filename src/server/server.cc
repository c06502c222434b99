#include "server/server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <thread>

#include "core/log.h"
#include "server/api.h"
#include "server/upload.h"

#ifndef IMAGEMESH_VERSION
#error "IMAGEMESH_VERSION must be defined by the build (CMakeLists.txt)"
#endif

namespace imagemesh::server {
namespace {

// Multipart framing around an upload: the body httplib accepts is this much larger than the
// image limit; the image itself is held to the limit exactly (upload.h).
constexpr size_t kMultipartSlack = 1 << 20;

// httplib's default options add SO_REUSEPORT, which lets a second server bind a port that is in
// use and silently take half its connections. Only SO_REUSEADDR (restart without waiting out
// TIME_WAIT), and no Nagle delay (a keep-alive request would otherwise wait ~40 ms for the ACK).
void socket_options(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

// The raw query string of the request target ("a=1&b=2" of "/api/images?a=1&b=2"), parsed by
// query_params.h rather than httplib, which is lenient ("=x" becomes a parameter "x").
std::string_view raw_query(const httplib::Request& req) {
  const std::string_view target = req.target;
  const size_t question = target.find('?');
  return question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
}

void send(httplib::Response& res, Reply reply) {
  res.status = reply.status;
  for (auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.status == 304) return;
  res.set_content(std::move(reply.body), reply.content_type);
}

// No route took the request: 405 for a path that exists under another method, else 404.
void not_routed(const httplib::Request& req, httplib::Response& res) {
  const std::string_view allowed = allowed_methods(req.path);
  if (allowed.empty()) {
    send(res, Reply::error(ApiError::not_found("no such path: " + req.path +
                                               " (docs/api.md lists the API's paths)")));
    return;
  }
  send(res, Reply::error(ApiError{405, "method-not-allowed", "",
                                  req.method + " is not allowed on " + req.path + "; it takes " +
                                      std::string(allowed)}));
  res.set_header("Allow", std::string(allowed));
}

}  // namespace

int server_threads(int threads) {
  if (threads > 0) return threads;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(16, 4 * cores);
}

struct Server::Impl {
  Impl(const query::Engine& engine, ServerOptions opts)
      : options(std::move(opts)),
        api(engine, ApiOptions{IMAGEMESH_VERSION, options.assets.value_or(built_in_web_assets()),
                               options.web_dir}),
        max_upload(engine.info().max_upload_bytes),
        threads(server_threads(options.threads)) {
    configure();
    install_routes();
  }

  void configure();
  void install_routes();
  void upload_route(const std::string& pattern, bool images);

  ServerOptions options;
  Api api;
  size_t max_upload;
  int threads;
  httplib::Server http;
  int port = -1;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> run_active{false};
  std::atomic<uint64_t> requests{0};
};

void Server::Impl::configure() {
  const size_t pool = static_cast<size_t>(threads);
  http.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  http.set_tcp_nodelay(true);
  http.set_socket_options(socket_options);
  http.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options.keep_alive_max_requests)));
  http.set_keep_alive_timeout(std::max(1, options.keep_alive_seconds));
  http.set_payload_max_length(max_upload + kMultipartSlack);
  // Every response: no MIME sniffing, and no Referer to the papers' pages on arxiv.org (the
  // explorer's URL holds the query).
  http.set_default_headers(
      {{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});

  // Errors httplib makes itself (400 malformed request, 413 body over the limit, 414 URI too
  // long, ...) reach here with an empty body; ours already carry JSON and pass unchanged.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        res.set_content(error_body(ApiError::from_http_status(res.status)), std::string(kJsonType));
        return httplib::Server::HandlerResponse::Handled;
      }));
  // The boundary where a throw (std::bad_alloc, a library bug) becomes a 500 with a JSON body.
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr thrown) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log::error("serve: internal error answering {} {}: {}", req.method, req.path, what);
        send(res, Reply::error(ApiError{500, "internal", "", "internal error: " + what}));
      });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    requests.fetch_add(1, std::memory_order_relaxed);
    if (options.access_log) log::info("{} {} {}", req.method, req.path, res.status);
  });
}

void Server::Impl::upload_route(const std::string& pattern, bool images) {
  http.Post(pattern, [this, images](const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader) {
    UploadRequest upload_request;
    upload_request.content_type = req.get_header_value("Content-Type");
    upload_request.multipart = req.is_multipart_form_data();
    if (req.has_header("Content-Length")) {
      upload_request.content_length = req.get_header_value<uint64_t>("Content-Length");
    }
    upload_request.max_image_bytes = max_upload;
    upload_request.max_body_bytes = max_upload + kMultipartSlack;
    auto upload = read_upload(upload_request, [&](const UploadSinks& sinks) {
      if (req.is_multipart_form_data()) {
        return reader([&](const httplib::MultipartFormData& part) { return sinks.part(part.name); },
                      [&](const char* data, size_t size) { return sinks.data(data, size); });
      }
      return reader([&](const char* data, size_t size) { return sinks.data(data, size); });
    });
    if (!upload.ok()) return send(res, Reply::error(upload.error()));
    send(res, images ? api.images(raw_query(req), std::move(*upload))
                     : api.compare(raw_query(req), std::move(*upload)));
  });
}

void Server::Impl::install_routes() {
  using Req = httplib::Request;
  using Res = httplib::Response;
  auto inm = [](const Req& req) { return req.get_header_value("If-None-Match"); };
  http.Get("/api/info", [this](const Req&, Res& res) { send(res, api.info()); });
  http.Get("/api/health", [this](const Req&, Res& res) { send(res, api.health()); });
  http.Get("/api/images",
           [this](const Req& req, Res& res) { send(res, api.images(raw_query(req), "")); });
  http.Get("/api/facets",
           [this](const Req& req, Res& res) { send(res, api.facets(raw_query(req))); });
  http.Get("/api/compare",
           [this](const Req& req, Res& res) { send(res, api.compare(raw_query(req), "")); });
  upload_route("/api/images", true);
  upload_route("/api/compare", false);
  http.Get(R"(/api/image/([^/]+))",
           [this](const Req& req, Res& res) { send(res, api.image(req.matches[1].str())); });
  http.Get(R"(/thumb/([^/]+))", [this, inm](const Req& req, Res& res) {
    send(res, api.thumbnail(req.matches[1].str(), inm(req)));
  });
  http.Get("/", [this, inm](const Req& req, Res& res) { send(res, api.asset("", inm(req))); });
  http.Get(R"(/static/(.+))", [this, inm](const Req& req, Res& res) {
    send(res, api.asset(req.matches[1].str(), inm(req)));
  });

  // Everything else, after the routes above (httplib tries patterns in order). Bodies of refused
  // requests are read and dropped, up to the body limit, so the connection stays usable.
  const size_t drain_limit = max_upload + kMultipartSlack;
  auto drain = [drain_limit](const Req& req, Res& res, const httplib::ContentReader& reader) {
    size_t seen = 0;
    auto count = [&](const char*, size_t size) { return (seen += size) <= drain_limit; };
    const bool read = req.is_multipart_form_data()
                          ? reader([](const httplib::MultipartFormData&) { return true; }, count)
                          : reader(count);
    const bool declared_too_large = req.has_header("Content-Length") &&
                                    req.get_header_value<uint64_t>("Content-Length") > drain_limit;
    if (!read && (seen > drain_limit || declared_too_large)) {
      return send(res, Reply::error(ApiError::from_http_status(413)));
    }
    not_routed(req, res);
  };
  const std::string any = ".*";
  http.Get(any, not_routed);
  http.Post(any, drain);
  http.Post(any, not_routed);
  http.Put(any, drain);
  http.Put(any, not_routed);
  http.Patch(any, drain);
  http.Patch(any, not_routed);
  http.Delete(any, drain);
  http.Delete(any, not_routed);
  http.Options(any, not_routed);
}

Server::Server(const query::Engine& engine, ServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}

Server::~Server() { stop(); }

Result<int> Server::bind(const std::string& host, int port) {
  if (port < 0 || port > 65535) {
    return Status(ErrorCode::kInvalidArgument,
                  "port " + std::to_string(port) + " is not a TCP port (0..65535)");
  }
  errno = 0;
  int bound = port;
  if (port == 0) {
    bound = impl_->http.bind_to_any_port(host);
  } else if (!impl_->http.bind_to_port(host, port)) {
    bound = -1;
  }
  const int error = errno;
  if (bound < 0) {
    const std::string where = host + ":" + std::to_string(port);
    if (error == EADDRINUSE) {
      return Status(ErrorCode::kIo, "port " + std::to_string(port) + " on " + host +
                                        " is already in use: stop what listens there or choose "
                                        "another --port");
    }
    if (error == EACCES) {
      return Status(ErrorCode::kIo, "not permitted to listen on " + where +
                                        " (ports below 1024 need privileges): choose another "
                                        "--port");
    }
    return Status(ErrorCode::kInvalidArgument,
                  "cannot listen on " + where + ": is '" + host +
                      "' an address of this machine? (e.g. 127.0.0.1, 0.0.0.0, ::1)");
  }
  impl_->port = bound;
  return bound;
}

Status Server::run() {
  if (impl_->port < 0) return Status(ErrorCode::kInternal, "Server::run() before bind()");
  // Paired with stop(): either stop() sees run_active and waits for the listener to start, or
  // run() sees stop_requested and does not start it.
  impl_->run_active = true;
  if (impl_->stop_requested) {
    impl_->run_active = false;
    return Status::Ok();
  }
  const bool clean = impl_->http.listen_after_bind();
  impl_->run_active = false;
  if (!clean && !impl_->stop_requested) {
    return Status(ErrorCode::kIo, "the server stopped accepting connections");
  }
  return Status::Ok();
}

void Server::stop() {
  impl_->stop_requested = true;
  while (impl_->run_active && !impl_->http.is_running()) std::this_thread::yield();
  impl_->http.stop();
}

int Server::port() const { return impl_->port; }

uint64_t Server::requests() const { return impl_->requests.load(std::memory_order_relaxed); }

int Server::threads() const { return impl_->threads; }

}  // namespace imagemesh::server

#include "ingest/oai_harvest.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <memory>
#include <new>
#include <thread>
#include <utility>

#include "core/utf8.h"

namespace imagemesh::ingest {
namespace {

using std::chrono::milliseconds;

constexpr size_t kMaxBodyBytes = size_t{256} << 20;
constexpr long kMaxRedirects = 5;
// A Retry-After beyond this is nonsense; capping it keeps the conversion to ms from overflowing.
constexpr long long kMaxRetryAfterSeconds = 1'000'000'000;

// libcurl's process-wide state. curl_global_init must run before any other libcurl call and, in
// general, is not thread-safe, so it runs once (a function-local static is initialised exactly
// once even when threads race). It is never cleaned up: like OpenSSL's, the state lives as long
// as the process.
Status curl_ready() {
  static const CURLcode kInit = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (kInit != CURLE_OK) {
    return error(ErrorCode::kInternal,
                 std::string("libcurl initialisation failed: ") + curl_easy_strerror(kInit));
  }
  return Status::Ok();
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

// What one request brought back.
struct Response {
  CURLcode code = CURLE_OK;
  std::string transfer_error;  // libcurl's message when code is not CURLE_OK
  long http_status = 0;        // of the last response of a redirect chain; 0: none
  std::string body;
  bool too_large = false;
  std::optional<std::chrono::seconds> retry_after;
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<Response*>(user);
  const size_t bytes = size * count;
  if (bytes > kMaxBodyBytes - response->body.size()) {
    response->too_large = true;
    return 0;  // anything but `bytes` aborts the transfer with CURLE_WRITE_ERROR
  }
  response->body.append(data, bytes);
  return bytes;
}

// Called once per header line, for every response of a redirect chain (and for interim 1xx ones):
// a status line starts a new response, so only the final response's Retry-After counts.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<Response*>(user);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (line.substr(0, 5) == "HTTP/") {
    response->retry_after.reset();
    response->body.clear();
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    if (iequals(trim_ascii_space(line.substr(0, colon)), "Retry-After")) {
      response->retry_after = parse_retry_after(line.substr(colon + 1), std::time(nullptr));
    }
  }
  return bytes;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

Status validate(const HarvestRequest& request, const HarvestPolicy& policy, const PageSink& sink) {
  if (!starts_with_ignoring_case(request.endpoint, "http://") &&
      !starts_with_ignoring_case(request.endpoint, "https://")) {
    return error(ErrorCode::kInvalidArgument,
                 "OAI-PMH endpoint '" + request.endpoint + "' is not an http:// or https:// URL");
  }
  if (request.resumption_token.empty() && request.metadata_prefix.empty()) {
    return error(ErrorCode::kInvalidArgument, "OAI-PMH ListRecords needs a metadataPrefix");
  }
  if (policy.max_attempts < 1) {
    return error(ErrorCode::kInvalidArgument, "harvest policy: max_attempts must be at least 1");
  }
  if (policy.polite_delay.count() < 0 || policy.first_backoff.count() < 0 ||
      policy.max_wait.count() < 0 || policy.request_timeout.count() < 0) {
    return error(ErrorCode::kInvalidArgument, "harvest policy: a duration is negative");
  }
  if (!sink) return error(ErrorCode::kInvalidArgument, "harvest needs a page sink");
  return Status::Ok();
}

// One handle for the whole harvest, so the connection is reused from page to page.
Result<CurlHandle> open_handle(const HarvestPolicy& policy) {
  CurlHandle curl(curl_easy_init());
  if (!curl) return error(ErrorCode::kInternal, "curl_easy_init failed");
  CURL* c = curl.get();
  // Seconds to ms in long: request_timeout is bounded so the product cannot overflow.
  const long long timeout_seconds =
      std::min<long long>(policy.request_timeout.count(), std::numeric_limits<long>::max() / 1000);
  curl_write_callback write = &on_body;
  curl_write_callback header = &on_header;
  // libcurl's compile-time option type checks are C only, so every integer here is a long and
  // every string a char*, on purpose.
  const CURLcode codes[] = {
      curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L),  // threads: no SIGALRM for DNS timeouts
      curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"),
      curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
      curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L),
      curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects),
      curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""),  // every encoding libcurl can decode
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds * 1000)),
      curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxBodyBytes)),
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write),
      curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header),
      curl_easy_setopt(c, CURLOPT_USERAGENT,
                       policy.user_agent.empty() ? nullptr : policy.user_agent.c_str()),
  };
  for (CURLcode code : codes) {
    if (code != CURLE_OK) {
      return error(ErrorCode::kInternal,
                   std::string("libcurl refused an option: ") + curl_easy_strerror(code));
    }
  }
  return curl;
}

Response fetch(CURL* curl, const std::string& url) {
  Response response;
  char message[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, message);
  response.code = curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (response.code == CURLE_OK) response.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.http_status);
  if (response.code != CURLE_OK) {
    response.transfer_error = message[0] != '\0' ? message : curl_easy_strerror(response.code);
  }
  // The handle outlives this frame: leave it no pointers into it.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
  return response;
}

// Worth another try: the network or the server may do better later.
bool transient_transfer_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:  // a gzip stream cut short
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool transient_status(long status) { return status >= 500 || status == 429; }

std::string describe(const Response& response) {
  if (response.code != CURLE_OK) return response.transfer_error;
  return "HTTP " + std::to_string(response.http_status);
}

// The error for a response that no retry will fix.
Status permanent_failure(const std::string& url, const Response& response) {
  const std::string request = "OAI-PMH request " + url + ": ";
  if (response.too_large || response.code == CURLE_FILESIZE_EXCEEDED) {
    return error(ErrorCode::kTooLarge,
                 request + "the response is larger than " + std::to_string(kMaxBodyBytes >> 20) +
                     " MiB; ask for smaller pages (a set or a from/until range)");
  }
  if (response.code != CURLE_OK) {
    ErrorCode code = ErrorCode::kIo;
    if (response.code == CURLE_URL_MALFORMAT) code = ErrorCode::kInvalidArgument;
    if (response.code == CURLE_UNSUPPORTED_PROTOCOL || response.code == CURLE_TOO_MANY_REDIRECTS) {
      code = ErrorCode::kUnsupported;
    }
    return error(code, request + response.transfer_error + "; check the endpoint URL");
  }
  const long status = response.http_status;
  if (status == 404 || status == 410) {
    return error(ErrorCode::kNotFound, request + "HTTP " + std::to_string(status) +
                                           ": no OAI-PMH endpoint there; check the URL");
  }
  if (status >= 400) {
    return error(ErrorCode::kInvalidArgument,
                 request + "HTTP " + std::to_string(status) +
                     ": the server refused the request; check the endpoint and the arguments");
  }
  return error(ErrorCode::kUnsupported, request + "unexpected final HTTP status " +
                                            std::to_string(status) + "; check the endpoint URL");
}

// The request for the page after the one that returned `token`: per OAI-PMH, verb and token only.
HarvestRequest continuation(const HarvestRequest& request, const std::string& token) {
  HarvestRequest next;
  next.endpoint = request.endpoint;
  next.resumption_token = token;
  return next;
}

std::string escaped(std::string_view text) {
  // curl_easy_escape takes an int length, and 0 would make it call strlen(): escape in pieces,
  // and never an empty one. Escaping works byte by byte, so any split gives the same result.
  constexpr size_t kPiece = size_t{1} << 20;
  std::string result;
  for (size_t at = 0; at < text.size(); at += kPiece) {
    const std::string_view piece = text.substr(at, kPiece);
    // Since libcurl 7.82 the handle argument is unused and may be null.
    std::unique_ptr<char, decltype(&curl_free)> out(
        curl_easy_escape(nullptr, piece.data(), static_cast<int>(piece.size())), &curl_free);
    if (!out) throw std::bad_alloc();  // as a std::string would on the same failure
    result += out.get();
  }
  return result;
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  value = trim_ascii_space(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    long long seconds = 0;
    auto [end, failure] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (failure == std::errc::result_out_of_range || seconds > kMaxRetryAfterSeconds) {
      seconds = kMaxRetryAfterSeconds;
    }
    return std::chrono::seconds(seconds);
  }
  const std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return std::chrono::seconds(
      std::clamp<long long>(static_cast<long long>(when) - now, 0, kMaxRetryAfterSeconds));
}

std::string list_records_url(const HarvestRequest& request) {
  std::string url = request.endpoint;
  if (url.find('?') == std::string::npos) {
    url += '?';
  } else if (url.back() != '?' && url.back() != '&') {
    url += '&';
  }
  url += "verb=ListRecords";
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    url += '&';
    url += name;
    url += '=';
    url += escaped(value);
  };
  if (!request.resumption_token.empty()) {
    add("resumptionToken", request.resumption_token);
    return url;
  }
  add("metadataPrefix", request.metadata_prefix);
  add("from", request.from);
  add("until", request.until);
  add("set", request.set);
  return url;
}

Result<HarvestReport> harvest(const HarvestRequest& request, const HarvestPolicy& policy,
                              const PageSink& sink, const Sleeper& sleeper, HarvestReport* report) {
  HarvestReport local;
  HarvestReport& progress = report ? *report : local;
  progress = HarvestReport{};
  progress.last_token = request.resumption_token;
  IM_RETURN_IF_ERROR(validate(request, policy, sink));
  IM_RETURN_IF_ERROR(curl_ready());
  IM_ASSIGN_OR_RETURN(CurlHandle curl, open_handle(policy));

  auto wait = [&](milliseconds duration) {
    progress.waited += duration;
    if (sleeper) {
      sleeper(duration);
    } else {
      std::this_thread::sleep_for(duration);
    }
  };

  HarvestRequest next = request;
  for (int number = 1;; ++number) {
    const std::string url = list_records_url(next);
    milliseconds backoff = policy.first_backoff;
    Response response;
    for (int attempt = 1;; ++attempt) {
      response = fetch(curl.get(), url);
      const bool succeeded =
          response.code == CURLE_OK && response.http_status >= 200 && response.http_status < 300;
      if (succeeded) break;
      const bool transient = response.code != CURLE_OK ? transient_transfer_error(response.code)
                                                       : transient_status(response.http_status);
      if (!transient) return permanent_failure(url, response);
      if (attempt >= policy.max_attempts) {
        return error(ErrorCode::kIo,
                     "OAI-PMH request " + url + " still failed after " + std::to_string(attempt) +
                         " attempts (last: " + describe(response) + "); " +
                         std::to_string(progress.pages) +
                         " page(s) were harvested before it. The server may be down or busy: "
                         "run the same command again later to resume the harvest");
      }
      // The server's own estimate beats ours; never retry faster than the polite delay.
      const bool asked = response.retry_after.has_value() &&
                         (response.http_status == 503 || response.http_status == 429);
      milliseconds pause =
          asked ? std::chrono::duration_cast<milliseconds>(*response.retry_after) : backoff;
      pause = std::min(std::max(pause, policy.polite_delay), policy.max_wait);
      ++progress.retries;
      if (asked) ++progress.retry_after;
      wait(pause);
      backoff = backoff > policy.max_wait / 2 ? policy.max_wait : backoff * 2;
    }

    HarvestedPage page{number, url, std::move(response.body)};
    Result<std::string> token = sink(page);
    if (!token.ok()) {
      return token.status().with_context("OAI-PMH page " + std::to_string(number) + " (" + url +
                                         ")");
    }
    ++progress.pages;
    progress.last_token = *token;
    if (token->empty()) {
      progress.complete = true;
      return progress;
    }
    wait(policy.polite_delay);
    next = continuation(request, *token);
  }
}

}  // namespace imagemesh::ingest

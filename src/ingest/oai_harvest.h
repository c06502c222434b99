// An OAI-PMH 2.0 ListRecords client: follows resumption tokens page by page, waits politely between
// requests, retries transient failures with exponential backoff and honours `503 Retry-After`
// (the way arXiv's endpoint asks harvesters to slow down).
//
// The client fetches; it does not parse records or store anything. Each page's body goes to a
// PageSink, which parses and stores it and returns the page's resumption token. Storing the records
// and the token together (one transaction) is what makes an interrupted harvest resumable: start
// again with HarvestRequest::resumption_token set to the last stored token.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::ingest {

struct HarvestRequest {
  std::string endpoint;  // base URL, "https://oaipmh.arxiv.org/oai"; http or https only
  std::string metadata_prefix = "arXiv";
  std::string from;   // YYYY-MM-DD or ""; sent only on the first request of a list
  std::string until;  // YYYY-MM-DD or ""
  std::string set;    // setSpec, e.g. "physics:hep-ph", or ""
  // Non-empty: continue a list. Per OAI-PMH, the request then carries only verb and token.
  std::string resumption_token;
};

// Durations must not be negative and max_attempts must be at least 1 (else kInvalidArgument).
struct HarvestPolicy {
  std::chrono::milliseconds polite_delay{3000};   // between consecutive pages; the least retry wait
  int max_attempts = 6;                           // per page, first try included
  std::chrono::milliseconds first_backoff{5000};  // doubled after each failed attempt
  std::chrono::milliseconds max_wait{600000};     // cap on one backoff or Retry-After wait
  std::chrono::seconds request_timeout{300};      // whole request, connect included; 0: none
  std::string user_agent = "imagemesh/0.1 (OAI-PMH harvester)";
};

// One fetched page. `number` counts pages of this call, from 1.
struct HarvestedPage {
  int number = 0;
  std::string url;  // the request, for messages
  // The response as received: decompressed if the server gzipped it, at most 256 MiB.
  std::string body;
};

// Parses and stores one page; returns its resumption token ("" ends the list) or an error, which
// stops the harvest and is returned by harvest().
using PageSink = std::function<Result<std::string>(const HarvestedPage& page)>;

// Waits; injectable so tests run fast. The default (an empty Sleeper) sleeps the thread.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

struct HarvestReport {
  int pages = 0;        // pages handed to the sink successfully
  int retries = 0;      // failed attempts that were retried
  int retry_after = 0;  // of which 503 (or 429) with a Retry-After the client honoured
  std::chrono::milliseconds waited{0};  // total asked of the Sleeper (polite delay + backoff)
  // The token of the last stored page, or the request's token while no page is stored yet; ""
  // when the list is complete (or nothing was stored of a list started from the beginning).
  std::string last_token;
  bool complete = false;  // the server said the list ended
};

// Harvests until the list ends or something fails for good. Transient failures (connection
// errors, timeouts, HTTP 5xx and 429) are retried; a Retry-After header (seconds or HTTP-date) on
// a 503 or 429 sets the wait instead of the backoff, capped at max_wait. Bodies are not inspected:
// any 2xx goes to the sink, whose parse decides whether it is an OAI-PMH response.
// Errors, each naming the URL, the HTTP status or transfer error, and what to do:
//   kInvalidArgument  a bad request or policy (nothing sent), or an HTTP 4xx other than 404/410/429
//   kNotFound         HTTP 404 or 410 (a wrong endpoint)
//   kIo               attempts exhausted on transient failures, or a permanent transfer error (TLS)
//   kTooLarge         a body over 256 MiB
//   kUnsupported      a redirect loop or one to another scheme; a final 1xx/3xx status
//   kInternal         libcurl could not be initialised or refused an option
//   the sink's code   its error, with "OAI-PMH page N (URL): " before the message
// `report` (optional) is filled on success and failure alike; after a failure it says how far the
// harvest got, so the caller can resume from report->last_token.
Result<HarvestReport> harvest(const HarvestRequest& request, const HarvestPolicy& policy,
                              const PageSink& sink, const Sleeper& sleeper = {},
                              HarvestReport* report = nullptr);

// The URL of the request harvest() sends for `request` (for messages and tests): arguments are
// percent-escaped and appended with '&' when the endpoint already has a query.
std::string list_records_url(const HarvestRequest& request);

// The wait a Retry-After header value asks for: delta-seconds ("120") or an HTTP-date ("Wed, 21
// Oct 2015 07:28:00 GMT") relative to `now` (a past date is 0 s). nullopt when it is neither.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

}  // namespace imagemesh::ingest

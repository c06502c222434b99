// Test support: a minimal HTTP/1.1 client over a loopback TCP socket, for server tests and the
// serve integration test. Deliberately not httplib: requests go out byte for byte as written
// (hostile paths are not normalised), and test code needs no build flags of the library.
// Header-only; keep-alive by default; every read has a timeout so a broken server fails a test
// instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace imagemesh::server::testing {

struct HttpResponse {
  int status = 0;  // 0: no response (connection failed, closed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(int port, int timeout_ms = 20000) : port_(port), timeout_ms_(timeout_ms) {}
  ~HttpClient() { disconnect(); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return request("GET", target, headers, "");
  }

  HttpResponse post(const std::string& target, const std::string& content_type,
                    const std::string& body) {
    return request("POST", target, {{"Content-Type", content_type}}, body);
  }

  // A request with Content-Length (when there is a body or the method usually has one).
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += "\r\n";
    text += body;
    return raw(text, method == "HEAD");
  }

  // Sends `bytes` as they are and reads one response (no body for a HEAD request).
  HttpResponse raw(const std::string& bytes, bool head = false) {
    const bool reused = fd_ >= 0;
    if (!reused && !connect_now()) return {};
    HttpResponse response;
    if (send_all(bytes)) response = read_response(head);
    if (response.status == 0 && reused && buffer_.empty()) {
      // A keep-alive connection the server had closed (idle timeout): once more on a fresh one.
      if (!connect_now() || !send_all(bytes)) return {};
      response = read_response(head);
    }
    if (response.status == 0 || response.header("connection") == "close") disconnect();
    return response;
  }

  bool connect_now() {
    disconnect();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int yes = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      disconnect();
      return false;
    }
    return true;
  }

  void disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    buffer_.clear();
  }

  bool connected() const { return fd_ >= 0; }

 private:
  bool send_all(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // More bytes into buffer_; false on close, error or timeout.
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms_) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  HttpResponse read_response(bool head) {
    HttpResponse response;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return {};
    }
    const std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) return {};
    response.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head_text.find("\r\n", start);
      const std::string line = head_text.substr(start, line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      response.headers[name] = line.substr(value_start);
    }
    if (head || response.status == 304 || response.status == 204) return response;
    const std::string length = response.header("content-length");
    if (!length.empty()) {
      const size_t want = std::stoul(length);
      while (buffer_.size() < want) {
        if (!fill()) return {};
      }
      response.body = buffer_.substr(0, want);
      buffer_.erase(0, want);
    } else if (response.header("transfer-encoding") == "chunked") {
      while (true) {
        size_t eol;
        while ((eol = buffer_.find("\r\n")) == std::string::npos) {
          if (!fill()) return {};
        }
        const size_t size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
        while (buffer_.size() < eol + 2 + size + 2) {
          if (!fill()) return {};
        }
        response.body += buffer_.substr(eol + 2, size);
        buffer_.erase(0, eol + 2 + size + 2);
        if (size == 0) break;
      }
    } else {
      while (fill()) {
      }
      response.body = std::move(buffer_);
      buffer_.clear();
      disconnect();
    }
    return response;
  }

  int port_;
  int timeout_ms_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace imagemesh::server::testing

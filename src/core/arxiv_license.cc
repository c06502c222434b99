#include "core/arxiv_license.h"

#include <cctype>
#include <utility>

#include "core/utf8.h"

namespace imagemesh {
namespace {

bool consume(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "by-nc-sa/4.0" -> {"by-nc-sa", "4.0"}; the version may be absent.
std::pair<std::string_view, std::string_view> split_path(std::string_view path) {
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) return {path, {}};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

ArxivLicense arxiv_license(std::string_view url) {
  const std::string_view original = trim_ascii_space(url);
  if (original.empty()) return {"none", "none"};
  std::string_view rest = original;
  if (!consume(rest, "http://")) consume(rest, "https://");
  consume(rest, "www.");
  while (rest.ends_with('/')) rest.remove_suffix(1);
  auto versioned = [](std::string family, std::string_view version) {
    std::string name = family;
    if (!version.empty()) name += " " + std::string(version);
    return ArxivLicense{std::move(name), std::move(family)};
  };

  if (consume(rest, "creativecommons.org/")) {
    if (consume(rest, "publicdomain/zero/")) return versioned("CC0", rest);
    if (rest == "licenses/publicdomain" || rest.starts_with("publicdomain/mark/")) {
      return {"Public domain", "Public domain"};
    }
    if (consume(rest, "licenses/")) {
      auto [code, version] = split_path(rest);
      return versioned("CC " + upper(code), version);
    }
  }
  if (consume(rest, "arxiv.org/licenses/")) {
    auto [code, version] = split_path(rest);
    if (code == "nonexclusive-distrib") return versioned("arXiv non-exclusive", version);
    if (code == "assumed-1991-2003") return {"arXiv assumed 1991-2003", "arXiv assumed 1991-2003"};
  }
  return {std::string(original), std::string(original)};
}

}  // namespace imagemesh

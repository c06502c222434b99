#include "core/arxiv_id.h"

#include <cctype>

namespace imagemesh {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool valid_yymm(std::string_view yymm) {
  if (yymm.size() != 4 || !all_digits(yymm)) return false;
  int month = (yymm[2] - '0') * 10 + (yymm[3] - '0');
  return month >= 1 && month <= 12;
}

// Splits a trailing "vN" off `s`; returns the version or 0.
int split_version(std::string_view& s) {
  size_t v = s.rfind('v');
  if (v == std::string_view::npos || v + 1 >= s.size()) return 0;
  std::string_view digits = s.substr(v + 1);
  if (!all_digits(digits) || digits.size() > 4) return 0;
  int version = std::stoi(std::string(digits));
  s = s.substr(0, v);
  return version;
}

bool valid_archive_name(std::string_view archive) {
  // "hep-ph", "math", "cond-mat", "math.AG", "q-alg", "solv-int" ...
  if (archive.empty() || archive.size() > 24) return false;
  if (!std::isalpha(static_cast<unsigned char>(archive[0]))) return false;
  for (char c : archive) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string_view id_kind_name(IdKind kind) {
  switch (kind) {
    case IdKind::kNewStyle:
      return "arxiv-new";
    case IdKind::kOldStyle:
      return "arxiv-old";
    case IdKind::kLocal:
      return "local";
  }
  return "local";
}

std::string PaperId::bulk_stem() const {
  if (kind != IdKind::kOldStyle) return id;
  std::string stem = id;
  size_t slash = stem.find('/');
  if (slash != std::string::npos) stem.erase(slash, 1);
  return stem;
}

std::optional<PaperId> parse_arxiv_id(std::string_view text) {
  for (std::string_view prefix : {"oai:arXiv.org:", "arXiv:", "arxiv:"}) {
    if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  }
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string_view body = text;
  int version = split_version(body);

  // New style: YYMM.NNNN(N)
  size_t dot = body.find('.');
  if (dot == 4 && valid_yymm(body.substr(0, 4))) {
    std::string_view number = body.substr(5);
    if (all_digits(number) && (number.size() == 4 || number.size() == 5)) {
      PaperId id{std::string(body), version, std::string(body.substr(0, 4)), IdKind::kNewStyle};
      return id;
    }
  }

  // Old style: archive[.SC]/YYMMNNN or archive[.SC]YYMMNNN (bulk spelling).
  std::string_view archive, number;
  size_t slash = body.find('/');
  if (slash != std::string_view::npos) {
    archive = body.substr(0, slash);
    number = body.substr(slash + 1);
  } else if (body.size() > 7) {
    archive = body.substr(0, body.size() - 7);
    number = body.substr(body.size() - 7);
  }
  if (number.size() == 7 && all_digits(number) && valid_archive_name(archive) &&
      valid_yymm(number.substr(0, 4))) {
    // The canonical form drops the subject class: "math.AG/0101001" is "math/0101001".
    std::string_view canonical_archive = archive.substr(0, archive.find('.'));
    PaperId id{std::string(canonical_archive) + "/" + std::string(number), version,
               std::string(number.substr(0, 4)), IdKind::kOldStyle};
    return id;
  }
  return std::nullopt;
}

PaperId paper_id_from_name(std::string_view file_name) {
  size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  std::string_view stem = file_name;
  for (std::string_view ext : {".tar.gz", ".tgz", ".tar", ".gz", ".pdf", ".zip"}) {
    if (stem.size() > ext.size() && stem.substr(stem.size() - ext.size()) == ext) {
      stem.remove_suffix(ext.size());
      break;
    }
  }
  if (auto id = parse_arxiv_id(stem)) return *id;
  std::string local = "local:";
  for (char c : stem) {
    unsigned char u = static_cast<unsigned char>(c);
    local += (std::isalnum(u) || c == '-' || c == '_' || c == '.') ? c : '_';
  }
  if (local.size() == 6) local += "unnamed";
  return PaperId{local, 0, "", IdKind::kLocal};
}

}  // namespace imagemesh

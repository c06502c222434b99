// arXiv identifiers: parsing, normalisation and the bulk-member spelling.
//
//   new style  YYMM.NNNN or YYMM.NNNNN, optional vN          "1305.5590v2"
//   old style  archive[.SC]/YYMMNNN, optional vN             "hep-ph/0107222", "math.AG/0101001"
//   bulk form  old style without the slash                  "hep-ph0107222" (member
//   0107/hep-ph0107222.gz)
//
// A paper is identified by its id without version; the version is an attribute. Inputs that carry
// no arXiv id (e.g. a folder "my-paper") get a local id derived from their name, flagged kLocal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imagemesh {

enum class IdKind { kNewStyle, kOldStyle, kLocal };

std::string_view id_kind_name(IdKind kind);  // "arxiv-new", "arxiv-old", "local"

struct PaperId {
  std::string id;    // canonical, no version: "1305.5590", "hep-ph/0107222", "local:my-paper"
  int version = 0;   // 0 when unknown
  std::string yymm;  // "1305"; empty for local ids
  IdKind kind = IdKind::kLocal;

  bool is_arxiv() const { return kind != IdKind::kLocal; }
  // The spelling used in bulk member names: "hep-ph0107222" for old style, the id otherwise.
  std::string bulk_stem() const;
  bool operator==(const PaperId&) const = default;
};

// Parses an arXiv id in any of the spellings above (also "arXiv:1305.5590", "oai:arXiv.org:..."),
// or returns nullopt.
std::optional<PaperId> parse_arxiv_id(std::string_view text);

// Derives the id of an input from its file or folder name: strips .tar.gz/.tgz/.tar/.gz/.pdf and
// parses what remains as an arXiv id; otherwise returns a local id "local:<sanitised name>".
PaperId paper_id_from_name(std::string_view file_name);

}  // namespace imagemesh

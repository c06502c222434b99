// TeX fragment (a caption, title, author or abstract) -> plain UTF-8 text for search: accents
// become Unicode, formatting commands disappear with their arguments kept, labels and citations
// are dropped, references become the figure number or "?", math stays as $...$, whitespace is
// collapsed. Linear; user macros are expanded with a small cap.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace imagemesh::latex {

class MacroTable;

struct PlainTextOptions {
  const MacroTable* macros = nullptr;
  // Text for \ref{label}; "?" when null or when it returns "".
  std::function<std::string(std::string_view)> ref_text;
  // Author names: math ($^{1}$), footnotes, \thanks and affiliation marks go.
  bool author_mode = false;
};

std::string tex_to_plain(std::string_view tex, const PlainTextOptions& options = {});

// Unicode for an accent command applied to `base` ("'" + "e" -> "é"); base + combining mark when
// there is no precomposed character.
std::string apply_accent(std::string_view accent, std::string_view base);

}  // namespace imagemesh::latex

// Low-level TeX scanning on UTF-8 text: command names, brace groups, optional arguments, comment
// stripping and line numbers. Everything is iterative and linear; groups have length caps.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imagemesh::latex {

inline bool is_command_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@';
}
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Reads a control sequence name at `pos` (just after the backslash): a run of letters, or one
// character (one UTF-8 code point). Advances `pos`; for a control word also skips the spaces
// TeX would skip after it when `skip_trailing_spaces`.
std::string_view read_command_name(std::string_view text, size_t& pos,
                                   bool skip_trailing_spaces = false);

// Skips spaces, tabs and newlines, but stops before a blank line (a paragraph break) when
// `stop_at_par`.
void skip_spaces(std::string_view text, size_t& pos, bool stop_at_par = false);

enum class GroupStatus { kOk, kNoGroup, kUnbalanced, kTooLong };

struct GroupLimits {
  size_t max_length = 1u << 20;
  // Markers that end the group early (unbalanced input), e.g. "\\end{figure}". The group content
  // then runs up to the marker, which is not consumed.
  std::vector<std::string_view> stop_markers;
};

// Expects '{' at `pos` after optional spaces. On kOk, `content` is what lies between the braces and
// `pos` is after the closing brace. On kUnbalanced/kTooLong, `content` runs to where scanning
// stopped and `pos` is there. On kNoGroup nothing is consumed.
GroupStatus read_group(std::string_view text, size_t& pos, std::string_view& content,
                       const GroupLimits& limits = {});

// Reads "[...]" (brace-balanced inside) after optional spaces; false and nothing consumed if the
// next character is not '['.
bool read_optional(std::string_view text, size_t& pos, std::string_view& content,
                   size_t max_length = 1u << 16);

// A macro argument: a brace group's content, or one token (a control sequence or one character).
// Empty at end of text.
std::string_view read_argument(std::string_view text, size_t& pos);

// Removes what TeX never reads as text: % comments (not \%), comment environments, and keeps
// verbatim material untouched. Every newline is kept so line numbers do not change.
std::string strip_comments(std::string_view text);

// Offsets -> 1-based line numbers.
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);
  int line_of(size_t offset) const;

 private:
  std::vector<size_t> starts_;
};

std::string_view trim(std::string_view s);

}  // namespace imagemesh::latex

#include "latex/tex_lexer.h"

#include <algorithm>

namespace imagemesh::latex {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view read_command_name(std::string_view text, size_t& pos, bool skip_trailing_spaces) {
  size_t start = pos;
  if (pos >= text.size()) return {};
  if (is_command_letter(text[pos])) {
    while (pos < text.size() && is_command_letter(text[pos])) ++pos;
    std::string_view name = text.substr(start, pos - start);
    if (skip_trailing_spaces) {
      while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    }
    return name;
  }
  // One code point.
  ++pos;
  while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  return text.substr(start, pos - start);
}

void skip_spaces(std::string_view text, size_t& pos, bool stop_at_par) {
  bool seen_newline = false;
  while (pos < text.size() && is_space(text[pos])) {
    if (text[pos] == '\n') {
      if (stop_at_par && seen_newline) return;
      seen_newline = true;
    }
    ++pos;
  }
}

GroupStatus read_group(std::string_view text, size_t& pos, std::string_view& content,
                       const GroupLimits& limits) {
  size_t p = pos;
  skip_spaces(text, p);
  if (p >= text.size() || text[p] != '{') return GroupStatus::kNoGroup;
  size_t begin = p + 1;
  size_t depth = 1;
  for (size_t i = begin; i < text.size(); ++i) {
    if (i - begin > limits.max_length) {
      content = text.substr(begin, i - begin);
      pos = i;
      return GroupStatus::kTooLong;
    }
    char c = text[i];
    if (c == '\\') {
      for (std::string_view marker : limits.stop_markers) {
        if (text.substr(i, marker.size()) == marker) {
          content = text.substr(begin, i - begin);
          pos = i;
          return GroupStatus::kUnbalanced;
        }
      }
      ++i;  // skip the escaped character
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) {
        content = text.substr(begin, i - begin);
        pos = i + 1;
        return GroupStatus::kOk;
      }
    }
  }
  content = text.substr(begin);
  pos = text.size();
  return GroupStatus::kUnbalanced;
}

bool read_optional(std::string_view text, size_t& pos, std::string_view& content,
                   size_t max_length) {
  size_t p = pos;
  skip_spaces(text, p);
  if (p >= text.size() || text[p] != '[') return false;
  size_t begin = p + 1;
  size_t depth = 0;
  for (size_t i = begin; i < text.size() && i - begin <= max_length; ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (depth > 0) --depth;
    } else if (c == ']' && depth == 0) {
      content = text.substr(begin, i - begin);
      pos = i + 1;
      return true;
    }
  }
  return false;  // no closing bracket: treat the '[' as text
}

std::string_view read_argument(std::string_view text, size_t& pos) {
  skip_spaces(text, pos);
  if (pos >= text.size()) return {};
  std::string_view content;
  GroupLimits limits;
  limits.max_length = 1u << 18;
  if (text[pos] == '{') {
    GroupStatus status = read_group(text, pos, content, limits);
    if (status == GroupStatus::kOk) return content;
    return content;
  }
  size_t start = pos;
  if (text[pos] == '\\') {
    ++pos;
    read_command_name(text, pos);
    return text.substr(start, pos - start);
  }
  if (text[pos] == '}') return {};  // end of the enclosing group: no argument
  ++pos;
  while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  return text.substr(start, pos - start);
}

namespace {

constexpr std::string_view kVerbatimEnvs[] = {"verbatim", "verbatim*", "lstlisting",
                                              "Verbatim", "minted",    "alltt"};
constexpr std::string_view kCommentEnvs[] = {"comment"};

// If `text[i]` starts "\begin{<one of names>}", returns the name's length.
std::string_view begin_of(std::string_view text, size_t i, const std::string_view* names,
                          size_t count) {
  if (text.substr(i, 7) != "\\begin{") return {};
  for (size_t k = 0; k < count; ++k) {
    std::string_view name = names[k];
    if (text.substr(i + 7, name.size()) == name && text.substr(i + 7 + name.size(), 1) == "}") {
      return name;
    }
  }
  return {};
}

}  // namespace

std::string strip_comments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '%') {
      size_t nl = text.find('\n', i);
      if (nl == std::string_view::npos) break;
      i = nl;  // keep the newline itself
      continue;
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (std::string_view env = begin_of(text, i, kCommentEnvs, std::size(kCommentEnvs));
        !env.empty()) {
      std::string end = "\\end{" + std::string(env) + "}";
      size_t stop = text.find(end, i);
      size_t until = stop == std::string_view::npos ? text.size() : stop + end.size();
      for (size_t k = i; k < until; ++k) {
        if (text[k] == '\n') out += '\n';
      }
      i = until;
      continue;
    }
    if (std::string_view env = begin_of(text, i, kVerbatimEnvs, std::size(kVerbatimEnvs));
        !env.empty()) {
      std::string end = "\\end{" + std::string(env) + "}";
      size_t stop = text.find(end, i + 7);
      size_t until = stop == std::string_view::npos ? text.size() : stop + end.size();
      out.append(text.substr(i, until - i));
      i = until;
      continue;
    }
    if (text.substr(i, 5) == "\\verb" && i + 5 < text.size() && !is_command_letter(text[i + 5])) {
      size_t delim_pos = i + 5;
      if (text[delim_pos] == '*') ++delim_pos;
      if (delim_pos < text.size() && !is_space(text[delim_pos])) {
        size_t close = text.find(text[delim_pos], delim_pos + 1);
        size_t nl = text.find('\n', delim_pos + 1);
        if (close != std::string_view::npos && close < nl) {
          out.append(text.substr(i, close + 1 - i));
          i = close + 1;
          continue;
        }
      }
    }
    // An escaped character (\%, \\, \{) is copied whole.
    out += c;
    if (i + 1 < text.size()) out += text[i + 1];
    i += 2;
  }
  return out;
}

LineIndex::LineIndex(std::string_view text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(i + 1);
  }
}

int LineIndex::line_of(size_t offset) const {
  if (starts_.empty()) return 1;
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<int>(it - starts_.begin());
}

}  // namespace imagemesh::latex

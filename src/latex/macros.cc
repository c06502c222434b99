#include "latex/macros.h"

#include "latex/tex_lexer.h"

namespace imagemesh::latex {
namespace {

constexpr size_t kMaxBody = 1u << 18;

// Reads "\name" or "{\name}" (the form \newcommand accepts).
std::optional<std::string> read_defined_name(std::string_view text, size_t& pos) {
  skip_spaces(text, pos);
  if (pos >= text.size()) return std::nullopt;
  if (text[pos] == '{') {
    std::string_view inner;
    size_t p = pos;
    if (read_group(text, p, inner) != GroupStatus::kOk) return std::nullopt;
    inner = trim(inner);
    if (inner.size() < 2 || inner[0] != '\\') return std::nullopt;
    pos = p;
    return std::string(inner.substr(1));
  }
  if (text[pos] != '\\') return std::nullopt;
  ++pos;
  std::string_view name = read_command_name(text, pos);
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

int parse_count(std::string_view s) {
  s = trim(s);
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') return s[0] - '0';
  return 0;
}

std::optional<std::string> read_body(std::string_view text, size_t& pos) {
  std::string_view body;
  GroupLimits limits;
  limits.max_length = kMaxBody;
  size_t p = pos;
  if (read_group(text, p, body, limits) != GroupStatus::kOk) return std::nullopt;
  pos = p;
  return std::string(body);
}

// Reads an argument delimited by `delim` (at brace depth 0). Strips one pair of outer braces.
std::string_view read_delimited(std::string_view text, size_t& pos, std::string_view delim) {
  size_t start = pos;
  int depth = 0;
  for (size_t i = pos; i < text.size() && i - start < kMaxBody; ++i) {
    char c = text[i];
    if (depth == 0 && text.substr(i, delim.size()) == delim) {
      std::string_view arg = text.substr(start, i - start);
      pos = i + delim.size();
      if (arg.size() >= 2 && arg.front() == '{' && arg.back() == '}') {
        arg = arg.substr(1, arg.size() - 2);
      }
      return arg;
    }
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth < 0) break;
    }
  }
  return {};  // delimiter not found: empty argument, nothing consumed
}

}  // namespace

const MacroDef* MacroTable::find(std::string_view name) const {
  auto it = macros_.find(std::string(name));
  return it == macros_.end() ? nullptr : &it->second;
}

const EnvDef* MacroTable::find_env(std::string_view name) const {
  auto it = envs_.find(std::string(name));
  return it == envs_.end() ? nullptr : &it->second;
}

std::optional<ParsedMacro> parse_newcommand(std::string_view text, size_t& pos) {
  size_t p = pos;
  skip_spaces(text, p);
  if (p < text.size() && text[p] == '*') ++p;
  auto name = read_defined_name(text, p);
  if (!name) return std::nullopt;
  ParsedMacro parsed;
  parsed.name = *name;
  std::string_view opt;
  if (read_optional(text, p, opt)) {
    parsed.def.num_params = parse_count(opt);
    std::string_view def_value;
    if (read_optional(text, p, def_value)) parsed.def.optional_default = std::string(def_value);
  }
  auto body = read_body(text, p);
  if (!body) return std::nullopt;
  parsed.def.body = std::move(*body);
  parsed.def.delimiters.assign(parsed.def.num_params, "");
  pos = p;
  return parsed;
}

std::optional<ParsedMacro> parse_def(std::string_view text, size_t& pos) {
  size_t p = pos;
  skip_spaces(text, p);
  if (p >= text.size() || text[p] != '\\') return std::nullopt;
  ++p;
  std::string_view name = read_command_name(text, p);
  if (name.empty()) return std::nullopt;
  ParsedMacro parsed;
  parsed.name = std::string(name);
  // Parameter text up to the body's '{'.
  size_t start = p;
  while (p < text.size() && text[p] != '{' && p - start < 256) {
    if (text[p] == '\\') ++p;
    ++p;
  }
  if (p >= text.size() || text[p] != '{') return std::nullopt;
  std::string_view params = text.substr(start, p - start);
  std::string current;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i] == '#' && i + 1 < params.size() && params[i + 1] >= '1' && params[i + 1] <= '9') {
      if (parsed.def.num_params == 0) {
        parsed.def.prefix = std::string(trim(current));
      } else {
        parsed.def.delimiters.back() = current;
      }
      current.clear();
      parsed.def.delimiters.emplace_back();
      ++parsed.def.num_params;
      ++i;
    } else {
      current += params[i];
    }
  }
  if (parsed.def.num_params > 0) {
    parsed.def.delimiters.back() = current;
  } else {
    parsed.def.prefix = std::string(trim(current));
  }
  auto body = read_body(text, p);
  if (!body) return std::nullopt;
  parsed.def.body = std::move(*body);
  pos = p;
  return parsed;
}

std::optional<std::pair<std::string, EnvDef>> parse_newenvironment(std::string_view text,
                                                                   size_t& pos) {
  size_t p = pos;
  skip_spaces(text, p);
  if (p < text.size() && text[p] == '*') ++p;
  std::string_view name;
  if (read_group(text, p, name) != GroupStatus::kOk) return std::nullopt;
  EnvDef def;
  std::string_view opt;
  if (read_optional(text, p, opt)) {
    def.num_params = parse_count(opt);
    std::string_view def_value;
    if (read_optional(text, p, def_value)) def.optional_default = std::string(def_value);
  }
  auto begin_code = read_body(text, p);
  if (!begin_code) return std::nullopt;
  auto end_code = read_body(text, p);
  if (!end_code) return std::nullopt;
  def.begin_code = std::move(*begin_code);
  def.end_code = std::move(*end_code);
  pos = p;
  return std::make_pair(std::string(trim(name)), std::move(def));
}

std::string substitute_params(std::string_view body, const std::vector<std::string_view>& args) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '#' && i + 1 < body.size()) {
      char n = body[i + 1];
      if (n == '#') {
        out += '#';
        ++i;
        continue;
      }
      if (n >= '1' && n <= '9') {
        size_t k = static_cast<size_t>(n - '1');
        if (k < args.size()) out.append(args[k]);
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string expand_macro_call(const MacroDef& def, std::string_view text, size_t& pos) {
  std::vector<std::string_view> args;
  if (def.num_params == 0) return substitute_params(def.body, args);
  size_t p = pos;
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;  // after a control word
  if (!def.prefix.empty()) {
    skip_spaces(text, p);
    if (text.substr(p, def.prefix.size()) == def.prefix) p += def.prefix.size();
  }
  int first = 0;
  if (def.optional_default) {
    std::string_view opt;
    if (read_optional(text, p, opt)) {
      args.push_back(opt);
    } else {
      args.push_back(*def.optional_default);
    }
    first = 1;
  }
  for (int k = first; k < def.num_params; ++k) {
    std::string_view delim =
        static_cast<size_t>(k) < def.delimiters.size() ? def.delimiters[k] : std::string_view();
    if (delim.empty()) {
      args.push_back(read_argument(text, p));
    } else {
      args.push_back(read_delimited(text, p, delim));
    }
  }
  pos = p;
  return substitute_params(def.body, args);
}

std::string expand_env_begin(const EnvDef& def, std::string_view text, size_t& pos) {
  MacroDef as_macro;
  as_macro.num_params = def.num_params;
  as_macro.optional_default = def.optional_default;
  as_macro.delimiters.assign(def.num_params, "");
  as_macro.body = def.begin_code;
  return expand_macro_call(as_macro, text, pos);
}

}  // namespace imagemesh::latex

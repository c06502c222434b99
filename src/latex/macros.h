// User macros (\newcommand, \renewcommand, \providecommand, \def, \let) and environments
// (\newenvironment): parsing definitions and expanding one call.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace imagemesh::latex {

struct MacroDef {
  int num_params = 0;
  std::optional<std::string> optional_default;  // \newcommand{\x}[2][default]{...}
  // \def parameter text: the literal delimiter expected after each parameter (empty =
  // undelimited) and before the first one.
  std::vector<std::string> delimiters;
  std::string prefix;
  std::string body;
  std::string alias_of;  // \let\x\includegraphics: a built-in command under another name
};

struct EnvDef {
  int num_params = 0;
  std::optional<std::string> optional_default;
  std::string begin_code;
  std::string end_code;
};

class MacroTable {
 public:
  const MacroDef* find(std::string_view name) const;
  const EnvDef* find_env(std::string_view name) const;
  void define(std::string name, MacroDef def) { macros_[std::move(name)] = std::move(def); }
  void define_env(std::string name, EnvDef def) { envs_[std::move(name)] = std::move(def); }
  bool empty() const { return macros_.empty(); }

 private:
  std::unordered_map<std::string, MacroDef> macros_;
  std::unordered_map<std::string, EnvDef> envs_;
};

struct ParsedMacro {
  std::string name;  // without backslash
  MacroDef def;
};

// After "\newcommand" (or renew/provide/DeclareRobustCommand) at `pos`:
// [*]{\name}[n][default]{body}.
std::optional<ParsedMacro> parse_newcommand(std::string_view text, size_t& pos);
// After "\def" (gdef, edef, xdef) at `pos`: \name<parameter text>{body}.
std::optional<ParsedMacro> parse_def(std::string_view text, size_t& pos);
// After "\newenvironment" at `pos`: [*]{name}[n][default]{begin}{end}. Returns the name.
std::optional<std::pair<std::string, EnvDef>> parse_newenvironment(std::string_view text,
                                                                   size_t& pos);

// Reads the arguments of a call of `def` from `text` at `pos` (just after the macro name) and
// returns the body with #1..#9 replaced (## -> #).
std::string expand_macro_call(const MacroDef& def, std::string_view text, size_t& pos);
std::string expand_env_begin(const EnvDef& def, std::string_view text, size_t& pos);

// Replaces #1..#9 in `body` with `args` and ## with #.
std::string substitute_params(std::string_view body, const std::vector<std::string_view>& args);

}  // namespace imagemesh::latex

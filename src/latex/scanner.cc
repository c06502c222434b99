#include "latex/scanner.h"

#include <algorithm>
#include <cctype>

#include "core/safe_path.h"
#include "latex/text_decode.h"

namespace imagemesh::latex {
namespace {

constexpr size_t kMaxExpansions = 200000;
constexpr size_t kMaxMacroFrames = 256;
constexpr size_t kMaxLookahead = 8u << 20;
constexpr size_t kMaxBranchLookahead = 64u << 10;
constexpr size_t kMaxDiagnostics = 1000;

bool is_float_env(std::string_view env) {
  static const char* const kFloats[] = {
      "figure",          "figure*",         "wrapfigure", "wrapfigure*",    "sidewaysfigure",
      "sidewaysfigure*", "SCfigure",        "SCfigure*",  "floatingfigure", "marginfigure",
      "widefigure",      "fullwidthfigure", "figwindow",  "cutout"};
  for (const char* name : kFloats) {
    if (env == name) return true;
  }
  return false;
}

bool is_sub_env(std::string_view env) {
  return env == "subfigure" || env == "subfigure*" || env == "subfloat";
}

bool is_other_float_env(std::string_view env) {
  static const char* const kOthers[] = {
      "table",       "table*",       "sidewaystable", "sidewaystable*", "wraptable", "SCtable",
      "algorithm",   "algorithm*",   "listing",       "program",        "longtable", "subtable",
      "deluxetable", "deluxetable*", "lstlisting",    "tabular",        "tabular*",  "tabularx"};
  for (const char* name : kOthers) {
    if (env == name) return true;
  }
  return false;
}

bool is_verbatim_env(std::string_view env) {
  return env == "verbatim" || env == "verbatim*" || env == "lstlisting" || env == "Verbatim" ||
         env == "minted" || env == "comment";
}

bool rest_is_space(std::string_view text, size_t pos) {
  for (size_t i = pos; i < text.size(); ++i) {
    if (!is_space(text[i])) return false;
  }
  return true;
}

bool is_conditional(std::string_view name) {
  return name.size() >= 2 && name.substr(0, 2) == "if" && name != "iff" && name != "ifthenelse" &&
         name != "ifthen";
}

struct IfExtent {
  size_t else_begin = std::string_view::npos;  // where "\else" starts
  size_t else_end = std::string_view::npos;    // just after "\else"
  size_t fi_begin = std::string_view::npos;
  size_t fi_end = std::string_view::npos;  // just after "\fi"; text end when unterminated
};

IfExtent find_if_extent(std::string_view text, size_t pos) {
  IfExtent extent;
  size_t depth = 0;
  size_t i = pos;
  bool after_newif = false;
  while ((i = text.find('\\', i)) != std::string_view::npos) {
    size_t start = i++;
    std::string_view name = read_command_name(text, i);
    if (after_newif) {
      after_newif = false;
      continue;
    }
    if (name == "newif") {
      after_newif = true;
    } else if (is_conditional(name)) {
      ++depth;
    } else if (name == "fi") {
      if (depth == 0) {
        extent.fi_begin = start;
        extent.fi_end = i;
        return extent;
      }
      --depth;
    } else if ((name == "else" || name == "or") && depth == 0 &&
               extent.else_begin == std::string_view::npos) {
      extent.else_begin = start;
      extent.else_end = i;
    }
  }
  extent.fi_begin = extent.fi_end = text.size();
  return extent;
}

}  // namespace

Scanner::Scanner(const std::vector<SourceFile>& files, const FileIndex& index,
                 const EngineChoice& engine, const ExtractOptions& options,
                 std::string declared_encoding)
    : files_(files),
      index_(index),
      engine_(engine),
      options_(options),
      declared_encoding_(std::move(declared_encoding)) {}

const LoadedFile* Scanner::load(const std::string& path) {
  if (auto it = cache_.find(path); it != cache_.end()) return it->second.get();
  if (unusable_.count(path)) return nullptr;
  int id = index_.find(path);
  if (id < 0) return nullptr;
  std::string_view bytes = files_[static_cast<size_t>(id)].bytes;
  std::string declared = find_inputenc_option(bytes.substr(0, 1u << 16));
  if (declared.empty()) declared = declared_encoding_;
  DecodedText decoded = decode_tex_bytes(bytes, declared);
  if (decoded.binary) {
    unusable_.insert(path);
    diagnostics_.push_back({"encoding", path, 0, "not read as TeX: " + decoded.description});
    return nullptr;
  }
  if (!decoded.description.empty() && decoded.description.rfind("utf-8", 0) != 0) {
    diagnostics_.push_back(
        {"encoding", path, 0, "decoded as " + decoded.description, Diagnostic::Severity::kNote});
  }
  auto loaded = std::make_unique<LoadedFile>();
  loaded->text = strip_comments(decoded.text);
  loaded->lines = LineIndex(loaded->text);
  const LoadedFile* raw = loaded.get();
  cache_.emplace(path, std::move(loaded));
  return raw;
}

void Scanner::diag(std::string kind, std::string message) {
  if (diagnostics_.size() >= kMaxDiagnostics) return;
  Where where = here();
  diagnostics_.push_back({std::move(kind), where.file, where.line, std::move(message)});
}

Scanner::Frame* Scanner::file_frame() {
  for (size_t i = frames_.size(); i-- > 0;) {
    if (frames_[i].file) return &frames_[i];
  }
  return nullptr;
}

Where Scanner::here() {
  for (size_t i = frames_.size(); i-- > 0;) {
    const Frame& f = frames_[i];
    if (!f.file) continue;
    size_t pos = (i + 1 == frames_.size()) ? std::min(command_pos_, f.pos) : f.pos;
    return {f.path, f.file->lines.line_of(pos)};
  }
  return {};
}

std::string Scanner::current_folder() {
  Frame* f = file_frame();
  return f ? std::string(parent_folder(f->path)) : root_folder_;
}

Scanner::Frame& Scanner::arg_frame() {
  while (frames_.size() > 1 && !frames_.back().file &&
         rest_is_space(frames_.back().text, frames_.back().pos)) {
    frames_.pop_back();
  }
  return frames_.back();
}

void Scanner::push_expansion(std::string text) {
  size_t macro_frames = 0;
  for (const Frame& f : frames_) macro_frames += f.file == nullptr;
  if (expansions_ >= kMaxExpansions || macro_frames >= kMaxMacroFrames ||
      expanded_bytes_ + text.size() > options_.max_expanded_bytes) {
    if (!expansion_disabled_) {
      diag("limit", "macro expansion stopped: too many, too deep or too large (recursive macro?)");
    }
    expansion_disabled_ = true;
    return;
  }
  ++expansions_;
  expanded_bytes_ += text.size();
  // A macro called at the very end of another one replaces it (keeps tail recursion flat).
  if (!frames_.empty() && !frames_.back().file && rest_is_space(top().text, top().pos)) {
    frames_.pop_back();
  }
  Frame frame;
  frame.owned = std::make_unique<std::string>(std::move(text));
  frame.text = *frame.owned;
  if (!frames_.empty()) {
    frame.import_dir = top().import_dir;
    frame.overlay = top().overlay;
    frame.overlay_seen = top().overlay_seen;
  }
  frames_.push_back(std::move(frame));
}

void Scanner::scan_document(const std::string& root, bool assume_body) {
  const LoadedFile* file = load(root);
  if (!file) return;
  frames_.clear();
  envs_.clear();
  closers_.clear();
  depth_ = 0;
  stop_ = false;
  root_folder_ = std::string(parent_folder(root));
  graphicspath_.clear();
  extensions_.clear();
  in_document_ = assume_body || file->text.find("\\begin{document}") == std::string::npos;
  visited_.insert(root);
  Frame frame;
  frame.text = file->text;
  frame.file = file;
  frame.path = root;
  frames_.push_back(std::move(frame));
  run();
  // Whatever is still open ends with the document.
  for (const Env& env : envs_) {
    if (env.kind == EnvKind::kFloat) {
      diagnostics_.push_back({"unbalanced", root, 0, "\\begin{" + env.name + "} never ended"});
    }
  }
  builder_.finish_pending();
  frames_.clear();
  envs_.clear();
  ++document_index_;
}

void Scanner::run() {
  while (!frames_.empty() && !stop_) {
    Frame& f = top();
    if (f.pos >= f.text.size()) {
      frames_.pop_back();
      continue;
    }
    size_t next = f.text.find_first_of("\\{}\n", f.pos);
    if (next == std::string_view::npos) {
      f.pos = f.text.size();
      continue;
    }
    f.pos = next + 1;
    switch (f.text[next]) {
      case '{':
        ++depth_;
        break;
      case '}':
        if (depth_ > 0) --depth_;
        if (!closers_.empty() && depth_ <= closers_.back()) {
          closers_.pop_back();
          builder_.end_sub();
        }
        break;
      case '\n': {
        size_t p = f.pos;
        while (p < f.text.size() && (f.text[p] == ' ' || f.text[p] == '\t')) ++p;
        if (p < f.text.size() && f.text[p] == '\n') builder_.paragraph_break();
        break;
      }
      default: {
        command_pos_ = next;
        // A copy: handlers may pop the frame whose text the name points into.
        std::string name(read_command_name(f.text, f.pos));
        if (!name.empty()) dispatch(name);
      }
    }
  }
}

void Scanner::dispatch(std::string_view name, int alias_depth) {
  if (name == "begin") return handle_begin();
  if (name == "end") return handle_end();
  if (is_conditional(name)) return handle_if(name);
  if (name == "else" || name == "or") {
    Frame& f = top();
    IfExtent extent = find_if_extent(f.text, f.pos);
    f.pos = extent.fi_end;
    return;
  }
  if (name == "fi") return;
  if (handle_definition(name)) return;
  if (name == "input" || name == "include" || name == "subfile" || name == "import" ||
      name == "subimport" || name == "inputfrom" || name == "subinputfrom" ||
      name == "includefrom" || name == "subincludefrom" || name == "InputIfFileExists" ||
      name == "@input" || name == "includeonly") {
    return handle_input(name);
  }
  if (name == "includegraphics" || name == "epsfig" || name == "psfig" || name == "epsfbox" ||
      name == "epsffile" || name == "plotone" || name == "plottwo" || name == "plotfiddle") {
    return handle_graphics(name);
  }
  if (name == "caption" || name == "captionof" || name == "subcaption" || name == "subcaptionbox") {
    return handle_caption(name);
  }
  if (name == "subfigure" || name == "subfloat" || name == "sidesubfloat") {
    return handle_subfloat(name);
  }
  if (name == "label") {
    Frame& f = arg_frame();
    std::string_view label;
    size_t p = f.pos;
    if (read_group(f.text, p, label) == GroupStatus::kOk) {
      f.pos = p;
      if (in_document_) builder_.label(std::string(trim(label)));
    }
    return;
  }
  if (name == "par") return builder_.paragraph_break();
  if (name == "title" || name == "author" || name == "abstract") return handle_fact(name);
  if (name == "graphicspath" || name == "DeclareGraphicsExtensions") {
    return handle_graphics_settings(name);
  }
  if (name == "endinput") return end_input();
  if (name == "documentclass" || name == "documentstyle" || name == "usepackage" ||
      name == "RequirePackage" || name == "bibliography" || name == "lstinputlisting" ||
      name == "verbatiminput" || name == "includepdf" || name == "addbibresource" ||
      name == "write" || name == "openout" || name == "immediate") {
    // Arguments that name files we must not read (or packages): consume them unread.
    Frame& f = arg_frame();
    std::string_view ignored;
    read_optional(f.text, f.pos, ignored);
    size_t p = f.pos;
    if (name != "write" && name != "openout" && name != "immediate" &&
        read_group(f.text, p, ignored) == GroupStatus::kOk) {
      f.pos = p;
    }
    return;
  }
  if (name == "verb") {
    Frame& f = top();
    if (f.pos < f.text.size() && f.text[f.pos] == '*') ++f.pos;
    if (f.pos < f.text.size()) {
      char delim = f.text[f.pos];
      size_t close = f.text.find(delim, f.pos + 1);
      size_t nl = f.text.find('\n', f.pos + 1);
      if (close != std::string_view::npos && close < nl) f.pos = close + 1;
    }
    return;
  }
  if (name.size() > 4) {  // \footrue / \foofalse for \newif\iffoo
    if (name.substr(name.size() - 4) == "true") {
      if (auto it = flags_.find(std::string(name.substr(0, name.size() - 4))); it != flags_.end()) {
        it->second = true;
        return;
      }
    }
    if (name.size() > 5 && name.substr(name.size() - 5) == "false") {
      if (auto it = flags_.find(std::string(name.substr(0, name.size() - 5))); it != flags_.end()) {
        it->second = false;
        return;
      }
    }
  }
  if (const MacroDef* def = macros_.find(name)) {
    if (!def->alias_of.empty()) {
      std::string target = def->alias_of;
      if (alias_depth < 8) dispatch(target, alias_depth + 1);
      return;
    }
    if (expansion_disabled_) return;
    Frame& f = top();
    size_t p = f.pos;
    std::string body = expand_macro_call(*def, f.text, p);
    f.pos = p;
    push_expansion(std::move(body));
  }
}

bool Scanner::in_other_float() const {
  for (const Env& env : envs_) {
    if (env.kind == EnvKind::kOtherFloat) return true;
  }
  return false;
}

void Scanner::handle_begin() {
  Frame& f = arg_frame();
  std::string_view raw;
  size_t p = f.pos;
  if (read_group(f.text, p, raw) != GroupStatus::kOk || raw.size() > 64) return;
  f.pos = p;
  std::string name(trim(raw));
  if (name == "document") {
    in_document_ = true;
    return;
  }
  if (is_verbatim_env(name)) {
    std::string end = "\\end{" + name + "}";
    size_t stop = f.text.find(end, f.pos);
    f.pos = stop == std::string_view::npos ? f.text.size() : stop + end.size();
    return;
  }
  if (name == "abstract") {
    size_t stop = f.text.find("\\end{abstract}", f.pos);
    if (stop != std::string_view::npos && !facts_.abstract && stop - f.pos < (1u << 16)) {
      facts_.abstract = std::string(f.text.substr(f.pos, stop - f.pos));
      // \begin{abstract}\input{abstract}\end{abstract}: the text is in that file.
      std::string_view body = trim(*facts_.abstract);
      for (std::string_view command : {"\\input", "\\include"}) {
        if (body.substr(0, command.size()) != command) continue;
        size_t q = command.size();
        std::string_view file_name;
        if (read_group(body, q, file_name) != GroupStatus::kOk || !trim(body.substr(q)).empty()) {
          break;
        }
        std::string problem;
        auto found = resolve_input(file_name, {root_folder_, current_folder()}, index_, problem);
        if (const LoadedFile* loaded = found ? load(*found) : nullptr) {
          facts_.abstract = loaded->text.substr(0, 1u << 16);
        }
      }
    }
    envs_.push_back({name, EnvKind::kPlain, ""});
    return;
  }
  if (const EnvDef* def = macros_.find_env(name); def && !expansion_disabled_) {
    std::string begin_code = expand_env_begin(*def, f.text, f.pos);
    envs_.push_back({name, EnvKind::kUser, def->end_code});
    push_expansion(std::move(begin_code));
    return;
  }
  if (!in_document_) {
    envs_.push_back({name, EnvKind::kPlain, ""});
    return;
  }
  if (is_float_env(name)) {
    std::string_view ignored;
    read_optional(f.text, f.pos, ignored);
    bool nested = builder_.in_float();
    builder_.begin_float(name, here());
    envs_.push_back({name, nested ? EnvKind::kSub : EnvKind::kFloat, ""});
    return;
  }
  if (is_sub_env(name)) {
    std::string_view ignored;
    read_optional(f.text, f.pos, ignored);
    size_t q = f.pos;
    if (read_group(f.text, q, ignored) == GroupStatus::kOk) f.pos = q;  // the width
    bool opened = builder_.begin_sub();
    envs_.push_back({name, opened ? EnvKind::kSub : EnvKind::kPlain, ""});
    return;
  }
  envs_.push_back({name, is_other_float_env(name) ? EnvKind::kOtherFloat : EnvKind::kPlain, ""});
}

void Scanner::handle_end() {
  Frame& f = arg_frame();
  std::string_view raw;
  size_t p = f.pos;
  if (read_group(f.text, p, raw) != GroupStatus::kOk || raw.size() > 64) return;
  f.pos = p;
  std::string name(trim(raw));
  if (name == "document") return end_document();
  for (size_t i = envs_.size(); i-- > 0;) {
    if (envs_[i].name == name) {
      pop_env_to(i);
      return;
    }
  }
}

void Scanner::pop_env_to(size_t index) {
  std::string end_code;
  while (envs_.size() > index) {
    Env env = std::move(envs_.back());
    envs_.pop_back();
    switch (env.kind) {
      case EnvKind::kFloat:
        closers_.clear();
        builder_.end_float();
        break;
      case EnvKind::kSub:
        builder_.end_sub();
        break;
      case EnvKind::kUser:
        if (envs_.size() == index) end_code = std::move(env.end_code);
        break;
      default:
        break;
    }
  }
  builder_.env_closed(envs_.size());
  if (!end_code.empty() && !expansion_disabled_) push_expansion(std::move(end_code));
}

void Scanner::end_document() {
  // In the main file, \end{document} ends reading; in a \subfile it ends that file.
  size_t file_frames = 0;
  for (const Frame& frame : frames_) file_frames += frame.file != nullptr;
  if (file_frames <= 1) {
    stop_ = true;
    return;
  }
  end_input();
}

void Scanner::end_input() {
  size_t file_frames = 0;
  for (const Frame& frame : frames_) file_frames += frame.file != nullptr;
  if (file_frames <= 1) {
    stop_ = true;
    return;
  }
  while (!frames_.empty()) {
    bool was_file = frames_.back().file != nullptr;
    frames_.pop_back();
    if (was_file) break;
  }
}

void Scanner::handle_if(std::string_view name) {
  Frame& f = top();
  std::optional<bool> value = evaluate_condition(name, f);
  if (value && *value) return;  // the \else, if any, skips to \fi when it is reached
  IfExtent extent = find_if_extent(f.text, f.pos);
  if (!value) {
    std::string_view then_text, else_text;
    if (extent.else_begin != std::string_view::npos) {
      then_text = f.text.substr(f.pos, extent.else_begin - f.pos);
      else_text = f.text.substr(extent.else_end, extent.fi_begin - extent.else_end);
    }
    if (else_text.empty() || choose_then_branch(then_text, else_text)) return;
  }
  f.pos = extent.else_end != std::string_view::npos ? extent.else_end : extent.fi_end;
}

std::optional<bool> Scanner::evaluate_condition(std::string_view name, Frame& f) {
  if (name == "iftrue") return true;
  if (name == "iffalse") return false;
  if (name == "ifpdf" || name == "ifpdftex" || name == "ifPDFTeX" || name == "ifCLASSINFOpdf" ||
      name == "ifpdfoutput" || name == "ifpdflatex") {
    if (engine_.engine == "unknown") return std::nullopt;
    return engine_.engine == "pdflatex";
  }
  if (name == "ifxetex" || name == "ifXeTeX" || name == "ifluatex" || name == "ifLuaTeX" ||
      name == "ifxelatex" || name == "ifluatex") {
    return false;
  }
  if (auto it = flags_.find(std::string(name.substr(2))); it != flags_.end()) return it->second;
  // A token after expansion: a character, a built-in command, or unknown.
  struct Token {
    enum Kind { kChar, kBuiltin, kUnknown, kEnd } kind;
    char c = 0;
  };
  auto next_token = [&](size_t& p) -> Token {
    while (p < f.text.size() && (f.text[p] == ' ' || f.text[p] == '\t' || f.text[p] == '\n')) ++p;
    if (p >= f.text.size()) return {Token::kEnd};
    if (f.text[p] != '\\') return {Token::kChar, f.text[p++]};
    ++p;
    std::string_view cs = read_command_name(f.text, p);
    if (const MacroDef* def = macros_.find(cs)) {
      std::string_view body = trim(def->body);
      if (def->num_params == 0 && def->alias_of.empty() && !body.empty() && body[0] != '\\') {
        return {Token::kChar, body[0]};
      }
      return {Token::kUnknown};
    }
    // A name that looks like a user switch (\Pace) but was never defined: unknown.
    return {cs.size() > 1 && std::isupper(static_cast<unsigned char>(cs[0])) ? Token::kUnknown
                                                                             : Token::kBuiltin};
  };
  if (name == "if") {
    size_t p = f.pos;
    Token a = next_token(p);
    Token b = next_token(p);
    if (a.kind == Token::kChar && b.kind == Token::kChar) {
      f.pos = p;
      return a.c == b.c;
    }
    if (a.kind == Token::kChar && b.kind == Token::kBuiltin && (a.c == '0' || a.c == '1')) {
      return a.c == '1';  // \if0 / \if1 used as a switch; the next command is not consumed
    }
    return std::nullopt;
  }
  if (name == "ifnum") {
    size_t p = f.pos;
    auto number = [&](size_t& q) -> std::optional<long> {
      Token t = next_token(q);
      if (t.kind != Token::kChar || !std::isdigit(static_cast<unsigned char>(t.c))) {
        return std::nullopt;
      }
      long v = t.c - '0';
      while (q < f.text.size() && std::isdigit(static_cast<unsigned char>(f.text[q])) && v < 1e9) {
        v = v * 10 + (f.text[q++] - '0');
      }
      return v;
    };
    auto lhs = number(p);
    if (!lhs) return std::nullopt;
    while (p < f.text.size() && f.text[p] == ' ') ++p;
    if (p >= f.text.size()) return std::nullopt;
    char rel = f.text[p++];
    auto rhs = number(p);
    if (!rhs || (rel != '<' && rel != '=' && rel != '>')) return std::nullopt;
    f.pos = p;
    return rel == '<' ? *lhs < *rhs : rel == '=' ? *lhs == *rhs : *lhs > *rhs;
  }
  if (name == "ifdefined") {
    size_t p = f.pos;
    skip_spaces(f.text, p);
    if (p < f.text.size() && f.text[p] == '\\') {
      ++p;
      std::string_view cs = read_command_name(f.text, p);
      f.pos = p;
      if (macros_.find(cs)) return true;
    }
    return std::nullopt;
  }
  if (name == "ifx") {
    size_t p = f.pos;
    for (int k = 0; k < 2; ++k) {
      skip_spaces(f.text, p);
      if (p >= f.text.size()) break;
      if (f.text[p] == '\\') {
        ++p;
        read_command_name(f.text, p);
      } else {
        ++p;
      }
    }
    f.pos = p;
  }
  return std::nullopt;
}

bool Scanner::choose_then_branch(std::string_view then_text, std::string_view else_text) {
  if (then_text.size() + else_text.size() > kMaxBranchLookahead ||
      lookahead_bytes_ > kMaxLookahead) {
    return true;
  }
  lookahead_bytes_ += then_text.size() + else_text.size();
  GraphicsContext context = graphics_context();
  auto score = [&](std::string_view text) {
    int total = 0;
    size_t pos = 0;
    while ((pos = text.find("\\includegraphics", pos)) != std::string_view::npos) {
      pos += 16;
      size_t p = pos;
      std::string_view ignored, file;
      if (p < text.size() && text[p] == '*') ++p;
      while (read_optional(text, p, ignored)) {
      }
      if (read_group(text, p, file) != GroupStatus::kOk) continue;
      std::string expanded = expand_in_argument(file);
      total += resolve_graphics(expanded, context, index_, engine_).path ? 1 : -1;
    }
    return total;
  };
  int then_score = score(then_text);
  int else_score = score(else_text);
  if (then_score != else_score) {
    diag("unknown-condition", std::string("condition of unknown value: reading the ") +
                                  (then_score > else_score ? "first" : "\\else") +
                                  " branch, whose graphics resolve");
  }
  return then_score >= else_score;
}

}  // namespace imagemesh::latex

// Scanner commands: definitions, \input & co, graphics, captions, sub-floats, paper facts.
#include <set>

#include "core/safe_path.h"
#include "latex/scanner.h"

namespace imagemesh::latex {
namespace {

constexpr size_t kMaxCaption = 64u << 10;

// Commands the scanner interprets itself: user redefinitions of these are ignored, so that a
// draft-mode \renewcommand{\includegraphics}[2][]{} does not hide the paper's figures.
bool is_protected(std::string_view name) {
  static const std::set<std::string_view> kProtected = {
      "begin",      "end",           "input",        "include",  "includegraphics",
      "caption",    "captionof",     "label",        "subfloat", "subfigure",
      "subcaption", "subcaptionbox", "graphicspath", "epsfig",   "psfig",
      "epsfbox",    "epsffile",      "plotone",      "plottwo",  "plotfiddle",
      "newcommand", "renewcommand",  "def",          "let",      "documentclass",
      "fi",         "else",          "subfile",      "import",   "subimport",
      "title",      "author",        "endinput",     "par",      "usepackage"};
  return kProtected.count(name) > 0 || (name.size() > 2 && name.substr(0, 2) == "if");
}

bool is_overlay_name(std::string_view path) {
  std::string ext = lower_extension(path);
  return ext == "pdf_tex" || ext == "pstex_t" || ext == "eps_tex" || ext == "ps_tex";
}

// Reads "{...}" at `pos`; returns false and consumes nothing when there is none.
bool take_group(std::string_view text, size_t& pos, std::string_view& content,
                size_t max_length = 1u << 16) {
  GroupLimits limits;
  limits.max_length = max_length;
  size_t p = pos;
  if (read_group(text, p, content, limits) != GroupStatus::kOk) return false;
  pos = p;
  return true;
}

std::string first_label(std::string_view tex) {
  size_t at = tex.find("\\label");
  if (at == std::string_view::npos) return "";
  size_t p = at + 6;
  std::string_view label;
  if (!take_group(tex, p, label)) return "";
  return std::string(trim(label));
}

}  // namespace

bool Scanner::handle_definition(std::string_view name) {
  if (name == "long" || name == "protected" || name == "global" || name == "outer") return true;
  Frame& f = arg_frame();
  if (name == "newcommand" || name == "renewcommand" || name == "providecommand" ||
      name == "DeclareRobustCommand") {
    auto parsed = parse_newcommand(f.text, f.pos);
    if (parsed && !is_protected(parsed->name) &&
        !(name == "providecommand" && macros_.find(parsed->name))) {
      macros_.define(parsed->name, std::move(parsed->def));
    }
    return true;
  }
  if (name == "def" || name == "gdef" || name == "edef" || name == "xdef") {
    auto parsed = parse_def(f.text, f.pos);
    if (parsed && !is_protected(parsed->name)) macros_.define(parsed->name, std::move(parsed->def));
    return true;
  }
  if (name == "let") {
    size_t p = f.pos;
    skip_spaces(f.text, p);
    if (p >= f.text.size() || f.text[p] != '\\') return true;
    ++p;
    std::string target(read_command_name(f.text, p));
    while (p < f.text.size() && (f.text[p] == ' ' || f.text[p] == '=')) ++p;
    if (p >= f.text.size() || f.text[p] != '\\') {
      f.pos = p;
      return true;
    }
    ++p;
    std::string source(read_command_name(f.text, p));
    f.pos = p;
    if (is_protected(target) || target.empty()) return true;
    if (const MacroDef* existing = macros_.find(source)) {
      MacroDef copy = *existing;
      macros_.define(target, std::move(copy));
    } else {
      MacroDef alias;
      alias.alias_of = source;
      macros_.define(target, std::move(alias));
    }
    return true;
  }
  if (name == "newenvironment" || name == "renewenvironment") {
    auto parsed = parse_newenvironment(f.text, f.pos);
    if (parsed && parsed->first != "figure" && parsed->first != "figure*" &&
        parsed->first != "document" && parsed->first != "subfigure") {
      macros_.define_env(parsed->first, std::move(parsed->second));
    }
    return true;
  }
  if (name == "newif") {
    size_t p = f.pos;
    skip_spaces(f.text, p);
    if (p < f.text.size() && f.text[p] == '\\') {
      ++p;
      std::string_view flag = read_command_name(f.text, p);
      if (flag.size() > 2 && flag.substr(0, 2) == "if") flags_[std::string(flag.substr(2))] = false;
      f.pos = p;
    }
    return true;
  }
  return false;
}

void Scanner::handle_input(std::string_view name) {
  Frame& f = arg_frame();
  std::string_view text = f.text;
  if (name == "includeonly") {
    std::string_view ignored;
    take_group(text, f.pos, ignored);
    return;
  }
  bool import_like = name == "import" || name == "subimport" || name == "inputfrom" ||
                     name == "subinputfrom" || name == "includefrom" || name == "subincludefrom";
  std::string_view dir_arg, file_arg;
  if (import_like) {
    if (f.pos < text.size() && text[f.pos] == '*') ++f.pos;
    if (!take_group(text, f.pos, dir_arg) || !take_group(text, f.pos, file_arg)) return;
  } else {
    size_t p = f.pos;
    skip_spaces(text, p);
    if (p < text.size() && text[p] == '|') {
      size_t nl = text.find('\n', p);
      f.pos = nl == std::string_view::npos ? text.size() : nl;
      diag("unsafe-path", "\\input|\"...\" (a shell command) is never run");
      return;
    }
    if (p < text.size() && text[p] == '{') {
      if (!take_group(text, p, file_arg, 4096)) return;
      f.pos = p;
    } else if (name == "input" || name == "@input") {
      // TeX's primitive form: \input file.tex (name ends at a space or a command).
      size_t start = p;
      while (p < text.size() && !is_space(text[p]) && text[p] != '\\' && text[p] != '}' &&
             text[p] != '{' && p - start < 1024) {
        ++p;
      }
      if (p == start) return;
      file_arg = text.substr(start, p - start);
      f.pos = p;
    } else {
      return;
    }
  }
  std::string file_name = expand_in_argument(file_arg);
  std::string inherited_import = f.import_dir;
  bool overlay_parent = f.overlay;
  std::vector<std::string> dirs;
  std::string new_import_dir = inherited_import;
  if (import_like) {
    std::string dir = expand_in_argument(dir_arg);
    bool relative = name.substr(0, 3) == "sub";
    std::string base =
        relative ? (inherited_import.empty() ? current_folder() : inherited_import) : root_folder_;
    auto joined = join_inside_root(base, dir.empty() ? "." : dir);
    if (!joined.ok()) {
      if (dir.empty() || dir == "." || dir == "./") {
        joined = base;
      } else {
        diag("unsafe-path", "\\" + std::string(name) + "{" + dir + "} is outside the paper");
        return;
      }
    }
    new_import_dir = *joined;
    dirs.push_back(new_import_dir);
  } else {
    dirs.push_back(inherited_import.empty() ? root_folder_ : inherited_import);
    std::string folder = current_folder();
    if (folder != dirs.front()) dirs.push_back(folder);
  }
  std::string problem;
  auto resolved = resolve_input(file_name, dirs, index_, problem);
  if (!resolved) {
    bool unsafe = problem.find("outside") != std::string::npos;
    diag(unsafe ? "unsafe-path" : "missing-input",
         "\\" + std::string(name) + "{" + file_name + "}: " + problem);
    return;
  }
  bool overlay = is_overlay_name(*resolved);
  if (!overlay) {
    bool active = false;
    for (const Frame& frame : frames_) active |= frame.file && frame.path == *resolved;
    if (active) {
      diag("input-cycle", "\\" + std::string(name) + "{" + file_name + "} would read '" +
                              *resolved + "' inside itself; skipped");
      return;
    }
    if (visited_.count(*resolved)) {
      diag("input-cycle", "'" + *resolved + "' was already read; not read again");
      return;
    }
  }
  size_t file_frames = 0;
  for (const Frame& frame : frames_) file_frames += frame.file != nullptr;
  if (file_frames >= options_.max_include_depth) {
    diag("limit", "\\input nesting deeper than " + std::to_string(options_.max_include_depth));
    return;
  }
  const LoadedFile* loaded = load(*resolved);
  if (!loaded) return;
  visited_.insert(*resolved);
  Frame frame;
  frame.text = loaded->text;
  frame.file = loaded;
  frame.path = *resolved;
  frame.import_dir = new_import_dir;
  frame.overlay = overlay || overlay_parent;
  if (overlay) frame.overlay_seen = std::make_shared<std::set<std::string>>();
  frames_.push_back(std::move(frame));
}

std::string Scanner::expand_in_argument(std::string_view raw) {
  std::string s(raw);
  for (int pass = 0; pass < 16 && s.find('\\') != std::string::npos && s.size() < 4096; ++pass) {
    std::string out;
    bool changed = false;
    for (size_t i = 0; i < s.size();) {
      if (s[i] != '\\') {
        out += s[i++];
        continue;
      }
      size_t p = i + 1;
      std::string_view cs = read_command_name(s, p);
      bool word = !cs.empty() && is_command_letter(cs[0]);
      const MacroDef* def = word ? macros_.find(cs) : nullptr;
      if (def && def->alias_of.empty()) {
        size_t q = p;
        while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
        if (def->num_params == 0) p = q;
        out += expand_macro_call(*def, s, p);
        i = p;
        changed = true;
      } else if (cs == "detokenize" || cs == "string" || cs == "unexpanded" || cs == "protect" ||
                 cs == "relax" || cs == "noexpand") {
        while (p < s.size() && s[p] == ' ') ++p;
        i = p;
        changed = true;
      } else {
        out.append(s, i, p - i);
        i = p;
      }
    }
    s = std::move(out);
    if (!changed) break;
  }
  return s;
}

GraphicsContext Scanner::graphics_context() {
  GraphicsContext context;
  context.root_folder = root_folder_;
  context.tex_folder = current_folder();
  context.import_dir = frames_.empty() ? std::string() : top().import_dir;
  context.graphicspath = graphicspath_;
  context.extensions = extensions_;
  return context;
}

void Scanner::handle_graphics(std::string_view name) {
  Frame& f = arg_frame();
  std::string_view text = f.text;
  std::string_view ignored, arg;
  if (name == "includegraphics") {
    if (f.pos < text.size() && text[f.pos] == '*') ++f.pos;
    for (int k = 0; k < 2 && read_optional(text, f.pos, ignored); ++k) {
    }
    if (!take_group(text, f.pos, arg, 4096)) return;
    return record_graphics(name, arg);
  }
  if (name == "epsfig" || name == "psfig") {
    if (!take_group(text, f.pos, arg, 4096)) return;
    // key=value list: file= or figure=
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; i <= arg.size(); ++i) {
      char c = i < arg.size() ? arg[i] : ',';
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if (c != ',' || depth > 0) continue;
      std::string_view item = trim(arg.substr(start, i - start));
      start = i + 1;
      size_t eq = item.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = trim(item.substr(0, eq));
      if (key == "file" || key == "figure") return record_graphics(name, item.substr(eq + 1));
    }
    return;
  }
  if (name == "epsfbox" || name == "epsffile") {
    read_optional(text, f.pos, ignored);
    if (!take_group(text, f.pos, arg, 4096)) return;
    return record_graphics(name, arg);
  }
  if (name == "plotone" || name == "plotfiddle") {
    if (!take_group(text, f.pos, arg, 4096)) return;
    return record_graphics(name, arg);
  }
  if (name == "plottwo") {
    std::string_view second;
    if (!take_group(text, f.pos, arg, 4096)) return;
    bool has_second = take_group(text, f.pos, second, 4096);
    std::string first_copy(arg), second_copy(second);
    record_graphics(name, first_copy);
    if (has_second) record_graphics(name, second_copy);
  }
}

void Scanner::record_graphics(std::string_view command, std::string_view raw) {
  if (!in_document_) return;
  if (!builder_.in_float() && in_other_float()) return;
  std::string as_written(trim(expand_in_argument(raw)));
  Frame& f = top();
  GraphicsRef ref;
  ref.command = f.overlay ? "pdf_tex" : std::string(command);
  if (f.overlay && f.overlay_seen && !f.overlay_seen->insert(as_written).second) return;
  Where where = here();
  ref.as_written = as_written;
  ref.tex_file = where.file;
  ref.line = where.line;
  Resolution resolution = resolve_graphics(as_written, graphics_context(), index_, engine_);
  ref.resolved = resolution.path;
  ref.unresolved_reason = resolution.reason;
  ref.resolution_note = resolution.note;
  if (!ref.resolved) {
    diag("unresolved-graphics",
         "\\" + std::string(command) + "{" + as_written + "}: " + resolution.reason);
  }
  builder_.add_graphics(std::move(ref), where, envs_.size());
}

void Scanner::handle_caption(std::string_view name) {
  Frame& f = arg_frame();
  std::string_view text = f.text;
  size_t p = f.pos;
  bool star = p < text.size() && text[p] == '*';
  if (star) ++p;
  CaptionKind kind = name == "caption"     ? CaptionKind::kCaption
                     : name == "captionof" ? CaptionKind::kCaptionOfFigure
                                           : CaptionKind::kSubcaption;
  std::string_view short_tex, content, ignored;
  if (name == "captionof") {
    std::string_view type;
    if (!take_group(text, p, type)) return;
    if (trim(type) != "figure") {
      read_optional(text, p, ignored);
      take_group(text, p, ignored, kMaxCaption);
      f.pos = p;
      if (in_document_ && !builder_.in_float()) builder_.discard_loose();
      return;
    }
  }
  read_optional(text, p, short_tex);
  std::string end_marker;
  for (size_t i = envs_.size(); i-- > 0;) {
    if (envs_[i].kind == EnvKind::kFloat || envs_[i].kind == EnvKind::kSub) {
      end_marker = "\\end{" + envs_[i].name + "}";
      break;
    }
  }
  GroupLimits limits;
  limits.max_length = kMaxCaption;
  limits.stop_markers = {"\\end{figure", "\\begin{figure", "\\end{document}"};
  if (!end_marker.empty()) limits.stop_markers.push_back(end_marker);
  GroupStatus status = read_group(text, p, content, limits);
  f.pos = p;
  if (status == GroupStatus::kNoGroup) return;
  if (status != GroupStatus::kOk) {
    diag("unbalanced",
         "\\" + std::string(name) + " argument: braces do not balance; caption read up to " +
             (status == GroupStatus::kTooLong ? "the length cap" : "the end of its float"));
  }
  if (!in_document_) return;
  if (!builder_.in_float() && in_other_float()) return;
  std::string tex(content);
  std::string short_copy(short_tex);
  if (name == "subcaptionbox") {
    // \subcaptionbox[list]{caption}[width][pos]{body}: the body is a sub-figure.
    while (read_optional(text, f.pos, ignored)) {
    }
    size_t q = f.pos;
    skip_spaces(text, q);
    if (q < text.size() && text[q] == '{' && builder_.begin_sub()) {
      f.pos = q + 1;
      ++depth_;
      closers_.push_back(depth_ - 1);
    }
  }
  builder_.caption(kind, tex, short_copy, !star, here(), envs_.size());
  std::string label = first_label(tex);
  if (!label.empty()) builder_.label(label);
}

void Scanner::handle_subfloat(std::string_view name) {
  Frame& f = arg_frame();
  std::string_view text = f.text;
  (void)name;
  if (f.pos < text.size() && text[f.pos] == '*') ++f.pos;
  std::string_view first, second;
  bool has_first = read_optional(text, f.pos, first);
  bool has_second = has_first && read_optional(text, f.pos, second);
  std::string caption(has_second ? second : first);
  size_t q = f.pos;
  skip_spaces(text, q);
  if (q >= text.size() || text[q] != '{') return;
  f.pos = q + 1;
  ++depth_;
  if (!in_document_ || !builder_.begin_sub()) return;
  closers_.push_back(depth_ - 1);
  if (has_first) {
    builder_.caption(CaptionKind::kSubcaption, caption, "", true, here(), envs_.size());
    std::string label = first_label(caption);
    if (!label.empty()) builder_.label(label);
  }
}

void Scanner::handle_fact(std::string_view name) {
  Frame& f = arg_frame();
  std::string_view ignored, content;
  size_t p = f.pos;
  read_optional(f.text, p, ignored);
  if (!take_group(f.text, p, content, 1u << 16)) return;
  f.pos = p;
  if (name == "title") {
    if (!facts_.title) facts_.title = std::string(content);
  } else if (name == "author") {
    if (authors_document_ < 0 || authors_document_ == document_index_) {
      authors_document_ = document_index_;
      facts_.authors.emplace_back(content);
    }
  } else if (name == "abstract") {
    if (!facts_.abstract) facts_.abstract = std::string(content);
  }
}

void Scanner::handle_graphics_settings(std::string_view name) {
  Frame& f = arg_frame();
  std::string_view content;
  if (!take_group(f.text, f.pos, content, 4096)) return;
  if (name == "graphicspath") {
    std::vector<std::string> dirs;
    size_t p = 0;
    std::string_view inner;
    while (true) {
      while (p < content.size() && (is_space(content[p]) || content[p] == ',')) ++p;
      if (p >= content.size() || content[p] != '{') break;
      if (!take_group(content, p, inner, 4096)) break;
      std::string dir = expand_in_argument(trim(inner));
      if (!dir.empty()) dirs.push_back(dir);
    }
    if (dirs.empty() && !trim(content).empty()) dirs.push_back(std::string(trim(content)));
    graphicspath_ = std::move(dirs);
    return;
  }
  std::vector<std::string> exts;
  size_t start = 0;
  for (size_t i = 0; i <= content.size(); ++i) {
    if (i < content.size() && content[i] != ',') continue;
    std::string_view ext = trim(content.substr(start, i - start));
    if (!ext.empty()) exts.emplace_back(ext);
    start = i + 1;
  }
  extensions_ = std::move(exts);
}

}  // namespace imagemesh::latex

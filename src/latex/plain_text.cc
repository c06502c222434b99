#include "latex/plain_text.h"

#include <memory>
#include <unordered_map>
#include <vector>

#include "latex/macros.h"
#include "latex/tex_lexer.h"
#include "latex/text_decode.h"

namespace imagemesh::latex {
namespace {

constexpr size_t kMaxExpansions = 512;
constexpr size_t kMaxExpandedBytes = 1u << 18;

enum class Action {
  kSpace,        // emit a space
  kDropArgs,     // drop optional args and `count` mandatory args
  kKeepLastArg,  // drop optional args and `count` mandatory args, keep the next one
  kRef,          // \ref{label}
  kEqRef,        // \eqref{label}
  kSymbol,       // emit `text`
  kEnvName,      // \begin{x} / \end{x}: drop the name
};

struct Rule {
  Action action;
  int count = 0;
  std::string_view text;
};

const std::unordered_map<std::string_view, Rule>& rules() {
  static const auto* kRules = new std::unordered_map<std::string_view, Rule>{
      // Dropped with their argument.
      {"label", {Action::kDropArgs, 1}},
      {"cite", {Action::kDropArgs, 1}},
      {"citep", {Action::kDropArgs, 1}},
      {"citet", {Action::kDropArgs, 1}},
      {"citealt", {Action::kDropArgs, 1}},
      {"citealp", {Action::kDropArgs, 1}},
      {"citeauthor", {Action::kDropArgs, 1}},
      {"citeyear", {Action::kDropArgs, 1}},
      {"citeyearpar", {Action::kDropArgs, 1}},
      {"citenum", {Action::kDropArgs, 1}},
      {"Cite", {Action::kDropArgs, 1}},
      {"Citep", {Action::kDropArgs, 1}},
      {"Citet", {Action::kDropArgs, 1}},
      {"parencite", {Action::kDropArgs, 1}},
      {"textcite", {Action::kDropArgs, 1}},
      {"autocite", {Action::kDropArgs, 1}},
      {"footcite", {Action::kDropArgs, 1}},
      {"nocite", {Action::kDropArgs, 1}},
      {"vspace", {Action::kDropArgs, 1}},
      {"hspace", {Action::kDropArgs, 1}},
      {"index", {Action::kDropArgs, 1}},
      {"glossary", {Action::kDropArgs, 1}},
      {"color", {Action::kDropArgs, 1}},
      {"includegraphics", {Action::kDropArgs, 1}},
      {"phantom", {Action::kDropArgs, 1}},
      {"hphantom", {Action::kDropArgs, 1}},
      {"vphantom", {Action::kDropArgs, 1}},
      {"thanks", {Action::kDropArgs, 1}},
      {"footnotemark", {Action::kDropArgs, 0}},
      {"bibliographystyle", {Action::kDropArgs, 1}},
      {"thispagestyle", {Action::kDropArgs, 1}},
      {"pagestyle", {Action::kDropArgs, 1}},
      {"affiliation", {Action::kDropArgs, 1}},
      {"altaffiliation", {Action::kDropArgs, 1}},
      {"affil", {Action::kDropArgs, 1}},
      {"address", {Action::kDropArgs, 1}},
      {"inst", {Action::kDropArgs, 1}},
      {"institute", {Action::kDropArgs, 1}},
      {"email", {Action::kDropArgs, 1}},
      {"orcid", {Action::kDropArgs, 1}},
      {"orcidlink", {Action::kDropArgs, 1}},
      {"altaffilmark", {Action::kDropArgs, 1}},
      {"affilmark", {Action::kDropArgs, 1}},
      {"affiliationmark", {Action::kDropArgs, 1}},
      {"fnmark", {Action::kDropArgs, 1}},
      {"corref", {Action::kDropArgs, 1}},
      {"IEEEauthorblockA", {Action::kDropArgs, 1}},
      {"linethickness", {Action::kDropArgs, 1}},
      {"setlength", {Action::kDropArgs, 2}},
      {"addtolength", {Action::kDropArgs, 2}},
      {"setcounter", {Action::kDropArgs, 2}},
      {"addtocounter", {Action::kDropArgs, 2}},
      {"rule", {Action::kDropArgs, 2}},
      {"definecolor", {Action::kDropArgs, 3}},
      {"protect", {Action::kDropArgs, 0}},
      // Formatting with a first argument that is not text.
      {"textcolor", {Action::kKeepLastArg, 1}},
      {"colorbox", {Action::kKeepLastArg, 1}},
      {"fcolorbox", {Action::kKeepLastArg, 2}},
      {"href", {Action::kKeepLastArg, 1}},
      {"hyperlink", {Action::kKeepLastArg, 1}},
      {"raisebox", {Action::kKeepLastArg, 1}},
      {"parbox", {Action::kKeepLastArg, 1}},
      {"resizebox", {Action::kKeepLastArg, 2}},
      {"scalebox", {Action::kKeepLastArg, 1}},
      {"rotatebox", {Action::kKeepLastArg, 1}},
      {"makebox", {Action::kKeepLastArg, 0}},
      {"framebox", {Action::kKeepLastArg, 0}},
      {"hyperref", {Action::kKeepLastArg, 0}},
      {"footnote", {Action::kKeepLastArg, 0}},
      {"foreignlanguage", {Action::kKeepLastArg, 1}},
      {"multicolumn", {Action::kKeepLastArg, 2}},
      // References.
      {"ref", {Action::kRef}},
      {"autoref", {Action::kRef}},
      {"cref", {Action::kRef}},
      {"Cref", {Action::kRef}},
      {"pageref", {Action::kRef}},
      {"vref", {Action::kRef}},
      {"nameref", {Action::kRef}},
      {"subref", {Action::kRef}},
      {"eqref", {Action::kEqRef}},
      {"begin", {Action::kEnvName}},
      {"end", {Action::kEnvName}},
      // Spacing.
      {"quad", {Action::kSpace}},
      {"qquad", {Action::kSpace}},
      {"hfill", {Action::kSpace}},
      {"vfill", {Action::kSpace}},
      {"hfil", {Action::kSpace}},
      {"newline", {Action::kSpace}},
      {"linebreak", {Action::kSpace}},
      {"par", {Action::kSpace}},
      {"smallskip", {Action::kSpace}},
      {"medskip", {Action::kSpace}},
      {"bigskip", {Action::kSpace}},
      {"enspace", {Action::kSpace}},
      {"enskip", {Action::kSpace}},
      {"thinspace", {Action::kSpace}},
      {"item", {Action::kSpace}},
      {"and", {Action::kSpace}},
      {"AND", {Action::kSpace}},
      {"And", {Action::kSpace}},
      {"space", {Action::kSpace}},
      {"nobreakspace", {Action::kSpace}},
      // Symbols.
      {"ss", {Action::kSymbol, 0, "ß"}},
      {"SS", {Action::kSymbol, 0, "SS"}},
      {"o", {Action::kSymbol, 0, "ø"}},
      {"O", {Action::kSymbol, 0, "Ø"}},
      {"ae", {Action::kSymbol, 0, "æ"}},
      {"AE", {Action::kSymbol, 0, "Æ"}},
      {"oe", {Action::kSymbol, 0, "œ"}},
      {"OE", {Action::kSymbol, 0, "Œ"}},
      {"aa", {Action::kSymbol, 0, "å"}},
      {"AA", {Action::kSymbol, 0, "Å"}},
      {"l", {Action::kSymbol, 0, "ł"}},
      {"L", {Action::kSymbol, 0, "Ł"}},
      {"i", {Action::kSymbol, 0, "ı"}},
      {"j", {Action::kSymbol, 0, "ȷ"}},
      {"textdegree", {Action::kSymbol, 0, "°"}},
      {"degree", {Action::kSymbol, 0, "°"}},
      {"textmu", {Action::kSymbol, 0, "µ"}},
      {"textpm", {Action::kSymbol, 0, "±"}},
      {"texttimes", {Action::kSymbol, 0, "×"}},
      {"ldots", {Action::kSymbol, 0, "…"}},
      {"dots", {Action::kSymbol, 0, "…"}},
      {"textellipsis", {Action::kSymbol, 0, "…"}},
      {"textendash", {Action::kSymbol, 0, "–"}},
      {"textemdash", {Action::kSymbol, 0, "—"}},
      {"textquoteleft", {Action::kSymbol, 0, "‘"}},
      {"textquoteright", {Action::kSymbol, 0, "’"}},
      {"textquotedblleft", {Action::kSymbol, 0, "“"}},
      {"textquotedblright", {Action::kSymbol, 0, "”"}},
      {"S", {Action::kSymbol, 0, "§"}},
      {"P", {Action::kSymbol, 0, "¶"}},
      {"copyright", {Action::kSymbol, 0, "©"}},
      {"pounds", {Action::kSymbol, 0, "£"}},
      {"euro", {Action::kSymbol, 0, "€"}},
      {"textregistered", {Action::kSymbol, 0, "®"}},
      {"texttrademark", {Action::kSymbol, 0, "™"}},
      {"LaTeX", {Action::kSymbol, 0, "LaTeX"}},
      {"TeX", {Action::kSymbol, 0, "TeX"}},
      {"LaTeXe", {Action::kSymbol, 0, "LaTeX2e"}},
      {"BibTeX", {Action::kSymbol, 0, "BibTeX"}},
      {"textbackslash", {Action::kSymbol, 0, "\\"}},
      {"textasciitilde", {Action::kSymbol, 0, "~"}},
      {"textless", {Action::kSymbol, 0, "<"}},
      {"textgreater", {Action::kSymbol, 0, ">"}},
      {"textbar", {Action::kSymbol, 0, "|"}},
      {"textunderscore", {Action::kSymbol, 0, "_"}},
      {"textasciicircum", {Action::kSymbol, 0, "^"}},
      {"checkmark", {Action::kSymbol, 0, "✓"}},
      {"times", {Action::kSymbol, 0, "×"}},
      {"pm", {Action::kSymbol, 0, "±"}},
      {"approx", {Action::kSymbol, 0, "≈"}},
      {"sim", {Action::kSymbol, 0, "~"}},
      {"deg", {Action::kSymbol, 0, "°"}},
      {"arcsec", {Action::kSymbol, 0, "″"}},
      {"arcmin", {Action::kSymbol, 0, "′"}},
      {"micron", {Action::kSymbol, 0, "µm"}},
      {"dag", {Action::kSymbol, 0, "†"}},
      {"ddag", {Action::kSymbol, 0, "‡"}},
      {"textbullet", {Action::kSymbol, 0, "•"}},
      {"slash", {Action::kSymbol, 0, "/"}},
      {"textsuperscript", {Action::kKeepLastArg, 0}},
      {"cdots", {Action::kSymbol, 0, "…"}},
  };
  return *kRules;
}

bool is_accent_letter(std::string_view name) {
  return name.size() == 1 && std::string_view("uvHckrdbt").find(name[0]) != std::string_view::npos;
}

bool is_accent_symbol(std::string_view name) {
  return name.size() == 1 && std::string_view("'`^\"~=.").find(name[0]) != std::string_view::npos;
}

class Converter {
 public:
  Converter(std::string_view tex, const PlainTextOptions& options) : options_(options) {
    frames_.push_back({tex, 0, nullptr});
  }

  std::string run() {
    while (!frames_.empty()) {
      Frame& f = frames_.back();
      if (f.pos >= f.text.size()) {
        frames_.pop_back();
        continue;
      }
      step(f);
    }
    return finish();
  }

 private:
  struct Frame {
    std::string_view text;
    size_t pos;
    std::unique_ptr<std::string> owned;
  };

  void step(Frame& f) {
    std::string_view t = f.text;
    char c = t[f.pos];
    switch (c) {
      case '{':
      case '}':
        ++f.pos;
        return;
      case '~':
        out_ += ' ';
        ++f.pos;
        return;
      case '&':
        out_ += ' ';
        ++f.pos;
        return;
      case '$':
        math_dollar(f);
        return;
      case '`':
        if (t.substr(f.pos, 2) == "``") {
          out_ += '"';
          f.pos += 2;
        } else {
          out_ += '\'';
          ++f.pos;
        }
        return;
      case '\'':
        if (t.substr(f.pos, 2) == "''") {
          out_ += '"';
          f.pos += 2;
        } else {
          out_ += '\'';
          ++f.pos;
        }
        return;
      case '-':
        if (t.substr(f.pos, 3) == "---") {
          out_ += "—";
          f.pos += 3;
        } else if (t.substr(f.pos, 2) == "--") {
          out_ += "–";
          f.pos += 2;
        } else {
          out_ += '-';
          ++f.pos;
        }
        return;
      case '\\':
        ++f.pos;
        command(f);
        return;
      default: {
        size_t next = t.find_first_of("{}~&$`'-\\", f.pos + 1);
        if (next == std::string_view::npos) next = t.size();
        out_.append(t.substr(f.pos, next - f.pos));
        f.pos = next;
      }
    }
  }

  void emit_math(std::string_view inner) {
    if (options_.author_mode) return;
    out_ += '$';
    out_.append(inner);
    out_ += '$';
  }

  void math_dollar(Frame& f) {
    std::string_view t = f.text;
    bool display = t.substr(f.pos, 2) == "$$";
    size_t start = f.pos + (display ? 2 : 1);
    size_t i = start;
    while (i < t.size()) {
      if (t[i] == '\\') {
        i += 2;
        continue;
      }
      if (t[i] == '$') break;
      ++i;
    }
    size_t end = std::min(i, t.size());
    emit_math(t.substr(start, end - start));
    f.pos = end;
    if (f.pos < t.size()) f.pos += (display && t.substr(f.pos, 2) == "$$") ? 2 : 1;
  }

  void math_until(Frame& f, std::string_view closer) {
    size_t end = f.text.find(closer, f.pos);
    if (end == std::string_view::npos) end = f.text.size();
    emit_math(f.text.substr(f.pos, end - f.pos));
    f.pos = std::min(f.text.size(), end + closer.size());
  }

  void skip_optionals(Frame& f) {
    std::string_view ignored;
    size_t p = f.pos;
    if (p < f.text.size() && f.text[p] == '*') f.pos = ++p;
    while (read_optional(f.text, f.pos, ignored)) {
    }
  }

  void accent(Frame& f, std::string_view name) {
    size_t p = f.pos;
    if (is_accent_letter(name)) skip_spaces(f.text, p);
    std::string_view base;
    if (p < f.text.size() && f.text[p] == '{') {
      if (read_group(f.text, p, base) != GroupStatus::kOk) base = {};
      base = trim(base);
      if (base.size() >= 2 && base[0] == '\\' && base.size() <= 3) {
        // {\i}
      } else if (!base.empty() && base[0] == '{') {
        base = trim(base.substr(1, base.size() > 1 ? base.size() - 2 : 0));
      }
    } else if (p < f.text.size() && f.text[p] == '\\') {
      size_t start = p++;
      read_command_name(f.text, p);
      base = f.text.substr(start, p - start);
    } else if (p < f.text.size()) {
      size_t start = p++;
      while (p < f.text.size() && (static_cast<unsigned char>(f.text[p]) & 0xC0) == 0x80) ++p;
      base = f.text.substr(start, p - start);  // one code point
    }
    f.pos = p;
    out_ += apply_accent(name, base);
  }

  bool expand_user(Frame& f, std::string_view name) {
    if (!options_.macros || expansions_ >= kMaxExpansions) return false;
    const MacroDef* def = options_.macros->find(name);
    if (!def || !def->alias_of.empty()) return false;
    size_t p = f.pos;
    std::string body = expand_macro_call(*def, f.text, p);
    f.pos = p;
    ++expansions_;
    expanded_bytes_ += body.size();
    if (expanded_bytes_ > kMaxExpandedBytes) return true;  // drop it
    auto owned = std::make_unique<std::string>(std::move(body));
    std::string_view view = *owned;
    frames_.push_back({view, 0, std::move(owned)});
    return true;
  }

  void command(Frame& f) {
    std::string_view t = f.text;
    if (f.pos >= t.size()) return;
    std::string_view name = read_command_name(t, f.pos);
    if (name.size() == 1 && !is_command_letter(name[0])) {
      char c = name[0];
      if (is_accent_symbol(name)) return accent(f, name);
      switch (c) {
        case '\\':
          out_ += ' ';
          skip_optionals(f);
          return;
        case '%':
        case '&':
        case '$':
        case '#':
        case '_':
        case '{':
        case '}':
          out_ += c;
          return;
        case '(':
          return math_until(f, "\\)");
        case '[':
          return math_until(f, "\\]");
        case ' ':
        case ',':
        case ';':
        case ':':
        case '>':
        case '\n':
          out_ += ' ';
          return;
        default:
          return;  // \! \/ \- \@ ...
      }
    }
    if (is_accent_letter(name)) return accent(f, name);
    if (expand_user(f, name)) return;
    if (options_.author_mode && (name == "footnote" || name == "textsuperscript" ||
                                 name == "footnotetext" || name == "IEEEauthorrefmark")) {
      skip_optionals(f);
      skip_group(f);
      return;
    }
    auto it = rules().find(name);
    if (it == rules().end()) return;  // unknown: drop the name, keep what follows
    const Rule& rule = it->second;
    switch (rule.action) {
      case Action::kSpace:
        out_ += ' ';
        if (name == "hspace") skip_group(f);
        return;
      case Action::kSymbol:
        out_.append(rule.text);
        // TeX drops the spaces after a control word; keep them after word-like symbols (\LaTeX,
        // \ldots) where a reader expects a space, drop them after letters (Stra\ss e).
        if (rule.text.size() <= 2 || name == "textbackslash") {
          while (f.pos < t.size() && (t[f.pos] == ' ' || t[f.pos] == '\t')) ++f.pos;
        }
        return;
      case Action::kDropArgs:
        skip_optionals(f);
        for (int k = 0; k < rule.count; ++k) {
          skip_group(f);
          skip_optionals(f);
        }
        if (name == "hspace" || name == "vspace") out_ += ' ';
        return;
      case Action::kKeepLastArg:
        skip_optionals(f);
        for (int k = 0; k < rule.count; ++k) {
          skip_group(f);
          skip_optionals(f);
        }
        return;
      case Action::kRef:
      case Action::kEqRef: {
        skip_optionals(f);
        std::string_view label;
        size_t p = f.pos;
        std::string text = "?";
        if (read_group(t, p, label) == GroupStatus::kOk) {
          f.pos = p;
          if (options_.ref_text) {
            std::string found = options_.ref_text(trim(label));
            if (!found.empty()) text = found;
          }
        }
        if (rule.action == Action::kEqRef) text = "(" + text + ")";
        out_ += text;
        return;
      }
      case Action::kEnvName:
        skip_group(f);
        return;
    }
  }

  void skip_group(Frame& f) {
    std::string_view ignored;
    size_t p = f.pos;
    skip_spaces(f.text, p);
    if (p < f.text.size() && f.text[p] == '{') {
      if (read_group(f.text, p, ignored) != GroupStatus::kNoGroup) f.pos = p;
    } else if (p < f.text.size() && f.text[p] == '\\') {
      ++p;
      read_command_name(f.text, p);
      f.pos = p;
    }
  }

  std::string finish() {
    std::string collapsed;
    collapsed.reserve(out_.size());
    bool space = false;
    for (char c : out_) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !collapsed.empty()) {
        bool tight = c == ',' || c == '.' || c == ';' || c == ':' || c == ')';
        bool after_open = collapsed.back() == '(';
        if (!tight && !after_open) collapsed += ' ';
      }
      space = false;
      collapsed += c;
    }
    return sanitize_utf8(collapsed);
  }

  const PlainTextOptions& options_;
  std::vector<Frame> frames_;
  std::string out_;
  size_t expansions_ = 0;
  size_t expanded_bytes_ = 0;
};

}  // namespace

std::string tex_to_plain(std::string_view tex, const PlainTextOptions& options) {
  Converter converter(tex, options);
  return converter.run();
}

}  // namespace imagemesh::latex

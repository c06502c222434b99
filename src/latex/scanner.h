// Reads a paper's documents in TeX's reading order: follows \input & co, expands user macros,
// skips dead conditional branches, and feeds floats, graphics, captions and labels to a
// FigureBuilder. One Scanner per paper; scan_document() once per main file.
//
// Caps (all produce a "limit" diagnostic, never a failure): include depth (options), expanded
// bytes (options), 200000 macro expansions, 256 nested macro frames, 64 KB per caption, 8 MB of
// look-ahead for conditionals whose value is unknown.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "latex/extract.h"
#include "latex/figure_builder.h"
#include "latex/graphics_resolve.h"
#include "latex/macros.h"
#include "latex/tex_lexer.h"

namespace imagemesh::latex {

// Raw TeX of the paper facts, converted to plain text by the caller.
struct FactsTex {
  std::optional<std::string> title;
  std::vector<std::string> authors;
  std::optional<std::string> abstract;
};

struct LoadedFile {
  std::string text;  // decoded, comments stripped
  LineIndex lines;
};

class Scanner {
 public:
  Scanner(const std::vector<SourceFile>& files, const FileIndex& index, const EngineChoice& engine,
          const ExtractOptions& options, std::string declared_encoding);

  // `assume_body`: read the file as document body even without \begin{document}.
  void scan_document(const std::string& root, bool assume_body);
  std::vector<BuiltFigure> finish() { return builder_.finish(); }

  // Decoded and comment-stripped text of a file, or null (missing, binary). Cached.
  const LoadedFile* load(const std::string& path);

  const MacroTable& macros() const { return macros_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  FactsTex& facts() { return facts_; }

 private:
  enum class EnvKind { kPlain, kFloat, kSub, kOtherFloat, kUser };
  struct Env {
    std::string name;
    EnvKind kind;
    std::string end_code;
  };
  struct Frame {
    std::string_view text;
    size_t pos = 0;
    const LoadedFile* file = nullptr;  // null for macro expansions
    std::string path;
    std::unique_ptr<std::string> owned;
    std::string import_dir;
    bool overlay = false;
    std::shared_ptr<std::set<std::string>> overlay_seen;
  };

  // scanner.cc: the reading loop, frames, environments, conditionals.
  void run();
  void dispatch(std::string_view name, int alias_depth = 0);
  Frame& top() { return frames_.back(); }
  Frame& arg_frame();
  Frame* file_frame();
  Where here();
  std::string current_folder();
  void diag(std::string kind, std::string message);
  void push_expansion(std::string text);
  void handle_begin();
  void handle_end();
  void pop_env_to(size_t index);
  void end_document();
  void end_input();
  bool in_other_float() const;
  void handle_if(std::string_view name);
  std::optional<bool> evaluate_condition(std::string_view name, Frame& f);
  bool choose_then_branch(std::string_view then_text, std::string_view else_text);

  // scanner_commands.cc: definitions, inputs, graphics, captions, facts.
  bool handle_definition(std::string_view name);
  void handle_input(std::string_view name);
  void handle_graphics(std::string_view name);
  void record_graphics(std::string_view command, std::string_view raw);
  void handle_caption(std::string_view name);
  void handle_subfloat(std::string_view name);
  void handle_fact(std::string_view name);
  void handle_graphics_settings(std::string_view name);
  std::string expand_in_argument(std::string_view raw);
  GraphicsContext graphics_context();

  const std::vector<SourceFile>& files_;
  const FileIndex& index_;
  EngineChoice engine_;
  ExtractOptions options_;
  std::string declared_encoding_;

  std::unordered_map<std::string, std::unique_ptr<LoadedFile>> cache_;
  std::set<std::string> unusable_;
  std::set<std::string> visited_;
  MacroTable macros_;
  std::map<std::string, bool> flags_;  // \newif
  FigureBuilder builder_;
  std::vector<Diagnostic> diagnostics_;
  FactsTex facts_;
  int document_index_ = 0;
  int authors_document_ = -1;

  // Per document.
  std::vector<Frame> frames_;
  std::vector<Env> envs_;
  std::vector<size_t> closers_;  // brace depths that end \subfloat bodies
  size_t depth_ = 0;
  bool in_document_ = false;
  bool stop_ = false;
  std::string root_folder_;
  std::vector<std::string> graphicspath_;
  std::vector<std::string> extensions_;
  size_t command_pos_ = 0;

  // Budgets.
  size_t expansions_ = 0;
  size_t expanded_bytes_ = 0;
  bool expansion_disabled_ = false;
  size_t lookahead_bytes_ = 0;
  std::set<std::string> limit_reported_;
};

}  // namespace imagemesh::latex

// LaTeX figure extraction: the paper's files in, figures with captions, labels, sub-figures and
// resolved graphics out. Pure text processing: no I/O, no TeX run, no third-party library.
//
// Contract: never fails as a whole and never crashes on any input; problems (missing \input,
// cycles, unbalanced braces, undecodable text, unresolved graphics) become diagnostics. Time and
// memory are bounded and roughly linear in the size of the sources (caps documented in extract.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imagemesh::latex {

// One file of the paper. `path` is normalised, relative to the paper root ("figs/a.pdf").
struct SourceFile {
  std::string path;
  std::string_view bytes;  // raw bytes, any encoding; must outlive the extract_figures() call
};

struct GraphicsRef {
  std::string command;     // "includegraphics", "epsfig", "psfig", "epsfbox", "epsffile",
                           // "plotone", "plottwo", "plotfiddle", "pdf_tex"
  std::string as_written;  // the file argument as written (after user-macro expansion)
  std::optional<std::string> resolved;  // path of the paper's file, relative to the root
  std::string unresolved_reason;        // empty when resolved, else why not (human readable)
  std::string resolution_note;  // set when found in a way LaTeX itself would not (case differs,
                                // beside the including file, \graphicspath outside the paper)
  std::string tex_file;         // file the command appears in
  int line = 0;                 // 1-based line in tex_file
};

struct SubFigure {
  std::string caption_tex;  // caption argument exactly as in the source
  std::string
      caption_text;   // plain text for search: accents -> Unicode, formatting removed, $math$ kept
  std::string label;  // first \label, empty if none
  std::vector<GraphicsRef> graphics;
};

struct Figure {
  int order = 0;         // 1-based position in reading order after following \input/\include
  std::string env;       // "figure", "figure*", "wrapfigure", "sidewaysfigure", "SCfigure", ...,
                         // or "none" for graphics outside any float
  std::string tex_file;  // file where the environment starts
  int line = 0;
  std::string caption_tex;
  std::string caption_text;
  std::string short_caption;  // the optional [short] argument of \caption, plain text
  std::string label;
  std::vector<GraphicsRef> graphics;  // graphics not inside a sub-figure
  std::vector<SubFigure> subfigures;
};

struct Diagnostic {
  // kNote says how the sources were read (an 8-bit encoding, a main file chosen without
  // \documentclass, a paper with no TeX at all); kProblem is something a reader would call wrong.
  enum class Severity { kProblem, kNote };
  std::string kind;  // "missing-input", "input-cycle", "unsafe-path", "unbalanced", "encoding",
                     // "unresolved-graphics", "limit", "no-root"
  std::string file;
  int line = 0;
  std::string message;
  Severity severity = Severity::kProblem;
};

struct ExtractResult {
  std::vector<std::string> root_files;  // files with \documentclass (or the chosen main file)
  std::string engine;                   // "pdflatex", "latex" or "unknown"
  std::string engine_reason;            // why, e.g. "only .eps graphics present"
  std::vector<Figure> figures;          // in reading order
  // Paper facts from the source, for papers without arXiv metadata. Plain text.
  std::string title;
  std::vector<std::string> authors;
  std::string abstract;
  std::vector<Diagnostic> diagnostics;
};

struct ExtractOptions {
  size_t max_include_depth = 32;
  size_t max_expanded_bytes = 64u << 20;  // cap on text produced by following inputs and macros
};

ExtractResult extract_figures(const std::vector<SourceFile>& files,
                              const ExtractOptions& options = {});

// True for names LaTeX could read as source: .tex, .ltx, .latex, .pdf_tex, .pstex_t, or no
// extension (single-file submissions).
bool is_tex_name(std::string_view path);

}  // namespace imagemesh::latex

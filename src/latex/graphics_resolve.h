// The paper's file list, and LaTeX's search for graphics and \input files in it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "latex/extract.h"

namespace imagemesh::latex {

class FileIndex {
 public:
  explicit FileIndex(const std::vector<SourceFile>& files);
  bool contains(std::string_view path) const { return exact_.count(std::string(path)) > 0; }
  // Index into the files vector, or -1.
  int find(std::string_view path) const;
  // Paths equal to `path` ignoring ASCII case.
  const std::vector<std::string>* find_case_insensitive(std::string_view path) const;
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<std::string> paths_;
  std::unordered_map<std::string, int> exact_;
  std::unordered_map<std::string, std::vector<std::string>> lower_;
};

struct EngineChoice {
  std::string engine;  // "pdflatex", "latex" or "unknown"
  std::string reason;
};

// pdflatex when any .pdf/.png/.jpg image is present, latex when only .eps/.ps ones are.
EngineChoice choose_engine(const FileIndex& index);

// Where a graphics command appears.
struct GraphicsContext {
  std::string root_folder;                // folder of the main file (TeX's working folder)
  std::string tex_folder;                 // folder of the file holding the command
  std::string import_dir;                 // set inside \import/\subimport
  std::vector<std::string> graphicspath;  // as written in \graphicspath
  std::vector<std::string> extensions;    // \DeclareGraphicsExtensions, empty = engine default
};

struct Resolution {
  std::optional<std::string> path;
  std::string reason;  // why unresolved
  std::string note;    // how it was resolved when LaTeX itself would not have found it this way
};

// Strips surrounding spaces, quotes and extra braces from a graphics file argument.
std::string clean_file_argument(std::string_view raw);

Resolution resolve_graphics(std::string_view as_written, const GraphicsContext& context,
                            const FileIndex& index, const EngineChoice& engine);

// \input/\include: tries name.tex then name in `dirs` (in order), then ignoring case.
// `unsafe` is set when the name points outside the paper.
std::optional<std::string> resolve_input(std::string_view name,
                                         const std::vector<std::string>& dirs,
                                         const FileIndex& index, std::string& problem);

bool is_image_name(std::string_view path);

}  // namespace imagemesh::latex

#include "latex/roots.h"

#include <algorithm>
#include <set>

#include "core/safe_path.h"
#include "latex/graphics_resolve.h"
#include "latex/scanner.h"

namespace imagemesh::latex {
namespace {

bool is_hidden(const std::string& path) {
  std::string_view name = path;
  size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return name.substr(0, 1) == ".";  // AppleDouble "._x.tex", .DS_Store and other dot files
}

// The class of the first \documentclass/\documentstyle, or nullopt.
std::optional<std::string> document_class(std::string_view text) {
  for (std::string_view command : {"\\documentclass", "\\documentstyle"}) {
    size_t at = text.find(command);
    if (at == std::string_view::npos) continue;
    size_t p = at + command.size();
    std::string_view ignored, name;
    read_optional(text, p, ignored);
    if (read_group(text, p, name) != GroupStatus::kOk) return std::string();
    return std::string(trim(name));
  }
  return std::nullopt;
}

// Files named by \input/\include/\subfile in `text`, resolved against `dirs`.
void mark_inputs(std::string_view text, const std::vector<std::string>& dirs,
                 const FileIndex& index, std::set<std::string>& referenced) {
  for (std::string_view command : {"\\input", "\\include", "\\subfile"}) {
    size_t at = 0;
    while ((at = text.find(command, at)) != std::string_view::npos) {
      size_t p = at + command.size();
      at = p;
      std::string_view name;
      if (p < text.size() && is_command_letter(text[p])) continue;
      if (read_group(text, p, name) != GroupStatus::kOk) continue;
      std::string problem;
      if (auto found = resolve_input(name, dirs, index, problem)) referenced.insert(*found);
    }
  }
}

}  // namespace

RootChoice find_roots(const FileIndex& index, Scanner& scanner) {
  RootChoice choice;
  std::vector<std::string> with_class;
  std::vector<std::string> tex_files;
  std::set<std::string> referenced;
  std::set<std::string> bbl_stems;
  for (const std::string& path : index.paths()) {
    if (lower_extension(path) == "bbl" && !is_hidden(path)) {
      bbl_stems.insert(path.substr(0, path.size() - 4));
    }
  }
  for (const std::string& path : index.paths()) {
    if (!is_tex_name(path) || is_hidden(path)) continue;
    std::string ext = lower_extension(path);
    if (ext == "pdf_tex" || ext == "pstex_t") continue;
    const LoadedFile* file = scanner.load(path);
    if (!file) continue;
    if (ext.empty() && file->text.find('\\') == std::string::npos) continue;
    tex_files.push_back(path);
    std::vector<std::string> dirs = {std::string(parent_folder(path))};
    mark_inputs(file->text, dirs, index, referenced);
    auto cls = document_class(file->text);
    if (cls && *cls != "subfiles" && *cls != "standalone") with_class.push_back(path);
  }
  auto ordered = [&](std::vector<std::string> list) {
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const std::string& p) { return referenced.count(p) > 0; }),
               list.end());
    std::stable_sort(list.begin(), list.end(), [&](const std::string& a, const std::string& b) {
      auto stem = [](const std::string& p) { return p.substr(0, p.find_last_of('.')); };
      bool a_bbl = bbl_stems.count(stem(a)) > 0, b_bbl = bbl_stems.count(stem(b)) > 0;
      if (a_bbl != b_bbl) return a_bbl;
      return a < b;
    });
    return list;
  };
  if (!with_class.empty()) {
    choice.roots = ordered(with_class);
    if (choice.roots.empty()) choice.roots = with_class;  // they all input each other
    return choice;
  }
  choice.fallback = true;
  if (tex_files.size() == 1) {
    choice.roots = tex_files;
    choice.note = "no \\documentclass; reading the only TeX file";
    return choice;
  }
  choice.roots = ordered(tex_files);
  if (choice.roots.empty()) choice.roots = tex_files;
  choice.note = "no \\documentclass; reading every TeX file that no other one inputs";
  return choice;
}

}  // namespace imagemesh::latex

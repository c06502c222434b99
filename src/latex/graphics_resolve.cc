#include "latex/graphics_resolve.h"

#include <algorithm>
#include <cctype>

#include "core/safe_path.h"
#include "latex/tex_lexer.h"

namespace imagemesh::latex {
namespace {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_apple_double(std::string_view path) { return base_name(path).substr(0, 2) == "._"; }

const std::vector<std::string>& pdflatex_extensions() {
  static const std::vector<std::string> kList = {".pdf",   ".png", ".jpg", ".mps", ".jpeg",
                                                 ".jbig2", ".jb2", ".PDF", ".PNG", ".JPG",
                                                 ".JPEG",  ".eps", ".ps"};
  return kList;
}
const std::vector<std::string>& latex_extensions() {
  static const std::vector<std::string> kList = {".eps", ".ps", ".eps.gz", ".ps.gz", ".EPS", ".PS"};
  return kList;
}

bool has_known_graphics_extension(std::string_view name) {
  static const char* const kKnown[] = {"pdf", "png", "jpg", "jpeg", "eps",  "ps",  "mps",  "jbig2",
                                       "jb2", "gif", "svg", "tif",  "tiff", "bmp", "epsi", "epsf"};
  std::string ext = lower_extension(name);
  for (const char* known : kKnown) {
    if (ext == known) return true;
  }
  return false;
}

// Candidate file names for `name` in LaTeX's order: a known extension is used as written;
// otherwise each extension is appended, then the name is tried as written.
std::vector<std::string> candidates(std::string_view name, const std::vector<std::string>& exts) {
  std::vector<std::string> out;
  if (has_known_graphics_extension(name)) {
    out.emplace_back(name);
    return out;
  }
  for (const std::string& ext : exts) out.push_back(std::string(name) + ext);
  out.emplace_back(name);
  return out;
}

struct Dir {
  std::string path;
  bool outside = false;  // a graphicspath entry that leaves the paper, folded back inside
};

}  // namespace

FileIndex::FileIndex(const std::vector<SourceFile>& files) {
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i].path;
    paths_.push_back(path);
    exact_.emplace(path, static_cast<int>(i));
    if (!is_apple_double(path)) lower_[to_lower(path)].push_back(path);
  }
}

int FileIndex::find(std::string_view path) const {
  auto it = exact_.find(std::string(path));
  return it == exact_.end() ? -1 : it->second;
}

const std::vector<std::string>* FileIndex::find_case_insensitive(std::string_view path) const {
  auto it = lower_.find(to_lower(path));
  return it == lower_.end() ? nullptr : &it->second;
}

bool is_image_name(std::string_view path) {
  std::string ext = lower_extension(path);
  if (ext.rfind("ps_page_", 0) == 0) return true;
  static const char* const kImages[] = {"pdf", "png", "jpg", "jpeg", "gif", "eps",
                                        "ps",  "svg", "tif", "tiff", "bmp"};
  for (const char* image : kImages) {
    if (ext == image) return true;
  }
  return false;
}

EngineChoice choose_engine(const FileIndex& index) {
  size_t raster_or_pdf = 0, postscript = 0;
  for (const std::string& path : index.paths()) {
    if (is_apple_double(path)) continue;
    std::string ext = lower_extension(path);
    if (ext == "pdf" || ext == "png" || ext == "jpg" || ext == "jpeg") ++raster_or_pdf;
    if (ext == "eps" || ext == "ps" || ext.rfind("ps_page_", 0) == 0) ++postscript;
  }
  if (raster_or_pdf > 0) {
    return {"pdflatex", std::to_string(raster_or_pdf) + " .pdf/.png/.jpg image file(s) present" +
                            (postscript ? " (and " + std::to_string(postscript) +
                                              " .eps/.ps, converted by epstopdf)"
                                        : std::string())};
  }
  if (postscript > 0) {
    return {"latex", "only .eps/.ps graphics present (" + std::to_string(postscript) + ")"};
  }
  return {"unknown", "no image files in the paper"};
}

std::string clean_file_argument(std::string_view raw) {
  std::string_view s = trim(raw);
  // {{{name}}} (extra braces protect dots in names)
  while (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = trim(s.substr(1, s.size() - 2));
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '"' && c != '{' && c != '}' && c != '\n') out += c;
  }
  return std::string(trim(out));
}

Resolution resolve_graphics(std::string_view as_written, const GraphicsContext& context,
                            const FileIndex& index, const EngineChoice& engine) {
  Resolution result;
  std::string name = clean_file_argument(as_written);
  if (name.empty()) {
    result.reason = "empty file name";
    return result;
  }
  if (name.find("://") != std::string::npos) {
    result.reason = "a URL, not a file of the paper";
    return result;
  }
  if (name.front() == '/' || name.front() == '~' ||
      (name.size() > 1 && name[1] == ':' && std::isalpha(static_cast<unsigned char>(name[0])))) {
    result.reason = "absolute path '" + name + "' is outside the paper";
    return result;
  }
  if (name.find('\\') != std::string::npos) {
    result.reason = "file name still holds an unexpanded macro";
    return result;
  }
  std::vector<Dir> dirs;
  if (!context.import_dir.empty()) dirs.push_back({context.import_dir});
  dirs.push_back({context.root_folder});
  std::vector<Dir> outside_dirs;
  for (const std::string& entry : context.graphicspath) {
    if (entry.empty() || entry.front() == '/') continue;
    auto joined = join_inside_root(context.root_folder, entry);
    if (joined.ok()) {
      dirs.push_back({*joined});
    } else if (entry.rfind("./", 0) == 0 || entry == ".") {
      dirs.push_back({context.root_folder});
    } else {
      // "../figures/": the folder is outside what was submitted; its name inside the paper is
      // the careful reader's guess.
      std::string_view inner = entry;
      while (inner.rfind("../", 0) == 0) inner.remove_prefix(3);
      auto folded = join_inside_root(context.root_folder, inner);
      outside_dirs.push_back({folded.ok() ? *folded : std::string(), true});
    }
  }
  const std::vector<std::string>& engine_exts =
      engine.engine == "latex" ? latex_extensions() : pdflatex_extensions();
  const std::vector<std::string>& exts =
      context.extensions.empty() ? engine_exts : context.extensions;
  bool name_leaves = false;
  auto try_dirs = [&](const std::vector<Dir>& where,
                      const std::vector<std::string>& ext_list) -> std::optional<std::string> {
    for (const Dir& dir : where) {
      for (const std::string& candidate : candidates(name, ext_list)) {
        auto joined = join_inside_root(dir.path, candidate);
        if (!joined.ok()) {
          name_leaves = true;
          continue;
        }
        if (index.contains(*joined) && !is_apple_double(*joined)) return *joined;
      }
    }
    return std::nullopt;
  };
  auto try_dirs_nocase =
      [&](const std::vector<Dir>& where,
          const std::vector<std::string>& ext_list) -> std::optional<std::string> {
    for (const Dir& dir : where) {
      for (const std::string& candidate : candidates(name, ext_list)) {
        auto joined = join_inside_root(dir.path, candidate);
        if (!joined.ok()) continue;
        const auto* found = index.find_case_insensitive(*joined);
        if (found && found->size() == 1) return found->front();
      }
    }
    return std::nullopt;
  };
  if (auto found = try_dirs(dirs, exts)) {
    result.path = found;
    return result;
  }
  std::vector<std::string> all_exts = exts;
  for (const auto* list : {&pdflatex_extensions(), &latex_extensions()}) {
    for (const std::string& ext : *list) {
      if (std::find(all_exts.begin(), all_exts.end(), ext) == all_exts.end()) {
        all_exts.push_back(ext);
      }
    }
  }
  if (auto found = try_dirs(dirs, all_exts)) {
    result.path = found;
    result.note = "found with an extension outside the declared list";
    return result;
  }
  if (auto found = try_dirs_nocase(dirs, all_exts)) {
    result.path = found;
    result.note = "found as '" + *found + "': the case differs from '" + name + "'";
    return result;
  }
  std::vector<Dir> fallback = outside_dirs;
  if (!context.tex_folder.empty() && context.tex_folder != context.root_folder) {
    fallback.push_back({context.tex_folder});
  }
  if (auto found = try_dirs(fallback, all_exts)) {
    result.path = found;
    result.note = outside_dirs.empty()
                      ? "found beside the including file, not in the main file's folder"
                      : "found inside the paper; \\graphicspath points outside it";
    // Distinguish which fallback hit.
    for (const Dir& dir : outside_dirs) {
      if (!dir.path.empty() && found->rfind(dir.path + "/", 0) == 0) {
        result.note = "found inside the paper; \\graphicspath points outside it";
        return result;
      }
    }
    if (!context.tex_folder.empty() && found->rfind(context.tex_folder + "/", 0) == 0) {
      result.note = "found beside the including file, not in the main file's folder";
    }
    return result;
  }
  if (name_leaves) {
    result.reason = "path '" + name + "' leaves the paper folder";
  } else {
    result.reason = "no file '" + name + "' in the paper";
    if (!has_known_graphics_extension(name)) {
      result.reason += " (tried";
      for (size_t i = 0; i < exts.size() && i < 6; ++i) result.reason += " " + exts[i];
      result.reason += exts.size() > 6 ? " ...)" : ")";
    }
  }
  return result;
}

std::optional<std::string> resolve_input(std::string_view raw, const std::vector<std::string>& dirs,
                                         const FileIndex& index, std::string& problem) {
  std::string name = clean_file_argument(raw);
  problem.clear();
  if (name.empty()) {
    problem = "empty file name";
    return std::nullopt;
  }
  if (name.front() == '/' || name.front() == '~' || name.front() == '|' ||
      name.find("://") != std::string::npos) {
    problem = "'" + name + "' is outside the paper";
    return std::nullopt;
  }
  std::vector<std::string> names;
  std::string ext = lower_extension(name);
  if (ext == "tex" || ext == "ltx" || ext == "latex") {
    names = {name};
  } else {
    names = {name + ".tex", name};
  }
  bool leaves = false;
  for (const std::string& dir : dirs) {
    for (const std::string& candidate : names) {
      auto joined = join_inside_root(dir, candidate);
      if (!joined.ok()) {
        leaves = true;
        continue;
      }
      if (index.contains(*joined)) return *joined;
    }
  }
  for (const std::string& dir : dirs) {
    for (const std::string& candidate : names) {
      auto joined = join_inside_root(dir, candidate);
      if (!joined.ok()) continue;
      const auto* found = index.find_case_insensitive(*joined);
      if (found && found->size() == 1) return found->front();
    }
  }
  problem = leaves ? "'" + name + "' is outside the paper" : "no file '" + name + "' in the paper";
  return std::nullopt;
}

}  // namespace imagemesh::latex

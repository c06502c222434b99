#include "ingest/paper_builder.h"

#include <unordered_map>
#include <unordered_set>

#include "core/hash.h"
#include "imaging/image_facts.h"
#include "latex/extract.h"

namespace imagemesh::ingest {
namespace {

store::GraphicsRecord to_record(const latex::GraphicsRef& ref) {
  store::GraphicsRecord out;
  out.command = ref.command;
  out.as_written = ref.as_written;
  out.resolved = ref.resolved;
  out.unresolved_reason = ref.unresolved_reason;
  out.resolution_note = ref.resolution_note;
  out.tex_file = ref.tex_file;
  out.line = ref.line;
  return out;
}

std::vector<store::GraphicsRecord> to_records(const std::vector<latex::GraphicsRef>& refs) {
  std::vector<store::GraphicsRecord> out;
  out.reserve(refs.size());
  for (const auto& ref : refs) out.push_back(to_record(ref));
  return out;
}

store::FigureRecord to_record(const latex::Figure& figure) {
  store::FigureRecord out;
  out.order = figure.order;
  out.env = figure.env;
  out.tex_file = figure.tex_file;
  out.line = figure.line;
  out.caption_tex = figure.caption_tex;
  out.caption_text = figure.caption_text;
  out.short_caption = figure.short_caption;
  out.label = figure.label;
  out.graphics = to_records(figure.graphics);
  for (const auto& sub : figure.subfigures) {
    out.subfigures.push_back(
        {sub.caption_tex, sub.caption_text, sub.label, to_records(sub.graphics)});
  }
  return out;
}

store::BlobFacts read_facts(const std::string& sha256, std::string_view bytes,
                            std::string_view path) {
  store::BlobFacts blob;
  blob.sha256 = sha256;
  blob.size = bytes.size();
  auto facts = imaging::read_image_facts(bytes, path);
  if (!facts.ok()) {
    blob.format = std::string(imaging::image_format_name(imaging::sniff_image_format(bytes, path)));
    blob.error = facts.status().to_string();
    return blob;
  }
  blob.format = std::string(imaging::image_format_name(facts->format));
  blob.width_px = facts->width_px;
  blob.height_px = facts->height_px;
  blob.width_pt = facts->width_pt;
  blob.height_pt = facts->height_pt;
  blob.pages = facts->pages;
  blob.creator = facts->creator;
  blob.color = facts->color;
  return blob;
}

}  // namespace

bool is_os_metadata_file(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return name.substr(0, 2) == "._" || name == ".DS_Store" || path.substr(0, 9) == "__MACOSX/" ||
         path.find("/__MACOSX/") != std::string_view::npos;
}

store::PaperRecord build_paper_record(const PaperSource& source) {
  store::PaperRecord record;
  record.id = source.id;
  record.source_kind = source.source_kind;
  record.source_key = source.source_key;
  record.origin = source.origin;
  record.source_sha256 = source.source_sha256;
  record.source_bytes = source.source_bytes;
  record.unpacked_bytes = source.unpacked_bytes;
  record.problems = source.problems;

  std::vector<latex::SourceFile> tex_inputs;
  std::unordered_set<std::string> blobs_seen;
  record.files.reserve(source.files.size());
  for (const auto& file : source.files) {
    store::FileRecord entry;
    entry.path = file.path;
    entry.size = file.bytes.size();
    entry.sha256 = sha256_hex(file.bytes);
    const bool metadata_junk = is_os_metadata_file(file.path);
    entry.is_image = !metadata_junk && imaging::looks_like_image(file.bytes, file.path);
    if (entry.is_image && blobs_seen.insert(entry.sha256).second) {
      record.blobs.push_back(read_facts(entry.sha256, file.bytes, file.path));
    }
    // LaTeX sees every file (it needs the list to resolve graphics) except OS junk, which can
    // shadow real names (._fig.pdf) and is never TeX.
    if (!metadata_junk) tex_inputs.push_back({file.path, file.bytes});
    record.files.push_back(std::move(entry));
  }

  latex::ExtractResult tex = latex::extract_figures(tex_inputs);
  record.engine = tex.engine;
  record.engine_reason = tex.engine_reason;
  record.root_files = tex.root_files;
  record.title = tex.title;
  record.authors = tex.authors;
  record.abstract = tex.abstract;
  record.figures.reserve(tex.figures.size());
  for (const auto& figure : tex.figures) record.figures.push_back(to_record(figure));
  for (const auto& diagnostic : tex.diagnostics) {
    // Notes say how the sources were read, not what is wrong with them: not errors.
    if (diagnostic.severity == latex::Diagnostic::Severity::kNote) continue;
    std::string item = diagnostic.file;
    if (diagnostic.line > 0) item += ":" + std::to_string(diagnostic.line);
    record.problems.push_back({item, diagnostic.kind, diagnostic.message});
  }
  return record;
}

}  // namespace imagemesh::ingest

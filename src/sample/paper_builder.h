// Shared machinery of the paper templates: files, figure art, TeX snippets and the ground truth
// that goes with them. A template writes TeX in reading order and records each figure as it
// writes it, so the truth's order is the reading order by construction.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sample/paper.h"

namespace imagemesh::sample {

class PaperBuilder {
 public:
  explicit PaperBuilder(const PaperSlot& slot);

  Random& random() { return random_; }
  const Topic& topic() const { return *slot_.topic; }
  const PaperSlot& slot() const { return slot_; }
  // Raster resolution: full size in the first cycle of templates, smaller for repeats.
  double pixels_per_point() const { return slot_.first_cycle ? 1.25 : 0.75; }

  void add_file(std::string path, std::string bytes);
  // Renders art to `<stem>.<ext>` and returns that path. Failures are kept and reported by
  // finish(). A chart kind is drawn at random when none is given.
  std::string add_chart(const std::string& stem, FigureFormat format);
  std::string add_chart(const std::string& stem, FigureFormat format, ChartKind kind);
  std::string add_photo(const std::string& stem, FigureFormat format);
  std::string add_drawings(const std::string& stem, FigureFormat format,
                           const std::vector<Drawing>& pages, const EpsOptions& eps = {},
                           double pixels_per_point_override = 0);

  void add_truth(TruthFigure figure) { figures_.push_back(std::move(figure)); }

  // "\documentclass..." through "\begin{document}", title, authors, abstract.
  std::string front_matter(const std::string& document_class,
                           const std::vector<std::string>& packages,
                           const std::string& extra_preamble = "");
  std::string paragraph(int sentences) {
    return make_paragraph(random_, topic(), sentences) + "\n\n";
  }
  std::string section(const std::string& title) { return "\\section{" + title + "}\n"; }
  RichText caption(bool rich) { return make_caption(random_, topic(), rich); }
  // A fresh label "fig:<name>" (unique in the paper).
  std::string label(const std::string& name);

  // A float with loose graphics, a caption and a label; records its truth.
  // `graphics` pairs the TeX line that includes a graphic with its truth.
  std::string simple_float(const std::string& env, const std::string& placement,
                           const std::vector<std::pair<std::string, TruthGraphics>>& graphics,
                           const RichText& caption, const std::string& label);

  // Appends 0-2 more ordinary figures (pdf/png/jpg charts under `folder`) for variation.
  std::string extra_figures(const std::string& folder, int max_count);

  Result<SamplePaper> finish();

 private:
  PaperSlot slot_;
  Random random_;
  Status status_;
  std::vector<ingest::ArchiveEntry> files_;
  std::vector<TruthFigure> figures_;
  PaperMetadata metadata_;
  int labels_ = 0;
  int extra_ = 0;
};

// "\includegraphics[options]{name}" (no [] when options are empty).
std::string includegraphics(const std::string& name,
                            const std::string& options = "width=\\linewidth");
TruthGraphics resolved_to(const std::string& as_written, const std::string& path);

// Converts UTF-8 text whose characters are all in Latin-1 to Latin-1 bytes (others become '?').
std::string utf8_to_latin1(const std::string& text);

}  // namespace imagemesh::sample

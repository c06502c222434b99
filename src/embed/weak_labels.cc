#include "embed/weak_labels.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace imagemesh::embed {
namespace {

bool creator_matches(const BlobFacts& facts, const std::regex& pattern) {
  return !facts.creator.empty() && std::regex_search(facts.creator, pattern);
}

constexpr auto kIcase = std::regex::icase | std::regex::ECMAScript;

// Programs whose output is a retouched capture. GIMP's PostScript plugin is how the corpus's
// telescope images reached their papers.
const std::regex& photo_editors() {
  static const std::regex pattern(
      R"(\bgimp\b|photoshop|lightroom|darktable|rawtherapee|digikam|picasa|capture one|)"
      R"(affinity photo|\biphoto\b|paint shop pro|pixelmator|luminar)",
      kIcase);
  return pattern;
}

// What cameras, phones, microscopes and telescopes write as the producing software (EXIF/TIFF
// Software, XMP CreatorTool): maker firmware and acquisition programs.
const std::regex& capture_software() {
  static const std::regex pattern(
      R"(\b(canon|nikon|sony|olympus|fujifilm|panasonic|pentax|samsung|leica|kodak|gopro|dji|)"
      R"(hasselblad|ricoh|coolpix|iphone|ipad|android|hdr\+)\b|firmware|^ver\.? ?\d|)"
      R"(nis-elements|metamorph|micro-manager|\bzen (blue|black|lite)\b|leica application suite|)"
      R"(saoimage|\bds9\b)",
      kIcase);
  return pattern;
}

// Plotting, computer-algebra and typesetting software: what they draw is computed.
const std::regex& plotting_software() {
  static const std::regex pattern(
      R"(matplotlib|gnuplot|\bmatlab\b|\borigin(lab|pro)?\b|^r( |;|$)|ggplot|\btikz\b|\bpgf\b|)"
      R"(mathematica|wolfram|\bmaple\b|\bidl version|\broot version|knotplot|\bgrace\b|)"
      R"(xmgrace|\bpyx\b|bokeh|plotly|veusz|qtiplot|sigmaplot|kaleidagraph|igor pro|\bgle\b|)"
      R"(asymptote|metapost|\bpdftex\b|\bxetex\b|\bluatex\b|^tex\b|\blatex\b|dvips|graphviz|)"
      R"(paraview|mayavi|gephi|\bexcel\b|scidavis|jfreechart)",
      kIcase);
  return pattern;
}

// Vector drawing and presentation software.
const std::regex& drawing_software() {
  static const std::regex pattern(
      R"(illustrator|inkscape|coreldraw|\bxfig\b|fig2dev|\bvisio\b|omnigraffle|keynote|)"
      R"(powerpoint|impress|libreoffice|openoffice|affinity designer|serif affinity|draw\.io|)"
      R"(diagrams\.net|\byed\b|\bdia\b|lucidchart|ipe \d|\bipe\b|tgif|skencil|sketch)",
      kIcase);
  return pattern;
}

bool is_raster_format(const std::string& format) {
  return format == "png" || format == "jpeg" || format == "gif" || format == "tiff" ||
         format == "bmp" || format == "webp";
}

constexpr WeakRule kRules[] = {
    {"photo-editor-creator", FigureType::kSensor,
     "made by photo-editing software (GIMP, Photoshop, Lightroom, ...): a retouched capture",
     &photo_editor_creator},
    {"capture-software-creator", FigureType::kSensor,
     "written by camera firmware or acquisition software (Canon, NIKON, iPhone, NIS-Elements, "
     "DS9, ...): a capture",
     &camera_software_creator},
    {"plotting-software-creator", FigureType::kDiagram,
     "made by plotting, algebra or typesetting software (matplotlib, gnuplot, MATLAB, R, TikZ, "
     "Mathematica, IDL, ROOT, pdfTeX, ...): computed graphics",
     &plotting_software_creator},
    {"drawing-software-creator", FigureType::kDiagram,
     "made by vector drawing or presentation software (Illustrator, Inkscape, CorelDRAW, xfig, "
     "Keynote, PowerPoint, ...)",
     &drawing_software_creator},
    {"vector-format", FigureType::kDiagram,
     "a PDF, EPS, PostScript or SVG file with no capture evidence above: drawn as vectors",
     &vector_format},
    {"raster-with-alpha", FigureType::kDiagram,
     "a raster with an alpha channel (rgba, graya): composed by software; cameras write none",
     &raster_with_alpha},
    {"palette-raster", FigureType::kDiagram,
     "a palette (indexed-colour) raster: few flat colours, as charts are; photographs are not "
     "stored indexed",
     &palette_raster},
};

}  // namespace

std::string_view figure_type_name(FigureType type) {
  switch (type) {
    case FigureType::kDiagram:
      return "diagram";
    case FigureType::kSensor:
      return "sensor";
    case FigureType::kMixed:
      return "mixed";
  }
  return "diagram";
}

std::vector<std::string> figure_type_names() { return {"diagram", "sensor", "mixed"}; }

std::optional<FigureType> parse_figure_type(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (FigureType type : {FigureType::kDiagram, FigureType::kSensor, FigureType::kMixed}) {
    if (lower == figure_type_name(type)) return type;
  }
  return std::nullopt;
}

bool photo_editor_creator(const BlobFacts& facts) {
  return creator_matches(facts, photo_editors());
}

bool camera_software_creator(const BlobFacts& facts) {
  return creator_matches(facts, capture_software());
}

bool plotting_software_creator(const BlobFacts& facts) {
  return creator_matches(facts, plotting_software());
}

bool drawing_software_creator(const BlobFacts& facts) {
  return creator_matches(facts, drawing_software());
}

bool vector_format(const BlobFacts& facts) {
  return facts.format == "pdf" || facts.format == "eps" || facts.format == "ps" ||
         facts.format == "svg";
}

bool raster_with_alpha(const BlobFacts& facts) {
  return is_raster_format(facts.format) && (facts.color == "rgba" || facts.color == "graya");
}

bool palette_raster(const BlobFacts& facts) {
  return is_raster_format(facts.format) && facts.color == "palette";
}

std::span<const WeakRule> weak_rules() { return kRules; }

std::optional<WeakLabel> weak_label(const BlobFacts& facts) {
  for (const WeakRule& rule : kRules) {
    if (rule.fires(facts)) return WeakLabel{rule.label, rule.name};
  }
  return std::nullopt;
}

std::vector<RuleAgreement> measure_rules(std::span<const BlobFacts> facts,
                                         std::span<const FigureType> hand_labels) {
  std::vector<RuleAgreement> out;
  for (const WeakRule& rule : kRules) {
    RuleAgreement row;
    row.name = rule.name;
    row.label = rule.label;
    out.push_back(row);
  }
  RuleAgreement combined;
  combined.name = "combined (first that fires)";
  const size_t n = std::min(facts.size(), hand_labels.size());
  for (size_t i = 0; i < n; ++i) {
    const int hand = static_cast<int>(hand_labels[i]);
    for (size_t r = 0; r < std::size(kRules); ++r) {
      if (!kRules[r].fires(facts[i])) continue;
      out[r].fires++;
      out[r].hand[hand]++;
      out[r].agrees += kRules[r].label == hand_labels[i] ? 1 : 0;
    }
    if (auto weak = weak_label(facts[i])) {
      combined.fires++;
      combined.hand[hand]++;
      combined.agrees += weak->label == hand_labels[i] ? 1 : 0;
    }
  }
  out.push_back(combined);
  return out;
}

}  // namespace imagemesh::embed

#include "sample/paper_builder.h"

#include <algorithm>

namespace imagemesh::sample {
namespace {

const char* const kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int day_of_week(int year, int month, int day) {  // Sakamoto; 0 = Sunday
  static const int offsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (month < 3) year -= 1;
  return (year + year / 4 - year / 100 + year / 400 + offsets[month - 1] + day) % 7;
}

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// arXiv's version date in the snapshot's form: "Mon, 2 Apr 2007 19:18:42 GMT".
std::string version_date(int year, int month, int day, Random& random) {
  return std::string(kWeekdays[day_of_week(year, month, day)]) + ", " + std::to_string(day) + " " +
         kMonths[month - 1] + " " + std::to_string(year) + " " + two_digits(random.between(0, 23)) +
         ":" + two_digits(random.between(0, 59)) + ":" + two_digits(random.between(0, 59)) + " GMT";
}

PaperMetadata make_metadata(const PaperSlot& slot, Random& random, int figure_hint) {
  PaperMetadata m;
  m.title = make_title(random, *slot.topic);
  m.abstract = make_abstract(random, *slot.topic);
  m.authors = make_authors(random, random.between(1, 5));
  m.comments =
      std::to_string(random.between(6, 40)) + " pages, " + std::to_string(figure_hint) + " figures";
  int year = 2020, month = 7;
  if (!slot.yymm.empty()) {
    int yy = std::stoi(slot.yymm.substr(0, 2));
    year = yy >= 91 ? 1900 + yy : 2000 + yy;
    month = std::stoi(slot.yymm.substr(2, 2));
  }
  int day = random.between(1, 28);
  m.version_dates.push_back(version_date(year, month, day, random));
  int update_year = year, update_month = month, update_day = day;
  if (random.chance(0.4)) {  // a second version a few months later
    update_month += random.between(1, 6);
    if (update_month > 12) {
      update_month -= 12;
      update_year += 1;
    }
    update_day = random.between(1, 28);
    m.version_dates.push_back(version_date(update_year, update_month, update_day, random));
  }
  m.update_date =
      std::to_string(update_year) + "-" + two_digits(update_month) + "-" + two_digits(update_day);
  if (random.chance(0.3)) {
    m.journal_ref = "Phys. Rev. D " + std::to_string(random.between(70, 110)) + ", " +
                    std::to_string(random.between(10000, 99999)) + " (" +
                    std::to_string(update_year) + ")";
    m.doi = "10.1103/PhysRevD." + std::to_string(random.between(70, 110)) + "." +
            std::to_string(random.between(10000, 99999));
  }
  if (year >= 2008) {
    m.license = random.chance(0.5) ? "http://creativecommons.org/licenses/by/4.0/"
                                   : "http://arxiv.org/licenses/nonexclusive-distrib/1.0/";
  }
  return m;
}

}  // namespace

PaperBuilder::PaperBuilder(const PaperSlot& slot) : slot_(slot), random_(slot.seed) {
  Random metadata_random(slot.seed ^ 0x5DEECE66Dull);
  metadata_ = make_metadata(slot_, metadata_random, metadata_random.between(1, 12));
}

void PaperBuilder::add_file(std::string path, std::string bytes) {
  files_.push_back({std::move(path), std::move(bytes)});
}

std::string PaperBuilder::add_chart(const std::string& stem, FigureFormat format) {
  static const std::vector<ChartKind> kKinds = {ChartKind::kLinePlot, ChartKind::kScatterPlot,
                                                ChartKind::kBarChart, ChartKind::kBlockDiagram};
  return add_chart(stem, format, random_.pick(kKinds));
}

std::string PaperBuilder::add_chart(const std::string& stem, FigureFormat format, ChartKind kind) {
  std::vector<Drawing> pages = {make_chart(kind, 320, 240, random_)};
  if (format == FigureFormat::kGifAnimated || format == FigureFormat::kPs) {
    pages.push_back(make_chart(kind, 320, 240, random_));
  }
  return add_drawings(stem, format, pages);
}

std::string PaperBuilder::add_photo(const std::string& stem, FigureFormat format) {
  const int width = slot_.first_cycle ? 400 : 240, height = slot_.first_cycle ? 300 : 180;
  std::string path = stem + "." + std::string(extension_of(format));
  Result<std::string> bytes = render_canvas(value_noise_photo(width, height, random_), format);
  if (!bytes.ok()) {
    if (status_.ok()) status_ = bytes.status().with_context(path);
    return path;
  }
  add_file(path, std::move(bytes).value());
  return path;
}

std::string PaperBuilder::add_drawings(const std::string& stem, FigureFormat format,
                                       const std::vector<Drawing>& pages, const EpsOptions& eps,
                                       double pixels_per_point_override) {
  std::string path = stem + "." + std::string(extension_of(format));
  EpsOptions options = eps;
  if (options.title == "figure") {
    options.title = stem.substr(stem.rfind('/') == std::string::npos ? 0 : stem.rfind('/') + 1);
  }
  Result<std::string> bytes = render_drawing(
      pages, format, pixels_per_point_override > 0 ? pixels_per_point_override : pixels_per_point(),
      options);
  if (!bytes.ok()) {
    if (status_.ok()) status_ = bytes.status().with_context(path);
    return path;
  }
  add_file(path, std::move(bytes).value());
  return path;
}

std::string PaperBuilder::front_matter(const std::string& document_class,
                                       const std::vector<std::string>& packages,
                                       const std::string& extra_preamble) {
  std::string tex = "\\documentclass" + document_class + "\n";
  for (const auto& package : packages) tex += "\\usepackage" + package + "\n";
  tex += extra_preamble;
  tex += "\n\\title{" + metadata_.title.tex + "}\n";
  for (const auto& author : metadata_.authors) {
    tex += "\\author{" + author.first.tex + " " + author.last.tex + "}\n";
  }
  tex += "\n\\begin{document}\n\\maketitle\n\n\\begin{abstract}\n" + metadata_.abstract.tex +
         "\n\\end{abstract}\n\n";
  return tex;
}

std::string PaperBuilder::label(const std::string& name) {
  return "fig:" + name + std::to_string(++labels_);
}

std::string PaperBuilder::simple_float(
    const std::string& env, const std::string& placement,
    const std::vector<std::pair<std::string, TruthGraphics>>& graphics, const RichText& caption,
    const std::string& label_name) {
  TruthFigure truth;
  truth.env = env;
  truth.caption = caption.plain;
  truth.label = label_name;
  std::string tex = "\\begin{" + env + "}" + placement + "\n\\centering\n";
  for (const auto& [line, graphic] : graphics) {
    tex += line + "\n";
    truth.graphics.push_back(graphic);
  }
  tex += "\\caption{" + caption.tex + "}\n";
  if (!label_name.empty()) tex += "\\label{" + label_name + "}\n";
  tex += "\\end{" + env + "}\n\n";
  add_truth(std::move(truth));
  return tex;
}

std::string PaperBuilder::extra_figures(const std::string& folder, int max_count) {
  static const std::vector<FigureFormat> kFormats = {FigureFormat::kPdf, FigureFormat::kPng,
                                                     FigureFormat::kJpeg};
  std::string tex;
  const int count = random_.between(0, max_count);
  for (int i = 0; i < count; ++i) {
    FigureFormat format = random_.pick(kFormats);
    std::string stem = folder + "/extra_" + std::to_string(++extra_);
    std::string path =
        format == FigureFormat::kJpeg ? add_photo(stem, format) : add_chart(stem, format);
    tex += paragraph(2);
    tex += simple_float("figure", "[t]", {{includegraphics(path), resolved_to(path, path)}},
                        caption(false), label("extra"));
  }
  return tex;
}

Result<SamplePaper> PaperBuilder::finish() {
  if (!status_.ok()) return status_.with_context(slot_.id);
  SamplePaper paper;
  paper.slot = slot_;
  std::sort(
      files_.begin(), files_.end(),
      [](const ingest::ArchiveEntry& a, const ingest::ArchiveEntry& b) { return a.path < b.path; });
  paper.files = std::move(files_);
  paper.figures = std::move(figures_);
  paper.metadata = std::move(metadata_);
  int figure_count = static_cast<int>(paper.figures.size());
  paper.metadata.comments = paper.metadata.comments.substr(0, paper.metadata.comments.find(", ")) +
                            ", " + std::to_string(figure_count) +
                            (figure_count == 1 ? " figure" : " figures");
  return paper;
}

std::string includegraphics(const std::string& name, const std::string& options) {
  return "\\includegraphics" + (options.empty() ? "" : "[" + options + "]") + "{" + name + "}";
}

TruthGraphics resolved_to(const std::string& as_written, const std::string& path) {
  return TruthGraphics{as_written, path};
}

std::string utf8_to_latin1(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      unsigned char next = static_cast<unsigned char>(text[++i]);
      out += static_cast<char>(((c & 0x03) << 6) | (next & 0x3F));
    } else {
      out += '?';
      while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

}  // namespace imagemesh::sample

// Templates of unusual submissions: single-file, PDF-only, and the two image fixtures (the red
// square test card in every format, and the colour-mode paper).
#include "sample/templates.h"

namespace imagemesh::sample {
namespace {

void append_shapes(Drawing& target, const Drawing& part, Point offset) {
  if (part.background) {
    target.rect(offset.x, offset.y, part.width, part.height, part.background, std::nullopt);
  }
  for (Shape shape : part.shapes) {
    for (auto& p : shape.points) p = {p.x + offset.x, p.y + offset.y};
    target.shapes.push_back(std::move(shape));
  }
}

// Splits text into lines of at most `width` characters.
std::vector<std::string> wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines(1);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > width)
      lines.emplace_back();
    if (!lines.back().empty()) lines.back() += ' ';
    lines.back() += word;
    start = end + 1;
  }
  return lines;
}

std::string ascii_only(const std::string& text) {
  std::string out;
  for (char c : text) out += (static_cast<unsigned char>(c) < 0x80) ? c : '?';
  return out;
}

}  // namespace

void write_single_tikz(PaperBuilder& b) {
  std::string tex = b.front_matter("{article}", {"{tikz}", "{amsmath}"});
  tex += b.section("A toy model") + b.paragraph(3);
  RichText caption = b.caption(false);
  std::string label = b.label("sketch");
  tex +=
      "\\begin{figure}[h]\n\\centering\n\\begin{tikzpicture}[scale=1.2]\n"
      "\\draw[->] (0,0) -- (4,0) node[right] {$x$};\n"
      "\\draw[->] (0,0) -- (0,3) node[above] {$y$};\n"
      "\\draw[thick,blue] (0,0.5) .. controls (1,2.5) and (2,0.2) .. (4,2);\n"
      "\\fill[red] (2,1.1) circle (2pt);\n\\end{tikzpicture}\n\\caption{" +
      caption.tex + "}\n\\label{" + label + "}\n\\end{figure}\n\n";
  b.add_truth({"figure", caption.plain, label, {}, {}});
  tex += b.paragraph(2) + "\\end{document}\n";
  b.add_file(b.slot().stem + ".tex", tex);
}

void write_single_no_figures(PaperBuilder& b) {
  std::string tex =
      b.front_matter("{amsart}", {"{amsmath}", "{amsthm}"}, "\\newtheorem{theorem}{Theorem}\n");
  tex += b.section("Main result") + b.paragraph(3);
  tex +=
      "\\begin{theorem}\nFor every $\\epsilon > 0$ there is $N$ such that\n\\begin{equation}\n"
      "\\sum_{n > N} a_n < \\epsilon .\n\\end{equation}\n\\end{theorem}\n\n";
  tex += b.paragraph(4) + "\\end{document}\n";
  b.add_file(b.slot().stem + ".tex", tex);
}

void write_pdf_only(PaperBuilder& b) {
  Drawing first{612, 792, kWhite, {}};
  RichText title = make_title(b.random(), b.topic());
  first.text({72, 100}, ascii_only(title.plain), 16);
  double y = 140;
  for (const auto& line : wrap(b.paragraph(6), 85)) {
    first.text({72, y}, line, 10);
    y += 13;
  }
  Drawing second{612, 792, kWhite, {}};
  append_shapes(second, make_chart(ChartKind::kLinePlot, 400, 300, b.random()), {106, 90});
  second.text({72, 420}, "Figure 1. " + ascii_only(b.caption(false).plain), 10);
  PdfOptions options;
  options.producer = "pdfTeX-1.40.25";
  options.creator = "LaTeX with hyperref";
  options.title = ascii_only(title.plain);
  b.add_file(b.slot().stem + ".pdf", write_pdf({first, second}, options));
}

void write_test_card(PaperBuilder& b) {
  std::string tex = b.front_matter("{article}", {"{graphicx}"});
  tex += b.section("Test card") +
         "Every figure below shows the same picture: a pure red square, half the width of the "
         "image, centred on a white background.\n\n";
  const Drawing card = make_red_square(200, 200);
  struct Entry {
    FigureFormat format;
    std::string stem;
    std::string what;
  };
  const std::vector<Entry> entries = {
      {FigureFormat::kEps, "card/red_square", "EPS, BoundingBox 100 200 300 400"},
      {FigureFormat::kPs, "card/red_square", "PostScript"},
      {FigureFormat::kPdf, "card/red_square", "PDF"},
      {FigureFormat::kSvg, "card/red_square", "SVG"},
      {FigureFormat::kPng, "card/red_square", "PNG"},
      {FigureFormat::kPngAlpha, "card/red_square_alpha", "PNG, transparent background"},
      {FigureFormat::kJpeg, "card/red_square", "JPEG"},
      {FigureFormat::kJpegCmyk, "card/red_square_cmyk", "JPEG, CMYK"},
      {FigureFormat::kGif, "card/red_square", "GIF"},
      {FigureFormat::kTiff, "card/red_square", "TIFF"},
      {FigureFormat::kBmp, "card/red_square", "BMP"},
      {FigureFormat::kWebp, "card/red_square", "WebP"},
  };
  for (const auto& entry : entries) {
    EpsOptions eps;
    eps.origin_x = 100;
    eps.origin_y = 200;
    eps.title = "red_square";
    Drawing art = card;
    if (entry.format == FigureFormat::kPngAlpha) art.background.reset();
    std::string path = b.add_drawings(entry.stem, entry.format, {art}, eps, 1.0);
    RichText caption;
    caption.word("Red square test card (" + entry.what + ").");
    tex += b.simple_float(
        "figure", "[h]", {{includegraphics(path, "width=0.3\\linewidth"), resolved_to(path, path)}},
        caption,
        "fig:card-" + std::string(extension_of(entry.format)) +
            (entry.stem == "card/red_square" ? "" : entry.stem.substr(15)));
  }
  tex += "\\end{document}\n";
  b.add_file("testcard.tex", tex);
}

void write_colour_modes(PaperBuilder& b) {
  std::string tex = b.front_matter("[10pt,twocolumn]{article}", {"{graphicx}", "{amsmath}"});
  tex += b.section("Data") + b.paragraph(3);
  auto one = [&](const std::string& path, const std::string& name) {
    tex += b.simple_float("figure", "[t]", {{includegraphics(path), resolved_to(path, path)}},
                          b.caption(false), b.label(name));
  };
  one(b.add_photo("photos/street_cmyk", FigureFormat::kJpegCmyk), "cmyk");

  Drawing transparent = make_chart(ChartKind::kLinePlot, 320, 240, b.random());
  transparent.background.reset();
  one(b.add_drawings("plots/loss_alpha", FigureFormat::kPngAlpha, {transparent}), "alpha");
  one(b.add_photo("photos/depth_gray", FigureFormat::kPngGray), "depth");
  tex += b.section("Training") + b.paragraph(2);
  one(b.add_chart("anim/training", FigureFormat::kGifAnimated, ChartKind::kScatterPlot), "anim");
  one(b.add_photo("photos/scan", FigureFormat::kTiff), "scan");
  one(b.add_photo("photos/sample", FigureFormat::kWebp), "webp");

  // Like cairo's PDFs (matplotlib's pdf backend via cairo): no background, transparent page.
  Drawing attention = make_chart(ChartKind::kBarChart, 320, 240, b.random());
  attention.background.reset();
  one(b.add_drawings("plots/attention", FigureFormat::kPdf, {attention}), "attention");
  tex += b.paragraph(2) + "\\end{document}\n";
  b.add_file("main.tex", tex);
}

}  // namespace imagemesh::sample

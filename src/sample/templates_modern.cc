// Templates of present-day multi-file submissions (pdflatex, graphicx).
#include "sample/templates.h"

namespace imagemesh::sample {
namespace {

const std::vector<std::string> kModernPackages = {"{graphicx}", "{amsmath}",
                                                  "[colorlinks]{hyperref}"};

std::string bibliography_files(PaperBuilder& b) {
  b.add_file("refs.bib",
             "@article{smith2019,\n  author = {Smith, J. and Doe, A.},\n  title = {A survey},\n"
             "  journal = {ApJ},\n  year = {2019}\n}\n");
  b.add_file("main.bbl",
             "\\begin{thebibliography}{1}\n\\bibitem{smith2019} J. Smith and A. Doe, ApJ "
             "(2019).\n\\end{thebibliography}\n");
  return "\\bibliographystyle{plain}\n\\bibliography{refs}\n\n";
}

}  // namespace

void write_input_chain(PaperBuilder& b) {
  std::string main =
      b.front_matter("[11pt]{article}", kModernPackages, "\\graphicspath{{figs/}}\n");

  main += "\\input{sections/intro}\n";
  std::string intro = b.section("Introduction") + b.paragraph(4);
  b.add_chart("figs/overview", FigureFormat::kPdf, ChartKind::kLinePlot);
  intro += b.simple_float("figure", "[t]",
                          {{includegraphics("overview", "width=\\columnwidth"),
                            resolved_to("overview", "figs/overview.pdf")}},
                          b.caption(false), b.label("overview"));
  intro += b.paragraph(2);
  b.add_file("sections/intro.tex", intro);

  main += "\\include{sections/method}\n";
  std::string method = b.section("Method") + b.paragraph(3);
  b.add_chart("figs/pipeline", FigureFormat::kPng, ChartKind::kBlockDiagram);
  method += b.simple_float("figure*", "[t]",
                           {{includegraphics("pipeline.png", "width=0.9\\textwidth"),
                             resolved_to("pipeline.png", "figs/pipeline.png")}},
                           b.caption(true), b.label("pipeline"));
  b.add_file("sections/method.tex", method);

  main += "\\input{sections/results.tex}\n";
  std::string results = b.section("Results") + b.paragraph(3);
  b.add_photo("figs/field", FigureFormat::kJpeg);
  results += b.simple_float("figure", "[htbp]",
                            {{includegraphics("field"), resolved_to("field", "figs/field.jpg")}},
                            b.caption(false), b.label("field"));
  results += "\\input{sections/ablation}\n\n";
  std::string ablation = "\\subsection{Ablation}\n" + b.paragraph(2);
  b.add_chart("figs/ablation", FigureFormat::kPng, ChartKind::kBarChart);
  ablation += b.simple_float("figure", "[b]",
                             {{includegraphics("ablation", "width=0.8\\linewidth"),
                               resolved_to("ablation", "figs/ablation.png")}},
                             b.caption(false), b.label("ablation"));
  ablation += b.extra_figures("figs", 2);
  b.add_file("sections/ablation.tex", ablation);
  results += b.paragraph(2);
  b.add_file("sections/results.tex", results);

  main += "\n" + bibliography_files(b) + "\\end{document}\n";
  b.add_file("main.tex", main);
}

void write_subcaption(PaperBuilder& b) {
  std::string tex =
      b.front_matter("[conference]{IEEEtran}", {"{graphicx}", "{subcaption}", "{amsmath}"});
  tex += b.section("Introduction") + b.paragraph(3);

  b.add_chart("figures/teaser", FigureFormat::kPdf);
  tex += b.simple_float("figure", "[t]",
                        {{includegraphics("figures/teaser.pdf"),
                          resolved_to("figures/teaser.pdf", "figures/teaser.pdf")}},
                        b.caption(false), b.label("teaser"));
  tex += b.section("Experiments") + b.paragraph(3);

  TruthFigure figure;
  figure.env = "figure*";
  const int panels = b.random().between(2, 3);
  const char* const names[] = {"panel_a", "panel_b", "panel_c"};
  tex += "\\begin{figure*}[t]\n\\centering\n";
  for (int i = 0; i < panels; ++i) {
    std::string path = i == 1 ? b.add_photo(std::string("figures/") + names[i], FigureFormat::kJpeg)
                              : b.add_chart(std::string("figures/") + names[i], FigureFormat::kPng);
    RichText sub = make_subcaption(b.random(), b.topic());
    std::string sub_label = b.label("panel");
    tex += std::string(i > 0 ? "\\hfill\n" : "") + "\\begin{subfigure}[b]{0.3\\textwidth}\n" +
           "\\centering\n" + includegraphics(path, "width=\\textwidth") + "\n\\caption{" + sub.tex +
           "}\n\\label{" + sub_label + "}\n\\end{subfigure}\n";
    figure.subfigures.push_back({sub.plain, sub_label, {resolved_to(path, path)}});
  }
  RichText caption = b.caption(true);
  figure.caption = caption.plain;
  figure.label = b.label("panels");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + figure.label + "}\n\\end{figure*}\n\n";
  b.add_truth(figure);

  tex += b.paragraph(2) + b.extra_figures("figures", 2);
  tex += b.section("Conclusion") + b.paragraph(2) + "\\end{document}\n";
  b.add_file("paper.tex", tex);
}

void write_subfloat(PaperBuilder& b) {
  std::string tex = b.front_matter("[aps,prd,twocolumn]{revtex4-1}", {"{graphicx}", "{subfig}"});
  tex += b.section("Setup") + b.paragraph(3);

  TruthFigure figure;
  figure.env = "figure";
  tex += "\\begin{figure}[htb]\n\\centering\n";
  const char* const names[] = {"low", "high"};
  for (int i = 0; i < 2; ++i) {
    std::string path =
        b.add_chart(std::string("plots/") + names[i], FigureFormat::kPdf, ChartKind::kScatterPlot);
    RichText sub = make_subcaption(b.random(), b.topic());
    std::string sub_label = b.label(names[i]);
    tex += std::string(i > 0 ? "\\hfil\n" : "") + "\\subfloat[" + sub.tex + "\\label{" + sub_label +
           "}]{" + includegraphics(path, "width=0.45\\linewidth") + "}\n";
    figure.subfigures.push_back({sub.plain, sub_label, {resolved_to(path, path)}});
  }
  RichText caption = b.caption(false);
  figure.caption = caption.plain;
  figure.label = b.label("split");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + figure.label + "}\n\\end{figure}\n\n";
  b.add_truth(figure);

  tex += b.paragraph(2);
  b.add_chart("plots/summary", FigureFormat::kPng, ChartKind::kLinePlot);
  tex += b.simple_float(
      "figure", "[b]",
      {{includegraphics("plots/summary"), resolved_to("plots/summary", "plots/summary.png")}},
      b.caption(true), b.label("summary"));
  tex += b.extra_figures("plots", 1) + "\\end{document}\n";
  b.add_file("manuscript.tex", tex);
}

void write_macros(PaperBuilder& b) {
  const std::string macros =
      "\\newcommand{\\plotfig}[2]{\\includegraphics[width=#1]{#2}}\n"
      "\\def\\onefig#1{\\includegraphics[width=\\linewidth]{#1}}\n"
      "\\newcommand{\\figpath}{figures}\n";
  std::string tex = b.front_matter("{article}", kModernPackages, macros);
  tex += b.section("Model") + b.paragraph(3);

  b.add_chart("figures/loss_curve", FigureFormat::kPdf, ChartKind::kLinePlot);
  tex += b.simple_float("figure", "[t]",
                        {{"\\plotfig{0.8\\linewidth}{figures/loss_curve}",
                          resolved_to("figures/loss_curve", "figures/loss_curve.pdf")}},
                        b.caption(false), b.label("loss"));
  // The architecture ships as the Inkscape source (.svg) and its PDF export; pdflatex takes the
  // PDF.
  std::vector<Drawing> arch = {make_chart(ChartKind::kBlockDiagram, 320, 240, b.random())};
  b.add_drawings("figures/arch", FigureFormat::kPdf, arch);
  b.add_drawings("figures/arch", FigureFormat::kSvg, arch);
  tex +=
      b.simple_float("figure*", "[t]",
                     {{"\\onefig{figures/arch}", resolved_to("figures/arch", "figures/arch.pdf")}},
                     b.caption(true), b.label("arch"));
  tex += b.paragraph(2);
  b.add_photo("figures/samples", FigureFormat::kPng);
  tex += b.simple_float("figure", "[h]",
                        {{includegraphics("\\figpath/samples.png", "width=0.7\\linewidth"),
                          resolved_to("figures/samples.png", "figures/samples.png")}},
                        b.caption(false), b.label("samples"));
  tex += b.extra_figures("figures", 2) + "\\end{document}\n";
  b.add_file("main.tex", tex);
}

void write_commented_out(PaperBuilder& b) {
  std::string tex = b.front_matter("{article}", {"{graphicx}", "{comment}"});
  tex += b.section("Data") + b.paragraph(3);
  b.add_chart("figs/result", FigureFormat::kPng);
  tex += "\\begin{figure}[t]\n\\centering\n" + includegraphics("figs/result.png") +
         " % final version\n";
  RichText caption = b.caption(false);
  std::string label = b.label("result");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + label + "}\n\\end{figure}\n\n";
  b.add_truth(
      {"figure", caption.plain, label, {resolved_to("figs/result.png", "figs/result.png")}, {}});

  b.add_chart("figs/old_result", FigureFormat::kPng);
  tex +=
      "%\\begin{figure}\n%\\includegraphics{figs/old_result}\n%\\caption{Old result.}\n"
      "%\\end{figure}\n\n";
  b.add_chart("figs/draft_plot", FigureFormat::kPdf);
  tex +=
      "\\iffalse\n\\begin{figure}\n\\includegraphics{figs/draft_plot.pdf}\n"
      "\\caption{Draft, not for the paper.}\n\\label{fig:draft}\n\\end{figure}\n\\fi\n\n";
  tex +=
      "\\begin{comment}\n\\begin{figure}\n\\includegraphics{figs/old_result.png}\n"
      "\\caption{Rejected by referee 2.}\n\\end{figure}\n\\end{comment}\n\n";
  // Shipped but referenced by nothing.
  b.add_photo("figs/unused_photo", FigureFormat::kJpeg);

  tex += b.paragraph(2);
  b.add_chart("figs/summary", FigureFormat::kPdf);
  tex += b.simple_float("figure", "[b]",
                        {{includegraphics("figs/summary", "width=0.6\\linewidth"),
                          resolved_to("figs/summary", "figs/summary.pdf")}},
                        b.caption(true), b.label("summary"));
  tex += "\\end{document}\n";
  b.add_file("ms.tex", tex);
}

void write_other_archive(PaperBuilder& b) {
  std::string main = b.front_matter("{article}", {"{graphicx}"});
  main += "\\input{body}\n\\end{document}\n";
  std::string body = b.section("Results") + b.paragraph(3);
  b.add_chart("figures/fig1", FigureFormat::kPdf);
  body += b.simple_float(
      "figure", "[t]",
      {{includegraphics("figures/fig1"), resolved_to("figures/fig1", "figures/fig1.pdf")}},
      b.caption(false), b.label("one"));
  b.add_photo("figures/fig2", FigureFormat::kPng);
  body += b.simple_float(
      "figure", "[t]",
      {{includegraphics("figures/fig2.png"), resolved_to("figures/fig2.png", "figures/fig2.png")}},
      b.caption(true), b.label("two"));
  b.add_file("body.tex", body);
  b.add_file("main.tex", main);
  b.add_file("README.md", "Source of the paper. Build with `pdflatex main`.\n");
}

}  // namespace imagemesh::sample

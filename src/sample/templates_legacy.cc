// Templates of older submissions: latex + dvips with EPS/PS figures, AASTeX, wrapfig, Latin-1.
#include "sample/templates.h"

namespace imagemesh::sample {

void write_legacy_eps(PaperBuilder& b) {
  std::string tex = b.front_matter("[12pt]{article}", {"{epsfig}", "{subfigure}"});
  tex += b.section("Introduction") + b.paragraph(3);

  // Cut from a page, as old EPS files often are: the BoundingBox does not start at the origin.
  EpsOptions offset;
  offset.origin_x = b.random().between(40, 120);
  offset.origin_y = b.random().between(150, 400);
  b.add_drawings("figs/xsec", FigureFormat::kEps,
                 {make_chart(ChartKind::kLinePlot, 320, 240, b.random())}, offset);
  tex +=
      "\\begin{figure}[htb]\n\\begin{center}\n\\epsfig{file=figs/xsec.eps,width=8cm}\n"
      "\\end{center}\n";
  RichText caption = b.caption(false);
  std::string label = b.label("xsec");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + label + "}\n\\end{figure}\n\n";
  b.add_truth(
      {"figure", caption.plain, label, {resolved_to("figs/xsec.eps", "figs/xsec.eps")}, {}});

  tex += b.paragraph(2);
  b.add_chart("spectrum", FigureFormat::kPs, ChartKind::kLinePlot);  // two pages
  tex += "\\begin{figure}\n\\centerline{\\psfig{figure=spectrum.ps,height=6cm}}\n";
  caption = b.caption(false);
  tex += "\\caption{" + caption.tex + "}\n\\end{figure}\n\n";
  b.add_truth({"figure", caption.plain, "", {resolved_to("spectrum.ps", "spectrum.ps")}, {}});

  tex += b.section("Distributions") + b.paragraph(2);
  TruthFigure split;
  split.env = "figure";
  b.add_chart("figs/dist_a", FigureFormat::kEps, ChartKind::kBarChart);
  b.add_chart("figs/dist_b", FigureFormat::kEps, ChartKind::kScatterPlot);
  RichText sub_a = make_subcaption(b.random(), b.topic());
  RichText sub_b = make_subcaption(b.random(), b.topic());
  tex += "\\begin{figure}\n\\centering\n\\subfigure[" + sub_a.tex +
         "]{\\epsfig{file=figs/dist_a.eps,width=6cm}}\n\\subfigure[" + sub_b.tex +
         "]{\\includegraphics[width=6cm]{figs/dist_b}}\n";
  split.subfigures.push_back(
      {sub_a.plain, "", {resolved_to("figs/dist_a.eps", "figs/dist_a.eps")}});
  split.subfigures.push_back({sub_b.plain, "", {resolved_to("figs/dist_b", "figs/dist_b.eps")}});
  caption = b.caption(true);
  split.caption = caption.plain;
  split.label = b.label("dist");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + split.label + "}\n\\end{figure}\n\n";
  b.add_truth(split);

  tex += b.paragraph(2) + "\\end{document}\n";
  b.add_file("paper.tex", tex);
}

void write_aastex(PaperBuilder& b) {
  std::string tex = b.front_matter("[preprint2]{aastex}", {});
  tex += b.section("Observations") + b.paragraph(3);

  b.add_chart("f1", FigureFormat::kEps, ChartKind::kScatterPlot);
  tex += "\\begin{figure}\n\\epsscale{.80}\n\\plotone{f1.eps}\n";
  RichText caption = b.caption(false);
  std::string label = b.label("sample");
  tex += "\\caption{" + caption.tex + "\\label{" + label + "}}\n\\end{figure}\n\n";
  b.add_truth({"figure", caption.plain, label, {resolved_to("f1.eps", "f1.eps")}, {}});

  b.add_chart("f2a", FigureFormat::kEps, ChartKind::kLinePlot);
  b.add_chart("f2b", FigureFormat::kEps, ChartKind::kLinePlot);
  tex += b.paragraph(2) + "\\begin{figure}\n\\plottwo{f2a.eps}{f2b.eps}\n";
  caption = b.caption(true);
  label = b.label("profiles");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + label + "}\n\\end{figure}\n\n";
  b.add_truth({"figure",
               caption.plain,
               label,
               {resolved_to("f2a.eps", "f2a.eps"), resolved_to("f2b.eps", "f2b.eps")},
               {}});

  b.add_chart("f3", FigureFormat::kEps, ChartKind::kBarChart);
  tex += b.paragraph(2) + "\\begin{figure}\n\\plotone{f3}\n";
  caption = b.caption(false);
  tex += "\\caption{" + caption.tex + "}\n\\end{figure}\n\n";
  b.add_truth({"figure", caption.plain, "", {resolved_to("f3", "f3.eps")}, {}});

  tex += b.section("Discussion") + b.paragraph(2) + "\\end{document}\n";
  b.add_file("ms.tex", tex);
}

void write_wrap_and_loose(PaperBuilder& b) {
  std::string tex = b.front_matter("{article}", {"{graphicx}", "{wrapfig}"});
  tex += b.section("Overview");

  b.add_chart("img/map", FigureFormat::kGif, ChartKind::kBarChart);
  tex += "\\begin{wrapfigure}{r}{0.45\\textwidth}\n\\centering\n" +
         includegraphics("img/map.gif", "width=0.43\\textwidth") + "\n";
  RichText caption = b.caption(true);
  std::string label = b.label("wrap");
  tex += "\\caption{" + caption.tex + "}\n\\label{" + label + "}\n\\end{wrapfigure}\n";
  b.add_truth(
      {"wrapfigure", caption.plain, label, {resolved_to("img/map.gif", "img/map.gif")}, {}});
  tex += b.paragraph(4);

  // Graphics outside any float: no caption, no label.
  b.add_photo("img/teaser", FigureFormat::kPng);
  tex += "\\begin{center}\n" + includegraphics("img/teaser.png", "width=0.5\\linewidth") +
         "\n\\end{center}\n\n" + b.paragraph(2);
  b.add_truth({"none", "", "", {resolved_to("img/teaser.png", "img/teaser.png")}, {}});

  b.add_chart("img/trend", FigureFormat::kPng, ChartKind::kLinePlot);
  tex += b.simple_float("figure", "[t]",
                        {{includegraphics("img/trend"), resolved_to("img/trend", "img/trend.png")}},
                        b.caption(true), b.label("trend"));
  tex += b.paragraph(2) + "\\end{document}\n";
  b.add_file("article.tex", tex);
}

void write_latin1(PaperBuilder& b) {
  std::string tex = b.front_matter("{article}", {"[latin1]{inputenc}", "{graphicx}"});
  tex += b.section("Résumé des résultats") + b.paragraph(3);

  b.add_chart("figs/lattice", FigureFormat::kPdf, ChartKind::kScatterPlot);
  RichText caption;
  caption.word("Spin correlations on the Königsberg lattice at").word("$T < T_c$").glue(".");
  caption.word("Données de l'expérience à Zürich.");
  tex += b.simple_float(
      "figure", "[t]",
      {{includegraphics("figs/lattice.pdf"), resolved_to("figs/lattice.pdf", "figs/lattice.pdf")}},
      caption, b.label("lattice"));
  b.add_photo("figs/stm_scan", FigureFormat::kPngGray);
  tex += b.paragraph(2);
  tex += b.simple_float("figure", "[b]",
                        {{includegraphics("figs/stm_scan", "width=0.5\\linewidth"),
                          resolved_to("figs/stm_scan", "figs/stm_scan.png")}},
                        b.caption(false), b.label("scan"));
  tex += "\\end{document}\n";
  b.add_file("main.tex", utf8_to_latin1(tex));
}

}  // namespace imagemesh::sample

// Each weak rule fires on its evidence and nothing else; the first rule that fires labels; the
// agreement table counts each rule alone and the combined labelling.
#include "embed/weak_labels.h"

#include <gtest/gtest.h>

namespace imagemesh::embed {
namespace {

BlobFacts facts(const std::string& format, const std::string& creator = "",
                const std::string& color = "") {
  BlobFacts out;
  out.format = format;
  out.creator = creator;
  out.color = color;
  return out;
}

TEST(WeakLabels, CreatorsOfTheRealCorpus) {
  // Creator strings as blobs.creator holds them in the corpus mesh.
  EXPECT_TRUE(photo_editor_creator(
      facts("ps", "GIMP PostScript file plugin V 1.17 by Peter Kirchgessner")));
  EXPECT_TRUE(plotting_software_creator(
      facts("pdf", "matplotlib 3.1.1, http://matplotlib.org; matplotlib pdf backend 3.1.1")));
  EXPECT_TRUE(plotting_software_creator(facts("pdf", "R; R 4.1.2")));
  EXPECT_TRUE(plotting_software_creator(facts("eps", "gnuplot 5.0 patchlevel 0")));
  EXPECT_TRUE(plotting_software_creator(facts("ps", "IDL Version 6.3 (linux x86 m32)")));
  EXPECT_TRUE(plotting_software_creator(facts("pdf", "ROOT Version 6.14/06")));
  EXPECT_TRUE(plotting_software_creator(facts("pdf", "TeX; pdfTeX-1.40.12")));
  EXPECT_TRUE(plotting_software_creator(facts(
      "pdf", "Wolfram Mathematica 12.0.0.0 for Mac OS X x86 (64-bit) (April 8, 2019); cairo")));
  EXPECT_TRUE(drawing_software_creator(facts("eps", "CorelDRAW")));
  EXPECT_TRUE(
      drawing_software_creator(facts("pdf", "Adobe Illustrator CS4; Adobe PDF library 9.00")));
  EXPECT_TRUE(drawing_software_creator(
      facts("pdf", "Inkscape 1.0beta2 (https://inkscape.org); cairo 1.16.0")));
  EXPECT_TRUE(drawing_software_creator(facts("eps", "fig2dev Version 3.2 Patchlevel 3d")));
  // Converters and PDF libraries say nothing about what was drawn.
  for (const char* neutral :
       {"cairo 1.16.0 (https://cairographics.org)", "GPL Ghostscript 916 (ps2write)",
        "ImageMagick 6.9.2-10 Q16", "macOS Version 10.15.4 (Build 19E287) Quartz PDFContext",
        "Apache FOP Version 2.2.0-SNAPSHOT: PDFDocumentGraphics2D", "Paint.NET v3.5.11", "Rhapsody",
        "Origins of life"}) {
    const BlobFacts f = facts("pdf", neutral);
    EXPECT_FALSE(photo_editor_creator(f)) << neutral;
    EXPECT_FALSE(camera_software_creator(f)) << neutral;
    EXPECT_FALSE(plotting_software_creator(f)) << neutral;
    EXPECT_FALSE(drawing_software_creator(f)) << neutral;
  }
}

TEST(WeakLabels, CaptureSoftware) {
  EXPECT_TRUE(camera_software_creator(facts("jpeg", "Canon EOS 5D Mark III")));
  EXPECT_TRUE(camera_software_creator(facts("jpeg", "NIKON D750 Ver.1.10")));
  EXPECT_TRUE(camera_software_creator(facts("jpeg", "Ver.1.01")));
  EXPECT_TRUE(camera_software_creator(facts("jpeg", "iPhone 12 Pro")));
  EXPECT_TRUE(camera_software_creator(facts("tiff", "NIS-Elements AR 4.30")));
  EXPECT_TRUE(camera_software_creator(facts("png", "SAOImage DS9")));
  EXPECT_FALSE(camera_software_creator(facts("jpeg", "")));
}

TEST(WeakLabels, FormatsAndColour) {
  EXPECT_TRUE(vector_format(facts("pdf")));
  EXPECT_TRUE(vector_format(facts("svg")));
  EXPECT_FALSE(vector_format(facts("png")));
  EXPECT_TRUE(raster_with_alpha(facts("png", "", "rgba")));
  EXPECT_TRUE(raster_with_alpha(facts("png", "", "graya")));
  EXPECT_FALSE(raster_with_alpha(facts("png", "", "rgb")));
  EXPECT_TRUE(palette_raster(facts("gif", "", "palette")));
  EXPECT_FALSE(palette_raster(facts("jpeg", "", "rgb")));
}

TEST(WeakLabels, FirstRuleThatFiresWins) {
  auto gimp_ps = weak_label(facts("ps", "GIMP PostScript file plugin V 1.17"));
  ASSERT_TRUE(gimp_ps);
  EXPECT_EQ(gimp_ps->label, FigureType::kSensor) << "capture evidence beats the vector format";
  EXPECT_EQ(gimp_ps->rule, "photo-editor-creator");
  auto plot = weak_label(facts("pdf", "matplotlib 3.0.2"));
  ASSERT_TRUE(plot);
  EXPECT_EQ(plot->rule, "plotting-software-creator");
  auto bare_pdf = weak_label(facts("pdf"));
  ASSERT_TRUE(bare_pdf);
  EXPECT_EQ(bare_pdf->rule, "vector-format");
  EXPECT_FALSE(weak_label(facts("png", "", "rgb"))) << "a plain RGB raster has no evidence";
  EXPECT_FALSE(weak_label(facts("jpeg", "", "rgb")));
  for (const WeakRule& rule : weak_rules()) EXPECT_NE(rule.label, FigureType::kMixed);
}

TEST(WeakLabels, AgreementTable) {
  const std::vector<BlobFacts> all = {facts("ps", "GIMP"), facts("ps", "GIMP"), facts("pdf"),
                                      facts("pdf", "matplotlib"), facts("png", "", "rgb")};
  const std::vector<FigureType> hand = {FigureType::kSensor, FigureType::kDiagram,
                                        FigureType::kMixed, FigureType::kDiagram,
                                        FigureType::kDiagram};
  const auto table = measure_rules(all, hand);
  ASSERT_EQ(table.size(), weak_rules().size() + 1);
  auto row = [&](const std::string& name) {
    for (const auto& r : table) {
      if (r.name == name) return r;
    }
    ADD_FAILURE() << name;
    return RuleAgreement{};
  };
  EXPECT_EQ(row("photo-editor-creator").fires, 2);
  EXPECT_EQ(row("photo-editor-creator").agrees, 1);
  EXPECT_EQ(row("vector-format").fires, 4) << "each rule alone, also where an earlier one fired";
  EXPECT_EQ(row("vector-format").agrees, 2);
  EXPECT_EQ(row("vector-format").hand[2], 1);
  const RuleAgreement combined = table.back();
  EXPECT_EQ(combined.fires, 4);
  EXPECT_EQ(combined.agrees, 2);  // gimp->sensor right, gimp->sensor wrong, pdf mixed, plot right
}

TEST(FigureTypes, NamesParse) {
  EXPECT_EQ(parse_figure_type(" Sensor "), FigureType::kSensor);
  EXPECT_EQ(parse_figure_type("MIXED"), FigureType::kMixed);
  EXPECT_FALSE(parse_figure_type("photo"));
  EXPECT_EQ(figure_type_names(), (std::vector<std::string>{"diagram", "sensor", "mixed"}));
}

}  // namespace
}  // namespace imagemesh::embed

#include "imaging/image_facts.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "imaging/facts_samples_test.h"

namespace imagemesh::imaging {
namespace {

namespace s = samples;

ImageFacts facts_ok(const std::string& bytes, std::string_view name) {
  Result<ImageFacts> facts = read_image_facts(bytes, name);
  EXPECT_TRUE(facts.ok()) << name << ": " << facts.status().to_string();
  return facts.ok() ? *facts : ImageFacts{};
}

TEST(ImageFactsTest, Png) {
  ImageFacts facts = facts_ok(s::png(640, 480, 6, "matplotlib version3.1.1"), "a.png");
  EXPECT_EQ(facts.format, ImageFormat::kPng);
  EXPECT_EQ(facts.width_px, 640);
  EXPECT_EQ(facts.height_px, 480);
  EXPECT_EQ(facts.pages, 1);
  EXPECT_EQ(facts.color, "rgba");
  EXPECT_EQ(facts.creator, "matplotlib version3.1.1");
  EXPECT_EQ(facts_ok(s::png_ztxt(3, 2, "GIMP 2.10"), "z.png").creator, "GIMP 2.10");
  EXPECT_EQ(facts_ok(s::png(1, 1, 3, ""), "p.png").color, "palette");
  EXPECT_EQ(facts_ok(s::png(1, 1, 0, ""), "p.png").creator, "");
}

TEST(ImageFactsTest, PngHeaderSizeIsReportedEvenWhenHuge) {
  ImageFacts facts = facts_ok(s::png(100000, 100000, 2, ""), "bomb.png");
  EXPECT_EQ(facts.width_px, 100000);
  EXPECT_EQ(facts.height_px, 100000);
}

TEST(ImageFactsTest, JpegExifInBothByteOrdersAndComment) {
  ImageFacts le = facts_ok(s::jpeg(300, 200, 3, "Adobe Photoshop CS6", true, "c"), "a.jpg");
  EXPECT_EQ(le.format, ImageFormat::kJpeg);
  EXPECT_EQ(le.width_px, 300);
  EXPECT_EQ(le.height_px, 200);
  EXPECT_EQ(le.color, "rgb");
  EXPECT_EQ(le.creator, "Adobe Photoshop CS6");
  ImageFacts be = facts_ok(s::jpeg(30, 20, 4, "Big Endian Tool", false, ""), "b.jpeg");
  EXPECT_EQ(be.creator, "Big Endian Tool");
  EXPECT_EQ(be.color, "cmyk");
  ImageFacts comment = facts_ok(s::jpeg(30, 20, 1, "", true, "Created with GIMP"), "c.jpg");
  EXPECT_EQ(comment.creator, "Created with GIMP");
  EXPECT_EQ(comment.color, "gray");
}

TEST(ImageFactsTest, GifFramesAndComment) {
  ImageFacts facts = facts_ok(s::gif(20, 10, 2, "made by hand"), "a.gif");
  EXPECT_EQ(facts.format, ImageFormat::kGif);
  EXPECT_EQ(facts.width_px, 20);
  EXPECT_EQ(facts.height_px, 10);
  EXPECT_EQ(facts.pages, 2);
  EXPECT_EQ(facts.creator, "made by hand");
  EXPECT_EQ(facts.color, "palette");
}

TEST(ImageFactsTest, Bmp) {
  ImageFacts facts = facts_ok(s::bmp(7, 5, 24), "a.bmp");
  EXPECT_EQ(facts.format, ImageFormat::kBmp);
  EXPECT_EQ(facts.width_px, 7);
  EXPECT_EQ(facts.height_px, 5);  // stored top-down (negative height)
  EXPECT_EQ(facts_ok(s::bmp(7, 5, 8), "a.bmp").color, "palette");
}

TEST(ImageFactsTest, TiffBothByteOrders) {
  ImageFacts le = facts_ok(s::tiff(true, 50, 40, 2, 3, "tifftool"), "a.tif");
  EXPECT_EQ(le.format, ImageFormat::kTiff);
  EXPECT_EQ(le.width_px, 50);
  EXPECT_EQ(le.height_px, 40);
  EXPECT_EQ(le.pages, 3);
  EXPECT_EQ(le.color, "rgb");
  EXPECT_EQ(le.creator, "tifftool");
  ImageFacts be = facts_ok(s::tiff(false, 50, 40, 5, 1, "tifftool BE"), "a.tiff");
  EXPECT_EQ(be.pages, 1);
  EXPECT_EQ(be.color, "cmyk");
  EXPECT_EQ(be.creator, "tifftool BE");
}

TEST(ImageFactsTest, WebpAllThreeKinds) {
  ImageFacts lossy = facts_ok(s::webp_vp8(33, 22), "a.webp");
  EXPECT_EQ(lossy.format, ImageFormat::kWebp);
  EXPECT_EQ(lossy.width_px, 33);
  EXPECT_EQ(lossy.height_px, 22);
  ImageFacts lossless = facts_ok(s::webp_vp8l(300, 2000, true), "b.webp");
  EXPECT_EQ(lossless.width_px, 300);
  EXPECT_EQ(lossless.height_px, 2000);
  EXPECT_EQ(lossless.color, "rgba");
  ImageFacts extended = facts_ok(s::webp_vp8x(5000, 7, false), "c.webp");
  EXPECT_EQ(extended.width_px, 5000);
  EXPECT_EQ(extended.height_px, 7);
  EXPECT_EQ(extended.color, "rgb");
}

TEST(ImageFactsTest, EpsBoundingBoxWithOffsetAndCreator) {
  ImageFacts facts = facts_ok(s::eps("%%BoundingBox: -109 859 645 1202", ""), "b.eps");
  EXPECT_EQ(facts.format, ImageFormat::kEps);
  EXPECT_DOUBLE_EQ(facts.width_pt, 754);
  EXPECT_DOUBLE_EQ(facts.height_pt, 343);
  EXPECT_EQ(facts.pages, 1);
  EXPECT_EQ(facts.creator, "CorelDRAW 12");
  EXPECT_EQ(facts.width_px, 0);
}

TEST(ImageFactsTest, EpsHiResAndAtendBoundingBoxes) {
  ImageFacts hires = facts_ok(
      s::eps("%%BoundingBox: 0 0 101 51\n%%HiResBoundingBox: 0 0 100.5 50.25", ""), "h.eps");
  EXPECT_DOUBLE_EQ(hires.width_pt, 100.5);
  EXPECT_DOUBLE_EQ(hires.height_pt, 50.25);
  ImageFacts atend =
      facts_ok(s::eps("%%BoundingBox: (atend)", "%%BoundingBox: 0 0 72 36\n"), "t.eps");
  EXPECT_DOUBLE_EQ(atend.width_pt, 72);
  EXPECT_DOUBLE_EQ(atend.height_pt, 36);
}

TEST(ImageFactsTest, DosEpsFindsItsPostScriptSection) {
  std::string bytes = s::dos_eps(s::eps("%%BoundingBox: 0 0 100 50", ""));
  EXPECT_EQ(sniff_image_format(bytes, "x.eps"), ImageFormat::kEps);
  ImageFacts facts = facts_ok(bytes, "x.eps");
  EXPECT_DOUBLE_EQ(facts.width_pt, 100);
  EXPECT_DOUBLE_EQ(facts.height_pt, 50);
  EXPECT_EQ(facts.creator, "CorelDRAW 12");
}

TEST(ImageFactsTest, PostScriptPagesAndOddNames) {
  std::string ps =
      "%!PS-Adobe-3.0\n%%BoundingBox: 28 28 580 779\n%%Creator: IDL Version 6.3\n"
      "%%Pages: (atend)\n%%EndComments\n%%Page: 1 1\nshowpage\n%%Page: 2 2\nshowpage\n"
      "%%Trailer\n%%Pages: 2\n%%EOF\n";
  ImageFacts facts = facts_ok(ps, "spectra.ps_page_1");
  EXPECT_EQ(facts.format, ImageFormat::kPs);
  EXPECT_EQ(facts.pages, 2);
  EXPECT_DOUBLE_EQ(facts.width_pt, 552);
  EXPECT_EQ(facts.creator, "IDL Version 6.3");
  // An EPS without an EPSF header is told apart by its name only.
  EXPECT_EQ(sniff_image_format(ps, "fig.eps"), ImageFormat::kEps);
  EXPECT_TRUE(looks_like_image("", "x.ps_page_12"));
  EXPECT_FALSE(looks_like_image("", "x.ps_page_"));
}

TEST(ImageFactsTest, PdfClassicWithInheritedMediaBoxAndInfo) {
  ImageFacts facts = facts_ok(s::pdf_classic(3, "[0 0 843.84 267.84]"), "sho.pdf");
  EXPECT_EQ(facts.format, ImageFormat::kPdf);
  EXPECT_EQ(facts.pages, 3);
  EXPECT_DOUBLE_EQ(facts.width_pt, 843.84);
  EXPECT_DOUBLE_EQ(facts.height_pt, 267.84);
  // Literal string escapes (\( \) \n \101) and UTF-16BE hex with a byte-order mark.
  EXPECT_EQ(facts.creator, "Tool (v1) A; M\xC3\xBCller");
}

TEST(ImageFactsTest, PdfObjectStreamWithRotation) {
  ImageFacts facts = facts_ok(s::pdf_object_stream(4), "packed.pdf");
  EXPECT_EQ(facts.pages, 4);
  EXPECT_DOUBLE_EQ(facts.width_pt, 100);  // /Rotate 90: displayed sideways
  EXPECT_DOUBLE_EQ(facts.height_pt, 200.5);
  EXPECT_EQ(facts.creator, "Packed (objstm) writer");
}

TEST(ImageFactsTest, PdfCreatorFromXmpOnly) {
  std::string pdf = s::pdf_classic(1, "[0 0 10 20]");
  pdf.replace(pdf.find("/Info 4 0 R"), 11, "           ");
  pdf += "<x:xmpmeta><rdf:Description xmp:CreatorTool=\"Inkscape 1.2\"/></x:xmpmeta>\n";
  EXPECT_EQ(facts_ok(pdf, "x.pdf").creator, "Inkscape 1.2");
}

TEST(ImageFactsTest, SvgSizesAndGenerators) {
  ImageFacts illustrator = facts_ok(
      s::svg("width=\"460.8pt\" height=\"345.6pt\"",
             "<!-- Generator: Adobe Illustrator 16.0.0, SVG Export Plug-In . SVG Version: 6.00 "
             "Build 0)  -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n"),
      "a.svg");
  EXPECT_EQ(illustrator.format, ImageFormat::kSvg);
  EXPECT_DOUBLE_EQ(illustrator.width_pt, 460.8);
  EXPECT_DOUBLE_EQ(illustrator.height_pt, 345.6);
  EXPECT_EQ(illustrator.creator, "Adobe Illustrator 16.0.0");
  ImageFacts inkscape = facts_ok(
      s::svg("viewBox=\"0 0 210 297\" inkscape:version=\"0.92.4 (5da689c313, 2019-01-14)\"",
             "<!-- Created with Inkscape (http://www.inkscape.org/) -->\n"),
      "b.svg");
  EXPECT_DOUBLE_EQ(inkscape.width_pt, 210);
  EXPECT_EQ(inkscape.creator, "Inkscape 0.92.4 (5da689c313, 2019-01-14)");
  std::string matplotlib = s::svg("width=\"1in\" height=\"0.5in\"", "");
  matplotlib.insert(matplotlib.find("<rect"),
                    "<metadata><rdf:RDF><cc:Work><dc:creator><cc:Agent><dc:title>Matplotlib "
                    "v3.4.3, https://matplotlib.org/</dc:title></cc:Agent></dc:creator>"
                    "</cc:Work></rdf:RDF></metadata>\n");
  ImageFacts mpl = facts_ok(matplotlib, "c.svg");
  EXPECT_DOUBLE_EQ(mpl.width_pt, 72);
  EXPECT_DOUBLE_EQ(mpl.height_pt, 36);
  EXPECT_EQ(mpl.creator, "Matplotlib v3.4.3, https://matplotlib.org/");
}

TEST(ImageFactsTest, SvgEntitiesAreNeverExpanded) {
  std::string lol = s::svg("width=\"10\" height=\"10\"",
                           "<!DOCTYPE svg [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n"
                           "<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n");
  lol.insert(lol.find("<rect"), "<text>&x;&lol2;</text>");
  ImageFacts facts = facts_ok(lol, "lol.svg");
  EXPECT_DOUBLE_EQ(facts.width_pt, 10);
  EXPECT_EQ(facts.creator, "");
}

TEST(ImageFactsTest, NotImages) {
  Result<ImageFacts> empty = read_image_facts("", "empty.png");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kDecodeFailed);

  std::string apple_double = std::string("\x00\x05\x16\x07\x00\x02\x00\x00", 8) +
                             "Mac OS X        " + std::string(188, '\0');
  EXPECT_EQ(sniff_image_format(apple_double, "._fig.pdf"), ImageFormat::kUnknown);
  Result<ImageFacts> junk = read_image_facts(apple_double, "._fig.pdf");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().code(), ErrorCode::kDecodeFailed);
  EXPECT_EQ(junk.status().message(), "macOS AppleDouble resource fork, not an image");

  std::string text = "This is not a PNG, just text.\n";
  EXPECT_EQ(sniff_image_format(text, "notreally.png"), ImageFormat::kUnknown);
  EXPECT_TRUE(looks_like_image(text, "notreally.png"));  // listed, with an error
  EXPECT_EQ(read_image_facts(text, "notreally.png").status().code(), ErrorCode::kDecodeFailed);
}

TEST(ImageFactsTest, LooksLikeImage) {
  EXPECT_TRUE(looks_like_image(s::png(1, 1, 2, ""), "figure"));  // content, no extension
  EXPECT_TRUE(looks_like_image(s::pdf_classic(1, "[0 0 1 1]"), "2312.99002.pdf"));
  EXPECT_TRUE(looks_like_image("", "x.EPSF"));
  EXPECT_TRUE(looks_like_image("", "x.epsi"));
  EXPECT_TRUE(looks_like_image("", "x.pstex"));
  EXPECT_FALSE(looks_like_image("\\begin{picture}", "fig.pdf_tex"));
  EXPECT_FALSE(looks_like_image("%!TEX program = pdflatex\n", "main.tex"));
  EXPECT_FALSE(looks_like_image("%!PS-Adobe-3.0\n", "notes.tex"));
  EXPECT_FALSE(looks_like_image("%PDF-1.5 in a comment\n", "refs.bbl"));
  EXPECT_FALSE(looks_like_image("\\ProvidesPackage{x}", "x.sty"));
  EXPECT_FALSE(looks_like_image("hello", "README"));
  EXPECT_FALSE(looks_like_image("<html><svg></svg></html>", "page.html"));
}

TEST(ImageFactsTest, TruncatedHeadersAreErrors) {
  struct Case {
    std::string bytes;
    std::string name;
    size_t keep;  // bytes kept: inside the header that holds the size
  };
  const Case cases[] = {
      {s::png(5, 5, 2, ""), "a.png", 20},
      {s::jpeg(5, 5, 3, "x", true, ""), "a.jpg", 30},
      {s::gif(5, 5, 1, ""), "a.gif", 12},
      {s::gif(5, 5, 1, ""), "a.gif", 30},
      {s::bmp(5, 5, 24), "a.bmp", 20},
      {s::tiff(true, 5, 5, 2, 1, "t"), "a.tif", 12},
      {s::webp_vp8(5, 5), "a.webp", 24},
      {s::eps("%%BoundingBox: 0 0 1 1", ""), "a.eps", 40},
      {s::dos_eps(s::eps("%%BoundingBox: 0 0 1 1", "")), "a.eps", 20},
      {s::pdf_classic(1, "[0 0 1 1]"), "a.pdf", 60},
      {s::pdf_object_stream(1), "a.pdf", 200},
      {s::svg("width=\"1\" height=\"1\"", ""), "a.svg", 45},
  };
  for (const Case& c : cases) {
    Result<ImageFacts> facts = read_image_facts(c.bytes.substr(0, c.keep), c.name);
    EXPECT_FALSE(facts.ok()) << c.name << " cut at " << c.keep;
  }
}

TEST(ImageFactsTest, FormatNames) {
  EXPECT_EQ(image_format_name(ImageFormat::kJpeg), "jpeg");
  EXPECT_EQ(image_format_name(ImageFormat::kEps), "eps");
  EXPECT_EQ(image_format_name(ImageFormat::kUnknown), "unknown");
}

}  // namespace
}  // namespace imagemesh::imaging

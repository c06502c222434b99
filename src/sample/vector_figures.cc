#include "sample/vector_figures.h"

#include <cstdio>

namespace imagemesh::sample {
namespace {

std::string num(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

std::string colour(Rgb c) {
  return num(c.r / 255.0) + " " + num(c.g / 255.0) + " " + num(c.b / 255.0);
}

// PostScript and PDF string literal content: ( ) and \ escaped.
std::string escape_string(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Page description in PostScript/PDF operators, y flipped (drawing is y-down, both are y-up).
// The two languages differ only in operator names, so one writer serves both.
struct Operators {
  const char* move;
  const char* line;
  const char* close_fill;
  const char* close_stroke;
  const char* stroke;
  const char* fill_rgb;
  const char* stroke_rgb;
  const char* width;
  bool pdf;
};

constexpr Operators kPostScriptOps{"moveto",           "lineto",       "closepath fill",
                                   "closepath stroke", "stroke",       "setrgbcolor",
                                   "setrgbcolor",      "setlinewidth", false};
constexpr Operators kPdfOps{"m", "l", "h f", "h S", "S", "rg", "RG", "w", true};

void path(std::string& out, const Operators& ops, const std::vector<Point>& points, double height) {
  for (size_t i = 0; i < points.size(); ++i) {
    out += num(points[i].x) + " " + num(height - points[i].y) + " " +
           (i == 0 ? ops.move : ops.line) + "\n";
  }
}

// A circle as four Bezier arcs.
void circle_path(std::string& out, const Operators& ops, Point c, double r, double height) {
  const double k = 0.5523 * r;
  const double cy = height - c.y;
  const char* curve = ops.pdf ? "c" : "curveto";
  out += num(c.x + r) + " " + num(cy) + " " + ops.move + "\n";
  out += num(c.x + r) + " " + num(cy + k) + " " + num(c.x + k) + " " + num(cy + r) + " " +
         num(c.x) + " " + num(cy + r) + " " + curve + "\n";
  out += num(c.x - k) + " " + num(cy + r) + " " + num(c.x - r) + " " + num(cy + k) + " " +
         num(c.x - r) + " " + num(cy) + " " + curve + "\n";
  out += num(c.x - r) + " " + num(cy - k) + " " + num(c.x - k) + " " + num(cy - r) + " " +
         num(c.x) + " " + num(cy - r) + " " + curve + "\n";
  out += num(c.x + k) + " " + num(cy - r) + " " + num(c.x + r) + " " + num(cy - k) + " " +
         num(c.x + r) + " " + num(cy) + " " + curve + "\n";
}

std::string page_operators(const Drawing& d, const Operators& ops) {
  std::string out;
  const double h = d.height;
  if (d.background) {
    out += colour(*d.background) + " " + ops.fill_rgb + "\n";
    path(out, ops, {{0, 0}, {d.width, 0}, {d.width, h}, {0, h}}, h);
    out += std::string(ops.close_fill) + "\n";
  }
  for (const auto& shape : d.shapes) {
    switch (shape.kind) {
      case ShapeKind::kText:
        if (ops.pdf) {
          out += colour(shape.fill.value_or(kBlack)) + " rg\nBT /F1 " + num(shape.font_size) +
                 " Tf " + num(shape.points[0].x) + " " + num(h - shape.points[0].y) + " Td (" +
                 escape_string(shape.text) + ") Tj ET\n";
        } else {
          out += colour(shape.fill.value_or(kBlack)) + " setrgbcolor /Helvetica findfont " +
                 num(shape.font_size) + " scalefont setfont " + num(shape.points[0].x) + " " +
                 num(h - shape.points[0].y) + " moveto (" + escape_string(shape.text) + ") show\n";
        }
        break;
      case ShapeKind::kCircle:
        if (shape.fill) {
          out += colour(*shape.fill) + " " + ops.fill_rgb + "\n";
          circle_path(out, ops, shape.points[0], shape.radius, h);
          out += std::string(ops.pdf ? "f" : "fill") + "\n";
        }
        break;
      case ShapeKind::kPolygon:
        if (shape.fill) {
          out += colour(*shape.fill) + " " + ops.fill_rgb + "\n";
          path(out, ops, shape.points, h);
          out += std::string(ops.close_fill) + "\n";
        }
        if (shape.stroke) {
          out += colour(*shape.stroke) + " " + ops.stroke_rgb + " " + num(shape.stroke_width) +
                 " " + ops.width + "\n";
          path(out, ops, shape.points, h);
          out += std::string(ops.close_stroke) + "\n";
        }
        break;
      case ShapeKind::kPolyline:
        out += colour(shape.stroke.value_or(kBlack)) + " " + ops.stroke_rgb + " " +
               num(shape.stroke_width) + " " + ops.width + "\n";
        path(out, ops, shape.points, h);
        out += std::string(ops.stroke) + "\n";
        break;
    }
  }
  return out;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_colour(Rgb c) {
  return "rgb(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

std::string svg_points(const std::vector<Point>& points) {
  std::string out;
  for (const auto& p : points) {
    if (!out.empty()) out += ' ';
    out += num(p.x) + "," + num(p.y);
  }
  return out;
}

std::string svg_paint(const Shape& shape) {
  std::string out = " fill=\"" + (shape.fill ? svg_colour(*shape.fill) : "none") + "\"";
  if (shape.stroke) {
    out += " stroke=\"" + svg_colour(*shape.stroke) + "\" stroke-width=\"" +
           num(shape.stroke_width) + "\"";
  }
  return out;
}

constexpr const char* kPostScriptProlog =
    "%%BeginProlog\n"
    "/imagemesh-sample 10 dict def\n"
    "%%EndProlog\n";

}  // namespace

std::string write_eps(const Drawing& drawing, const EpsOptions& options) {
  const int w = static_cast<int>(drawing.width + 0.999),
            h = static_cast<int>(drawing.height + 0.999);
  std::string out = "%!PS-Adobe-3.0 EPSF-3.0\n";
  out += "%%Title: " + options.title + "\n";
  out += "%%Creator: " + options.creator + "\n";
  out += "%%CreationDate: Wed Jul  1 00:00:00 2020\n";
  out += "%%BoundingBox: " + std::to_string(options.origin_x) + " " +
         std::to_string(options.origin_y) + " " + std::to_string(options.origin_x + w) + " " +
         std::to_string(options.origin_y + h) + "\n";
  out += "%%HiResBoundingBox: " + num(options.origin_x) + " " + num(options.origin_y) + " " +
         num(options.origin_x + drawing.width) + " " + num(options.origin_y + drawing.height) +
         "\n";
  out += "%%LanguageLevel: 2\n%%EndComments\n";
  out += kPostScriptProlog;
  out += "gsave\n" + std::to_string(options.origin_x) + " " + std::to_string(options.origin_y) +
         " translate\n1 setlinejoin 1 setlinecap\n";
  out += page_operators(drawing, kPostScriptOps);
  out += "grestore\nshowpage\n%%Trailer\n%%EOF\n";
  return out;
}

std::string write_postscript(const std::vector<Drawing>& pages, const std::string& creator) {
  const double w = pages.empty() ? 0 : pages[0].width, h = pages.empty() ? 0 : pages[0].height;
  std::string out = "%!PS-Adobe-3.0\n";
  out += "%%Creator: " + creator + "\n";
  out += "%%CreationDate: Wed Jul  1 00:00:00 2020\n";
  out += "%%BoundingBox: 0 0 " + std::to_string(static_cast<int>(w + 0.999)) + " " +
         std::to_string(static_cast<int>(h + 0.999)) + "\n";
  out += "%%Pages: " + std::to_string(pages.size()) + "\n";
  out += "%%DocumentMedia: Plain " + num(w) + " " + num(h) + " 0 () ()\n";
  out += "%%LanguageLevel: 2\n%%EndComments\n";
  out += kPostScriptProlog;
  out +=
      "%%BeginSetup\n<< /PageSize [" + num(w) + " " + num(h) + "] >> setpagedevice\n%%EndSetup\n";
  for (size_t i = 0; i < pages.size(); ++i) {
    out += "%%Page: " + std::to_string(i + 1) + " " + std::to_string(i + 1) + "\n";
    out += "gsave\n1 setlinejoin 1 setlinecap\n" + page_operators(pages[i], kPostScriptOps);
    out += "grestore\nshowpage\n";
  }
  out += "%%Trailer\n%%EOF\n";
  return out;
}

std::string write_pdf(const std::vector<Drawing>& pages, const PdfOptions& options) {
  // Objects: 1 catalog, 2 page tree, 3 info, 4 font, then a page and its content stream per page.
  std::vector<std::string> objects;
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) {
    kids += std::to_string(5 + 2 * i) + " 0 R ";
  }
  if (!kids.empty()) kids.pop_back();
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) +
                    " >>");
  std::string info = "<< /Producer (" + escape_string(options.producer) + ") /Creator (" +
                     escape_string(options.creator) + ")";
  if (!options.title.empty()) info += " /Title (" + escape_string(options.title) + ")";
  objects.push_back(info + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (size_t i = 0; i < pages.size(); ++i) {
    const Drawing& page = pages[i];
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + num(page.width) + " " +
                      num(page.height) + "] /Resources << /Font << /F1 4 0 R >> >> /Contents " +
                      std::to_string(6 + 2 * i) + " 0 R >>");
    std::string content = "1 j 1 J\n" + page_operators(page, kPdfOps);
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "endstream");
  }
  std::string out = "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref_at = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Info 3 0 R >>\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
  return out;
}

std::string write_svg(const Drawing& drawing, const std::string& generator) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"no\"?>\n";
  out += "<!-- Created with " + xml_escape(generator) + " -->\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + num(drawing.width) +
         "pt\" height=\"" + num(drawing.height) + "pt\" viewBox=\"0 0 " + num(drawing.width) + " " +
         num(drawing.height) + "\">\n";
  if (drawing.background) {
    out += "  <rect x=\"0\" y=\"0\" width=\"" + num(drawing.width) + "\" height=\"" +
           num(drawing.height) + "\" fill=\"" + svg_colour(*drawing.background) + "\"/>\n";
  }
  for (const auto& shape : drawing.shapes) {
    switch (shape.kind) {
      case ShapeKind::kText:
        out += "  <text x=\"" + num(shape.points[0].x) + "\" y=\"" + num(shape.points[0].y) +
               "\" font-family=\"DejaVu Sans\" font-size=\"" + num(shape.font_size) + "\" fill=\"" +
               svg_colour(shape.fill.value_or(kBlack)) + "\">" + xml_escape(shape.text) +
               "</text>\n";
        break;
      case ShapeKind::kCircle:
        out += "  <circle cx=\"" + num(shape.points[0].x) + "\" cy=\"" + num(shape.points[0].y) +
               "\" r=\"" + num(shape.radius) + "\"" + svg_paint(shape) + "/>\n";
        break;
      case ShapeKind::kPolygon:
        out += "  <polygon points=\"" + svg_points(shape.points) + "\"" + svg_paint(shape) + "/>\n";
        break;
      case ShapeKind::kPolyline:
        out += "  <polyline points=\"" + svg_points(shape.points) + "\"" + svg_paint(shape) +
               " stroke-linejoin=\"round\"/>\n";
        break;
    }
  }
  out += "</svg>\n";
  return out;
}

}  // namespace imagemesh::sample

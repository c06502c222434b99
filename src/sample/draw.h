// The sample's picture model: a Drawing (vector shapes, in points, origin top-left, y down) that
// the vector writers serialise (vector_figures.h) and rasterise() turns into pixels, and a Canvas
// of RGBA pixels for raster-only art (photo-like noise fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imaging/raster_encode.h"
#include "sample/random.h"

namespace imagemesh::sample {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kPureRed{255, 0, 0};

struct Point {
  double x = 0, y = 0;
};

enum class ShapeKind {
  kPolyline,  // open path through `points`, stroked
  kPolygon,   // closed path through `points`, filled and/or stroked
  kCircle,    // centre points[0], `radius`, filled and/or stroked
  kText,      // `text` with its baseline starting at points[0]; vector formats only
};

struct Shape {
  ShapeKind kind = ShapeKind::kPolyline;
  std::vector<Point> points;
  double radius = 0;
  std::optional<Rgb> fill;
  std::optional<Rgb> stroke;
  double stroke_width = 1;
  std::string text;  // ASCII
  double font_size = 10;
};

struct Drawing {
  double width = 0, height = 0;   // points
  std::optional<Rgb> background;  // none: transparent (like cairo's PDFs)
  std::vector<Shape> shapes;

  void line(Point a, Point b, Rgb colour, double width);
  void polyline(std::vector<Point> points, Rgb colour, double width);
  void rect(double x, double y, double w, double h, std::optional<Rgb> fill,
            std::optional<Rgb> stroke, double stroke_width = 1);
  void circle(Point centre, double radius, Rgb fill);
  void text(Point baseline_start, std::string text, double size, Rgb colour = kBlack);
};

// RGBA pixels, row-major.
class Canvas {
 public:
  Canvas(int width, int height, std::optional<Rgb> background);
  int width() const { return width_; }
  int height() const { return height_; }
  void blend(int x, int y, Rgb colour, uint8_t alpha = 255);
  void set(int x, int y, Rgb colour, uint8_t alpha);
  const uint8_t* at(int x, int y) const { return &rgba_[index(x, y)]; }

  // The pixels in `layout`. RGB, gray and CMYK are composited on white; gray is Rec.601 luma;
  // CMYK is naive (K = 255 - max(R,G,B)).
  imaging::PixelBuffer pixels(imaging::PixelLayout layout) const;

 private:
  size_t index(int x, int y) const {
    return (static_cast<size_t>(y) * static_cast<size_t>(width_) + static_cast<size_t>(x)) * 4;
  }
  int width_, height_;
  std::vector<uint8_t> rgba_;
};

// Draws `drawing` at `pixels_per_point`: shapes are filled and stroked without anti-aliasing (so
// colours stay exact, e.g. the red test square is pure red); text is skipped.
Canvas rasterise(const Drawing& drawing, double pixels_per_point);

// A photo-like picture: a few octaves of smooth value noise per colour channel over a palette.
Canvas value_noise_photo(int width, int height, Random& random);

}  // namespace imagemesh::sample

#include "sample/draw.h"

#include <algorithm>
#include <cmath>

namespace imagemesh::sample {
namespace {

double distance_to_segment(Point p, Point a, Point b) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double length_squared = dx * dx + dy * dy;
  double t = length_squared > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length_squared : 0;
  t = std::clamp(t, 0.0, 1.0);
  double cx = a.x + t * dx - p.x, cy = a.y + t * dy - p.y;
  return std::sqrt(cx * cx + cy * cy);
}

int clamp_floor(double v, int limit) {
  return std::clamp(static_cast<int>(std::floor(v)), 0, limit);
}

void stroke_segment(Canvas& canvas, Point a, Point b, double width, Rgb colour) {
  double half = std::max(width / 2, 0.5);
  int x0 = clamp_floor(std::min(a.x, b.x) - half, canvas.width() - 1);
  int x1 = clamp_floor(std::max(a.x, b.x) + half, canvas.width() - 1);
  int y0 = clamp_floor(std::min(a.y, b.y) - half, canvas.height() - 1);
  int y1 = clamp_floor(std::max(a.y, b.y) + half, canvas.height() - 1);
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      if (distance_to_segment({x + 0.5, y + 0.5}, a, b) <= half) canvas.blend(x, y, colour);
    }
  }
}

// Even-odd scanline fill, sampling pixel centres.
void fill_polygon(Canvas& canvas, const std::vector<Point>& points, Rgb colour) {
  if (points.size() < 3) return;
  double min_y = points[0].y, max_y = points[0].y;
  for (const auto& p : points) {
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  int y0 = clamp_floor(min_y, canvas.height() - 1), y1 = clamp_floor(max_y, canvas.height() - 1);
  std::vector<double> crossings;
  for (int y = y0; y <= y1; ++y) {
    double cy = y + 0.5;
    crossings.clear();
    for (size_t i = 0; i < points.size(); ++i) {
      Point a = points[i], b = points[(i + 1) % points.size()];
      if ((a.y <= cy && b.y > cy) || (b.y <= cy && a.y > cy)) {
        crossings.push_back(a.x + (cy - a.y) / (b.y - a.y) * (b.x - a.x));
      }
    }
    std::sort(crossings.begin(), crossings.end());
    for (size_t i = 0; i + 1 < crossings.size(); i += 2) {
      // Pixel x is inside when its centre x + 0.5 lies in [left, right).
      int from = std::max(0, static_cast<int>(std::ceil(crossings[i] - 0.5)));
      int to =
          std::min(canvas.width() - 1, static_cast<int>(std::ceil(crossings[i + 1] - 0.5)) - 1);
      for (int x = from; x <= to; ++x) canvas.blend(x, y, colour);
    }
  }
}

void fill_circle(Canvas& canvas, Point centre, double radius, Rgb colour) {
  int x0 = clamp_floor(centre.x - radius, canvas.width() - 1);
  int x1 = clamp_floor(centre.x + radius, canvas.width() - 1);
  int y0 = clamp_floor(centre.y - radius, canvas.height() - 1);
  int y1 = clamp_floor(centre.y + radius, canvas.height() - 1);
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      double dx = x + 0.5 - centre.x, dy = y + 0.5 - centre.y;
      if (dx * dx + dy * dy <= radius * radius) canvas.blend(x, y, colour);
    }
  }
}

Point scaled(Point p, double s) { return {p.x * s, p.y * s}; }

// Smooth value noise on a lattice of `cells` cells across the image; values in [0, 1].
class ValueNoise {
 public:
  ValueNoise(int cells, Random& random) : cells_(cells), lattice_((cells + 1) * (cells + 1)) {
    for (auto& v : lattice_) v = random.unit();
  }
  double at(double u, double v) const {  // u, v in [0, 1]
    double fx = u * cells_, fy = v * cells_;
    int ix = std::min(static_cast<int>(fx), cells_ - 1),
        iy = std::min(static_cast<int>(fy), cells_ - 1);
    double tx = smooth(fx - ix), ty = smooth(fy - iy);
    double top = mix(corner(ix, iy), corner(ix + 1, iy), tx);
    double bottom = mix(corner(ix, iy + 1), corner(ix + 1, iy + 1), tx);
    return mix(top, bottom, ty);
  }

 private:
  static double smooth(double t) { return t * t * (3 - 2 * t); }
  static double mix(double a, double b, double t) { return a + (b - a) * t; }
  double corner(int x, int y) const { return lattice_[static_cast<size_t>(y * (cells_ + 1) + x)]; }
  int cells_;
  std::vector<double> lattice_;
};

}  // namespace

void Drawing::line(Point a, Point b, Rgb colour, double line_width) {
  polyline({a, b}, colour, line_width);
}

void Drawing::polyline(std::vector<Point> points, Rgb colour, double line_width) {
  Shape shape;
  shape.kind = ShapeKind::kPolyline;
  shape.points = std::move(points);
  shape.stroke = colour;
  shape.stroke_width = line_width;
  shapes.push_back(std::move(shape));
}

void Drawing::rect(double x, double y, double w, double h, std::optional<Rgb> fill,
                   std::optional<Rgb> stroke, double stroke_width) {
  Shape shape;
  shape.kind = ShapeKind::kPolygon;
  shape.points = {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}};
  shape.fill = fill;
  shape.stroke = stroke;
  shape.stroke_width = stroke_width;
  shapes.push_back(std::move(shape));
}

void Drawing::circle(Point centre, double radius, Rgb fill) {
  Shape shape;
  shape.kind = ShapeKind::kCircle;
  shape.points = {centre};
  shape.radius = radius;
  shape.fill = fill;
  shapes.push_back(std::move(shape));
}

void Drawing::text(Point baseline_start, std::string words, double size, Rgb colour) {
  Shape shape;
  shape.kind = ShapeKind::kText;
  shape.points = {baseline_start};
  shape.text = std::move(words);
  shape.font_size = size;
  shape.fill = colour;
  shapes.push_back(std::move(shape));
}

Canvas::Canvas(int width, int height, std::optional<Rgb> background)
    : width_(width), height_(height), rgba_(static_cast<size_t>(width) * height * 4, 0) {
  if (!background) return;
  for (size_t i = 0; i < rgba_.size(); i += 4) {
    rgba_[i] = background->r;
    rgba_[i + 1] = background->g;
    rgba_[i + 2] = background->b;
    rgba_[i + 3] = 255;
  }
}

void Canvas::set(int x, int y, Rgb colour, uint8_t alpha) {
  uint8_t* p = &rgba_[index(x, y)];
  p[0] = colour.r;
  p[1] = colour.g;
  p[2] = colour.b;
  p[3] = alpha;
}

void Canvas::blend(int x, int y, Rgb colour, uint8_t alpha) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  if (alpha == 255) return set(x, y, colour, 255);
  uint8_t* p = &rgba_[index(x, y)];
  auto over = [alpha](uint8_t top, uint8_t below) {
    return static_cast<uint8_t>((top * alpha + below * (255 - alpha) + 127) / 255);
  };
  p[0] = over(colour.r, p[0]);
  p[1] = over(colour.g, p[1]);
  p[2] = over(colour.b, p[2]);
  p[3] = static_cast<uint8_t>(alpha + (p[3] * (255 - alpha) + 127) / 255);
}

imaging::PixelBuffer Canvas::pixels(imaging::PixelLayout layout) const {
  imaging::PixelBuffer out;
  out.width = width_;
  out.height = height_;
  out.layout = layout;
  const size_t count = static_cast<size_t>(width_) * height_;
  out.pixels.reserve(count * static_cast<size_t>(imaging::channels_of(layout)));
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = &rgba_[i * 4];
    if (layout == imaging::PixelLayout::kRgba) {
      out.pixels.insert(out.pixels.end(), p, p + 4);
      continue;
    }
    uint8_t rgb[3];
    for (int c = 0; c < 3; ++c) {  // composite on white
      rgb[c] = static_cast<uint8_t>((p[c] * p[3] + 255 * (255 - p[3]) + 127) / 255);
    }
    switch (layout) {
      case imaging::PixelLayout::kRgb:
        out.pixels.insert(out.pixels.end(), rgb, rgb + 3);
        break;
      case imaging::PixelLayout::kGray:
        out.pixels.push_back(
            static_cast<uint8_t>((299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] + 500) / 1000));
        break;
      case imaging::PixelLayout::kCmyk: {
        uint8_t max = std::max({rgb[0], rgb[1], rgb[2]});
        uint8_t k = static_cast<uint8_t>(255 - max);
        for (int c = 0; c < 3; ++c) {
          out.pixels.push_back(max == 0 ? 0 : static_cast<uint8_t>((max - rgb[c]) * 255 / max));
        }
        out.pixels.push_back(k);
        break;
      }
      case imaging::PixelLayout::kRgba:
        break;
    }
  }
  return out;
}

Canvas rasterise(const Drawing& drawing, double pixels_per_point) {
  const double s = pixels_per_point;
  Canvas canvas(std::max(1, static_cast<int>(std::lround(drawing.width * s))),
                std::max(1, static_cast<int>(std::lround(drawing.height * s))), drawing.background);
  for (const auto& shape : drawing.shapes) {
    switch (shape.kind) {
      case ShapeKind::kText:
        break;
      case ShapeKind::kCircle:
        if (shape.fill)
          fill_circle(canvas, scaled(shape.points[0], s), shape.radius * s, *shape.fill);
        break;
      case ShapeKind::kPolygon: {
        std::vector<Point> points;
        for (const auto& p : shape.points) points.push_back(scaled(p, s));
        if (shape.fill) fill_polygon(canvas, points, *shape.fill);
        if (shape.stroke) {
          for (size_t i = 0; i < points.size(); ++i) {
            stroke_segment(canvas, points[i], points[(i + 1) % points.size()],
                           shape.stroke_width * s, *shape.stroke);
          }
        }
        break;
      }
      case ShapeKind::kPolyline:
        for (size_t i = 0; i + 1 < shape.points.size(); ++i) {
          stroke_segment(canvas, scaled(shape.points[i], s), scaled(shape.points[i + 1], s),
                         shape.stroke_width * s, *shape.stroke);
        }
        break;
    }
  }
  return canvas;
}

Canvas value_noise_photo(int width, int height, Random& random) {
  // Three channels, each a sum of octaves; the palette tilts the result towards sky/earth tones.
  std::vector<ValueNoise> octaves;
  for (int channel = 0; channel < 3; ++channel) {
    for (int octave = 0; octave < 4; ++octave) octaves.emplace_back(3 << octave, random);
  }
  const double tint[3] = {random.uniform(0.6, 1.0), random.uniform(0.5, 0.9),
                          random.uniform(0.4, 1.0)};
  Canvas canvas(width, height, kWhite);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double u = (x + 0.5) / width, v = (y + 0.5) / height;
      uint8_t rgb[3];
      for (int c = 0; c < 3; ++c) {
        double sum = 0, weight = 1, total = 0;
        for (int o = 0; o < 4; ++o) {
          sum += weight * octaves[static_cast<size_t>(c * 4 + o)].at(u, v);
          total += weight;
          weight /= 2;
        }
        double value = std::clamp((sum / total - 0.5) * 1.8 + 0.5, 0.0, 1.0);
        rgb[c] =
            static_cast<uint8_t>(std::min(255L, std::lround(235 * value * tint[c] + 20 * (1 - v))));
      }
      canvas.set(x, y, {rgb[0], rgb[1], rgb[2]}, 255);
    }
  }
  return canvas;
}

}  // namespace imagemesh::sample

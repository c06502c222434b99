#include "sample/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace imagemesh::sample {
namespace {

const std::vector<Rgb> kSeriesColours = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},
                                         {214, 39, 40},  {148, 103, 189}, {140, 86, 75}};

std::string tick_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

// The plotting area of a chart and the mapping from data to points.
struct Axes {
  double left, top, right, bottom;  // points
  double x_min, x_max, y_min, y_max;
  Point map(double x, double y) const {
    return {left + (x - x_min) / (x_max - x_min) * (right - left),
            bottom - (y - y_min) / (y_max - y_min) * (bottom - top)};
  }
};

Axes draw_axes(Drawing& d, double x_min, double x_max, double y_min, double y_max,
               const std::string& x_label, const std::string& y_label) {
  Axes axes{0.15 * d.width, 0.08 * d.height, 0.95 * d.width, 0.82 * d.height,
            x_min,          x_max,           y_min,          y_max};
  d.rect(axes.left, axes.top, axes.right - axes.left, axes.bottom - axes.top, std::nullopt, kBlack,
         1);
  for (int i = 0; i <= 4; ++i) {
    double x = x_min + (x_max - x_min) * i / 4, y = y_min + (y_max - y_min) * i / 4;
    Point px = axes.map(x, y_min), py = axes.map(x_min, y);
    d.line(px, {px.x, px.y - 4}, kBlack, 0.8);
    d.line(py, {py.x + 4, py.y}, kBlack, 0.8);
    d.text({px.x - 6, axes.bottom + 12}, tick_label(x), 8);
    d.text({4, py.y + 3}, tick_label(y), 8);
  }
  d.text({(axes.left + axes.right) / 2 - 20, d.height - 6}, x_label, 10);
  d.text({4, axes.top - 2}, y_label, 10);
  return axes;
}

void line_plot(Drawing& d, Random& random) {
  const int series = random.between(1, 3);
  const double x_max = random.pick(std::vector<double>{1.0, 10.0, 100.0, 5.0});
  const double decay = random.uniform(0.5, 3.0), frequency = random.uniform(1.0, 6.0);
  Axes axes = draw_axes(d, 0, x_max, -1.2, 1.2, "time [s]", "amplitude");
  for (int s = 0; s < series; ++s) {
    std::vector<Point> points;
    double phase = random.uniform(0, 3.14);
    for (int i = 0; i <= 60; ++i) {
      double t = x_max * i / 60.0, u = t / x_max;
      double y = std::exp(-decay * u * (s + 1) * 0.5) * std::sin(frequency * 6.283 * u + phase) +
                 0.03 * random.normal();
      points.push_back(axes.map(t, std::clamp(y, -1.2, 1.2)));
    }
    d.polyline(points, kSeriesColours[static_cast<size_t>(s)], 1.6);
    d.line({axes.right - 60, axes.top + 12.0 + 12 * s}, {axes.right - 45, axes.top + 12.0 + 12 * s},
           kSeriesColours[static_cast<size_t>(s)], 1.6);
    d.text({axes.right - 40, axes.top + 15.0 + 12 * s}, "model " + std::to_string(s + 1), 8);
  }
}

void scatter_plot(Drawing& d, Random& random) {
  Axes axes = draw_axes(d, 0, 1, 0, 1, "log M [Msun]", "redshift z");
  const int clusters = random.between(1, 3);
  for (int c = 0; c < clusters; ++c) {
    double cx = random.uniform(0.25, 0.75), cy = random.uniform(0.25, 0.75);
    double spread = random.uniform(0.05, 0.15), slope = random.uniform(-1, 1);
    for (int i = 0; i < 60; ++i) {
      double x = std::clamp(cx + spread * random.normal(), 0.02, 0.98);
      double y = std::clamp(cy + slope * (x - cx) + 0.6 * spread * random.normal(), 0.02, 0.98);
      d.circle(axes.map(x, y), 2.2, kSeriesColours[static_cast<size_t>(c)]);
    }
  }
}

void bar_chart(Drawing& d, Random& random) {
  const int bars = random.between(3, 8);
  Axes axes = draw_axes(d, 0, bars, 0, 1, "method", "accuracy");
  for (int i = 0; i < bars; ++i) {
    double value = random.uniform(0.2, 0.95);
    Point top_left = axes.map(i + 0.15, value), bottom_right = axes.map(i + 0.85, 0);
    d.rect(top_left.x, top_left.y, bottom_right.x - top_left.x, bottom_right.y - top_left.y,
           kSeriesColours[static_cast<size_t>(i) % kSeriesColours.size()], kBlack, 0.6);
  }
}

void block_diagram(Drawing& d, Random& random) {
  static const std::vector<std::string> kStages = {"input", "encoder", "attention", "decoder",
                                                   "loss",  "sampler", "detector",  "filter"};
  const int blocks = random.between(3, 5);
  const double box_w = d.width / (blocks * 1.6), box_h = d.height * 0.25;
  const double y = d.height * 0.4 + random.uniform(-10, 10);
  for (int i = 0; i < blocks; ++i) {
    double x = d.width * 0.05 + i * box_w * 1.6;
    Rgb fill = kSeriesColours[static_cast<size_t>(i) % kSeriesColours.size()];
    fill = {static_cast<uint8_t>(fill.r / 2 + 127), static_cast<uint8_t>(fill.g / 2 + 127),
            static_cast<uint8_t>(fill.b / 2 + 127)};
    d.rect(x, y, box_w, box_h, fill, kBlack, 1.2);
    d.text({x + 4, y + box_h / 2 + 3}, random.pick(kStages), 9);
    if (i + 1 < blocks) {
      double ax = x + box_w, bx = x + box_w * 1.6, my = y + box_h / 2;
      d.line({ax, my}, {bx - 2, my}, kBlack, 1.2);
      d.polyline({{bx - 8, my - 4}, {bx - 2, my}, {bx - 8, my + 4}}, kBlack, 1.2);
    }
  }
}

}  // namespace

Drawing make_chart(ChartKind kind, double width, double height, Random& random) {
  Drawing d;
  d.width = width;
  d.height = height;
  d.background = kWhite;
  switch (kind) {
    case ChartKind::kLinePlot:
      line_plot(d, random);
      break;
    case ChartKind::kScatterPlot:
      scatter_plot(d, random);
      break;
    case ChartKind::kBarChart:
      bar_chart(d, random);
      break;
    case ChartKind::kBlockDiagram:
      block_diagram(d, random);
      break;
  }
  return d;
}

Drawing make_red_square(double width, double height, std::optional<Rgb> background) {
  Drawing d;
  d.width = width;
  d.height = height;
  d.background = background;
  double side = std::min(width, height) / 2;
  d.rect((width - side) / 2, (height - side) / 2, side, side, kPureRed, std::nullopt);
  return d;
}

}  // namespace imagemesh::sample

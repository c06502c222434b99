// The figures the sample draws, as Drawings: the kinds of plot a paper holds (line plots, scatter
// plots, bar charts, block diagrams) and the red-square test card with known content.
#pragma once

#include <string>

#include "sample/draw.h"
#include "sample/random.h"

namespace imagemesh::sample {

enum class ChartKind { kLinePlot, kScatterPlot, kBarChart, kBlockDiagram };

// A chart of `kind` with random data, axes, ticks and labels, `width` x `height` points, white
// background.
Drawing make_chart(ChartKind kind, double width, double height, Random& random);

// The test card: a pure red (255,0,0) square of side min(width, height) / 2 centred on `background`
// (white, or none for a transparent background).
Drawing make_red_square(double width, double height, std::optional<Rgb> background = kWhite);

}  // namespace imagemesh::sample

// CNN embedding speed (docs/models.md, "Speed"): milliseconds per image of the mobilenet and
// inception models for OpenCV thread counts and batch sizes, and the throughput of one model
// instance per worker thread (how an embed job can use the cores instead).
//
//   imagemesh_cnn_bench [--models DIR] [--images N] [--only mobilenet|inception]
//
// DIR is the weights folder of tools/models/fetch.sh (default: $IMAGEMESH_MODELS, else the build's
// default). Each cell embeds N synthetic images (default 32) after one warm-up batch, three times,
// and reports the fastest of the three (the machines are shared: interference only adds time);
// prints a markdown table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "embed/cnn_model.h"
#include "embed/models.h"

namespace {

using namespace imagemesh;
using namespace imagemesh::embed;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "cnn_bench: %s\n", message.c_str());
  std::exit(1);
}

void check(const Status& status) {
  if (!status.ok()) die(status.to_string());
}

// Varied content (gradients and stripes) so no layer sees constant input.
std::vector<imaging::PixelBuffer> synthetic_images(int side, int count) {
  std::vector<imaging::PixelBuffer> images;
  for (int i = 0; i < count; ++i) {
    imaging::PixelBuffer image{side, side, imaging::PixelLayout::kRgb, {}};
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x) {
        image.pixels.push_back(static_cast<uint8_t>((x * 255 / side + 37 * i) % 256));
        image.pixels.push_back(static_cast<uint8_t>((y * 255 / side) ^ (i * 11)));
        image.pixels.push_back(((x + y + i) / 8) % 2 ? 230 : 20);
      }
    }
    images.push_back(std::move(image));
  }
  return images;
}

constexpr int kRepeats = 3;

// Milliseconds per image embedding `images` in batches of `batch`.
double ms_per_image(const CnnModel& model, const std::vector<imaging::PixelBuffer>& images,
                    size_t batch) {
  const auto start = Clock::now();
  for (size_t first = 0; first < images.size(); first += batch) {
    const size_t count = std::min(batch, images.size() - first);
    auto out = model.embed_batch(std::span(images).subspan(first, count));
    if (!out.ok()) die(out.status().to_string());
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return ms / static_cast<double>(images.size());
}

// `workers` instances, one per thread, each embedding its share one image at a time.
double ms_per_image_parallel(CnnKind kind, const std::filesystem::path& dir, int workers,
                             const std::vector<imaging::PixelBuffer>& images) {
  std::vector<std::unique_ptr<CnnModel>> models;
  for (int w = 0; w < workers; ++w) {
    auto model = CnnModel::load(kind, dir);
    if (!model.ok()) die(model.status().to_string());
    (void)ms_per_image(**model, {images.front()}, 1);  // warm-up
    models.push_back(std::move(model).value());
  }
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      std::vector<imaging::PixelBuffer> share;
      for (size_t i = static_cast<size_t>(w); i < images.size();
           i += static_cast<size_t>(workers)) {
        share.push_back(images[i]);
      }
      (void)ms_per_image(*models[static_cast<size_t>(w)], share, 1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return ms / static_cast<double>(images.size());
}

template <typename Measure>
double fastest(Measure measure) {
  double best = measure();
  for (int i = 1; i < kRepeats; ++i) best = std::min(best, measure());
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path root = default_model_directory();
  int count = 32;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--models") {
      root = argv[i + 1];
    } else if (flag == "--only") {
      only = argv[i + 1];
    } else if (flag == "--images") {
      count = std::max(8, std::atoi(argv[i + 1]));
    } else {
      die("usage: imagemesh_cnn_bench [--models DIR] [--images N] [--only mobilenet|inception]");
    }
  }
  std::printf("| model | OpenCV threads | batch | ms / image |\n| --- | --- | --- | --- |\n");
  struct Case {
    CnnKind kind;
    const char* name;
    int side;
  };
  for (const Case& c : {Case{CnnKind::kMobileNetV2, "mobilenet", 224},
                        Case{CnnKind::kInceptionV3, "inception", 299}}) {
    if (!only.empty() && only != c.name) continue;
    const std::filesystem::path dir = root / c.name;
    auto model = CnnModel::load(c.kind, dir);
    if (!model.ok()) die(model.status().to_string() + " (run tools/models/fetch.sh)");
    const std::vector<imaging::PixelBuffer> images = synthetic_images(c.side, count);
    for (int threads : {1, 2}) {
      check(set_cnn_threads(threads));
      (void)ms_per_image(**model, {images.begin(), images.begin() + 8}, 8);  // warm-up
      for (size_t batch : {1, 4, 8}) {
        std::printf("| %s | %d | %zu | %.1f |\n", c.name, threads, batch,
                    fastest([&] { return ms_per_image(**model, images, batch); }));
        std::fflush(stdout);
      }
    }
    check(set_cnn_threads(1));
    std::printf("| %s | 1, two instances in two threads | 1 | %.1f |\n", c.name,
                fastest([&] { return ms_per_image_parallel(c.kind, dir, 2, images); }));
    std::fflush(stdout);
  }
  return 0;
}

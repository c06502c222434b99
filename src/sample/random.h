// A small deterministic random source for the sample generator. std::mt19937 is portable but the
// std distributions are not (their output differs between standard libraries), so the sample
// draws through these functions only: same seed, same corpus, everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace imagemesh::sample {

// SplitMix64.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  // Uniform integer in [lo, hi] (inclusive); lo <= hi.
  int between(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double probability) { return unit() < probability; }
  // Approximately normal (Irwin-Hall of 4), mean 0, standard deviation 1.
  double normal() {
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += unit();
    return (sum - 2.0) * 1.7320508075688772;
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(next() % items.size())];
  }

 private:
  uint64_t state_;
};

// An independent stream for `stream` under `seed` (papers are generated from their own streams,
// so a paper's content does not depend on the others or on generation order).
inline uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  Random mixer(seed * 0x100000001B3ull ^ (stream + 0x632BE59BD9B4E019ull));
  mixer.next();
  return mixer.next();
}

}  // namespace imagemesh::sample

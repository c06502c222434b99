#include "embed/unit_vector.h"

#include <cmath>

namespace imagemesh::embed {

bool normalise(std::span<float> values) {
  double sum = 0;
  for (float v : values) sum += double{v} * v;
  const double norm = std::sqrt(sum);
  if (!(norm > 0) || !std::isfinite(norm)) return false;
  for (float& v : values) v = static_cast<float>(v / norm);
  return true;
}

}  // namespace imagemesh::embed

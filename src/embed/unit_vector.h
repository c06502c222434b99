// Scaling vectors to unit length: what every stored vector and index entry is (similarity is the
// inner product).
#pragma once

#include <span>

namespace imagemesh::embed {

// Divides `values` by their Euclidean norm (accumulated in double). Returns false, leaving them
// unchanged, when the norm is zero or not finite: such a vector has no direction.
[[nodiscard]] bool normalise(std::span<float> values);

}  // namespace imagemesh::embed

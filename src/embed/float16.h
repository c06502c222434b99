// IEEE 754 binary16 ("half") conversion for compact vector storage. Hand-written because C++20 has
// no portable half type (std::float16_t is C++23) and the conversion is a few bit operations.
#pragma once

#include <cstdint>

namespace imagemesh::embed {

// Round to nearest, ties to even; overflow gives +-infinity, NaN stays NaN, small values become
// subnormal halves or signed zero.
uint16_t float_to_half(float value);

// Exact (every half is a float).
float half_to_float(uint16_t half);

}  // namespace imagemesh::embed

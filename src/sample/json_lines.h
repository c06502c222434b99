// The sample's JSON-lines outputs, written by hand (the sample module has no JSON library):
// the ground truth (truth/figures.jsonl) and arXiv snapshot metadata (metadata/*.jsonl).
#pragma once

#include <string>
#include <string_view>

#include "sample/paper.h"

namespace imagemesh::sample {

// A JSON string literal with quotes. Control characters, '"' and '\' are escaped; with
// `ascii_only` every non-ASCII character becomes \uXXXX (surrogate pairs above U+FFFF), as in the
// arXiv snapshot. Invalid UTF-8 bytes become U+FFFD.
std::string json_string(std::string_view utf8, bool ascii_only = false);

// One line per figure of `paper` (none for a paper without figures), each ending in '\n':
// {"paper","order","env","caption","label","graphics":[{"as_written","resolved"}],"subfigures":[...]}
std::string truth_lines(const SamplePaper& paper);

// The paper's record in the arXiv metadata snapshot form, one line ending in '\n'.
std::string snapshot_line(const SamplePaper& paper);

}  // namespace imagemesh::sample

// Choosing the main file(s) of a paper.
#pragma once

#include <string>
#include <vector>

#include "latex/extract.h"

namespace imagemesh::latex {

class Scanner;
class FileIndex;

struct RootChoice {
  std::vector<std::string> roots;
  bool fallback = false;  // no \documentclass anywhere: files read as document bodies
  std::string note;
};

// Files with \documentclass (or \documentstyle) that no other candidate \inputs, excluding
// \documentclass{subfiles}/{standalone} parts. Without any: the single TeX file, or every TeX file
// that no other one inputs.
RootChoice find_roots(const FileIndex& index, Scanner& scanner);

}  // namespace imagemesh::latex

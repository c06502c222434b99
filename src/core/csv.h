// RFC 4180 CSV records: quoted fields may hold commas, doubled quotes and line breaks; line ends
// are LF or CRLF; a UTF-8 byte-order mark is skipped; blank lines are dropped. Used for small
// hand-made files (labels), so the whole text is in memory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imagemesh {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace imagemesh

// Bytes of a TeX file -> UTF-8 text. Never fails on content: invalid bytes are decoded through a
// single-byte fallback, so every result is valid UTF-8.
#pragma once

#include "core/utf8.h"

#include <string>
#include <string_view>

namespace imagemesh::latex {

// The 8-bit encoding used for bytes that are not valid UTF-8.
enum class Fallback8Bit { kCp1252, kMacRoman };

struct DecodedText {
  std::string text;     // UTF-8, line ends normalised to '\n', no NUL
  bool binary = false;  // NUL-laden bytes that are not UTF-16: not TeX, text is empty
  std::string
      description;  // "utf-8", "utf-16le (BOM)", "latin-1/cp1252", ...; empty for plain UTF-8
};

// Reads the option of the first \usepackage[...]{inputenc} in raw bytes: "applemac", "latin1" ...
// Empty when there is none.
std::string find_inputenc_option(std::string_view bytes);

// Maps an inputenc option to the fallback used for non-UTF-8 bytes.
Fallback8Bit fallback_for_inputenc(std::string_view option);

// Decodes one file. `declared` is the inputenc option in force ("" when none).
DecodedText decode_tex_bytes(std::string_view bytes, std::string_view declared);

// UTF-8 helpers (append_utf8, is_valid_utf8, utf8_sequence_length): core/utf8.h.
using ::imagemesh::append_utf8;

// Replaces every invalid UTF-8 sequence with U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace imagemesh::latex

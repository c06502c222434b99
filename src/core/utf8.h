// UTF-8 essentials shared by every module that turns untrusted bytes into stored text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace imagemesh {

// Appends code point `cp` as UTF-8; surrogates and values above U+10FFFF become U+FFFD.
void append_utf8(std::string& out, char32_t cp);

// Length (1-4) of the well-formed UTF-8 sequence starting at text[i] — no overlong forms, no
// surrogates, nothing above U+10FFFF — or 0 if the bytes there are not one. Requires i < size.
size_t utf8_sequence_length(std::string_view text, size_t i);

bool is_valid_utf8(std::string_view text);

// `text` without leading and trailing ASCII white space (space, \t, \n, \v, \f, \r).
std::string_view trim_ascii_space(std::string_view text);

}  // namespace imagemesh

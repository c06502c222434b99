#include "latex/text_decode.h"

#include <array>
#include <cstdint>

namespace imagemesh::latex {
namespace {

constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

constexpr std::array<char16_t, 128> kMacRoman = {
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1, 0x00E0, 0x00E2, 0x00E4, 0x00E3,
    0x00E5, 0x00E7, 0x00E9, 0x00E8, 0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
    0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC, 0x2020, 0x00B0, 0x00A2, 0x00A3,
    0x00A7, 0x2022, 0x00B6, 0x00DF, 0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211, 0x220F, 0x03C0, 0x222B, 0x00AA,
    0x00BA, 0x03A9, 0x00E6, 0x00F8, 0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
    0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201C, 0x201D,
    0x2018, 0x2019, 0x00F7, 0x25CA, 0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE,
    0x00CF, 0x00CC, 0x00D3, 0x00D4, 0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
    0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7};

char32_t decode_8bit(unsigned char byte, Fallback8Bit fallback) {
  if (byte < 0x80) return byte;
  if (fallback == Fallback8Bit::kMacRoman) return kMacRoman[byte - 0x80];
  if (byte < 0xA0) return kCp1252High[byte - 0x80];
  return byte;  // latin-1
}

std::string decode_utf16(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size() / 2);
  auto unit = [&](size_t i) -> char16_t {
    auto lo = static_cast<unsigned char>(bytes[little_endian ? i : i + 1]);
    auto hi = static_cast<unsigned char>(bytes[little_endian ? i + 1 : i]);
    return static_cast<char16_t>(lo | (hi << 8));
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char16_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
      char16_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((char32_t(u) - 0xD800) << 10) + (char32_t(low) - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, u);
  }
  return out;
}

// Guesses UTF-16 without a BOM from where the NUL bytes sit. Returns 0 (no), 1 (LE) or 2 (BE).
int guess_utf16(std::string_view bytes) {
  size_t even_nul = 0, odd_nul = 0;
  size_t n = std::min<size_t>(bytes.size(), 4096);
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] == '\0') (i % 2 == 0 ? even_nul : odd_nul)++;
  }
  size_t half = n / 2;
  if (half == 0) return 0;
  if (odd_nul * 10 > half * 7 && even_nul * 10 < half) return 1;
  if (even_nul * 10 > half * 7 && odd_nul * 10 < half) return 2;
  return 0;
}

std::string normalise_line_ends(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\0') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool is_ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// Without a declared encoding, guesses Mac Roman when bytes 0x80-0x9F sit inside words (Mac Roman
// puts accented lower-case letters there; cp1252 puts punctuation there, and its curly quotes are
// not counted) more often than latin-1 letters 0xC0-0xFF do.
Fallback8Bit guess_fallback(std::string_view bytes) {
  size_t mac = 0, latin = 0;
  for (size_t i = 1; i + 1 < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) continue;
    if (!is_ascii_letter(static_cast<unsigned char>(bytes[i - 1])) ||
        !is_ascii_letter(static_cast<unsigned char>(bytes[i + 1]))) {
      continue;
    }
    if (c <= 0x9F && !(c >= 0x91 && c <= 0x97)) ++mac;
    if (c >= 0xC0) ++latin;
  }
  return mac > latin ? Fallback8Bit::kMacRoman : Fallback8Bit::kCp1252;
}

}  // namespace

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      append_utf8(out, 0xFFFD);
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string find_inputenc_option(std::string_view bytes) {
  size_t pos = 0;
  while ((pos = bytes.find("{inputenc}", pos)) != std::string_view::npos) {
    size_t open = bytes.rfind('[', pos);
    size_t close = bytes.rfind(']', pos);
    size_t line_start = bytes.rfind('\n', pos);
    bool commented = false;
    if (line_start == std::string_view::npos) line_start = 0;
    for (size_t k = line_start; k < pos; ++k) {
      if (bytes[k] == '%' && (k == 0 || bytes[k - 1] != '\\')) commented = true;
    }
    if (!commented && open != std::string_view::npos && close != std::string_view::npos &&
        open < close && close + 1 == pos && (line_start == 0 || open > line_start)) {
      std::string_view opts = bytes.substr(open + 1, close - open - 1);
      // The last option wins in inputenc; take it.
      size_t comma = opts.find_last_of(',');
      if (comma != std::string_view::npos) opts = opts.substr(comma + 1);
      while (!opts.empty() && opts.front() == ' ') opts.remove_prefix(1);
      while (!opts.empty() && opts.back() == ' ') opts.remove_suffix(1);
      return std::string(opts);
    }
    pos += 10;
  }
  return "";
}

Fallback8Bit fallback_for_inputenc(std::string_view option) {
  if (option == "applemac" || option == "macce" || option == "mac") return Fallback8Bit::kMacRoman;
  return Fallback8Bit::kCp1252;
}

DecodedText decode_tex_bytes(std::string_view bytes, std::string_view declared) {
  DecodedText result;
  auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  if (starts("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    result.description = "utf-8 (BOM)";
  } else if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    bool le = starts("\xFF\xFE");
    result.text = normalise_line_ends(decode_utf16(bytes.substr(2), le));
    result.description = le ? "utf-16le (BOM)" : "utf-16be (BOM)";
    return result;
  }
  if (bytes.find('\0') != std::string_view::npos) {
    int guess = guess_utf16(bytes);
    if (guess != 0) {
      result.text = normalise_line_ends(decode_utf16(bytes, guess == 1));
      result.description = guess == 1 ? "utf-16le (no BOM)" : "utf-16be (no BOM)";
      return result;
    }
    size_t nuls = 0;
    for (char c : bytes) nuls += c == '\0';
    if (nuls * 100 > bytes.size()) {  // more than 1% NUL: binary junk, not TeX
      result.binary = true;
      result.description = "binary (NUL bytes)";
      return result;
    }
  }
  if (is_valid_utf8(bytes)) {
    result.text = normalise_line_ends(std::string(bytes));
    return result;
  }
  Fallback8Bit fallback =
      declared.empty() ? guess_fallback(bytes) : fallback_for_inputenc(declared);
  bool declared_8bit = !declared.empty() && declared != "utf8" && declared != "utf8x";
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (size_t i = 0; i < bytes.size();) {
    size_t len = declared_8bit ? 0 : utf8_sequence_length(bytes, i);
    if (len == 0 || (declared_8bit && static_cast<unsigned char>(bytes[i]) >= 0x80)) {
      append_utf8(out, decode_8bit(static_cast<unsigned char>(bytes[i]), fallback));
      ++i;
    } else {
      out.append(bytes.substr(i, len));
      i += len;
    }
  }
  result.text = normalise_line_ends(std::move(out));
  result.description = fallback == Fallback8Bit::kMacRoman ? "mac-roman" : "latin-1/cp1252";
  if (!declared_8bit) result.description += " (bytes that are not utf-8)";
  return result;
}

}  // namespace imagemesh::latex

// (A helper compiled into the tests: the file name ends in _test.cc so the build collects it
// into imaging_tests and never into the library.)
#include "imaging/facts_samples_test.h"

#include <zlib.h>

#include <cstdint>
#include <string>

namespace imagemesh::imaging::samples {

namespace {

std::string be16(uint32_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string le16(uint32_t v) { return {static_cast<char>(v), static_cast<char>(v >> 8)}; }
std::string be32(uint32_t v) { return be16(v >> 16) + be16(v & 0xFFFF); }
std::string le32(uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }
std::string u16(bool little, uint32_t v) { return little ? le16(v) : be16(v); }
std::string u32(bool little, uint32_t v) { return little ? le32(v) : be32(v); }

std::string png_chunk(const std::string& type, const std::string& data) {
  std::string body = type + data;
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return be32(static_cast<uint32_t>(data.size())) + body + be32(static_cast<uint32_t>(crc));
}

std::string png_head(int width, int height, int color_type) {
  std::string ihdr = be32(width) + be32(height) + std::string{8, static_cast<char>(color_type)} +
                     std::string(3, '\0');
  return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr);
}

std::string png_tail() {
  return png_chunk("IDAT", std::string("\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9)) +
         png_chunk("IEND", "");
}

std::string compress(const std::string& data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size,
            reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 9);
  out.resize(size);
  return out;
}

// A TIFF/EXIF block: header, one IFD with the given SHORT entries and an ASCII Software entry,
// then `extra_directories` empty-ish IFDs chained after it.
std::string tiff_block(bool little, const std::vector<std::pair<uint16_t, uint32_t>>& shorts,
                       const std::string& software, int extra_directories) {
  std::string head = little ? std::string("II*\0", 4) : std::string("MM\0*", 4);
  size_t entries = shorts.size() + (software.empty() ? 0 : 1);
  uint32_t ifd_size = static_cast<uint32_t>(2 + entries * 12 + 4);
  uint32_t text_at = 8 + ifd_size;
  std::string text = software + '\0';
  uint32_t next_at = static_cast<uint32_t>(text_at + text.size());
  std::string ifd = u16(little, static_cast<uint32_t>(entries));
  for (auto [tag, value] : shorts) {
    ifd += u16(little, tag) + u16(little, 3) + u32(little, 1) + u16(little, value) + u16(little, 0);
  }
  if (!software.empty()) {
    ifd += u16(little, 305) + u16(little, 2) + u32(little, static_cast<uint32_t>(text.size())) +
           u32(little, text_at);
  }
  ifd += u32(little, extra_directories > 0 ? next_at : 0);
  std::string out = head + u32(little, 8) + ifd + text;
  for (int i = 0; i < extra_directories; ++i) {
    uint32_t after = static_cast<uint32_t>(out.size() + 2 + 12 + 4);
    out += u16(little, 1) + u16(little, 256) + u16(little, 3) + u32(little, 1) + u16(little, 7) +
           u16(little, 0) + u32(little, i + 1 < extra_directories ? after : 0);
  }
  return out;
}

std::string jpeg_segment(uint8_t marker, const std::string& payload) {
  return std::string{'\xFF', static_cast<char>(marker)} +
         be16(static_cast<uint32_t>(payload.size() + 2)) + payload;
}

}  // namespace

std::string png(int width, int height, int color_type, const std::string& software) {
  std::string out = png_head(width, height, color_type);
  out += png_chunk("tEXt", std::string("Title\0A plot", 12));
  if (!software.empty()) out += png_chunk("tEXt", std::string("Software\0", 9) + software);
  return out + png_tail();
}

std::string png_ztxt(int width, int height, const std::string& software) {
  return png_head(width, height, 2) +
         png_chunk("zTXt", std::string("Software\0\0", 10) + compress(software)) + png_tail();
}

std::string jpeg(int width, int height, int components, const std::string& exif_software,
                 bool little_endian, const std::string& comment) {
  std::string out = "\xFF\xD8";
  out += jpeg_segment(0xE0, std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14));
  if (!exif_software.empty()) {
    out += jpeg_segment(
        0xE1, std::string("Exif\0\0", 6) + tiff_block(little_endian, {{274, 1}}, exif_software, 0));
  }
  if (!comment.empty()) out += jpeg_segment(0xFE, comment);
  std::string sof =
      std::string{8} + be16(height) + be16(width) + std::string{static_cast<char>(components)};
  for (int c = 0; c < components; ++c) sof += std::string{static_cast<char>(c + 1), 0x11, 0};
  out += jpeg_segment(0xC0, sof);
  out += jpeg_segment(0xDA, std::string("\x01\x01\x00\x00\x3f\x00", 6));
  return out + "\x12\x34\x56" + "\xFF\xD9";
}

std::string gif(int width, int height, int frames, const std::string& comment) {
  std::string out = "GIF89a" + le16(width) + le16(height) + std::string("\x80\x00\x00", 3);
  out += std::string("\x00\x00\x00\xff\xff\xff", 6);
  if (!comment.empty()) {
    out += "\x21\xFE" + std::string{static_cast<char>(comment.size())} + comment + '\0';
  }
  for (int i = 0; i < frames; ++i) {
    out += std::string("\x21\xF9\x04\x00\x0a\x00\x00\x00", 8);  // graphic control extension
    out += "\x2C" + le16(0) + le16(0) + le16(width) + le16(height) + '\0';
    out += std::string("\x02\x02\x44\x01\x00", 5);  // LZW code size, data
  }
  return out + "\x3B";
}

std::string bmp(int width, int height, int bits) {
  std::string dib = le32(40) + le32(width) + le32(static_cast<uint32_t>(-height)) + le16(1) +
                    le16(bits) + std::string(24, '\0');
  return "BM" + le32(14 + 40 + 4) + le32(0) + le32(14 + 40) + dib + std::string(4, '\0');
}

std::string tiff(bool little_endian, int width, int height, int photometric, int directories,
                 const std::string& software) {
  return tiff_block(little_endian,
                    {{256, static_cast<uint32_t>(width)},
                     {257, static_cast<uint32_t>(height)},
                     {262, static_cast<uint32_t>(photometric)}},
                    software, directories - 1);
}

std::string webp_vp8(int width, int height) {
  std::string frame = std::string("\x30\x01\x00\x9d\x01\x2a", 6) + le16(width) + le16(height) +
                      std::string(8, '\0');
  std::string body = "WEBPVP8 " + le32(static_cast<uint32_t>(frame.size())) + frame;
  return "RIFF" + le32(static_cast<uint32_t>(body.size())) + body;
}

std::string webp_vp8l(int width, int height, bool alpha) {
  uint32_t bits = static_cast<uint32_t>(width - 1) | static_cast<uint32_t>(height - 1) << 14 |
                  (alpha ? 1u << 28 : 0);
  std::string frame = "\x2F" + le32(bits) + std::string(5, '\0');
  std::string body = "WEBPVP8L" + le32(static_cast<uint32_t>(frame.size())) + frame;
  return "RIFF" + le32(static_cast<uint32_t>(body.size())) + body;
}

std::string webp_vp8x(int width, int height, bool alpha) {
  auto le24 = [](uint32_t v) { return le16(v & 0xFFFF) + std::string{static_cast<char>(v >> 16)}; };
  std::string header = std::string{static_cast<char>(alpha ? 0x10 : 0), 0, 0, 0} + le24(width - 1) +
                       le24(height - 1);
  std::string body = "WEBPVP8X" + le32(10) + header + webp_vp8(width, height).substr(12);
  return "RIFF" + le32(static_cast<uint32_t>(body.size())) + body;
}

std::string eps(const std::string& bounding_box_line, const std::string& trailer) {
  return "%!PS-Adobe-3.0 EPSF-3.0\n%%Creator: (CorelDRAW 12)\n" + bounding_box_line +
         "\n%%Pages: 1\n%%EndComments\n%%BeginProlog\n/a { 1 } def\n%%EndProlog\n"
         "%%Page: 1 1\n0 0 moveto 10 10 lineto stroke\nshowpage\n%%Trailer\n" +
         trailer + "%%EOF\n";
}

std::string dos_eps(const std::string& postscript) {
  std::string preview = "II*\0fake-tiff-preview";
  uint32_t ps_at = 30;
  uint32_t tiff_at = static_cast<uint32_t>(ps_at + postscript.size());
  return "\xC5\xD0\xD3\xC6" + le32(ps_at) + le32(static_cast<uint32_t>(postscript.size())) +
         le32(0) + le32(0) + le32(tiff_at) + le32(static_cast<uint32_t>(preview.size())) +
         le16(0xFFFF) + postscript + preview;
}

std::string pdf_classic(int pages, const std::string& media_box) {
  // 1 catalog, 2 root Pages, 3 intermediate Pages, 4 Info, 5.. pages.
  std::vector<std::string> objects;
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [3 0 R] /Count " + std::to_string(pages) +
                    " /MediaBox " + media_box + " >>");
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(5 + i) + " 0 R ";
  objects.push_back("<< /Type /Pages /Parent 2 0 R /Kids [" + kids + "] /Count " +
                    std::to_string(pages) + " >>");
  objects.push_back(
      "<< /Creator (Tool \\(v1\\)\\n\\101) /Producer <FEFF004D00FC006C006C00650072> >>");
  for (int i = 0; i < pages; ++i) {
    objects.push_back("<< /Type /Page /Parent 3 0 R /Contents " + std::to_string(5 + pages) +
                      " 0 R >>");
  }
  std::string content = "0 0 m 10 10 l S";
  objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                    "\nendstream");
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    std::string number = std::to_string(offset);
    out += std::string(10 - number.size(), '0') + number + " 00000 n \n";
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Info 4 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string pdf_object_stream(int pages) {
  // In the object stream: 1 catalog, 2 Pages, 3 Info, 4.. pages. Direct: content, ObjStm, XRef.
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                      "<< /Producer (Packed \\(objstm\\) writer) >>"};
  std::string kids;
  int content = 4 + pages;
  for (int i = 0; i < pages; ++i) {
    kids += std::to_string(4 + i) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200.5 100] /Rotate 90 "
        "/Contents " +
        std::to_string(content) + " 0 R >>");
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>";
  std::string header, body;
  for (size_t i = 0; i < objects.size(); ++i) {
    header += std::to_string(i + 1) + " " + std::to_string(body.size()) + " ";
    body += objects[i] + "\n";
  }
  std::string packed = compress(header + body);
  std::string out = "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n";
  std::string stream = "0 0 m 5 5 l S";
  out += std::to_string(content) + " 0 obj\n<< /Length " + std::to_string(stream.size()) +
         " >>\nstream\n" + stream + "\nendstream\nendobj\n";
  out += std::to_string(content + 1) + " 0 obj\n<< /Type /ObjStm /N " +
         std::to_string(objects.size()) + " /First " + std::to_string(header.size()) +
         " /Filter /FlateDecode /Length " + std::to_string(packed.size()) + " >>\nstream\n" +
         packed + "\nendstream\nendobj\n";
  size_t xref = out.size();
  std::string xref_data = compress(std::string(20, '\0'));
  out += std::to_string(content + 2) + " 0 obj\n<< /Type /XRef /Size " +
         std::to_string(content + 3) +
         " /W [1 2 1] /Root 1 0 R /Info 3 0 R /Filter "
         "/FlateDecode /Length " +
         std::to_string(xref_data.size()) + " >>\nstream\n" + xref_data +
         "\nendstream\nendobj\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string svg(const std::string& root_attributes, const std::string& prolog) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + prolog + "<svg " + root_attributes +
         " xmlns=\"http://www.w3.org/2000/svg\">\n<rect width=\"10\" height=\"10\"/>\n</svg>\n";
}

std::vector<std::string> all_valid() {
  return {png(640, 480, 6, "matplotlib version3.1.1, http://matplotlib.org/"),
          png_ztxt(3, 2, "GIMP 2.10"),
          jpeg(300, 200, 3, "Adobe Photoshop CS6", true, "a comment"),
          jpeg(300, 200, 4, "Big Endian Tool", false, ""),
          gif(20, 10, 2, "made by hand"),
          bmp(7, 5, 24),
          tiff(true, 50, 40, 2, 3, "tifftool"),
          tiff(false, 50, 40, 5, 1, "tifftool BE"),
          webp_vp8(33, 22),
          webp_vp8l(33, 22, true),
          webp_vp8x(33, 22, true),
          eps("%%BoundingBox: 10 20 339 150", ""),
          eps("%%BoundingBox: (atend)", "%%BoundingBox: 0 0 72 36\n"),
          dos_eps(eps("%%BoundingBox: 0 0 100 50", "")),
          pdf_classic(3, "[0 0 612 792]"),
          pdf_object_stream(4),
          svg("width=\"460.8pt\" height=\"345.6pt\" viewBox=\"0 0 460.8 345.6\"",
              "<!-- Generator: Adobe Illustrator 16.0.0, SVG Export Plug-In . SVG Version: "
              "6.00 Build 0)  -->\n")};
}

}  // namespace imagemesh::imaging::samples

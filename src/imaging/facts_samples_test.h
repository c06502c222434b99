// Minimal, hand-built image files for the facts tests: each builder writes just the headers a
// format needs, so the expected facts are known exactly.
#pragma once

#include <string>
#include <vector>

namespace imagemesh::imaging::samples {

std::string png(int width, int height, int color_type, const std::string& software);
// A PNG whose Software text is in a zTXt chunk.
std::string png_ztxt(int width, int height, const std::string& software);
// Baseline JPEG: SOF0 with `components`; EXIF IFD0 Software in the given byte order (if not
// empty), a COM comment (if not empty), then SOS and a few scan bytes and EOI.
std::string jpeg(int width, int height, int components, const std::string& exif_software,
                 bool little_endian, const std::string& comment);
std::string gif(int width, int height, int frames, const std::string& comment);
std::string bmp(int width, int height, int bits);
// TIFF with `directories` IFDs, the first width x height, photometric and Software.
std::string tiff(bool little_endian, int width, int height, int photometric, int directories,
                 const std::string& software);
std::string webp_vp8(int width, int height);
std::string webp_vp8l(int width, int height, bool alpha);
std::string webp_vp8x(int width, int height, bool alpha);
std::string eps(const std::string& bounding_box_line, const std::string& trailer);
// DOS EPS: 30-byte binary header, the PostScript section, then a fake TIFF preview.
std::string dos_eps(const std::string& postscript);
// Classic PDF with an xref table: `pages` pages in a two-level tree, MediaBox inherited from the
// root, Info with literal Creator and hex UTF-16BE Producer.
std::string pdf_classic(int pages, const std::string& media_box);
// PDF 1.5: catalog, page tree, pages and Info compressed in a /Type /ObjStm stream; trailer in
// an XRef stream dictionary.
std::string pdf_object_stream(int pages);
std::string svg(const std::string& root_attributes, const std::string& prolog);

// All of the above, valid, for fuzzing.
std::vector<std::string> all_valid();

}  // namespace imagemesh::imaging::samples

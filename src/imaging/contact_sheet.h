// A contact sheet: many thumbnails on one page, for looking at a whole corpus' conversions at once
// (`imagemesh contact-sheet`, which writes an index of the cells beside it). No text is drawn:
// libvips draws text through pango, whose font-loading thread crashes intermittently (SIGFPE in
// pango 1.50, Debian 12) — an index file is more dependable than labels.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace imagemesh::imaging {

struct ContactSheetCell {
  std::string webp;      // a web thumbnail (WebP, as make_thumbnails writes it); "" = no image
  bool flagged = false;  // framed in red: a failed or blank conversion, to find it at a glance
};

struct ContactSheetOptions {
  int columns = 10;
  int cell = 200;    // each image is fitted into cell x cell pixels, never enlarged
  int quality = 85;  // JPEG quality of the sheet
};

// The sheet as a JPEG: cells left to right, top to bottom, on a light grey page with 8 px gaps,
// each image fitted (never enlarged) and centred on white (so a trim problem shows). A cell
// without an image, or whose bytes do not decode, is a hatched placeholder, so failures are visible
// in place.
// Errors: kInvalidArgument for no cells, nonsensical options or more than 256 Mpx of cells (they
// are all held in memory); kInternal if libvips fails (e.g. a JPEG side over 65535 px).
Result<std::string> make_contact_sheet(const std::vector<ContactSheetCell>& cells,
                                       const ContactSheetOptions& options = {});

}  // namespace imagemesh::imaging

#include "sample/paper.h"
#include "sample/templates.h"

namespace imagemesh::sample {

Result<SamplePaper> make_paper(const PaperSlot& slot) {
  PaperBuilder b(slot);
  switch (slot.kind) {
    case Template::kInputChain:
      write_input_chain(b);
      break;
    case Template::kSubcaption:
      write_subcaption(b);
      break;
    case Template::kSubfloat:
      write_subfloat(b);
      break;
    case Template::kMacros:
      write_macros(b);
      break;
    case Template::kCommentedOut:
      write_commented_out(b);
      break;
    case Template::kLegacyEps:
      write_legacy_eps(b);
      break;
    case Template::kAastex:
      write_aastex(b);
      break;
    case Template::kWrapAndLoose:
      write_wrap_and_loose(b);
      break;
    case Template::kSingleTikz:
      write_single_tikz(b);
      break;
    case Template::kSingleNoFigures:
      write_single_no_figures(b);
      break;
    case Template::kPdfOnly:
      write_pdf_only(b);
      break;
    case Template::kLatin1:
      write_latin1(b);
      break;
    case Template::kTestCard:
      write_test_card(b);
      break;
    case Template::kColourModes:
      write_colour_modes(b);
      break;
    case Template::kOtherArchive:
      write_other_archive(b);
      break;
  }
  return b.finish();
}

}  // namespace imagemesh::sample

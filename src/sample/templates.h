// The paper templates. Each writes one paper's files into the builder and records the figures it
// places, in reading order. docs/sample.md lists what each one covers.
#pragma once

#include "sample/paper_builder.h"

namespace imagemesh::sample {

// templates_modern.cc
void write_input_chain(PaperBuilder& b);
void write_subcaption(PaperBuilder& b);
void write_subfloat(PaperBuilder& b);
void write_macros(PaperBuilder& b);
void write_commented_out(PaperBuilder& b);
void write_other_archive(PaperBuilder& b);

// templates_legacy.cc
void write_legacy_eps(PaperBuilder& b);
void write_aastex(PaperBuilder& b);
void write_wrap_and_loose(PaperBuilder& b);
void write_latin1(PaperBuilder& b);

// templates_special.cc
void write_single_tikz(PaperBuilder& b);
void write_single_no_figures(PaperBuilder& b);
void write_pdf_only(PaperBuilder& b);
void write_test_card(PaperBuilder& b);
void write_colour_modes(PaperBuilder& b);

}  // namespace imagemesh::sample

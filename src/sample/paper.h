// One generated paper: its files, how it is submitted, its metadata and the ground truth of its
// figures. Internal to the sample module.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/archive_writer.h"
#include "sample/charts.h"
#include "sample/figure_files.h"
#include "sample/random.h"
#include "sample/text_gen.h"

namespace imagemesh::sample {

enum class SubmissionKind {
  kTarGz,       // bulk member YYMM/<stem>.gz holding a gzipped tar
  kSingleGz,    // bulk member YYMM/<stem>.gz holding one gzipped .tex (no name in the header)
  kPdfOnly,     // bulk member YYMM/<stem>.pdf
  kOtherTarGz,  // DIR/other/<slug>.tar.gz, no arXiv id
};

// The paper templates; see docs/sample.md for what each covers.
enum class Template {
  kInputChain,
  kSubcaption,
  kSubfloat,
  kMacros,
  kCommentedOut,
  kLegacyEps,
  kAastex,
  kWrapAndLoose,
  kSingleTikz,
  kSingleNoFigures,
  kPdfOnly,
  kLatin1,
  kTestCard,
  kColourModes,
  kOtherArchive,
};

// Where a paper goes, decided before any content is generated.
struct PaperSlot {
  int index = 0;
  Template kind = Template::kInputChain;
  SubmissionKind submission = SubmissionKind::kTarGz;
  std::string id;    // canonical: "2004.00001", "astro-ph/0703001", "local:lensing-draft"
  std::string yymm;  // "" for other/
  std::string stem;  // bulk stem "astro-ph0703001", or the other/ file stem
  const Topic* topic = nullptr;
  uint64_t seed = 0;
  bool first_cycle = true;  // false for repeats: smaller images
};

struct TruthGraphics {
  std::string as_written;
  std::optional<std::string> resolved;
};

struct TruthSubfigure {
  std::string caption;  // plain text
  std::string label;
  std::vector<TruthGraphics> graphics;
};

struct TruthFigure {
  std::string env;
  std::string caption;  // plain text
  std::string label;
  std::vector<TruthGraphics> graphics;
  std::vector<TruthSubfigure> subfigures;
};

struct PaperMetadata {
  RichText title;
  RichText abstract;
  std::vector<Author> authors;
  std::string comments;
  std::optional<std::string> journal_ref, doi, license;
  std::vector<std::string> version_dates;  // "Mon, 2 Apr 2007 19:18:42 GMT", v1 first
  std::string update_date;                 // "2008-11-26"
};

struct SamplePaper {
  PaperSlot slot;
  std::vector<ingest::ArchiveEntry> files;  // sorted by path; a single/PDF paper has one
  std::vector<TruthFigure> figures;         // reading order
  PaperMetadata metadata;
};

// Generates the paper of `slot` (deterministic in slot.seed).
Result<SamplePaper> make_paper(const PaperSlot& slot);

}  // namespace imagemesh::sample

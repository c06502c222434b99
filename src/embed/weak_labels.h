// Weak labels for the ternary figure-type head: classes the program can justify from what the mesh
// already knows about an image's bytes (its `blobs` row: format, creator software, colour model),
// for images nobody labelled by hand. Each rule is a named pure function; docs/heads.md gives the
// reasoning for each and its measured coverage and agreement on the 816 hand-labelled corpus
// images (tests/data/labels).
//
// Rules are tried in order; the first that fires labels the image. Evidence of a capture (photo
// editing software) comes before the format rule, because photographs are routinely wrapped in
// PostScript or PDF. No rule ever says `mixed`: a mixture cannot be told from the facts.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace imagemesh::embed {

enum class FigureType { kDiagram = 0, kSensor = 1, kMixed = 2 };
inline constexpr int kFigureTypes = 3;

// "diagram", "sensor", "mixed".
std::string_view figure_type_name(FigureType type);
// The names in class order (the ternary head's labels).
std::vector<std::string> figure_type_names();
// Parses a name (case-insensitive, surrounding blanks ignored); nullopt for anything else.
std::optional<FigureType> parse_figure_type(std::string_view text);

using BlobFacts = store::Store::StoredBlob;

struct WeakRule {
  std::string_view name;  // kebab-case, stable (shown in summaries and docs)
  FigureType label;
  std::string_view evidence;  // one line: what it looks at and why that justifies the label
  bool (*fires)(const BlobFacts& facts);
};

// Every rule, in the order they are tried.
std::span<const WeakRule> weak_rules();

struct WeakLabel {
  FigureType label;
  std::string_view rule;
};
// The first rule that fires, or nullopt.
std::optional<WeakLabel> weak_label(const BlobFacts& facts);

// The rules, individually. Each is true when its evidence is present.
bool photo_editor_creator(const BlobFacts& facts);       // -> sensor
bool camera_software_creator(const BlobFacts& facts);    // -> sensor
bool plotting_software_creator(const BlobFacts& facts);  // -> diagram
bool drawing_software_creator(const BlobFacts& facts);   // -> diagram
bool vector_format(const BlobFacts& facts);              // -> diagram
bool raster_with_alpha(const BlobFacts& facts);          // -> diagram
bool palette_raster(const BlobFacts& facts);             // -> diagram

// How rules agree with hand labels: per rule, on the labelled images it fires on (whether or not an
// earlier rule took the image), and for the combined, first-fires labelling.
struct RuleAgreement {
  std::string name;  // a rule's name, or "combined (first that fires)"
  FigureType label = FigureType::kDiagram;
  int fires = 0;                            // labelled images it fires on
  int agrees = 0;                           // of those, the hand label is the rule's
  std::array<int, kFigureTypes> hand = {};  // hand labels of the images it fires on
};
std::vector<RuleAgreement> measure_rules(std::span<const BlobFacts> facts,
                                         std::span<const FigureType> hand_labels);

}  // namespace imagemesh::embed

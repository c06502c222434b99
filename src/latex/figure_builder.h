// Turns the scanner's events (floats opening and closing, graphics, captions, labels, paragraph
// ends) into figures and sub-figures. Captions are kept as raw TeX here; plain text comes later.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "latex/extract.h"

namespace imagemesh::latex {

enum class CaptionKind {
  kCaption,          // \caption
  kCaptionOfFigure,  // \captionof{figure}
  kSubcaption,       // \subcaption, or the caption argument of \subfloat/\subfigure/\subcaptionbox
};

struct Where {
  std::string file;
  int line = 0;
};

// A figure plus what the numbering of \ref needs.
struct BuiltFigure {
  Figure figure;
  long seq = 0;
  bool numbered = false;  // had a \caption (not \caption*): takes a figure number
};

class FigureBuilder {
 public:
  void begin_float(const std::string& env, const Where& where);
  void end_float();
  bool in_float() const { return !floats_.empty(); }

  // Opens a sub-figure inside the current float; false (nothing opened) outside floats.
  bool begin_sub();
  void end_sub();
  size_t open_subs() const { return floats_.empty() ? 0 : floats_.back().subs.size(); }

  // `env_depth` is the depth of the environment stack where the command appears.
  void add_graphics(GraphicsRef ref, const Where& where, size_t env_depth);
  void caption(CaptionKind kind, const std::string& tex, const std::string& short_tex,
               bool numbered, const Where& where, size_t env_depth);
  void label(const std::string& name);
  void paragraph_break();
  // \captionof{table} outside floats: the graphics gathered since the last break are a table.
  void discard_loose() { loose_.reset(); }
  void env_closed(size_t env_depth);  // the environment stack shrank to `env_depth`

  // Closes whatever is open (at the end of a document).
  void finish_pending();
  // Closes whatever is open and returns the figures in reading order, numbered from 1.
  std::vector<BuiltFigure> finish();

 private:
  struct Part {
    BuiltFigure built;
    bool has_caption = false;
    bool caption_first = false;  // the caption came before any graphics
    size_t graphics_at_caption = 0;
    size_t subs_at_caption = 0;
    size_t subcaption_mark = 0;  // graphics not yet claimed by a \subcaption
  };
  struct Sub {
    SubFigure sub;
    bool has_caption = false;
  };
  struct Float {
    std::vector<Part> parts;
    std::vector<Sub> subs;
    int label_target_sub = -1;  // sub-figure made by \subcaption, waiting for its \label
  };

  Part new_part(const std::string& env, const Where& where);
  void close_loose();
  void close_sub(Float& f);
  static bool sub_is_empty(const Sub& s);

  std::vector<Float> floats_;
  std::optional<Part> loose_;
  size_t loose_env_depth_ = 0;
  std::vector<BuiltFigure> done_;
  long seq_ = 0;
};

}  // namespace imagemesh::latex

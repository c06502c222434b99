#include "latex/figure_builder.h"

#include <algorithm>

namespace imagemesh::latex {

FigureBuilder::Part FigureBuilder::new_part(const std::string& env, const Where& where) {
  Part part;
  part.built.figure.env = env;
  part.built.figure.tex_file = where.file;
  part.built.figure.line = where.line;
  part.built.seq = seq_++;
  return part;
}

void FigureBuilder::begin_float(const std::string& env, const Where& where) {
  close_loose();
  if (!floats_.empty()) {  // a float inside a float: LaTeX would refuse; read it as a sub-figure
    begin_sub();
    return;
  }
  Float f;
  f.parts.push_back(new_part(env, where));
  floats_.push_back(std::move(f));
}

void FigureBuilder::end_float() {
  if (floats_.empty()) return;
  Float& f = floats_.back();
  while (!f.subs.empty()) close_sub(f);
  for (Part& part : f.parts) done_.push_back(std::move(part.built));
  floats_.pop_back();
}

bool FigureBuilder::begin_sub() {
  if (floats_.empty()) return false;
  floats_.back().subs.emplace_back();
  floats_.back().label_target_sub = -1;
  return true;
}

void FigureBuilder::end_sub() {
  if (floats_.empty() || floats_.back().subs.empty()) return;
  close_sub(floats_.back());
}

bool FigureBuilder::sub_is_empty(const Sub& s) {
  return !s.has_caption && s.sub.label.empty() && s.sub.graphics.empty();
}

void FigureBuilder::close_sub(Float& f) {
  Sub s = std::move(f.subs.back());
  f.subs.pop_back();
  if (sub_is_empty(s)) return;
  Part& part = f.parts.back();
  part.built.figure.subfigures.push_back(std::move(s.sub));
  part.subcaption_mark = part.built.figure.graphics.size();
}

void FigureBuilder::add_graphics(GraphicsRef ref, const Where& where, size_t env_depth) {
  if (!floats_.empty()) {
    Float& f = floats_.back();
    f.label_target_sub = -1;
    if (!f.subs.empty()) {
      f.subs.back().sub.graphics.push_back(std::move(ref));
    } else {
      f.parts.back().built.figure.graphics.push_back(std::move(ref));
    }
    return;
  }
  if (loose_ && loose_->has_caption && !loose_->caption_first) close_loose();
  if (!loose_) {
    loose_ = new_part("none", where);
    loose_env_depth_ = env_depth;
  }
  loose_->built.figure.graphics.push_back(std::move(ref));
}

void FigureBuilder::caption(CaptionKind kind, const std::string& tex, const std::string& short_tex,
                            bool numbered, const Where& where, size_t env_depth) {
  if (floats_.empty()) {
    if (kind == CaptionKind::kSubcaption) return;
    if (loose_ && loose_->has_caption) close_loose();
    if (!loose_) {
      if (kind != CaptionKind::kCaptionOfFigure) return;  // \caption outside any float
      loose_ = new_part("none", where);
      loose_env_depth_ = env_depth;
    }
    Part& part = *loose_;
    part.has_caption = true;
    part.caption_first = part.built.figure.graphics.empty();
    part.built.figure.caption_tex = tex;
    part.built.figure.short_caption = short_tex;
    part.built.numbered = numbered;
    return;
  }
  Float& f = floats_.back();
  if (!f.subs.empty()) {
    Sub& s = f.subs.back();
    if (!s.has_caption) {
      s.has_caption = true;
      s.sub.caption_tex = tex;
    }
    return;
  }
  Part& part = f.parts.back();
  if (kind == CaptionKind::kSubcaption) {
    Sub s;
    s.has_caption = true;
    s.sub.caption_tex = tex;
    auto& graphics = part.built.figure.graphics;
    size_t mark = std::min(part.subcaption_mark, graphics.size());
    s.sub.graphics.assign(std::make_move_iterator(graphics.begin() + static_cast<long>(mark)),
                          std::make_move_iterator(graphics.end()));
    graphics.resize(mark);
    part.built.figure.subfigures.push_back(std::move(s.sub));
    part.subcaption_mark = graphics.size();
    f.label_target_sub = static_cast<int>(part.built.figure.subfigures.size()) - 1;
    return;
  }
  f.label_target_sub = -1;
  if (part.has_caption) {
    // A second caption in one float: LaTeX numbers it as a figure of its own (side-by-side
    // minipages). It takes what came after the previous caption, unless captions come first.
    Part next = new_part(part.built.figure.env, where);
    if (!part.caption_first) {
      auto& graphics = part.built.figure.graphics;
      auto& subs = part.built.figure.subfigures;
      size_t g = std::min(part.graphics_at_caption, graphics.size());
      size_t s = std::min(part.subs_at_caption, subs.size());
      next.built.figure.graphics.assign(
          std::make_move_iterator(graphics.begin() + static_cast<long>(g)),
          std::make_move_iterator(graphics.end()));
      graphics.resize(g);
      next.built.figure.subfigures.assign(
          std::make_move_iterator(subs.begin() + static_cast<long>(s)),
          std::make_move_iterator(subs.end()));
      subs.resize(s);
    }
    f.parts.push_back(std::move(next));
  }
  Part& target = f.parts.back();
  target.has_caption = true;
  target.caption_first =
      target.built.figure.graphics.empty() && target.built.figure.subfigures.empty();
  target.graphics_at_caption = target.built.figure.graphics.size();
  target.subs_at_caption = target.built.figure.subfigures.size();
  target.built.figure.caption_tex = tex;
  target.built.figure.short_caption = short_tex;
  target.built.numbered = numbered;
}

void FigureBuilder::label(const std::string& name) {
  if (name.empty()) return;
  if (!floats_.empty()) {
    Float& f = floats_.back();
    if (!f.subs.empty()) {
      if (f.subs.back().sub.label.empty()) f.subs.back().sub.label = name;
      return;
    }
    Part& part = f.parts.back();
    if (f.label_target_sub >= 0 &&
        static_cast<size_t>(f.label_target_sub) < part.built.figure.subfigures.size()) {
      SubFigure& s = part.built.figure.subfigures[static_cast<size_t>(f.label_target_sub)];
      f.label_target_sub = -1;
      if (s.label.empty()) {
        s.label = name;
        return;
      }
    }
    if (part.built.figure.label.empty()) part.built.figure.label = name;
    return;
  }
  // Outside floats a label names a figure only when a \captionof made it numbered.
  if (loose_ && loose_->has_caption && loose_->built.figure.label.empty()) {
    loose_->built.figure.label = name;
  }
}

void FigureBuilder::paragraph_break() {
  if (floats_.empty()) close_loose();
}

void FigureBuilder::env_closed(size_t env_depth) {
  if (loose_ && env_depth < loose_env_depth_) close_loose();
}

void FigureBuilder::close_loose() {
  if (!loose_) return;
  done_.push_back(std::move(loose_->built));
  loose_.reset();
}

void FigureBuilder::finish_pending() {
  while (!floats_.empty()) end_float();
  close_loose();
}

std::vector<BuiltFigure> FigureBuilder::finish() {
  finish_pending();
  std::vector<BuiltFigure> out = std::move(done_);
  done_.clear();
  std::stable_sort(out.begin(), out.end(),
                   [](const BuiltFigure& a, const BuiltFigure& b) { return a.seq < b.seq; });
  for (size_t i = 0; i < out.size(); ++i) out[i].figure.order = static_cast<int>(i) + 1;
  return out;
}

}  // namespace imagemesh::latex

// What an arXiv image mesh looks like, as distributions to draw a synthetic one from
// (mesh_generator.h). The shapes come from the seed's reference statistics
// (../shared/docs/seed-pipeline.md §4): images per year growing ~50x from 1995 to 2018, images per
// article 2 -> 10, primary categories led by cs.CV, hep-ph, astro-ph; creator "none" 20 %, MATLAB
// 9 %; licences nonexclusive-distrib 69 %, none 30 %, CC BY ~1 %. Text is drawn from a vocabulary
// with a Zipf distribution, so keyword queries have common, medium and rare words.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace imagemesh::bench {

using Rng = std::mt19937_64;

// Draws an index with probability proportional to its weight (weights >= 0, not all 0).
class WeightedPick {
 public:
  explicit WeightedPick(const std::vector<double>& weights);
  size_t operator()(Rng& rng) const;

 private:
  std::vector<double> cumulative_;
};

// A primary category as the generator uses it: its share of images and how many images its papers
// have relative to the year's mean (cs.CV papers have ~3x the images of the average paper).
struct CategoryShare {
  std::string code;
  double image_weight = 0;
  double images_per_paper = 1;
};

// Every category with a weight: the measured heads of the distribution (seed statistics, rounded),
// then every other current category of core/arxiv_taxonomy.h with a small weight.
const std::vector<CategoryShare>& category_shares();

// A primary category for a paper of `year` (papers, not images: weights divided by
// images_per_paper). astro-ph's subcategories exist from 2009 (astro-ph before), eess and econ
// from 2017; machine-learning-era archives (cs, stat, eess) weigh less before 2012.
const CategoryShare& draw_primary_category(int year, Rng& rng);
// 0-2 cross-list categories after the primary (same archive or a usual neighbour).
std::vector<std::string> draw_cross_lists(const std::string& primary, int year, Rng& rng);

// Relative number of images of `year` (1991-2020; 2020 is a half year, as the seed's snapshot).
double images_in_year(int year);
// Mean images per article in `year` (2.06 in 1995 .. 9.76 in 2018).
double images_per_article(int year);

// "pdf", "eps", "png", "jpeg", "ps": eps and ps dominate the 1990s, pdf and png the late 2010s.
std::string draw_format(int year, Rng& rng);
// The creator string of an image of `format` ("" = not stated, ~20 %), real spellings with
// versions ("matplotlib version 3.1.1, http://matplotlib.org/", "MATLAB, The Mathworks, Inc. ...").
std::string draw_creator(const std::string& format, int year, Rng& rng);
// A licence URL as arXiv records carry it ("" = none; older papers mostly have none).
std::string draw_license(int year, Rng& rng);

// Words ranked by frequency: ~450 real scientific words, then pronounceable made-up words to
// `size` (the long tail). Drawn with P(rank r) ~ 1 / (r + 1)^exponent.
class Vocabulary {
 public:
  explicit Vocabulary(size_t size = 8000, double exponent = 1.0);
  size_t size() const { return words_.size(); }
  const std::string& word(size_t rank) const { return words_[rank]; }
  const std::string& draw(Rng& rng) const;
  // `count` words joined by spaces.
  std::string text(size_t count, Rng& rng) const;

 private:
  std::vector<std::string> words_;
  std::vector<double> cumulative_;
};

// Family names for authors.
const std::vector<std::string_view>& surnames();

}  // namespace imagemesh::bench

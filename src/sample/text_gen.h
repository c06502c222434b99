// Realistic-looking scientific text from word lists: titles, authors, abstracts, body paragraphs
// and figure captions for a few arXiv subject areas. Every piece is produced both as TeX and as the
// plain text a TeX-to-text converter should make of it (accents -> Unicode, \textbf dropped, $math$
// kept), so the generator knows the ground truth of what it writes.
#pragma once

#include <string>
#include <vector>

#include "sample/random.h"

namespace imagemesh::sample {

struct RichText {
  std::string tex;
  std::string plain;

  // Appends with one space between words.
  RichText& word(const std::string& tex_and_plain);
  RichText& word(const std::string& tex_part, const std::string& plain_part);
  // Appends without a space (punctuation).
  RichText& glue(const std::string& tex_and_plain);
};

struct Topic {
  std::string category;     // primary arXiv category, "astro-ph.GA"
  std::string categories;   // the snapshot's space-separated list
  std::string old_archive;  // archive name of old-style ids, "astro-ph"
  std::vector<std::string> nouns;
  std::vector<std::string> adjectives;
  std::vector<std::string> methods;
};

const std::vector<Topic>& topics();

struct Author {
  RichText first;  // "Bal\'azs" / "Balázs"
  RichText last;
  std::string initials;  // "C. P."
};

std::vector<Author> make_authors(Random& random, int count);
RichText make_title(Random& random, const Topic& topic);
RichText make_abstract(Random& random, const Topic& topic);
// A paragraph of body text (plain ASCII TeX).
std::string make_paragraph(Random& random, const Topic& topic, int sentences);
// A figure caption; `rich` mixes in \textbf, accents and math.
RichText make_caption(Random& random, const Topic& topic, bool rich);
// A short sub-figure caption ("Low-mass galaxies", "$z > 2$ sample").
RichText make_subcaption(Random& random, const Topic& topic);

}  // namespace imagemesh::sample

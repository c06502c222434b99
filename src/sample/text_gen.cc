#include "sample/text_gen.h"

#include <cctype>

namespace imagemesh::sample {
namespace {

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

struct Name {
  const char* tex;
  const char* plain;
};

const std::vector<Name> kFirstNames = {
    {"Ana", "Ana"},        {"Bal\\'azs", "Balázs"}, {"Chen", "Chen"},
    {"Daniel", "Daniel"},  {"Elif", "Elif"},        {"Fran\\c{c}ois", "François"},
    {"Grace", "Grace"},    {"Hiroshi", "Hiroshi"},  {"Ingrid", "Ingrid"},
    {"Jos\\'e", "José"},   {"Kwame", "Kwame"},      {"Lucia", "Lucia"},
    {"Mar\\'ia", "María"}, {"Nikolai", "Nikolai"},  {"Olga", "Olga"},
    {"Priya", "Priya"},    {"Ren\\'ee", "Renée"},   {"Sven", "Sven"},
    {"Tom\\'as", "Tomás"}, {"Wei", "Wei"}};

const std::vector<Name> kLastNames = {
    {"Andersson", "Andersson"}, {"Bal\\'azs", "Balázs"},  {"Chandrasekhar", "Chandrasekhar"},
    {"Dubois", "Dubois"},       {"Erd\\H{o}s", "Erdős"},  {"Fischer", "Fischer"},
    {"Garc\\'ia", "García"},    {"Huang", "Huang"},       {"Ivanova", "Ivanova"},
    {"Jim\\'enez", "Jiménez"},  {"Kowalski", "Kowalski"}, {"Lef\\`evre", "Lefèvre"},
    {"M\\\"uller", "Müller"},   {"Nakamura", "Nakamura"}, {"Okafor", "Okafor"},
    {"Petrov", "Petrov"},       {"Rossi", "Rossi"},       {"Sch\\\"afer", "Schäfer"},
    {"Tanaka", "Tanaka"},       {"Wang", "Wang"},         {"Y{\\i}lmaz", "Yılmaz"}};

const std::vector<std::string> kConnectives = {"In this work",    "Here",    "We show that",
                                               "Moreover",        "Finally", "In addition",
                                               "Using these data"};

const std::vector<std::string> kVerbs = {"constrain", "measure", "model",   "estimate",
                                         "simulate",  "analyse", "compare", "predict"};

const std::vector<std::string> kPanels = {"Left:", "Top:", "Upper panel:", "Right:", "(a)"};

struct Accented {
  const char* tex;
  const char* plain;
};
const std::vector<Accented> kAccentedWords = {
    {"Poincar\\'e", "Poincaré"}, {"Schr\\\"odinger", "Schrödinger"}, {"H\\\"older", "Hölder"},
    {"na\\\"ive", "naïve"},      {"Fr\\'echet", "Fréchet"},          {"Ces\\`aro", "Cesàro"}};

const std::vector<std::string> kMath = {"$z > 2$",        "$\\alpha = 0.42$", "$\\sigma_8$",
                                        "$M_\\star$",     "$T < T_c$",        "$N = 10^{4}$",
                                        "$\\chi^2/\\nu$", "$k_\\perp$"};

}  // namespace

RichText& RichText::word(const std::string& tex_and_plain) {
  return word(tex_and_plain, tex_and_plain);
}

RichText& RichText::word(const std::string& tex_part, const std::string& plain_part) {
  if (!tex.empty()) tex += ' ';
  if (!plain.empty()) plain += ' ';
  tex += tex_part;
  plain += plain_part;
  return *this;
}

RichText& RichText::glue(const std::string& tex_and_plain) {
  tex += tex_and_plain;
  plain += tex_and_plain;
  return *this;
}

const std::vector<Topic>& topics() {
  static const std::vector<Topic> kTopics = {
      {"astro-ph.GA",
       "astro-ph.GA astro-ph.CO",
       "astro-ph",
       {"galaxies", "dark matter haloes", "star formation", "the stellar mass function", "quasars",
        "gas accretion", "the circumgalactic medium", "dwarf galaxies"},
       {"massive", "high-redshift", "dusty", "quiescent", "metal-poor", "luminous"},
       {"hydrodynamical simulations", "spectroscopic surveys", "weak lensing", "SED fitting"}},
      {"hep-ph",
       "hep-ph hep-ex",
       "hep-ph",
       {"the Higgs boson", "dark matter", "neutrino masses", "the top quark", "jet substructure",
        "parton distributions", "axions", "flavour anomalies"},
       {"heavy", "light", "sterile", "supersymmetric", "next-to-leading order", "collider"},
       {"effective field theory", "lattice QCD", "Monte Carlo generators", "resummation"}},
      {"cs.CV",
       "cs.CV cs.LG",
       "cs",
       {"object detection", "image segmentation", "depth estimation", "vision transformers",
        "diffusion models", "optical flow", "pose estimation", "image retrieval"},
       {"self-supervised", "robust", "efficient", "multi-scale", "few-shot", "open-vocabulary"},
       {"contrastive learning", "knowledge distillation", "data augmentation", "attention"}},
      {"math.PR",
       "math.PR math.AP",
       "math",
       {"random walks", "the heat kernel", "spectral gaps", "martingales", "Brownian motion",
        "random matrices", "percolation", "mixing times"},
       {"discrete", "non-linear", "stochastic", "ergodic", "hyperbolic", "compact"},
       {"coupling arguments", "entropy methods", "Stein's method", "functional inequalities"}},
      {"cond-mat.str-el",
       "cond-mat.str-el cond-mat.supr-con",
       "cond-mat",
       {"spin liquids", "the Hubbard model", "superconductivity", "magnons", "Kondo lattices",
        "charge density waves", "topological phases", "quantum criticality"},
       {"frustrated", "strongly correlated", "two-dimensional", "disordered", "chiral", "doped"},
       {"DMRG", "quantum Monte Carlo", "exact diagonalisation", "neutron scattering"}},
  };
  return kTopics;
}

std::vector<Author> make_authors(Random& random, int count) {
  std::vector<Author> authors;
  for (int i = 0; i < count; ++i) {
    const Name& first = random.pick(kFirstNames);
    const Name& last = random.pick(kLastNames);
    Author author;
    author.first.word(first.tex, first.plain);
    author.last.word(last.tex, last.plain);
    author.initials = std::string(1, first.tex[0]) + ".";
    authors.push_back(std::move(author));
  }
  return authors;
}

RichText make_title(Random& random, const Topic& topic) {
  RichText title;
  switch (random.between(0, 3)) {
    case 0:
      title.word(capitalised(random.pick(topic.adjectives)))
          .word(random.pick(topic.nouns))
          .word("from")
          .word(random.pick(topic.methods));
      break;
    case 1:
      title.word("On").word(random.pick(topic.nouns)).word("and").word(random.pick(topic.nouns));
      break;
    case 2:
      title.word("Constraining")
          .word(random.pick(topic.nouns))
          .word("with")
          .word(random.pick(topic.methods));
      break;
    default:
      title.word("A")
          .word(random.pick(topic.adjectives))
          .word("view of")
          .word(random.pick(topic.nouns));
      break;
  }
  return title;
}

std::string make_paragraph(Random& random, const Topic& topic, int sentences) {
  std::string out;
  for (int i = 0; i < sentences; ++i) {
    if (!out.empty()) out += ' ';
    out += random.pick(kConnectives) + " we " + random.pick(kVerbs) + " " +
           random.pick(topic.nouns) + " using " + random.pick(topic.methods) + ", and find that " +
           random.pick(topic.adjectives) + " " + random.pick(topic.nouns) + " dominate the signal.";
  }
  return out;
}

RichText make_abstract(Random& random, const Topic& topic) {
  RichText abstract;
  abstract.word("We study")
      .word(random.pick(topic.nouns))
      .word("in")
      .word(random.pick(topic.adjectives))
      .word("systems")
      .glue(".");
  abstract.word(make_paragraph(random, topic, random.between(2, 4)));
  abstract.word("Our results improve previous constraints by a factor of")
      .word(std::to_string(random.between(2, 9)))
      .glue(".");
  return abstract;
}

RichText make_caption(Random& random, const Topic& topic, bool rich) {
  RichText caption;
  if (rich && random.chance(0.5)) {
    const std::string& panel = random.pick(kPanels);
    caption.word("\\textbf{" + panel + "}", panel);
  }
  caption.word(capitalised(random.pick(topic.adjectives)))
      .word(random.pick(topic.nouns))
      .word("as a function of")
      .word(random.pick(topic.nouns));
  if (rich) {
    caption.word("for");
    caption.word(random.pick(kMath));
    const Accented& accented = random.pick(kAccentedWords);
    caption.word("using the").word(accented.tex, accented.plain).word("bound");
  }
  caption.glue(".");
  if (random.chance(0.5)) {
    caption.word("Shaded regions show the")
        .word(std::to_string(random.between(1, 3)))
        .word("sigma intervals from")
        .word(random.pick(topic.methods))
        .glue(".");
  }
  return caption;
}

RichText make_subcaption(Random& random, const Topic& topic) {
  RichText caption;
  if (random.chance(0.3)) {
    caption.word(random.pick(kMath)).word("sample");
  } else {
    caption.word(capitalised(random.pick(topic.adjectives))).word(random.pick(topic.nouns));
  }
  return caption;
}

}  // namespace imagemesh::sample

#include "query_bench/arxiv_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "core/arxiv_taxonomy.h"

namespace imagemesh::bench {
namespace {

// Images by primary category up to 2020, thousands (seed statistics §4 for the heads; the rest
// estimated from arXiv's submission shares), and images per paper relative to the mean.
const CategoryShare kMeasured[] = {
    {"cs.CV", 901, 3.0},
    {"hep-ph", 900, 1.3},
    {"astro-ph", 743, 1.2},  // before 2009: astro-ph had no subcategories
    {"astro-ph.GA", 521, 1.3},
    {"cs.LG", 455, 1.8},
    {"astro-ph.CO", 420, 1.2},
    {"astro-ph.SR", 390, 1.2},
    {"quant-ph", 380, 0.8},
    {"cond-mat.mes-hall", 300, 1.0},
    {"astro-ph.HE", 300, 1.1},
    {"cond-mat.str-el", 280, 1.0},
    {"cond-mat.mtrl-sci", 250, 1.1},
    {"hep-th", 200, 0.5},
    {"gr-qc", 200, 0.8},
    {"cond-mat.stat-mech", 180, 0.9},
    {"cond-mat.soft", 150, 1.1},
    {"physics.flu-dyn", 150, 1.4},
    {"physics.optics", 150, 1.0},
    {"hep-ex", 120, 1.5},
    {"stat.ML", 120, 1.2},
    {"astro-ph.EP", 120, 1.1},
    {"astro-ph.IM", 100, 1.2},
    {"cond-mat.supr-con", 100, 0.9},
    {"cs.RO", 100, 1.6},
    {"nucl-th", 100, 0.8},
    {"cs.CL", 80, 0.9},
    {"math.NA", 80, 0.8},
    {"physics.plasm-ph", 60, 1.1},
    {"physics.ins-det", 60, 1.3},
    {"hep-lat", 60, 0.9},
    {"cond-mat.quant-gas", 60, 0.9},
    {"math.OC", 60, 0.6},
    {"stat.ME", 60, 0.8},
    {"eess.SP", 60, 1.2},
    {"cs.IT", 60, 0.5},
    {"eess.IV", 50, 2.0},
    {"cs.AI", 50, 0.9},
    {"eess.SY", 50, 1.0},
    {"nucl-ex", 50, 1.2},
    {"physics.comp-ph", 50, 1.0},
    {"math.PR", 40, 0.4},
    {"math.AP", 40, 0.4},
    {"math.DS", 40, 0.7},
    {"nlin.CD", 40, 1.0},
    {"physics.bio-ph", 40, 1.0},
    {"physics.soc-ph", 40, 1.0},
    {"q-bio.NC", 40, 1.1},
    {"cs.NI", 40, 0.9},
    {"math.CO", 30, 0.3},
    {"math-ph", 30, 0.5},
    {"cs.DC", 30, 0.9},
    {"cs.SI", 30, 1.0},
    {"physics.ao-ph", 30, 1.3},
    {"q-bio.PE", 25, 0.9},
    {"cs.CR", 20, 0.6},
    {"math.DG", 15, 0.3},
    {"q-fin.ST", 10, 0.8},
    {"math.AG", 10, 0.2},
    {"econ.EM", 5, 0.6},
};

// A usual cross-list of a primary archive, for papers listed in a second archive.
const std::map<std::string, std::vector<std::string>> kNeighbours = {
    {"cs", {"stat.ML", "eess.IV", "cs.AI", "math.OC"}},
    {"stat", {"cs.LG", "math.ST", "stat.CO"}},
    {"eess", {"cs.CV", "cs.LG", "cs.IT"}},
    {"hep-ph", {"hep-ex", "hep-th", "astro-ph.CO", "nucl-th"}},
    {"hep-th", {"gr-qc", "hep-ph", "math-ph"}},
    {"hep-ex", {"hep-ph", "physics.ins-det"}},
    {"astro-ph", {"gr-qc", "hep-ph", "physics.space-ph"}},
    {"cond-mat", {"quant-ph", "physics.comp-ph", "physics.optics"}},
    {"quant-ph", {"cond-mat.mes-hall", "physics.optics", "cond-mat.quant-gas"}},
    {"gr-qc", {"astro-ph.HE", "hep-th", "astro-ph.CO"}},
    {"math", {"math-ph", "cs.IT", "math.NA"}},
    {"physics", {"cond-mat.soft", "nlin.CD", "physics.comp-ph"}},
};

std::string archive_of(const std::string& code) {
  if (const ArxivCategory* known = find_arxiv_category(code)) return std::string(known->archive);
  return code.substr(0, code.find('.'));
}

bool exists_in(const std::string& code, int year) {
  if (code.rfind("astro-ph.", 0) == 0) return year >= 2009;
  if (code == "astro-ph") return year < 2009;
  if (code.rfind("eess.", 0) == 0 || code.rfind("econ.", 0) == 0) return year >= 2017;
  return true;
}

double era_factor(const std::string& code, int year) {
  if (!exists_in(code, year)) return 0;
  const std::string archive = archive_of(code);
  if (archive == "cs" || archive == "stat" || archive == "eess") {
    return year >= 2015 ? 1.0 : year >= 2012 ? 0.5 : year >= 2005 ? 0.15 : 0.05;
  }
  return 1.0;
}

// Log-linear interpolation of a table of (year, value).
double interpolate(const std::vector<std::pair<int, double>>& table, int year) {
  if (year <= table.front().first) return table.front().second;
  for (size_t i = 1; i < table.size(); ++i) {
    if (year <= table[i].first) {
      const auto [y0, v0] = table[i - 1];
      const auto [y1, v1] = table[i];
      const double t = static_cast<double>(year - y0) / (y1 - y0);
      return std::exp(std::log(v0) + t * (std::log(v1) - std::log(v0)));
    }
  }
  return table.back().second;
}

const char* kRealWords =
    "data model function distribution energy results parameter time field density temperature "
    "mass state phase simulation comparison measured fit error spectrum sample analysis "
    "frequency network using shown values solid dashed line lines panel left right top bottom "
    "points curve curves different case cases red blue black green region dependence order "
    "method performance evolution profile structure system systems number scale ratio rate "
    "observed predicted theoretical experimental best fraction total mean average standard "
    "deviation dimensional plot plots figure corresponding respectively function functions "
    "magnetic quantum particle galaxy galaxies star stars cluster clusters redshift velocity "
    "luminosity flux signal noise detector efficiency cross section decay scattering resonance "
    "lattice spin electron band gap transport conductivity graphene phonon photon laser optical "
    "wave waves gravitational black hole horizon metric dark matter cosmological halo disk "
    "accretion emission absorption spectra stellar solar planet orbit orbital surface interface "
    "boundary layer flow turbulence vortex shear pressure fluid heat thermal diffusion entropy "
    "correlation correlations matrix eigenvalue eigenvalues vector tensor operator algorithm "
    "training loss accuracy validation test learning neural convolutional architecture layers "
    "encoder decoder attention image images segmentation detection classification recognition "
    "object objects pixel resolution camera robot trajectory control controller policy reward "
    "agent graph node nodes edge edges degree random walk community embedding embeddings "
    "feature features representation latent generative adversarial inference bayesian "
    "posterior prior likelihood estimate estimation regression kernel gaussian variance "
    "uncertainty confidence interval histogram contour map maps sky survey catalog telescope "
    "observation observations instrument calibration pulse beam target collision jet jets "
    "quark gluon boson higgs neutrino muon hadron meson baryon proton neutron nucleus nuclear "
    "fission fusion plasma ion ions atom atoms molecule molecular chemical reaction kinetics "
    "protein cell cells gene expression neuron neurons brain cortex activity spike synaptic "
    "population dynamics epidemic infection growth model's market price volatility portfolio "
    "risk economic policy agents equilibrium game strategy payoff auction mechanism channel "
    "capacity coding modulation antenna wireless power transmitter receiver interference "
    "beamforming optimization convex gradient descent convergence iteration iterations solver "
    "mesh finite element discretization numerical analytical approximation asymptotic "
    "perturbation expansion symmetry breaking topological invariant manifold geometry curvature "
    "torus sphere polytope lattice's group representation algebra module sheaf cohomology "
    "homotopy knot braid polynomial prime integer sequence theorem proof conjecture bound "
    "inequality estimate domain schematic illustration diagram sketch setup experimental "
    "apparatus overview pipeline framework block flowchart example examples typical snapshot "
    "snapshots frame frames video sequence sequences slice slices cut projection contours "
    "isosurface heatmap colormap logarithmic linear scaling exponent power law critical "
    "transition superconducting superconductor magnetization susceptibility anisotropy "
    "domain wall skyrmion exciton polariton cavity resonator waveguide photonic plasmonic "
    "metamaterial nanowire nanoparticle thin film substrate crystal defect dislocation grain "
    "fracture stress strain elastic plastic viscous polymer colloid droplet bubble membrane "
    "vesicle swimmer active glass jamming granular avalanche earthquake climate ocean "
    "atmosphere aerosol cloud precipitation wind ionosphere magnetosphere pulsar magnetar "
    "supernova nova binary merger kilonova quasar blazar nebula interstellar outflow "
    "filament spiral elliptical dwarf bulge bar lensing shear weak strong microlensing transit "
    "exoplanet atmosphere's spectroscopy photometry astrometry interferometer radio infrared "
    "ultraviolet xray gamma burst afterglow cosmic ray shower";

// Syllables of the made-up tail words ("kalotron", "mevisan").
const char* kSyllables[] = {"ka",  "lo", "mi",  "tron", "ve",  "si",  "nar", "pe",
                            "do",  "ru", "zan", "fi",   "gel", "qua", "bo",  "tis",
                            "mer", "ul", "hex", "yo",   "ban", "cor", "te",  "vim"};

const std::vector<std::string_view> kSurnames = {
    "Wang",      "Zhang",    "Li",       "Liu",        "Chen",      "Yang",       "Smith",
    "Kumar",     "Singh",    "Mueller",  "Schmidt",    "Garcia",    "Martinez",   "Rossi",
    "Bianchi",   "Dubois",   "Martin",   "Tanaka",     "Suzuki",    "Sato",       "Kim",
    "Park",      "Lee",      "Nguyen",   "Ivanov",     "Petrov",    "Novak",      "Kowalski",
    "Johnson",   "Brown",    "Davis",    "Miller",     "Wilson",    "Taylor",     "Anderson",
    "Thomas",    "Moore",    "Jackson",  "White",      "Harris",    "Clark",      "Lewis",
    "Walker",    "Hall",     "Young",    "Allen",      "King",      "Wright",     "Scott",
    "Green",     "Baker",    "Adams",    "Nelson",     "Hill",      "Campbell",   "Mitchell",
    "Roberts",   "Carter",   "Phillips", "Evans",      "Turner",    "Torres",     "Parker",
    "Collins",   "Edwards",  "Stewart",  "Morris",     "Murphy",    "Cook",       "Rogers",
    "Morgan",    "Peterson", "Cooper",   "Reed",       "Bailey",    "Bell",       "Gomez",
    "Kelly",     "Howard",   "Ward",     "Cox",        "Diaz",      "Richardson", "Wood",
    "Watson",    "Brooks",   "Bennett",  "Gray",       "James",     "Reyes",      "Cruz",
    "Hughes",    "Price",    "Myers",    "Long",       "Foster",    "Sanders",    "Ross",
    "Morales",   "Powell",   "Sullivan", "Russell",    "Ortiz",     "Jenkins",    "Gutierrez",
    "Perry",     "Butler",   "Barnes",   "Fisher",     "Henderson", "Coleman",    "Simmons",
    "Patterson", "Jordan",   "Reynolds", "Hamilton",   "Graham",    "Kim",        "Gonzales",
    "Alexander", "Ramos",    "Wallace",  "Griffin",    "West",      "Cole",       "Hayes",
    "Chavez",    "Gibson",   "Bryant",   "Ellis",      "Stevens",   "Murray",     "Ford",
    "Marshall",  "Owens",    "McDonald", "Harrison",   "Ruiz",      "Kennedy",    "Wells",
    "Alvarez",   "Woods",    "Mendoza",  "Castillo",   "Olson",     "Webb",       "Washington",
    "Tucker",    "Freeman",  "Burns",    "Henry",      "Vasquez",   "Snyder",     "Simpson",
    "Crawford",  "Jimenez",  "Porter",   "Mason",      "Shaw",      "Gordon",     "Wagner",
    "Hunter",    "Romero",   "Hicks",    "Dixon",      "Hunt",      "Palmer",     "Robertson",
    "Black",     "Holmes",   "Stone",    "Meyer",      "Boyd",      "Mills",      "Warren",
    "Fox",       "Rose",     "Rice",     "Moreno",     "Schmidt",   "Patel",      "Ferguson",
    "Nichols",   "Herrera",  "Medina",   "Ryan",       "Fernandez", "Weaver",     "Daniels",
    "Stephens",  "Gardner",  "Payne",    "Kelley",     "Dunn",      "Pierce",     "Arnold",
    "Tran",      "Spencer",  "Peters",   "Hawkins",    "Grant",     "Hansen",     "Castro",
    "Hoffman",   "Hart",     "Elliott",  "Cunningham", "Knight",    "Bradley",    "Hofmann"};

}  // namespace

WeightedPick::WeightedPick(const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights) cumulative_.push_back(sum += w);
}

size_t WeightedPick::operator()(Rng& rng) const {
  std::uniform_real_distribution<double> u(0.0, cumulative_.back());
  const double x = u(rng);
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
  return std::min<size_t>(static_cast<size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
}

const std::vector<CategoryShare>& category_shares() {
  static const std::vector<CategoryShare> shares = [] {
    std::vector<CategoryShare> out(std::begin(kMeasured), std::end(kMeasured));
    std::set<std::string> listed;
    for (const auto& share : out) listed.insert(share.code);
    for (const ArxivCategory& category : all_arxiv_categories()) {
      const std::string code(category.code);
      if (category.legacy || listed.count(code)) continue;
      out.push_back({code, 3, 0.8});  // the long tail: ~150 categories at 3k images each
    }
    return out;
  }();
  return shares;
}

const CategoryShare& draw_primary_category(int year, Rng& rng) {
  // One table of paper weights per year, built on first use (30 years x ~200 categories).
  static std::map<int, WeightedPick> by_year;
  static std::mutex mutex;
  const auto& shares = category_shares();
  std::lock_guard lock(mutex);
  auto found = by_year.find(year);
  if (found == by_year.end()) {
    std::vector<double> weights;
    for (const auto& share : shares) {
      weights.push_back(share.image_weight / share.images_per_paper * era_factor(share.code, year));
    }
    found = by_year.emplace(year, WeightedPick(weights)).first;
  }
  return shares[found->second(rng)];
}

std::vector<std::string> draw_cross_lists(const std::string& primary, int year, Rng& rng) {
  std::vector<std::string> out;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double p = u(rng);
  const int count = p < 0.55 ? 0 : p < 0.85 ? 1 : 2;
  const std::string archive = archive_of(primary);
  auto neighbours = kNeighbours.find(archive);
  for (int i = 0; i < count; ++i) {
    std::string code;
    if (neighbours != kNeighbours.end() && u(rng) < 0.6) {
      const auto& list = neighbours->second;
      code = list[static_cast<size_t>(rng() % list.size())];
    } else {
      code = draw_primary_category(year, rng).code;
    }
    if (code != primary && exists_in(code, year) &&
        std::find(out.begin(), out.end(), code) == out.end()) {
      out.push_back(code);
    }
  }
  return out;
}

double images_in_year(int year) {
  // Seed statistics: 26,763 images in 1995 .. 1,368,231 in 2018; 2019 extrapolated; 2020 to June.
  static const std::vector<std::pair<int, double>> table = {
      {1991, 800},     {1995, 26763},   {2000, 137860},  {2005, 243900},
      {2010, 431434},  {2015, 858174},  {2016, 1003842}, {2017, 1130770},
      {2018, 1368231}, {2019, 1500000}, {2020, 800000}};
  return interpolate(table, year);
}

double images_per_article(int year) {
  static const std::vector<std::pair<int, double>> table = {
      {1991, 1.5},  {1995, 2.06}, {2000, 4.49}, {2005, 5.20},
      {2010, 6.14}, {2015, 8.16}, {2018, 9.76}, {2020, 10.0}};
  return interpolate(table, year);
}

std::string draw_format(int year, Rng& rng) {
  // Shares in 1995 and in 2018, linearly between (pdf, eps, png, jpeg, ps).
  static const double early[] = {0.02, 0.70, 0.03, 0.07, 0.18};
  static const double late[] = {0.55, 0.10, 0.25, 0.09, 0.01};
  static const char* names[] = {"pdf", "eps", "png", "jpeg", "ps"};
  const double t = std::clamp((year - 1995) / 23.0, 0.0, 1.0);
  std::vector<double> weights;
  for (int i = 0; i < 5; ++i) weights.push_back(early[i] + t * (late[i] - early[i]));
  return names[WeightedPick(weights)(rng)];
}

std::string draw_creator(const std::string& format, int year, Rng& rng) {
  struct Creator {
    const char* text;
    double weight;
    int from_year;
  };
  static const Creator vector_creators[] = {
      {"", 14, 1991},
      {"MATLAB, The Mathworks, Inc. Version 9.5.0.944444 (R2018b)", 5, 2012},
      {"MATLAB, The Mathworks, Inc.", 6, 1995},
      {"Mathematica-PSRender", 4, 1995},
      {"Wolfram Mathematica 11.0 for Microsoft Windows (64-bit) (September 21, 2016)", 2, 2016},
      {"matplotlib version 3.1.1, http://matplotlib.org/", 4, 2019},
      {"matplotlib version 2.0.2, http://matplotlib.org/", 3, 2017},
      {"Matplotlib v3.3.2, https://matplotlib.org", 2, 2020},
      {"matplotlib version 1.3.1, http://matplotlib.org/", 2, 2013},
      {"gnuplot 4.6 patchlevel 6", 5, 2005},
      {"gnuplot 3.7 patchlevel 1", 3, 1995},
      {"GPL Ghostscript 9.26", 3, 2010},
      {"ROOT version 6.14/04", 2, 2008},
      {"fig2dev Version 3.2 Patchlevel 5e", 3, 1991},
      {"Adobe Illustrator(R) 16.0", 2, 2005},
      {"Origin 8.5", 1.5, 2005},
      {"IDL", 2, 1991},
      {"Grace-5.1.25", 1.5, 2005},
      {"dvips(k) 5.996 Copyright 2016 Radical Eye Software", 2, 1995},
      {"inkscape 0.92.4 (https://inkscape.org)", 2, 2010},
      {"cairo 1.14.8 (http://cairographics.org)", 1.5, 2012},
      {"R", 1.5, 2005},
      {"pdfTeX-1.40.18", 2, 2008},
      {"Microsoft PowerPoint", 1.5, 2008},
      {"OmniGraffle 7.12", 0.5, 2010},
      {"Keynote", 0.5, 2010},
      {"xmgr", 1, 1991},
      {"SM", 1, 1991}};
  static const Creator raster_creators[] = {
      {"", 60, 1991},
      {"matplotlib version 3.1.1, http://matplotlib.org/", 12, 2014},
      {"Adobe Photoshop CC 2019 (Windows)", 3, 2010},
      {"GIMP 2.10.8", 2, 2005},
      {"MATLAB, The Mathworks, Inc.", 3, 2000},
      {"Wolfram Mathematica", 2, 2005},
      {"Adobe ImageReady", 1, 1998},
      {"ImageMagick 6.9.10", 2, 2005}};
  const bool raster = format == "png" || format == "jpeg";
  const Creator* begin = raster ? std::begin(raster_creators) : std::begin(vector_creators);
  const Creator* end = raster ? std::end(raster_creators) : std::end(vector_creators);
  std::vector<double> weights;
  for (const Creator* c = begin; c != end; ++c) {
    weights.push_back(year >= c->from_year ? c->weight : 0.0);
  }
  return begin[WeightedPick(weights)(rng)].text;
}

std::string draw_license(int year, Rng& rng) {
  // arXiv records carry a licence from 2004; CC licences became common in the late 2010s.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (year < 2004 && u(rng) < 0.9) return "";
  const double p = u(rng);
  const double cc = year >= 2016 ? 0.08 : 0.015;
  if (p < 0.20) return "";
  if (p < 1.0 - cc) return "http://arxiv.org/licenses/nonexclusive-distrib/1.0/";
  static const char* kCc[] = {"http://creativecommons.org/licenses/by/4.0/",
                              "http://creativecommons.org/licenses/by/4.0/",
                              "http://creativecommons.org/licenses/by/3.0/",
                              "http://creativecommons.org/licenses/by-nc-sa/4.0/",
                              "http://creativecommons.org/licenses/by-sa/4.0/",
                              "http://creativecommons.org/publicdomain/zero/1.0/"};
  return kCc[rng() % std::size(kCc)];
}

Vocabulary::Vocabulary(size_t size, double exponent) {
  std::istringstream real(kRealWords);
  std::set<std::string> seen;
  for (std::string word; real >> word;) {
    if (word.find('\'') != std::string::npos || !seen.insert(word).second) continue;
    words_.push_back(word);
  }
  // Made-up words: 2-3 syllables in a fixed pseudo-random order, skipping repeats.
  Rng rng(20250101);
  while (words_.size() < size) {
    std::string word;
    const int syllables = 2 + static_cast<int>(rng() % 2);
    for (int i = 0; i < syllables; ++i) word += kSyllables[rng() % std::size(kSyllables)];
    if (seen.insert(word).second) words_.push_back(word);
  }
  double sum = 0;
  for (size_t r = 0; r < words_.size(); ++r) {
    cumulative_.push_back(sum += 1.0 / std::pow(static_cast<double>(r + 1), exponent));
  }
}

const std::string& Vocabulary::draw(Rng& rng) const {
  std::uniform_real_distribution<double> u(0.0, cumulative_.back());
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u(rng));
  return words_[std::min<size_t>(static_cast<size_t>(it - cumulative_.begin()), words_.size() - 1)];
}

std::string Vocabulary::text(size_t count, Rng& rng) const {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += ' ';
    out += draw(rng);
  }
  return out;
}

const std::vector<std::string_view>& surnames() { return kSurnames; }

}  // namespace imagemesh::bench

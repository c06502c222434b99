#include "core/arxiv_license.h"

#include <gtest/gtest.h>

namespace imagemesh {
namespace {

void expect_license(std::string_view url, std::string_view name, std::string_view family) {
  const ArxivLicense license = arxiv_license(url);
  EXPECT_EQ(license.name, name) << url;
  EXPECT_EQ(license.family, family) << url;
}

TEST(ArxivLicense, NamesEveryLicenceArxivOffers) {
  expect_license("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "arXiv non-exclusive 1.0",
                 "arXiv non-exclusive");
  expect_license("http://creativecommons.org/licenses/by/4.0/", "CC BY 4.0", "CC BY");
  expect_license("http://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0", "CC BY-SA");
  expect_license("http://creativecommons.org/licenses/by-nc-sa/4.0/", "CC BY-NC-SA 4.0",
                 "CC BY-NC-SA");
  expect_license("http://creativecommons.org/licenses/by-nc-nd/4.0/", "CC BY-NC-ND 4.0",
                 "CC BY-NC-ND");
  expect_license("http://creativecommons.org/licenses/by/3.0/", "CC BY 3.0", "CC BY");
  expect_license("http://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0", "CC0");
  expect_license("http://creativecommons.org/licenses/publicdomain/", "Public domain",
                 "Public domain");
  expect_license("http://arxiv.org/licenses/assumed-1991-2003/", "arXiv assumed 1991-2003",
                 "arXiv assumed 1991-2003");
}

TEST(ArxivLicense, SpellingVariantsAndUnknowns) {
  expect_license("https://www.creativecommons.org/licenses/by/4.0", "CC BY 4.0", "CC BY");
  expect_license("  http://creativecommons.org/licenses/by-sa/4.0/\n", "CC BY-SA 4.0", "CC BY-SA");
  expect_license("", "none", "none");
  expect_license(" \t", "none", "none");
  expect_license("http://example.org/my-licence", "http://example.org/my-licence",
                 "http://example.org/my-licence");
}

}  // namespace
}  // namespace imagemesh

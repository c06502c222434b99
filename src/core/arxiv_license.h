// The licences arXiv records carry, as URLs, named the way people filter by them: "CC BY 4.0",
// "CC BY-NC-ND 4.0", "CC0 1.0", "arXiv non-exclusive 1.0", ... A record without a licence (most
// papers before 2004) is "none".
#pragma once

#include <string>
#include <string_view>

namespace imagemesh {

struct ArxivLicense {
  std::string name;    // "CC BY-SA 4.0", "arXiv non-exclusive 1.0", "none"
  std::string family;  // the name without its version: "CC BY-SA", "arXiv non-exclusive", "none"
};

// "http://creativecommons.org/licenses/by-sa/4.0/" -> {"CC BY-SA 4.0", "CC BY-SA"}. http or https,
// with or without "www." and the trailing slash. An unrecognised URL is its own name and family.
ArxivLicense arxiv_license(std::string_view url);

}  // namespace imagemesh

// Random bytes, truncations and mutations of valid files: read_image_facts must never crash, hang
// or read out of bounds (the sanitizer build checks the last).
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "imaging/facts_samples_test.h"
#include "imaging/image_facts.h"

namespace imagemesh::imaging {
namespace {

void exercise(const std::string& bytes, std::string_view name) {
  (void)sniff_image_format(bytes, name);
  (void)looks_like_image(bytes, name);
  Result<ImageFacts> facts = read_image_facts(bytes, name);
  if (facts.ok()) {
    EXPECT_GE(facts->pages, 1);
    EXPECT_LE(facts->creator.size(), 256u);
  }
}

TEST(ImageFactsFuzzTest, TruncationsAndMutationsOfValidFiles) {
  std::mt19937 random(20240101);
  const char* names[] = {"x.png", "x.pdf", "x.eps", "x", "x.svg", "x.ps_page_1"};
  int runs = 0;
  for (const std::string& valid : samples::all_valid()) {
    for (size_t cut = 0; cut <= valid.size(); ++cut) {
      exercise(valid.substr(0, cut), names[cut % 6]);
      ++runs;
    }
    for (int i = 0; i < 600; ++i) {
      std::string bytes = valid;
      int flips = 1 + static_cast<int>(random() % 8);
      for (int k = 0; k < flips; ++k) {
        bytes[random() % bytes.size()] = static_cast<char>(random());
      }
      if (random() % 4 == 0) bytes.resize(random() % (bytes.size() + 1));
      exercise(bytes, names[i % 6]);
      ++runs;
    }
  }
  EXPECT_GT(runs, 10000);
}

TEST(ImageFactsFuzzTest, RandomBytesBehindEveryMagic) {
  std::mt19937 random(7);
  const std::string magics[] = {std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16),
                                "\xFF\xD8\xFF",
                                "GIF89a",
                                std::string("II*\0", 4),
                                std::string("MM\0*", 4),
                                std::string("BM\0\0\0\0\0\0\0\0\0\0\0\0\x28\0\0\0", 18),
                                "RIFF\0\0\0\0WEBPVP8X",
                                "\xC5\xD0\xD3\xC6",
                                "%PDF-1.5\n1 0 obj\n<<",
                                "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: ",
                                "<svg ",
                                ""};
  for (const std::string& magic : magics) {
    for (int i = 0; i < 500; ++i) {
      std::string bytes = magic;
      size_t length = random() % 600;
      for (size_t k = 0; k < length; ++k) {
        // Mostly PDF/PostScript punctuation and digits, so the text parsers go deep.
        static constexpr char kAlphabet[] = "<<>>[]()/ 0123456789RobjendstreamN%\n\\\x00\xff";
        bytes += random() % 2 ? static_cast<char>(random())
                              : kAlphabet[random() % (sizeof(kAlphabet) - 1)];
      }
      exercise(bytes, "fuzz.bin");
    }
  }
}

TEST(ImageFactsFuzzTest, HostileShapesStayLinear) {
  struct Case {
    std::string name;
    std::string bytes;
  };
  const size_t n = 2 * 1024 * 1024;
  const Case cases[] = {
      {"nested.pdf", "%PDF-1.4\n1 0 obj\n" + std::string(n, '[')},
      {"dicts.pdf", "%PDF-1.4\n1 0 obj\n" + std::string(n / 2, '<') + "\n%%EOF"},
      {"objs.pdf", "%PDF-1.4\n" +
                       [&] {
                         std::string s;
                         while (s.size() < n) s += "1 0 obj 2 0 R endobj ";
                         return s;
                       }()},
      {"strings.pdf", "%PDF-1.4\n1 0 obj (" + std::string(n, '(')},
      {"lines.eps", "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: (atend)\n" + std::string(n, '\n')},
      {"gif.gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00" + std::string(n, '\x21')},
      {"png.png", samples::png(1, 1, 2, "").substr(0, 33) + std::string(n, '\0')},
      {"svg.svg", "<!DOCTYPE svg [" + std::string(n, '[')},
  };
  for (const Case& c : cases) {
    auto start = std::chrono::steady_clock::now();
    exercise(c.bytes, c.name);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << c.name;
  }
}

}  // namespace
}  // namespace imagemesh::imaging

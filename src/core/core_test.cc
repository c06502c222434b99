#include <gtest/gtest.h>

#include "core/arxiv_id.h"
#include "core/csv.h"
#include "core/hash.h"
#include "core/safe_path.h"
#include "core/status.h"
#include "core/utf8.h"

namespace imagemesh {
namespace {

TEST(ArxivId, NewStyleWithVersion) {
  auto id = parse_arxiv_id("1305.5590v2");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->id, "1305.5590");
  EXPECT_EQ(id->version, 2);
  EXPECT_EQ(id->yymm, "1305");
  EXPECT_EQ(id->kind, IdKind::kNewStyle);
  auto five = parse_arxiv_id("2004.14974");
  ASSERT_TRUE(five.has_value());
  EXPECT_EQ(five->version, 0);
}

TEST(ArxivId, OldStyleBothSpellings) {
  auto slashed = parse_arxiv_id("hep-ph/0107222");
  auto bulk = parse_arxiv_id("hep-ph0107222");
  ASSERT_TRUE(slashed && bulk);
  EXPECT_EQ(slashed->id, "hep-ph/0107222");
  EXPECT_EQ(bulk->id, "hep-ph/0107222");
  EXPECT_EQ(bulk->yymm, "0107");
  EXPECT_EQ(bulk->bulk_stem(), "hep-ph0107222");
  auto subject = parse_arxiv_id("math.AG/0101001v3");
  ASSERT_TRUE(subject);
  EXPECT_EQ(subject->id, "math/0101001");
  EXPECT_EQ(subject->version, 3);
}

TEST(ArxivId, RejectsNonIds) {
  EXPECT_FALSE(parse_arxiv_id("slug-edo"));
  EXPECT_FALSE(parse_arxiv_id("1313.12345"));  // month 13
  EXPECT_FALSE(parse_arxiv_id("1305.559"));
  EXPECT_FALSE(parse_arxiv_id(""));
}

TEST(ArxivId, FromFileNames) {
  EXPECT_EQ(paper_id_from_name("/x/1305.5590v1.tar.gz").id, "1305.5590");
  EXPECT_EQ(paper_id_from_name("hep-ph0703990.gz").id, "hep-ph/0703990");
  PaperId local = paper_id_from_name("slug-edo.tar.gz");
  EXPECT_EQ(local.id, "local:slug-edo");
  EXPECT_EQ(local.kind, IdKind::kLocal);
  EXPECT_TRUE(local.yymm.empty());
}

TEST(SafePath, NormalisesHarmlessNames) {
  EXPECT_EQ(normalize_relative_path("./figs//a.png").value(), "figs/a.png");
  EXPECT_EQ(normalize_relative_path("a/./b/").value(), "a/b");
}

TEST(SafePath, RefusesTraversalAbsoluteAndControl) {
  for (const char* bad : {"../../evil.tex", "/etc/evil.png", "sub/../../../escape.tex",
                          "..\\..\\evil-backslash.tex", "a/\x01.png", "", "./", "C:evil"}) {
    auto result = normalize_relative_path(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), ErrorCode::kUnsafePath) << bad;
  }
}

TEST(SafePath, JoinStaysInsideRoot) {
  EXPECT_EQ(join_inside_root("chap", "../figs/a").value(), "figs/a");
  EXPECT_EQ(join_inside_root("", "./a.png").value(), "a.png");
  EXPECT_FALSE(join_inside_root("chap", "../../etc/passwd").ok());
  EXPECT_FALSE(join_inside_root("", "/etc/passwd").ok());
  EXPECT_EQ(lower_extension("x/Fig.PS_page_1"), "ps_page_1");
  EXPECT_EQ(lower_extension("x/.hidden"), "");
  EXPECT_EQ(parent_folder("a/b/c.png"), "a/b");
}

TEST(Hash, KnownDigests) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  Hasher incremental(HashKind::kSha256);
  incremental.update("a");
  incremental.update("bc");
  EXPECT_EQ(incremental.hex_digest(), sha256_hex("abc"));
}

TEST(Status, CarriesCodeAndContext) {
  Status status = error(ErrorCode::kTooLarge, "over 512 MiB");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.with_context("2401/2401.99011.gz").to_string(),
            "too-large: 2401/2401.99011.gz: over 512 MiB");
  Result<int> result = error(ErrorCode::kNotFound, "x");
  EXPECT_FALSE(result.ok());
  Result<int> value = 3;
  EXPECT_EQ(*value, 3);
}

TEST(Utf8, EncodesAndValidates) {
  std::string out;
  append_utf8(out, U'é');
  append_utf8(out, 0x1F600);
  append_utf8(out, 0xD800);  // a lone surrogate is not a character
  EXPECT_EQ(out, "\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(out));
  EXPECT_FALSE(is_valid_utf8("K\xF6nigsberg"));  // latin-1
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));       // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));       // cut short
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0), 3u);
}

TEST(Utf8, TrimsAsciiSpaceOnly) {
  EXPECT_EQ(trim_ascii_space(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_ascii_space("\n\v\f"), "");
  EXPECT_EQ(trim_ascii_space(""), "");
  EXPECT_EQ(trim_ascii_space("\xC2\xA0x"), "\xC2\xA0x") << "a no-break space is not layout";
}

TEST(Csv, QuotesLineBreaksCrlfAndBom) {
  const auto records = parse_csv(
      "\xEF\xBB\xBFsha256,label\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\n"
      "c,\"two\nlines\"\nlast,");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"sha256", "label"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"a,b", "say \"hi\""}));
  EXPECT_EQ(records[2].line, 4);  // the blank line 3 is dropped
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"c", "two\nlines"}));
  EXPECT_EQ(records[3].line, 6);
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"last", ""}));
  EXPECT_TRUE(parse_csv("").empty());
}

}  // namespace
}  // namespace imagemesh

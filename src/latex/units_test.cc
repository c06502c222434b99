// Unit tests of the small pieces: decoding, comment stripping, groups, macros, plain text.
#include <gtest/gtest.h>

#include "latex/macros.h"
#include "latex/plain_text.h"
#include "latex/tex_lexer.h"
#include "latex/text_decode.h"

namespace imagemesh::latex {
namespace {

TEST(TextDecode, Utf8PassesAndLineEndsNormalise) {
  DecodedText d = decode_tex_bytes("caf\xC3\xA9\r\nx\ry", "");
  EXPECT_EQ(d.text, "café\nx\ny");
  EXPECT_FALSE(d.binary);
}

TEST(TextDecode, Latin1AndMacRomanAndBinary) {
  EXPECT_EQ(decode_tex_bytes("K\xF6nigsberg", "latin1").text, "Königsberg");
  EXPECT_EQ(decode_tex_bytes("K\xF6nigsberg", "").text, "Königsberg");
  EXPECT_EQ(decode_tex_bytes("Conf\x8Erence", "").text, "Conférence");  // guessed Mac Roman
  EXPECT_EQ(decode_tex_bytes("Conf\x8Erence", "applemac").text, "Conférence");
  EXPECT_EQ(decode_tex_bytes("\x93quoted\x94", "").text, "“quoted”");  // cp1252
  std::string junk("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X\x00\x00\x00\x00\x00", 21);
  EXPECT_TRUE(decode_tex_bytes(junk, "").binary);
}

TEST(TextDecode, Utf16) {
  std::string le(
      "\xFF\xFE"
      "a\0\xE9\0",
      6);
  EXPECT_EQ(decode_tex_bytes(le, "").text, "aé");
  std::string be("\xFE\xFF\0a\0\xE9", 6);
  EXPECT_EQ(decode_tex_bytes(be, "").text, "aé");
  std::string odd(
      "\xFF\xFE"
      "a",
      3);  // odd byte count: no crash
  EXPECT_EQ(decode_tex_bytes(odd, "").text, "");
}

TEST(TextDecode, InputencOption) {
  EXPECT_EQ(find_inputenc_option("\\usepackage[T1]{fontenc}\n\\usepackage[latin1]{inputenc}"),
            "latin1");
  EXPECT_EQ(find_inputenc_option("% \\usepackage[applemac]{inputenc}\n"), "");
}

TEST(Lexer, StripCommentsKeepsLinesAndEscapes) {
  EXPECT_EQ(strip_comments("a % c\nb \\% d %e\n"), "a \nb \\% d \n");
  EXPECT_EQ(strip_comments("x\\begin{comment}\n%\nq\n\\end{comment}y"), "x\n\n\ny");
  EXPECT_EQ(strip_comments("\\verb|%|z"), "\\verb|%|z");
}

TEST(Lexer, DeepGroupsAreIterative) {
  std::string deep = std::string(100000, '{') + "x" + std::string(100000, '}');
  size_t pos = 0;
  std::string_view content;
  EXPECT_EQ(read_group(deep, pos, content), GroupStatus::kOk);
  EXPECT_EQ(pos, deep.size());
  std::string open = "{never closed";
  pos = 0;
  EXPECT_EQ(read_group(open, pos, content), GroupStatus::kUnbalanced);
  GroupLimits limits;
  limits.stop_markers = {"\\end{figure}"};
  std::string stopped = "{text \\end{figure} more}";
  pos = 0;
  EXPECT_EQ(read_group(stopped, pos, content, limits), GroupStatus::kUnbalanced);
  EXPECT_EQ(content, "text ");
}

TEST(Macros, NewcommandWithOptionalAndDef) {
  std::string text = "{\\img}[2][w=1]{\\includegraphics[#1]{#2}} \\img{a} \\img[w=2]{b}";
  size_t pos = 0;
  auto parsed = parse_newcommand(text, pos);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->name, "img");
  size_t call = text.find("\\img{a}") + 4;
  EXPECT_EQ(expand_macro_call(parsed->def, text, call), "\\includegraphics[w=1]{a}");
  call = text.find("\\img[w=2]") + 4;
  EXPECT_EQ(expand_macro_call(parsed->def, text, call), "\\includegraphics[w=2]{b}");

  std::string def_text = "\\pair#1/#2{(#1,#2)}\\pair x/y.";
  pos = 0;
  auto delimited = parse_def(def_text, pos);
  ASSERT_TRUE(delimited);
  size_t at = def_text.find("\\pair x") + 5;  // TeX skips the space after a control word
  EXPECT_EQ(expand_macro_call(delimited->def, def_text, at), "(x,y)");
  EXPECT_EQ(def_text.substr(at), ".");
}

TEST(PlainText, AccentsFormattingMathAndRefs) {
  PlainTextOptions options;
  options.ref_text = [](std::string_view label) {
    return label == "fig:a" ? std::string("3") : std::string();
  };
  EXPECT_EQ(tex_to_plain("K\\\"onig, {\\'e}t\\'e, \\c{c}a, \\ss, na\\\"{\\i}ve", options),
            "König, été, ça, ß, naïve");
  EXPECT_EQ(tex_to_plain("\\textbf{Bold} \\emph{it} {\\small s}~x\\label{l}\\cite{c}.", options),
            "Bold it s x.");
  EXPECT_EQ(tex_to_plain("See Fig.~\\ref{fig:a}, \\ref{sec:x} and $a_{1}$ \\(b\\)", options),
            "See Fig. 3, ? and $a_{1}$ $b$");
  EXPECT_EQ(tex_to_plain("\\label{only}", options), "");
  EXPECT_EQ(tex_to_plain("50\\% --- ``q''", options), "50% — \"q\"");
}

TEST(PlainText, AuthorMode) {
  PlainTextOptions options;
  options.author_mode = true;
  EXPECT_EQ(tex_to_plain("Ada Lovelace$^{1}$\\thanks{x}\\footnote{y}", options), "Ada Lovelace");
}

TEST(PlainText, UserMacrosAreCapped) {
  MacroTable macros;
  MacroDef loop;
  loop.body = "a\\loop";
  macros.define("loop", loop);
  PlainTextOptions options;
  options.macros = &macros;
  std::string out = tex_to_plain("\\loop", options);
  EXPECT_LE(out.size(), 1024u);
}

}  // namespace
}  // namespace imagemesh::latex

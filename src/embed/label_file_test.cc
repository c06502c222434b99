// The hand-label CSV: header columns by name, RFC 4180 quoting, CRLF, a BOM; bad rows are counted
// warnings with line numbers, not errors.
#include "embed/label_file.h"

#include <gtest/gtest.h>

#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

const std::string kSha1(64, 'a');
const std::string kSha2 = std::string(63, 'b') + "c";

TEST(LabelFile, ReadsShaAndOrdinalColumnsWithQuotesAndCrlf) {
  const std::string text =
      "\xEF\xBB\xBFSHA256,label,note\r\n" + kSha1 + ",diagram,\"a plot, with \"\"quotes\"\"\"\r\n" +
      "\"" + std::string(64, 'B') + "\",Sensor,\"two\nlines\"\r\n" + kSha2 + ", mixed ,\r\n\r\n";
  auto file = parse_label_csv(text, "labels.csv");
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(file->rows[0].sha256, kSha1);
  EXPECT_EQ(file->rows[0].line, 2);
  EXPECT_EQ(file->rows[1].sha256, std::string(64, 'b')) << "hashes are lowercased";
  EXPECT_EQ(file->rows[1].label, FigureType::kSensor);
  EXPECT_EQ(file->rows[2].line, 5) << "the quoted line break counts";
  EXPECT_EQ(file->rows[2].label, FigureType::kMixed);
  EXPECT_TRUE(file->warnings.empty());
}

TEST(LabelFile, ImageColumnTakesHashesOrOrdinals) {
  auto file = parse_label_csv("image,label\n17,diagram\n" + kSha1 + ",sensor\n", "x.csv");
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->rows.size(), 2u);
  EXPECT_EQ(file->rows[0].ordinal, 17u);
  EXPECT_TRUE(file->rows[0].sha256.empty());
  EXPECT_EQ(file->rows[1].sha256, kSha1);
  auto ordinals = parse_label_csv("blob_ordinal,label\n3,mixed\n", "y.csv");
  ASSERT_TRUE(ordinals.ok());
  EXPECT_EQ(ordinals->rows.at(0).ordinal, 3u);
}

TEST(LabelFile, BadRowsAreCountedWarningsWithLineNumbers) {
  const std::string text = "sha256,label\n" + kSha1 + ",photo\nnot-a-hash,diagram\n" + kSha2 +
                           ",diagram\n" + kSha2 + ",sensor\n" + kSha1 + "\n";
  auto file = parse_label_csv(text, "labels.csv");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->rows.size(), 1u);
  EXPECT_EQ(file->bad_labels, 2) << "'photo' and the missing label";
  EXPECT_EQ(file->bad_images, 1);
  EXPECT_EQ(file->duplicates, 1);
  ASSERT_EQ(file->warnings.size(), 4u);
  EXPECT_EQ(file->warnings[0],
            "labels.csv:2: unknown label 'photo' (expected diagram, sensor or mixed)");
  EXPECT_NE(file->warnings[1].find("labels.csv:3: 'not-a-hash' is neither"), std::string::npos);
  EXPECT_NE(file->warnings[2].find("labels.csv:5: image labelled again"), std::string::npos);
}

TEST(LabelFile, AHeaderWithoutTheColumnsIsAnError) {
  EXPECT_EQ(parse_label_csv("", "a.csv").status().code(), ErrorCode::kParse);
  EXPECT_EQ(parse_label_csv(kSha1 + ",diagram\n", "a.csv").status().code(), ErrorCode::kParse);
  EXPECT_EQ(parse_label_csv("sha256,kind\n", "a.csv").status().code(), ErrorCode::kParse);
  EXPECT_EQ(read_label_csv("/nonexistent/labels.csv").status().code(), ErrorCode::kNotFound);
}

TEST(LabelFile, TheCorpusLabelsParse) {
  auto file =
      read_label_csv(std::string(IMAGEMESH_SOURCE_DIR) + "/tests/data/labels/figure_types.csv");
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(file->rows.size(), 816u);
  EXPECT_TRUE(file->warnings.empty()) << file->warnings.front();
  int counts[3] = {0, 0, 0};
  for (const auto& row : file->rows) counts[static_cast<int>(row.label)]++;
  EXPECT_EQ(counts[0], 785);
  EXPECT_EQ(counts[1], 28);
  EXPECT_EQ(counts[2], 3);
}

}  // namespace
}  // namespace imagemesh::embed

// export_rows(): exact JSON lines and CSV for figures, images, papers and errors.
#include <gtest/gtest.h>

#include <sstream>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::graphic;
using testing::open_or_die;

class StoreExport : public ::testing::Test {
 protected:
  StoreExport() : scratch_("store-export"), mesh_(scratch_.str() + "/mesh") {}

  void SetUp() override {
    store_ = open_or_die(mesh_);
    auto run = store_->begin_run("test");
    ASSERT_TRUE(run.ok());
    run_ = *run;
  }

  void write(const std::vector<PaperRecord>& papers) {
    Status status = store_->write_papers(run_, papers, {}, nullptr);
    ASSERT_TRUE(status.ok()) << status.to_string();
  }

  std::string export_of(const std::string& what, const std::string& format = "jsonl") {
    std::ostringstream out;
    Status status = store_->export_rows(what, format, out);
    EXPECT_TRUE(status.ok()) << status.to_string();
    return out.str();
  }

  // A paper with a plain figure, a figure with two sub-figures (one graphic unresolved), and a
  // figure without graphics.
  static PaperRecord rich_paper() {
    PaperRecord p = testing::paper("1305.5590", 2, "a.tar:1305/1305.5590.gz", "sha", 0);
    p.files.push_back({"figs/left.pdf", 300, "blob-left", true});
    p.files.push_back({"figs/unused.png", 200, "blob-unused", true});
    BlobFacts left;
    left.sha256 = "blob-left";
    left.size = 300;
    left.format = "pdf";
    left.width_pt = 595.5;
    left.height_pt = 842;
    left.pages = 1;
    left.creator = "matplotlib";
    p.blobs.push_back(left);
    p.blobs.push_back(testing::png_blob("blob-unused", 10, 20));

    FigureRecord one = testing::figure(1, "Rotation curve of M31.", "fig:rot");
    one.caption_tex = "Rotation curve of M\\,31.";
    one.short_caption = "Rotation";
    one.graphics.push_back(graphic("figs/left", "figs/left.pdf"));
    FigureRecord two = testing::figure(2, "Two panels.", "fig:two");
    two.env = "figure*";
    two.subfigures.push_back(
        {"Left \\emph{panel}", "Left panel", "fig:two:a", {graphic("figs/left", "figs/left.pdf")}});
    two.subfigures.push_back({"", "", "", {graphic("figs/missing", std::nullopt)}});
    FigureRecord three = testing::figure(3, "", "");
    three.env = "none";
    p.figures = {one, two, three};
    return p;
  }

  imagemesh::testing::ScratchDir scratch_;
  std::string mesh_;
  std::unique_ptr<Store> store_;
  int64_t run_ = 0;
};

TEST_F(StoreExport, FiguresRoundTripToExactJson) {
  write({rich_paper()});
  EXPECT_EQ(
      export_of("figures"),
      R"({"paper":"1305.5590","tex":"main.tex","order":1,"env":"figure","caption":"Rotation curve of M31.","label":"fig:rot","graphics":[{"as_written":"figs/left","resolved":"figs/left.pdf"}],"subfigures":[],"caption_tex":"Rotation curve of M\\,31.","short_caption":"Rotation"})"
      "\n"
      R"({"paper":"1305.5590","tex":"main.tex","order":2,"env":"figure*","caption":"Two panels.","label":"fig:two","graphics":[],"subfigures":[{"caption":"Left panel","label":"fig:two:a","graphics":[{"as_written":"figs/left","resolved":"figs/left.pdf"}],"caption_tex":"Left \\emph{panel}"},{"caption":"","label":"","graphics":[{"as_written":"figs/missing","resolved":null}],"caption_tex":""}],"caption_tex":"Two panels.","short_caption":""})"
      "\n"
      R"({"paper":"1305.5590","tex":"main.tex","order":3,"env":"none","caption":"","label":"","graphics":[],"subfigures":[],"caption_tex":"","short_caption":""})"
      "\n");
}

TEST_F(StoreExport, FiguresAsCsv) {
  write({rich_paper()});
  EXPECT_EQ(export_of("figures", "csv"),
            "paper,tex,order,env,caption,label,graphics,unresolved,subfigures,caption_tex,"
            "short_caption\r\n"
            "1305.5590,main.tex,1,figure,Rotation curve of M31.,fig:rot,figs/left.pdf,,0,"
            "\"Rotation curve of M\\,31.\",Rotation\r\n"
            "1305.5590,main.tex,2,figure*,Two panels.,fig:two,figs/left.pdf,figs/missing,2,"
            "Two panels.,\r\n"
            "1305.5590,main.tex,3,none,,,,,0,,\r\n");
}

TEST_F(StoreExport, ImagesAndPapersExactJson) {
  write({rich_paper()});
  EXPECT_EQ(
      export_of("images"),
      R"({"paper":"1305.5590","path":"figs/left.pdf","sha256":"blob-left","size":300,"format":"pdf","width_px":null,"height_px":null,"width_pt":595.5,"height_pt":842.0,"pages":1,"creator":"matplotlib","color":null,"used_by_figure":true,"error":null,"thumbnail":null,"thumbnail_error":null,"raster_width":null,"raster_height":null,"thumbnail_blank":null,"thumbnail_ms":null})"
      "\n"
      R"({"paper":"1305.5590","path":"figs/unused.png","sha256":"blob-unused","size":200,"format":"png","width_px":10,"height_px":20,"width_pt":null,"height_pt":null,"pages":null,"creator":null,"color":"rgb","used_by_figure":false,"error":null,"thumbnail":null,"thumbnail_error":null,"raster_width":null,"raster_height":null,"thumbnail_blank":null,"thumbnail_ms":null})"
      "\n");
  EXPECT_EQ(
      export_of("papers"),
      R"({"paper":"1305.5590","id_kind":"arxiv-new","version":2,"yymm":"1305","source_kind":"tar","origin":"/corpus/a.tar:1305/1305.5590.gz","engine":"pdflatex","described_by":"latex","title":"Paper 1305.5590","authors":["A. Author","B. Author"],"abstract":"About 1305.5590","date":"2013-05","date_from":"id-month","primary_category":null,"categories":[],"license":null,"doi":null,"journal_ref":null,"n_files":3,"n_images":2,"n_figures":3})"
      "\n");
  EXPECT_EQ(export_of("images", "csv"),
            "paper,path,sha256,size,format,width_px,height_px,width_pt,height_pt,pages,creator,"
            "color,used_by_figure,error,thumbnail,thumbnail_error,raster_width,raster_height,"
            "thumbnail_blank,thumbnail_ms\r\n"
            "1305.5590,figs/left.pdf,blob-left,300,pdf,,,595.5,842.0,1,matplotlib,,true,,,,,,,\r\n"
            "1305.5590,figs/unused.png,blob-unused,200,png,10,20,,,,,rgb,false,,,,,,,\r\n");
  EXPECT_EQ(export_of("papers", "csv"),
            "paper,id_kind,version,yymm,source_kind,origin,engine,described_by,title,authors,"
            "abstract,date,date_from,primary_category,categories,license,doi,journal_ref,n_files,"
            "n_images,n_figures\r\n"
            "1305.5590,arxiv-new,2,1305,tar,/corpus/a.tar:1305/1305.5590.gz,pdflatex,latex,"
            "Paper 1305.5590,A. Author|B. Author,About 1305.5590,2013-05,id-month,,,,,,3,2,3\r\n");
}

TEST_F(StoreExport, ErrorsExport) {
  PaperRecord p = testing::paper("2001.00001", 1, "a", "sha", 0);
  p.problems.push_back({"main.tex:7", "unresolved", "\\includegraphics{x}: no such file"});
  write({p});
  ASSERT_TRUE(store_->record_error(run_, "b.tar", {"b.tar", "truncated", "cut"}).ok());
  EXPECT_EQ(
      export_of("errors"),
      R"({"source":"a","item":"main.tex:7","paper":"2001.00001","kind":"unresolved","message":"\\includegraphics{x}: no such file"})"
      "\n"
      R"({"source":"b.tar","item":"b.tar","paper":null,"kind":"truncated","message":"cut"})"
      "\n");
  EXPECT_EQ(export_of("errors", "csv"),
            "source,item,paper,kind,message\r\n"
            "a,main.tex:7,2001.00001,unresolved,\\includegraphics{x}: no such file\r\n"
            "b.tar,b.tar,,truncated,cut\r\n");
}

TEST_F(StoreExport, OrderIsByPaperIdThenPosition) {
  write({testing::paper("2001.00002", 1, "b", "sb", 2),
         testing::paper("2001.00001", 1, "a", "sa", 2)});
  const std::string jsonl = export_of("figures");
  EXPECT_LT(jsonl.find("\"Caption 2 of 2001.00001\""), jsonl.find("\"Caption 1 of 2001.00002\""));
  EXPECT_LT(jsonl.find("\"Caption 1 of 2001.00001\""), jsonl.find("\"Caption 2 of 2001.00001\""));
}

TEST_F(StoreExport, SqlAndCsvMetacharactersAreStoredVerbatim) {
  const std::string evil_caption = "'); DROP TABLE papers; -- \"quoted\", comma\nnew line";
  const std::string evil_path = "x'; DELETE FROM files; --.png";
  PaperRecord p = testing::paper("2001.00001", 1, "a'; DROP TABLE runs; --", "sha", 0);
  p.files.push_back({evil_path, 1, "blob-evil", true});
  p.blobs.push_back(testing::png_blob("blob-evil", 1, 1));
  FigureRecord f = testing::figure(1, evil_caption, "fig:'--");
  f.graphics.push_back(graphic(evil_path, evil_path));
  p.figures.push_back(f);
  write({p});

  auto c = store_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->papers, 1);
  EXPECT_EQ(c->files, 2);
  const std::string jsonl = export_of("figures");
  EXPECT_NE(jsonl.find(R"("caption":"'); DROP TABLE papers; -- \"quoted\", comma\nnew line")"),
            std::string::npos)
      << jsonl;
  EXPECT_NE(jsonl.find(R"("resolved":"x'; DELETE FROM files; --.png")"), std::string::npos);
  const std::string csv = export_of("figures", "csv");
  EXPECT_NE(csv.find("\"'); DROP TABLE papers; -- \"\"quoted\"\", comma\nnew line\""),
            std::string::npos)
      << csv;
  EXPECT_NE(
      export_of("images").find(R"("path":"x'; DELETE FROM files; --.png","sha256":"blob-evil")"),
      std::string::npos);
  auto consumed = store_->consumed_sources();
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->count("a'; DROP TABLE runs; --"), 1u);
}

TEST_F(StoreExport, InvalidUtf8IsReplacedNotFatal) {
  PaperRecord p = testing::paper("2001.00001", 1, "a", "sha", 1);
  p.figures[0].caption_text = "bad \xff byte";
  p.title = "title \xfe";
  write({p});
  EXPECT_NE(export_of("figures").find("bad \xEF\xBF\xBD byte"), std::string::npos);
  EXPECT_NE(export_of("papers").find("title \xEF\xBF\xBD"), std::string::npos);
}

TEST_F(StoreExport, UnknownWhatOrFormatListsTheValidValues) {
  std::ostringstream out;
  Status bad_what = store_->export_rows("blobs", "jsonl", out);
  EXPECT_EQ(bad_what.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_what.message().find("figures, images, papers, metadata, errors"),
            std::string::npos);
  Status bad_format = store_->export_rows("figures", "xml", out);
  EXPECT_EQ(bad_format.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_format.message().find("jsonl, csv"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

TEST_F(StoreExport, EmptyMeshExportsNothingOrJustTheHeader) {
  EXPECT_EQ(export_of("figures"), "");
  EXPECT_EQ(export_of("images", "csv"),
            "paper,path,sha256,size,format,width_px,height_px,width_pt,height_pt,pages,creator,"
            "color,used_by_figure,error,thumbnail,thumbnail_error,raster_width,raster_height,"
            "thumbnail_blank,thumbnail_ms\r\n");
}

}  // namespace
}  // namespace imagemesh::store

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "cli/commands.h"
#include "core/log.h"
#include "imaging/contact_sheet.h"
#include "store/store.h"
#include "store/thumbnail_store.h"

namespace imagemesh::cli {
namespace {

struct ContactSheetArgs {
  std::string mesh_dir;
  std::string output;
  std::string format;
  std::string outcome = "any";
  int limit = 200;
  imaging::ContactSheetOptions sheet;
};

// The index beside the sheet: where each cell is and what it shows. Tabs and newlines in file names
// or error texts become spaces so that every cell is one line.
std::string index_line(size_t cell, int columns, const store::Store::ThumbnailEntry& entry) {
  auto field = [](std::string text) {
    for (char& c : text) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return text;
  };
  return std::to_string(cell + 1) + "\t" + std::to_string(cell / columns + 1) + "\t" +
         std::to_string(cell % columns + 1) + "\t" + entry.format + "\t" + entry.status + "\t" +
         (entry.blank ? "yes" : "no") + "\t" + field(entry.paper_id) + "\t" + field(entry.path) +
         "\t" + field(entry.error) + "\t" + entry.sha256 + "\n";
}

std::string index_path_for(const std::string& output) {
  const std::filesystem::path path(output);
  return (path.parent_path() / path.stem()).string() + ".tsv";
}

int run(const ContactSheetArgs& args) {
  auto store = store::Store::open_read_only(args.mesh_dir);
  if (!store.ok()) {
    log::error("{} (run `imagemesh ingest --mesh {} SOURCES...` first)", store.status().to_string(),
               args.mesh_dir);
    return 1;
  }
  using Outcome = store::Store::ThumbnailFilter::Outcome;
  static const std::map<std::string, Outcome> kOutcomes = {{"any", Outcome::kAny},
                                                           {"ok", Outcome::kOk},
                                                           {"failed", Outcome::kFailed},
                                                           {"blank", Outcome::kBlank}};
  store::Store::ThumbnailFilter filter{args.format, kOutcomes.at(args.outcome), args.limit};
  auto entries = (*store)->list_thumbnails(filter);
  if (!entries.ok()) {
    log::error("{}", entries.status().to_string());
    return 1;
  }
  if (entries->empty()) {
    log::error("no converted images match (format '{}', outcome {}); ingest without --no-convert",
               args.format.empty() ? "any" : args.format, args.outcome);
    return 1;
  }
  store::ThumbnailStore thumbnails(args.mesh_dir);
  std::vector<imaging::ContactSheetCell> cells;
  std::string index = "cell\trow\tcolumn\tformat\tstatus\tblank\tpaper\tpath\terror\tsha256\n";
  for (const auto& entry : *entries) {
    imaging::ContactSheetCell cell;
    if (entry.status == "ok") {
      auto web = thumbnails.get(entry.sha256, "web", "webp");
      if (web.ok()) cell.webp = std::move(*web);
    }
    cell.flagged = entry.status != "ok" || entry.blank;
    index += index_line(cells.size(), args.sheet.columns, entry);
    cells.push_back(std::move(cell));
  }
  auto sheet = imaging::make_contact_sheet(cells, args.sheet);
  if (!sheet.ok()) {
    log::error("{}", sheet.status().to_string());
    return sheet.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  std::ofstream file(args.output, std::ios::binary);
  file.write(sheet->data(), static_cast<std::streamsize>(sheet->size()));
  if (!file.flush()) {
    log::error("cannot write {}", args.output);
    return 1;
  }
  const std::string index_path = index_path_for(args.output);
  std::ofstream index_file(index_path, std::ios::binary);
  index_file << index;
  if (!index_file.flush()) {
    log::error("cannot write {}", index_path);
    return 1;
  }
  log::info("wrote {} thumbnails to {} ({} rows of {}); which is which: {}", cells.size(),
            args.output, (cells.size() + args.sheet.columns - 1) / args.sheet.columns,
            args.sheet.columns, index_path);
  return 0;
}

}  // namespace

void add_contact_sheet_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<ContactSheetArgs>();
  auto* cmd = app.add_subcommand("contact-sheet",
                                 "Lay converted thumbnails out on one JPEG page to look at them");
  cmd->footer(
      "Images are ordered by format, then paper and path. Failed conversions are hatched cells "
      "and, "
      "like blank ones, framed in red. An index beside the JPEG (same name, .tsv) gives each "
      "cell's row, column, paper, path and error.\n"
      "Example: imagemesh contact-sheet --mesh mesh/ --format eps -o eps.jpg");
  cmd->add_option("--mesh", args->mesh_dir, "Mesh folder")->required();
  cmd->add_option("-o,--output", args->output, "JPEG file to write")->required();
  cmd->add_option("--format", args->format, "Only this image format (png, pdf, eps, ps, svg ...)");
  cmd->add_option("--outcome", args->outcome, "any | ok | failed | blank")
      ->capture_default_str()
      ->check(CLI::IsMember({"any", "ok", "failed", "blank"}));
  cmd->add_option("-n,--limit", args->limit, "Maximum number of images")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--columns", args->sheet.columns, "Images per row")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--cell", args->sheet.cell, "Cell size in pixels")
      ->capture_default_str()
      ->check(CLI::Range(16, 2048));
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli

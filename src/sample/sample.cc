#include "sample/sample.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "core/hash.h"
#include "core/safe_path.h"
#include "ingest/archive_writer.h"
#include "sample/bulk_layout.h"
#include "sample/json_lines.h"

namespace imagemesh::sample {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kImageExtensions = {"eps",  "ps",  "pdf", "svg",  "png", "jpg",
                                                "jpeg", "gif", "tif", "tiff", "bmp", "webp"};

// A generated paper reduced to what the corpus needs: its packed bytes, its lines in the truth and
// metadata files, and its counts.
struct PackedPaper {
  std::string id;
  std::string member_name;
  std::string bytes;
  std::string truth;
  std::string metadata;  // empty for papers without an arXiv id
  int files = 0, figures = 0, subfigures = 0, graphics = 0;
  std::map<std::string, int> images;
};

Result<PackedPaper> generate_and_pack(const PaperSlot& slot) {
  IM_ASSIGN_OR_RETURN(SamplePaper paper, make_paper(slot));
  PackedPaper packed;
  packed.id = slot.id;
  packed.member_name = member_name(slot);
  switch (slot.submission) {
    case SubmissionKind::kTarGz:
    case SubmissionKind::kOtherTarGz: {
      IM_ASSIGN_OR_RETURN(packed.bytes, ingest::write_tar_gz(paper.files));
      break;
    }
    case SubmissionKind::kSingleGz: {
      IM_ASSIGN_OR_RETURN(packed.bytes, ingest::gzip_bytes(paper.files.at(0).bytes));
      break;
    }
    case SubmissionKind::kPdfOnly:
      packed.bytes = paper.files.at(0).bytes;
      break;
  }
  packed.truth = truth_lines(paper);
  if (slot.submission != SubmissionKind::kOtherTarGz) packed.metadata = snapshot_line(paper);
  packed.files = static_cast<int>(paper.files.size());
  for (const auto& file : paper.files) {
    std::string extension = lower_extension(file.path);
    if (kImageExtensions.count(extension)) ++packed.images[extension];
  }
  packed.figures = static_cast<int>(paper.figures.size());
  for (const auto& figure : paper.figures) {
    packed.subfigures += static_cast<int>(figure.subfigures.size());
    packed.graphics += static_cast<int>(figure.graphics.size());
    for (const auto& sub : figure.subfigures)
      packed.graphics += static_cast<int>(sub.graphics.size());
  }
  return packed;
}

// Generates `slots` of the plan on `threads` threads; results in slot order.
Result<std::vector<PackedPaper>> generate_all(const std::vector<PaperSlot>& plan,
                                              const std::vector<size_t>& slots, int threads) {
  std::vector<std::optional<Result<PackedPaper>>> results(slots.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < slots.size(); i = next++) {
      results[i].emplace(generate_and_pack(plan[slots[i]]));
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < threads && static_cast<size_t>(t) < slots.size(); ++t)
    workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  std::vector<PackedPaper> papers;
  for (auto& result : results) {
    if (!result->ok()) return result->status();
    papers.push_back(std::move(*result).value());
  }
  return papers;
}

Status write_whole_file(const fs::path& path, std::string_view bytes, uint64_t* written) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return error(ErrorCode::kIo, "cannot write " + path.string());
  *written += bytes.size();
  return Status::Ok();
}

// The out folder must be new, empty, or an earlier sample (whose outputs are then removed).
Status prepare_out_dir(const fs::path& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) {
      return error(ErrorCode::kInvalidArgument, out.string() + " exists and is not a folder");
    }
    const bool empty = fs::is_empty(out, ec);
    if (!empty) {
      if (!fs::exists(out / "truth" / "figures.jsonl", ec)) {
        return error(ErrorCode::kInvalidArgument,
                     out.string() + " is not empty and holds no earlier sample; refusing to write");
      }
      for (const char* name : {"arxiv", "other", "truth", "metadata"})
        fs::remove_all(out / name, ec);
    }
  }
  for (const char* name : {"arxiv", "other", "truth", "metadata"}) {
    fs::create_directories(out / name, ec);
    if (ec)
      return error(ErrorCode::kIo, "cannot create " + (out / name).string() + ": " + ec.message());
  }
  return Status::Ok();
}

void count_into(SampleSummary& summary, const PackedPaper& paper) {
  summary.papers += 1;
  summary.files += paper.files;
  summary.figures += paper.figures;
  summary.subfigures += paper.subfigures;
  summary.graphics += paper.graphics;
  for (const auto& [extension, count] : paper.images) summary.images_by_format[extension] += count;
}

}  // namespace

Result<SampleSummary> write_sample_corpus(const SampleOptions& options) {
  if (options.out_dir.empty()) return error(ErrorCode::kInvalidArgument, "--out is required");
  if (options.members_per_tar < 1) {
    return error(ErrorCode::kInvalidArgument, "members per tar must be at least 1");
  }
  if (options.papers < 1 || options.papers > kMaxSamplePapers) {
    return error(ErrorCode::kInvalidArgument,
                 "--papers must be between 1 and " + std::to_string(kMaxSamplePapers));
  }
  const fs::path out(options.out_dir);
  IM_RETURN_IF_ERROR(prepare_out_dir(out));
  int threads = options.threads > 0
                    ? options.threads
                    : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);

  const std::vector<PaperSlot> plan = plan_papers(options.papers, options.seed);
  SampleSummary summary;
  std::map<std::string, std::string> truth_by_id, metadata_by_id;

  std::vector<ManifestEntry> manifest;
  for (const BulkChunk& chunk :
       plan_bulk_chunks(plan, static_cast<size_t>(options.members_per_tar))) {
    IM_ASSIGN_OR_RETURN(std::vector<PackedPaper> papers, generate_all(plan, chunk.slots, threads));
    std::vector<ingest::ArchiveEntry> members;
    Hasher content(HashKind::kMd5);
    for (auto& paper : papers) {
      count_into(summary, paper);
      summary.arxiv_papers += 1;
      content.update(paper.bytes);
      truth_by_id[paper.id] = std::move(paper.truth);
      metadata_by_id[paper.id] = std::move(paper.metadata);
      members.push_back({std::move(paper.member_name), std::move(paper.bytes)});
    }
    IM_ASSIGN_OR_RETURN(std::string tar, ingest::write_bulk_tar(std::move(members)));
    IM_RETURN_IF_ERROR(write_whole_file(out / "arxiv" / chunk.file_name(), tar, &summary.bytes));
    ManifestEntry entry;
    entry.content_md5 = content.hex_digest();
    entry.file_name = chunk.file_name();
    entry.first_item = plan[chunk.slots.front()].stem;
    entry.last_item = plan[chunk.slots.back()].stem;
    entry.md5 = md5_hex(tar);
    entry.num_items = static_cast<int>(chunk.slots.size());
    entry.seq_num = chunk.seq;
    entry.size = tar.size();
    entry.yymm = chunk.yymm;
    manifest.push_back(std::move(entry));
    summary.bulk_tars += 1;
  }
  if (!manifest.empty()) {
    IM_RETURN_IF_ERROR(write_whole_file(out / "arxiv" / "arXiv_src_manifest.xml",
                                        manifest_xml(manifest), &summary.bytes));
  }

  std::vector<size_t> others;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].submission == SubmissionKind::kOtherTarGz) others.push_back(i);
  }
  IM_ASSIGN_OR_RETURN(std::vector<PackedPaper> other_papers, generate_all(plan, others, threads));
  for (auto& paper : other_papers) {
    count_into(summary, paper);
    summary.other_papers += 1;
    truth_by_id[paper.id] = std::move(paper.truth);
    IM_RETURN_IF_ERROR(
        write_whole_file(out / "other" / paper.member_name, paper.bytes, &summary.bytes));
  }

  // Sorted by paper id, like the exporter's rows.
  std::string truth, metadata;
  for (const auto& [id, lines] : truth_by_id) truth += lines;
  for (const auto& [id, line] : metadata_by_id) metadata += line;
  IM_RETURN_IF_ERROR(write_whole_file(out / "truth" / "figures.jsonl", truth, &summary.bytes));
  IM_RETURN_IF_ERROR(
      write_whole_file(out / "metadata" / "sample-snapshot.jsonl", metadata, &summary.bytes));
  return summary;
}

std::string describe(const SampleSummary& s) {
  std::string images;
  for (const auto& [extension, count] : s.images_by_format) {
    images += (images.empty() ? "" : " ") + extension + ":" + std::to_string(count);
  }
  return std::to_string(s.papers) + " papers (" + std::to_string(s.arxiv_papers) + " arXiv, " +
         std::to_string(s.other_papers) + " other) in " + std::to_string(s.bulk_tars) +
         " bulk tars; " + std::to_string(s.files) + " files; images " + images + "; " +
         std::to_string(s.figures) + " figures (" + std::to_string(s.subfigures) +
         " sub-figures, " + std::to_string(s.graphics) + " graphics)";
}

}  // namespace imagemesh::sample

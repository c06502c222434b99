#include "ingest/reader_paper_files.h"

#include <algorithm>

namespace imagemesh::ingest {

Status PaperFileSet::count_entry() {
  if (++entries_ > limits_.max_files_per_paper) {
    return error(ErrorCode::kTooLarge, "more than " + std::to_string(limits_.max_files_per_paper) +
                                           " entries in one paper");
  }
  return Status::Ok();
}

void PaperFileSet::problem(const std::string& item, ErrorCode code, std::string message) {
  paper_.problems.push_back({item, std::string(error_code_name(code)), std::move(message)});
}

Result<bool> PaperFileSet::admit(const std::string& item, uint64_t declared_size) {
  if (declared_size > limits_.max_file_bytes) {
    problem(item, ErrorCode::kTooLarge,
            std::to_string(declared_size) + " bytes exceeds the file limit of " +
                std::to_string(limits_.max_file_bytes));
    return false;
  }
  if (total_ + declared_size > limits_.max_paper_bytes) return paper_too_large();
  return true;
}

uint64_t PaperFileSet::room_for_next_file() const {
  uint64_t room = limits_.max_paper_bytes - std::min(total_, limits_.max_paper_bytes);
  return std::min(limits_.max_file_bytes, room);
}

Status PaperFileSet::store(const std::string& path, std::string bytes) {
  auto [it, inserted] = files_.try_emplace(path);
  if (!inserted) total_ -= it->second.size();
  total_ += bytes.size();
  it->second = std::move(bytes);
  if (total_ > limits_.max_paper_bytes) return paper_too_large();
  return Status::Ok();
}

const std::string* PaperFileSet::find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

void PaperFileSet::skip_too_large(const std::string& item) {
  problem(item, ErrorCode::kTooLarge,
          "more than the file limit of " + std::to_string(limits_.max_file_bytes) + " bytes");
}

Status PaperFileSet::paper_too_large() const {
  return error(ErrorCode::kTooLarge, "files exceed the paper limit of " +
                                         std::to_string(limits_.max_paper_bytes) + " bytes");
}

void PaperFileSet::finish() {
  paper_.files.reserve(paper_.files.size() + files_.size());
  for (auto& [path, bytes] : files_) paper_.files.push_back({path, std::move(bytes)});
  files_.clear();
  paper_.unpacked_bytes = total_;
}

}  // namespace imagemesh::ingest

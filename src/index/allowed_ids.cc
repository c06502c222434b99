#include "index/allowed_ids.h"

#include <algorithm>

namespace imagemesh::index {

AllowedIds::AllowedIds(std::vector<uint32_t> ids) : ids_(std::move(ids)) {
  // Callers mostly pass ascending ids already (the explorer's filtered rows): checking is one
  // pass, sorting 1 M ids again ~60 ms.
  if (!std::is_sorted(ids_.begin(), ids_.end())) std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  if (ids_.empty()) return;
  bits_.assign((static_cast<size_t>(ids_.back()) >> 6) + 1, 0);
  for (uint32_t id : ids_) bits_[id >> 6] |= uint64_t{1} << (id & 63);
}

}  // namespace imagemesh::index

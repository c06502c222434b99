#include "query/dictionary.h"

namespace imagemesh::query {

uint32_t Dictionary::intern(std::string_view value) {
  auto found = codes_.find(std::string(value));
  if (found != codes_.end()) return found->second;
  const auto code = static_cast<uint32_t>(values_.size());
  values_.emplace_back(value);
  codes_.emplace(values_.back(), code);
  return code;
}

std::optional<uint32_t> Dictionary::find(std::string_view value) const {
  auto found = codes_.find(std::string(value));
  if (found == codes_.end()) return std::nullopt;
  return found->second;
}

void CodeSet::insert(uint32_t code) {
  if (code >= bits_.size()) bits_.resize(code + 1, false);
  if (!bits_[code]) ++count_;
  bits_[code] = true;
}

}  // namespace imagemesh::query

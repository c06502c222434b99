// Interning of the catalogue's repeated strings (formats, categories, licences, creators,
// prediction labels): each distinct value gets a dense code, so the per-image columns are small
// integers and a filter is a set of codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace imagemesh::query {

class Dictionary {
 public:
  // The code of `value`, adding it when new. Codes are 0, 1, 2 ... in order of first appearance.
  uint32_t intern(std::string_view value);
  std::optional<uint32_t> find(std::string_view value) const;
  const std::string& value(uint32_t code) const { return values_[code]; }
  size_t size() const { return values_.size(); }

 private:
  std::vector<std::string> values_;
  std::unordered_map<std::string, uint32_t> codes_;
};

// A set of codes with O(1) membership.
class CodeSet {
 public:
  void insert(uint32_t code);
  bool contains(uint32_t code) const { return code < bits_.size() && bits_[code]; }
  bool empty() const { return count_ == 0; }

 private:
  std::vector<bool> bits_;
  size_t count_ = 0;
};

}  // namespace imagemesh::query

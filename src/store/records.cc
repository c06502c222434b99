#include "store/records.h"

namespace imagemesh::store {

std::string MetadataAuthor::display() const {
  std::string out = forenames;
  if (!keyname.empty()) out += (out.empty() ? "" : " ") + keyname;
  if (!suffix.empty()) out += (out.empty() ? "" : " ") + suffix;
  return out;
}

}  // namespace imagemesh::store

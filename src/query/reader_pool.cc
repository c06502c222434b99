#include "query/reader_pool.h"

#include <algorithm>

namespace imagemesh::query {

Result<std::unique_ptr<ReaderPool>> ReaderPool::open(const std::string& mesh_dir, int connections) {
  auto pool = std::make_unique<ReaderPool>();
  for (int i = 0; i < std::max(1, connections); ++i) {
    IM_ASSIGN_OR_RETURN(auto reader, store::CatalogReader::open(mesh_dir));
    pool->idle_.push_back(std::move(reader));
  }
  return pool;
}

ReaderPool::Lease ReaderPool::lease() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty(); });
  auto reader = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(reader));
}

void ReaderPool::give_back(std::unique_ptr<store::CatalogReader> reader) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(reader));
  }
  available_.notify_one();
}

}  // namespace imagemesh::query

// A fixed set of read-only database connections shared by the engine's concurrent queries: a
// query leases one (waiting when all are busy) and gives it back when the lease ends.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/catalog_reader.h"

namespace imagemesh::query {

class ReaderPool {
 public:
  [[nodiscard]] static Result<std::unique_ptr<ReaderPool>> open(const std::string& mesh_dir,
                                                                int connections);

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<store::CatalogReader> reader)
        : pool_(&pool), reader_(std::move(reader)) {}
    Lease(Lease&&) = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (reader_) pool_->give_back(std::move(reader_));
    }
    store::CatalogReader& operator*() const { return *reader_; }
    store::CatalogReader* operator->() const { return reader_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<store::CatalogReader> reader_;
  };

  Lease lease();

 private:
  void give_back(std::unique_ptr<store::CatalogReader> reader);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<store::CatalogReader>> idle_;
};

}  // namespace imagemesh::query

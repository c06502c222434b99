// Turns SIGINT/SIGTERM into a cancellation flag for the lifetime of the object, so long jobs stop
// cleanly (committing what is done). A second signal restores the default action and re-raises it:
// pressing Ctrl-C twice always ends the program. Signal handlers can only reach process-wide state,
// so the flag is one static atomic; only one CancelOnSignal may exist at a time.
#pragma once

#include <atomic>

namespace imagemesh::cli {

class CancelOnSignal {
 public:
  CancelOnSignal();
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;
  const std::atomic<bool>& flag() const;
};

}  // namespace imagemesh::cli

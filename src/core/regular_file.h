// Reading an untrusted file whole, safely: never blocking on a FIFO, never a device, optionally
// never through a symbolic link, never more than a cap.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace imagemesh {

// Opens `name` relative to `dir_fd` (AT_FDCWD for a plain path) with O_NONBLOCK, and O_NOFOLLOW
// when `no_follow`, checks with fstat that it is a regular file (never a FIFO, device or, with
// no_follow, a symlink: kUnsafePath) no larger than `cap` (kTooLarge), and reads it whole.
// kNotFound for a missing file; kIo when the system refuses. A file that shrinks while it is read
// gives what was there.
Result<std::string> read_regular_file(int dir_fd, const std::string& name, uint64_t cap,
                                      bool no_follow);

}  // namespace imagemesh

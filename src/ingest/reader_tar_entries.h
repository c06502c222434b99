// The files of a paper tar, read from a stream into a PaperSource. Internal to ingest.
#pragma once

#include "core/status.h"
#include "ingest/reader_streams.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {

// Reads every entry of the (uncompressed) tar in `input` into `paper.files` (sorted by path).
// Directories are skipped silently. Links, devices, FIFOs, unsafe names and files over
// max_file_bytes become entries of `paper.problems`; an internal hard link to a file already read
// is kept as a copy. Fails as a whole (kTooLarge) beyond max_paper_bytes or max_files_per_paper
// entries, and with the stream's own error when the tar or the data below it is broken.
Status read_tar_entries(ByteStream& input, const Limits& limits, PaperSource& paper);

}  // namespace imagemesh::ingest

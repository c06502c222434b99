// The Ghostscript command line, and why (measured with gs 10.0 on the corpus, see the report in
// ghostscript_test.cc's timing test):
//  * -sDEVICE=ppmraw to stdout: no zlib on either side. png16m costs 10-200 ms more per figure
//    for compressing pixels that libvips will decode again at once.
//  * input from a file in the private directory, not stdin: gs reads a stdin program much more
//    slowly (+80..150 ms per figure), and -dEPSCrop works either way.
//  * -dEPSCrop only acts on files whose first line says EPSF; a plain PS file with a BoundingBox
//    (IDL, GIMP) gets a fixed media of the box size and a translate to its origin instead, which
//    is what ImageMagick's ps coder does.
//  * -dLastPage=1 stops output, not interpretation: gs goes on running later pages (an endless
//    page 2 would run to the timeout). So the parent stops gs as soon as page 1's PPM is complete.
//  * -sstdout=%stderr: PostScript `print` output must not mix into the image on stdout.
//  * No BoundingBox: -sPAPERSIZE=letter, not the machine's libpaper default, for stable sizes.
#include "imaging/ghostscript.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/subprocess.h"
#include "imaging/facts_util.h"

namespace imagemesh::imaging {

namespace {

using facts::slice;

constexpr size_t kMaxHeaderScan = 256 * 1024;
constexpr size_t kMaxLogBytes = 8 * 1024;
constexpr double kLetterShortSidePt = 612;

struct Box {
  double llx = 0, lly = 0, urx = 0, ury = 0;
  double width() const { return urx - llx; }
  double height() const { return ury - lly; }
};

// gs treats a file as EPS (and honours -dEPSCrop) when its first bytes read "%!PS-Adobe-" and
// "EPSF" occurs within the length of "%!PS-Adobe-X.X EPSF-X.X" (gs_epsf.ps, /run).
bool gs_sees_eps(std::string_view ps) {
  return slice(ps, 0, 11) == "%!PS-Adobe-" && slice(ps, 0, 23).find("EPSF") != std::string::npos;
}

// A box gs can crop to: positive and sane width and height.
std::optional<Box> parse_box(std::string_view value) {
  auto numbers = facts::parse_box_numbers(value);
  if (!numbers) return std::nullopt;
  Box box{(*numbers)[0], (*numbers)[1], (*numbers)[2], (*numbers)[3]};
  if (!(box.width() > 0 && box.height() > 0 && box.width() < 1e7 && box.height() < 1e7)) {
    return std::nullopt;
  }
  return box;
}

// %%BoundingBox of the header (or, when it says "(atend)", the last one in the file).
std::optional<Box> bounding_box(std::string_view ps) {
  constexpr std::string_view kKey = "%%BoundingBox:";
  bool atend = false;
  size_t at = 0;
  std::string_view header = slice(ps, 0, kMaxHeaderScan);
  while (at < header.size()) {
    size_t end = header.find_first_of("\r\n", at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view line = slice(header, at, end - at);
    at = end + 1;
    if (slice(line, 0, 13) == "%%EndComments" || slice(line, 0, 7) == "%%Page:") break;
    if (slice(line, 0, kKey.size()) != kKey) continue;
    std::string_view value = facts::trim(slice(line, kKey.size()));
    if (slice(value, 0, 7) == "(atend)") {
      atend = true;
      break;
    }
    return parse_box(value);
  }
  if (!atend) return std::nullopt;
  size_t last = ps.rfind(kKey);
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view rest = slice(ps, last + kKey.size());
  return parse_box(slice(rest, 0, rest.find_first_of("\r\n")));
}

struct PpmHeader {
  int width = 0, height = 0;
  size_t pixel_offset = 0;
  size_t total_size() const { return pixel_offset + size_t(width) * size_t(height) * 3; }
};

// Parses "P6 <w> <h> 255" with '#' comments, as gs writes it. nullopt: not complete yet (or not a
// P6 8-bit header: the caller then sees an incomplete image).
std::optional<PpmHeader> parse_ppm_header(std::string_view data) {
  if (slice(data, 0, 2) != "P6") return std::nullopt;
  size_t at = 2;
  std::array<long, 3> numbers{};
  for (long& number : numbers) {
    while (at < data.size()) {
      char c = data[at];
      if (c == '#') {
        size_t eol = data.find('\n', at);
        if (eol == std::string_view::npos) return std::nullopt;
        at = eol + 1;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++at;
      } else {
        break;
      }
    }
    auto [next, ec] = std::from_chars(data.data() + at, data.data() + data.size(), number);
    if (ec != std::errc() || next == data.data() + data.size()) return std::nullopt;
    at = static_cast<size_t>(next - data.data());
  }
  if (numbers[0] <= 0 || numbers[1] <= 0 || numbers[0] > 1 << 20 || numbers[1] > 1 << 20 ||
      numbers[2] != 255 || at >= data.size()) {
    return std::nullopt;
  }
  return PpmHeader{static_cast<int>(numbers[0]), static_cast<int>(numbers[1]), at + 1};
}

std::string format_seconds(int ms) {
  char text[32];
  if (ms % 1000 == 0) {
    std::snprintf(text, sizeof text, "%d s", ms / 1000);
  } else {
    std::snprintf(text, sizeof text, "%.1f s", ms / 1000.0);
  }
  return text;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

// The line that says what went wrong ("Error: /invalidfileaccess in --file--"), else the first
// non-empty line of the log.
std::string error_line(std::string_view log) {
  std::string_view first;
  size_t at = 0;
  while (at < log.size()) {
    size_t end = log.find('\n', at);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = facts::trim(slice(log, at, end - at));
    at = end + 1;
    if (line.find("Error:") != std::string_view::npos) return std::string(slice(line, 0, 200));
    if (first.empty() && !line.empty()) first = line;
  }
  return std::string(slice(first, 0, 200));
}

Status write_input(const std::string& path, std::string_view ps) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return error(ErrorCode::kIo, "cannot write " + path);
  size_t done = 0;
  while (done < ps.size()) {
    ssize_t n = ::write(fd, ps.data() + done, ps.size() - done);
    if (n <= 0) {
      ::close(fd);
      return error(ErrorCode::kIo, "cannot write " + path);
    }
    done += static_cast<size_t>(n);
  }
  return ::close(fd) == 0 ? Status::Ok() : error(ErrorCode::kIo, "cannot write " + path);
}

struct Plan {
  std::optional<Box> box;  // crop to this (origin used for plain PS only)
  bool eps = false;
  double dpi = 0;
  size_t max_output = 0;
};

Plan plan_render(std::string_view ps, const ImageFacts& image, const GhostscriptOptions& options) {
  Plan plan;
  plan.eps = gs_sees_eps(ps);
  plan.box = bounding_box(ps);
  // The fact reader's size refines the box (HiResBoundingBox) and covers %%DocumentMedia.
  if (image.width_pt > 0 && image.height_pt > 0) {
    if (!plan.box) plan.box = Box{0, 0, image.width_pt, image.height_pt};
  }
  const int short_side = std::max(options.short_side, 1);
  const int long_cap = std::max(options.max_long_side, short_side);
  if (plan.box) {
    double w = plan.box->width(), h = plan.box->height();
    plan.dpi = 72.0 * short_side / std::min(w, h);
    if (std::max(w, h) * plan.dpi / 72.0 > long_cap) plan.dpi = 72.0 * long_cap / std::max(w, h);
    if (options.max_dpi > 0) plan.dpi = std::min(plan.dpi, options.max_dpi);
    // Rounding (gs rounds each side up) plus the PPM header.
    double pixels = (w * plan.dpi / 72.0 + 2) * (h * plan.dpi / 72.0 + 2);
    plan.max_output = static_cast<size_t>(pixels * 3) + 4096;
  } else {
    plan.dpi = 72.0 * short_side / kLetterShortSidePt;
    if (options.max_dpi > 0) plan.dpi = std::min(plan.dpi, options.max_dpi);
    // A document may ask for any page size: bound the page at 4x the cap on each side.
    plan.max_output = size_t(4) * long_cap * 4 * long_cap * 3 + 4096;
  }
  return plan;
}

std::vector<std::string> gs_command(const GhostscriptOptions& options, const Plan& plan,
                                    const std::string& input) {
  std::vector<std::string> argv = {options.gs_path,
                                   "-dSAFER",  // file and %pipe% access refused: never NOSAFER
                                   "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dNOPROMPT",
                                   "-sstdout=%stderr", "-dFirstPage=1", "-dLastPage=1",
                                   "-sDEVICE=ppmraw", "-r" + format_number(plan.dpi),
                                   "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
                                   // PostScript's own colour conversions instead of ICC links:
                                   // gray and RGB render identically, CMYK by PostScript's
                                   // formula 1 - min(1, c + k) (the seed's chain converted CMYK
                                   // naively too). Building the CMYK ICC link costs ~80 ms per
                                   // process, more than most figures take to render
                                   // (docs/thumbnails.md).
                                   "-dUseFastColor=true",
                                   // Fonts from Ghostscript's own Fontmap only, not fontconfig's
                                   // system list: ~8 ms less per process, and the corpus' 207
                                   // EPS/PS files render byte-identically either way.
                                   "-dNONATIVEFONTMAP", "-sOutputFile=-"};
  if (!plan.box) {
    // Not the system default (libpaper: A4 here), so the dpi computed for letter holds.
    argv.push_back("-sPAPERSIZE=letter");
  } else {
    argv.push_back("-dEPSCrop");
    if (!plan.eps) {
      argv.push_back("-dDEVICEWIDTHPOINTS=" + format_number(plan.box->width()));
      argv.push_back("-dDEVICEHEIGHTPOINTS=" + format_number(plan.box->height()));
      argv.push_back("-dFIXEDMEDIA");
      argv.push_back("-c");
      argv.push_back(format_number(-plan.box->llx) + " " + format_number(-plan.box->lly) +
                     " translate");
      argv.push_back("-f");
    }
  }
  argv.push_back(input);
  return argv;
}

}  // namespace

Result<GhostscriptRaster> render_postscript(std::string_view bytes, const ImageFacts& facts,
                                            const GhostscriptOptions& options) {
  IM_ASSIGN_OR_RETURN(std::string_view ps, facts::postscript_section(bytes));
  Plan plan = plan_render(ps, facts, options);

  // root/input.ps is the program; root/work is gs's empty working and temp directory.
  IM_ASSIGN_OR_RETURN(ScopedTempDir root, ScopedTempDir::create(options.scratch_root, "gs-"));
  const std::string input = root.path() + "/input.ps";
  const std::string work = root.path() + "/work";
  IM_RETURN_IF_ERROR(write_input(input, ps));
  if (::mkdir(work.c_str(), 0700) != 0) return error(ErrorCode::kIo, "cannot create " + work);

  SubprocessOptions run;
  run.argv = gs_command(options, plan, input);
  run.env = {"PATH=/usr/bin:/bin", "LC_ALL=C", "TMPDIR=" + work};  // no GS_OPTIONS, GS_LIB, HOME
  run.working_dir = work;
  run.timeout_ms = options.timeout_ms;
  run.max_stdout_bytes = plan.max_output;
  run.max_stderr_bytes = 64 * 1024;
  run.limits.cpu_seconds = std::max(1, options.timeout_ms / 1000 + 2);  // backs up the wall clock
  run.limits.address_space_bytes = options.max_memory_bytes;
  run.limits.file_size_bytes = 64u << 20;  // gs writes nothing but temp files
  run.limits.open_files = 128;
  run.stop_when = [](std::string_view out) {
    std::optional<PpmHeader> header = parse_ppm_header(out);
    return header && out.size() >= header->total_size();
  };
  IM_ASSIGN_OR_RETURN(SubprocessResult result, run_subprocess(run));

  GhostscriptRaster raster;
  raster.wall_ms = result.wall_ms;
  raster.dpi = plan.dpi;
  raster.log = result.stderr_bytes.substr(0, kMaxLogBytes);

  std::optional<PpmHeader> header = parse_ppm_header(result.stdout_bytes);
  bool complete = header && result.stdout_bytes.size() >= header->total_size();
  if (!complete) {
    if (result.timed_out) {
      return error(ErrorCode::kTimeout, "ghostscript did not finish within " +
                                            format_seconds(options.timeout_ms) + "; killed");
    }
    if (result.cpu_exceeded) {
      return error(ErrorCode::kTimeout, "ghostscript exceeded its CPU time limit (" +
                                            std::to_string(run.limits.cpu_seconds) + " s); killed");
    }
    if (result.stdout_truncated) {
      return error(ErrorCode::kTooLarge, "ghostscript page 1 is larger than " +
                                             std::to_string(plan.max_output >> 20) + " MB");
    }
    std::string why = error_line(result.stderr_bytes);
    if (why.empty()) why = result.describe();
    if (result.stdout_bytes.empty()) {
      return error(ErrorCode::kDecodeFailed, "ghostscript produced no page: " + why);
    }
    return error(ErrorCode::kDecodeFailed, "ghostscript output is incomplete: " + why);
  }
  result.stdout_bytes.resize(header->total_size());
  raster.bytes = std::move(result.stdout_bytes);
  raster.pixel_offset = header->pixel_offset;
  raster.width = header->width;
  raster.height = header->height;
  return raster;
}

}  // namespace imagemesh::imaging

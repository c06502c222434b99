# Included by CMakeLists.txt. Sets IMAGEMESH_WEB_VENDOR_LIST (a file of "<path in the page>=<file>"
# lines for embed_web.cmake) and IMAGEMESH_WEB_VENDOR_FILES (those files, for the build's DEPENDS).
#
# KaTeX, which typesets the math of captions and abstracts, ships with the page under vendor/katex/
# from Debian's libjs-katex (and fonts-katex, which it depends on), never from a copy in this
# repository: the script, its CSS, and only the woff2 fonts that CSS names (every browser that runs
# the page's JS modules reads woff2, so the CSS's woff/ttf fallbacks are never fetched).
set(IMAGEMESH_KATEX_DIR "/usr/share/javascript/katex" CACHE PATH
    "libjs-katex's folder: katex.min.js, katex.min.css, fonts/")
set(IMAGEMESH_WEB_VENDOR "")
foreach(katex_file katex.min.js katex.min.css)
  if(NOT EXISTS "${IMAGEMESH_KATEX_DIR}/${katex_file}")
    message(FATAL_ERROR "KaTeX is missing (no ${IMAGEMESH_KATEX_DIR}/${katex_file}): "
                        "install libjs-katex: tools/install-deps.sh")
  endif()
  # katex.min.js is a link to katex.js in the package; the page names it by the link.
  file(REAL_PATH "${IMAGEMESH_KATEX_DIR}/${katex_file}" katex_source)
  list(APPEND IMAGEMESH_WEB_VENDOR "vendor/katex/${katex_file}=${katex_source}")
endforeach()
file(READ "${IMAGEMESH_KATEX_DIR}/katex.min.css" katex_css)
string(REGEX MATCHALL "url\\(fonts/[A-Za-z0-9_-]+\\.woff2\\)" katex_fonts "${katex_css}")
list(REMOVE_DUPLICATES katex_fonts)
if(NOT katex_fonts)
  message(FATAL_ERROR "${IMAGEMESH_KATEX_DIR}/katex.min.css names no woff2 font: is libjs-katex "
                      "complete? (tools/install-deps.sh)")
endif()
foreach(katex_font IN LISTS katex_fonts)
  string(REGEX REPLACE "^url\\(fonts/(.*)\\)$" "\\1" katex_font "${katex_font}")
  if(NOT EXISTS "${IMAGEMESH_KATEX_DIR}/fonts/${katex_font}")
    message(FATAL_ERROR "KaTeX's font ${katex_font} is missing from ${IMAGEMESH_KATEX_DIR}/fonts/: "
                        "install libjs-katex (it brings fonts-katex): tools/install-deps.sh")
  endif()
  file(REAL_PATH "${IMAGEMESH_KATEX_DIR}/fonts/${katex_font}" katex_source)
  list(APPEND IMAGEMESH_WEB_VENDOR "vendor/katex/fonts/${katex_font}=${katex_source}")
endforeach()
# The CSS decides which fonts are embedded: a new package version re-runs the configure step.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${IMAGEMESH_KATEX_DIR}/katex.min.css")
# "<path in the page>=<file>" per line, for embed_web.cmake; rewritten only when it changes.
set(IMAGEMESH_WEB_VENDOR_LIST "${CMAKE_BINARY_DIR}/generated/web_vendor.txt")
list(JOIN IMAGEMESH_WEB_VENDOR "\n" web_vendor_lines)
set(web_vendor_old "")
if(EXISTS "${IMAGEMESH_WEB_VENDOR_LIST}")
  file(READ "${IMAGEMESH_WEB_VENDOR_LIST}" web_vendor_old)
endif()
if(NOT web_vendor_old STREQUAL "${web_vendor_lines}\n")
  file(WRITE "${IMAGEMESH_WEB_VENDOR_LIST}" "${web_vendor_lines}\n")
endif()
set(IMAGEMESH_WEB_VENDOR_FILES "")
foreach(entry IN LISTS IMAGEMESH_WEB_VENDOR)
  string(REGEX REPLACE "^[^=]*=" "" vendor_source "${entry}")
  list(APPEND IMAGEMESH_WEB_VENDOR_FILES "${vendor_source}")
endforeach()

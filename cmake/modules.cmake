# imagemesh_module(NAME DIR dir [DEPS module...] [PRIVATE_LIBS lib...] [PUBLIC_LIBS lib...])
#
# Declares static library imagemesh_<NAME> from the .cc files in DIR (tests, *_test.cc, excluded).
# Its include path is a generated "view" folder that holds symlinks to NAME itself, to core and to
# the modules listed in DEPS, and nothing else: `#include "store/store.h"` from a module that does
# not declare store fails to compile. Third-party libraries are linked PRIVATE, so their headers
# are visible only inside their home module. The view path is exported as IMAGEMESH_VIEW_<NAME>
# so tests of a module compile against the same wall.
function(imagemesh_module name)
  cmake_parse_arguments(M "" "DIR" "DEPS;PRIVATE_LIBS;PUBLIC_LIBS" ${ARGN})
  set(view "${CMAKE_BINARY_DIR}/module_views/${name}")
  file(REMOVE_RECURSE "${view}")
  file(MAKE_DIRECTORY "${view}")
  set(visible ${name} core ${M_DEPS})
  list(REMOVE_DUPLICATES visible)
  foreach(dep IN LISTS visible)
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/src/${dep}" "${view}/${dep}" SYMBOLIC)
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${M_DIR}/*.cc")
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  list(FILTER sources EXCLUDE REGEX "/main\\.cc$")
  if(NOT sources)  # a module being started: keep the graph buildable
    set(placeholder "${CMAKE_BINARY_DIR}/module_views/${name}_empty.cc")
    file(WRITE "${placeholder}" "// ${name} has no sources yet\n")
    set(sources "${placeholder}")
  endif()
  add_library(imagemesh_${name} STATIC ${sources})
  target_include_directories(imagemesh_${name} PRIVATE "${view}")
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(imagemesh_${name} PUBLIC imagemesh_${dep})
  endforeach()
  if(NOT name STREQUAL "core")
    target_link_libraries(imagemesh_${name} PUBLIC imagemesh_core)
  endif()
  if(M_PRIVATE_LIBS)
    target_link_libraries(imagemesh_${name} PRIVATE ${M_PRIVATE_LIBS})
  endif()
  if(M_PUBLIC_LIBS)
    target_link_libraries(imagemesh_${name} PUBLIC ${M_PUBLIC_LIBS})
  endif()
  set(IMAGEMESH_VIEW_${name} "${view}" PARENT_SCOPE)
  set(IMAGEMESH_MODULES ${IMAGEMESH_MODULES} ${name} PARENT_SCOPE)
endfunction()

# imagemesh_test(NAME MODULE module SOURCES file... [LIBS lib...])
# A gtest executable that sees exactly what MODULE sees.
function(imagemesh_test name)
  cmake_parse_arguments(T "" "MODULE" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE "${IMAGEMESH_VIEW_${T_MODULE}}" "${PROJECT_SOURCE_DIR}/tests")
  target_link_libraries(${name} PRIVATE imagemesh_${T_MODULE} GTest::gtest_main ${T_LIBS})
  target_compile_definitions(${name} PRIVATE
    IMAGEMESH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    IMAGEMESH_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
    IMAGEMESH_BINARY="$<TARGET_FILE:imagemesh>")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

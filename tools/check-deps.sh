#!/usr/bin/env bash
# Checks the written dependency rules that the compiler cannot: each third-party library's headers
# are included only from its home module (DEVELOPERS.md). Our own modules are walled by the include
# views of cmake/modules.cmake; third-party headers live in /usr/include, visible to everyone, so
# this script is their wall. Exits 1 listing every violation.
set -euo pipefail
cd "$(dirname "$0")/.."

# header pattern (extended regex on the #include line) -> allowed module folders (space separated)
rules=(
  '<archive(_entry)?\.h>|ingest'
  '<sqlite3\.h>|store'
  '<SQLiteCpp/|store'
  '<nlohmann/|store server cli'
  '<httplib\.h>|server'
  '<simdjson\.h>|ingest'
  '<CLI/|cli'
  '<spdlog/|core'
  '<openssl/|core'
  '<zlib\.h>|core'
  '<vips/|imaging'
  '<pugixml\.hpp>|ingest'
  '<curl/|ingest'
  '<hnswlib/|index'
  '<Eigen/|embed'
  '<Spectra/|embed'
  '<opencv2/|embed'
)

status=0
for rule in "${rules[@]}"; do
  pattern="${rule%%|*}"
  allowed="${rule#*|}"
  while IFS= read -r hit; do
    [ -n "$hit" ] || continue
    file="${hit%%:*}"
    module=$(echo "$file" | cut -d/ -f2)
    case " $allowed " in
      *" $module "*) ;;
      *) echo "check-deps: $file includes ${pattern} (allowed only in: $allowed)"; status=1 ;;
    esac
  done < <(grep -rEn "^#include ${pattern}" src --include='*.cc' --include='*.h' | grep -v '_test\.cc:' || true)
done
[ $status -eq 0 ] && echo "check-deps: every third-party header stays in its home module"
exit $status

#!/usr/bin/env bash
# Builds the fuzz targets (build/fuzz, clang + libFuzzer + ASan + UBSan) and runs them.
#
#   tools/fuzz/run.sh idx 600        fuzz the IDX reader for 600 seconds
#   tools/fuzz/run.sh model 600      fuzz the model loader for 600 seconds
#   tools/fuzz/run.sh all 15         both, one after the other, 15 seconds each (the npm test smoke run)
#
# The seeds come from tools/fuzz/make-corpus.mjs (MNIST headers, our saved model.json); the corpus
# grows in build/fuzz/corpus/<target>. A finding stops the run with a non-zero exit and leaves the
# input in build/fuzz/artifacts/ (replay it: build/fuzz/fuzz_<target> <file>).
# Extra arguments after the time go to libFuzzer (e.g. -jobs=2 -workers=2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build/fuzz"
target="${1:-}"
seconds="${2:-60}"
shift $(($# < 2 ? $# : 2))

case "$target" in
  idx | model) targets=("$target") ;;
  all) targets=(idx model) ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz: the time must be a whole number of seconds, not '$seconds'" >&2; exit 2; }

cxx="${CXX_FUZZ:-clang++}"
command -v "$cxx" >/dev/null || { echo "fuzz: $cxx not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
cmake -S "$root/tools/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$build" -j "$(getconf _NPROCESSORS_ONLN)" >/dev/null

node "$root/tools/fuzz/make-corpus.mjs" "$build/seeds" >/dev/null
mkdir -p "$build/artifacts"

status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  echo "fuzz: $t for ${seconds}s"
  # rss_limit: a model description may legitimately ask for up to kDefaultMemoryLimit (1.5 GiB) of
  # weights before its weights file is checked, and ASan adds its own bookkeeping.
  # Inputs past max_len add nothing: the largest seed is a few KB.
  if ! "$build/fuzz_$t" "$build/corpus/$t" "$build/seeds/$t" \
      -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=4096 -timeout=30 \
      -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 "$@" 2>"$build/$t.log"; then
    status=1
    tail -n 60 "$build/$t.log" >&2
    echo "fuzz: $t FAILED (log: build/fuzz/$t.log)" >&2
  else
    grep -E '^stat::number_of_executed_units|^Done ' "$build/$t.log" || true
    echo "fuzz: $t ok"
  fi
done
exit $status

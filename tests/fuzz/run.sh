#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan, any
# UBSan report fatal, leaks fatal) and runs each for FUZZ_SECONDS (default
# 60) from its seed corpus in tests/fuzz/corpus/TARGET, FUZZ_JOBS targets at
# a time (default: the number of CPUs). Exits non-zero when a target crashed,
# leaked, tripped a sanitizer or a FUZZ_ASSERT, or did not build; the input
# that did it is kept in $FUZZ_OUT/crash-* (printed). The last line is the
# summary: "fuzz: N targets, N runs in S s each, N crashes".
#
#   tests/fuzz/run.sh [TARGET...]        (default: every fuzz-*.c)
#   FUZZ_SECONDS=3600 FUZZ_JOBS=2 tests/fuzz/run.sh config    (a longer run)
#
# Needs clang and its runtime (Debian: clang libclang-rt-dev). The sources
# are configured in a copy (autotools refuse a second, VPATH, build of a
# configured tree); new inputs found are left in $FUZZ_OUT/corpus, not in
# the tree: the seeds stay small.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-$(nproc)}
OUT=${FUZZ_OUT:-$(mktemp -d /tmp/krill-fuzz.XXXXXX)}
CC=${FUZZ_CC:-clang}

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (apt-get install clang libclang-rt-dev)"; exit 1; }

targets=("$@")
if [ ${#targets[@]} = 0 ]; then
  for f in "$TOP"/tests/fuzz/fuzz-*.c; do t=$(basename "$f" .c); targets+=("${t#fuzz-}"); done
fi

# --- build: libocispec.a and libkrill.a with the sanitizers and fuzzer
# coverage, then one program per target.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
src=$OUT/src
mkdir -p "$src" "$OUT/bin"
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - --) | tar -xf - -C "$src"
(
  cd "$src"
  ./autogen.sh >/dev/null 2>&1
  ./configure CC="$CC" CFLAGS="-O1 -g $SAN -fsanitize=fuzzer-no-link" >"$OUT/configure.log" 2>&1
  make -j"$JOBS" libocispec/libocispec.a src/libkrill.a >"$OUT/make.log" 2>&1
) || { echo "fuzz: the build failed, see $OUT/*.log"; tail -n 20 "$OUT/make.log" 2>/dev/null; exit 1; }
libs=$(cd "$src" && pkg-config --libs yajl libseccomp libcap libselinux 2>/dev/null || echo "-lyajl -lseccomp -lcap -lselinux")
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  "$CC" -O1 -g $SAN -fsanitize=fuzzer -std=gnu11 -Wall -Wextra -Werror \
    -I"$src/src" -I"$src/libocispec" -I"$src" -I"$TOP/tests/fuzz" \
    "$TOP/tests/fuzz/fuzz-$t.c" "$src/src/libkrill.a" "$src/libocispec/libocispec.a" $libs \
    -o "$OUT/bin/fuzz-$t" 2>"$OUT/build-$t.log" ||
    { echo "fuzz: fuzz-$t did not build:"; cat "$OUT/build-$t.log"; exit 1; }
done

# --- run: each target from a copy of its seeds, for SECONDS_EACH.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
  local t=$1 rc=0
  mkdir -p "$OUT/corpus/$t" "$OUT/crashes/$t"
  cp "$TOP/tests/fuzz/corpus/$t"/* "$OUT/corpus/$t/" 2>/dev/null || true
  (cd "$OUT/crashes/$t" && "$OUT/bin/fuzz-$t" -max_total_time="$SECONDS_EACH" -timeout=10 \
     -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$OUT/corpus/$t") >"$OUT/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$OUT/$t.rc"
}
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

runs=0 crashes=0
for t in "${targets[@]}"; do
  rc=$(cat "$OUT/$t.rc")
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -n 1)
  n=${n:-0}
  runs=$((runs + n))
  if [ "$rc" = 0 ]; then
    echo "fuzz-$t: $n runs, $(ls "$OUT/corpus/$t" | wc -l) inputs in the corpus, no crash"
  else
    crashes=$((crashes + 1))
    echo "fuzz-$t: FAILED (exit $rc) after $n runs; input: $(ls "$OUT/crashes/$t"/* 2>/dev/null | head -n 3 | tr '\n' ' ')"
    grep -E 'ERROR: |runtime error|FUZZ_ASSERT|SUMMARY' "$OUT/$t.log" | head -n 5
    tail -n 40 "$OUT/$t.log" >"$OUT/$t.tail"
  fi
done
[ "$crashes" = 0 ] && [ -z "${FUZZ_KEEP:-}" ] && [ -z "${FUZZ_OUT:-}" ] && rm -rf "$OUT"
[ "$crashes" = 0 ] || echo "fuzz: logs and inputs kept in $OUT"
echo "fuzz: ${#targets[@]} targets, $runs runs in ${SECONDS_EACH} s each, $crashes crashes"
[ "$crashes" = 0 ]

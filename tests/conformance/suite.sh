#!/bin/bash
# suite.sh RUNTIME OUTDIR EXPECTED PREFIX RESULTS: runs the OCI runtime-tools
# validation suite (../shared/conformance/run.sh: builds once, runs each
# test from a cgroup of its own) against RUNTIME, runs once more each test
# that EXPECTED marks "expected" and that failed (killsig races in the suite
# itself), and appends the verdicts to RESULTS as tests/run.sh result lines
# (results.sh: "ok PREFIX/test", "not ok ...", "skip ... # why").  Prints one
# line: "validation suite PREFIX: N passed, N failed, N skipped".
# Exit status 1 when a test marked "expected" did not pass.
# CONFORMANCE_DIR: the suite's directory (default ../shared/conformance).
set -u
here=$(cd "$(dirname "$0")" && pwd)
rt=${1:?usage: suite.sh RUNTIME OUTDIR EXPECTED PREFIX RESULTS}
out=${2:?}
exp=${3:?}
prefix=${4:?}
results=${5:?}
conf=${CONFORMANCE_DIR:-$here/../../../shared/conformance}
mkdir -p "$out"
if [ ! -x "$conf/run.sh" ] && [ ! -f "$conf/run.sh" ]; then
  echo "skip $prefix/suite # no validation suite at $conf" >>"$results"
  echo "validation suite $prefix: 0 passed, 0 failed, 1 skipped (no suite at $conf)"
  exit 0
fi
bash "$conf/run.sh" "$rt" "$out/run1" >"$out/run1.log" 2>&1
again=()
if [ -f "$out/run1/summary.tsv" ]; then
  while IFS=$'\t' read -r t _ _ _ _ _ _ r _; do
    [ "$t" != test ] && [ "$r" != pass ] && grep -qE "^$t[[:space:]]+expected" "$exp" && again+=("$t")
  done <"$out/run1/summary.tsv"
fi
cp "$out/run1/summary.tsv" "$out/summary.tsv" 2>/dev/null
if [ ${#again[@]} -gt 0 ]; then
  TESTS="${again[*]}" bash "$conf/run.sh" "$rt" "$out/run2" >"$out/run2.log" 2>&1
  # the second verdict stands for the tests run again
  awk -F'\t' 'NR == FNR { if (FNR > 1) second[$1] = $0; next }
              FNR == 1 || !($1 in second) { print; next } { print second[$1] }' \
    "$out/run2/summary.tsv" "$out/run1/summary.tsv" >"$out/summary.tsv" 2>/dev/null || true
fi
bash "$here/results.sh" "$out/summary.tsv" "$exp" "$prefix" >"$out/results"
cat "$out/results" >>"$results"
p=$(grep -c '^ok ' "$out/results") f=$(grep -c '^not ok ' "$out/results") s=$(grep -c '^skip ' "$out/results")
echo "validation suite $prefix: $p passed, $f failed, $s skipped${again:+ (run again: ${again[*]})}"
[ "$f" = 0 ]

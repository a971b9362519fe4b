#!/bin/bash
# Runs every test: the unit test programs, then the integration test files in
# parallel. Each prints "ok NAME", "not ok NAME" or "skip NAME # reason"
# lines; the last line here is "N passed, N failed, N skipped".
# usage: tests/run.sh [BUILD_DIR]   (default: the source tree)
# KRILL_EXTRA_RESULTS=FILE: result lines run elsewhere (tests/run-v2-guest.sh:
# the cgroup v2 guest's, "ok v2/...") are shown and counted with these.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${BUILD_DIR:-$TOP}}
export KRILL=${KRILL:-$BUILD/krill}
export SPEC_DIR=${SPEC_DIR:-$TOP/../shared/oci-runtime-spec}
JOBS=${JOBS:-$(nproc)}
out=$(mktemp -d /tmp/krill-tests.XXXXXX)
trap 'rm -rf "$out"' EXIT

[ -x "$KRILL" ] || { echo "krill binary not found at $KRILL (build first)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

unit_args() {
  case "$1" in
    test-ocispec) echo "$SPEC_DIR $TOP/tests/unit/fixtures" ;;
    *) echo "" ;;
  esac
}

i=0
for t in "$BUILD"/tests/unit/test-*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  case "$t" in *.c|*.o) continue ;; esac
  name=$(basename "$t")
  # shellcheck disable=SC2046
  "$t" $(unit_args "$name") >"$out/unit-$name.log" 2>&1
  rc=$?
  if ! grep -qE '^(ok|not ok|skip) ' "$out/unit-$name.log"; then
    if [ $rc = 0 ]; then echo "ok unit/$name"; else echo "not ok unit/$name (exit $rc)"; fi >>"$out/unit-$name.log"
  elif [ $rc != 0 ] && ! grep -q '^not ok ' "$out/unit-$name.log"; then
    echo "not ok unit/$name (exit $rc)" >>"$out/unit-$name.log"
  fi
  i=$((i + 1))
done

# A file that hangs is killed after FILE_TIMEOUT seconds and counted as a
# failure, so the others still report.
export FILE_TIMEOUT=${FILE_TIMEOUT:-900}
ls "$TOP"/tests/integration/*.sh 2>/dev/null | grep -v '/lib.sh$' |
  xargs -r -P "$JOBS" -I{} sh -c 'log="'"$out"'/it-$(basename {}).log"
    timeout -k 10 "$FILE_TIMEOUT" bash "{}" >"$log" 2>&1
    [ $? = 124 ] && echo "not ok $(basename {} .sh)/timeout (killed after $FILE_TIMEOUT s)" >>"$log"; true'

if [ -n "${KRILL_EXTRA_RESULTS:-}" ]; then
  if [ -f "$KRILL_EXTRA_RESULTS" ]; then
    cp "$KRILL_EXTRA_RESULTS" "$out/zz-extra.log"
  else
    echo "not ok extra-results (KRILL_EXTRA_RESULTS: no file $KRILL_EXTRA_RESULTS)" >"$out/zz-extra.log"
  fi
fi

# The real clients (podman, containerd, docker): slow, need their packages
# and start daemons, so one after the other, and only with
# KRILL_CLIENT_TESTS=1 (each file says skip otherwise).
for f in "$TOP"/tests/clients/podman.sh "$TOP"/tests/clients/containerd.sh "$TOP"/tests/clients/docker.sh; do
  [ -f "$f" ] || continue
  bash "$f" >"$out/clients-$(basename "$f").log" 2>&1
done

cat "$out"/*.log
passed=$(cat "$out"/*.log | grep -c '^ok ')
failed=$(cat "$out"/*.log | grep -c '^not ok ')
skipped=$(cat "$out"/*.log | grep -c '^skip ')
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

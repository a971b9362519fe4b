#!/bin/bash
# run-v2-guest.sh [BUILD_DIR] RESULTS: runs the test suite (tests/run.sh: the
# unit programs and every integration file) inside the pure cgroup v2 QEMU
# guest of ../shared/ocivm, with the krill built in BUILD_DIR (default: the
# source tree), and writes its result lines to RESULTS, each name prefixed
# "v2/" ("ok v2/devices/access_bits").  tests/run.sh counts them in when
# KRILL_EXTRA_RESULTS=RESULTS.
#
# The binaries reach the guest as a tarball among run.sh's files, not through
# the guest's view of the host's /: a checkout under /tmp (CI clones there)
# is not visible in the guest, whose /tmp is a fresh tmpfs.
#
# When the guest can not be had (no ocivm directory, build.sh fails: no
# apt, no network, no qemu), every test is reported "skip v2/... # reason",
# never as passed.  A guest that boots but does not report (panic, timeout)
# is a failure.
#
# Environment: OCIVM_DIR (default ../shared/ocivm next to the source tree),
# V2_TIMEOUT (seconds, default 1500), VM_CACHE (as for ocivm's build.sh).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 2 ]; then BUILD=$(cd "$1" && pwd); shift; else BUILD=$TOP; fi
RESULTS=${1:?usage: run-v2-guest.sh [BUILD_DIR] RESULTS}
OCIVM=${OCIVM_DIR:-$TOP/../shared/ocivm}
: >"$RESULTS"

# skip_all REASON: a skip line for every test the guest would have run.
skip_all() {
  local f t name
  for t in "$BUILD"/tests/unit/test-*; do
    [ -x "$t" ] && [ -f "$t" ] && [ "$(basename "$t")" != test-ocispec ] || continue
    echo "skip v2/unit/$(basename "$t") # $1"
  done >>"$RESULTS"
  for f in "$TOP"/tests/integration/*.sh; do
    name=$(basename "$f" .sh)
    case $name in lib | layout) continue ;; esac
    grep -o '^test_[A-Za-z0-9_]*' "$f" | sed "s|^test_|skip v2/$name/|; s|\$| # $1|"
  done >>"$RESULTS"
  echo "run-v2-guest: skipped: $1" >&2
}

[ -x "$BUILD/krill" ] || { skip_all "krill not built in $BUILD"; exit 0; }
[ -x "$OCIVM/run.sh" ] && [ -x "$OCIVM/build.sh" ] || { skip_all "no ocivm at $OCIVM"; exit 0; }
[ "$(id -u)" = 0 ] || { skip_all "the guest build needs root"; exit 0; }

work=$(mktemp -d /tmp/krill-v2.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! "$OCIVM/build.sh" >"$work/build.log" 2>&1; then
  tail -n 20 "$work/build.log" >&2
  skip_all "the cgroup v2 guest could not be built (ocivm build.sh failed: $(tail -n 1 "$work/build.log" | cut -c1-120))"
  exit 0
fi

# What tests/run.sh needs, laid out as a tree of its own.  test-ocispec
# checks the schema parser against the spec's files: nothing cgroup about it.
mkdir -p "$work/tree/tests/unit"
cp "$BUILD/krill" "$work/tree/"
cp -r "$TOP/tests/integration" "$TOP/tests/run.sh" "$TOP/tests/mkrootfs.sh" "$work/tree/tests/"
# layout.sh checks the source tree, the same on every host: the guest gets
# binaries, not src/.
rm -f "$work/tree/tests/integration/layout.sh"
for t in "$BUILD"/tests/unit/test-*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  case "$(basename "$t")" in test-ocispec) continue ;; esac
  cp "$t" "$work/tree/tests/unit/"
done
tar -C "$work/tree" -cf "$work/krill-tests.tar" .

cat >"$work/guest.sh" <<'EOF'
#!/bin/bash
# In the guest: unpack into the tmpfs overlay, run the suite.
mkdir -p /root/krill && tar -C /root/krill -xf "$OCIVM_FILES/krill-tests.tar" || exit 99
echo "guest: $(uname -r), $(stat -fc %T /sys/fs/cgroup) at /sys/fs/cgroup, $(nproc) cpus"
# Under QEMU/TCG the kill-point sweep takes ~10 min at make check's stride
# of 7: every 30th point here (the host's run covers the rest).
CRASH_STRIDE=30 FILE_TIMEOUT=600 /root/krill/tests/run.sh /root/krill
EOF

start=$(date +%s)
VM_MODE=hostfs VM_TIMEOUT=${V2_TIMEOUT:-1500} "$OCIVM/run.sh" "$work/guest.sh" "$work/krill-tests.tar" \
  >"$work/guest.log" 2>&1
rc=$?
echo "run-v2-guest: guest ran ${rc:+with status $rc }in $(($(date +%s) - start)) s" >&2
grep '^guest: ' "$work/guest.log" >&2

# Result lines get the prefix; the indented detail under a failure stays.
awk '/^(ok|not ok|skip) / { sub(/^(ok|not ok|skip) /, "&v2/"); print; next }
     /^[ \t]/ { print }' "$work/guest.log" >>"$RESULTS"
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$work/guest.log"; then
  echo "not ok v2/guest (run.sh status $rc: the suite did not finish)" >>"$RESULTS"
  tail -n 30 "$work/guest.log" | sed 's/^/    /' >>"$RESULTS"
fi
exit 0

#!/bin/bash
# run-guest.sh RUNTIME OUTDIR EXPECTED PREFIX RESULTS: suite.sh inside the
# pure cgroup v2 QEMU guest of ../shared/ocivm (hostfs mode).  The suite's
# prebuilt binaries (built on the host by the host's run first, cached in
# HRTT_BIN), its scripts and RUNTIME reach the guest through a directory
# shared read-write (VM_OUTDIR), hard-linked where the file system allows:
# the guest sees the host's / but not its /tmp or /var/tmp.  The verdicts
# are appended to RESULTS as for suite.sh; a guest that can not be had
# reports one skip, a guest that dies reports one failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rt=$(readlink -f "${1:?usage: run-guest.sh RUNTIME OUTDIR EXPECTED PREFIX RESULTS}")
out=${2:?}
exp=$(readlink -f "${3:?}")
prefix=${4:?}
results=${5:?}
conf=${CONFORMANCE_DIR:-$here/../../../shared/conformance}
ocivm=${OCIVM_DIR:-$here/../../../shared/ocivm}
bin=${HRTT_BIN:-/var/tmp/krill-conformance/bin}
mkdir -p "$out"
out=$(cd "$out" && pwd)
skip_one() { echo "skip $prefix/suite # $1" >>"$results"; echo "validation suite $prefix: 0 passed, 0 failed, 1 skipped ($1)"; exit 0; }
[ -f "$conf/run.sh" ] || skip_one "no validation suite at $conf"
[ -x "$ocivm/run.sh" ] || skip_one "no ocivm at $ocivm"
[ -f "$bin/SOURCE-SHA256" ] || skip_one "the suite is not built in $bin (the host's run builds it)"
"$ocivm/build.sh" >"$out/ocivm-build.log" 2>&1 || skip_one "the cgroup v2 guest could not be built (ocivm build.sh)"

share=$out/share
rm -rf "$share" && mkdir -p "$share/conf" "$share/tests"
cp -al "$bin" "$share/conf/bin" 2>/dev/null || cp -a "$bin" "$share/conf/bin"
cp "$conf"/run.sh "$conf"/run-suite.sh "$conf"/expected.txt "$conf"/runtime-tools-*.tar.gz "$share/conf/"
cp "$here/suite.sh" "$here/results.sh" "$share/tests/"
cp "$exp" "$share/tests/expected"
cp "$rt" "$share/runtime"
cat >"$out/guest.sh" <<'GUEST'
#!/bin/bash
S=/vmtest/out
echo "guest: $(uname -r), $(stat -fc %T /sys/fs/cgroup) at /sys/fs/cgroup"
: >$S/results
HRTT_BIN=$S/conf/bin HRTT_WORK=/root/hrtt-work CONFORMANCE_DIR=$S/conf \
  bash $S/tests/suite.sh $S/runtime /root/conf-out $S/tests/expected "$PREFIX" $S/results
cp /root/conf-out/summary.tsv $S/summary.tsv 2>/dev/null
mkdir -p $S/logs && cp -r /root/conf-out/run1 $S/logs/ 2>/dev/null
echo "guest: done"
GUEST
chmod +x "$out/guest.sh"
start=$(date +%s)
PREFIX=$prefix VM_ENV=PREFIX VM_MODE=hostfs VM_TIMEOUT=${CONF_GUEST_TIMEOUT:-1800} VM_OUTDIR=$share \
  "$ocivm/run.sh" "$out/guest.sh" >"$out/guest.log" 2>&1
rc=$?
rm -rf "$share/conf/bin" "$share/runtime"
if grep -q '^guest: done' "$out/guest.log" && [ -f "$share/results" ]; then
  cat "$share/results" >>"$results"
  grep '^validation suite' "$out/guest.log"
  ! grep -q '^not ok ' "$share/results"
else
  echo "not ok $prefix/guest (ocivm run.sh status $rc after $(($(date +%s) - start)) s: the suite did not finish; $out/guest.log)" >>"$results"
  echo "validation suite $prefix: 0 passed, 1 failed, 0 skipped (the guest did not finish, status $rc)"
  tail -n 20 "$out/guest.log"
  exit 1
fi

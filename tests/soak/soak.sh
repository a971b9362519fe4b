#!/bin/bash
# Soak: SOAK_N lifecycles (default 10000) of one container at a time, each
# create, start, exec, kill, delete, with a memory and a pids limit. Prints
# the host's counts before and after (krill's open fds, mounts, cgroup dirs
# under the soak's parent, state dirs, processes) and the latency percentiles
# of each thousand lifecycles (p50/p95/p99 of one whole lifecycle, and of
# each command). Exits non-zero when a count grew or a lifecycle failed.
# The last line: "soak: N lifecycles, ..., growth: none" (or what grew).
#
#   KRILL=./krill SOAK_N=1000 tests/soak/soak.sh
#
# Needs root, jq and the test rootfs of tests/integration/lib.sh (built on
# first use). SOAK_BLOCK (default 1000) sets the size of a latency block.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KRILL=${KRILL:-$TOP/krill}
N=${SOAK_N:-10000}
BLOCK=${SOAK_BLOCK:-1000}
[ "$(id -u)" = 0 ] || { echo "soak: needs root"; exit 1; }
command -v jq >/dev/null || { echo "soak: needs jq"; exit 1; }

ROOTFS=${KRILL_TEST_TMP:-/tmp}/krill-test-rootfs-$(id -u)
if [ ! -x "$ROOTFS/bin/busybox" ]; then
  (
    exec 9>"$ROOTFS.lock" && flock 9
    [ -x "$ROOTFS/bin/busybox" ] || { rm -rf "$ROOTFS.tmp" && "$TOP/tests/mkrootfs.sh" "$ROOTFS.tmp" >/dev/null && mv "$ROOTFS.tmp" "$ROOTFS"; }
  ) || { echo "soak: could not build the rootfs"; exit 1; }
fi

W=$(mktemp -d /tmp/krill-soak.XXXXXX)
STATE=$W/state
CG=/krill-soak-$$
ID=soak$$
# The container's sleep names the soak: a process it leaves is found by it.
UNIQ=9$$
k() { "$KRILL" --root "$STATE" "$@"; }
cleanup() {
  k delete --force "$ID" >/dev/null 2>&1
  for d in /sys/fs/cgroup/*/"${CG#/}" /sys/fs/cgroup/"${CG#/}"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$W/b" "$STATE"
"$KRILL" spec --bundle "$W/b"
jq --arg uniq "$UNIQ" --arg cg "$CG/c" --arg rootfs "$(cd "$ROOTFS" && pwd -P)" '
  .process.terminal = false | .process.args = ["sleep", $uniq] |
  .root.path = $rootfs | .linux.cgroupsPath = $cg |
  .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 64}' \
  "$W/b/config.json" >"$W/b/c" && mv "$W/b/c" "$W/b/config.json"

# The counts a leak would grow, of what is the soak's: the host runs other
# work (other test suites) whose fds, mounts and processes come and go.
#   fds: open in this shell (a leak into krill's caller) and in every
#     process of the soak (krill's and the container's);
#   mounts: host mounts on the soak's dirs or the rootfs;
#   cgroups: directories of every hierarchy under the soak's parent;
#   state: entries of the state root;
#   processes: krill's (their command line names the state root) and the
#     container's (its sleep names the soak).
soak_pids() { pgrep -f -- "--root $STATE|sleep $UNIQ"; }
counts() {
  local fds mounts cgs states procs p
  fds=$(ls /proc/$$/fd | wc -l)
  for p in $(soak_pids); do fds=$((fds + $(ls /proc/"$p"/fd 2>/dev/null | wc -l))); done
  mounts=$(grep -cF -e "$W" -e "$(cd "$ROOTFS" && pwd -P)" /proc/self/mountinfo)
  cgs=$(find /sys/fs/cgroup/*/"${CG#/}" /sys/fs/cgroup/"${CG#/}" -type d 2>/dev/null | wc -l)
  states=$(ls -A "$STATE" | wc -l)
  procs=$(soak_pids | wc -l)
  echo "$fds $mounts $cgs $states $procs"
}

# Prime once (the first create makes the parent cgroup, loads the rootfs in
# the page cache), then measure.
k run -d --bundle "$W/b" "$ID" </dev/null >/dev/null 2>&1 && k delete --force "$ID" >/dev/null 2>&1
read -r fd0 mnt0 cg0 st0 pr0 <<<"$(counts)"
echo "soak: before: fds $fd0, mounts $mnt0, cgroup dirs $cg0, state dirs $st0, processes $pr0"

lat=$W/lat # lines: lifecycle create start exec kill delete (microseconds)
failed=0
t_begin=$(date +%s)
for ((i = 1; i <= N; i++)); do
  t0=${EPOCHREALTIME/./}
  k create --bundle "$W/b" "$ID" </dev/null >/dev/null 2>"$W/err" || { failed=$((failed + 1)); echo "soak: $i: create: $(head -c 300 "$W/err")"; k delete --force "$ID" >/dev/null 2>&1; continue; }
  t1=${EPOCHREALTIME/./}
  k start "$ID" 2>"$W/err" || { failed=$((failed + 1)); echo "soak: $i: start: $(head -c 300 "$W/err")"; }
  t2=${EPOCHREALTIME/./}
  out=$(k exec "$ID" sh -c 'echo ok' 2>"$W/err") && [ "$out" = ok ] || { failed=$((failed + 1)); echo "soak: $i: exec: $out $(head -c 300 "$W/err")"; }
  t3=${EPOCHREALTIME/./}
  k kill "$ID" KILL 2>"$W/err" || { failed=$((failed + 1)); echo "soak: $i: kill: $(head -c 300 "$W/err")"; }
  t4=${EPOCHREALTIME/./}
  # delete (not --force) of the killed container: wait for it to stop as a
  # caller would, bounded, then a plain delete.
  for _ in $(seq 200); do [ "$(k state "$ID" 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.01; done
  t4b=${EPOCHREALTIME/./}
  k delete "$ID" 2>"$W/err" || { failed=$((failed + 1)); echo "soak: $i: delete: $(head -c 300 "$W/err")"; k delete --force "$ID" >/dev/null 2>&1; }
  t5=${EPOCHREALTIME/./}
  # The lifecycle: its five commands, without the wait for "stopped".
  echo "$((t5 - t0 - (t4b - t4))) $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3)) $((t5 - t4b))" >>"$lat"
  [ "$failed" -lt 20 ] || { echo "soak: stopping after 20 failures"; break; }
done
elapsed=$(($(date +%s) - t_begin))

# Percentiles of one column of lines FROM..TO of $lat, in ms.
pct() {
  local from=$1 to=$2 col=$3
  sed -n "${from},${to}p" "$lat" | awk -v c="$col" '{print $c}' | sort -n | awk '
    { v[NR] = $1 }
    END { if (NR == 0) { print "-"; exit }
          i50 = int(NR * 0.50 + 0.5); i95 = int(NR * 0.95 + 0.5); i99 = int(NR * 0.99 + 0.5)
          if (i50 < 1) i50 = 1; if (i95 < 1) i95 = 1; if (i99 < 1) i99 = 1
          printf "%.1f/%.1f/%.1f", v[i50] / 1000, v[i95] / 1000, v[i99] / 1000 }'
}
done_n=$(wc -l <"$lat" 2>/dev/null || echo 0)
echo "soak: latency in ms, p50/p95/p99 per block of $BLOCK lifecycles:"
echo "soak:   block         lifecycle          create           start            exec            kill          delete"
for ((from = 1; from <= done_n; from += BLOCK)); do
  to=$((from + BLOCK - 1))
  [ "$to" -le "$done_n" ] || to=$done_n
  printf 'soak: %5d-%-5d' "$from" "$to"
  for c in 1 2 3 4 5 6; do printf ' %15s' "$(pct "$from" "$to" "$c")"; done
  printf '\n'
done

# Let the last container's processes be reaped before counting.
sleep 1
read -r fd1 mnt1 cg1 st1 pr1 <<<"$(counts)"
echo "soak: after:  fds $fd1, mounts $mnt1, cgroup dirs $cg1, state dirs $st1, processes $pr1"
grew=""
[ "$fd1" -le "$fd0" ] || grew+=" fds +$((fd1 - fd0))"
[ "$mnt1" -le "$mnt0" ] || grew+=" mounts +$((mnt1 - mnt0))"
[ "$cg1" -le "$cg0" ] || grew+=" cgroup-dirs +$((cg1 - cg0))"
[ "$st1" -le "$st0" ] || grew+=" state-dirs +$((st1 - st0))"
[ "$pr1" -le "$pr0" ] || grew+=" processes +$((pr1 - pr0))"
echo "soak: $done_n lifecycles in $elapsed s, $failed failures, growth:${grew:- none}"
[ -z "$grew" ] && [ "$failed" = 0 ] && [ "$done_n" = "$N" ]

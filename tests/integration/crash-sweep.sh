#!/bin/bash
# Crash consistency: krill SIGKILLed at its k-th syscall, for every k (a
# stride of them in make check: CRASH_STRIDE=1 sweeps all; docs/
# crash-consistency.md has the full sweep).  After each kill, `state` must
# answer within its timeout and tell the truth (a "created" container does
# not run its workload, and `start` then starts it), and `delete -f` must
# leave nothing: no state dir or file in the state root, no cgroup (not even
# the parent krill made for it), no mount, no process.
#
# The k-th syscall is named by strace from a reference run of the same
# command: its k-th line is the n-th call of syscall S, and strace kills
# krill on entry to that call (-e inject=S:signal=KILL:when=n, counted for
# the traced process alone: no -f, so init and the hooks run free).
. "$(dirname "$0")/lib.sh"

STRIDE=${CRASH_STRIDE:-7}
WORKLOAD="sleep 1000 "

need_strace() { command -v strace >/dev/null || skip "strace is not installed"; }

# The container of kill point P: its id and its own cgroup under $CG_BASE.
cid_of() { echo "$ID-$1"; }

bundle_for() {
  local cid=$1
  [ -d "$T/b-$cid" ] && { echo "$T/b-$cid"; return; }
  new_bundle "b-$cid" ".process.args = [\"sleep\", \"1000\"] | .linux.cgroupsPath = \"$CG_BASE/$cid\"" >/dev/null
  echo "$T/b-$cid"
}

# setup_CMD CID: what must exist before CMD runs; args_CMD CID: its argv.
setup_create() { bundle_for "$1" >/dev/null; }
args_create() { echo create --bundle "$(bundle_for "$1")" "$1"; }
setup_run() { bundle_for "$1" >/dev/null; }
args_run() { echo run -d --bundle "$(bundle_for "$1")" "$1"; }
setup_start() { k create --bundle "$(bundle_for "$1")" "$1"; }
args_start() { echo start "$1"; }
setup_running() { k run -d --bundle "$(bundle_for "$1")" "$1" </dev/null >/dev/null; }
setup_delete() { setup_running "$1"; }
args_delete() { echo delete --force "$1"; }
setup_exec() { setup_running "$1"; }
args_exec() { echo exec "$1" true; }
setup_kill() { setup_running "$1"; }
args_kill() { echo kill "$1" KILL; }
setup_update() { setup_running "$1"; }
args_update() { echo update --pids-limit 100 "$1"; }
setup_pause() { setup_running "$1"; }
args_pause() { echo pause "$1"; }
setup_resume() { setup_running "$1" && k pause "$1"; }
args_resume() { echo resume "$1"; }

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# What must hold after the kill at point P (container CID); a message on
# stdout for each thing that does not.
check_point() {
  local cid=$1 st rc=0 status pid d
  st=$(timeout 10 "$KRILL" --root "$T/state" state "$cid" 2>&1) || rc=$?
  [ $rc != 124 ] || echo "state hung"
  if [ $rc = 0 ]; then
    status=$(jq -r .status <<<"$st")
    pid=$(jq -r .pid <<<"$st")
    case $status in
      created)
        [ "$(cmdline_of "$pid")" != "$WORKLOAD" ] || echo "state says created, the workload runs"
        rc=0
        timeout 10 "$KRILL" --root "$T/state" start "$cid" >/dev/null 2>&1 || rc=$?
        [ $rc = 0 ] || echo "start of the created container failed (rc $rc)"
        ;;
      running)
        for _ in $(seq 40); do [ "$(cmdline_of "$pid")" = "$WORKLOAD" ] && break; sleep 0.05; done
        [ "$(cmdline_of "$pid")" = "$WORKLOAD" ] || [ ! -d "/proc/$pid" ] \
          || echo "state says running, init is not the workload: $(cmdline_of "$pid")"
        ;;
      stopped | paused) ;;
      *) echo "state: status $status" ;;
    esac
  fi
  rc=0
  timeout 30 "$KRILL" --root "$T/state" delete --force "$cid" >"$T/del.err" 2>&1 || rc=$?
  [ $rc = 0 ] || echo "delete -f: rc $rc: $(head -c 300 "$T/del.err")"
  [ -z "$(ls -A "$T/state" 2>/dev/null)" ] || echo "left in the state root: $(ls -A "$T/state")"
  for d in /sys/fs/cgroup/*/"${CG_BASE#/}" /sys/fs/cgroup/"${CG_BASE#/}"; do
    [ ! -d "$d" ] || echo "cgroup left: $(find "$d" -type d | head -2 | tr '\n' ' ')"
  done
  if grep -q "$T" /proc/self/mountinfo; then echo "mount left under $T"; fi
  if pgrep -f -- "--root $T/state" >/dev/null; then echo "process left: $(pgrep -af -- "--root $T/state" | head -3)"; fi
}

# Removes whatever check_point found left, so the next point starts clean.
scrub() {
  local d p
  for p in $(pgrep -f -- "--root $T/state"); do kill -9 "$p" 2>/dev/null; done
  for d in /sys/fs/cgroup/*/"${CG_BASE#/}" /sys/fs/cgroup/"${CG_BASE#/}"; do
    [ -d "$d" ] || continue
    for p in $(cat $(find "$d" -name cgroup.procs) 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    sleep 0.1
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf "${T:?}/state"/*
}

# sweep CMD: the reference run, then every STRIDE-th kill point.
sweep() {
  local cmd=$1 cid n i name nth rc bad=0 out points=0
  need_strace
  cid=$(cid_of ref)
  "setup_$cmd" "$cid" || fail "setup of $cmd failed"
  # shellcheck disable=SC2046
  strace -qq -o "$T/ref.trace" "$KRILL" --root "$T/state" $("args_$cmd" "$cid") </dev/null >/dev/null 2>&1 \
    || fail "reference $cmd failed"
  out=$(check_point "$cid")
  [ -z "$out" ] || fail "reference run of $cmd: $out"
  # "name n" for each syscall line: the n-th call of that syscall
  awk -F'(' '/^[a-z_0-9]+\(/ { c[$1]++; print $1, c[$1] }' "$T/ref.trace" >"$T/points"
  n=$(wc -l <"$T/points")
  [ "$n" -gt 10 ] || fail "reference trace of $cmd too short: $n"
  for ((i = 1; i <= n; i += STRIDE)); do
    read -r name nth <<<"$(sed -n "${i}p" "$T/points")"
    cid=$(cid_of "$i")
    "setup_$cmd" "$cid" || { echo "    point $i: setup failed" >&2; bad=$((bad + 1)); scrub; continue; }
    rc=0
    # In a subshell of its own: bash reports the kill on its stderr.
    # shellcheck disable=SC2046
    (timeout 60 strace -qq -o /dev/null -e trace="$name" -e inject="$name:signal=KILL:when=$nth" \
      "$KRILL" --root "$T/state" $("args_$cmd" "$cid") </dev/null >/dev/null 2>&1; exit $?) 2>/dev/null || rc=$?
    [ $rc != 124 ] || echo "    point $i ($name #$nth): $cmd hung" >&2
    out=$(check_point "$cid")
    points=$((points + 1))
    if [ -n "$out" ]; then
      bad=$((bad + 1))
      printf '    point %d (%s #%d, rc %d): %s\n' "$i" "$name" "$nth" "$rc" "$(tr '\n' ';' <<<"$out")" >&2
      scrub
    fi
  done
  echo "    $cmd: $n kill points, $points tried, $bad left something" >&2
  # CRASH_REPORT=FILE: the counts of every command, passed or not
  [ -z "${CRASH_REPORT:-}" ] || echo "$cmd: $n kill points, $points tried, $bad left something" >>"$CRASH_REPORT"
  [ $bad = 0 ] || fail "$cmd: $bad of $points kill points left something"
}

test_create() { sweep create; }
test_run_detached() { sweep run; }
test_start() { sweep start; }
test_delete_force() { sweep delete; }
test_exec() { sweep exec; }
test_kill() { sweep kill; }
test_update() { sweep update; }
test_pause() { sweep pause; }
test_resume() { sweep resume; }

run_tests

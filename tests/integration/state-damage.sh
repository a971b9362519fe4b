#!/bin/bash
# A damaged state dir is recoverable: with state.json truncated, garbage or
# of the wrong types, or the cgroup record missing or corrupt, `list` shows
# the container (status unknown, the reason on stderr) and `delete -f`
# removes all that is the container's -- init, its cgroups, the parents
# krill made, the state dir -- from what is still trustworthy, and nothing
# that is not: a process of the test's in a sibling cgroup survives.
. "$(dirname "$0")/lib.sh"

# A sleep of the test's in $CG_BASE/victim in every hierarchy.
make_victim() {
  local d mp
  sleep 1000 &
  echo $! >"$T/victim.pid"
  for mp in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [ -e "$mp/cgroup.procs" ] && [ -d "$mp${CG_BASE#/}" ] || continue
    d=$mp${CG_BASE#/}/victim
    mkdir -p "$d"
    if [ -f "$d/cpuset.cpus" ]; then
      cat "$mp${CG_BASE#/}/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$mp${CG_BASE#/}/cpuset.mems" >"$d/cpuset.mems"
    fi
    cat "$T/victim.pid" >"$d/cgroup.procs"
    echo "$d" >>"$T/victim.dirs"
  done
}

victim_cleanup() { kill -9 "$(cat "$T/victim.pid")" 2>/dev/null || true; }

# damaged KIND FUNCTION: a running container, damaged by FUNCTION; list and
# delete -f checked.
damaged() {
  local b pid out rc=0 d
  b=$(new_bundle c '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID" </dev/null
  pid=$(k state "$ID" | jq -r .pid)
  make_victim
  trap victim_cleanup EXIT
  "$1" "$T/state/$ID"
  out=$(k list 2>"$T/list.err") || fail "list failed: $(cat "$T/list.err")"
  expect_contains "$(grep "^$ID " <<<"$out")" unknown
  expect_contains "$(cat "$T/list.err")" "$ID"
  [ "$(grep -c . "$T/list.err")" = 1 ] || fail "not one warning line: $(cat "$T/list.err")"
  expect_eq "$(k list --format json 2>/dev/null | jq -r ".[] | select(.id == \"$ID\") | .status")" unknown
  k delete -f "$ID" 2>"$T/del.err" || rc=$?
  [ $rc = 0 ] || fail "delete -f failed: $(cat "$T/del.err")"
  for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  [ ! -d "/proc/$pid" ] || fail "init $pid still runs"
  assert_nothing_left "$ID" c
  kill -0 "$(cat "$T/victim.pid")" 2>/dev/null || fail "delete -f killed a process outside the container"
  # Every hierarchy's, a unified host's one included.
  while read -r d; do
    [ -d "$d" ] || fail "delete -f removed $d"
  done <"$T/victim.dirs"
  victim_cleanup
}

truncate_state() { head -c 25 "$1/state.json" >"$1/s" && mv "$1/s" "$1/state.json"; }
garbage_state() { head -c 300 /dev/urandom >"$1/state.json"; }
wrong_types_state() { jq '.pid = "1" | .id = 7 | .initStartTime = "x" | .cgroupPath = []' "$1/state.json" >"$1/s" && mv "$1/s" "$1/state.json"; }
empty_state() { : >"$1/state.json"; }
missing_record() { rm "$1/cgroup"; }
corrupt_record() { printf 'krill-cgroup 1\nmode hy' >"$1/cgroup"; }
garbage_record() { head -c 300 /dev/urandom >"$1/cgroup"; }
both_damaged() { garbage_state "$1" && garbage_record "$1"; }

test_state_truncated() { damaged truncate_state; }
test_state_garbage() { damaged garbage_state; }
test_state_wrong_types() { damaged wrong_types_state; }
test_state_empty() { damaged empty_state; }
test_record_missing() { damaged missing_record; }
test_record_corrupt() { damaged corrupt_record; }
test_record_garbage() { damaged garbage_record; }
test_state_and_record_garbage() { damaged both_damaged; }

# A damaged container is shown, the others still are, with their status.
test_list_shows_damaged_beside_healthy() {
  local b out
  b=$(new_bundle c '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID" </dev/null
  b=$(new_bundle d '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID-ok"
  garbage_state "$T/state/$ID"
  out=$(k list -q 2>/dev/null)
  expect_eq "$(tr '\n' ' ' <<<"$out")" "$ID $ID-ok "
  expect_eq "$(k list --format json 2>/dev/null | jq -r ".[] | select(.id == \"$ID-ok\") | .status")" created
  # state names the damage in one line
  out=$(k state "$ID" 2>&1) && fail "state of a damaged container succeeded"
  expect_contains "$out" state.json
}

run_tests

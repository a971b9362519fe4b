#!/bin/bash
# ps: --format json is the pids of the container's cgroup (children
# included); the table is the host's ps filtered to them, header kept.
. "$(dirname "$0")/lib.sh"

THREE='["sh","-c","sleep 1000 & sleep 1001 & wait"]'

unified() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }

# cgroup.procs of cgroup NAME, from outside, sorted.
procs_of() {
  if unified; then cat "/sys/fs/cgroup$CG_BASE/$1/cgroup.procs"; else cat "/sys/fs/cgroup/pids$CG_BASE/$1/cgroup.procs"; fi | sort -n
}

start_three() {
  local b
  # procs_of reads the v1 pids hierarchy
  unified || need_ctrl pids
  b=$(new_bundle b ".process.args = $THREE")
  k run -d --bundle "$b" "$ID"
  PID=$(k state "$ID" | jq -r .pid)
  for _ in $(seq 100); do [ "$(procs_of b | wc -l)" = 3 ] && return 0; sleep 0.05; done
  fail "expected 3 processes in the cgroup: $(procs_of b)"
}

test_ps_json() {
  local json
  start_three
  json=$(k ps --format json "$ID")
  jq -e 'type == "array" and all(.[]; type == "number")' <<<"$json" >/dev/null || fail "not an array of numbers: $json"
  expect_eq "$(jq -r '.[]' <<<"$json" | sort -n | tr '\n' ' ')" "$(procs_of b | tr '\n' ' ')"
  # init and both of its children
  expect_contains " $(jq -r '.[]' <<<"$json" | tr '\n' ' ')" " $PID "
  for c in $(pgrep -P "$PID"); do
    expect_contains " $(jq -r '.[]' <<<"$json" | tr '\n' ' ')" " $c "
  done
  expect_eq "$(k ps -f json "$ID")" "$json"
}

test_ps_table_default() {
  local out pids
  start_three
  out=$(k ps "$ID")
  # ps -ef: UID PID PPID ...; one line per process of the container, no other
  expect_eq "$(head -n1 <<<"$out" | awk '{print $1, $2, $3}')" "UID PID PPID"
  expect_eq "$(tail -n +2 <<<"$out" | wc -l)" 3
  pids=$(tail -n +2 <<<"$out" | awk '{print $2}' | sort -n | tr '\n' ' ')
  expect_eq "$pids" "$(procs_of b | tr '\n' ' ')"
  expect_contains "$out" "sleep 1001"
}

test_ps_table_options() {
  local out
  start_three
  out=$(k ps "$ID" -- -o pid,comm)
  expect_eq "$(head -n1 <<<"$out" | awk '{print $1, $2}')" "PID COMMAND"
  expect_eq "$(tail -n +2 <<<"$out" | awk '{print $2}' | sort | tr '\n' ' ')" "sh sleep sleep "
  # without the "--" too, as runc: everything after the id goes to ps
  out=$(k ps "$ID" -o pid,comm)
  expect_eq "$(tail -n +2 <<<"$out" | wc -l)" 3
  # a ps option that hides the PID column
  if k ps "$ID" -o comm 2>"$T/err"; then fail "ps without a PID column succeeded"; fi
  expect_contains "$(cat "$T/err")" "couldn't find PID field"
}

test_ps_errors() {
  start_three
  if k ps --format xml "$ID" 2>"$T/err"; then fail "--format xml succeeded"; fi
  expect_contains "$(cat "$T/err")" "invalid format option"
  if k ps nosuch-$ID 2>"$T/err"; then fail "ps of a missing container succeeded"; fi
  expect_contains "$(cat "$T/err")" "does not exist"
  if k ps 2>"$T/err"; then fail "ps without an id succeeded"; fi
  expect_contains "$(cat "$T/err")" "requires a minimum of 1"
}

run_tests

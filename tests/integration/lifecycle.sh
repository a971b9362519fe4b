#!/bin/bash
# The lifecycle as containerd's shim drives it: create --pid-file, state,
# start, state, kill, state, delete; list agreeing at each step.
. "$(dirname "$0")/lib.sh"

test_create_start_kill_delete() {
  local b pid
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" --pid-file "$T/pid" "$ID"
  expect_eq "$(status_of "$ID")" created
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(cat "$T/pid")" "$pid"
  [ -d "/proc/$pid" ] || fail "init $pid not alive"
  expect_eq "$(k list --format json | jq -r '.[0].status')" created
  expect_eq "$(k list -q)" "$ID"
  k start "$ID"
  expect_eq "$(status_of "$ID")" running
  expect_eq "$(k list --format json | jq -r '.[0].status')" running
  expect_eq "$(k state "$ID" | jq -r .pid)" "$pid"
  # the user's program replaced init
  expect_eq "$(tr '\0' ' ' </proc/$pid/cmdline)" "sleep 1000 "
  k kill "$ID" KILL
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  expect_eq "$(status_of "$ID")" stopped
  expect_eq "$(k list --format json | jq -r '.[0].status')" stopped
  expect_eq "$(k state "$ID" | jq -r .pid)" 0
  k delete "$ID"
  local out
  out=$(k state "$ID" 2>&1) && fail "state after delete succeeded"
  expect_contains "$out" "does not exist"
  expect_eq "$(k list --format json)" null
  assert_nothing_left "$ID" b
}

test_state_document() {
  local b st
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .annotations = {"org.example.k": "v"}')
  k create --bundle "$b" "$ID"
  st=$(k state "$ID")
  expect_eq "$(jq -r .id <<<"$st")" "$ID"
  expect_eq "$(jq -r .ociVersion <<<"$st")" 1.3.0
  expect_eq "$(jq -r .bundle <<<"$st")" "$b"
  expect_eq "$(jq -r '.annotations["org.example.k"]' <<<"$st")" v
  jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' <<<"$st" >/dev/null || fail "created: $st"
}

test_delete_running_needs_force() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID"
  expect_eq "$(status_of "$ID")" running
  if k delete "$ID" 2>"$T/err"; then fail "delete of a running container succeeded"; fi
  expect_contains "$(cat "$T/err")" "not stopped"
  expect_eq "$(status_of "$ID")" running
  k delete --force "$ID"
  assert_nothing_left "$ID" b
}

test_delete_created_container() {
  local b pid
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  k delete "$ID"
  sleep 0.2
  [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ] || fail "init $pid survived delete"
  assert_nothing_left "$ID" b
}

test_duplicate_id() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  if k create --bundle "$b" "$ID" 2>"$T/err"; then fail "second create succeeded"; fi
  expect_contains "$(cat "$T/err")" "already exists"
  expect_eq "$(status_of "$ID")" created
}

test_concurrent_create_one_winner() {
  local b wins=0 i
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  for i in 1 2 3 4; do (k create --bundle "$b" "$ID" 2>/dev/null && echo win >"$T/win.$i") & done
  wait
  wins=$(ls "$T"/win.* 2>/dev/null | wc -l)
  expect_eq "$wins" 1
  expect_eq "$(status_of "$ID")" created
}

test_kill_signal_forms() {
  local b
  b=$(new_bundle b '.process.args = ["sh", "-c", "trap \"echo usr1 >>/tmp/sig\" USR1; trap \"echo term >>/tmp/sig; exit 0\" TERM; while :; do sleep 0.05; done"] | .root.readonly = false')
  # the rootfs is shared by all tests: give this one a private copy
  private_rootfs "$b"
  k run -d --bundle "$b" "$ID"
  sleep 0.3
  # one at a time: a second USR1 sent before the first is handled merges with it
  local n=0 form
  for form in USR1 SIGUSR1 10 usr1; do
    n=$((n + 1))
    k kill "$ID" "$form"
    for _ in $(seq 50); do [ "$(cat "$b/rootfs/tmp/sig" 2>/dev/null | wc -l)" = $n ] && break; sleep 0.1; done
  done
  expect_eq "$(cat "$b/rootfs/tmp/sig" | tr '\n' ' ')" "usr1 usr1 usr1 usr1 "
  if k kill "$ID" SIGNOPE 2>"$T/err"; then fail "unknown signal accepted"; fi
  expect_contains "$(cat "$T/err")" 'unknown signal "SIGNOPE"'
  k kill "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  expect_eq "$(status_of "$ID")" stopped
  expect_contains "$(cat "$b/rootfs/tmp/sig")" term
}

test_kill_all() {
  local b
  b=$(new_bundle b '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & wait"]')
  k run -d --bundle "$b" "$ID"
  sleep 0.3
  k kill --all "$ID" KILL
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  expect_eq "$(status_of "$ID")" stopped
}

test_start_twice_fails() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  k start "$ID"
  if k start "$ID" 2>"$T/err"; then fail "second start succeeded"; fi
  expect_eq "$(status_of "$ID")" running
}

test_kill_stopped_fails() {
  local b
  b=$(new_bundle b '.process.args = ["true"]')
  k run -d --bundle "$b" "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  if k kill "$ID" KILL 2>"$T/err"; then fail "kill of a stopped container succeeded"; fi
  expect_contains "$(cat "$T/err")" "not running"
}

test_delete_force_missing_is_ok() {
  k delete --force "nosuch-$ID"
  if k delete "nosuch-$ID" 2>"$T/err"; then fail "delete of a missing container succeeded"; fi
  expect_contains "$(cat "$T/err")" "does not exist"
}

run_tests

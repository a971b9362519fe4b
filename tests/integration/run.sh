#!/bin/bash
# Foreground `run`: output, exit status, signals, the terminal.
. "$(dirname "$0")/lib.sh"

test_run_prints_and_cleans_up() {
  local b out
  b=$(new_bundle b '.process.args = ["echo", "hello from krill"]')
  out=$(k run --bundle "$b" "$ID")
  expect_eq "$out" "hello from krill"
  expect_eq "$(k list -q)" ""
  assert_nothing_left "$ID" b
}

test_run_exit_code() {
  local b rc=0
  b=$(new_bundle b '.process.args = ["sh", "-c", "exit 7"]')
  k run --bundle "$b" "$ID" || rc=$?
  expect_eq "$rc" 7
}

test_run_killed_by_signal() {
  local b rc=0
  b=$(new_bundle b '.process.args = ["sh", "-c", "kill -9 $$"]')
  # pid 1 of a namespace cannot be killed from inside: use a child
  b=$(new_bundle b2 '.process.args = ["sh", "-c", "sh -c \"kill -9 \\$\\$\"; exit $?"]')
  k run --bundle "$b" "$ID" || rc=$?
  expect_eq "$rc" 137
}

test_run_forwards_sigterm() {
  local b pid rc=0
  b=$(new_bundle b '.process.args = ["sh", "-c", "trap \"echo got-term; exit 3\" TERM; echo ready; while :; do sleep 0.05; done"]')
  "$KRILL" --root "$T/state" run --bundle "$b" "$ID" >"$T/out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q ready "$T/out" 2>/dev/null && break; sleep 0.05; done
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  expect_eq "$rc" 3
  expect_contains "$(cat "$T/out")" got-term
}

test_run_keep() {
  local b
  b=$(new_bundle b '.process.args = ["true"]')
  k run --keep --bundle "$b" "$ID"
  expect_eq "$(status_of "$ID")" stopped
  k delete "$ID"
}

test_run_terminal_proxied() {
  local b out
  command -v script >/dev/null || skip "needs script(1) from bsdutils"
  b=$(new_bundle b '.process.terminal = true | .process.args = ["sh", "-c", "tty; test -t 0 && echo is-a-tty"]')
  out=$(script -qec "$KRILL --root $T/state run --bundle $b $ID" /dev/null </dev/null)
  expect_contains "$out" "/dev/pts/0"
  expect_contains "$out" "is-a-tty"
}

test_console_socket() {
  local b
  command -v python3 >/dev/null || skip "needs python3 for the console socket receiver"
  b=$(new_bundle b '.process.terminal = true | .process.consoleSize = {"height": 40, "width": 123} | .process.args = ["sh", "-c", "stty size; tty"]')
  python3 "$TOP/tests/integration/console-recv.py" "$T/console.sock" >"$T/console.out" &
  local rpid=$!
  for _ in $(seq 50); do [ -S "$T/console.sock" ] && break; sleep 0.05; done
  k create --bundle "$b" --console-socket "$T/console.sock" "$ID"
  k start "$ID"
  wait "$rpid"
  expect_contains "$(cat "$T/console.out")" "40 123"
  expect_contains "$(cat "$T/console.out")" "/dev/pts/0"
}

run_tests

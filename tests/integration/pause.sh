#!/bin/bash
# pause / resume: the freezer from outside (v1 freezer.state, v2
# cgroup.events), a counter inside that stops and goes on, the paused status,
# and kill / delete of a paused container as runc does them.
. "$(dirname "$0")/lib.sh"

# A loop writing an increasing number into the container's /dev/shm.
COUNTER='["sh","-c","i=0; while :; do i=$((i+1)); echo $i > /dev/shm/count; sleep 0.02; done"]'

unified() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }
# pause is the v1 freezer hierarchy's, or cgroup v2's cgroup.freeze (5.2+)
need_freezer() {
  if unified; then
    mkdir -p "/sys/fs/cgroup$CG_BASE"
    [ -e "/sys/fs/cgroup$CG_BASE/cgroup.freeze" ] || skip "no cgroup.freeze: a kernel before 5.2"
  else
    need_ctrl freezer
  fi
}

# "FROZEN"/"THAWED" (v1) or "frozen 1"/"frozen 0" (v2) of cgroup NAME.
freezer_of() {
  if unified; then
    grep '^frozen ' "/sys/fs/cgroup$CG_BASE/$1/cgroup.events"
  else
    cat "/sys/fs/cgroup/freezer$CG_BASE/$1/freezer.state"
  fi
}

count_of() { cat "/proc/$1/root/dev/shm/count" 2>/dev/null; }

wait_status() {
  local want=$1 i
  for i in $(seq 100); do [ "$(status_of "$ID")" = "$want" ] && return 0; sleep 0.05; done
  fail "status $(status_of "$ID"), expected $want"
}

start_counter() {
  local b
  b=$(new_bundle b ".process.args = $COUNTER")
  k run -d --bundle "$b" "$ID"
  PID=$(k state "$ID" | jq -r .pid)
  for _ in $(seq 100); do [ -n "$(count_of "$PID")" ] && return 0; sleep 0.05; done
  fail "the counter never started"
}

test_pause_resume() {
  local a b2 st
  need_freezer
  start_counter
  k pause "$ID"
  expect_eq "$(status_of "$ID")" paused
  expect_eq "$(k list --format json | jq -r '.[0].status')" paused
  if unified; then expect_eq "$(freezer_of b)" "frozen 1"; else expect_eq "$(freezer_of b)" FROZEN; fi
  # every process of the container is frozen: v1 shows them in D
  # (uninterruptible), v2 parks them in the freezer trap (S)
  st=$(awk '/^State:/ {print $2}' "/proc/$PID/status")
  if unified; then [[ $st == [SD] ]] || fail "init state $st while frozen"; else expect_eq "$st" D; fi
  a=$(count_of "$PID"); sleep 0.4; b2=$(count_of "$PID")
  expect_eq "$b2" "$a" "(the counter moved while paused)"
  k resume "$ID"
  expect_eq "$(status_of "$ID")" running
  if unified; then expect_eq "$(freezer_of b)" "frozen 0"; else expect_eq "$(freezer_of b)" THAWED; fi
  a=$(count_of "$PID"); sleep 0.4; b2=$(count_of "$PID")
  [ "$b2" -gt "$a" ] || fail "the counter did not move after resume ($a -> $b2)"
}

test_pause_errors() {
  need_freezer
  start_counter
  if k resume "$ID" 2>"$T/err"; then fail "resume of a running container succeeded"; fi
  expect_contains "$(cat "$T/err")" "container not paused"
  k pause "$ID"
  if k pause "$ID" 2>"$T/err"; then fail "pause of a paused container succeeded"; fi
  expect_contains "$(cat "$T/err")" "container not running"
  if k delete "$ID" 2>"$T/err"; then fail "delete of a paused container succeeded"; fi
  expect_contains "$(cat "$T/err")" "not stopped: paused"
  expect_eq "$(status_of "$ID")" paused
  k resume "$ID"
  k kill "$ID" KILL
  wait_status stopped
  if k pause "$ID" 2>"$T/err"; then fail "pause of a stopped container succeeded"; fi
  expect_contains "$(cat "$T/err")" "container not running"
  if k resume "$ID" 2>"$T/err"; then fail "resume of a stopped container succeeded"; fi
  expect_contains "$(cat "$T/err")" "container not paused"
}

test_pause_created() {
  local b
  need_freezer
  b=$(new_bundle b ".process.args = $COUNTER")
  k create --bundle "$b" "$ID"
  # runc pauses a created container too; start then refuses it
  k pause "$ID"
  expect_eq "$(status_of "$ID")" paused
  if k start "$ID" 2>"$T/err"; then fail "start of a paused container succeeded"; fi
  expect_contains "$(cat "$T/err")" "cannot start a container in the paused state"
  k resume "$ID"
  expect_eq "$(status_of "$ID")" created
  k start "$ID"
  expect_eq "$(status_of "$ID")" running
}

test_kill_paused() {
  need_freezer
  start_counter
  k pause "$ID"
  # SIGKILL: runc thaws after sending it, so the container dies at once
  k kill "$ID" KILL
  wait_status stopped
  [ ! -d "/proc/$PID" ] || [ "$(awk '{print $3}' "/proc/$PID/stat")" = Z ] || fail "init $PID still alive"
  k delete "$ID"
  assert_nothing_left "$ID" b
}

test_signal_waits_for_resume() {
  local b
  need_freezer
  b=$(new_bundle b '.process.args = ["sh","-c","trap \"exit 3\" TERM; echo 1 > /dev/shm/count; while :; do sleep 0.05; done"]')
  k run -d --bundle "$b" "$ID"
  PID=$(k state "$ID" | jq -r .pid)
  for _ in $(seq 100); do [ -n "$(count_of "$PID")" ] && break; sleep 0.05; done
  k pause "$ID"
  # another signal is delivered but acted on only after resume
  k kill "$ID" TERM
  sleep 0.3
  expect_eq "$(status_of "$ID")" paused
  k resume "$ID"
  wait_status stopped
}

test_delete_force_paused() {
  local procs
  need_freezer
  b=$(new_bundle b '.process.args = ["sh","-c","sleep 1000 & sleep 1000 & wait"]')
  k run -d --bundle "$b" "$ID"
  sleep 0.2
  procs=$(k ps --format json "$ID" | jq -r '.[]')
  expect_eq "$(wc -w <<<"$procs")" 3
  k pause "$ID"
  k delete --force "$ID"
  for p in $procs; do
    [ ! -d "/proc/$p" ] || [ "$(awk '{print $3}' "/proc/$p/stat")" = Z ] || fail "process $p survived delete --force"
  done
  assert_nothing_left "$ID" b
}

run_tests

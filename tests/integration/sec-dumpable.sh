#!/bin/bash
# The processes krill starts that a container can see (init, exec's helper
# C1 and its process C2) run krill's binary of the host until their execve:
# none is dumpable at any instant, so a process of the container with the
# same uid and no more capabilities can open neither /proc/PID/exe nor
# /proc/PID/fd of any of them.
#
# Why the setup: CAP_SYS_PTRACE (in the host's user namespace: the container
# has none of its own) overrides non-dumpable, and without it a process with
# fewer capabilities than its target is refused anyway. So the spy has every
# capability of the host's but CAP_SYS_PTRACE, and krill runs with that same
# bounding set: then only dumpability stands between them. The spy shares
# the host's pid namespace, so it sees C1 (born in the host's) as well as
# the inits of other containers from birth.
. "$(dirname "$0")/lib.sh"

# The host's bounding set but CAP_SYS_PTRACE, as a JSON list of names.
caps_but_ptrace() {
  capsh --decode="$(awk '/^CapBnd/ { print $2 }' /proc/self/status)" | sed 's/^[^=]*=//' | tr ',' '\n' |
    grep -v '^cap_sys_ptrace$' | tr '[:lower:]' '[:upper:]' | jq -R . | jq -s -c .
}

krill_no_ptrace() { setpriv --bounding-set -sys_ptrace "$KRILL" --root "$T/state" "$@"; }

# start_spy: the spy container, running, its output in $T/spy.out.
start_spy() {
  local s
  command -v capsh >/dev/null && command -v setpriv >/dev/null || skip "needs capsh and setpriv"
  mkdir "$T/spy"
  cc -static -O2 -o "$T/spy/spy" "$TOP/tests/integration/fixtures/dumpable-spy.c" 2>"$T/cc.log" ||
    skip "no static C toolchain: $(head -1 "$T/cc.log")"
  CAPS=$(caps_but_ptrace)
  s=$(new_bundle spy '.process.args = ["/tmp/spy", "/tmp/stop", "25"]
    | .linux.namespaces |= map(select(.type != "pid"))
    | .mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T/spy"'", "options": ["rbind", "rw"]}]
    | .process.capabilities = {"bounding": '"$CAPS"', "effective": '"$CAPS"', "permitted": '"$CAPS"'}')
  k run -d --bundle "$s" "$ID-spy" </dev/null >"$T/spy.out" 2>&1 || fail "run spy: $(cat "$T/spy.out")"
}

stop_spy() {
  touch "$T/spy/stop"
  for _ in $(seq 100); do grep -q '^seen' "$T/spy.out" && break; sleep 0.1; done
  grep -q '^seen' "$T/spy.out" || fail "the spy did not finish: $(cat "$T/spy.out")"
}

test_helpers_never_dumpable() {
  local b i
  start_spy
  b=$(new_bundle b '.process.args = ["sleep", "100"]
    | .process.capabilities = {"bounding": '"$CAPS"', "effective": '"$CAPS"', "permitted": '"$CAPS"'}')
  krill_no_ptrace run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
  for i in $(seq 40); do
    krill_no_ptrace exec "$ID" true </dev/null >>"$T/exec.log" 2>&1 || fail "exec: $(cat "$T/exec.log")"
  done
  # inits, seen from birth: containers in a pid namespace of their own
  for i in $(seq 5); do
    krill_no_ptrace run -d --bundle "$b" "$ID-$i" </dev/null >>"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
    k delete -f "$ID-$i"
  done
  stop_spy
  if grep -q '^HIT' "$T/spy.out"; then
    fail "$(grep -c '^HIT' "$T/spy.out") helpers of krill's were readable ($(grep '^seen' "$T/spy.out")), e.g.: $(grep '^HIT' "$T/spy.out" | head -2 | cut -c1-400)"
  fi
  # It watched: helpers were seen (C1, C2, inits), none was readable.
  [ "$(awk '/^seen/ { print $2 }' "$T/spy.out")" -ge 10 ] || fail "the spy saw too few helpers: $(cat "$T/spy.out")"
}

# The control: with the same bounding set, a dumpable process named as
# krill's binary, child of a process named krill, is read by the spy: the
# setup above sees what it looks for.
test_spy_reads_a_dumpable_one() {
  start_spy
  mkdir "$T/p" "$T/c"
  cp /bin/bash "$T/p/krill"
  cp /bin/sleep "$T/c/krill"
  for _ in $(seq 20); do
    setpriv --bounding-set -sys_ptrace "$T/p/krill" -c "$T/c/krill 0.05; true"
  done
  stop_spy
  grep -q '^HIT' "$T/spy.out" || fail "the spy never read a dumpable process: $(cat "$T/spy.out")"
}

# On a host with fs.suid_dumpable = 1 the kernel makes a process dumpable
# again whenever its uid, gid or capabilities change (commit_creds): init's
# switch to process.user would undo its birth flag, leaving it readable by
# the container's user (/proc/PID/exe is krill's host binary, /proc/PID/fd
# its fds) while it waits for `start`. A process of the same uid, with no
# capability at all (the container's have none either), is the reader: the
# kernel lets it read a dumpable process only. suid_dumpable is the host's,
# so it is set for this test alone and put back even when the test fails.
# not_dumpable_after_user_switch NAME CAPS-FILTER
not_dumpable_after_user_switch() {
  local b pid old
  old=$(cat /proc/sys/fs/suid_dumpable)
  trap 'echo '"$old"' >/proc/sys/fs/suid_dumpable' EXIT
  echo 1 >/proc/sys/fs/suid_dumpable
  b=$(new_bundle "$1" '.process.args = ["sleep", "100"] | .process.user = {"uid": 1000, "gid": 1000}
    | '"$2")
  k create --bundle "$b" "$ID-$1" </dev/null >"$T/create.log" 2>&1 || fail "create: $(cat "$T/create.log")"
  pid=$(k state "$ID-$1" | jq -r .pid)
  # init, past process.user, waiting for start
  expect_eq "$(awk '/^Uid:/ { print $2 "," $3 "," $4 }' /proc/"$pid"/status)" "1000,1000,1000"
  expect_eq "$(awk '/^CapPrm:/ { print $2 }' /proc/"$pid"/status)" "0000000000000000"
  if setpriv --reuid 1000 --regid 1000 --clear-groups readlink -v /proc/"$pid"/exe >"$T/read" 2>&1; then
    fail "init of a created container is dumpable after its user switch: its exe read as $(cat "$T/read")"
  fi
  expect_contains "$(cat "$T/read")" "Permission denied"
  # The control: the started program is dumpable, and the reader reads it.
  k start "$ID-$1" || fail "start"
  for _ in $(seq 50); do [ "$(readlink /proc/"$pid"/exe)" != "$(readlink -f "$KRILL")" ] && break; sleep 0.1; done
  setpriv --reuid 1000 --regid 1000 --clear-groups readlink -v /proc/"$pid"/exe >"$T/read" 2>&1 ||
    fail "the reader cannot read the started program either: $(cat "$T/read")"
}

test_init_not_dumpable_after_user_switch_with_suid_dumpable_1() {
  not_dumpable_after_user_switch caps '.process.capabilities = {"bounding": [], "effective": [], "permitted": []}'
}

# Without process.capabilities the switch away from uid 0 empties them.
test_init_not_dumpable_after_user_switch_without_caps_with_suid_dumpable_1() {
  not_dumpable_after_user_switch nocaps 'del(.process.capabilities)'
}

run_tests

#!/bin/bash
# Where init is born: on a unified host, straight into its cgroup with
# clone3(CLONE_INTO_CGROUP), so no instruction of it runs outside; on v1 it
# is moved into every hierarchy before it is let go.
. "$(dirname "$0")/lib.sh"

unified() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

test_init_cloned_into_its_cgroup() {
  local b pid
  unified || skip "v1 host: init joins with writes to cgroup.procs"
  command -v strace >/dev/null || skip "needs strace"
  b=$(new_bundle p '.process.args = ["sleep", "1000"]')
  # not -f: init outlives create, and strace -f would wait for it
  strace -e trace=clone3 -o "$T/strace" "$KRILL" --root "$T/state" create --bundle "$b" "$ID" >/dev/null 2>&1
  pid=$(k state "$ID" | jq -r .pid)
  grep -q 'CLONE_INTO_CGROUP' "$T/strace" || fail "no clone3 with CLONE_INTO_CGROUP: $(grep clone3 "$T/strace")"
  expect_eq "$(cat "/proc/$pid/cgroup")" "0::$CG_BASE/p"
  grep -qx "$pid" "/sys/fs/cgroup$CG_BASE/p/cgroup.procs" || fail "init not in cgroup.procs"
  k delete --force "$ID"
}

test_init_in_every_hierarchy() {
  local b pid line
  b=$(new_bundle p '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  # every line of /proc/PID/cgroup (v1 controllers, the unified hierarchy)
  while IFS= read -r line; do
    [[ $line == *":$CG_BASE/p" ]] || fail "init outside its cgroup: $line"
  done < "/proc/$pid/cgroup"
  k delete --force "$ID"
}

run_tests

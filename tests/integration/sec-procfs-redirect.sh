#!/bin/bash
# CVE-2025-52881 class: a sysctl write redirected to another procfs file by
# a mount over the key. Every file then passes "is it procfs?", so krill must
# also refuse to cross a mount on the way to the key (RESOLVE_NO_XDEV).
# krill refuses config mounts inside /proc, so the mount is made the way a
# racing neighbour sharing a mount would leave it: here by a createContainer
# hook, in the container's mount namespace before the sysctls are written.
# The redirect is harmless by design: kernel.domainname redirected to the
# container's own kernel.hostname (both answer for the opener's uts
# namespace), so an unfixed krill renames only the container.
. "$(dirname "$0")/lib.sh"

test_sysctl_through_a_mount_over_the_key_refused() {
  local b rc=0
  b=$(new_bundle r '.linux.sysctl = {"kernel.domainname": "redirected"}
    | .hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
        "mount --bind proc/sys/kernel/hostname proc/sys/kernel/domainname"]}]
    | .hostname = "orig"
    | .process.args = ["hostname"]')
  k run --bundle "$b" "$ID" </dev/null >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "run succeeded; the container's hostname became: $(cat "$T/out")"
  expect_contains "$(cat "$T/err")" "linux.sysctl"
  expect_contains "$(cat "$T/err")" "kernel.domainname"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  assert_nothing_left "$ID" r
}

# The other procfs writes of init (process.oomScoreAdj here; the LSM's
# attr/exec the same way) after mounts made over them by a
# createContainer hook, in the container's mount namespace: over init's file
# in the container's /proc (proc/1/...) and in the host's /proc it still
# sees (/proc/PID/...), both pointing at the file of a host process. krill
# writes through the procfs handle its parent opened before the container
# existed (a private copy of /proc's mount, which no mount reaches): init
# gets the value, the host process keeps its own. A guard: it passed before
# this change too; a write through a path in the container's /proc fails it.
test_oom_score_adj_through_a_mount_over_it_not_redirected() {
  local b sleeper pid
  sleep 100 &
  sleeper=$!
  trap 'kill '"$sleeper"' 2>/dev/null' EXIT
  b=$(new_bundle o '.process.oomScoreAdj = 123
    | .hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
        "p=$(awk \"/^PPid:/ { print \\$2 }\" /proc/self/status)
         mount --bind /proc/'"$sleeper"'/oom_score_adj /proc/$p/oom_score_adj &&
         mount --bind /proc/'"$sleeper"'/oom_score_adj proc/1/oom_score_adj"]}]
    | .process.args = ["true"]')
  k create --bundle "$b" "$ID" </dev/null >"$T/out" 2>&1 || fail "create: $(cat "$T/out")"
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(cat /proc/"$sleeper"/oom_score_adj)" "0" "(the host process's)"
  expect_eq "$(cat /proc/"$pid"/oom_score_adj)" "123" "(init's)"
  # The hook's mounts were there: the container's /proc shows the host
  # process's file in place of its own.
  expect_eq "$(k exec "$ID" cat /proc/1/oom_score_adj 2>&1)" "0" "(init's, read through the hook's mount)"
}

# The plain case still works (guard).
test_sysctl_without_a_mount_written() {
  local b
  b=$(new_bundle p '.linux.sysctl = {"kernel.domainname": "plain.example"}
    | .process.args = ["cat", "/proc/sys/kernel/domainname"]')
  expect_eq "$(k run --bundle "$b" "$ID" </dev/null 2>&1)" "plain.example"
}

run_tests

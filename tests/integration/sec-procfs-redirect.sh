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

# The plain case still works (guard).
test_sysctl_without_a_mount_written() {
  local b
  b=$(new_bundle p '.linux.sysctl = {"kernel.domainname": "plain.example"}
    | .process.args = ["cat", "/proc/sys/kernel/domainname"]')
  expect_eq "$(k run --bundle "$b" "$ID" </dev/null 2>&1)" "plain.example"
}

run_tests

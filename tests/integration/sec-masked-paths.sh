#!/bin/bash
# CVE-2025-31133 class: masked paths are bound from the container's
# /dev/null; an image or a /dev bind whose "null" is a symlink or a plain
# file must never be what a masked path shows (runc bound whatever the
# symlink named). krill opens /dev/null in the root once and requires the
# 1:3 character device.
. "$(dirname "$0")/lib.sh"

# refuse_dev_null NAME: /dev bound from a directory whose "null" the caller
# made; create must fail naming /dev/null, leaving nothing.
refuse_dev_null() {
  local name=$1 b rc=0
  b=$(new_bundle "$name" '.mounts += [{"destination": "/dev", "type": "bind", "source": "'"$T/devdir"'", "options": ["rbind"]}]
    | .linux.maskedPaths = ["/proc/kcore"]')
  k create --bundle "$b" "$ID-$name" >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "create succeeded with a /dev/null that is not 1:3"
  expect_contains "$(cat "$T/err")" "/dev/null is not 1:3"
  assert_nothing_left "$ID-$name" "$name"
}

test_dev_null_symlink_not_used() {
  mkdir -p "$T/devdir"
  ln -s /etc/passwd "$T/devdir/null"
  refuse_dev_null sym
}

test_dev_null_regular_file_not_used() {
  mkdir -p "$T/devdir"
  echo "not a device" >"$T/devdir/null"
  refuse_dev_null file
}

run_tests

#!/bin/bash
# Time namespaces: linux.timeOffsets (monotonic, boottime) written before the
# container's first process is in the namespace, so its uptime and
# CLOCK_MONOTONIC are shifted and `exec` sees the same; with a user
# namespace too; bad offsets refused by name.
. "$(dirname "$0")/lib.sh"

DAY10=864000
TIMENS='.linux.namespaces += [{"type": "time"}]
  | .linux.timeOffsets = {"boottime": {"secs": '$DAY10', "nanosecs": 0}, "monotonic": {"secs": '$DAY10', "nanosecs": 5}}'

needs_timens() {
  [ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
}

host_uptime() { cut -d. -f1 /proc/uptime; }

test_timens_offsets_inside() {
  local b out up
  needs_timens
  b=$(new_bundle b "$TIMENS"' | .process.args = ["sh", "-c", "cut -d. -f1 /proc/uptime; cat /proc/self/timens_offsets"]')
  up=$(host_uptime)
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  local inside
  inside=$(echo "$out" | sed -n 1p)
  [ "$inside" -ge $((up + DAY10)) ] && [ "$inside" -lt $((up + DAY10 + 60)) ] ||
    fail "uptime inside $inside, host $up: not shifted by $DAY10 s"
  expect_contains "$(echo "$out" | tr -s ' ')" "monotonic $DAY10 5"
  expect_contains "$(echo "$out" | tr -s ' ')" "boottime $DAY10 0"
}

test_timens_host_and_exec() {
  local b pid out up
  needs_timens
  b=$(new_bundle b "$TIMENS"' | .process.args = ["sleep", "100"]')
  k run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
  pid=$(k state "$ID" | jq -r .pid)
  [ "$(readlink "/proc/$pid/ns/time")" != "$(readlink /proc/self/ns/time)" ] || fail "init is in the host's time namespace"
  up=$(host_uptime)
  out=$(k exec "$ID" cut -d. -f1 /proc/uptime) || fail "exec: $out"
  [ "$out" -ge $((up + DAY10)) ] || fail "uptime seen by exec $out, host $up"
}

test_timens_with_userns() {
  local b out up
  needs_timens
  needs_userns
  local map='[{"containerID": 0, "hostID": 100000, "size": 65536}]'
  b=$(new_bundle b "$TIMENS"' | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = '"$map"' | .linux.gidMappings = '"$map"'
    | .process.args = ["sh", "-c", "cut -d. -f1 /proc/uptime; id -u"]')
  private_rootfs "$b"
  chown -R 100000:100000 "$b/rootfs"
  chmod 755 "$T"
  up=$(host_uptime)
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  [ "$(echo "$out" | sed -n 1p)" -ge $((up + DAY10)) ] || fail "uptime inside: $out, host $up"
  expect_eq "$(echo "$out" | sed -n 2p)" 0
}


test_timens_bad_offsets() {
  needs_timens
  refuse nons '.linux.timeOffsets = {"monotonic": {"secs": 1}}' \
    'linux.timeOffsets: time offsets given, but no new time namespace in linux.namespaces'
  refuse path '.linux.namespaces += [{"type": "time", "path": "/proc/self/ns/time"}] | .linux.timeOffsets = {"monotonic": {"secs": 1}}' \
    'linux.timeOffsets: time offsets given, but the time namespace is joined by path'
  refuse clock "$TIMENS"' | .linux.timeOffsets.realtime = {"secs": 1}' \
    'linux.timeOffsets: unknown clock "realtime" (monotonic or boottime)'
  refuse nsec "$TIMENS"' | .linux.timeOffsets.monotonic.nanosecs = 1000000000' \
    'linux.timeOffsets.monotonic.nanosecs: 1000000000 is not below 1000000000'
}

run_tests

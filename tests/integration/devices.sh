#!/bin/bash
# The device cgroup, on both hierarchies: v1 writes devices.deny/allow, v2
# attaches a BPF device program.  Each test opens or mknods devices from
# inside and checks the cgroup from outside (devices.list on v1, the attached
# program on v2).
#
# /dev/full (c 1:7) is the guinea pig: it exists on every kernel, and listing
# it in linux.devices drops its default allow rule (as runc), so whether it
# opens depends on linux.resources.devices alone.  Opened for writing it
# answers ENOSPC to a write, so "No space left" proves the open worked.
. "$(dirname "$0")/lib.sh"

FULL='{"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 438}'
MKNOD_CAPS='.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'

unified() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

# ctr NAME JQ-FILTER SCRIPT: runs SCRIPT in a container, prints its output.
ctr() {
  local b
  b=$(new_bundle "$1" "$2") || return 1
  jq --arg s "$3" '.process.args = ["sh", "-c", $s]' "$b/config.json" >"$b/config.json.new" &&
    mv "$b/config.json.new" "$b/config.json"
  k run --bundle "$b" "$ID-$1" 2>&1
}

# The number of device programs attached to the cgroup directory $1 (v2).
bpf_device_programs() {
  python3 - "$1" <<'PY'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
ids = (ctypes.c_uint32 * 64)()
# union bpf_attr.query: target_fd, attach_type (BPF_CGROUP_DEVICE = 6),
# query_flags, attach_flags, prog_ids, prog_cnt
attr = ctypes.create_string_buffer(struct.pack("=IIIIQI", fd, 6, 0, 0, ctypes.addressof(ids), 64), 128)
if libc.syscall(321, 16, attr, 128) != 0:  # SYS_bpf, BPF_PROG_QUERY
    sys.exit("BPF_PROG_QUERY: " + os.strerror(ctypes.get_errno()))
print(struct.unpack_from("=I", attr.raw, 24)[0])
PY
}

# From outside, the cgroup of the running container $1 (bundle name $2) has
# the device rules in force: v1 devices.list must (not) show $3.
outside_check() {
  local id=$1 name=$2 want=$3 d
  if unified; then
    d=/sys/fs/cgroup$CG_BASE/$name
    expect_eq "$(bpf_device_programs "$d")" 1 "device programs on $d"
  else
    d=/sys/fs/cgroup/devices$CG_BASE/$name
    local list
    list=$(cat "$d/devices.list")
    [[ $list != "a "* ]] || fail "devices not restricted: $list"
    if [ -n "$want" ]; then
      grep -qx "$want" <<<"$list" || fail "devices.list lacks '$want': $list"
    fi
  fi
}

test_default_devices_usable() {
  local out
  out=$(ctr b . 'echo x >/dev/null && echo null-ok; head -c 3 /dev/zero | wc -c; head -c 2 /dev/urandom | wc -c; echo x >/dev/full; echo rc=$?')
  expect_contains "$out" "null-ok"
  expect_contains "$out" "No space left"
  expect_eq "$(grep -c '^[23]$' <<<"$out")" 2 "zero and urandom reads: $out"
}

test_listed_device_without_rule_is_denied() {
  local out
  out=$(ctr b ".linux.devices = [$FULL]" 'ls -l /dev/full; head -c 1 /dev/full; echo read-rc=$?; echo x >/dev/full; echo write-rc=$?')
  expect_contains "$out" "1,   7"
  expect_contains "$out" "/dev/full: Operation not permitted"
  expect_contains "$out" "read-rc=1"
  expect_contains "$out" "write-rc=1"
  [[ $out != *"No space left"* ]] || fail "the write reached the device: $out"
}

test_listed_device_with_allow_rule() {
  local b out pid
  b=$(new_bundle b ".linux.devices = [$FULL] | .linux.resources.devices += [{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 7, \"access\": \"rw\"}] | .process.args = [\"sh\", \"-c\", \"head -c 5 /dev/full | wc -c; echo x >/dev/full; sleep 1000\"]")
  k run -d --bundle "$b" "$ID" >"$T/out" 2>&1
  for _ in $(seq 50); do grep -q "No space" "$T/out" && break; sleep 0.1; done
  out=$(cat "$T/out")
  expect_contains "$out" "5"
  expect_contains "$out" "No space left"
  outside_check "$ID" b "c 1:7 rw"
  k delete --force "$ID"
}

test_access_bits() {
  local out
  # read only: the read opens, the write open is refused
  out=$(ctr r ".linux.devices = [$FULL] | .linux.resources.devices += [{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 7, \"access\": \"r\"}]" \
    'head -c 2 /dev/full | wc -c; echo x >/dev/full; echo write-rc=$?')
  expect_contains "$out" "2"
  expect_contains "$out" "Operation not permitted"
  expect_contains "$out" "write-rc=1"
  # write only
  out=$(ctr w ".linux.devices = [$FULL] | .linux.resources.devices += [{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 7, \"access\": \"w\"}]" \
    'head -c 2 /dev/full; echo read-rc=$?; echo x >/dev/full; echo write-rc=$?')
  expect_contains "$out" "Operation not permitted"
  expect_contains "$out" "read-rc=1"
  expect_contains "$out" "No space left"
}

test_wildcard_minor() {
  local out
  out=$(ctr b ".linux.devices = [$FULL] | .linux.resources.devices += [{\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}]" \
    'head -c 2 /dev/full | wc -c')
  expect_eq "$out" 2
}

test_mknod_allowed_open_denied() {
  local out
  need_cap MKNOD 27
  # the defaults allow mknod of any device; opening c 1:11 is not allowed
  out=$(ctr b "$MKNOD_CAPS" 'mknod /dev/kmsg2 c 1 11 && echo mknod-ok; ls -l /dev/kmsg2; echo x >/dev/kmsg2; echo write-rc=$?')
  expect_contains "$out" "mknod-ok"
  expect_contains "$out" "1,  11"
  expect_contains "$out" "/dev/kmsg2: Operation not permitted"
  expect_contains "$out" "write-rc=1"
}

test_mknod_denied() {
  local out
  need_cap MKNOD 27
  # deny-list mode: everything but mknod of c 1:11
  out=$(ctr b "$MKNOD_CAPS | .linux.resources.devices = [{\"allow\": true, \"access\": \"rwm\"}, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"m\"}]" \
    'mknod /dev/kmsg2 c 1 11; echo mknod-rc=$?; mknod /dev/full2 c 1 7 && head -c 2 /dev/full2 | wc -c')
  expect_contains "$out" "Operation not permitted"
  expect_contains "$out" "mknod-rc=1"
  expect_contains "$out" "2"
}

test_type_a_allows_everything() {
  local b out
  b=$(new_bundle b ".linux.devices = [$FULL] | .linux.resources.devices = [{\"allow\": true, \"type\": \"a\", \"access\": \"rwm\"}] | .process.args = [\"sh\", \"-c\", \"head -c 2 /dev/full | wc -c; sleep 1000\"]")
  k run -d --bundle "$b" "$ID" >"$T/out" 2>&1
  for _ in $(seq 50); do [ -s "$T/out" ] && break; sleep 0.1; done
  expect_eq "$(cat "$T/out")" 2
  if ! unified; then
    grep -qx "a \*:\* rwm" "/sys/fs/cgroup/devices$CG_BASE/b/devices.list" || fail "devices.list: $(cat "/sys/fs/cgroup/devices$CG_BASE/b/devices.list")"
  else
    expect_eq "$(bpf_device_programs "/sys/fs/cgroup$CG_BASE/b")" 1
  fi
  k delete --force "$ID"
}

test_deny_a_after_allow_a_resets() {
  local out
  out=$(ctr b ".linux.devices = [$FULL] | .linux.resources.devices = [{\"allow\": true, \"access\": \"rwm\"}, {\"allow\": false, \"access\": \"rwm\"}]" \
    'echo x >/dev/null && echo null-ok; head -c 1 /dev/full; echo rc=$?')
  expect_contains "$out" "null-ok"
  expect_contains "$out" "Operation not permitted"
  expect_contains "$out" "rc=1"
}

test_hole_in_wildcard_refused() {
  local b out rc=0
  b=$(new_bundle b '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 7, "access": "w"}]')
  out=$(k run --bundle "$b" "$ID" 2>&1) || rc=$?
  expect_eq "$rc" 1 "exit code ($out)"
  expect_contains "$out" "linux.resources.devices[2]"
  expect_contains "$out" "c 1:* rwm"
  assert_nothing_left "$ID" b
}

run_tests

#!/bin/bash
# Bad input: one clear line naming the field or value, a non-zero exit, and
# nothing left behind (state dir, cgroup, mount, process).
. "$(dirname "$0")/lib.sh"


test_malformed_json() {
  local b rc=0
  b=$(new_bundle b)
  echo '{"ociVersion": "1.3.0", "root": ' >"$b/config.json"
  k create --bundle "$b" "$ID" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "accepted"
  expect_contains "$(cat "$T/err")" "config.json"
  expect_contains "$(cat "$T/err")" "invalid JSON"
  assert_nothing_left "$ID" b
}

test_wrong_type() {
  refuse wt '.process.args = "sleep"' 'process.args: expected array'
}

test_wrong_type_deep() {
  refuse wd '.process.rlimits[0].soft = "many"' 'process.rlimits[0].soft: expected'
}

test_missing_root_path() {
  refuse mr 'del(.root.path)' 'root.path'
}

test_rootfs_missing() {
  refuse rm '.root.path = "/nonexistent/rootfs"' 'root.path: rootfs "/nonexistent/rootfs"'
}

test_empty_args() {
  refuse ea '.process.args = []' 'process.args'
}

test_bad_oci_version() {
  refuse ov '.ociVersion = "2.0.0"' 'ociVersion'
}

test_unknown_capability() {
  refuse uc '.process.capabilities.bounding += ["CAP_NOPE"]' 'process.capabilities.bounding: unknown capability "CAP_NOPE"'
}

test_unknown_rlimit() {
  refuse ur '.process.rlimits = [{"type": "RLIMIT_NOPE", "soft": 1, "hard": 1}]' 'RLIMIT_NOPE'
}

test_not_implemented_field() {
  refuse ni '.linux.intelRdt = {"closID": "krill"}' 'linux.intelRdt: not implemented'
}

test_bad_resource_value() {
  refuse nr '.linux.resources.memory = {"limit": -7}' 'linux.resources.memory.limit: invalid value -7'
}

test_missing_executable() {
  refuse me '.process.args = ["/no/such/binary"]' '/no/such/binary'
}

test_executable_not_in_path() {
  refuse mp '.process.args = ["nosuchcmd"]' 'executable file not found in $PATH'
}

test_bad_ids() {
  local b id long rc
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  long=$(printf 'a%.0s' $(seq 2000))
  for id in "../x" "a/b" "$long" "" "." ".."; do
    rc=0
    k create --bundle "$b" "$id" 2>"$T/err" || rc=$?
    [ $rc != 0 ] || fail "id '$id' accepted"
    expect_contains "$(cat "$T/err")" "container id"
  done
  [ ! -e "$T/x" ] || fail "../x created something"
  [ -z "$(ls -A "$T/state" 2>/dev/null)" ] || fail "state left: $(ls -A "$T/state")"
}

test_unknown_flag() {
  local rc=0
  k create --bogus x 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "accepted"
  expect_contains "$(cat "$T/err")" "bogus"
}

test_terminal_without_console_socket() {
  refuse ts '.process.terminal = true' 'console-socket'
}

test_unknown_namespace() {
  refuse un '.linux.namespaces += [{"type": "bogus"}]' 'got string "bogus"'
}

test_bad_device_rule() {
  refuse bd '.linux.resources.devices += [{"allow": true, "type": "x", "access": "r"}]' 'linux.resources.devices[1].type'
}

test_hostname_without_uts() {
  refuse hu '.linux.namespaces |= map(select(.type != "uts"))' 'hostname'
}

run_tests

#!/bin/bash
# linux.sysctl: namespaced keys are written inside the container (seen in
# its /proc/sys, the host's values unchanged); keys the container would share
# with the host are refused before anything exists, as runc refuses them.
. "$(dirname "$0")/lib.sh"

bundle_ok() { jq -e '.process.terminal == false' "$1/config.json" >/dev/null || fail "jq filter of $1 failed"; }


test_namespaced_values_inside_host_unchanged() {
  local b out host_shm host_fwd host_mq
  host_shm=$(cat /proc/sys/kernel/shmmax)
  host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
  host_mq=$(cat /proc/sys/fs/mqueue/msg_max)
  b=$(new_bundle s '.linux.sysctl = {"kernel.shmmax": "123456789", "net.ipv4.ip_forward": "1", "fs.mqueue.msg_max": "17", "kernel.domainname": "sys.example", "net/ipv4/conf/lo/forwarding": "1"} | .process.args = ["sh", "-c", "cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname /proc/sys/net/ipv4/conf/lo/forwarding"]')
  bundle_ok "$b"
  out=$(k run --bundle "$b" "$ID-s")
  expect_eq "$out" "123456789
1
17
sys.example
1"
  expect_eq "$(cat /proc/sys/kernel/shmmax)" "$host_shm" "(host kernel.shmmax)"
  expect_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "(host ip_forward)"
  expect_eq "$(cat /proc/sys/fs/mqueue/msg_max)" "$host_mq" "(host fs.mqueue.msg_max)"
}

test_value_seen_from_outside() {
  local b pid
  b=$(new_bundle o '.linux.sysctl = {"kernel.shmmni": "1234"} | .process.args = ["sleep", "30"]')
  bundle_ok "$b"
  k create --bundle "$b" "$ID-o"
  pid=$(k state "$ID-o" | jq -r .pid)
  # written at create, in the container's ipc namespace
  expect_eq "$(nsenter -t "$pid" -i cat /proc/sys/kernel/shmmni)" 1234
  [ "$(cat /proc/sys/kernel/shmmni)" != 1234 ] || fail "the host's kernel.shmmni changed"
  k delete --force "$ID-o"
}

test_not_namespaced_refused() {
  refuse v '.linux.sysctl = {"vm.swappiness": "10"}' 'linux.sysctl: "vm.swappiness" is not namespaced: refused'
  refuse k '.linux.sysctl = {"kernel.pid_max": "1000"}' 'linux.sysctl: "kernel.pid_max" is not namespaced: refused'
}

test_net_without_netns_refused() {
  refuse n '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}' \
    'linux.sysctl: "net.ipv4.ip_forward" is not allowed in the host'"'"'s network namespace'
  # joining the host's own network namespace by path is the host's too
  refuse p '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}' \
    'linux.sysctl: "net.ipv4.ip_forward" is not allowed in the host'"'"'s network namespace'
}

test_ipc_without_ipcns_refused() {
  refuse i '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmax": "1"}' \
    'linux.sysctl: "kernel.shmmax" is not allowed in the host'"'"'s ipc namespace'
  refuse m '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"fs.mqueue.msg_max": "1"}' \
    'linux.sysctl: "fs.mqueue.msg_max" is not allowed in the host'"'"'s ipc namespace'
}

test_hostname_key_conflicts_with_field() {
  refuse h '.linux.sysctl = {"kernel.hostname": "x"}' 'linux.sysctl: "kernel.hostname" conflicts with the hostname field'
}

test_bad_keys_refused() {
  refuse d '.linux.sysctl = {"net..ipv4": "1"}' 'linux.sysctl: "net..ipv4" is not a sysctl name'
  refuse u '.linux.sysctl = {"net.//.//.kernel.shmmax": "1"}' 'is not a sysctl name'
}

test_missing_key_fails_create() {
  local b out rc=0
  b=$(new_bundle x '.linux.sysctl = {"net.ipv4.no_such_key": "1"} | .process.args = ["true"]')
  bundle_ok "$b"
  out=$(k create --bundle "$b" "$ID-x" 2>&1) || rc=$?
  expect_eq "$rc" 1 "($out)"
  expect_contains "$out" 'linux.sysctl: open "net.ipv4.no_such_key": No such file or directory'
  assert_nothing_left "$ID-x" x
}

test_proc_must_be_procfs() {
  local b out rc=0
  # no procfs mounted: /proc is the rootfs's own directory, and the writes
  # must not land in it (krill's rootfs code refuses anything else on /proc)
  b=$(new_bundle t '.mounts |= map(select(.destination != "/proc")) | .linux.maskedPaths = [] | .linux.readonlyPaths = [] | .linux.sysctl = {"kernel.shmmax": "1"} | .process.args = ["true"]')
  bundle_ok "$b"
  out=$(k create --bundle "$b" "$ID-t" 2>&1) || rc=$?
  expect_eq "$rc" 1 "($out)"
  expect_contains "$out" "linux.sysctl: /proc in the container is not procfs"
  assert_nothing_left "$ID-t" t
}

run_tests

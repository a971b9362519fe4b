#!/bin/bash
# `update`: a live container's limits change in the cgroup (seen from the
# host) and in what the container can do; -r with a LinuxResources document;
# merged onto what is in force; a stopped container is refused.
. "$(dirname "$0")/lib.sh"

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then V2=1; else V2=; fi
cgf() {
  if [ -n "$V2" ]; then echo "/sys/fs/cgroup$CG_BASE/$2/$3"; else echo "/sys/fs/cgroup/$1$CG_BASE/$2/$3"; fi
}
expect_file() { expect_eq "$(cat "$1")" "$2" "($1)"; }
wait_status() { # wait_status ID STATUS
  local i
  for i in $(seq 300); do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 never became $2 (is $(status_of "$1"))"
}

# A container that waits for $T/shared/go, then runs SCRIPT; its output
# goes to $T/out.
gated() { # gated NAME RESOURCES-JSON SCRIPT
  local b
  mkdir -p "$T/shared"
  b=$(new_bundle "$1" '.linux.resources += '"$2"' | .mounts += [{"destination": "/shared", "type": "bind", "source": "'"$T/shared"'", "options": ["rbind", "rw"]}] | .process.args = ["sh", "-c", "while [ ! -e /shared/go ]; do sleep 0.05; done; '"$3"'"]')
  k create --bundle "$b" "$ID" >"$T/out" 2>&1 || { cat "$T/out" >&2; fail "create failed"; }
  k start "$ID"
}

test_update_pids_running() {
  need_ctrl pids
  gated p '{"pids": {"limit": 3}}' 'sh -c \"for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo forked-all\"; echo child=$?'
  expect_file "$(cgf pids p pids.max)" 3
  k update --pids-limit 20 "$ID"
  expect_file "$(cgf pids p pids.max)" 20
  touch "$T/shared/go"
  wait_status "$ID" stopped
  expect_contains "$(cat "$T/out")" "forked-all"
  expect_eq "$(jq -c .pids "$T/state/$ID/resources.json")" '{"limit":20}'
}

test_update_memory_running() {
  local rc=0
  need_ctrl memory
  # v1 writes memory.memsw.limit_in_bytes (v2: swap == limit needs no file)
  [ -n "$V2" ] || need_cg_file memory memory.memsw.limit_in_bytes "no swap accounting in this kernel (CONFIG_MEMCG_SWAP, swapaccount=1)"
  gated m '{"memory": {"limit": 33554432, "swap": 33554432}}' 'head -c 100m /dev/zero | tail; echo tail=$?'
  # runc's units: 256m
  k update --memory 256m --memory-swap 256m "$ID"
  if [ -n "$V2" ]; then
    expect_file "$(cgf memory m memory.max)" 268435456
  else
    expect_file "$(cgf memory m memory.limit_in_bytes)" 268435456
    expect_file "$(cgf memory m memory.memsw.limit_in_bytes)" 268435456
  fi
  touch "$T/shared/go"
  wait_status "$ID" stopped
  expect_contains "$(cat "$T/out")" "tail=0"
}

test_update_resources_stdin_and_merge() {
  local b
  need_ctrl pids
  need_ctrl memory
  if [ -n "$V2" ]; then need_cg_file cpu cpu.max "no CFS bandwidth control in this kernel (CONFIG_CFS_BANDWIDTH)"
  else need_cg_file cpu cpu.cfs_quota_us "no CFS bandwidth control in this kernel (CONFIG_CFS_BANDWIDTH)"; fi
  b=$(new_bundle j '.linux.resources.pids = {"limit": 30} | .process.args = ["sleep", "100"]')
  k create --bundle "$b" "$ID"
  k start "$ID"
  echo '{"cpu": {"quota": 20000, "period": 100000}, "memory": {"limit": 100000000}}' | k update -r - "$ID"
  if [ -n "$V2" ]; then
    expect_file "$(cgf cpu j cpu.max)" "20000 100000"
    expect_file "$(cgf memory j memory.max)" 99999744
  else
    expect_file "$(cgf cpu j cpu.cfs_quota_us)" 20000
    expect_file "$(cgf memory j memory.limit_in_bytes)" 99999744
  fi
  # A second update starts from the first: pids and cpu stay, quota alone moves.
  k update --cpu-quota 30000 "$ID"
  [ -n "$V2" ] && expect_file "$(cgf cpu j cpu.max)" "30000 100000" || expect_file "$(cgf cpu j cpu.cfs_quota_us)" 30000
  expect_eq "$(jq -c '[.pids.limit, .cpu.quota, .cpu.period, .memory.limit]' "$T/state/$ID/resources.json")" '[30,30000,100000,100000000]'
  # From a file, and a bad document names the field.
  echo '{"pids": {"limit": 12}}' >"$T/r.json"
  k update --resources "$T/r.json" "$ID"
  expect_file "$(cgf pids j pids.max)" 12
  echo '{"pids": {"limit": "many"}}' >"$T/bad.json"
  ! k update -r "$T/bad.json" "$ID" 2>"$T/err" || fail "accepted a bad document"
  expect_contains "$(cat "$T/err")" "pids.limit: expected integer"
}

test_update_bad_values() {
  local b
  need_ctrl pids
  b=$(new_bundle v '.process.args = ["sleep", "100"]')
  k create --bundle "$b" "$ID"
  ! k update --memory 12x "$ID" 2>"$T/err" || fail "accepted --memory 12x"
  expect_contains "$(cat "$T/err")" "invalid value for memory"
  ! k update --cpuset-cpus 0-99 "$ID" 2>"$T/err" || fail "accepted cpus 0-99"
  expect_contains "$(cat "$T/err")" "linux.resources.cpu.cpus: \"0-99\" not within the host's cpus"
  ! k update --l3-cache-schema "L3:0=f" "$ID" 2>"$T/err" || fail "accepted an l3 schema"
  expect_contains "$(cat "$T/err")" "l3 cache schema is not supported"
  # A created container can be updated, as with runc.
  k update --pids-limit 5 "$ID"
  expect_file "$(cgf pids v pids.max)" 5
}

# Device rules: -r replaces the container's list (defaults stay after it),
# in force at once; on cgroup v2 the BPF program is swapped in one step.
test_update_devices_running() {
  local b node=c
  [ -c /dev/fuse ] || skip "no /dev/fuse (c 10:229) on this host"
  b=$(new_bundle d '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}] | .process.args = ["sleep", "100"]')
  k run -d --bundle "$b" "$ID" >/dev/null
  k exec "$ID" sh -c ': </dev/fuse && echo opened' >"$T/out" 2>&1 || true
  expect_contains "$(cat "$T/out")" "Operation not permitted"
  echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]}' >"$T/r.json"
  k update -r "$T/r.json" "$ID" 2>"$T/err" || { cat "$T/err" >&2; fail "update -r with devices failed"; }
  k exec "$ID" sh -c ': </dev/fuse && echo opened' >"$T/out" 2>&1 || true
  expect_eq "$(cat "$T/out")" "opened"
  # The defaults stay in force after the replaced list.
  k exec "$ID" sh -c 'echo x >/dev/null && echo null-ok' >"$T/out" 2>&1 || true
  expect_eq "$(cat "$T/out")" "null-ok"
  if [ -z "$V2" ]; then
    grep -qx 'c 10:229 rw' "$(cgf devices d devices.list)" || fail "c 10:229 rw not in devices.list: $(cat "$(cgf devices d devices.list)")"
  fi
  # And back: a deny of it takes effect as well.
  echo '{"devices": [{"allow": false, "access": "rwm"}]}' >"$T/r.json"
  k update -r "$T/r.json" "$ID"
  k exec "$ID" sh -c ': </dev/fuse && echo opened' >"$T/out" 2>&1 || true
  expect_contains "$(cat "$T/out")" "Operation not permitted"
  k delete -f "$ID"
}

test_update_stopped_refused() {
  local b rc=0
  b=$(new_bundle s '.process.args = ["true"]')
  k create --bundle "$b" "$ID"
  k start "$ID"
  wait_status "$ID" stopped
  k update --pids-limit 10 "$ID" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(cat "$T/err")" "container not running"
}

test_update_missing_container() {
  local rc=0
  k update --pids-limit 10 nosuch-$ID 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "does not exist"
}

run_tests

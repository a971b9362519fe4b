#!/bin/bash
# process.ioPriority, process.scheduler, linux.personality,
# linux.memoryPolicy and process.execCPUAffinity: each seen in effect from
# inside the container (ionice, /proc/self/stat, uname, numa_maps,
# Cpus_allowed_list) and from outside (ioprio_get, /proc/PID/...), for the
# container's init and for `exec`; bad values refused at create naming the
# field and the value, nothing left.
. "$(dirname "$0")/lib.sh"

bundle_ok() { jq -e '.process.terminal == false' "$1/config.json" >/dev/null || fail "jq filter of $1 failed"; }

# ioprio_get(IOPRIO_WHO_PROCESS, PID) from outside: class<<13 | data.
ioprio_of() {
  python3 -c 'import ctypes,sys; l=ctypes.CDLL(None,use_errno=True); print(l.syscall(252, 1, int(sys.argv[1])))' "$1"
}

# stat_field PID N: field N of /proc/PID/stat, counted after the comm.
stat_field() { sed 's/.*) //' "/proc/$1/stat" | awk -v n="$(($2 - 2))" '{print $n}'; }

# sleeper NAME JQ: a created container running sleep; echoes init's pid.
sleeper() {
  local b
  b=$(new_bundle "$1" "$2 | .process.args = [\"sleep\", \"100\"]")
  bundle_ok "$b"
  k create --bundle "$b" "$ID-$1" >/dev/null
  k state "$ID-$1" | jq -r .pid
}

# exec_pid NAME [PROCESS-JQ]: a detached `sleep` exec'd in $ID-NAME, with
# --process made from the container's own process by PROCESS-JQ when given;
# echoes its pid.
exec_pid() {
  if [ $# -gt 1 ]; then
    jq ".process | del(.execCPUAffinity, .scheduler, .ioPriority) | $2 | .args = [\"sleep\", \"100\"]" \
      "$T/$1/config.json" >"$T/p.json"
    k exec -d --pid-file "$T/epid" --process "$T/p.json" "$ID-$1" >/dev/null
  else
    k exec -d --pid-file "$T/epid" "$ID-$1" sleep 100 >/dev/null
  fi
  cat "$T/epid"
}

# A jq filter giving the container real-time runtime where the kernel
# schedules real-time tasks by cgroup (CONFIG_RT_GROUP_SCHED, v1 here): a
# new cpu cgroup has none, and SCHED_FIFO/RR are refused (EPERM) in it. The
# test's parent cgroup gets some first: krill does not write parents.
rt_cgroup() {
  local d=/sys/fs/cgroup/cpu/${CG_BASE#/}
  if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
    mkdir -p "$d"
    echo 50000 >"$d/cpu.rt_runtime_us"
    echo '.linux.resources.cpu = {"realtimeRuntime": 10000, "realtimePeriod": 1000000}'
  else
    echo .
  fi
}


test_io_priority_init_and_exec() {
  local b pid epid
  b=$(new_bundle r '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6} | .process.args = ["ionice"]')
  expect_eq "$(k run --bundle "$b" "$ID-r")" "best-effort: prio 6"
  pid=$(sleeper s '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}')
  expect_eq "$(ioprio_of "$pid")" $((3 << 13)) "(init's ioprio)"
  # exec: the container's own, unless its process says otherwise
  epid=$(exec_pid s)
  expect_eq "$(ioprio_of "$epid")" $((3 << 13)) "(exec's ioprio, from config.json)"
  epid=$(exec_pid s '.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 2}')
  expect_eq "$(ioprio_of "$epid")" $((1 << 13 | 2)) "(exec's ioprio, from --process)"
  expect_eq "$(k exec "$ID-s" ionice)" idle
}

test_scheduler_init_and_exec() {
  local b out pid epid rt
  # /proc/self/stat of cat itself: 18 priority, 19 nice, 41 policy
  b=$(new_bundle b '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7} | .process.args = ["cat", "/proc/self/stat"]')
  out=$(k run --bundle "$b" "$ID-b" | sed 's/.*) //')
  expect_eq "$(awk '{print $17, $39}' <<<"$out")" "7 3" "(nice, policy: $out)"
  rt=$(rt_cgroup)
  b=$(new_bundle f "$rt"' | .process.scheduler = {"policy": "SCHED_FIFO", "priority": 10} | .process.args = ["cat", "/proc/self/stat"]')
  out=$(k run --bundle "$b" "$ID-f" | sed 's/.*) //')
  expect_eq "$(awk '{print $16, $39}' <<<"$out")" "-11 1" "(prio, policy: $out)"
  pid=$(sleeper s "$rt"' | .process.scheduler = {"policy": "SCHED_RR", "priority": 3}')
  expect_eq "$(stat_field "$pid" 41) $(stat_field "$pid" 18)" "2 -4" "(init's policy, prio)"
  epid=$(exec_pid s)
  expect_eq "$(stat_field "$epid" 41) $(stat_field "$epid" 18)" "2 -4" "(exec's, from config.json)"
  epid=$(exec_pid s '.scheduler = {"policy": "SCHED_IDLE"}')
  expect_eq "$(stat_field "$epid" 41)" 5 "(exec's policy, from --process)"
  grep -q "^policy *: *5$" "/proc/$epid/sched" || fail "/proc/$epid/sched: $(grep policy "/proc/$epid/sched")"
}

test_scheduler_deadline() {
  local b out rc=0
  b=$(new_bundle d '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 10000000, "period": 10000000} | .process.args = ["cat", "/proc/self/stat"]')
  out=$(k run --bundle "$b" "$ID-d" 2>&1) || rc=$?
  if [ $rc != 0 ] && [[ $out == *"process.scheduler: sched_setattr"* ]]; then
    skip "SCHED_DEADLINE refused by this host: $out"
  fi
  expect_eq "$rc" 0 "($out)"
  expect_eq "$(sed 's/.*) //' <<<"$out" | awk '{print $39}')" 6 "(policy: $out)"
}

test_personality_init_and_exec() {
  local b pid epid
  [ "$(uname -m)" = x86_64 ] || skip "LINUX32 checked on x86_64 only (uname -m is $(uname -m))"
  b=$(new_bundle r '.linux.personality = {"domain": "LINUX32"} | .process.args = ["uname", "-m"]')
  expect_eq "$(k run --bundle "$b" "$ID-r")" i686
  pid=$(sleeper s '.linux.personality = {"domain": "LINUX32"}')
  expect_eq "$(cat "/proc/$pid/personality")" 00000008 "(init)"
  epid=$(exec_pid s)
  expect_eq "$(cat "/proc/$epid/personality")" 00000008 "(exec)"
  expect_eq "$(k exec "$ID-s" uname -m)" i686
  pid=$(sleeper l '.linux.personality = {"domain": "LINUX"}')
  expect_eq "$(cat "/proc/$pid/personality")" 00000000 "(LINUX)"
}

test_memory_policy_init_and_exec() {
  local b pid epid
  [ -d /sys/devices/system/node/node0 ] || skip "no NUMA node 0 in /sys/devices/system/node"
  b=$(new_bundle r '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0"} | .process.args = ["head", "-n", "1", "/proc/self/numa_maps"]')
  expect_contains "$(k run --bundle "$b" "$ID-r")" " interleave:0 "
  pid=$(sleeper s '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}')
  expect_contains "$(head -n 1 "/proc/$pid/numa_maps")" " bind=static:0 "
  epid=$(exec_pid s)
  expect_contains "$(head -n 1 "/proc/$epid/numa_maps")" " bind=static:0 "
  pid=$(sleeper p '.linux.memoryPolicy = {"mode": "MPOL_PREFERRED", "nodes": "0"}')
  expect_contains "$(head -n 1 "/proc/$pid/numa_maps")" " prefer:0 "
  pid=$(sleeper l '.linux.memoryPolicy = {"mode": "MPOL_LOCAL"}')
  expect_contains "$(head -n 1 "/proc/$pid/numa_maps")" " local "
}

test_exec_cpu_affinity() {
  local b pid epid all
  [ "$(nproc --all)" -ge 2 ] && grep -q '^0-' /sys/devices/system/cpu/online || skip "needs CPUs 0 and 1 online"
  all=$(grep Cpus_allowed_list /proc/self/status | awk '{print $2}')
  pid=$(sleeper s '.process.execCPUAffinity = {"initial": "0", "final": "1"}')
  # not init's (config.md: "not applicable to the container's init process")
  expect_eq "$(grep Cpus_allowed_list "/proc/$pid/status" | awk '{print $2}')" "$all" "(init)"
  epid=$(exec_pid s)
  expect_eq "$(grep Cpus_allowed_list "/proc/$epid/status" | awk '{print $2}')" 1 "(exec, from config.json)"
  expect_eq "$(k exec "$ID-s" grep Cpus_allowed_list /proc/self/status | awk '{print $2}')" 1 "(inside)"
  epid=$(exec_pid s '.execCPUAffinity = {"final": "0"}')
  expect_eq "$(grep Cpus_allowed_list "/proc/$epid/status" | awk '{print $2}')" 0 "(exec, from --process)"
  # none asked for: the caller's own affinity is not passed on (as runc)
  # nor to init (runc resets it too)
  b=$(new_bundle r '.process.args = ["grep", "Cpus_allowed_list", "/proc/self/status"]')
  expect_eq "$(taskset -c 1 "$KRILL" --root "$T/state" run --bundle "$b" "$ID-r" | awk '{print $2}')" "$all" "(init under taskset -c 1)"
  pid=$(sleeper n '.')
  expect_eq "$(taskset -c 1 "$KRILL" --root "$T/state" exec "$ID-n" grep Cpus_allowed_list /proc/self/status | awk '{print $2}')" "$all" "(exec under taskset -c 1)"
}

test_bad_values_refused() {
  refuse ic '.process.ioPriority = {"class": "IOPRIO_CLASS_NOPE", "priority": 1}' 'process.ioPriority.class'
  refuse ip '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}' 'process.ioPriority.priority: 8 out of range'
  refuse ipn '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": -1}' 'process.ioPriority.priority: -1 out of range'
  refuse sp '.process.scheduler = {"policy": "SCHED_NOPE"}' 'process.scheduler.policy'
  refuse si '.process.scheduler = {"policy": "SCHED_ISO"}' 'process.scheduler.policy: "SCHED_ISO"'
  refuse sn '.process.scheduler = {"policy": "SCHED_OTHER", "nice": 20}' 'process.scheduler.nice: 20 out of range'
  refuse sq '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 5}' 'process.scheduler.priority: 5'
  refuse sr '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 100}' 'process.scheduler.priority: 100 out of range'
  refuse sd '.process.scheduler = {"policy": "SCHED_RR", "priority": 1, "runtime": 100}' 'process.scheduler.runtime'
  refuse sf '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_NOPE"]}' 'process.scheduler.flags'
  refuse pd '.linux.personality = {"domain": "LINUX64"}' 'linux.personality.domain'
  refuse mm '.linux.memoryPolicy = {"mode": "MPOL_NOPE", "nodes": "0"}' 'linux.memoryPolicy.mode'
  refuse mb '.linux.memoryPolicy = {"mode": "MPOL_BIND"}' 'linux.memoryPolicy.nodes: MPOL_BIND needs at least one node'
  refuse md '.linux.memoryPolicy = {"mode": "MPOL_DEFAULT", "nodes": "0"}' 'linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes, got "0"'
  refuse mr '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "3-1"}' 'linux.memoryPolicy.nodes: invalid list "3-1"'
  refuse mf '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NOPE"]}' 'linux.memoryPolicy.flags'
  refuse ms '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}' 'linux.memoryPolicy.flags'
  refuse ai '.process.execCPUAffinity = {"initial": "1-0"}' 'process.execCPUAffinity.initial: invalid list "1-0"'
  refuse af '.process.execCPUAffinity = {"final": "0,,99999999"}' 'process.execCPUAffinity.final: invalid list "0,,99999999"'
}

# A node the host lacks: refused by the kernel in the container's init,
# named, nothing left; a number past 1023 is not refused by krill itself.
test_memory_policy_missing_node() {
  [ ! -d /sys/devices/system/node/node1500 ] || skip "this host has a node 1500"
  refuse mn '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1500"}' 'linux.memoryPolicy: set_mempolicy MPOL_BIND nodes "1500"'
}

test_exec_bad_values_refused() {
  local out rc=0
  sleeper s '.' >/dev/null
  printf '%s' '{"args": ["true"], "cwd": "/", "scheduler": {"policy": "SCHED_BATCH", "nice": -21}}' >"$T/p.json"
  out=$(k exec --process "$T/p.json" "$ID-s" 2>&1) || rc=$?
  expect_eq "$rc" 255 "($out)"
  expect_contains "$out" 'process.scheduler.nice: -21 out of range'
  rc=0
  printf '%s' '{"args": ["true"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 9}}' >"$T/p.json"
  out=$(k exec --process "$T/p.json" "$ID-s" 2>&1) || rc=$?
  expect_eq "$rc" 255 "($out)"
  expect_contains "$out" 'process.ioPriority.priority: 9 out of range'
  expect_eq "$(k exec "$ID-s" echo still)" still
}

# A profile that denies the very calls: krill makes them before the filter
# (with or without noNewPrivileges, init and exec), as runc.
test_applied_before_seccomp() {
  local nnp pid epid deny
  deny='.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["sched_setattr", "sched_setscheduler", "sched_setaffinity", "ioprio_set", "personality", "set_mempolicy"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  for nnp in true false; do
    pid=$(sleeper "s$nnp" "$deny"' | .process.noNewPrivileges = '"$nnp"' | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3} | .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 5} | .process.execCPUAffinity = {"final": "0"}')
    expect_eq "$(stat_field "$pid" 41) $(stat_field "$pid" 19)" "3 3" "(init's policy, nice; noNewPrivileges $nnp)"
    expect_eq "$(ioprio_of "$pid")" $((2 << 13 | 5)) "(init's ioprio; noNewPrivileges $nnp)"
    epid=$(exec_pid "s$nnp")
    expect_eq "$(stat_field "$epid" 41) $(ioprio_of "$epid")" "3 $((2 << 13 | 5))" "(exec's; noNewPrivileges $nnp)"
    expect_eq "$(grep Cpus_allowed_list "/proc/$epid/status" | awk '{print $2}')" 0 "(exec's CPUs; noNewPrivileges $nnp)"
    # the filter is in place all the same
    expect_contains "$(k exec "$ID-s$nnp" linux32 true 2>&1 || true)" "Operation not permitted"
  done
  if [ -d /sys/devices/system/node/node0 ] && [ "$(uname -m)" = x86_64 ]; then
    pid=$(sleeper m "$deny"' | .linux.personality = {"domain": "LINUX32"} | .linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}')
    expect_eq "$(cat "/proc/$pid/personality")" 00000008 "(personality under the filter)"
    expect_contains "$(head -n 1 "/proc/$pid/numa_maps")" " interleave:0 "
  fi
}

test_features_lists_memory_policy() {
  local f
  f=$("$KRILL" features)
  jq -e '(.linux.memoryPolicy.modes | index("MPOL_INTERLEAVE")) != null
    and (.linux.memoryPolicy.modes | length) == 7
    and (.linux.memoryPolicy.flags | index("MPOL_F_STATIC_NODES")) != null' <<<"$f" >/dev/null \
    || fail "features: $(jq -c .linux.memoryPolicy <<<"$f")"
}

run_tests

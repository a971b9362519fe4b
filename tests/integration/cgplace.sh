#!/bin/bash
# Where init is born: into its v2 cgroup (a unified host, or the unified
# hierarchy of a hybrid one) with clone3(CLONE_INTO_CGROUP), so no
# instruction of it runs outside; on v1 init moves itself into every
# hierarchy (a write of "0" to each "tasks" file) before it does anything else.
. "$(dirname "$0")/lib.sh"

unified() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }
# the cgroup2 mount krill uses: the whole tree, or a hybrid host's unified
v2_root() {
  if unified; then echo /sys/fs/cgroup
  elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then echo /sys/fs/cgroup/unified
  fi
}

test_init_cloned_into_its_cgroup() {
  local b pid v2
  v2=$(v2_root)
  [ -n "$v2" ] || skip "legacy host: no cgroup2 hierarchy"
  command -v strace >/dev/null || skip "needs strace"
  b=$(new_bundle p '.process.args = ["sleep", "1000"]')
  # not -f: init outlives create, and strace -f would wait for it
  strace -e trace=clone3 -o "$T/strace" "$KRILL" --root "$T/state" create --bundle "$b" "$ID" >/dev/null 2>&1
  pid=$(k state "$ID" | jq -r .pid)
  grep -q 'CLONE_INTO_CGROUP' "$T/strace" || fail "no clone3 with CLONE_INTO_CGROUP: $(grep clone3 "$T/strace")"
  grep -qx "0::$CG_BASE/p" "/proc/$pid/cgroup" || fail "init not in its v2 cgroup: $(cat "/proc/$pid/cgroup")"
  grep -qx "$pid" "$v2$CG_BASE/p/cgroup.procs" || fail "init not in cgroup.procs"
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

# The parent never writes init's pid into a v1 cgroup.procs (that takes the
# kernel's global threadgroup lock and waits for an RCU grace period); init
# writes "0" to each hierarchy's "tasks" itself, before the cgroup namespace
# and its mounts.
test_init_enters_v1_itself() {
  local b n v1
  unified && skip "unified host: no v1 hierarchy"
  command -v strace >/dev/null || skip "needs strace"
  v1=$(awk '$3 == "cgroup" {n++} END {print n+0}' /proc/self/mounts)
  b=$(new_bundle p '.process.args = ["true"] | .linux.namespaces |= (if any(.type == "cgroup") then . else . + [{"type": "cgroup"}] end)')
  strace -f -e trace=openat,write,unshare -o "$T/strace" "$KRILL" --root "$T/state" run --bundle "$b" "$ID" \
    >"$T/out" 2>&1 || fail "run: $(cat "$T/out")"
  n=$(grep -c 'openat([0-9]*, "tasks", O_WRONLY' "$T/strace")
  expect_eq "$n" "$v1"
  grep -q 'write([0-9]*, "0", 1) *= 1' "$T/strace" || fail "no write of 0 to tasks"
  grep -q '"cgroup.procs", O_WRONLY' "$T/strace" && fail "a cgroup.procs write: $(grep -A1 '"cgroup.procs", O_WRONLY' "$T/strace")"
  # entering comes before the cgroup namespace
  awk '/"tasks", O_WRONLY/ {t = NR} /unshare\(CLONE_NEWCGROUP/ {u = NR} END {exit !(t && u && t < u)}' "$T/strace" \
    || fail "cgroup namespace unshared before entering the cgroup"
}

# An existing v1 cpuset ancestor without cpus or mems (someone's mkdir) gets
# its parent's, as runc fills it: otherwise no task could join below it.
test_empty_cpuset_ancestor_is_filled() {
  local b
  unified && skip "unified host: no v1 cpuset"
  [ -d /sys/fs/cgroup/cpuset ] || skip "no v1 cpuset hierarchy"
  mkdir "/sys/fs/cgroup/cpuset$CG_BASE"
  expect_eq "$(cat "/sys/fs/cgroup/cpuset$CG_BASE/cpuset.cpus")" ""
  b=$(new_bundle p '.process.args = ["true"]')
  k run --bundle "$b" "$ID" >"$T/out" 2>&1 || fail "run: $(cat "$T/out")"
  expect_eq "$(cat "/sys/fs/cgroup/cpuset$CG_BASE/cpuset.cpus")" "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)"
  expect_eq "$(cat "/sys/fs/cgroup/cpuset$CG_BASE/cpuset.mems")" "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)"
  # joined, not made: it stays after the container
  [ -d "/sys/fs/cgroup/cpuset$CG_BASE" ] || fail "the ancestor krill did not make was removed"
}

# Without a cgroup namespace, /sys/fs/cgroup/<ctrl> inside is a bind of the
# container's own cgroup: its limit, and init (pid 1) among its processes.
test_v1_cgroup_mount_is_its_own() {
  local b out
  unified && skip "unified host: one cgroup2 mount, no per-hierarchy binds"
  b=$(new_bundle p '.process.args = ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/cgroup.procs /sys/fs/cgroup/freezer/tasks"]
    | .linux.resources.memory = {"limit": 33554432}
    | .linux.namespaces |= map(select(.type != "cgroup"))')
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  expect_eq "$out" "33554432
1
1"
}

# With one, the container's cgroup is the root of what it sees.
test_cgroupns_root_is_its_cgroup() {
  local b out
  b=$(new_bundle p '.process.args = ["cat", "/proc/self/cgroup"] | .linux.namespaces |= (if any(.type == "cgroup") then . else . + [{"type": "cgroup"}] end)')
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  [ -n "$out" ] || fail "no /proc/self/cgroup"
  while IFS= read -r line; do
    [[ $line == *:/ ]] || fail "not at its namespace's root: $line"
  done <<<"$out"
}

# A parent that holds processes and delegates threaded controllers (cpu,
# pids) is a thread root on cgroup2, and a directory made under it "domain
# invalid": nothing can join it (clone3 says EOPNOTSUPP).  As runc: the
# container's directory is made threaded, unless it asks for a domain
# controller (memory here), which is refused by name, leaving nothing.
test_under_a_parent_with_processes() {
  local b busy sleeper rc=0
  unified || skip "needs a unified (cgroup v2) host: the hybrid host's cgroup2 has no controllers"
  busy=/sys/fs/cgroup$CG_BASE/busy
  mkdir -p "$busy"
  echo "+cpu +pids" >"/sys/fs/cgroup$CG_BASE/cgroup.subtree_control" || fail "cannot delegate cpu and pids"
  sleep 1000 &
  sleeper=$!
  trap "kill $sleeper 2>/dev/null || true" EXIT
  echo "$sleeper" >"$busy/cgroup.procs"
  echo "+cpu +pids" >"$busy/cgroup.subtree_control" 2>/dev/null || true
  b=$(new_bundle u '.process.args = ["true"] | .linux.cgroupsPath = "'"$CG_BASE/busy/u"'"')
  k run --bundle "$b" "$ID-u" >"$T/out" 2>&1 || rc=$?
  expect_eq "$rc" 0 "(run under a parent with processes: $(cat "$T/out"))"
  b=$(new_bundle m '.process.args = ["true"] | .linux.cgroupsPath = "'"$CG_BASE/busy/m"'" | .linux.resources.memory = {"limit": 67108864}')
  rc=0
  k create --bundle "$b" "$ID-m" >/dev/null 2>"$T/err" || rc=$?
  kill "$sleeper"; wait "$sleeper" 2>/dev/null || true
  expect_eq "$rc" 1 "(create with a memory limit under a parent with processes)"
  expect_contains "$(cat "$T/err")" "can not take the memory, io, cpuset or hugetlb limits"
  assert_nothing_left "$ID-m" m
}

run_tests

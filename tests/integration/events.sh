#!/bin/bash
# events: runc's stats document with numbers that follow the container (memory
# grows when it allocates, pids match), the stream every --interval that ends
# with the container, and the oom event when the OOM killer hits (the limit is
# written into the cgroup by the test: the resources code is elsewhere).
. "$(dirname "$0")/lib.sh"

# Waits for /dev/shm/go, then runs the rest of the shell command.
after_go() { printf '["sh","-c","while [ ! -e /dev/shm/go ]; do sleep 0.05; done; %s"]' "$1"; }

unified() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }

wait_status() {
  local want=$1 i
  for i in $(seq 100); do [ "$(status_of "$ID")" = "$want" ] && return 0; sleep 0.05; done
  fail "status $(status_of "$ID"), expected $want"
}

# Makes cgroup NAME (the container then joins it) with a memory limit and no
# swap, so that going past it is an OOM kill.
limit_memory() {
  local name=$1 bytes=$2 d
  if unified; then
    d=/sys/fs/cgroup$CG_BASE
    mkdir -p "$d"
    echo +memory >"$d/cgroup.subtree_control"
    mkdir -p "$d/$name"
    echo "$bytes" >"$d/$name/memory.max"
    [ ! -f "$d/$name/memory.swap.max" ] || echo 0 >"$d/$name/memory.swap.max"
  else
    d=/sys/fs/cgroup/memory$CG_BASE/$name
    mkdir -p "$d"
    echo "$bytes" >"$d/memory.limit_in_bytes"
    [ ! -f "$d/memory.memsw.limit_in_bytes" ] || echo "$bytes" >"$d/memory.memsw.limit_in_bytes"
  fi
}

test_stats_document() {
  local b s n
  # the numbers come from these controllers (cpu.stat is v2's own)
  need_ctrl memory
  need_ctrl pids
  unified || need_ctrl cpuacct
  b=$(new_bundle b '.process.args = ["sh","-c","sleep 1000 & sleep 1001 & wait"]')
  k run -d --bundle "$b" "$ID"
  for _ in $(seq 100); do [ "$(k ps --format json "$ID" | jq length)" = 3 ] && break; sleep 0.05; done
  s=$(k events --stats "$ID")
  expect_eq "$(wc -l <<<"$s")" 1
  expect_eq "$(jq -r .type <<<"$s")" stats
  expect_eq "$(jq -r .id <<<"$s")" "$ID"
  for f in .data.cpu.usage.total .data.cpu.usage.user .data.cpu.usage.kernel \
    .data.memory.usage.usage .data.memory.usage.limit .data.memory.usage.failcnt \
    .data.pids.current; do
    expect_eq "$(jq -r "$f | type" <<<"$s")" number "($f)"
  done
  jq -e '.data.cpu.usage.total > 0 and .data.memory.usage.usage > 0' <<<"$s" >/dev/null || fail "zero usage: $s"
  jq -e '.data.memory.raw | type == "object" and length > 0' <<<"$s" >/dev/null || fail "no memory.raw: $s"
  jq -e '.data.hugetlb | type == "object"' <<<"$s" >/dev/null || fail "no hugetlb map: $s"
  # maps come sorted by key, as Go writes them
  jq -e '(.data.memory.raw | keys_unsorted == keys) and (.data.hugetlb | keys_unsorted == keys)' <<<"$s" >/dev/null \
    || fail "maps not sorted: $(jq -c '[.data.memory.raw, .data.hugetlb | keys_unsorted]' <<<"$s")"
  # pids.current is what ps (the cgroup's procs) sees: sh and two sleeps
  expect_eq "$(jq -r .data.pids.current <<<"$s")" 3
  # the per-cpu counters add up to (about) the total
  n=$(jq '[.data.cpu.usage.percpu // [] | .[]] | add // 0' <<<"$s")
  if ! unified; then jq -e ".data.cpu.usage.percpu | length == $(nproc --all)" <<<"$s" >/dev/null || fail "percpu: $s"; fi
  [ "${n%.*}" -le "$(jq .data.cpu.usage.total <<<"$s")" ] || fail "percpu sum $n > total"
}

# Every object runc 1.2/1.3 writes (Go's omitempty never drops a struct):
# cpu.usage and cpu.throttling even when zero (no cpu quota here: no
# throttling), the four memory entries, cpuset's counters, the empty
# intel_rdt, a null network_interfaces. runc 1.4+ drops the zero structs
# (omitzero): a decoder of either reads this.
test_stats_has_every_object_of_runcs() {
  local b s
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID"
  s=$(k events --stats "$ID")
  expect_eq "$(jq -c '.data | keys_unsorted' <<<"$s")" '["cpu","cpuset","memory","pids","blkio","hugetlb","intel_rdt","network_interfaces"]'
  expect_eq "$(jq -c '.data.cpu | [.usage, .throttling | type]' <<<"$s")" '["object","object"]'
  expect_eq "$(jq -c '.data.cpu.throttling | [.periods // 0, .throttledPeriods // 0, .throttledTime // 0] | map(type)' <<<"$s")" '["number","number","number"]'
  expect_eq "$(jq -c '.data.cpu.usage | [.kernel, .user] | map(type)' <<<"$s")" '["number","number"]'
  expect_eq "$(jq -c '.data.memory | [.usage, .swap, .kernel, .kernelTCP] | map(type)' <<<"$s")" '["object","object","object","object"]'
  expect_eq "$(jq -c '.data.memory.swap | [.limit, .failcnt] | map(type)' <<<"$s")" '["number","number"]'
  expect_eq "$(jq -c '.data.cpuset | [.cpu_exclusive, .mem_hardwall, .mem_exclusive, .memory_migrate, .memory_spread_page, .memory_spread_slab, .memory_pressure, .sched_load_balance, .sched_relax_domain_level] | map(type) | unique' <<<"$s")" '["number"]'
  expect_eq "$(jq -c '.data | [.pids, .blkio, .hugetlb, .intel_rdt] | map(type) | unique' <<<"$s")" '["object"]'
  expect_eq "$(jq -c '.data.network_interfaces' <<<"$s")" null
  k delete --force "$ID"
}

test_memory_grows() {
  local b pid u1 u2 c1 c2
  need_ctrl memory
  b=$(new_bundle b ".process.args = $(after_go 'dd if=/dev/zero of=/dev/shm/x bs=1M count=32 2>/dev/null; sleep 1000')")
  k run -d --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  u1=$(k events --stats "$ID" | jq .data.memory.usage.usage)
  c1=$(k events --stats "$ID" | jq '.data.memory.cache // 0')
  touch "/proc/$pid/root/dev/shm/go"
  for _ in $(seq 100); do [ "$(stat -c %s "/proc/$pid/root/dev/shm/x" 2>/dev/null)" = 33554432 ] && break; sleep 0.05; done
  sleep 0.2
  u2=$(k events --stats "$ID" | jq .data.memory.usage.usage)
  c2=$(k events --stats "$ID" | jq '.data.memory.cache // 0')
  # 32 MiB in the container's tmpfs is charged to its cgroup (as cache/file)
  [ "$u2" -ge $((u1 + 30 * 1024 * 1024)) ] || fail "memory usage $u1 -> $u2: did not grow by 32 MiB"
  [ "$c2" -ge $((c1 + 30 * 1024 * 1024)) ] || fail "memory cache $c1 -> $c2: did not grow by 32 MiB"
}

test_stream_ends_with_container() {
  local b evpid n i
  b=$(new_bundle b '.process.args = ["sleep","1000"]')
  k run -d --bundle "$b" "$ID"
  k events --interval 100ms "$ID" >"$T/events" 2>"$T/events.err" &
  evpid=$!
  for i in $(seq 100); do [ "$(wc -l <"$T/events")" -ge 3 ] && break; sleep 0.05; done
  n=$(wc -l <"$T/events")
  [ "$n" -ge 3 ] || fail "only $n events after 5 s at 100ms"
  k kill "$ID" KILL
  for i in $(seq 100); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$evpid" 2>/dev/null; then kill "$evpid"; fail "events still running after the container stopped"; fi
  jq -se 'all(.[]; .type == "stats" and .id == "'"$ID"'" and (.data.pids | type == "object"))' "$T/events" >/dev/null \
    || fail "bad events: $(head -c 600 "$T/events")"
  # a stopped container has no events: runc's error
  if k events --stats "$ID" 2>"$T/err"; then fail "events of a stopped container succeeded"; fi
  expect_contains "$(cat "$T/err")" "is not running"
}

test_bad_interval() {
  local b
  b=$(new_bundle b '.process.args = ["sleep","1000"]')
  k run -d --bundle "$b" "$ID"
  if k events --interval 0s "$ID" 2>"$T/err"; then fail "--interval 0s succeeded"; fi
  expect_contains "$(cat "$T/err")" "must be greater than 0"
  if k events --interval fast "$ID" 2>"$T/err"; then fail "--interval fast succeeded"; fi
  expect_contains "$(cat "$T/err")" "invalid"
}

test_oom() {
  local b pid runpid evpid rc=0 i
  need_ctrl memory
  b=$(new_bundle oom ".process.args = $(after_go 'exec dd if=/dev/zero of=/dev/null bs=64M count=1')")
  limit_memory oom $((16 * 1024 * 1024))
  k run --bundle "$b" "$ID" >"$T/run.out" 2>&1 &
  runpid=$!
  wait_status running
  pid=$(k state "$ID" | jq -r .pid)
  k events --interval 100ms "$ID" >"$T/events" 2>"$T/events.err" &
  evpid=$!
  # events is watching once it printed its first stats
  for i in $(seq 100); do grep -q '"type":"stats"' "$T/events" && break; sleep 0.05; done
  grep -q '"type":"stats"' "$T/events" || fail "no stats from events: $(cat "$T/events.err")"
  touch "/proc/$pid/root/dev/shm/go"
  wait "$runpid" || rc=$?
  expect_eq "$rc" 137 "(exit status of run after the OOM kill: $(cat "$T/run.out"))"
  for i in $(seq 100); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$evpid" 2>/dev/null; then kill "$evpid"; fail "events still running after the OOM kill"; fi
  grep -qx '{"type":"oom","id":"'"$ID"'"}' "$T/events" || fail "no oom event: $(grep -v stats "$T/events") $(cat "$T/events.err")"
  # the kernel agrees
  if unified; then
    grep -q '^oom_kill [1-9]' "/sys/fs/cgroup$CG_BASE/oom/memory.events" || fail "memory.events: no oom_kill"
  else
    grep -q '^oom_kill [1-9]' "/sys/fs/cgroup/memory$CG_BASE/oom/memory.oom_control" || fail "memory.oom_control: no oom_kill"
  fi
}

run_tests

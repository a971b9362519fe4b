#!/bin/bash
# linux.resources: for each resource, the value in the cgroup file as the host
# sees it (v1: /sys/fs/cgroup/<ctrl>$CG_BASE/NAME, v2: /sys/fs/cgroup$CG_BASE/NAME)
# and, where the kernel makes it observable, the behaviour inside.  Runs on a
# hybrid/legacy host (v1) and on a pure cgroup2 host (the ocivm guest).
. "$(dirname "$0")/lib.sh"

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then V2=1; else V2=; fi

# cgf CTRL NAME FILE: the container's cgroup file as the host sees it.
cgf() {
  if [ -n "$V2" ]; then echo "/sys/fs/cgroup$CG_BASE/$2/$3"; else echo "/sys/fs/cgroup/$1$CG_BASE/$2/$3"; fi
}
# have_ctrl, need_ctrl, need_cg_file: lib.sh
SWAP_WHY="no swap accounting in this kernel (CONFIG_MEMCG_SWAP, swapaccount=1)"
CFS_WHY="no CFS bandwidth control in this kernel (CONFIG_CFS_BANDWIDTH)"
need_swap() {
  if [ -n "$V2" ]; then need_cg_file memory memory.swap.max "$SWAP_WHY"; else need_cg_file memory memory.memsw.limit_in_bytes "$SWAP_WHY"; fi
}
need_cfs_quota() {
  if [ -n "$V2" ]; then need_cg_file cpu cpu.max "$CFS_WHY"; else need_cg_file cpu cpu.cfs_quota_us "$CFS_WHY"; fi
}
v1_only() { [ -z "$V2" ] || skip "cgroup v1 only"; }

# created NAME FILTER: a created container (init waits for start); its stdout
# and stderr go to $T/NAME.out.
created() {
  local b
  b=$(new_bundle "$1" "$2")
  k create --bundle "$b" "$ID-$1" >"$T/$1.out" 2>&1 || { cat "$T/$1.out" >&2; fail "create $1 failed"; }
}
# start_wait NAME: start it and wait until init has exited.
start_wait() {
  local i
  k start "$ID-$1"
  for i in $(seq 300); do
    [ "$(status_of "$ID-$1")" = stopped ] && return 0
    sleep 0.1
  done
  fail "$1 did not stop"
}
expect_file() { # expect_file PATH VALUE
  [ -e "$1" ] || fail "$1 missing"
  expect_eq "$(cat "$1")" "$2" "($1)"
}
kv() { awk -v k="$2" '$1 == k { print $2 }' "$1"; } # kv FILE KEY: "key value" files

test_memory_limit_and_oom() {
  local rc=0
  need_ctrl memory
  # v1 writes memory.memsw.limit_in_bytes for swap (v2: swap == limit is 0, no file needed)
  [ -n "$V2" ] || need_swap
  created m '.linux.resources.memory = {"limit": 33554432, "swap": 33554432} | .process.args = ["sh", "-c", "head -c 200m /dev/zero | sh -c \"echo 1000 >/proc/self/oom_score_adj; exec tail\"; echo tail=$?"]'
  # oom_score_adj 1000: the OOM killer takes tail, never the shell (pid 1) that reports
  if [ -n "$V2" ]; then
    expect_file "$(cgf memory m memory.max)" 33554432
    expect_file "$(cgf memory m memory.swap.max)" 0
  else
    expect_file "$(cgf memory m memory.limit_in_bytes)" 33554432
    expect_file "$(cgf memory m memory.memsw.limit_in_bytes)" 33554432
  fi
  start_wait m
  expect_contains "$(cat "$T/m.out")" "tail=137"
  if [ -n "$V2" ]; then
    [ "$(kv "$(cgf memory m memory.events)" oom_kill)" -ge 1 ] || fail "no oom_kill in memory.events"
  else
    [ "$(kv "$(cgf memory m memory.oom_control)" oom_kill)" -ge 1 ] || fail "no oom_kill in memory.oom_control"
  fi
  # The same allocation as init: `run` reports the kill as 137.
  b=$(new_bundle r '.linux.resources.memory = {"limit": 33554432, "swap": 33554432} | .process.args = ["sh", "-c", "exec tail /dev/zero"]')
  k run --bundle "$b" "$ID-r" >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 137 "(run exit status)"
}

test_memory_other() {
  need_ctrl memory
  need_swap
  if [ -n "$V2" ]; then
    created o '.linux.resources.memory = {"limit": 67108864, "reservation": 16777216, "swap": 100663296, "kernel": -1}'
    expect_file "$(cgf memory o memory.low)" 16777216
    [ ! -e "$(cgf memory o memory.swap.max)" ] || expect_file "$(cgf memory o memory.swap.max)" 33554432
  else
    created o '.linux.resources.memory = {"limit": 67108864, "reservation": 16777216, "swap": 100663296, "swappiness": 7, "disableOOMKiller": true, "useHierarchy": true, "kernel": -1, "kernelTCP": -1}'
    expect_file "$(cgf memory o memory.soft_limit_in_bytes)" 16777216
    expect_file "$(cgf memory o memory.memsw.limit_in_bytes)" 100663296
    expect_file "$(cgf memory o memory.swappiness)" 7
    expect_file "$(cgf memory o memory.use_hierarchy)" 1
    expect_eq "$(kv "$(cgf memory o memory.oom_control)" oom_kill_disable)" 1
    # kernel memory is deprecated: not written (the file stays unlimited)
    [ ! -e "$(cgf memory o memory.kmem.limit_in_bytes)" ] \
      || expect_file "$(cgf memory o memory.kmem.limit_in_bytes)" "$(cat /sys/fs/cgroup/memory/memory.kmem.limit_in_bytes)"
  fi
}

test_pids_limit_and_fork() {
  need_ctrl pids
  # The loop runs in a child shell: busybox ash exits when fork fails.
  created p '.linux.resources.pids = {"limit": 6} | .process.args = ["sh", "-c", "sh -c \"for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done; echo forked-all\"; echo child=$?"]'
  expect_file "$(cgf pids p pids.max)" 6
  start_wait p
  [[ $(cat "$T/p.out") != *forked-all* ]] || fail "10 forks under pids.max 6: $(cat "$T/p.out")"
  [[ $(cat "$T/p.out") == *child=[1-9]* ]] || fail "the forking shell did not fail: $(cat "$T/p.out")"
  [ "$(kv "$(cgf pids p pids.events)" max)" -ge 1 ] || fail "pids.events max is 0"
}

test_pids_unlimited() {
  need_ctrl pids
  created u '.linux.resources.pids = {"limit": -1}'
  expect_file "$(cgf pids u pids.max)" max
}

test_cpu_quota_and_throttling() {
  need_ctrl cpu
  need_cfs_quota
  created q '.linux.resources.cpu = {"quota": 10000, "period": 100000} | .process.args = ["sh", "-c", "timeout 1 sh -c \"while :; do :; done\"; echo spun"]'
  if [ -n "$V2" ]; then
    expect_file "$(cgf cpu q cpu.max)" "10000 100000"
  else
    expect_file "$(cgf cpu q cpu.cfs_quota_us)" 10000
    expect_file "$(cgf cpu q cpu.cfs_period_us)" 100000
  fi
  start_wait q
  [ "$(kv "$(cgf cpu q cpu.stat)" nr_throttled)" -ge 1 ] || fail "a busy loop under 10% quota was never throttled: $(cat "$(cgf cpu q cpu.stat)")"
}

test_cpu_shares_burst_idle() {
  local burst idle extra=""
  need_ctrl cpu
  need_cfs_quota
  # burst (5.14) and idle (5.15) only where the kernel has them
  if [ -n "$V2" ]; then burst=cpu.max.burst; else burst=cpu.cfs_burst_us; fi
  idle=cpu.idle
  cg_has cpu $burst && extra+=', "burst": 20000'
  cg_has cpu $idle && extra+=', "idle": 0'
  created s '.linux.resources.cpu = {"shares": 512, "quota": 50000'"$extra"'}'
  if [ -n "$V2" ]; then
    expect_file "$(cgf cpu s cpu.weight)" 59   # runc 1.4+ conversion of 512
    [ ! -e "$(cgf cpu s cpu.max.burst)" ] || expect_file "$(cgf cpu s cpu.max.burst)" 20000
    expect_file "$(cgf cpu s cpu.max)" "50000 100000"
  else
    expect_file "$(cgf cpu s cpu.shares)" 512
    [ ! -e "$(cgf cpu s cpu.cfs_burst_us)" ] || expect_file "$(cgf cpu s cpu.cfs_burst_us)" 20000
  fi
  [ ! -e "$(cgf cpu s cpu.idle)" ] || expect_file "$(cgf cpu s cpu.idle)" 0
}

test_cpu_realtime() {
  v1_only
  need_ctrl cpu
  [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no realtime group scheduling (CONFIG_RT_GROUP_SCHED)"
  # A child can only get realtime time its parent has.
  mkdir -p "/sys/fs/cgroup/cpu$CG_BASE"
  echo 20000 >"/sys/fs/cgroup/cpu$CG_BASE/cpu.rt_runtime_us" || skip "the root cgroup has no realtime time to give"
  created rt '.linux.resources.cpu = {"realtimeRuntime": 10000, "realtimePeriod": 1000000}'
  expect_file "$(cgf cpu rt cpu.rt_runtime_us)" 10000
  expect_file "$(cgf cpu rt cpu.rt_period_us)" 1000000
}

test_cpuset_cpus() {
  local cpus last
  need_ctrl cpuset
  cpus=$(cat /sys/devices/system/cpu/online)
  last=${cpus##*[-,]}
  created c '.linux.resources.cpu = {"cpus": "'"$last"'", "mems": "0"} | .process.args = ["grep", "Cpus_allowed_list", "/proc/self/status"]'
  expect_file "$(cgf cpuset c cpuset.cpus)" "$last"
  expect_file "$(cgf cpuset c cpuset.mems)" 0
  start_wait c
  expect_eq "$(awk '{print $2}' "$T/c.out")" "$last" "(Cpus_allowed_list inside)"
}

test_blkio_weight() {
  local f ctrl=blkio files="blkio.weight blkio.bfq.weight"
  [ -z "$V2" ] || ctrl=io files="io.weight io.bfq.weight"
  need_ctrl $ctrl
  # Asked of a cgroup below the root: BFQ's files are never on the root.
  # A host with no proportional scheduler (no CFQ, BFQ or iocost) has no
  # weight file: the weight must be refused by name.
  for f in $files; do cg_has $ctrl $f && break; f=; done
  if [ -z "$f" ]; then
    refuse w '.linux.resources.blockIO = {"weight": 300}' \
      'linux.resources.blockIO.weight: '
    return
  fi
  created w '.linux.resources.blockIO = {"weight": 300}'
  if [ -n "$V2" ]; then
    if [ -e "$(cgf io w io.bfq.weight)" ]; then
      expect_eq "$(awk '$1 == "default" { print $2 }' "$(cgf io w io.bfq.weight)")" 300
    else
      expect_eq "$(awk '$1 == "default" { print $2 }' "$(cgf io w io.weight)")" 2930   # 1 + (300-10)*9999/990
    fi
  else
    for f in blkio.weight blkio.bfq.weight; do
      [ -e "$(cgf blkio w $f)" ] || continue
      expect_eq "$(head -1 "$(cgf blkio w $f)" | awk '{print $NF}')" 300
      return 0
    done
    fail "no blkio weight file"
  fi
}

# A block device's MAJ:MIN: a disk of the host, else a loop device made here.
block_dev() {
  local d
  for d in /sys/block/*; do
    case ${d##*/} in loop* | zram* | ram* | nbd*) continue ;; esac
    [ -e "$d/dev" ] && { cat "$d/dev"; return 0; }
  done
  command -v losetup >/dev/null || return 1
  truncate -s 4M "$T/disk.img" || return 1
  LOOPDEV=$(losetup -f --show "$T/disk.img" 2>/dev/null) || return 1
  echo "$((0x$(stat -c %t "$LOOPDEV"))):$((0x$(stat -c %T "$LOOPDEV")))"
}

test_blkio_throttle() {
  local dev maj min
  LOOPDEV=
  if [ -n "$V2" ]; then
    need_cg_file io io.max "no I/O throttling in this kernel (CONFIG_BLK_DEV_THROTTLING)"
  else
    need_cg_file blkio blkio.throttle.read_bps_device "no I/O throttling in this kernel (CONFIG_BLK_DEV_THROTTLING)"
  fi
  dev=$(block_dev) || skip "no block device and no loop device to throttle"
  maj=${dev%:*} min=${dev#*:}
  created t '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": '"$maj"', "minor": '"$min"', "rate": 1048576}], "throttleWriteIOPSDevice": [{"major": '"$maj"', "minor": '"$min"', "rate": 300}]}'
  if [ -n "$V2" ]; then
    expect_contains "$(cat "$(cgf io t io.max)")" "$dev rbps=1048576 wbps=max riops=max wiops=300"
  else
    expect_file "$(cgf blkio t blkio.throttle.read_bps_device)" "$dev 1048576"
    expect_file "$(cgf blkio t blkio.throttle.write_iops_device)" "$dev 300"
  fi
  k delete --force "$ID-t"
  [ -z "$LOOPDEV" ] || losetup -d "$LOOPDEV"
}

test_hugetlb() {
  local f
  need_ctrl hugetlb
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this host"
  if [ -n "$V2" ]; then f=hugetlb.2MB.max; else f=hugetlb.2MB.limit_in_bytes; fi
  need_cg_file hugetlb $f "no 2MB huge page controller files"
  created h '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
  if [ -n "$V2" ]; then f=hugetlb.2MB.max; else f=hugetlb.2MB.limit_in_bytes; fi
  expect_file "$(cgf hugetlb h $f)" 4194304
  f=${f/2MB./2MB.rsvd.}
  [ ! -e "$(cgf hugetlb h $f)" ] || expect_file "$(cgf hugetlb h $f)" 4194304
}

test_network_classid_priorities() {
  v1_only
  need_ctrl net_cls
  need_ctrl net_prio
  created n '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}'
  expect_file "$(cgf net_cls n net_cls.classid)" 1048577
  expect_contains "$(cat "$(cgf net_prio n net_prio.ifpriomap)")" "lo 5"
}

test_rdma() {
  local dev
  need_ctrl rdma
  dev=$(ls /sys/class/infiniband 2>/dev/null | head -1)
  [ -n "$dev" ] || skip "no RDMA device on this host"
  created rd '.linux.resources.rdma = {"'"$dev"'": {"hcaHandles": 3}}'
  expect_contains "$(cat "$(cgf rdma rd rdma.max)")" "$dev hca_handle=3"
}

test_unified() {
  [ -n "$V2" ] || skip "unified keys need cgroup v2 (refused on v1: see unified_on_v1)"
  created un '.linux.resources.pids = {"limit": 50} | .linux.resources.unified = {"pids.max": "7", "memory.high": "50000000"}'
  # unified is written last: it wins over the converted value
  expect_file "$(cgf pids un pids.max)" 7
  expect_file "$(cgf memory un memory.high)" 49999872
}

# ---------------------------------------------------------------- bad input


test_bad_unknown_unified_key() {
  if [ -n "$V2" ]; then
    refuse bu '.linux.resources.unified = {"memory.nosuchfile": "1"}' 'linux.resources.unified["memory.nosuchfile"]'
    refuse bs '.linux.resources.unified = {"../cgroup.procs": "1"}' 'linux.resources.unified: key "../cgroup.procs" is not a cgroup file name'
  else
    refuse bu '.linux.resources.unified = {"memory.nosuchfile": "1"}' 'linux.resources.unified: cgroup v2 keys ("memory.nosuchfile")'
  fi
}

test_bad_unified_on_v1() {
  v1_only
  refuse uv1 '.linux.resources.unified = {"pids.max": "10"}' 'linux.resources.unified: cgroup v2 keys ("pids.max"), but this host has cgroup v1 controllers'
}

test_bad_negative_values() {
  refuse np '.linux.resources.pids = {"limit": -5}' 'linux.resources.pids.limit: invalid value -5'
  refuse nq '.linux.resources.cpu = {"quota": -3}' 'linux.resources.cpu.quota: invalid value -3'
  refuse ns '.linux.resources.memory = {"swappiness": 101}' 'linux.resources.memory.swappiness: 101 out of range (0-100)'
  refuse nw '.linux.resources.blockIO = {"weight": 5}' 'linux.resources.blockIO.weight: 5 out of range (10-1000)'
}

test_bad_cpuset_outside_host() {
  refuse cs '.linux.resources.cpu = {"cpus": "0-99"}' "linux.resources.cpu.cpus: \"0-99\" not within the host's cpus \"$(cat /sys/devices/system/cpu/online)\""
}

test_bad_page_size() {
  refuse hp '.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 1}]' 'linux.resources.hugepageLimits[0].pageSize: "3MB" is not a huge page size of this host'
}

test_bad_controller_missing() {
  if [ -n "$V2" ]; then
    refuse cm '.linux.resources.network = {"classID": 5}' 'linux.resources.network: net_cls and net_prio are cgroup v1 controllers'
    refuse rt '.linux.resources.cpu = {"realtimeRuntime": 1000}' 'linux.resources.cpu.realtimeRuntime: 1000: cgroup v2 has no realtime'
  else
    have_ctrl net_cls && skip "net_cls is mounted on this host"
    refuse cm '.linux.resources.network = {"classID": 5}' 'linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host'
  fi
}

test_bad_swap_below_limit() {
  need_ctrl memory
  # memory+swap below memory: v1's kernel would refuse the write; refused
  # before any write on both hierarchies.
  refuse kr '.linux.resources.memory = {"limit": 67108864, "swap": 33554432}' 'linux.resources.memory.swap: 33554432 is less than linux.resources.memory.limit 67108864'
}

run_tests

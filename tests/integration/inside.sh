#!/bin/bash
# What the container sees from inside: pid 1, hostname, mounts and flags,
# capabilities, no_new_privs, rlimits, user, cwd, env, fds, masked paths.
. "$(dirname "$0")/lib.sh"

inside() { # inside NAME JQ-FILTER -- prints the output of the container
  local b
  b=$(new_bundle "$1" "$2")
  k run --bundle "$b" "$ID-$1"
}

test_pid1_and_hostname() {
  local out
  out=$(inside b '.hostname = "kr-host" | .process.args = ["sh", "-c", "echo pid=$$; hostname"]')
  expect_eq "$out" "pid=1
kr-host"
}

test_domainname_and_oom_score_adj() {
  local out
  out=$(inside b '.domainname = "kr.example" | .process.oomScoreAdj = 345 | .process.args = ["sh", "-c", "cat /proc/sys/kernel/domainname /proc/self/oom_score_adj"]')
  expect_eq "$out" "kr.example
345"
}

test_rootfs_and_default_mounts() {
  local mi
  mi=$(inside b '.process.args = ["cat", "/proc/self/mountinfo"]')
  # mnt MOUNTPOINT: "OPTIONS TYPE" of the mount (the type follows the "-")
  mnt() { awk -v m="$1" '$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { print $6, $(i + 1); exit } }' <<<"$mi"; }
  # root: the bundle's rootfs, read-only (root.readonly in the default spec)
  [[ $(mnt /) == ro,* ]] || fail "/ not ro: $(mnt /)"
  [[ $(mnt /proc) == *" proc" ]] || fail "/proc: $(mnt /proc)"
  [[ $(mnt /dev) == *nosuid*" tmpfs" ]] || fail "/dev: $(mnt /dev)"
  [[ $(mnt /dev/pts) == *nosuid,noexec*" devpts" ]] || fail "/dev/pts: $(mnt /dev/pts)"
  [[ $(mnt /dev/shm) == *nosuid,nodev,noexec*" tmpfs" ]] || fail "/dev/shm: $(mnt /dev/shm)"
  [[ $(mnt /dev/mqueue) == *nosuid,nodev,noexec*" mqueue" ]] || fail "/dev/mqueue: $(mnt /dev/mqueue)"
  [[ $(mnt /sys) == ro,nosuid,nodev,noexec*" sysfs" ]] || fail "/sys: $(mnt /sys)"
  [[ $(mnt /sys/fs/cgroup) == ro,* ]] || fail "/sys/fs/cgroup: $(mnt /sys/fs/cgroup)"
  # nothing of the host's mount table: no /work, no host /run
  if awk '{print $5}' <<<"$mi" | grep -qE '^/(work|var|run)'; then fail "host mounts visible: $mi"; fi
}

test_default_devices() {
  local out
  out=$(inside b '.process.args = ["sh", "-c", "for d in null zero full random urandom tty; do stat -c \"%n %t:%T %F\" /dev/$d; done; readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stdin; echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | wc -c"]')
  expect_contains "$out" "/dev/null 1:3 character special file"
  expect_contains "$out" "/dev/zero 1:5 character special file"
  expect_contains "$out" "/dev/urandom 1:9 character special file"
  expect_contains "$out" "/dev/tty 5:0 character special file"
  expect_contains "$out" "pts/ptmx"
  expect_contains "$out" "/proc/self/fd"
  expect_contains "$out" "null-ok"
}

test_capabilities_exact() {
  local out
  out=$(inside b '.process.args = ["grep", "^Cap", "/proc/self/status"]')
  # CAP_AUDIT_WRITE(29) CAP_KILL(5) CAP_NET_BIND_SERVICE(10) = 0x20000420
  expect_contains "$out" "CapInh:	0000000000000000"
  expect_contains "$out" "CapPrm:	0000000020000420"
  expect_contains "$out" "CapEff:	0000000020000420"
  expect_contains "$out" "CapBnd:	0000000020000420"
  expect_contains "$out" "CapAmb:	0000000000000000"
}

test_capabilities_inheritable_and_ambient_when_asked() {
  local out
  out=$(inside b '.process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"] | .process.args = ["grep", "^Cap", "/proc/self/status"]')
  expect_contains "$out" "CapInh:	0000000000000020"
  expect_contains "$out" "CapAmb:	0000000000000020"
}

test_no_capabilities_object_means_none() {
  local out
  out=$(inside b 'del(.process.capabilities) | .process.args = ["grep", "^Cap", "/proc/self/status"]')
  expect_contains "$out" "CapPrm:	0000000000000000"
  expect_contains "$out" "CapEff:	0000000000000000"
  expect_contains "$out" "CapBnd:	0000000000000000"
}

test_no_new_privs() {
  expect_contains "$(inside b '.process.args = ["grep", "NoNewPrivs", "/proc/self/status"]')" "NoNewPrivs:	1"
  expect_contains "$(inside c '.process.noNewPrivileges = false | .process.args = ["grep", "NoNewPrivs", "/proc/self/status"]')" "NoNewPrivs:	0"
}

test_rlimits() {
  local out
  out=$(inside b '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}] | .process.args = ["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -c"]')
  expect_eq "$out" "512
1000
0"
}

test_user_groups_umask_cwd_env() {
  local out
  out=$(inside b '.process.user = {"uid": 65534, "gid": 65534, "additionalGids": [5, 100], "umask": 63} | .process.cwd = "/tmp" | .process.env += ["FOO=bar baz"] | .process.args = ["sh", "-c", "id -u; id -g; id -G; umask; pwd; echo $FOO; echo $HOME"]')
  expect_eq "$out" "65534
65534
65534 5 100
0077
/tmp
bar baz
/nonexistent"
}

test_no_krill_fds_inside() {
  local out
  out=$(inside b '.process.args = ["ls", "/proc/self/fd"]')
  # 0 1 2, and the fd ls opened on the directory
  expect_eq "$(echo $out)" "0 1 2 3"
}

test_preserve_fds() {
  local b out
  b=$(new_bundle b '.process.args = ["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \"; cat <&3"]')
  echo "through fd 3" >"$T/fd3"
  out=$(k run --preserve-fds 1 --bundle "$b" "$ID" 3<"$T/fd3")
  expect_contains "$out" "0 1 2 3 "
  expect_contains "$out" "through fd 3"
}

test_masked_and_readonly_paths() {
  local out
  [ -e /proc/keys ] || skip "needs /proc/keys on the host (CONFIG_KEYS)"
  out=$(inside b '.process.args = ["sh", "-c", "wc -c </proc/keys; ls /sys/firmware | wc -l; echo 1 >/proc/sys/kernel/domainname 2>/dev/null && echo writable || echo ro-ok; echo 1 >/proc/sysrq-trigger 2>/dev/null && echo writable || echo ro-ok"]')
  expect_eq "$out" "0
0
ro-ok
ro-ok"
}

test_namespaces_are_new() {
  local out n
  out=$(inside b '.process.args = ["sh", "-c", "for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done"]')
  for n in pid net ipc uts mnt; do
    grep -q "$(readlink /proc/self/ns/$n)" <<<"$out" && fail "$n namespace is the host's"
  done
  return 0
}

test_join_network_namespace_by_path() {
  local out
  ip netns add "krill-$$" 2>/dev/null || skip "needs ip netns (iproute2)"
  out=$(inside b '.linux.namespaces |= map(if .type == "network" then .path = "/run/netns/krill-'"$$"'" else . end) | .process.args = ["readlink", "/proc/self/ns/net"]') || { ip netns del "krill-$$"; return 1; }
  local want
  want=$(ip netns exec "krill-$$" readlink /proc/self/ns/net)
  ip netns del "krill-$$"
  expect_eq "$out" "$want"
}

test_cgroup_placed_and_removed() {
  local b pid d
  b=$(new_bundle cgx '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  for d in memory pids devices cpu freezer; do
    [ -d /sys/fs/cgroup/$d ] || continue
    grep -qx "$pid" "/sys/fs/cgroup/$d$CG_BASE/cgx/cgroup.procs" || fail "init not in $d cgroup"
  done
  if [ -f "/sys/fs/cgroup/devices$CG_BASE/cgx/devices.list" ]; then
    grep -q '^c 1:3 rwm' "/sys/fs/cgroup/devices$CG_BASE/cgx/devices.list" || fail "default device rules missing"
    grep -q '^a ' "/sys/fs/cgroup/devices$CG_BASE/cgx/devices.list" && fail "devices not restricted"
  fi
  k delete --force "$ID"
  assert_nothing_left "$ID" cgx
}

test_tmpfs_tmpcopyup() {
  local b out
  # a private rootfs: the test checks the image's /etc is left alone
  b=$(new_bundle b '.mounts += [{"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid", "mode=755"]}] | .process.args = ["sh", "-c", "cat /etc/motd; stat -c %a /etc; echo changed >/etc/motd; cat /etc/motd; grep -c \" /etc \" /proc/self/mountinfo"]')
  private_rootfs "$b"
  out=$(k run --bundle "$b" "$ID")
  expect_eq "$out" "krill test rootfs
755
changed
1"
  expect_eq "$(cat "$b/rootfs/etc/motd")" "krill test rootfs"
}

test_no_pivot() {
  local b out
  b=$(new_bundle b '.process.args = ["sh", "-c", "cat /etc/motd; ls /"]')
  out=$(k run --no-pivot --bundle "$b" "$ID")
  expect_contains "$out" "krill test rootfs"
}

run_tests

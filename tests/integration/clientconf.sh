#!/bin/bash
# What the clients put in config.json besides the basics: the seccomp
# profile, sysctl and rlimits of the config Podman 4.3 wrote on this machine
# (fixtures/podman-config.json, `podman create --rootfs`), oomScoreAdj from
# inside and outside, rlimits the host cannot grant, the LSM fields on a
# host without the LSM (refused, as runc refuses them).
. "$(dirname "$0")/lib.sh"

FIXTURES=$TOP/tests/integration/fixtures
PODMAN=$FIXTURES/podman-config.json

bundle_ok() { jq -e '.process.terminal == false' "$1/config.json" >/dev/null || fail "jq filter of $1 failed"; }
has_cap_sys_resource() { (( ($(awk '/^CapBnd/ {print "0x" $2}' /proc/self/status) >> 24) & 1 )); }



test_podman_seccomp_sysctl_rlimits() {
  local b out hard
  hard=$(ulimit -Hn)
  # Podman's profile, sysctl and NPROC limit; its NOFILE of 1048576 is
  # above this host's hard limit (see below), so the host's is used
  b=$(new_bundle p)
  jq --slurpfile p "$PODMAN" --argjson hard "$hard" '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]
    | .process.noNewPrivileges = false
    | .linux.seccomp = $p[0].linux.seccomp | .linux.sysctl = $p[0].linux.sysctl
    | .process.rlimits = ($p[0].process.rlimits | map(if .type == "RLIMIT_NOFILE" then .soft = $hard | .hard = $hard else . end))
    | .process.args = ["sh", "-c", "exec 2>&1; grep ^Seccomp: /proc/self/status; cat /proc/sys/net/ipv4/ping_group_range; ulimit -n; ulimit -u; mkdir /tmp/d && echo mkdir-ok; unshare -m true; echo unshare=$?"]' \
    "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  bundle_ok "$b"
  out=$(k run --bundle "$b" "$ID-p")
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "0	0"
  expect_contains "$out" "$hard
32768"
  expect_contains "$out" "mkdir-ok"
  expect_contains "$out" "unshare: unshare(0x20000): Operation not permitted"
}

test_whole_podman_config() {
  local b out rc=0 hard
  hard=$(ulimit -Hn)
  b=$T/w
  mkdir -p "$b"
  # its own paths (hosts, hostname, shm under podman's storage) are gone:
  # the rest as Podman wrote it, but the rootfs, cgroup and NOFILE limit
  jq --arg root "$ROOTFS_CACHE" --arg cg "$CG_BASE/w" --argjson hard "$hard" '
      .root = {path: $root, readonly: true}
    | .mounts |= map(select(.source | startswith("/tmp/pdm-sc") | not))
    | .linux.cgroupsPath = $cg | .process.terminal = false
    | .process.rlimits |= map(if .type == "RLIMIT_NOFILE" then .soft = $hard | .hard = $hard else . end)
    | .process.args = ["sh", "-c", "grep -E \"^(Seccomp|CapEff):\" /proc/self/status; cat /proc/sys/net/ipv4/ping_group_range; echo x >/dev/null && echo devnull-ok"]' \
    "$PODMAN" >"$b/config.json"
  out=$(k run --bundle "$b" "$ID-w" 2>&1) || rc=$?
  [[ $out != *"not implemented by this version of krill"* ]] || skip "$(head -n 1 <<<"$out")"
  expect_eq "$rc" 0 "($out)"
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "CapEff:	00000000800405fb"
  expect_contains "$out" "0	0"
  expect_contains "$out" "devnull-ok"
}

test_rlimit_above_hard_limit() {
  local b out rc=0
  b=$(new_bundle r '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1048576, "hard": 1048576}] | .process.args = ["sh", "-c", "ulimit -Hn"]')
  bundle_ok "$b"
  if has_cap_sys_resource; then
    expect_eq "$(k run --bundle "$b" "$ID-r")" 1048576
    return
  fi
  # Podman writes this here; without CAP_SYS_RESOURCE the kernel refuses,
  # and create fails as runc's and crun's do
  out=$(k create --bundle "$b" "$ID-r" 2>&1) || rc=$?
  expect_eq "$rc" 1 "($out)"
  expect_contains "$out" "process.rlimits: setrlimit RLIMIT_NOFILE soft=1048576 hard=1048576: Operation not permitted"
  assert_nothing_left "$ID-r" r
}

test_rlimits_seen_from_outside() {
  local b pid
  b=$(new_bundle l '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}, {"type": "RLIMIT_NPROC", "soft": 300, "hard": 400}] | .process.args = ["sleep", "30"]')
  bundle_ok "$b"
  k create --bundle "$b" "$ID-l"
  pid=$(k state "$ID-l" | jq -r .pid)
  expect_contains "$(grep 'Max open files' /proc/"$pid"/limits)" "1024                 1024"
  expect_contains "$(grep 'Max processes' /proc/"$pid"/limits)" "300                  400"
  k delete --force "$ID-l"
}

test_oom_score_adj_inside_and_outside() {
  local b pid
  mkdir "$T/out"
  b=$(new_bundle o '.mounts += [{"destination": "/out", "type": "bind", "source": "'"$T/out"'", "options": ["rbind", "rw"]}] | .process.oomScoreAdj = 567 | .process.args = ["sh", "-c", "cat /proc/self/oom_score_adj >/out/adj; sleep 30"]')
  bundle_ok "$b"
  k create --bundle "$b" "$ID-o"
  pid=$(k state "$ID-o" | jq -r .pid)
  expect_eq "$(cat /proc/"$pid"/oom_score_adj)" 567
  k start "$ID-o"
  for _ in $(seq 50); do [ -s "$T/out/adj" ] && break; sleep 0.1; done
  expect_eq "$(cat "$T/out/adj")" 567
  k delete --force "$ID-o"
}

test_oom_score_adj_below_krills_needs_cap_sys_resource() {
  has_cap_sys_resource && skip "this host has CAP_SYS_RESOURCE: lowering is allowed"
  [ "$(cat /proc/self/oom_score_adj)" -gt -500 ] || skip "krill's own score is already <= -500"
  refuse n '.process.oomScoreAdj = -500' 'process.oomScoreAdj: write -500 to /proc/self/oom_score_adj: Permission denied'
}

test_lsm_fields_without_the_lsm() {
  grep -qs apparmor /sys/kernel/security/lsm && skip "AppArmor is enabled here"
  refuse a '.process.apparmorProfile = "docker-default"' 'process.apparmorProfile: "docker-default" is set, but AppArmor is not enabled on this host'
  [ -d /sys/fs/selinux ] && skip "SELinux is mounted here"
  refuse s '.process.selinuxLabel = "system_u:system_r:container_t:s0"' 'process.selinuxLabel: "system_u:system_r:container_t:s0" is set, but SELinux is disabled'
}

# linux.mountLabel without SELinux is not an error (as crun; the validation
# suite's linux_mount_label): the container runs, its mounts carry no
# context= option, and the log says the label was not applied.
test_mount_label_without_selinux_is_a_warning() {
  local b out
  [ -d /sys/fs/selinux ] && skip "SELinux is mounted here"
  b=$(new_bundle m '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2" | .process.args = ["sh", "-c", "grep -c context= /proc/self/mountinfo; echo ran"]')
  out=$(k --log "$T/log" --log-format json run --bundle "$b" "$ID-m" 2>"$T/err")
  expect_eq "$out" "0
ran"
  jq -e 'select(.level == "warning") | .msg | test("linux.mountLabel \"system_u:object_r:container_file_t:s0:c1,c2\" not applied: SELinux is disabled or not supported on this host")' "$T/log" >/dev/null ||
    fail "no warning logged: $(cat "$T/log")"
  # without --log: runc's text format on stderr
  out=$(k run --bundle "$b" "$ID-m" 2>"$T/err")
  grep -q 'level=warning msg="linux.mountLabel' "$T/err" || fail "stderr: $(cat "$T/err")"
  assert_nothing_left "$ID-m" m
}

test_empty_lsm_fields_are_nothing() {
  local b
  b=$(new_bundle e '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = "" | .process.args = ["echo", "ran"]')
  bundle_ok "$b"
  expect_eq "$(k run --bundle "$b" "$ID-e")" ran
}

run_tests

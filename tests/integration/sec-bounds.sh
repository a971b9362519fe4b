#!/bin/bash
# Bounds on what an image or a config can make krill do: /etc/passwd (read
# for HOME) that is endless, a FIFO, huge or odd; a seccomp program the
# kernel cannot take; a hook timeout that overflows; a NUL inside a JSON
# string (it would cut args, paths and names short).
. "$(dirname "$0")/lib.sh"

# passwd_bundle NAME: a bundle on a private copy of the rootfs whose process
# prints $HOME; the caller then changes $b/rootfs/etc/passwd.
passwd_bundle() {
  local b
  b=$(new_bundle "$1" '.process.args = ["sh", "-c", "echo HOME=$HOME"]') || return 1
  private_rootfs "$b" || return 1
  echo "$b"
}

# run_bounded BUNDLE: `run` under a 20 s bound; what the container printed in
# $T/out. A hang kills what the test started (by pid) and fails.
run_bounded() {
  local rc=0 start=$SECONDS
  timeout 20 "$KRILL" --root "$T/state" run --bundle "$1" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  if [ $rc = 124 ]; then
    local p
    for p in $(pgrep -f -- "--root $T/state"); do kill -9 "$p" 2>/dev/null || true; done
    fail "run hung (killed after 20 s): $(cat "$T/err")"
  fi
  [ $rc = 0 ] || fail "run failed ($rc): $(cat "$T/err")"
  [ $((SECONDS - start)) -lt 10 ] || fail "run took $((SECONDS - start)) s"
}

test_passwd_fifo_is_absent() {
  local b
  b=$(passwd_bundle p)
  rm "$b/rootfs/etc/passwd"
  mkfifo "$b/rootfs/etc/passwd"
  run_bounded "$b"
  expect_eq "$(cat "$T/out")" "HOME=/"
}

test_passwd_dev_zero_no_hang() {
  local b
  b=$(passwd_bundle p)
  ln -sf /dev/zero "$b/rootfs/etc/passwd"
  run_bounded "$b"
  expect_eq "$(cat "$T/out")" "HOME=/"
}

# Over the 16 MiB krill reads: treated as absent, quickly; an entry for uid
# 0 after 20 MiB of others is not used.
test_passwd_huge_is_ignored() {
  local b
  b=$(passwd_bundle p)
  { yes 'filler:x:4000:4000:f:/filler:/bin/sh' | head -c $((20 << 20)) | head -n -1
    echo 'root:x:0:0:r:/beyond:/bin/sh'; } >"$b/rootfs/etc/passwd"
  run_bounded "$b"
  expect_eq "$(cat "$T/out")" "HOME=/"
}

# A line longer than krill reads at once is skipped whole: its tail is not
# taken for an entry of its own; empty fields count; a uid that is not a
# number matches no one.
test_passwd_odd_lines() {
  local b long
  b=$(passwd_bundle p)
  long=$(printf 'g%.0s' $(seq 5000))
  { echo "u:x:5:5:${long}x:x:0:0:e:/evil:/bin/sh"
    echo "bad:x:zz:0:b:/bad:/bin/sh"
    echo "root:x:0:0::/root:/bin/sh"; } >"$b/rootfs/etc/passwd"
  run_bounded "$b"
  expect_eq "$(cat "$T/out")" "HOME=/root"
}

# Thousands of rules with argument conditions, on two syscalls with values
# of their own (libseccomp shares equal subtrees): more than the kernel's
# BPF_MAXINSNS (4096) instructions. One error naming linux.seccomp and the
# count, never a truncated filter.
test_seccomp_over_maxinsns() {
  local b rc=0
  b=$(new_bundle s '.process.args = ["true"] | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls:
      ([range(1; 2200) as $v | {names: ["getppid"], action: "SCMP_ACT_ERRNO", args: [{index: 0, value: $v, op: "SCMP_CMP_EQ"}]}]
       + [range(1; 2200) as $v | {names: ["getpid"], action: "SCMP_ACT_ERRNO", args: [{index: 0, value: ($v + 10000), op: "SCMP_CMP_EQ"}]}])}')
  timeout 60 "$KRILL" --root "$T/state" create --bundle "$b" "$ID" 2>"$T/err" || rc=$?
  [ $rc != 0 ] && [ $rc != 124 ] || fail "create: exit $rc: $(cat "$T/err")"
  expect_contains "$(cat "$T/err")" "linux.seccomp: the filter has "
  expect_contains "$(cat "$T/err")" "instructions, the kernel takes 4096"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  assert_nothing_left "$ID" s
}

# hooks[].timeout is an integer of seconds: 18446744073709552 * 1000 wraps
# 64 bits to 384 ms. A hook that sleeps 1 s must not be killed for it.
test_hook_timeout_no_overflow() {
  local b
  b=$(new_bundle h '.process.args = ["true"]
    | .hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "1"], "timeout": 18446744073709552}]')
  timeout 30 "$KRILL" --root "$T/state" create --bundle "$b" "$ID" 2>"$T/err" || fail "create: $(cat "$T/err")"
  expect_eq "$(status_of "$ID")" created
}

# refuse_nul NAME JQ-FILTER FIELD: a \u0000 in the string is one error
# naming the field, and nothing is left.
refuse_nul() {
  local b rc=0
  b=$(new_bundle "$1" "$2")
  grep -q '\\u0000' "$b/config.json" || fail "no \\u0000 in the config"
  k create --bundle "$b" "$ID-$1" >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "create succeeded with a NUL in $3"
  expect_contains "$(cat "$T/err")" "$3"
  expect_contains "$(cat "$T/err")" "NUL"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  assert_nothing_left "$ID-$1" "$1"
}

test_nul_in_args() { refuse_nul a '.process.args = ["sh", "-c", "true\u0000; touch /tmp/x"]' 'process.args[2]'; }
test_nul_in_hostname() { refuse_nul h '.hostname = "ok\u0000evil"' 'hostname'; }
test_nul_in_mount_destination() {
  refuse_nul m '.mounts = [.mounts[0], {"destination": "/tmp\u0000/x", "type": "tmpfs", "source": "tmpfs"}] + .mounts[1:]' 'mounts[1].destination'
}
test_nul_in_cgroups_path() { refuse_nul c '.linux.cgroupsPath = "/\u0000" + .linux.cgroupsPath' 'linux.cgroupsPath'; }
test_nul_in_annotation_key() { refuse_nul k '.annotations = {"a\u0000b": "v"}' 'annotations'; }

# exec's process.json goes through the same parser.
test_nul_in_exec_process_args() {
  local b rc=0
  b=$(new_bundle e '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID" >/dev/null
  echo '{"args": ["sh", "-c", "true\u0000; touch /tmp/x"], "cwd": "/"}' >"$T/p.json"
  k exec -p "$T/p.json" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "exec ran with a NUL in args"
  expect_contains "$(cat "$T/err")" "args[2]: a string contains a NUL character"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  k exec "$ID" sh -c '[ ! -e /tmp/x ]' || fail "the truncated command ran"
}

run_tests

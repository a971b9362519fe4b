#!/bin/bash
# linux.seccomp: every action, errnoRet and defaultErrnoRet, argument
# conditions, architectures, flags, unknown syscalls, the -ENOSYS stub for
# syscalls newer than the profile, where the filter is loaded, a Docker-like
# profile; checked from inside (the errno a command sees) and from outside
# (Seccomp: 2 in the init's /proc status, nothing left after a refusal).
. "$(dirname "$0")/lib.sh"

FIXTURES=$TOP/tests/integration/fixtures
TMPFS='.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}]'

# new_bundle leaves the spec's default (a terminal shell) when the filter
# does not parse: that would hang, not fail.
bundle_ok() { jq -e '.process.terminal == false' "$1/config.json" >/dev/null || fail "jq filter of $1 failed"; }

# seccomp_run NAME SECCOMP-JSON SHELL-COMMAND [EXTRA-JQ]: runs the command
# under the profile, prints its output (stderr too) and "rc=N" of krill run.
seccomp_run() {
  local b rc=0
  b=$(new_bundle "$1" "$TMPFS | .linux.seccomp = $2 | .process.args = [\"sh\", \"-c\", \"exec 2>&1; $3\"] | ${4:-.}")
  bundle_ok "$b" || return 1
  k run --bundle "$b" "$ID-$1" || rc=$?
  echo "rc=$rc"
}

# refuse_profile NAME SECCOMP-JSON MESSAGE: create fails with one line that
# names the field, and nothing is left behind.
refuse_profile() {
  local b out rc=0
  b=$(new_bundle "$1" ".linux.seccomp = $2")
  out=$(k create --bundle "$b" "$ID-$1" 2>&1) || rc=$?
  expect_eq "$rc" 1 "(create of a bad profile: $out)"
  expect_contains "$out" "$3"
  expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "(one line: $out)"
  assert_nothing_left "$ID-$1" "$1"
}

test_errno_ret() {
  local out
  out=$(seccomp_run a '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' \
    'grep ^Seccomp: /proc/self/status; mkdir /tmp/x; echo mkdir=$?; touch /tmp/f && echo touch-ok')
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "mkdir: can't create directory '/tmp/x': Function not implemented"
  expect_contains "$out" "mkdir=1"
  expect_contains "$out" "touch-ok"
  expect_contains "$out" "rc=0"
}

test_exec_gets_the_filter() {
  local b out rc=0
  b=$(new_bundle ex "$TMPFS | .linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]} | .process.args = [\"sleep\", \"1000\"]")
  bundle_ok "$b" || return 1
  k run -d --bundle "$b" "$ID"
  out=$(k exec "$ID" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x 2>&1; echo rc=$?') || rc=$?
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "Function not implemented"
  expect_contains "$out" "rc=1"
}

test_errno_default_is_eperm() {
  local out
  out=$(seccomp_run a '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}' 'mkdir /tmp/x')
  expect_contains "$out" "Operation not permitted"
}

test_default_errno_ret() {
  local out
  # everything but what sh, cat and mkdir need is denied by the default
  out=$(seccomp_run a "$(jq -c '.syscalls[0].names -= ["mkdir", "mkdirat"] | .defaultErrnoRet = 13 | {defaultAction, defaultErrnoRet, architectures, syscalls}' "$FIXTURES/seccomp-docker-like.json")" \
    'mkdir /tmp/x; echo rc-mkdir=$?; echo still-here')
  expect_contains "$out" "mkdir: can't create directory '/tmp/x': Permission denied"
  expect_contains "$out" "still-here"
}

test_kill_process_and_kill() {
  local out act
  for act in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL SCMP_ACT_KILL_THREAD; do
    out=$(seccomp_run "k-${act,,}" "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"$act\"}]}" \
      'true' '.process.args = ["sh", "-c", "echo $PPID; echo after"]')
    # sh reads its parent pid with getppid at startup: SIGSYS, 128+31
    expect_contains "$out" "rc=159" "($act)"
    [[ $out != *after* ]] || fail "$act: the process went on: $out"
  done
}

test_trap_is_sigsys() {
  local out
  out=$(seccomp_run t '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_TRAP"}]}' 'true' \
    '.process.args = ["sh", "-c", "echo $PPID"]')
  expect_contains "$out" "rc=159"
}

test_log_allows() {
  local out
  out=$(seccomp_run l '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}' \
    'grep ^Seccomp: /proc/self/status; mkdir /tmp/x && echo made')
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "made"
}

test_trace_without_tracer_is_enosys() {
  local out
  # no tracer attached: the kernel answers ENOSYS; errnoRet is for the tracer
  out=$(seccomp_run t '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRACE", "errnoRet": 5}]}' 'mkdir /tmp/x')
  expect_contains "$out" "Function not implemented"
}

test_argument_conditions() {
  local out
  # personality(8) (linux32) denied, personality(0) (linux64) allowed
  out=$(seccomp_run eq '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}' \
    'linux32 true; echo l32=$?; linux64 true; echo l64=$?')
  expect_contains "$out" "linux32: personality(0x8): Invalid argument"
  expect_contains "$out" "l32=1"
  expect_contains "$out" "l64=0"
  # the same through a mask: (arg0 & 0xff) == 8
  out=$(seccomp_run m '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]}' \
    'linux32 true; echo l32=$?; linux64 true; echo l64=$?')
  expect_contains "$out" "l32=1"
  expect_contains "$out" "l64=0"
  # NE on arg0: everything but 0 is denied
  out=$(seccomp_run ne '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]}]}' \
    'linux32 true; echo l32=$?; linux64 true; echo l64=$?')
  expect_contains "$out" "l32=1"
  expect_contains "$out" "l64=0"
}

test_two_conditions_on_one_argument_are_ored() {
  local out
  # runc's rule: conditions sharing an index become separate rules
  out=$(seccomp_run o '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}' \
    'linux32 true; echo l32=$?; linux64 true; echo l64=$?')
  expect_contains "$out" "l32=1"
  expect_contains "$out" "l64=1"
}

test_unknown_syscall_is_skipped_with_a_debug_line() {
  local b out rc=0
  b=$(new_bundle u "$TMPFS"' | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["krill_no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]} | .process.args = ["sh", "-c", "mkdir /tmp/x 2>&1; echo ran"]')
  out=$(k --log "$T/log" --debug run --bundle "$b" "$ID-u") || rc=$?
  expect_eq "$rc" 0 "($out)"
  expect_contains "$out" "Function not implemented"
  expect_contains "$out" "ran"
  expect_contains "$(cat "$T/log")" 'unknown seccomp syscall \"krill_no_such_syscall\" ignored'
}

test_bad_profiles_are_refused() {
  refuse_profile act '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["mkdir"], "action": "SCMP_ACT_FOO"}]}' \
    'linux.seccomp.syscalls[3].action: expected one of'
  refuse_profile def '{"defaultAction": "SCMP_ACT_BAR"}' 'linux.seccomp.defaultAction: expected one of'
  refuse_profile arch '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_NOPE"]}' 'linux.seccomp.architectures[1]'
  refuse_profile op '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_ALMOST"}]}]}' \
    'linux.seccomp.syscalls[0].args[0].op'
  refuse_profile idx '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 8, "op": "SCMP_CMP_EQ"}]}]}' \
    'linux.seccomp.syscalls[0].args[0].index: 6'
  refuse_profile ern '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000}]}' \
    'linux.seccomp.syscalls[0].errnoRet: 70000 out of range'
  refuse_profile flag '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}' 'linux.seccomp.flags[0]'
  refuse_profile notify '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
    'linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY'
  refuse_profile empty '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""], "action": "SCMP_ACT_ERRNO"}]}' 'linux.seccomp.syscalls[0].names[0]: empty'
}

test_arch_unknown_to_libseccomp_is_refused() {
  # in the spec's list, but not in libseccomp 2.5 (m68k came with 2.6)
  if "$KRILL" features | jq -e '.linux.seccomp.archs | index("SCMP_ARCH_M68K")' >/dev/null; then
    skip "this libseccomp knows m68k"
  fi
  refuse_profile m68k '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_M68K"]}' \
    'linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_M68K"'
}

test_flags() {
  local out
  out=$(seccomp_run f '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' \
    'mkdir /tmp/x; grep ^Seccomp: /proc/self/status')
  expect_contains "$out" "Function not implemented"
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "rc=0"
}

test_spec_allow_by_default() {
  local out
  # runc sets SPEC_ALLOW when the profile has no flags at all, so seccomp
  # does not force the SSB mitigation; only visible where the kernel's
  # mitigation mode includes seccomp
  grep -q 'prctl and seccomp' /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null \
    || skip "the kernel does not tie the SSB mitigation to seccomp here: $(cat /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null)"
  out=$(seccomp_run a '{"defaultAction": "SCMP_ACT_ALLOW"}' 'grep ^Speculation_Store_Bypass: /proc/self/status')
  expect_contains "$out" "thread vulnerable"
  out=$(seccomp_run b '{"defaultAction": "SCMP_ACT_ALLOW", "flags": []}' 'grep ^Speculation_Store_Bypass: /proc/self/status')
  expect_contains "$out" "thread force mitigated"
}

test_listener_path_without_notify_is_ignored() {
  local out
  out=$(seccomp_run l '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/nonexistent/agent.sock", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' 'mkdir /tmp/x')
  expect_contains "$out" "Function not implemented"
}

test_filter_loaded_late_with_no_new_privs() {
  local out
  # krill's own calls (uid, groups, capabilities, signals, fds, the exec
  # fifo) happen before the filter: the container still starts
  out=$(seccomp_run n '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["setresuid", "setresgid", "setgroups", "capset", "capget", "close_range", "fcntl", "openat", "sendmsg", "sendto", "rt_sigprocmask", "rt_sigaction", "umask", "chdir", "keyctl", "sethostname"], "action": "SCMP_ACT_KILL_PROCESS"}]}' \
    'echo started' '.process.noNewPrivileges = true | .process.args = ["/bin/echo", "started"]')
  expect_contains "$out" "started"
  expect_contains "$out" "rc=0"
}

test_filter_before_caps_without_no_new_privs() {
  local b out rc=0
  # without no_new_privs loading needs CAP_SYS_ADMIN, so it comes before the
  # capability drop (as in runc): a profile that denies capset breaks start
  b=$(new_bundle c '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["capset"], "action": "SCMP_ACT_ERRNO"}]} | .process.args = ["true"]')
  out=$(k create --bundle "$b" "$ID-c" 2>&1) || rc=$?
  expect_eq "$rc" 1 "($out)"
  expect_contains "$out" "Operation not permitted"
  assert_nothing_left "$ID-c" c
  # and an ordinary profile works without no_new_privs, loaded by krill
  # while it still had CAP_SYS_ADMIN
  out=$(seccomp_run d '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' \
    'grep ^Seccomp: /proc/self/status; grep ^NoNewPrivs: /proc/self/status; mkdir /tmp/x' '.process.noNewPrivileges = false')
  expect_contains "$out" "NoNewPrivs:	0"
  expect_contains "$out" "Seccomp:	2"
  expect_contains "$out" "Function not implemented"
}

test_docker_like_profile() {
  local nnp out
  for nnp in false true; do
    out=$(seccomp_run "d$nnp" "$(cat "$FIXTURES/seccomp-docker-like.json")" \
      'grep ^Seccomp: /proc/self/status; mkdir /tmp/x && echo mkdir-ok; ls / >/dev/null && echo ls-ok; linux32 true && echo linux32-ok; unshare -m true; echo unshare=$?; chroot / true; echo chroot=$?' \
      ".process.noNewPrivileges = $nnp")
    expect_contains "$out" "Seccomp:	2"
    expect_contains "$out" "mkdir-ok"
    expect_contains "$out" "ls-ok"
    expect_contains "$out" "linux32-ok"
    expect_contains "$out" "unshare: unshare(0x20000): Operation not permitted"
    expect_contains "$out" "unshare=1"
    expect_contains "$out" "chroot: can't change root directory to '/': Operation not permitted"
    expect_contains "$out" "rc=0"
  done
}

test_enosys_for_syscalls_newer_than_the_profile() {
  [ "$(uname -m)" = x86_64 ] || skip "the syscall numbers below are x86_64's"
  local names out
  # every allowed name numbers at most 262 (newfstatat) on x86_64: unshare
  # (272) is "newer than the profile" and gets ENOSYS, chroot (161), not
  # listed, the default EPERM
  names='accept access alarm bind brk capget capset chdir chmod chown clock_getres clock_gettime clock_nanosleep close connect creat dup dup2 execve exit exit_group fchdir fchmod fchown fchownat fcntl fdatasync flock fork fstat fstatfs fsync ftruncate futex getcwd getdents getdents64 getegid geteuid getgid getgroups getpgid getpgrp getpid getppid getpriority getresgid getresuid getrlimit getrusage getsid gettid gettimeofday getuid ioctl kill lchown link lseek lstat madvise mkdir mkdirat mknod mmap mprotect mremap munmap nanosleep newfstatat open openat pause pipe poll prctl pread64 pwrite64 read readlink readv rename restart_syscall rmdir rt_sigaction rt_sigpending rt_sigprocmask rt_sigreturn rt_sigsuspend rt_sigtimedwait sched_getaffinity sched_yield select setgid setgroups setpgid setresgid setresuid setrlimit setsid set_tid_address setuid sigaltstack socketpair stat statfs symlink sysinfo tgkill time times tkill truncate umask uname unlink utime vfork wait4 waitid write writev arch_prctl clone'
  out=$(seccomp_run e "$(jq -cn --arg n "$names" '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ($n | split(" ")), action: "SCMP_ACT_ALLOW"}]}')" \
    'chroot / true; unshare -m true; echo end')
  expect_contains "$out" "chroot: can't change root directory to '/': Operation not permitted"
  expect_contains "$out" "unshare: unshare(0x20000): Function not implemented"
  expect_contains "$out" "end"
}

test_seccomp_seen_from_outside() {
  local b pid
  b=$(new_bundle o '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]} | .process.args = ["sleep", "30"]')
  k create --bundle "$b" "$ID-o"
  pid=$(k state "$ID-o" | jq -r .pid)
  # with no_new_privs the filter waits for execve: not there while created
  expect_contains "$(grep ^Seccomp: /proc/"$pid"/status)" "Seccomp:	0"
  k start "$ID-o"
  for _ in $(seq 50); do grep -q '^Seccomp:.*2' /proc/"$pid"/status && break; sleep 0.1; done
  expect_contains "$(grep ^Seccomp: /proc/"$pid"/status)" "Seccomp:	2"
  k kill "$ID-o" KILL
}

test_features_report_seccomp() {
  local f
  f=$("$KRILL" features)
  jq -e '.linux.seccomp.enabled == true
    and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO")) != null
    and (.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")) != null
    and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64")) != null
    and (.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG")) != null
    and (.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_TSYNC")) != null
    and (.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+\\.[0-9]+\\.[0-9]+$"))' <<<"$f" >/dev/null \
    || fail "features: $(jq .linux.seccomp <<<"$f")"
}

# Issue 16: a profile may deny what krill itself calls to seal its fds
# (close_range, fcntl; runtime-tools' default profile and older Docker ones
# lack close_range). krill marks its fds close-on-exec before the filter
# goes in, so nothing after it but the program's execve needs the profile.
FD_DENY='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["close_range", "fcntl", "openat"], "action": "SCMP_ACT_ERRNO"}]}'
FD_DENY_NO_OPENAT='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["close_range", "fcntl"], "action": "SCMP_ACT_ERRNO"}]}'

# The program's shell must not need fcntl either: no redirections in it
# (busybox sh saves an fd with fcntl before one).
test_profile_denies_fd_calls() {
  local b out nnp deny
  for nnp in true false; do
    # noNewPrivileges (the spec's default): the filter is the last thing
    # before execve; without it the filter goes in before the user switch
    # (it needs CAP_SYS_ADMIN), as runc's, and the wait for `start` opens
    # the fifo after it: that profile has to allow openat
    deny=$FD_DENY
    [ $nnp = true ] || deny=$FD_DENY_NO_OPENAT
    args='["sh", "-c", "echo inside-$((6*7)); grep ^NoNewPrivs: /proc/self/status || echo no-openat"]'
    b=$(new_bundle "r$nnp" ".linux.seccomp = $deny | .process.noNewPrivileges = $nnp | .process.args = $args")
    bundle_ok "$b" || return 1
    out=$(k run --bundle "$b" "$ID-$nnp" 2>&1) || fail "run (nnp=$nnp): $out"
    expect_contains "$out" "inside-42"
    if [ $nnp = true ]; then expect_contains "$out" "no-openat"; else expect_contains "$out" "NoNewPrivs:	0"; fi
  done
}

test_exec_profile_denies_fd_calls() {
  local b out nnp
  for nnp in true false; do
    b=$(new_bundle "x$nnp" "$TMPFS | .linux.seccomp = $FD_DENY_NO_OPENAT | .process.noNewPrivileges = $nnp | .process.args = [\"sleep\", \"1000\"]")
    bundle_ok "$b" || return 1
    k run -d --bundle "$b" "$ID-$nnp"
    out=$(k exec "$ID-$nnp" sh -c 'echo exec-$((6*7)); grep ^Seccomp: /proc/self/status' 2>&1) || fail "exec (nnp=$nnp): $out"
    expect_contains "$out" "exec-42"
    expect_contains "$out" "Seccomp:	2"
    # a failing execve is still reported through the stub's socket
    out=$(k exec "$ID-$nnp" /nonexistent 2>&1) && fail "exec of a missing program succeeded"
    expect_contains "$out" "nonexistent"
    k kill "$ID-$nnp" KILL
  done
}

run_tests

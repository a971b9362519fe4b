#!/bin/bash
# `exec`: a process in a running container, with runc's flags, exit codes,
# terminals, signals; it joins the container's namespaces and cgroup, and
# brings nothing of the host along (CVE-2019-5736, CVE-2024-21626).
. "$(dirname "$0")/lib.sh"

# A running container whose init sleeps; prints nothing.
start_sleeper() {
  local b
  b=$(new_bundle "${1:-b}" "${2:-.} | .process.args = [\"sleep\", \"1000\"]")
  # (to a file: the container's init holds it)
  k run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
  expect_eq "$(status_of "$ID")" running
}

init_pid() { k state "$ID" | jq -r .pid; }

# Waits until FILE holds a line matching PATTERN.
wait_for() {
  local file=$1 pattern=$2
  for _ in $(seq 200); do grep -q -- "$pattern" "$file" 2>/dev/null && return 0; sleep 0.05; done
  fail "timed out waiting for '$pattern' in $file: $(cat "$file" 2>/dev/null)"
}

test_exec_output_and_status() {
  local out rc=0
  start_sleeper
  out=$(k exec "$ID" sh -c 'echo out; echo err >&2; exit 3' 2>"$T/err") || rc=$?
  expect_eq "$out" out
  expect_eq "$(cat "$T/err")" err
  expect_eq "$rc" 3
  rc=0
  k exec "$ID" sh -c 'sh -c "kill -9 \$\$"; exit $?' || rc=$?
  expect_eq "$rc" 137
  # flags stop at the command: its own flags are its own
  expect_eq "$(k exec "$ID" printf '%s|' -e -t -u x)" "-e|-t|-u|x|"
}

test_exec_missing_command() {
  local rc=0
  start_sleeper
  k exec "$ID" no-such-command 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" 'exec failed: exec: "no-such-command": executable file not found in $PATH'
  rc=0
  k exec --cwd /no/such/dir "$ID" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" '/no/such/dir'
  rc=0
  k exec "$ID" 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" "args cannot be empty"
  rc=0
  k exec no-such-container true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" 'does not exist'
  # the container is unharmed and no process of the failed execs is left
  expect_eq "$(status_of "$ID")" running
  expect_eq "$(k exec "$ID" ps -o pid,comm | wc -l)" 3 "(header, sleep, ps)"
}

test_exec_env_cwd() {
  local out
  start_sleeper b '.process.env += ["FROM_CONFIG=yes"]'
  out=$(k exec -e A=1 --env B=two -e FROM_CONFIG=overridden --cwd /tmp "$ID" sh -c 'echo $A $B $FROM_CONFIG $PATH; pwd')
  expect_eq "$(echo "$out" | head -1)" "1 two overridden /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  expect_eq "$(echo "$out" | tail -1)" /tmp
  # without flags: the config's cwd and env
  expect_eq "$(k exec "$ID" sh -c 'echo $FROM_CONFIG; pwd')" "$(printf 'yes\n/')"
}

test_exec_user_groups() {
  start_sleeper
  expect_eq "$(k exec -u 65534:65534 "$ID" id -u)" 65534
  expect_eq "$(k exec -u 65534:65534 "$ID" id -g)" 65534
  expect_eq "$(k exec -u 1000 "$ID" sh -c 'echo $(id -u) $(id -g)')" "1000 0"
  expect_eq "$(k exec -u 65534:65534 -g 5 --additional-gids 6 "$ID" id -G)" "65534 5 6"
  local rc=0
  k exec -u abc "$ID" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" 'bad uid'
}

test_exec_capabilities() {
  local pid inside outside
  start_sleeper
  pid=$(init_pid)
  # default: the container's own sets, as init has them
  inside=$(k exec "$ID" grep CapEff /proc/self/status)
  expect_eq "$inside" "$(grep CapEff "/proc/$pid/status")"
  expect_eq "$(k exec "$ID" grep CapBnd /proc/self/status)" "$(grep CapBnd "/proc/$pid/status")"
  # --cap adds to bounding, effective, permitted (CAP_SYS_ADMIN is bit 21)
  inside=$(k exec --cap CAP_SYS_ADMIN "$ID" grep CapEff /proc/self/status | awk '{print $2}')
  [ $(( 0x$inside >> 21 & 1 )) = 1 ] || fail "CAP_SYS_ADMIN not effective: $inside"
  [ $(( 0x$(grep CapEff "/proc/$pid/status" | awk '{print $2}') >> 21 & 1 )) = 0 ] || fail "init has CAP_SYS_ADMIN"
  # seen from outside too
  k exec -d --pid-file "$T/pid" -c CAP_SYS_ADMIN "$ID" sleep 100
  outside=$(grep CapEff "/proc/$(cat "$T/pid")/status" | awk '{print $2}')
  expect_eq "$outside" "$inside"
  kill "$(cat "$T/pid")"
}

test_exec_no_new_privs() {
  start_sleeper b '.process.noNewPrivileges = false'
  expect_eq "$(k exec "$ID" grep NoNewPrivs /proc/self/status | awk '{print $2}')" 0
  expect_eq "$(k exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status | awk '{print $2}')" 1
}

test_exec_process_json() {
  local out rc=0
  start_sleeper
  cat >"$T/process.json" <<'EOF'
{"args": ["sh", "-c", "echo $GREETING; id -u; pwd; grep CapEff /proc/self/status"],
 "env": ["GREETING=from-process-json", "PATH=/bin:/usr/bin"],
 "cwd": "/etc", "user": {"uid": 65534, "gid": 65534},
 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
                  "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}}
EOF
  out=$(k exec --process "$T/process.json" "$ID")
  expect_eq "$out" "$(printf 'from-process-json\n65534\n/etc\nCapEff:\t0000000000000020')"
  # a bad document names the field
  echo '{"args": ["true"], "cwd": "/", "user": {"uid": "root", "gid": 0}}' >"$T/bad.json"
  k exec -p "$T/bad.json" "$ID" 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" "user.uid"
}

test_exec_uses_config_of_create() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .process.env += ["V=at-create"]')
  k run -d --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  jq '.process.env += ["V=edited-later"]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  expect_eq "$(k exec "$ID" sh -c 'echo $V')" at-create
}

test_exec_detach_pid_file() {
  local pid ppid
  start_sleeper
  # (to a file: the detached process holds its stdout, a $(...) would wait)
  k exec -d --pid-file "$T/pid" "$ID" sleep 100 >"$T/out"
  expect_eq "$(cat "$T/out")" ""
  pid=$(cat "$T/pid")
  [ -d "/proc/$pid" ] || fail "process $pid not running"
  expect_eq "$(cat "/proc/$pid/comm")" sleep
  expect_eq "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$(init_pid)/ns/pid")"
  # nothing of krill stays: the process was reparented, its parent is no krill
  ppid=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
  case "$(tr '\0' ' ' <"/proc/$ppid/cmdline")" in *krill*) fail "parent $ppid is krill";; esac
  if pgrep -f -- "--root $T/state" >/dev/null; then fail "krill left: $(pgrep -af -- "--root $T/state")"; fi
  expect_contains "$(k exec "$ID" ps -o comm)" sleep
  kill "$pid"
}

test_exec_tty_proxied() {
  local out rc=0
  command -v script >/dev/null || skip "needs script(1) from bsdutils"
  start_sleeper
  out=$(script -qec "stty -g; $KRILL --root $T/state exec -t $ID sh -c 'tty; test -t 0 && echo is-a-tty; exit 5'; echo status=\$?; stty -g" /dev/null </dev/null) || rc=$?
  expect_contains "$out" "/dev/pts/"
  expect_contains "$out" "is-a-tty"
  expect_contains "$out" "status=5"
  # the caller's terminal is as it was before
  local first last
  first=$(printf '%s\n' "$out" | tr -d '\r' | grep -E '^[0-9a-f]+(:[0-9a-f]+)+$' | head -1)
  last=$(printf '%s\n' "$out" | tr -d '\r' | grep -E '^[0-9a-f]+(:[0-9a-f]+)+$' | tail -1)
  [ -n "$first" ] || fail "no stty output: $out"
  expect_eq "$last" "$first" "(terminal settings restored)"
  # without -t: no terminal, whatever the config says
  expect_eq "$(k exec "$ID" sh -c 'test -t 0 && echo tty || echo no-tty')" no-tty
}

test_exec_console_socket() {
  local rc=0
  command -v python3 >/dev/null || skip "needs python3 for the console socket receiver"
  start_sleeper
  python3 "$TOP/tests/integration/console-recv.py" "$T/console.sock" >"$T/console.out" &
  local rpid=$!
  for _ in $(seq 100); do [ -S "$T/console.sock" ] && break; sleep 0.05; done
  k exec -d -t --console-socket "$T/console.sock" "$ID" sh -c 'tty; echo via-socket'
  wait "$rpid"
  expect_contains "$(cat "$T/console.out")" "/dev/pts/"
  expect_contains "$(cat "$T/console.out")" "via-socket"
  # runc's rules: a socket only with -d -t, -d -t only with a socket
  k exec -t --console-socket "$T/console.sock" "$ID" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  rc=0
  k exec -d -t "$ID" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" "cannot allocate tty"
}

test_exec_forwards_sigterm() {
  local pid rc=0
  start_sleeper
  "$KRILL" --root "$T/state" exec "$ID" sh -c 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done' >"$T/out" 2>&1 &
  pid=$!
  wait_for "$T/out" ready
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  expect_eq "$rc" 3
  expect_contains "$(cat "$T/out")" got-term
}

test_exec_stopped_container_fails() {
  local b rc=0
  b=$(new_bundle b '.process.args = ["true"]')
  k run -d --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  for _ in $(seq 100); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.05; done
  expect_eq "$(status_of "$ID")" stopped
  k exec "$ID" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  expect_contains "$(cat "$T/err")" "cannot exec in a stopped container"
}

test_exec_created_container() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  expect_eq "$(status_of "$ID")" created
  # runc allows it: the namespaces exist
  expect_eq "$(k exec "$ID" echo in-created)" in-created
  # init still runs krill's binary: it must not be reachable
  expect_eq "$(k exec "$ID" sh -c 'readlink /proc/1/exe || echo refused')" refused
  expect_eq "$(k exec "$ID" sh -c '( : >> /proc/1/exe ) 2>/dev/null && echo WRITABLE || echo refused')" refused
}

test_exec_namespaces_and_cgroup() {
  local pid ns
  start_sleeper b '.linux.namespaces |= (if any(.type == "cgroup") then . else . + [{"type": "cgroup"}] end)'
  pid=$(init_pid)
  for ns in mnt pid net ipc uts cgroup; do
    expect_eq "$(k exec "$ID" readlink /proc/self/ns/$ns)" "$(readlink "/proc/$pid/ns/$ns")" "($ns)"
  done
  # the same cgroup as init, seen from inside and from outside
  expect_eq "$(k exec "$ID" cat /proc/self/cgroup)" "$(k exec "$ID" cat /proc/1/cgroup)"
  k exec -d --pid-file "$T/pid" "$ID" sleep 100
  expect_eq "$(cat "/proc/$(cat "$T/pid")/cgroup")" "$(cat "/proc/$pid/cgroup")"
  expect_contains "$(cat "/proc/$pid/cgroup")" "$CG_BASE/b"
  kill "$(cat "$T/pid")"
}

test_exec_sub_cgroup() {
  local pid d
  start_sleeper
  d=$(ls -d /sys/fs/cgroup/pids"$CG_BASE"/b /sys/fs/cgroup"$CG_BASE"/b 2>/dev/null | head -1)
  [ -n "$d" ] || skip "no pids or unified cgroup here"
  mkdir "$d/sub"
  if [ "$d" = /sys/fs/cgroup"$CG_BASE"/b ]; then
    k exec -d --pid-file "$T/pid" --cgroup sub "$ID" sleep 100
  else
    k exec -d --pid-file "$T/pid" --cgroup pids:sub "$ID" sleep 100
  fi
  pid=$(cat "$T/pid")
  grep -qx "$pid" "$d/sub/cgroup.procs" || fail "$pid not in $d/sub"
  local rc=0
  k exec --cgroup ../escape "$ID" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 255
  kill "$pid"
  for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
  rmdir "$d/sub"
}

test_exec_no_zombie() {
  local kpid kids
  start_sleeper
  "$KRILL" --root "$T/state" exec "$ID" sh -c 'echo ready; sleep 1' >"$T/out" 2>&1 &
  kpid=$!
  wait_for "$T/out" ready
  # krill's only child is the process: its helper was reaped
  kids=$(ps --ppid "$kpid" -o stat=,comm=)
  expect_eq "$(echo "$kids" | wc -l)" 1 "($kids)"
  case "$kids" in Z*) fail "zombie: $kids";; esac
  wait "$kpid"
  expect_eq "$(k exec "$ID" sh -c 'ps -o stat | grep -c Z')" 0
  if pgrep -f -- "--root $T/state exec" >/dev/null; then fail "krill exec left behind"; fi
}

# CVE-2024-21626: nothing of the host crosses; a cwd through /proc/self/fd/N
# cannot reach the host (not for exec, not for init).
test_exec_no_host_fd() {
  local pid n rc b
  start_sleeper
  k exec -d --pid-file "$T/pid" "$ID" sleep 100
  pid=$(k exec "$ID" pidof sleep | tr ' ' '\n' | sort -n | tail -1)
  expect_eq "$(k exec "$ID" ls /proc/"$pid"/fd | tr '\n' ' ')" "0 1 2 "
  expect_eq "$(ls "/proc/$(cat "$T/pid")/fd" | sort -n | tr '\n' ' ')" "0 1 2 "
  kill "$(cat "$T/pid")"
  # --preserve-fds 1: fd 3 and nothing else
  k exec -d --preserve-fds 1 --pid-file "$T/pid" "$ID" sleep 100 3<"$T/pid"
  expect_eq "$(ls "/proc/$(cat "$T/pid")/fd" | sort -n | tr '\n' ' ')" "0 1 2 3 "
  kill "$(cat "$T/pid")"
  for n in $(seq 3 24); do
    rc=0
    k exec --cwd /proc/self/fd/$n "$ID" sh -c 'pwd; ls ..' >"$T/out" 2>&1 || rc=$?
    [ "$rc" = 255 ] || fail "exec --cwd /proc/self/fd/$n ran: $(cat "$T/out")"
  done
  for n in $(seq 3 24); do
    b=$(new_bundle "b$n" ".process.cwd = \"/proc/self/fd/$n\" | .process.args = [\"sh\", \"-c\", \"pwd; ls ..\"]")
    rc=0
    k run --bundle "$b" "$ID-$n" </dev/null >"$T/out" 2>&1 || rc=$?
    [ "$rc" != 0 ] || fail "run with cwd /proc/self/fd/$n ran: $(cat "$T/out")"
    k delete -f "$ID-$n" >/dev/null 2>&1 || true
  done
}

# CVE-2019-5736: while krill enters (held in place at its setsid, before
# execve, by strace), a process of the container can neither open its
# /proc/<pid>/exe for writing nor read where it points, nor follow its fds
# or cwd, nor read the caller's environment; and the entering krill holds no
# fd of the host but the sync socket.
test_exec_entering_krill_is_sealed() {
  local kpid cpid nspid fd t probe p
  # A fifo on /etc/passwd held it once; krill no longer waits on one.
  command -v strace >/dev/null || skip "needs strace"
  start_sleeper b '.process.env += ["HOME=/root"]'
  echo '{"args": ["true"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}' >"$T/nohome.json"
  # The probe gets every capability but CAP_SYS_PTRACE, and so does the
  # entering krill: then only its non-dumpable flag keeps the probe out.
  command -v setpriv >/dev/null || skip "needs setpriv(1) from util-linux"
  local all=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
    LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE
    SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
    SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
    WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE) i capflags=() bnd
  bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  for i in "${!all[@]}"; do
    [ "$i" != 19 ] && [ $(( 0x$bnd >> i & 1 )) = 1 ] && capflags+=(--cap "CAP_${all[$i]}")
  done
  strace -f -qq -o /dev/null -e trace=setsid -e inject=setsid:delay_enter=5s \
    setpriv --bounding-set -sys_ptrace --inh-caps -sys_ptrace -- \
    "$KRILL" --root "$T/state" exec -p "$T/nohome.json" "$ID" >"$T/out" 2>&1 &
  kpid=$!
  cpid=
  for _ in $(seq 200); do
    for p in $(pgrep -f -- "exec -p $T/nohome.json"); do
      [ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$KRILL")" ] || continue
      [ "$(readlink "/proc/$p/ns/mnt")" = "$(readlink "/proc/$(init_pid)/ns/mnt")" ] || continue
      grep -q ptrace "/proc/$p/wchan" 2>/dev/null && cpid=$p
    done
    [ -n "$cpid" ] && break
    sleep 0.05
  done
  [ -n "$cpid" ] || fail "the entering krill was not seen waiting"
  # it really is krill, in the container, waiting before its execve
  expect_eq "$(readlink "/proc/$cpid/exe")" "$(readlink -f "$KRILL")"
  expect_eq "$(readlink "/proc/$cpid/ns/pid")" "$(readlink "/proc/$(init_pid)/ns/pid")"
  nspid=$(awk '/^NSpid:/ {print $3}' "/proc/$cpid/status")
  [ -n "$nspid" ] || fail "no pid in the container's namespace"
  # its fds, seen from the host: stdio and the sync socket, nothing else
  for fd in $(ls "/proc/$cpid/fd"); do
    t=$(readlink "/proc/$cpid/fd/$fd")
    case "$fd:$t" in [012]:*|*:socket:*) ;; *) fail "host fd $fd -> $t held while entering";; esac
  done
  [ $(( 0x$(awk '/^CapPrm:/ {print $2}' "/proc/$cpid/status") >> 19 & 1 )) = 0 ] \
    || fail "the entering krill kept CAP_SYS_PTRACE"
  probe=$(k exec -e HOME=/ "${capflags[@]}" "$ID" sh -c "
    readlink /proc/$nspid/exe && echo EXE-READABLE
    ( : >> /proc/$nspid/exe ) 2>/dev/null && echo EXE-WRITABLE
    for f in /proc/$nspid/fd/*; do readlink \$f >/dev/null 2>&1 && echo FD-READABLE; done
    readlink /proc/$nspid/cwd && echo CWD-READABLE
    [ \"\$(tr -d '\\0' </proc/$nspid/environ 2>/dev/null | wc -c)\" = 0 ] || echo ENVIRON-LEAKS
    echo probed" 2>/dev/null)
  expect_eq "$probe" probed
  wait "$kpid" || fail "exec failed: $(cat "$T/out")"
}

# A --no-pivot container is a chroot inside its mount namespace: exec must
# land in init's root, not in the namespace's.
test_exec_no_pivot_lands_in_the_rootfs() {
  local b
  b=$(new_bundle np '.process.args = ["sleep", "1000"]')
  k run -d --no-pivot --bundle "$b" "$ID"
  expect_eq "$(k exec "$ID" cat /etc/motd)" "krill test rootfs"
  expect_eq "$(k exec "$ID" sh -c 'ls / | grep -c -x work')" 0
}

run_tests

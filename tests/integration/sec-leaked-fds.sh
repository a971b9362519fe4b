#!/bin/bash
# --preserve-fds N and LISTEN_FDS pass fds 3..3+N-1 of krill's caller, and
# only those: an fd the caller did not pass (krill's own host /proc handle,
# exec.fifo, sync sockets, the console socketpair) never reaches the
# container. One that is not open in the caller is refused, naming the flag.
. "$(dirname "$0")/lib.sh"

# with_fds_below N CMD...: CMD with every fd >= N closed, as a caller that
# passes exactly fds 3..N-1 (the test harness may hold others open).
with_fds_below() {
  local n=$1 fd
  shift
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      [ "$fd" -ge "$n" ] && eval "exec $fd>&-"
    done
    exec "$@"
  )
}

# FILE's fd list of PID as "fd:target" lines, from the host.
host_fds() {
  local pid=$1 fd
  for fd in $(ls /proc/"$pid"/fd | sort -n); do
    echo "$fd:$(readlink /proc/"$pid"/fd/"$fd")"
  done
}

passed_files() {
  echo three >"$T/f3"
  echo four >"$T/f4"
  echo five >"$T/f5"
}

# The process sees 0..5 and nothing else; 3..5 are the caller's files.
check_passed() {
  local pid=$1 inside=$2
  expect_eq "$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')" "0 1 2 3 4 5 " "(host view: $(host_fds "$pid" | tr '\n' ' '))"
  expect_eq "$(readlink /proc/"$pid"/fd/3)" "$T/f3"
  expect_eq "$(readlink /proc/"$pid"/fd/4)" "$T/f4"
  expect_eq "$(readlink /proc/"$pid"/fd/5)" "$T/f5"
  # and from inside: the fds of the container's process, read by the
  # container's own ls (no host /proc, fifo or socket among them)
  expect_eq "$inside" "0 1 2 3 4 5 "
}

refused_with() {
  local out=$1 rc=$2 what=$3
  [ "$rc" != 0 ] || fail "not refused: $out"
  expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "(one line: $out)"
  expect_contains "$out" "$what"
  expect_contains "$out" "fd 3"
}

test_run_preserve_fds_not_passed_refused() {
  local b out rc=0
  b=$(new_bundle b '.process.args = ["ls", "-l", "/proc/self/fd/"]')
  out=$(with_fds_below 3 "$KRILL" --root "$T/state" run --preserve-fds 10 --bundle "$b" "$ID" 2>&1) || rc=$?
  refused_with "$out" "$rc" "--preserve-fds"
  assert_nothing_left "$ID" b
}

test_create_preserve_fds_not_passed_refused() {
  local b out rc=0
  b=$(new_bundle b '.process.args = ["true"]')
  out=$(with_fds_below 3 "$KRILL" --root "$T/state" create --preserve-fds 1 --bundle "$b" "$ID" 2>&1) || rc=$?
  refused_with "$out" "$rc" "--preserve-fds"
  assert_nothing_left "$ID" b
  # one passed, the second not: refused naming fd 4
  rc=0
  out=$(with_fds_below 4 "$KRILL" --root "$T/state" create --preserve-fds 2 --bundle "$b" "$ID" 3</dev/null 2>&1) || rc=$?
  [ "$rc" != 0 ] || fail "not refused: $out"
  expect_contains "$out" "--preserve-fds"
  expect_contains "$out" "fd 4"
  assert_nothing_left "$ID" b
}

test_listen_fds_not_passed_refused() {
  local b out rc=0
  b=$(new_bundle b '.process.args = ["true"]')
  out=$(LISTEN_FDS=3 with_fds_below 3 bash -c 'export LISTEN_PID=$$; exec "$@"' - \
    "$KRILL" --root "$T/state" run --bundle "$b" "$ID" 2>&1) || rc=$?
  refused_with "$out" "$rc" "LISTEN_FDS"
  assert_nothing_left "$ID" b
}

test_run_preserve_fds_only_the_callers() {
  local b pid inside
  passed_files
  b=$(new_bundle b '.process.args = ["sh", "-c", "cat /proc/self/fd/3 /proc/self/fd/4 /proc/self/fd/5; exec sleep 100"]')
  with_fds_below 6 "$KRILL" --root "$T/state" run -d --pid-file "$T/pid" --preserve-fds 3 --bundle "$b" "$ID" \
    3<"$T/f3" 4<"$T/f4" 5<"$T/f5" </dev/null >"$T/out" 2>&1 || fail "run: $(cat "$T/out")"
  pid=$(cat "$T/pid")
  for _ in $(seq 50); do [ "$(cat /proc/"$pid"/comm)" = sleep ] && break; sleep 0.1; done
  inside=$(k exec "$ID" ls /proc/1/fd | sort -n | tr '\n' ' ')
  check_passed "$pid" "$inside"
  expect_eq "$(cat "$T/out")" "three
four
five"
}

test_listen_fds_only_the_callers() {
  local b pid inside
  passed_files
  b=$(new_bundle b '.process.args = ["sleep", "100"]')
  LISTEN_FDS=3 with_fds_below 6 bash -c 'export LISTEN_PID=$$; exec "$@"' - \
    "$KRILL" --root "$T/state" run -d --pid-file "$T/pid" --bundle "$b" "$ID" \
    3<"$T/f3" 4<"$T/f4" 5<"$T/f5" </dev/null >"$T/out" 2>&1 || fail "run: $(cat "$T/out")"
  pid=$(cat "$T/pid")
  inside=$(k exec "$ID" ls /proc/1/fd | sort -n | tr '\n' ' ')
  check_passed "$pid" "$inside"
}

start_sleeper() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
}

# exec checked the fds already, but after its console socketpair took the
# lowest free numbers: guard both.
test_exec_preserve_fds_not_passed_refused() {
  local out rc=0
  start_sleeper
  out=$(with_fds_below 3 "$KRILL" --root "$T/state" exec --preserve-fds 2 "$ID" ls -l /proc/self/fd/ 2>&1) || rc=$?
  refused_with "$out" "$rc" "--preserve-fds"
  rc=0
  out=$(with_fds_below 3 "$KRILL" --root "$T/state" exec -d --preserve-fds 2 "$ID" ls -l /proc/self/fd/ 2>&1) || rc=$?
  refused_with "$out" "$rc" "--preserve-fds"
  expect_eq "$(k exec "$ID" ps -o pid,args | grep -c 'ls -l')" 0
}

test_exec_preserve_fds_only_the_callers() {
  local pid inside
  passed_files
  start_sleeper
  with_fds_below 6 "$KRILL" --root "$T/state" exec -d --pid-file "$T/pid" --preserve-fds 3 "$ID" sleep 100 \
    3<"$T/f3" 4<"$T/f4" 5<"$T/f5" </dev/null >"$T/out" 2>&1 || fail "exec: $(cat "$T/out")"
  pid=$(cat "$T/pid")
  inside=$(k exec "$ID" sh -c "ls /proc/\$(pidof sleep | tr ' ' '\n' | sort -n | tail -1)/fd" | sort -n | tr '\n' ' ')
  check_passed "$pid" "$inside"
  # in the foreground (krill's console socketpair is made then)
  out=$(with_fds_below 6 "$KRILL" --root "$T/state" exec --preserve-fds 3 "$ID" sh -c 'cat /proc/self/fd/3 /proc/self/fd/5; ls /proc/$$/fd; true' \
    3<"$T/f3" 4<"$T/f4" 5<"$T/f5" </dev/null 2>&1) || fail "exec: $out"
  expect_eq "$(printf '%s\n' "$out" | tr '\n' ' ')" "three five 0 1 2 3 4 5 "
}

# While it waits for `start`, init (which the container's processes can
# see) holds its exec.fifo and the procfs handle: not the fd of a joined
# namespace, nor an fd of the caller's that was not passed, nor krill's log.
test_created_init_holds_only_its_own() {
  local b pid targets t
  passed_files
  b=$(new_bundle b '.process.args = ["true"]
    | .linux.namespaces |= map(select(.type != "ipc"))
    | .linux.namespaces += [{"type": "ipc", "path": "/proc/'$$'/ns/ipc"}]')
  with_fds_below 3 bash -c 'exec 3<"$1" 7<"$2" 300<"$3"; shift 3; exec "$@"' - "$T/f3" "$T/f4" "$T/f5" \
    "$KRILL" --root "$T/state" --log "$T/krill.log" create --preserve-fds 1 --pid-file "$T/pid" --bundle "$b" "$ID" \
    </dev/null >"$T/out" 2>&1 || fail "create: $(cat "$T/out")"
  pid=$(cat "$T/pid")
  # The procfs handle is a private copy of the /proc mount, attached
  # nowhere (base/procfs.c): its link reads "/"; told from the host's "/"
  # by its file system.
  targets=$(for fd in $(ls /proc/"$pid"/fd | sort -n); do
    [ "$fd" -lt 3 ] && continue
    t=$(readlink /proc/"$pid"/fd/"$fd")
    case $t in /|/proc) [ "$(stat -L -f -c %T /proc/"$pid"/fd/"$fd")" = proc ] && t=procfs-root ;; esac
    echo "$t"
  done | sort | tr '\n' ' ')
  # The exec stub's sealed memfd (docs/security.md, CVE-2019-5736) is
  # krill's own and nothing of the host; the stub is built on x86_64 only.
  targets=${targets/\/memfd:krill-exec-stub (deleted) /}
  expect_eq "$targets" "$T/f3 $T/state/$ID/exec.fifo procfs-root "
  k start "$ID"
}

run_tests

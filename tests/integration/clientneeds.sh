#!/bin/bash
# What containerd's shim, conmon and Docker rely on beyond the lifecycle:
# the --log line format, --pid-file, the fds create hands on (stdio pipes,
# socket activation), the session keyring, every signal name, delete --force
# in any state, state under a held lock, and a truthful `features`.
. "$(dirname "$0")/lib.sh"

# logrus's JSON line, as runc writes it: level, msg, time (RFC 3339, whole
# seconds); the shim shows the last "error" line's msg to the user.
test_log_json_every_error() {
  local b line rc
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  check_error() { # what the command printed on stderr is the last error line's msg
    local err=$1
    line=$(grep '"level":"error"' "$T/log" | tail -n 1)
    jq -e --arg e "$err" '(keys == ["level", "msg", "time"]) and .level == "error" and .msg == $e
      and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"))' \
      <<<"$line" >/dev/null || fail "log line: $line (stderr: $err)"
  }
  lk() { "$KRILL" --root "$T/state" --log "$T/log" --log-format json "$@"; }
  for cmd in "start $ID" "kill $ID KILL" "delete $ID" "state $ID" "create --bundle $T/nowhere $ID" "kill $ID NOSIG"; do
    rc=0
    # shellcheck disable=SC2086
    lk $cmd 2>"$T/err" || rc=$?
    expect_eq "$rc" 1 "($cmd)"
    check_error "$(cat "$T/err")"
  done
  lk create --bundle "$b" "$ID"
  rc=0
  lk create --bundle "$b" "$ID" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  check_error "$(cat "$T/err")"
  expect_contains "$(cat "$T/err")" "already exists"
  # every line of the file is one JSON object
  jq -e -s 'length > 0' "$T/log" >/dev/null || fail "not JSON lines: $(cat "$T/log")"
  # the text format: time="..." level=error msg="..."
  "$KRILL" --root "$T/state" --log "$T/log.txt" start nosuch 2>/dev/null || true
  grep -Eq '^time="[0-9T:+-]+(Z|[+-][0-9:]+)" level=error msg="container \\"nosuch\\" does not exist"$' "$T/log.txt" ||
    fail "text line: $(cat "$T/log.txt")"
}

# The texts containerd's shim matches (checkKillError): a stopped container
# is "container not running", a missing one "does not exist".
test_kill_errors_the_shim_understands() {
  local b
  b=$(new_bundle b '.process.args = ["true"]')
  k run -d --bundle "$b" "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  if k kill "$ID" TERM 2>"$T/err"; then fail "kill of a stopped container succeeded"; fi
  expect_contains "$(cat "$T/err")" "container not running"
  k delete "$ID"
  if k kill "$ID" TERM 2>"$T/err"; then fail "kill of a missing container succeeded"; fi
  expect_contains "$(cat "$T/err")" "does not exist"
}

test_pid_file_relative_to_the_callers_cwd() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  mkdir -p "$T/cwd"
  (cd "$T/cwd" && k create --bundle "$b" --pid-file rel.pid "$ID")
  [ -f "$T/cwd/rel.pid" ] || fail "pid file not in the caller's cwd"
  [ ! -e "$b/rel.pid" ] || fail "pid file written in the bundle"
  expect_eq "$(cat "$T/cwd/rel.pid")" "$(k state "$ID" | jq -r .pid)"
  # run -d too, and the file holds the pid alone (no newline, as runc)
  mkdir -p "$T/cwd/sub"
  (cd "$T/cwd/sub" && k run -d --bundle "$b" --pid-file ../rel2.pid "$ID-2")
  expect_eq "$(cat "$T/cwd/rel2.pid")" "$(k state "$ID-2" | jq -r .pid)"
  [ "$(tail -c 1 "$T/cwd/rel2.pid")" != "" ] || fail "pid file ends with a newline"
  k delete --force "$ID-2"
}

# As the shim and conmon hand them: stdin, stdout and stderr are pipes that
# create passes to init, which holds them until the process exits.
test_stdio_pipes_reach_the_process() {
  local b pid
  b=$(new_bundle b '.process.args = ["sh", "-c", "read line; echo \"got $line\"; echo to-stderr >&2"]')
  mkfifo "$T/in" "$T/out" "$T/err"
  cat "$T/out" >"$T/out.txt" &
  local out_reader=$!
  cat "$T/err" >"$T/err.txt" &
  local err_reader=$!
  exec 8<>"$T/in"
  k create --bundle "$b" "$ID" <"$T/in" >"$T/out" 2>"$T/err"
  # create returned: init holds the pipes, at 0, 1, 2
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(readlink "/proc/$pid/fd/0")" "$T/in"
  expect_eq "$(readlink "/proc/$pid/fd/1")" "$T/out"
  expect_eq "$(readlink "/proc/$pid/fd/2")" "$T/err"
  echo hello >&8
  exec 8>&-
  k start "$ID"
  wait "$out_reader" "$err_reader"
  expect_eq "$(cat "$T/out.txt")" "got hello"
  expect_eq "$(cat "$T/err.txt")" "to-stderr"
  k delete "$ID"
}

# systemd socket activation (runc: LISTEN_PID is krill's pid, LISTEN_FDS=N):
# fds 3..3+N-1 go to the container at the same numbers, --preserve-fds ones
# after them, and the process's env gets LISTEN_FDS=N and LISTEN_PID=1.
test_listen_fds_socket_activation() {
  local b out
  b=$(new_bundle b '.process.args = ["sh", "-c", "echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID; cat /proc/self/fd/3 /proc/self/fd/4 /proc/self/fd/5; ls /proc/self/fd/6 2>/dev/null || echo no-fd-6"]
    | .process.env += ["LISTEN_FDS=9"]')
  echo three >"$T/f3"
  echo four >"$T/f4"
  echo five >"$T/f5"
  echo six >"$T/f6"
  out=$(LISTEN_FDS=2 bash -c 'export LISTEN_PID=$$; exec "$@"' - "$KRILL" --root "$T/state" run --preserve-fds 1 --bundle "$b" "$ID" \
    3<"$T/f3" 4<"$T/f4" 5<"$T/f5" 6<"$T/f6")
  expect_eq "$out" "LISTEN_FDS=2 LISTEN_PID=1
three
four
five
no-fd-6"
  # LISTEN_PID of another process: nothing is passed, env untouched
  out=$(LISTEN_FDS=2 LISTEN_PID=1 "$KRILL" --root "$T/state" run --bundle "$b" "$ID" 3<"$T/f3" 4<"$T/f4" 2>&1 || true)
  expect_contains "$out" "LISTEN_FDS=9 LISTEN_PID="
  [[ $out != *three* ]] || fail "fds passed for a foreign LISTEN_PID: $out"
}

# Each container gets a session keyring of its own ("_ses.ID", as runc);
# --no-new-keyring keeps the caller's.
test_session_keyring() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .linux.maskedPaths -= ["/proc/keys"]')
  k run -d --bundle "$b" "$ID"
  grep -q " _ses\.$ID: " /proc/keys || fail "no _ses.$ID keyring on the host: $(cat /proc/keys)"
  # from inside: the container possesses it (possessor permissions shown)
  k run -d --no-new-keyring --bundle "$b" "$ID-2"
  ! grep -q " _ses\.$ID-2: " /proc/keys || fail "--no-new-keyring made a keyring"
  k delete --force "$ID"
  k delete --force "$ID-2"
  b=$(new_bundle c '.process.args = ["cat", "/proc/keys"] | .linux.maskedPaths -= ["/proc/keys"]')
  expect_contains "$(k run --bundle "$b" "$ID-3")" " _ses.$ID-3: "
}

# Every name runc's kill knows (x/sys/unix's list), with and without SIG,
# in any case; each reaches init's trap.
test_kill_every_signal_name() {
  local b names="HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM STKFLT CONT TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS"
  mkdir -p "$T/sig"
  b=$(new_bundle b '.process.args = ["sh", "-c", "for s in '"$names"'; do trap \"echo $s >> /sig/got\" $s; done; echo ready > /sig/ready; while :; do sleep 0.05; done"]
    | .mounts += [{"destination": "/sig", "type": "bind", "source": "'"$T/sig"'", "options": ["rbind", "rw"]}]')
  k run -d --bundle "$b" "$ID"
  for _ in $(seq 50); do [ -e "$T/sig/ready" ] && break; sleep 0.1; done
  local i=0 form
  for s in $names; do
    case $((i % 3)) in 0) form=$s ;; 1) form=SIG$s ;; 2) form=$(tr 'A-Z' 'a-z' <<<"sig$s") ;; esac
    i=$((i + 1))
    k kill "$ID" "$form" || fail "kill $form"
    for _ in $(seq 50); do grep -qx "$s" "$T/sig/got" 2>/dev/null && break; sleep 0.05; done
    grep -qx "$s" "$T/sig/got" || fail "$form did not reach the container"
  done
  # STOP and CONT by name, then KILL
  k kill "$ID" STOP
  for _ in $(seq 50); do [ "$(awk '{print $3}' /proc/"$(k state "$ID" | jq -r .pid)"/stat)" = T ] && break; sleep 0.05; done
  expect_eq "$(awk '{print $3}' /proc/"$(k state "$ID" | jq -r .pid)"/stat)" T
  k kill "$ID" SIGCONT
  k kill "$ID" kill
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  expect_eq "$(status_of "$ID")" stopped
}

test_delete_force_in_every_state() {
  local b pid
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  # created
  k create --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  k delete --force "$ID"
  assert_nothing_left "$ID" b
  [ ! -d /proc/$pid ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ] || fail "init survived"
  # running
  k run -d --bundle "$b" "$ID"
  k delete --force "$ID"
  assert_nothing_left "$ID" b
  # stopped
  b=$(new_bundle c '.process.args = ["true"]')
  k run -d --bundle "$b" "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  k delete --force "$ID"
  assert_nothing_left "$ID" c
  # does not exist
  k delete --force "$ID"
  # half made: a create killed before it wrote state.json (runc removes the
  # directory; without --force it still says "does not exist")
  mkdir -p "$T/state/$ID-half"
  if k delete "$ID-half" 2>"$T/err"; then fail "delete of a half-made container succeeded"; fi
  expect_contains "$(cat "$T/err")" "does not exist"
  [ ! -e "$T/state/$ID-half" ] || fail "half-made state dir left"
  mkdir -p "$T/state/$ID-half"
  k delete --force "$ID-half"
  [ ! -e "$T/state/$ID-half" ] || fail "half-made state dir left by --force"
}

# state takes no lock: another krill holding the container's lock (here a
# shell's flock on <root>/<id>) does not make it wait.
test_state_while_the_lock_is_held() {
  local b holder
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  flock "$T/state/$ID" -c "touch $T/locked; exec sleep 30" &
  holder=$!
  for _ in $(seq 50); do [ -e "$T/locked" ] && break; sleep 0.05; done
  # prove the lock is held: a command that takes it waits
  if timeout 1 "$KRILL" --root "$T/state" start "$ID" 2>/dev/null; then fail "start did not wait for the lock"; fi
  expect_eq "$(timeout 5 "$KRILL" --root "$T/state" state "$ID" | jq -r .status)" created
  expect_eq "$(timeout 5 "$KRILL" --root "$T/state" list -q)" "$ID"
  pkill -P "$holder" sleep
  wait "$holder" 2>/dev/null || true
}

# What containerd 2.x reads from `features`: "rro" in mountOptions (CRI's
# recursive read-only mounts), "user" in linux.namespaces and
# mountExtensions.idmap.enabled (CRI user namespaces). Each answer is true.
test_features_containerd_reads_are_true() {
  local f b
  f=$(k features)
  # rro is listed, and an rro bind makes a submount read-only
  jq -e '.mountOptions | index("rro")' <<<"$f" >/dev/null || fail "rro not listed"
  mkdir -p "$T/vol/sub"
  mount -t tmpfs tmpfs "$T/vol/sub"
  b=$(new_bundle b '.process.args = ["sh", "-c", "touch /vol/sub/x 2>/dev/null && echo writable || echo read-only"]
    | .mounts += [{"destination": "/vol", "type": "bind", "source": "'"$T/vol"'", "options": ["rbind", "rro"]}]')
  local out
  out=$(k run --bundle "$b" "$ID") || { umount "$T/vol/sub"; fail "rro run failed"; }
  umount "$T/vol/sub"
  expect_eq "$out" read-only
  # user namespaces are listed (userns.sh runs them); no idmap: listed as
  # such, and refused when asked
  jq -e '.linux.namespaces | index("user")' <<<"$f" >/dev/null || fail "user namespace not listed"
  expect_eq "$(jq -r .linux.mountExtensions.idmap.enabled <<<"$f")" false
  b=$(new_bundle d '.mounts += [{"destination": "/vol", "type": "bind", "source": "'"$T/vol"'", "options": ["rbind", "idmap"]}]')
  if k create --bundle "$b" "$ID-i" 2>"$T/err"; then fail "idmap mount accepted"; fi
  # every hook config.md names is listed, and only those
  expect_eq "$(jq -c .hooks <<<"$f")" '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
}

run_tests

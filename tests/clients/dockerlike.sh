# The scenarios of the two clients with Docker's command line: podman.sh and
# docker.sh source this after lib.sh and define
#   C ARGS...      the client, with its private state and daemon socket
#   RUN=(...)      the options of every run/create (no network, our cgroup parent, the runtime)
#   IMG            the image, as the client names it
#   EXEC_NOT_FOUND the client's exit code for an exec of a missing command
# Each container's name starts with $N; client_clean removes them all.

cid() { C inspect -f '{{.Id}}' "$1"; }
cpid() { C inspect -f '{{.State.Pid}}' "$1"; }
cstatus() { C inspect -f '{{.State.Status}}' "$1"; }
# The host path of a v1 controller's cgroup of PID (hybrid host: v1 controllers).
cgroup_of() { echo "/sys/fs/cgroup/$2$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" /proc/"$1"/cgroup | cut -d: -f3)"; }
# The runtime was asked to create this container, through the wrapper.
assert_created_by_runtime() {
  local id
  id=$(cid "$1")
  grep -qE "(^| )create .*$id\$" "$REC/calls.log" || fail "the runtime under test did not create $1 ($id)"
  [ -s "$REC/configs/$id.json" ] || fail "no config.json of $id kept by the wrapper"
}
logs_have() { C logs "$1" 2>&1 | grep -q "$2"; }
# A container's main loop: prints "started", ends on SIGTERM (IGNORE_TERM:
# pid 1 without a handler, which SIGTERM does not end).
IGNORE_TERM='echo started; while :; do sleep 1; done'
LOOP='trap "exit 0" TERM; '"$IGNORE_TERM"

t_run() {
  local out
  out=$(C run "${RUN[@]}" --name "$N" "$IMG" echo hello from busybox)
  expect_eq "$out" "hello from busybox"
  assert_created_by_runtime "$N"
  save_fixture "$REC/configs/$(cid "$N").json"
  C rm "$N" >/dev/null
}

t_exit_codes() {
  expect_rc 0 C run --rm "${RUN[@]}" "$IMG" true
  expect_rc 3 C run --rm "${RUN[@]}" "$IMG" sh -c 'exit 3'
  # the client's own codes for a command that is missing or not executable
  expect_rc 127 C run --rm "${RUN[@]}" "$IMG" /no/such/command
  expect_rc 126 C run --rm "${RUN[@]}" "$IMG" /etc/passwd
}

t_env_user_workdir() {
  local out
  out=$(C run --rm "${RUN[@]}" -e FOO=bar -u 65534:65534 -w /tmp "$IMG" \
    sh -c 'echo "$FOO $(id -u):$(id -g) $(pwd) $HOSTNAME"')
  expect_contains "$out" "bar 65534:65534 /tmp"
  out=$(C run --rm "${RUN[@]}" --hostname krillhost "$IMG" hostname)
  expect_eq "$out" krillhost
}

t_read_only() {
  local out rc=0
  out=$(C run --rm "${RUN[@]}" --read-only "$IMG" sh -c 'touch /x' 2>&1) || rc=$?
  [ $rc != 0 ] || fail "a write to a read-only root succeeded"
  expect_contains "$out" "Read-only file system"
  out=$(C run --rm "${RUN[@]}" --read-only "$IMG" grep ' / ' /proc/mounts)
  expect_contains "$out" " ro"
  # without it, the root is writable
  expect_rc 0 C run --rm "${RUN[@]}" "$IMG" touch /x
}

t_dropped_caps() {
  local out
  out=$(C run --rm "${RUN[@]}" --cap-drop ALL "$IMG" grep -E '^Cap(Eff|Bnd|Prm):' /proc/self/status)
  expect_eq "$(grep -c 0000000000000000 <<<"$out")" 3 "($out)"
  # one dropped: CAP_CHOWN (bit 0) gone from the bounding set, chown fails
  out=$(C run --rm "${RUN[@]}" --cap-drop CHOWN "$IMG" sh -c \
    'b=$(grep CapBnd /proc/self/status | cut -f2); echo bit0=$((0x$b & 1)); chown 65534 /tmp 2>&1; echo rc=$?')
  expect_contains "$out" "bit0=0"
  expect_contains "$out" "Operation not permitted"
  out=$(C run --rm "${RUN[@]}" "$IMG" sh -c 'chown 65534 /tmp; echo rc=$?')
  expect_contains "$out" "rc=0"
}

t_bind_mounts() {
  local d=$W/bind-$N out rc=0
  mkdir -p "$d"
  echo from-host >"$d/in"
  out=$(C run --rm "${RUN[@]}" -v "$d:/data" "$IMG" sh -c 'cat /data/in; echo from-container >/data/out')
  expect_eq "$out" from-host
  expect_eq "$(cat "$d/out")" from-container
  out=$(C run --rm "${RUN[@]}" -v "$d:/data:ro" "$IMG" sh -c 'cat /data/in; echo x >/data/out2' 2>&1) || rc=$?
  [ $rc != 0 ] || fail "a write to a read-only bind mount succeeded"
  expect_contains "$out" "Read-only file system"
  [ ! -e "$d/out2" ] || fail "the read-only bind mount was written"
  rm -rf "$d"
}

t_tmpfs() {
  local out
  out=$(C run --rm "${RUN[@]}" --read-only --tmpfs /scratch:rw,size=1m "$IMG" sh -c \
    'grep " /scratch " /proc/mounts; echo x >/scratch/f && echo written')
  expect_contains "$out" "tmpfs /scratch tmpfs"
  expect_contains "$out" "size=1024k"
  expect_contains "$out" written
}

t_detached_exec_logs_stop() {
  local out rc t0 t1
  C run -d "${RUN[@]}" --name "$N" "$IMG" sh -c 'trap "echo got-term; exit 0" TERM; '"$IGNORE_TERM" >/dev/null
  wait_for 10 logs_have "$N" started
  expect_eq "$(cstatus "$N")" running
  assert_created_by_runtime "$N"
  expect_contains "$(C logs "$N" 2>&1)" started
  out=$(C exec "$N" sh -c 'echo exec-out; id -u')
  expect_eq "$out" "exec-out
0"
  expect_rc 7 C exec "$N" sh -c 'exit 7'
  expect_rc "$EXEC_NOT_FOUND" C exec "$N" /no/such/command
  out=$(C exec -t "$N" sh -c 'test -t 1 && echo is-a-tty')
  expect_contains "$out" is-a-tty
  out=$(in_tty $'echo in-exec-$((6*7))\nexit\n' C exec -it "$N" sh)
  expect_contains "$out" in-exec-42
  # SIGTERM, handled: stops at once with the handler's status
  t0=$(date +%s)
  C stop -t 10 "$N" >/dev/null
  t1=$(date +%s)
  [ $((t1 - t0)) -lt 5 ] || fail "stop of a container that handles SIGTERM took $((t1 - t0)) s"
  expect_eq "$(C inspect -f '{{.State.ExitCode}}' "$N")" 0
  expect_contains "$(C logs "$N" 2>&1)" got-term
  C rm "$N" >/dev/null
  # SIGTERM ignored (pid 1 without a handler): SIGKILL after the grace time
  C run -d "${RUN[@]}" --name "$N-2" "$IMG" sh -c "$IGNORE_TERM" >/dev/null
  t0=$(date +%s)
  C stop -t "$GRACE" "$N-2" >/dev/null
  t1=$(date +%s)
  [ $((t1 - t0)) -ge "$GRACE" ] || fail "stop did not wait the grace time ($((t1 - t0)) s)"
  expect_eq "$(C inspect -f '{{.State.ExitCode}}' "$N-2")" 137
  C rm "$N-2" >/dev/null
  rc=0
  C inspect "$N-2" >/dev/null 2>&1 || rc=$?
  [ $rc != 0 ] || fail "$N-2 still there after rm"
}

t_kill_signal() {
  local rc
  C run -d "${RUN[@]}" --name "$N" "$IMG" sh -c 'trap "echo got-usr1; exit 12" USR1; '"$IGNORE_TERM" >/dev/null
  wait_for 10 logs_have "$N" started
  C kill -s USR1 "$N" >/dev/null
  rc=$(C wait "$N")
  expect_eq "$rc" 12
  expect_contains "$(C logs "$N" 2>&1)" got-usr1
  C run -d "${RUN[@]}" --name "$N-2" "$IMG" sh -c "$LOOP" >/dev/null
  C kill "$N-2" >/dev/null # SIGKILL by default
  expect_eq "$(C wait "$N-2")" 137
}

t_top() {
  local out
  C run -d "${RUN[@]}" --name "$N" "$IMG" sh -c 'sleep 1000 & '"$LOOP" >/dev/null
  out=$(C top "$N")
  expect_contains "$out" "sleep 1000"
}

t_pause_resume() {
  local pid fz before after
  C run -d "${RUN[@]}" --name "$N" "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.2; done' >/dev/null
  pid=$(cpid "$N")
  fz=$(cgroup_of "$pid" freezer)
  expect_contains "$fz" "$CG"
  C pause "$N" >/dev/null
  expect_eq "$(cstatus "$N")" paused
  expect_eq "$(cat "$fz/freezer.state")" FROZEN
  before=$(cat /proc/"$pid"/root/tmp/n)
  sleep 1
  after=$(cat /proc/"$pid"/root/tmp/n)
  expect_eq "$after" "$before" "(a paused container went on)"
  C unpause "$N" >/dev/null
  expect_eq "$(cstatus "$N")" running
  expect_eq "$(cat "$fz/freezer.state")" THAWED
  sleep 1
  [ "$(cat /proc/"$pid"/root/tmp/n)" -gt "$after" ] || fail "the container did not go on after unpause"
}

t_memory_oom() {
  local pid mem out
  out=$(C run --rm "${RUN[@]}" --memory 64m "$IMG" cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
  expect_eq "$out" $((64 << 20)) "(the limit seen inside)"
  # a child eats memory: the kernel kills it, pid 1 reports and stays
  C run -d "${RUN[@]}" --name "$N" --memory 32m --memory-swap 32m "$IMG" \
    sh -c 'tail /dev/zero; echo child-status=$?; '"$LOOP" >/dev/null
  pid=$(cpid "$N")
  mem=$(cgroup_of "$pid" memory)
  expect_contains "$mem" "$CG"
  expect_eq "$(cat "$mem/memory.limit_in_bytes")" $((32 << 20))
  wait_for 30 logs_have "$N" child-status=137 || fail "no OOM kill: $(C logs "$N" 2>&1)"
  expect_contains "$(cat "$mem/memory.oom_control")" "oom_kill 1"
}

t_pids_limit() {
  local pid out
  C run -d "${RUN[@]}" --name "$N" --pids-limit 10 "$IMG" sh -c "$LOOP" >/dev/null
  pid=$(cpid "$N")
  expect_eq "$(cat "$(cgroup_of "$pid" pids)/pids.max")" 10
  C rm -f "$N" >/dev/null
  # busybox sh gives up at the first fork refused
  out=$(C run --rm "${RUN[@]}" --pids-limit 10 "$IMG" sh -c \
    'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do sleep 5 & done 2>&1; wait; echo done' 2>&1 || true)
  expect_contains "$out" "can't fork"
}

t_tty_session() {
  local out rc=0
  out=$(in_tty $'echo in-tty-$((6*7)); test -t 0 && echo stdin-is-tty; exit 5\n' \
    C run -it --rm "${RUN[@]}" "$IMG" sh) || rc=$?
  expect_contains "$out" in-tty-42
  expect_contains "$out" stdin-is-tty
  expect_eq "$rc" 5
}

t_restart_stopped() {
  local out
  out=$(C run "${RUN[@]}" --name "$N" "$IMG" sh -c 'echo ran; exit 4' || true)
  expect_eq "$out" ran
  expect_eq "$(cstatus "$N")" exited
  out=$(C start -a "$N" || true)
  expect_eq "$out" ran
  expect_eq "$(C inspect -f '{{.State.ExitCode}}' "$N")" 4
  expect_eq "$(C logs "$N" 2>&1 | grep -c ran)" 2
  C rm "$N" >/dev/null
}

t_rm_force_running() {
  local pid rc=0
  C run -d "${RUN[@]}" --name "$N" "$IMG" sh -c "$LOOP" >/dev/null
  pid=$(cpid "$N")
  [ -d /proc/"$pid" ] || fail "no init process $pid"
  C rm -f "$N" >/dev/null
  C inspect "$N" >/dev/null 2>&1 || rc=$?
  [ $rc != 0 ] || fail "$N still there after rm -f"
  wait_for 5 sh -c "! kill -0 $pid" || fail "init $pid of $N is still running"
}

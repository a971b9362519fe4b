#!/bin/bash
# containerd (its runc v2 shim, driven with ctr) runs its containers on the
# runtime under test, selected the way a user does:
# `ctr run --runtime io.containerd.runc.v2 --runc-binary PATH`. The daemon is
# our own: private root, state and socket, no CRI, stopped at the end.
# usage: KRILL_CLIENT_TESTS=1 [CLIENT_RUNTIME=/usr/sbin/runc] bash tests/clients/containerd.sh
. "$(dirname "$0")/lib.sh"

client_needs() {
  local m=
  command -v containerd >/dev/null || m="$m containerd"
  command -v ctr >/dev/null || m="$m ctr"
  command -v containerd-shim-runc-v2 >/dev/null || m="$m containerd-shim-runc-v2"
  command -v script >/dev/null || m="$m script"
  echo "${m# }"
}

client_setup() {
  mkdir -p "$W/containerd"
  cat >"$W/containerd/config.toml" <<EOF
version = 2
root = "$W/containerd/root"
state = "$W/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$W/containerd.sock"
[ttrpc]
  address = "$W/containerd.sock.ttrpc"
[debug]
  address = "$W/containerd-debug.sock"
  level = "info"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$W/containerd/opt"
EOF
  containerd --config "$W/containerd/config.toml" >"$W/containerd.log" 2>&1 &
  echo $! >"$W/containerd.pid"
  client_cmd "exec ctr --address $W/containerd.sock --namespace krill-clients \"\$@\""
  wait_for 30 C version || { cat "$W/containerd.log"; return 1; }
  C images import "$(image_tar)"
  IMG=docker.io/library/$IMAGE_REF
  C images ls -q | grep -qxF "$IMG" || { echo "image $IMG not imported"; C images ls; return 1; }
}

client_clean() {
  local t
  for t in $(C tasks ls -q 2>/dev/null); do
    C tasks kill -s SIGKILL "$t" 2>/dev/null
    C tasks rm -f "$t"
  done
  for t in $(C containers ls -q 2>/dev/null); do C containers rm "$t"; done
  for t in $(C snapshots ls 2>/dev/null | awk 'NR > 1 { print $1 }'); do C snapshots rm "$t" 2>/dev/null; done
  return 0
}

client_teardown() {
  local pid
  pid=$(cat "$W/containerd.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null
  wait_for 20 sh -c "! kill -0 $pid" || kill -9 "$pid"
  wait "$pid" 2>/dev/null
}

# R NAME: the run options of container NAME: the runtime, its root, its cgroup.
R() { echo --runtime io.containerd.runc.v2 --runc-binary "$WRAPPER" --runc-root "$W/runc" --cgroup "$CG/$1"; }
task_pid() { C tasks ls | awk -v n="$1" '$1 == n { print $2 }'; }
task_status() { C tasks ls | awk -v n="$1" '$1 == n { print $3 }'; }
cgroup_of() { echo "/sys/fs/cgroup/$2$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" /proc/"$1"/cgroup | cut -d: -f3)"; }
logs_have() { grep -q "$2" "$W/$1.out" 2>/dev/null; }
# A detached container whose output goes to $W/NAME.out
run_d() { local n=$1; shift; C run -d $(R "$n") --log-uri "file://$W/$n.out" "$@"; }
# Deletes a stopped task and prints its exit status (ctr only warns of one not 0).
task_exit() {
  local out
  out=$(C tasks rm "$1" 2>&1) || { echo "tasks rm $1: $out" >&2; return 1; }
  if [[ $out == *"exit with non-zero exit code "* ]]; then echo "${out##*exit code }" | tr -dc 0-9; else echo 0; fi
}
assert_created_by_runtime() {
  grep -qE "(^| )create .* $1\$" "$REC/calls.log" || fail "the runtime under test did not create $1"
  [ -s "$REC/configs/$1.json" ] || fail "no config.json of $1 kept by the wrapper"
}
IGNORE_TERM='echo started; while :; do sleep 1; done'
LOOP='trap "exit 0" TERM; '"$IGNORE_TERM"

t_run() {
  local out
  out=$(C run --rm $(R "$N") "$IMG" "$N" echo hello from busybox)
  expect_eq "$out" "hello from busybox"
  assert_created_by_runtime "$N"
  save_fixture "$REC/configs/$N.json"
}

t_exit_codes() {
  local out rc=0
  expect_rc 0 C run --rm $(R "$N") "$IMG" "$N" true
  expect_rc 3 C run --rm $(R "$N-2") "$IMG" "$N-2" sh -c 'exit 3'
  out=$(C run --rm $(R "$N-3") "$IMG" "$N-3" /no/such/command 2>&1) || rc=$?
  [ $rc != 0 ] || fail "a missing command ran"
  expect_contains "$out" "/no/such/command"
}

t_env_user_workdir() {
  local out
  # ctr 1.6 run has no --user: the user is checked with exec in detached_exec_logs_stop
  out=$(C run --rm $(R "$N") --env FOO=bar --cwd /tmp "$IMG" "$N" sh -c 'echo "$FOO $(pwd) $(id -u)"')
  expect_eq "$out" "bar /tmp 0"
}

t_read_only() {
  local out rc=0
  out=$(C run --rm $(R "$N") --read-only "$IMG" "$N" sh -c 'touch /x' 2>&1) || rc=$?
  [ $rc != 0 ] || fail "a write to a read-only root succeeded"
  expect_contains "$out" "Read-only file system"
  expect_rc 0 C run --rm $(R "$N-2") "$IMG" "$N-2" touch /x
}

t_dropped_caps() {
  local out
  out=$(C run --rm $(R "$N") --cap-drop CAP_CHOWN "$IMG" "$N" sh -c \
    'b=$(grep CapBnd /proc/self/status | cut -f2); echo bit0=$((0x$b & 1)); chown 65534 /tmp 2>&1; echo rc=$?')
  expect_contains "$out" "bit0=0"
  expect_contains "$out" "Operation not permitted"
  out=$(C run --rm $(R "$N-2") "$IMG" "$N-2" sh -c 'chown 65534 /tmp; echo rc=$?')
  expect_contains "$out" "rc=0"
}

t_bind_mounts() {
  local d=$W/bind-$N out rc=0
  mkdir -p "$d"
  echo from-host >"$d/in"
  out=$(C run --rm $(R "$N") --mount "type=bind,src=$d,dst=/data,options=rbind:rw" "$IMG" "$N" \
    sh -c 'cat /data/in; echo from-container >/data/out')
  expect_eq "$out" from-host
  expect_eq "$(cat "$d/out")" from-container
  out=$(C run --rm $(R "$N-2") --mount "type=bind,src=$d,dst=/data,options=rbind:ro" "$IMG" "$N-2" \
    sh -c 'cat /data/in; echo x >/data/out2' 2>&1) || rc=$?
  [ $rc != 0 ] || fail "a write to a read-only bind mount succeeded"
  expect_contains "$out" "Read-only file system"
  rm -rf "$d"
}

t_tmpfs() {
  local out
  out=$(C run --rm $(R "$N") --read-only --mount "type=tmpfs,src=tmpfs,dst=/scratch,options=nosuid:size=1m" \
    "$IMG" "$N" sh -c 'grep " /scratch " /proc/mounts; echo x >/scratch/f && echo written')
  expect_contains "$out" "tmpfs /scratch tmpfs"
  expect_contains "$out" "size=1024k"
  expect_contains "$out" written
}

t_detached_exec_logs_stop() {
  local out t0 t1 rc=0
  run_d "$N" "$IMG" "$N" sh -c 'trap "echo got-term; exit 0" TERM; '"$IGNORE_TERM"
  wait_for 10 logs_have "$N" started || fail "no output of $N"
  expect_eq "$(task_status "$N")" RUNNING
  assert_created_by_runtime "$N"
  out=$(C tasks exec --exec-id e1 "$N" sh -c 'echo exec-out; id -u')
  expect_eq "$out" "exec-out
0"
  expect_eq "$(C tasks exec --exec-id e2 --user 65534 "$N" id -u)" 65534
  expect_rc 7 C tasks exec --exec-id e3 "$N" sh -c 'exit 7'
  out=$(C tasks exec --exec-id e4 "$N" /no/such/command 2>&1) || rc=$?
  [ $rc != 0 ] || fail "exec of a missing command succeeded"
  out=$(in_tty $'echo in-exec-$((6*7)); test -t 0 && echo is-a-tty; exit\n' C tasks exec -t --exec-id e5 "$N" sh)
  expect_contains "$out" in-exec-42
  expect_contains "$out" is-a-tty
  # ctr has no stop: what a user does by hand, SIGTERM, then SIGKILL after a grace time
  C tasks kill -s SIGTERM "$N"
  wait_for "$GRACE" sh -c "[ \"\$(C tasks ls | awk '\$1 == \"$N\" { print \$3 }')\" = STOPPED ]" ||
    fail "a container that handles SIGTERM did not stop"
  logs_have "$N" got-term || fail "no got-term in the output"
  expect_eq "$(task_exit "$N")" 0
  C containers rm "$N"
  run_d "$N-2" "$IMG" "$N-2" sh -c "$IGNORE_TERM"
  wait_for 10 logs_have "$N-2" started
  C tasks kill -s SIGTERM "$N-2"
  sleep "$GRACE"
  expect_eq "$(task_status "$N-2")" RUNNING "(pid 1 without a handler ignores SIGTERM)"
  C tasks kill -s SIGKILL "$N-2"
  wait_for 10 sh -c "[ \"\$(C tasks ls | awk '\$1 == \"$N-2\" { print \$3 }')\" = STOPPED ]"
  expect_eq "$(task_exit "$N-2")" 137
  C containers rm "$N-2"
}

t_kill_signal() {
  run_d "$N" "$IMG" "$N" sh -c 'trap "echo got-usr1; exit 12" USR1; '"$IGNORE_TERM"
  wait_for 10 logs_have "$N" started
  C tasks kill -s SIGUSR1 "$N"
  wait_for 10 logs_have "$N" got-usr1 || fail "no got-usr1"
  wait_for 10 sh -c "[ \"\$(C tasks ls | awk '\$1 == \"$N\" { print \$3 }')\" = STOPPED ]"
  expect_eq "$(task_exit "$N")" 12
}

t_top() {
  local out pid
  run_d "$N" "$IMG" "$N" sh -c 'sleep 1000 & '"$LOOP"
  wait_for 10 logs_have "$N" started
  pid=$(task_pid "$N")
  out=$(C tasks ps "$N")
  expect_contains "$out" "$pid"
  [ "$(grep -cE '^[0-9]+' <<<"$out")" -ge 2 ] || fail "ps shows fewer than 2 processes: $out"
}

t_pause_resume() {
  local pid fz before after
  run_d "$N" "$IMG" "$N" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.2; done'
  pid=$(task_pid "$N")
  fz=$(cgroup_of "$pid" freezer)
  expect_contains "$fz" "$CG/$N"
  C tasks pause "$N"
  expect_eq "$(task_status "$N")" PAUSED
  expect_eq "$(cat "$fz/freezer.state")" FROZEN
  before=$(cat /proc/"$pid"/root/tmp/n)
  sleep 1
  expect_eq "$(cat /proc/"$pid"/root/tmp/n)" "$before" "(a paused container went on)"
  C tasks resume "$N"
  expect_eq "$(task_status "$N")" RUNNING
  expect_eq "$(cat "$fz/freezer.state")" THAWED
  sleep 1
  [ "$(cat /proc/"$pid"/root/tmp/n)" -gt "$before" ] || fail "the container did not go on after resume"
}

t_memory_oom() {
  local pid mem
  # ctr's spec mounts no cgroupfs: inside, the effect is the OOM kill
  run_d "$N-2" --memory-limit $((32 << 20)) "$IMG" "$N-2" sh -c 'tail /dev/zero; echo child-status=$?; '"$LOOP"
  pid=$(task_pid "$N-2")
  mem=$(cgroup_of "$pid" memory)
  expect_contains "$mem" "$CG/$N-2"
  expect_eq "$(cat "$mem/memory.limit_in_bytes")" $((32 << 20))
  wait_for 30 logs_have "$N-2" child-status=137 || fail "no OOM kill: $(cat "$W/$N-2.out")"
  expect_contains "$(cat "$mem/memory.oom_control")" "oom_kill 1"
}

t_pids_limit() {
  skip "ctr run has no option for a pids limit"
}

t_tty_session() {
  local out rc=0
  out=$(in_tty $'echo in-tty-$((6*7)); test -t 0 && echo stdin-is-tty; exit 5\n' \
    C run -t --rm $(R "$N") "$IMG" "$N" sh) || rc=$?
  expect_contains "$out" in-tty-42
  expect_contains "$out" stdin-is-tty
  expect_eq "$rc" 5
}

t_restart_stopped() {
  local out
  out=$(C run $(R "$N") "$IMG" "$N" sh -c 'echo ran; exit 4' || true)
  expect_eq "$out" ran
  C tasks rm "$N" >/dev/null 2>&1 || true
  # the container stays: a new task of it
  out=$(C tasks start "$N" || true)
  expect_eq "$out" ran
  expect_eq "$(grep -c " create .* $N\$" "$REC/calls.log")" 2
  C tasks rm "$N" >/dev/null 2>&1 || true
  C containers rm "$N"
}

t_rm_force_running() {
  local pid
  run_d "$N" "$IMG" "$N" sh -c "$LOOP"
  pid=$(task_pid "$N")
  [ -d /proc/"$pid" ] || fail "no init process $pid"
  C tasks rm -f "$N"
  C containers rm "$N"
  wait_for 5 sh -c "! kill -0 $pid" || fail "init $pid of $N is still running"
  [ -z "$(C containers ls -q | grep -xF "$N")" ] || fail "$N still there"
}

run_scenarios

#!/bin/bash
# The six hooks of config.md: order, namespaces, the state on stdin, args,
# env, timeout, fds, and what a failure does at each step.
. "$(dirname "$0")/lib.sh"

# $T/hooks/hook.sh NAME DIR: records what a hook sees in DIR/NAME.*; the
# startContainer one runs inside (busybox sh), the others on the host.
write_hook() {
  mkdir -p "$T/hooks"
  cat >"$T/hooks/hook.sh" <<'EOF'
#!/bin/sh
name=$1 dir=$2
cat >"$dir/$name.stdin"
echo "$name" >>"$dir/order"
readlink /proc/self/ns/mnt >"$dir/$name.mnt"
readlink /proc/self/ns/pid >"$dir/$name.pidns"
readlink /proc/self/ns/net >"$dir/$name.net"
tr '\0' ' ' </proc/$$/cmdline >"$dir/$name.cmdline"
env >"$dir/$name.env"
pwd >"$dir/$name.cwd"
id -u >"$dir/$name.uid"
EOF
  chmod 755 "$T/hooks/hook.sh"
}

# A hook entry for jq: host hooks run /bin/sh (dash) with a custom argv[0].
host_hook() { # NAME [EXTRA-JQ]
  echo "{\"path\": \"/bin/sh\", \"args\": [\"krill-hook-$1\", \"$T/hooks/hook.sh\", \"$1\", \"$T/hooks\"], \"env\": [\"HOOK_ENV=$1\", \"PATH=/usr/bin:/bin\"]${2:-}}"
}

all_hooks_bundle() {
  write_hook
  new_bundle b "
    .process.args = [\"sleep\", \"1000\"]
    | .annotations = {\"org.example.hooks\": \"yes\"}
    | .mounts += [{\"destination\": \"/hooks\", \"type\": \"bind\", \"source\": \"$T/hooks\", \"options\": [\"rbind\", \"rw\"]}]
    | .hooks = {
        \"prestart\": [$(host_hook prestart)],
        \"createRuntime\": [$(host_hook createRuntime)],
        \"createContainer\": [$(host_hook createContainer)],
        \"startContainer\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"/hooks/hook.sh\", \"startContainer\", \"/hooks\"]}],
        \"poststart\": [$(host_hook poststart)],
        \"poststop\": [$(host_hook poststop)]
      }"
}

test_all_six_in_order_namespaces_and_state() {
  local b h=$T/hooks pid host_mnt host_pid host_net c_mnt c_pid c_net
  b=$(all_hooks_bundle)
  host_mnt=$(readlink /proc/self/ns/mnt) host_pid=$(readlink /proc/self/ns/pid) host_net=$(readlink /proc/self/ns/net)
  # from elsewhere: every hook's cwd is the bundle, not krill's caller's
  cd /
  KRILL_TEST_MARK=from-krill k create --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  c_mnt=$(readlink /proc/$pid/ns/mnt) c_pid=$(readlink /proc/$pid/ns/pid) c_net=$(readlink /proc/$pid/ns/net)
  [ "$c_mnt" != "$host_mnt" ] && [ "$c_pid" != "$host_pid" ] || fail "container has no namespaces of its own"
  expect_eq "$(tr '\n' ' ' <"$h/order")" "prestart createRuntime createContainer "
  KRILL_TEST_MARK=from-krill k start "$ID"
  expect_eq "$(tr '\n' ' ' <"$h/order")" "prestart createRuntime createContainer startContainer poststart "
  k kill "$ID" KILL
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  # the bundle may be gone by delete: poststop runs from the state dir's copy
  mv "$b/config.json" "$b/config.json.moved"
  k delete "$ID"
  expect_eq "$(tr '\n' ' ' <"$h/order")" "prestart createRuntime createContainer startContainer poststart poststop "
  # namespaces: runtime ones see the host's, container ones the container's
  for n in prestart createRuntime poststart poststop; do
    expect_eq "$(cat "$h/$n.mnt")" "$host_mnt" "($n mnt)"
    expect_eq "$(cat "$h/$n.pidns")" "$host_pid" "($n pid)"
    expect_eq "$(cat "$h/$n.net")" "$host_net" "($n net)"
  done
  for n in createContainer startContainer; do
    expect_eq "$(cat "$h/$n.mnt")" "$c_mnt" "($n mnt)"
    expect_eq "$(cat "$h/$n.pidns")" "$c_pid" "($n pid)"
    expect_eq "$(cat "$h/$n.net")" "$c_net" "($n net)"
  done
  # the state on stdin: status and pid as each namespace sees them
  st() { jq -r "[.ociVersion, .id, .status, (.pid // \"none\"), .bundle, .annotations[\"org.example.hooks\"]] | join(\" \")" "$h/$1.stdin"; }
  # create's hooks run after lifecycle step 2: "created" (runtime.md; runc says "creating")
  expect_eq "$(st prestart)" "1.3.0 $ID created $pid $b yes"
  expect_eq "$(st createRuntime)" "1.3.0 $ID created $pid $b yes"
  expect_eq "$(st createContainer)" "1.3.0 $ID created 1 $b yes"
  expect_eq "$(st startContainer)" "1.3.0 $ID created 1 $b yes"
  expect_eq "$(st poststart)" "1.3.0 $ID running $pid $b yes"
  expect_eq "$(st poststop)" "1.3.0 $ID stopped none $b yes"
  # args[0] is argv[0]; env is the hook's own, nothing of krill's
  expect_eq "$(cat "$h/createRuntime.cmdline")" "krill-hook-createRuntime $h/hook.sh createRuntime $h "
  for n in prestart createRuntime createContainer poststart poststop; do
    grep -qx "HOOK_ENV=$n" "$h/$n.env" || fail "$n env: $(cat "$h/$n.env")"
    ! grep -q KRILL_TEST_MARK "$h/$n.env" || fail "$n got krill's environment"
  done
  # startContainer without env gets the process's (runc), not krill's
  grep -qx "TERM=xterm" "$h/startContainer.env" || fail "startContainer env: $(cat "$h/startContainer.env")"
  ! grep -q KRILL_TEST_MARK "$h/startContainer.env" || fail "startContainer got krill's environment"
  # cwd: the bundle for every hook in the runtime namespaces, whoever calls
  # krill; the rootfs for createContainer (runc's: hooks name files relative
  # to it); startContainer runs after pivot_root, in process.cwd
  for n in prestart createRuntime poststart poststop; do
    expect_eq "$(cat "$h/$n.cwd")" "$b" "($n cwd)"
  done
  expect_eq "$(cat "$h/createContainer.cwd")" "$(cd "$ROOTFS_CACHE" && pwd -P)"
  expect_eq "$(cat "$h/startContainer.cwd")" "/"
  assert_nothing_left "$ID" b
}

# Docker's libnetwork-setkey: a prestart hook finds the container's network
# namespace through the pid on its stdin, and it is the container's already.
test_prestart_finds_the_netns_by_pid() {
  local b pid
  mkdir -p "$T/hooks"
  b=$(new_bundle b '.process.args = ["sleep", "1000"]
    | .hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "pid=$(jq -r .pid); readlink /proc/$pid/ns/net > '"$T"'/hooks/net; readlink /proc/$pid/root > '"$T"'/hooks/root"], "env": ["PATH=/usr/bin:/bin"]}]')
  k create --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(cat "$T/hooks/net")" "$(readlink /proc/$pid/ns/net)"
  [ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] || fail "no network namespace"
  # before pivot_root: init's root is still the host's (the host's, as a
  # chrooted caller cannot name it in another mount namespace)
  in_chroot || expect_eq "$(cat "$T/hooks/root")" /
}

# Why the runtime hooks wait for init's mounts instead of running right
# after clone3: namespaces joined by path (a pod's netns) are entered after
# GO, and a hook must see those, as with runc.
test_prestart_sees_a_joined_netns() {
  local a b apid
  mkdir -p "$T/hooks"
  a=$(new_bundle a '.process.args = ["sleep", "1000"]')
  k create --bundle "$a" "$ID-a"
  apid=$(k state "$ID-a" | jq -r .pid)
  b=$(new_bundle b '.process.args = ["sleep", "1000"]
    | .linux.namespaces |= map(if .type == "network" then .path = "/proc/'"$apid"'/ns/net" else . end)
    | .hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "pid=$(jq -r .pid); readlink /proc/$pid/ns/net > '"$T"'/hooks/net"], "env": ["PATH=/usr/bin:/bin"]}]')
  k create --bundle "$b" "$ID"
  expect_eq "$(cat "$T/hooks/net")" "$(readlink /proc/$apid/ns/net)"
}

test_start_container_runs_as_the_process_user() {
  local b
  write_hook
  b=$(new_bundle b "
    .process.args = [\"true\"] | .process.user = {\"uid\": 1000, \"gid\": 1000}
    | .mounts += [{\"destination\": \"/hooks\", \"type\": \"bind\", \"source\": \"$T/hooks\", \"options\": [\"rbind\", \"rw\"]}]
    | .hooks.startContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"id -u > /hooks/uid; grep CapEff /proc/self/status > /hooks/caps\"]}]")
  chmod 777 "$T/hooks"
  k run --bundle "$b" "$ID"
  expect_eq "$(cat "$T/hooks/uid")" 1000
  expect_eq "$(awk '{print $2}' "$T/hooks/caps")" 0000000000000000
}

test_hook_inherits_no_fd() {
  local b
  mkdir -p "$T/hooks"
  b=$(new_bundle b "
    .process.args = [\"true\"]
    | .hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"ls /proc/self/fd > $T/hooks/rt; ls -l /proc/self/fd/ > $T/hooks/rt-long\"]}]
    | .hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"ls /proc/self/fd > $T/hooks/cc\"]}]
    | .hooks.poststart = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"ls /proc/self/fd > $T/hooks/ps\"]}]")
  # an fd krill was handed must not reach a hook either
  k run --bundle "$b" "$ID" 7>"$T/extra-fd"
  for f in rt cc ps; do
    # 0, 1, 2 and the directory ls reads
    expect_eq "$(tr '\n' ' ' <"$T/hooks/$f")" "0 1 2 3 " "($f: $(cat "$T/hooks/rt-long"))"
  done
}

test_failing_create_runtime_leaves_nothing() {
  local b out
  b=$(new_bundle b '.process.args = ["sleep", "1000"]
    | .hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo to-stdout; echo the-hook-said-no >&2; exit 3"]}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded"; fi
  expect_contains "$out" "error running createRuntime hook #0"
  expect_contains "$out" "exit status 3"
  expect_contains "$out" "the-hook-said-no"
  expect_contains "$out" "to-stdout"
  assert_nothing_left "$ID" b
}

test_failing_prestart_and_create_container_leave_nothing() {
  local b out
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .hooks.prestart = [{"path": "/bin/false"}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded"; fi
  expect_contains "$out" "error running prestart hook #0: exit status 1"
  assert_nothing_left "$ID" b
  b=$(new_bundle c '.process.args = ["sleep", "1000"] | .hooks.createContainer = [{"path": "/bin/true"}, {"path": "/bin/sh", "args": ["sh", "-c", "echo cc-failed >&2; kill -9 $$"]}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded"; fi
  expect_contains "$out" "error running createContainer hook #1: signal: Killed"
  expect_contains "$out" "cc-failed"
  assert_nothing_left "$ID" c
}

# runtime.md, lifecycle steps 3-5: a failing prestart, createRuntime or
# createContainer hook stops the container and continues at step 12: the
# container is destroyed, then the poststop hooks run (13); create still
# fails with the hook's error (runc does the same).
test_failing_create_hook_runs_poststop() {
  local b out kind h=$T/hooks
  write_hook
  for kind in prestart createRuntime createContainer; do
    rm -f "$h"/order "$h"/poststop.*
    b=$(new_bundle "b-$kind" '.process.args = ["sleep", "1000"]
      | .hooks.'"$kind"' = [{"path": "/bin/sh", "args": ["sh", "-c", "echo '"$kind"'-said-no >&2; exit 3"]}]
      | .hooks.poststop = ['"$(host_hook poststop)"', {"path": "/bin/sh", "args": ["sh", "-c", "echo second >>'"$h"'/order"]}]')
    cd /
    if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded ($kind)"; fi
    expect_contains "$out" "error running $kind hook #0: exit status 3"
    expect_contains "$out" "$kind-said-no"
    expect_eq "$(tr '\n' ' ' <"$h/order" 2>/dev/null)" "poststop second " "($kind: poststop hooks)"
    expect_eq "$(jq -r '[.id, .status, .bundle] | join(" ")' "$h/poststop.stdin")" "$ID stopped $b"
    expect_eq "$(cat "$h/poststop.cwd")" "$b" "($kind: poststop cwd)"
    # the container was destroyed before poststop ran (step 12, then 13)
    assert_nothing_left "$ID" "b-$kind"
  done
  # a failing poststop hook there is a warning; create reports the first error
  b=$(new_bundle c '.process.args = ["true"] | .hooks.prestart = [{"path": "/bin/false"}]
    | .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "echo ps-broke >&2; exit 2"]}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded"; fi
  expect_contains "$out" "error running prestart hook #0: exit status 1"
  expect_contains "$out" "error running poststop hook #0: exit status 2"
  assert_nothing_left "$ID" c
}

# poststop at delete when the bundle is gone: it still runs, from /.
test_poststop_runs_when_the_bundle_is_gone() {
  local b
  mkdir -p "$T/hooks"
  b=$(new_bundle b '.process.args = ["true"] | .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "pwd >'"$T"'/hooks/cwd"]}]')
  k create --bundle "$b" "$ID"
  rm -rf "$b"
  k delete "$ID"
  expect_eq "$(cat "$T/hooks/cwd" 2>/dev/null)" "/"
  assert_nothing_left "$ID" b
}

test_missing_hook_binary() {
  local b out
  b=$(new_bundle b '.process.args = ["true"] | .hooks.createRuntime = [{"path": "/nonexistent/hook"}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded"; fi
  expect_contains "$out" "error running createRuntime hook #0: exec /nonexistent/hook: No such file or directory"
  assert_nothing_left "$ID" b
}

test_timeout_kills_the_hook_and_fails_create() {
  local b out start marker="299.$RANDOM"
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "'"$marker"'"], "timeout": 1}]')
  start=$(date +%s)
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "create succeeded"; fi
  [ $(($(date +%s) - start)) -lt 5 ] || fail "create took $(($(date +%s) - start))s with a 1s timeout"
  expect_contains "$out" "error running createRuntime hook #0: hook ran past specified timeout of 1.0s"
  ! pgrep -f "sleep $marker" >/dev/null || fail "the hook survived its timeout"
  assert_nothing_left "$ID" b
}

test_failing_start_container_fails_start() {
  local b out
  b=$(new_bundle b '.process.args = ["sleep", "1000"]
    | .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo inside-no >&2; exit 4"]}]')
  k create --bundle "$b" "$ID"
  if out=$(k start "$ID" 2>&1); then fail "start succeeded"; fi
  expect_contains "$out" "error running startContainer hook #0: exit status 4"
  expect_contains "$out" "inside-no"
  expect_eq "$(status_of "$ID")" stopped
  k delete "$ID"
  assert_nothing_left "$ID" b
}

# runtime.md, lifecycle step 9 (1.3.0): a failing poststart hook is an error
# and the container is stopped (runc does the same).
test_failing_poststart_stops_the_container() {
  local b out
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .hooks.poststart = [{"path": "/bin/false"}]')
  k create --bundle "$b" "$ID"
  if out=$(k start "$ID" 2>&1); then fail "start succeeded"; fi
  expect_contains "$out" "error running poststart hook #0: exit status 1"
  expect_eq "$(status_of "$ID")" stopped
  k delete "$ID"
  assert_nothing_left "$ID" b
  # run: the same error, and run cleans up
  if out=$(k run --bundle "$b" "$ID" 2>&1); then fail "run succeeded"; fi
  expect_contains "$out" "error running poststart hook #0"
  assert_nothing_left "$ID" b
}

# runtime.md, lifecycle steps 8-9: poststart runs once the user's program
# runs. Init's execveat of the exec stub is held back 1 s (strace): `start`
# must wait for it, and the hook must find the program at the pid, or the
# stub whose only work is the program's execve (under strace that takes a
# moment), never krill's init.
test_poststart_after_the_programs_execve() {
  local b pid spid
  command -v strace >/dev/null || skip "needs strace"
  mkdir -p "$T/hooks"
  printf '#!/bin/sh\ncat "/proc/$(jq -r .pid)/comm" >"$1"\n' >"$T/hooks/comm.sh"
  b=$(new_bundle b '.process.args = ["sleep", "1000"]
    | .hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "'"$T/hooks/comm.sh"'", "'"$T/hooks/comm"'"]}]')
  k create --bundle "$b" "$ID"
  pid=$(k state "$ID" | jq -r .pid)
  strace -qq -p "$pid" -e trace=execveat -e inject=execveat:delay_enter=1000000 -o /dev/null 2>"$T/strace.err" &
  spid=$!
  # attached once init's status shows a tracer
  for _ in $(seq 100); do [ "$(awk '/^TracerPid/ {print $2}' "/proc/$pid/status")" != 0 ] && break; sleep 0.05; done
  k start "$ID"
  case $(cat "$T/hooks/comm" 2>/dev/null) in
    sleep | memfd:krill-exe*) ;;
    *) fail "poststart saw '$(cat "$T/hooks/comm" 2>/dev/null)' at the pid, before the execve" ;;
  esac
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  k delete --force "$ID"
}

# runtime.md, lifecycle step 13: a failing poststop hook is a warning; the
# delete stands, and the remaining hooks still run.
test_failing_poststop_is_a_warning() {
  local b
  mkdir -p "$T/hooks"
  b=$(new_bundle b '.process.args = ["true"] | .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "echo poststop-broke >&2; exit 2"]}, {"path": "/bin/sh", "args": ["sh", "-c", "touch '"$T"'/hooks/second"]}]')
  k create --bundle "$b" "$ID"
  k --log "$T/log" --log-format json delete "$ID"
  jq -e 'select(.level == "warning") | .msg | test("poststop hook #0: exit status 2.*poststop-broke")' "$T/log" >/dev/null ||
    fail "no warning logged: $(cat "$T/log")"
  [ -e "$T/hooks/second" ] || fail "the second poststop hook did not run"
  assert_nothing_left "$ID" b
  # without --log the warning goes to stderr, as runc's logger does
  rm -f "$T/hooks/second"
  k create --bundle "$b" "$ID"
  k delete "$ID" 2>"$T/err"
  grep -q 'level=warning msg="error running poststop hook #0: exit status 2' "$T/err" || fail "stderr: $(cat "$T/err")"
  assert_nothing_left "$ID" b
  # run deletes too: exit status of the container, not of the hook
  b=$(new_bundle c '.process.args = ["sh", "-c", "exit 5"] | .hooks.poststop = [{"path": "/bin/false"}]')
  local rc=0
  k run --bundle "$b" "$ID" || rc=$?
  expect_eq "$rc" 5
  assert_nothing_left "$ID" c
}

test_hook_args_default_to_path_and_env_to_callers() {
  local b
  mkdir -p "$T/hooks"
  cat >"$T/hooks/noargs" <<EOF
#!/bin/sh
echo "\$0 \$#" > $T/hooks/noargs.out
env > $T/hooks/noargs.env
EOF
  chmod 755 "$T/hooks/noargs"
  b=$(new_bundle b '.process.args = ["true"] | .hooks.poststart = [{"path": "'"$T"'/hooks/noargs"}]')
  KRILL_TEST_MARK=inherited k run --bundle "$b" "$ID"
  expect_eq "$(cat "$T/hooks/noargs.out")" "$T/hooks/noargs 0"
  # without "env" the hook gets the runtime's environment, as runc's
  grep -qx KRILL_TEST_MARK=inherited "$T/hooks/noargs.env" || fail "env: $(cat "$T/hooks/noargs.env")"
}

test_bad_hook_config_refused() {
  local b out
  b=$(new_bundle b '.hooks.poststop = [{"path": "relative/hook"}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "relative path accepted"; fi
  expect_contains "$out" 'hooks.poststop[0].path: must be an absolute path, got "relative/hook"'
  assert_nothing_left "$ID" b
  b=$(new_bundle c '.hooks.prestart = [{"path": "/bin/true", "timeout": 0}]')
  if out=$(k create --bundle "$b" "$ID" 2>&1); then fail "timeout 0 accepted"; fi
  expect_contains "$out" 'hooks.prestart[0].timeout'
  assert_nothing_left "$ID" c
}

test_features_lists_the_hooks() {
  expect_eq "$(k features | jq -c .hooks)" '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
}

test_config_copy_in_state_dir() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  cmp "$b/config.json" "$T/state/$ID/config.json" || fail "state dir config.json differs from the bundle's"
}

run_tests

#!/bin/bash
# Runtime hooks (prestart, createRuntime, poststart) run as host root in the
# host's namespaces. When the container joins another container's pid
# namespace by path, none of them may be born in it: a process there sees the
# hook in its /proc and, with CAP_SYS_PTRACE, reaches the host through
# /proc/PID/root (or just kills or stops it).
. "$(dirname "$0")/lib.sh"

# $T/hooks/hook.sh NAME A-PID: records the hook's pid namespace, its NSpid
# line, and every command line A's own /proc shows while it runs.
write_hook() {
  mkdir -p "$T/hooks"
  cat >"$T/hooks/hook.sh" <<'HOOK'
#!/bin/sh
name=$1 apid=$2 dir=$(dirname "$0")
readlink /proc/self/ns/pid >"$dir/$name.pidns"
grep '^NSpid:' /proc/self/status >"$dir/$name.nspid"
for f in /proc/$apid/root/proc/[0-9]*/cmdline; do
  tr '\0' ' ' <"$f" 2>/dev/null; echo
done >"$dir/$name.seen-by-a"
sleep 0.3
HOOK
  chmod 755 "$T/hooks/hook.sh"
}

hook() { # NAME A-PID
  echo "{\"path\": \"/bin/sh\", \"args\": [\"krill-sec-hook-$1\", \"$T/hooks/hook.sh\", \"$1\", \"$2\"]}"
}

# Container A (a sleeper) and B's bundle joining A's pid namespace by path.
setup_a_and_b() {
  local a
  write_hook
  a=$(new_bundle a '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$a" "$ID-a" >/dev/null
  APID=$(k state "$ID-a" | jq -r .pid)
  new_bundle b "
    .process.args = [\"sleep\", \"1000\"]
    | .linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$APID/ns/pid\" else . end)
    | .hooks = {\"prestart\": [$(hook prestart "$APID")],
                \"createRuntime\": [$(hook createRuntime "$APID")],
                \"poststart\": [$(hook poststart "$APID")]}"
}

# Each hook ran in the host's pid namespace, and A never listed it.
check_hooks() {
  local host_pid a_pidns n
  host_pid=$(readlink /proc/self/ns/pid)
  a_pidns=$(readlink /proc/$APID/ns/pid)
  for n in "$@"; do
    [ -s "$T/hooks/$n.pidns" ] || fail "$n did not run"
    expect_eq "$(cat "$T/hooks/$n.pidns")" "$host_pid" "($n pid namespace; A's is $a_pidns)"
    # one pid only: not nested in any other pid namespace
    [ "$(wc -w <"$T/hooks/$n.nspid")" = 2 ] || fail "$n has pids in a child namespace: $(cat "$T/hooks/$n.nspid")"
    [ -s "$T/hooks/$n.seen-by-a" ] || fail "A's /proc was not read by $n"
    if grep -q krill-sec-hook "$T/hooks/$n.seen-by-a"; then
      fail "A saw a hook in its /proc: $(grep krill-sec-hook "$T/hooks/$n.seen-by-a")"
    fi
  done
}

test_create_hooks_not_in_joined_pidns() {
  local b bpid
  b=$(setup_a_and_b)
  APID=$(k state "$ID-a" | jq -r .pid)
  timeout 30 "$KRILL" --root "$T/state" create --bundle "$b" "$ID-b"
  bpid=$(k state "$ID-b" | jq -r .pid)
  # B did join A's pid namespace (the point of the test)
  expect_eq "$(readlink /proc/$bpid/ns/pid)" "$(readlink /proc/$APID/ns/pid)" "(B's pid namespace)"
  check_hooks prestart createRuntime
  k start "$ID-b"
  check_hooks poststart
}

test_run_poststart_not_in_joined_pidns() {
  local b
  b=$(setup_a_and_b)
  APID=$(k state "$ID-a" | jq -r .pid)
  timeout 30 "$KRILL" --root "$T/state" run -d --bundle "$b" "$ID-b" >/dev/null
  check_hooks prestart createRuntime poststart
}

# The path may name krill's own pid namespace (runc allows it): the setns
# back after clone3 must work for it too.
test_joining_own_pidns_by_path() {
  local b pid
  write_hook
  b=$(new_bundle b "
    .process.args = [\"sleep\", \"1000\"]
    | .linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$$/ns/pid\" else . end)
    | .hooks = {\"prestart\": [$(hook prestart 1)], \"poststart\": [$(hook poststart 1)]}")
  timeout 30 "$KRILL" --root "$T/state" run -d --bundle "$b" "$ID" >/dev/null
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(readlink /proc/$pid/ns/pid)" "$(readlink /proc/self/ns/pid)" "(container's pid namespace)"
  for n in prestart poststart; do
    expect_eq "$(cat "$T/hooks/$n.pidns")" "$(readlink /proc/self/ns/pid)" "($n pid namespace)"
  done
}

run_tests

#!/bin/bash
# A program that cannot be executed once `start` released the container
# (not a program, a missing #! interpreter, another architecture, no
# loader): the container ends as runc 1.2+'s does, with status 255 and
# "exec PATH: TEXT" (Go's errno words) on the container's stderr; runc's
# lookup of the executable comes before `start`, and so does krill's. exec
# reports it through krill's caller, with runc's exec status 255.
. "$(dirname "$0")/lib.sh"

# A rootfs copy with the four kinds of unexecutable programs.
bad_rootfs() {
  local r=$T/rootfs
  cp -a "$ROOTFS_CACHE" "$r"
  printf 'not a program\n' >"$r/notprog"
  printf '#!/nonexistent/interp\necho ran\n' >"$r/nointerp"
  cp "$ROOTFS_CACHE/bin/busybox" "$r/otherarch"
  # e_machine (offset 18) EM_AARCH64: an ELF of another architecture
  printf '\267\000' | dd of="$r/otherarch" bs=1 seek=18 conv=notrunc status=none
  # a dynamic host binary: its loader is not in this rootfs
  cp /bin/true "$r/noloader"
  chmod 755 "$r/notprog" "$r/nointerp" "$r/otherarch" "$r/noloader"
  file "$r/noloader" | grep -q 'interpreter' || skip "/bin/true is not dynamically linked here"
  [ "$(uname -m)" != aarch64 ] || skip "the host is aarch64: the other-architecture binary is this one's"
}

want_text() {
  case $1 in
    notprog | otherarch) echo "exec /$1: exec format error" ;;
    nointerp | noloader) echo "exec /$1: no such file or directory" ;;
  esac
}

test_run_ends_with_255_and_runcs_message() {
  local b p rc
  bad_rootfs
  for p in notprog nointerp otherarch noloader; do
    b=$(new_bundle "b-$p" ".root.path = \"$T/rootfs\" | .process.args = [\"/$p\"]")
    rc=0
    k run --bundle "$b" "$ID-$p" </dev/null >"$T/out" 2>"$T/err" || rc=$?
    expect_eq "$rc" 255 "($p)"
    expect_eq "$(cat "$T/err")" "$(want_text "$p")" "($p)"
    assert_nothing_left "$ID-$p" "b-$p"
  done
}

# create + start: start succeeds (the exec happens after it returns, as in
# runc); the message is on the container's stderr, the container stopped.
test_create_start_reports_on_the_containers_stderr() {
  local b
  bad_rootfs
  b=$(new_bundle b ".root.path = \"$T/rootfs\" | .process.args = [\"/nointerp\"]")
  k create --bundle "$b" "$ID" </dev/null >/dev/null 2>"$T/err"
  k start "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  expect_eq "$(status_of "$ID")" stopped
  for _ in $(seq 20); do [ -s "$T/err" ] && break; sleep 0.1; done
  expect_eq "$(cat "$T/err")" "exec /nointerp: no such file or directory"
  k delete "$ID"
  assert_nothing_left "$ID" b
}

test_exec_reports_through_its_caller() {
  local b p rc
  bad_rootfs
  b=$(new_bundle b ".root.path = \"$T/rootfs\" | .process.args = [\"sleep\", \"1000\"]")
  k run -d --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  for p in notprog nointerp otherarch noloader; do
    rc=0
    k exec "$ID" "/$p" </dev/null 2>"$T/err" || rc=$?
    expect_eq "$rc" 255 "($p)"
    expect_eq "$(cat "$T/err")" "exec failed: $(want_text "$p")" "($p)"
  done
  k delete --force "$ID"
  assert_nothing_left "$ID" b
}

run_tests

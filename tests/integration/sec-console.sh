#!/bin/bash
# /dev/console as config-linux.md says: with process.terminal true the pty is
# bind-mounted on /dev/console. krill binds the pty it got from the master
# (TIOCGPTPEER) by fd, after checking it is a devpts pty (CVE-2025-52565
# class), and refuses an image whose /dev/console or /dev/pts is a symlink
# (CVE-2026-41579 class: a /dev symlink in the image), naming the path and
# leaving nothing behind. exec's process gets a pty but binds nothing, as in
# runc (only init's console is /dev/console).
. "$(dirname "$0")/lib.sh"

# What the container reports about its console, one fact a line.
PROBE='echo "console=$(stat -c %F:%t:%T /dev/console)"
echo "stdin=$(stat -L -c %F:%t:%T /proc/self/fd/0)"
echo "tty=$(readlink /proc/self/fd/0)"
grep " /dev/console " /proc/self/mountinfo | sed "s/^/mnt=/"
echo done'

need_python() { command -v python3 >/dev/null || skip "needs python3 for the console socket receiver"; }

# console_start BUNDLE: create with a console socket and start; what the
# container writes to its pty ends up in $T/console.out (without \r).
console_start() {
  local b=$1 rpid rc=0
  rm -f "$T/console.sock"
  python3 "$TOP/tests/integration/console-recv.py" "$T/console.sock" >"$T/console.raw" &
  rpid=$!
  for _ in $(seq 100); do [ -S "$T/console.sock" ] && break; sleep 0.05; done
  k create --bundle "$b" --console-socket "$T/console.sock" "$ID" 2>"$T/err" || rc=$?
  if [ $rc != 0 ]; then
    cat "$T/err" >&2
    kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null
    return $rc
  fi
  k start "$ID"
  wait "$rpid"
  tr -d '\r' <"$T/console.raw" >"$T/console.out"
}

# The lines KEY=... of $T/console.out, values only (anything before KEY is
# the pty's echo of what script(1) fed it: "^@").
fact() { sed -n "s/^.*$1=//p" "$T/console.out"; }

expect_console_is_stdin() {
  local out
  out=$(cat "$T/console.out")
  expect_contains "$out" "done"
  expect_contains "$(fact console)" "character special file"
  expect_eq "$(fact console)" "$(fact stdin)" "(/dev/console and stdin, type:major:minor)"
  expect_contains "$(fact tty)" "/dev/pts/"
  expect_contains "$(fact mnt)" " - devpts "
}

test_create_console_socket_binds_dev_console() {
  local b
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["sh", "-c", $ENV.PROBE]')
  console_start "$b"
  expect_console_is_stdin
  # From outside: the mount is in the container's mount namespace only.
  if grep -q "$ID" /proc/self/mountinfo; then fail "a mount of the container shows on the host"; fi
}

test_run_foreground_terminal_binds_dev_console() {
  local b out
  command -v script >/dev/null || skip "needs script(1) from bsdutils"
  b=$(new_bundle b '.process.terminal = true | .process.args = ["sh", "-c", $ENV.PROBE]')
  script -qec "$KRILL --root $T/state run --bundle $b $ID" /dev/null </dev/null | tr -d '\r' >"$T/console.out"
  expect_console_is_stdin
}

# The image's own /dev (no tmpfs on it): a missing /dev/console is created
# (an empty file, as runc does) and the pty bound over it.
test_image_dev_without_tmpfs_binds_dev_console() {
  local b
  need_dev_nodes
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["sh", "-c", $ENV.PROBE]
    | .mounts |= map(select(.destination != "/dev"))')
  private_rootfs "$b"
  console_start "$b"
  expect_console_is_stdin
  [ -f "$b/rootfs/dev/console" ] || fail "no /dev/console file left in the image as a mount point"
  [ ! -s "$b/rootfs/dev/console" ] || fail "the image's /dev/console was written to"
}

# /dev provided by a bind mount (left alone otherwise, as runc does).
test_bind_mounted_dev_binds_dev_console() {
  local b
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["sh", "-c", $ENV.PROBE]
    | .mounts |= map(if .destination == "/dev" then {"destination": "/dev", "type": "bind", "source": "devdir", "options": ["rbind"]} else . end)')
  mkdir -p "$b/devdir/pts"
  mknod "$b/devdir/null" c 1 3 # the masked paths are bound from it
  console_start "$b"
  expect_console_is_stdin
  [ -f "$b/devdir/console" ] || fail "no /dev/console made in the bound directory as a mount point"
}

# refused_symlink BUNDLE PATH: create fails naming PATH, in one line, and
# leaves nothing behind.
refused_symlink() {
  local b=$1 path=$2 rc=0
  console_start "$b" || rc=$?
  [ $rc != 0 ] || fail "create succeeded; the container saw: $(cat "$T/console.out")"
  expect_contains "$(cat "$T/err")" "$path"
  expect_contains "$(cat "$T/err")" "symlink"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  assert_nothing_left "$ID" b
}

test_image_dev_console_symlink_refused() {
  local b
  need_dev_nodes
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["true"]
    | .mounts |= map(select(.destination != "/dev"))')
  private_rootfs "$b"
  echo keep >"$b/rootfs/victim"
  ln -s /victim "$b/rootfs/dev/console"
  refused_symlink "$b" /dev/console
  expect_eq "$(cat "$b/rootfs/victim")" keep
  [ -L "$b/rootfs/dev/console" ] || fail "the image's /dev/console symlink was replaced"
}

test_bind_mounted_dev_console_symlink_refused() {
  local b
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["true"]
    | .mounts |= map(if .destination == "/dev" then {"destination": "/dev", "type": "bind", "source": "devdir", "options": ["rbind"]} else . end)')
  mkdir -p "$b/devdir/pts"
  mknod "$b/devdir/null" c 1 3
  ln -s /etc/hostname "$b/devdir/console"
  refused_symlink "$b" /dev/console
}

test_image_dev_pts_symlink_refused() {
  local b
  need_dev_nodes
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["true"]
    | .mounts |= map(select(.destination != "/dev"))')
  private_rootfs "$b"
  mkdir -p "$b/rootfs/elsewhere"
  ln -s /elsewhere "$b/rootfs/dev/pts"
  refused_symlink "$b" /dev/pts
  [ ! -e "$b/rootfs/dev/console" ] || fail "/dev/console was created before the refusal"
}

# /dev itself a symlink in the image (the config's tmpfs then lands on its
# target, inside the rootfs): with a terminal, refused by name as well.
test_image_dev_symlink_refused() {
  local b
  need_dev_nodes
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["true"]')
  private_rootfs "$b"
  rmdir "$b/rootfs/dev"
  mkdir "$b/rootfs/realdev"
  ln -s /realdev "$b/rootfs/dev"
  refused_symlink "$b" /dev
  [ -z "$(ls -A "$b/rootfs/realdev")" ] || fail "left in the image's /realdev: $(ls -A "$b/rootfs/realdev")"
}

test_no_terminal_no_console_bound() {
  local b out
  b=$(new_bundle b '.process.args = ["sh", "-c", "grep \" /dev/console \" /proc/self/mountinfo; ls /dev/console 2>&1; true"]')
  out=$(k run --bundle "$b" "$ID" </dev/null 2>&1)
  if [[ $out == *devpts* ]]; then fail "a pty is bound without a terminal: $out"; fi
  expect_contains "$out" "No such file"
}

# exec -t: a pty of its own as stdio, nothing bound (runc binds /dev/console
# for init only): /dev/console stays init's.
test_exec_tty_does_not_rebind_console() {
  local b
  need_python
  b=$(new_bundle b '.process.terminal = true | .process.args = ["sh", "-c", "stat -c %t:%T /dev/console; sleep 100"]')
  console_start "$b" &
  for _ in $(seq 100); do [ "$(status_of "$ID")" = running ] && break; sleep 0.05; done
  for _ in $(seq 100); do grep -q : "$T/console.raw" 2>/dev/null && break; sleep 0.05; done
  local init_console
  init_console=$(tr -d '\r' <"$T/console.raw" | head -n1)
  [ -n "$init_console" ] || fail "init said nothing"
  python3 "$TOP/tests/integration/console-recv.py" "$T/exec.sock" >"$T/exec.raw" &
  local rpid=$!
  for _ in $(seq 100); do [ -S "$T/exec.sock" ] && break; sleep 0.05; done
  k exec -d -t --console-socket "$T/exec.sock" "$ID" sh -c "$PROBE"
  wait "$rpid"
  tr -d '\r' <"$T/exec.raw" >"$T/console.out"
  expect_contains "$(cat "$T/console.out")" "done"
  expect_contains "$(fact stdin)" "character special file"
  expect_eq "$(fact console)" "character special file:${init_console}"
  [ "$(fact console)" != "$(fact stdin)" ] || fail "exec's pty was bound on /dev/console"
  [ "$(fact mnt | wc -l)" = 1 ] || fail "expected init's one /dev/console mount, got: $(fact mnt)"
  k kill "$ID" KILL
  wait
}

export PROBE
run_tests

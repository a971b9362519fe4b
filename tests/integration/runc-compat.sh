#!/bin/bash
# What runc and crun accept and clients send (issue 16): a config without a
# mount namespace or joining one by path, a process.cwd that does not exist,
# linux.rootfsPropagation's recursive words, the loopback interface up in a
# new network namespace, a --log that cannot be opened. Checked from inside
# (what the process sees) and from outside (the host's namespaces, mounts).
. "$(dirname "$0")/lib.sh"

args() { jq -cn --arg c "$1" '["sh", "-c", $c]'; }

# Item 3: config-linux.md: "If a namespace type is not specified in the
# namespaces array, the container MUST inherit the runtime namespace of that
# type." Without "mount" the container is in krill's mount namespace; its
# mounts are made there, so the test unmounts them (krill, as runc, leaves
# them: they are the runtime's namespace's).
test_no_mount_namespace() {
  local b out host
  need_dev_nodes
  b=$(new_bundle nomnt '.linux.namespaces |= map(select(.type != "mount")) | .mounts = [{"destination": "/proc", "type": "proc", "source": "proc"}] | .linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false')
  private_rootfs "$b"
  jq ".process.args = $(args 'readlink /proc/self/ns/mnt; cat /etc/motd')" "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  host=$(readlink /proc/self/ns/mnt)
  out=$(k run --bundle "$b" "$ID" 2>&1) || { umount -l "$b/rootfs/proc" 2>/dev/null || true; fail "run: $out"; }
  umount -l "$b/rootfs/proc" 2>/dev/null || true
  expect_contains "$out" "$host"
  expect_contains "$out" "krill test rootfs"
}

# exec into it: its root is the rootfs, its mounts seen from the host
test_no_mount_namespace_exec() {
  local b out host
  need_dev_nodes
  b=$(new_bundle nomntx '.linux.namespaces |= map(select(.type != "mount")) | .mounts = [{"destination": "/proc", "type": "proc", "source": "proc"}] | .linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false | .process.args = ["sleep", "1000"]')
  private_rootfs "$b"
  host=$(readlink /proc/self/ns/mnt)
  k run -d --bundle "$b" "$ID" || { umount -l "$b/rootfs/proc" 2>/dev/null || true; fail "run -d"; }
  out=$(k exec "$ID" sh -c 'readlink /proc/self/ns/mnt; cat /etc/motd; ls /' 2>&1) || true
  grep -q " $b/rootfs/proc " /proc/self/mountinfo || fail "the container's /proc is not in the host's mountinfo"
  k delete --force "$ID"
  umount -l "$b/rootfs/proc" 2>/dev/null || true
  expect_contains "$out" "$host"
  expect_contains "$out" "krill test rootfs"
}

# masked and read-only paths need a mount namespace of the container's own
# (runc: "unable to restrict sys entries without a private MNT namespace").
test_no_mount_namespace_refuses_masks() {
  local b out rc=0
  b=$(new_bundle nomntm '.linux.namespaces |= map(select(.type != "mount")) | .linux.maskedPaths = ["/proc/kcore"]')
  out=$(k create --bundle "$b" "$ID" 2>&1) || rc=$?
  expect_eq "$rc" 1 "($out)"
  expect_contains "$out" "linux.maskedPaths"
  expect_contains "$out" "mount namespace"
  assert_nothing_left "$ID" nomntm
}

test_join_mount_namespace() {
  local b out holder ns
  # A process that joins a mount namespace gets that namespace's root: in a
  # chroot (the fresh-machine check) the test's paths are not there then.
  nsenter --mount=/proc/self/ns/mnt -- test -d "$T" 2>/dev/null \
    || skip "joining a mount namespace leaves this chroot (nsenter --mount does not see $T)"
  command -v unshare >/dev/null || skip "no unshare(1)"
  # a mount namespace with a tmpfs of its own at /mnt-krill-test... seen
  # from inside the container only through its bundle: mark the rootfs
  mkdir -p "$T/holder"
  unshare -m --propagation private sh -c "mount -t tmpfs marker $T/holder && echo there >$T/holder/f && exec sleep 1000" &
  holder=$!
  for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && grep -q marker /proc/$holder/mountinfo 2>/dev/null && break; sleep 0.1; done
  ns=$(readlink /proc/$holder/ns/mnt)
  b=$(new_bundle joinmnt ".linux.namespaces |= map(if .type == \"mount\" then .path = \"/proc/$holder/ns/mnt\" else . end) | .process.args = $(args 'readlink /proc/self/ns/mnt; echo ok')")
  out=$(k run --bundle "$b" "$ID" 2>&1) || { kill $holder; fail "run: $out"; }
  kill $holder
  expect_contains "$out" "$ns"
  expect_contains "$out" "ok"
  [ "$ns" != "$(readlink /proc/self/ns/mnt)" ] || fail "the holder's namespace is the test's"
}

# Item 4: a missing process.cwd is made (0755), as runc and crun do, also
# with a read-only root (made before the root is).
test_cwd_created() {
  local b out
  b=$(new_bundle cwd ".root.readonly = true | .process.cwd = \"/work/dir\" | .process.args = $(args 'pwd; stat -c %a .')")
  private_rootfs "$b"
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  expect_eq "$out" "/work/dir
755"
  [ -d "$b/rootfs/work/dir" ] || fail "no /work/dir in the rootfs"
}

# made inside the root: a symlink out of it lands in the rootfs
test_cwd_created_in_root() {
  local b out
  b=$(new_bundle cwdl ".process.cwd = \"/esc/x\" | .process.args = $(args 'pwd')")
  private_rootfs "$b"
  ln -s "$T/outside" "$b/rootfs/esc"
  out=$(k run --bundle "$b" "$ID" 2>&1) || true
  [ ! -e "$T/outside" ] || fail "cwd made outside the rootfs: $out"
}

# exec --cwd that does not exist: an error naming it (runc's exec does not
# make it either)
test_exec_cwd_missing() {
  local b out rc=0
  b=$(new_bundle ex '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID"
  out=$(k exec --cwd /no/such "$ID" pwd 2>&1) || rc=$?
  [ $rc != 0 ] || fail "exec --cwd /no/such succeeded: $out"
  expect_contains "$out" "/no/such"
}

# Item 10: runc's words for linux.rootfsPropagation, the r- forms included
# (containerd's CRI sends rslave and rshared).
test_rootfs_propagation_recursive() {
  local b out p hostprop
  hostprop=$(awk '$5 == "/" {print}' /proc/self/mountinfo)
  for p in rprivate rslave rshared runbindable private slave shared unbindable; do
    b=$(new_bundle "p$p" ".linux.rootfsPropagation = \"$p\" | .process.args = $(args 'awk '"'"'$5 == "/"'"'"' /proc/self/mountinfo')")
    out=$(k run --bundle "$b" "$ID-$p" 2>&1) || fail "$p: $out"
    case $p in
    *shared) expect_contains "$out" "shared:" ;;
    *private) [[ $out != *shared:* && $out != *master:* ]] || fail "$p: / is $out" ;;
    *slave) [[ $out != *shared:* ]] || fail "$p: / is $out" ;;
    *unbindable) expect_contains "$out" "unbindable" ;;
    esac
  done
  expect_eq "$(awk '$5 == "/" {print}' /proc/self/mountinfo)" "$hostprop" "(the host's / changed)"
}

test_rootfs_propagation_unknown() {
  local b out rc=0
  b=$(new_bundle bad '.linux.rootfsPropagation = "rfoo"')
  out=$(k create --bundle "$b" "$ID" 2>&1) || rc=$?
  expect_eq "$rc" 1 "($out)"
  expect_contains "$out" "linux.rootfsPropagation"
  expect_contains "$out" "rfoo"
  assert_nothing_left "$ID" bad
}

# lo up in a new network namespace, as runc and crun: 127.0.0.1 reachable
test_loopback_up() {
  local b out
  # Up to three exchanges: under load the listener may not be up after
  # the first pause.
  b=$(new_bundle lo ".process.args = $(args 'cat /sys/class/net/lo/flags; for try in 1 2 3; do timeout 5 nc -l -p 4242 >/tmp/got & sleep 0.3; echo hello | nc -w 2 127.0.0.1 4242; rc=$?; wait; grep -q hello /tmp/got && break; done; echo nc=$rc; cat /tmp/got') | .mounts += [{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]")
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  # IFF_UP | IFF_LOOPBACK (| IFF_RUNNING): 0x9
  expect_contains "$out" "0x9"
  expect_contains "$out" "nc=0"
  expect_contains "$out" "hello"
}

# --log that cannot be opened: an error naming the path, as runc's
test_log_unopenable() {
  local out rc=0
  out=$("$KRILL" --root "$T/state" --log "$T/no/such/dir/log" list 2>&1) || rc=$?
  [ $rc != 0 ] || fail "--log to a missing dir: exit 0 ($out)"
  expect_contains "$out" "$T/no/such/dir/log"
}

run_tests

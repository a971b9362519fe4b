# Shared by the integration tests: each test file sources this, defines
# functions named test_*, and calls run_tests. Every test gets its own --root,
# container ids and an absolute cgroup path, and cleans up even when it fails.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KRILL=${KRILL:-$TOP/krill}
FILE_TAG=$(basename "$0" .sh)
TMP_BASE=${KRILL_TEST_TMP:-/tmp}
ROOTFS_CACHE=$TMP_BASE/krill-test-rootfs-$(id -u)

# One rootfs for all tests (read-only configs never write to it).
ensure_rootfs() {
  local lock=$ROOTFS_CACHE.lock
  exec 9>"$lock"
  flock 9
  if [ ! -x "$ROOTFS_CACHE/bin/busybox" ]; then
    rm -rf "$ROOTFS_CACHE.tmp"
    "$TOP/tests/mkrootfs.sh" "$ROOTFS_CACHE.tmp" >/dev/null
    mv "$ROOTFS_CACHE.tmp" "$ROOTFS_CACHE"
  fi
  exec 9>&-
}

# new_bundle NAME [JQ-FILTER]: $T/NAME with config.json from `krill spec`,
# terminal off, an absolute cgroup path of the test's own, and the filter.
# root.path is the shared rootfs itself, by its physical path: like runc,
# krill refuses a root.path with a symlink in it.
new_bundle() {
  local name=$1 filter=${2:-.}
  local b=$T/$name
  mkdir -p "$b"
  "$KRILL" spec --bundle "$b" || return 1
  jq --arg cg "$CG_BASE/$name" --arg rootfs "$(cd "$ROOTFS_CACHE" && pwd -P)" \
    '.process.terminal = false | .linux.cgroupsPath = $cg | .root.path = $rootfs | '"$filter" \
    "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
  echo "$b"
}

# refuse NAME JQ-FILTER EXPECTED-TEXT [ID]: create of the bundle NAME (the
# default config through JQ-FILTER) fails with exit status 1 and one line
# on stderr containing EXPECTED-TEXT, and leaves nothing behind.
refuse() {
  local name=$1 filter=$2 want=$3 id=${4:-$ID-$1} b err rc=0
  b=$(new_bundle "$name" "$filter")
  err=$(k create --bundle "$b" "$id" 2>&1 >/dev/null) || rc=$?
  expect_eq "$rc" 1 "(create of $name: $err)"
  expect_contains "$err" "$want"
  expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "(one line: $err)"
  assert_nothing_left "$id" "$name"
}

# private_rootfs BUNDLE: a copy of the rootfs at BUNDLE/rootfs, for a test
# that writes to it or checks the image is left alone.
private_rootfs() {
  cp -a "$ROOTFS_CACHE" "$1/rootfs"
  jq '.root.path = "rootfs"' "$1/config.json" >"$1/config.json.new" && mv "$1/config.json.new" "$1/config.json"
}

k() { "$KRILL" --root "$T/state" "$@"; }

# Fails the current test with a message.
fail() { echo "    $*" >&2; return 1; }
expect_eq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }
expect_contains() { [[ $1 == *"$2"* ]] || fail "expected to find '$2' in: $1"; }
status_of() { k state "$1" 2>/dev/null | jq -r .status; }

# What must be gone after a test: containers, cgroups, mounts, processes.
cleanup_test() {
  local id
  if [ -d "$T/state" ]; then
    for id in $(ls "$T/state" 2>/dev/null); do
      k delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  local d i
  # A killed process leaves its cgroup a moment after the kill: retried
  # for up to 3 s, so that no test leaves a directory behind for the next.
  for i in $(seq 30); do
    for d in /sys/fs/cgroup/*/"${CG_BASE#/}" /sys/fs/cgroup/"${CG_BASE#/}"; do
      [ -d "$d" ] || continue
      find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    compgen -G "/sys/fs/cgroup/*/${CG_BASE#/}" >/dev/null || [ -d "/sys/fs/cgroup/${CG_BASE#/}" ] || break
    sleep 0.1
  done
  rm -rf "$T"
}

# Leftovers a failed create must not leave: a state dir, a cgroup dir.
assert_nothing_left() {
  local id=$1 cgname=$2
  [ ! -e "$T/state/$id" ] || fail "state dir of $id left behind"
  local d
  for d in /sys/fs/cgroup/*/"${CG_BASE#/}/$cgname" /sys/fs/cgroup/"${CG_BASE#/}/$cgname"; do
    [ ! -d "$d" ] || fail "cgroup $d left behind"
  done
  if grep -q "$T" /proc/self/mountinfo; then fail "a mount under $T left behind"; fi
  # init is a clone of `krill --root $T/state create`: same command line
  if pgrep -f -- "--root $T/state" >/dev/null; then fail "a krill process was left: $(pgrep -af -- "--root $T/state")"; fi
}

skip() { echo "SKIP: $*"; exit 77; }

# What the machine has. A test that needs a cgroup controller or one of its
# files, a kernel feature or a capability of the bounding set checks for it
# first and skips with the reason; another kernel or host is not a failure.
cg_unified() { [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; }
have_ctrl() {
  if cg_unified; then grep -qw "$1" /sys/fs/cgroup/cgroup.subtree_control; else [ -d "/sys/fs/cgroup/$1" ]; fi
}
need_ctrl() { have_ctrl "$1" || skip "the $1 controller is not available on this host"; }
# cg_has CTRL FILE: whether a cgroup below the root has FILE. Asked of a
# probe cgroup under the test's own $CG_BASE, as krill will make them: some
# files are never on the root (BFQ's blkio.bfq.weight, cpu.max), others come
# with a kernel option (CFS bandwidth, swap accounting, throttling).
cg_has() {
  local d r
  have_ctrl "$1" || return 1
  if cg_unified; then
    d=/sys/fs/cgroup$CG_BASE
    mkdir -p "$d" && echo "+$1" >"$d/cgroup.subtree_control" 2>/dev/null || return 1
  else
    d=/sys/fs/cgroup/$1$CG_BASE
    mkdir -p "$d" || return 1
  fi
  mkdir -p "$d/krill-probe" || return 1
  [ -e "$d/krill-probe/$2" ]
  r=$?
  rmdir "$d/krill-probe"
  return $r
}
need_cg_file() { # CTRL FILE WHY
  need_ctrl "$1"
  cg_has "$1" "$2" || skip "no $2 in this host's cgroups (${3:-not supported by this kernel})"
}
# need_cap NAME BIT: CAP_NAME in the bounding set krill runs with.
need_cap() {
  (( (0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> $2) & 1 )) ||
    skip "CAP_$1 is not in this host's bounding set"
}

# True when the tests run chrooted (e.g. ../shared/fresh-machine/check.sh):
# paths under /proc/PID/root of another mount namespace then read differently.
in_chroot() { [ "$(stat -c %d:%i /)" != "$(stat -c %d:%i /proc/1/root/. 2>/dev/null)" ]; }

# needs_userns: skip unless this process can make a user namespace (the
# kernel refuses one to a chrooted process, as in the fresh-machine check).
needs_userns() {
  [ -e /proc/self/ns/user ] || skip "the kernel has no user namespaces"
  if [ -r /proc/sys/user/max_user_namespaces ] && [ "$(cat /proc/sys/user/max_user_namespaces)" = 0 ]; then
    skip "user.max_user_namespaces is 0"
  fi
  unshare --user true 2>/dev/null || skip "this process can not make a user namespace (unshare --user fails: a chroot or a policy)"
}

# need_dev_nodes: skip unless a device node made under the test's directory
# can be opened (an image whose own /dev is used needs that; a nodev /tmp,
# as in the fresh-machine check, refuses it).
need_dev_nodes() {
  local p=$T/.devprobe
  if mknod "$p" c 1 3 2>/dev/null && { : >"$p"; } 2>/dev/null; then
    rm -f "$p"
    return 0
  fi
  rm -f "$p"
  skip "a device node under $(dirname "$T") can not be opened (a nodev mount)"
}

run_tests() {
  local fn rc out
  [ "$(id -u)" = 0 ] || { for fn in $(declare -F | awk '{print $3}' | grep '^test_'); do echo "skip $FILE_TAG/${fn#test_} # needs root"; done; return 0; }
  command -v jq >/dev/null || { for fn in $(declare -F | awk '{print $3}' | grep '^test_'); do echo "skip $FILE_TAG/${fn#test_} # needs jq"; done; return 0; }
  ensure_rootfs
  for fn in $(declare -F | awk '{print $3}' | grep '^test_'); do
    [ -z "${TEST_FILTER:-}" ] || [[ $fn == *$TEST_FILTER* ]] || continue
    T=$(mktemp -d "$TMP_BASE/krill-it.XXXXXX")
    CG_BASE=/krill-test-$$-${fn#test_}
    ID=c$$-${fn#test_}
    export T CG_BASE ID
    # To a file, not a pipe: a container left in "created" holds the test's
    # stdio open, and $(...) would wait for it.
    ( set -e; "$fn" ) >"$T.log" 2>&1 </dev/null
    rc=$?
    out=$(cat "$T.log")
    rm -f "$T.log"
    cleanup_test
    if [ $rc = 0 ]; then
      echo "ok $FILE_TAG/${fn#test_}"
    elif [ $rc = 77 ]; then
      echo "skip $FILE_TAG/${fn#test_} # ${out##*SKIP: }"
    else
      echo "not ok $FILE_TAG/${fn#test_}"
      printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
    fi
  done
}

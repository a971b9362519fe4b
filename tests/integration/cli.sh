#!/bin/bash
# The command line itself: version, spec, features, help, logging.
. "$(dirname "$0")/lib.sh"

test_version() {
  local out
  out=$("$KRILL" --version)
  expect_contains "$out" "krill version "
  expect_contains "$out" "commit: "
  expect_contains "$out" "spec: 1.3.0"
  expect_contains "$out" "+SECCOMP +CAP +SELINUX +YAJL"
}

test_spec_writes_runc_default() {
  mkdir -p "$T/b"
  "$KRILL" spec --bundle "$T/b"
  jq -e '.ociVersion == "1.3.0" and .process.terminal == true and .process.args == ["sh"]
    and .root == {"path": "rootfs", "readonly": true} and (.mounts | length) == 7
    and ([.linux.namespaces[].type] | index("mount")) != null
    and .process.capabilities.bounding == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]' \
    "$T/b/config.json" >/dev/null || fail "unexpected spec: $(cat "$T/b/config.json")"
  if "$KRILL" spec --bundle "$T/b" 2>"$T/err"; then fail "overwrote config.json"; fi
  expect_contains "$(cat "$T/err")" "exists"
}

# runc 1.2+'s namespaces, in its order: the cgroup namespace last, on a
# unified (cgroup v2) host only, as runc's spec writes it; --rootless drops
# the network namespace and adds the user namespace at the end.
test_spec_namespaces_as_runc() {
  local want cg=""
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && cg=',"cgroup"'
  mkdir -p "$T/b" "$T/r"
  "$KRILL" spec --bundle "$T/b"
  expect_eq "$(jq -c '[.linux.namespaces[].type]' "$T/b/config.json")" '["pid","network","ipc","uts","mount"'"$cg"']'
  "$KRILL" spec --rootless --bundle "$T/r"
  expect_eq "$(jq -c '[.linux.namespaces[].type]' "$T/r/config.json")" '["pid","ipc","uts","mount"'"$cg"',"user"]'
}

test_spec_then_run() {
  # the README's flow: krill spec in a busybox bundle, then run
  mkdir -p "$T/demo"
  cp -a "$ROOTFS_CACHE" "$T/demo/rootfs"
  (cd "$T/demo" && "$KRILL" spec)
  jq --arg cg "$CG_BASE/demo" '.process.terminal = false | .process.args = ["echo", "inside"] | .linux.cgroupsPath = $cg' \
    "$T/demo/config.json" >"$T/c" && mv "$T/c" "$T/demo/config.json"
  expect_eq "$(cd "$T/demo" && "$KRILL" --root "$T/state" run "$ID")" inside
}

test_features() {
  local f
  f=$("$KRILL" features)
  jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.3.0"
    and (.linux.namespaces | index("pid")) != null
    and (.mountOptions | index("rbind")) != null
    and (.linux.capabilities | index("CAP_SYS_ADMIN")) != null' <<<"$f" >/dev/null || fail "features: $f"
}

test_help_everywhere() {
  local c
  "$KRILL" --help | grep -q "create" || fail "global help"
  for c in create start run state kill delete list spec features; do
    "$KRILL" "$c" --help | grep -q "Usage: krill $c" || fail "$c --help"
  done
}

test_log_json_error_line() {
  local rc=0 line
  "$KRILL" --root "$T/state" --log "$T/log.json" --log-format json state nosuch 2>"$T/err" || rc=$?
  [ $rc = 1 ] || fail "exit $rc"
  line=$(tail -n 1 "$T/log.json")
  jq -e '.level == "error" and (.msg | contains("does not exist")) and (.time | length) > 0' <<<"$line" >/dev/null \
    || fail "log line: $line"
  expect_contains "$(cat "$T/err")" "does not exist"
}

test_log_text() {
  "$KRILL" --root "$T/state" --log "$T/log.txt" state nosuch 2>/dev/null || true
  grep -q 'level=error msg="container \\"nosuch\\" does not exist"' "$T/log.txt" || fail "$(cat "$T/log.txt")"
}

test_list_table() {
  local b out
  b=$(new_bundle b '.process.args = ["sleep", "1000"]')
  k create --bundle "$b" "$ID"
  out=$(k list)
  expect_contains "$(head -n 1 <<<"$out")" "ID"
  expect_contains "$(head -n 1 <<<"$out")" "STATUS"
  expect_contains "$(tail -n 1 <<<"$out")" "created"
}

run_tests

#!/bin/bash
# Extreme JSON input (issue 12, item 3): a document nested 300,000 deep or
# larger than the size limit is one clear line naming the file and the limit
# (no crash), exits non-zero and leaves nothing behind; an object of 200,000
# keys is parsed, in linear time. The three entry points of user JSON:
# config.json (create), exec --process, update -r; and state.json.
#
# The speed is measured in docs/fuzzing.md, never asserted here: the
# `timeout` below only keeps a quadratic parser (minutes for 200,000 keys)
# from hanging the suite.
. "$(dirname "$0")/lib.sh"

DEPTH=300000
# Above the 16 MiB limit (ocispec.h OCI_JSON_MAX_BYTES).
OVERSIZE=$((17 * 1024 * 1024))

# deep FILE: a JSON object whose "x" holds arrays nested $DEPTH deep.
deep() {
  { printf '{"x": '; head -c "$DEPTH" /dev/zero | tr '\0' '['; head -c "$DEPTH" /dev/zero | tr '\0' ']'; printf '}\n'; } >"$1"
}

# keys N: a JSON object of N distinct keys, on stdout.
keys() {
  awk -v n="$1" 'BEGIN { printf "{"; for (i = 0; i < n; i++) printf "%s\"k%d\": \"v%d\"", (i ? ", " : ""), i, i; printf "}" }'
}

# big FILE JQ-PATH: FILE's JSON with a string of $OVERSIZE bytes at JQ-PATH.
big() {
  head -c "$OVERSIZE" /dev/zero | tr '\0' 'a' >"$T/pad"
  jq --rawfile pad "$T/pad" "$2 = \$pad" "$1" >"$1.new" && mv "$1.new" "$1"
  rm -f "$T/pad"
}

# one_line_error RC WANT...: a non-zero exit other than a signal's, and one
# line on stderr ($T/err) holding every WANT.
one_line_error() {
  local rc=$1 w
  shift
  [ "$rc" != 0 ] || fail "accepted"
  [ "$rc" -le 128 ] || [ "$rc" -ge 160 ] || fail "killed by a signal (exit $rc): $(tail -c 300 "$T/err")"
  for w in "$@"; do expect_contains "$(cat "$T/err")" "$w"; done
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(head -c 600 "$T/err")"
}

start_sleeper() {
  local b
  b=$(new_bundle b '.process.args = ["sleep", "1000"] | .linux.resources.pids.limit = 100')
  k run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
  expect_eq "$(status_of "$ID")" running
}

# Still running, and no process but init in its cgroup (nothing was left by
# the refused command).
assert_alone() {
  expect_eq "$(status_of "$ID")" running
  expect_eq "$(k ps --format json "$ID" | jq length)" 1
}

test_config_deep() {
  local b rc=0
  b=$(new_bundle d)
  deep "$T/deep.json"
  # The config itself with the deep value in it: splice it in as text.
  { head -c -2 "$b/config.json"; printf ', "x": '; tail -c +7 "$T/deep.json"; } >"$b/config.json.new"
  mv "$b/config.json.new" "$b/config.json"
  k create --bundle "$b" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" config.json "10000"
  assert_nothing_left "$ID" d
}

test_config_oversize() {
  local b rc=0
  b=$(new_bundle o)
  big "$b/config.json" '.annotations.pad'
  k create --bundle "$b" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" config.json "16 MiB"
  assert_nothing_left "$ID" o
}

test_config_many_annotations() {
  local b
  b=$(new_bundle m '.process.args = ["true"]')
  keys 200000 >"$T/ann.json"
  jq --slurpfile a "$T/ann.json" '.annotations = $a[0]' "$b/config.json" >"$b/config.json.new"
  mv "$b/config.json.new" "$b/config.json"
  timeout 300 "$KRILL" --root "$T/state" create --bundle "$b" "$ID" >"$T/out" 2>"$T/err" </dev/null ||
    fail "create: $(head -c 300 "$T/err")"
  expect_eq "$(k state "$ID" | jq '.annotations | length')" 200000
  expect_eq "$(k state "$ID" | jq -r '.annotations.k199999')" v199999
  k delete --force "$ID"
  assert_nothing_left "$ID" m
}

# Repeated keys of a map: the last one wins, as before the linear check.
test_config_repeated_annotation() {
  local b
  b=$(new_bundle r '.process.args = ["true"]')
  { head -c -2 "$b/config.json"; printf ', "annotations": {"a": "1", "b": "x", "a": "2", "c": "y", "a": "3"}}\n'; } >"$b/config.json.new"
  mv "$b/config.json.new" "$b/config.json"
  k create --bundle "$b" "$ID"
  expect_eq "$(k state "$ID" | jq -cS '.annotations')" '{"a":"3","b":"x","c":"y"}'
  k delete --force "$ID"
}

test_exec_process_deep() {
  local rc=0
  start_sleeper
  deep "$T/p.json"
  k exec --process "$T/p.json" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" p.json "10000"
  assert_alone
}

test_exec_process_oversize() {
  local rc=0
  start_sleeper
  echo '{"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' >"$T/p.json"
  big "$T/p.json" '.env[0]'
  k exec --process "$T/p.json" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" p.json "16 MiB"
  assert_alone
}

test_exec_process_many_keys() {
  start_sleeper
  keys 200000 >"$T/k.json"
  jq --slurpfile k "$T/k.json" -n '{args: ["sh", "-c", "echo hi"], cwd: "/", user: {uid: 0, gid: 0}, x: $k[0]}' >"$T/p.json"
  expect_eq "$(timeout 300 "$KRILL" --root "$T/state" exec --process "$T/p.json" "$ID" </dev/null)" hi
  assert_alone
}

test_update_deep() {
  local rc=0
  start_sleeper
  deep "$T/r.json"
  k update -r "$T/r.json" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" r.json "10000"
  rc=0
  k update -r - "$ID" <"$T/r.json" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" "10000"
  assert_alone
  expect_eq "$(k state "$ID" >/dev/null && echo ok)" ok
}

test_update_oversize() {
  local rc=0
  start_sleeper
  echo '{"pids": {"limit": 50}}' >"$T/r.json"
  big "$T/r.json" '.x'
  k update -r "$T/r.json" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" r.json "16 MiB"
  assert_alone
}

test_update_many_keys() {
  start_sleeper
  keys 200000 >"$T/k.json"
  jq --slurpfile k "$T/k.json" -n '{pids: {limit: 77}, x: $k[0]}' >"$T/r.json"
  timeout 300 "$KRILL" --root "$T/state" update -r "$T/r.json" "$ID" </dev/null >"$T/out" 2>"$T/err" ||
    fail "update: $(head -c 300 "$T/err")"
  assert_alone
}

# A state.json damaged into deep nesting: a clear error, not a crash.
test_state_deep() {
  local rc=0 pid
  start_sleeper
  pid=$(k state "$ID" | jq .pid)
  deep "$T/state/$ID/state.json"
  k state "$ID" >"$T/out" 2>"$T/err" || rc=$?
  one_line_error "$rc" state.json "10000"
  kill -9 "$pid"
}

run_tests

#!/bin/bash
# Nothing in the state dir, nor in what the caller points krill at, can make
# krill hurt the host: the cgroup record (delete and kill --all act on it),
# linux.cgroupsPath, root.path, --root and the pid file.
# These tests never aim a record at a host cgroup: the "victim" is a cgroup
# the test makes under its own $CG_BASE, with a sleep of the test in it.
. "$(dirname "$0")/lib.sh"

# A victim cgroup beside the container's ($CG_BASE/victim) in every hierarchy
# the record lists, with a sleep of ours in it; its pid in $T/victim.pid.
make_victim() {
  local d mp
  sleep 1000 &
  echo $! >"$T/victim.pid"
  trap victim_cleanup EXIT
  # awk: the unified line's controllers field is empty, read would skip it
  for mp in $(awk -F'\t' 'NR > 2 { print $4 }' "$T/state/$ID/cgroup"); do
    case $mp in /sys/fs/cgroup | /sys/fs/cgroup/*) ;; *) fail "unexpected mount point $mp" ;; esac
    d=$mp$CG_BASE/victim
    mkdir -p "$d"
    # a new cpuset has no cpus until given its parent's
    if [ -f "$d/cpuset.cpus" ]; then
      cat "$mp$CG_BASE/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$mp$CG_BASE/cpuset.mems" >"$d/cpuset.mems"
    fi
    echo "$(cat "$T/victim.pid")" >"$d/cgroup.procs"
  done
}

# The record rewritten to name the victim instead of the container's cgroup.
forge_record() {
  sed -i "s|\t$CG_BASE/ctr\$|\t$CG_BASE/victim|" "$T/state/$ID/cgroup"
  grep -q "$CG_BASE/victim" "$T/state/$ID/cgroup" || fail "record not forged: $(cat "$T/state/$ID/cgroup")"
}

victim_alive() { kill -0 "$(cat "$T/victim.pid")" 2>/dev/null; }

victim_cleanup() {
  kill -9 "$(cat "$T/victim.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}

test_delete_refuses_record_outside_container() {
  local b rc=0 d
  b=$(new_bundle ctr '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  make_victim
  forge_record
  k delete -f "$ID" 2>"$T/err" || rc=$?
  victim_alive || { victim_cleanup; fail "delete -f killed a process outside the container's cgroup"; }
  for d in $(awk -F'\t' 'NR > 2 { print $4 }' "$T/state/$ID/cgroup"); do
    [ -d "$d$CG_BASE/victim" ] || { victim_cleanup; fail "delete -f removed $d$CG_BASE/victim"; }
  done
  victim_cleanup
  sed -i "s|\t$CG_BASE/victim\$|\t$CG_BASE/ctr|" "$T/state/$ID/cgroup"
  [ $rc != 0 ] || fail "delete -f accepted a record naming another cgroup"
  expect_contains "$(cat "$T/err")" "$CG_BASE/victim"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
}

test_kill_all_refuses_record_outside_container() {
  local b rc=0
  b=$(new_bundle ctr '.process.args = ["sleep", "1000"]')
  k run -d --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  make_victim
  forge_record
  k kill --all "$ID" KILL 2>"$T/err" || rc=$?
  sleep 0.2
  victim_alive || { victim_cleanup; fail "kill --all killed a process outside the container's cgroup"; }
  victim_cleanup
  sed -i "s|\t$CG_BASE/victim\$|\t$CG_BASE/ctr|" "$T/state/$ID/cgroup"
  [ $rc != 0 ] || fail "kill --all accepted a record naming another cgroup"
  expect_contains "$(cat "$T/err")" "$CG_BASE/victim"
  # the container is untouched
  expect_eq "$(status_of "$ID")" running
}

test_kill_all_signals_the_container() {
  # kill --all still reaches every process of the container, not only init
  local b sleeps p
  b=$(new_bundle ctr '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & trap \"\" TERM; wait; sleep 1000"]')
  k run -d --bundle "$b" "$ID" </dev/null >/dev/null 2>&1
  for _ in $(seq 50); do [ "$(k ps "$ID" 2>/dev/null | awk '$8 == "sleep"' | wc -l)" = 2 ] && break; sleep 0.1; done
  sleeps=$(k ps "$ID" | awk '$8 == "sleep" { print $2 }')
  [ "$(echo $sleeps | wc -w)" = 2 ] || fail "expected two sleeps: $(k ps "$ID")"
  k kill --all "$ID" TERM
  for p in $sleeps; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$p" 2>/dev/null || fail "sleep $p survived kill --all"
  done
  expect_eq "$(status_of "$ID")" running "(init ignores TERM)"
  k delete -f "$ID"
}

# cgroupsPath: refused before anything is made.
refuse_cg() {
  local name=$1 path=$2 want=$3 b rc=0
  b=$(new_bundle "$name")
  jq --arg p "$path" '.linux.cgroupsPath = $p' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  k create --bundle "$b" "$ID-$name" >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || { k delete -f "$ID-$name" >/dev/null 2>&1; fail "create accepted cgroupsPath $path"; }
  expect_contains "$(cat "$T/err")" "linux.cgroupsPath"
  expect_contains "$(cat "$T/err")" "\"$path\""
  expect_contains "$(cat "$T/err")" "$want"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  assert_nothing_left "$ID-$name" "$name"
}

# A krill that accepted "/" would put the container in the hierarchy's root
# cgroup and write its device rules there, for the whole host: first a
# harmless probe ("/.." then the test's own cgroup) must be refused, else
# the root cases are not run at all.
guard_root_cases() {
  local b rc=0
  b=$(new_bundle probe)
  jq --arg p "/..$CG_BASE/probe" '.linux.cgroupsPath = $p' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  k create --bundle "$b" "$ID-probe" >/dev/null 2>&1 || rc=$?
  [ $rc != 0 ] || { k delete -f "$ID-probe" >/dev/null 2>&1; fail "a cgroupsPath climbing above the root was accepted: not trying \"/\" on this krill"; }
}

test_cgroups_path_root_refused() {
  guard_root_cases
  refuse_cg root / "hierarchy root"
}

test_cgroups_path_dotdot_to_root_refused() {
  guard_root_cases
  refuse_cg dd "/a/../.." "climbs"
}

test_cgroups_path_relative_escape_refused() {
  refuse_cg rel "../../x" "climbs"
}

test_cgroups_path_dotdot_inside_accepted() {
  # ".." that stays inside its parent is cleaned, as runc does
  local b
  b=$(new_bundle ok)
  jq --arg p "$CG_BASE/x/../ok" '.linux.cgroupsPath = $p' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  k create --bundle "$b" "$ID"
  expect_eq "$(k state "$ID" | jq -r .status)" created
  k delete -f "$ID"
}

test_rootfs_symlink_refused() {
  # runc: "invalid rootfs: not an absolute path, or a symlink"
  local b rc=0
  b=$(new_bundle sl)
  ln -s "$ROOTFS_CACHE" "$b/rootfs"
  jq '.root.path = "rootfs"' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  k create --bundle "$b" "$ID" >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || { k delete -f "$ID" >/dev/null 2>&1; fail "create accepted a symlinked root.path"; }
  expect_contains "$(cat "$T/err")" "root.path"
  expect_contains "$(cat "$T/err")" "symlink"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  assert_nothing_left "$ID" sl
}

test_rootfs_real_dir_accepted() {
  local b
  b=$(new_bundle rd '.process.args = ["true"]')
  jq --arg r "$ROOTFS_CACHE" '.root.path = $r' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  k run --bundle "$b" "$ID" </dev/null
}

test_root_created_0700() {
  local b
  b=$(new_bundle r '.process.args = ["true"]')
  "$KRILL" --root "$T/new/state" run --bundle "$b" "$ID" </dev/null
  expect_eq "$(stat -c %a "$T/new/state")" 700
}

test_root_symlink_refused() {
  local b rc=0
  b=$(new_bundle r '.process.args = ["true"]')
  mkdir "$T/real"
  ln -s "$T/real" "$T/link"
  "$KRILL" --root "$T/link" run --bundle "$b" "$ID" </dev/null >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "accepted a symlinked --root"
  expect_contains "$(cat "$T/err")" "--root"
  expect_contains "$(cat "$T/err")" "symlink"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  [ -z "$(ls -A "$T/real")" ] || fail "state written through the symlink: $(ls "$T/real")"
  rc=0
  "$KRILL" --root "$T/link" list >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "list accepted a symlinked --root"
  expect_contains "$(cat "$T/err")" "--root"
}

test_root_other_owner_refused() {
  local b rc=0
  b=$(new_bundle r '.process.args = ["true"]')
  mkdir -m 0700 "$T/other"
  chown 65534 "$T/other"
  "$KRILL" --root "$T/other" run --bundle "$b" "$ID" </dev/null >"$T/out" 2>"$T/err" || rc=$?
  [ $rc != 0 ] || fail "accepted a --root owned by another user"
  expect_contains "$(cat "$T/err")" "--root"
  expect_contains "$(cat "$T/err")" "owned by"
  [ "$(wc -l <"$T/err")" = 1 ] || fail "error is not one line: $(cat "$T/err")"
  [ -z "$(ls -A "$T/other")" ] || fail "state written into it: $(ls "$T/other")"
}

test_pid_file_tmp_symlink_not_followed() {
  local b
  b=$(new_bundle p '.process.args = ["sleep", "1000"]')
  echo precious >"$T/victim"
  # every name a writer might use beside the pid file
  ln -s "$T/victim" "$T/pid.krill-tmp"
  ln -s "$T/victim" "$T/.pid.krill-tmp"
  k create --bundle "$b" --pid-file "$T/pid" "$ID"
  expect_eq "$(cat "$T/victim")" precious
  [ ! -L "$T/pid" ] || fail "the pid file is a symlink"
  expect_eq "$(cat "$T/pid")" "$(k state "$ID" | jq .pid)"
  k delete -f "$ID"
}

test_pid_file_tmp_hardlink_not_written() {
  local b
  b=$(new_bundle p '.process.args = ["sleep", "1000"]')
  echo precious >"$T/victim"
  ln "$T/victim" "$T/pid.krill-tmp"
  k create --bundle "$b" --pid-file "$T/pid" "$ID"
  expect_eq "$(cat "$T/victim")" precious
  expect_eq "$(cat "$T/pid")" "$(k state "$ID" | jq .pid)"
  k start "$ID"
  k exec -d --pid-file "$T/pid" "$ID" sleep 100
  expect_eq "$(cat "$T/victim")" precious
  k delete -f "$ID"
}

run_tests

#!/bin/bash
# Parent cgroups: one krill made goes with the last container under it,
# whichever container made it; one that was there before stays; a create
# racing the delete that removes the parent still gets its cgroup.
. "$(dirname "$0")/lib.sh"

# Every hierarchy's directory for cgroup path $1 (absolute).
cg_dirs() { ls -d /sys/fs/cgroup/*/"${1#/}" /sys/fs/cgroup/"${1#/}" 2>/dev/null; }

bundle_under() {
  new_bundle "$1" ".process.args = [\"sleep\", \"1000\"] | .linux.cgroupsPath = \"$CG_BASE/p/$1\""
}

test_parent_goes_with_last_container() {
  local a b
  a=$(bundle_under a)
  b=$(bundle_under b)
  k run -d --bundle "$a" "$ID-a" </dev/null
  k run -d --bundle "$b" "$ID-b" </dev/null
  # a made $CG_BASE and p, b found them: deleting a first leaves them to b
  k delete -f "$ID-a"
  [ -n "$(cg_dirs "$CG_BASE/p/b")" ] || fail "b's cgroup went with a"
  k delete -f "$ID-b"
  [ -z "$(cg_dirs "$CG_BASE")" ] || fail "parents left after the last container: $(cg_dirs "$CG_BASE" | head -3)"
}

test_preexisting_parent_stays() {
  local a d
  for d in /sys/fs/cgroup/*/; do
    [ -e "$d/cgroup.procs" ] || continue
    mkdir -p "$d${CG_BASE#/}/p"
  done
  # a cpuset parent needs cpus and mems before anything joins below it
  d=/sys/fs/cgroup/cpuset${CG_BASE}
  if [ -f "$d/cpuset.cpus" ]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"$d/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"$d/cpuset.mems"
    cat "$d/cpuset.cpus" >"$d/p/cpuset.cpus"
    cat "$d/cpuset.mems" >"$d/p/cpuset.mems"
  fi
  a=$(bundle_under a)
  k run -d --bundle "$a" "$ID-a" </dev/null
  k delete -f "$ID-a"
  [ -z "$(cg_dirs "$CG_BASE/p/a")" ] || fail "the container's cgroup was left"
  for d in /sys/fs/cgroup/*/; do
    [ -e "$d/cgroup.procs" ] || continue
    [ -d "$d${CG_BASE#/}/p" ] || fail "pre-existing parent $d${CG_BASE#/}/p removed"
  done
}

test_create_races_parent_removal() {
  local i j pids=() rc=0
  for j in 1 2 3; do bundle_under "r$j" >/dev/null; done
  # three loops, each creating and deleting its own container under the
  # same parent: each delete may find itself the last one and remove it
  for j in 1 2 3; do
    (
      for i in $(seq 15); do
        k run -d --bundle "$T/r$j" "$ID-r$j" </dev/null >/dev/null 2>"$T/err$j" || { echo "run $i failed: $(cat "$T/err$j")"; exit 1; }
        k delete -f "$ID-r$j" 2>"$T/err$j" || { echo "delete $i failed: $(cat "$T/err$j")"; exit 1; }
      done
    ) >"$T/out$j" &
    pids+=($!)
  done
  for j in 0 1 2; do wait "${pids[$j]}" || rc=1; done
  [ $rc = 0 ] || fail "$(cat "$T"/out*)"
  [ -z "$(cg_dirs "$CG_BASE")" ] || fail "parents left: $(cg_dirs "$CG_BASE" | head -3)"
}

run_tests

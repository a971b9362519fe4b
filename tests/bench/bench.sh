#!/bin/bash
# bench.sh: krill next to crun and runc, in one invocation.
#
# Measures, per call and per runtime: `run` of /bin/true; `create`, `state`,
# `start` and `delete` separately; the peak RSS of `run`; and the floor, the
# same namespaces without any runtime (unshare -mpuinf --fork chroot ROOTFS
# /bin/true).  Prints a Markdown table (medians, p10-p90, ratio to crun) on
# stdout; progress goes to stderr.  Not part of `make check`: it needs root.
#
#   sudo tests/bench/bench.sh > bench.md
#
# Environment:
#   N=100                     iterations; every iteration calls each runtime
#                             once per case, round-robin, and the runtime that
#                             goes first rotates, so drift hits all alike
#   RUNTIMES="krill crun runc"
#   KRILL=<top>/krill         the krill binary; if it is missing or its smoke
#                             `run` fails, the others are still measured and
#                             the report says "krill: not measured (reason)"
#   LIMITS=1                  also: run with a 64 MiB memory and a 64 pids limit,
#                             and the memory charged to a created container
#                             with those limits (its init waiting for start):
#                             v1 memory.stat rss + cache plus
#                             memory.kmem.usage_in_bytes, v2 memory.stat
#                             anon + file + kernel, KiB.  Not usage_in_bytes /
#                             memory.current: those include the per-cpu charge
#                             batch (64 pages) and read 256 KiB for everyone.
#   EXEC=1                    also: exec /bin/true into a running container
#                             (busybox sleep 1000)
#   OCI_VERSION=1.0.2         ociVersion of the bench config.json (see below)
#   BUSYBOX=/bin/busybox      a static busybox (Debian: busybox-static)
#   SAMPLES=DIR               keep the raw samples there, one file per case
#                             and runtime (microseconds, or KiB for RSS)
#
# How the runtimes are run:
#  * The script re-executes itself in a private mount namespace
#    (unshare -m --propagation private), which is also a new PID namespace
#    whose init is this script.  The host's cgroup mounts are never changed.
#  * Hybrid hosts (cgroup v1 controllers plus an empty cgroup2 at
#    /sys/fs/cgroup/unified): crun 1.8.1 refuses to run on them ("cgroups in
#    hybrid mode not supported").  Inside the namespace a private tmpfs is
#    mounted over /sys/fs/cgroup/unified, so all three runtimes see a plain
#    cgroup v1 host.  Unmounting it would not do: crun would then create its
#    directories in the tmpfs at /sys/fs/cgroup underneath, which is the
#    host's.  crun still makes /sys/fs/cgroup/unified/<cgroupsPath> for every
#    container and writes a cgroup.procs file there (which its delete then
#    cannot remove), so the cover is writable and not small; it goes away
#    with the namespace.  A read-only cover makes crun fail.
#  * Every container gets an ABSOLUTE linux.cgroupsPath,
#    /krill-bench-<pid>/<runtime>-<n>.  A relative one would be placed under
#    the caller's own cgroup, which on some hosts is a cgroup that belongs to
#    someone else.  The script makes /krill-bench-<pid> in every cgroup
#    hierarchy and removes it at the end, also on failure and on Ctrl-C.
#  * Bundles, the rootfs and each runtime's --root live on a private tmpfs.
#  * Being PID 1, the script reaps at once the container processes that
#    `create` leaves orphaned (crun reports an unreaped zombie as running);
#    whatever is left when it exits is killed by the kernel.
#
# Calls have no time limit (a `timeout` around each would be measured too):
# a runtime that hangs holds the bench up; Ctrl-C still cleans up.
#
# ociVersion: crun 1.8.1 rejects "1.3.0" ("unknown version specified"), so
# the bench config says "1.0.2" for every runtime, to keep the configs equal.

set -u -o pipefail
export LC_ALL=C

N=${N:-100}
RUNTIMES=${RUNTIMES:-krill crun runc}
KRILL=${KRILL:-$(dirname "$0")/../../krill}
LIMITS=${LIMITS:-0}
EXEC=${EXEC:-0}
OCI_VERSION=${OCI_VERSION:-1.0.2}
BUSYBOX=${BUSYBOX:-/bin/busybox}
SAMPLES=${SAMPLES:-}
GNU_TIME=/usr/bin/time

say () { printf '%s\n' "$*" >&2; }
die () { say "bench.sh: $*"; exit 1; }

# ---------------------------------------------------------------- outer stage
# Runs on the host: makes and removes the bench cgroup, starts the inner stage.

cgroup_hierarchies ()
{
  # Mount points of cgroup v1 hierarchies; cgroup2 only if it is the whole
  # tree (a unified host).  The cgroup2 of a hybrid host is hidden later.
  awk '{ for (i = 7; $i != "-"; i++) ;
         if ($(i + 1) == "cgroup") print $5;
         else if ($(i + 1) == "cgroup2" && $5 == "/sys/fs/cgroup") print $5 }' \
    /proc/self/mountinfo | sort -u
}

# Empty a cgroup tree of ours (SIGKILL what is still in it) and remove it,
# leaves first.
cgroup_remove ()
{
  local top=$1 d pid i
  [ -d "$top" ] || return 0
  while IFS= read -r d; do
    if [ -f "$d/freezer.state" ]; then
      echo THAWED > "$d/freezer.state" 2> /dev/null
    fi
    for ((i = 0; i < 50; i++)); do
      while read -r pid; do
        kill -KILL "$pid" 2> /dev/null
      done < "$d/cgroup.procs"
      rmdir "$d" 2> /dev/null && break
      sleep 0.1
    done
  done < <(find "$top" -depth -type d 2> /dev/null)
  [ ! -d "$top" ]
}

outer_cleanup ()
{
  local rc=$? h left=
  trap - EXIT INT TERM
  for h in "${CREATED[@]}"; do
    cgroup_remove "$h/$BENCH_CG" || left+=" $h/$BENCH_CG"
  done
  [ -z "$left" ] || { say "bench.sh: could not remove:$left"; rc=1; }
  # The tmpfs on it existed only inside the namespace, which is gone.
  rm -rf -- "$BENCH_DIR"
  exit "$rc"
}

outer ()
{
  local h c rc ctl
  [ "$(id -u)" = 0 ] || die "needs root"
  [[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
  for c in jq unshare chroot find awk timeout; do
    command -v "$c" > /dev/null || die "$c not found (jq: apt-get install jq)"
  done
  [ -x "$BUSYBOX" ] || die "$BUSYBOX not found (apt-get install busybox-static)"
  command -v runc > /dev/null || command -v crun > /dev/null \
    || die "need runc (or crun) for 'spec'"

  KRILL=$(realpath -m -- "$KRILL")
  BENCH_CG=krill-bench-$$
  CREATED=()
  BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/krill-bench.XXXXXX") || die "mktemp"
  trap outer_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  mapfile -t HIER < <(cgroup_hierarchies)
  [ "${#HIER[@]}" -gt 0 ] || die "no cgroup hierarchy is mounted"
  for h in "${HIER[@]}"; do
    mkdir "$h/$BENCH_CG" || die "cannot make $h/$BENCH_CG"
    CREATED+=("$h")
    if [ -f "$h/cgroup.controllers" ]; then
      # unified host: hand the controllers down
      read -ra ctl < "$h/cgroup.subtree_control"
      for c in "${ctl[@]}"; do
        echo "+$c" > "$h/$BENCH_CG/cgroup.subtree_control" 2> /dev/null
      done
    elif [ -f "$h/cpuset.cpus" ]; then
      # a new v1 cpuset is empty, and nothing can join an empty cpuset
      cat "$h/cpuset.cpus" > "$h/$BENCH_CG/cpuset.cpus"
      cat "$h/cpuset.mems" > "$h/$BENCH_CG/cpuset.mems"
    fi
  done

  export N RUNTIMES KRILL LIMITS EXEC OCI_VERSION BUSYBOX SAMPLES
  export BENCH_CG BENCH_DIR KRILL_BENCH_STAGE=inner
  unshare -m --propagation private -p -f --mount-proc \
    bash "$(realpath -- "${BASH_SOURCE[0]}")"
  rc=$?
  exit "$rc"
}

# ---------------------------------------------------------------- inner stage
# PID 1 of a new PID namespace, in a private mount namespace.

declare -A BIN ROOT CNT FAIL VERSION
MEASURED=()
NOT_MEASURED=()
CGMODE=
SPEC_TOOL=
LOAD_BEFORE=
T=0

inner_cleanup ()
{
  local rc=$? r id
  trap - EXIT INT TERM
  for r in "${MEASURED[@]}"; do
    for id in $(timeout 10 "${BIN[$r]}" --root "${ROOT[$r]}" list -q 2> /dev/null); do
      timeout 10 "${BIN[$r]}" --root "${ROOT[$r]}" delete -f "$id" > /dev/null 2>&1
    done
  done
  exit "$rc"
}

# Run one call with stdio on /dev/null and its stderr in $ERRF; the wall
# time in microseconds is left in T.
timed ()
{
  local t0 t1 rc
  t0=$EPOCHREALTIME
  "$@" < /dev/null > /dev/null 2> "$ERRF"
  rc=$?
  t1=$EPOCHREALTIME
  T=$(( ${t1/./} - ${t0/./} ))
  return "$rc"
}

record () { echo "$3" >> "$BENCH_DIR/samples/$1.$2"; }

# fail GROUP RUNTIME WHAT: the case is not measured any more for that runtime.
fail ()
{
  local msg
  msg=$(grep -v '^[[:space:]]*$' "$ERRF" 2> /dev/null | tail -n 1 | cut -c 1-120)
  FAIL[$1.$2]="$3${msg:+: $msg}"
  say "bench.sh: $2: $1: ${FAIL[$1.$2]}"
}

failed () { [ -n "${FAIL[$1.$2]:-}" ]; }

rt () { local r=$1; shift; "${BIN[$r]}" --root "${ROOT[$r]}" "$@"; }

# new_container RUNTIME TEMPLATE: sets ID and BUNDLE, writes the config.json
new_container ()
{
  local r=$1 tpl=$2
  CNT[$r]=$(( ${CNT[$r]:-0} + 1 ))
  ID=$r-${CNT[$r]}
  BUNDLE=$BENCH_DIR/bundles/$ID
  mkdir -p "$BUNDLE"
  printf '%s\n' "${tpl//@CGROUP@//$BENCH_CG/$ID}" > "$BUNDLE/config.json"
}

wait_stopped ()
{
  local r=$1 id=$2 i s
  for ((i = 0; i < 500; i++)); do
    s=$(rt "$r" state "$id" 2> /dev/null | jq -r .status 2> /dev/null)
    [ "$s" = stopped ] && return 0
    sleep 0.01
  done
  return 1
}

# --- the cases; each takes a runtime name, or "floor"

# measure KEY GROUP RUNTIME CMD...: one timed call; its time goes to the
# samples of KEY, a failure stops GROUP for RUNTIME.
measure ()
{
  local key=$1 group=$2 r=$3 rc
  shift 3
  timed "$@"
  rc=$?
  if [ "$rc" = 0 ]; then
    record "$key" "$r" "$T"
    return 0
  fi
  fail "$group" "$r" "$key: exit $rc"
  return 1
}

case_run ()
{
  local r=$1
  if [ "$r" = floor ]; then
    failed run floor \
      || measure run run floor unshare -mpuinf --fork chroot "$ROOTFS" /bin/true
    return
  fi
  failed run "$r" && return
  new_container "$r" "$TPL_TRUE"
  measure run run "$r" rt "$r" run --bundle "$BUNDLE" "$ID" \
    || rt "$r" delete -f "$ID" > /dev/null 2>&1
  rm -rf -- "$BUNDLE"
}

case_lifecycle ()
{
  local r=$1 ok=0
  [ "$r" = floor ] && return
  failed life "$r" && return
  new_container "$r" "$TPL_TRUE"
  # state is asked while the container is "created": its init is waiting
  if measure create life "$r" rt "$r" create --bundle "$BUNDLE" "$ID" \
     && measure state life "$r" rt "$r" state "$ID" \
     && measure start life "$r" rt "$r" start "$ID"; then
    if ! wait_stopped "$r" "$ID"; then
      : > "$ERRF"
      fail life "$r" "the container did not stop within 10 s"
    elif measure delete life "$r" rt "$r" delete "$ID"; then
      ok=1
    fi
  fi
  [ "$ok" = 1 ] || rt "$r" delete -f "$ID" > /dev/null 2>&1
  rm -rf -- "$BUNDLE"
}

# rss RUNTIME CMD...: GNU time's %M of one call
rss ()
{
  local r=$1 out=$BENCH_DIR/rss rc
  shift
  timed "$GNU_TIME" -f %M -o "$out" "$@"
  rc=$?
  if [ "$rc" = 0 ]; then
    record rss "$r" "$(tail -n 1 "$out")"
    return 0
  fi
  fail rss "$r" "exit $rc"
  return 1
}

case_rss ()
{
  local r=$1
  [ -x "$GNU_TIME" ] || return
  failed rss "$r" && return
  if [ "$r" = floor ]; then
    rss floor unshare -mpuinf --fork chroot "$ROOTFS" /bin/true
    return
  fi
  new_container "$r" "$TPL_TRUE"
  rss "$r" "${BIN[$r]}" --root "${ROOT[$r]}" run --bundle "$BUNDLE" "$ID" \
    || rt "$r" delete -f "$ID" > /dev/null 2>&1
  rm -rf -- "$BUNDLE"
}

case_limits ()
{
  local r=$1
  [ "$r" = floor ] && return
  failed limits "$r" && return
  new_container "$r" "$TPL_LIMITS"
  measure limits limits "$r" rt "$r" run --bundle "$BUNDLE" "$ID" \
    || rt "$r" delete -f "$ID" > /dev/null 2>&1
  rm -rf -- "$BUNDLE"
}

# charge_of DIR: the memory charged to the memory cgroup DIR, KiB
charge_of ()
{
  local d=$1
  if [ -f "$d/memory.kmem.usage_in_bytes" ]; then
    awk -v k="$(cat "$d/memory.kmem.usage_in_bytes")" \
      '$1 == "rss" || $1 == "cache" { b += $2 } END { print int((b + k) / 1024) }' "$d/memory.stat"
  else
    awk '$1 == "anon" || $1 == "file" || $1 == "kernel" { b += $2 } END { print int(b / 1024) }' \
      "$d/memory.stat"
  fi
}

case_charge ()
{
  local r=$1 d
  [ "$r" = floor ] && return
  failed charge "$r" && return
  new_container "$r" "$TPL_LIMITS_SLEEP"
  if timed rt "$r" create --bundle "$BUNDLE" "$ID"; then
    d=/sys/fs/cgroup/memory/$BENCH_CG/$ID
    [ "$CGMODE" = "cgroup v2" ] && d=/sys/fs/cgroup/$BENCH_CG/$ID
    if [ -f "$d/memory.stat" ]; then
      record charge "$r" "$(charge_of "$d")"
    else
      echo "no $d/memory.stat" > "$ERRF"
      fail charge "$r" "no memory cgroup"
    fi
  else
    fail charge "$r" "create: exit $?"
  fi
  rt "$r" delete -f "$ID" > /dev/null 2>&1
  rm -rf -- "$BUNDLE"
}

declare -A EXEC_ID
exec_setup ()
{
  local r
  for r in "${MEASURED[@]}"; do
    new_container "$r" "$TPL_SLEEP"
    EXEC_ID[$r]=$ID
    timed rt "$r" run --detach --bundle "$BUNDLE" "$ID" \
      || { fail exec "$r" "run --detach: exit $?"; rt "$r" delete -f "$ID" > /dev/null 2>&1; }
  done
}

case_exec ()
{
  local r=$1
  [ "$r" = floor ] && return
  failed exec "$r" && return
  measure exec exec "$r" rt "$r" exec "${EXEC_ID[$r]}" /bin/true
}

exec_teardown ()
{
  local r
  for r in "${MEASURED[@]}"; do
    rt "$r" delete -f "${EXEC_ID[$r]}" > /dev/null 2>&1
    rm -rf -- "$BENCH_DIR/bundles/${EXEC_ID[$r]}"
  done
}

# --- set-up

make_bundle_parts ()
{
  local spec base
  ROOTFS=$BENCH_DIR/rootfs
  mkdir -p "$ROOTFS"/bin "$ROOTFS"/proc "$ROOTFS"/sys "$ROOTFS"/dev "$ROOTFS"/tmp \
    "$BENCH_DIR"/bundles "$BENCH_DIR"/samples "$BENCH_DIR"/spec || return 1
  cp "$BUSYBOX" "$ROOTFS/bin/busybox" || return 1
  ln -s busybox "$ROOTFS/bin/true"
  ln -s busybox "$ROOTFS/bin/sh"
  ln -s busybox "$ROOTFS/bin/sleep"

  # `runc spec` is the starting point; crun's if runc is not installed
  SPEC_TOOL=$(command -v runc || command -v crun)
  (cd "$BENCH_DIR/spec" && "$SPEC_TOOL" spec) || return 1
  spec=$BENCH_DIR/spec/config.json
  base=$(jq --arg v "$OCI_VERSION" --arg rootfs "$ROOTFS" '
      .ociVersion = $v
    | .process.terminal = false
    | .process.args = ["/bin/true"]
    | .root = { path: $rootfs, readonly: true }
    | .linux.cgroupsPath = "@CGROUP@"' "$spec") || return 1
  TPL_TRUE=$base
  TPL_LIMITS=$(jq '.linux.resources.memory = { limit: 67108864 }
                 | .linux.resources.pids = { limit: 64 }' <<< "$base") || return 1
  TPL_SLEEP=$(jq '.process.args = ["/bin/sleep", "1000"]' <<< "$base") || return 1
  TPL_LIMITS_SLEEP=$(jq '.process.args = ["/bin/sleep", "1000"]' <<< "$TPL_LIMITS") || return 1
}

# smoke RUNTIME: is it there, and can it run /bin/true?
smoke ()
{
  local r=$1 rc
  if [ "$r" = krill ]; then
    [ -x "$KRILL" ] || { NOT_MEASURED+=("$r: not measured (no executable at $KRILL)"); return 1; }
    BIN[$r]=$KRILL
  else
    BIN[$r]=$(command -v "$r") \
      || { NOT_MEASURED+=("$r: not measured (not installed)"); return 1; }
  fi
  ROOT[$r]=$BENCH_DIR/root-$r
  mkdir -p "${ROOT[$r]}"
  # with --root: crun --version alone makes /run/crun on the host
  VERSION[$r]=$("${BIN[$r]}" --root "${ROOT[$r]}" --version 2> /dev/null | head -n 1)
  new_container "$r" "$TPL_TRUE"
  timeout 30 "${BIN[$r]}" --root "${ROOT[$r]}" run --bundle "$BUNDLE" "$ID" \
    < /dev/null > /dev/null 2> "$ERRF"
  rc=$?
  rm -rf -- "$BUNDLE"
  if [ "$rc" = 0 ]; then
    return 0
  fi
  local msg
  msg=$(grep -v '^[[:space:]]*$' "$ERRF" | tail -n 1 | cut -c 1-120)
  if [ "$rc" = 124 ]; then
    msg="smoke run timed out after 30 s"
  else
    msg="smoke run failed, exit $rc${msg:+: $msg}"
  fi
  NOT_MEASURED+=("$r: not measured ($msg)")
  timeout 10 "${BIN[$r]}" --root "${ROOT[$r]}" delete -f "$ID" > /dev/null 2>&1
  return 1
}

# --- report

# stats FILE: "n median p10 p90" (nearest-rank percentiles)
stats ()
{
  sort -n "$1" | awk '{ v[NR] = $1 }
    END {
      n = NR; if (n == 0) exit 1
      med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "%d %s %s %s\n", n, med, v[int((10 * n + 99) / 100)], v[int((90 * n + 99) / 100)]
    }'
}

report_row ()
{
  local key=$1 group=$2 title=$3 unit=$4 r f n med lo hi base ratio
  for r in "${MEASURED[@]}" floor; do
    f=$BENCH_DIR/samples/$key.$r
    if [ "$r" = floor ] && [ ! -s "$f" ]; then
      continue
    fi
    if failed "$group" "$r"; then
      printf '| %s, %s | %s | | failed: %s | | |\n' "$title" "$unit" "$r" "${FAIL[$group.$r]//|/\\|}"
      continue
    fi
    read -r n med lo hi < <(stats "$f" 2> /dev/null) || continue
    ratio=n/a
    if [ -s "$BENCH_DIR/samples/$key.crun" ] && ! failed "$group" crun; then
      read -r _ base _ _ < <(stats "$BENCH_DIR/samples/$key.crun")
      ratio=$(awk -v a="$med" -v b="$base" 'BEGIN { printf "%.2f×", a / b }')
    fi
    if [ "$unit" = ms ]; then
      read -r med lo hi < <(awk -v m="$med" -v l="$lo" -v h="$hi" \
        'BEGIN { printf "%.2f %.2f %.2f\n", m / 1000, l / 1000, h / 1000 }')
    else
      med=$(awk -v m="$med" 'BEGIN { printf "%.0f", m }')
    fi
    printf '| %s, %s | %s | %s | %s | %s–%s | %s |\n' \
      "$title" "$unit" "$r" "$n" "$med" "$lo" "$hi" "$ratio"
  done
}

report ()
{
  local r line
  echo "### krill bench, $(date -u '+%Y-%m-%d %H:%M UTC'), N=$N"
  echo
  echo "- host: $(uname -sr), $(nproc) CPUs; $CGMODE"
  echo "- load average before the run: $LOAD_BEFORE; the run took ${SECONDS} s"
  for r in "${MEASURED[@]}"; do
    echo "- $r: \`${BIN[$r]}\`: ${VERSION[$r]:-version unknown}"
  done
  for line in "${NOT_MEASURED[@]}"; do
    echo "- $line"
  done
  echo "- floor: \`unshare -mpuinf --fork chroot ROOTFS /bin/true\`"
  echo "- bundle: busybox-static rootfs on tmpfs, read-only; config.json from" \
       "\`$(basename "$SPEC_TOOL") spec\` with ociVersion $OCI_VERSION, terminal false," \
       "args [\"/bin/true\"], absolute cgroupsPath /$BENCH_CG/<runtime>-<n>"
  echo "- times: wall clock of each call (bash \$EPOCHREALTIME around fork+exec+wait), ms;" \
       "the runtimes take turns call by call and the first one rotates every iteration"
  echo "- spread: p10–p90, nearest rank over the n samples"
  if [ -x "$GNU_TIME" ]; then
    echo "- peak RSS: GNU time \`-f %M\` around \`run\`: the largest ru_maxrss among" \
         "\`run\` and the processes it waited for (one process, not a sum), KiB"
  else
    echo "- peak RSS: not measured ($GNU_TIME missing: apt-get install time)"
  fi
  echo "- × crun: median divided by crun's median"
  echo
  echo "| case | runtime | n | median | p10–p90 | × crun |"
  echo "|---|---|--:|--:|--:|--:|"
  report_row run run "run /bin/true" ms
  report_row create life "create" ms
  report_row state life "state (created)" ms
  report_row start life "start" ms
  report_row delete life "delete (stopped)" ms
  [ -x "$GNU_TIME" ] && report_row rss rss "run: peak RSS" KiB
  [ "$LIMITS" = 1 ] && report_row limits limits "run, memory 64 MiB + pids 64" ms
  [ "$LIMITS" = 1 ] && report_row charge charge "created container: memory charge" KiB
  [ "$EXEC" = 1 ] && report_row exec exec "exec /bin/true" ms
  return 0
}

inner ()
{
  local r i k order
  trap inner_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  CGMODE="cgroup v1"
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    CGMODE="cgroup v2"
  elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ]; then
    mount -t tmpfs -o mode=755 krill-bench /sys/fs/cgroup/unified \
      || die "cannot cover /sys/fs/cgroup/unified"
    CGMODE="hybrid cgroups; cgroup2 at /sys/fs/cgroup/unified covered by a private tmpfs, so all runtimes use v1"
  fi
  mount -t tmpfs -o mode=700 krill-bench "$BENCH_DIR" || die "cannot mount a tmpfs on $BENCH_DIR"
  cd "$BENCH_DIR" || die "cd $BENCH_DIR"
  ERRF=$BENCH_DIR/stderr
  make_bundle_parts || die "cannot make the bundle"

  for r in $RUNTIMES; do
    if smoke "$r"; then
      MEASURED+=("$r")
    else
      say "bench.sh: ${NOT_MEASURED[-1]}"
    fi
  done
  [ "${#MEASURED[@]}" -gt 0 ] || say "bench.sh: no runtime to measure; the floor only"

  LOAD_BEFORE=$(cut -d ' ' -f 1-3 /proc/loadavg)
  SECONDS=0
  [ "$EXEC" = 1 ] && exec_setup
  local cases=(case_run case_lifecycle case_rss)
  [ "$LIMITS" = 1 ] && cases+=(case_limits case_charge)
  [ "$EXEC" = 1 ] && cases+=(case_exec)
  local all=("${MEASURED[@]}" floor) m=$(( ${#MEASURED[@]} + 1 ))

  for ((i = 0; i < N; i++)); do
    order=()
    for ((k = 0; k < m; k++)); do
      order+=("${all[(i + k) % m]}")
    done
    for c in "${cases[@]}"; do
      for r in "${order[@]}"; do
        "$c" "$r"
      done
    done
    (( (i + 1) % 10 == 0 || i + 1 == N )) && say "bench.sh: $((i + 1))/$N"
  done
  [ "$EXEC" = 1 ] && exec_teardown

  if [ -n "$SAMPLES" ]; then
    mkdir -p "$SAMPLES" && cp "$BENCH_DIR"/samples/* "$SAMPLES"/ 2> /dev/null
  fi
  report
}

if [ "${KRILL_BENCH_STAGE:-}" = inner ]; then
  inner
else
  outer
fi

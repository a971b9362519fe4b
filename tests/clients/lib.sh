# Shared by the client tests (podman.sh, containerd.sh, docker.sh): each
# drives the real client program, with private state, against the runtime
# $CLIENT_RUNTIME (default: the built krill; /usr/sbin/runc validates the
# scenarios themselves). The runtime is reached through a wrapper script that
# records every call, keeps each bundle's config.json and the runtime's error
# log lines, so every scenario can prove that this runtime ran its container.
#
# A client file defines client_setup, client_clean (remove every container),
# client_teardown and scenarios named t_*, then calls run_scenarios. Each
# scenario prints "ok", "not ok" or "skip clients/CLIENT/NAME # reason".
# Runs only with KRILL_CLIENT_TESTS=1; TEST_FILTER=GLOB runs some scenarios.
# Diagnosis: CLIENT_STRIP='.linux.seccomp,.linux.resources.pids' has the
# wrapper delete these fields from each config.json, to see what fails next.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLIENT=$(basename "$0" .sh)
KRILL=${KRILL:-$TOP/krill}
CLIENT_RUNTIME=${CLIENT_RUNTIME:-$KRILL}
TMP_BASE=${KRILL_TEST_TMP:-/tmp}
IMAGE_REF=krill-busybox:latest
GRACE=2 # stop timeout (s) in the stop scenarios

# skip "reason": ends the scenario as skipped.
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "    $*" >&2; return 1; }
expect_eq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }
expect_contains() { [[ $1 == *"$2"* ]] || fail "expected to find '$2' in: $1"; }
expect_not_contains() { [[ $1 != *"$2"* ]] || fail "did not expect '$2' in: $1"; }
# expect_rc N CMD...: runs CMD, fails unless it exits with N.
expect_rc() {
  local want=$1 rc=0
  shift
  "$@" || rc=$?
  [ "$rc" = "$want" ] || fail "expected exit $want, got $rc from: $*"
}
# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local n=$(($1 * 10))
  shift
  while [ $n -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}

# Runs CMD in a pseudo-terminal, feeding it INPUT after a short delay, as a
# person at a terminal would: `in_tty INPUT CMD...` prints the session.
in_tty() {
  local input=$1
  shift
  local cmd
  cmd=$(printf '%q ' "$@")
  { sleep 1.5; printf '%s' "$input"; sleep 1.5; } |
    timeout 60 script -qfec "$cmd" /dev/null
}

runtime_is_krill() { "$CLIENT_RUNTIME" --version 2>/dev/null | grep -q '^krill'; }

# The wrapper the clients get as their runtime path.
make_wrapper() {
  REC=$W/rt
  mkdir -p "$REC/configs"
  : >"$REC/calls.log"
  : >"$REC/errors.log"
  WRAPPER=$W/runtime
  cat >"$WRAPPER" <<EOF
#!/bin/bash
# Runtime wrapper of the client tests: records the call, keeps the bundle's
# config.json on create, runs the runtime, keeps its last log lines on error.
rt=$(printf %q "$CLIENT_RUNTIME") rec=$(printf %q "$REC")
printf '%s\n' "\$*" >>"\$rec/calls.log"
cmd= bundle= log= prev= id=
for a in "\$@"; do
  case \$prev in
    --log) log=\$a ;;
    --bundle|-b) bundle=\$a ;;
    --root|--log-format|--criu|--rootless) ;;
    *) case \$a in
         --log=*) log=\${a#--log=} ;;
         --bundle=*) bundle=\${a#--bundle=} ;;
         -*) ;;
         *) [ -n "\$cmd" ] || cmd=\$a ;;
       esac ;;
  esac
  prev=\$a id=\$a
done
strip=$(printf %q "${CLIENT_STRIP:-}")
if [ "\$cmd" = create ] || [ "\$cmd" = run ]; then
  cp "\${bundle:-.}/config.json" "\$rec/configs/\$id.json" 2>/dev/null
  # diagnosis only (CLIENT_STRIP): drop fields from the client's config
  if [ -n "\$strip" ]; then
    jq "del(\$strip)" "\${bundle:-.}/config.json" >"\$rec/strip.tmp" && cat "\$rec/strip.tmp" >"\${bundle:-.}/config.json"
  fi
fi
"\$rt" "\$@"
rc=\$?
if [ \$rc != 0 ]; then
  { echo "== exit \$rc: \$*"; [ -z "\$log" ] || tail -n 3 "\$log" 2>/dev/null; } >>"\$rec/errors.log"
fi
exit \$rc
EOF
  chmod +x "$WRAPPER"
}

# client_cmd 'COMMAND "$@"': the client with its private settings as a
# program named C in $W/bin (on PATH), so that `script` and `timeout` can
# run it too.
client_cmd() {
  mkdir -p "$W/bin"
  { echo '#!/bin/bash'; echo "$1"; } >"$W/bin/C"
  chmod +x "$W/bin/C"
  export PATH=$W/bin:$PATH
}

# With CLIENT_SAVE_FIXTURES=1, keeps the config.json the client wrote as
# tests/clients/fixtures/CLIENT-config.json.
save_fixture() {
  [ "${CLIENT_SAVE_FIXTURES:-0}" = 1 ] || return 0
  mkdir -p "$TOP/tests/clients/fixtures"
  jq -S . "$1" >"$TOP/tests/clients/fixtures/$CLIENT-config.json"
}

# The image tarball, built once per user and reused.
image_tar() {
  local tar=$TMP_BASE/krill-clients-busybox-$(id -u).tar
  exec 8>"$tar.lock"
  flock 8
  if [ ! -s "$tar" ]; then
    "$TOP/tests/clients/mkimage.sh" "$tar.tmp" "$IMAGE_REF" && mv -f "$tar.tmp" "$tar"
  fi
  exec 8>&-
  echo "$tar"
}

# The cgroup dirs, mounts and processes that exist under our names now.
cgroup_dirs() { find /sys/fs/cgroup/*/"${CG#/}" /sys/fs/cgroup/"${CG#/}" -mindepth 1 -type d 2>/dev/null | sort; }
our_mounts() { grep -F "$W" /proc/self/mountinfo | awk '{print $5}' | sort; }
our_procs() { # processes naming our temp dir, less the daemons, and the runtime's
  local p
  for p in $(pgrep -f -- "$W"); do
    [ "$p" != $$ ] && [ "$p" != "$BASHPID" ] || continue
    grep -qxF "$p" "$W/baseline.procs" 2>/dev/null && continue
    echo "$p $(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)"
  done
}
# Where the runtime keeps state: the --root the clients pass, or its default.
runtime_roots() {
  grep -oE -- '--root[= ][^ ]+' "$REC/calls.log" | sed -E 's/--root[= ]//'
  if runtime_is_krill; then echo /run/krill; else echo "/run/$(basename "$CLIENT_RUNTIME")"; fi
}
runtime_states() { # the state dirs of the containers created through the wrapper
  local r id
  for r in $(runtime_roots | sort -u); do
    for id in $(awk '$1 == "create" || / create / { print $NF }' "$REC/calls.log" | sort -u); do
      [ ! -e "$r/$id" ] || echo "$r/$id"
    done
  done
}

# Everything a scenario may leave must be gone after the client removed its
# containers (asynchronous teardown in the daemons: give it some seconds).
leftovers() {
  local what
  what=$(
    comm -13 "$W/baseline.mounts" <(our_mounts) | sed 's/^/mount /'
    cgroup_dirs | grep -vxF -f "$W/baseline.cgroups" | sed 's/^/cgroup /'
    runtime_states | sed 's/^/runtime state /'
    our_procs | sed 's/^/process /'
  )
  # what the client keeps of its own (LEFTOVER_IGNORE: a regex of such lines)
  what=$(grep -vE "${LEFTOVER_IGNORE:-^$}" <<<"$what")
  [ -z "$what" ] || { echo "$what"; return 1; }
}

take_baseline() {
  our_mounts >"$W/baseline.mounts"
  cgroup_dirs >"$W/baseline.cgroups"
  pgrep -f -- "$W" >"$W/baseline.procs" || true
}

# Why a scenario failed when krill lacks what it needs: krill's own refusal
# in the runtime's error log or the client's output. Prints the reason.
krill_gap() {
  local text=$1 field cmd
  field=$(grep -oE '[][A-Za-z0-9_.]+: not implemented by this version of krill' <<<"$text" | head -n 1 | cut -d: -f1)
  if [ -n "$field" ]; then echo "krill lacks $field (issue 6)"; return 0; fi
  cmd=$(grep -oE "No help topic for '[a-z]+'" <<<"$text" | head -n 1 | cut -d"'" -f2)
  if [ -n "$cmd" ]; then echo "krill lacks the $cmd command (issue 6)"; return 0; fi
  field=$(grep -oE 'mount option "[^"]+" is not supported' <<<"$text" | head -n 1 | cut -d'"' -f2)
  if [ -n "$field" ]; then echo "krill lacks the mount option $field (issue 6)"; return 0; fi
  return 1
}

cleanup_all() {
  client_clean >/dev/null 2>&1 || true
  client_teardown >/dev/null 2>&1 || true
  local d
  for d in $(find /sys/fs/cgroup/*/"${CG#/}" /sys/fs/cgroup/"${CG#/}" -depth -type d 2>/dev/null); do
    rmdir "$d" 2>/dev/null || true
  done
  if [ -z "${KEEP_CLIENT_TMP:-}" ]; then
    our_mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$W"
  fi
}

scenario_names() { declare -F | awk '{print $3}' | grep '^t_' | sed 's/^t_//'; }

run_scenarios() {
  local s rc out before_calls before_errs reason left
  if [ "${KRILL_CLIENT_TESTS:-0}" != 1 ]; then
    echo "skip clients/$CLIENT # set KRILL_CLIENT_TESTS=1 (needs podman, containerd, docker.io)"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    for s in $(scenario_names); do echo "skip clients/$CLIENT/$s # needs root"; done
    return 0
  fi
  local missing
  missing=$(client_needs)
  if [ -n "$missing" ]; then
    for s in $(scenario_names); do echo "skip clients/$CLIENT/$s # needs $missing"; done
    return 0
  fi
  W=$(mktemp -d "$TMP_BASE/krill-clients-$CLIENT.XXXXXX")
  CG=/krill-clients-$CLIENT-$$
  export W CG
  trap cleanup_all EXIT
  trap 'exit 130' INT TERM
  make_wrapper
  echo "# $CLIENT with runtime $CLIENT_RUNTIME ($("$CLIENT_RUNTIME" --version | head -n 1)), state in $W"
  if ! client_setup >"$W/setup.log" 2>&1; then
    for s in $(scenario_names); do echo "not ok clients/$CLIENT/$s # client setup failed"; done
    sed 's/^/    /' "$W/setup.log" | tail -n 30
    return 1
  fi
  take_baseline
  for s in $(scenario_names); do
    [ -z "${TEST_FILTER:-}" ] || [[ $s == $TEST_FILTER ]] || continue
    before_calls=$(wc -l <"$REC/calls.log")
    before_errs=$(wc -l <"$REC/errors.log")
    N=k$$-$s # container name of the scenario (more: $N-2, ...)
    export N
    (set -e; [ -z "${CLIENT_TRACE:-}" ] || set -x; "t_$s") >"$W/$s.log" 2>&1 </dev/null
    rc=$?
    client_clean >>"$W/$s.log" 2>&1
    if [ $rc = 0 ] || [ $rc = 77 ]; then
      # the proof: this scenario's containers were created through the wrapper
      if [ $rc = 0 ] && ! tail -n +"$((before_calls + 1))" "$REC/calls.log" | grep -qE '(^| )(create|run) '; then
        echo "    the runtime under test was never asked to create a container" >>"$W/$s.log"
        rc=1
      fi
    fi
    left=
    if ! wait_for 10 leftovers; then
      left=$(leftovers)
      printf '    left behind:\n%s\n' "$(sed 's/^/      /' <<<"$left")" >>"$W/$s.log"
      # clear the way for the next scenario
      take_baseline
    fi
    out=$(cat "$W/$s.log"; tail -n +"$((before_errs + 1))" "$REC/errors.log")
    if [ -n "$left" ]; then # whatever the outcome, nothing may stay
      echo "not ok clients/$CLIENT/$s # left something behind"
      printf '%s\n' "$out" | tail -n 25 | sed 's/^/    /'
    elif [ $rc = 0 ]; then
      echo "ok clients/$CLIENT/$s"
    elif [ $rc = 77 ]; then
      echo "skip clients/$CLIENT/$s # $(grep '^SKIP: ' "$W/$s.log" | tail -n 1 | sed 's/^SKIP: //')"
    elif runtime_is_krill && reason=$(krill_gap "$out"); then
      echo "skip clients/$CLIENT/$s # $reason"
    else
      echo "not ok clients/$CLIENT/$s"
      printf '%s\n' "$out" | tail -n 25 | sed 's/^/    /'
    fi
  done
}

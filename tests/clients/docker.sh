#!/bin/bash
# Docker's daemon runs its containers on the runtime under test, selected the
# way a user does: {"runtimes": {"krill": {"path": PATH}}} in daemon.json and
# `docker run --runtime krill`. The daemon (and the containerd it starts) is
# our own: private data-root, exec-root and socket, the cgroupfs driver, no
# bridge and no iptables, stopped at the end.
# usage: KRILL_CLIENT_TESTS=1 [CLIENT_RUNTIME=/usr/sbin/runc] bash tests/clients/docker.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dockerlike.sh"

# Debian's client: another `docker` may come first on PATH
DOCKER_CLI=${DOCKER_CLI:-/usr/bin/docker}

client_needs() {
  local m=
  command -v dockerd >/dev/null || m="$m dockerd"
  [ -x "$DOCKER_CLI" ] || m="$m docker"
  command -v containerd >/dev/null || m="$m containerd"
  command -v script >/dev/null || m="$m script"
  echo "${m# }"
}

client_setup() {
  mkdir -p "$W/docker/data" "$W/docker/exec" "$W/docker/cli"
  jq -n --arg w "$W" --arg rt "$WRAPPER" '{
    "runtimes": { "krill": { "path": $rt } },
    "exec-opts": ["native.cgroupdriver=cgroupfs"],
    "data-root": ($w + "/docker/data"), "exec-root": ($w + "/docker/exec"),
    "pidfile": ($w + "/docker/dockerd.pid"), "hosts": [("unix://" + $w + "/docker.sock")],
    "bridge": "none", "iptables": false, "ip6tables": false, "ip-forward": false,
    "ip-masq": false, "userland-proxy": false, "storage-driver": "overlay2",
    "log-driver": "json-file", "log-level": "info" }' >"$W/docker/daemon.json"
  dockerd --config-file "$W/docker/daemon.json" >"$W/dockerd.log" 2>&1 &
  echo $! >"$W/dockerd.pid"
  client_cmd "export DOCKER_CONFIG=$W/docker/cli DOCKER_HOST=unix://$W/docker.sock
exec $DOCKER_CLI \"\$@\""
  wait_for 60 C version || { tail -n 30 "$W/dockerd.log"; return 1; }
  C load -i "$(image_tar)"
  IMG=$IMAGE_REF
  C image inspect "$IMG" >/dev/null || return 1
  RUN=(--runtime krill --network none --cgroup-parent "$CG")
}

client_clean() {
  local ids
  ids=$(C ps -aq 2>/dev/null)
  [ -z "$ids" ] || C rm -f $ids >/dev/null 2>&1
  return 0
}

client_teardown() {
  local pid
  pid=$(cat "$W/dockerd.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null
  wait_for 30 sh -c "! kill -0 $pid" || kill -9 "$pid"
  wait "$pid" 2>/dev/null
}

# what the client answers (with runc) for an exec of a missing command
EXEC_NOT_FOUND=126
run_scenarios

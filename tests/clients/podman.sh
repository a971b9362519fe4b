#!/bin/bash
# Podman (with conmon) runs its containers on the runtime under test, selected
# the way a user does: `podman --runtime PATH`. Private storage and run dirs,
# the cgroupfs manager, no network, each container under our own absolute
# cgroup parent. usage: KRILL_CLIENT_TESTS=1 [CLIENT_RUNTIME=/usr/sbin/runc] bash tests/clients/podman.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dockerlike.sh"

client_needs() {
  local m=
  command -v podman >/dev/null || m="$m podman"
  command -v conmon >/dev/null || m="$m conmon"
  command -v script >/dev/null || m="$m script"
  echo "${m# }"
}

client_setup() {
  # Our own containers.conf: nothing from the host's, no journald, no network.
  cat >"$W/containers.conf" <<EOF
[containers]
netns = "none"
# podman's defaults for root (nofile 1048576, nproc 4194304) are above the
# hard limits here, which no runtime can raise without CAP_SYS_RESOURCE
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
events_logger = "file"
cgroup_manager = "cgroupfs"
EOF
  : >"$W/registries.conf"
  client_cmd "export CONTAINERS_CONF=$W/containers.conf CONTAINERS_REGISTRIES_CONF=$W/registries.conf
exec podman --root $W/storage --runroot $W/run --tmpdir $W/tmp --storage-driver overlay \\
  --cgroup-manager cgroupfs --events-backend file --runtime $WRAPPER \"\$@\""
  mkdir -p "$W/tmp"
  C load -i "$(image_tar)"
  IMG=$(C images -q --filter reference="$IMAGE_REF" | head -n 1)
  [ -n "$IMG" ] || { echo "image $IMAGE_REF not loaded"; return 1; }
  RUN=(--network none --cgroup-parent "$CG")
}

# Podman's own, not a container's: conmon's cgroup next to the containers',
# and the graph driver's mount of its own dir, made at some first use.
LEFTOVER_IGNORE='^(cgroup /sys/fs/cgroup/[^/]+/krill-clients-podman-[0-9]+/conmon|mount /.*/storage/overlay)$'

client_clean() {
  C rm -af -t 0 >/dev/null 2>&1
}

client_teardown() {
  C system reset -f >/dev/null 2>&1 || true
  # podman's storage keeps its overlay mount of the graph root
  umount "$W/storage/overlay" 2>/dev/null || true
}

# what the client answers (with runc) for an exec of a missing command
EXEC_NOT_FOUND=127
run_scenarios

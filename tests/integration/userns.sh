#!/bin/bash
# User namespaces, run as root: a new one with uidMappings/gidMappings (the
# parent writes the maps while init waits), one joined by path, exec into
# one, and bad mappings refused by name. Inside, the container's root is the
# mapped host uid; /dev nodes, /sys and the read-only mounts still work.
. "$(dirname "$0")/lib.sh"

MAP='[{"containerID": 0, "hostID": 100000, "size": 65536}]'
USERNS='.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = '"$MAP"' | .linux.gidMappings = '"$MAP"

# userns_bundle NAME [JQ-FILTER]: a bundle with the user namespace and a
# private rootfs owned by the mapped root; the test's dir is made
# reachable for it (mktemp makes it 0700 root).
userns_bundle() {
  local b
  b=$(new_bundle "$1" "$USERNS | ${2:-.}")
  private_rootfs "$b"
  chown -R 100000:100000 "$b/rootfs"
  chmod 755 "$T"
  echo "$b"
}

# The host's bounding set as a JSON list of capability names.
host_caps() {
  capsh --decode="$(awk '/^CapBnd/ { print $2 }' /proc/self/status)" | sed 's/^[^=]*=//' | tr ',' '\n' |
    tr '[:lower:]' '[:upper:]' | jq -R . | jq -s -c .
}

test_userns_new_inside() {
  local b out caps
  needs_userns
  command -v capsh >/dev/null || skip "needs capsh"
  caps=$(host_caps)
  mkdir "$T/data"
  chown 100000:100000 "$T/data"
  b=$(userns_bundle b '.process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; touch /data/f; grep CapEff /proc/self/status; echo x > /dev/null && echo devnull-ok; echo x > /dev/zero && echo devzero-ok; ls /sys/kernel >/dev/null && echo sys-ok; touch /rofile 2>/dev/null || echo root-ro"]
    | .root.readonly = true
    | .process.capabilities = {"bounding": '"$caps"', "effective": '"$caps"', "permitted": '"$caps"'}
    | .mounts += [{"destination": "/data", "type": "bind", "source": "'"$T/data"'", "options": ["rbind", "rw"]}]')
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  expect_eq "$(echo "$out" | sed -n 1p | tr -s ' ')" " 0 100000 65536"
  expect_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 100000 65536"
  expect_eq "$(echo "$out" | sed -n 3p)" "0"
  expect_eq "$(echo "$out" | sed -n 4p)" "0"
  expect_eq "$(echo "$out" | sed -n 5p)" "CapEff:	$(awk '/^CapBnd/ { print $2 }' /proc/self/status)"
  expect_contains "$out" "devnull-ok"
  expect_contains "$out" "devzero-ok"
  expect_contains "$out" "sys-ok"
  expect_contains "$out" "root-ro"
  expect_eq "$(stat -c %u:%g "$T/data/f")" "100000:100000"
}

test_userns_host_sees_mapped_uid() {
  local b pid
  needs_userns
  b=$(userns_bundle b '.process.args = ["sleep", "100"]')
  k run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 || fail "run: $(cat "$T/run.log")"
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" "100000 100000 100000 100000"
  expect_eq "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" "100000 100000 100000 100000"
  [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] || fail "init is in the host's user namespace"
  expect_eq "$(tr -s ' ' <"/proc/$pid/uid_map")" " 0 100000 65536"
  # setgroups stays "allow" when krill runs as root, as in runc
  expect_eq "$(cat "/proc/$pid/setgroups")" "allow"
}

# Without a network namespace of its own the kernel refuses a new sysfs in
# a user namespace: /sys is the host's, bound.
test_userns_host_network_sysfs() {
  local b out
  needs_userns
  b=$(userns_bundle b '.linux.namespaces |= map(select(.type != "network"))
    | .process.args = ["sh", "-c", "ls /sys/class/net; echo --; grep \" /sys \" /proc/self/mountinfo"]')
  out=$(k run --bundle "$b" "$ID" 2>&1) || fail "run: $out"
  expect_eq "$(echo "$out" | sed '/^--$/,$d')" "$(ls /sys/class/net)"
  expect_contains "$(echo "$out" | sed '1,/^--$/d')" " / /sys ro,"
  expect_contains "$(echo "$out" | sed '1,/^--$/d')" " - sysfs "
}

test_userns_join_by_path() {
  local a b pid out
  needs_userns
  a=$(userns_bundle a '.process.args = ["sleep", "100"]')
  k run -d --bundle "$a" "$ID-a" </dev/null >"$T/run.log" 2>&1 || fail "run a: $(cat "$T/run.log")"
  pid=$(k state "$ID-a" | jq -r .pid)
  b=$(new_bundle b '.linux.namespaces |= map(if .type == "network" then .path = "/proc/'"$pid"'/ns/net" else . end)
    | .linux.namespaces += [{"type": "user", "path": "/proc/'"$pid"'/ns/user"}]
    | .process.args = ["sleep", "100"]')
  private_rootfs "$b"
  chown -R 100000:100000 "$b/rootfs"
  k run -d --bundle "$b" "$ID-b" </dev/null >"$T/run.log" 2>&1 || fail "run b: $(cat "$T/run.log")"
  out=$(k state "$ID-b" | jq -r .pid)
  expect_eq "$(readlink "/proc/$out/ns/user")" "$(readlink "/proc/$pid/ns/user")"
  expect_eq "$(readlink "/proc/$out/ns/net")" "$(readlink "/proc/$pid/ns/net")"
  [ "$(readlink "/proc/$out/ns/mnt")" != "$(readlink "/proc/$pid/ns/mnt")" ] || fail "mount namespace shared"
  expect_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$out/status")" "100000"
  # inside: root (its proc mounted: the new pid namespace is the joined
  # user namespace's)
  out=$(k exec "$ID-b" sh -c 'id -u; cat /proc/self/uid_map; echo x >/dev/null && echo devnull-ok' 2>&1) ||
    fail "exec b: $out"
  expect_eq "$(echo "$out" | sed -n 1p)" "0"
  expect_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 100000 65536"
  expect_contains "$out" "devnull-ok"
  # mappings with the path must be the joined namespace's own
  b=$(new_bundle c '.linux.namespaces += [{"type": "user", "path": "/proc/'"$pid"'/ns/user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]')
  private_rootfs "$b"
  chown -R 100000:100000 "$b/rootfs"
  if k create --bundle "$b" "$ID-c" >"$T/out" 2>&1; then fail "mismatched mappings accepted"; fi
  expect_contains "$(cat "$T/out")" "linux.uidMappings: not the mappings of the user namespace joined by path"
  assert_nothing_left "$ID-c" c
}

test_userns_exec() {
  local b pid out
  needs_userns
  b=$(userns_bundle b '.process.args = ["sleep", "100"] | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 4096}]')
  # With CAP_SYS_RESOURCE, krill's own hard limit below the config's:
  # raised from outside the user namespace (inside, the capability is not
  # the host's). Without it (some sandboxes), nobody can raise it.
  local lower=()
  if [ $(( 0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24 & 1 )) = 1 ]; then
    lower=(prlimit --nofile=1024:1024)
  fi
  "${lower[@]}" "$KRILL" --root "$T/state" run -d --bundle "$b" "$ID" </dev/null >"$T/run.log" 2>&1 ||
    fail "run: $(cat "$T/run.log")"
  pid=$(k state "$ID" | jq -r .pid)
  expect_eq "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$pid/limits")" "2048 4096"
  expect_eq "$("${lower[@]}" "$KRILL" --root "$T/state" exec "$ID" sh -c 'ulimit -Hn' 2>&1)" "4096"
  out=$(k exec "$ID" sh -c 'id -u; cat /proc/self/uid_map; ulimit -n; echo x > /dev/null && echo devnull-ok; sleep 1 & echo $! >/tmp/child; wait' 2>&1) ||
    fail "exec: $out"
  expect_eq "$(echo "$out" | sed -n 1p)" "0"
  expect_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 100000 65536"
  expect_eq "$(echo "$out" | sed -n 3p)" "2048"
  expect_contains "$out" "devnull-ok"
  [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] || fail "no user namespace"
  # the exec'd process as the host sees it
  k exec -d --pid-file "$T/exec.pid" "$ID" sleep 30 || fail "exec -d"
  expect_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$(cat "$T/exec.pid")/status")" "100000"
  expect_eq "$(readlink "/proc/$(cat "$T/exec.pid")/ns/user")" "$(readlink "/proc/$pid/ns/user")"
}


test_userns_bad_mappings() {
  needs_userns
  refuse nons '.linux.uidMappings = '"$MAP"' | .linux.gidMappings = '"$MAP" \
    'linux.uidMappings: user namespace mappings given, but no user namespace'
  refuse nomap '.linux.namespaces += [{"type": "user"}]' \
    'linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings'
  refuse nogid '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = '"$MAP" \
    'linux.gidMappings: required'
  refuse zero "$USERNS"' | .linux.uidMappings[0].size = 0' \
    'linux.uidMappings[0].size: must not be 0'
  refuse overlap "$USERNS"' | .linux.gidMappings += [{"containerID": 1000, "hostID": 300000, "size": 10}]' \
    'linux.gidMappings[1]: container ids 1000-1009 overlap linux.gidMappings[0]'
  refuse hostoverlap "$USERNS"' | .linux.uidMappings += [{"containerID": 70000, "hostID": 100010, "size": 10}]' \
    'linux.uidMappings[1]: host ids 100010-100019 overlap linux.uidMappings[0]'
  refuse wrap "$USERNS"' | .linux.uidMappings[0].hostID = 4294967290' \
    'linux.uidMappings[0]: host ids 4294967290-'
  refuse many "$USERNS"' | .linux.uidMappings = [range(341) | {"containerID": ., "hostID": (100000 + .), "size": 1}]' \
    'linux.uidMappings: 341 mappings, the kernel takes at most 340'
  refuse noroot "$USERNS"' | .linux.uidMappings[0].containerID = 1' \
    'linux.uidMappings: container uid 0 is not mapped'
}

run_tests

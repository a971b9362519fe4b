#!/bin/bash
# demo.sh: make a bundle from Debian's busybox-static (./demo), and run a
# container from it with the krill built in this tree.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
krill=$top/krill
demo=$top/demo
rm -rf "$demo"
mkdir -p "$demo"
"$top/tests/mkrootfs.sh" "$demo/rootfs"
(cd "$demo" && "$krill" spec)
# No terminal (the demo may run without one), a message, and an absolute
# cgroup path of its own (a relative one would nest in the caller's cgroup).
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo \"hello from inside krill: pid $$ on $(hostname), $(cat /proc/self/status | grep -c ^Cap) capability sets\""]
    | .linux.cgroupsPath = "/krill-demo"' "$demo/config.json" >"$demo/config.json.new"
mv "$demo/config.json.new" "$demo/config.json"
cd "$demo"
"$krill" --root "$demo/state" run krill-demo

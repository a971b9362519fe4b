#!/bin/bash
# mkrootfs.sh DIR: a minimal rootfs from Debian's busybox-static (the static
# busybox binary, one symlink per applet, /etc/passwd and /etc/group).
set -euo pipefail
dir=$1
bb=$(command -v busybox || true)
[ -n "$bb" ] || { echo "mkrootfs: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || [ -x /bin/busybox ] || true
mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home}
cp "$bb" "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
chmod 1777 "$dir/tmp"
cat >"$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >"$dir/etc/group" <<'G'
root:x:0:
tty:x:5:
nogroup:x:65534:
G
echo "krill test rootfs" >"$dir/etc/motd"

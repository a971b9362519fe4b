#!/bin/bash
# mkimage.sh OUT.tar [NAME:TAG]: a one-layer busybox image from Debian's
# busybox-static (the rootfs of tests/mkrootfs.sh), written as a tarball that
# is at once an OCI image layout (index.json, for `ctr images import`) and a
# `docker save` archive (manifest.json, for `docker load` and `podman load`).
# No registry is reachable: the clients load it from this file.
set -euo pipefail
out=$1
ref=${2:-krill-busybox:latest}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
w=$(mktemp -d /tmp/krill-mkimage.XXXXXX)
trap 'rm -rf "$w"' EXIT

"$TOP/tests/mkrootfs.sh" "$w/rootfs" >/dev/null
# Reproducible layer: fixed order, times and owners.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  -C "$w/rootfs" -cf "$w/layer.tar" .

mkdir -p "$w/img/blobs/sha256"
blob() { # blob FILE -> its digest hex; the file moves into blobs/
  local h
  h=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$w/img/blobs/sha256/$h"
  echo "$h"
}
size() { stat -c %s "$w/img/blobs/sha256/$1"; }

layer=$(blob "$w/layer.tar")
jq -cn --arg diff "sha256:$layer" '{
  architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
  config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            Cmd: ["sh"], WorkingDir: "/" },
  rootfs: { type: "layers", diff_ids: [$diff] },
  history: [ { created: "1970-01-01T00:00:00Z", created_by: "tests/clients/mkimage.sh" } ] }' >"$w/config.json"
config=$(blob "$w/config.json")

jq -cn --arg c "sha256:$config" --argjson cs "$(size "$config")" \
  --arg l "sha256:$layer" --argjson ls "$(size "$layer")" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs },
  layers: [ { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls } ] }' >"$w/manifest.json"
manifest=$(blob "$w/manifest.json")

name=${ref%:*} tag=${ref##*:}
case $name in */*) full=docker.io/$name ;; *) full=docker.io/library/$name ;; esac
jq -cn --arg m "sha256:$manifest" --argjson ms "$(size "$manifest")" \
  --arg full "$full:$tag" --arg tag "$tag" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [ { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
                 annotations: { "io.containerd.image.name": $full, "org.opencontainers.image.ref.name": $tag },
                 platform: { architecture: "amd64", os: "linux" } } ] }' >"$w/img/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$w/img/oci-layout"
jq -cn --arg c "blobs/sha256/$config" --arg l "blobs/sha256/$layer" --arg ref "$ref" \
  '[ { Config: $c, RepoTags: [$ref], Layers: [$l] } ]' >"$w/img/manifest.json"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$w/img" -cf "$out" oci-layout index.json manifest.json blobs

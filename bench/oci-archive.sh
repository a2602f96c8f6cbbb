#!/usr/bin/env bash
# oci-archive.sh ROOTFS NAME CMD_JSON OUT.tar: ROOTFS as a one-layer OCI image archive named NAME,
# which `ctr images import` takes (containerd's CRI benchmark needs its images offline).
set -euo pipefail
rootfs=$1 name=$2 cmd=$3 out=$4
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/oci/blobs/sha256"
tar --numeric-owner --sort=name --mtime=@0 -C "$rootfs" -cf "$w/layer.tar" .
diff_id=$(sha256sum "$w/layer.tar" | cut -d' ' -f1)
gzip -n "$w/layer.tar"
blob() { # FILE -> moves it into the layout, prints "DIGEST SIZE"
  local d s
  d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  mv "$1" "$w/oci/blobs/sha256/$d"
  echo "$d $s"
}
read -r layer layer_size < <(blob "$w/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":%s,"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$cmd" "$diff_id" > "$w/config.json"
read -r config config_size < <(blob "$w/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$w/manifest.json"
read -r manifest manifest_size < <(blob "$w/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$name" "${name##*:}" > "$w/oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$w/oci/oci-layout"
tar -C "$w/oci" -cf "$out" .

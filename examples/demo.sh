#!/usr/bin/env bash
# README's first command: sets up what the demo needs on a fresh Debian machine (as root), builds
# podshim, imports a busybox image, and runs examples/demo-pod.yaml in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
dpkg -s busybox-static >/dev/null 2>&1 || packages+=(busybox-static)
command -v gcc >/dev/null 2>&1 || packages+=(gcc)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || packages+=(libc6-dev)
if [ ${#packages[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" </dev/null
fi

./mvnw -q -B -DskipTests package

# A busybox image: the static binary and a link per applet.
rootfs=/var/lib/podshim/rootfs/busybox
if [ ! -x "$rootfs/bin/sh" ]; then
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
fi
java -jar runtime/target/podshim.jar image import "$rootfs" busybox:local >/dev/null

exec java -jar runtime/target/podshim.jar run -f examples/demo-pod.yaml

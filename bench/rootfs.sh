#!/usr/bin/env bash
# rootfs.sh DIR: the one busybox rootfs every runtime of the benchmarks uses: busybox with a link
# per applet, and the stamp the app containers start with (bench/stamp.c).
set -euo pipefail
dir=$1
mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/proc" "$dir/sys" "$dir/dev"
cp /bin/busybox "$dir/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
done
gcc -Os -static -Wall -Werror -o "$dir/bin/stamp" "$(dirname "$0")/stamp.c"

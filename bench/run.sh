#!/usr/bin/env bash
# Benchmarks podshim side by side with podman and runc on this machine, in one run:
#   bench/run.sh [ROUNDS (default 30)] [N LEVELS (default 1,10,100,500)]
# As root. Installs its peers (Debian's podman, runc, busybox-static), builds podshim, makes one
# busybox rootfs that every runtime uses, and prints a Markdown table of ratios; the JSON and the
# Markdown are left in bench/last/. Removes its pods, containers, images and work directory after.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: run as root (the runtimes create namespaces and cgroups)" >&2; exit 1; }
rounds=${1:-30}
levels=${2:-1,10,100,500}

bench/packages.sh podman catatonit runc busybox-static gcc libc6-dev curl containernetworking-plugins iproute2 iptables
./mvnw -q -B -DskipTests package

work=/var/lib/podshim-bench
cleanup() {
  podman pod rm -f -t 0 $(podman pod ps -q --filter name='^[bgt]-' 2>/dev/null) >/dev/null 2>&1 || true
  podman rmi -f localhost/bench-busybox:latest >/dev/null 2>&1 || true
  for id in $(runc list -q 2>/dev/null | grep '^r-' || true); do runc delete -f "$id" || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cleanup
bench/rootfs.sh "$work/rootfs"

# podman's settings for this machine, for this run only (CONTAINERS_CONF): runc, since crun refuses
# hybrid cgroups; ulimits it may set without CAP_SYS_RESOURCE.
cat > "$work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=1024:1024"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$work/containers.conf"
tar -C "$work/rootfs" -c . | podman import - localhost/bench-busybox:latest >/dev/null
(cd "$work" && runc spec && mv config.json runc-template.json)

java -cp runtime/target/podshim.jar bench/Bench.java "$work" runtime/target/podshim.jar "$rounds" "$levels"
mkdir -p bench/last
cp "$work/results.md" "$work/results.json" bench/last/

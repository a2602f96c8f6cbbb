#!/usr/bin/env bash
# Benchmarks podshim's CRI against containerd's (Debian's containerd 1.6 with runc), both driven
# through the same gRPC client in one run:
#   bench/cri.sh [ROUNDS (default 30)] [IDLE PODS (default 50)]
# As root. Installs containerd, runc, busybox-static and the CNI plugins if missing, builds podshim,
# makes one busybox image (and containerd's pause, built here: no registry is reached) for both,
# starts a containerd and a podshim daemon of the run's own (sockets, state and cgroups apart from
# any on the machine), and prints a Markdown table of ratios, also left in bench/last-cri/. Both
# runtimes run in a network namespace made for the run, and put each pod on a CNI bridge network
# there (containerd's own conflist; podshim's own bridge network), never on the machine's network.
# Removes everything it made after.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/cri.sh: run as root (the runtimes create namespaces and cgroups)" >&2; exit 1; }
rounds=${1:-30}
idle=${2:-50}

bench/packages.sh containerd runc busybox-static gcc libc6-dev containernetworking-plugins
./mvnw -q -B -DskipTests package

work=/var/lib/podshim-bench-cri
run=/run/podshim-bench-cri
netns=podshim-bench-cri
containerd_pid=
cleanup() {
  if [ -n "$containerd_pid" ]; then
    kill "$containerd_pid" 2>/dev/null || true
    wait "$containerd_pid" 2>/dev/null || true
  fi
  # What containerd's shims leave when containerd goes first: their containers, then mounts under its root.
  pkill -f "containerd-shim-runc-v2 -namespace k8s.io -address $run/containerd.sock" 2>/dev/null || true
  grep -o " $work/[^ ]*\| $run/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work" "$run"
  ip netns del "$netns" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
mkdir -p "$work/net.d" "$run"
ip netns add "$netns"
ip -n "$netns" link set lo up
bench/rootfs.sh "$work/rootfs"
mkdir -p "$work/pause/bin"
gcc -Os -static -Wall -Werror -o "$work/pause/bin/pause" bench/pause.c
bench/oci-archive.sh "$work/rootfs" localhost/bench-busybox:latest '["/bin/sh"]' "$work/busybox.tar"
bench/oci-archive.sh "$work/pause" localhost/bench-pause:1 '["/bin/pause"]' "$work/pause.tar"

cat > "$work/net.d/10-bench.conflist" <<'CONF'
{"cniVersion": "1.0.0", "name": "bench-containerd", "plugins": [{"type": "bridge", "bridge": "cni-bench0", "isGateway": true,
  "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.93.0.0/16"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]}
CONF
cat > "$work/containerd.toml" <<CONF
version = 2
root = "$work/containerd"
state = "$run/containerd"
[grpc]
  address = "$run/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/bench-pause:1"
  # Its pause's oom_score_adj -998 needs CAP_SYS_RESOURCE, which this machine does not give: kept at containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$work/net.d"
CONF
nsenter --net="/run/netns/$netns" containerd --config "$work/containerd.toml" >"$work/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do [ -S "$run/containerd.sock" ] && break; sleep 0.1; done
ctr -a "$run/containerd.sock" -n k8s.io images import "$work/busybox.tar" >/dev/null
ctr -a "$run/containerd.sock" -n k8s.io images import "$work/pause.tar" >/dev/null
java -jar runtime/target/podshim.jar image import "$work/rootfs" localhost/bench-busybox:latest --store "$work/podshim-images" >/dev/null

javac -nowarn -cp runtime/target/podshim.jar -d "$work/classes" bench/Bench.java bench/CriBench.java
java -cp "runtime/target/podshim.jar:$work/classes" CriBench "$work" runtime/target/podshim.jar "$run/containerd.sock" \
  "$containerd_pid" "$rounds" "$idle" "/run/netns/$netns"
mkdir -p bench/last-cri
cp "$work/results.md" "$work/results.json" bench/last-cri/

#!/usr/bin/env bash
# What probing costs the daemon: N idle pods with no probes, then N pods each with an exec liveness
# probe and a tcpSocket readiness probe every PERIOD seconds; the daemon's CPU time (utime+stime
# from /proc) over WINDOW seconds in each case. With PERIOD=1, N=100 is the probing load of 1000
# pods probed at Kubernetes' default period of 10 s. As root, after ./mvnw -B package.
# Usage: bench/probes.sh [N] [PERIOD] [WINDOW] [KINDS: exec,tcp,both]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}; PERIOD=${2:-1}; WINDOW=${3:-30}; KINDS=${4:-exec,tcp,both}
work=$(mktemp -d /run/podshim-probes.XXXX)
jar=runtime/target/podshim.jar
sock=$work/podshim.sock
cleanup() {
  if [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null; then wait "$daemon" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/busybox
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
cp /bin/busybox "$rootfs/bin/busybox"
for a in sh sleep cat nc; do ln -s busybox "$rootfs/bin/$a"; done
java -jar $jar image import "$rootfs" busybox:local --store "$work/images" >/dev/null
java -Xmx256m -XX:+UseSerialGC -jar $jar daemon --socket "$sock" --state "$work/state" --logs "$work/logs" \
  --store "$work/images" --cgroup-root "podshim-probes-$$" >"$work/daemon.log" 2>&1 &
daemon=$!
until curl -sf --unix-socket "$sock" http://podshim/v1/pods >/dev/null; do sleep 0.1; done
ticks() { awk '{print $14 + $15}' /proc/$daemon/stat; }
hz=$(getconf CLK_TCK)
measure() { # $1: the probes of each pod (YAML), or empty; $label says which
  for i in $(seq 1 "$N"); do
    curl -sf --unix-socket "$sock" -X POST --data-binary @- http://podshim/v1/pods >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: p$i}
spec:
  containers:
  - name: app
    image: busybox:local
    command: [sh, -c, "nc -ll -p 8080 -e cat & exec sleep 100000"]
$1
YAML
  done
  sleep 5 # let the starts settle before the window opens
  before=$(ticks); sleep "$WINDOW"; after=$(ticks)
  cpu=$(echo "scale=2; ($after - $before) * 100 / $hz / $WINDOW" | bc)
  echo "$label: daemon CPU ${cpu}% of one core over ${WINDOW}s with $N pods"
  deletes=()
  for i in $(seq 1 "$N"); do
    curl -sf --unix-socket "$sock" -X DELETE "http://podshim/v1/pods/p$i?gracePeriod=0" >/dev/null & deletes+=($!)
  done
  wait "${deletes[@]}"
}
exec_probe="    livenessProbe: {exec: {command: [cat, /etc/hostname]}, periodSeconds: $PERIOD}"
tcp_probe="    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: $PERIOD}"
label="no probes"; measure ""
case ",$KINDS," in *,exec,*) label="an exec liveness probe every ${PERIOD}s"; measure "$exec_probe";; esac
case ",$KINDS," in *,tcp,*) label="a tcpSocket readiness probe every ${PERIOD}s"; measure "$tcp_probe";; esac
case ",$KINDS," in *,both,*) label="both every ${PERIOD}s"; measure "$exec_probe
$tcp_probe";; esac

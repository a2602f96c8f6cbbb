#!/usr/bin/env bash
# Pull benchmark: the same multi-layer image (made here, about 130 MB compressed) from a registry on
# loopback (Debian's docker-registry, TLS with a CA made here), pulled in one run by
#   podshim image pull   (fetch, verify, unpack into its store)
#   skopeo copy          (fetch and verify into an OCI layout: no unpacking)
#   podman pull          (fetch, verify, unpack into containers-storage, vfs driver)
# each into an empty place every round, the three interleaved round after round; then the same
# pull as the daemon makes it on apply, in a JVM that has pulled before (bench/PullWarm.java):
#   bench/pull.sh [ROUNDS (default 5)]
# As root. Installs its peers, builds podshim, prints a Markdown table (medians and ratios to
# podshim) and leaves it in bench/last/pull.md. Stops the registry and removes everything after
# (with KEEP=1 it leaves both, to look into a pull by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/pull.sh: run as root" >&2; exit 1; }
rounds=${1:-5}

bench/packages.sh docker-registry skopeo podman openssl python3
./mvnw -q -B -DskipTests package
jar=runtime/target/podshim.jar

work=/var/lib/podshim-bench-pull
registry_pid=
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work/ca" "$work/storage"

# A CA and a certificate for 127.0.0.1 signed by it; the CA alone in ca/ for every client.
(cd "$work" &&
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=bench CA" -keyout ca.key -out ca/ca.crt 2>/dev/null &&
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null &&
  printf 'subjectAltName=IP:127.0.0.1\n' > san.ext &&
  openssl x509 -req -in server.csr -CA ca/ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext \
    -out server.crt 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http:
  addr: 127.0.0.1:$port
  tls: {certificate: $work/server.crt, key: $work/server.key}
YML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
host=127.0.0.1:$port

# The image: four layers of 40 MiB of text (base64 of random bytes: it compresses about as
# binaries and text do), gzipped, plus a config; assembled as an OCI layout and pushed with skopeo.
python3 - "$work/layout" <<'PY'
import base64, gzip, hashlib, io, json, os, sys, tarfile
out = sys.argv[1]
os.makedirs(f"{out}/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{h}", "wb").write(data)
    return {"digest": f"sha256:{h}", "size": len(data)}
layers, diff_ids = [], []
for i in range(4):
    text = base64.encodebytes(os.urandom(30 << 20))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(f"data/layer-{i}.txt"); info.size = len(text)
        tar.addfile(info, io.BytesIO(text))
    diff_ids.append("sha256:" + hashlib.sha256(raw.getvalue()).hexdigest())
    layers.append(dict(blob(gzip.compress(raw.getvalue(), 6)), mediaType="application/vnd.oci.image.layer.v1.tar+gzip"))
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": dict(blob(config), mediaType="application/vnd.oci.image.config.v1+json"),
                       "layers": layers}).encode()
m = dict(blob(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
         annotations={"org.opencontainers.image.ref.name": "1"})
json.dump({"schemaVersion": 2, "manifests": [m]}, open(f"{out}/index.json", "w"))
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
print(sum(l["size"] for l in layers) + len(config), file=open(f"{out}/../image-size", "w"))
PY
skopeo copy --quiet --dest-cert-dir "$work/ca" "oci:$work/layout:1" "docker://$host/bench/big:1"
size=$(cat "$work/image-size")

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
declare -A times
for round in $(seq "$rounds"); do
  rm -rf "$work/podshim-store" "$work/skopeo-layout" "$work/podman-root" "$work/podman-run"
  t=$(date +%s%N)
  java -jar "$jar" image pull "$host/bench/big:1" --cert-dir "$work/ca" --store "$work/podshim-store" >/dev/null
  times[podshim]+="$(ms "$t") "
  t=$(date +%s%N)
  skopeo copy --quiet --src-cert-dir "$work/ca" "docker://$host/bench/big:1" "oci:$work/skopeo-layout:1"
  times[skopeo]+="$(ms "$t") "
  t=$(date +%s%N)
  podman --root "$work/podman-root" --runroot "$work/podman-run" --storage-driver vfs pull --quiet \
    --cert-dir "$work/ca" "$host/bench/big:1" >/dev/null
  times[podman]+="$(ms "$t") "
  last() { local all=($1); echo "${all[-1]}"; }
  echo "round $round: podshim $(last "${times[podshim]}") skopeo $(last "${times[skopeo]}") podman $(last "${times[podman]}") ms" >&2
done
rm -rf "$work/podman-root" "$work/podman-run"
# The daemon pulls on apply in a JVM that is warm: the same pull there, after two to warm it up.
times[warm]=$(java -cp "$jar" bench/PullWarm.java "$host/bench/big:1" "$work/ca" "$work" "$rounds")

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
p=$(median "${times[podshim]}"); s=$(median "${times[skopeo]}"); m=$(median "${times[podman]}"); w=$(median "${times[warm]}")
mkdir -p bench/last
{
  echo "Pull of one image, $(( size / 1000000 )) MB compressed in 4 gzip layers, from docker-registry on loopback over TLS;"
  echo "$rounds rounds, each into an empty store; medians. Ratio: the peer's time over podshim's (above 1: podshim is faster)."
  echo
  echo "| puller | what it does | median ms | ratio to podshim |"
  echo "| --- | --- | ---: | ---: |"
  echo "| podshim image pull | fetch, verify, unpack | $p | 1.00 |"
  awk -v w="$w" -v p="$p" 'BEGIN {printf "| podshim, in a warm JVM (as the daemon on apply) | fetch, verify, unpack | %d | %.2f |\n", w, w / p}'
  awk -v s="$s" -v p="$p" 'BEGIN {printf "| skopeo copy (to an OCI layout) | fetch, verify | %d | %.2f |\n", s, s / p}'
  awk -v m="$m" -v p="$p" 'BEGIN {printf "| podman pull (vfs) | fetch, verify, unpack | %d | %.2f |\n", m, m / p}'
  echo
  echo "Rounds (ms): podshim ${times[podshim]}; warm ${times[warm]}; skopeo ${times[skopeo]}; podman ${times[podman]}"
} | tee bench/last/pull.md

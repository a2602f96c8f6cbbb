#!/usr/bin/env bash
# Installs podshim as a tool: the jar, a `podshim` launcher on PATH, bash completion and a systemd
# unit for the daemon. As root: ./install.sh [PREFIX] (default /usr/local); DESTDIR=DIR stages the
# same tree under DIR (for packaging, and the test that checks it). Builds the jar first if need be.
set -euo pipefail
cd "$(dirname "$0")"
prefix=${1:-/usr/local}
dest=${DESTDIR:-}
jar=runtime/target/podshim.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests package

install -d "$dest$prefix/lib/podshim" "$dest$prefix/bin" "$dest$prefix/share/bash-completion/completions" \
  "$dest/etc/systemd/system"
install -m 0644 "$jar" "$dest$prefix/lib/podshim/podshim.jar"
install -m 0755 packaging/podshim "$dest$prefix/bin/podshim"
java -jar "$jar" generate-completion > "$dest$prefix/share/bash-completion/completions/podshim"
sed "s|@PREFIX@|$prefix|g" packaging/podshim.service > "$dest/etc/systemd/system/podshim.service"
chmod 0644 "$dest/etc/systemd/system/podshim.service"
echo "podshim installed in $dest$prefix (the daemon: systemctl daemon-reload && systemctl enable --now podshim)"

#!/usr/bin/env bash
# Runs a command as root inside a virtual machine booted with a cgroup-v2-only kernel, in this
# checkout, and exits with the command's status. It is the test rung for cgroup v2 on hosts that
# cannot switch their own cgroup mode (a hybrid host, a CI machine):
#
#   vm/run.sh                     # the v2 rung: every module's unit and host tests but the it-tests and
#                                 # those tagged browser, registry or network
#   vm/run.sh -- COMMAND ARG…     # anything else, e.g. vm/run.sh -- ./mvnw -B -o -pl cgroups test
#
# The guest is Debian's generic kernel (linux-image-amd64, downloaded with apt-get, unpacked, never
# installed) booted with cgroup_no_v1=all and a small busybox initramfs (vm/init). It sees the host's
# / read-only over 9p under a tmpfs overlay, so it has this machine's JDK, Maven repository and
# packages but cannot change them, and the checkout read-write, so the build's reports land here.
# It has no network card. Needs root, qemu-system-x86 and busybox-static.
#
# Environment: PODSHIM_VM_MEMORY (default 4G), PODSHIM_VM_CPUS (2), PODSHIM_VM_TIMEOUT (seconds,
# default 4200: CI has 90 minutes for the install, the host rung and this), PODSHIM_VM_CACHE (kernel and initramfs, default target/vm; not below /tmp or /run,
# which are the guest's own), PODSHIM_VM_JAVA_OPTIONS (JAVA_TOOL_OPTIONS of every JVM in the guest).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

fail() { echo "vm/run.sh: $*" >&2; exit 2; }

[ "$(uname -m)" = x86_64 ] || fail "the cgroup v2 VM is made for x86_64 hosts, this is $(uname -m)"
[ "$(id -u)" = 0 ] || fail "needs root: the guest reads the host's / as root over 9p"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is missing: apt-get install qemu-system-x86"
dpkg -s busybox-static >/dev/null 2>&1 || fail "Debian's static busybox is missing: apt-get install busybox-static"

if [ "${1:-}" = -- ]; then
	shift
	[ $# -gt 0 ] || fail "no command after --"
	command=("$@")
elif [ $# -eq 0 ]; then
	# Offline: the guest has no network, and the host's build has already filled the Maven repository.
	# What does not depend on the cgroup version stays on the host rung: the page's browser stories
	# (tag browser), the registry pulls (registry) and the pod network through CNI (network). Under
	# emulation each daemon process takes about a minute to start; those tests start many, and with
	# them the rung outgrew its hour (PodNetworkHostTest alone: 17 to 25 min).
	command=(./mvnw -B -o test -pl '!it-tests' -DexcludedGroups=browser,registry,network)
else
	fail "usage: vm/run.sh [-- COMMAND ARG…]"
fi

work=target/vm
cache=${PODSHIM_VM_CACHE:-$work}
mkdir -p "$work" "$cache"
cache=$(cd "$cache" && pwd)

# The kernel: the generic flavour (the -cloud- one has no 9p over virtio), whichever version
# Debian's metapackage depends on today.
kernel_package=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
if [ -z "$kernel_package" ]; then
	apt-get update -qq
	kernel_package=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
fi
[ -n "$kernel_package" ] || fail "apt-cache knows no linux-image-amd64: run apt-get update"
case "$kernel_package" in *-cloud-*) fail "$kernel_package is the cloud flavour, which has no 9p over virtio" ;; esac
version=${kernel_package#linux-image-}
tree=$cache/$kernel_package
if [ ! -f "$tree/boot/vmlinuz-$version" ]; then
	echo "vm/run.sh: fetching $kernel_package"
	rm -rf "$tree" "$cache"/download && mkdir -p "$cache"/download
	(cd "$cache"/download && apt-get download -q "$kernel_package" </dev/null) || fail "apt-get download $kernel_package failed"
	dpkg-deb -x "$cache"/download/"$kernel_package"_*.deb "$tree.partial"
	busybox depmod -b "$tree.partial" "$version"
	rm -rf "$cache"/download
	mv "$tree.partial" "$tree"
fi
modules=$tree/lib/modules/$version

# The initramfs: busybox, vm/init, and the modules that reach the host, in dependency order.
initrd=$cache/initrd-$version.cpio.gz
if [ ! -f "$initrd" ] || [ vm/init -nt "$initrd" ]; then
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	mkdir -p "$root"/bin "$root"/modules "$root"/proc "$root"/sys "$root"/dev
	cp /bin/busybox "$root"/bin/busybox
	for applet in sh mount insmod mkdir switch_root poweroff cat sleep sync; do
		ln -s busybox "$root/bin/$applet"
	done
	cp vm/init "$root"/init
	order=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay)
	for module in "${order[@]}"; do
		found=$(find "$modules/kernel" -name "$module.ko" | head -n 1)
		[ -n "$found" ] || fail "$kernel_package has no module $module.ko"
		cp "$found" "$root"/modules/
	done
	printf '%s\n' "${order[@]}" > "$root"/modules.order
	(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$initrd.partial"
	mv "$initrd.partial" "$initrd"
	rm -rf "$root"
	trap - EXIT
fi

# Every JVM in the guest (Maven, its test forks, the daemons tests start) compiles with C1 only and
# collects with one thread: under TCG the C2 compiler thread alone took a daemon past a minute to start.
java_options=${PODSHIM_VM_JAVA_OPTIONS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
{
	echo "set -e"
	# Emulated, the guest runs several times slower than the host: tests wait longer before they give up.
	echo "export PODSHIM_REQUIRE_HOST_TESTS=1 PODSHIM_REQUIRE_CGROUP_V2=1 PODSHIM_TEST_PATIENCE=${PODSHIM_TEST_PATIENCE:-5}"
	[ -z "$java_options" ] || echo "export JAVA_TOOL_OPTIONS=$(printf '%q' "$java_options")"
	printf '%q ' "${command[@]}"
	echo
} > "$work"/command
rm -f "$work"/status
log=$work/console.log

echo "vm/run.sh: booting $kernel_package with cgroup v2 only (${PODSHIM_VM_MEMORY:-4G}, ${PODSHIM_VM_CPUS:-2} cpus): ${command[*]}"
# TCG, not KVM: the /dev/kvm of some hosts (PVM) cannot run Debian's kernels. Single-threaded TCG
# and no AVX: multi-threaded TCG crashed the guest's JIT.
set +e
timeout --kill-after=10 "${PODSHIM_VM_TIMEOUT:-4200}" qemu-system-x86_64 \
	-machine q35 -accel tcg,thread=single -cpu max,avx=off,avx2=off,fma=off,f16c=off \
	-m "${PODSHIM_VM_MEMORY:-4G}" -smp "${PODSHIM_VM_CPUS:-2}" \
	-kernel "$tree/boot/vmlinuz-$version" -initrd "$initrd" \
	-append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 podshim.repo=$repo podshim.modules=$modules" \
	-fsdev local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=checkout,path="$repo",security_model=passthrough,multidevs=remap \
	-device virtio-9p-pci,fsdev=checkout,mount_tag=checkout \
	-nic none -display none -no-reboot -serial stdio -monitor none </dev/null 2>&1 | tee "$log"
qemu=${PIPESTATUS[0]}
set -e
[ "$qemu" = 124 ] && fail "the VM did not finish within ${PODSHIM_VM_TIMEOUT:-4200} s (console: $log)"
[ -f "$work"/status ] || fail "the VM ended without running the command to its end (qemu exit $qemu; console: $log)"
status=$(cat "$work"/status)
echo "vm/run.sh: the command exited $status in the cgroup v2 VM"
exit "$status"

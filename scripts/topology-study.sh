#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Whose is the early-boot stall under uneven topologies? (issue 11, item 12)
#
#   topology-study.sh <label> <bzImage> <boots> <smp> [extra kernel args]
#
# Boots <bzImage> <boots> times under QEMU TCG with "-smp <smp>" and an
# initramfs whose /init only says that it ran and powers off, and prints
# one line per boot: "init" (the boot reached /init), "stall" (it did not,
# and the console shows an RCU stall or a stop_machine wait), or "hang"
# (it did not, no stall report). Then a summary line. Nothing is graded:
# the point is to compare the base kernel with the series' kernel on the
# same machine, the same config and the same QEMU.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

label=${1:?label}
kernel=${2:?bzImage}
boots=${3:?boots}
smp=${4:?smp}
extra=${5:-}
out=$BUILD/topology
mkdir -p "$out"

initrd=$out/initrd.cpio.gz
if [ ! -e "$initrd" ]; then
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,dev,proc}
	cp /bin/busybox "$root/bin/"
	ln -s busybox "$root/bin/sh"
	ln -s busybox "$root/bin/poweroff"
	printf '#!/bin/sh\necho "@@@ INIT reached"\npoweroff -f\n' >"$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip >"$initrd")
	rm -rf "$root"
fi

n_init=0 n_stall=0 n_hang=0
for i in $(seq 1 "$boots"); do
	log=$out/$label-$i.log
	start=$(date +%s)
	timeout 240 qemu-system-x86_64 -machine q35 -accel tcg -cpu max,la57=off \
		-smp "$smp" -m 2G -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 kunit.filter_glob=none $extra" \
		-display none -no-reboot -serial "file:$log" >/dev/null 2>&1 || true
	secs=$(( $(date +%s) - start ))
	if grep -q '@@@ INIT reached' "$log"; then
		verdict=init
		n_init=$((n_init + 1))
	elif grep -qE 'rcu_.*detected stalls|multi_cpu_stop' "$log"; then
		verdict=stall
		n_stall=$((n_stall + 1))
	else
		verdict=hang
		n_hang=$((n_hang + 1))
	fi
	stalls=$(grep -c 'detected stalls' "$log" || true)
	last=$(grep -a 'smpboot: Total of' "$log" | head -1 | sed 's/^\[[ 0-9.]*\] //')
	echo "$label boot $i: $verdict after ${secs}s (${stalls} RCU stall reports; ${last:-no smpboot total line})"
done
echo "$label, -smp $smp${extra:+, $extra}: $boots boots, $n_init reached /init, $n_stall stalled, $n_hang hung otherwise"

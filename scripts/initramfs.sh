#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test initramfs: busybox-static, the tdx kselftests (installed
# with the kselftest install target, linked statically) and the guest side
# of the system tests (tests/guest/).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$BUILD/initramfs.cpio.gz}
root=$BUILD/initramfs
ksft=$BUILD/kselftest

[ -x /bin/busybox ] || die "busybox is missing: run 'make deps' (busybox-static)"
{ ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic' ||
	die "/bin/busybox is not static: install busybox-static"

rm -rf "$root" "$ksft"
make -s -C "$TREE/tools/testing/selftests" O="$BUILD/kselftest-build" TARGETS=tdx LDFLAGS=-static \
	INSTALL_PATH="$ksft" install >"$BUILD/kselftest.log" 2>&1 ||
	{ cat "$BUILD/kselftest.log"; die "building the kselftests failed"; }

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc}
# An unprivileged user for the tests of what sysfs shows to whom.
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp /bin/busybox "$root/bin/"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
done
cp -a "$ksft" "$root/kselftest"
# kdump's /proc/vmcore, read through mmap() (tests/guest/kexec-tests.sh).
gcc -static -O2 -Wall -o "$root/bin/vmcore-read" "$TOP/tests/tools/vmcore-read.c" ||
	die "building tests/tools/vmcore-read.c failed"
cp "$TOP"/tests/guest/* "$root/"
chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9 >"$out")
echo "$out"

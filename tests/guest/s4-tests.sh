#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Real hibernation on the emulated TDX platform (TAP), across two QEMU
# runs (scripts/boot.sh s4). A TD initializes the TDX module; with it
# alive hibernation is refused; without it the image is written to a swap
# disk (virtio-blk) and the platform powers off. QEMU exits, boot.sh boots
# the same kernel again with resume=/dev/vda, and that boot restores the
# image: the write to /sys/power/state below returns in the restored
# kernel, which is where the rest of this script runs. The TDX module that
# boot's firmware loaded is a fresh one (the model keeps its state outside
# the image); the kernel must learn that from the module.

. /tap.sh

echo "TAP version 13"
# The boot with resume= reaches /init only when it restored no image.
if grep -q 'resume=' /proc/cmdline; then
	not_ok "s4: the boot with resume=/dev/vda restored the hibernation image"
	echo "1..$n"
	exit 0
fi
echo none >/sys/power/pm_test
# An image as large as memory: nothing to gain from shrinking memory here.
echo $((4 << 30)) >/sys/power/image_size
check "s4: the swap disk (virtio-blk /dev/vda) is ready for the image" \
	eval 'mkswap /dev/vda >/dev/null && swapon /dev/vda'
check "s4: a TD is created (the TDX module is initialized)" \
	eval 'td create && dmesg_has "virt/tdx: module initialized" && is $EMUL/state ready'
check "s4: with the TD, hibernation -> EBUSY, nothing is written" \
	write_fails "Device or resource busy" disk /sys/power/state
check "s4: the TD is destroyed" td destroy
echo "# hibernating: the image goes to /dev/vda and the platform powers off"
grep -E '^(MemTotal|MemFree|Slab|Shmem):' /proc/meminfo | sed 's/^/# /'
echo "@@@ HIBERNATE"
dmesg -n 7	# the kernel's progress on the console: scripts/boot.sh reads it
if echo disk >/sys/power/state; then
	dmesg -n 1
	echo "@@@ RESTORED"
	ok "s4: without TDs, the platform hibernated and this kernel was restored"
else
	not_ok "s4: without TDs, the platform hibernated and this kernel was restored"
fi
check "s4: the model: the TDX module is the fresh one the firmware loaded" \
	eval 'is $EMUL/state none && dmesg_has "tdx_emul: a hibernation image was restored"'
check "s4: creating a TD -> ENODEV" write_fails "No such device" create $TDS
check "s4: the kernel learned it from the module: TDX is unusable until the next boot" \
	dmesg_has "the TDX module did not survive system sleep (S3 or S4): TDX is unusable until the next boot"
check "s4: sysfs: state lost" is $TDXSYS/state lost
swapoff /dev/vda
echo "1..$n"

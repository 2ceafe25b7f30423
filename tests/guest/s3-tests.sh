#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Real S3 on the emulated TDX platform (TAP), in a boot of its own: the
# platform really sleeps and scripts/qemu.py wakes it through the QEMU
# monitor. A TD initializes the TDX module first; with the TD alive S3 is
# refused; without it the platform sleeps, the model loses the module at
# the ACPI sleep entry, and the kernel learns it from the module. The CPU
# has the partial-write erratum and the module no TDH.SYS.DISABLE: kexec
# is refused while the module holds private memory, allowed after S3.
#
# The boot has maxcpus=2: package 1 (CPUs 2 and 3) is present but offline
# until the tests online it. The packages TDs need are the ones the module
# was initialized on, whichever were online at boot.

. /tap.sh
cpus() { v=$1; shift; for c in "$@"; do echo "$v" >/sys/devices/system/cpu/cpu$c/online || return 1; done; }
# The model's own view: packages of the platform without an online CPU.
offline_pkgs() { grep -qx "offline packages: $1" $TDS; }
wakes() { dmesg | grep -c "Waking up from system sleep state S3"; }
# kexec_refused [-s]: loading this kernel for kexec through kexec_load()
# (or kexec_file_load(), -s) fails with EOPNOTSUPP, which kexec-tools
# reports as "Operation not supported" (kexec_load) or "syscall
# kexec_file_load not available", and the kernel says why, once more.
# The kdump loads go through the same check; this boot has no
# crashkernel= reservation.
refusals() { dmesg | grep -c "virt/tdx: kexec and kdump kernels cannot be loaded"; }
kexec_refused() {
	before=$(refusals)
	err=$(/sbin/kexec $1 -l /boot/bzImage --initrd=/boot/initrd.gz --command-line=x 2>&1) && return 1
	case "$err" in
	*"Operation not supported"* | *"kexec_file_load not available"*)
		[ "$(refusals)" = $((before + 1)) ] && return 0 ;;
	esac
	echo "# kexec $1 -l: $err"
	return 1
}
# real_s3: suspend to RAM for real; the write returns after the wakeup.
real_s3() {
	before=$(wakes)
	echo mem >/sys/power/state || return 1
	[ "$(wakes)" -gt "$before" ]
}

echo "TAP version 13"
echo none >/sys/power/pm_test
echo deep >/sys/power/mem_sleep
check "packages: booted with package 1 offline (the model sees 1 offline package)" offline_pkgs 1
check "packages: creating the first TD with package 1 offline -> EBUSY, the module stays uninitialized" \
	eval 'write_fails "Device or resource busy" create $TDS && ! dmesg_has "virt/tdx: module initialized" &&
	      is $TDXSYS/state uninitialized'
check "packages: CPUs 2 and 3 come online" eval 'cpus 1 2 3 && offline_pkgs 0'
check "s3: a TD is created (the TDX module is initialized)" \
	eval 'td create && dmesg_has "virt/tdx: module initialized"'
# The CPU is a Sapphire Rapids and the module has no TDH.SYS.DISABLE
# (scripts/boot.sh): the module holds private memory it cannot reset.
check "erratum: the kernel found the partial-write erratum on this CPU (model 143)" \
	eval 'grep -q "^model[[:space:]]*: 143$" /proc/cpuinfo && dmesg_has "virt/tdx: this CPU has the TDX partial-write erratum"'
check "erratum: kexec -l and kexec -s -l -> EOPNOTSUPP, and the kernel says why and what to do" \
	eval 'kexec_unpack && kexec_refused && kexec_refused -s &&
	      dmesg_has "virt/tdx: kexec and kdump kernels cannot be loaded: this CPU has the TDX partial-write erratum, TDX is initialized and its module cannot reset TDX private memory for the next kernel (no TDH.SYS.DISABLE); update the TDX module, or reboot instead" &&
	      is /sys/kernel/kexec_loaded 0'
check "s3: with the TD, real S3 -> EBUSY, the platform stays up" \
	eval 'write_fails "Device or resource busy" mem /sys/power/state && is $EMUL/lost N'
check "s3: the TD is destroyed" td destroy
check "packages: without TDs, package 1 goes offline" eval 'cpus 0 2 3 && offline_pkgs 1'
check "packages: a TD with package 1 offline -> EBUSY (a package the module was initialized on)" \
	eval 'write_fails "Device or resource busy" create $TDS && dmesg_has "cannot create a TD: package 1 has no online CPU"'
check "packages: package 1 online again, a TD is created and destroyed" \
	eval 'cpus 1 2 3 && td create && td destroy'
check "s3: without TDs, real S3: the platform sleeps and QEMU wakes it" real_s3
check "s3: the platform lost the TDX module (the model saw the ACPI S3 entry)" is $EMUL/lost Y
check "s3: creating a TD -> ENODEV" write_fails "No such device" create $TDS
check "erratum: after S3 reset the platform, a kernel can be loaded for kexec (and is unloaded)" \
	eval '/sbin/kexec -s -l /boot/bzImage --initrd=/boot/initrd.gz --command-line="$(cat /proc/cmdline)" &&
	      is /sys/kernel/kexec_loaded 1 && /sbin/kexec -u && is /sys/kernel/kexec_loaded 0'
check "s3: the kernel learned it from the module: TDX is unusable until the next boot" \
	dmesg_has "the TDX module did not survive system sleep (S3 or S4): TDX is unusable until the next boot"
check "s3: sysfs: state lost, no TD; the version and the TDMRs the lost module had are still shown" \
	eval 'is $TDXSYS/state lost && is $TDXSYS/nr_tds 0 && is $TDXSYS/version 1.5.00 &&
	      [ -n "$(cat $TDXSYS/tdmrs)" ]'
check "s3: CPU 1 goes offline and online after S3" \
	eval 'echo 0 >/sys/devices/system/cpu/cpu1/online && echo 1 >/sys/devices/system/cpu/cpu1/online'
echo "1..$n"

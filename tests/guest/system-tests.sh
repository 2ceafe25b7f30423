#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# System tests run inside the test VM (TAP). MODE is "absent" (a boot
# without TDX) or "emulated" (booted with tdx_emulate). Requests to the
# QEMU monitor go through ttyS1 to scripts/qemu.py.

n=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n $*"; }
# check <description> <command...>: one TAP line for the command's status.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

stty -F /dev/ttyS1 raw -echo
exec 3<>/dev/ttyS1
# qmp <json>: run a QMP command; the reply is in $QMP_REPLY.
qmp() {
	echo "QMP $1" >&3
	read -r QMP_REPLY <&3
	case "$QMP_REPLY" in OK*) return 0 ;; *) return 1 ;; esac
}

dmesg_has() { dmesg | grep -q "$1"; }
no_dmesg() { ! dmesg | grep -q "$1"; }
has_flag() { grep -qw tdx_host_platform /proc/cpuinfo; }
no_flag() { ! has_flag; }
is() { [ "$(cat "$1")" = "$2" ]; }

nr_packages() {
	cat /sys/devices/system/cpu/cpu[0-9]*/topology/physical_package_id | sort -u | wc -l
}

monitor_counts_cpus() {
	qmp '{"execute": "query-cpus-fast"}' || return 1
	[ "$(echo "$QMP_REPLY" | grep -o '"cpu-index"' | wc -l)" = 4 ]
}

boot_dimm_online() {
	[ -e /sys/bus/acpi/devices/PNP0C80:00 ] || return 1
	! grep -qx 0 /sys/devices/system/memory/memory*/online
}

tainted_test() { [ $(( $(cat /proc/sys/kernel/tainted) >> 18 & 1 )) = 1 ]; }

echo "TAP version 13"
check "topology: CPUs 0-3 online in 2 packages" \
	eval '[ "$(cat /sys/devices/system/cpu/online)" = 0-3 ] && [ "$(nr_packages)" = 2 ]'
check "the QEMU monitor is reachable from the tests and counts 4 CPUs" monitor_counts_cpus
check "memory of the pc-dimm present at boot is online" boot_dimm_online
check "sleep states: freeze mem disk" is /sys/power/state "freeze mem disk"
check "mem_sleep: s2idle [deep]" is /sys/power/mem_sleep "s2idle [deep]"
check "ACPI memory hotplug profile enabled" is /sys/firmware/acpi/hotplug/memory/enabled 1
check "ACPI processor hotplug profile enabled" is /sys/firmware/acpi/hotplug/processor/enabled 1

case "$MODE" in
absent)
	check "absent: the kernel prints no TDX line" no_dmesg "virt/tdx"
	check "absent: no tdx_host_platform flag" no_flag
	;;
emulated)
	check "emulated: the banner says TDX is emulated" dmesg_has "EMULATED TDX PLATFORM"
	check "emulated: KeyID range [32, 64) detected" \
		dmesg_has "virt/tdx: BIOS enabled TDX: private KeyIDs \[32, 64)"
	check "emulated: tdx_host_platform flag set" has_flag
	check "emulated: kernel tainted TAINT_TEST" tainted_test
	check "emulated: SEAMCALL fault injection in debugfs" \
		test -d /sys/kernel/debug/tdx_emul/fail_seamcall
	;;
esac
echo "1..$n"

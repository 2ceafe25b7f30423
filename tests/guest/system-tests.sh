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

# wait_for <seconds> <command...>: poll once a second until the command succeeds.
wait_for() {
	t=$1
	shift
	until "$@"; do
		[ "$t" -gt 0 ] || return 1
		t=$((t - 1))
		sleep 1
	done
}

memtotal_kb() { awk '/^MemTotal:/ { print $2 }' /proc/meminfo; }
grew_by_mb() { [ $(( $(memtotal_kb) - MEM_BEFORE )) -ge $(($1 * 1024)) ]; }

# write_fails <errno text> <value> <file>: the write fails with that error.
write_fails() {
	err=$( (echo "$2" >"$3") 2>&1 ) && return 1
	case "$err" in *"$1"*) return 0 ;; *) echo "# $3: $err"; return 1 ;; esac
}
writes() { echo "$1" >"$2" && is "$2" "$1"; }

# ospm_is <device id> <source> <status>: QEMU recorded that _OST result for
# the device (query-acpi-ospm-status).
ospm_is() {
	qmp '{"execute": "query-acpi-ospm-status"}' || return 1
	ost=$(echo "$QMP_REPLY" | grep -o "{[^}]*\"device\": \"$1\"[^}]*}")
	echo "$ost" | grep -q "\"source\": $2[,}]" &&
		echo "$ost" | grep -q "\"status\": $3[,}]"
}

# Runtime hot-add through the QEMU monitor: a 256 MiB pc-dimm and a CPU in
# the empty third socket.
add_dimm() {
	qmp '{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "m1", "size": 268435456}}' &&
		qmp '{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "d1", "memdev": "m1"}}'
}
add_cpu() {
	qmp '{"execute": "device_add", "arguments": {"driver": "max-x86_64-cpu", "id": "c4", "socket-id": 2, "core-id": 0, "thread-id": 0}}'
}
cpu4_present() { [ -e /sys/devices/system/cpu/cpu4 ]; }
cpu4_online() { echo 1 >/sys/devices/system/cpu/cpu4/online && is /sys/devices/system/cpu/cpu4/online 1; }
cpu4_offline() { echo 0 >/sys/devices/system/cpu/cpu4/online && is /sys/devices/system/cpu/cpu4/online 0; }

echo "TAP version 13"
check "topology: CPUs 0-3 online in 2 packages" \
	eval '[ "$(cat /sys/devices/system/cpu/online)" = 0-3 ] && [ "$(nr_packages)" = 2 ]'
check "the QEMU monitor is reachable from the tests and counts 4 CPUs" monitor_counts_cpus
check "memory of the pc-dimm present at boot is online" boot_dimm_online
check "sleep states: freeze mem disk" is /sys/power/state "freeze mem disk"
check "mem_sleep: s2idle [deep]" is /sys/power/mem_sleep "s2idle [deep]"

HP=/sys/firmware/acpi/hotplug
case "$MODE" in
absent)
	check "absent: the kernel prints no TDX line" no_dmesg "virt/tdx"
	check "absent: no tdx_host_platform flag" no_flag
	for p in memory processor; do
		check "absent: ACPI $p hotplug enabled, toggles 0 and 1" \
			eval "is $HP/$p/enabled 1 && writes 0 $HP/$p/enabled && writes 1 $HP/$p/enabled"
		check "absent: ACPI $p hotplug: writing 2 -> EINVAL" \
			write_fails "Invalid argument" 2 $HP/$p/enabled
	done
	check "absent: no hotplug profile is locked" no_dmesg "hotplug disabled and locked"

	MEM_BEFORE=$(memtotal_kb)
	check "absent: runtime pc-dimm add through the monitor" add_dimm
	check "absent: the hot-added memory is online (MemTotal +256 MiB)" wait_for 60 grew_by_mb 250
	check "absent: _OST reported success for the pc-dimm" wait_for 10 ospm_is d1 1 0
	check "absent: runtime CPU add through the monitor" add_cpu
	check "absent: the hot-added CPU 4 is present" wait_for 60 cpu4_present
	check "absent: _OST reported success for the CPU" wait_for 10 ospm_is c4 1 0
	check "absent: CPU 4 can be onlined" cpu4_online
	check "absent: CPU 4 can be offlined again" cpu4_offline
	;;
emulated)
	check "emulated: the banner says TDX is emulated" dmesg_has "EMULATED TDX PLATFORM"
	check "emulated: KeyID range [32, 64) detected" \
		dmesg_has "virt/tdx: BIOS enabled TDX: private KeyIDs \[32, 64)"
	check "emulated: tdx_host_platform flag set" has_flag
	check "emulated: kernel tainted TAINT_TEST" tainted_test
	check "emulated: SEAMCALL fault injection in debugfs" \
		test -d /sys/kernel/debug/tdx_emul/fail_seamcall
	for p in memory processor; do
		check "emulated: ACPI $p hotplug locked, the log says why" \
			dmesg_has "ACPI: $p hotplug disabled and locked: Intel TDX is enabled in the BIOS"
		check "emulated: ACPI $p hotplug enabled reads 0" is $HP/$p/enabled 0
		check "emulated: ACPI $p hotplug: writing 1 -> EPERM, the log says why" \
			eval "write_fails 'Operation not permitted' 1 $HP/$p/enabled &&
			      dmesg_has '$p hotplug stays disabled, it is locked: Intel TDX'"
		check "emulated: ACPI $p hotplug still 0, writing 0 works" \
			eval "is $HP/$p/enabled 0 && writes 0 $HP/$p/enabled"
		check "emulated: ACPI $p hotplug: writing 2 -> EINVAL" \
			write_fails "Invalid argument" 2 $HP/$p/enabled
	done

	MEM_BEFORE=$(memtotal_kb)
	check "emulated: runtime pc-dimm add reaches the guest" add_dimm
	check "emulated: the pc-dimm hot-add is refused, the log says why" \
		wait_for 60 dmesg_has "hot-add refused, memory hotplug is locked: Intel TDX"
	check "emulated: _OST told the firmware the hot-add failed" wait_for 10 ospm_is d1 1 1
	check "emulated: MemTotal unchanged" eval '[ "$(memtotal_kb)" = "$MEM_BEFORE" ]'
	check "emulated: runtime CPU add reaches the guest" add_cpu
	check "emulated: the CPU hot-add is refused, the log says why" \
		wait_for 60 dmesg_has "hot-add refused, processor hotplug is locked: Intel TDX"
	check "emulated: _OST told the firmware the CPU hot-add failed" wait_for 10 ospm_is c4 1 1
	check "emulated: no CPU 4" eval '! cpu4_present && [ "$(cat /sys/devices/system/cpu/present)" = 0-3 ]'
	check "emulated: eject of the boot pc-dimm requested" \
		qmp '{"execute": "device_del", "arguments": {"id": "d0"}}'
	check "emulated: the eject is refused (_OST: not supported)" wait_for 60 ospm_is d0 3 128
	check "emulated: the log says why the eject was refused" \
		dmesg_has "eject refused, memory hotplug is locked: Intel TDX"
	check "emulated: the boot pc-dimm's memory is still online" boot_dimm_online
	;;
esac
echo "1..$n"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What the series shows and enforces on this boot, for `make run`.

line=$(dmesg | grep -o 'virt/tdx: BIOS enabled TDX: .*')
echo "TDX platform:        ${line:-not detected}"
if grep -qw tdx_host_platform /proc/cpuinfo; then
	echo "cpuinfo flag:        tdx_host_platform"
else
	echo "cpuinfo flag:        (none)"
fi
for p in memory processor; do
	f=/sys/firmware/acpi/hotplug/$p/enabled
	printf 'ACPI %-9s hotplug: enabled=%s\n' "$p" "$(cat $f 2>/dev/null || echo n/a)"
	why=$(dmesg | grep -o "ACPI: $p hotplug disabled and locked: .*" | head -1)
	if [ -n "$why" ]; then
		err=$( (echo 1 >$f) 2>&1 | sed 's/.*: //')
		echo "  locked (echo 1 > enabled: ${err:-accepted!}); ${why#ACPI: }"
	fi
	refused=$(dmesg | grep -c "hot-add refused, $p hotplug is locked")
	[ "$refused" = 0 ] || echo "  hot-adds refused on this boot: $refused"
done
if dmesg | grep -q 'virt/tdx: module initialized'; then
	echo "TDX module:          initialized on demand by the first TD"
	dmesg | grep -o 'virt/tdx: \(TDX module .*\|[0-9]* KB allocated for PAMT.*\)' | sed 's/^virt\/tdx: /  /'
	refused=$(dmesg | grep -c 'refusing to online memory')
	echo "  memory blocks refused (not TDX memory) on this boot: $refused"
else
	echo "TDX module:          not initialized"
fi
echo "Sleep states:        $(cat /sys/power/state) (mem_sleep: $(cat /sys/power/mem_sleep))"
# The TD-aware policy at work, as the system tests of this boot saw it.
if grep -q ' policy: ' /tmp/system.tap 2>/dev/null; then
	echo "TD policy (system tests on this boot):"
	grep -E ' policy: .*(EBUSY|ENODEV|works|goes offline|comes back)' /tmp/system.tap |
		sed -E 's/^ok [0-9]+ policy: /  ok      /; s/^not ok [0-9]+ policy: /  FAILED  /'
	for m in 'refusing to offline CPU' 'cannot create a TD' 'refusing suspend to RAM' \
		 'refusing hibernation' 'the TDX module does not survive'; do
		dmesg | grep -o "virt/tdx: $m.*" | head -1 | sed 's/^/  log: /'
	done
fi
echo "CPUs online:         $(cat /sys/devices/system/cpu/online) of $(cat /sys/devices/system/cpu/present) present"
# The TDX state as sysfs shows it (Documentation/ABI/testing/sysfs-devices-platform-tdx_host).
d=/sys/devices/platform/tdx_host
if [ -d $d ]; then
	echo "TDX in sysfs:        $d"
	for f in state failure version build features0 private_keyids keyids_free nr_tds; do
		printf '  %-15s %s\n' "$f" "$(cat $d/$f 2>&1 | sed 's/^cat: [^:]*: //')"
	done
	printf '  %-15s %s\n' pamt_bytes "$(tr '\n' ' ' <$d/pamt_bytes)"
	for f in cmrs tdmrs; do
		if [ -n "$(cat $d/$f 2>/dev/null)" ]; then
			echo "  $f (root only):"
			sed 's/^/    /' $d/$f
		fi
	done
else
	echo "TDX in sysfs:        no tdx_host device (the BIOS did not enable TDX)"
fi

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
echo "Sleep states:        $(cat /sys/power/state) (mem_sleep: $(cat /sys/power/mem_sleep))"
tds=/sys/kernel/debug/tdx_emul/tds
if [ -e $tds ]; then
	echo "TD policy (emulated TDs: $(awk '/^tds:/ { print $2 }' $tds)):"
	dmesg | grep -o 'virt/tdx: refusing to offline CPU.*' | head -1 | sed 's/^/  /'
	dmesg | grep -o 'virt/tdx: cannot create a TD.*' | head -1 | sed 's/^/  /'
	dmesg | grep -o 'virt/tdx: refusing suspend to RAM.*' | head -1 | sed 's/^/  /'
	dmesg | grep -o 'virt/tdx: refusing hibernation.*' | head -1 | sed 's/^/  /'
	dmesg | grep -o 'virt/tdx: the TDX module does not survive.*' | head -1 | sed 's/^/  /'
fi
echo "CPUs online:         $(cat /sys/devices/system/cpu/online) of $(cat /sys/devices/system/cpu/present) present"

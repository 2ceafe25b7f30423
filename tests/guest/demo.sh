#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `make run` shows: a TD created and destroyed through the core's
# TD lifecycle, and the TD-aware policy at work on the emulated TDX
# platform, as a user would meet it, one line per step. Not graded; the
# same steps are tests in system-tests.sh.

TDS=/sys/kernel/debug/tdx_emul/tds
try() { # try <what> <command...>: run it, print what the user would see
	what=$1
	shift
	if out=$("$@" 2>&1); then
		printf '  %-46s ok\n' "$what"
	else
		printf '  %-46s %s\n' "$what" "$(echo "$out" | sed 's/.*: //' | head -1)"
	fi
}
# The last online CPU of the package of the last online CPU.
last_of_pkg() {
	cpu=$(cut -d- -f2 /sys/devices/system/cpu/online | cut -d, -f1)
	echo "$cpu"
}

[ -e $TDS ] || { echo "  (no emulated TDX platform on this boot)"; exit 0; }
c=$(last_of_pkg)
sib=$(sed 's/,/ /g; s/-/ /' /sys/devices/system/cpu/cpu$c/topology/package_cpus_list)
HELD=/sys/kernel/debug/tdx_emul/td_held
try "create a TD (initializes the TDX module)" sh -c "echo create > $TDS"
echo "    tdx_td_create(): KeyID $(awk '/^keyid/ { print $2 }' $TDS), the module holds: $(head -n 1 $HELD)"
for s in $sib; do
	[ "$s" = "$c" ] || try "offline CPU $s (package has another CPU)" \
		sh -c "echo 0 > /sys/devices/system/cpu/cpu$s/online"
done
try "offline CPU $c, the last of its package" sh -c "echo 0 > /sys/devices/system/cpu/cpu$c/online"
echo deep >/sys/power/mem_sleep 2>/dev/null
echo core >/sys/power/pm_test 2>/dev/null
try "suspend to RAM (S3, pm_test=core)" sh -c "echo mem > /sys/power/state"
try "hibernate (S4, pm_test=core)" sh -c "echo disk > /sys/power/state"
echo devices >/sys/power/pm_test 2>/dev/null
try "s2idle (pm_test=devices)" sh -c "echo freeze > /sys/power/state"
try "destroy the TD" sh -c "echo destroy > $TDS"
echo "    tdx_td_destroy(): the module holds: $(head -n 1 $HELD)"
try "offline CPU $c, no TD left" sh -c "echo 0 > /sys/devices/system/cpu/cpu$c/online"
for s in $sib; do
	echo 1 >/sys/devices/system/cpu/cpu$s/online 2>/dev/null
done
echo none >/sys/power/pm_test 2>/dev/null

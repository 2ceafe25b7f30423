#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# System tests run inside the test VM (TAP). MODE is "absent" (a boot
# without TDX) or "emulated" (booted with tdx_emulate). Requests to the
# QEMU monitor go through ttyS1 to scripts/qemu.py.

. /tap.sh

has_flag() { grep -qw tdx_host_platform /proc/cpuinfo; }
no_flag() { ! has_flag; }

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

# Software memory hotplug: offline one online memory block (the highest that
# lets go, trying from the top) and online it again.
memblock_offline_online() {
	for blk in $(ls /sys/devices/system/memory | sed -n 's/^memory//p' | sort -n -r); do
		b=/sys/devices/system/memory/memory$blk
		is $b/online 1 || continue
		echo 0 >$b/online 2>/dev/null || continue
		echo "# $(basename $b) offlined"
		is $b/online 0 && echo 1 >$b/online && is $b/online 1
		return
	done
	return 1
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

# ---- TDX module initialization and TDX memory ----
MEMSYS=/sys/devices/system/memory
# d1_addr: where QEMU put the pc-dimm d1 (hot-added, refused by the guest).
d1_addr() {
	qmp '{"execute": "query-memory-devices"}' || return 1
	echo "$QMP_REPLY" | tr '}' '\n' | grep '"id": "d1"' | grep -o '"addr": [0-9]*' | grep -o '[0-9]*$'
}
# probe_d1: add the first memory block of d1 through memory/probe, as
# software does for memory the firmware did not announce.
probe_d1() {
	addr=$(d1_addr) && [ -n "$addr" ] || return 1
	bs=$((0x$(cat $MEMSYS/block_size_bytes)))
	PROBED=$MEMSYS/memory$((addr / bs))
	echo "# d1 at $(printf 0x%x "$addr"), block $(basename $PROBED)"
	printf '0x%x' "$addr" >$MEMSYS/probe && [ -e $PROBED ]
}
probed_stays_offline() {
	is $PROBED/online 0 && write_fails "" 1 $PROBED/online && is $PROBED/online 0
}
pamt_line() { dmesg | grep -o 'virt/tdx: [0-9]* KB allocated for PAMT.*' | head -n 1; }

# ---- TD-aware CPU offline and sleep policy (tdx_hotplug.h) ----
CPU=/sys/devices/system/cpu
nr_tds() { awk '/^tds:/ { print $2 }' $TDS; }
cpu_set() { echo "$2" >$CPU/cpu$1/online; }
cpu_is() { is $CPU/cpu$1/online "$2"; }
# sleep_to <state> <pm_test level>: one pm_test transition; fails with its error.
sleep_to() {
	echo "$2" >/sys/power/pm_test
	echo "$1" >/sys/power/state
	rc=$?
	echo none >/sys/power/pm_test
	return $rc
}
sleep_fails() {
	err=$( (sleep_to "$2" "$3") 2>&1 ) && return 1
	case "$err" in *"$1"*) return 0 ;; *) echo "# $2: $err"; return 1 ;; esac
}
# The invariant, from one snapshot taken by the kernel under the CPU
# hotplug lock: no TDX package without an online CPU while a TD exists.
invariant_holds() {
	snap=$(cat $TDS)
	t=$(echo "$snap" | awk '/^tds:/ { print $2 }')
	o=$(echo "$snap" | awk '/^offline packages:/ { print $3 }')
	[ "$t" = 0 ] || [ "$o" = 0 ]
}
# offline_online_ms <cpu> <cycles>: mean offline+online time in ms.
offline_online_ms() {
	start=$(cut -d' ' -f1 /proc/uptime)
	i=0
	while [ $i -lt "$2" ]; do
		cpu_set "$1" 0 && cpu_set "$1" 1 || return 1
		i=$((i + 1))
	done
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "$start $end $2" | awk '{ printf "%.0f", ($2 - $1) * 1000 / $3 }'
}
# stress_cpus/stress_tds <seconds>: loop, then print how often they succeeded.
stress_cpus() {
	end=$(($(cut -d. -f1 /proc/uptime) + $1))
	done_=0
	refused=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		for c in 2 3 1; do
			if echo 0 >$CPU/cpu$c/online 2>/dev/null; then
				done_=$((done_ + 1))
			else
				refused=$((refused + 1))
			fi
		done
		for c in 1 2 3; do echo 1 >$CPU/cpu$c/online 2>/dev/null; done
	done
	echo "$done_ $refused" >/tmp/stress-cpus
}
stress_tds() {
	end=$(($(cut -d. -f1 /proc/uptime) + $1))
	done_=0
	refused=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		for i in 1 2; do
			if echo create >$TDS 2>/dev/null; then
				done_=$((done_ + 1))
			else
				refused=$((refused + 1))
			fi
		done
		echo destroy >$TDS 2>/dev/null
		echo destroy >$TDS 2>/dev/null
	done
	echo "$done_ $refused" >/tmp/stress-tds
}
stress_and_watch() {
	stress_cpus "$1" &
	a=$!
	stress_tds "$1" &
	b=$!
	bad=0
	samples=0
	while kill -0 $a 2>/dev/null || kill -0 $b 2>/dev/null; do
		invariant_holds || bad=$((bad + 1))
		samples=$((samples + 1))
	done
	wait
	while [ "$(nr_tds)" != 0 ]; do td destroy || break; done
	for c in 1 2 3; do cpu_set $c 1 2>/dev/null; done
	read -r offl offl_refused </tmp/stress-cpus
	read -r tds tds_refused </tmp/stress-tds
	echo "# stress: $offl CPU offlines ($offl_refused refused), $tds TDs created ($tds_refused refused), $samples snapshots, $bad with a TD and a package offline"
	[ "$bad" = 0 ] && [ "$samples" -gt 0 ] && [ "$offl" -gt 0 ] && [ "$tds" -gt 0 ]
}

# ---- The TD lifecycle (tdx_td_create/destroy), judged by the model's books ----
# td_held: "tds <n> hkids <n> pages <n>", what the module holds for TDs.
held_is() { [ "$(head -n 1 $EMUL/td_held)" = "$1" ]; }
freeid_refused() { awk '/^freeid refused:/ { print $3 }' $EMUL/td_held; }
parked() { awk '/^parked:/ { print $2 }' $TDS; }
FAILPOL=/sys/kernel/debug/fail_tdx_offline_policy
# bypass_policy_once: the next refused CPU offline goes ahead (fault injection).
bypass_policy_once() {
	echo 100 >$FAILPOL/probability && echo 1 >$FAILPOL/interval &&
		echo 1 >$FAILPOL/times && echo 0 >$FAILPOL/verbose
}
# The rule, proven by the module: package 1 taken away under two TDs (the
# first keeps VMX operation on, as KVM does while VMs run).
package_gone_under_a_td() {
	td create && td create && cpu_set 3 0 && bypass_policy_once && cpu_set 2 0 &&
		dmesg_has "fault injection: CPU 2, the last online CPU of package 1, goes offline while 2 TDs are running"
}
# free_pages: the page allocator's free pages, caches dropped first, with
# the pages its per-CPU lists hold (freed, but not counted as free).
free_pages() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	f=$(awk '/^nr_free_pages / { print $2 }' /proc/vmstat)
	p=$(awk '$1 == "count:" { c += $2 } END { print c + 0 }' /proc/zoneinfo)
	echo $((f + p))
}
# pages_back <before> <after> <slack>: no more than <slack> pages fewer.
pages_back() { [ $(($1 - $2)) -lt "$3" ]; }
# create_until_refused: TDs until a creation fails; prints how many.
create_until_refused() {
	k=0
	while td create 2>/dev/null; do k=$((k + 1)); [ $k -lt 100 ] || break; done
	echo $k
}
destroy_all() { while [ "$(nr_tds)" != 0 ]; do td destroy || return 1; done; }
# cycles_line: "<done> <ns> <errno>" of the last "cycles" run.
cycles_line() { awk '/^cycles:/ { print $2, $3, $4 }' $TDS; }
# cycle_ms <done> <ns>: milliseconds per create+destroy.
cycle_ms() { echo "$1 $2" | awk '{ printf "%.2f", $2 / 1e6 / ($1 ? $1 : 1) }'; }
# hotplug_loop <file>: offline and online CPUs 1 and 3 (never the last of a
# package) until <file> appears; counts the cycles into /tmp/hotplug-cycles.
hotplug_loop() {
	k=0
	until [ -e "$1" ]; do
		for c in 1 3; do cpu_set $c 0 2>/dev/null && cpu_set $c 1 2>/dev/null; done
		k=$((k + 1))
	done
	echo $k >/tmp/hotplug-cycles
}
# td_cycles_with_hotplug <n>: n cycles while CPUs go offline and online.
td_cycles_with_hotplug() {
	rm -f /tmp/cycles-done
	hotplug_loop /tmp/cycles-done &
	h=$!
	td "cycles $1"
	rc=$?
	touch /tmp/cycles-done
	wait $h
	return $rc
}

lifecycle_emulated() {
	check "lifecycle: the module holds nothing for TDs (its own books: 0 TDs, 0 KeyIDs, 0 pages)" \
		held_is "tds 0 hkids 0 pages 0"
	check "lifecycle: a TD created through tdx_td_create(): the module holds 1 TD, 1 KeyID, its root and 6 TDCS pages" \
		eval 'td create && held_is "tds 1 hkids 1 pages 7"'
	check "lifecycle: destroyed through tdx_td_destroy(): the module gives everything back" \
		eval 'td destroy && held_is "tds 0 hkids 0 pages 0"'
	NR=$(create_until_refused)
	check "lifecycle: 31 TDs (every private KeyID but the module's), the 32nd -> ENOSPC" \
		eval '[ "$NR" = 31 ] && write_fails "No space left on device" create $TDS'
	check "lifecycle: the log says every KeyID is in use" \
		dmesg_has "cannot create a TD: all 31 private KeyIDs are in use by TDs"
	check "lifecycle: the module holds 31 KeyIDs and 217 pages; all destroyed, nothing" \
		eval 'held_is "tds 31 hkids 31 pages 217" && destroy_all && held_is "tds 0 hkids 0 pages 0"'
	FREE_BEFORE=$(free_pages)
	check "lifecycle: 300 create+destroy cycles, CPUs left alone" \
		eval 'td "cycles 300" && [ "$(cycles_line | cut -d" " -f1,3)" = "300 0" ]'
	set -- $(cycles_line)
	FIG_CYC=$(cycle_ms "$1" "$2")
	FREE_AFTER=$(free_pages)
	echo "# lifecycle: free pages $FREE_BEFORE before the 300 cycles, $FREE_AFTER after"
	# Between two such counts other activity moves a few hundred pages
	# (+619 and -237 pages around these 300 cycles in session 10, before
	# the per-CPU lists were counted): the slack is half of what leaking
	# a TD's pages would lose.
	check "lifecycle: the page allocator got its pages back (within 1050 pages; leaking a TD's 7 pages would lose 2100)" \
		pages_back "$FREE_BEFORE" "$FREE_AFTER" 1050
	FREE_BEFORE=$(free_pages)
	# Both guest resets of session 10 came right here, the hotplug loop
	# starting just after drop_caches (README, "Known flake"): let what
	# drop_caches set going settle first.
	sleep 5
	check "lifecycle: 1000 create+destroy cycles with CPUs 1 and 3 going offline and online meanwhile" \
		eval 'td_cycles_with_hotplug 1000 && [ "$(cycles_line | cut -d" " -f1,3)" = "1000 0" ]'
	set -- $(cycles_line)
	FIG_CYC_HP=$(cycle_ms "$1" "$2")
	FREE_AFTER=$(free_pages)
	echo "# lifecycle: $(cat /tmp/hotplug-cycles) hotplug rounds during the cycles; free pages $FREE_BEFORE before, $FREE_AFTER after"
	check "lifecycle: after them the module holds no TD, no KeyID, no page" \
		held_is "tds 0 hkids 0 pages 0"
	# CPU hotplug moves free pages too (per-CPU data, KASAN's quarantine):
	# 188 more and 2361 fewer in two runs of session 10.
	check "lifecycle: with CPU hotplug too, the page allocator got its pages back (within 3500 pages, half of what a TD's 7 pages per cycle would be)" \
		pages_back "$FREE_BEFORE" "$FREE_AFTER" 3500
	check "lifecycle: no TD parked, all CPUs online" eval 'grep -qx "parked: 0" $TDS && is $CPU/online 0-3'
	REFUSED=$(freeid_refused)
	check "lifecycle: with the policy bypassed (fault injection), package 1 goes offline under a TD" \
		package_gone_under_a_td
	check "lifecycle: destroying the newer TD: the module refuses TDH.MNG.KEY.FREEID (package 1 owes a cache write back)" \
		eval 'td destroy && [ "$(freeid_refused)" -gt "$REFUSED" ]'
	check "lifecycle: that TD is parked, named in the log; the module still holds both TDs' KeyIDs and pages" \
		eval '[ "$(parked)" = 1 ] && dmesg_has "KeyID [0-9]* is parked: a package has no online CPU" &&
		      held_is "tds 2 hkids 2 pages 14" && is $TDXSYS/nr_tds 2'
	check "lifecycle: a parked TD still counts: S3 -> EBUSY" \
		sleep_fails "Device or resource busy" mem core
	check "lifecycle: package 1 back online: the parked TD is reclaimed, the module holds the other TD only" \
		eval 'cpu_set 2 1 && wait_for 10 held_is "tds 1 hkids 1 pages 7" &&
		      [ "$(parked)" = 0 ] && dmesg_has "parked KeyID [0-9]* reclaimed" && cpu_set 3 1 &&
		      is $TDXSYS/nr_tds 1'
	check "lifecycle: the other TD destroyed, the module holds nothing" \
		eval 'td destroy && held_is "tds 0 hkids 0 pages 0" && is $TDXSYS/nr_tds 0'
	echo "# FIGURE TD create+destroy on the emulated platform (QEMU TCG, KASAN + lockdep): ${FIG_CYC} ms per cycle alone, ${FIG_CYC_HP} ms with CPU hotplug running"
}

policy_emulated() {
	check "init: the TDX module is not initialized before it is needed" \
		no_dmesg "virt/tdx: module initialized"
	check "sysfs: before the first TD, state reads uninitialized" is $TDXSYS/state uninitialized
	check "sysfs: no version, failure or CMRs yet (ENODATA), no TDMRs, no PAMT" \
		eval 'nodata $TDXSYS/version && nodata $TDXSYS/failure && nodata $TDXSYS/cmrs && no_pamt'
	check "sysfs: the private KeyIDs are the platform's ($(model_keyids)), no TD, all but the module's free" \
		eval 'keyids_are_the_platforms 0 && is $TDXSYS/nr_tds 0'
	check "init: the first TD with CPU 3 offline -> EBUSY, the log says to online it" \
		eval 'cpu_set 3 0 && write_fails "Device or resource busy" create $TDS &&
		      dmesg_has "CPU 3 is offline, and TDX needs every present CPU online"'
	check "init: that left the module uninitialized (sysfs says so): with CPU 3 back, a TD is created" \
		eval 'is $TDXSYS/state uninitialized && cpu_set 3 1 &&
		      no_dmesg "TDX module initialization failed" && td create && td destroy'
	check "policy: a TD is created through the core path" eval 'td create && [ "$(nr_tds)" = 1 ]'
	check "sysfs: state initialized, version 1.5.00, build 0 of 20250101, features0 NO_RBP_MOD and SYS_DISABLE (the model's: bits 18, 53)" \
		eval 'is $TDXSYS/state initialized && is $TDXSYS/version 1.5.00 &&
		      is $TDXSYS/build "0 20250101" && is $TDXSYS/features0 0x20000000040000 && nodata $TDXSYS/failure'
	check "sysfs: the CMRs are the model's" cmrs_are_the_models
	check "sysfs: the TDMRs and the PAMT bytes are what the model was configured with" tdmrs_are_the_models
	check "sysfs: 1 TD (the test interface's count), one KeyID fewer free" \
		eval 'is $TDXSYS/nr_tds "$(nr_tds)" && keyids_are_the_platforms 1'
	check "sysfs: no file can be written, not even by root" view_is_read_only
	check "sysfs: nobody reads the state and the counts, not the addresses (cmrs, tdmrs)" unprivileged_view
	echo "# sysfs: PAMT $(tr '\n' ' ' <$TDXSYS/pamt_bytes)bytes; $(grep -c '^ *reserved' $TDXSYS/tdmrs) reserved areas in $(grep -vc '^ ' $TDXSYS/tdmrs) TDMRs"
	check "policy: creating it enabled TDX on every CPU (SYS.INIT, LP.INIT on CPUs 0-3)" \
		grep -qx "lp-initialized cpus: 0-3" $TDS
	check "init: creating the first TD initialized the TDX module, the log says so" \
		dmesg_has "virt/tdx: module initialized"
	check "init: the module version, limits and CMRs were printed" \
		eval 'dmesg_has "virt/tdx: TDX module 1.5.0.0" && dmesg_has "virt/tdx: CMR 0: "'
	PAMT=$(pamt_line)
	check "init: the PAMT figure was printed (${PAMT#virt/tdx: })" [ -n "$PAMT" ]
	echo "# FIGURE emulated boot (2 nodes, 3 GiB + a 256 MiB pc-dimm): ${PAMT#virt/tdx: }"
	check "init: a second TD does not initialize the module again" \
		eval 'td create && td destroy && [ "$(dmesg | grep -c "virt/tdx: module initialized")" = 1 ]'
	check "memory: TDX memory still goes offline and online after init" memblock_offline_online
	MEM_BEFORE=$(memtotal_kb)
	check "memory: the refused pc-dimm's first block is added through memory/probe" probe_d1
	check "memory: it is not TDX memory: onlining it is refused" probed_stays_offline
	check "memory: the log says why" dmesg_has "refusing to online memory .*: it is not TDX memory"
	check "memory: MemTotal unchanged" eval '[ "$(memtotal_kb)" = "$MEM_BEFORE" ]'
	check "policy: with a TD, CPU 3 goes offline" cpu_set 3 0
	check "policy: with a TD, the last CPU of package 1 (CPU 2) -> EBUSY" \
		write_fails "Device or resource busy" 0 $CPU/cpu2/online
	check "policy: CPU 2 is still online, the log says why" \
		eval 'cpu_is 2 1 && dmesg_has "refusing to offline CPU 2, the last online CPU of package 1: 1 TDs are running"'
	check "policy: with a TD, CPU 1 goes offline and comes back" eval 'cpu_set 1 0 && cpu_set 1 1'
	check "policy: with a TD, suspend to RAM (mem, deep) -> EBUSY" \
		eval 'echo deep >/sys/power/mem_sleep && sleep_fails "Device or resource busy" mem core'
	check "policy: the log says why suspend was refused" dmesg_has "refusing suspend to RAM: 1 TDs are running"
	check "policy: with a TD, hibernation (disk) -> EBUSY" \
		sleep_fails "Device or resource busy" disk core
	check "policy: with a TD, s2idle (freeze) works and the system comes back" sleep_to freeze devices
	check "policy: the TD survived s2idle" eval '[ "$(nr_tds)" = 1 ]'
	FIG_TD=$(offline_online_ms 1 10)
	check "policy: CPU 1 offline+online x10 with a TD held (${FIG_TD} ms per cycle)" [ -n "$FIG_TD" ]
	echo "# FIGURE CPU offline+online in QEMU TCG, TDX emulated, 1 TD held: ${FIG_TD} ms per cycle"
	check "policy: the TD is destroyed (sysfs counts 0 TDs)" \
		eval 'td destroy && [ "$(nr_tds)" = 0 ] && is $TDXSYS/nr_tds 0 && keyids_are_the_platforms 0'
	check "policy: without TDs, CPU 2 (all of package 1) goes offline" cpu_set 2 0
	check "policy: creating a TD while package 1 is offline -> EBUSY" \
		eval 'write_fails "Device or resource busy" create $TDS && dmesg_has "cannot create a TD: package 1 has no online CPU"'
	check "policy: package 1 back online, a TD can be created and destroyed" \
		eval 'cpu_set 2 1 && cpu_set 3 1 && td create && td destroy'
	check "policy: stress, CPU offline/online vs TD create/destroy for 30 s" stress_and_watch 30
	check "policy: all CPUs online after the stress" is $CPU/online 0-3
	lifecycle_emulated
	check "policy: without TDs, s2idle works" sleep_to freeze devices
	check "policy: without TDs, suspend to RAM (mem, pm_test core) works" sleep_to mem core
	check "policy: the platform did not sleep: the TDX module is still usable (a TD is created and destroyed)" \
		eval 'is $EMUL/lost N && td create && td destroy'
	check "policy: without TDs, hibernation (disk, pm_test core) works" sleep_to disk core
	check "policy: after the tested hibernation, a TD is created and destroyed" \
		eval 'is $EMUL/lost N && td create && td destroy'
	check "policy: after them, CPU offline and online work" eval 'cpu_set 3 0 && cpu_set 3 1'
}

policy_absent() {
	check "absent: all of package 1 goes offline and comes back" \
		eval 'cpu_set 2 0 && cpu_set 3 0 && cpu_set 2 1 && cpu_set 3 1'
	FIG_ABS=$(offline_online_ms 1 10)
	check "absent: CPU 1 offline+online x10 (${FIG_ABS} ms per cycle)" [ -n "$FIG_ABS" ]
	echo "# FIGURE CPU offline+online in QEMU TCG, TDX absent: ${FIG_ABS} ms per cycle"
	check "absent: s2idle (freeze) works" sleep_to freeze devices
	check "absent: hibernation (disk, pm_test core) works" sleep_to disk core
	check "absent: suspend to RAM (mem, pm_test core) works" \
		eval 'echo deep >/sys/power/mem_sleep && sleep_to mem core'
	check "absent: all CPUs online" is $CPU/online 0-3
}

echo "TAP version 13"
check "topology: CPUs 0-3 online in 2 packages" \
	eval '[ "$(cat /sys/devices/system/cpu/online)" = 0-3 ] && [ "$(nr_packages)" = 2 ]'
check "topology: 2 NUMA nodes, memory on both" \
	eval '[ "$(cat /sys/devices/system/node/has_memory)" = 0-1 ]'
check "the QEMU monitor is reachable from the tests and counts 4 CPUs" monitor_counts_cpus
check "memory of the pc-dimm present at boot is online" boot_dimm_online
check "software memory hotplug: a memory block goes offline and online" memblock_offline_online
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
	check "absent: no tdx_host device in sysfs (the BIOS did not enable TDX)" \
		eval '[ ! -e $TDXSYS ] && [ ! -e /sys/bus/platform/devices/tdx_host ]'
	# The kernel without the test platform (scripts/boot.sh shipped) stops
	# here: the runtime hot-add and the CPU and sleep paths below are the
	# base kernel's code on a machine without TDX, which the test kernel's
	# own TDX-absent boot runs in full.
	if grep -qw tdx_test_quick /proc/cmdline; then
		echo "1..$n"
		exit 0
	fi

	MEM_BEFORE=$(memtotal_kb)
	check "absent: runtime pc-dimm add through the monitor" add_dimm
	check "absent: the hot-added memory is online (MemTotal +256 MiB)" wait_for 60 grew_by_mb 250
	check "absent: _OST reported success for the pc-dimm" wait_for 10 ospm_is d1 1 0
	check "absent: runtime CPU add through the monitor" add_cpu
	check "absent: the hot-added CPU 4 is present" wait_for 60 cpu4_present
	check "absent: _OST reported success for the CPU" wait_for 10 ospm_is c4 1 0
	check "absent: CPU 4 can be onlined" cpu4_online
	check "absent: CPU 4 can be offlined again" cpu4_offline
	policy_absent
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
	policy_emulated
	;;
esac
echo "1..$n"

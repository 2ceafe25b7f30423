#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel once in QEMU and grade what happened.
#
#   boot.sh absent|emulated|shipped|s3|s4|failed|kexec [--show|--demo]
#
# absent: a machine without TDX; emulated: booted with tdx_emulate;
# shipped: the kernel of the series without its test platform (KERNEL),
# on a machine without TDX, graded like "absent"; s3: emulated, real S3
# only, and kexec on a CPU with the partial-write erratum
# (tests/guest/s3-tests.sh); s4: emulated, real hibernation to a
# virtio-blk swap disk, then a second QEMU run that resumes from it
# (tests/guest/s4-tests.sh); failed: emulated, the TDX module's
# initialization failed by fault injection (tests/guest/failed-tests.sh),
# then kexec with a module that cannot be disabled; kexec: emulated, kexec
# and kdump in one QEMU run of three kernels (tests/guest/kexec-tests.sh). The
# serial log is kept in build/logs/boot-<mode>.log. Results (one line per
# test: PASS/FAIL/SKIP; RETRY for a boot booted again) are appended to
# $RESULTS; --show prints the kernel's TDX lines and the status block; --demo (`make run`) boots as a user
# boots, without KUnit and without the tests, shows the policy at work
# (tests/guest/demo.sh) and the status block on one screen, and grades
# only the boot itself. KERNEL overrides the
# kernel (default: build/obj/arch/x86/boot/bzImage).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: boot.sh absent|emulated|shipped|s3|s4|failed|kexec [--show|--demo]}
show=${2:-}
RESULTS=${RESULTS:-$BUILD/results.txt}
logs=$BUILD/logs
log=$logs/boot-$mode.log
[ "$show" = --demo ] && { log=$logs/run-$mode.log; RESULTS=$BUILD/run-results.txt; }
mkdir -p "$logs"

result() { # result PASS|FAIL|SKIP|RETRY name...
	local r=$1
	shift
	echo "$r: $*" >>"$RESULTS"
	[ "$r" = PASS ] || echo "  $r: $*"
}

append="console=ttyS0 log_buf_len=8M memhp_default_state=online panic=-1"
# The BIOS of this QEMU machine: DRAM below 2 GiB and from 4 GiB to the end
# of the boot pc-dimm (scripts/qemu.py), as CMRs; 64 KiB at 1008 MiB
# reserved for the TDX module's own memory (SEAMRR), where the module's
# state outlives kexec (memmap= also keeps KASLR away from it).
seamrr=0x3f000000
emulate="tdx_emulate tdx_emulate_cmrs=0x100000-0x80000000,0x100000000-0x150000000"
emulate="$emulate memmap=64K\$$seamrr tdx_emulate_seamrr=$seamrr"
qemu_extra=()
timeout=600
# A CPU that says it is a Sapphire Rapids (family 6, model 0x8F), which
# has the TDX partial-write erratum (the last -cpu option is QEMU's).
erratum_cpu=(-cpu max,la57=off,vendor=GenuineIntel,family=6,model=143)
# kexec_disk: a tar archive on a read-only virtio-blk disk with what the
# guest needs to kexec: kexec-tools (and its libraries), the kernel booted
# here and the initramfs (tests/guest/kexec-tests.sh).
kexec_disk() {
	local dir=$BUILD/kexec-disk-$mode tar=$BUILD/kexec-$mode.tar lib
	[ -x /sbin/kexec ] || die "kexec-tools is missing: run 'make deps'"
	rm -rf "$dir"
	mkdir -p "$dir/sbin" "$dir/boot"
	cp /sbin/kexec "$dir/sbin/"
	for lib in $(ldd /sbin/kexec | grep -oE '/[^ ]+'); do
		mkdir -p "$dir$(dirname "$lib")"
		cp -L "$lib" "$dir$lib"
	done
	cp "${KERNEL:-$OBJ/arch/x86/boot/bzImage}" "$dir/boot/bzImage"
	cp "$BUILD/initramfs.cpio.gz" "$dir/boot/initrd.gz"
	tar -C "$dir" -c -f "$tar" .
	rm -rf "$dir"
	qemu_extra+=(-drive "file=$tar,if=virtio,format=raw,readonly=on")
}
if [ "$mode" = emulated ]; then
	append="$append $emulate"
	# KUnit, the system tests (1000 TD lifecycles among them: 30-130 s)
	# and the kselftests: 460 s with another boot beside it.
	timeout=900
elif [ "$mode" = s3 ]; then
	# A module without TDH.SYS.DISABLE on an erratum CPU: kexec refused
	# while TDX holds private memory, allowed after S3 reset it.
	append="$append $emulate tdx_emulate_sys_disable=0 tdx_test_s3 maxcpus=2 kunit.filter_glob=none"
	kexec_disk
	qemu_extra+=("${erratum_cpu[@]}")
elif [ "$mode" = s4 ]; then
	# 1 GiB and no compression keep the image small and its writing and
	# reading fast under TCG (780 MB at 7 MB/s with all the memory);
	# nokaslr: the model tells a restore by a mark in the kernel image's
	# nosave section, which the restoring boot must load at the same place.
	append="$append $emulate tdx_test_s4 kunit.filter_glob=none mem=1G swiotlb=noforce hibernate=nocompress nokaslr"
	disk=$BUILD/s4-swap.img
	qemu_extra=(-drive "file=$disk,if=virtio,format=raw,cache=unsafe")
elif [ "$mode" = failed ]; then
	# A module without TDH.SYS.DISABLE: the boot ends with a kexec.
	append="$append $emulate tdx_emulate_sys_disable=0 tdx_test_failed kunit.filter_glob=none"
	kexec_disk
elif [ "$mode" = kexec ]; then
	# kexec, then kdump into the crashkernel= reservation (the debug
	# kernel needs more than 256 MiB); mem=1G keeps /proc/vmcore small
	# enough to read under TCG. The reservation is at a fixed place, away
	# from both kernels (nokaslr: the first runs at 16 MiB, kexec loads the
	# second at the top of memory): anywhere, the kexec'd kernel found no
	# 384 MiB hole in about one boot of five.
	append="$append $emulate tdx_test_kexec kunit.filter_glob=none mem=1G nokaslr crashkernel=384M@256M"
	kexec_disk
	qemu_extra+=("${erratum_cpu[@]}")
	timeout=900
elif [ "$mode" = shipped ]; then
	# The system tests stop after the checks of the TDX-absent path that
	# differ between the kernels (tests/guest/system-tests.sh); then kexec
	# into the same kernel, as on any machine without TDX.
	append="$append kunit.filter_glob=none tdx_test_quick tdx_test_kexec_after"
	kexec_disk
else
	append="$append kunit.filter_glob=none"
fi
[ "$show" = --demo ] && append="$append tdx_demo kunit.filter_glob=none"

boot() {
	start=$(date +%s)
	note "booting the test kernel in QEMU (TDX $mode), log: ${log#$TOP/}"
	rc=0
	"$TOP/scripts/qemu.py" --kernel "${KERNEL:-$OBJ/arch/x86/boot/bzImage}" \
		--initrd "$BUILD/initramfs.cpio.gz" --append "$append" \
		--log "$log" --timeout "${BOOT_TIMEOUT:-$timeout}" \
		$([ "$show" = --show ] && echo --progress || echo --quiet) \
		-- "${qemu_extra[@]}" || rc=$?
	note "QEMU (TDX $mode) exited with $rc after $(since "$start")s"
}
# Retries. A boot is booted again, at most twice, and only on a signature
# named here; each retry is a RETRY line, counted in make check's last
# line. Any other hang or reset is a failure. (Twice: a kexec boot runs
# three kernels, each of which can meet the early hang; session 10 saw one
# kexec boot hang in its kdump kernel and then in its kexec'd kernel, with
# the host's two CPUs shared by three QEMUs and a kernel build.)
#
# early-hang: a TCG flake, seen three times in about 35 boots, and three
# times in session 8 with the host CPUs busy (once in a kernel started by
# kexec): the console stops for good after "Running RCU-tasks wait API
# self tests", seconds into a kernel's boot, before any code of the series
# runs. That line is printed only there, so a log whose last console line
# it is, after the 4-minute watchdog, is that hang wherever it happens
# (for the kexec boots: in any of their kernels). Whose it is is not
# established (README, "Known flake"; the uneven-topology stall that
# scripts/topology-study.sh looked at is the base kernel's and has another
# signature).
early_hang() {
	[ "$rc" = 124 ] &&
		[ "$(grep -a '^\[' "$log" | tail -1 | sed 's/^\[[ 0-9.]*\] //')" = \
		  "Running RCU-tasks wait API self tests" ]
}
# guest-reset: seen twice in about ten emulated boots of session 4, at the
# start of the 30 s CPU/TD stress: the guest resets itself (QMP SHUTDOWN
# "guest-reset", a triple fault) with no panic or oops on the console.
guest_reset() {
	! grep -qx '@@@ DONE' "$log" && grep -q '"reason": "guest-reset"' "$log.qmp" &&
		! grep -qE 'Kernel panic|Oops|BUG:' "$log"
}
# s4: the first run ends when the image is written and the platform powers
# off; the second boots the same kernel with resume= and must restore it.
# The log of the two is one: the tests' output spans both. One attempt is
# both runs, on a fresh disk; its results wait in $log.s4 until the
# retries below have decided which attempt counts.
run() {
	[ "$mode" = s4 ] || { boot; return; }
	local base=$append
	rm -f "$disk" "$log.s4"
	truncate -s 2G "$disk"
	boot
	# An early hang of the first run is retried as such, below.
	early_hang && return
	mv "$log" "$log.hibernate"
	mv "$log.qmp" "$log.hibernate.qmp"
	if [ "$rc" = 0 ] && grep -qx '@@@ HIBERNATE' "$log.hibernate" &&
	   ! grep -q '^@@@ RESTORED' "$log.hibernate" &&
	   grep -q 'PM: Image saving done' "$log.hibernate"; then
		echo "PASS boot s4: the first run wrote the image to the swap disk and QEMU exited (power off)" >>"$log.s4"
	else
		echo "FAIL boot s4: the first run did not hibernate (exit $rc, see ${log#$TOP/}.hibernate)" >>"$log.s4"
	fi
	append="$base resume=/dev/vda"
	boot
	append=$base
	if grep -q 'PM: Image loading done' "$log" && grep -q '^@@@ RESTORED' "$log"; then
		echo "PASS boot s4: the second run loaded the image from the disk and resumed in it" >>"$log.s4"
	else
		echo "FAIL boot s4: the second run did not resume from the image (see ${log#$TOP/})" >>"$log.s4"
	fi
	# The kernel's own figures: how long the image took to write and read.
	grep -ahoE 'PM: hibernation: (Wrote|Read) [0-9]+ kbytes in [0-9.]+ seconds \([0-9.]+ MB/s\)' \
		"$log.hibernate" "$log" | sed 's/^PM: hibernation: /  s4 image: /' || true
	cat "$log.hibernate" "$log" >"$log.both" && mv "$log.both" "$log"
	rm -f "$disk"
}
run
retries=0
while [ $retries -lt 2 ]; do
	retries=$((retries + 1))
	if early_hang; then
		mv "$log" "$logs/boot-$mode.hung$retries.log"
		result RETRY "boot $mode: early-hang signature (the console stopped after the RCU-tasks self tests; log kept in build/logs/boot-$mode.hung$retries.log); booted again"
	elif guest_reset; then
		mv "$log" "$logs/boot-$mode.reset$retries.log"
		mv "$log.qmp" "$logs/boot-$mode.reset$retries.log.qmp"
		result RETRY "boot $mode: guest-reset signature (triple fault, no panic; log kept in build/logs/boot-$mode.reset$retries.log); booted again"
	else
		break
	fi
	run
done
if [ "$mode" = s4 ] && [ -e "$log.s4" ]; then
	while read -r r what; do result "$r" "$what"; done <"$log.s4"
	rm -f "$log.s4"
fi

# section <name>: the lines between "@@@ BEGIN name" and "@@@ END name".
section() {
	awk -v s="$1" '$0 == "@@@ END " s {p=0} p {print} $0 == "@@@ BEGIN " s {p=1}' "$log"
}

if ! grep -qx '@@@ DONE' "$log"; then
	result FAIL "boot $mode: the test run did not complete (exit $rc, see ${log#$TOP/})"
else
	result PASS "boot $mode: the test run completed"
fi

if [ "$show" = --demo ]; then
	section dmesg | sed 's/^\[[ 0-9.]*\] //' >"$logs/run-dmesg-$mode.log"
	echo
	echo "=== TDX $mode: what the kernel said about TDX ==="
	grep -E 'virt/tdx|tdx_emul|ACPI: (memory|processor) hotplug' "$logs/run-dmesg-$mode.log" ||
		echo "(nothing)"
	if [ -n "$(section demo)" ]; then
		echo "=== TDX $mode: the policy at work (tests/guest/demo.sh) ==="
		section demo
	fi
	echo "=== TDX $mode: status ==="
	section status
	if grep -qE 'WARNING:|BUG:|Oops|Kernel panic|UBSAN:' "$logs/run-dmesg-$mode.log"; then
		echo "!!! the kernel reported a problem: see ${logs#$TOP/}/run-dmesg-$mode.log"
		exit 1
	fi
	exit 0
fi

# kselftest results: the harness's own lines, prefixed "# " by the runner.
# A skipped test's line has no name: take it from the harness's RUN line.
section kselftest | awk '
	/^# #  RUN / { name = $4 }
	/^# not ok [0-9]+ / { print "FAIL " name; next }
	/^# ok [0-9]+ .*# SKIP / { sub(/^.*# SKIP /, ""); print "SKIP " name ": " $0; next }
	/^# ok [0-9]+ / { print "PASS " name }' |
while read -r verdict name; do
	result "$verdict" "kselftest ($mode): $name"
done
# The sleep boots (s3, s4), the failed and the kexec boots run their own
# script, no kselftests.
sleep_boot=false
case $mode in s3 | s4 | failed | kexec) sleep_boot=true ;; esac
$sleep_boot || section kselftest | grep -q '^ok 1 selftests: tdx: tdx_host_test' ||
	result FAIL "kselftest ($mode): tdx_host_test did not pass as a whole"

# plan_check <what> <prefix>: the TAP plan of a section matches its results,
# so that a test that silently stops running fails.
plan_check() {
	local what=$1 pre=$2 plan ran
	plan=$(section "$what" | sed -nE "s/^${pre}1\.\.([0-9]+)\$/\1/p" | tail -1)
	ran=$(section "$what" | grep -cE "^${pre}(not )?ok [0-9]+ " || true)
	if [ -z "$plan" ]; then
		result FAIL "$what ($mode): no TAP plan (the tests did not finish)"
	elif [ "$plan" != "$ran" ]; then
		result FAIL "$what ($mode): TAP plan 1..$plan, $ran results"
	else
		result PASS "$what ($mode): TAP plan 1..$plan, $ran results"
	fi
}
# tap_results <section>: a result line per TAP line of a section.
tap_results() {
	section "$1" | grep -E '^(not )?ok [0-9]+ ' | while read -r line; do
		name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ //')
		case "$line" in
		"not ok"*) result FAIL "$1 ($mode): $name" ;;
		*) result PASS "$1 ($mode): $name" ;;
		esac
	done
}
$sleep_boot || plan_check kselftest '# '
plan_check system ''
# The shipped boot ends with a kexec: the next kernel's own section.
if [ "$mode" = shipped ]; then
	plan_check kexec ''
	tap_results kexec
	# No SEAMCALL was ever issued: nothing about TDX on the way out.
	if grep -aq 'virt/tdx: kexec' "$log"; then
		result FAIL "kexec ($mode): the kernel said something about TDX on the way out: $(grep -a 'virt/tdx: kexec' "$log" | head -1)"
	else
		result PASS "kexec ($mode): the kernel said nothing about TDX on the way out"
	fi
fi

tap_results system

# KUnit runs at boot of the emulated kernel (the other boot filters every
# suite out, so that it is a kernel without TDX); its KTAP is in the log.
section dmesg >"$logs/dmesg-$mode.log"
if [ "$mode" = emulated ]; then
	kunit_out=$logs/kunit-$mode.txt
	# DEBUG_STACK_USAGE's "used greatest stack depth" note comes from a
	# kthread exiting, at any point of the KTAP output, and kunit.py parse
	# takes it for a broken KTAP header: leave it out.
	grep -v 'used greatest stack depth' "$logs/dmesg-$mode.log" >"$logs/ktap-$mode.log" || true
	python3 "$TREE/tools/testing/kunit/kunit.py" parse --json="$logs/kunit-$mode.json" \
		"$logs/ktap-$mode.log" >"$kunit_out" 2>&1 || true
	if grep -qE 'Ran [1-9][0-9]* tests?' "$kunit_out"; then
		"$TOP/scripts/kunit-results.py" --expect "$TOP/tests/kunit-suites" \
			"$logs/kunit-$mode.json" | tee -a "$RESULTS" |
			grep -vE '^PASS|^  - PASS' | sed 's/^/  /' || true
		if grep -E 'Ran [0-9]+ tests?' "$kunit_out" | grep -qE '(errors|crashed): [1-9]'; then
			result FAIL "kunit: kunit.py parse found malformed KTAP (${kunit_out#$TOP/})"
		fi
	else
		result FAIL "kunit: no KUnit results in the kernel log (${kunit_out#$TOP/})"
	fi
fi

# Every CPU that issued a SEAMCALL flushed its caches before the jump to
# the next kernel: the CPUs the model saw initialize (@@@ MODEL-LPS, from
# the model's debugfs) against the kernel's "caches flushed" line.
cpus_of() { # "0-2,5" -> "0 1 2 5"
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] && seq "$a" "${b:-$a}"
	done | tr '\n' ' '
}
flush_check() {
	local want line how flushed last c missing
	grep -aE '^@@@ MODEL-LPS |virt/tdx: (kexec|kdump): caches flushed' "$log" |
		sed 's/^\[[ 0-9.]*\] //' | while read -r line; do
		case "$line" in
		"@@@ MODEL-LPS "*) want=${line#@@@ MODEL-LPS } ;;
		*)
			how=${line#virt/tdx: }
			how=${how%%:*}
			flushed=$(echo "$line" | sed -nE 's/.*caches flushed on CPUs ([0-9,-]*[0-9]).*/\1/p')
			last=$(echo "$line" | sed -nE 's/.*, CPU ([0-9]+) flushes last.*/\1/p')
			missing=
			for c in $(cpus_of "$want"); do
				case " $(cpus_of "$flushed") $last " in *" $c "*) ;; *) missing="$missing $c" ;; esac
			done
			if [ -n "$want" ] && [ -z "$missing" ]; then
				echo "PASS: boot $mode: $how: every CPU the model saw initialize (${want}) flushed its caches before the jump (CPUs ${flushed:-none}${last:+, CPU $last last})"
			else
				echo "FAIL: boot $mode: $how: CPUs${missing:- ?} (model: ${want:-none}) did not flush before the jump: $line"
			fi
			want=
			;;
		esac
	done
}
case $mode in
failed) flushes=1 ;;
kexec) flushes=2 ;;
*) flushes=0 ;;
esac
if [ "$flushes" -gt 0 ]; then
	got=$(flush_check)
	[ -n "$got" ] && echo "$got" | while IFS= read -r line; do result "${line%%: *}" "${line#*: }"; done
	[ "$(echo "$got" | grep -c '^PASS')" = "$flushes" ] ||
		result FAIL "boot $mode: $flushes jumps to another kernel with every CPU flushed expected, $(echo "$got" | grep -c '^PASS') seen"
fi

# The kexec boot's crash: the module cannot be disabled (fault injection),
# so on this erratum CPU the crashing kernel clears the PAMTs itself. Its
# lines reach only the console; the kdump kernel's model counts the result.
if [ "$mode" = kexec ]; then
	for want in "virt/tdx: kdump: TDX module not disabled, the next kernel cannot use TDX until a reboot: TDH.SYS.DISABLE.*TDX_SYS_BUSY" \
		"virt/tdx: kdump: TDX module not disabled on a CPU with the partial-write erratum: its PAMTs ([1-9][0-9]* KB) were cleared for the next kernel"; do
		if [ "$(grep -ac "$want" "$log")" -gt 0 ]; then
			result PASS "boot kexec: the crashing kernel said: ${want#virt/tdx: }"
		else
			result FAIL "boot kexec: the crashing kernel did not say: ${want#virt/tdx: }"
		fi
	done
fi

leaks=$(section kmemleak)
if [ -n "$leaks" ]; then
	result FAIL "boot $mode: kmemleak reports leaks (see ${log#$TOP/})"
else
	result PASS "boot $mode: kmemleak clean"
fi

# The kexec boot crashes on purpose (sysrq): its panic, from "@@@ CRASH" or
# the sysrq line to the kdump kernel's first line, is no report.
reports=$(awk '/^@@@ CRASH$|sysrq: Trigger a crash/ {skip=1} /Linux version / {skip=0} !skip' "$log" |
	grep -E 'WARNING:|BUG:|Oops|Kernel panic|general protection fault|UBSAN:|INFO: task .* blocked|unreferenced object' || true)
if [ -n "$reports" ]; then
	result FAIL "boot $mode: kernel reports (lockdep/KASAN/WARN/BUG): $(echo "$reports" | head -1)"
else
	result PASS "boot $mode: no lockdep, KASAN, WARN or BUG report"
fi

if [ "$show" = --show ]; then
	echo
	echo "--- kernel TDX lines (TDX $mode) ---"
	grep -E 'virt/tdx|tdx_emul' "$logs/dmesg-$mode.log" | sed 's/^\[[ 0-9.]*\] //' || echo "(none)"
	echo "--- status (TDX $mode) ---"
	section status
	echo
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kexec and kdump on the emulated TDX platform (TAP), in one QEMU run of
# three kernels (scripts/boot.sh kexec). The platform keeps the TDX
# module's state in its SEAMRR (tdx_emulate_seamrr=), as a real module
# keeps it across kexec; kexec-tools and the kernel come from the
# virtio-blk disk /dev/vda (a tar archive).
#
#   stage 1: a TD initializes the module and is destroyed, and with it
#            every CPU leaves VMX operation (as KVM's do after the last
#            VM); kexec -e into the same kernel: the kernel enters VMX
#            operation with what the emulated TDs lent it, as KVM lends
#            its own, disables the module (TDH.SYS.DISABLE) and flushes
#            the caches of every CPU that issued a SEAMCALL;
#   stage 2: the model holds the disabled module, and a TD initializes it
#            again; TDH.SYS.DISABLE is made to fail (always TDX_SYS_BUSY);
#            with the TD alive the kernel crashes (sysrq) into the kdump
#            kernel loaded with kexec -p;
#   stage 3: the kdump kernel finds the module left initialized, and the
#            PAMTs, the module's private memory, cleared by the crashing
#            kernel (the model counts the lines it wrote that are left),
#            and reads /proc/vmcore to the end.
#
# The CPU is a Sapphire Rapids (scripts/boot.sh): it has the partial-write
# erratum, and the module has TDH.SYS.DISABLE, so kernels can be loaded.
#
# Stages absent-1 and absent-2 end the shipped boot (a machine without
# TDX): kexec works as before. Stages old-1 and old-2 end the failed boot (scripts/boot.sh failed,
# tests/guest/failed-tests.sh): a module without TDH.SYS.DISABLE
# (tdx_emulate_sys_disable=0), left initialized by kexec -e; the next
# kernel must find it unusable, say so once and show it in sysfs.
#
# The TAP numbering goes on across the kernels (tdx_kexec_n= on the next
# kernel's command line); the plan comes at the end of stage 3. Before a
# kernel leaves, "@@@ MODEL-LPS <cpus>" gives the CPUs the model saw
# initialize (every one issued SEAMCALLs): scripts/boot.sh checks them
# against the kernel's "caches flushed" line on the console.

. /tap.sh

arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
# KEXEC_STAGE and KEXEC_N: when another script hands over (failed-tests.sh).
stage=${KEXEC_STAGE:-$(arg tdx_kexec_stage)}
stage=${stage:-1}
n=${KEXEC_N:-$(arg tdx_kexec_n)}
n=${n:-0}
# The command line of the next kernel: this one's, with the next stage and
# the TAP count. Called inside the check that loads the kernel: the count
# includes that check.
next_cmdline() {
	sed -E 's/ ?tdx_kexec_(stage|n)=[^ ]*//g' /proc/cmdline |
		sed "s/\$/ $1 tdx_kexec_n=$((n + 1))/"
}
model_lps() { sed -n 's/^lp-initialized cpus: //p' $TDS; }
# leave <why>: what a kernel prints before it leaves; then the jump.
leave() {
	echo "@@@ MODEL-LPS $(model_lps)"
	echo "@@@ BEGIN dmesg-$stage"
	dmesg
	echo "@@@ END dmesg-$stage"
	echo "@@@ $1"
	# Let the output above reach the console first: the kernel's lines
	# from here on would overtake what tee and the tty still hold.
	sleep 3
	dmesg -n 7	# the kernel's lines on the way out, on the console
}

# kexec_into <label> <next stage>: load the same kernel, leave, jump.
kexec_into() {
	next_stage=$2	# eval below runs with check's arguments as $1, $2...
	check "$1: kexec -s -l loads the same kernel" \
		eval '/sbin/kexec -s -l /boot/bzImage --initrd=/boot/initrd.gz \
		      --command-line="$(next_cmdline tdx_kexec_stage=$next_stage)" && is /sys/kernel/kexec_loaded 1'
	leave KEXEC
	/sbin/kexec -e
	dmesg -n 1
	not_ok "$1: kexec -e returned"
	echo "1..$n"
}

case $stage in
1)
	echo "TAP version 13"
	check "kexec: the kexec tools and the kernel are unpacked from /dev/vda" kexec_unpack
	check "kexec: the model: a fresh TDX module in SEAMRR, with TDH.SYS.DISABLE" \
		dmesg_has "tdx_emul: SEAMRR at 0x[0-9a-f]*: the firmware loaded a fresh TDX module, with TDH.SYS.DISABLE"
	check "kexec: the CPU (family 6, model 0x8f) has the partial-write erratum, the kernel says so" \
		eval 'grep -q "^model[[:space:]]*: 143$" /proc/cpuinfo &&
		      dmesg_has "virt/tdx: this CPU has the TDX partial-write erratum: once TDX is initialized, kexec and kdump need a TDX module with TDH.SYS.DISABLE"'
	check "kexec: a TD is created (the TDX module is initialized) and destroyed: no VM keeps VMX operation on" \
		eval 'td create && is $EMUL/state ready && is $TDXSYS/state initialized && td destroy'
	kexec_into kexec 2
	;;
2)
	dmesg -n 1
	ok "kexec: the kernel started by kexec -e runs"
	check "kexec: the model: the module the previous kernel left is disabled (state none)" \
		dmesg_has "tdx_emul: SEAMRR at 0x[0-9a-f]*: the TDX module an earlier kernel left is still loaded: state none, with TDH.SYS.DISABLE"
	check "kexec: sysfs: the module is uninitialized" is $TDXSYS/state uninitialized
	check "kexec: a TD is created: this kernel initializes the module again" \
		eval 'td create && is $EMUL/state ready && is $TDXSYS/state initialized &&
		      dmesg_has "virt/tdx: module initialized"'
	check "kdump: TDH.SYS.DISABLE (leaf 69) is set to fail, always with TDX_SYS_BUSY (0x8000020200000000)" \
		eval 'echo 69 >$EMUL/fail_seamcall_leaf && echo 0x8000020200000000 >$EMUL/fail_seamcall_status &&
		      echo 0 >$EMUL/fail_seamcall/verbose && echo -1 >$EMUL/fail_seamcall/times &&
		      echo 100 >$EMUL/fail_seamcall/probability'
	check "kdump: the crash kernel is loaded (kexec -s -p) into the crashkernel= reservation" \
		eval 'kexec_unpack && /sbin/kexec -s -p /boot/bzImage --initrd=/boot/initrd.gz \
		      --command-line="$(next_cmdline tdx_kexec_stage=3 | sed -E "s/ ?crashkernel=[^ ]*//") nr_cpus=1 irqpoll swiotlb=noforce" &&
		      is /sys/kernel/kexec_crash_loaded 1'
	echo "# with a TD alive, the kernel crashes into the kdump kernel"
	leave CRASH
	echo c >/proc/sysrq-trigger
	dmesg -n 1
	not_ok "kdump: the crash returned"
	echo "1..$n"
	;;
3)
	dmesg -n 1
	check "kdump: the kdump kernel runs (elfcorehdr= on its command line)" \
		grep -q 'elfcorehdr=' /proc/cmdline
	check "kdump: the model: the crashing kernel could not disable the module (state ready)" \
		dmesg_has "tdx_emul: SEAMRR at 0x[0-9a-f]*: the TDX module an earlier kernel left is still loaded: state ready, with TDH.SYS.DISABLE"
	check "kdump: the model: none of the PAMT lines it wrote is left private (the crashing kernel cleared them)" \
		eval 'dmesg | grep -q "tdx_emul: kdump: 0 of [1-9][0-9]* PAMT lines the TDX module wrote are still its private data$"'
	# Through mmap(), as makedumpfile reads it (read() maps each old page
	# on its own: 1.5 MB/s under TCG); a line per 64 MiB on the console.
	size=$(stat -c %s /proc/vmcore 2>/dev/null)
	out=$(vmcore-read /proc/vmcore | tee /dev/console | tail -1)
	got=$(echo "$out" | sed -n 's/^read \([0-9]*\) of.*/\1/p')
	echo "# /proc/vmcore: $out"
	check "kdump: /proc/vmcore is read to the end without a machine check or a hang" \
		eval '[ -n "$size" ] && [ "$size" -gt 0 ] && [ "$got" = "$size" ]'
	echo "1..$n"
	;;
absent-1)
	# After the shipped boot's own tests: no TAP here, the next kernel
	# reports in a section of its own.
	kexec_unpack && /sbin/kexec -s -l /boot/bzImage --initrd=/boot/initrd.gz \
		--command-line="$(sed -E 's/ ?tdx_test_kexec_after//' /proc/cmdline) tdx_kexec_stage=absent-2" || {
		echo "@@@ BEGIN kexec"
		not_ok "kexec (TDX absent): the kernel was loaded"
		echo "1..$n"
		echo "@@@ END kexec"
		return 0 2>/dev/null || exit 0
	}
	echo "@@@ KEXEC"
	dmesg -n 7
	/sbin/kexec -e
	;;
absent-2)
	dmesg -n 1
	echo "TAP version 13"
	ok "kexec (TDX absent): the kernel started by kexec -e runs"
	check "kexec (TDX absent): no TDX here, and nothing about TDX in the log" \
		eval '[ ! -e $TDXSYS ] && ! dmesg | grep -q "virt/tdx"'
	echo "1..$n"
	;;
old-1)
	check "kexec (old module): the kexec tools and the kernel are unpacked from /dev/vda" kexec_unpack
	kexec_into "kexec (old module)" old-2
	;;
old-2)
	dmesg -n 1
	ok "kexec (old module): the kernel started by kexec -e runs"
	check "kexec (old module): the model: the module is still initialized (state sysinit), without TDH.SYS.DISABLE" \
		dmesg_has "tdx_emul: SEAMRR at 0x[0-9a-f]*: the TDX module an earlier kernel left is still loaded: state sysinit, without TDH.SYS.DISABLE"
	check "kexec (old module): the first TD -> EIO: TDH.SYS.INIT finds the module initialized by the previous kernel" \
		eval 'write_fails "Input/output error" create $TDS &&
		      dmesg_has "virt/tdx: TDH.SYS.INIT failed: TDX_SYS_INIT_NOT_PENDING, initialized by a previous kernel (kexec) and not disabled: reboot to use TDX"'
	check "kexec (old module): sysfs: state failed, failure TDH.SYS.INIT: TDX_SYS_INIT_NOT_PENDING" \
		eval 'is $TDXSYS/state failed && is $TDXSYS/failure "TDH.SYS.INIT: TDX_SYS_INIT_NOT_PENDING"'
	check "kexec (old module): a second TD -> EIO, without a new SEAMCALL or message" \
		eval 'write_fails "Input/output error" create $TDS &&
		      [ "$(dmesg | grep -c "TDH.SYS.INIT failed")" = 1 ] && is $EMUL/state sysinit'
	echo "1..$n"
	;;
esac

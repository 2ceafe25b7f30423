#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A failed TDX module initialization on the emulated platform (TAP), in a
# boot of its own (scripts/boot.sh failed): a failed initialization is
# kept until the next boot. The model refuses TDH.SYS.CONFIG once, through
# its fault injection, with TDX_TDMR_OUTSIDE_CMRS (0xC0000A0200000000,
# ../shared/reference/tdx-abi.md); the kernel must unwind, say so, and
# show in sysfs which step failed with which status. Then kexec, with a
# module that cannot be disabled.

. /tap.sh

FAIL=$EMUL/fail_seamcall
echo "TAP version 13"
check "failed: before the first TD, sysfs says uninitialized" is $TDXSYS/state uninitialized
check "failed: TDH.SYS.CONFIG (leaf 45) is set to fail once with TDX_TDMR_OUTSIDE_CMRS" \
	eval 'echo 45 >$EMUL/fail_seamcall_leaf && echo 0xC0000A0200000000 >$EMUL/fail_seamcall_status &&
	      echo 0 >$FAIL/verbose && echo 1 >$FAIL/times && echo 100 >$FAIL/probability'
check "failed: the first TD -> EIO, the log says initialization failed" \
	eval 'write_fails "Input/output error" create $TDS &&
	      dmesg_has "virt/tdx: TDH.SYS.CONFIG failed: TDX_TDMR_OUTSIDE_CMRS" &&
	      dmesg_has "virt/tdx: TDX module initialization failed (-5)"'
check "failed: the model was never configured (its state: sysinit)" is $EMUL/state sysinit
check "failed: sysfs: state failed" is $TDXSYS/state failed
check "failed: sysfs: failure names the step and the status: TDH.SYS.CONFIG: TDX_TDMR_OUTSIDE_CMRS" \
	is $TDXSYS/failure "TDH.SYS.CONFIG: TDX_TDMR_OUTSIDE_CMRS"
check "failed: sysfs: the metadata read before the failure is shown (version 1.5.00, the model's CMRs)" \
	eval 'is $TDXSYS/version 1.5.00 && cmrs_are_the_models'
check "failed: sysfs: the PAMTs were given back (no TDMR, 0 PAMT bytes on every node)" no_pamt
check "failed: sysfs: no TD, every KeyID but the module's free" \
	eval 'is $TDXSYS/nr_tds 0 && keyids_are_the_platforms 0'
check "failed: the failure is kept: a second TD -> EIO without a new attempt" \
	eval 'write_fails "Input/output error" create $TDS && is $EMUL/state sysinit &&
	      [ "$(dmesg | grep -c "virt/tdx: TDX module initialization failed")" = 1 ]'
check "failed: sysfs: no file can be written, not even by root" view_is_read_only
check "failed: sysfs: nobody reads the state and the failure, not the addresses" unprivileged_view
# The platform's module has no TDH.SYS.DISABLE (tdx_emulate_sys_disable=0):
# kexec into the same kernel, which must find it unusable
# (tests/guest/kexec-tests.sh, stages old-1 and old-2, prints the plan).
KEXEC_STAGE=old-1 KEXEC_N=$n sh /kexec-tests.sh

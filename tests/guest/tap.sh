# SPDX-License-Identifier: GPL-2.0
#
# TAP and the helpers the guest's test scripts share; sourced, never run.

n=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n $*"; }
# check <description> <command...>: one TAP line for the command's status.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

dmesg_has() { dmesg | grep -q "$1"; }
no_dmesg() { ! dmesg | grep -q "$1"; }
is() { [ "$(cat "$1")" = "$2" ]; }
# write_fails <errno text> <value> <file>: the write fails with that error.
write_fails() {
	err=$( (echo "$2" >"$3") 2>&1 ) && return 1
	case "$err" in *"$1"*) return 0 ;; *) echo "# $3: $err"; return 1 ;; esac
}

# The emulated platform's TDs (arch/x86/virt/vmx/tdx/model/tds.c).
EMUL=/sys/kernel/debug/tdx_emul
TDS=$EMUL/tds
td() { echo "$1" >$TDS; }

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

# qmp <json>: run a QMP command through ttyS1 and scripts/qemu.py; the
# reply is in $QMP_REPLY.
qmp() {
	if ! [ -e /proc/$$/fd/3 ]; then
		stty -F /dev/ttyS1 raw -echo
		exec 3<>/dev/ttyS1
	fi
	echo "QMP $1" >&3
	read -r QMP_REPLY <&3
	case "$QMP_REPLY" in OK*) return 0 ;; *) return 1 ;; esac
}

# kexec-tools and the kernel: the tar archive on /dev/vda (scripts/boot.sh).
kexec_unpack() { tar -x -f /dev/vda -C / && [ -x /sbin/kexec ] && [ -s /boot/bzImage ]; }

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

# The TDX state in sysfs (arch/x86/virt/vmx/tdx/sysfs.c), judged against
# the model's own view where the model has one.
TDXSYS=/sys/devices/platform/tdx_host
TDXSYS_FILES="state failure version build features0 private_keyids keyids_free nr_tds pamt_bytes cmrs tdmrs"
# nodata <file>: reading it fails with ENODATA ("not known yet").
nodata() {
	err=$(cat "$1" 2>&1) && { echo "# $1: read '$err'"; return 1; }
	case "$err" in *"No data available"*) return 0 ;; esac
	echo "# $1: $err"
	return 1
}
as_nobody() { su -s /bin/sh -c "$1" nobody; }
# view_is_read_only: every file refuses a write, even root's.
view_is_read_only() {
	for f in $TDXSYS_FILES; do
		write_fails "Permission denied" 1 $TDXSYS/$f || return 1
	done
}
# unprivileged_view: nobody reads what the ABI document says is
# world-readable (or gets ENODATA), and none of the addresses.
unprivileged_view() {
	for f in $TDXSYS_FILES; do
		out=$(as_nobody "cat $TDXSYS/$f" 2>&1)
		case "$f:$out" in
		cmrs:*"Permission denied"* | tdmrs:*"Permission denied"*) ;;
		cmrs:* | tdmrs:*) echo "# nobody read $f: $out"; return 1 ;;
		*"Permission denied"*) echo "# nobody cannot read $f"; return 1 ;;
		esac
	done
}
# The model's CMRs, from its own boot lines, as sysfs writes them.
model_cmrs() {
	dmesg | sed -n 's/.*tdx_emul: platform: CMR [0-9]* \[\(0x[0-9a-f]*\), \(0x[0-9a-f]*\))$/\1 \2/p' |
		while read -r b e; do printf '%#x-%#x\n' "$b" $((e - 1)); done
}
cmrs_are_the_models() {
	want=$(model_cmrs)
	[ -n "$want" ] && [ "$(cat $TDXSYS/cmrs)" = "$want" ] ||
		{ echo "# sysfs cmrs: $(cat $TDXSYS/cmrs | tr '\n' ' '); model: $(echo $want)"; return 1; }
}
# The private KeyIDs from the platform's partitioning MSR (the model's).
model_keyids() {
	msr=$(cat $EMUL/keyid_partitioning)
	first=$(( (msr & 0xffffffff) + 1 ))
	echo "$first-$(( first + (msr >> 32) - 1 ))"
}
keyids_are_the_platforms() {
	msr=$(cat $EMUL/keyid_partitioning)
	is $TDXSYS/private_keyids "$(model_keyids)" &&
		is $TDXSYS/keyids_free $(( (msr >> 32) - 1 - $1 ))
}
# tdmrs_are_the_models: the TDMRs sysfs shows are the ones TDH.SYS.CONFIG
# took (the model's debugfs view, read from the TDMR_INFO entries), and
# the PAMT bytes per node add up to what the model was given.
tdmrs_are_the_models() {
	mine=$(grep -v '^ ' $TDXSYS/tdmrs | cut -d' ' -f1)
	[ -n "$mine" ] && [ "$mine" = "$(cat $EMUL/tdmrs)" ] ||
		{ echo "# sysfs tdmrs: $(echo $mine); model: $(cat $EMUL/tdmrs | tr '\n' ' ')"; return 1; }
	sum=$(awk '{ s += $2 } END { print s }' $TDXSYS/pamt_bytes)
	[ "$sum" = "$(cat $EMUL/pamt_bytes)" ] ||
		{ echo "# sysfs pamt_bytes add up to $sum, the model took $(cat $EMUL/pamt_bytes)"; return 1; }
}
no_pamt() { ! grep -qv ' 0$' $TDXSYS/pamt_bytes && [ -z "$(cat $TDXSYS/tdmrs)" ]; }

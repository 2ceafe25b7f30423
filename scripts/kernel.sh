#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build the test kernel in build/obj (O=) from build/linux.
#
#   kernel.sh config [fragment...]   x86_64_defconfig + configs/test.config
#                                     (+ extra fragments), then olddefconfig
#   kernel.sh build [target...]      make (bzImage by default), with ccache
#   kernel.sh check-config            every option of configs/test.config that
#                                     the tree knows has the requested value

set -euo pipefail
. "$(dirname "$0")/lib.sh"

cmd_config() {
	mkdir -p "$OBJ"
	KCONFIG_CONFIG=$OBJ/.config "$TREE/scripts/kconfig/merge_config.sh" -m -O "$OBJ" \
		"$TREE/arch/x86/configs/x86_64_defconfig" "$TOP/configs/test.config" "$@" \
		>"$OBJ/merge.log" 2>&1 || { cat "$OBJ/merge.log"; die "merging the config failed"; }
	kmake -s olddefconfig >/dev/null
}

# Options the tree does not know (the series' own, on a prefix that does not
# have them yet) are ignored; any other mismatch is an error.
cmd_check_config() {
	local line opt want have bad=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*}; want=${line#*=} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; want=n ;;
		*) continue ;;
		esac
		grep -rqs "^[[:space:]]*\(menu\)\?config ${opt#CONFIG_}\$" \
			--include='Kconfig*' "$TREE" || continue
		have=$(grep -E "^$opt=|^# $opt is not set" "$OBJ/.config" || true)
		case "$have" in
		"$opt=$want") ;;
		"# $opt is not set") [ "$want" = n ] || { echo "config: $opt=$want requested, not set" >&2; bad=1; } ;;
		*) [ "$want" = n ] && [ -z "$have" ] || { echo "config: $opt=$want requested, got '${have:-nothing}'" >&2; bad=1; } ;;
		esac
	done <"$TOP/configs/test.config"
	return $bad
}

case "${1:-}" in
config) shift; cmd_config "$@" ;;
check-config) cmd_check_config ;;
build) shift; kmake "${@:-bzImage}" ;;
*) die "usage: $0 config|check-config|build [targets]" ;;
esac

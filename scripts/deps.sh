#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the workspace needs on Debian 12, or, when not root, print
# the exact command that does.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	"$DEB_PKG=$DEB_VERSION"
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
	rsync xz-utils python3 git ccache sparse
	qemu-system-x86 busybox-static
	python3-sphinx python3-sphinx-rtd-theme python3-yaml
)

missing=()
for p in "${PKGS[@]}"; do
	name=${p%%=*}
	want=${p#*=}
	have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
	case "$have" in
	"install ok installed "*)
		[ "$name" = "$p" ] || [ "${have##* }" = "$want" ] || missing+=("$p")
		;;
	*) missing+=("$p") ;;
	esac
done

[ ${#missing[@]} = 0 ] && exit 0
mkdir -p "$BUILD"

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "Missing packages. As root, run:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
note "installing: ${missing[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $cmd >"$BUILD/apt.log" 2>&1 ||
	{ tail -20 "$BUILD/apt.log"; die "apt-get install failed (log: $BUILD/apt.log)"; }

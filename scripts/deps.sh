#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the workspace needs on Debian 12, or, when not root, print
# the exact command that does.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
	rsync xz-utils python3 git ccache sparse linux-config-6.1
	qemu-system-x86 busybox-static kexec-tools
	python3-sphinx python3-sphinx-rtd-theme python3-yaml
)

installed() { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true; }

# The base: the pinned linux-source-6.1 when installed or in the archive;
# once the archive has dropped it, the newest 6.1 source package, said
# clearly (tree.sh names the version in the base commit).
base_pkg() {
	local have avail
	have=$(installed "$DEB_PKG")
	case "$have" in "install ok installed $DEB_VERSION") return ;; esac
	[ "${DEPS_NO_UPDATE:-0}" = 1 ] || [ "$(id -u)" != 0 ] || apt-get update -q >/dev/null
	avail=$(apt-cache madison "$DEB_PKG" 2>/dev/null | awk '{print $3}')
	if grep -qxF "$DEB_VERSION" <<<"$avail"; then
		echo "$DEB_PKG=$DEB_VERSION"
	elif [ "${have#install ok installed }" != "$have" ]; then
		echo "base: $DEB_PKG $DEB_VERSION is not in the archive; using the installed ${have##* } (not the version the series was tested on)" >&2
	elif [ -n "$avail" ]; then
		echo "base: $DEB_PKG $DEB_VERSION is not in the archive; using the newest, $(head -1 <<<"$avail") (not the version the series was tested on)" >&2
		echo "$DEB_PKG"
	else
		die "$DEB_PKG is not in the archive at all: add Debian 12's main archive to the apt sources"
	fi
}

missing=()
base=$(base_pkg)
[ -z "$base" ] || missing+=("$base")
for p in "${PKGS[@]}"; do
	case "$(installed "$p")" in
	"install ok installed "*) ;;
	*) missing+=("$p") ;;
	esac
done

[ ${#missing[@]} = 0 ] && exit 0
[ "${DEPS_DRY_RUN:-0}" = 1 ] && { echo "would install: ${missing[*]}"; exit 0; }
mkdir -p "$BUILD"

# apt 2.6 upgrades every installed binary of a source package with the
# one asked for: installing linux-config-6.1 would replace the pinned
# linux-source-6.1 (both come from "linux"). Keep what is installed.
cmd="apt-get install -y --no-install-recommends -o APT::Get::Upgrade-By-Source-Package=false ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "Missing packages. As root, run:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
note "installing: ${missing[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $cmd >"$BUILD/apt.log" 2>&1 ||
	{ tail -20 "$BUILD/apt.log"; die "apt-get install failed (log: $BUILD/apt.log)"; }

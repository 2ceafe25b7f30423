# SPDX-License-Identifier: GPL-2.0
# Shared settings for the workspace scripts. Sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux			# materialized kernel git tree
OBJ=$BUILD/obj				# O= directory of the test kernel
PATCHES=$TOP/patches

# The base: Debian's linux-source-6.1 package, pinned to the version the
# series was tested on.
DEB_PKG=linux-source-6.1
DEB_VERSION=${DEB_VERSION:-6.1.192-2}
BASE_TARBALL=/usr/src/linux-source-6.1.tar.xz
BASE_TAG=base

# Fixed identities and dates make every commit id, and so every export,
# reproducible.
export GIT_COMMITTER_NAME="TDX 6.1 series"
export GIT_COMMITTER_EMAIL="tdx-61@localhost"
BASE_DATE="2025-01-01T00:00:00Z"

# Files of the series' view live at their kernel paths under these
# directories of the repository.
VIEW_DIRS="arch drivers include Documentation tools kernel virt"

JOBS=${JOBS:-$(nproc)}

# Kernel builds: ccache, reproducible build ids so that vmlinux images of
# different builds can be compared.
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2025"
export KBUILD_BUILD_USER=tdx
export KBUILD_BUILD_HOST=tdx
export KBUILD_BUILD_VERSION=1
CACHE_HOME=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE_HOME/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_COMPILERCHECK=content
export CCACHE_BASEDIR=$TOP

die() {
	echo "error: $*" >&2
	exit 1
}

note() {
	printf '==> %s\n' "$*"
}

# Print elapsed seconds since $1 (a `date +%s` value).
since() {
	echo $(($(date +%s) - $1))
}

kmake() {
	make -C "$TREE" O="$OBJ" -j"$JOBS" CC="ccache gcc" "$@"
}

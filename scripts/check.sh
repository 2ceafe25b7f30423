#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test layer, one result line per test in
# build/results.txt, the figures in build/figures.txt, and a last line
# "N passed, N failed". Exit status non-zero on any failure.
#
# Phases: deps, tree (materialize + verify), static (checkpatch per patch,
# sparse C=2 + W=1, kernel-doc, htmldocs), build (base, every prefix of the
# series, INTEL_TDX_HOST=n size against the base, allnoconfig), kunitconfig,
# boot (TDX absent, TDX emulated: kselftests, system tests, KUnit, debug
# reports).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

export RESULTS=$BUILD/results.txt
FIGURES=$BUILD/figures.txt
LOGS=$BUILD/logs
mkdir -p "$BUILD" "$LOGS"
: >"$RESULTS"
: >"$FIGURES"

result() { # result PASS|FAIL|SKIP name...
	local r=$1
	shift
	echo "$r: $*" >>"$RESULTS"
	[ "$r" = PASS ] || echo "  $r: $*"
}

figure() {
	echo "$*" | tee -a "$FIGURES"
}

declare -a PHASES=()
phase_start=0
phase() {
	phase_end
	PHASE=$1
	phase_start=$(date +%s)
	note "phase: $PHASE"
}
phase_end() {
	[ "$phase_start" = 0 ] && return
	PHASES+=("$PHASE $(since "$phase_start")")
	phase_start=0
}

g() { git -C "$TREE" "$@"; }
check_start=$(date +%s)

# ---------------------------------------------------------------- deps
phase deps
"$TOP/scripts/deps.sh" || { result FAIL "dependencies installed"; phase_end; }

# ---------------------------------------------------------------- tree
phase tree
if "$TOP/scripts/tree.sh" materialize; then
	result PASS "series: patches/ applies to the base"
else
	result FAIL "series: patches/ applies to the base"
	echo "0 passed, 1 failed"
	exit 1
fi
if "$TOP/scripts/tree.sh" verify >"$LOGS/verify.log" 2>&1; then
	result PASS "series: the view matches patches/"
else
	cat "$LOGS/verify.log"
	result FAIL "series: the view matches patches/"
fi
mapfile -t SERIES <"$PATCHES/series"
TOP_COMMIT=$(g rev-parse HEAD)

# ---------------------------------------------------------------- static
phase static
# Messages listed in scripts/checkpatch-accepted (with their reason) pass.
accepted() { # accepted <patch> <type>
	local glob type why
	while read -r glob type why; do
		case "$glob" in "#"* | "") continue ;; esac
		# shellcheck disable=SC2053
		[[ $1 == $glob ]] && [ "$2" = "$type" ] && return 0
	done <"$TOP/scripts/checkpatch-accepted"
	return 1
}
for p in "${SERIES[@]}"; do
	bad=
	while IFS= read -r line; do
		type=$(echo "$line" | sed -nE 's/^[^:]+:[0-9]+: [A-Z]+:([A-Z_]+):.*/\1/p')
		[ -n "$type" ] || continue
		accepted "$p" "$type" || bad="$bad$line"$'\n'
	done < <(cd "$TREE" && ./scripts/checkpatch.pl --strict --no-tree --terse --show-types -q \
		"$PATCHES/$p" 2>&1)
	if [ -z "$bad" ]; then
		result PASS "checkpatch --strict: $p"
	else
		printf '%s' "$bad" | head -20
		result FAIL "checkpatch --strict: $p"
	fi
done

# The MAINTAINERS entry covers every file the series creates.
uncovered=
for f in $(g diff --name-only --diff-filter=A "$BASE_TAG" HEAD); do
	(cd "$TREE" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$f" 2>/dev/null) |
		grep -q '^INTEL TDX HOST SUPPORT' || uncovered="$uncovered $f"
done
if [ -z "$uncovered" ]; then
	result PASS "MAINTAINERS: the TDX host entry covers every new file"
else
	result FAIL "MAINTAINERS: not covered by the TDX host entry:$uncovered"
fi

new_c_h=$(g diff --name-only --diff-filter=A "$BASE_TAG" HEAD -- '*.c' '*.h' | grep -v '^tools/' || true)
for f in $new_c_h; do
	out=$("$TREE/scripts/kernel-doc" -none -v "$TREE/$f" 2>&1 | grep -v "^info:")
	if [ -z "$out" ]; then
		result PASS "kernel-doc -none: $f"
	else
		echo "$out" | head -10
		result FAIL "kernel-doc -none: $f"
	fi
done

# ---------------------------------------------------------------- build
phase build
# Base first: its vmlinux is the size reference, and sparse/W=1 warnings
# of the files the series modifies are counted there.
modified_c=$(g diff --name-only --diff-filter=M "$BASE_TAG" HEAD -- '*.c' || true)
objs_of() { for f in "$@"; do echo "${f%.c}.o"; done; }
count_warnings() { grep -cE 'warning:|error:' "$1" || true; }

g checkout -q "$BASE_TAG"
"$TOP/scripts/kernel.sh" config
note "building the base kernel (the longest step: ~15 min cold, ~2 min with ccache)"
if "$TOP/scripts/kernel.sh" build vmlinux >"$LOGS/build-base.log" 2>&1; then
	cp "$OBJ/vmlinux" "$BUILD/vmlinux.base"
	result PASS "build: base ($DEB_PKG $DEB_VERSION)"
else
	tail -20 "$LOGS/build-base.log"
	result FAIL "build: base"
fi
if [ -n "$modified_c" ]; then
	"$TOP/scripts/kernel.sh" build W=1 C=2 $(objs_of $modified_c) >"$LOGS/sparse-base.log" 2>&1
fi

# Every prefix of the series, with the series' options on.
i=0
for p in "${SERIES[@]}"; do
	i=$((i + 1))
	commit=$(g rev-list --reverse "$BASE_TAG..$TOP_COMMIT" | sed -n "${i}p")
	g checkout -q "$commit"
	"$TOP/scripts/kernel.sh" config
	target=vmlinux
	[ "$i" = "${#SERIES[@]}" ] && target=bzImage
	t=$(date +%s)
	if "$TOP/scripts/kernel.sh" build $target >"$LOGS/build-$i.log" 2>&1; then
		result PASS "build: prefix $i/${#SERIES[@]} ($p), INTEL_TDX_HOST=y"
	else
		grep -E 'error|Error' "$LOGS/build-$i.log" | head -20
		result FAIL "build: prefix $i/${#SERIES[@]} ($p), INTEL_TDX_HOST=y"
	fi
	echo "  built in $(since "$t")s"
done

# The test kernel is the top of the series.
cp "$OBJ/arch/x86/boot/bzImage" "$BUILD/bzImage" 2>/dev/null
if "$TOP/scripts/kernel.sh" check-config; then
	result PASS "config: the test kernel has every option of configs/test.config"
else
	result FAIL "config: the test kernel has every option of configs/test.config"
fi

# sparse and W=1: no warning at all in new code, none added to modified files.
new_dirs=$(g diff --name-only --diff-filter=A "$BASE_TAG" HEAD -- '*.c' | grep -v '^tools/' |
	xargs -rn1 dirname | sort -u)
for d in $new_dirs; do
	"$TOP/scripts/kernel.sh" build W=1 C=2 "$d/" >"$LOGS/sparse-$(echo "$d" | tr / _).log" 2>&1
	n=$(count_warnings "$LOGS/sparse-$(echo "$d" | tr / _).log")
	if [ "$n" = 0 ]; then
		result PASS "sparse C=2 + W=1: $d/ has no warnings"
	else
		grep -E 'warning:|error:' "$LOGS/sparse-$(echo "$d" | tr / _).log" | head
		result FAIL "sparse C=2 + W=1: $d/ has $n warnings"
	fi
done
if [ -n "$modified_c" ]; then
	"$TOP/scripts/kernel.sh" build W=1 C=2 $(objs_of $modified_c) >"$LOGS/sparse-top.log" 2>&1
	before=$(count_warnings "$LOGS/sparse-base.log")
	after=$(count_warnings "$LOGS/sparse-top.log")
	if [ "$after" -le "$before" ]; then
		result PASS "sparse C=2 + W=1: no new warnings in modified files ($before before, $after after)"
	else
		result FAIL "sparse C=2 + W=1: warnings in modified files grew from $before to $after"
	fi
fi

# INTEL_TDX_HOST=n must add nothing to the kernel.
cp "$OBJ/.config" "$BUILD/config.tdx-y"
"$TOP/scripts/kernel.sh" config "$TOP/configs/tdx-off.config"
if "$TOP/scripts/kernel.sh" build vmlinux >"$LOGS/build-tdx-off.log" 2>&1; then
	result PASS "build: top of the series, INTEL_TDX_HOST=n"
	bloat=$("$TREE/scripts/bloat-o-meter" "$BUILD/vmlinux.base" "$OBJ/vmlinux")
	sz_base=$(size "$BUILD/vmlinux.base" | awk 'NR==2 {print $1 + $2 + $3}')
	sz_top=$(size "$OBJ/vmlinux" | awk 'NR==2 {print $1 + $2 + $3}')
	figure "INTEL_TDX_HOST=n vs base, bloat-o-meter: $(echo "$bloat" | head -1)"
	figure "INTEL_TDX_HOST=n vs base, size (text+data+bss): $sz_base -> $sz_top bytes ($((sz_top - sz_base)))"
	if echo "$bloat" | head -1 | grep -q 'up/down: 0/0 (0)'; then
		result PASS "size: INTEL_TDX_HOST=n adds no symbol bytes (bloat-o-meter)"
	else
		echo "$bloat" | head -20
		result FAIL "size: INTEL_TDX_HOST=n changes symbols (bloat-o-meter)"
	fi
else
	result FAIL "build: top of the series, INTEL_TDX_HOST=n"
fi
# Leave the tree and its config at the top of the series, as tested.
g checkout -q series
cp "$BUILD/config.tdx-y" "$OBJ/.config"

# allnoconfig: the series must not break the smallest kernel.
allno=$BUILD/obj-allnoconfig
mkdir -p "$allno"
if make -C "$TREE" O="$allno" -s allnoconfig >/dev/null 2>&1 &&
   make -C "$TREE" O="$allno" -j"$JOBS" CC="ccache gcc" vmlinux >"$LOGS/build-allnoconfig.log" 2>&1; then
	result PASS "build: allnoconfig"
else
	tail -20 "$LOGS/build-allnoconfig.log"
	result FAIL "build: allnoconfig"
fi

# ---------------------------------------------------------------- docs
phase docs
docs=$BUILD/obj-docs
if make -C "$TREE" O="$docs" SPHINXDIRS=x86 htmldocs >"$LOGS/htmldocs.log" 2>&1; then
	w=$(grep -E 'x86/tdx.rst.*(WARNING|ERROR)' "$LOGS/htmldocs.log" || true)
	if [ -z "$w" ]; then
		result PASS "htmldocs: Documentation/x86/tdx.rst builds without warnings"
	else
		echo "$w" | head
		result FAIL "htmldocs: Documentation/x86/tdx.rst has warnings"
	fi
else
	tail -20 "$LOGS/htmldocs.log"
	result FAIL "htmldocs: make SPHINXDIRS=x86 htmldocs"
fi

# The .kunitconfig must describe a kernel kunit.py can configure.
kc=$(g ls-files -- '*/.kunitconfig' | grep virt/vmx/tdx || true)
if [ -n "$kc" ]; then
	if (cd "$TREE" && python3 tools/testing/kunit/kunit.py config --arch=x86_64 \
		--build_dir="$BUILD/obj-kunit" --kunitconfig="$kc") >"$LOGS/kunitconfig.log" 2>&1; then
		result PASS "kunit.py config --arch=x86_64 --kunitconfig=$kc"
	else
		tail -20 "$LOGS/kunitconfig.log"
		result FAIL "kunit.py config --arch=x86_64 --kunitconfig=$kc"
	fi
fi

# ---------------------------------------------------------------- boot
phase initramfs
if "$TOP/scripts/initramfs.sh" >/dev/null; then
	result PASS "initramfs: kselftests (tdx) build and install"
else
	result FAIL "initramfs: kselftests (tdx) build and install"
fi

phase boot
cp "$BUILD/bzImage" "$OBJ/arch/x86/boot/bzImage" 2>/dev/null
for mode in absent emulated; do
	"$TOP/scripts/boot.sh" "$mode" || result FAIL "boot $mode: boot.sh failed"
done
phase_end

# ---------------------------------------------------------------- summary
figure "make check wall time: $(since "$check_start")s in all"
for p in "${PHASES[@]}"; do
	figure "  phase ${p% *}: ${p##* }s"
done
figure "ccache: $(ccache -s 2>/dev/null | grep -E '^ *(Hits|Misses):' | tr -s ' ' | tr '\n' ' ')"

skipped=$(grep -c '^SKIP' "$RESULTS")
passed=$(grep -c '^PASS' "$RESULTS")
failed=$(grep -c '^FAIL' "$RESULTS")
echo
echo "Results: $RESULTS (logs in ${LOGS#$TOP/}/); $skipped skipped:"
grep '^SKIP' "$RESULTS" | sed 's/^/  /'
[ "$failed" = 0 ] || { echo "Failures:"; grep '^FAIL' "$RESULTS" | sed 's/^/  /'; }
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test layer, one result line per test in
# build/results.txt, the figures in build/figures.txt, and a last line
# "N passed, N failed". Exit status non-zero on any failure.
#
# check.sh [static] [build] [docs] [boot] runs only those phases; deps and
# tree (materialize, patches apply, the view matches) always run.
#   static  checkpatch --strict per patch, MAINTAINERS coverage, kernel-doc
#   build   the base, every prefix of the series (INTEL_TDX_HOST=y), sparse
#           C=2 + W=1, INTEL_TDX_HOST=n against the base, allnoconfig,
#           Debian's amd64 config with TDX, kexec and kdump
#   docs    htmldocs of Documentation/x86, kunit.py config of .kunitconfig
#   boot    the test kernel in QEMU (TDX absent, emulated, real S3, real S4,
#           a failed initialization) and the kernel without its test
#           platform, two boots at a time: kselftests, system tests,
#           KUnit, kmemleak, lockdep/KASAN/WARN/BUG reports

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

# Phases to run: the arguments (static build docs boot), all by default.
# deps and tree always run.
ONLY="$*"
want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

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
if want static; then
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
	out=$(cd "$TREE" && ./scripts/checkpatch.pl --strict --no-tree --terse --show-types -q \
		"$PATCHES/$p" 2>&1)
	# --terse always ends with a "total:" line; without it checkpatch did not run.
	echo "$out" | grep -q '^total: ' || bad="checkpatch did not run: $out"
	while IFS= read -r line; do
		type=$(echo "$line" | sed -nE 's/^[^:]+:[0-9]+: [A-Z]+:([A-Z_]+):.*/\1/p')
		[ -n "$type" ] || continue
		accepted "$p" "$type" || bad="$bad$line"$'\n'
	done <<<"$out"
	if [ -z "$bad" ]; then
		result PASS "checkpatch --strict: $p"
	else
		printf '%s' "$bad" | head -20
		result FAIL "checkpatch --strict: $p"
	fi
done

# MAINTAINERS covers every file the series creates: the TDX host entry,
# except for new files of the ACPI core, which are the ACPI maintainers'.
uncovered=
for f in $(g diff --name-only --diff-filter=A "$BASE_TAG" HEAD); do
	case "$f" in
	drivers/acpi/*) want='^ACPI$' ;;
	*) want='^INTEL TDX HOST SUPPORT$' ;;
	esac
	(cd "$TREE" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$f" 2>/dev/null) |
		grep -q "$want" || uncovered="$uncovered $f"
done
if [ -z "$uncovered" ]; then
	result PASS "MAINTAINERS: every new file is covered (TDX host entry; ACPI for drivers/acpi/)"
else
	result FAIL "MAINTAINERS: new files not covered by their entry:$uncovered"
fi

new_c_h=$(g diff --name-only --diff-filter=A "$BASE_TAG" HEAD -- '*.c' '*.h' | grep -v '^tools/' || true)
for f in $new_c_h; do
	out=$("$TREE/scripts/kernel-doc" -none -v "$TREE/$f" 2>&1 | grep -v ": info: ")
	if [ -z "$out" ]; then
		result PASS "kernel-doc -none: $f"
	else
		echo "$out" | head -10
		result FAIL "kernel-doc -none: $f"
	fi
done
fi

# ---------------------------------------------------------------- build
if want build; then
phase build
# Build results are a function of the source tree, the config inputs and
# the compiler: they are kept in $CACHE under a hash of those, so a run
# that changes nothing rebuilds nothing (NO_CACHE=1 rebuilds anyway).
# Results taken from there say "(cached)".
CACHE=${TDX_CACHE:-$CACHE_HOME/tdx61}
mkdir -p "$CACHE"
key() { # key <commit> <what>
	{
		g rev-parse "$1^{tree}"
		cat "$TOP"/configs/*.config "$TOP/scripts/kernel.sh"
		gcc --version | head -1
		echo "$2"
	} | sha256sum | cut -c1-20
}
cached() { [ "${NO_CACHE:-0}" != 1 ] && [ -e "$CACHE/$1" ]; }

modified_c=$(g diff --name-only --diff-filter=M "$BASE_TAG" HEAD -- '*.c' || true)
new_c=$(g diff --name-only --diff-filter=A "$BASE_TAG" HEAD -- '*.c' | grep -v '^tools/' || true)
objs_of() { for f in "$@"; do echo "${f%.c}.o"; done; }
count_warnings() { grep -cE 'warning:|error:' "$1" || true; }
# build_at <commit> <log> <kernel.sh config args...> -- <targets...>
build_at() {
	local commit=$1 log=$2 t
	shift 2
	local cfg=()
	while [ "$1" != -- ]; do cfg+=("$1"); shift; done
	shift
	g checkout -q "$commit"
	"$TOP/scripts/kernel.sh" config "${cfg[@]}"
	t=$(date +%s)
	"$TOP/scripts/kernel.sh" build "$@" >"$log" 2>&1
	local rc=$?
	echo "  built ${log##*/} ($(g log -1 --format=%s "$commit" | cut -c1-50)) in $(since "$t")s"
	return $rc
}

# Base: its vmlinux is the size reference; the sparse/W=1 warnings of the
# files the series modifies are counted there.
kb=base-$(key "$BASE_TAG" base-vmlinux)
if ! cached "$kb/vmlinux"; then
	note "building the base kernel (the longest step: ~16 min cold)"
	if build_at "$BASE_TAG" "$LOGS/build-base.log" -- vmlinux; then
		mkdir -p "$CACHE/$kb"
		cp "$OBJ/vmlinux" "$CACHE/$kb/vmlinux"
	else
		tail -20 "$LOGS/build-base.log"
	fi
fi
# The base's warnings in the files the series modifies, keyed by that list
# and by the tree's path (sparse names files by their absolute path: a
# clone elsewhere sharing the cache must not compare with this one's log).
# make -k: a W=1 error in one file (hibernate.c has one at the base) must
# not hide the files after it.
kbs=base-sparse-$(key "$BASE_TAG" "base-sparse-k $TREE $(echo $modified_c)")
if [ -n "$modified_c" ] && ! cached "$kbs/sparse.log"; then
	g checkout -q "$BASE_TAG"
	"$TOP/scripts/kernel.sh" config
	mkdir -p "$CACHE/$kbs"
	"$TOP/scripts/kernel.sh" build -k W=1 C=2 $(objs_of $modified_c) \
		>"$CACHE/$kbs/sparse.log.new" 2>&1
	# Kept only when sparse ran: an interrupted run must not leave an
	# empty log that every later run compares with.
	grep -q '^  CHECK ' "$CACHE/$kbs/sparse.log.new" &&
		mv "$CACHE/$kbs/sparse.log.new" "$CACHE/$kbs/sparse.log"
fi
base_desc=$(g log -1 --format=%s "$BASE_TAG" | sed 's/^Linux 6.1 from Debian //')
if [ -e "$CACHE/$kb/vmlinux" ]; then
	result PASS "build: base ($base_desc)"
else
	result FAIL "build: base ($base_desc)"
fi

# Every prefix of the series, with the series' options on. The top of the
# series is the test kernel. The last prefix without the test platform
# (arch/x86/virt/vmx/tdx/model/) is the kernel a user would ship: it is
# booted too.
i=0
n=${#SERIES[@]}
SHIP_COMMIT=
for commit in $(g rev-list --reverse "$BASE_TAG..$TOP_COMMIT"); do
	g cat-file -e "$commit:arch/x86/virt/vmx/tdx/model" 2>/dev/null || SHIP_COMMIT=$commit
done
kship=
for commit in $(g rev-list --reverse "$BASE_TAG..$TOP_COMMIT"); do
	i=$((i + 1))
	p=${SERIES[$((i - 1))]}
	k=prefix-$(key "$commit" prefix)
	name="build: prefix $i/$n ($p), INTEL_TDX_HOST=y"
	keep=
	{ [ "$i" = "$n" ] || [ "$commit" = "$SHIP_COMMIT" ]; } && keep=1
	[ "$commit" = "$SHIP_COMMIT" ] && kship=$k
	if cached "$k/ok" && { [ -z "$keep" ] || [ -e "$CACHE/$k/bzImage" ]; }; then
		result PASS "$name (cached)"
		continue
	fi
	target=vmlinux
	[ -n "$keep" ] && target=bzImage
	# Before the series allows KEXEC_CORE, the test config's kexec options
	# would make olddefconfig drop TDX: those prefixes build without them.
	cfg=()
	# (grep -c reads it all: grep -q would leave git show a SIGPIPE, which
	# pipefail turns into "no".)
	g show "$commit:arch/x86/Kconfig" | grep -cx '	depends on !KEXEC_CORE' >/dev/null &&
		cfg=("$TOP/configs/no-kexec.config")
	if build_at "$commit" "$LOGS/build-$i.log" "${cfg[@]}" -- $target &&
	   grep -qx 'CONFIG_INTEL_TDX_HOST=y' "$OBJ/.config"; then
		mkdir -p "$CACHE/$k"
		if [ -n "$keep" ]; then
			cp "$OBJ/arch/x86/boot/bzImage" "$CACHE/$k/bzImage"
			cp "$OBJ/.config" "$CACHE/$k/config"
		fi
		touch "$CACHE/$k/ok"
		result PASS "$name"
	else
		grep -E 'error|Error' "$LOGS/build-$i.log" | head -20
		result FAIL "$name"
	fi
done
ktop=$k
# A failed top build must not leave an older kernel to boot.
rm -f "$BUILD/bzImage" "$BUILD/bzImage-ship"
cp "$CACHE/$ktop/bzImage" "$BUILD/bzImage" 2>/dev/null
[ -n "$kship" ] && cp "$CACHE/$kship/bzImage" "$BUILD/bzImage-ship" 2>/dev/null

# The test kernel has what configs/test.config asks for.
g checkout -q "$TOP_COMMIT"
if [ -e "$CACHE/$ktop/config" ]; then
	mkdir -p "$OBJ"
	cp "$CACHE/$ktop/config" "$OBJ/.config"
else
	"$TOP/scripts/kernel.sh" config
fi
if "$TOP/scripts/kernel.sh" check-config; then
	result PASS "config: the test kernel has every option of configs/test.config"
else
	result FAIL "config: the test kernel has every option of configs/test.config"
fi

# sparse and W=1: no warning at all in new code, none added to modified
# files (compared with the base).
ks=sparse-$(key "$TOP_COMMIT" "sparse-k $TREE")
if ! cached "$ks/done"; then
	mkdir -p "$CACHE/$ks"
	"$TOP/scripts/kernel.sh" config
	[ -z "$new_c" ] || "$TOP/scripts/kernel.sh" build -k W=1 C=2 \
		$(objs_of $new_c) >"$CACHE/$ks/new.log" 2>&1
	[ -z "$modified_c" ] || "$TOP/scripts/kernel.sh" build -k W=1 C=2 \
		$(objs_of $modified_c) >"$CACHE/$ks/modified.log" 2>&1
	touch "$CACHE/$ks/done"
fi
for f in $new_c; do
	log=$CACHE/$ks/new.log
	w=$(grep -E 'warning:|error:' "$log" | grep -c "$f:" || true)
	if ! grep -qE "^  CHECK +(.*/)?$f\$" "$log"; then
		result FAIL "sparse C=2 + W=1: sparse did not run on $f (${log#$TOP/})"
	elif [ "$w" = 0 ]; then
		result PASS "sparse C=2 + W=1: $f has no warnings"
	else
		grep -E 'warning:|error:' "$log" | grep "$f:" | head
		result FAIL "sparse C=2 + W=1: $f has $w warnings"
	fi
done
# New headers are checked where the new and modified files include them.
new_h=$(g diff --name-only --diff-filter=A "$BASE_TAG" "$TOP_COMMIT" -- '*.h' | grep -v '^tools/' || true)
for f in $new_h; do
	w=$(cat "$CACHE/$ks/new.log" "$CACHE/$ks/modified.log" 2>/dev/null |
		grep -E 'warning:|error:' | grep -c "$f:" || true)
	if [ "$w" = 0 ]; then
		result PASS "sparse C=2 + W=1: header $f has no warnings"
	else
		cat "$CACHE/$ks/new.log" "$CACHE/$ks/modified.log" | grep -E 'warning:|error:' | grep "$f:" | head
		result FAIL "sparse C=2 + W=1: header $f has $w warnings"
	fi
done
# Modified files: warning by warning, without line numbers (the series
# moves lines) and without the tree's path, each warning of the base used
# up once.
warnings_of() {
	grep -E 'warning:|error:' "$1" |
		sed -E "s|^$TREE/||; s/:[0-9]+:[0-9]+: /: /; s/:[0-9]+: /: /" | sort
}
if [ -n "$modified_c" ]; then
	before=$(count_warnings "$CACHE/$kbs/sparse.log")
	after=$(count_warnings "$CACHE/$ks/modified.log")
	added=$(comm -13 <(warnings_of "$CACHE/$kbs/sparse.log") <(warnings_of "$CACHE/$ks/modified.log"))
	if ! grep -q '^  CHECK ' "$CACHE/$ks/modified.log"; then
		result FAIL "sparse C=2 + W=1: sparse did not run on the modified files"
	elif [ ! -e "$CACHE/$kbs/sparse.log" ]; then
		result FAIL "sparse C=2 + W=1: sparse did not run on the modified files at the base (${CACHE#$HOME/}/$kbs/sparse.log.new)"
	elif [ -z "$added" ]; then
		result PASS "sparse C=2 + W=1: no new warning in the modified files ($before at the base, $after after)"
	else
		echo "$added" | head
		result FAIL "sparse C=2 + W=1: $(echo "$added" | grep -c .) new warnings in the modified files"
	fi
fi

# INTEL_TDX_HOST=n must add nothing to the kernel.
kn=tdx-off-$(key "$TOP_COMMIT" tdx-off)
if ! cached "$kn/vmlinux"; then
	if build_at "$TOP_COMMIT" "$LOGS/build-tdx-off.log" "$TOP/configs/tdx-off.config" -- vmlinux; then
		mkdir -p "$CACHE/$kn"
		cp "$OBJ/vmlinux" "$CACHE/$kn/vmlinux"
	fi
fi
if [ -e "$CACHE/$kn/vmlinux" ] && [ -e "$CACHE/$kb/vmlinux" ]; then
	result PASS "build: top of the series, INTEL_TDX_HOST=n"
	bloat=$("$TREE/scripts/bloat-o-meter" "$CACHE/$kb/vmlinux" "$CACHE/$kn/vmlinux")
	sz() { size "$1" | awk 'NR==2 {print $1 + $2 + $3}'; }
	sz_base=$(sz "$CACHE/$kb/vmlinux")
	sz_top=$(sz "$CACHE/$kn/vmlinux")
	figure "INTEL_TDX_HOST=n vs base, bloat-o-meter: $(echo "$bloat" | head -1)"
	figure "INTEL_TDX_HOST=n vs base, size (text+data+bss): $sz_base -> $sz_top bytes ($((sz_top - sz_base)))"
	if echo "$bloat" | head -1 | grep -q 'up/down: 0/0 (0)'; then
		result PASS "size: INTEL_TDX_HOST=n adds no symbol bytes (bloat-o-meter)"
	else
		echo "$bloat" | head -20
		result FAIL "size: INTEL_TDX_HOST=n changes symbols (bloat-o-meter)"
	fi
	# The one allowed growth: the /proc/cpuinfo name of the new CPU flag,
	# "tdx_host_platform", in x86_cap_flags[] of every kernel, which costs
	# up to 64 bytes of .rodata with its alignment.
	if [ $((sz_top - sz_base)) -le 64 ]; then
		result PASS "size: INTEL_TDX_HOST=n grows the image by $((sz_top - sz_base)) bytes (at most 64: the cpuinfo flag name)"
	else
		result FAIL "size: INTEL_TDX_HOST=n grows the image by $((sz_top - sz_base)) bytes (more than the 64 of the cpuinfo flag name)"
	fi
else
	tail -20 "$LOGS/build-tdx-off.log" 2>/dev/null
	result FAIL "build: top of the series, INTEL_TDX_HOST=n"
fi
# Leave the tree and its config at the top of the series, as tested.
g checkout -q series
"$TOP/scripts/kernel.sh" config

# allnoconfig: the series must not break the smallest kernel.
ka=allnoconfig-$(key "$TOP_COMMIT" allnoconfig)
allno=$BUILD/obj-allnoconfig
if cached "$ka"; then
	result PASS "build: allnoconfig (cached)"
elif mkdir -p "$allno" && make -C "$TREE" O="$allno" -s allnoconfig >/dev/null 2>&1 &&
     make -C "$TREE" O="$allno" -j"$JOBS" CC="ccache gcc" vmlinux >"$LOGS/build-allnoconfig.log" 2>&1; then
	touch "$CACHE/$ka"
	result PASS "build: allnoconfig"
else
	tail -20 "$LOGS/build-allnoconfig.log"
	result FAIL "build: allnoconfig"
fi

# A distribution's configuration (Debian's amd64, linux-config-6.1) keeps
# TDX next to kexec and kdump, and builds the TDX and KVM code.
kd=distro-$(key "$TOP_COMMIT" "distro $(sha256sum <"$TOP/scripts/distro-config.sh")")
if cached "$kd/results"; then
	while IFS= read -r line; do result "${line%%: *}" "${line#*: } (cached)"; done <"$CACHE/$kd/results"
else
	out=$("$TOP/scripts/distro-config.sh" 2>"$LOGS/distro-config.log")
	rc=$?
	while IFS= read -r line; do
		case "$line" in PASS:* | FAIL:* | SKIP:*) result "${line%%: *}" "${line#*: }" ;; esac
	done <<<"$out"
	[ -n "$out" ] || result FAIL "distro config: scripts/distro-config.sh printed nothing (${LOGS#$TOP/}/distro-config.log)"
	[ "$rc" = 0 ] && mkdir -p "$CACHE/$kd" && echo "$out" >"$CACHE/$kd/results"
	[ "$rc" = 0 ] || tail -20 "$LOGS/distro-config.log"
fi
fi

# ---------------------------------------------------------------- docs
if want docs; then
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
	# From scratch: kunit.py keeps a .config that already has the options.
	rm -f "$BUILD/obj-kunit/.config"
	if (cd "$TREE" && python3 tools/testing/kunit/kunit.py config --arch=x86_64 \
		--build_dir="$BUILD/obj-kunit" --kunitconfig="$kc") >"$LOGS/kunitconfig.log" 2>&1; then
		result PASS "kunit.py config --arch=x86_64 --kunitconfig=$kc"
	else
		tail -20 "$LOGS/kunitconfig.log"
		result FAIL "kunit.py config --arch=x86_64 --kunitconfig=$kc"
	fi
fi
fi

# ---------------------------------------------------------------- boot
if want boot; then
phase initramfs
if "$TOP/scripts/initramfs.sh" >/dev/null; then
	result PASS "initramfs: kselftests (tdx) build and install"
else
	result FAIL "initramfs: kselftests (tdx) build and install"
fi

phase boot
# run_boot <mode>: one boot; its results and its output go to files of its
# own, which are added in a fixed order once every boot is done.
run_boot() {
	local mode=$1 kernel=$BUILD/bzImage
	[ "$mode" = shipped ] && kernel=$BUILD/bzImage-ship
	: >"$LOGS/results-$mode.txt"
	if [ ! -e "$kernel" ]; then
		echo "FAIL: boot $mode: no kernel to boot (${kernel#$TOP/}: its build failed)" \
			>>"$LOGS/results-$mode.txt"
		return
	fi
	RESULTS=$LOGS/results-$mode.txt KERNEL=$kernel "$TOP/scripts/boot.sh" "$mode" \
		>"$LOGS/boot-$mode.out" 2>&1 ||
		echo "FAIL: boot $mode: boot.sh failed" >>"$LOGS/results-$mode.txt"
}
# Two boots at a time: one QEMU keeps about 1.3 of the 2 CPUs busy (TCG
# waits on the guest's timers, the disk and the monitor). The lanes are
# about the same length: emulated (KUnit and the kselftests), s4 (two
# runs) and kexec (three kernels) in one, the short boots in the other.
BOOTS_A="emulated s4 kexec"
BOOTS_B="absent s3 failed shipped"
note "booting two at a time: [$BOOTS_A] and [$BOOTS_B]"
(for mode in $BOOTS_A; do run_boot "$mode"; done) &
lane_a=$!
for mode in $BOOTS_B; do run_boot "$mode"; done
wait $lane_a
for mode in absent emulated s3 s4 failed kexec shipped; do
	cat "$LOGS/boot-$mode.out" 2>/dev/null || true
	cat "$LOGS/results-$mode.txt" >>"$RESULTS"
	# Figures the system tests and the KUnit tests measured ("# FIGURE
	# ..." lines, the kernel's behind a timestamp and a prefix).
	# The kernel's appear twice (console, then the dmesg dump): once each.
	sed -n 's/^\(\[[ 0-9.]*\] \)\?\([a-z/]*: \)\?# FIGURE //p' "$LOGS/boot-$mode.log" 2>/dev/null |
		awk '!seen[$0]++' |
		while IFS= read -r line; do figure "$line"; done
done
phase_end
fi

# ---------------------------------------------------------------- summary
figure "make check wall time: $(since "$check_start")s in all"
for p in "${PHASES[@]}"; do
	figure "  phase ${p% *}: ${p##* }s"
done
figure "ccache: $(ccache -s 2>/dev/null | grep -E '^ *(Hits|Misses):' | tr -s ' ' | tr '\n' ' ')"

skipped=$(grep -c '^SKIP' "$RESULTS")
passed=$(grep -c '^PASS' "$RESULTS")
failed=$(grep -c '^FAIL' "$RESULTS")
retried=$(grep -c '^RETRY' "$RESULTS")
echo
echo "Results: $RESULTS (logs in ${LOGS#$TOP/}/); $skipped skipped:"
grep '^SKIP' "$RESULTS" | sed 's/^/  /'
[ "$retried" = 0 ] || { echo "Boots booted again (scripts/boot.sh names the signatures):"; grep '^RETRY' "$RESULTS" | sed 's/^/  /'; }
[ "$failed" = 0 ] || { echo "Failures:"; grep '^FAIL' "$RESULTS" | sed 's/^/  /'; }
# The last line; a retried boot is counted there too.
echo "$passed passed, $failed failed$([ "$retried" = 0 ] || echo ", $retried retried")"
[ "$failed" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series workflow: materialize the kernel tree from the base and
# patches/, export the tree back into patches/ and the view, verify that
# patches/ and the view agree with each other and with the base.
#
#   tree.sh materialize   build/linux = base commit + one commit per patch
#   tree.sh export        build/linux -> patches/ (+ cover letter) and view
#   tree.sh verify        patches/ applies to the base, the view matches
#   tree.sh status        what the tree holds that patches/ does not
#                         (exit 1 if it holds unexported work)
#
# FORCE=1 lets materialize and export overwrite work they would lose.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

g() { git -C "$TREE" "$@"; }

# A hash of the patches in patches/, to notice changes made behind the
# tree's back (a pull, a hand edit). The cover letter is not in it: export
# keeps its subject and text, so editing it by hand loses nothing.
patches_hash() {
	(cd "$PATCHES" && cat series $(cat series 2>/dev/null) 2>/dev/null || true) |
		sha256sum | cut -d' ' -f1
}

stamp_file() { echo "$TREE/.git/tdx-patches-hash"; }

ensure_base() {
	if [ -d "$TREE/.git" ] && g rev-parse -q --verify "$BASE_TAG" >/dev/null; then
		return
	fi
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing: run 'make deps' (installs $DEB_PKG=$DEB_VERSION)"
	have=$(dpkg-query -W -f='${Version}' "$DEB_PKG" 2>/dev/null || true)
	[ "$have" = "$DEB_VERSION" ] ||
		echo "base: $DEB_PKG $have, not $DEB_VERSION, the version the series was tested on" >&2
	note "extracting $BASE_TARBALL into $TREE (about a minute)"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -xJf "$BASE_TARBALL" -C "$TREE" --strip-components=1
	note "committing the base tree"
	g init -q -b series
	g config user.name "$GIT_COMMITTER_NAME"
	g config user.email "$GIT_COMMITTER_EMAIL"
	g config core.abbrev 12
	g add -A -f .
	GIT_AUTHOR_NAME="Debian kernel team" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org" \
	GIT_AUTHOR_DATE="$BASE_DATE" GIT_COMMITTER_DATE="$BASE_DATE" \
		g commit -q -m "Linux 6.1 from Debian $DEB_PKG ${have:-$DEB_VERSION}"
	g tag "$BASE_TAG"
	unhide_new_files
}

# Debian's .gitignore ignores every top-level entry ("/*"), so files the
# series creates would be invisible to git. Drop that rule from the working
# copy only; skip-worktree keeps the local edit out of every commit.
unhide_new_files() {
	sed -i '/^# Debian packaging/,$d' "$TREE/.gitignore"
	g update-index --skip-worktree .gitignore
}

# Export the tree's commits into directory $1 (format-patch, normalized so
# that the same commits always give the same bytes).
format_series() {
	local out=$1 desc
	mkdir -p "$out"
	desc=$(cover_description)
	g config branch.series.description "$desc"
	g format-patch -q --zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --base="$BASE_TAG" \
		-o "$out" "$BASE_TAG"..HEAD
	sign_series "$out"
	# format-patch folds a long From: header; one line keeps exports of
	# the same commits byte for byte the same.
	perl -0pi -e 's/^(From: [^\n]*)\n (<[^\n]*>)$/$1 $2/m' "$out"/*.patch
	# The cover letter carries the current time: pin it to the newest patch.
	local date
	date=$(g log -1 --format=%aD HEAD)
	sed -i "s/^Date: .*/Date: $date/" "$out/0000-cover-letter.patch"
	(cd "$out" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-' > series)
}

# The commits of a fresh tree carry a placeholder identity, which no
# maintainer can accept. Patches are exported as the person who runs the
# export (git config user.name and user.email in this repository, or
# globally): the placeholder's From: and Signed-off-by: become theirs.
# Identities that are not the placeholder are kept. Without a configured
# identity the placeholder stays, and export says so.
sign_series() {
	local out=$1 name email ident
	name=$(git -C "$TOP" config user.name || true)
	email=$(git -C "$TOP" config user.email || true)
	if [ -z "$name" ] || [ -z "$email" ]; then
		echo "warning: no git user.name/user.email: the patches keep the placeholder identity '$GIT_COMMITTER_NAME <$GIT_COMMITTER_EMAIL>'" >&2
		return
	fi
	case "$name" in
	*[!A-Za-z0-9\ _-]*) ident="\"${name//\"/\\\"}\" <$email>" ;;
	*) ident="$name <$email>" ;;
	esac
	IDENT=$ident PH_NAME=$GIT_COMMITTER_NAME PH_EMAIL=$GIT_COMMITTER_EMAIL \
	SOB="$name <$email>" perl -pi -e '
		BEGIN { $ph = quotemeta("$ENV{PH_NAME}") . "\"? <" . quotemeta($ENV{PH_EMAIL}) . ">"; }
		s/^From: "?$ph$/From: $ENV{IDENT}/;
		s/^Signed-off-by: $ph$/Signed-off-by: $ENV{SOB}/;
	' "$out"/*.patch
}

# The cover letter's subject and body come from patches/0000-cover-letter.patch.
cover_description() {
	local f=$PATCHES/0000-cover-letter.patch
	if [ -f "$f" ]; then
		awk 's==0 && /^Subject: / {sub(/^Subject: \[PATCH[^]]*\] /,""); subj=$0; h=1; next}
		     s==0 && h && /^[ \t]/ {sub(/^[ \t]+/," "); subj=subj $0; next}
		     s==0 {h=0}
		     s==0 && /^$/ {print subj; print ""; s=1; next}
		     s==1 && /^base-commit:|^-- $|^[^ ].* \([0-9]+\):$/ {exit}
		     s==1 {print}' "$f" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	else
		printf 'TDX host support for Linux 6.1\n\n*** BLURB HERE ***\n'
	fi
}

# Does the tree hold work that patches/ lacks?
tree_has_unexported() {
	local tmp
	[ -d "$TREE/.git" ] || return 1
	[ -z "$(g status --porcelain --untracked-files=no)" ] || return 0
	tmp=$(mktemp -d)
	format_series "$tmp"
	if diff -rq -x '.*' "$tmp" "$PATCHES" >/dev/null 2>&1; then
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tmp"
	return 0
}

apply_series() {
	local p
	for p in $(cat "$PATCHES/series"); do
		if ! GIT_COMMITTER_DATE="" g am -q --committer-date-is-author-date \
			"$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
			echo "error: $p does not apply to the base:" >&2
			grep -E '^error' "$BUILD/am.log" >&2 || cat "$BUILD/am.log" >&2
			g am --abort >/dev/null 2>&1 || true
			exit 1
		fi
	done
}

cmd_materialize() {
	mkdir -p "$BUILD"
	# An interrupted `make check` leaves HEAD detached at a prefix.
	if [ -d "$TREE/.git" ] && ! g symbolic-ref -q HEAD >/dev/null &&
	   [ -z "$(g status --porcelain --untracked-files=no)" ]; then
		g checkout -q series 2>/dev/null || true
	fi
	if [ -d "$TREE/.git" ] && [ "${FORCE:-0}" != 1 ]; then
		if tree_has_unexported; then
			die "$TREE has commits or changes that patches/ lacks: run 'make export' first (or FORCE=1 to discard them)"
		fi
		# The tree is exactly patches/: keep it, and its files' mtimes,
		# so that builds stay incremental.
		if g rev-parse -q --verify "$BASE_TAG" >/dev/null; then
			g checkout -q -B series HEAD
			patches_hash >"$(stamp_file)"
			note "$TREE already matches patches/ ($(g rev-list --count "$BASE_TAG"..HEAD) patches): kept"
			return
		fi
	fi
	ensure_base
	g am --abort >/dev/null 2>&1 || true
	g checkout -q -f -B series "$BASE_TAG"
	g clean -q -fdx
	unhide_new_files
	apply_series
	patches_hash >"$(stamp_file)"
	note "$TREE: $(g rev-list --count "$BASE_TAG"..HEAD) patches on $(g log -1 --format=%s "$BASE_TAG")"
}

# Files the series adds, at their kernel paths.
view_files() {
	g diff --name-only --diff-filter=A "$BASE_TAG" HEAD
}

# Copy the view (files created by the series) from the tree into $1.
write_view() {
	local dst=$1 f
	for d in $VIEW_DIRS; do rm -rf "${dst:?}/$d"; done
	for f in $(view_files); do
		mkdir -p "$dst/$(dirname "$f")"
		g show "HEAD:$f" >"$dst/$f"
		[ -x "$TREE/$f" ] && chmod +x "$dst/$f"
	done
	return 0
}

cmd_export() {
	[ -d "$TREE/.git" ] || die "no tree: run 'make tree' first"
	[ -z "$(g status --porcelain --untracked-files=no)" ] ||
		die "$TREE has uncommitted changes: commit them (git commit --fixup) first"
	if [ -f "$(stamp_file)" ] && [ "$(patches_hash)" != "$(cat "$(stamp_file)")" ] &&
	   [ "${FORCE:-0}" != 1 ]; then
		die "patches/ changed since the tree was materialized (a pull or a hand edit); exporting would overwrite it. Re-materialize, or FORCE=1"
	fi
	local tmp
	tmp=$(mktemp -d)
	format_series "$tmp"
	rm -f "$PATCHES"/*.patch "$PATCHES/series"
	mkdir -p "$PATCHES"
	cp "$tmp"/* "$PATCHES"/
	rm -rf "$tmp"
	write_view "$TOP"
	patches_hash >"$(stamp_file)"
	note "exported $(wc -l <"$PATCHES/series") patches and $(view_files | wc -l) view files"
}

# Apply patches/ to the base in a scratch worktree; check the view.
cmd_verify() {
	ensure_base
	local wt=$BUILD/verify rc=0 f
	g worktree remove -f "$wt" >/dev/null 2>&1 || rm -rf "$wt"
	g worktree prune
	g worktree add -q --detach "$wt" "$BASE_TAG"
	local p n=0
	for p in $(cat "$PATCHES/series"); do
		if ! git -C "$wt" am -q --committer-date-is-author-date "$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
			echo "FAIL: $p does not apply:" >&2
			grep -E '^error' "$BUILD/am.log" >&2 || cat "$BUILD/am.log" >&2
			git -C "$wt" am --abort >/dev/null 2>&1 || true
			return 1
		fi
		n=$((n + 1))
	done
	echo "ok: $n patches apply to $(g log -1 --format=%s "$BASE_TAG")"
	local added
	added=$(git -C "$wt" diff --name-only --diff-filter=A "$BASE_TAG" HEAD | sort)
	for f in $added; do
		if ! git -C "$wt" show "HEAD:$f" | cmp -s - "$TOP/$f"; then
			echo "FAIL: view file $f differs from the series (run 'make export')" >&2
			rc=1
		fi
	done
	for f in $(cd "$TOP" && git ls-files -- $VIEW_DIRS | sort); do
		if ! grep -qxF "$f" <<<"$added"; then
			echo "FAIL: $f is in the view but the series does not create it" >&2
			rc=1
		fi
	done
	[ $rc = 0 ] && echo "ok: the view matches the series ($(echo "$added" | grep -c .) files)"
	g worktree remove -f "$wt"
	return $rc
}

cmd_status() {
	[ -d "$TREE/.git" ] || die "no tree: run 'make tree' first"
	g log --oneline "$BASE_TAG"..HEAD
	if tree_has_unexported; then
		echo "the tree has work that patches/ lacks: run 'make export'"
		return 1
	fi
	echo "the tree matches patches/"
}

case "${1:-}" in
materialize) cmd_materialize ;;
export) cmd_export ;;
verify) cmd_verify ;;
status) cmd_status ;;
*) die "usage: $0 materialize|export|verify|status" ;;
esac

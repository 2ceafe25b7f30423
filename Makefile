# SPDX-License-Identifier: GPL-2.0
#
# TDX host support for Linux 6.1: the two commands, and the workflow.
#   make run     install what is missing, build, boot TDX absent and emulated
#                as a user boots, and show the policy at work
#   make check   every test layer; last line "N passed, N failed"

S := scripts

.PHONY: run check deps tree export verify status kernel initramfs boot kunit clean help

help:
	@sed -n 's/^#   //p' Makefile

run: deps tree kernel initramfs
	@$(S)/boot.sh absent --demo
	@$(S)/boot.sh emulated --demo

check:
	@$(S)/check.sh

#   make deps       install the Debian packages (or print the apt-get line)
deps:
	@$(S)/deps.sh

#   make tree       build/linux = base + one commit per patch of patches/
tree: deps
	@$(S)/tree.sh materialize

#   make export     build/linux -> patches/ and the view files
export:
	@$(S)/tree.sh export

#   make verify     patches/ applies to the base, the view matches, every
#                   prefix of the series builds (check.sh build)
verify:
	@$(S)/check.sh build

#   make status     what build/linux holds that patches/ does not
status:
	@$(S)/tree.sh status

#   make kernel     configure and build the test kernel (build/obj)
kernel:
	@$(S)/kernel.sh config
	@$(S)/kernel.sh build bzImage

#   make initramfs  busybox + the tdx kselftests + tests/guest
initramfs:
	@$(S)/initramfs.sh

#   make boot MODE=absent|emulated|s3|s4|failed|kexec   boot the test kernel once
MODE ?= emulated
boot:
	@RESULTS=build/boot-results.txt $(S)/boot.sh $(MODE) --show

#   make kunit      kunit.py run --arch=x86_64 with the series' .kunitconfig
kunit:
	@cd build/linux && ./tools/testing/kunit/kunit.py run --arch=x86_64 \
		--build_dir=../obj-kunit --make_options CC="ccache gcc" \
		--kunitconfig=arch/x86/virt/vmx/tdx

#   make clean      remove build/ (the kernel tree too: export first)
clean:
	@if [ -d build/linux/.git ] && ! $(S)/tree.sh status >/dev/null 2>&1; then \
		echo "build/linux has work patches/ lacks: make export first"; exit 1; fi
	rm -rf build

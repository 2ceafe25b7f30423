/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_VIRT_TDX_H
#define _X86_VIRT_TDX_H

#include <linux/bits.h>
#include <linux/suspend.h>
#include <linux/types.h>
#include <asm/tdx.h>

#undef pr_fmt
#define pr_fmt(fmt) "virt/tdx: " fmt

/*
 * The TDX private KeyIDs the BIOS partitioned off the MKTME KeyIDs: the
 * half-open range [start, start + nr).
 */
struct tdx_keyid_range {
	u32 start;
	u32 nr;
};

int tdx_parse_keyid_partitioning(u64 msr, struct tdx_keyid_range *range);

/* Set by tdx_init() when the BIOS enabled TDX; read-only afterwards. */
extern struct tdx_keyid_range tdx_keyids;

/* SEAMCALL leaf numbers of the TDX module ABI used by this code. */
#define TDH_SYS_INIT			33
#define TDH_SYS_RD			34
#define TDH_SYS_LP_INIT			35

/*
 * SEAMCALL status codes (RAX). Bits 31:0 carry an operand id or other
 * detail, so statuses are compared under TDX_STATUS_MASK. Bit 63 set means
 * the call failed; a non-zero status with bit 63 clear is informational
 * and the call completed.
 */
#define TDX_STATUS_MASK			GENMASK_ULL(63, 32)
#define TDX_SUCCESS			0ULL
#define TDX_OPERAND_INVALID		0xC000010000000000ULL
#define TDX_OPERAND_BUSY		0x8000020000000000ULL
#define TDX_SYS_BUSY			0x8000020200000000ULL
#define TDX_RND_NO_ENTROPY		0x8000020300000000ULL
#define TDX_SYS_INIT_NOT_PENDING	0xC000050000000000ULL
#define TDX_SYS_LP_INIT_NOT_DONE	0xC000050200000000ULL
#define TDX_SYS_LP_INIT_DONE		0xC000050300000000ULL
#define TDX_SYS_NOT_READY		0xC000050500000000ULL
#define TDX_SYS_LP_INIT_NOT_PENDING	0xC000050B00000000ULL
#define TDX_METADATA_FIELD_NOT_READABLE	0xC0000C0200000000ULL

/* Operand ids in bits 31:0 of an operand error. */
#define TDX_OPERAND_ID_RAX		0
#define TDX_OPERAND_ID_RCX		1
#define TDX_OPERAND_ID_RDX		2

/* How often a SEAMCALL is issued while the module reports no entropy. */
#define TDX_SEAMCALL_ATTEMPTS		10

/*
 * Registers exchanged with the TDX module by one SEAMCALL: RCX, RDX, R8
 * and R9 are inputs; all six hold the module's outputs afterwards.
 */
struct tdx_module_args {
	u64 rcx;
	u64 rdx;
	u64 r8;
	u64 r9;
	u64 r10;
	u64 r11;
};

/* The instruction itself, arch/x86/virt/vmx/tdx/seamcall.S. */
u64 __seamcall(u64 fn, u64 rcx, u64 rdx, u64 r8, u64 r9,
	       struct tdx_module_output *out);

struct tdx_emul;

int seamcall_status_to_errno(u64 status);
int seamcall_on(struct tdx_emul *emul, u64 fn, struct tdx_module_args *args,
		u64 *status);
int seamcall(u64 fn, struct tdx_module_args *args, u64 *status);

/**
 * struct tdx_pkgs - Online CPUs per package, for the CPU offline policy
 * @nr:		number of packages (topology_max_packages())
 * @online:	online CPUs of each package
 * @present:	packages that had an online CPU when TDX was set up
 *
 * The platform's instance is protected by cpu_hotplug_lock (hotplug.c).
 */
struct tdx_pkgs {
	unsigned int nr;
	unsigned int *online;
	unsigned long *present;
};

int tdx_may_offline(unsigned int nr_tds, unsigned int pkg_online, bool tasks_frozen);
int tdx_may_sleep(unsigned int nr_tds, suspend_state_t state);
void tdx_pkgs_cpu_up(struct tdx_pkgs *pkgs, unsigned int pkg);
int tdx_pkgs_cpu_down(struct tdx_pkgs *pkgs, unsigned int pkg,
		      unsigned int nr_tds, bool tasks_frozen);
unsigned int tdx_pkgs_nr_offline(const struct tdx_pkgs *pkgs, unsigned int *first);
int tdx_nr_tds(void);
unsigned int tdx_nr_offline_pkgs(void);

#endif /* _X86_VIRT_TDX_H */

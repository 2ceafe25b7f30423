/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated TDX platform (CONFIG_INTEL_TDX_HOST_EMULATION): a software
 * model of the TDX module behind the SEAMCALL boundary, for tests only.
 */
#ifndef _X86_VIRT_TDX_EMUL_H
#define _X86_VIRT_TDX_EMUL_H

#include <linux/cpumask.h>
#include <linux/bitmap.h>
#include <linux/fault-inject.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/tdx.h>
#include "tdx.h"

#ifdef CONFIG_INTEL_TDX_HOST_EMULATION
/* The module's global state, in the order the ABI walks through it. */
enum tdx_emul_state {
	TDX_EMUL_NONE,		/* before TDH.SYS.INIT */
	TDX_EMUL_SYSINIT_DONE,	/* TDH.SYS.INIT done, LP.INIT accepted */
	TDX_EMUL_SYSCONFIG_DONE, /* TDH.SYS.CONFIG done, KEY.CONFIG accepted */
	TDX_EMUL_READY,		/* every package's key configured */
};

/* A TDMR the model was configured with, and how far TDMR.INIT got. */
struct tdx_emul_tdmr {
	u64 base;
	u64 end;
	u64 next;
};

/* TDH.SYS.TDMR.INIT initializes this much TDMR per call. */
#define TDX_EMUL_TDMR_CHUNK	SZ_4M

/*
 * One emulated TDX module. The platform has one, behind seamcall(); KUnit
 * tests make their own.
 *
 * @lock serializes SEAMCALLs on the model, as the real module's global
 * lock does; it is a raw spinlock because SEAMCALLs are issued with IRQs
 * off (CPU hotplug, KVM's hardware enabling). It protects @state,
 * @lp_init_done, @lost, @pkgs_configured, @nr_tdmrs, @tdmrs and
 * @nr_seamcalls. The rest is set before the model is used.
 */
struct tdx_emul {
	raw_spinlock_t lock;
	enum tdx_emul_state state;
	cpumask_t lp_init_done;		/* LPs that did TDH.SYS.LP.INIT */
	bool lost;			/* gone in S3/S4: VMfailInvalid */

	u16 nr_pkgs;			/* platform metadata: packages */
	u32 pkg_fms;			/* platform metadata: CPUID(1).EAX */
	unsigned int nr_lps;		/* LPs the platform has */
	DECLARE_BITMAP(pkgs, 64);	/* its packages (logical ids) */
	u32 keyid_start;		/* its TDX private KeyIDs */
	u32 keyid_nr;
	u64 max_pa;			/* addresses must stay below */
	unsigned int nr_cmrs;		/* convertible memory, sorted */
	struct tdx_cmr cmrs[TDX_MAX_CMRS];

	DECLARE_BITMAP(pkgs_configured, 64); /* TDH.SYS.KEY.CONFIG done */
	unsigned int nr_tdmrs;		/* TDH.SYS.CONFIG's TDMRs */
	struct tdx_emul_tdmr tdmrs[TDX_MAX_TDMRS];
	u64 nr_seamcalls;		/* SEAMCALLs that reached the model */

	/*
	 * Fault injection: while @fail says so, a SEAMCALL of leaf
	 * @fail_leaf (any leaf if it is U64_MAX) returns @fail_status
	 * without reaching the model.
	 */
	struct fault_attr fail;
	u64 fail_leaf;
	u64 fail_status;
};

bool tdx_emul_active(void);
int __init tdx_emul_keyid_partitioning(u64 *msr);
struct tdx_emul *tdx_emul_platform(void);
void tdx_emul_model_init(struct tdx_emul *emul, u16 nr_pkgs, u32 pkg_fms);
void tdx_emul_model_platform(struct tdx_emul *emul);
u64 tdx_emul_check_tdmrs(const struct tdx_emul *emul, const u64 *tdmr_pa,
			 unsigned int nr);
u64 tdx_emul_seamcall(struct tdx_emul *emul, unsigned int cpu, u64 fn,
		      struct tdx_module_args *args);
void tdx_emul_lose_state(void);
#else
static inline bool tdx_emul_active(void)
{
	return false;
}

static inline int tdx_emul_keyid_partitioning(u64 *msr)
{
	return -ENODEV;
}

static inline struct tdx_emul *tdx_emul_platform(void)
{
	return NULL;
}

static inline u64 tdx_emul_seamcall(struct tdx_emul *emul, unsigned int cpu,
				    u64 fn, struct tdx_module_args *args)
{
	return TDX_SEAMCALL_UD;
}

static inline void tdx_emul_lose_state(void) {}
#endif

#endif /* _X86_VIRT_TDX_EMUL_H */

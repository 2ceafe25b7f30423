/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated TDX platform (CONFIG_INTEL_TDX_HOST_EMULATION): a model of
 * the TDX module beneath the SEAMCALL instruction, for tests only. See
 * model.c.
 */
#ifndef _X86_VIRT_TDX_MODEL_H
#define _X86_VIRT_TDX_MODEL_H

#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/fault-inject.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/threads.h>
#include <linux/types.h>
#include "abi.h"

struct pt_regs;

/* Logical processors and packages a model can describe. */
#define TDX_EMUL_MAX_LPS	NR_CPUS

/* The module's global state, in the order the ABI walks through it. */
enum tdx_emul_state {
	TDX_EMUL_NONE,		/* before TDH.SYS.INIT */
	TDX_EMUL_SYSINIT_DONE,	/* TDH.SYS.INIT done, LP.INIT accepted */
	TDX_EMUL_SYSCONFIG_DONE, /* TDH.SYS.CONFIG done, KEY.CONFIG accepted */
	TDX_EMUL_READY,		/* every package's key configured */
};

/* The registers one SEAMCALL exchanges: RAX is the leaf in, the status out. */
struct tdx_emul_regs {
	u64 rax, rcx, rdx, r8, r9, r10, r11;
};

/* A TDMR the model was configured with, and how far TDMR.INIT got. */
struct tdx_emul_tdmr {
	u64 base;
	u64 end;
	u64 next;
	u64 pamt_base[3];	/* 4K, 2M, 1G: where the module writes */
	u64 pamt_size[3];
	bool busy;		/* a TDH.SYS.TDMR.INIT on it is in progress */
};

/* A TD the module holds: its root page, KeyID and control pages. */
struct tdx_emul_td {
	u64 tdr;		/* 0: the slot is free */
	u16 hkid;
	enum tdxm_td_lifecycle lifecycle;
	bool initialized;	/* TDH.MNG.INIT done */
	unsigned int nr_tdcx;
	u64 tdcx[TDXM_MAX_TDCS_PAGES];
	DECLARE_BITMAP(pkg_config, TDX_EMUL_MAX_LPS);
};

/* TDs and KeyIDs a model keeps track of. */
#define TDX_EMUL_MAX_TDS	64
#define TDX_EMUL_MAX_HKIDS	256

/* TDH.SYS.TDMR.INIT initializes this much TDMR per call. */
#define TDX_EMUL_TDMR_CHUNK	SZ_4M

/**
 * struct tdx_emul - One emulated TDX module and the platform it runs on
 * @lock:		the model's own lock, held while a leaf reads or changes
 *			the module's state; a raw spinlock: SEAMCALLs trap
 *			with IRQs off. Protects everything below @fail_status
 *			except the description, which is written before the
 *			model is made active. A leaf that takes the module's
 *			global lock exclusively holds it for the whole leaf;
 *			TDH.SYS.TDMR.INIT drops it while it initializes a
 *			chunk, counted in @shared (see tdx_emul_call())
 * @state:		global state
 * @lost:		the platform went through S3: every SEAMCALL gets
 *			VMfailInvalid
 * @lp_init_done:	LPs (indexes into @lp_apic) that did TDH.SYS.LP.INIT
 * @pkgs_configured:	packages (indexes into @pkg_id) with TDH.SYS.KEY.CONFIG
 * @nr_tdmrs:		the TDMRs TDH.SYS.CONFIG took
 * @tdmrs:		their ranges and TDMR.INIT progress
 * @pamt_bytes:		the PAMT bytes TDH.SYS.CONFIG was given
 * @nr_seamcalls:	SEAMCALLs that reached the model
 * @sys_disable:	the module has TDH.SYS.DISABLE (newer modules do)
 * @no_rbp_mod:		the module leaves RBP alone (TDX_FEATURES0.NO_RBP_MOD)
 * @disabling:		TDH.SYS.DISABLE was interrupted and resumes
 * @shared:		leaves at work outside @lock, holding the module's
 *			global lock shared: the exclusive leaves get SYS_BUSY
 * @global_hkid:	the KeyID TDH.SYS.CONFIG reserved for the module
 * @tds:		the TDs (TDH.MNG.CREATE until the TDR is reclaimed)
 * @hkid_state:		each KeyID's state (KOT), by KeyID
 * @hkid_wbinvd:	per KeyID, the packages that still have to run
 *			TDH.PHYMEM.CACHE.WB for it since TDH.MNG.VPFLUSHDONE
 * @pkg_wb_snapshot:	per package, the KeyIDs a started TDH.PHYMEM.CACHE.WB
 *			covers; @pkg_wb_resume: it was interrupted
 * @pkg_wb_resume:	see @pkg_wb_snapshot
 * @wb_interrupt:	for tests: interrupt this many CACHE.WB calls first
 * @nr_freeid_refused:	TDH.MNG.KEY.FREEID calls refused because a package
 *			had not written back its caches
 * @vp_enter:		for tests: answers TDH.VP.ENTER from the trapped registers
 *			(all of them: the leaf exchanges every GPR), returns
 *			the status; no vCPU is modelled otherwise
 * @in_tdmr_init:	for tests: called while a TDH.SYS.TDMR.INIT is at work
 *			outside @lock, with the TDMR's base
 * @test_data:		for @in_tdmr_init
 * @nr_lps:		platform: logical processors the firmware enumerated
 * @lp_apic:		their APIC ids
 * @lp_pkg:		their packages (indexes into @pkg_id)
 * @nr_pkgs:		platform: packages
 * @pkg_id:		their physical package ids
 * @pkg_fms:		platform: CPUID(1).EAX
 * @keyid_start:	platform: first TDX private KeyID
 * @keyid_nr:		platform: number of TDX private KeyIDs
 * @max_pa:		platform: addresses must stay below
 * @nr_cmrs:		platform: convertible memory ranges, sorted
 * @num_cmrs_reported:	what NUM_CMRS says: @nr_cmrs, or more with the tail
 *			entries empty, as 1.5 modules report
 * @cmrs:		the CMRs
 * @fail:		fault injection: while it says so, a SEAMCALL of leaf
 *			@fail_leaf (any leaf if U64_MAX) returns @fail_status
 * @fail_leaf:		see @fail
 * @fail_status:	see @fail
 */
struct tdx_emul {
	raw_spinlock_t lock;
	enum tdx_emul_state state;
	bool lost;
	DECLARE_BITMAP(lp_init_done, TDX_EMUL_MAX_LPS);
	DECLARE_BITMAP(pkgs_configured, TDX_EMUL_MAX_LPS);
	unsigned int nr_tdmrs;
	struct tdx_emul_tdmr tdmrs[TDXM_MAX_TDMRS];
	u64 pamt_bytes;
	u64 nr_seamcalls;
	bool sys_disable;
	bool no_rbp_mod;
	bool disabling;
	unsigned int shared;
	u32 global_hkid;
	struct tdx_emul_td tds[TDX_EMUL_MAX_TDS];
	u8 hkid_state[TDX_EMUL_MAX_HKIDS];
	DECLARE_BITMAP(hkid_wbinvd[TDX_EMUL_MAX_HKIDS], TDX_EMUL_MAX_LPS);
	DECLARE_BITMAP(pkg_wb_snapshot[TDX_EMUL_MAX_LPS], TDX_EMUL_MAX_HKIDS);
	DECLARE_BITMAP(pkg_wb_resume, TDX_EMUL_MAX_LPS);
	unsigned int wb_interrupt;
	u64 nr_freeid_refused;
	u64 (*vp_enter)(struct tdx_emul *m, struct pt_regs *regs);
	void (*in_tdmr_init)(struct tdx_emul *m, u64 tdmr_base);
	void *test_data;

	unsigned int nr_lps;
	u32 lp_apic[TDX_EMUL_MAX_LPS];
	u32 lp_pkg[TDX_EMUL_MAX_LPS];
	unsigned int nr_pkgs;
	u32 pkg_id[TDX_EMUL_MAX_LPS];
	u32 pkg_fms;
	u32 keyid_start;
	u32 keyid_nr;
	u64 max_pa;
	unsigned int nr_cmrs;
	unsigned int num_cmrs_reported;
	struct tdxm_cmr cmrs[TDXM_MAX_CMRS];

	struct fault_attr fail;
	u64 fail_leaf;
	u64 fail_status;
};

/* What a firmware memory map entry is, for tdx_emul_cmrs_from_map(). */
enum tdx_emul_mem_type {
	TDX_EMUL_MEM_RAM,	/* usable DRAM */
	TDX_EMUL_MEM_FW,	/* DRAM the firmware keeps: ACPI, NVS */
	TDX_EMUL_MEM_RESERVED,	/* reserved: DRAM or MMIO, the map cannot tell */
	TDX_EMUL_MEM_OTHER,	/* anything else (persistent memory, ...) */
};

struct tdx_emul_mem_range {
	u64 start;
	u64 end;
	enum tdx_emul_mem_type type;
};

void tdx_emul_model_init(struct tdx_emul *m);
void tdx_emul_power_cycle(struct tdx_emul *m);
int tdx_emul_add_lp(struct tdx_emul *m, u32 apic_id, u32 pkg_id);
int tdx_emul_add_cmr(struct tdx_emul *m, u64 start, u64 end);
int tdx_emul_cmrs_from_map(struct tdx_emul *m, const struct tdx_emul_mem_range *map,
			   unsigned int nr);
u64 tdx_emul_call(struct tdx_emul *m, unsigned int lp, struct tdx_emul_regs *regs);
u64 tdx_emul_td_call(struct tdx_emul *m, unsigned int lp, struct tdx_emul_regs *regs);
void tdx_emul_td_reset(struct tdx_emul *m);
unsigned int tdx_emul_td_count(const struct tdx_emul *m, unsigned int *hkids,
			       unsigned int *pages);
u64 tdx_emul_check_tdmrs(const struct tdx_emul *m, const u64 *tdmr_pa, unsigned int nr);
bool tdx_emul_cmrs_cover(const struct tdx_emul *m, u64 start, u64 end);

struct tdx_emul *tdx_emul_platform(void);
struct tdx_emul *tdx_emul_set_active(struct tdx_emul *m);
int tdx_emul_this_lp(const struct tdx_emul *m);
void tdx_emul_vmxon(void);
void tdx_emul_vmxoff(void);
bool tdx_emul_in_vmx(unsigned int cpu);

#endif /* _X86_VIRT_TDX_MODEL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated TDX platform, to test TDX host support without TDX hardware.
 *
 * Booting with ``tdx_emulate`` makes the kernel see a BIOS that enabled
 * TDX (an emulated IA32_MKTME_KEYID_PARTITIONING) and routes every
 * SEAMCALL to a software model of the TDX module instead of the
 * instruction. The model keeps the module's state machine and answers
 * with the status codes of the TDX module ABI, so the kernel's TDX code
 * runs as it would on hardware. It isolates nothing: never use it outside
 * tests.
 *
 * Any SEAMCALL can be failed through the fault injection framework:
 * /sys/kernel/debug/tdx_emul/fail_seamcall/ selects when,
 * fail_seamcall_leaf which leaf (all ones: any) and fail_seamcall_status
 * the status returned instead of calling the model.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/memblock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tdx_hotplug.h>
#include <linux/topology.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include "emul.h"

/* Written once while parsing the command line. */
static bool tdx_emul_enabled __ro_after_init;
static u32 tdx_emul_nr_mktme __ro_after_init = 31;
static u32 tdx_emul_nr_tdx __ro_after_init = 32;
static u64 tdx_emul_msr __ro_after_init;

/* The platform's emulated TDX module. */
static struct tdx_emul tdx_emul_module;

static int __init tdx_emulate_setup(char *arg)
{
	if (arg && sscanf(arg, "%u,%u", &tdx_emul_nr_mktme, &tdx_emul_nr_tdx) != 2) {
		pr_err("tdx_emulate=%s: expected <MKTME KeyIDs>,<TDX KeyIDs>; TDX not emulated\n",
		       arg);
		return -EINVAL;
	}
	tdx_emul_msr = (u64)tdx_emul_nr_tdx << 32 | tdx_emul_nr_mktme;
	tdx_emul_enabled = true;
	return 0;
}
early_param("tdx_emulate", tdx_emulate_setup);

/**
 * tdx_emul_active() - Is the TDX platform emulated?
 *
 * Context: Any context.
 * Return: true if the kernel was booted with ``tdx_emulate``.
 */
bool tdx_emul_active(void)
{
	return tdx_emul_enabled;
}

/**
 * tdx_emul_keyid_partitioning() - Read the emulated KeyID partitioning
 * @msr:	the emulated value of IA32_MKTME_KEYID_PARTITIONING
 *
 * Also taints the kernel (TAINT_TEST) and says loudly that TDX is
 * emulated: nothing that follows is protected by TDX.
 *
 * Context: Early boot, from tdx_init().
 * Return: 0.
 */
int __init tdx_emul_keyid_partitioning(u64 *msr)
{
	pr_warn("**********************************************************\n");
	pr_warn("**  EMULATED TDX PLATFORM (tdx_emulate): FOR TESTS ONLY  **\n");
	pr_warn("**  There is no TDX module and no isolation of any kind. **\n");
	pr_warn("**********************************************************\n");
	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	*msr = tdx_emul_msr;
	return 0;
}

/**
 * tdx_emul_platform() - The platform's emulated TDX module
 *
 * Context: Any context.
 * Return: the model behind seamcall() when the TDX platform is emulated,
 * NULL otherwise.
 */
struct tdx_emul *tdx_emul_platform(void)
{
	return tdx_emul_enabled ? &tdx_emul_module : NULL;
}

/**
 * tdx_emul_model_init() - Reset a model to a freshly loaded TDX module
 * @emul:	the model
 * @nr_pkgs:	number of packages the platform reports
 * @pkg_fms:	family/model/stepping (CPUID(1).EAX) the platform reports
 *
 * Fault injection starts disabled, with any leaf and TDX_OPERAND_INVALID
 * selected. The model has @nr_pkgs packages (logical ids 0 and up), every
 * present CPU, TDX KeyIDs [32, 64), 52 address bits and no convertible
 * memory: tests change what they need, tdx_emul_model_platform() takes the
 * platform's.
 *
 * Context: Process context; nobody may use @emul concurrently.
 */
void tdx_emul_model_init(struct tdx_emul *emul, u16 nr_pkgs, u32 pkg_fms)
{
	raw_spin_lock_init(&emul->lock);
	emul->state = TDX_EMUL_NONE;
	cpumask_clear(&emul->lp_init_done);
	emul->nr_pkgs = nr_pkgs;
	emul->pkg_fms = pkg_fms;
	emul->nr_lps = num_present_cpus();
	bitmap_zero(emul->pkgs, 64);
	bitmap_set(emul->pkgs, 0, min_t(unsigned int, nr_pkgs, 64));
	bitmap_zero(emul->pkgs_configured, 64);
	emul->keyid_start = 32;
	emul->keyid_nr = 32;
	emul->max_pa = BIT_ULL(52);
	emul->nr_cmrs = 0;
	emul->nr_tdmrs = 0;
	emul->nr_seamcalls = 0;
	emul->fail = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	emul->fail_leaf = U64_MAX;
	emul->fail_status = TDX_OPERAND_INVALID;
}

/* Leaf numbers the TDX module 1.5 ABI defines for the host. */
static bool tdx_emul_leaf_exists(u64 leaf)
{
	return leaf <= 45 || leaf == 48 || leaf == 49 || leaf == 52 ||
	       leaf == 53 || leaf == 61 || (leaf >= 64 && leaf <= 96);
}

/* The emulated module: version 1.5.0, with NO_RBP_MOD (feature bit 18). */
static const u64 tdx_emul_fields[] = {
	TDX_MD_NUM_PKGS, TDX_MD_PKG_FMS, TDX_MD_VENDOR_ID, TDX_MD_BUILD_DATE,
	TDX_MD_BUILD_NUM, TDX_MD_MINOR_VERSION, TDX_MD_MAJOR_VERSION,
	TDX_MD_UPDATE_VERSION, TDX_MD_INTERNAL_VERSION, TDX_MD_SYS_ATTRIBUTES,
	TDX_MD_NUM_TDX_FEATURES, TDX_MD_TDX_FEATURES0, TDX_MD_NUM_CMRS,
	TDX_MD_MAX_TDMRS, TDX_MD_MAX_RESERVED_PER_TDMR,
	TDX_MD_PAMT_4K_ENTRY_SIZE, TDX_MD_PAMT_2M_ENTRY_SIZE,
	TDX_MD_PAMT_1G_ENTRY_SIZE,
};

/* The model's PAMT entries are 16 bytes at every level. */
#define TDX_EMUL_PAMT_ENTRY_SIZE	16

static u64 tdx_emul_field_value(struct tdx_emul *emul, u64 id)
{
	switch (id) {
	case TDX_MD_NUM_PKGS:
		return emul->nr_pkgs;
	case TDX_MD_PKG_FMS:
		return emul->pkg_fms;
	case TDX_MD_VENDOR_ID:
		return 0x8086;
	case TDX_MD_BUILD_DATE:
		return 20250101;
	case TDX_MD_MINOR_VERSION:
		return 5;
	case TDX_MD_MAJOR_VERSION:
		return 1;
	case TDX_MD_NUM_TDX_FEATURES:
		return 1;
	case TDX_MD_TDX_FEATURES0:
		return BIT_ULL(18);
	case TDX_MD_NUM_CMRS:
		return emul->nr_cmrs;
	case TDX_MD_MAX_TDMRS:
		return TDX_MAX_TDMRS;
	case TDX_MD_MAX_RESERVED_PER_TDMR:
		return TDX_MAX_RESERVED_AREAS;
	case TDX_MD_PAMT_4K_ENTRY_SIZE:
	case TDX_MD_PAMT_2M_ENTRY_SIZE:
	case TDX_MD_PAMT_1G_ENTRY_SIZE:
		return TDX_EMUL_PAMT_ENTRY_SIZE;
	default:
		return 0;
	}
}

static u64 tdx_emul_sys_init(struct tdx_emul *emul, struct tdx_module_args *args)
{
	/* RCX holds attributes, all of them reserved. */
	if (args->rcx)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX;
	if (emul->state != TDX_EMUL_NONE)
		return TDX_SYS_INIT_NOT_PENDING;
	emul->state = TDX_EMUL_SYSINIT_DONE;
	return TDX_SUCCESS;
}

static u64 tdx_emul_lp_init(struct tdx_emul *emul, unsigned int cpu)
{
	/* Accepted only between TDH.SYS.INIT and TDH.SYS.CONFIG. */
	if (emul->state != TDX_EMUL_SYSINIT_DONE)
		return TDX_SYS_LP_INIT_NOT_PENDING;
	if (cpumask_test_and_set_cpu(cpu, &emul->lp_init_done))
		return TDX_SYS_LP_INIT_DONE;
	return TDX_SUCCESS;
}

static u64 tdx_emul_sys_rd(struct tdx_emul *emul, struct tdx_module_args *args)
{
	unsigned int size_code, i;
	u64 id = args->rdx;

	/* CMR_BASE[i] and CMR_SIZE[i]: the model ends their chains at once. */
	for (i = 0; i < emul->nr_cmrs; i++) {
		if (id != TDX_MD_CMR_BASE(i) && id != TDX_MD_CMR_SIZE(i))
			continue;
		args->r8 = id == TDX_MD_CMR_BASE(i) ? emul->cmrs[i].base : emul->cmrs[i].size;
		args->rdx = U64_MAX;
		return TDX_SUCCESS;
	}

	for (i = 0; i < ARRAY_SIZE(tdx_emul_fields); i++) {
		if (tdx_emul_fields[i] == id)
			break;
	}
	if (i == ARRAY_SIZE(tdx_emul_fields))
		return TDX_METADATA_FIELD_NOT_READABLE;

	size_code = (id >> 32) & 3;
	args->r8 = tdx_emul_field_value(emul, id);
	if (size_code < 3)
		args->r8 &= GENMASK_ULL((8 << size_code) - 1, 0);
	/* The next field; the model answers all ones after the last. */
	args->rdx = i + 1 < ARRAY_SIZE(tdx_emul_fields) ? tdx_emul_fields[i + 1] : U64_MAX;
	return TDX_SUCCESS;
}

/* Does [@start, @end) overlap a part of @tdmr that is not reserved? */
static bool tdx_emul_hits_usable(const struct tdmr_info *tdmr, u64 start, u64 end)
{
	u64 pos = max(start, tdmr->base);
	unsigned int k;

	end = min(end, tdmr->base + tdmr->size);
	for (k = 0; k < TDX_MAX_RESERVED_AREAS && pos < end; k++) {
		const struct tdmr_reserved_area *ra = &tdmr->reserved_areas[k];
		u64 rs = tdmr->base + ra->offset;

		if (!ra->size || rs > pos)
			break;
		pos = max(pos, rs + ra->size);
	}
	return pos < end;
}

/* Is every part of @tdmr that is not reserved convertible memory? */
static bool tdx_emul_tdmr_in_cmrs(const struct tdx_emul *emul,
				  const struct tdmr_info *tdmr)
{
	u64 pos = tdmr->base, end = tdmr->base + tdmr->size;
	unsigned int k;

	for (k = 0; k < TDX_MAX_RESERVED_AREAS; k++) {
		const struct tdmr_reserved_area *ra = &tdmr->reserved_areas[k];

		if (!ra->size)
			break;
		if (tdmr->base + ra->offset > pos &&
		    !tdx_cmrs_cover(emul->cmrs, emul->nr_cmrs, pos, tdmr->base + ra->offset))
			return false;
		pos = tdmr->base + ra->offset + ra->size;
	}
	return pos >= end || tdx_cmrs_cover(emul->cmrs, emul->nr_cmrs, pos, end);
}

static u64 tdx_emul_check_reserved(const struct tdmr_info *tdmr, unsigned int i)
{
	bool null_seen = false;
	u64 prev_end = 0;
	unsigned int k;

	for (k = 0; k < TDX_MAX_RESERVED_AREAS; k++) {
		const struct tdmr_reserved_area *ra = &tdmr->reserved_areas[k];

		if (!ra->size) {
			null_seen = true;
			continue;
		}
		if (null_seen || (k && ra->offset < prev_end))
			return TDX_NON_ORDERED_RESERVED_IN_TDMR | i;
		if (!IS_ALIGNED(ra->offset | ra->size, SZ_4K) ||
		    ra->offset + ra->size > tdmr->size ||
		    ra->offset + ra->size < ra->offset)
			return TDX_INVALID_RESERVED_IN_TDMR | i;
		prev_end = ra->offset + ra->size;
	}
	return TDX_SUCCESS;
}

/* The three PAMTs of a TDMR, 1 GiB level first as in TDMR_INFO. */
static void tdx_emul_pamts(const struct tdmr_info *tdmr, u64 base[TDX_PS_NR],
			   u64 size[TDX_PS_NR])
{
	base[TDX_PS_1G] = tdmr->pamt_1g_base;
	size[TDX_PS_1G] = tdmr->pamt_1g_size;
	base[TDX_PS_2M] = tdmr->pamt_2m_base;
	size[TDX_PS_2M] = tdmr->pamt_2m_size;
	base[TDX_PS_4K] = tdmr->pamt_4k_base;
	size[TDX_PS_4K] = tdmr->pamt_4k_size;
}

static u64 tdx_emul_check_pamts(const struct tdx_emul *emul,
				const struct tdmr_info *tdmr, unsigned int i)
{
	static const unsigned int shift[TDX_PS_NR] = { 12, 21, 30 };
	u64 base[TDX_PS_NR], size[TDX_PS_NR];
	unsigned int l;

	tdx_emul_pamts(tdmr, base, size);
	for (l = 0; l < TDX_PS_NR; l++) {
		if (!IS_ALIGNED(base[l] | size[l], SZ_4K) ||
		    base[l] + size[l] < base[l] || base[l] + size[l] > emul->max_pa ||
		    size[l] < (tdmr->size >> shift[l]) * TDX_EMUL_PAMT_ENTRY_SIZE)
			return TDX_INVALID_PAMT | i;
		if (!tdx_cmrs_cover(emul->cmrs, emul->nr_cmrs, base[l], base[l] + size[l]))
			return TDX_PAMT_OUTSIDE_CMRS | i;
	}
	return TDX_SUCCESS;
}

/* PAMTs overlap neither each other nor the usable part of any TDMR. */
static u64 tdx_emul_check_overlaps(const u64 *tdmr_pa, unsigned int nr)
{
	unsigned int i, j, l, m;

	for (i = 0; i < nr; i++) {
		u64 base[TDX_PS_NR], size[TDX_PS_NR];

		tdx_emul_pamts(__va(tdmr_pa[i]), base, size);
		for (l = 0; l < TDX_PS_NR; l++) {
			u64 s = base[l], e = base[l] + size[l];

			for (j = 0; j < nr; j++) {
				const struct tdmr_info *other = __va(tdmr_pa[j]);
				u64 ob[TDX_PS_NR], os[TDX_PS_NR];

				if (tdx_emul_hits_usable(other, s, e))
					return TDX_PAMT_OVERLAP | i;
				tdx_emul_pamts(other, ob, os);
				for (m = 0; m < TDX_PS_NR; m++) {
					if ((j == i && m == l) || !os[m] || !size[l])
						continue;
					if (s < ob[m] + os[m] && ob[m] < e)
						return TDX_PAMT_OVERLAP | i;
				}
			}
		}
	}
	return TDX_SUCCESS;
}

/**
 * tdx_emul_check_tdmrs() - Validate TDMRs as TDH.SYS.CONFIG does
 * @emul:	the model (its CMRs and address width)
 * @tdmr_pa:	physical addresses of the TDMR_INFO entries
 * @nr:		number of entries
 *
 * TDMRs 1 GiB-aligned, non-empty, below the address limit, sorted and not
 * overlapping; reserved areas sorted, not overlapping, null ones only at
 * the end, 4 KiB-aligned and inside their TDMR; everything not reserved
 * inside the CMRs; PAMTs 4 KiB-aligned, large enough for their level,
 * inside the CMRs, overlapping neither each other nor anything of a TDMR
 * that is not reserved. Bits 7:0 of an error name the offending TDMR.
 *
 * Context: Any context.
 * Return: TDX_SUCCESS or the TDX module's error status.
 */
u64 tdx_emul_check_tdmrs(const struct tdx_emul *emul, const u64 *tdmr_pa,
			 unsigned int nr)
{
	u64 prev_end = 0, ret;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		const struct tdmr_info *tdmr;

		if (!IS_ALIGNED(tdmr_pa[i], TDMR_INFO_ALIGNMENT))
			return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX;
		tdmr = __va(tdmr_pa[i]);
		if (!tdmr->size || !IS_ALIGNED(tdmr->base | tdmr->size, TDMR_ALIGNMENT) ||
		    tdmr->base + tdmr->size < tdmr->base ||
		    tdmr->base + tdmr->size > emul->max_pa)
			return TDX_INVALID_TDMR | i;
		if (i && tdmr->base < prev_end)
			return TDX_NON_ORDERED_TDMR | i;
		prev_end = tdmr->base + tdmr->size;

		ret = tdx_emul_check_reserved(tdmr, i);
		if (ret)
			return ret;
		if (!tdx_emul_tdmr_in_cmrs(emul, tdmr))
			return TDX_TDMR_OUTSIDE_CMRS | i;
		ret = tdx_emul_check_pamts(emul, tdmr, i);
		if (ret)
			return ret;
	}
	return tdx_emul_check_overlaps(tdmr_pa, nr);
}

static u64 tdx_emul_config(struct tdx_emul *emul, struct tdx_module_args *args)
{
	const u64 *tdmr_pa;
	unsigned int i;
	u64 ret;

	/* Every LP of the platform must have done LP.INIT. */
	if (emul->state != TDX_EMUL_SYSINIT_DONE ||
	    cpumask_weight(&emul->lp_init_done) != emul->nr_lps)
		return TDX_SYS_CONFIG_NOT_PENDING;
	if (!IS_ALIGNED(args->rcx, TDMR_INFO_ALIGNMENT) || args->rcx >= emul->max_pa)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX;
	if (!args->rdx || args->rdx > TDX_MAX_TDMRS)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RDX;
	if (args->r8 < emul->keyid_start ||
	    args->r8 >= (u64)emul->keyid_start + emul->keyid_nr)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8;

	tdmr_pa = __va(args->rcx);
	ret = tdx_emul_check_tdmrs(emul, tdmr_pa, args->rdx);
	if (ret)
		return ret;

	for (i = 0; i < args->rdx; i++) {
		const struct tdmr_info *tdmr = __va(tdmr_pa[i]);

		emul->tdmrs[i].base = tdmr->base;
		emul->tdmrs[i].end = tdmr->base + tdmr->size;
		emul->tdmrs[i].next = tdmr->base;
	}
	emul->nr_tdmrs = args->rdx;
	emul->state = TDX_EMUL_SYSCONFIG_DONE;
	return TDX_SUCCESS;
}

static u64 tdx_emul_key_config(struct tdx_emul *emul, unsigned int cpu)
{
	unsigned int pkg = topology_logical_package_id(cpu);

	if (emul->state < TDX_EMUL_SYSCONFIG_DONE)
		return TDX_SYS_KEY_CONFIG_NOT_PENDING;
	if (pkg >= 64 || test_and_set_bit(pkg, emul->pkgs_configured))
		return TDX_KEY_CONFIGURED;
	if (bitmap_subset(emul->pkgs, emul->pkgs_configured, 64))
		emul->state = TDX_EMUL_READY;
	return TDX_SUCCESS;
}

static u64 tdx_emul_tdmr_init(struct tdx_emul *emul, struct tdx_module_args *args)
{
	struct tdx_emul_tdmr *tdmr = NULL;
	unsigned int i;

	if (emul->state != TDX_EMUL_READY)
		return TDX_SYS_NOT_READY;
	for (i = 0; i < emul->nr_tdmrs; i++) {
		if (emul->tdmrs[i].base == args->rcx)
			tdmr = &emul->tdmrs[i];
	}
	if (!tdmr)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX;
	if (tdmr->next >= tdmr->end)
		return TDX_TDMR_ALREADY_INITIALIZED;

	tdmr->next = min(tdmr->next + TDX_EMUL_TDMR_CHUNK, tdmr->end);
	/* The module reports its progress in whole 1 GiB blocks. */
	args->rdx = ALIGN_DOWN(tdmr->next, TDMR_ALIGNMENT);
	return TDX_SUCCESS;
}

static bool tdx_emul_should_fail(struct tdx_emul *emul, u64 fn)
{
	if (emul->fail_leaf != U64_MAX && emul->fail_leaf != fn)
		return false;
	return should_fail(&emul->fail, 1);
}

/**
 * tdx_emul_seamcall() - Issue a SEAMCALL to a model
 * @emul:	the model
 * @cpu:	the logical processor issuing it: a possible CPU
 * @fn:		RAX: leaf number (bits 15:0) and version (bits 23:16)
 * @args:	input and output registers
 *
 * After tdx_emul_lose_state(), every SEAMCALL fails with VMfailInvalid, as
 * on a platform whose TDX module is gone. Otherwise, a SEAMCALL before
 * TDH.SYS.LP.INIT on @cpu fails, except TDH.SYS.INIT and TDH.SYS.LP.INIT
 * themselves. The leaves that initialize the module (TDH.SYS.INIT,
 * LP.INIT, RD, CONFIG, KEY.CONFIG and TDMR.INIT) follow the ABI's rules
 * and statuses. Other leaves of the ABI answer TDX_SYS_NOT_READY until the
 * module is ready, as the module does, and TDX_OPERAND_INVALID for RAX
 * after (not modelled); numbers that are no leaf, and reserved RAX bits,
 * answer TDX_OPERAND_INVALID for RAX.
 *
 * Context: Any context; takes @emul->lock (a raw spinlock).
 * Return: the TDX module status.
 */
u64 tdx_emul_seamcall(struct tdx_emul *emul, unsigned int cpu, u64 fn,
		      struct tdx_module_args *args)
{
	unsigned long flags;
	u64 ret;

	if (WARN_ON_ONCE(cpu >= nr_cpu_ids))
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;
	if (tdx_emul_should_fail(emul, fn))
		return emul->fail_status;

	/* None of the leaves modelled so far has a version. */
	if (fn > U16_MAX || !tdx_emul_leaf_exists(fn))
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;

	raw_spin_lock_irqsave(&emul->lock, flags);
	emul->nr_seamcalls++;
	if (emul->lost) {
		ret = TDX_SEAMCALL_VMFAILINVALID;
		goto out;
	}
	if (fn != TDH_SYS_INIT && fn != TDH_SYS_LP_INIT &&
	    !cpumask_test_cpu(cpu, &emul->lp_init_done)) {
		ret = TDX_SYS_LP_INIT_NOT_DONE;
		goto out;
	}

	switch (fn) {
	case TDH_SYS_INIT:
		ret = tdx_emul_sys_init(emul, args);
		break;
	case TDH_SYS_LP_INIT:
		ret = tdx_emul_lp_init(emul, cpu);
		break;
	case TDH_SYS_RD:
		ret = tdx_emul_sys_rd(emul, args);
		break;
	case TDH_SYS_CONFIG:
		ret = tdx_emul_config(emul, args);
		break;
	case TDH_SYS_KEY_CONFIG:
		ret = tdx_emul_key_config(emul, cpu);
		break;
	case TDH_SYS_TDMR_INIT:
		ret = tdx_emul_tdmr_init(emul, args);
		break;
	default:
		/* TD leaves: refused before the module is ready, not modelled after. */
		ret = emul->state == TDX_EMUL_READY ?
		      TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX : TDX_SYS_NOT_READY;
		break;
	}
out:
	raw_spin_unlock_irqrestore(&emul->lock, flags);
	return ret;
}

/*
 * TDs for the selftests (debugfs tdx_emul/tds), created and destroyed
 * through tdx_td_keyid_get() and tdx_td_keyid_put(), the path KVM takes.
 * The model records on which packages each TD's KeyID is configured, as
 * TDH.MNG.KEY.CONFIG on one online CPU of each package would. The list is
 * protected by tdx_emul_tds_lock, taken before the policy's locks.
 */
struct tdx_emul_td {
	struct list_head node;
	int keyid;
	unsigned long pkgs;	/* packages with the KeyID configured */
};

static LIST_HEAD(tdx_emul_tds);
static DEFINE_MUTEX(tdx_emul_tds_lock);

/* On each CPU, with IRQs off: keep the first error in @data. */
static void tdx_emul_cpu_enable(void *data)
{
	int ret = tdx_cpu_enable();

	if (ret)
		atomic_cmpxchg(data, 0, ret);
}

static int tdx_emul_td_create(void)
{
	atomic_t err = ATOMIC_INIT(0);
	struct tdx_emul_td *td;
	unsigned int cpu;
	int ret;

	/*
	 * What KVM does: enable TDX on every CPU after VMXON, then have the
	 * TDX module initialized (once; later calls return the first result).
	 */
	cpus_read_lock();
	on_each_cpu(tdx_emul_cpu_enable, &err, 1);
	ret = atomic_read(&err);
	if (!ret)
		ret = tdx_enable();
	cpus_read_unlock();
	if (ret)
		return ret;

	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		return -ENOMEM;
	td->keyid = tdx_td_keyid_get();
	if (td->keyid < 0) {
		ret = td->keyid;
		kfree(td);
		return ret;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu)
		__set_bit(topology_logical_package_id(cpu) % BITS_PER_LONG, &td->pkgs);
	cpus_read_unlock();
	list_add_tail(&td->node, &tdx_emul_tds);
	return 0;
}

static int tdx_emul_td_destroy(void)
{
	struct tdx_emul_td *td;

	if (list_empty(&tdx_emul_tds))
		return -ENOENT;
	td = list_last_entry(&tdx_emul_tds, struct tdx_emul_td, node);
	list_del(&td->node);
	tdx_td_keyid_put(td->keyid);
	kfree(td);
	return 0;
}

static ssize_t tdx_emul_tds_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char buf[16];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	mutex_lock(&tdx_emul_tds_lock);
	if (sysfs_streq(buf, "create"))
		ret = tdx_emul_td_create();
	else if (sysfs_streq(buf, "destroy"))
		ret = tdx_emul_td_destroy();
	else
		ret = -EINVAL;
	mutex_unlock(&tdx_emul_tds_lock);
	return ret ? ret : count;
}

/*
 * "tds: <TDs counted by the policy>", "offline packages: <TDX packages
 * without an online CPU>", "lp-initialized cpus: <CPUs the model saw do
 * TDH.SYS.LP.INIT>", then one "keyid <K> packages <mask>" line per TD: one
 * consistent snapshot, taken with CPU hotplug held off.
 */
static int tdx_emul_tds_show(struct seq_file *m, void *unused)
{
	struct tdx_emul_td *td;

	mutex_lock(&tdx_emul_tds_lock);
	cpus_read_lock();
	seq_printf(m, "tds: %d\noffline packages: %u\n", tdx_nr_tds(),
		   tdx_nr_offline_pkgs());
	raw_spin_lock_irq(&tdx_emul_module.lock);
	seq_printf(m, "lp-initialized cpus: %*pbl\n",
		   cpumask_pr_args(&tdx_emul_module.lp_init_done));
	raw_spin_unlock_irq(&tdx_emul_module.lock);
	list_for_each_entry(td, &tdx_emul_tds, node)
		seq_printf(m, "keyid %d packages %#lx\n", td->keyid, td->pkgs);
	cpus_read_unlock();
	mutex_unlock(&tdx_emul_tds_lock);
	return 0;
}

static int tdx_emul_tds_open(struct inode *inode, struct file *file)
{
	return single_open(file, tdx_emul_tds_show, NULL);
}

static const struct file_operations tdx_emul_tds_fops = {
	.owner		= THIS_MODULE,
	.open		= tdx_emul_tds_open,
	.read		= seq_read,
	.write		= tdx_emul_tds_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* The BIOS's CMRs: the memory present at boot, above the first 1 MiB. */
static void tdx_emul_cmrs_from_memblock(struct tdx_emul *emul)
{
	phys_addr_t start, end;
	unsigned int nr = 0;
	u64 i;

	for_each_mem_range(i, &start, &end) {
		start = max_t(phys_addr_t, start, SZ_1M);
		if (start >= end)
			continue;
		if (nr && emul->cmrs[nr - 1].base + emul->cmrs[nr - 1].size == start) {
			emul->cmrs[nr - 1].size += end - start;
			continue;
		}
		if (nr == TDX_MAX_CMRS) {
			pr_warn("emulated TDX module: memory from %pa on is not convertible (more than %u ranges)\n",
				&start, TDX_MAX_CMRS);
			break;
		}
		emul->cmrs[nr].base = start;
		emul->cmrs[nr].size = end - start;
		nr++;
	}
	emul->nr_cmrs = nr;
}

/**
 * tdx_emul_model_platform() - Make a model describe this machine
 * @emul:	a model from tdx_emul_model_init()
 *
 * Description: The model's packages become those of the present CPUs, its
 * LPs the present CPUs, its KeyIDs the TDX KeyIDs tdx_init() found (or the
 * model's default ones), its address width the CPU's, and its CMRs the
 * memory memblock has now, above 1 MiB, as a BIOS would configure them at
 * boot.
 *
 * Context: Process context; nobody may use @emul concurrently.
 */
void tdx_emul_model_platform(struct tdx_emul *emul)
{
	unsigned int cpu;

	bitmap_zero(emul->pkgs, 64);
	for_each_present_cpu(cpu)
		__set_bit(topology_logical_package_id(cpu) % 64, emul->pkgs);
	emul->nr_pkgs = bitmap_weight(emul->pkgs, 64);
	emul->nr_lps = num_present_cpus();
	if (tdx_keyids.nr) {
		emul->keyid_start = tdx_keyids.start;
		emul->keyid_nr = tdx_keyids.nr;
	}
	emul->max_pa = BIT_ULL(boot_cpu_data.x86_phys_bits);
	tdx_emul_cmrs_from_memblock(emul);
}

/**
 * tdx_emul_lose_state() - The platform went through S3 or S4
 *
 * Description: The emulated TDX module is gone, as the real one would be: from
 * now on every SEAMCALL fails with VMfailInvalid.
 *
 * Context: Any context.
 */
void tdx_emul_lose_state(void)
{
	unsigned long flags;

	if (!tdx_emul_enabled)
		return;
	raw_spin_lock_irqsave(&tdx_emul_module.lock, flags);
	tdx_emul_module.lost = true;
	raw_spin_unlock_irqrestore(&tdx_emul_module.lock, flags);
}

static int __init tdx_emul_init(void)
{
	struct dentry *dir;

	if (!tdx_emul_enabled)
		return 0;

	tdx_emul_model_init(&tdx_emul_module, topology_max_packages(),
			    cpuid_eax(1));
	tdx_emul_model_platform(&tdx_emul_module);

	dir = debugfs_create_dir("tdx_emul", NULL);
	fault_create_debugfs_attr("fail_seamcall", dir, &tdx_emul_module.fail);
	debugfs_create_x64("fail_seamcall_leaf", 0600, dir,
			   &tdx_emul_module.fail_leaf);
	debugfs_create_x64("fail_seamcall_status", 0600, dir,
			   &tdx_emul_module.fail_status);
	debugfs_create_x64("keyid_partitioning", 0400, dir, &tdx_emul_msr);
	debugfs_create_file("tds", 0600, dir, NULL, &tdx_emul_tds_fops);
	return 0;
}
arch_initcall(tdx_emul_init);

/*
 * A BIOS configures the CMRs over all memory present at boot, memory
 * devices included: take them again once ACPI attached the boot-present
 * ones. Memory added after this is not convertible.
 */
static int __init tdx_emul_cmrs_init(void)
{
	unsigned long flags;

	if (!tdx_emul_enabled)
		return 0;
	raw_spin_lock_irqsave(&tdx_emul_module.lock, flags);
	tdx_emul_cmrs_from_memblock(&tdx_emul_module);
	raw_spin_unlock_irqrestore(&tdx_emul_module.lock, flags);
	return 0;
}
late_initcall(tdx_emul_cmrs_init);

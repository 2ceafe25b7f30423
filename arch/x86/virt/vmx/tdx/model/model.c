// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated TDX platform: a model of the TDX module beneath the SEAMCALL
 * instruction, to test TDX host support where there is no TDX hardware.
 *
 * On a CPU without TDX the SEAMCALL instruction raises #UD, and the #UD
 * handler runs the die notifiers before the exception table's fixup. The
 * model answers there: it reads the leaf and the inputs from the trapped
 * registers, writes the outputs and the status back as the module would,
 * sets CF for VMfailInvalid and resumes after the instruction. The
 * kernel's SEAMCALL assembly, its fixup and its error mapping run as on
 * hardware, and the kernel's TDX code contains nothing for the model. A
 * SEAMCALL on a CPU that is not in (emulated) VMX operation is declined and
 * takes the real #UD path, as on hardware.
 *
 * The model is written from the ABI (abi.h), not from the kernel's TDX
 * code: it includes none of its headers and calls none of its functions.
 * The platform is described as firmware describes it: logical processors
 * from the MADT, packages from the APIC ids, convertible memory from the
 * firmware's memory map (or the tdx_emulate_cmrs= boot option), and the
 * CMR count reported the way TDX module 1.5 does, with empty tail entries.
 * The module is lost when the platform really enters S3 (seen at the ACPI
 * sleep entry): from then on every SEAMCALL gets VMfailInvalid. Like the
 * module's, the model's state lives in memory the firmware reserved
 * (SEAMRR, tdx_emulate_seamrr=): it outlives kexec and kdump, TDH.SYS.DISABLE
 * resets it, and it is not part of a hibernation image: a kernel restored
 * from one by another boot finds the fresh module that boot's firmware
 * loaded.
 *
 * The one place where nothing traps is the read of the KeyID partitioning
 * MSR, whose #GP is fixed up before any notifier runs: there the kernel
 * asks tdx_test_platform_keyid_partitioning() first.
 *
 * Any SEAMCALL can be failed through the fault injection framework:
 * /sys/kernel/debug/tdx_emul/fail_seamcall/ says when, fail_seamcall_leaf
 * which leaf (all ones: any) and fail_seamcall_status with what status.
 *
 * It isolates nothing: never use it outside tests.
 */

#include <linux/acpi.h>
#include <linux/cpu.h>
#include <linux/crash_dump.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kdebug.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/sizes.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/syscore_ops.h>
#include <linux/uaccess.h>
#include <asm/e820/api.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/tdx.h>
#include <asm/trapnr.h>
#include "model.h"

#undef pr_fmt
#define pr_fmt(fmt) "tdx_emul: " fmt

/* Boot options, written once while parsing the command line. */
static bool tdx_emul_enabled __ro_after_init;
static u64 tdx_emul_msr __ro_after_init = 32ULL << 32 | 31;
static struct tdxm_cmr tdx_emul_boot_cmrs[TDXM_MAX_CMRS] __initdata;
static unsigned int tdx_emul_nr_boot_cmrs __initdata;
static unsigned int tdx_emul_boot_num_cmrs __initdata = TDXM_MAX_CMRS;

/* The platform's model, and the one SEAMCALLs reach (tests swap it). */
static struct tdx_emul tdx_emul_module;
static struct tdx_emul *tdx_emul_active;

/*
 * Hibernation saves all of the kernel's memory except the nosave section,
 * and another boot restores it after the platform was powered off. The
 * TDX module's memory is not the kernel's: what the restored kernel finds
 * is the module that boot's firmware loaded, freshly. The model's state is
 * kernel memory and would come back with the image. Two marks, both set
 * to this boot's id by every syscore suspend, tell a restore from a resume
 * within the same boot: one is in the image, the other in the nosave
 * section, which a restore leaves as the restoring boot had it (that boot
 * runs a syscore suspend of its own before it jumps into the image, and
 * writes its id there). The model's syscore ops are registered before any
 * that can veto a sleep (arch_initcall), so its suspend runs last: a vetoed
 * or tested (pm_test) snapshot never looks restored. The nosave mark is in
 * the kernel image, so the restoring boot must load the kernel where the
 * image's was (the s4 test boot uses nokaslr). Written with IRQs off on
 * the last online CPU, and read under tdx_emul_module.lock.
 */
static u64 tdx_emul_boot_id __ro_after_init;
static u64 tdx_emul_snapshot;
static u64 tdx_emul_snapshot_nosave __nosavedata;

/* CPUs in VMX operation, as far as the platform is concerned. */
static cpumask_t tdx_emul_vmx;

/* The module's states as tdx_emul/state and the boot lines name them. */
static const char * const tdx_emul_state_names[] = {
	[TDX_EMUL_NONE] = "none",
	[TDX_EMUL_SYSINIT_DONE] = "sysinit",
	[TDX_EMUL_SYSCONFIG_DONE] = "sysconfig",
	[TDX_EMUL_READY] = "ready",
};

/*
 * The module's own memory. A TDX module lives in SEAMRR, memory the BIOS
 * keeps from the OS, and its state stays there across kexec and kdump;
 * only a platform reset (reboot, power off, S3, hibernation) brings a
 * freshly loaded module. Booted with tdx_emulate_seamrr=<address> (and
 * memmap=64K$<address>, which reserves the range in the memory map and
 * keeps KASLR and kexec's loader away from it), the platform's model keeps
 * its state there: read at every SEAMCALL, written back after it, under
 * tdx_emul_module.lock. Without it, the state is kernel memory that
 * another kernel does not find. What a module keeps is its state, not the
 * platform's description, which every boot reads from the firmware again.
 */
#define TDX_EMUL_SEAMRR_SIZE	SZ_64K
#define TDX_EMUL_SEAMRR_MAGIC	0x322d52524d414553ULL	/* "SEAMRR-2" */
#define TDX_EMUL_PAMT_MAGIC	0x544d4150554d4554ULL	/* "TEMUPAMT" */

struct tdx_emul_seamrr {
	u64 magic;
	u64 size;		/* of this struct: another layout is not read */
	enum tdx_emul_state state;
	bool lost;
	bool sys_disable;
	bool disabling;
	unsigned int nr_tdmrs;
	u64 pamt_bytes;
	struct tdx_emul_tdmr tdmrs[TDXM_MAX_TDMRS];
	DECLARE_BITMAP(lp_init_done, TDX_EMUL_MAX_LPS);
	DECLARE_BITMAP(pkgs_configured, TDX_EMUL_MAX_LPS);
};

static_assert(sizeof(struct tdx_emul_seamrr) <= TDX_EMUL_SEAMRR_SIZE);

static u64 tdx_emul_seamrr_pa __initdata;
static bool tdx_emul_sys_disable_opt __initdata = true;
static struct tdx_emul_seamrr *tdx_emul_seamrr;

/* Only the platform's model has a SEAMRR; called with @m->lock held. */
static void tdx_emul_seamrr_load(struct tdx_emul *m)
{
	const struct tdx_emul_seamrr *s = tdx_emul_seamrr;

	if (!s || m != &tdx_emul_module)
		return;
	m->state = s->state;
	m->lost = s->lost;
	m->sys_disable = s->sys_disable;
	m->disabling = s->disabling;
	m->nr_tdmrs = s->nr_tdmrs;
	m->pamt_bytes = s->pamt_bytes;
	memcpy(m->tdmrs, s->tdmrs, sizeof(m->tdmrs));
	bitmap_copy(m->lp_init_done, s->lp_init_done, TDX_EMUL_MAX_LPS);
	bitmap_copy(m->pkgs_configured, s->pkgs_configured, TDX_EMUL_MAX_LPS);
}

static void tdx_emul_seamrr_store(const struct tdx_emul *m)
{
	struct tdx_emul_seamrr *s = tdx_emul_seamrr;

	if (!s || m != &tdx_emul_module)
		return;
	s->state = m->state;
	s->lost = m->lost;
	s->sys_disable = m->sys_disable;
	s->disabling = m->disabling;
	s->nr_tdmrs = m->nr_tdmrs;
	s->pamt_bytes = m->pamt_bytes;
	memcpy(s->tdmrs, m->tdmrs, sizeof(s->tdmrs));
	bitmap_copy(s->lp_init_done, m->lp_init_done, TDX_EMUL_MAX_LPS);
	bitmap_copy(s->pkgs_configured, m->pkgs_configured, TDX_EMUL_MAX_LPS);
	s->size = sizeof(*s);
	s->magic = TDX_EMUL_SEAMRR_MAGIC;
}

/* tdx_emulate or tdx_emulate=<MKTME KeyIDs>,<TDX KeyIDs> */
static int __init tdx_emulate_setup(char *arg)
{
	char buf[32], *tdx;
	u32 nr_mktme, nr_tdx;

	if (arg) {
		if (strscpy(buf, arg, sizeof(buf)) < 0)
			goto bad;
		tdx = strchr(buf, ',');
		if (!tdx)
			goto bad;
		*tdx++ = '\0';
		if (kstrtou32(buf, 0, &nr_mktme) || kstrtou32(tdx, 0, &nr_tdx))
			goto bad;
		tdx_emul_msr = (u64)nr_tdx << 32 | nr_mktme;
	}
	tdx_emul_enabled = true;
	return 0;
bad:
	pr_err("tdx_emulate=%s: expected <MKTME KeyIDs>,<TDX KeyIDs> (numbers); TDX not emulated\n",
	       arg);
	return -EINVAL;
}
early_param("tdx_emulate", tdx_emulate_setup);

/* tdx_emulate_cmrs=<start>-<end>[,<start>-<end>...]: the BIOS's CMRs */
static int __init tdx_emulate_cmrs_setup(char *arg)
{
	char *p, *range, *end;
	u64 s, e;

	tdx_emul_nr_boot_cmrs = 0;
	while (arg && (range = strsep(&arg, ","))) {
		end = strchr(range, '-');
		if (!end || tdx_emul_nr_boot_cmrs == TDXM_MAX_CMRS)
			goto bad;
		*end++ = '\0';
		p = range;
		if (kstrtou64(p, 0, &s) || kstrtou64(end, 0, &e) || s >= e ||
		    !IS_ALIGNED(s | e, SZ_4K))
			goto bad;
		tdx_emul_boot_cmrs[tdx_emul_nr_boot_cmrs].base = s;
		tdx_emul_boot_cmrs[tdx_emul_nr_boot_cmrs].size = e - s;
		tdx_emul_nr_boot_cmrs++;
	}
	return 0;
bad:
	pr_err("tdx_emulate_cmrs: expected up to %u 4 KiB aligned <start>-<end> ranges; the firmware memory map is used instead\n",
	       TDXM_MAX_CMRS);
	tdx_emul_nr_boot_cmrs = 0;
	return -EINVAL;
}
early_param("tdx_emulate_cmrs", tdx_emulate_cmrs_setup);

/* tdx_emulate_seamrr=<address>: the module's memory, see tdx_emul_seamrr */
static int __init tdx_emulate_seamrr_setup(char *arg)
{
	u64 pa;

	if (!arg || kstrtou64(arg, 0, &pa) || !pa || !IS_ALIGNED(pa, SZ_64K)) {
		pr_err("tdx_emulate_seamrr: expected a 64 KiB aligned address; the module's state is kernel memory\n");
		return -EINVAL;
	}
	tdx_emul_seamrr_pa = pa;
	return 0;
}
early_param("tdx_emulate_seamrr", tdx_emulate_seamrr_setup);

/* tdx_emulate_sys_disable=<bool>: a module with TDH.SYS.DISABLE (default) */
static int __init tdx_emulate_sys_disable_setup(char *arg)
{
	if (!arg || kstrtobool(arg, &tdx_emul_sys_disable_opt)) {
		pr_err("tdx_emulate_sys_disable: expected 0 or 1\n");
		return -EINVAL;
	}
	return 0;
}
early_param("tdx_emulate_sys_disable", tdx_emulate_sys_disable_setup);

/* tdx_emulate_num_cmrs=<n>: what NUM_CMRS reports (32: the tail empty) */
static int __init tdx_emulate_num_cmrs_setup(char *arg)
{
	unsigned int n;

	if (!arg || kstrtouint(arg, 0, &n) || !n || n > TDXM_MAX_CMRS) {
		pr_err("tdx_emulate_num_cmrs: expected 1 to %u\n", TDXM_MAX_CMRS);
		return -EINVAL;
	}
	tdx_emul_boot_num_cmrs = n;
	return 0;
}
early_param("tdx_emulate_num_cmrs", tdx_emulate_num_cmrs_setup);

/**
 * tdx_test_platform_keyid_partitioning() - The emulated KeyID partitioning
 * @msr:	set to the emulated IA32_MKTME_KEYID_PARTITIONING
 *
 * The one seam of the emulated platform: the MSR's #GP is fixed up before
 * any notifier could answer it. Also taints the kernel (TAINT_TEST) and
 * says loudly that TDX is emulated.
 *
 * Context: Early boot, from tdx_init().
 * Return: true if the platform is emulated (booted with ``tdx_emulate``).
 */
bool __init tdx_test_platform_keyid_partitioning(u64 *msr)
{
	if (!tdx_emul_enabled)
		return false;
	pr_warn("**********************************************************\n");
	pr_warn("**  EMULATED TDX PLATFORM (tdx_emulate): FOR TESTS ONLY  **\n");
	pr_warn("**  There is no TDX module and no isolation of any kind. **\n");
	pr_warn("**********************************************************\n");
	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	*msr = tdx_emul_msr;
	return true;
}

/**
 * tdx_emul_model_init() - Reset a model to a freshly loaded TDX module
 * @m:		the model
 *
 * The platform has no LP, no package and no CMR yet; TDX KeyIDs [32, 64)
 * and 52 address bits; NUM_CMRS reports the maximum, the tail empty; the
 * module has TDH.SYS.DISABLE. Fault
 * injection starts disabled, with any leaf and TDX_OPERAND_INVALID.
 *
 * Context: Process context; the model is not active.
 */
void tdx_emul_model_init(struct tdx_emul *m)
{
	memset(m, 0, sizeof(*m));
	raw_spin_lock_init(&m->lock);
	m->state = TDX_EMUL_NONE;
	m->keyid_start = 32;
	m->keyid_nr = 32;
	m->max_pa = 1ULL << 52;
	m->num_cmrs_reported = TDXM_MAX_CMRS;
	m->sys_disable = true;
	m->no_rbp_mod = true;
	m->fail = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	m->fail_leaf = U64_MAX;
	m->fail_status = TDXM_OPERAND_INVALID;
}

/**
 * tdx_emul_power_cycle() - The platform lost power: a fresh module is loaded
 * @m:		the model
 *
 * Description: What the firmware of the next boot gives: the module in
 * its state before TDH.SYS.INIT, no LP initialized, no package's key
 * configured, no TDMR. The platform (its LPs, packages, KeyIDs and CMRs)
 * and the fault injection settings stay.
 *
 * Context: @m->lock held, or the model not active.
 */
void tdx_emul_power_cycle(struct tdx_emul *m)
{
	m->state = TDX_EMUL_NONE;
	m->lost = false;
	bitmap_zero(m->lp_init_done, TDX_EMUL_MAX_LPS);
	bitmap_zero(m->pkgs_configured, TDX_EMUL_MAX_LPS);
	m->nr_tdmrs = 0;
	memset(m->tdmrs, 0, sizeof(m->tdmrs));
	m->pamt_bytes = 0;
	m->disabling = false;
	tdx_emul_td_reset(m);
}

/**
 * tdx_emul_add_lp() - Add a logical processor to a model's platform
 * @m:		the model
 * @apic_id:	its APIC id
 * @pkg_id:	its physical package id
 *
 * Context: Process context; the model is not active.
 * Return: 0, or -ENOSPC if the model has no room.
 */
int tdx_emul_add_lp(struct tdx_emul *m, u32 apic_id, u32 pkg_id)
{
	unsigned int p;

	if (m->nr_lps == TDX_EMUL_MAX_LPS)
		return -ENOSPC;
	for (p = 0; p < m->nr_pkgs; p++) {
		if (m->pkg_id[p] == pkg_id)
			break;
	}
	if (p == m->nr_pkgs)
		m->pkg_id[m->nr_pkgs++] = pkg_id;
	m->lp_apic[m->nr_lps] = apic_id;
	m->lp_pkg[m->nr_lps] = p;
	m->nr_lps++;
	return 0;
}

/**
 * tdx_emul_add_cmr() - Add a convertible memory range to a model's platform
 * @m:		the model
 * @start:	first byte, 4 KiB aligned, above the last CMR
 * @end:	end (exclusive), 4 KiB aligned
 *
 * Context: Process context; the model is not active.
 * Return: 0, -EINVAL for a range out of order or unaligned, -ENOSPC after
 * 32 CMRs.
 */
int tdx_emul_add_cmr(struct tdx_emul *m, u64 start, u64 end)
{
	if (start >= end || !IS_ALIGNED(start | end, SZ_4K) ||
	    (m->nr_cmrs && start < m->cmrs[m->nr_cmrs - 1].base +
	     m->cmrs[m->nr_cmrs - 1].size))
		return -EINVAL;
	if (m->nr_cmrs == TDXM_MAX_CMRS)
		return -ENOSPC;
	m->cmrs[m->nr_cmrs].base = start;
	m->cmrs[m->nr_cmrs].size = end - start;
	m->nr_cmrs++;
	return 0;
}

static bool tdx_emul_is_dram(enum tdx_emul_mem_type type)
{
	return type == TDX_EMUL_MEM_RAM || type == TDX_EMUL_MEM_FW;
}

/**
 * tdx_emul_cmrs_from_map() - CMRs from a firmware memory map, as a BIOS does
 * @m:		the model
 * @map:	the firmware's memory map, sorted, not overlapping
 * @nr:		its entries
 *
 * Description: A BIOS makes each stretch of DRAM one CMR: a run of
 * contiguous entries that holds usable RAM becomes one CMR from its first
 * to its last DRAM entry (RAM, ACPI, NVS), taking in the reserved entries
 * between them (firmware-reserved DRAM). Reserved entries at the edges of
 * a run may be MMIO and stay out. The first 1 MiB is never convertible.
 *
 * Context: Process context; the model is not active.
 * Return: 0, or the error of tdx_emul_add_cmr().
 */
int tdx_emul_cmrs_from_map(struct tdx_emul *m, const struct tdx_emul_mem_range *map,
			   unsigned int nr)
{
	unsigned int i = 0, j;
	int ret;

	while (i < nr) {
		int first = -1, last = -1;
		bool ram = false;

		for (j = i; j < nr && map[j].type != TDX_EMUL_MEM_OTHER &&
		     (j == i || map[j].start == map[j - 1].end); j++) {
			if (!tdx_emul_is_dram(map[j].type))
				continue;
			if (first < 0)
				first = j;
			last = j;
			ram |= map[j].type == TDX_EMUL_MEM_RAM;
		}
		if (ram) {
			u64 s = ALIGN(max_t(u64, map[first].start, SZ_1M), SZ_4K);
			u64 e = ALIGN_DOWN(map[last].end, SZ_4K);

			if (s < e) {
				ret = tdx_emul_add_cmr(m, s, e);
				if (ret)
					return ret;
			}
		}
		i = j > i ? j : i + 1;
	}
	return 0;
}

/**
 * tdx_emul_cmrs_cover() - Is a range convertible memory?
 * @m:		the model
 * @start:	first byte
 * @end:	end (exclusive)
 *
 * Adjacent CMRs count as one, as TDH.SYS.CONFIG counts them.
 *
 * Context: Any context.
 * Return: true if the CMRs cover all of [@start, @end).
 */
bool tdx_emul_cmrs_cover(const struct tdx_emul *m, u64 start, u64 end)
{
	unsigned int i;
	u64 pos = start;

	for (i = 0; i < m->nr_cmrs && pos < end; i++) {
		u64 b = m->cmrs[i].base, e = b + m->cmrs[i].size;

		if (b <= pos && e > pos)
			pos = e;
	}
	return pos >= end;
}

/* Leaves of the TDX module 1.5 ABI (host side). */
static bool tdx_emul_leaf_exists(u64 leaf)
{
	return leaf <= 45 || leaf == 48 || leaf == 49 || leaf == 52 ||
	       leaf == 53 || leaf == 61 || (leaf >= 64 && leaf <= 96);
}

/* Leaves the module accepts before it is ready. */
static bool tdx_emul_leaf_before_ready(u64 leaf)
{
	switch (leaf) {
	case TDXM_SYS_INFO:
	case TDXM_SYS_RD:
	case TDXM_SYS_RDALL:
	case TDXM_SYS_INIT:
	case TDXM_SYS_LP_INIT:
	case TDXM_SYS_CONFIG:
	case TDXM_SYS_KEY_CONFIG:
	case TDXM_SYS_LP_SHUTDOWN:
	case TDXM_SYS_UPDATE:
	case TDXM_SYS_DISABLE:
		return true;
	default:
		return false;
	}
}

/* Leaves that take the module's global lock exclusively. */
static bool tdx_emul_leaf_exclusive(u64 leaf)
{
	return leaf == TDXM_SYS_INIT || leaf == TDXM_SYS_CONFIG ||
	       leaf == TDXM_SYS_KEY_CONFIG || leaf == TDXM_SYS_DISABLE;
}

/* The emulated module: version 1.5.0, with NO_RBP_MOD. In SYS.RD order. */
static const u64 tdx_emul_fields[] = {
	TDXM_MD_NUM_PKGS, TDXM_MD_PKG_FMS, TDXM_MD_VENDOR_ID, TDXM_MD_BUILD_DATE,
	TDXM_MD_BUILD_NUM, TDXM_MD_MINOR_VERSION, TDXM_MD_MAJOR_VERSION,
	TDXM_MD_UPDATE_VERSION, TDXM_MD_INTERNAL_VERSION, TDXM_MD_SYS_ATTRIBUTES,
	TDXM_MD_NUM_TDX_FEATURES, TDXM_MD_TDX_FEATURES0, TDXM_MD_NUM_CMRS,
	TDXM_MD_MAX_TDMRS, TDXM_MD_MAX_RESERVED_PER_TDMR,
	TDXM_MD_PAMT_4K_ENTRY_SIZE, TDXM_MD_PAMT_2M_ENTRY_SIZE,
	TDXM_MD_PAMT_1G_ENTRY_SIZE, TDXM_MD_TDR_BASE_SIZE, TDXM_MD_TDCS_BASE_SIZE,
	TDXM_MD_TDVPS_BASE_SIZE, TDXM_MD_ATTRIBUTES_FIXED0, TDXM_MD_ATTRIBUTES_FIXED1,
	TDXM_MD_XFAM_FIXED0, TDXM_MD_XFAM_FIXED1, TDXM_MD_NUM_CPUID_CONFIG,
	TDXM_MD_MAX_VCPUS_PER_TD,
};

static u64 tdx_emul_field_value(const struct tdx_emul *m, u64 id)
{
	switch (id) {
	case TDXM_MD_NUM_PKGS:
		return m->nr_pkgs;
	case TDXM_MD_PKG_FMS:
		return m->pkg_fms;
	case TDXM_MD_VENDOR_ID:
		return 0x8086;
	case TDXM_MD_BUILD_DATE:
		return 20250101;
	case TDXM_MD_MINOR_VERSION:
		return 5;
	case TDXM_MD_MAJOR_VERSION:
		return 1;
	case TDXM_MD_NUM_TDX_FEATURES:
		return 1;
	case TDXM_MD_TDX_FEATURES0:
		return (m->no_rbp_mod ? TDXM_FEATURES0_NO_RBP_MOD : 0) |
		       (m->sys_disable ? TDXM_FEATURES0_SYS_DISABLE : 0);
	/* A 1.5 module: a one-page TD root, 6 TDCS and 6 TDVPS pages. */
	case TDXM_MD_TDR_BASE_SIZE:
		return SZ_4K;
	case TDXM_MD_TDCS_BASE_SIZE:
	case TDXM_MD_TDVPS_BASE_SIZE:
		return TDXM_MIN_TDCS_PAGES * SZ_4K;
	case TDXM_MD_ATTRIBUTES_FIXED0:
	case TDXM_MD_XFAM_FIXED0:
		return U64_MAX;
	case TDXM_MD_NUM_CPUID_CONFIG:
		return 0;
	case TDXM_MD_MAX_VCPUS_PER_TD:
		return 576;
	case TDXM_MD_NUM_CMRS:
		return max(m->nr_cmrs, m->num_cmrs_reported);
	case TDXM_MD_MAX_TDMRS:
		return TDXM_MAX_TDMRS;
	case TDXM_MD_MAX_RESERVED_PER_TDMR:
		return TDXM_MAX_RESERVED;
	case TDXM_MD_PAMT_4K_ENTRY_SIZE:
	case TDXM_MD_PAMT_2M_ENTRY_SIZE:
	case TDXM_MD_PAMT_1G_ENTRY_SIZE:
		return TDXM_PAMT_ENTRY_SIZE;
	default:
		return 0;
	}
}

static u64 tdx_emul_sys_init(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	/* RCX holds attributes, all of them reserved. */
	if (r->rcx)
		return TDXM_OPERAND_INVALID | TDXM_OP_RCX;
	if (m->state != TDX_EMUL_NONE)
		return TDXM_SYS_INIT_NOT_PENDING;
	m->state = TDX_EMUL_SYSINIT_DONE;
	return TDXM_SUCCESS;
}

/*
 * The PAMT lines the module writes through the global KeyID: TDX private
 * memory. The platform's module marks the first 8 bytes of each 64-byte
 * line of a TDMR's PAMTs when it initializes the TDMR (its first
 * TDH.SYS.TDMR.INIT), and clears them when TDH.SYS.DISABLE resets all it
 * was given; a line still marked after that is memory the module left
 * private. The modules of KUnit tests write nothing: their PAMTs need not
 * be memory.
 */
static u64 tdx_emul_pamt_mark(u64 pa)
{
	return TDX_EMUL_PAMT_MAGIC ^ pa;
}

/* Mark (or clear) the PAMT lines of the entries for [start, end) of a TDMR. */
static void tdx_emul_pamt_write(const struct tdx_emul *m, const struct tdx_emul_tdmr *tdmr,
				u64 start, u64 end, bool mark)
{
	static const unsigned int page_shift[3] = { 12, 21, 30 };
	unsigned int l;
	u64 pa, last;

	if (m != &tdx_emul_module)
		return;
	for (l = 0; l < 3; l++) {
		pa = tdmr->pamt_base[l] +
		     ((start - tdmr->base) >> page_shift[l]) * TDXM_PAMT_ENTRY_SIZE;
		last = tdmr->pamt_base[l] +
		       DIV_ROUND_UP_ULL(end - tdmr->base, 1ULL << page_shift[l]) *
		       TDXM_PAMT_ENTRY_SIZE;
		last = min(ALIGN(last, 64), tdmr->pamt_base[l] + tdmr->pamt_size[l]);
		for (pa = ALIGN_DOWN(pa, 64); pa < last; pa += 64)
			*(u64 *)__va(pa) = mark ? tdx_emul_pamt_mark(pa) : 0;
	}
}

/*
 * TDH.SYS.DISABLE: the module drops every TD and everything it was given
 * and goes back to its state before TDH.SYS.INIT. It takes a while: the
 * first call is interrupted (TDX_INTERRUPTED_RESUMABLE), the next one
 * completes. Modules without it answer TDX_OPERAND_INVALID.
 */
static u64 tdx_emul_sys_disable(struct tdx_emul *m)
{
	unsigned int i;

	if (!m->sys_disable)
		return TDXM_OPERAND_INVALID | TDXM_OP_RAX;
	if (!m->disabling) {
		m->disabling = true;
		return TDXM_INTERRUPTED_RESUMABLE;
	}
	for (i = 0; i < m->nr_tdmrs; i++)
		tdx_emul_pamt_write(m, &m->tdmrs[i], m->tdmrs[i].base, m->tdmrs[i].end, false);
	tdx_emul_power_cycle(m);
	return TDXM_SUCCESS;
}

static u64 tdx_emul_lp_init(struct tdx_emul *m, unsigned int lp)
{
	/* Accepted only between TDH.SYS.INIT and TDH.SYS.CONFIG. */
	if (m->state != TDX_EMUL_SYSINIT_DONE)
		return TDXM_SYS_LP_INIT_NOT_PENDING;
	if (test_and_set_bit(lp, m->lp_init_done))
		return TDXM_SYS_LP_INIT_DONE;
	return TDXM_SUCCESS;
}

static u64 tdx_emul_sys_rd(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	unsigned int nr_cmrs = tdx_emul_field_value(m, TDXM_MD_NUM_CMRS);
	unsigned int size_code, i;
	u64 id = r->rdx;

	/* CMR_BASE[i] and CMR_SIZE[i]; entries past the real CMRs are empty. */
	if (id >= TDXM_MD_CMR_BASE0 && id < TDXM_MD_CMR_BASE0 + nr_cmrs) {
		i = id - TDXM_MD_CMR_BASE0;
		r->r8 = i < m->nr_cmrs ? m->cmrs[i].base : 0;
		r->rdx = TDXM_MD_CMR_SIZE0 + i;
		return TDXM_SUCCESS;
	}
	if (id >= TDXM_MD_CMR_SIZE0 && id < TDXM_MD_CMR_SIZE0 + nr_cmrs) {
		i = id - TDXM_MD_CMR_SIZE0;
		r->r8 = i < m->nr_cmrs ? m->cmrs[i].size : 0;
		r->rdx = i + 1 < nr_cmrs ? TDXM_MD_CMR_BASE0 + i + 1 : U64_MAX;
		return TDXM_SUCCESS;
	}

	for (i = 0; i < ARRAY_SIZE(tdx_emul_fields); i++) {
		if (tdx_emul_fields[i] == id)
			break;
	}
	if (i == ARRAY_SIZE(tdx_emul_fields))
		return TDXM_METADATA_FIELD_NOT_READABLE;

	size_code = TDXM_MD_SIZE_CODE(id);
	r->r8 = tdx_emul_field_value(m, id);
	if (size_code < 3)
		r->r8 &= GENMASK_ULL((8 << size_code) - 1, 0);
	r->rdx = i + 1 < ARRAY_SIZE(tdx_emul_fields) ? tdx_emul_fields[i + 1] : U64_MAX;
	return TDXM_SUCCESS;
}

/* Does [@start, @end) overlap a part of @tdmr that is not reserved? */
static bool tdx_emul_hits_usable(const struct tdxm_tdmr_info *tdmr, u64 start, u64 end)
{
	u64 pos = max(start, tdmr->base);
	unsigned int k;

	end = min(end, tdmr->base + tdmr->size);
	for (k = 0; k < TDXM_MAX_RESERVED && pos < end; k++) {
		const struct tdxm_reserved *ra = &tdmr->reserved[k];
		u64 rs = tdmr->base + ra->offset;

		if (!ra->size || rs > pos)
			break;
		pos = max(pos, rs + ra->size);
	}
	return pos < end;
}

/* Is every part of @tdmr that is not reserved convertible memory? */
static bool tdx_emul_tdmr_in_cmrs(const struct tdx_emul *m,
				  const struct tdxm_tdmr_info *tdmr)
{
	u64 pos = tdmr->base, end = tdmr->base + tdmr->size;
	unsigned int k;

	for (k = 0; k < TDXM_MAX_RESERVED; k++) {
		const struct tdxm_reserved *ra = &tdmr->reserved[k];

		if (!ra->size)
			break;
		if (tdmr->base + ra->offset > pos &&
		    !tdx_emul_cmrs_cover(m, pos, tdmr->base + ra->offset))
			return false;
		pos = tdmr->base + ra->offset + ra->size;
	}
	return pos >= end || tdx_emul_cmrs_cover(m, pos, end);
}

static u64 tdx_emul_check_reserved(const struct tdxm_tdmr_info *tdmr, unsigned int i)
{
	bool null_seen = false;
	u64 prev_end = 0;
	unsigned int k;

	for (k = 0; k < TDXM_MAX_RESERVED; k++) {
		const struct tdxm_reserved *ra = &tdmr->reserved[k];

		if (!ra->size) {
			null_seen = true;
			continue;
		}
		if (null_seen || (k && ra->offset < prev_end))
			return TDXM_NON_ORDERED_RESERVED_IN_TDMR | i;
		if (!IS_ALIGNED(ra->offset | ra->size, SZ_4K) ||
		    ra->offset + ra->size > tdmr->size ||
		    ra->offset + ra->size < ra->offset)
			return TDXM_INVALID_RESERVED_IN_TDMR | i;
		prev_end = ra->offset + ra->size;
	}
	return TDXM_SUCCESS;
}

/* The three PAMTs of a TDMR and the page size each describes. */
static void tdx_emul_pamts(const struct tdxm_tdmr_info *tdmr, u64 base[3], u64 size[3])
{
	base[0] = tdmr->pamt_4k_base;
	size[0] = tdmr->pamt_4k_size;
	base[1] = tdmr->pamt_2m_base;
	size[1] = tdmr->pamt_2m_size;
	base[2] = tdmr->pamt_1g_base;
	size[2] = tdmr->pamt_1g_size;
}

static const unsigned int tdx_emul_pamt_shift[3] = { 12, 21, 30 };

static u64 tdx_emul_check_pamts(const struct tdx_emul *m,
				const struct tdxm_tdmr_info *tdmr, unsigned int i)
{
	u64 base[3], size[3];
	unsigned int l;

	tdx_emul_pamts(tdmr, base, size);
	for (l = 0; l < 3; l++) {
		u64 need = (tdmr->size >> tdx_emul_pamt_shift[l]) * TDXM_PAMT_ENTRY_SIZE;

		if (!IS_ALIGNED(base[l] | size[l], SZ_4K) ||
		    base[l] + size[l] < base[l] || base[l] + size[l] > m->max_pa ||
		    size[l] < need)
			return TDXM_INVALID_PAMT | i;
		if (!tdx_emul_cmrs_cover(m, base[l], base[l] + size[l]))
			return TDXM_PAMT_OUTSIDE_CMRS | i;
	}
	return TDXM_SUCCESS;
}

/* PAMTs overlap neither each other nor the usable part of any TDMR. */
static u64 tdx_emul_check_overlaps(const u64 *tdmr_pa, unsigned int nr)
{
	unsigned int i, j, l, k;

	for (i = 0; i < nr; i++) {
		u64 base[3], size[3];

		tdx_emul_pamts(__va(tdmr_pa[i]), base, size);
		for (l = 0; l < 3; l++) {
			u64 s = base[l], e = base[l] + size[l];

			for (j = 0; j < nr; j++) {
				const struct tdxm_tdmr_info *other = __va(tdmr_pa[j]);
				u64 ob[3], os[3];

				if (tdx_emul_hits_usable(other, s, e))
					return TDXM_PAMT_OVERLAP | i;
				tdx_emul_pamts(other, ob, os);
				for (k = 0; k < 3; k++) {
					if ((j == i && k == l) || !os[k] || !size[l])
						continue;
					if (s < ob[k] + os[k] && ob[k] < e)
						return TDXM_PAMT_OVERLAP | i;
				}
			}
		}
	}
	return TDXM_SUCCESS;
}

/**
 * tdx_emul_check_tdmrs() - Validate TDMRs as TDH.SYS.CONFIG does
 * @m:		the model (its CMRs and address width)
 * @tdmr_pa:	physical addresses of the TDMR_INFO entries
 * @nr:		number of entries
 *
 * TDMRs 1 GiB aligned, non-empty, below the address limit, sorted and not
 * overlapping; reserved areas sorted, not overlapping, null ones only at
 * the end, 4 KiB aligned and inside their TDMR; everything not reserved
 * inside the CMRs; PAMTs 4 KiB aligned, large enough for their level,
 * inside the CMRs, overlapping neither each other nor anything of a TDMR
 * that is not reserved. Bits 7:0 of an error name the offending TDMR.
 *
 * Context: Any context.
 * Return: TDX_SUCCESS or the TDX module's error status.
 */
u64 tdx_emul_check_tdmrs(const struct tdx_emul *m, const u64 *tdmr_pa, unsigned int nr)
{
	u64 prev_end = 0, ret;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		const struct tdxm_tdmr_info *tdmr;

		if (!IS_ALIGNED(tdmr_pa[i], TDXM_TDMR_INFO_ALIGN))
			return TDXM_OPERAND_INVALID | TDXM_OP_RCX;
		tdmr = __va(tdmr_pa[i]);
		if (!tdmr->size || !IS_ALIGNED(tdmr->base | tdmr->size, TDXM_TDMR_ALIGN) ||
		    tdmr->base + tdmr->size < tdmr->base ||
		    tdmr->base + tdmr->size > m->max_pa)
			return TDXM_INVALID_TDMR | i;
		if (i && tdmr->base < prev_end)
			return TDXM_NON_ORDERED_TDMR | i;
		prev_end = tdmr->base + tdmr->size;

		ret = tdx_emul_check_reserved(tdmr, i);
		if (ret)
			return ret;
		if (!tdx_emul_tdmr_in_cmrs(m, tdmr))
			return TDXM_TDMR_OUTSIDE_CMRS | i;
		ret = tdx_emul_check_pamts(m, tdmr, i);
		if (ret)
			return ret;
	}
	return tdx_emul_check_overlaps(tdmr_pa, nr);
}

static u64 tdx_emul_config(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	const u64 *tdmr_pa;
	unsigned int i, l;
	u64 ret;

	/* Every LP of the platform must have done LP.INIT. */
	if (m->state != TDX_EMUL_SYSINIT_DONE ||
	    bitmap_weight(m->lp_init_done, TDX_EMUL_MAX_LPS) != m->nr_lps)
		return TDXM_SYS_CONFIG_NOT_PENDING;
	if (!IS_ALIGNED(r->rcx, TDXM_TDMR_INFO_ALIGN) || r->rcx >= m->max_pa)
		return TDXM_OPERAND_INVALID | TDXM_OP_RCX;
	if (!r->rdx || r->rdx > TDXM_MAX_TDMRS)
		return TDXM_OPERAND_INVALID | TDXM_OP_RDX;
	/* The global KeyID: one of the platform's TDX private KeyIDs. */
	if (r->r8 < m->keyid_start || r->r8 >= (u64)m->keyid_start + m->keyid_nr)
		return TDXM_OPERAND_INVALID | TDXM_OP_R8;

	tdmr_pa = __va(r->rcx);
	ret = tdx_emul_check_tdmrs(m, tdmr_pa, r->rdx);
	if (ret)
		return ret;

	m->pamt_bytes = 0;
	for (i = 0; i < r->rdx; i++) {
		const struct tdxm_tdmr_info *tdmr = __va(tdmr_pa[i]);
		u64 base[3], size[3];

		m->tdmrs[i].base = tdmr->base;
		m->tdmrs[i].end = tdmr->base + tdmr->size;
		m->tdmrs[i].next = tdmr->base;
		tdx_emul_pamts(tdmr, base, size);
		for (l = 0; l < 3; l++) {
			m->tdmrs[i].pamt_base[l] = base[l];
			m->tdmrs[i].pamt_size[l] = size[l];
			m->pamt_bytes += size[l];
		}
	}
	m->nr_tdmrs = r->rdx;
	m->global_hkid = r->r8;
	if (r->r8 < TDX_EMUL_MAX_HKIDS)
		m->hkid_state[r->r8] = TDXM_HKID_RESERVED;
	m->state = TDX_EMUL_SYSCONFIG_DONE;
	return TDXM_SUCCESS;
}

static u64 tdx_emul_key_config(struct tdx_emul *m, unsigned int lp)
{
	if (m->state < TDX_EMUL_SYSCONFIG_DONE)
		return TDXM_SYS_KEY_CONFIG_NOT_PENDING;
	if (test_and_set_bit(m->lp_pkg[lp], m->pkgs_configured))
		return TDXM_KEY_CONFIGURED;
	if (bitmap_weight(m->pkgs_configured, TDX_EMUL_MAX_LPS) == m->nr_pkgs)
		m->state = TDX_EMUL_READY;
	return TDXM_SUCCESS;
}

/*
 * TDH.SYS.TDMR.INIT initializes one chunk of a TDMR per call: the PAMT
 * entries for it. It holds the module's global lock shared, so it runs on
 * several CPUs at once, on different TDMRs: on the same TDMR a second call
 * gets TDX_OPERAND_BUSY. The model drops its own lock (@flags, taken by
 * tdx_emul_call()) while it writes the chunk's PAMT entries.
 */
static u64 tdx_emul_tdmr_init(struct tdx_emul *m, struct tdx_emul_regs *r,
			      unsigned long *flags)
	__must_hold(&m->lock)
{
	struct tdx_emul_tdmr *tdmr = NULL;
	unsigned int i;
	u64 start, end;

	for (i = 0; i < m->nr_tdmrs; i++) {
		if (m->tdmrs[i].base == r->rcx)
			tdmr = &m->tdmrs[i];
	}
	if (!tdmr)
		return TDXM_OPERAND_INVALID | TDXM_OP_RCX;
	if (tdmr->busy)
		return TDXM_OPERAND_BUSY | TDXM_OP_RCX;
	if (tdmr->next >= tdmr->end)
		return TDXM_TDMR_ALREADY_INITIALIZED;

	start = tdmr->next;
	end = min(start + TDX_EMUL_TDMR_CHUNK, tdmr->end);
	tdmr->busy = true;
	m->shared++;
	tdx_emul_seamrr_store(m);
	raw_spin_unlock_irqrestore(&m->lock, *flags);

	tdx_emul_pamt_write(m, tdmr, start, end, true);
	if (m->in_tdmr_init)
		m->in_tdmr_init(m, tdmr->base);

	raw_spin_lock_irqsave(&m->lock, *flags);
	tdx_emul_seamrr_load(m);
	m->shared--;
	tdmr->busy = false;
	tdmr->next = end;
	/* The module reports its progress in whole 1 GiB blocks. */
	r->rdx = ALIGN_DOWN(end, TDXM_TDMR_ALIGN);
	return TDXM_SUCCESS;
}

static bool tdx_emul_should_fail(struct tdx_emul *m, u64 fn)
{
	if (m->fail_leaf != U64_MAX && m->fail_leaf != fn)
		return false;
	return should_fail(&m->fail, 1);
}

/**
 * tdx_emul_call() - A SEAMCALL, as the model answers it
 * @m:		the model
 * @lp:		the calling logical processor (index of the platform's LPs)
 * @regs:	RAX (leaf and version) and the inputs; the outputs afterwards
 *
 * After the platform lost the module (S3), every SEAMCALL fails with
 * VMfailInvalid. Otherwise a SEAMCALL before TDH.SYS.LP.INIT on @lp fails,
 * except TDH.SYS.INIT, LP.INIT and TDH.SYS.DISABLE; until the module is
 * ready it accepts only the leaves that configure it, TDX_SYS_NOT_READY
 * for the others. TDH.SYS.INIT, CONFIG, KEY.CONFIG and DISABLE get
 * TDX_SYS_BUSY while another SEAMCALL holds the module. The leaves that
 * initialize and disable the module follow the ABI's rules and statuses;
 * so do the TD-scope leaves of a TD's life (td.c); the other TD leaves
 * are not modelled (TDX_OPERAND_INVALID for RAX once ready), nor are
 * numbers that are no leaf and reserved RAX bits. The platform's
 * model reads its state from its SEAMRR first and writes it back after.
 *
 * Context: Any context; takes @m->lock.
 * Return: the status (RAX out), or %TDXM_VMFAILINVALID for a
 * VMfailInvalid (the trap then leaves RAX alone and sets CF).
 */
u64 tdx_emul_call(struct tdx_emul *m, unsigned int lp, struct tdx_emul_regs *regs)
{
	u64 fn = regs->rax;
	unsigned long flags;
	u64 ret;

	if (tdx_emul_should_fail(m, fn))
		return m->fail_status;
	/* None of the leaves modelled so far has a version. */
	if (fn > U16_MAX || !tdx_emul_leaf_exists(fn))
		return TDXM_OPERAND_INVALID | TDXM_OP_RAX;

	/*
	 * TDH.SYS.INIT, CONFIG, KEY.CONFIG and DISABLE take the module's
	 * global lock exclusively: a concurrent call, or one while another
	 * leaf holds it shared, gets TDX_SYS_BUSY instead of waiting. The
	 * other leaves share it: LP.INIT and SYS.RD may run on every CPU at
	 * once, the model runs them one at a time under its own lock, and
	 * TDMR.INIT does its work outside it (see tdx_emul_tdmr_init()).
	 */
	if (tdx_emul_leaf_exclusive(fn)) {
		if (!raw_spin_trylock_irqsave(&m->lock, flags))
			return TDXM_SYS_BUSY;
		if (m->shared) {
			raw_spin_unlock_irqrestore(&m->lock, flags);
			return TDXM_SYS_BUSY;
		}
	} else {
		raw_spin_lock_irqsave(&m->lock, flags);
	}
	tdx_emul_seamrr_load(m);
	m->nr_seamcalls++;
	if (m->lost) {
		ret = TDXM_VMFAILINVALID;
		goto out;
	}
	if (lp >= m->nr_lps ||
	    (fn != TDXM_SYS_INIT && fn != TDXM_SYS_LP_INIT && fn != TDXM_SYS_DISABLE &&
	     !test_bit(lp, m->lp_init_done))) {
		ret = TDXM_SYS_LP_INIT_NOT_DONE;
		goto out;
	}
	if (m->state != TDX_EMUL_READY && !tdx_emul_leaf_before_ready(fn)) {
		ret = TDXM_SYS_NOT_READY;
		goto out;
	}

	switch (fn) {
	case TDXM_SYS_INIT:
		ret = tdx_emul_sys_init(m, regs);
		break;
	case TDXM_SYS_LP_INIT:
		ret = tdx_emul_lp_init(m, lp);
		break;
	case TDXM_SYS_RD:
		ret = tdx_emul_sys_rd(m, regs);
		break;
	case TDXM_SYS_CONFIG:
		ret = tdx_emul_config(m, regs);
		break;
	case TDXM_SYS_KEY_CONFIG:
		ret = tdx_emul_key_config(m, lp);
		break;
	case TDXM_SYS_TDMR_INIT:
		ret = tdx_emul_tdmr_init(m, regs, &flags);
		break;
	case TDXM_SYS_DISABLE:
		ret = tdx_emul_sys_disable(m);
		break;
	default:
		ret = tdx_emul_td_call(m, lp, regs);
		break;
	}
out:
	tdx_emul_seamrr_store(m);
	raw_spin_unlock_irqrestore(&m->lock, flags);
	return ret;
}

/* The APIC id of this CPU, as the CPU reports it. */
static u32 tdx_emul_apic_id(void)
{
	if (cpuid_eax(0) >= 0xb && cpuid_ebx(0xb))
		return cpuid_edx(0xb);
	return cpuid_ebx(1) >> 24;
}

/**
 * tdx_emul_this_lp() - The LP of a model's platform this CPU is
 * @m:		the model
 *
 * Context: Preemption disabled.
 * Return: the LP's index, or -1 if the platform has no LP with this CPU's
 * APIC id.
 */
int tdx_emul_this_lp(const struct tdx_emul *m)
{
	u32 apic = tdx_emul_apic_id();
	unsigned int lp;

	for (lp = 0; lp < m->nr_lps; lp++) {
		if (m->lp_apic[lp] == apic)
			return lp;
	}
	return -1;
}

/**
 * tdx_emul_vmxon() - This CPU enters VMX operation, as far as the platform knows
 *
 * Description: The CPU has no VMX: this is what VMXON would have done for
 * SEAMCALL.
 *
 * Context: Preemption disabled.
 */
void tdx_emul_vmxon(void)
{
	cpumask_set_cpu(smp_processor_id(), &tdx_emul_vmx);
}

/**
 * tdx_emul_vmxoff() - This CPU leaves VMX operation
 *
 * Context: Preemption disabled.
 */
void tdx_emul_vmxoff(void)
{
	cpumask_clear_cpu(smp_processor_id(), &tdx_emul_vmx);
}

/**
 * tdx_emul_in_vmx() - Is a CPU in (emulated) VMX operation?
 * @cpu:	the CPU
 *
 * Context: Any context.
 * Return: true if it is.
 */
bool tdx_emul_in_vmx(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &tdx_emul_vmx);
}

/**
 * tdx_emul_set_active() - Choose the model that SEAMCALLs reach
 * @m:		the model, or NULL for none (every SEAMCALL raises #UD)
 *
 * The platform's model is active from boot; a test makes its own active
 * and restores the previous one.
 *
 * Context: Process context, with no SEAMCALL in flight.
 * Return: the model that was active.
 */
struct tdx_emul *tdx_emul_set_active(struct tdx_emul *m)
{
	struct tdx_emul *old = READ_ONCE(tdx_emul_active);

	WRITE_ONCE(tdx_emul_active, m);
	synchronize_rcu();
	return old;
}

/**
 * tdx_emul_platform() - The platform's emulated TDX module
 *
 * Context: Any context.
 * Return: the model when the kernel was booted with ``tdx_emulate``, NULL
 * otherwise.
 */
struct tdx_emul *tdx_emul_platform(void)
{
	return tdx_emul_enabled ? &tdx_emul_module : NULL;
}

/*
 * After a snapshot: if this memory was restored from the image by another
 * boot, the platform was powered off in between, and the module is the
 * fresh one of that boot. Checked at the model's syscore resume and, in
 * case some other resume callback issues a SEAMCALL first, before any
 * SEAMCALL.
 */
static void tdx_emul_check_restore(void)
{
	struct tdx_emul *m = &tdx_emul_module;
	bool restored = false;
	unsigned long flags;

	raw_spin_lock_irqsave(&m->lock, flags);
	if (tdx_emul_snapshot) {
		restored = tdx_emul_snapshot_nosave != tdx_emul_snapshot;
		if (restored)
			tdx_emul_power_cycle(m);
		tdx_emul_snapshot = 0;
		tdx_emul_snapshot_nosave = 0;
	}
	raw_spin_unlock_irqrestore(&m->lock, flags);
	if (restored)
		pr_info("a hibernation image was restored: the platform was powered off, the TDX module is the fresh one this boot's firmware loaded\n");
}

static int tdx_emul_syscore_suspend(void)
{
	tdx_emul_snapshot = tdx_emul_boot_id;
	tdx_emul_snapshot_nosave = tdx_emul_boot_id;
	return 0;
}

static struct syscore_ops tdx_emul_syscore_ops = {
	.suspend = tdx_emul_syscore_suspend,
	.resume = tdx_emul_check_restore,
};

/*
 * #UD of a SEAMCALL on a CPU in VMX operation: answer as the module and
 * step over the instruction. Anything else takes its course.
 */
static int tdx_emul_trap(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	struct tdx_emul_regs r;
	struct tdx_emul *m;
	u32 insn;
	u64 ret;

	if (val != DIE_TRAP || args->trapnr != X86_TRAP_UD || user_mode(regs))
		return NOTIFY_DONE;
	if (copy_from_kernel_nofault(&insn, (void *)regs->ip, sizeof(insn)) ||
	    insn != TDXM_SEAMCALL_INSN)
		return NOTIFY_DONE;
	m = READ_ONCE(tdx_emul_active);
	if (!m || !tdx_emul_in_vmx(smp_processor_id()))
		return NOTIFY_DONE;
	if (m == &tdx_emul_module && unlikely(READ_ONCE(tdx_emul_snapshot)))
		tdx_emul_check_restore();

	if (regs->ax == TDXM_VP_ENTER && m->vp_enter) {
		regs->ax = m->vp_enter(m, regs);
		regs->flags &= ~X86_EFLAGS_CF;
		regs->ip += TDXM_SEAMCALL_LEN;
		return NOTIFY_STOP;
	}
	r = (struct tdx_emul_regs){
		.rax = regs->ax, .rcx = regs->cx, .rdx = regs->dx,
		.r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10, .r11 = regs->r11,
	};
	ret = tdx_emul_call(m, tdx_emul_this_lp(m), &r);
	regs->flags &= ~(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF |
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF);
	if (ret == TDXM_VMFAILINVALID) {
		regs->flags |= X86_EFLAGS_CF;
	} else {
		regs->ax = ret;
		regs->cx = r.rcx;
		regs->dx = r.rdx;
		regs->r8 = r.r8;
		regs->r9 = r.r9;
		regs->r10 = r.r10;
		regs->r11 = r.r11;
	}
	regs->ip += TDXM_SEAMCALL_LEN;
	return NOTIFY_STOP;
}

static struct notifier_block tdx_emul_trap_nb = {
	.notifier_call = tdx_emul_trap,
};

/*
 * The platform enters S3 here, right before the ACPI sleep registers are
 * written: the TDX module does not survive it.
 */
static int tdx_emul_prepare_sleep(u8 sleep_state, u32 pm1a, u32 pm1b)
{
	unsigned long flags;

	if (sleep_state != ACPI_STATE_S3)
		return 0;
	raw_spin_lock_irqsave(&tdx_emul_module.lock, flags);
	tdx_emul_seamrr_load(&tdx_emul_module);
	tdx_emul_module.lost = true;
	tdx_emul_seamrr_store(&tdx_emul_module);
	raw_spin_unlock_irqrestore(&tdx_emul_module.lock, flags);
	return 0;
}

/*
 * A reboot or power off resets the platform: the firmware of the next
 * boot loads a fresh module. kexec and kdump do not.
 */
static int tdx_emul_reboot(struct notifier_block *nb, unsigned long action, void *unused)
{
	if (!kexec_in_progress && tdx_emul_seamrr)
		WRITE_ONCE(tdx_emul_seamrr->magic, 0);
	return NOTIFY_DONE;
}

static struct notifier_block tdx_emul_reboot_nb = {
	.notifier_call = tdx_emul_reboot,
};

/*
 * The partial-write erratum is the CPU's: Sapphire Rapids (family 6, model
 * 0x8F) and Emerald Rapids (0xCF), from tdx-abi.md, read from CPUID here.
 */
static bool __init tdx_emul_cpu_has_pw_erratum(void)
{
	return boot_cpu_data.x86_vendor == X86_VENDOR_INTEL &&
	       boot_cpu_data.x86 == 6 &&
	       (boot_cpu_data.x86_model == 0x8f || boot_cpu_data.x86_model == 0xcf);
}

/*
 * In a kdump kernel the crashed kernel's memory is left as it was: count
 * the PAMT lines the module left marked (see tdx_emul_pamt_write()), that
 * /proc/vmcore would read. On a CPU with the partial-write erratum a line
 * the module left private that was written partially would raise a
 * machine check there.
 */
static void __init tdx_emul_pamt_check(const struct tdx_emul *m)
{
	u64 lines = 0, marked = 0, pa;
	unsigned int i, l;

	for (i = 0; i < m->nr_tdmrs; i++) {
		const struct tdx_emul_tdmr *tdmr = &m->tdmrs[i];

		if (tdmr->next == tdmr->base)
			continue;
		for (l = 0; l < 3; l++) {
			u64 base = tdmr->pamt_base[l], size = tdmr->pamt_size[l];
			u8 *p;

			if (!size)
				continue;
			p = memremap(base, size, MEMREMAP_WB);
			if (!p) {
				pr_err("kdump: the PAMT at %#llx cannot be mapped\n", base);
				continue;
			}
			for (pa = base; pa < base + size; pa += 64, lines++)
				marked += *(u64 *)(p + (pa - base)) == tdx_emul_pamt_mark(pa);
			memunmap(p);
		}
	}
	if (marked && tdx_emul_cpu_has_pw_erratum())
		pr_info("kdump: %llu of %llu PAMT lines the TDX module wrote are still its private data: this CPU has the partial-write erratum, reading them could raise a machine check\n",
			marked, lines);
	else
		pr_info("kdump: %llu of %llu PAMT lines the TDX module wrote are still its private data\n",
			marked, lines);
}

/*
 * The SEAMRR of tdx_emulate_seamrr=: reserved in the memory map, or not
 * used. A module found there is the one an earlier kernel of this boot
 * left (kexec, kdump); otherwise the firmware loaded a fresh one.
 */
static void __init tdx_emul_seamrr_init(struct tdx_emul *m)
{
	u64 pa = tdx_emul_seamrr_pa;
	struct tdx_emul_seamrr *s;

	m->sys_disable = tdx_emul_sys_disable_opt;
	if (!pa)
		return;
	if (!e820__mapped_all(pa, pa + TDX_EMUL_SEAMRR_SIZE, E820_TYPE_RESERVED)) {
		pr_err("SEAMRR [%#llx, %#llx) is not reserved in the memory map (boot with memmap=64K$%#llx too): the module's state is kernel memory\n",
		       pa, pa + TDX_EMUL_SEAMRR_SIZE, pa);
		return;
	}
	s = memremap(pa, TDX_EMUL_SEAMRR_SIZE, MEMREMAP_WB);
	if (!s) {
		pr_err("SEAMRR [%#llx, %#llx) cannot be mapped: the module's state is kernel memory\n",
		       pa, pa + TDX_EMUL_SEAMRR_SIZE);
		return;
	}
	tdx_emul_seamrr = s;
	if (s->magic == TDX_EMUL_SEAMRR_MAGIC && s->size == sizeof(*s) &&
	    s->state <= TDX_EMUL_READY) {
		tdx_emul_seamrr_load(m);
		pr_info("SEAMRR at %#llx: the TDX module an earlier kernel left is still loaded: state %s%s, %s TDH.SYS.DISABLE\n",
			pa, tdx_emul_state_names[m->state], m->lost ? " (lost)" : "",
			m->sys_disable ? "with" : "without");
		if (is_kdump_kernel())
			tdx_emul_pamt_check(m);
	} else {
		tdx_emul_seamrr_store(m);
		pr_info("SEAMRR at %#llx: the firmware loaded a fresh TDX module, %s TDH.SYS.DISABLE\n",
			pa, m->sys_disable ? "with" : "without");
	}
	register_reboot_notifier(&tdx_emul_reboot_nb);
}

/* The firmware's processors: enabled MADT entries. */
static u32 tdx_emul_pkg_shift __initdata;

static void __init tdx_emul_madt_lp(u32 apic_id, u32 flags)
{
	if (flags & ACPI_MADT_ENABLED)
		tdx_emul_add_lp(&tdx_emul_module, apic_id, apic_id >> tdx_emul_pkg_shift);
}

static int __init tdx_emul_madt_lapic(union acpi_subtable_headers *h, const unsigned long end)
{
	struct acpi_madt_local_apic *p = (struct acpi_madt_local_apic *)h;

	tdx_emul_madt_lp(p->id, p->lapic_flags);
	return 0;
}

static int __init tdx_emul_madt_x2apic(union acpi_subtable_headers *h, const unsigned long end)
{
	struct acpi_madt_local_x2apic *p = (struct acpi_madt_local_x2apic *)h;

	tdx_emul_madt_lp(p->local_apic_id, p->lapic_flags);
	return 0;
}

/* APIC id bits below the package id, from the CPU's topology leaf. */
static u32 __init tdx_emul_package_shift(void)
{
	u32 eax, ebx, ecx, edx, shift = 0, sub;

	if (cpuid_eax(0) >= 0xb && cpuid_ebx(0xb)) {
		for (sub = 0; sub < 8; sub++) {
			cpuid_count(0xb, sub, &eax, &ebx, &ecx, &edx);
			if (!((ecx >> 8) & 0xff))
				break;
			shift = eax & 0x1f;
		}
		return shift;
	}
	return order_base_2((cpuid_ebx(1) >> 16) & 0xff);
}

static enum tdx_emul_mem_type __init tdx_emul_e820_type(enum e820_type type)
{
	switch (type) {
	case E820_TYPE_RAM:
		return TDX_EMUL_MEM_RAM;
	case E820_TYPE_ACPI:
	case E820_TYPE_NVS:
		return TDX_EMUL_MEM_FW;
	case E820_TYPE_RESERVED:
		return TDX_EMUL_MEM_RESERVED;
	default:
		return TDX_EMUL_MEM_OTHER;
	}
}

static struct tdx_emul_mem_range tdx_emul_fw_map[E820_MAX_ENTRIES] __initdata;

/* The platform as its firmware describes it. */
static void __init tdx_emul_describe_platform(struct tdx_emul *m)
{
	unsigned int i;
	int ret = 0;

	m->pkg_fms = cpuid_eax(1);
	m->max_pa = 1ULL << (cpuid_eax(0x80000008) & 0xff);
	m->keyid_start = lower_32_bits(tdx_emul_msr) + 1;
	m->keyid_nr = upper_32_bits(tdx_emul_msr);

	tdx_emul_pkg_shift = tdx_emul_package_shift();
	acpi_table_parse_madt(ACPI_MADT_TYPE_LOCAL_APIC, tdx_emul_madt_lapic, 0);
	acpi_table_parse_madt(ACPI_MADT_TYPE_LOCAL_X2APIC, tdx_emul_madt_x2apic, 0);

	if (tdx_emul_nr_boot_cmrs) {
		for (i = 0; i < tdx_emul_nr_boot_cmrs && !ret; i++)
			ret = tdx_emul_add_cmr(m, tdx_emul_boot_cmrs[i].base,
					       tdx_emul_boot_cmrs[i].base +
					       tdx_emul_boot_cmrs[i].size);
	} else {
		for (i = 0; i < e820_table_firmware->nr_entries; i++) {
			const struct e820_entry *e = &e820_table_firmware->entries[i];

			tdx_emul_fw_map[i] = (struct tdx_emul_mem_range){
				e->addr, e->addr + e->size, tdx_emul_e820_type(e->type) };
		}
		ret = tdx_emul_cmrs_from_map(m, tdx_emul_fw_map, i);
	}
	if (ret)
		pr_warn("CMRs: %d, only %u of them kept\n", ret, m->nr_cmrs);
	m->num_cmrs_reported = max(tdx_emul_boot_num_cmrs, m->nr_cmrs);

	pr_info("platform: %u LPs in %u packages, TDX KeyIDs [%u, %u), %u CMRs (NUM_CMRS %u)\n",
		m->nr_lps, m->nr_pkgs, m->keyid_start, m->keyid_start + m->keyid_nr,
		m->nr_cmrs, m->num_cmrs_reported);
	for (i = 0; i < m->nr_cmrs; i++)
		pr_info("platform: CMR %u [%#llx, %#llx)\n", i, m->cmrs[i].base,
			m->cmrs[i].base + m->cmrs[i].size);
}

/* debugfs tdx_emul/state: where the module is in its initialization. */
static int tdx_emul_state_show(struct seq_file *sf, void *unused)
{
	struct tdx_emul *m = sf->private;

	seq_printf(sf, "%s\n", tdx_emul_state_names[READ_ONCE(m->state)]);
	return 0;
}

/*
 * What the module holds for TDs, in its own books: "tds <TDs whose root
 * it holds> hkids <KeyIDs not free> pages <TD pages not reclaimed>", then
 * "freeid refused: <TDH.MNG.KEY.FREEID calls refused for a package that
 * had not written back its caches>".
 */
static int tdx_emul_td_held_show(struct seq_file *sf, void *unused)
{
	struct tdx_emul *m = sf->private;
	unsigned int tds, hkids, pages;
	unsigned long flags;
	u64 refused;

	raw_spin_lock_irqsave(&m->lock, flags);
	tdx_emul_seamrr_load(m);
	tds = tdx_emul_td_count(m, &hkids, &pages);
	refused = m->nr_freeid_refused;
	raw_spin_unlock_irqrestore(&m->lock, flags);
	seq_printf(sf, "tds %u hkids %u pages %u\nfreeid refused: %llu\n", tds, hkids,
		   pages, refused);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tdx_emul_td_held);
DEFINE_SHOW_ATTRIBUTE(tdx_emul_state);

/*
 * debugfs tdx_emul/tdmrs: the TDMRs TDH.SYS.CONFIG took, as the model read
 * them from the TDMR_INFO entries, one "first-last" line each.
 */
static int tdx_emul_tdmrs_show(struct seq_file *sf, void *unused)
{
	struct tdx_emul *m = sf->private;
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&m->lock, flags);
	for (i = 0; i < m->nr_tdmrs; i++)
		seq_printf(sf, "%#llx-%#llx\n", m->tdmrs[i].base, m->tdmrs[i].end - 1);
	raw_spin_unlock_irqrestore(&m->lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tdx_emul_tdmrs);

/* The PAMTs the module was given (TDH.SYS.CONFIG): one range a line. */
static int tdx_emul_pamts_show(struct seq_file *sf, void *unused)
{
	struct tdx_emul *m = sf->private;
	unsigned long flags;
	unsigned int i, l;

	raw_spin_lock_irqsave(&m->lock, flags);
	for (i = 0; i < m->nr_tdmrs; i++) {
		for (l = 0; l < 3; l++) {
			if (m->tdmrs[i].pamt_size[l])
				seq_printf(sf, "%#llx-%#llx\n", m->tdmrs[i].pamt_base[l],
					   m->tdmrs[i].pamt_base[l] + m->tdmrs[i].pamt_size[l] - 1);
		}
	}
	raw_spin_unlock_irqrestore(&m->lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tdx_emul_pamts);

static int __init tdx_emul_init(void)
{
	struct dentry *dir;

	/* Always: KUnit tests bring models of their own. */
	register_die_notifier(&tdx_emul_trap_nb);
	if (!tdx_emul_enabled)
		return 0;

	tdx_emul_model_init(&tdx_emul_module);
	tdx_emul_describe_platform(&tdx_emul_module);
	tdx_emul_seamrr_init(&tdx_emul_module);
	tdx_emul_boot_id = get_random_u64() | 1;
	tdx_emul_set_active(&tdx_emul_module);
	acpi_os_set_prepare_sleep(tdx_emul_prepare_sleep);
	register_syscore_ops(&tdx_emul_syscore_ops);

	dir = debugfs_create_dir("tdx_emul", NULL);
	fault_create_debugfs_attr("fail_seamcall", dir, &tdx_emul_module.fail);
	debugfs_create_x64("fail_seamcall_leaf", 0600, dir, &tdx_emul_module.fail_leaf);
	debugfs_create_x64("fail_seamcall_status", 0600, dir, &tdx_emul_module.fail_status);
	debugfs_create_x64("keyid_partitioning", 0400, dir, &tdx_emul_msr);
	debugfs_create_bool("lost", 0400, dir, &tdx_emul_module.lost);
	debugfs_create_file("state", 0400, dir, &tdx_emul_module, &tdx_emul_state_fops);
	debugfs_create_file("td_held", 0400, dir, &tdx_emul_module, &tdx_emul_td_held_fops);
	debugfs_create_file("tdmrs", 0400, dir, &tdx_emul_module, &tdx_emul_tdmrs_fops);
	debugfs_create_file("pamts", 0400, dir, &tdx_emul_module, &tdx_emul_pamts_fops);
	debugfs_create_u64("pamt_bytes", 0400, dir, &tdx_emul_module.pamt_bytes);
	return 0;
}
arch_initcall(tdx_emul_init);

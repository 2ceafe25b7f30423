// SPDX-License-Identifier: GPL-2.0
/*
 * Intel Trust Domain Extensions (TDX) host support: detection of a
 * TDX-enabled BIOS and the SEAMCALL boundary to the TDX module.
 *
 * See Documentation/x86/tdx.rst.
 */

#include <linux/acpi.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kexec.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/suspend.h>
#include <linux/topology.h>
#include <asm/cpufeature.h>
#include <asm/intel-family.h>
#include <asm/mce.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tdx.h>
#include "tdx.h"

/* The TDX private KeyIDs; written once by tdx_init(), read-only after. */
struct tdx_keyid_range tdx_keyids __ro_after_init;

/* The platform's TDX module. */
struct tdx_module tdx_platform_module = {
	.sysinit_lock	= __RAW_SPIN_LOCK_UNLOCKED(tdx_platform_module.sysinit_lock),
	.lp_init_err	= ATOMIC_INIT(0),
	.lock		= __MUTEX_INITIALIZER(tdx_platform_module.lock),
};

/**
 * tdx_parse_keyid_partitioning() - Decode IA32_MKTME_KEYID_PARTITIONING
 * @msr:	value of the MSR
 * @range:	the TDX private KeyID range it describes
 *
 * Bits 31:0 of the MSR count the MKTME KeyIDs and bits 63:32 the TDX
 * private KeyIDs. KeyID 0 is the TME default key, the MKTME KeyIDs follow
 * it and the TDX private KeyIDs follow them, so the TDX range starts right
 * after the last MKTME KeyID. @range is filled in even when the range is
 * unusable, for the caller's message.
 *
 * Linux needs two TDX KeyIDs at least: one global KeyID for the TDX
 * module's own metadata and one per TD. SEAMCALLs take a KeyID in 16 bits.
 *
 * Context: Any context.
 * Return: 0 if the BIOS enabled TDX with a usable KeyID range, -ENODEV if
 * it did not enable TDX, -ENOSPC if it enabled a single TDX KeyID, or
 * -ERANGE if the range does not fit in 16 bits.
 */
int tdx_parse_keyid_partitioning(u64 msr, struct tdx_keyid_range *range)
{
	u32 nr_mktme = lower_32_bits(msr);
	u32 nr_tdx = upper_32_bits(msr);

	range->start = nr_mktme + 1;
	range->nr = nr_tdx;

	if (!nr_tdx)
		return -ENODEV;
	if (nr_tdx < 2)
		return -ENOSPC;
	if ((u64)nr_mktme + nr_tdx > U16_MAX)
		return -ERANGE;
	return 0;
}

static int __init tdx_read_keyid_partitioning(u64 *msr)
{
	/* The TDX test platform's one seam: see asm/tdx.h. */
	if (tdx_test_platform_keyid_partitioning(msr))
		return 0;

	/* The MSR is Intel's; elsewhere 0x87 may mean something else. */
	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL)
		return -ENODEV;
	return rdmsrl_safe(MSR_IA32_MKTME_KEYID_PARTITIONING, msr);
}

/*
 * Sapphire Rapids and Emerald Rapids: a partial (sub-cache-line) write to
 * TDX private memory by anything but a TD poisons the line, and a later
 * read of it raises a machine check. The other TDX-capable CPUs do not.
 */
static bool __init tdx_has_pw_mce_erratum(void)
{
	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL || boot_cpu_data.x86 != 6)
		return false;
	switch (boot_cpu_data.x86_model) {
	case INTEL_FAM6_SAPPHIRERAPIDS_X:
	case INTEL_FAM6_EMERALDRAPIDS_X:
		return true;
	}
	return false;
}

/**
 * tdx_init() - Detect whether the BIOS enabled TDX
 *
 * Context: Early boot, on the boot CPU (identify_boot_cpu()).
 *
 * Reads the KeyID partitioning once. When the BIOS enabled TDX with a
 * usable private KeyID range, records the range, sets
 * X86_FEATURE_TDX_HOST_PLATFORM and says so in one line. Otherwise the
 * kernel carries on exactly as without TDX support; a BIOS that enabled
 * TDX with an unusable range gets a warning. On a CPU with the
 * partial-write erratum it also sets X86_BUG_TDX_PW_MCE.
 */
void __init tdx_init(void)
{
	struct tdx_keyid_range range;
	u64 msr;
	int ret;

	if (tdx_read_keyid_partitioning(&msr))
		return;

	ret = tdx_parse_keyid_partitioning(msr, &range);
	switch (ret) {
	case 0:
		break;
	case -ENODEV:
		return;
	case -ENOSPC:
		pr_warn("BIOS enabled TDX with a single private KeyID, TDX needs two or more: TDX is not usable\n");
		return;
	default:
		pr_warn(FW_BUG "TDX private KeyIDs [%u, %llu) exceed 16 bits: TDX is not usable\n",
			range.start, (u64)range.start + range.nr);
		return;
	}

	tdx_keyids = range;
	/* The first TDX KeyID protects the module's metadata. */
	tdx_platform_module.global_keyid = range.start;
	setup_force_cpu_cap(X86_FEATURE_TDX_HOST_PLATFORM);
	pr_info("BIOS enabled TDX: private KeyIDs [%u, %u)\n",
		range.start, range.start + range.nr);

	if (tdx_has_pw_mce_erratum()) {
		setup_force_cpu_bug(X86_BUG_TDX_PW_MCE);
		pr_info("this CPU has the TDX partial-write erratum: once TDX is initialized, kexec and kdump need a TDX module with TDH.SYS.DISABLE\n");
	}
}

/*
 * TDX covers the memory and the CPUs present at boot: the TDX module takes
 * its memory list once, when it is initialized, and the platform checked
 * the boot-present CPUs only. Physical memory and CPU hot-add and hot-remove
 * are not supported with TDX. Lock both ACPI hotplug profiles once the ACPI
 * scan has attached the devices present at boot, so that no such device is
 * attached later, none is ejected, and user space cannot enable them again.
 * Software online/offline of memory blocks and CPUs is not affected.
 */
static int __init tdx_lock_acpi_hotplug(void)
{
	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;
	acpi_lock_hotplug_profile("memory",
				  "Intel TDX is enabled in the BIOS and cannot use memory added or removed at runtime; disable TDX in the BIOS to use memory hotplug");
	acpi_lock_hotplug_profile("processor",
				  "Intel TDX is enabled in the BIOS and does not support physical CPU hotplug; disable TDX in the BIOS to use CPU hotplug");
	return 0;
}

/* After acpi_init() (subsys_initcall), which registers the handlers and scans. */
subsys_initcall_sync(tdx_lock_acpi_hotplug);

/**
 * seamcall_status_to_errno() - Map a SEAMCALL status to an errno
 * @status:	RAX after the SEAMCALL, or one of the TDX_SEAMCALL_* values
 *		of a SEAMCALL that did not reach the TDX module
 *
 * This is the one place where TDX module statuses become errnos.
 *
 * Context: Any context.
 * Return: 0 for success and for informational statuses (bit 63 clear: the
 * call completed), -ENODEV when no TDX module is loaded (VMfailInvalid),
 * -EACCES for #UD (the CPU is not in VMX operation), -EOPNOTSUPP for #GP
 * (TDX is not enabled), -EAGAIN when the module ran out of entropy,
 * -EINVAL for an invalid operand, -EBUSY when an operand or the module is
 * busy, -EIO for every other error.
 */
int seamcall_status_to_errno(u64 status)
{
	if (!(status & TDX_ERROR))
		return 0;

	switch (status) {
	case TDX_SEAMCALL_VMFAILINVALID:
		return -ENODEV;
	case TDX_SEAMCALL_UD:
		return -EACCES;
	case TDX_SEAMCALL_GP:
		return -EOPNOTSUPP;
	}

	switch (status & TDX_STATUS_MASK) {
	case TDX_RND_NO_ENTROPY:
		return -EAGAIN;
	case TDX_OPERAND_INVALID:
		return -EINVAL;
	case TDX_OPERAND_BUSY:
	case TDX_SYS_BUSY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

/**
 * seamcall_leaf_name() - Name a SEAMCALL leaf
 * @fn:		the leaf
 *
 * Context: Any context.
 * Return: the ABI's name of the leaf, or "SEAMCALL" for one this code does
 * not issue.
 */
const char *seamcall_leaf_name(u64 fn)
{
	switch (fn) {
	case TDH_SYS_KEY_CONFIG:
		return "TDH.SYS.KEY.CONFIG";
	case TDH_SYS_INIT:
		return "TDH.SYS.INIT";
	case TDH_SYS_RD:
		return "TDH.SYS.RD";
	case TDH_SYS_LP_INIT:
		return "TDH.SYS.LP.INIT";
	case TDH_SYS_TDMR_INIT:
		return "TDH.SYS.TDMR.INIT";
	case TDH_SYS_CONFIG:
		return "TDH.SYS.CONFIG";
	case TDH_SYS_DISABLE:
		return "TDH.SYS.DISABLE";
	case TDH_VP_ENTER:
		return "TDH.VP.ENTER";
	case TDH_MNG_ADDCX:
		return "TDH.MNG.ADDCX";
	case TDH_MNG_KEY_CONFIG:
		return "TDH.MNG.KEY.CONFIG";
	case TDH_MNG_CREATE:
		return "TDH.MNG.CREATE";
	case TDH_MNG_VPFLUSHDONE:
		return "TDH.MNG.VPFLUSHDONE";
	case TDH_MNG_KEY_FREEID:
		return "TDH.MNG.KEY.FREEID";
	case TDH_MNG_INIT:
		return "TDH.MNG.INIT";
	case TDH_PHYMEM_PAGE_RECLAIM:
		return "TDH.PHYMEM.PAGE.RECLAIM";
	case TDH_PHYMEM_CACHE_WB:
		return "TDH.PHYMEM.CACHE.WB";
	case TDH_PHYMEM_PAGE_WBINVD:
		return "TDH.PHYMEM.PAGE.WBINVD";
	default:
		return "SEAMCALL";
	}
}

/* A status the user can cause, or can report usefully, and what it means. */
struct seamcall_status_desc {
	u64 status;
	const char *name;
	const char *why;
};

#define TDX_LAYOUT_BUG	"the kernel's TDMR layout was refused (a kernel bug: report it with the CMR lines above)"

static const struct seamcall_status_desc seamcall_statuses[] = {
	{ TDX_INTERRUPTED_RESUMABLE, "INTERRUPTED_RESUMABLE",
	  "interrupted, gave up resuming" },
	{ TDX_OPERAND_INVALID, "OPERAND_INVALID", "an operand is invalid" },
	{ TDX_OPERAND_BUSY, "OPERAND_BUSY", "an operand is in use by another SEAMCALL" },
	{ TDX_SYS_BUSY, "SYS_BUSY", "the module is busy with another SEAMCALL" },
	{ TDX_RND_NO_ENTROPY, "RND_NO_ENTROPY", "no entropy, gave up retrying" },
	{ TDX_SYS_INIT_NOT_PENDING, "SYS_INIT_NOT_PENDING",
	  "initialized by a previous kernel (kexec) and not disabled: reboot to use TDX" },
	{ TDX_SYS_LP_INIT_NOT_DONE, "SYS_LP_INIT_NOT_DONE",
	  "TDX is not enabled on this CPU (tdx_cpu_enable())" },
	{ TDX_SYS_NOT_READY, "SYS_NOT_READY", "the module is not initialized" },
	{ TDX_SYS_LP_INIT_NOT_PENDING, "SYS_LP_INIT_NOT_PENDING",
	  "a CPU came online after the module was configured" },
	{ TDX_SYS_KEY_CONFIG_NOT_PENDING, "SYS_KEY_CONFIG_NOT_PENDING",
	  "the module is not configured yet" },
	{ TDX_SYS_CONFIG_NOT_PENDING, "SYS_CONFIG_NOT_PENDING",
	  "not every CPU the BIOS enabled is online: boot without nosmt, nr_cpus= or maxcpus=" },
	{ TDX_KEY_GENERATION_FAILED, "KEY_GENERATION_FAILED",
	  "no key could be generated, gave up retrying" },
	{ TDX_INVALID_TDMR, "INVALID_TDMR", TDX_LAYOUT_BUG },
	{ TDX_NON_ORDERED_TDMR, "NON_ORDERED_TDMR", TDX_LAYOUT_BUG },
	{ TDX_TDMR_OUTSIDE_CMRS, "TDMR_OUTSIDE_CMRS", TDX_LAYOUT_BUG },
	{ TDX_INVALID_PAMT, "INVALID_PAMT", TDX_LAYOUT_BUG },
	{ TDX_PAMT_OUTSIDE_CMRS, "PAMT_OUTSIDE_CMRS", TDX_LAYOUT_BUG },
	{ TDX_PAMT_OVERLAP, "PAMT_OVERLAP", TDX_LAYOUT_BUG },
	{ TDX_INVALID_RESERVED_IN_TDMR, "INVALID_RESERVED_IN_TDMR", TDX_LAYOUT_BUG },
	{ TDX_NON_ORDERED_RESERVED_IN_TDMR, "NON_ORDERED_RESERVED_IN_TDMR", TDX_LAYOUT_BUG },
	{ TDX_METADATA_FIELD_NOT_READABLE, "METADATA_FIELD_NOT_READABLE",
	  "the module lacks a metadata field this kernel needs: update the TDX module" },
	{ TDX_LIFECYCLE_STATE_INCORRECT, "LIFECYCLE_STATE_INCORRECT",
	  "the TD is not in the state this step needs" },
	{ TDX_HKID_NOT_FREE, "HKID_NOT_FREE", "the KeyID belongs to another TD" },
	{ TDX_WBCACHE_NOT_COMPLETE, "WBCACHE_NOT_COMPLETE",
	  "a package did not write back the KeyID's cache lines" },
	{ TDX_FLUSHVP_NOT_DONE, "FLUSHVP_NOT_DONE", "a vCPU of the TD is still on a CPU" },
	{ TDX_TD_ASSOCIATED_PAGES_EXIST, "TD_ASSOCIATED_PAGES_EXIST",
	  "the TD still has pages: reclaim them before its root" },
};

/**
 * seamcall_describe() - Say in one line what a failed SEAMCALL means
 * @buf:	where to write the line
 * @size:	its size
 * @fn:		the leaf
 * @status:	the status
 * @err:	its errno (seamcall_status_to_errno())
 *
 * Context: Any context.
 * Return: the length of the line, as snprintf() returns it.
 */
int seamcall_describe(char *buf, size_t size, u64 fn, u64 status, int err)
{
	const char *name = seamcall_leaf_name(fn);
	unsigned int i;

	switch (err) {
	case -ENODEV:
		return snprintf(buf, size, "%s failed: no TDX module is loaded (VMfailInvalid)",
				name);
	case -EACCES:
		return snprintf(buf, size, "%s failed: #UD, this CPU is not in VMX operation",
				name);
	case -EOPNOTSUPP:
		return snprintf(buf, size, "%s failed: #GP, the BIOS did not enable TDX", name);
	}
	for (i = 0; i < ARRAY_SIZE(seamcall_statuses); i++)
		if ((status & TDX_STATUS_MASK) == seamcall_statuses[i].status)
			return snprintf(buf, size, "%s failed: TDX_%s, %s (status %#llx)",
					name, seamcall_statuses[i].name,
					seamcall_statuses[i].why, status);
	return snprintf(buf, size, "%s (leaf %llu) failed: TDX module status %#llx (%d)",
			name, fn, status, err);
}

/**
 * seamcall_status_name() - Name a SEAMCALL failure
 * @buf:	where to write the name
 * @size:	its size
 * @status:	the raw status of a failed SEAMCALL
 *
 * Description: The ABI's name of the status (TDX_OPERAND_INVALID, ...),
 * VMfailInvalid, #UD or #GP, or the status in hex when this code does not
 * know it.
 *
 * Context: Any context.
 * Return: the length of the name, as snprintf() returns it.
 */
int seamcall_status_name(char *buf, size_t size, u64 status)
{
	unsigned int i;

	switch (status) {
	case TDX_SEAMCALL_VMFAILINVALID:
		return snprintf(buf, size, "VMfailInvalid");
	case TDX_SEAMCALL_UD:
		return snprintf(buf, size, "#UD");
	case TDX_SEAMCALL_GP:
		return snprintf(buf, size, "#GP");
	}
	for (i = 0; i < ARRAY_SIZE(seamcall_statuses); i++)
		if ((status & TDX_STATUS_MASK) == seamcall_statuses[i].status)
			return snprintf(buf, size, "TDX_%s", seamcall_statuses[i].name);
	return snprintf(buf, size, "%#llx", status);
}

static void seamcall_report(u64 fn, u64 status, int err)
{
	char msg[256];

	seamcall_describe(msg, sizeof(msg), fn, status, err);
	pr_err_ratelimited("%s\n", msg);
}

/*
 * CPUs whose caches may hold lines of TDX private memory (memory the TDX
 * module wrote with a private KeyID): each CPU sets its own flag before
 * every SEAMCALL, with preemption disabled, and clears it when it flushes
 * its caches on the way to another kernel (tdx_cpu_flush_cache()).
 */
static DEFINE_PER_CPU(bool, tdx_cache_dirty);

/*
 * The CPUs that flushed on the way to another kernel, for
 * tdx_report_cache_flush(); each CPU sets its own bit after WBINVD (the
 * line that dirties holds no private KeyID). The CPUs found still dirty
 * then: a static mask, the crash path allocates nothing.
 */
static struct cpumask tdx_cache_flushed;
static struct cpumask tdx_cache_unflushed;

/**
 * tdx_cpu_cache_dirty() - May this CPU's caches hold TDX private lines?
 *
 * Description: True once the CPU issued a SEAMCALL, until
 * tdx_cpu_flush_cache(). A dirty line of TDX private memory that is
 * written back after another kernel took over the page corrupts it
 * silently: the next kernel knows nothing of the KeyID. relocate_kernel()
 * flushes the caches of the CPU that jumps to the next kernel when this
 * is true.
 *
 * Context: Preemption disabled.
 * Return: true if the CPU must flush before another kernel runs.
 */
bool tdx_cpu_cache_dirty(void)
{
	return this_cpu_read(tdx_cache_dirty);
}

/**
 * tdx_cpu_flush_cache() - Flush this CPU's caches before another kernel runs
 *
 * Description: Writes back and invalidates the caches (WBINVD) of a CPU
 * that issued a SEAMCALL. Each CPU that stops for kexec, kdump, reboot or
 * power-off calls it last; the CPU that jumps to the next kernel flushes
 * in relocate_kernel() instead (tdx_cpu_cache_dirty()).
 *
 * Context: IRQs off; the CPU issues no SEAMCALL after this.
 */
void tdx_cpu_flush_cache(void)
{
	if (!this_cpu_read(tdx_cache_dirty))
		return;
	native_wbinvd();
	this_cpu_write(tdx_cache_dirty, false);
	cpumask_set_cpu(smp_processor_id(), &tdx_cache_flushed);
}

/**
 * tdx_report_cache_flush() - Say which CPUs flushed TDX private cache lines
 * @why:	where this kernel goes: "kexec" or "kdump"
 *
 * Description: The CPU that jumps to the next kernel calls this once the
 * others stopped. It says which CPUs flushed, and which, having issued a
 * SEAMCALL, did not stop and may still write lines of TDX private memory
 * back into the next kernel's memory. Silent when no CPU ever issued a
 * SEAMCALL.
 *
 * Context: IRQs off, the other CPUs stopped.
 */
void tdx_report_cache_flush(const char *why)
{
	unsigned int cpu, self = smp_processor_id();
	bool self_dirty = this_cpu_read(tdx_cache_dirty);

	cpumask_clear(&tdx_cache_unflushed);
	for_each_possible_cpu(cpu) {
		if (cpu != self && per_cpu(tdx_cache_dirty, cpu))
			cpumask_set_cpu(cpu, &tdx_cache_unflushed);
	}
	if (cpumask_empty(&tdx_cache_flushed) && cpumask_empty(&tdx_cache_unflushed) &&
	    !self_dirty)
		return;
	if (self_dirty)
		pr_info("%s: caches flushed on CPUs %*pbl, CPU %u flushes last\n", why,
			cpumask_pr_args(&tdx_cache_flushed), self);
	else
		pr_info("%s: caches flushed on CPUs %*pbl\n", why,
			cpumask_pr_args(&tdx_cache_flushed));
	if (!cpumask_empty(&tdx_cache_unflushed))
		pr_emerg("%s: CPUs %*pbl did not stop and may still hold TDX private cache lines: the next kernel's memory may be corrupted\n",
			 why, cpumask_pr_args(&tdx_cache_unflushed));
}

static u64 seamcall_once(u64 fn, struct tdx_module_args *args)
{
	struct tdx_module_output out;
	u64 status;

	/* Before the instruction: the CPU may be stopped inside it. */
	this_cpu_write(tdx_cache_dirty, true);
	status = __seamcall(fn, args->rcx, args->rdx, args->r8, args->r9, &out);
	args->rcx = out.rcx;
	args->rdx = out.rdx;
	args->r8 = out.r8;
	args->r9 = out.r9;
	args->r10 = out.r10;
	args->r11 = out.r11;
	return status;
}

/**
 * seamcall_saved_ret() - Issue a SEAMCALL that may use every register
 * @fn:		leaf number (bits 15:0) and version (bits 23:16)
 * @regs:	every general purpose register but RAX, RSP and RBP, in and out
 *
 * Description: For TDH.VP.ENTER, whose status only its caller can read:
 * it is returned as it is, not retried and not reported.
 *
 * Context: Preemption disabled, on the CPU the leaf must run on.
 * Return: the status (RAX), or a TDX_SEAMCALL_* value.
 */
u64 seamcall_saved_ret(u64 fn, struct tdx_vp_regs *regs)
{
	/* Before the instruction: the CPU may be stopped inside it. */
	this_cpu_write(tdx_cache_dirty, true);
	return __seamcall_saved_ret(fn, regs);
}

/**
 * seamcall_quiet() - Issue a SEAMCALL, and say nothing when it fails
 * @fn:		leaf number (bits 15:0) and version (bits 23:16)
 * @args:	RCX, RDX, R8 and R9 in; the module's output registers out
 * @status:	if not NULL, the raw status of the last attempt
 *
 * Description: seamcall() without its message, for leaves whose callers
 * expect some failures (a resumable TDH.PHYMEM.CACHE.WB, a TDH.MNG.KEY.FREEID
 * that waits for a package) and report the others in their own words.
 *
 * Context: See seamcall().
 * Return: See seamcall().
 */
int seamcall_quiet(u64 fn, struct tdx_module_args *args, u64 *status)
{
	struct tdx_module_args in = *args;
	unsigned int attempts = 0;
	u64 ret;

	do {
		*args = in;
		preempt_disable();
		ret = seamcall_once(fn, args);
		preempt_enable();
	} while ((ret & TDX_STATUS_MASK) == TDX_RND_NO_ENTROPY &&
		 ++attempts < TDX_SEAMCALL_ATTEMPTS);

	if (status)
		*status = ret;
	return seamcall_status_to_errno(ret);
}

/**
 * seamcall() - Issue a SEAMCALL to the TDX module
 * @fn:		leaf number (bits 15:0) and version (bits 23:16)
 * @args:	RCX, RDX, R8 and R9 in; the module's output registers out
 * @status:	if not NULL, the raw status of the last attempt
 *
 * Issues the SEAMCALL on the current CPU with preemption disabled,
 * retrying up to TDX_SEAMCALL_ATTEMPTS times in all while the module
 * reports TDX_RND_NO_ENTROPY, and maps the status to an errno with
 * seamcall_status_to_errno(). Failures are reported in a rate-limited
 * message naming the leaf and the status. A SEAMCALL that faults (#UD,
 * #GP) is caught by the exception table and reported, never an oops.
 *
 * Context: Any context. The caller chooses the CPU when it matters (per-CPU
 * leaves) by disabling preemption or migration around the call.
 * Return: 0 on success, a negative errno otherwise (see
 * seamcall_status_to_errno()).
 */
int seamcall(u64 fn, struct tdx_module_args *args, u64 *status)
{
	u64 ret;
	int err;

	err = seamcall_quiet(fn, args, &ret);
	if (status)
		*status = ret;
	if (err)
		seamcall_report(fn, ret, err);
	return err;
}

/**
 * tdx_module_setup() - Set up the kernel's view of a TDX module
 * @m:		the module, uninitialized
 *
 * The platform's module is set up statically; KUnit tests set up their
 * own. The global KeyID is the first TDX KeyID; tests may change
 * @m->global_keyid afterwards.
 *
 * Context: Process context; nobody may use @m concurrently.
 */
void tdx_module_setup(struct tdx_module *m)
{
	memset(m, 0, sizeof(*m));
	m->global_keyid = tdx_keyids.start;
	raw_spin_lock_init(&m->sysinit_lock);
	atomic_set(&m->lp_init_err, 0);
	mutex_init(&m->lock);
	m->status = TDX_MODULE_UNINITIALIZED;
}

static bool tdx_module_is_platform(const struct tdx_module *m)
{
	return m == &tdx_platform_module;
}

/*
 * The system slept since this module was enabled. S3 and S4 reset the
 * platform and take the TDX module with it (after S4 the firmware may have
 * loaded a fresh one); an aborted or tested suspend, s2idle and S1 leave
 * it alone. Ask the module, on a CPU it knows: a module that answers
 * TDH.SYS.RD here is the one the kernel enabled.
 */
static int tdx_module_check_survived(struct tdx_module *m)
{
	struct tdx_module_args args = { .rdx = TDX_MD_MAJOR_VERSION };
	int ret = 0;

	raw_spin_lock(&m->sysinit_lock);
	if (m->sleep_check) {
		ret = seamcall(TDH_SYS_RD, &args, NULL);
		if (ret) {
			WRITE_ONCE(m->status, TDX_MODULE_LOST);
			if (tdx_module_is_platform(m))
				pr_warn("the TDX module did not survive system sleep (S3 or S4): TDX is unusable until the next boot\n");
			ret = -ENODEV;
		}
		WRITE_ONCE(m->sleep_check, false);
	} else if (READ_ONCE(m->status) == TDX_MODULE_LOST) {
		ret = -ENODEV;
	}
	raw_spin_unlock(&m->sysinit_lock);
	return ret;
}

/*
 * TDH.SYS.INIT found the module initialized already: by the kernel that
 * kexec'd this one, which could not disable it (TDH.SYS.DISABLE). Nothing
 * but a reboot makes it usable again: the module is marked failed at once,
 * under @m->sysinit_lock like a lost one; seamcall() said why, once.
 */
static void tdx_module_initialized_before(struct tdx_module *m, u64 status)
{
	m->err = m->sysinit_ret;
	m->fail_step = "initialization";
	m->fail_leaf = TDH_SYS_INIT;
	m->fail_status = status;
	/* sysfs reads the status first: the fields above are written. */
	smp_store_release(&m->status, TDX_MODULE_ERROR);
}

/**
 * tdx_module_cpu_enable() - Enable a TDX module on this CPU
 * @m:		the module
 *
 * Description: The first call on any CPU issues TDH.SYS.INIT and keeps its
 * result; each CPU then issues TDH.SYS.LP.INIT once, before any other
 * SEAMCALL on it. Calling it again is cheap and returns the first result.
 * The first call after a system sleep asks the module whether it survived.
 *
 * Context: IRQs off, on the CPU to enable, which is in VMX operation.
 * Return: 0 on success; -ENODEV if the module was lost in S3/S4 (no
 * SEAMCALL is issued then); the errno of the failing SEAMCALL otherwise.
 */
int tdx_module_cpu_enable(struct tdx_module *m)
{
	struct tdx_module_args args = {};
	unsigned int cpu = smp_processor_id();
	int ret;

	lockdep_assert_irqs_disabled();

	if (READ_ONCE(m->status) == TDX_MODULE_LOST)
		return -ENODEV;
	if (READ_ONCE(m->sleep_check) && cpumask_test_cpu(cpu, &m->lp_ready))
		return tdx_module_check_survived(m);
	if (cpumask_test_cpu(cpu, &m->lp_ready))
		return 0;

	raw_spin_lock(&m->sysinit_lock);
	if (!m->sysinit_done) {
		u64 status;

		m->sysinit_ret = seamcall(TDH_SYS_INIT, &args, &status);
		WRITE_ONCE(m->sysinit_done, true);
		if ((status & TDX_STATUS_MASK) == TDX_SYS_INIT_NOT_PENDING)
			tdx_module_initialized_before(m, status);
	}
	ret = m->sysinit_ret;
	raw_spin_unlock(&m->sysinit_lock);
	if (ret)
		return ret;

	memset(&args, 0, sizeof(args));
	ret = seamcall(TDH_SYS_LP_INIT, &args, NULL);
	if (ret)
		atomic_cmpxchg(&m->lp_init_err, 0, ret);
	else
		cpumask_set_cpu(cpu, &m->lp_ready);
	return ret;
}

/**
 * tdx_cpu_enable() - Enable TDX on this CPU
 *
 * Description: KVM calls this right after VMXON, on every CPU it enables.
 * See tdx_module_cpu_enable().
 *
 * Context: IRQs off, on the CPU to enable, which is in VMX operation.
 * Return: 0 on success; -ENODEV if TDX is absent or was lost in S3/S4;
 * the errno of the failing SEAMCALL otherwise.
 */
int tdx_cpu_enable(void)
{
	int ret;

	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return -ENODEV;
	ret = tdx_module_cpu_enable(&tdx_platform_module);
	/* A parked TD may wait for this CPU's package. */
	if (!ret)
		tdx_td_cpu_enabled();
	return ret;
}
EXPORT_SYMBOL_GPL(tdx_cpu_enable);

/* Keep what a SEAMCALL of the initialization failed with, for sysfs. */
static void tdx_module_failed_call(struct tdx_module *m, u64 fn, u64 status)
{
	m->fail_leaf = fn;
	m->fail_status = status;
}

static int tdx_md_read(struct tdx_module *m, u64 id, u64 *val)
{
	struct tdx_module_args args = { .rdx = id };
	unsigned int size = TDX_MD_SIZE_CODE(id);
	u64 status;
	int ret;

	ret = seamcall(TDH_SYS_RD, &args, &status);
	if (ret) {
		tdx_module_failed_call(m, TDH_SYS_RD, status);
		pr_err("cannot read TDX module metadata field %#llx (%d)\n", id, ret);
		return ret;
	}
	*val = size == 3 ? args.r8 : args.r8 & GENMASK_ULL((8 << size) - 1, 0);
	return 0;
}

/* The fields tdx_read_sysinfo() reads first, in this order. */
static const u64 tdx_sysinfo_fields[] = {
	TDX_MD_MAJOR_VERSION, TDX_MD_MINOR_VERSION, TDX_MD_UPDATE_VERSION,
	TDX_MD_INTERNAL_VERSION, TDX_MD_BUILD_NUM, TDX_MD_BUILD_DATE,
	TDX_MD_TDX_FEATURES0, TDX_MD_MAX_TDMRS, TDX_MD_MAX_RESERVED_PER_TDMR,
	TDX_MD_PAMT_4K_ENTRY_SIZE, TDX_MD_PAMT_2M_ENTRY_SIZE,
	TDX_MD_PAMT_1G_ENTRY_SIZE, TDX_MD_NUM_CMRS,
};

/* Read @nr metadata fields @ids into @v, in that order. */
static int tdx_md_read_fields(struct tdx_module *m, const u64 *ids, unsigned int nr,
			      u64 *v)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = tdx_md_read(m, ids[i], &v[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The fields tdx_read_td_sysinfo() reads, in this order. */
static const u64 tdx_td_sysinfo_fields[] = {
	TDX_MD_ATTRIBUTES_FIXED0, TDX_MD_ATTRIBUTES_FIXED1, TDX_MD_XFAM_FIXED0,
	TDX_MD_XFAM_FIXED1, TDX_MD_TDR_BASE_SIZE, TDX_MD_TDCS_BASE_SIZE,
	TDX_MD_TDVPS_BASE_SIZE, TDX_MD_NUM_CPUID_CONFIG, TDX_MD_MAX_VCPUS_PER_TD,
};

/*
 * What a TD may be, for KVM. A module that may clobber RBP across TD entry
 * (no NO_RBP_MOD in TDX_FEATURES0) would corrupt the frame pointer of the
 * kernel that enters a TD: such a module is refused.
 */
static int tdx_read_td_sysinfo(struct tdx_module *m)
{
	u64 v[ARRAY_SIZE(tdx_td_sysinfo_fields)];
	struct tdx_td_sysinfo *td = &m->info.td;
	int ret;

	if (!(m->info.features0 & TDX_FEATURES0_NO_RBP_MOD)) {
		pr_err("TDX module %u.%u.%u lacks NO_RBP_MOD: it may clobber RBP when a TD exits, which this kernel does not survive; update the TDX module\n",
		       m->info.major, m->info.minor, m->info.update);
		return -EOPNOTSUPP;
	}
	ret = tdx_md_read_fields(m, tdx_td_sysinfo_fields, ARRAY_SIZE(tdx_td_sysinfo_fields), v);
	if (ret)
		return ret;
	td->features0 = m->info.features0;
	td->attributes_fixed0 = v[0];
	td->attributes_fixed1 = v[1];
	td->xfam_fixed0 = v[2];
	td->xfam_fixed1 = v[3];
	td->tdr_base_size = v[4];
	td->tdcs_base_size = v[5];
	td->tdvps_base_size = v[6];
	td->num_cpuid_config = v[7];
	td->max_vcpus_per_td = v[8];
	td->nr_guest_keyids = tdx_keyids.nr ? tdx_keyids.nr - 1 : 0;
	return 0;
}

static int tdx_read_sysinfo(struct tdx_module *m)
{
	u64 v[ARRAY_SIZE(tdx_sysinfo_fields)];
	struct tdx_sysinfo *info = &m->info;
	unsigned int i;
	int ret;

	ret = tdx_md_read_fields(m, tdx_sysinfo_fields, ARRAY_SIZE(tdx_sysinfo_fields), v);
	if (ret)
		return ret;
	info->major = v[0];
	info->minor = v[1];
	info->update = v[2];
	info->internal = v[3];
	info->build_num = v[4];
	info->build_date = v[5];
	info->features0 = v[6];
	info->max_tdmrs = v[7];
	info->max_reserved_per_tdmr = v[8];
	info->pamt_entry_size[TDX_PS_4K] = v[9];
	info->pamt_entry_size[TDX_PS_2M] = v[10];
	info->pamt_entry_size[TDX_PS_1G] = v[11];
	info->nr_cmrs = v[12];

	if (!info->max_tdmrs || !info->max_reserved_per_tdmr ||
	    !info->pamt_entry_size[TDX_PS_4K] || !info->pamt_entry_size[TDX_PS_2M] ||
	    !info->pamt_entry_size[TDX_PS_1G] || !info->nr_cmrs ||
	    info->nr_cmrs > TDX_MAX_CMRS) {
		pr_err("TDX module metadata unusable: %u TDMRs, %u reserved areas, %u CMRs\n",
		       info->max_tdmrs, info->max_reserved_per_tdmr, info->nr_cmrs);
		return -EINVAL;
	}

	/*
	 * A TDX module may report the maximum number of CMRs with the entries
	 * after the real ones empty (size 0): the CMRs end at the first empty
	 * entry.
	 */
	for (i = 0; i < info->nr_cmrs; i++) {
		ret = tdx_md_read(m, TDX_MD_CMR_BASE(i), &info->cmrs[i].base);
		if (!ret)
			ret = tdx_md_read(m, TDX_MD_CMR_SIZE(i), &info->cmrs[i].size);
		if (ret)
			return ret;
		if (!info->cmrs[i].size)
			break;
		if (i && info->cmrs[i].base < info->cmrs[i - 1].base + info->cmrs[i - 1].size) {
			pr_err("TDX module CMRs not sorted: CMR %u at %#llx\n", i,
			       info->cmrs[i].base);
			return -EINVAL;
		}
	}
	info->nr_cmrs = i;
	if (!info->nr_cmrs) {
		pr_err("TDX module reports no convertible memory (all CMRs empty)\n");
		return -EINVAL;
	}

	ret = tdx_read_td_sysinfo(m);
	if (ret)
		return ret;

	if (!tdx_module_is_platform(m))
		return 0;
	pr_info("TDX module %u.%u.%u.%u, build %u of %08u, features0 %#llx\n",
		info->major, info->minor, info->update, info->internal,
		info->build_num, info->build_date, info->features0);
	pr_info("up to %u TDMRs with %u reserved areas each, PAMT entries of %u/%u/%u bytes, %u CMRs\n",
		info->max_tdmrs, info->max_reserved_per_tdmr,
		info->pamt_entry_size[TDX_PS_4K], info->pamt_entry_size[TDX_PS_2M],
		info->pamt_entry_size[TDX_PS_1G], info->nr_cmrs);
	for (i = 0; i < info->nr_cmrs; i++)
		pr_info("CMR %u: [%#llx, %#llx)\n", i, info->cmrs[i].base,
			info->cmrs[i].base + info->cmrs[i].size);
	return 0;
}

/**
 * tdx_memlist_build() - Take all memory the kernel has as TDX memory
 * @mem:	filled in; free @mem->regions with kfree()
 *
 * Every memblock memory range becomes TDX memory, so that any page the
 * page allocator hands out can be given to a TD. The first 1 MiB is left
 * out: it is never convertible, and the kernel reserves it anyway.
 *
 * Context: Process context, memory hotplug held off (get_online_mems()).
 * Return: 0, -ENOMEM, or -EINVAL if there is no memory above 1 MiB.
 */
int tdx_memlist_build(struct tdx_memlist *mem)
{
	unsigned long start_pfn, end_pfn;
	unsigned int nr = 0, room = 0;
	int i, nid;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid)
		room++;
	mem->regions = kcalloc(room, sizeof(*mem->regions), GFP_KERNEL);
	if (!mem->regions)
		return -ENOMEM;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid) {
		u64 start = max_t(u64, PFN_PHYS(start_pfn), SZ_1M);
		u64 end = PFN_PHYS(end_pfn);

		if (start >= end || nr == room)
			continue;
		mem->regions[nr++] = (struct tdx_mem_region){ start, end, nid };
	}
	mem->nr = nr;
	if (!nr) {
		kfree(mem->regions);
		mem->regions = NULL;
		return -EINVAL;
	}
	return 0;
}

static u64 tdx_memlist_bytes(const struct tdx_memlist *mem)
{
	unsigned int i;
	u64 bytes = 0;

	for (i = 0; i < mem->nr; i++)
		bytes += mem->regions[i].end - mem->regions[i].start;
	return bytes;
}

/* The ABI allows TDX memory only inside the CMRs: say which memory is not. */
static int tdx_check_convertible(const struct tdx_module *m)
{
	const struct tdx_memlist *mem = &m->memlist;
	unsigned int i;

	for (i = 0; i < mem->nr; i++) {
		const struct tdx_mem_region *r = &mem->regions[i];

		if (tdx_cmrs_cover(m->info.cmrs, m->info.nr_cmrs, r->start, r->end))
			continue;
		pr_err("memory [%#llx, %#llx) on node %d is not convertible (outside the BIOS's CMRs): TDX cannot be used with it; remove it (memmap=) or disable TDX in the BIOS\n",
		       r->start, r->end, r->nid);
		return -EINVAL;
	}
	return 0;
}

static int tdx_config(struct tdx_module *m)
{
	struct tdmr_info_list *list = &m->tdmrs;
	struct tdx_module_args args = {};
	size_t sz = roundup_pow_of_two(max_t(size_t, list->nr_tdmrs * sizeof(u64), 512));
	unsigned int i;
	u64 status;
	u64 *pa;
	int ret;

	/* 512-byte aligned: kmalloc() aligns a power-of-two size to itself. */
	pa = kzalloc(sz, GFP_KERNEL);
	if (!pa)
		return -ENOMEM;
	for (i = 0; i < list->nr_tdmrs; i++)
		pa[i] = __pa(tdmr_entry(list, i));

	args.rcx = __pa(pa);
	args.rdx = list->nr_tdmrs;
	args.r8 = m->global_keyid;
	ret = seamcall(TDH_SYS_CONFIG, &args, &status);
	if (ret)
		tdx_module_failed_call(m, TDH_SYS_CONFIG, status);
	kfree(pa);
	return ret;
}

static int tdx_key_config_cpu(void *data)
{
	struct tdx_module *m = data;
	unsigned int attempts = 0;
	u64 status;
	int ret;

	do {
		struct tdx_module_args args = {};

		ret = seamcall(TDH_SYS_KEY_CONFIG, &args, &status);
	} while (ret && (status & TDX_STATUS_MASK) == TDX_KEY_GENERATION_FAILED &&
		 ++attempts < TDX_SEAMCALL_ATTEMPTS);
	if (ret)
		tdx_module_failed_call(m, TDH_SYS_KEY_CONFIG, status);
	return ret;
}

/*
 * The PAMTs were written through KeyID 0: write the caches back before the
 * module programs the global KeyID, then TDH.SYS.KEY.CONFIG on one CPU of
 * each package, one package at a time (the leaf takes the module's global
 * lock). The packages are recorded in @m->pkgs: they are the packages
 * every TD's KeyID will have to be configured on.
 */
static int tdx_config_global_keyid(struct tdx_module *m)
{
	unsigned int cpu;
	int ret = 0;

	bitmap_zero(m->pkgs, nr_cpu_ids);
	wbinvd_on_all_cpus();
	for_each_online_cpu(cpu) {
		unsigned int pkg = topology_logical_package_id(cpu);

		/* Package ids are dense: a package has at least one CPU. */
		if (WARN_ON_ONCE(pkg >= nr_cpu_ids)) {
			ret = -EINVAL;
			break;
		}
		if (test_bit(pkg, m->pkgs))
			continue;
		ret = smp_call_on_cpu(cpu, tdx_key_config_cpu, m, true);
		if (ret) {
			pr_err("cannot configure the global KeyID on package %u (CPU %u): %d\n",
			       pkg, cpu, ret);
			break;
		}
		__set_bit(pkg, m->pkgs);
	}
	return ret;
}

/* TDH.SYS.TDMR.INIT initializes a chunk per call: call until done. */
static int tdx_init_tdmrs(struct tdx_module *m)
{
	unsigned int i;

	for (i = 0; i < m->tdmrs.nr_tdmrs; i++) {
		const struct tdmr_info *tdmr = tdmr_entry(&m->tdmrs, i);
		u64 next = tdmr->base;

		while (next < tdmr->base + tdmr->size) {
			struct tdx_module_args args = { .rcx = tdmr->base };
			u64 status;
			int ret;

			ret = seamcall(TDH_SYS_TDMR_INIT, &args, &status);
			if (ret) {
				tdx_module_failed_call(m, TDH_SYS_TDMR_INIT, status);
				pr_err("cannot initialize the TDMR at %#llx: %d\n",
				       tdmr->base, ret);
				return ret;
			}
			next = args.rdx;
			cond_resched();
		}
	}
	return 0;
}

/*
 * After TDH.SYS.CONFIG the module may have written the PAMTs with the
 * global KeyID. Write the caches back and clear the PAMTs through KeyID 0
 * before the pages go back to the kernel; MOVDIR64B also clears the
 * integrity state a partial write would trip over.
 */
static void tdx_clear_pamts(struct tdx_module *m)
{
	const void *zero = page_address(ZERO_PAGE(0));
	unsigned int i;

	for (i = 0; i < m->tdmrs.nr_tdmrs; i++) {
		const struct tdmr_info *tdmr = tdmr_entry(&m->tdmrs, i);
		u64 size = tdmr->pamt_4k_size + tdmr->pamt_2m_size + tdmr->pamt_1g_size;
		void *p = __va(tdmr->pamt_4k_base);
		u64 off;

		if (!boot_cpu_has(X86_FEATURE_MOVDIR64B)) {
			memset(p, 0, size);
			continue;
		}
		for (off = 0; off < size; off += 64)
			movdir64b((void __force __iomem *)(p + off), zero);
	}
	/* MOVDIR64B is weakly ordered. */
	mb();
}

static void tdx_reset_pamts(struct tdx_module *m)
{
	wbinvd_on_all_cpus();
	tdx_clear_pamts(m);
	/* Pairs with the acquire in tdx_module_kexec_allowed() and others. */
	smp_store_release(&m->pamts_private, false);
}

static void tdx_free_memlist(struct tdx_module *m)
{
	kfree(m->memlist.regions);
	m->memlist.regions = NULL;
	m->memlist.nr = 0;
}

static int tdx_precheck_cpus(struct tdx_module *m)
{
	unsigned int cpu;
	int ret;

	raw_spin_lock_irq(&m->sysinit_lock);
	ret = m->sysinit_done ? m->sysinit_ret : 0;
	raw_spin_unlock_irq(&m->sysinit_lock);
	if (!ret)
		ret = atomic_read(&m->lp_init_err);
	if (ret) {
		pr_err("cannot initialize the TDX module: enabling TDX on the CPUs failed (%d)\n",
		       ret);
		return ret;
	}

	/* The module accepts LP.INIT only before its configuration. */
	for_each_present_cpu(cpu) {
		if (!cpu_online(cpu)) {
			pr_err("cannot initialize the TDX module: CPU %u is offline, and TDX needs every present CPU online during initialization; online it first\n",
			       cpu);
			return -EBUSY;
		}
		if (!cpumask_test_cpu(cpu, &m->lp_ready)) {
			pr_err("cannot initialize the TDX module: TDX is not enabled on CPU %u (tdx_cpu_enable() after VMXON)\n",
			       cpu);
			return -EINVAL;
		}
	}
	return 0;
}

static int tdx_module_init(struct tdx_module *m)
{
	int ret;

	get_online_mems();
	m->fail_step = "memory";
	ret = tdx_memlist_build(&m->memlist);
	if (ret)
		goto out_put;
	m->fail_step = "metadata";
	ret = tdx_read_sysinfo(m);
	if (ret)
		goto err_memlist;
	m->info_valid = true;
	m->fail_step = "memory";
	ret = tdx_check_convertible(m);
	if (ret)
		goto err_memlist;

	m->fail_step = "layout";
	ret = tdmr_list_alloc(&m->tdmrs, &m->info);
	if (ret)
		goto err_memlist;
	ret = tdmrs_construct(&m->tdmrs, &m->memlist, &m->info, &tdx_pamt_contig_ops);
	if (ret)
		goto err_list;

	m->fail_step = "configuration";
	ret = tdx_config(m);
	if (ret)
		goto err_pamts;
	/* The module has the PAMTs now; see tdx_kexec_prepare(). */
	smp_store_release(&m->pamts_private, true);
	ret = tdx_config_global_keyid(m);
	if (!ret)
		ret = tdx_init_tdmrs(m);
	if (ret)
		goto err_reset;

	if (tdx_module_is_platform(m))
		pr_info("%llu KB allocated for PAMT: %u TDMRs cover %llu MB, %llu MB of it TDX memory\n",
			tdmrs_pamt_bytes(&m->tdmrs) / SZ_1K, m->tdmrs.nr_tdmrs,
			tdmrs_covered_bytes(&m->tdmrs) / SZ_1M,
			tdx_memlist_bytes(&m->memlist) / SZ_1M);
	/*
	 * The memory hotplug notifier sees this under mem_hotplug_lock. The
	 * release orders @m->pkgs before it for tdx_platform_packages().
	 */
	m->fail_step = NULL;
	smp_store_release(&m->status, TDX_MODULE_INITIALIZED);
	put_online_mems();
	return 0;

err_reset:
	bitmap_zero(m->pkgs, nr_cpu_ids);
	tdx_reset_pamts(m);
err_pamts:
	tdmrs_free_pamts(&m->tdmrs, &tdx_pamt_contig_ops);
err_list:
	tdmr_list_free(&m->tdmrs);
err_memlist:
	tdx_free_memlist(m);
out_put:
	put_online_mems();
	return ret;
}

/**
 * tdx_module_enable() - Initialize a TDX module, once
 * @m:		the module; tdx_module_cpu_enable() ran on every present CPU
 *
 * Description: Takes all memory as TDX memory, reads the module's
 * metadata, lays out TDMRs and PAMTs, and configures and initializes the
 * module (TDH.SYS.CONFIG, TDH.SYS.KEY.CONFIG on each package,
 * TDH.SYS.TDMR.INIT). Every failure unwinds completely: PAMTs the module
 * may have written are reset before they are freed. The result is kept: a
 * later call returns it without retrying.
 *
 * Context: Process context, under cpus_read_lock(). Takes @m->lock, then
 * mem_hotplug_lock for read.
 * Return: 0 once the module is initialized; -ENODEV if it was lost in
 * S3/S4; -EBUSY or -EINVAL, with the module left uninitialized, while a
 * present CPU is offline or not enabled; the error initialization failed
 * with otherwise.
 */
int tdx_module_enable(struct tdx_module *m)
{
	int ret;

	lockdep_assert_cpus_held();

	mutex_lock(&m->lock);
	switch (READ_ONCE(m->status)) {
	case TDX_MODULE_UNINITIALIZED:
		/* Nothing was done yet: a CPU not ready leaves it untouched. */
		ret = tdx_precheck_cpus(m);
		if (ret)
			break;
		ret = tdx_module_init(m);
		if (ret) {
			m->err = ret;
			WRITE_ONCE(m->status, TDX_MODULE_ERROR);
			if (tdx_module_is_platform(m))
				pr_err("TDX module initialization failed (%d): TDX is unusable until the next boot\n",
				       ret);
		} else if (tdx_module_is_platform(m)) {
			pr_info("module initialized\n");
		}
		break;
	case TDX_MODULE_INITIALIZED:
		ret = 0;
		break;
	case TDX_MODULE_ERROR:
		ret = m->err;
		break;
	default:
		ret = -ENODEV;
		break;
	}
	mutex_unlock(&m->lock);
	return ret;
}

/**
 * tdx_module_destroy() - Free what a test's TDX module holds
 * @m:		a module that is never used again
 *
 * For the modules of KUnit tests only: the platform's TDX module keeps
 * its PAMTs until the next boot.
 *
 * Context: Process context.
 */
void tdx_module_destroy(struct tdx_module *m)
{
	mutex_lock(&m->lock);
	if (m->status == TDX_MODULE_INITIALIZED) {
		tdx_reset_pamts(m);
		tdmrs_free_pamts(&m->tdmrs, &tdx_pamt_contig_ops);
		tdmr_list_free(&m->tdmrs);
		tdx_free_memlist(m);
	}
	m->status = TDX_MODULE_ERROR;
	m->err = -ENODEV;
	mutex_unlock(&m->lock);
}

/**
 * tdx_enable() - Initialize the TDX module, on demand and once
 *
 * Description: KVM calls this once every present CPU is online, in VMX
 * operation, and did tdx_cpu_enable(). See tdx_module_enable().
 *
 * Context: Process context, under cpus_read_lock().
 * Return: 0 once the module is initialized; -ENODEV if TDX is absent or
 * was lost in S3/S4; the error initialization failed with otherwise (a
 * failed initialization is not retried).
 */
int tdx_enable(void)
{
	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return -ENODEV;
	return tdx_module_enable(&tdx_platform_module);
}
EXPORT_SYMBOL_GPL(tdx_enable);

/**
 * tdx_platform_lost() - Did the platform's TDX module not survive S3/S4?
 *
 * Context: Any context.
 * Return: true if it was.
 */
bool tdx_platform_lost(void)
{
	return READ_ONCE(tdx_platform_module.status) == TDX_MODULE_LOST;
}

/**
 * tdx_platform_packages() - The packages the platform's TDX module needs
 *
 * Description: The logical packages TDH.SYS.KEY.CONFIG ran on when the
 * module was initialized: every TD's KeyID is configured on, and must be
 * reclaimed from, each of them. Fixed once the module is initialized.
 *
 * Context: Any context.
 * Return: a bitmap of nr_cpu_ids bits, indexed by
 * topology_logical_package_id(); NULL while the module is not initialized.
 */
const unsigned long *tdx_platform_packages(void)
{
	/* Pairs with the WRITE_ONCE() of the status after @pkgs was written. */
	if (smp_load_acquire(&tdx_platform_module.status) != TDX_MODULE_INITIALIZED)
		return NULL;
	return tdx_platform_module.pkgs;
}

/*
 * Once the module is initialized, TDX memory is fixed: memory that comes
 * online later, hot-added or driver-managed, is not TDX memory and could
 * end up in a TD. Refuse to online it.
 */
static int tdx_memory_notifier(struct notifier_block *nb, unsigned long action,
			       void *v)
{
	struct tdx_module *m = &tdx_platform_module;
	struct memory_notify *mn = v;
	u64 start, end;

	if (action != MEM_GOING_ONLINE ||
	    READ_ONCE(m->status) != TDX_MODULE_INITIALIZED)
		return NOTIFY_OK;

	start = PFN_PHYS(mn->start_pfn);
	end = PFN_PHYS(mn->start_pfn + mn->nr_pages);
	if (tdx_memlist_covers(&m->memlist, start, end))
		return NOTIFY_OK;

	pr_warn_ratelimited("refusing to online memory [%#llx-%#llx]: it is not TDX memory (fixed when the TDX module was initialized) and cannot be used until the next boot\n",
			    start, end - 1);
	return NOTIFY_BAD;
}

static struct notifier_block tdx_memory_nb = {
	.notifier_call = tdx_memory_notifier,
};

/*
 * After any system sleep, the next tdx_cpu_enable() asks the module whether
 * it survived; nothing here assumes it did not.
 */
static int tdx_pm_notifier(struct notifier_block *nb, unsigned long action,
			   void *unused)
{
	struct tdx_module *m = &tdx_platform_module;
	unsigned long flags;

	if (action != PM_POST_SUSPEND && action != PM_POST_HIBERNATION &&
	    action != PM_POST_RESTORE)
		return NOTIFY_DONE;
	raw_spin_lock_irqsave(&m->sysinit_lock, flags);
	if (m->sysinit_done && !m->sysinit_ret)
		WRITE_ONCE(m->sleep_check, true);
	raw_spin_unlock_irqrestore(&m->sysinit_lock, flags);
	return NOTIFY_DONE;
}

static struct notifier_block tdx_pm_nb = {
	.notifier_call = tdx_pm_notifier,
};

/*
 * Disable the TDX module for the next kernel, on this CPU: after
 * TDH.SYS.DISABLE the module has dropped every TD and all it was given and
 * accepts TDH.SYS.INIT again, so the next kernel can initialize it. The
 * CPU must be in VMX operation. Nothing to do before TDH.SYS.INIT
 * succeeded or once the module was lost. The state is read without
 * @m->sysinit_lock: the crash path cannot take it. Each outcome is said in
 * one line.
 */
static void tdx_module_disable(struct tdx_module *m, const char *why)
{
	struct tdx_module_args args;
	unsigned int attempts = 0;
	char msg[256];
	u64 status;

	if (!READ_ONCE(m->sysinit_done) || READ_ONCE(m->sysinit_ret) ||
	    READ_ONCE(m->status) == TDX_MODULE_LOST)
		return;
	do {
		memset(&args, 0, sizeof(args));
		status = seamcall_once(TDH_SYS_DISABLE, &args);
	} while (((status & TDX_STATUS_MASK) == TDX_INTERRUPTED_RESUMABLE ||
		  (status & TDX_STATUS_MASK) == TDX_SYS_BUSY) &&
		 ++attempts < TDX_DISABLE_ATTEMPTS);

	if (status == TDX_SUCCESS) {
		WRITE_ONCE(m->disabled, true);
		pr_info("%s: TDX module disabled (TDH.SYS.DISABLE): the next kernel can initialize it again\n",
			why);
	} else if ((status & TDX_STATUS_MASK) == TDX_OPERAND_INVALID) {
		pr_warn("%s: this TDX module cannot be disabled (no TDH.SYS.DISABLE): the next kernel cannot use TDX until a reboot; newer TDX modules can\n",
			why);
	} else {
		seamcall_describe(msg, sizeof(msg), TDH_SYS_DISABLE, status,
				  seamcall_status_to_errno(status));
		pr_warn("%s: TDX module not disabled, the next kernel cannot use TDX until a reboot: %s\n",
			why, msg);
	}
}

/* KVM's VMXON and VMXOFF, lent for TDH.SYS.DISABLE; under tdx_vmx_ops_lock. */
static const struct tdx_vmx_ops *tdx_vmx_ops;
static DEFINE_MUTEX(tdx_vmx_ops_lock);

/**
 * tdx_set_vmx_ops() - Lend the TDX core a way into VMX operation
 * @ops:	VMXON and VMXOFF for this CPU, or NULL to take them back
 *
 * Description: KVM enters VMX operation only while VMs exist; on a kexec
 * with no VM running the core uses @ops to disable the TDX module for the
 * next kernel (TDH.SYS.DISABLE needs VMX operation). The owner takes them
 * back before it goes (module unload).
 *
 * Context: Process context.
 */
void tdx_set_vmx_ops(const struct tdx_vmx_ops *ops)
{
	mutex_lock(&tdx_vmx_ops_lock);
	tdx_vmx_ops = ops;
	mutex_unlock(&tdx_vmx_ops_lock);
}
EXPORT_SYMBOL_GPL(tdx_set_vmx_ops);

/*
 * kexec: disable the TDX module. This CPU is in VMX operation while KVM
 * runs VMs; KVM's reboot notifier (priority 0) takes every CPU out of it,
 * so this one runs first. With no VM running, VMX operation is entered for
 * the one SEAMCALL with what KVM lent (tdx_set_vmx_ops()), and left again.
 */
static int tdx_reboot_notifier(struct notifier_block *nb, unsigned long action,
			       void *unused)
{
	bool entered = false;
	int ret;

	if (!kexec_in_progress)
		return NOTIFY_DONE;
	mutex_lock(&tdx_vmx_ops_lock);
	local_irq_disable();
	if (!(cr4_read_shadow() & X86_CR4_VMXE) && tdx_vmx_ops &&
	    READ_ONCE(tdx_platform_module.sysinit_done)) {
		ret = tdx_vmx_ops->vmxon();
		entered = !ret;
		if (ret)
			pr_warn("kexec: cannot enter VMX operation to disable the TDX module (%d)\n",
				ret);
	}
	tdx_module_disable(&tdx_platform_module, "kexec");
	if (entered)
		tdx_vmx_ops->vmxoff();
	local_irq_enable();
	mutex_unlock(&tdx_vmx_ops_lock);
	return NOTIFY_DONE;
}

static struct notifier_block tdx_reboot_nb = {
	.notifier_call = tdx_reboot_notifier,
	.priority = 1,
};

/**
 * tdx_crash_shutdown() - Disable the TDX module for the kdump kernel
 *
 * Description: The crashing CPU, once the others stopped and before it
 * leaves VMX operation, disables the TDX module (TDH.SYS.DISABLE) so that
 * the kdump kernel finds it uninitialized. Says what happened in one line.
 *
 * Context: The crash path: IRQs off, the other CPUs stopped.
 */
void tdx_crash_shutdown(void)
{
	if (boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		tdx_module_disable(&tdx_platform_module, "kdump");
}

/**
 * tdx_module_kexec_allowed() - May another kernel be loaded for kexec or kdump?
 * @m:		the module
 * @erratum:	the CPUs have the partial-write erratum (X86_BUG_TDX_PW_MCE)
 *
 * Description: On the way to another kernel, TDH.SYS.DISABLE makes the
 * module reset all it was given; a module that cannot do it leaves TDX
 * private memory behind, and on a CPU with the partial-write erratum the
 * next kernel can take a machine check where it reads a line of it that
 * was written partially. Refuse a new kernel while the module holds
 * private memory and does not enumerate TDH.SYS.DISABLE. A kernel loaded
 * before the module was initialized is not refused: for it, and for a
 * module that could not be disabled after all, the PAMTs are cleared on
 * the way out (tdx_kexec_clear_private()). Memory given to TDs is KVM's
 * and is not cleared there.
 *
 * Context: Any context.
 * Return: 0, or -EOPNOTSUPP if the kernel must not be loaded.
 */
int tdx_module_kexec_allowed(struct tdx_module *m, bool erratum)
{
	/* Pairs with the release in tdx_module_init(): @m->info is read. */
	if (!erratum || !smp_load_acquire(&m->pamts_private))
		return 0;
	/* S3 or S4 reset the platform, and TDX private memory with it. */
	if (READ_ONCE(m->status) == TDX_MODULE_LOST)
		return 0;
	return m->info.features0 & TDX_FEATURES0_SYS_DISABLE ? 0 : -EOPNOTSUPP;
}

/**
 * tdx_kexec_prepare() - Refuse kexec_load() and kexec_file_load() when unsafe
 *
 * Description: See tdx_module_kexec_allowed(). Says why, and what to do,
 * when it refuses.
 *
 * Context: Process context, from machine_kexec_prepare().
 * Return: 0, or -EOPNOTSUPP.
 */
int tdx_kexec_prepare(void)
{
	int ret;

	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;
	ret = tdx_module_kexec_allowed(&tdx_platform_module,
				       boot_cpu_has_bug(X86_BUG_TDX_PW_MCE));
	if (ret)
		pr_err_ratelimited("kexec and kdump kernels cannot be loaded: this CPU has the TDX partial-write erratum, TDX is initialized and its module cannot reset TDX private memory for the next kernel (no TDH.SYS.DISABLE); update the TDX module, or reboot instead\n");
	return ret;
}

/**
 * tdx_kexec_clear_private() - Clear the PAMTs of a module left initialized
 * @why:	where this kernel goes: "kexec" or "kdump"
 *
 * Description: On a CPU with the partial-write erratum, a module that was
 * not disabled (TDH.SYS.DISABLE failed, was not supported, or the CPU was
 * not in VMX operation) leaves its PAMTs as TDX private memory. Write this
 * CPU's caches back and clear them through KeyID 0 (MOVDIR64B), so that
 * the next kernel can use and read that memory. The next kernel cannot use
 * TDX until a reboot anyway: the module is still initialized.
 *
 * Context: machine_kexec(): IRQs off, the other CPUs stopped, their caches
 * flushed. Allocates nothing.
 */
void tdx_kexec_clear_private(const char *why)
{
	struct tdx_module *m = &tdx_platform_module;

	if (!boot_cpu_has_bug(X86_BUG_TDX_PW_MCE) || READ_ONCE(m->disabled))
		return;
	/* Pairs with the releases in tdx_module_init(): @m->tdmrs is read. */
	if (!smp_load_acquire(&m->pamts_private) ||
	    READ_ONCE(m->status) == TDX_MODULE_LOST)
		return;
	wbinvd();
	tdx_clear_pamts(m);
	pr_info("%s: TDX module not disabled on a CPU with the partial-write erratum: its PAMTs (%llu KB) were cleared for the next kernel\n",
		why, tdmrs_pamt_bytes(&m->tdmrs) / SZ_1K);
}

/**
 * tdx_module_pamt_has() - Is a physical address in a PAMT the module holds?
 * @m:		the module
 * @pa:		the physical address
 *
 * Context: Any context, the machine check handler included: takes no lock.
 * The TDMR list is fixed while the module holds the PAMTs.
 * Return: true if @pa is TDX private memory of the module's PAMTs.
 */
bool tdx_module_pamt_has(struct tdx_module *m, u64 pa)
{
	unsigned int i;

	/* Pairs with the releases in tdx_module_init(): @m->tdmrs is read. */
	if (!smp_load_acquire(&m->pamts_private) ||
	    READ_ONCE(m->status) == TDX_MODULE_LOST)
		return false;
	for (i = 0; i < m->tdmrs.nr_tdmrs; i++) {
		const struct tdmr_info *t = tdmr_entry(&m->tdmrs, i);

		if ((pa >= t->pamt_4k_base && pa - t->pamt_4k_base < t->pamt_4k_size) ||
		    (pa >= t->pamt_2m_base && pa - t->pamt_2m_base < t->pamt_2m_size) ||
		    (pa >= t->pamt_1g_base && pa - t->pamt_1g_base < t->pamt_1g_size))
			return true;
	}
	return false;
}

/**
 * tdx_mce_report() - Say when a fatal machine check hit TDX private memory
 * @m:		the machine check the kernel panics for, or NULL
 *
 * Description: A machine check on memory the TDX module holds is
 * reported like any memory error, which points at a DIMM. Say that the
 * memory is TDX private memory; on a CPU with the partial-write erratum
 * the likely cause is a partial write to it by the kernel or a device, a
 * kernel bug. The kernel knows the memory it gave the module (the PAMTs);
 * memory KVM gives TDs is not tracked here.
 *
 * Context: mce_panic(). Takes no lock.
 */
void tdx_mce_report(const struct mce *m)
{
	u64 pa;

	if (!m || !(m->status & MCI_STATUS_ADDRV) ||
	    !boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return;
	pa = m->addr & GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 0);
	if (!tdx_module_pamt_has(&tdx_platform_module, pa))
		return;
	if (boot_cpu_has_bug(X86_BUG_TDX_PW_MCE))
		pr_emerg(HW_ERR "the error at %#llx is in TDX private memory, a PAMT of the TDX module: on this CPU a partial write to it causes this (TDX partial-write erratum), possibly a kernel bug\n",
			 pa);
	else
		pr_emerg(HW_ERR "the error at %#llx is in TDX private memory, a PAMT of the TDX module\n",
			 pa);
}

static int __init tdx_memory_init(void)
{
	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;
	register_pm_notifier(&tdx_pm_nb);
	register_reboot_notifier(&tdx_reboot_nb);
	return register_memory_notifier(&tdx_memory_nb);
}
subsys_initcall(tdx_memory_init);

// SPDX-License-Identifier: GPL-2.0
/*
 * Intel Trust Domain Extensions (TDX) host support: detection of a
 * TDX-enabled BIOS and the SEAMCALL boundary to the TDX module.
 *
 * See Documentation/x86/tdx.rst.
 */

#include <linux/acpi.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/tdx_hotplug.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tdx.h>
#include "tdx.h"
#include "emul.h"

/* The TDX private KeyIDs; written once by tdx_init(), read-only after. */
struct tdx_keyid_range tdx_keyids __ro_after_init;

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
	if (tdx_emul_active())
		return tdx_emul_keyid_partitioning(msr);

	/* The MSR is Intel's; elsewhere 0x87 may mean something else. */
	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL)
		return -ENODEV;
	return rdmsrl_safe(MSR_IA32_MKTME_KEYID_PARTITIONING, msr);
}

/*
 * TDX covers the memory and the CPUs present at boot: the TDX module takes
 * its memory list once, when it is initialized, and the platform checked
 * the boot-present CPUs only. Physical memory and CPU hot-add and hot-remove
 * are not supported with TDX. Lock both ACPI hotplug profiles before the
 * ACPI scan handlers register, so that no such device is attached after
 * boot, none is ejected, and user space cannot enable them again. Software
 * online/offline of memory blocks and CPUs is not affected.
 */
static void __init tdx_lock_acpi_hotplug(void)
{
	acpi_scan_lock_hotplug_profile("memory",
				       "Intel TDX is enabled in the BIOS and cannot use memory added or removed at runtime; disable TDX in the BIOS to use memory hotplug");
	acpi_scan_lock_hotplug_profile("processor",
				       "Intel TDX is enabled in the BIOS and does not support physical CPU hotplug; disable TDX in the BIOS to use CPU hotplug");
}

/**
 * tdx_init() - Detect whether the BIOS enabled TDX
 *
 * Context: Early boot, on the boot CPU (identify_boot_cpu()).
 *
 * Reads the KeyID partitioning once. When the BIOS enabled TDX with a
 * usable private KeyID range, records the range, sets
 * X86_FEATURE_TDX_HOST_PLATFORM, says so in one line and has ACPI memory
 * and CPU hotplug locked out. Otherwise the kernel carries on exactly as
 * without TDX support; a BIOS that enabled TDX with an unusable range gets
 * a warning.
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
	setup_force_cpu_cap(X86_FEATURE_TDX_HOST_PLATFORM);
	pr_info("BIOS enabled TDX: private KeyIDs [%u, %u)\n",
		range.start, range.start + range.nr);
	tdx_lock_acpi_hotplug();
}

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

static const char *seamcall_leaf_name(u64 fn)
{
	switch (fn) {
	case TDH_SYS_INIT:
		return "TDH.SYS.INIT";
	case TDH_SYS_RD:
		return "TDH.SYS.RD";
	case TDH_SYS_LP_INIT:
		return "TDH.SYS.LP.INIT";
	default:
		return "SEAMCALL";
	}
}

static void seamcall_report(u64 fn, u64 status, int err)
{
	const char *name = seamcall_leaf_name(fn);
	const char *why;

	switch (err) {
	case -ENODEV:
		why = "TDX module not loaded";
		break;
	case -EACCES:
		why = "#UD, CPU not in VMX operation";
		break;
	case -EOPNOTSUPP:
		why = "#GP, TDX not enabled by the BIOS";
		break;
	case -EAGAIN:
		why = "no entropy, gave up retrying";
		break;
	default:
		why = "TDX module error";
		break;
	}
	pr_err_ratelimited("%s (leaf %llu) failed: %s (status 0x%016llx)\n",
			   name, fn, why, status);
}

static u64 seamcall_once(struct tdx_emul *emul, u64 fn,
			 struct tdx_module_args *args)
{
	struct tdx_module_output out;
	u64 status;

	if (emul)
		return tdx_emul_seamcall(emul, smp_processor_id(), fn, args);

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
 * seamcall_on() - Issue a SEAMCALL to a given TDX module
 * @emul:	the emulated module to call, or NULL for the real SEAMCALL
 *		instruction
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
int seamcall_on(struct tdx_emul *emul, u64 fn, struct tdx_module_args *args,
		u64 *status)
{
	struct tdx_module_args in = *args;
	unsigned int attempts = 0;
	u64 ret;
	int err;

	do {
		*args = in;
		preempt_disable();
		ret = seamcall_once(emul, fn, args);
		preempt_enable();
	} while ((ret & TDX_STATUS_MASK) == TDX_RND_NO_ENTROPY &&
		 ++attempts < TDX_SEAMCALL_ATTEMPTS);

	if (status)
		*status = ret;
	err = seamcall_status_to_errno(ret);
	if (err)
		seamcall_report(fn, ret, err);
	return err;
}

/**
 * seamcall() - Issue a SEAMCALL to the platform's TDX module
 * @fn:		leaf number (bits 15:0) and version (bits 23:16)
 * @args:	RCX, RDX, R8 and R9 in; the module's output registers out
 * @status:	if not NULL, the raw status of the last attempt
 *
 * The TDX module is the real one, or the emulated one when the kernel was
 * booted with ``tdx_emulate``. See seamcall_on() for the rest.
 *
 * Context: Any context.
 * Return: 0 on success, a negative errno otherwise.
 */
int seamcall(u64 fn, struct tdx_module_args *args, u64 *status)
{
	return seamcall_on(tdx_emul_platform(), fn, args, status);
}

/*
 * TDH.SYS.INIT is done once, by the first CPU that enables TDX; its result
 * is kept. Both under tdx_sys_init_lock, a raw spinlock because CPUs enable
 * TDX with IRQs off.
 */
static DEFINE_RAW_SPINLOCK(tdx_sys_init_lock);
static bool tdx_sys_init_done;
static int tdx_sys_init_ret;

/* TDH.SYS.LP.INIT succeeded on this CPU; written with IRQs off on it. */
static DEFINE_PER_CPU(bool, tdx_lp_ready);

/**
 * tdx_cpu_enable() - Enable TDX on this CPU
 *
 * Description: KVM calls this right after VMXON, on every CPU it enables: the
 * first call on any CPU does TDH.SYS.INIT, and each CPU does TDH.SYS.LP.INIT
 * once, before any other SEAMCALL on it. Calling it again is cheap and returns
 * the first result.
 *
 * Context: IRQs off, on the CPU to enable, which is in VMX operation.
 * Return: 0 on success; -ENODEV if TDX is absent or was lost in S3/S4
 * (no SEAMCALL is issued then); the errno of the failing SEAMCALL
 * otherwise (see seamcall_status_to_errno()).
 */
int tdx_cpu_enable(void)
{
	struct tdx_module_args args = {};
	int ret;

	lockdep_assert_irqs_disabled();

	if (tdx_platform_state() != TDX_PLATFORM_USABLE)
		return -ENODEV;
	if (__this_cpu_read(tdx_lp_ready))
		return 0;

	raw_spin_lock(&tdx_sys_init_lock);
	if (!tdx_sys_init_done) {
		tdx_sys_init_ret = seamcall(TDH_SYS_INIT, &args, NULL);
		tdx_sys_init_done = true;
	}
	ret = tdx_sys_init_ret;
	raw_spin_unlock(&tdx_sys_init_lock);
	if (ret)
		return ret;

	memset(&args, 0, sizeof(args));
	ret = seamcall(TDH_SYS_LP_INIT, &args, NULL);
	if (!ret)
		__this_cpu_write(tdx_lp_ready, true);
	return ret;
}
EXPORT_SYMBOL_GPL(tdx_cpu_enable);

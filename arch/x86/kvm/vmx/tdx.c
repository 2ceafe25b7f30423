// SPDX-License-Identifier: GPL-2.0
/*
 * TDX in KVM on a 6.1 host: the kvm_intel.tdx parameter, and TDX enabled on
 * every CPU right after VMXON.
 *
 * 6.1 has no TD VM type. The one that is added later calls
 * tdx_td_keyid_get() when it creates a TD, before configuring the TD's
 * KeyID on the packages (TDH.MNG.KEY.CONFIG), and tdx_td_keyid_put() when
 * it destroys the TD, after reclaiming the KeyID (TDH.MNG.KEY.FREEID); both
 * outside kvm->lock. Those hooks keep every package online and refuse
 * S3/S4 while TDs exist (include/linux/tdx_hotplug.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/tdx_hotplug.h>

#include "tdx.h"

/* Cleared by tdx_hardware_setup() when TDX is unavailable; read-only after. */
static bool __read_mostly enable_tdx;
module_param_named(tdx, enable_tdx, bool, 0444);

/**
 * tdx_hardware_setup() - Check kvm_intel.tdx against the platform
 *
 * Context: Module initialization (hardware_setup()).
 */
void __init tdx_hardware_setup(void)
{
	if (!enable_tdx)
		return;

	switch (tdx_platform_state()) {
	case TDX_PLATFORM_USABLE:
		pr_info("TDX enabled on every CPU after VMXON\n");
		return;
	case TDX_PLATFORM_ABSENT:
		pr_warn("kvm_intel.tdx=1 ignored: the BIOS did not enable TDX (or the kernel has no CONFIG_INTEL_TDX_HOST)\n");
		break;
	case TDX_PLATFORM_LOST:
		pr_warn("kvm_intel.tdx=1 ignored: the TDX module did not survive S3 or S4; reboot to use TDX\n");
		break;
	}
	enable_tdx = false;
}

/**
 * tdx_hardware_enable() - Enable TDX on this CPU after VMXON
 *
 * Description: Never fails: a CPU on which TDX cannot be enabled still runs
 * ordinary VMs, only TDs cannot run there.
 *
 * Context: IRQs off, on the CPU just put in VMX operation.
 */
void tdx_hardware_enable(void)
{
	int ret;

	if (!enable_tdx)
		return;

	ret = tdx_cpu_enable();
	if (ret)
		pr_warn_ratelimited("cannot enable TDX on CPU %d (%d): TDs cannot run there, ordinary VMs are not affected\n",
				    raw_smp_processor_id(), ret);
}

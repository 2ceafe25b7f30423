// SPDX-License-Identifier: GPL-2.0
/*
 * TDX in KVM on a 6.1 host: the kvm_intel.tdx parameter, the TDX module
 * initialized when KVM loads, and TDX enabled on every CPU right after VMXON.
 *
 * 6.1 has no TD VM type. The one that is added later creates a TD with
 * tdx_td_create(), which takes its KeyID and configures it on every
 * package, and takes it apart with tdx_td_destroy(); both may be called
 * under kvm->lock. While TDs exist every package keeps an online CPU
 * (asm/tdx_td.h, Documentation/x86/tdx.rst).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/tdx.h>

#include "tdx.h"

/* Cleared by tdx_hardware_setup() when TDX is unavailable; read-only after. */
static bool __read_mostly enable_tdx;
module_param_named(tdx, enable_tdx, bool, 0444);

/*
 * Set once the TDX module is initialized: from then on every VMXON is
 * followed by tdx_cpu_enable(). Until then tdx_hardware_setup() does it.
 */
static bool tdx_module_ready __ro_after_init;

/* VMXON on every CPU while the TDX module is initialized. */
struct tdx_setup {
	int (*vmxon)(void);
	void (*vmxoff)(void);
	cpumask_t on;		/* CPUs in VMX operation */
	atomic_t err;		/* the first failure */
};

static void __init tdx_setup_cpu_on(void *data)
{
	struct tdx_setup *setup = data;
	int ret;

	/* tdx_module_ready is not set yet: VMXON alone. */
	ret = setup->vmxon();
	if (!ret) {
		cpumask_set_cpu(smp_processor_id(), &setup->on);
		ret = tdx_cpu_enable();
	}
	if (ret)
		atomic_cmpxchg(&setup->err, 0, ret);
}

static void __init tdx_setup_cpu_off(void *data)
{
	struct tdx_setup *setup = data;

	if (cpumask_test_cpu(smp_processor_id(), &setup->on))
		setup->vmxoff();
}

static struct tdx_setup tdx_setup __initdata;

/* KVM's VMXON and VMXOFF, lent to the TDX core once the module is ready. */
static struct tdx_vmx_ops tdx_vmx_ops;

/**
 * tdx_hardware_setup() - Initialize the TDX module for kvm_intel.tdx=1
 * @vmxon:	VMXON on this CPU (KVM's hardware enabling)
 * @vmxoff:	VMXOFF on this CPU (KVM's hardware disabling)
 *
 * Description: The TDX module is initialized with every CPU in VMX
 * operation. A 6.1 KVM enters VMX operation only while VMs exist, so
 * setup does it here, with CPU hotplug held off: VMXON and TDX enabling
 * on every online CPU, tdx_enable(), VMXOFF again. When anything fails,
 * TDX stays off with a message; ordinary VMs are not affected. This is
 * safe outside hardware_enable_all(): no VM and no /dev/kvm exist yet,
 * KVM's CPU hotplug callbacks are not registered yet, and
 * cpus_read_lock() keeps CPUs from coming or going. Once the module is
 * initialized the TDX core may borrow @vmxon and @vmxoff to disable it
 * for the next kernel on kexec (tdx_set_vmx_ops()).
 *
 * Context: Module initialization (hardware_setup()), no VM exists.
 */
void __init tdx_hardware_setup(int (*vmxon)(void), void (*vmxoff)(void))
{
	int ret;

	if (!enable_tdx)
		return;

	switch (tdx_platform_state()) {
	case TDX_PLATFORM_USABLE:
		break;
	case TDX_PLATFORM_ABSENT:
		pr_warn("kvm_intel.tdx=1 ignored: the BIOS did not enable TDX (or the kernel has no CONFIG_INTEL_TDX_HOST)\n");
		enable_tdx = false;
		return;
	case TDX_PLATFORM_LOST:
		pr_warn("kvm_intel.tdx=1 ignored: the TDX module did not survive S3 or S4; reboot to use TDX\n");
		enable_tdx = false;
		return;
	}

	tdx_setup.vmxon = vmxon;
	tdx_setup.vmxoff = vmxoff;
	cpus_read_lock();
	on_each_cpu(tdx_setup_cpu_on, &tdx_setup, 1);
	ret = atomic_read(&tdx_setup.err);
	if (!ret)
		ret = tdx_enable();
	on_each_cpu(tdx_setup_cpu_off, &tdx_setup, 1);
	cpus_read_unlock();

	if (ret) {
		pr_warn("kvm_intel.tdx=1: cannot initialize the TDX module (%d), see the virt/tdx messages: TDs cannot run, ordinary VMs are not affected\n",
			ret);
		enable_tdx = false;
		return;
	}
	tdx_module_ready = true;
	tdx_vmx_ops.vmxon = vmxon;
	tdx_vmx_ops.vmxoff = vmxoff;
	tdx_set_vmx_ops(&tdx_vmx_ops);
	pr_info("TDX module initialized; TDX is enabled on every CPU after VMXON\n");
}

/**
 * tdx_hardware_unsetup() - Take back what tdx_hardware_setup() lent the core
 *
 * Context: Module unload (hardware_unsetup()), no VM exists.
 */
void tdx_hardware_unsetup(void)
{
	if (tdx_module_ready)
		tdx_set_vmx_ops(NULL);
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

	if (!tdx_module_ready)
		return;

	ret = tdx_cpu_enable();
	if (ret)
		pr_warn_ratelimited("cannot enable TDX on CPU %d (%d): TDs cannot run there, ordinary VMs are not affected\n",
				    raw_smp_processor_id(), ret);
}

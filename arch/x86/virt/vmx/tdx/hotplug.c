// SPDX-License-Identifier: GPL-2.0
/*
 * TD-aware CPU offline and system sleep policy for TDX hosts.
 *
 * A TD's private KeyID is configured on every package the TDX module was
 * initialized on, and must be reclaimed from every one of them, so while
 * TDs exist each of those packages needs an online CPU. Hence, while at
 * least one TD holds a private KeyID:
 *  - offlining the last online CPU of such a package is refused;
 *  - creating a TD is refused while such a package has no online CPU.
 *  - S3, S4 and every other transition that takes the system core down
 *    without keeping the processor context lose the TDX module and every
 *    TD with it: they are refused. s2idle keeps every CPU and S1 keeps the
 *    processor context: both are allowed, and so is the CPU offlining that
 *    S1 does.
 * Without TDs nothing is restricted. The packages are the ones the module
 * configured its global KeyID on (tdx_platform_packages()), not the ones
 * that happened to be online at some point of the boot.
 *
 * See Documentation/x86/tdx.rst.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/suspend.h>
#include <linux/syscore_ops.h>
#include <linux/topology.h>
#include <asm/cpufeature.h>
#include <asm/tdx.h>
#include "tdx.h"

/*
 * TDs that hold a private KeyID. Incremented under cpus_read_lock(), so that
 * it cannot grow under the check of a CPU offline; decremented without locks
 * (fewer TDs never make a refusal wrong). The sleep check reads it with
 * every other CPU offline and every task frozen, where it cannot change.
 */
static atomic_t tdx_td_count = ATOMIC_INIT(0);

/* Set once the CPU offline policy is in place: TDs need it. */
static bool tdx_offline_policy __ro_after_init;

/* The private KeyIDs handed to TDs; the IDA has its own lock. */
static DEFINE_IDA(tdx_td_keyid_ida);

/**
 * tdx_may_offline() - May a CPU go offline?
 * @nr_tds:		TDs holding a private KeyID
 * @last_of_pkg:	the CPU is the last online CPU of a package the TDX
 *			module needs
 * @tasks_frozen:	the CPU is offlined by suspend or hibernation
 *
 * Description: Suspend and hibernation offline every CPU but the boot CPU
 * with every task frozen, so no TD can be created or torn down until the
 * CPUs are back: that is allowed (whether the sleep state itself may be
 * entered is decided separately).
 *
 * Context: Any context.
 * Return: 0 if the CPU may go offline, -EBUSY if it is the last online CPU
 * of a package the module needs while TDs exist.
 */
int tdx_may_offline(unsigned int nr_tds, bool last_of_pkg, bool tasks_frozen)
{
	if (!nr_tds || tasks_frozen || !last_of_pkg)
		return 0;
	return -EBUSY;
}

/* Has @pkg a CPU in @cpus other than @except? */
static bool tdx_pkg_has_cpu(unsigned int pkg, const struct cpumask *cpus,
			    unsigned int except)
{
	unsigned int cpu;

	for_each_cpu(cpu, cpus)
		if (cpu != except && topology_logical_package_id(cpu) == pkg)
			return true;
	return false;
}

/**
 * tdx_pkgs_first_without_cpu() - Find a package that would have no CPU left
 * @pkgs:	the packages that need a CPU (nr_cpu_ids bits)
 * @cpus:	the CPUs there are (cpu_online_mask, or a test's mask)
 * @except:	a CPU of @cpus not to count, or nr_cpu_ids
 *
 * Context: Any context; the caller keeps @cpus stable (cpus_read_lock() or
 * a CPU hotplug callback for cpu_online_mask).
 * Return: the first package of @pkgs without a CPU in @cpus other than
 * @except, or nr_cpu_ids if every package has one.
 */
unsigned int tdx_pkgs_first_without_cpu(const unsigned long *pkgs,
					const struct cpumask *cpus,
					unsigned int except)
{
	unsigned int pkg;

	for_each_set_bit(pkg, pkgs, nr_cpu_ids)
		if (!tdx_pkg_has_cpu(pkg, cpus, except))
			return pkg;
	return nr_cpu_ids;
}

static int tdx_cpu_offline(unsigned int cpu)
{
	unsigned int pkg = topology_logical_package_id(cpu);
	int nr_tds = atomic_read(&tdx_td_count);
	const unsigned long *pkgs;
	bool last = false;
	int ret;

	/*
	 * The CPU is still in cpu_online_mask here; only its own package can
	 * lose its last CPU. While TDs exist every package the module needs
	 * has an online CPU, so a CPU whose onlining fails and is rolled back
	 * is never the last of such a package: the rollback is not refused.
	 */
	if (nr_tds && !cpuhp_tasks_frozen) {
		pkgs = tdx_platform_packages();
		last = pkgs && pkg < nr_cpu_ids && test_bit(pkg, pkgs) &&
		       !tdx_pkg_has_cpu(pkg, cpu_online_mask, cpu);
	}
	ret = tdx_may_offline(nr_tds, last, cpuhp_tasks_frozen);
	if (ret && tdx_fail_offline_policy()) {
		pr_warn("fault injection: CPU %u, the last online CPU of package %u, goes offline while %d TDs are running\n",
			cpu, pkg, nr_tds);
		return 0;
	}
	if (ret)
		pr_warn_ratelimited("refusing to offline CPU %u, the last online CPU of package %u: %d TDs are running and TDX needs an online CPU in every package; destroy the TDs first\n",
				    cpu, pkg, nr_tds);
	return ret;
}

/**
 * tdx_nr_tds() - How many TDs hold a private KeyID
 *
 * Context: Any context. The number may change right after it was read.
 * Return: the number of TDs.
 */
unsigned int tdx_nr_tds(void)
{
	return atomic_read(&tdx_td_count);
}

/**
 * tdx_platform_state() - Can TDs be run?
 *
 * Context: Any context.
 * Return: %TDX_PLATFORM_ABSENT if the BIOS did not enable TDX,
 * %TDX_PLATFORM_LOST if the TDX module did not survive S3 or S4,
 * %TDX_PLATFORM_USABLE otherwise.
 */
enum tdx_platform_state tdx_platform_state(void)
{
	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return TDX_PLATFORM_ABSENT;
	if (tdx_platform_lost())
		return TDX_PLATFORM_LOST;
	return TDX_PLATFORM_USABLE;
}
EXPORT_SYMBOL_GPL(tdx_platform_state);

/**
 * tdx_td_keyid_get() - Give a new TD a private KeyID
 *
 * Description: tdx_td_create() calls this right before it configures the
 * KeyID on the packages (TDH.MNG.KEY.CONFIG); the TD counts from then on,
 * until tdx_td_keyid_put(). While TDs exist, the last online CPU of a
 * package the module needs cannot go offline.
 *
 * Context: Process context, cpus_read_lock() held (so that no CPU goes
 * offline between the check and the count).
 * Return: the KeyID (> 0) on success; -ENODEV if TDX is absent or was lost
 * in S3/S4; -EINVAL if the module is not initialized; -EBUSY if a package
 * has no online CPU; -ENOSPC if every private KeyID is in use.
 */
int tdx_td_keyid_get(void)
{
	const unsigned long *pkgs;
	unsigned int pkg;
	int keyid;

	lockdep_assert_cpus_held();
	if (tdx_platform_state() != TDX_PLATFORM_USABLE || !tdx_offline_policy)
		return -ENODEV;

	pkgs = tdx_platform_packages();
	if (!pkgs)
		return tdx_platform_lost() ? -ENODEV : -EINVAL;
	pkg = tdx_pkgs_first_without_cpu(pkgs, cpu_online_mask, nr_cpu_ids);
	if (pkg < nr_cpu_ids) {
		pr_warn_ratelimited("cannot create a TD: package %u has no online CPU and TDX needs one in every package; online a CPU of package %u first\n",
				    pkg, pkg);
		return -EBUSY;
	}
	/* The first private KeyID is the TDX module's global KeyID. */
	keyid = ida_alloc_range(&tdx_td_keyid_ida, tdx_keyids.start + 1,
				tdx_keyids.start + tdx_keyids.nr - 1, GFP_KERNEL);
	if (keyid == -ENOSPC)
		pr_warn_ratelimited("cannot create a TD: all %u private KeyIDs are in use by TDs; destroy a TD first\n",
				    tdx_keyids.nr - 1);
	if (keyid >= 0)
		atomic_inc(&tdx_td_count);
	return keyid;
}

/**
 * tdx_td_keyid_put() - Release the private KeyID of a TD
 * @keyid:	a KeyID from tdx_td_keyid_get()
 *
 * Description: Call once the TDX module freed the KeyID
 * (TDH.MNG.KEY.FREEID), or when it was never configured.
 *
 * Context: Any context that may sleep.
 */
void tdx_td_keyid_put(int keyid)
{
	if (WARN_ON_ONCE(keyid <= (int)tdx_keyids.start))
		return;
	ida_free(&tdx_td_keyid_ida, keyid);
	WARN_ON_ONCE(atomic_dec_return(&tdx_td_count) < 0);
}

/**
 * tdx_may_sleep() - May the system core go down?
 * @nr_tds:	TDs holding a private KeyID
 * @target:	pm_suspend_target_state: %PM_SUSPEND_STANDBY for S1,
 *		%PM_SUSPEND_MEM for S3, %PM_SUSPEND_ON for hibernation and
 *		a kexec jump
 *
 * Description: s2idle never takes the system core down; S1 keeps the
 * processor context. Everything else loses the TDX module.
 *
 * Context: Any context.
 * Return: 0 without TDs, and for S1 and s2idle; -EBUSY otherwise.
 */
int tdx_may_sleep(unsigned int nr_tds, suspend_state_t target)
{
	if (!nr_tds || target == PM_SUSPEND_STANDBY ||
	    target == PM_SUSPEND_TO_IDLE)
		return 0;
	return -EBUSY;
}

static int tdx_sleep_refused(suspend_state_t target)
{
	int nr_tds = atomic_read(&tdx_td_count);
	int ret = tdx_may_sleep(nr_tds, target);

	if (ret)
		pr_warn_ratelimited("refusing %s: %d TDs are running and the TDX module does not survive it; destroy the TDs first, or use s2idle\n",
				    target == PM_SUSPEND_MEM ? "suspend to RAM" : "hibernation",
				    nr_tds);
	return ret;
}

/*
 * The authoritative check: syscore_suspend() runs on the last online CPU
 * with interrupts off and every task frozen, right before S1, S3, the
 * hibernation snapshot and the hibernation power-off, whichever interface
 * asked for them (/sys/power/state, the uswsusp ioctls, pm_test).
 */
static int tdx_syscore_suspend(void)
{
	return tdx_sleep_refused(pm_suspend_target_state);
}

static struct syscore_ops tdx_syscore_ops = {
	.suspend = tdx_syscore_suspend,
};

/*
 * The early check, so that a refused hibernation freezes nothing: it runs
 * for hibernate() and when /dev/snapshot is opened to hibernate. Suspend
 * gets no early check: its notifier cannot tell S3 from S1 or s2idle.
 */
static int tdx_sleep_notifier(struct notifier_block *nb, unsigned long action,
			      void *unused)
{
	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	return notifier_from_errno(tdx_sleep_refused(PM_SUSPEND_ON));
}

static struct notifier_block tdx_sleep_nb = {
	.notifier_call = tdx_sleep_notifier,
};

static int __init tdx_hotplug_init(void)
{
	int ret;

	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "x86/tdx:online",
					NULL, tdx_cpu_offline);
	if (ret < 0) {
		pr_err("cannot set up the CPU offline policy (%d): TDs cannot be created\n",
		       ret);
		return ret;
	}
	tdx_offline_policy = true;

	register_syscore_ops(&tdx_syscore_ops);
	return register_pm_notifier(&tdx_sleep_nb);
}
subsys_initcall(tdx_hotplug_init);

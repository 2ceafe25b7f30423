// SPDX-License-Identifier: GPL-2.0
/*
 * TD-aware CPU offline and system sleep policy for TDX hosts.
 *
 * A TD's private KeyID is configured on every package and must be reclaimed
 * from every package, so while TDs exist every package needs an online CPU.
 * Hence, while at least one TD holds a configured private KeyID:
 *  - offlining the last online CPU of a package is refused;
 *  - creating a TD is refused while a package has no online CPU;
 *  - S3 and S4, which lose the TDX module and with it every TD, are refused
 *    before anything is frozen. s2idle keeps every CPU and S1 keeps the
 *    processor context: both are allowed, and so is the CPU offlining S1
 *    does.
 * Without TDs nothing is restricted. Whether the TDX module survived a
 * system sleep is the module's to say: tdx_cpu_enable() asks it after one
 * (tdx.c), and TDX is unusable until the next boot if it did not.
 *
 * See Documentation/x86/tdx.rst.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/tdx_hotplug.h>
#include <linux/topology.h>
#include <asm/cpufeature.h>
#include "tdx.h"

/*
 * Online CPUs per package. Written by the CPU hotplug callbacks, which run
 * while the task driving the hotplug holds cpu_hotplug_lock for write;
 * read there or under cpus_read_lock().
 */
static struct tdx_pkgs tdx_pkgs;

/*
 * TDs that hold a configured private KeyID. Incremented under
 * lock_system_sleep() and cpus_read_lock(), so that it cannot grow under
 * the check of a CPU offline or of a system sleep transition; decremented
 * without locks (fewer TDs never make a refusal wrong).
 */
static atomic_t tdx_td_count = ATOMIC_INIT(0);

/* The private KeyIDs handed to TDs; the IDA has its own lock. */
static DEFINE_IDA(tdx_td_keyid_ida);

/**
 * tdx_may_offline() - May a CPU go offline?
 * @nr_tds:		TDs holding a configured private KeyID
 * @pkg_online:		online CPUs of the CPU's package, the CPU included
 * @tasks_frozen:	the CPU is offlined by suspend or hibernation
 *
 * Suspend offlines every CPU but the boot CPU only on the way to S1, which
 * keeps the processor context, or to S3/S4, which tdx_may_sleep() refuses
 * while TDs exist: it is allowed.
 *
 * Context: Any context.
 * Return: 0 if the CPU may go offline, -EBUSY if it is the last online CPU
 * of its package while TDs exist.
 */
int tdx_may_offline(unsigned int nr_tds, unsigned int pkg_online, bool tasks_frozen)
{
	if (!nr_tds || tasks_frozen || pkg_online > 1)
		return 0;
	return -EBUSY;
}

/**
 * tdx_may_sleep() - May the system enter a sleep state?
 * @nr_tds:	TDs holding a configured private KeyID
 * @state:	the suspend state, or PM_SUSPEND_MAX for hibernation
 *
 * Context: Any context.
 * Return: 0 for s2idle and S1, and for S3 and S4 without TDs; -EBUSY for
 * S3 and S4 while TDs exist.
 */
int tdx_may_sleep(unsigned int nr_tds, suspend_state_t state)
{
	if (state != PM_SUSPEND_MEM && state != PM_SUSPEND_MAX)
		return 0;
	return nr_tds ? -EBUSY : 0;
}

/**
 * tdx_pkgs_cpu_up() - Account a CPU that came online
 * @pkgs:	the packages
 * @pkg:	the CPU's package
 *
 * Context: CPU hotplug callback, or under the caller's lock for @pkgs.
 */
void tdx_pkgs_cpu_up(struct tdx_pkgs *pkgs, unsigned int pkg)
{
	if (WARN_ON_ONCE(pkg >= pkgs->nr))
		return;
	pkgs->online[pkg]++;
}

/**
 * tdx_pkgs_cpu_down() - Decide on, and account, a CPU going offline
 * @pkgs:		the packages
 * @pkg:		the CPU's package
 * @nr_tds:		TDs holding a configured private KeyID
 * @tasks_frozen:	the CPU is offlined by suspend or hibernation
 *
 * Context: CPU hotplug callback, or under the caller's lock for @pkgs.
 * Return: 0 if the CPU may go offline (it is no longer counted), -EBUSY if
 * it may not (see tdx_may_offline()).
 */
int tdx_pkgs_cpu_down(struct tdx_pkgs *pkgs, unsigned int pkg,
		      unsigned int nr_tds, bool tasks_frozen)
{
	int ret;

	if (WARN_ON_ONCE(pkg >= pkgs->nr || !pkgs->online[pkg]))
		return 0;
	ret = tdx_may_offline(nr_tds, pkgs->online[pkg], tasks_frozen);
	if (!ret)
		pkgs->online[pkg]--;
	return ret;
}

/**
 * tdx_pkgs_nr_offline() - Count the packages TDX needs that have no online CPU
 * @pkgs:	the packages
 * @first:	set to the first such package, if any
 *
 * Only packages that had a CPU online when TDX was set up count: the
 * others are not part of the TDX platform.
 *
 * Context: CPU hotplug callback, or under the caller's lock for @pkgs.
 * Return: the number of such packages.
 */
unsigned int tdx_pkgs_nr_offline(const struct tdx_pkgs *pkgs, unsigned int *first)
{
	unsigned int pkg, nr = 0;

	for_each_set_bit(pkg, pkgs->present, pkgs->nr) {
		if (pkgs->online[pkg])
			continue;
		if (!nr++ && first)
			*first = pkg;
	}
	return nr;
}

static int tdx_cpu_online(unsigned int cpu)
{
	tdx_pkgs_cpu_up(&tdx_pkgs, topology_logical_package_id(cpu));
	return 0;
}

static int tdx_cpu_offline(unsigned int cpu)
{
	unsigned int pkg = topology_logical_package_id(cpu);
	int nr_tds = atomic_read(&tdx_td_count);
	int ret;

	ret = tdx_pkgs_cpu_down(&tdx_pkgs, pkg, nr_tds, cpuhp_tasks_frozen);
	if (ret) {
		pr_warn_ratelimited("refusing to offline CPU %u, the last online CPU of package %u: %d TDs are running and TDX needs an online CPU in every package; destroy the TDs first\n",
				    cpu, pkg, nr_tds);
		return ret;
	}
	/* tdx_td_keyid_get() cannot run now: a TD appearing here is a bug. */
	WARN_ON_ONCE(!cpuhp_tasks_frozen && !tdx_pkgs.online[pkg] &&
		     atomic_read(&tdx_td_count));
	return 0;
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
 * Description: Call before configuring the KeyID on the packages
 * (TDH.MNG.KEY.CONFIG); the TD counts from then on, until tdx_td_keyid_put().
 * While TDs exist, the last online CPU of a package cannot go offline and S3/S4
 * are refused.
 *
 * Context: Process context. Takes system_transition_mutex (through
 * lock_system_sleep()) and cpus_read_lock(): must not be called with
 * either held, nor with a lock that a PM notifier takes (kvm->lock).
 * Return: the KeyID (> 0) on success; -ENODEV if TDX is absent or was lost
 * in S3/S4, -EBUSY if a package has no online CPU, -ENOSPC if every
 * private KeyID is in use.
 */
int tdx_td_keyid_get(void)
{
	unsigned int sleep_flags, pkg;
	int keyid;

	if (tdx_platform_state() != TDX_PLATFORM_USABLE || !tdx_pkgs.online)
		return -ENODEV;

	sleep_flags = lock_system_sleep();
	cpus_read_lock();
	if (tdx_platform_lost()) {
		keyid = -ENODEV;
	} else if (tdx_pkgs_nr_offline(&tdx_pkgs, &pkg)) {
		pr_warn_ratelimited("cannot create a TD: package %u has no online CPU and TDX needs one in every package; online a CPU of package %u first\n",
				    pkg, pkg);
		keyid = -EBUSY;
	} else {
		/* The first private KeyID is the TDX module's global KeyID. */
		keyid = ida_alloc_range(&tdx_td_keyid_ida, tdx_keyids.start + 1,
					tdx_keyids.start + tdx_keyids.nr - 1,
					GFP_KERNEL);
		if (keyid >= 0)
			atomic_inc(&tdx_td_count);
	}
	cpus_read_unlock();
	unlock_system_sleep(sleep_flags);
	return keyid;
}
EXPORT_SYMBOL_GPL(tdx_td_keyid_get);

/**
 * tdx_td_keyid_put() - Release the private KeyID of a TD
 * @keyid:	a KeyID from tdx_td_keyid_get()
 *
 * Call once the KeyID was reclaimed from every package
 * (TDH.PHYMEM.CACHE.WB, TDH.MNG.KEY.FREEID).
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
EXPORT_SYMBOL_GPL(tdx_td_keyid_put);

/**
 * tdx_system_sleep_check() - Refuse a sleep state that would lose the TDs
 * @state:	the suspend state, or PM_SUSPEND_MAX for hibernation
 *
 * Called by the PM core before it syncs filesystems or freezes anything.
 *
 * Context: Process context, with system_transition_mutex held.
 * Return: 0 if the transition may go on; -EBUSY, after a rate-limited
 * message, for S3 or S4 while TDs exist.
 */
int tdx_system_sleep_check(suspend_state_t state)
{
	int nr_tds = atomic_read(&tdx_td_count);
	int ret;

	ret = tdx_may_sleep(nr_tds, state);
	if (ret)
		pr_warn_ratelimited("refusing %s: %d TDs are running and the TDX module does not survive it; destroy the TDs first, or use s2idle\n",
				    state == PM_SUSPEND_MAX ? "hibernation" : "suspend to RAM",
				    nr_tds);
	return ret;
}

static int __init tdx_hotplug_init(void)
{
	unsigned int cpu;
	int ret;

	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;

	tdx_pkgs.nr = topology_max_packages();
	tdx_pkgs.online = kcalloc(tdx_pkgs.nr, sizeof(*tdx_pkgs.online), GFP_KERNEL);
	tdx_pkgs.present = bitmap_zalloc(tdx_pkgs.nr, GFP_KERNEL);
	if (!tdx_pkgs.online || !tdx_pkgs.present) {
		ret = -ENOMEM;
		goto err;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu)
		__set_bit(topology_logical_package_id(cpu), tdx_pkgs.present);
	ret = cpuhp_setup_state_cpuslocked(CPUHP_AP_ONLINE_DYN, "x86/tdx:online",
					   tdx_cpu_online, tdx_cpu_offline);
	cpus_read_unlock();
	if (ret < 0)
		goto err;

	return 0;
err:
	kfree(tdx_pkgs.online);
	bitmap_free(tdx_pkgs.present);
	tdx_pkgs.online = NULL;
	pr_err("cannot set up the CPU hotplug policy (%d): TDs cannot be created\n", ret);
	return ret;
}
subsys_initcall(tdx_hotplug_init);

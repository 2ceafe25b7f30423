// SPDX-License-Identifier: GPL-2.0-only
/*
 * Locked ACPI hotplug profiles
 *
 * Some platforms cannot take devices of a class added at runtime, for
 * example memory that their memory protection does not cover. Clearing the
 * hotplug profile's "enabled" setting is not enough for them: user space can
 * set it again through /sys/firmware/acpi/hotplug/<profile>/enabled. A
 * locked profile is disabled for good: enabling it fails with -EPERM,
 * runtime hot-add and eject of its devices are refused, and the devices the
 * boot-time namespace scan finds are attached as before.
 */

#define pr_fmt(fmt) "ACPI: " fmt

#include <linux/acpi.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "internal.h"

/**
 * struct acpi_hotplug_lock - A request to lock a hotplug profile
 * @name:	the profile's name, as in /sys/firmware/acpi/hotplug/
 * @reason:	why it is locked and what to do about it, for the kernel log
 * @profile:	the profile, once its scan handler has registered
 */
struct acpi_hotplug_lock {
	const char *name;
	const char *reason;
	struct acpi_hotplug_profile *profile;
};

/* The lock requests, in the order they came; under acpi_scan_lock. */
static struct acpi_hotplug_lock acpi_hotplug_locks[4];
static unsigned int acpi_nr_hotplug_locks;

/* The lock of @hotplug, if it was locked on request; under acpi_scan_lock. */
static const struct acpi_hotplug_lock *
acpi_hotplug_lock_of(const struct acpi_hotplug_profile *hotplug)
{
	unsigned int i;

	for (i = 0; i < acpi_nr_hotplug_locks; i++)
		if (acpi_hotplug_locks[i].profile == hotplug)
			return &acpi_hotplug_locks[i];
	return NULL;
}

/**
 * acpi_scan_lock_hotplug_profile() - Disable and lock a hotplug profile
 * @name:	the profile ("memory", "processor", ...)
 * @reason:	why, and what the user can do about it; printed when the
 *		profile is locked and when a hot-add is refused. Must stay
 *		valid for the lifetime of the kernel.
 *
 * Platform code calls this before the ACPI scan handlers register, that is
 * before acpi_scan_init(): the profile is locked as its scan handler
 * registers, so that no device of its class can be hot-added in between.
 * Asking twice for the same profile is not an error; the first reason stays.
 *
 * Context: Process context, early boot. Takes acpi_scan_lock.
 * Return: 0 on success, -ENOSPC if too many profiles were locked.
 */
int __init acpi_scan_lock_hotplug_profile(const char *name, const char *reason)
{
	struct acpi_hotplug_lock *lock;
	unsigned int i;
	int ret = 0;

	acpi_scan_lock_acquire();
	for (i = 0; i < acpi_nr_hotplug_locks; i++)
		if (!strcmp(acpi_hotplug_locks[i].name, name))
			goto out;

	if (acpi_nr_hotplug_locks == ARRAY_SIZE(acpi_hotplug_locks)) {
		ret = -ENOSPC;
		goto out;
	}
	lock = &acpi_hotplug_locks[acpi_nr_hotplug_locks++];
	lock->name = name;
	lock->reason = reason;
out:
	acpi_scan_lock_release();
	return ret;
}

/**
 * acpi_scan_hotplug_lock() - Disable and lock one hotplug profile
 * @hotplug:	the profile
 *
 * Idempotent; there is no unlock.
 *
 * Context: Process context. Takes acpi_scan_lock.
 */
void acpi_scan_hotplug_lock(struct acpi_hotplug_profile *hotplug)
{
	acpi_scan_lock_acquire();
	hotplug->enabled = false;
	hotplug->locked = true;
	acpi_scan_lock_release();
}

/**
 * acpi_scan_hotplug_set() - Enable or disable a hotplug profile from sysfs
 * @hotplug:	the profile
 * @val:	the new setting
 *
 * Context: Process context. Takes acpi_scan_lock.
 * Return: 0 on success, -EPERM when enabling a locked profile (it stays
 * disabled, and the kernel log says why).
 */
int acpi_scan_hotplug_set(struct acpi_hotplug_profile *hotplug, bool val)
{
	const struct acpi_hotplug_lock *lock;
	int ret = 0;

	acpi_scan_lock_acquire();
	if (val && hotplug->locked) {
		lock = acpi_hotplug_lock_of(hotplug);
		if (lock)
			pr_warn_ratelimited("%s hotplug stays disabled, it is locked: %s\n",
					    lock->name, lock->reason);
		ret = -EPERM;
	} else {
		hotplug->enabled = val;
	}
	acpi_scan_lock_release();
	return ret;
}

/**
 * acpi_scan_hotplug_lock_apply() - Lock a profile that was asked to be locked
 * @hotplug:	the profile of a scan handler that is being registered
 * @name:	its name
 *
 * Context: Process context, from acpi_scan_add_handler_with_hotplug().
 * Takes acpi_scan_lock.
 */
void acpi_scan_hotplug_lock_apply(struct acpi_hotplug_profile *hotplug,
				  const char *name)
{
	struct acpi_hotplug_lock *lock = NULL;
	unsigned int i;

	acpi_scan_lock_acquire();
	for (i = 0; i < acpi_nr_hotplug_locks; i++) {
		if (!strcmp(acpi_hotplug_locks[i].name, name)) {
			lock = &acpi_hotplug_locks[i];
			lock->profile = hotplug;
			break;
		}
	}
	acpi_scan_lock_release();
	if (!lock)
		return;

	acpi_scan_hotplug_lock(hotplug);
	pr_info("%s hotplug disabled and locked: %s\n", name, lock->reason);
}

/**
 * acpi_scan_hotplug_refused() - Say that a hot-add or eject was refused, and why
 * @adev:	the device
 * @hotplug:	its class's locked profile
 * @what:	"hot-add" or "eject"
 *
 * Context: Process context, under acpi_scan_lock.
 */
void acpi_scan_hotplug_refused(struct acpi_device *adev,
			       const struct acpi_hotplug_profile *hotplug,
			       const char *what)
{
	const struct acpi_hotplug_lock *lock = acpi_hotplug_lock_of(hotplug);

	if (lock)
		dev_warn_ratelimited(&adev->dev, "%s refused, %s hotplug is locked: %s\n",
				     what, lock->name, lock->reason);
	else
		dev_warn_ratelimited(&adev->dev, "%s refused, hotplug is locked\n", what);
}

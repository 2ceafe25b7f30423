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
 * boot-time namespace scan attached stay attached.
 */

#define pr_fmt(fmt) "ACPI: " fmt

#include <linux/acpi.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "internal.h"

/* Why each locked profile is locked, for the log; under acpi_scan_lock. */
static struct {
	const struct acpi_hotplug_profile *profile;
	const char *reason;
} acpi_hotplug_lock_reasons[4];

static const char *acpi_hotplug_lock_reason(const struct acpi_hotplug_profile *hotplug)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acpi_hotplug_lock_reasons); i++)
		if (acpi_hotplug_lock_reasons[i].profile == hotplug)
			return acpi_hotplug_lock_reasons[i].reason;
	return "locked by the platform";
}

/**
 * acpi_scan_hotplug_lock() - Disable and lock one hotplug profile
 * @hotplug:	the profile
 * @reason:	why, for the log; must stay valid for the lifetime of the
 *		kernel
 *
 * Description: Idempotent: the first reason stays. There is no unlock.
 *
 * Context: Process context. Takes acpi_scan_lock.
 */
void acpi_scan_hotplug_lock(struct acpi_hotplug_profile *hotplug,
			    const char *reason)
{
	unsigned int i;

	acpi_scan_lock_acquire();
	hotplug->enabled = false;
	if (!hotplug->locked) {
		hotplug->locked = true;
		for (i = 0; i < ARRAY_SIZE(acpi_hotplug_lock_reasons); i++) {
			if (!acpi_hotplug_lock_reasons[i].profile) {
				acpi_hotplug_lock_reasons[i].profile = hotplug;
				acpi_hotplug_lock_reasons[i].reason = reason;
				break;
			}
		}
	}
	acpi_scan_lock_release();
}

/**
 * acpi_lock_hotplug_profile() - Disable a hotplug profile for good
 * @name:	the profile, as in /sys/firmware/acpi/hotplug/ ("memory",
 *		"processor", ...)
 * @reason:	why, and what the user can do about it; printed now and when
 *		a hot-add, an eject or a sysfs enable is refused. Must stay
 *		valid for the lifetime of the kernel.
 *
 * Description: For platform code, from an initcall that runs once the ACPI
 * scan handlers are registered and the boot-time namespace scan is done
 * (subsys_initcall_sync() or later). The devices that scan attached stay
 * attached; from now on no device of the profile's class is hot-added or
 * ejected, and user space cannot enable the profile again.
 *
 * Context: Process context. Takes acpi_scan_lock.
 * Return: 0 on success, -ENOENT if no scan handler has that profile (its
 * driver is not built in, or the ACPI scan has not run yet).
 */
int acpi_lock_hotplug_profile(const char *name, const char *reason)
{
	struct acpi_scan_handler *handler;
	struct acpi_hotplug_profile *found = NULL;

	acpi_scan_lock_acquire();
	list_for_each_entry(handler, &acpi_scan_handlers_list, list_node) {
		const char *n = kobject_name(&handler->hotplug.kobj);

		if (n && !strcmp(n, name)) {
			found = &handler->hotplug;
			break;
		}
	}
	acpi_scan_lock_release();
	if (!found)
		return -ENOENT;

	acpi_scan_hotplug_lock(found, reason);
	pr_info("%s hotplug disabled and locked: %s\n", name, reason);
	return 0;
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
	int ret = 0;

	acpi_scan_lock_acquire();
	if (val && hotplug->locked) {
		pr_warn_ratelimited("%s hotplug stays disabled, it is locked: %s\n",
				    kobject_name(&hotplug->kobj) ?: "this",
				    acpi_hotplug_lock_reason(hotplug));
		ret = -EPERM;
	} else {
		hotplug->enabled = val;
	}
	acpi_scan_lock_release();
	return ret;
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
	dev_warn_ratelimited(&adev->dev, "%s refused, %s hotplug is locked: %s\n",
			     what, kobject_name(&hotplug->kobj) ?: "its",
			     acpi_hotplug_lock_reason(hotplug));
}

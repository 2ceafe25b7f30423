/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TDX host support: what KVM and the rest of the kernel need to keep TDs
 * safe across CPU hotplug and system sleep. See Documentation/x86/tdx.rst.
 */
#ifndef _LINUX_TDX_HOTPLUG_H
#define _LINUX_TDX_HOTPLUG_H

#include <linux/errno.h>
#include <linux/suspend.h>

/**
 * enum tdx_platform_state - Whether TDs can be run
 * @TDX_PLATFORM_ABSENT:	the BIOS did not enable TDX, or the kernel was
 *				built without CONFIG_INTEL_TDX_HOST
 * @TDX_PLATFORM_USABLE:	the BIOS enabled TDX
 * @TDX_PLATFORM_LOST:		the TDX module did not survive S3 or S4: TDX
 *				is unusable until the next boot
 */
enum tdx_platform_state {
	TDX_PLATFORM_ABSENT,
	TDX_PLATFORM_USABLE,
	TDX_PLATFORM_LOST,
};

#ifdef CONFIG_INTEL_TDX_HOST
enum tdx_platform_state tdx_platform_state(void);
int tdx_td_keyid_get(void);
void tdx_td_keyid_put(int keyid);
int tdx_system_sleep_check(suspend_state_t state);
#else
static inline enum tdx_platform_state tdx_platform_state(void)
{
	return TDX_PLATFORM_ABSENT;
}

static inline int tdx_td_keyid_get(void)
{
	return -ENODEV;
}

static inline void tdx_td_keyid_put(int keyid) {}

static inline int tdx_system_sleep_check(suspend_state_t state)
{
	return 0;
}
#endif

#endif /* _LINUX_TDX_HOTPLUG_H */

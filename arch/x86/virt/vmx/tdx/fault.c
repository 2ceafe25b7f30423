// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the TD-aware CPU offline policy, for tests: with
 * fail_tdx_offline_policy, an offline the policy refuses goes ahead, so
 * that a test can see what the TDX module does when a package is gone
 * while a TD exists (and how the kernel copes: hotplug.c, td.c). Built
 * only with CONFIG_FAULT_INJECTION; the attribute is in debugfs
 * (fail_tdx_offline_policy/) and on the command line
 * (fail_tdx_offline_policy=<interval>,<probability>,<space>,<times>).
 */

#include <linux/fault-inject.h>
#include <linux/init.h>
#include "tdx.h"

static DECLARE_FAULT_ATTR(tdx_offline_policy_attr);

static int __init tdx_offline_policy_fault_setup(char *str)
{
	return setup_fault_attr(&tdx_offline_policy_attr, str);
}
__setup("fail_tdx_offline_policy=", tdx_offline_policy_fault_setup);

/**
 * tdx_fail_offline_policy() - Should a refused CPU offline go ahead anyway?
 *
 * Context: Any context.
 * Return: true when fault injection says so.
 */
bool tdx_fail_offline_policy(void)
{
	return should_fail(&tdx_offline_policy_attr, 1);
}

static int __init tdx_offline_policy_fault_init(void)
{
	fault_create_debugfs_attr("fail_tdx_offline_policy", NULL,
				  &tdx_offline_policy_attr);
	return 0;
}
late_initcall(tdx_offline_policy_fault_init);

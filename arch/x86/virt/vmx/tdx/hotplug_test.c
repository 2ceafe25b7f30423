// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the TD-aware CPU offline and system sleep policy: the
 * decision table and the per-package accounting. They use packages of
 * their own, never the platform's.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/suspend.h>
#include "tdx.h"

struct offline_case {
	unsigned int nr_tds;
	unsigned int pkg_online;	/* the CPU included */
	bool frozen;
	int ret;
};

/* TDs 0/1/many x last/not last CPU of the package x suspend or not. */
static const struct offline_case offline_cases[] = {
	{ 0, 1, false, 0 },
	{ 0, 2, false, 0 },
	{ 0, 1, true, 0 },
	{ 0, 2, true, 0 },
	{ 1, 1, false, -EBUSY },
	{ 1, 2, false, 0 },
	{ 1, 1, true, 0 },
	{ 1, 2, true, 0 },
	{ 7, 1, false, -EBUSY },
	{ 7, 4, false, 0 },
	{ 7, 1, true, 0 },
	{ 7, 4, true, 0 },
};

static void policy_offline_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offline_cases); i++) {
		const struct offline_case *c = &offline_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, tdx_may_offline(c->nr_tds, c->pkg_online, c->frozen),
				    c->ret, "TDs %u, package CPUs online %u, frozen %d",
				    c->nr_tds, c->pkg_online, c->frozen);
	}
}

struct sleep_case {
	unsigned int nr_tds;
	suspend_state_t state;		/* PM_SUSPEND_MAX: hibernation */
	int ret;
};

/* TDs 0/1/many x s2idle, standby (S1), mem (S3), disk (S4). */
static const struct sleep_case sleep_cases[] = {
	{ 0, PM_SUSPEND_TO_IDLE, 0 },
	{ 0, PM_SUSPEND_STANDBY, 0 },
	{ 0, PM_SUSPEND_MEM, 0 },
	{ 0, PM_SUSPEND_MAX, 0 },
	{ 1, PM_SUSPEND_TO_IDLE, 0 },
	{ 1, PM_SUSPEND_STANDBY, 0 },
	{ 1, PM_SUSPEND_MEM, -EBUSY },
	{ 1, PM_SUSPEND_MAX, -EBUSY },
	{ 9, PM_SUSPEND_TO_IDLE, 0 },
	{ 9, PM_SUSPEND_STANDBY, 0 },
	{ 9, PM_SUSPEND_MEM, -EBUSY },
	{ 9, PM_SUSPEND_MAX, -EBUSY },
};

static void policy_sleep_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sleep_cases); i++) {
		const struct sleep_case *c = &sleep_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, tdx_may_sleep(c->nr_tds, c->state), c->ret,
				    "TDs %u, state %d", c->nr_tds, c->state);
	}
}

/* Three packages; package 2 had no CPU at setup and is not TDX's. */
static struct tdx_pkgs *make_pkgs(struct kunit *test)
{
	struct tdx_pkgs *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->nr = 3;
	p->online = kunit_kcalloc(test, p->nr, sizeof(*p->online), GFP_KERNEL);
	p->present = kunit_kzalloc(test, BITS_TO_LONGS(p->nr) * sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->online);
	KUNIT_ASSERT_NOT_NULL(test, p->present);
	__set_bit(0, p->present);
	__set_bit(1, p->present);
	/* Two CPUs in each of packages 0 and 1. */
	tdx_pkgs_cpu_up(p, 0);
	tdx_pkgs_cpu_up(p, 0);
	tdx_pkgs_cpu_up(p, 1);
	tdx_pkgs_cpu_up(p, 1);
	return p;
}

static void policy_accounting_with_td(struct kunit *test)
{
	struct tdx_pkgs *p = make_pkgs(test);
	unsigned int first = U32_MAX;

	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, &first), 0U);
	KUNIT_EXPECT_EQ(test, first, U32_MAX);

	/* One TD: the first CPU of package 1 may go, the second may not. */
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 1, 1, false), 0);
	KUNIT_EXPECT_EQ(test, p->online[1], 1U);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 1, 1, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, p->online[1], 1U);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, NULL), 0U);

	/* Suspend may offline it (S1), and resume brings it back. */
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 1, 1, true), 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, &first), 1U);
	KUNIT_EXPECT_EQ(test, first, 1U);
	tdx_pkgs_cpu_up(p, 1);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, NULL), 0U);

	/* Package 0 is independent of package 1. */
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 0, 1, false), 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 0, 1, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, p->online[0], 1U);
	KUNIT_EXPECT_EQ(test, p->online[1], 1U);
}

static void policy_accounting_without_td(struct kunit *test)
{
	struct tdx_pkgs *p = make_pkgs(test);
	unsigned int first = U32_MAX;

	/* No TD: whole packages may go offline, and come back. */
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 1, 0, false), 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 1, 0, false), 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, &first), 1U);
	KUNIT_EXPECT_EQ(test, first, 1U);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 0, 0, false), 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 0, 0, false), 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, &first), 2U);
	KUNIT_EXPECT_EQ(test, first, 0U);

	/* Package 2 never counts; each package counts again with one CPU. */
	tdx_pkgs_cpu_up(p, 1);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, &first), 1U);
	KUNIT_EXPECT_EQ(test, first, 0U);
	tdx_pkgs_cpu_up(p, 0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_nr_offline(p, NULL), 0U);

	/* Now a TD pins one CPU in each package. */
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 0, 1, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_cpu_down(p, 1, 1, false), -EBUSY);
}

static struct kunit_case tdx_policy_cases[] = {
	KUNIT_CASE(policy_offline_table),
	KUNIT_CASE(policy_sleep_table),
	KUNIT_CASE(policy_accounting_with_td),
	KUNIT_CASE(policy_accounting_without_td),
	{}
};

static struct kunit_suite tdx_policy_suite = {
	.name = "tdx_policy",
	.test_cases = tdx_policy_cases,
};

kunit_test_suite(tdx_policy_suite);

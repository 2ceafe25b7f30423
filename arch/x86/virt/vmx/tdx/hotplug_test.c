// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the TD-aware CPU offline and system sleep policy: the
 * decision tables, and which packages lack a CPU for sets of CPUs of
 * their own on the machine's topology, never the platform's state.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/suspend.h>
#include <linux/topology.h>
#include "tdx.h"

struct offline_case {
	unsigned int nr_tds;
	bool last;		/* last online CPU of a package TDX needs */
	bool frozen;
	int ret;
};

/* TDs 0/1/many x last/not last CPU of the package x suspend or not. */
static const struct offline_case offline_cases[] = {
	{ 0, true, false, 0 },
	{ 0, false, false, 0 },
	{ 0, true, true, 0 },
	{ 0, false, true, 0 },
	{ 1, true, false, -EBUSY },
	{ 1, false, false, 0 },
	{ 1, true, true, 0 },
	{ 1, false, true, 0 },
	{ 7, true, false, -EBUSY },
	{ 7, false, false, 0 },
	{ 7, true, true, 0 },
	{ 7, false, true, 0 },
};

static void policy_offline_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offline_cases); i++) {
		const struct offline_case *c = &offline_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, tdx_may_offline(c->nr_tds, c->last, c->frozen),
				    c->ret, "TDs %u, last of package %d, frozen %d",
				    c->nr_tds, c->last, c->frozen);
	}
}

struct sleep_case {
	unsigned int nr_tds;
	suspend_state_t target;		/* PM_SUSPEND_ON: hibernation */
	int ret;
};

/* TDs 0/1/many x s2idle, standby (S1), mem (S3), hibernation (S4). */
static const struct sleep_case sleep_cases[] = {
	{ 0, PM_SUSPEND_TO_IDLE, 0 },
	{ 0, PM_SUSPEND_STANDBY, 0 },
	{ 0, PM_SUSPEND_MEM, 0 },
	{ 0, PM_SUSPEND_ON, 0 },
	{ 1, PM_SUSPEND_TO_IDLE, 0 },
	{ 1, PM_SUSPEND_STANDBY, 0 },
	{ 1, PM_SUSPEND_MEM, -EBUSY },
	{ 1, PM_SUSPEND_ON, -EBUSY },
	{ 9, PM_SUSPEND_TO_IDLE, 0 },
	{ 9, PM_SUSPEND_STANDBY, 0 },
	{ 9, PM_SUSPEND_MEM, -EBUSY },
	{ 9, PM_SUSPEND_ON, -EBUSY },
};

static void policy_sleep_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sleep_cases); i++) {
		const struct sleep_case *c = &sleep_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, tdx_may_sleep(c->nr_tds, c->target), c->ret,
				    "TDs %u, target state %d", c->nr_tds, c->target);
	}
}

static unsigned long *alloc_pkgs(struct kunit *test)
{
	unsigned long *pkgs = kunit_kzalloc(test, BITS_TO_LONGS(nr_cpu_ids) *
					    sizeof(long), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pkgs);
	return pkgs;
}

static struct cpumask *alloc_cpus(struct kunit *test)
{
	struct cpumask *cpus = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cpus);
	return cpus;
}

/* A CPU in another package than @cpu's, or nr_cpu_ids. */
static unsigned int cpu_elsewhere(unsigned int cpu)
{
	unsigned int other;

	for_each_online_cpu(other)
		if (topology_logical_package_id(other) !=
		    topology_logical_package_id(cpu))
			return other;
	return nr_cpu_ids;
}

/*
 * The packages TDX needs against sets of CPUs, on the machine's own
 * topology (the platform's view of which CPU is in which package).
 */
static void policy_pkgs_need_a_cpu(struct kunit *test)
{
	unsigned int p0 = topology_logical_package_id(0), cpu1, p1;
	unsigned long *pkgs = alloc_pkgs(test);
	struct cpumask *cpus = alloc_cpus(test);

	__set_bit(p0, pkgs);
	cpumask_set_cpu(0, cpus);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, nr_cpu_ids),
			nr_cpu_ids);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, 0), p0);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, 1), nr_cpu_ids);

	cpu1 = cpu_elsewhere(0);
	if (cpu1 == nr_cpu_ids)
		kunit_skip(test, "one package: the second half needs two");
	p1 = topology_logical_package_id(cpu1);

	/* A package TDX does not need never counts. */
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, cpu1), nr_cpu_ids);
	__set_bit(p1, pkgs);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, nr_cpu_ids), p1);
	cpumask_set_cpu(cpu1, cpus);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, nr_cpu_ids),
			nr_cpu_ids);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, cpu1), p1);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, 0), p0);
}

/* Package ids up to nr_cpu_ids - 1 are looked at, beyond 64 too. */
static void policy_pkgs_high_ids(struct kunit *test)
{
	unsigned long *pkgs = alloc_pkgs(test);
	struct cpumask *cpus = alloc_cpus(test);
	unsigned int last = nr_cpu_ids - 1, cpu;

	for_each_online_cpu(cpu)
		if (topology_logical_package_id(cpu) == last)
			kunit_skip(test, "package %u has a CPU", last);
	cpumask_copy(cpus, cpu_online_mask);
	__set_bit(last, pkgs);
	KUNIT_EXPECT_EQ(test, tdx_pkgs_first_without_cpu(pkgs, cpus, nr_cpu_ids), last);
}

static struct kunit_case tdx_policy_cases[] = {
	KUNIT_CASE(policy_offline_table),
	KUNIT_CASE(policy_sleep_table),
	KUNIT_CASE(policy_pkgs_need_a_cpu),
	KUNIT_CASE(policy_pkgs_high_ids),
	{}
};

static struct kunit_suite tdx_policy_suite = {
	.name = "tdx_policy",
	.test_cases = tdx_policy_cases,
};

kunit_test_suite(tdx_policy_suite);

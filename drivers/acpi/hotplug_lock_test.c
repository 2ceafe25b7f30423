// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for locked ACPI hotplug profiles. They work on profiles of
 * their own, never on the registered ones.
 */

#include <kunit/test.h>
#include <linux/acpi.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>

#include "internal.h"

static void hotplug_lock_then_enable(struct kunit *test)
{
	struct acpi_hotplug_profile p = { .enabled = true };

	acpi_scan_hotplug_lock(&p, "test");
	KUNIT_EXPECT_FALSE(test, p.enabled);
	KUNIT_EXPECT_TRUE(test, p.locked);

	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, true), -EPERM);
	KUNIT_EXPECT_FALSE(test, p.enabled);
	KUNIT_EXPECT_TRUE(test, p.locked);
}

static void hotplug_lock_then_disable(struct kunit *test)
{
	struct acpi_hotplug_profile p = { .enabled = true };

	acpi_scan_hotplug_lock(&p, "test");
	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, false), 0);
	KUNIT_EXPECT_FALSE(test, p.enabled);
	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, false), 0);
	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, true), -EPERM);
	KUNIT_EXPECT_FALSE(test, p.enabled);
}

static void hotplug_lock_idempotent(struct kunit *test)
{
	struct acpi_hotplug_profile p = { .enabled = true };

	acpi_scan_hotplug_lock(&p, "test");
	acpi_scan_hotplug_lock(&p, "test");
	KUNIT_EXPECT_FALSE(test, p.enabled);
	KUNIT_EXPECT_TRUE(test, p.locked);
	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, true), -EPERM);
}

static void hotplug_unlocked_toggles(struct kunit *test)
{
	struct acpi_hotplug_profile p = { .enabled = true };

	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, false), 0);
	KUNIT_EXPECT_FALSE(test, p.enabled);
	KUNIT_EXPECT_EQ(test, acpi_scan_hotplug_set(&p, true), 0);
	KUNIT_EXPECT_TRUE(test, p.enabled);
	KUNIT_EXPECT_FALSE(test, p.locked);
}

struct set_from_thread {
	struct acpi_hotplug_profile p;
	struct completion done;
	int ret;
};

static int set_enabled_thread(void *data)
{
	struct set_from_thread *s = data;

	s->ret = acpi_scan_hotplug_set(&s->p, true);
	complete(&s->done);
	return 0;
}

/*
 * The sysfs path reads the lock under acpi_scan_lock: while the test holds
 * that lock, a write of 1 cannot complete; once released, it fails.
 */
static void hotplug_lock_read_under_scan_lock(struct kunit *test)
{
	struct set_from_thread *s;
	struct task_struct *t;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	init_completion(&s->done);
	acpi_scan_hotplug_lock(&s->p, "test");

	acpi_scan_lock_acquire();
	t = kthread_run(set_enabled_thread, s, "acpi_hp_lock_test");
	if (IS_ERR(t)) {
		acpi_scan_lock_release();
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&s->done,
							  msecs_to_jiffies(200)), 0UL);
	acpi_scan_lock_release();

	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s->done, 10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, s->ret, -EPERM);
	KUNIT_EXPECT_FALSE(test, s->p.enabled);
}

static struct kunit_case acpi_hotplug_lock_cases[] = {
	KUNIT_CASE(hotplug_lock_then_enable),
	KUNIT_CASE(hotplug_lock_then_disable),
	KUNIT_CASE(hotplug_lock_idempotent),
	KUNIT_CASE(hotplug_unlocked_toggles),
	KUNIT_CASE(hotplug_lock_read_under_scan_lock),
	{}
};

static struct kunit_suite acpi_hotplug_lock_suite = {
	.name = "acpi_hotplug_lock",
	.test_cases = acpi_hotplug_lock_cases,
};

kunit_test_suite(acpi_hotplug_lock_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * TDX host support, as userspace sees it: detection (the cpuinfo flag and
 * the kernel's message agree, and with the emulated platform's settings),
 * ACPI memory and CPU hotplug locked out when the BIOS enabled TDX, and a
 * kernel without TDX leaving ACPI hotplug and sleep states alone.
 *
 * Needs root (kernel log, sysfs writes). The emulated platform is the
 * kernel booted with tdx_emulate (CONFIG_INTEL_TDX_HOST_EMULATION);
 * tests that need it, or need TDX to be absent, skip elsewhere.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/suspend_ioctls.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define EMUL_KEYIDS	"/sys/kernel/debug/tdx_emul/keyid_partitioning"
#define EMUL_TDS	"/sys/kernel/debug/tdx_emul/tds"
#define HOTPLUG_DIR	"/sys/firmware/acpi/hotplug"
#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Is "tdx_host_platform" among the boot CPU's flags in /proc/cpuinfo? */
static bool cpuinfo_has_tdx(void)
{
	bool found = false;
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return false;
	while (getline(&line, &len, f) > 0) {
		if (strncmp(line, "flags", 5))
			continue;
		found = strstr(line, " tdx_host_platform ") ||
			strstr(line, " tdx_host_platform\n");
		break;
	}
	free(line);
	fclose(f);
	return found;
}

/* The kernel log, NUL-terminated; the caller frees it. */
static char *kernel_log(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	int n;

	if (size <= 0)
		return NULL;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * The detection line "virt/tdx: BIOS enabled TDX: private KeyIDs [a, b)".
 * Returns true and the range if the log has it.
 */
static bool log_keyid_range(const char *log, unsigned int *start, unsigned int *end)
{
	const char *p = strstr(log, "virt/tdx: BIOS enabled TDX: private KeyIDs [");

	if (!p)
		return false;
	return sscanf(strchr(p, '['), "[%u, %u)", start, end) == 2;
}

static bool emulated_platform(unsigned long long *msr)
{
	char buf[64];

	/* debugfs may not be mounted yet; mounting it twice is harmless. */
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (read_file(EMUL_KEYIDS, buf, sizeof(buf)))
		return false;
	*msr = strtoull(buf, NULL, 0);
	return true;
}

/* The cpuinfo flag and the kernel's message tell the same story. */
TEST(detection_consistent)
{
	unsigned int start, end;
	bool flag, line;
	char *log;

	log = kernel_log();
	ASSERT_NE(NULL, log) TH_LOG("cannot read the kernel log: %s", strerror(errno));

	flag = cpuinfo_has_tdx();
	line = log_keyid_range(log, &start, &end);
	EXPECT_EQ(flag, line) TH_LOG("cpuinfo flag %d, detection message %d", flag, line);
	if (line) {
		EXPECT_LE(start + 2, end) TH_LOG("KeyID range [%u, %u) is too small", start, end);
		EXPECT_LE(1, start);
	}
	free(log);
}

/* The emulated platform reports the KeyID range it was booted with. */
TEST(emulated_keyid_range)
{
	unsigned int start, end, nr_mktme, nr_tdx;
	unsigned long long msr;
	char *log;

	if (!emulated_platform(&msr))
		SKIP(return, "not the emulated TDX platform (boot with tdx_emulate)");

	nr_mktme = msr & 0xffffffff;
	nr_tdx = msr >> 32;
	log = kernel_log();
	ASSERT_NE(NULL, log);
	ASSERT_NE(NULL, strstr(log, "EMULATED TDX PLATFORM"));

	if (nr_tdx >= 2 && nr_mktme + nr_tdx <= 0xffff) {
		ASSERT_TRUE(log_keyid_range(log, &start, &end));
		EXPECT_EQ(nr_mktme + 1, start);
		EXPECT_EQ(nr_mktme + 1 + nr_tdx, end);
		EXPECT_TRUE(cpuinfo_has_tdx());
	} else {
		/* An unusable range is reported and not used. */
		EXPECT_FALSE(log_keyid_range(log, &start, &end));
		EXPECT_FALSE(cpuinfo_has_tdx());
		if (nr_tdx)
			EXPECT_NE(NULL, strstr(log, "TDX is not usable"));
	}
	free(log);
}

static void toggle_profile(struct __test_metadata *_metadata, const char *name)
{
	char path[128], val[16], orig[16];

	snprintf(path, sizeof(path), HOTPLUG_DIR "/%s/enabled", name);
	if (read_file(path, orig, sizeof(orig)))
		SKIP(return, "no ACPI %s hotplug profile", name);

	ASSERT_EQ(0, write_file(path, "0"));
	ASSERT_EQ(0, read_file(path, val, sizeof(val)));
	EXPECT_STREQ("0\n", val);
	ASSERT_EQ(0, write_file(path, "1"));
	ASSERT_EQ(0, read_file(path, val, sizeof(val)));
	EXPECT_STREQ("1\n", val);
	EXPECT_EQ(0, write_file(path, orig));
}

/* Without TDX, the ACPI hotplug profiles toggle as they always did. */
TEST(absent_acpi_memory_hotplug_untouched)
{
	if (cpuinfo_has_tdx())
		SKIP(return, "TDX is enabled on this boot");
	toggle_profile(_metadata, "memory");
}

TEST(absent_acpi_processor_hotplug_untouched)
{
	if (cpuinfo_has_tdx())
		SKIP(return, "TDX is enabled on this boot");
	toggle_profile(_metadata, "processor");
}

/*
 * With TDX, the profile is disabled and locked: 1 is refused with EPERM,
 * 0 is accepted, anything else is EINVAL, and the log says why.
 */
static void locked_profile(struct __test_metadata *_metadata, const char *name)
{
	char path[128], val[16], msg[96];
	char *log;

	snprintf(path, sizeof(path), HOTPLUG_DIR "/%s/enabled", name);
	if (read_file(path, val, sizeof(val)))
		SKIP(return, "no ACPI %s hotplug profile", name);
	EXPECT_STREQ("0\n", val);

	EXPECT_EQ(-EPERM, write_file(path, "1"));
	ASSERT_EQ(0, read_file(path, val, sizeof(val)));
	EXPECT_STREQ("0\n", val);
	EXPECT_EQ(0, write_file(path, "0"));
	EXPECT_EQ(-EINVAL, write_file(path, "2"));
	EXPECT_EQ(-EINVAL, write_file(path, "on"));
	ASSERT_EQ(0, read_file(path, val, sizeof(val)));
	EXPECT_STREQ("0\n", val);

	log = kernel_log();
	ASSERT_NE(NULL, log);
	snprintf(msg, sizeof(msg), "ACPI: %s hotplug disabled and locked: Intel TDX", name);
	EXPECT_NE(NULL, strstr(log, msg)) TH_LOG("no '%s' in the kernel log", msg);
	free(log);
}

TEST(tdx_acpi_memory_hotplug_locked)
{
	if (!cpuinfo_has_tdx())
		SKIP(return, "the BIOS did not enable TDX on this boot");
	locked_profile(_metadata, "memory");
}

TEST(tdx_acpi_processor_hotplug_locked)
{
	if (!cpuinfo_has_tdx())
		SKIP(return, "the BIOS did not enable TDX on this boot");
	locked_profile(_metadata, "processor");
}

/* Without TDX, every sleep state the platform offers can be chosen. */
TEST(absent_sleep_states_untouched)
{
	char states[128], mem_sleep[128], val[128], *tok, *save;
	char orig[32] = "";

	if (cpuinfo_has_tdx())
		SKIP(return, "TDX is enabled on this boot");
	if (read_file("/sys/power/state", states, sizeof(states)))
		SKIP(return, "no /sys/power/state (CONFIG_PM_SLEEP off)");
	EXPECT_NE(NULL, strstr(states, "freeze"));

	if (read_file("/sys/power/mem_sleep", mem_sleep, sizeof(mem_sleep)))
		return;
	for (tok = strtok_r(mem_sleep, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save)) {
		char want[40];

		if (tok[0] == '[') {
			snprintf(orig, sizeof(orig), "%.*s", (int)strlen(tok) - 2, tok + 1);
			tok = orig;
		}
		ASSERT_EQ(0, write_file("/sys/power/mem_sleep", tok));
		ASSERT_EQ(0, read_file("/sys/power/mem_sleep", val, sizeof(val)));
		snprintf(want, sizeof(want), "[%s]", tok);
		EXPECT_NE(NULL, strstr(val, want))
			TH_LOG("mem_sleep is '%s' after writing %s", val, tok);
	}
	if (orig[0])
		EXPECT_EQ(0, write_file("/sys/power/mem_sleep", orig));
}

/*
 * User space hibernation is a sequence of ioctls on /dev/snapshot. With a
 * TD, opening it to hibernate fails at once. Without one it opens, but a
 * TD created after SNAPSHOT_FREEZE (by the snapshot process itself, which
 * is not frozen) must still keep SNAPSHOT_CREATE_IMAGE from making an
 * image: the TDX module does not survive the hibernation it is for. The
 * veto comes from a syscore suspend callback, and 6.1's create_image()
 * does not pass that error on (arch_resume_nosmt() overwrites it): the
 * ioctl then returns 0 with in_suspend 0, "resumed", and there is no
 * image. Either that or EBUSY is right; an image (in_suspend 1) is not.
 *
 * The fixture destroys a TD the test leaves behind, so that a failure here
 * does not fail every later test. The snapshot's preallocation alone takes
 * half a minute under QEMU TCG: the test has a timeout of its own.
 */
FIXTURE(uswsusp)
{
	int fd;
	bool td;
};

FIXTURE_SETUP(uswsusp)
{
	self->fd = -1;
}

FIXTURE_TEARDOWN(uswsusp)
{
	if (self->fd >= 0) {
		ioctl(self->fd, SNAPSHOT_UNFREEZE, 0);
		close(self->fd);
	}
	if (self->td)
		EXPECT_EQ(0, write_file(EMUL_TDS, "destroy"));
}

/* How many "tds: <n>" the emulated platform lists. */
static int tds_alive(void)
{
	char buf[512];
	unsigned int n;

	if (read_file(EMUL_TDS, buf, sizeof(buf)) || sscanf(buf, "tds: %u", &n) != 1)
		return -1;
	return n;
}

TEST_F_TIMEOUT(uswsusp, emulated_td_after_freeze, 300)
{
	int in_suspend = -1, ret, err, fd;
	unsigned long long msr;
	char *log;

	/* In the test, not the setup: 6.1's harness runs a test its setup skipped. */
	if (!emulated_platform(&msr))
		SKIP(return, "not the emulated TDX platform");
	if (access("/dev/snapshot", F_OK))
		SKIP(return, "no /dev/snapshot (CONFIG_HIBERNATION off)");

	ASSERT_EQ(0, write_file(EMUL_TDS, "create"));
	self->td = true;
	fd = open("/dev/snapshot", O_RDONLY);
	err = errno;
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, write_file(EMUL_TDS, "destroy"));
	self->td = false;
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EBUSY, err) TH_LOG("open(/dev/snapshot) with a TD: %s", strerror(err));

	self->fd = open("/dev/snapshot", O_RDONLY);
	ASSERT_LE(0, self->fd) TH_LOG("open(/dev/snapshot) without TDs: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, SNAPSHOT_FREEZE, 0))
		TH_LOG("SNAPSHOT_FREEZE: %s", strerror(errno));
	ret = write_file(EMUL_TDS, "create");
	ASSERT_EQ(0, ret) TH_LOG("creating a TD after the freeze: %s", strerror(-ret));
	self->td = true;

	ret = ioctl(self->fd, SNAPSHOT_CREATE_IMAGE, &in_suspend);
	err = errno;
	if (!ret) {
		ioctl(self->fd, SNAPSHOT_FREE, 0);
		EXPECT_EQ(0, in_suspend)
			TH_LOG("SNAPSHOT_CREATE_IMAGE made an image with a TD alive");
	} else {
		EXPECT_EQ(EBUSY, err) TH_LOG("SNAPSHOT_CREATE_IMAGE: %s", strerror(err));
	}
	EXPECT_EQ(1, tds_alive());
	log = kernel_log();
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "System core suspend callback tdx_syscore_suspend"))
		TH_LOG("the kernel log does not show the syscore veto");
	free(log);
}

TEST_HARNESS_MAIN

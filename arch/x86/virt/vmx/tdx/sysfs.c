// SPDX-License-Identifier: GPL-2.0
/*
 * The TDX host state in sysfs: /sys/devices/platform/tdx_host/.
 *
 * Read-only, and no file issues a SEAMCALL: everything shown is what the
 * kernel already holds (the BIOS's KeyID partitioning, the module's state,
 * the metadata and the TDMRs of its initialization). The device exists
 * when the BIOS enabled TDX. Addresses are for root only.
 *
 * See Documentation/ABI/testing/sysfs-devices-platform-tdx_host.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include "tdx.h"

/* Every file but the KeyID ones reads the module under its lock. */
static struct tdx_module *tdx_sysfs_lock(void)
{
	struct tdx_module *m = &tdx_platform_module;

	if (mutex_lock_killable(&m->lock))
		return NULL;
	return m;
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
		[TDX_MODULE_UNINITIALIZED]	= "uninitialized",
		[TDX_MODULE_INITIALIZED]	= "initialized",
		[TDX_MODULE_ERROR]		= "failed",
		[TDX_MODULE_LOST]		= "lost",
	};
	enum tdx_module_status status = READ_ONCE(tdx_platform_module.status);

	return sysfs_emit(buf, "%s\n", names[status]);
}
static DEVICE_ATTR_RO(state);

static ssize_t failure_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct tdx_module *m = tdx_sysfs_lock();
	char name[32];
	ssize_t ret;

	if (!m)
		return -EINTR;
	if (m->status != TDX_MODULE_ERROR) {
		ret = -ENODATA;
	} else if (m->fail_leaf) {
		seamcall_status_name(name, sizeof(name), m->fail_status);
		ret = sysfs_emit(buf, "%s: %s\n", seamcall_leaf_name(m->fail_leaf), name);
	} else {
		ret = sysfs_emit(buf, "%s: %pe\n", m->fail_step ?: "initialization",
				 ERR_PTR(m->err));
	}
	mutex_unlock(&m->lock);
	return ret;
}
static DEVICE_ATTR_RO(failure);

static ssize_t version_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct tdx_module *m = tdx_sysfs_lock();
	ssize_t ret = -ENODATA;

	if (!m)
		return -EINTR;
	/* The format of upstream's tdx_host device: major.minor.update. */
	if (m->info_valid)
		ret = sysfs_emit(buf, "%u.%u.%02u\n", m->info.major, m->info.minor,
				 m->info.update);
	mutex_unlock(&m->lock);
	return ret;
}
static DEVICE_ATTR_RO(version);

static ssize_t build_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct tdx_module *m = tdx_sysfs_lock();
	ssize_t ret = -ENODATA;

	if (!m)
		return -EINTR;
	if (m->info_valid)
		ret = sysfs_emit(buf, "%u %08u\n", m->info.build_num, m->info.build_date);
	mutex_unlock(&m->lock);
	return ret;
}
static DEVICE_ATTR_RO(build);

static ssize_t features0_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct tdx_module *m = tdx_sysfs_lock();
	ssize_t ret = -ENODATA;

	if (!m)
		return -EINTR;
	if (m->info_valid)
		ret = sysfs_emit(buf, "%#llx\n", m->info.features0);
	mutex_unlock(&m->lock);
	return ret;
}
static DEVICE_ATTR_RO(features0);

static ssize_t private_keyids_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u-%u\n", tdx_keyids.start,
			  tdx_keyids.start + tdx_keyids.nr - 1);
}
static DEVICE_ATTR_RO(private_keyids);

static ssize_t keyids_free_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	/* The first private KeyID is the TDX module's own. */
	unsigned int held = tdx_nr_tds() + 1;

	return sysfs_emit(buf, "%u\n", tdx_keyids.nr > held ? tdx_keyids.nr - held : 0);
}
static DEVICE_ATTR_RO(keyids_free);

static ssize_t nr_tds_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", tdx_nr_tds());
}
static DEVICE_ATTR_RO(nr_tds);

static ssize_t pamt_bytes_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	struct tdx_module *m = tdx_sysfs_lock();
	ssize_t len = 0;
	unsigned int i;
	int nid;

	if (!m)
		return -EINTR;
	for_each_node_state(nid, N_MEMORY) {
		u64 bytes = 0;

		for (i = 0; i < m->tdmrs.nr_tdmrs; i++) {
			const struct tdmr_info *tdmr = tdmr_entry(&m->tdmrs, i);

			if (m->tdmrs.nid[i] == nid)
				bytes += tdmr->pamt_4k_size + tdmr->pamt_2m_size +
					 tdmr->pamt_1g_size;
		}
		len += sysfs_emit_at(buf, len, "node%d %llu\n", nid, bytes);
	}
	mutex_unlock(&m->lock);
	return len;
}
static DEVICE_ATTR_RO(pamt_bytes);

static ssize_t cmrs_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct tdx_module *m = tdx_sysfs_lock();
	ssize_t len = 0;
	unsigned int i;

	if (!m)
		return -EINTR;
	if (!m->info_valid)
		len = -ENODATA;
	for (i = 0; m->info_valid && i < m->info.nr_cmrs; i++)
		len += sysfs_emit_at(buf, len, "%#llx-%#llx\n", m->info.cmrs[i].base,
				     m->info.cmrs[i].base + m->info.cmrs[i].size - 1);
	mutex_unlock(&m->lock);
	return len;
}
static DEVICE_ATTR_ADMIN_RO(cmrs);

/*
 * One TDMR and its reserved areas, in at most this many bytes: the TDMR line
 * is four 18-character addresses, a node id and 15 characters of text (at
 * most 98 bytes with any int), a reserved-area line two addresses and 13.
 */
#define TDMR_TEXT_MAX(nr_reserved)	(128 + (nr_reserved) * 64)

static size_t tdmr_text(char *buf, size_t size, const struct tdmr_info *tdmr,
			int nid, unsigned int nr_reserved)
{
	u64 pamt = tdmr->pamt_4k_size + tdmr->pamt_2m_size + tdmr->pamt_1g_size;
	size_t len;
	unsigned int i;

	len = scnprintf(buf, size, "%#llx-%#llx node %d pamt %#llx-%#llx\n",
			tdmr->base, tdmr->base + tdmr->size - 1, nid,
			tdmr->pamt_4k_base, tdmr->pamt_4k_base + pamt - 1);
	for (i = 0; i < nr_reserved && tdmr->reserved_areas[i].size; i++) {
		const struct tdmr_reserved_area *r = &tdmr->reserved_areas[i];

		len += scnprintf(buf + len, size - len, "  reserved %#llx-%#llx\n",
				 tdmr->base + r->offset,
				 tdmr->base + r->offset + r->size - 1);
	}
	return len;
}

/*
 * 64 TDMRs with 16 reserved areas each do not fit in a page: a binary
 * attribute, with the text made again for each read.
 */
static ssize_t tdmrs_read(struct file *file, struct kobject *kobj,
			  struct bin_attribute *attr, char *buf, loff_t off,
			  size_t count)
{
	struct tdx_module *m = tdx_sysfs_lock();
	unsigned int nr_reserved, i;
	size_t size, len = 0;
	ssize_t ret;
	char *text;

	if (!m)
		return -EINTR;
	nr_reserved = m->info.max_reserved_per_tdmr;
	size = m->tdmrs.nr_tdmrs * TDMR_TEXT_MAX(nr_reserved) + 1;
	text = kvmalloc(size, GFP_KERNEL);
	if (!text) {
		mutex_unlock(&m->lock);
		return -ENOMEM;
	}
	for (i = 0; i < m->tdmrs.nr_tdmrs; i++)
		len += tdmr_text(text + len, size - len, tdmr_entry(&m->tdmrs, i),
				 m->tdmrs.nid[i], nr_reserved);
	mutex_unlock(&m->lock);
	ret = memory_read_from_buffer(buf, count, &off, text, len);
	kvfree(text);
	return ret;
}
static BIN_ATTR_ADMIN_RO(tdmrs, 0);

static struct attribute *tdx_host_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_failure.attr,
	&dev_attr_version.attr,
	&dev_attr_build.attr,
	&dev_attr_features0.attr,
	&dev_attr_private_keyids.attr,
	&dev_attr_keyids_free.attr,
	&dev_attr_nr_tds.attr,
	&dev_attr_pamt_bytes.attr,
	&dev_attr_cmrs.attr,
	NULL,
};

static struct bin_attribute *tdx_host_bin_attrs[] = {
	&bin_attr_tdmrs,
	NULL,
};

static const struct attribute_group tdx_host_group = {
	.attrs		= tdx_host_attrs,
	.bin_attrs	= tdx_host_bin_attrs,
};

static const struct attribute_group *tdx_host_groups[] = {
	&tdx_host_group,
	NULL,
};

/*
 * A device without a driver: what 6.14's faux bus was made for, and the
 * name upstream's tdx_host device has. On 6.1 a platform device, with its
 * attributes in place before the uevent.
 */
static int __init tdx_sysfs_init(void)
{
	struct platform_device *pdev;
	int ret;

	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;

	pdev = platform_device_alloc("tdx_host", PLATFORM_DEVID_NONE);
	if (!pdev)
		return -ENOMEM;
	pdev->dev.groups = tdx_host_groups;
	ret = platform_device_add(pdev);
	if (ret) {
		pr_warn("cannot register the tdx_host device (%d): the TDX state is not in sysfs\n",
			ret);
		platform_device_put(pdev);
	}
	return ret;
}
device_initcall(tdx_sysfs_init);

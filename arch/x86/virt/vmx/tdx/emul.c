// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated TDX platform, to test TDX host support without TDX hardware.
 *
 * Booting with ``tdx_emulate`` makes the kernel see a BIOS that enabled
 * TDX (an emulated IA32_MKTME_KEYID_PARTITIONING) and routes every
 * SEAMCALL to a software model of the TDX module instead of the
 * instruction. The model keeps the module's state machine and answers
 * with the status codes of the TDX module ABI, so the kernel's TDX code
 * runs as it would on hardware. It isolates nothing: never use it outside
 * tests.
 *
 * Any SEAMCALL can be failed through the fault injection framework:
 * /sys/kernel/debug/tdx_emul/fail_seamcall/ selects when,
 * fail_seamcall_leaf which leaf (all ones: any) and fail_seamcall_status
 * the status returned instead of calling the model.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tdx_hotplug.h>
#include <linux/topology.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include "emul.h"

/* Written once while parsing the command line. */
static bool tdx_emul_enabled __ro_after_init;
static u32 tdx_emul_nr_mktme __ro_after_init = 31;
static u32 tdx_emul_nr_tdx __ro_after_init = 32;
static u64 tdx_emul_msr __ro_after_init;

/* The platform's emulated TDX module. */
static struct tdx_emul tdx_emul_module;

static int __init tdx_emulate_setup(char *arg)
{
	if (arg && sscanf(arg, "%u,%u", &tdx_emul_nr_mktme, &tdx_emul_nr_tdx) != 2) {
		pr_err("tdx_emulate=%s: expected <MKTME KeyIDs>,<TDX KeyIDs>; TDX not emulated\n",
		       arg);
		return -EINVAL;
	}
	tdx_emul_msr = (u64)tdx_emul_nr_tdx << 32 | tdx_emul_nr_mktme;
	tdx_emul_enabled = true;
	return 0;
}
early_param("tdx_emulate", tdx_emulate_setup);

/**
 * tdx_emul_active() - Is the TDX platform emulated?
 *
 * Context: Any context.
 * Return: true if the kernel was booted with ``tdx_emulate``.
 */
bool tdx_emul_active(void)
{
	return tdx_emul_enabled;
}

/**
 * tdx_emul_keyid_partitioning() - Read the emulated KeyID partitioning
 * @msr:	the emulated value of IA32_MKTME_KEYID_PARTITIONING
 *
 * Also taints the kernel (TAINT_TEST) and says loudly that TDX is
 * emulated: nothing that follows is protected by TDX.
 *
 * Context: Early boot, from tdx_init().
 * Return: 0.
 */
int __init tdx_emul_keyid_partitioning(u64 *msr)
{
	pr_warn("**********************************************************\n");
	pr_warn("**  EMULATED TDX PLATFORM (tdx_emulate): FOR TESTS ONLY  **\n");
	pr_warn("**  There is no TDX module and no isolation of any kind. **\n");
	pr_warn("**********************************************************\n");
	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	*msr = tdx_emul_msr;
	return 0;
}

/**
 * tdx_emul_platform() - The platform's emulated TDX module
 *
 * Context: Any context.
 * Return: the model behind seamcall() when the TDX platform is emulated,
 * NULL otherwise.
 */
struct tdx_emul *tdx_emul_platform(void)
{
	return tdx_emul_enabled ? &tdx_emul_module : NULL;
}

/**
 * tdx_emul_model_init() - Reset a model to a freshly loaded TDX module
 * @emul:	the model
 * @nr_pkgs:	number of packages the platform reports
 * @pkg_fms:	family/model/stepping (CPUID(1).EAX) the platform reports
 *
 * Fault injection starts disabled, with any leaf and TDX_OPERAND_INVALID
 * selected.
 *
 * Context: Process context; nobody may use @emul concurrently.
 */
void tdx_emul_model_init(struct tdx_emul *emul, u16 nr_pkgs, u32 pkg_fms)
{
	raw_spin_lock_init(&emul->lock);
	emul->state = TDX_EMUL_NONE;
	cpumask_clear(&emul->lp_init_done);
	emul->nr_pkgs = nr_pkgs;
	emul->pkg_fms = pkg_fms;
	emul->fail = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	emul->fail_leaf = U64_MAX;
	emul->fail_status = TDX_OPERAND_INVALID;
}

/* Leaf numbers the TDX module 1.5 ABI defines for the host. */
static bool tdx_emul_leaf_exists(u64 leaf)
{
	return leaf <= 45 || leaf == 48 || leaf == 49 || leaf == 52 ||
	       leaf == 53 || leaf == 61 || (leaf >= 64 && leaf <= 96);
}

/*
 * Global metadata fields (TDH.SYS.RD). Bits 33:32 of an id give the
 * element size: 0 = 8, 1 = 16, 2 = 32, 3 = 64 bits.
 */
#define MD_NUM_PKGS			0x0000000200000000ULL
#define MD_PKG_FMS			0x0000000200000001ULL
#define MD_VENDOR_ID			0x0800000200000000ULL
#define MD_BUILD_DATE			0x8800000200000001ULL
#define MD_BUILD_NUM			0x8800000100000002ULL
#define MD_MINOR_VERSION		0x0800000100000003ULL
#define MD_MAJOR_VERSION		0x0800000100000004ULL
#define MD_UPDATE_VERSION		0x0800000100000005ULL
#define MD_INTERNAL_VERSION		0x0800000100000006ULL
#define MD_SYS_ATTRIBUTES		0x0A00000200000000ULL
#define MD_NUM_TDX_FEATURES		0x0A00000000000001ULL
#define MD_TDX_FEATURES0		0x0A00000300000008ULL
#define MD_MAX_TDMRS			0x9100000100000008ULL
#define MD_MAX_RESERVED_PER_TDMR	0x9100000100000009ULL
#define MD_PAMT_4K_ENTRY_SIZE		0x9100000100000010ULL
#define MD_PAMT_2M_ENTRY_SIZE		0x9100000100000011ULL
#define MD_PAMT_1G_ENTRY_SIZE		0x9100000100000012ULL

/* The emulated module: version 1.5.0, with NO_RBP_MOD (feature bit 18). */
static const u64 tdx_emul_fields[] = {
	MD_NUM_PKGS, MD_PKG_FMS, MD_VENDOR_ID, MD_BUILD_DATE, MD_BUILD_NUM,
	MD_MINOR_VERSION, MD_MAJOR_VERSION, MD_UPDATE_VERSION,
	MD_INTERNAL_VERSION, MD_SYS_ATTRIBUTES, MD_NUM_TDX_FEATURES,
	MD_TDX_FEATURES0, MD_MAX_TDMRS, MD_MAX_RESERVED_PER_TDMR,
	MD_PAMT_4K_ENTRY_SIZE, MD_PAMT_2M_ENTRY_SIZE, MD_PAMT_1G_ENTRY_SIZE,
};

static u64 tdx_emul_field_value(struct tdx_emul *emul, u64 id)
{
	switch (id) {
	case MD_NUM_PKGS:
		return emul->nr_pkgs;
	case MD_PKG_FMS:
		return emul->pkg_fms;
	case MD_VENDOR_ID:
		return 0x8086;
	case MD_BUILD_DATE:
		return 20250101;
	case MD_MINOR_VERSION:
		return 5;
	case MD_MAJOR_VERSION:
		return 1;
	case MD_NUM_TDX_FEATURES:
		return 1;
	case MD_TDX_FEATURES0:
		return BIT_ULL(18);
	case MD_MAX_TDMRS:
		return 64;
	case MD_MAX_RESERVED_PER_TDMR:
		return 16;
	case MD_PAMT_4K_ENTRY_SIZE:
	case MD_PAMT_2M_ENTRY_SIZE:
	case MD_PAMT_1G_ENTRY_SIZE:
		return 16;
	default:
		return 0;
	}
}

static u64 tdx_emul_sys_init(struct tdx_emul *emul, struct tdx_module_args *args)
{
	/* RCX holds attributes, all of them reserved. */
	if (args->rcx)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX;
	if (emul->state != TDX_EMUL_NONE)
		return TDX_SYS_INIT_NOT_PENDING;
	emul->state = TDX_EMUL_SYSINIT_DONE;
	return TDX_SUCCESS;
}

static u64 tdx_emul_lp_init(struct tdx_emul *emul, unsigned int cpu)
{
	/* Accepted only between TDH.SYS.INIT and TDH.SYS.CONFIG. */
	if (emul->state != TDX_EMUL_SYSINIT_DONE)
		return TDX_SYS_LP_INIT_NOT_PENDING;
	if (cpumask_test_and_set_cpu(cpu, &emul->lp_init_done))
		return TDX_SYS_LP_INIT_DONE;
	return TDX_SUCCESS;
}

static u64 tdx_emul_sys_rd(struct tdx_emul *emul, struct tdx_module_args *args)
{
	unsigned int size_code, i;
	u64 id = args->rdx;

	for (i = 0; i < ARRAY_SIZE(tdx_emul_fields); i++) {
		if (tdx_emul_fields[i] == id)
			break;
	}
	if (i == ARRAY_SIZE(tdx_emul_fields))
		return TDX_METADATA_FIELD_NOT_READABLE;

	size_code = (id >> 32) & 3;
	args->r8 = tdx_emul_field_value(emul, id);
	if (size_code < 3)
		args->r8 &= GENMASK_ULL((8 << size_code) - 1, 0);
	/* The next field; the model answers all ones after the last. */
	args->rdx = i + 1 < ARRAY_SIZE(tdx_emul_fields) ? tdx_emul_fields[i + 1] : U64_MAX;
	return TDX_SUCCESS;
}

static bool tdx_emul_should_fail(struct tdx_emul *emul, u64 fn)
{
	if (emul->fail_leaf != U64_MAX && emul->fail_leaf != fn)
		return false;
	return should_fail(&emul->fail, 1);
}

/**
 * tdx_emul_seamcall() - Issue a SEAMCALL to a model
 * @emul:	the model
 * @cpu:	the logical processor issuing it: a possible CPU
 * @fn:		RAX: leaf number (bits 15:0) and version (bits 23:16)
 * @args:	input and output registers
 *
 * After tdx_emul_lose_state(), every SEAMCALL fails with VMfailInvalid, as
 * on a platform whose TDX module is gone. Otherwise, a SEAMCALL before
 * TDH.SYS.LP.INIT on @cpu fails, except TDH.SYS.INIT and TDH.SYS.LP.INIT
 * themselves. Leaves of the ABI that the model does not implement answer
 * TDX_SYS_NOT_READY, as the module does before its configuration is
 * complete; numbers that are no leaf, and reserved RAX bits, answer
 * TDX_OPERAND_INVALID for RAX.
 *
 * Context: Any context; takes @emul->lock (a raw spinlock).
 * Return: the TDX module status.
 */
u64 tdx_emul_seamcall(struct tdx_emul *emul, unsigned int cpu, u64 fn,
		      struct tdx_module_args *args)
{
	unsigned long flags;
	u64 ret;

	if (WARN_ON_ONCE(cpu >= nr_cpu_ids))
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;
	if (tdx_emul_should_fail(emul, fn))
		return emul->fail_status;

	/* None of the leaves modelled so far has a version. */
	if (fn > U16_MAX || !tdx_emul_leaf_exists(fn))
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;

	raw_spin_lock_irqsave(&emul->lock, flags);
	if (emul->lost) {
		ret = TDX_SEAMCALL_VMFAILINVALID;
		goto out;
	}
	if (fn != TDH_SYS_INIT && fn != TDH_SYS_LP_INIT &&
	    !cpumask_test_cpu(cpu, &emul->lp_init_done)) {
		ret = TDX_SYS_LP_INIT_NOT_DONE;
		goto out;
	}

	switch (fn) {
	case TDH_SYS_INIT:
		ret = tdx_emul_sys_init(emul, args);
		break;
	case TDH_SYS_LP_INIT:
		ret = tdx_emul_lp_init(emul, cpu);
		break;
	case TDH_SYS_RD:
		ret = tdx_emul_sys_rd(emul, args);
		break;
	default:
		ret = TDX_SYS_NOT_READY;
		break;
	}
out:
	raw_spin_unlock_irqrestore(&emul->lock, flags);
	return ret;
}

/*
 * TDs for the selftests (debugfs tdx_emul/tds), created and destroyed
 * through tdx_td_keyid_get() and tdx_td_keyid_put(), the path KVM takes.
 * The model records on which packages each TD's KeyID is configured, as
 * TDH.MNG.KEY.CONFIG on one online CPU of each package would. The list is
 * protected by tdx_emul_tds_lock, taken before the policy's locks.
 */
struct tdx_emul_td {
	struct list_head node;
	int keyid;
	unsigned long pkgs;	/* packages with the KeyID configured */
};

static LIST_HEAD(tdx_emul_tds);
static DEFINE_MUTEX(tdx_emul_tds_lock);

/* On each CPU, with IRQs off: keep the first error in @data. */
static void tdx_emul_cpu_enable(void *data)
{
	int ret = tdx_cpu_enable();

	if (ret)
		atomic_cmpxchg(data, 0, ret);
}

static int tdx_emul_td_create(void)
{
	atomic_t err = ATOMIC_INIT(0);
	struct tdx_emul_td *td;
	unsigned int cpu;

	/* What KVM's hardware enabling does on every CPU after VMXON. */
	cpus_read_lock();
	on_each_cpu(tdx_emul_cpu_enable, &err, 1);
	cpus_read_unlock();
	if (atomic_read(&err))
		return atomic_read(&err);

	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		return -ENOMEM;
	td->keyid = tdx_td_keyid_get();
	if (td->keyid < 0) {
		int ret = td->keyid;

		kfree(td);
		return ret;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu)
		__set_bit(topology_logical_package_id(cpu) % BITS_PER_LONG, &td->pkgs);
	cpus_read_unlock();
	list_add_tail(&td->node, &tdx_emul_tds);
	return 0;
}

static int tdx_emul_td_destroy(void)
{
	struct tdx_emul_td *td;

	if (list_empty(&tdx_emul_tds))
		return -ENOENT;
	td = list_last_entry(&tdx_emul_tds, struct tdx_emul_td, node);
	list_del(&td->node);
	tdx_td_keyid_put(td->keyid);
	kfree(td);
	return 0;
}

static ssize_t tdx_emul_tds_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char buf[16];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	mutex_lock(&tdx_emul_tds_lock);
	if (sysfs_streq(buf, "create"))
		ret = tdx_emul_td_create();
	else if (sysfs_streq(buf, "destroy"))
		ret = tdx_emul_td_destroy();
	else
		ret = -EINVAL;
	mutex_unlock(&tdx_emul_tds_lock);
	return ret ? ret : count;
}

/*
 * "tds: <TDs counted by the policy>", "offline packages: <TDX packages
 * without an online CPU>", "lp-initialized cpus: <CPUs the model saw do
 * TDH.SYS.LP.INIT>", then one "keyid <K> packages <mask>" line per TD: one
 * consistent snapshot, taken with CPU hotplug held off.
 */
static int tdx_emul_tds_show(struct seq_file *m, void *unused)
{
	struct tdx_emul_td *td;

	mutex_lock(&tdx_emul_tds_lock);
	cpus_read_lock();
	seq_printf(m, "tds: %d\noffline packages: %u\n", tdx_nr_tds(),
		   tdx_nr_offline_pkgs());
	raw_spin_lock_irq(&tdx_emul_module.lock);
	seq_printf(m, "lp-initialized cpus: %*pbl\n",
		   cpumask_pr_args(&tdx_emul_module.lp_init_done));
	raw_spin_unlock_irq(&tdx_emul_module.lock);
	list_for_each_entry(td, &tdx_emul_tds, node)
		seq_printf(m, "keyid %d packages %#lx\n", td->keyid, td->pkgs);
	cpus_read_unlock();
	mutex_unlock(&tdx_emul_tds_lock);
	return 0;
}

static int tdx_emul_tds_open(struct inode *inode, struct file *file)
{
	return single_open(file, tdx_emul_tds_show, NULL);
}

static const struct file_operations tdx_emul_tds_fops = {
	.owner		= THIS_MODULE,
	.open		= tdx_emul_tds_open,
	.read		= seq_read,
	.write		= tdx_emul_tds_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/**
 * tdx_emul_lose_state() - The platform went through S3 or S4
 *
 * Description: The emulated TDX module is gone, as the real one would be: from
 * now on every SEAMCALL fails with VMfailInvalid.
 *
 * Context: Any context.
 */
void tdx_emul_lose_state(void)
{
	unsigned long flags;

	if (!tdx_emul_enabled)
		return;
	raw_spin_lock_irqsave(&tdx_emul_module.lock, flags);
	tdx_emul_module.lost = true;
	raw_spin_unlock_irqrestore(&tdx_emul_module.lock, flags);
}

static int __init tdx_emul_init(void)
{
	struct dentry *dir;

	if (!tdx_emul_enabled)
		return 0;

	tdx_emul_model_init(&tdx_emul_module, topology_max_packages(),
			    cpuid_eax(1));

	dir = debugfs_create_dir("tdx_emul", NULL);
	fault_create_debugfs_attr("fail_seamcall", dir, &tdx_emul_module.fail);
	debugfs_create_x64("fail_seamcall_leaf", 0600, dir,
			   &tdx_emul_module.fail_leaf);
	debugfs_create_x64("fail_seamcall_status", 0600, dir,
			   &tdx_emul_module.fail_status);
	debugfs_create_x64("keyid_partitioning", 0400, dir, &tdx_emul_msr);
	debugfs_create_file("tds", 0600, dir, NULL, &tdx_emul_tds_fops);
	return 0;
}
arch_initcall(tdx_emul_init);

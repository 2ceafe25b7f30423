// SPDX-License-Identifier: GPL-2.0
/*
 * TDs on the emulated TDX platform, for the selftests and the system tests:
 * /sys/kernel/debug/tdx_emul/tds takes "create", "destroy" and "cycles <N>"
 * (N creations and destructions in a row, timed) and shows the state. A TD
 * is created the way a KVM TD type creates one: every online CPU enters VMX
 * operation (and stays in it, as with KVM while VMs exist) and enables
 * TDX (tdx_cpu_enable()), the TDX module is initialized on first use
 * (tdx_enable()), and tdx_td_create() takes a KeyID, creates the TD in the
 * module and configures its key on every package; tdx_td_destroy() takes
 * it apart. When the last TD is gone every CPU leaves VMX operation, as
 * KVM does after its last VM; like KVM, this lends the core its way into
 * VMX operation for kexec (tdx_set_vmx_ops()). Nothing here talks to the
 * model directly.
 *
 * The list of TDs is protected by tdx_emul_tds_lock, taken before any lock
 * of the kernel's TDX code.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/smp.h>
#include <asm/tdx.h>
#include <asm/tdx_td.h>
#include "model.h"

struct tdx_emul_vm {
	struct list_head node;
	struct tdx_td *td;
};

static LIST_HEAD(tdx_emul_tds);
static DEFINE_MUTEX(tdx_emul_tds_lock);

/* The last "cycles" run: how many, how long, the first error. */
static unsigned int tdx_emul_cycles_done;
static u64 tdx_emul_cycles_ns;
static int tdx_emul_cycles_err;

/* VMX operation as far as the platform knows, lent to the core for kexec. */
static int tdx_emul_ops_vmxon(void)
{
	tdx_emul_vmxon();
	return 0;
}

static void tdx_emul_ops_vmxoff(void)
{
	tdx_emul_vmxoff();
}

static const struct tdx_vmx_ops tdx_emul_vmx_ops = {
	.vmxon = tdx_emul_ops_vmxon,
	.vmxoff = tdx_emul_ops_vmxoff,
};

static void tdx_emul_cpu_vmxoff(void *unused)
{
	tdx_emul_vmxoff();
}

/* On each CPU, with IRQs off: what KVM's hardware enabling does. */
static void tdx_emul_cpu_enable(void *data)
{
	int ret;

	tdx_emul_vmxon();
	ret = tdx_cpu_enable();
	if (ret)
		atomic_cmpxchg(data, 0, ret);
}

static int tdx_emul_td_create(void)
{
	atomic_t err = ATOMIC_INIT(0);
	struct tdx_emul_vm *vm;
	int ret;

	cpus_read_lock();
	on_each_cpu(tdx_emul_cpu_enable, &err, 1);
	ret = atomic_read(&err);
	if (!ret)
		ret = tdx_enable();
	cpus_read_unlock();
	if (ret)
		return ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->td = tdx_td_create();
	if (IS_ERR(vm->td)) {
		ret = PTR_ERR(vm->td);
		kfree(vm);
		return ret;
	}
	list_add_tail(&vm->node, &tdx_emul_tds);
	return 0;
}

static int tdx_emul_td_destroy(void)
{
	struct tdx_emul_vm *vm;

	if (list_empty(&tdx_emul_tds))
		return -ENOENT;
	vm = list_last_entry(&tdx_emul_tds, struct tdx_emul_vm, node);
	list_del(&vm->node);
	tdx_td_destroy(vm->td);
	kfree(vm);
	/* As KVM after its last VM: every CPU leaves VMX operation. */
	if (list_empty(&tdx_emul_tds))
		on_each_cpu(tdx_emul_cpu_vmxoff, NULL, 1);
	return 0;
}

/* @nr creations and destructions in a row; the time goes to the "cycles" line. */
static int tdx_emul_td_cycles(unsigned int nr)
{
	u64 start = ktime_get_ns();
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr && !ret; i++) {
		ret = tdx_emul_td_create();
		if (!ret)
			ret = tdx_emul_td_destroy();
		cond_resched();
	}
	tdx_emul_cycles_done = ret ? i - 1 : i;
	tdx_emul_cycles_ns = ktime_get_ns() - start;
	tdx_emul_cycles_err = ret;
	return ret;
}

static ssize_t tdx_emul_tds_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned int nr;
	char buf[32];
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
	else if (sscanf(buf, "cycles %u", &nr) == 1)
		ret = tdx_emul_td_cycles(nr);
	else
		ret = -EINVAL;
	mutex_unlock(&tdx_emul_tds_lock);
	return ret ? ret : count;
}

/*
 * One snapshot, taken with CPU hotplug held off: "tds: <TDs of this
 * file>", "offline packages: <packages of the platform without an online
 * CPU>" (from the firmware's packages and cpu_online_mask, not from the
 * kernel's TDX accounting), "lp-initialized cpus: <CPUs whose LP the model
 * saw do TDH.SYS.LP.INIT>", "parked: <TDs waiting for a package>",
 * "cycles: <done> <ns> <errno>" of the last "cycles", then "keyid <K>" per
 * TD.
 */
static int tdx_emul_tds_show(struct seq_file *sf, void *unused)
{
	struct tdx_emul *m = tdx_emul_platform();
	unsigned int cpu, lp, nr = 0, off = 0;
	unsigned long *pkg_online;
	struct tdx_emul_vm *vm;
	cpumask_var_t lps;

	pkg_online = bitmap_zalloc(TDX_EMUL_MAX_LPS, GFP_KERNEL);
	if (!pkg_online || !zalloc_cpumask_var(&lps, GFP_KERNEL)) {
		bitmap_free(pkg_online);
		return -ENOMEM;
	}
	mutex_lock(&tdx_emul_tds_lock);
	cpus_read_lock();
	list_for_each_entry(vm, &tdx_emul_tds, node)
		nr++;
	raw_spin_lock_irq(&m->lock);
	for_each_possible_cpu(cpu) {
		for (lp = 0; lp < m->nr_lps; lp++) {
			if (m->lp_apic[lp] != cpu_physical_id(cpu))
				continue;
			if (test_bit(lp, m->lp_init_done))
				cpumask_set_cpu(cpu, lps);
			if (cpu_online(cpu))
				__set_bit(m->lp_pkg[lp], pkg_online);
		}
	}
	off = m->nr_pkgs - bitmap_weight(pkg_online, m->nr_pkgs);
	raw_spin_unlock_irq(&m->lock);
	seq_printf(sf, "tds: %u\noffline packages: %u\n", nr, off);
	seq_printf(sf, "lp-initialized cpus: %*pbl\n", cpumask_pr_args(lps));
	seq_printf(sf, "parked: %u\n", tdx_td_nr_parked());
	seq_printf(sf, "cycles: %u %llu %d\n", tdx_emul_cycles_done, tdx_emul_cycles_ns,
		   tdx_emul_cycles_err);
	list_for_each_entry(vm, &tdx_emul_tds, node)
		seq_printf(sf, "keyid %d\n", tdx_td_keyid(vm->td));
	cpus_read_unlock();
	mutex_unlock(&tdx_emul_tds_lock);
	free_cpumask_var(lps);
	bitmap_free(pkg_online);
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

static int __init tdx_emul_tds_init(void)
{
	if (!tdx_emul_platform())
		return 0;
	debugfs_create_file("tds", 0600, debugfs_lookup("tdx_emul", NULL), NULL,
			    &tdx_emul_tds_fops);
	tdx_set_vmx_ops(&tdx_emul_vmx_ops);
	return 0;
}
late_initcall(tdx_emul_tds_init);

// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a TD in the TDX module, from its KeyID to its last page.
 *
 * A TD's private KeyID (HKID) is programmed into the memory controller of
 * every package (TDH.MNG.KEY.CONFIG on a CPU of each), and before the KeyID
 * can be used again every package must write back and invalidate the
 * cache lines tagged with it (TDH.PHYMEM.CACHE.WB on a CPU of each): the
 * module refuses TDH.MNG.KEY.FREEID until all of them did. Only then are
 * the TD's pages its own no more (TDH.PHYMEM.PAGE.RECLAIM). This is why
 * every package needs an online CPU while TDs exist (hotplug.c).
 *
 * tdx_td_create() and tdx_td_destroy() are that life for a KVM TD type:
 *
 *   create:   KeyID, TDR and TDCS pages; TDH.MNG.CREATE; TDH.MNG.KEY.CONFIG
 *             on one online CPU of every package; TDH.MNG.ADDCX per TDCS
 *             page. KVM then initializes the TD (tdh_mng_init()) and adds
 *             its vCPUs and memory.
 *   destroy:  (KVM flushed its vCPUs, TDH.VP.FLUSH) TDH.MNG.VPFLUSHDONE;
 *             TDH.PHYMEM.CACHE.WB on one online CPU of every package;
 *             TDH.MNG.KEY.FREEID; the KeyID back in the pool; every page
 *             reclaimed, written back and cleared, the TDR last.
 *
 * A TD counts for the CPU offline and sleep policy from the moment its
 * KeyID is allocated, right before its first key configuration, until the
 * module freed the KeyID. When a package has no online CPU anyway at
 * teardown (the policy prevents that; firmware or a bug may not), the
 * module refuses to free the KeyID: the TD is parked, still counted, and
 * its teardown is retried whenever a CPU comes online or enables TDX; so
 * is a TD whose teardown met a CPU outside VMX operation. Nothing is
 * leaked silently: a page the module does not give back stays out of the
 * page allocator, with a message that names the TD's KeyID.
 *
 * Locking: tdx_td_lock serializes every TD's creation and teardown. The
 * module takes its global lock in TDH.MNG.CREATE, KEY.CONFIG, CACHE.WB and
 * KEY.FREEID, and would answer TDX_OPERAND_BUSY to a second caller. It is
 * taken inside cpus_read_lock(), so CPUs neither come nor go while a TD's
 * per-package SEAMCALLs run; KVM may hold kvm->lock around both calls
 * (it does around KVM_TDX_INIT_VM).
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/special_insns.h>
#include <asm/tdx_td.h>
#include "tdx.h"

/* How often an interrupted TDH.PHYMEM.CACHE.WB is resumed before giving up. */
#define TDX_TD_WB_ATTEMPTS	10000

static DEFINE_MUTEX(tdx_td_lock);
/*
 * TDs whose KeyID waits for a package to come back, and how many: written
 * under tdx_td_lock; the count is read without it.
 */
static LIST_HEAD(tdx_td_parked_list);
static unsigned int tdx_td_parked;

static int tdh_errno(u64 fn, struct tdx_module_args *args, u64 *status)
{
	u64 ret;
	int err = seamcall_quiet(fn, args, &ret);

	if (status)
		*status = ret;
	return err;
}

/**
 * tdh_mng_create() - TDH.MNG.CREATE: make a page the root of a new TD
 * @tdr:	physical address of the TDR page
 * @hkid:	the TD's private KeyID
 * @status:	if not NULL, the module's status
 *
 * Context: Process context, on a CPU where TDX is enabled.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_mng_create(u64 tdr, u16 hkid, u64 *status)
{
	struct tdx_module_args args = { .rcx = tdr, .rdx = hkid };

	return tdh_errno(TDH_MNG_CREATE, &args, status);
}
EXPORT_SYMBOL_GPL(tdh_mng_create);

/**
 * tdh_mng_key_config() - TDH.MNG.KEY.CONFIG: program a TD's key on this package
 * @tdr:	physical address of the TDR
 * @status:	if not NULL, the module's status
 *
 * Description: Runs once on a CPU of every package; retried while the CPU
 * fails to generate a key. A package configured already answers
 * TDX_KEY_CONFIGURED, which is no error.
 *
 * Context: Process context, on a CPU of the package, migration disabled.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_mng_key_config(u64 tdr, u64 *status)
{
	unsigned int attempts = 0;
	u64 ret;
	int err;

	do {
		struct tdx_module_args args = { .rcx = tdr };

		err = tdh_errno(TDH_MNG_KEY_CONFIG, &args, &ret);
	} while (err && (ret & TDX_STATUS_MASK) == TDX_KEY_GENERATION_FAILED &&
		 ++attempts < TDX_SEAMCALL_ATTEMPTS);
	if (status)
		*status = ret;
	return err;
}
EXPORT_SYMBOL_GPL(tdh_mng_key_config);

/**
 * tdh_mng_addcx() - TDH.MNG.ADDCX: give a TD one more TDCS page
 * @tdr:	physical address of the TDR
 * @tdcs:	physical address of the page
 * @status:	if not NULL, the module's status
 *
 * Context: Process context.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_mng_addcx(u64 tdr, u64 tdcs, u64 *status)
{
	struct tdx_module_args args = { .rcx = tdcs, .rdx = tdr };

	return tdh_errno(TDH_MNG_ADDCX, &args, status);
}
EXPORT_SYMBOL_GPL(tdh_mng_addcx);

/**
 * tdh_mng_init() - TDH.MNG.INIT: configure a TD from its TD_PARAMS
 * @tdr:	physical address of the TDR
 * @td_params:	physical address of TD_PARAMS (1024 bytes, 1024-aligned)
 * @ext_err:	if not NULL, the extended error information (RCX out)
 * @status:	if not NULL, the module's status
 *
 * Context: Process context.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_mng_init(u64 tdr, u64 td_params, u64 *ext_err, u64 *status)
{
	struct tdx_module_args args = { .rcx = tdr, .rdx = td_params };
	int err = tdh_errno(TDH_MNG_INIT, &args, status);

	if (ext_err)
		*ext_err = args.rcx;
	return err;
}
EXPORT_SYMBOL_GPL(tdh_mng_init);

/**
 * tdh_mng_vpflushdone() - TDH.MNG.VPFLUSHDONE: no vCPU of the TD is on a CPU
 * @tdr:	physical address of the TDR
 * @status:	if not NULL, the module's status (TDX_FLUSHVP_NOT_DONE while a
 *		vCPU is still associated with a CPU: TDH.VP.FLUSH it first)
 *
 * Context: Process context.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_mng_vpflushdone(u64 tdr, u64 *status)
{
	struct tdx_module_args args = { .rcx = tdr };

	return tdh_errno(TDH_MNG_VPFLUSHDONE, &args, status);
}
EXPORT_SYMBOL_GPL(tdh_mng_vpflushdone);

/**
 * tdh_phymem_cache_wb() - TDH.PHYMEM.CACHE.WB: write back this package's caches
 * @status:	if not NULL, the module's last status
 *
 * Description: Writes back and invalidates the cache lines of the KeyIDs
 * being freed, on this CPU's package. The module interrupts itself when
 * an interrupt is pending; the call is resumed until it completes.
 * TDX_NO_HKID_READY_TO_WBCACHE (nothing to do) is no error.
 *
 * Context: Process context, on a CPU of the package, migration disabled.
 * Return: 0, -EBUSY if it never completed, or the errno of
 * seamcall_status_to_errno().
 */
int tdh_phymem_cache_wb(u64 *status)
{
	unsigned int attempts = 0;
	bool resume = false;
	u64 ret;
	int err;

	do {
		struct tdx_module_args args = { .rcx = resume };

		err = tdh_errno(TDH_PHYMEM_CACHE_WB, &args, &ret);
		resume = true;
	} while (err && (ret & TDX_STATUS_MASK) == TDX_INTERRUPTED_RESUMABLE &&
		 ++attempts < TDX_TD_WB_ATTEMPTS);
	if (status)
		*status = ret;
	if (err && (ret & TDX_STATUS_MASK) == TDX_INTERRUPTED_RESUMABLE)
		return -EBUSY;
	return err;
}
EXPORT_SYMBOL_GPL(tdh_phymem_cache_wb);

/**
 * tdh_mng_key_freeid() - TDH.MNG.KEY.FREEID: free a TD's KeyID in the module
 * @tdr:	physical address of the TDR
 * @status:	if not NULL, the module's status (TDX_WBCACHE_NOT_COMPLETE while
 *		a package did not run TDH.PHYMEM.CACHE.WB since the flush)
 *
 * Context: Process context.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_mng_key_freeid(u64 tdr, u64 *status)
{
	struct tdx_module_args args = { .rcx = tdr };

	return tdh_errno(TDH_MNG_KEY_FREEID, &args, status);
}
EXPORT_SYMBOL_GPL(tdh_mng_key_freeid);

/**
 * tdh_phymem_page_reclaim() - TDH.PHYMEM.PAGE.RECLAIM: take a page back
 * @pa:		physical address of the page
 * @type:	if not NULL, its page type in the module (RCX out)
 * @owner:	if not NULL, its owner (RDX out)
 * @size:	if not NULL, its page size (R8 out)
 * @status:	if not NULL, the module's status
 *
 * Context: Process context.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_phymem_page_reclaim(u64 pa, u64 *type, u64 *owner, u64 *size, u64 *status)
{
	struct tdx_module_args args = { .rcx = pa };
	int err = tdh_errno(TDH_PHYMEM_PAGE_RECLAIM, &args, status);

	if (type)
		*type = args.rcx;
	if (owner)
		*owner = args.rdx;
	if (size)
		*size = args.r8;
	return err;
}
EXPORT_SYMBOL_GPL(tdh_phymem_page_reclaim);

/**
 * tdh_phymem_page_wbinvd() - TDH.PHYMEM.PAGE.WBINVD: flush one page of one KeyID
 * @keyed_pa:	physical address of the page with the KeyID in the bits
 *		above the physical address width
 * @status:	if not NULL, the module's status
 *
 * Context: Process context.
 * Return: 0, or the errno of seamcall_status_to_errno().
 */
int tdh_phymem_page_wbinvd(u64 keyed_pa, u64 *status)
{
	struct tdx_module_args args = { .rcx = keyed_pa };

	return tdh_errno(TDH_PHYMEM_PAGE_WBINVD, &args, status);
}
EXPORT_SYMBOL_GPL(tdh_phymem_page_wbinvd);

/**
 * tdh_vp_enter() - TDH.VP.ENTER: run a vCPU of a TD until it exits
 * @regs:	RCX: the vCPU's TDVPR (and flags); every register the TD
 *		exchanges with the host, in and out
 *
 * Description: The status is returned as the module gives it: after a TD
 * exit it says why the TD exited, which only KVM can interpret. A
 * SEAMCALL that did not reach the module returns a TDX_SEAMCALL_* value.
 *
 * Context: IRQs off, on the CPU the vCPU is associated with.
 * Return: the module's status (RAX).
 */
u64 tdh_vp_enter(struct tdx_vp_regs *regs)
{
	lockdep_assert_irqs_disabled();
	return seamcall_saved_ret(TDH_VP_ENTER, regs);
}
EXPORT_SYMBOL_GPL(tdh_vp_enter);

/**
 * tdx_get_sysinfo() - What the TDX module says a TD may be
 *
 * Context: Any context.
 * Return: the TD metadata of the platform's TDX module once it is
 * initialized (tdx_enable()), NULL before, and when TDX is unusable.
 */
const struct tdx_td_sysinfo *tdx_get_sysinfo(void)
{
	if (!tdx_platform_packages())
		return NULL;
	return &tdx_platform_module.info.td;
}
EXPORT_SYMBOL_GPL(tdx_get_sysinfo);

/* The first CPU of @cpus in logical package @pkg, or nr_cpu_ids. */
static unsigned int tdx_pkg_cpu(unsigned int pkg, const struct cpumask *cpus)
{
	unsigned int cpu;

	for_each_cpu(cpu, cpus)
		if (topology_logical_package_id(cpu) == pkg)
			return cpu;
	return nr_cpu_ids;
}

/*
 * Run @fn on one CPU of @cpus in every package the module was configured
 * on, one package at a time. Returns the first error; a package without a
 * CPU in @cpus is skipped and reported through @missing.
 */
static int tdx_on_each_package(struct tdx_module *m, const struct cpumask *cpus,
			       int (*fn)(void *), void *data, unsigned int *missing)
{
	unsigned int pkg, cpu;
	int ret;

	*missing = nr_cpu_ids;
	for_each_set_bit(pkg, m->pkgs, nr_cpu_ids) {
		cpu = tdx_pkg_cpu(pkg, cpus);
		if (cpu >= nr_cpu_ids) {
			if (*missing >= nr_cpu_ids)
				*missing = pkg;
			continue;
		}
		ret = smp_call_on_cpu(cpu, fn, data, true);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * tdx_module_td_alloc() - Allocate a TD's control pages
 * @m:		the module, initialized
 *
 * Context: Process context.
 * Return: the TD, with no KeyID yet, or an ERR_PTR(): -ENOMEM, or -EINVAL
 * if the module's metadata asks for no TDR or TDCS.
 */
struct tdx_td *tdx_module_td_alloc(struct tdx_module *m)
{
	const struct tdx_td_sysinfo *info = &m->info.td;
	struct tdx_td *td;
	unsigned int i;

	if (!info->tdr_base_size || info->tdr_base_size > PAGE_SIZE ||
	    !info->tdcs_base_size)
		return ERR_PTR(-EINVAL);
	td = kzalloc(sizeof(*td), GFP_KERNEL_ACCOUNT);
	if (!td)
		return ERR_PTR(-ENOMEM);
	td->m = m;
	td->keyid = -1;
	INIT_LIST_HEAD(&td->parked);
	td->nr_tdcs = DIV_ROUND_UP(info->tdcs_base_size, PAGE_SIZE);
	td->tdcs = kcalloc(td->nr_tdcs, sizeof(*td->tdcs), GFP_KERNEL_ACCOUNT);
	td->tdr = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!td->tdcs || !td->tdr)
		goto nomem;
	for (i = 0; i < td->nr_tdcs; i++) {
		td->tdcs[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!td->tdcs[i])
			goto nomem;
	}
	return td;
nomem:
	tdx_module_td_free(td);
	return ERR_PTR(-ENOMEM);
}

/**
 * tdx_module_td_free() - Free what the module does not hold of a TD
 * @td:		the TD
 *
 * Description: Pages the module still holds (handed over and not
 * reclaimed) are left alone, and so is the TD's memory when there are
 * any: they must never go back to the page allocator.
 *
 * Context: Process context.
 */
void tdx_module_td_free(struct tdx_td *td)
{
	unsigned int i;

	if (td->tdcs) {
		for (i = td->nr_added; i < td->nr_tdcs; i++)
			if (td->tdcs[i])
				__free_page(td->tdcs[i]);
	}
	if (td->tdr && !td->created && !td->tdr_dirty)
		__free_page(td->tdr);
	if (td->created || td->tdr_dirty || td->nr_added)
		return;
	kfree(td->tdcs);
	kfree(td);
}

static int tdx_td_key_config_cpu(void *data)
{
	struct tdx_td *td = data;
	u64 status;
	int ret;

	ret = tdh_mng_key_config(page_to_phys(td->tdr), &status);
	if (ret)
		pr_err("TDH.MNG.KEY.CONFIG of KeyID %d on package %u: status %#llx (%d)\n",
		       td->keyid, topology_logical_package_id(smp_processor_id()),
		       status, ret);
	return ret;
}

/**
 * tdx_module_td_build() - Create a TD in the module with its KeyID
 * @td:		the TD, its KeyID set
 * @cpus:	the CPUs to configure the key on (cpu_online_mask)
 *
 * Description: TDH.MNG.CREATE, TDH.MNG.KEY.CONFIG on one CPU of @cpus in
 * every package, TDH.MNG.ADDCX of each TDCS page. On failure the TD is as
 * far as it got: tdx_module_td_free_keyid() and tdx_module_td_reclaim()
 * take it apart.
 *
 * Context: Process context, tdx_td_lock held (or a test's own module),
 * @cpus kept stable by the caller.
 * Return: 0; -EBUSY if a package has no CPU in @cpus; the errno of the
 * SEAMCALL that failed.
 */
int tdx_module_td_build(struct tdx_td *td, const struct cpumask *cpus)
{
	unsigned int missing, i;
	u64 tdr = page_to_phys(td->tdr);
	u64 status;
	int ret;

	ret = tdh_mng_create(tdr, td->keyid, &status);
	if (ret) {
		pr_err("TDH.MNG.CREATE with KeyID %d: status %#llx (%d)\n", td->keyid,
		       status, ret);
		return ret;
	}
	td->created = true;

	ret = tdx_on_each_package(td->m, cpus, tdx_td_key_config_cpu, td, &missing);
	if (!ret && missing < nr_cpu_ids) {
		pr_err("cannot configure KeyID %d: package %u has no online CPU\n",
		       td->keyid, missing);
		ret = -EBUSY;
	}
	if (ret)
		return ret;

	for (i = 0; i < td->nr_tdcs; i++) {
		ret = tdh_mng_addcx(tdr, page_to_phys(td->tdcs[i]), &status);
		if (ret) {
			pr_err("TDH.MNG.ADDCX of TDCS page %u of KeyID %d: status %#llx (%d)\n",
			       i, td->keyid, status, ret);
			return ret;
		}
		td->nr_added++;
	}
	return 0;
}

static int tdx_td_cache_wb_cpu(void *data)
{
	struct tdx_td *td = data;
	u64 status;
	int ret;

	ret = tdh_phymem_cache_wb(&status);
	if (ret)
		pr_err("TDH.PHYMEM.CACHE.WB for KeyID %d on package %u: status %#llx (%d)\n",
		       td->keyid, topology_logical_package_id(smp_processor_id()),
		       status, ret);
	return ret;
}

/**
 * tdx_module_td_free_keyid() - Take a TD's KeyID back from every package
 * @td:		the TD
 * @cpus:	the CPUs to write back the caches on (cpu_online_mask)
 *
 * Description: TDH.MNG.VPFLUSHDONE, TDH.PHYMEM.CACHE.WB on one CPU of
 * @cpus in every package, TDH.MNG.KEY.FREEID. The module refuses the last
 * while a package did not write back its caches. Resumes where an earlier
 * call stopped; does nothing for a TD the module never created.
 *
 * Context: Process context, tdx_td_lock held (or a test's own module),
 * @cpus kept stable by the caller.
 * Return: 0 once the module freed the KeyID; -EBUSY if a package has no
 * CPU in @cpus (the module keeps the KeyID: retry with that package back);
 * the errno of the SEAMCALL that failed otherwise.
 */
int tdx_module_td_free_keyid(struct tdx_td *td, const struct cpumask *cpus)
{
	u64 tdr = page_to_phys(td->tdr);
	unsigned int missing;
	u64 status;
	int ret;

	if (!td->created || td->keyid_freed)
		return 0;
	if (!td->flushed) {
		ret = tdh_mng_vpflushdone(tdr, &status);
		if (ret) {
			pr_err("TDH.MNG.VPFLUSHDONE of KeyID %d: status %#llx (%d)\n",
			       td->keyid, status, ret);
			return ret;
		}
		td->flushed = true;
	}
	ret = tdx_on_each_package(td->m, cpus, tdx_td_cache_wb_cpu, td, &missing);
	if (ret)
		return ret;
	ret = tdh_mng_key_freeid(tdr, &status);
	if (ret && (status & TDX_STATUS_MASK) == TDX_WBCACHE_NOT_COMPLETE &&
	    missing < nr_cpu_ids)
		return -EBUSY;
	if (ret) {
		pr_err("TDH.MNG.KEY.FREEID of KeyID %d: status %#llx (%d)\n", td->keyid,
		       status, ret);
		return ret;
	}
	td->keyid_freed = true;
	return 0;
}

/*
 * A page the module gave back may still have lines tagged with a private
 * KeyID in no cache (CACHE.WB or PAGE.WBINVD wrote them back), but its
 * contents are ciphertext and, on CPUs with the partial-write erratum, its
 * integrity state poisons the next partial write: clear it with full-line
 * writes before the kernel uses it.
 */
static void tdx_clear_page(struct page *page)
{
	const void *zero = page_address(ZERO_PAGE(0));
	void *p = page_address(page);
	unsigned int off;

	if (!boot_cpu_has(X86_FEATURE_MOVDIR64B)) {
		clear_page(p);
		return;
	}
	for (off = 0; off < PAGE_SIZE; off += 64)
		movdir64b((void __force __iomem *)(p + off), zero);
	/* MOVDIR64B is weakly ordered. */
	mb();
}

static int tdx_td_reclaim_page(struct tdx_td *td, struct page *page, const char *what)
{
	u64 status;
	int ret;

	ret = tdh_phymem_page_reclaim(page_to_phys(page), NULL, NULL, NULL, &status);
	if (ret)
		pr_err("cannot reclaim the %s of the TD with KeyID %d at %#llx: status %#llx (%d); the page stays out of the page allocator\n",
		       what, td->keyid, (u64)page_to_phys(page), status, ret);
	return ret;
}

/**
 * tdx_module_td_reclaim() - Take every page of a TD back from the module
 * @td:		the TD, its KeyID freed (or never configured)
 *
 * Description: TDH.PHYMEM.PAGE.RECLAIM of each TDCS page and then of the
 * TDR, which the module wrote with the global KeyID:
 * TDH.PHYMEM.PAGE.WBINVD of it, tagged with that KeyID. Every page is
 * cleared before it is freed (tdx_module_td_free()). A page the module
 * does not give back, or a TDR whose lines could not be written back, is
 * never freed. Resumes where an earlier call stopped.
 *
 * Context: Process context.
 * Return: 0, or the errno of the first SEAMCALL that failed.
 */
int tdx_module_td_reclaim(struct tdx_td *td)
{
	u64 tdr = page_to_phys(td->tdr);
	u64 status;
	int ret;

	while (td->nr_added) {
		struct page *page = td->tdcs[td->nr_added - 1];

		ret = tdx_td_reclaim_page(td, page, "TDCS page");
		if (ret)
			return ret;
		/* CACHE.WB wrote back the TD's KeyID from every package. */
		tdx_clear_page(page);
		td->nr_added--;
	}
	if (td->created) {
		ret = tdx_td_reclaim_page(td, td->tdr, "TDR");
		if (ret)
			return ret;
		td->created = false;
		td->tdr_dirty = true;
	}
	if (!td->tdr_dirty)
		return 0;
	ret = tdh_phymem_page_wbinvd(tdr | (u64)td->m->global_keyid << boot_cpu_data.x86_phys_bits,
				     &status);
	if (ret) {
		pr_err("cannot write back the TDR of the TD with KeyID %d: status %#llx (%d); the page stays out of the page allocator\n",
		       td->keyid, status, ret);
		return ret;
	}
	tdx_clear_page(td->tdr);
	td->tdr_dirty = false;
	return 0;
}

/*
 * The last part of a teardown: the KeyID back in the pool once the module
 * freed it, then the pages. Returns -EBUSY while a package is missing.
 */
static int tdx_td_teardown(struct tdx_td *td)
	__must_hold(&tdx_td_lock)
{
	int ret;

	lockdep_assert_cpus_held();
	ret = tdx_module_td_free_keyid(td, cpu_online_mask);
	if (ret)
		return ret;
	if (td->counted) {
		tdx_td_keyid_put(td->keyid);
		td->counted = false;
	}
	return tdx_module_td_reclaim(td);
}

/*
 * Teardown failed for want of a CPU: no online CPU in a package (-EBUSY),
 * or a CPU not in VMX operation (-EACCES, the SEAMCALL's #UD). Both pass.
 */
static bool tdx_td_must_wait(int ret)
{
	return ret == -EBUSY || ret == -EACCES;
}

/*
 * Take a TD apart; if it must wait for a CPU, park it until a CPU comes
 * online or enables TDX. Returns true if it was parked: the reclaim work
 * owns it then.
 */
static bool tdx_td_finish(struct tdx_td *td)
	__must_hold(&tdx_td_lock)
{
	int ret = tdx_td_teardown(td);

	if (tdx_td_must_wait(ret)) {
		list_add_tail(&td->parked, &tdx_td_parked_list);
		WRITE_ONCE(tdx_td_parked, tdx_td_parked + 1);
		if (ret == -EBUSY)
			pr_warn("KeyID %d is parked: a package has no online CPU to write back its caches, so the TDX module keeps it; it is reclaimed when that package has an online CPU again\n",
				td->keyid);
		else
			pr_warn("KeyID %d is parked: a CPU its teardown needs is not in VMX operation; it is reclaimed when TDX is enabled on a CPU again\n",
				td->keyid);
	} else if (ret) {
		pr_err("the TD with KeyID %d was not taken apart (%d): its KeyID and remaining pages stay in use until reboot\n",
		       td->keyid, ret);
	}
	return tdx_td_must_wait(ret);
}

/**
 * tdx_td_create() - Create a TD: KeyID, TD root and key on every package
 *
 * Description: Takes a private KeyID (from then on the TD counts for the
 * CPU offline and sleep policy), makes a TDR page the TD's root in the
 * TDX module with it, configures the KeyID on one online CPU of every
 * package and hands the module the TD's control structure pages. The TD
 * is then ready for TDH.MNG.INIT (tdh_mng_init()) with the TDR of
 * tdx_td_tdr_pa(). On any failure whatever was done is undone.
 *
 * Context: Process context; TDX enabled on every online CPU (VMXON and
 * tdx_cpu_enable()), the module initialized (tdx_enable()). Takes
 * cpus_read_lock() and tdx_td_lock; may be called under kvm->lock.
 * Return: the TD, or an ERR_PTR(): -ENODEV if TDX is absent or was lost,
 * -EINVAL if the module is not initialized, -EBUSY if a package has no
 * online CPU, -ENOSPC if every private KeyID is in use, -ENOMEM, or the
 * errno of a failed SEAMCALL.
 */
struct tdx_td *tdx_td_create(void)
{
	bool parked = false;
	struct tdx_td *td;
	int ret;

	if (tdx_platform_state() != TDX_PLATFORM_USABLE)
		return ERR_PTR(-ENODEV);
	if (!tdx_platform_packages())
		return ERR_PTR(tdx_platform_lost() ? -ENODEV : -EINVAL);
	td = tdx_module_td_alloc(&tdx_platform_module);
	if (IS_ERR(td))
		return td;

	cpus_read_lock();
	mutex_lock(&tdx_td_lock);
	ret = tdx_td_keyid_get();
	if (ret >= 0) {
		td->keyid = ret;
		td->counted = true;
		ret = tdx_module_td_build(td, cpu_online_mask);
		if (ret)
			parked = tdx_td_finish(td);
	}
	mutex_unlock(&tdx_td_lock);
	cpus_read_unlock();
	if (ret) {
		if (!parked)
			tdx_module_td_free(td);
		return ERR_PTR(ret);
	}
	return td;
}
EXPORT_SYMBOL_GPL(tdx_td_create);

/**
 * tdx_td_destroy() - Take a TD apart and give its KeyID and pages back
 * @td:		a TD of tdx_td_create(); KVM flushed its vCPUs (TDH.VP.FLUSH)
 *		and reclaimed their pages and the TD's memory
 *
 * Description: Flushes the TD's KeyID out of every package, frees it and
 * reclaims the TD's control pages. If a package has no online CPU, the
 * module keeps the KeyID: the TD is parked, still counted, and its
 * teardown is retried when a CPU comes online or enables TDX. Either way
 * @td belongs to the core afterwards.
 *
 * Context: Process context. Takes cpus_read_lock() and tdx_td_lock; may
 * be called under kvm->lock.
 */
void tdx_td_destroy(struct tdx_td *td)
{
	bool parked;

	if (IS_ERR_OR_NULL(td))
		return;
	cpus_read_lock();
	mutex_lock(&tdx_td_lock);
	parked = tdx_td_finish(td);
	mutex_unlock(&tdx_td_lock);
	cpus_read_unlock();
	if (!parked)
		tdx_module_td_free(td);
}
EXPORT_SYMBOL_GPL(tdx_td_destroy);

/**
 * tdx_td_tdr_pa() - The physical address of a TD's root (TDR)
 * @td:		a TD of tdx_td_create()
 *
 * Context: Any context.
 * Return: the address KVM passes to the TD's SEAMCALLs.
 */
u64 tdx_td_tdr_pa(const struct tdx_td *td)
{
	return page_to_phys(td->tdr);
}
EXPORT_SYMBOL_GPL(tdx_td_tdr_pa);

/**
 * tdx_td_keyid() - A TD's private KeyID
 * @td:		a TD of tdx_td_create()
 *
 * Context: Any context.
 * Return: the KeyID.
 */
int tdx_td_keyid(const struct tdx_td *td)
{
	return td->keyid;
}
EXPORT_SYMBOL_GPL(tdx_td_keyid);

/**
 * tdx_td_nr_parked() - How many TDs wait for a package to free their KeyID
 *
 * Context: Any context. The number may change right after it was read.
 * Return: the number of parked TDs.
 */
unsigned int tdx_td_nr_parked(void)
{
	return READ_ONCE(tdx_td_parked);
}
EXPORT_SYMBOL_GPL(tdx_td_nr_parked);

static void tdx_td_reclaim_parked(struct work_struct *work)
{
	struct tdx_td *td, *next;
	LIST_HEAD(done);
	int ret;

	cpus_read_lock();
	mutex_lock(&tdx_td_lock);
	list_for_each_entry_safe(td, next, &tdx_td_parked_list, parked) {
		int keyid = td->keyid;

		ret = tdx_td_teardown(td);
		if (tdx_td_must_wait(ret))
			continue;
		list_move(&td->parked, &done);
		WRITE_ONCE(tdx_td_parked, tdx_td_parked - 1);
		if (ret)
			pr_err("parked KeyID %d could not be reclaimed (%d): it and its remaining pages stay in use until reboot\n",
			       keyid, ret);
		else
			pr_info("parked KeyID %d reclaimed: every package wrote back its caches\n",
				keyid);
	}
	mutex_unlock(&tdx_td_lock);
	cpus_read_unlock();
	list_for_each_entry_safe(td, next, &done, parked) {
		list_del_init(&td->parked);
		tdx_module_td_free(td);
	}
}

static DECLARE_WORK(tdx_td_reclaim_work, tdx_td_reclaim_parked);

/**
 * tdx_td_cpu_enabled() - A CPU can run SEAMCALLs again: retry parked TDs
 *
 * Description: Called when a CPU enabled TDX (after VMXON) and when a CPU
 * came online: a parked TD may now be able to write back its caches on a
 * package that had no CPU.
 *
 * Context: Any context.
 */
void tdx_td_cpu_enabled(void)
{
	if (READ_ONCE(tdx_td_parked))
		schedule_work(&tdx_td_reclaim_work);
}

static int tdx_td_cpu_online(unsigned int cpu)
{
	tdx_td_cpu_enabled();
	return 0;
}

static int __init tdx_td_init(void)
{
	int ret;

	if (!boot_cpu_has(X86_FEATURE_TDX_HOST_PLATFORM))
		return 0;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "x86/tdx/td:online",
					tdx_td_cpu_online, NULL);
	return ret < 0 ? ret : 0;
}
subsys_initcall(tdx_td_init);

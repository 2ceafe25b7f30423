/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_VIRT_TDX_H
#define _X86_VIRT_TDX_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/suspend.h>
#include <linux/types.h>
#include <asm/tdx.h>
#include <asm/tdx_td.h>

#undef pr_fmt
#define pr_fmt(fmt) "virt/tdx: " fmt

/*
 * The TDX private KeyIDs the BIOS partitioned off the MKTME KeyIDs: the
 * half-open range [start, start + nr).
 */
struct tdx_keyid_range {
	u32 start;
	u32 nr;
};

int tdx_parse_keyid_partitioning(u64 msr, struct tdx_keyid_range *range);

/* Set by tdx_init() when the BIOS enabled TDX; read-only afterwards. */
extern struct tdx_keyid_range tdx_keyids;

/* SEAMCALL leaf numbers of the TDX module ABI used by this code. */
#define TDH_VP_ENTER			0
#define TDH_MNG_ADDCX			1
#define TDH_MNG_KEY_CONFIG		8
#define TDH_MNG_CREATE			9
#define TDH_MNG_VPFLUSHDONE		19
#define TDH_MNG_KEY_FREEID		20
#define TDH_MNG_INIT			21
#define TDH_PHYMEM_PAGE_RECLAIM		28
#define TDH_PHYMEM_CACHE_WB		40
#define TDH_PHYMEM_PAGE_WBINVD		41
#define TDH_SYS_KEY_CONFIG		31
#define TDH_SYS_INIT			33
#define TDH_SYS_RD			34
#define TDH_SYS_LP_INIT			35
#define TDH_SYS_TDMR_INIT		36
#define TDH_SYS_CONFIG			45
#define TDH_SYS_DISABLE			69

/*
 * SEAMCALL status codes (RAX). Bits 31:0 carry an operand id or other
 * detail, so statuses are compared under TDX_STATUS_MASK. Bit 63 set means
 * the call failed; a non-zero status with bit 63 clear is informational
 * and the call completed.
 */
#define TDX_STATUS_MASK			GENMASK_ULL(63, 32)
#define TDX_SUCCESS			0ULL
#define TDX_INTERRUPTED_RESUMABLE	0x8000000300000000ULL
#define TDX_OPERAND_INVALID		0xC000010000000000ULL
#define TDX_OPERAND_BUSY		0x8000020000000000ULL
#define TDX_SYS_BUSY			0x8000020200000000ULL
#define TDX_RND_NO_ENTROPY		0x8000020300000000ULL
#define TDX_SYS_INIT_NOT_PENDING	0xC000050000000000ULL
#define TDX_SYS_LP_INIT_NOT_DONE	0xC000050200000000ULL
#define TDX_SYS_LP_INIT_DONE		0xC000050300000000ULL
#define TDX_SYS_NOT_READY		0xC000050500000000ULL
#define TDX_SYS_LP_INIT_NOT_PENDING	0xC000050B00000000ULL
#define TDX_SYS_KEY_CONFIG_NOT_PENDING	0xC000050700000000ULL
#define TDX_SYS_CONFIG_NOT_PENDING	0xC000050C00000000ULL
#define TDX_KEY_GENERATION_FAILED	0x8000080000000000ULL
#define TDX_KEY_CONFIGURED		0x0000081500000000ULL
#define TDX_INVALID_TDMR		0xC0000A0000000000ULL
#define TDX_NON_ORDERED_TDMR		0xC0000A0100000000ULL
#define TDX_TDMR_OUTSIDE_CMRS		0xC0000A0200000000ULL
#define TDX_TDMR_ALREADY_INITIALIZED	0x00000A0300000000ULL
#define TDX_INVALID_PAMT		0xC0000A1000000000ULL
#define TDX_PAMT_OUTSIDE_CMRS		0xC0000A1100000000ULL
#define TDX_PAMT_OVERLAP		0xC0000A1200000000ULL
#define TDX_INVALID_RESERVED_IN_TDMR	0xC0000A2000000000ULL
#define TDX_NON_ORDERED_RESERVED_IN_TDMR 0xC0000A2100000000ULL
#define TDX_METADATA_FIELD_NOT_READABLE	0xC0000C0200000000ULL
#define TDX_LIFECYCLE_STATE_INCORRECT	0xC000060700000000ULL
#define TDX_WBCACHE_NOT_COMPLETE	0x8000081700000000ULL
#define TDX_NO_HKID_READY_TO_WBCACHE	0x0000082100000000ULL
#define TDX_FLUSHVP_NOT_DONE		0x8000082400000000ULL
#define TDX_HKID_NOT_FREE		0xC000082000000000ULL
#define TDX_TD_ASSOCIATED_PAGES_EXIST	0xC000040000000000ULL

/* Operand ids in bits 31:0 of an operand error. */
#define TDX_OPERAND_ID_RAX		0
#define TDX_OPERAND_ID_RCX		1
#define TDX_OPERAND_ID_RDX		2
#define TDX_OPERAND_ID_R8		8
#define TDX_OPERAND_ID_TDR		0x80

/* How often a SEAMCALL is issued while the module reports no entropy. */
#define TDX_SEAMCALL_ATTEMPTS		10

/*
 * How often TDH.SYS.DISABLE is issued while the module reports it was
 * interrupted or busy (a CPU stopped inside a SEAMCALL keeps it busy).
 */
#define TDX_DISABLE_ATTEMPTS		1000

/*
 * Registers exchanged with the TDX module by one SEAMCALL: RCX, RDX, R8
 * and R9 are inputs; all six hold the module's outputs afterwards.
 */
struct tdx_module_args {
	u64 rcx;
	u64 rdx;
	u64 r8;
	u64 r9;
	u64 r10;
	u64 r11;
};

/* The instruction itself, arch/x86/virt/vmx/tdx/seamcall.S. */
u64 __seamcall(u64 fn, u64 rcx, u64 rdx, u64 r8, u64 r9,
	       struct tdx_module_output *out);

int seamcall_status_to_errno(u64 status);
int seamcall_describe(char *buf, size_t size, u64 fn, u64 status, int err);
int seamcall_status_name(char *buf, size_t size, u64 status);
const char *seamcall_leaf_name(u64 fn);
int seamcall(u64 fn, struct tdx_module_args *args, u64 *status);
int seamcall_quiet(u64 fn, struct tdx_module_args *args, u64 *status);
u64 __seamcall_saved_ret(u64 fn, struct tdx_vp_regs *regs);
u64 seamcall_saved_ret(u64 fn, struct tdx_vp_regs *regs);

/*
 * Global metadata fields (TDH.SYS.RD), TDX module 1.5. Bits 33:32 of an id
 * give the element size: 0 = 8, 1 = 16, 2 = 32, 3 = 64 bits.
 */
#define TDX_MD_NUM_PKGS			0x0000000200000000ULL
#define TDX_MD_PKG_FMS			0x0000000200000001ULL
#define TDX_MD_VENDOR_ID		0x0800000200000000ULL
#define TDX_MD_BUILD_DATE		0x8800000200000001ULL
#define TDX_MD_BUILD_NUM		0x8800000100000002ULL
#define TDX_MD_MINOR_VERSION		0x0800000100000003ULL
#define TDX_MD_MAJOR_VERSION		0x0800000100000004ULL
#define TDX_MD_UPDATE_VERSION		0x0800000100000005ULL
#define TDX_MD_INTERNAL_VERSION		0x0800000100000006ULL
#define TDX_MD_SYS_ATTRIBUTES		0x0A00000200000000ULL
#define TDX_MD_NUM_TDX_FEATURES		0x0A00000000000001ULL
#define TDX_MD_TDX_FEATURES0		0x0A00000300000008ULL
/*
 * TDX_FEATURES0 bit 53: the module has TDH.SYS.DISABLE. Not in
 * ../shared/reference/tdx-abi.md: a draft of the module's ABI, quoted on
 * LKML ("[PATCH 3/4] x86/virt/tdx: Add SEAMCALL wrapper for
 * TDH.SYS.DISABLE", review of 17 March 2026).
 */
#define TDX_FEATURES0_SYS_DISABLE	BIT_ULL(53)
/* TDX_FEATURES0 bit 18: the module leaves RBP alone across TD entry. */
#define TDX_FEATURES0_NO_RBP_MOD	BIT_ULL(18)
#define TDX_MD_NUM_CMRS			0x9000000100000000ULL
#define TDX_MD_CMR_BASE(i)		(0x9000000300000080ULL + (i))
#define TDX_MD_CMR_SIZE(i)		(0x9000000300000100ULL + (i))
#define TDX_MD_MAX_TDMRS		0x9100000100000008ULL
#define TDX_MD_MAX_RESERVED_PER_TDMR	0x9100000100000009ULL
#define TDX_MD_PAMT_4K_ENTRY_SIZE	0x9100000100000010ULL
#define TDX_MD_PAMT_2M_ENTRY_SIZE	0x9100000100000011ULL
#define TDX_MD_PAMT_1G_ENTRY_SIZE	0x9100000100000012ULL
/* What a TD needs: its control structures and what it may be configured with. */
#define TDX_MD_TDR_BASE_SIZE		0x9800000100000000ULL
#define TDX_MD_TDCS_BASE_SIZE		0x9800000100000100ULL
#define TDX_MD_TDVPS_BASE_SIZE		0x9800000100000200ULL
#define TDX_MD_ATTRIBUTES_FIXED0	0x1900000300000000ULL
#define TDX_MD_ATTRIBUTES_FIXED1	0x1900000300000001ULL
#define TDX_MD_XFAM_FIXED0		0x1900000300000002ULL
#define TDX_MD_XFAM_FIXED1		0x1900000300000003ULL
#define TDX_MD_NUM_CPUID_CONFIG		0x9900000100000004ULL
#define TDX_MD_MAX_VCPUS_PER_TD		0x9900000100000008ULL
#define TDX_MD_SIZE_CODE(id)		(((id) >> 32) & 3)

/* Limits of the TDX module ABI. */
#define TDX_MAX_CMRS			32
#define TDX_MAX_TDMRS			64
#define TDX_MAX_RESERVED_AREAS		16
#define TDMR_ALIGNMENT			SZ_1G
#define TDMR_INFO_ALIGNMENT		512

/* Page sizes the PAMT describes, in the order of the metadata fields. */
enum tdx_page_level {
	TDX_PS_4K,
	TDX_PS_2M,
	TDX_PS_1G,
	TDX_PS_NR,
};

/* A convertible memory range, as the BIOS configured it. */
struct tdx_cmr {
	u64 base;
	u64 size;
};

/**
 * struct tdx_sysinfo - What the kernel reads from the TDX module's metadata
 * @major:		module version: major
 * @minor:		minor
 * @update:		update
 * @internal:		internal
 * @build_num:		build number
 * @build_date:		build date (YYYYMMDD)
 * @features0:		TDX_FEATURES0
 * @max_tdmrs:		how many TDMRs TDH.SYS.CONFIG takes at most
 * @max_reserved_per_tdmr: how many reserved areas a TDMR can have
 * @pamt_entry_size:	bytes per PAMT entry, for each &enum tdx_page_level
 * @nr_cmrs:		number of convertible memory ranges
 * @cmrs:		the convertible memory ranges, sorted by base
 * @td:			what KVM's TD type reads (tdx_get_sysinfo())
 */
struct tdx_sysinfo {
	u16 major;
	u16 minor;
	u16 update;
	u16 internal;
	u16 build_num;
	u32 build_date;
	u64 features0;
	u16 max_tdmrs;
	u16 max_reserved_per_tdmr;
	u16 pamt_entry_size[TDX_PS_NR];
	u16 nr_cmrs;
	struct tdx_cmr cmrs[TDX_MAX_CMRS];
	struct tdx_td_sysinfo td;
};

/**
 * struct tdx_mem_region - A range of TDX memory
 * @start:	first byte, page aligned
 * @end:	end (exclusive), page aligned
 * @nid:	NUMA node
 */
struct tdx_mem_region {
	u64 start;
	u64 end;
	int nid;
};

/**
 * struct tdx_memlist - The memory the TDX module covers
 * @nr:		number of regions
 * @regions:	the regions, sorted by address, not overlapping
 */
struct tdx_memlist {
	unsigned int nr;
	struct tdx_mem_region *regions;
};

/* One reserved area of a TDMR: a range the TDX module must not use. */
struct tdmr_reserved_area {
	u64 offset;
	u64 size;
} __packed;

/*
 * TDMR_INFO, the TDX module's description of one TDX memory range: 1 GiB
 * aligned, with the three levels of its PAMT and its reserved areas.
 */
struct tdmr_info {
	u64 base;
	u64 size;
	u64 pamt_1g_base;
	u64 pamt_1g_size;
	u64 pamt_2m_base;
	u64 pamt_2m_size;
	u64 pamt_4k_base;
	u64 pamt_4k_size;
	struct tdmr_reserved_area reserved_areas[];
} __packed __aligned(TDMR_INFO_ALIGNMENT);

/**
 * struct tdmr_info_list - The TDMRs handed to TDH.SYS.CONFIG
 * @tdmrs:	@max_tdmrs TDMR_INFO entries of @tdmr_sz bytes each, in one
 *		physically contiguous, page-aligned buffer
 * @tdmr_sz:	bytes per entry: 64 plus the reserved areas, 512-aligned
 * @max_tdmrs:	entries in @tdmrs
 * @nr_tdmrs:	entries in use
 * @nid:	NUMA node of each TDMR, where its PAMT is allocated
 */
struct tdmr_info_list {
	void *tdmrs;
	unsigned int tdmr_sz;
	unsigned int max_tdmrs;
	unsigned int nr_tdmrs;
	int nid[TDX_MAX_TDMRS];
};

/**
 * struct tdx_pamt_ops - Where PAMTs come from
 * @alloc:	allocate @nr_pages physically contiguous pages, on node @nid
 *		where possible; return the physical address, or 0
 * @free:	give back what @alloc returned
 * @data:	passed to both
 *
 * The kernel allocates from the page allocator; KUnit places PAMTs in
 * memory maps that only exist on paper.
 */
struct tdx_pamt_ops {
	u64 (*alloc)(void *data, int nid, unsigned long nr_pages);
	void (*free)(void *data, u64 pa, unsigned long nr_pages);
	void *data;
};

static inline struct tdmr_info *tdmr_entry(const struct tdmr_info_list *list,
					   unsigned int i)
{
	return list->tdmrs + i * list->tdmr_sz;
}

u64 tdmr_pamt_size(u64 tdmr_size, const struct tdx_sysinfo *info,
		   enum tdx_page_level level);
u64 tdmrs_pamt_bytes(const struct tdmr_info_list *list);
u64 tdmrs_covered_bytes(const struct tdmr_info_list *list);
int tdmr_list_alloc(struct tdmr_info_list *list, const struct tdx_sysinfo *info);
void tdmr_list_free(struct tdmr_info_list *list);
int tdmrs_construct(struct tdmr_info_list *list, const struct tdx_memlist *mem,
		    const struct tdx_sysinfo *info, const struct tdx_pamt_ops *ops);
void tdmrs_free_pamts(struct tdmr_info_list *list, const struct tdx_pamt_ops *ops);
bool tdx_memlist_covers(const struct tdx_memlist *mem, u64 start, u64 end);
bool tdx_cmrs_cover(const struct tdx_cmr *cmrs, unsigned int nr, u64 start, u64 end);
extern const struct tdx_pamt_ops tdx_pamt_contig_ops;

/**
 * enum tdx_module_status - Where the initialization of a TDX module stands
 * @TDX_MODULE_UNINITIALIZED:	tdx_enable() was not called yet
 * @TDX_MODULE_INITIALIZED:	the module is ready for TDs
 * @TDX_MODULE_ERROR:		initialization failed; not retried
 * @TDX_MODULE_LOST:		the module did not survive S3 or S4
 */
enum tdx_module_status {
	TDX_MODULE_UNINITIALIZED,
	TDX_MODULE_INITIALIZED,
	TDX_MODULE_ERROR,
	TDX_MODULE_LOST,
};

/**
 * struct tdx_module - The kernel's view of one TDX module
 * @global_keyid:	the KeyID the module protects its metadata with
 * @sysinit_lock:	serializes TDH.SYS.INIT; a raw spinlock, because CPUs
 *			enable TDX with IRQs off
 * @sysinit_done:	TDH.SYS.INIT was issued (under @sysinit_lock)
 * @sysinit_ret:	its result (under @sysinit_lock)
 * @lp_ready:		CPUs that did TDH.SYS.LP.INIT; each CPU sets its own
 *			bit, with IRQs off
 * @lp_init_err:	the first TDH.SYS.LP.INIT failure, or 0 (atomic)
 * @sleep_check:	the system slept since the module was enabled: the next
 *			tdx_module_cpu_enable() asks the module whether it
 *			survived (set by the PM notifier, cleared under
 *			@sysinit_lock)
 * @lock:		serializes tdx_module_enable(); protects @status (but
 *			see tdx_module_check_survived(), which marks it lost,
 *			and tdx_module_initialized_before(), which marks it
 *			failed, under @sysinit_lock), @err, the @fail_ fields, @info,
 *			@info_valid, @tdmrs; sysfs reads them under it
 * @status:		where initialization stands
 * @err:		the errno initialization failed with
 * @fail_step:		what initialization was doing when it failed:
 *			"initialization" (TDH.SYS.INIT), "memory", "metadata",
 *			"layout" or "configuration"
 * @fail_leaf:		the SEAMCALL initialization failed at, or 0 if it
 *			failed in the kernel
 * @fail_status:	that SEAMCALL's status
 * @info:		the module's metadata
 * @info_valid:		@info was read (initialization got that far)
 * @pamts_private:	the PAMTs were handed to the module (TDH.SYS.CONFIG)
 *			and not reset since; written under @lock (with a
 *			release), read locklessly by the kexec and crash paths
 * @disabled:		TDH.SYS.DISABLE succeeded on the way to another
 *			kernel; written and read on that way only
 * @memlist:		the TDX memory, fixed at initialization; written with
 *			@lock and mem_hotplug_lock (read) held, read by the
 *			memory hotplug notifier under mem_hotplug_lock
 * @tdmrs:		the TDMRs and PAMTs handed to the module
 * @pkgs:		the logical packages TDH.SYS.KEY.CONFIG ran on, indexed
 *			by topology_logical_package_id() (always below
 *			nr_cpu_ids); written under @lock before @status
 *			becomes %TDX_MODULE_INITIALIZED, fixed after that
 */
struct tdx_module {
	u32 global_keyid;
	raw_spinlock_t sysinit_lock;
	bool sysinit_done;
	int sysinit_ret;
	cpumask_t lp_ready;
	atomic_t lp_init_err;
	bool sleep_check;
	struct mutex lock;		/* see above: serializes enabling */
	enum tdx_module_status status;
	int err;
	const char *fail_step;
	u64 fail_leaf;
	u64 fail_status;
	struct tdx_sysinfo info;
	bool info_valid;
	bool pamts_private;
	bool disabled;
	struct tdx_memlist memlist;
	struct tdmr_info_list tdmrs;
	DECLARE_BITMAP(pkgs, NR_CPUS);
};

/* The platform's TDX module; its kernel-doc says what protects what. */
extern struct tdx_module tdx_platform_module;

void tdx_module_setup(struct tdx_module *m);
int tdx_module_cpu_enable(struct tdx_module *m);
int tdx_module_enable(struct tdx_module *m);
void tdx_module_destroy(struct tdx_module *m);
int tdx_memlist_build(struct tdx_memlist *mem);
int tdx_module_kexec_allowed(struct tdx_module *m, bool erratum);
bool tdx_module_pamt_has(struct tdx_module *m, u64 pa);
bool tdx_platform_lost(void);
const unsigned long *tdx_platform_packages(void);

int tdx_may_offline(unsigned int nr_tds, bool last_of_pkg, bool tasks_frozen);
int tdx_may_sleep(unsigned int nr_tds, suspend_state_t target);
unsigned int tdx_nr_tds(void);
int tdx_td_keyid_get(void);
void tdx_td_keyid_put(int keyid);
#ifdef CONFIG_FAULT_INJECTION
bool tdx_fail_offline_policy(void);
#else
static inline bool tdx_fail_offline_policy(void) { return false; }
#endif
void tdx_td_cpu_enabled(void);

/**
 * struct tdx_td - A TD in the TDX module: what tdx_td_create() gives KVM
 * @m:		the TDX module the TD lives in
 * @keyid:	its private KeyID (HKID)
 * @counted:	@keyid came from tdx_td_keyid_get() and is not back yet: the
 *		TD counts for the CPU offline and sleep policy
 * @tdr:	the TD root page (TDR), the module's from TDH.MNG.CREATE on
 * @tdcs:	the TD control structure pages (TDCS), @nr_tdcs of them
 * @nr_tdcs:	how many TDCS pages the module wants (TDCS_BASE_SIZE)
 * @nr_added:	how many of them it was given (TDH.MNG.ADDCX)
 * @created:	TDH.MNG.CREATE succeeded: the module owns @tdr
 * @tdr_dirty:	@tdr was reclaimed, its lines of the global KeyID are not
 *		written back yet (TDH.PHYMEM.PAGE.WBINVD)
 * @flushed:	TDH.MNG.VPFLUSHDONE succeeded
 * @keyid_freed: TDH.MNG.KEY.FREEID succeeded: the KeyID is free again
 * @parked:	on the list of TDs whose teardown waits for a package
 *
 * Everything but @parked is written by one caller at a time: the TD's
 * creator until tdx_td_create() returns, then tdx_td_destroy(), then (for
 * a parked TD) the reclaim work, all under tdx_td_lock.
 */
struct tdx_td {
	struct tdx_module *m;
	int keyid;
	bool counted;
	struct page *tdr;
	struct page **tdcs;
	unsigned int nr_tdcs;
	unsigned int nr_added;
	bool created;
	bool tdr_dirty;
	bool flushed;
	bool keyid_freed;
	struct list_head parked;
};

struct tdx_td *tdx_module_td_alloc(struct tdx_module *m);
void tdx_module_td_free(struct tdx_td *td);
int tdx_module_td_build(struct tdx_td *td, const struct cpumask *cpus);
int tdx_module_td_free_keyid(struct tdx_td *td, const struct cpumask *cpus);
int tdx_module_td_reclaim(struct tdx_td *td);
unsigned int tdx_pkgs_first_without_cpu(const unsigned long *pkgs,
					const struct cpumask *cpus,
					unsigned int except);

#endif /* _X86_VIRT_TDX_H */

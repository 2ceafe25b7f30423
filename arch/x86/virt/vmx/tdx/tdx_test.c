// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for TDX host support: the kernel's ABI values against the
 * ABI's, KeyID partitioning, the SEAMCALL boundary, per-CPU enabling, and
 * the emulated TDX module itself.
 *
 * Every test that needs a TDX module makes a fresh emulated one of its own
 * the module SEAMCALLs reach, and restores the platform's afterwards. The
 * kernel's code issues real SEAMCALLs: the emulated platform answers them
 * where the instruction traps, or declines on a CPU that is not in VMX
 * operation, which then gets the real #UD.
 *
 * Run with:
 *   ./tools/testing/kunit/kunit.py run --arch=x86_64 \
 *	--kunitconfig=arch/x86/virt/vmx/tdx
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/ptrace.h>
#include <asm/tdx.h>
#include <asm/tdx_td.h>
#include "tdx.h"
#include "model/model.h"

/* KeyID partitioning */

struct keyid_case {
	const char *name;
	u64 msr;
	int ret;
	u32 start;
	u32 nr;
};

static const struct keyid_case keyid_cases[] = {
	{ "no TDX, no MKTME", 0, -ENODEV },
	{ "no TDX, 63 MKTME KeyIDs", 63, -ENODEV },
	{ "1 TDX KeyID, no MKTME", 1ULL << 32, -ENOSPC },
	{ "1 TDX KeyID, 15 MKTME", 1ULL << 32 | 15, -ENOSPC },
	{ "2 TDX KeyIDs, no MKTME", 2ULL << 32, 0, 1, 2 },
	{ "2 TDX KeyIDs, 1 MKTME", 2ULL << 32 | 1, 0, 2, 2 },
	{ "32 TDX KeyIDs after 31 MKTME", 32ULL << 32 | 31, 0, 32, 32 },
	{ "64 TDX KeyIDs after 63 MKTME", 64ULL << 32 | 63, 0, 64, 64 },
	{ "maximum: KeyID 65535 is TDX", 0x8000ULL << 32 | 0x7fff, 0, 0x8000, 0x8000 },
	{ "maximum without MKTME", 0xffffULL << 32, 0, 1, 0xffff },
	{ "one KeyID beyond 16 bits", 0xffffULL << 32 | 1, -ERANGE },
	{ "all bits set", ~0ULL, -ERANGE },
};

static void keyid_case_desc(const struct keyid_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(keyid, keyid_cases, keyid_case_desc);

static void tdx_keyid_partitioning_test(struct kunit *test)
{
	const struct keyid_case *c = test->param_value;
	struct tdx_keyid_range range;

	KUNIT_EXPECT_EQ(test, tdx_parse_keyid_partitioning(c->msr, &range), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, range.start, c->start);
	KUNIT_EXPECT_EQ(test, range.nr, c->nr);
}

static struct kunit_case tdx_keyids_cases[] = {
	KUNIT_CASE_PARAM(tdx_keyid_partitioning_test, keyid_gen_params),
	{}
};

static struct kunit_suite tdx_keyids_suite = {
	.name = "tdx_keyids",
	.test_cases = tdx_keyids_cases,
};

/* The kernel's ABI values, against the literal values of the ABI */

static void tdx_abi_leaves_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, TDH_SYS_KEY_CONFIG, 31);
	KUNIT_EXPECT_EQ(test, TDH_SYS_INIT, 33);
	KUNIT_EXPECT_EQ(test, TDH_SYS_RD, 34);
	KUNIT_EXPECT_EQ(test, TDH_SYS_LP_INIT, 35);
	KUNIT_EXPECT_EQ(test, TDH_SYS_TDMR_INIT, 36);
	KUNIT_EXPECT_EQ(test, TDH_SYS_CONFIG, 45);
	KUNIT_EXPECT_EQ(test, TDH_SYS_DISABLE, 69);
}

static void tdx_abi_statuses_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, TDX_STATUS_MASK, 0xFFFFFFFF00000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_INTERRUPTED_RESUMABLE, 0x8000000300000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_OPERAND_INVALID, 0xC000010000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_OPERAND_BUSY, 0x8000020000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_BUSY, 0x8000020200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_RND_NO_ENTROPY, 0x8000020300000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_INIT_NOT_PENDING, 0xC000050000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_LP_INIT_NOT_DONE, 0xC000050200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_LP_INIT_DONE, 0xC000050300000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_NOT_READY, 0xC000050500000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_KEY_CONFIG_NOT_PENDING, 0xC000050700000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_LP_INIT_NOT_PENDING, 0xC000050B00000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SYS_CONFIG_NOT_PENDING, 0xC000050C00000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_KEY_GENERATION_FAILED, 0x8000080000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_KEY_CONFIGURED, 0x0000081500000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_INVALID_TDMR, 0xC0000A0000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_NON_ORDERED_TDMR, 0xC0000A0100000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_TDMR_OUTSIDE_CMRS, 0xC0000A0200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_TDMR_ALREADY_INITIALIZED, 0x00000A0300000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_INVALID_PAMT, 0xC0000A1000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_PAMT_OUTSIDE_CMRS, 0xC0000A1100000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_PAMT_OVERLAP, 0xC0000A1200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_INVALID_RESERVED_IN_TDMR, 0xC0000A2000000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_NON_ORDERED_RESERVED_IN_TDMR, 0xC0000A2100000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_METADATA_FIELD_NOT_READABLE, 0xC0000C0200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SEAMCALL_VMFAILINVALID, 0x8000FF00FFFF0000ULL);
	KUNIT_EXPECT_EQ(test, TDX_SEAMCALL_GP, 0x8000FF000000000DULL);
	KUNIT_EXPECT_EQ(test, TDX_SEAMCALL_UD, 0x8000FF0000000006ULL);
	KUNIT_EXPECT_EQ(test, TDX_OPERAND_ID_RCX, 1);
	KUNIT_EXPECT_EQ(test, TDX_OPERAND_ID_RDX, 2);
	KUNIT_EXPECT_EQ(test, TDX_OPERAND_ID_R8, 8);
}

static void tdx_abi_fields_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, TDX_MD_NUM_PKGS, 0x0000000200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_PKG_FMS, 0x0000000200000001ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_VENDOR_ID, 0x0800000200000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_BUILD_DATE, 0x8800000200000001ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_BUILD_NUM, 0x8800000100000002ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_MINOR_VERSION, 0x0800000100000003ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_MAJOR_VERSION, 0x0800000100000004ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_UPDATE_VERSION, 0x0800000100000005ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_INTERNAL_VERSION, 0x0800000100000006ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_TDX_FEATURES0, 0x0A00000300000008ULL);
	KUNIT_EXPECT_EQ(test, TDX_FEATURES0_SYS_DISABLE, 1ULL << 53);
	KUNIT_EXPECT_EQ(test, TDX_MD_NUM_CMRS, 0x9000000100000000ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_CMR_BASE(0), 0x9000000300000080ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_CMR_BASE(31), 0x900000030000009FULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_CMR_SIZE(0), 0x9000000300000100ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_MAX_TDMRS, 0x9100000100000008ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_MAX_RESERVED_PER_TDMR, 0x9100000100000009ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_PAMT_4K_ENTRY_SIZE, 0x9100000100000010ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_PAMT_2M_ENTRY_SIZE, 0x9100000100000011ULL);
	KUNIT_EXPECT_EQ(test, TDX_MD_PAMT_1G_ENTRY_SIZE, 0x9100000100000012ULL);
	KUNIT_EXPECT_EQ(test, TDX_MAX_CMRS, 32);
}

/*
 * The leaves, statuses and fields of a TD's life: the kernel's and the
 * model's each against the ABI's values.
 */
static void tdx_abi_td_test(struct kunit *test)
{
	static const struct { u64 kernel, model, abi; } v[] = {
		{ TDH_VP_ENTER, TDXM_VP_ENTER, 0 },
		{ TDH_MNG_ADDCX, TDXM_MNG_ADDCX, 1 },
		{ TDH_MNG_KEY_CONFIG, TDXM_MNG_KEY_CONFIG, 8 },
		{ TDH_MNG_CREATE, TDXM_MNG_CREATE, 9 },
		{ TDH_MNG_VPFLUSHDONE, TDXM_MNG_VPFLUSHDONE, 19 },
		{ TDH_MNG_KEY_FREEID, TDXM_MNG_KEY_FREEID, 20 },
		{ TDH_MNG_INIT, TDXM_MNG_INIT, 21 },
		{ TDH_PHYMEM_PAGE_RECLAIM, TDXM_PHYMEM_PAGE_RECLAIM, 28 },
		{ TDH_PHYMEM_CACHE_WB, TDXM_PHYMEM_CACHE_WB, 40 },
		{ TDH_PHYMEM_PAGE_WBINVD, TDXM_PHYMEM_PAGE_WBINVD, 41 },
		{ TDX_LIFECYCLE_STATE_INCORRECT, TDXM_LIFECYCLE_STATE_INCORRECT,
		  0xC000060700000000ULL },
		{ TDX_WBCACHE_NOT_COMPLETE, TDXM_WBCACHE_NOT_COMPLETE, 0x8000081700000000ULL },
		{ TDX_NO_HKID_READY_TO_WBCACHE, TDXM_NO_HKID_READY_TO_WBCACHE,
		  0x0000082100000000ULL },
		{ TDX_FLUSHVP_NOT_DONE, TDXM_FLUSHVP_NOT_DONE, 0x8000082400000000ULL },
		{ TDX_HKID_NOT_FREE, TDXM_HKID_NOT_FREE, 0xC000082000000000ULL },
		{ TDX_TD_ASSOCIATED_PAGES_EXIST, TDXM_TD_ASSOCIATED_PAGES_EXIST,
		  0xC000040000000000ULL },
		{ TDX_OPERAND_ID_TDR, TDXM_OP_TDR, 0x80 },
		{ TDX_FEATURES0_NO_RBP_MOD, TDXM_FEATURES0_NO_RBP_MOD, 1ULL << 18 },
		{ TDX_MD_TDR_BASE_SIZE, TDXM_MD_TDR_BASE_SIZE, 0x9800000100000000ULL },
		{ TDX_MD_TDCS_BASE_SIZE, TDXM_MD_TDCS_BASE_SIZE, 0x9800000100000100ULL },
		{ TDX_MD_TDVPS_BASE_SIZE, TDXM_MD_TDVPS_BASE_SIZE, 0x9800000100000200ULL },
		{ TDX_MD_ATTRIBUTES_FIXED0, TDXM_MD_ATTRIBUTES_FIXED0, 0x1900000300000000ULL },
		{ TDX_MD_ATTRIBUTES_FIXED1, TDXM_MD_ATTRIBUTES_FIXED1, 0x1900000300000001ULL },
		{ TDX_MD_XFAM_FIXED0, TDXM_MD_XFAM_FIXED0, 0x1900000300000002ULL },
		{ TDX_MD_XFAM_FIXED1, TDXM_MD_XFAM_FIXED1, 0x1900000300000003ULL },
		{ TDX_MD_NUM_CPUID_CONFIG, TDXM_MD_NUM_CPUID_CONFIG, 0x9900000100000004ULL },
		{ TDX_MD_MAX_VCPUS_PER_TD, TDXM_MD_MAX_VCPUS_PER_TD, 0x9900000100000008ULL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		KUNIT_EXPECT_EQ_MSG(test, v[i].kernel, v[i].abi, "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, v[i].model, v[i].abi, "entry %u", i);
	}
}

static void tdx_abi_tdmr_info_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, base), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, size), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, pamt_1g_base), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, pamt_1g_size), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, pamt_2m_base), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, pamt_2m_size), 40);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, pamt_4k_base), 48);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, pamt_4k_size), 56);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_info, reserved_areas), 64);
	KUNIT_EXPECT_EQ(test, sizeof(struct tdmr_reserved_area), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct tdmr_reserved_area, size), 8);
	KUNIT_EXPECT_EQ(test, TDMR_INFO_ALIGNMENT, 512);
	KUNIT_EXPECT_EQ(test, TDMR_ALIGNMENT, SZ_1G);
	KUNIT_EXPECT_EQ(test, TDX_MAX_RESERVED_AREAS, 16);
}

static struct kunit_case tdx_abi_cases[] = {
	KUNIT_CASE(tdx_abi_leaves_test),
	KUNIT_CASE(tdx_abi_statuses_test),
	KUNIT_CASE(tdx_abi_fields_test),
	KUNIT_CASE(tdx_abi_td_test),
	KUNIT_CASE(tdx_abi_tdmr_info_test),
	{}
};

static struct kunit_suite tdx_abi_suite = {
	.name = "tdx_abi",
	.test_cases = tdx_abi_cases,
};

/* A model of this machine that SEAMCALLs reach, for one test */

struct model_env {
	struct tdx_emul m;
	struct tdx_emul *prev;
};

static void vmxon_one(void *unused)
{
	tdx_emul_vmxon();
}

static void vmxoff_one(void *unused)
{
	tdx_emul_vmxoff();
}

/* The suite's exit: undo model_env(). */
static void model_env_exit(struct kunit *test)
{
	struct model_env *env = test->priv;

	if (!env)
		return;
	on_each_cpu(vmxoff_one, NULL, 1);
	tdx_emul_set_active(env->prev);
	test->priv = NULL;
}

/*
 * A fresh module on this machine's LPs (the present CPUs), every online CPU
 * in VMX operation; undone by the suite's exit when the test ends.
 */
static struct tdx_emul *model_env(struct kunit *test)
{
	struct model_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, env);
	tdx_emul_model_init(&env->m);
	for_each_present_cpu(cpu)
		KUNIT_ASSERT_EQ(test, tdx_emul_add_lp(&env->m, cpu_physical_id(cpu),
						      topology_physical_package_id(cpu)), 0);
	env->m.pkg_fms = 0x806f8;
	env->m.fail.verbose = 0;
	env->prev = tdx_emul_set_active(&env->m);
	test->priv = env;
	on_each_cpu(vmxon_one, NULL, 1);
	return &env->m;
}

/* Make the next @times SEAMCALLs of @leaf (U64_MAX: any) return @status. */
static void inject(struct tdx_emul *m, u64 leaf, u64 status, int times)
{
	m->fail_leaf = leaf;
	m->fail_status = status;
	m->fail.probability = 100;
	m->fail.interval = 1;
	atomic_set(&m->fail.times, times);
}

static u64 call(struct tdx_emul *m, unsigned int lp, u64 fn, u64 rcx, u64 rdx)
{
	struct tdx_emul_regs r = { .rax = fn, .rcx = rcx, .rdx = rdx };

	return tdx_emul_call(m, lp, &r);
}

/* TDH.SYS.INIT, and TDH.SYS.LP.INIT on every LP, straight to the model. */
static void ready_module(struct kunit *test, struct tdx_emul *m)
{
	unsigned int lp;

	KUNIT_ASSERT_EQ(test, call(m, 0, TDXM_SYS_INIT, 0, 0), TDXM_SUCCESS);
	for (lp = 0; lp < m->nr_lps; lp++)
		KUNIT_ASSERT_EQ(test, call(m, lp, TDXM_SYS_LP_INIT, 0, 0), TDXM_SUCCESS);
}

/* SEAMCALL boundary */

struct status_case {
	const char *name;
	u64 status;
	int err;
};

static const struct status_case status_cases[] = {
	{ "success", 0, 0 },
	{ "informational status, bit 63 clear", 0x0000081500000000ULL, 0 },
	{ "VMfailInvalid", 0x8000FF00FFFF0000ULL, -ENODEV },
	{ "UD exception", 0x8000FF0000000006ULL, -EACCES },
	{ "GP exception", 0x8000FF000000000DULL, -EOPNOTSUPP },
	{ "no entropy", 0x8000020300000000ULL, -EAGAIN },
	{ "invalid operand RAX", 0xC000010000000000ULL, -EINVAL },
	{ "invalid operand RDX", 0xC000010000000002ULL, -EINVAL },
	{ "operand busy", 0x8000020000000001ULL, -EBUSY },
	{ "module busy", 0x8000020200000000ULL, -EBUSY },
	{ "not ready", 0xC000050500000000ULL, -EIO },
	{ "LP.INIT not done", 0xC000050200000000ULL, -EIO },
	{ "other software-reserved class", 0x8000FF0000000001ULL, -EIO },
};

static void status_case_desc(const struct status_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(status, status_cases, status_case_desc);

static void tdx_status_to_errno_test(struct kunit *test)
{
	const struct status_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, seamcall_status_to_errno(c->status), c->err);
}

/*
 * The same statuses, as the module answers the SEAMCALL instruction; the
 * model's VMfailInvalid comes back as CF set, which the assembly turns
 * into TDX_SEAMCALL_VMFAILINVALID.
 */
static void tdx_seamcall_errno_test(struct kunit *test)
{
	const struct status_case *c = test->param_value;
	struct tdx_emul *m = model_env(test);
	struct tdx_module_args args = {};
	u64 status = ~0ULL;

	inject(m, TDXM_SYS_INIT, c->status, TDX_SEAMCALL_ATTEMPTS);
	KUNIT_EXPECT_EQ(test, seamcall(TDH_SYS_INIT, &args, &status), c->err);
	KUNIT_EXPECT_EQ(test, status, c->status);
}

/* Outputs come back in the registers the ABI names. */
static void tdx_seamcall_outputs_test(struct kunit *test)
{
	struct tdx_emul *m = model_env(test);
	struct tdx_module_args args = { .rdx = 0x0800000200000000ULL };	/* VENDOR_ID */

	ready_module(test, m);
	KUNIT_EXPECT_EQ(test, seamcall(TDH_SYS_RD, &args, NULL), 0);
	KUNIT_EXPECT_EQ(test, args.r8, 0x8086);
	/* RDX: the next field id, BUILD_DATE. */
	KUNIT_EXPECT_EQ(test, args.rdx, 0x8800000200000001ULL);
}

/* A SEAMCALL outside VMX operation raises #UD: no oops, an error. */
static void tdx_seamcall_ud_test(struct kunit *test)
{
	struct tdx_emul *m = model_env(test);
	struct tdx_module_output out;
	struct tdx_module_args args = {};
	u64 calls = m->nr_seamcalls;
	u64 ret;

	ready_module(test, m);
	calls = m->nr_seamcalls;
	on_each_cpu(vmxoff_one, NULL, 1);

	preempt_disable();
	ret = __seamcall(TDH_SYS_RD, 0, 0x0800000200000000ULL, 0, 0, &out);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, ret, TDX_SEAMCALL_UD);
	/* Through the wrapper, as all callers do. */
	KUNIT_EXPECT_EQ(test, seamcall(TDH_SYS_RD, &args, NULL), -EACCES);
	/* The module never saw them. */
	KUNIT_EXPECT_EQ(test, m->nr_seamcalls, calls);
}

/*
 * TDH.VP.ENTER exchanges every register: what the CPU held at the
 * instruction (the trap's registers) must be the struct's inputs, and what
 * the module leaves in them must come back in the struct.
 */
struct vp_enter_seen {
	struct pt_regs in;
	unsigned int calls;
};

static const u64 vp_in = 0x1100000000000000ULL;
static const u64 vp_out = 0x2200000000000000ULL;

static u64 vp_enter_echo(struct tdx_emul *m, struct pt_regs *regs)
{
	struct vp_enter_seen *seen = m->test_data;
	unsigned long *r[] = {
		&regs->cx, &regs->dx, &regs->bx, &regs->si, &regs->di, &regs->r8,
		&regs->r9, &regs->r10, &regs->r11, &regs->r12, &regs->r13,
		&regs->r14, &regs->r15,
	};
	unsigned int i;

	seen->in = *regs;
	seen->calls++;
	for (i = 0; i < ARRAY_SIZE(r); i++)
		*r[i] = vp_out + i;
	/* An exit with a status of the module's (EXIT_REASON 12, HLT). */
	return 12;
}

static void tdx_seamcall_saved_ret_test(struct kunit *test)
{
	struct tdx_emul *m = model_env(test);
	struct vp_enter_seen *seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	struct tdx_vp_regs vp;
	u64 *v = (u64 *)&vp;
	unsigned int i;
	u64 ret;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	m->test_data = seen;
	m->vp_enter = vp_enter_echo;
	for (i = 0; i < sizeof(vp) / sizeof(u64); i++)
		v[i] = vp_in + i;

	local_irq_disable();
	ret = tdh_vp_enter(&vp);
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, ret, 12);
	KUNIT_ASSERT_EQ(test, seen->calls, 1);
	KUNIT_EXPECT_EQ(test, seen->in.ax, 0);
	KUNIT_EXPECT_EQ(test, seen->in.cx, vp_in + 0);
	KUNIT_EXPECT_EQ(test, seen->in.dx, vp_in + 1);
	KUNIT_EXPECT_EQ(test, seen->in.bx, vp_in + 2);
	KUNIT_EXPECT_EQ(test, seen->in.si, vp_in + 3);
	KUNIT_EXPECT_EQ(test, seen->in.di, vp_in + 4);
	KUNIT_EXPECT_EQ(test, seen->in.r8, vp_in + 5);
	KUNIT_EXPECT_EQ(test, seen->in.r11, vp_in + 8);
	KUNIT_EXPECT_EQ(test, seen->in.r12, vp_in + 9);
	KUNIT_EXPECT_EQ(test, seen->in.r15, vp_in + 12);
	for (i = 0; i < sizeof(vp) / sizeof(u64); i++)
		KUNIT_EXPECT_EQ_MSG(test, v[i], vp_out + i, "register %u of struct tdx_vp_regs", i);

	/* VMfailInvalid and #UD come back as the kernel's values. */
	m->vp_enter = NULL;
	inject(m, TDXM_VP_ENTER, TDXM_VMFAILINVALID, 1);
	local_irq_disable();
	ret = tdh_vp_enter(&vp);
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, ret, TDX_SEAMCALL_VMFAILINVALID);
	on_each_cpu(vmxoff_one, NULL, 1);
	local_irq_disable();
	ret = tdh_vp_enter(&vp);
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, ret, TDX_SEAMCALL_UD);
}

/* TDX_RND_NO_ENTROPY is retried with the original inputs. */
static void tdx_seamcall_entropy_retry_test(struct kunit *test)
{
	struct tdx_emul *m = model_env(test);
	struct tdx_module_args args = {};
	u64 status;

	ready_module(test, m);
	inject(m, TDXM_SYS_RD, TDXM_RND_NO_ENTROPY, TDX_SEAMCALL_ATTEMPTS - 1);
	args.rdx = 0x0800000200000000ULL;	/* VENDOR_ID */
	KUNIT_EXPECT_EQ(test, seamcall(TDH_SYS_RD, &args, &status), 0);
	KUNIT_EXPECT_EQ(test, status, 0);
	KUNIT_EXPECT_EQ(test, args.r8, 0x8086);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->fail.times), 0);
}

/* ... but not forever. */
static void tdx_seamcall_entropy_exhausted_test(struct kunit *test)
{
	struct tdx_emul *m = model_env(test);
	struct tdx_module_args args = {};
	u64 status;

	inject(m, TDXM_SYS_INIT, TDXM_RND_NO_ENTROPY, TDX_SEAMCALL_ATTEMPTS + 1);
	KUNIT_EXPECT_EQ(test, seamcall(TDH_SYS_INIT, &args, &status), -EAGAIN);
	KUNIT_EXPECT_EQ(test, status, TDXM_RND_NO_ENTROPY);
	/* Exactly TDX_SEAMCALL_ATTEMPTS calls were made. */
	KUNIT_EXPECT_EQ(test, atomic_read(&m->fail.times), 1);
	/* Nothing reached the module: TDH.SYS.INIT still works. */
	m->fail.probability = 0;
	KUNIT_EXPECT_EQ(test, seamcall(TDH_SYS_INIT, &args, NULL), 0);
}

/*
 * Every failure the user can cause says, in one line of at most 200
 * characters, which leaf failed and with which status: the names are the
 * ABI's, written out here.
 */
static void tdx_seamcall_messages_test(struct kunit *test)
{
	static const struct { u64 fn; const char *name; } leaves[] = {
		{ 31, "TDH.SYS.KEY.CONFIG" }, { 33, "TDH.SYS.INIT" },
		{ 34, "TDH.SYS.RD" }, { 35, "TDH.SYS.LP.INIT" },
		{ 36, "TDH.SYS.TDMR.INIT" }, { 45, "TDH.SYS.CONFIG" },
	};
	static const struct { u64 status; const char *name; } statuses[] = {
		{ 0xC000010000000001ULL, "OPERAND_INVALID" },
		{ 0x8000020000000001ULL, "OPERAND_BUSY" },
		{ 0x8000020200000000ULL, "SYS_BUSY" },
		{ 0x8000020300000000ULL, "RND_NO_ENTROPY" },
		{ 0xC000050000000000ULL, "SYS_INIT_NOT_PENDING" },
		{ 0xC000050200000000ULL, "SYS_LP_INIT_NOT_DONE" },
		{ 0xC000050500000000ULL, "SYS_NOT_READY" },
		{ 0xC000050700000000ULL, "SYS_KEY_CONFIG_NOT_PENDING" },
		{ 0xC000050B00000000ULL, "SYS_LP_INIT_NOT_PENDING" },
		{ 0xC000050C00000000ULL, "SYS_CONFIG_NOT_PENDING" },
		{ 0x8000080000000000ULL, "KEY_GENERATION_FAILED" },
		{ 0xC0000A0000000000ULL, "INVALID_TDMR" },
		{ 0xC0000A0100000000ULL, "NON_ORDERED_TDMR" },
		{ 0xC0000A0200000000ULL, "TDMR_OUTSIDE_CMRS" },
		{ 0xC0000A1000000000ULL, "INVALID_PAMT" },
		{ 0xC0000A1100000000ULL, "PAMT_OUTSIDE_CMRS" },
		{ 0xC0000A1200000000ULL, "PAMT_OVERLAP" },
		{ 0xC0000A2000000000ULL, "INVALID_RESERVED_IN_TDMR" },
		{ 0xC0000A2100000000ULL, "NON_ORDERED_RESERVED_IN_TDMR" },
		{ 0xC0000C0200000000ULL, "METADATA_FIELD_NOT_READABLE" },
		/* Not reaching the module: VMfailInvalid, #UD, #GP. */
		{ TDX_SEAMCALL_VMFAILINVALID, "VMfailInvalid" },
		{ TDX_SEAMCALL_UD, "#UD" },
		{ TDX_SEAMCALL_GP, "#GP" },
		/* A status without a name still shows its value. */
		{ 0xC0000F0000000007ULL, "0xc0000f0000000007" },
	};
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	unsigned int i, j;
	int len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		for (j = 0; j < ARRAY_SIZE(statuses); j++) {
			u64 st = statuses[j].status;

			len = seamcall_describe(buf, 512, leaves[i].fn, st,
						seamcall_status_to_errno(st));
			KUNIT_EXPECT_LE_MSG(test, len, 200, "%s", buf);
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, leaves[i].name), "%s", buf);
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, statuses[j].name), "%s", buf);
		}
	}
}

static struct kunit_case tdx_seamcall_cases[] = {
	KUNIT_CASE_PARAM(tdx_status_to_errno_test, status_gen_params),
	KUNIT_CASE_PARAM(tdx_seamcall_errno_test, status_gen_params),
	KUNIT_CASE(tdx_seamcall_outputs_test),
	KUNIT_CASE(tdx_seamcall_ud_test),
	KUNIT_CASE(tdx_seamcall_saved_ret_test),
	KUNIT_CASE(tdx_seamcall_entropy_retry_test),
	KUNIT_CASE(tdx_seamcall_entropy_exhausted_test),
	KUNIT_CASE(tdx_seamcall_messages_test),
	{}
};

static struct kunit_suite tdx_seamcall_suite = {
	.name = "tdx_seamcall",
	.exit = model_env_exit,
	.test_cases = tdx_seamcall_cases,
};

/* The emulated module's state machine, called directly */

static struct tdx_emul *new_model(struct kunit *test, unsigned int nr_lps)
{
	struct tdx_emul *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	unsigned int lp;

	KUNIT_ASSERT_NOT_NULL(test, m);
	tdx_emul_model_init(m);
	for (lp = 0; lp < nr_lps; lp++)
		KUNIT_ASSERT_EQ(test, tdx_emul_add_lp(m, lp, lp / 2), 0);
	m->fail.verbose = 0;
	return m;
}

static void tdx_emul_lp_init_before_sys_init_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 2);

	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0xC000050B00000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 34, 0, 0x0800000200000000ULL),
			0xC000050200000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0);
}

static void tdx_emul_sys_init_once_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 2);

	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 1, 0), 0xC000010000000001ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 1, 33, 0, 0), 0xC000050000000000ULL);
}

/*
 * TDH.SYS.DISABLE: interrupted once, then the module is back before
 * TDH.SYS.INIT, from any state; a module without it: TDX_OPERAND_INVALID.
 */
static void tdx_emul_sys_disable_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 2);

	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 1, 35, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 1, 69, 0, 0), 0x8000000300000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 1, 69, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, m->state, TDX_EMUL_NONE);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(m->lp_init_done, TDX_EMUL_MAX_LPS));
	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0);

	m->sys_disable = false;
	KUNIT_EXPECT_EQ(test, call(m, 0, 69, 0, 0), 0xC000010000000000ULL);
	KUNIT_EXPECT_EQ(test, m->state, TDX_EMUL_SYSINIT_DONE);
}

static void tdx_emul_lp_init_per_lp_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 2);

	KUNIT_ASSERT_EQ(test, call(m, 0, 33, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0xC000050300000000ULL);
	/* The other LP has not done LP.INIT: nothing else works there yet. */
	KUNIT_EXPECT_EQ(test, call(m, 1, 34, 0, 0x0800000200000000ULL),
			0xC000050200000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 1, 35, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 1, 34, 0, 0x0800000200000000ULL), 0);
}

static void tdx_emul_sys_rd_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 4);
	struct tdx_emul_regs r = { .rax = 34, .rdx = 0x0000000200000000ULL };

	m->pkg_fms = 0x806f8;
	ready_module(test, m);

	/* NUM_PKGS, then follow the chain of field ids. */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 2);
	KUNIT_EXPECT_EQ(test, r.rdx, 0x0000000200000001ULL);
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 0x806f8);

	r.rdx = 0x9100000100000008ULL;	/* MAX_TDMRS */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 64);
	r.rdx = 0x0800000100000004ULL;	/* MAJOR_VERSION */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 1);
	r.rdx = 0x9100000100000013ULL;	/* no such field */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0xC0000C0200000000ULL);
}

/* NUM_CMRS is the maximum, the entries past the real CMRs empty, like 1.5 modules. */
static void tdx_emul_cmr_tail_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 1);
	struct tdx_emul_regs r = { .rax = 34 };

	KUNIT_ASSERT_EQ(test, tdx_emul_add_cmr(m, SZ_1M, SZ_2G), 0);
	ready_module(test, m);
	r.rdx = 0x9000000100000000ULL;	/* NUM_CMRS */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 32);
	r.rdx = 0x9000000300000100ULL;	/* CMR_SIZE[0] */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, SZ_2G - SZ_1M);
	r.rdx = 0x9000000300000101ULL;	/* CMR_SIZE[1]: empty */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 0);
	r.rdx = 0x900000030000009FULL;	/* CMR_BASE[31]: empty */
	KUNIT_EXPECT_EQ(test, tdx_emul_call(m, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, r.r8, 0);
}

/*
 * CMRs from a firmware memory map: the BIOS-e820 of QEMU q35 with 3 GiB
 * (../shared/data/e820/14 has the same shape).
 */
static void tdx_emul_cmrs_from_e820_test(struct kunit *test)
{
	static const struct tdx_emul_mem_range q35[] = {
		{ 0x0, 0x9fc00, TDX_EMUL_MEM_RAM },
		{ 0x9fc00, 0xa0000, TDX_EMUL_MEM_RESERVED },
		{ 0xf0000, 0x100000, TDX_EMUL_MEM_RESERVED },
		{ 0x100000, 0x7ffdf000, TDX_EMUL_MEM_RAM },
		{ 0x7ffdf000, 0x80000000, TDX_EMUL_MEM_RESERVED },
		{ 0xb0000000, 0xc0000000, TDX_EMUL_MEM_RESERVED },
		{ 0xfed1c000, 0xfed20000, TDX_EMUL_MEM_RESERVED },
		{ 0xfeffc000, 0xff000000, TDX_EMUL_MEM_RESERVED },
		{ 0xfffc0000, 0x100000000, TDX_EMUL_MEM_RESERVED },
		{ 0x100000000, 0x140000000, TDX_EMUL_MEM_RAM },
	};
	/* Firmware-reserved DRAM between RAM, and ACPI tables, are convertible. */
	static const struct tdx_emul_mem_range holes[] = {
		{ 0x100000, 0x6f000000, TDX_EMUL_MEM_RAM },
		{ 0x6f000000, 0x6f100000, TDX_EMUL_MEM_RESERVED },
		{ 0x6f100000, 0x6f200000, TDX_EMUL_MEM_RAM },
		{ 0x6f200000, 0x6f300000, TDX_EMUL_MEM_FW },
		{ 0x6f300000, 0x6f800000, TDX_EMUL_MEM_RAM },
	};
	struct tdx_emul *m = new_model(test, 1);

	KUNIT_ASSERT_EQ(test, tdx_emul_cmrs_from_map(m, q35, ARRAY_SIZE(q35)), 0);
	KUNIT_ASSERT_EQ(test, m->nr_cmrs, 2);
	KUNIT_EXPECT_EQ(test, m->cmrs[0].base, 0x100000);
	KUNIT_EXPECT_EQ(test, m->cmrs[0].size, 0x7ffdf000 - 0x100000);
	KUNIT_EXPECT_EQ(test, m->cmrs[1].base, 0x100000000);
	KUNIT_EXPECT_EQ(test, m->cmrs[1].size, SZ_1G);

	m = new_model(test, 1);
	KUNIT_ASSERT_EQ(test, tdx_emul_cmrs_from_map(m, holes, ARRAY_SIZE(holes)), 0);
	KUNIT_ASSERT_EQ(test, m->nr_cmrs, 1);
	KUNIT_EXPECT_EQ(test, m->cmrs[0].base, 0x100000);
	KUNIT_EXPECT_EQ(test, m->cmrs[0].size, 0x6f800000 - 0x100000);
}

static void tdx_emul_unknown_leaf_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 1);

	KUNIT_EXPECT_EQ(test, call(m, 0, 9 /* TDH.MNG.CREATE */, 0, 0),
			0xC000050200000000ULL);
	ready_module(test, m);
	KUNIT_EXPECT_EQ(test, call(m, 0, 47, 0, 0), 0xC000010000000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 0xffff, 0, 0), 0xC000010000000000ULL);
	/* A version on a leaf without versions, reserved RAX bits. */
	KUNIT_EXPECT_EQ(test, call(m, 0, 34 | 1 << 16, 0, 0), 0xC000010000000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 34 | 1ULL << 24, 0, 0), 0xC000010000000000ULL);
	/* An ABI leaf the module refuses until it is configured. */
	KUNIT_EXPECT_EQ(test, call(m, 0, 9 /* TDH.MNG.CREATE */, 0, 0),
			0xC000050500000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 36 /* TDH.SYS.TDMR.INIT */, 0, 0),
			0xC000050500000000ULL);
}

static void tdx_emul_fault_injection_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 1);

	/* Only the selected leaf fails, as often as asked. */
	inject(m, 35, 0x8000020200000000ULL, 1);
	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0x8000020200000000ULL);
	KUNIT_EXPECT_EQ(test, call(m, 0, 35, 0, 0), 0);
}

/* The leaves that take the module's lock exclusively do not wait for it. */
static void tdx_emul_busy_test(struct kunit *test)
{
	struct tdx_emul *m = new_model(test, 1);
	unsigned long flags;
	u64 ret;

	ready_module(test, m);
	raw_spin_lock_irqsave(&m->lock, flags);
	ret = call(m, 0, 31 /* TDH.SYS.KEY.CONFIG */, 0, 0);
	raw_spin_unlock_irqrestore(&m->lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0x8000020200000000ULL);	/* TDX_SYS_BUSY */
	raw_spin_lock_irqsave(&m->lock, flags);
	ret = call(m, 0, 33 /* TDH.SYS.INIT */, 0, 0);
	raw_spin_unlock_irqrestore(&m->lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0x8000020200000000ULL);
	/* Once the lock is free, the module answers as usual. */
	KUNIT_EXPECT_EQ(test, call(m, 0, 33, 0, 0), 0xC000050000000000ULL);
}

static struct kunit_case tdx_emul_cases[] = {
	KUNIT_CASE(tdx_emul_lp_init_before_sys_init_test),
	KUNIT_CASE(tdx_emul_sys_init_once_test),
	KUNIT_CASE(tdx_emul_sys_disable_test),
	KUNIT_CASE(tdx_emul_lp_init_per_lp_test),
	KUNIT_CASE(tdx_emul_sys_rd_test),
	KUNIT_CASE(tdx_emul_cmr_tail_test),
	KUNIT_CASE(tdx_emul_cmrs_from_e820_test),
	KUNIT_CASE(tdx_emul_unknown_leaf_test),
	KUNIT_CASE(tdx_emul_fault_injection_test),
	KUNIT_CASE(tdx_emul_busy_test),
	{}
};

static struct kunit_suite tdx_emul_suite = {
	.name = "tdx_emul",
	.test_cases = tdx_emul_cases,
};

/* Per-CPU enabling, through the SEAMCALL instruction */

struct cpu_enable_run {
	struct tdx_module *m;
	atomic_t err;
};

static void cpu_enable_one(void *data)
{
	struct cpu_enable_run *run = data;
	int ret = tdx_module_cpu_enable(run->m);

	if (ret)
		atomic_cmpxchg(&run->err, 0, ret);
}

static int cpu_enable_all(struct tdx_module *m)
{
	struct cpu_enable_run run = { .m = m, .err = ATOMIC_INIT(0) };

	cpus_read_lock();
	on_each_cpu(cpu_enable_one, &run, 1);
	cpus_read_unlock();
	return atomic_read(&run.err);
}

/* A kernel view of a TDX module, set up, freed with the test. */
static struct tdx_module *new_module(struct kunit *test)
{
	struct tdx_module *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	tdx_module_setup(m);
	return m;
}

/* TDH.SYS.INIT once, TDH.SYS.LP.INIT once on every CPU, then nothing. */
static void tdx_module_cpu_enable_test(struct kunit *test)
{
	struct tdx_emul *emul = model_env(test);
	struct tdx_module *m = new_module(test);
	u64 calls;

	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), 0);
	KUNIT_EXPECT_TRUE(test, cpumask_equal(&m->lp_ready, cpu_online_mask));
	/* The model's view: one LP per online CPU did LP.INIT. */
	KUNIT_EXPECT_EQ(test, bitmap_weight(emul->lp_init_done, TDX_EMUL_MAX_LPS),
			num_online_cpus());
	KUNIT_EXPECT_EQ(test, emul->state, TDX_EMUL_SYSINIT_DONE);

	/* Again: no SEAMCALL reaches the model. */
	calls = emul->nr_seamcalls;
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), 0);
	KUNIT_EXPECT_EQ(test, emul->nr_seamcalls, calls);
}

/* A failed TDH.SYS.INIT is kept: no CPU retries it. */
static void tdx_module_cpu_enable_sys_init_fails_test(struct kunit *test)
{
	struct tdx_emul *emul = model_env(test);
	struct tdx_module *m = new_module(test);

	inject(emul, TDXM_SYS_INIT, TDXM_VMFAILINVALID, 1);
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), -ENODEV);
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), -ENODEV);
	KUNIT_EXPECT_EQ(test, emul->state, TDX_EMUL_NONE);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&m->lp_ready));
}

/*
 * A module an earlier kernel initialized (kexec without TDH.SYS.DISABLE):
 * one TDH.SYS.INIT, which the model refuses with the ABI's status, marks
 * it failed for good; nothing issues another SEAMCALL for it.
 */
static void tdx_module_cpu_enable_initialized_before_test(struct kunit *test)
{
	struct tdx_emul *emul = model_env(test);
	struct tdx_module *m = new_module(test);
	u64 calls;

	KUNIT_ASSERT_EQ(test, call(emul, 0, TDXM_SYS_INIT, 0, 0), TDXM_SUCCESS);

	calls = emul->nr_seamcalls;
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), -EIO);
	KUNIT_EXPECT_EQ(test, emul->nr_seamcalls, calls + 1);
	KUNIT_EXPECT_EQ(test, m->status, TDX_MODULE_ERROR);
	KUNIT_EXPECT_EQ(test, m->fail_leaf, 33);
	KUNIT_EXPECT_EQ(test, m->fail_status, 0xC000050000000000ULL);

	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), -EIO);
	cpus_read_lock();
	KUNIT_EXPECT_EQ(test, tdx_module_enable(m), -EIO);
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, emul->nr_seamcalls, calls + 1);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&m->lp_ready));
}

static struct kunit_case tdx_cpu_enable_cases[] = {
	KUNIT_CASE(tdx_module_cpu_enable_test),
	KUNIT_CASE(tdx_module_cpu_enable_sys_init_fails_test),
	KUNIT_CASE(tdx_module_cpu_enable_initialized_before_test),
	{}
};

static struct kunit_suite tdx_cpu_enable_suite = {
	.name = "tdx_cpu_enable",
	.exit = model_env_exit,
	.test_cases = tdx_cpu_enable_cases,
};

kunit_test_suites(&tdx_abi_suite, &tdx_keyids_suite, &tdx_seamcall_suite,
		  &tdx_emul_suite, &tdx_cpu_enable_suite);

MODULE_LICENSE("GPL");

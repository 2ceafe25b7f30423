// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for TDX host support: KeyID partitioning, the SEAMCALL
 * boundary and the emulated TDX module.
 *
 * Every test that needs a TDX module gets a fresh emulated one of its own;
 * the platform's module (tdx_emulate) is never touched. The only real
 * SEAMCALLs are issued where the CPU is not in VMX operation, to prove
 * that the resulting #UD becomes an error value rather than an oops.
 *
 * Run with:
 *   ./tools/testing/kunit/kunit.py run --arch=x86_64 \
 *	--kunitconfig=arch/x86/virt/vmx/tdx
 */

#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tdx.h>
#include "tdx.h"
#include "emul.h"

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

/* Emulated module helpers */

static struct tdx_emul *new_module(struct kunit *test)
{
	struct tdx_emul *emul = kunit_kzalloc(test, sizeof(*emul), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, emul);
	tdx_emul_model_init(emul, 2, 0x806f8);
	emul->fail.verbose = 0;
	return emul;
}

/* Make the next @times SEAMCALLs of @leaf (U64_MAX: any) return @status. */
static void inject(struct tdx_emul *emul, u64 leaf, u64 status, int times)
{
	emul->fail_leaf = leaf;
	emul->fail_status = status;
	emul->fail.probability = 100;
	emul->fail.interval = 1;
	atomic_set(&emul->fail.times, times);
}

static u64 call(struct tdx_emul *emul, unsigned int cpu, u64 fn, u64 rcx, u64 rdx)
{
	struct tdx_module_args args = { .rcx = rcx, .rdx = rdx };

	return tdx_emul_seamcall(emul, cpu, fn, &args);
}

/* Bring @emul to TDH.SYS.INIT done and TDH.SYS.LP.INIT done on every CPU. */
static void ready_module(struct kunit *test, struct tdx_emul *emul)
{
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, call(emul, 0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	for_each_possible_cpu(cpu)
		KUNIT_ASSERT_EQ(test, call(emul, cpu, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);
}

/* SEAMCALL boundary */

struct status_case {
	const char *name;
	u64 status;
	int err;
};

static const struct status_case status_cases[] = {
	{ "success", TDX_SUCCESS, 0 },
	{ "informational status, bit 63 clear", 0x0000081500000000ULL, 0 },
	{ "VMfailInvalid", TDX_SEAMCALL_VMFAILINVALID, -ENODEV },
	{ "UD exception", TDX_SEAMCALL_UD, -EACCES },
	{ "GP exception", TDX_SEAMCALL_GP, -EOPNOTSUPP },
	{ "no entropy", TDX_RND_NO_ENTROPY, -EAGAIN },
	{ "invalid operand RAX", TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX, -EINVAL },
	{ "invalid operand RDX", TDX_OPERAND_INVALID | TDX_OPERAND_ID_RDX, -EINVAL },
	{ "operand busy", TDX_OPERAND_BUSY | TDX_OPERAND_ID_RCX, -EBUSY },
	{ "module busy", TDX_SYS_BUSY, -EBUSY },
	{ "not ready", TDX_SYS_NOT_READY, -EIO },
	{ "LP.INIT not done", TDX_SYS_LP_INIT_NOT_DONE, -EIO },
	{ "other software-reserved class", TDX_SW_ERROR | 1, -EIO },
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

/* The same statuses, coming back from a (failed) SEAMCALL of a module. */
static void tdx_seamcall_errno_test(struct kunit *test)
{
	const struct status_case *c = test->param_value;
	struct tdx_emul *emul = new_module(test);
	struct tdx_module_args args = {};
	u64 status = ~0ULL;

	inject(emul, TDH_SYS_INIT, c->status, TDX_SEAMCALL_ATTEMPTS);
	KUNIT_EXPECT_EQ(test, seamcall_on(emul, TDH_SYS_INIT, &args, &status), c->err);
	KUNIT_EXPECT_EQ(test, status, c->status);
}

/* A SEAMCALL issued outside VMX operation raises #UD: no oops, an error. */
static void tdx_seamcall_ud_test(struct kunit *test)
{
	struct tdx_module_output out;
	struct tdx_module_args args = {};
	bool vmx_on;
	u64 ret;

	preempt_disable();
	vmx_on = __read_cr4() & X86_CR4_VMXE;
	ret = vmx_on ? 0 : __seamcall(TDH_SYS_RD, 0, 0, 0, 0, &out);
	preempt_enable();
	if (vmx_on)
		kunit_skip(test, "this CPU is in VMX operation: a SEAMCALL would not fault");

	KUNIT_EXPECT_EQ(test, ret, TDX_SEAMCALL_UD);

	/* Through the wrapper, as all callers do. */
	preempt_disable();
	vmx_on = __read_cr4() & X86_CR4_VMXE;
	preempt_enable();
	if (vmx_on)
		kunit_skip(test, "this CPU entered VMX operation during the test");
	KUNIT_EXPECT_EQ(test, seamcall_on(NULL, TDH_SYS_RD, &args, NULL), -EACCES);
}

/* TDX_RND_NO_ENTROPY is retried with the original inputs. */
static void tdx_seamcall_entropy_retry_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	struct tdx_module_args args = {};
	u64 status;

	ready_module(test, emul);

	inject(emul, TDH_SYS_RD, TDX_RND_NO_ENTROPY, TDX_SEAMCALL_ATTEMPTS - 1);
	args.rdx = 0x0800000200000000ULL;	/* VENDOR_ID */
	KUNIT_EXPECT_EQ(test, seamcall_on(emul, TDH_SYS_RD, &args, &status), 0);
	KUNIT_EXPECT_EQ(test, status, TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, args.r8, 0x8086);
	KUNIT_EXPECT_EQ(test, atomic_read(&emul->fail.times), 0);
}

/* ... but not forever. */
static void tdx_seamcall_entropy_exhausted_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	struct tdx_module_args args = {};
	u64 status;

	inject(emul, TDH_SYS_INIT, TDX_RND_NO_ENTROPY, TDX_SEAMCALL_ATTEMPTS + 1);
	KUNIT_EXPECT_EQ(test, seamcall_on(emul, TDH_SYS_INIT, &args, &status), -EAGAIN);
	KUNIT_EXPECT_EQ(test, status, TDX_RND_NO_ENTROPY);
	/* Exactly TDX_SEAMCALL_ATTEMPTS calls were made. */
	KUNIT_EXPECT_EQ(test, atomic_read(&emul->fail.times), 1);
	/* Nothing reached the module: TDH.SYS.INIT still works. */
	emul->fail.probability = 0;
	KUNIT_EXPECT_EQ(test, seamcall_on(emul, TDH_SYS_INIT, &args, NULL), 0);
}

static struct kunit_case tdx_seamcall_cases[] = {
	KUNIT_CASE_PARAM(tdx_status_to_errno_test, status_gen_params),
	KUNIT_CASE_PARAM(tdx_seamcall_errno_test, status_gen_params),
	KUNIT_CASE(tdx_seamcall_ud_test),
	KUNIT_CASE(tdx_seamcall_entropy_retry_test),
	KUNIT_CASE(tdx_seamcall_entropy_exhausted_test),
	{}
};

static struct kunit_suite tdx_seamcall_suite = {
	.name = "tdx_seamcall",
	.test_cases = tdx_seamcall_cases,
};

/* The emulated module's state machine */

static void tdx_emul_lp_init_before_sys_init_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);

	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_LP_INIT, 0, 0),
			TDX_SYS_LP_INIT_NOT_PENDING);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_RD, 0, 0x0800000200000000ULL),
			TDX_SYS_LP_INIT_NOT_DONE);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);
}

/* Two possible CPUs to stand for two logical processors of the model. */
static void two_lps(struct kunit *test, unsigned int *lp0, unsigned int *lp1)
{
	*lp0 = cpumask_first(cpu_possible_mask);
	*lp1 = cpumask_next(*lp0, cpu_possible_mask);
	if (*lp1 >= nr_cpu_ids)
		kunit_skip(test, "needs two possible CPUs");
}

static void tdx_emul_sys_init_once_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	unsigned int lp0, lp1;

	two_lps(test, &lp0, &lp1);
	KUNIT_EXPECT_EQ(test, call(emul, lp0, TDH_SYS_INIT, 1, 0),
			TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
	KUNIT_EXPECT_EQ(test, call(emul, lp0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, call(emul, lp1, TDH_SYS_INIT, 0, 0),
			TDX_SYS_INIT_NOT_PENDING);
}

static void tdx_emul_lp_init_per_lp_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	unsigned int lp0, lp1;

	two_lps(test, &lp0, &lp1);
	KUNIT_ASSERT_EQ(test, call(emul, lp0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, call(emul, lp0, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, call(emul, lp0, TDH_SYS_LP_INIT, 0, 0),
			TDX_SYS_LP_INIT_DONE);
	/* The other LP has not done LP.INIT: nothing else works there yet. */
	KUNIT_EXPECT_EQ(test, call(emul, lp1, TDH_SYS_RD, 0, 0x0800000200000000ULL),
			TDX_SYS_LP_INIT_NOT_DONE);
	KUNIT_EXPECT_EQ(test, call(emul, lp1, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, call(emul, lp1, TDH_SYS_RD, 0, 0x0800000200000000ULL),
			TDX_SUCCESS);
}

static void tdx_emul_sys_rd_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	struct tdx_module_args args = { .rdx = 0x0000000200000000ULL };

	KUNIT_ASSERT_EQ(test, call(emul, 0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_ASSERT_EQ(test, call(emul, 0, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);

	/* NUM_PKGS, then follow the chain of field ids. */
	KUNIT_EXPECT_EQ(test, tdx_emul_seamcall(emul, 0, TDH_SYS_RD, &args), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, args.r8, 2);
	KUNIT_EXPECT_EQ(test, args.rdx, 0x0000000200000001ULL);
	KUNIT_EXPECT_EQ(test, tdx_emul_seamcall(emul, 0, TDH_SYS_RD, &args), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, args.r8, 0x806f8);

	args.rdx = 0x9100000100000008ULL;	/* MAX_TDMRS */
	KUNIT_EXPECT_EQ(test, tdx_emul_seamcall(emul, 0, TDH_SYS_RD, &args), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, args.r8, 64);
	args.rdx = 0x0800000100000004ULL;	/* MAJOR_VERSION */
	KUNIT_EXPECT_EQ(test, tdx_emul_seamcall(emul, 0, TDH_SYS_RD, &args), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, args.r8, 1);

	args.rdx = 0x9100000100000013ULL;	/* no such field */
	KUNIT_EXPECT_EQ(test, tdx_emul_seamcall(emul, 0, TDH_SYS_RD, &args),
			TDX_METADATA_FIELD_NOT_READABLE);
}

static void tdx_emul_unknown_leaf_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);

	KUNIT_ASSERT_EQ(test, call(emul, 0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_ASSERT_EQ(test, call(emul, 0, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);

	KUNIT_EXPECT_EQ(test, call(emul, 0, 47, 0, 0),
			TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX);
	KUNIT_EXPECT_EQ(test, call(emul, 0, 0xffff, 0, 0),
			TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX);
	/* A version on a leaf without versions, reserved RAX bits. */
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_RD | 1 << 16, 0, 0),
			TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_RD | 1ULL << 24, 0, 0),
			TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX);
	/* An ABI leaf the module refuses until it is configured. */
	KUNIT_EXPECT_EQ(test, call(emul, 0, 9 /* TDH.MNG.CREATE */, 0, 0),
			TDX_SYS_NOT_READY);
}

static void tdx_emul_fault_injection_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);

	/* Only the selected leaf fails, as often as asked. */
	inject(emul, TDH_SYS_LP_INIT, TDX_SYS_BUSY, 1);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_INIT, 0, 0), TDX_SUCCESS);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_LP_INIT, 0, 0), TDX_SYS_BUSY);
	KUNIT_EXPECT_EQ(test, call(emul, 0, TDH_SYS_LP_INIT, 0, 0), TDX_SUCCESS);
}

/* tdx_module_cpu_enable() on every online CPU; the first error in @err. */
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

/* TDH.SYS.INIT once, TDH.SYS.LP.INIT once on every CPU, then nothing. */
static void tdx_module_cpu_enable_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	struct tdx_module *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	tdx_module_setup(m, emul);

	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), 0);
	KUNIT_EXPECT_TRUE(test, cpumask_equal(&m->lp_ready, cpu_online_mask));
	KUNIT_EXPECT_TRUE(test, cpumask_equal(&emul->lp_init_done, cpu_online_mask));

	/* Again: no SEAMCALL reaches the model, which would refuse it. */
	inject(emul, U64_MAX, TDX_OPERAND_INVALID, -1);
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), 0);
}

/* A failed TDH.SYS.INIT is kept: no CPU retries it. */
static void tdx_module_cpu_enable_sys_init_fails_test(struct kunit *test)
{
	struct tdx_emul *emul = new_module(test);
	struct tdx_module *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	tdx_module_setup(m, emul);

	inject(emul, TDH_SYS_INIT, TDX_SEAMCALL_VMFAILINVALID, 1);
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), -ENODEV);
	KUNIT_EXPECT_EQ(test, cpu_enable_all(m), -ENODEV);
	KUNIT_EXPECT_EQ(test, emul->state, TDX_EMUL_NONE);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&m->lp_ready));
}

static struct kunit_case tdx_emul_cases[] = {
	KUNIT_CASE(tdx_emul_lp_init_before_sys_init_test),
	KUNIT_CASE(tdx_emul_sys_init_once_test),
	KUNIT_CASE(tdx_emul_lp_init_per_lp_test),
	KUNIT_CASE(tdx_emul_sys_rd_test),
	KUNIT_CASE(tdx_emul_unknown_leaf_test),
	KUNIT_CASE(tdx_emul_fault_injection_test),
	KUNIT_CASE(tdx_module_cpu_enable_test),
	KUNIT_CASE(tdx_module_cpu_enable_sys_init_fails_test),
	{}
};

static struct kunit_suite tdx_emul_suite = {
	.name = "tdx_emul",
	.test_cases = tdx_emul_cases,
};

kunit_test_suites(&tdx_keyids_suite, &tdx_seamcall_suite, &tdx_emul_suite);

MODULE_LICENSE("GPL");

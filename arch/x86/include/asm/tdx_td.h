/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The life of a TD in the TDX module: what a KVM TD type calls.
 *
 * Apart from <asm/tdx.h>, which <asm/kvm_para.h> pulls into most of the
 * kernel: only the TD's users include this.
 */
#ifndef _ASM_X86_TDX_TD_H
#define _ASM_X86_TDX_TD_H

/* Where struct tdx_vp_regs keeps each register, for the assembly. */
#define TDX_VP_RCX	0
#define TDX_VP_RDX	8
#define TDX_VP_RBX	16
#define TDX_VP_RSI	24
#define TDX_VP_RDI	32
#define TDX_VP_R8	40
#define TDX_VP_R9	48
#define TDX_VP_R10	56
#define TDX_VP_R11	64
#define TDX_VP_R12	72
#define TDX_VP_R13	80
#define TDX_VP_R14	88
#define TDX_VP_R15	96

#ifndef __ASSEMBLY__

#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/stddef.h>
#include <linux/types.h>

/**
 * struct tdx_vp_regs - The registers TDH.VP.ENTER exchanges
 * @rcx:	in: the TDVPR and flags; out: what the module says of the exit
 * @rdx:	in and out: as the leaf says
 * @rbx:	in and out: as the leaf says
 * @rsi:	in and out: as the leaf says
 * @rdi:	in and out: as the leaf says
 * @r8:		in and out: as the leaf says
 * @r9:		in and out: as the leaf says
 * @r10:	in and out: as the leaf says
 * @r11:	in and out: as the leaf says
 * @r12:	in and out: as the leaf says
 * @r13:	in and out: as the leaf says
 * @r14:	in and out: as the leaf says
 * @r15:	in and out: as the leaf says
 *
 * Every general purpose register but RAX (the leaf in, the status out),
 * RSP and RBP: a TD's exit can hand KVM any of them (a TDG.VP.VMCALL
 * passes its arguments in the registers the TD chose to expose).
 */
struct tdx_vp_regs {
	u64 rcx;
	u64 rdx;
	u64 rbx;
	u64 rsi;
	u64 rdi;
	u64 r8;
	u64 r9;
	u64 r10;
	u64 r11;
	u64 r12;
	u64 r13;
	u64 r14;
	u64 r15;
};

static_assert(offsetof(struct tdx_vp_regs, rcx) == TDX_VP_RCX);
static_assert(offsetof(struct tdx_vp_regs, rdx) == TDX_VP_RDX);
static_assert(offsetof(struct tdx_vp_regs, rbx) == TDX_VP_RBX);
static_assert(offsetof(struct tdx_vp_regs, rsi) == TDX_VP_RSI);
static_assert(offsetof(struct tdx_vp_regs, rdi) == TDX_VP_RDI);
static_assert(offsetof(struct tdx_vp_regs, r8) == TDX_VP_R8);
static_assert(offsetof(struct tdx_vp_regs, r9) == TDX_VP_R9);
static_assert(offsetof(struct tdx_vp_regs, r10) == TDX_VP_R10);
static_assert(offsetof(struct tdx_vp_regs, r11) == TDX_VP_R11);
static_assert(offsetof(struct tdx_vp_regs, r12) == TDX_VP_R12);
static_assert(offsetof(struct tdx_vp_regs, r13) == TDX_VP_R13);
static_assert(offsetof(struct tdx_vp_regs, r14) == TDX_VP_R14);
static_assert(offsetof(struct tdx_vp_regs, r15) == TDX_VP_R15);

/**
 * struct tdx_td_sysinfo - What the TDX module says a TD may be
 * @features0:		TDX_FEATURES0
 * @attributes_fixed0:	TD ATTRIBUTES bits that must be 0 where this is 0
 * @attributes_fixed1:	TD ATTRIBUTES bits that must be 1 where this is 1
 * @xfam_fixed0:	the same for XFAM
 * @xfam_fixed1:	the same for XFAM
 * @tdr_base_size:	bytes of the TD root (TDR)
 * @tdcs_base_size:	bytes of the TD control structure (TDCS)
 * @tdvps_base_size:	bytes of a vCPU's state (TDVPS)
 * @num_cpuid_config:	CPUID leaves a TD's configuration may set
 * @max_vcpus_per_td:	vCPUs a TD may have
 * @nr_guest_keyids:	private KeyIDs TDs can have (all but the global one)
 */
struct tdx_td_sysinfo {
	u64 features0;
	u64 attributes_fixed0;
	u64 attributes_fixed1;
	u64 xfam_fixed0;
	u64 xfam_fixed1;
	u16 tdr_base_size;
	u16 tdcs_base_size;
	u16 tdvps_base_size;
	u16 num_cpuid_config;
	u16 max_vcpus_per_td;
	u32 nr_guest_keyids;
};

struct tdx_td;

#ifdef CONFIG_INTEL_TDX_HOST
const struct tdx_td_sysinfo *tdx_get_sysinfo(void);
struct tdx_td *tdx_td_create(void);
void tdx_td_destroy(struct tdx_td *td);
u64 tdx_td_tdr_pa(const struct tdx_td *td);
int tdx_td_keyid(const struct tdx_td *td);
unsigned int tdx_td_nr_parked(void);

int tdh_mng_create(u64 tdr, u16 hkid, u64 *status);
int tdh_mng_key_config(u64 tdr, u64 *status);
int tdh_mng_addcx(u64 tdr, u64 tdcs, u64 *status);
int tdh_mng_init(u64 tdr, u64 td_params, u64 *ext_err, u64 *status);
int tdh_mng_vpflushdone(u64 tdr, u64 *status);
int tdh_phymem_cache_wb(u64 *status);
int tdh_mng_key_freeid(u64 tdr, u64 *status);
int tdh_phymem_page_reclaim(u64 pa, u64 *type, u64 *owner, u64 *size, u64 *status);
int tdh_phymem_page_wbinvd(u64 keyed_pa, u64 *status);
u64 tdh_vp_enter(struct tdx_vp_regs *regs);
#else
static inline const struct tdx_td_sysinfo *tdx_get_sysinfo(void) { return NULL; }
static inline struct tdx_td *tdx_td_create(void) { return ERR_PTR(-ENODEV); }
static inline void tdx_td_destroy(struct tdx_td *td) { }
static inline u64 tdx_td_tdr_pa(const struct tdx_td *td) { return 0; }
static inline int tdx_td_keyid(const struct tdx_td *td) { return -ENODEV; }
static inline unsigned int tdx_td_nr_parked(void) { return 0; }
#endif

#endif /* !__ASSEMBLY__ */
#endif /* _ASM_X86_TDX_TD_H */

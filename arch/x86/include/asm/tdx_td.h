/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The life of a TD in the TDX module: what a KVM TD type calls.
 *
 * Apart from <asm/tdx.h>, which <asm/kvm_para.h> pulls into most of the
 * kernel: only the TD's users include this.
 */
#ifndef _ASM_X86_TDX_TD_H
#define _ASM_X86_TDX_TD_H

#include <linux/err.h>
#include <linux/types.h>

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
#else
static inline const struct tdx_td_sysinfo *tdx_get_sysinfo(void) { return NULL; }
static inline struct tdx_td *tdx_td_create(void) { return ERR_PTR(-ENODEV); }
static inline void tdx_td_destroy(struct tdx_td *td) { }
static inline u64 tdx_td_tdr_pa(const struct tdx_td *td) { return 0; }
static inline int tdx_td_keyid(const struct tdx_td *td) { return -ENODEV; }
static inline unsigned int tdx_td_nr_parked(void) { return 0; }
#endif

#endif /* _ASM_X86_TDX_TD_H */

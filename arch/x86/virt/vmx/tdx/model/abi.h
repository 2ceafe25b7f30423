/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TDX module ABI as the emulated TDX platform sees it: leaves, status
 * codes, metadata field ids and the layouts of TDMR_INFO and CMR_INFO, for
 * TDX module 1.5. Written from the ABI's reference values (leaf numbers:
 * the module's seamcall_leaf_opcode enum; statuses: its 1.5 error code
 * definitions; field ids: its 1.5 global metadata; layouts: its
 * tdmr_info_entry and cmr_info_entry), independently of the kernel's own
 * definitions, which the model exists to check.
 */
#ifndef _X86_VIRT_TDX_MODEL_ABI_H
#define _X86_VIRT_TDX_MODEL_ABI_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/sizes.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* SEAMCALL: 66 0F 01 CF. RAX bits 15:0 leaf, 23:16 version, 63:24 zero. */
#define TDXM_SEAMCALL_INSN		0xcf010f66U
#define TDXM_SEAMCALL_LEN		4

/* Host-side leaves of TDX module 1.5. */
#define TDXM_VP_ENTER			0
#define TDXM_MNG_ADDCX			1
#define TDXM_MNG_KEY_CONFIG		8
#define TDXM_MNG_CREATE			9
#define TDXM_MNG_VPFLUSHDONE		19
#define TDXM_MNG_KEY_FREEID		20
#define TDXM_MNG_INIT			21
#define TDXM_PHYMEM_PAGE_RECLAIM	28
#define TDXM_SYS_KEY_CONFIG		31
#define TDXM_SYS_INFO			32
#define TDXM_SYS_INIT			33
#define TDXM_SYS_RD			34
#define TDXM_SYS_LP_INIT		35
#define TDXM_SYS_TDMR_INIT		36
#define TDXM_SYS_RDALL			37
#define TDXM_SYS_LP_SHUTDOWN		44
#define TDXM_PHYMEM_CACHE_WB		40
#define TDXM_PHYMEM_PAGE_WBINVD		41
#define TDXM_SYS_CONFIG			45
#define TDXM_SYS_UPDATE			53
#define TDXM_SYS_DISABLE		69

/* Statuses (RAX out); bits 31:0 carry an operand id or other detail. */
#define TDXM_SUCCESS			0x0000000000000000ULL
#define TDXM_INTERRUPTED_RESUMABLE	0x8000000300000000ULL
#define TDXM_OPERAND_INVALID		0xC000010000000000ULL
#define TDXM_OPERAND_BUSY		0x8000020000000000ULL
#define TDXM_SYS_BUSY			0x8000020200000000ULL
#define TDXM_RND_NO_ENTROPY		0x8000020300000000ULL
#define TDXM_SYS_INIT_NOT_PENDING	0xC000050000000000ULL
#define TDXM_SYS_LP_INIT_NOT_DONE	0xC000050200000000ULL
#define TDXM_SYS_LP_INIT_DONE		0xC000050300000000ULL
#define TDXM_SYS_NOT_READY		0xC000050500000000ULL
#define TDXM_SYS_KEY_CONFIG_NOT_PENDING	0xC000050700000000ULL
#define TDXM_SYS_LP_INIT_NOT_PENDING	0xC000050B00000000ULL
#define TDXM_SYS_CONFIG_NOT_PENDING	0xC000050C00000000ULL
#define TDXM_KEY_GENERATION_FAILED	0x8000080000000000ULL
#define TDXM_KEY_CONFIGURED		0x0000081500000000ULL
#define TDXM_INVALID_TDMR		0xC0000A0000000000ULL
#define TDXM_NON_ORDERED_TDMR		0xC0000A0100000000ULL
#define TDXM_TDMR_OUTSIDE_CMRS		0xC0000A0200000000ULL
#define TDXM_TDMR_ALREADY_INITIALIZED	0x00000A0300000000ULL
#define TDXM_INVALID_PAMT		0xC0000A1000000000ULL
#define TDXM_PAMT_OUTSIDE_CMRS		0xC0000A1100000000ULL
#define TDXM_PAMT_OVERLAP		0xC0000A1200000000ULL
#define TDXM_INVALID_RESERVED_IN_TDMR	0xC0000A2000000000ULL
#define TDXM_NON_ORDERED_RESERVED_IN_TDMR 0xC0000A2100000000ULL
#define TDXM_METADATA_FIELD_NOT_READABLE 0xC0000C0200000000ULL
/*
 * The TD-scope statuses, and the order in which the leaves check their
 * operands, are those of the 1.5 module's source (intel/tdx-module:
 * include/auto_gen_1_5/tdx_error_codes_defs.h and
 * src/vmm_dispatcher/api_calls/tdh_mng_*.c, tdh_phymem_*.c).
 */
#define TDXM_OPERAND_ADDR_RANGE_ERROR	0xC000010100000000ULL
#define TDXM_PAGE_METADATA_INCORRECT	0xC000030000000000ULL
#define TDXM_TD_ASSOCIATED_PAGES_EXIST	0xC000040000000000ULL
#define TDXM_TDCS_NOT_ALLOCATED		0xC000060600000000ULL
#define TDXM_LIFECYCLE_STATE_INCORRECT	0xC000060700000000ULL
#define TDXM_OP_STATE_INCORRECT		0xC000060800000000ULL
#define TDXM_TDCX_NUM_INCORRECT		0xC000061000000000ULL
#define TDXM_TD_KEYS_NOT_CONFIGURED	0x8000081000000000ULL
#define TDXM_WBCACHE_NOT_COMPLETE	0x8000081700000000ULL
#define TDXM_HKID_NOT_FREE		0xC000082000000000ULL
#define TDXM_NO_HKID_READY_TO_WBCACHE	0x0000082100000000ULL
#define TDXM_WBCACHE_RESUME_ERROR	0xC000082300000000ULL
#define TDXM_FLUSHVP_NOT_DONE		0x8000082400000000ULL

/*
 * VMfailInvalid is no status: the SEAMCALL returns with CF set and RAX
 * unchanged. The model's functions return this value for it; the module
 * never uses status class 0xFF.
 */
#define TDXM_VMFAILINVALID		0x8000FF00FFFF0000ULL

/* Operand ids. */
#define TDXM_OP_RAX			0
#define TDXM_OP_RCX			1
#define TDXM_OP_RDX			2
#define TDXM_OP_R8			8
#define TDXM_OP_TDR			0x80

/* Global metadata field ids; bits 33:32 give the element size. */
#define TDXM_MD_NUM_PKGS		0x0000000200000000ULL
#define TDXM_MD_PKG_FMS			0x0000000200000001ULL
#define TDXM_MD_VENDOR_ID		0x0800000200000000ULL
#define TDXM_MD_BUILD_DATE		0x8800000200000001ULL
#define TDXM_MD_BUILD_NUM		0x8800000100000002ULL
#define TDXM_MD_MINOR_VERSION		0x0800000100000003ULL
#define TDXM_MD_MAJOR_VERSION		0x0800000100000004ULL
#define TDXM_MD_UPDATE_VERSION		0x0800000100000005ULL
#define TDXM_MD_INTERNAL_VERSION	0x0800000100000006ULL
#define TDXM_MD_SYS_ATTRIBUTES		0x0A00000200000000ULL
#define TDXM_MD_NUM_TDX_FEATURES	0x0A00000000000001ULL
#define TDXM_MD_TDX_FEATURES0		0x0A00000300000008ULL
#define TDXM_MD_NUM_CMRS		0x9000000100000000ULL
#define TDXM_MD_CMR_BASE0		0x9000000300000080ULL
#define TDXM_MD_CMR_SIZE0		0x9000000300000100ULL
#define TDXM_MD_MAX_TDMRS		0x9100000100000008ULL
#define TDXM_MD_MAX_RESERVED_PER_TDMR	0x9100000100000009ULL
#define TDXM_MD_PAMT_4K_ENTRY_SIZE	0x9100000100000010ULL
#define TDXM_MD_PAMT_2M_ENTRY_SIZE	0x9100000100000011ULL
#define TDXM_MD_PAMT_1G_ENTRY_SIZE	0x9100000100000012ULL
#define TDXM_MD_TDR_BASE_SIZE		0x9800000100000000ULL
#define TDXM_MD_TDCS_BASE_SIZE		0x9800000100000100ULL
#define TDXM_MD_TDVPS_BASE_SIZE		0x9800000100000200ULL
#define TDXM_MD_ATTRIBUTES_FIXED0	0x1900000300000000ULL
#define TDXM_MD_ATTRIBUTES_FIXED1	0x1900000300000001ULL
#define TDXM_MD_XFAM_FIXED0		0x1900000300000002ULL
#define TDXM_MD_XFAM_FIXED1		0x1900000300000003ULL
#define TDXM_MD_NUM_CPUID_CONFIG	0x9900000100000004ULL
#define TDXM_MD_MAX_VCPUS_PER_TD	0x9900000100000008ULL
#define TDXM_MD_SIZE_CODE(id)		(((id) >> 32) & 3)

/* TDX_FEATURES0 bit 18: the module does not modify RBP. */
#define TDXM_FEATURES0_NO_RBP_MOD	BIT_ULL(18)
/*
 * TDX_FEATURES0 bit 53: TDH.SYS.DISABLE is supported. Not in tdx-abi.md: a
 * draft of the module's ABI, quoted on LKML (review of the upstream
 * TDH.SYS.DISABLE wrapper, 17 March 2026).
 */
#define TDXM_FEATURES0_SYS_DISABLE	BIT_ULL(53)

/* A TD's lifecycle state (TDR), and the state of a KeyID (KOT entry). */
enum tdxm_td_lifecycle {
	TDXM_TD_HKID_ASSIGNED,
	TDXM_TD_KEYS_CONFIGURED,
	TDXM_TD_BLOCKED,
	TDXM_TD_TEARDOWN,
};

enum tdxm_hkid_state {
	TDXM_HKID_FREE,
	TDXM_HKID_ASSIGNED,
	TDXM_HKID_FLUSHED,
	TDXM_HKID_RESERVED,
};

/* PAMT page types TDH.PHYMEM.PAGE.RECLAIM reports. */
#define TDXM_PT_NDA			0
#define TDXM_PT_TDR			4
#define TDXM_PT_TDCX			5

/* TDCS pages: TDH.MNG.INIT needs 6, TDH.MNG.ADDCX takes up to 9. */
#define TDXM_MIN_TDCS_PAGES		6
#define TDXM_MAX_TDCS_PAGES		9

/* Limits. */
#define TDXM_MAX_CMRS			32
#define TDXM_MAX_TDMRS			64
#define TDXM_MAX_RESERVED		16
#define TDXM_TDMR_ALIGN			SZ_1G
#define TDXM_TDMR_INFO_ALIGN		512
#define TDXM_PAMT_ENTRY_SIZE		16

/* CMR_INFO entry: base and size, 4 KiB granular; size 0 is a null entry. */
struct tdxm_cmr {
	u64 base;
	u64 size;
};

/* TDMR_INFO entry. */
struct tdxm_reserved {
	u64 offset;
	u64 size;
};

struct tdxm_tdmr_info {
	u64 base;
	u64 size;
	u64 pamt_1g_base;
	u64 pamt_1g_size;
	u64 pamt_2m_base;
	u64 pamt_2m_size;
	u64 pamt_4k_base;
	u64 pamt_4k_size;
	struct tdxm_reserved reserved[TDXM_MAX_RESERVED];
};

static_assert(sizeof(struct tdxm_cmr) == 16);
static_assert(offsetof(struct tdxm_tdmr_info, base) == 0);
static_assert(offsetof(struct tdxm_tdmr_info, size) == 8);
static_assert(offsetof(struct tdxm_tdmr_info, pamt_1g_base) == 16);
static_assert(offsetof(struct tdxm_tdmr_info, pamt_1g_size) == 24);
static_assert(offsetof(struct tdxm_tdmr_info, pamt_2m_base) == 32);
static_assert(offsetof(struct tdxm_tdmr_info, pamt_2m_size) == 40);
static_assert(offsetof(struct tdxm_tdmr_info, pamt_4k_base) == 48);
static_assert(offsetof(struct tdxm_tdmr_info, pamt_4k_size) == 56);
static_assert(offsetof(struct tdxm_tdmr_info, reserved) == 64);
static_assert(sizeof(struct tdxm_reserved) == 16);
static_assert(sizeof(struct tdxm_tdmr_info) == 320);

#endif /* _X86_VIRT_TDX_MODEL_ABI_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The TD-scope leaves of the emulated TDX module: a TD's root and KeyID
 * (TDH.MNG.CREATE), its key on every package (TDH.MNG.KEY.CONFIG), its
 * control pages (TDH.MNG.ADDCX, TDH.MNG.INIT), and its teardown
 * (TDH.MNG.VPFLUSHDONE, TDH.PHYMEM.CACHE.WB on every package,
 * TDH.MNG.KEY.FREEID, TDH.PHYMEM.PAGE.RECLAIM, TDH.PHYMEM.PAGE.WBINVD).
 *
 * The checks, their order and the statuses are those of the 1.5 module
 * (abi.h says where they come from). A KeyID moves through the module's
 * key ownership table: free, assigned (TDH.MNG.CREATE), flushed
 * (TDH.MNG.VPFLUSHDONE, every configured package now owes a cache write
 * back), free again (TDH.MNG.KEY.FREEID, refused with
 * TDX_WBCACHE_NOT_COMPLETE while a package owes it). A page given to a TD
 * comes back only once the TD is torn down (TDX_LIFECYCLE_STATE_INCORRECT
 * before), the TD's root last (TDX_TD_ASSOCIATED_PAGES_EXIST before).
 * There are no vCPUs: TDH.MNG.VPFLUSHDONE never finds one associated.
 *
 * Every leaf runs under the model's lock (tdx_emul_call()).
 */

#include <linux/bitmap.h>
#include <linux/string.h>
#include "model.h"

/* The TDMRs the module was configured with cover @pa. */
static bool tdx_emul_in_tdmr(const struct tdx_emul *m, u64 pa)
{
	unsigned int i;

	for (i = 0; i < m->nr_tdmrs; i++)
		if (pa >= m->tdmrs[i].base && pa < m->tdmrs[i].end)
			return true;
	return false;
}

/* The TD a page belongs to (its root or a control page), or NULL. */
static struct tdx_emul_td *tdx_emul_page_td(struct tdx_emul *m, u64 pa, bool *is_tdr)
{
	unsigned int i, j;

	for (i = 0; i < TDX_EMUL_MAX_TDS; i++) {
		struct tdx_emul_td *td = &m->tds[i];

		if (!td->tdr)
			continue;
		*is_tdr = td->tdr == pa;
		if (*is_tdr)
			return td;
		for (j = 0; j < td->nr_tdcx; j++)
			if (td->tdcx[j] == pa)
				return td;
	}
	return NULL;
}

/*
 * The module's check of a page operand: 4 KiB aligned, no KeyID bits and
 * below the maximum address, inside a TDMR, of the expected type.
 */
static u64 tdx_emul_check_page(struct tdx_emul *m, u64 pa, u64 op, bool want_free)
{
	struct tdx_emul_td *td;
	bool is_tdr = false;

	if (!IS_ALIGNED(pa, SZ_4K) || pa >= m->max_pa)
		return TDXM_OPERAND_INVALID | op;
	if (!tdx_emul_in_tdmr(m, pa))
		return TDXM_OPERAND_ADDR_RANGE_ERROR | op;
	td = tdx_emul_page_td(m, pa, &is_tdr);
	if (want_free ? !!td : !(td && is_tdr))
		return TDXM_PAGE_METADATA_INCORRECT | op;
	return TDXM_SUCCESS;
}

static struct tdx_emul_td *tdx_emul_tdr(struct tdx_emul *m, u64 pa, u64 op, u64 *ret)
{
	bool is_tdr = false;

	*ret = tdx_emul_check_page(m, pa, op, false);
	return *ret ? NULL : tdx_emul_page_td(m, pa, &is_tdr);
}

static bool tdx_emul_private_hkid(const struct tdx_emul *m, u64 hkid)
{
	return hkid >= m->keyid_start && hkid < (u64)m->keyid_start + m->keyid_nr &&
	       hkid < TDX_EMUL_MAX_HKIDS;
}

/* TDH.MNG.CREATE: RCX = TDR, RDX = KeyID. */
static u64 tdx_emul_mng_create(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	struct tdx_emul_td *td = NULL;
	unsigned int i;
	u64 ret;

	if (r->rdx > U16_MAX || !tdx_emul_private_hkid(m, r->rdx))
		return TDXM_OPERAND_INVALID | TDXM_OP_RDX;
	ret = tdx_emul_check_page(m, r->rcx, TDXM_OP_RCX, true);
	if (ret)
		return ret;
	if (m->hkid_state[r->rdx] != TDXM_HKID_FREE)
		return TDXM_HKID_NOT_FREE;
	for (i = 0; i < TDX_EMUL_MAX_TDS && !td; i++)
		if (!m->tds[i].tdr)
			td = &m->tds[i];
	/* The module has room for as many TDs as KeyIDs: so has the model. */
	if (WARN_ON_ONCE(!td))
		return TDXM_HKID_NOT_FREE;
	memset(td, 0, sizeof(*td));
	td->tdr = r->rcx;
	td->hkid = r->rdx;
	td->lifecycle = TDXM_TD_HKID_ASSIGNED;
	m->hkid_state[td->hkid] = TDXM_HKID_ASSIGNED;
	return TDXM_SUCCESS;
}

/* TDH.MNG.KEY.CONFIG: RCX = TDR, on a CPU of the package to configure. */
static u64 tdx_emul_mng_key_config(struct tdx_emul *m, unsigned int lp,
				   struct tdx_emul_regs *r)
{
	struct tdx_emul_td *td;
	u64 ret;

	td = tdx_emul_tdr(m, r->rcx, TDXM_OP_RCX, &ret);
	if (!td)
		return ret;
	if (td->lifecycle != TDXM_TD_HKID_ASSIGNED)
		return TDXM_LIFECYCLE_STATE_INCORRECT;
	if (test_and_set_bit(m->lp_pkg[lp], td->pkg_config))
		return TDXM_KEY_CONFIGURED;
	if (bitmap_equal(td->pkg_config, m->pkgs_configured, TDX_EMUL_MAX_LPS))
		td->lifecycle = TDXM_TD_KEYS_CONFIGURED;
	return TDXM_SUCCESS;
}

/* TDH.MNG.ADDCX: RCX = the TDCS page, RDX = TDR. */
static u64 tdx_emul_mng_addcx(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	struct tdx_emul_td *td;
	u64 ret;

	td = tdx_emul_tdr(m, r->rdx, TDXM_OP_RDX, &ret);
	if (!td)
		return ret;
	if (td->lifecycle != TDXM_TD_KEYS_CONFIGURED)
		return TDXM_TD_KEYS_NOT_CONFIGURED;
	if (td->nr_tdcx >= TDXM_MAX_TDCS_PAGES)
		return TDXM_TDCX_NUM_INCORRECT;
	ret = tdx_emul_check_page(m, r->rcx, TDXM_OP_RCX, true);
	if (ret)
		return ret;
	if (td->nr_tdcx >= TDXM_MIN_TDCS_PAGES && td->initialized)
		return TDXM_OP_STATE_INCORRECT;
	td->tdcx[td->nr_tdcx++] = r->rcx;
	return TDXM_SUCCESS;
}

/* TDH.MNG.INIT: RCX = TDR, RDX = TD_PARAMS (not modelled beyond alignment). */
static u64 tdx_emul_mng_init(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	struct tdx_emul_td *td;
	u64 ret;

	td = tdx_emul_tdr(m, r->rcx, TDXM_OP_RCX, &ret);
	if (!td)
		return ret;
	if (td->lifecycle != TDXM_TD_KEYS_CONFIGURED)
		return TDXM_TD_KEYS_NOT_CONFIGURED;
	if (td->nr_tdcx < TDXM_MIN_TDCS_PAGES)
		return TDXM_TDCS_NOT_ALLOCATED;
	if (td->initialized)
		return TDXM_OP_STATE_INCORRECT;
	if (!IS_ALIGNED(r->rdx, 1024) || r->rdx >= m->max_pa)
		return TDXM_OPERAND_INVALID | TDXM_OP_RDX;
	td->initialized = true;
	r->rcx = 0;
	return TDXM_SUCCESS;
}

/* TDH.MNG.VPFLUSHDONE: RCX = TDR. Every configured package owes a write back. */
static u64 tdx_emul_mng_vpflushdone(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	struct tdx_emul_td *td;
	u64 ret;

	td = tdx_emul_tdr(m, r->rcx, TDXM_OP_RCX, &ret);
	if (!td)
		return ret;
	if (td->lifecycle != TDXM_TD_KEYS_CONFIGURED &&
	    td->lifecycle != TDXM_TD_HKID_ASSIGNED)
		return TDXM_LIFECYCLE_STATE_INCORRECT;
	bitmap_copy(m->hkid_wbinvd[td->hkid], m->pkgs_configured, TDX_EMUL_MAX_LPS);
	td->lifecycle = TDXM_TD_BLOCKED;
	m->hkid_state[td->hkid] = TDXM_HKID_FLUSHED;
	return TDXM_SUCCESS;
}

/*
 * TDH.PHYMEM.CACHE.WB: RCX = 0 to start, 1 to resume. A start covers the
 * KeyIDs flushed at that moment, on the calling CPU's package; a resume
 * finishes what an interrupted start covered.
 */
static u64 tdx_emul_phymem_cache_wb(struct tdx_emul *m, unsigned int lp,
				    struct tdx_emul_regs *r)
{
	unsigned int pkg = m->lp_pkg[lp], hkid;

	if (r->rcx > 1)
		return TDXM_OPERAND_INVALID | TDXM_OP_RCX;
	if (!r->rcx) {
		bitmap_zero(m->pkg_wb_snapshot[pkg], TDX_EMUL_MAX_HKIDS);
		for (hkid = 0; hkid < TDX_EMUL_MAX_HKIDS; hkid++)
			if (m->hkid_state[hkid] == TDXM_HKID_FLUSHED)
				__set_bit(hkid, m->pkg_wb_snapshot[pkg]);
		if (bitmap_empty(m->pkg_wb_snapshot[pkg], TDX_EMUL_MAX_HKIDS)) {
			__clear_bit(pkg, m->pkg_wb_resume);
			return TDXM_NO_HKID_READY_TO_WBCACHE;
		}
	} else if (!test_bit(pkg, m->pkg_wb_resume)) {
		return TDXM_WBCACHE_RESUME_ERROR;
	}
	if (m->wb_interrupt) {
		m->wb_interrupt--;
		__set_bit(pkg, m->pkg_wb_resume);
		return TDXM_INTERRUPTED_RESUMABLE;
	}
	__clear_bit(pkg, m->pkg_wb_resume);
	for_each_set_bit(hkid, m->pkg_wb_snapshot[pkg], TDX_EMUL_MAX_HKIDS)
		__clear_bit(pkg, m->hkid_wbinvd[hkid]);
	return TDXM_SUCCESS;
}

/* TDH.MNG.KEY.FREEID: RCX = TDR. */
static u64 tdx_emul_mng_key_freeid(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	struct tdx_emul_td *td;
	u64 ret;

	td = tdx_emul_tdr(m, r->rcx, TDXM_OP_RCX, &ret);
	if (!td)
		return ret;
	if (td->lifecycle != TDXM_TD_BLOCKED)
		return TDXM_LIFECYCLE_STATE_INCORRECT;
	if (!bitmap_empty(m->hkid_wbinvd[td->hkid], TDX_EMUL_MAX_LPS)) {
		m->nr_freeid_refused++;
		return TDXM_WBCACHE_NOT_COMPLETE;
	}
	m->hkid_state[td->hkid] = TDXM_HKID_FREE;
	td->lifecycle = TDXM_TD_TEARDOWN;
	return TDXM_SUCCESS;
}

/* TDH.PHYMEM.PAGE.RECLAIM: RCX = page; RCX, RDX, R8 out: type, owner, size. */
static u64 tdx_emul_phymem_page_reclaim(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	u64 pa = r->rcx;
	struct tdx_emul_td *td;
	bool is_tdr = false;
	unsigned int j;

	r->rcx = 0;
	r->rdx = 0;
	r->r8 = 0;
	if (!IS_ALIGNED(pa, SZ_4K) || pa >= m->max_pa)
		return TDXM_OPERAND_INVALID | TDXM_OP_RCX;
	if (!tdx_emul_in_tdmr(m, pa))
		return TDXM_OPERAND_ADDR_RANGE_ERROR | TDXM_OP_RCX;
	td = tdx_emul_page_td(m, pa, &is_tdr);
	if (!td)
		return TDXM_PAGE_METADATA_INCORRECT | TDXM_OP_RCX;
	r->rcx = is_tdr ? TDXM_PT_TDR : TDXM_PT_TDCX;
	r->rdx = is_tdr ? 0 : td->tdr;
	if (td->lifecycle != TDXM_TD_TEARDOWN)
		return TDXM_LIFECYCLE_STATE_INCORRECT;
	if (is_tdr) {
		if (td->nr_tdcx)
			return TDXM_TD_ASSOCIATED_PAGES_EXIST;
		td->tdr = 0;
		return TDXM_SUCCESS;
	}
	/* Control pages go back in any order: keep the array dense. */
	for (j = 0; td->tdcx[j] != pa; j++)
		;
	td->tdcx[j] = td->tdcx[--td->nr_tdcx];
	return TDXM_SUCCESS;
}

/*
 * TDH.PHYMEM.PAGE.WBINVD: RCX = the page with a KeyID above the address
 * bits. The page must be free already (reclaimed).
 */
static u64 tdx_emul_phymem_page_wbinvd(struct tdx_emul *m, struct tdx_emul_regs *r)
{
	u64 pa = r->rcx & (m->max_pa - 1);

	return tdx_emul_check_page(m, pa, TDXM_OP_RCX, true);
}

/**
 * tdx_emul_td_call() - A TD-scope SEAMCALL, as the model answers it
 * @m:		the model, ready, its lock held
 * @lp:		the calling LP, which did TDH.SYS.LP.INIT
 * @regs:	RAX and the inputs; the outputs afterwards
 *
 * Context: @m->lock held.
 * Return: the status, %TDXM_OPERAND_INVALID for RAX for a leaf that is not
 * modelled.
 */
u64 tdx_emul_td_call(struct tdx_emul *m, unsigned int lp, struct tdx_emul_regs *regs)
{
	switch (regs->rax) {
	case TDXM_MNG_CREATE:
		return tdx_emul_mng_create(m, regs);
	case TDXM_MNG_KEY_CONFIG:
		return tdx_emul_mng_key_config(m, lp, regs);
	case TDXM_MNG_ADDCX:
		return tdx_emul_mng_addcx(m, regs);
	case TDXM_MNG_INIT:
		return tdx_emul_mng_init(m, regs);
	case TDXM_MNG_VPFLUSHDONE:
		return tdx_emul_mng_vpflushdone(m, regs);
	case TDXM_PHYMEM_CACHE_WB:
		return tdx_emul_phymem_cache_wb(m, lp, regs);
	case TDXM_MNG_KEY_FREEID:
		return tdx_emul_mng_key_freeid(m, regs);
	case TDXM_PHYMEM_PAGE_RECLAIM:
		return tdx_emul_phymem_page_reclaim(m, regs);
	case TDXM_PHYMEM_PAGE_WBINVD:
		return tdx_emul_phymem_page_wbinvd(m, regs);
	default:
		return TDXM_OPERAND_INVALID | TDXM_OP_RAX;
	}
}

/**
 * tdx_emul_td_reset() - Forget every TD: the module was reloaded or disabled
 * @m:		the model
 *
 * Context: @m->lock held, or the model not active.
 */
void tdx_emul_td_reset(struct tdx_emul *m)
{
	memset(m->tds, 0, sizeof(m->tds));
	memset(m->hkid_state, 0, sizeof(m->hkid_state));
	memset(m->hkid_wbinvd, 0, sizeof(m->hkid_wbinvd));
	memset(m->pkg_wb_snapshot, 0, sizeof(m->pkg_wb_snapshot));
	bitmap_zero(m->pkg_wb_resume, TDX_EMUL_MAX_LPS);
	m->global_hkid = 0;
}

/**
 * tdx_emul_td_count() - What the module holds for TDs
 * @m:		the model
 * @hkids:	KeyIDs not free (assigned or flushed), the global one not counted
 * @pages:	pages of TDs (roots and control pages) not reclaimed
 *
 * Context: @m->lock held, or the model not active.
 * Return: the number of TDs whose root the module holds.
 */
unsigned int tdx_emul_td_count(const struct tdx_emul *m, unsigned int *hkids,
			       unsigned int *pages)
{
	unsigned int i, nr = 0;

	*hkids = 0;
	*pages = 0;
	for (i = 0; i < TDX_EMUL_MAX_HKIDS; i++)
		if (m->hkid_state[i] == TDXM_HKID_ASSIGNED ||
		    m->hkid_state[i] == TDXM_HKID_FLUSHED)
			(*hkids)++;
	for (i = 0; i < TDX_EMUL_MAX_TDS; i++) {
		if (!m->tds[i].tdr)
			continue;
		nr++;
		*pages += 1 + m->tds[i].nr_tdcx;
	}
	return nr;
}

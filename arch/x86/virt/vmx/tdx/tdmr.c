// SPDX-License-Identifier: GPL-2.0
/*
 * TDX memory ranges (TDMRs) and their PAMTs.
 *
 * The TDX module tracks every 4 KiB page of TDX memory in a Physical
 * Address Metadata Table (PAMT) that the kernel provides. Memory is handed
 * to the module as TDMRs: 1 GiB-aligned ranges, each with a PAMT for its
 * whole size (one entry per 4 KiB, 2 MiB and 1 GiB page) and up to
 * max_reserved_per_tdmr reserved areas. The module wants the part of a
 * TDMR that is not reserved inside the CMRs (convertible memory), and the
 * PAMTs reserved; memory in a CMR that the kernel does not use as TDX
 * memory (firmware-reserved DRAM, ACPI tables) may stay unreserved: the
 * module initializes its PAMT entries and the kernel never gives it to a
 * TD. So a gap between TDX memory regions needs a reserved area only
 * where it leaves the CMRs, and firmware holes inside a CMR need none.
 *
 * The PAMT costs 1/256 of the memory a TDMR covers, holes included, so
 * the layout here covers only the 1 GiB blocks that hold TDX memory, never
 * spans a 1 GiB-aligned gap unless the module's TDMR limit forces it to,
 * and uses one TDMR for a run of contiguous blocks of one node: the 1 GiB
 * level of each PAMT is rounded up to a page, so fewer TDMRs cost less.
 * Only when a TDMR would need more reserved areas than the module allows is
 * it split, at a 1 GiB boundary, which costs no coverage.
 */

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "tdx.h"

/**
 * tdmr_pamt_size() - Bytes of one PAMT level of a TDMR
 * @tdmr_size:	size of the TDMR
 * @info:	the module's metadata (entry sizes)
 * @level:	the page size the level describes
 *
 * Context: Any context.
 * Return: one entry per page of @level in the TDMR, rounded up to 4 KiB.
 */
u64 tdmr_pamt_size(u64 tdmr_size, const struct tdx_sysinfo *info,
		   enum tdx_page_level level)
{
	static const unsigned int shift[TDX_PS_NR] = { 12, 21, 30 };

	return PAGE_ALIGN((tdmr_size >> shift[level]) *
			  info->pamt_entry_size[level]);
}

static u64 tdmr_pamt_total(const struct tdmr_info *tdmr)
{
	return tdmr->pamt_4k_size + tdmr->pamt_2m_size + tdmr->pamt_1g_size;
}

/**
 * tdmrs_pamt_bytes() - Bytes of all PAMTs of a TDMR list
 * @list:	the TDMRs
 *
 * Context: Any context.
 * Return: the sum over the TDMRs in use.
 */
u64 tdmrs_pamt_bytes(const struct tdmr_info_list *list)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < list->nr_tdmrs; i++)
		bytes += tdmr_pamt_total(tdmr_entry(list, i));
	return bytes;
}

/**
 * tdmrs_covered_bytes() - Bytes the TDMRs of a list cover
 * @list:	the TDMRs
 *
 * Context: Any context.
 * Return: the sum of the TDMR sizes, reserved areas included.
 */
u64 tdmrs_covered_bytes(const struct tdmr_info_list *list)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < list->nr_tdmrs; i++)
		bytes += tdmr_entry(list, i)->size;
	return bytes;
}

/**
 * tdmr_list_alloc() - Allocate the TDMR_INFO array for a module
 * @list:	filled in
 * @info:	the module's limits
 *
 * Context: Process context.
 * Return: 0, or -ENOMEM.
 */
int tdmr_list_alloc(struct tdmr_info_list *list, const struct tdx_sysinfo *info)
{
	list->max_tdmrs = min_t(unsigned int, info->max_tdmrs, TDX_MAX_TDMRS);
	list->tdmr_sz = ALIGN(offsetof(struct tdmr_info, reserved_areas) +
			      info->max_reserved_per_tdmr *
			      sizeof(struct tdmr_reserved_area),
			      TDMR_INFO_ALIGNMENT);
	list->nr_tdmrs = 0;
	list->tdmrs = alloc_pages_exact(list->max_tdmrs * list->tdmr_sz,
					GFP_KERNEL | __GFP_ZERO);
	return list->tdmrs ? 0 : -ENOMEM;
}

/**
 * tdmr_list_free() - Free what tdmr_list_alloc() allocated
 * @list:	the list; its PAMTs must be freed already
 *
 * Context: Process context.
 */
void tdmr_list_free(struct tdmr_info_list *list)
{
	if (list->tdmrs)
		free_pages_exact(list->tdmrs, list->max_tdmrs * list->tdmr_sz);
	list->tdmrs = NULL;
	list->nr_tdmrs = 0;
}

/**
 * tdx_memlist_covers() - Is a range TDX memory?
 * @mem:	the TDX memory
 * @start:	first byte
 * @end:	end (exclusive)
 *
 * Adjacent regions (of two nodes, say) count as one.
 *
 * Context: Any context; the caller keeps @mem stable.
 * Return: true if the regions of @mem cover all of [@start, @end).
 */
bool tdx_memlist_covers(const struct tdx_memlist *mem, u64 start, u64 end)
{
	unsigned int i;
	u64 pos = start;

	for (i = 0; i < mem->nr && pos < end; i++) {
		if (mem->regions[i].start <= pos && mem->regions[i].end > pos)
			pos = mem->regions[i].end;
	}
	return pos >= end;
}

/**
 * tdx_cmrs_cover() - Is a range convertible memory?
 * @cmrs:	the CMRs, sorted by base
 * @nr:		number of CMRs
 * @start:	first byte
 * @end:	end (exclusive)
 *
 * Adjacent CMRs count as one, as the TDX module counts them.
 *
 * Context: Any context.
 * Return: true if the CMRs cover all of [@start, @end).
 */
bool tdx_cmrs_cover(const struct tdx_cmr *cmrs, unsigned int nr, u64 start, u64 end)
{
	unsigned int i;
	u64 pos = start;

	for (i = 0; i < nr && pos < end; i++) {
		if (cmrs[i].base <= pos && cmrs[i].base + cmrs[i].size > pos)
			pos = cmrs[i].base + cmrs[i].size;
	}
	return pos >= end;
}

/* A TDMR while the layout is worked out. */
struct tdmr_span {
	u64 base;
	u64 end;
	int nid;
};

/* The first byte of [@start, @end) outside the CMRs, or @end. */
static u64 cmrs_first_outside(const struct tdx_sysinfo *info, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < info->nr_cmrs && start < end; i++) {
		const struct tdx_cmr *c = &info->cmrs[i];

		if (c->base + c->size <= start)
			continue;
		if (c->base > start)
			break;
		start = c->base + c->size;
	}
	return min(start, end);
}

/* The end of the last byte of [@start, @end) outside the CMRs, or @start. */
static u64 cmrs_last_outside(const struct tdx_sysinfo *info, u64 start, u64 end)
{
	int i;

	for (i = info->nr_cmrs - 1; i >= 0 && end > start; i--) {
		const struct tdx_cmr *c = &info->cmrs[i];

		if (c->base >= end)
			continue;
		if (c->base + c->size < end)
			break;
		end = c->base;
	}
	return max(start, end);
}

/*
 * Holes of [@base, @end): the ranges that need a reserved area because
 * they are not TDX memory and not convertible. Each gap between TDX memory
 * regions that leaves the CMRs gives one, from its first byte outside
 * them to its last; the CMR memory in between is reserved with it, which
 * is allowed. A gap inside the CMRs gives none. Counts them and stores
 * the first @room as absolute start (in offset) and end (in size) in @out.
 * The CMRs are sorted and cover the TDX memory (tdx_cmrs_cover()).
 */
static unsigned int tdmr_holes(const struct tdx_memlist *mem,
			       const struct tdx_sysinfo *info, u64 base, u64 end,
			       struct tdmr_reserved_area *out, unsigned int room)
{
	unsigned int i, holes = 0;
	u64 pos = base;

	for (i = 0; i <= mem->nr && pos < end; i++) {
		const struct tdx_mem_region *r = i < mem->nr ? &mem->regions[i] : NULL;
		u64 gap_end = r ? min(r->start, end) : end;
		u64 s, e;

		if (r && r->end <= pos)
			continue;
		s = cmrs_first_outside(info, pos, gap_end);
		if (s < gap_end) {
			e = cmrs_last_outside(info, s, gap_end);
			if (holes < room)
				out[holes] = (struct tdmr_reserved_area){ s, e };
			holes++;
		}
		if (!r)
			break;
		pos = r->end;
	}
	return holes;
}

static unsigned int tdmr_count_holes(const struct tdx_memlist *mem,
				     const struct tdx_sysinfo *info, u64 base, u64 end)
{
	return tdmr_holes(mem, info, base, end, NULL, 0);
}

/*
 * One TDMR per run of 1 GiB blocks holding TDX memory of one node; a new
 * one starts at a gap of a whole block and where the node changes. A
 * block shared by two nodes belongs to the first, the next node's TDMR
 * starts after it.
 */
static unsigned int tdmr_spans_cover(const struct tdx_memlist *mem,
				     struct tdmr_span *spans)
{
	struct tdmr_span *cur = NULL;
	unsigned int i, nr = 0;

	for (i = 0; i < mem->nr; i++) {
		const struct tdx_mem_region *r = &mem->regions[i];
		u64 base = ALIGN_DOWN(r->start, TDMR_ALIGNMENT);
		u64 end = ALIGN(r->end, TDMR_ALIGNMENT);

		if (cur && base < cur->end) {
			if (end <= cur->end)
				continue;
			if (r->nid != cur->nid) {
				base = cur->end;
			} else {
				cur->end = end;
				continue;
			}
		} else if (cur && base == cur->end && r->nid == cur->nid) {
			cur->end = end;
			continue;
		}
		cur = &spans[nr++];
		cur->base = base;
		cur->end = end;
		cur->nid = r->nid;
	}
	return nr;
}

/*
 * The 1 GiB block at @base alone has more holes than a TDMR takes: say
 * which, and what would make the map describable.
 */
static void tdmr_report_holes(const struct tdx_memlist *mem,
			      const struct tdx_sysinfo *info, u64 base,
			      unsigned int limit)
{
	u64 end = base + TDMR_ALIGNMENT;
	struct tdmr_reserved_area first;

	tdmr_holes(mem, info, base, end, &first, 1);
	pr_err("cannot describe TDX memory: TDMR [%#llx, %#llx): %u holes outside the CMRs (first at %#llx), %u reserved areas; the firmware must report fewer holes, or CMRs covering them\n",
	       base, end, tdmr_count_holes(mem, info, base, end), first.offset, limit);
}

/*
 * Split every span that has more than @limit holes at the last 1 GiB
 * boundary that keeps the first part within @limit. @spans has room for
 * @room entries.
 */
static int tdmr_spans_split(const struct tdx_memlist *mem,
			    const struct tdx_sysinfo *info, struct tdmr_span *spans,
			    unsigned int *nr, unsigned int room, unsigned int limit)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		struct tdmr_span *s = &spans[i];
		u64 cut = 0, at;

		if (tdmr_count_holes(mem, info, s->base, s->end) <= limit)
			continue;
		for (at = s->base + TDMR_ALIGNMENT; at < s->end; at += TDMR_ALIGNMENT) {
			if (tdmr_count_holes(mem, info, s->base, at) > limit)
				break;
			cut = at;
		}
		if (!cut) {
			tdmr_report_holes(mem, info, s->base, limit);
			return -ENOSPC;
		}
		if (*nr == room)
			return -ENOSPC;
		memmove(s + 2, s + 1, (*nr - i - 1) * sizeof(*s));
		s[1] = *s;
		s[1].base = cut;
		s->end = cut;
		(*nr)++;
	}
	return 0;
}

/*
 * More TDMRs than the module takes: merge the neighbours with the smallest
 * gap between them (the gap costs PAMT, and a reserved area where it leaves
 * the CMRs) until the layout fits, as long as the merged TDMR stays within
 * @limit holes. Among equal gaps the smallest merged TDMR wins: its PAMT
 * is one contiguous allocation, and merging into the same TDMR again and
 * again would make that one large.
 */
static int tdmr_spans_merge(const struct tdx_memlist *mem,
			    const struct tdx_sysinfo *info, struct tdmr_span *spans,
			    unsigned int *nr, unsigned int max_tdmrs,
			    unsigned int limit)
{
	while (*nr > max_tdmrs) {
		unsigned int i, best = UINT_MAX;
		u64 best_gap = U64_MAX, best_size = U64_MAX;

		for (i = 0; i + 1 < *nr; i++) {
			u64 gap = spans[i + 1].base - spans[i].end;
			u64 size = spans[i + 1].end - spans[i].base;

			if (gap > best_gap || (gap == best_gap && size >= best_size) ||
			    tdmr_count_holes(mem, info, spans[i].base, spans[i + 1].end) > limit)
				continue;
			best_gap = gap;
			best_size = size;
			best = i;
		}
		if (best == UINT_MAX) {
			pr_err("cannot describe TDX memory: it needs %u TDMRs, the TDX module takes %u\n",
			       *nr, max_tdmrs);
			return -ENOSPC;
		}
		spans[best].end = spans[best + 1].end;
		memmove(&spans[best + 1], &spans[best + 2],
			(*nr - best - 2) * sizeof(*spans));
		(*nr)--;
	}
	return 0;
}

static int tdmrs_layout(struct tdmr_info_list *list, const struct tdx_memlist *mem,
			const struct tdx_sysinfo *info, unsigned int limit)
{
	unsigned int i, nr, room = 2 * mem->nr + 2;
	struct tdmr_span *spans;
	int ret;

	spans = kcalloc(room, sizeof(*spans), GFP_KERNEL);
	if (!spans)
		return -ENOMEM;

	nr = tdmr_spans_cover(mem, spans);
	ret = tdmr_spans_split(mem, info, spans, &nr, room, limit);
	if (!ret)
		ret = tdmr_spans_merge(mem, info, spans, &nr, list->max_tdmrs, limit);
	if (ret)
		goto out;

	memset(list->tdmrs, 0, list->max_tdmrs * list->tdmr_sz);
	for (i = 0; i < nr; i++) {
		struct tdmr_info *tdmr = tdmr_entry(list, i);

		tdmr->base = spans[i].base;
		tdmr->size = spans[i].end - spans[i].base;
		list->nid[i] = spans[i].nid;
	}
	list->nr_tdmrs = nr;
out:
	kfree(spans);
	return ret;
}

/**
 * tdmrs_free_pamts() - Free the PAMTs of a TDMR list
 * @list:	the TDMRs
 * @ops:	the allocator the PAMTs came from
 *
 * Context: Process context.
 */
void tdmrs_free_pamts(struct tdmr_info_list *list, const struct tdx_pamt_ops *ops)
{
	unsigned int i;

	for (i = 0; i < list->nr_tdmrs; i++) {
		struct tdmr_info *tdmr = tdmr_entry(list, i);
		u64 size = tdmr_pamt_total(tdmr);

		if (!tdmr->pamt_4k_base)
			continue;
		ops->free(ops->data, tdmr->pamt_4k_base, size >> PAGE_SHIFT);
		tdmr->pamt_4k_base = 0;
		tdmr->pamt_4k_size = 0;
		tdmr->pamt_2m_base = 0;
		tdmr->pamt_2m_size = 0;
		tdmr->pamt_1g_base = 0;
		tdmr->pamt_1g_size = 0;
	}
}

/* One block per TDMR, on its node: the 4 KiB, 2 MiB and 1 GiB levels. */
static int tdmrs_alloc_pamts(struct tdmr_info_list *list,
			     const struct tdx_sysinfo *info,
			     const struct tdx_pamt_ops *ops)
{
	unsigned int i;

	for (i = 0; i < list->nr_tdmrs; i++) {
		struct tdmr_info *tdmr = tdmr_entry(list, i);
		u64 sz4k = tdmr_pamt_size(tdmr->size, info, TDX_PS_4K);
		u64 sz2m = tdmr_pamt_size(tdmr->size, info, TDX_PS_2M);
		u64 sz1g = tdmr_pamt_size(tdmr->size, info, TDX_PS_1G);
		u64 pa;

		pa = ops->alloc(ops->data, list->nid[i],
				(sz4k + sz2m + sz1g) >> PAGE_SHIFT);
		if (!pa) {
			pr_err("cannot allocate %llu KB of PAMT for the TDMR at %#llx on node %d\n",
			       (sz4k + sz2m + sz1g) / SZ_1K, tdmr->base, list->nid[i]);
			tdmrs_free_pamts(list, ops);
			return -ENOMEM;
		}
		tdmr->pamt_4k_base = pa;
		tdmr->pamt_4k_size = sz4k;
		tdmr->pamt_2m_base = pa + sz4k;
		tdmr->pamt_2m_size = sz2m;
		tdmr->pamt_1g_base = pa + sz4k + sz2m;
		tdmr->pamt_1g_size = sz1g;
	}
	return 0;
}

static int tdmr_range_cmp(const void *a, const void *b)
{
	const struct tdmr_reserved_area *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return 0;
}

/*
 * The reserved areas of one TDMR: its holes and every PAMT inside it,
 * sorted, overlapping and adjacent ones merged. @scratch has room for the
 * holes and one range per PAMT.
 */
static int tdmr_set_reserved(struct tdmr_info_list *list, unsigned int idx,
			     const struct tdx_memlist *mem, const struct tdx_sysinfo *info,
			     unsigned int max_res, struct tdmr_reserved_area *scratch)
{
	struct tdmr_info *tdmr = tdmr_entry(list, idx);
	u64 base = tdmr->base, end = tdmr->base + tdmr->size;
	unsigned int i, n, out = 0;

	/* Holes, then PAMTs: absolute start in offset, end in size. */
	n = tdmr_holes(mem, info, base, end, scratch, mem->nr + 1);

	for (i = 0; i < list->nr_tdmrs; i++) {
		const struct tdmr_info *t = tdmr_entry(list, i);
		u64 s = t->pamt_4k_base, e = s + tdmr_pamt_total(t);

		if (s < end && e > base)
			scratch[n++] = (struct tdmr_reserved_area){ max(s, base), min(e, end) };
	}

	sort(scratch, n, sizeof(*scratch), tdmr_range_cmp, NULL);
	for (i = 0; i < n; i++) {
		struct tdmr_reserved_area *prev = out ? &tdmr->reserved_areas[out - 1] : NULL;
		u64 s = scratch[i].offset - base, e = scratch[i].size - base;

		if (prev && s <= prev->offset + prev->size) {
			prev->size = max(prev->offset + prev->size, e) - prev->offset;
			continue;
		}
		if (out == max_res)
			return -ENOSPC;
		tdmr->reserved_areas[out++] = (struct tdmr_reserved_area){ s, e - s };
	}
	return 0;
}

/**
 * tdmrs_construct() - Lay out TDMRs and PAMTs for a memory map
 * @list:	from tdmr_list_alloc(); filled in
 * @mem:	the TDX memory
 * @info:	the module's limits and PAMT entry sizes
 * @ops:	where PAMTs come from
 *
 * Covers all of @mem with as few 1 GiB blocks and TDMRs as the limits
 * allow (see the top of this file), allocates one PAMT block per TDMR on
 * the TDMR's node and describes holes and PAMTs as reserved areas. When a
 * PAMT lands in a TDMR that has no reserved area left, the layout is redone
 * with fewer holes per TDMR.
 *
 * Context: Process context.
 * Return: 0 with the PAMTs allocated; -ENOSPC, after a message saying why,
 * if the module's limits cannot describe @mem; -ENOMEM. On error nothing
 * stays allocated.
 */
int tdmrs_construct(struct tdmr_info_list *list, const struct tdx_memlist *mem,
		    const struct tdx_sysinfo *info, const struct tdx_pamt_ops *ops)
{
	unsigned int max_res = min_t(unsigned int, info->max_reserved_per_tdmr,
				     TDX_MAX_RESERVED_AREAS);
	struct tdmr_reserved_area *scratch;
	unsigned int limit, i;
	int ret = -ENOSPC;

	if (!mem->nr || !max_res || !list->max_tdmrs)
		return -EINVAL;

	scratch = kcalloc(mem->nr + 1 + list->max_tdmrs, sizeof(*scratch), GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;

	for (limit = max_res; limit; limit--) {
		ret = tdmrs_layout(list, mem, info, limit);
		if (ret)
			break;
		ret = tdmrs_alloc_pamts(list, info, ops);
		if (ret)
			break;
		for (i = 0; i < list->nr_tdmrs && !ret; i++)
			ret = tdmr_set_reserved(list, i, mem, info, max_res, scratch);
		if (ret != -ENOSPC)
			break;
		/* A PAMT took the last reserved area of a TDMR: retry. */
		tdmrs_free_pamts(list, ops);
	}
	if (ret == -ENOSPC && !limit)
		pr_err("cannot describe TDX memory: the PAMTs need more reserved areas than the TDMRs have left\n");
	if (ret)
		list->nr_tdmrs = 0;
	kfree(scratch);
	return ret;
}

/* The kernel's PAMTs: physically contiguous pages on the TDMR's node. */
static u64 tdx_pamt_contig_alloc(void *data, int nid, unsigned long nr_pages)
{
	struct page *page;

	page = alloc_contig_pages(nr_pages, GFP_KERNEL | __GFP_NOWARN, nid,
				  &node_online_map);
	return page ? page_to_phys(page) : 0;
}

static void tdx_pamt_contig_free(void *data, u64 pa, unsigned long nr_pages)
{
	free_contig_range(PHYS_PFN(pa), nr_pages);
}

const struct tdx_pamt_ops tdx_pamt_contig_ops = {
	.alloc	= tdx_pamt_contig_alloc,
	.free	= tdx_pamt_contig_free,
};

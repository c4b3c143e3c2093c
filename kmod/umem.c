// SPDX-License-Identifier: GPL-2.0
/*
 * The shared area of an instance: rings, socket slots, the socket table and
 * frame slots in one vmalloc_user() allocation that user space maps once.
 * Its layout is computed here and reported to user space as offsets
 * (struct cse_attach); user space never sees a kernel pointer and the
 * module never follows a user one.
 */
#include <linux/cache.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* Producer, consumer and flags words each get a cache line of their own. */
#define CSE_LINE	SMP_CACHE_BYTES

static bool cse_ring_size_ok(u32 n, const struct cse_limits *limits)
{
	return n >= 2 && n <= limits->max_ring_entries && is_power_of_2(n);
}

/* Socket slots exist only for an instance that was granted socket files. */
static bool cse_sock_entries_ok(u32 n, u64 features)
{
	if (!n)
		return true;
	return (features & CSE_FEAT_SOCKETS) && n <= CSE_MAX_SOCK_ENTRIES &&
	       is_power_of_2(n);
}

/* A socket table needs the feature and slots to describe. */
static bool cse_attach_flags_ok(const struct cse_attach *req, u64 features)
{
	if (req->flags & ~CSE_ATTACH_FLAGS_ALL)
		return false;
	if (!(req->flags & CSE_ATTACH_SOCK_INFO))
		return true;
	return (features & CSE_FEAT_SOCK_INFO) && req->sock_entries;
}

/*
 * Sizes and flags of an attach request against the instance's limits and
 * granted features.
 */
int cse_area_check(const struct cse_attach *req,
		   const struct cse_limits *limits, u64 features)
{
	if (!cse_attach_flags_ok(req, features))
		return -EINVAL;
	if (!cse_sock_entries_ok(req->sock_entries, features))
		return -EINVAL;
	if (!cse_ring_size_ok(req->rx_entries, limits) ||
	    !cse_ring_size_ok(req->tx_entries, limits) ||
	    !cse_ring_size_ok(req->ev_entries, limits))
		return -EINVAL;
	if (req->frame_size < limits->min_frame_size ||
	    req->frame_size > limits->max_frame_size ||
	    !is_power_of_2(req->frame_size))
		return -EINVAL;
	return 0;
}

static u64 cse_layout_hdr(struct cse_ring_offsets *off, u64 pos)
{
	off->producer = pos;
	off->consumer = pos + CSE_LINE;
	off->flags = pos + 2 * CSE_LINE;
	return pos + 3 * CSE_LINE;
}

static u64 cse_layout_desc(struct cse_ring_offsets *off, u64 pos, u32 entries,
			   u32 entry_size)
{
	off->desc = pos;
	off->entries = entries;
	off->entry_size = entry_size;
	return ALIGN(pos + (u64)entries * entry_size, CSE_LINE);
}

/* Fill the (k) offsets of @req; returns the size of the area. */
static u64 cse_area_layout(struct cse_attach *req)
{
	u64 pos = 0;

	pos = cse_layout_hdr(&req->rx, pos);
	pos = cse_layout_hdr(&req->tx, pos);
	pos = cse_layout_hdr(&req->ev, pos);
	pos = cse_layout_desc(&req->rx, pos, req->rx_entries,
			      sizeof(struct cse_desc));
	pos = cse_layout_desc(&req->tx, pos, req->tx_entries,
			      sizeof(struct cse_desc));
	pos = cse_layout_desc(&req->ev, pos, req->ev_entries,
			      sizeof(struct cse_event));
	/* The slots start on a cache line of their own, after the entries. */
	req->socks = 0;
	if (req->sock_entries) {
		req->socks = pos;
		pos = ALIGN(pos + (u64)req->sock_entries *
			    sizeof(struct cse_sock_slot), CSE_LINE);
	}
	/* The table's records each fill a line of their own. */
	req->sock_info = 0;
	if (req->flags & CSE_ATTACH_SOCK_INFO) {
		pos = ALIGN(pos, sizeof(struct cse_sock_info));
		req->sock_info = pos;
		pos = ALIGN(pos + (u64)req->sock_entries *
			    sizeof(struct cse_sock_info), CSE_LINE);
	}
	req->rx_frames = PAGE_ALIGN(pos);
	req->tx_frames = req->rx_frames + (u64)req->rx_entries * req->frame_size;
	req->mmap_size = PAGE_ALIGN(req->tx_frames +
				    (u64)req->tx_entries * req->frame_size);
	return req->mmap_size;
}

/*
 * The word where user space counts its threads asleep for the rings
 * eventfd: beside the RX ring's flags word, on a line the module writes
 * only at attach and that nothing else shares with user writes.
 */
void cse_area_ring_sleepers(struct cse_area *area, struct cse_attach *req)
{
	req->ring_sleepers = req->rx.flags + sizeof(u32);
	area->ring_sleepers = area->mem + req->ring_sleepers;
}

/*
 * Lay out and allocate the area for a checked request, filling its (k)
 * offsets. The instance's memory limit is enforced here: ENOBUFS.
 */
struct cse_area *cse_area_create(struct cse_attach *req,
				 const struct cse_limits *limits)
{
	struct cse_area *area;
	u64 size;

	size = cse_area_layout(req);
	if (size > limits->max_mem || size > ULONG_MAX)
		return ERR_PTR(-ENOBUFS);

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return ERR_PTR(-ENOMEM);
	area->mem = vmalloc_user(size);
	if (!area->mem) {
		kfree(area);
		return ERR_PTR(-ENOMEM);
	}
	if (cse_socks_create(area, req->socks, req->sock_entries)) {
		vfree(area->mem);
		kfree(area);
		return ERR_PTR(-ENOMEM);
	}
	area->size = size;
	area->rx_frames = req->rx_frames;
	area->tx_frames = req->tx_frames;
	area->frame_size = req->frame_size;
	if (req->sock_info)
		area->sock_info = area->mem + req->sock_info;
	cse_ring_init(&area->rx, area->mem, &req->rx);
	cse_ring_init(&area->tx, area->mem, &req->tx);
	cse_ring_init(&area->ev, area->mem, &req->ev);
	/* Nobody drains TX until the first kick. */
	WRITE_ONCE(*area->tx.flags, CSE_RING_NEED_WAKEUP);
	return area;
}

void cse_area_destroy(struct cse_area *area)
{
	if (!area)
		return;
	cse_socks_destroy(area);
	vfree(area->mem);
	kfree(area);
}

/*
 * The whole area, shared, at offset 0: anything else is a caller's mistake
 * we refuse rather than guess about. The mapping holds the file, so the
 * area outlives it and is only freed at release.
 */
int cse_area_mmap(struct cse_area *area, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != area->size)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_vmalloc_range(vma, area->mem, 0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching an instance and mapping its area. The module reports every
 * position as an offset; this file checks all of them against the size of
 * the mapping once, so that the ring code can use them without checking
 * again (it checks only what changes: indices and descriptors).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "area.h"

static int cse_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* [@off, @off + @len) lies inside @size bytes, without overflow. */
static int cse_span_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* A ring's words and entries lie inside the area, aligned for access. */
static int cse_ring_geo_ok(const struct cse_ring_offsets *r, uint32_t want,
			   size_t min_entry, uint64_t size)
{
	const uint64_t word = sizeof(uint32_t);

	if (r->entries != want || !cse_is_pow2(r->entries))
		return 0;
	if (r->entry_size < min_entry || r->entry_size % 8)
		return 0;
	if ((r->producer | r->consumer | r->flags) % word || r->desc % 8)
		return 0;
	return cse_span_ok(r->producer, word, size) &&
	       cse_span_ok(r->consumer, word, size) &&
	       cse_span_ok(r->flags, word, size) &&
	       cse_span_ok(r->desc, (uint64_t)r->entries * r->entry_size, size);
}

/* The socket table, when there is one, has a 64-byte record per slot. */
static int cse_table_ok(const struct cse_attach *g)
{
	if (!g->sock_info)
		return 1;
	return g->sock_entries && g->sock_info % sizeof(struct cse_sock_info) == 0 &&
	       cse_span_ok(g->sock_info, (uint64_t)g->sock_entries *
			   sizeof(struct cse_sock_info), g->mmap_size);
}

/* Frame regions, socket slots and the socket table lie inside the area. */
static int cse_regions_ok(const struct cse_attach *g)
{
	uint64_t fs = g->frame_size;

	if (!cse_is_pow2(fs))
		return 0;
	if (!cse_span_ok(g->rx_frames, g->rx_entries * fs, g->mmap_size) ||
	    !cse_span_ok(g->tx_frames, g->tx_entries * fs, g->mmap_size))
		return 0;
	if (!g->sock_entries)
		return !g->sock_info;
	return g->socks % 8 == 0 && cse_table_ok(g) &&
	       cse_span_ok(g->socks, (uint64_t)g->sock_entries *
			   sizeof(struct cse_sock_slot), g->mmap_size);
}

static int cse_geo_ok(const struct cse_attach *g)
{
	if (!g->mmap_size || g->mmap_size > SIZE_MAX)
		return 0;
	return cse_ring_geo_ok(&g->rx, g->rx_entries, sizeof(struct cse_desc),
			       g->mmap_size) &&
	       cse_ring_geo_ok(&g->tx, g->tx_entries, sizeof(struct cse_desc),
			       g->mmap_size) &&
	       cse_ring_geo_ok(&g->ev, g->ev_entries, sizeof(struct cse_event),
			       g->mmap_size) &&
	       cse_regions_ok(g);
}

static void cse_ring_bind(struct cse_area_ring *r, uint8_t *mem,
			  const struct cse_ring_offsets *off)
{
	/* Offsets were checked for 4- and 8-byte alignment. */
	r->producer = (uint32_t *)(void *)(mem + off->producer);
	r->consumer = (uint32_t *)(void *)(mem + off->consumer);
	r->flags = (uint32_t *)(void *)(mem + off->flags);
	r->desc = mem + off->desc;
	r->mask = off->entries - 1;
	r->entry_size = off->entry_size;
}

int cse_area_init(struct cse_area *a, int fd, void *mem,
		  const struct cse_attach *geo)
{
	if (!cse_geo_ok(geo))
		return -EPROTO;
	memset(a, 0, sizeof(*a));
	a->fd = fd;
	a->mem = mem;
	a->size = (size_t)geo->mmap_size;
	a->geo = *geo;
	cse_ring_bind(&a->rx, a->mem, &geo->rx);
	cse_ring_bind(&a->tx, a->mem, &geo->tx);
	cse_ring_bind(&a->ev, a->mem, &geo->ev);
	return 0;
}

int cse_area_attach(int fd, const struct cse_area_req *req,
		    struct cse_area *a)
{
	struct cse_attach at = {
		.ifindex = req->ifindex,
		.rx_entries = req->rx_entries,
		.tx_entries = req->tx_entries,
		.ev_entries = req->ev_entries,
		.frame_size = req->frame_size,
		.sock_entries = req->sock_entries,
		.flags = req->flags,
	};
	void *mem;
	int err;

	if (ioctl(fd, CSE_IOC_ATTACH, &at))
		return -errno;
	/* Checked before mapping: mmap_size is what we are about to map. */
	if (!cse_geo_ok(&at))
		return -EPROTO;
	mem = mmap(NULL, (size_t)at.mmap_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	err = cse_area_init(a, fd, mem, &at);
	if (err)
		munmap(mem, (size_t)at.mmap_size);
	return err;
}

void cse_area_detach(struct cse_area *a)
{
	if (a->mem)
		munmap(a->mem, a->size);
	a->mem = NULL;
	a->size = 0;
}

struct cse_sock_slot *cse_area_slot(const struct cse_area *a, unsigned int i)
{
	size_t off = (size_t)a->geo.socks +
		     (size_t)i * sizeof(struct cse_sock_slot);

	if (i >= a->geo.sock_entries)
		return NULL;
	/* Checked at init: every slot lies inside, 8-byte aligned. */
	return (struct cse_sock_slot *)(void *)(a->mem + off);
}

struct cse_sock_info *cse_area_sock_info(const struct cse_area *a,
					 unsigned int i)
{
	size_t off = (size_t)a->geo.sock_info +
		     (size_t)i * sizeof(struct cse_sock_info);

	if (!a->geo.sock_info || i >= a->geo.sock_entries)
		return NULL;
	/* Checked at init: every record lies inside, 64-byte aligned. */
	return (struct cse_sock_info *)(void *)(a->mem + off);
}

void cse_area_sock_info_write(struct cse_sock_info *rec,
			      const struct cse_sock_info *v)
{
	const size_t body = offsetof(struct cse_sock_info, fd);
	uint32_t seq = __atomic_load_n(&rec->seq, __ATOMIC_RELAXED);

	seq += (seq & 1) + 1;		/* odd: being written */
	__atomic_store_n(&rec->seq, seq, __ATOMIC_RELAXED);
	/* The odd @seq is visible before any field changes (smp_wmb()). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy((uint8_t *)rec + body, (const uint8_t *)v + body,
	       sizeof(*rec) - body);
	__atomic_store_n(&rec->seq, seq + 1, __ATOMIC_RELEASE);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared area of an attached instance (uapi/linux/cse.h, "Attaching
 * and the shared area", "Rings"): attaching, mapping, and the words and
 * entries of its three rings.
 *
 * The module's answer is checked before anything in the mapping is
 * touched: every offset it reports must lie inside the mapping, so a
 * module (or a test playing one) that answers nonsense gets -EPROTO, never
 * an access outside the area.
 */
#ifndef CSE_DEV_AREA_H
#define CSE_DEV_AREA_H

#include <stddef.h>
#include <stdint.h>

#include "uapi.h"

/* What to attach to and how big to make it (see struct cse_attach). */
struct cse_area_req {
	unsigned int ifindex;
	unsigned int rx_entries;
	unsigned int tx_entries;
	unsigned int ev_entries;
	unsigned int frame_size;
	unsigned int sock_entries;	/* 0: no socket slots (ABI 1.1) */
	unsigned int flags;		/* CSE_ATTACH_* (the table: 1.3) */
};

/* One ring as user space sees it. */
struct cse_area_ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;	/* module-written CSE_RING_* bits */
	uint8_t *desc;		/* entry 0 */
	uint32_t mask;		/* entries - 1 */
	uint32_t entry_size;
};

struct cse_area {
	int fd;			/* the instance; not owned by the area */
	uint8_t *mem;		/* the mapping */
	size_t size;
	struct cse_attach geo;	/* the module's answer */
	struct cse_area_ring rx, tx, ev;
};

/*
 * Attach the handshaken instance @fd to @req->ifindex and map its area
 * into @a. Returns 0, or -errno from CSE_IOC_ATTACH or mmap(), or -EPROTO
 * when the answer describes an area that does not fit its own mapping.
 */
int cse_area_attach(int fd, const struct cse_area_req *req,
		    struct cse_area *a);

/*
 * Adopt @mem, @geo->mmap_size bytes laid out as @geo says, after checking
 * that layout (0 or -EPROTO). cse_area_attach() ends here; unit tests call
 * it on plain memory and play the module. Does not take over @mem.
 */
int cse_area_init(struct cse_area *a, int fd, void *mem,
		  const struct cse_attach *geo);

/* Unmap what cse_area_attach() mapped; the instance fd stays open. */
void cse_area_detach(struct cse_area *a);

/* Socket slot @i, or NULL when the area has no such slot. */
struct cse_sock_slot *cse_area_slot(const struct cse_area *a, unsigned int i);

/* Socket table record @i, or NULL when the area has no table or slot. */
struct cse_sock_info *cse_area_sock_info(const struct cse_area *a,
					 unsigned int i);

/*
 * Publish @v in table record @rec under its sequence lock ("The socket
 * table"): odd @seq, fence, the fields, even @seq with release. @v's own
 * @seq is ignored. An odd @seq left by a writer that died (a scribbling
 * application) is mended, not carried on.
 */
void cse_area_sock_info_write(struct cse_sock_info *rec,
			      const struct cse_sock_info *v);

/*
 * The ring protocol's four ordering points (Documentation/userspace-api/
 * rings.rst): the other side's index is read with acquire, our own index
 * is published with release, and a side reads its own index relaxed.
 */
static inline uint32_t cse_area_acquire(const uint32_t *idx)
{
	return __atomic_load_n(idx, __ATOMIC_ACQUIRE);
}

static inline void cse_area_release(uint32_t *idx, uint32_t val)
{
	__atomic_store_n(idx, val, __ATOMIC_RELEASE);
}

/*
 * The module-written flags word, read after a full barrier: the
 * store-buffer pairing of CSE_RING_NEED_WAKEUP ("Transmit") needs the
 * producer's index store ordered before this load.
 */
static inline uint32_t cse_area_flags_after_fence(const struct cse_area_ring *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(r->flags, __ATOMIC_RELAXED);
}

/* Entry @idx (free-running) of @r. */
static inline void *cse_area_entry(const struct cse_area_ring *r, uint32_t idx)
{
	return r->desc + (size_t)(idx & r->mask) * r->entry_size;
}

#endif /* CSE_DEV_AREA_H */

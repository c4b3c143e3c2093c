// SPDX-License-Identifier: GPL-2.0
/*
 * The module's side of the ring protocol (uapi/linux/cse.h, "Rings"; the
 * barrier pairing is written down in Documentation/rings.rst).
 *
 * The module keeps its own copy of every index it owns and validates every
 * index user space wrote against it before using it: the shared words are
 * hints from an untrusted party, never state.
 */
#include "cse.h"
#include "../uapi/linux/cse.h"

void cse_ring_init(struct cse_ring *ring, void *mem,
		   const struct cse_ring_offsets *off)
{
	ring->producer = mem + off->producer;
	ring->consumer = mem + off->consumer;
	ring->flags = mem + off->flags;
	ring->desc = mem + off->desc;
	ring->mask = off->entries - 1;
	ring->entry_size = off->entry_size;
	ring->prod = 0;
	ring->cons = 0;
}

/*
 * Free entries of a ring the module produces. The consumer index is user
 * space's: a value that would put more entries in flight than the ring holds
 * (or that moved backwards) is corrupt; the ring is then treated as full
 * until user space writes a sane value, and the error is counted.
 */
u32 cse_ring_prod_free(struct cse_ring *ring, struct cse_inst *inst)
{
	/* A: pairs with user space's store-release of the consumer index. */
	u32 cons = smp_load_acquire(ring->consumer);
	u32 used = ring->prod - cons;

	if (used > ring->mask + 1) {
		atomic64_inc(&inst->stats.ring_errors);
		return 0;
	}
	ring->cons = cons;
	return ring->mask + 1 - used;
}

/* The next entry to produce; only after cse_ring_prod_free() said so. */
void *cse_ring_prod_entry(struct cse_ring *ring)
{
	return ring->desc + (size_t)(ring->prod & ring->mask) * ring->entry_size;
}

void cse_ring_prod_submit(struct cse_ring *ring)
{
	ring->prod++;
	/* B: pairs with user space's load-acquire of the producer index. */
	smp_store_release(ring->producer, ring->prod);
}

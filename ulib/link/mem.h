/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-memory wire with two ends, for running two stack instances in one
 * process. Each direction can drop, duplicate, reorder, delay and corrupt
 * frames; every decision comes from the wire's own seeded generator, so a
 * run is reproduced exactly by its seed.
 */
#ifndef CSE_LINK_MEM_H
#define CSE_LINK_MEM_H

#include <stdint.h>

#include "../core/link.h"

struct cse_memlink;

/* Probabilities in parts per million, applied to each frame. */
struct cse_memlink_impair {
	uint32_t drop_ppm;
	uint32_t dup_ppm;
	uint32_t reorder_ppm;	/* held back by @reorder_ns extra */
	uint32_t corrupt_ppm;	/* one bit flipped */
	uint64_t delay_ns;	/* every frame */
	uint64_t reorder_ns;
};

struct cse_memlink_config {
	struct cse_clock clock;
	unsigned int mtu;		/* IP MTU; frames up to mtu + 14 */
	unsigned int max_frames;	/* queued per direction */
	uint8_t mac[2][CSE_ETH_ALEN];	/* of end 0 and end 1 */
	struct cse_memlink_impair impair;
	uint64_t seed;
};

/* What happened to frames sent from one end. */
struct cse_memlink_stats {
	uint64_t sent, delivered, dropped, duplicated, reordered, corrupted;
	uint64_t overflow;		/* queue full */
};

/* -EINVAL for a bad config (no clock, MTU under 68, no queue), -ENOMEM. */
int cse_memlink_create(const struct cse_memlink_config *cfg,
		       struct cse_memlink **out);
void cse_memlink_destroy(struct cse_memlink *l);
/* The link ops for end @end (0 or 1), to put in a stack's config. */
struct cse_link cse_memlink_end(struct cse_memlink *l, unsigned int end);
/* Earliest time a frame becomes receivable at either end, or UINT64_MAX. */
uint64_t cse_memlink_next(const struct cse_memlink *l);
/* Lose the next @n frames sent from end @end: a burst, exactly placed. */
void cse_memlink_drop_burst(struct cse_memlink *l, unsigned int end,
			    unsigned int n);
const struct cse_memlink_stats *cse_memlink_stats(const struct cse_memlink *l,
						  unsigned int end);

#endif /* CSE_LINK_MEM_H */

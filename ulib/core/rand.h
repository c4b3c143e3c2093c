/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small seeded generator (xorshift64*): deterministic from its seed, so a
 * test that fails can be replayed exactly. Not for secrets.
 */
#ifndef CSE_CORE_RAND_H
#define CSE_CORE_RAND_H

#include <stdint.h>

struct cse_rng {
	uint64_t s;
};

static inline void cse_rng_seed(struct cse_rng *r, uint64_t seed)
{
	/* splitmix64 step: any seed, 0 included, gives a non-zero state. */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	r->s = (seed ^ (seed >> 31)) | 1;
}

static inline uint32_t cse_rng_next(struct cse_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Uniform enough in [0, n) for n far below 2^32. */
static inline uint32_t cse_rng_below(struct cse_rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)cse_rng_next(r) * n) >> 32);
}

#endif /* CSE_CORE_RAND_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A byte ring: TCP's send buffer (bytes from snd_una on, so any of them can
 * be sent again) and receive buffer (in-order bytes the application has
 * not read). Its storage is charged to the instance when allocated.
 */
#ifndef CSE_CORE_RING_H
#define CSE_CORE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "pbuf.h"

struct cse_ring {
	uint8_t *buf;
	uint32_t cap;
	uint32_t head;		/* offset of the first byte */
	uint32_t len;
};

/* -ENOBUFS when the instance cannot afford @cap bytes. */
int cse_ring_alloc(struct cse_mem *m, struct cse_ring *r, uint32_t cap);
void cse_ring_free(struct cse_mem *m, struct cse_ring *r);

static inline uint32_t cse_ring_space(const struct cse_ring *r)
{
	return r->cap - r->len;
}

/*
 * Move the contents to storage of @cap bytes (at least the length);
 * -ENOBUFS, and the ring untouched, when the instance cannot afford it.
 */
int cse_ring_resize(struct cse_mem *m, struct cse_ring *r, uint32_t cap);

/* Append up to @n bytes; returns how many fitted. */
uint32_t cse_ring_write(struct cse_ring *r, const void *src, uint32_t n);
/* Copy @n bytes starting @off bytes past the head (all must exist). */
void cse_ring_peek(const struct cse_ring *r, uint32_t off, void *dst,
		   uint32_t n);
/* Forget the first @n bytes. */
void cse_ring_drop(struct cse_ring *r, uint32_t n);

#endif /* CSE_CORE_RING_H */

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

int cse_ring_alloc(struct cse_mem *m, struct cse_ring *r, uint32_t cap)
{
	if (cse_mem_charge(m, cap))
		return -ENOBUFS;
	r->buf = malloc(cap);
	if (!r->buf) {
		cse_mem_uncharge(m, cap);
		return -ENOBUFS;
	}
	r->cap = cap;
	r->head = 0;
	r->len = 0;
	return 0;
}

void cse_ring_free(struct cse_mem *m, struct cse_ring *r)
{
	if (!r->buf)
		return;
	cse_mem_uncharge(m, r->cap);
	free(r->buf);
	*r = (struct cse_ring){ 0 };
}

uint32_t cse_ring_write(struct cse_ring *r, const void *src, uint32_t n)
{
	uint32_t tail, first;

	if (n > cse_ring_space(r))
		n = cse_ring_space(r);
	if (!n)
		return 0;
	tail = (r->head + r->len) % r->cap;
	first = r->cap - tail < n ? r->cap - tail : n;
	memcpy(r->buf + tail, src, first);
	memcpy(r->buf, (const uint8_t *)src + first, n - first);
	r->len += n;
	return n;
}

void cse_ring_peek(const struct cse_ring *r, uint32_t off, void *dst,
		   uint32_t n)
{
	uint32_t start, first;

	if (!n)
		return;
	start = (r->head + off) % r->cap;
	first = r->cap - start < n ? r->cap - start : n;
	memcpy(dst, r->buf + start, first);
	memcpy((uint8_t *)dst + first, r->buf, n - first);
}

void cse_ring_drop(struct cse_ring *r, uint32_t n)
{
	if (!n)
		return;		/* also on a freed ring, whose cap is 0 */
	r->head = (r->head + n) % r->cap;
	r->len -= n;
}

int cse_ring_resize(struct cse_mem *m, struct cse_ring *r, uint32_t cap)
{
	struct cse_ring n;

	if (cap < r->len || cse_ring_alloc(m, &n, cap))
		return -ENOBUFS;
	cse_ring_peek(r, 0, n.buf, r->len);
	n.len = r->len;
	cse_ring_free(m, r);
	*r = n;
	return 0;
}

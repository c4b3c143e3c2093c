// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "pbuf.h"

int cse_mem_charge(struct cse_mem *m, size_t n)
{
	if (n > m->limit || m->used > m->limit - n)
		return -ENOBUFS;
	m->used += n;
	if (m->used > m->peak)
		m->peak = m->used;
	return 0;
}

void cse_mem_uncharge(struct cse_mem *m, size_t n)
{
	m->used -= n;
}

struct cse_pbuf *cse_pbuf_alloc(struct cse_mem *m, uint32_t headroom,
				uint32_t len)
{
	size_t size = sizeof(struct cse_pbuf) + (size_t)headroom + len;
	struct cse_pbuf *pb;

	if (cse_mem_charge(m, size))
		return NULL;
	pb = malloc(size);
	if (!pb) {
		cse_mem_uncharge(m, size);
		return NULL;
	}
	*pb = (struct cse_pbuf){
		.truesize = size,
		.off = headroom,
		.len = len,
		.cap = headroom + len,
	};
	return pb;
}

void cse_pbuf_free(struct cse_mem *m, struct cse_pbuf *pb)
{
	if (!pb)
		return;
	cse_mem_uncharge(m, pb->truesize);
	free(pb);
}

uint8_t *cse_pbuf_push(struct cse_pbuf *pb, uint32_t n)
{
	if (n > pb->off)
		return NULL;
	pb->off -= n;
	pb->len += n;
	return cse_pbuf_data(pb);
}

uint8_t *cse_pbuf_pull(struct cse_pbuf *pb, uint32_t n)
{
	if (n > pb->len)
		return NULL;
	pb->off += n;
	pb->len -= n;
	return cse_pbuf_data(pb);
}

void cse_pbq_init(struct cse_pbq *q)
{
	*q = (struct cse_pbq){ 0 };
}

void cse_pbq_push(struct cse_pbq *q, struct cse_pbuf *pb)
{
	pb->next = NULL;
	if (q->tail)
		q->tail->next = pb;
	else
		q->head = pb;
	q->tail = pb;
	q->count++;
	q->bytes += pb->truesize;
}

struct cse_pbuf *cse_pbq_pop(struct cse_pbq *q)
{
	struct cse_pbuf *pb = q->head;

	if (!pb)
		return NULL;
	q->head = pb->next;
	if (!q->head)
		q->tail = NULL;
	pb->next = NULL;
	q->count--;
	q->bytes -= pb->truesize;
	return pb;
}

void cse_pbq_purge(struct cse_mem *m, struct cse_pbq *q)
{
	struct cse_pbuf *pb;

	while ((pb = cse_pbq_pop(q)))
		cse_pbuf_free(m, pb);
}

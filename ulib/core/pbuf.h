/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet buffers: one contiguous allocation with headroom so each layer can
 * prepend its header in place. Every byte allocated is charged to the
 * instance's memory account first, so no input, however hostile, can make
 * an instance hold more than its limit.
 */
#ifndef CSE_CORE_PBUF_H
#define CSE_CORE_PBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cse_sock;

/* An instance's memory account: every pbuf and socket is charged here. */
struct cse_mem {
	size_t used;
	size_t limit;
	size_t peak;
};

int cse_mem_charge(struct cse_mem *m, size_t n);
void cse_mem_uncharge(struct cse_mem *m, size_t n);

struct cse_pbuf {
	struct cse_pbuf *next;
	/* Socket to tell if the packet cannot be delivered (ARP failure). */
	struct cse_sock *owner;
	size_t truesize;	/* what was charged */
	uint32_t off;		/* start of data in @buf */
	uint32_t len;
	uint32_t cap;
	/* Where a received datagram came from (host byte order). */
	uint32_t peer_addr;
	uint16_t peer_port;
	/* An out-of-order TCP segment: its sequence number, and FIN. */
	bool tcp_fin;
	uint32_t tcp_seq;
	uint8_t tos;		/* to send: the IPv4 TOS byte (ECN bits) */
	uint32_t frag_off;	/* a held IPv4 fragment: its offset */
	uint8_t buf[];
};

/* Headroom that fits Ethernet + IPv4 (with room for options) + UDP/TCP. */
#define CSE_PBUF_HEADROOM	128

struct cse_pbuf *cse_pbuf_alloc(struct cse_mem *m, uint32_t headroom,
				uint32_t len);
void cse_pbuf_free(struct cse_mem *m, struct cse_pbuf *pb);

static inline uint8_t *cse_pbuf_data(const struct cse_pbuf *pb)
{
	return (uint8_t *)pb->buf + pb->off;
}

/* Prepend @n bytes (must fit the headroom); returns the new start. */
uint8_t *cse_pbuf_push(struct cse_pbuf *pb, uint32_t n);
/* Drop @n bytes from the front; returns the new start or NULL if short. */
uint8_t *cse_pbuf_pull(struct cse_pbuf *pb, uint32_t n);

/* FIFO of pbufs with its byte and packet counts. */
struct cse_pbq {
	struct cse_pbuf *head, *tail;
	unsigned int count;
	size_t bytes;		/* sum of truesize */
};

void cse_pbq_init(struct cse_pbq *q);
void cse_pbq_push(struct cse_pbq *q, struct cse_pbuf *pb);
struct cse_pbuf *cse_pbq_pop(struct cse_pbq *q);
void cse_pbq_purge(struct cse_mem *m, struct cse_pbq *q);

#endif /* CSE_CORE_PBUF_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Fragmentation on output (RFC 791 3.2, Linux's ip_do_fragment): a datagram
 * longer than the MTU, and allowed to be fragmented, leaves as pieces of
 * the largest multiple of 8 bytes that fits, all with the datagram's ID,
 * MF set on all but the last. Each piece is a fresh buffer with the
 * usual headroom, so the neighbour queue and the link see ordinary
 * packets; the original is freed once every piece is out.
 */
#include <errno.h>
#include <string.h>

#include "ip4_frag.h"
#include "priv.h"

int cse_ip4_fragment(struct cse_stack *st, struct cse_pbuf *pb,
		     const struct cse_ip4_out *o)
{
	uint32_t step = (st->mtu - CSE_IP4_HLEN) & ~7u, off, n;
	const uint8_t *data = cse_pbuf_data(pb);
	int err = 0;

	if (pb->len > CSE_IP4_MAXLEN - CSE_IP4_HLEN)
		err = -EMSGSIZE;
	for (off = 0; !err && off < pb->len; off += n) {
		struct cse_pbuf *f;
		uint16_t frag = (uint16_t)(off >> 3);

		n = pb->len - off < step ? pb->len - off : step;
		if (off + n < pb->len)
			frag |= CSE_IP4_MF;
		f = cse_pbuf_alloc(&st->mem, CSE_PBUF_HEADROOM, n);
		if (!f) {
			st->stats.mem_drop++;
			err = -ENOBUFS;
			break;
		}
		f->tos = pb->tos;
		memcpy(cse_pbuf_data(f), data + off, n);
		cse_ip4_hdr(st, cse_pbuf_push(f, CSE_IP4_HLEN), o,
			    (uint16_t)(CSE_IP4_HLEN + n), frag);
		err = cse_ip4_xmit(st, f, o);
		if (!err)
			st->stats.ip_frag_tx++;
	}
	if (err)
		st->stats.ip_frag_fail++;
	else
		st->stats.ip_frag_ok++;
	cse_pbuf_free(&st->mem, pb);
	return err;
}

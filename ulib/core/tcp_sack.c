// SPDX-License-Identifier: GPL-2.0
/*
 * Selective acknowledgements as the data receiver: RFC 2018 4 and RFC
 * 2883 (D-SACK). The blocks are computed from the out-of-order queue when
 * an ACK is built, so they can never disagree with what is held:
 *
 * - a D-SACK block first, when a duplicate arrived since the last ACK
 *   (RFC 2883 4: the first block, below the ACK field or inside a
 *   reported block);
 * - then the block holding the segment that arrived last (RFC 2018 4:
 *   "the first SACK block MUST specify the contiguous block of data
 *   containing the segment which triggered this ACK");
 * - then the other held blocks, highest first, as many as fit.
 *
 * Only segments without payload carry blocks, so a data segment never
 * grows past the MSS by them; the ACKs that matter (for out-of-order or
 * duplicate data) are sent at once and carry no data.
 */
#include "priv.h"
#include "tcp.h"

void cse_tcp_dsack_note(struct cse_tcp_sock *tp, uint32_t start, uint32_t end)
{
	if (!tp->sack_ok)
		return;
	tp->dsack = true;
	tp->dsack_start = start;
	tp->dsack_end = end;
}

/* The held ranges, merged, in sequence order; returns how many. */
static unsigned int cse_tcp_ooo_ranges(const struct cse_tcp_sock *tp,
				       uint32_t (*r)[2], unsigned int max)
{
	const struct cse_pbuf *pb;
	unsigned int n = 0;

	for (pb = tp->ooo.head; pb; pb = pb->next) {
		uint32_t end = pb->tcp_seq + pb->len;

		if (n && cse_seq_leq(pb->tcp_seq, r[n - 1][1])) {
			if (cse_seq_lt(r[n - 1][1], end))
				r[n - 1][1] = end;
			continue;
		}
		if (n == max)
			break;
		r[n][0] = pb->tcp_seq;
		r[n][1] = end;
		n++;
	}
	return n;
}

/* The range holding @seq first, then the others from the highest down. */
static unsigned int cse_tcp_sack_order(uint32_t (*r)[2], unsigned int n,
				       uint32_t seq, uint32_t (*blk)[2],
				       unsigned int max)
{
	unsigned int i, k = 0, first = n;

	for (i = 0; i < n; i++)
		if (cse_seq_leq(r[i][0], seq) && cse_seq_lt(seq, r[i][1]))
			first = i;
	if (first < n && k < max) {
		blk[k][0] = r[first][0];
		blk[k++][1] = r[first][1];
	}
	for (i = n; i-- > 0 && k < max;) {
		if (i == first)
			continue;
		blk[k][0] = r[i][0];
		blk[k++][1] = r[i][1];
	}
	return k;
}

/*
 * Ranges scanned for the latest segment's: beyond what an ACK carries,
 * only that one could matter, and a queue this fragmented is rare.
 */
#define CSE_TCP_SACK_SCAN	64

unsigned int cse_tcp_sack_blocks(struct cse_tcp_sock *tp,
				 uint32_t (*blk)[2], unsigned int max)
{
	uint32_t r[CSE_TCP_SACK_SCAN][2];
	unsigned int n, k = 0;

	if (!tp->sack_ok)
		return 0;
	if (tp->dsack && max) {
		blk[k][0] = tp->dsack_start;
		blk[k++][1] = tp->dsack_end;
		tp->dsack = false;	/* reported once (RFC 2883 4) */
	}
	n = cse_tcp_ooo_ranges(tp, r, CSE_TCP_SACK_SCAN);
	return k + cse_tcp_sack_order(r, n, tp->sack_last, blk + k, max - k);
}

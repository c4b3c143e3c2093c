// SPDX-License-Identifier: GPL-2.0
/*
 * Explicit Congestion Notification (RFC 3168 6.1) with Linux's switch:
 * tcp_ecn=1 asks for it in our SYNs, 2 (the default) only agrees when a
 * peer's SYN asks, 0 never. Once agreed:
 *
 * - new data goes out ECT(0); retransmissions, pure ACKs and window
 *   probes are not ECN-capable (6.1.5, 6.1.6);
 * - a CE mark on arriving data makes every ACK carry ECE until a segment
 *   with CWR comes (6.1.3);
 * - an ACK with ECE cuts the window as a loss would, at most once per
 *   window of data (6.1.2), and the next new data carries CWR.
 */
#include "priv.h"
#include "tcp.h"

#define CSE_IP_ECT0		0x02

void cse_tcp_ecn_offer(struct cse_tcp_sock *tp, const struct cse_tcp_seg *syn)
{
	unsigned int want = tp->sk.st->cfg.tcp_ecn;

	if (!syn)
		tp->ecn_ok = want == 1;
	else			/* 6.1.1: a SYN asks with both ECE and CWR */
		tp->ecn_ok = want && (syn->flags & CSE_TCP_ECE) &&
			     (syn->flags & CSE_TCP_CWR);
	tp->ece_pending = false;
	tp->cwr_pending = false;
}

/* 6.1.1: agreement is a SYN-ACK with ECE and without CWR. */
void cse_tcp_ecn_agree(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	tp->ecn_ok = tp->ecn_ok &&
		     (seg->flags & (CSE_TCP_ECE | CSE_TCP_CWR)) == CSE_TCP_ECE;
}

/* After the ACK was taken, so the cut is not grown back at once. */
static void cse_tcp_ecn_reduce(struct cse_tcp_sock *tp)
{
	if (tp->in_recovery || !cse_seq_lt(tp->ecn_recover, tp->snd_una))
		return;			/* once per window, not on a loss */
	cse_tcp_cc_cut(tp);
	tp->ecn_recover = tp->snd_max;
	tp->cwr_pending = true;
	tp->sk.st->stats.tcp_ecn_reduce++;
}

void cse_tcp_ecn_input(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	if (!tp->ecn_ok || (seg->flags & CSE_TCP_SYN))
		return;
	if (seg->flags & CSE_TCP_CWR)
		tp->ece_pending = false;
	if (seg->ce && seg->len) {
		tp->ece_pending = true;
		tp->sk.st->stats.tcp_ecn_ce++;
	}
}

void cse_tcp_ecn_ack(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	if (tp->ecn_ok && (seg->flags & CSE_TCP_ECE))
		cse_tcp_ecn_reduce(tp);
}

uint8_t cse_tcp_ecn_flags(struct cse_tcp_sock *tp, uint8_t flags,
			  uint32_t seq, uint32_t len, uint8_t *tos)
{
	*tos = 0;
	if (flags & CSE_TCP_RST)
		return 0;
	if (flags & CSE_TCP_SYN) {
		if (!tp->ecn_ok)
			return 0;
		return (flags & CSE_TCP_ACK) ? CSE_TCP_ECE :
		       CSE_TCP_ECE | CSE_TCP_CWR;
	}
	if (!tp->ecn_ok)
		return 0;
	flags = tp->ece_pending ? CSE_TCP_ECE : 0;
	if (len && !cse_seq_lt(seq, tp->snd_max)) {	/* new data only */
		*tos = CSE_IP_ECT0;
		if (tp->cwr_pending) {
			flags |= CSE_TCP_CWR;
			tp->cwr_pending = false;
		}
	}
	return flags;
}

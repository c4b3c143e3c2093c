// SPDX-License-Identifier: GPL-2.0
/*
 * The SACK scoreboard of the data sender (RFC 6675 3, 4): the ranges above
 * snd_una the peer reported holding, sorted and merged, at most
 * CSE_TCP_SB_MAX of them. Forgetting a range is always safe (SACK is
 * advisory, RFC 2018 8: nothing is freed because of it), so a full board
 * drops its highest range rather than grow.
 *
 * Between the ranges lie holes. A hole is lost (IsLost) once DupThresh
 * (3) ranges or more than 2 segments' worth of SACKed bytes lie above it;
 * everything in one hole shares that answer, so the board is walked hole
 * by hole, never byte by byte.
 */
#include <string.h>

#include "priv.h"
#include "tcp.h"

#define CSE_TCP_DUPTHRESH	3

void cse_tcp_sb_clear(struct cse_tcp_sock *tp)
{
	tp->sb_n = 0;
}

/* Replace ranges [i, j) of the board with [s, e). */
static void cse_tcp_sb_put(struct cse_tcp_sock *tp, unsigned int i,
			   unsigned int j, uint32_t s, uint32_t e)
{
	if (i == j) {			/* a new range at i */
		if (tp->sb_n == CSE_TCP_SB_MAX) {
			if (i == tp->sb_n)
				return;	/* the highest: not kept */
			tp->sb_n--;
		}
		memmove(tp->sb[i + 1], tp->sb[i],
			(tp->sb_n - i) * sizeof(tp->sb[0]));
		tp->sb_n++;
	} else {
		memmove(tp->sb[i + 1], tp->sb[j],
			(tp->sb_n - j) * sizeof(tp->sb[0]));
		tp->sb_n -= j - i - 1;
	}
	tp->sb[i][0] = s;
	tp->sb[i][1] = e;
}

static void cse_tcp_sb_add(struct cse_tcp_sock *tp, uint32_t s, uint32_t e)
{
	unsigned int i = 0, j;

	while (i < tp->sb_n && cse_seq_lt(tp->sb[i][1], s))
		i++;
	for (j = i; j < tp->sb_n && cse_seq_leq(tp->sb[j][0], e); j++) {
		if (cse_seq_lt(tp->sb[j][0], s))
			s = tp->sb[j][0];
		if (cse_seq_lt(e, tp->sb[j][1]))
			e = tp->sb[j][1];
	}
	cse_tcp_sb_put(tp, i, j, s, e);
}

/*
 * Only blocks inside what is in flight count: a D-SACK block (below the
 * ACK, RFC 2883) or a forged one changes nothing.
 */
void cse_tcp_sb_update(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	unsigned int i;

	for (i = 0; i < seg->opt.nsacks; i++) {
		uint32_t s = seg->opt.sack[i][0], e = seg->opt.sack[i][1];

		if (!cse_seq_lt(s, e) || !cse_seq_lt(tp->snd_una, e) ||
		    cse_seq_lt(tp->snd_max, e))
			continue;
		if (cse_seq_lt(s, tp->snd_una))
			s = tp->snd_una;
		cse_tcp_sb_add(tp, s, e);
	}
}

void cse_tcp_sb_prune(struct cse_tcp_sock *tp)
{
	unsigned int i = 0;

	while (i < tp->sb_n && cse_seq_leq(tp->sb[i][1], tp->snd_una))
		i++;
	memmove(tp->sb[0], tp->sb[i], (tp->sb_n - i) * sizeof(tp->sb[0]));
	tp->sb_n -= i;
	if (tp->sb_n && cse_seq_lt(tp->sb[0][0], tp->snd_una))
		tp->sb[0][0] = tp->snd_una;
}

/* IsLost() for the hole below range @i (RFC 6675 4). */
static bool cse_tcp_sb_hole_lost(const struct cse_tcp_sock *tp,
				 unsigned int i)
{
	uint32_t bytes = 0;
	unsigned int k;

	if (tp->sb_n - i >= CSE_TCP_DUPTHRESH)
		return true;
	for (k = i; k < tp->sb_n; k++)
		bytes += tp->sb[k][1] - tp->sb[k][0];
	return bytes > (CSE_TCP_DUPTHRESH - 1) * (uint32_t)tp->mss;
}

bool cse_tcp_sb_lost(const struct cse_tcp_sock *tp, uint32_t seq)
{
	unsigned int i = 0;

	while (i < tp->sb_n && cse_seq_leq(tp->sb[i][0], seq))
		i++;
	return cse_tcp_sb_hole_lost(tp, i);
}

/* Hole @i runs from the end of range i - 1 (or snd_una) to range i. */
static void cse_tcp_sb_hole(const struct cse_tcp_sock *tp, unsigned int i,
			    uint32_t *a, uint32_t *b)
{
	*a = i ? tp->sb[i - 1][1] : tp->snd_una;
	*b = i < tp->sb_n ? tp->sb[i][0] : tp->snd_max;
}

/*
 * RFC 6675 4, SetPipe(): bytes in the network. A hole counts unless it is
 * lost; what of it was retransmitted (below HighRxt) counts again.
 */
uint32_t cse_tcp_sb_pipe(const struct cse_tcp_sock *tp)
{
	uint32_t pipe = 0, a, b;
	unsigned int i;

	for (i = 0; i <= tp->sb_n; i++) {
		cse_tcp_sb_hole(tp, i, &a, &b);
		if (!cse_seq_lt(a, b))
			continue;
		if (!cse_tcp_sb_hole_lost(tp, i))
			pipe += b - a;
		if (cse_seq_lt(a, tp->high_rxt))
			pipe += (cse_seq_lt(b, tp->high_rxt) ? b : tp->high_rxt) - a;
	}
	return pipe;
}

uint32_t cse_tcp_sb_sacked(const struct cse_tcp_sock *tp)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < tp->sb_n; i++)
		n += tp->sb[i][1] - tp->sb[i][0];
	return n;
}

/* RFC 6675 4, NextSeg() rule 1: the first lost byte above HighRxt. */
bool cse_tcp_sb_next_lost(const struct cse_tcp_sock *tp, uint32_t *seq,
			  uint32_t *len)
{
	uint32_t a, b;
	unsigned int i;

	for (i = 0; i < tp->sb_n; i++) {	/* the top hole is never lost */
		cse_tcp_sb_hole(tp, i, &a, &b);
		if (cse_seq_lt(a, tp->high_rxt))
			a = tp->high_rxt;
		if (!cse_seq_lt(a, b) || !cse_tcp_sb_hole_lost(tp, i))
			continue;
		*seq = a;
		*len = b - a < tp->mss ? b - a : tp->mss;
		return true;
	}
	return false;
}

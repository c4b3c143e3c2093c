// SPDX-License-Identifier: GPL-2.0
/*
 * The congestion control algorithms a socket may choose by name with
 * TCP_CONGESTION, as Linux's: CUBIC (the default) and Reno (RFC 5681,
 * with NewReno or SACK recovery in tcp_recovery.c); and what they share:
 * whether the window was used at all.
 *
 * A window grows only while it is what holds the sender back (RFC 7661;
 * Linux's tcp_is_cwnd_limited()): an application that writes less than
 * the window allows, or a peer's small receive window, must not leave
 * behind a cwnd that no flight ever tested, which the next burst would
 * then send at once and the next loss would keep (ssthresh comes from
 * cwnd, as Linux's). As Linux's tcp_cwnd_validate(), each window of data
 * remembers whether a send found cwnd full, or else its largest flight;
 * slow start may also grow while cwnd is below twice that flight.
 */
#include <string.h>

#include "tcp.h"
#include "util.h"

static const struct cse_tcp_cc_ops *const cse_tcp_ccs[] = {
	&cse_tcp_cubic,
	&cse_tcp_reno,
};

const struct cse_tcp_cc_ops *cse_tcp_cc_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_tcp_ccs); i++)
		if (!strcmp(cse_tcp_ccs[i]->name, name))
			return cse_tcp_ccs[i];
	return NULL;
}

void cse_tcp_cc_cut(struct cse_tcp_sock *tp)
{
	tp->cc->on_loss(tp);
	tp->cwnd = tp->ssthresh;
}

void cse_tcp_cwnd_validate(struct cse_tcp_sock *tp, bool pending)
{
	uint32_t flight = tp->snd_max - tp->snd_una;
	bool limited = pending && flight + tp->mss > tp->cwnd;

	if (!cse_seq_lt(tp->snd_una, tp->cwnd_usage_seq) || limited ||
	    (!tp->cwnd_limited && flight > tp->max_flight)) {
		tp->cwnd_limited = limited;
		tp->max_flight = flight;
		tp->cwnd_usage_seq = tp->snd_nxt;
	}
}

bool cse_tcp_cwnd_limited(const struct cse_tcp_sock *tp)
{
	if (tp->cwnd_limited)
		return true;
	return tp->cwnd < tp->ssthresh && tp->cwnd / 2 < tp->max_flight;
}

uint32_t cse_tcp_slow_start(struct cse_tcp_sock *tp, uint32_t acked)
{
	uint32_t room, take;

	if (tp->cwnd >= tp->ssthresh)
		return acked;
	room = tp->ssthresh - tp->cwnd;
	take = acked < room ? acked : room;
	tp->cwnd += take;
	return acked - take;
}

/*
 * RFC 5681 (4)-(5): a timeout leaves one segment. ssthresh is taken once
 * per episode, as Linux's tcp_enter_loss(): not again for a timeout in
 * fast recovery (its loss already cut it) or for one straight after
 * another (cwnd is one segment by then, and would make ssthresh two).
 */
void cse_tcp_timeout_cwnd(struct cse_tcp_sock *tp)
{
	if (tp->retries == 1 && (!tp->in_recovery || tp->rto_recovery))
		tp->cc->on_loss(tp);
	tp->cwnd = tp->mss;
	if (tp->cc->on_timeout)
		tp->cc->on_timeout(tp);
}

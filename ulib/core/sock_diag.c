// SPDX-License-Identifier: GPL-2.0
/* A socket described for tools (sock_diag.h): reads only. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "sock_diag.h"
#include "tcp.h"

static void cse_tcp_diag(const struct cse_tcp_sock *tp,
			 struct cse_sock_diag *d)
{
	uint32_t write_seq = tp->snd_buf_seq + tp->sndbuf.len;

	d->state = cse_tcp_linux_state(tp->state);
	if (tp->state == CSE_TCP_LISTEN) {
		/* As Linux's inet_diag: waiting children, the backlog. */
		d->rx_queue = tp->accept_n;
		d->tx_queue = tp->backlog;
	} else {
		d->rx_queue = tp->rcvbuf.len;
		/* What SIOCOUTQ says: from the oldest byte not acknowledged. */
		if (tp->state != CSE_TCP_SYN_SENT)
			d->tx_queue = write_seq - tp->snd_una;
	}
	d->retransmits = tp->retries;
	d->rtt_us = cse_ns_to_us(tp->srtt);
	d->rttvar_us = cse_ns_to_us(tp->rttvar);
	d->mss = tp->mss;
	d->cwnd = tp->mss ? tp->cwnd / tp->mss : 0;
}

void cse_sock_diag(const struct cse_sock *s, struct cse_sock_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->protocol = s->ops->protocol;
	d->laddr = s->laddr;
	d->lport = s->lport;
	d->raddr = s->raddr;
	d->rport = s->rport;
	if (s->ops->protocol == IPPROTO_TCP) {
		cse_tcp_diag((const struct cse_tcp_sock *)s, d);
		return;
	}
	/* UDP: connected or not; what its queued datagrams take. */
	d->state = s->rport ? TCP_ESTABLISHED : TCP_CLOSE;
	d->rx_queue = s->rmem > UINT32_MAX ? UINT32_MAX : (uint32_t)s->rmem;
}

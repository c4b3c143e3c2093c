/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a socket looks like from outside, as ss(8) shows a kernel socket:
 * addresses, state, queues and the TCP connection's vital signs. Only
 * reads the socket; the socket table (serve/socktab.c) publishes it.
 */
#ifndef CSE_CORE_SOCK_DIAG_H
#define CSE_CORE_SOCK_DIAG_H

#include <stdint.h>

struct cse_sock;

struct cse_sock_diag {
	int protocol;			/* IPPROTO_TCP or IPPROTO_UDP */
	int state;			/* TCP_* of <netinet/tcp.h> */
	uint32_t laddr, raddr;		/* host byte order, 0 for none */
	uint16_t lport, rport;
	/*
	 * ss's Recv-Q and Send-Q: TCP bytes not read and not acknowledged
	 * (or not sent), a listener's accept queue and backlog; UDP the
	 * memory queued datagrams take, and nothing to send.
	 */
	uint32_t rx_queue, tx_queue;
	/* TCP only, else 0. */
	uint32_t retransmits;		/* timeouts in a row, unanswered */
	uint32_t rtt_us, rttvar_us;	/* 0 before the first sample */
	uint32_t cwnd;			/* segments */
	uint32_t mss;
};

void cse_sock_diag(const struct cse_sock *s, struct cse_sock_diag *d);

#endif /* CSE_CORE_SOCK_DIAG_H */

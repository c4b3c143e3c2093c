/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP (RFC 9293). The code is split by direction as the protocol is:
 * tcp.c (socket calls), tcp_in.c (segment arrival, RFC 9293 3.10.7),
 * tcp_out.c (building and sending segments), tcp_timer.c (retransmission,
 * persist, TIME-WAIT), tcp_ooo.c (reassembly of out-of-order segments),
 * tcp_recovery.c (fast retransmit, NewReno), tcp_opt.c (options),
 * cc_reno.c (congestion control behind struct cse_tcp_cc_ops, so others
 * can be plugged in).
 *
 * Where later extensions go: window scaling, timestamps and SACK are
 * parsed into struct cse_tcp_opts already and negotiated in tcp_opt.c; a
 * SACK scoreboard would sit beside the out-of-order queue (tcp_ooo.c).
 */
#ifndef CSE_CORE_TCP_H
#define CSE_CORE_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "ip4.h"
#include "port.h"
#include "ring.h"
#include "sock.h"
#include "timer.h"

#define CSE_TCP_HLEN		20
#define CSE_TCP_FIN		0x01
#define CSE_TCP_SYN		0x02
#define CSE_TCP_RST		0x04
#define CSE_TCP_PSH		0x08
#define CSE_TCP_ACK		0x10
#define CSE_TCP_URG		0x20

/* RFC 9293 3.3.2; code compares states, so the order is the RFC's. */
enum cse_tcp_state {
	CSE_TCP_CLOSED,
	CSE_TCP_LISTEN,
	CSE_TCP_SYN_SENT,
	CSE_TCP_SYN_RECEIVED,
	CSE_TCP_ESTABLISHED,
	CSE_TCP_FIN_WAIT_1,
	CSE_TCP_FIN_WAIT_2,
	CSE_TCP_CLOSE_WAIT,
	CSE_TCP_CLOSING,
	CSE_TCP_LAST_ACK,
	CSE_TCP_TIME_WAIT,
};

/* Sequence number comparisons modulo 2^32 (RFC 9293 3.4). */
static inline bool cse_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool cse_seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* Options of a segment; what is absent stays zero. */
struct cse_tcp_opts {
	uint16_t mss;			/* 0: none */
	bool has_wscale;
	uint8_t wscale;
	bool sack_ok;
	bool has_ts;
	uint32_t tsval, tsecr;
};

/* A received segment after validation. */
struct cse_tcp_seg {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t wnd;
	uint8_t flags;
	const uint8_t *data;
	uint32_t len;			/* payload bytes */
	struct cse_tcp_opts opt;
};

struct cse_tcp_sock;

/* Congestion control (RFC 5681); cwnd and ssthresh are in bytes. */
struct cse_tcp_cc_ops {
	const char *name;
	void (*init)(struct cse_tcp_sock *tp);
	/* @acked bytes of new data were acknowledged. */
	void (*on_ack)(struct cse_tcp_sock *tp, uint32_t acked);
	/* Three duplicate ACKs: a segment was lost, the path still works. */
	void (*on_dupacks)(struct cse_tcp_sock *tp);
	/* The retransmission timer expired. */
	void (*on_timeout)(struct cse_tcp_sock *tp);
};

extern const struct cse_tcp_cc_ops cse_tcp_reno;

struct cse_tcp_sock {
	struct cse_sock sk;		/* first: the socket layer's view */
	enum cse_tcp_state state;

	/* Send sequence space (RFC 9293 3.3.1). */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2;
	uint32_t snd_buf_seq;		/* sequence of sndbuf's first byte */
	uint16_t mss;			/* largest segment we send */
	/* Receive sequence space. */
	uint32_t irs, rcv_nxt;
	uint32_t rcv_adv;		/* right edge we advertised */

	struct cse_ring sndbuf;		/* bytes from snd_buf_seq on */
	struct cse_ring rcvbuf;		/* in-order bytes not yet read */
	struct cse_pbq ooo;		/* out-of-order segments, by seq */
	bool fin_queued;		/* shutdown(SHUT_WR): FIN after data */

	/* Retransmission (RFC 6298), in nanoseconds; Karn's rule. */
	uint64_t srtt, rttvar, rto;
	bool rtt_pending;
	uint32_t rtt_seq;
	uint64_t rtt_start;
	unsigned int retries;
	struct cse_timer rtx_timer;	/* retransmit or persist */
	struct cse_timer state_timer;	/* TIME-WAIT, orphan FIN-WAIT-2 */
	struct cse_timer keep_timer;	/* keepalive (RFC 1122 4.2.3.6) */
	struct cse_timer delack_timer;	/* delayed ACK (RFC 1122 4.2.3.2) */
	uint32_t rcv_unacked;		/* bytes received since our ACK */
	unsigned int quickacks;		/* ACKs still sent at once */
	uint64_t last_rx;		/* last acceptable segment */
	unsigned int keep_probes;	/* unanswered keepalive probes */

	uint32_t cwnd, ssthresh;
	unsigned int dupacks;
	bool in_recovery;		/* NewReno fast recovery (RFC 6582) */
	uint32_t recover;		/* snd_max when recovery began */
	const struct cse_tcp_cc_ops *cc;

	/* Listener: half-open and ready children, both bounded. */
	struct cse_tcp_sock *parent;
	struct cse_list child;		/* in the parent's syn_q or accept_q */
	struct cse_list syn_q, accept_q;
	unsigned int syn_n, accept_n, backlog;

	int soft_err;			/* last ICMP error, for a timeout */
	uint64_t last_oow_ack;		/* rate limit of challenge ACKs */
	bool orphan;			/* closed by the application */
};

static inline struct cse_tcp_sock *cse_tcp_sk(struct cse_sock *s)
{
	return (struct cse_tcp_sock *)s;
}

extern const struct cse_proto_ops cse_tcp_ops;

/* tcp.c */
void cse_tcp_set_state(struct cse_tcp_sock *tp, enum cse_tcp_state state);
/* The connection is over: error @err (0 for none) to the application. */
void cse_tcp_done(struct cse_tcp_sock *tp, int err);
struct cse_tcp_sock *cse_tcp_child(struct cse_tcp_sock *lp,
				   const struct cse_tcp_seg *seg);
void cse_tcp_child_ready(struct cse_tcp_sock *tp);
uint32_t cse_tcp_isn(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		     uint32_t raddr, uint16_t rport);
int cse_tcp_alloc_buffers(struct cse_tcp_sock *tp);

/* tcp_in.c */
void cse_tcp_input(struct cse_stack *st, const struct cse_ip4_rx *rx);
void cse_tcp_err(struct cse_stack *st, const struct cse_ip4_err *e);
void cse_tcp_error(struct cse_tcp_sock *tp, int err);

/* tcp_out.c */
void cse_tcp_output(struct cse_tcp_sock *tp);
int cse_tcp_send_syn(struct cse_tcp_sock *tp);
void cse_tcp_send_ack(struct cse_tcp_sock *tp);
void cse_tcp_send_rst(struct cse_tcp_sock *tp);
void cse_tcp_reply_rst(struct cse_stack *st, const struct cse_tcp_seg *seg);
void cse_tcp_retransmit(struct cse_tcp_sock *tp);
void cse_tcp_fast_retransmit(struct cse_tcp_sock *tp);
void cse_tcp_probe_window(struct cse_tcp_sock *tp);
void cse_tcp_send_keepalive(struct cse_tcp_sock *tp);
uint32_t cse_tcp_rcv_wnd(const struct cse_tcp_sock *tp);

/* What a received segment asks of our ACK. */
enum cse_tcp_ack {
	CSE_TCP_ACK_NONE,
	CSE_TCP_ACK_DELAY,		/* new in-order data: may wait */
	CSE_TCP_ACK_NOW,		/* a hole, old data, a FIN */
};

/* tcp_recovery.c */
/* A duplicate ACK for @ack arrived. */
void cse_tcp_dupack(struct cse_tcp_sock *tp, uint32_t ack);
/* New data (@acked bytes) was acknowledged during recovery. */
void cse_tcp_recovery_ack(struct cse_tcp_sock *tp, uint32_t acked);
void cse_tcp_recovery_timeout(struct cse_tcp_sock *tp);

/* tcp_ooo.c */
bool cse_tcp_ooo_add(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/*
 * Move what the queue now holds in order into rcvbuf; true if a queued
 * FIN became due.
 */
bool cse_tcp_ooo_drain(struct cse_tcp_sock *tp);

/* tcp_timer.c */
void cse_tcp_timers_init(struct cse_tcp_sock *tp);
void cse_tcp_rearm_rtx(struct cse_tcp_sock *tp);
void cse_tcp_rtt_sample(struct cse_tcp_sock *tp, uint64_t rtt);
void cse_tcp_enter_time_wait(struct cse_tcp_sock *tp);
void cse_tcp_arm_fin_timeout(struct cse_tcp_sock *tp);
/* (Re)start keepalive on an established connection if it is wanted. */
void cse_tcp_keepalive_reset(struct cse_tcp_sock *tp);
/* Acknowledge @n new in-order bytes now or a little later. */
void cse_tcp_ack_later(struct cse_tcp_sock *tp, uint32_t n);

/* tcp_opt.c */
int cse_tcp_parse_opts(const uint8_t *p, unsigned int len,
		       struct cse_tcp_opts *o);
unsigned int cse_tcp_write_syn_opts(uint8_t *p, uint16_t mss);

#endif /* CSE_CORE_TCP_H */

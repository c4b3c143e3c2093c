/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP (RFC 9293). The code is split by direction as the protocol is:
 * tcp.c (socket calls), tcp_in.c (segment arrival, RFC 9293 3.10.7),
 * tcp_out.c (building and sending segments), tcp_timer.c (retransmission,
 * persist, TIME-WAIT), tcp_ooo.c (reassembly of out-of-order segments),
 * tcp_recovery.c (fast retransmit, NewReno or RFC 6675 recovery),
 * tcp_opt.c (options), cc.c, cc_cubic.c, cc_reno.c (congestion control
 * behind struct cse_tcp_cc_ops, chosen with TCP_CONGESTION).
 *
 * RFC 7323 (window scaling, timestamps, PAWS) and SACK-permitted are
 * negotiated in tcp_in.c's handshake paths through tcp_ts.c; SACK blocks
 * are made from the out-of-order queue by tcp_sack.c and kept by the
 * sender in tcp_sb.c's scoreboard; tcp_tune.c grows the receive buffer.
 * RACK-TLP (RFC 8985): tcp_rack.c marks segments lost by time from a
 * send map of the flight, tcp_tlp.c sends the tail loss probe; recovery
 * (tcp_recovery.c) then resends what RACK marked.
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
#define CSE_TCP_ECE		0x40	/* RFC 3168 6.1 */
#define CSE_TCP_CWR		0x80

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

/* An option holds at most 4 SACK blocks, 3 beside timestamps. */
#define CSE_TCP_MAX_SACKS	4

/* Ranges the sender's SACK scoreboard keeps. */
#define CSE_TCP_SB_MAX		16

/* Segments the RACK send map (tcp_rack.c) follows at most. */
#define CSE_TCP_RS_MAX		256

#define CSE_TCP_RS_SACKED	0x01	/* the peer holds it */
#define CSE_TCP_RS_LOST		0x02	/* deemed lost */
#define CSE_TCP_RS_RTX		0x04	/* a retransmission is in flight */
#define CSE_TCP_RS_EVER_RTX	0x08	/* retransmitted at least once */

/* One sent segment [seq, end) and when it (last) left. */
struct cse_tcp_rseg {
	uint32_t seq, end;
	uint64_t xmit;
	uint8_t flags;
};

/* RACK state (RFC 8985 5.2, 6). */
struct cse_tcp_rack {
	uint64_t xmit;			/* RACK.xmit_ts */
	uint32_t end;			/* RACK.end_seq */
	uint32_t fack;			/* RACK.fack: highest end delivered */
	uint64_t rtt;			/* RACK.rtt */
	uint64_t min_rtt;		/* 0: no sample yet */
	bool reord;			/* RACK.reord */
	bool dsack_round_on;
	uint32_t dsack_round;		/* RACK.dsack_round */
	uint8_t reo_mult;		/* RACK.reo_wnd_mult */
	uint8_t reo_persist;		/* RACK.reo_wnd_persist */
};

/* Options of a segment; what is absent stays zero. */
struct cse_tcp_opts {
	uint16_t mss;			/* 0: none */
	bool has_wscale;
	uint8_t wscale;
	bool sack_ok;
	bool has_ts;
	uint32_t tsval, tsecr;
	uint8_t nsacks;			/* SACK blocks (RFC 2018 3) */
	uint32_t sack[CSE_TCP_MAX_SACKS][2];	/* [start, end) */
};

/* A received segment after validation. */
struct cse_tcp_seg {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t wnd;			/* already scaled (RFC 7323 2.3) */
	uint8_t flags;			/* all eight, ECE and CWR too */
	bool ce;			/* IP said Congestion Experienced */
	const uint8_t *data;
	uint32_t len;			/* payload bytes */
	struct cse_tcp_opts opt;
};

struct cse_tcp_sock;

/* Congestion control (RFC 5681); cwnd and ssthresh are in bytes. */
struct cse_tcp_cc_ops {
	const char *name;
	void (*init)(struct cse_tcp_sock *tp);
	/*
	 * @acked bytes of new data were acknowledged while the window was
	 * what held the sender back (cse_tcp_cwnd_limited()).
	 */
	void (*on_ack)(struct cse_tcp_sock *tp, uint32_t acked);
	/*
	 * A loss or an ECN echo: set ssthresh from cwnd, as Linux's
	 * ->ssthresh(); the caller decides cwnd (PRR, a cut, a timeout).
	 */
	void (*on_loss)(struct cse_tcp_sock *tp);
	/* Optional: the retransmission timer expired, after on_loss. */
	void (*on_timeout)(struct cse_tcp_sock *tp);
};

/*
 * Slow start: cwnd grows by @acked up to ssthresh (Linux's
 * tcp_slow_start()); returns what is left for congestion avoidance.
 */
uint32_t cse_tcp_slow_start(struct cse_tcp_sock *tp, uint32_t acked);
/* on_loss, then cwnd down to ssthresh at once (ECN, a repaired tail). */
void cse_tcp_cc_cut(struct cse_tcp_sock *tp);
/* The retransmission timer expired: ssthresh and cwnd for it. */
void cse_tcp_timeout_cwnd(struct cse_tcp_sock *tp);
/* After a send: was cwnd what stopped it? (RFC 7661, as Linux's.) */
void cse_tcp_cwnd_validate(struct cse_tcp_sock *tp, bool pending);
/* May cwnd grow on this ACK? */
bool cse_tcp_cwnd_limited(const struct cse_tcp_sock *tp);

extern const struct cse_tcp_cc_ops cse_tcp_reno;
extern const struct cse_tcp_cc_ops cse_tcp_cubic;
/* Linux's TCP_CA_NAME_MAX: the longest name with its NUL. */
#define CSE_TCP_CA_NAME_MAX	16
/* The algorithm called @name (TCP_CONGESTION), or NULL. */
const struct cse_tcp_cc_ops *cse_tcp_cc_find(const char *name);

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
	uint32_t max_snd_wnd;		/* largest window the peer offered */

	/* RFC 7323, settled by the handshake. */
	bool wscale_ok;			/* WS offered (then: agreed) */
	bool ts_on;			/* TS offered (then: agreed) */
	uint8_t wscale_offer;		/* the shift our SYN offers */
	uint8_t rcv_wscale;		/* shift of windows we send, agreed */
	uint8_t snd_wscale;		/* shift of the peer's windows */
	uint32_t ts_off;		/* our TSval clock's random offset */
	uint32_t ts_recent;		/* TS.Recent (RFC 7323 4.3) */
	uint64_t ts_recent_stamp;	/* when TS.Recent was taken */
	uint32_t last_ack_sent;		/* Last.ACK.sent (RFC 7323 4.3) */
	/* RFC 2018 and 2883, as the data receiver (tcp_sack.c). */
	bool sack_ok;			/* SACK-permitted offered (agreed) */
	bool dsack;			/* a duplicate to report next */
	uint32_t dsack_start, dsack_end;
	uint32_t sack_last;		/* start of the latest kept segment */
	/* RFC 3168 ECN (tcp_ecn.c). */
	bool ecn_ok;			/* asked for (then: agreed) */
	bool ece_pending;		/* echo ECE until the peer's CWR */
	bool cwr_pending;		/* CWR on our next new data */
	uint32_t ecn_recover;		/* snd_max at the last reduction */
	/* RFC 6675, as the data sender (tcp_sb.c). */
	uint32_t sb[CSE_TCP_SB_MAX][2];	/* SACKed [start, end), sorted */
	unsigned int sb_n;
	uint32_t high_rxt;		/* HighRxt: end of the last resend */
	/* RFC 8985 RACK-TLP (tcp_rack.c, tcp_tlp.c). */
	struct cse_tcp_rseg rs[CSE_TCP_RS_MAX];	/* ring, by sequence */
	unsigned int rs_head, rs_n;
	bool rs_broken;			/* a send the map could not follow */
	struct cse_tcp_rack rack;
	bool rto_recovery;		/* recovery after a timeout */
	struct cse_timer reo_timer;	/* RACK reordering window */
	struct cse_timer tlp_timer;	/* probe timeout (PTO) */
	bool tlp_out;			/* a probe episode is open */
	bool tlp_rtx;			/* its probe was a retransmission */
	uint32_t tlp_seq, tlp_high;	/* the probe; snd_max after it */

	/* Receive buffer autotuning (tcp_tune.c). */
	uint64_t rcv_rtt;		/* the receiver's RTT estimate, ns */
	uint64_t rcvq_start;		/* when this measurement began */
	uint32_t rcvq_copied;		/* bytes read since then */

	struct cse_ring sndbuf;		/* bytes from snd_buf_seq on */
	bool sndbuf_limited;		/* a write found it full */
	struct cse_ring rcvbuf;		/* in-order bytes not yet read */
	struct cse_pbq ooo;		/* out-of-order segments, by seq */
	bool fin_queued;		/* shutdown(SHUT_WR): FIN after data */
	bool fin_rcvd;			/* the peer's FIN was taken */

	/* Retransmission (RFC 6298), in nanoseconds; Karn's rule. */
	uint64_t srtt, rttvar, rto;
	bool rtt_pending;
	uint32_t rtt_seq;
	uint64_t rtt_start;
	unsigned int retries;
	uint32_t total_retrans;		/* segments resent (TCP_INFO) */
	struct cse_timer rtx_timer;	/* retransmit or persist */
	struct cse_timer state_timer;	/* TIME-WAIT, orphan FIN-WAIT-2 */
	struct cse_timer keep_timer;	/* keepalive (RFC 1122 4.2.3.6) */
	struct cse_timer delack_timer;	/* delayed ACK (RFC 1122 4.2.3.2) */
	uint32_t rcv_unacked;		/* bytes received since our ACK */
	unsigned int quickacks;		/* ACKs still sent at once */
	uint64_t last_rx;		/* last acceptable segment */
	unsigned int keep_probes;	/* unanswered keepalive probes */

	uint32_t cwnd, ssthresh;
	/* Was the window used (cc.c)? Linux's is_cwnd_limited & co. */
	bool cwnd_limited;
	uint32_t max_flight;		/* largest flight this window */
	uint32_t cwnd_usage_seq;	/* end of that window */
	/* Proportional rate reduction (RFC 6937) in SACK recovery. */
	uint32_t prr_delivered, prr_out;
	uint32_t prior_cwnd;		/* cwnd when recovery began */
	uint32_t delivered;		/* newly ACKed and SACKed, this ACK */
	unsigned int dupacks;
	bool in_recovery;		/* NewReno fast recovery (RFC 6582) */
	uint32_t recover;		/* snd_max when recovery began */
	const struct cse_tcp_cc_ops *cc;
	uint64_t cc_priv[4];		/* the algorithm's own state */

	/* Listener: half-open and ready children, both bounded. */
	struct cse_tcp_sock *parent;
	struct cse_list child;		/* in the parent's syn_q or accept_q */
	struct cse_list syn_q, accept_q;
	unsigned int syn_n, accept_n, backlog;

	int soft_err;			/* last ICMP error, for a timeout */
	uint64_t last_oow_ack;		/* rate limit of challenge ACKs */
	uint64_t last_cookie;		/* listener: when it last sent one */
	bool orphan;			/* closed by the application */
};

static inline struct cse_tcp_sock *cse_tcp_sk(struct cse_sock *s)
{
	return (struct cse_tcp_sock *)s;
}

extern const struct cse_proto_ops cse_tcp_ops;
/* tcp_moved.c: what a socket whose connection moved away becomes. */
extern const struct cse_proto_ops cse_tcp_moved_ops;
/* Has @s data or a FIN in flight or queued (see cse_stack_unfinished)? */
bool cse_tcp_unfinished(const struct cse_sock *s);

/* tcp.c */
void cse_tcp_set_state(struct cse_tcp_sock *tp, enum cse_tcp_state state);
void cse_tcp_stop_timers(struct cse_tcp_sock *tp);

/* tcp_info.c: getsockopt(TCP_INFO) and TCP_MAXSEG, in Linux's terms. */
struct tcp_info;
int cse_tcp_linux_state(enum cse_tcp_state st);
/* Nanoseconds to microseconds, saturating at UINT32_MAX. */
uint32_t cse_ns_to_us(uint64_t ns);
int cse_tcp_maxseg(const struct cse_tcp_sock *tp);
void cse_tcp_info(const struct cse_tcp_sock *tp, struct tcp_info *ti);
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
/* A SYN-ACK for @seg with @iss, @wnd and @opt, from no connection. */
void cse_tcp_reply_synack(struct cse_stack *st, const struct cse_tcp_seg *seg,
			  uint32_t iss, uint16_t wnd,
			  const struct cse_tcp_opts *opt);
void cse_tcp_retransmit(struct cse_tcp_sock *tp);
/* Resend up to @max bytes from @seq; returns the sequence space sent. */
uint32_t cse_tcp_retransmit_range(struct cse_tcp_sock *tp, uint32_t seq,
				  uint32_t max);
uint32_t cse_tcp_fast_retransmit(struct cse_tcp_sock *tp);
/* Send one new segment of at most @room bytes; false if none went. */
bool cse_tcp_send_new(struct cse_tcp_sock *tp, uint32_t room);
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
/* RFC 6675 5 step (C): send what pipe and cwnd allow during recovery. */
void cse_tcp_sack_send(struct cse_tcp_sock *tp);
/* RFC 6937: an ACK delivered tp->delivered bytes; set cwnd for it. */
void cse_tcp_prr_ack(struct cse_tcp_sock *tp, bool una_moved);

/* tcp_ooo.c */
bool cse_tcp_ooo_add(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* Is [@seq, @seq + @len) already held by one queued segment? */
bool cse_tcp_ooo_covered(const struct cse_tcp_sock *tp, uint32_t seq,
			 uint32_t len);
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
/* Longest option list a header can carry (RFC 9293 3.1). */
#define CSE_TCP_OPT_MAX		40
/* Bytes NOP, NOP, timestamps take in every segment (RFC 7323 3.2). */
#define CSE_TCP_TS_LEN		12

int cse_tcp_parse_opts(const uint8_t *p, unsigned int len,
		       struct cse_tcp_opts *o);
/* Write @o's options (padded to 32 bits) at @p; returns their length. */
unsigned int cse_tcp_write_opts(uint8_t *p, const struct cse_tcp_opts *o);

/* tcp_cookie.c: SYN cookies when a listener's SYN queue is full. */
/* Answer @seg, a SYN, with a cookie SYN-ACK; keeps no state. */
void cse_tcp_cookie_send(struct cse_tcp_sock *lp, const struct cse_tcp_seg *seg);
/*
 * @seg, an ACK to the listener, carries a valid cookie: a child in
 * SYN-RECEIVED, its options restored, ready for the ACK; else NULL.
 */
struct cse_tcp_sock *cse_tcp_cookie_check(struct cse_tcp_sock *lp,
					  const struct cse_tcp_seg *seg);
/* tcp.c: a child without the queue limits (the cookie vouches). */
struct cse_tcp_sock *cse_tcp_child_new(struct cse_tcp_sock *lp,
				       const struct cse_tcp_seg *seg);

/* tcp_ecn.c: RFC 3168 ECN. */
/* Before our SYN: ask (tcp_ecn=1) or answer a SYN that asked (@syn). */
void cse_tcp_ecn_offer(struct cse_tcp_sock *tp, const struct cse_tcp_seg *syn);
/* The peer's SYN-ACK: did it agree? */
void cse_tcp_ecn_agree(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* An acceptable segment: CE to echo, CWR to stop echoing. */
void cse_tcp_ecn_input(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* Its ACK, once processed: an ECE to obey. */
void cse_tcp_ecn_ack(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* ECN flags and IP TOS for a segment with @flags of @len at @seq. */
uint8_t cse_tcp_ecn_flags(struct cse_tcp_sock *tp, uint8_t flags,
			  uint32_t seq, uint32_t len, uint8_t *tos);

/* tcp_sack.c */
/* The SACK blocks our next ACK carries, at most @max; returns how many. */
unsigned int cse_tcp_sack_blocks(struct cse_tcp_sock *tp,
				 uint32_t (*blk)[2], unsigned int max);
/* RFC 2883: [@start, @end) arrived twice; tell the peer in the next ACK. */
void cse_tcp_dsack_note(struct cse_tcp_sock *tp, uint32_t start,
			uint32_t end);

/* tcp_sb.c: the sender's scoreboard (RFC 6675). */
void cse_tcp_sb_clear(struct cse_tcp_sock *tp);
/* Take an ACK's SACK blocks; forget what snd_una passed. */
void cse_tcp_sb_update(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
void cse_tcp_sb_prune(struct cse_tcp_sock *tp);
/* IsLost(@seq), SetPipe() and NextSeg() rule 1 of RFC 6675 4. */
bool cse_tcp_sb_lost(const struct cse_tcp_sock *tp, uint32_t seq);
uint32_t cse_tcp_sb_pipe(const struct cse_tcp_sock *tp);
/* Bytes the board holds SACKed. */
uint32_t cse_tcp_sb_sacked(const struct cse_tcp_sock *tp);
bool cse_tcp_sb_next_lost(const struct cse_tcp_sock *tp, uint32_t *seq,
			  uint32_t *len);

/* tcp_rack.c: RACK (RFC 8985 6), on the send map. */
/* Is RACK-TLP in use: tcp_recovery, SACK, and the map covers the flight? */
bool cse_tcp_rack_active(const struct cse_tcp_sock *tp);
void cse_tcp_rack_init(struct cse_tcp_sock *tp);
void cse_tcp_rack_timers_init(struct cse_tcp_sock *tp);
void cse_tcp_tlp_timers_init(struct cse_tcp_sock *tp);
/* [@seq, @end) left now: new (appended) or a retransmission. */
void cse_tcp_rack_sent(struct cse_tcp_sock *tp, uint32_t seq, uint32_t end);
/* An ACK arrived (before snd_una moves): deliver, D-SACK, detect loss. */
void cse_tcp_rack_ack(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* Forget what snd_una passed. */
void cse_tcp_rack_prune(struct cse_tcp_sock *tp);
/* RFC 8985 6.2 step 4: the reordering window now, ns. */
uint64_t cse_tcp_rack_reo_wnd(const struct cse_tcp_sock *tp);
/* Is any segment marked lost and not yet resent? */
bool cse_tcp_rack_has_lost(const struct cse_tcp_sock *tp);
/* A timeout: everything not SACKed is lost (RFC 8985 6.3). */
void cse_tcp_rack_timeout(struct cse_tcp_sock *tp);
/* Recovery ended: the reordering window's persistence (6.2 step 4). */
void cse_tcp_rack_recovery_done(struct cse_tcp_sock *tp);
/* SetPipe() and NextSeg() rule 1 from the map. */
uint32_t cse_tcp_rack_pipe(const struct cse_tcp_sock *tp);
bool cse_tcp_rack_next_lost(const struct cse_tcp_sock *tp, uint32_t *seq,
			    uint32_t *len);
/* tcp_recovery.c: RACK marked a loss; enter recovery if not in it. */
void cse_tcp_rack_recover(struct cse_tcp_sock *tp);

/* tcp_tlp.c: the tail loss probe (RFC 8985 7). */
void cse_tcp_tlp_arm(struct cse_tcp_sock *tp);
/* An ACK: end a probe episode it answers (7.4). */
void cse_tcp_tlp_ack(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg,
		     bool dsack);

/* tcp_tune.c */
/* The application read @n bytes: grow the receive buffer if it limits. */
void cse_tcp_rcvbuf_tune(struct cse_tcp_sock *tp, uint32_t n);
/* The path to the peer (or our link) takes at most @mtu: shrink the MSS. */
void cse_tcp_pmtu(struct cse_tcp_sock *tp, uint32_t mtu);
/* New data was acknowledged: grow the send buffer with the window. */
void cse_tcp_sndbuf_tune(struct cse_tcp_sock *tp);
/* The receiver's RTT from a segment echoing our timestamp. */
void cse_tcp_rcv_rtt_sample(struct cse_tcp_sock *tp,
			    const struct cse_tcp_seg *seg);

/* tcp_ts.c: RFC 7323 negotiation, timestamps and PAWS. */
/* Before our SYN: decide what to offer (@peer: the peer's SYN or NULL). */
void cse_tcp_opts_offer(struct cse_tcp_sock *tp,
			const struct cse_tcp_opts *peer);
/* The peer's SYN or SYN-ACK: keep what both sides offered. */
void cse_tcp_opts_agree(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* The window shift this socket offers (RFC 7323 2.3). */
uint8_t cse_tcp_choose_wscale(const struct cse_tcp_sock *tp);
/* The per-connection offset of our TSval clock. */
uint32_t cse_tcp_ts_offset(struct cse_stack *st, uint32_t laddr,
			   uint16_t lport, uint32_t raddr, uint16_t rport);
/* Our TSval now (RFC 7323 5.4: milliseconds, per-connection offset). */
uint32_t cse_tcp_ts_now(const struct cse_tcp_sock *tp);
/* RFC 7323 5.3 R1: true if @seg is an old duplicate to be dropped. */
bool cse_tcp_paws_reject(const struct cse_tcp_sock *tp,
			 const struct cse_tcp_seg *seg);
/* RFC 7323 4.3: remember the TSval of an acceptable segment. */
void cse_tcp_ts_update(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);
/* RFC 7323 4.1: an RTT sample from the echo of new data's ACK. */
bool cse_tcp_ts_rtt(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg);

#endif /* CSE_CORE_TCP_H */

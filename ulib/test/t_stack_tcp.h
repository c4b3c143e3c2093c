/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scripted wire for TCP tests, in the manner of packetdrill: inject a
 * segment from the peer (10.0.0.2), expect the segment the stack sends,
 * call the socket API in between. Include after t_stack.h.
 */
#ifndef CSE_T_STACK_TCP_H
#define CSE_T_STACK_TCP_H

#include "core/tcp.h"

#define T_ACK	CSE_TCP_ACK
#define T_SYN	CSE_TCP_SYN
#define T_FIN	CSE_TCP_FIN
#define T_RST	CSE_TCP_RST
#define T_PSH	CSE_TCP_PSH
#define T_ECE	CSE_TCP_ECE
#define T_CWR	CSE_TCP_CWR

/* A segment as the test writes or reads it. */
struct t_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;			/* MSS option, 0 for none */
	bool has_ws;			/* window scale option (RFC 7323) */
	uint8_t ws;
	bool has_ts;			/* timestamps option (RFC 7323) */
	uint32_t tsval, tsecr;
	bool has_sackok;		/* SACK-permitted (RFC 2018 2) */
	unsigned int nsacks;		/* SACK blocks (at most 3 with TS) */
	uint32_t sack[4][2];
	unsigned int optlen;		/* read: bytes of options */
	uint8_t tos;			/* the IPv4 TOS byte: ECN field */
	const void *data;
	unsigned int len;
};

/*
 * The options of @s written by hand, byte by byte as RFC 9293 3.2 and
 * RFC 7323 2.2, 3.2 draw them (not with the stack's own writer).
 */
static inline unsigned int t_tcp_opts(uint8_t *o, const struct t_seg *s)
{
	unsigned int n = 0;

	if (s->mss) {
		o[n++] = 2;
		o[n++] = 4;
		cse_put16(o + n, s->mss);
		n += 2;
	}
	if (s->has_ws) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = s->ws;
	}
	if (s->has_ts) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 8;
		o[n++] = 10;
		cse_put32(o + n, s->tsval);
		cse_put32(o + n + 4, s->tsecr);
		n += 8;
	}
	if (s->has_sackok) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (s->nsacks) {
		unsigned int i;

		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 5;
		o[n++] = (uint8_t)(2 + 8 * s->nsacks);
		for (i = 0; i < s->nsacks; i++, n += 8) {
			cse_put32(o + n, s->sack[i][0]);
			cse_put32(o + n + 4, s->sack[i][1]);
		}
	}
	return n;
}

/* Inject @s from the peer to us. */
static inline void t_tcp_in(struct t_env *e, const struct t_seg *s)
{
	uint8_t f[1600], *t, opt[40];
	unsigned int olen = t_tcp_opts(opt, s), hlen = 20 + olen, n;
	uint32_t sum;

	n = t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	n += t_ip(f + n, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, hlen + s->len);
	if (s->tos) {
		f[n - 20 + 1] = s->tos;
		t_ip_fix(f + n - 20);
	}
	t = f + n;
	memset(t, 0, hlen);
	cse_put16(t, s->sport);
	cse_put16(t + 2, s->dport);
	cse_put32(t + 4, s->seq);
	cse_put32(t + 8, s->ack);
	t[12] = (uint8_t)(hlen / 4) << 4;
	t[13] = s->flags;
	cse_put16(t + 14, s->wnd);
	memcpy(t + 20, opt, olen);
	if (s->len)
		memcpy(t + hlen, s->data, s->len);
	sum = cse_csum_pseudo(T_PEER_IP, T_OUR_IP, IPPROTO_TCP, hlen + s->len);
	cse_put16(t + 16, cse_csum_fold(cse_csum_add(sum, t, hlen + s->len)));
	cse_stack_input(e->st, f, n + hlen + s->len);
}

/*
 * The next frame the stack sent, read as TCP into @s (data points into
 * the capture). Returns 0, or -1 when nothing was sent, it is not TCP to
 * the peer, or its checksum is wrong.
 */
static inline int t_tcp_out(struct t_env *e, struct t_seg *s)
{
	unsigned int len, tlen, hlen;
	const uint8_t *f = t_next(e, &len), *t;
	struct cse_tcp_opts o;
	uint32_t sum;

	if (!f || t_ethertype(f) != 0x0800 || t_ip_hdr(f)[9] != IPPROTO_TCP ||
	    cse_get32(t_ip_hdr(f) + 16) != T_PEER_IP)
		return -1;
	t = t_l4(f);
	tlen = cse_get16(t_ip_hdr(f) + 2) - (t_ip_hdr(f)[0] & 0xf) * 4;
	sum = cse_csum_pseudo(T_OUR_IP, T_PEER_IP, IPPROTO_TCP, tlen);
	if (cse_csum_fold(cse_csum_add(sum, t, tlen)))
		return -1;
	hlen = (t[12] >> 4) * 4;
	*s = (struct t_seg){
		.sport = cse_get16(t), .dport = cse_get16(t + 2),
		.seq = cse_get32(t + 4), .ack = cse_get32(t + 8),
		.flags = t[13], .wnd = cse_get16(t + 14),
		.tos = t_ip_hdr(f)[1],
		.data = t + hlen, .len = tlen - hlen,
	};
	s->optlen = hlen - 20;
	if (cse_tcp_parse_opts(t + 20, hlen - 20, &o))
		return -1;
	s->mss = o.mss;
	s->has_ws = o.has_wscale;
	s->ws = o.wscale;
	s->has_ts = o.has_ts;
	s->tsval = o.tsval;
	s->tsecr = o.tsecr;
	s->has_sackok = o.sack_ok;
	s->nsacks = o.nsacks;
	memcpy(s->sack, o.sack, sizeof(s->sack));
	return 0;
}

/*
 * Start the instance with the peer's MAC confirmed for good, so that no
 * ARP frame comes between the segments a script expects.
 */
static inline int t_tcp_env_start(struct t_env *e)
{
	uint8_t f[64];
	unsigned int n;
	int err;

	e->cfg.arp_reachable_ns = 1000000 * CSE_NSEC_PER_SEC;
	err = t_env_start(e);
	if (err)
		return err;
	t_learn(e, T_PEER_IP, t_peer_mac);
	n = t_eth(f, t_our_mac, t_peer_mac, 0x0806);
	n += t_arp(f + n, 2, t_peer_mac, T_PEER_IP, t_our_mac, T_OUR_IP);
	cse_stack_input(e->st, f, n);
	return 0;
}

/*
 * ICMP destination unreachable @code from the peer quoting our segment
 * @q (its ports and sequence number); @mtu: the next-hop MTU field.
 */
static inline void t_tcp_icmp(struct t_env *e, uint8_t code, uint16_t mtu,
			      const struct t_seg *q)
{
	uint8_t f[128], *m;
	unsigned int n = t_eth(f, t_our_mac, t_peer_mac, 0x0800);

	n += t_ip(f + n, T_PEER_IP, T_OUR_IP, IPPROTO_ICMP, 8 + 20 + 8);
	m = f + n;
	memset(m, 0, 8);
	m[0] = 3;
	m[1] = code;
	cse_put16(m + 6, mtu);
	t_ip(m + 8, T_OUR_IP, T_PEER_IP, IPPROTO_TCP, 20);
	cse_put16(m + 28, q->sport);
	cse_put16(m + 30, q->dport);
	cse_put32(m + 32, q->seq);
	cse_put32(m + 36, 0);
	cse_put16(m + 2, cse_csum(m, 36));
	cse_stack_input(e->st, f, n + 36);
}

#define T_PEER_PORT	40000
#define T_PEER_ISS	1000000u

/*
 * A connection set up by the peer's handshake with our listener on @port.
 * Returns the accepted socket; *iss gets our initial sequence number.
 */
static inline struct cse_sock *t_tcp_accepted(struct t_env *e,
					      struct cse_sock *l,
					      uint16_t port, uint32_t *iss)
{
	struct t_seg syn = {
		.sport = T_PEER_PORT, .dport = port, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535, .mss = 1460,
	}, out;
	struct cse_sock *c;

	t_tcp_in(e, &syn);
	if (t_tcp_out(e, &out) || out.flags != (T_SYN | T_ACK))
		return NULL;
	*iss = out.seq;
	syn.seq = T_PEER_ISS + 1;
	syn.ack = out.seq + 1;
	syn.flags = T_ACK;
	syn.mss = 0;
	t_tcp_in(e, &syn);
	return cse_accept(l, &c, NULL, NULL) ? NULL : c;
}

/* A listener on our port @port. */
static inline struct cse_sock *t_tcp_listener(struct t_env *e, uint16_t port)
{
	struct sockaddr_in sin = t_sin(0, port);
	struct cse_sock *l;

	if (cse_socket(e->st, SOCK_STREAM, 0, &l))
		return NULL;
	if (cse_bind(l, T_SA(&sin), sizeof(sin)) || cse_listen(l, 8)) {
		cse_close(l);
		return NULL;
	}
	return l;
}

static inline int t_tcp_state(struct cse_sock *s)
{
	return (int)cse_tcp_sk(s)->state;
}

#endif /* CSE_T_STACK_TCP_H */

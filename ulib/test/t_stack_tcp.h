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

/* A segment as the test writes or reads it. */
struct t_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;			/* MSS option, 0 for none */
	const void *data;
	unsigned int len;
};

/* Inject @s from the peer to us. */
static inline void t_tcp_in(struct t_env *e, const struct t_seg *s)
{
	uint8_t f[1600], *t;
	unsigned int hlen = s->mss ? 24 : 20, n;
	uint32_t sum;

	n = t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	n += t_ip(f + n, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, hlen + s->len);
	t = f + n;
	memset(t, 0, hlen);
	cse_put16(t, s->sport);
	cse_put16(t + 2, s->dport);
	cse_put32(t + 4, s->seq);
	cse_put32(t + 8, s->ack);
	t[12] = (uint8_t)(hlen / 4) << 4;
	t[13] = s->flags;
	cse_put16(t + 14, s->wnd);
	if (s->mss) {
		t[20] = 2;
		t[21] = 4;
		cse_put16(t + 22, s->mss);
	}
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
		.data = t + hlen, .len = tlen - hlen,
	};
	if (hlen >= 24 && t[20] == 2 && t[21] == 4)
		s->mss = cse_get16(t + 22);
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

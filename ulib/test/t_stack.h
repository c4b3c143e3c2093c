/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the stack's unit tests: a fake clock, a capture link that
 * records what the stack sends, one instance at 10.0.0.1/24 (gateway
 * 10.0.0.254) built on them, and builders for the frames a test injects.
 */
#ifndef CSE_T_STACK_H
#define CSE_T_STACK_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "core/priv.h"
#include "core/socket.h"
#include "core/stack.h"
#include "core/wire.h"
#include "test/t_clock.h"

#define T_CAP_FRAMES	64
#define T_FRAME_MAX	1600

#define T_OUR_IP	0x0a000001u	/* 10.0.0.1 */
#define T_PEER_IP	0x0a000002u	/* 10.0.0.2 */
#define T_GW_IP		0x0a0000feu	/* 10.0.0.254 */
#define T_FAR_IP	0xc0000201u	/* 192.0.2.1, via the gateway */
#define T_BCAST_IP	0x0a0000ffu

static const uint8_t t_our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t t_peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t t_gw_mac[6] = { 0x02, 0, 0, 0, 0, 0xfe };
static const uint8_t t_bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Records every frame the stack sends; older ones are overwritten. */
struct t_cap {
	uint8_t frame[T_CAP_FRAMES][T_FRAME_MAX];
	unsigned int len[T_CAP_FRAMES];
	unsigned int n;		/* frames sent so far */
	unsigned int seen;	/* frames taken by t_next() */
	int xmit_err;		/* make xmit fail with this */
	/* The lending variant (t_cap_lend_ops): its one buffer, its calls. */
	uint8_t lend[T_FRAME_MAX];
	unsigned int lent, committed;
};

static inline int t_cap_xmit(void *priv, const void *frame, size_t len)
{
	struct t_cap *c = priv;
	unsigned int i = c->n % T_CAP_FRAMES;

	if (c->xmit_err)
		return c->xmit_err;
	if (len > T_FRAME_MAX)
		return -EMSGSIZE;
	memcpy(c->frame[i], frame, len);
	c->len[i] = len;
	c->n++;
	return 0;
}

static inline int t_cap_recv(void *priv, void *buf, size_t cap)
{
	return 0;	/* tests inject with cse_stack_input() */
}

static inline unsigned int t_cap_mtu(void *priv)
{
	return 1500;
}

static inline void t_cap_mac(void *priv, uint8_t mac[6])
{
	memcpy(mac, t_our_mac, 6);
}

static const struct cse_link_ops t_cap_ops = {
	.xmit = t_cap_xmit,
	.recv = t_cap_recv,
	.mtu = t_cap_mtu,
	.mac = t_cap_mac,
};

/* The capture link lending its buffer, as the product's links do. */
static inline int t_cap_tx_get(void *priv, size_t len, void **frame)
{
	struct t_cap *c = priv;

	if (len > T_FRAME_MAX)
		return -EMSGSIZE;
	c->lent++;
	*frame = c->lend;
	return 0;
}

static inline int t_cap_tx_commit(void *priv, void *frame, size_t len)
{
	struct t_cap *c = priv;

	if (frame != c->lend)
		return -EINVAL;
	c->committed++;
	return t_cap_xmit(priv, frame, len);
}

static const struct cse_link_ops t_cap_lend_ops = {
	.xmit = t_cap_xmit,
	.tx_get = t_cap_tx_get,
	.tx_commit = t_cap_tx_commit,
	.recv = t_cap_recv,
	.mtu = t_cap_mtu,
	.mac = t_cap_mac,
};

struct t_env {
	struct t_clock clock;
	struct t_cap cap;
	struct cse_stack *st;
	struct cse_stack_config cfg;
};

/* The config t_env_start() uses; tests may change it in between. */
static inline void t_env_config(struct t_env *e)
{
	memset(e, 0, sizeof(*e));
	e->clock.now = 1000 * CSE_NSEC_PER_SEC;
	cse_stack_config_defaults(&e->cfg);
	e->cfg.link = (struct cse_link){ &t_cap_ops, &e->cap };
	e->cfg.clock = (struct cse_clock){ t_clock_now, &e->clock };
	e->cfg.addr.s_addr = htonl(T_OUR_IP);
	e->cfg.prefix_len = 24;
	e->cfg.gateway.s_addr = htonl(T_GW_IP);
	e->cfg.seed = 42;
}

static inline int t_env_start(struct t_env *e)
{
	return cse_stack_create(&e->cfg, &e->st);
}

static inline void t_env_fini(struct t_env *e)
{
	cse_stack_destroy(e->st);
	e->st = NULL;
}

/* A fixture holding one default instance. */
#define T_STACK_FIXTURE(name)					\
	FIXTURE(name) {						\
		struct t_env e;					\
	};							\
	FIXTURE_SETUP(name)					\
	{							\
		t_env_config(&self->e);				\
		ASSERT_EQ(0, t_env_start(&self->e));		\
	}							\
	FIXTURE_TEARDOWN(name)					\
	{							\
		t_env_fini(&self->e);				\
	}

/* Frames sent since the last t_next(). */
static inline unsigned int t_pending(const struct t_env *e)
{
	return e->cap.n - e->cap.seen;
}

/* The next frame the stack sent, or NULL; its length in @len. */
static inline const uint8_t *t_next(struct t_env *e, unsigned int *len)
{
	unsigned int i;

	if (e->cap.seen == e->cap.n)
		return NULL;
	i = e->cap.seen++ % T_CAP_FRAMES;
	*len = e->cap.len[i];
	return e->cap.frame[i];
}

static inline void t_skip_all(struct t_env *e)
{
	e->cap.seen = e->cap.n;
}

/*
 * Let @ns pass, running each timer at its due time as a punctual
 * poller would.
 */
static inline void t_advance(struct t_env *e, uint64_t ns)
{
	t_clock_advance(e->st, &e->clock, ns);
}

/* --- frame builders: each writes at @p and returns the length --- */

static inline unsigned int t_eth(uint8_t *p, const uint8_t *dst,
				 const uint8_t *src, uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	cse_put16(p + 12, type);
	return 14;
}

static inline unsigned int t_arp(uint8_t *p, uint16_t op, const uint8_t *sha,
				 uint32_t sip, const uint8_t *tha,
				 uint32_t tip)
{
	cse_put16(p, 1);
	cse_put16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	cse_put16(p + 6, op);
	memcpy(p + 8, sha, 6);
	cse_put32(p + 14, sip);
	memcpy(p + 18, tha, 6);
	cse_put32(p + 24, tip);
	return 28;
}

/* An IPv4 header (no options) for @plen bytes of payload. */
static inline unsigned int t_ip(uint8_t *p, uint32_t src, uint32_t dst,
				uint8_t proto, unsigned int plen)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	cse_put16(p + 2, 20 + plen);
	cse_put16(p + 4, 0x1234);
	p[8] = 64;
	p[9] = proto;
	cse_put32(p + 12, src);
	cse_put32(p + 16, dst);
	cse_put16(p + 10, cse_csum(p, 20));
	return 20;
}

/* UDP header and payload with a correct checksum. */
static inline unsigned int t_udp(uint8_t *p, uint32_t src, uint32_t dst,
				 uint16_t sport, uint16_t dport,
				 const void *data, unsigned int len)
{
	uint32_t sum;

	cse_put16(p, sport);
	cse_put16(p + 2, dport);
	cse_put16(p + 4, 8 + len);
	cse_put16(p + 6, 0);
	memcpy(p + 8, data, len);
	sum = cse_csum_pseudo(src, dst, IPPROTO_UDP, 8 + len);
	sum = cse_csum_fold(cse_csum_add(sum, p, 8 + len));
	cse_put16(p + 6, sum ? sum : 0xffff);
	return 8 + len;
}

/* A whole Ethernet/IPv4/UDP frame from the peer to us. */
static inline unsigned int t_udp_frame(uint8_t *f, uint32_t src,
				       uint32_t dst, uint16_t sport,
				       uint16_t dport, const void *data,
				       unsigned int len)
{
	unsigned int n = t_eth(f, t_our_mac, t_peer_mac, 0x0800);

	n += t_ip(f + n, src, dst, IPPROTO_UDP, 8 + len);
	return n + t_udp(f + n, src, dst, sport, dport, data, len);
}

/* Recompute the IPv4 header checksum after a test edited the header. */
static inline void t_ip_fix(uint8_t *ip)
{
	unsigned int hlen = (ip[0] & 0xf) * 4;

	cse_put16(ip + 10, 0);
	cse_put16(ip + 10, cse_csum(ip, hlen));
}

/* Teach the stack the peer's MAC (a request from it, for us). */
static inline void t_learn(struct t_env *e, uint32_t ip, const uint8_t *mac)
{
	uint8_t f[64];
	unsigned int n = t_eth(f, t_bcast_mac, mac, 0x0806);

	n += t_arp(f + n, 1, mac, ip, t_bcast_mac, T_OUR_IP);
	cse_stack_input(e->st, f, n);
	t_skip_all(e);
}

static inline struct sockaddr_in t_sin(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(addr),
	};
	return sin;
}

#define T_SA(sinp)	((const struct sockaddr *)(sinp))
#define T_SAW(sinp)	((struct sockaddr *)(sinp))

#endif /* CSE_T_STACK_H */

#ifndef T_NO_SOCK_HELPERS
/* A UDP socket bound to our address and @port (0: ephemeral). */
static inline struct cse_sock *t_udp_sock(struct t_env *e, uint16_t port)
{
	struct sockaddr_in sin = t_sin(0, port);
	struct cse_sock *s;

	if (cse_socket(e->st, SOCK_DGRAM, 0, &s))
		return NULL;
	if (cse_bind(s, T_SA(&sin), sizeof(sin))) {
		cse_close(s);
		return NULL;
	}
	return s;
}

static inline ssize_t t_send(struct cse_sock *s, uint32_t dst, uint16_t port,
			     const void *buf, size_t len)
{
	struct sockaddr_in sin = t_sin(dst, port);

	return cse_sendto(s, buf, len, 0, T_SA(&sin), sizeof(sin));
}
#endif

/* Field readers for frames the stack sent. */
static inline uint16_t t_ethertype(const uint8_t *f)
{
	return cse_get16(f + 12);
}

static inline uint16_t t_arp_op(const uint8_t *f)
{
	return cse_get16(f + 14 + 6);
}

static inline uint32_t t_arp_tpa(const uint8_t *f)
{
	return cse_get32(f + 14 + 24);
}

static inline const uint8_t *t_ip_hdr(const uint8_t *f)
{
	return f + 14;
}

static inline const uint8_t *t_l4(const uint8_t *f)
{
	return f + 14 + (f[14] & 0xf) * 4;
}

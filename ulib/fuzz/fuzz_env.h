/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The instance the stack fuzzer attacks, shared by the fuzz target and the
 * seed recorder so that a recorded exchange replays exactly: same address,
 * MAC, random seed and clock, same sockets opened in the same order.
 *
 * Input format, a sequence of records:
 *   u32 (big endian)  microseconds to let pass before the frame
 *   u16 (big endian)  frame length
 *   frame             an Ethernet frame without FCS
 * A truncated record ends the input.
 */
#ifndef CSE_FUZZ_ENV_H
#define CSE_FUZZ_ENV_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "core/csum.h"
#include "core/socket.h"
#include "core/stack.h"
#include "core/wire.h"
#include "test/t_clock.h"

#define FZ_OUR_IP	0x0a000001u	/* 10.0.0.1/24 */
#define FZ_PEER_IP	0x0a000002u
#define FZ_GW_IP	0x0a0000feu
#define FZ_UDP_PORT	7		/* bound, echoes what it gets */
#define FZ_UDP_PEER	9		/* a connected UDP socket's peer */
#define FZ_TCP_PORT	80		/* listening, echoes */
#define FZ_TCP_PEER	8080		/* an active open goes there */
#define FZ_START_NS	(1000 * CSE_NSEC_PER_SEC)
#define FZ_SEED		42
#define FZ_MAX_CHILD	8

static const uint8_t fz_our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t fz_peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/* The sockets of the attacked instance; NULL where not available. */
struct fz_socks {
	struct cse_sock *udp_bound, *udp_conn, *tcp_listen, *tcp_conn;
	struct cse_sock *child[FZ_MAX_CHILD];
};

static inline void fz_config(struct cse_stack_config *cfg,
			     struct cse_link link, struct t_clock *clock)
{
	cse_stack_config_defaults(cfg);
	cfg->link = link;
	cfg->clock = (struct cse_clock){ t_clock_now, clock };
	cfg->addr.s_addr = htonl(FZ_OUR_IP);
	cfg->prefix_len = 24;
	cfg->gateway.s_addr = htonl(FZ_GW_IP);
	cfg->seed = FZ_SEED;
}

static inline struct sockaddr_in fz_sin(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(ip);
	a.sin_port = htons(port);
	return a;
}

static inline struct cse_sock *fz_open(struct cse_stack *st, int type,
				       uint16_t bind_port,
				       uint32_t peer, uint16_t peer_port)
{
	struct sockaddr_in a;
	struct cse_sock *s;

	if (cse_socket(st, type, 0, &s))
		return NULL;	/* e.g. a protocol the stack lacks yet */
	if (bind_port) {
		a = fz_sin(0, bind_port);
		if (cse_bind(s, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
		if (type == SOCK_STREAM && cse_listen(s, FZ_MAX_CHILD))
			goto fail;
	}
	if (peer) {
		a = fz_sin(peer, peer_port);
		/* A non-blocking active open reports EINPROGRESS. */
		if (cse_connect(s, (struct sockaddr *)&a, sizeof(a)) &&
		    type != SOCK_STREAM)
			goto fail;
	}
	return s;
fail:
	cse_close(s);
	return NULL;
}

static inline void fz_open_all(struct cse_stack *st, struct fz_socks *s)
{
	memset(s, 0, sizeof(*s));
	s->udp_bound = fz_open(st, SOCK_DGRAM, FZ_UDP_PORT, 0, 0);
	s->udp_conn = fz_open(st, SOCK_DGRAM, 0, FZ_PEER_IP, FZ_UDP_PEER);
	s->tcp_listen = fz_open(st, SOCK_STREAM, FZ_TCP_PORT, 0, 0);
	s->tcp_conn = fz_open(st, SOCK_STREAM, 0, FZ_PEER_IP, FZ_TCP_PEER);
}

/* Echo what a socket has back to where it came from. */
static inline void fz_echo(struct cse_sock *s, int dgram)
{
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t buf[2048];
	ssize_t n;

	if (!s)
		return;
	n = cse_recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			 &fl, NULL);
	if (n <= 0)
		return;
	if (dgram)
		cse_sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
	else
		cse_sendto(s, buf, n, 0, NULL, 0);
}

/* What an application would do after each frame: accept, read, answer. */
static inline void fz_serve(struct fz_socks *s)
{
	unsigned int i;

	fz_echo(s->udp_bound, 1);
	fz_echo(s->udp_conn, 1);
	fz_echo(s->tcp_conn, 0);
	for (i = 0; i < FZ_MAX_CHILD && s->tcp_listen; i++) {
		if (!s->child[i] &&
		    cse_accept(s->tcp_listen, &s->child[i], NULL, NULL))
			s->child[i] = NULL;
		fz_echo(s->child[i], 0);
	}
}

static inline void fz_close_all(struct fz_socks *s)
{
	unsigned int i;

	for (i = 0; i < FZ_MAX_CHILD; i++)
		if (s->child[i])
			cse_close(s->child[i]);
	if (s->tcp_conn)
		cse_close(s->tcp_conn);
	if (s->tcp_listen)
		cse_close(s->tcp_listen);
	if (s->udp_conn)
		cse_close(s->udp_conn);
	if (s->udp_bound)
		cse_close(s->udp_bound);
}


/* Flag in a record's time field: keep the frame's checksums as they are. */
#define FZ_RAW_CSUM	0x80000000u

/*
 * Make the checksums of an IPv4 frame right (IP header, and ICMP, UDP or
 * TCP of an unfragmented datagram), so that mutations reach the code
 * behind checksum validation. Anything that does not parse is left alone.
 */
static inline void fz_fix_csums(uint8_t *f, size_t len)
{
	uint8_t *ip = f + 14, *l4;
	size_t ihl, tot, l4len, off;
	uint32_t sum;
	uint16_t v;

	if (len < 14 + 20 || cse_get16(f + 12) != 0x0800 || ip[0] >> 4 != 4)
		return;
	ihl = (ip[0] & 0xf) * 4u;
	if (ihl < 20 || 14 + ihl > len)
		return;
	cse_put16(ip + 10, 0);
	cse_put16(ip + 10, cse_csum(ip, ihl));
	tot = cse_get16(ip + 2);
	if (tot < ihl || 14 + tot > len || (cse_get16(ip + 6) & 0x3fff))
		return;
	l4 = ip + ihl;
	l4len = tot - ihl;
	switch (ip[9]) {
	case IPPROTO_ICMP:
		if (l4len < 4)
			return;
		cse_put16(l4 + 2, 0);
		cse_put16(l4 + 2, cse_csum(l4, l4len));
		return;
	case IPPROTO_TCP:
		off = 16;
		break;
	case IPPROTO_UDP:
		off = 6;
		break;
	default:
		return;
	}
	if (l4len < off + 2)
		return;
	cse_put16(l4 + off, 0);
	sum = cse_csum_pseudo(cse_get32(ip + 12), cse_get32(ip + 16), ip[9],
			      l4len);
	v = cse_csum_fold(cse_csum_add(sum, l4, l4len));
	if (ip[9] == IPPROTO_UDP && !v)
		v = 0xffff;	/* 0 means "no checksum" in UDP */
	cse_put16(l4 + off, v);
}

#endif /* CSE_FUZZ_ENV_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * mkseeds DIR [SCENARIO...]: record the seed corpus of the stack fuzzer
 * (every scenario, or those named). The attacked instance A (fuzz_env.h)
 * talks to a peer instance B over an in-memory wire while B plays one
 * scenario per seed (or frames built by hand are fed to A, and recorded
 * as they are fed); every frame A receives is written
 * with its timing in the fuzzer's input format. Since A is built exactly as
 * the fuzz target builds it, replaying a seed drives A through the same
 * states: resolved neighbours, established connections, echoed data.
 * Deterministic: the same build writes the same files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/fuzz_env.h"
#include "link/mem.h"

struct rec {
	struct t_clock clock;
	struct cse_memlink *wire;
	struct cse_link a_end;		/* the wire's end that A reads */
	struct cse_stack *a, *b;
	struct fz_socks socks;
	FILE *out;
	uint64_t last;			/* time of the last recorded frame */
	size_t frames;			/* recorded so far */
};

/* A's link: the wire's end 0, recording every frame A takes from it. */
static int rec_xmit(void *priv, const void *frame, size_t len)
{
	struct rec *r = priv;

	return r->a_end.ops->xmit(r->a_end.priv, frame, len);
}

static void rec_write(struct rec *r, const void *frame, size_t len)
{
	uint32_t us = (uint32_t)((r->clock.now - r->last) / 1000);
	uint8_t hdr[6];

	cse_put32(hdr, us);
	cse_put16(hdr + 4, (uint16_t)len);
	if (fwrite(hdr, 6, 1, r->out) != 1 || fwrite(frame, len, 1, r->out) != 1) {
		perror("mkseeds: write");
		exit(1);
	}
	/* Replay lands on whole microseconds: follow it, no drift. */
	r->last += (uint64_t)us * 1000;
	r->frames++;
}

static int rec_recv(void *priv, void *buf, size_t cap)
{
	struct rec *r = priv;
	int n = r->a_end.ops->recv(r->a_end.priv, buf, cap);

	if (n > 0)
		rec_write(r, buf, n);
	return n;
}

static unsigned int rec_mtu(void *priv)
{
	struct rec *r = priv;

	return r->a_end.ops->mtu(r->a_end.priv);
}

static void rec_mac(void *priv, uint8_t mac[CSE_ETH_ALEN])
{
	struct rec *r = priv;

	r->a_end.ops->mac(r->a_end.priv, mac);
}

static const struct cse_link_ops rec_ops = {
	.xmit = rec_xmit,
	.recv = rec_recv,
	.mtu = rec_mtu,
	.mac = rec_mac,
};

static void rec_start(struct rec *r, const char *path)
{
	struct cse_memlink_config wc = { 0 };
	struct cse_stack_config cfg;

	memset(r, 0, sizeof(*r));
	r->clock.now = r->last = FZ_START_NS;
	wc.clock = (struct cse_clock){ t_clock_now, &r->clock };
	wc.mtu = 1500;
	wc.max_frames = 1024;
	memcpy(wc.mac[0], fz_our_mac, 6);
	memcpy(wc.mac[1], fz_peer_mac, 6);
	wc.seed = 1;
	if (cse_memlink_create(&wc, &r->wire))
		exit(1);
	r->a_end = cse_memlink_end(r->wire, 0);

	fz_config(&cfg, (struct cse_link){ &rec_ops, r }, &r->clock);
	if (cse_stack_create(&cfg, &r->a))
		exit(1);
	cse_stack_config_defaults(&cfg);
	cfg.link = cse_memlink_end(r->wire, 1);
	cfg.clock = (struct cse_clock){ t_clock_now, &r->clock };
	cfg.addr.s_addr = htonl(FZ_PEER_IP);
	cfg.prefix_len = 24;
	cfg.seed = 7;
	if (cse_stack_create(&cfg, &r->b))
		exit(1);

	r->out = fopen(path, "wb");
	if (!r->out) {
		perror(path);
		exit(1);
	}
}

/* B's sockets must exist before A opens its own (A's SYN goes at once). */
static void rec_open_a(struct rec *r)
{
	fz_open_all(r->a, &r->socks);
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Run both instances for @ns, A serving as the fuzz target's A does. */
static void rec_run(struct rec *r, uint64_t ns)
{
	uint64_t end = r->clock.now + ns, next;
	int busy;

	for (;;) {
		do {
			busy = 0;
			cse_stack_run_timers(r->a);
			cse_stack_run_timers(r->b);
			while (cse_stack_poll(r->a, 1) > 0) {
				fz_serve(&r->socks);
				busy = 1;
			}
			while (cse_stack_poll(r->b, 1) > 0)
				busy = 1;
		} while (busy);
		next = min3(cse_stack_next_timer(r->a),
			    cse_stack_next_timer(r->b),
			    cse_memlink_next(r->wire));
		if (next > end)
			break;
		/* Frames arrive on whole microseconds, as replay will see. */
		next = (next + 999) / 1000 * 1000;
		r->clock.now = next > r->clock.now ? next : r->clock.now + 1000;
	}
	r->clock.now = end;
}

static void rec_finish(struct rec *r)
{
	fz_close_all(&r->socks);
	cse_stack_destroy(r->a);
	cse_stack_destroy(r->b);
	cse_memlink_destroy(r->wire);
	if (fclose(r->out)) {
		perror("mkseeds: close");
		exit(1);
	}
}

static struct cse_sock *b_udp(struct rec *r, uint16_t to_port,
			      const char *msg)
{
	struct sockaddr_in to = fz_sin(FZ_OUR_IP, to_port);
	struct cse_sock *s;

	if (cse_socket(r->b, SOCK_DGRAM, 0, &s))
		exit(1);
	cse_sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof(to));
	return s;
}

static void scenario_udp_echo(struct rec *r)
{
	struct cse_sock *s;

	rec_open_a(r);
	s = b_udp(r, FZ_UDP_PORT, "hello, echo");
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_sendto(s, "again", 5, 0, NULL, 0);
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_close(s);
}

static void scenario_udp_closed_port(struct rec *r)
{
	struct cse_sock *s;

	rec_open_a(r);
	s = b_udp(r, 5555, "nobody listens here");
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_close(s);
}

static void scenario_gratuitous_arp(struct rec *r)
{
	rec_open_a(r);
	cse_stack_announce(r->b);
	rec_run(r, CSE_NSEC_PER_SEC);
}

/* B opens a TCP connection to A's listener, talks, and closes. */
static void scenario_tcp_passive(struct rec *r)
{
	struct sockaddr_in to = fz_sin(FZ_OUR_IP, FZ_TCP_PORT);
	struct cse_sock *s;
	char buf[256];

	rec_open_a(r);
	if (cse_socket(r->b, SOCK_STREAM, 0, &s))
		return;
	cse_connect(s, (struct sockaddr *)&to, sizeof(to));
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_sendto(s, "GET / HTTP/1.0\r\n\r\n", 18, 0, NULL, 0);
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL);
	cse_shutdown(s, SHUT_WR);
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_close(s);
	rec_run(r, CSE_NSEC_PER_SEC);
}

/* A's own active open meets a listener on B, which sends and closes. */
static void scenario_tcp_active(struct rec *r)
{
	struct sockaddr_in at = fz_sin(0, FZ_TCP_PEER);
	struct cse_sock *l, *c = NULL;

	if (cse_socket(r->b, SOCK_STREAM, 0, &l) ||
	    cse_bind(l, (struct sockaddr *)&at, sizeof(at)) ||
	    cse_listen(l, 4))
		return;
	rec_open_a(r);
	rec_run(r, CSE_NSEC_PER_SEC);
	if (!cse_accept(l, &c, NULL, NULL)) {
		cse_sendto(c, "220 welcome\r\n", 13, 0, NULL, 0);
		rec_run(r, CSE_NSEC_PER_SEC);
		cse_close(c);
	}
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_close(l);
}

/* An ICMP echo request from B, built by hand: B has no ping socket. */
static void scenario_ping(struct rec *r)
{
	uint8_t f[14 + 20 + 8 + 16] = { 0 };

	rec_open_a(r);
	memcpy(f, fz_our_mac, 6);
	memcpy(f + 6, fz_peer_mac, 6);
	cse_put16(f + 12, 0x0800);
	f[14] = 0x45;
	cse_put16(f + 16, sizeof(f) - 14);
	f[22] = 64;
	f[23] = IPPROTO_ICMP;
	cse_put32(f + 26, FZ_PEER_IP);
	cse_put32(f + 30, FZ_OUR_IP);
	f[34] = 8;	/* echo request */
	cse_put16(f + 38, 0x1234);
	cse_put16(f + 40, 1);
	memcpy(f + 42, "cse ping payload", 16);
	fz_fix_csums(f, sizeof(f));
	rec_write(r, f, sizeof(f));
	rec_run(r, 10 * CSE_NSEC_PER_SEC);
}

/* A hand-built frame: recorded, and fed to A now, as replay will feed it. */
static void rec_inject(struct rec *r, const uint8_t *f, size_t len)
{
	rec_write(r, f, len);
	cse_stack_input(r->a, f, len);
	fz_serve(&r->socks);
}

/* Ethernet and IPv4 header from @src to A, @plen bytes of payload. */
static size_t hand_ip(uint8_t *f, uint32_t src, uint8_t proto, size_t plen,
		      uint16_t id, uint16_t frag)
{
	memset(f, 0, 34);
	memcpy(f, fz_our_mac, 6);
	memcpy(f + 6, fz_peer_mac, 6);
	cse_put16(f + 12, 0x0800);
	f[14] = 0x45;
	cse_put16(f + 16, (uint16_t)(20 + plen));
	cse_put16(f + 18, id);
	cse_put16(f + 20, frag);
	f[22] = 64;
	f[23] = proto;
	cse_put32(f + 26, src);
	cse_put32(f + 30, FZ_OUR_IP);
	cse_put16(f + 24, cse_csum(f + 14, 20));
	return 34;
}

/* B sends A's UDP port a datagram three MTUs long; A echoes 2 KiB. */
static void scenario_udp_fragments(struct rec *r)
{
	struct sockaddr_in to = fz_sin(FZ_OUR_IP, FZ_UDP_PORT);
	static uint8_t msg[4000];
	struct cse_sock *s;
	size_t i;

	rec_open_a(r);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	if (cse_socket(r->b, SOCK_DGRAM, 0, &s))
		exit(1);
	cse_sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to));
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_close(s);
}

/* Bytes [@off, @off + @len) of UDP datagram @dg as one fragment. */
static void frag_inject(struct rec *r, const uint8_t *dg, uint16_t id,
			size_t off, size_t len, int mf)
{
	uint8_t f[14 + 20 + 1480];
	size_t n = hand_ip(f, FZ_PEER_IP, IPPROTO_UDP, len, id,
			   (uint16_t)(off / 8 | (mf ? 0x2000 : 0)));

	memcpy(f + n, dg + off, len);
	rec_inject(r, f, n + len);
}

/*
 * Reassembly's paths, by hand: fragments out of order and duplicated
 * that make a datagram; an overlap; a datagram missing its end (fragment
 * 0 held: ICMP time exceeded after 30 s) and one missing its start.
 */
static void scenario_ip_fragments(struct rec *r)
{
	static uint8_t dg[8 + 2400];
	uint32_t sum;
	size_t i;

	rec_open_a(r);
	cse_put16(dg, 4321);
	cse_put16(dg + 2, FZ_UDP_PORT);
	cse_put16(dg + 4, sizeof(dg));
	for (i = 8; i < sizeof(dg); i++)
		dg[i] = (uint8_t)(i * 13);
	sum = cse_csum_pseudo(FZ_PEER_IP, FZ_OUR_IP, IPPROTO_UDP, sizeof(dg));
	cse_put16(dg + 6, cse_csum_fold(cse_csum_add(sum, dg, sizeof(dg))));
	/* Whole: last first, a duplicate, then the rest. */
	frag_inject(r, dg, 1, 1600, sizeof(dg) - 1600, 0);
	frag_inject(r, dg, 1, 800, 800, 1);
	frag_inject(r, dg, 1, 800, 800, 1);
	frag_inject(r, dg, 1, 0, 800, 1);
	rec_run(r, CSE_NSEC_PER_SEC);
	/* An overlap drops all of datagram 2. */
	frag_inject(r, dg, 2, 0, 800, 1);
	frag_inject(r, dg, 2, 792, 800, 1);
	/* Never whole: 3 lacks its end, 4 its start. */
	frag_inject(r, dg, 3, 0, 1480, 1);
	frag_inject(r, dg, 4, 1480, sizeof(dg) - 1480, 0);
	rec_run(r, 31 * CSE_NSEC_PER_SEC);
}

/*
 * A SYN flood from addresses that never answer fills A's SYN queue
 * (tcp_max_syn_backlog); then B connects, is answered with a SYN cookie,
 * completes the handshake with it and talks.
 */
static void scenario_syn_flood_cookie(struct rec *r)
{
	struct sockaddr_in to = fz_sin(FZ_OUR_IP, FZ_TCP_PORT);
	struct cse_stack_config cfg;
	uint8_t f[14 + 20 + 40], *t;
	struct cse_sock *s;
	unsigned int i;
	char buf[64];

	rec_open_a(r);
	cse_stack_config_defaults(&cfg);
	for (i = 0; i < cfg.tcp_max_syn_backlog + 4; i++) {
		/* 10.0.0.100 and up: on the subnet, but nobody is there. */
		size_t n = hand_ip(f, FZ_OUR_IP + 99 + i % 64, IPPROTO_TCP,
				   40, (uint16_t)i, 0x4000);

		t = f + n;
		memset(t, 0, 40);
		cse_put16(t, (uint16_t)(30000 + i));
		cse_put16(t + 2, FZ_TCP_PORT);
		cse_put32(t + 4, 0x1000000u * (i + 1));
		t[12] = 10 << 4;			/* 40 bytes */
		t[13] = 0x02;				/* SYN */
		cse_put16(t + 14, 64240);
		/* MSS 1460, SACK permitted, timestamps, window scale 7 */
		memcpy(t + 20, "\x02\x04\x05\xb4\x04\x02\x08\x0a", 8);
		cse_put32(t + 28, 1000 + i);
		memcpy(t + 36, "\x01\x03\x03\x07", 4);
		fz_fix_csums(f, n + 40);
		rec_inject(r, f, n + 40);
	}
	if (cse_socket(r->b, SOCK_STREAM, 0, &s))
		return;
	cse_connect(s, (struct sockaddr *)&to, sizeof(to));
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_sendto(s, "through a cookie", 16, 0, NULL, 0);
	rec_run(r, CSE_NSEC_PER_SEC);
	cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL);
	cse_close(s);
	rec_run(r, CSE_NSEC_PER_SEC);
}

static const struct {
	const char *name;
	void (*play)(struct rec *r);
} scenarios[] = {
	{ "udp-echo", scenario_udp_echo },
	{ "udp-closed-port", scenario_udp_closed_port },
	{ "gratuitous-arp", scenario_gratuitous_arp },
	{ "tcp-passive", scenario_tcp_passive },
	{ "tcp-active", scenario_tcp_active },
	{ "ping", scenario_ping },
	{ "udp-fragments", scenario_udp_fragments },
	{ "ip-fragments", scenario_ip_fragments },
	{ "syn-flood-cookie", scenario_syn_flood_cookie },
};

/* Is scenario @name among the names given (all when none is)? */
static int wanted(const char *name, int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return argc <= 2;
}

int main(int argc, char **argv)
{
	char path[4096];
	struct rec r;
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds DIR [SCENARIO...]\n");
		return 2;
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!wanted(scenarios[i].name, argc, argv))
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1],
			 scenarios[i].name);
		rec_start(&r, path);
		scenarios[i].play(&r);
		rec_finish(&r);
		printf("mkseeds: %s: %zu frames\n", path, r.frames);
	}
	return 0;
}

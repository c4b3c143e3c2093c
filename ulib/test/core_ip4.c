// SPDX-License-Identifier: GPL-2.0
/* Ethernet framing and IPv4 validation, options, output and routing. */
#include "kselftest_harness.h"
#include "t_stack.h"

T_STACK_FIXTURE(ip4)

/* A UDP datagram from the peer to port 7; returns the frame length. */
static unsigned int t_dgram(uint8_t *f)
{
	return t_udp_frame(f, T_PEER_IP, T_OUR_IP, 1234, 7, "hello", 5);
}

static uint64_t t_udp_rx(struct t_env *e)
{
	return cse_stack_stats(e->st)->udp_rx;
}

TEST_F(ip4, valid_datagram_reaches_the_socket)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	uint8_t f[128];

	cse_stack_input(self->e.st, f, t_dgram(f));
	ASSERT_EQ(1u, t_udp_rx(&self->e));
	ASSERT_EQ(5, cse_recvfrom(s, f, sizeof(f), 0, NULL, NULL, NULL));
}

TEST_F(ip4, frame_shorter_than_ethernet_header_is_dropped)
{
	uint8_t f[128];

	t_dgram(f);
	cse_stack_input(self->e.st, f, 13);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->eth_short);
}

TEST_F(ip4, frame_for_another_mac_is_dropped)
{
	uint8_t f[128];
	unsigned int n = t_dgram(f);

	f[5] = 0x77;
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->eth_not_ours);
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->ip_rx);
}

TEST_F(ip4, unknown_ethertype_is_dropped)
{
	uint8_t f[128];
	unsigned int n = t_dgram(f);

	cse_put16(f + 12, 0x86dd);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->eth_bad_type);
}

TEST_F(ip4, frame_longer_than_the_mtu_allows_is_dropped)
{
	static uint8_t f[1515];

	t_dgram(f);
	cse_stack_input(self->e.st, f, sizeof(f));
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->ip_rx);
}

/* One way to break a datagram, and the counter that must say so. */
struct t_mutation {
	const char *what;
	int off;		/* into the IPv4 header */
	int val;		/* new byte there; -1: cut the frame */
	size_t counter;		/* offsetof(struct cse_stats, ...) */
	int fix_csum;
};

#define T_STAT(f)	offsetof(struct cse_stats, f)

static const struct t_mutation t_mutations[] = {
	{ "bad checksum", 10, 0x00, T_STAT(ip_bad_csum), 0 },
	{ "version 6", 0, 0x65, T_STAT(ip_bad_hdr), 1 },
	{ "header length 16", 0, 0x44, T_STAT(ip_bad_hdr), 1 },
	{ "header longer than packet", 0, 0x4f, T_STAT(ip_bad_hdr), 0 },
	{ "total length past frame", 2, 0x01, T_STAT(ip_bad_hdr), 1 },
	{ "total length under header", 3, 0x10, T_STAT(ip_bad_hdr), 1 },
	{ "truncated header", 19, -1, T_STAT(ip_bad_hdr), 0 },
	/* Not broken, but not whole: held for reassembly (ip4_frag.c). */
	{ "more fragments", 6, 0x20, T_STAT(ip_frag_rx), 1 },
	{ "fragment offset", 7, 0x10, T_STAT(ip_frag_rx), 1 },
	{ "other destination", 19, 0x63, T_STAT(ip_not_ours), 1 },
	{ "multicast source", 12, 0xe0, T_STAT(ip_martian), 1 },
	{ "loopback source", 12, 0x7f, T_STAT(ip_martian), 1 },
	{ "broadcast source", 15, 0xff, T_STAT(ip_martian), 1 },
};

TEST_F(ip4, each_broken_header_is_dropped_and_counted_by_reason)
{
	const uint8_t *stats = (const uint8_t *)cse_stack_stats(self->e.st);
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	unsigned int i;

	ASSERT_NE(NULL, s);
	for (i = 0; i < CSE_ARRAY_SIZE(t_mutations); i++) {
		const struct t_mutation *m = &t_mutations[i];
		uint8_t f[128], *ip = f + 14;
		unsigned int n = t_dgram(f);
		uint64_t before, after;

		memcpy(&before, stats + m->counter, sizeof(before));
		if (m->val < 0) {
			n = 14 + m->off;
		} else {
			ip[m->off] = (uint8_t)m->val;
			if (m->fix_csum)
				t_ip_fix(ip);
		}
		cse_stack_input(self->e.st, f, n);
		memcpy(&after, stats + m->counter, sizeof(after));
		if (before + 1 != after)
			TH_LOG("not counted: %s", m->what);
		ASSERT_EQ(before + 1, after);
		ASSERT_EQ(0u, t_udp_rx(&self->e));
	}
}

TEST_F(ip4, ethernet_padding_past_total_length_is_ignored)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	uint8_t f[128] = { 0 }, buf[64];
	unsigned int n = t_dgram(f);

	memset(f + n, 0xee, 20);
	cse_stack_input(self->e.st, f, n + 20);
	ASSERT_EQ(5, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
}

/* The datagram again, with @opt (a multiple of 4 bytes) in its header. */
static unsigned int t_dgram_opts(uint8_t *f, const uint8_t *opt,
				 unsigned int olen)
{
	uint8_t plain[128];
	unsigned int n = t_dgram(plain);

	memcpy(f, plain, 34);
	memcpy(f + 34, opt, olen);
	memcpy(f + 34 + olen, plain + 34, n - 34);
	f[14] = 0x45 + olen / 4;
	cse_put16(f + 16, n - 14 + olen);
	t_ip_fix(f + 14);
	return n + olen;
}

TEST_F(ip4, well_formed_options_are_skipped)
{
	/* router alert, then no-op and end of list */
	static const uint8_t opt[8] = { 0x94, 4, 0, 0, 1, 0, 0, 0 };
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	uint8_t f[160], buf[64];

	cse_stack_input(self->e.st, f, t_dgram_opts(f, opt, sizeof(opt)));
	ASSERT_EQ(5, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
}

TEST_F(ip4, option_with_impossible_length_drops_the_packet)
{
	static const uint8_t bad[][4] = {
		{ 0x07, 1, 0, 0 },	/* shorter than its own header */
		{ 0x07, 9, 0, 0 },	/* runs past the IP header */
		{ 1, 1, 1, 0x44 },	/* type with no length byte */
	};
	uint8_t f[160];
	unsigned int i;

	t_udp_sock(&self->e, 7);
	for (i = 0; i < 3; i++) {
		cse_stack_input(self->e.st, f, t_dgram_opts(f, bad[i], 4));
		ASSERT_EQ(i + 1, cse_stack_stats(self->e.st)->ip_bad_hdr);
	}
	ASSERT_EQ(0u, t_udp_rx(&self->e));
}

TEST_F(ip4, unknown_protocol_is_answered_with_protocol_unreachable)
{
	uint8_t f[128];
	const uint8_t *o;
	unsigned int n = t_dgram(f), len;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	f[14 + 9] = 99;
	t_ip_fix(f + 14);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->ip_bad_proto);
	o = t_next(&self->e, &len);
	ASSERT_NE(NULL, o);
	ASSERT_EQ(IPPROTO_ICMP, t_ip_hdr(o)[9]);
	ASSERT_EQ(3, t_l4(o)[0]);
	ASSERT_EQ(2, t_l4(o)[1]);
}

TEST_F(ip4, sent_header_is_valid_with_default_ttl_and_df)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	const uint8_t *o, *ip;
	unsigned int len;
	uint16_t id;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(2, t_send(s, T_PEER_IP, 9, "hi", 2));
	o = t_next(&self->e, &len);
	ip = t_ip_hdr(o);
	ASSERT_EQ(0x45, ip[0]);
	ASSERT_EQ(20 + 8 + 2, cse_get16(ip + 2));
	ASSERT_EQ(0x4000, cse_get16(ip + 6));
	ASSERT_EQ(64, ip[8]);
	ASSERT_EQ(IPPROTO_UDP, ip[9]);
	ASSERT_EQ(0, cse_csum(ip, 20));
	ASSERT_EQ(T_OUR_IP, cse_get32(ip + 12));
	ASSERT_EQ(T_PEER_IP, cse_get32(ip + 16));
	id = cse_get16(ip + 4);
	ASSERT_EQ(2, t_send(s, T_PEER_IP, 9, "hi", 2));
	o = t_next(&self->e, &len);
	ASSERT_NE(id, cse_get16(t_ip_hdr(o) + 4));
}

TEST_F(ip4, ip_ttl_option_sets_the_sent_ttl)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	int ttl = 5, bad = 256, back = -1;
	const uint8_t *o;
	unsigned int len;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(-EINVAL, cse_setsockopt(s, IPPROTO_IP, IP_TTL, &bad,
					  sizeof(bad)));
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)));
	ASSERT_EQ(1, t_send(s, T_PEER_IP, 9, "x", 1));
	o = t_next(&self->e, &len);
	ASSERT_EQ(5, t_ip_hdr(o)[8]);
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_IP, IP_TTL, &back,
				    sizeof(back)));
	ASSERT_EQ(1, t_send(s, T_PEER_IP, 9, "x", 1));
	o = t_next(&self->e, &len);
	ASSERT_EQ(64, t_ip_hdr(o)[8]);
}

TEST_F(ip4, datagram_over_the_mtu_is_fragmented_one_that_fits_is_not)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static char big[1473];
	const uint8_t *o;
	unsigned int len;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(1472, t_send(s, T_PEER_IP, 9, big, 1472));
	ASSERT_EQ(1u, t_pending(&self->e));
	o = t_next(&self->e, &len);
	ASSERT_EQ(1514u, len);
	ASSERT_EQ(0x4000, cse_get16(t_ip_hdr(o) + 6));
	/* One byte more: two fragments, DF clear (ip4_frag.c). */
	ASSERT_EQ(1473, t_send(s, T_PEER_IP, 9, big, 1473));
	ASSERT_EQ(2u, t_pending(&self->e));
	o = t_next(&self->e, &len);
	ASSERT_EQ(0x2000, cse_get16(t_ip_hdr(o) + 6));
	o = t_next(&self->e, &len);
	ASSERT_EQ(1480 / 8, cse_get16(t_ip_hdr(o) + 6));
}

TEST_F(ip4, gateway_route_must_point_into_a_connected_subnet)
{
	struct in_addr dst = { htonl(0xc6336400) }, gw = { htonl(0x0b000001) };

	ASSERT_EQ(-ENETUNREACH, cse_route_add(self->e.st, dst, 24, gw));
	gw.s_addr = htonl(0x0a000005);
	ASSERT_EQ(0, cse_route_add(self->e.st, dst, 24, gw));
	ASSERT_EQ(-EEXIST, cse_route_add(self->e.st, dst, 24, gw));
	ASSERT_EQ(0, cse_route_del(self->e.st, dst, 24));
	ASSERT_EQ(-ESRCH, cse_route_del(self->e.st, dst, 24));
}

TEST(no_route_without_gateway_gives_enetunreach)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct cse_sock *s;

	t_env_config(e);
	e->cfg.gateway.s_addr = 0;
	ASSERT_EQ(0, t_env_start(e));
	s = t_udp_sock(e, 7);
	ASSERT_EQ(-ENETUNREACH, t_send(s, T_FAR_IP, 9, "x", 1));
	ASSERT_EQ(0u, e->cap.n);
	t_env_fini(e);
	free(e);
}

TEST(unusable_configs_are_refused_with_einval)
{
	struct t_env *e = calloc(1, sizeof(*e));

	t_env_config(e);
	e->cfg.prefix_len = 33;
	ASSERT_EQ(-EINVAL, t_env_start(e));
	t_env_config(e);
	e->cfg.gateway.s_addr = htonl(0x0b000001);
	ASSERT_EQ(-EINVAL, t_env_start(e));
	t_env_config(e);
	e->cfg.link.ops = NULL;
	ASSERT_EQ(-EINVAL, t_env_start(e));
	t_env_config(e);
	e->cfg.mem_limit = 0;
	ASSERT_EQ(-EINVAL, t_env_start(e));
	/* A link that lends buffers must take them back, and vice versa. */
	t_env_config(e);
	e->cfg.link.ops = &(struct cse_link_ops){ .xmit = t_cap_xmit,
		.tx_get = t_cap_tx_get, .recv = t_cap_recv, .mtu = t_cap_mtu,
		.mac = t_cap_mac };
	ASSERT_EQ(-EINVAL, t_env_start(e));
	free(e);
}

TEST_HARNESS_MAIN

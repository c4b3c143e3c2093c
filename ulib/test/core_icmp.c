// SPDX-License-Identifier: GPL-2.0
/* ICMP: echo, rate-limited unreachables, errors delivered to sockets. */
#include "kselftest_harness.h"
#include "t_stack.h"

T_STACK_FIXTURE(icmp)

/*
 * An ICMP message from the peer with @len bytes of body after 4 bytes of
 * type, code and checksum; returns the frame length.
 */
static unsigned int t_icmp_frame(uint8_t *f, uint32_t dst, uint8_t type,
				 uint8_t code, const void *body,
				 unsigned int len)
{
	unsigned int n = t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	uint8_t *m;

	n += t_ip(f + n, T_PEER_IP, dst, IPPROTO_ICMP, 4 + len);
	m = f + n;
	m[0] = type;
	m[1] = code;
	cse_put16(m + 2, 0);
	memcpy(m + 4, body, len);
	cse_put16(m + 2, cse_csum(m, 4 + len));
	return n + 4 + len;
}

static const uint8_t t_echo_body[] = { 0x12, 0x34, 0x00, 0x07,
				       'p', 'i', 'n', 'g', '!' };

TEST_F(icmp, echo_request_is_answered_with_its_id_sequence_and_data)
{
	uint8_t f[128];
	const uint8_t *o, *m;
	unsigned int len;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	cse_stack_input(self->e.st, f, t_icmp_frame(f, T_OUR_IP, 8, 0,
			t_echo_body, sizeof(t_echo_body)));
	o = t_next(&self->e, &len);
	ASSERT_NE(NULL, o);
	ASSERT_EQ(T_PEER_IP, cse_get32(t_ip_hdr(o) + 16));
	m = t_l4(o);
	ASSERT_EQ(0, m[0]);
	ASSERT_EQ(0, m[1]);
	ASSERT_EQ(0, memcmp(m + 4, t_echo_body, sizeof(t_echo_body)));
	ASSERT_EQ(0, cse_csum(m, 4 + sizeof(t_echo_body)));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->icmp_echo_tx);
}

TEST_F(icmp, echo_with_bad_checksum_is_not_answered)
{
	uint8_t f[128];
	unsigned int n = t_icmp_frame(f, T_OUR_IP, 8, 0, t_echo_body,
				      sizeof(t_echo_body));

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	f[n - 1] ^= 1;
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->icmp_bad);
}

TEST_F(icmp, message_shorter_than_its_header_is_dropped)
{
	uint8_t f[128];

	cse_stack_input(self->e.st, f, t_icmp_frame(f, T_OUR_IP, 8, 0,
			t_echo_body, 3));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->icmp_bad);
}

TEST_F(icmp, echo_to_broadcast_is_ignored)
{
	uint8_t f[128];

	cse_stack_input(self->e.st, f, t_icmp_frame(f, T_BCAST_IP, 8, 0,
			t_echo_body, sizeof(t_echo_body)));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->icmp_rx);
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(icmp, datagram_to_closed_port_draws_port_unreachable)
{
	uint8_t f[128];
	const uint8_t *o, *m;
	unsigned int n = t_udp_frame(f, T_PEER_IP, T_OUR_IP, 1234, 9, "ab", 2);
	unsigned int len;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	cse_stack_input(self->e.st, f, n);
	o = t_next(&self->e, &len);
	ASSERT_NE(NULL, o);
	m = t_l4(o);
	ASSERT_EQ(3, m[0]);
	ASSERT_EQ(3, m[1]);
	/* The quote is the whole offending packet, header first. */
	ASSERT_EQ(14 + 20 + 8 + n - 14, len);
	ASSERT_EQ(0, memcmp(m + 8, f + 14, n - 14));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->udp_no_port);
}

TEST_F(icmp, quote_stops_at_576_bytes_of_error)
{
	static uint8_t f[1514];
	static char big[1000];
	const uint8_t *o;
	unsigned int len;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	cse_stack_input(self->e.st, f, t_udp_frame(f, T_PEER_IP, T_OUR_IP,
			1234, 9, big, sizeof(big)));
	o = t_next(&self->e, &len);
	ASSERT_EQ(576, cse_get16(t_ip_hdr(o) + 2));
}

TEST_F(icmp, unreachables_are_rate_limited_with_a_burst)
{
	uint8_t f[128];
	unsigned int n = t_udp_frame(f, T_PEER_IP, T_OUR_IP, 1234, 9, "ab", 2);
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	int i;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	for (i = 0; i < 10; i++)
		cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(6u, st->icmp_unreach_tx);
	ASSERT_EQ(4u, st->icmp_rate_limited);
	t_advance(&self->e, CSE_NSEC_PER_SEC / 2);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(6u, st->icmp_unreach_tx);
	t_advance(&self->e, CSE_NSEC_PER_SEC / 2);
	cse_stack_input(self->e.st, f, n);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(7u, st->icmp_unreach_tx);
}

TEST_F(icmp, broadcast_to_closed_port_draws_no_error)
{
	uint8_t f[128];

	cse_stack_input(self->e.st, f, t_udp_frame(f, T_PEER_IP, T_BCAST_IP,
			1234, 9, "ab", 2));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->udp_no_port);
	ASSERT_EQ(0u, t_pending(&self->e));
}

/*
 * Unreachable @code from the peer about our datagram lport -> peer:rport,
 * quoted as if we had sent it from @src.
 */
static void t_unreach_in(struct t_env *e, uint8_t type, uint8_t code,
			 uint32_t src, uint16_t lport, uint16_t rport)
{
	uint8_t f[256], q[64];
	unsigned int qn = t_ip(q, src, T_PEER_IP, IPPROTO_UDP, 8 + 4);

	qn += t_udp(q + qn, src, T_PEER_IP, lport, rport, "data", 4);
	/* 4 unused bytes, then the quote */
	memmove(q + 4, q, qn);
	memset(q, 0, 4);
	cse_stack_input(e->st, f, t_icmp_frame(f, T_OUR_IP, type, code, q,
			4 + qn));
}

static struct cse_sock *t_connected(struct t_env *e)
{
	struct sockaddr_in peer = t_sin(T_PEER_IP, 53);
	struct cse_sock *s = t_udp_sock(e, 5000);

	if (s && cse_connect(s, T_SA(&peer), sizeof(peer))) {
		cse_close(s);
		return NULL;
	}
	return s;
}

TEST_F(icmp, port_unreachable_gives_econnrefused_to_connected_socket)
{
	struct cse_sock *s = t_connected(&self->e);
	char buf[8];

	ASSERT_NE(NULL, s);
	t_unreach_in(&self->e, 3, 3, T_OUR_IP, 5000, 53);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->icmp_err_rx);
	ASSERT_EQ(-ECONNREFUSED, cse_sendto(s, "x", 1, 0, NULL, 0));
	ASSERT_EQ(-EAGAIN, cse_recvfrom(s, buf, 8, 0, NULL, NULL, NULL));
}

TEST_F(icmp, port_unreachable_is_ignored_by_unconnected_socket)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	int err = -1;
	socklen_t len = sizeof(err);

	t_unreach_in(&self->e, 3, 3, T_OUR_IP, 5000, 53);
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(0, err);
}

TEST_F(icmp, soft_errors_do_not_reach_udp_sockets)
{
	struct cse_sock *s = t_connected(&self->e);
	int err = -1;
	socklen_t len = sizeof(err);

	t_unreach_in(&self->e, 3, 1, T_OUR_IP, 5000, 53);	/* host */
	t_unreach_in(&self->e, 11, 0, T_OUR_IP, 5000, 53);	/* ttl */
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(0, err);
}

TEST_F(icmp, administratively_prohibited_gives_ehostunreach)
{
	struct cse_sock *s = t_connected(&self->e);
	int err = 0;
	socklen_t len = sizeof(err);

	t_unreach_in(&self->e, 3, 13, T_OUR_IP, 5000, 53);
	ASSERT_TRUE(!!(cse_poll(s) & CSE_POLLERR));
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(EHOSTUNREACH, err);
	ASSERT_FALSE(!!(cse_poll(s) & CSE_POLLERR));
}

TEST_F(icmp, error_about_another_source_or_port_is_ignored)
{
	struct cse_sock *s = t_connected(&self->e);
	int err = -1;
	socklen_t len = sizeof(err);

	t_unreach_in(&self->e, 3, 3, 0x0a000063, 5000, 53);
	t_unreach_in(&self->e, 3, 3, T_OUR_IP, 5001, 53);
	t_unreach_in(&self->e, 3, 3, T_OUR_IP, 5000, 54);
	t_unreach_in(&self->e, 3, 16, T_OUR_IP, 5000, 53);	/* no code */
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(0, err);
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(icmp, error_with_truncated_quote_is_ignored)
{
	uint8_t f[128], q[24] = { 0 };

	t_connected(&self->e);
	t_ip(q + 4, T_OUR_IP, T_PEER_IP, IPPROTO_UDP, 8);
	cse_stack_input(self->e.st, f, t_icmp_frame(f, T_OUR_IP, 3, 3, q,
			sizeof(q)));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->icmp_ignored);
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->icmp_err_rx);
}

TEST_HARNESS_MAIN

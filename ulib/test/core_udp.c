// SPDX-License-Identifier: GPL-2.0
/* UDP sockets: Linux's semantics for bind, connect, send, receive, limits. */
#include "kselftest_harness.h"
#include "t_stack.h"

T_STACK_FIXTURE(udp)

static void t_in(struct t_env *e, uint32_t src, uint32_t dst, uint16_t sport,
		 uint16_t dport, const void *data, unsigned int len)
{
	static uint8_t f[1600];

	cse_stack_input(e->st, f, t_udp_frame(f, src, dst, sport, dport, data,
					      len));
}

TEST_F(udp, socket_type_and_protocol_are_checked)
{
	struct cse_sock *s;

	ASSERT_EQ(-ESOCKTNOSUPPORT, cse_socket(self->e.st, SOCK_RAW, 0, &s));
	ASSERT_EQ(-EPROTONOSUPPORT, cse_socket(self->e.st, SOCK_DGRAM,
					       IPPROTO_TCP, &s));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM | SOCK_NONBLOCK,
				IPPROTO_UDP, &s));
	cse_close(s);
}

TEST_F(udp, datagram_is_received_with_its_source)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char buf[16];

	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1234, 7, "hello", 5);
	ASSERT_EQ(5, cse_recvfrom(s, buf, sizeof(buf), 0, T_SAW(&from),
				  &flen, NULL));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ(sizeof(from), flen);
	ASSERT_EQ(AF_INET, from.sin_family);
	ASSERT_EQ(htons(1234), from.sin_port);
	ASSERT_EQ(htonl(T_PEER_IP), from.sin_addr.s_addr);
	ASSERT_EQ(-EAGAIN, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL,
					NULL));
}

TEST_F(udp, short_buffer_truncates_and_flags_msg_trunc)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	char buf[16];
	int fl;

	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1234, 7, "0123456789", 10);
	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1234, 7, "next", 4);
	ASSERT_EQ(4, cse_recvfrom(s, buf, 4, 0, NULL, NULL, &fl));
	ASSERT_EQ(MSG_TRUNC, fl);
	ASSERT_EQ(0, memcmp(buf, "0123", 4));
	/* The rest of the datagram is gone. */
	ASSERT_EQ(4, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, &fl));
	ASSERT_EQ(0, fl);
	ASSERT_EQ(0, memcmp(buf, "next", 4));
}

TEST_F(udp, msg_trunc_flag_returns_the_real_length)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	char buf[4];
	int fl;

	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1234, 7, "0123456789", 10);
	ASSERT_EQ(10, cse_recvfrom(s, buf, 4, MSG_TRUNC, NULL, NULL, &fl));
	ASSERT_EQ(MSG_TRUNC, fl);
	ASSERT_EQ(0, memcmp(buf, "0123", 4));
}

TEST_F(udp, msg_peek_leaves_the_datagram_queued)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	char buf[16];

	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1234, 7, "peek", 4);
	ASSERT_EQ(2, cse_recvfrom(s, buf, 2, MSG_PEEK, NULL, NULL, NULL));
	ASSERT_EQ(4, cse_recvfrom(s, buf, 0, MSG_PEEK | MSG_TRUNC, NULL, NULL,
				  NULL));
	ASSERT_EQ(4, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
	ASSERT_EQ(0, memcmp(buf, "peek", 4));
	ASSERT_EQ(-EAGAIN, cse_recvfrom(s, buf, 2, MSG_PEEK, NULL, NULL,
					NULL));
}

TEST_F(udp, empty_datagram_is_a_datagram)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	char buf[4];

	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1234, 7, "", 0);
	ASSERT_TRUE(!!(cse_poll(s) & CSE_POLLIN));
	ASSERT_EQ(0, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
	ASSERT_EQ(-EAGAIN, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL,
					NULL));
}

TEST_F(udp, bad_checksum_is_dropped_and_zero_checksum_accepted)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	uint8_t f[128];
	unsigned int n = t_udp_frame(f, T_PEER_IP, T_OUR_IP, 1, 7, "abc", 3);
	char buf[8];

	f[n - 1] ^= 0x40;
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->udp_bad_csum);
	cse_put16(f + 34 + 6, 0);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(3, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
}

TEST_F(udp, length_field_outside_the_packet_is_dropped)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static const uint16_t bad_len[] = { 7, 12 };
	uint8_t f[128];
	unsigned int i;

	ASSERT_NE(NULL, s);
	for (i = 0; i < 2; i++) {
		unsigned int n = t_udp_frame(f, T_PEER_IP, T_OUR_IP, 1, 7,
					     "abc", 3);

		cse_put16(f + 34 + 4, bad_len[i]);
		cse_stack_input(self->e.st, f, n);
	}
	/* Four bytes of IP payload cannot hold a UDP header at all. */
	t_ip(f + 14, T_PEER_IP, T_OUR_IP, IPPROTO_UDP, 4);
	cse_stack_input(self->e.st, f, 14 + 24);
	ASSERT_EQ(3u, cse_stack_stats(self->e.st)->udp_bad);
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->udp_rx);
}

TEST_F(udp, bind_rejects_what_linux_rejects)
{
	struct cse_sock *a = t_udp_sock(&self->e, 7), *b;
	struct sockaddr_in sin = t_sin(0, 8);
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };

	ASSERT_EQ(-EINVAL, cse_bind(a, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &b));
	ASSERT_EQ(-EINVAL, cse_bind(b, T_SA(&sin), sizeof(sin) - 1));
	ASSERT_EQ(-EAFNOSUPPORT, cse_bind(b, T_SA(&six), sizeof(six)));
	sin = t_sin(0x0a000063, 8);
	ASSERT_EQ(-EADDRNOTAVAIL, cse_bind(b, T_SA(&sin), sizeof(sin)));
	sin = t_sin(T_OUR_IP, 7);
	ASSERT_EQ(-EADDRINUSE, cse_bind(b, T_SA(&sin), sizeof(sin)));
	sin = t_sin(T_OUR_IP, 8);
	ASSERT_EQ(0, cse_bind(b, T_SA(&sin), sizeof(sin)));
}

TEST_F(udp, so_reuseaddr_on_both_lets_two_sockets_share_a_port)
{
	struct cse_sock *a, *b;
	struct sockaddr_in sin = t_sin(0, 7);
	int one = 1;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &a));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &b));
	ASSERT_EQ(0, cse_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, 4));
	ASSERT_EQ(0, cse_bind(a, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(-EADDRINUSE, cse_bind(b, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(0, cse_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, 4));
	ASSERT_EQ(0, cse_bind(b, T_SA(&sin), sizeof(sin)));
}

TEST_F(udp, port_zero_and_first_send_pick_distinct_ephemeral_ports)
{
	struct cse_sock *a = t_udp_sock(&self->e, 0), *b;
	struct sockaddr_in sa, sb;
	socklen_t len = sizeof(sa);

	ASSERT_EQ(0, cse_getsockname(a, T_SAW(&sa), &len));
	ASSERT_GE(ntohs(sa.sin_port), CSE_EPHEMERAL_LOW);
	ASSERT_LE(ntohs(sa.sin_port), CSE_EPHEMERAL_HIGH);
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &b));
	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(1, t_send(b, T_PEER_IP, 9, "x", 1));
	ASSERT_EQ(0, cse_getsockname(b, T_SAW(&sb), &len));
	ASSERT_GE(ntohs(sb.sin_port), CSE_EPHEMERAL_LOW);
	ASSERT_NE(sa.sin_port, sb.sin_port);
}

TEST_F(udp, sent_datagram_carries_a_valid_checksum)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	const uint8_t *o, *u;
	unsigned int len;
	uint32_t sum;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(5, t_send(s, T_PEER_IP, 9, "hello", 5));
	o = t_next(&self->e, &len);
	u = t_l4(o);
	ASSERT_EQ(7, cse_get16(u));
	ASSERT_EQ(9, cse_get16(u + 2));
	ASSERT_EQ(13, cse_get16(u + 4));
	ASSERT_NE(0, cse_get16(u + 6));
	sum = cse_csum_pseudo(T_OUR_IP, T_PEER_IP, IPPROTO_UDP, 13);
	ASSERT_EQ(0, cse_csum_fold(cse_csum_add(sum, u, 13)));
	ASSERT_EQ(0, memcmp(u + 8, "hello", 5));
}

TEST_F(udp, sendto_argument_errors_match_linux)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	struct sockaddr_in sin = t_sin(T_PEER_IP, 0);
	static char big[65508];

	ASSERT_EQ(-EDESTADDRREQ, cse_sendto(s, "x", 1, 0, NULL, 0));
	ASSERT_EQ(-EINVAL, cse_sendto(s, "x", 1, 0, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(-EINVAL, cse_sendto(s, "x", 1, 0, T_SA(&sin), 8));
	sin.sin_port = htons(9);
	ASSERT_EQ(-EMSGSIZE, cse_sendto(s, big, sizeof(big), 0, T_SA(&sin),
					sizeof(sin)));
	ASSERT_EQ(-EOPNOTSUPP, cse_sendto(s, "x", 1, MSG_OOB, T_SA(&sin),
					  sizeof(sin)));
}

TEST_F(udp, broadcast_needs_so_broadcast)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	struct sockaddr_in b = t_sin(T_BCAST_IP, 9);
	const uint8_t *o;
	unsigned int len;
	int one = 1;

	ASSERT_EQ(-EACCES, t_send(s, T_BCAST_IP, 9, "x", 1));
	ASSERT_EQ(-EACCES, t_send(s, 0xffffffff, 9, "x", 1));
	ASSERT_EQ(-EACCES, cse_connect(s, T_SA(&b), sizeof(b)));
	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, 4));
	ASSERT_EQ(1, t_send(s, T_BCAST_IP, 9, "x", 1));
	o = t_next(&self->e, &len);
	ASSERT_EQ(0, memcmp(o, t_bcast_mac, 6));
	ASSERT_EQ(0x0800, t_ethertype(o));
	ASSERT_EQ(0, cse_get16(t_ip_hdr(o) + 6) & 0x3fff);
}

TEST_F(udp, broadcast_reaches_every_wildcard_socket_but_not_unicast_bound)
{
	struct cse_sock *a, *b, *u;
	struct sockaddr_in any = t_sin(0, 7), ours = t_sin(T_OUR_IP, 7);
	char buf[8];
	int one = 1;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &a));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &b));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &u));
	cse_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, 4);
	cse_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, 4);
	cse_setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, 4);
	ASSERT_EQ(0, cse_bind(a, T_SA(&any), sizeof(any)));
	ASSERT_EQ(0, cse_bind(b, T_SA(&any), sizeof(any)));
	ASSERT_EQ(0, cse_bind(u, T_SA(&ours), sizeof(ours)));
	t_in(&self->e, T_PEER_IP, T_BCAST_IP, 1, 7, "all", 3);
	ASSERT_EQ(3, cse_recvfrom(a, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ(3, cse_recvfrom(b, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ(-EAGAIN, cse_recvfrom(u, buf, 8, 0, NULL, NULL, NULL));
}

TEST_F(udp, connected_socket_wins_and_filters_other_sources)
{
	struct cse_sock *w, *c;
	struct sockaddr_in any = t_sin(0, 7), peer = t_sin(T_PEER_IP, 53);
	char buf[8];
	int one = 1;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &w));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &c));
	cse_setsockopt(w, SOL_SOCKET, SO_REUSEADDR, &one, 4);
	cse_setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, 4);
	ASSERT_EQ(0, cse_bind(w, T_SA(&any), sizeof(any)));
	ASSERT_EQ(0, cse_bind(c, T_SA(&any), sizeof(any)));
	ASSERT_EQ(0, cse_connect(c, T_SA(&peer), sizeof(peer)));
	t_in(&self->e, T_PEER_IP, T_OUR_IP, 53, 7, "c", 1);
	t_in(&self->e, T_PEER_IP, T_OUR_IP, 54, 7, "w", 1);
	t_in(&self->e, 0x0a000003, T_OUR_IP, 53, 7, "w", 1);
	ASSERT_EQ(1, cse_recvfrom(c, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ('c', buf[0]);
	ASSERT_EQ(-EAGAIN, cse_recvfrom(c, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ(1, cse_recvfrom(w, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ(1, cse_recvfrom(w, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ('w', buf[0]);
}

TEST_F(udp, connect_sets_peer_and_local_address_and_unspec_undoes_it)
{
	struct cse_sock *s;
	struct sockaddr_in peer = t_sin(T_PEER_IP, 53), got;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(got);

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &s));
	ASSERT_EQ(-ENOTCONN, cse_getpeername(s, T_SAW(&got),
					     &len));
	ASSERT_EQ(0, cse_connect(s, T_SA(&peer), sizeof(peer)));
	ASSERT_EQ(0, cse_getpeername(s, T_SAW(&got), &len));
	ASSERT_EQ(peer.sin_port, got.sin_port);
	ASSERT_EQ(peer.sin_addr.s_addr, got.sin_addr.s_addr);
	ASSERT_EQ(0, cse_getsockname(s, T_SAW(&got), &len));
	ASSERT_EQ(htonl(T_OUR_IP), got.sin_addr.s_addr);
	ASSERT_NE(0, got.sin_port);
	ASSERT_EQ(0, cse_connect(s, &unspec, sizeof(unspec)));
	ASSERT_EQ(-ENOTCONN, cse_getpeername(s, T_SAW(&got),
					     &len));
	/* The port connect() chose is released with it, as in Linux. */
	ASSERT_EQ(0, cse_getsockname(s, T_SAW(&got), &len));
	ASSERT_EQ(0, got.sin_port);
	ASSERT_EQ(0u, got.sin_addr.s_addr);
}

TEST_F(udp, receive_queue_stops_growing_at_so_rcvbuf)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static char data[1000];
	int small = 1, got;
	socklen_t len = sizeof(got);
	unsigned int i;

	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, 4));
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &len));
	ASSERT_EQ(2304, got);
	for (i = 0; i < 20; i++)
		t_in(&self->e, T_PEER_IP, T_OUR_IP, 1, 7, data, sizeof(data));
	/* Admitted while under the bound: at most one datagram over it. */
	ASSERT_LE(s->rmem, 2304 + sizeof(struct cse_pbuf) + sizeof(data));
	ASSERT_EQ(3u, s->rxq.count);
	ASSERT_EQ(17u, cse_stack_stats(self->e.st)->udp_rcvbuf_drop);
}

TEST_F(udp, buffer_sizes_are_doubled_and_capped_like_linux)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	int v = 100000, neg = -1, got;
	socklen_t len = sizeof(got);

	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &len));
	ASSERT_EQ(212992, got);
	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 4));
	cse_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &len);
	ASSERT_EQ(200000, got);
	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &neg, 4));
	cse_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &got, &len);
	ASSERT_EQ(2 * 212992, got);
	ASSERT_EQ(-EINVAL, cse_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 2));
	ASSERT_EQ(-ENOPROTOOPT, cse_setsockopt(s, SOL_SOCKET, SO_ERROR, &v,
					       4));
	ASSERT_EQ(-ENOPROTOOPT, cse_setsockopt(s, SOL_SOCKET, 9999, &v, 4));
	cse_getsockopt(s, SOL_SOCKET, SO_TYPE, &got, &len);
	ASSERT_EQ(SOCK_DGRAM, got);
}

TEST(instance_memory_bound_holds_across_sockets)
{
	struct t_env *e = calloc(1, sizeof(*e));
	static char data[1000];
	struct cse_sock *s[8];
	unsigned int i, j;

	t_env_config(e);
	e->cfg.mem_limit = 16384;
	ASSERT_EQ(0, t_env_start(e));
	for (i = 0; i < 8; i++) {
		s[i] = t_udp_sock(e, 100 + i);
		ASSERT_NE(NULL, s[i]);
	}
	for (i = 0; i < 8; i++)
		for (j = 0; j < 10; j++)
			t_in(e, T_PEER_IP, T_OUR_IP, 1, 100 + i, data,
			     sizeof(data));
	ASSERT_LE(cse_stack_mem_used(e->st), 16384u);
	ASSERT_GT(cse_stack_stats(e->st)->mem_drop, 0u);
	ASSERT_EQ(-ENOBUFS, t_send(s[0], T_PEER_IP, 9, data, sizeof(data)));
	for (i = 0; i < 8; i++)
		cse_close(s[i]);
	ASSERT_EQ(0u, cse_stack_mem_used(e->st));
	t_env_fini(e);
	free(e);
}

struct t_notes {
	unsigned int calls, last;
};

static void t_note(struct cse_sock *s, unsigned int mask, void *arg)
{
	struct t_notes *n = arg;

	n->calls++;
	n->last = mask;
}

TEST_F(udp, readiness_changes_are_notified_once_each)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	struct t_notes n = { 0 };
	char buf[8];

	cse_sock_set_notify(s, t_note, &n);
	ASSERT_EQ((unsigned int)CSE_POLLOUT, cse_poll(s));
	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1, 7, "a", 1);
	ASSERT_EQ(1u, n.calls);
	ASSERT_EQ((unsigned int)(CSE_POLLOUT | CSE_POLLIN), n.last);
	t_in(&self->e, T_PEER_IP, T_OUR_IP, 1, 7, "b", 1);
	ASSERT_EQ(1u, n.calls);		/* no change, no call */
	cse_recvfrom(s, buf, 8, 0, NULL, NULL, NULL);
	ASSERT_EQ(1u, n.calls);
	cse_recvfrom(s, buf, 8, 0, NULL, NULL, NULL);
	ASSERT_EQ(2u, n.calls);
	ASSERT_EQ((unsigned int)CSE_POLLOUT, n.last);
}

TEST_HARNESS_MAIN

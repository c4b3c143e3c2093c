// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connection establishment on a scripted wire (RFC 9293 3.5, 3.10):
 * active, passive and simultaneous open, resets, retransmission of SYNs,
 * listener queues.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

FIXTURE(tcp) {
	struct t_env e;
};

FIXTURE_SETUP(tcp)
{
	t_env_config(&self->e);
	self->e.cfg.tcp_max_syn_backlog = 4;
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
}

FIXTURE_TEARDOWN(tcp)
{
	t_env_fini(&self->e);
}

/* Connect to the peer's port 80; returns the socket, our SYN in @syn. */
static struct cse_sock *t_connect(struct t_env *e, struct t_seg *syn)
{
	struct sockaddr_in dst = t_sin(T_PEER_IP, 80);
	struct cse_sock *s;

	if (cse_socket(e->st, SOCK_STREAM, 0, &s))
		return NULL;
	if (cse_connect(s, T_SA(&dst), sizeof(dst)) != -EINPROGRESS ||
	    t_tcp_out(e, syn)) {
		cse_close(s);
		return NULL;
	}
	return s;
}

TEST_F(tcp, connect_sends_a_syn_with_our_mss)
{
	struct cse_sock *s;
	struct t_seg syn;

	s = t_connect(&self->e, &syn);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(T_SYN, syn.flags);
	ASSERT_EQ(80, syn.dport);
	ASSERT_GE(syn.sport, CSE_EPHEMERAL_LOW);
	ASSERT_EQ(1460, syn.mss);
	ASSERT_EQ(0u, syn.len);
	ASSERT_EQ(CSE_TCP_SYN_SENT, t_tcp_state(s));
	ASSERT_EQ(0u, cse_poll(s) & (CSE_POLLOUT | CSE_POLLIN));
	ASSERT_EQ(-EALREADY, cse_connect(s, T_SA(&(struct sockaddr_in){
		.sin_family = AF_INET }), sizeof(struct sockaddr_in)));
}

TEST_F(tcp, isns_differ_between_connections)
{
	struct t_seg a, b;

	ASSERT_NE(NULL, t_connect(&self->e, &a));
	ASSERT_NE(NULL, t_connect(&self->e, &b));
	ASSERT_NE(a.sport, b.sport);
	ASSERT_NE(a.seq, b.seq);
}

TEST_F(tcp, syn_ack_completes_the_active_open)
{
	struct t_seg syn, out;
	struct cse_sock *s = t_connect(&self->e, &syn);
	int err = -1;
	socklen_t len = sizeof(err);

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .seq = T_PEER_ISS,
		.ack = syn.seq + 1, .flags = T_SYN | T_ACK, .wnd = 8192,
		.mss = 1000 });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(syn.seq + 1, out.seq);
	ASSERT_EQ(T_PEER_ISS + 1, out.ack);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(s));
	ASSERT_EQ(1000, cse_tcp_sk(s)->mss);
	ASSERT_TRUE(!!(cse_poll(s) & CSE_POLLOUT));
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(0, err);
	ASSERT_EQ(-EISCONN, cse_connect(s, T_SA(&(struct sockaddr_in){
		.sin_family = AF_INET }), sizeof(struct sockaddr_in)));
}

TEST_F(tcp, reset_answering_the_syn_refuses_the_connection)
{
	struct t_seg syn;
	struct cse_sock *s = t_connect(&self->e, &syn);
	char buf[4];

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .ack = syn.seq + 1,
		.flags = T_RST | T_ACK });
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(s));
	ASSERT_TRUE(!!(cse_poll(s) & CSE_POLLERR));
	ASSERT_TRUE(!!(cse_poll(s) & CSE_POLLHUP));
	ASSERT_EQ(-ECONNREFUSED, cse_recvfrom(s, buf, 4, 0, NULL, NULL,
					      NULL));
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(tcp, reset_with_an_unacceptable_ack_is_ignored_in_syn_sent)
{
	struct t_seg syn;
	struct cse_sock *s = t_connect(&self->e, &syn);

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .ack = syn.seq + 7,
		.flags = T_RST | T_ACK });
	ASSERT_EQ(CSE_TCP_SYN_SENT, t_tcp_state(s));
}

TEST_F(tcp, syn_ack_with_a_bad_ack_draws_a_reset)
{
	struct t_seg syn, out;
	struct cse_sock *s = t_connect(&self->e, &syn);

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .seq = T_PEER_ISS,
		.ack = syn.seq + 9, .flags = T_SYN | T_ACK, .wnd = 8192 });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST, out.flags);
	ASSERT_EQ(syn.seq + 9, out.seq);
	ASSERT_EQ(CSE_TCP_SYN_SENT, t_tcp_state(s));
}

TEST_F(tcp, syn_is_retransmitted_with_backoff_then_times_out)
{
	static const unsigned int gap_s[] = { 1, 2, 4, 8, 16, 32 };
	struct t_seg syn, again;
	struct cse_sock *s = t_connect(&self->e, &syn);
	unsigned int i;
	char buf[4];

	for (i = 0; i < CSE_ARRAY_SIZE(gap_s); i++) {
		t_advance(&self->e, gap_s[i] * CSE_NSEC_PER_SEC - 1);
		ASSERT_EQ(0u, t_pending(&self->e));
		t_advance(&self->e, 1);
		ASSERT_EQ(0, t_tcp_out(&self->e, &again));
		ASSERT_EQ(syn.seq, again.seq);
		ASSERT_EQ(T_SYN, again.flags);
	}
	t_advance(&self->e, 64 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(s));
	ASSERT_EQ(-ETIMEDOUT, cse_recvfrom(s, buf, 4, 0, NULL, NULL, NULL));
}

TEST_F(tcp, simultaneous_open_goes_through_syn_received)
{
	struct t_seg syn, out;
	struct cse_sock *s = t_connect(&self->e, &syn);

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 8192 });
	ASSERT_EQ(CSE_TCP_SYN_RECEIVED, t_tcp_state(s));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_SYN | T_ACK, out.flags);
	ASSERT_EQ(syn.seq, out.seq);
	ASSERT_EQ(T_PEER_ISS + 1, out.ack);
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .seq = T_PEER_ISS + 1,
		.ack = syn.seq + 1, .flags = T_ACK, .wnd = 8192 });
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(s));
}

TEST_F(tcp, closing_during_simultaneous_open_resets)
{
	size_t before = cse_stack_mem_used(self->e.st);
	struct t_seg syn, out;
	struct cse_sock *s = t_connect(&self->e, &syn);

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 80, .dport = syn.sport, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 8192 });
	t_skip_all(&self->e);
	cse_close(s);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_TRUE(!!(out.flags & T_RST));
	ASSERT_EQ(before, cse_stack_mem_used(self->e.st));
}

TEST_F(tcp, segment_for_no_socket_draws_the_rfc_reset)
{
	struct t_seg out;

	/* No ACK: RST|ACK acknowledging the SYN. */
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 5, .dport = 81, .seq = 77, .flags = T_SYN });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST | T_ACK, out.flags);
	ASSERT_EQ(0u, out.seq);
	ASSERT_EQ(78u, out.ack);
	/* With an ACK: RST at that sequence. */
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 5, .dport = 81, .seq = 77, .ack = 4242,
		.flags = T_ACK, .data = "xy", .len = 2 });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST, out.flags);
	ASSERT_EQ(4242u, out.seq);
	/* Never a reset for a reset. */
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 5, .dport = 81, .seq = 77, .flags = T_RST });
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(tcp, broken_headers_are_dropped_and_counted)
{
	uint8_t f[128];
	unsigned int n;

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = 5, .dport = 81, .seq = 77, .flags = T_SYN });
	t_skip_all(&self->e);
	n = self->e.cap.len[0];
	/* Bad checksum. */
	memcpy(f, self->e.cap.frame[0], 14);
	n = t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	n += t_ip(f + n, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 20);
	memset(f + n, 0, 20);
	f[n + 12] = 0x50;
	f[n + 13] = T_SYN;
	cse_stack_input(self->e.st, f, n + 20);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_bad_csum);
	/* Data offset past the segment; then one under 5 words. */
	f[n + 12] = 0x60;
	cse_stack_input(self->e.st, f, n + 20);
	f[n + 12] = 0x40;
	cse_stack_input(self->e.st, f, n + 20);
	ASSERT_EQ(2u, cse_stack_stats(self->e.st)->tcp_bad);
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(tcp, passive_open_is_accepted_after_the_third_segment)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80), *c;
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	struct t_seg out;

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535, .mss = 1200 });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_SYN | T_ACK, out.flags);
	ASSERT_EQ(T_PEER_ISS + 1, out.ack);
	ASSERT_EQ(1460, out.mss);
	ASSERT_EQ(-EAGAIN, cse_accept(l, &c, NULL, NULL));
	ASSERT_EQ(0u, cse_poll(l));
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS + 1,
		.ack = out.seq + 1, .flags = T_ACK, .wnd = 65535 });
	ASSERT_EQ((unsigned int)CSE_POLLIN, cse_poll(l));
	ASSERT_EQ(0, cse_accept(l, &c, T_SAW(&peer), &len));
	ASSERT_EQ(htons(T_PEER_PORT), peer.sin_port);
	ASSERT_EQ(htonl(T_PEER_IP), peer.sin_addr.s_addr);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(c));
	ASSERT_EQ(1200, cse_tcp_sk(c)->mss);
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(tcp, lost_syn_ack_is_sent_again_for_a_repeated_syn)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80);
	struct t_seg syn = {
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535,
	}, a, b;

	ASSERT_NE(NULL, l);
	t_tcp_in(&self->e, &syn);
	ASSERT_EQ(0, t_tcp_out(&self->e, &a));
	t_tcp_in(&self->e, &syn);
	ASSERT_EQ(0, t_tcp_out(&self->e, &b));
	ASSERT_EQ(a.seq, b.seq);
	ASSERT_EQ(T_SYN | T_ACK, b.flags);
	ASSERT_EQ(1u, cse_tcp_sk(l)->syn_n);
}

TEST_F(tcp, listener_answers_a_stray_ack_with_a_reset)
{
	struct t_seg out;

	t_tcp_listener(&self->e, 80);
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = 5, .ack = 99,
		.flags = T_ACK });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST, out.flags);
	ASSERT_EQ(99u, out.seq);
}

/* Linux's tcp_syncookies=0; core_tcp_cookie.c has the default. */
TEST_F(tcp, without_cookies_a_syn_flood_fills_only_the_bounded_syn_queue)
{
	struct cse_sock *l;
	size_t before;
	unsigned int i;

	t_env_fini(&self->e);
	t_env_config(&self->e);
	self->e.cfg.tcp_max_syn_backlog = 4;
	self->e.cfg.tcp_syncookies = 0;
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	l = t_tcp_listener(&self->e, 80);
	before = cse_stack_mem_used(self->e.st);

	for (i = 0; i < 100; i++)
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = (uint16_t)(1000 + i), .dport = 80,
			.seq = i * 7919, .flags = T_SYN, .wnd = 1000 });
	ASSERT_EQ(4u, cse_tcp_sk(l)->syn_n);
	ASSERT_EQ(96u, cse_stack_stats(self->e.st)->tcp_syn_drop);
	ASSERT_EQ(4u, self->e.cap.n - 1u);	/* SYN-ACKs, after the ARP */
	/* Half-open connections hold no buffers. */
	ASSERT_LT(cse_stack_mem_used(self->e.st) - before,
		  5 * sizeof(struct cse_tcp_sock));
}

TEST_F(tcp, half_open_connection_gives_up_after_synack_retries)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80);

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = 1, .flags = T_SYN,
		.wnd = 1000 });
	ASSERT_EQ(1u, cse_tcp_sk(l)->syn_n);
	t_advance(&self->e, 200 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(0u, cse_tcp_sk(l)->syn_n);
	ASSERT_EQ(5u, cse_stack_stats(self->e.st)->tcp_retransmits);
}

TEST_F(tcp, full_accept_queue_ignores_the_last_ack)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80), *c;
	uint32_t iss;
	unsigned int i;

	ASSERT_EQ(0, cse_listen(l, 0));		/* room for one */
	ASSERT_NE(NULL, t_tcp_accepted(&self->e, l, 80, &iss));
	for (i = 0; i < 2; i++) {
		struct t_seg out;

		t_tcp_in(&self->e, &(struct t_seg){
			.sport = (uint16_t)(50000 + i), .dport = 80, .seq = 9,
			.flags = T_SYN, .wnd = 1000 });
		if (t_tcp_out(&self->e, &out))
			continue;
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = (uint16_t)(50000 + i), .dport = 80,
			.seq = 10, .ack = out.seq + 1, .flags = T_ACK,
			.wnd = 1000 });
	}
	ASSERT_EQ(0, cse_accept(l, &c, NULL, NULL));
	ASSERT_EQ(50000, c->rport);
	ASSERT_EQ(-EAGAIN, cse_accept(l, &c, NULL, NULL));
}

TEST_F(tcp, closing_a_listener_resets_unaccepted_connections)
{
	size_t before = cse_stack_mem_used(self->e.st);
	struct cse_sock *l = t_tcp_listener(&self->e, 80);
	struct t_seg out;
	uint32_t iss;

	ASSERT_EQ(0, cse_listen(l, 1));
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535 });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	iss = out.seq;
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS + 1,
		.ack = iss + 1, .flags = T_ACK, .wnd = 65535 });
	cse_close(l);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_TRUE(!!(out.flags & T_RST));
	ASSERT_EQ(iss + 1, out.seq);
	ASSERT_EQ(before, cse_stack_mem_used(self->e.st));
}

TEST_F(tcp, socket_calls_in_the_wrong_state_fail_as_in_linux)
{
	struct cse_sock *s, *c;
	struct sockaddr_in bcast = t_sin(T_BCAST_IP, 80);
	char buf[4];

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_STREAM, 0, &s));
	ASSERT_EQ(-EPIPE, cse_sendto(s, "x", 1, 0, NULL, 0));
	ASSERT_EQ(-ENOTCONN, cse_recvfrom(s, buf, 4, 0, NULL, NULL, NULL));
	ASSERT_EQ(-ENOTCONN, cse_shutdown(s, SHUT_WR));
	ASSERT_EQ(-EINVAL, cse_accept(s, &c, NULL, NULL));
	ASSERT_EQ(-ENETUNREACH, cse_connect(s, T_SA(&bcast), sizeof(bcast)));
	ASSERT_EQ((unsigned int)(CSE_POLLOUT | CSE_POLLHUP), cse_poll(s));
	ASSERT_EQ(0, cse_listen(s, 5));
	ASSERT_EQ(-EINVAL, cse_connect(s, T_SA(&bcast), sizeof(bcast)));
	ASSERT_EQ(-ENOTCONN, cse_recvfrom(s, buf, 4, 0, NULL, NULL, NULL));
}

TEST_F(tcp, icmp_port_unreachable_refuses_a_connection_being_opened)
{
	struct t_seg syn;
	struct cse_sock *s = t_connect(&self->e, &syn);
	char buf[4];

	t_tcp_icmp(&self->e, 3, 0, &syn);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(s));
	ASSERT_EQ(-ECONNREFUSED, cse_recvfrom(s, buf, 4, 0, NULL, NULL,
					      NULL));
}

TEST_F(tcp, icmp_quoting_a_sequence_not_in_flight_is_ignored)
{
	struct t_seg syn;
	struct cse_sock *s = t_connect(&self->e, &syn);

	syn.seq += 1000;
	t_tcp_icmp(&self->e, 3, 0, &syn);
	ASSERT_EQ(CSE_TCP_SYN_SENT, t_tcp_state(s));
}

TEST_F(tcp, any_icmp_error_ends_a_connection_being_opened)
{
	struct t_seg syn;
	struct cse_sock *s = t_connect(&self->e, &syn);
	char buf[4];

	t_tcp_icmp(&self->e, 1, 0, &syn);	/* host unreachable: soft */
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(s));
	ASSERT_EQ(-EHOSTUNREACH, cse_recvfrom(s, buf, 4, 0, NULL, NULL,
					      NULL));
}

TEST_F(tcp, soft_icmp_error_is_the_reason_an_established_one_times_out)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80), *c;
	struct t_seg data;
	uint32_t iss;
	char buf[4];

	c = t_tcp_accepted(&self->e, l, 80, &iss);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, cse_sendto(c, "x", 1, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &data));
	t_tcp_icmp(&self->e, 1, 0, &data);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(c));
	t_advance(&self->e, 3600 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(-EHOSTUNREACH, cse_recvfrom(c, buf, 4, 0, NULL, NULL,
					      NULL));
}

TEST(connect_to_a_neighbour_that_never_answers_arp_fails_ehostunreach)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct sockaddr_in dst = t_sin(0x0a000063, 80);
	struct cse_sock *s;
	char buf[4];

	t_env_config(e);
	ASSERT_EQ(0, t_env_start(e));
	ASSERT_EQ(0, cse_socket(e->st, SOCK_STREAM, 0, &s));
	ASSERT_EQ(-EINPROGRESS, cse_connect(s, T_SA(&dst), sizeof(dst)));
	t_advance(e, 3 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(s));
	ASSERT_EQ(-EHOSTUNREACH, cse_recvfrom(s, buf, 4, 0, NULL, NULL, NULL));
	t_env_fini(e);
	free(e);
}

TEST_HARNESS_MAIN

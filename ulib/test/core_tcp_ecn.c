// SPDX-License-Identifier: GPL-2.0
/*
 * ECN (RFC 3168 6.1) on a scripted wire: the handshake under Linux's
 * tcp_ecn switch, ECT(0) on new data only, CE echoed as ECE until CWR,
 * and an ECE cutting the window once per window.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

#include <netinet/tcp.h>

FIXTURE(ecn) {
	struct t_env e;
	struct cse_sock *l, *c;
	uint32_t iss;
	uint32_t pseq;
};

FIXTURE_SETUP(ecn)
{
	int v = 65536;

	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	ASSERT_EQ(0, cse_setsockopt(self->l, SOL_SOCKET, SO_SNDBUF, &v,
				    sizeof(v)));
	ASSERT_EQ(0, cse_setsockopt(self->l, IPPROTO_TCP, TCP_CONGESTION,
				    "reno", 4));
	self->pseq = T_PEER_ISS + 1;
}

FIXTURE_TEARDOWN(ecn)
{
	t_env_fini(&self->e);
}

/* The peer's handshake with SYN flags @synflags; our SYN-ACK in @out. */
static int t_accept(FIXTURE_DATA(ecn) *self, uint8_t synflags,
		    struct t_seg *out)
{
	struct t_seg s = {
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN | synflags, .wnd = 65535, .mss = 1460,
	};

	t_tcp_in(&self->e, &s);
	if (t_tcp_out(&self->e, out) || !(out->flags & T_SYN))
		return -1;
	self->iss = out->seq;
	s.seq = self->pseq;
	s.ack = self->iss + 1;
	s.flags = T_ACK;
	s.mss = 0;
	t_tcp_in(&self->e, &s);
	return cse_accept(self->l, &self->c, NULL, NULL);
}

/* A segment from the peer: @flags, @tos, and @data. */
static void t_peer(FIXTURE_DATA(ecn) *self, uint32_t ack, uint8_t flags,
		   uint8_t tos, const char *data)
{
	unsigned int len = data ? (unsigned int)strlen(data) : 0;

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = self->pseq,
		.ack = ack, .flags = T_ACK | flags, .wnd = 65535,
		.tos = tos, .data = data, .len = len });
	self->pseq += len;
}

TEST_F(ecn, syn_asking_for_ecn_is_answered_with_ece)
{
	struct t_seg out;

	ASSERT_EQ(0, t_accept(self, T_ECE | T_CWR, &out));
	ASSERT_EQ(T_SYN | T_ACK | T_ECE, out.flags);
	ASSERT_EQ(0, out.tos);			/* a SYN-ACK is not ECT */
	ASSERT_TRUE(cse_tcp_sk(self->c)->ecn_ok);
}

/* 6.1.1: ECE alone is not a request (it could be a reflected flag). */
TEST_F(ecn, syn_with_ece_alone_does_not_ask)
{
	struct t_seg out;

	ASSERT_EQ(0, t_accept(self, T_ECE, &out));
	ASSERT_EQ(T_SYN | T_ACK, out.flags);
	ASSERT_FALSE(cse_tcp_sk(self->c)->ecn_ok);
}

/* Linux's tcp_ecn: 2 (default) does not ask, 1 asks, 0 refuses. */
TEST_F(ecn, our_syn_asks_only_with_tcp_ecn_1)
{
	struct sockaddr_in to = t_sin(T_PEER_IP, 5000);
	struct cse_sock *s;
	struct t_seg syn;
	unsigned int mode;

	for (mode = 0; mode < 3; mode++) {
		t_env_fini(&self->e);
		t_env_config(&self->e);
		self->e.cfg.tcp_ecn = mode;
		ASSERT_EQ(0, t_tcp_env_start(&self->e));
		ASSERT_EQ(0, cse_socket(self->e.st, SOCK_STREAM, 0, &s));
		ASSERT_EQ(-EINPROGRESS, cse_connect(s, T_SA(&to),
						    sizeof(to)));
		ASSERT_EQ(0, t_tcp_out(&self->e, &syn));
		ASSERT_EQ(mode == 1 ? T_SYN | T_ECE | T_CWR : T_SYN,
			  syn.flags);
		/* A SYN-ACK with ECE and CWR both set is no agreement. */
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = 5000, .dport = syn.sport, .seq = 1,
			.ack = syn.seq + 1, .flags = T_SYN | T_ACK | T_ECE,
			.wnd = 1000 });
		ASSERT_EQ(mode == 1, cse_tcp_sk(s)->ecn_ok);
	}
	self->l = NULL;
}

TEST_F(ecn, tcp_ecn_0_refuses_a_syn_that_asks)
{
	struct t_seg out;

	t_env_fini(&self->e);
	t_env_config(&self->e);
	self->e.cfg.tcp_ecn = 0;
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	ASSERT_EQ(0, t_accept(self, T_ECE | T_CWR, &out));
	ASSERT_EQ(T_SYN | T_ACK, out.flags);
}

/* 6.1.5, 6.1.6: only new data is ECN-capable. */
TEST_F(ecn, new_data_is_ect_retransmissions_and_acks_are_not)
{
	struct t_seg out;

	ASSERT_EQ(0, t_accept(self, T_ECE | T_CWR, &out));
	ASSERT_EQ(3, cse_sendto(self->c, "abc", 3, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(2, out.tos);			/* ECT(0) */
	t_advance(&self->e, CSE_NSEC_PER_SEC);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(3u, out.len);
	ASSERT_EQ(0, out.tos);
	t_skip_all(&self->e);
	t_peer(self, self->iss + 4, 0, 0, "x");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(0u, out.len);
	ASSERT_EQ(0, out.tos);
}

/* 6.1.3: ECE on every ACK from a CE mark until the peer's CWR. */
TEST_F(ecn, congestion_experienced_is_echoed_until_cwr)
{
	struct t_seg out;

	ASSERT_EQ(0, t_accept(self, T_ECE | T_CWR, &out));
	t_peer(self, self->iss + 1, 0, 3, "ce");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK | T_ECE, out.flags);
	t_peer(self, self->iss + 1, 0, 2, "more");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK | T_ECE, out.flags);
	t_peer(self, self->iss + 1, T_CWR, 2, "cwr");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_ecn_ce);
}

/* 6.1.2: an ECE halves the window once per window; CWR tells the peer. */
TEST_F(ecn, ece_cuts_the_window_once_and_the_next_data_has_cwr)
{
	static char data[8 * 1460];
	struct cse_tcp_sock *tp;
	uint32_t cwnd;
	struct t_seg out;
	unsigned int i;

	ASSERT_EQ(0, t_accept(self, T_ECE | T_CWR, &out));
	tp = cse_tcp_sk(self->c);
	ASSERT_EQ(4 * 1460, cse_sendto(self->c, data, 4 * 1460, 0, NULL, 0));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	cwnd = tp->cwnd;	/* four segments did not use it: no growth */
	t_peer(self, self->iss + 1 + 1460, T_ECE, 0, NULL);
	ASSERT_EQ(cwnd / 2, tp->ssthresh);	/* Reno: half the window */
	ASSERT_EQ(tp->ssthresh, tp->cwnd);
	t_peer(self, self->iss + 1 + 2 * 1460, T_ECE, 0, NULL);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_ecn_reduce);
	ASSERT_EQ(1460, cse_sendto(self->c, data, 1460, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_LT(0u, out.len);			/* what the window allows */
	ASSERT_EQ(T_CWR, out.flags & (T_CWR | T_ECE));
	ASSERT_EQ(2, out.tos);
	ASSERT_EQ(2 * 1460, cse_sendto(self->c, data, 2 * 1460, 0, NULL, 0));
	t_peer(self, self->iss + 1 + 3 * 1460, 0, 0, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_LT(0u, out.len);
	ASSERT_EQ(0, out.flags & T_CWR);	/* once */
}

TEST_HARNESS_MAIN

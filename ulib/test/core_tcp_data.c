// SPDX-License-Identifier: GPL-2.0
/*
 * An established TCP connection on a scripted wire: data both ways,
 * acknowledgements, retransmission (RFC 6298), fast retransmit (RFC 5681),
 * RST and SYN checks (RFC 5961), the window, and every way of closing
 * (RFC 9293 3.6).
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

#include <netinet/tcp.h>

FIXTURE(conn) {
	struct t_env e;
	struct cse_sock *l, *c;
	uint32_t iss;		/* ours */
	uint32_t pseq;		/* the peer's next sequence number */
};

FIXTURE_SETUP(conn)
{
	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	/* The window arithmetic checked here is RFC 5681's Reno. */
	ASSERT_EQ(0, cse_setsockopt(self->l, IPPROTO_TCP, TCP_CONGESTION,
				    "reno", 4));
	self->c = t_tcp_accepted(&self->e, self->l, 80, &self->iss);
	ASSERT_NE(NULL, self->c);
	self->pseq = T_PEER_ISS + 1;
}

FIXTURE_TEARDOWN(conn)
{
	t_env_fini(&self->e);
}

/* A segment from the peer on this connection. */
static void t_peer(FIXTURE_DATA(conn) *self, uint32_t seq, uint32_t ack,
		   uint8_t flags, uint16_t wnd, const char *data)
{
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = seq, .ack = ack,
		.flags = flags, .wnd = wnd, .data = data,
		.len = data ? (unsigned int)strlen(data) : 0 });
}

TEST_F(conn, in_order_data_is_acked_and_read)
{
	struct t_seg out;
	char buf[16];

	t_peer(self, self->pseq, self->iss + 1, T_ACK | T_PSH, 65535,
	       "hello");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(self->pseq + 5, out.ack);
	ASSERT_TRUE(!!(cse_poll(self->c) & CSE_POLLIN));
	ASSERT_EQ(3, cse_recvfrom(self->c, buf, 3, MSG_PEEK, NULL, NULL,
				  NULL));
	ASSERT_EQ(5, cse_recvfrom(self->c, buf, sizeof(buf), 0, NULL, NULL,
				  NULL));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ(-EAGAIN, cse_recvfrom(self->c, buf, sizeof(buf), 0, NULL,
					NULL, NULL));
}

TEST_F(conn, out_of_order_data_draws_a_duplicate_ack)
{
	struct t_seg out;
	char buf[16];

	t_peer(self, self->pseq + 10, self->iss + 1, T_ACK, 65535, "later");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq, out.ack);
	ASSERT_EQ(-EAGAIN, cse_recvfrom(self->c, buf, sizeof(buf), 0, NULL,
					NULL, NULL));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_ooo_queued);
}

TEST_F(conn, filling_the_hole_delivers_the_queued_data_and_fin)
{
	struct t_seg out;
	char buf[32];

	/* "0123456789" arrives as [5..9]+FIN, [2..6], then [0..1]. */
	t_peer(self, self->pseq + 5, self->iss + 1, T_ACK | T_FIN, 65535,
	       "56789");
	t_peer(self, self->pseq + 2, self->iss + 1, T_ACK, 65535, "23456");
	t_skip_all(&self->e);
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "01");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 11, out.ack);		/* data and FIN */
	ASSERT_EQ(CSE_TCP_CLOSE_WAIT, t_tcp_state(self->c));
	ASSERT_EQ(10, cse_recvfrom(self->c, buf, sizeof(buf), 0, NULL, NULL,
				   NULL));
	ASSERT_EQ(0, memcmp(buf, "0123456789", 10));
	ASSERT_EQ(0u, cse_tcp_sk(self->c)->ooo.count);
}

TEST_F(conn, out_of_order_queue_is_bounded)
{
	unsigned int i;

	/*
	 * Tiny segments a byte apart, each leaving a hole: the true size
	 * bound stops them long before the window would.
	 */
	for (i = 0; i < 4000; i++)
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = T_PEER_PORT, .dport = 80,
			.seq = self->pseq + 2 + 2 * i, .ack = self->iss + 1,
			.flags = T_ACK, .wnd = 65535, .data = "x",
			.len = 1 });
	ASSERT_LE(cse_tcp_sk(self->c)->ooo.bytes, self->c->rcvbuf);
	ASSERT_GT(cse_stack_stats(self->e.st)->tcp_ooo_drop, 0u);
}

TEST_F(conn, overlapping_retransmission_delivers_only_new_bytes)
{
	char buf[16];

	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "abc");
	t_peer(self, self->pseq + 1, self->iss + 1, T_ACK, 65535, "bcdef");
	ASSERT_EQ(6, cse_recvfrom(self->c, buf, sizeof(buf), 0, NULL, NULL,
				  NULL));
	ASSERT_EQ(0, memcmp(buf, "abcdef", 6));
}

TEST_F(conn, sent_data_is_cut_to_the_mss_and_the_peer_window)
{
	static char data[4000];
	struct t_seg out;

	cse_tcp_sk(self->c)->mss = 1000;
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 2500, NULL);
	ASSERT_EQ(4000, cse_sendto(self->c, data, sizeof(data), 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1000u, out.len);
	ASSERT_EQ(self->iss + 1, out.seq);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1000u, out.len);
	/*
	 * 500 bytes of room: less than a segment and than half the window
	 * the peer offered, so no runt goes (sender SWS avoidance).
	 */
	ASSERT_EQ(0u, t_pending(&self->e));
	/* The ACK opens room for more: two whole segments. */
	t_peer(self, self->pseq, self->iss + 1 + 2000, T_ACK, 2500, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1 + 2000, out.seq);
	ASSERT_EQ(1000u, out.len);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1000u, out.len);
	ASSERT_EQ(0u, t_pending(&self->e));
	t_peer(self, self->pseq, self->iss + 1 + 4000, T_ACK, 2500, NULL);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(0u, cse_tcp_sk(self->c)->sndbuf.len);
}

/*
 * A write of 40 segments' worth with room for all: cut into MSS segments
 * in one pass, in order, the payload intact, PSH on the last only; over
 * a link that lends its buffer, each frame is built in it.
 */
static void t_large_write(struct __test_metadata *_metadata, bool lend)
{
	static char data[40000];
	struct cse_sock *l, *c;
	struct t_env e;
	struct t_seg out;
	uint32_t iss;
	unsigned int i, lent;

	t_env_config(&e);
	if (lend)
		e.cfg.link.ops = &t_cap_lend_ops;
	e.cfg.tcp_wmem_default = 1u << 20;
	ASSERT_EQ(0, t_tcp_env_start(&e));
	l = t_tcp_listener(&e, 80);
	ASSERT_NE(NULL, l);
	c = t_tcp_accepted(&e, l, 80, &iss);
	ASSERT_NE(NULL, c);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + i / 251);
	cse_tcp_sk(c)->mss = 1000;
	cse_tcp_sk(c)->cwnd = 1u << 20;
	t_tcp_in(&e, &(struct t_seg){ .sport = T_PEER_PORT, .dport = 80,
		 .seq = T_PEER_ISS + 1, .ack = iss + 1, .flags = T_ACK,
		 .wnd = 65535 });
	t_skip_all(&e);
	lent = e.cap.lent;
	ASSERT_EQ((ssize_t)sizeof(data), cse_sendto(c, data, sizeof(data), 0,
						    NULL, 0));
	ASSERT_EQ(40u, t_pending(&e));
	for (i = 0; i < 40; i++) {
		ASSERT_EQ(0, t_tcp_out(&e, &out));
		ASSERT_EQ(iss + 1 + i * 1000, out.seq);
		ASSERT_EQ(1000u, out.len);
		ASSERT_EQ(i == 39 ? T_ACK | T_PSH : T_ACK, out.flags);
		ASSERT_EQ(0, memcmp(out.data, data + i * 1000, 1000));
	}
	ASSERT_EQ(lend ? 40u : 0u, e.cap.lent - lent);
	ASSERT_EQ(e.cap.lent, e.cap.committed);
	t_env_fini(&e);
}

TEST(large_write_is_cut_into_segments_in_one_pass)
{
	t_large_write(_metadata, false);
}

TEST(large_write_is_built_in_the_links_buffers)
{
	t_large_write(_metadata, true);
}

TEST_F(conn, nagle_holds_small_data_while_some_is_unacked)
{
	struct t_seg out;

	ASSERT_EQ(1, cse_sendto(self->c, "a", 1, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1, cse_sendto(self->c, "b", 1, 0, NULL, 0));
	ASSERT_EQ(1, cse_sendto(self->c, "c", 1, 0, NULL, 0));
	ASSERT_EQ(0u, t_pending(&self->e));
	t_peer(self, self->pseq, self->iss + 2, T_ACK, 65535, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(2u, out.len);		/* coalesced */
	ASSERT_EQ(0, memcmp(out.data, "bc", 2));
}

TEST_F(conn, tcp_nodelay_sends_small_data_at_once)
{
	struct t_seg out;
	int one = 1, got = 0;
	socklen_t len = sizeof(got);

	ASSERT_EQ(0, cse_setsockopt(self->c, IPPROTO_TCP, TCP_NODELAY, &one,
				    sizeof(one)));
	ASSERT_EQ(0, cse_getsockopt(self->c, IPPROTO_TCP, TCP_NODELAY, &got,
				    &len));
	ASSERT_EQ(1, got);
	ASSERT_EQ(1, cse_sendto(self->c, "a", 1, 0, NULL, 0));
	ASSERT_EQ(1, cse_sendto(self->c, "b", 1, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ('b', *(const char *)out.data);
}

TEST_F(conn, so_linger_zero_makes_close_abort)
{
	struct t_seg out;
	struct linger lg = { 1, 0 }, got;
	socklen_t len = sizeof(got);

	ASSERT_EQ(0, cse_setsockopt(self->c, SOL_SOCKET, SO_LINGER, &lg,
				    sizeof(lg)));
	ASSERT_EQ(0, cse_getsockopt(self->c, SOL_SOCKET, SO_LINGER, &got,
				    &len));
	ASSERT_EQ(1, got.l_onoff);
	ASSERT_EQ(-EINVAL, cse_setsockopt(self->c, SOL_SOCKET, SO_LINGER, &lg,
					  sizeof(int)));
	cse_close(self->c);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST | T_ACK, out.flags);
}

/* SO_KEEPALIVE with 10 s idle, 2 s between probes, 3 probes. */
static void t_keepalive_on(struct cse_sock *s)
{
	int one = 1, idle = 10, intvl = 2, cnt = 3;

	cse_setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	cse_setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	cse_setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	cse_setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
}

TEST_F(conn, keepalive_probes_a_silent_peer_then_gives_up)
{
	struct t_seg out;
	char buf[4];
	int i;

	t_keepalive_on(self->c);
	t_advance(&self->e, 10 * CSE_NSEC_PER_SEC - 1);
	ASSERT_EQ(0u, t_pending(&self->e));
	for (i = 0; i < 3; i++) {
		t_advance(&self->e, i ? 2 * CSE_NSEC_PER_SEC : 1);
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
		ASSERT_EQ(T_ACK, out.flags);
		ASSERT_EQ(self->iss, out.seq);		/* one below snd_una */
		ASSERT_EQ(0u, out.len);
	}
	t_advance(&self->e, 2 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_TRUE(!!(out.flags & T_RST));
	ASSERT_EQ(-ETIMEDOUT, cse_recvfrom(self->c, buf, 4, 0, NULL, NULL,
					   NULL));
}

TEST_F(conn, keepalive_answer_keeps_the_connection)
{
	struct t_seg out;
	int i;

	t_keepalive_on(self->c);
	for (i = 0; i < 5; i++) {
		t_advance(&self->e, 10 * CSE_NSEC_PER_SEC);
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
		ASSERT_EQ(self->iss, out.seq);
		t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, NULL);
	}
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->c));
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(conn, keepalive_stays_quiet_while_the_peer_talks)
{
	int i;

	t_keepalive_on(self->c);
	for (i = 0; i < 10; i++) {
		t_advance(&self->e, 5 * CSE_NSEC_PER_SEC);
		t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, NULL);
	}
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(conn, keepalive_options_are_bounded_as_in_linux)
{
	int zero = 0, big = 32768, cnt = 128, got = 0;
	socklen_t len = sizeof(got);

	ASSERT_EQ(-EINVAL, cse_setsockopt(self->c, IPPROTO_TCP, TCP_KEEPIDLE,
					  &zero, sizeof(zero)));
	ASSERT_EQ(-EINVAL, cse_setsockopt(self->c, IPPROTO_TCP, TCP_KEEPINTVL,
					  &big, sizeof(big)));
	ASSERT_EQ(-EINVAL, cse_setsockopt(self->c, IPPROTO_TCP, TCP_KEEPCNT,
					  &cnt, sizeof(cnt)));
	ASSERT_EQ(0, cse_getsockopt(self->c, IPPROTO_TCP, TCP_KEEPIDLE, &got,
				    &len));
	ASSERT_EQ(7200, got);
}

/* Spend the quick ACKs on one-byte segments; returns the ACKs sent. */
static unsigned int t_use_quickacks(FIXTURE_DATA(conn) *self)
{
	unsigned int acks;
	int i;

	for (i = 0; i < 16; i++)
		t_peer(self, self->pseq++, self->iss + 1, T_ACK, 65535, "q");
	acks = t_pending(&self->e);
	t_skip_all(&self->e);
	return acks;
}

TEST_F(conn, first_segments_are_acked_at_once_then_acks_are_delayed)
{
	struct t_seg out;

	ASSERT_EQ(16u, t_use_quickacks(self));
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "d");
	ASSERT_EQ(0u, t_pending(&self->e));
	t_advance(&self->e, 40 * CSE_NSEC_PER_MSEC - 1);
	ASSERT_EQ(0u, t_pending(&self->e));
	t_advance(&self->e, 1);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 1, out.ack);
}

TEST_F(conn, every_second_full_segment_is_acked_at_once)
{
	static char full[1461];
	struct t_seg out;

	memset(full, 'f', 1460);
	t_use_quickacks(self);
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, full);
	ASSERT_EQ(0u, t_pending(&self->e));
	t_peer(self, self->pseq + 1460, self->iss + 1, T_ACK, 65535, full);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 2920, out.ack);
}

TEST_F(conn, sent_data_carries_the_delayed_ack)
{
	struct t_seg out;

	t_use_quickacks(self);
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "d");
	ASSERT_EQ(1, cse_sendto(self->c, "r", 1, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1u, out.len);
	ASSERT_EQ(self->pseq + 1, out.ack);
	t_advance(&self->e, CSE_NSEC_PER_SEC / 2);
	ASSERT_EQ(0u, t_pending(&self->e));	/* no ACK of its own */
}

TEST_F(conn, unacked_data_is_retransmitted_with_backoff)
{
	struct t_seg out;

	ASSERT_EQ(3, cse_sendto(self->c, "abc", 3, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	t_advance(&self->e, CSE_NSEC_PER_SEC - 1);
	ASSERT_EQ(0u, t_pending(&self->e));
	t_advance(&self->e, 1);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);
	ASSERT_EQ(3u, out.len);
	t_advance(&self->e, 2 * CSE_NSEC_PER_SEC - 1);
	ASSERT_EQ(0u, t_pending(&self->e));
	t_advance(&self->e, 1);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(2u, cse_stack_stats(self->e.st)->tcp_retransmits);
}

TEST_F(conn, acked_data_sets_the_rto_from_the_measured_rtt)
{
	struct t_seg out;

	ASSERT_EQ(3, cse_sendto(self->c, "abc", 3, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 100 * CSE_NSEC_PER_MSEC);
	t_peer(self, self->pseq, self->iss + 4, T_ACK, 65535, NULL);
	/* RFC 6298 2.2: srtt = R, rttvar = R/2, rto = R + 4 R/2 = 300ms */
	ASSERT_EQ(100 * CSE_NSEC_PER_MSEC, cse_tcp_sk(self->c)->srtt);
	ASSERT_EQ(300 * CSE_NSEC_PER_MSEC, cse_tcp_sk(self->c)->rto);
	ASSERT_EQ(0u, cse_tcp_sk(self->c)->sndbuf.len);
}

TEST_F(conn, three_duplicate_acks_resend_the_first_segment)
{
	static char data[3000];
	struct t_seg out;
	uint32_t cwnd;
	int i;

	cse_tcp_sk(self->c)->mss = 1000;
	cwnd = cse_tcp_sk(self->c)->cwnd;
	ASSERT_EQ(3000, cse_sendto(self->c, data, sizeof(data), 0, NULL, 0));
	t_skip_all(&self->e);
	for (i = 0; i < 3; i++)
		t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);
	ASSERT_EQ(1000u, out.len);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_retransmits);
	/* Half the window, as Linux's tcp_reno_ssthresh(). */
	ASSERT_EQ(cwnd / 2, cse_tcp_sk(self->c)->ssthresh);
}

/* Four 1000-byte segments out, the first lost: three duplicate ACKs. */
static void t_lose_first_of_four(FIXTURE_DATA(conn) *self)
{
	static char data[4000];
	int i;

	cse_tcp_sk(self->c)->mss = 1000;
	cse_sendto(self->c, data, sizeof(data), 0, NULL, 0);
	t_skip_all(&self->e);
	for (i = 0; i < 3; i++)
		t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, NULL);
}

TEST_F(conn, fast_recovery_inflates_the_window_per_duplicate_ack)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(self->c);
	uint32_t cwnd;

	t_lose_first_of_four(self);
	ASSERT_TRUE(tp->in_recovery);
	ASSERT_EQ(tp->ssthresh + 3000, tp->cwnd);
	cwnd = tp->cwnd;
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, NULL);
	ASSERT_EQ(cwnd + 1000, tp->cwnd);
}

TEST_F(conn, partial_ack_resends_the_next_hole_at_once)
{
	struct t_seg out;

	t_lose_first_of_four(self);
	t_skip_all(&self->e);
	/* The resent first segment arrived; the third was lost too. */
	t_peer(self, self->pseq, self->iss + 1 + 2000, T_ACK, 65535, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1 + 2000, out.seq);
	ASSERT_EQ(1000u, out.len);
	ASSERT_TRUE(cse_tcp_sk(self->c)->in_recovery);
}

TEST_F(conn, full_ack_ends_recovery_at_the_halved_window)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(self->c);

	uint32_t cwnd = tp->cwnd;

	t_lose_first_of_four(self);
	t_peer(self, self->pseq, self->iss + 1 + 4000, T_ACK, 65535, NULL);
	ASSERT_FALSE(tp->in_recovery);
	ASSERT_EQ(1000u, tp->cwnd);	/* min(ssthresh, flight + MSS) */
	ASSERT_EQ(cwnd / 2, tp->ssthresh);
}

TEST_F(conn, duplicate_acks_after_a_timeout_start_no_fast_retransmit)
{
	static char more[2000];
	struct t_seg out;
	int i;

	t_lose_first_of_four(self);
	t_peer(self, self->pseq, self->iss + 1 + 4000, T_ACK, 65535, NULL);
	/* Past the old recovery point, then a timeout resends. */
	ASSERT_EQ(2000, cse_sendto(self->c, more, sizeof(more), 0, NULL, 0));
	t_peer(self, self->pseq, self->iss + 1 + 5000, T_ACK, 65535, NULL);
	t_advance(&self->e, 5 * CSE_NSEC_PER_SEC);
	t_skip_all(&self->e);
	for (i = 0; i < 3; i++)
		t_peer(self, self->pseq, self->iss + 1 + 5000, T_ACK, 65535,
		       NULL);
	ASSERT_FALSE(cse_tcp_sk(self->c)->in_recovery);
	ASSERT_NE(0, t_tcp_out(&self->e, &out));	/* nothing resent */
}

TEST_F(conn, exact_reset_ends_the_connection_with_econnreset)
{
	char buf[4];

	t_peer(self, self->pseq, 0, T_RST, 0, NULL);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(self->c));
	ASSERT_EQ(-ECONNRESET, cse_recvfrom(self->c, buf, 4, 0, NULL, NULL,
					    NULL));
	ASSERT_EQ(0, cse_recvfrom(self->c, buf, 4, 0, NULL, NULL, NULL));
	ASSERT_EQ(-EPIPE, cse_sendto(self->c, "x", 1, 0, NULL, 0));
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(conn, in_window_reset_draws_a_challenge_ack)
{
	struct t_seg out;

	t_peer(self, self->pseq + 100, 0, T_RST, 0, NULL);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->c));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(self->pseq, out.ack);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_challenge_ack);
}

TEST_F(conn, challenge_acks_are_rate_limited_per_connection)
{
	struct t_seg out;

	t_peer(self, self->pseq + 100, 0, T_RST, 0, NULL);
	t_peer(self, self->pseq + 200, 0, T_RST, 0, NULL);
	t_peer(self, self->pseq + 5, 0, T_SYN, 1000, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(2u, cse_stack_stats(self->e.st)->tcp_oow_rate_limited);
	t_advance(&self->e, 500 * CSE_NSEC_PER_MSEC);
	t_peer(self, self->pseq + 100, 0, T_RST, 0, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(2u, cse_stack_stats(self->e.st)->tcp_challenge_ack);
}

TEST_F(conn, zero_window_probes_go_on_while_the_peer_answers)
{
	unsigned int i;

	t_peer(self, self->pseq, self->iss + 1, T_ACK, 0, NULL);
	ASSERT_EQ(3, cse_sendto(self->c, "abc", 3, 0, NULL, 0));
	/* Far more probes than tcp_retries2, each answered, window shut. */
	for (i = 0; i < 30; i++) {
		t_advance(&self->e, 200 * CSE_NSEC_PER_SEC);
		t_peer(self, self->pseq, self->iss + 1, T_ACK, 0, NULL);
	}
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->c));
	ASSERT_GE(cse_stack_stats(self->e.st)->tcp_retransmits, 20u);
}

TEST_F(conn, ack_after_a_timeout_carries_the_highest_sequence_sent)
{
	static char data[3000];
	struct t_seg out;

	cse_tcp_sk(self->c)->mss = 1000;
	ASSERT_EQ(3000, cse_sendto(self->c, data, sizeof(data), 0, NULL, 0));
	t_skip_all(&self->e);
	t_advance(&self->e, CSE_NSEC_PER_SEC);	/* resends from snd_una */
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);
	/* The peer may hold all 3000 bytes: our ACK must not look old. */
	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "x");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(0u, out.len);
	ASSERT_EQ(self->iss + 1 + 3000, out.seq);
}

TEST_F(conn, old_data_is_reacknowledged_every_time)
{
	struct t_seg out;
	int i;

	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "abc");
	t_skip_all(&self->e);
	/*
	 * Retransmissions of data we have: each is answered at once, the
	 * out-of-window rate limit is for segments without data.
	 */
	for (i = 0; i < 3; i++) {
		t_peer(self, self->pseq - 100, self->iss + 1, T_ACK, 65535,
		       "old");
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
		ASSERT_EQ(self->pseq + 3, out.ack);
	}
}

TEST_F(conn, out_of_window_reset_is_ignored)
{
	t_peer(self, self->pseq + 1000000, 0, T_RST, 0, NULL);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->c));
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(conn, syn_on_an_established_connection_draws_a_challenge_ack)
{
	struct t_seg out;

	t_peer(self, self->pseq + 5, 0, T_SYN, 1000, NULL);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->c));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(self->pseq, out.ack);
}

TEST_F(conn, ack_of_unsent_data_is_answered_and_dropped)
{
	struct t_seg out;
	char buf[4];

	t_peer(self, self->pseq, self->iss + 100, T_ACK, 65535, "zz");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq, out.ack);
	ASSERT_EQ(-EAGAIN, cse_recvfrom(self->c, buf, 4, 0, NULL, NULL,
					NULL));
}

TEST_F(conn, segment_outside_the_window_is_answered_with_an_ack)
{
	struct t_seg out;

	t_peer(self, self->pseq - 2000, self->iss + 1, T_ACK, 65535, "old");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(self->pseq, out.ack);
}

TEST_F(conn, zero_window_is_probed_until_it_opens)
{
	struct t_seg out;

	t_peer(self, self->pseq, self->iss + 1, T_ACK, 0, NULL);
	ASSERT_EQ(3, cse_sendto(self->c, "abc", 3, 0, NULL, 0));
	ASSERT_EQ(0u, t_pending(&self->e));
	t_advance(&self->e, CSE_NSEC_PER_SEC);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1u, out.len);			/* the probe */
	ASSERT_EQ(self->iss + 1, out.seq);
	t_peer(self, self->pseq, self->iss + 2, T_ACK, 1000, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(2u, out.len);
	ASSERT_EQ(self->iss + 2, out.seq);
}

TEST_F(conn, peer_fin_is_end_of_file_after_the_data)
{
	struct t_seg out;
	char buf[8];

	t_peer(self, self->pseq, self->iss + 1, T_ACK | T_FIN, 65535, "bye");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 4, out.ack);
	ASSERT_EQ(CSE_TCP_CLOSE_WAIT, t_tcp_state(self->c));
	ASSERT_TRUE(!!(cse_poll(self->c) & CSE_POLLRDHUP));
	ASSERT_EQ(3, cse_recvfrom(self->c, buf, 8, 0, NULL, NULL, NULL));
	ASSERT_EQ(0, cse_recvfrom(self->c, buf, 8, 0, NULL, NULL, NULL));
	/* Half-closed: we may still send. */
	ASSERT_EQ(2, cse_sendto(self->c, "ok", 2, 0, NULL, 0));
}

TEST_F(conn, passive_close_goes_through_last_ack)
{
	size_t before;
	struct t_seg out;

	t_peer(self, self->pseq, self->iss + 1, T_ACK | T_FIN, 65535, NULL);
	t_skip_all(&self->e);
	cse_close(self->l);
	before = cse_stack_mem_used(self->e.st);
	cse_close(self->c);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK | T_FIN, out.flags);
	ASSERT_EQ(self->iss + 1, out.seq);
	ASSERT_EQ(before, cse_stack_mem_used(self->e.st));	/* kept */
	t_peer(self, self->pseq + 1, self->iss + 2, T_ACK, 65535, NULL);
	ASSERT_GT(before, cse_stack_mem_used(self->e.st));	/* freed */
}

TEST_F(conn, active_close_waits_in_time_wait_for_2msl)
{
	struct t_seg out;

	ASSERT_EQ(0, cse_shutdown(self->c, SHUT_WR));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK | T_FIN, out.flags);
	ASSERT_EQ(CSE_TCP_FIN_WAIT_1, t_tcp_state(self->c));
	ASSERT_EQ(-EPIPE, cse_sendto(self->c, "x", 1, 0, NULL, 0));
	t_peer(self, self->pseq, self->iss + 2, T_ACK, 65535, NULL);
	ASSERT_EQ(CSE_TCP_FIN_WAIT_2, t_tcp_state(self->c));
	/* Half-closed the other way: data still arrives. */
	t_peer(self, self->pseq, self->iss + 2, T_ACK | T_FIN, 65535, "z");
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 2, out.ack);
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_tcp_state(self->c));
	t_advance(&self->e, 60 * CSE_NSEC_PER_SEC - 1);
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_tcp_state(self->c));
	t_advance(&self->e, 1);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(self->c));
}

TEST_F(conn, retransmitted_fin_in_time_wait_is_acked_again)
{
	struct t_seg out;

	cse_shutdown(self->c, SHUT_WR);
	t_peer(self, self->pseq, self->iss + 2, T_ACK | T_FIN, 65535, NULL);
	t_skip_all(&self->e);
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_tcp_state(self->c));
	t_advance(&self->e, 30 * CSE_NSEC_PER_SEC);
	t_peer(self, self->pseq, self->iss + 2, T_ACK | T_FIN, 65535, NULL);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 1, out.ack);
	/* ...and 2 MSL start again. */
	t_advance(&self->e, 59 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_tcp_state(self->c));
}

TEST_F(conn, simultaneous_close_goes_through_closing)
{
	struct t_seg out;

	cse_shutdown(self->c, SHUT_WR);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	/* The peer's FIN crosses ours: it does not ack our FIN yet. */
	t_peer(self, self->pseq, self->iss + 1, T_ACK | T_FIN, 65535, NULL);
	ASSERT_EQ(CSE_TCP_CLOSING, t_tcp_state(self->c));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->pseq + 1, out.ack);
	t_peer(self, self->pseq + 1, self->iss + 2, T_ACK, 65535, NULL);
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_tcp_state(self->c));
}

TEST_F(conn, close_with_unread_data_resets)
{
	struct t_seg out;

	t_peer(self, self->pseq, self->iss + 1, T_ACK, 65535, "unread");
	t_skip_all(&self->e);
	cse_close(self->c);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_TRUE(!!(out.flags & T_RST));
	ASSERT_EQ(self->iss + 1, out.seq);
}

TEST_F(conn, unanswered_data_ends_in_etimedout)
{
	char buf[4];

	ASSERT_EQ(1, cse_sendto(self->c, "x", 1, 0, NULL, 0));
	t_advance(&self->e, 3600 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(self->c));
	ASSERT_EQ(15u, cse_stack_stats(self->e.st)->tcp_retransmits);
	ASSERT_EQ(-ETIMEDOUT, cse_recvfrom(self->c, buf, 4, 0, NULL, NULL,
					   NULL));
}

TEST_F(conn, reading_reopens_a_closed_window_with_an_update)
{
	static char big[65535];
	struct t_seg out;
	unsigned int i;

	/* Fill the 64 KiB receive buffer. */
	for (i = 0; i < 65536 / 1024; i++) {
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = T_PEER_PORT, .dport = 80,
			.seq = self->pseq + i * 1024, .ack = self->iss + 1,
			.flags = T_ACK, .wnd = 65535, .data = big,
			.len = 1024 });
	}
	t_skip_all(&self->e);
	ASSERT_EQ(0u, cse_tcp_rcv_wnd(cse_tcp_sk(self->c)));
	ASSERT_EQ(30000, cse_recvfrom(self->c, big, 30000, 0, NULL, NULL,
				      NULL));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_ACK, out.flags);
	ASSERT_EQ(30000, out.wnd);
}

TEST_HARNESS_MAIN

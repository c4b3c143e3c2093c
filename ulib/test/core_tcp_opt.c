// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7323 on a scripted wire: window scaling and timestamps offered,
 * agreed only when both SYNs carry them, the scaled windows both ways,
 * PAWS, TS.Recent and RTT measurement from the echo.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

#define T_PORT		5000		/* the peer's listener */
#define T_PEER_TS	5000u		/* the peer's first TSval */

FIXTURE(opt) {
	struct t_env e;
	struct cse_sock *c;
	struct t_seg syn;		/* our SYN */
	uint32_t pseq;			/* the peer's next sequence number */
	uint16_t lport;			/* ours */
};

FIXTURE_SETUP(opt)
{
	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->pseq = T_PEER_ISS + 1;
}

FIXTURE_TEARDOWN(opt)
{
	t_env_fini(&self->e);
}

/* Start again with the instance's config changed by @ws and @ts. */
static int t_restart(FIXTURE_DATA(opt) *self, unsigned int ws,
		     unsigned int ts, unsigned int sack)
{
	t_env_fini(&self->e);
	t_env_config(&self->e);
	self->e.cfg.tcp_window_scaling = ws;
	self->e.cfg.tcp_timestamps = ts;
	self->e.cfg.tcp_sack = sack;
	return t_tcp_env_start(&self->e);
}

/* Our active open: the socket in self->c, its SYN in self->syn. */
static int t_syn(FIXTURE_DATA(opt) *self)
{
	struct sockaddr_in to = t_sin(T_PEER_IP, T_PORT);

	if (!self->c && cse_socket(self->e.st, SOCK_STREAM, 0, &self->c))
		return -1;
	if (cse_connect(self->c, T_SA(&to), sizeof(to)) != -EINPROGRESS ||
	    t_tcp_out(&self->e, &self->syn) || self->syn.flags != T_SYN)
		return -1;
	self->lport = self->syn.sport;
	return 0;
}

/* A segment from the peer on our connection; @ts: with timestamps. */
static void t_peer(FIXTURE_DATA(opt) *self, uint32_t seq, uint8_t flags,
		   uint16_t wnd, uint32_t tsval, bool ts, const char *data)
{
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PORT, .dport = self->lport, .seq = seq,
		.ack = self->syn.seq + 1, .flags = flags, .wnd = wnd,
		.has_ts = ts, .tsval = tsval, .tsecr = self->syn.tsval,
		.data = data, .len = data ? (unsigned int)strlen(data) : 0 });
}

/* Our SYN answered by a SYN-ACK with the options chosen; our ACK read. */
static int t_open(FIXTURE_DATA(opt) *self, bool ws, bool ts,
		  struct t_seg *ack)
{
	if (t_syn(self))
		return -1;
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PORT, .dport = self->lport, .seq = T_PEER_ISS,
		.ack = self->syn.seq + 1, .flags = T_SYN | T_ACK,
		.wnd = 1000, .mss = 1460, .has_ws = ws, .ws = 2,
		.has_ts = ts, .tsval = T_PEER_TS, .tsecr = self->syn.tsval });
	if (t_tcp_out(&self->e, ack) || ack->flags != T_ACK)
		return -1;
	return t_tcp_state(self->c) == CSE_TCP_ESTABLISHED ? 0 : -1;
}

TEST_F(opt, syn_offers_mss_sack_timestamps_and_window_scale_as_linux_does)
{
	/* SACK-permitted takes the place of TS's two NOPs. */
	static const uint8_t head[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10 };
	static const uint8_t tail[] = { 0, 0, 0, 0, 1, 3, 3, 6 };
	const uint8_t *o;

	ASSERT_EQ(0, t_syn(self));
	ASSERT_EQ(20u, self->syn.optlen);
	o = (const uint8_t *)self->syn.data - self->syn.optlen;
	ASSERT_EQ(0, memcmp(o, head, sizeof(head)));
	/* TSecr is zero in a SYN (RFC 7323 3.2); 6 MiB / 2 needs shift 6. */
	ASSERT_EQ(0, memcmp(o + 12, tail, sizeof(tail)));
	ASSERT_EQ(65535, self->syn.wnd);	/* a SYN's is never scaled */
}

TEST_F(opt, both_options_agreed_scale_windows_and_stamp_every_segment)
{
	struct cse_tcp_sock *tp;
	struct t_seg ack, out;
	char data[4000] = { 0 };

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	tp = cse_tcp_sk(self->c);
	ASSERT_EQ(12u, ack.optlen);		/* NOP NOP TS */
	ASSERT_TRUE(ack.has_ts);
	ASSERT_FALSE(ack.has_ws);
	ASSERT_EQ(T_PEER_TS, ack.tsecr);
	ASSERT_EQ(cse_tcp_rcv_wnd(tp) >> 6, ack.wnd);
	ASSERT_EQ(1000u, tp->snd_wnd);		/* the SYN-ACK's: unscaled */
	ASSERT_EQ(1448, tp->mss);		/* 1460 less the 12 of TS */
	t_peer(self, self->pseq, T_ACK, 1000, T_PEER_TS + 1, true, NULL);
	ASSERT_EQ(4000u, tp->snd_wnd);		/* 1000 << 2 */
	ASSERT_EQ(4000, cse_sendto(self->c, data, sizeof(data), 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1448u, out.len);
	ASSERT_TRUE(out.has_ts);
	ASSERT_EQ(T_PEER_TS + 1, out.tsecr);
	ASSERT_EQ(self->syn.tsval, out.tsval);	/* the same millisecond */
}

TEST_F(opt, syn_ack_without_options_turns_both_off)
{
	struct cse_tcp_sock *tp;
	struct t_seg ack, out;

	ASSERT_EQ(0, t_open(self, false, false, &ack));
	tp = cse_tcp_sk(self->c);
	ASSERT_EQ(0u, ack.optlen);
	ASSERT_EQ(1460, tp->mss);
	/* Our window is said unscaled, so at most 65535. */
	ASSERT_EQ(65535, ack.wnd);
	t_peer(self, self->pseq, T_ACK, 1000, 0, false, NULL);
	ASSERT_EQ(1000u, tp->snd_wnd);
	ASSERT_EQ(3, cse_sendto(self->c, "abc", 3, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(0u, out.optlen);
}

TEST_F(opt, syn_ack_with_timestamps_only_keeps_windows_unscaled)
{
	struct cse_tcp_sock *tp;
	struct t_seg ack;

	ASSERT_EQ(0, t_open(self, false, true, &ack));
	tp = cse_tcp_sk(self->c);
	ASSERT_TRUE(ack.has_ts);
	ASSERT_EQ(65535, ack.wnd);
	t_peer(self, self->pseq, T_ACK, 1000, T_PEER_TS, true, NULL);
	ASSERT_EQ(1000u, tp->snd_wnd);
}

TEST_F(opt, syn_ack_with_window_scale_only_sends_no_timestamps)
{
	struct cse_tcp_sock *tp;
	struct t_seg ack;

	ASSERT_EQ(0, t_open(self, true, false, &ack));
	tp = cse_tcp_sk(self->c);
	ASSERT_EQ(0u, ack.optlen);
	ASSERT_EQ(cse_tcp_rcv_wnd(tp) >> 6, ack.wnd);
	t_peer(self, self->pseq, T_ACK, 1000, 0, false, NULL);
	ASSERT_EQ(4000u, tp->snd_wnd);
}

/* The listener's SYN-ACK carries only what the SYN offered (1.3). */
TEST_F(opt, syn_ack_answers_only_the_options_the_syn_offered)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80);
	unsigned int i;

	ASSERT_NE(NULL, l);
	for (i = 0; i < 4; i++) {
		struct t_seg out, syn = {
			.sport = (uint16_t)(T_PEER_PORT + i), .dport = 80,
			.seq = T_PEER_ISS, .flags = T_SYN, .wnd = 65535,
			.mss = 1460, .has_ws = i & 1, .ws = 7,
			.has_ts = i & 2, .tsval = 77 + i,
		};

		t_tcp_in(&self->e, &syn);
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
		ASSERT_EQ(T_SYN | T_ACK, out.flags);
		ASSERT_EQ(1460, out.mss);
		ASSERT_EQ(syn.has_ws, out.has_ws);
		ASSERT_EQ(syn.has_ts, out.has_ts);
		if (out.has_ws)
			ASSERT_EQ(6, out.ws);
		if (out.has_ts)
			ASSERT_EQ(77 + i, out.tsecr);
	}
	cse_close(l);
}

/* Linux's net.ipv4.tcp_window_scaling and tcp_timestamps set to 0. */
TEST_F(opt, options_switched_off_are_neither_offered_nor_accepted)
{
	struct cse_sock *l;
	struct t_seg out;

	ASSERT_EQ(0, t_restart(self, 0, 0, 0));
	ASSERT_EQ(0, t_syn(self));
	ASSERT_EQ(4u, self->syn.optlen);	/* MSS alone */
	l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, l);
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535, .mss = 1460, .has_ws = true,
		.ws = 7, .has_ts = true, .tsval = 1, .has_sackok = true });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(4u, out.optlen);
	cse_close(l);
}

TEST_F(opt, only_window_scaling_switched_off_leaves_timestamps)
{
	ASSERT_EQ(0, t_restart(self, 0, 1, 1));
	ASSERT_EQ(0, t_syn(self));
	ASSERT_EQ(16u, self->syn.optlen);
	ASSERT_TRUE(self->syn.has_ts);
	ASSERT_TRUE(self->syn.has_sackok);
	ASSERT_FALSE(self->syn.has_ws);
}

/* As Linux: the shift fits SO_RCVBUF when the application fixed it. */
TEST_F(opt, window_scale_follows_a_fixed_so_rcvbuf)
{
	int v = 32768;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_STREAM, 0, &self->c));
	ASSERT_EQ(0, cse_setsockopt(self->c, SOL_SOCKET, SO_RCVBUF, &v,
				    sizeof(v)));
	ASSERT_EQ(0, t_syn(self));
	ASSERT_EQ(0, self->syn.ws);		/* a 32 KiB ring */
	cse_close(self->c);
	self->c = NULL;
	v = 200000;
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_STREAM, 0, &self->c));
	ASSERT_EQ(0, cse_setsockopt(self->c, SOL_SOCKET, SO_RCVBUF, &v,
				    sizeof(v)));
	ASSERT_EQ(0, t_syn(self));
	ASSERT_EQ(2, self->syn.ws);		/* 208 KiB ring */
}

/* RFC 7323 2.4: rounding the scaled window down keeps the old edge. */
TEST_F(opt, scaled_window_rounds_down_but_the_promised_edge_holds)
{
	static char big[1400];
	struct cse_tcp_sock *tp;
	struct t_seg ack;
	uint32_t edge;
	unsigned int i;

	ASSERT_EQ(0, t_open(self, true, false, &ack));
	tp = cse_tcp_sk(self->c);
	ASSERT_EQ(1024, ack.wnd);		/* 65536 >> 6 */
	edge = self->pseq + (1024u << 6);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 0;
	t_peer(self, self->pseq, T_ACK, 1000, 0, false, "0123456789");
	ASSERT_EQ(0, t_tcp_out(&self->e, &ack));
	ASSERT_EQ((65536 - 10) >> 6, ack.wnd);	/* 1023: 54 bytes short */
	ASSERT_EQ(edge, tp->rcv_adv);
	/* Data up to the promised edge is still taken. */
	self->pseq += 10;
	for (i = 0; self->pseq != edge; i++) {
		uint32_t n = edge - self->pseq < 1399 ? edge - self->pseq :
			     1399;

		big[n] = 0;
		t_peer(self, self->pseq, T_ACK, 1000, 0, false, big);
		big[n] = 'x';
		self->pseq += n;
	}
	ASSERT_EQ(65536u, tp->rcvbuf.len);
	ASSERT_EQ(edge, tp->rcv_nxt);
}

/* RFC 7323 5.3 R1. */
TEST_F(opt, paws_drops_a_segment_with_an_old_timestamp)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg ack;

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	t_peer(self, self->pseq, T_ACK | T_PSH, 1000, T_PEER_TS - 1, true,
	       "old");
	ASSERT_EQ(1u, st->tcp_paws_drop);
	ASSERT_EQ(0, t_tcp_out(&self->e, &ack));	/* told what we want */
	ASSERT_EQ(self->pseq, ack.ack);
	ASSERT_EQ(T_PEER_TS, ack.tsecr);
	ASSERT_FALSE(!!(cse_poll(self->c) & CSE_POLLIN));
	t_peer(self, self->pseq, T_ACK | T_PSH, 1000, T_PEER_TS, true, "new");
	ASSERT_TRUE(!!(cse_poll(self->c) & CSE_POLLIN));
}

TEST_F(opt, paws_spares_a_reset)
{
	struct t_seg ack;
	char c;

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	t_peer(self, self->pseq, T_RST, 0, 1, true, NULL);
	ASSERT_EQ(CSE_TCP_CLOSED, t_tcp_state(self->c));
	ASSERT_EQ(-ECONNRESET, cse_recvfrom(self->c, &c, 1, 0, NULL, NULL,
					    NULL));
}

/* RFC 7323 5.5: TS.Recent idle over 24 days no longer rejects. */
TEST_F(opt, paws_forgets_a_timestamp_idle_for_24_days)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg ack;

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	t_advance(&self->e, 24ULL * 24 * 3600 * CSE_NSEC_PER_SEC + 1);
	t_peer(self, self->pseq, T_ACK | T_PSH, 1000, T_PEER_TS - 1, true,
	       "late");
	ASSERT_EQ(0u, st->tcp_paws_drop);
	ASSERT_TRUE(!!(cse_poll(self->c) & CSE_POLLIN));
	ASSERT_EQ(T_PEER_TS - 1, cse_tcp_sk(self->c)->ts_recent);
}

/* RFC 7323 4.3: only segments up to Last.ACK.sent set TS.Recent. */
TEST_F(opt, ts_recent_is_taken_from_in_order_segments_only)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	t_peer(self, self->pseq, T_ACK, 1000, 6000, true, "abc");
	ASSERT_EQ(0, t_tcp_out(&self->e, &ack));
	ASSERT_EQ(6000u, ack.tsecr);
	/* Beyond a hole: answered with a duplicate ACK echoing 6000. */
	t_peer(self, self->pseq + 100, T_ACK, 1000, 7000, true, "zzz");
	ASSERT_EQ(0, t_tcp_out(&self->e, &ack));
	ASSERT_EQ(self->pseq + 3, ack.ack);
	ASSERT_EQ(6000u, ack.tsecr);
}

/* Linux takes a segment without timestamps on a connection using them. */
TEST_F(opt, segment_without_timestamp_is_still_taken)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	t_peer(self, self->pseq, T_ACK | T_PSH, 1000, 0, false, "bare");
	ASSERT_TRUE(!!(cse_poll(self->c) & CSE_POLLIN));
}

/*
 * RFC 7323 4.1: the echo times a retransmission, which Karn's rule
 * forbids timing otherwise; without timestamps no sample is taken.
 */
static void t_rtt_after_rto(FIXTURE_DATA(opt) *self,
			    struct __test_metadata *_metadata, bool ts,
			    uint64_t want)
{
	struct cse_tcp_sock *tp;
	struct t_seg ack, out;

	ASSERT_EQ(0, t_open(self, true, ts, &ack));
	tp = cse_tcp_sk(self->c);
	t_peer(self, self->pseq, T_ACK, 1000, T_PEER_TS, ts, NULL);
	ASSERT_EQ(5, cse_sendto(self->c, "hello", 5, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	t_advance(&self->e, CSE_NSEC_PER_SEC);	/* the initial RTO */
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(5u, out.len);
	t_advance(&self->e, 30 * CSE_NSEC_PER_MSEC);
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PORT, .dport = self->lport, .seq = self->pseq,
		.ack = out.seq + 5, .flags = T_ACK, .wnd = 1000,
		.has_ts = ts, .tsval = T_PEER_TS + 1, .tsecr = out.tsval });
	ASSERT_EQ(out.seq + 5, tp->snd_una);
	ASSERT_EQ(want, tp->srtt);
}

TEST_F(opt, rtt_is_measured_from_the_echo_of_a_retransmission)
{
	t_rtt_after_rto(self, _metadata, true, 30 * CSE_NSEC_PER_MSEC);
}

TEST_F(opt, without_timestamps_a_retransmission_is_not_timed)
{
	t_rtt_after_rto(self, _metadata, false, 0);
}

/*
 * @n bytes from the peer whose timestamps echo ours of 10 ms ago (a
 * receiver RTT of 10 ms), all read by the application. Returns the
 * bytes read.
 */
static uint32_t t_feed(FIXTURE_DATA(opt) *self, uint32_t n)
{
	static char seg[1401], buf[1 << 16];
	struct cse_tcp_sock *tp = cse_tcp_sk(self->c);
	uint32_t done = 0, got = 0;
	ssize_t r;

	memset(seg, 'd', sizeof(seg) - 1);
	while (done < n) {
		uint32_t k = n - done < 1400 ? n - done : 1400;

		t_tcp_in(&self->e, &(struct t_seg){
			.sport = T_PORT, .dport = self->lport,
			.seq = self->pseq, .ack = self->syn.seq + 1,
			.flags = T_ACK, .wnd = 1000, .has_ts = true,
			.tsval = T_PEER_TS + 1,
			.tsecr = cse_tcp_ts_now(tp) - 10,
			.data = seg, .len = k });
		self->pseq += k;
		done += k;
	}
	while ((r = cse_recvfrom(self->c, buf, sizeof(buf), 0, NULL, NULL,
				 NULL)) > 0)
		got += (uint32_t)r;
	t_skip_all(&self->e);
	return got;
}

/* Dynamic right-sizing: a reader that keeps up earns a larger window. */
TEST_F(opt, receive_buffer_grows_when_the_reader_keeps_up)
{
	struct cse_tcp_sock *tp;
	struct t_seg ack;
	socklen_t len = sizeof(int);
	int v;

	ASSERT_EQ(0, t_open(self, true, true, &ack));
	tp = cse_tcp_sk(self->c);
	ASSERT_EQ(63000u, t_feed(self, 63000));
	ASSERT_EQ(10 * CSE_NSEC_PER_MSEC, tp->rcv_rtt);
	ASSERT_EQ(65536u, tp->rcvbuf.cap);	/* not one RTT yet */
	t_advance(&self->e, 10 * CSE_NSEC_PER_MSEC);
	ASSERT_EQ(1400u, t_feed(self, 1400));
	ASSERT_EQ(2 * 64400u, tp->rcvbuf.cap);
	ASSERT_EQ(0, cse_getsockopt(self->c, SOL_SOCKET, SO_RCVBUF, &v, &len));
	ASSERT_EQ(4 * 64400, v);
	t_peer(self, self->pseq, T_ACK | T_PSH, 1000, T_PEER_TS + 2, true,
	       "x");
	t_advance(&self->e, 40 * CSE_NSEC_PER_MSEC);	/* delayed ACK */
	ASSERT_EQ(0, t_tcp_out(&self->e, &ack));
	ASSERT_EQ((2 * 64400u - 1) >> 6, ack.wnd);	/* over 65535 bytes */
}

TEST_F(opt, receive_buffer_fixed_by_so_rcvbuf_never_grows)
{
	struct t_seg ack;
	int v = 32768;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_STREAM, 0, &self->c));
	ASSERT_EQ(0, cse_setsockopt(self->c, SOL_SOCKET, SO_RCVBUF, &v,
				    sizeof(v)));
	ASSERT_EQ(0, t_open(self, true, true, &ack));
	ASSERT_EQ(30000u, t_feed(self, 30000));
	t_advance(&self->e, 10 * CSE_NSEC_PER_MSEC);
	ASSERT_EQ(30000u, t_feed(self, 30000));
	ASSERT_EQ(32768u, cse_tcp_sk(self->c)->rcvbuf.cap);
}

/* The grown ring is charged to the instance: its bound stops growth. */
TEST_F(opt, receive_buffer_growth_stops_at_the_instance_bound)
{
	struct t_seg ack;

	t_env_fini(&self->e);
	t_env_config(&self->e);
	self->e.cfg.mem_limit = 160000;
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	ASSERT_EQ(0, t_open(self, true, true, &ack));
	ASSERT_EQ(63000u, t_feed(self, 63000));
	t_advance(&self->e, 10 * CSE_NSEC_PER_MSEC);
	ASSERT_EQ(1400u, t_feed(self, 1400));
	ASSERT_EQ(65536u, cse_tcp_sk(self->c)->rcvbuf.cap);
	ASSERT_GE(160000u, cse_stack_mem_used(self->e.st));
	ASSERT_EQ(3000u, t_feed(self, 3000));	/* and data still flows */
}

TEST_HARNESS_MAIN

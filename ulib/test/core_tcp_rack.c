// SPDX-License-Identifier: GPL-2.0
/*
 * RACK-TLP (RFC 8985) on a scripted wire, as the data sender: a lost
 * retransmission found by time and resent without a timeout, a tail loss
 * repaired by a probe, reordering inside the reordering window left
 * alone, and D-SACK widening that window.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

#define T_MS	CSE_NSEC_PER_MSEC
#define T_MSS	1460u

FIXTURE(rack) {
	struct t_env e;
	struct cse_sock *l, *c;
	struct cse_tcp_sock *tp;
	uint32_t iss;
	uint32_t base;		/* our first sequence number after warm-up */
};

FIXTURE_SETUP(rack)
{
	static char one[T_MSS];
	struct t_seg s = {
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535, .mss = 1460, .has_sackok = true,
	}, out;
	int v = 65536;

	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	ASSERT_EQ(0, cse_setsockopt(self->l, SOL_SOCKET, SO_SNDBUF, &v,
				    sizeof(v)));
	t_tcp_in(&self->e, &s);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	self->iss = out.seq;
	s.seq = T_PEER_ISS + 1;
	s.ack = self->iss + 1;
	s.flags = T_ACK;
	s.mss = 0;
	s.has_sackok = false;
	t_tcp_in(&self->e, &s);
	ASSERT_EQ(0, cse_accept(self->l, &self->c, NULL, NULL));
	self->tp = cse_tcp_sk(self->c);
	ASSERT_TRUE(self->tp->sack_ok);
	/* One segment acknowledged after 20 ms: SRTT and min_rtt 20 ms. */
	ASSERT_EQ((ssize_t)T_MSS, cse_sendto(self->c, one, T_MSS, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 20 * T_MS);
	self->base = self->iss + 1 + T_MSS;
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS + 1,
		.ack = self->base, .flags = T_ACK, .wnd = 65535 });
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	ASSERT_EQ(20 * T_MS, self->tp->rack.min_rtt);
}

FIXTURE_TEARDOWN(rack)
{
	t_env_fini(&self->e);
}

/* Write @n segments; expect them all on the wire. */
static void t_burst(FIXTURE_DATA(rack) *self, struct __test_metadata *_metadata,
		   unsigned int n, unsigned int expect)
{
	static char big[16 * T_MSS];
	struct t_seg out;
	unsigned int i;

	ASSERT_EQ((ssize_t)(n * T_MSS), cse_sendto(self->c, big, n * T_MSS, 0,
						   NULL, 0));
	for (i = 0; i < expect; i++)
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
}

/*
 * The peer's ACK of segments below @ack (counted from base), SACKing
 * [@a, @b) when a < b; a block [@da, @db) (bytes from base, may be
 * negative) first when @dsack, as RFC 2883 puts it.
 */
static void t_ack(FIXTURE_DATA(rack) *self, uint32_t ack, uint32_t a,
		  uint32_t b, bool dsack, int32_t da, int32_t db)
{
	struct t_seg s = {
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS + 1,
		.ack = self->base + ack * T_MSS, .flags = T_ACK, .wnd = 65535,
	};

	if (dsack) {
		s.sack[s.nsacks][0] = self->base + (uint32_t)da;
		s.sack[s.nsacks++][1] = self->base + (uint32_t)db;
	}
	if (a < b) {
		s.sack[s.nsacks][0] = self->base + a * T_MSS;
		s.sack[s.nsacks++][1] = self->base + b * T_MSS;
	}
	t_tcp_in(&self->e, &s);
}

/* The next segment out is segment @i (from base); drain the others. */
static void t_expect_seg(FIXTURE_DATA(rack) *self,
			 struct __test_metadata *_metadata, uint32_t i)
{
	struct t_seg out;

	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->base + i * T_MSS, out.seq);
	ASSERT_EQ(T_MSS, out.len);
}

/*
 * Segment 0 is lost, then its retransmission too. RFC 6675 cannot see
 * the second loss (HighRxt is past it) and waits for the timeout; RACK
 * sees a segment sent after the retransmission delivered and resends it.
 */
TEST_F(rack, lost_retransmission_is_resent_without_a_timeout)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg out;

	t_burst(self, _metadata, 10, 10);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 0, 1, 2, false, 0, 0);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));	/* within reo_wnd */
	t_ack(self, 0, 1, 4, false, 0, 0);	/* 3 SACKed: reo_wnd 0 */
	ASSERT_TRUE(self->tp->in_recovery);
	t_expect_seg(self, _metadata, 0);
	while (!t_tcp_out(&self->e, &out))
		;
	ASSERT_EQ(1u, st->tcp_retransmits);
	/* The retransmission is lost; one more segment waits to go. */
	t_burst(self, _metadata, 1, 0);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 0, 1, 10, false, 0, 0);
	t_expect_seg(self, _metadata, 10);	/* sent after the resend */
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 0, 1, 11, false, 0, 0);	/* ...and delivered */
	t_expect_seg(self, _metadata, 0);	/* resent again */
	ASSERT_EQ(2u, st->tcp_retransmits);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 11, 0, 0, false, 0, 0);
	ASSERT_FALSE(self->tp->in_recovery);
	ASSERT_EQ(self->tp->snd_max, self->tp->snd_una);
	ASSERT_EQ(0u, st->tcp_rto);
	ASSERT_LE(2u, st->tcp_rack_lost);
	TH_LOG("retransmits %lu, RACK lost %lu, RTOs %lu",
	       st->tcp_retransmits, st->tcp_rack_lost, st->tcp_rto);
}

/* The last segment is lost and no ACK will come: a probe resends it. */
TEST_F(rack, tail_loss_is_repaired_by_a_probe)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg out;

	t_burst(self, _metadata, 10, 10);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 9, 0, 0, false, 0, 0);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	/* One segment out: PTO 2 SRTT + 200 ms, before the RTO (200 ms). */
	t_advance(&self->e, 199 * T_MS);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 1 * T_MS);
	t_expect_seg(self, _metadata, 9);
	ASSERT_EQ(1u, st->tcp_tlp_probes);
	ASSERT_EQ(0u, st->tcp_rto);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 10, 0, 0, false, 0, 0);
	ASSERT_EQ(1u, st->tcp_tlp_recovered);
	ASSERT_EQ(0u, st->tcp_rto);
	ASSERT_EQ(self->tp->snd_max, self->tp->snd_una);
}

/*
 * Two segments lost at the tail: the probe (the last one again) after
 * 2 SRTT draws a SACK, from which RACK finds the other lost.
 */
TEST_F(rack, probe_sack_lets_rack_repair_the_rest_of_the_tail)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg out;

	t_burst(self, _metadata, 10, 10);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 8, 0, 0, false, 0, 0);
	t_advance(&self->e, 39 * T_MS);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 1 * T_MS);		/* PTO: 2 SRTT */
	t_expect_seg(self, _metadata, 9);
	ASSERT_EQ(1u, st->tcp_tlp_probes);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 8, 9, 10, false, 0, 0);
	t_expect_seg(self, _metadata, 8);
	ASSERT_EQ(1u, st->tcp_rack_lost);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 10, 0, 0, false, 0, 0);
	ASSERT_EQ(0u, st->tcp_rto);
	ASSERT_EQ(self->tp->snd_max, self->tp->snd_una);
}

/* A segment overtaken by one sent after it, arriving within reo_wnd. */
TEST_F(rack, reordering_within_the_window_is_not_a_loss)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg out;

	t_burst(self, _metadata, 10, 10);
	t_advance(&self->e, 20 * T_MS);
	ASSERT_EQ(5 * T_MS, cse_tcp_rack_reo_wnd(self->tp)); /* min_rtt/4 */
	t_ack(self, 0, 1, 2, false, 0, 0);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 2 * T_MS);
	t_ack(self, 2, 0, 0, false, 0, 0);	/* segment 0 came late */
	ASSERT_TRUE(self->tp->rack.reord);
	t_advance(&self->e, 10 * T_MS);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	ASSERT_FALSE(self->tp->in_recovery);
	ASSERT_EQ(0u, st->tcp_rack_lost);
	ASSERT_EQ(0u, st->tcp_retransmits);
}

/* The same hole past the window is lost, from the RACK timer alone. */
TEST_F(rack, hole_past_the_window_is_lost_by_the_timer)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);
	struct t_seg out;

	t_burst(self, _metadata, 10, 10);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 0, 1, 2, false, 0, 0);
	t_advance(&self->e, 4 * T_MS);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_advance(&self->e, 1 * T_MS);
	t_expect_seg(self, _metadata, 0);
	ASSERT_EQ(1u, st->tcp_rack_lost);
	ASSERT_TRUE(self->tp->in_recovery);
}

/* RFC 8985 6.2 step 4: each round trip with a D-SACK widens reo_wnd. */
TEST_F(rack, dsack_grows_the_reordering_window_once_per_round_trip)
{
	const struct cse_stats *st = cse_stack_stats(self->e.st);

	t_burst(self, _metadata, 1, 1);
	ASSERT_EQ(5 * T_MS, cse_tcp_rack_reo_wnd(self->tp));
	t_ack(self, 0, 0, 0, true, -(int32_t)T_MSS, 0);
	ASSERT_EQ(2u, (unsigned int)self->tp->rack.reo_mult);
	ASSERT_EQ(10 * T_MS, cse_tcp_rack_reo_wnd(self->tp));
	t_ack(self, 0, 0, 0, true, -(int32_t)T_MSS, 0);	/* same round */
	ASSERT_EQ(2u, (unsigned int)self->tp->rack.reo_mult);
	t_advance(&self->e, 20 * T_MS);
	t_ack(self, 1, 0, 0, false, 0, 0);
	t_ack(self, 1, 0, 0, true, -(int32_t)T_MSS, 0);	/* next round */
	ASSERT_EQ(3u, (unsigned int)self->tp->rack.reo_mult);
	ASSERT_EQ(15 * T_MS, cse_tcp_rack_reo_wnd(self->tp));
	ASSERT_EQ(3u, st->tcp_dsack_rx);
}

TEST_HARNESS_MAIN

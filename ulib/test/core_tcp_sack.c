// SPDX-License-Identifier: GPL-2.0
/*
 * Selective acknowledgements on a scripted wire, as the data receiver:
 * SACK-permitted negotiation (RFC 2018 2), the blocks our ACKs carry
 * (RFC 2018 4) and duplicate reports (RFC 2883).
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

FIXTURE(sack) {
	struct t_env e;
	struct cse_sock *l, *c;
	uint32_t iss;		/* ours */
	uint32_t pseq;		/* the peer's next in-order sequence number */
};

FIXTURE_SETUP(sack)
{
	t_env_config(&self->e);
	/* RFC 6675's own rules; core_tcp_rack.c tests RACK-TLP. */
	self->e.cfg.tcp_recovery = 0;
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	self->pseq = T_PEER_ISS + 1;
}

FIXTURE_TEARDOWN(sack)
{
	t_env_fini(&self->e);
}

/* The peer's handshake offering SACK (@sack) and timestamps (@ts). */
static int t_accept(FIXTURE_DATA(sack) *self, bool sack, bool ts,
		    struct t_seg *synack)
{
	struct t_seg s = {
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535, .mss = 1460,
		.has_sackok = sack, .has_ts = ts, .tsval = 100,
	};

	t_tcp_in(&self->e, &s);
	if (t_tcp_out(&self->e, synack) || synack->flags != (T_SYN | T_ACK))
		return -1;
	self->iss = synack->seq;
	s.seq = self->pseq;
	s.ack = self->iss + 1;
	s.flags = T_ACK;
	s.mss = 0;
	s.has_sackok = false;
	s.tsecr = synack->tsval;
	t_tcp_in(&self->e, &s);
	return cse_accept(self->l, &self->c, NULL, NULL);
}

/* @len bytes of data at the peer's @off from pseq; our answer in @ack. */
static int t_data(FIXTURE_DATA(sack) *self, uint32_t off, unsigned int len,
		  bool ts, struct t_seg *ack)
{
	static const char data[1024];

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = self->pseq + off,
		.ack = self->iss + 1, .flags = T_ACK, .wnd = 65535,
		.has_ts = ts, .tsval = 101, .data = data, .len = len });
	return t_tcp_out(&self->e, ack);
}

/* Is block @i of @ack [pseq + @a, pseq + @b)? */
#define T_BLOCK(ack, i, a, b)					\
	do {							\
		ASSERT_LT((unsigned int)(i), (ack).nsacks);	\
		ASSERT_EQ(self->pseq + (a), (ack).sack[i][0]);	\
		ASSERT_EQ(self->pseq + (b), (ack).sack[i][1]);	\
	} while (0)

TEST_F(sack, syn_ack_permits_sack_only_when_the_syn_did)
{
	struct t_seg out;

	ASSERT_EQ(0, t_accept(self, true, false, &out));
	ASSERT_TRUE(out.has_sackok);
	ASSERT_TRUE(cse_tcp_sk(self->c)->sack_ok);
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT + 1, .dport = 80, .seq = 5,
		.flags = T_SYN, .wnd = 65535, .mss = 1460 });
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_FALSE(out.has_sackok);
}

TEST_F(sack, out_of_order_segment_is_reported_in_a_block)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(self->pseq, ack.ack);		/* a duplicate ACK... */
	ASSERT_EQ(1u, ack.nsacks);		/* ...saying what is held */
	T_BLOCK(ack, 0, 1000, 1100);
}

TEST_F(sack, latest_block_first_then_the_others_highest_first)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 3000, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 2000, 100, false, &ack));
	ASSERT_EQ(3u, ack.nsacks);
	T_BLOCK(ack, 0, 2000, 2100);
	T_BLOCK(ack, 1, 3000, 3100);
	T_BLOCK(ack, 2, 1000, 1100);
}

TEST_F(sack, touching_segments_make_one_block)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 1200, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 1100, 100, false, &ack));
	ASSERT_EQ(1u, ack.nsacks);
	T_BLOCK(ack, 0, 1000, 1300);
}

TEST_F(sack, filled_hole_leaves_nothing_to_report)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 100, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 0, 100, false, &ack));
	ASSERT_EQ(self->pseq + 200, ack.ack);
	ASSERT_EQ(0u, ack.nsacks);
}

/* RFC 2883 4.1.1: a duplicate below the ACK field, reported once. */
TEST_F(sack, duplicate_segment_is_reported_once_below_the_ack)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 0, 100, false, &ack));
	ASSERT_EQ(0u, ack.nsacks);
	ASSERT_EQ(0, t_data(self, 0, 100, false, &ack));
	ASSERT_EQ(self->pseq + 100, ack.ack);
	ASSERT_EQ(1u, ack.nsacks);
	T_BLOCK(ack, 0, 0, 100);
	ASSERT_EQ(0, t_data(self, 100, 10, false, &ack));
	ASSERT_EQ(0u, ack.nsacks);
}

/* RFC 2883 4.1.3: a duplicate of held data, then the block holding it. */
TEST_F(sack, duplicate_of_held_data_is_reported_before_its_block)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(2u, ack.nsacks);
	T_BLOCK(ack, 0, 1000, 1100);
	T_BLOCK(ack, 1, 1000, 1100);
}

/* The option space: 3 blocks beside timestamps, 4 without. */
static void t_many_holes(FIXTURE_DATA(sack) *self,
			 struct __test_metadata *_metadata, bool ts,
			 unsigned int want)
{
	struct t_seg ack;
	uint32_t i;

	ASSERT_EQ(0, t_accept(self, true, ts, &ack));
	for (i = 1; i <= 6; i++)
		ASSERT_EQ(0, t_data(self, 200 * i, 100, ts, &ack));
	ASSERT_EQ(want, ack.nsacks);
	ASSERT_GE(40u, ack.optlen);
	T_BLOCK(ack, 0, 1200, 1300);
	T_BLOCK(ack, 1, 1000, 1100);
}

TEST_F(sack, three_blocks_fit_beside_timestamps)
{
	t_many_holes(self, _metadata, true, 3);
}

TEST_F(sack, four_blocks_fit_without_timestamps)
{
	t_many_holes(self, _metadata, false, 4);
}

TEST_F(sack, no_blocks_without_permission)
{
	struct t_seg ack;

	ASSERT_EQ(0, t_accept(self, false, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(0u, ack.nsacks);
	ASSERT_EQ(0, t_data(self, 0, 100, false, &ack));
	ASSERT_EQ(0, t_data(self, 0, 100, false, &ack));
	ASSERT_EQ(0u, ack.nsacks);
}

/* Blocks ride on pure ACKs only: a data segment keeps its full MSS. */
TEST_F(sack, data_segments_carry_no_blocks)
{
	static char big[3000];
	struct t_seg ack, out;

	ASSERT_EQ(0, t_accept(self, true, false, &ack));
	ASSERT_EQ(0, t_data(self, 1000, 100, false, &ack));
	ASSERT_EQ(1u, ack.nsacks);
	ASSERT_EQ(3000, cse_sendto(self->c, big, sizeof(big), 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(1460u, out.len);
	ASSERT_EQ(0u, out.nsacks);
}

/* As the data sender: ten segments out, the peer's ACKs come back. */
static void t_send10(FIXTURE_DATA(sack) *self,
		     struct __test_metadata *_metadata)
{
	static char big[10 * 1460];
	struct t_seg out;
	unsigned int i;
	int v = 65536;			/* children inherit it */

	ASSERT_EQ(0, cse_setsockopt(self->l, SOL_SOCKET, SO_SNDBUF, &v,
				    sizeof(v)));
	ASSERT_EQ(0, t_accept(self, true, false, &out));
	ASSERT_EQ((ssize_t)sizeof(big), cse_sendto(self->c, big, sizeof(big), 0,
						   NULL, 0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
}

/*
 * A duplicate ACK SACKing our segments [@a, @b) and [@c, @d) (counted in
 * segments from iss + 1; an empty second range is left out).
 */
static void t_sack_ack(FIXTURE_DATA(sack) *self, uint32_t a, uint32_t b,
		       uint32_t c, uint32_t d)
{
	uint32_t base = self->iss + 1;
	struct t_seg s = {
		.sport = T_PEER_PORT, .dport = 80, .seq = self->pseq,
		.ack = base, .flags = T_ACK, .wnd = 65535, .nsacks = 1,
		.sack = { { base + a * 1460, base + b * 1460 },
			  { base + c * 1460, base + d * 1460 } },
	};

	if (c != d)
		s.nsacks = 2;
	t_tcp_in(&self->e, &s);
}

/*
 * RFC 6675: two holes in one window are both resent before any partial
 * ACK, as soon as the scoreboard shows each lost. (NewReno would resend
 * the second only a round trip after the first.)
 */
TEST_F(sack, two_holes_are_both_resent_within_one_round_trip)
{
	struct cse_tcp_sock *tp;
	struct t_seg out;

	t_send10(self, _metadata);
	tp = cse_tcp_sk(self->c);
	/* Segments 0 and 4 lost. */
	t_sack_ack(self, 1, 2, 0, 0);
	t_sack_ack(self, 1, 3, 0, 0);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_sack_ack(self, 1, 4, 5, 6);		/* 3 dupacks: recovery */
	ASSERT_TRUE(tp->in_recovery);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);
	ASSERT_EQ(1460u, out.len);
	/* Hole 4 has one segment SACKed above it: not lost yet. */
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_sack_ack(self, 1, 4, 5, 8);		/* now 3 above it */
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1 + 4 * 1460, out.seq);
	ASSERT_EQ(1460u, out.len);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));	/* each once */
	t_sack_ack(self, 1, 4, 5, 9);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	ASSERT_EQ(2u, cse_stack_stats(self->e.st)->tcp_retransmits);
}

/* IsLost(snd_una) starts recovery before three duplicate ACKs. */
TEST_F(sack, recovery_starts_when_the_board_shows_a_loss)
{
	struct t_seg out;

	t_send10(self, _metadata);
	t_sack_ack(self, 1, 2, 0, 0);
	ASSERT_EQ(-1, t_tcp_out(&self->e, &out));
	t_sack_ack(self, 1, 2, 3, 5);		/* 3 segments above snd_una */
	ASSERT_TRUE(cse_tcp_sk(self->c)->in_recovery);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);
}

/* Blocks outside what is in flight (D-SACK, forged) change nothing. */
TEST_F(sack, blocks_outside_the_flight_are_ignored)
{
	struct cse_tcp_sock *tp;

	t_send10(self, _metadata);
	tp = cse_tcp_sk(self->c);
	t_sack_ack(self, 20, 22, 0, 0);		/* beyond snd_max */
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = self->pseq,
		.ack = self->iss + 1, .flags = T_ACK, .wnd = 65535,
		.nsacks = 1, .sack = { { self->iss - 100, self->iss } } });
	ASSERT_EQ(0u, tp->sb_n);
	t_sack_ack(self, 2, 3, 5, 6);
	ASSERT_EQ(2u, tp->sb_n);
	t_sack_ack(self, 3, 5, 0, 0);		/* joins them */
	ASSERT_EQ(1u, tp->sb_n);
	ASSERT_EQ(self->iss + 1 + 2 * 1460, tp->sb[0][0]);
	ASSERT_EQ(self->iss + 1 + 6 * 1460, tp->sb[0][1]);
}

/* The cumulative ACK prunes the board; a timeout clears it (2018 8). */
TEST_F(sack, board_is_pruned_by_acks_and_cleared_by_a_timeout)
{
	struct cse_tcp_sock *tp;

	t_send10(self, _metadata);
	tp = cse_tcp_sk(self->c);
	t_sack_ack(self, 2, 3, 5, 6);
	t_tcp_in(&self->e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = self->pseq,
		.ack = self->iss + 1 + 4 * 1460, .flags = T_ACK,
		.wnd = 65535 });
	ASSERT_EQ(1u, tp->sb_n);
	t_advance(&self->e, 2 * CSE_NSEC_PER_SEC);
	ASSERT_LE(1u, cse_stack_stats(self->e.st)->tcp_rto);
	ASSERT_EQ(0u, tp->sb_n);
}

/* Linux ignores a SACK option of a wrong length; so does the parser. */
TEST(sack_option_of_a_bad_length_is_ignored_not_fatal)
{
	static const uint8_t o[] = { 5, 6, 0, 0, 0, 1, 1, 1 };
	static const uint8_t two[] = { 5, 18, 0, 0, 0, 1, 0, 0, 0, 2,
				       0, 0, 0, 5, 0, 0, 0, 9 };
	struct cse_tcp_opts p;

	ASSERT_EQ(0, cse_tcp_parse_opts(o, sizeof(o), &p));
	ASSERT_EQ(0, p.nsacks);
	ASSERT_EQ(0, cse_tcp_parse_opts(two, sizeof(two), &p));
	ASSERT_EQ(2, p.nsacks);
	ASSERT_EQ(1u, p.sack[0][0]);
	ASSERT_EQ(9u, p.sack[1][1]);
}

TEST_HARNESS_MAIN

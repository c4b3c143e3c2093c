// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies on a scripted wire: a listener whose SYN queue is full
 * answers with a cookie and keeps nothing; the ACK that returns it makes
 * the connection, with the MSS, window scale, SACK and timestamps the SYN
 * offered; forged and stale cookies get a reset.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

FIXTURE(cookie) {
	struct t_env e;
	struct cse_sock *l;
};

/* A listener on port 80 whose SYN queue (4) is already full. */
FIXTURE_SETUP(cookie)
{
	unsigned int i;

	t_env_config(&self->e);
	self->e.cfg.tcp_max_syn_backlog = 4;
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	for (i = 0; i < 4; i++)
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = (uint16_t)(1000 + i), .dport = 80,
			.seq = i * 7919, .flags = T_SYN, .wnd = 1000 });
	t_skip_all(&self->e);
	ASSERT_EQ(4u, cse_tcp_sk(self->l)->syn_n);
}

FIXTURE_TEARDOWN(cookie)
{
	t_env_fini(&self->e);
}

/* The peer's SYN @syn; the cookie SYN-ACK in @out. */
static int t_syn(FIXTURE_DATA(cookie) *self, struct t_seg *syn,
		 struct t_seg *out)
{
	t_tcp_in(&self->e, syn);
	if (t_tcp_out(&self->e, out) || out->flags != (T_SYN | T_ACK))
		return -1;
	return out->ack == syn->seq + 1 ? 0 : -1;
}

/* The handshake's ACK to @synack, with "hi" as data; the child or NULL. */
static struct cse_sock *t_ack(FIXTURE_DATA(cookie) *self,
			      const struct t_seg *syn,
			      const struct t_seg *synack)
{
	struct cse_sock *c;

	t_tcp_in(&self->e, &(struct t_seg){
		.sport = syn->sport, .dport = 80, .seq = syn->seq + 1,
		.ack = synack->seq + 1, .flags = T_ACK | T_PSH, .wnd = 1000,
		.has_ts = synack->has_ts, .tsval = syn->tsval + 1,
		.tsecr = synack->tsval, .data = "hi", .len = 2 });
	return cse_accept(self->l, &c, NULL, NULL) ? NULL : c;
}

TEST_F(cookie, full_syn_queue_answers_with_cookies_and_keeps_nothing)
{
	size_t before = cse_stack_mem_used(self->e.st);
	unsigned int i;

	for (i = 0; i < 100; i++)
		t_tcp_in(&self->e, &(struct t_seg){
			.sport = (uint16_t)(2000 + i), .dport = 80,
			.seq = i * 7919, .flags = T_SYN, .wnd = 1000 });
	ASSERT_EQ(4u, cse_tcp_sk(self->l)->syn_n);
	ASSERT_EQ(100u, cse_stack_stats(self->e.st)->tcp_cookie_sent);
	ASSERT_EQ(100u, t_pending(&self->e));	/* a SYN-ACK each */
	ASSERT_EQ(before, cse_stack_mem_used(self->e.st));
}

TEST_F(cookie, returned_cookie_makes_the_connection)
{
	struct t_seg syn = {
		.sport = 3000, .dport = 80, .seq = 777, .flags = T_SYN,
		.wnd = 1000, .mss = 1460,
	}, synack;
	struct cse_tcp_sock *tp;
	struct cse_sock *c;
	char buf[4];

	ASSERT_EQ(0, t_syn(self, &syn, &synack));
	ASSERT_EQ(1460, synack.mss);
	ASSERT_FALSE(synack.has_ts);
	c = t_ack(self, &syn, &synack);
	ASSERT_NE(NULL, c);
	tp = cse_tcp_sk(c);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, (int)tp->state);
	ASSERT_EQ(1460, tp->mss);
	ASSERT_FALSE(tp->wscale_ok);
	ASSERT_FALSE(tp->sack_ok);
	ASSERT_EQ(1000u, tp->snd_wnd);
	ASSERT_EQ(2, cse_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL, NULL));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_cookie_ok);
	ASSERT_EQ(4u, cse_tcp_sk(self->l)->syn_n);	/* untouched */
	ASSERT_EQ(3, cse_sendto(c, "abc", 3, 0, NULL, 0));
}

/* The cookie names the largest table MSS not over the peer's. */
TEST_F(cookie, mss_is_rounded_down_to_the_table)
{
	struct t_seg syn = {
		.sport = 3001, .dport = 80, .seq = 5, .flags = T_SYN,
		.wnd = 1000, .mss = 1400,
	}, synack;
	struct cse_sock *c;

	ASSERT_EQ(0, t_syn(self, &syn, &synack));
	c = t_ack(self, &syn, &synack);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1300, cse_tcp_sk(c)->mss);
}

/* With timestamps the TSval's low bits bring back WS and SACK. */
TEST_F(cookie, window_scale_and_sack_return_in_the_timestamp)
{
	struct t_seg syn = {
		.sport = 3002, .dport = 80, .seq = 9, .flags = T_SYN,
		.wnd = 1000, .mss = 1460, .has_ws = true, .ws = 7,
		.has_ts = true, .tsval = 4242, .has_sackok = true,
	}, synack;
	struct cse_tcp_sock *tp;
	struct cse_sock *c;

	ASSERT_EQ(0, t_syn(self, &syn, &synack));
	ASSERT_TRUE(synack.has_ws);
	ASSERT_EQ(6, synack.ws);
	ASSERT_TRUE(synack.has_sackok);
	ASSERT_EQ(4242u, synack.tsecr);
	ASSERT_EQ(7u | 0x10, synack.tsval & 63);
	c = t_ack(self, &syn, &synack);
	ASSERT_NE(NULL, c);
	tp = cse_tcp_sk(c);
	ASSERT_TRUE(tp->ts_on);
	ASSERT_TRUE(tp->sack_ok);
	ASSERT_TRUE(tp->wscale_ok);
	ASSERT_EQ(7, tp->snd_wscale);
	ASSERT_EQ(6, tp->rcv_wscale);
	ASSERT_EQ(1000u << 7, tp->snd_wnd);
	ASSERT_EQ(1448, tp->mss);
	ASSERT_EQ(4243u, tp->ts_recent);
	/* Our later TSvals never go back below the cookie's. */
	ASSERT_TRUE(cse_seq_leq(synack.tsval, cse_tcp_ts_now(tp)));
}

TEST_F(cookie, forged_cookie_gets_a_reset)
{
	struct t_seg syn = {
		.sport = 3003, .dport = 80, .seq = 11, .flags = T_SYN,
		.wnd = 1000, .mss = 1460,
	}, synack, out;

	ASSERT_EQ(0, t_syn(self, &syn, &synack));
	synack.seq ^= 0x10;			/* one bit of the MAC */
	ASSERT_EQ(NULL, t_ack(self, &syn, &synack));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST, out.flags);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_cookie_bad);
}

/* A cookie is good for two 64-second ticks after its own. */
TEST_F(cookie, stale_cookie_gets_a_reset)
{
	struct t_seg syn = {
		.sport = 3004, .dport = 80, .seq = 13, .flags = T_SYN,
		.wnd = 1000, .mss = 1460,
	}, synack, out;

	ASSERT_EQ(0, t_syn(self, &syn, &synack));
	self->e.clock.now += 4 * 64 * CSE_NSEC_PER_SEC;
	ASSERT_EQ(NULL, t_ack(self, &syn, &synack));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(T_RST, out.flags);
}

/* As Linux: a listener that sent no cookie lately takes no ACK as one. */
TEST(ack_to_a_listener_without_recent_cookies_is_reset)
{
	struct t_env e;
	struct cse_sock *l;
	struct t_seg out;

	t_env_config(&e);
	ASSERT_EQ(0, t_tcp_env_start(&e));
	l = t_tcp_listener(&e, 80);
	ASSERT_NE(NULL, l);
	t_tcp_in(&e, &(struct t_seg){
		.sport = 4000, .dport = 80, .seq = 1, .ack = 12345,
		.flags = T_ACK, .wnd = 1000 });
	ASSERT_EQ(0, t_tcp_out(&e, &out));
	ASSERT_EQ(T_RST, out.flags);
	ASSERT_EQ(0u, cse_stack_stats(e.st)->tcp_cookie_bad);
	t_env_fini(&e);
}

TEST_HARNESS_MAIN

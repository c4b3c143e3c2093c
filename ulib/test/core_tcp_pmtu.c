// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU discovery (RFC 1191) on a scripted wire: an ICMP
 * "fragmentation needed" about a segment in flight shrinks the MSS and
 * the data goes again in smaller segments; RFC 5927's check still holds.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

FIXTURE(pmtu) {
	struct t_env e;
	struct cse_sock *l, *c;
	uint32_t iss;
	struct t_seg first;		/* our first data segment */
};

/* A connection that has sent 3000 bytes: segments of 1460 and 1460. */
FIXTURE_SETUP(pmtu)
{
	static char data[3000];

	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	self->l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, self->l);
	self->c = t_tcp_accepted(&self->e, self->l, 80, &self->iss);
	ASSERT_NE(NULL, self->c);
	ASSERT_EQ(3000, cse_sendto(self->c, data, sizeof(data), 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &self->first));
	ASSERT_EQ(1460u, self->first.len);
	t_skip_all(&self->e);
}

FIXTURE_TEARDOWN(pmtu)
{
	t_env_fini(&self->e);
}

TEST_F(pmtu, fragmentation_needed_shrinks_the_mss_and_resends)
{
	struct t_seg out;

	t_tcp_icmp(&self->e, 4, 1000, &self->first);
	ASSERT_EQ(960, cse_tcp_sk(self->c)->mss);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);	/* again from snd_una */
	ASSERT_EQ(960u, out.len);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(960u, out.len);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_pmtu_shrink);
	ASSERT_EQ(0, cse_tcp_sk(self->c)->sk.err);	/* not an error */
}

/* The floor is Linux's min_pmtu, 552; RFC 792 routers say 0. */
TEST_F(pmtu, tiny_or_missing_mtu_stops_at_the_floor)
{
	t_tcp_icmp(&self->e, 4, 68, &self->first);
	ASSERT_EQ(512, cse_tcp_sk(self->c)->mss);
	t_tcp_icmp(&self->e, 4, 0, &self->first);
	ASSERT_EQ(512, cse_tcp_sk(self->c)->mss);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->tcp_pmtu_shrink);
}

TEST_F(pmtu, larger_mtu_changes_nothing)
{
	t_tcp_icmp(&self->e, 4, 9000, &self->first);
	ASSERT_EQ(1460, cse_tcp_sk(self->c)->mss);
	ASSERT_EQ(0u, t_pending(&self->e));
}

/* RFC 5927: a quote of a sequence number not in flight is not believed. */
TEST_F(pmtu, quote_outside_the_flight_is_ignored)
{
	struct t_seg q = self->first;

	q.seq = self->iss + 100000;
	t_tcp_icmp(&self->e, 4, 1000, &q);
	ASSERT_EQ(1460, cse_tcp_sk(self->c)->mss);
}

/* The link's own MTU shrank (a ring MTU event): as a path-MTU message. */
TEST_F(pmtu, link_mtu_shrink_resends_to_fit)
{
	struct t_seg out;

	ASSERT_EQ(0, cse_stack_set_mtu(self->e.st, 1000));
	ASSERT_EQ(960, cse_tcp_sk(self->c)->mss);
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	ASSERT_EQ(self->iss + 1, out.seq);
	ASSERT_EQ(960u, out.len);
}

TEST_F(pmtu, link_mtu_bounds)
{
	ASSERT_EQ(-EINVAL, cse_stack_set_mtu(self->e.st, 575));
	ASSERT_EQ(-EINVAL, cse_stack_set_mtu(self->e.st, 65536));
	/* Growing takes effect for new connections only. */
	ASSERT_EQ(0, cse_stack_set_mtu(self->e.st, 9000));
	ASSERT_EQ(1460, cse_tcp_sk(self->c)->mss);
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_HARNESS_MAIN

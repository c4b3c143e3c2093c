// SPDX-License-Identifier: GPL-2.0
/* The impaired in-memory link, alone and between two stack instances. */
#include "kselftest_harness.h"
#define T_NO_SOCK_HELPERS
#include "t_stack.h"
#include "link/mem.h"

#define T_NS_MS		CSE_NSEC_PER_MSEC

struct t_wire {
	struct t_clock clock;
	struct cse_memlink *l;
	struct cse_link end[2];
};

static int t_wire_make(struct t_wire *w, const struct cse_memlink_impair *imp,
		       uint64_t seed, unsigned int max_frames)
{
	struct cse_memlink_config c = {
		.clock = { t_clock_now, &w->clock },
		.mtu = 1500,
		.max_frames = max_frames,
		.mac = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } },
		.seed = seed,
	};
	int err;

	if (imp)
		c.impair = *imp;
	w->clock.now = 1;
	err = cse_memlink_create(&c, &w->l);
	if (!err) {
		w->end[0] = cse_memlink_end(w->l, 0);
		w->end[1] = cse_memlink_end(w->l, 1);
	}
	return err;
}

static int t_tx(struct cse_link *l, uint32_t seq)
{
	uint8_t f[64] = { 0 };

	cse_put32(f + 14, seq);
	return l->ops->xmit(l->priv, f, sizeof(f));
}

/* Receive everything due; record sequence numbers. Returns the count. */
static unsigned int t_rx_all(struct cse_link *l, uint32_t *seq,
			     unsigned int max)
{
	uint8_t f[2048];
	unsigned int n = 0;
	int len;

	while ((len = l->ops->recv(l->priv, f, sizeof(f))) > 0)
		if (n < max)
			seq[n++] = cse_get32(f + 14);
	return n;
}

TEST(unimpaired_link_delivers_in_order_between_the_two_ends)
{
	struct t_wire w;
	uint32_t seq[16];
	uint8_t mac[6];
	unsigned int i;

	ASSERT_EQ(0, t_wire_make(&w, NULL, 1, 64));
	w.end[1].ops->mac(w.end[1].priv, mac);
	ASSERT_EQ(2, mac[5]);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, t_tx(&w.end[0], i));
	ASSERT_EQ(0u, t_rx_all(&w.end[0u], seq, 16u));
	ASSERT_EQ(10u, t_rx_all(&w.end[1u], seq, 16u));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(i, seq[i]);
	cse_memlink_destroy(w.l);
}

TEST(delay_holds_frames_until_due)
{
	struct cse_memlink_impair imp = { .delay_ns = 5 * T_NS_MS };
	struct t_wire w;
	uint32_t seq[4];

	ASSERT_EQ(0, t_wire_make(&w, &imp, 1, 64));
	t_tx(&w.end[0], 7);
	ASSERT_EQ(1 + 5 * T_NS_MS, cse_memlink_next(w.l));
	w.clock.now += 5 * T_NS_MS - 1;
	ASSERT_EQ(0u, t_rx_all(&w.end[1u], seq, 4u));
	w.clock.now += 1;
	ASSERT_EQ(1u, t_rx_all(&w.end[1u], seq, 4u));
	ASSERT_EQ(UINT64_MAX, cse_memlink_next(w.l));
	cse_memlink_destroy(w.l);
}

/* Send @n frames through @imp with @seed; returns what end 1 saw. */
static unsigned int t_run(const struct cse_memlink_impair *imp, uint64_t seed,
			  unsigned int n, uint32_t *seq,
			  struct cse_memlink_stats *st)
{
	struct t_wire w;
	unsigned int i, got;

	if (t_wire_make(&w, imp, seed, 100000))
		return 0;
	for (i = 0; i < n; i++)
		t_tx(&w.end[0], i);
	w.clock.now += 1000 * T_NS_MS;
	got = t_rx_all(&w.end[1], seq, 2 * n);
	*st = *cse_memlink_stats(w.l, 0);
	cse_memlink_destroy(w.l);
	return got;
}

TEST(same_seed_gives_the_same_impairments)
{
	struct cse_memlink_impair imp = {
		.drop_ppm = 100000, .dup_ppm = 50000, .reorder_ppm = 50000,
		.reorder_ns = T_NS_MS,
	};
	static uint32_t a[4000], b[4000], c[4000];
	struct cse_memlink_stats sa, sb, sc;
	unsigned int na = t_run(&imp, 7, 2000, a, &sa);

	ASSERT_EQ(na, t_run(&imp, 7, 2000, b, &sb));
	ASSERT_EQ(0, memcmp(a, b, na * sizeof(a[0])));
	ASSERT_EQ(sa.dropped, sb.dropped);
	t_run(&imp, 8, 2000, c, &sc);
	ASSERT_NE(0, memcmp(a, c, na * sizeof(a[0])));
}

TEST(impairment_rates_follow_their_settings)
{
	struct cse_memlink_impair imp = {
		.drop_ppm = 50000, .dup_ppm = 10000, .reorder_ppm = 50000,
		.corrupt_ppm = 20000, .reorder_ns = T_NS_MS,
	};
	static uint32_t seq[40000];
	struct cse_memlink_stats st;
	unsigned int got = t_run(&imp, 3, 20000, seq, &st), i, late = 0;

	/* Expected 1000, 200, 950, 400; allow generous binomial slack. */
	ASSERT_GT(st.dropped, 800u);
	ASSERT_LT(st.dropped, 1200u);
	ASSERT_GT(st.duplicated, 120u);
	ASSERT_LT(st.duplicated, 280u);
	ASSERT_GT(st.reordered, 750u);
	ASSERT_LT(st.reordered, 1150u);
	ASSERT_GT(st.corrupted, 300u);
	ASSERT_LT(st.corrupted, 500u);
	ASSERT_EQ(20000 - st.dropped + st.duplicated, got);
	for (i = 1; i < got; i++)
		late += seq[i] < seq[i - 1];
	ASSERT_GT(late, 0u);
}

TEST(full_queue_counts_overflow_instead_of_growing)
{
	struct t_wire w;
	unsigned int i;

	ASSERT_EQ(0, t_wire_make(&w, NULL, 1, 8));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, t_tx(&w.end[0], i));
	ASSERT_EQ(12u, cse_memlink_stats(w.l, 0u)->overflow);
	cse_memlink_destroy(w.l);
}

TEST(oversized_frame_is_refused)
{
	static uint8_t big[1515];
	struct t_wire w;

	ASSERT_EQ(0, t_wire_make(&w, NULL, 1, 8));
	ASSERT_EQ(-EMSGSIZE, w.end[0].ops->xmit(w.end[0].priv, big,
						 sizeof(big)));
	cse_memlink_destroy(w.l);
}

TEST(lent_frame_travels_itself_and_bad_commits_are_refused)
{
	struct t_wire w;
	struct cse_link *l;
	void *f, *again;
	uint32_t seq;

	ASSERT_EQ(0, t_wire_make(&w, NULL, 1, 8));
	l = &w.end[0];
	ASSERT_EQ(-EMSGSIZE, l->ops->tx_get(l->priv, 1515, &f));
	ASSERT_EQ(0, l->ops->tx_get(l->priv, 1514, &f));
	/* Not committed yet: the same frame is lent again. */
	ASSERT_EQ(0, l->ops->tx_get(l->priv, 64, &again));
	ASSERT_EQ(f, again);
	memset(f, 0, 64);
	cse_put32((uint8_t *)f + 14, 77);
	ASSERT_EQ(-EINVAL, l->ops->tx_commit(l->priv, (uint8_t *)f + 1, 64));
	ASSERT_EQ(-EINVAL, l->ops->tx_commit(l->priv, f, 1515));
	ASSERT_EQ(0, l->ops->tx_commit(l->priv, f, 64));
	/* Nothing lent any more. */
	ASSERT_EQ(-EINVAL, l->ops->tx_commit(l->priv, f, 64));
	ASSERT_EQ(1u, t_rx_all(&w.end[1], &seq, 1));
	ASSERT_EQ(77u, seq);
	ASSERT_EQ(1u, cse_memlink_stats(w.l, 0u)->sent);
	/* A frame lent and never committed is freed with the wire. */
	ASSERT_EQ(0, l->ops->tx_get(l->priv, 64, &f));
	cse_memlink_destroy(w.l);
}

/* Two instances, 10.0.0.1 and 10.0.0.2, on one impaired wire. */
struct t_pair {
	struct t_wire w;
	struct cse_stack *st[2];
	struct cse_sock *s[2];
};

static int t_pair_make(struct t_pair *p, const struct cse_memlink_impair *imp,
		       uint64_t seed)
{
	unsigned int i;
	int err = t_wire_make(&p->w, imp, seed, 4096);

	for (i = 0; !err && i < 2; i++) {
		struct cse_stack_config c;
		struct sockaddr_in sin = t_sin(0, 7000 + i);

		cse_stack_config_defaults(&c);
		c.link = p->w.end[i];
		c.clock = (struct cse_clock){ t_clock_now, &p->w.clock };
		c.addr.s_addr = htonl(T_OUR_IP + i);
		c.prefix_len = 24;
		c.seed = seed + i;
		err = cse_stack_create(&c, &p->st[i]);
		if (!err)
			err = cse_socket(p->st[i], SOCK_DGRAM, 0, &p->s[i]);
		if (!err)
			err = cse_bind(p->s[i], T_SA(&sin), sizeof(sin));
	}
	return err;
}

static void t_pair_free(struct t_pair *p)
{
	cse_stack_destroy(p->st[0]);
	cse_stack_destroy(p->st[1]);
	cse_memlink_destroy(p->w.l);
}

/* Run both instances until nothing is due before @until. */
static void t_pair_run(struct t_pair *p, uint64_t until)
{
	for (;;) {
		uint64_t next = cse_memlink_next(p->w.l);
		unsigned int i;

		for (i = 0; i < 2; i++) {
			uint64_t t = cse_stack_next_timer(p->st[i]);

			next = t < next ? t : next;
		}
		for (i = 0; i < 2; i++)
			cse_stack_poll(p->st[i], 64);
		if (next > until)
			break;
		if (next > p->w.clock.now)
			p->w.clock.now = next;
	}
	p->w.clock.now = until;
}

/* Datagram @i: its index, then bytes derived from it. */
static unsigned int t_fill(uint8_t *buf, uint32_t i)
{
	unsigned int len = 4 + (i * 37) % 1400, k;

	cse_put32(buf, i);
	for (k = 4; k < len; k++)
		buf[k] = (uint8_t)(i * 131 + k * 7);
	return len;
}

TEST(two_instances_exchange_udp_over_a_clean_link)
{
	struct t_pair p;
	struct sockaddr_in to = t_sin(T_OUR_IP + 1, 7001);
	uint8_t buf[1500], want[1500];
	uint32_t i;

	ASSERT_EQ(0, t_pair_make(&p, NULL, 11));
	for (i = 0; i < 100; i++) {
		unsigned int len = t_fill(buf, i);

		ASSERT_EQ(len, cse_sendto(p.s[0], buf, len, 0, T_SA(&to),
					  sizeof(to)));
		t_pair_run(&p, p.w.clock.now + T_NS_MS);
	}
	for (i = 0; i < 100; i++) {
		unsigned int len = t_fill(want, i);

		ASSERT_EQ(len, cse_recvfrom(p.s[1], buf, sizeof(buf), 0, NULL,
					    NULL, NULL));
		ASSERT_EQ(0, memcmp(buf, want, len));
	}
	t_pair_free(&p);
}

TEST(two_instances_over_an_impaired_link_deliver_only_intact_datagrams)
{
	struct cse_memlink_impair imp = {
		.drop_ppm = 50000, .dup_ppm = 10000, .reorder_ppm = 50000,
		.corrupt_ppm = 50000, .delay_ns = T_NS_MS,
		.reorder_ns = 3 * T_NS_MS,
	};
	static uint8_t seen[2000];
	struct t_pair p;
	struct sockaddr_in to = t_sin(T_OUR_IP + 1, 7001);
	uint8_t buf[1500], want[1500];
	unsigned int got = 0, dups = 0;
	uint32_t i;
	ssize_t n;

	ASSERT_EQ(0, t_pair_make(&p, &imp, 5));
	for (i = 0; i < 2000; i++) {
		unsigned int len = t_fill(buf, i);

		/* Unresolved (ARP lost) sends may be dropped; not an error. */
		cse_sendto(p.s[0], buf, len, 0, T_SA(&to), sizeof(to));
		t_pair_run(&p, p.w.clock.now + T_NS_MS);
		while ((n = cse_recvfrom(p.s[1], buf, sizeof(buf), 0, NULL,
					 NULL, NULL)) > 0) {
			uint32_t idx = cse_get32(buf);

			ASSERT_LT(idx, 2000u);
			ASSERT_EQ(t_fill(want, idx), n);
			ASSERT_EQ(0, memcmp(buf, want, n));
			dups += seen[idx];
			seen[idx] = 1;
			got++;
		}
	}
	TH_LOG("%u of 2000 delivered, %u duplicates, %lu corrupt frames",
	       got, dups, cse_memlink_stats(p.w.l, 0)->corrupted);
	/* Corruption was caught by checksums, not delivered. */
	ASSERT_GT(cse_memlink_stats(p.w.l, 0)->corrupted, 0u);
	ASSERT_GT(cse_stack_stats(p.st[1u])->udp_bad_csum +
		  cse_stack_stats(p.st[1])->ip_bad_csum +
		  cse_stack_stats(p.st[1])->eth_not_ours, 0u);
	ASSERT_GT(got, 1600u);
	ASSERT_GT(dups, 0u);
	t_pair_free(&p);
}

TEST(two_instances_do_not_share_state)
{
	struct t_pair p;
	struct sockaddr_in to = t_sin(T_OUR_IP + 1, 7001);

	ASSERT_EQ(0, t_pair_make(&p, NULL, 1));
	ASSERT_EQ(1, cse_sendto(p.s[0], "x", 1, 0, T_SA(&to), sizeof(to)));
	ASSERT_EQ(1u, cse_stack_stats(p.st[0u])->udp_tx);
	ASSERT_EQ(0u, cse_stack_stats(p.st[1u])->udp_tx);
	ASSERT_EQ(1u, cse_stack_stats(p.st[0u])->arp_requests_tx);
	ASSERT_EQ(0u, cse_stack_stats(p.st[1u])->arp_requests_tx);
	t_pair_run(&p, p.w.clock.now + T_NS_MS);
	ASSERT_EQ(1u, cse_stack_stats(p.st[1u])->udp_rx);
	ASSERT_EQ(0u, cse_stack_stats(p.st[0u])->udp_rx);
	t_pair_free(&p);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/* The stack's building blocks: checksums, timers, packet buffers, routes. */
#include "kselftest_harness.h"
#include "core/csum.h"
#include "core/pbuf.h"
#include "core/rand.h"
#include "core/ring.h"
#include "core/route.h"
#include "core/siphash.h"
#include "core/timer.h"

TEST(csum_matches_rfc1071_worked_example)
{
	/* RFC 1071 section 3: these bytes sum to ddf2, checksum 220d. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	ASSERT_EQ(0xddf2u, cse_csum_add(0, b, sizeof(b)) % 0xffff);
	ASSERT_EQ(0x220d, cse_csum(b, sizeof(b)));
}

TEST(csum_pads_odd_length_with_a_zero_byte)
{
	static const uint8_t odd[] = { 0x12, 0x34, 0x56 };
	static const uint8_t even[] = { 0x12, 0x34, 0x56, 0x00 };

	ASSERT_EQ(cse_csum(even, 4), cse_csum(odd, 3));
}

TEST(csum_over_data_and_its_checksum_is_zero)
{
	uint8_t h[20] = { 0x45, 0, 0, 0x54, 0xab, 0xcd, 0x40, 0, 64, 1, 0, 0,
			  10, 0, 0, 1, 10, 0, 0, 2 };
	uint16_t c = cse_csum(h, sizeof(h));

	h[10] = c >> 8;
	h[11] = c & 0xff;
	ASSERT_EQ(0, cse_csum(h, sizeof(h)));
}

/* RFC 1071 as written: 16-bit words one by one, end-around carry. */
static uint16_t t_csum_ref(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

TEST(csum_eight_at_a_time_matches_word_by_word_at_any_alignment)
{
	static uint8_t buf[4096 + 8];
	unsigned int i, off, len;
	struct cse_rng r;

	cse_rng_seed(&r, 1071);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)cse_rng_next(&r);
	/* All ones makes the most carries. */
	memset(buf + 2048, 0xff, 1024);
	for (i = 0; i < 20000; i++) {
		uint32_t start = cse_rng_below(&r, 0x10000);

		off = cse_rng_below(&r, 8) + (i & 1 ? 2048 : 0);
		len = cse_rng_below(&r, i < 100 ? 20 : 1600);
		if (cse_csum_fold(cse_csum_add(start, buf + off, len)) !=
		    t_csum_ref(start, buf + off, len))
			TH_LOG("differs: offset %u, length %u, start %u", off,
			       len, start);
		ASSERT_EQ(t_csum_ref(start, buf + off, len),
			  cse_csum_fold(cse_csum_add(start, buf + off, len)));
	}
	/* Zeros sum to zero: the field of an all-zero block is 0xffff. */
	memset(buf, 0, 64);
	ASSERT_EQ(0xffff, cse_csum(buf, 64));
}

TEST(csum_pseudo_header_equals_summing_its_bytes)
{
	static const uint8_t ph[12] = { 10, 0, 0, 1, 192, 168, 1, 200,
					0, 17, 0x05, 0xdc };

	ASSERT_EQ(cse_csum_fold(cse_csum_add(0, ph, sizeof(ph))),
		  cse_csum_fold(cse_csum_pseudo(0x0a000001, 0xc0a801c8, 17,
						1500)));
}

struct t_tick {
	struct cse_timer t;
	int order[8];
	int *n;
	int id;
};

static void t_tick_fn(struct cse_timer *t, uint64_t now)
{
	struct t_tick *k = cse_container_of(t, struct t_tick, t);

	k->order[(*k->n)++] = k->id;
}

static int fired_order[8], fired_n;

static void t_record(struct cse_timer *t, uint64_t now)
{
	fired_order[fired_n++] = (int)t->expires;
}

TEST(timers_fire_in_expiry_order_and_only_when_due)
{
	struct cse_timers ts;
	struct cse_timer t[3];
	static const uint64_t when[3] = { 30, 10, 20 };
	int i;

	fired_n = 0;
	cse_timers_init(&ts, 0);
	for (i = 0; i < 3; i++) {
		cse_timer_init(&t[i], t_record);
		cse_timer_mod(&ts, &t[i], when[i]);
	}
	ASSERT_EQ(10u, cse_timers_next(&ts));
	ASSERT_EQ(0u, cse_timers_run(&ts, 9u));
	ASSERT_EQ(2u, cse_timers_run(&ts, 20u));
	ASSERT_EQ(10, fired_order[0]);
	ASSERT_EQ(20, fired_order[1]);
	ASSERT_TRUE(cse_timer_pending(&t[0]));
	ASSERT_EQ(1u, cse_timers_run(&ts, 1000u));
	ASSERT_EQ(CSE_TIMER_NEVER, cse_timers_next(&ts));
}

TEST(timers_with_equal_expiry_fire_in_arm_order)
{
	struct t_tick k[3];
	struct cse_timers ts;
	int n = 0, i, order[3];

	cse_timers_init(&ts, 0);
	for (i = 0; i < 3; i++) {
		k[i] = (struct t_tick){ .n = &n, .id = i };
		cse_timer_init(&k[i].t, t_tick_fn);
		cse_timer_mod(&ts, &k[i].t, 5);
	}
	cse_timers_run(&ts, 5);
	ASSERT_EQ(3, n);
	/* Each records into its own array at the shared index. */
	for (i = 0; i < 3; i++)
		order[i] = k[i].order[i];
	ASSERT_EQ(0, order[0]);
	ASSERT_EQ(1, order[1]);
	ASSERT_EQ(2, order[2]);
}

TEST(timer_rearmed_or_deleted_does_not_fire_at_old_time)
{
	struct cse_timers ts;
	struct cse_timer a, b;

	fired_n = 0;
	cse_timers_init(&ts, 0);
	cse_timer_init(&a, t_record);
	cse_timer_init(&b, t_record);
	cse_timer_mod(&ts, &a, 10);
	cse_timer_mod(&ts, &b, 10);
	cse_timer_mod(&ts, &a, 50);
	cse_timer_del(&b);
	ASSERT_FALSE(cse_timer_pending(&b));
	ASSERT_EQ(0u, cse_timers_run(&ts, 49u));
	ASSERT_EQ(1u, cse_timers_run(&ts, 50u));
	ASSERT_EQ(50, fired_order[0]);
}

static struct cse_timers *rearm_ts;

static void t_rearm(struct cse_timer *t, uint64_t now)
{
	fired_n++;
	cse_timer_mod(rearm_ts, t, now + 10);
}

TEST(timer_callback_may_rearm_itself_without_looping)
{
	struct cse_timers ts;
	struct cse_timer t;

	fired_n = 0;
	rearm_ts = &ts;
	cse_timers_init(&ts, 0);
	cse_timer_init(&t, t_rearm);
	cse_timer_mod(&ts, &t, 0);
	ASSERT_EQ(1u, cse_timers_run(&ts, 5u));
	ASSERT_EQ(15u, cse_timers_next(&ts));
	cse_timer_del(&t);
}

TEST(pbuf_charges_instance_memory_and_frees_it)
{
	struct cse_mem m = { .limit = 4096 };
	struct cse_pbuf *pb = cse_pbuf_alloc(&m, 64, 100);

	ASSERT_NE(NULL, pb);
	ASSERT_EQ(pb->truesize, m.used);
	ASSERT_GE(pb->truesize, 164u);
	cse_pbuf_free(&m, pb);
	ASSERT_EQ(0u, m.used);
}

TEST(pbuf_beyond_memory_limit_is_refused)
{
	struct cse_mem m = { .limit = 1000 };
	struct cse_pbuf *a = cse_pbuf_alloc(&m, 0, 600);

	ASSERT_NE(NULL, a);
	ASSERT_NULL(cse_pbuf_alloc(&m, 0, 600));
	ASSERT_NULL(cse_pbuf_alloc(&m, 0, 0xffffffffu));
	ASSERT_EQ(a->truesize, m.used);
	cse_pbuf_free(&m, a);
}

TEST(pbuf_push_and_pull_stay_inside_the_buffer)
{
	struct cse_mem m = { .limit = 4096 };
	struct cse_pbuf *pb = cse_pbuf_alloc(&m, 16, 10);

	ASSERT_NULL(cse_pbuf_push(pb, 17));
	ASSERT_NE(NULL, cse_pbuf_push(pb, 16));
	ASSERT_EQ(26u, pb->len);
	ASSERT_NULL(cse_pbuf_pull(pb, 27));
	ASSERT_NE(NULL, cse_pbuf_pull(pb, 26));
	ASSERT_EQ(0u, pb->len);
	cse_pbuf_free(&m, pb);
}

TEST(pbuf_queue_is_fifo_and_counts_bytes)
{
	struct cse_mem m = { .limit = 1 << 20 };
	struct cse_pbuf *a = cse_pbuf_alloc(&m, 0, 1);
	struct cse_pbuf *b = cse_pbuf_alloc(&m, 0, 2);
	struct cse_pbq q;

	cse_pbq_init(&q);
	cse_pbq_push(&q, a);
	cse_pbq_push(&q, b);
	ASSERT_EQ(2u, q.count);
	ASSERT_EQ(a->truesize + b->truesize, q.bytes);
	ASSERT_EQ(a, cse_pbq_pop(&q));
	ASSERT_EQ(b->truesize, q.bytes);
	cse_pbuf_free(&m, a);
	cse_pbq_purge(&m, &q);
	ASSERT_EQ(0u, q.count);
	ASSERT_EQ(0u, m.used);
}

TEST(route_longest_prefix_wins)
{
	struct cse_route_table t = { 0 };
	uint32_t hop;

	ASSERT_EQ(0, cse_route_insert(&t, 0x0a000000, 24, 0));
	ASSERT_EQ(0, cse_route_insert(&t, 0, 0, 0x0a0000fe));
	ASSERT_EQ(0, cse_route_insert(&t, 0xc0000200, 24, 0x0a000005));
	ASSERT_EQ(0, cse_route_lookup(&t, 0x0a000009, &hop));
	ASSERT_EQ(0x0a000009u, hop);
	ASSERT_EQ(0, cse_route_lookup(&t, 0xc0000207, &hop));
	ASSERT_EQ(0x0a000005u, hop);
	ASSERT_EQ(0, cse_route_lookup(&t, 0x08080808, &hop));
	ASSERT_EQ(0x0a0000feu, hop);
}

TEST(route_without_default_reports_enetunreach)
{
	struct cse_route_table t = { 0 };
	uint32_t hop;

	ASSERT_EQ(0, cse_route_insert(&t, 0x0a000000, 24, 0));
	ASSERT_EQ(-ENETUNREACH, cse_route_lookup(&t, 0x08080808, &hop));
}

TEST(route_table_rejects_bad_duplicate_and_excess_entries)
{
	struct cse_route_table t = { 0 };
	unsigned int i;

	ASSERT_EQ(-EINVAL, cse_route_insert(&t, 0x0a000001, 24, 0));
	ASSERT_EQ(-EINVAL, cse_route_insert(&t, 0x0a000000, 33, 0));
	ASSERT_EQ(0, cse_route_insert(&t, 0x0a000000, 24, 0));
	ASSERT_EQ(-EEXIST, cse_route_insert(&t, 0x0a000000, 24, 0));
	for (i = 1; i < CSE_ROUTE_MAX; i++)
		ASSERT_EQ(0, cse_route_insert(&t, 0x0b000000 + (i << 8), 24,
					      0));
	ASSERT_EQ(-ENOSPC, cse_route_insert(&t, 0x0c000000, 24, 0));
	ASSERT_EQ(-ESRCH, cse_route_remove(&t, 0x0c000000, 24));
	ASSERT_EQ(0, cse_route_remove(&t, 0x0a000000, 24));
	ASSERT_EQ(CSE_ROUTE_MAX - 1u, t.count);
}

TEST(siphash_matches_the_reference_vectors)
{
	/* The SipHash paper's appendix A: key 00..0f, message 00..0e. */
	const uint64_t key[2] = { 0x0706050403020100ULL,
				  0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[15];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	ASSERT_EQ(0xa129ca6149be45e5ULL, cse_siphash(key, msg, 15));
	ASSERT_EQ(0x726fdb47dd0e0e31ULL, cse_siphash(key, msg, 0));
}

TEST(ring_wraps_around_and_keeps_byte_order)
{
	struct cse_mem m = { .limit = 1 << 20 };
	struct cse_ring r = { 0 };
	char out[8];

	ASSERT_EQ(0, cse_ring_alloc(&m, &r, 8));
	ASSERT_EQ(8u, m.used);
	ASSERT_EQ(6u, cse_ring_write(&r, "abcdef", 6u));
	cse_ring_drop(&r, 4);
	ASSERT_EQ(6u, cse_ring_write(&r, "ghijklmn", 8u));	/* wraps */
	ASSERT_EQ(0u, cse_ring_space(&r));
	cse_ring_peek(&r, 0, out, 8);
	ASSERT_EQ(0, memcmp(out, "efghijkl", 8));
	cse_ring_peek(&r, 5, out, 3);
	ASSERT_EQ(0, memcmp(out, "jkl", 3));
	cse_ring_free(&m, &r);
	ASSERT_EQ(0u, m.used);
	cse_ring_drop(&r, 0);		/* harmless on a freed ring */
}

TEST(ring_beyond_the_memory_bound_is_refused)
{
	struct cse_mem m = { .limit = 100 };
	struct cse_ring r = { 0 };

	ASSERT_EQ(-ENOBUFS, cse_ring_alloc(&m, &r, 101));
	ASSERT_EQ(0u, m.used);
}

TEST_HARNESS_MAIN

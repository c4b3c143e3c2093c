// SPDX-License-Identifier: GPL-2.0
/*
 * The timing wheel: timers fire at their exact time and in order across
 * every level, survive re-arming, deletion from callbacks, far-future
 * expiries and clock jumps, and idle timers cost the wheel nothing.
 */
#include "kselftest_harness.h"
#include "core/rand.h"
#include "core/timer.h"
#include "core/util.h"

#define T_MS	1000000ull
#define T_SEC	(1000 * T_MS)

/* A timer that records when it fired and in what order. */
struct t_rec {
	struct cse_timer t;
	uint64_t fired_at;		/* 0: not fired */
	unsigned int order;
	struct t_rec *victim;		/* deleted by this one's callback */
	bool again;			/* re-arms itself due at once */
};

static unsigned int t_fired;
static struct cse_timers *t_ts;

static void t_rec_fn(struct cse_timer *t, uint64_t now)
{
	struct t_rec *r = cse_container_of(t, struct t_rec, t);

	r->fired_at = now;
	r->order = t_fired++;
	if (r->victim)
		cse_timer_del(&r->victim->t);
	if (r->again) {
		cse_timer_mod(t_ts, t, now);
		r->again = false;
	}
}

static void t_wheel(struct cse_timers *ts, uint64_t now)
{
	cse_timers_init(ts, now);
	t_ts = ts;
	t_fired = 0;
}

static void t_arm(struct cse_timers *ts, struct t_rec *r, uint64_t when)
{
	memset(r, 0, sizeof(*r));
	cse_timer_init(&r->t, t_rec_fn);
	cse_timer_mod(ts, &r->t, when);
}

/* As a punctual poller: run at each next(), up to @end. */
static uint64_t t_poll_until(struct cse_timers *ts, uint64_t now, uint64_t end)
{
	uint64_t next;

	while ((next = cse_timers_next(ts)) <= end) {
		if (next > now)
			now = next;
		cse_timers_run(ts, now);
	}
	return end;
}

#define T_N	3000

TEST(every_level_fires_at_the_exact_time_in_order)
{
	static struct t_rec r[T_N];
	struct cse_timers ts;
	uint64_t start = 5 * T_SEC;
	struct cse_rng rng;
	unsigned int i, j;

	t_wheel(&ts, start);
	cse_rng_seed(&rng, 9);
	for (i = 0; i < T_N; i++) {
		/* Distances from nanoseconds to days: every level. */
		uint64_t d = (uint64_t)cse_rng_next(&rng) >>
			     cse_rng_below(&rng, 32);

		d *= 1u << cse_rng_below(&rng, 18);
		if (i && i % 10 == 0)
			d = r[i / 2].t.expires - start;	/* ties */
		t_arm(&ts, &r[i], start + d);
	}
	t_poll_until(&ts, start, UINT64_MAX - 1);
	ASSERT_EQ((unsigned int)T_N, t_fired);
	for (i = 0; i < T_N; i++) {
		ASSERT_EQ(r[i].t.expires, r[i].fired_at);
		ASSERT_FALSE(cse_timer_pending(&r[i].t));
	}
	/* Earlier expiry first; equal ones in the order they were armed. */
	for (i = 0; i < T_N; i += 7)
		for (j = 0; j < T_N; j += 5)
			if (r[i].t.expires < r[j].t.expires ||
			    (r[i].t.expires == r[j].t.expires && i < j))
				ASSERT_LT(r[i].order, r[j].order);
	ASSERT_EQ(CSE_TIMER_NEVER, cse_timers_next(&ts));
}

TEST(many_in_one_tick_fire_in_order_however_armed)
{
	static struct t_rec r[T_N];
	struct cse_timers ts;
	struct cse_rng rng;
	unsigned int i, j;

	t_wheel(&ts, 0);
	cse_rng_seed(&rng, 3);
	/* First descending, then at random, some equal: all in tick 5. */
	for (i = 0; i < T_N; i++)
		t_arm(&ts, &r[i], (5ull << CSE_TIMER_TICK_SHIFT) +
			       (i < T_N / 2 ? T_N - i :
				cse_rng_below(&rng, T_N / 4)));
	ASSERT_EQ((unsigned int)T_N,
		  cse_timers_run(&ts, 6ull << CSE_TIMER_TICK_SHIFT));
	for (i = 0; i < T_N; i += 3)
		for (j = 0; j < T_N; j += 7)
			if (r[i].t.expires < r[j].t.expires ||
			    (r[i].t.expires == r[j].t.expires && i < j))
				ASSERT_LT(r[i].order, r[j].order);
}

TEST(next_is_exact_near_and_never_late_far)
{
	struct cse_timers ts;
	struct t_rec a, b;

	t_wheel(&ts, 0);
	t_arm(&ts, &a, 3 * T_SEC + 17);
	/* Far: a lower bound, never after the expiry. */
	ASSERT_LE(cse_timers_next(&ts), a.t.expires);
	ASSERT_GT(cse_timers_next(&ts), 2 * T_SEC);
	t_arm(&ts, &b, 5 * T_MS + 3);
	ASSERT_EQ(b.t.expires, cse_timers_next(&ts));
	ASSERT_EQ(0u, cse_timers_run(&ts, 5 * T_MS + 2));
	ASSERT_EQ(1u, cse_timers_run(&ts, 5 * T_MS + 3));
	/* Running at the bound it gave brings a's exact time nearer. */
	t_poll_until(&ts, 5 * T_MS + 3, a.t.expires - 1);
	ASSERT_EQ(a.t.expires, cse_timers_next(&ts));
	ASSERT_EQ(1u, cse_timers_run(&ts, a.t.expires));
}

TEST(rearm_moves_a_timer_between_levels_and_delete_forgets_it)
{
	struct cse_timers ts;
	struct t_rec a, b, c;

	t_wheel(&ts, T_SEC);
	t_arm(&ts, &a, T_SEC + 10 * T_MS);
	t_arm(&ts, &b, T_SEC + 3600 * T_SEC);
	t_arm(&ts, &c, T_SEC + 20 * T_MS);
	cse_timer_mod(&ts, &a.t, T_SEC + 7200 * T_SEC);	/* near -> far */
	cse_timer_mod(&ts, &b.t, T_SEC + 15 * T_MS);	/* far -> near */
	cse_timer_del(&c.t);
	cse_timer_del(&c.t);				/* twice is harmless */
	ASSERT_EQ(b.t.expires, cse_timers_next(&ts));
	t_poll_until(&ts, T_SEC, T_SEC + 3600 * T_SEC);
	ASSERT_EQ(1u, t_fired);
	ASSERT_EQ(b.t.expires, b.fired_at);
	ASSERT_EQ(0u, c.fired_at);
	ASSERT_TRUE(cse_timer_pending(&a.t));
	t_poll_until(&ts, T_SEC + 3600 * T_SEC, UINT64_MAX - 1);
	ASSERT_EQ(a.t.expires, a.fired_at);
}

TEST(callback_deletes_a_timer_due_at_the_same_run)
{
	struct cse_timers ts;
	struct t_rec a, b, c;

	t_wheel(&ts, 0);
	t_arm(&ts, &a, 100);
	t_arm(&ts, &b, 200);
	t_arm(&ts, &c, 300);
	a.victim = &b;
	c.again = true;		/* due again at once: fires in this run */
	ASSERT_EQ(3u, cse_timers_run(&ts, 400));
	ASSERT_EQ(0u, b.fired_at);
	ASSERT_EQ(400u, a.fired_at);
	ASSERT_EQ(400u, c.fired_at);
	ASSERT_EQ(2u, c.order);
	ASSERT_FALSE(cse_timer_pending(&c.t));
	ASSERT_EQ(CSE_TIMER_NEVER, cse_timers_next(&ts));
}

TEST(far_future_timers_are_kept_and_fire)
{
	struct cse_timers ts;
	struct t_rec a, b, never;
	uint64_t ten_years = 10ull * 365 * 24 * 3600 * T_SEC;

	t_wheel(&ts, T_SEC);
	t_arm(&ts, &a, ten_years);		/* beyond the top level */
	t_arm(&ts, &b, UINT64_MAX - 1);
	t_arm(&ts, &never, CSE_TIMER_NEVER);
	ASSERT_LE(cse_timers_next(&ts), a.t.expires);
	ASSERT_EQ(0u, cse_timers_run(&ts, ten_years - 1));
	ASSERT_EQ(1u, cse_timers_run(&ts, ten_years));
	ASSERT_EQ(ten_years, a.fired_at);
	t_poll_until(&ts, ten_years, UINT64_MAX - 1);
	ASSERT_EQ(UINT64_MAX - 1, b.fired_at);
	ASSERT_TRUE(cse_timer_pending(&never.t));
	cse_timer_del(&never.t);
}

TEST(a_clock_jump_fires_everything_due_in_order_at_once)
{
	static struct t_rec r[T_N];
	struct cse_timers ts;
	uint64_t start = 1000 * T_SEC, jump = start + 2 * 86400 * T_SEC;
	unsigned int i;

	t_wheel(&ts, start);
	for (i = 0; i < T_N; i++)	/* spread over three days */
		t_arm(&ts, &r[i], start + (uint64_t)(T_N - i) * 86 * T_SEC +
			       i % 7);
	cse_timers_run(&ts, jump);
	for (i = 0; i < T_N; i++) {
		bool due = r[i].t.expires <= jump;

		ASSERT_EQ(due, r[i].fired_at == jump);
		ASSERT_EQ(!due, cse_timer_pending(&r[i].t));
		if (due && i + 1 < T_N && r[i + 1].fired_at)
			ASSERT_GT(r[i].order, r[i + 1].order);
	}
	/* Each timer moved down at most once per level. */
	ASSERT_LE(ts.cascaded, (uint64_t)T_N * (CSE_TIMER_LEVELS - 1));
	/* A clock going back fires nothing early. */
	ASSERT_EQ(0u, cse_timers_run(&ts, start));
	t_poll_until(&ts, jump, UINT64_MAX - 1);
	for (i = 0; i < T_N; i++)
		ASSERT_EQ(r[i].t.expires > jump ? r[i].t.expires : jump,
			  r[i].fired_at);
}

/*
 * The wheel's work over 10 s of a busy connection's timers (re-armed each
 * millisecond, firing now and then), with and without many idle ones.
 */
static uint64_t t_busy_work(unsigned int idle, unsigned int *still)
{
	static struct t_rec r[10000], busy[4];
	uint64_t now = 50 * T_SEC, end = now + 10 * T_SEC;
	struct cse_timers ts;
	unsigned int i, runs = 0;

	t_wheel(&ts, now);
	for (i = 0; i < idle; i++)	/* keepalives: two hours out */
		t_arm(&ts, &r[i], now + 7200 * T_SEC + i * T_MS);
	for (i = 0; i < 4; i++)
		t_arm(&ts, &busy[i], now + (i + 1) * 40 * T_MS);
	for (; now < end; now += T_MS) {
		/* An ACK each millisecond pushes the retransmission timer. */
		cse_timer_mod(&ts, &busy[0].t, now + 200 * T_MS);
		if (!cse_timer_pending(&busy[1].t))
			cse_timer_mod(&ts, &busy[1].t, now + 40 * T_MS);
		runs += cse_timers_run(&ts, now);
		cse_timers_next(&ts);
	}
	*still = 0;
	for (i = 0; i < idle; i++)
		*still += cse_timer_pending(&r[i].t);
	return ts.cascaded * 1000000 + runs;
}

TEST(idle_timers_cost_the_wheel_nothing)
{
	unsigned int still;
	uint64_t alone = t_busy_work(0, &still);
	uint64_t crowded = t_busy_work(10000, &still);

	ASSERT_NE(0u, alone % 1000000);		/* timers did fire */
	ASSERT_EQ(alone, crowded);
	ASSERT_EQ(10000u, still);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The timing wheel (see timer.h). A timer at level l sits in the slot of
 * its expiry tick's bits l*6 .. l*6+5, and 1 to 64 slot widths ahead of
 * the wheel's clock, so a level's slots in the order they come due start
 * after the clock's own slot; level 0 holds ticks clk .. clk+63, one per
 * slot, the current one included. Timers already due when armed go into
 * the current slot. Each level has a bitmap of its non-empty slots, so the
 * next slot with work is found without looking at empty ones, however far
 * the clock jumps.
 */
#include "timer.h"

#define CSE_TIMER_MASK		(CSE_TIMER_SLOTS - 1)
/* Farthest a timer is placed; later ones are placed there and re-placed. */
#define CSE_TIMER_SPAN		(1ull << (CSE_TIMER_SLOT_BITS * CSE_TIMER_LEVELS))

static unsigned int cse_timer_shift(unsigned int level)
{
	return level * CSE_TIMER_SLOT_BITS;
}

static uint64_t cse_rotr64(uint64_t x, unsigned int n)
{
	n &= 63;
	return n ? x >> n | x << (64 - n) : x;
}

void cse_timers_init(struct cse_timers *ts, uint64_t now)
{
	unsigned int l, i;

	ts->clk = now >> CSE_TIMER_TICK_SHIFT;
	ts->seq = 0;
	ts->cascaded = 0;
	for (l = 0; l < CSE_TIMER_LEVELS; l++) {
		ts->occupied[l] = 0;
		for (i = 0; i < CSE_TIMER_SLOTS; i++)
			cse_list_init(&ts->slot[l][i]);
	}
}

void cse_timer_init(struct cse_timer *t, cse_timer_fn fn)
{
	cse_list_init(&t->node);
	t->expires = CSE_TIMER_NEVER;
	t->seq = 0;
	t->fn = fn;
	t->base = NULL;
	t->slot = 0;
}

bool cse_timer_pending(const struct cse_timer *t)
{
	return !cse_list_empty(&t->node);
}

/* Put @t in the slot its expiry belongs to, seen from the wheel's clock. */
static void cse_timer_place(struct cse_timers *ts, struct cse_timer *t)
{
	uint64_t tick = t->expires >> CSE_TIMER_TICK_SHIFT, d;
	unsigned int l = 0, idx;

	if (tick < ts->clk)
		tick = ts->clk;
	d = tick - ts->clk;
	if (d >= CSE_TIMER_SPAN) {
		d = CSE_TIMER_SPAN - 1;
		tick = ts->clk + d;
	}
	while (l < CSE_TIMER_LEVELS - 1 &&
	       d >> cse_timer_shift(l + 1))
		l++;
	idx = (tick >> cse_timer_shift(l)) & CSE_TIMER_MASK;
	cse_list_add_tail(&ts->slot[l][idx], &t->node);
	ts->occupied[l] |= 1ull << idx;
	t->slot = (uint16_t)(l * CSE_TIMER_SLOTS + idx);
}

void cse_timer_del(struct cse_timer *t)
{
	struct cse_timers *ts = t->base;
	unsigned int l = t->slot / CSE_TIMER_SLOTS;
	unsigned int idx = t->slot & CSE_TIMER_MASK;

	if (!cse_timer_pending(t))
		return;
	cse_list_del(&t->node);
	if (cse_list_empty(&ts->slot[l][idx]))
		ts->occupied[l] &= ~(1ull << idx);
}

void cse_timer_mod(struct cse_timers *ts, struct cse_timer *t,
		   uint64_t expires)
{
	cse_timer_del(t);
	t->expires = expires;
	t->seq = ts->seq++;
	t->base = ts;
	cse_timer_place(ts, t);
}

/*
 * The tick at which level @l next has work, or CSE_TIMER_NEVER: for level
 * 0 its first non-empty slot's tick, for the others the start of their
 * first non-empty slot, where it cascades.
 */
static uint64_t cse_timers_level_next(const struct cse_timers *ts,
				      unsigned int l)
{
	unsigned int sh = cse_timer_shift(l);
	uint64_t bits = ts->occupied[l], cur = ts->clk >> sh;

	if (!bits)
		return CSE_TIMER_NEVER;
	if (!l)
		return ts->clk +
		       (uint64_t)__builtin_ctzll(cse_rotr64(bits, cur & 63));
	/* The clock's own slot at this level is 64 slots away, not 0. */
	cur += 1 + (uint64_t)__builtin_ctzll(cse_rotr64(bits, (cur + 1) & 63));
	return cur << sh;
}

static uint64_t cse_timers_next_tick(const struct cse_timers *ts)
{
	uint64_t best = CSE_TIMER_NEVER;
	unsigned int l;

	for (l = 0; l < CSE_TIMER_LEVELS; l++) {
		uint64_t t = cse_timers_level_next(ts, l);

		if (t < best)
			best = t;
	}
	return best;
}

/* The clock reached a slot boundary: move the slots starting here down. */
static void cse_timers_cascade(struct cse_timers *ts)
{
	unsigned int l;

	for (l = CSE_TIMER_LEVELS - 1; l > 0; l--) {
		unsigned int sh = cse_timer_shift(l), idx;
		struct cse_list moving;

		if (ts->clk & ((1ull << sh) - 1))
			continue;
		idx = (ts->clk >> sh) & CSE_TIMER_MASK;
		if (!(ts->occupied[l] & (1ull << idx)))
			continue;
		/* Take the slot's list whole: placing may not land in it. */
		moving = ts->slot[l][idx];
		moving.next->prev = &moving;
		moving.prev->next = &moving;
		cse_list_init(&ts->slot[l][idx]);
		ts->occupied[l] &= ~(1ull << idx);
		while (!cse_list_empty(&moving)) {
			struct cse_timer *t = cse_container_of(moving.next,
						struct cse_timer, node);

			cse_list_del(&t->node);
			cse_timer_place(ts, t);
			ts->cascaded++;
		}
	}
}

static bool cse_timer_before(const struct cse_timer *a,
			     const struct cse_timer *b)
{
	return a->expires < b->expires ||
	       (a->expires == b->expires && a->seq < b->seq);
}

static const struct cse_timer *cse_timer_of(const struct cse_list *n)
{
	return cse_container_of(n, struct cse_timer, node);
}

/* Merge two chains in firing order (linked by next, NULL-ended). */
static struct cse_list *cse_timers_merge(struct cse_list *a,
					 struct cse_list *b)
{
	struct cse_list head, *tail = &head;

	while (a && b) {
		if (cse_timer_before(cse_timer_of(b), cse_timer_of(a))) {
			tail->next = b;
			b = b->next;
		} else {
			tail->next = a;
			a = a->next;
		}
		tail = tail->next;
	}
	tail->next = a ? a : b;
	return head.next;
}

/*
 * Put @due in firing order: a bottom-up merge sort, so however the
 * timers of a tick were armed, ordering k of them costs k log k.
 * part[i] holds a sorted run of 2^i timers.
 */
static void cse_timers_sort(struct cse_list *due)
{
	struct cse_list *part[32] = { NULL }, *run, *next, *prev = due;
	unsigned int i;

	if (cse_list_empty(due))
		return;
	due->prev->next = NULL;
	for (run = due->next; run; run = next) {
		next = run->next;
		run->next = NULL;
		for (i = 0; i < 31 && part[i]; i++) {
			run = cse_timers_merge(part[i], run);
			part[i] = NULL;
		}
		part[i] = cse_timers_merge(part[i], run);
	}
	run = NULL;
	for (i = 0; i < 32; i++)
		run = cse_timers_merge(part[i], run);
	for (; run; prev = run, run = run->next) {	/* the back links */
		run->prev = prev;
		prev->next = run;
	}
	prev->next = due;
	due->prev = prev;
}

/*
 * Move the timers of the clock's level-0 slot due at @now to @due, in
 * firing order; the slot's others (later in the tick than @now) stay.
 */
static void cse_timers_take_due(struct cse_timers *ts, uint64_t now,
				struct cse_list *due)
{
	unsigned int idx = ts->clk & CSE_TIMER_MASK;
	struct cse_list *head = &ts->slot[0][idx], *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, head) {
		struct cse_timer *t = cse_container_of(pos, struct cse_timer,
						       node);

		if (t->expires > now)
			continue;
		cse_list_del(&t->node);
		cse_list_add_tail(due, &t->node);
	}
	if (cse_list_empty(head))
		ts->occupied[0] &= ~(1ull << idx);
	cse_timers_sort(due);
}

/* Fire what is due in the clock's tick; returns how many fired. */
static unsigned int cse_timers_fire(struct cse_timers *ts, uint64_t now)
{
	unsigned int fired = 0;
	struct cse_list due;

	cse_list_init(&due);
	cse_timers_take_due(ts, now, &due);
	/* A callback may delete a timer still in @due: it leaves the list. */
	while (!cse_list_empty(&due)) {
		struct cse_timer *t = cse_container_of(due.next,
						       struct cse_timer, node);

		cse_list_del(&t->node);
		t->fn(t, now);
		fired++;
	}
	return fired;
}

unsigned int cse_timers_run(struct cse_timers *ts, uint64_t now)
{
	uint64_t end = now >> CSE_TIMER_TICK_SHIFT;
	unsigned int fired = 0, n;

	if (end < ts->clk)		/* a clock that went back: wait */
		end = ts->clk;
	for (;;) {
		uint64_t tick = CSE_TIMER_NEVER;

		/* Run again within the tick: only its own slot can be due. */
		if (ts->clk != end)
			tick = cse_timers_next_tick(ts);
		else if (ts->occupied[0] & 1ull << (ts->clk & CSE_TIMER_MASK))
			tick = ts->clk;
		if (tick > end)
			break;
		if (tick > ts->clk) {
			ts->clk = tick;
			cse_timers_cascade(ts);
			continue;
		}
		/* Callbacks may arm more for this tick: go round again. */
		n = cse_timers_fire(ts, now);
		if (!n)
			break;
		fired += n;
	}
	ts->clk = end;
	return fired;
}

/* The earliest expiry in level 0's first non-empty slot. */
static uint64_t cse_timers_slot_min(const struct cse_timers *ts,
				    uint64_t tick)
{
	const struct cse_list *head = &ts->slot[0][tick & CSE_TIMER_MASK];
	const struct cse_list *pos;
	uint64_t best = CSE_TIMER_NEVER;

	for (pos = head->next; pos != head; pos = pos->next) {
		const struct cse_timer *t = cse_container_of(pos,
						struct cse_timer, node);

		if (t->expires < best)
			best = t->expires;
	}
	return best;
}

uint64_t cse_timers_next(const struct cse_timers *ts)
{
	uint64_t best = CSE_TIMER_NEVER, tick;
	unsigned int l;

	tick = cse_timers_level_next(ts, 0);
	if (tick != CSE_TIMER_NEVER)
		best = cse_timers_slot_min(ts, tick);
	for (l = 1; l < CSE_TIMER_LEVELS; l++) {
		tick = cse_timers_level_next(ts, l);
		/* Past the clock's range: such a slot is never the earliest. */
		if (tick >> (64 - CSE_TIMER_TICK_SHIFT))
			continue;
		if (tick << CSE_TIMER_TICK_SHIFT < best)
			best = tick << CSE_TIMER_TICK_SHIFT;
	}
	return best;
}

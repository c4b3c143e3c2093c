/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-shot timers on the injected clock, kept in a hierarchical timing
 * wheel (Varghese and Lauck's scheme 7, cascading as Linux's wheel did
 * before 4.8): CSE_TIMER_LEVELS levels of 64 slots, level l's slots each
 * 64^l ticks of 2^20 ns (about a millisecond) wide, so level 0 covers the
 * next 67 ms tick by tick and the top level about two years. A timer
 * goes into the level whose span its distance fits, in O(1); when the
 * wheel's clock reaches the start of a higher slot, that slot's timers
 * move down (cascade) to finer levels, each at most once per level.
 *
 * Timers still fire at their exact nanosecond, never early and, when the
 * caller polls by cse_timers_next(), never late; several due at one run
 * fire in expiry order, ties in arm order. Arming, re-arming and deleting
 * are O(1); running costs what fires and cascades, not the number of
 * idle timers, which wait untouched in the coarse levels.
 */
#ifndef CSE_CORE_TIMER_H
#define CSE_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define CSE_TIMER_TICK_SHIFT	20	/* a tick: 2^20 ns */
#define CSE_TIMER_SLOT_BITS	6
#define CSE_TIMER_SLOTS		(1u << CSE_TIMER_SLOT_BITS)
#define CSE_TIMER_LEVELS	6

struct cse_timer;
struct cse_timers;
typedef void (*cse_timer_fn)(struct cse_timer *t, uint64_t now);

struct cse_timer {
	struct cse_list node;
	uint64_t expires;
	uint64_t seq;			/* arm order, to break ties */
	cse_timer_fn fn;
	struct cse_timers *base;	/* the wheel it was armed on */
	uint16_t slot;			/* level * 64 + index, while pending */
};

struct cse_timers {
	uint64_t clk;			/* ticks: all before it was run */
	uint64_t seq;
	uint64_t cascaded;		/* timers moved down: the wheel's work */
	uint64_t occupied[CSE_TIMER_LEVELS];	/* a bit per non-empty slot */
	struct cse_list slot[CSE_TIMER_LEVELS][CSE_TIMER_SLOTS];
};

#define CSE_TIMER_NEVER		UINT64_MAX

/* An empty wheel whose clock starts at @now. */
void cse_timers_init(struct cse_timers *ts, uint64_t now);
void cse_timer_init(struct cse_timer *t, cse_timer_fn fn);
/* (Re)arm @t to fire once the clock reaches @expires. */
void cse_timer_mod(struct cse_timers *ts, struct cse_timer *t,
		   uint64_t expires);
void cse_timer_del(struct cse_timer *t);
bool cse_timer_pending(const struct cse_timer *t);
/* Fire every timer due at @now; callbacks may arm or delete timers. */
unsigned int cse_timers_run(struct cse_timers *ts, uint64_t now);
/*
 * When to run the wheel next, or CSE_TIMER_NEVER: the earliest expiry
 * when it is within level 0's 64 ticks, otherwise the moment the earliest
 * coarse slot cascades, which is never later than its timers. Running
 * then and asking again leads to each timer's exact time.
 */
uint64_t cse_timers_next(const struct cse_timers *ts);

#endif /* CSE_CORE_TIMER_H */

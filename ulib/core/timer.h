/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-shot timers on the injected clock. The stack has few timers at a time
 * (one per unresolved neighbour, a few per socket), so they are kept in one
 * list sorted by expiry; the interface (init, mod, del, run, next) is what a
 * hierarchical timer wheel would offer, so one can replace this file alone.
 */
#ifndef CSE_CORE_TIMER_H
#define CSE_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct cse_timer;
typedef void (*cse_timer_fn)(struct cse_timer *t, uint64_t now);

struct cse_timer {
	struct cse_list node;
	uint64_t expires;
	cse_timer_fn fn;
};

struct cse_timers {
	struct cse_list pending;	/* sorted by expiry, ties in arm order */
};

#define CSE_TIMER_NEVER		UINT64_MAX

void cse_timers_init(struct cse_timers *ts);
void cse_timer_init(struct cse_timer *t, cse_timer_fn fn);
/* (Re)arm @t to fire once the clock reaches @expires. */
void cse_timer_mod(struct cse_timers *ts, struct cse_timer *t,
		   uint64_t expires);
void cse_timer_del(struct cse_timer *t);
bool cse_timer_pending(const struct cse_timer *t);
/* Fire every timer due at @now; callbacks may re-arm or delete timers. */
unsigned int cse_timers_run(struct cse_timers *ts, uint64_t now);
/* Earliest expiry, or CSE_TIMER_NEVER. */
uint64_t cse_timers_next(const struct cse_timers *ts);

#endif /* CSE_CORE_TIMER_H */

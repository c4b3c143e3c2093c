/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake clock for stack instances, shared by the unit tests and the
 * fuzzer: time moves only when the test says, and every timer fires at the
 * moment it is due, as a punctual poller would make it.
 */
#ifndef CSE_T_CLOCK_H
#define CSE_T_CLOCK_H

#include <stdint.h>

#include "core/stack.h"

struct t_clock {
	uint64_t now;
};

static inline uint64_t t_clock_now(void *priv)
{
	return ((struct t_clock *)priv)->now;
}

/* Let @ns pass on @c, running each of @st's timers at its due time. */
static inline void t_clock_advance(struct cse_stack *st, struct t_clock *c,
				   uint64_t ns)
{
	uint64_t end = c->now + ns, next;

	while ((next = cse_stack_next_timer(st)) <= end) {
		if (next > c->now)
			c->now = next;
		cse_stack_run_timers(st);
	}
	c->now = end;
}

#endif /* CSE_T_CLOCK_H */

// SPDX-License-Identifier: GPL-2.0
#include "timer.h"

void cse_timers_init(struct cse_timers *ts)
{
	cse_list_init(&ts->pending);
}

void cse_timer_init(struct cse_timer *t, cse_timer_fn fn)
{
	cse_list_init(&t->node);
	t->expires = CSE_TIMER_NEVER;
	t->fn = fn;
}

bool cse_timer_pending(const struct cse_timer *t)
{
	return !cse_list_empty(&t->node);
}

void cse_timer_del(struct cse_timer *t)
{
	cse_list_del(&t->node);
}

void cse_timer_mod(struct cse_timers *ts, struct cse_timer *t,
		   uint64_t expires)
{
	struct cse_list *pos;

	cse_list_del(&t->node);
	t->expires = expires;
	/* New deadlines are usually the latest: search from the tail. */
	for (pos = ts->pending.prev; pos != &ts->pending; pos = pos->prev) {
		struct cse_timer *o = cse_container_of(pos, struct cse_timer,
						       node);

		if (o->expires <= expires)
			break;
	}
	cse_list_add_after(pos, &t->node);
}

unsigned int cse_timers_run(struct cse_timers *ts, uint64_t now)
{
	unsigned int fired = 0;

	while (!cse_list_empty(&ts->pending)) {
		struct cse_timer *t = cse_container_of(ts->pending.next,
						       struct cse_timer, node);

		if (t->expires > now)
			break;
		cse_list_del(&t->node);
		t->fn(t, now);
		fired++;
	}
	return fired;
}

uint64_t cse_timers_next(const struct cse_timers *ts)
{
	if (cse_list_empty(&ts->pending))
		return CSE_TIMER_NEVER;
	return cse_container_of(ts->pending.next, struct cse_timer,
				node)->expires;
}

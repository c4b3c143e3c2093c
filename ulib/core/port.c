// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "port.h"
#include "sock.h"

void cse_ports_init(struct cse_port_table *t)
{
	unsigned int i;

	for (i = 0; i < CSE_PORT_HASH; i++)
		cse_list_init(&t->hash[i]);
}

struct cse_list *cse_port_bucket(struct cse_port_table *t, uint16_t port)
{
	return &t->hash[port % CSE_PORT_HASH];
}

static struct cse_sock *cse_port_sock(struct cse_list *pos)
{
	return cse_container_of(pos, struct cse_sock, hash);
}

bool cse_port_used(struct cse_port_table *t, const struct cse_sock *self,
		   uint32_t laddr, uint16_t port)
{
	struct cse_list *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, cse_port_bucket(t, port)) {
		const struct cse_sock *o = cse_port_sock(pos);

		if (o == self || o->lport != port)
			continue;
		if (o->laddr && laddr && o->laddr != laddr)
			continue;
		/* SO_REUSEADDR on both shares a port, never a listener's. */
		if (!(self->reuseaddr && o->reuseaddr) || o->listening)
			return true;
	}
	return false;
}

void cse_port_hash(struct cse_port_table *t, struct cse_sock *s,
		   uint16_t port)
{
	s->lport = port;
	cse_list_add_tail(cse_port_bucket(t, port), &s->hash);
}

void cse_port_unhash(struct cse_sock *s)
{
	cse_list_del(&s->hash);
	s->lport = 0;
}

int cse_port_autobind(struct cse_port_table *t, struct cse_rng *rng,
		      struct cse_sock *s)
{
	const uint32_t range = CSE_EPHEMERAL_HIGH - CSE_EPHEMERAL_LOW + 1;
	/* A random start, as Linux, so ports are hard to guess. */
	uint32_t i, start = cse_rng_below(rng, range);

	for (i = 0; i < range; i++) {
		uint16_t port = CSE_EPHEMERAL_LOW + (start + i) % range;

		if (!cse_port_used(t, s, s->laddr, port)) {
			cse_port_hash(t, s, port);
			return 0;
		}
	}
	return -EAGAIN;
}

int cse_port_score(const struct cse_sock *s, uint32_t laddr, uint16_t lport,
		   uint32_t raddr, uint16_t rport)
{
	int score = 1;

	if (s->lport != lport)
		return -1;
	if (s->laddr) {
		if (s->laddr != laddr)
			return -1;
		score++;
	}
	if (s->raddr) {
		if (s->raddr != raddr)
			return -1;
		score++;
	}
	if (s->rport) {
		if (s->rport != rport)
			return -1;
		score++;
	}
	return score;
}

struct cse_sock *cse_port_lookup(struct cse_port_table *t, uint32_t laddr,
				 uint16_t lport, uint32_t raddr,
				 uint16_t rport)
{
	struct cse_list *pos, *tmp;
	struct cse_sock *best = NULL;
	int best_score = 0;

	cse_list_for_each_safe(pos, tmp, cse_port_bucket(t, lport)) {
		struct cse_sock *s = cse_port_sock(pos);
		int score = cse_port_score(s, laddr, lport, raddr, rport);

		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

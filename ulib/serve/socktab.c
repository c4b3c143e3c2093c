// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping the socket table current (socktab.h). The record of a slot is
 * built from the stack's description of the socket (core/sock_diag.h) and
 * the descriptor the library last saw name it, and written only when it
 * differs from what the record holds: a reader (cse.ko) then retries
 * seldom, and an idle process writes nothing.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sock_diag.h"
#include "../dev/uapi.h"

#include "inst.h"
#include "socktab.h"
#include "usock.h"

/* Our own notes per slot: the table is the application's memory too. */
struct cse_socktab_slot {
	int fd;			/* a descriptor naming it, or -1 */
	bool held;		/* its record describes a socket */
};

static struct {
	bool tried;		/* the first call looked for a table */
	struct cse_socktab_slot *slot;
	uint32_t live;		/* slots held */
	uint64_t next;		/* next periodic refresh */
} cse_socktab;

/* The table's record for @slot, or NULL when there is none to keep. */
static struct cse_sock_info *cse_socktab_rec(uint32_t slot)
{
	uint32_t i, n = cse_inst.nslots;

	if (!cse_socktab.tried) {
		cse_socktab.tried = true;
		if (cse_area_sock_info(&cse_inst.area, 0))
			cse_socktab.slot = calloc(n, sizeof(*cse_socktab.slot));
		for (i = 0; cse_socktab.slot && i < n; i++)
			cse_socktab.slot[i].fd = -1;
	}
	if (!cse_socktab.slot || slot >= n)
		return NULL;
	return cse_area_sock_info(&cse_inst.area, slot);
}

static void cse_socktab_build(const struct cse_usock *u,
			      struct cse_sock_info *r)
{
	struct cse_sock_diag d;

	cse_sock_diag(u->sk, &d);
	memset(r, 0, sizeof(*r));
	r->fd = cse_socktab.slot[u->slot].fd;
	r->proto = (uint8_t)d.protocol;
	r->state = (uint8_t)d.state;
	r->local_addr = htonl(d.laddr);
	r->remote_addr = htonl(d.raddr);
	r->local_port = htons(d.lport);
	r->remote_port = htons(d.rport);
	r->rx_queue = d.rx_queue;
	r->tx_queue = d.tx_queue;
	r->retransmits = d.retransmits;
	r->rtt_us = d.rtt_us;
	r->rttvar_us = d.rttvar_us;
	r->cwnd = d.cwnd;
	r->mss = d.mss;
}

/* The fields after @seq: what a rewrite would change. */
static bool cse_socktab_same(const struct cse_sock_info *a,
			     const struct cse_sock_info *b, size_t upto)
{
	const size_t body = offsetof(struct cse_sock_info, fd);

	return !memcmp((const uint8_t *)a + body, (const uint8_t *)b + body,
		       upto - body);
}

/* Write @u's record if its first @upto bytes would change. */
static void cse_socktab_refresh(struct cse_usock *u, size_t upto)
{
	struct cse_sock_info *rec = cse_socktab_rec(u->slot), now;

	if (!rec || !u->sk)
		return;
	cse_socktab_build(u, &now);
	if (!cse_socktab_same(rec, &now, upto))
		cse_area_sock_info_write(rec, &now);
}

void cse_socktab_add(struct cse_usock *u)
{
	struct cse_sock_info *rec = cse_socktab_rec(u->slot);

	if (!rec || !u->sk)
		return;
	if (!cse_socktab.slot[u->slot].held) {
		cse_socktab.slot[u->slot].held = true;
		cse_socktab.live++;
	}
	cse_socktab_refresh(u, sizeof(*rec));
}

/* Identity and state only: queues move with every segment, see tick. */
void cse_socktab_changed(struct cse_usock *u)
{
	cse_socktab_refresh(u, offsetof(struct cse_sock_info, rx_queue));
}

void cse_socktab_fd(struct cse_usock *u, int fd, bool named)
{
	int *have;

	if (u->state != CSE_US_USER || !cse_socktab_rec(u->slot))
		return;
	have = &cse_socktab.slot[u->slot].fd;
	if (named && (*have < 0 || fd < *have))
		*have = fd;
	else if (!named && *have == fd)
		*have = -1;	/* another may name it: we cannot tell which */
	else
		return;
	if (cse_inst.by_slot[u->slot] == u)
		cse_socktab_refresh(u, offsetof(struct cse_sock_info, rx_queue));
}

void cse_socktab_forget(void)
{
	free(cse_socktab.slot);
	memset(&cse_socktab, 0, sizeof(cse_socktab));
}

void cse_socktab_remove(uint32_t slot)
{
	static const struct cse_sock_info none = { .fd = -1 };
	struct cse_sock_info *rec = cse_socktab_rec(slot);

	if (!rec)
		return;
	cse_socktab.slot[slot].fd = -1;
	if (!cse_socktab.slot[slot].held)
		return;
	cse_socktab.slot[slot].held = false;
	cse_socktab.live--;
	cse_area_sock_info_write(rec, &none);
}

uint64_t cse_socktab_tick(uint64_t deadline)
{
	uint64_t now;
	uint32_t i;

	if (!cse_socktab.live)
		return deadline;
	now = cse_inst_now_ns();
	if (now >= cse_socktab.next) {
		for (i = 0; i < cse_inst.nslots; i++)
			if (cse_inst.by_slot[i])
				cse_socktab_refresh(cse_inst.by_slot[i],
						    sizeof(struct cse_sock_info));
		cse_socktab.next = now + CSE_SOCKTAB_PERIOD_MS *
					 CSE_NSEC_PER_MSEC;
	}
	return cse_socktab.next < deadline ? cse_socktab.next : deadline;
}

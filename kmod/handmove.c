// SPDX-License-Identifier: GPL-2.0
/*
 * Moving a TCP connection from one instance to another (handover.c asks
 * for it when the owner answers a request): its steering, its port hold
 * and its tracking for resets at death. Both instances' locks are held,
 * so neither one's filters change meanwhile, and the steering switches in
 * one step: RX sees the old filter or the new one, never neither, and a
 * frame is never steered to nobody.
 *
 * Which filter the owner's connection came through decides what moves:
 *
 *  - a connected filter (the connection's own, or a pin on a shared
 *    listening socket) moves whole: the taker's new filter takes its
 *    place in the steering table and its hold on the port, and the
 *    owner's goes;
 *  - a listening filter stays the owner's: the taker gets a connected
 *    filter for the 4-tuple that holds the listening socket's file, as a
 *    pin does (a module-made socket has no file: the taker's filter then
 *    matches while the owner's socket holds the port). A connected
 *    filter wins over listening ones (steer.c).
 */
#include <linux/file.h>
#include <linux/in.h>
#include <net/sock.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* Lock two instances in id order, so that two moves cannot deadlock. */
static void cse_handmove_lock(struct cse_inst *a, struct cse_inst *b)
{
	if (a->id > b->id)
		swap(a, b);
	mutex_lock(&a->lock);
	mutex_lock_nested(&b->lock, SINGLE_DEPTH_NESTING);
}

static void cse_handmove_unlock(struct cse_inst *a, struct cse_inst *b)
{
	mutex_unlock(&a->lock);
	mutex_unlock(&b->lock);
}

/* Can @taker take one more filter now? (Both locks held.) */
static int cse_handmove_check(struct cse_inst *taker)
{
	if (!taker->area || READ_ONCE(taker->gone))
		return -ENXIO;
	if (taker->nr_filters >= CSE_MAX_PORTS)
		return -ENOSPC;
	return 0;
}

/*
 * Move the TCP connection @t from @owner to @taker; on success *@id is the
 * taker's new filter. Nothing changed on error.
 */
int cse_handmove(struct cse_inst *owner, struct cse_inst *taker,
		 const struct cse_tuple *t, u32 *id)
{
	struct cse_filter *f, *g;
	int ret;

	g = cse_filter_alloc(taker);
	if (!g)
		return -ENOMEM;
	cse_handmove_lock(owner, taker);
	ret = cse_handmove_check(taker);
	if (ret)
		goto err;
	ret = -ENOENT;
	f = cse_steer_find_tcp(owner, t->laddr, t->lport, t->raddr, t->rport);
	if (!f)
		goto err;
	g->proto = IPPROTO_TCP;
	g->laddr = f->laddr;
	g->lport = f->lport;
	g->raddr = t->raddr;
	g->rport = t->rport;
	g->sk = f->sk;
	sock_hold(g->sk);
	if (f->raddr) {
		g->sock = f->sock;
		g->file = f->file;
		f->sock = NULL;
		f->file = NULL;
		cse_filter_unlink(owner, f);
	} else if (f->file) {
		g->file = get_file(f->file);
	}
	cse_filter_link(taker, g);
	cse_flow_move(owner, taker, t->laddr, t->raddr, t->lport, t->rport);
	if (f->raddr) {
		cse_steer_replace(f, g);
		cse_filter_destroy(f);
	} else {
		cse_steer_add(g);
	}
	cse_genl_filter(taker, g, true);
	*id = g->id;
	cse_handmove_unlock(owner, taker);
	return 0;

err:
	cse_handmove_unlock(owner, taker);
	kfree(g);
	return ret;
}

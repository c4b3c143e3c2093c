// SPDX-License-Identifier: GPL-2.0
/*
 * fork(): what a child gets of the parent's sockets.
 *
 * The stack lives in the parent's memory and is run by the parent's
 * threads; the fork copied it, but nothing may run the copy: the parent
 * goes on changing the real state, through the same rings. So the child
 * drops the parent's instance at once and makes its own when it first
 * needs one (cse_inst_restart()), and of the parent's served sockets
 * keeps only the listeners:
 *
 *  - a listening socket stays usable. At the child's first call on it
 *    (accept, epoll_ctl, any socket call) the child's instance adopts the
 *    same kernel socket, which holds the port for both, with
 *    CSE_PORT_ACCEPTING; cse.ko then gives each new connection to one of
 *    the instances that accept on the port, and the connections a child
 *    takes are pinned to it (CSE_PORT_SHARED: a connected filter per
 *    connection, made before its SYN-ACK leaves). This is what a prefork
 *    server (nginx's workers) needs, and a parent that never accepts
 *    (nginx's master) gets no connections once a child does;
 *  - a connection stays the parent's until the child makes a socket
 *    call on it (not close, dup or fcntl): then the child's instance takes
 *    it over (adopt.c) and the parent's descriptor of it fails with
 *    EBADFD. A child that leaves its inherited connections alone, as a
 *    background save does, changes nothing for the parent;
 *  - a served UDP socket is the parent's alone: in the child its
 *    descriptor is a socket file the child can close, dup and poll, while
 *    socket calls on it fail with ENOTSOCK and read()/write() with EINVAL
 *    (Documentation/admin-guide/library.rst);
 *  - the parent's kernel sockets, and sockets the child makes, are served
 *    as in any process.
 *
 * Descriptors the library keeps for the parent (ports' kernel sockets, the
 * device, the rtnetlink socket) are closed in the child, so that a port the parent gives back
 * is free at once and not held by a child that knows nothing of it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "inst.h"
#include "real.h"
#include "serve.h"

static void cse_fork_prepare(void)
{
	cse_inst_lock();
}

static void cse_fork_parent(void)
{
	pthread_mutex_unlock(&cse_inst.lock);
}

/*
 * A connection the child may take over (adopt.c): its addresses, read
 * from the copy of the parent's stack the fork made, which nothing else
 * will ever read.
 */
static bool cse_fork_movable(struct cse_usock *u)
{
	return u->type == SOCK_STREAM && !u->listening && u->sk &&
	       !cse_conn_names(u->sk, &u->moved_la, &u->moved_ra);
}

/* Keep listeners and connections for the child; forget UDP sockets. */
static void cse_fork_keep(int fd, struct cse_usock *u)
{
	if (u->state != CSE_US_USER)
		return;		/* the kernel's: served as anywhere */
	if (u->type == SOCK_STREAM && u->listener && u->listening &&
	    u->port) {
		u->state = CSE_US_INHERITED;
		u->sk = NULL;		/* in the parent's stack */
		u->users = 0;		/* the parent's sleepers */
		u->port->filter = 0;	/* the parent's filter */
		return;
	}
	if (cse_fork_movable(u)) {
		u->state = CSE_US_MOVABLE;
		u->sk = NULL;
		u->users = 0;
		u->port = NULL;		/* the parent's hold */
		u->opts = NULL;		/* the parent's records */
		u->adopt_err = 0;
		return;
	}
	cse_fd_clear(fd);	/* leaked: the object is the parent's */
}

static void cse_fork_child(void)
{
	bool was_served = cse_inst.active;

	pthread_mutex_init(&cse_inst.lock, NULL);
	cse_inst.pid = getpid();
	cse_inst_abandon();
	cse_fdtab_walk(cse_fork_keep);
	cse_fd_close_private();
	cse_inst.lazy = was_served;
}

void cse_fork_init(void)
{
	pthread_atfork(cse_fork_prepare, cse_fork_parent, cse_fork_child);
}

int cse_fork_instance(void)
{
	if (cse_inst.active)
		return 0;
	if (!cse_inst.lazy)
		return -ENETDOWN;
	return cse_inst_restart();
}

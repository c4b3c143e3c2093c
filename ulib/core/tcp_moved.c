// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP socket whose connection moved to another stack (handover.h). The
 * application still holds it, so the object stays, but it has nothing
 * left: cse_tcp_export_commit() freed its buffers, stopped its timers and
 * gave up its port. The socket layer asks call_err first, so every call
 * fails with CSE_TCP_MOVED_ERR; the operations below answer the same
 * should anything reach them. poll says error and hang-up, so a sleeper
 * wakes; close frees it without a word to anyone.
 */
#include <errno.h>

#include "handover.h"
#include "tcp.h"

static int cse_tcp_moved_err(const struct cse_sock *s)
{
	(void)s;
	return -CSE_TCP_MOVED_ERR;
}

static int cse_tcp_moved_addr(struct cse_sock *s,
			      const struct sockaddr_in *sin)
{
	(void)sin;
	return cse_tcp_moved_err(s);
}

static ssize_t cse_tcp_moved_sendto(struct cse_sock *s, const void *buf,
				    size_t len, int flags,
				    const struct sockaddr_in *to)
{
	(void)buf;
	(void)len;
	(void)flags;
	(void)to;
	return cse_tcp_moved_err(s);
}

static ssize_t cse_tcp_moved_recvfrom(struct cse_sock *s, void *buf,
				      size_t len, int flags,
				      struct sockaddr_in *from, int *msg_flags)
{
	(void)buf;
	(void)len;
	(void)flags;
	(void)from;
	(void)msg_flags;
	return cse_tcp_moved_err(s);
}

static unsigned int cse_tcp_moved_poll(const struct cse_sock *s)
{
	(void)s;
	return CSE_POLLERR | CSE_POLLHUP;
}

static bool cse_tcp_moved_has_peer(const struct cse_sock *s)
{
	(void)s;
	return false;
}

static int cse_tcp_moved_listen(struct cse_sock *s, int backlog)
{
	(void)backlog;
	return cse_tcp_moved_err(s);
}

static int cse_tcp_moved_accept(struct cse_sock *s, struct cse_sock **child)
{
	(void)child;
	return cse_tcp_moved_err(s);
}

static int cse_tcp_moved_shutdown(struct cse_sock *s, int how)
{
	(void)how;
	return cse_tcp_moved_err(s);
}

static void cse_tcp_moved_unreachable(struct cse_sock *s, int err)
{
	(void)s;
	(void)err;		/* nothing of it is in flight here */
}

static bool cse_tcp_moved_close(struct cse_sock *s)
{
	(void)s;
	return false;			/* free it now, quietly */
}

/* The commit left nothing to release; this is for the record. */
static void cse_tcp_moved_release(struct cse_sock *s)
{
	cse_tcp_stop_timers(cse_tcp_sk(s));
}

static int cse_tcp_moved_ioctl(const struct cse_sock *s, unsigned long req,
			       int *val)
{
	(void)req;
	(void)val;
	return cse_tcp_moved_err(s);
}

const struct cse_proto_ops cse_tcp_moved_ops = {
	.type = SOCK_STREAM,
	.protocol = IPPROTO_TCP,
	.obj_size = sizeof(struct cse_tcp_sock),
	.bind = cse_tcp_moved_addr,
	.connect = cse_tcp_moved_addr,
	.sendto = cse_tcp_moved_sendto,
	.recvfrom = cse_tcp_moved_recvfrom,
	.poll = cse_tcp_moved_poll,
	.has_peer = cse_tcp_moved_has_peer,
	.listen = cse_tcp_moved_listen,
	.accept = cse_tcp_moved_accept,
	.shutdown = cse_tcp_moved_shutdown,
	.unreachable = cse_tcp_moved_unreachable,
	.close = cse_tcp_moved_close,
	.release = cse_tcp_moved_release,
	.ioctl = cse_tcp_moved_ioctl,
	.call_err = cse_tcp_moved_err,
};

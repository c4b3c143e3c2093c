// SPDX-License-Identifier: GPL-2.0
/*
 * Control calls: creating, binding, listening, accepting, connecting,
 * naming, options, closing and duplicating descriptors. A descriptor in
 * kernel state is the kernel's business (the call goes to the C library)
 * until one of these calls shows the stack can carry it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "../dev/uapi.h"

#include "ident.h"
#include "inst.h"
#include "real.h"
#include "serve.h"
#include "sleep.h"

int cse_serving(void)
{
	return cse_inst.active || cse_inst.lazy;
}


/* Look @fd up; NULL (and the lock released) when the kernel's. */
static struct cse_usock *cse_get_served(int fd)
{
	struct cse_usock *u;

	cse_inst_lock();
	u = cse_fd_get_taken(fd);
	if (u && u->state == CSE_US_USER)
		return u;
	cse_inst_unlock();
	return NULL;
}

/* The kernel will carry this socket for good: forget it. */
void cse_fd_forget_kernel(int fd)
{
	struct cse_usock *u = cse_fd_get(fd);

	if (u && u->state == CSE_US_KERNEL)
		cse_fd_clear(fd);
}

int cse_srv_socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd = cse_real.socket(domain, type, protocol);
	struct cse_usock *u;

	if (fd < 0 || domain != AF_INET || !cse_serving())
		return fd;
	if (!((base == SOCK_STREAM && (!protocol || protocol == IPPROTO_TCP)) ||
	      (base == SOCK_DGRAM && (!protocol || protocol == IPPROTO_UDP))))
		return fd;
	u = cse_usock_new(base);
	if (!u)
		return fd;	/* the kernel serves it: correct, only slower */
	cse_inst_lock();
	cse_fd_set(fd, u);
	cse_inst_unlock();
	return fd;
}

int cse_srv_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)addr;
	struct cse_usock *u;
	int r;

	cse_inst_lock();
	u = cse_fd_get(fd);
	if (u && u->state == CSE_US_USER) {
		cse_inst_unlock();
		return cse_sys_ret(-EINVAL);	/* already bound, as Linux */
	}
	/* The kernel's bind: its rules, its errno, and it holds the port. */
	if (u && len >= sizeof(*sin) && sin->sin_family == AF_INET) {
		struct sockaddr_in own = *sin;

		/* With an identity: on the claimed address (ident.h). */
		if (cse_ident_bind_addr(fd, &own)) {
			sin = &own;
			len = sizeof(own);
		}
		r = cse_real.bind(fd, (const struct sockaddr *)sin, len);
	} else {
		r = cse_real.bind(fd, addr, len);
	}
	if (!r && u && len >= sizeof(*sin) && sin->sin_port)
		u->port_chosen = true;
	if (!r && u && u->type == SOCK_DGRAM && len >= sizeof(*sin) &&
	    sin->sin_family == AF_INET) {
		if (cse_netcfg_serves_laddr(&cse_inst.net, sin->sin_addr))
			cse_convert(fd, u, CSE_CONV_DGRAM, NULL, 0);
		else
			cse_fd_forget_kernel(fd);
	}
	cse_inst_unlock();
	return r;
}

/*
 * Listening again: a new backlog for both halves, or, after shutdown()
 * stopped it, listening anew (Linux allows both). Datagram sockets have
 * no listen() (sock_no_listen()); connections are connected (EINVAL).
 */
static int cse_listen_served(struct cse_usock *u, int backlog)
{
	int r;

	if (u->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (!u->listener)
		return -EINVAL;
	r = cse_listen(u->sk, backlog);
	if (!r && cse_real.listen(u->port->kfd, backlog))
		r = -errno;
	if (!r) {
		u->listening = true;
		u->backlog = backlog;
	}
	return r;
}

int cse_srv_listen(int fd, int backlog)
{
	struct cse_usock *u;
	int r;

	cse_inst_lock();
	u = cse_fd_get(fd);
	if (!u || (u->type != SOCK_STREAM && u->state == CSE_US_KERNEL)) {
		cse_inst_unlock();
		return cse_real.listen(fd, backlog);
	}
	if (u->state == CSE_US_USER) {
		r = cse_listen_served(u, backlog);
		cse_inst_unlock();
		return cse_sys_ret(r);
	}
	/* The kernel listens for loopback; the stack for the device. */
	r = cse_real.listen(fd, backlog);
	if (!r && cse_convert(fd, u, CSE_CONV_LISTEN, NULL, backlog))
		cse_fd_forget_kernel(fd);
	cse_inst_unlock();
	return r;
}

/* A connection from the stack gets a socket file of its own. */
static int cse_accept_child(struct cse_usock *lu, struct cse_sock *child,
			    int flags)
{
	struct cse_socket cs = { .backing_fd = -1 };
	struct cse_usock *u = cse_usock_new(SOCK_STREAM);
	struct cse_uport *pin = cse_sock_free_arg(child);
	uint32_t slot;
	int err = u ? cse_inst_slot_get(&slot) : -ENOMEM;

	if (err)
		goto fail;
	cs.slot = slot;
	if (flags & SOCK_CLOEXEC)
		cs.flags |= CSE_SOCKET_CLOEXEC;
	if (flags & SOCK_NONBLOCK)
		cs.flags |= CSE_SOCKET_NONBLOCK;
	if (cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SOCKET, &cs)) {
		err = -errno;
		cse_inst_slot_put(slot);
		goto fail;
	}
	u->state = CSE_US_USER;
	u->slot = slot;
	u->sk = child;
	/* On a shared port the connection has its own pin (convert.c). */
	u->port = pin ? pin : lu->port;
	u->nonblock = flags & SOCK_NONBLOCK;
	u->conn = CSE_SS_CONNECTED;
	/* Linux clones the listener: its timeouts too, not O_NONBLOCK. */
	u->rcvtimeo_ns = lu->rcvtimeo_ns;
	u->sndtimeo_ns = lu->sndtimeo_ns;
	if (!pin)
		cse_uport_get(u->port);
	cse_inst.by_slot[slot] = u;
	cse_fd_set(cs.fd, u);
	cse_usock_attach_sk(u);
	return cs.fd;
fail:
	free(u);
	cse_close(child);
	return err;
}

static int cse_accept_served(int fd, struct cse_usock *u,
			     struct sockaddr *addr, socklen_t *len, int flags)
{
	int64_t deadline = cse_deadline(u->rcvtimeo_ns);
	struct cse_sock *child;
	int r;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	cse_usock_accepting(u);
	for (;;) {
		r = cse_accept(u->sk, &child, addr, len);
		if (!r)
			return cse_accept_child(u, child, flags);
		if (r == -EAGAIN && u->backing_io) {
			/* A loopback client: the kernel's connection. */
			r = cse_real.accept4(u->port->kfd, addr, len, flags);
			if (r >= 0 || errno != EAGAIN)
				return r < 0 ? -errno : r;
			r = -EAGAIN;
		}
		if (r != -EAGAIN || u->nonblock)
			return r;
		r = cse_wait(fd, u, EPOLLIN, deadline);
		if (r)
			return r;
	}
}

int cse_srv_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct cse_usock *u = cse_get_served(fd);
	int r;

	if (!u)
		return cse_real.accept4(fd, addr, len, flags);
	u->users++;
	r = cse_accept_served(fd, u, addr, len, flags);
	cse_usock_put(u);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

int cse_srv_epoll_ctl(int epfd, int op, int fd, void *event)
{
	struct cse_usock *u;

	if (op == EPOLL_CTL_ADD)
		cse_sleep_watch(epfd);
	if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) {
		u = cse_get_served(fd);
		if (u) {
			if (u->listening)
				cse_usock_accepting(u);
			cse_inst_unlock();
		}
	}
	return cse_real.epoll_ctl(epfd, op, fd, event);
}

/*
 * The names of a connection a forked child inherited are what the fork
 * saw: asking for them does not take it over (adopt.c). Python asks for
 * both to word its warning about a socket it finalizes unclosed.
 */
static bool cse_moved_name(int fd, bool peer, struct sockaddr *addr,
			   socklen_t *len)
{
	struct cse_usock *u;
	bool moved;

	cse_inst_lock();
	u = cse_fd_get(fd);
	moved = u && (u->state == CSE_US_MOVABLE ||
		      u->state == CSE_US_ADOPTING);
	if (moved)
		cse_sin_put(peer ? &u->moved_ra : &u->moved_la, addr, len);
	cse_inst_unlock();
	return moved;
}

int cse_srv_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct cse_usock *u;
	socklen_t cap;
	int r;

	if (cse_moved_name(fd, false, addr, len))
		return 0;
	u = cse_get_served(fd);
	if (!u)
		return cse_real.getsockname(fd, addr, len);
	cap = len ? *len : 0;
	r = cse_getsockname(u->sk, addr, len);
	/* sin_port is bytes 2 and 3: zero what the caller had room for. */
	if (!r && u->hide_port && addr && cap > 2)
		memset((char *)addr + 2, 0, cap > 3 ? 2 : 1);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

int cse_srv_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct cse_usock *u;
	int r;

	if (cse_moved_name(fd, true, addr, len))
		return 0;
	u = cse_get_served(fd);
	if (!u)
		return cse_real.getpeername(fd, addr, len);
	r = cse_getpeername(u->sk, addr, len);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

int cse_srv_close(int fd)
{
	struct cse_usock *u;
	bool served;
	int r;

	if (!cse_inst.active && !cse_fd_maybe_ours(fd))
		return cse_real.close(fd);
	cse_inst_lock();
	u = cse_fd_get(fd);
	served = u && u->state == CSE_US_USER;
	cse_fd_clear(fd);
	r = cse_real.close(fd);
	/*
	 * If that was the file's last reference the module released it
	 * before close() returned: take the event now, so the port is free
	 * and a FIN on its way when the caller goes on.
	 */
	if (served)
		cse_inst_service();
	cse_inst_unlock();
	return r;
}

int cse_srv_dup(int oldfd, int newfd, int flags, int how)
{
	struct cse_usock *u, *old;
	bool served;
	int r;

	cse_inst_lock();
	u = cse_fd_get(oldfd);
	old = how == CSE_DUP_TO && newfd != oldfd ? cse_fd_get(newfd) : NULL;
	served = old && old->state == CSE_US_USER;
	if (how == CSE_DUP)
		r = cse_real.dup(oldfd);
	else if (how == CSE_DUP_MIN)
		r = cse_real.fcntl(oldfd, flags & O_CLOEXEC ? F_DUPFD_CLOEXEC :
				   F_DUPFD, newfd);
	else if (flags == -1)
		r = cse_real.dup2(oldfd, newfd);
	else
		r = cse_real.dup3(oldfd, newfd, flags);
	if (r >= 0 && r != oldfd) {
		if (old)
			cse_fd_clear(newfd);
		if (u)
			cse_fd_set(r, u);
	}
	if (served)
		cse_inst_service();
	cse_inst_unlock();
	return r;
}

int cse_srv_fcntl(int fd, int cmd, void *arg)
{
	struct cse_usock *u;
	int r;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return cse_srv_dup(fd, (int)(long)arg,
				   cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0,
				   CSE_DUP_MIN);
	r = cse_real.fcntl(fd, cmd, arg);
	if (r < 0 || cmd != F_SETFL)
		return r;
	/* O_NONBLOCK lives in the file; we keep a copy for blocking calls. */
	cse_inst_lock();
	u = cse_fd_get(fd);
	if (u)
		u->nonblock = (long)arg & O_NONBLOCK;
	cse_inst_unlock();
	return r;
}

int cse_srv_ioctl(int fd, unsigned long req, void *arg)
{
	struct cse_usock *u = cse_get_served(fd);
	int r, val;

	if (!u)
		return cse_real.ioctl(fd, req, arg);
	switch (req) {
	case FIONBIO:
		r = cse_real.ioctl(fd, req, arg) < 0 ? -errno : 0;
		if (!r)
			u->nonblock = *(int *)arg != 0;
		break;
	case SIOCINQ:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		r = cse_ioctl(u->sk, req, &val);
		if (!r)
			*(int *)arg = val;
		break;
	case SIOCATMARK:
		/* No urgent data is ever kept: never at a mark. */
		*(int *)arg = 0;
		r = 0;
		break;
	default:
		/* Interface and routing requests: any kernel socket answers. */
		r = cse_real.ioctl(u->port->kfd, req, arg);
		r = r < 0 ? -errno : r;
		break;
	}
	cse_inst_unlock();
	return cse_sys_ret(r);
}

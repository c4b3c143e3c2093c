// SPDX-License-Identifier: GPL-2.0
/* Socket objects, the descriptor table, and ports held by kernel sockets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include "../dev/uapi.h"

#include "inst.h"
#include "real.h"
#include "socktab.h"
#include "usock.h"

/* Most descriptors the table covers; higher ones are never served. */
#define CSE_FDTAB_MAX	(1U << 20)

static struct cse_usock **cse_fdtab;
static unsigned int cse_fdtab_len;
/* The library's own descriptors: the application may not close them. */
static uint8_t *cse_fd_private;

int cse_fdtab_init(void)
{
	struct rlimit rl;
	rlim_t n = CSE_FDTAB_MAX;

	/* The hard limit bounds every descriptor the process can get. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_max < n)
		n = rl.rlim_max;
	cse_fdtab = calloc(n, sizeof(*cse_fdtab));
	cse_fd_private = calloc(n, 1);
	if (!cse_fdtab || !cse_fd_private)
		return -ENOMEM;
	cse_fdtab_len = n;
	return 0;
}

unsigned int cse_fdtab_size(void)
{
	return cse_fdtab_len;
}

void cse_fd_set_private(int fd, bool private)
{
	if (fd >= 0 && (unsigned int)fd < cse_fdtab_len)
		__atomic_store_n(&cse_fd_private[fd], private,
				 __ATOMIC_RELAXED);
}

bool cse_fd_is_private(int fd)
{
	return fd >= 0 && (unsigned int)fd < cse_fdtab_len &&
	       __atomic_load_n(&cse_fd_private[fd], __ATOMIC_RELAXED);
}

bool cse_fd_maybe_ours(int fd)
{
	return fd >= 0 && (unsigned int)fd < cse_fdtab_len &&
	       __atomic_load_n(&cse_fdtab[fd], __ATOMIC_RELAXED);
}

struct cse_usock *cse_fd_get(int fd)
{
	if (fd < 0 || (unsigned int)fd >= cse_fdtab_len)
		return NULL;
	return cse_fdtab[fd];
}

void cse_fd_set(int fd, struct cse_usock *u)
{
	struct cse_usock *old;

	if (fd < 0 || (unsigned int)fd >= cse_fdtab_len)
		return;
	old = cse_fdtab[fd];
	if (old == u)
		return;
	if (old)
		cse_fd_clear(fd);
	u->nfds++;
	__atomic_store_n(&cse_fdtab[fd], u, __ATOMIC_RELAXED);
	cse_socktab_fd(u, fd, true);
}

void cse_fd_clear(int fd)
{
	struct cse_usock *u = cse_fd_get(fd);

	if (!u)
		return;
	__atomic_store_n(&cse_fdtab[fd], NULL, __ATOMIC_RELAXED);
	cse_socktab_fd(u, fd, false);
	/*
	 * A served socket lives until its file is released, whoever holds
	 * it; a kernel-state one is only our notes about a kernel socket; an
	 * inherited listener's kernel socket must not outlive the child's
	 * last descriptor of it, or it would keep the port from the parent.
	 */
	if (--u->nfds)
		return;
	if (u->state == CSE_US_INHERITED) {
		cse_fd_set_private(u->port->kfd, false);
		cse_real.close(u->port->kfd);
		free(u->port);
		cse_usock_free(u);
	} else if ((u->state == CSE_US_KERNEL || u->state == CSE_US_MOVABLE) &&
		   !u->users) {
		cse_usock_free(u);
	}
}

void cse_fdtab_walk(void (*fn)(int fd, struct cse_usock *u))
{
	unsigned int fd;

	for (fd = 0; fd < cse_fdtab_len; fd++)
		if (cse_fdtab[fd])
			fn((int)fd, cse_fdtab[fd]);
}

/* An inherited listener keeps its kernel socket: it holds the port. */
static void cse_fd_keep_inherited(int fd, struct cse_usock *u)
{
	(void)fd;
	if (u->state == CSE_US_INHERITED)
		cse_fd_private[u->port->kfd] = 2;
}

void cse_fd_close_private(void)
{
	unsigned int fd;

	cse_fdtab_walk(cse_fd_keep_inherited);
	for (fd = 0; fd < cse_fdtab_len; fd++) {
		if (cse_fd_private[fd] == 1) {
			cse_fd_private[fd] = 0;
			cse_real.close((int)fd);
		} else if (cse_fd_private[fd]) {
			cse_fd_private[fd] = 1;
		}
	}
}

struct cse_usock *cse_usock_new(int type)
{
	struct cse_usock *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->state = CSE_US_KERNEL;
	u->type = type;
	u->rcvtimeo_ns = -1;
	u->sndtimeo_ns = -1;
	return u;
}

void cse_usock_free(struct cse_usock *u)
{
	struct cse_optrec *o, *next;

	for (o = u->opts; o; o = next) {
		next = o->next;
		free(o);
	}
	free(u);
}

/* The file is gone and nobody sleeps on it: close the stack's socket. */
static void cse_usock_destroy(struct cse_usock *u)
{
	if (u->sk)
		cse_close(u->sk);	/* the free hook lets the port go */
	cse_socktab_remove(u->slot);
	cse_inst.by_slot[u->slot] = NULL;
	cse_inst_slot_put(u->slot);
	cse_usock_free(u);
}

void cse_usock_put(struct cse_usock *u)
{
	if (--u->users)
		return;
	if (u->state == CSE_US_USER ? u->released : !u->nfds)
		u->state == CSE_US_USER ? cse_usock_destroy(u) :
					  cse_usock_free(u);
}

void cse_usock_released(uint32_t slot)
{
	struct cse_usock *u;

	if (slot >= cse_inst.nslots)
		return;
	u = cse_inst.by_slot[slot];
	if (!u || u->released)
		return;
	u->released = true;
	if (!u->users)
		cse_usock_destroy(u);
}

struct cse_uport *cse_uport_new(int kfd, uint32_t filter)
{
	struct cse_uport *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->kfd = kfd;
	p->filter = filter;
	p->refs = 1;
	cse_fd_set_private(kfd, true);
	return p;
}

struct cse_uport *cse_uport_held(uint32_t filter)
{
	struct cse_uport *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->kfd = -1;
	p->filter = filter;
	p->refs = 1;
	return p;
}

struct cse_uport *cse_uport_pin(struct cse_uport *listener, uint32_t filter)
{
	struct cse_uport *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->kfd = listener->kfd;
	p->filter = filter;
	p->refs = 1;
	p->listener = listener;
	cse_uport_get(listener);
	return p;
}

void cse_uport_get(struct cse_uport *p)
{
	p->refs++;
}

/*
 * The last socket on the port is gone, but what it sent last (a FIN, an
 * RST) may still be in the TX ring: the module drops frames from ports
 * the instance no longer owns, so the port goes at unlock, after the
 * flush (cse_inst_unlock()).
 */
void cse_uport_put(struct cse_uport *p)
{
	if (--p->refs)
		return;
	p->next_dead = cse_inst.dead_ports;
	cse_inst.dead_ports = p;
}

int cse_port_reserve(int kfd, int type, uint32_t flags,
		     const struct sockaddr_in *peer, uint32_t *id,
		     uint32_t *reply_flags)
{
	struct cse_port p = {
		.flags = CSE_PORT_SOCKET | flags,
		.proto = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP,
		.fd = kfd,
	};

	if (peer) {
		p.flags |= CSE_PORT_CONNECTED;
		p.remote_addr = peer->sin_addr.s_addr;
		p.remote_port = peer->sin_port;
	}
	if (cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_PORT_RESERVE, &p))
		return -errno;
	*id = p.id;
	if (reply_flags)
		*reply_flags = p.flags;
	return 0;
}

void cse_port_unreserve(uint32_t id)
{
	struct cse_port rel = { .id = id };

	/* 0: no filter (an identity's port, ident.h); ids are never 0. */
	if (!id)
		return;
	cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_PORT_RELEASE, &rel);
}

void cse_uport_release(struct cse_uport *p)
{
	cse_port_unreserve(p->filter);
	if (p->listener) {
		cse_uport_put(p->listener);
	} else if (p->kfd >= 0) {
		cse_fd_set_private(p->kfd, false);
		cse_real.close(p->kfd);
	}
	free(p);
}

void cse_usock_port_gone(void *arg)
{
	cse_uport_put(arg);
}

/*
 * Readiness as the kernel's socket poll reports it: tcp_poll() says
 * EPOLLWRNORM with EPOLLOUT, datagram_poll() EPOLLWRBAND too.
 */
static unsigned int cse_epoll_mask(const struct cse_usock *u, unsigned int m)
{
	if (m & EPOLLIN)
		m |= EPOLLRDNORM;
	if (m & EPOLLOUT)
		m |= EPOLLWRNORM;
	if (m & EPOLLOUT && u->type == SOCK_DGRAM)
		m |= EPOLLWRBAND;
	return m;
}

/* A new mask, or (the same mask) one more arrival: cse_inst_publish(). */
static void cse_usock_notify(struct cse_sock *s, unsigned int mask,
			     void *arg)
{
	struct cse_usock *u = arg;

	(void)s;
	cse_inst_publish(u->slot, cse_epoll_mask(u, mask));
	cse_socktab_changed(u);
}

void cse_usock_attach_sk(struct cse_usock *u)
{
	cse_sock_set_free(u->sk, cse_usock_port_gone, u->port);
	cse_sock_set_notify(u->sk, cse_usock_notify, u);
	cse_sock_notify_data(u->sk, true);
	cse_inst_publish(u->slot, cse_epoll_mask(u, cse_poll(u->sk)));
	cse_socktab_add(u);
}

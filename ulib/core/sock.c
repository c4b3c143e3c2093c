// SPDX-License-Identifier: GPL-2.0
/*
 * The socket calls: check what the system call layer would check (address
 * length and family), then hand over to the protocol. Readiness is
 * recomputed after every change and pushed to the notifier only when the
 * mask actually changed, so a caller mirroring it never misses an edge.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ip4.h"
#include "neigh.h"
#include "port.h"
#include "priv.h"
#include "sock.h"
#include "tcp.h"

static const struct cse_proto_ops *const cse_protos[] = {
	&cse_udp_ops,
	&cse_tcp_ops,
};

void cse_sock_changed(struct cse_sock *s)
{
	unsigned int mask = s->ops->poll(s);

	if (mask == s->mask)
		return;
	s->mask = mask;
	if (s->notify)
		s->notify(s, mask, s->notify_arg);
}

void cse_sock_data_ready(struct cse_sock *s)
{
	unsigned int mask = s->ops->poll(s);
	bool changed = mask != s->mask;

	s->mask = mask;
	if (s->notify && (changed || s->notify_data))
		s->notify(s, mask, s->notify_arg);
}

void cse_sock_set_error(struct cse_sock *s, int err)
{
	s->err = err;
	cse_sock_changed(s);
}

void cse_sock_unreachable(struct cse_sock *s, int err)
{
	if (s->ops->unreachable)
		s->ops->unreachable(s, err);
	else
		cse_sock_set_error(s, err);
}

int cse_sock_take_error(struct cse_sock *s)
{
	int err = s->err;

	if (!err)
		return 0;
	s->err = 0;
	cse_sock_changed(s);
	return -err;
}

uint8_t cse_sock_ttl(const struct cse_sock *s)
{
	return s->ttl_set ? s->ttl : (uint8_t)s->st->cfg.ttl;
}

/*
 * Linux: an unknown type is -ESOCKTNOSUPPORT, a known type with the wrong
 * protocol -EPROTONOSUPPORT.
 */
static int cse_proto_find(int type, int protocol,
			  const struct cse_proto_ops **ops)
{
	int err = -ESOCKTNOSUPPORT;
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_protos); i++) {
		if (cse_protos[i]->type != type)
			continue;
		err = -EPROTONOSUPPORT;
		if (!protocol || protocol == cse_protos[i]->protocol) {
			*ops = cse_protos[i];
			return 0;
		}
	}
	return err;
}

struct cse_sock *cse_sock_alloc(struct cse_stack *st,
				const struct cse_proto_ops *ops)
{
	struct cse_sock *s;

	if (cse_mem_charge(&st->mem, ops->obj_size))
		return NULL;
	s = calloc(1, ops->obj_size);
	if (!s) {
		cse_mem_uncharge(&st->mem, ops->obj_size);
		return NULL;
	}
	s->st = st;
	s->ops = ops;
	cse_list_init(&s->hash);
	s->rcvbuf = st->cfg.rmem_default;
	s->sndbuf = st->cfg.wmem_default;
	cse_pbq_init(&s->rxq);
	cse_list_add_tail(&st->socks, &s->node);
	if (ops->init)
		ops->init(s);
	s->mask = ops->poll(s);
	return s;
}

void cse_sock_free(struct cse_sock *s)
{
	struct cse_stack *st = s->st;

	if (s->on_free)
		s->on_free(s->on_free_arg);
	s->ops->release(s);
	cse_neigh_forget_owner(st, s);
	cse_pbq_purge(&st->mem, &s->rxq);
	cse_list_del(&s->hash);
	cse_list_del(&s->node);
	cse_mem_uncharge(&st->mem, s->ops->obj_size);
	free(s);
}

int cse_socket(struct cse_stack *st, int type, int protocol,
	       struct cse_sock **out)
{
	const struct cse_proto_ops *ops;
	/* The descriptor flags are the interposer's business. */
	int err = cse_proto_find(type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC),
				 protocol, &ops);

	if (err)
		return err;
	*out = cse_sock_alloc(st, ops);
	return *out ? 0 : -ENOBUFS;
}

int cse_close(struct cse_sock *s)
{
	/* Whatever happens next, the application hears no more of it. */
	s->notify = NULL;
	if (!s->ops->close || !s->ops->close(s))
		cse_sock_free(s);
	return 0;
}

int cse_sock_bind(struct cse_sock *s, struct cse_port_table *t,
		  const struct sockaddr_in *sin)
{
	uint32_t addr = ntohl(sin->sin_addr.s_addr);
	uint16_t port = ntohs(sin->sin_port);
	int err;

	if (s->lport)
		return -EINVAL;
	if (addr && addr != s->st->addr && !cse_ip4_is_bcast(s->st, addr))
		return -EADDRNOTAVAIL;
	if (port && cse_port_used(t, s, addr, port))
		return -EADDRINUSE;
	s->laddr = addr;
	if (port) {
		cse_port_hash(t, s, port);
	} else {
		err = cse_port_autobind(t, &s->st->rng, s);
		if (err) {
			s->laddr = 0;
			return err;
		}
	}
	s->addr_locked = addr != 0;
	s->port_locked = port != 0;
	return 0;
}

/* Linux's checks on a sockaddr_in argument, AF_UNSPEC read as AF_INET. */
static int cse_sin_get(const struct sockaddr *a, socklen_t len,
		       struct sockaddr_in *sin)
{
	if (!a || len < sizeof(*sin))
		return -EINVAL;
	memcpy(sin, a, sizeof(*sin));
	if (sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	return 0;
}

void cse_sin_put(const struct sockaddr_in *sin, struct sockaddr *a,
		 socklen_t *len)
{
	if (!a || !len)
		return;
	memcpy(a, sin, *len < sizeof(*sin) ? *len : sizeof(*sin));
	*len = sizeof(*sin);
}

int cse_bind(struct cse_sock *s, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_in sin;
	int err = cse_sock_call_err(s);

	if (!err)
		err = cse_sin_get(addr, len, &sin);
	if (err)
		return err;
	/* Linux tolerates AF_UNSPEC in bind only with INADDR_ANY. */
	if (sin.sin_family == AF_UNSPEC && sin.sin_addr.s_addr)
		return -EAFNOSUPPORT;
	return s->ops->bind(s, &sin);
}

int cse_connect(struct cse_sock *s, const struct sockaddr *addr,
		socklen_t len)
{
	struct sockaddr_in sin;
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	if (!addr || len < sizeof(sa_family_t))
		return -EINVAL;
	if (addr->sa_family == AF_UNSPEC)
		return s->ops->connect(s, NULL);
	err = cse_sin_get(addr, len, &sin);
	return err ? err : s->ops->connect(s, &sin);
}

ssize_t cse_sendto(struct cse_sock *s, const void *buf, size_t len,
		   int flags, const struct sockaddr *to, socklen_t tolen)
{
	struct sockaddr_in sin;
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	if (!to)
		return s->ops->sendto(s, buf, len, flags, NULL);
	err = cse_sin_get(to, tolen, &sin);
	return err ? err : s->ops->sendto(s, buf, len, flags, &sin);
}

ssize_t cse_recvfrom(struct cse_sock *s, void *buf, size_t len, int flags,
		     struct sockaddr *from, socklen_t *fromlen,
		     int *msg_flags)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int mflags = 0;
	ssize_t n = cse_sock_call_err(s);

	if (!n)
		n = s->ops->recvfrom(s, buf, len, flags, &sin, &mflags);

	if (n >= 0 && sin.sin_family == AF_INET)
		cse_sin_put(&sin, from, fromlen);
	else if (n >= 0 && fromlen)
		*fromlen = 0;		/* streams name no source */
	if (msg_flags)
		*msg_flags = n >= 0 ? mflags : 0;
	return n;
}

static void cse_sin_make(struct sockaddr_in *sin, uint32_t addr,
			 uint16_t port)
{
	*sin = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(addr),
	};
}

int cse_getsockname(struct cse_sock *s, struct sockaddr *addr,
		    socklen_t *len)
{
	struct sockaddr_in sin;
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	cse_sin_make(&sin, s->laddr, s->lport);
	cse_sin_put(&sin, addr, len);
	return 0;
}

int cse_getpeername(struct cse_sock *s, struct sockaddr *addr,
		    socklen_t *len)
{
	struct sockaddr_in sin;
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	if ((!s->rport && !s->raddr) ||
	    (s->ops->has_peer && !s->ops->has_peer(s)))
		return -ENOTCONN;
	cse_sin_make(&sin, s->raddr, s->rport);
	cse_sin_put(&sin, addr, len);
	return 0;
}

int cse_listen(struct cse_sock *s, int backlog)
{
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	return s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
}

int cse_accept(struct cse_sock *s, struct cse_sock **child,
	       struct sockaddr *addr, socklen_t *len)
{
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	if (!s->ops->accept)
		return -EOPNOTSUPP;
	err = s->ops->accept(s, child);
	if (!err && addr)
		cse_getpeername(*child, addr, len);
	return err;
}

int cse_shutdown(struct cse_sock *s, int how)
{
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	return s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
}

unsigned int cse_poll(struct cse_sock *s)
{
	return s->ops->poll(s);
}

void cse_sock_set_free(struct cse_sock *s, cse_sock_free_fn fn, void *arg)
{
	s->on_free = fn;
	s->on_free_arg = arg;
}

void *cse_sock_free_arg(const struct cse_sock *s)
{
	return s->on_free ? s->on_free_arg : NULL;
}

void cse_sock_set_spawn(struct cse_sock *s, cse_sock_spawn_fn fn, void *arg)
{
	s->on_spawn = fn;
	s->on_spawn_arg = arg;
}

int cse_ioctl(struct cse_sock *s, unsigned long req, int *val)
{
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	return s->ops->ioctl ? s->ops->ioctl(s, req, val) : -ENOTTY;
}

void cse_sock_set_notify(struct cse_sock *s, cse_sock_notify_fn fn,
			 void *arg)
{
	s->notify = fn;
	s->notify_arg = arg;
	s->mask = s->ops->poll(s);
}

void cse_sock_notify_data(struct cse_sock *s, bool on)
{
	s->notify_data = on;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options. Before conversion they go to the kernel socket and are
 * recorded, to be given to the stack when it takes the socket over (one it
 * does not know keeps the socket on the kernel). After conversion the
 * stack answers, except for what lives in the library (timeouts) or in the
 * kernel socket that owns the port (SO_REUSEPORT); an option nobody here
 * knows fails as Linux fails an unknown one (ENOPROTOOPT).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "inst.h"
#include "real.h"
#include "serve.h"

static bool cse_is_timeo(int level, int name)
{
	return level == SOL_SOCKET &&
	       (name == SO_RCVTIMEO || name == SO_SNDTIMEO ||
		name == SO_RCVTIMEO_NEW || name == SO_SNDTIMEO_NEW);
}

static int64_t *cse_timeo_field(struct cse_usock *u, int name)
{
	return name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW ?
	       &u->rcvtimeo_ns : &u->sndtimeo_ns;
}

/*
 * Linux keeps these timeouts in jiffies, rounding up, and says so when
 * asked: the kernel's tick, in microseconds, as a kernel socket reports
 * the shortest timeout. Measured once; 1 (exact) if that fails.
 */
static int64_t cse_jiffy_us(void)
{
	static int64_t us;
	struct timeval tv = { 0, 1 };
	socklen_t len = sizeof(tv);
	int fd;

	if (us)
		return us;
	us = 1;
	fd = cse_real.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return us;
	if (!cse_real.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, len) &&
	    !cse_real.getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) &&
	    tv.tv_sec == 0 && tv.tv_usec > 0)
		us = tv.tv_usec;
	cse_real.close(fd);
	return us;
}

/* As Linux's sock_set_timeout(): EDOM for bad microseconds, 0 = forever. */
static int cse_set_timeo(struct cse_usock *u, int name, const void *val,
			 socklen_t len)
{
	int64_t jiffy = cse_jiffy_us(), ticks;
	struct timeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*cse_timeo_field(u, name) = 0;	/* Linux: negative = no wait */
		return 0;
	}
	ticks = tv.tv_sec * (1000000 / jiffy) + (tv.tv_usec + jiffy - 1) / jiffy;
	*cse_timeo_field(u, name) = ticks ? ticks * jiffy * 1000 : -1;
	return 0;
}

static int cse_get_timeo(struct cse_usock *u, int name, void *val,
			 socklen_t *len)
{
	int64_t ns = *cse_timeo_field(u, name), jiffy = cse_jiffy_us();
	int64_t hz = 1000000 / jiffy, ticks = ns / (jiffy * 1000);
	struct timeval tv = { 0 };

	if (ns > 0) {
		tv.tv_sec = ticks / hz;
		tv.tv_usec = ticks % hz * jiffy;
	}
	if (*len > sizeof(tv))
		*len = sizeof(tv);
	memcpy(val, &tv, *len);
	return 0;
}

static int cse_record_opt(struct cse_usock *u, int level, int name,
			  const void *val, socklen_t len)
{
	struct cse_optrec *o = malloc(sizeof(*o) + len), **tail;

	if (!o)
		return -ENOMEM;
	o->level = level;
	o->name = name;
	o->len = len;
	memcpy(o->val, val, len);
	o->next = NULL;
	/* Kept oldest first, so the replay ends with the last value set. */
	for (tail = &u->opts; *tail; tail = &(*tail)->next)
		;
	*tail = o;
	return 0;
}

/* As sk_getsockopt(): a short buffer gets the value's first bytes. */
static int cse_get_int(void *val, socklen_t *len, int v)
{
	if ((int)*len < 0)
		return -EINVAL;
	if (*len > sizeof(int))
		*len = sizeof(int);
	memcpy(val, &v, *len);
	return 0;
}

/*
 * @fd's entry when it is a kernel socket or a served one (taken over or
 * adopted first if it came from another instance), else NULL: an
 * inherited socket that stays elsewhere is the kernel's to answer.
 */
static struct cse_usock *cse_served_or_kernel(int fd)
{
	struct cse_usock *u = cse_fd_get_taken(fd);

	return u && (u->state == CSE_US_USER || u->state == CSE_US_KERNEL) ?
	       u : NULL;
}

int cse_srv_setsockopt(int fd, int level, int name, const void *val,
		       socklen_t len)
{
	struct cse_usock *u;
	int r;

	cse_inst_lock();
	u = cse_served_or_kernel(fd);
	if (!u || u->state == CSE_US_KERNEL) {
		r = cse_real.setsockopt(fd, level, name, val, len);
		if (!r && u && cse_is_timeo(level, name))
			cse_set_timeo(u, name, val, len);
		/* Unrecorded, it could not be replayed: keep it the kernel's. */
		if (!r && u && cse_record_opt(u, level, name, val, len))
			u->pinned = true;
		cse_inst_unlock();
		return r;
	}
	if (cse_is_timeo(level, name))
		r = cse_set_timeo(u, name, val, len);
	else if (level == SOL_SOCKET && name == SO_REUSEPORT)
		r = cse_real.setsockopt(u->port->kfd, level, name, val, len) ?
		    -errno : 0;
	else
		r = cse_setsockopt(u->sk, level, name, val, len);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

static int cse_getsockopt_served(struct cse_usock *u, int level, int name,
				 void *val, socklen_t *len)
{
	if (cse_is_timeo(level, name))
		return cse_get_timeo(u, name, val, len);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ACCEPTCONN:
			return cse_get_int(val, len, u->listening);
		case SO_DOMAIN:
			return cse_get_int(val, len, AF_INET);
		case SO_PROTOCOL:
			return cse_get_int(val, len, u->type == SOCK_STREAM ?
					   IPPROTO_TCP : IPPROTO_UDP);
		case SO_REUSEPORT:
			return cse_real.getsockopt(u->port->kfd, level, name,
						   val, len) ? -errno : 0;
		}
	}
	return cse_getsockopt(u->sk, level, name, val, len);
}

int cse_srv_getsockopt(int fd, int level, int name, void *val,
		       socklen_t *len)
{
	struct cse_usock *u;
	int r;

	cse_inst_lock();
	u = cse_served_or_kernel(fd);
	if (!u || u->state == CSE_US_KERNEL) {
		cse_inst_unlock();
		return cse_real.getsockopt(fd, level, name, val, len);
	}
	u->users++;
	r = cse_getsockopt_served(u, level, name, val, len);
	cse_usock_put(u);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options as a table: level, name, the socket type they apply to,
 * the value's size, a setter and a getter. Sizes follow Linux: the buffer
 * sizes are stored doubled, with its minimums.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>

#include "priv.h"
#include "sock.h"
#include "tcp.h"

/* Linux's SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF on x86-64. */
#define CSE_MIN_RCVBUF	2304
#define CSE_MIN_SNDBUF	4608

static unsigned int cse_buf_size(int val, unsigned int max, unsigned int min)
{
	/* A negative request is a huge unsigned one: capped, as in Linux. */
	unsigned int v = (unsigned int)val;

	if (v > max)
		v = max;
	return v * 2 > min ? v * 2 : min;
}

/* An option's value: an int, a struct linger, or a name. */
union cse_optval {
	int i;
	struct linger l;
	char name[CSE_TCP_CA_NAME_MAX];
	struct tcp_info ti;
};

static int cse_set_rcvbuf(struct cse_sock *s, const union cse_optval *v)
{
	s->rcvbuf = cse_buf_size(v->i, s->st->cfg.rmem_max, CSE_MIN_RCVBUF);
	s->rcvbuf_locked = true;
	return 0;
}

static int cse_set_sndbuf(struct cse_sock *s, const union cse_optval *v)
{
	s->sndbuf = cse_buf_size(v->i, s->st->cfg.wmem_max, CSE_MIN_SNDBUF);
	s->sndbuf_locked = true;
	return 0;
}

static int cse_set_broadcast(struct cse_sock *s, const union cse_optval *v)
{
	s->broadcast = v->i != 0;
	return 0;
}

static int cse_set_reuseaddr(struct cse_sock *s, const union cse_optval *v)
{
	s->reuseaddr = v->i != 0;
	return 0;
}

static int cse_set_ttl(struct cse_sock *s, const union cse_optval *v)
{
	if (v->i == -1) {		/* back to the default */
		s->ttl_set = false;
		return 0;
	}
	if (v->i < 1 || v->i > 255)
		return -EINVAL;
	s->ttl = (uint8_t)v->i;
	s->ttl_set = true;
	return 0;
}

/* As Linux: turning lingering off keeps the time that was set. */
static int cse_set_linger(struct cse_sock *s, const union cse_optval *v)
{
	s->linger_on = v->l.l_onoff != 0;
	if (s->linger_on)
		s->linger_sec = v->l.l_linger < 0 ? 0 : v->l.l_linger;
	return 0;
}

static int cse_set_nodelay(struct cse_sock *s, const union cse_optval *v)
{
	s->nodelay = v->i != 0;
	return 0;
}

static void cse_keepalive_changed(struct cse_sock *s)
{
	if (s->ops->keepalive)
		s->ops->keepalive(s);
}

static int cse_set_keepalive(struct cse_sock *s, const union cse_optval *v)
{
	s->keepalive = v->i != 0;
	cse_keepalive_changed(s);
	return 0;
}

/* Linux's bounds: MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT. */
static int cse_set_keep(struct cse_sock *s, int *field, int val, int max)
{
	if (val < 1 || val > max)
		return -EINVAL;
	*field = val;
	cse_keepalive_changed(s);
	return 0;
}

static int cse_set_keepidle(struct cse_sock *s, const union cse_optval *v)
{
	return cse_set_keep(s, &s->keep_idle, v->i, 32767);
}

static int cse_set_keepintvl(struct cse_sock *s, const union cse_optval *v)
{
	return cse_set_keep(s, &s->keep_intvl, v->i, 32767);
}

static int cse_set_keepcnt(struct cse_sock *s, const union cse_optval *v)
{
	return cse_set_keep(s, &s->keep_cnt, v->i, 127);
}

static void cse_get_rcvbuf(struct cse_sock *s, union cse_optval *v)
{
	v->i = (int)s->rcvbuf;
}

static void cse_get_sndbuf(struct cse_sock *s, union cse_optval *v)
{
	v->i = (int)s->sndbuf;
}

static void cse_get_broadcast(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->broadcast;
}

static void cse_get_reuseaddr(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->reuseaddr;
}

static void cse_get_ttl(struct cse_sock *s, union cse_optval *v)
{
	v->i = cse_sock_ttl(s);
}

static void cse_get_error(struct cse_sock *s, union cse_optval *v)
{
	v->i = -cse_sock_take_error(s);
}

static void cse_get_type(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->ops->type;
}

static void cse_get_linger(struct cse_sock *s, union cse_optval *v)
{
	v->l.l_onoff = s->linger_on;
	v->l.l_linger = s->linger_sec;
}

static void cse_get_nodelay(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->nodelay;
}

static void cse_get_keepalive(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->keepalive;
}

static void cse_get_keepidle(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->keep_idle;
}

static void cse_get_keepintvl(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->keep_intvl;
}

static void cse_get_keepcnt(struct cse_sock *s, union cse_optval *v)
{
	v->i = s->keep_cnt;
}

/*
 * TCP_CONGESTION: Linux's ENOENT for a name it does not know. A
 * connection already running starts the new algorithm from its current
 * windows, as Linux's tcp_reinit_congestion_control() does.
 */
static int cse_set_congestion(struct cse_sock *s, const union cse_optval *v)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	const struct cse_tcp_cc_ops *cc = cse_tcp_cc_find(v->name);
	uint32_t cwnd = tp->cwnd, ssthresh = tp->ssthresh;

	if (!cc)
		return -ENOENT;
	tp->cc = cc;
	if (tp->state >= CSE_TCP_ESTABLISHED) {
		cc->init(tp);
		tp->cwnd = cwnd;
		tp->ssthresh = ssthresh;
	}
	return 0;
}

static void cse_get_congestion(struct cse_sock *s, union cse_optval *v)
{
	strncpy(v->name, cse_tcp_sk(s)->cc->name, sizeof(v->name) - 1);
}

static void cse_get_maxseg(struct cse_sock *s, union cse_optval *v)
{
	v->i = cse_tcp_maxseg(cse_tcp_sk(s));
}

static void cse_get_info(struct cse_sock *s, union cse_optval *v)
{
	cse_tcp_info(cse_tcp_sk(s), &v->ti);
}

static const struct cse_sockopt {
	int level, name;
	int type;			/* socket type it applies to; 0: all */
	socklen_t size;			/* a name's: the most it may take */
	int (*set)(struct cse_sock *s, const union cse_optval *v);
	void (*get)(struct cse_sock *s, union cse_optval *v);
} cse_sockopts[] = {
#define INT	sizeof(int)
	{ SOL_SOCKET, SO_RCVBUF, 0, INT, cse_set_rcvbuf, cse_get_rcvbuf },
	{ SOL_SOCKET, SO_SNDBUF, 0, INT, cse_set_sndbuf, cse_get_sndbuf },
	{ SOL_SOCKET, SO_BROADCAST, 0, INT, cse_set_broadcast,
	  cse_get_broadcast },
	{ SOL_SOCKET, SO_REUSEADDR, 0, INT, cse_set_reuseaddr,
	  cse_get_reuseaddr },
	{ SOL_SOCKET, SO_ERROR, 0, INT, NULL, cse_get_error },
	{ SOL_SOCKET, SO_TYPE, 0, INT, NULL, cse_get_type },
	{ SOL_SOCKET, SO_LINGER, 0, sizeof(struct linger), cse_set_linger,
	  cse_get_linger },
	{ IPPROTO_IP, IP_TTL, 0, INT, cse_set_ttl, cse_get_ttl },
	{ SOL_SOCKET, SO_KEEPALIVE, 0, INT, cse_set_keepalive,
	  cse_get_keepalive },
	{ IPPROTO_TCP, TCP_NODELAY, SOCK_STREAM, INT, cse_set_nodelay,
	  cse_get_nodelay },
	{ IPPROTO_TCP, TCP_KEEPIDLE, SOCK_STREAM, INT, cse_set_keepidle,
	  cse_get_keepidle },
	{ IPPROTO_TCP, TCP_KEEPINTVL, SOCK_STREAM, INT, cse_set_keepintvl,
	  cse_get_keepintvl },
	{ IPPROTO_TCP, TCP_KEEPCNT, SOCK_STREAM, INT, cse_set_keepcnt,
	  cse_get_keepcnt },
	{ IPPROTO_TCP, TCP_CONGESTION, SOCK_STREAM, CSE_TCP_CA_NAME_MAX,
	  cse_set_congestion, cse_get_congestion },
	{ IPPROTO_TCP, TCP_MAXSEG, SOCK_STREAM, INT, NULL, cse_get_maxseg },
	{ IPPROTO_TCP, TCP_INFO, SOCK_STREAM, sizeof(struct tcp_info), NULL,
	  cse_get_info },
#undef INT
};

static const struct cse_sockopt *cse_sockopt_find(const struct cse_sock *s,
						  int level, int name)
{
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_sockopts); i++) {
		const struct cse_sockopt *o = &cse_sockopts[i];

		if (o->level == level && o->name == name &&
		    (!o->type || o->type == s->ops->type))
			return o;
	}
	return NULL;
}

int cse_setsockopt(struct cse_sock *s, int level, int name, const void *val,
		   socklen_t len)
{
	const struct cse_sockopt *o = cse_sockopt_find(s, level, name);
	union cse_optval v;
	bool str;
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	/* Read-only ones (SO_ERROR, SO_TYPE) are unknown to set, as in Linux. */
	if (!o || !o->set)
		return -ENOPROTOOPT;
	/* The one string: a name, cut to fit with its NUL as in Linux. */
	str = o->set == cse_set_congestion;
	memset(&v, 0, sizeof(v));
	/* Linux's IP level takes an int in one byte too (do_ip_setsockopt). */
	if (level == IPPROTO_IP && val && len && len < sizeof(int))
		v.i = *(const unsigned char *)val;
	else if (!val || len < (str ? 1 : o->size))
		return -EINVAL;
	else
		memcpy(&v, val, !str ? o->size :
		       len < o->size ? len : o->size - 1);
	err = o->set(s, &v);
	if (!err)
		cse_sock_changed(s);
	return err;
}

int cse_getsockopt(struct cse_sock *s, int level, int name, void *val,
		   socklen_t *len)
{
	const struct cse_sockopt *o = cse_sockopt_find(s, level, name);
	union cse_optval v;
	int err = cse_sock_call_err(s);

	if (err)
		return err;
	/* Linux: a level the socket has no handler for is EOPNOTSUPP. */
	if (!o && level != SOL_SOCKET && level != IPPROTO_IP &&
	    level != s->ops->protocol)
		return -EOPNOTSUPP;
	if (!o)
		return -ENOPROTOOPT;
	if (!val || !len || (int)*len < 0)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	o->get(s, &v);
	/* Linux's IP level answers a short buffer with one byte, if it fits. */
	if (level == IPPROTO_IP && *len && *len < sizeof(int) &&
	    v.i >= 0 && v.i <= 255) {
		*len = 1;
		*(unsigned char *)val = (unsigned char)v.i;
		return 0;
	}
	if (*len > o->size)
		*len = o->size;
	memcpy(val, &v, *len);
	return 0;
}

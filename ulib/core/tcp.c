// SPDX-License-Identifier: GPL-2.0
/*
 * TCP socket calls (RFC 9293 3.10.1-3.10.6: OPEN, SEND, RECEIVE, CLOSE,
 * ABORT) with Linux's errno for each situation, listener queues, and the
 * life of a connection after close() (an orphan until the handshake ends).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <string.h>

#include "priv.h"
#include "siphash.h"
#include "tcp.h"
#include "wire.h"

/* Send MSS when the peer gives no option (RFC 9293 3.7.1). */
#define CSE_TCP_DEFAULT_MSS	536

static void cse_tcp_init(struct cse_sock *s)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	const struct cse_stack_config *c = &s->st->cfg;

	s->rcvbuf = c->tcp_rmem_default;
	s->sndbuf = c->tcp_wmem_default;
	/* Linux's tcp_keepalive_time, _intvl, _probes. */
	s->keep_idle = 7200;
	s->keep_intvl = 75;
	s->keep_cnt = 9;
	tp->state = CSE_TCP_CLOSED;
	tp->rto = c->tcp_rto_init_ns;
	tp->cc = &cse_tcp_cubic;	/* Linux's default */
	tp->mss = CSE_TCP_DEFAULT_MSS;
	cse_list_init(&tp->child);
	cse_list_init(&tp->syn_q);
	cse_list_init(&tp->accept_q);
	cse_tcp_timers_init(tp);
}

void cse_tcp_set_state(struct cse_tcp_sock *tp, enum cse_tcp_state state)
{
	tp->state = state;
	cse_sock_changed(&tp->sk);
}

/* RFC 6528: a 4-microsecond clock plus a keyed hash of the connection. */
uint32_t cse_tcp_isn(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		     uint32_t raddr, uint16_t rport)
{
	uint8_t id[12];

	cse_put32(id, laddr);
	cse_put32(id + 4, raddr);
	cse_put16(id + 8, lport);
	cse_put16(id + 10, rport);
	return (uint32_t)(cse_now(st) / 4000) +
	       (uint32_t)cse_siphash(st->isn_key, id, sizeof(id));
}

/*
 * Each ring holds half the socket's buffer size: Linux counts overhead in
 * SO_RCVBUF and advertises about half of it (tcp_adv_win_scale=1).
 * Allocates only what is missing: an active open that turns into a
 * simultaneous open reaches SYN-RECEIVED with its buffers already there.
 */
int cse_tcp_alloc_buffers(struct cse_tcp_sock *tp)
{
	struct cse_mem *m = &tp->sk.st->mem;
	bool had_snd = tp->sndbuf.buf;

	if (!had_snd && cse_ring_alloc(m, &tp->sndbuf, tp->sk.sndbuf / 2))
		return -ENOBUFS;
	if (!tp->rcvbuf.buf &&
	    cse_ring_alloc(m, &tp->rcvbuf, tp->sk.rcvbuf / 2)) {
		if (!had_snd)
			cse_ring_free(m, &tp->sndbuf);
		return -ENOBUFS;
	}
	return 0;
}

static void cse_tcp_unlink_child(struct cse_tcp_sock *tp)
{
	struct cse_tcp_sock *lp = tp->parent;

	if (!lp)
		return;
	if (tp->state == CSE_TCP_SYN_RECEIVED)
		lp->syn_n--;
	else
		lp->accept_n--;
	cse_list_del(&tp->child);
	tp->parent = NULL;
	cse_sock_changed(&lp->sk);
}

/* Every timer of a connection: a new one is added here, once. */
void cse_tcp_stop_timers(struct cse_tcp_sock *tp)
{
	cse_timer_del(&tp->rtx_timer);
	cse_timer_del(&tp->state_timer);
	cse_timer_del(&tp->keep_timer);
	cse_timer_del(&tp->delack_timer);
	cse_timer_del(&tp->reo_timer);
	cse_timer_del(&tp->tlp_timer);
}

void cse_tcp_done(struct cse_tcp_sock *tp, int err)
{
	cse_tcp_stop_timers(tp);
	/* An unaccepted child or an orphan has no one left to tell. */
	if (tp->parent || tp->orphan) {
		cse_sock_free(&tp->sk);
		return;
	}
	tp->sk.shutdown = CSE_SHUTDOWN_MASK;
	if (err)
		tp->sk.err = err;
	cse_tcp_set_state(tp, CSE_TCP_CLOSED);
}

static int cse_tcp_bind(struct cse_sock *s, const struct sockaddr_in *sin)
{
	if (cse_tcp_sk(s)->state != CSE_TCP_CLOSED)
		return -EINVAL;
	return cse_sock_bind(s, &s->st->tcp, sin);
}

/* Leave whatever state for CLOSED, telling the peer if it knew us. */
static void cse_tcp_abort(struct cse_tcp_sock *tp, int err)
{
	if (tp->state >= CSE_TCP_SYN_RECEIVED && tp->state != CSE_TCP_TIME_WAIT)
		cse_tcp_send_rst(tp);
	cse_tcp_done(tp, err);
}

static void cse_tcp_close_children(struct cse_tcp_sock *lp);

/* Does Linux reset a connection it disconnects (tcp_need_reset())? */
static bool cse_tcp_need_reset(enum cse_tcp_state st)
{
	return st == CSE_TCP_ESTABLISHED || st == CSE_TCP_CLOSE_WAIT ||
	       st == CSE_TCP_FIN_WAIT_1 || st == CSE_TCP_FIN_WAIT_2 ||
	       st == CSE_TCP_SYN_RECEIVED;
}

/*
 * Linux's tcp_disconnect() (connect(AF_UNSPEC), shutdown() of a listener
 * or of a SYN still out): a closed socket again, as if new, which may
 * connect or listen anew; what was queued is dropped, a connection is
 * reset (and says ECONNRESET), the shutdown flags are cleared.
 */
static void cse_tcp_disconnect(struct cse_tcp_sock *tp)
{
	struct cse_mem *m = &tp->sk.st->mem;
	enum cse_tcp_state old = tp->state;
	int err = 0;

	if (old == CSE_TCP_LISTEN) {
		cse_tcp_close_children(tp);
		tp->sk.listening = false;
	} else if (cse_tcp_need_reset(old)) {
		cse_tcp_send_rst(tp);
		err = ECONNRESET;
	} else if (old == CSE_TCP_SYN_SENT) {
		err = ECONNRESET;
	}
	cse_ring_drop(&tp->rcvbuf, tp->rcvbuf.len);
	cse_ring_drop(&tp->sndbuf, tp->sndbuf.len);
	cse_pbq_purge(m, &tp->ooo);
	tp->fin_queued = false;
	tp->fin_rcvd = false;
	cse_tcp_done(tp, err);
	tp->sk.shutdown = 0;
	cse_sock_changed(&tp->sk);
}

static int cse_tcp_check_dest(struct cse_stack *st, uint32_t daddr)
{
	uint32_t hop;

	if (!daddr || cse_ip4_is_bcast(st, daddr) ||
	    (daddr & 0xf0000000) == 0xe0000000 ||
	    cse_route_lookup(&st->routes, daddr, &hop))
		return -ENETUNREACH;
	return 0;
}

static int cse_tcp_connect(struct cse_sock *s, const struct sockaddr_in *sin)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	struct cse_stack *st = s->st;
	int err;

	if (!sin) {				/* AF_UNSPEC: disconnect */
		cse_tcp_disconnect(tp);
		return 0;
	}
	if (tp->state == CSE_TCP_SYN_SENT)
		return -EALREADY;
	if (tp->state != CSE_TCP_CLOSED)
		return tp->state == CSE_TCP_LISTEN ? -EINVAL : -EISCONN;
	err = cse_tcp_check_dest(st, ntohl(sin->sin_addr.s_addr));
	if (!err && !s->lport)
		err = cse_port_autobind(&st->tcp, &st->rng, s);
	if (!err)
		err = cse_tcp_alloc_buffers(tp);
	if (err)
		return err;
	if (!s->laddr)
		s->laddr = st->addr;
	s->raddr = ntohl(sin->sin_addr.s_addr);
	s->rport = ntohs(sin->sin_port);
	s->shutdown = 0;
	tp->mss = st->mtu - 40;
	tp->iss = cse_tcp_isn(st, s->laddr, s->lport, s->raddr, s->rport);
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss;
	tp->snd_max = tp->iss;
	tp->snd_buf_seq = tp->iss + 1;
	cse_tcp_opts_offer(tp, NULL);
	cse_tcp_ecn_offer(tp, NULL);
	cse_tcp_set_state(tp, CSE_TCP_SYN_SENT);
	err = cse_tcp_send_syn(tp);
	return err ? err : -EINPROGRESS;
}

static int cse_tcp_listen(struct cse_sock *s, int backlog)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	struct cse_stack *st = s->st;
	int err = 0;

	if (tp->state != CSE_TCP_CLOSED && tp->state != CSE_TCP_LISTEN)
		return -EINVAL;
	if (!s->lport)
		err = cse_port_autobind(&st->tcp, &st->rng, s);
	if (err)
		return err;
	if (backlog < 0)
		backlog = 0;
	tp->backlog = (unsigned int)backlog > st->cfg.somaxconn ?
		      st->cfg.somaxconn : (unsigned int)backlog;
	s->listening = true;
	cse_tcp_set_state(tp, CSE_TCP_LISTEN);
	return 0;
}

static int cse_tcp_accept(struct cse_sock *s, struct cse_sock **child)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s), *c;

	if (tp->state != CSE_TCP_LISTEN)
		return -EINVAL;
	if (cse_list_empty(&tp->accept_q))
		return -EAGAIN;
	c = cse_container_of(tp->accept_q.next, struct cse_tcp_sock, child);
	cse_tcp_unlink_child(c);
	*child = &c->sk;
	return 0;
}

/*
 * Bounded half-open and ready queues: a SYN flood costs nothing. A full
 * SYN queue answers with a cookie instead (tcp_cookie.c), as Linux's
 * tcp_syncookies=1; a full accept queue drops.
 */
struct cse_tcp_sock *cse_tcp_child(struct cse_tcp_sock *lp,
				   const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = lp->sk.st;

	if (lp->accept_n > lp->backlog) {
		st->stats.tcp_syn_drop++;
		return NULL;
	}
	if (lp->syn_n >= st->cfg.tcp_max_syn_backlog) {
		if (st->cfg.tcp_syncookies)
			cse_tcp_cookie_send(lp, seg);
		else
			st->stats.tcp_syn_drop++;
		return NULL;
	}
	return cse_tcp_child_new(lp, seg);
}

/* Linux clones the listener: a child starts with all its options. */
static void cse_tcp_inherit_opts(struct cse_sock *s, const struct cse_sock *l)
{
	s->broadcast = l->broadcast;
	s->reuseaddr = l->reuseaddr;
	s->ttl = l->ttl;
	s->ttl_set = l->ttl_set;
	s->linger_on = l->linger_on;
	s->linger_sec = l->linger_sec;
	s->nodelay = l->nodelay;
	s->keepalive = l->keepalive;
	s->keep_idle = l->keep_idle;
	s->keep_intvl = l->keep_intvl;
	s->keep_cnt = l->keep_cnt;
}

/* The listener's owner gets a say before the connection exists. */
static int cse_tcp_spawn(struct cse_tcp_sock *lp, struct cse_sock *child)
{
	struct sockaddr_in peer = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(child->raddr),
		.sin_port = htons(child->rport),
	};

	return lp->sk.on_spawn(child, &peer, lp->sk.on_spawn_arg);
}

struct cse_tcp_sock *cse_tcp_child_new(struct cse_tcp_sock *lp,
				       const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = lp->sk.st;
	struct cse_tcp_sock *tp;
	struct cse_sock *s;

	s = cse_sock_alloc(st, &cse_tcp_ops);
	if (!s) {
		st->stats.mem_drop++;
		return NULL;
	}
	tp = cse_tcp_sk(s);
	s->rcvbuf = lp->sk.rcvbuf;
	s->sndbuf = lp->sk.sndbuf;
	s->rcvbuf_locked = lp->sk.rcvbuf_locked;
	s->sndbuf_locked = lp->sk.sndbuf_locked;
	cse_tcp_inherit_opts(s, &lp->sk);
	s->laddr = seg->daddr;
	s->raddr = seg->saddr;
	s->rport = seg->sport;
	if (lp->sk.on_spawn && cse_tcp_spawn(lp, s)) {
		cse_sock_free(s);
		st->stats.tcp_syn_drop++;
		return NULL;
	}
	cse_port_hash(&st->tcp, s, lp->sk.lport);
	tp->parent = lp;
	tp->cc = lp->cc;		/* as Linux, from the listener */
	cse_list_add_tail(&lp->syn_q, &tp->child);
	lp->syn_n++;
	tp->state = CSE_TCP_SYN_RECEIVED;
	return tp;
}

void cse_tcp_child_ready(struct cse_tcp_sock *tp)
{
	struct cse_tcp_sock *lp = tp->parent;

	cse_list_del(&tp->child);
	lp->syn_n--;
	cse_list_add_tail(&lp->accept_q, &tp->child);
	lp->accept_n++;
	cse_sock_data_ready(&lp->sk);
}

static ssize_t cse_tcp_sendto(struct cse_sock *s, const void *buf,
			      size_t len, int flags,
			      const struct sockaddr_in *to)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	uint32_t n;
	int err;

	(void)to;			/* Linux ignores it on a stream */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (tp->state == CSE_TCP_SYN_SENT ||
	    tp->state == CSE_TCP_SYN_RECEIVED)
		return -EAGAIN;		/* still connecting */
	/* Linux: a pending error first, else EPIPE (never ENOTCONN). */
	err = cse_sock_take_error(s);
	if (err)
		return err;
	if ((s->shutdown & CSE_SEND_SHUTDOWN) ||
	    (tp->state != CSE_TCP_ESTABLISHED &&
	     tp->state != CSE_TCP_CLOSE_WAIT))
		return -EPIPE;
	if (!len)
		return 0;
	n = cse_ring_write(&tp->sndbuf, buf, len > UINT32_MAX ? UINT32_MAX :
			   (uint32_t)len);
	if (n < len)
		tp->sndbuf_limited = true;	/* autotuning may grow it */
	if (!n)
		return -EAGAIN;
	cse_tcp_output(tp);
	cse_sock_changed(s);
	return n;
}

/* After the application read: announce a window that opened by a lot. */
static void cse_tcp_window_update(struct cse_tcp_sock *tp)
{
	uint32_t now_wnd = cse_tcp_rcv_wnd(tp);
	uint32_t old_wnd = tp->rcv_adv - tp->rcv_nxt;

	if (now_wnd - old_wnd >= tp->mss ||
	    now_wnd - old_wnd >= tp->rcvbuf.cap / 2)
		cse_tcp_send_ack(tp);
}

static ssize_t cse_tcp_read(struct cse_tcp_sock *tp, void *buf, size_t len,
			    int flags)
{
	uint32_t n = tp->rcvbuf.len < len ? tp->rcvbuf.len : (uint32_t)len;

	/* Linux: MSG_TRUNC on a stream discards instead of copying. */
	if (!(flags & MSG_TRUNC))
		cse_ring_peek(&tp->rcvbuf, 0, buf, n);
	if (!(flags & MSG_PEEK)) {
		cse_ring_drop(&tp->rcvbuf, n);
		cse_tcp_rcvbuf_tune(tp, n);
		if (tp->state == CSE_TCP_ESTABLISHED ||
		    tp->state == CSE_TCP_FIN_WAIT_1 ||
		    tp->state == CSE_TCP_FIN_WAIT_2)
			cse_tcp_window_update(tp);
		cse_sock_changed(&tp->sk);
	}
	return n;
}

static ssize_t cse_tcp_recvfrom(struct cse_sock *s, void *buf, size_t len,
				int flags, struct sockaddr_in *from,
				int *msg_flags)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	int err;

	(void)msg_flags;		/* no flag applies to a stream */
	from->sin_family = AF_UNSPEC;	/* a stream has no source address */
	if (tp->state == CSE_TCP_LISTEN)
		return -ENOTCONN;
	/* Linux's answer when no urgent byte is waiting, which is always. */
	if (flags & MSG_OOB)
		return -EINVAL;
	/* Even for 0 bytes Linux waits for one (sock_rcvlowat()). */
	if (tp->rcvbuf.len)
		return len ? cse_tcp_read(tp, buf, len, flags) : 0;
	/* After the peer's FIN, end of file even if an RST followed. */
	if (tp->fin_rcvd)
		return 0;
	err = cse_sock_take_error(s);
	if (err)
		return err;
	if (s->shutdown & CSE_RCV_SHUTDOWN)
		return 0;
	if (tp->state == CSE_TCP_CLOSED)
		return -ENOTCONN;
	return -EAGAIN;
}

/* Queue our FIN behind the data (RFC 9293 3.10.4 CLOSE). */
static void cse_tcp_send_fin(struct cse_tcp_sock *tp)
{
	if (tp->fin_queued)
		return;
	if (tp->state == CSE_TCP_ESTABLISHED)
		cse_tcp_set_state(tp, CSE_TCP_FIN_WAIT_1);
	else if (tp->state == CSE_TCP_CLOSE_WAIT)
		cse_tcp_set_state(tp, CSE_TCP_LAST_ACK);
	else
		return;
	tp->fin_queued = true;
	cse_tcp_output(tp);
}

static void cse_tcp_close_children(struct cse_tcp_sock *lp)
{
	while (!cse_list_empty(&lp->syn_q))
		cse_tcp_abort(cse_container_of(lp->syn_q.next,
					       struct cse_tcp_sock, child), 0);
	while (!cse_list_empty(&lp->accept_q))
		cse_tcp_abort(cse_container_of(lp->accept_q.next,
					       struct cse_tcp_sock, child), 0);
}

static int cse_tcp_shutdown(struct cse_sock *s, int how)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);

	if (tp->state == CSE_TCP_CLOSED)
		return -ENOTCONN;
	if (tp->state == CSE_TCP_LISTEN || tp->state == CSE_TCP_SYN_SENT) {
		/* Linux disconnects these rather than half-closing. */
		if (tp->state != CSE_TCP_LISTEN || how != SHUT_WR)
			cse_tcp_disconnect(tp);
		return 0;
	}
	s->shutdown |= (uint8_t)(how + 1);	/* SHUT_RD=0 ... SHUT_RDWR=2 */
	if (how != SHUT_RD)
		cse_tcp_send_fin(tp);
	cse_sock_changed(s);
	return 0;
}

static bool cse_tcp_close(struct cse_sock *s)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);

	switch (tp->state) {
	case CSE_TCP_CLOSED:
	case CSE_TCP_SYN_SENT:
		return false;
	case CSE_TCP_LISTEN:
		cse_tcp_close_children(tp);
		return false;
	default:
		break;
	}
	/*
	 * Unread data or SO_LINGER {1, 0}: abort (RFC 2525 2.17, Linux).
	 * So is a simultaneous open not yet complete: it has no FIN to send.
	 */
	if (tp->rcvbuf.len || (s->linger_on && !s->linger_sec) ||
	    tp->state == CSE_TCP_SYN_RECEIVED) {
		cse_tcp_send_rst(tp);
		return false;
	}
	tp->orphan = true;
	s->shutdown = CSE_SHUTDOWN_MASK;
	cse_tcp_send_fin(tp);
	if (tp->state == CSE_TCP_FIN_WAIT_2)
		cse_tcp_arm_fin_timeout(tp);
	return true;
}

bool cse_tcp_unfinished(const struct cse_sock *s)
{
	const struct cse_tcp_sock *tp = (const struct cse_tcp_sock *)s;

	switch (tp->state) {
	case CSE_TCP_ESTABLISHED:
	case CSE_TCP_CLOSE_WAIT:
		return tp->sndbuf.len != 0;
	case CSE_TCP_FIN_WAIT_1:
	case CSE_TCP_CLOSING:
	case CSE_TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* Queue sizes as Linux's tcp_ioctl reports them. */
static int cse_tcp_ioctl(const struct cse_sock *s, unsigned long req,
			 int *val)
{
	const struct cse_tcp_sock *tp = (const struct cse_tcp_sock *)s;
	uint32_t write_seq = tp->snd_buf_seq + tp->sndbuf.len;

	if (tp->state == CSE_TCP_LISTEN)
		return -EINVAL;
	switch (req) {
	case SIOCINQ:
		*val = (int)tp->rcvbuf.len;
		return 0;
	case SIOCOUTQ:
		*val = tp->state == CSE_TCP_SYN_SENT ? 0 :
		       (int)(write_seq - tp->snd_una);
		return 0;
	case SIOCOUTQNSD:
		*val = tp->state == CSE_TCP_SYN_SENT ? 0 :
		       (int)(write_seq - tp->snd_nxt);
		return 0;
	}
	return -ENOTTY;
}

static unsigned int cse_tcp_poll(const struct cse_sock *s)
{
	const struct cse_tcp_sock *tp = (const struct cse_tcp_sock *)s;
	unsigned int mask = 0;

	if (tp->state == CSE_TCP_LISTEN)
		return cse_list_empty(&tp->accept_q) ? 0 : CSE_POLLIN;
	/* As Linux's tcp_poll. */
	if (s->shutdown == CSE_SHUTDOWN_MASK || tp->state == CSE_TCP_CLOSED)
		mask |= CSE_POLLHUP;
	if (s->shutdown & CSE_RCV_SHUTDOWN)
		mask |= CSE_POLLIN | CSE_POLLRDHUP;
	if (tp->state != CSE_TCP_SYN_SENT &&
	    tp->state != CSE_TCP_SYN_RECEIVED) {
		if (tp->rcvbuf.len)
			mask |= CSE_POLLIN;
		/* Writable while free space is at least half the queued. */
		if ((s->shutdown & CSE_SEND_SHUTDOWN) || !tp->sndbuf.buf ||
		    cse_ring_space(&tp->sndbuf) >= tp->sndbuf.len / 2 + 1)
			mask |= CSE_POLLOUT;
	}
	if (s->err)
		mask |= CSE_POLLERR;
	return mask;
}

/*
 * Linux's getpeername() fails while the SYN is out and once closed; a
 * TIME-WAIT connection is closed too for its socket (tcp_time_wait()).
 */
static bool cse_tcp_has_peer(const struct cse_sock *s)
{
	enum cse_tcp_state st = ((const struct cse_tcp_sock *)s)->state;

	return st != CSE_TCP_CLOSED && st != CSE_TCP_SYN_SENT &&
	       st != CSE_TCP_TIME_WAIT && st != CSE_TCP_LISTEN;
}

static void cse_tcp_keepalive(struct cse_sock *s)
{
	cse_tcp_keepalive_reset(cse_tcp_sk(s));
}

static void cse_tcp_unreachable(struct cse_sock *s, int err)
{
	cse_tcp_error(cse_tcp_sk(s), err);
}

static void cse_tcp_release(struct cse_sock *s)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);

	cse_tcp_close_children(tp);
	cse_tcp_unlink_child(tp);
	cse_tcp_stop_timers(tp);
	cse_ring_free(&s->st->mem, &tp->sndbuf);
	cse_ring_free(&s->st->mem, &tp->rcvbuf);
	cse_pbq_purge(&s->st->mem, &tp->ooo);
}

const struct cse_proto_ops cse_tcp_ops = {
	.type = SOCK_STREAM,
	.protocol = IPPROTO_TCP,
	.obj_size = sizeof(struct cse_tcp_sock),
	.init = cse_tcp_init,
	.bind = cse_tcp_bind,
	.connect = cse_tcp_connect,
	.sendto = cse_tcp_sendto,
	.recvfrom = cse_tcp_recvfrom,
	.poll = cse_tcp_poll,
	.has_peer = cse_tcp_has_peer,
	.listen = cse_tcp_listen,
	.accept = cse_tcp_accept,
	.shutdown = cse_tcp_shutdown,
	.keepalive = cse_tcp_keepalive,
	.unreachable = cse_tcp_unreachable,
	.close = cse_tcp_close,
	.release = cse_tcp_release,
	.ioctl = cse_tcp_ioctl,
};

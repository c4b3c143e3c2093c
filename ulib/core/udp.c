// SPDX-License-Identifier: GPL-2.0
/*
 * UDP (RFC 768, RFC 1122 4.1) with Linux's socket semantics: the most
 * specific socket gets a unicast datagram, every matching one a broadcast;
 * errors from ICMP reach connected sockets only; the receive queue stops
 * growing once its truesize passes SO_RCVBUF.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <string.h>

#include "csum.h"
#include "icmp4.h"
#include "ip4_tx.h"
#include "priv.h"
#include "udp.h"
#include "wire.h"

#define CSE_UDP_MAX_PAYLOAD	(65535 - CSE_IP4_HLEN - CSE_UDP_HLEN)

static int cse_udp_bind(struct cse_sock *s, const struct sockaddr_in *sin)
{
	return cse_sock_bind(s, &s->st->udp, sin);
}

/* connect(AF_UNSPEC): forget the peer and whatever connect() chose. */
static void cse_udp_disconnect(struct cse_sock *s)
{
	s->raddr = 0;
	s->rport = 0;
	if (!s->addr_locked)
		s->laddr = 0;
	if (!s->port_locked)
		cse_port_unhash(s);
}

/* May @s send to @daddr? Shared by connect() and sendto(). */
static int cse_udp_dest_ok(struct cse_sock *s, uint32_t daddr)
{
	uint32_t hop;

	if (cse_ip4_is_bcast(s->st, daddr))
		return s->broadcast ? 0 : -EACCES;
	/* No loopback in the instance: 0.0.0.0 means nowhere. */
	if (!daddr || cse_route_lookup(&s->st->routes, daddr, &hop))
		return -ENETUNREACH;
	return 0;
}

static int cse_udp_connect(struct cse_sock *s, const struct sockaddr_in *sin)
{
	uint32_t daddr;
	int err;

	if (!sin) {
		cse_udp_disconnect(s);
		cse_sock_changed(s);
		return 0;
	}
	daddr = ntohl(sin->sin_addr.s_addr);
	err = cse_udp_dest_ok(s, daddr);
	if (!err && !s->lport)
		err = cse_port_autobind(&s->st->udp, &s->st->rng, s);
	if (err)
		return err;
	if (!s->laddr)
		s->laddr = s->st->addr;
	s->raddr = daddr;
	s->rport = ntohs(sin->sin_port);
	cse_sock_changed(s);
	return 0;
}

static void cse_udp_fill(struct cse_stack *st, uint8_t *h, uint16_t sport,
			 uint32_t daddr, uint16_t dport, uint16_t ulen)
{
	uint16_t sum;

	cse_put16(h, sport);
	cse_put16(h + 2, dport);
	cse_put16(h + 4, ulen);
	cse_put16(h + 6, 0);
	sum = cse_csum_fold(cse_csum_add(cse_csum_pseudo(st->addr, daddr,
							 IPPROTO_UDP, ulen),
					 h, ulen));
	/* 0 means "no checksum": a computed 0 is sent as all ones. */
	cse_put16(h + 6, sum ? sum : 0xffff);
}

/* What every UDP send or receive checks first: flags, a pending error. */
static int cse_udp_precheck(struct cse_sock *s, int flags)
{
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	return cse_sock_take_error(s);
}

static ssize_t cse_udp_sendto(struct cse_sock *s, const void *buf, size_t len,
			      int flags, const struct sockaddr_in *to)
{
	struct cse_stack *st = s->st;
	uint32_t daddr = s->raddr;
	uint16_t dport = s->rport;
	struct cse_ip4_path path;
	struct cse_ip4_tx tx;
	int err = cse_udp_precheck(s, flags);

	if (err)
		return err;
	if (len > CSE_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (to) {
		daddr = ntohl(to->sin_addr.s_addr);
		dport = ntohs(to->sin_port);
		if (!dport)
			return -EINVAL;
	} else if (!s->raddr) {
		return -EDESTADDRREQ;
	}
	err = cse_udp_dest_ok(s, daddr);
	if (!err && !s->lport)
		err = cse_port_autobind(&s->st->udp, &s->st->rng, s);
	if (err)
		return err;
	/* Linux's sock_alloc_send_skb() after shutdown(SHUT_WR). */
	if (s->shutdown & CSE_SEND_SHUTDOWN)
		return -EPIPE;
	err = cse_ip4_path(st, &path, daddr, IPPROTO_UDP, cse_sock_ttl(s),
			   s);
	if (!err)
		err = cse_ip4_tx_begin(st, &path, &tx, CSE_UDP_HLEN + len);
	if (err)
		return err;
	/* The payload's one copy: into the link's buffer when it can be. */
	memcpy(tx.l4 + CSE_UDP_HLEN, buf, len);
	cse_udp_fill(st, tx.l4, s->lport, daddr, dport, CSE_UDP_HLEN + len);
	err = cse_ip4_tx_commit(st, &path, &tx);
	if (err)
		return err;
	st->stats.udp_tx++;
	return (ssize_t)len;
}

static ssize_t cse_udp_recvfrom(struct cse_sock *s, void *buf, size_t len,
				int flags, struct sockaddr_in *from,
				int *msg_flags)
{
	struct cse_pbuf *pb;
	size_t n;
	int err = cse_udp_precheck(s, flags);

	if (err)
		return err;
	pb = s->rxq.head;
	if (!pb)
		return -EAGAIN;
	n = pb->len < len ? pb->len : len;
	memcpy(buf, cse_pbuf_data(pb), n);
	from->sin_port = htons(pb->peer_port);
	from->sin_addr.s_addr = htonl(pb->peer_addr);
	/*
	 * Linux: the rest of a datagram is lost; MSG_TRUNC asks for its
	 * real length, and recvmsg flags say it was cut.
	 */
	if (pb->len > len)
		*msg_flags |= MSG_TRUNC;
	if (flags & MSG_TRUNC)
		n = pb->len;
	if (!(flags & MSG_PEEK)) {
		cse_pbq_pop(&s->rxq);
		s->rmem -= pb->truesize;
		cse_pbuf_free(&s->st->mem, pb);
		cse_sock_changed(s);
	}
	return (ssize_t)n;
}

/* Linux's udp_ioctl: the next datagram's payload, nothing queued out. */
static int cse_udp_ioctl(const struct cse_sock *s, unsigned long req,
			 int *val)
{
	switch (req) {
	case SIOCINQ:
		*val = s->rxq.head ? (int)s->rxq.head->len : 0;
		return 0;
	case SIOCOUTQ:
		*val = 0;
		return 0;
	}
	return -ENOTTY;
}

/*
 * As Linux's inet_shutdown() on a datagram socket: only the flags change
 * (readiness, and a blocking receive that would wait returns 0 instead),
 * and an unconnected socket says ENOTCONN but takes them all the same.
 */
static int cse_udp_shutdown(struct cse_sock *s, int how)
{
	s->shutdown |= (uint8_t)(how + 1);	/* SHUT_RD=0 ... SHUT_RDWR=2 */
	cse_sock_changed(s);
	return s->raddr ? 0 : -ENOTCONN;
}

/* As Linux's datagram_poll(). */
static unsigned int cse_udp_poll(const struct cse_sock *s)
{
	unsigned int mask = CSE_POLLOUT;

	if (s->err)
		mask |= CSE_POLLERR;
	if (s->shutdown & CSE_RCV_SHUTDOWN)
		mask |= CSE_POLLIN | CSE_POLLRDHUP;
	if (s->shutdown == CSE_SHUTDOWN_MASK)
		mask |= CSE_POLLHUP;
	if (s->rxq.head)
		mask |= CSE_POLLIN;
	return mask;
}

static void cse_udp_release(struct cse_sock *s)
{
	s->rmem = 0;
}

const struct cse_proto_ops cse_udp_ops = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_UDP,
	.obj_size = sizeof(struct cse_sock),
	.bind = cse_udp_bind,
	.connect = cse_udp_connect,
	.sendto = cse_udp_sendto,
	.recvfrom = cse_udp_recvfrom,
	.poll = cse_udp_poll,
	.shutdown = cse_udp_shutdown,
	.release = cse_udp_release,
	.ioctl = cse_udp_ioctl,
};

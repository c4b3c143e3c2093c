// SPDX-License-Identifier: GPL-2.0
/*
 * The rtnetlink socket of the mirror. libmnl builds the requests and walks
 * the replies; the socket calls themselves go through cse_real, as for
 * every descriptor of the library's own, so that the application's
 * interposed calls never see it.
 *
 * One socket carries both the dumps and the notifications, so a dump's
 * replies may come with notifications between them: mnl_cb_run() is given
 * no sequence number to insist on, and applies both as they come (a
 * notification is as current as the dump).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "real.h"
#include "rtmirror.h"
#include "usock.h"

/* A dump's datagrams are at most 32 KiB (netlink's own bound). */
#define CSE_RTM_BUF		(32 * 1024)
#define CSE_RTM_RCVBUF		(1 << 20)
#define CSE_RTM_TRIES		4	/* re-reads of a changing table */
#define CSE_RTM_BATCH		64	/* datagrams per progress pass */
#define CSE_RTM_DRAIN		4096	/* stale ones before a re-read */
#define CSE_RTM_WAIT_S		2	/* seconds for a dump's reply */

static int cse_rtmirror_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cse_rtmirror *m = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		m->intr = true;
	cse_rtview_apply(&m->view, nlh);
	return MNL_CB_OK;
}

/*
 * The end of a dump, or its error: ours only if it answers the last
 * request (after an overflow the kernel may still finish an older one).
 */
static int cse_rtmirror_done(const struct nlmsghdr *nlh, void *data)
{
	const struct cse_rtmirror *m = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_seq != m->seq)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == NLMSG_DONE)
		return MNL_CB_STOP;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (!e->error)
		return MNL_CB_STOP;	/* an acknowledgement */
	errno = e->error < 0 ? -e->error : EPROTO;
	return MNL_CB_ERROR;
}

/* Not const: mnl_cb_run2() takes a plain pointer. */
static mnl_cb_t cse_rtmirror_ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_DONE] = cse_rtmirror_done,
	[NLMSG_ERROR] = cse_rtmirror_done,
};

static int cse_rtmirror_run(struct cse_rtmirror *m, size_t n)
{
	if (!cse_rtview_datagram_ok(&m->view, m->buf, n))
		return MNL_CB_OK;	/* dropped whole */
	return mnl_cb_run2(m->buf, n, 0, 0, cse_rtmirror_cb, m,
			   cse_rtmirror_ctl, NLMSG_MIN_TYPE);
}

/*
 * One datagram, from the kernel only (another process needs CAP_NET_ADMIN
 * to send to us, but it has no say in our routes either). Returns its
 * length, 0 for one dropped, or -errno.
 */
static ssize_t cse_rtmirror_recv(struct cse_rtmirror *m, int flags)
{
	struct sockaddr_nl from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	n = cse_real.recvfrom(m->fd, m->buf, CSE_RTM_BUF, flags,
			      (struct sockaddr *)&from, &fl);
	if (n < 0)
		return -errno;
	if (fl < sizeof(from) || from.nl_family != AF_NETLINK ||
	    from.nl_pid) {
		m->view.stats.bad++;
		return 0;
	}
	return n;
}

/* Ask for a dump of @type, IPv4 only. */
static int cse_rtmirror_request(struct cse_rtmirror *m, uint16_t type)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char req[64] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++m->seq ? m->seq : ++m->seq;	/* never 0 */
	/* The family leads each of ifaddrmsg, rtmsg and ndmsg. */
	g = mnl_nlmsg_put_extra_header(nlh, type == RTM_GETNEIGH ?
				       sizeof(struct ndmsg) :
				       type == RTM_GETROUTE ?
				       sizeof(struct rtmsg) :
				       sizeof(struct ifaddrmsg));
	g->rtgen_family = AF_INET;
	if (cse_real.sendto(m->fd, nlh, nlh->nlmsg_len, 0,
			    (const struct sockaddr *)&kernel,
			    sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* One dump, to its end; notifications on the way are applied as well. */
static int cse_rtmirror_dump(struct cse_rtmirror *m, uint16_t type)
{
	ssize_t n;
	int ret, err = cse_rtmirror_request(m, type);

	if (err)
		return err;
	for (;;) {
		n = cse_rtmirror_recv(m, 0);
		if (n == -EINTR || !n)
			continue;
		if (n < 0)
			return n;
		ret = cse_rtmirror_run(m, n);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0)
			return -errno;
	}
}

/*
 * What is still queued is older than what the re-read will say, and the
 * changes that came after it were lost: applied after the forgetting, an
 * addition whose removal was dropped would stay. Bounded, against a
 * flood that never ends.
 */
static void cse_rtmirror_drain(struct cse_rtmirror *m)
{
	unsigned int i;

	for (i = 0; i < CSE_RTM_DRAIN; i++)
		if (cse_real.recv(m->fd, m->buf, CSE_RTM_BUF,
				  MSG_DONTWAIT) < 0 &&
		    errno != EINTR && errno != ENOBUFS)
			break;
}

/* One dump after the other: a netlink socket runs one dump at a time. */
static int cse_rtmirror_dump_all(struct cse_rtmirror *m)
{
	static const uint16_t types[] = {
		RTM_GETADDR, RTM_GETROUTE, RTM_GETNEIGH,
	};
	unsigned int i;
	int err = 0;

	cse_rtmirror_drain(m);
	cse_rtview_forget(&m->view);
	m->intr = false;
	m->view.reading = true;
	for (i = 0; i < sizeof(types) / sizeof(types[0]) && !err; i++)
		err = cse_rtmirror_dump(m, types[i]);
	m->view.reading = false;
	cse_rtview_sync(&m->view);
	return err;
}

int cse_rtmirror_resync(struct cse_rtmirror *m)
{
	unsigned int tries;
	int err = 0;

	for (tries = 0; tries < CSE_RTM_TRIES; tries++) {
		err = cse_rtmirror_dump_all(m);
		/* Lost replies or a table that changed: read it again. */
		if ((!err && !m->intr) || (err && err != -ENOBUFS))
			break;
	}
	return err;
}

static int cse_rtmirror_socket(struct cse_rtmirror *m, int (*hide)(int fd))
{
	static const int groups[] = {
		RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_NEIGH,
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	/* A dump is read under the instance lock: never wait for ever. */
	struct timeval tmo = { .tv_sec = CSE_RTM_WAIT_S };
	int rcvbuf = CSE_RTM_RCVBUF;
	unsigned int i;

	m->fd = cse_real.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_ROUTE);
	if (m->fd < 0)
		return -errno;
	m->fd = hide(m->fd);
	cse_fd_set_private(m->fd, true);
	/* The kernel caps it at rmem_max; an overflow then resyncs. */
	cse_real.setsockopt(m->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			    sizeof(rcvbuf));
	if (cse_real.setsockopt(m->fd, SOL_SOCKET, SO_RCVTIMEO, &tmo,
				sizeof(tmo)))
		return -errno;
	if (cse_real.bind(m->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (cse_real.setsockopt(m->fd, SOL_NETLINK,
					NETLINK_ADD_MEMBERSHIP, &groups[i],
					sizeof(groups[i])))
			return -errno;
	return 0;
}

int cse_rtmirror_open(struct cse_rtmirror *m, struct cse_netcfg *net,
		      struct cse_stack *st, int (*hide)(int fd))
{
	long tck = sysconf(_SC_CLK_TCK);
	int err;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	cse_rtview_init(&m->view, net, st);
	if (tck > 0)
		m->view.clk_tck = (unsigned int)tck;
	m->buf = malloc(CSE_RTM_BUF);
	if (!m->buf)
		return m->err = -ENOMEM;
	err = cse_rtmirror_socket(m, hide);
	if (!err)
		err = cse_rtmirror_resync(m);
	if (err)
		cse_rtmirror_close(m);
	m->err = err;
	return err;
}

void cse_rtmirror_read(struct cse_rtmirror *m)
{
	unsigned int i;
	ssize_t n;

	for (i = 0; m->fd >= 0 && i < CSE_RTM_BATCH; i++) {
		n = cse_rtmirror_recv(m, MSG_DONTWAIT);
		if (n == -EINTR || !n)
			continue;
		if (n == -ENOBUFS) {
			m->view.stats.resyncs++;
			cse_rtmirror_resync(m);
			return;
		}
		if (n < 0)
			return;
		cse_rtmirror_run(m, n);
	}
}

void cse_rtmirror_close(struct cse_rtmirror *m)
{
	if (m->fd >= 0) {
		cse_fd_set_private(m->fd, false);
		cse_real.close(m->fd);
	}
	m->fd = -1;
	free(m->buf);
	m->buf = NULL;
}

int cse_rtmirror_report(const struct cse_rtmirror *m, char *line,
			size_t len)
{
	const struct cse_rtview_stats *s = &m->view.stats;

	return snprintf(line, len,
			"rtmirror: msgs=%llu bad=%llu ignored=%llu resyncs=%llu neigh_seeded=%llu neigh_dropped=%llu routes=%u stack_routes=%u unusable=%u routes_full=%llu local=%u",
			(unsigned long long)s->msgs,
			(unsigned long long)s->bad,
			(unsigned long long)s->ignored,
			(unsigned long long)s->resyncs,
			(unsigned long long)s->neigh_seeded,
			(unsigned long long)s->neigh_dropped,
			m->view.net->n_routes, m->view.n_in_stack,
			m->view.unusable, (unsigned long long)s->routes_full,
			m->view.net->n_local);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Data calls on served sockets: every send and receive variant ends in
 * cse_srv_sendmsg() or cse_srv_recvmsg(), which loop over the stack and
 * sleep as the kernel's socket calls do (blocking mode, MSG_DONTWAIT,
 * SO_RCVTIMEO/SO_SNDTIMEO, MSG_WAITALL, EPIPE and SIGPIPE).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "inst.h"
#include "real.h"
#include "serve.h"

/* Flags the stack has no use for but that are valid on a socket. */
#define CSE_SEND_HINTS	(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR)
#define CSE_RECV_HINTS	(MSG_DONTWAIT | MSG_WAITALL | MSG_CMSG_CLOEXEC)

/*
 * Once some bytes moved, a signal ends the call with their count, with or
 * without SA_RESTART (tcp_recvmsg(), tcp_sendmsg()); the module restarts
 * only untimed waits, so give it a time that never comes.
 */
static int64_t cse_deadline_partial(int64_t deadline, size_t done)
{
	return done && deadline < 0 ? INT64_MAX : deadline;
}

static size_t cse_iov_len(const struct iovec *iov, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* A UDP datagram goes out whole: gather the pieces (one copy, as Linux). */
static void *cse_gather(const struct msghdr *m, size_t len)
{
	unsigned char *buf;
	size_t i, off = 0;

	if (m->msg_iovlen == 1)
		return m->msg_iov[0].iov_base;
	buf = malloc(len ? len : 1);
	if (!buf)
		return NULL;
	for (i = 0; i < m->msg_iovlen; i++) {
		memcpy(buf + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		off += m->msg_iov[i].iov_len;
	}
	return buf;
}

static void cse_scatter(const struct msghdr *m, const unsigned char *buf,
			size_t len)
{
	size_t i, n;

	for (i = 0; i < m->msg_iovlen && len; i++) {
		n = len < m->msg_iov[i].iov_len ? len : m->msg_iov[i].iov_len;
		memcpy(m->msg_iov[i].iov_base, buf, n);
		buf += n;
		len -= n;
	}
}

static bool cse_local_dst(const struct msghdr *m)
{
	const struct sockaddr_in *to = m->msg_name;

	return to && m->msg_namelen >= sizeof(*to) &&
	       to->sin_family == AF_INET &&
	       !cse_netcfg_serves_dst(&cse_inst.net, to->sin_addr);
}

/* One pass of the stack over a message; -EAGAIN when nothing moved. */
static ssize_t cse_send_once(struct cse_usock *u, const struct msghdr *m,
			     size_t done, int flags)
{
	size_t i, skip = done;
	ssize_t r, sent = 0;
	char none;

	/* Nothing to send: the stack still says what a write would. */
	if (u->type == SOCK_STREAM && !cse_iov_len(m->msg_iov, m->msg_iovlen))
		return cse_sendto(u->sk, &none, 0, flags, NULL, 0);
	if (u->type == SOCK_DGRAM) {
		size_t len = cse_iov_len(m->msg_iov, m->msg_iovlen);
		void *buf = cse_gather(m, len);

		if (!buf)
			return -ENOMEM;
		r = cse_sendto(u->sk, buf, len, flags, m->msg_name,
			       m->msg_namelen);
		if (buf != m->msg_iov[0].iov_base)
			free(buf);
		return r;
	}
	for (i = 0; i < m->msg_iovlen; i++) {
		const struct iovec *v = &m->msg_iov[i];

		if (skip >= v->iov_len) {
			skip -= v->iov_len;
			continue;
		}
		r = cse_sendto(u->sk, (char *)v->iov_base + skip,
			       v->iov_len - skip, flags, NULL, 0);
		if (r < 0)
			return sent ? sent : r;
		sent += r;
		if ((size_t)r < v->iov_len - skip)
			break;
		skip = 0;
	}
	return sent;
}

static ssize_t cse_send_served(int fd, struct cse_usock *u,
			       const struct msghdr *m, int flags)
{
	size_t total = cse_iov_len(m->msg_iov, m->msg_iovlen), done = 0;
	int64_t deadline = cse_deadline(u->sndtimeo_ns);
	bool nb = u->nonblock || (flags & MSG_DONTWAIT);
	ssize_t r;

	if (u->type == SOCK_DGRAM && u->backing_io && cse_local_dst(m))
		return cse_real.sendmsg(u->port->kfd, m, flags) < 0 ? -errno :
		       (ssize_t)total;
	for (;;) {
		r = cse_send_once(u, m, done, flags & ~CSE_SEND_HINTS);
		/*
		 * Larger than the MTU: the stack does not fragment; the
		 * kernel socket that owns the port does, and reassembled
		 * replies come back to it (cse_recv_backing).
		 */
		if (r == -EMSGSIZE && u->type == SOCK_DGRAM && u->backing_io)
			return cse_real.sendmsg(u->port->kfd, m, flags) < 0 ?
			       -errno : (ssize_t)total;
		if (r >= 0) {
			done += r;
			if (u->type == SOCK_DGRAM || done >= total || nb)
				return u->type == SOCK_DGRAM ? r : (ssize_t)done;
			continue;
		}
		if (r != -EAGAIN || nb)
			break;
		r = cse_wait(fd, u, EPOLLOUT, cse_deadline_partial(deadline, done));
		if (r == -EBADF)
			return done ? (ssize_t)done : r;
		if (r)
			break;
	}
	return done ? (ssize_t)done : r;
}

ssize_t cse_srv_sendmsg(int fd, const struct msghdr *m, int flags)
{
	struct cse_usock *u;
	bool stream;
	ssize_t r;

	cse_inst_lock();
	u = cse_fd_get_taken(fd);
	if (u && u->state == CSE_US_KERNEL && u->type == SOCK_DGRAM &&
	    m->msg_name && !cse_local_dst(m) &&
	    ((const struct sockaddr *)m->msg_name)->sa_family == AF_INET)
		cse_convert(fd, u, CSE_CONV_DGRAM, NULL, 0);
	if (!u || u->state != CSE_US_USER) {
		cse_inst_unlock();
		return cse_real.sendmsg(fd, m, flags);
	}
	u->users++;
	stream = u->type == SOCK_STREAM;
	r = cse_send_served(fd, u, m, flags);
	if (r >= 0)
		u->hide_port = false;	/* it has a port again: connect.c */
	cse_usock_put(u);
	cse_inst_unlock();
	/*
	 * After the unlock: a SIGPIPE handler may call into the library.
	 * Only streams raise it (sk_stream_error()); UDP just says EPIPE.
	 */
	if (r == -EPIPE && stream && !(flags & MSG_NOSIGNAL))
		pthread_kill(pthread_self(), SIGPIPE);
	return cse_sys_ret(r);
}

/* May a datagram from @from be read: from the peer, or unconnected? */
static bool cse_from_peer(struct cse_usock *u, const struct sockaddr_in *from)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);

	if (cse_getpeername(u->sk, (struct sockaddr *)&peer, &len))
		return true;
	return from->sin_addr.s_addr == peer.sin_addr.s_addr &&
	       from->sin_port == peer.sin_port;
}

/*
 * The loopback half of a served UDP socket: its kernel socket. That one
 * is never connected (connect() would give it an address, and the port's
 * filter holds only while the address stays), so when the socket is
 * connected the datagrams of others are dropped here, as the kernel
 * would not have queued them.
 */
static ssize_t cse_recv_backing(struct cse_usock *u, struct msghdr *m,
				int flags)
{
	struct sockaddr_in from;
	struct msghdr km;
	ssize_t r;

	for (;;) {
		km = *m;
		km.msg_name = &from;
		km.msg_namelen = sizeof(from);
		r = cse_real.recvmsg(u->port->kfd, &km, flags | MSG_DONTWAIT);
		if (r < 0)
			return -errno;
		if (u->type != SOCK_DGRAM || cse_from_peer(u, &from))
			break;
		/* A peek left the stranger's datagram queued: drop it. */
		if (flags & MSG_PEEK)
			cse_real.recv(u->port->kfd, NULL, 0, MSG_DONTWAIT);
	}
	m->msg_flags = km.msg_flags;
	if (m->msg_name) {
		memcpy(m->msg_name, &from, m->msg_namelen < km.msg_namelen ?
		       m->msg_namelen : km.msg_namelen);
		m->msg_namelen = km.msg_namelen;
	}
	return r;
}

/* Into the iovecs in order, past the first @done bytes: streams. */
static ssize_t cse_recv_iov(struct cse_usock *u, struct msghdr *m,
			    size_t done, int flags, int *mflags)
{
	socklen_t *nl = m->msg_name ? &m->msg_namelen : NULL;
	ssize_t r, got = 0;
	size_t i, skip = done;

	for (i = 0; i < m->msg_iovlen; i++) {
		const struct iovec *v = &m->msg_iov[i];

		if (skip >= v->iov_len) {
			skip -= v->iov_len;
			continue;
		}
		r = cse_recvfrom(u->sk, (char *)v->iov_base + skip,
				 v->iov_len - skip, flags, m->msg_name, nl,
				 mflags);
		if (r < 0)
			return got ? got : r;
		got += r;
		if ((size_t)r < v->iov_len - skip)
			break;
		skip = 0;
	}
	return got;
}

/* A datagram, or a peek, over several iovecs: one read, then scatter. */
static ssize_t cse_recv_bounce(struct cse_usock *u, struct msghdr *m,
			       int flags, int *mflags)
{
	size_t total = cse_iov_len(m->msg_iov, m->msg_iovlen);
	unsigned char *buf = malloc(total ? total : 1);
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	r = cse_recvfrom(u->sk, buf, total, flags, m->msg_name,
			 m->msg_name ? &m->msg_namelen : NULL, mflags);
	if (r > 0)
		cse_scatter(m, buf, r);
	free(buf);
	return r;
}

static ssize_t cse_recv_once(struct cse_usock *u, struct msghdr *m,
			     size_t done, int flags)
{
	int mflags = 0;
	ssize_t r;
	char none;

	/* No room at all: the stack still says what a read would. */
	if (!cse_iov_len(m->msg_iov, m->msg_iovlen))
		r = cse_recvfrom(u->sk, &none, 0, flags, m->msg_name,
				 m->msg_name ? &m->msg_namelen : NULL, &mflags);
	else if (m->msg_iovlen <= 1 ||
		 (u->type == SOCK_STREAM && !(flags & MSG_PEEK)))
		r = cse_recv_iov(u, m, done, flags, &mflags);
	else
		r = cse_recv_bounce(u, m, flags, &mflags);
	if (r >= 0)
		m->msg_flags |= mflags;
	return r;
}

static ssize_t cse_recv_served(int fd, struct cse_usock *u, struct msghdr *m,
			       int flags)
{
	size_t total = cse_iov_len(m->msg_iov, m->msg_iovlen), done = 0;
	int64_t deadline = cse_deadline(u->rcvtimeo_ns);
	bool nb = u->nonblock || (flags & MSG_DONTWAIT);
	bool all = (flags & MSG_WAITALL) && u->type == SOCK_STREAM &&
		   !(flags & MSG_PEEK);
	ssize_t r;

	m->msg_controllen = 0;
	m->msg_flags = 0;
	for (;;) {
		r = cse_recv_once(u, m, done, flags & ~CSE_RECV_HINTS);
		/*
		 * The kernel socket only when it may hold something: a
		 * blocking call first sleeps on the file, which polls both
		 * (one system call per message fewer when it holds nothing).
		 */
		if (r == -EAGAIN && u->backing_io && !done &&
		    (nb || (u->wait_revents & EPOLLIN)))
			r = cse_recv_backing(u, m, flags);
		if (r > 0) {
			done += r;
			if (!all || done >= total)
				return done;
			continue;
		}
		if (r == 0)		/* end of stream (or an empty datagram) */
			return done;
		if (r != -EAGAIN || nb)
			break;
		/* Shut for reading: where Linux's would wait, it says 0. */
		if (u->type == SOCK_DGRAM && (cse_poll(u->sk) & CSE_POLLRDHUP))
			return 0;
		r = cse_wait(fd, u, EPOLLIN | EPOLLRDHUP,
			     cse_deadline_partial(deadline, done));
		if (r == -EBADF)
			return done ? (ssize_t)done : r;
		if (r)
			break;
	}
	return done ? (ssize_t)done : r;
}

ssize_t cse_srv_recvmsg(int fd, struct msghdr *m, int flags)
{
	struct cse_usock *u;
	ssize_t r;

	cse_inst_lock();
	u = cse_fd_get_taken(fd);
	if (!u || u->state != CSE_US_USER) {
		cse_inst_unlock();
		return cse_real.recvmsg(fd, m, flags);
	}
	u->users++;
	r = cse_recv_served(fd, u, m, flags);
	cse_usock_put(u);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

int cse_srv_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	unsigned int i;
	ssize_t r;

	for (i = 0; i < n; i++) {
		r = cse_srv_sendmsg(fd, &v[i].msg_hdr, flags);
		if (r < 0)
			return i ? (int)i : -1;
		v[i].msg_len = r;
	}
	return n;
}

int cse_srv_recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
		     struct timespec *timeout)
{
	int64_t deadline = -1;
	unsigned int i;
	ssize_t r;

	if (timeout)
		deadline = (int64_t)cse_inst_now_ns() +
			   timeout->tv_sec * 1000000000LL + timeout->tv_nsec;
	for (i = 0; i < n; i++) {
		r = cse_srv_recvmsg(fd, &v[i].msg_hdr, flags);
		if (r < 0)
			return i ? (int)i : -1;
		v[i].msg_len = r;
		/* As Linux: after the first, MSG_WAITFORONE stops waiting. */
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (deadline >= 0 && (int64_t)cse_inst_now_ns() >= deadline)
			return i + 1;
	}
	return n;
}

/* sendfile() to a served socket: read from @in, send like write(). */
ssize_t cse_srv_sendfile(int out, int in, off_t *off, size_t count)
{
	char buf[65536];
	size_t done = 0;
	ssize_t n, w;

	while (done < count) {
		size_t want = count - done < sizeof(buf) ? count - done :
			      sizeof(buf);

		n = off ? pread(in, buf, want, *off) : cse_real.read(in, buf, want);
		if (n <= 0) {
			if (n < 0 && !done)
				return -1;
			break;
		}
		w = cse_srv_sendmsg(out, &(struct msghdr){
			.msg_iov = &(struct iovec){ buf, n }, .msg_iovlen = 1 },
			0);
		if (w < 0) {
			int err = errno;

			/* Unsent bytes stay unread, as the kernel leaves them. */
			if (!off && lseek(in, -(off_t)n, SEEK_CUR) < 0)
				err = errno;
			errno = err;
			return done ? (ssize_t)done : -1;
		}
		if (off)
			*off += w;
		else if (w < n && lseek(in, w - n, SEEK_CUR) < 0)
			return -1;
		done += w;
		if (w < n)
			break;
	}
	return done;
}

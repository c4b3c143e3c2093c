// SPDX-License-Identifier: GPL-2.0
/*
 * connect() and shutdown() on served sockets. Linux keeps a stream
 * socket's connect() state in struct socket, beside the protocol's
 * (SS_CONNECTING and the rest: __inet_stream_connect(), inet_shutdown()),
 * and that state, not the protocol's, decides what a second connect()
 * says: EALREADY while the handshake runs, 0 once when it is over, then
 * EISCONN even after the connection ended, or the error when it failed.
 * usock->conn is that state here.
 */
#include <errno.h>
#include <sys/epoll.h>

#include "../dev/uapi.h"

#include "inst.h"
#include "real.h"
#include "serve.h"

/* A stream's connection: 1 open (or was), 0 being opened, -1 ended. */
static int cse_conn_stage(struct cse_usock *u)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (!cse_getpeername(u->sk, (struct sockaddr *)&sin, &len))
		return 1;
	return cse_poll(u->sk) & CSE_POLLHUP ? -1 : 0;
}

/*
 * The handshake is over: 0, or why it failed, the error taken and the
 * socket disconnected (a fresh closed one), as __inet_stream_connect().
 */
static int cse_conn_result(struct cse_usock *u, int stage)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(int);
	int err = 0;

	if (stage > 0) {
		u->conn = CSE_SS_CONNECTED;
		return 0;
	}
	cse_getsockopt(u->sk, SOL_SOCKET, SO_ERROR, &err, &len);
	cse_connect(u->sk, &unspec, sizeof(unspec));
	u->conn = CSE_SS_UNCONNECTED;
	return err ? -err : -ECONNABORTED;
}

/*
 * The handshake runs: a non-blocking socket says @r (EINPROGRESS, or
 * EALREADY when asked again); a blocking one waits for the end, or for
 * SO_SNDTIMEO (then @r too), or a signal.
 */
static int cse_conn_wait(int fd, struct cse_usock *u, int r)
{
	int64_t deadline = cse_deadline(u->sndtimeo_ns);
	int stage, w;

	while (!(stage = cse_conn_stage(u))) {
		if (u->nonblock)
			return r;
		w = cse_wait(fd, u, EPOLLOUT, deadline);
		if (w)
			return w == -EAGAIN ? r : w;
	}
	return cse_conn_result(u, stage);
}

/*
 * Connecting again after the last connection ended: the port's filter
 * steers one flow, so it must now steer the new one.
 */
static int cse_conn_retarget(struct cse_usock *u, const struct sockaddr *addr,
			     socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)addr;

	if (len < sizeof(*sin) || sin->sin_family != AF_INET)
		return 0;	/* the stack gives the errno */
	if (!cse_netcfg_serves_dst(&cse_inst.net, sin->sin_addr))
		return -ENETUNREACH;
	cse_port_unreserve(u->port->filter);
	return cse_port_reserve(u->port->kfd, SOCK_STREAM, 0, sin,
				&u->port->filter, NULL);
}

static int cse_connect_new(int fd, struct cse_usock *u,
			   const struct sockaddr *addr, socklen_t len)
{
	int r = 0;

	/* Linux: a socket that is not closed (a listener) is connected. */
	if (u->listening)
		return -EISCONN;
	if (u->own_flow && u->flow_used)
		r = cse_conn_retarget(u, addr, len);
	if (!r)
		r = cse_connect(u->sk, addr, len);
	u->flow_used = u->own_flow;
	if (r != -EINPROGRESS)
		return r;
	u->conn = CSE_SS_CONNECTING;
	return cse_conn_wait(fd, u, r);
}

static int cse_connect_stream(int fd, struct cse_usock *u,
			      const struct sockaddr *addr, socklen_t len)
{
	int r;

	if (addr->sa_family == AF_UNSPEC) {
		r = cse_connect(u->sk, addr, len);
		u->conn = r ? CSE_SS_DISCONNECTING : CSE_SS_UNCONNECTED;
		/* A listener stops, its loopback half with it. */
		if (!r && u->listening) {
			cse_real.shutdown(u->port->kfd, SHUT_RDWR);
			u->listening = false;
		}
		return r;
	}
	switch (u->conn) {
	case CSE_SS_UNCONNECTED:
		return cse_connect_new(fd, u, addr, len);
	case CSE_SS_CONNECTING:
		return cse_conn_wait(fd, u, -EALREADY);
	case CSE_SS_CONNECTED:
		return -EISCONN;
	default:
		return -EINVAL;
	}
}

/*
 * Linux forgets the port of a datagram socket whose bind() did not name
 * it when it disconnects (udp_disconnect()). The kernel half keeps it
 * here; it only shows as 0 until the socket connects or sends again.
 */
static int cse_connect_dgram(struct cse_usock *u, const struct sockaddr *addr,
			     socklen_t len)
{
	int r = cse_connect(u->sk, addr, len);

	if (!r)
		u->hide_port = addr->sa_family == AF_UNSPEC && !u->port_chosen;
	return r;
}

/* A kernel socket to a destination the device reaches becomes ours. */
static bool cse_connect_convert(int fd, struct cse_usock *u,
				const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)addr;

	return len >= sizeof(*sin) && sin->sin_family == AF_INET &&
	       cse_netcfg_serves_dst(&cse_inst.net, sin->sin_addr) &&
	       !cse_convert(fd, u, CSE_CONV_CONNECT, sin, 0);
}

/*
 * The kernel connects what the device does not reach. Once its socket is
 * connected, or on the way, it is the kernel's for good; a call that
 * failed (bad arguments, refused) leaves it free to connect elsewhere.
 */
static int cse_connect_kernel(int fd, struct cse_usock *u,
			      const struct sockaddr *addr, socklen_t len)
{
	int r, err;

	cse_inst_unlock();
	r = cse_real.connect(fd, addr, len);
	err = errno;
	if (!r || err == EINPROGRESS || err == EALREADY || err == EINTR) {
		cse_inst_lock();
		if (cse_fd_get(fd) == u)
			cse_fd_forget_kernel(fd);
		cse_inst_unlock();
	}
	errno = err;
	return r;
}

int cse_srv_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct cse_usock *u;
	int r;

	cse_inst_lock();
	u = cse_fd_get(fd);
	if (u && u->state == CSE_US_KERNEL &&
	    !cse_connect_convert(fd, u, addr, len))
		return cse_connect_kernel(fd, u, addr, len);
	if (!u) {
		cse_inst_unlock();
		return cse_real.connect(fd, addr, len);
	}
	/* inet_stream_connect(), inet_dgram_connect(): no family, EINVAL. */
	if (!addr || len < sizeof(sa_family_t)) {
		cse_inst_unlock();
		errno = EINVAL;
		return -1;
	}
	u->users++;
	if (u->type == SOCK_STREAM)
		r = cse_connect_stream(fd, u, addr, len);
	else
		r = cse_connect_dgram(u, addr, len);
	cse_usock_put(u);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

/* inet_shutdown(): what it does to the connect() state. */
static void cse_shutdown_conn(struct cse_usock *u, int stage, int how)
{
	if (u->conn == CSE_SS_CONNECTING)
		u->conn = stage > 0 ? CSE_SS_CONNECTED : CSE_SS_DISCONNECTING;
	/* A listener, or a SYN still out, is disconnected instead. */
	if (u->listening && how != SHUT_WR) {
		u->listening = false;
		u->conn = CSE_SS_UNCONNECTED;
	} else if (!stage && !u->listening) {
		u->conn = CSE_SS_UNCONNECTED;
	}
}

int cse_srv_shutdown(int fd, int how)
{
	struct cse_usock *u;
	int stage = 1, r;

	cse_inst_lock();
	u = cse_fd_get_taken(fd);
	if (!u || u->state != CSE_US_USER) {
		cse_inst_unlock();
		return cse_real.shutdown(fd, how);
	}
	if (u->type == SOCK_STREAM)
		stage = cse_conn_stage(u);
	r = cse_shutdown(u->sk, how);
	/* A listener's loopback half stops listening with it. */
	if (!r && u->listening)
		cse_real.shutdown(u->port->kfd, how);
	if (!r && u->type == SOCK_STREAM)
		cse_shutdown_conn(u, stage, how);
	cse_inst_unlock();
	return cse_sys_ret(r);
}

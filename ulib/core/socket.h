/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BSD-like socket API of an instance, the layer the interposer maps
 * system calls onto. Calls never block: where Linux would sleep they return
 * -EAGAIN, and readiness changes are pushed through the notify callback.
 * Every call returns -errno on failure with the errno Linux gives for the
 * same situation; arguments mirror the system calls.
 */
#ifndef CSE_CORE_SOCKET_H
#define CSE_CORE_SOCKET_H

#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

struct sockaddr_in;

struct cse_stack;
struct cse_sock;

/* Readiness bits, with the values of <poll.h> so they pass through. */
#define CSE_POLLIN	POLLIN
#define CSE_POLLOUT	POLLOUT
#define CSE_POLLERR	POLLERR
#define CSE_POLLHUP	POLLHUP
#define CSE_POLLRDHUP	POLLRDHUP

/* Called (from inside a stack call) whenever the mask of @s changes. */
typedef void (*cse_sock_notify_fn)(struct cse_sock *s, unsigned int mask,
				   void *arg);
/*
 * Called when the stack frees @s for good: after cse_close() once its
 * protocol is done with it (a TCP socket leaves TIME_WAIT), or at
 * cse_stack_destroy(). Whatever the owner holds for it (a port) can go.
 */
typedef void (*cse_sock_free_fn)(void *arg);
/*
 * Called when a listener takes a new connection @child from @peer (its SYN,
 * or the ACK of a SYN cookie), before anything is sent for it. A non-zero
 * return refuses the connection: the SYN is dropped (tcp_syn_drop), as a
 * full queue would drop it. The owner may set @child's free hook here for
 * what it takes on for the connection.
 */
typedef int (*cse_sock_spawn_fn)(struct cse_sock *child,
				 const struct sockaddr_in *peer, void *arg);

/* @type SOCK_DGRAM or SOCK_STREAM; -ESOCKTNOSUPPORT otherwise, -ENOBUFS. */
int cse_socket(struct cse_stack *st, int type, int protocol,
	       struct cse_sock **out);
int cse_close(struct cse_sock *s);
int cse_bind(struct cse_sock *s, const struct sockaddr *addr, socklen_t len);
int cse_connect(struct cse_sock *s, const struct sockaddr *addr,
		socklen_t len);
ssize_t cse_sendto(struct cse_sock *s, const void *buf, size_t len,
		   int flags, const struct sockaddr *to, socklen_t tolen);
/* @msg_flags (may be NULL) receives MSG_TRUNC as recvmsg's would. */
ssize_t cse_recvfrom(struct cse_sock *s, void *buf, size_t len, int flags,
		     struct sockaddr *from, socklen_t *fromlen,
		     int *msg_flags);
int cse_getsockname(struct cse_sock *s, struct sockaddr *addr,
		    socklen_t *len);
/* @sin to a caller's (@a, *@len), cut to fit, as the kernel does. */
void cse_sin_put(const struct sockaddr_in *sin, struct sockaddr *a,
		 socklen_t *len);
int cse_getpeername(struct cse_sock *s, struct sockaddr *addr,
		    socklen_t *len);
int cse_setsockopt(struct cse_sock *s, int level, int name, const void *val,
		   socklen_t len);
int cse_getsockopt(struct cse_sock *s, int level, int name, void *val,
		   socklen_t *len);
/* SOCK_STREAM only; -EOPNOTSUPP on datagram sockets. */
int cse_listen(struct cse_sock *s, int backlog);
/* The next connection in @child; the peer's address as accept() gives. */
int cse_accept(struct cse_sock *s, struct cse_sock **child,
	       struct sockaddr *addr, socklen_t *len);
int cse_shutdown(struct cse_sock *s, int how);
unsigned int cse_poll(struct cse_sock *s);
void cse_sock_set_notify(struct cse_sock *s, cse_sock_notify_fn fn,
			 void *arg);
/*
 * With @on, the notifier is also called for every arrival of data or of a
 * connection to accept, even when the mask does not change: Linux wakes a
 * socket's sleepers then, and edge-triggered epoll reports each arrival.
 */
void cse_sock_notify_data(struct cse_sock *s, bool on);
void cse_sock_set_free(struct cse_sock *s, cse_sock_free_fn fn, void *arg);
/* The argument the free hook of @s was set with (NULL when none is). */
void *cse_sock_free_arg(const struct cse_sock *s);
/* For a listener: call @fn for each connection it takes from now on. */
void cse_sock_set_spawn(struct cse_sock *s, cse_sock_spawn_fn fn, void *arg);
/*
 * SIOCINQ (FIONREAD), SIOCOUTQ (TIOCOUTQ), SIOCOUTQNSD as Linux answers
 * them: bytes readable (a stream) or the next datagram's size, bytes not
 * yet acknowledged, bytes not yet sent. -EINVAL on a listener, -ENOTTY for
 * any other request.
 */
int cse_ioctl(struct cse_sock *s, unsigned long req, int *val);

#endif /* CSE_CORE_SOCKET_H */

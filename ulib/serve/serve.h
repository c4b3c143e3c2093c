/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the interposer calls for a descriptor that may be served. Each
 * function behaves as the system call of the same name: it returns what
 * the call returns and sets errno on failure. Descriptors that are not
 * the library's are passed to the C library unchanged.
 */
#ifndef CSE_SERVE_SERVE_H
#define CSE_SERVE_SERVE_H

#include <errno.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "usock.h"

/* A -errno result in the system call convention: -1 with errno set. */
static inline ssize_t cse_sys_ret(ssize_t r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* Is the library serving sockets in this process at all? */
int cse_serving(void);

int cse_srv_socket(int domain, int type, int protocol);
int cse_srv_bind(int fd, const struct sockaddr *addr, socklen_t len);
int cse_srv_listen(int fd, int backlog);
int cse_srv_accept4(int fd, struct sockaddr *addr, socklen_t *len,
		    int flags);
int cse_srv_connect(int fd, const struct sockaddr *addr, socklen_t len);
int cse_srv_shutdown(int fd, int how);
int cse_srv_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int cse_srv_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int cse_srv_getsockopt(int fd, int level, int name, void *val,
		       socklen_t *len);
int cse_srv_setsockopt(int fd, int level, int name, const void *val,
		       socklen_t len);
ssize_t cse_srv_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t cse_srv_recvmsg(int fd, struct msghdr *msg, int flags);
int cse_srv_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags);
int cse_srv_recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
		     struct timespec *timeout);
ssize_t cse_srv_sendfile(int out, int in, off_t *off, size_t count);
int cse_srv_close(int fd);
int cse_srv_dup(int oldfd, int newfd, int flags, int how);
int cse_srv_fcntl(int fd, int cmd, void *arg);
int cse_srv_ioctl(int fd, unsigned long req, void *arg);
/*
 * epoll_ctl() is the kernel's; the library only learns from it that the
 * application accepts on a listener (fork.c). Then calls the C library.
 */
int cse_srv_epoll_ctl(int epfd, int op, int fd, void *event);

/* cse_srv_dup @how */
#define CSE_DUP		0	/* dup(): lowest free descriptor */
#define CSE_DUP_MIN	1	/* F_DUPFD: lowest at or above @newfd */
#define CSE_DUP_TO	2	/* dup2()/dup3(): exactly @newfd */

/* Internal to serve/: conversion and blocking (convert.c, wait.c). */
enum cse_convert_mode {
	CSE_CONV_CONNECT,	/* then connect() to @dst */
	CSE_CONV_LISTEN,	/* the kernel socket already listens */
	CSE_CONV_DGRAM,		/* a UDP socket that will talk through us */
	CSE_CONV_ADOPT,		/* a listener a forked child inherited */
};

int cse_convert(int fd, struct cse_usock *u, enum cse_convert_mode mode,
		const struct sockaddr_in *dst, int backlog);
/*
 * 0 when this process has an instance to serve from, making a forked
 * child's now (fork.c); -errno when it has none. Locked.
 */
int cse_fork_instance(void);
/*
 * adopt.c, locked: take a connection of another instance's over for @fd
 * (0 or -errno, which sticks); @fd's entry, taking it over first if it
 * is such a connection; the owner's answer to a request for its slot's
 * connection, and to every request after lost events.
 */
int cse_adopt(int fd, struct cse_usock *u);
/* A connection's local and remote addresses; 0 or -errno. */
int cse_conn_names(struct cse_sock *sk, struct sockaddr_in *la,
		   struct sockaddr_in *ra);
struct cse_usock *cse_fd_get_taken(int fd);
void cse_handover_answer(uint32_t slot, uint32_t request);
void cse_handover_scan(void);
/* The application accepts on listener @u: say so to cse.ko. Locked. */
void cse_usock_accepting(struct cse_usock *u);
/* The kernel will carry @fd's socket for good: forget it. Locked. */
void cse_fd_forget_kernel(int fd);
/*
 * Sleep on @fd's socket file until @events, with the lock dropped.
 * Returns 0 when ready, -EAGAIN at @deadline_ns (-1: none), -EINTR, or
 * -EBADF when the socket was closed meanwhile. The caller holds a
 * reference (users) across the call and puts it after, which frees @u
 * then.
 */
int cse_wait(int fd, struct cse_usock *u, unsigned int events,
	     int64_t deadline_ns);
int64_t cse_deadline(int64_t timeo_ns);

#endif /* CSE_SERVE_SERVE_H */

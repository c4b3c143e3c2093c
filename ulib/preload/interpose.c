// SPDX-License-Identifier: GPL-2.0
/*
 * The interposed C library entry points. Each one costs a table lookup for
 * a descriptor that is not ours and then calls the C library's function,
 * so files, pipes, unix and kernel sockets see no difference; the ones the
 * library serves go to serve/. The fortified _chk variants are here because
 * glibc's call its internal functions directly, not these names.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../serve/ident.h"
#include "../serve/real.h"
#include "../serve/serve.h"
#include "../serve/sleep.h"

#define CSE_EXPORT	__attribute__((visibility("default")))

static inline void cse_ready(void)
{
	if (__builtin_expect(!cse_real.close, 0))
		cse_real_init();
}

static inline int cse_ours(int fd)
{
	cse_ready();
	return cse_fd_maybe_ours(fd);
}

static struct msghdr cse_msg(struct iovec *iov, void *name, socklen_t nlen)
{
	return (struct msghdr){ .msg_iov = iov, .msg_iovlen = 1,
				.msg_name = name, .msg_namelen = nlen };
}

CSE_EXPORT int socket(int domain, int type, int protocol)
{
	int refused;

	cse_ready();
	/* An identity that could not be had: never the host's address. */
	refused = cse_ident_refused(domain);
	if (refused) {
		errno = refused;
		return -1;
	}
	if (!cse_serving())
		return cse_real.socket(domain, type, protocol);
	return cse_srv_socket(domain, type, protocol);
}

CSE_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!cse_ours(fd))
		return cse_real.bind(fd, addr, len);
	return cse_srv_bind(fd, addr, len);
}

CSE_EXPORT int listen(int fd, int backlog)
{
	if (!cse_ours(fd))
		return cse_real.listen(fd, backlog);
	return cse_srv_listen(fd, backlog);
}

CSE_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len,
		       int flags)
{
	if (!cse_ours(fd))
		return cse_real.accept4(fd, addr, len, flags);
	return cse_srv_accept4(fd, addr, len, flags);
}

CSE_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (!cse_ours(fd))
		return cse_real.accept(fd, addr, len);
	return cse_srv_accept4(fd, addr, len, 0);
}

/*
 * vfork() shares the parent's memory until the child calls exec or _exit:
 * a child that calls an interposed function first (close, dup2) would
 * change the parent's descriptor table under it. POSIX lets vfork be
 * fork; the fork handlers then give the child a table of its own.
 */
CSE_EXPORT pid_t vfork(void)
{
	return fork();
}

/* Only watched: a listener in an epoll set is one the program accepts on. */
CSE_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	if (!cse_ours(fd))
		return cse_real.epoll_ctl(epfd, op, fd, ev);
	return cse_srv_epoll_ctl(epfd, op, fd, ev);
}

/*
 * A set that holds one of our sockets holds the rings eventfd too: its
 * sleepers run the stack themselves (serve/sleep.c).
 */
CSE_EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max,
			  int timeout)
{
	cse_ready();
	if (!cse_sleep_watched(epfd))
		return cse_real.epoll_wait(epfd, ev, max, timeout);
	return cse_sleep_epoll(epfd, ev, max, timeout, NULL);
}

CSE_EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max,
			   int timeout, const sigset_t *sigmask)
{
	cse_ready();
	if (!cse_sleep_watched(epfd))
		return cse_real.epoll_pwait(epfd, ev, max, timeout, sigmask);
	return cse_sleep_epoll(epfd, ev, max, timeout, sigmask);
}

CSE_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!cse_ours(fd))
		return cse_real.connect(fd, addr, len);
	return cse_srv_connect(fd, addr, len);
}

CSE_EXPORT int shutdown(int fd, int how)
{
	if (!cse_ours(fd))
		return cse_real.shutdown(fd, how);
	return cse_srv_shutdown(fd, how);
}

CSE_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (!cse_ours(fd))
		return cse_real.getsockname(fd, addr, len);
	return cse_srv_getsockname(fd, addr, len);
}

CSE_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (!cse_ours(fd))
		return cse_real.getpeername(fd, addr, len);
	return cse_srv_getpeername(fd, addr, len);
}

CSE_EXPORT int getsockopt(int fd, int level, int name, void *val,
			  socklen_t *len)
{
	if (!cse_ours(fd))
		return cse_real.getsockopt(fd, level, name, val, len);
	return cse_srv_getsockopt(fd, level, name, val, len);
}

CSE_EXPORT int setsockopt(int fd, int level, int name, const void *val,
			  socklen_t len)
{
	if (!cse_ours(fd))
		return cse_real.setsockopt(fd, level, name, val, len);
	return cse_srv_setsockopt(fd, level, name, val, len);
}

CSE_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (!cse_ours(fd))
		return cse_real.sendmsg(fd, msg, flags);
	return cse_srv_sendmsg(fd, msg, flags);
}

CSE_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = cse_msg(&iov, (void *)to, to ? tolen : 0);

	if (!cse_ours(fd))
		return cse_real.sendto(fd, buf, len, flags, to, tolen);
	return cse_srv_sendmsg(fd, &m, flags);
}

CSE_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = cse_msg(&iov, NULL, 0);

	if (!cse_ours(fd))
		return cse_real.send(fd, buf, len, flags);
	return cse_srv_sendmsg(fd, &m, flags);
}

CSE_EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	if (!cse_ours(fd))
		return cse_real.sendmmsg(fd, v, n, flags);
	return cse_srv_sendmmsg(fd, v, n, flags);
}

CSE_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	if (!cse_ours(fd))
		return cse_real.recvmsg(fd, msg, flags);
	return cse_srv_recvmsg(fd, msg, flags);
}

CSE_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
			    struct sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = { buf, len };
	struct msghdr m = cse_msg(&iov, from, from && fromlen ? *fromlen : 0);
	ssize_t r;

	if (!cse_ours(fd))
		return cse_real.recvfrom(fd, buf, len, flags, from, fromlen);
	if (!from || !fromlen)
		m.msg_name = NULL;
	r = cse_srv_recvmsg(fd, &m, flags);
	if (r >= 0 && m.msg_name)
		*fromlen = m.msg_namelen;
	return r;
}

CSE_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct iovec iov = { buf, len };
	struct msghdr m = cse_msg(&iov, NULL, 0);

	if (!cse_ours(fd))
		return cse_real.recv(fd, buf, len, flags);
	return cse_srv_recvmsg(fd, &m, flags);
}

CSE_EXPORT int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
			struct timespec *timeout)
{
	if (!cse_ours(fd))
		return cse_real.recvmmsg(fd, v, n, flags, timeout);
	return cse_srv_recvmmsg(fd, v, n, flags, timeout);
}

CSE_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	struct iovec iov = { buf, len };
	struct msghdr m = cse_msg(&iov, NULL, 0);

	if (!cse_ours(fd))
		return cse_real.read(fd, buf, len);
	return cse_srv_recvmsg(fd, &m, 0);
}

CSE_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = cse_msg(&iov, NULL, 0);

	if (!cse_ours(fd))
		return cse_real.write(fd, buf, len);
	return cse_srv_sendmsg(fd, &m, 0);
}

/* readv()/writev() as a message; false (EINVAL, as Linux) for a bad count. */
static bool cse_iov_msg(const struct iovec *iov, int n, struct msghdr *m)
{
	if (n < 0 || n > IOV_MAX) {
		errno = EINVAL;
		return false;
	}
	*m = (struct msghdr){ .msg_iov = (struct iovec *)iov, .msg_iovlen = n };
	return true;
}

CSE_EXPORT ssize_t readv(int fd, const struct iovec *iov, int n)
{
	struct msghdr m;

	if (!cse_ours(fd))
		return cse_real.readv(fd, iov, n);
	return cse_iov_msg(iov, n, &m) ? cse_srv_recvmsg(fd, &m, 0) : -1;
}

CSE_EXPORT ssize_t writev(int fd, const struct iovec *iov, int n)
{
	struct msghdr m;

	if (!cse_ours(fd))
		return cse_real.writev(fd, iov, n);
	return cse_iov_msg(iov, n, &m) ? cse_srv_sendmsg(fd, &m, 0) : -1;
}

CSE_EXPORT ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	if (!cse_ours(out))
		return cse_real.sendfile(out, in, off, count);
	return cse_srv_sendfile(out, in, off, count);
}

CSE_EXPORT ssize_t sendfile64(int out, int in, off_t *off, size_t count)
{
	if (!cse_ours(out))
		return cse_real.sendfile64(out, in, off, count);
	return cse_srv_sendfile(out, in, off, count);
}

/* What the application gets for a descriptor of the library's own. */
static int cse_private_fd(void)
{
	errno = EBADF;
	return -1;
}

CSE_EXPORT int close(int fd)
{
	if (cse_fd_is_private(fd))
		return cse_private_fd();
	cse_sleep_forget(fd);
	if (!cse_ours(fd))
		return cse_real.close(fd);
	return cse_srv_close(fd);
}

CSE_EXPORT int dup(int fd)
{
	if (!cse_ours(fd))
		return cse_real.dup(fd);
	return cse_srv_dup(fd, 0, 0, CSE_DUP);
}

CSE_EXPORT int dup2(int oldfd, int newfd)
{
	if (cse_fd_is_private(newfd) && oldfd != newfd)
		return cse_private_fd();
	if (oldfd != newfd)
		cse_sleep_forget(newfd);
	if (!cse_ours(oldfd) && !cse_ours(newfd))
		return cse_real.dup2(oldfd, newfd);
	return cse_srv_dup(oldfd, newfd, -1, CSE_DUP_TO);
}

CSE_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	if (cse_fd_is_private(newfd) && oldfd != newfd)
		return cse_private_fd();
	if (oldfd != newfd)
		cse_sleep_forget(newfd);
	if (!cse_ours(oldfd) && !cse_ours(newfd))
		return cse_real.dup3(oldfd, newfd, flags);
	return cse_srv_dup(oldfd, newfd, flags, CSE_DUP_TO);
}

static int cse_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	if (!cse_ours(fd))
		return real(fd, cmd, arg);
	return cse_srv_fcntl(fd, cmd, arg);
}

/* Every fcntl argument fits a pointer on the ABIs we build for. */
CSE_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	cse_ready();
	return cse_fcntl(cse_real.fcntl, fd, cmd, arg);
}

CSE_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	cse_ready();
	return cse_fcntl(cse_real.fcntl64, fd, cmd, arg);
}

CSE_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!cse_ours(fd))
		return cse_real.ioctl(fd, req, arg);
	return cse_srv_ioctl(fd, req, arg);
}

CSE_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (!cse_ours(fd) || len > buflen)
		return cse_real.__read_chk(fd, buf, len, buflen);
	return read(fd, buf, len);
}

CSE_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen,
			      int flags)
{
	if (!cse_ours(fd) || len > buflen)
		return cse_real.__recv_chk(fd, buf, len, buflen, flags);
	return recv(fd, buf, len, flags);
}

CSE_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len,
				  size_t buflen, int flags,
				  struct sockaddr *from, socklen_t *fromlen)
{
	if (!cse_ours(fd) || len > buflen)
		return cse_real.__recvfrom_chk(fd, buf, len, buflen, flags,
					       from, fromlen);
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Resolving the C library's functions behind the interposed ones. dlsym()
 * may allocate, but we do not interpose the allocator, so it cannot recurse
 * into us; pthread_once() makes an early call from another library's
 * constructor as safe as the ordinary ones.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "real.h"

struct cse_real cse_real;

static pthread_once_t cse_real_once = PTHREAD_ONCE_INIT;

static void *cse_real_sym(const char *name, int required)
{
	void *p = dlsym(RTLD_NEXT, name);
	static const char msg[] = "libcse: the C library lacks a function the library needs\n";

	if (!p && required) {
		/* Nothing sane can follow: the process has no libc. */
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	return p;
}

#define CSE_REAL(name)	\
	(*(void **)&cse_real.name = cse_real_sym(#name, 1))
#define CSE_REAL_OPT(name)	\
	(*(void **)&cse_real.name = cse_real_sym(#name, 0))

static void cse_real_resolve(void)
{
	CSE_REAL(socket);
	CSE_REAL(bind);
	CSE_REAL(listen);
	CSE_REAL(accept);
	CSE_REAL(accept4);
	CSE_REAL(connect);
	CSE_REAL(shutdown);
	CSE_REAL(getsockname);
	CSE_REAL(getpeername);
	CSE_REAL(getsockopt);
	CSE_REAL(setsockopt);
	CSE_REAL(send);
	CSE_REAL(sendto);
	CSE_REAL(sendmsg);
	CSE_REAL(sendmmsg);
	CSE_REAL(recv);
	CSE_REAL(recvfrom);
	CSE_REAL(recvmsg);
	CSE_REAL(recvmmsg);
	CSE_REAL(read);
	CSE_REAL(write);
	CSE_REAL(readv);
	CSE_REAL(writev);
	CSE_REAL(sendfile);
	CSE_REAL_OPT(sendfile64);
	CSE_REAL(close);
	CSE_REAL(fcntl);
	CSE_REAL_OPT(fcntl64);
	CSE_REAL(ioctl);
	CSE_REAL(dup);
	CSE_REAL(dup2);
	CSE_REAL(dup3);
	CSE_REAL(epoll_ctl);
	CSE_REAL(epoll_wait);
	CSE_REAL(epoll_pwait);
	CSE_REAL(__read_chk);
	CSE_REAL(__recv_chk);
	CSE_REAL(__recvfrom_chk);
	if (!cse_real.sendfile64)
		cse_real.sendfile64 = cse_real.sendfile;
	if (!cse_real.fcntl64)
		cse_real.fcntl64 = cse_real.fcntl;
}

void cse_real_init(void)
{
	pthread_once(&cse_real_once, cse_real_resolve);
}

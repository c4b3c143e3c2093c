// SPDX-License-Identifier: GPL-2.0
/*
 * Connections that change process: a server that accepts and then forks
 * a child to serve the connection (socat ...,fork, inetd-style servers,
 * Python's ForkingMixIn), or that passes it over SCM_RIGHTS.
 *
 * The connection lives in the stack of the instance that accepted it, in
 * that process's memory. The first socket call the new process makes on it
 * takes it over (uapi/linux/cse.h, "Handing a connection over"):
 *
 *  - the taker's own instance (made now, as for any socket of a forked
 *    child) asks cse.ko for it with CSE_IOC_SOCK_ADOPT on the socket file
 *    and sleeps; its stack meanwhile drops the connection's segments
 *    silently (cse_tcp_expect()) rather than resetting them;
 *  - the owner's library, woken by CSE_EV_SOCK_HANDOVER, serialises the
 *    connection (cse_tcp_export()) and answers with CSE_IOC_SOCK_HANDOVER;
 *    the module moves the connection's steering, port hold and reset
 *    tracking to the taker; the owner's stack forgets the connection
 *    without a word to the peer (cse_tcp_export_commit()), and its
 *    descriptor of it fails every call with EBADFD from then on;
 *  - the taker re-creates the connection in its stack (cse_tcp_import()),
 *    makes a socket file of its own instance for it and puts that in
 *    place of every descriptor it has of the old one.
 *
 * The peer sees nothing but, at worst, a retransmission. close(), dup()
 * and fcntl() do not take a connection over, so a child that closes or
 * leaves what it inherited (a background save) changes nothing. What the
 * blob says is checked whole by the stack before anything is made of it:
 * it comes from another process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../core/handover.h"
#include "../dev/uapi.h"

#include "inst.h"
#include "real.h"
#include "serve.h"
#include "socktab.h"

/* The first buffer for a blob; the module says when it needs more. */
#define CSE_ADOPT_BUF	(256u << 10)

/* --- the owner's side: answer a request for one of its connections --- */

/* Serialise @u's connection; the blob in *@blob, or -errno. */
static ssize_t cse_handover_export(struct cse_usock *u, void **blob)
{
	ssize_t size, n;

	if (!u || u->state != CSE_US_USER || u->type != SOCK_STREAM ||
	    u->listening || !u->sk)
		return -ENOTCONN;
	size = cse_tcp_export_size(u->sk);
	if (size < 0)
		return size;
	*blob = malloc((size_t)size);
	if (!*blob)
		return -ENOMEM;
	n = cse_tcp_export(u->sk, *blob, (size_t)size);
	if (n < 0) {
		free(*blob);
		*blob = NULL;
	}
	return n;
}

int cse_conn_names(struct cse_sock *sk, struct sockaddr_in *la,
		   struct sockaddr_in *ra)
{
	socklen_t len = sizeof(*la);
	int err = cse_getsockname(sk, (struct sockaddr *)la, &len);

	len = sizeof(*ra);
	return err ? err : cse_getpeername(sk, (struct sockaddr *)ra, &len);
}

static void cse_handover_tuple(struct cse_usock *u, struct cse_handover *ho)
{
	struct sockaddr_in la = { 0 }, ra = { 0 };

	cse_conn_names(u->sk, &la, &ra);
	ho->laddr = la.sin_addr.s_addr;
	ho->lport = la.sin_port;
	ho->raddr = ra.sin_addr.s_addr;
	ho->rport = ra.sin_port;
}

void cse_handover_answer(uint32_t slot, uint32_t request)
{
	struct cse_handover ho = { .slot = slot, .request = request };
	struct cse_usock *u = slot < cse_inst.nslots ?
			      cse_inst.by_slot[slot] : NULL;
	void *blob = NULL;
	ssize_t n = cse_handover_export(u, &blob);

	if (n < 0) {
		ho.status = (int32_t)n;		/* refused: the taker's errno */
	} else {
		ho.blob = (uintptr_t)blob;
		ho.blob_len = (uint32_t)n;
		cse_handover_tuple(u, &ho);
	}
	/*
	 * Only once the module moved the steering may the stack forget the
	 * connection; if the taker is gone (ECANCELED) it stays ours.
	 */
	if (!cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SOCK_HANDOVER, &ho) &&
	    n >= 0) {
		cse_tcp_export_commit(u->sk);
		/* The filter went with the connection: not ours to release. */
		if (u->port)
			u->port->filter = 0;
	}
	free(blob);
}

/* After lost events: every slot a request waits on, as its event says. */
void cse_handover_scan(void)
{
	uint32_t i;

	for (i = 0; i < cse_inst.nslots; i++) {
		struct cse_sock_slot *ss = cse_area_slot(&cse_inst.area, i);

		if (__atomic_load_n(&ss->kflags, __ATOMIC_ACQUIRE) &
		    CSE_SLOT_HANDOVER)
			cse_handover_answer(i, 0);
	}
}

/* --- the taker's side --- */

/*
 * Ask for the connection of socket file @fd and wait for it, without the
 * instance lock: the owner may be this very process's parent, blocked on
 * nothing but its progress thread. A signal or a lost wake-up only
 * repeats the call, which joins the same request.
 */
static int cse_adopt_wait(int fd, struct cse_adopt *a, void **buf)
{
	uint32_t cap = CSE_ADOPT_BUF;

	*buf = NULL;
	for (;;) {
		void *nb = realloc(*buf, cap);

		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*a = (struct cse_adopt){
			.fd = fd, .buf = (uintptr_t)*buf, .buf_len = cap,
		};
		if (!cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SOCK_ADOPT, a))
			return 0;
		if (errno == EMSGSIZE && a->blob_len > cap)
			cap = a->blob_len;
		else if (errno != EINTR)
			return -errno;
	}
}

/* A socket file of our own instance for the connection, at slot *@slot. */
static int cse_adopt_file(struct cse_usock *u, uint32_t *slot)
{
	struct cse_socket cs = { .backing_fd = -1 };
	int err = cse_inst_slot_get(slot);

	if (err)
		return err;
	cs.slot = *slot;
	cs.flags = CSE_SOCKET_CLOEXEC;
	if (u->nonblock)
		cs.flags |= CSE_SOCKET_NONBLOCK;
	if (cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SOCKET, &cs)) {
		err = -errno;
		cse_inst_slot_put(*slot);
		return err;
	}
	return cs.fd;
}

/* Every descriptor of @u now names @nfd's file, with its own FD_CLOEXEC. */
static int cse_adopt_install(struct cse_usock *u, int nfd)
{
	unsigned int fd, n = cse_fdtab_size();
	int err = 0;

	for (fd = 0; fd < n; fd++) {
		int fl;

		if (cse_fd_get((int)fd) != u)
			continue;
		fl = cse_real.fcntl((int)fd, F_GETFD);
		if (fl < 0 || cse_real.dup3(nfd, (int)fd, fl & FD_CLOEXEC ?
					    O_CLOEXEC : 0) < 0)
			err = -errno;
	}
	return err;
}

/* The stack has the connection: give it a file, a slot and a port hold. */
static int cse_adopt_finish(int fd, struct cse_usock *u, struct cse_sock *sk,
			    uint32_t filter)
{
	struct cse_uport *port = cse_uport_held(filter);
	uint32_t slot;
	int nfd, err;

	if (!port)
		return -ENOMEM;
	nfd = cse_adopt_file(u, &slot);
	if (nfd < 0) {
		free(port);
		return nfd;
	}
	err = cse_adopt_install(u, nfd);
	cse_real.close(nfd);
	if (err) {
		cse_inst_slot_put(slot);
		free(port);
		return err;
	}
	u->state = CSE_US_USER;
	u->sk = sk;
	u->slot = slot;
	u->port = port;
	u->conn = CSE_SS_CONNECTED;
	cse_inst.by_slot[slot] = u;
	cse_usock_attach_sk(u);
	cse_socktab_fd(u, fd, true);
	return 0;
}

int cse_adopt(int fd, struct cse_usock *u)
{
	const struct sockaddr_in *la = &u->moved_la, *ra = &u->moved_ra;
	struct cse_sock *sk = NULL;
	struct cse_adopt a;
	void *blob = NULL;
	int err;

	if (u->adopt_err)
		return u->adopt_err;
	err = cse_fork_instance();
	if (!err && !(cse_inst.dev.hello.features & CSE_FEAT_HANDOVER))
		err = -EOPNOTSUPP;
	if (err)
		goto out;
	err = cse_tcp_expect(cse_inst.st, ntohl(la->sin_addr.s_addr),
			     ntohs(la->sin_port), ntohl(ra->sin_addr.s_addr),
			     ntohs(ra->sin_port));
	if (err && err != -EEXIST)
		goto out;
	u->state = CSE_US_ADOPTING;
	u->users++;
	cse_inst_unlock();
	err = cse_adopt_wait(fd, &a, &blob);
	cse_inst_lock();
	u->users--;
	u->state = CSE_US_MOVABLE;
	if (!err)
		err = cse_tcp_import(cse_inst.st, blob, a.blob_len, &sk);
	/* Not ours after all: the stack answers its segments again. */
	if (err)
		cse_tcp_expect_cancel(cse_inst.st,
				      ntohl(la->sin_addr.s_addr),
				      ntohs(la->sin_port),
				      ntohl(ra->sin_addr.s_addr),
				      ntohs(ra->sin_port));
	free(blob);
	if (!err) {
		err = cse_adopt_finish(fd, u, sk, a.filter);
		if (err)
			cse_close(sk);	/* the peer gets a reset */
	}
out:
	/* Once refused, always: the descriptor is the kernel's to fail. */
	u->adopt_err = err;
	return err;
}

struct cse_usock *cse_fd_get_taken(int fd)
{
	struct cse_usock *u = cse_fd_get(fd);

	/*
	 * A forked child's first call on what it inherited: a listener is
	 * adopted by its own instance (made now, fork.c), which accepts on
	 * the same kernel socket; a connection is taken over.
	 */
	if (u && u->state == CSE_US_INHERITED)
		cse_convert(fd, u, CSE_CONV_ADOPT, NULL, u->backlog);
	else if (u && u->state == CSE_US_MOVABLE)
		cse_adopt(fd, u);
	return u;
}

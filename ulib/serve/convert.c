// SPDX-License-Identifier: GPL-2.0
/*
 * Turning a kernel socket into a served one. Everything that can fail is
 * done before the application's descriptor changes; if any of it fails the
 * socket simply stays the kernel's, which serves it correctly, only slower.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dev/uapi.h"

#include "ident.h"
#include "inst.h"
#include "real.h"
#include "serve.h"
#include "socktab.h"

/* Options the kernel socket keeps for us instead of the stack. */
static bool cse_opt_kernel_only(int level, int name)
{
	return level == SOL_SOCKET &&
	       (name == SO_REUSEPORT || name == SO_RCVTIMEO ||
		name == SO_SNDTIMEO || name == SO_RCVTIMEO_NEW ||
		name == SO_SNDTIMEO_NEW);
}

static int cse_replay_opts(struct cse_usock *u, struct cse_sock *sk)
{
	const struct cse_optrec *o;
	int err;

	for (o = u->opts; o; o = o->next) {
		if (cse_opt_kernel_only(o->level, o->name))
			continue;
		err = cse_setsockopt(sk, o->level, o->name, o->val, o->len);
		if (err)
			return err;
	}
	return 0;
}

/* The kernel socket's local address, binding it to a port first if needed. */
static int cse_local_addr(int fd, struct sockaddr_in *la)
{
	socklen_t len = sizeof(*la);
	struct sockaddr_in any = { .sin_family = AF_INET };

	if (cse_real.getsockname(fd, (struct sockaddr *)la, &len))
		return -errno;
	if (la->sin_port)
		return 0;
	cse_ident_bind_addr(fd, &any);
	if (cse_real.bind(fd, (struct sockaddr *)&any, sizeof(any)))
		return -errno;
	len = sizeof(*la);
	return cse_real.getsockname(fd, (struct sockaddr *)la, &len) ? -errno : 0;
}

static int cse_reserve(int kfd, struct cse_usock *u, enum cse_convert_mode mode,
		       const struct sockaddr_in *dst, uint32_t *id)
{
	/* A child adopts a listener to accept on it: it says so at once. */
	uint32_t flags = mode == CSE_CONV_ADOPT ? CSE_PORT_ACCEPTING : 0, got;
	/* A connecting stream owns one flow; the rest take every remote. */
	bool one_flow = mode == CSE_CONV_CONNECT && u->type == SOCK_STREAM;
	int err;

	/* A claimed address is the instance's whole: no filter (ident.h). */
	if (cse_ident.active) {
		*id = 0;
		return 0;
	}
	err = cse_port_reserve(kfd, u->type, flags, one_flow ? dst : NULL, id,
			       &got);
	if (err)
		return err;
	u->accepting = got & CSE_PORT_ACCEPTING;
	u->pins = got & CSE_PORT_SHARED;
	return 0;
}

/*
 * Each connection a listener on a shared port takes gets a connected
 * filter of its own before its SYN-ACK leaves, or its next segments would
 * go to the port's oldest instance (uapi: "Shared ports"). The pin goes
 * when the stack frees the connection.
 */
static int cse_pin(struct cse_sock *child, const struct sockaddr_in *peer,
		   void *arg)
{
	struct cse_usock *lu = arg;
	struct cse_uport *pin;
	uint32_t id;
	int err = cse_port_reserve(lu->port->kfd, SOCK_STREAM, 0, peer, &id,
				   NULL);

	if (err)
		return err;
	pin = cse_uport_pin(lu->port, id);
	if (!pin) {
		cse_port_unreserve(id);
		return -ENOMEM;
	}
	cse_sock_set_free(child, cse_usock_port_gone, pin);
	return 0;
}

void cse_usock_accepting(struct cse_usock *u)
{
	struct cse_port p = {
		.id = u->port->filter,
		.flags = CSE_PORT_ACCEPTING,
	};

	if (u->accepting || !u->listener || !u->listening || !u->port->filter)
		return;
	/* Once; an old module without shared ports has nothing to learn. */
	u->accepting = true;
	if (cse_inst.dev.hello.features & CSE_FEAT_SHARED_PORTS)
		cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_PORT_ACCEPT, &p);
}

/* The stack's twin of the kernel socket: same options, address, state. */
static int cse_twin(struct cse_usock *u, enum cse_convert_mode mode,
		    const struct sockaddr_in *la, int backlog,
		    struct cse_sock **out)
{
	struct cse_sock *sk;
	int err = cse_socket(cse_inst.st, u->type, 0, &sk);

	if (err)
		return err;
	err = cse_replay_opts(u, sk);
	if (!err)
		err = cse_bind(sk, (const struct sockaddr *)la, sizeof(*la));
	if (!err && (mode == CSE_CONV_LISTEN || mode == CSE_CONV_ADOPT))
		err = cse_listen(sk, backlog);
	if (err) {
		cse_close(sk);
		return err;
	}
	*out = sk;
	return 0;
}

/* Put the socket file in place of the application's descriptor. */
static int cse_install(int fd, struct cse_usock *u, int kfd, bool backing)
{
	struct cse_socket cs = { .slot = u->slot, .backing_fd = -1 };
	int fdflags = cse_real.fcntl(fd, F_GETFD);
	int r;

	if (backing) {
		cs.backing_fd = kfd;
		cs.flags |= CSE_SOCKET_POLL_BACKING;
	}
	if (u->nonblock)
		cs.flags |= CSE_SOCKET_NONBLOCK;
	cs.flags |= CSE_SOCKET_CLOEXEC;
	if (fdflags < 0 || cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SOCKET, &cs))
		return -errno;
	r = cse_real.dup3(cs.fd, fd, fdflags & FD_CLOEXEC ? O_CLOEXEC : 0);
	cse_real.close(cs.fd);
	return r < 0 ? -errno : 0;
}

int cse_convert(int fd, struct cse_usock *u, enum cse_convert_mode mode,
		const struct sockaddr_in *dst, int backlog)
{
	/*
	 * The kernel socket carries what the device does not: a listener's
	 * loopback clients, a UDP socket's loopback and fragmented datagrams.
	 */
	bool backing = mode != CSE_CONV_CONNECT || u->type == SOCK_DGRAM;
	bool adopt = mode == CSE_CONV_ADOPT;
	struct sockaddr_in la;
	struct cse_sock *sk = NULL;
	struct cse_uport *port;
	uint32_t id = 0, slot;
	int kfd, fl, err;

	if (u->nfds != 1 || u->pinned || cse_fork_instance())
		return -EXDEV;	/* a dup names the kernel socket: keep it */
	/* An inherited listener's descriptor is the parent's socket file. */
	err = cse_local_addr(adopt ? u->port->kfd : fd, &la);
	if (err)
		return err;
	if (!cse_netcfg_serves_laddr(&cse_inst.net, la.sin_addr))
		return -EXDEV;
	fl = cse_real.fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	u->nonblock = fl & O_NONBLOCK;
	kfd = adopt ? u->port->kfd :
		      cse_real.fcntl(fd, F_DUPFD_CLOEXEC, CSE_FD_FLOOR);
	if (kfd < 0)
		return -errno;
	err = cse_reserve(kfd, u, mode, dst, &id);
	if (err) {
		if (!adopt)
			cse_real.close(kfd);
		return err;
	}
	port = cse_uport_new(kfd, id);
	if (!port) {
		cse_port_unreserve(id);
		if (!adopt)
			cse_real.close(kfd);
		return -ENOMEM;
	}
	err = cse_twin(u, mode, &la, backlog, &sk);
	if (!err)
		err = cse_inst_slot_get(&slot);
	if (!err) {
		u->slot = slot;
		err = cse_install(fd, u, kfd, backing);
		if (err)
			cse_inst_slot_put(slot);
	}
	if (err) {
		if (sk)
			cse_close(sk);
		if (adopt) {
			/* The inherited listener keeps its kernel socket. */
			cse_port_unreserve(id);
			free(port);
		} else {
			cse_uport_put(port);
		}
		return err;
	}
	if (adopt)
		free(u->port);	/* the parent's record of the same socket */
	/* The application's descriptor no longer names it: ours alone now. */
	if (backing)
		cse_real.fcntl(kfd, F_SETFL, fl | O_NONBLOCK);
	u->state = CSE_US_USER;
	u->sk = sk;
	u->port = port;
	u->backing_io = backing;
	u->listening = mode == CSE_CONV_LISTEN || adopt;
	u->listener = u->listening;
	if (u->listening)
		u->backlog = backlog;
	if (u->pins)
		cse_sock_set_spawn(sk, cse_pin, u);
	u->own_flow = mode == CSE_CONV_CONNECT && u->type == SOCK_STREAM;
	cse_inst.by_slot[slot] = u;
	cse_usock_attach_sk(u);
	cse_socktab_fd(u, fd, true);
	return 0;
}

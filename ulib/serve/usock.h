/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library's view of the application's AF_INET sockets, by descriptor.
 *
 * A socket starts as a real kernel socket (state CSE_US_KERNEL): bind() and
 * the options go to it, so the kernel's rules and errno values hold. When
 * the socket turns out to carry traffic through the served device (connect
 * to a remote reached through it, listen or bind on its address or on
 * INADDR_ANY), it is converted (convert.c): the stack gets a socket, the
 * kernel socket stays behind as the port's owner (a cse_uport), and the
 * application's descriptor is replaced, with dup3(), by a socket file of
 * cse.ko (state CSE_US_USER). A socket the stack will never carry leaves the
 * table and is the kernel's alone.
 */
#ifndef CSE_SERVE_USOCK_H
#define CSE_SERVE_USOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../core/socket.h"

enum cse_usock_state {
	CSE_US_KERNEL,		/* still a kernel socket; may be converted */
	CSE_US_USER,		/* served by the stack through a socket file */
	CSE_US_INHERITED,	/* a listener of the parent's (fork.c) */
	CSE_US_MOVABLE,		/* a connection of another instance's */
	CSE_US_ADOPTING,	/* ...being taken over now (adopt.c) */
};

/*
 * A stream socket's connect() state, as Linux keeps it apart from the
 * protocol's (struct socket's SS_*): it decides what a second connect()
 * says (EALREADY, 0 once, then EISCONN) even after the connection ended.
 */
enum cse_conn_state {
	CSE_SS_UNCONNECTED,
	CSE_SS_CONNECTING,
	CSE_SS_CONNECTED,
	CSE_SS_DISCONNECTING,
};

/*
 * A port owned through a kernel socket: the socket's descriptor (out of the
 * application's range, close-on-exec) and the cse.ko filter on it. Shared
 * by a listener and the connections it accepted; goes with the last.
 */
struct cse_uport {
	int kfd;
	uint32_t filter;
	unsigned int refs;
	struct cse_uport *next_dead;	/* released at unlock (inst.h) */
	/*
	 * A pin: one connection's connected filter on its listener's kernel
	 * socket (a shared port, fork.c); @kfd is the listener port's, which
	 * the pin holds a reference to, and is not closed with the pin.
	 */
	struct cse_uport *listener;
};

/* A socket option set before the socket was converted, to replay. */
struct cse_optrec {
	struct cse_optrec *next;
	int level, name;
	socklen_t len;
	unsigned char val[];
};

struct cse_usock {
	enum cse_usock_state state;
	int type;			/* SOCK_STREAM or SOCK_DGRAM */
	unsigned int nfds;		/* descriptors in the table */
	unsigned int users;		/* calls sleeping with a reference */
	bool released;			/* the socket file is gone */
	bool nonblock;			/* O_NONBLOCK of the file */
	bool listening;			/* listens now */
	bool listener;			/* converted as a listener */
	bool backing_io;		/* loopback traffic on port->kfd */
	bool pinned;			/* never convert: the kernel's */
	bool port_chosen;		/* bind() named the port */
	bool own_flow;			/* its port steers one connection */
	bool flow_used;			/* ... which connect() has used */
	bool hide_port;			/* UDP, disconnected: port shows 0 */
	bool accepting;			/* cse.ko knows it accepts (fork.c) */
	bool pins;			/* shared port: pin each connection */
	/* What the file showed when cse_wait() last slept: with a backing
	 * socket, EPOLLIN there and not in the stack means it is the
	 * kernel socket that has something. */
	unsigned int wait_revents;
	int backlog;			/* listen()'s, for a child's twin */
	enum cse_conn_state conn;	/* streams: see the enum */
	uint32_t slot;
	struct cse_sock *sk;
	struct cse_uport *port;
	int64_t rcvtimeo_ns, sndtimeo_ns;	/* -1: none */
	struct cse_optrec *opts;
	/* CSE_US_MOVABLE: the connection's addresses, why it stays put. */
	struct sockaddr_in moved_la, moved_ra;
	int adopt_err;
};

/* Descriptor table. Lookups need the instance lock (inst.h). */
int cse_fdtab_init(void);
struct cse_usock *cse_fd_get(int fd);
/*
 * The library's own descriptors (the device, ports' kernel sockets, the
 * progress thread's eventfd): close() and dup2() onto them by the
 * application are refused, as if they were not open, instead of pulling
 * the floor from under the stack (daemons close "every" descriptor).
 */
void cse_fd_set_private(int fd, bool private);
/* How many descriptors the table covers (0 before cse_fdtab_init()). */
unsigned int cse_fdtab_size(void);
bool cse_fd_is_private(int fd);
/* Unlocked hint: false means the descriptor is surely not ours. */
bool cse_fd_maybe_ours(int fd);
void cse_fd_set(int fd, struct cse_usock *u);
/* Forget @fd; frees a kernel-state socket that no descriptor names. */
void cse_fd_clear(int fd);
/* Call @fn for each descriptor in the table (a forked child). */
void cse_fdtab_walk(void (*fn)(int fd, struct cse_usock *u));
/* Close every descriptor of the library's own (a forked child). */
void cse_fd_close_private(void);

struct cse_usock *cse_usock_new(int type);
/* Drop what a kernel-state socket recorded and free it. */
void cse_usock_free(struct cse_usock *u);
/* A sleeping call is done with @u: frees it if it was released meanwhile. */
void cse_usock_put(struct cse_usock *u);
/* The socket file of @slot is gone (CSE_EV_SOCK_RELEASED). */
void cse_usock_released(uint32_t slot);

/*
 * A cse.ko filter on the port kernel socket @kfd holds (CSE_PORT_SOCKET),
 * of socket @type, with @flags; connected to @peer when it is not NULL.
 * Gives the filter's @id and the module's reply flags (@reply_flags may be
 * NULL). Returns 0 or -errno.
 */
int cse_port_reserve(int kfd, int type, uint32_t flags,
		     const struct sockaddr_in *peer, uint32_t *id,
		     uint32_t *reply_flags);
/* Release the filter @id. */
void cse_port_unreserve(uint32_t id);

struct cse_uport *cse_uport_new(int kfd, uint32_t filter);
/*
 * A connection taken over from another instance (adopt.c): cse.ko made
 * its filter @filter, held by the owner's socket; no descriptor of ours.
 */
struct cse_uport *cse_uport_held(uint32_t filter);
/* A pin of a connection on @listener's port (see struct cse_uport). */
struct cse_uport *cse_uport_pin(struct cse_uport *listener, uint32_t filter);
void cse_uport_get(struct cse_uport *p);
void cse_uport_put(struct cse_uport *p);
/* Give the port back to the kernel now (cse_inst_unlock() does). */
void cse_uport_release(struct cse_uport *p);

/* A stack socket's free hook: its hold on a port goes. */
void cse_usock_port_gone(void *arg);
/* Wire @u's stack socket to its slot and port (notify and free hooks). */
void cse_usock_attach_sk(struct cse_usock *u);

#endif /* CSE_SERVE_USOCK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol-independent socket: addresses, options, pending error,
 * readiness, and the operations each protocol supplies. A protocol's socket
 * embeds struct cse_sock first and sets @obj_size, so TCP can extend it.
 */
#ifndef CSE_CORE_SOCK_H
#define CSE_CORE_SOCK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pbuf.h"
#include "socket.h"
#include "util.h"

struct cse_stack;

struct cse_proto_ops {
	int type;			/* SOCK_DGRAM, SOCK_STREAM */
	int protocol;			/* IPPROTO_UDP, IPPROTO_TCP */
	size_t obj_size;
	/* Optional: set up what calloc() does not. */
	void (*init)(struct cse_sock *s);
	/* @sin is validated AF_INET, or NULL for connect(AF_UNSPEC). */
	int (*bind)(struct cse_sock *s, const struct sockaddr_in *sin);
	int (*connect)(struct cse_sock *s, const struct sockaddr_in *sin);
	ssize_t (*sendto)(struct cse_sock *s, const void *buf, size_t len,
			  int flags, const struct sockaddr_in *to);
	ssize_t (*recvfrom)(struct cse_sock *s, void *buf, size_t len,
			    int flags, struct sockaddr_in *from,
			    int *msg_flags);
	unsigned int (*poll)(const struct cse_sock *s);
	/*
	 * Optional: does getpeername() name the peer? NULL: whenever an
	 * address is set. TCP says no while connecting and once closed.
	 */
	bool (*has_peer)(const struct cse_sock *s);
	/* Optional: NULL gives -EOPNOTSUPP. */
	int (*listen)(struct cse_sock *s, int backlog);
	int (*accept)(struct cse_sock *s, struct cse_sock **child);
	int (*shutdown)(struct cse_sock *s, int how);
	/* Optional: SO_KEEPALIVE or TCP_KEEP* changed. */
	void (*keepalive)(struct cse_sock *s);
	/*
	 * Optional: a packet of @s could not be delivered (the next hop
	 * never answered ARP). NULL: the error is simply made pending.
	 */
	void (*unreachable)(struct cse_sock *s, int err);
	/*
	 * The application closed @s. Returns true when the protocol keeps
	 * it to finish (a TCP close handshake) and frees it later with
	 * cse_sock_free(); false to have it freed now.
	 */
	bool (*close)(struct cse_sock *s);
	/* Free protocol state; the socket is going now. */
	void (*release)(struct cse_sock *s);
	/*
	 * Optional: SIOCINQ / SIOCOUTQ / SIOCOUTQNSD into @val; NULL (or a
	 * request it does not know) gives -ENOTTY.
	 */
	int (*ioctl)(const struct cse_sock *s, unsigned long req, int *val);
	/*
	 * Optional: a -errno every socket call but poll and close returns
	 * at once, before anything else is looked at (a TCP socket whose
	 * connection moved to another stack); 0 to go on.
	 */
	int (*call_err)(const struct cse_sock *s);
};

/* Directions shut, as Linux's sk_shutdown. */
#define CSE_RCV_SHUTDOWN	1
#define CSE_SEND_SHUTDOWN	2
#define CSE_SHUTDOWN_MASK	3

struct cse_sock {
	struct cse_list node;		/* in the stack's list of sockets */
	struct cse_list hash;		/* in the protocol's port table */
	struct cse_stack *st;
	const struct cse_proto_ops *ops;
	/* Addresses, host byte order; 0 when unset. */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	int err;			/* pending error, positive errno */
	bool broadcast;			/* SO_BROADCAST */
	bool reuseaddr;			/* SO_REUSEADDR */
	uint8_t ttl;			/* IP_TTL */
	bool ttl_set;
	bool addr_locked;		/* bind() chose @laddr */
	bool port_locked;		/* bind() chose @lport */
	bool listening;			/* never shares its port */
	uint8_t shutdown;		/* CSE_*_SHUTDOWN */
	bool linger_on;			/* SO_LINGER */
	int linger_sec;
	bool nodelay;			/* TCP_NODELAY: no Nagle */
	bool keepalive;			/* SO_KEEPALIVE */
	int keep_idle, keep_intvl, keep_cnt;	/* TCP_KEEP*, seconds */
	unsigned int rcvbuf, sndbuf;	/* as Linux stores them (doubled) */
	bool rcvbuf_locked;		/* SO_RCVBUF set: no autotuning */
	bool sndbuf_locked;		/* SO_SNDBUF set: no autotuning */
	size_t rmem;			/* truesize charged to @rcvbuf */
	struct cse_pbq rxq;
	cse_sock_notify_fn notify;
	void *notify_arg;
	bool notify_data;		/* notify each arrival, as Linux wakes */
	cse_sock_free_fn on_free;
	void *on_free_arg;
	cse_sock_spawn_fn on_spawn;	/* listeners: a new connection */
	void *on_spawn_arg;
	unsigned int mask;		/* last mask reported */
};

/* Recompute readiness and call the notifier if it changed. */
void cse_sock_changed(struct cse_sock *s);
/*
 * Data (or a connection) arrived for @s: as cse_sock_changed(), but with
 * cse_sock_notify_data() on the notifier is called even when the mask
 * stays the same.
 */
void cse_sock_data_ready(struct cse_sock *s);
/* An asynchronous error for the socket (ICMP, ARP failure). */
void cse_sock_set_error(struct cse_sock *s, int err);
/* A packet of @s could not be delivered: tell its protocol. */
void cse_sock_unreachable(struct cse_sock *s, int err);
/* Take the pending error: returns -err and clears it, or 0. */
int cse_sock_take_error(struct cse_sock *s);
/* The TTL for packets of @s. */
uint8_t cse_sock_ttl(const struct cse_sock *s);
/*
 * A new socket of protocol @ops, in the stack's list: what cse_socket()
 * makes, and TCP's children. Returns NULL when the instance cannot
 * afford it.
 */
struct cse_sock *cse_sock_alloc(struct cse_stack *st,
				const struct cse_proto_ops *ops);
/*
 * bind() on @t with Linux's checks: -EINVAL when bound, -EADDRNOTAVAIL,
 * -EADDRINUSE; port 0 takes an ephemeral port.
 */
struct cse_port_table;
int cse_sock_bind(struct cse_sock *s, struct cse_port_table *t,
		  const struct sockaddr_in *sin);
/* The protocol's call_err for @s, or 0. */
static inline int cse_sock_call_err(const struct cse_sock *s)
{
	return s->ops->call_err ? s->ops->call_err(s) : 0;
}

/* Unhash, release and free @s (also sockets the protocol kept). */
void cse_sock_free(struct cse_sock *s);

#endif /* CSE_CORE_SOCK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Moving a TCP connection from one stack to another (accept-then-fork
 * servers): the owner serialises the connection into a blob, the blob
 * travels (through cse.ko) to the taker, which re-creates it. The peer
 * sees at worst a retransmission. The blob's layout is tcp_blob.h;
 * Documentation/stack.rst ("Moving a connection") says what it carries.
 *
 * The owner, in one hold of the instance's lock:
 *
 *	n = cse_tcp_export_size(sk);
 *	cse_tcp_export(sk, buf, n);
 *	cse_tcp_export_commit(sk);
 *
 * The taker: cse_tcp_expect() before the kernel steers the flow to it,
 * then cse_tcp_import() once the blob arrived.
 */
#ifndef CSE_CORE_HANDOVER_H
#define CSE_CORE_HANDOVER_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cse_stack;
struct cse_sock;

/* What every call on a moved socket returns (negated). */
#define CSE_TCP_MOVED_ERR	EBADFD

/*
 * Bytes cse_tcp_export() needs for @sk, or -errno (ENOTCONN: not a
 * synchronized TCP connection — LISTEN, SYN_SENT, SYN_RECEIVED, CLOSED,
 * TIME_WAIT, not TCP, closed by the application or not yet accepted;
 * EBADFD: already moved).
 */
ssize_t cse_tcp_export_size(struct cse_sock *sk);
/*
 * Serialise @sk into @buf (@len bytes); bytes written or -errno (ENOBUFS
 * if too small, and those of cse_tcp_export_size()). Changes nothing.
 */
ssize_t cse_tcp_export(struct cse_sock *sk, void *buf, size_t len);
/*
 * The blob went to the taker: forget the connection without a word to
 * the peer (no RST, no FIN), stop its timers, free its buffers and its
 * port entry. Segments still arriving here for its tuple are dropped
 * silently for 30 s (tcp_moved_drop) instead of drawing an RST. The
 * socket object stays for the application: every call on it fails with
 * -CSE_TCP_MOVED_ERR, poll reports POLLERR | POLLHUP, cse_close() frees
 * it quietly. Call it in the same lock hold as the export.
 */
void cse_tcp_export_commit(struct cse_sock *sk);

/*
 * Segments for this tuple (host byte order) are about to arrive before
 * the connection is imported: drop them silently, counted in
 * tcp_expect_drop. -EEXIST if already expected, -ENOBUFS when too many
 * (CSE_TCP_HOLD_MAX) are, -EADDRINUSE if a connection with that tuple
 * exists, -EINVAL for a zero address or port. Expires after 30 s of the
 * stack's clock.
 */
int cse_tcp_expect(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		   uint32_t raddr, uint16_t rport);
void cse_tcp_expect_cancel(struct cse_stack *st, uint32_t laddr,
			   uint16_t lport, uint32_t raddr, uint16_t rport);
/*
 * Re-create the connection @blob (untrusted: checked whole before
 * anything is made) describes: -EBADMSG for a bad frame (magic, version,
 * lengths), -EINVAL for inconsistent contents, -EADDRNOTAVAIL when its
 * local address is not @st's, -EADDRINUSE if the tuple has a connection,
 * -ENOBUFS when the instance cannot afford it. On success *@skp is a new
 * connected socket in the blob's state, its expectation removed, its
 * port taken as an accepted connection's, its timers running.
 */
int cse_tcp_import(struct cse_stack *st, const void *blob, size_t len,
		   struct cse_sock **skp);

#endif /* CSE_CORE_HANDOVER_H */

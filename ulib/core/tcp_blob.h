/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blob a moved TCP connection travels in (handover.h). It never
 * leaves the machine, so numbers are in host byte order; the layout is
 * fixed all the same: every field has its size and offset (checked
 * below), there is no implicit padding, and reserved fields are zero.
 *
 *	struct cse_tcp_blob				header, 256 bytes
 *	u8 snd[snd_len]		send buffer, from snd_buf_seq: unacknowledged
 *				and unsent bytes alike
 *	u8 rcv[rcv_len]		received in order, not yet read
 *	ooo_n times:		the out-of-order queue, by sequence
 *		struct cse_tcp_blob_ooo
 *		u8 data[len]
 *
 * total_len is the sum of it all. A taker rejects a version it does not
 * know (-EBADMSG): a change of layout is a new version.
 *
 * Carried: the tuple; the state; the whole send and receive sequence
 * space; the MSS; RFC 7323 (scales, timestamps: TS.Recent with its age,
 * and our TSval at export, from which the taker derives its offset so
 * the peer sees our TSvals go on growing); SACK and ECN agreement and
 * pending ECE/CWR; the RTT estimate (srtt, rttvar, rto, RACK's min_rtt);
 * cwnd, ssthresh and the congestion control's name; the buffers' bytes,
 * sizes and FIN flags; the out-of-order queue (at most
 * CSE_TCP_BLOB_OOO_MAX segments, else none); the socket options the core
 * keeps (SO_RCVBUF, SO_SNDBUF and whether they were set, SO_REUSEADDR,
 * SO_BROADCAST, IP_TTL, SO_LINGER, SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT,
 * TCP_NODELAY, TCP_CONGESTION); the pending error and the soft error;
 * the shutdown flags.
 *
 * Not carried, deliberately: loss recovery (the SACK scoreboard, the
 * RACK send map, RFC 6675/NewReno/PRR state, TLP, dupacks): the taker
 * starts clean, and what is in flight is still in the send buffer, to be
 * resent by RTO, or by fast retransmit once SACKs arrive anew; the
 * congestion control's private state (its init runs; cwnd and ssthresh
 * are kept); a pending D-SACK report; an RTT measurement in progress
 * (Karn's rule would discard it anyway); receive-buffer autotuning's
 * measurement (it starts over); retries and keepalive probes counted
 * (they start over); challenge-ACK rate limiting; the application's
 * hooks (notify, free, spawn), which belong to the taker's owner.
 */
#ifndef CSE_CORE_TCP_BLOB_H
#define CSE_CORE_TCP_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define CSE_TCP_BLOB_MAGIC	0x54455343u	/* "CSET" little-endian */
#define CSE_TCP_BLOB_VERSION	1

/* Flags: what was agreed and what is pending. */
#define CSE_TCP_BLOB_WSCALE	0x00000001u	/* RFC 7323 window scaling */
#define CSE_TCP_BLOB_TS		0x00000002u	/* RFC 7323 timestamps */
#define CSE_TCP_BLOB_SACK	0x00000004u	/* RFC 2018 */
#define CSE_TCP_BLOB_ECN	0x00000008u	/* RFC 3168 */
#define CSE_TCP_BLOB_ECE	0x00000010u	/* echoing ECE */
#define CSE_TCP_BLOB_CWR	0x00000020u	/* CWR on the next data */
#define CSE_TCP_BLOB_FIN_QUEUED	0x00000040u	/* our FIN follows the data */
#define CSE_TCP_BLOB_FIN_RCVD	0x00000080u	/* the peer's FIN was taken */
#define CSE_TCP_BLOB_NODELAY	0x00000100u
#define CSE_TCP_BLOB_KEEPALIVE	0x00000200u
#define CSE_TCP_BLOB_LINGER	0x00000400u
#define CSE_TCP_BLOB_RCVBUF_SET	0x00000800u	/* SO_RCVBUF: no autotuning */
#define CSE_TCP_BLOB_SNDBUF_SET	0x00001000u
#define CSE_TCP_BLOB_TTL_SET	0x00002000u
#define CSE_TCP_BLOB_REUSEADDR	0x00004000u
#define CSE_TCP_BLOB_BROADCAST	0x00008000u
#define CSE_TCP_BLOB_FLAGS	0x0000ffffu	/* all known */

/* Segments of the out-of-order queue a blob carries at most. */
#define CSE_TCP_BLOB_OOO_MAX	1024

struct cse_tcp_blob {
	uint32_t magic;			/* CSE_TCP_BLOB_MAGIC */
	uint16_t version;		/* CSE_TCP_BLOB_VERSION */
	uint16_t hdr_len;		/* sizeof(struct cse_tcp_blob) */
	uint32_t total_len;		/* header and every section */
	uint32_t flags;			/* CSE_TCP_BLOB_* */
	/* Durations, nanoseconds; ages are "this long before export". */
	uint64_t ts_recent_age;
	uint64_t srtt, rttvar, rto;
	uint64_t min_rtt;		/* RACK's; 0: no sample */
	uint64_t last_rx_age;		/* for keepalive */
	/* The tuple. */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint8_t state;			/* enum cse_tcp_state */
	uint8_t shutdown;		/* CSE_*_SHUTDOWN */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t wscale_offer;
	uint8_t ttl;			/* IP_TTL, with CSE_TCP_BLOB_TTL_SET */
	uint16_t mss;
	/* Sequence space (RFC 9293 3.3.1). */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
	uint32_t snd_buf_seq;		/* sequence of snd[0] */
	uint32_t irs, rcv_nxt, rcv_adv, last_ack_sent;
	uint32_t ts_now;		/* our TSval at export */
	uint32_t ts_recent;
	uint32_t ecn_recover;
	uint32_t cwnd, ssthresh;	/* bytes */
	uint32_t total_retrans;
	char cc_name[16];		/* TCP_CONGESTION, NUL-terminated */
	uint32_t rcvbuf, sndbuf;	/* SO_RCVBUF, SO_SNDBUF as stored */
	uint32_t rcv_cap, snd_cap;	/* the buffers' capacities */
	int32_t linger_sec, keep_idle, keep_intvl, keep_cnt;
	int32_t err, soft_err;		/* positive errno or 0 */
	uint32_t snd_len, rcv_len;	/* bytes of the two sections */
	uint32_t ooo_n, ooo_bytes;	/* segments, and their data bytes */
	uint32_t reserved[6];		/* zero */
};

/* One out-of-order segment, followed by its @len bytes. */
struct cse_tcp_blob_ooo {
	uint32_t seq;
	uint32_t len;
	uint32_t flags;			/* CSE_TCP_BLOB_OOO_FIN */
	uint32_t reserved;		/* zero */
};

#define CSE_TCP_BLOB_OOO_FIN	0x1u

_Static_assert(sizeof(struct cse_tcp_blob) == 256, "blob header layout");
_Static_assert(offsetof(struct cse_tcp_blob, ts_recent_age) == 16,
	       "blob header layout");
_Static_assert(offsetof(struct cse_tcp_blob, laddr) == 64,
	       "blob header layout");
_Static_assert(offsetof(struct cse_tcp_blob, iss) == 84,
	       "blob header layout");
_Static_assert(offsetof(struct cse_tcp_blob, cc_name) == 160,
	       "blob header layout");
_Static_assert(offsetof(struct cse_tcp_blob, reserved) == 232,
	       "blob header layout");
_Static_assert(sizeof(struct cse_tcp_blob_ooo) == 16, "ooo record layout");

#endif /* CSE_CORE_TCP_BLOB_H */

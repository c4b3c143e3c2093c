// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP (RFC 792, RFC 1122 3.2.2): answer echo, report unreachable ports
 * and protocols at a bounded rate, and turn errors about our own packets
 * into socket errors with Linux's errno mapping.
 */
#include <errno.h>
#include <string.h>

#include "csum.h"
#include "icmp4.h"
#include "priv.h"
#include "wire.h"

/* Destination unreachable codes -> errno, fatal: Linux's icmp_err_convert. */
static const struct {
	int err;
	bool fatal;
} cse_unreach_errno[] = {
	{ ENETUNREACH, false },		/* 0 net unreachable */
	{ EHOSTUNREACH, false },	/* 1 host unreachable */
	{ ENOPROTOOPT, true },		/* 2 protocol unreachable */
	{ ECONNREFUSED, true },		/* 3 port unreachable */
	{ EMSGSIZE, false },		/* 4 fragmentation needed */
	{ EOPNOTSUPP, false },		/* 5 source route failed */
	{ ENETUNREACH, true },		/* 6 net unknown */
	{ EHOSTDOWN, true },		/* 7 host unknown */
	{ ENONET, true },		/* 8 host isolated */
	{ ENETUNREACH, true },		/* 9 net prohibited */
	{ EHOSTUNREACH, true },		/* 10 host prohibited */
	{ ENETUNREACH, false },		/* 11 net unreachable for TOS */
	{ EHOSTUNREACH, false },	/* 12 host unreachable for TOS */
	{ EHOSTUNREACH, true },		/* 13 administratively filtered */
	{ EHOSTUNREACH, true },		/* 14 precedence violation */
	{ EHOSTUNREACH, true },		/* 15 precedence cutoff */
};

static void cse_icmp_echo(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	struct cse_pbuf *pb;
	uint8_t *p;

	/* Linux's icmp_echo_ignore_broadcasts=1: no smurf amplifier. */
	if (rx->bcast) {
		st->stats.icmp_ignored++;
		return;
	}
	pb = cse_pbuf_alloc(&st->mem, CSE_PBUF_HEADROOM, rx->len);
	if (!pb) {
		st->stats.mem_drop++;
		return;
	}
	p = cse_pbuf_data(pb);
	memcpy(p, rx->data, rx->len);
	p[0] = CSE_ICMP_ECHOREPLY;
	cse_put16(p + 2, 0);
	cse_put16(p + 2, cse_csum(p, rx->len));
	if (!cse_ip4_output(st, pb, rx->saddr, IPPROTO_ICMP, st->cfg.ttl,
			    NULL))
		st->stats.icmp_echo_tx++;
}

/*
 * An error about a packet we sent: find the quoted headers, tell the
 * protocol. The quote must name us as its source.
 */
static void cse_icmp_error(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	const uint8_t *q = rx->data + CSE_ICMP_HLEN;
	unsigned int qlen = rx->len - CSE_ICMP_HLEN, qhlen;
	struct cse_ip4_err e = { .err = EHOSTUNREACH };
	uint8_t code = rx->data[1];

	if (qlen < CSE_IP4_HLEN + 8 || q[0] >> 4 != 4)
		goto bad;
	qhlen = (q[0] & 0xf) * 4;
	if (qhlen < CSE_IP4_HLEN || qhlen + 8 > qlen ||
	    cse_get32(q + 12) != st->addr)
		goto bad;
	if (rx->data[0] == CSE_ICMP_UNREACH) {
		if (code >= CSE_ARRAY_SIZE(cse_unreach_errno))
			goto bad;
		e.err = cse_unreach_errno[code].err;
		e.fatal = cse_unreach_errno[code].fatal;
		/* RFC 1191 4: the next-hop MTU, 0 from older routers. */
		if (code == CSE_ICMP_FRAG_NEEDED)
			e.mtu = cse_get16(rx->data + 6);
	}
	e.saddr = st->addr;
	e.daddr = cse_get32(q + 16);
	e.l4 = q + qhlen;
	e.l4len = qlen - qhlen;
	if (cse_ip4_err_input(st, q[9], &e)) {
		st->stats.icmp_err_rx++;
		return;
	}
bad:
	st->stats.icmp_ignored++;
}

static const struct {
	uint8_t type;
	void (*input)(struct cse_stack *st, const struct cse_ip4_rx *rx);
} cse_icmp_types[] = {
	{ CSE_ICMP_ECHO, cse_icmp_echo },
	{ CSE_ICMP_UNREACH, cse_icmp_error },
	{ CSE_ICMP_TIMXCEED, cse_icmp_error },
};

void cse_icmp4_input(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	unsigned int i;

	st->stats.icmp_rx++;
	if (rx->len < CSE_ICMP_HLEN || cse_csum(rx->data, rx->len)) {
		st->stats.icmp_bad++;
		return;
	}
	for (i = 0; i < CSE_ARRAY_SIZE(cse_icmp_types); i++) {
		if (cse_icmp_types[i].type == rx->data[0]) {
			cse_icmp_types[i].input(st, rx);
			return;
		}
	}
	st->stats.icmp_ignored++;
}

/* Token bucket: one error per icmp_rate_ns, bursts of icmp_burst. */
static bool cse_icmp_allow(struct cse_stack *st)
{
	struct cse_icmp_limit *l = &st->icmp_limit;
	uint64_t rate = st->cfg.icmp_rate_ns, now = cse_now(st);
	uint64_t cap = rate * st->cfg.icmp_burst;

	l->credit += now - l->last;
	if (l->credit > cap)
		l->credit = cap;
	l->last = now;
	if (l->credit < rate)
		return false;
	l->credit -= rate;
	return true;
}

/* RFC 1122 3.2.2: an ICMP error is never about an ICMP error. */
static bool cse_icmp_is_error(const struct cse_ip4_rx *rx)
{
	if (rx->proto != IPPROTO_ICMP || !rx->len)
		return false;
	switch (rx->data[0]) {
	case CSE_ICMP_UNREACH:
	case 4:				/* source quench */
	case 5:				/* redirect */
	case CSE_ICMP_TIMXCEED:
	case 12:			/* parameter problem */
		return true;
	}
	return false;
}

void cse_icmp4_send_error(struct cse_stack *st, const struct cse_ip4_rx *rx,
			  uint8_t type, uint8_t code)
{
	unsigned int quote = rx->hlen + rx->len;
	struct cse_pbuf *pb;
	uint8_t *p;

	/* RFC 1122 3.2.2: never about a broadcast, nor an ICMP error. */
	if (rx->bcast || cse_icmp_is_error(rx))
		return;
	if (!cse_icmp_allow(st)) {
		st->stats.icmp_rate_limited++;
		return;
	}
	if (quote > CSE_ICMP_QUOTE_MAX)
		quote = CSE_ICMP_QUOTE_MAX;
	pb = cse_pbuf_alloc(&st->mem, CSE_PBUF_HEADROOM,
			    CSE_ICMP_HLEN + quote);
	if (!pb) {
		st->stats.mem_drop++;
		return;
	}
	p = cse_pbuf_data(pb);
	memset(p, 0, CSE_ICMP_HLEN);
	p[0] = type;
	p[1] = code;
	memcpy(p + CSE_ICMP_HLEN, rx->hdr, quote);
	cse_put16(p + 2, cse_csum(p, CSE_ICMP_HLEN + quote));
	if (cse_ip4_output(st, pb, rx->saddr, IPPROTO_ICMP, st->cfg.ttl,
			   NULL))
		return;
	if (type == CSE_ICMP_UNREACH)
		st->stats.icmp_unreach_tx++;
	else if (type == CSE_ICMP_TIMXCEED)
		st->stats.icmp_timxceed_tx++;
}

void cse_icmp4_send_unreach(struct cse_stack *st, const struct cse_ip4_rx *rx,
			    uint8_t code)
{
	cse_icmp4_send_error(st, rx, CSE_ICMP_UNREACH, code);
}

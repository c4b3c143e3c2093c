// SPDX-License-Identifier: GPL-2.0
/*
 * TCP options (RFC 9293 3.2, RFC 7323, RFC 2018). Parsing is a table of
 * kinds with their required length; a malformed list makes the segment
 * invalid. Written options are laid out as Linux lays them, each 32-bit
 * aligned by NOPs, so a middlebox or the peer sees nothing unusual.
 */
#include <errno.h>

#include "tcp.h"
#include "wire.h"

#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WSCALE	3
#define TCPOPT_SACK_OK	4
#define TCPOPT_SACK	5
#define TCPOPT_TS	8

static void cse_opt_mss(const uint8_t *p, unsigned int len,
			struct cse_tcp_opts *o)
{
	(void)len;			/* checked by the table */
	o->mss = cse_get16(p + 2);
}

static void cse_opt_wscale(const uint8_t *p, unsigned int len,
			   struct cse_tcp_opts *o)
{
	(void)len;
	o->has_wscale = true;
	/* RFC 7323 2.3: larger shifts are taken as 14. */
	o->wscale = p[2] > 14 ? 14 : p[2];
}

static void cse_opt_sack_ok(const uint8_t *p, unsigned int len,
			    struct cse_tcp_opts *o)
{
	(void)p;			/* the kind says it all */
	(void)len;
	o->sack_ok = true;
}

static void cse_opt_ts(const uint8_t *p, unsigned int len,
		       struct cse_tcp_opts *o)
{
	(void)len;
	o->has_ts = true;
	o->tsval = cse_get32(p + 2);
	o->tsecr = cse_get32(p + 6);
}

/*
 * RFC 2018 3: 1 to 4 blocks of two sequence numbers. A list of another
 * length is ignored, as Linux does, not taken as a broken segment.
 */
static void cse_opt_sack(const uint8_t *p, unsigned int len,
			 struct cse_tcp_opts *o)
{
	unsigned int i;

	if (len < 10 || (len - 2) % 8 || (len - 2) / 8 > CSE_TCP_MAX_SACKS)
		return;
	o->nsacks = (uint8_t)((len - 2) / 8);
	for (i = 0; i < o->nsacks; i++) {
		o->sack[i][0] = cse_get32(p + 2 + 8 * i);
		o->sack[i][1] = cse_get32(p + 6 + 8 * i);
	}
}

static const struct {
	uint8_t kind;
	uint8_t len;		/* exact length; 0: checked by the parser */
	void (*parse)(const uint8_t *p, unsigned int len,
		      struct cse_tcp_opts *o);
} cse_tcp_optab[] = {
	{ TCPOPT_MSS, 4, cse_opt_mss },
	{ TCPOPT_WSCALE, 3, cse_opt_wscale },
	{ TCPOPT_SACK_OK, 2, cse_opt_sack_ok },
	{ TCPOPT_TS, 10, cse_opt_ts },
	{ TCPOPT_SACK, 0, cse_opt_sack },
};

/* One option of @len bytes at @p: known ones must have their length. */
static int cse_tcp_opt_one(const uint8_t *p, unsigned int len,
			   struct cse_tcp_opts *o)
{
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_tcp_optab); i++) {
		if (cse_tcp_optab[i].kind != p[0])
			continue;
		if (cse_tcp_optab[i].len && cse_tcp_optab[i].len != len)
			return -EINVAL;
		cse_tcp_optab[i].parse(p, len, o);
		return 0;
	}
	return 0;	/* unknown kinds are skipped (RFC 9293 3.2) */
}

int cse_tcp_parse_opts(const uint8_t *p, unsigned int len,
		       struct cse_tcp_opts *o)
{
	unsigned int i = 0;

	*o = (struct cse_tcp_opts){ 0 };
	while (i < len) {
		unsigned int olen;

		if (p[i] == TCPOPT_EOL)
			break;
		if (p[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -EINVAL;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i ||
		    cse_tcp_opt_one(p + i, olen, o))
			return -EINVAL;
		i += olen;
	}
	return 0;
}

static unsigned int cse_put_mss(uint8_t *p, const struct cse_tcp_opts *o)
{
	p[0] = TCPOPT_MSS;
	p[1] = 4;
	cse_put16(p + 2, o->mss);
	return 4;
}

/* With SACK-permitted on a SYN, its two bytes replace the NOPs. */
static unsigned int cse_put_ts(uint8_t *p, const struct cse_tcp_opts *o)
{
	p[0] = o->sack_ok ? TCPOPT_SACK_OK : TCPOPT_NOP;
	p[1] = o->sack_ok ? 2 : TCPOPT_NOP;
	p[2] = TCPOPT_TS;
	p[3] = 10;
	cse_put32(p + 4, o->tsval);
	cse_put32(p + 8, o->tsecr);
	return CSE_TCP_TS_LEN;
}

static unsigned int cse_put_wscale(uint8_t *p, const struct cse_tcp_opts *o)
{
	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_WSCALE;
	p[2] = 3;
	p[3] = o->wscale;
	return 4;
}

static unsigned int cse_put_sack_ok(uint8_t *p)
{
	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_NOP;
	p[2] = TCPOPT_SACK_OK;
	p[3] = 2;
	return 4;
}

static unsigned int cse_put_sacks(uint8_t *p, const struct cse_tcp_opts *o)
{
	unsigned int i;

	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_NOP;
	p[2] = TCPOPT_SACK;
	p[3] = (uint8_t)(2 + 8 * o->nsacks);
	for (i = 0; i < o->nsacks; i++) {
		cse_put32(p + 4 + 8 * i, o->sack[i][0]);
		cse_put32(p + 8 + 8 * i, o->sack[i][1]);
	}
	return 4 + 8 * o->nsacks;
}

unsigned int cse_tcp_write_opts(uint8_t *p, const struct cse_tcp_opts *o)
{
	unsigned int n = 0;

	if (o->mss)
		n += cse_put_mss(p + n, o);
	if (o->has_ts)
		n += cse_put_ts(p + n, o);
	else if (o->sack_ok)
		n += cse_put_sack_ok(p + n);
	if (o->has_wscale)
		n += cse_put_wscale(p + n, o);
	if (o->nsacks)
		n += cse_put_sacks(p + n, o);
	return n;
}

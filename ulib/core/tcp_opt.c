// SPDX-License-Identifier: GPL-2.0
/*
 * TCP options (RFC 9293 3.2, RFC 7323, RFC 2018). Parsing is a table of
 * kinds with their required length; a malformed list makes the segment
 * invalid. Only MSS is sent today; the others are parsed so that window
 * scaling, timestamps and SACK need no parser change.
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

static void cse_opt_mss(const uint8_t *p, struct cse_tcp_opts *o)
{
	o->mss = cse_get16(p + 2);
}

static void cse_opt_wscale(const uint8_t *p, struct cse_tcp_opts *o)
{
	o->has_wscale = true;
	/* RFC 7323 2.3: larger shifts are taken as 14. */
	o->wscale = p[2] > 14 ? 14 : p[2];
}

static void cse_opt_sack_ok(const uint8_t *p, struct cse_tcp_opts *o)
{
	(void)p;			/* the kind says it all */
	o->sack_ok = true;
}

static void cse_opt_ts(const uint8_t *p, struct cse_tcp_opts *o)
{
	o->has_ts = true;
	o->tsval = cse_get32(p + 2);
	o->tsecr = cse_get32(p + 6);
}

static const struct {
	uint8_t kind;
	uint8_t len;		/* exact length; 0: any length >= 2 */
	void (*parse)(const uint8_t *p, struct cse_tcp_opts *o);
} cse_tcp_optab[] = {
	{ TCPOPT_MSS, 4, cse_opt_mss },
	{ TCPOPT_WSCALE, 3, cse_opt_wscale },
	{ TCPOPT_SACK_OK, 2, cse_opt_sack_ok },
	{ TCPOPT_TS, 10, cse_opt_ts },
	{ TCPOPT_SACK, 0, NULL },	/* blocks: read by SACK, later */
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
		if (cse_tcp_optab[i].parse)
			cse_tcp_optab[i].parse(p, o);
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

unsigned int cse_tcp_write_syn_opts(uint8_t *p, uint16_t mss)
{
	p[0] = TCPOPT_MSS;
	p[1] = 4;
	cse_put16(p + 2, mss);
	return 4;
}

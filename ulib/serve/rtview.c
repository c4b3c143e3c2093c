// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink messages, checked and applied. Every attribute used is
 * validated for its type and length (mnl_attr_validate); a message that
 * fails is dropped whole and counted, never half applied. Only IPv4 is
 * looked at, routes of the main table only, neighbours of the served
 * device only; addresses of every device, since all are the host's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "../core/stack.h"
#include "rtview.h"

#define CSE_ETH_ALEN	6

/* Attributes by type, with the length each must have (0: not used). */
struct cse_rtattrs {
	const struct nlattr *tb[RTA_MAX + 1];
	const uint16_t *len;	/* per type; 0xffff: any length */
	unsigned int max;
	bool bad;
	const char *end;	/* past the last attribute seen */
	const char *msg_end;	/* nlmsg_len, which libmnl rounds up */
};

static int cse_rtattr_cb(const struct nlattr *a, void *data)
{
	struct cse_rtattrs *t = data;
	uint16_t type = mnl_attr_get_type(a);

	t->end = (const char *)a + MNL_ALIGN(a->nla_len);
	if ((const char *)a + a->nla_len > t->msg_end) {
		t->bad = true;
		return MNL_CB_ERROR;
	}
	if (type > t->max || !t->len[type])
		return MNL_CB_OK;	/* not one we use */
	if (t->len[type] == 0xffff ?
	    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 :
	    mnl_attr_validate2(a, MNL_TYPE_BINARY, t->len[type]) < 0) {
		t->bad = true;
		return MNL_CB_ERROR;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

/*
 * The fixed header of @hdrlen bytes, then attributes; false if malformed.
 * mnl_attr_parse() stops quietly at an attribute that runs past the
 * message: bytes left over mean one did.
 */
static bool cse_rtattrs_parse(const struct nlmsghdr *nlh, size_t hdrlen,
			      struct cse_rtattrs *t)
{
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return false;
	t->end = (const char *)mnl_nlmsg_get_payload_offset(nlh, hdrlen);
	t->msg_end = (const char *)nlh + nlh->nlmsg_len;
	if (mnl_attr_parse(nlh, hdrlen, cse_rtattr_cb, t) != MNL_CB_OK ||
	    t->bad)
		return false;
	return t->end >= t->msg_end;
}

static uint32_t cse_rtattr_u32(const struct cse_rtattrs *t, unsigned int type,
			       uint32_t dflt)
{
	return t->tb[type] ? mnl_attr_get_u32(t->tb[type]) : dflt;
}

/* --- addresses --- */

static const uint16_t cse_ifa_len[IFA_MAX + 1] = {
	[IFA_ADDRESS] = 4, [IFA_LOCAL] = 4,
};

static int cse_rtview_addr(struct cse_rtview *v, const struct nlmsghdr *nlh)
{
	struct cse_rtattrs t = { .len = cse_ifa_len, .max = IFA_MAX };
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct in_addr addr;

	if (!cse_rtattrs_parse(nlh, sizeof(*ifa), &t))
		return -EINVAL;
	if (ifa->ifa_family != AF_INET)
		return -ENOENT;
	/* IFA_LOCAL is the address; IFA_ADDRESS the peer's on a p2p link. */
	a = t.tb[IFA_LOCAL] ? t.tb[IFA_LOCAL] : t.tb[IFA_ADDRESS];
	if (!a || ifa->ifa_prefixlen > 32)
		return -EINVAL;
	memcpy(&addr, mnl_attr_get_payload(a), sizeof(addr));
	if (nlh->nlmsg_type == RTM_NEWADDR)
		cse_netcfg_local_add(v->net, addr);
	else
		cse_netcfg_local_del(v->net, addr);
	return 0;
}

/* --- routes --- */

static const uint16_t cse_rta_len[RTA_MAX + 1] = {
	[RTA_DST] = 4, [RTA_GATEWAY] = 4, [RTA_OIF] = 4, [RTA_PRIORITY] = 4,
	[RTA_TABLE] = 4, [RTA_MULTIPATH] = 0xffff, [RTA_VIA] = 0xffff,
};

/* Which device a route leaves by; 0 when the kernel keeps it. */
static unsigned int cse_rtview_oif(const struct rtmsg *rtm,
				   const struct cse_rtattrs *t)
{
	if (rtm->rtm_type != RTN_UNICAST || t->tb[RTA_MULTIPATH] ||
	    t->tb[RTA_VIA])
		return 0;
	return cse_rtattr_u32(t, RTA_OIF, 0);
}

static int cse_rtview_route(struct cse_rtview *v, const struct nlmsghdr *nlh)
{
	struct cse_rtattrs t = { .len = cse_rta_len, .max = RTA_MAX };
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct cse_netcfg_route r = { 0 };
	int err;

	if (!cse_rtattrs_parse(nlh, sizeof(*rtm), &t))
		return -EINVAL;
	if (rtm->rtm_family != AF_INET || rtm->rtm_flags & RTM_F_CLONED ||
	    cse_rtattr_u32(&t, RTA_TABLE, rtm->rtm_table) != RT_TABLE_MAIN)
		return -ENOENT;
	/* Local and broadcast routes live in the local table; others here. */
	if (rtm->rtm_type != RTN_UNICAST && rtm->rtm_type != RTN_BLACKHOLE &&
	    rtm->rtm_type != RTN_UNREACHABLE && rtm->rtm_type != RTN_PROHIBIT)
		return -ENOENT;
	r.plen = rtm->rtm_dst_len;
	/* In network byte order, as struct in_addr holds them. */
	r.dst.s_addr = cse_rtattr_u32(&t, RTA_DST, 0);
	r.gw.s_addr = cse_rtattr_u32(&t, RTA_GATEWAY, 0);
	r.metric = cse_rtattr_u32(&t, RTA_PRIORITY, 0);
	r.oif = cse_rtview_oif(rtm, &t);
	if (nlh->nlmsg_type == RTM_DELROUTE)
		err = cse_netcfg_route_del(v->net, &r);
	else
		err = cse_netcfg_route_set(v->net, &r,
					   nlh->nlmsg_flags & NLM_F_REPLACE);
	if (err == -EINVAL)
		return err;	/* prefix over 32, host bits set */
	if (err == -ENOSPC)
		v->stats.routes_full++;
	if (!v->reading && cse_rtview_touches(v, &r))
		cse_rtview_sync(v);
	return 0;
}

/* --- neighbours --- */

static const uint16_t cse_nda_len[NDA_MAX + 1] = {
	[NDA_DST] = 4, [NDA_LLADDR] = CSE_ETH_ALEN,
	[NDA_CACHEINFO] = sizeof(struct nda_cacheinfo),
};

static void cse_rtview_unseed(struct cse_rtview *v, struct in_addr ip)
{
	if (!cse_neigh_unseed(v->st, ip))
		v->stats.neigh_dropped++;
}

/*
 * The host's state, as the stack takes it. A REACHABLE entry's age is
 * when it was last confirmed (clock ticks ago, NDA_CACHEINFO).
 */
static int cse_rtview_seed(struct cse_rtview *v, const struct ndmsg *ndm,
			   const struct cse_rtattrs *t, struct in_addr ip)
{
	enum cse_neigh_host_state hs = CSE_NEIGH_HOST_STALE;
	const struct nda_cacheinfo *ci;
	uint64_t age = 0;
	int err;

	if (!t->tb[NDA_LLADDR])
		return -EINVAL;
	if (ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP)) {
		hs = CSE_NEIGH_HOST_PERMANENT;
	} else if (ndm->ndm_state & NUD_REACHABLE && t->tb[NDA_CACHEINFO]) {
		ci = mnl_attr_get_payload(t->tb[NDA_CACHEINFO]);
		hs = CSE_NEIGH_HOST_REACHABLE;
		age = (uint64_t)ci->ndm_confirmed * 1000000000ULL /
		      (v->clk_tck ? v->clk_tck : 100);
	}
	err = cse_neigh_seed(v->st, ip, mnl_attr_get_payload(t->tb[NDA_LLADDR]),
			     hs, age);
	if (err == -EINVAL)
		return -ENOENT;	/* ours, broadcast, multicast: not ours */
	if (!err)
		v->stats.neigh_seeded++;
	return 0;
}

static int cse_rtview_neigh(struct cse_rtview *v, const struct nlmsghdr *nlh)
{
	struct cse_rtattrs t = { .len = cse_nda_len, .max = NDA_MAX };
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct in_addr ip;

	if (!cse_rtattrs_parse(nlh, sizeof(*ndm), &t))
		return -EINVAL;
	if (ndm->ndm_family != AF_INET || ndm->ndm_flags & NTF_PROXY ||
	    (unsigned int)ndm->ndm_ifindex != v->net->ifindex)
		return -ENOENT;
	if (!t.tb[NDA_DST])
		return -EINVAL;
	memcpy(&ip, mnl_attr_get_payload(t.tb[NDA_DST]), sizeof(ip));
	if (nlh->nlmsg_type == RTM_DELNEIGH || ndm->ndm_state & NUD_FAILED) {
		cse_rtview_unseed(v, ip);
		return 0;
	}
	if (!(ndm->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
				NUD_PROBE | NUD_PERMANENT | NUD_NOARP)))
		return -ENOENT;	/* INCOMPLETE, NONE: nothing known yet */
	return cse_rtview_seed(v, ndm, &t, ip);
}

static int cse_rtview_dispatch(struct cse_rtview *v,
			       const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return cse_rtview_addr(v, nlh);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return cse_rtview_route(v, nlh);
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		return cse_rtview_neigh(v, nlh);
	default:
		return -ENOENT;
	}
}

int cse_rtview_apply(struct cse_rtview *v, const struct nlmsghdr *nlh)
{
	int err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		err = -EINVAL;
	else
		err = cse_rtview_dispatch(v, nlh);
	if (!err)
		v->stats.msgs++;
	else if (err == -ENOENT)
		v->stats.ignored++;
	else
		v->stats.bad++;
	return err;
}

bool cse_rtview_datagram_ok(struct cse_rtview *v, const void *buf,
			    size_t len)
{
	const char *p = buf;
	const struct nlmsghdr *nlh;

	while (len >= sizeof(*nlh)) {
		nlh = (const void *)p;
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			break;
		if (MNL_ALIGN(nlh->nlmsg_len) >= len)
			return true;
		p += MNL_ALIGN(nlh->nlmsg_len);
		len -= MNL_ALIGN(nlh->nlmsg_len);
	}
	if (!len)
		return true;
	v->stats.bad++;
	return false;
}

void cse_rtview_forget(struct cse_rtview *v)
{
	v->net->n_routes = 0;
	v->net->n_local = 0;
	cse_neigh_unseed_permanent(v->st);
}

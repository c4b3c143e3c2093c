// SPDX-License-Identifier: GPL-2.0
/*
 * The rtnetlink mirror's messages (serve/rtview.c), built here with libmnl
 * as the kernel sends them, applied to a configuration and a stack on the
 * capture link: routes reach the stack and route selection, neighbours
 * the ARP cache, addresses the local list; foreign and malformed messages
 * change nothing.
 */
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kselftest_harness.h"
#include "t_stack.h"
#include "core/neigh.h"
#include "serve/rtview.h"

#define T_DEV		7
#define T_OTHER		8
#define T_GW2_IP	0x0a0000fdu	/* 10.0.0.253 */
#define T_NET2		0xac100000u	/* 172.16.0.0/16 */
#define T_NET2_HOST	0xac100001u

struct t_msg {
	char buf[512];
	struct nlmsghdr *nlh;
};

static struct nlmsghdr *t_hdr(struct t_msg *m, uint16_t type, uint16_t flags)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = flags;
	return m->nlh;
}

struct t_route {
	uint32_t dst, gw, metric, oif;
	unsigned int plen;
	uint32_t table;
	uint8_t type;
};

static struct nlmsghdr *t_route_msg(struct t_msg *m, uint16_t type,
				    const struct t_route *r)
{
	struct nlmsghdr *nlh = t_hdr(m, type, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->plen;
	rtm->rtm_table = r->table ? r->table : RT_TABLE_MAIN;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	if (r->plen)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(r->dst));
	if (r->gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(r->gw));
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	mnl_attr_put_u32(nlh, RTA_TABLE, rtm->rtm_table);
	return nlh;
}

static struct nlmsghdr *t_neigh_msg(struct t_msg *m, uint16_t type,
				    int ifindex, uint32_t ip,
				    const uint8_t *mac, uint16_t state,
				    uint32_t confirmed)
{
	struct nlmsghdr *nlh = t_hdr(m, type, 0);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	struct nda_cacheinfo ci = { .ndm_confirmed = confirmed };

	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	mnl_attr_put_u32(nlh, NDA_DST, htonl(ip));
	if (mac)
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put(nlh, NDA_CACHEINFO, sizeof(ci), &ci);
	return nlh;
}

static struct nlmsghdr *t_addr_msg(struct t_msg *m, uint16_t type,
				   int ifindex, uint32_t ip)
{
	struct nlmsghdr *nlh = t_hdr(m, type, 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(ip));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(ip));
	return nlh;
}

FIXTURE(view) {
	struct t_env e;
	struct cse_netcfg net;
	struct cse_rtview v;
	struct cse_sock *s;
	struct t_msg m;
};

static int t_apply_route(struct cse_rtview *v, struct t_msg *m,
			 uint16_t type, struct t_route r)
{
	return cse_rtview_apply(v, t_route_msg(m, type, &r));
}

static bool t_serves(const struct cse_netcfg *net, uint32_t ip)
{
	return cse_netcfg_serves_dst(net, (struct in_addr){ htonl(ip) });
}

/* What the host's dump says at start: the subnet and the gateway. */
FIXTURE_SETUP(view)
{
	t_env_config(&self->e);
	ASSERT_EQ(0, t_env_start(&self->e));
	self->s = t_udp_sock(&self->e, 5000);
	ASSERT_NE(NULL, self->s);
	snprintf(self->net.ifname, sizeof(self->net.ifname), "veth0");
	self->net.ifindex = T_DEV;
	self->net.addr.s_addr = htonl(T_OUR_IP);
	self->net.prefix_len = 24;
	self->net.gateway.s_addr = htonl(T_GW_IP);
	cse_rtview_init(&self->v, &self->net, self->e.st);
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = 0x0a000000u, .plen = 24,
				  .oif = T_DEV }));
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .gw = T_GW_IP, .oif = T_DEV,
				  .metric = 100 }));
}

FIXTURE_TEARDOWN(view)
{
	cse_close(self->s);
	t_env_fini(&self->e);
}

/* One datagram to @ip: the MAC of the next hop it left for, or NULL. */
static const uint8_t *t_sent_to(struct t_env *e, struct cse_sock *s,
				uint32_t ip)
{
	unsigned int len;

	t_skip_all(e);
	if (t_send(s, ip, 9, "x", 1) != 1)
		return NULL;
	return t_next(e, &len);
}

TEST_F(view, start_state_serves_the_subnet_and_the_default_route)
{
	ASSERT_TRUE(t_serves(&self->net, T_PEER_IP));
	ASSERT_TRUE(t_serves(&self->net, T_FAR_IP));
	ASSERT_EQ(htonl(T_GW_IP), self->net.gateway.s_addr);
	ASSERT_EQ(1u, self->v.n_in_stack);
	ASSERT_EQ(2u, self->v.stats.msgs);
}

TEST_F(view, route_via_a_gateway_reaches_the_stack_and_its_neighbour)
{
	static const uint8_t gw2_mac[6] = { 0x02, 0, 0, 0, 0, 0xfd };
	const uint8_t *f;

	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16, .gw = T_GW2_IP,
				  .oif = T_DEV }));
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_GW2_IP, gw2_mac,
			    NUD_REACHABLE, 100)));
	ASSERT_EQ(1u, self->v.stats.neigh_seeded);
	f = t_sent_to(&self->e, self->s, T_NET2_HOST);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0x0800, t_ethertype(f));
	ASSERT_EQ(0, memcmp(f, gw2_mac, 6));
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->arp_requests_tx);
	ASSERT_EQ(T_NET2_HOST, cse_get32(t_ip_hdr(f) + 16));
	/* Gone again: the default gateway's MAC, not the removed one's. */
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_DELROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16, .gw = T_GW2_IP,
				  .oif = T_DEV }));
	t_learn(&self->e, T_GW_IP, t_gw_mac);
	f = t_sent_to(&self->e, self->s, T_NET2_HOST);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, memcmp(f, t_gw_mac, 6));
}

TEST_F(view, destination_routed_through_another_device_is_the_kernels)
{
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16, .oif = T_OTHER }));
	ASSERT_FALSE(t_serves(&self->net, T_NET2_HOST));
	ASSERT_TRUE(t_serves(&self->net, T_FAR_IP));
	/* A blackhole is the kernel's to refuse. */
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = 0xc0000200u, .plen = 24,
				  .type = RTN_BLACKHOLE }));
	ASSERT_FALSE(t_serves(&self->net, T_FAR_IP));
}

TEST_F(view, lower_metric_wins_and_its_removal_hands_back)
{
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .gw = 0xc0a80101u, .oif = T_OTHER,
				  .metric = 50 }));
	ASSERT_FALSE(t_serves(&self->net, T_FAR_IP));
	ASSERT_EQ(0u, self->v.n_in_stack);
	ASSERT_EQ(0u, self->net.gateway.s_addr);
	ASSERT_EQ(NULL, t_sent_to(&self->e, self->s, T_FAR_IP));
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_DELROUTE,
		(struct t_route){ .gw = 0xc0a80101u, .oif = T_OTHER,
				  .metric = 50 }));
	ASSERT_TRUE(t_serves(&self->net, T_FAR_IP));
	ASSERT_EQ(htonl(T_GW_IP), self->net.gateway.s_addr);
}

TEST_F(view, gateway_off_every_connected_subnet_is_not_served)
{
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16,
				  .gw = 0xc6336401u, .oif = T_DEV }));
	ASSERT_EQ(1u, self->v.unusable);
	ASSERT_FALSE(t_serves(&self->net, T_NET2_HOST));
	/* An on-link route to that gateway makes it reachable. */
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = 0xc6336400u, .plen = 24,
				  .oif = T_DEV }));
	ASSERT_EQ(0u, self->v.unusable);
	ASSERT_TRUE(t_serves(&self->net, T_NET2_HOST));
}

TEST_F(view, replace_changes_the_gateway_append_keeps_the_first)
{
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .gw = T_GW2_IP, .oif = T_DEV,
				  .metric = 100 }));
	ASSERT_EQ(htonl(T_GW_IP), self->net.gateway.s_addr);
	self->m.nlh->nlmsg_flags = NLM_F_REPLACE;
	ASSERT_EQ(0, cse_rtview_apply(&self->v, self->m.nlh));
	ASSERT_EQ(htonl(T_GW2_IP), self->net.gateway.s_addr);
	ASSERT_EQ(1u, self->v.n_in_stack);
}

TEST_F(view, foreign_routes_are_ignored)
{
	struct rtmsg *rtm;

	ASSERT_EQ(-ENOENT, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16, .oif = T_OTHER,
				  .table = 100 }));
	ASSERT_EQ(-ENOENT, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16, .oif = T_OTHER,
				  .type = RTN_LOCAL }));
	t_route_msg(&self->m, RTM_NEWROUTE, &(struct t_route){
		.dst = T_NET2, .plen = 16, .oif = T_OTHER });
	rtm = mnl_nlmsg_get_payload(self->m.nlh);
	rtm->rtm_family = AF_INET6;
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v, self->m.nlh));
	rtm->rtm_family = AF_INET;
	rtm->rtm_flags = RTM_F_CLONED;
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v, self->m.nlh));
	t_hdr(&self->m, RTM_NEWLINK, 0);
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v, self->m.nlh));
	ASSERT_EQ(5u, self->v.stats.ignored);
	ASSERT_EQ(2u, self->net.n_routes);
}

TEST_F(view, malformed_routes_change_nothing)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	/* Prefix over 32; host bits set. */
	ASSERT_EQ(-EINVAL, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 33, .oif = T_DEV }));
	ASSERT_EQ(-EINVAL, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2_HOST, .plen = 16,
				  .oif = T_DEV }));
	/* RTA_DST of two bytes. */
	nlh = t_hdr(&self->m, RTM_NEWROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_dst_len = 16;
	mnl_attr_put_u16(nlh, RTA_DST, 0xac10);
	mnl_attr_put_u32(nlh, RTA_OIF, T_DEV);
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, nlh));
	/* An attribute running past the message. */
	t_route_msg(&self->m, RTM_NEWROUTE, &(struct t_route){
		.dst = T_NET2, .plen = 16, .oif = T_DEV });
	self->m.nlh->nlmsg_len -= 2;
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, self->m.nlh));
	self->m.nlh->nlmsg_len -= 4;
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, self->m.nlh));
	/* No room for the rtmsg; shorter than a netlink header. */
	nlh = t_hdr(&self->m, RTM_NEWROUTE, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, nlh));
	nlh->nlmsg_len = 8;
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, nlh));
	ASSERT_EQ(7u, self->v.stats.bad);
	ASSERT_EQ(2u, self->net.n_routes);
	ASSERT_EQ(1u, self->v.n_in_stack);
}

TEST_F(view, known_neighbour_takes_the_first_packet_without_arp)
{
	const uint8_t *f;

	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_PEER_IP,
			    t_peer_mac, NUD_REACHABLE, 200)));
	ASSERT_EQ(CSE_NUD_REACHABLE,
		  (int)cse_neigh_find(self->e.st, T_PEER_IP)->state);
	f = t_sent_to(&self->e, self->s, T_PEER_IP);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0x0800, t_ethertype(f));
	ASSERT_EQ(0, memcmp(f, t_peer_mac, 6));
	/* 2 s old (200 ticks of 10 ms): STALE 28 s from now, not 30. */
	t_advance(&self->e, 28 * CSE_NSEC_PER_SEC);
	ASSERT_NE(CSE_NUD_REACHABLE,
		  (int)cse_neigh_find(self->e.st, T_PEER_IP)->state);
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->arp_requests_tx);
}

TEST_F(view, neighbour_states_map_and_failures_drop)
{
	struct t_env *e = &self->e;

	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_PEER_IP,
			    t_peer_mac, NUD_PERMANENT, 0)));
	ASSERT_EQ(CSE_NUD_PERMANENT,
		  (int)cse_neigh_find(e->st, T_PEER_IP)->state);
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_GW_IP, t_gw_mac,
			    NUD_DELAY, 0)));
	ASSERT_EQ(CSE_NUD_STALE, (int)cse_neigh_find(e->st, T_GW_IP)->state);
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_GW_IP, t_gw_mac,
			    NUD_FAILED, 0)));
	ASSERT_NULL(cse_neigh_find(e->st, T_GW_IP));
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_DELNEIGH, T_DEV, T_PEER_IP,
			    t_peer_mac, NUD_PERMANENT, 0)));
	ASSERT_NULL(cse_neigh_find(e->st, T_PEER_IP));
	ASSERT_EQ(2u, self->v.stats.neigh_dropped);
}

TEST_F(view, foreign_and_malformed_neighbours_change_nothing)
{
	static const uint8_t zero[6];
	struct ndmsg *ndm;

	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_OTHER, T_PEER_IP,
			    t_peer_mac, NUD_REACHABLE, 0)));
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_PEER_IP,
			    NULL, NUD_INCOMPLETE, 0)));
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_BCAST_IP, zero,
			    NUD_NOARP, 0)));
	t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_PEER_IP, t_peer_mac,
		    NUD_REACHABLE, 0);
	ndm = mnl_nlmsg_get_payload(self->m.nlh);
	ndm->ndm_flags = NTF_PROXY;
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v, self->m.nlh));
	/* No link-layer address; one of four bytes. */
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_PEER_IP, NULL,
			    NUD_STALE, 0)));
	t_hdr(&self->m, RTM_NEWNEIGH, 0);
	ndm = mnl_nlmsg_put_extra_header(self->m.nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = T_DEV;
	ndm->ndm_state = NUD_STALE;
	mnl_attr_put_u32(self->m.nlh, NDA_DST, htonl(T_PEER_IP));
	mnl_attr_put_u32(self->m.nlh, NDA_LLADDR, 0x02000000);
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, self->m.nlh));
	ASSERT_EQ(0u, cse_neigh_count(self->e.st));
	ASSERT_EQ(4u, self->v.stats.ignored);
	ASSERT_EQ(2u, self->v.stats.bad);
}

TEST_F(view, addresses_change_the_local_list_not_the_served_one)
{
	ASSERT_EQ(0, cse_netcfg_fix_addr(&self->net,
					 (struct in_addr){ htonl(0x0a000005u) },
					 24));
	ASSERT_TRUE(t_serves(&self->net, 0x0a000009u));
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_addr_msg(&self->m, RTM_NEWADDR, T_DEV, 0x0a000009u)));
	ASSERT_FALSE(t_serves(&self->net, 0x0a000009u));
	ASSERT_TRUE(cse_netcfg_is_local(&self->net,
					(struct in_addr){ htonl(0x0a000009u) }));
	ASSERT_EQ(htonl(0x0a000005u), self->net.addr.s_addr);
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_addr_msg(&self->m, RTM_DELADDR, T_DEV, 0x0a000009u)));
	ASSERT_TRUE(t_serves(&self->net, 0x0a000009u));
	ASSERT_EQ(0u, self->net.n_local);
	ASSERT_EQ(htonl(0x0a000005u), self->net.addr.s_addr);
	/* Bad ones: no address; IPv6. */
	t_hdr(&self->m, RTM_NEWADDR, 0);
	((struct ifaddrmsg *)mnl_nlmsg_put_extra_header(self->m.nlh,
		sizeof(struct ifaddrmsg)))->ifa_family = AF_INET;
	ASSERT_EQ(-EINVAL, cse_rtview_apply(&self->v, self->m.nlh));
	t_addr_msg(&self->m, RTM_NEWADDR, T_DEV, 0x0a000009u);
	((struct ifaddrmsg *)mnl_nlmsg_get_payload(self->m.nlh))->ifa_family =
		AF_INET6;
	ASSERT_EQ(-ENOENT, cse_rtview_apply(&self->v, self->m.nlh));
	ASSERT_EQ(0u, self->net.n_local);
}

TEST_F(view, fixed_address_is_checked)
{
	ASSERT_EQ(-EINVAL, cse_netcfg_fix_addr(&self->net,
		(struct in_addr){ htonl(0x0a0000ffu) }, 24));
	ASSERT_EQ(-EINVAL, cse_netcfg_fix_addr(&self->net,
		(struct in_addr){ htonl(0xe0000001u) }, 24));
	ASSERT_EQ(-EINVAL, cse_netcfg_fix_addr(&self->net,
		(struct in_addr){ htonl(0x0a000005u) }, 33));
	ASSERT_FALSE(self->net.addr_fixed);
}

TEST_F(view, reread_forgets_routes_and_static_neighbours)
{
	ASSERT_EQ(0, cse_rtview_apply(&self->v,
		t_neigh_msg(&self->m, RTM_NEWNEIGH, T_DEV, T_PEER_IP,
			    t_peer_mac, NUD_PERMANENT, 0)));
	cse_rtview_forget(&self->v);
	self->v.reading = true;
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = 0x0a000000u, .plen = 24,
				  .oif = T_DEV }));
	/* Deferred while reading: the stack still has its default. */
	ASSERT_EQ(1u, self->v.n_in_stack);
	self->v.reading = false;
	cse_rtview_sync(&self->v);
	ASSERT_EQ(0u, self->v.n_in_stack);
	ASSERT_FALSE(t_serves(&self->net, T_FAR_IP));
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
}

TEST_F(view, device_gone_takes_every_route_back)
{
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
		(struct t_route){ .dst = T_NET2, .plen = 16, .gw = T_GW2_IP,
				  .oif = T_DEV }));
	ASSERT_EQ(2u, self->v.n_in_stack);
	self->v.gone = true;
	cse_rtview_sync(&self->v);
	ASSERT_EQ(0u, self->v.n_in_stack);
	ASSERT_FALSE(t_serves(&self->net, T_NET2_HOST));
	ASSERT_FALSE(t_serves(&self->net, T_FAR_IP));
}

TEST_F(view, stack_table_bound_leaves_the_rest_to_the_kernel)
{
	uint32_t i;

	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
			(struct t_route){ .dst = 0xac100000u + (i << 8),
					  .plen = 24, .gw = T_GW2_IP,
					  .oif = T_DEV }));
	/* 16 in the stack's table, the served subnet one of them. */
	ASSERT_EQ(15u, self->v.n_in_stack);
	ASSERT_EQ(6u, self->v.unusable);
	ASSERT_FALSE(t_serves(&self->net, 0xac101301u));
	ASSERT_TRUE(t_serves(&self->net, 0xac100001u));
}

TEST_F(view, host_table_bound_is_counted_and_kept)
{
	uint32_t i;

	for (i = 0; i < CSE_NETCFG_MAX_ROUTES; i++)
		ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE,
			(struct t_route){ .dst = 0xc0a80000u + i, .plen = 32,
					  .oif = T_OTHER }));
	ASSERT_EQ((unsigned int)CSE_NETCFG_MAX_ROUTES, self->net.n_routes);
	ASSERT_EQ(2u, self->v.stats.routes_full);
	/* What was there stays: the default route still serves. */
	ASSERT_TRUE(t_serves(&self->net, T_FAR_IP));
}

TEST_F(view, delete_names_the_route_by_device_and_gateway)
{
	struct t_route r = { .dst = T_NET2, .plen = 16, .gw = T_GW2_IP,
			     .oif = T_DEV };

	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_NEWROUTE, r));
	ASSERT_EQ(2u, self->v.n_in_stack);
	/* Another device's or another gateway's: not this route. */
	r.oif = T_OTHER;
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_DELROUTE, r));
	r.oif = T_DEV;
	r.gw = T_GW_IP;
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_DELROUTE, r));
	ASSERT_EQ(3u, self->net.n_routes);
	ASSERT_EQ(2u, self->v.n_in_stack);
	r.gw = 0;	/* no gateway named: any */
	ASSERT_EQ(0, t_apply_route(&self->v, &self->m, RTM_DELROUTE, r));
	ASSERT_EQ(2u, self->net.n_routes);
	ASSERT_EQ(1u, self->v.n_in_stack);	/* the default only */
}

TEST_F(view, local_list_is_bounded_and_the_served_address_always_local)
{
	uint32_t i;

	ASSERT_TRUE(cse_netcfg_is_local(&self->net, self->net.addr));
	for (i = 0; i < CSE_NETCFG_MAX_LOCAL; i++)
		ASSERT_EQ(0, cse_netcfg_local_add(&self->net,
			(struct in_addr){ htonl(0xc0a80000u + i) }));
	ASSERT_EQ(0, cse_netcfg_local_add(&self->net,
		(struct in_addr){ htonl(0xc0a80000u) }));
	ASSERT_EQ(-ENOSPC, cse_netcfg_local_add(&self->net,
		(struct in_addr){ htonl(0xc0a90000u) }));
	ASSERT_EQ(-ESRCH, cse_netcfg_local_del(&self->net,
		(struct in_addr){ htonl(0xc0a90000u) }));
}

/*
 * Apply what a datagram of @len bytes holds, walked as rtmirror.c walks
 * one: checked whole, then message by message as mnl_cb_run() does.
 */
static int t_apply_datagram(struct cse_rtview *v, const char *buf, int len)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int n = 0, err;

	if (!cse_rtview_datagram_ok(v, buf, len))
		return 1;	/* counted bad */
	while (mnl_nlmsg_ok(nlh, len)) {
		err = cse_rtview_apply(v, nlh);
		if (err && err != -ENOENT && err != -EINVAL)
			return -1000;
		n++;
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return n;
}

TEST_F(view, truncated_and_mutated_messages_are_refused_or_applied_whole)
{
	struct t_msg src[4];
	char buf[512] __attribute__((aligned(4)));
	uint64_t before, seen = 0, rng = 42;
	unsigned int k, len, i, j;

	t_route_msg(&src[0], RTM_NEWROUTE, &(struct t_route){
		.dst = T_NET2, .plen = 16, .gw = T_GW2_IP, .oif = T_DEV });
	t_neigh_msg(&src[1], RTM_NEWNEIGH, T_DEV, T_PEER_IP, t_peer_mac,
		    NUD_REACHABLE, 5);
	t_addr_msg(&src[2], RTM_NEWADDR, T_DEV, 0x0a000009u);
	t_route_msg(&src[3], RTM_DELROUTE, &(struct t_route){
		.dst = T_NET2, .plen = 16, .oif = T_DEV });
	before = self->v.stats.msgs + self->v.stats.bad + self->v.stats.ignored;
	for (k = 0; k < 4; k++) {
		len = src[k].nlh->nlmsg_len;
		/* Every truncation, the header's length saying so or not. */
		for (i = 0; i <= len; i++) {
			memcpy(buf, src[k].buf, len);
			seen += t_apply_datagram(&self->v, buf, i);
			((struct nlmsghdr *)buf)->nlmsg_len = i;
			seen += t_apply_datagram(&self->v, buf, len);
		}
		/* Random bytes changed, a fixed sequence. */
		for (i = 0; i < 3000; i++) {
			memcpy(buf, src[k].buf, len);
			for (j = 0; j < 1 + i % 4; j++) {
				rng = rng * 6364136223846793005ULL + 1;
				buf[(rng >> 33) % len] = (char)(rng >> 17);
			}
			seen += t_apply_datagram(&self->v, buf, len);
		}
	}
	/* Each message was counted once, as applied, ignored or bad. */
	ASSERT_EQ(seen, self->v.stats.msgs + self->v.stats.bad +
			self->v.stats.ignored - before);
	ASSERT_LT(0u, self->v.stats.bad);
	ASSERT_LE(self->net.n_routes, (unsigned int)CSE_NETCFG_MAX_ROUTES);
}

TEST_F(view, datagram_with_a_length_past_its_end_is_dropped_whole)
{
	struct t_msg m2;
	char buf[1024] __attribute__((aligned(4)));
	unsigned int len;

	t_addr_msg(&self->m, RTM_NEWADDR, T_DEV, 0x0a000009u);
	t_addr_msg(&m2, RTM_NEWADDR, T_DEV, 0x0a00000au);
	len = self->m.nlh->nlmsg_len;
	memcpy(buf, self->m.buf, len);
	memcpy(buf + len, m2.buf, m2.nlh->nlmsg_len);
	ASSERT_TRUE(cse_rtview_datagram_ok(&self->v, buf,
					   len + m2.nlh->nlmsg_len));
	((struct nlmsghdr *)(buf + len))->nlmsg_len = 0x80000010u;
	ASSERT_FALSE(cse_rtview_datagram_ok(&self->v, buf,
					    len + m2.nlh->nlmsg_len));
	((struct nlmsghdr *)(buf + len))->nlmsg_len = 8;
	ASSERT_FALSE(cse_rtview_datagram_ok(&self->v, buf,
					    len + m2.nlh->nlmsg_len));
	ASSERT_FALSE(cse_rtview_datagram_ok(&self->v, buf, len + 6));
	ASSERT_EQ(3u, self->v.stats.bad);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Neighbours seeded from the host's table (cse_neigh_seed and friends):
 * the first packet to a known neighbour leaves without ARP, each of the
 * host's NUD states maps as Linux would age it, and the stack's own
 * knowledge wins over the host's hearsay.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "core/neigh.h"

#define T_SEC	CSE_NSEC_PER_SEC

static const uint8_t t_new_mac[6] = { 0x02, 0, 0, 0, 0, 0x22 };

FIXTURE(seed) {
	struct t_env e;
	struct cse_sock *s;
};

FIXTURE_SETUP(seed)
{
	t_env_config(&self->e);
	self->e.cfg.arp_max_entries = 4;
	ASSERT_EQ(0, t_env_start(&self->e));
	self->s = t_udp_sock(&self->e, 5000);
	ASSERT_NE(NULL, self->s);
}

FIXTURE_TEARDOWN(seed)
{
	cse_close(self->s);
	t_env_fini(&self->e);
}

static int t_seed(struct t_env *e, uint32_t ip, const uint8_t *mac,
		  enum cse_neigh_host_state hs, uint64_t age)
{
	return cse_neigh_seed(e->st, (struct in_addr){ htonl(ip) }, mac, hs,
			      age);
}

static int t_unseed(struct t_env *e, uint32_t ip)
{
	return cse_neigh_unseed(e->st, (struct in_addr){ htonl(ip) });
}

/* One datagram to @ip: true when it left as IPv4 to @mac, no ARP. */
static bool t_leaves_to(struct t_env *e, struct cse_sock *s, uint32_t ip,
			const uint8_t *mac)
{
	const uint8_t *f;
	unsigned int len;

	t_skip_all(e);
	if (t_send(s, ip, 7, "x", 1) != 1)
		return false;
	f = t_next(e, &len);
	return f && t_ethertype(f) == 0x0800 && !memcmp(f, mac, 6) &&
	       !t_pending(e);
}

static int t_state(struct t_env *e, uint32_t ip)
{
	struct cse_neigh *n = cse_neigh_find(e->st, ip);

	return n ? (int)n->state : -1;
}

TEST_F(seed, reachable_neighbour_takes_the_first_packet_without_arp)
{
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_REACHABLE, 0));
	ASSERT_TRUE(t_leaves_to(&self->e, self->s, T_PEER_IP, t_peer_mac));
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->arp_requests_tx);
	ASSERT_EQ(CSE_NUD_REACHABLE, t_state(&self->e, T_PEER_IP));
}

TEST_F(seed, reachable_lasts_for_what_is_left_of_the_reachable_time)
{
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_REACHABLE, 10 * T_SEC));
	t_advance(&self->e, 20 * T_SEC - 1);
	ASSERT_EQ(CSE_NUD_REACHABLE, t_state(&self->e, T_PEER_IP));
	t_advance(&self->e, 1);
	ASSERT_EQ(CSE_NUD_STALE, t_state(&self->e, T_PEER_IP));
}

TEST_F(seed, reachable_confirmed_too_long_ago_is_stale)
{
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_REACHABLE, 31 * T_SEC));
	ASSERT_EQ(CSE_NUD_STALE, t_state(&self->e, T_PEER_IP));
}

TEST_F(seed, stale_neighbour_is_used_then_probed_by_unicast)
{
	const uint8_t *f;
	unsigned int len;

	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_STALE, 0));
	ASSERT_TRUE(t_leaves_to(&self->e, self->s, T_PEER_IP, t_peer_mac));
	ASSERT_EQ(CSE_NUD_DELAY, t_state(&self->e, T_PEER_IP));
	t_advance(&self->e, 5 * T_SEC);
	ASSERT_EQ(CSE_NUD_PROBE, t_state(&self->e, T_PEER_IP));
	f = t_next(&self->e, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, t_arp_op(f));
	ASSERT_EQ(0, memcmp(f, t_peer_mac, 6));
}

TEST_F(seed, permanent_entry_never_ages_nor_arps_nor_learns)
{
	uint8_t f[64];
	unsigned int n;

	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_PERMANENT, 0));
	t_advance(&self->e, 3600 * T_SEC);
	ASSERT_TRUE(t_leaves_to(&self->e, self->s, T_PEER_IP, t_peer_mac));
	t_advance(&self->e, 3600 * T_SEC);
	ASSERT_EQ(CSE_NUD_PERMANENT, t_state(&self->e, T_PEER_IP));
	/* A reply claiming another MAC: Linux leaves a static entry be. */
	n = t_eth(f, t_our_mac, t_new_mac, 0x0806);
	n += t_arp(f + n, 2, t_new_mac, T_PEER_IP, t_our_mac, T_OUR_IP);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(0, memcmp(cse_neigh_find(self->e.st, T_PEER_IP)->mac,
			    t_peer_mac, 6));
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->arp_requests_tx);
}

TEST_F(seed, permanent_entry_is_never_evicted)
{
	uint32_t ip;

	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_PERMANENT, 0));
	for (ip = 10; ip < 20; ip++) {
		t_advance(&self->e, T_SEC);
		t_learn(&self->e, 0x0a000000u + ip, t_new_mac);
	}
	ASSERT_EQ(4u, cse_neigh_count(self->e.st));
	ASSERT_EQ(CSE_NUD_PERMANENT, t_state(&self->e, T_PEER_IP));
}

TEST_F(seed, seeding_releases_packets_waiting_for_resolution)
{
	const uint8_t *f;
	unsigned int len;

	ASSERT_EQ(1, t_send(self->s, T_PEER_IP, 7, "x", 1));
	ASSERT_EQ(CSE_NUD_INCOMPLETE, t_state(&self->e, T_PEER_IP));
	t_skip_all(&self->e);
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_STALE, 0));
	f = t_next(&self->e, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0x0800, t_ethertype(f));
	ASSERT_EQ(0, memcmp(f, t_peer_mac, 6));
	ASSERT_EQ(CSE_NUD_STALE, t_state(&self->e, T_PEER_IP));
}

TEST_F(seed, bad_addresses_and_states_are_refused)
{
	static const uint8_t group[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	static const uint8_t zero[6];
	struct t_env *e = &self->e;

	ASSERT_EQ(-EINVAL, t_seed(e, T_OUR_IP, t_peer_mac,
				  CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(-EINVAL, t_seed(e, T_BCAST_IP, t_peer_mac,
				  CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(-EINVAL, t_seed(e, 0xe0000001u, t_peer_mac,
				  CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(-EINVAL, t_seed(e, 0, t_peer_mac, CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(-EINVAL, t_seed(e, T_PEER_IP, group,
				  CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(-EINVAL, t_seed(e, T_PEER_IP, zero,
				  CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(-EINVAL, t_seed(e, T_PEER_IP, t_peer_mac,
				  (enum cse_neigh_host_state)7, 0));
	ASSERT_EQ(0u, cse_neigh_count(e->st));
}

TEST_F(seed, host_hearsay_neither_demotes_nor_outlives_our_confirmation)
{
	uint8_t f[64];
	unsigned int n = t_eth(f, t_our_mac, t_peer_mac, 0x0806);

	/* Resolve it ourselves: a reply confirms (REACHABLE, not seeded). */
	ASSERT_EQ(1, t_send(self->s, T_PEER_IP, 7, "x", 1));
	n += t_arp(f + n, 2, t_peer_mac, T_PEER_IP, t_our_mac, T_OUR_IP);
	cse_stack_input(self->e.st, f, n);
	ASSERT_EQ(CSE_NUD_REACHABLE, t_state(&self->e, T_PEER_IP));
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(CSE_NUD_REACHABLE, t_state(&self->e, T_PEER_IP));
	/* An older confirmation of the host's does not shorten ours. */
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_REACHABLE, 20 * T_SEC));
	t_advance(&self->e, 29 * T_SEC);
	ASSERT_EQ(CSE_NUD_REACHABLE, t_state(&self->e, T_PEER_IP));
	/* The host failing it: we know better. */
	ASSERT_EQ(-EBUSY, t_unseed(&self->e, T_PEER_IP));
}

TEST_F(seed, new_address_from_the_host_replaces_ours_as_stale)
{
	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_new_mac,
			    CSE_NEIGH_HOST_STALE, 0));
	ASSERT_EQ(CSE_NUD_STALE, t_state(&self->e, T_PEER_IP));
	ASSERT_TRUE(t_leaves_to(&self->e, self->s, T_PEER_IP, t_new_mac));
}

TEST_F(seed, failed_or_deleted_host_entry_drops_a_seeded_one)
{
	ASSERT_EQ(-ESRCH, t_unseed(&self->e, T_PEER_IP));
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_REACHABLE, 0));
	ASSERT_EQ(0, t_unseed(&self->e, T_PEER_IP));
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
	/* A STALE entry the stack heard itself has nothing better either. */
	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(0, t_unseed(&self->e, T_PEER_IP));
}

TEST_F(seed, resolving_entry_keeps_its_waiting_packets)
{
	ASSERT_EQ(1, t_send(self->s, T_PEER_IP, 7, "x", 1));
	ASSERT_EQ(-EBUSY, t_unseed(&self->e, T_PEER_IP));
	ASSERT_EQ(1u, cse_neigh_waiting(self->e.st));
}

TEST_F(seed, full_reread_drops_permanent_entries_only)
{
	ASSERT_EQ(0, t_seed(&self->e, T_PEER_IP, t_peer_mac,
			    CSE_NEIGH_HOST_PERMANENT, 0));
	ASSERT_EQ(0, t_seed(&self->e, T_GW_IP, t_gw_mac,
			    CSE_NEIGH_HOST_STALE, 0));
	cse_neigh_unseed_permanent(self->e.st);
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
	ASSERT_EQ(CSE_NUD_STALE, t_state(&self->e, T_GW_IP));
}

TEST_HARNESS_MAIN

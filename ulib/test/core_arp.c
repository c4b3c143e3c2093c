// SPDX-License-Identifier: GPL-2.0
/* ARP and the neighbour cache, on a capture link and a fake clock. */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "core/neigh.h"

FIXTURE(arp) {
	struct t_env e;
};

FIXTURE_SETUP(arp)
{
	t_env_config(&self->e);
	self->e.cfg.arp_max_entries = 4;
	self->e.cfg.arp_queue_bytes = 4096;
	ASSERT_EQ(0, t_env_start(&self->e));
}

FIXTURE_TEARDOWN(arp)
{
	t_env_fini(&self->e);
}

/* Inject an ARP packet with the given fields from @sha. */
static void t_arp_in(struct t_env *e, uint16_t op, const uint8_t *sha,
		     uint32_t sip, uint32_t tip)
{
	uint8_t f[64];
	unsigned int n = t_eth(f, op == 1 ? t_bcast_mac : t_our_mac, sha,
			       0x0806);

	n += t_arp(f + n, op, sha, sip, op == 1 ? t_bcast_mac : t_our_mac,
		   tip);
	cse_stack_input(e->st, f, n);
}

TEST_F(arp, request_for_our_address_is_answered_with_a_reply)
{
	const uint8_t *f;
	unsigned int len;

	t_arp_in(&self->e, 1, t_peer_mac, T_PEER_IP, T_OUR_IP);
	ASSERT_EQ(1u, t_pending(&self->e));
	f = t_next(&self->e, &len);
	ASSERT_EQ(42u, len);
	ASSERT_EQ(0, memcmp(f, t_peer_mac, 6));
	ASSERT_EQ(0, memcmp(f + 6, t_our_mac, 6));
	ASSERT_EQ(0x0806, t_ethertype(f));
	ASSERT_EQ(2, t_arp_op(f));
	ASSERT_EQ(0, memcmp(f + 14 + 8, t_our_mac, 6));
	ASSERT_EQ(T_OUR_IP, cse_get32(f + 14 + 14));
	ASSERT_EQ(0, memcmp(f + 14 + 18, t_peer_mac, 6));
	ASSERT_EQ(T_PEER_IP, t_arp_tpa(f));
}

TEST_F(arp, request_for_another_address_is_ignored)
{
	t_arp_in(&self->e, 1, t_peer_mac, T_PEER_IP, 0x0a000063);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
}

TEST_F(arp, request_for_us_leaves_its_sender_stale_in_the_cache)
{
	struct cse_neigh *n;

	t_arp_in(&self->e, 1, t_peer_mac, T_PEER_IP, T_OUR_IP);
	n = cse_neigh_find(self->e.st, T_PEER_IP);
	ASSERT_NE(NULL, n);
	ASSERT_EQ(CSE_NUD_STALE, (int)n->state);
	ASSERT_EQ(0, memcmp(n->mac, t_peer_mac, 6));
}

TEST_F(arp, unsolicited_reply_creates_no_entry)
{
	t_arp_in(&self->e, 2, t_peer_mac, T_PEER_IP, T_OUR_IP);
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(arp, malformed_packets_are_dropped_and_counted)
{
	/* offset into the ARP packet, value, or truncation when off < 0 */
	static const struct { int off; uint8_t val; } bad[] = {
		{ -1, 0 },	/* 27 bytes */
		{ 1, 6 },	/* hardware type 6 */
		{ 2, 0x86 },	/* protocol 0x86xx */
		{ 4, 8 },	/* hardware length 8 */
		{ 5, 16 },	/* protocol length 16 */
		{ 7, 3 },	/* opcode 3 */
		{ 8, 0x01 },	/* group bit in the sender's MAC */
	};
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(bad); i++) {
		uint8_t f[64];
		unsigned int n = t_eth(f, t_bcast_mac, t_peer_mac, 0x0806);

		n += t_arp(f + n, 1, t_peer_mac, T_PEER_IP, t_bcast_mac,
			   T_OUR_IP);
		if (bad[i].off < 0)
			n--;
		else
			f[14 + bad[i].off] = bad[i].val;
		cse_stack_input(self->e.st, f, n);
		ASSERT_EQ(i + 1, cse_stack_stats(self->e.st)->arp_bad);
	}
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(0u, cse_neigh_count(self->e.st));
}

TEST_F(arp, gratuitous_arp_updates_a_known_neighbour_only)
{
	static const uint8_t moved[6] = { 0x02, 0, 0, 0, 0, 0x22 };
	struct cse_neigh *n;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	t_arp_in(&self->e, 1, moved, T_PEER_IP, T_PEER_IP);
	n = cse_neigh_find(self->e.st, T_PEER_IP);
	ASSERT_NE(NULL, n);
	ASSERT_EQ(0, memcmp(n->mac, moved, 6));
	t_arp_in(&self->e, 1, moved, 0x0a000009, 0x0a000009);
	ASSERT_NULL(cse_neigh_find(self->e.st, 0x0a000009));
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(arp, announce_broadcasts_a_request_for_our_own_address)
{
	const uint8_t *f;
	unsigned int len;

	ASSERT_EQ(0, cse_stack_announce(self->e.st));
	f = t_next(&self->e, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, memcmp(f, t_bcast_mac, 6));
	ASSERT_EQ(1, t_arp_op(f));
	ASSERT_EQ(T_OUR_IP, cse_get32(f + 14 + 14));
	ASSERT_EQ(T_OUR_IP, t_arp_tpa(f));
}

TEST_F(arp, another_host_claiming_our_address_is_counted_not_learnt)
{
	t_arp_in(&self->e, 1, t_peer_mac, T_OUR_IP, T_OUR_IP);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->arp_conflict);
	ASSERT_EQ(0u, cse_neigh_count(self->e.st));
}

TEST_F(arp, packet_to_unknown_neighbour_waits_for_the_reply)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	const uint8_t *f;
	unsigned int len;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(3, t_send(s, T_PEER_IP, 7, "abc", 3));
	f = t_next(&self->e, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0x0806, t_ethertype(f));
	ASSERT_EQ(0, memcmp(f, t_bcast_mac, 6));
	ASSERT_EQ(T_PEER_IP, t_arp_tpa(f));
	ASSERT_EQ(0u, t_pending(&self->e));
	t_arp_in(&self->e, 2, t_peer_mac, T_PEER_IP, T_OUR_IP);
	f = t_next(&self->e, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0x0800, t_ethertype(f));
	ASSERT_EQ(0, memcmp(f, t_peer_mac, 6));
	ASSERT_EQ(CSE_NUD_REACHABLE,
		  (int)cse_neigh_find(self->e.st, T_PEER_IP)->state);
}

TEST_F(arp, queued_packets_leave_in_order_after_resolution)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	const uint8_t *f;
	unsigned int len;
	char i;

	for (i = '1'; i <= '3'; i++)
		ASSERT_EQ(1, t_send(s, T_PEER_IP, 7, &i, 1));
	/* still to leave: a process exiting now waits for them */
	ASSERT_EQ(3u, cse_stack_unfinished(self->e.st));
	t_skip_all(&self->e);
	t_arp_in(&self->e, 2, t_peer_mac, T_PEER_IP, T_OUR_IP);
	ASSERT_EQ(0u, cse_stack_unfinished(self->e.st));
	for (i = '1'; i <= '3'; i++) {
		f = t_next(&self->e, &len);
		ASSERT_NE(NULL, f);
		ASSERT_EQ(i, (char)t_l4(f)[8]);
	}
}

TEST_F(arp, resolution_gives_up_after_probes_with_ehostunreach)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	struct sockaddr_in peer = t_sin(T_PEER_IP, 7);
	char buf[4];
	int i;

	ASSERT_EQ(0, cse_connect(s, T_SA(&peer), sizeof(peer)));
	ASSERT_EQ(1, cse_sendto(s, "x", 1, 0, NULL, 0));
	for (i = 1; i < 3; i++) {
		t_advance(&self->e, CSE_NSEC_PER_SEC);
		ASSERT_EQ(i + 1u, cse_stack_stats(self->e.st)->arp_requests_tx);
	}
	ASSERT_EQ(0u, cse_poll(s) & CSE_POLLERR);
	t_advance(&self->e, CSE_NSEC_PER_SEC);
	ASSERT_EQ(3u, cse_stack_stats(self->e.st)->arp_requests_tx);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->arp_failed);
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
	ASSERT_TRUE(!!(cse_poll(s) & CSE_POLLERR));
	ASSERT_EQ(-EHOSTUNREACH, cse_recvfrom(s, buf, sizeof(buf), 0, NULL,
					      NULL, NULL));
	/* Reported once, as Linux's sk_err. */
	ASSERT_EQ(-EAGAIN, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL,
					NULL));
}

TEST_F(arp, failure_after_the_socket_closed_touches_nothing)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);

	ASSERT_EQ(1, t_send(s, T_PEER_IP, 7, "x", 1));
	cse_close(s);
	t_advance(&self->e, 5 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->arp_failed);
	ASSERT_EQ(0u, cse_stack_mem_used(self->e.st));
}

TEST_F(arp, waiting_queue_is_bounded_and_drops_the_oldest)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	struct cse_neigh *n;
	char buf[1000];
	int i;

	for (i = 0; i < 10; i++) {
		memset(buf, 'a' + i, sizeof(buf));
		ASSERT_EQ((ssize_t)sizeof(buf), t_send(s, T_PEER_IP, 7, buf,
					      sizeof(buf)));
	}
	n = cse_neigh_find(self->e.st, T_PEER_IP);
	ASSERT_LE(n->queue.bytes, 4096u);
	ASSERT_GT(n->queue.count, 0u);
	ASSERT_EQ(10 - n->queue.count,
		  cse_stack_stats(self->e.st)->arp_queue_drop);
	t_skip_all(&self->e);
	t_arp_in(&self->e, 2, t_peer_mac, T_PEER_IP, T_OUR_IP);
	ASSERT_EQ(0u, n->queue.count);
	/* The last frame out is the newest datagram. */
	ASSERT_EQ('j', self->e.cap.frame[(self->e.cap.n - 1) % T_CAP_FRAMES]
				       [14 + 20 + 8]);
}

TEST_F(arp, reachable_entry_goes_stale_and_is_probed_after_use)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	struct cse_neigh *n;
	const uint8_t *f;
	unsigned int len;

	ASSERT_EQ(1, t_send(s, T_PEER_IP, 7, "x", 1));
	t_arp_in(&self->e, 2, t_peer_mac, T_PEER_IP, T_OUR_IP);
	t_skip_all(&self->e);
	n = cse_neigh_find(self->e.st, T_PEER_IP);
	t_advance(&self->e, 30 * CSE_NSEC_PER_SEC - 1);
	ASSERT_EQ(CSE_NUD_REACHABLE, (int)n->state);
	t_advance(&self->e, 1);
	ASSERT_EQ(CSE_NUD_STALE, (int)n->state);
	/* A stale entry still carries data at once... */
	ASSERT_EQ(1, t_send(s, T_PEER_IP, 7, "y", 1));
	ASSERT_EQ(CSE_NUD_DELAY, (int)n->state);
	f = t_next(&self->e, &len);
	ASSERT_EQ(0x0800, t_ethertype(f));
	ASSERT_EQ(0u, t_pending(&self->e));
	/* ...and is probed, unicast, once the delay passes unconfirmed. */
	t_advance(&self->e, 5 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_NUD_PROBE, (int)n->state);
	f = t_next(&self->e, &len);
	ASSERT_EQ(0x0806, t_ethertype(f));
	ASSERT_EQ(0, memcmp(f, t_peer_mac, 6));
}

TEST_F(arp, probe_without_answer_removes_the_entry)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(1, t_send(s, T_PEER_IP, 7, "x", 1));
	t_advance(&self->e, 5 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_NUD_PROBE,
		  (int)cse_neigh_find(self->e.st, T_PEER_IP)->state);
	t_advance(&self->e, 3 * CSE_NSEC_PER_SEC);
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
}

TEST_F(arp, confirmation_during_delay_cancels_the_probe)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(1, t_send(s, T_PEER_IP, 7, "x", 1));
	t_arp_in(&self->e, 2, t_peer_mac, T_PEER_IP, T_OUR_IP);
	t_skip_all(&self->e);
	t_advance(&self->e, 10 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(CSE_NUD_REACHABLE,
		  (int)cse_neigh_find(self->e.st, T_PEER_IP)->state);
	ASSERT_EQ(0u, t_pending(&self->e));
}

TEST_F(arp, unused_stale_entry_is_collected)
{
	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	t_advance(&self->e, 60 * CSE_NSEC_PER_SEC - 1);
	ASSERT_NE(NULL, cse_neigh_find(self->e.st, T_PEER_IP));
	t_advance(&self->e, 1);
	ASSERT_NULL(cse_neigh_find(self->e.st, T_PEER_IP));
	ASSERT_EQ(0u, cse_stack_mem_used(self->e.st));
}

TEST_F(arp, cache_is_bounded_and_evicts_the_least_recently_used)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 1, 0 };
	uint32_t i;

	for (i = 0; i < 6; i++) {
		mac[5] = i;
		t_learn(&self->e, 0x0a000010 + i, mac);
		t_advance(&self->e, CSE_NSEC_PER_SEC);
	}
	ASSERT_EQ(4u, cse_neigh_count(self->e.st));
	ASSERT_NULL(cse_neigh_find(self->e.st, 0x0a000010));
	ASSERT_NULL(cse_neigh_find(self->e.st, 0x0a000011));
	ASSERT_NE(NULL, cse_neigh_find(self->e.st, 0x0a000015));
}

TEST_F(arp, cache_full_of_unresolved_entries_refuses_new_ones)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	uint32_t i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, t_send(s, 0x0a000010 + i, 7, "x", 1));
	ASSERT_EQ(-ENOBUFS, t_send(s, 0x0a000020, 7, "x", 1));
	ASSERT_EQ(1u, cse_stack_stats(self->e.st)->arp_table_full);
	ASSERT_EQ(4u, cse_neigh_count(self->e.st));
}

TEST_F(arp, off_subnet_destination_resolves_the_gateway)
{
	struct cse_sock *s = t_udp_sock(&self->e, 5000);
	const uint8_t *f;
	unsigned int len;

	ASSERT_EQ(1, t_send(s, T_FAR_IP, 7, "x", 1));
	f = t_next(&self->e, &len);
	ASSERT_EQ(T_GW_IP, t_arp_tpa(f));
	t_arp_in(&self->e, 2, t_gw_mac, T_GW_IP, T_OUR_IP);
	f = t_next(&self->e, &len);
	ASSERT_EQ(0, memcmp(f, t_gw_mac, 6));
	ASSERT_EQ(T_FAR_IP, cse_get32(t_ip_hdr(f) + 16));
}

TEST_HARNESS_MAIN

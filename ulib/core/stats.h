/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-instance counters. Every frame the stack drops is counted under a name
 * that says why; the list is an X-macro so tools can print it by name.
 */
#ifndef CSE_CORE_STATS_H
#define CSE_CORE_STATS_H

#include <stdint.h>

#define CSE_STATS(X)							\
	X(eth_rx)		/* frames handed to the stack */	\
	X(eth_tx)		/* frames the link accepted */		\
	X(eth_tx_err)		/* frames the link refused */		\
	X(eth_short)		/* shorter than an Ethernet header */	\
	X(eth_too_long)		/* longer than the link's MTU allows */	\
	X(eth_not_ours)		/* unicast to another MAC */		\
	X(eth_bad_type)		/* EtherType we do not speak */	\
	X(arp_rx)							\
	X(arp_bad)		/* malformed or unsupported ARP */	\
	X(arp_conflict)		/* someone else claims our address */	\
	X(arp_requests_tx)						\
	X(arp_replies_tx)						\
	X(arp_queue_drop)	/* evicted from an unresolved queue */	\
	X(arp_failed)		/* resolutions that gave up */		\
	X(arp_table_full)	/* no entry could be made */		\
	X(ip_rx)							\
	X(ip_bad_hdr)		/* version, length or options */	\
	X(ip_bad_csum)							\
	X(ip_frag_rx)		/* fragments taken to reassembly */	\
	X(ip_reasm_ok)		/* datagrams reassembled */		\
	X(ip_frag_dup)		/* fragment already held: dropped */	\
	X(ip_frag_overlap)	/* datagrams dropped: overlap (5722) */	\
	X(ip_frag_bad)		/* datagrams dropped: ends disagree */	\
	X(ip_frag_oversize)	/* datagrams dropped: over 65535 */	\
	X(ip_frag_timeout)	/* datagrams not whole in ipfrag_time */ \
	X(ip_frag_mem)		/* fragments over ipfrag_high_thresh */	\
	X(ip_frag_ok)		/* datagrams we sent fragmented */	\
	X(ip_frag_tx)		/* fragments we made */			\
	X(ip_frag_fail)		/* datagrams we could not fragment */	\
	X(ip_not_ours)		/* not addressed to this instance */	\
	X(ip_martian)		/* impossible source address */		\
	X(ip_bad_proto)		/* no handler for the protocol */	\
	X(ip_no_route)							\
	X(icmp_rx)							\
	X(icmp_bad)		/* short or bad checksum */		\
	X(icmp_echo_tx)							\
	X(icmp_unreach_tx)						\
	X(icmp_timxceed_tx)	/* reassembly timed out (RFC 792) */	\
	X(icmp_rate_limited)						\
	X(icmp_err_rx)		/* errors matched to a protocol */	\
	X(icmp_ignored)		/* types we do not act on */		\
	X(udp_rx)		/* datagrams queued to sockets */	\
	X(udp_tx)							\
	X(udp_bad)		/* short or bad length */		\
	X(udp_bad_csum)							\
	X(udp_no_port)							\
	X(udp_rcvbuf_drop)	/* socket receive bound reached */	\
	X(tcp_rx)		/* valid segments */			\
	X(tcp_tx)							\
	X(tcp_bad)		/* short, bad offset or options */	\
	X(tcp_bad_csum)							\
	X(tcp_rst_tx)							\
	X(tcp_retransmits)						\
	X(tcp_rto)		/* retransmission timeouts on data */	\
	X(tcp_recoveries)	/* fast recoveries (a window cut) */	\
	X(tcp_rack_lost)	/* segments RACK marked lost */		\
	X(tcp_tlp_probes)	/* tail loss probes sent */		\
	X(tcp_tlp_recovered)	/* probes that repaired a tail loss */	\
	X(tcp_dsack_rx)		/* D-SACK blocks received */		\
	X(tcp_pmtu_shrink)	/* MSS cut by fragmentation needed */	\
	X(tcp_ecn_ce)		/* data segments that came CE-marked */	\
	X(tcp_ecn_reduce)	/* windows cut for an ECN-Echo */	\
	X(tcp_ooo_queued)	/* out of order, kept for later */	\
	X(tcp_ooo_drop)		/* out of order, no room to keep */	\
	X(tcp_syn_drop)		/* listener's queues full */		\
	X(tcp_cookie_sent)	/* SYN queue full: a cookie answered */	\
	X(tcp_cookie_ok)	/* connections a cookie brought */	\
	X(tcp_cookie_bad)	/* ACKs with a cookie that failed */	\
	X(tcp_challenge_ack)	/* RFC 5961 */				\
	X(tcp_oow_rate_limited)	/* invalid segments left unanswered */	\
	X(tcp_paws_drop)	/* old timestamps (RFC 7323 5) */	\
	X(tcp_expect_drop)	/* for a connection not yet imported */ \
	X(tcp_moved_drop)	/* for a connection moved away */	\
	X(mem_drop)		/* instance memory bound reached */

struct cse_stats {
#define CSE_STAT_FIELD(name) uint64_t name;
	CSE_STATS(CSE_STAT_FIELD)
#undef CSE_STAT_FIELD
};

#endif /* CSE_CORE_STATS_H */

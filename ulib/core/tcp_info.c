// SPDX-License-Identifier: GPL-2.0
/*
 * getsockopt(TCP_INFO) and TCP_MAXSEG as Linux answers them (tcp_get_info(),
 * do_tcp_getsockopt()): tools read them (iperf3 its MSS and retransmits, ss
 * and monitoring their RTT and window), so the fields the stack keeps are
 * filled in Linux's units: microseconds, segments, bytes.
 */
#include <netinet/tcp.h>
#include <string.h>

#include "priv.h"
#include "tcp.h"

/* Linux's TCP state numbers (include/net/tcp_states.h), as ss shows them. */
int cse_tcp_linux_state(enum cse_tcp_state st)
{
	static const unsigned char map[] = {
		[CSE_TCP_CLOSED] = TCP_CLOSE,
		[CSE_TCP_LISTEN] = TCP_LISTEN,
		[CSE_TCP_SYN_SENT] = TCP_SYN_SENT,
		[CSE_TCP_SYN_RECEIVED] = TCP_SYN_RECV,
		[CSE_TCP_ESTABLISHED] = TCP_ESTABLISHED,
		[CSE_TCP_FIN_WAIT_1] = TCP_FIN_WAIT1,
		[CSE_TCP_FIN_WAIT_2] = TCP_FIN_WAIT2,
		[CSE_TCP_CLOSE_WAIT] = TCP_CLOSE_WAIT,
		[CSE_TCP_CLOSING] = TCP_CLOSING,
		[CSE_TCP_LAST_ACK] = TCP_LAST_ACK,
		[CSE_TCP_TIME_WAIT] = TCP_TIME_WAIT,
	};

	return map[st];
}

uint32_t cse_ns_to_us(uint64_t ns)
{
	uint64_t us = ns / 1000;

	return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* TCP_MAXSEG: the MSS in use once connected, else Linux's default 536. */
int cse_tcp_maxseg(const struct cse_tcp_sock *tp)
{
	if (tp->state == CSE_TCP_CLOSED || tp->state == CSE_TCP_LISTEN ||
	    tp->state == CSE_TCP_SYN_SENT)
		return 536;
	return tp->mss;
}

void cse_tcp_info(const struct cse_tcp_sock *tp, struct tcp_info *ti)
{
	uint32_t mss = tp->mss ? tp->mss : 536;

	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = (uint8_t)cse_tcp_linux_state(tp->state);
	ti->tcpi_ca_state = tp->in_recovery ? 3 : 0;	/* TCP_CA_Recovery */
	ti->tcpi_retransmits = (uint8_t)tp->retries;
	ti->tcpi_backoff = (uint8_t)tp->retries;
	if (tp->ts_on)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->sack_ok)
		ti->tcpi_options |= TCPI_OPT_SACK;
	if (tp->wscale_ok) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_snd_wscale = tp->snd_wscale & 0xf;
		ti->tcpi_rcv_wscale = tp->rcv_wscale & 0xf;
	}
	if (tp->ecn_ok)
		ti->tcpi_options |= TCPI_OPT_ECN;
	ti->tcpi_rto = cse_ns_to_us(tp->rto);
	ti->tcpi_snd_mss = mss;
	ti->tcpi_rcv_mss = mss;
	ti->tcpi_advmss = mss;
	ti->tcpi_unacked = (tp->snd_max - tp->snd_una + mss - 1) / mss;
	ti->tcpi_pmtu = tp->sk.st->mtu;
	ti->tcpi_rtt = cse_ns_to_us(tp->srtt);
	ti->tcpi_rttvar = cse_ns_to_us(tp->rttvar);
	ti->tcpi_snd_ssthresh = tp->ssthresh / mss;
	ti->tcpi_snd_cwnd = tp->cwnd / mss;
	ti->tcpi_rcv_rtt = cse_ns_to_us(tp->rcv_rtt);
	ti->tcpi_rcv_space = tp->sk.rcvbuf;
	ti->tcpi_total_retrans = tp->total_retrans;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A socket described for tools (core/sock_diag.h), on a scripted wire: the
 * state numbers, addresses and queues ss(8) would show for the kernel's
 * socket in the same place.
 */
#include <netinet/tcp.h>

#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"
#include "core/sock_diag.h"

FIXTURE(diag) {
	struct t_env e;
};

FIXTURE_SETUP(diag)
{
	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
}

FIXTURE_TEARDOWN(diag)
{
	t_env_fini(&self->e);
}

TEST_F(diag, listener_and_its_connection)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80), *c;
	struct t_seg in = { 0 }, out;
	struct cse_sock_diag d;
	char data[100] = { 0 };
	uint32_t iss;

	ASSERT_NE(NULL, l);
	cse_sock_diag(l, &d);
	EXPECT_EQ(IPPROTO_TCP, d.protocol);
	EXPECT_EQ(TCP_LISTEN, d.state);
	EXPECT_EQ(0u, d.laddr);
	EXPECT_EQ(80, d.lport);
	EXPECT_EQ(0u, d.raddr);
	EXPECT_EQ(0, d.rport);
	EXPECT_EQ(0u, d.rx_queue);	/* nobody waits for accept() */
	EXPECT_EQ(8u, d.tx_queue);	/* the backlog */

	c = t_tcp_accepted(&self->e, l, 80, &iss);
	ASSERT_NE(NULL, c);
	cse_sock_diag(c, &d);
	EXPECT_EQ(TCP_ESTABLISHED, d.state);
	EXPECT_EQ(T_OUR_IP, d.laddr);
	EXPECT_EQ(80, d.lport);
	EXPECT_EQ(T_PEER_IP, d.raddr);
	EXPECT_EQ(T_PEER_PORT, d.rport);
	EXPECT_EQ(0u, d.rx_queue);
	EXPECT_EQ(0u, d.tx_queue);
	EXPECT_EQ(1460u, d.mss);
	EXPECT_LT(0u, d.cwnd);
	EXPECT_EQ(0u, d.retransmits);

	/* 100 bytes arrive unread; we send 50 the peer has not acked. */
	in.sport = T_PEER_PORT;
	in.dport = 80;
	in.seq = T_PEER_ISS + 1;
	in.ack = iss + 1;
	in.flags = T_ACK | T_PSH;
	in.wnd = 65535;
	in.data = data;
	in.len = sizeof(data);
	t_tcp_in(&self->e, &in);
	t_skip_all(&self->e);
	ASSERT_EQ(50, cse_sendto(c, data, 50, 0, NULL, 0));
	ASSERT_EQ(0, t_tcp_out(&self->e, &out));
	cse_sock_diag(c, &d);
	EXPECT_EQ(100u, d.rx_queue);
	EXPECT_EQ(50u, d.tx_queue);

	/* Acknowledged 10 ms later: an RTT sample of 10 ms. */
	t_advance(&self->e, 10 * CSE_NSEC_PER_MSEC);
	in.seq += sizeof(data);
	in.ack = iss + 1 + 50;
	in.flags = T_ACK;
	in.len = 0;
	t_tcp_in(&self->e, &in);
	cse_sock_diag(c, &d);
	EXPECT_EQ(0u, d.tx_queue);
	EXPECT_EQ(10000u, d.rtt_us);
	EXPECT_LT(0u, d.rttvar_us);

	/* 20 more bytes that the peer never acknowledges: timeouts. */
	t_skip_all(&self->e);
	ASSERT_EQ(20, cse_sendto(c, data, 20, 0, NULL, 0));
	cse_sock_diag(c, &d);
	EXPECT_EQ(20u, d.tx_queue);
	EXPECT_EQ(0u, d.retransmits);
	t_advance(&self->e, 1200 * CSE_NSEC_PER_MSEC);
	cse_sock_diag(c, &d);
	EXPECT_LE(1u, d.retransmits);
	EXPECT_EQ(20u, d.tx_queue);

	/* The peer acks them with its FIN: CLOSE-WAIT; ours: LAST-ACK. */
	in.ack = iss + 1 + 70;
	in.flags = T_ACK | T_FIN;
	in.len = 0;
	t_tcp_in(&self->e, &in);
	cse_sock_diag(c, &d);
	EXPECT_EQ(TCP_CLOSE_WAIT, d.state);
	EXPECT_EQ(0u, d.tx_queue);
	EXPECT_EQ(0u, d.retransmits);
	ASSERT_EQ(0, cse_shutdown(c, SHUT_WR));
	cse_sock_diag(c, &d);
	EXPECT_EQ(TCP_LAST_ACK, d.state);
	cse_close(c);
	cse_close(l);
}

TEST_F(diag, connecting_socket)
{
	struct sockaddr_in dst = t_sin(T_PEER_IP, 443);
	struct cse_sock_diag d;
	struct cse_sock *s;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_STREAM, 0, &s));
	cse_sock_diag(s, &d);
	EXPECT_EQ(TCP_CLOSE, d.state);
	ASSERT_EQ(-EINPROGRESS, cse_connect(s, T_SA(&dst), sizeof(dst)));
	cse_sock_diag(s, &d);
	EXPECT_EQ(TCP_SYN_SENT, d.state);
	EXPECT_EQ(T_PEER_IP, d.raddr);
	EXPECT_EQ(443, d.rport);
	EXPECT_EQ(T_OUR_IP, d.laddr);
	EXPECT_NE(0, d.lport);
	EXPECT_EQ(0u, d.tx_queue);
	EXPECT_EQ(0u, d.retransmits);
	EXPECT_EQ(0u, d.rtt_us);
	t_advance(&self->e, CSE_NSEC_PER_SEC);
	t_advance(&self->e, 2 * CSE_NSEC_PER_SEC);
	cse_sock_diag(s, &d);
	EXPECT_EQ(2u, d.retransmits);
	cse_close(s);
}

TEST_F(diag, udp_socket)
{
	uint8_t f[128], payload[40] = { 0 };
	struct sockaddr_in peer = t_sin(T_PEER_IP, 53);
	struct cse_sock *s = t_udp_sock(&self->e, 5353);
	struct cse_sock_diag d;
	unsigned int n;

	ASSERT_NE(NULL, s);
	cse_sock_diag(s, &d);
	EXPECT_EQ(IPPROTO_UDP, d.protocol);
	EXPECT_EQ(TCP_CLOSE, d.state);
	EXPECT_EQ(5353, d.lport);
	EXPECT_EQ(0u, d.rx_queue);
	n = t_udp_frame(f, T_PEER_IP, T_OUR_IP, 53, 5353, payload,
			sizeof(payload));
	cse_stack_input(self->e.st, f, n);
	cse_sock_diag(s, &d);
	EXPECT_LE(sizeof(payload), d.rx_queue);
	EXPECT_EQ(0u, d.tx_queue);
	EXPECT_EQ(0u, d.mss);
	ASSERT_EQ(0, cse_connect(s, T_SA(&peer), sizeof(peer)));
	cse_sock_diag(s, &d);
	EXPECT_EQ(TCP_ESTABLISHED, d.state);
	EXPECT_EQ(T_PEER_IP, d.raddr);
	EXPECT_EQ(53, d.rport);
	cse_close(s);
}

TEST_HARNESS_MAIN

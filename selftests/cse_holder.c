// SPDX-License-Identifier: GPL-2.0
/*
 * cse_holder: hold one cse.ko instance for a script (selftests/csectl.sh)
 * to look at from outside. Not a test itself.
 *
 *   cse_holder [-n NAME] [-i IFNAME [-s SLOTS] [-t PORT] [-u PORT]
 *              [-c LPORT:RADDR:RPORT] [-k]]
 *
 * Opens /dev/cse, shakes hands (asking for socket files and ports held by
 * its own sockets), and with -i attaches to IFNAME; -s makes the area hold
 * SLOTS socket slots and creates one socket file; -t and -u reserve a TCP
 * or UDP listening port, -c a connected UDP filter from LPORT to
 * RADDR:RPORT, -k a UDP port held by the holder's own socket (bound to an
 * ephemeral port). Without -i it stops after the handshake. -n sets the
 * process name. Then it prints "id N" and waits for a signal to end it
 * (SIGTERM). Exit status 1 with a message on failure.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/prctl.h>

#include "cse_util.h"

static void fail(const char *what)
{
	fprintf(stderr, "cse_holder: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void reserve(int fd, struct cse_port *p, const char *what)
{
	if (ioctl(fd, CSE_IOC_PORT_RESERVE, p))
		fail(what);
}

int main(int argc, char **argv)
{
	struct cse_attach att = { 0 };
	struct cse_hello h = { 0 };
	const char *ifname = NULL;
	int fd, opt, slots = 0, own = 0;
	struct cse_port ports[8];
	int nports = 0;

	memset(ports, 0, sizeof(ports));
	while ((opt = getopt(argc, argv, "n:i:s:t:u:c:k")) != -1) {
		struct cse_port *p = &ports[nports];
		char addr[32];
		int lp, rp;

		switch (opt) {
		case 'n':
			prctl(PR_SET_NAME, optarg);
			break;
		case 'i':
			ifname = optarg;
			break;
		case 's':
			slots = atoi(optarg);
			break;
		case 't':
		case 'u':
			if (nports == 8)
				return 2;
			p->proto = opt == 't' ? IPPROTO_TCP : IPPROTO_UDP;
			p->local_port = htons(atoi(optarg));
			nports++;
			break;
		case 'c':
			if (nports == 8 ||
			    sscanf(optarg, "%d:%31[^:]:%d", &lp, addr, &rp) != 3)
				return 2;
			p->proto = IPPROTO_UDP;
			p->flags = CSE_PORT_CONNECTED;
			p->local_port = htons(lp);
			p->remote_port = htons(rp);
			if (inet_pton(AF_INET, addr, &p->remote_addr) != 1)
				return 2;
			nports++;
			break;
		case 'k':
			own = 1;
			break;
		default:
			fprintf(stderr, "usage: see the comment in cse_holder.c\n");
			return 2;
		}
	}

	fd = cse_open_want(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD, &h);
	if (fd < 0) {
		errno = -fd;
		fail("open and handshake");
	}
	if (ifname) {
		att.ifindex = if_nametoindex(ifname);
		if (!att.ifindex)
			fail(ifname);
		att.rx_entries = 64;
		att.tx_entries = 64;
		att.ev_entries = 16;
		att.frame_size = 2048;
		att.sock_entries = slots;
		if (ioctl(fd, CSE_IOC_ATTACH, &att))
			fail("attach");
		for (int i = 0; i < nports; i++)
			reserve(fd, &ports[i], "reserve");
		if (own) {
			struct sockaddr_in sin = { .sin_family = AF_INET };
			struct cse_port p = { 0 };
			int s = socket(AF_INET, SOCK_DGRAM, 0);

			if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)))
				fail("own socket");
			p.proto = IPPROTO_UDP;
			p.flags = CSE_PORT_SOCKET;
			p.fd = s;
			reserve(fd, &p, "reserve with own socket");
		}
		if (slots) {
			struct cse_socket s = { .backing_fd = -1 };

			if (ioctl(fd, CSE_IOC_SOCKET, &s))
				fail("socket file");
		}
	}
	printf("id %u\n", h.instance_id);
	fflush(stdout);
	for (;;)
		pause();
}

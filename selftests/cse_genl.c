// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "cse" (uapi/linux/cse.h, "Generic netlink"):
 * dumps and lookups of instances, filters and counters against instances
 * the tests create, the "events" group, who sees what (an unprivileged
 * user, a socket handed between users, another network namespace), dumps
 * while instances come and go, and requests the family must refuse.
 * Raw netlink (cse_nl.h), no libnl. Topology: cse_net.h.
 */
#include <grp.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "cse_net.h"
#include "cse_nl.h"

#define NOBODY		65534
#define MAXREC		4096

static struct t_rec recs[MAXREC];

/* The family, or SKIP when the module is not loaded. */
#define T_NEED_FAMILY(nl) do {						\
	int __e;							\
	if (access(CSE_DEV, F_OK))					\
		SKIP(return, CSE_DEV " missing: is cse.ko loaded?");	\
	__e = nl_open(nl);						\
	ASSERT_EQ(0, __e) TH_LOG("resolving \"cse\": %s", strerror(-__e)); \
} while (0)

static const struct t_rec *find(const struct t_rec *r, int n, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (r[i].id == id)
			return &r[i];
	return NULL;
}

static int count_id(const struct t_rec *r, int n, uint32_t id)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += r[i].id == id;
	return c;
}

static uint32_t inst_id(int fd)
{
	struct cse_info info;

	memset(&info, 0, sizeof(info));
	return ioctl(fd, CSE_IOC_GET_INFO, &info) ? 0 : info.instance_id;
}

static uint32_t netns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

/* The id our namespace gave network namespace @name ("ip netns"), or -1. */
static int netns_id(const char *name)
{
	char line[256], want[64];
	int id = -1;
	FILE *f = popen("ip netns list", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s (id: %%d)", name);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, want, &id) == 1)
			break;
	pclose(f);
	return id;
}

/* Drop to nobody for good (supplementary groups included); 0 or -1. */
static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

TEST(family_is_registered)
{
	struct nl nl;

	T_NEED_FAMILY(&nl);
	EXPECT_NE(0, nl.family);
	EXPECT_EQ((uint32_t)CSE_GENL_VERSION, nl.version);
	EXPECT_NE(0U, nl.mcgrp);
	nl_close(&nl);
}

FIXTURE(genl) {
	struct nl nl;
	struct t_net net;
};

FIXTURE_SETUP(genl)
{
	self->nl.fd = -1;
	self->net.up = 0;
	T_NEED_NET();
	T_NEED_FAMILY(&self->nl);
	ASSERT_EQ(0, t_net_up(&self->net));
	prctl(PR_SET_NAME, "genl-test");
}

FIXTURE_TEARDOWN(genl)
{
	nl_close(&self->nl);
	t_net_down(&self->net);
}

/*
 * Every state an instance passes through, as dumps and lookups describe
 * it, with what CSE_IOC_HELLO, CSE_IOC_ATTACH and CSE_IOC_GET_INFO said.
 */
TEST_F(genl, instances_described)
{
	uint32_t ino = netns_ino("/proc/self/ns/net");
	struct cse_attach att;
	const struct t_rec *r;
	int a, b, c, sock, n;
	uint32_t ia, ib, ic;
	struct cse_socket s;

	a = cse_open();
	ASSERT_LE(0, a);
	b = cse_open_want(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD, NULL);
	ASSERT_LE(0, b);
	t_attach_req(&att, self->net.ifindex);
	att.sock_entries = 8;
	c = t_open_want(&att, CSE_FEAT_SOCKETS);
	ASSERT_LE(0, c);
	memset(&s, 0, sizeof(s));
	s.backing_fd = -1;
	ASSERT_EQ(0, cse_ioctl(c, CSE_IOC_SOCKET, &s));
	sock = s.fd;
	ib = inst_id(b);
	ic = inst_id(c);
	ASSERT_NE(0U, ib);
	ASSERT_NE(0U, ic);

	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, 0, recs, MAXREC);
	ASSERT_LE(3, n);
	/* The opened-only instance: no handshake, so no id from an ioctl. */
	ia = 0;
	for (int i = 0; i < n; i++)
		if (recs[i].inst.pid == (uint32_t)getpid() &&
		    recs[i].inst.state == CSE_INST_OPEN)
			ia = recs[i].id;
	ASSERT_NE(0U, ia);
	for (int i = 1; i < n; i++)
		EXPECT_LT(recs[i - 1].id, recs[i].id);

	r = find(recs, n, ia);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CSE_CMD_GET_INSTANCE, r->cmd);
	EXPECT_STREQ("genl-test", r->inst.comm);
	EXPECT_EQ(0U, r->inst.uid);
	EXPECT_EQ(ino, r->inst.netns_ino);
	EXPECT_FALSE(r->inst.has_nsid);
	EXPECT_FALSE(r->inst.has_minor);
	EXPECT_FALSE(r->inst.has_ifindex);
	EXPECT_FALSE(r->inst.has_area);
	EXPECT_EQ(0U, r->inst.filters);

	r = find(recs, n, ib);
	ASSERT_NE(NULL, r);
	EXPECT_EQ((uint32_t)getpid(), r->inst.pid);
	EXPECT_EQ((uint32_t)CSE_INST_HANDSHAKEN, r->inst.state);
	EXPECT_TRUE(r->inst.has_minor);
	EXPECT_EQ((uint32_t)CSE_ABI_MINOR, r->inst.minor);
	EXPECT_EQ(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD, r->inst.features);
	EXPECT_FALSE(r->inst.has_ifindex);
	EXPECT_FALSE(r->inst.has_area);

	r = find(recs, n, ic);
	ASSERT_NE(NULL, r);
	EXPECT_EQ((uint32_t)CSE_INST_ATTACHED, r->inst.state);
	EXPECT_EQ(CSE_FEAT_SOCKETS, r->inst.features);
	EXPECT_EQ((uint32_t)self->net.ifindex, r->inst.ifindex);
	EXPECT_STREQ(self->net.a, r->inst.ifname);
	EXPECT_EQ(att.rx.entries, r->inst.rx);
	EXPECT_EQ(att.tx.entries, r->inst.tx);
	EXPECT_EQ(att.ev.entries, r->inst.ev);
	EXPECT_EQ(att.frame_size, r->inst.frame);
	EXPECT_EQ(att.mmap_size, r->inst.mmap_size);
	EXPECT_EQ(8U, r->inst.sock_entries);
	EXPECT_EQ(1U, r->inst.socks_used);

	/* One by id: the same description. */
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, ic, 0, recs, 1));
	EXPECT_EQ(ic, recs[0].id);
	EXPECT_EQ((uint32_t)CSE_INST_ATTACHED, recs[0].inst.state);
	EXPECT_EQ(att.mmap_size, recs[0].inst.mmap_size);
	EXPECT_STREQ(self->net.a, recs[0].inst.ifname);

	/* A dump for one id, and one for this process. */
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, ib, 0, recs, 4));
	EXPECT_EQ(ib, recs[0].id);
	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, getpid(), recs,
		  MAXREC);
	ASSERT_EQ(3, n);
	EXPECT_EQ(ia, recs[0].id);
	EXPECT_EQ(ib, recs[1].id);
	EXPECT_EQ(ic, recs[2].id);

	/* Its own descriptor closed, a socket file keeps it: dead. */
	close(c);
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, ic, 0, recs, 1));
	EXPECT_EQ((uint32_t)CSE_INST_DEAD, recs[0].inst.state);
	close(sock);
	EXPECT_EQ(-ENOENT, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, ic, 0,
				 recs, 1));
	close(a);
	close(b);
	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, getpid(), recs,
		  MAXREC);
	EXPECT_EQ(0, n);
}

/* Another process's instance: its pid, its name; gone when it exits. */
TEST_F(genl, other_process_by_pid)
{
	int go[2], ready[2], n;
	uint32_t id;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		prctl(PR_SET_NAME, "genl-kid");
		fd = cse_open_ready(NULL);
		id = fd < 0 ? 0 : inst_id(fd);
		if (write(ready[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(id), read(ready[0], &id, sizeof(id)));
	ASSERT_NE(0U, id);
	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, pid, recs, MAXREC);
	ASSERT_EQ(1, n);
	EXPECT_EQ(id, recs[0].id);
	EXPECT_EQ((uint32_t)pid, recs[0].inst.pid);
	EXPECT_STREQ("genl-kid", recs[0].inst.comm);
	/* Not ours: the dump for our own pid leaves it out. */
	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, getpid(), recs,
		  MAXREC);
	EXPECT_EQ(0, count_id(recs, n, id));
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, t_wait(pid));
	EXPECT_EQ(-ENOENT, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, id, 0,
				 recs, 1));
	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, pid, recs, MAXREC);
	EXPECT_EQ(0, n);
}

/* Filters after CSE_IOC_PORT_RESERVE, field by field, and after release. */
TEST_F(genl, filters_dump)
{
	int p1 = t_port(1), p2 = t_port(2), p3 = t_port(3), fd, us, n;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct cse_port tcp, udp, own;
	struct cse_attach att;
	uint32_t id;

	t_attach_req(&att, self->net.ifindex);
	fd = t_open_want(&att, CSE_FEAT_PORT_FD);
	ASSERT_LE(0, fd);
	id = inst_id(fd);

	n = t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, id, 0, recs, MAXREC);
	EXPECT_EQ(0, n);

	t_port_req(&tcp, IPPROTO_TCP, p1);
	ASSERT_LT(0, t_reserve(fd, &tcp));
	t_port_req(&udp, IPPROTO_UDP, p2);
	udp.flags = CSE_PORT_CONNECTED;
	udp.local_addr = t_addr(&self->net, 1);
	udp.remote_addr = t_addr(&self->net, 2);
	udp.remote_port = htons(53);
	ASSERT_LT(0, t_reserve(fd, &udp));
	us = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, us);
	sin.sin_port = htons(p3);
	ASSERT_EQ(0, bind(us, (struct sockaddr *)&sin, sizeof(sin)));
	memset(&own, 0, sizeof(own));
	own.proto = IPPROTO_UDP;
	own.flags = CSE_PORT_SOCKET;
	own.fd = us;
	ASSERT_LT(0, t_reserve(fd, &own));

	n = t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, id, 0, recs, MAXREC);
	ASSERT_EQ(3, n);
	for (int i = 0; i < n; i++) {
		EXPECT_EQ(CSE_CMD_GET_FILTERS, recs[i].cmd);
		EXPECT_EQ(id, recs[i].id);
		EXPECT_TRUE(recs[i].filter.has);
		EXPECT_EQ(1, recs[i].filter.active);
	}
	EXPECT_EQ(tcp.id, recs[0].filter.id);
	EXPECT_EQ(IPPROTO_TCP, recs[0].filter.proto);
	EXPECT_EQ(0U, recs[0].filter.flags);
	EXPECT_EQ(0U, recs[0].filter.laddr);
	EXPECT_EQ(htons(p1), recs[0].filter.lport);
	EXPECT_FALSE(recs[0].filter.has_remote);

	EXPECT_EQ(udp.id, recs[1].filter.id);
	EXPECT_EQ(IPPROTO_UDP, recs[1].filter.proto);
	EXPECT_EQ(CSE_PORT_CONNECTED, recs[1].filter.flags);
	EXPECT_EQ(t_addr(&self->net, 1), recs[1].filter.laddr);
	EXPECT_EQ(htons(p2), recs[1].filter.lport);
	EXPECT_TRUE(recs[1].filter.has_remote);
	EXPECT_EQ(t_addr(&self->net, 2), recs[1].filter.raddr);
	EXPECT_EQ(htons(53), recs[1].filter.rport);

	EXPECT_EQ(own.id, recs[2].filter.id);
	EXPECT_EQ(CSE_PORT_SOCKET, recs[2].filter.flags);
	EXPECT_EQ(htons(p3), recs[2].filter.lport);

	/* The instance counts them; the dump of everything has them too. */
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, id, 0, recs, 1));
	EXPECT_EQ(3U, recs[0].inst.filters);
	n = t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, 0, 0, recs, MAXREC);
	EXPECT_EQ(3, count_id(recs, n, id));

	/* The caller's socket moves (connect sets its address): inactive. */
	sin = t_sin(&self->net, 2, 9);
	ASSERT_EQ(0, connect(us, (struct sockaddr *)&sin, sizeof(sin)));
	n = t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, id, 0, recs, MAXREC);
	ASSERT_EQ(3, n);
	EXPECT_EQ(own.id, recs[2].filter.id);
	EXPECT_EQ(0, recs[2].filter.active);
	EXPECT_EQ(1, recs[0].filter.active);

	ASSERT_EQ(0, t_release(fd, tcp.id));
	n = t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, id, 0, recs, MAXREC);
	ASSERT_EQ(2, n);
	EXPECT_EQ(udp.id, recs[0].filter.id);
	EXPECT_EQ(own.id, recs[1].filter.id);

	close(us);
	close(fd);
	EXPECT_EQ(-ENOENT, t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, id, 0,
				 recs, MAXREC));
}

/* Counters after traffic are those CSE_IOC_GET_STATS reports. */
TEST_F(genl, stats_after_traffic)
{
	struct cse_stats before, after;
	int port = t_port(4), fd, n;
	struct cse_attach att;
	struct cse_port p;
	uint32_t id;
	char msg[100] = "genl";

	fd = t_open_attached(self->net.ifindex, &att);
	ASSERT_LE(0, fd);
	id = inst_id(fd);
	t_port_req(&p, IPPROTO_UDP, port);
	ASSERT_LT(0, t_reserve(fd, &p));
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, msg, sizeof(msg)));
	for (int i = 0; i < 200 && t_stats(fd).rx_frames < 5; i++)
		usleep(10000);

	before = t_stats(fd);
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_STATS, 0, id, 0, recs, 1));
	after = t_stats(fd);
	EXPECT_EQ(CSE_CMD_GET_STATS, recs[0].cmd);
	EXPECT_EQ(id, recs[0].id);
	ASSERT_TRUE(recs[0].stats.has);
	EXPECT_LE(5ULL, recs[0].stats.v[CSE_STATS_A_RX_FRAMES]);
	EXPECT_LE(5ULL * (14 + 20 + 8 + sizeof(msg)),
		  recs[0].stats.v[CSE_STATS_A_RX_BYTES]);
#define IN_RANGE(attr, field) do {					\
	EXPECT_LE(before.field, recs[0].stats.v[attr]);			\
	EXPECT_GE(after.field, recs[0].stats.v[attr]);			\
} while (0)
	IN_RANGE(CSE_STATS_A_RX_FRAMES, rx_frames);
	IN_RANGE(CSE_STATS_A_RX_BYTES, rx_bytes);
	IN_RANGE(CSE_STATS_A_RX_DROPPED, rx_dropped);
	IN_RANGE(CSE_STATS_A_TX_FRAMES, tx_frames);
	IN_RANGE(CSE_STATS_A_TX_BYTES, tx_bytes);
	IN_RANGE(CSE_STATS_A_TX_REJECTED, tx_rejected);
	IN_RANGE(CSE_STATS_A_TX_ERRORS, tx_errors);
	IN_RANGE(CSE_STATS_A_EV_EVENTS, ev_events);
	IN_RANGE(CSE_STATS_A_EV_DROPPED, ev_dropped);
	IN_RANGE(CSE_STATS_A_RING_ERRORS, ring_errors);
#undef IN_RANGE

	/* The dump has the same, for every instance it shows. */
	n = t_ask(&self->nl, CSE_CMD_GET_STATS, 1, 0, 0, recs, MAXREC);
	ASSERT_LE(1, n);
	ASSERT_EQ(1, count_id(recs, n, id));
	EXPECT_LE(5ULL, find(recs, n, id)->stats.v[CSE_STATS_A_RX_FRAMES]);
	for (int i = 0; i < n; i++)
		EXPECT_TRUE(recs[i].stats.has);
	close(fd);
}

/* The recorded notifications about instance @id, in order. */
static int events_of(const struct t_rec *ev, int n, uint32_t id,
		     struct t_rec *out)
{
	int m = 0;

	for (int i = 0; i < n; i++)
		if (ev[i].id == id)
			out[m++] = ev[i];
	return m;
}

/* The first notification at or after *@from with @cmd (and @type). */
static const struct t_rec *next_ev(const struct t_rec *ev, int n, int *from,
				   uint8_t cmd, uint32_t type)
{
	for (int i = *from; i < n; i++) {
		if (ev[i].cmd != cmd || (type && ev[i].ev.type != type))
			continue;
		*from = i + 1;
		return &ev[i];
	}
	return NULL;
}

static struct t_rec evs[MAXREC], mine[MAXREC];

/* A whole life in the events group, in order. */
TEST_F(genl, events_announce_a_life)
{
	const struct t_rec *e;
	struct cse_attach att;
	int fd, n, m, at = 0;
	struct cse_hello h;
	struct cse_port p;
	uint32_t id;

	ASSERT_EQ(0, nl_join(&self->nl));
	fd = cse_open();
	ASSERT_LE(0, fd);
	cse_hello_req(&h);
	ASSERT_EQ(0, cse_ioctl(fd, CSE_IOC_HELLO, &h));
	id = h.instance_id;
	t_attach_req(&att, self->net.ifindex);
	ASSERT_EQ(0, cse_ioctl(fd, CSE_IOC_ATTACH, &att));
	t_port_req(&p, IPPROTO_TCP, t_port(5));
	ASSERT_LT(0, t_reserve(fd, &p));
	ASSERT_EQ(0, t_release(fd, p.id));
	t_port_req(&p, IPPROTO_UDP, t_port(6));
	ASSERT_LT(0, t_reserve(fd, &p));
	ASSERT_EQ(0, t_ip_batch(NULL, "link set %s mtu 1400\n"
				"addr add 10.78.%d.1/24 dev %s\n"
				"link set %s down\nlink set %s up\n",
				self->net.a, self->net.subnet, self->net.a,
				self->net.a, self->net.a));
	/*
	 * The peer's end goes down: ours loses its carrier, which the kernel
	 * reports from a work item. Wait for it before closing.
	 */
	ASSERT_EQ(0, t_ip_batch(self->net.ns, "link set %s down\n",
				self->net.b));
	n = 0;
	for (int tries = 0; tries < 50; tries++) {
		n += t_events(&self->nl, evs + n, MAXREC - n, 100);
		m = events_of(evs, n, id, mine);
		if (m && mine[m - 1].cmd == CSE_CMD_DEV_EVENT &&
		    mine[m - 1].ev.type == CSE_EV_CARRIER)
			break;
	}
	close(fd);
	n += t_events(&self->nl, evs + n, MAXREC - n, 300);
	m = events_of(evs, n, id, mine);
	ASSERT_LT(0, m);

	e = next_ev(mine, m, &at, CSE_CMD_INST_NEW, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ((uint32_t)getpid(), e->inst.pid);
	EXPECT_EQ(0U, e->inst.uid);
	EXPECT_STREQ("genl-test", e->inst.comm);
	EXPECT_EQ(netns_ino("/proc/self/ns/net"), e->inst.netns_ino);

	e = next_ev(mine, m, &at, CSE_CMD_INST_ATTACH, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ((uint32_t)self->net.ifindex, e->inst.ifindex);
	EXPECT_STREQ(self->net.a, e->inst.ifname);

	e = next_ev(mine, m, &at, CSE_CMD_FILTER_NEW, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(IPPROTO_TCP, e->filter.proto);
	EXPECT_EQ(htons(t_port(5)), e->filter.lport);
	EXPECT_EQ(1, e->filter.active);
	e = next_ev(mine, m, &at, CSE_CMD_FILTER_DEL, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(IPPROTO_TCP, e->filter.proto);
	e = next_ev(mine, m, &at, CSE_CMD_FILTER_NEW, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(IPPROTO_UDP, e->filter.proto);
	EXPECT_EQ(p.id, e->filter.id);

	e = next_ev(mine, m, &at, CSE_CMD_DEV_EVENT, CSE_EV_MTU);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(1400U, e->ev.value);
	EXPECT_EQ((uint32_t)self->net.ifindex, e->ev.ifindex);
	e = next_ev(mine, m, &at, CSE_CMD_DEV_EVENT, CSE_EV_ADDR_ADD);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(htonl(0x0a4e0001 | self->net.subnet << 8), e->ev.value);
	EXPECT_EQ(24U, e->ev.value2);
	e = next_ev(mine, m, &at, CSE_CMD_DEV_EVENT, CSE_EV_DOWN);
	ASSERT_NE(NULL, e);
	e = next_ev(mine, m, &at, CSE_CMD_DEV_EVENT, CSE_EV_UP);
	ASSERT_NE(NULL, e);
	e = next_ev(mine, m, &at, CSE_CMD_DEV_EVENT, CSE_EV_CARRIER);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0U, e->ev.value);

	/* Closing: the filter goes, the device is let go, the instance ends. */
	e = next_ev(mine, m, &at, CSE_CMD_FILTER_DEL, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(p.id, e->filter.id);
	e = next_ev(mine, m, &at, CSE_CMD_INST_DETACH, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ((uint32_t)self->net.ifindex, e->inst.ifindex);
	e = next_ev(mine, m, &at, CSE_CMD_INST_DEL, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(m, at);	/* nothing after the end */
}

/* The device goes away: UNREGISTER, DETACH; the instance stays, detached. */
TEST_F(genl, device_unregister)
{
	const struct t_rec *e;
	struct cse_attach att;
	int fd, n, m, at = 0;
	uint32_t id;

	ASSERT_EQ(0, nl_join(&self->nl));
	fd = t_open_attached(self->net.ifindex, &att);
	ASSERT_LE(0, fd);
	id = inst_id(fd);
	ASSERT_EQ(0, t_ip_batch(NULL, "link del %s\n", self->net.a));

	n = t_events(&self->nl, evs, MAXREC, 300);
	m = events_of(evs, n, id, mine);
	e = next_ev(mine, m, &at, CSE_CMD_DEV_EVENT, CSE_EV_UNREGISTER);
	ASSERT_NE(NULL, e);
	EXPECT_EQ((uint32_t)self->net.ifindex, e->ev.ifindex);
	e = next_ev(mine, m, &at, CSE_CMD_INST_DETACH, 0);
	ASSERT_NE(NULL, e);

	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, id, 0, recs, 1));
	EXPECT_EQ((uint32_t)CSE_INST_DETACHED, recs[0].inst.state);
	EXPECT_EQ((uint32_t)self->net.ifindex, recs[0].inst.ifindex);
	EXPECT_FALSE(recs[0].inst.has_ifname);
	EXPECT_TRUE(recs[0].inst.has_area);
	close(fd);
}

/*
 * An instance of another network namespace: root sees it, with that
 * namespace's inode and the id ours gave it; its notifications stay there.
 */
TEST_F(genl, other_netns)
{
	int go[2], ready[2], n, nsid;
	char path[64];
	uint32_t id;
	pid_t pid;
	char c;

	ASSERT_EQ(0, nl_join(&self->nl));
	/* The veth pair across namespaces gave the peer's an id here. */
	nsid = netns_id(self->net.ns);
	ASSERT_LE(0, nsid);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = cse_open_ready(NULL);

		id = fd < 0 ? 0 : inst_id(fd);
		if (write(ready[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(id), read(ready[0], &id, sizeof(id)));
	ASSERT_NE(0U, id);
	snprintf(path, sizeof(path), "/run/netns/%s", self->net.ns);
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, id, 0, recs, 1));
	EXPECT_EQ(netns_ino(path), recs[0].inst.netns_ino);
	EXPECT_NE(netns_ino("/proc/self/ns/net"), recs[0].inst.netns_ino);
	EXPECT_TRUE(recs[0].inst.has_nsid);
	EXPECT_EQ(nsid, recs[0].inst.nsid);
	EXPECT_EQ((uint32_t)pid, recs[0].inst.pid);
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, t_wait(pid));

	/* Its creation and end were announced in its namespace, not here. */
	n = t_events(&self->nl, evs, MAXREC, 300);
	EXPECT_EQ(0, count_id(evs, n, id));
}

/* What an unprivileged process learns, sent back to the test. */
struct seen {
	int open_err;		/* nl_open() */
	uint32_t own;		/* its own instance's id */
	int own_seen;		/* times its instance was in the dump */
	int root_seen;		/* times root's was */
	int own_get;		/* GET_INSTANCE of its own */
	uint32_t own_uid;
	int root_get;		/* GET_INSTANCE of root's */
	int root_stats;		/* GET_STATS of root's */
	int root_filters;	/* GET_FILTERS dump of root's */
	int all_filters_root;	/* root's filters in the dump of all */
	int own_filters;	/* its own filters in the dump of all */
	int join;		/* joining the events group */
};

static void look_around(struct nl *nl, uint32_t root, struct seen *s)
{
	int n;

	n = t_ask(nl, CSE_CMD_GET_INSTANCE, 1, 0, 0, recs, MAXREC);
	s->own_seen = n < 0 ? n : count_id(recs, n, s->own);
	s->root_seen = n < 0 ? n : count_id(recs, n, root);
	s->own_get = t_ask(nl, CSE_CMD_GET_INSTANCE, 0, s->own, 0, recs, 1);
	s->own_uid = s->own_get == 1 ? recs[0].inst.uid : ~0U;
	s->root_get = t_ask(nl, CSE_CMD_GET_INSTANCE, 0, root, 0, recs, 1);
	s->root_stats = t_ask(nl, CSE_CMD_GET_STATS, 0, root, 0, recs, 1);
	s->root_filters = t_ask(nl, CSE_CMD_GET_FILTERS, 1, root, 0, recs, 1);
	n = t_ask(nl, CSE_CMD_GET_FILTERS, 1, 0, 0, recs, MAXREC);
	s->all_filters_root = n < 0 ? n : count_id(recs, n, root);
	s->own_filters = n < 0 ? n : count_id(recs, n, s->own);
	s->join = nl_join(nl);
}

/* Open an attached instance with one UDP filter; its id, or 0. */
static uint32_t holder(const struct t_net *net, int port, int *fdp)
{
	struct cse_attach att;
	struct cse_port p;
	int fd = t_open_attached(net->ifindex, &att);

	*fdp = fd;
	if (fd < 0)
		return 0;
	t_port_req(&p, IPPROTO_UDP, port);
	if (t_reserve(fd, &p) <= 0)
		return 0;
	return inst_id(fd);
}

/*
 * nobody sees its own instance and not root's: EPERM for root's by id,
 * nothing of root's in dumps, no events group. Root sees nobody's.
 */
TEST_F(genl, unprivileged_sees_only_its_own)
{
	int pipes[2], go[2], rfd, n;
	struct seen s;
	uint32_t root;
	pid_t pid;
	char c;

	root = holder(&self->net, t_port(7), &rfd);
	ASSERT_NE(0U, root);
	ASSERT_EQ(0, pipe(pipes));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl nl;
		int fd;

		memset(&s, 0, sizeof(s));
		if (become_nobody())
			_exit(1);
		s.own = holder(&self->net, t_port(8), &fd);
		s.open_err = nl_open(&nl);
		if (!s.open_err)
			look_around(&nl, root, &s);
		if (write(pipes[1], &s, sizeof(s)) != sizeof(s))
			_exit(2);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(s), read(pipes[0], &s, sizeof(s)));
	ASSERT_EQ(0, s.open_err);
	ASSERT_NE(0U, s.own);
	EXPECT_EQ(1, s.own_seen);
	EXPECT_EQ(0, s.root_seen);
	EXPECT_EQ(1, s.own_get);
	EXPECT_EQ((uint32_t)NOBODY, s.own_uid);
	EXPECT_EQ(-EPERM, s.root_get);
	EXPECT_EQ(-EPERM, s.root_stats);
	EXPECT_EQ(-EPERM, s.root_filters);
	EXPECT_EQ(0, s.all_filters_root);
	EXPECT_EQ(1, s.own_filters);
	EXPECT_EQ(-EPERM, s.join);

	/* Root (CAP_NET_ADMIN) sees nobody's instance, as nobody's. */
	n = t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 1, 0, pid, recs, MAXREC);
	ASSERT_EQ(1, n);
	EXPECT_EQ(s.own, recs[0].id);
	EXPECT_EQ((uint32_t)NOBODY, recs[0].inst.uid);
	n = t_ask(&self->nl, CSE_CMD_GET_FILTERS, 1, s.own, 0, recs, MAXREC);
	EXPECT_EQ(1, n);
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, t_wait(pid));
	close(rfd);
}

/*
 * A socket root opened, used by nobody: it shows only what both may see
 * (nobody's own instance), not root's.
 */
TEST_F(genl, handed_socket_shows_no_more)
{
	int pipes[2], go[2], rfd;
	struct seen s;
	uint32_t root;
	pid_t pid;
	char c;

	root = holder(&self->net, t_port(7), &rfd);
	ASSERT_NE(0U, root);
	ASSERT_EQ(0, pipe(pipes));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		memset(&s, 0, sizeof(s));
		if (become_nobody())
			_exit(1);
		s.own = holder(&self->net, t_port(8), &fd);
		look_around(&self->nl, root, &s);
		if (write(pipes[1], &s, sizeof(s)) != sizeof(s))
			_exit(2);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(s), read(pipes[0], &s, sizeof(s)));
	ASSERT_NE(0U, s.own);
	EXPECT_EQ(1, s.own_seen);
	EXPECT_EQ(0, s.root_seen);
	EXPECT_EQ(-EPERM, s.root_get);
	EXPECT_EQ(-EPERM, s.root_stats);
	EXPECT_EQ(0, s.all_filters_root);
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, t_wait(pid));
	close(rfd);
}

/* The largest instance id in the dump part at @buf, @len bytes. */
static uint32_t part_max(char *buf, ssize_t len)
{
	struct nlmsghdr *h;
	uint32_t max = 0;

	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
	     h = NLMSG_NEXT(h, len)) {
		struct genlmsghdr *g = NLMSG_DATA(h);
		struct t_rec rec;

		if (h->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		t_rec_parse(&rec, g, (char *)g + GENL_HDRLEN,
			    h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
		if (rec.id > max)
			max = rec.id;
	}
	return max;
}

/*
 * A dump read a part at a time while instances close and open between the
 * parts: ids come in ascending order, none twice, every instance that lived
 * throughout appears, none that closed before the dump reached it does.
 *
 * The kernel makes a dump's next part as soon as the reader took the last
 * one, if the socket's receive buffer has room: with a small buffer exactly
 * one part waits, and a peek at it says how far the dump already went.
 */
TEST(dump_survives_churn)
{
	enum { N = 240, NEW = 40 };
	static int fds[N], extra[NEW];
	static uint32_t ids[N];
	static char buf[4096];
	static uint8_t seen[N], gone[N];
	int got = 0, done = 0, closed = 0, parts = 0, rcvbuf = 4096;
	uint32_t last = 0, made;
	struct nl_req r;
	struct nl nl;

	T_NEED_FAMILY(&nl);
	ASSERT_EQ(0, setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	for (int i = 0; i < N; i++) {
		struct cse_hello h = { 0 };

		fds[i] = cse_open_ready(&h);
		ASSERT_LE(0, fds[i]);
		ids[i] = h.instance_id;
	}
	nl_start(&nl, &r, nl.family, CSE_CMD_GET_INSTANCE, CSE_GENL_VERSION,
		 NLM_F_DUMP);
	nl_put_u32(&r, CSE_A_INST_PID, getpid());
	ASSERT_EQ(0, nl_send(&nl, &r));
	while (!done) {
		/* A page-sized buffer: the dump comes in many parts. */
		ssize_t len = recv(nl.fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		ASSERT_LT(0, len);
		parts++;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			struct genlmsghdr *g = NLMSG_DATA(h);
			struct t_rec rec;

			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			ASSERT_NE(NLMSG_ERROR, h->nlmsg_type);
			t_rec_parse(&rec, g, (char *)g + GENL_HDRLEN,
				    h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
			ASSERT_LT(last, rec.id);
			last = rec.id;
			got++;
			for (int i = 0; i < N; i++) {
				if (ids[i] != rec.id)
					continue;
				ASSERT_FALSE(gone[i]) TH_LOG("closed %u seen", rec.id);
				seen[i]++;
			}
		}
		if (parts != 1 || done)
			continue;
		/* The part made already; past it, close every other one. */
		len = recv(nl.fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
		ASSERT_LT(0, len);
		made = part_max(buf, len);
		ASSERT_LT(0U, made);
		for (int i = 0; i < N; i += 2) {
			if (ids[i] > made) {
				close(fds[i]);
				fds[i] = -1;
				gone[i] = 1;
				closed++;
			}
		}
		for (int i = 0; i < NEW; i++) {
			extra[i] = cse_open();
			ASSERT_LE(0, extra[i]);
		}
	}
	EXPECT_LT(2, parts);
	EXPECT_LT(0, closed);
	EXPECT_LE(N - closed, got);
	for (int i = 0; i < N; i++) {
		if (!gone[i])
			EXPECT_EQ(1, seen[i]) TH_LOG("instance %u", ids[i]);
	}
	for (int i = 0; i < N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int i = 0; i < NEW; i++)
		close(extra[i]);
	nl_close(&nl);
}

/* A request with one attribute of @type and @len bytes: its errno. */
static int ask_with(struct nl *nl, uint8_t cmd, uint16_t flags,
		    uint16_t type, const void *data, uint16_t len)
{
	struct nl_req r;

	nl_start(nl, &r, nl->family, cmd, CSE_GENL_VERSION, flags);
	nl_put(&r, type, data, len);
	return t_raw(nl, &r);
}

TEST(bad_requests_refused)
{
	uint32_t zero = 0, big = 0xffffff, one = 1;
	uint16_t shorty = 1;
	struct genlmsghdr *g;
	struct nl_req r;
	struct nl nl;
	int fd;

	T_NEED_FAMILY(&nl);
	fd = cse_open();
	ASSERT_LE(0, fd);

	/* GET_INSTANCE by id: the id is required, a u32, not 0. */
	nl_start(&nl, &r, nl.family, CSE_CMD_GET_INSTANCE, 1, NLM_F_ACK);
	EXPECT_EQ(-EINVAL, t_raw(&nl, &r));
	EXPECT_EQ(-ERANGE, ask_with(&nl, CSE_CMD_GET_INSTANCE, NLM_F_ACK,
				    CSE_A_INST_ID, &zero, 4));
	EXPECT_EQ(-EINVAL, ask_with(&nl, CSE_CMD_GET_INSTANCE, NLM_F_ACK,
				    CSE_A_INST_ID, &shorty, 2));
	EXPECT_EQ(-ENOENT, ask_with(&nl, CSE_CMD_GET_INSTANCE, NLM_F_ACK,
				    CSE_A_INST_ID, &big, 4));
	EXPECT_EQ(-ENOENT, ask_with(&nl, CSE_CMD_GET_STATS, NLM_F_ACK,
				    CSE_A_INST_ID, &big, 4));
	/* A process id selects dumps only. */
	nl_start(&nl, &r, nl.family, CSE_CMD_GET_INSTANCE, 1, NLM_F_ACK);
	nl_put_u32(&r, CSE_A_INST_ID, inst_id(fd) ?: 1);
	nl_put_u32(&r, CSE_A_INST_PID, getpid());
	EXPECT_EQ(-EINVAL, t_raw(&nl, &r));
	/* Attributes only replies carry, unknown ones: refused. */
	EXPECT_EQ(-EINVAL, ask_with(&nl, CSE_CMD_GET_INSTANCE, NLM_F_DUMP,
				    CSE_A_INST_COMM, "x", 2));
	EXPECT_EQ(-EINVAL, ask_with(&nl, CSE_CMD_GET_INSTANCE, NLM_F_DUMP,
				    CSE_A_FILTER, &one, 4));
	EXPECT_EQ(-EINVAL, ask_with(&nl, CSE_CMD_GET_STATS, NLM_F_DUMP,
				    200, &one, 4));
	EXPECT_EQ(-ERANGE, ask_with(&nl, CSE_CMD_GET_FILTERS, NLM_F_DUMP,
				    CSE_A_INST_PID, &zero, 4));
	EXPECT_EQ(-EINVAL, ask_with(&nl, CSE_CMD_GET_FILTERS, NLM_F_DUMP,
				    CSE_A_INST_PID, &one, 8));
	EXPECT_EQ(-ERANGE, ask_with(&nl, CSE_CMD_GET_SOCKETS, NLM_F_DUMP,
				    CSE_A_INST_ID, &zero, 4));
	EXPECT_EQ(-EINVAL, ask_with(&nl, CSE_CMD_GET_SOCKETS, NLM_F_DUMP,
				    CSE_A_SOCK, &one, 4));
	/* Dumps for an id that does not exist fail at once. */
	EXPECT_EQ(-ENOENT, ask_with(&nl, CSE_CMD_GET_FILTERS, NLM_F_DUMP,
				    CSE_A_INST_ID, &big, 4));
	EXPECT_EQ(-ENOENT, ask_with(&nl, CSE_CMD_GET_SOCKETS, NLM_F_DUMP,
				    CSE_A_INST_ID, &big, 4));
	EXPECT_EQ(-ENOENT, ask_with(&nl, CSE_CMD_GET_STATS, NLM_F_DUMP,
				    CSE_A_INST_ID, &big, 4));
	/* A pid with no instance: an empty dump, not an error. */
	EXPECT_EQ(0, t_ask(&nl, CSE_CMD_GET_INSTANCE, 1, 0, 1, recs, MAXREC));
	/* Filters are dumped only; notifications are not requests. */
	nl_start(&nl, &r, nl.family, CSE_CMD_GET_FILTERS, 1, NLM_F_ACK);
	EXPECT_EQ(-EOPNOTSUPP, t_raw(&nl, &r));
	nl_start(&nl, &r, nl.family, CSE_CMD_GET_SOCKETS, 1, NLM_F_ACK);
	EXPECT_EQ(-EOPNOTSUPP, t_raw(&nl, &r));
	for (int cmd = CSE_CMD_INST_NEW; cmd <= CSE_CMD_DEV_EVENT; cmd++) {
		nl_start(&nl, &r, nl.family, cmd, 1, NLM_F_ACK);
		EXPECT_EQ(-EOPNOTSUPP, t_raw(&nl, &r)) TH_LOG("command %d", cmd);
	}
	nl_start(&nl, &r, nl.family, 200, 1, NLM_F_ACK);
	EXPECT_EQ(-EOPNOTSUPP, t_raw(&nl, &r));
	nl_start(&nl, &r, nl.family, CSE_CMD_UNSPEC, 1, NLM_F_ACK);
	EXPECT_EQ(-EOPNOTSUPP, t_raw(&nl, &r));
	/* The generic netlink header's reserved field must be 0. */
	nl_start(&nl, &r, nl.family, CSE_CMD_GET_INSTANCE, 1, NLM_F_DUMP);
	g = NLMSG_DATA(&r.nlh);
	g->reserved = 1;
	EXPECT_EQ(-EINVAL, t_raw(&nl, &r));
	close(fd);
	nl_close(&nl);
}

/*
 * The socket table (CSE_CMD_GET_SOCKETS). The test plays the library: it
 * attaches with a table, creates socket files for some slots and writes
 * the records itself, consistent, torn or hostile.
 */
struct tab {
	int fd;
	uint32_t id;
	struct cse_attach att;
	uint8_t *mem;
	struct cse_sock_info *rec;
};

/* An instance with @slots slots and a table, its area mapped. */
static int tab_open(struct tab *t, int ifindex, uint32_t slots)
{
	t_attach_req(&t->att, ifindex);
	t->att.sock_entries = slots;
	t->att.flags = CSE_ATTACH_SOCK_INFO;
	t->fd = t_open_want(&t->att, CSE_FEAT_SOCKETS | CSE_FEAT_SOCK_INFO);
	if (t->fd < 0)
		return -1;
	t->mem = mmap(NULL, t->att.mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, t->fd, 0);
	if (t->mem == MAP_FAILED)
		return -1;
	t->rec = (struct cse_sock_info *)(t->mem + t->att.sock_info);
	t->id = inst_id(t->fd);
	return 0;
}

static void tab_close(struct tab *t)
{
	munmap(t->mem, t->att.mmap_size);
	close(t->fd);
}

/* A socket file for @slot: the module reports only slots that have one. */
static int tab_file(struct tab *t, uint32_t slot)
{
	struct cse_socket s = { .slot = slot, .backing_fd = -1 };

	return ioctl(t->fd, CSE_IOC_SOCKET, &s) ? -errno : s.fd;
}

/* Write @v into record @slot as the library does (sequence lock). */
static void tab_write(struct tab *t, uint32_t slot,
		      const struct cse_sock_info *v)
{
	struct cse_sock_info *r = &t->rec[slot];
	uint32_t seq = __atomic_load_n(&r->seq, __ATOMIC_RELAXED) | 1;

	__atomic_store_n(&r->seq, seq, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy((uint8_t *)r + 4, (const uint8_t *)v + 4, sizeof(*r) - 4);
	__atomic_store_n(&r->seq, seq + 1, __ATOMIC_RELEASE);
}

static void tcp_rec(struct cse_sock_info *v, const struct t_net *net)
{
	memset(v, 0, sizeof(*v));
	v->fd = 5;
	v->proto = IPPROTO_TCP;
	v->state = TCP_ESTABLISHED;
	v->local_addr = t_addr(net, 1);
	v->remote_addr = t_addr(net, 2);
	v->local_port = htons(4242);
	v->remote_port = htons(80);
	v->rx_queue = 100;
	v->tx_queue = 2000;
	v->retransmits = 3;
	v->rtt_us = 1500;
	v->rttvar_us = 700;
	v->cwnd = 10;
	v->mss = 1448;
}

static const struct t_rec *by_slot(const struct t_rec *r, int n,
				   uint32_t slot)
{
	for (int i = 0; i < n; i++)
		if (r[i].sock.has && r[i].sock.slot == slot)
			return &r[i];
	return NULL;
}

TEST_F(genl, socket_table_laid_out)
{
	struct cse_attach att;
	struct tab t;
	uint64_t end;
	int fd;

	ASSERT_EQ(0, tab_open(&t, self->net.ifindex, 16));
	EXPECT_EQ(0ULL, t.att.sock_info % 64);
	end = t.att.socks + 16 * sizeof(struct cse_sock_slot);
	EXPECT_LE(end, t.att.sock_info);
	EXPECT_LE(t.att.sock_info + 16 * sizeof(struct cse_sock_info),
		  t.att.rx_frames);
	for (int i = 0; i < 16; i++) {
		EXPECT_EQ(0U, t.rec[i].seq);
		EXPECT_EQ(0, t.rec[i].proto);
	}
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, t.id, 0, recs,
			   1));
	EXPECT_TRUE(recs[0].inst.has_sock_table);
	EXPECT_EQ(1, recs[0].inst.sock_table);
	EXPECT_NE(0ULL, recs[0].inst.features & CSE_FEAT_SOCK_INFO);
	/* Nothing written yet: an empty dump. */
	EXPECT_EQ(0, t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs,
			   MAXREC));
	tab_close(&t);

	/* The flag needs the feature and slots. */
	t_attach_req(&att, self->net.ifindex);
	att.sock_entries = 16;
	att.flags = CSE_ATTACH_SOCK_INFO;
	EXPECT_EQ(-1, t_open_want(&att, CSE_FEAT_SOCKETS));
	t_attach_req(&att, self->net.ifindex);
	att.flags = CSE_ATTACH_SOCK_INFO;
	EXPECT_EQ(-1, t_open_want(&att, CSE_FEATURES_ALL));
	/* Without the flag, no table: the instance says so. */
	t_attach_req(&att, self->net.ifindex);
	att.sock_entries = 16;
	fd = t_open_want(&att, CSE_FEATURES_ALL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0ULL, att.sock_info);
	ASSERT_EQ(1, t_ask(&self->nl, CSE_CMD_GET_INSTANCE, 0, inst_id(fd), 0,
			   recs, 1));
	EXPECT_EQ(0, recs[0].inst.sock_table);
	EXPECT_EQ(0, t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, inst_id(fd), 0,
			   recs, MAXREC));
	close(fd);
}

TEST_F(genl, socket_table_records_reported)
{
	struct cse_sock_info tcp, udp;
	const struct t_rec *r;
	int f0, f1, f3, n;
	struct tab t;

	ASSERT_EQ(0, tab_open(&t, self->net.ifindex, 8));
	f0 = tab_file(&t, 0);
	f1 = tab_file(&t, 1);
	f3 = tab_file(&t, 3);
	ASSERT_LE(0, f0);
	ASSERT_LE(0, f1);
	ASSERT_LE(0, f3);
	tcp_rec(&tcp, &self->net);
	tab_write(&t, 0, &tcp);
	memset(&udp, 0, sizeof(udp));
	udp.fd = -1;
	udp.proto = IPPROTO_UDP;
	udp.state = TCP_CLOSE;
	udp.local_port = htons(5353);
	udp.rx_queue = 768;
	udp.rtt_us = 99;	/* not reported for UDP */
	tab_write(&t, 1, &udp);
	/* Slot 2 has no socket file: its record is not reported. */
	tab_write(&t, 2, &tcp);
	/* Slot 3 has a file and an empty record (proto 0). */

	n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs, MAXREC);
	ASSERT_EQ(2, n);
	r = by_slot(recs, n, 0);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CSE_CMD_GET_SOCKETS, r->cmd);
	EXPECT_EQ(t.id, r->id);
	EXPECT_TRUE(r->sock.has_fd);
	EXPECT_EQ(5, r->sock.fd);
	EXPECT_EQ(IPPROTO_TCP, r->sock.proto);
	EXPECT_EQ(TCP_ESTABLISHED, r->sock.state);
	EXPECT_EQ(t_addr(&self->net, 1), r->sock.laddr);
	EXPECT_EQ(t_addr(&self->net, 2), r->sock.raddr);
	EXPECT_EQ(htons(4242), r->sock.lport);
	EXPECT_EQ(htons(80), r->sock.rport);
	EXPECT_EQ(100U, r->sock.v[CSE_SOCK_A_RX_QUEUE]);
	EXPECT_EQ(2000U, r->sock.v[CSE_SOCK_A_TX_QUEUE]);
	EXPECT_EQ(3U, r->sock.v[CSE_SOCK_A_RETRANSMITS]);
	EXPECT_EQ(1500U, r->sock.v[CSE_SOCK_A_RTT_US]);
	EXPECT_EQ(700U, r->sock.v[CSE_SOCK_A_RTTVAR_US]);
	EXPECT_EQ(10U, r->sock.v[CSE_SOCK_A_CWND]);
	EXPECT_EQ(1448U, r->sock.v[CSE_SOCK_A_MSS]);
	r = by_slot(recs, n, 1);
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(r->sock.has_fd);
	EXPECT_EQ(IPPROTO_UDP, r->sock.proto);
	EXPECT_EQ(TCP_CLOSE, r->sock.state);
	EXPECT_EQ(0U, r->sock.laddr);
	EXPECT_EQ(0U, r->sock.raddr);
	EXPECT_EQ(htons(5353), r->sock.lport);
	EXPECT_EQ(768U, r->sock.v[CSE_SOCK_A_RX_QUEUE]);
	EXPECT_EQ(0U, r->sock.v[CSE_SOCK_A_TX_QUEUE]);
	EXPECT_FALSE(r->sock.has_tcp);
	EXPECT_EQ(~0U, r->sock.v[CSE_SOCK_A_RTT_US]);

	/* By process, and in the dump of every instance. */
	n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, 0, getpid(), recs,
		  MAXREC);
	EXPECT_EQ(2, count_id(recs, n, t.id));
	n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, 0, 0, recs, MAXREC);
	EXPECT_EQ(2, count_id(recs, n, t.id));

	/* A record the library empties, a file that goes: gone. */
	memset(&udp, 0, sizeof(udp));
	tab_write(&t, 1, &udp);
	close(f0);
	/* The release runs when the last reference goes: wait for it. */
	for (int i = 0; i < 100; i++) {
		n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs,
			  MAXREC);
		if (n == 0)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, n);
	close(f1);
	close(f3);
	tab_close(&t);
	EXPECT_EQ(-ENOENT, t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0,
				 recs, MAXREC));
}

/*
 * A hostile library: records with impossible protocols or states, and one
 * left half-written (odd sequence) for good, are left out; everything
 * else passes through as the library wrote it, and nothing breaks.
 */
TEST_F(genl, socket_table_hostile_records)
{
	static const struct { uint8_t proto, state; } bad[] = {
		{ IPPROTO_TCP, 0 }, { IPPROTO_TCP, 12 }, { IPPROTO_TCP, 255 },
		{ IPPROTO_UDP, TCP_LISTEN }, { IPPROTO_UDP, 0 },
		{ IPPROTO_ICMP, TCP_ESTABLISHED }, { 255, TCP_CLOSE },
	};
	const int nbad = sizeof(bad) / sizeof(bad[0]);
	struct cse_sock_info v;
	const struct t_rec *r;
	int files[16], n;
	struct tab t;

	ASSERT_EQ(0, tab_open(&t, self->net.ifindex, 16));
	for (int i = 0; i < 16; i++) {
		files[i] = tab_file(&t, i);
		ASSERT_LE(0, files[i]);
	}
	for (int i = 0; i < nbad; i++) {
		tcp_rec(&v, &self->net);
		v.proto = bad[i].proto;
		v.state = bad[i].state;
		tab_write(&t, i, &v);
	}
	/* Torn for good: a writer that died in the middle. */
	tcp_rec(&v, &self->net);
	tab_write(&t, nbad, &v);
	t.rec[nbad].seq |= 1;
	/* Extreme values and garbage in padding pass as written. */
	memset(&v, 0xff, sizeof(v));
	v.proto = IPPROTO_TCP;
	v.state = TCP_LISTEN;
	v.fd = -7;
	tab_write(&t, nbad + 1, &v);
	/* Every state TCP may have, one per slot, ends the table. */
	for (int st = TCP_ESTABLISHED; st <= TCP_CLOSING &&
	     nbad + 1 + st < 16; st++) {
		tcp_rec(&v, &self->net);
		v.state = st;
		tab_write(&t, nbad + 1 + st, &v);
	}

	n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs, MAXREC);
	ASSERT_LT(0, n);
	for (int i = 0; i <= nbad; i++) {
		EXPECT_EQ(NULL, by_slot(recs, n, i)) TH_LOG("slot %d", i);
	}
	r = by_slot(recs, n, nbad + 1);
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(r->sock.has_fd);
	EXPECT_EQ(TCP_LISTEN, r->sock.state);
	EXPECT_EQ(0xffffffffU, r->sock.laddr);
	EXPECT_EQ(0xffffU, r->sock.rport);
	EXPECT_EQ(0xffffffffU, r->sock.v[CSE_SOCK_A_RX_QUEUE]);
	EXPECT_EQ(0xffffffffU, r->sock.v[CSE_SOCK_A_MSS]);
	EXPECT_EQ(16 - nbad - 2, n - 1);
	for (int i = nbad + 2; i < 16; i++) {
		EXPECT_NE(NULL, by_slot(recs, n, i)) TH_LOG("slot %d", i);
	}
	for (int i = 0; i < 16; i++)
		close(files[i]);
	tab_close(&t);
}

/* A record rewritten without pause: every copy reported is whole. */
struct churn {
	struct tab *t;
	volatile int stop;
	uint32_t writes;
};

static void churn_rec(struct cse_sock_info *v, uint32_t k)
{
	memset(v, 0, sizeof(*v));
	v->fd = (int32_t)(k & 0xffff);
	v->proto = IPPROTO_TCP;
	v->state = TCP_ESTABLISHED;
	v->local_addr = k;
	v->remote_addr = ~k;
	v->local_port = (uint16_t)k;
	v->remote_port = (uint16_t)~k;
	v->rx_queue = k;
	v->tx_queue = k * 3;
	v->retransmits = k ^ 0x5a5a5a5a;
	v->rtt_us = k + 1;
	v->rttvar_us = k + 2;
	v->cwnd = k + 3;
	v->mss = k + 4;
}

static void *churn_run(void *arg)
{
	struct churn *c = arg;
	struct cse_sock_info v;

	while (!c->stop) {
		churn_rec(&v, ++c->writes);
		tab_write(c->t, 0, &v);
	}
	return NULL;
}

static int churn_whole(const struct t_rec *r)
{
	uint32_t k = r->sock.v[CSE_SOCK_A_RX_QUEUE];

	return r->sock.fd == (int32_t)(k & 0xffff) && r->sock.laddr == k &&
	       r->sock.raddr == ~k && r->sock.lport == (uint16_t)k &&
	       r->sock.rport == (uint16_t)~k &&
	       r->sock.v[CSE_SOCK_A_TX_QUEUE] == k * 3 &&
	       r->sock.v[CSE_SOCK_A_RETRANSMITS] == (k ^ 0x5a5a5a5a) &&
	       r->sock.v[CSE_SOCK_A_RTT_US] == k + 1 &&
	       r->sock.v[CSE_SOCK_A_RTTVAR_US] == k + 2 &&
	       r->sock.v[CSE_SOCK_A_CWND] == k + 3 &&
	       r->sock.v[CSE_SOCK_A_MSS] == k + 4;
}

TEST_F(genl, socket_table_torn_writes_never_reported)
{
	struct churn c = { 0 };
	int f, n, seen = 0, torn = 0, asks = 0;
	struct timespec t0, now;
	pthread_t th;
	struct tab t;

	ASSERT_EQ(0, tab_open(&t, self->net.ifindex, 2));
	f = tab_file(&t, 0);
	ASSERT_LE(0, f);
	c.t = &t;
	ASSERT_EQ(0, pthread_create(&th, NULL, churn_run, &c));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs,
			  MAXREC);
		ASSERT_LE(0, n);
		asks++;
		if (n == 1) {
			seen++;
			torn += !churn_whole(&recs[0]);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < 2);
	c.stop = 1;
	pthread_join(th, NULL);
	TH_LOG("%d dumps, %d with the record, %u writes", asks, seen,
	       c.writes);
	EXPECT_EQ(0, torn);
	EXPECT_LT(0, seen);
	EXPECT_LT(0U, c.writes);
	/* Quiet again: always there, and the last value written. */
	n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs, MAXREC);
	ASSERT_EQ(1, n);
	EXPECT_EQ(c.writes, recs[0].sock.v[CSE_SOCK_A_RX_QUEUE]);
	EXPECT_TRUE(churn_whole(&recs[0]));
	close(f);
	tab_close(&t);
}

/* nobody lists its own instance's sockets, not root's; root sees both. */
TEST_F(genl, socket_table_unprivileged)
{
	int pipes[2], go[2], rf, res[3], n;
	struct cse_sock_info v;
	struct tab t;
	pid_t pid;
	char c;

	ASSERT_EQ(0, tab_open(&t, self->net.ifindex, 4));
	rf = tab_file(&t, 0);
	ASSERT_LE(0, rf);
	tcp_rec(&v, &self->net);
	tab_write(&t, 0, &v);
	ASSERT_EQ(0, pipe(pipes));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct tab own;
		struct nl nl;

		if (become_nobody() || tab_open(&own, self->net.ifindex, 4) ||
		    tab_file(&own, 1) < 0)
			_exit(1);
		tab_write(&own, 1, &v);
		if (nl_open(&nl))
			_exit(2);
		res[0] = t_ask(&nl, CSE_CMD_GET_SOCKETS, 1, own.id, 0, recs,
			       MAXREC);
		res[1] = t_ask(&nl, CSE_CMD_GET_SOCKETS, 1, t.id, 0, recs,
			       MAXREC);
		n = t_ask(&nl, CSE_CMD_GET_SOCKETS, 1, 0, 0, recs, MAXREC);
		res[2] = n < 0 ? n : count_id(recs, n, t.id);
		if (write(pipes[1], res, sizeof(res)) != sizeof(res))
			_exit(3);
		if (read(go[0], &c, 1) != 1)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(res), read(pipes[0], res, sizeof(res)));
	EXPECT_EQ(1, res[0]);
	EXPECT_EQ(-EPERM, res[1]);
	EXPECT_EQ(0, res[2]);
	n = t_ask(&self->nl, CSE_CMD_GET_SOCKETS, 1, 0, pid, recs, MAXREC);
	EXPECT_EQ(1, n);
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, t_wait(pid));
	close(rf);
	tab_close(&t);
}

TEST_HARNESS_MAIN

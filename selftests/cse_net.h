/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology and ring helpers shared by the cse.ko data-plane selftests.
 *
 *   this test's netns (the VM's init netns)    peer netns t->ns
 *   +-----------------------------+            +-----------------------+
 *   | t->a  10.77.X.1/24          |<--veth---->| t->b  10.77.X.2/24    |
 *   | (instances attach here)     |            | (kernel stack: the    |
 *   +-----------------------------+            |  traffic source)      |
 *                                              +-----------------------+
 *
 * Names carry the test process's pid, so concurrent or leftover topologies
 * never collide; X is derived from it too.
 */
#ifndef CSE_SELFTEST_NET_H
#define CSE_SELFTEST_NET_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/wait.h>
#include <netinet/ip.h>

#include "cse_util.h"

struct t_net {
	char a[IFNAMSIZ];
	char b[IFNAMSIZ];
	char ns[32];
	int subnet;
	int ifindex;
	int up;
	uint8_t peer_mac[6];
};

/* Run a shell command; returns its exit status (or -1). */
static inline int t_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * Feed the commands to one "ip [-n NS] -batch -": under the VM's emulation
 * every process costs about 0.1 s, so a topology is built with a few
 * batches rather than a command each. Returns ip's exit status (or -1).
 */
static inline int t_ip_batch(const char *ns, const char *fmt, ...)
{
	char cmd[64], text[2048];
	va_list ap;
	FILE *ip;
	int st;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ns)
		snprintf(cmd, sizeof(cmd), "ip -n %s -batch -", ns);
	else
		snprintf(cmd, sizeof(cmd), "ip -batch -");
	ip = popen(cmd, "w");
	if (!ip)
		return -1;
	fputs(text, ip);
	st = pclose(ip);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* Write @val to /proc/sys/@path as seen from namespace @ns (NULL: ours). */
static inline int t_sysctl(const char *ns, const char *path, const char *val)
{
	char file[256];
	pid_t pid;
	int fd, st;

	pid = ns ? fork() : 0;
	if (pid < 0)
		return -1;
	if (pid > 0) {
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
			return -1;
		return WEXITSTATUS(st) ? -1 : 0;
	}
	if (ns) {
		snprintf(file, sizeof(file), "/run/netns/%s", ns);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(1);
		close(fd);
	}
	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	st = fd >= 0 && write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	if (fd >= 0)
		close(fd);
	if (ns)
		_exit(st ? 0 : 1);
	return st ? 0 : -1;
}

/*
 * Create the veth pair and the peer netns; 0 or -1. Both ends get
 * addresses derived from the pid, so neither needs to be asked for its MAC,
 * and static neighbour entries, so no ARP happens unless a test wants it.
 * IPv6 is off on both ends: its autoconfiguration would put frames on the
 * wire that tests do not expect.
 */
static inline int t_net_up(struct t_net *t)
{
	uint8_t mac_a[6] = { 0x02, 0xc5 }, *mac_b = t->peer_mac;
	char path[96], ma[18], mb[18];
	int pid = getpid();

	memset(t, 0, sizeof(*t));
	snprintf(t->a, sizeof(t->a), "cse%da", pid);
	snprintf(t->b, sizeof(t->b), "cse%db", pid);
	snprintf(t->ns, sizeof(t->ns), "cse-peer-%d", pid);
	t->subnet = pid % 250 + 1;
	mac_a[2] = pid >> 16;
	mac_a[3] = pid >> 8;
	mac_a[4] = pid;
	mac_a[5] = 1;
	memcpy(mac_b, mac_a, 5);
	mac_b[5] = 2;
	snprintf(ma, sizeof(ma), "%02x:%02x:%02x:%02x:%02x:%02x", mac_a[0],
		 mac_a[1], mac_a[2], mac_a[3], mac_a[4], mac_a[5]);
	snprintf(mb, sizeof(mb), "%02x:%02x:%02x:%02x:%02x:%02x", mac_b[0],
		 mac_b[1], mac_b[2], mac_b[3], mac_b[4], mac_b[5]);

	if (t_ip_batch(NULL, "netns add %s\n"
		       "link add %s address %s type veth peer name %s address %s netns %s\n",
		       t->ns, t->a, ma, t->b, mb, t->ns))
		return -1;
	t->up = 1;
	snprintf(path, sizeof(path), "net/ipv6/conf/%s/disable_ipv6", t->a);
	t_sysctl(NULL, path, "1");
	snprintf(path, sizeof(path), "net/ipv6/conf/%s/disable_ipv6", t->b);
	t_sysctl(t->ns, path, "1");
	if (t_ip_batch(NULL, "addr add 10.77.%d.1/24 dev %s\n"
		       "link set %s up\n"
		       "neigh replace 10.77.%d.2 dev %s lladdr %s nud permanent\n",
		       t->subnet, t->a, t->a, t->subnet, t->a, mb) ||
	    t_ip_batch(t->ns, "addr add 10.77.%d.2/24 dev %s\n"
		       "link set %s up\nlink set lo up\n"
		       "neigh replace 10.77.%d.1 dev %s lladdr %s nud permanent\n",
		       t->subnet, t->b, t->b, t->subnet, t->b, ma))
		return -1;
	t->ifindex = if_nametoindex(t->a);
	return t->ifindex ? 0 : -1;
}

/*
 * In a fixture setup or a test: skip unless cse.ko is loaded and we may
 * build the topology.
 */
#define T_NEED_NET() do {						\
	if (access(CSE_DEV, F_OK))					\
		SKIP(return, CSE_DEV " missing: is cse.ko loaded?");	\
	if (geteuid())							\
		SKIP(return, "needs root to build the veth topology");	\
} while (0)

/* 10.77.X.1 (ours) and 10.77.X.2 (the peer's), network order. */
static inline in_addr_t t_addr(const struct t_net *t, int host)
{
	return htonl(0x0a4d0000 | t->subnet << 8 | host);
}

/* An IPv4 socket address in the topology: 10.77.X.@host, @port (host order). */
static inline struct sockaddr_in t_sin(const struct t_net *t, int host,
				       int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = t_addr(t, host),
	};

	return sin;
}

/*
 * Fork a child that enters the peer's namespace: returns 0 in the child
 * (which must _exit()), the child's pid in the parent, -1 on failure.
 */
static inline pid_t t_in_peer(const struct t_net *t)
{
	char path[64];
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	snprintf(path, sizeof(path), "/run/netns/%s", t->ns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		_exit(99);
	close(fd);
	return 0;
}

/*
 * Fork a child into the peer's namespace that says when it is ready: in
 * the child, returns 0 and *@ready is the descriptor to write one byte to
 * once it is; in the parent, returns the child's pid after that byte came,
 * or -1.
 */
static inline pid_t t_in_peer_sync(const struct t_net *t, int *ready)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = t_in_peer(t);
	if (!pid) {
		close(p[0]);
		*ready = p[1];
		return 0;
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

/* Wait for a child; its exit status, or -1. */
static inline int t_wait(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * From the peer's kernel stack: a UDP datagram from sport (0: any) to
 * 10.77.X.1:dport. Returns 0 when sent.
 */
static inline int t_peer_udp(const struct t_net *t, int sport, int dport,
			     const void *buf, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	pid_t pid = t_in_peer(t);
	int s;

	if (pid)
		return t_wait(pid);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		_exit(1);
	sin.sin_port = htons(sport);
	if (sport && bind(s, (struct sockaddr *)&sin, sizeof(sin)))
		_exit(2);
	sin = t_sin(t, 1, dport);
	if (sendto(s, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) !=
	    (ssize_t)len)
		_exit(3);
	_exit(0);
}

/*
 * Bytes queued on the kernel UDP socket bound to local port @port (as
 * /proc/net/udp shows it), or -1 when no socket has that port.
 */
static inline long t_udp_rxq(int port)
{
	unsigned int lport, tx, rx;
	char line[512];
	long ret = -1;
	FILE *f = fopen("/proc/net/udp", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %*x %x:%x", &lport, &tx,
			   &rx) != 3)
			continue;
		if ((int)lport == port) {
			ret = rx;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * A counter of a /proc/net file of name and value lines, "snmp" or
 * "netstat" (@proto "TcpExt", @field "TCPChallengeACK"), or -1.
 */
static inline long long t_net_counter(const char *file, const char *proto,
				      const char *field)
{
	char names[4096], vals[4096], path[64], *n, *v, *sn, *sv;
	size_t plen = strlen(proto);
	long long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, proto, plen) || names[plen] != ':')
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(vals, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, field)) {
				ret = atoll(v);
				break;
			}
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
		break;
	}
	fclose(f);
	return ret;
}

/* A counter of /proc/net/snmp ("Udp", "InDatagrams"), or -1. */
static inline long long t_snmp(const char *proto, const char *field)
{
	return t_net_counter("snmp", proto, field);
}

static inline void t_net_down(struct t_net *t)
{
	if (!t->up)
		return;
	/* -force: go on past a device a test already deleted. */
	t_sh("printf 'link del %s\\nnetns del %s\\n' | ip -force -batch - 2>/dev/null",
	     t->a, t->ns);
	t->up = 0;
}

/* An attach request with small, valid sizes. */
static inline void t_attach_req(struct cse_attach *req, int ifindex)
{
	memset(req, 0, sizeof(*req));
	req->ifindex = ifindex;
	req->rx_entries = 64;
	req->tx_entries = 64;
	req->ev_entries = 16;
	req->frame_size = 2048;
}

/*
 * Open, handshake asking for features @want and attach with @req (in: the
 * request, out: the answer).
 */
static inline int t_open_want(struct cse_attach *req, __u64 want)
{
	int fd = cse_open_want(want, NULL);

	if (fd < 0)
		return fd;
	if (ioctl(fd, CSE_IOC_ATTACH, req)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Open, handshake and attach with @req (in: the request, out: the answer). */
static inline int t_open_with(struct cse_attach *req)
{
	return t_open_want(req, 0);
}

/* Open, handshake and attach to @ifindex with t_attach_req() sizes. */
static inline int t_open_attached(int ifindex, struct cse_attach *req)
{
	struct cse_attach r;

	if (!req)
		req = &r;
	t_attach_req(req, ifindex);
	return t_open_with(req);
}

/* A port request: proto, local port (host order), any local address. */
static inline void t_port_req(struct cse_port *p, int proto, int port)
{
	memset(p, 0, sizeof(*p));
	p->proto = proto;
	p->local_port = htons(port);
}

/* Reserve; returns the filter id, or -errno. */
static inline int t_reserve(int fd, struct cse_port *p)
{
	return ioctl(fd, CSE_IOC_PORT_RESERVE, p) ? -errno : (int)p->id;
}

static inline int t_release(int fd, uint32_t id)
{
	struct cse_port p;

	memset(&p, 0, sizeof(p));
	p.id = id;
	return ioctl(fd, CSE_IOC_PORT_RELEASE, &p) ? -errno : 0;
}

/* A kernel socket bound to (any, port): 0 or -errno. Closed before return. */
static inline int t_kernel_bind(int type, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int s = socket(AF_INET, type, 0), ret;

	if (s < 0)
		return -errno;
	ret = bind(s, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
	close(s);
	return ret;
}

/* A port number of this test process's own, below the ephemeral range. */
static inline int t_port(int n)
{
	return 20000 + (getpid() % 1000) * 10 + n;
}

/* Pass descriptor @fd over the unix socket @sock (SCM_RIGHTS); 0 or -1. */
static inline int t_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Receive a descriptor passed with t_send_fd(); it, or -1. */
static inline int t_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Map an attached instance's area; NULL on failure. */
static inline void *t_map(int fd, const struct cse_attach *req)
{
	void *p = mmap(NULL, req->mmap_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* User space's side of a ring (uapi/linux/cse.h, "Rings"). */
struct t_ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;
	char *desc;
	uint32_t mask;
	uint32_t entry_size;
};

static inline void t_ring(struct t_ring *r, void *area,
			  const struct cse_ring_offsets *off)
{
	r->producer = (uint32_t *)((char *)area + off->producer);
	r->consumer = (uint32_t *)((char *)area + off->consumer);
	r->flags = (uint32_t *)((char *)area + off->flags);
	r->desc = (char *)area + off->desc;
	r->mask = off->entries - 1;
	r->entry_size = off->entry_size;
}

/* Entries ready to consume (ring produced by the module). */
static inline uint32_t t_ring_avail(const struct t_ring *r)
{
	return __atomic_load_n(r->producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(r->consumer, __ATOMIC_RELAXED);
}

static inline void *t_ring_entry(const struct t_ring *r, uint32_t idx)
{
	return r->desc + (size_t)(idx & r->mask) * r->entry_size;
}

/* Consume n entries: release them to the module. */
static inline void t_ring_release(struct t_ring *r, uint32_t n)
{
	uint32_t c = __atomic_load_n(r->consumer, __ATOMIC_RELAXED);

	__atomic_store_n(r->consumer, c + n, __ATOMIC_RELEASE);
}

/* Instance counters, or all-ones on failure. */
static inline struct cse_stats t_stats(int fd)
{
	struct cse_stats st;

	memset(&st, 0, sizeof(st));
	if (ioctl(fd, CSE_IOC_GET_STATS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* Internet checksums, for frames the tests build and check. */
static inline uint16_t csum_fold32(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static inline uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

/* The IPv4 header checksum and the TCP/UDP checksum of a frame are right. */
static inline int checksums_ok(const uint8_t *frame, uint32_t len)
{
	const struct iphdr *ip = (const void *)(frame + 14);
	uint32_t ihl = ip->ihl * 4, l4len, sum;
	uint8_t pseudo[12];

	if (csum_fold32(csum_add(0, ip, ihl)) != 0xffff)
		return 0;
	l4len = ntohs(ip->tot_len) - ihl;
	if (14 + ihl + l4len > len)
		return 0;
	memcpy(pseudo, &ip->saddr, 8);
	pseudo[8] = 0;
	pseudo[9] = ip->protocol;
	pseudo[10] = l4len >> 8;
	pseudo[11] = l4len & 0xff;
	sum = csum_add(0, pseudo, 12);
	sum = csum_add(sum, frame + 14 + ihl, l4len);
	return csum_fold32(sum) == 0xffff;
}

/*
 * From the peer: one TCP segment with @flags (the header's flags byte)
 * from port @sport to 10.77.X.1:@dport, through a raw socket: the peer's
 * kernel has no connection for it and never sends such a segment
 * unprompted. Returns 0 when sent.
 */
static inline int t_peer_tcp_segment(const struct t_net *t, int sport,
				     int dport, uint8_t flags)
{
	struct sockaddr_in dst = t_sin(t, 1, dport);
	/* seq 1000, ack 2000, 20 bytes, window 1024 */
	uint8_t th[20] = {
		sport >> 8, sport & 0xff, dport >> 8, dport & 0xff,
		0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, 5 << 4, flags, 0x04, 0,
	};
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
	} ph = {
		.saddr = t_addr(t, 2),
		.daddr = t_addr(t, 1),
		.proto = IPPROTO_TCP,
		.len = htons(sizeof(th)),
	};
	pid_t pid = t_in_peer(t);
	uint16_t sum;
	int s;

	if (pid)
		return pid < 0 ? -1 : t_wait(pid);
	sum = ~csum_fold32(csum_add(csum_add(0, &ph, sizeof(ph)), th,
				    sizeof(th)));
	th[16] = sum >> 8;
	th[17] = sum & 0xff;
	s = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
	_exit(s < 0 || sendto(s, th, sizeof(th), 0, (struct sockaddr *)&dst,
			      sizeof(dst)) != sizeof(th));
}

#endif /* CSE_SELFTEST_NET_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the end-to-end programs share: TAP output, a clock, and the wire
 * they test on, a veth pair whose far end lives in a network namespace of
 * its own where the kernel's stack plays the peer:
 *
 *   this netns (the VM's)                  peer netns "cse-e2e-PID"
 *   e2e->a  10.77.S.1/24  <---- veth ---->  e2e->b  10.77.S.2/24
 *   cse.ko attaches here                    kernel sockets (forked child)
 *
 * Names carry the pid, so leftovers of an earlier run never collide. No
 * static neighbour entries: ARP itself goes through the rings.
 */
#ifndef CSE_E2E_H
#define CSE_E2E_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Exit status of a program that could not run here (kselftest's). */
#define E2E_SKIP	4

struct e2e_net {
	char a[IFNAMSIZ];
	char b[IFNAMSIZ];
	char ns[32];
	int subnet;
	int ifindex;
	bool up;
};

static inline uint64_t e2e_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --- TAP: one "ok N name" line per test, failures counted --- */

struct e2e_tap {
	int n;
	int failed;
};

static inline void e2e_ok(struct e2e_tap *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	t->failed += !ok;
}

/* A diagnostic line ("# ..."), as TAP allows between results. */
static inline void e2e_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* --- the wire --- */

/*
 * Feed @text to one "ip [-n NS] -batch -": under the VM's emulation every
 * process costs about 0.1 s, so the topology takes a few batches, not a
 * command each. Returns ip's exit status, or -1.
 */
static inline int e2e_ip_batch(const char *ns, const char *text)
{
	char cmd[96];
	FILE *ip;
	int st;

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

/* Enter @ns (a name under /run/netns); 0 or -1. */
static inline int e2e_enter_ns(const char *ns)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

/* Write @val to /proc/sys/@path; 0 or -1. */
static inline int e2e_sysctl(const char *path, const char *val)
{
	char file[160];
	int fd, ok;

	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * IPv6 off on one end: its autoconfiguration would put frames on the wire
 * that have nothing to do with the test. In the peer's namespace through
 * a child, so this process stays where it is.
 */
static inline int e2e_no_ipv6(const char *ns, const char *dev)
{
	char path[96];
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "net/ipv6/conf/%s/disable_ipv6", dev);
	if (!ns)
		return e2e_sysctl(path, "1");
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		_exit(e2e_enter_ns(ns) || e2e_sysctl(path, "1") ? 1 : 0);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) ? -1 : 0;
}

/* Build the veth pair, the peer namespace and the addresses; 0 or -1. */
static inline int e2e_net_up(struct e2e_net *n)
{
	char text[512];
	int pid = getpid();

	memset(n, 0, sizeof(*n));
	snprintf(n->a, sizeof(n->a), "e2e%da", pid);
	snprintf(n->b, sizeof(n->b), "e2e%db", pid);
	snprintf(n->ns, sizeof(n->ns), "cse-e2e-%d", pid);
	n->subnet = pid % 250 + 1;
	snprintf(text, sizeof(text), "netns add %s\n"
		 "link add %s type veth peer name %s netns %s\n",
		 n->ns, n->a, n->b, n->ns);
	if (e2e_ip_batch(NULL, text))
		return -1;
	n->up = true;
	if (e2e_no_ipv6(NULL, n->a) || e2e_no_ipv6(n->ns, n->b))
		return -1;
	snprintf(text, sizeof(text), "addr add 10.77.%d.1/24 dev %s\n"
		 "link set %s up\n", n->subnet, n->a, n->a);
	if (e2e_ip_batch(NULL, text))
		return -1;
	snprintf(text, sizeof(text), "addr add 10.77.%d.2/24 dev %s\n"
		 "link set %s up\nlink set lo up\n", n->subnet, n->b, n->b);
	if (e2e_ip_batch(n->ns, text))
		return -1;
	n->ifindex = (int)if_nametoindex(n->a);
	return n->ifindex ? 0 : -1;
}

static inline void e2e_net_down(struct e2e_net *n)
{
	char text[128];

	if (!n->up)
		return;
	snprintf(text, sizeof(text), "link del %s\nnetns del %s\n", n->a,
		 n->ns);
	e2e_ip_batch(NULL, text);
	n->up = false;
}

/* 10.77.S.@host in network byte order. */
static inline uint32_t e2e_addr(const struct e2e_net *n, int host)
{
	return htonl(0x0a4d0000u | (uint32_t)n->subnet << 8 | (uint32_t)host);
}

static inline struct sockaddr_in e2e_sin(uint32_t addr_be, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = addr_be,
	};

	return sin;
}

/*
 * Fork a child in the peer's namespace: 0 in the child (which must
 * _exit()), its pid in the parent, -1 on failure.
 */
static inline pid_t e2e_fork_peer(const struct e2e_net *n)
{
	pid_t pid = fork();

	if (pid == 0 && e2e_enter_ns(n->ns))
		_exit(99);
	return pid;
}

/* Reap @pid: its exit status, or -1 (killed, or not ours). */
static inline int e2e_reap(pid_t pid)
{
	int st;

	if (pid <= 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* --- the data: a known byte stream per direction and its checksum --- */

/* Byte @i of stream @seed: cheap, and no two streams alike. */
static inline uint8_t e2e_byte(uint64_t i, uint8_t seed)
{
	return (uint8_t)((i * 2654435761u) >> 11) ^ seed;
}

static inline void e2e_fill(uint8_t *buf, size_t len, uint64_t off,
			    uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = e2e_byte(off + i, seed);
}

/* FNV-1a, 64 bits: what both ends compute over what they saw. */
#define E2E_HASH_INIT	0xcbf29ce484222325ull

static inline uint64_t e2e_hash(uint64_t h, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ buf[i]) * 0x100000001b3ull;
	return h;
}

#endif /* CSE_E2E_H */

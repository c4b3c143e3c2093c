// SPDX-License-Identifier: GPL-2.0
/*
 * kern_bench: the kernel's side of the stack benchmark (bench_proto.h).
 *
 *   kern_bench server ADDR PORT             serve clients one at a time
 *   kern_bench upload|download|rr ADDR PORT SECONDS
 *
 * The server answers both this program's clients and the stack's
 * (stack_bench tap-*); run between two namespaces, over loopback or over
 * a TAP device, it gives the kernel's numbers for the table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_proto.h"

static uint8_t buf[BP_CHUNK];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "kern_bench: bad address %s\n", ip);
		exit(2);
	}
	return sin;
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Read exactly @len bytes; false at EOF or error. */
static int read_full(int fd, uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

static int write_full(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

static void serve_one(int fd)
{
	uint8_t cmd, hdr[8];
	uint64_t count = 0, end;
	ssize_t n;

	if (!read_full(fd, &cmd, 1))
		return;
	switch (cmd) {
	case BP_UPLOAD:
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			count += n;
		bp_put64(hdr, count);
		write_full(fd, hdr, 8);
		break;
	case BP_DOWNLOAD:
		if (!read_full(fd, hdr, 4))
			return;
		end = bp_now_ns() + (uint64_t)(hdr[0] << 24 | hdr[1] << 16 |
					       hdr[2] << 8 | hdr[3]) * 1000000;
		while (bp_now_ns() < end && write_full(fd, buf, sizeof(buf)))
			;
		break;
	case BP_RR:
		nodelay(fd);
		while (read_full(fd, buf, BP_RR_SIZE) &&
		       write_full(fd, buf, BP_RR_SIZE))
			;
		break;
	}
}

static void __attribute__((noreturn)) server(struct sockaddr_in sin)
{
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 16))
		die("bind/listen");
	for (;;) {
		int fd = accept(l, NULL, NULL);

		if (fd < 0)
			continue;
		serve_one(fd);
		close(fd);
	}
}

/* Connect, retrying while the server is still starting. */
static int dial(struct sockaddr_in sin)
{
	int i;

	for (i = 0; i < 100; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		if (!connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
			return fd;
		close(fd);
		usleep(50000);
	}
	die("connect");
	return -1;
}

static int client(const char *what, struct sockaddr_in sin, double secs)
{
	uint64_t t0, end, count = 0, n64;
	uint8_t hdr[8];
	int fd = dial(sin);
	ssize_t n;

	t0 = bp_now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	if (!strcmp(what, "upload")) {
		hdr[0] = BP_UPLOAD;
		write_full(fd, hdr, 1);
		while (bp_now_ns() < end && write_full(fd, buf, sizeof(buf)))
			;
		shutdown(fd, SHUT_WR);
		if (!read_full(fd, hdr, 8))
			die("upload: no count");
		count = bp_get64(hdr);
		printf("RESULT bytes=%llu ns=%llu\n", (unsigned long long)count,
		       (unsigned long long)(bp_now_ns() - t0));
	} else if (!strcmp(what, "download")) {
		uint32_t ms = (uint32_t)(secs * 1000);

		hdr[0] = BP_DOWNLOAD;
		hdr[1] = ms >> 24;
		hdr[2] = ms >> 16;
		hdr[3] = ms >> 8;
		hdr[4] = ms;
		write_full(fd, hdr, 5);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			count += n;
		printf("RESULT bytes=%llu ns=%llu\n", (unsigned long long)count,
		       (unsigned long long)(bp_now_ns() - t0));
	} else {
		hdr[0] = BP_RR;
		write_full(fd, hdr, 1);
		nodelay(fd);
		for (n64 = 0; bp_now_ns() < end; n64++)
			if (!write_full(fd, buf, BP_RR_SIZE) ||
			    !read_full(fd, buf, BP_RR_SIZE))
				die("rr");
		printf("RESULT transactions=%llu ns=%llu\n",
		       (unsigned long long)n64,
		       (unsigned long long)(bp_now_ns() - t0));
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "server"))
		server(addr_of(argv[2], argv[3]));
	if (argc == 5 && (!strcmp(argv[1], "upload") ||
			  !strcmp(argv[1], "download") ||
			  !strcmp(argv[1], "rr")))
		return client(argv[1], addr_of(argv[2], argv[3]),
			      atof(argv[4]));
	fprintf(stderr, "usage: kern_bench server ADDR PORT\n"
		"       kern_bench upload|download|rr ADDR PORT SECONDS\n");
	return 2;
}

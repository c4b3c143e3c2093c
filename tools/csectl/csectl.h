/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csectl: what cse.ko's instances are doing, through its generic netlink
 * family "cse" (uapi/linux/cse.h, "Generic netlink"). See csectl(8).
 */
#ifndef CSECTL_H
#define CSECTL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/cse.h>

/* Exit statuses (csectl(8), EXIT STATUS). */
#define EXIT_ERROR	1	/* the command could not be carried out */
#define EXIT_USAGE	2	/* bad command line */

/* An instance, as CSE_CMD_GET_INSTANCE describes it. */
struct inst {
	uint32_t id, pid, uid, netns_ino, state, minor, ifindex;
	uint32_t rx, tx, ev, frame, sock_entries, socks_used, filters;
	int32_t nsid;
	uint64_t features, mmap_size;
	bool has_nsid, has_minor, has_ifindex, has_ifname, has_area;
	bool sock_table;	/* its area has a socket table (1.3) */
	bool has_addr, has_mac;	/* an address of its own (1.4) */
	uint32_t addr;		/* network byte order */
	uint8_t plen, mac[6];
	char comm[16];
	char ifname[IF_NAMESIZE];
};

/* A filter (a reserved port) of an instance. */
struct filter {
	uint32_t inst, id, flags;
	uint8_t proto, active;
	uint32_t laddr, raddr;	/* network byte order */
	uint16_t lport, rport;	/* network byte order */
	bool has_remote;
};

/* A socket of an instance, as its library describes it (1.3). */
struct usock {
	uint32_t inst, slot;
	int32_t fd;
	bool has_fd, has_tcp;
	uint8_t proto, state;	/* state: TCP_* numbering */
	uint32_t laddr, raddr;	/* network byte order */
	uint16_t lport, rport;	/* network byte order */
	uint32_t rxq, txq;
	uint32_t retrans, rtt_us, rttvar_us, cwnd, mss;	/* TCP only */
};

/* The counters of an instance, indexed by CSE_STATS_A_*. */
struct stats {
	uint32_t inst;
	uint64_t v[CSE_STATS_A_MAX + 1];
};

/* A notification of the "events" group. */
struct event {
	uint8_t cmd;
	struct inst inst;	/* id; pid, uid, comm; ifindex, ifname */
	struct filter filter;
	bool has_filter;
	uint32_t type, ifindex, value, value2;
	bool has_dev_event;
};

/* A growing array of records. */
struct vec {
	void *v;
	size_t n, cap, size;
};

void *vec_push(struct vec *v);
void vec_free(struct vec *v);

/* nl.c: the family */
struct ctl;

struct ctl *ctl_open(void);
void ctl_close(struct ctl *c);
/* Dumps (id, pid: 0 for none) or, with @one, one instance by id. 0 or -errno. */
int ctl_instances(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out);
int ctl_filters(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out);
int ctl_stats(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out);
/* Sockets: -EOPNOTSUPP from a module older than 1.3. */
int ctl_sockets(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out);
/* The last error's extended ACK message, or "". */
const char *ctl_extack(struct ctl *c);
/* Join the events group: 0 or -errno. */
int ctl_join(struct ctl *c);
/*
 * Wait up to @ms for notifications and call @fn for each; 0, 1 when @fn
 * asked to stop, or -errno (-ENOBUFS: some were lost).
 */
int ctl_events(struct ctl *c, int ms, int (*fn)(const struct event *, void *),
	       void *arg);

/* out.c: tables */
struct table;

struct table *table_new(const char *spec);
void table_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Every line starts with @indent. */
void table_print(struct table *t, FILE *f, const char *indent);
void table_free(struct table *t);

/* out.c: JSON */
struct json;

struct json *json_new(FILE *f, bool compact);
void json_free(struct json *j);
void json_obj(struct json *j, const char *key);
void json_arr(struct json *j, const char *key);
void json_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool b);
void json_null(struct json *j, const char *key);
void json_num(struct json *j, const char *key, double v);

/* out.c: names */
const char *state_name(uint32_t state);
const char *proto_name(uint8_t proto);
/* A socket's state as ss(8) names it: ESTAB, LISTEN, UNCONN... */
const char *sock_state_name(uint8_t state);
const char *dev_event_name(uint32_t type);
const char *event_name(uint8_t cmd);
const char *stats_name(int attr);
void features_str(uint64_t f, char *buf, size_t len);
void addr_str(uint32_t addr, char *buf, size_t len);
void endpoint_str(uint32_t addr, uint16_t port, char *buf, size_t len);

#endif /* CSECTL_H */

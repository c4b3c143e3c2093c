/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small raw generic netlink client for the selftests of the "cse" family
 * (uapi/linux/cse.h, "Generic netlink"): no libnl, so the tests build with
 * nothing but the kernel's uapi headers. Requests are built by hand, so a
 * test can also send what no library would (unknown attributes, wrong
 * lengths, reserved header bits).
 */
#ifndef CSE_SELFTEST_NL_H
#define CSE_SELFTEST_NL_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/cse.h>

#define NL_BUF 32768

struct nl {
	int fd;
	uint16_t family;
	uint32_t version;
	uint32_t mcgrp;		/* the "events" group's id */
	uint32_t seq;
	int maxattr;
};

/* A request under construction. */
struct nl_req {
	union {
		struct nlmsghdr nlh;
		char buf[1024];
	};
};

static inline struct nlattr *nl_tail(struct nl_req *r)
{
	return (struct nlattr *)(r->buf + NLMSG_ALIGN(r->nlh.nlmsg_len));
}

/* Append attribute @type with @len bytes of @data. */
static inline void nl_put(struct nl_req *r, uint16_t type, const void *data,
			  uint16_t len)
{
	struct nlattr *a = nl_tail(r);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static inline void nl_put_u32(struct nl_req *r, uint16_t type, uint32_t v)
{
	nl_put(r, type, &v, sizeof(v));
}

/* Start a request for @cmd to @family with netlink @flags. */
static inline void nl_start(struct nl *nl, struct nl_req *r, uint16_t family,
			    uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->nlh.nlmsg_seq = ++nl->seq;
	g = NLMSG_DATA(&r->nlh);
	g->cmd = cmd;
	g->version = version;
}

static inline int nl_send(struct nl *nl, struct nl_req *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(nl->fd, r->buf, r->nlh.nlmsg_len, 0,
		      (struct sockaddr *)&sa, sizeof(sa)) ==
	       (ssize_t)r->nlh.nlmsg_len ? 0 : -errno;
}

/* The attributes of a message or a nest, by type (0 when absent). */
static inline void nl_parse(struct nlattr **tb, int max, void *data, int len)
{
	struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (a = data; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	     a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
	}
}

static inline void *nl_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int nl_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline uint32_t nl_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nl_data(a), sizeof(v));
	return v;
}

static inline uint64_t nl_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nl_data(a), sizeof(v));
	return v;
}

static inline uint16_t nl_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, nl_data(a), sizeof(v));
	return v;
}

static inline uint8_t nl_u8(const struct nlattr *a)
{
	return *(uint8_t *)nl_data(a);
}

/*
 * Receive the answer to request @seq, calling @cb for each message (its
 * genl header and attributes) until NLMSG_DONE or the ACK. Returns 0, or
 * -errno from the kernel's NLMSG_ERROR (or a receive error). @cb returns
 * non-zero to be called no more (the rest is still read).
 */
typedef int (*nl_cb)(struct genlmsghdr *g, void *attrs, int len, void *arg);

static inline int nl_recv_bufsz(struct nl *nl, uint32_t seq, nl_cb cb,
				void *arg, size_t bufsz)
{
	static char buf[NL_BUF];
	int stop = 0;

	if (bufsz > sizeof(buf))
		bufsz = sizeof(buf);
	for (;;) {
		struct nlmsghdr *h;
		ssize_t n = recv(nl->fd, buf, bufsz, 0);

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			/* A dump's end carries its error, if any. */
			if (h->nlmsg_type == NLMSG_DONE)
				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
				       *(int *)NLMSG_DATA(h) : 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (!stop && cb) {
				struct genlmsghdr *g = NLMSG_DATA(h);

				stop = cb(g, (char *)g + GENL_HDRLEN,
					  h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
					  arg);
			}
		}
	}
}

static inline int nl_recv(struct nl *nl, uint32_t seq, nl_cb cb, void *arg)
{
	return nl_recv_bufsz(nl, seq, cb, arg, NL_BUF);
}

/* The controller's answer about "cse": family id, version, group. */
static inline int nl_ctrl_cb(struct genlmsghdr *g, void *attrs, int len,
			     void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;
	struct nl *nl = arg;
	int rem;

	nl_parse(tb, CTRL_ATTR_MAX, attrs, len);
	if (tb[CTRL_ATTR_FAMILY_ID])
		nl->family = nl_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		nl->version = nl_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MAXATTR])
		nl->maxattr = nl_u32(tb[CTRL_ATTR_MAXATTR]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	grp = nl_data(tb[CTRL_ATTR_MCAST_GROUPS]);
	rem = nl_len(tb[CTRL_ATTR_MCAST_GROUPS]);
	for (; rem >= NLA_HDRLEN && grp->nla_len >= NLA_HDRLEN;
	     rem -= NLA_ALIGN(grp->nla_len),
	     grp = (struct nlattr *)((char *)grp + NLA_ALIGN(grp->nla_len))) {
		struct nlattr *gb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		nl_parse(gb, CTRL_ATTR_MCAST_GRP_MAX, nl_data(grp), nl_len(grp));
		if (gb[CTRL_ATTR_MCAST_GRP_NAME] && gb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nl_data(gb[CTRL_ATTR_MCAST_GRP_NAME]),
			    CSE_GENL_MCGRP_EVENTS))
			nl->mcgrp = nl_u32(gb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

/* Open a generic netlink socket and resolve "cse"; 0 or -errno. */
static inline int nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nl_req r;
	int err, one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto err;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl_start(nl, &r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, CSE_GENL_NAME,
	       sizeof(CSE_GENL_NAME));
	err = nl_send(nl, &r);
	/*
	 * A page-sized buffer: the kernel sizes a dump's parts by the largest
	 * buffer a socket read with, and a test may want small parts.
	 */
	if (!err)
		err = nl_recv_bufsz(nl, r.nlh.nlmsg_seq, nl_ctrl_cb, nl, 4096);
	if (err) {
		close(nl->fd);
		nl->fd = -1;
		return err;
	}
	return nl->family ? 0 : -ENOENT;
err:
	err = -errno;
	close(nl->fd);
	nl->fd = -1;
	return err;
}

static inline void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

static inline int nl_join(struct nl *nl)
{
	return setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			  &nl->mcgrp, sizeof(nl->mcgrp)) ? -errno : 0;
}

/* What a message of the family says, parsed. */
struct t_rec {
	uint8_t cmd;
	uint32_t id;
	struct {
		uint32_t pid, uid, netns_ino, state, minor, ifindex;
		uint32_t rx, tx, ev, frame, sock_entries, socks_used, filters;
		int32_t nsid;
		uint64_t features, mmap_size;
		char comm[16], ifname[16];
		int has_pid, has_nsid, has_minor, has_ifindex, has_ifname;
		int has_area, has_sock_table;
		uint8_t sock_table;
		int has_addr, has_plen, has_mac;	/* 1.4 */
		uint32_t addr;	/* network order */
		uint8_t plen, mac[6];
	} inst;
	struct {
		int has;
		uint32_t id, flags;
		uint8_t proto, active;
		uint32_t laddr, raddr;	/* network order */
		uint16_t lport, rport;	/* network order */
		int has_remote;
	} filter;
	struct {
		int has;
		uint64_t v[CSE_STATS_A_MAX + 1];
	} stats;
	struct {
		int has, has_fd, has_tcp;
		uint32_t slot;
		int32_t fd;
		uint8_t proto, state;
		uint32_t laddr, raddr;	/* network order */
		uint16_t lport, rport;	/* network order */
		uint32_t v[CSE_SOCK_A_MAX + 1];	/* the NLA_U32 ones */
	} sock;
	struct {
		int has;
		uint32_t type, ifindex, value, value2;
	} ev;
};

static inline void t_rec_parse_sock(struct t_rec *r, struct nlattr *nest)
{
	struct nlattr *kb[CSE_SOCK_A_MAX + 1];

	r->sock.has = 1;
	nl_parse(kb, CSE_SOCK_A_MAX, nl_data(nest), nl_len(nest));
	if (kb[CSE_SOCK_A_SLOT])
		r->sock.slot = nl_u32(kb[CSE_SOCK_A_SLOT]);
	r->sock.has_fd = !!kb[CSE_SOCK_A_FD];
	if (kb[CSE_SOCK_A_FD])
		r->sock.fd = (int32_t)nl_u32(kb[CSE_SOCK_A_FD]);
	if (kb[CSE_SOCK_A_PROTO])
		r->sock.proto = nl_u8(kb[CSE_SOCK_A_PROTO]);
	if (kb[CSE_SOCK_A_STATE])
		r->sock.state = nl_u8(kb[CSE_SOCK_A_STATE]);
	if (kb[CSE_SOCK_A_LOCAL_ADDR])
		r->sock.laddr = nl_u32(kb[CSE_SOCK_A_LOCAL_ADDR]);
	if (kb[CSE_SOCK_A_REMOTE_ADDR])
		r->sock.raddr = nl_u32(kb[CSE_SOCK_A_REMOTE_ADDR]);
	if (kb[CSE_SOCK_A_LOCAL_PORT])
		r->sock.lport = nl_u16(kb[CSE_SOCK_A_LOCAL_PORT]);
	if (kb[CSE_SOCK_A_REMOTE_PORT])
		r->sock.rport = nl_u16(kb[CSE_SOCK_A_REMOTE_PORT]);
	r->sock.has_tcp = !!kb[CSE_SOCK_A_RETRANSMITS];
	for (int i = CSE_SOCK_A_RX_QUEUE; i <= CSE_SOCK_A_MAX; i++)
		r->sock.v[i] = kb[i] ? nl_u32(kb[i]) : ~0U;
}

static inline void t_rec_parse(struct t_rec *r, struct genlmsghdr *g,
			       void *attrs, int len)
{
	struct nlattr *tb[CSE_A_MAX + 1], *fb[CSE_FILTER_A_MAX + 1];
	struct nlattr *sb[CSE_STATS_A_MAX + 1], *eb[CSE_EVENT_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	r->cmd = g->cmd;
	nl_parse(tb, CSE_A_MAX, attrs, len);
	if (tb[CSE_A_INST_ID])
		r->id = nl_u32(tb[CSE_A_INST_ID]);
#define U32(a, f) do { if (tb[a]) r->inst.f = nl_u32(tb[a]); } while (0)
	r->inst.has_pid = !!tb[CSE_A_INST_PID];
	U32(CSE_A_INST_PID, pid);
	U32(CSE_A_INST_UID, uid);
	U32(CSE_A_INST_NETNS_INO, netns_ino);
	U32(CSE_A_INST_MINOR, minor);
	U32(CSE_A_INST_IFINDEX, ifindex);
	U32(CSE_A_INST_RX_ENTRIES, rx);
	U32(CSE_A_INST_TX_ENTRIES, tx);
	U32(CSE_A_INST_EV_ENTRIES, ev);
	U32(CSE_A_INST_FRAME_SIZE, frame);
	U32(CSE_A_INST_SOCK_ENTRIES, sock_entries);
	U32(CSE_A_INST_SOCKS_USED, socks_used);
	U32(CSE_A_INST_FILTERS, filters);
#undef U32
	if (tb[CSE_A_INST_STATE])
		r->inst.state = nl_u8(tb[CSE_A_INST_STATE]);
	r->inst.has_nsid = !!tb[CSE_A_INST_NETNS_ID];
	if (tb[CSE_A_INST_NETNS_ID])
		r->inst.nsid = (int32_t)nl_u32(tb[CSE_A_INST_NETNS_ID]);
	r->inst.has_minor = !!tb[CSE_A_INST_MINOR];
	if (tb[CSE_A_INST_FEATURES])
		r->inst.features = nl_u64(tb[CSE_A_INST_FEATURES]);
	r->inst.has_ifindex = !!tb[CSE_A_INST_IFINDEX];
	r->inst.has_area = !!tb[CSE_A_INST_RX_ENTRIES];
	if (tb[CSE_A_INST_MMAP_SIZE])
		r->inst.mmap_size = nl_u64(tb[CSE_A_INST_MMAP_SIZE]);
	if (tb[CSE_A_INST_COMM])
		snprintf(r->inst.comm, sizeof(r->inst.comm), "%s",
			 (char *)nl_data(tb[CSE_A_INST_COMM]));
	r->inst.has_ifname = !!tb[CSE_A_INST_IFNAME];
	if (tb[CSE_A_INST_IFNAME])
		snprintf(r->inst.ifname, sizeof(r->inst.ifname), "%s",
			 (char *)nl_data(tb[CSE_A_INST_IFNAME]));
	if (tb[CSE_A_FILTER]) {
		r->filter.has = 1;
		nl_parse(fb, CSE_FILTER_A_MAX, nl_data(tb[CSE_A_FILTER]),
			 nl_len(tb[CSE_A_FILTER]));
		if (fb[CSE_FILTER_A_ID])
			r->filter.id = nl_u32(fb[CSE_FILTER_A_ID]);
		if (fb[CSE_FILTER_A_FLAGS])
			r->filter.flags = nl_u32(fb[CSE_FILTER_A_FLAGS]);
		if (fb[CSE_FILTER_A_PROTO])
			r->filter.proto = nl_u8(fb[CSE_FILTER_A_PROTO]);
		if (fb[CSE_FILTER_A_ACTIVE])
			r->filter.active = nl_u8(fb[CSE_FILTER_A_ACTIVE]);
		if (fb[CSE_FILTER_A_LOCAL_ADDR])
			r->filter.laddr = nl_u32(fb[CSE_FILTER_A_LOCAL_ADDR]);
		if (fb[CSE_FILTER_A_LOCAL_PORT])
			r->filter.lport = nl_u16(fb[CSE_FILTER_A_LOCAL_PORT]);
		r->filter.has_remote = !!fb[CSE_FILTER_A_REMOTE_ADDR];
		if (fb[CSE_FILTER_A_REMOTE_ADDR])
			r->filter.raddr = nl_u32(fb[CSE_FILTER_A_REMOTE_ADDR]);
		if (fb[CSE_FILTER_A_REMOTE_PORT])
			r->filter.rport = nl_u16(fb[CSE_FILTER_A_REMOTE_PORT]);
	}
	r->inst.has_sock_table = !!tb[CSE_A_INST_SOCK_TABLE];
	if (tb[CSE_A_INST_SOCK_TABLE])
		r->inst.sock_table = nl_u8(tb[CSE_A_INST_SOCK_TABLE]);
	r->inst.has_addr = !!tb[CSE_A_INST_ADDR];
	if (tb[CSE_A_INST_ADDR])
		r->inst.addr = nl_u32(tb[CSE_A_INST_ADDR]);
	r->inst.has_plen = !!tb[CSE_A_INST_ADDR_PLEN];
	if (tb[CSE_A_INST_ADDR_PLEN])
		r->inst.plen = nl_u8(tb[CSE_A_INST_ADDR_PLEN]);
	r->inst.has_mac = tb[CSE_A_INST_ADDR_MAC] &&
			  nl_len(tb[CSE_A_INST_ADDR_MAC]) == 6;
	if (r->inst.has_mac)
		memcpy(r->inst.mac, nl_data(tb[CSE_A_INST_ADDR_MAC]), 6);
	if (tb[CSE_A_SOCK])
		t_rec_parse_sock(r, tb[CSE_A_SOCK]);
	if (tb[CSE_A_STATS]) {
		r->stats.has = 1;
		nl_parse(sb, CSE_STATS_A_MAX, nl_data(tb[CSE_A_STATS]),
			 nl_len(tb[CSE_A_STATS]));
		for (int i = CSE_STATS_A_RX_FRAMES; i <= CSE_STATS_A_MAX; i++)
			r->stats.v[i] = sb[i] ? nl_u64(sb[i]) : ~0ULL;
	}
	if (tb[CSE_A_EVENT]) {
		r->ev.has = 1;
		nl_parse(eb, CSE_EVENT_A_MAX, nl_data(tb[CSE_A_EVENT]),
			 nl_len(tb[CSE_A_EVENT]));
		if (eb[CSE_EVENT_A_TYPE])
			r->ev.type = nl_u32(eb[CSE_EVENT_A_TYPE]);
		if (eb[CSE_EVENT_A_IFINDEX])
			r->ev.ifindex = nl_u32(eb[CSE_EVENT_A_IFINDEX]);
		if (eb[CSE_EVENT_A_VALUE])
			r->ev.value = nl_u32(eb[CSE_EVENT_A_VALUE]);
		if (eb[CSE_EVENT_A_VALUE2])
			r->ev.value2 = nl_u32(eb[CSE_EVENT_A_VALUE2]);
	}
}

/* Collects parsed messages into an array. */
struct t_recs {
	struct t_rec *r;
	int n;
	int max;
};

static inline int t_recs_cb(struct genlmsghdr *g, void *attrs, int len,
			    void *arg)
{
	struct t_recs *rs = arg;

	if (rs->n >= rs->max)
		return 1;
	t_rec_parse(&rs->r[rs->n++], g, attrs, len);
	return 0;
}

/*
 * Ask @cmd; @dump selects NLM_F_DUMP. @id and @pid (0: none) become
 * CSE_A_INST_ID and CSE_A_INST_PID. Returns the number of messages in
 * @out, or -errno.
 */
static inline int t_ask(struct nl *nl, uint8_t cmd, int dump, uint32_t id,
			uint32_t pid, struct t_rec *out, int max)
{
	struct t_recs rs = { out, 0, max };
	struct nl_req r;
	int err;

	nl_start(nl, &r, nl->family, cmd, CSE_GENL_VERSION,
		 dump ? NLM_F_DUMP : NLM_F_ACK);
	if (id)
		nl_put_u32(&r, CSE_A_INST_ID, id);
	if (pid)
		nl_put_u32(&r, CSE_A_INST_PID, pid);
	err = nl_send(nl, &r);
	if (!err)
		err = nl_recv(nl, r.nlh.nlmsg_seq, t_recs_cb, &rs);
	return err ? err : rs.n;
}

/* Send a prepared request and wait for its ACK; 0 or -errno. */
static inline int t_raw(struct nl *nl, struct nl_req *r)
{
	int err = nl_send(nl, r);

	return err ? err : nl_recv(nl, r->nlh.nlmsg_seq, NULL, NULL);
}

/*
 * Read notifications for up to @ms milliseconds of quiet (or until @max);
 * returns how many.
 */
static inline int t_events(struct nl *nl, struct t_rec *out, int max, int ms)
{
	static char buf[NL_BUF];
	struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
	int n = 0;

	while (n < max && poll(&pfd, 1, ms) == 1) {
		ssize_t len = recv(nl->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len <= 0)
			break;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len) &&
		     n < max; h = NLMSG_NEXT(h, len)) {
			struct genlmsghdr *g = NLMSG_DATA(h);

			if (h->nlmsg_type != nl->family)
				continue;
			t_rec_parse(&out[n++], g, (char *)g + GENL_HDRLEN,
				    h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
		}
	}
	return n;
}

#endif /* CSE_SELFTEST_NL_H */

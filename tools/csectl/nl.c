// SPDX-License-Identifier: GPL-2.0
/*
 * csectl's side of the generic netlink family "cse", on libnl-genl-3: the
 * dumps and lookups, and the "events" group. Errors come back as -errno,
 * with the kernel's extended ACK message when it gave one.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "csectl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ctl {
	struct nl_sock *sk;
	int family;
	int err;		/* the kernel's error for the last request */
	bool done;		/* its answer ended with an error */
	char extack[256];
};

void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p = realloc(v->v, cap * v->size);

		if (!p) {
			fprintf(stderr, "csectl: out of memory\n");
			exit(EXIT_ERROR);
		}
		v->v = p;
		v->cap = cap;
	}
	memset((char *)v->v + v->n * v->size, 0, v->size);
	return (char *)v->v + v->n++ * v->size;
}

void vec_free(struct vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

/*
 * NULL when the family is missing (the module is not loaded); exits on any
 * other failure.
 */
struct ctl *ctl_open(void)
{
	struct ctl *c = calloc(1, sizeof(*c));
	int one = 1, err;

	if (!c) {
		fprintf(stderr, "csectl: out of memory\n");
		exit(EXIT_ERROR);
	}
	c->sk = nl_socket_alloc();
	if (!c->sk || (err = genl_connect(c->sk)) < 0) {
		fprintf(stderr, "csectl: cannot open a generic netlink socket: %s\n",
			c->sk ? nl_geterror(err) : "out of memory");
		exit(EXIT_ERROR);
	}
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	c->family = genl_ctrl_resolve(c->sk, CSE_GENL_NAME);
	if (c->family == -NLE_OBJ_NOTFOUND) {
		ctl_close(c);
		return NULL;
	}
	if (c->family < 0) {
		fprintf(stderr, "csectl: cannot resolve the generic netlink family \"%s\": %s\n",
			CSE_GENL_NAME, nl_geterror(c->family));
		exit(EXIT_ERROR);
	}
	return c;
}

void ctl_close(struct ctl *c)
{
	if (!c)
		return;
	nl_socket_free(c->sk);
	free(c);
}

const char *ctl_extack(struct ctl *c)
{
	return c->extack;
}

/* The kernel's errno, and its extended ACK message if any. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct ctl *c = arg;

	c->done = true;
	size_t off = sizeof(*e);
	struct nlattr *a;
	int rem;

	(void)nla;
	c->err = e->error;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (NLMSG_HDRLEN + off >= h->nlmsg_len)
		return NL_STOP;
	a = (struct nlattr *)((char *)e + NLMSG_ALIGN(off));
	rem = h->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(c->extack, sizeof(c->extack), "%.*s",
				 nla_len(a), (char *)nla_data(a));
	}
	return NL_STOP;
}

/* Parsing: one message into the record a vector holds. */
typedef void (*parse_fn)(struct nlattr **tb, void *rec);

struct req {
	struct vec *out;
	parse_fn parse;
	bool done;
};

/* The end of an answer: the ACK of a request, or a dump's NLMSG_DONE. */
static int on_done(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* Notifications are not answers to a request of ours. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static void parse_inst(struct nlattr **tb, void *rec)
{
	struct inst *i = rec;

#define U32(a, f) do { if (tb[a]) i->f = nla_get_u32(tb[a]); } while (0)
	U32(CSE_A_INST_ID, id);
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
		i->state = nla_get_u8(tb[CSE_A_INST_STATE]);
	i->has_nsid = tb[CSE_A_INST_NETNS_ID];
	if (i->has_nsid)
		i->nsid = (int32_t)nla_get_u32(tb[CSE_A_INST_NETNS_ID]);
	i->has_minor = tb[CSE_A_INST_MINOR];
	if (tb[CSE_A_INST_FEATURES])
		i->features = nla_get_u64(tb[CSE_A_INST_FEATURES]);
	i->has_ifindex = tb[CSE_A_INST_IFINDEX];
	i->has_area = tb[CSE_A_INST_RX_ENTRIES];
	if (tb[CSE_A_INST_MMAP_SIZE])
		i->mmap_size = nla_get_u64(tb[CSE_A_INST_MMAP_SIZE]);
	if (tb[CSE_A_INST_COMM])
		nla_strlcpy(i->comm, tb[CSE_A_INST_COMM], sizeof(i->comm));
	if (tb[CSE_A_INST_SOCK_TABLE])
		i->sock_table = nla_get_u8(tb[CSE_A_INST_SOCK_TABLE]);
	i->has_ifname = tb[CSE_A_INST_IFNAME];
	if (i->has_ifname)
		nla_strlcpy(i->ifname, tb[CSE_A_INST_IFNAME], sizeof(i->ifname));
	i->has_addr = tb[CSE_A_INST_ADDR] && tb[CSE_A_INST_ADDR_PLEN];
	if (i->has_addr) {
		i->addr = nla_get_u32(tb[CSE_A_INST_ADDR]);
		i->plen = nla_get_u8(tb[CSE_A_INST_ADDR_PLEN]);
	}
	i->has_mac = tb[CSE_A_INST_ADDR_MAC] &&
		     nla_len(tb[CSE_A_INST_ADDR_MAC]) == sizeof(i->mac);
	if (i->has_mac)
		memcpy(i->mac, nla_data(tb[CSE_A_INST_ADDR_MAC]), sizeof(i->mac));
}

static void parse_filter_nest(struct nlattr *nest, struct filter *f)
{
	struct nlattr *fb[CSE_FILTER_A_MAX + 1];

	if (nla_parse_nested(fb, CSE_FILTER_A_MAX, nest, NULL))
		return;
	if (fb[CSE_FILTER_A_ID])
		f->id = nla_get_u32(fb[CSE_FILTER_A_ID]);
	if (fb[CSE_FILTER_A_FLAGS])
		f->flags = nla_get_u32(fb[CSE_FILTER_A_FLAGS]);
	if (fb[CSE_FILTER_A_PROTO])
		f->proto = nla_get_u8(fb[CSE_FILTER_A_PROTO]);
	if (fb[CSE_FILTER_A_ACTIVE])
		f->active = nla_get_u8(fb[CSE_FILTER_A_ACTIVE]);
	if (fb[CSE_FILTER_A_LOCAL_ADDR])
		f->laddr = nla_get_u32(fb[CSE_FILTER_A_LOCAL_ADDR]);
	if (fb[CSE_FILTER_A_LOCAL_PORT])
		f->lport = nla_get_u16(fb[CSE_FILTER_A_LOCAL_PORT]);
	f->has_remote = fb[CSE_FILTER_A_REMOTE_ADDR];
	if (fb[CSE_FILTER_A_REMOTE_ADDR])
		f->raddr = nla_get_u32(fb[CSE_FILTER_A_REMOTE_ADDR]);
	if (fb[CSE_FILTER_A_REMOTE_PORT])
		f->rport = nla_get_u16(fb[CSE_FILTER_A_REMOTE_PORT]);
}

static void parse_filter(struct nlattr **tb, void *rec)
{
	struct filter *f = rec;

	if (tb[CSE_A_INST_ID])
		f->inst = nla_get_u32(tb[CSE_A_INST_ID]);
	if (tb[CSE_A_FILTER])
		parse_filter_nest(tb[CSE_A_FILTER], f);
}

static void parse_sock_nest(struct nlattr *nest, struct usock *s)
{
	struct nlattr *kb[CSE_SOCK_A_MAX + 1];

	if (nla_parse_nested(kb, CSE_SOCK_A_MAX, nest, NULL))
		return;
#define U32(a, f) do { if (kb[a]) s->f = nla_get_u32(kb[a]); } while (0)
	U32(CSE_SOCK_A_SLOT, slot);
	U32(CSE_SOCK_A_LOCAL_ADDR, laddr);
	U32(CSE_SOCK_A_REMOTE_ADDR, raddr);
	U32(CSE_SOCK_A_RX_QUEUE, rxq);
	U32(CSE_SOCK_A_TX_QUEUE, txq);
	U32(CSE_SOCK_A_RETRANSMITS, retrans);
	U32(CSE_SOCK_A_RTT_US, rtt_us);
	U32(CSE_SOCK_A_RTTVAR_US, rttvar_us);
	U32(CSE_SOCK_A_CWND, cwnd);
	U32(CSE_SOCK_A_MSS, mss);
#undef U32
	s->has_fd = kb[CSE_SOCK_A_FD];
	if (s->has_fd)
		s->fd = (int32_t)nla_get_u32(kb[CSE_SOCK_A_FD]);
	s->has_tcp = kb[CSE_SOCK_A_RETRANSMITS];
	if (kb[CSE_SOCK_A_PROTO])
		s->proto = nla_get_u8(kb[CSE_SOCK_A_PROTO]);
	if (kb[CSE_SOCK_A_STATE])
		s->state = nla_get_u8(kb[CSE_SOCK_A_STATE]);
	if (kb[CSE_SOCK_A_LOCAL_PORT])
		s->lport = nla_get_u16(kb[CSE_SOCK_A_LOCAL_PORT]);
	if (kb[CSE_SOCK_A_REMOTE_PORT])
		s->rport = nla_get_u16(kb[CSE_SOCK_A_REMOTE_PORT]);
}

static void parse_sock(struct nlattr **tb, void *rec)
{
	struct usock *s = rec;

	if (tb[CSE_A_INST_ID])
		s->inst = nla_get_u32(tb[CSE_A_INST_ID]);
	if (tb[CSE_A_SOCK])
		parse_sock_nest(tb[CSE_A_SOCK], s);
}

static void parse_stats(struct nlattr **tb, void *rec)
{
	struct nlattr *sb[CSE_STATS_A_MAX + 1];
	struct stats *s = rec;

	if (tb[CSE_A_INST_ID])
		s->inst = nla_get_u32(tb[CSE_A_INST_ID]);
	if (!tb[CSE_A_STATS] ||
	    nla_parse_nested(sb, CSE_STATS_A_MAX, tb[CSE_A_STATS], NULL))
		return;
	for (int a = CSE_STATS_A_RX_FRAMES; a <= CSE_STATS_A_MAX; a++)
		if (sb[a])
			s->v[a] = nla_get_u64(sb[a]);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CSE_A_MAX + 1];
	struct req *r = arg;

	/* Attributes a later module adds are skipped (maxtype, no policy). */
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CSE_A_MAX, NULL))
		return NL_SKIP;
	r->parse(tb, vec_push(r->out));
	return NL_OK;
}

/* One request; its replies parsed into @out. 0 or -errno. */
static int ctl_ask(struct ctl *c, uint8_t cmd, uint32_t id, uint32_t pid,
		   bool dump, parse_fn parse, struct vec *out, size_t size)
{
	struct req r = { out, parse, false };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err;

	out->size = size;
	c->err = 0;
	c->extack[0] = 0;
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, CSE_GENL_VERSION) ||
	    (id && nla_put_u32(msg, CSE_A_INST_ID, id) < 0) ||
	    (pid && nla_put_u32(msg, CSE_A_INST_PID, pid) < 0)) {
		nlmsg_free(msg);
		nl_cb_put(cb);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, c);
	c->done = false;
	err = nl_send_auto(c->sk, msg);
	nlmsg_free(msg);
	/* A reply and its ACK may come in separate reads: read to the end. */
	while (err >= 0 && !r.done && !c->done)
		err = nl_recvmsgs(c->sk, cb);
	nl_cb_put(cb);
	if (c->err)
		return c->err;
	return err < 0 ? -EIO : 0;
}

int ctl_instances(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out)
{
	/* One by id is a lookup; a dump says ENOENT only for filters. */
	return ctl_ask(c, CSE_CMD_GET_INSTANCE, id, pid, !id || pid,
		       parse_inst, out, sizeof(struct inst));
}

int ctl_filters(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out)
{
	return ctl_ask(c, CSE_CMD_GET_FILTERS, id, pid, true, parse_filter,
		       out, sizeof(struct filter));
}

int ctl_stats(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out)
{
	return ctl_ask(c, CSE_CMD_GET_STATS, id, pid, !id || pid, parse_stats,
		       out, sizeof(struct stats));
}

int ctl_sockets(struct ctl *c, uint32_t id, uint32_t pid, struct vec *out)
{
	return ctl_ask(c, CSE_CMD_GET_SOCKETS, id, pid, true, parse_sock,
		       out, sizeof(struct usock));
}

int ctl_join(struct ctl *c)
{
	int grp = genl_ctrl_resolve_grp(c->sk, CSE_GENL_NAME,
					CSE_GENL_MCGRP_EVENTS);
	int fd = nl_socket_get_fd(c->sk);

	if (grp < 0)
		return -ENOENT;
	/* setsockopt() itself, for the kernel's errno (EPERM). */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)))
		return -errno;
	return 0;
}

struct evreq {
	int (*fn)(const struct event *, void *);
	void *arg;
	int stop;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CSE_A_MAX + 1], *eb[CSE_EVENT_A_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct evreq *r = arg;
	struct event e;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CSE_A_MAX, NULL))
		return NL_SKIP;
	memset(&e, 0, sizeof(e));
	e.cmd = g->cmd;
	parse_inst(tb, &e.inst);
	if (tb[CSE_A_FILTER]) {
		e.has_filter = true;
		e.filter.inst = e.inst.id;
		parse_filter_nest(tb[CSE_A_FILTER], &e.filter);
	}
	if (tb[CSE_A_EVENT] &&
	    !nla_parse_nested(eb, CSE_EVENT_A_MAX, tb[CSE_A_EVENT], NULL)) {
		e.has_dev_event = true;
		if (eb[CSE_EVENT_A_TYPE])
			e.type = nla_get_u32(eb[CSE_EVENT_A_TYPE]);
		if (eb[CSE_EVENT_A_IFINDEX])
			e.ifindex = nla_get_u32(eb[CSE_EVENT_A_IFINDEX]);
		if (eb[CSE_EVENT_A_VALUE])
			e.value = nla_get_u32(eb[CSE_EVENT_A_VALUE]);
		if (eb[CSE_EVENT_A_VALUE2])
			e.value2 = nla_get_u32(eb[CSE_EVENT_A_VALUE2]);
	}
	if (r->fn(&e, r->arg)) {
		r->stop = 1;
		return NL_STOP;
	}
	return NL_OK;
}

int ctl_events(struct ctl *c, int ms, int (*fn)(const struct event *, void *),
	       void *arg)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(c->sk), .events = POLLIN };
	struct evreq r = { fn, arg, 0 };
	struct nl_cb *cb;
	int err, n;

	n = poll(&pfd, 1, ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (!n)
		return 0;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &r);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	err = nl_recvmsgs(c->sk, cb);
	nl_cb_put(cb);
	if (r.stop)
		return 1;
	/* libnl says NLE_NOMEM for the socket's ENOBUFS. */
	if (err == -NLE_NOMEM)
		return -ENOBUFS;
	if (err == -NLE_INTR || err == -NLE_AGAIN)
		return 0;
	return err < 0 ? -EIO : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * csectl: list cse.ko's instances, their filters and counters, and follow
 * their events, through the generic netlink family "cse". The command line
 * and the output are described in csectl(8) (tools/csectl.8).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "csectl.h"

static const char *prog = "csectl";
static bool json;
static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage: csectl [-j|--json] COMMAND [ARGS]\n"
	"\n"
	"What cse.ko's instances are doing, from its generic netlink family \"cse\".\n"
	"\n"
	"commands:\n"
	"  list                          the instances you may see\n"
	"  show ID|pid:PID               one instance (or a process's) in detail\n"
	"  filters [ID|pid:PID]          reserved ports (filters), of one or all\n"
	"  stats [ID|pid:PID] [-w|--watch [SECONDS]] [-n|--count N]\n"
	"                                counters; --watch repeats every SECONDS\n"
	"                                (default 1), --count stops after N\n"
	"  monitor [-n|--count N]        instance events as they happen (needs\n"
	"                                CAP_NET_ADMIN)\n"
	"  sockets ID|pid:PID            a process's user-stack sockets, as ss does\n"
	"\n"
	"options (before or after the command):\n"
	"  -j, --json                    JSON; JSON Lines for monitor and --watch\n"
	"  -h, --help                    this help\n"
	"  -V, --version                 the version\n"
	"\n"
	"Exit status: 0 done, 1 failed, 2 bad command line. See csectl(8).\n";

/* The synopsis of each command, for its usage errors. */
static const struct {
	const char *name;
	const char *synopsis;
} synopses[] = {
	{ "list", "csectl list [-j|--json]" },
	{ "show", "csectl show [-j|--json] ID|pid:PID" },
	{ "filters", "csectl filters [-j|--json] [ID|pid:PID]" },
	{ "stats", "csectl stats [-j|--json] [ID|pid:PID] [-w|--watch [SECONDS]] [-n|--count N]" },
	{ "monitor", "csectl monitor [-j|--json] [-n|--count N]" },
	{ "sockets", "csectl sockets [-j|--json] ID|pid:PID" },
};

/* The command being parsed, NULL before it. */
static const char *command;

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

/*
 * A bad command line: say what, then the command's synopsis (or, before a
 * command, the whole usage) on stderr, exit 2.
 */
static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (size_t i = 0; command && i < sizeof(synopses) / sizeof(synopses[0]); i++) {
		if (!strcmp(command, synopses[i].name)) {
			fprintf(stderr, "usage: %s\n(csectl --help lists every command; csectl(8) has the rest)\n",
				synopses[i].synopsis);
			exit(EXIT_USAGE);
		}
	}
	fputc('\n', stderr);
	usage(stderr);
	exit(EXIT_USAGE);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_ERROR);
}

/* A decimal number in [min, max], nothing else; false if not. */
static bool parse_uint(const char *s, unsigned long long min,
		       unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end && *v >= min && *v <= max;
}

/* Which instances: by id, or a process's; both 0 for all. */
struct sel {
	uint32_t id;
	uint32_t pid;
	const char *text;
};

static void parse_sel(const char *cmd, const char *s, struct sel *sel)
{
	unsigned long long v;

	sel->text = s;
	if (!strncmp(s, "pid:", 4)) {
		if (!parse_uint(s + 4, 1, INT_MAX, &v))
			bad_usage("%s: '%s' is not pid:PID with a process id", cmd, s);
		sel->pid = v;
		return;
	}
	if (!parse_uint(s, 1, INT_MAX, &v))
		bad_usage("%s: '%s' is not an instance id (a number from 1) or pid:PID",
			  cmd, s);
	sel->id = v;
}

/* The command line of one command. */
struct args {
	const char *cmd;
	struct sel sel;
	bool has_sel;
	double watch;		/* seconds, 0: no --watch */
	unsigned long long count;	/* 0: no limit */
	bool has_count;
};

enum {
	OPT_SEL = 1,		/* takes ID|pid:PID */
	OPT_SEL_NEEDED = 2,	/* ... and must have it */
	OPT_WATCH = 4,		/* --watch */
	OPT_COUNT = 8,		/* --count */
};

/* The value of an option: "--opt=V" or the next argument. */
static const char *opt_value(int argc, char **argv, int *i, const char *eq,
			     const char *name)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		bad_usage("%s: option %s needs a value", argv[0], name);
	return argv[++*i];
}

static bool parse_seconds(const char *s, double *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !errno && !*end && isfinite(*v) && *v >= 0.1 && *v <= 86400;
}

/* Options and arguments after the command; argv[0] is the command. */
static void parse_args(int argc, char **argv, unsigned int allowed,
		       struct args *a)
{
	bool opts = true;

	memset(a, 0, sizeof(*a));
	a->cmd = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = NULL, *v;
		char name[32];

		if (opts && !strcmp(arg, "--")) {
			opts = false;
			continue;
		}
		if (!opts || arg[0] != '-' || !arg[1]) {
			if (!(allowed & OPT_SEL))
				bad_usage("%s: unexpected argument '%s'", a->cmd, arg);
			if (a->has_sel)
				bad_usage("%s: one instance at most, not '%s' too",
					  a->cmd, arg);
			parse_sel(a->cmd, arg, &a->sel);
			a->has_sel = true;
			continue;
		}
		if (!strncmp(arg, "--", 2) && (eq = strchr(arg, '=')))
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
		else
			snprintf(name, sizeof(name), "%s", arg);

		if (!strcmp(name, "-j") || !strcmp(name, "--json")) {
			if (eq)
				bad_usage("%s: option --json takes no value", a->cmd);
			json = true;
		} else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			usage(stdout);
			exit(0);
		} else if ((allowed & OPT_WATCH) &&
			   (!strcmp(name, "-w") || !strcmp(name, "--watch"))) {
			/* SECONDS, if given, is the next argument (digits). */
			a->watch = 1;
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc && argv[i + 1][0] >= '0' &&
				 argv[i + 1][0] <= '9')
				v = argv[++i];
			else
				v = NULL;
			if (v && !parse_seconds(v, &a->watch))
				bad_usage("%s: --watch takes seconds from 0.1 to 86400, not '%s'",
					  a->cmd, v);
		} else if ((allowed & OPT_COUNT) &&
			   (!strcmp(name, "-n") || !strcmp(name, "--count"))) {
			v = opt_value(argc, argv, &i, eq, name);
			if (!parse_uint(v, 1, 1000000000, &a->count))
				bad_usage("%s: %s takes a number from 1, not '%s'",
					  a->cmd, name, v);
			a->has_count = true;
		} else {
			bad_usage("%s: unknown option '%s'", a->cmd, arg);
		}
	}
	if ((allowed & OPT_SEL_NEEDED) && !a->has_sel)
		bad_usage("%s: which instance? Give ID or pid:PID", a->cmd);
	if ((allowed & OPT_WATCH) && a->has_count && !a->watch)
		bad_usage("%s: --count needs --watch", a->cmd);
}

static struct ctl *connect_or_die(void)
{
	struct ctl *c = ctl_open();

	if (!c)
		die("cse.ko is not loaded (no generic netlink family \"%s\")",
		    CSE_GENL_NAME);
	return c;
}

/* Report a failed request about @sel (or all), exit 1. */
static void __attribute__((noreturn))
request_failed(struct ctl *c, const char *cmd, const struct sel *sel,
	       int err)
{
	const char *ext = ctl_extack(c);

	if (sel && sel->id && err == -ENOENT)
		die("%s: no instance %u", cmd, sel->id);
	if (sel && sel->id && err == -EPERM)
		die("%s: instance %u: permission denied (it is another user's; CAP_NET_ADMIN sees every instance)",
		    cmd, sel->id);
	die("%s: %s%s%s", cmd, strerror(-err), *ext ? ": " : "", ext);
}

static const char *user_name(uint32_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%u", uid);
	return buf;
}

/* "eth0", "#5" for a device that went away, "-" before the attach. */
static const char *dev_str(const struct inst *i, char *buf, size_t len)
{
	if (i->has_ifname)
		snprintf(buf, len, "%s", i->ifname);
	else if (i->has_ifindex)
		snprintf(buf, len, "#%u", i->ifindex);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void json_features(struct json *j, uint64_t f)
{
	char buf[128], *save, *tok;

	json_arr(j, "features");
	features_str(f, buf, sizeof(buf));
	if (strcmp(buf, "-")) {
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			json_str(j, NULL, tok);
	}
	json_end(j);
}

/* On stdout: a JSON array of @v's records, an object each by @fields. */
static void json_records(const struct vec *v,
			 void (*fields)(struct json *j, const void *rec))
{
	struct json *j = json_new(stdout, false);

	json_arr(j, NULL);
	for (size_t n = 0; n < v->n; n++) {
		json_obj(j, NULL);
		fields(j, (const char *)v->v + n * v->size);
		json_end(j);
	}
	json_end(j);
	json_free(j);
}

/* The fields of an instance, into the object that is open. */
/* An instance's own address, "10.0.0.5/24" (1.4). */
static void ident_str(const struct inst *i, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	addr_str(i->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, i->plen);
}

static void mac_str(const struct inst *i, char *buf, size_t len)
{
	const uint8_t *m = i->mac;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void json_inst_fields(struct json *j, const void *rec)
{
	const struct inst *i = rec;
	char buf[32];

	json_uint(j, "id", i->id);
	json_uint(j, "pid", i->pid);
	json_str(j, "comm", i->comm);
	json_uint(j, "uid", i->uid);
	json_str(j, "state", state_name(i->state));
	json_uint(j, "netns_inode", i->netns_ino);
	if (i->has_nsid)
		json_int(j, "netns_id", i->nsid);
	else
		json_null(j, "netns_id");
#define OPT_UINT(key, has, v) do {				\
		if (has)					\
			json_uint(j, key, v);			\
		else						\
			json_null(j, key);			\
	} while (0)
	OPT_UINT("abi_minor", i->has_minor, i->minor);
	if (i->has_minor)
		json_features(j, i->features);
	else
		json_null(j, "features");
	OPT_UINT("ifindex", i->has_ifindex, i->ifindex);
	if (i->has_ifname)
		json_str(j, "ifname", i->ifname);
	else
		json_null(j, "ifname");
	OPT_UINT("rx_entries", i->has_area, i->rx);
	OPT_UINT("tx_entries", i->has_area, i->tx);
	OPT_UINT("ev_entries", i->has_area, i->ev);
	OPT_UINT("frame_size", i->has_area, i->frame);
	OPT_UINT("mmap_size", i->has_area, i->mmap_size);
	OPT_UINT("sock_entries", i->has_area, i->sock_entries);
	OPT_UINT("sockets_used", i->has_area, i->socks_used);
#undef OPT_UINT
	if (i->has_area)
		json_bool(j, "socket_table", i->sock_table);
	else
		json_null(j, "socket_table");
	json_uint(j, "nr_filters", i->filters);
	ident_str(i, buf, sizeof(buf));
	if (i->has_addr)
		json_str(j, "address", buf);
	else
		json_null(j, "address");
	mac_str(i, buf, sizeof(buf));
	if (i->has_mac)
		json_str(j, "mac", buf);
	else
		json_null(j, "mac");
}

static int cmd_list(int argc, char **argv)
{
	struct vec v = { 0 };
	struct args a;
	struct ctl *c;
	int err;

	parse_args(argc, argv, 0, &a);
	c = connect_or_die();
	err = ctl_instances(c, 0, 0, &v);
	if (err)
		request_failed(c, a.cmd, NULL, err);
	if (json) {
		json_records(&v, json_inst_fields);
	} else {
		struct table *t = table_new("ID> PID> COMM USER STATE DEVICE RX/TX/EV FRAME> SOCKETS FILTERS> NETNS>");

		for (size_t n = 0; n < v.n; n++) {
			const struct inst *i = (struct inst *)v.v + n;
			char buf[64];

			table_cell(t, "%u", i->id);
			table_cell(t, "%u", i->pid);
			table_cell(t, "%s", i->comm);
			table_cell(t, "%s", user_name(i->uid, buf, sizeof(buf)));
			table_cell(t, "%s", state_name(i->state));
			table_cell(t, "%s", dev_str(i, buf, sizeof(buf)));
			if (i->has_area) {
				table_cell(t, "%u/%u/%u", i->rx, i->tx, i->ev);
				table_cell(t, "%u", i->frame);
				table_cell(t, "%u/%u", i->socks_used,
					   i->sock_entries);
			} else {
				table_cell(t, "-");
				table_cell(t, "-");
				table_cell(t, "-");
			}
			table_cell(t, "%u", i->filters);
			table_cell(t, "%u", i->netns_ino);
		}
		table_print(t, stdout, "");
		table_free(t);
	}
	vec_free(&v);
	ctl_close(c);
	return 0;
}

static void json_filter_fields(struct json *j, const void *rec)
{
	const struct filter *f = rec;
	char buf[INET_ADDRSTRLEN];

	json_uint(j, "instance", f->inst);
	json_uint(j, "id", f->id);
	json_str(j, "proto", proto_name(f->proto));
	addr_str(f->laddr, buf, sizeof(buf));
	json_str(j, "local_addr", buf);
	json_uint(j, "local_port", ntohs(f->lport));
	if (f->has_remote) {
		addr_str(f->raddr, buf, sizeof(buf));
		json_str(j, "remote_addr", buf);
		json_uint(j, "remote_port", ntohs(f->rport));
	} else {
		json_null(j, "remote_addr");
		json_null(j, "remote_port");
	}
	json_bool(j, "connected", f->flags & CSE_PORT_CONNECTED);
	json_bool(j, "caller_socket", f->flags & CSE_PORT_SOCKET);
	json_bool(j, "active", f->active);
}

static void json_stats_fields(struct json *j, const struct stats *s)
{
	for (int a = CSE_STATS_A_RX_FRAMES; a <= CSE_STATS_A_MAX; a++)
		json_uint(j, stats_name(a), s->v[a]);
}

/* One row of the filters table: INSTANCE FILTER PROTO LOCAL REMOTE ... */
static void filter_row(struct table *t, const struct filter *f, bool inst)
{
	char buf[64];

	if (inst)
		table_cell(t, "%u", f->inst);
	table_cell(t, "%u", f->id);
	table_cell(t, "%s", proto_name(f->proto));
	endpoint_str(f->laddr, f->lport, buf, sizeof(buf));
	table_cell(t, "%s", buf);
	if (f->has_remote)
		endpoint_str(f->raddr, f->rport, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "*:*");
	table_cell(t, "%s", buf);
	table_cell(t, "%s", f->flags & CSE_PORT_CONNECTED ? "connected" :
		   "listening");
	table_cell(t, "%s", f->flags & CSE_PORT_SOCKET ? "caller" : "module");
	table_cell(t, "%s", f->active ? "active" : "stale");
}

#define FILTER_COLS "FILTER> PROTO LOCAL REMOTE KIND HOLDER STATE"

static void show_human(const struct inst *i, const struct vec *filters,
		       const struct stats *st)
{
	char buf[128], user[64];

	printf("instance %u\n", i->id);
	printf("  process   %u (%s), user %s\n", i->pid, i->comm,
	       user_name(i->uid, user, sizeof(user)));
	printf("  state     %s\n", state_name(i->state));
	if (i->has_minor) {
		features_str(i->features, buf, sizeof(buf));
		printf("  abi       %u.%u, features %s\n", CSE_ABI_MAJOR,
		       i->minor, buf);
	}
	printf("  netns     %u", i->netns_ino);
	if (i->has_nsid)
		printf(" (id %d)", i->nsid);
	putchar('\n');
	if (i->has_ifname)
		printf("  device    %s (ifindex %u)\n", i->ifname, i->ifindex);
	else if (i->has_ifindex)
		printf("  device    ifindex %u (gone)\n", i->ifindex);
	else
		printf("  device    -\n");
	if (i->has_area) {
		printf("  rings     rx %u, tx %u, events %u entries; frames of %u bytes\n",
		       i->rx, i->tx, i->ev, i->frame);
		printf("  area      %llu bytes (%llu KiB)\n",
		       (unsigned long long)i->mmap_size,
		       (unsigned long long)i->mmap_size >> 10);
		printf("  sockets   %u of %u slots in use%s\n", i->socks_used,
		       i->sock_entries, i->sock_table ? ", socket table" : "");
	}
	if (i->has_addr) {
		ident_str(i, buf, sizeof(buf));
		printf("  address   %s", buf);
		mac_str(i, buf, sizeof(buf));
		printf(i->has_mac ? ", MAC %s (its own)\n" : "\n", buf);
	}
	printf("  filters   %u\n", i->filters);
	if (filters && filters->n) {
		struct table *t = table_new(FILTER_COLS);

		for (size_t n = 0; n < filters->n; n++)
			filter_row(t, (struct filter *)filters->v + n, false);
		table_print(t, stdout, "    ");
		table_free(t);
	}
	if (st) {
		printf("  counters\n");
		for (int a = CSE_STATS_A_RX_FRAMES; a <= CSE_STATS_A_MAX; a++)
			printf("    %-13s %llu\n", stats_name(a),
			       (unsigned long long)st->v[a]);
	}
}

static void show_json(struct json *j, const struct inst *i,
		      const struct vec *filters, const struct stats *st)
{
	json_obj(j, NULL);
	json_inst_fields(j, i);
	json_arr(j, "filters");
	for (size_t n = 0; filters && n < filters->n; n++) {
		json_obj(j, NULL);
		json_filter_fields(j, (struct filter *)filters->v + n);
		json_end(j);
	}
	json_end(j);
	if (st) {
		json_obj(j, "stats");
		json_stats_fields(j, st);
		json_end(j);
	} else {
		json_null(j, "stats");
	}
	json_end(j);
}

/* The instances ID or pid:PID names, at least one; else says why, exits. */
static struct ctl *named_instances(const struct args *a, struct vec *insts)
{
	struct ctl *c = connect_or_die();
	int err = ctl_instances(c, a->sel.id, a->sel.pid, insts);

	if (err)
		request_failed(c, a->cmd, &a->sel, err);
	if (!insts->n)
		die("%s: process %u has no instance (that you may see)", a->cmd,
		    a->sel.pid);
	return c;
}

static int cmd_show(int argc, char **argv)
{
	struct vec insts = { 0 };
	struct json *j = NULL;
	struct args a;
	struct ctl *c;

	parse_args(argc, argv, OPT_SEL | OPT_SEL_NEEDED, &a);
	c = named_instances(&a, &insts);
	if (json) {
		j = json_new(stdout, false);
		if (a.sel.pid)
			json_arr(j, NULL);
	}
	for (size_t n = 0; n < insts.n; n++) {
		const struct inst *i = (struct inst *)insts.v + n;
		struct vec filters = { 0 }, stats = { 0 };
		const struct stats *st = NULL;

		/* It may go away meanwhile: then without these. */
		if (ctl_filters(c, i->id, 0, &filters))
			vec_free(&filters);
		if (!ctl_stats(c, i->id, 0, &stats) && stats.n)
			st = stats.v;
		if (j) {
			show_json(j, i, &filters, st);
		} else {
			if (n)
				putchar('\n');
			show_human(i, &filters, st);
		}
		vec_free(&filters);
		vec_free(&stats);
	}
	if (j) {
		if (a.sel.pid)
			json_end(j);
		json_free(j);
	}
	vec_free(&insts);
	ctl_close(c);
	return 0;
}

static int cmd_filters(int argc, char **argv)
{
	struct vec v = { 0 };
	struct args a;
	struct ctl *c;
	int err;

	parse_args(argc, argv, OPT_SEL, &a);
	c = connect_or_die();
	err = ctl_filters(c, a.sel.id, a.sel.pid, &v);
	if (err)
		request_failed(c, a.cmd, &a.sel, err);
	if (json) {
		json_records(&v, json_filter_fields);
	} else {
		struct table *t = table_new("INSTANCE> " FILTER_COLS);

		for (size_t n = 0; n < v.n; n++)
			filter_row(t, (struct filter *)v.v + n, true);
		table_print(t, stdout, "");
		table_free(t);
	}
	vec_free(&v);
	ctl_close(c);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "HH:MM:SS.mmm" of a wall-clock time. */
static void clock_str(double t, char *buf, size_t len)
{
	time_t sec = (time_t)t;
	struct tm tm;

	localtime_r(&sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (int)((t - sec) * 1000));
}

static const struct stats *find_stats(const struct vec *v, uint32_t inst)
{
	for (size_t n = 0; v && n < v->n; n++)
		if (((struct stats *)v->v)[n].inst == inst)
			return (struct stats *)v->v + n;
	return NULL;
}

/* One sample: a table (with rates since @prev when watching) or JSON. */
static void stats_print(const struct vec *cur, const struct vec *prev,
			double secs, const struct args *a)
{
	if (json) {
		struct json *j = json_new(stdout, a->watch);

		if (a->watch) {
			json_obj(j, NULL);
			json_num(j, "time", now());
			json_arr(j, "stats");
		} else {
			json_arr(j, NULL);
		}
		for (size_t n = 0; n < cur->n; n++) {
			json_obj(j, NULL);
			json_uint(j, "instance", ((struct stats *)cur->v)[n].inst);
			json_stats_fields(j, (struct stats *)cur->v + n);
			json_end(j);
		}
		json_end(j);
		if (a->watch)
			json_end(j);
		json_free(j);
		fflush(stdout);
		return;
	}
	struct table *t = table_new(a->watch ?
		"INSTANCE> RX_FRAMES> RX/S> RX_BYTES> RX_DROPPED> TX_FRAMES> TX/S> TX_BYTES> TX_REJECTED> TX_ERRORS> EV_EVENTS> EV_DROPPED> RING_ERRORS> ADDR_BLOCKED> HANDOVERS_OUT> HANDOVERS_IN>" :
		"INSTANCE> RX_FRAMES> RX_BYTES> RX_DROPPED> TX_FRAMES> TX_BYTES> TX_REJECTED> TX_ERRORS> EV_EVENTS> EV_DROPPED> RING_ERRORS> ADDR_BLOCKED> HANDOVERS_OUT> HANDOVERS_IN>");

	for (size_t n = 0; n < cur->n; n++) {
		const struct stats *s = (struct stats *)cur->v + n;
		const struct stats *p = find_stats(prev, s->inst);

		table_cell(t, "%u", s->inst);
		for (int at = CSE_STATS_A_RX_FRAMES; at <= CSE_STATS_A_MAX; at++) {
			table_cell(t, "%llu", (unsigned long long)s->v[at]);
			if (!a->watch ||
			    (at != CSE_STATS_A_RX_FRAMES &&
			     at != CSE_STATS_A_TX_FRAMES))
				continue;
			if (p && secs > 0)
				table_cell(t, "%.0f", (s->v[at] - p->v[at]) / secs);
			else
				table_cell(t, "-");
		}
	}
	if (a->watch) {
		char buf[32];

		clock_str(now(), buf, sizeof(buf));
		printf("%s# %s\n", prev ? "\n" : "", buf);
	}
	table_print(t, stdout, "");
	table_free(t);
	fflush(stdout);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Sleep until @until (monotonic) or a signal. */
static void sleep_until(double until)
{
	double left;

	while (!stop && (left = until - mono()) > 0) {
		struct timespec ts = {
			.tv_sec = (time_t)left,
			.tv_nsec = (long)((left - (time_t)left) * 1e9),
		};

		nanosleep(&ts, NULL);
	}
}

static int cmd_stats(int argc, char **argv)
{
	struct vec cur = { 0 }, prev = { 0 };
	double last = 0, next;
	unsigned long long n;
	struct args a;
	struct ctl *c;
	int err;

	parse_args(argc, argv, OPT_SEL | OPT_WATCH | OPT_COUNT, &a);
	c = connect_or_die();
	catch_signals();
	next = mono();
	for (n = 0; !stop; n++) {
		double t = mono();

		err = ctl_stats(c, a.sel.id, a.sel.pid, &cur);
		if (err)
			request_failed(c, a.cmd, &a.sel, err);
		stats_print(&cur, n ? &prev : NULL, t - last, &a);
		last = t;
		vec_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		if (!a.watch || (a.has_count && n + 1 >= a.count))
			break;
		next += a.watch;
		sleep_until(next);
	}
	vec_free(&prev);
	ctl_close(c);
	return 0;
}

struct monitor {
	unsigned long long seen, count;
};

/* The human-readable details of an event. */
static void event_details(const struct event *e, char *buf, size_t len)
{
	char a[64], b[64];

	buf[0] = 0;
	switch (e->cmd) {
	case CSE_CMD_INST_NEW:
		snprintf(buf, len, "pid %u uid %u comm %s", e->inst.pid,
			 e->inst.uid, e->inst.comm);
		break;
	case CSE_CMD_INST_ATTACH:
		snprintf(buf, len, "%s (ifindex %u)", e->inst.ifname,
			 e->inst.ifindex);
		break;
	case CSE_CMD_INST_DETACH:
		snprintf(buf, len, "ifindex %u", e->inst.ifindex);
		break;
	case CSE_CMD_FILTER_NEW:
	case CSE_CMD_FILTER_DEL:
		endpoint_str(e->filter.laddr, e->filter.lport, a, sizeof(a));
		if (e->filter.has_remote)
			endpoint_str(e->filter.raddr, e->filter.rport, b, sizeof(b));
		else
			snprintf(b, sizeof(b), "*:*");
		snprintf(buf, len, "filter %u %s %s %s %s%s", e->filter.id,
			 proto_name(e->filter.proto), a, b,
			 e->filter.flags & CSE_PORT_CONNECTED ? "connected" :
			 "listening",
			 e->filter.flags & CSE_PORT_SOCKET ? ", caller's socket" : "");
		break;
	case CSE_CMD_DEV_EVENT:
		switch (e->type) {
		case CSE_EV_CARRIER:
			snprintf(buf, len, "carrier %s (ifindex %u)",
				 e->value ? "on" : "off", e->ifindex);
			break;
		case CSE_EV_MTU:
			snprintf(buf, len, "mtu %u (ifindex %u)", e->value,
				 e->ifindex);
			break;
		case CSE_EV_ADDR_ADD:
		case CSE_EV_ADDR_DEL:
			addr_str(e->value, a, sizeof(a));
			snprintf(buf, len, "%s %s/%u (ifindex %u)",
				 dev_event_name(e->type), a, e->value2,
				 e->ifindex);
			break;
		default:
			snprintf(buf, len, "%s (ifindex %u)",
				 dev_event_name(e->type), e->ifindex);
		}
		break;
	}
}

static void event_json(const struct event *e)
{
	struct json *j = json_new(stdout, true);
	char buf[INET_ADDRSTRLEN];

	json_obj(j, NULL);
	json_num(j, "time", now());
	json_str(j, "event", event_name(e->cmd));
	json_uint(j, "instance", e->inst.id);
	switch (e->cmd) {
	case CSE_CMD_INST_NEW:
		json_uint(j, "pid", e->inst.pid);
		json_uint(j, "uid", e->inst.uid);
		json_str(j, "comm", e->inst.comm);
		json_uint(j, "netns_inode", e->inst.netns_ino);
		break;
	case CSE_CMD_INST_ATTACH:
		json_uint(j, "ifindex", e->inst.ifindex);
		json_str(j, "ifname", e->inst.ifname);
		break;
	case CSE_CMD_INST_DETACH:
		json_uint(j, "ifindex", e->inst.ifindex);
		break;
	case CSE_CMD_FILTER_NEW:
	case CSE_CMD_FILTER_DEL:
		json_obj(j, "filter");
		json_filter_fields(j, &e->filter);
		json_end(j);
		break;
	case CSE_CMD_DEV_EVENT:
		json_str(j, "type", dev_event_name(e->type));
		json_uint(j, "ifindex", e->ifindex);
		json_uint(j, "value", e->value);
		json_uint(j, "value2", e->value2);
		if (e->type == CSE_EV_ADDR_ADD || e->type == CSE_EV_ADDR_DEL) {
			addr_str(e->value, buf, sizeof(buf));
			json_str(j, "addr", buf);
			json_uint(j, "prefixlen", e->value2);
		}
		break;
	}
	json_end(j);
	json_free(j);
}

static int on_event(const struct event *e, void *arg)
{
	struct monitor *m = arg;

	if (json) {
		event_json(e);
	} else {
		char t[32], details[256];

		clock_str(now(), t, sizeof(t));
		event_details(e, details, sizeof(details));
		if (*details)
			printf("%-12s  %8u  %-10s  %s\n", t, e->inst.id,
			       event_name(e->cmd), details);
		else
			printf("%-12s  %8u  %s\n", t, e->inst.id,
			       event_name(e->cmd));
	}
	fflush(stdout);
	return m->count && ++m->seen >= m->count;
}

static int cmd_monitor(int argc, char **argv)
{
	struct monitor m = { 0, 0 };
	struct args a;
	struct ctl *c;
	int err;

	parse_args(argc, argv, OPT_COUNT, &a);
	m.count = a.count;
	c = connect_or_die();
	err = ctl_join(c);
	if (err == -EPERM)
		die("%s: permission denied: the \"%s\" group needs CAP_NET_ADMIN",
		    a.cmd, CSE_GENL_MCGRP_EVENTS);
	if (err == -ENOENT)
		die("%s: this cse.ko has no \"%s\" group (its kernel cannot restrict who joins one)",
		    a.cmd, CSE_GENL_MCGRP_EVENTS);
	if (err)
		die("%s: cannot join the \"%s\" group: %s", a.cmd,
		    CSE_GENL_MCGRP_EVENTS, strerror(-err));
	catch_signals();
	/* The header says the group is joined: nothing is missed after it. */
	if (!json)
		printf("%-12s  %8s  %-10s  %s\n", "TIME", "INSTANCE", "EVENT",
		       "DETAILS");
	fflush(stdout);
	while (!stop) {
		err = ctl_events(c, 200, on_event, &m);
		if (err == 1)
			break;
		if (err == -ENOBUFS)
			fprintf(stderr, "%s: %s: events were lost (the socket's receive buffer overflowed)\n",
				prog, a.cmd);
		else if (err)
			die("%s: %s", a.cmd, strerror(-err));
	}
	ctl_close(c);
	return 0;
}

/* "10.0.0.1:80", "0.0.0.0:*": as ss -n writes an endpoint. */
static void ss_endpoint(uint32_t addr, uint16_t port, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	addr_str(addr, a, sizeof(a));
	if (port)
		snprintf(buf, len, "%s:%u", a, ntohs(port));
	else
		snprintf(buf, len, "%s:*", a);
}

#define SOCK_COLS "NETID STATE RECV-Q> SEND-Q> LOCAL PEER RETRANS> RTT(MS)> CWND> FD>"

static void sock_row(struct table *t, const struct usock *s, bool inst)
{
	char buf[64];

	if (inst)
		table_cell(t, "%u", s->inst);
	table_cell(t, "%s", proto_name(s->proto));
	table_cell(t, "%s", sock_state_name(s->state));
	table_cell(t, "%u", s->rxq);
	table_cell(t, "%u", s->txq);
	ss_endpoint(s->laddr, s->lport, buf, sizeof(buf));
	table_cell(t, "%s", buf);
	ss_endpoint(s->raddr, s->rport, buf, sizeof(buf));
	table_cell(t, "%s", buf);
	if (s->has_tcp) {
		table_cell(t, "%u", s->retrans);
		if (s->rtt_us)
			table_cell(t, "%.3g/%.3g", s->rtt_us / 1000.0,
				   s->rttvar_us / 1000.0);
		else
			table_cell(t, "-");
		table_cell(t, "%u", s->cwnd);
	} else {
		table_cell(t, "-");
		table_cell(t, "-");
		table_cell(t, "-");
	}
	if (s->has_fd)
		table_cell(t, "%d", s->fd);
	else
		table_cell(t, "-");
}

static void sock_json(struct json *j, const struct usock *s)
{
	char buf[INET_ADDRSTRLEN];

	json_obj(j, NULL);
	json_uint(j, "instance", s->inst);
	json_uint(j, "slot", s->slot);
	if (s->has_fd)
		json_int(j, "fd", s->fd);
	else
		json_null(j, "fd");
	json_str(j, "netid", proto_name(s->proto));
	json_str(j, "state", sock_state_name(s->state));
	json_uint(j, "recv_q", s->rxq);
	json_uint(j, "send_q", s->txq);
	addr_str(s->laddr, buf, sizeof(buf));
	json_str(j, "local_address", buf);
	json_uint(j, "local_port", ntohs(s->lport));
	addr_str(s->raddr, buf, sizeof(buf));
	json_str(j, "peer_address", buf);
	json_uint(j, "peer_port", ntohs(s->rport));
	if (s->has_tcp) {
		json_uint(j, "retransmits", s->retrans);
		json_uint(j, "rtt_us", s->rtt_us);
		json_uint(j, "rttvar_us", s->rttvar_us);
		json_uint(j, "cwnd", s->cwnd);
		json_uint(j, "mss", s->mss);
	} else {
		json_null(j, "retransmits");
		json_null(j, "rtt_us");
		json_null(j, "rttvar_us");
		json_null(j, "cwnd");
		json_null(j, "mss");
	}
	json_end(j);
}

/*
 * The sockets of instance @i into @all; false (with a note on stderr)
 * when it has no socket table. A module without the command is fatal.
 */
static bool sockets_of(struct ctl *c, const char *cmd, const struct inst *i,
		       struct vec *all)
{
	struct vec v = { 0 };
	int err = ctl_sockets(c, i->id, 0, &v);

	if (err == -EOPNOTSUPP)
		die("%s: this cse.ko cannot list sockets (it predates ABI 1.3)",
		    cmd);
	if (err == -ENOENT)	/* gone meanwhile */
		return true;
	if (err)
		request_failed(c, cmd, NULL, err);
	if (!i->sock_table) {
		fprintf(stderr, "%s: %s: instance %u (%s, pid %u) has no socket table: %s\n",
			prog, cmd, i->id, i->comm, i->pid,
			i->has_area ? "its library does not publish one (it predates ABI 1.3)" :
				      "it is not attached");
		vec_free(&v);
		return false;
	}
	for (size_t n = 0; n < v.n; n++)
		*(struct usock *)vec_push(all) = ((struct usock *)v.v)[n];
	vec_free(&v);
	return true;
}

static int cmd_sockets(int argc, char **argv)
{
	struct vec insts = { 0 }, all = { .size = sizeof(struct usock) };
	size_t tables = 0;
	struct args a;
	struct ctl *c;

	parse_args(argc, argv, OPT_SEL | OPT_SEL_NEEDED, &a);
	c = named_instances(&a, &insts);
	for (size_t n = 0; n < insts.n; n++)
		tables += sockets_of(c, a.cmd, (struct inst *)insts.v + n, &all);
	if (!tables)
		exit(EXIT_ERROR);
	if (json) {
		struct json *j = json_new(stdout, false);

		json_arr(j, NULL);
		for (size_t n = 0; n < all.n; n++)
			sock_json(j, (struct usock *)all.v + n);
		json_end(j);
		json_free(j);
	} else {
		/* A process with several instances: say whose each is. */
		struct table *t = table_new(insts.n > 1 ? "INSTANCE> " SOCK_COLS :
					    SOCK_COLS);

		for (size_t n = 0; n < all.n; n++)
			sock_row(t, (struct usock *)all.v + n, insts.n > 1);
		table_print(t, stdout, "");
		table_free(t);
	}
	vec_free(&all);
	vec_free(&insts);
	ctl_close(c);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "filters", cmd_filters },
	{ "stats", cmd_stats },
	{ "monitor", cmd_monitor },
	{ "sockets", cmd_sockets },
};

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-V") ||
			   !strcmp(argv[i], "--version")) {
			printf("csectl (cse) for ABI %d.%d\n", CSE_ABI_MAJOR,
			       CSE_ABI_MINOR);
			return 0;
		} else {
			bad_usage("unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc)
		bad_usage("no command given");
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (!strcmp(argv[i], commands[c].name)) {
			command = commands[c].name;
			return commands[c].fn(argc - i, argv + i);
		}
	}
	bad_usage("unknown command '%s'", argv[i]);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * csectl's output: aligned tables, a small JSON writer, and the names of
 * the family's values.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csectl.h"

#define MAXCOLS 16

/*
 * A table: its columns come from @spec, names separated by spaces, a name
 * ending in '>' is right-aligned (numbers). Cells are added row by row.
 */
struct table {
	int ncols;
	char *names[MAXCOLS];
	bool right[MAXCOLS];
	char **cells;
	size_t ncells, cap;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "csectl: out of memory\n");
		exit(EXIT_ERROR);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

struct table *table_new(const char *spec)
{
	struct table *t = xmalloc(sizeof(*t));
	char *copy = xstrdup(spec), *save, *tok;

	memset(t, 0, sizeof(*t));
	for (tok = strtok_r(copy, " ", &save); tok && t->ncols < MAXCOLS;
	     tok = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(tok);

		t->right[t->ncols] = tok[len - 1] == '>';
		if (t->right[t->ncols])
			tok[len - 1] = 0;
		t->names[t->ncols++] = xstrdup(tok);
	}
	free(copy);
	return t;
}

void table_cell(struct table *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = realloc(t->cells, t->cap * sizeof(*t->cells));
		if (!t->cells) {
			fprintf(stderr, "csectl: out of memory\n");
			exit(EXIT_ERROR);
		}
	}
	t->cells[t->ncells++] = xstrdup(buf);
}

static void table_line(const struct table *t, FILE *f, char **row,
		       const size_t *width, const char *indent)
{
	fputs(indent, f);
	for (int c = 0; c < t->ncols; c++) {
		int w = (int)width[c];
		bool last = c == t->ncols - 1;

		if (t->right[c])
			fprintf(f, "%*s", w, row[c]);
		else if (last)
			fputs(row[c], f);
		else
			fprintf(f, "%-*s", w, row[c]);
		fputs(last ? "\n" : "  ", f);
	}
}

void table_print(struct table *t, FILE *f, const char *indent)
{
	size_t width[MAXCOLS] = { 0 }, rows = t->ncells / t->ncols;

	for (int c = 0; c < t->ncols; c++)
		width[c] = strlen(t->names[c]);
	for (size_t i = 0; i < rows * t->ncols; i++) {
		size_t len = strlen(t->cells[i]);

		if (len > width[i % t->ncols])
			width[i % t->ncols] = len;
	}
	table_line(t, f, t->names, width, indent);
	for (size_t r = 0; r < rows; r++)
		table_line(t, f, t->cells + r * t->ncols, width, indent);
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	for (int c = 0; c < t->ncols; c++)
		free(t->names[c]);
	free(t->cells);
	free(t);
}

/*
 * JSON: objects and arrays nest; a value inside an object has a key, one
 * inside an array has none. Pretty (two-space indent) or compact (one line,
 * for JSON Lines).
 */
struct json {
	FILE *f;
	bool compact;
	int depth;
	bool first[32];
	char close[32];
};

struct json *json_new(FILE *f, bool compact)
{
	struct json *j = xmalloc(sizeof(*j));

	memset(j, 0, sizeof(*j));
	j->f = f;
	j->compact = compact;
	j->first[0] = true;
	return j;
}

void json_free(struct json *j)
{
	if (!j->compact || j->depth == 0)
		fputc('\n', j->f);
	free(j);
}

static void json_string(struct json *j, const char *s)
{
	fputc('"', j->f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(j->f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", j->f);
		else if (c == '\t')
			fputs("\\t", j->f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
}

/* Separator, indentation and key before a value. */
static void json_key(struct json *j, const char *key)
{
	if (j->depth) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		if (j->compact) {
			if (!j->first[j->depth])
				fputc(' ', j->f);
		} else {
			fprintf(j->f, "\n%*s", 2 * j->depth, "");
		}
	}
	j->first[j->depth] = false;
	if (key) {
		json_string(j, key);
		fputs(": ", j->f);
	}
}

static void json_open(struct json *j, const char *key, char open, char close)
{
	json_key(j, key);
	fputc(open, j->f);
	j->depth++;
	j->first[j->depth] = true;
	j->close[j->depth] = close;
}

void json_obj(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void json_arr(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

void json_end(struct json *j)
{
	bool empty = j->first[j->depth];
	char close = j->close[j->depth];

	j->depth--;
	if (!empty && !j->compact)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(close, j->f);
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void json_num(struct json *j, const char *key, double v)
{
	json_key(j, key);
	fprintf(j->f, "%.3f", v);
}

void json_bool(struct json *j, const char *key, bool b)
{
	json_key(j, key);
	fputs(b ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}

const char *state_name(uint32_t state)
{
	switch (state) {
	case CSE_INST_OPEN: return "open";
	case CSE_INST_HANDSHAKEN: return "handshaken";
	case CSE_INST_ATTACHED: return "attached";
	case CSE_INST_DETACHED: return "detached";
	case CSE_INST_DEAD: return "dead";
	}
	return "unknown";
}

const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	}
	return "unknown";
}

const char *sock_state_name(uint8_t state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTAB", [TCP_SYN_SENT] = "SYN-SENT",
		[TCP_SYN_RECV] = "SYN-RECV", [TCP_FIN_WAIT1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT2] = "FIN-WAIT-2", [TCP_TIME_WAIT] = "TIME-WAIT",
		[TCP_CLOSE] = "UNCONN", [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_LAST_ACK] = "LAST-ACK", [TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "UNKNOWN";
}

const char *dev_event_name(uint32_t type)
{
	switch (type) {
	case CSE_EV_UNREGISTER: return "unregister";
	case CSE_EV_UP: return "up";
	case CSE_EV_DOWN: return "down";
	case CSE_EV_CARRIER: return "carrier";
	case CSE_EV_MTU: return "mtu";
	case CSE_EV_ADDR_ADD: return "addr-add";
	case CSE_EV_ADDR_DEL: return "addr-del";
	}
	return "unknown";
}

const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case CSE_CMD_INST_NEW: return "new";
	case CSE_CMD_INST_DEL: return "del";
	case CSE_CMD_INST_ATTACH: return "attach";
	case CSE_CMD_INST_DETACH: return "detach";
	case CSE_CMD_FILTER_NEW: return "filter-new";
	case CSE_CMD_FILTER_DEL: return "filter-del";
	case CSE_CMD_DEV_EVENT: return "link";
	}
	return "unknown";
}

/* Names of the counters, as struct cse_stats has them. */
const char *stats_name(int attr)
{
	switch (attr) {
	case CSE_STATS_A_RX_FRAMES: return "rx_frames";
	case CSE_STATS_A_RX_BYTES: return "rx_bytes";
	case CSE_STATS_A_RX_DROPPED: return "rx_dropped";
	case CSE_STATS_A_TX_FRAMES: return "tx_frames";
	case CSE_STATS_A_TX_BYTES: return "tx_bytes";
	case CSE_STATS_A_TX_REJECTED: return "tx_rejected";
	case CSE_STATS_A_TX_ERRORS: return "tx_errors";
	case CSE_STATS_A_EV_EVENTS: return "ev_events";
	case CSE_STATS_A_EV_DROPPED: return "ev_dropped";
	case CSE_STATS_A_RING_ERRORS: return "ring_errors";
	case CSE_STATS_A_ADDR_BLOCKED: return "addr_blocked";
	case CSE_STATS_A_HANDOVERS_OUT: return "handovers_out";
	case CSE_STATS_A_HANDOVERS_IN: return "handovers_in";
	}
	return "unknown";
}

/* "sockets,port-fd", "-" for none, unknown bits in hex. */
void features_str(uint64_t f, char *buf, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ CSE_FEAT_SOCKETS, "sockets" },
		{ CSE_FEAT_PORT_FD, "port-fd" },
		{ CSE_FEAT_SHARED_PORTS, "shared-ports" },
		{ CSE_FEAT_SOCK_INFO, "sock-info" },
		{ CSE_FEAT_ADDR, "addr" },
		{ CSE_FEAT_WAIT_RINGS, "wait-rings" },
		{ CSE_FEAT_HANDOVER, "handover" },
	};
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & names[i].bit))
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
			      names[i].name);
		f &= ~names[i].bit;
		if (n >= len)
			return;
	}
	if (f)
		snprintf(buf + n, len - n, "%s0x%llx", n ? "," : "",
			 (unsigned long long)f);
	else if (!n)
		snprintf(buf, len, "-");
}

void addr_str(uint32_t addr, char *buf, size_t len)
{
	struct in_addr a = { .s_addr = addr };

	if (!inet_ntop(AF_INET, &a, buf, len))
		snprintf(buf, len, "?");
}

/* "10.0.0.1:80"; "*" for any address (and port 0). */
void endpoint_str(uint32_t addr, uint16_t port, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN] = "*";

	if (addr)
		addr_str(addr, a, sizeof(a));
	if (port)
		snprintf(buf, len, "%s:%u", a, ntohs(port));
	else
		snprintf(buf, len, "%s:*", a);
}

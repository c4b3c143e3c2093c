// SPDX-License-Identifier: GPL-2.0
/*
 * Start-up of libcse.so inside the application. When the library is loaded
 * (LD_PRELOAD) it opens the device and performs the handshake before main()
 * runs. If that fails, the application is served by the kernel's own stack
 * and told so in exactly one line on stderr: a program must never break
 * because cse.ko is missing.
 *
 * Environment (Documentation/admin-guide/library.rst has them all):
 *   CSE_DEVICE   the device to open (default /dev/cse)
 *   CSE_IFNAME   the network device to serve (default: the default route's)
 *   CSE_VERBOSE  when set to 1, also describe a successful start
 *   CSE_FALLBACK kernel (default) or error: what to do when it cannot start
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "../dev/dev.h"
#include "../serve/ident.h"
#include "../serve/inst.h"
#include "../dev/hello.h"
#include "preload.h"

struct cse_lib cse_lib;

/* write(2), not stdio: safe however early in the process this runs. */
static void cse_say(const char *line)
{
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "libcse: %s\n", line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(STDERR_FILENO, buf, n) < 0)
		return;
}

static const char *cse_env(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/* CSE_FALLBACK: 1 for kernel (the default), 0 for error, -1 if bad. */
static int cse_fallback_policy(void)
{
	const char *v = cse_env("CSE_FALLBACK", "kernel");

	if (!strcmp(v, "kernel"))
		return 1;
	return strcmp(v, "error") ? -1 : 0;
}

__attribute__((constructor)) static void cse_lib_init(void)
{
	int policy = cse_fallback_policy();
	char line[400], why[300];

	if (policy < 0) {
		snprintf(line, sizeof(line),
			 "CSE_FALLBACK must be kernel or error, not '%s'",
			 getenv("CSE_FALLBACK"));
		cse_say(line);
		_exit(1);
	}
	if (cse_inst_start(why, sizeof(why))) {
		cse_lib.fallback = 1;
		snprintf(line, sizeof(line), "%s; %s", why,
			 cse_ident.wanted && policy ?
			 "IPv4 sockets fail (no identity, no fallback)" :
			 policy ? "using the kernel's network stack" :
			 "not running the program (CSE_FALLBACK=error)");
		cse_say(line);
		if (!policy)
			_exit(1);
		return;
	}
	if (!strcmp(cse_env("CSE_VERBOSE", "0"), "1")) {
		cse_hello_describe(line, sizeof(line), cse_inst.dev_path,
				   &cse_inst.dev.hello);
		cse_say(line);
		snprintf(line, sizeof(line), "serving %s (%s/%u)",
			 cse_inst.net.ifname, inet_ntoa(cse_inst.net.addr),
			 cse_inst.net.prefix_len);
		cse_say(line);
		if (cse_inst.mirror.fd < 0)
			snprintf(line, sizeof(line),
				 "rtnetlink mirror off (%s): routes and addresses as read at start",
				 strerror(-cse_inst.mirror.err));
		else
			snprintf(line, sizeof(line),
				 "following the host's routes (%u), addresses (%u) and neighbours",
				 cse_inst.net.n_routes, cse_inst.net.n_local);
		cse_say(line);
	}
}

__attribute__((destructor)) static void cse_lib_fini(void)
{
	cse_inst_exit(true);
}

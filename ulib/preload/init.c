// SPDX-License-Identifier: GPL-2.0
/*
 * Start-up of libcse.so inside the application. When the library is loaded
 * (LD_PRELOAD) it opens the device and performs the handshake before main()
 * runs. If that fails, the application is served by the kernel's own stack
 * and told so in exactly one line on stderr: a program must never break
 * because cse.ko is missing.
 *
 * Environment:
 *   CSE_DEVICE   the device to open (default /dev/cse)
 *   CSE_VERBOSE  when set to 1, also describe a successful handshake
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dev/dev.h"
#include "../dev/hello.h"
#include "preload.h"

/* Descriptors of the library sit at or above this, out of the way. */
#define CSE_FD_FLOOR	900

struct cse_lib cse_lib = { .dev = { .fd = -1 } };

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

__attribute__((constructor)) static void cse_lib_init(void)
{
	const char *path = cse_env("CSE_DEVICE", "/dev/" CSE_DEVICE_NAME);
	char line[400], why[300];

	if (cse_dev_open(&cse_lib.dev, path, CSE_FD_FLOOR, why, sizeof(why))) {
		cse_lib.fallback = 1;
		snprintf(line, sizeof(line),
			 "%s; using the kernel's network stack", why);
		cse_say(line);
		return;
	}
	if (!strcmp(cse_env("CSE_VERBOSE", "0"), "1")) {
		cse_hello_describe(line, sizeof(line), path, &cse_lib.dev.hello);
		cse_say(line);
	}
}

__attribute__((destructor)) static void cse_lib_fini(void)
{
	cse_dev_close(&cse_lib.dev);
}

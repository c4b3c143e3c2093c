// SPDX-License-Identifier: GPL-2.0
/*
 * _exit() and _Exit(): the kernel finishes a process's connections after
 * it is gone, sending what was written and the FIN, while a user-mode
 * stack dies with its process. exit() lets them drain (the destructor in
 * init.c); a process that ends with _exit() must get the same, or a
 * forked child that closes its connection and calls _exit() (Python's
 * ForkingMixIn, many C servers) would leave its peer a reset where the
 * kernel leaves the whole answer. The C library's own calls of _exit()
 * (exit() itself, a failed posix_spawn child) do not come here.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../serve/inst.h"

#define CSE_EXPORT	__attribute__((visibility("default")))

static __attribute__((noreturn)) void cse_exit_now(int status)
{
	/*
	 * Only the instance's own process drains (a forked child that
	 * never served, or shares the parent's memory, returns at once).
	 */
	cse_inst_exit(false);
	for (;;)
		syscall(SYS_exit_group, status);
}

CSE_EXPORT void _exit(int status)
{
	cse_exit_now(status);
}

CSE_EXPORT void _Exit(int status)
{
	cse_exit_now(status);
}

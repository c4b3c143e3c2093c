// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into every unit-test program. The kselftest harness runs each test
 * in a forked child that ends with _exit(), and _exit() skips
 * LeakSanitizer's check at exit: a test could leak and still pass. This
 * _exit(), which the harness's calls bind to, checks for leaks first; a leak
 * is reported and ends the child with LeakSanitizer's failure status, so
 * the test that leaked fails.
 */
#include <sanitizer/lsan_interface.h>
#include <sys/syscall.h>
#include <unistd.h>

void _exit(int status)
{
	__lsan_do_leak_check();
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

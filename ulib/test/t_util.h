/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the host unit tests (t_ prefix). */
#ifndef CSE_T_UTIL_H
#define CSE_T_UTIL_H

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct t_output {
	char out[8192];
	size_t out_len;
	char err[8192];
	size_t err_len;
	int status;	/* exit status, or 128 + signal */
};

/* Read what @fd has into @buf (NUL-terminated); returns 0 at EOF. */
static inline int t_drain(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n = read(fd, buf + *len, cap - 1 - *len);

	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	*len += n;
	buf[*len] = '\0';
	return *len < cap - 1;
}

/*
 * Run @argv with @envp, capturing stdout and stderr separately.
 * Returns 0, or -1 if the program could not be run at all.
 */
static inline int t_run(char *const argv[], char *const envp[],
			struct t_output *o)
{
	int po[2], pe[2], st;
	struct pollfd pfd[2];
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe(po) || pipe(pe))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0] = (struct pollfd){ .fd = po[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, 10000) <= 0)
			break;
		if (pfd[0].revents &&
		    !t_drain(po[0], o->out, sizeof(o->out), &o->out_len))
			pfd[0].fd = -1;
		if (pfd[1].revents &&
		    !t_drain(pe[0], o->err, sizeof(o->err), &o->err_len))
			pfd[1].fd = -1;
	}
	close(po[0]);
	close(pe[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static inline int t_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#endif /* CSE_T_UTIL_H */

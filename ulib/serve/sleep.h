/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads asleep in epoll_wait() run the rings: the instance's rings
 * eventfd sits in every epoll set that holds one of its sockets, and a
 * thread that sleeps on such a set is counted in the area, so that the
 * frame that ends its wait wakes it (not the progress thread) and it runs
 * the stack itself (uapi/linux/cse.h, "Waiting threads that run the
 * rings"). Needs CSE_FEAT_WAIT_RINGS; without it nothing here is used.
 */
#ifndef CSE_SERVE_SLEEP_H
#define CSE_SERVE_SLEEP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>

/* At instance start (locked): the eventfd, its registration, the word. */
int cse_sleep_init(void);
/* In a forked child: the parent's eventfd and word are not ours. */
void cse_sleep_abandon(void);

/* A socket of ours joins epoll set @epfd: add the eventfd to it (locked). */
void cse_sleep_watch(int epfd);
/* Descriptor @fd is closed or replaced: it is no watched set any more. */
void cse_sleep_forget(int fd);
/* Does @epfd hold the rings eventfd? */
bool cse_sleep_watched(int epfd);

/*
 * epoll_pwait() on a watched set: sleep counted, run the rings on the way
 * out, and hide the eventfd's events from the caller.
 */
int cse_sleep_epoll(int epfd, struct epoll_event *ev, int max, int timeout,
		    const sigset_t *sigmask);

#endif /* CSE_SERVE_SLEEP_H */

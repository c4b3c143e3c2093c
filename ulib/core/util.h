/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every core file uses: container_of and an intrusive list. */
#ifndef CSE_CORE_UTIL_H
#define CSE_CORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define CSE_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define cse_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Circular doubly-linked list with a sentinel, as the kernel's list_head. */
struct cse_list {
	struct cse_list *next, *prev;
};

static inline void cse_list_init(struct cse_list *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool cse_list_empty(const struct cse_list *h)
{
	return h->next == h;
}

/* Insert @n after @pos. */
static inline void cse_list_add_after(struct cse_list *pos, struct cse_list *n)
{
	n->next = pos->next;
	n->prev = pos;
	pos->next->prev = n;
	pos->next = n;
}

static inline void cse_list_add_tail(struct cse_list *h, struct cse_list *n)
{
	cse_list_add_after(h->prev, n);
}

static inline void cse_list_del(struct cse_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	cse_list_init(n);
}

#define cse_list_for_each_safe(pos, tmp, head) \
	for (pos = (head)->next, tmp = pos->next; pos != (head); \
	     pos = tmp, tmp = pos->next)

#endif /* CSE_CORE_UTIL_H */

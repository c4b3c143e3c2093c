/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cse.ko internals shared between its files. The user-visible contract is in
 * uapi/linux/cse.h; nothing here is ABI.
 */
#ifndef _CSE_H
#define _CSE_H

#include <linux/mutex.h>
#include <linux/types.h>

struct net;
struct cred;
struct pid;
struct cse_hello;

/**
 * struct cse_inst - one instance, created by each open() of /dev/cse
 * @id:       unique among live instances; reported to user space.
 * @lock:     serialises state changes (the handshake today).
 * @ready:    set, with release semantics, once the handshake succeeded;
 *            read locklessly by the ioctl dispatcher.
 * @minor:    negotiated ABI minor.
 * @features: granted feature bits.
 * @net:      network namespace of the opener (reference held).
 * @cred:     credentials of the opener (reference held).
 * @owner:    thread group of the opener (reference held).
 */
struct cse_inst {
	u32 id;
	struct mutex lock;	/* serialises the handshake */
	bool ready;
	u32 minor;
	u64 features;
	struct net *net;
	const struct cred *cred;
	struct pid *owner;
};

/* limits.c: module parameters announced by the handshake */
struct cse_limits {
	u32 max_ring_entries;
	u32 min_frame_size;
	u32 max_frame_size;
	u64 max_mem;
};

void cse_limits_get(struct cse_limits *limits);

/* inst.c */
struct cse_inst *cse_inst_create(void);
void cse_inst_destroy(struct cse_inst *inst);
void cse_inst_uninit(void);

/* hello.c */
long cse_ioctl_hello(struct cse_inst *inst, void __user *uarg);
long cse_ioctl_get_info(struct cse_inst *inst, void __user *uarg);

/* dev.c */
int cse_dev_init(void);
void cse_dev_uninit(void);

#endif /* _CSE_H */

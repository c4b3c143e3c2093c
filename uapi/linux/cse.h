/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * cse: user-mode critical system elements.
 *
 * This header is the whole contract between cse.ko and the library (libcse.so)
 * or any other program that opens /dev/cse. It is the manual: every ioctl,
 * struct, field, flag and errno is described here, and Documentation/ pulls
 * these comments in with kernel-doc.
 *
 * Instances
 * ---------
 * Every open() of /dev/cse creates one private instance. Its lifetime is that
 * of the open file description: dup() and fork() share it, the last close()
 * releases it. An instance belongs to the network namespace and credentials of
 * the process that opened it.
 *
 * Handshake
 * ---------
 * The first ioctl on a new instance must be CSE_IOC_HELLO, as FUSE's INIT is the
 * first message on /dev/fuse. The caller states the ABI it speaks (major and
 * minor) and the features it wants; the module answers with its own major, the
 * negotiated minor, the features it grants and the limits it enforces.
 *
 *  - Major versions are incompatible with each other. If the module does not
 *    speak the caller's major, CSE_IOC_HELLO fails with EPROTONOSUPPORT and
 *    still writes the module's own major and minor into the reply, so the
 *    caller can say which versions met.
 *  - Minor versions only add things. The negotiated minor is the smaller of
 *    the two; neither side uses anything newer than it.
 *  - Feature bits the module does not know are not an error: they are simply
 *    not granted (@features is @want & @supported), so a newer library runs on
 *    an older module with fewer features.
 *
 * Every other ioctl on an instance that has not completed the handshake fails
 * with EBADFD. A second CSE_IOC_HELLO fails with EALREADY.
 *
 * Rules for every struct in this file
 * -----------------------------------
 *  - Fixed size, explicit padding, naturally aligned 64-bit fields, identical
 *    on 32-bit and 64-bit user space.
 *  - The ioctl number encodes the struct size. A known ioctl number whose
 *    size or direction differs from the one defined here fails with EINVAL;
 *    an unknown ioctl fails with ENOTTY.
 *  - Fields marked (u) are written by user space, (k) by the module.
 *    (k) fields, reserved fields and padding must be zero on entry and flags
 *    must contain only defined bits; otherwise the ioctl fails with EINVAL.
 *    This is what lets a later minor give meaning to them.
 *  - A bad user pointer fails with EFAULT.
 *
 * Changelog
 * ---------
 * 1.0: first version: CSE_IOC_HELLO, CSE_IOC_GET_INFO.
 */
#ifndef _UAPI_LINUX_CSE_H
#define _UAPI_LINUX_CSE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The device node: /dev/cse. */
#define CSE_DEVICE_NAME		"cse"

/* The ABI this header describes. */
#define CSE_ABI_MAJOR		1
#define CSE_ABI_MINOR		0

/*
 * Feature bits, negotiated by CSE_IOC_HELLO. ABI 1.0 defines none yet; each
 * minor that adds an optional capability adds a bit here and a line to the
 * changelog above.
 */
#define CSE_FEATURES_ALL	0ULL

/**
 * struct cse_hello - the handshake, argument of CSE_IOC_HELLO
 * @major:            (u) the ABI major the caller speaks (CSE_ABI_MAJOR).
 *                    (k) the module's own ABI major.
 * @minor:            (u) the ABI minor the caller speaks (CSE_ABI_MINOR).
 *                    (k) the negotiated minor: min(caller's, module's). On
 *                    EPROTONOSUPPORT, the module's own minor instead.
 * @want:             (u) feature bits the caller would like to use.
 * @features:         (k) feature bits granted: @want & @supported.
 * @supported:        (k) every feature bit this module implements.
 * @flags:            (u) no flags are defined yet: must be 0.
 * @instance_id:      (k) the instance's id, unique among live instances on
 *                    this system; tools (csectl) name instances by it.
 * @max_ring_entries: (k) largest ring, in entries, the module accepts; a
 *                    power of two.
 * @min_frame_size:   (k) smallest frame buffer size the module accepts.
 * @max_frame_size:   (k) largest frame buffer size the module accepts.
 * @__pad:            must be 0.
 * @max_mem:          (k) most bytes of rings and frame buffers one instance
 *                    may have mapped.
 * @reserved:         must be 0 on entry; the module writes 0.
 *
 * The limits are those in force when the handshake ran; an administrator can
 * change them through the module's parameters (see Documentation/), which
 * affects later handshakes only.
 */
struct cse_hello {
	__u32 major;
	__u32 minor;
	__u64 want;
	__u64 features;
	__u64 supported;
	__u32 flags;
	__u32 instance_id;
	__u32 max_ring_entries;
	__u32 min_frame_size;
	__u32 max_frame_size;
	__u32 __pad;
	__u64 max_mem;
	__u64 reserved[4];
};

/**
 * struct cse_info - what an instance is, argument of CSE_IOC_GET_INFO
 * @instance_id: (k) as reported by CSE_IOC_HELLO.
 * @major:       (k) ABI major of the instance.
 * @minor:       (k) negotiated ABI minor of the instance.
 * @owner_pid:   (k) thread-group id of the process that opened the instance,
 *               as seen from the caller's pid namespace; 0 when it is not
 *               visible there.
 * @features:    (k) feature bits granted by the handshake.
 * @reserved:    must be 0 on entry; the module writes 0.
 *
 * Useful to a process that inherited an instance's file descriptor (across
 * fork or SCM_RIGHTS) and wants to know what it holds.
 */
struct cse_info {
	__u32 instance_id;
	__u32 major;
	__u32 minor;
	__u32 owner_pid;
	__u64 features;
	__u64 reserved[4];
};

/*
 * The ioctls. Magic 0xC5 ("C5E"); numbers are never reused or renumbered:
 * a changed argument gets a new number.
 */
#define CSE_IOC_MAGIC		0xC5

/*
 * CSE_IOC_HELLO - the handshake; must be the first ioctl on an instance.
 * Errors: EPROTONOSUPPORT (major not spoken; reply holds the module's major
 * and minor), EALREADY (handshake already done), EINVAL (reserved field,
 * (k) field or flag not zero), EFAULT.
 */
#define CSE_IOC_HELLO		_IOWR(CSE_IOC_MAGIC, 0x00, struct cse_hello)

/*
 * CSE_IOC_GET_INFO - describe the instance.
 * Errors: EBADFD (no handshake yet), EINVAL, EFAULT.
 */
#define CSE_IOC_GET_INFO	_IOWR(CSE_IOC_MAGIC, 0x01, struct cse_info)

#endif /* _UAPI_LINUX_CSE_H */

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
 * Attaching and the shared area
 * -----------------------------
 * After the handshake, CSE_IOC_ATTACH binds the instance to one Ethernet
 * device of the opener's network namespace, by ifindex, and creates the
 * instance's area: three rings (RX, TX, events) and two frame regions (RX,
 * TX). The caller chooses the ring sizes and the frame size within the limits
 * of the handshake; the module answers where everything lies. The whole area
 * is then mapped with a single mmap() of exactly @mmap_size bytes at offset 0,
 * MAP_SHARED::
 *
 *   0                 ring headers: for each of RX, TX, EV the producer,
 *                     consumer and flags words, each on its own cache line
 *   ...               ring entries: RX and TX struct cse_desc, EV struct
 *                     cse_event
 *   rx_frames         rx_entries frames of frame_size bytes
 *   tx_frames         tx_entries frames of frame_size bytes
 *   mmap_size
 *
 * Every position is reported as an offset from the start of the mapping (no
 * pointers ever cross the boundary); user space must use the reported
 * offsets, not compute them. An instance attaches once: the area lives until
 * the last close() and munmap().
 *
 * Rings
 * -----
 * Every ring has one producer and one consumer. Indices are free-running
 * __u32 counters that wrap naturally; entry i lives at desc[i & (entries -
 * 1)]. The ring is empty when producer == consumer and full when producer -
 * consumer == entries.
 *
 *   ring  producer           consumer
 *   RX    module (k)         user space (u)
 *   TX    user space (u)     module (k)
 *   EV    module (k)         user space (u)
 *
 * A producer writes entries (and, for RX and TX, the frame bytes they point
 * to) and then publishes them with a store-release of its index; the consumer
 * reads the producer index with a load-acquire before it reads the entries.
 * A consumer releases entries (and frames) with a store-release of its index
 * after it finished reading them; the producer reads the consumer index with
 * a load-acquire before it overwrites them.
 * Documentation/userspace-api/rings.rst pairs every barrier.
 *
 * The module never trusts the shared area: it keeps its own copy of the
 * indices it produces and consumes, reads each user-written index, offset
 * and length once, and bounds-checks it against that copy and the area's
 * geometry. A corrupt ring only harms the instance that owns it.
 *
 * RX slots are fixed: the module places entry i's frame in RX frame slot
 * (i & (rx_entries - 1)), and the slot belongs to user space until it moves
 * the RX consumer index past i.
 *
 * Port ownership
 * --------------
 * An instance receives only the flows of ports it owns. It owns a port by
 * CSE_IOC_PORT_RESERVE, which makes the module create a socket of the
 * same protocol in the opener's network namespace, with the opener's
 * credentials, and bind it to the requested local address and port. So every
 * rule of the kernel's bind() holds as for any socket of the opener: a port
 * in use fails with EADDRINUSE, a port below ip_unprivileged_port_start
 * needs CAP_NET_BIND_SERVICE (EACCES), a local address that is not the host's
 * fails with EADDRNOTAVAIL, port 0 picks an ephemeral port from
 * ip_local_port_range; and while the instance owns the port no kernel socket
 * can take it. Each reservation is one filter: a listening filter matches
 * every remote, a connected filter (CSE_PORT_CONNECTED) only one remote
 * address and port.
 *
 * Receive
 * -------
 * Once attached, a hook on the device's ingress looks at every frame the
 * device receives. A frame belongs to the instance when one of its filters
 * matches: an unfragmented IPv4 TCP or UDP segment addressed to this host
 * (a local address of the namespace, never a forwarded frame) whose
 * destination port and address are the filter's (and, for a connected
 * filter, whose source is its remote), or an ICMP error that quotes such a
 * flow. Such a frame is copied into the RX ring and never reaches the
 * kernel's stack; when the ring is full (or its consumer index corrupt) it
 * is dropped and counted in rx_dropped. ARP frames are copied to every
 * instance attached to the device and still go to the kernel, but for
 * those about a claimed address (see "An address of its own"), which the
 * claimer alone gets, as every IPv4 frame for it. Every other frame goes on
 * to the kernel untouched: the instance does not see it.
 *
 * Frames arrive as they were on the wire: a GSO or GRO super-frame is cut
 * back into wire-sized frames, and a checksum the sender left to offload is
 * completed. A frame longer than frame_size is dropped and counted.
 *
 * Transmit
 * --------
 * User space writes frames into the TX frame region, publishes struct
 * cse_desc entries in the TX ring, and calls CSE_IOC_TX_KICK. The kick
 * drains the ring in the caller's context: each frame is copied out of the
 * shared area, validated on that copy, and handed to the device
 * (dev_queue_xmit()). The TX consumer index is the completion: once it has
 * passed an entry, that entry's frame bytes have been copied and the buffer
 * may be reused. A frame is sent only if all of these hold, else it is
 * dropped and counted in tx_rejected:
 *
 *  - the entry lies in the TX frame region without crossing a slot, its
 *    flags are 0, and its length is between 14 and 14 + the device's MTU;
 *  - the Ethernet source is the device's address;
 *  - IPv4: a sane, unfragmented header whose total length fits the frame,
 *    a source address of the device, and a TCP or UDP segment whose header
 *    fits and whose source port and address belong to one of the instance's
 *    filters (for a connected filter, towards its remote only), or an ICMP
 *    error (destination unreachable, time exceeded, parameter problem,
 *    source quench) that quotes a TCP or UDP datagram of such a flow and
 *    goes back to that datagram's sender;
 *  - ARP: an Ethernet/IPv4 request or reply whose sender hardware address
 *    is the device's and whose sender protocol address is one of the
 *    device's addresses.
 *
 * An instance that claimed an address of its own (see "An address of its
 * own") may also send IPv4 from that address with any protocol, port and
 * fragmentation, and ARP for it, with the claimed MAC or the device's as
 * source.
 *
 * Any other ethertype or IP protocol is rejected. While a kick drains, the
 * module clears CSE_RING_NEED_WAKEUP in the TX ring's flags word; it sets it
 * again before it stops and then looks at the producer index once more.
 * A producer publishes its entries, issues a full memory barrier, and kicks
 * only if it then finds the flag set: either it sees the flag and kicks, or
 * the draining kick sees its entries.
 *
 * The module follows the TCP flows whose frames it sends and steers (at
 * most max_tcp_flows per instance, beyond that counted in tcp_untracked):
 * when the instance's own file is released, before its ports are given
 * back, it sends each live flow's peer a RST with the next sequence number
 * the instance sent and ACK of the last acknowledgment it sent, so a
 * process that dies without closing its connections (SIGKILL) leaves no
 * peer hanging. From then on frames of the instance's flows go to the
 * kernel's stack. User space need not do anything for it.
 *
 * poll(), select() and epoll on the instance's descriptor: readable
 * (EPOLLIN) when the RX or EV ring holds entries, writable (EPOLLOUT) when
 * the TX ring has room, EPOLLHUP once the device went away. Sleepers (and
 * the eventfd, CSE_IOC_SET_EVENTFD) are woken when a frame makes the RX ring
 * non-empty and on every event, not for each further frame: with
 * edge-triggered epoll, drain the RX ring before waiting again.
 *
 * Socket files
 * ------------
 * With CSE_FEAT_SOCKETS granted and &cse_attach.sock_entries slots in the
 * area, CSE_IOC_SOCKET gives user space a new file descriptor, a "socket
 * file" (an anonymous-inode file named "[cse-socket]"), for one socket the
 * library serves. The file is an ordinary kernel file, so close(), dup(),
 * fork(), exec and SCM_RIGHTS, and the kernel's own poll(), select() and
 * epoll (level, edge, EPOLLONESHOT, nested) work on it unchanged; read(),
 * write() and the socket system calls do not (they fail as they do on any
 * file that is not a socket), which is why the library interposes them.
 *
 * The file is bound to one slot, a struct cse_sock_slot in the area. User
 * space publishes the socket's readiness (EPOLL* bits) in the slot's @mask;
 * the file's poll method reads it there (plus, with
 * CSE_SOCKET_POLL_BACKING, the readiness of a kernel socket the file
 * holds). When the mask changes, user space wakes the file's sleepers with
 * CSE_IOC_SOCK_WAKE, but only when the slot's CSE_SLOT_SLEEPING flag is
 * set: the module sets it whenever someone polls the file or waits on it,
 * and clears it (in CSE_IOC_SOCK_WAKE) once nobody is left waiting. As
 * with the TX ring's need-wakeup flag, user space stores the new mask,
 * issues a full memory barrier and then reads the flag; the module sets the
 * flag, issues a full barrier and then reads the mask; so either the waker
 * sees the flag or the sleeper sees the mask, and while nobody sleeps a
 * readiness change costs no system call.
 *
 * When the last reference to a socket file goes (every descriptor closed,
 * in every process), the module sets CSE_SLOT_RELEASED in the slot's
 * @kflags, drops what the file held and writes a CSE_EV_SOCK_RELEASED
 * event; the slot's index may then be given to CSE_IOC_SOCKET again.
 * Since events can be dropped (CSE_EV_OVERFLOW), user space that sees an
 * overflow scans @kflags for released slots. Once the instance's own last
 * descriptor is closed and its area unmapped (its process died or exec'd a
 * program that does not serve the instance), every remaining socket file
 * polls as EPOLLERR | EPOLLHUP and CSE_SOCK_IOC_WAIT returns at once.
 *
 * Waiting threads that run the rings
 * ----------------------------------
 * A socket's readiness changes only when user space has run its stack on
 * the RX ring, so a thread blocked in recv() would need two wake-ups per
 * frame: the module wakes whoever services the rings (a thread polling the
 * device), which runs the stack and then wakes the blocked thread with
 * CSE_IOC_SOCK_WAKE. With CSE_FEAT_WAIT_RINGS granted, a thread may wait
 * with CSE_SOCK_WAIT_RINGS instead and so promise to consume the RX and EV
 * rings itself whenever its wait returns. While one such thread waits, a
 * frame or event that makes the rings non-empty wakes exactly one of these
 * waiters and nobody else: not the device's pollers, not the eventfd. The
 * wait then returns with &cse_sock_wait.woke set to CSE_SOCK_WOKE_RINGS
 * (and @revents as usual, often 0). A waiter that returns for any reason
 * (readiness, time, signal) checks the rings once more after it is back in
 * user space and consumes what it finds: the module counts a waiter until
 * just before it returns, behind a full barrier, and reads that count
 * after a full barrier that follows its ring writes, so a frame is never
 * left with nobody woken for it. Only the process that opened the instance
 * may wait so (the promise is its own); others get EPERM. Readiness
 * changes of other sockets that the waiter's run of the stack causes are
 * signalled with CSE_IOC_SOCK_WAKE as always. When the device goes away,
 * everybody is woken.
 *
 * Threads that sleep in epoll_wait() (or another poll) rather than in the
 * ioctl get the same through the rings eventfd (CSE_IOC_SET_EVENTFD with
 * CSE_EVENTFD_RINGS), which user space adds to their epoll sets
 * (EPOLLET | EPOLLEXCLUSIVE suits it: one wake-up per signal, one
 * sleeping set woken), and the &cse_attach.ring_sleepers word, in which
 * user space counts such threads: it increments the word, issues a full
 * barrier and reads the rings before it sleeps; after it wakes it
 * decrements the word, issues a full barrier and consumes the rings. While
 * the word is not 0, a frame or event signals the rings eventfd and wakes
 * nobody else; the module reads the word after a full barrier that follows
 * its ring writes, so the same pairing holds. The word is user space's:
 * a wrong count only misdirects the wake-ups of its own instance.
 *
 * The socket table
 * ----------------
 * With CSE_FEAT_SOCK_INFO granted, an attach with CSE_ATTACH_SOCK_INFO
 * (and socket slots) also lays out one struct cse_sock_info per slot, at
 * &cse_attach.sock_info: record i describes the socket of slot i. The
 * library writes it; the module only reads it, to answer
 * CSE_CMD_GET_SOCKETS for tools that list a process's sockets the way ss(8)
 * lists the kernel's, without asking the process.
 *
 * A record is written as a sequence lock: the writer makes @seq odd
 * (store, then a release fence), writes the other fields, then stores the
 * next even value with release semantics. A reader loads @seq with acquire,
 * copies the record, issues a read barrier and loads @seq again: the copy
 * is consistent when both loads gave the same even value. The module
 * retries a record that changed under it a few times, then leaves it out
 * of that reply.
 *
 * The table is the library's word about its own sockets. The module copies
 * each record once, checks the copy (protocol, state; a record whose
 * slot has no live socket file is left out), and reports only that copy:
 * a library that writes nonsense can misdescribe its own sockets, nothing
 * else.
 *
 * An address of its own
 * ----------------------
 * With CSE_FEAT_ADDR granted, an attached instance may claim one IPv4
 * address (and, optionally, an Ethernet address) that no device of its
 * network namespace has, with CSE_IOC_ADDR_CLAIM: the application then has
 * its own identity on the device's link, as a container with its own
 * interface would. Taking an address on a link is what configuring one on
 * a host device is, so the claim needs CAP_NET_ADMIN in the user namespace
 * that owns the instance's network namespace, both for the opener and for
 * the caller. From the claim on, and until the instance is closed (its
 * last descriptor, or its process dies) or its device goes away:
 *
 *  - every IPv4 frame the device receives for the address, whatever its
 *    protocol or port (fragments, ICMP and all), and every ARP request or
 *    reply whose target address it is, goes to the claiming instance alone
 *    and never to the kernel's stack nor to another instance; when a MAC
 *    was claimed the device also accepts frames sent to it (as by
 *    dev_uc_add(): a device without unicast filtering goes promiscuous);
 *  - the instance may send IPv4 from the address with any protocol and
 *    port, with the claimed MAC or the device's as Ethernet source, and
 *    ARP whose sender address is the claimed address and whose sender
 *    hardware address is the claimed MAC or the device's;
 *  - nothing else may send from it: other instances' frames from it are
 *    rejected by the rules of "Transmit" (it is not the device's address),
 *    and the namespace's own sockets, raw ones included, have their IPv4
 *    packets from it dropped where they leave the host (netfilter
 *    LOCAL_OUT; the send fails with EPERM), counted in the claimer's
 *    &cse_stats.addr_blocked;
 *  - adding the address to a device of the namespace fails with
 *    EADDRINUSE.
 *
 * The prefix length says which subnet the application reaches directly;
 * the module only stores it (the generic netlink family shows it). The
 * address must lie inside that subnet as a host may use it: neither the
 * subnet's network nor its broadcast address (for prefixes up to /30).
 * One claim per instance; it ends only with the instance or its device.
 *
 * Events
 * ------
 * The module writes a struct cse_event into the EV ring for each event that
 * happens outside the application. The last free entry of the EV ring is
 * kept for a CSE_EV_OVERFLOW record: once it is written, events are dropped
 * (and counted in the instance's counters) until user space consumes.
 *
 * Changelog
 * ---------
 * 1.0: first version: CSE_IOC_HELLO, CSE_IOC_GET_INFO, CSE_IOC_ATTACH, the
 *      shared area, the RX, TX and EV rings, CSE_IOC_GET_STATS,
 *      CSE_IOC_PORT_RESERVE, CSE_IOC_PORT_RELEASE, CSE_IOC_TX_KICK,
 *      CSE_IOC_SET_EVENTFD; events for unregister, up, down, carrier, MTU
 *      and IPv4 address changes.
 * 1.1: socket files (CSE_FEAT_SOCKETS): the socket slot table in the
 *      shared area (&cse_attach.sock_entries), CSE_IOC_SOCKET,
 *      CSE_IOC_SOCK_WAKE, CSE_SOCK_IOC_WAIT, CSE_EV_SOCK_RELEASED; ports
 *      held by the caller's own socket (CSE_FEAT_PORT_FD,
 *      CSE_PORT_SOCKET).
 * 1.2: the generic netlink family "cse" (see "Generic netlink" at the end
 *      of this file): instances, filters and counters for tools such as
 *      csectl, and the "events" multicast group. No ioctl changed.
 * 1.3: shared ports (CSE_FEAT_SHARED_PORTS): several instances adopting
 *      one listening socket share its port (see "Shared ports" at struct
 *      cse_port), CSE_PORT_ACCEPTING, CSE_PORT_SHARED, CSE_IOC_PORT_ACCEPT.
 *      A dead instance's TCP connections are reset by the module (see
 *      "Transmit"), cse_stats.tcp_untracked (a reserved field before).
 *      The socket table (CSE_FEAT_SOCK_INFO): with CSE_ATTACH_SOCK_INFO
 *      the area holds one struct cse_sock_info per socket slot
 *      (&cse_attach.sock_info), where the library describes its sockets,
 *      and the generic netlink command CSE_CMD_GET_SOCKETS reads it for
 *      tools ("csectl sockets"). CSE_A_INST_SOCK_TABLE in instance
 *      messages.
 * 1.4: an address of the instance's own (CSE_FEAT_ADDR): CSE_IOC_ADDR_CLAIM
 *      and struct cse_addr (see "An address of its own"),
 *      cse_stats.addr_blocked (a reserved field before), the generic
 *      netlink attributes CSE_A_INST_ADDR, CSE_A_INST_ADDR_PLEN,
 *      CSE_A_INST_ADDR_MAC and CSE_STATS_A_ADDR_BLOCKED.
 *      Waiting threads that run the rings (CSE_FEAT_WAIT_RINGS):
 *      CSE_SOCK_WAIT_RINGS in &cse_sock_wait.flags, the former @__pad of
 *      struct cse_sock_wait is &cse_sock_wait.woke; the rings eventfd
 *      (CSE_EVENTFD_RINGS) and &cse_attach.ring_sleepers, the former
 *      @reserved of struct cse_attach (see "Waiting threads that run the
 *      rings").
 * 1.5: handing a TCP connection over from one instance to another
 *      (CSE_FEAT_HANDOVER, see "Handing a connection over"):
 *      CSE_IOC_SOCK_ADOPT and struct cse_adopt, CSE_IOC_SOCK_HANDOVER and
 *      struct cse_handover, CSE_EV_SOCK_HANDOVER, CSE_SLOT_HANDOVER,
 *      CSE_MAX_HANDOVER_BLOB, cse_stats.handovers_out and
 *      cse_stats.handovers_in (reserved fields before), the generic
 *      netlink attributes CSE_STATS_A_HANDOVERS_OUT and
 *      CSE_STATS_A_HANDOVERS_IN.
 */
#ifndef _UAPI_LINUX_CSE_H
#define _UAPI_LINUX_CSE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The device node: /dev/cse. */
#define CSE_DEVICE_NAME		"cse"

/* The ABI this header describes. */
#define CSE_ABI_MAJOR		1
#define CSE_ABI_MINOR		5

/*
 * Feature bits, negotiated by CSE_IOC_HELLO. Each minor that adds an
 * optional capability adds a bit here and a line to the changelog above.
 */
#define CSE_FEAT_SOCKETS	0x1ULL	/* socket files (1.1) */
#define CSE_FEAT_PORT_FD	0x2ULL	/* CSE_PORT_SOCKET (1.1) */
#define CSE_FEAT_SHARED_PORTS	0x4ULL	/* shared listening ports (1.3) */
#define CSE_FEAT_SOCK_INFO	0x8ULL	/* the socket table (1.3) */
#define CSE_FEAT_ADDR		0x10ULL	/* an address of its own (1.4) */
#define CSE_FEAT_WAIT_RINGS	0x20ULL	/* CSE_SOCK_WAIT_RINGS (1.4) */
#define CSE_FEAT_HANDOVER	0x40ULL	/* connection handover (1.5) */
#define CSE_FEATURES_ALL	(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD | \
				 CSE_FEAT_SHARED_PORTS | CSE_FEAT_SOCK_INFO | \
				 CSE_FEAT_ADDR | CSE_FEAT_WAIT_RINGS | \
				 CSE_FEAT_HANDOVER)

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

/* Ring flags word bits (module-written). */
#define CSE_RING_NEED_WAKEUP	0x1U	/* TX: kick to have entries sent */

/**
 * struct cse_ring_offsets - where one ring lies in the shared area
 * @producer:   (k) offset of the __u32 producer index.
 * @consumer:   (k) offset of the __u32 consumer index, on another cache line
 *              than the producer's.
 * @flags:      (k) offset of the __u32 flags word of the ring, written by
 *              the module: CSE_RING_* bits.
 * @desc:       (k) offset of entry 0.
 * @entries:    (k) number of entries, a power of two.
 * @entry_size: (k) size of one entry in bytes.
 */
struct cse_ring_offsets {
	__u64 producer;
	__u64 consumer;
	__u64 flags;
	__u64 desc;
	__u32 entries;
	__u32 entry_size;
};

/**
 * struct cse_attach - bind an instance to a device, argument of CSE_IOC_ATTACH
 * @ifindex:    (u) the device, in the opener's network namespace. It must be
 *              an Ethernet device (not loopback).
 * @flags:      (u) CSE_ATTACH_* bits.
 * @rx_entries: (u) RX ring size: a power of two, 2..max_ring_entries.
 * @tx_entries: (u) TX ring size: a power of two, 2..max_ring_entries.
 * @ev_entries: (u) EV ring size: a power of two, 2..max_ring_entries.
 * @frame_size: (u) bytes per frame slot: a power of two,
 *              min_frame_size..max_frame_size.
 * @mmap_size:  (k) length to pass to mmap() (offset 0); a multiple of the
 *              page size, at most max_mem.
 * @rx:         (k) the RX ring.
 * @tx:         (k) the TX ring.
 * @ev:         (k) the EV ring.
 * @rx_frames:  (k) offset of RX frame slot 0; slot n is at rx_frames +
 *              n * frame_size.
 * @tx_frames:  (k) offset of the TX frame region (tx_entries slots).
 * @mtu:        (k) the device's MTU when it was attached.
 * @mac:        (k) the device's Ethernet address when it was attached.
 * @__pad:      must be 0.
 * @sock_entries: (u) number of socket slots (struct cse_sock_slot) in the
 *              area: 0 for none, else a power of two up to
 *              CSE_MAX_SOCK_ENTRIES. Needs CSE_FEAT_SOCKETS (else it must
 *              be 0).
 * @__pad2:     must be 0.
 * @socks:      (k) offset of slot 0 when @sock_entries is not 0, else 0.
 * @sock_info:  (k) with CSE_ATTACH_SOCK_INFO: offset of the socket table,
 *              @sock_entries struct cse_sock_info records, each on a
 *              64-byte boundary; else 0.
 * @ring_sleepers: (k) with CSE_FEAT_WAIT_RINGS: offset of a __u32 word
 *              that user space writes (the module only reads it): how many
 *              of its threads are asleep in a poll that the rings eventfd
 *              wakes (see "Waiting threads that run the rings"); else 0.
 *              Must be 0 on entry (a reserved field before 1.4).
 *
 * CSE_ATTACH_SOCK_INFO needs CSE_FEAT_SOCK_INFO and a @sock_entries that is
 * not 0 (else EINVAL).
 *
 * The limits are those the handshake reported. A request whose area would
 * be larger than max_mem fails with ENOBUFS.
 */
struct cse_attach {
	__u32 ifindex;
	__u32 flags;
	__u32 rx_entries;
	__u32 tx_entries;
	__u32 ev_entries;
	__u32 frame_size;
	__u64 mmap_size;
	struct cse_ring_offsets rx;
	struct cse_ring_offsets tx;
	struct cse_ring_offsets ev;
	__u64 rx_frames;
	__u64 tx_frames;
	__u32 mtu;
	__u8 mac[6];
	__u8 __pad[6];
	__u32 sock_entries;
	__u32 __pad2;
	__u64 socks;
	__u64 sock_info;
	__u64 ring_sleepers;
};

/* struct cse_attach flags */
#define CSE_ATTACH_SOCK_INFO	0x1U	/* a socket table (1.3) */
#define CSE_ATTACH_FLAGS_ALL	CSE_ATTACH_SOCK_INFO

/* struct cse_port flags */
#define CSE_PORT_CONNECTED	0x1U
#define CSE_PORT_SOCKET		0x2U	/* held by the caller's socket @fd */
#define CSE_PORT_ACCEPTING	0x4U	/* takes new connections (1.3) */
#define CSE_PORT_FLAGS_ALL	(CSE_PORT_CONNECTED | CSE_PORT_SOCKET | \
				 CSE_PORT_ACCEPTING)
#define CSE_PORT_SHARED		0x80000000U	/* (k) see "Shared ports" */

/**
 * struct cse_port - a reserved port, argument of CSE_IOC_PORT_RESERVE and
 * CSE_IOC_PORT_RELEASE
 * @id:          (k) on reserve: the filter's id, unique in the instance,
 *               never 0. (u) on release: the filter to release.
 * @flags:       (u) CSE_PORT_CONNECTED for a connected filter;
 *               CSE_PORT_SOCKET to have the caller's own socket @fd hold
 *               the port instead of a socket the module creates;
 *               CSE_PORT_ACCEPTING (1.3, CSE_FEAT_SHARED_PORTS; TCP
 *               listening filters only) to take new connections of a
 *               shared port at once. (k) CSE_PORT_SHARED (must be clear
 *               on entry) when another instance's filter already held the
 *               port: see "Shared ports" below.
 * @local_addr:  (u) local IPv4 address, network byte order; 0 for every
 *               address of the host (INADDR_ANY). With CSE_PORT_SOCKET:
 *               must be 0; (k) the address @fd is bound to.
 * @remote_addr: (u) connected filters: the remote IPv4 address (not 0);
 *               listening filters: must be 0.
 * @local_port:  (u) local port, network byte order; 0 asks for an ephemeral
 *               port. (k) the port reserved. With CSE_PORT_SOCKET: must be
 *               0; (k) the port @fd is bound to.
 * @remote_port: (u) connected filters: the remote port (not 0); listening
 *               filters: must be 0.
 * @proto:       (u) IPPROTO_TCP or IPPROTO_UDP.
 * @__pad:       must be 0.
 * @fd:          (u) with CSE_PORT_SOCKET: a descriptor of the caller's, an
 *               AF_INET socket of protocol @proto, bound (bind() or an
 *               earlier connect() gave it a port), in the instance's network
 *               namespace. Without CSE_PORT_SOCKET: must be 0.
 * @__pad2:      must be 0.
 * @reserved:    must be 0.
 *
 * With CSE_PORT_SOCKET (needs CSE_FEAT_PORT_FD) the module creates no
 * socket: the filter takes a reference to @fd's file and the port stays
 * the kernel socket's for as long as the filter or any descriptor of the
 * socket lives. The socket itself keeps working for everything the filter
 * does not steer (loopback, other devices), so a library can accept on
 * it what does not come through the device. The filter matches (for
 * steering and for TX validation) only while the socket is still bound
 * to the address and port it reported: once a disconnect gave the port
 * back, or a connect() changed the local address, the port may be
 * someone else's, and the filter stops matching until it is released.
 *
 * CSE_IOC_PORT_RELEASE reads only @id; every other field must be 0.
 *
 * Shared ports (1.3, CSE_FEAT_SHARED_PORTS). A process that forks hands
 * its listening sockets to its children; each child's instance may adopt
 * the same socket (CSE_PORT_SOCKET on the inherited descriptor), as each
 * process of a prefork server accepts on one kernel socket. Listening
 * filters of several instances on the same port then share it, and the
 * module decides per segment which instance gets it, so that every
 * connection lives in exactly one instance:
 *
 *  - a connected filter that matches the segment wins, whoever's it is;
 *  - a TCP SYN without ACK goes to one of the listening filters flagged
 *    CSE_PORT_ACCEPTING, chosen by a hash of the 4-tuple (the same
 *    connection's retransmitted SYNs go to the same one while the set does
 *    not change), or to the oldest filter when none is flagged;
 *  - every other segment, and ICMP errors, go to the oldest filter.
 *
 * A reserve that joins a port already held by an older listening filter of
 * another instance returns CSE_PORT_SHARED: that instance does not get the
 * non-SYN segments of the connections it accepts unless it pins each with
 * a connected filter (CSE_PORT_CONNECTED and CSE_PORT_SOCKET on the same
 * listening socket) before it answers the SYN. The oldest filter needs no
 * pins; when it goes, the next oldest takes its place (whose connections
 * are all pinned). CSE_IOC_PORT_ACCEPT sets or clears CSE_PORT_ACCEPTING
 * later: a library flags a listener once the application shows it accepts
 * on it, so that a parent that never accepts (nginx's master process)
 * gets no connections while its children do.
 */
struct cse_port {
	__u32 id;
	__u32 flags;
	__be32 local_addr;
	__be32 remote_addr;
	__be16 local_port;
	__be16 remote_port;
	__u8 proto;
	__u8 __pad[3];
	__s32 fd;
	__u32 __pad2;
	__u64 reserved;
};

/**
 * struct cse_desc - an RX or TX ring entry: one frame
 * @addr:  offset of the frame's first byte in the shared area. RX: written
 *         by the module, always the entry's own RX slot. TX: written by user
 *         space; the frame must lie inside the TX frame region and not cross
 *         a slot boundary.
 * @len:   length of the frame in bytes, Ethernet header included, no FCS.
 * @flags: no flags are defined yet: the module writes 0; user space must
 *         write 0.
 */
struct cse_desc {
	__u64 addr;
	__u32 len;
	__u32 flags;
};

/**
 * enum cse_event_type - what a struct cse_event reports
 * @CSE_EV_OVERFLOW:   the EV ring filled up; later events were dropped and
 *                     counted in &cse_stats.ev_dropped until user space
 *                     consumed.
 * @CSE_EV_UNREGISTER: the attached device is going away (deleted, or moved
 *                     out of the namespace, or its namespace is being
 *                     deleted). The instance is detached: the rings stop,
 *                     data-path ioctls fail with ENODEV, the mapping stays
 *                     valid until munmap().
 * @CSE_EV_UP:         the device was brought up (administratively).
 * @CSE_EV_DOWN:       the device was brought down (administratively).
 * @CSE_EV_CARRIER:    the carrier changed; @value is 1 when it is now on,
 *                     0 when off.
 * @CSE_EV_MTU:        the MTU changed; @value is the new MTU.
 * @CSE_EV_ADDR_ADD:   an IPv4 address was added to the device; @value is
 *                     the address (network byte order), @value2 the prefix
 *                     length.
 * @CSE_EV_ADDR_DEL:   an IPv4 address was removed from the device; @value
 *                     and @value2 as for CSE_EV_ADDR_ADD.
 * @CSE_EV_SOCK_RELEASED: the last reference to a socket file went; @value is
 *                     its slot. @ifindex is 0.
 * @CSE_EV_SOCK_HANDOVER: another instance asks for the connection of a
 *                     socket file (CSE_IOC_SOCK_ADOPT, 1.5); @value is its
 *                     slot, @value2 the request's id, to answer with
 *                     CSE_IOC_SOCK_HANDOVER. @ifindex is 0.
 */
enum cse_event_type {
	CSE_EV_OVERFLOW = 1,
	CSE_EV_UNREGISTER = 2,
	CSE_EV_UP = 3,
	CSE_EV_DOWN = 4,
	CSE_EV_CARRIER = 5,
	CSE_EV_MTU = 6,
	CSE_EV_ADDR_ADD = 7,
	CSE_EV_ADDR_DEL = 8,
	CSE_EV_SOCK_RELEASED = 9,
	CSE_EV_SOCK_HANDOVER = 10,
};

/**
 * struct cse_event - an EV ring entry
 * @type:     one of enum cse_event_type.
 * @ifindex:  the device the event is about.
 * @value:    type-specific; 0 when the type defines none.
 * @value2:   type-specific; 0 when the type defines none.
 * @seq:      sequence number of the event on its instance, from 1; a gap
 *            means dropped events. A CSE_EV_OVERFLOW record carries the
 *            number of the first event it stands for.
 * @reserved: written as 0.
 */
struct cse_event {
	__u32 type;
	__u32 ifindex;
	__u32 value;
	__u32 value2;
	__u64 seq;
	__u64 reserved;
};

/**
 * struct cse_stats - per-instance counters, argument of CSE_IOC_GET_STATS
 * @rx_frames:  (k) frames placed in the RX ring.
 * @rx_bytes:   (k) bytes of those frames.
 * @rx_dropped: (k) frames for this instance dropped because the RX ring was
 *              full (or its consumer index corrupt).
 * @tx_frames:  (k) frames transmitted from the TX ring.
 * @tx_bytes:   (k) bytes of those frames.
 * @tx_rejected: (k) TX entries refused by validation and dropped.
 * @tx_errors:  (k) valid frames the device did not take (down, queue
 *              full, out of memory).
 * @ev_events:  (k) events written into the EV ring.
 * @ev_dropped: (k) events dropped because the EV ring was full.
 * @ring_errors: (k) times the module found a user-written index of a ring
 *              out of bounds and ignored it.
 * @addr_blocked: (k) IPv4 packets of the namespace's own sockets whose
 *              source was this instance's claimed address, dropped as
 *              they left (see "An address of its own"; 1.4).
 * @tcp_untracked: (k) SYNs and SYN-ACKs the instance sent that could not
 *              start a tracked TCP flow because it had max_tcp_flows of
 *              them already (a retransmitted one counts again): those
 *              flows are not reset when the instance dies
 *              (Documentation/security.rst). Reported by CSE_IOC_GET_STATS
 *              only; 0 from modules before it.
 * @handovers_out: (k) connections this instance handed over to another
 *              (CSE_IOC_SOCK_HANDOVER that moved one; 1.5).
 * @handovers_in: (k) connections this instance took over from another
 *              (moved to it for its CSE_IOC_SOCK_ADOPT; 1.5).
 * @reserved:   must be 0 on entry; the module writes 0.
 *
 * Counters start at 0 with the instance and never reset. They stay readable
 * after the device went away.
 */
struct cse_stats {
	__u64 rx_frames;
	__u64 rx_bytes;
	__u64 rx_dropped;
	__u64 tx_frames;
	__u64 tx_bytes;
	__u64 tx_rejected;
	__u64 ev_events;
	__u64 ev_dropped;
	__u64 ring_errors;
	__u64 tx_errors;
	__u64 tcp_untracked;
	__u64 addr_blocked;
	__u64 handovers_out;
	__u64 handovers_in;
	__u64 reserved[2];
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

/*
 * CSE_IOC_ATTACH - bind to a device and create the shared area.
 * Errors: EBADFD (no handshake yet), EBUSY (already attached), ENODEV (no
 * such ifindex in the opener's namespace, or the instance's device went
 * away), EOPNOTSUPP (not an Ethernet device, or loopback), EINVAL (a size
 * out of the handshake's limits or not a power of two, reserved field,
 * (k) field or flag not zero), ENOBUFS (the area would exceed max_mem),
 * ENOMEM, EFAULT.
 *
 * mmap() of the area: offset 0, length mmap_size, MAP_SHARED. Errors: EBADFD
 * (not attached yet), EINVAL (another offset or length, or MAP_PRIVATE).
 */
#define CSE_IOC_ATTACH		_IOWR(CSE_IOC_MAGIC, 0x02, struct cse_attach)

/*
 * CSE_IOC_GET_STATS - read the instance's counters.
 * Errors: EBADFD (no handshake yet), EINVAL, EFAULT.
 */
#define CSE_IOC_GET_STATS	_IOWR(CSE_IOC_MAGIC, 0x03, struct cse_stats)

/*
 * CSE_IOC_PORT_RESERVE - own a port and install its filter.
 * Errors: EBADFD (no handshake, or not attached yet), ENODEV (the device
 * went away), EINVAL (protocol not TCP or UDP, unknown flag, a connected
 * filter without remote or a listening one with it, (k), reserved or pad
 * field not zero), ENOSPC (the instance has CSE_MAX_PORTS filters),
 * EADDRINUSE, EACCES, EADDRNOTAVAIL and any other error of the kernel's
 * socket() and bind() for the opener, EFAULT.
 */
#define CSE_IOC_PORT_RESERVE	_IOWR(CSE_IOC_MAGIC, 0x04, struct cse_port)

/*
 * CSE_IOC_PORT_RELEASE - give a port back; its filter stops matching at once.
 * Also allowed after the device went away. Errors: EBADFD (no handshake),
 * ENOENT (no filter with that id), EINVAL, EFAULT.
 */
#define CSE_IOC_PORT_RELEASE	_IOW(CSE_IOC_MAGIC, 0x05, struct cse_port)

/*
 * CSE_IOC_PORT_ACCEPT - set (@flags = CSE_PORT_ACCEPTING) or clear (@flags
 * = 0) a TCP listening filter's CSE_PORT_ACCEPTING; reads only @id and
 * @flags, every other field must be 0 (1.3, CSE_FEAT_SHARED_PORTS).
 * Errors: EBADFD (no handshake, or the feature was not negotiated),
 * ENOENT (no filter with that id), EINVAL (another flag, a field not 0, a
 * connected or UDP filter), EFAULT.
 */
#define CSE_IOC_PORT_ACCEPT	_IOW(CSE_IOC_MAGIC, 0x0a, struct cse_port)

/**
 * struct cse_eventfd - argument of CSE_IOC_SET_EVENTFD
 * @fd:       (u) an eventfd to signal, or -1 to stop signalling one.
 * @flags:    (u) 0, or CSE_EVENTFD_RINGS (needs CSE_FEAT_WAIT_RINGS).
 * @reserved: must be 0.
 *
 * The eventfd is signalled (incremented by 1) whenever the module places
 * frames in the RX ring or an event in the EV ring, in addition to waking
 * poll(), except while a waiting thread that runs the rings takes that
 * wake-up (see "Waiting threads that run the rings"). It replaces any
 * eventfd set before.
 *
 * With CSE_EVENTFD_RINGS it sets the instance's other eventfd, the rings
 * eventfd: while the &cse_attach.ring_sleepers word is not 0 (and no
 * CSE_SOCK_WAIT_RINGS waiter waits), it alone is signalled for frames and
 * events, instead of the device's pollers and the eventfd above.
 */
struct cse_eventfd {
	__s32 fd;
	__u32 flags;
	__u64 reserved[2];
};

/* Flags of struct cse_eventfd */
#define CSE_EVENTFD_RINGS	0x1U	/* the rings eventfd (1.4) */

/*
 * CSE_IOC_TX_KICK - send what the TX ring holds. The argument must be 0.
 * Returns the number of TX entries consumed (sent or rejected).
 * Errors: EBADFD (no handshake, or not attached), ENODEV (the device went
 * away), EINVAL (argument not 0), EINTR (a signal arrived before anything
 * was consumed; kick again).
 */
#define CSE_IOC_TX_KICK		_IO(CSE_IOC_MAGIC, 0x06)

/*
 * CSE_IOC_SET_EVENTFD - signal an eventfd on RX frames and events.
 * Errors: EBADFD (no handshake), EBADF (@fd is not an open descriptor),
 * EINVAL (@fd is not an eventfd, a flag or reserved field not zero),
 * EFAULT.
 */
#define CSE_IOC_SET_EVENTFD	_IOW(CSE_IOC_MAGIC, 0x07, struct cse_eventfd)

/* Most socket slots of one instance. */
#define CSE_MAX_SOCK_ENTRIES	65536

/* struct cse_sock_slot @kflags bits (module-written) */
#define CSE_SLOT_SLEEPING	0x1U	/* someone polls or waits: wake */
#define CSE_SLOT_RELEASED	0x2U	/* the socket file is gone */
#define CSE_SLOT_HANDOVER	0x4U	/* a handover request waits (1.5) */

/**
 * struct cse_sock_slot - one socket's readiness, in the shared area
 * @mask:     (u) the socket's readiness: EPOLLIN, EPOLLPRI, EPOLLOUT,
 *            EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM,
 *            EPOLLWRBAND, EPOLLRDHUP; other bits are ignored.
 * @kflags:   (k) CSE_SLOT_* bits. Cleared by CSE_IOC_SOCKET.
 * @reserved: ignored by the module.
 */
struct cse_sock_slot {
	__u32 mask;
	__u32 kflags;
	__u64 reserved;
};

/**
 * struct cse_sock_info - one socket as the library describes it, in the
 * socket table (see "The socket table")
 * @seq:         (u) even while the record is stable, odd while the library
 *               writes it.
 * @fd:          (u) a descriptor of the process that names the socket (the
 *               lowest the library knows of), or -1.
 * @proto:       (u) 0: the slot holds no socket. IPPROTO_TCP or
 *               IPPROTO_UDP.
 * @state:       (u) the state with Linux's numbering (TCP_ESTABLISHED 1 ..
 *               TCP_CLOSING 11 of <netinet/tcp.h>, as ss(8) names them).
 *               UDP: TCP_ESTABLISHED when connected, else TCP_CLOSE.
 * @__pad:       written as 0, ignored.
 * @local_addr:  (u) local address, network byte order; 0 for any.
 * @remote_addr: (u) remote address, network byte order; 0 for none.
 * @local_port:  (u) local port, network byte order.
 * @remote_port: (u) remote port, network byte order; 0 for none.
 * @rx_queue:    (u) as ss's Recv-Q: bytes received and not read (TCP),
 *               bytes of queued datagrams (UDP); a listener's connections
 *               waiting for accept().
 * @tx_queue:    (u) as ss's Send-Q: bytes sent and not acknowledged, or
 *               not sent yet (TCP), 0 (UDP sends at once); a listener's
 *               backlog.
 * @retransmits: (u) TCP: retransmission timeouts in a row of the oldest
 *               unacknowledged data (tcpi_retransmits); 0 once it is
 *               acknowledged.
 * @rtt_us:      (u) TCP: smoothed round-trip time in microseconds, 0
 *               before the first sample.
 * @rttvar_us:   (u) TCP: its variation in microseconds.
 * @cwnd:        (u) TCP: congestion window in segments.
 * @mss:         (u) TCP: largest segment sent, in bytes.
 * @reserved:    written as 0, ignored.
 */
struct cse_sock_info {
	__u32 seq;
	__s32 fd;
	__u8 proto;
	__u8 state;
	__u16 __pad;
	__be32 local_addr;
	__be32 remote_addr;
	__be16 local_port;
	__be16 remote_port;
	__u32 rx_queue;
	__u32 tx_queue;
	__u32 retransmits;
	__u32 rtt_us;
	__u32 rttvar_us;
	__u32 cwnd;
	__u32 mss;
	__u32 reserved[3];
};

/* struct cse_socket flags */
#define CSE_SOCKET_CLOEXEC	0x1U	/* the new descriptor is O_CLOEXEC */
#define CSE_SOCKET_NONBLOCK	0x2U	/* the file is O_NONBLOCK */
#define CSE_SOCKET_POLL_BACKING	0x4U	/* poll ORs @backing_fd's readiness */
#define CSE_SOCKET_FLAGS_ALL	(CSE_SOCKET_CLOEXEC | CSE_SOCKET_NONBLOCK | \
				 CSE_SOCKET_POLL_BACKING)

/**
 * struct cse_socket - create a socket file, argument of CSE_IOC_SOCKET
 * @slot:       (u) the slot the file is bound to, below sock_entries. A
 *              slot is free until CSE_IOC_SOCKET takes it and again once
 *              its file is released.
 * @backing_fd: (u) -1, or a descriptor of a kernel socket (any family) the
 *              file takes a reference to and holds for its lifetime.
 * @flags:      (u) CSE_SOCKET_* bits. CSE_SOCKET_POLL_BACKING needs a
 *              @backing_fd.
 * @fd:         (k) the new descriptor.
 * @reserved:   must be 0.
 */
struct cse_socket {
	__u32 slot;
	__s32 backing_fd;
	__u32 flags;
	__s32 fd;
	__u64 reserved[2];
};

/**
 * struct cse_sock_wake - argument of CSE_IOC_SOCK_WAKE
 * @slots:    (u) user pointer to an array of @count __u32 slot indices.
 * @count:    (u) 1..CSE_MAX_SOCK_WAKE.
 * @flags:    (u) no flags are defined yet: must be 0.
 * @reserved: must be 0.
 */
struct cse_sock_wake {
	__u64 slots;
	__u32 count;
	__u32 flags;
	__u64 reserved[2];
};

#define CSE_MAX_SOCK_WAKE	1024

/**
 * struct cse_sock_wait - argument of CSE_SOCK_IOC_WAIT
 * @events:     (u) EPOLL* bits to wait for; EPOLLERR and EPOLLHUP are
 *              always included, as poll() does.
 * @flags:      (u) CSE_SOCK_WAIT_* bits. CSE_SOCK_WAIT_RINGS needs
 *              CSE_FEAT_WAIT_RINGS (see "Waiting threads that run the
 *              rings").
 * @timeout_ns: (u) longest wait in nanoseconds; -1 waits without limit,
 *              0 does not sleep.
 * @revents:    (k) the readiness found (the file's poll mask & @events,
 *              with EPOLLERR and EPOLLHUP), 0 when the wait timed out.
 * @woke:       (k) CSE_SOCK_WOKE_RINGS when a CSE_SOCK_WAIT_RINGS wait
 *              ended because the instance's RX or EV ring had entries;
 *              else 0. Must be 0 when passed in (it was a padding field
 *              before 1.4).
 * @reserved:   must be 0.
 */
struct cse_sock_wait {
	__u32 events;
	__u32 flags;
	__s64 timeout_ns;
	__u32 revents;
	__u32 woke;
	__u64 reserved;
};

/* Flags of struct cse_sock_wait */
#define CSE_SOCK_WAIT_RINGS	0x1	/* wake me for the rings; I consume them */
#define CSE_SOCK_WAIT_FLAGS_ALL	CSE_SOCK_WAIT_RINGS

/* &cse_sock_wait.woke */
#define CSE_SOCK_WOKE_RINGS	0x1

/*
 * CSE_IOC_SOCKET - create a socket file (see "Socket files").
 * Returns 0 and the descriptor in @fd.
 * Errors: EBADFD (no handshake, not attached, or the area has no socket
 * slots), EOPNOTSUPP (CSE_FEAT_SOCKETS not granted), EINVAL (slot out of
 * range, unknown flag, POLL_BACKING without a backing, reserved field or
 * @fd not zero), EBUSY (the slot's file still exists), EBADF (@backing_fd
 * is not open), ENOTSOCK (@backing_fd is not a socket), EMFILE, ENFILE,
 * ENOMEM, EFAULT.
 */
#define CSE_IOC_SOCKET		_IOWR(CSE_IOC_MAGIC, 0x08, struct cse_socket)

/*
 * CSE_IOC_SOCK_WAKE - the masks of these slots changed: wake whoever polls
 * or waits on their files, and clear CSE_SLOT_SLEEPING of each slot that
 * nobody waits on any more. A slot without a file is skipped.
 * Errors: EBADFD (no handshake, not attached, no socket slots), EINVAL
 * (@count out of range, a slot index out of range, flag or reserved field
 * not zero), EFAULT.
 */
#define CSE_IOC_SOCK_WAKE	_IOW(CSE_IOC_MAGIC, 0x09, struct cse_sock_wake)

/*
 * CSE_SOCK_IOC_WAIT - on a socket file: sleep until its poll mask has one
 * of @events (or EPOLLERR/EPOLLHUP), the timeout passes, or a signal
 * arrives. This is what a blocking recv(), send(), accept() or connect()
 * of the library sleeps in. A signal interrupts it as it interrupts the
 * kernel's own socket calls: without a timeout the call is restarted when
 * the handler was installed with SA_RESTART, else it fails with EINTR;
 * with a timeout it fails with EINTR.
 * With CSE_SOCK_WAIT_RINGS it also returns when the instance's rings have
 * entries (see "Waiting threads that run the rings").
 * Returns 0 with @revents and @woke set (both 0: timed out).
 * Errors: EINTR, EINVAL (unknown flag, CSE_SOCK_WAIT_RINGS without
 * CSE_FEAT_WAIT_RINGS, @woke, reserved field or @revents not zero, timeout
 * below -1), EPERM (CSE_SOCK_WAIT_RINGS from a process that did not open
 * the instance), EFAULT; ENOTTY on any other file.
 */
#define CSE_SOCK_IOC_WAIT	_IOWR(CSE_IOC_MAGIC, 0x40, struct cse_sock_wait)

/* struct cse_addr flags */
#define CSE_ADDR_MAC		0x1U	/* @mac is claimed too */
#define CSE_ADDR_FLAGS_ALL	CSE_ADDR_MAC

/**
 * struct cse_addr - an address of the instance's own, argument of
 * CSE_IOC_ADDR_CLAIM
 * @addr:       (u) the IPv4 address, network byte order: a unicast address
 *              (not 0.0.0.0, loopback, multicast, class E or the limited
 *              broadcast address) that no device of the namespace has.
 * @flags:      (u) CSE_ADDR_MAC to claim @mac as well.
 * @prefix_len: (u) the subnet's prefix length, 1..32; @addr is neither the
 *              subnet's network nor its broadcast address when it is 30 or
 *              less.
 * @__pad:      must be 0.
 * @mac:        (u) with CSE_ADDR_MAC: a unicast, non-zero Ethernet address
 *              (it may be the device's own); without it: must be 0.
 * @reserved:   must be 0.
 */
struct cse_addr {
	__be32 addr;
	__u32 flags;
	__u8 prefix_len;
	__u8 __pad;
	__u8 mac[6];
	__u64 reserved[2];
};

/*
 * CSE_IOC_ADDR_CLAIM - claim an address of the instance's own (1.4, see
 * "An address of its own").
 * Errors: EOPNOTSUPP (CSE_FEAT_ADDR not granted), EINVAL (a bad address,
 * prefix length or MAC, an unknown flag, @mac without CSE_ADDR_MAC, a pad
 * or reserved field not zero), EBADFD (no handshake, or not attached),
 * EPERM (the opener or the caller lacks CAP_NET_ADMIN over the instance's
 * network namespace), ENODEV (the device went away), EEXIST (the instance
 * already claimed an address), EADDRINUSE (a device of the namespace has
 * the address, or another instance claimed it, or another instance of the
 * device claimed the MAC), ENOMEM, EFAULT.
 */
#define CSE_IOC_ADDR_CLAIM	_IOW(CSE_IOC_MAGIC, 0x0b, struct cse_addr)

/* Most filters (reserved ports) one instance may hold. */
#define CSE_MAX_PORTS		1024

/*
 * Handing a connection over (1.5, CSE_FEAT_HANDOVER)
 * ---------------------------------------------------
 * A server that accepts and then forks (the child serves the connection)
 * leaves the child a socket file of the parent's instance, while the
 * connection lives in the parent's stack. When the child first uses it,
 * its own instance (the "taker") asks the parent's (the "owner") for the
 * connection with CSE_IOC_SOCK_ADOPT on the socket file's descriptor. The
 * module posts the request to the owner: it sets CSE_SLOT_HANDOVER in the
 * slot's @kflags, writes a CSE_EV_SOCK_HANDOVER event (slot and request
 * id) and wakes the owner as for any event. The owner's library answers
 * with CSE_IOC_SOCK_HANDOVER: either a refusal (an errno, which the
 * taker's call returns) or the connection's state as an opaque blob and
 * its 4-tuple. After a CSE_EV_OVERFLOW the owner scans @kflags for
 * CSE_SLOT_HANDOVER and answers with request 0.
 *
 * The answer moves the connection at once, in the owner's call: the
 * steering of its exact 4-tuple (a connected filter the taker then holds),
 * the hold of its port (the owner's connected filter of the tuple moves to
 * the taker; when the connection came through a listening filter, the
 * taker's new filter holds the listening socket's file, as a pin does) and
 * the module's tracking of the connection for resets at death. Frames of
 * the tuple from then on go to the taker's RX ring, and only the taker may
 * send them; until the taker's stack has imported the blob it drops them,
 * and the peer retransmits. A frame is never steered to an instance that
 * no longer has the connection's state: the move happens only while the
 * taker still waits (else CSE_IOC_SOCK_HANDOVER fails with ECANCELED and
 * nothing moved).
 *
 * Possession of the socket file's descriptor is the capability, as with
 * SCM_RIGHTS: any process holding it may ask. Both instances must be
 * attached to the same device in the same network namespace. The blob
 * goes from the owner's memory to the taker's through the module, copied,
 * never looked at; it is at most CSE_MAX_HANDOVER_BLOB bytes.
 */
#define CSE_MAX_HANDOVER_BLOB	(16U << 20)

/**
 * struct cse_adopt - take a connection over, argument of CSE_IOC_SOCK_ADOPT
 * @fd:         (u) a socket file of another instance attached to the same
 *              device, for a TCP connection.
 * @flags:      (u) no flags are defined yet: must be 0.
 * @buf:        (u) user pointer to a buffer for the blob.
 * @buf_len:    (u) its size in bytes.
 * @blob_len:   (k) the blob's length; on EMSGSIZE the length needed.
 * @timeout_ms: (u) the longest wait for the owner's answer in
 *              milliseconds; 0 for the default, 5000.
 * @__pad:      must be 0.
 * @laddr:      (k) the connection's local address, network byte order.
 * @raddr:      (k) its remote address.
 * @lport:      (k) its local port, network byte order.
 * @rport:      (k) its remote port.
 * @filter:     (k) the id of the connected filter the module made for the
 *              taker: a filter of the taker's like those of
 *              CSE_IOC_PORT_RESERVE, given back with CSE_IOC_PORT_RELEASE
 *              when the connection is done.
 * @reserved:   must be 0.
 *
 * As everywhere, (k) fields must be 0 on entry: a retry after EMSGSIZE
 * must zero @blob_len again.
 */
struct cse_adopt {
	__s32 fd;
	__u32 flags;
	__u64 buf;
	__u32 buf_len;
	__u32 blob_len;
	__u32 timeout_ms;
	__u32 __pad;
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	__u32 filter;
	__u64 reserved[2];
};

/*
 * CSE_IOC_SOCK_ADOPT - on the taker's instance: ask for the connection of
 * socket file @fd and wait for the owner's answer (1.5, see "Handing a
 * connection over"). The call sleeps interruptibly. A signal ends it with
 * EINTR but leaves the request posted: a later call with the same socket
 * file joins it (and may find it answered) rather than posting another.
 * So does a call after EMSGSIZE: the module keeps the answer until it is
 * delivered, the request times out, or the taker's instance goes.
 * Returns 0 with the blob in @buf and @blob_len, the tuple and @filter
 * set; from then on the connection is the taker's.
 * Errors: EBADFD (no handshake, not attached, or CSE_FEAT_HANDOVER not
 * granted), EBADF (@fd is not open), ENOTSOCK (@fd is not a socket file
 * of cse), EINVAL (@fd is a socket file of the caller's own instance or of
 * one attached to another device, a flag, (k), pad or reserved field not
 * 0), ECONNREFUSED (the owner instance is gone, or went while the request
 * waited), ENXIO (the owner's device went away), EBUSY (another instance's
 * request waits on that socket file), ETIMEDOUT (no answer within
 * @timeout_ms: the request is withdrawn), EINTR, EMSGSIZE (@buf_len is
 * smaller than the answer's blob: @blob_len says how much is needed), the
 * errno the owner refused with, ENOSPC (the taker has CSE_MAX_PORTS
 * filters), ENOMEM, EFAULT.
 */
#define CSE_IOC_SOCK_ADOPT	_IOWR(CSE_IOC_MAGIC, 0x0c, struct cse_adopt)

/**
 * struct cse_handover - the owner's answer, argument of
 * CSE_IOC_SOCK_HANDOVER
 * @slot:     (u) the slot of the socket file asked for.
 * @request:  (u) the request's id from CSE_EV_SOCK_HANDOVER, or 0 for
 *            whatever request waits on @slot (after CSE_EV_OVERFLOW).
 * @status:   (u) 0 to hand the connection over, or a negative errno
 *            (-1..-4095) to refuse: the taker's call fails with it.
 * @blob_len: (u) with @status 0: the blob's length, at most
 *            CSE_MAX_HANDOVER_BLOB; else 0.
 * @blob:     (u) with @status 0: user pointer to the blob; else 0.
 * @laddr:    (u) with @status 0: the connection's local address, network
 *            byte order; else 0.
 * @raddr:    (u) its remote address; else 0.
 * @lport:    (u) its local port, network byte order; else 0.
 * @rport:    (u) its remote port; else 0.
 * @__pad:    must be 0.
 * @reserved: must be 0.
 *
 * With @status 0 the tuple must be one whose TCP segments the module
 * steers to the caller's instance now.
 */
struct cse_handover {
	__u32 slot;
	__u32 request;
	__s32 status;
	__u32 blob_len;
	__u64 blob;
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	__u32 __pad;
	__u64 reserved[2];
};

/*
 * CSE_IOC_SOCK_HANDOVER - on the owner's instance: answer a handover
 * request (1.5, see "Handing a connection over"). Returns 0 once the
 * answer is delivered and, with @status 0, the connection moved.
 * Errors: EBADFD (no handshake, not attached, or CSE_FEAT_HANDOVER not
 * granted), ENOENT (no such request waits on @slot, or with @status 0 no
 * TCP flow of that tuple is steered to the caller), ECANCELED (the taker
 * timed out or went away: nothing moved), EINVAL (@slot out of range, a
 * bad @status, a tuple field 0, a field not 0 that must be), EMSGSIZE
 * (@blob_len above CSE_MAX_HANDOVER_BLOB), ENOSPC (the taker has
 * CSE_MAX_PORTS filters: the request stays, refuse it), ENOMEM, EFAULT.
 */
#define CSE_IOC_SOCK_HANDOVER	_IOW(CSE_IOC_MAGIC, 0x0d, struct cse_handover)

/*
 * Generic netlink
 * ===============
 *
 * cse.ko registers a generic netlink family named CSE_GENL_NAME ("cse"),
 * version CSE_GENL_VERSION, in every network namespace. It describes the
 * instances that exist (what /dev/cse handed out), their filters and their
 * counters, and announces changes to them in the multicast group
 * CSE_GENL_MCGRP_EVENTS ("events"). It only reads: nothing in the family
 * changes an instance. tools/csectl speaks it through libnl-genl. The family
 * exists while the module is loaded: resolving "cse" with the generic
 * netlink controller (CTRL_CMD_GETFAMILY) fails with ENOENT otherwise.
 *
 * Who sees what. A caller sees an instance when
 *
 *  - the instance's opener had the caller's effective uid, and the instance
 *    lives in the caller's network namespace (the namespace of the netlink
 *    socket); or
 *  - the caller has CAP_NET_ADMIN in the user namespace that owns the
 *    instance's network namespace.
 *
 * "The caller" is both the process that opened the netlink socket and the
 * one that sends or reads on it (as netlink_ns_capable() judges): a socket
 * handed to another process shows no more than either of them may see.
 * Dumps leave out what the caller may not see; a request for one such
 * instance fails with EPERM, one for an id that no live instance has with
 * ENOENT.
 *
 * Requests are validated strictly: an attribute the command does not take,
 * an unknown attribute or a wrong length fails with EINVAL, a value out of
 * range (an id or pid of 0) with ERANGE, each with an extended ACK message;
 * a non-zero reserved field of the generic netlink header fails with
 * EINVAL. Commands that only the module sends (the
 * notifications below) fail with EOPNOTSUPP when sent to it, and so does
 * CSE_CMD_GET_FILTERS without NLM_F_DUMP.
 *
 * Dumps use instance ids (and, for filters, filter ids) as their cursor, in
 * ascending order: instances that come or go while a dump is under way
 * never make it repeat or skip one that lived throughout; one created
 * meanwhile may or may not appear. Ids are handed out cyclically, so a
 * closed instance's id is not reused soon.
 *
 * CSE_CMD_GET_INSTANCE
 * --------------------
 *
 * Without NLM_F_DUMP the request must hold CSE_A_INST_ID (NLA_U32, not 0)
 * and nothing else; the reply is one message for that instance. With
 * NLM_F_DUMP the request may hold CSE_A_INST_ID and/or CSE_A_INST_PID
 * (NLA_U32, not 0: a process id in the caller's pid namespace) to keep
 * only the instances with that id or opened by that process; the module
 * then returns one message (NLM_F_MULTI) per instance the caller sees.
 * Each message holds:
 *
 *    CSE_A_INST_ID: NLA_U32, the instance's id (as CSE_IOC_HELLO reported)
 *    CSE_A_INST_PID: NLA_U32, thread-group id of the opener as seen from
 *                    the caller's pid namespace; 0 when it is not visible
 *                    there or the opener has exited
 *    CSE_A_INST_COMM: NLA_NUL_STRING, the opener's command name (its
 *                     current one while it lives, else the one it had when
 *                     it opened the device), at most 15 bytes and a NUL
 *    CSE_A_INST_UID: NLA_U32, the opener's effective uid as seen from the
 *                    caller's user namespace (the overflow uid when not
 *                    mapped there)
 *    CSE_A_INST_NETNS_INO: NLA_U32, inode number of the instance's network
 *                          namespace (as stat() shows /proc/PID/ns/net)
 *    CSE_A_INST_NETNS_ID: NLA_S32, the id the caller's namespace gave the
 *                         instance's namespace (as "ip netns list-id"
 *                         shows); only when the two differ and an id is
 *                         assigned
 *    CSE_A_INST_STATE: NLA_U8, enum cse_inst_state
 *    CSE_A_INST_MINOR: NLA_U32, the negotiated ABI minor (after the
 *                      handshake only)
 *    CSE_A_INST_FEATURES: NLA_U64, the granted CSE_FEAT_* bits (after the
 *                         handshake only)
 *    CSE_A_INST_IFINDEX: NLA_U32, the device the instance attached to,
 *                        also after it went away (once attached only)
 *    CSE_A_INST_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1, that
 *                       device's name (while attached only)
 *    CSE_A_INST_RX_ENTRIES, CSE_A_INST_TX_ENTRIES, CSE_A_INST_EV_ENTRIES,
 *    CSE_A_INST_FRAME_SIZE, CSE_A_INST_SOCK_ENTRIES: NLA_U32, the sizes of
 *                       the shared area (struct cse_attach; once attached
 *                       only)
 *    CSE_A_INST_MMAP_SIZE: NLA_U64, the area's size (once attached only)
 *    CSE_A_INST_SOCKS_USED: NLA_U32, socket slots whose socket file exists
 *                           (once attached only)
 *    CSE_A_INST_FILTERS: NLA_U32, the number of filters (reserved ports)
 *    CSE_A_INST_SOCK_TABLE: NLA_U8, 1 when the instance's area holds a
 *                           socket table (CSE_ATTACH_SOCK_INFO), else 0
 *                           (once attached only; 1.3)
 *    CSE_A_INST_ADDR: NLA_BE32, the address the instance claimed
 *                     (CSE_IOC_ADDR_CLAIM), while it holds it (1.4)
 *    CSE_A_INST_ADDR_PLEN: NLA_U8, its prefix length (with CSE_A_INST_ADDR)
 *    CSE_A_INST_ADDR_MAC: NLA_BINARY, 6 bytes, the Ethernet address it
 *                         claimed (with CSE_A_INST_ADDR, when it claimed
 *                         one)
 *
 * CSE_CMD_GET_FILTERS
 * -------------------
 *
 * NLM_F_DUMP only. The request may hold CSE_A_INST_ID and/or
 * CSE_A_INST_PID as for CSE_CMD_GET_INSTANCE; with CSE_A_INST_ID the dump
 * fails at once with ENOENT or EPERM when that instance does not exist or
 * is not the caller's to see. The module returns one message per filter,
 * by instance id and then filter id:
 *
 *    CSE_A_INST_ID: NLA_U32, the instance
 *    CSE_A_FILTER: NLA_NESTED
 *        CSE_FILTER_A_ID: NLA_U32, the filter's id (struct cse_port @id)
 *        CSE_FILTER_A_PROTO: NLA_U8, IPPROTO_TCP or IPPROTO_UDP
 *        CSE_FILTER_A_FLAGS: NLA_U32, CSE_PORT_CONNECTED for a connected
 *                            filter, CSE_PORT_SOCKET when the port is held
 *                            by the caller's own socket
 *        CSE_FILTER_A_LOCAL_ADDR: NLA_BE32, network byte order; 0 for any
 *        CSE_FILTER_A_LOCAL_PORT: NLA_BE16, network byte order
 *        CSE_FILTER_A_REMOTE_ADDR: NLA_BE32 (connected filters only)
 *        CSE_FILTER_A_REMOTE_PORT: NLA_BE16 (connected filters only)
 *        CSE_FILTER_A_ACTIVE: NLA_U8, 1 while the socket holding the port
 *                             still holds it where the filter says, so the
 *                             filter matches; 0 once a caller's socket gave
 *                             the port back or moved (struct cse_port)
 *
 * CSE_CMD_GET_STATS
 * -----------------
 *
 * As CSE_CMD_GET_INSTANCE (one instance by CSE_A_INST_ID, or a dump with
 * the same optional attributes); each message holds:
 *
 *    CSE_A_INST_ID: NLA_U32, the instance
 *    CSE_A_STATS: NLA_NESTED, the counters of struct cse_stats, each an
 *                 NLA_U64 (CSE_STATS_A_PAD is padding only):
 *        CSE_STATS_A_RX_FRAMES, CSE_STATS_A_RX_BYTES,
 *        CSE_STATS_A_RX_DROPPED, CSE_STATS_A_TX_FRAMES,
 *        CSE_STATS_A_TX_BYTES, CSE_STATS_A_TX_REJECTED,
 *        CSE_STATS_A_TX_ERRORS, CSE_STATS_A_EV_EVENTS,
 *        CSE_STATS_A_EV_DROPPED, CSE_STATS_A_RING_ERRORS,
 *        CSE_STATS_A_ADDR_BLOCKED (1.4), CSE_STATS_A_HANDOVERS_OUT,
 *        CSE_STATS_A_HANDOVERS_IN (1.5)
 *
 * CSE_CMD_GET_SOCKETS
 * -------------------
 *
 * NLM_F_DUMP only (1.3). The request may hold CSE_A_INST_ID and/or
 * CSE_A_INST_PID as for CSE_CMD_GET_FILTERS, with the same errors. The
 * module returns one message per socket that the socket tables of the
 * selected instances describe, by instance id and then slot: the records
 * (struct cse_sock_info) that hold a socket (@proto not 0) and whose slot
 * has a live socket file. Each is copied under its sequence lock and then
 * checked: a record still changing after a few tries, or with a protocol
 * other than TCP or UDP, or a state that the protocol cannot have (UDP:
 * only ESTABLISHED and CLOSE; TCP: ESTABLISHED to CLOSING), is left out.
 * The values are what the library wrote: the module cannot vouch for
 * them. Instances without a socket table give no message.
 *
 *    CSE_A_INST_ID: NLA_U32, the instance
 *    CSE_A_SOCK: NLA_NESTED
 *        CSE_SOCK_A_SLOT: NLA_U32, the socket's slot
 *        CSE_SOCK_A_FD: NLA_S32, @fd (when it is not negative)
 *        CSE_SOCK_A_PROTO: NLA_U8, IPPROTO_TCP or IPPROTO_UDP
 *        CSE_SOCK_A_STATE: NLA_U8, @state (TCP_* numbering)
 *        CSE_SOCK_A_LOCAL_ADDR: NLA_BE32, network byte order
 *        CSE_SOCK_A_LOCAL_PORT: NLA_BE16, network byte order
 *        CSE_SOCK_A_REMOTE_ADDR: NLA_BE32
 *        CSE_SOCK_A_REMOTE_PORT: NLA_BE16
 *        CSE_SOCK_A_RX_QUEUE, CSE_SOCK_A_TX_QUEUE: NLA_U32, Recv-Q and
 *                                                  Send-Q
 *        CSE_SOCK_A_RETRANSMITS, CSE_SOCK_A_RTT_US, CSE_SOCK_A_RTTVAR_US,
 *        CSE_SOCK_A_CWND, CSE_SOCK_A_MSS: NLA_U32 (TCP only)
 *
 * The events group
 * ----------------
 *
 * Joining CSE_GENL_MCGRP_EVENTS needs CAP_NET_ADMIN in the user namespace
 * that owns the socket's network namespace (EPERM otherwise). A module
 * built for a kernel that cannot restrict who joins a group (before Linux
 * 6.7 and the stable kernels that took GENL_MCAST_CAP_NET_ADMIN) has no
 * events group at all: resolving it fails. Each
 * notification goes to the listeners of the instance's network namespace;
 * it is a message whose command says what happened and that holds
 * CSE_A_INST_ID and:
 *
 *    CSE_CMD_INST_NEW: an instance was created (its device was opened):
 *        CSE_A_INST_PID, CSE_A_INST_UID, CSE_A_INST_COMM and
 *        CSE_A_INST_NETNS_INO, the pid and uid as seen from the opener's
 *        own pid and user namespaces
 *    CSE_CMD_INST_DEL: the instance is gone (its descriptor and every
 *        socket file of it were closed); nothing more
 *    CSE_CMD_INST_ATTACH: the instance attached to a device:
 *        CSE_A_INST_IFINDEX, CSE_A_INST_IFNAME
 *    CSE_CMD_INST_DETACH: the instance let go of its device (it went away,
 *        or the instance was closed): CSE_A_INST_IFINDEX
 *    CSE_CMD_FILTER_NEW, CSE_CMD_FILTER_DEL: a filter was installed or
 *        removed (released, or with its instance): CSE_A_FILTER as in
 *        CSE_CMD_GET_FILTERS
 *    CSE_CMD_DEV_EVENT: the instance was told about its device (the events
 *        of enum cse_event_type that are about the device: UNREGISTER, UP,
 *        DOWN, CARRIER, MTU, ADDR_ADD and ADDR_DEL):
 *        CSE_A_EVENT: NLA_NESTED
 *            CSE_EVENT_A_TYPE: NLA_U32, enum cse_event_type
 *            CSE_EVENT_A_IFINDEX: NLA_U32, the device
 *            CSE_EVENT_A_VALUE, CSE_EVENT_A_VALUE2: NLA_U32, as in struct
 *                cse_event
 *
 * A notification is sent even when the instance's own EV ring was full.
 * A listener that does not read fast enough loses notifications as for any
 * netlink socket (ENOBUFS from recv()).
 *
 * Attributes may be added to any message in later minors: parsers must
 * skip those they do not know.
 */
#define CSE_GENL_NAME		"cse"
#define CSE_GENL_VERSION	1
#define CSE_GENL_MCGRP_EVENTS	"events"

enum cse_genl_cmd {
	CSE_CMD_UNSPEC,
	CSE_CMD_GET_INSTANCE,
	CSE_CMD_GET_FILTERS,
	CSE_CMD_GET_STATS,
	CSE_CMD_INST_NEW,
	CSE_CMD_INST_DEL,
	CSE_CMD_INST_ATTACH,
	CSE_CMD_INST_DETACH,
	CSE_CMD_FILTER_NEW,
	CSE_CMD_FILTER_DEL,
	CSE_CMD_DEV_EVENT,
	CSE_CMD_GET_SOCKETS,
	__CSE_CMD_MAX
};

#define CSE_CMD_MAX (__CSE_CMD_MAX - 1)

/**
 * enum cse_inst_state - CSE_A_INST_STATE: where an instance is in its life
 * @CSE_INST_OPEN:       opened, no handshake yet.
 * @CSE_INST_HANDSHAKEN: the handshake succeeded; not attached.
 * @CSE_INST_ATTACHED:   attached to a device (CSE_IOC_ATTACH).
 * @CSE_INST_DETACHED:   its device went away (CSE_EV_UNREGISTER).
 * @CSE_INST_DEAD:       its own last descriptor was closed; socket files of
 *                       it still exist, so it is not gone yet.
 */
enum cse_inst_state {
	CSE_INST_OPEN = 1,
	CSE_INST_HANDSHAKEN = 2,
	CSE_INST_ATTACHED = 3,
	CSE_INST_DETACHED = 4,
	CSE_INST_DEAD = 5,
};

/* Top-level attributes; the requests take only the first two. */
enum cse_attr {
	CSE_A_UNSPEC,
	CSE_A_INST_ID,
	CSE_A_INST_PID,
	CSE_A_INST_COMM,
	CSE_A_INST_UID,
	CSE_A_INST_NETNS_INO,
	CSE_A_INST_NETNS_ID,
	CSE_A_INST_STATE,
	CSE_A_INST_MINOR,
	CSE_A_INST_FEATURES,
	CSE_A_INST_IFINDEX,
	CSE_A_INST_IFNAME,
	CSE_A_INST_RX_ENTRIES,
	CSE_A_INST_TX_ENTRIES,
	CSE_A_INST_EV_ENTRIES,
	CSE_A_INST_FRAME_SIZE,
	CSE_A_INST_MMAP_SIZE,
	CSE_A_INST_SOCK_ENTRIES,
	CSE_A_INST_SOCKS_USED,
	CSE_A_INST_FILTERS,
	CSE_A_FILTER,
	CSE_A_STATS,
	CSE_A_EVENT,
	CSE_A_PAD,
	CSE_A_INST_SOCK_TABLE,
	CSE_A_SOCK,
	CSE_A_INST_ADDR,
	CSE_A_INST_ADDR_PLEN,
	CSE_A_INST_ADDR_MAC,
	__CSE_A_MAX
};

#define CSE_A_MAX (__CSE_A_MAX - 1)

enum cse_filter_attr {
	CSE_FILTER_A_UNSPEC,
	CSE_FILTER_A_ID,
	CSE_FILTER_A_PROTO,
	CSE_FILTER_A_FLAGS,
	CSE_FILTER_A_LOCAL_ADDR,
	CSE_FILTER_A_LOCAL_PORT,
	CSE_FILTER_A_REMOTE_ADDR,
	CSE_FILTER_A_REMOTE_PORT,
	CSE_FILTER_A_ACTIVE,
	__CSE_FILTER_A_MAX
};

#define CSE_FILTER_A_MAX (__CSE_FILTER_A_MAX - 1)

enum cse_stats_attr {
	CSE_STATS_A_UNSPEC,
	CSE_STATS_A_PAD,
	CSE_STATS_A_RX_FRAMES,
	CSE_STATS_A_RX_BYTES,
	CSE_STATS_A_RX_DROPPED,
	CSE_STATS_A_TX_FRAMES,
	CSE_STATS_A_TX_BYTES,
	CSE_STATS_A_TX_REJECTED,
	CSE_STATS_A_TX_ERRORS,
	CSE_STATS_A_EV_EVENTS,
	CSE_STATS_A_EV_DROPPED,
	CSE_STATS_A_RING_ERRORS,
	CSE_STATS_A_ADDR_BLOCKED,
	CSE_STATS_A_HANDOVERS_OUT,
	CSE_STATS_A_HANDOVERS_IN,
	__CSE_STATS_A_MAX
};

#define CSE_STATS_A_MAX (__CSE_STATS_A_MAX - 1)

enum cse_event_attr {
	CSE_EVENT_A_UNSPEC,
	CSE_EVENT_A_TYPE,
	CSE_EVENT_A_IFINDEX,
	CSE_EVENT_A_VALUE,
	CSE_EVENT_A_VALUE2,
	__CSE_EVENT_A_MAX
};

#define CSE_EVENT_A_MAX (__CSE_EVENT_A_MAX - 1)

enum cse_sock_attr {
	CSE_SOCK_A_UNSPEC,
	CSE_SOCK_A_SLOT,
	CSE_SOCK_A_FD,
	CSE_SOCK_A_PROTO,
	CSE_SOCK_A_STATE,
	CSE_SOCK_A_LOCAL_ADDR,
	CSE_SOCK_A_LOCAL_PORT,
	CSE_SOCK_A_REMOTE_ADDR,
	CSE_SOCK_A_REMOTE_PORT,
	CSE_SOCK_A_RX_QUEUE,
	CSE_SOCK_A_TX_QUEUE,
	CSE_SOCK_A_RETRANSMITS,
	CSE_SOCK_A_RTT_US,
	CSE_SOCK_A_RTTVAR_US,
	CSE_SOCK_A_CWND,
	CSE_SOCK_A_MSS,
	__CSE_SOCK_A_MAX
};

#define CSE_SOCK_A_MAX (__CSE_SOCK_A_MAX - 1)

#endif /* _UAPI_LINUX_CSE_H */

# SPDX-License-Identifier: GPL-2.0
#
# cse top-level build.
#
#   make            cse.ko, libcse.so, selftests, e2e programs and tools
#   make check      install what is missing, build, run every test suite
#   make install    libcse.so, csectl, cse-run, the uapi header, man pages
#                   and libcse.pc into $(DESTDIR)$(PREFIX) (/usr/local)
#   make modules_install   cse.ko into /lib/modules/KVER (INSTALL_MOD_PATH)
#   make fuzz       fuzz the stack for FUZZ_SECONDS (default 3600)
#   make demo       the main job, from a fresh machine
#   make clean      leave the tree as cloned
#
# KVER/KDIR choose the kernel to build for (default: the newest installed
# Debian amd64 kernel with both headers and a /boot image; tools/kver).

SRC := $(CURDIR)
BUILD := $(SRC)/build
KVER ?= $(shell $(SRC)/tools/kver 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build

# The kselftest harness, lib.mk and checkpatch come from Debian's
# linux-source-6.1, extracted once into build/ksrc (never committed).
KSRC_TAR := /usr/src/linux-source-6.1.tar.xz
KSRC := $(BUILD)/ksrc
KSFT_DIR := $(KSRC)/tools/testing/selftests
KSRC_STAMP := $(KSRC)/.stamp
KSRC_MEMBERS := \
	tools/testing/selftests/kselftest_harness.h \
	tools/testing/selftests/kselftest.h \
	tools/testing/selftests/lib.mk \
	tools/testing/selftests/kselftest \
	scripts/checkpatch.pl \
	scripts/spelling.txt \
	scripts/const_structs.checkpatch

all: module ulib selftests bench-progs e2e csectl

$(KSRC_STAMP): $(KSRC_TAR)
	@echo "  EXTRACT kselftest harness and checkpatch from $(KSRC_TAR)"
	@rm -rf $(KSRC) && mkdir -p $(KSRC)
	@tar -xJf $(KSRC_TAR) -C $(KSRC) --strip-components=1 \
		$(addprefix linux-source-6.1/,$(KSRC_MEMBERS))
	@touch $@

$(KSRC_TAR):
	@echo "$@ is missing: run tools/setup-deps (or make check)" >&2; exit 1

kdir-check:
	@test -f $(KDIR)/Makefile || { echo "no kernel headers at '$(KDIR)':" \
		"run tools/setup-deps, or set KDIR" >&2; exit 1; }

# -Werror (kmod/Kbuild) with W=1: the module builds warning-free or not at all.
module: kdir-check
	$(MAKE) -C $(KDIR) M=$(SRC) W=1 modules

# sparse on every module source, forced (C=2); any output is a finding.
sparse: kdir-check
	$(MAKE) -C $(KDIR) M=$(SRC) C=2 CHECK="sparse -Wno-unknown-attribute" modules

ulib:
	$(MAKE) -C ulib BUILD=$(BUILD)/ulib KSFT_DIR=$(KSFT_DIR)

ulib-tests: $(KSRC_STAMP)
	$(MAKE) -C ulib BUILD=$(BUILD)/ulib KSFT_DIR=$(KSFT_DIR) tests

# End-to-end programs (selftests/e2e/*.c, built in build/ulib/e2e), run in
# the VM by selftests/e2e/run:  make && tools/vm/run -- selftests/e2e/run
e2e:
	$(MAKE) -C ulib BUILD=$(BUILD)/ulib KSFT_DIR=$(KSFT_DIR) e2e

selftests: $(KSRC_STAMP)
	@mkdir -p $(BUILD)/selftests
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) OUTPUT=$(BUILD)/selftests

# The benchmark programs; the ring benchmark runs in the VM (prints a
# table, never fails):  make && tools/vm/run -- build/bench/cse_bench
bench-progs:
	@mkdir -p $(BUILD)/bench
	$(MAKE) -C tools/bench OUTPUT=$(BUILD)/bench UAPI_DIR=$(SRC)/uapi

# The application benchmark (issue: servers against the kernel): one VM
# boot, every server on the kernel's sockets and under libcse.so, one
# table with the kernel as 1.0. Prints, never passes or fails.
#   make bench BENCH_APPS_ARGS="-d 10"
bench: setup all
	tools/vm/run -t 3000 -- tools/bench/apps-bench $(BENCH_APPS_ARGS)

# The stack beside the kernel (prints a table, never fails; not in make
# check): in-memory link, loopback, veth, TAP, and netem in the VM.
#   make bench-stack [BENCH_ARGS="-d SECONDS -D VM_SECONDS --no-vm"]
bench-stack: bench-progs
	@$(SRC)/tools/bench/stack-bench $(BENCH_ARGS)

# csectl (tools/csectl/, libnl-genl-3), into build/tools/csectl.
csectl:
	$(MAKE) -C tools/csectl OUTPUT=$(BUILD)/tools UAPI_DIR=$(SRC)/uapi

# Installation (after `make`). `make install` puts exactly this tree under
# $(DESTDIR)$(PREFIX) (tools/check's unit suite verifies it):
#   bin/csectl  bin/cse-run  lib/libcse.so  lib/pkgconfig/libcse.pc
#   include/linux/cse.h  share/man/man1/cse-run.1  share/man/man8/csectl.8
# cse-run finds the library in ../lib next to itself. The module goes with
# `make modules_install` (the kernel's, INSTALL_MOD_PATH as usual), or
# through DKMS (`make dkms-source`, then dkms install cse/$(VERSION)); the
# udev rule with `make install-udev` (UDEVRULESDIR).
PREFIX ?= /usr/local
UDEVRULESDIR ?= /etc/udev/rules.d
INSTALL ?= install
VERSION := $(shell sed -n 's/^\#define CSE_ABI_MAJOR[[:space:]]*//p' $(SRC)/uapi/linux/cse.h).$(shell \
	sed -n 's/^\#define CSE_ABI_MINOR[[:space:]]*//p' $(SRC)/uapi/linux/cse.h)
DEST := $(DESTDIR)$(PREFIX)

# What `make` built is installed; nothing is rebuilt (as the kernel's
# modules_install does not), so a running test never sees files change.
INSTALL_FROM := $(BUILD)/tools/csectl $(SRC)/ulib/libcse.so

install:
	@for f in $(INSTALL_FROM); do test -f $$f || { \
		echo "$$f is missing: run make first" >&2; exit 1; }; done
	$(INSTALL) -d $(DEST)/bin $(DEST)/lib/pkgconfig $(DEST)/include/linux \
		$(DEST)/share/man/man1 $(DEST)/share/man/man8
	$(INSTALL) -m 0755 $(BUILD)/tools/csectl $(DEST)/bin/csectl
	$(INSTALL) -m 0755 tools/cse-run $(DEST)/bin/cse-run
	$(INSTALL) -m 0755 ulib/libcse.so $(DEST)/lib/libcse.so
	$(INSTALL) -m 0644 uapi/linux/cse.h $(DEST)/include/linux/cse.h
	$(INSTALL) -m 0644 tools/cse-run.1 $(DEST)/share/man/man1/cse-run.1
	$(INSTALL) -m 0644 tools/csectl.8 $(DEST)/share/man/man8/csectl.8
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		tools/libcse.pc.in >$(DEST)/lib/pkgconfig/libcse.pc
	chmod 0644 $(DEST)/lib/pkgconfig/libcse.pc

# Signed only where the kernel tree holds its signing key (distribution
# headers do not: DKMS signs with the machine's own key instead).
MODSIGN = $(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=)

modules_install: kdir-check
	@test -f kmod/cse.ko || { echo "kmod/cse.ko is missing: run make first" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(SRC) $(MODSIGN) modules_install
	@# Distribution headers have no System.map, so the kernel skips depmod.
	$(if $(INSTALL_MOD_PATH),,depmod -a $(KVER))

install-udev:
	$(INSTALL) -D -m 0644 tools/udev/60-cse.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-cse.rules

# The module's sources as DKMS wants them: $(DESTDIR)/usr/src/cse-VERSION.
DKMS_SRC := $(DESTDIR)/usr/src/cse-$(VERSION)
dkms-source:
	$(INSTALL) -d $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	$(INSTALL) -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	$(INSTALL) -m 0644 kmod/Kbuild kmod/*.c kmod/*.h $(DKMS_SRC)/kmod/
	rm -f $(DKMS_SRC)/kmod/*.mod.c
	$(INSTALL) -m 0644 uapi/linux/cse.h $(DKMS_SRC)/uapi/linux/

# The stack fuzzer: built for make check, which runs it briefly; `make fuzz`
# runs it for FUZZ_SECONDS (default an hour) and keeps what it learns in
# build/ulib/fuzz/corpus.
FUZZ_SECONDS ?= 3600

fuzz-build:
	$(MAKE) -C ulib BUILD=$(BUILD)/ulib KSFT_DIR=$(KSFT_DIR) fuzz-build

fuzz:
	$(MAKE) -C ulib BUILD=$(BUILD)/ulib KSFT_DIR=$(KSFT_DIR) fuzz-run \
		FUZZ_SECONDS=$(FUZZ_SECONDS)

# A module that WARNs when loaded: proves that tools/vm/run catches it.
vm-warn-module: kdir-check
	$(MAKE) -C $(KDIR) M=$(SRC)/tools/vm/warn modules

setup:
	@$(SRC)/tools/setup-deps

check: setup
	@$(MAKE) --no-print-directory all ulib-tests fuzz-build vm-warn-module
	@$(SRC)/tools/check

demo: setup
	@$(MAKE) --no-print-directory all
	@$(SRC)/tools/demo

clean:
	-$(MAKE) -C $(KDIR) M=$(SRC) clean 2>/dev/null
	-$(MAKE) -C $(KDIR) M=$(SRC)/tools/vm/warn clean 2>/dev/null
	$(MAKE) -C ulib BUILD=$(BUILD)/ulib clean
	rm -rf $(BUILD)

.PHONY: all module sparse ulib ulib-tests selftests e2e vm-warn-module setup \
	fuzz fuzz-build bench bench-progs bench-stack csectl install \
	modules_install \
	install-udev dkms-source \
	check demo clean kdir-check

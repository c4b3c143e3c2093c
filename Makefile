# SPDX-License-Identifier: GPL-2.0
#
# cse top-level build.
#
#   make            cse.ko, libcse.so, selftests, e2e programs and tools
#   make check      install what is missing, build, run every test suite
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

all: module ulib selftests bench e2e

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

# The ring benchmark (runs in the VM; prints a table, never fails):
#   make bench && tools/vm/run -- build/bench/cse_bench [-d SECONDS]
bench:
	@mkdir -p $(BUILD)/bench
	$(MAKE) -C tools/bench OUTPUT=$(BUILD)/bench UAPI_DIR=$(SRC)/uapi

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
	fuzz fuzz-build bench \
	check demo clean kdir-check

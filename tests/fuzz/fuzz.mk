# tests/fuzz/fuzz.mk - libFuzzer targets for the device models, the exit
# dispatcher and the Multiboot loader.  Included from the top-level Makefile.am:
#
#	include $(srcdir)/tests/fuzz/fuzz.mk
#
#   make fuzz                      build every fuzzer, run each for 20 s
#   make fuzz FUZZ_SECONDS=60      ... for 60 s each
#   make fuzz FUZZ_TARGETS="pic pit"   only these
#
# The fuzzers need clang's libFuzzer, so they are compiled here with
# $(FUZZ_CC), straight from the sources they test: libtinyvmm.a is built by
# $(CC) without coverage instrumentation.  Each one runs on a copy of its
# seed corpus (tests/fuzz/corpus/<target>) in a temporary directory, so
# nothing is ever written into $(srcdir).  A crash, an invariant violation,
# a sanitizer report or a hang fails "make fuzz"; the input that caused it
# is kept in the build tree as tests/fuzz/<target>-crash-<sha1> (or
# -timeout-, -oom-, -leak-).  See tests/fuzz/README.md.

FUZZ_CC = clang
FUZZ_SECONDS = 20
# per-input time limit: a longer run is reported as a hang
FUZZ_TIMEOUT = 25
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-g -O1 -std=gnu11 -pthread \
	-I$(srcdir)/src -I$(srcdir)/src/devices -I$(builddir) -I$(srcdir)/tests/fuzz
# more compiler options, e.g. FUZZ_EXTRA=-DSOMETHING
FUZZ_EXTRA =
FUZZ_TARGETS = pic pit serial bus rom exit lapic ioapic pci icr multiboot

FUZZ_PROGS = tests/fuzz/fuzz_pic tests/fuzz/fuzz_pit tests/fuzz/fuzz_serial \
	tests/fuzz/fuzz_bus tests/fuzz/fuzz_rom tests/fuzz/fuzz_exit \
	tests/fuzz/fuzz_lapic tests/fuzz/fuzz_ioapic tests/fuzz/fuzz_pci tests/fuzz/fuzz_icr \
	tests/fuzz/fuzz_multiboot
FUZZ_SRCS = tests/fuzz/fuzz.h tests/fuzz/fuzz_pic.c tests/fuzz/fuzz_pit.c tests/fuzz/pit_ref.h \
	tests/fuzz/fuzz_serial.c tests/fuzz/fuzz_bus.c tests/fuzz/fuzz_rom.c \
	tests/fuzz/fuzz_exit.c tests/fuzz/fuzz_lapic.c tests/fuzz/fuzz_ioapic.c tests/fuzz/fuzz_pci.c \
	tests/fuzz/fuzz_icr.c tests/fuzz/fuzz_multiboot.c
# every header: a change to any of them rebuilds the fuzzers
FUZZ_DEPS = $(srcdir)/tests/fuzz/fuzz.h $(wildcard $(srcdir)/src/*.h $(srcdir)/src/devices/*.h) \
	tests/fuzz/flags-stamp
# the exit dispatcher pulls in the whole VMM: the library's C files, as listed above
FUZZ_VMM_SRCS = $(addprefix $(srcdir)/,$(filter %.c,$(libtinyvmm_a_SOURCES)))

FUZZ_LINK = $(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_EXTRA) -o $@ $(filter %.c,$^)

# The compiler and its options, rewritten only when they change, so that
# "make fuzz FUZZ_EXTRA=..." rebuilds the fuzzers and a plain rerun does not.
tests/fuzz/flags-stamp: fuzz-check-flags
	@:
fuzz-check-flags:
	@$(MKDIR_P) tests/fuzz; flags='$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_EXTRA)'; \
	test "`cat tests/fuzz/flags-stamp 2>/dev/null`" = "$$flags" || echo "$$flags" >tests/fuzz/flags-stamp
.PHONY: fuzz-check-flags

tests/fuzz/fuzz_pic: $(srcdir)/tests/fuzz/fuzz_pic.c $(srcdir)/src/devices/pic.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_pit: $(srcdir)/tests/fuzz/fuzz_pit.c $(srcdir)/tests/fuzz/pit_ref.h $(srcdir)/src/devices/pit.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_serial: $(srcdir)/tests/fuzz/fuzz_serial.c $(srcdir)/src/devices/serial.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_bus: $(srcdir)/tests/fuzz/fuzz_bus.c $(srcdir)/src/bus.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_rom: $(srcdir)/tests/fuzz/fuzz_rom.c $(srcdir)/src/rom.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_exit: $(srcdir)/tests/fuzz/fuzz_exit.c $(FUZZ_VMM_SRCS) $(FUZZ_DEPS) config.h
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_lapic: $(srcdir)/tests/fuzz/fuzz_lapic.c $(srcdir)/src/devices/lapic.c $(srcdir)/src/devices/tick.c \
	$(srcdir)/src/devices/lapic_irq.c $(srcdir)/src/devices/lapic_timer.c $(srcdir)/src/devices/lapic_ipi.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_icr: $(srcdir)/tests/fuzz/fuzz_icr.c $(srcdir)/src/devices/lapic.c $(srcdir)/src/devices/tick.c \
	$(srcdir)/src/devices/lapic_irq.c $(srcdir)/src/devices/lapic_timer.c $(srcdir)/src/devices/lapic_ipi.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_ioapic: $(srcdir)/tests/fuzz/fuzz_ioapic.c $(srcdir)/src/devices/ioapic.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_pci: $(srcdir)/tests/fuzz/fuzz_pci.c $(srcdir)/src/devices/pci.c \
	$(srcdir)/src/devices/edu.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)
tests/fuzz/fuzz_multiboot: $(srcdir)/tests/fuzz/fuzz_multiboot.c $(srcdir)/src/multiboot.c \
	$(srcdir)/src/multiboot_info.c $(FUZZ_DEPS)
	$(AM_V_GEN)$(FUZZ_LINK)

# Run each target on a scratch copy of its corpus; report "Done N runs" per
# target; fail at the end if any target failed (all of them still run).
fuzz: $(addprefix tests/fuzz/fuzz_,$(FUZZ_TARGETS))
	@tmp=`mktemp -d "$${TMPDIR:-/tmp}/tinyvmm-fuzz.XXXXXX"` || exit 1; \
	trap 'rm -rf "$$tmp"' 0; fail=0; touch "$$tmp/.start"; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir "$$tmp/$$t" || exit 1; \
	  if test -d "$(srcdir)/tests/fuzz/corpus/$$t"; then \
	    cp "$(srcdir)/tests/fuzz/corpus/$$t"/* "$$tmp/$$t/" || exit 1; \
	    chmod u+w "$$tmp/$$t"/*; \
	  fi; \
	  ./tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
	    -artifact_prefix=tests/fuzz/$$t- "$$tmp/$$t" >"$$tmp/$$t.log" 2>&1; rc=$$?; \
	  done_line=`sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$$tmp/$$t.log"`; \
	  if test $$rc -eq 0 && test -n "$$done_line"; then \
	    echo "fuzz_$$t: ok, $$done_line"; \
	  else \
	    fail=1; \
	    echo "fuzz_$$t: FAILED (exit status $$rc); the end of its log:"; \
	    grep -v '^#[0-9]' "$$tmp/$$t.log" | tail -n 40 | sed 's/^/  | /'; \
	    find tests/fuzz -name "$$t-*" -newer "$$tmp/.start" | \
	      sed "s|.*|  reproducer: & (run it: ./tests/fuzz/fuzz_$$t &)|"; \
	  fi; \
	done; \
	exit $$fail
.PHONY: fuzz

CLEANFILES += $(FUZZ_PROGS) tests/fuzz/flags-stamp
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/fuzz.mk tests/fuzz/seeds.py $(FUZZ_SRCS) \
	tests/fuzz/corpus tests/fuzz/crashes

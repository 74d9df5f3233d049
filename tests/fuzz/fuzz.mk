# fuzz.mk, included by the Makefile: the libFuzzer targets of tests/fuzz/
# (issue 8, part 5). clang builds them, and the sources they take in, into
# a tree of their own, with ASan and UBSan and the Makefile's warnings.
#
#   make fuzz-build	builds $(FUZZ_O)/fuzz_NAME for each target
#   make fuzz		and runs each for FUZZ_SECONDS on a copy of its
#			seed corpus, one after another (tests/fuzz/run.sh)

FUZZ_O		?= build-fuzz
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	 = payload ingest config http ami imap qmatic

FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
# clang also warns of vsnprintf on a format from a table (alert.c) or
# a va_list (log.c), which gcc, that builds the daemon, leaves alone.
FUZZ_CFLAGS	 = -O1 -g -std=c11 -D_GNU_SOURCE $(WARN) \
		   -Wno-format-nonliteral $(if $(WERROR),-Werror,) \
		   $(shell pkg-config --cflags $(PKGS) libcurl 2>/dev/null) -MMD -MP \
		   $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
		   -Imonitor -Iprobes -Itests/fuzz

# What each target links besides its own source: the modules it drives
# and theirs, as the unit tests of those modules link them.
fuzz_payload_OBJS = $(addprefix $(FUZZ_O)/monitor/,payload.o parse.o)
FUZZ_CORE	 = $(FUZZ_O)/tests/fuzz/world.o \
		   $(addprefix $(FUZZ_O)/monitor/,$(addsuffix .o,$(test_ingest_DEPS)))
fuzz_ingest_OBJS = $(FUZZ_CORE)
fuzz_config_OBJS = $(FUZZ_CORE)
# api.c and http.c need the whole daemon but its main().
fuzz_http_OBJS	 = $(FUZZ_O)/tests/fuzz/world.o $(FUZZ_O)/assets.o \
		   $(FUZZ_O)/monitor/wachtd-nomain.o \
		   $(addprefix $(FUZZ_O)/monitor/,$(addsuffix .o,$(CORE) $(EDGE)))
FUZZ_PROBE	 = $(addprefix $(FUZZ_O)/monitor/,xmalloc.o log.o parse.o \
		   calendar.o)
fuzz_ami_OBJS	 = $(FUZZ_O)/probes/ami_parse.o $(FUZZ_PROBE)
fuzz_imap_OBJS	 = $(FUZZ_O)/probes/imap_parse.o $(FUZZ_PROBE)
fuzz_qmatic_OBJS = $(FUZZ_O)/probes/qmatic_parse.o $(FUZZ_PROBE)

FUZZ_BINS	 = $(addprefix $(FUZZ_O)/fuzz_,$(FUZZ_TARGETS))

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_O=$(FUZZ_O) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh \
	    $(FUZZ_TARGETS)

# The Makefile turns .SECONDEXPANSION on before including this file.
$(FUZZ_BINS): $(FUZZ_O)/fuzz_%: $(FUZZ_O)/tests/fuzz/fuzz_%.o $$(fuzz_%_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LIBS)

$(FUZZ_O)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# libFuzzer brings the main(): the daemon's is renamed out of its way.
$(FUZZ_O)/monitor/wachtd-nomain.o: monitor/wachtd.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Dmain=wachtd_main -Wno-missing-prototypes \
	    -c -o $@ $<

# The dashboards, as the Makefile compiles them in.
$(FUZZ_O)/assets.list: FORCE
	@mkdir -p $(@D)
	@echo '$(ASSETS)' | cmp -s - $@ || echo '$(ASSETS)' > $@

$(FUZZ_O)/assets.c: scripts/embed.sh $(FUZZ_O)/assets.list $(ASSETS)
	scripts/embed.sh dashboards $(ASSETS) > $@.tmp && mv $@.tmp $@

$(FUZZ_O)/assets.o: $(FUZZ_O)/assets.c
	$(FUZZ_CC) -O1 -Imonitor -c -o $@ $<

-include $(shell find $(FUZZ_O) -name '*.d' -type f 2>/dev/null)

.PHONY: fuzz fuzz-build

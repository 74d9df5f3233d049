# wachtd: one Makefile. `make demo` runs the demo, `make check` all tests.
# Both install missing Debian packages first (scripts/deps.sh).

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/wachtd
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
# systemd's units and sysusers.d: where Debian puts a package's.
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DESTDIR	?=

CC	?= cc
PKGS	 = libevent libevent_pthreads libevent_openssl libmosquitto librrd jansson inih openssl
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2 -Wpointer-arith -Wcast-qual -Wwrite-strings
# Warnings are errors in CI (CI=true) or with WERROR=1.
WERROR	?= $(if $(CI),1,)
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(WARN) $(if $(WERROR),-Werror,) \
	   $(shell pkg-config --cflags $(PKGS) libcurl 2>/dev/null)
# Each object's headers, as the compiler saw them, in a .d file beside it.
CFLAGS	+= -MMD -MP
LDFLAGS	+= -Wl,--as-needed
LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread -lcrypt
# wachtctl's alone: the daemon and probes load libcurl when they need it
# (fetch.c), and linked it would cost each of them 6 MB resident.
CURL_LIBS = $(shell pkg-config --libs libcurl 2>/dev/null)

# make check SANITIZE=address,undefined builds into its own directory.
ifneq ($(SANITIZE),)
CFLAGS	+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
LDFLAGS	+= -fsanitize=$(SANITIZE)
O	?= build-sanitize
else
O	?= build
endif

CORE	 = config map payload parse queue quality step ingest log xmalloc util calendar \
	   report predict alert report_fmt silence persist notice board
EDGE	 = mqtt http api store graph work fetch notify public metrics sdnotify
WACHTD_OBJS = $(addprefix $(O)/monitor/,$(addsuffix .o,$(CORE) $(EDGE) wachtd)) \
	   $(O)/assets.o

# The dashboards, compiled in (scripts/embed.sh); the list is a file of
# its own so that a file removed also rebuilds them.
ASSETS	 = $(shell find dashboards -type f ! -path 'dashboards/grafana/*' \
	   ! -name '.*' ! -name '*~' | LC_ALL=C sort)

UNITS	 = parse payload config queue quality step ingest map sim calendar \
	   report_fmt report predict alert silence notice board sdnotify store
UNIT_BINS = $(addprefix $(O)/tests/test_,$(UNITS))
# What each unit test links besides its own source.
test_parse_DEPS	  = parse
test_payload_DEPS = payload
test_config_DEPS  = config parse map payload log xmalloc
test_step_DEPS	  = step queue quality predict alert silence report_fmt calendar config parse map payload log xmalloc util
test_queue_DEPS	  = queue step quality predict alert silence report_fmt calendar config parse map payload log xmalloc util
test_ingest_DEPS  = ingest queue step quality predict alert silence report_fmt calendar config parse map payload log xmalloc util
test_quality_DEPS = quality
test_map_DEPS	  = map log xmalloc
test_calendar_DEPS = calendar
test_report_fmt_DEPS = report_fmt parse calendar xmalloc log
test_report_DEPS  = report quality
test_predict_DEPS = predict
test_alert_DEPS   = alert quality report_fmt calendar predict parse xmalloc log
test_silence_DEPS = silence report_fmt calendar parse xmalloc log util
test_notice_DEPS  = notice alert quality report_fmt calendar parse xmalloc log
test_board_DEPS   = board quality report_fmt calendar parse util xmalloc log
test_sdnotify_DEPS = sdnotify
test_store_DEPS   = store step map log xmalloc util
# Its hook runs before each RRD update the writer makes.
$(O)/tests/test_store: LDFLAGS += -Wl,--wrap=rrd_updatex_r
CMOCKA	 = $(shell pkg-config --libs cmocka 2>/dev/null)

# The probes (issue 6): probes/NAME.c (the source's connection) and
# probes/NAME_parse.c (its protocol, pure, unit-tested) make
# wachtd-probe-NAME, on probe.c and the daemon's broker connection, logger
# and [mqtt] rules. Those whose files are there yet.
PROBES	 = $(foreach p,imap ami qmatic,$(if $(wildcard probes/$(p).c),$(p)))
PROBE_OBJS = $(O)/probes/probe.o $(addprefix $(O)/monitor/,$(addsuffix .o,\
	   mqtt config parse map payload log xmalloc util fetch calendar sdnotify))

all: $(O)/wachtd $(O)/wachtd-sim $(O)/wachtctl \
    $(addprefix $(O)/wachtd-probe-,$(PROBES))

$(O)/wachtd-probe-%: $(O)/probes/%.o $(O)/probes/%_parse.o $(PROBE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The common part, reading configuration files.
$(O)/tests/test_probe: $(O)/tests/unit/test_probe.o $(PROBE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA)

# A probe's protocol parser alone, with the helpers it may use.
PROBE_UNIT_BINS = $(addprefix $(O)/tests/test_,$(addsuffix _parse,$(PROBES)))
$(O)/tests/test_%_parse: $(O)/tests/unit/test_%_parse.o \
    $(O)/probes/%_parse.o $(O)/monitor/xmalloc.o $(O)/monitor/log.o \
    $(O)/monitor/parse.o $(O)/monitor/calendar.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA)

$(O)/wachtd: $(WACHTD_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/wachtd-sim: $(O)/probes/sim.o $(O)/monitor/parse.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

WACHTCTL_OBJS = $(addprefix $(O)/monitor/,$(addsuffix .o,wachtctl \
	   ctl_report ctl_alerts ctl_admin report_fmt parse calendar xmalloc \
	   log))
$(O)/wachtctl: $(WACHTCTL_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CURL_LIBS)

$(O)/assets.list: FORCE
	@mkdir -p $(@D)
	@echo '$(ASSETS)' | cmp -s - $@ || echo '$(ASSETS)' > $@

$(O)/assets.c: scripts/embed.sh $(O)/assets.list $(ASSETS)
	scripts/embed.sh dashboards $(ASSETS) > $@.tmp && mv $@.tmp $@

$(O)/assets.o: $(O)/assets.c
	$(CC) $(CFLAGS) -Imonitor -c -o $@ $<

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Imonitor -Iprobes -c -o $@ $<
-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)

.SECONDEXPANSION:
$(O)/tests/test_%: $(O)/tests/unit/test_%.o \
    $$(addprefix $(O)/monitor/,$$(addsuffix .o,$$(test_%_DEPS)))
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA)

# fetch.c driven from the command line, for t_fetch.
FETCH_PROBE_OBJS = $(addprefix $(O)/,tests/fetch_probe.o monitor/fetch.o \
	   monitor/xmalloc.o monitor/log.o)
$(O)/tests/fetch_probe: $(FETCH_PROBE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# make bench: a broker client timing alerts, the ingest stream's
# publisher and the bare subscriber that is its floor.
BENCH_BINS = $(addprefix $(O)/tests/,alert_latency ingest_pub ingest_floor)
$(BENCH_BINS): $(O)/tests/%: $(O)/tests/bench/%.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
# The memory baseline: the libraries wachtd itself needs (its ELF header's
# list, so not libcurl, which it loads for a mail or webhook), loaded, and
# nothing else.
BENCH_BINS += $(O)/tests/idle
$(O)/tests/idle: $(O)/tests/bench/idle.o $(O)/wachtd
	libs=$$(LC_ALL=C readelf -d $(O)/wachtd | \
	    sed -n 's/.*Shared library: \[\(.*\)\]/-l:\1/p') && \
	    test -n "$$libs" && \
	    $(CC) -Wl,--no-as-needed -o $@ $< $$libs

# The simulator's core without its main(), for its unit test.
$(O)/probes/sim-core.o: probes/sim.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSIM_NO_MAIN -Imonitor -Iprobes -c -o $@ $<

$(O)/tests/test_sim: $(O)/tests/unit/test_sim.o $(O)/probes/sim-core.o \
    $(O)/monitor/parse.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA)

deps:
	@scripts/deps.sh

tests: all $(UNIT_BINS) $(PROBE_UNIT_BINS) $(O)/tests/test_probe \
    $(O)/tests/fetch_probe

check:
	@scripts/deps.sh --tests
	@$(MAKE) --no-print-directory tests
	@O=$(O) VALGRIND=$(VALGRIND) tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@O=$(O) scripts/demo.sh

# RRD writes per step and the loop's longest stall (issue 3), alert latency
# (issue 4), the public listener against nginx (issue 5), ingest against
# the floor and collectd (issue 8), as ratios.
bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@O=$(O) tests/bench/run.sh; a=$$?; \
	    O=$(O) tests/bench/alerts.sh; b=$$?; \
	    O=$(O) tests/bench/http.sh; c=$$?; \
	    O=$(O) tests/bench/ingest.sh; d=$$?; \
	    O=$(O) tests/bench/scale.sh; e=$$?; exit $$((a | b | c | d | e))

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/wachtd $(DESTDIR)$(DATADIR)
	install -m 755 $(O)/wachtd $(DESTDIR)$(SBINDIR)/wachtd
	install -m 755 $(O)/wachtd-sim $(DESTDIR)$(BINDIR)/wachtd-sim
	install -m 755 $(O)/wachtctl $(DESTDIR)$(BINDIR)/wachtctl
	install -m 644 config/wachtd.conf.example $(DESTDIR)$(DATADIR)/
	test -e $(DESTDIR)$(SYSCONFDIR)/wachtd/wachtd.conf || \
	    install -m 640 config/wachtd.conf.example \
	    $(DESTDIR)$(SYSCONFDIR)/wachtd/wachtd.conf
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR)
	install -m 644 docs/wachtctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/wachtd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 docs/wachtd.8 $(DESTDIR)$(MANDIR)/man8/
	for p in $(PROBES); do \
	    install -m 755 $(O)/wachtd-probe-$$p $(DESTDIR)$(BINDIR)/ && \
	    install -m 644 docs/wachtd-probe-$$p.8 $(DESTDIR)$(MANDIR)/man8/ && \
	    install -m 644 systemd/wachtd-probe-$$p@.service \
	        $(DESTDIR)$(UNITDIR)/ && \
	    install -m 644 config/probe-$$p.conf.example $(DESTDIR)$(DATADIR)/ \
	    || exit 1; done
	install -m 644 systemd/wachtd.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/wachtd.conf
	for u in wachtd rrdcached-wachtd; do \
	    sed -e 's|/usr/sbin/|$(SBINDIR)/|' \
	        -e 's|/etc/wachtd/|$(SYSCONFDIR)/wachtd/|' systemd/$$u.service \
	        > $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; done
	install -d $(DESTDIR)$(DATADIR)/grafana
	install -m 644 dashboards/grafana/wachtd.json \
	    dashboards/grafana/README.md $(DESTDIR)$(DATADIR)/grafana/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/wachtd $(DESTDIR)$(BINDIR)/wachtd-sim \
	    $(DESTDIR)$(BINDIR)/wachtctl $(DESTDIR)$(SYSUSERSDIR)/wachtd.conf \
	    $(DESTDIR)$(UNITDIR)/wachtd.service \
	    $(DESTDIR)$(UNITDIR)/rrdcached-wachtd.service \
	    $(DESTDIR)$(MANDIR)/man1/wachtctl.1 \
	    $(DESTDIR)$(MANDIR)/man5/wachtd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/wachtd.8
	for p in $(PROBES); do rm -f $(DESTDIR)$(BINDIR)/wachtd-probe-$$p \
	    $(DESTDIR)$(MANDIR)/man8/wachtd-probe-$$p.8 \
	    $(DESTDIR)$(UNITDIR)/wachtd-probe-$$p@.service; done
	rm -rf $(DESTDIR)$(DATADIR)
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/wachtd (your configuration)"

# A Debian package of what make install puts in place with PREFIX=/usr
# (scripts/deb: control, maintainer scripts, conffiles).
DEB_VERSION = $(shell sed -n 's/^\#define WACHTD_VERSION[^"]*"\(.*\)"/\1/p' \
	   monitor/wachtd.h)
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB	 = $(O)/wachtd_$(DEB_VERSION)_$(DEB_ARCH).deb
deb: all
	rm -rf $(O)/deb
	$(MAKE) --no-print-directory install O=$(O) PREFIX=/usr \
	    DESTDIR=$(CURDIR)/$(O)/deb >/dev/null
	find $(O)/deb/usr/share/man -type f -exec gzip -9n {} +
	mkdir -p $(O)/deb/DEBIAN
	sed -e 's/@VERSION@/$(DEB_VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
	    -e "s/@SIZE@/$$(du -sk $(O)/deb | cut -f1)/" scripts/deb/control \
	    > $(O)/deb/DEBIAN/control
	install -m 644 scripts/deb/conffiles $(O)/deb/DEBIAN/
	install -m 755 scripts/deb/postinst scripts/deb/prerm \
	    scripts/deb/postrm $(O)/deb/DEBIAN/
	dpkg-deb --root-owner-group --build $(O)/deb $(DEB) >/dev/null
	@echo "$(DEB)"

# make fuzz (libFuzzer targets) and make faults (the daemon under faults).
-include tests/fuzz/fuzz.mk
-include tests/faults/faults.mk

FORCE:

clean:
	rm -rf build build-sanitize build-fuzz

.PHONY: FORCE all deps tests check demo bench install uninstall clean deb

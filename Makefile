# segcont -- build, test, demo. `make demo` and `make check` install missing Debian
# packages first (as root), so a fresh Debian 12 machine needs nothing else.
PREFIX   ?= /usr/local
CC       ?= cc
PKGS      = libmicrohttpd inih jansson libxml-2.0 libcurl sqlite3 libsodium xlsxwriter libsystemd libpq
VERSION   = 0.1.0
WARN      = -std=c11 -Wall -Wextra -Werror
DEFS      = -D_GNU_SOURCE -DSEGCONT_VERSION=\"$(VERSION)\"
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Iconnector -Ibuild/gen -MMD -MP
LIBS      = $(PKG_LIBS) -lpthread -lm
SAN       = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

SRC       = $(wildcard connector/*.c)
LIB_SRC   = $(filter-out connector/main.c,$(SRC))
OBJ       = $(patsubst connector/%.c,build/obj/%.o,$(SRC))
LIB_OBJ   = $(patsubst connector/%.c,build/obj/%.o,$(LIB_SRC))
SAN_OBJ   = $(patsubst connector/%.c,build/san/%.o,$(LIB_SRC))
WEB_FILES = $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg web/vendor/*.js))
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRC))
FAKEDS_SRC = $(wildcard tests/fakeds/*.c)
FAKECMIS_SRC = $(wildcard tests/fakecmis/*.c)
FAKECMIS_HDR = $(wildcard tests/fakecmis/*.h)
# What both simulators share (one copy, linked into each of them).
SIMLIB_SRC = $(wildcard tests/simlib/*.c)
SIMLIB_HDR = $(wildcard tests/simlib/*.h)
# Every header a binary may read: a change relinks it (tests/run.sh refuses a binary older
# than any of them, so each input it compares is a prerequisite here).
UNIT_HDR  = $(wildcard connector/*.h tests/unit/*.h)
# make coverage: the same sources with gcov instrumentation, in build/cov only.
COV       = build/cov
# Counters updated atomically: segcont's threads (HTTP workers, poller) run the same code.
COV_FLAGS = --coverage -fprofile-update=atomic -O0 -g
COV_OBJ   = $(patsubst connector/%.c,$(COV)/obj/%.o,$(SRC))
COV_LIB_OBJ = $(patsubst connector/%.c,$(COV)/obj/%.o,$(LIB_SRC))
COV_UNIT_BIN = $(patsubst tests/unit/%.c,$(COV)/unit/%,$(UNIT_SRC))

.PHONY: all deps demo check unit integration coverage bench install clean format lint
all: build/segcont build/fakeds build/fakecmis

deps:
	@sh .ci/deps

build/gen/web_assets.c: $(WEB_FILES) .ci/embed-web
	@mkdir -p build/gen
	python3 .ci/embed-web $@ $(WEB_FILES)

build/obj/%.o: connector/%.c
	@mkdir -p build/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/san/%.o: connector/%.c
	@mkdir -p build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -c $< -o $@

build/obj/web_assets.o: build/gen/web_assets.c connector/web_assets.h
	@mkdir -p build/obj
	$(CC) $(WARN) $(CFLAGS) -Iconnector -c $< -o $@

build/san/web_assets.o: build/gen/web_assets.c connector/web_assets.h
	@mkdir -p build/san
	$(CC) $(WARN) $(CFLAGS) $(SAN) -Iconnector -c $< -o $@

build/segcont: $(OBJ) build/obj/web_assets.o $(wildcard connector/*.h)
	$(CC) $(CFLAGS) -o $@ $(OBJ) build/obj/web_assets.o $(LIBS)

build/fakeds: $(FAKEDS_SRC) $(SIMLIB_SRC) build/obj/util.o $(wildcard tests/fakeds/*.h) $(SIMLIB_HDR)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Iconnector -Itests/simlib -o $@ $(FAKEDS_SRC) $(SIMLIB_SRC) build/obj/util.o $(LIBS)

# The simulated CMIS repository (tests/fakecmis); fakecmis-san is the sanitizer build its
# contract test can run against (FAKECMIS_BIN=build/fakecmis-san).
build/fakecmis: $(FAKECMIS_SRC) $(SIMLIB_SRC) $(FAKECMIS_HDR) $(SIMLIB_HDR) build/obj/util.o
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Iconnector -Itests/simlib -o $@ $(FAKECMIS_SRC) $(SIMLIB_SRC) build/obj/util.o $(LIBS)

build/fakecmis-san: $(FAKECMIS_SRC) $(SIMLIB_SRC) $(FAKECMIS_HDR) $(SIMLIB_HDR) build/san/util.o
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(SAN) -O1 $(PKG_CFLAGS) -Iconnector -Itests/simlib -o $@ $(FAKECMIS_SRC) $(SIMLIB_SRC) build/san/util.o $(LIBS)

build/unit/%: tests/unit/%.c $(SAN_OBJ) build/san/web_assets.o $(UNIT_HDR)
	@mkdir -p build/unit
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -Iconnector -o $@ $< $(SAN_OBJ) build/san/web_assets.o $(LIBS) $(CMOCKA_LIBS)

$(COV)/obj/%.o: connector/%.c
	@mkdir -p $(COV)/obj
	$(CC) $(ALL_CFLAGS) $(COV_FLAGS) -c $< -o $@

$(COV)/obj/web_assets.o: build/gen/web_assets.c connector/web_assets.h
	@mkdir -p $(COV)/obj
	$(CC) $(WARN) $(CFLAGS) -Iconnector -c $< -o $@

$(COV)/segcont: $(COV_OBJ) $(COV)/obj/web_assets.o $(wildcard connector/*.h)
	$(CC) $(CFLAGS) $(COV_FLAGS) -o $@ $(COV_OBJ) $(COV)/obj/web_assets.o $(LIBS)

$(COV)/unit/%: tests/unit/%.c $(COV_LIB_OBJ) $(COV)/obj/web_assets.o $(UNIT_HDR)
	@mkdir -p $(COV)/unit
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(COV_FLAGS) $(PKG_CFLAGS) -Iconnector -o $@ $< $(COV_LIB_OBJ) $(COV)/obj/web_assets.o $(LIBS) $(CMOCKA_LIBS)

demo: deps all
	sh .ci/demo

check: deps all $(UNIT_BIN)
	sh tests/run.sh

unit: all $(UNIT_BIN)
	sh tests/run.sh unit

integration: all
	sh tests/run.sh integration

# Unit and integration tests against gcov-instrumented builds (build/cov), then line and
# branch coverage of connector/ per file with lcov (installed by .ci/coverage when missing).
coverage: deps all $(COV)/segcont $(COV_UNIT_BIN)
	sh .ci/coverage

bench: deps all
	sh bench/run.sh

install: build/segcont
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/segcont/mappings $(DESTDIR)$(PREFIX)/share/doc/segcont
	install -m 0755 build/segcont $(DESTDIR)$(PREFIX)/bin/segcont
	install -m 0644 mappings/*.json $(DESTDIR)$(PREFIX)/share/segcont/mappings/
	install -m 0644 config/segcont.conf.example config/segcont.service $(DESTDIR)$(PREFIX)/share/doc/segcont/

format:
	clang-format -i connector/*.[ch] tests/unit/*.c tests/fakeds/*.c tests/fakecmis/*.[ch] tests/simlib/*.[ch]

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 --inline-suppr -Iconnector -Itests/simlib connector tests/fakeds tests/fakecmis tests/simlib

clean:
	rm -rf build

# Keep the sanitizer objects between runs (make would delete them as intermediates).
.SECONDARY: $(SAN_OBJ) build/san/web_assets.o $(COV_OBJ) $(COV)/obj/web_assets.o

-include $(wildcard build/obj/*.d build/san/*.d $(COV)/obj/*.d)

/* test_worker.c -- unit tests of worker.c: the timed wait of a background thread returns on
 * its timeout, early on a trigger or on stop, and keeps its bound when the wall clock is
 * stepped (the test's clock_gettime below moves CLOCK_REALTIME an hour ahead); the thread's
 * connection is open during a run only, and reopened for the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "calendar.h"
#include "config.h"
#include "indicators.h"
#include "mapping.h"
#include "store.h"
#include "sync.h"
#include "util.h"
#include "worker.h"
#include "test_tmpdir.h"

#define TEST_ERR 1024
#define TEST_MAPPING "mappings/orfeo-soap.json"
#define TEST_STEP_S 3600     /* the wall clock's step: an hour */
#define TEST_SLACK_MS 900    /* scheduling slack on a loaded machine */
#define TEST_GIVE_UP_MS 5000 /* a wait still running after this is stuck */
#define TEST_POLL_MS 20

static atomic_int test_clock_step; /* seconds added to CLOCK_REALTIME while set */

/* The process's clock_gettime: the real clock (a direct system call), with CLOCK_REALTIME
 * moved test_clock_step seconds ahead. worker.c's calls land here, so a deadline taken on
 * the wall clock is an hour late, as after the clock is stepped back by NTP or by hand. */
int clock_gettime(clockid_t id, struct timespec *ts)
{
	int rc = (int)syscall(SYS_clock_gettime, id, ts);

	if (rc == 0 && id == CLOCK_REALTIME)
		ts->tv_sec += atomic_load(&test_clock_step);
	return rc;
}

static int test_setup(void **state)
{
	(void)state;
	mapping_global_init();
	return test_tmpdir_make("worker");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* The calendar serve makes once and lends its workers; the caller frees it. */
static struct calendar *test_calendar(const struct config *cfg)
{
	char err[TEST_ERR] = "";
	struct calendar *cal = indicators_calendar_new(cfg, err, sizeof(err));

	if (cal == NULL)
		fail_msg("indicators_calendar_new: %s", err);
	return cal;
}

/* One worker whose thread makes a single worker_wait of secs and records how long it took. */
struct test_waiter {
	struct config cfg;
	struct mapping *map;
	struct calendar *cal;
	struct worker w;
	atomic_int stop;
	long long secs;
	atomic_llong elapsed_ms; /* -1 while the wait runs */
};

static void *test_waiter_run(void *arg)
{
	struct test_waiter *t = arg;
	long long start = util_monotonic_ms();

	worker_wait(&t->w, t->secs);
	atomic_store(&t->elapsed_ms, util_monotonic_ms() - start);
	return NULL;
}

static void test_waiter_start(struct test_waiter *t, long long secs)
{
	char err[TEST_ERR] = "";

	memset(t, 0, sizeof(*t));
	config_defaults(&t->cfg);
	free(t->cfg.store_path);
	t->cfg.store_path = xasprintf("%s/worker.db", test_dir);
	t->map = mapping_load(TEST_MAPPING, err, sizeof(err));
	if (t->map == NULL)
		fail_msg("mapping_load: %s", err);
	t->secs = secs;
	atomic_store(&t->elapsed_ms, -1);
	t->cal = test_calendar(&t->cfg);
	if (worker_start(&t->w, &t->cfg, t->map, t->cal, &t->stop, test_waiter_run, t, "la prueba",
			 err, sizeof(err)) < 0)
		fail_msg("worker_start: %s", err);
}

/* Waits (on the monotonic clock) until the wait ended or TEST_GIVE_UP_MS passed. Returns
 * the wait's duration, or -1 when it was still running (it is then stopped). */
static long long test_waiter_finish(struct test_waiter *t)
{
	long long begin = util_monotonic_ms();
	long long elapsed;

	while ((elapsed = atomic_load(&t->elapsed_ms)) < 0 &&
	       util_monotonic_ms() - begin < TEST_GIVE_UP_MS)
		usleep(TEST_POLL_MS * 1000);
	atomic_store(&t->stop, 1);
	worker_join(&t->w);
	calendar_free(t->cal);
	mapping_free(t->map);
	config_free(&t->cfg);
	return elapsed;
}

static void test_wait_timeout(void **state)
{
	struct test_waiter t;
	long long ms;

	(void)state;
	test_waiter_start(&t, 1);
	ms = test_waiter_finish(&t);
	if (ms < 1000 - TEST_POLL_MS || ms > 1000 + TEST_SLACK_MS)
		fail_msg("worker_wait(1 s) took %lld ms", ms);
}

static void test_wait_trigger(void **state)
{
	struct test_waiter t;
	long long ms;

	(void)state;
	test_waiter_start(&t, 60);
	usleep(200 * 1000);
	assert_int_equal(worker_triggered(&t.w), 0);
	worker_trigger(&t.w);
	assert_int_equal(worker_triggered(&t.w), 1);
	ms = test_waiter_finish(&t);
	if (ms < 0 || ms > 200 + TEST_SLACK_MS)
		fail_msg("a trigger 200 ms into a 60 s wait ended it after %lld ms", ms);
}

static void test_wait_stop(void **state)
{
	struct test_waiter t;
	long long begin;

	(void)state;
	test_waiter_start(&t, 60);
	usleep(200 * 1000);
	begin = util_monotonic_ms();
	atomic_store(&t.stop, 1);
	worker_join(&t.w); /* wakes the wait: returns well before the 60 s */
	assert_true(util_monotonic_ms() - begin < TEST_SLACK_MS);
	assert_true(atomic_load(&t.elapsed_ms) >= 0);
	calendar_free(t.cal);
	mapping_free(t.map);
	config_free(&t.cfg);
}

static void test_wait_clock_step(void **state)
{
	struct test_waiter t;
	long long ms;

	(void)state;
	atomic_store(&test_clock_step, TEST_STEP_S);
	test_waiter_start(&t, 1);
	ms = test_waiter_finish(&t);
	atomic_store(&test_clock_step, 0);
	if (ms < 0)
		fail_msg("with the wall clock an hour off, worker_wait(1 s) was still waiting "
			 "after %d ms: it follows CLOCK_REALTIME",
			 TEST_GIVE_UP_MS);
	if (ms > 1000 + TEST_SLACK_MS)
		fail_msg("with the wall clock an hour off, worker_wait(1 s) took %lld ms", ms);
}

/* A run, a wait, a run: what worker_store gave and whether it worked, each time. */
struct test_runs {
	struct test_waiter t;
	struct store *at_start, *first, *after_wait, *second;
	int first_ok, second_ok;
	atomic_int done;
};

static void *test_runs_run(void *arg)
{
	struct test_runs *r = arg;
	struct sync_state st;

	r->at_start = r->t.w.store;
	r->first = worker_store(&r->t.w, "prueba");
	r->first_ok = r->first != NULL && store_sync_get(r->first, &st) == 0;
	worker_wait(&r->t.w, 1);
	r->after_wait = r->t.w.store;
	r->second = worker_store(&r->t.w, "prueba");
	r->second_ok = r->second != NULL && store_sync_get(r->second, &st) == 0;
	atomic_store(&r->done, 1);
	return NULL;
}

static void test_store_between_runs(void **state)
{
	struct test_runs r;
	char err[TEST_ERR] = "";
	long long begin = util_monotonic_ms();

	(void)state;
	memset(&r, 0, sizeof(r));
	config_defaults(&r.t.cfg);
	free(r.t.cfg.store_path);
	r.t.cfg.store_path = xasprintf("%s/runs.db", test_dir);
	r.t.map = mapping_load(TEST_MAPPING, err, sizeof(err));
	if (r.t.map == NULL)
		fail_msg("mapping_load: %s", err);
	r.t.cal = test_calendar(&r.t.cfg);
	if (worker_start(&r.t.w, &r.t.cfg, r.t.map, r.t.cal, &r.t.stop, test_runs_run, &r,
			 "la prueba", err, sizeof(err)) < 0)
		fail_msg("worker_start: %s", err);
	while (!atomic_load(&r.done) && util_monotonic_ms() - begin < TEST_GIVE_UP_MS)
		usleep(TEST_POLL_MS * 1000);
	atomic_store(&r.t.stop, 1);
	worker_join(&r.t.w); /* closes the second run's connection */
	calendar_free(r.t.cal);
	mapping_free(r.t.map);
	config_free(&r.t.cfg);
	assert_int_equal(atomic_load(&r.done), 1);
	assert_null(r.at_start); /* worker_start opened and closed it: the thread opens it */
	assert_true(r.first_ok);
	assert_null(r.after_wait);
	assert_true(r.second_ok);
}

/* A database serve cannot open stops the worker at start, with the reason. */
static void test_start_unopenable(void **state)
{
	struct test_waiter t;
	char err[TEST_ERR] = "";

	(void)state;
	memset(&t, 0, sizeof(t));
	config_defaults(&t.cfg);
	free(t.cfg.store_path);
	t.cfg.store_path = xasprintf("%s/no-existe/x.db", test_dir);
	t.map = mapping_load(TEST_MAPPING, err, sizeof(err));
	if (t.map == NULL)
		fail_msg("mapping_load: %s", err);
	t.cal = test_calendar(&t.cfg);
	assert_int_equal(worker_start(&t.w, &t.cfg, t.map, t.cal, &t.stop, test_waiter_run, &t,
				      "la prueba", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "no-existe"));
	calendar_free(t.cal);
	mapping_free(t.map);
	config_free(&t.cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wait_timeout),       cmocka_unit_test(test_wait_trigger),
	    cmocka_unit_test(test_wait_stop),	       cmocka_unit_test(test_wait_clock_step),
	    cmocka_unit_test(test_store_between_runs), cmocka_unit_test(test_start_unopenable),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}

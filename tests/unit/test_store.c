/*
 * test_store.c: the writer thread against real RRD files in a temporary
 * state_dir. kill -9 may come at any moment, so each step must be in the
 * RRD file or in the journal on disk at every moment: a journal that no
 * longer holds a step is written only after that step's job. The
 * linker's --wrap puts a hook before each rrd_updatex_r, which can hold
 * the writer in one update and look at the disk from inside the next.
 * And a journal left by kill -9 is written at the next start, for the
 * queues still configured.
 */
#include <sys/stat.h>

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "wachtd.h"
#include "near.h"

#define STEP		10.0
#define OLD_JOURNAL	"the journal of the last tick"

int	__real_rrd_updatex_r(const char *, const char *, int, int,
	    const char **);
int	__wrap_rrd_updatex_r(const char *, const char *, int, int,
	    const char **);

static char	tmpdir[PATH_MAX];
static char	journal_path[PATH_MAX + 32];

/* The hook's state, shared with the writer thread. */
static pthread_mutex_t	hook_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	hook_cond = PTHREAD_COND_INITIALIZER;
static const char	*hold_file;	/* this update waits for release */
static int		 held, released;
static const char	*look_file;	/* this update reads the journal */
static char		 journal_seen[4096];
static size_t		 journal_seen_len;

static int
ends_with(const char *s, const char *tail)
{
	size_t	ls = strlen(s), lt = strlen(tail);

	return ls >= lt && strcmp(s + ls - lt, tail) == 0;
}

int
__wrap_rrd_updatex_r(const char *filename, const char *template, int flags,
    int argc, const char **argv)
{
	FILE	*f;
	size_t	 n = 0;

	pthread_mutex_lock(&hook_lock);
	if (hold_file != NULL && ends_with(filename, hold_file)) {
		held = 1;
		pthread_cond_broadcast(&hook_cond);
		while (!released)
			pthread_cond_wait(&hook_cond, &hook_lock);
	}
	if (look_file != NULL && ends_with(filename, look_file)) {
		if ((f = fopen(journal_path, "r")) != NULL) {
			n = fread(journal_seen, 1, sizeof(journal_seen), f);
			fclose(f);
		}
		journal_seen_len = n;
	}
	pthread_mutex_unlock(&hook_lock);
	return __real_rrd_updatex_r(filename, template, flags, argc, argv);
}

static int
setup(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_store.XXXXXX",
	    t != NULL && t[0] != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(journal_path, sizeof(journal_path), "%s/steps.journal",
	    tmpdir);
	hold_file = look_file = NULL;
	held = released = 0;
	journal_seen_len = 0;
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Step n (of STEP seconds) with `arrived` contacts. */
static struct step
step_with(int64_t n, uint32_t arrived)
{
	struct step	s;

	step_open(&s, n, STEP, NULL);
	step_arrived(&s, arrived, 1);
	return s;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Data source ds of queue id's file in the step ending at t, as fetch
 * gives it (a count as a rate); -1 without a file. */
static double
value_at(const char *id, const char *ds, time_t t)
{
	char		 path[PATH_MAX + 64];
	time_t		 start = t - (time_t)STEP, end = t;
	unsigned long	 step = (unsigned long)STEP, ds_cnt, i;
	char		**names;
	rrd_value_t	*data;
	double		 v = NAN;

	snprintf(path, sizeof(path), "%s/rrd/%s.rrd", tmpdir, id);
	if (rrd_fetch_r(path, "AVERAGE", &start, &end, &step, &ds_cnt,
	    &names, &data) != 0)
		return -1;
	/* The first row is the one ending at start + step. */
	for (i = 0; i < ds_cnt; i++) {
		if (strcmp(names[i], ds) == 0 && start + (time_t)step == t)
			v = data[i];
		free(names[i]);
	}
	free(names);
	free(data);
	return v;
}

/* A count: rate x step. */
static double
count_at(const char *id, const char *ds, time_t t)
{
	double	v = value_at(id, ds, t);

	return v == -1 ? v : v * STEP;
}

static double
arrived_at(const char *id, time_t t)
{
	return count_at(id, "arrived", t);
}

/* Until the writer is held in hold_file's update; fails after 10 s. */
static void
wait_held(void)
{
	struct timespec	 until;
	int		 rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&hook_lock);
	while (!held && rc == 0)
		rc = pthread_cond_timedwait(&hook_cond, &hook_lock, &until);
	pthread_mutex_unlock(&hook_lock);
	if (rc != 0)
		fail_msg("the writer never reached %s", hold_file);
}

static void
release(void)
{
	pthread_mutex_lock(&hook_lock);
	released = 1;
	pthread_cond_broadcast(&hook_cond);
	pthread_mutex_unlock(&hook_lock);
}

/* Whether the journal look_file's update saw on disk holds text. */
static int
seen_holds(const char *text)
{
	int	yes;

	pthread_mutex_lock(&hook_lock);
	yes = memmem(journal_seen, journal_seen_len, text, strlen(text)) !=
	    NULL;
	pthread_mutex_unlock(&hook_lock);
	return yes;
}

/*
 * The tick hands step e to the writer and journals the steps after it,
 * without e, while the writer is busy with queue a. The writer must
 * write e before that journal: kill -9 between the two would otherwise
 * find e neither in its file nor in the journal.
 */
static void
a_step_leaves_the_journal_only_once_written(void **state)
{
	struct store	*st;
	struct step	 s;
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;

	(void)state;
	write_file(journal_path, OLD_JOURNAL);
	hold_file = "/a.rrd";
	look_file = "/e.rrd";
	st = store_new(tmpdir, STEP, NULL);
	s = step_with(n, 1);
	store_put(st, "a", &s);
	store_commit(st);
	wait_held();

	/* The tick's end, as tick_done: steps, then the journal. */
	s = step_with(n, 4);
	store_put(st, "e", &s);
	store_commit(st);
	store_journal_begin(st);
	store_journal_end(st);

	release();
	store_sync(st);
	assert_true(seen_holds(OLD_JOURNAL));
	assert_near(arrived_at("e", (time_t)((n + 1) * STEP)), 4);
	store_free(st);
	assert_int_equal(access(journal_path, F_OK), -1);	/* clean stop */
}

/* Whether the journal on disk names queue id. */
static int
journal_names(const char *id)
{
	char	 buf[4096];
	size_t	 n = 0;
	FILE	*f;

	if ((f = fopen(journal_path, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	return memmem(buf, n, id, strlen(id)) != NULL;
}

/*
 * A writer behind by more than a tick: every journal is written in its
 * turn, none overtaken by the next. When the writer writes step p, the
 * journal on disk is the one made when p was held for late input (p
 * left it only with the tick after, behind which p is queued).
 */
static void
a_journal_is_written_in_its_turn_behind_a_lagging_writer(void **state)
{
	struct store	*st;
	struct store_stats stats;
	struct step	 s;
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;

	(void)state;
	hold_file = "/lag/held.rrd";
	look_file = "/lag/prev.rrd";
	st = store_new(tmpdir, STEP, NULL);
	s = step_with(n, 1);
	store_put(st, "lag/held", &s);
	store_commit(st);
	wait_held();
	/* Tick 1: p is held for late input, so journaled. */
	store_journal_begin(st);
	s = step_with(n + 1, 2);
	store_journal_add(st, "lag/prev", &s);
	store_journal_end(st);
	/* Tick 2: p goes to the writer; the journal no longer holds it. */
	store_put(st, "lag/prev", &s);
	store_commit(st);
	store_journal_begin(st);
	store_journal_end(st);
	/* Tick 3, no step handed over: it takes the place of tick 2's. */
	store_journal_begin(st);
	s = step_with(n + 3, 1);
	store_journal_add(st, "lag/last", &s);
	store_journal_end(st);
	store_stats(st, &stats);	/* steps only, not journals */
	assert_int_equal(stats.pending, 2);
	release();
	store_sync(st);
	assert_true(seen_holds("lag/prev"));
	assert_false(journal_names("lag/prev"));	/* the last one is on disk */
	assert_true(journal_names("lag/last"));
	assert_near(arrived_at("lag/prev", (time_t)((n + 2) * STEP)), 2);
	store_stats(st, &stats);
	assert_int_equal(stats.queued, 2);
	assert_int_equal(stats.writes, 2);
	assert_int_equal(stats.pending, 0);
	store_free(st);
}

/* What kill -9 leaves of st on disk: its journal too (a stop unlinks it). */
static void
kill9(struct store *st)
{
	char	kept[PATH_MAX + 64];

	snprintf(kept, sizeof(kept), "%s.kept", journal_path);
	assert_int_equal(rename(journal_path, kept), 0);
	store_free(st);
	assert_int_equal(rename(kept, journal_path), 0);
}

/* A start with queues ids (up to NULL) configured: what the journal
 * holds of them is written; restore returns want. */
static struct store *
start_with(const char **ids, int want)
{
	static int	 configured;
	struct map	*queues = map_new();
	struct store	*st;

	for (; *ids != NULL; ids++)
		map_put(queues, *ids, &configured);
	st = store_new(tmpdir, STEP, NULL);
	assert_int_equal(store_journal_restore(st, queues), want);
	store_sync(st);
	map_free(queues, NULL);
	return st;
}

/* kill -9 leaves a journal: its steps are written at the next start,
 * those of a queue no longer configured are not. */
static void
a_journal_is_written_at_the_next_start(void **state)
{
	struct store	*st;
	struct step	 s;
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;
	time_t		 t;

	(void)state;
	st = store_new(tmpdir, STEP, NULL);
	/* Words of every kind: counts, sums, a gauge held half the step,
	 * those of the opening hours, the quality counts at the end. */
	s = step_with(n, 3);
	step_answered(&s, 20, 1, 1);
	step_hold(&s, GAUGE_WAITING, 4, s.start + STEP / 2, s.end);
	s.quality.direct = 1;
	s.quality.score5[3] = 2;
	store_journal_begin(st);
	store_journal_add(st, "balie/kept", &s);
	store_journal_add(st, "balie/gone", &s);
	store_journal_end(st);
	store_sync(st);		/* written, journals too */
	assert_int_equal(access(journal_path, F_OK), 0);
	kill9(st);

	st = start_with((const char *[]){ "balie/kept", NULL }, 0);
	t = (time_t)((n + 1) * STEP);
	assert_near(arrived_at("balie/kept", t), 3);
	assert_near(count_at("balie/kept", "answered", t), 1);
	assert_near(count_at("balie/kept", "wait_sum", t), 20);
	assert_near(value_at("balie/kept", "waiting", t), 4);
	assert_near(value_at("balie/kept", "waiting_max", t), 4);
	assert_true(isnan(value_at("balie/kept", "agents_max", t)));
	assert_near(count_at("balie/kept", "watched", t), STEP);
	assert_near(count_at("balie/kept", "open_arrived", t), 3);
	assert_near(count_at("balie/kept", "open_wait_sum", t), 20);
	assert_near(count_at("balie/kept", "direct", t), 1);
	assert_near(count_at("balie/kept", "rated5_4", t), 2);
	assert_near(arrived_at("balie/gone", t), -1);
	store_free(st);
}

/* Each tick's journal replaces the one before, in the buffer the writer
 * gave back: after it, a start writes the newer steps alone. */
static void
each_journal_replaces_the_last(void **state)
{
	struct store	*st;
	struct step	 s;
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;

	(void)state;
	st = store_new(tmpdir, STEP, NULL);
	s = step_with(n, 1);
	store_journal_begin(st);
	store_journal_add(st, "balie/old", &s);
	store_journal_end(st);
	store_sync(st);		/* written, journals too */
	assert_int_equal(access(journal_path, F_OK), 0);
	s = step_with(n + 1, 2);
	store_journal_begin(st);
	store_journal_add(st, "balie/new", &s);
	store_journal_end(st);
	store_sync(st);
	assert_true(journal_names("balie/new"));
	assert_false(journal_names("balie/old"));
	kill9(st);

	st = start_with((const char *[]){ "balie/old", "balie/new", NULL }, 0);
	assert_near(arrived_at("balie/new", (time_t)((n + 2) * STEP)), 2);
	assert_near(arrived_at("balie/old", (time_t)((n + 1) * STEP)), -1);
	store_free(st);
}

/* A journal cut short (a crash before it all reached the disk): the
 * steps before the cut count. */
static void
a_journal_cut_short_gives_the_steps_before_the_cut(void **state)
{
	struct store	*st;
	struct step	 s;
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;
	struct stat	 sb;

	(void)state;
	st = store_new(tmpdir, STEP, NULL);
	s = step_with(n, 2);
	store_journal_begin(st);
	store_journal_add(st, "balie/first", &s);
	store_journal_add(st, "balie/second", &s);
	store_journal_end(st);
	store_sync(st);		/* written, journals too */
	assert_int_equal(access(journal_path, F_OK), 0);
	kill9(st);
	assert_int_equal(stat(journal_path, &sb), 0);
	assert_int_equal(truncate(journal_path, sb.st_size - 1), 0);

	st = start_with((const char *[]){ "balie/first", "balie/second", NULL }, 0);
	assert_near(arrived_at("balie/first", (time_t)((n + 1) * STEP)), 2);
	assert_near(arrived_at("balie/second", (time_t)((n + 1) * STEP)), -1);
	store_free(st);
}

/* A record of a queue id too long for any queue is passed over, and
 * those after it count. */
static void
a_long_id_is_passed_over_not_the_rest(void **state)
{
	struct store	*st;
	struct step	 s;
	char		 id[301];
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;

	(void)state;
	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	st = store_new(tmpdir, STEP, NULL);
	s = step_with(n, 2);
	store_journal_begin(st);
	store_journal_add(st, id, &s);
	store_journal_add(st, "balie/after", &s);
	store_journal_end(st);
	store_sync(st);
	kill9(st);

	st = start_with((const char *[]){ "balie/after", NULL }, 0);
	assert_near(arrived_at("balie/after", (time_t)((n + 1) * STEP)), 2);
	store_free(st);
}

/* A journal of an older version (WSJ1: whole steps) loses its steps,
 * saying so. */
static void
a_journal_of_another_version_is_refused(void **state)
{
	struct store	*st;
	struct step	 s;
	int64_t		 n = (int64_t)(time(NULL) / STEP) - 5;
	FILE		*f;

	(void)state;
	/* WSJ1's magic, then a step as this version would have it. */
	s = step_with(n, 3);
	assert_non_null(f = fopen(journal_path, "w"));
	fwrite("WSJ1", 1, 4, f);
	fwrite(&(uint32_t){ sizeof(s) }, sizeof(uint32_t), 1, f);
	fwrite(&(uint16_t){ 10 }, sizeof(uint16_t), 1, f);
	fwrite("balie/kept", 1, 10, f);
	fwrite(&s, sizeof(s), 1, f);
	assert_int_equal(fclose(f), 0);
	st = start_with((const char *[]){ "balie/kept", NULL }, -1);
	assert_near(arrived_at("balie/kept", (time_t)((n + 1) * STEP)), -1);
	store_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    a_step_leaves_the_journal_only_once_written, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    a_journal_is_written_in_its_turn_behind_a_lagging_writer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_journal_is_written_at_the_next_start, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    each_journal_replaces_the_last, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_journal_cut_short_gives_the_steps_before_the_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    a_long_id_is_passed_over_not_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_journal_of_another_version_is_refused, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * store.c: the history, one RRD file per queue under
 * state_dir/rrd/CHANNEL/NAME.rrd. The loop hands over finished steps with
 * store_put, which only queues them; one writer thread does the file I/O,
 * since every librrd update opens, locks, reads and writes the file. Each
 * file gets one update per step with all data sources at once.
 *
 * Counts are ABSOLUTE data sources: RRD turns "3 arrived in this step"
 * into a rate, and rate x seconds gives the count back exactly over any
 * period, also across a step written in two parts at a restart. Gauges
 * are GAUGE, with their step average and their step maximum.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "wachtd.h"

#define PENDING_MAX	100000	/* steps queued; more means the disk died */

/* librrd keeps one rrdcached connection for the whole process. */
static pthread_mutex_t	 rrdc_mutex = PTHREAD_MUTEX_INITIALIZER;

void
store_rrdc_lock(void)
{
	pthread_mutex_lock(&rrdc_mutex);
}

void
store_rrdc_unlock(void)
{
	pthread_mutex_unlock(&rrdc_mutex);
}

/* The data sources this version writes, in update order. */
static const struct {
	const char	*name;
	const char	*type;
} sources[] = {
	{ "arrived", "ABSOLUTE" },
	{ "answered", "ABSOLUTE" },
	{ "answered_within", "ABSOLUTE" },
	{ "abandoned", "ABSOLUTE" },
	{ "handled", "ABSOLUTE" },
	{ "wait_sum", "ABSOLUTE" },
	{ "handle_sum", "ABSOLUTE" },
	{ "wait_max", "GAUGE" },
	{ "waiting", "GAUGE" },
	{ "waiting_max", "GAUGE" },
	{ "longest_wait", "GAUGE" },
	{ "longest_wait_max", "GAUGE" },
	{ "agents", "GAUGE" },
	{ "agents_max", "GAUGE" },
	{ "backlog", "GAUGE" },
	{ "backlog_max", "GAUGE" },
	{ "oldest_age", "GAUGE" },
	{ "oldest_age_max", "GAUGE" },
	{ "ewt", "GAUGE" },
	{ "ewt_max", "GAUGE" },
};
#define NSOURCES	(sizeof(sources) / sizeof(sources[0]))

/* One step of one queue, on its way to the disk. */
struct job {
	struct job	*next;
	char		*path;
	double		 start, end;
	double		 v[NSOURCES];
};

/* What the writer found out about a file. */
enum file_state {
	FILE_OK = 1,		/* ours, being written */
	FILE_REFUSED		/* another layout: left alone, said once */
};

struct file {
	enum file_state	 state;
	double		 last;		/* its last update: never go back */
};

struct store {
	char		*dir;		/* state_dir/rrd */
	char		*daemon;	/* rrdcached address, or NULL */
	unsigned long	 step;
	char		*template;	/* "arrived:answered:..." */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a job was queued, or quit */
	pthread_cond_t	 idle;		/* the queue ran empty */
	struct job	*head, **tail;
	size_t		 pending;	/* queued or being written */
	int		 flush;		/* rrdcached: flush every file */
	int		 quit;
	struct store_stats stats;	/* under lock */
	/* The writer's own: */
	struct map	*files;		/* path -> struct file */
	struct complaint trouble;
	struct complaint daemon_trouble;
};

/* mkdir -p for the directories of path. */
static int
make_dirs(const char *path)
{
	char	*copy = xstrdup(path), *p;
	int	 rc = 0;

	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) == -1 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(copy);
	return rc;
}

/* Rows of an archive that keeps `secs` at `per` steps a row. */
static void
add_rra(const char **argv, int *argc, char bufs[][64], const char *cf,
    unsigned long per, double secs, unsigned long step)
{
	unsigned long rows = (unsigned long)ceil(secs / (double)(per * step));

	snprintf(bufs[*argc], 64, "RRA:%s:0.5:%lu:%lu", cf, per, rows);
	argv[*argc] = bufs[*argc];
	(*argc)++;
}

/*
 * A new file: step resolution for 48 h, 5 minutes for 5 weeks, hours for
 * 2 years, days for 10 years; averages everywhere, maxima where rows
 * merge several steps.
 */
static int
create_file(struct store *st, const char *path, time_t start)
{
	const char	*argv[NSOURCES + 8];
	char		 bufs[NSOURCES + 8][64];
	unsigned long	 five = 300 / st->step, hour = 3600 / st->step;
	unsigned long	 day = 86400 / st->step;
	int		 argc = 0;
	size_t		 i;

	for (i = 0; i < NSOURCES; i++) {
		snprintf(bufs[argc], 64, "DS:%s:%s:%lu:0:U", sources[i].name,
		    sources[i].type, 2 * st->step);
		argv[argc] = bufs[argc];
		argc++;
	}
	add_rra(argv, &argc, bufs, "AVERAGE", 1, 48 * 3600.0, st->step);
	add_rra(argv, &argc, bufs, "AVERAGE", five ? five : 1, 35 * 86400.0,
	    st->step);
	add_rra(argv, &argc, bufs, "MAX", five ? five : 1, 35 * 86400.0,
	    st->step);
	add_rra(argv, &argc, bufs, "AVERAGE", hour ? hour : 1,
	    2 * 366 * 86400.0, st->step);
	add_rra(argv, &argc, bufs, "MAX", hour ? hour : 1, 2 * 366 * 86400.0,
	    st->step);
	add_rra(argv, &argc, bufs, "AVERAGE", day ? day : 1,
	    10 * 366 * 86400.0, st->step);
	add_rra(argv, &argc, bufs, "MAX", day ? day : 1, 10 * 366 * 86400.0,
	    st->step);
	rrd_clear_error();
	if (make_dirs(path) == -1 || rrd_create_r2(path, st->step, start - 1,
	    1, NULL, NULL, argc, argv) != 0) {
		log_warnx("store: cannot create %s: %s", path,
		    rrd_test_error() ? rrd_get_error() : strerror(errno));
		return -1;
	}
	log_info("store: created %s", path);
	return 0;
}

/*
 * An existing file must have our step and our data sources. One from an
 * older layout is left untouched: history is never overwritten.
 */
static int
check_file(struct store *st, const char *path)
{
	rrd_info_t	*info, *i;
	unsigned long	 step = 0;
	size_t		 k, found = 0, total = 0;
	int		 misordered = 0;
	char		 key[64];

	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL) {
		log_warnx("store: %s is no readable RRD file (%s); leaving it "
		    "alone", path, rrd_get_error());
		return -1;
	}
	for (i = info; i != NULL; i = i->next) {
		if (strcmp(i->key, "step") == 0)
			step = i->value.u_cnt;
		if (strncmp(i->key, "ds[", 3) == 0 &&
		    strstr(i->key, "].index") != NULL)
			total++;
		/* In our order: rrdcached takes values by position. */
		for (k = 0; k < NSOURCES; k++) {
			snprintf(key, sizeof(key), "ds[%s].type",
			    sources[k].name);
			if (strcmp(i->key, key) == 0 &&
			    strcmp(i->value.u_str, sources[k].type) == 0)
				found++;
			snprintf(key, sizeof(key), "ds[%s].index",
			    sources[k].name);
			if (strcmp(i->key, key) == 0 && i->value.u_cnt != k)
				misordered = 1;
		}
	}
	rrd_info_free(info);
	if (step != st->step) {
		log_warnx("store: %s has a step of %lus, the configuration says "
		    "%lus; not writing it (move it away to start anew)", path,
		    step, st->step);
		return -1;
	}
	if (found == NSOURCES && total == NSOURCES && misordered) {
		log_warnx("store: %s has our data sources in another order; "
		    "not writing it (see README: history)", path);
		return -1;
	}
	if (found != NSOURCES || total != NSOURCES) {
		log_warnx("store: %s has %zu of the %zu data sources this "
		    "version writes; not writing it (see README: history)",
		    path, found, NSOURCES);
		return -1;
	}
	return 0;
}

/* Appends "TIME:v:v:..." to buf. */
static void
format_update(char *buf, size_t len, double t, const double *v)
{
	size_t	 i, n;

	n = (size_t)snprintf(buf, len, "%.3f", t);
	for (i = 0; i < NSOURCES && n < len; i++)
		n += (size_t)(isnan(v[i]) ? snprintf(buf + n, len - n, ":U") :
		    snprintf(buf + n, len - n, ":%.6g", v[i]));
}

/*
 * Connected to rrdcached, or falling back to writing the files ourselves
 * (with RRD_SKIP_PAST_UPDATES) while it is away, saying so.
 */
static int
daemon_up(struct store *st)
{
	if (rrdc_is_connected(st->daemon))
		return 1;
	rrd_clear_error();
	if (rrdc_connect(st->daemon) == 0 && rrdc_is_connected(st->daemon)) {
		log_info("store: writing through rrdcached at %s", st->daemon);
		return 1;
	}
	log_complain(&st->daemon_trouble, util_now(), "store: rrdcached at "
	    "%s: %s; writing the files directly meanwhile", st->daemon,
	    rrd_test_error() ? rrd_get_error() : "not connected");
	return 0;
}

/* Writes one step: "unknown" up to its start (a gap), then its values. */
static void
write_job(struct store *st, struct job *j)
{
	static const double unknown[NSOURCES] = {
		NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,
		NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN
	};
	char		 gap[512], vals[512];
	const char	*argv[2];
	struct timespec	 t0, t1;
	struct file	*f;
	double		 took;
	int		 rc, n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((f = map_get(st->files, j->path)) == NULL) {
		f = xcalloc(1, sizeof(*f));
		if (access(j->path, F_OK) == 0) {
			f->state = check_file(st, j->path) == 0 ? FILE_OK :
			    FILE_REFUSED;
			/* rrdcached may hold newer updates than the file. */
			if (st->daemon != NULL) {
				store_rrdc_lock();
				if (daemon_up(st))
					rrdc_flush(j->path);
				store_rrdc_unlock();
			}
			f->last = (double)rrd_last_r(j->path);
		} else if (create_file(st, j->path, (time_t)j->start) == 0) {
			f->state = FILE_OK;
			f->last = floor(j->start) - 1;
		}
		if (f->state == 0) {
			free(f);	/* try again with the next step */
			pthread_mutex_lock(&st->lock);
			st->stats.errors++;
			pthread_mutex_unlock(&st->lock);
			return;
		}
		map_put(st->files, j->path, f);
	}
	if (f->state != FILE_OK) {
		pthread_mutex_lock(&st->lock);
		st->stats.refused++;
		pthread_mutex_unlock(&st->lock);
		return;
	}
	/* Never "illegal attempt to update": only what is newer is sent. */
	format_update(gap, sizeof(gap), j->start, unknown);
	format_update(vals, sizeof(vals), j->end, j->v);
	if (j->start > f->last)
		argv[n++] = gap;
	if (j->end > f->last)
		argv[n++] = vals;
	rrd_clear_error();
	rc = -1;
	if (n == 0)
		rc = 0;
	else if (st->daemon != NULL) {
		store_rrdc_lock();
		if (daemon_up(st) &&
		    (rc = rrdc_update(j->path, n, argv)) != 0) {
			/* A restarted rrdcached leaves librrd's socket open
			 * and failing: start over next time. */
			log_complain(&st->daemon_trouble, util_now(), "store: "
			    "rrdcached: %s; writing directly", rrd_get_error());
			rrdc_disconnect();
		}
		store_rrdc_unlock();
	}
	if (rc != 0 && n > 0) {
		rrd_clear_error();
		rc = rrd_updatex_r(j->path, st->template,
		    RRD_SKIP_PAST_UPDATES, n, argv);
	}
	if (rc != 0)
		log_complain(&st->trouble, util_now(), "store: %s: %s",
		    j->path, rrd_get_error());
	else
		f->last = fmax(f->last, j->end);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	pthread_mutex_lock(&st->lock);
	if (n == 0)
		st->stats.skipped++;	/* already on disk: a restart */
	else if (rc == 0)
		st->stats.writes++;
	else
		st->stats.errors++;
	if (took > st->stats.write_max)
		st->stats.write_max = took;
	pthread_mutex_unlock(&st->lock);
}

/* Asks rrdcached to write out every file we gave it. */
static void
flush_daemon(struct store *st)
{
	const char	*path;
	void		*val;
	size_t		 pos = 0;

	if (st->daemon == NULL)
		return;
	store_rrdc_lock();
	if (rrdc_is_connected(st->daemon))
		while (map_next(st->files, &pos, &path, &val))
			if (rrdc_flush(path) != 0)
				log_complain(&st->daemon_trouble, util_now(),
				    "store: rrdcached flush %s: %s", path,
				    rrd_get_error());
	store_rrdc_unlock();
}

static void *
writer(void *arg)
{
	struct store	*st = arg;
	struct job	*j;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		while (st->head == NULL && !st->quit && !st->flush)
			pthread_cond_wait(&st->work, &st->lock);
		if (st->head == NULL && st->flush) {
			pthread_mutex_unlock(&st->lock);
			flush_daemon(st);
			pthread_mutex_lock(&st->lock);
			st->flush = 0;
			pthread_cond_broadcast(&st->idle);
			continue;
		}
		if ((j = st->head) == NULL)
			break;		/* quit, and nothing left to write */
		if ((st->head = j->next) == NULL)
			st->tail = &st->head;
		pthread_mutex_unlock(&st->lock);
		write_job(st, j);
		free(j->path);
		free(j);
		pthread_mutex_lock(&st->lock);
		if (--st->pending == 0)
			pthread_cond_broadcast(&st->idle);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

int
store_prepare(const char *state_dir)
{
	char	*probe;
	int	 rc = 0;

	xasprintf(&probe, "%s/rrd/", state_dir);
	if (make_dirs(probe) == -1 || access(probe, W_OK) == -1) {
		log_warn("store: cannot write in %s", probe);
		rc = -1;
	}
	free(probe);
	return rc;
}

struct store *
store_new(const char *state_dir, double step, const char *rrdcached)
{
	struct store	*st = xcalloc(1, sizeof(*st));
	size_t		 i, len = 0;

	xasprintf(&st->dir, "%s/rrd", state_dir);
	st->daemon = rrdcached != NULL ? xstrdup(rrdcached) : NULL;
	st->step = (unsigned long)step;
	for (i = 0; i < NSOURCES; i++)
		len += strlen(sources[i].name) + 1;
	st->template = xcalloc(1, len);
	for (i = 0; i < NSOURCES; i++) {
		if (i > 0)
			strcat(st->template, ":");
		strcat(st->template, sources[i].name);
	}
	st->tail = &st->head;
	st->files = map_new();
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->work, NULL);
	pthread_cond_init(&st->idle, NULL);
	if (pthread_create(&st->thread, NULL, writer, st) != 0)
		fatalx("store: cannot start the writer thread");
	return st;
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	pthread_mutex_lock(&st->lock);
	st->quit = 1;
	pthread_cond_signal(&st->work);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->thread, NULL);	/* it writes what is queued first */
	if (st->daemon != NULL) {
		flush_daemon(st);	/* on disk before we say we stopped */
		store_rrdc_lock();
		rrdc_disconnect();
		store_rrdc_unlock();
	}
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->work);
	pthread_cond_destroy(&st->idle);
	map_free(st->files, free);
	free(st->template);
	free(st->daemon);
	free(st->dir);
	free(st);
}

void
store_put(struct store *st, const char *id, const struct step *s)
{
	struct job	*j = xcalloc(1, sizeof(*j));
	double		*v = j->v;
	int		 g;

	xasprintf(&j->path, "%s/%s.rrd", st->dir, id);
	j->start = s->start;
	j->end = s->end;
	*v++ = s->arrived;
	*v++ = s->answered;
	*v++ = s->answered_within;
	*v++ = s->abandoned;
	*v++ = s->handled;
	*v++ = s->wait_sum;
	*v++ = s->handle_sum;
	*v++ = s->answered > 0 ? s->wait_max : NAN;
	for (g = 0; g < STEP_GAUGES; g++) {
		*v++ = step_gauge_avg(s, g);
		*v++ = s->gauge_max[g];
	}

	pthread_mutex_lock(&st->lock);
	if (st->pending >= PENDING_MAX) {
		st->stats.dropped++;
		pthread_mutex_unlock(&st->lock);
		free(j->path);
		free(j);
		return;
	}
	*st->tail = j;
	st->tail = &j->next;
	st->pending++;
	st->stats.queued++;
	pthread_cond_signal(&st->work);
	pthread_mutex_unlock(&st->lock);
}

void
store_sync(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	st->flush = st->daemon != NULL;
	pthread_cond_signal(&st->work);
	while (st->pending > 0 || st->flush)
		pthread_cond_wait(&st->idle, &st->lock);
	pthread_mutex_unlock(&st->lock);
}

void
store_stats(struct store *st, struct store_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = st->stats;
	out->pending = st->pending;
	pthread_mutex_unlock(&st->lock);
}

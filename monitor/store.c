/*
 * store.c: the history, one RRD file per queue under
 * state_dir/rrd/CHANNEL/NAME.rrd. The loop hands over finished steps with
 * store_put, which only queues them; one writer thread does the file I/O,
 * since every librrd update opens, locks, reads and writes the file. Each
 * file gets one update per step with all data sources at once.
 *
 * Counts are ABSOLUTE data sources: RRD turns "3 arrived in this step"
 * into a rate, and rate x seconds gives the count back exactly over any
 * period, also across a step written in two parts at a restart. They are
 * never unknown: RRD would scale a half-known row up to a whole one, so a
 * time nobody watched counts zero contacts, and `watched` says how long
 * that was. Their heartbeat is therefore as long as the file. Gauges are
 * GAUGE, with their step average and maximum, and unknown when unwatched.
 */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "wachtd.h"

#define PENDING_MAX	100000	/* steps queued; more means the disk died */
#define COUNT_HEARTBEAT	(11 * 366 * 86400UL) /* counts: never unknown */
#define UPDATE_MAX	2048	/* "TIME:v:v:...": 47 values of up to 24 */

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

/*
 * The data sources this version writes, in update order. A new version
 * appends: older files get the new ones added (migrate_file).
 */
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
	/* Added in 0.2: what the norm report counts (struct step). */
	{ "watched", "ABSOLUTE" },
	{ "open", "ABSOLUTE" },
	{ "open_arrived", "ABSOLUTE" },
	{ "open_answered", "ABSOLUTE" },
	{ "open_within", "ABSOLUTE" },
	{ "open_abandoned", "ABSOLUTE" },
	{ "open_short", "ABSOLUTE" },
	{ "open_wait_sum", "ABSOLUTE" },
	{ "open_wait_max", "GAUGE" },
	/* Added in 0.3: first-contact resolution and ratings by score
	 * (struct quality), of all contacts, open or not. */
	{ "direct", "ABSOLUTE" },
	{ "indirect", "ABSOLUTE" },
	{ "rated5_1", "ABSOLUTE" },
	{ "rated5_2", "ABSOLUTE" },
	{ "rated5_3", "ABSOLUTE" },
	{ "rated5_4", "ABSOLUTE" },
	{ "rated5_5", "ABSOLUTE" },
	{ "rated10_0", "ABSOLUTE" },
	{ "rated10_1", "ABSOLUTE" },
	{ "rated10_2", "ABSOLUTE" },
	{ "rated10_3", "ABSOLUTE" },
	{ "rated10_4", "ABSOLUTE" },
	{ "rated10_5", "ABSOLUTE" },
	{ "rated10_6", "ABSOLUTE" },
	{ "rated10_7", "ABSOLUTE" },
	{ "rated10_8", "ABSOLUTE" },
	{ "rated10_9", "ABSOLUTE" },
	{ "rated10_10", "ABSOLUTE" },
};
#define NSOURCES	(sizeof(sources) / sizeof(sources[0]))

/* A growing byte buffer. */
struct buf {
	unsigned char	*data;
	size_t		 len, size;
};

/* A quarter more than needed: the journal's buffers are reused each step
 * at about the same size, and doubling kept up to half of each empty. */
static void
buf_reserve(struct buf *b, size_t len)
{
	if (b->len + len > b->size) {
		b->size = (b->len + len) + (b->len + len) / 4;
		b->data = xreallocarray(b->data, 1, b->size);
	}
}

static void
buf_add(struct buf *b, const void *p, size_t len)
{
	buf_reserve(b, len);
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

#define JOURNAL_MAGIC	"WSJ2"
#define JOURNAL_ID_MAX	256	/* a queue id's bytes and its NUL */

/*
 * A journaled step is the words in which it differs from an empty one
 * (step_open's): a mask of them, then those words. Most of a step is
 * zeros and unknown gauges: about half of it under scale.sh's traffic. The
 * empty step is step_open's, so a change there changes this format.
 */
#define STEP_WORDS	(sizeof(struct step) / sizeof(uint64_t))
_Static_assert(sizeof(struct step) % sizeof(uint64_t) == 0 &&
    STEP_WORDS < 64, "a step's words have a bit each in a uint64_t");

/*
 * One step of one queue, on its way to the disk; or a journal, written in
 * its turn: after the steps handed over before it, which it no longer
 * holds, and before those after it, which only it holds. So a step once
 * in the journal on disk stays on disk, in the journal or in its file,
 * however far behind the writer is; kill -9 loses only the steps whose
 * journal is still queued (the one in progress, if the writer keeps up).
 */
struct job {
	struct job	*next;
	char		*path;
	size_t		 pathsize;	/* bytes allocated for path */
	double		 start;		/* watched from: a gap before is 0, U */
	double		 at;		/* the step's end: its update time */
	int		 replay;	/* from the journal: maybe on disk */
	int		 is_journal;	/* journal, not v */
	union {
		double		 v[NSOURCES];
		struct buf	 journal;
	};
};

/* What the writer found out about a file. */
enum file_state {
	FILE_OK = 1,		/* ours, being written */
	FILE_REFUSED		/* another layout: left alone, said once */
};

struct file {
	enum file_state	 state;
	double		 last;		/* its last update: never go back */
	double		*carry;		/* NSOURCES counts of a step it had
					 * already (a restart), or NULL */
};

struct store {
	char		*dir;		/* state_dir/rrd */
	char		*journal_path;	/* state_dir/steps.journal */
	struct buf	 journal_spare;	/* written, back for reuse, under lock */
	struct buf	 building;	/* the loop's, between begin and end */
	uint64_t	 empty[STEP_WORDS]; /* an empty step, as words */
	char		*daemon;	/* rrdcached address, or NULL */
	unsigned long	 step;
	char		*template;	/* "arrived:answered:..." */
	double		 gap[NSOURCES];	/* before a step: counts 0, gauges U */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a job was queued, or quit */
	pthread_cond_t	 idle;		/* the queue ran empty */
	struct job	*head, **tail;
	struct job	*last_journal;	/* the queue's last, not yet taken */
	struct job	*spent;		/* written, back for reuse, under lock */
	size_t		 pending;	/* steps queued or being written */
	size_t		 journals;	/* journals queued or being written */
	/* The loop's own: this tick's steps, handed over at once, and jobs
	 * to fill. Memory comes back rather than being freed by the writer
	 * and allocated again by the loop: growing the heap each tick cost
	 * the loop page faults, waiting up to 4 ms on the mmap lock that
	 * librrd's mmap and munmap hold in the writer (make bench). */
	struct job	*batch, **batch_tail;
	size_t		 nbatch;
	struct job	*spare;
	int		 flush;		/* rrdcached: flush every file */
	int		 quit;
	struct store_stats stats;	/* under lock */
	/* The writer's own: */
	struct map	*files;		/* path -> struct file */
	int		 created;	/* files made since the last trim */
	struct complaint trouble;
	struct complaint journal_trouble;
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

/* Counts may span any gap (see the top); gauges go unknown after two
 * steps without a value. */
static unsigned long
heartbeat(const struct store *st, size_t k)
{
	return strcmp(sources[k].type, "ABSOLUTE") == 0 ? COUNT_HEARTBEAT :
	    2 * st->step;
}

static void
ds_def(char *buf, size_t len, const struct store *st, size_t k)
{
	snprintf(buf, len, "DS:%s:%s:%lu:0:U", sources[k].name,
	    sources[k].type, heartbeat(st, k));
}

/* Rows of an archive that keeps `secs` at `per` steps a row; returns
 * how many. */
static unsigned long
add_rra(const char **argv, int *argc, char bufs[][64], const char *cf,
    unsigned long per, double secs, unsigned long step)
{
	unsigned long rows = (unsigned long)ceil(secs / (double)(per * step));

	snprintf(bufs[*argc], 64, "RRA:%s:0.5:%lu:%lu", cf, per, rows);
	argv[*argc] = bufs[*argc];
	(*argc)++;
	return rows;
}

/*
 * Why a file could not be created. librrd often gives no reason when its
 * write fails, and errno is then that of removing its temporary file
 * twice: a full disk read "No such file or directory".
 */
static const char *
create_error(const char *path, double need, int err, char *buf, size_t len)
{
	struct statvfs	 sv;
	char		*dir = xstrdup(path), *slash;
	double		 avail = -1;

	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (statvfs(dir, &sv) == 0)
		avail = (double)sv.f_bavail * (double)sv.f_frsize;
	free(dir);
	if (avail >= 0 && avail < need)
		snprintf(buf, len, "no space left on the device (%.1f MB "
		    "needed, %.1f MB free)", need / 1e6, avail / 1e6);
	else
		snprintf(buf, len, "%s", rrd_test_error() ? rrd_get_error() :
		    strerror(err));
	return buf;
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
	unsigned long	 day = 86400 / st->step, rows = 0;
	int		 argc = 0;
	size_t		 i;
	char		 why[256];

	for (i = 0; i < NSOURCES; i++) {
		ds_def(bufs[argc], 64, st, i);
		argv[argc] = bufs[argc];
		argc++;
	}
	rows += add_rra(argv, &argc, bufs, "AVERAGE", 1, 48 * 3600.0,
	    st->step);
	rows += add_rra(argv, &argc, bufs, "AVERAGE", five ? five : 1,
	    35 * 86400.0, st->step);
	rows += add_rra(argv, &argc, bufs, "MAX", five ? five : 1,
	    35 * 86400.0, st->step);
	rows += add_rra(argv, &argc, bufs, "AVERAGE", hour ? hour : 1,
	    2 * 366 * 86400.0, st->step);
	rows += add_rra(argv, &argc, bufs, "MAX", hour ? hour : 1,
	    2 * 366 * 86400.0, st->step);
	rows += add_rra(argv, &argc, bufs, "AVERAGE", day ? day : 1,
	    10 * 366 * 86400.0, st->step);
	rows += add_rra(argv, &argc, bufs, "MAX", day ? day : 1,
	    10 * 366 * 86400.0, st->step);
	rrd_clear_error();
	if (make_dirs(path) == -1 || rrd_create_r2(path, st->step, start - 1,
	    1, NULL, NULL, argc, argv) != 0) {
		/* Tried again each step: say it now and then. */
		log_complain(&st->trouble, util_now(), "store: cannot create "
		    "%s: %s", path, create_error(path, (double)rows *
		    NSOURCES * sizeof(double), errno, why, sizeof(why)));
		return -1;
	}
	log_info("store: created %s", path);
	st->created = 1;
	return 0;
}

/*
 * An existing file must have our step, and our data sources in our order
 * (rrdcached takes values by position): all of them, or those of an
 * older version, which migrate_file completes. Anything else is left
 * untouched, since history is never overwritten. Returns the number of
 * data sources the file has, or -1 to leave it alone.
 */
static int
check_file(struct store *st, const char *path, int *old_heartbeat)
{
	rrd_info_t	*info, *i;
	unsigned long	 step = 0;
	size_t		 k, total = 0, known = 0;
	int		 misfit = 0;
	char		 key[64];

	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL) {
		log_warnx("store: %s is no readable RRD file (%s); leaving it "
		    "alone", path, rrd_get_error());
		return -1;
	}
	*old_heartbeat = 0;
	for (i = info; i != NULL; i = i->next) {
		if (strcmp(i->key, "step") == 0)
			step = i->value.u_cnt;
		if (strncmp(i->key, "ds[", 3) != 0)
			continue;
		if (strstr(i->key, "].index") != NULL)
			total++;
		for (k = 0; k < NSOURCES; k++) {
			snprintf(key, sizeof(key), "ds[%s].", sources[k].name);
			if (strncmp(i->key, key, strlen(key)) != 0)
				continue;
			if (strcmp(i->key + strlen(key), "index") == 0) {
				known++;
				misfit |= i->value.u_cnt != k;
			} else if (strcmp(i->key + strlen(key), "type") == 0)
				misfit |= strcmp(i->value.u_str,
				    sources[k].type) != 0;
			else if (strcmp(i->key + strlen(key),
			    "minimal_heartbeat") == 0 &&
			    strcmp(sources[k].type, "ABSOLUTE") == 0)
				*old_heartbeat |= i->value.u_cnt !=
				    heartbeat(st, k);
		}
	}
	rrd_info_free(info);
	if (step != st->step) {
		log_warnx("store: %s has a step of %lus, the configuration says "
		    "%lus; not writing it (move it away to start anew)", path,
		    step, st->step);
		return -1;
	}
	if (misfit || known != total || total == 0) {
		log_warnx("store: %s has data sources this version does not "
		    "write, or in another order; not writing it (see README: "
		    "history)", path);
		return -1;
	}
	return (int)total;
}

/* Adds the data sources a file of an older version lacks (rrd_tune
 * writes a new file and renames it over the old one). */
static int
migrate_file(struct store *st, const char *path, size_t have,
    int old_heartbeat)
{
	const char	*argv[2 * NSOURCES + 2];
	char		 bufs[2 * NSOURCES + 2][64];
	size_t		 k;
	int		 argc = 0;

	argv[argc++] = "tune";
	argv[argc++] = path;
	for (k = 0; k < have && old_heartbeat; k++)
		if (strcmp(sources[k].type, "ABSOLUTE") == 0) {
			argv[argc++] = "--heartbeat";
			snprintf(bufs[argc], 64, "%s:%lu", sources[k].name,
			    heartbeat(st, k));
			argv[argc] = bufs[argc];
			argc++;
		}
	for (k = have; k < NSOURCES; k++) {
		ds_def(bufs[argc], 64, st, k);
		argv[argc] = bufs[argc];
		argc++;
	}
	rrd_clear_error();
	if (rrd_tune(argc, (char **)(uintptr_t)argv) != 0) {
		log_warnx("store: cannot add the new data sources to %s: %s; "
		    "not writing it", path, rrd_get_error());
		return -1;
	}
	log_info("store: %s: added %zu data sources of this version", path,
	    NSOURCES - have);
	return 0;
}

/* Appends "TIME:v:v:..." to buf. */
static void
format_update(char *buf, size_t len, double t, const double *v)
{
	size_t	 i, n;

	n = (size_t)snprintf(buf, len, "%.3f", t);
	for (i = 0; i < NSOURCES && n < len; i++)
		/* All digits: sums of waits run into the millions. */
		n += (size_t)(isnan(v[i]) ? snprintf(buf + n, len - n, ":U") :
		    snprintf(buf + n, len - n, ":%.17g", v[i]));
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

int
store_flush_file(const char *daemon, const char *path)
{
	int	 rc = -1;

	store_rrdc_lock();
	if (rrdc_is_connected(daemon) || rrdc_connect(daemon) == 0)
		rc = rrdc_flush(path);
	store_rrdc_unlock();
	return rc;
}

/* Writes one step: "unknown" up to its start (a gap), then its values. */
static void
write_job(struct store *st, struct job *j)
{
	char		 gap[UPDATE_MAX], vals[UPDATE_MAX];
	const char	*argv[2];
	struct timespec	 t0, t1;
	struct file	*f;
	double		 took;
	int		 rc, n = 0, have, old_heartbeat;
	size_t		 k;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((f = map_get(st->files, j->path)) == NULL) {
		f = xcalloc(1, sizeof(*f));
		if (access(j->path, F_OK) == 0) {
			/* rrdcached may hold newer updates than the file. */
			if (st->daemon != NULL) {
				store_rrdc_lock();
				if (daemon_up(st))
					rrdc_flush(j->path);
				store_rrdc_unlock();
			}
			have = check_file(st, j->path, &old_heartbeat);
			f->state = have == -1 || (((size_t)have < NSOURCES ||
			    old_heartbeat) && migrate_file(st, j->path,
			    (size_t)have, old_heartbeat) == -1) ?
			    FILE_REFUSED : FILE_OK;
			/* In whole seconds, as every update time we send. */
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
	/*
	 * Never "illegal attempt to update": only what is newer is sent.
	 * A step the file has already (a start within the step a stop
	 * wrote) passes its counts on to the next one, so none is lost.
	 */
	if (j->at <= f->last && !j->replay && f->carry == NULL)
		f->carry = xcalloc(NSOURCES, sizeof(*f->carry));
	for (k = 0; k < NSOURCES && f->carry != NULL; k++)
		if (st->gap[k] == 0) {
			if (j->at > f->last)
				j->v[k] += f->carry[k];
			else if (!j->replay)	/* on disk already: not twice */
				f->carry[k] += j->v[k];
		}
	/* RRD counts unknown time in whole seconds: a gap ends on one. */
	format_update(gap, sizeof(gap), ceil(j->start), st->gap);
	format_update(vals, sizeof(vals), j->at, j->v);
	if (ceil(j->start) > f->last && ceil(j->start) < j->at)
		argv[n++] = gap;
	if (j->at > f->last)
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
	else if (n > 0) {
		f->last = fmax(f->last, j->at);
		free(f->carry);
		f->carry = NULL;
	}
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
	st->stats.write_time += took;
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

/*
 * At the stop: counts still carried (a start and a stop within one step)
 * ride on a step of their own after the file's last, or they would be
 * lost; the next start passes them on again if it reaches that step.
 */
static void
write_carries(struct store *st)
{
	struct job	 j;
	struct file	*f;
	const char	*path;
	void		*val;
	size_t		 pos = 0, k;
	int		 any;

	while (map_next(st->files, &pos, &path, &val)) {
		f = val;
		for (k = 0, any = 0; k < NSOURCES && f->carry != NULL; k++)
			any |= f->carry[k] != 0;
		if (f->state != FILE_OK || !any)
			continue;
		memset(&j, 0, sizeof(j));
		j.path = (char *)(uintptr_t)path;
		j.start = j.at = f->last + (double)st->step;
		memcpy(j.v, st->gap, sizeof(j.v));
		write_job(st, &j);
	}
}

/*
 * The journal: the steps held in memory for late input, so that kill -9
 * loses only the step in progress. Written whole to a temporary file and
 * renamed, so a reader sees the old one or the new one.
 */
static void
write_journal(struct store *st, const struct buf *b)
{
	char	*tmp;
	FILE	*f;
	int	 ok;

	xasprintf(&tmp, "%s.tmp", st->journal_path);
	ok = (f = fopen(tmp, "w")) != NULL;
	if (ok) {
		ok = fwrite(b->data, 1, b->len, f) == b->len;
		ok = fclose(f) == 0 && ok;
	}
	if (!ok || rename(tmp, st->journal_path) == -1) {
		log_complain(&st->journal_trouble, util_now(), "store: cannot "
		    "write %s: %s", st->journal_path, strerror(errno));
		unlink(tmp);
	} else
		log_relief(&st->journal_trouble, "store: %s written again",
		    st->journal_path);
	free(tmp);
}

static void *
writer(void *arg)
{
	struct store	*st = arg;
	struct job	*j;

	util_background_thread();
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
		if ((j = st->head) == NULL) {
			/* quit, and nothing left to write: the journal's
			 * steps are written too (queue_close) */
			pthread_mutex_unlock(&st->lock);
			write_carries(st);
			unlink(st->journal_path);
			pthread_mutex_lock(&st->lock);
			break;
		}
		if ((st->head = j->next) == NULL)
			st->tail = &st->head;
		if (j == st->last_journal)
			st->last_journal = NULL;
		pthread_mutex_unlock(&st->lock);
		/* At the stop too: kill -9 may yet come before its end. */
		if (j->is_journal)
			write_journal(st, &j->journal);
		else
			write_job(st, j);
		pthread_mutex_lock(&st->lock);
		if (j->is_journal) {
			/* Its buffer serves the next journal (begin). */
			if (st->journal_spare.data == NULL)
				st->journal_spare = j->journal;
			else
				free(j->journal.data);
			j->is_journal = 0;
			st->journals--;
		} else
			st->pending--;
		j->next = st->spent;
		st->spent = j;
		if (st->pending == 0 && st->journals == 0)
			pthread_cond_broadcast(&st->idle);
		/*
		 * glibc keeps what librrd frees after making a file (see
		 * main's mallopt for the file itself): 1.9 MB stayed resident
		 * after 300 new files. Give it back once they are made. A
		 * rare call: it takes the mmap lock the loop may need.
		 */
		if (st->pending == 0 && st->created) {
			st->created = 0;
			pthread_mutex_unlock(&st->lock);
			malloc_trim(0);
			pthread_mutex_lock(&st->lock);
		}
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
	struct step	 empty;
	size_t		 i, len = 0;

	xasprintf(&st->dir, "%s/rrd", state_dir);
	xasprintf(&st->journal_path, "%s/steps.journal", state_dir);
	st->daemon = rrdcached != NULL ? xstrdup(rrdcached) : NULL;
	st->step = (unsigned long)step;
	for (i = 0; i < NSOURCES; i++)
		len += strlen(sources[i].name) + 1;
	st->template = xcalloc(1, len);
	for (i = 0; i < NSOURCES; i++) {
		if (i > 0)
			strcat(st->template, ":");
		strcat(st->template, sources[i].name);
		st->gap[i] = strcmp(sources[i].type, "ABSOLUTE") == 0 ? 0 : NAN;
	}
	step_open(&empty, 0, 0, NULL);
	memcpy(st->empty, &empty, sizeof(st->empty));
	st->tail = &st->head;
	st->batch_tail = &st->batch;
	st->files = map_new();
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->work, NULL);
	pthread_cond_init(&st->idle, NULL);
	if (pthread_create(&st->thread, NULL, writer, st) != 0)
		fatalx("store: cannot start the writer thread");
	return st;
}

static void
free_file(void *p)
{
	struct file	*f = p;

	free(f->carry);
	free(f);
}

static void
free_jobs(struct job *j)
{
	struct job	*next;

	for (; j != NULL; j = next) {
		next = j->next;
		free(j->path);
		free(j);
	}
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	store_commit(st);
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
	map_free(st->files, free_file);
	free_jobs(st->spent);
	free_jobs(st->spare);
	free_jobs(st->batch);
	free(st->journal_spare.data);
	free(st->building.data);
	free(st->journal_path);
	free(st->template);
	free(st->daemon);
	free(st->dir);
	free(st);
}

/* Under the lock: the jobs the writer is done with become the loop's. */
static void
take_spent(struct store *st)
{
	struct job	*j;

	while ((j = st->spent) != NULL) {
		st->spent = j->next;
		j->next = st->spare;
		st->spare = j;
	}
}

static void
put(struct store *st, const char *id, const struct step *s, int replay)
{
	size_t		 len = strlen(st->dir) + strlen(id) + sizeof("/.rrd");
	struct job	*j;
	double		*v;
	int		 g, i;

	if (st->spare == NULL && st->nbatch == 0) {
		/* Those the writer is done with, before making more: else
		 * a batch is made of new jobs while the last one's wait.
		 * Once a batch, as store_commit takes the lock once. */
		pthread_mutex_lock(&st->lock);
		take_spent(st);
		pthread_mutex_unlock(&st->lock);
	}
	if ((j = st->spare) != NULL)
		st->spare = j->next;
	else
		j = xcalloc(1, sizeof(*j));
	if (j->pathsize < len) {
		j->path = xreallocarray(j->path, 1, len);
		j->pathsize = len;
	}
	j->next = NULL;
	v = j->v;
	snprintf(j->path, len, "%s/%s.rrd", st->dir, id);
	j->start = s->start;
	j->at = (double)(s->n + 1) * s->len;
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
	*v++ = s->unwatched ? 0 : s->end - s->start;
	*v++ = s->open_secs;
	*v++ = s->open_arrived;
	*v++ = s->open_answered;
	*v++ = s->open_within;
	*v++ = s->open_abandoned;
	*v++ = s->open_short;
	*v++ = s->open_wait_sum;
	*v++ = s->open_answered + s->open_abandoned > 0 ? s->open_wait_max :
	    NAN;
	*v++ = s->quality.direct;
	*v++ = s->quality.indirect;
	for (i = 0; i < QUALITY_SCORES5; i++)
		*v++ = s->quality.score5[i];
	for (i = 0; i < QUALITY_SCORES10; i++)
		*v++ = s->quality.score10[i];
	j->replay = replay;
	*st->batch_tail = j;
	st->batch_tail = &j->next;
	st->nbatch++;
}

void
store_put(struct store *st, const char *id, const struct step *s)
{
	put(st, id, s, 0);
}

/*
 * One lock and one wake-up for a tick's steps: taken one by one, the
 * writer woke at the first and fought the loop for the lock over the
 * rest (make bench).
 */
void
store_commit(struct store *st)
{
	struct job	*j, *next;
	size_t		 room;

	if (st->nbatch == 0)
		return;
	pthread_mutex_lock(&st->lock);
	take_spent(st);
	room = st->pending < PENDING_MAX ? PENDING_MAX - st->pending : 0;
	if (st->nbatch <= room) {
		*st->tail = st->batch;
		st->tail = st->batch_tail;
		st->last_journal = NULL;	/* steps behind it now */
		st->pending += st->nbatch;
		st->stats.queued += st->nbatch;
		pthread_cond_signal(&st->work);
		j = NULL;
	} else {
		j = st->batch;	/* the disk died: drop, and count */
		st->stats.dropped += st->nbatch;
	}
	pthread_mutex_unlock(&st->lock);
	for (; j != NULL; j = next) {
		next = j->next;
		j->next = st->spare;
		st->spare = j;
	}
	st->batch = NULL;
	st->batch_tail = &st->batch;
	st->nbatch = 0;
}

/* Builds in the buffer the writer wrote last, taken back only now: so one
 * buffer serves while the writer keeps up, not one each. */
void
store_journal_begin(struct store *st)
{
	uint32_t	 size = sizeof(struct step);

	if (st->building.data == NULL) {
		pthread_mutex_lock(&st->lock);
		st->building = st->journal_spare;
		memset(&st->journal_spare, 0, sizeof(st->journal_spare));
		pthread_mutex_unlock(&st->lock);
	}
	st->building.len = 0;
	buf_add(&st->building, JOURNAL_MAGIC, 4);
	buf_add(&st->building, &size, sizeof(size));
}

/* Its words that differ from an empty step go straight into the buffer:
 * this runs for every queue in the tick, in the loop. */
void
store_journal_add(struct store *st, const char *id, const struct step *s)
{
	struct buf	*b = &st->building;
	uint64_t	 w[STEP_WORDS], mask = 0;
	uint16_t	 len = (uint16_t)strlen(id);
	unsigned char	*head, *p;
	size_t		 i;

	memcpy(w, s, sizeof(w));
	buf_reserve(b, sizeof(len) + len + sizeof(mask) + sizeof(w));
	head = b->data + b->len;
	p = head + sizeof(len) + len + sizeof(mask);
	for (i = 0; i < STEP_WORDS; i++)
		if (w[i] != st->empty[i]) {
			mask |= (uint64_t)1 << i;
			memcpy(p, &w[i], sizeof(w[i]));
			p += sizeof(w[i]);
		}
	memcpy(head, &len, sizeof(len));
	memcpy(head + sizeof(len), id, len);
	memcpy(head + sizeof(len) + len, &mask, sizeof(mask));
	b->len = (size_t)(p - b->data);
}

/*
 * The journal goes to the writer behind the steps handed over before it
 * (store_commit, here too, so no caller can put it ahead of them). One
 * still waiting with no step behind it is replaced: a writer stuck while
 * steps are dropped (PENDING_MAX) would else pile up one a tick.
 */
void
store_journal_end(struct store *st)
{
	struct job	*j;
	struct buf	 older;

	if (st->building.data == NULL)
		return;		/* no store_journal_begin */
	store_commit(st);
	pthread_mutex_lock(&st->lock);
	if ((j = st->last_journal) != NULL) {
		older = j->journal;
		j->journal = st->building;
		pthread_mutex_unlock(&st->lock);
		st->building = older;
		return;
	}
	if (st->spare == NULL)
		take_spent(st);
	if ((j = st->spare) != NULL)
		st->spare = j->next;
	else
		j = xcalloc(1, sizeof(*j));	/* the first ticks */
	j->next = NULL;
	j->is_journal = 1;
	j->journal = st->building;
	*st->tail = j;
	st->tail = &j->next;
	st->last_journal = j;
	st->journals++;
	pthread_cond_signal(&st->work);
	pthread_mutex_unlock(&st->lock);
	memset(&st->building, 0, sizeof(st->building));
}

/* The journaled step at *p, moving p past it; 0 at the end of the file,
 * or where it was cut short (a crash before it all reached the disk). */
static int
journal_next(const struct store *st, const unsigned char **p,
    const unsigned char *end, char id[JOURNAL_ID_MAX], struct step *s)
{
	const unsigned char *q = *p;
	uint64_t	 w[STEP_WORDS], mask;
	uint16_t	 len;
	size_t		 i;

	if ((size_t)(end - q) < sizeof(len))
		return 0;
	memcpy(&len, q, sizeof(len));
	q += sizeof(len);
	if ((size_t)(end - q) < len + sizeof(mask))
		return 0;
	if (len < JOURNAL_ID_MAX) {
		memcpy(id, q, len);
		id[len] = '\0';
	} else
		id[0] = '\0';	/* no queue's: skipped, not the rest */
	q += len;
	memcpy(&mask, q, sizeof(mask));
	q += sizeof(mask);
	memcpy(w, st->empty, sizeof(w));
	for (i = 0; i < STEP_WORDS; i++)
		if (mask & (uint64_t)1 << i) {
			if ((size_t)(end - q) < sizeof(w[i]))
				return 0;
			memcpy(&w[i], q, sizeof(w[i]));
			q += sizeof(w[i]);
		}
	if (mask >> STEP_WORDS != 0)
		return 0;	/* not a step of this layout */
	memcpy(s, w, sizeof(*s));
	*p = q;
	return 1;
}

int
store_journal_restore(struct store *st, const struct map *queues)
{
	unsigned char	*data = NULL;
	const unsigned char *p, *end;
	struct step	 s;
	uint32_t	 size;
	char		 id[JOURNAL_ID_MAX];
	size_t		 n = 0, got;
	FILE		*f;

	if ((f = fopen(st->journal_path, "r")) == NULL)
		return 0;	/* a clean stop leaves none */
	data = xmalloc(1 << 20);
	got = fread(data, 1, 1 << 20, f);
	while (!feof(f) && !ferror(f)) {
		data = xreallocarray(data, 1, got * 2);
		got += fread(data + got, 1, got, f);
	}
	fclose(f);
	p = data;
	end = data + got;
	if (got >= 8)
		memcpy(&size, p + 4, sizeof(size));
	if (got < 8 || memcmp(p, JOURNAL_MAGIC, 4) != 0 ||
	    size != sizeof(struct step)) {
		log_warnx("store: %s is of another version; its steps are "
		    "lost", st->journal_path);
		free(data);
		return -1;
	}
	for (p += 8; journal_next(st, &p, end, id, &s); )
		if (map_get(queues, id) != NULL) {	/* still configured */
			put(st, id, &s, 1);
			n++;
		}
	free(data);
	store_commit(st);
	log_info("store: %zu steps held at an unclean stop taken from %s", n,
	    st->journal_path);
	return 0;
}

void
store_sync(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	st->flush = st->daemon != NULL;
	pthread_cond_signal(&st->work);
	while (st->pending > 0 || st->journals > 0 || st->flush)
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

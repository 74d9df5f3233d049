/*
 * wachtd.c: the daemon. Reads the configuration, wires the rooms together
 * with callbacks (mqtt -> ingest -> queue -> state topics; http -> api),
 * and owns the loop: signals, the step tick and the publish tick all
 * arrive as libevent callbacks.
 */
#include <sys/resource.h>

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <mosquitto.h>

#include "fetch.h"
#include "sdnotify.h"
#include "wachtd.h"

#define DEFAULT_CONFIG	"/etc/wachtd/wachtd.conf"
#define PUBLISH_EVERY	1.0	/* s: at most one state per queue per second */
#define PUBLISH_SLICES	10	/* on_publish runs this often per second */
#define TICK_SLICE	0.0005	/* s the step tick holds the loop at once */
#define SAVE_EVERY	1.0	/* s: alert states written at most this often */
#define STOP_DRAIN	5.0	/* s notifications get to leave at a stop */

static struct wachtd	 w;
static const char	*config_path = DEFAULT_CONFIG;
static char		*config_real;	/* absolute, once running */
static struct event	*ev_step, *ev_publish, *ev_watchdog, *ev_save;
static char		*alerts_path;	/* state_dir/alerts.json */
static double		 saved;		/* when alerts_path was last written */
static int		 saving;	/* a copy is with the worker */
static int		 save_again;	/* and it changed meanwhile */
static int		 save_failed;	/* the last write failed: retry */
static int		 stopping;	/* the loop has ended */
static double		 stop_at;	/* when stopping, at the latest */
static struct event	*ev_stop;
static char		*status_note;	/* why the last reload was refused */
static int		 status_broker = -1;	/* connected, as last told */
static struct complaint	 reject_complaints[REJECT_COUNT];

static struct complaint	 libevent_complaint;
static double		 step_due;	/* the boundary ev_step waits for */
/* A step tick under way: the next queue, and when its first slice ran. */
static struct step_tick {
	int		 busy;
	size_t		 pos;
	struct timespec	 began;
	double		 held_max;	/* its longest slice */
} tick;

static void		 schedule_step(void);
static void		 schedule_save(void);
static void		 tell_status(const char *, int);

static __dead void
usage(void)
{
	fprintf(stderr, "usage: wachtd [-fnvV] [-c file]\n");
	exit(2);
}

/* Calls fn on every queue. */
static void
each_queue(void (*fn)(struct queue *, double), double now)
{
	const char	*id;
	void		*val;
	size_t		 pos = 0;

	while (map_next(w.queues, &pos, &id, &val))
		fn(val, now);
}

/* P/out/state/CHANNEL/NAME; the caller frees it. */
static char *
state_topic(const char *prefix, const char *id)
{
	char	*topic;

	xasprintf(&topic, "%s/out/state/%s", prefix, id);
	return topic;
}

/* At most once a second, and at once after the clock stepped back. */
static int
publish_due(const struct queue *q, double now)
{
	return now - q->published >= PUBLISH_EVERY - 0.01 ||
	    now < q->published;
}

/* Publishes q's state retained on P/out/state/CHANNEL/NAME. */
static void
publish_state(struct queue *q, double now)
{
	static struct complaint unencodable;
	json_t	*state;
	char	*topic, *body;

	q->dirty = 0;
	q->published = now;
	if (!mq_connected(w.mq))
		return;
	state = queue_json(q, now);
	if (state == NULL || (body = json_dumps(state, JSON_COMPACT)) == NULL) {
		log_complain(&unencodable, now, "queue %s: state is not "
		    "encodable as JSON", q->conf->id);
		json_decref(state);
		return;
	}
	json_decref(state);
	topic = state_topic(w.conf->mqtt.prefix, q->conf->id);
	mq_publish(w.mq, topic, body, strlen(body), 1);
	free(topic);
	free(body);
}

/* Publishes q's alerts whose state changed, retained on
 * P/out/alert/CHANNEL/NAME/NORM; kept for later while disconnected. */
static void
publish_alerts(struct queue *q, const struct queue_view *v)
{
	struct queue_alert *qa;
	json_t		*o;
	char		*topic, *body, url[300];
	size_t		 i;

	if (!mq_connected(w.mq))
		return;
	config_url(w.conf, url, sizeof(url));
	for (i = 0; i < q->nalerts; i++) {
		qa = &q->alerts[i];
		if (!qa->changed)
			continue;
		qa->changed = 0;
		o = queue_alert_json(q, qa, v, url);
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (body == NULL)
			continue;	/* reasons are UTF-8 and numbers finite */
		xasprintf(&topic, "%s/out/alert/%s/%s", w.conf->mqtt.prefix,
		    q->conf->id, queue_alert_name(qa));
		mq_publish(w.mq, topic, body, strlen(body), 1);
		free(topic);
		free(body);
	}
}

/* The worker writes alerts.json; the loop only copies what goes in. */
static void
save_run(void *arg)
{
	save_failed = persist_write(arg, 0) == -1;
}

static void
save_done(void *arg, int ran)
{
	(void)ran;
	persist_free(arg);
	saving = 0;
	if (save_again && !stopping) {
		save_again = 0;
		schedule_save();
	}
}

static void
on_save(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (saving) {
		save_again = 1;		/* after the one on its way */
		return;
	}
	saved = util_now();
	saving = 1;
	work_submit(w.work, save_run, save_done,
	    persist_copy(alerts_path, w.queues, &w.silences, saved));
}

/*
 * Alert states changed: saved after this pass of the loop, and at most
 * once a second, since with a thousand queues the file is large and a
 * burst of input changes many alerts one message at a time.
 */
static void
schedule_save(void)
{
	double		 wait = fmax(0, saved + SAVE_EVERY - util_now());
	struct timeval	 tv = { (time_t)wait,
	    (suseconds_t)((wait - floor(wait)) * 1e6) };

	if (!evtimer_pending(ev_save, NULL))
		evtimer_add(ev_save, &tv);
}

/* Evaluation after input or a tick: the alerts move at once, not at the
 * next tick (issue 4). */
static void
evaluate(struct queue *q, double now)
{
	struct queue_view v;

	size_t		 i;
	int		 told = 0;

	queue_evaluate(q, now, &v);
	if (queue_judge(q, &v, &w.silences, now,
	    strcmp(w.conf->language, "en") == 0) > 0)
		schedule_save();
	publish_alerts(q, &v);
	for (i = 0; i < q->nalerts; i++)
		told += notify_alert(w.notify, w.mq, w.conf, q, &q->alerts[i],
		    &v, now);
	if (told > 0)
		schedule_save();	/* a restart must not tell it again */
}

void
wachtd_alerts_changed(struct queue *q)
{
	w.changes++;
	if (q != NULL)
		evaluate(q, util_now());
	else
		each_queue(evaluate, util_now());
	schedule_save();
}

/* After a (re)connect: every state and alert again. */
static void
mark_dirty(struct queue *q, double now)
{
	struct queue_view v;
	size_t		 i;

	q->dirty = 1;
	for (i = 0; i < q->nalerts; i++)
		q->alerts[i].changed = 1;
	queue_view(q, now, &v);
	publish_alerts(q, &v);
}

/*
 * Queues that changed since their last publish, a tenth of them at a
 * time: publishing a thousand states in one go held the loop ~10 ms
 * (make bench). The cursor goes round, so each queue's turn comes within
 * a second.
 */
static void
on_publish(evutil_socket_t fd, short what, void *arg)
{
	static size_t	 pos;
	const char	*id;
	void		*val;
	size_t		 seen, n = map_count(w.queues);
	size_t		 budget = n / PUBLISH_SLICES + 1;
	double		 now = util_now();

	(void)fd;
	(void)what;
	(void)arg;
	tell_status("", 0);	/* the broker went away? */
	for (seen = 0; seen < n && budget > 0; seen++) {
		if (!map_next(w.queues, &pos, &id, &val)) {
			pos = 0;
			if (!map_next(w.queues, &pos, &id, &val))
				break;
		}
		if (((struct queue *)val)->dirty &&
		    publish_due(val, now)) {
			publish_state(val, now);
			budget--;
		}
	}
}

static void
on_message(const char *topic, const void *payload, size_t len, void *arg)
{
	struct queue	*q;
	enum reject	 why;
	double		 now = util_now();
	char		 shown[128];

	(void)arg;
	if ((q = ingest_message(w.ingest, topic, payload, len, now,
	    &why)) == NULL) {
		/* The topic, never the payload: that may hold anything. */
		log_complain(&reject_complaints[why], now, "rejected message "
		    "on %s: %s", util_printable(topic, shown, sizeof(shown)),
		    reject_name(why));
		return;
	}
	w.changes++;
	evaluate(q, now);
	if (publish_due(q, now))
		publish_state(q, now);
}

/*
 * systemd's STATUS= line (systemctl status): the queues and the broker,
 * after a refused reload also that. Sent when the broker comes or goes,
 * with READY=1 when given, and when forced.
 */
static void
tell_status(const char *first, int force)
{
	char	*msg;
	int	 up = mq_connected(w.mq);

	if ((up == status_broker || stop_at > 0) && !force)
		return;		/* nothing new, or "stopping" stands */
	status_broker = up;
	xasprintf(&msg, "%sSTATUS=%s%s%zu queues, broker %s", first,
	    status_note != NULL ? status_note : "",
	    status_note != NULL ? "; " : "", map_count(w.queues),
	    up ? "connected" : "not connected");
	/* A READY=1 lost, systemd kills us at its start timeout: say why
	 * first. A status after that is not worth a line each. */
	if (sdnotify(msg) == -1 && strstr(first, "READY=1") != NULL)
		log_warn("NOTIFY_SOCKET %s", getenv("NOTIFY_SOCKET"));
	free(msg);
}

/* After every (re)connect: all retained states again. */
static void
on_connect(void *arg)
{
	(void)arg;
	each_queue(mark_dirty, util_now());
	tell_status("", 0);
}

/* Adds the queue's finished steps to the store's batch (store_commit). */
static void
store_steps(struct queue *q)
{
	struct step	 s;

	while (queue_take_step(q, &s))
		store_put(w.store, q->conf->id, &s);
}

static void
tick_queue(struct queue *q, double now)
{
	queue_tick(q, now);
	queue_roll(q, now);
	evaluate(q, now);
	store_steps(q);
}

/* SIGUSR1: the completed steps of q go to the store. */
static void
flush_queue(struct queue *q, double now)
{
	queue_flush(q, now);
	store_steps(q);
}

static void
wait_for_disk(void *arg)
{
	(void)arg;
	store_sync(w.store);
}

/* A flush asked for: who to tell when it is on disk. */
struct flush_job {
	void		(*done)(void *, int);
	void		*arg;
};

static void
history_written(void *arg, int ran)
{
	struct flush_job *j = arg;

	if (ran)
		log_info("history written up to the last completed step");
	if (j->done != NULL)
		j->done(j->arg, ran);
	free(j);
}

void
wachtd_flush(void (*done)(void *, int), void *arg)
{
	struct flush_job *j = xcalloc(1, sizeof(*j));

	/* Every completed step on disk, e.g. before a backup; the worker
	 * waits for the disk, the loop goes on. */
	j->done = done;
	j->arg = arg;
	each_queue(flush_queue, util_now());
	store_commit(w.store);
	work_submit(w.work, wait_for_disk, history_written, j);
}

/* SIGTERM, or a queue removed: also the step in progress. */
static void
close_queue(struct queue *q, double now)
{
	queue_close(q, now);
	store_steps(q);
}

/* The steps held for late input, journaled so kill -9 spares them. */
static void
journal_steps(void)
{
	const char	*id;
	void		*val;
	struct queue	*q;
	size_t		 pos = 0;

	store_journal_begin(w.store);
	while (map_next(w.queues, &pos, &id, &val)) {
		q = val;
		if (q->updated > 0 && q->prev.n >= 0 && !q->prev_blind)
			store_journal_add(w.store, id, &q->prev);
	}
	store_journal_end(w.store);
}

static double
seconds_since(const struct timespec *t0, clockid_t clock)
{
	struct timespec	 t1;

	clock_gettime(clock, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Ticks queues until `budget` s after t0 (at least one); 0 once every
 * queue had its turn. */
static int
tick_some(const struct timespec *t0, double budget)
{
	const char	*id;
	void		*val;
	double		 now = util_now();

	do {
		if (!map_next(w.queues, &tick.pos, &id, &val))
			return 0;
		tick_queue(val, now);
	} while (seconds_since(t0, CLOCK_MONOTONIC) < budget);
	return 1;
}

/* The tick's steps go to the writer in one go, at its end: woken at the
 * first slice, the writer competed with the slices still to come. */
static void
tick_done(void)
{
	w.changes++;
	store_commit(w.store);
	journal_steps();
	/* A full disk: tried again each step, or the file would keep old
	 * states until the next change (save_failed is the worker's while
	 * it saves). */
	if (silence_expire(&w.silences, util_now()) > 0 ||
	    (!saving && save_failed))
		schedule_save();
	api_experience(&w, util_now());
	public_refresh(w.public, w.conf, w.queues, &w.experience,
	    util_now());
	tick.busy = 0;
	w.step_span = seconds_since(&tick.began, CLOCK_MONOTONIC);
	schedule_step();
}

/*
 * Every queue moves on a step and hands its finished steps over, in
 * slices of TICK_SLICE with a look at the sockets in between: all
 * thousand at once held the loop 2 ms of CPU, and up to 6 ms when
 * another process had the CPU meanwhile; counted in queues, a slice
 * still took 4.5 ms when every alert changed at once, as at opening
 * time (make bench). So a slice ends on the clock. A queue whose
 * input comes before its turn rolls itself (queue_input). Each slice
 * times itself on the monotonic clock, so a wall-clock step does not
 * look like a stall.
 */
static void
on_step(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval at_once = { 0, 0 };
	struct timespec	 t0, c0;
	double		 held;
	int		 more;

	(void)fd;
	(void)what;
	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	if (!tick.busy) {
		/* libevent's coarse clock can wake us a few ms before the
		 * boundary: a tick then would roll nothing and hand the
		 * steps over a whole step late. Wait for the boundary. */
		if (util_now() < step_due) {
			schedule_step();
			return;
		}
		tick = (struct step_tick){ .busy = 1, .began = t0 };
	}
	if ((more = tick_some(&t0, TICK_SLICE)))
		/* A timer due now: the loop polls the sockets first. */
		evtimer_add(ev_step, &at_once);
	else
		tick_done();
	held = seconds_since(&t0, CLOCK_MONOTONIC);
	tick.held_max = fmax(tick.held_max, held);
	if (!more)
		w.step_last = tick.held_max;
	w.step_max = fmax(w.step_max, held);
	w.step_cpu_max = fmax(w.step_cpu_max,
	    seconds_since(&c0, CLOCK_THREAD_CPUTIME_ID));
}

/* A reload replaces the queue map: the tick under way ends first. */
static void
tick_finish(void)
{
	struct timespec	 t0;

	if (tick.busy) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		tick_some(&t0, INFINITY);
		tick_done();
	}
}

/* The next tick on a multiple of step, so steps line up with RRD's. */
static void
schedule_step(void)
{
	double		 now = util_now(), next;
	struct timeval	 tv;

	next = (floor(now / w.conf->step) + 1) * w.conf->step;
	step_due = next;
	tv.tv_sec = (time_t)(next - now);
	tv.tv_usec = (suseconds_t)((next - now - (double)tv.tv_sec) * 1e6);
	/* libevent counts from the time it cached when this pass of the
	 * loop began, which a busy pass (a tick of many queues) makes old. */
	event_base_update_cache_time(w.base);
	evtimer_add(ev_step, &tv);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sdnotify("WATCHDOG=1");
}

static void
print_error(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

/* A configuration error: logged, and kept in arg (a JSON array) when
 * someone asked over HTTP. */
static void
log_error(const char *msg, void *arg)
{
	log_warnx("%s", msg);
	if (arg != NULL)
		json_array_append_new(arg, json_string(msg));
}

/* A check asked over HTTP applies nothing: its errors go to the asker,
 * not into the daemon's log as if a reload had failed. */
static void
collect_error(const char *msg, void *arg)
{
	json_array_append_new(arg, json_string(msg));
}

static void
libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_complain(&libevent_complaint, util_now(), "libevent: %s",
		    msg);
	else
		log_debug("libevent: %s", msg);
}

static void
set_timezone(const char *tz)
{
	if (setenv("TZ", tz, 1) == -1)
		fatal("setenv TZ");
	tzset();
}

/*
 * Every client is an open file, and the soft limit is often 1,024: 1,000
 * idle connections then kept the public listener from accepting (make
 * faults). Nothing in wachtd uses select(2): take the hard limit.
 */
static void
raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("cannot raise the limit of open files");
	}
}

static void
free_queue(void *q)
{
	queue_free(q);
}

/* Queues of c, reusing (and so keeping the state of) those in old. */
static struct map *
build_queues(const struct config *c, struct map *old)
{
	struct map	*m = map_new();
	struct queue	*q;
	size_t		 i;

	for (i = 0; i < c->nqueues; i++) {
		const struct queue_conf *qc = &c->queues[i];

		if (old != NULL && (q = map_del(old, qc->id)) != NULL)
			queue_reconfigure(q, qc, c->step);
		else
			q = queue_new(qc, c->step);
		map_put(m, qc->id, q);
	}
	return m;
}

static int
same_listen(const struct listen_conf *a, const struct listen_conf *b)
{
	return a->port == b->port && strcmp(a->host, b->host) == 0;
}

/* Binds the internal listener of c; NULL when it cannot. */
static struct http *
start_http(const struct config *c)
{
	struct http	*h;

	if ((h = http_new(w.base, c->listen.host, c->listen.port)) != NULL)
		api_register(h, &w);
	return h;
}

static void
subscribe(const struct config *c)
{
	char	**topics;
	size_t	  n;

	topics = ingest_topics(c, &n);
	mq_subscribe(w.mq, topics, n);
}

/* Tells systemd that a reload begins; MONOTONIC_USEC lets
 * Type=notify-reload (systemd 253+) match it to its own SIGHUP. */
static void
notify_reloading(void)
{
	struct timespec	 mono;
	char		 msg[128];

	clock_gettime(CLOCK_MONOTONIC, &mono);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu\n"
	    "STATUS=reloading the configuration",
	    (unsigned long long)mono.tv_sec * 1000000ULL +
	    (unsigned long long)mono.tv_nsec / 1000);
	sdnotify(msg);
}

/* "CHANNEL/NAME/NORM" of every alert of every queue, as a set. */
static struct map *
alert_topics(const struct map *queues)
{
	static char	 present;
	struct map	*m = map_new();
	const struct queue *q;
	const char	*id;
	void		*val;
	size_t		 pos = 0, i;
	char		*key;

	while (map_next(queues, &pos, &id, &val)) {
		q = val;
		for (i = 0; i < q->nalerts; i++) {
			xasprintf(&key, "%s/%s", id,
			    queue_alert_name(&q->alerts[i]));
			map_put(m, key, &present);
			free(key);
		}
	}
	return m;
}

/* After a reload: the retained alert topics of alerts no queue has any
 * more (a queue or a norm removed) are cleared. Frees was. */
static void
clear_alert_topics(struct map *was, const char *prefix)
{
	struct map	*now = alert_topics(w.queues);
	const char	*id;
	void		*val;
	size_t		 pos = 0;
	char		*topic;

	while (map_next(was, &pos, &id, &val))
		if (map_get(now, id) == NULL) {
			xasprintf(&topic, "%s/out/alert/%s", prefix, id);
			mq_publish(w.mq, topic, "", 0, 1);
			free(topic);
		}
	map_free(now, NULL);
	map_free(was, NULL);
}

/*
 * libcurl (fetch.c) only for a mail or webhook: a daemon that tells MQTT
 * alone never pays its 6 MB resident. Loaded at start and reload,
 * so a missing library is in the log now, not at the first alert; and
 * tried again at each reload until it loads.
 */
static void
load_fetch(const struct config *c)
{
	const struct notify_conf *n;
	size_t		 i;

	for (i = 0; i < c->nnotifies; i++) {
		n = &c->notifies[i];
		if (n->webhook != NULL || n->alertmanager != NULL ||
		    n->email != NULL) {
			(void)fetch_global_init();	/* it says why not */
			return;
		}
	}
}

/*
 * SIGHUP: a new configuration, or the old one with its errors logged.
 * Everything that can fail (parsing, the broker's credentials, the new
 * listen address) is tried before anything of the running state changes.
 */
static int
reload(json_t *errors)
{
	struct config	*c, *old = w.conf;
	int		 rc = -1;
	struct ingest	*in;
	struct http	*h = NULL;
	struct public	*pub = NULL;
	struct mq	*mq = NULL;
	struct map	*gone, *alerts;
	const char	*id;
	void		*val;
	size_t		 pos = 0, removed;
	char		*topic;

	log_info("reloading %s", config_path);
	notify_reloading();
	free(status_note);
	status_note = NULL;
	if ((c = config_load(config_path, log_error, errors)) == NULL) {
		log_warnx("reload: %s has errors; still running the previous "
		    "configuration", config_path);
		status_note = xstrdup("reload refused: the configuration has "
		    "errors (see the log); running the previous one");
		goto done;
	}
	if (config_mqtt_changed(old, c) || mq_password_changed(w.mq, &c->mqtt)) {
		if ((mq = mq_new(w.base, &c->mqtt, on_message, on_connect,
		    NULL)) == NULL) {
			log_warnx("reload: cannot use the new [mqtt] settings; "
			    "still running the previous configuration");
			status_note = xstrdup("reload refused: cannot use the "
			    "new [mqtt] settings; running the previous "
			    "configuration");
			config_free(c);
			goto done;
		}
	}
	if (!same_listen(&c->listen, &old->listen) &&
	    (h = start_http(c)) == NULL) {
		log_warnx("reload: still listening on %s:%d",
		    old->listen.host, old->listen.port);
		c->listen = old->listen;
	}
	/* The public listener moves, goes or comes; or stays as it is. */
	if (!same_listen(&c->public_listen, &old->public_listen) &&
	    c->public_listen.port != 0 &&
	    (pub = public_new(&c->public_listen, old->step)) == NULL) {
		log_warnx("reload: the public listener stays as it was");
		c->public_listen = old->public_listen;
	}

	/*
	 * Files and steps are laid out for these; the time zone is read by
	 * the writer and worker threads (setenv is not safe beside them).
	 * They need a restart.
	 */
	if (c->step != old->step || strcmp(c->state_dir, old->state_dir) != 0 ||
	    strcmp(c->timezone, old->timezone) != 0 ||
	    (c->rrdcached == NULL) != (old->rrdcached == NULL) ||
	    (c->rrdcached != NULL && strcmp(c->rrdcached, old->rrdcached))) {
		log_warnx("reload: [daemon] step, state_dir, timezone and "
		    "rrdcached take effect at the next restart; keeping the "
		    "running ones");
		c->step = old->step;
		free(c->state_dir);
		c->state_dir = xstrdup(old->state_dir);
		free(c->timezone);
		c->timezone = xstrdup(old->timezone);
		free(c->rrdcached);
		c->rrdcached = old->rrdcached ? xstrdup(old->rrdcached) : NULL;
	}
	tick_finish();
	alerts = alert_topics(w.queues);
	gone = w.queues;
	w.queues = build_queues(c, gone);
	w.changes++;
	removed = map_count(gone);
	while (map_next(gone, &pos, &id, &val)) {
		close_queue(val, util_now());	/* its file stays */
		/* An empty retained message clears the state topic. */
		topic = state_topic(old->mqtt.prefix, id);
		mq_publish(w.mq, topic, "", 0, 1);
		free(topic);
	}
	map_free(gone, free_queue);
	store_commit(w.store);
	clear_alert_topics(alerts, old->mqtt.prefix);
	schedule_save();

	in = ingest_new(c, w.queues);
	in->accepted = w.ingest->accepted;
	memcpy(in->rejected, w.ingest->rejected, sizeof(in->rejected));
	ingest_free(w.ingest);
	w.ingest = in;

	if (h != NULL) {
		http_free(w.http);
		w.http = h;
	}
	if (!same_listen(&c->public_listen, &old->public_listen)) {
		public_free(w.public);
		if ((w.public = pub) != NULL)
			public_start(pub, 0);
	}
	if (mq != NULL) {
		mq_free(w.mq);
		w.mq = mq;
	} else
		mq_set_conf(w.mq, &c->mqtt);
	w.conf = c;
	load_fetch(c);
	subscribe(c);
	config_free(old);
	evtimer_del(ev_step);
	schedule_step();
	/* Other public queues: read the last quarter again, and drop a
	 * reading of the old ones still on its way. */
	memset(&w.experience, 0, sizeof(w.experience));
	w.experience_generation++;
	w.experience_retry = 0;
	public_refresh(w.public, w.conf, w.queues, &w.experience,
	    util_now());
	on_connect(NULL);	/* republish: labels or norms may differ */
	log_info("configuration reloaded: %zu queues, %zu removed",
	    map_count(w.queues), removed);
	rc = 0;
done:
	if (rc == -1 && errors != NULL && json_array_size(errors) == 0)
		json_array_append_new(errors, json_string(status_note));
	tell_status("READY=1\n", 1);
	return rc;
}

int
wachtd_reload(json_t *errors)
{
	return reload(errors);
}

int
wachtd_check_config(json_t *errors, int *moves)
{
	struct config	*c;

	if ((c = config_load(config_path, collect_error, errors)) == NULL)
		return -1;
	if (moves != NULL)
		*moves = !same_listen(&c->listen, &w.conf->listen);
	config_free(c);
	return 0;
}

static void
on_reload_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	(void)reload(NULL);
}

void
wachtd_reload_later(void)
{
	static const struct timeval soon = { 0, 200000 };

	event_base_once(w.base, -1, EV_TIMEOUT, on_reload_later, NULL, &soon);
}

const char *
wachtd_config_path(void)
{
	return config_path;
}

/*
 * Stopping: notifications on their way get up to STOP_DRAIN to arrive;
 * told and saved as told, they would otherwise never be sent. Input and
 * ticks go on meanwhile.
 */
static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval soon = { 0, 50000 };
	struct notify_stats ns;

	(void)fd;
	(void)what;
	(void)arg;
	notify_stats(w.notify, &ns);
	if (ns.queued == 0 || util_now() >= stop_at) {
		if (ns.queued > 0)
			log_warnx("stopping with %zu notifications not "
			    "delivered", ns.queued);
		else if (ev_stop != NULL)
			log_info("stopping: the notifications on their way "
			    "have left");
		event_base_loopexit(w.base, NULL);
		return;
	}
	if (ev_stop == NULL)
		ev_stop = evtimer_new(w.base, on_stop, NULL);
	evtimer_add(ev_stop, &soon);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	switch (sig) {
	case SIGHUP:
		(void)reload(NULL);
		break;
	case SIGUSR1:
		wachtd_flush(NULL, NULL);
		break;
	default:
		log_info("received %s, shutting down", strsignal(sig));
		sdnotify("STOPPING=1\nSTATUS=stopping");
		if (stop_at > 0) {		/* asked twice: now */
			event_base_loopexit(w.base, NULL);
			break;
		}
		stop_at = util_now() + STOP_DRAIN;
		on_stop(-1, 0, NULL);
		break;
	}
}

int
main(int argc, char *argv[])
{
	struct event	*sigs[4];
	const int	 signals[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	uint64_t	 wd_usec;
	int		 ch, check = 0, foreground = 0, verbose = 0, i, forked;

	while ((ch = getopt(argc, argv, "c:fnvV")) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("wachtd %s\n", WACHTD_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	/* -n touches nothing: no socket, no file written, no broker. */
	if ((w.conf = config_load(config_path, print_error, NULL)) == NULL)
		return 1;
	if (check) {
		printf("configuration OK\n");
		config_free(w.conf);
		return 0;
	}

	/* daemon() moves to /: a relative path would break SIGHUP. */
	if ((config_real = realpath(config_path, NULL)) == NULL)
		fatal("realpath %s", config_path);
	config_path = config_real;
	log_init(foreground, verbose, "wachtd");
	set_timezone(w.conf->timezone);
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	/*
	 * librrd builds each new file in one allocation of its full size
	 * (18 MB with the default archives). After the first is freed glibc
	 * would raise its mmap threshold to match and keep the next ones in
	 * the writer's heap: 18 MB resident for good. A fixed threshold
	 * gives every one of them back.
	 */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	/* Until the loop takes them (after the broker's first DNS lookup),
	 * a reload or flush request must not kill us. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	mosquitto_lib_init();

	/* The store and worker threads wake the loop with event_active. */
	if (evthread_use_pthreads() == -1)
		fatalx("evthread_use_pthreads");
	if ((w.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	event_set_log_callback(libevent_log);
	w.started = util_now();
	w.queues = build_queues(w.conf, NULL);
	w.ingest = ingest_new(w.conf, w.queues);
	/* What can fail at start fails before detaching: the shell sees it. */
	if ((w.http = start_http(w.conf)) == NULL ||
	    (w.conf->public_listen.port != 0 && (w.public = public_new(
	    &w.conf->public_listen, w.conf->step)) == NULL) ||
	    mq_check(&w.conf->mqtt) == -1 ||
	    store_prepare(w.conf->state_dir) == -1)
		return 1;
	load_fetch(w.conf);	/* before threads: curl_global_init */
	/* Under systemd (Type=notify) the service is the process itself. */
	forked = !foreground && getenv("NOTIFY_SOCKET") == NULL;
	if (forked) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		if (event_reinit(w.base) == -1)
			fatalx("event_reinit");
	}
	/* Threads do not survive daemon(): start the writer after it. */
	w.store = store_new(w.conf->state_dir, w.conf->step,
	    w.conf->rrdcached);
	store_journal_restore(w.store, w.queues);	/* after kill -9 */
	w.work = work_new(w.base);
	w.graph = graph_new(w.work);
	if ((w.mq = mq_new(w.base, &w.conf->mqtt, on_message, on_connect,
	    NULL)) == NULL)
		return 1;
	subscribe(w.conf);
	w.notify = notify_new(w.base);

	for (i = 0; i < 4; i++) {
		sigs[i] = evsignal_new(w.base, signals[i], on_signal, NULL);
		evsignal_add(sigs[i], NULL);
	}
	/* What staff were told before a restart, before any judging. */
	xasprintf(&alerts_path, "%s/alerts.json", w.conf->state_dir);
	ev_save = evtimer_new(w.base, on_save, NULL);
	persist_load(alerts_path, w.queues, &w.silences, util_now());
	/* Each queue learns its opening hours now, not in the first tick. */
	each_queue(queue_tick, util_now());
	if (w.public != NULL) {
		public_start(w.public, forked);
		public_refresh(w.public, w.conf, w.queues, &w.experience,
		    util_now());
	}
	ev_step = evtimer_new(w.base, on_step, NULL);
	schedule_step();
	ev_publish = event_new(w.base, -1, EV_PERSIST, on_publish, NULL);
	event_add(ev_publish, &(struct timeval){ 0,
	    (suseconds_t)(1000000 * PUBLISH_EVERY / PUBLISH_SLICES) });
	ev_watchdog = NULL;
	if (sdnotify_watchdog(&wd_usec) > 0) {
		struct timeval tv = { (time_t)(wd_usec / 2000000),
		    (suseconds_t)(wd_usec / 2 % 1000000) };

		ev_watchdog = event_new(w.base, -1, EV_PERSIST, on_watchdog,
		    NULL);
		event_add(ev_watchdog, &tv);
	}
	/* Listeners bound, the broker's connection under way. */
	tell_status("READY=1\n", 1);
	log_info("wachtd %s started: %zu queues, step %gs", WACHTD_VERSION,
	    map_count(w.queues), w.conf->step);

	util_loop_thread();
	event_base_dispatch(w.base);

	/* SIGTERM: every step, the current one as it stands, on disk. */
	stopping = 1;
	each_queue(close_queue, util_now());
	notify_free(w.notify);	/* what is still on its way is lost */
	/* The worker first: a SIGUSR1 job in it waits on the store. */
	work_free(w.work);	/* answers or drops what graphs wait for */
	/* The alert states, once no save of the worker's can overtake it. */
	persist_save(alerts_path, w.queues, &w.silences, util_now(), 1);
	graph_free(w.graph);
	store_free(w.store);
	mq_free(w.mq);
	http_free(w.http);
	public_free(w.public);
	ingest_free(w.ingest);
	map_free(w.queues, free_queue);
	for (i = 0; i < 4; i++)
		event_free(sigs[i]);
	event_free(ev_step);
	event_free(ev_publish);
	event_free(ev_save);
	if (ev_stop != NULL)
		event_free(ev_stop);
	silence_clear(&w.silences);
	free(alerts_path);
	free(status_note);
	if (ev_watchdog != NULL)
		event_free(ev_watchdog);
	event_base_free(w.base);
	config_free(w.conf);
	free(config_real);
	mosquitto_lib_cleanup();
	fetch_global_cleanup();
	log_info("stopped");
	return 0;
}

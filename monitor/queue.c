/*
 * queue.c: the live state of one queue. Gauges as last published, events
 * counted in time slices of a rolling window (so the service level over the
 * last 15 minutes costs 64 small counters, not a list of every call), and
 * for join/leave queues the set of contacts waiting now. A pure function of
 * its inputs and `now`: no clock, no I/O.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "wachtd.h"

#define DEFAULT_WINDOW	(15 * 60.0)
#define DEFAULT_QUALITY_WINDOW (24 * 3600.0)

/* Slice width: whole steps, and enough slices to cover the window. */
static void
shape(struct queue *q, double step)
{
	const struct norm_conf *n;

	n = config_queue_norm(q->conf, NORM_ANSWER_WITHIN);
	q->window = n != NULL ? n->window : DEFAULT_WINDOW;
	q->within = n != NULL ? n->answer_within : 0;
	/* "Answered within the norm" for a max_wait norm: within max_wait. */
	if (n == NULL && (n = config_queue_norm(q->conf, NORM_MAX_WAIT)) != NULL)
		q->within = n->max_wait;
	q->width = step * ceil(q->window / (QUEUE_SLICES - 1) / step);
	/* config.c saw that a queue's quality norms share their window. */
	n = config_queue_norm(q->conf, NORM_DIRECT_TARGET);
	if (n == NULL)
		n = config_queue_norm(q->conf, NORM_RATING_TARGET);
	q->quality_window = n != NULL ? n->window : DEFAULT_QUALITY_WINDOW;
	q->quality_width = step * ceil(q->quality_window /
	    (QUEUE_SLICES - 1) / step);
}

/* No slot is read until a slice takes it, clearing it (slice_at). */
static void
clear_slices(struct queue *q)
{
	q->slices_head = -1;
	q->slices_used = 0;
}

_Static_assert(QUEUE_SLICES <= 64, "slices_used has a bit per slice");

/* The bit of slices_used for slice number m. */
static uint64_t
slice_bit(int64_t m)
{
	return (uint64_t)1 << (m % QUEUE_SLICES);
}

/* Slice number m while the ring holds it, else NULL. */
static const struct slice *
ring_slice(const struct queue *q, int64_t m)
{
	if (m < 0 || m > q->slices_head ||
	    m <= q->slices_head - QUEUE_SLICES ||
	    (q->slices_used & slice_bit(m)) == 0)
		return NULL;
	return &q->slices[m % QUEUE_SLICES];
}

/* Its ring comes with the first quality input; until then there is
 * nothing to clear. */
static void
clear_quality(struct queue *q)
{
	free(q->quality);
	q->quality = NULL;
	q->quality_since = 0;
}

/*
 * What each [notify] section of the queue was told about qa: one notice
 * per section (one for MQTT alone without any), kept by name from `was`
 * over a reload.
 */
static void
build_notices(const struct queue *q, struct queue_alert *qa,
    const struct queue_alert *was)
{
	const struct notify_conf *t;
	struct notice	*n;
	size_t		 i, j;

	qa->nnotices = q->conf->notify.n > 0 ? q->conf->notify.n : 1;
	qa->notices = xcalloc(qa->nnotices, sizeof(*qa->notices));
	for (i = 0; i < qa->nnotices; i++) {
		n = &qa->notices[i];
		n->told = ALERT_OK;
		if (q->conf->notify.n > 0 &&
		    (t = q->conf->notify.refs[i].to) != NULL)
			snprintf(n->to, sizeof(n->to), "%s", t->name);
		for (j = 0; was != NULL && j < was->nnotices; j++)
			if (strcmp(was->notices[j].to, n->to) == 0)
				*n = was->notices[j];
	}
}

/*
 * What the queue's last look saw, to put in words when someone asks:
 * judging runs on every message, the sentence is read far less often
 * (and making it was a sixth of the daemon's time under load). One per
 * queue, as every alert that looks sees the same; beside it what is each
 * alert's own, the state it judged from and its sentence, which a const
 * alert must be able to fill in (queue_alert_reason).
 */
struct look_back {
	struct queue_view v;
	const struct queue_conf *conf;	/* its hours and interval */
	double		 now;
	double		 updated;	/* the feed's last input */
	int		 english;
	const struct queue_alert *alerts;	/* words[i] is alerts[i]'s */
	struct look_words {
		enum alert_state current;	/* before the look, for
						 * hysteresis */
		int		 due;		/* reason not yet made from
						 * the look */
		char		*reason;	/* the last one made, or NULL */
		size_t		 reason_size;	/* bytes allocated for it */
	}		 words[];
};

/* The look and words of a queue with n alerts, none due. */
static struct look_back *
look_new(const struct queue_alert *alerts, size_t n)
{
	struct look_back *lb;

	lb = xcalloc(1, sizeof(*lb) + n * sizeof(lb->words[0]));
	lb->alerts = alerts;
	return lb;
}

/* Keeps what a look saw (queue_judge marks the alerts that saw it due).
 * Field by field: this runs on every message. */
static void
see(struct look_back *lb, const struct queue *q, const struct queue_view *v,
    double now, int english)
{
	lb->v = *v;
	lb->conf = q->conf;
	lb->now = now;
	lb->updated = q->updated;
	lb->english = english;
}

/*
 * At the length reasons have had, not the judgement's 256 bytes: a queue
 * has a few. It only grows: every save makes every reason again, in the
 * loop, and should not allocate for each.
 */
static void
keep_reason(struct look_words *w, const char *reason)
{
	size_t	 len = strlen(reason) + 1;

	if (reason != w->reason) {
		if (len > w->reason_size) {
			w->reason = xreallocarray(w->reason, 1, len);
			w->reason_size = len;
		}
		memcpy(w->reason, reason, len);
	}
	w->due = 0;
}

/* The words of qa, with its reason made from the look if it is due. */
static struct look_words *
make_reason(const struct queue_alert *qa)
{
	const struct look_back *lb = qa->look;
	struct look_words *w = &qa->look->words[qa - lb->alerts];
	struct judgement j;

	if (!w->due)
		return w;
	if (qa->norm == NULL)
		alert_judge_feed(&lb->v, lb->updated, lb->conf->interval,
		    lb->english, 1, &j);
	else
		alert_judge(qa->norm, lb->conf->hours.to, &lb->v, lb->now,
		    w->current, lb->english, 1, &j);
	keep_reason(w, j.reason);
	return w;
}

const char *
queue_alert_reason(const struct queue_alert *qa)
{
	struct look_words *w = make_reason(qa);

	return w->reason != NULL ? w->reason : "";
}

void
queue_alert_set_reason(struct queue_alert *qa, const char *reason)
{
	keep_reason(&qa->look->words[qa - qa->look->alerts], reason);
}

/*
 * One alert per norm of the queue, then the feed's. An alert whose norm
 * keeps its name keeps its state (a reload changes a threshold, not what
 * staff were told); old is NULL for a new queue.
 */
static void
build_alerts(struct queue *q, const struct queue_alert *old, size_t nold)
{
	struct queue_alert *qa;
	const struct queue_alert *was;
	const char	*name;
	size_t		 i, j;

	q->nalerts = q->conf->norms.n + 1;
	q->alerts = xcalloc(q->nalerts, sizeof(*q->alerts));
	q->look = look_new(q->alerts, q->nalerts);
	for (i = 0; i < q->nalerts; i++) {
		qa = &q->alerts[i];
		qa->norm = i < q->conf->norms.n ? q->conf->norms.refs[i].to :
		    NULL;
		name = queue_alert_name(qa);
		alert_init(&qa->a, 0);
		qa->look = q->look;
		for (j = 0, was = NULL; j < nold; j++)
			if (strcmp(queue_alert_name(&old[j]), name) == 0) {
				was = &old[j];
				alert_copy(&qa->a, &was->a);
				qa->j = was->j;
				/* In words now: the old look goes with old. */
				queue_alert_set_reason(qa,
				    queue_alert_reason(was));
				qa->changed = was->changed;
			}
		build_notices(q, qa, was);
	}
}

/* Frees alerts and their look, which build_alerts made with them. */
static void
free_alerts(struct queue_alert *alerts, struct look_back *lb, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		alert_free(&alerts[i].a);
		free(alerts[i].notices);
		free(lb->words[i].reason);
	}
	free(lb);
	free(alerts);
}

struct queue *
queue_new(const struct queue_conf *conf, double step)
{
	struct queue	*q = xcalloc(1, sizeof(*q));
	int		 i;

	q->conf = conf;
	for (i = 0; i < STEP_GAUGES; i++)
		q->held[i] = NAN;
	q->holdtime = NAN;
	q->step_len = step;
	q->cur.n = q->prev.n = -1;
	shape(q, step);
	clear_slices(q);
	build_alerts(q, NULL, 0);
	return q;
}

/*
 * Opening hours cost a localtime_r or more per question, asked for every
 * queue on every tick and input: the answer is kept for as long as it
 * holds, [cal_from, cal_until).
 */
static void
learn_hours(struct queue *q, double now)
{
	const struct hours_conf *h = q->conf->hours.to;
	double	 until;

	if (now >= q->cal_from && now < q->cal_until)
		return;
	q->cal_open = calendar_is_open(h, now);
	until = q->cal_open ? calendar_open_until(h, now, 1) :
	    calendar_next_open(h, now);
	q->cal_from = now;
	/* Never open within the horizon: look again in a day. */
	q->cal_until = isnan(until) ? now + 86400 : until;
}

/* Whether the queue is open at t, from what is known when it can be. */
static int
open_at(const struct queue *q, double t)
{
	if (t >= q->cal_from && t < q->cal_until)
		return q->cal_open;
	return calendar_is_open(q->conf->hours.to, t);
}

/* Seconds of opening time in [from, to). */
static double
open_between(const struct queue *q, double from, double to)
{
	if (from >= q->cal_from && to <= q->cal_until)
		return q->cal_open && to > from ? to - from : 0;
	return calendar_open_seconds(q->conf->hours.to, from, to);
}

/* Queues a finished step for the store; the oldest goes if none takes. */
static void
outbox_push(struct queue *q, const struct step *s)
{
	if (q->updated == 0)
		return;		/* no file before the queue has data */
	if (q->outbox == NULL)
		q->outbox = xcalloc(QUEUE_OUTBOX, sizeof(*q->outbox));
	if (q->noutbox == QUEUE_OUTBOX) {
		memmove(q->outbox, q->outbox + 1, sizeof(q->outbox[0]) *
		    (QUEUE_OUTBOX - 1));
		q->noutbox--;
		q->steps_lost++;
	}
	q->outbox[q->noutbox] = *s;
	q->outbox[q->noutbox++].open_secs = s->unwatched ? 0 :
	    open_between(q, s->start, s->end);
}

/*
 * Credits gauge g, as held since held_since, to the current step up to
 * `to`. The longest wait of a join/leave queue grows with the clock
 * between changes: it is credited with its average over the span, and
 * its value at the end counts for the maximum.
 */
static void
hold(struct queue *q, int g, double to)
{
	double	 since = q->held_since[g], from = fmax(since, q->cur.start);
	double	 v = q->held[g], grown;

	/* A small backward clock step must not credit a span twice. */
	to = fmax(to, since);
	if (g == GAUGE_LONGEST_WAIT && q->waiters != NULL &&
	    map_count(q->waiters) > 0 && !isnan(v) && to > from) {
		grown = v + (from - since);
		step_hold(&q->cur, g, grown + (to - from) / 2, from, to);
		step_sample(&q->cur, g, grown + (to - from));
		q->held[g] = v + (to - since);
	} else
		step_hold(&q->cur, g, v, from, to);
	q->held_since[g] = to;
}

/* Holds every gauge's current value up to `to` in the current step. */
static void
hold_all(struct queue *q, double to)
{
	int	 g;

	for (g = 0; g < STEP_GAUGES; g++)
		hold(q, g, to);
}

/* Longest current wait of a join/leave queue. */
static double
longest(const struct queue *q, double now)
{
	const char	*id;
	void		*val;
	size_t		 pos = 0;
	double		 first = now;

	while (map_next(q->waiters, &pos, &id, &val))
		if (*(double *)val < first)
			first = *(double *)val;
	return now - first;
}

/*
 * Moves the steps on until the current one contains now. Each step that
 * ends becomes `prev`, open one more step for late input; the one it
 * replaces goes to the outbox. After a long gap only the last two count.
 */
static void
roll(struct queue *q, double now)
{
	int64_t	 n = (int64_t)floor(now / q->step_len);
	double	 last;
	int	 g;

	if (q->cur.n >= 0 && n < q->cur.n - 1) {
		/* The wall clock stepped back: write what was, start over. */
		for (g = 1, last = q->held_since[0]; g < STEP_GAUGES; g++)
			last = fmax(last, q->held_since[g]);
		hold_all(q, fmin(last, q->cur.end));
		if (q->prev.n >= 0 && !q->prev_blind)
			outbox_push(q, &q->prev);
		outbox_push(q, &q->cur);
		q->cur.n = -1;
		/* Values held now are held from now on the new clock. */
		for (g = 0; g < STEP_GAUGES; g++)
			q->held_since[g] = now;
	}
	if (q->cur.n < 0) {
		/* The step before takes input up to a step late, but unless
		 * some lands there it stays unknown in the history rather
		 * than a step of zero contacts. */
		step_open(&q->prev, n - 1, q->step_len, NULL);
		q->prev.unwatched = 1;	/* it began before we watched */
		q->prev_blind = 1;
		step_open(&q->cur, n, q->step_len, q->held);
		q->cur.start = fmax(q->cur.start, now);	/* watched from now */
		return;
	}
	while (q->cur.n < n) {
		hold_all(q, q->cur.end);
		if (q->prev.n >= 0 && !q->prev_blind)
			outbox_push(q, &q->prev);
		q->prev = q->cur;
		q->prev_blind = 0;
		step_open(&q->cur, n - q->prev.n > 1 ? n : q->prev.n + 1,
		    q->step_len, q->held);
		if (q->cur.n - q->prev.n > 1) {
			outbox_push(q, &q->prev);
			q->prev.n = -1;
		}
	}
}

/* A gauge changed at now: what it was counts for the time it was held. */
static void
track(struct queue *q, int g, double v, double now)
{
	hold(q, g, now);	/* held_since: now, or later after a small
				 * backward clock step, credited already */
	q->held[g] = v;
	step_sample(&q->cur, g, v);
}

/* The waiting set changed: waiting and longest_wait with it. */
static void
track_waiters(struct queue *q, double now)
{
	track(q, GAUGE_WAITING, (double)map_count(q->waiters), now);
	track(q, GAUGE_LONGEST_WAIT, longest(q, now), now);
}

/* The step an event stamped ts counts in; NULL past its grace. */
static struct step *
step_for(struct queue *q, double ts)
{
	int64_t	 n = (int64_t)floor(ts / q->step_len);

	if (n >= q->cur.n)
		return &q->cur;
	if (n == q->prev.n)
		return &q->prev;
	return NULL;
}

int
queue_take_step(struct queue *q, struct step *out)
{
	if (q->noutbox == 0)
		return 0;
	*out = q->outbox[0];
	memmove(q->outbox, q->outbox + 1, sizeof(q->outbox[0]) *
	    (size_t)--q->noutbox);
	if (q->noutbox == 0) {
		free(q->outbox);
		q->outbox = NULL;
	}
	return 1;
}

void
queue_roll(struct queue *q, double now)
{
	roll(q, now);
}

void
queue_flush(struct queue *q, double now)
{
	roll(q, now);
	if (q->prev.n >= 0 && !q->prev_blind)
		outbox_push(q, &q->prev);
	q->prev.n = -1;		/* written: later input for it is too late */
}

void
queue_close(struct queue *q, double now)
{
	queue_flush(q, now);
	hold_all(q, now);
	/* Watched up to now, and written as the whole step: its counts are
	 * all there are. A start within the same step adds its own to the
	 * next step (store.c), so none is lost. */
	q->cur.end = fmin(q->cur.end, fmax(now, q->cur.start));
	outbox_push(q, &q->cur);
	q->cur.n = -1;
}

void
queue_free(struct queue *q)
{
	if (q == NULL)
		return;
	map_free(q->waiters, free);
	clear_quality(q);
	free_alerts(q->alerts, q->look, q->nalerts);
	free(q->outbox);
	free(q);
}

void
queue_reconfigure(struct queue *q, const struct queue_conf *conf,
    double step)
{
	double	 window = q->window, within = q->within, width = q->width;
	double	 quality_width = q->quality_width;
	double	 quality_window = q->quality_window;
	struct queue_alert *old = q->alerts;
	struct look_back *old_look = q->look;
	size_t		 nold = q->nalerts;

	q->conf = conf;
	build_alerts(q, old, nold);
	free_alerts(old, old_look, nold);
	shape(q, step);
	q->cal_from = q->cal_until = 0;	/* its hours may have changed */
	/* Counts sliced another way, or judged by another limit, would lie. */
	if (q->width != width || q->window != window || q->within != within)
		clear_slices(q);
	if (q->quality_width != quality_width ||
	    q->quality_window != quality_window)
		clear_quality(q);
	q->dirty = 1;
}

/*
 * The slice an event at ts belongs to; NULL when the ring left it and its
 * slot holds a newer slice. A slot is cleared when a slice takes it (an
 * event a step refuses, or a join or leave refused, takes it all the same:
 * it is used, and leaving the window it is news at the tick). A slice the
 * ring left whose slot holds none can only come after the clock stepped
 * back (step_for refuses older input), and the next queue_tick starts the
 * window over: it gets `spare`, so the event counts in its step alone.
 */
static struct slice *
slice_at(struct queue *q, double ts, struct slice *spare)
{
	int64_t		 n = (int64_t)floor(ts / q->width), m;
	struct slice	*s = &q->slices[n % QUEUE_SLICES];

	if (n <= q->slices_head - QUEUE_SLICES)
		return (q->slices_used & slice_bit(n)) != 0 ? NULL : spare;
	if (n > q->slices_head) {
		/* The slots it passes now wait for slices of their own. */
		m = q->slices_head + 1;
		if (m < n - QUEUE_SLICES + 1)
			m = n - QUEUE_SLICES + 1;	/* a whole ring at most */
		for (; m <= n; m++)
			q->slices_used &= ~slice_bit(m);
		q->slices_head = n;
	}
	if ((q->slices_used & slice_bit(n)) == 0) {
		memset(s, 0, sizeof(*s));
		q->slices_used |= slice_bit(n);
	}
	return s;
}

/* Slices of the quality ring in its window: the last one up to now. */
static int64_t
quality_slices(const struct queue *q)
{
	return (int64_t)ceil(q->quality_window / q->quality_width);
}

/*
 * The quality ring as the clock moves: slices of a time the clock stepped
 * back from are dropped, and counts leaving the window are news: dropped,
 * so that they are news once.
 */
static void
quality_tick(struct queue *q, double now)
{
	int64_t		 last = (int64_t)floor(now / q->quality_width);
	int64_t		 first = last - quality_slices(q) + 1;
	struct quality_slice *s;
	int		 i;

	if (q->quality_since <= 0)
		q->quality_since = now;	/* counting (again) from here */
	for (i = 0; q->quality != NULL && i < QUEUE_SLICES; i++) {
		s = &q->quality[i];
		/* Counted on a clock that stepped back since: those slices
		 * alone go, not a day of counts for a second's step. */
		if (s->n > last) {
			s->n = -1;
			memset(&s->q, 0, sizeof(s->q));
			q->dirty = 1;
		} else if (s->n >= 0 && s->n < first &&
		    (quality_resolved(&s->q) > 0 || quality_ratings(&s->q) > 0)) {
			memset(&s->q, 0, sizeof(s->q));
			q->dirty = 1;
		}
	}
}

/* The quality slice of an event at ts; NULL when it left the ring. */
static struct quality_slice *
quality_at(struct queue *q, double ts)
{
	int64_t		 n = (int64_t)floor(ts / q->quality_width);
	struct quality_slice *s;
	int		 i;

	if (q->quality == NULL) {
		q->quality = xcalloc(QUEUE_SLICES, sizeof(*q->quality));
		for (i = 0; i < QUEUE_SLICES; i++)
			q->quality[i].n = -1;
	}
	s = &q->quality[n % QUEUE_SLICES];
	if (s->n > n)
		return NULL;
	if (s->n < n) {
		memset(s, 0, sizeof(*s));
		s->n = n;
	}
	return s;
}

/*
 * Whether a contact answered at ts after `wait` seconds met the norm:
 * within answer_within or max_wait, or for respond_within within its
 * budget of working time, counted in the queue's opening hours.
 */
static int
on_time(const struct queue *q, double ts, double wait)
{
	const struct hours_conf *h = q->conf->hours.to;
	const struct norm_conf *n;

	if (q->within > 0)
		return wait <= q->within;
	if ((n = config_queue_norm(q->conf, NORM_RESPOND_WITHIN)) == NULL)
		return 0;
	if (n->respond_workdays > 0)
		return ts <= calendar_add_workdays(h, ts - wait,
		    n->respond_workdays);
	/* Open time never exceeds the time passed; past the budget, only
	 * up to the next opening after it (no open time passes while closed).
	 * Both questions cost the budget's days, not the wait's, which the
	 * probe chooses. */
	if (wait <= n->respond_within)
		return 1;
	return ts <= calendar_next_open(h,
	    calendar_add_open(h, ts - wait, n->respond_within));
}

/*
 * Whether the norm report counts a contact that came in at `arrival`:
 * only while open, since a closed line has no norm to meet. Messages
 * for a respond_within queue all count: their clock runs in open time.
 */
static int
counts_open(const struct queue *q, double arrival)
{
	return config_queue_norm(q->conf, NORM_RESPOND_WITHIN) != NULL ||
	    open_at(q, arrival);
}

/* Counts one contact answered at ts that waited `wait` seconds. */
static void
answered(struct queue *q, struct slice *s, struct step *st, double wait,
    double ts)
{
	int	 within = on_time(q, ts, wait);

	s->answered++;
	s->answered_within += within;
	step_answered(st, wait, within, counts_open(q, ts - wait));
	/* Asterisk's holdtime: H <- (3H + w) / 4. */
	q->holdtime = isnan(q->holdtime) ? wait : (3 * q->holdtime + wait) / 4;
}

/* Counts one contact that gave up at ts after `wait` seconds. */
static void
abandoned(struct queue *q, struct slice *s, struct step *st, double wait,
    double ts)
{
	const struct norm_conf *n;
	int	 quick;

	n = config_queue_norm(q->conf, NORM_ANSWER_WITHIN);
	quick = n != NULL && wait < n->short_abandon;
	s->abandoned++;
	s->abandoned_short += quick;
	step_abandoned(st, wait, quick, counts_open(q, ts - wait));
}

/* join: the contact enters the waiting set. */
static int
join(struct queue *q, const struct payload *in, struct slice *s,
    struct step *st, double now, enum reject *why)
{
	double	*since;

	if (q->waiters == NULL)
		q->waiters = map_new();
	if (map_get(q->waiters, in->id) != NULL) {
		*why = REJECT_DUPLICATE_ID;
		return -1;
	}
	if (map_count(q->waiters) >= QUEUE_WAITERS_MAX) {
		*why = REJECT_TOO_MANY;
		return -1;
	}
	since = xmalloc(sizeof(*since));
	*since = in->ts;
	map_put(q->waiters, in->id, since);
	s->arrived++;
	step_arrived(st, 1, counts_open(q, in->ts));
	track_waiters(q, now);
	return 0;
}

/* leave: the contact's wait ends, answered, abandoned or passed on. */
static int
leave(struct queue *q, const struct payload *in, struct slice *s,
    struct step *st, double now, enum reject *why)
{
	double	*since, wait;

	/* Credit the growing longest wait while the leaver still counts. */
	if (q->waiters != NULL)
		hold(q, GAUGE_LONGEST_WAIT, now);
	if (q->waiters == NULL ||
	    (since = map_del(q->waiters, in->id)) == NULL) {
		*why = REJECT_UNKNOWN_ID;
		return -1;
	}
	wait = in->ts > *since ? in->ts - *since : 0;
	free(since);
	step_sample(&q->cur, GAUGE_LONGEST_WAIT, wait);
	if (in->outcome == OUTCOME_ANSWERED)
		answered(q, s, st, wait, in->ts);
	else if (in->outcome == OUTCOME_ABANDONED)
		abandoned(q, s, st, wait, in->ts);
	track_waiters(q, now);
	return 0;
}

int
queue_input(struct queue *q, enum metric m, const struct payload *in,
    double now, enum reject *why)
{
	struct slice	*s = NULL, spare = { 0 };
	struct quality_slice *qs;
	struct step	*st = NULL;
	/* A fast probe clock (ts up to PAYLOAD_FUTURE ahead) counts now: a
	 * slot ahead of now would wipe one still inside the window. */
	double		 ts = fmin(in->ts, now);

	roll(q, now);
	if (m < QUEUE_GAUGES) {
		if (q->waiters != NULL && (m == METRIC_WAITING ||
		    m == METRIC_LONGEST_WAIT)) {
			*why = REJECT_LIFECYCLE;
			return -1;
		}
		track(q, (int)m, in->value, now);
	} else if (m == METRIC_RESOLVED || m == METRIC_RATING) {
		if ((st = step_for(q, ts)) == NULL ||
		    (qs = quality_at(q, ts)) == NULL) {
			*why = REJECT_TOO_LATE;
			return -1;
		}
		quality_count(&qs->q, m, in);
		quality_count(&st->quality, m, in);
		if (q->quality_since <= 0)	/* before the first tick */
			q->quality_since = now;
	} else if ((s = slice_at(q, ts, &spare)) == NULL ||
	    (st = step_for(q, ts)) == NULL) {
		*why = REJECT_TOO_LATE;
		return -1;
	}

	switch (m) {
	case METRIC_ARRIVED:
		s->arrived += (uint32_t)in->value;
		step_arrived(st, (uint32_t)in->value, counts_open(q, ts));
		break;
	case METRIC_ANSWERED:
		answered(q, s, st, in->value, ts);
		break;
	case METRIC_ABANDONED:
		abandoned(q, s, st, in->value, ts);
		break;
	case METRIC_HANDLE_TIME:
		s->handled++;
		s->handle_sum += in->value;
		st->handled++;
		st->handle_sum += in->value;
		break;
	case METRIC_JOIN:
		if (join(q, in, s, st, now, why) == -1)
			return -1;
		break;
	case METRIC_LEAVE:
		if (leave(q, in, s, st, now, why) == -1)
			return -1;
		break;
	default:
		break;		/* gauges, stored above */
	}
	if (st == &q->prev)
		q->prev_blind = 0;	/* input landed: it is written */
	if (q->first_input == 0)
		q->first_input = now;
	q->updated = now;
	q->stale = 0;
	q->dirty = 1;
	return 0;
}

/* No input for 3 x interval of opening time: closed hours do not count. */
static int
is_stale(const struct queue *q, double now)
{
	double	 limit = 3 * q->conf->interval;
	/* Never any input: counted from when we began to watch, or a probe
	 * dead since before a restart would never be missed. */
	double	 last = q->updated > 0 ? q->updated : q->watched;

	/* Opening time cannot exceed the time passed: mostly, that settles
	 * it. Otherwise: stale once `limit` of opening time after the input
	 * lies behind us; a search as long as the limit, not the silence. */
	if (last == 0 || now - last <= limit)
		return 0;
	if (last >= q->cal_from && now <= q->cal_until)
		return q->cal_open;
	return now > calendar_next_open(q->conf->hours.to,
	    calendar_add_open(q->conf->hours.to, last, limit));
}

void
queue_tick(struct queue *q, double now)
{
	const char	*id;
	void		*val;
	size_t		 pos = 0;
	int64_t		 current = (int64_t)floor(now / q->width);
	int		 stale, open, dropped = 0;

	if (q->watched == 0)
		q->watched = now;
	roll(q, now);
	if (q->waiters != NULL) {
		/* A probe that lost a leave must not make the wait grow for
		 * ever. Deletion shifts a later member back into this slot:
		 * look at it again. */
		while (map_next(q->waiters, &pos, &id, &val))
			if (*(double *)val < now - QUEUE_WAITER_TTL) {
				free(map_del(q->waiters, id));
				pos--;
				dropped = 1;
			}
		if (dropped)
			track_waiters(q, now);	/* the history sees it too */
		if (map_count(q->waiters) > 0)
			q->dirty = 1;	/* longest_wait grows */
	}
	if (q->slices_head > current) {
		/* The wall clock stepped back (NTP at boot): counts from the
		 * "future" would block their slots, so start the window over. */
		clear_slices(q);
		q->dirty = 1;
	} else if (ring_slice(q, (int64_t)floor((now - q->window) /
	    q->width)) != NULL)
		q->dirty = 1;	/* counts leaving change the service level */
	quality_tick(q, now);
	/* Turning stale, opening and closing are news no input brings. */
	learn_hours(q, now);
	stale = is_stale(q, now);
	open = q->cal_open;
	if (stale != q->stale || open != q->open) {
		q->stale = stale;
		q->open = open;
		q->dirty = 1;
	}
}

/*
 * Arrivals and answers per second of opening time, over the part of the
 * window since the first input (a restart empties the window: counting
 * from its start would make the rates look low).
 */
static void
rates(const struct queue *q, double now, struct queue_view *v)
{
	double	 from, open;

	v->arrival_rate = v->answer_rate = NAN;
	if (q->first_input == 0)
		return;
	from = fmax(now - q->window, q->first_input);
	open = open_between(q, from, now);
	if (open < fmin(QUEUE_RATE_MIN, q->window))
		return;
	v->arrival_rate = v->arrived / open;
	v->answer_rate = v->answered / open;
}

/*
 * The quality window, as its whole, its last quarter (the recent trend)
 * and its first quarter (what leaves it while the next quarter comes).
 */
static void
quality_view(const struct queue *q, double now, struct queue_view *v)
{
	int64_t		 last = (int64_t)floor(now / q->quality_width);
	int64_t		 first = last - quality_slices(q) + 1;
	/* A quarter of its slices, rounded up: 16 of 63, 1 of 3. */
	int64_t		 quarter = (quality_slices(q) + 3) / 4;
	const struct quality_slice *s;
	int		 i;

	v->quality_window = q->quality_window;
	/* After a start or a reload the counts cover less. */
	v->quality_since = q->quality_since > now - q->quality_window ?
	    q->quality_since : 0;
	v->quality_recent_span = (double)quarter * q->quality_width;
	for (i = 0; q->quality != NULL && i < QUEUE_SLICES; i++) {
		s = &q->quality[i];
		if (s->n < first || s->n > last)
			continue;
		quality_add(&v->quality, &s->q);
		if (s->n > last - quarter)
			quality_add(&v->quality_recent, &s->q);
		if (s->n < first + quarter)
			quality_add(&v->quality_leaving, &s->q);
	}
}

void
queue_view(const struct queue *q, double now, struct queue_view *v)
{
	struct predict_in in;
	const struct norm_conf *n;
	int64_t		 last = (int64_t)floor(now / q->width);
	int64_t		 first = last - (int64_t)ceil(q->window / q->width) + 1;
	uint32_t	 abandoned_counted = 0, denominator, handled = 0;
	double		 handle_sum = 0;
	const struct slice *s;
	int64_t		 m;

	memset(v, 0, sizeof(*v));
	if (q->waiters != NULL) {
		v->waiting = (double)map_count(q->waiters);
		v->longest_wait = longest(q, now);
	} else {
		v->waiting = q->held[GAUGE_WAITING];
		v->longest_wait = q->held[GAUGE_LONGEST_WAIT];
	}
	v->agents = q->held[GAUGE_AGENTS];
	v->backlog = q->held[GAUGE_BACKLOG];
	v->oldest_age = q->held[GAUGE_OLDEST_AGE];
	for (m = first; m <= last; m++) {	/* fewer than QUEUE_SLICES */
		if ((s = ring_slice(q, m)) == NULL)
			continue;
		v->arrived += s->arrived;
		v->answered += s->answered;
		v->answered_within += s->answered_within;
		v->abandoned += s->abandoned;
		abandoned_counted += s->abandoned - s->abandoned_short;
		handled += s->handled;
		handle_sum += s->handle_sum;
	}
	v->handle_time = handled > 0 ? handle_sum / handled : NAN;
	quality_view(q, now, v);
	n = config_queue_norm(q->conf, NORM_ANSWER_WITHIN);
	denominator = v->answered;
	if (n != NULL && n->abandoned == ABANDON_COUNT)
		denominator += abandoned_counted;
	v->sl = n != NULL && denominator > 0 ?
	    100.0 * v->answered_within / denominator : NAN;
	rates(q, now, v);
	in = (struct predict_in){
		.arrival_rate = v->arrival_rate,
		.answer_rate = v->answer_rate,
		.handle_time = v->handle_time,
		.agents = v->agents,
		.waiting = v->waiting,
		.holdtime = q->holdtime,
		.backlog = v->backlog,
		.within = n != NULL ? n->answer_within : 0,
	};
	predict(&in, &v->pred);
	v->ewt = v->pred.ewt;
	v->open = open_at(q, now);
	v->stale = is_stale(q, now);
}

void
queue_evaluate(struct queue *q, double now, struct queue_view *v)
{
	double	 was = q->held[GAUGE_EWT];

	queue_view(q, now, v);
	if (v->ewt != was && !(isnan(v->ewt) && isnan(was)))
		track(q, GAUGE_EWT, v->ewt, now);
}

const char *
queue_alert_name(const struct queue_alert *qa)
{
	return qa->norm != NULL ? qa->norm->name : ALERT_FEED;
}

struct queue_alert *
queue_alert(struct queue *q, const char *name)
{
	size_t	 i;

	for (i = 0; i < q->nalerts; i++)
		if (strcmp(queue_alert_name(&q->alerts[i]), name) == 0)
			return &q->alerts[i];
	return NULL;
}

/* Notes the silence in force for qa; 1 when that changed. */
static int
see_silence(const struct queue *q, struct queue_alert *qa,
    const struct silences *ss, double now)
{
	const struct silence *s = silence_match(ss, q->conf->id,
	    queue_alert_name(qa), now);
	const char	*id = s != NULL ? s->id : "";

	if (strcmp(qa->silenced, id) == 0)
		return 0;
	snprintf(qa->silenced, sizeof(qa->silenced), "%s", id);
	return 1;
}

int
queue_judge(struct queue *q, const struct queue_view *v,
    const struct silences *ss, double now, int english)
{
	struct queue_alert *qa;
	struct judgement j;
	enum alert_state judged;
	size_t		 i;
	int		 changed = 0;

	for (i = 0; i < q->nalerts; i++) {
		qa = &q->alerts[i];
		if (qa->norm == NULL)
			alert_judge_feed(v, q->updated, q->conf->interval,
			    english, 0, &j);
		else
			alert_judge(qa->norm, q->conf->hours.to, v, now,
			    qa->a.state, english, 0, &j);
		/* Missing data judges no norm: the feed says it, once. */
		judged = !v->open ? ALERT_CLOSED : qa->norm != NULL &&
		    v->stale ? ALERT_UNKNOWN : j.level;
		/* Nor does it erase why an alert holds: its words are made
		 * now, from the look it holds by, before the others' next
		 * look replaces it (rare). */
		if (!(judged == ALERT_UNKNOWN && alert_active(qa->a.state))) {
			qa->j = (struct verdict){ j.value, j.threshold };
			q->look->words[i].current = qa->a.state;
			q->look->words[i].due = 1;
		} else
			make_reason(qa);
		if (alert_update(&qa->a, judged, now, qa->norm != NULL ?
		    qa->norm->hold : 0, qa->norm != NULL ?
		    qa->norm->clear_for : 0) | see_silence(q, qa, ss, now)) {
			qa->changed = 1;
			changed++;
			q->dirty = 1;
		}
	}
	/* The last look goes: no alert is due on it any more. */
	see(q->look, q, v, now, english);
	return changed;
}

/* A number, or null when unknown; tenths are plenty for seconds. */
static json_t *
num(double x)
{
	if (isnan(x))
		return json_null();
	x = round(x * 10) / 10;
	if (x == floor(x) && fabs(x) < 1e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* A prediction's method, or null when it made none. */
static json_t *
method(enum predict_method m)
{
	return m == PREDICT_NONE ? json_null() :
	    json_string(predict_method_name(m));
}

/* The share resolved at first contact in the quality window, against
 * the queue's direct_target; null with none resolved. */
static json_t *
direct_json(const struct queue *q, const struct queue_view *v)
{
	const struct norm_conf *n;
	json_t		*o;

	if (quality_resolved(&v->quality) == 0)
		return json_null();
	o = json_pack("{s:o, s:I, s:I, s:o}",
	    "value", num(quality_direct(&v->quality)),
	    "direct", (json_int_t)v->quality.direct,
	    "count", (json_int_t)quality_resolved(&v->quality),
	    "window", num(v->quality_window));
	if ((n = config_queue_norm(q->conf, NORM_DIRECT_TARGET)) != NULL)
		json_object_set_new(o, "target", num(n->direct_target));
	return o;
}

/*
 * Residents' ratings in the quality window: the average on the scale of
 * the queue's rating norm (else the scale most used), the share
 * positive, and the counts by score on each scale used; null without
 * ratings.
 */
static json_t *
rating_json(const struct queue *q, const struct queue_view *v)
{
	const struct quality *k = &v->quality;
	struct quality_norms qn;
	int		 scale, from_scale;
	double		 from;
	json_t		*o;

	if (quality_ratings(k) == 0)
		return json_null();
	config_quality_norms(q->conf, &qn);
	quality_reading(k, &qn, &scale, &from, &from_scale);
	o = json_pack("{s:o, s:i, s:I, s:o, s:o, s:i, s:o, s:o}",
	    "value", num(quality_average(k, scale)),
	    "scale", scale,
	    "count", (json_int_t)quality_ratings(k),
	    "positive", num(quality_positive(k, from, from_scale)),
	    "positive_from", num(from),
	    "positive_scale", from_scale,
	    "scores", quality_scores_json(k),
	    "window", num(v->quality_window));
	if (!isnan(qn.rating_target))
		json_object_set_new(o, qn.rating_share ? "positive_target" :
		    "target", num(qn.rating_target));
	return o;
}

/* An ISO 8601 time, or null for 0 (never). */
static json_t *
iso(double t)
{
	char	 buf[40];

	return t > 0 ? json_string(util_iso8601(t, buf, sizeof(buf))) :
	    json_null();
}

json_t *
queue_alert_json(const struct queue *q, const struct queue_alert *qa,
    const struct queue_view *v, const char *url_base)
{
	const char	*name = queue_alert_name(qa);
	const struct alert_ack *ack = &qa->a.ack;
	json_t		*o;
	char		*id, *url;

	xasprintf(&id, "%s/%s", q->conf->id, name);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o,"
	    " s:o, s:o, s:o, s:b, s:b}",
	    "id", id,
	    "queue", q->conf->id,
	    "label", q->conf->label != NULL ? q->conf->label : q->conf->id,
	    "norm", name,
	    "kind", qa->norm != NULL ? config_norm_kind_name(qa->norm->kind) :
	        ALERT_FEED,
	    "state", alert_state_name(qa->a.state),
	    "previous", alert_state_name(qa->a.previous),
	    "since", iso(qa->a.since),
	    "reason", queue_alert_reason(qa),
	    "value", num(qa->j.value),
	    "threshold", num(qa->j.threshold),
	    "ewt", num(v->ewt),
	    "sl", num(v->sl),
	    "acked", ack->at > 0,
	    "silenced", qa->silenced[0] != '\0');
	if (ack->at > 0)
		json_object_set_new(o, "ack", json_pack("{s:s, s:s, s:o, s:o}",
		    "by", ack->by, "comment", ack->comment, "at", iso(ack->at),
		    "expires", iso(ack->expires)));
	if (qa->silenced[0] != '\0')
		json_object_set_new(o, "silence", json_string(qa->silenced));
	if (url_base != NULL) {
		/* The queue's page on the dashboard. */
		xasprintf(&url, "%s/?queue=%s", url_base, q->conf->id);
		json_object_set_new(o, "url", json_string(url));
		free(url);
	}
	free(id);
	return o;
}

/* The queue's state: closed, stale, or its worst norm's. */
static const char *
queue_state(const struct queue *q, const struct queue_view *v)
{
	enum alert_state worst = ALERT_UNKNOWN, s;
	size_t		 i;

	if (!v->open)
		return alert_state_name(ALERT_CLOSED);
	if (v->stale)
		return alert_state_name(ALERT_STALE);
	for (i = 0; i < q->nalerts; i++) {
		s = q->alerts[i].a.state;
		if (s < ALERT_LEVELS && s > worst)
			worst = s;
	}
	return alert_state_name(worst);
}

json_t *
queue_json(const struct queue *q, double now)
{
	const struct norm_conf *n;
	struct queue_view v;
	json_t		*o, *sl = json_null(), *next_open;
	char		 iso[40];
	const char	*state;
	double		 t;

	queue_view(q, now, &v);
	n = config_queue_norm(q->conf, NORM_ANSWER_WITHIN);
	if (n != NULL)
		sl = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "value",
		    num(v.sl), "target", num(n->target), "within",
		    num(n->answer_within), "window", num(n->window),
		    "predicted", num(v.pred.sl), "predicted_by",
		    method(v.pred.sl_by));
	state = queue_state(q, &v);
	next_open = v.open ? json_null() : (t = calendar_next_open(
	    q->conf->hours.to, now), isnan(t) ? json_null() :
	    json_string(util_iso8601(t, iso, sizeof(iso))));
	o = json_pack("{s:s, s:s%, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:o,"
	    " s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o,"
	    " s:o, s:o, s:o, s:o}",
	    "id", q->conf->id,
	    "channel", q->conf->id, (size_t)(q->conf->name - q->conf->id - 1),
	    "name", q->conf->name,
	    "label", q->conf->label != NULL ? q->conf->label : q->conf->id,
	    "open", v.open,
	    "state", state,
	    "waiting", num(v.waiting),
	    "longest_wait", num(v.longest_wait),
	    "agents", num(v.agents),
	    "ewt", num(v.ewt),
	    "ewt_by", method(v.pred.ewt_by),
	    "overloaded", v.pred.overloaded,
	    "sl", sl,
	    "backlog", num(v.backlog),
	    "oldest_age", num(v.oldest_age),
	    "clear_in", num(v.pred.clear),
	    "clear_by", method(v.pred.clear_by),
	    "arrived", (json_int_t)v.arrived,
	    "answered", (json_int_t)v.answered,
	    "abandoned", (json_int_t)v.abandoned,
	    "window", num(q->window),
	    "handle_time", num(v.handle_time),
	    "direct", direct_json(q, &v),
	    "rating", rating_json(q, &v),
	    "next_open", next_open,
	    "updated", q->updated > 0 ?
	        json_string(util_iso8601(q->updated, iso, sizeof(iso))) :
	        json_null());
	return o;
}

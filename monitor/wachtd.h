/*
 * wachtd.h: the table of contents of wachtd. Shared types and every
 * cross-module prototype, grouped by the file that defines them.
 *
 * Who knows whom (DESIGN §9): wachtd.c wires the rooms together. The core
 * (config, ingest, queue, and the pure parse.h/payload.h) knows no
 * transport and no clock; the transports (mqtt, http) know no core; api.c
 * is the one adapter that reads core state for HTTP.
 */
#ifndef WACHTD_H
#define WACHTD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "payload.h"
#include "predict.h"

#define WACHTD_VERSION	"0.1.0"

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif
#define PRINTFLIKE(f, a) __attribute__((__format__(printf, f, a)))

struct event_base;
struct evhttp_request;

/* ------------------------------------------------------------------ */
/* config.c: wachtd.conf, parsed and checked in two passes */

#define HOURS_RANGES_MAX 8	/* opening ranges per weekday */

/* A named reference from one section to another, checked in pass 2. */
struct ref {
	char		*name;
	int		 line;
	const void	*to;		/* resolved section, NULL until then */
};

struct reflist {
	struct ref	*refs;
	size_t		 n;
};

struct date_range {
	int		 from, to;	/* YYYYMMDD, inclusive */
};

struct hours_conf {
	char		*name;
	int		 line;
	int		 open[7][HOURS_RANGES_MAX][2]; /* [tm_wday][i]: minutes */
	int		 nopen[7];
	unsigned	 holidays;	/* bit (1 << enum holiday) when closed */
	struct date_range *closed;
	size_t		 nclosed;
};

/* Dutch public holidays (LIBRARIES.md), each switchable. */
enum holiday {
	HOLIDAY_NIEUWJAARSDAG,
	HOLIDAY_GOEDE_VRIJDAG,
	HOLIDAY_EERSTE_PAASDAG,
	HOLIDAY_TWEEDE_PAASDAG,
	HOLIDAY_KONINGSDAG,
	HOLIDAY_BEVRIJDINGSDAG,
	HOLIDAY_HEMELVAARTSDAG,
	HOLIDAY_EERSTE_PINKSTERDAG,
	HOLIDAY_TWEEDE_PINKSTERDAG,
	HOLIDAY_EERSTE_KERSTDAG,
	HOLIDAY_TWEEDE_KERSTDAG,
	HOLIDAY_COUNT
};

enum norm_kind {
	NORM_NONE,		/* not yet known while parsing */
	NORM_ANSWER_WITHIN,	/* target% answered within answer_within */
	NORM_MAX_WAIT,		/* nobody waits longer than max_wait */
	NORM_RESPOND_WITHIN,	/* oldest item younger than respond_within */
	NORM_DIRECT_TARGET,	/* direct_target% resolved at first contact */
	NORM_RATING_TARGET	/* residents' average score, or share positive */
};

/* How abandoned contacts count in the service level (LIBRARIES.md). */
enum abandon_rule {
	ABANDON_IGNORE,		/* answered within T / answered (Asterisk) */
	ABANDON_COUNT		/* within T / (answered + abandoned past short) */
};

struct norm_conf {
	char		*name;
	int		 line;
	enum norm_kind	 kind;
	double		 answer_within;	/* s */
	double		 target;	/* % */
	double		 window;	/* s: rolling service-level window */
	double		 hold;		/* s: "for", before notifying */
	double		 clear_for;	/* s: before clearing */
	double		 max_wait;	/* s */
	double		 respond_within; /* s of working time, or ... */
	int		 respond_workdays; /* ... whole working days */
	double		 warn_at;	/* %: "at risk" share of the limit */
	enum abandon_rule abandoned;
	double		 short_abandon;	/* s: quicker abandons never count */
	double		 direct_target;	/* % */
	double		 rating_target;	/* a score on rating_scale, or ... */
	int		 rating_scale;	/* 5 (1-5) or 10 (0-10) */
	int		 rating_share;	/* ... % of ratings at positive_from */
	double		 positive_from;	/* a score on positive_scale */
	int		 positive_scale;
	int		 min_count;	/* fewer in the window: not judged */
};

struct notify_conf {
	char		*name;
	int		 line;
	char		*webhook;
	char		*alertmanager;
	char		*email;		/* space-separated addresses */
	char		*smtp;
	char		*from;
	struct ref	 hours;
	double		 repeat;
	double		 escalate_after;
	struct ref	 escalate_to;
};

struct queue_conf {
	char		*id;		/* CHANNEL/NAME */
	char		*name;		/* points into id after the '/' */
	int		 line;
	char		*label;
	struct ref	 hours;
	struct reflist	 norms;
	struct reflist	 notify;
	int		 public;
	double		 interval;	/* s between probe publishes */
	char		*topic[METRIC_COUNT]; /* foreign topic, or NULL */
	int		 topic_line[METRIC_COUNT];
};

struct mqtt_conf {
	char		*host;
	int		 port;
	char		*prefix;
	char		*client_id;
	char		*username;
	char		*password_file;
	char		*tls_ca;
	char		*tls_cert;
	char		*tls_key;
	int		 qos;
	int		 keepalive;	/* s */
	char		*status_topic;	/* online/offline; NULL: P/out/status */
};

struct listen_conf {
	char		 host[64];
	int		 port;		/* 0: not configured */
};

/* A user of the internal listener, from [http] auth_file. */
struct auth_user {
	char		*name;
	char		*hash;		/* crypt(3): $y$, $2b$, $6$, $5$ */
};

struct config {
	char		*path;
	char		*state_dir;
	double		 step;		/* s */
	char		*timezone;
	char		*rrdcached;
	char		*language;	/* "nl" or "en" */
	struct mqtt_conf mqtt;
	struct listen_conf listen;
	struct listen_conf public_listen;
	char		*url;		/* how staff reach listen, for links */
	char		*auth_file;	/* NULL: listen asks nobody */
	int		 public_experience; /* the last quarter on /public/ */
	struct auth_user *users;	/* read from auth_file */
	size_t		 nusers;
	struct hours_conf *hours;
	size_t		 nhours;
	struct norm_conf *norms;
	size_t		 nnorms;
	struct notify_conf *notifies;
	size_t		 nnotifies;
	struct queue_conf *queues;
	size_t		 nqueues;
};

/* Receives each error already formatted as "FILE:LINE: message". */
typedef void	(*config_error_cb)(const char *msg, void *arg);

/* Parses and checks path; NULL after reporting every error through cb. */
struct config	*config_load(const char *path, config_error_cb cb, void *arg);
void		 config_free(struct config *);
/* [http] url without a trailing '/', or "http://HOST:PORT" of listen:
 * the base of links in alerts. */
char		*config_url(const struct config *, char *buf, size_t len);
/* The crypt(3) hash of user's password, NULL for no such user; for
 * user NULL the first user's (NULL without users). */
const char	*config_user_hash(const struct config *, const char *user);
/* "answer_within", "max_wait", "respond_within", "direct_target",
 * "rating_target". */
const char	*config_norm_kind_name(enum norm_kind);
struct quality_norms;
/* Its direct_target and rating_target norms, copied. */
void		 config_quality_norms(const struct queue_conf *,
		    struct quality_norms *);
/* The first norm of a queue of the given kind, or NULL. */
const struct norm_conf *config_queue_norm(const struct queue_conf *,
		    enum norm_kind);
/* The [mqtt] section for the probes, read by the daemon's rules. */
void		 config_mqtt_defaults(struct mqtt_conf *, const char *client_id);
/* One key of it; -1 with why ("FILE:LINE: " is the caller's). */
int		 config_mqtt_key(struct mqtt_conf *, const char *name,
		    const char *value, char *why, size_t len);
void		 config_mqtt_free(struct mqtt_conf *);
/* Nonzero when reconnecting to the broker is needed for the change. */
int		 config_mqtt_changed(const struct config *, const struct config *);

/* ------------------------------------------------------------------ */
/* map.c: string-keyed hash table (linear probing, keys copied) */

struct map;
struct map	*map_new(void);
/* Frees the table; calls freeval on each value when not NULL. */
void		 map_free(struct map *, void (*freeval)(void *));
void		*map_get(const struct map *, const char *key);
/* Inserts or replaces; returns the value replaced, or NULL. */
void		*map_put(struct map *, const char *key, void *val);
/* Removes key; returns its value, or NULL. */
void		*map_del(struct map *, const char *key);
size_t		 map_count(const struct map *);
/* Iterates: start *pos at 0; returns 0 at the end. */
int		 map_next(const struct map *, size_t *pos, const char **key,
		    void **val);

/* ------------------------------------------------------------------ */
/* quality.c: how well contacts were served, beside how fast */

#define QUALITY_SCORES5	 5	/* 1 to 5 */
#define QUALITY_SCORES10 11	/* 0 to 10, as NPS questions ask */

/* Finished contacts resolved at first contact or not, and residents'
 * ratings by score: counts, so any period adds up exactly. */
struct quality {
	uint32_t	 direct;
	uint32_t	 indirect;
	uint32_t	 score5[QUALITY_SCORES5];	/* [score - 1] */
	uint32_t	 score10[QUALITY_SCORES10];	/* [score] */
};

/* What a queue's direct_target and rating_target ask, copied: the worker
 * reads them while a reload may free the configuration. */
struct quality_norms {
	double		 direct_target;	/* %; NAN: no such norm */
	double		 rating_target;	/* a score, or a %; NAN: none */
	int		 rating_scale;	/* 5 or 10 */
	int		 rating_share;	/* rating_target is a % positive */
	double		 positive_from;	/* a score on positive_scale */
	int		 positive_scale;
};

/* How ratings are read under q (NULL: no norms): the scale the average
 * is given on and the score that counts as positive. Without a rating
 * norm: the scale most came on, and 4 of 5 and up. */
void		 quality_reading(const struct quality *,
		    const struct quality_norms *q, int *scale, double *from,
		    int *from_scale);
/* Counts a parsed resolved or rating input; other metrics are ignored. */
void		 quality_count(struct quality *, enum metric,
		    const struct payload *);
void		 quality_add(struct quality *, const struct quality *);
void		 quality_sub(struct quality *, const struct quality *);
uint32_t	 quality_resolved(const struct quality *);
uint32_t	 quality_ratings(const struct quality *);
/* % resolved at first contact; NAN with none resolved. */
double		 quality_direct(const struct quality *);
/* The scale most ratings were given on: 5, or 10. */
int		 quality_scale(const struct quality *);
/* The average score on scale (5 or 10), the other scale's scores taken
 * at the same point of their range; NAN without ratings. */
double		 quality_average(const struct quality *, int scale);
/* A score on scale `from` at the same point of scale `to`: 4 of 5 is
 * 7.5 of 10. */
double		 quality_rescale(double score, int from, int to);
/* % of ratings at or above score `from` on scale; NAN without any. */
double		 quality_positive(const struct quality *, double from,
		    int scale);
/* {"5": [n1..n5], "10": [n0..n10]}, each scale only when rated on. */
json_t		*quality_scores_json(const struct quality *);
/* The figure norm n (direct_target, rating_target) holds against its
 * target, and in *count how many contacts or ratings it is made of. */
double		 quality_figure(const struct quality *,
		    const struct norm_conf *n, uint32_t *count);

/* ------------------------------------------------------------------ */
/* step.c: one RRD step of one queue, aggregated in memory */

/* Gauges kept per step: the probe's five, in enum metric order, and ewt. */
enum gauge {
	GAUGE_WAITING,
	GAUGE_LONGEST_WAIT,
	GAUGE_AGENTS,
	GAUGE_BACKLOG,
	GAUGE_OLDEST_AGE,
	GAUGE_EWT,
	STEP_GAUGES
};

struct step {
	int64_t		 n;		/* n * len; -1: not open */
	double		 start;		/* watched from: n * len, or a start */
	double		 end;		/* watched to: n * len + len, or a stop */
	double		 len;		/* s: [daemon] step */
	uint32_t	 arrived;
	uint32_t	 answered;
	uint32_t	 answered_within;
	uint32_t	 abandoned;
	uint32_t	 handled;
	double		 wait_sum;	/* s, of the answered */
	double		 wait_max;
	double		 handle_sum;	/* s */
	double		 gauge_sum[STEP_GAUGES];  /* value x seconds held */
	double		 gauge_secs[STEP_GAUGES]; /* seconds with a value */
	double		 gauge_max[STEP_GAUGES];  /* NAN: never known */
	/* The contacts the norm report counts: those that came in while
	 * open (respond_within queues: all, their clock runs in open time). */
	uint32_t	 open_arrived;
	uint32_t	 open_answered;
	uint32_t	 open_within;
	uint32_t	 open_abandoned;
	uint32_t	 open_short;	/* abandoned quicker than short_abandon */
	double		 open_wait_sum;	/* s, of the answered */
	double		 open_wait_max;	/* s, answered or abandoned */
	double		 open_secs;	/* opening time in [start, end) */
	struct quality	 quality;	/* of all, open or not */
	int		 unwatched;	/* began before the daemon watched:
					 * only late input in it, none seen */
};

/* Opens step n; held[] are the values carried in (NULL: none known). */
void		 step_open(struct step *, int64_t n, double len,
		    const double *held);
/* Value v was held from `from` to `to` (clipped to the step). */
void		 step_hold(struct step *, int g, double v, double from,
		    double to);
/* v was seen: it counts for the maximum only. */
void		 step_sample(struct step *, int g, double v);
/* Time-weighted average, NAN without any value held. */
double		 step_gauge_avg(const struct step *, int g);
/* Counts one contact; `open`: it came in while open (see above). */
void		 step_arrived(struct step *, uint32_t n, int open);
void		 step_answered(struct step *, double wait, int within, int open);
void		 step_abandoned(struct step *, double wait, int quick, int open);

/* ------------------------------------------------------------------ */
/* alert.c: a norm judged against a queue's view, and the alert state it
 * keeps (DESIGN §7). Pure: the caller hands in now. */

/* In order of severity up to critical; stale and closed stand apart. */
enum alert_state {
	ALERT_UNKNOWN,		/* nothing to judge by yet */
	ALERT_OK,
	ALERT_WARNING,		/* at risk */
	ALERT_CRITICAL,		/* breached */
	ALERT_STALE,		/* the feed: no input for 3 x interval, open */
	ALERT_CLOSED		/* outside opening hours: no alerts */
};
#define ALERT_LEVELS	(ALERT_CRITICAL + 1)
/* The alert of a queue's feed, beside its norms' (a reserved norm name). */
#define ALERT_FEED	"feed"
/* A level is left only once its figure is back by this share of the
 * limit: 5% of an 80% target is 84%, of a 10 min wait 9 min 30 s. */
#define ALERT_HYSTERESIS 0.05

#define JUDGEMENT_REASON 256	/* bytes of a reason, with its NUL */

/* What one look at a norm found. */
struct judgement {
	enum alert_state level;		/* unknown, ok, warning, critical */
	double		 value;		/* the figure that decided, or NAN */
	double		 threshold;	/* the limit it was held against */
	char		 reason[JUDGEMENT_REASON]; /* a sentence for staff */
};

/* What an alert keeps of its last judgement besides the state: the
 * sentence costs 256 bytes and is made again from the look when someone
 * asks for it. */
struct verdict {
	double		 value;
	double		 threshold;
};

struct queue_view;

/* Judges norm n for a queue open by hours (NULL: always) as seen in v;
 * `current` is the alert's state, for the hysteresis. Without `words`
 * the reason is left empty: the level costs a fraction of the sentence. */
void		 alert_judge(const struct norm_conf *n,
		    const struct hours_conf *hours, const struct queue_view *v,
		    double now, enum alert_state current, int english,
		    int words, struct judgement *out);

/* The feed of a queue whose last input came at `updated` (0: never),
 * expected every `interval`: stale (per v), ok, or unknown. */
void		 alert_judge_feed(const struct queue_view *v, double updated,
		    double interval, int english, int words,
		    struct judgement *out);

/*
 * One alert: a norm of a queue, or the queue's feed. A judged level must
 * hold for `hold` ("for") before the state takes it, a better one for
 * `clear_for`; unknown never moves the state (missing data resolves
 * nothing) and restarts both clocks; closed is taken at once.
 */
#define ALERT_TEXT	200	/* bytes of an ack's who and comment, at most */

/*
 * Someone took it on: repeats and escalation stop (at 0: nobody). Its
 * texts are the alert's own heap strings, there only while an ack holds
 * (at > 0; comment "" when none was given) and NULL otherwise: few
 * alerts are ever acknowledged. Whoever drops an alert calls alert_free;
 * a copy that outlives a moment is made with alert_copy, not `=`.
 */
struct alert_ack {
	double		 at;
	double		 expires;	/* 0: until the alert clears */
	enum alert_state state;		/* acknowledged; worse clears it */
	char		*by;
	char		*comment;
};

struct alert {
	enum alert_state state;
	enum alert_state previous;
	double		 since;		/* in state since */
	double		 at_least[ALERT_LEVELS]; /* judged >= level since */
	double		 at_most[ALERT_LEVELS];	 /* judged <= level since */
	struct alert_ack ack;
};

void		 alert_init(struct alert *, double now);
/* Frees what the alert holds (its ack's texts) and leaves it without an
 * ack; the struct itself is the caller's. */
void		 alert_free(struct alert *);
/* *dst = *src with texts of its own; dst (initialised) loses its old. */
void		 alert_copy(struct alert *dst, const struct alert *src);
/* Takes the level judged at now; 1 when the state changed, or an ack
 * ended (expired, the state worse or back to ok). */
int		 alert_update(struct alert *, enum alert_state judged,
		    double now, double hold, double clear_for);
/* Whether the state is one someone can take on: warning, critical,
 * stale. */
int		 alert_active(enum alert_state);
/* "kritiek", "waarschuwing", ... or in English: for people. */
const char	*alert_state_word(enum alert_state, int english);
/* Acknowledges the current state; -1 with *why when it is not active or
 * who is missing. comment may be NULL; expires 0 for no expiry. by and
 * comment are copied; an earlier ack's texts are freed. */
int		 alert_ack(struct alert *, const char *by, const char *comment,
		    double expires, double now, const char **why);
const char	*alert_state_name(enum alert_state);

/* ------------------------------------------------------------------ */
/* silence.c: silences (DESIGN §6): alerts that match one are evaluated and
 * shown as always, but nobody is notified of them */

#define SILENCE_MAX	 1000	/* a runaway script cannot fill memory */
#define SILENCE_TEXT	 200	/* bytes of `by` and `reason` */

struct silence {
	char		 id[20];	/* "s" and a number, unique per daemon */
	char		*queue;		/* glob over CHANNEL/NAME: "telefoon/ *" */
	char		*norm;		/* glob over the norm name, or "feed" */
	double		 starts;
	double		 ends;
	double		 created;
	char		*by;
	char		*reason;
};

struct silences {
	struct silence	*list;
	size_t		 n;
	unsigned long	 next_id;
};

/* What a silence is made from: an API body or the saved state. */
struct silence_spec {
	const char	*id;		/* NULL: a new one, numbered here */
	const char	*queue;
	const char	*norm;
	const char	*by;
	const char	*reason;
	double		 starts;
	double		 ends;
	double		 created;	/* 0: now */
};

/* Adds a silence made from sp; -1 with *why when a field is missing or
 * wrong, or when there are SILENCE_MAX already. */
int		 silence_add(struct silences *, const struct silence_spec *sp,
		    double now, const char **why, struct silence **added);
/* Removes the silence with this id; -1 when there is none. */
int		 silence_del(struct silences *, const char *id);
/* The first silence in force at now for this queue and norm, or NULL. */
const struct silence *silence_match(const struct silences *,
		    const char *queue, const char *norm, double now);
/* Drops the silences that ended before now; how many. */
size_t		 silence_expire(struct silences *, double now);
void		 silence_clear(struct silences *);
json_t		*silence_json(const struct silence *);
/* A silence from the API's JSON body or the saved state; -1 with *why.
 * The strings are the object's. */
int		 silence_from_json(const json_t *, double now,
		    struct silence_spec *out, const char **why);

/* ------------------------------------------------------------------ */
/* notice.c: who has been told what about an alert, and what to tell them
 * next (DESIGN §7: for, repeat, escalate_after, hours). Pure: now is given. */

enum notice_event {
	NOTICE_NONE,
	NOTICE_FIRING,		/* the trouble, told for the first time */
	NOTICE_CHANGED,		/* told, and now another level of it */
	NOTICE_REPEAT,		/* told, unacknowledged, `repeat` ago */
	NOTICE_RESOLVED,	/* told, and over */
	NOTICE_ESCALATE,	/* told, unacknowledged, `escalate_after` ago:
				 * to escalate_to as well */
	NOTICE_ENDED		/* told, and the queue closed: ended without
				 * a word to people (Alertmanager is told) */
};

/* One [notify] section's view of one alert. */
struct notice {
	char		 to[65];	/* the [notify] name: kept over reloads */
	enum alert_state told;		/* what it was told; ALERT_OK: nothing */
	double		 first;		/* told of this trouble since */
	double		 last;		/* last sent */
	int		 escalated;	/* escalate_to was told as well */
	double		 refreshed;	/* last posted to Alertmanager */
};

/* What to send now to section t (NULL hours: always there) about alert
 * a; updates n as if it was sent. Call again until NOTICE_NONE. */
enum notice_event notice_next(struct notice *n, const struct notify_conf *t,
		    const struct alert *a, int silenced, double now);
const char	*notice_event_name(enum notice_event);

/* ------------------------------------------------------------------ */
/* queue.c: live state of one queue, a pure function of inputs and now */

#define QUEUE_SLICES	 64	/* resolution of the rolling window */
#define QUEUE_WAITERS_MAX 10000	/* per lifecycle queue */
#define QUEUE_WAITER_TTL (12 * 3600.0) /* a join never left is dropped */
#define QUEUE_OUTBOX	 4	/* finished steps waiting for the store */
#define QUEUE_RATE_MIN	 60.0	/* s of opening time before rates count */

/* An alert of a queue: of one of its norms, or of its feed. */
struct queue_alert {
	const struct norm_conf *norm;	/* NULL: the feed */
	struct alert	 a;
	struct verdict	 j;		/* the last look's, without words */
	struct look_back *look;		/* the queue's last look and the
					 * alerts' words: queue_alert_reason */
	int		 changed;	/* state changed since published */
	char		 silenced[20];	/* the silence in force, or "" */
	struct notice	*notices;	/* one per [notify] of the queue */
	size_t		 nnotices;
};

/* Counts of one time slice of the rolling window: slice number m (time /
 * width) is queue's slices[m % QUEUE_SLICES] while its head holds it and
 * its used bit is set; a slot is cleared when a slice takes it. */
struct slice {
	uint32_t	 arrived;
	uint32_t	 answered;
	uint32_t	 answered_within;
	uint32_t	 abandoned;
	uint32_t	 abandoned_short;
	uint32_t	 handled;
	double		 handle_sum;
};

/* The rolling window of the quality norms: longer, so a ring of its own,
 * made at the first resolved or rating input. */
struct quality_slice {
	int64_t		 n;		/* time / quality_width */
	struct quality	 q;
};

/* The gauges a probe may publish, in enum metric order. */
#define QUEUE_GAUGES	(METRIC_OLDEST_AGE + 1)

struct queue {
	const struct queue_conf *conf;
	double		 within;	/* s: answer_within of its norm */
	double		 window;	/* s */
	double		 width;		/* s per slice */
	struct slice	 slices[QUEUE_SLICES];
	int64_t		 slices_head;	/* newest slice number in use, -1 none:
					 * slices holds it and the 63 before */
	uint64_t	 slices_used;	/* bit m % QUEUE_SLICES: slice m of
					 * those is in use (counted or not) */
	double		 quality_window;	/* s */
	double		 quality_width;		/* s per quality slice */
	struct quality_slice *quality;		/* QUEUE_SLICES, or NULL */
	double		 quality_since;	/* counted from: the first tick
					 * after a start or a reload */
	struct map	*waiters;	/* id -> join time; lifecycle only */
	struct step	 cur;		/* the step in progress */
	struct step	 prev;		/* the step before, open for late input */
	int		 prev_blind;	/* prev began before we watched: no input */
	double		 held[STEP_GAUGES];	/* values as held now, NAN
						 * until known; ewt is the last
						 * prediction (queue_evaluate) */
	double		 held_since[STEP_GAUGES];
	double		 step_len;	/* s: [daemon] step */
	/* Finished steps, to write: QUEUE_OUTBOX of them, made when one
	 * finishes and freed when the store has taken them, because that
	 * is the next tick: kept, they were a quarter of a queue. */
	struct step	*outbox;
	int		 noutbox;
	uint64_t	 steps_lost;	/* outbox overflowed: loop stalled */
	double		 holdtime;	/* s: Asterisk's average wait, NAN */
	double		 first_input;	/* 0 = never: rates count from here */
	double		 watched;	/* the first tick: staleness without input */
	double		 updated;	/* last accepted input, 0 = never */
	double		 published;	/* last state publish */
	int		 dirty;		/* changed since published */
	int		 stale;		/* as of the last tick or input */
	int		 open;		/* as of the last tick */
	/* Its norms' alerts in the order of its `norm` key, then its feed's
	 * (ALERT_FEED); `changed` marks those to publish. */
	struct queue_alert *alerts;
	size_t		 nalerts;
	struct look_back *look;		/* the last look its alerts saw, and
					 * their reasons (queue.c) */
	double		 cal_from;	/* open is cal_open from cal_from ... */
	double		 cal_until;	/* ... until here (learn_hours) */
	int		 cal_open;
};

/* What a reader sees at `now`; NAN for unknown numbers. */
struct queue_view {
	double		 waiting;
	double		 longest_wait;
	double		 agents;
	double		 backlog;
	double		 oldest_age;
	double		 ewt;
	double		 sl;		/* % answered within, NAN if none */
	uint32_t	 arrived;	/* in the window */
	uint32_t	 answered;
	uint32_t	 answered_within;
	uint32_t	 abandoned;
	double		 handle_time;	/* s, average in the window */
	/* Over the quality window: all of it, its last quarter, and its
	 * first quarter, which leaves while the next one comes in. */
	struct quality	 quality;
	struct quality	 quality_recent;
	struct quality	 quality_leaving;
	double		 quality_window;	/* s */
	double		 quality_since;		/* counted from, if later than
						 * the window's start; else 0 */
	double		 quality_recent_span;	/* s */
	int		 open;		/* within opening hours */
	int		 stale;
	/* Recent rates, per second of opening time in the window; NAN with
	 * less than QUEUE_RATE_MIN of it seen. */
	double		 arrival_rate;
	double		 answer_rate;
	struct prediction pred;		/* ewt is pred.ewt */
};

struct queue	*queue_new(const struct queue_conf *, double step);
void		 queue_free(struct queue *);
/* Points q at a changed section; keeps the window if its shape holds. */
void		 queue_reconfigure(struct queue *, const struct queue_conf *,
		    double step);
/* Applies one parsed input; -1 with *why when the queue refuses it. */
int		 queue_input(struct queue *, enum metric,
		    const struct payload *, double now, enum reject *why);
/* Ages the waiting set; marks state that moves with the clock. */
void		 queue_tick(struct queue *, double now);
/* Moves the RRD steps on to now (also done by every input). */
void		 queue_roll(struct queue *, double now);
/* SIGUSR1: every completed step, also the one still open for late input. */
void		 queue_flush(struct queue *, double now);
/* SIGTERM: queue_flush, and the current step as it stands at now. */
void		 queue_close(struct queue *, double now);
/* Takes the oldest finished step to write; 0 when there is none. */
int		 queue_take_step(struct queue *, struct step *out);
void		 queue_view(const struct queue *, double now,
		    struct queue_view *);
/* queue_view after input or a tick; the history keeps its ewt. */
void		 queue_evaluate(struct queue *, double now,
		    struct queue_view *);
/* Judges q's norms and feed on v (queue_evaluate's), in English or not,
 * and sees which silences hold; the number of alerts whose state, ack
 * or silence changed, marked `changed`. */
int		 queue_judge(struct queue *, const struct queue_view *,
		    const struct silences *, double now, int english);
/* "telefoon" or "feed". */
const char	*queue_alert_name(const struct queue_alert *);
/* Why the alert holds, in a sentence: made from its last look when first
 * asked for. */
const char	*queue_alert_reason(const struct queue_alert *);
/* As restored from alerts.json. */
void		 queue_alert_set_reason(struct queue_alert *, const char *);
/* The alert object of DESIGN §7; url_base NULL leaves url out. */
json_t		*queue_alert_json(const struct queue *,
		    const struct queue_alert *, const struct queue_view *,
		    const char *url_base);
/* The alert of q named "telefoon" or "feed"; NULL when none. */
struct queue_alert *queue_alert(struct queue *, const char *name);
/* The QUEUE object of the HTTP and MQTT contract. */
json_t		*queue_json(const struct queue *, double now);

/* ------------------------------------------------------------------ */
/* persist.c: alert states, acks and silences across restarts */

struct persist_copy;

/* Writes them all to path (temporary file, rename; fsync if durable);
 * -1 after logging. */
int		 persist_save(const char *path, const struct map *queues,
		    const struct silences *, double now, int durable);
/* persist_save in two halves: a copy taken in the loop, written by any
 * thread (persist_write touches nothing else), then freed. */
struct persist_copy *persist_copy(const char *path, const struct map *queues,
		    const struct silences *, double now);
int		 persist_write(struct persist_copy *, int durable);
void		 persist_free(struct persist_copy *);
/* Restores what path holds into the configured queues' alerts and the
 * silences; a missing file is no error, a corrupt one is moved aside. */
int		 persist_load(const char *path, struct map *queues,
		    struct silences *, double now);

/* ------------------------------------------------------------------ */
/* notify.c: notifications out: P/out/notify, webhooks, e-mail, Alertmanager */

struct notify;
struct mq;

struct notify_stats {
	uint64_t	 sent;		/* delivered */
	uint64_t	 retried;	/* attempts that failed and were retried */
	uint64_t	 failed;	/* given up */
	uint64_t	 dropped;	/* the queue was full */
	size_t		 queued;	/* waiting or in flight now */
};

struct notify	*notify_new(struct event_base *);
/* Cancels what is still on its way. */
void		 notify_free(struct notify *);
/* Tells every [notify] section of q what it should hear now about qa
 * (notice.c), on MQTT and its own channels; how many events. */
int		 notify_alert(struct notify *, struct mq *,
		    const struct config *, const struct queue *,
		    struct queue_alert *, const struct queue_view *,
		    double now);
void		 notify_stats(const struct notify *, struct notify_stats *);

/* ------------------------------------------------------------------ */
/* ingest.c: topic to queue and metric, payload to value, counted */

struct ingest {
	char		*in_prefix;	/* "P/in/" */
	size_t		 in_len;
	struct map	*queues;	/* id -> struct queue (not owned) */
	struct map	*foreign;	/* topic -> struct route (owned) */
	double		 step;
	uint64_t	 accepted;
	uint64_t	 rejected[REJECT_COUNT];
};

struct ingest	*ingest_new(const struct config *, struct map *queues);
void		 ingest_free(struct ingest *);
/*
 * Routes and applies one message. Returns the queue it changed, or NULL
 * with *why set (the reject is already counted).
 */
struct queue	*ingest_message(struct ingest *, const char *topic,
		    const void *payload, size_t len, double now,
		    enum reject *why);
/* The topics to subscribe for the configured queues (caller frees). */
char		**ingest_topics(const struct config *, size_t *n);

/* ------------------------------------------------------------------ */
/* store.c: RRD history written by one thread, off the loop */

struct store;
struct store_stats {
	uint64_t	 queued;	/* steps handed over */
	uint64_t	 writes;	/* RRD updates done */
	uint64_t	 errors;	/* RRD updates that failed */
	uint64_t	 refused;	/* steps for files left alone */
	uint64_t	 skipped;	/* steps older than their file */
	uint64_t	 dropped;	/* steps beyond the queue's bound */
	double		 write_max;	/* s, the slowest update */
	double		 write_time;	/* s, all updates together */
	size_t		 pending;	/* queued, not yet written */
};

/* Creates state_dir/rrd; -1 (logged) when it cannot be written. */
int		 store_prepare(const char *state_dir);
/* Starts the writer thread for state_dir/rrd, through rrdcached if set. */
struct store	*store_new(const char *state_dir, double step,
		    const char *rrdcached);
/* Writes what is queued, then stops the thread and frees. */
void		 store_free(struct store *);
/* Adds one finished step of queue id to the loop's batch. */
void		 store_put(struct store *, const char *id, const struct step *);
/* Hands the batch to the writer: one lock, never waiting on I/O. */
void		 store_commit(struct store *);
/*
 * The journal of steps held for late input (state_dir/steps.journal),
 * written by the writer after each tick: begin, add each, end. A clean
 * stop removes it; at the next start after kill -9, restore hands its
 * steps of queues still configured to the store.
 */
void		 store_journal_begin(struct store *);
void		 store_journal_add(struct store *, const char *id,
		    const struct step *);
void		 store_journal_end(struct store *);
int		 store_journal_restore(struct store *, const struct map *);
/* Asks rrdcached at daemon to write path out, for a reader; -1 when it
 * cannot be asked (the file then has what it has). */
int		 store_flush_file(const char *daemon, const char *path);
/* librrd's one rrdcached connection, shared with graph rendering. */
void		 store_rrdc_lock(void);
void		 store_rrdc_unlock(void);
/* Waits until everything committed is written, and flushed (SIGUSR1);
 * from a thread other than the loop, which it would hold up. */
void		 store_sync(struct store *);
void		 store_stats(struct store *, struct store_stats *);

/* ------------------------------------------------------------------ */
/* graph.c: RRD graphs rendered in one thread, cached per step */

#define GRAPH_KEY_MAX	512

/* Which norm line a metric's graph carries. */
enum graph_norm {
	GRAPH_NORM_NONE,
	GRAPH_NORM_WAIT,	/* answer_within or max_wait, seconds */
	GRAPH_NORM_TARGET,	/* the service-level target, percent */
	GRAPH_NORM_AGE,		/* respond_within, hours */
	GRAPH_NORM_DIRECT,	/* direct_target, percent */
	GRAPH_NORM_RATING5,	/* rating_target as an average of 1 to 5 */
	GRAPH_NORM_RATING10	/* ... of 0 to 10 */
};

struct graph_spec {
	char		 key[GRAPH_KEY_MAX];	/* the normalised request */
	char		 rrd[GRAPH_KEY_MAX];	/* the file */
	int		 metric;	/* from graph_metric() */
	int		 svg;
	long		 start, end;	/* epoch seconds */
	int		 width, height;
	double		 norm;		/* the line to draw, or NAN */
	char		 daemon[128];	/* rrdcached to flush first, or "" */
	const char	*norm_unit;	/* " s", "%" */
};

struct grapher;
struct worker;
/* Renders in the worker's thread: the one that may call librrd. */
struct grapher	*graph_new(struct worker *);
void		 graph_free(struct grapher *);
/* The index of a graphable metric, or -1. */
int		 graph_metric(const char *name);
enum graph_norm	 graph_metric_norm(int metric);
/* Answers req from the cache, or once the worker has drawn it. */
void		 graph_request(struct grapher *, struct evhttp_request *,
		    const struct graph_spec *, int64_t stepno);

/* ------------------------------------------------------------------ */
/* mqtt.c: libmosquitto driven by the libevent loop, no threads */

struct mq;
typedef void	(*mq_message_cb)(const char *topic, const void *payload,
		    size_t len, void *arg);
typedef void	(*mq_connect_cb)(void *arg);

/*
 * Starts connecting; reconnects with backoff for as long as it lives.
 * NULL (logged) when the password file or TLS files cannot be used.
 */
struct mq	*mq_new(struct event_base *, const struct mqtt_conf *,
		    mq_message_cb, mq_connect_cb, void *arg);
/* Publishes "offline", disconnects and frees. */
void		 mq_free(struct mq *);
int		 mq_connected(const struct mq *);
/* The same settings from a reloaded configuration (pointer swap only). */
void		 mq_set_conf(struct mq *, const struct mqtt_conf *);
/* -1 (logged) when a password or TLS file cannot be read. */
int		 mq_check(const struct mqtt_conf *);
/* Nonzero when password_file now holds another password. */
int		 mq_password_changed(const struct mq *, const struct mqtt_conf *);
/* Replaces the subscriptions with topics (kept across reconnects). */
void		 mq_subscribe(struct mq *, char **topics, size_t n);
/* At QoS 0; -1 while not connected. */
int		 mq_publish(struct mq *, const char *topic, const void *buf,
		    size_t len, int retain);
int		 mq_send(struct mq *, const char *topic, const void *buf,
		    size_t len, int qos, int retain);

/* ------------------------------------------------------------------ */
/* board.c: the public wait times, built once per step (pure) */

/* A public channel as it is now. */
struct board_channel {
	const char	*id;
	const char	*label;
	int		 open;
	double		 wait;		/* s for a contact arriving now; NAN:
					 * not known (no or stale figures) */
	double		 limit;		/* s the norm allows; NAN: none */
	int		 overloaded;	/* more comes in than staff can do */
	double		 next_open;	/* when closed; NAN: not in sight */
};

/* How well the public channels served residents in the last quarter
 * ([http] public_experience): made from the history in the worker. */
struct board_experience {
	int		 year;		/* 0: not (yet) known */
	int		 quarter;	/* 1 to 4 */
	struct quality	 quality;	/* the public queues', summed */
};
#define BOARD_EXPERIENCE_MIN 20	/* fewer counts: no figure shown */

enum board_busy {
	BOARD_BUSY_UNKNOWN,
	BOARD_BUSY_QUIET,		/* under half the norm's wait */
	BOARD_BUSY_NORMAL,
	BOARD_BUSY_BUSY			/* at the norm, or overloaded */
};

/* The JSON of /public/v1/waittimes.json and the page /public/. */
struct board {
	char		*json;
	size_t		 json_len;
	char		 json_etag[24];
	char		*html;
	size_t		 html_len;
	char		 html_etag[24];
};

/* Fills the page template (at <!--wachtd:channels-->) and the JSON;
 * refresh is how often they change (s); the last quarter's experience
 * when configured and known, else NULL. */
struct board	*board_build(const struct board_channel *, size_t n,
		    const struct board_experience *, double now,
		    double refresh, const char *tmpl, size_t tmpl_len);
void		 board_free(struct board *);
/* "minder dan 2 minuten", "2 tot 5 minuten", ... */
const char	*board_band(double wait);
enum board_busy	 board_busy(const struct board_channel *);
/* "morgen vanaf 08:30" for an opening at t seen at now; "" for NAN. */
char		*board_next_open(double now, double t, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* http.c: evhttp listener with limits, routes and JSON replies */

struct http;
typedef void	(*http_handler)(struct evhttp_request *, const char *rest,
		    void *arg);

/* Binds host:port; NULL after logging why. */
struct http	*http_new(struct event_base *, const char *host, int port);
void		 http_free(struct http *);
/* Requests under prefix go to handler with the rest of the path. */
void		 http_route(struct http *, const char *prefix, http_handler,
		    void *arg);
/* 200 with data of a content type; HEAD gets headers only. */
void		 http_reply_data(struct evhttp_request *, const char *type,
		    const char *cache_control, const void *data, size_t len);
/* 301 to location. */
void		 http_redirect(struct evhttp_request *, const char *location);
/* Sends j (consumed) as UTF-8 JSON; HEAD gets headers only. */
void		 http_reply_json(struct evhttp_request *, int code, json_t *j);
void		 http_error(struct evhttp_request *, int code, const char *fmt,
		    ...) PRINTFLIKE(3, 4);
/* Nonzero when the request is GET or HEAD, else replies 405. */
int		 http_want_get(struct evhttp_request *);
/* 405 with the methods allowed ("GET, POST"). */
void		 http_not_allowed(struct evhttp_request *, const char *allow);
/* The request's body as a JSON object; NULL after answering 400. */
json_t		*http_body_json(struct evhttp_request *);
/*
 * For a request answered later (by a worker): *slot holds req, and turns
 * NULL should its connection go meanwhile. http_release stops watching
 * before the answer, or before *slot's memory goes; it returns nonzero
 * when there is still a request to answer.
 */
void		 http_hold(struct evhttp_request *, struct evhttp_request **slot);
int		 http_release(struct evhttp_request **slot);
/* 503 with Retry-After: the worker has enough to do. */
void		 http_busy(struct evhttp_request *);

/* A file of dashboards/, compiled in (scripts/embed.sh, assets.c). */
struct asset {
	const char	*name;		/* "app.js", "public/widget.js" */
	const unsigned char *data;
	size_t		 len;
	const char	*etag;		/* quoted */
};
extern const struct asset assets[];	/* ends with a NULL name */
const struct asset *http_asset(const char *name);
/* 200 with the asset (type by its name), or 304 when the client has it. */
void		 http_reply_asset(struct evhttp_request *, const struct asset *);
/*
 * 200 with data that lives on elsewhere, sent without a copy (done, if
 * not NULL, runs once the bytes are written, in the listener's thread),
 * or 304 when If-None-Match names etag.
 */
typedef void	(*http_done_fn)(const void *data, size_t len, void *arg);
void		 http_reply_shared(struct evhttp_request *, const char *type,
		    const char *cache_control, const char *etag,
		    const void *data, size_t len, http_done_fn done, void *arg);
/* Adds a response header. */
void		 http_header(struct evhttp_request *, const char *name,
		    const char *value);

/*
 * Basic auth on a listener: while asks(arg) says so, every request but
 * those of open_path needs a user whose password matches the crypt(3)
 * hash that hash(user, arg) gives (NULL: no such user); 401 otherwise.
 * hash(NULL, arg) gives any user's, to spend as long on a stranger.
 */
typedef int	(*http_asks_fn)(void *arg);
typedef const char *(*http_hash_fn)(const char *user, void *arg);
void		 http_auth(struct http *, const char *open_path, http_asks_fn,
		    http_hash_fn, void *arg);
/* The user and password of an "Authorization: Basic" header value h
 * (NULL: none), split in buf; -1 without them. */
int		 http_basic_credentials(const char *h, char *buf, size_t len,
		    char **user, char **password);

/* Sign-ins of a listener that asks (GET /api/v1/status). */
struct http_auth_stats {
	uint64_t	 checked;	/* crypt(3) run: new or failing ones */
	uint64_t	 cached;	/* passed as remembered, without it */
	uint64_t	 refused;	/* 401: none, or wrong */
	uint64_t	 limited;	/* 429: too many failures before */
};

/* Requests answered, by listener and status class (GET /metrics). */
enum http_class { HTTP_2XX, HTTP_3XX, HTTP_4XX, HTTP_5XX, HTTP_CLASSES };
struct http_stats {
	uint64_t	 answered[HTTP_CLASSES];
	struct http_auth_stats auth;	/* zero where nobody is asked */
};
void		 http_stats(const struct http *, struct http_stats *);

/* ------------------------------------------------------------------ */
/* public.c: the public listener, in a thread of its own */

struct public;
/* Binds host:port; NULL after logging why. */
struct public	*public_new(const struct listen_conf *, double step);
/* Serves, from now on in its own thread; forked: after daemon(). */
void		 public_start(struct public *, int forked);
void		 public_free(struct public *);
/* Builds this step's board from the public queues (in the loop). */
void		 public_refresh(struct public *, const struct config *,
		    const struct map *queues,
		    const struct board_experience *, double now);
void		 public_stats(const struct public *, struct http_stats *);

/* ------------------------------------------------------------------ */
/* work.c: one thread for blocking library calls, drained by the loop */

struct worker;
typedef void	(*work_fn)(void *arg);
/* In the loop; ran is 0 for a job dropped unrun at the stop. */
typedef void	(*work_done_fn)(void *arg, int ran);

struct worker	*work_new(struct event_base *);
/* Runs every finished job's done, and the unrun ones' with ran 0. */
void		 work_free(struct worker *);
void		 work_submit(struct worker *, work_fn run, work_done_fn done,
		    void *arg);
/* Jobs submitted and not yet done: a client that left does not cancel
 * its job (libevent 2.1 does not see it go), so callers bound this. */
size_t		 work_queued(const struct worker *);
#define WORK_QUEUED_MAX	16	/* then new graphs and reports get a 503 */

/* ------------------------------------------------------------------ */
/* api.c: the internal HTTP API over the daemon's live state */

struct wachtd;
void		 api_register(struct http *, struct wachtd *);
/* The pure parts of its handlers, fuzzed alone (tests/fuzz/fuzz_http.c). */
/* GET /graph/ rest and query: 0, or the HTTP status with why. */
int		 api_graph_parse(const struct map *queues, const char *rest,
		    const char *query, long now, long step,
		    struct graph_spec *, struct queue **, char *why,
		    size_t len);
/* Reads the last quarter's experience from the history in the worker,
 * when public_experience wants it and it is not yet known; in the loop,
 * cheap when there is nothing to do. */
void		 api_experience(struct wachtd *, double now);
/* GET /api/v1/report's query: the days as YYYYMMDD; -1 with why. */
int		 api_report_parse(const char *query, int *ymd_from,
		    int *ymd_to, const char **why);
/* The alert "CHANNEL/NAME/NORM" (len bytes of id) and its queue. */
struct queue_alert *api_find_alert(const struct map *queues, const char *id,
		    size_t len, struct queue **);

/* ------------------------------------------------------------------ */
/* metrics.c: GET /metrics, Prometheus' text format */

struct metrics;
/* What the exposition shows, copied in the loop. */
struct metrics	*metrics_take(const struct wachtd *);
void		 metrics_free(struct metrics *);
/* The exposition of every queue, alert and the daemon (caller frees);
 * in any thread. */
char		*metrics_format(const struct metrics *, size_t *len);

/* ------------------------------------------------------------------ */
/* wachtd.c: the daemon, seen by its adapters */

struct wachtd {
	struct event_base *base;
	struct config	*conf;
	struct map	*queues;	/* id -> struct queue */
	struct ingest	*ingest;
	struct mq	*mq;
	struct http	*http;
	struct public	*public;	/* NULL without public_listen */
	struct store	*store;
	struct grapher	*graph;
	struct worker	*work;		/* graphs, reports, SIGUSR1 */
	struct notify	*notify;
	struct silences	 silences;
	struct board_experience experience;	/* for the public page */
	int		 experience_busy;	/* being read from the history */
	uint64_t	 experience_generation;	/* bumped by a reload */
	double		 experience_retry;	/* not before, after a failure */
	/* Bumped by whatever /api/v1/queues shows: input, a step tick, an
	 * alert's ack or silence, a reload. */
	uint64_t	 changes;
	double		 started;
	/* How long step ticks held the loop at once (make bench), in s:
	 * the last tick's longest slice, the longest ever, and the most CPU
	 * time of the loop thread's own in one slice, which leaves out the
	 * time another process had the CPU; and the last tick from its
	 * first slice to its last. */
	double		 step_last;
	double		 step_max;
	double		 step_cpu_max;
	double		 step_span;
};

/* SIGHUP's reload; -1 when refused, with the reasons added to errors
 * (a JSON array, or NULL). */
int		 wachtd_reload(json_t *errors);
/* Reads the configuration file as a reload would, and applies nothing;
 * *moves (if not NULL) says whether the internal listener would move. */
int		 wachtd_check_config(json_t *errors, int *moves);
/* The reload, in a moment: for a request on the listener it replaces. */
void		 wachtd_reload_later(void);
const char	*wachtd_config_path(void);
/* SIGUSR1: every completed step to disk; done(arg, ran) once there. */
void		 wachtd_flush(void (*done)(void *, int), void *arg);

/* An ack (of q's) or a silence (NULL: any queue) changed alerts from the
 * API: judge them again now, publish what changed, and save. */
void		 wachtd_alerts_changed(struct queue *q);

/* ------------------------------------------------------------------ */
/* log.c: one logger; stderr in the foreground, syslog otherwise */

/* Rate limit for a complaint that may repeat (collectd's c_complain). */
struct complaint {
	double		 next;		/* when the next may be logged */
	double		 interval;	/* doubles up to an hour */
	uint64_t	 suppressed;
};

void		 log_init(int foreground, int verbose, const char *ident);
void		 log_warn(const char *, ...) PRINTFLIKE(1, 2);
void		 log_warnx(const char *, ...) PRINTFLIKE(1, 2);
void		 log_info(const char *, ...) PRINTFLIKE(1, 2);
void		 log_debug(const char *, ...) PRINTFLIKE(1, 2);
__dead void	 fatal(const char *, ...) PRINTFLIKE(1, 2);
__dead void	 fatalx(const char *, ...) PRINTFLIKE(1, 2);
/* Logs a warning unless c says it was said recently. */
void		 log_complain(struct complaint *c, double now, const char *, ...)
		    PRINTFLIKE(3, 4);
/* Resets c after the trouble went away, saying so once. */
void		 log_relief(struct complaint *c, const char *, ...)
		    PRINTFLIKE(2, 3);

/* ------------------------------------------------------------------ */
/* xmalloc.c: allocation that cannot fail (tmux) */

void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
int		 xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);

/* ------------------------------------------------------------------ */
/* util.c: small helpers shared by the edges */

/* Wall-clock now, in epoch seconds: the one clock the core is handed. */
double		 util_now(void);

/*
 * Who gets the CPU first. Sliced, the step tick still held the loop up to
 * 5 ms on 0.5 ms of CPU: on two cores, the writer it had just woken, the
 * broker or the simulator took the CPU mid-callback (perf sched_switch,
 * make bench). The loop's thread asks for the shortest time slice, which
 * Linux's EEVDF scheduler (6.12 on) answers by letting it run first when
 * it wakes; the hold fell to its CPU time, 0.5 ms. The writer and worker
 * threads run SCHED_BATCH: waking up, they never take the CPU from
 * anyone. Unprivileged, and harmless where unsupported.
 */
void		 util_loop_thread(void);
void		 util_background_thread(void);

/* s cut to fit buf, control characters as '?': for the log, when a
 * client chose s (a topic) and could forge lines with a newline. */
char		*util_printable(const char *s, char *buf, size_t len);

/* "2026-11-29T13:25:00+01:00" in the local (configured) timezone. */
char		*util_iso8601(double t, char *buf, size_t len);

#endif

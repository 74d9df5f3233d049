/*
 * metrics.c: GET /metrics in Prometheus' text format (issue 5): the live
 * figures of every queue, the state of every alert, and the daemon's
 * own health. Names follow Prometheus' conventions: base units (seconds,
 * ratios 0..1), counters end in _total, one family at a time. A figure
 * not known now is left out rather than sent as NaN, so a graph shows a
 * gap, not a line at zero.
 *
 * A thousand queues make 1.6 MB of text: 15 to 30 ms of printf, too long
 * for the loop. The loop copies what it shows (metrics_take, ~1 ms), the
 * worker writes the text (metrics_format).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wachtd.h"

struct seen_alert {
	char		*name;
	enum alert_state state;
	int		 acked;
	int		 silenced;
};

/* A queue and what it looks like now, seen once per scrape. */
struct seen {
	char		*id;
	int		 channel_len;	/* of id, before the '/' */
	struct queue_view v;
	double		 sl_target;	/* %, NAN without a service level */
	struct seen_alert *alerts;
	size_t		 nalerts;
};

struct metrics {
	struct seen	*s;
	size_t		 n;
	double		 started;
	int		 broker;
	uint64_t	 accepted;
	uint64_t	 rejected[REJECT_COUNT];
	struct store_stats store;
	struct notify_stats notify;
	struct http_stats http[2];	/* internal, public */
	double		 step_max;
};

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values are queue ids and norm names: plain already, but the
 * format's three escapes cost nothing. */
static void
put_label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
}

/* `name{queue="ID",channel="CH"`: the caller adds labels and closes. */
static void
put_queue(FILE *f, const char *name, const struct seen *s)
{
	fprintf(f, "%s{queue=\"", name);
	put_label(f, s->id);
	fprintf(f, "\",channel=\"%.*s\"", s->channel_len, s->id);
}

/* The same with the alert's name. */
static void
put_alert(FILE *f, const char *name, const struct seen *s,
    const struct seen_alert *sa)
{
	put_queue(f, name, s);
	fputs(",alert=\"", f);
	put_label(f, sa->name);
	fputc('"', f);
}

/* One gauge family over every queue; its value by `pick`, NAN: left out. */
static void
queue_family(FILE *f, const struct seen *s, size_t n, const char *name,
    const char *help, double (*pick)(const struct seen *))
{
	double	 x;
	size_t	 i;

	family(f, name, "gauge", help);
	for (i = 0; i < n; i++)
		if (!isnan(x = pick(&s[i]))) {
			put_queue(f, name, &s[i]);
			fprintf(f, "} %.10g\n", x);
		}
}

static double open_of(const struct seen *s) { return s->v.open; }
static double waiting_of(const struct seen *s) { return s->v.waiting; }
static double longest_of(const struct seen *s) { return s->v.longest_wait; }
static double ewt_of(const struct seen *s) { return s->v.ewt; }
static double agents_of(const struct seen *s) { return s->v.agents; }
static double backlog_of(const struct seen *s) { return s->v.backlog; }
static double oldest_of(const struct seen *s) { return s->v.oldest_age; }
static double sl_of(const struct seen *s) { return s->v.sl / 100; }
static double sl_target_of(const struct seen *s) { return s->sl_target / 100; }
static double stale_of(const struct seen *s) { return s->v.stale; }

static const struct {
	const char	*name;
	const char	*help;
	double		(*pick)(const struct seen *);
} queue_gauges[] = {
	{ "wachtd_queue_open", "1 within opening hours, else 0.", open_of },
	{ "wachtd_queue_stale", "1 when the queue's probe went silent.",
	    stale_of },
	{ "wachtd_queue_waiting", "Contacts waiting now.", waiting_of },
	{ "wachtd_queue_longest_wait_seconds",
	    "How long the longest-waiting contact has waited.", longest_of },
	{ "wachtd_queue_estimated_wait_seconds",
	    "The wait predicted for a contact arriving now.", ewt_of },
	{ "wachtd_queue_agents", "Staff taking contacts now.", agents_of },
	{ "wachtd_queue_backlog", "Open items (e-mail) now.", backlog_of },
	{ "wachtd_queue_oldest_age_seconds", "Age of the oldest open item.",
	    oldest_of },
	{ "wachtd_queue_service_level_ratio",
	    "Share of the window's contacts answered within the norm.",
	    sl_of },
	{ "wachtd_queue_service_level_target_ratio",
	    "The share the norm promises.", sl_target_of },
};

static void
alert_states(FILE *f, const struct seen *s, size_t n)
{
	static const enum alert_state states[] = { ALERT_UNKNOWN, ALERT_OK,
	    ALERT_WARNING, ALERT_CRITICAL, ALERT_STALE, ALERT_CLOSED };
	const struct seen_alert *sa;
	size_t		 i, k, j;

	family(f, "wachtd_alert_state", "gauge", "1 for the state each alert "
	    "(a norm of a queue, or its feed) is in, 0 for the others.");
	for (i = 0; i < n; i++)
		for (k = 0; k < s[i].nalerts; k++) {
			sa = &s[i].alerts[k];
			for (j = 0; j < sizeof(states) / sizeof(states[0]);
			    j++) {
				put_alert(f, "wachtd_alert_state", &s[i], sa);
				fprintf(f, ",state=\"%s\"} %d\n",
				    alert_state_name(states[j]),
				    sa->state == states[j]);
			}
		}
	family(f, "wachtd_alert_acknowledged", "gauge",
	    "1 while someone has taken the alert on.");
	for (i = 0; i < n; i++)
		for (k = 0; k < s[i].nalerts; k++) {
			sa = &s[i].alerts[k];
			put_alert(f, "wachtd_alert_acknowledged", &s[i], sa);
			fprintf(f, "} %d\n", sa->acked);
		}
	family(f, "wachtd_alert_silenced", "gauge",
	    "1 while a silence holds the alert's notifications.");
	for (i = 0; i < n; i++)
		for (k = 0; k < s[i].nalerts; k++) {
			sa = &s[i].alerts[k];
			put_alert(f, "wachtd_alert_silenced", &s[i], sa);
			fprintf(f, "} %d\n", sa->silenced);
		}
}

struct counter {
	const char	*label;
	uint64_t	 value;
};

static void
counters(FILE *f, const char *name, const char *help, const char *label,
    const struct counter *c, size_t n)
{
	size_t	 i;

	family(f, name, "counter", help);
	for (i = 0; i < n; i++)
		fprintf(f, "%s{%s=\"%s\"} %llu\n", name, label, c[i].label,
		    (unsigned long long)c[i].value);
}

static void
gauge(FILE *f, const char *name, const char *help, double x)
{
	family(f, name, "gauge", help);
	fprintf(f, "%s %.10g\n", name, x);
}

static void
counter(FILE *f, const char *name, const char *help, uint64_t x)
{
	family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)x);
}

/* The daemon's own health. */
static void
health(FILE *f, const struct metrics *m)
{
	static const char *const classes[] = { "2xx", "3xx", "4xx", "5xx" };
	const struct store_stats *st = &m->store;
	const struct notify_stats *ns = &m->notify;
	struct counter	 c[2 * HTTP_CLASSES + REJECT_COUNT];
	uint64_t	 rejected = 0;
	int		 r, l;

	family(f, "wachtd_build_info", "gauge", "The running version.");
	fprintf(f, "wachtd_build_info{version=\"%s\"} 1\n", WACHTD_VERSION);
	gauge(f, "wachtd_start_time_seconds", "When the daemon started, "
	    "in seconds since the epoch.", m->started);
	gauge(f, "wachtd_broker_connected", "1 while connected to the MQTT "
	    "broker.", m->broker);
	gauge(f, "wachtd_queues", "Queues configured.",
	    (double)m->n);

	for (r = 0; r < REJECT_COUNT; r++)
		rejected += m->rejected[r];
	c[0] = (struct counter){ "accepted", m->accepted };
	c[1] = (struct counter){ "rejected", rejected };
	counters(f, "wachtd_messages_total", "Input messages by result.",
	    "result", c, 2);
	for (r = 0; r < REJECT_COUNT; r++)
		c[r] = (struct counter){ reject_name(r),
		    m->rejected[r] };
	counters(f, "wachtd_messages_rejected_total", "Input messages "
	    "refused, by reason.", "reason", c, REJECT_COUNT);

	counter(f, "wachtd_rrd_writes_total", "RRD updates written.",
	    st->writes);
	counter(f, "wachtd_rrd_write_errors_total", "RRD updates that failed.",
	    st->errors);
	family(f, "wachtd_rrd_write_seconds_total", "counter",
	    "Time spent in RRD updates.");
	fprintf(f, "wachtd_rrd_write_seconds_total %.10g\n", st->write_time);
	gauge(f, "wachtd_rrd_write_max_seconds", "The slowest RRD update.",
	    st->write_max);
	gauge(f, "wachtd_rrd_pending_steps", "Steps waiting to be written.",
	    (double)st->pending);
	counter(f, "wachtd_rrd_dropped_steps_total", "Steps dropped: the "
	    "writer fell too far behind.", st->dropped);
	gauge(f, "wachtd_step_hold_max_seconds", "The longest the step tick "
	    "held the loop at once.", m->step_max);

	family(f, "wachtd_http_requests_total", "counter", "HTTP requests "
	    "answered, by listener and status class.");
	for (l = 0; l < 2; l++)
		for (r = 0; r < HTTP_CLASSES; r++)
			fprintf(f, "wachtd_http_requests_total{listener=\"%s\","
			    "code=\"%s\"} %llu\n", l ? "public" : "internal",
			    classes[r], (unsigned long long)m->http[l].answered[r]);

	c[0] = (struct counter){ "sent", ns->sent };
	c[1] = (struct counter){ "retried", ns->retried };
	c[2] = (struct counter){ "failed", ns->failed };
	c[3] = (struct counter){ "dropped", ns->dropped };
	counters(f, "wachtd_notifications_total", "Notification deliveries "
	    "by result.", "result", c, 4);
	gauge(f, "wachtd_notifications_queued", "Notifications waiting or "
	    "on their way.", (double)ns->queued);
}

struct metrics *
metrics_take(const struct wachtd *w)
{
	struct metrics	*m = xcalloc(1, sizeof(*m));
	const struct norm_conf *norm;
	const struct queue *q;
	struct seen	*s;
	const char	*id;
	void		*val;
	size_t		 pos = 0, k;
	double		 now = util_now();

	m->s = xcalloc(map_count(w->queues) + 1, sizeof(*m->s));
	while (map_next(w->queues, &pos, &id, &val)) {
		q = val;
		s = &m->s[m->n++];
		s->id = xstrdup(id);
		s->channel_len = (int)(q->conf->name - q->conf->id - 1);
		queue_view(q, now, &s->v);
		norm = config_queue_norm(q->conf, NORM_ANSWER_WITHIN);
		s->sl_target = norm != NULL ? norm->target : NAN;
		s->alerts = xcalloc(q->nalerts + 1, sizeof(*s->alerts));
		s->nalerts = q->nalerts;
		for (k = 0; k < q->nalerts; k++) {
			const struct queue_alert *qa = &q->alerts[k];

			s->alerts[k] = (struct seen_alert){
			    xstrdup(queue_alert_name(qa)), qa->a.state,
			    qa->a.ack.at > 0, qa->silenced[0] != '\0' };
		}
	}
	m->started = w->started;
	m->broker = mq_connected(w->mq);
	m->accepted = w->ingest->accepted;
	memcpy(m->rejected, w->ingest->rejected, sizeof(m->rejected));
	store_stats(w->store, &m->store);
	notify_stats(w->notify, &m->notify);
	http_stats(w->http, &m->http[0]);
	public_stats(w->public, &m->http[1]);
	m->step_max = w->step_max;
	return m;
}

void
metrics_free(struct metrics *m)
{
	size_t	 i, k;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		for (k = 0; k < m->s[i].nalerts; k++)
			free(m->s[i].alerts[k].name);
		free(m->s[i].alerts);
		free(m->s[i].id);
	}
	free(m->s);
	free(m);
}

char *
metrics_format(const struct metrics *m, size_t *len)
{
	char	*text;
	size_t	 i;
	FILE	*f;

	if ((f = open_memstream(&text, len)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < sizeof(queue_gauges) / sizeof(queue_gauges[0]); i++)
		queue_family(f, m->s, m->n, queue_gauges[i].name,
		    queue_gauges[i].help, queue_gauges[i].pick);
	alert_states(f, m->s, m->n);
	health(f, m);
	if (fclose(f) != 0)
		fatal("metrics");
	return text;
}

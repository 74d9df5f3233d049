/*
 * notify.c: notifications out (DESIGN §7). notice.c decides who is told
 * what; this file says it: on P/out/notify always, and per [notify]
 * section by webhook (an Alertmanager-webhook body), e-mail over SMTP and
 * Alertmanager's /api/v2/alerts, through fetch.c on the loop. Deliveries
 * wait in one bounded queue, at most NOTIFY_INFLIGHT at a time, and are
 * retried with a doubling backoff; a receiver that is down costs a log
 * line now and then, never a stalled loop or unbounded memory.
 */
#include <sys/queue.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "fetch.h"
#include "wachtd.h"

#define NOTIFY_QUEUE_MAX 1000	/* deliveries waiting or in flight */
#define NOTIFY_INFLIGHT	 8	/* at once: a slow receiver holds 8 */
#define NOTIFY_ATTEMPTS	 5	/* then it is given up, and counted */
#define NOTIFY_TIMEOUT	 10.0	/* s per attempt */
#define NOTIFY_BACKOFF	 2.0	/* s before the 2nd attempt, doubling */
#define AM_REFRESH	 60.0	/* s: firing alerts re-posted to Alertmanager */
#define AM_LIFETIME	 300.0	/* s: endsAt of a firing alert, refreshed */

enum channel { CH_WEBHOOK, CH_EMAIL, CH_ALERTMANAGER };

static const char *const channel_names[] = {
	[CH_WEBHOOK] = "webhook", [CH_EMAIL] = "e-mail",
	[CH_ALERTMANAGER] = "alertmanager"
};

struct delivery {
	TAILQ_ENTRY(delivery) entry;
	struct notify	*nt;
	enum channel	 ch;
	char		*to;		/* the [notify] section, for the log */
	char		*what;		/* "firing telefoon/algemeen/telefoon" */
	char		*url;
	char		*body;
	char		*from;
	char		**rcpt;
	size_t		 nrcpt;
	int		 attempts;
	double		 due;		/* next attempt */
	int		 inflight;
};

TAILQ_HEAD(deliveries, delivery);

struct notify {
	struct event_base *base;
	struct fetcher	*fetch;
	struct event	*timer;		/* the next delivery due */
	struct deliveries queue;
	size_t		 n;
	size_t		 inflight;
	int		 added;		/* enqueued since the last pump */
	struct notify_stats stats;
	struct complaint trouble;
	char		 host[256];	/* for the default From */
};

/* A queue without [notify] sections still tells MQTT. */
static char mqtt_only_name[] = "";
static const struct notify_conf mqtt_only = { .name = mqtt_only_name };

static void	 pump(struct notify *);

struct notify *
notify_new(struct event_base *base)
{
	struct notify	*nt = xcalloc(1, sizeof(*nt));

	nt->base = base;
	nt->fetch = fetch_new(base);
	TAILQ_INIT(&nt->queue);
	if (gethostname(nt->host, sizeof(nt->host)) == -1)
		snprintf(nt->host, sizeof(nt->host), "localhost");
	nt->host[sizeof(nt->host) - 1] = '\0';
	return nt;
}

static void
free_delivery(struct delivery *d)
{
	size_t	 i;

	for (i = 0; i < d->nrcpt; i++)
		free(d->rcpt[i]);
	free(d->rcpt);
	free(d->to);
	free(d->what);
	free(d->url);
	free(d->body);
	free(d->from);
	free(d);
}

static void
unlink_delivery(struct notify *nt, struct delivery *d)
{
	TAILQ_REMOVE(&nt->queue, d, entry);
	nt->n--;
	free_delivery(d);
}

void
notify_free(struct notify *nt)
{
	struct delivery	*d;

	if (nt == NULL)
		return;
	/* Callbacks of what is in flight run now, "cancelled". */
	fetch_free(nt->fetch);
	while ((d = TAILQ_FIRST(&nt->queue)) != NULL)
		unlink_delivery(nt, d);
	if (nt->timer != NULL)
		event_free(nt->timer);
	free(nt);
}

void
notify_stats(const struct notify *nt, struct notify_stats *out)
{
	*out = nt->stats;
	out->queued = nt->n;
}

/* ------------------------------------------------------------------ */
/* Delivery: a bounded queue, retries with backoff */

static int
permanent(long status)
{
	/* A receiver that refuses the request will refuse it again;
	 * timeouts and overload (408, 429) and 5xx may pass later. */
	return status >= 400 && status < 500 && status != 408 && status != 429;
}

static void
done(void *arg, int ok, long status, const char *error)
{
	struct delivery	*d = arg;
	struct notify	*nt = d->nt;
	double		 now = util_now();
	char		 host[300];

	d->inflight = 0;
	nt->inflight--;
	if (ok) {
		nt->stats.sent++;
		log_debug("notify %s: %s sent by %s", d->to, d->what,
		    channel_names[d->ch]);
		unlink_delivery(nt, d);
	} else if (strcmp(error, "cancelled") == 0)
		return;		/* notify_free frees it */
	else if (d->attempts >= NOTIFY_ATTEMPTS || permanent(status)) {
		nt->stats.failed++;
		log_complain(&nt->trouble, now, "notify %s: %s by %s to %s "
		    "failed after %d attempt%s: %s", d->to, d->what,
		    channel_names[d->ch], fetch_url_host(d->url, host,
		    sizeof(host)), d->attempts,
		    d->attempts == 1 ? "" : "s", error);
		unlink_delivery(nt, d);
	} else {
		nt->stats.retried++;
		d->due = now + NOTIFY_BACKOFF * pow(2, d->attempts - 1);
		log_debug("notify %s: %s by %s: %s; again in %.0f s", d->to,
		    d->what, channel_names[d->ch], error, d->due - now);
	}
	pump(nt);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

/* Starts what is due, as far as NOTIFY_INFLIGHT allows; then sleeps
 * until the next retry is due. */
static void
pump(struct notify *nt)
{
	struct fetch_request r;
	struct delivery	*d, *next;
	double		 now = util_now(), wake = INFINITY;
	struct timeval	 tv;
	char		 host[300];

	for (d = TAILQ_FIRST(&nt->queue); d != NULL; d = next) {
		next = TAILQ_NEXT(d, entry);
		if (d->inflight)
			continue;
		if (d->due > now) {
			wake = fmin(wake, d->due);
			continue;
		}
		if (nt->inflight >= NOTIFY_INFLIGHT)
			break;
		memset(&r, 0, sizeof(r));
		r.url = d->url;
		r.body = d->body;
		r.body_len = strlen(d->body);
		r.content_type = d->ch == CH_EMAIL ? NULL : "application/json";
		r.mail_from = d->from;
		r.rcpt = (const char *const *)d->rcpt;
		r.nrcpt = d->nrcpt;
		r.timeout = NOTIFY_TIMEOUT;
		d->attempts++;
		if (fetch_start(nt->fetch, &r, done, d) == -1) {
			nt->stats.failed++;
			log_complain(&nt->trouble, now, "notify %s: cannot "
			    "send by %s to %s", d->to, channel_names[d->ch],
			    fetch_url_host(d->url, host, sizeof(host)));
			unlink_delivery(nt, d);
			continue;
		}
		d->inflight = 1;
		nt->inflight++;
	}
	if (isinf(wake))
		return;
	if (nt->timer == NULL)
		nt->timer = evtimer_new(nt->base, on_timer, nt);
	wake = fmax(wake - now, 0);
	tv.tv_sec = (time_t)wake;
	tv.tv_usec = (suseconds_t)((wake - floor(wake)) * 1e6);
	evtimer_add(nt->timer, &tv);
}

/* Queues one delivery; the oldest waiting one goes when the queue is
 * full (a fresh state matters more than an old one). Takes body. */
static struct delivery *
enqueue(struct notify *nt, enum channel ch, const char *to, const char *what,
    const char *url, char *body)
{
	struct delivery	*d, *old;

	if (nt->n >= NOTIFY_QUEUE_MAX) {
		TAILQ_FOREACH(old, &nt->queue, entry)
			if (!old->inflight)
				break;
		if (old == NULL) {
			nt->stats.dropped++;
			free(body);
			return NULL;
		}
		nt->stats.dropped++;
		log_complain(&nt->trouble, util_now(), "notify: more than %d "
		    "deliveries waiting; the oldest are dropped",
		    NOTIFY_QUEUE_MAX);
		unlink_delivery(nt, old);
	}
	d = xcalloc(1, sizeof(*d));
	d->nt = nt;
	d->ch = ch;
	d->to = xstrdup(to);
	d->what = xstrdup(what);
	d->url = xstrdup(url);
	d->body = body;
	TAILQ_INSERT_TAIL(&nt->queue, d, entry);
	nt->n++;
	nt->added = 1;
	return d;
}

/* ------------------------------------------------------------------ */
/* What is said */

/* The alert object and what happened, as P/out/notify and webhooks say. */
static json_t *
message(const struct queue *q, const struct queue_alert *qa,
    const struct queue_view *v, const char *url, enum notice_event ev,
    const char *to, double now)
{
	json_t	*o = queue_alert_json(q, qa, v, url);
	char	 iso[40];

	json_object_set_new(o, "event", json_string(notice_event_name(ev)));
	json_object_set_new(o, "to", json_string(to));
	json_object_set_new(o, "sent", json_string(util_iso8601(now, iso,
	    sizeof(iso))));
	return o;
}

/* FNV-1a of the alert id: a stable fingerprint for Alertmanager. */
static void
fingerprint(const char *id, char *buf, size_t len)
{
	uint64_t	 h = 14695981039346656037ULL;

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	snprintf(buf, len, "%016llx", (unsigned long long)h);
}

/* What one event says, and about what. */
struct event_text {
	const struct queue *q;
	const struct queue_alert *qa;
	json_t		*msg;		/* the P/out/notify object */
	enum notice_event ev;
	double		 starts;	/* told of this trouble since */
	double		 ends;		/* over at; 0: still going */
	const char	*base;		/* http://HOST:PORT */
	int		 english;
	char		 what[160];	/* "firing telefoon/algemeen/telefoon" */
};

static const char *
text(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* One alert in Alertmanager's terms; endsAt "zero" while firing. */
static json_t *
am_alert(const struct event_text *e, double ends)
{
	char	 a[40], b[40], fp[20];

	fingerprint(text(e->msg, "id"), fp, sizeof(fp));
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:{s:s, s:s},"
	    " s:s, s:s, s:s, s:s}",
	    "status", e->ends > 0 ? "resolved" : "firing",
	    "labels",
	    "alertname", "wachtd",
	    "queue", e->q->conf->id,
	    "norm", queue_alert_name(e->qa),
	    "kind", text(e->msg, "kind"),
	    "severity", alert_state_name(e->qa->a.state),
	    "annotations",
	    "summary", queue_alert_reason(e->qa),
	    "queue_label", text(e->msg, "label"),
	    "startsAt", util_iso8601(e->starts, a, sizeof(a)),
	    "endsAt", ends > 0 ? util_iso8601(ends, b, sizeof(b)) :
	        "0001-01-01T00:00:00Z",
	    "generatorURL", text(e->msg, "url"),
	    "fingerprint", fp);
}

/* The body Alertmanager sends its webhook receivers (version 4), with
 * our own object beside it, so a receiver for either understands it. */
static void
send_webhook(struct notify *nt, const struct notify_conf *t,
    const struct event_text *e)
{
	json_t	*alert = am_alert(e, e->ends), *o;
	char	 key[200];

	snprintf(key, sizeof(key), "{}:{alertname=\"wachtd\", id=\"%s\"}",
	    text(e->msg, "id"));
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:O, s:O, s:s, s:i,"
	    " s:[o], s:O}",
	    "version", "4",
	    "groupKey", key,
	    "status", e->ends > 0 ? "resolved" : "firing",
	    "receiver", t->name,
	    "groupLabels", "alertname", "wachtd",
	    "commonLabels", json_object_get(alert, "labels"),
	    "commonAnnotations", json_object_get(alert, "annotations"),
	    "externalURL", e->base,
	    "truncatedAlerts", 0,
	    "alerts", alert,
	    "wachtd", e->msg);
	enqueue(nt, CH_WEBHOOK, t->name, e->what, t->webhook,
	    json_dumps(o, JSON_COMPACT));
	json_decref(o);
}

/* POST /api/v2/alerts: a firing alert lives AM_LIFETIME unless posted
 * again (notify_alert re-posts it every AM_REFRESH). */
static void
send_alertmanager(struct notify *nt, const struct notify_conf *t,
    const struct event_text *e, double now)
{
	json_t	*a = am_alert(e, e->ends > 0 ? e->ends : now + AM_LIFETIME);
	json_t	*list;
	char	*url;
	size_t	 len = strlen(t->alertmanager);

	/* The API derives these itself and refuses them. */
	json_object_del(a, "status");
	json_object_del(a, "fingerprint");
	list = json_pack("[o]", a);
	xasprintf(&url, "%.*s/api/v2/alerts", (int)(len > 0 &&
	    t->alertmanager[len - 1] == '/' ? len - 1 : len), t->alertmanager);
	enqueue(nt, CH_ALERTMANAGER, t->name, e->what, url,
	    json_dumps(list, JSON_COMPACT));
	free(url);
	json_decref(list);
}

/* "=?UTF-8?B?...?=" for a header with more than ASCII in it. */
static char *
mime_header(const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t		 len = strlen(s), i, o;
	char		*out;
	unsigned	 v;

	for (i = 0; i < len && p[i] < 0x80; i++)
		;
	if (i == len)
		return xstrdup(s);
	out = xmalloc(len * 4 / 3 + 16);
	o = (size_t)sprintf(out, "=?UTF-8?B?");
	for (i = 0; i < len; i += 3) {
		v = (unsigned)p[i] << 16 |
		    (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < len ? (unsigned)p[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	strcpy(out + o, "?=");
	return out;
}

/* Splits "a@x b@y" into the delivery's envelope recipients. */
static void
set_rcpt(struct delivery *d, const char *list)
{
	char	*copy = xstrdup(list), *p = copy, *a;

	while ((a = strsep(&p, " \t")) != NULL) {
		if (*a == '\0')
			continue;
		d->rcpt = xreallocarray(d->rcpt, d->nrcpt + 1,
		    sizeof(*d->rcpt));
		d->rcpt[d->nrcpt++] = xstrdup(a);
	}
	free(copy);
}

/* "a@x b@y" as a To: header wants it: "a@x, b@y". */
static char *
comma_list(const char *list)
{
	char	*copy = xstrdup(list), *p = copy, *a, *out = xstrdup(""), *o;

	while ((a = strsep(&p, " \t")) != NULL) {
		if (*a == '\0')
			continue;
		o = out;
		xasprintf(&out, "%s%s%s", o, *o != '\0' ? ", " : "", a);
		free(o);
	}
	free(copy);
	return out;
}

/* A plain mail: what happened in the subject, the reason and a link. */
static void
send_email(struct notify *nt, const struct notify_conf *t,
    const struct event_text *e, double now)
{
	static const char *const subjects[2][NOTICE_ENDED] = { {
		[NOTICE_FIRING] = "Melding", [NOTICE_CHANGED] = "Gewijzigd",
		[NOTICE_REPEAT] = "Herhaling", [NOTICE_RESOLVED] = "Opgelost",
		[NOTICE_ESCALATE] = "Escalatie",
	}, {
		[NOTICE_FIRING] = "Alert", [NOTICE_CHANGED] = "Changed",
		[NOTICE_REPEAT] = "Repeat", [NOTICE_RESOLVED] = "Resolved",
		[NOTICE_ESCALATE] = "Escalation",
	} };
	const char	*state = alert_state_word(e->qa->a.state, e->english);
	struct delivery	*d;
	struct tm	 tm;
	time_t		 t0 = (time_t)now;
	char		*subject, *coded, *mail, *from, *to, date[64], id[160];
	char		*c;

	if (t->from != NULL)
		from = xstrdup(t->from);
	else
		xasprintf(&from, "wachtd@%s", nt->host);
	xasprintf(&subject, "[wachtd] %s: %s (%s): %s",
	    subjects[e->english][e->ev], text(e->msg, "label"),
	    queue_alert_name(e->qa), state);
	coded = mime_header(subject);
	localtime_r(&t0, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	snprintf(id, sizeof(id), "<%.0f.%s@wachtd>", now * 1000,
	    text(e->msg, "id"));
	for (c = id; *c != '\0'; c++)
		if (*c == '/')
			*c = '.';
	to = comma_list(t->email);
	xasprintf(&mail,
	    "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "%s (%s): %s\r\n%s\r\n\r\n%s %s\r\n",
	    from, to, coded, date, id, text(e->msg, "label"),
	    e->q->conf->id, state, queue_alert_reason(e->qa),
	    e->english ? "See" : "Zie", text(e->msg, "url"));
	free(to);
	free(coded);
	free(subject);
	if ((d = enqueue(nt, CH_EMAIL, t->name, e->what, t->smtp != NULL ?
	    t->smtp : "smtp://localhost:25", mail)) == NULL) {
		free(from);
		return;
	}
	d->from = from;
	set_rcpt(d, t->email);
}

/* The channels of section t for one event; at closing only Alertmanager
 * hears of it, which would otherwise keep it firing all night. */
static void
deliver(struct notify *nt, const struct notify_conf *t,
    const struct event_text *e, double now)
{
	if (t->webhook != NULL && e->ev != NOTICE_ENDED)
		send_webhook(nt, t, e);
	if (t->alertmanager != NULL)
		send_alertmanager(nt, t, e, now);
	if (t->email != NULL && e->ev != NOTICE_ENDED)
		send_email(nt, t, e, now);
}

/* The [notify] section notice n speaks for; mqtt_only without any. */
static const struct notify_conf *
section(const struct queue *q, const struct notice *n)
{
	size_t	 i;

	for (i = 0; i < q->conf->notify.n; i++) {
		const struct notify_conf *t = q->conf->notify.refs[i].to;

		if (t != NULL && strcmp(t->name, n->to) == 0)
			return t;
	}
	return &mqtt_only;
}

static void
publish(struct mq *mq, const struct config *c, const json_t *msg)
{
	char	*body, *topic;

	if ((body = json_dumps(msg, JSON_COMPACT)) == NULL)
		return;
	xasprintf(&topic, "%s/out/notify", c->mqtt.prefix);
	mq_publish(mq, topic, body, strlen(body), 0);
	free(topic);
	free(body);
}

int
notify_alert(struct notify *nt, struct mq *mq, const struct config *c,
    const struct queue *q, struct queue_alert *qa,
    const struct queue_view *v, double now)
{
	const struct notify_conf *t;
	struct event_text e;
	struct notice	*n;
	size_t		 i;
	char		 base[300];
	int		 escalated, told = 0;

	/* This runs on every input: the link is made only for a message. */
	base[0] = '\0';
	memset(&e, 0, sizeof(e));
	e.q = q;
	e.qa = qa;
	e.base = base;
	e.english = strcmp(c->language, "en") == 0;
	for (i = 0; i < qa->nnotices; i++) {
		n = &qa->notices[i];
		t = section(q, n);
		escalated = n->escalated;
		while ((e.ev = notice_next(n, t, &qa->a,
		    qa->silenced[0] != '\0', now)) != NOTICE_NONE) {
			told++;
			if (base[0] == '\0')
				config_url(c, base, sizeof(base));
			e.starts = n->first;
			e.ends = e.ev == NOTICE_RESOLVED ||
			    e.ev == NOTICE_ENDED ? now : 0;
			snprintf(e.what, sizeof(e.what), "%s %s/%s",
			    notice_event_name(e.ev), q->conf->id,
			    queue_alert_name(qa));
			e.msg = message(q, qa, v, base, e.ev, t->name, now);
			if (e.ev != NOTICE_ENDED) {
				publish(mq, c, e.msg);
				log_info("notify %s: %s (%s)", t->name[0] !=
				    '\0' ? t->name : "mqtt", e.what,
				    alert_state_name(qa->a.state));
			}
			deliver(nt, t, &e, now);
			/* Escalation goes to escalate_to as well, and so
			 * does the end of what it was told. */
			if (t->escalate_to.to != NULL &&
			    (e.ev == NOTICE_ESCALATE || (escalated &&
			    (e.ev == NOTICE_RESOLVED ||
			    e.ev == NOTICE_ENDED))))
				deliver(nt, t->escalate_to.to, &e, now);
			json_decref(e.msg);
			n->refreshed = now;
		}
		/* Alertmanager forgets a firing alert not posted again. */
		if (t->alertmanager != NULL && n->told != ALERT_OK &&
		    now - n->refreshed >= AM_REFRESH) {
			n->refreshed = now;
			if (base[0] == '\0')
				config_url(c, base, sizeof(base));
			e.ev = NOTICE_REPEAT;
			e.starts = n->first;
			e.ends = 0;
			snprintf(e.what, sizeof(e.what), "refresh %s/%s",
			    q->conf->id, queue_alert_name(qa));
			e.msg = message(q, qa, v, base, e.ev, t->name, now);
			send_alertmanager(nt, t, &e, now);
			json_decref(e.msg);
		}
	}
	/* What waits has its timer: only something new needs a pump. */
	if (nt->added) {
		nt->added = 0;
		pump(nt);
	}
	return told;
}

/*
 * api.c: the internal HTTP API (DESIGN §6) over the daemon's live state.
 * Handlers only read memory: nothing here waits on the broker or a disk.
 * The report reads RRD files in the worker thread (work.c) and answers
 * from the loop when that is done.
 */
#include <sys/queue.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <rrd.h>

#include "parse.h"
#include "report.h"
#include "wachtd.h"

/* Queue ids sorted, so the list reads the same on every request. */
static int
by_id(const void *a, const void *b)
{
	const struct queue *const *x = a, *const *y = b;

	return strcmp((*x)->conf->id, (*y)->conf->id);
}

/* Every queue, sorted by id; *n of them (caller frees). */
static struct queue **
sorted_queues(const struct wachtd *w, size_t *n)
{
	struct queue	**all;
	const char	*key;
	void		*val;
	size_t		 pos = 0;

	all = xcalloc(map_count(w->queues) + 1, sizeof(*all));
	*n = 0;
	while (map_next(w->queues, &pos, &key, &val))
		all[(*n)++] = val;
	qsort(all, *n, sizeof(*all), by_id);
	return all;
}

/*
 * The list of every queue, made once for all who ask while nothing it
 * shows changed (w->changes) and for QUEUES_FRESH at most, then sent from
 * the same bytes: dashboards poll it, and making it for each of them held
 * the loop 40 us per request with four queues (make bench: 20,000
 * requests a second against nginx's 107,000).
 */
#define QUEUES_FRESH	0.1	/* s: the answer gives times to a tenth */

struct snapshot {
	int		 refs;		/* the cache's, and each reply's */
	size_t		 len;
	char		 etag[32];
	char		 data[];
};

static struct snapshot	*queues_made;
static uint64_t		 queues_changes;
static double		 queues_at;

/* A reply is written, or the cache moved on: the loop's thread alone. */
static void
snapshot_drop(const void *data, size_t len, void *arg)
{
	struct snapshot	*s = arg;

	(void)data;
	(void)len;
	if (--s->refs == 0)
		free(s);
}

/* The list as it is now, or NULL when it is not encodable. */
static struct snapshot *
queues_snapshot(struct wachtd *w, double now)
{
	static unsigned long made;
	struct snapshot	*s;
	struct queue	**all;
	json_t		*list;
	char		*text;
	size_t		 n, i, len;

	if (queues_made != NULL && queues_changes == w->changes &&
	    now >= queues_at && now - queues_at < QUEUES_FRESH)
		return queues_made;
	all = sorted_queues(w, &n);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, queue_json(all[i], now));
	free(all);
	list = json_pack("{s:o}", "queues", list);
	text = list != NULL ? json_dumps(list, JSON_COMPACT) : NULL;
	json_decref(list);
	if (text == NULL)
		return NULL;
	len = strlen(text);
	s = xmalloc(sizeof(*s) + len + 1);
	s->refs = 1;
	s->len = len + 1;
	memcpy(s->data, text, len);
	s->data[len] = '\n';
	free(text);
	snprintf(s->etag, sizeof(s->etag), "\"q%lu\"", ++made);
	if (queues_made != NULL)
		snapshot_drop(NULL, 0, queues_made);
	queues_made = s;
	queues_changes = w->changes;
	queues_at = now;
	return s;
}

/* GET /api/v1/queues and /api/v1/queues/CHANNEL/NAME */
static void
api_queues(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct queue	*q;
	struct snapshot	*s;
	const char	*why;
	double		 now = util_now();

	if (!http_want_get(req))
		return;
	if (rest[0] == '/' && rest[1] != '\0') {
		/* Echo the id only once it is known to be plain ASCII. */
		if (parse_queue_id(rest + 1, &why) == -1) {
			http_error(req, 404, "no such queue");
			return;
		}
		if ((q = map_get(w->queues, rest + 1)) == NULL) {
			http_error(req, 404, "no such queue: %s", rest + 1);
			return;
		}
		http_reply_json(req, 200, queue_json(q, now));
		return;
	}
	if (rest[0] != '\0' && strcmp(rest, "/") != 0) {
		http_error(req, 404, "no such path");
		return;
	}
	if ((s = queues_snapshot(w, now)) == NULL) {
		http_reply_json(req, 500, NULL);	/* says why */
		return;
	}
	s->refs++;
	http_reply_shared(req, "application/json; charset=utf-8", "no-store",
	    s->etag, s->data, s->len, snapshot_drop, s);
}

/* An alert with what sorts it: worst first, then by queue and norm. */
struct alert_ref {
	const struct queue *q;
	const struct queue_alert *qa;
	int		 rank;
};

static int
by_severity(const void *a, const void *b)
{
	const struct alert_ref *x = a, *y = b;
	int	 c;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if ((c = strcmp(x->q->conf->id, y->q->conf->id)) != 0)
		return c;
	return strcmp(queue_alert_name(x->qa), queue_alert_name(y->qa));
}

/* Critical 0, warning 1, stale 2; -1 for an alert at rest. */
static int
active_rank(enum alert_state s)
{
	return s == ALERT_CRITICAL ? 0 : s == ALERT_WARNING ? 1 :
	    s == ALERT_STALE ? 2 : -1;
}

/* The alert "CHANNEL/NAME/NORM" (len bytes of id) and its queue; NULL
 * when none. */
struct queue_alert *
api_find_alert(const struct map *queues, const char *id, size_t len,
    struct queue **q)
{
	const char	*why;
	char		 qid[160], name[80];
	const char	*slash;

	if (len >= sizeof(qid))
		return NULL;
	snprintf(qid, sizeof(qid), "%.*s", (int)len, id);
	if ((slash = strrchr(qid, '/')) == NULL ||
	    strlen(slash + 1) >= sizeof(name))
		return NULL;
	snprintf(name, sizeof(name), "%s", slash + 1);
	qid[slash - qid] = '\0';
	if (parse_queue_id(qid, &why) == -1 ||
	    (*q = map_get(queues, qid)) == NULL)
		return NULL;
	return queue_alert(*q, name);
}

static void
reply_alert(struct evhttp_request *req, struct wachtd *w, int code,
    struct queue *q, const struct queue_alert *qa)
{
	struct queue_view v;
	char		 url[300];

	queue_view(q, util_now(), &v);
	http_reply_json(req, code, queue_alert_json(q, qa, &v,
	    config_url(w->conf, url, sizeof(url))));
}

/*
 * POST /api/v1/alerts/ID/ack {"by", "comment", "expires": "2h"}: someone
 * takes the alert on; repeats and escalation stop until it gets worse.
 */
static void
ack_alert(struct evhttp_request *req, struct wachtd *w,
    struct queue *q, struct queue_alert *qa)
{
	const char	*why, *by, *comment, *expires;
	double		 now = util_now(), secs = 0;
	json_t		*body;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		http_not_allowed(req, "POST");
		return;
	}
	if ((body = http_body_json(req)) == NULL)
		return;
	by = json_string_value(json_object_get(body, "by"));
	comment = json_string_value(json_object_get(body, "comment"));
	expires = json_string_value(json_object_get(body, "expires"));
	if (json_object_get(body, "comment") != NULL && comment == NULL)
		http_error(req, 400, "comment must be a string");
	else if (json_object_get(body, "expires") != NULL && (expires == NULL ||
	    parse_duration(expires, &secs, &why) == -1 || secs <= 0))
		http_error(req, 400, "expires must be a duration like 2h");
	else if (alert_ack(&qa->a, by, comment, secs > 0 ? now + secs : 0,
	    now, &why) == -1)
		http_error(req, alert_active(qa->a.state) ? 400 : 409, "%s",
		    why);
	else {
		log_info("alert %s/%s acknowledged by %s", q->conf->id,
		    queue_alert_name(qa), qa->a.ack.by);
		qa->changed = 1;
		wachtd_alerts_changed(q);
		reply_alert(req, w, 200, q, qa);
	}
	json_decref(body);
}

/* /api/v1/alerts/CHANNEL/NAME/NORM[/ack] */
static void
api_alert(struct evhttp_request *req, struct wachtd *w, const char *id)
{
	struct queue	*q;
	struct queue_alert *qa;
	size_t		 len = strlen(id);
	int		 ack = len > 4 && strcmp(id + len - 4, "/ack") == 0;

	if ((qa = api_find_alert(w->queues, id, ack ? len - 4 : len,
	    &q)) == NULL)
		http_error(req, 404, "no such alert");
	else if (ack)
		ack_alert(req, w, q, qa);
	else if (http_want_get(req))
		reply_alert(req, w, 200, q, qa);
}

/* GET /api/v1/alerts: the active alerts (critical, warning, stale). */
static void
api_alerts(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct alert_ref *refs;
	struct queue	**all;
	struct queue_view v;
	json_t		*list;
	size_t		 n, i, j, nrefs = 0, max = 0;
	double		 now = util_now();
	char		 url[300];

	if (rest[0] == '/' && rest[1] != '\0') {
		api_alert(req, w, rest + 1);
		return;
	}
	if (!http_want_get(req))
		return;
	if (rest[0] != '\0' && strcmp(rest, "/") != 0) {
		http_error(req, 404, "no such path");
		return;
	}
	all = sorted_queues(w, &n);
	for (i = 0; i < n; i++)
		max += all[i]->nalerts;
	refs = xcalloc(max + 1, sizeof(*refs));
	for (i = 0; i < n; i++)
		for (j = 0; j < all[i]->nalerts; j++)
			if ((refs[nrefs].rank = active_rank(
			    all[i]->alerts[j].a.state)) >= 0) {
				refs[nrefs].q = all[i];
				refs[nrefs++].qa = &all[i]->alerts[j];
			}
	qsort(refs, nrefs, sizeof(*refs), by_severity);
	config_url(w->conf, url, sizeof(url));
	list = json_array();
	for (i = 0; i < nrefs; i++) {
		queue_view(refs[i].q, now, &v);
		json_array_append_new(list, queue_alert_json(refs[i].q,
		    refs[i].qa, &v, url));
	}
	free(refs);
	free(all);
	http_reply_json(req, 200, json_pack("{s:o}", "alerts", list));
}

/* POST /api/v1/silences: 201 with the new silence. */
static void
add_silence(struct evhttp_request *req, struct wachtd *w)
{
	struct silence_spec sp;
	struct silence	*s;
	const char	*why;
	double		 now = util_now();
	json_t		*body;
	char		 until[40];

	if ((body = http_body_json(req)) == NULL)
		return;
	if (json_object_get(body, "id") != NULL ||
	    json_object_get(body, "created") != NULL)
		http_error(req, 400, "id and created are the daemon's to set");
	else if (silence_from_json(body, now, &sp, &why) == -1 ||
	    silence_add(&w->silences, &sp, now, &why, &s) == -1)
		http_error(req, 400, "%s", why);
	else {
		log_info("silence %s by %s: queue %s, norm %s, until %s",
		    s->id, s->by, s->queue, s->norm,
		    util_iso8601(s->ends, until, sizeof(until)));
		http_reply_json(req, 201, silence_json(s));
		wachtd_alerts_changed(NULL);
	}
	json_decref(body);
}

/*
 * GET|POST /api/v1/silences, DELETE /api/v1/silences/ID. Silences that
 * ended are dropped at the step tick, so the list is what is in force or
 * still to come.
 */
static void
api_silences(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	json_t		*list;
	size_t		 i;

	if (rest[0] == '/' && rest[1] != '\0') {
		if (cmd != EVHTTP_REQ_DELETE)
			http_not_allowed(req, "DELETE");
		else if (silence_del(&w->silences, rest + 1) == -1)
			http_error(req, 404, "no such silence");
		else {
			log_info("silence %s deleted", rest + 1);
			http_reply_json(req, 200, json_pack("{s:s}", "deleted",
			    rest + 1));
			wachtd_alerts_changed(NULL);
		}
		return;
	}
	if (rest[0] != '\0' && strcmp(rest, "/") != 0)
		http_error(req, 404, "no such path");
	else if (cmd == EVHTTP_REQ_POST)
		add_silence(req, w);
	else if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD) {
		list = json_array();
		for (i = 0; i < w->silences.n; i++)
			json_array_append_new(list,
			    silence_json(&w->silences.list[i]));
		http_reply_json(req, 200, json_pack("{s:o}", "silences",
		    list));
	} else
		http_not_allowed(req, "GET, HEAD, POST");
}

/* GET /healthz: 200 while the loop runs and the broker is connected. */
static void
api_healthz(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	int		 ok = mq_connected(w->mq);

	if (!http_want_get(req))
		return;
	if (rest[0] != '\0') {
		http_error(req, 404, "no such path");
		return;
	}
	http_reply_json(req, ok ? 200 : 503, json_pack("{s:s, s:b}",
	    "status", ok ? "ok" : "broker not connected", "broker", ok));
}

/* GET /api/v1/status: the daemon's own health, with counted rejects. */
static void
api_status(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct store_stats st;
	struct notify_stats ns;
	struct http_stats hs;
	json_t		*rejected, *j;
	const char	*id;
	void		*val;
	size_t		 pos = 0;
	uint64_t	 lost = 0;
	int		 r;

	if (!http_want_get(req))
		return;
	if (rest[0] != '\0') {
		http_error(req, 404, "no such path");
		return;
	}
	rejected = json_object();
	for (r = 0; r < REJECT_COUNT; r++)
		json_object_set_new(rejected, reject_name(r),
		    json_integer((json_int_t)w->ingest->rejected[r]));
	store_stats(w->store, &st);
	notify_stats(w->notify, &ns);
	/* Steps a stalled loop let fall out of a queue's outbox. */
	while (map_next(w->queues, &pos, &id, &val))
		lost += ((struct queue *)val)->steps_lost;
	http_stats(w->http, &hs);
	j = json_pack("{s:s, s:b, s:f, s:I, s:I, s:o, s:I,"
	    " s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f},"
	    " s:{s:f, s:f, s:f, s:f}, s:{s:I, s:I, s:I, s:I, s:I}}",
	    "version", WACHTD_VERSION,
	    "broker", mq_connected(w->mq),
	    "step", w->conf->step,
	    "queues", (json_int_t)map_count(w->queues),
	    "accepted", (json_int_t)w->ingest->accepted,
	    "rejected", rejected,
	    "uptime", (json_int_t)(util_now() - w->started),
	    "history",
	    "steps_queued", (json_int_t)st.queued,
	    "writes", (json_int_t)st.writes,
	    "errors", (json_int_t)st.errors,
	    "refused", (json_int_t)st.refused,
	    "skipped", (json_int_t)st.skipped,
	    "lost", (json_int_t)lost,
	    "dropped", (json_int_t)st.dropped,
	    "pending", (json_int_t)st.pending,
	    "write_max_ms", st.write_max * 1000,
	    "loop",
	    "step_ms", w->step_last * 1000,
	    "step_max_ms", w->step_max * 1000,
	    "step_cpu_max_ms", w->step_cpu_max * 1000,
	    "step_span_ms", w->step_span * 1000,
	    "notify",
	    "sent", (json_int_t)ns.sent,
	    "retried", (json_int_t)ns.retried,
	    "failed", (json_int_t)ns.failed,
	    "dropped", (json_int_t)ns.dropped,
	    "queued", (json_int_t)ns.queued);
	/* Sign-ins: "checked" grows only with new or failing ones. */
	if (j != NULL)
		json_object_set_new(j, "auth", json_pack("{s:b, s:I, s:I, s:I, "
		    "s:I}", "asks", w->conf->auth_file != NULL,
		    "checked", (json_int_t)hs.auth.checked,
		    "cached", (json_int_t)hs.auth.cached,
		    "refused", (json_int_t)hs.auth.refused,
		    "limited", (json_int_t)hs.auth.limited));
	http_reply_json(req, 200, j);
}

/* Local midnight at the start of YYYYMMDD plus `days` (mktime
 * normalises the 32nd). */
static long
local_midnight(int ymd, int days)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = ymd / 10000 - 1900;
	tm.tm_mon = ymd / 100 % 100 - 1;
	tm.tm_mday = ymd % 100 + days;
	tm.tm_isdst = -1;
	return (long)mktime(&tm);
}

/*
 * "1764412345" or "2026-11-29" (local midnight), from 2000 to 2099;
 * -1 otherwise. librrd reads small numbers as something else entirely
 * (a month, or seconds relative to the end).
 */
static long
parse_instant(const char *s)
{
	const char	*why;
	long		 v;
	int		 ymd;

	if (parse_int(s, 946684800L, 4102444800L, &v, &why) == 0)
		return v;
	if (parse_date(s, &ymd, &why) == -1 || ymd < 20000101 ||
	    ymd > 20991231)
		return -1;
	return local_midnight(ymd, 0);
}

/* The norm line of a graph, from the queue's norms. */
static void
graph_norm(const struct queue_conf *qc, int metric, struct graph_spec *gs)
{
	const struct norm_conf *n;

	gs->norm = NAN;
	gs->norm_unit = "";
	switch (graph_metric_norm(metric)) {
	case GRAPH_NORM_WAIT:
		if ((n = config_queue_norm(qc, NORM_ANSWER_WITHIN)) != NULL)
			gs->norm = n->answer_within;
		else if ((n = config_queue_norm(qc, NORM_MAX_WAIT)) != NULL)
			gs->norm = n->max_wait;
		gs->norm_unit = " s";
		break;
	case GRAPH_NORM_TARGET:
		if ((n = config_queue_norm(qc, NORM_ANSWER_WITHIN)) != NULL)
			gs->norm = n->target;
		gs->norm_unit = "%";
		break;
	case GRAPH_NORM_AGE:
		n = config_queue_norm(qc, NORM_RESPOND_WITHIN);
		if (n != NULL && n->respond_workdays == 0)
			gs->norm = n->respond_within / 3600;
		gs->norm_unit = " uur";
		break;
	case GRAPH_NORM_DIRECT:
		if ((n = config_queue_norm(qc, NORM_DIRECT_TARGET)) != NULL)
			gs->norm = n->direct_target;
		gs->norm_unit = "%";
		break;
	case GRAPH_NORM_RATING5:
	case GRAPH_NORM_RATING10:
		/* An average score, at the same point of either scale. */
		n = config_queue_norm(qc, NORM_RATING_TARGET);
		if (n != NULL && !n->rating_share)
			gs->norm = quality_rescale(n->rating_target,
			    n->rating_scale, graph_metric_norm(metric) ==
			    GRAPH_NORM_RATING10 ? 10 : 5);
		break;
	default:
		break;
	}
}

/*
 * The graph that rest ("CHANNEL/NAME/METRIC.png") and query ("range=week")
 * of GET /graph/ ask for, at now in steps of step seconds: 0 with *gs
 * (but for its norm and files) and *q, or the HTTP status with why. Pure,
 * so that it is fuzzed without a request (tests/fuzz/fuzz_http.c).
 */
int
api_graph_parse(const struct map *queues, const char *rest,
    const char *query, long now, long step, struct graph_spec *gs,
    struct queue **q, char *why, size_t len)
{
	static const struct { const char *name; long secs; } ranges[] = {
		{ "day", 86400 }, { "week", 7 * 86400 },
		{ "month", 31 * 86400 }, { "year", 366 * 86400 }
	};
	struct evkeyvalq params;
	struct evkeyval	*kv;
	const char	*slash, *dot, *reason;
	char		 id[160], metric[32];
	long		 span = 86400, v;
	size_t		 i;
	int		 m, code = 400;

	memset(gs, 0, sizeof(*gs));
	if ((slash = strrchr(rest, '/')) == NULL ||
	    (size_t)(slash - rest) >= sizeof(id) ||
	    (dot = strrchr(slash, '.')) == NULL ||
	    (size_t)(dot - slash - 1) >= sizeof(metric)) {
		snprintf(why, len, "no such graph");
		return 404;
	}
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	memcpy(metric, slash + 1, (size_t)(dot - slash - 1));
	metric[dot - slash - 1] = '\0';
	if (parse_queue_id(id, &reason) == -1 ||
	    (*q = map_get(queues, id)) == NULL) {
		snprintf(why, len, "no such queue");
		return 404;
	}
	if ((m = graph_metric(metric)) == -1 ||
	    (strcmp(dot, ".png") != 0 && strcmp(dot, ".svg") != 0)) {
		snprintf(why, len, "no such graph: use METRIC.png or .svg "
		    "with waiting, longest_wait, ewt, wait, agents, backlog, "
		    "oldest_age, arrived, answered, abandoned or sl");
		return 404;
	}
	gs->metric = m;
	gs->svg = strcmp(dot, ".svg") == 0;
	gs->width = 800;
	gs->height = 300;
	/* "Now" in whole steps, so one render serves the whole step. */
	gs->end = now / step * step;
	gs->start = -1;

	TAILQ_INIT(&params);
	if (query != NULL && evhttp_parse_query_str(query, &params) != 0) {
		snprintf(why, len, "malformed query string");
		return 400;
	}
	TAILQ_FOREACH(kv, &params, next) {
		if (strcmp(kv->key, "range") == 0) {
			for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
				if (strcmp(kv->value, ranges[i].name) == 0)
					break;
			if (i == sizeof(ranges) / sizeof(ranges[0])) {
				snprintf(why, len, "range must be day, week, "
				    "month or year");
				goto out;
			}
			span = ranges[i].secs;
		} else if (strcmp(kv->key, "start") == 0 ||
		    strcmp(kv->key, "end") == 0) {
			if ((v = parse_instant(kv->value)) == -1) {
				snprintf(why, len, "%s must be epoch seconds or "
				    "a date like 2026-11-29, in 2000-2099",
				    kv->key);
				goto out;
			}
			*(kv->key[0] == 's' ? &gs->start : &gs->end) = v;
		} else if (strcmp(kv->key, "width") == 0 ||
		    strcmp(kv->key, "height") == 0) {
			int	 wide = kv->key[0] == 'w';

			if (parse_int(kv->value, wide ? 200 : 100,
			    wide ? 3000 : 2000, &v, &reason) == -1) {
				snprintf(why, len, "%s must be a whole number "
				    "from %d to %d", kv->key, wide ? 200 : 100,
				    wide ? 3000 : 2000);
				goto out;
			}
			*(wide ? &gs->width : &gs->height) = (int)v;
		} else {
			snprintf(why, len, "unknown parameter (use range, "
			    "start, end, width, height)");
			goto out;
		}
	}
	if (gs->start == -1)
		gs->start = gs->end - span;
	if (gs->start >= gs->end) {
		snprintf(why, len, "start must lie before end");
		goto out;
	}
	snprintf(gs->key, sizeof(gs->key), "%s/%s%s?%ld-%ld/%dx%d", id, metric,
	    dot, gs->start, gs->end, gs->width, gs->height);
	code = 0;
out:
	evhttp_clear_headers(&params);
	return code;
}

/*
 * GET /graph/CHANNEL/NAME/METRIC.png|svg?range=&start=&end=&width=&height=
 * Checks everything here, so the render thread only draws.
 */
static void
api_graph(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct graph_spec gs;
	struct queue	*q;
	char		 why[256];
	long		 step = (long)w->conf->step;
	long		 now = (long)util_now();
	int		 code;

	if (!http_want_get(req))
		return;
	if ((code = api_graph_parse(w->queues, rest, evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req)), now, step, &gs, &q, why,
	    sizeof(why))) != 0) {
		http_error(req, code, "%s", why);
		return;
	}
	graph_norm(q->conf, gs.metric, &gs);
	snprintf(gs.rrd, sizeof(gs.rrd), "%s/rrd/%s.rrd", w->conf->state_dir,
	    q->conf->id);
	snprintf(gs.daemon, sizeof(gs.daemon), "%s", w->conf->rrdcached != NULL ?
	    w->conf->rrdcached : "");
	graph_request(w->graph, req, &gs, now / step);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/report?from=DATE&to=DATE: read off the loop (work.c) */

struct report_item {
	char		 id[128];
	char		*label;
	char		*path;
	int		 has_norm;
	struct report_norm norm;
	struct quality_norms quality;
	struct report_tally tally;
	char		 error[256];
};

struct report_job {
	struct evhttp_request *req;	/* NULL once the client went away */
	char		 from[16], to[16];
	double		 start, end, now;
	char		*daemon;	/* rrdcached to flush first, or NULL */
	struct report_item *items;
	size_t		 n;
};

/* The norm a queue answers to, as the report judges it. */
static int
report_norm_of(const struct queue_conf *qc, struct report_norm *rn)
{
	static const enum norm_kind kinds[] = {
		NORM_ANSWER_WITHIN, NORM_MAX_WAIT, NORM_RESPOND_WITHIN
	};
	const struct norm_conf *n = NULL;
	size_t	 i;

	for (i = 0; i < 3 && n == NULL; i++)
		n = config_queue_norm(qc, kinds[i]);
	if (n == NULL)
		return 0;
	memset(rn, 0, sizeof(*rn));
	snprintf(rn->name, sizeof(rn->name), "%s", n->name);
	rn->kind = n->kind;
	rn->target = 100;	/* "nobody waits longer", "every e-mail" */
	if (n->kind == NORM_ANSWER_WITHIN) {
		rn->limit = n->answer_within;
		rn->target = n->target;
		rn->count_abandoned = n->abandoned == ABANDON_COUNT;
	} else if (n->kind == NORM_MAX_WAIT)
		rn->limit = n->max_wait;
	else {
		rn->limit = n->respond_within;
		rn->workdays = n->respond_workdays;
	}
	return 1;
}

/* In the worker: one fetch of one file, added to its tally. */
static int
report_fetch(struct report_item *it, const struct report_job *j,
    const char *cf)
{
	time_t		 start = (time_t)j->start, end = (time_t)j->end;
	unsigned long	 step = 1, ds_cnt = 0, i;
	char		**names = NULL;
	rrd_value_t	*data = NULL;
	size_t		 rows;

	rrd_clear_error();
	if (rrd_fetch_r(it->path, cf, &start, &end, &step, &ds_cnt, &names,
	    &data) != 0) {
		if (strcmp(cf, "MAX") != 0 && access(it->path, F_OK) == 0)
			snprintf(it->error, sizeof(it->error), "%s",
			    rrd_get_error());
		return -1;
	}
	rows = step > 0 ? (size_t)((end - start) / (time_t)step) : 0;
	report_tally_rows(&it->tally, it->has_norm ? &it->norm : NULL,
	    j->start, j->end, (double)start + (double)step, step, ds_cnt,
	    names, data, rows, strcmp(cf, "MAX") == 0);
	for (i = 0; i < ds_cnt; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return 0;
}

static void
report_run(void *arg)
{
	struct report_job *j = arg;
	struct report_item *it;
	size_t		 i;

	for (i = 0; i < j->n; i++) {
		it = &j->items[i];
		if (j->daemon != NULL)	/* what it holds counts too */
			store_flush_file(j->daemon, it->path);
		if (report_fetch(it, j, "AVERAGE") == 0)
			report_fetch(it, j, "MAX");
	}
}

static json_t *
report_norm_json(const struct report_norm *n)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:f, s:f}", "name", n->name, "kind",
	    config_norm_kind_name(n->kind), "limit", n->limit, "target",
	    n->target);
	if (n->workdays > 0)
		json_object_set_new(o, "workdays", json_integer(n->workdays));
	return o;
}

/* One row of the contract: figures, with who they are about. */
static json_t *
report_row(const char *id, const char *channel, const char *label,
    const struct report_tally *t, const struct report_norm *n,
    const struct quality_norms *q)
{
	json_t	*o = report_tally_json(t, n);

	report_quality_json(o, t, q);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "channel", json_string(channel));
	json_object_set_new(o, "label", json_string(label));
	json_object_set_new(o, "norm", n != NULL ? report_norm_json(n) :
	    json_null());
	json_object_set_new(o, "resolution", t->resolution > 0 ?
	    json_integer((json_int_t)t->resolution) : json_null());
	return o;
}

static void
report_free(struct report_job *j)
{
	size_t	 i;

	for (i = 0; i < j->n; i++) {
		free(j->items[i].label);
		free(j->items[i].path);
	}
	free(j->items);
	free(j->daemon);
	free(j);
}

/* Back in the loop: the answer, unless the client left. */
static void
report_done(void *arg, int ran)
{
	struct report_job *j = arg;
	struct report_tally channel, total;
	json_t		*queues, *channels, *o;
	char		 start[40], end[40], now[40], chan[64];
	size_t		 i, len;

	/* Stopping (not ran): the listener goes too, no answer. */
	if (!http_release(&j->req) || !ran)
		goto out;
	for (i = 0; i < j->n; i++)
		if (j->items[i].error[0] != '\0') {
			log_warnx("report: %s: %s", j->items[i].path,
			    j->items[i].error);
			http_error(j->req, 500, "the history of %s could not be "
			    "read", j->items[i].id);
			goto out;
		}
	queues = json_array();
	channels = json_array();
	report_tally_init(&total);
	report_tally_init(&channel);
	chan[0] = '\0';
	for (i = 0; i <= j->n; i++) {
		const struct report_item *it = &j->items[i];

		len = i < j->n ? strcspn(it->id, "/") : 0;
		if (chan[0] != '\0' && (i == j->n ||
		    strlen(chan) != len || strncmp(chan, it->id, len) != 0)) {
			json_array_append_new(channels, report_row(chan, chan,
			    chan, &channel, NULL, NULL));
			report_tally_init(&channel);
		}
		if (i == j->n)
			break;
		snprintf(chan, sizeof(chan), "%.*s", (int)len, it->id);
		json_array_append_new(queues, report_row(it->id, chan,
		    it->label, &it->tally, it->has_norm ? &it->norm : NULL,
		    &it->quality));
		report_tally_add(&channel, &it->tally);
		report_tally_add(&total, &it->tally);
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
	    "from", j->from, "to", j->to,
	    "start", util_iso8601(j->start, start, sizeof(start)),
	    "end", util_iso8601(j->end, end, sizeof(end)),
	    "timezone", getenv("TZ") != NULL ? getenv("TZ") : "",
	    "generated", util_iso8601(j->now, now, sizeof(now)),
	    "queues", queues, "channels", channels,
	    "total", report_row("totaal", "", "Totaal", &total, NULL,
	    NULL));
	http_reply_json(j->req, 200, o);
out:
	report_free(j);
}

/* ------------------------------------------------------------------ */
/* The last quarter for the public page ([http] public_experience) */

struct experience_job {
	struct wachtd	*w;
	struct report_job *rj;
	int		 year, quarter;
	uint64_t	 generation;	/* of the configuration it read for */
};

#define EXPERIENCE_RETRY 3600.0	/* s after a failed read */

static void
experience_run(void *arg)
{
	struct experience_job *e = arg;

	report_run(e->rj);
}

/* Back in the loop: the public queues' counts, summed. */
static void
experience_done(void *arg, int ran)
{
	struct experience_job *e = arg;
	struct report_tally total;
	struct board_experience *x = &e->w->experience;
	size_t		 i;
	int		 failed = 0;

	e->w->experience_busy = 0;
	report_tally_init(&total);
	for (i = 0; i < e->rj->n; i++) {
		failed |= e->rj->items[i].error[0] != '\0';
		report_tally_add(&total, &e->rj->items[i].tally);
	}
	/* A reload meanwhile may have made other queues public. */
	if (!ran || e->generation != e->w->experience_generation)
		goto out;
	if (failed) {
		log_warnx("public_experience: the history of the last quarter "
		    "could not be read; trying again in an hour");
		e->w->experience_retry = e->rj->now + EXPERIENCE_RETRY;
		goto out;
	}
	memset(x, 0, sizeof(*x));
	x->year = e->year;
	x->quarter = e->quarter;
	report_tally_quality(&total, &x->quality);
out:
	report_free(e->rj);
	free(e);
}

void
api_experience(struct wachtd *w, double now)
{
	struct experience_job *e;
	struct report_job *j;
	struct queue	**all;
	struct tm	 tm;
	time_t		 t = (time_t)now;
	size_t		 n, i;
	int		 year, quarter, first;

	if (!w->conf->public_experience || w->experience_busy ||
	    now < w->experience_retry)
		return;
	/* An hour into a quarter: the last steps of the one before are on
	 * disk by then. */
	t -= 3600;
	localtime_r(&t, &tm);
	year = tm.tm_year + 1900;
	quarter = tm.tm_mon / 3;	/* the one before this, 1 to 4 */
	if (quarter == 0) {
		year--;
		quarter = 4;
	}
	if (w->experience.year == year && w->experience.quarter == quarter)
		return;
	first = year * 10000 + (3 * quarter - 2) * 100 + 1;
	j = xcalloc(1, sizeof(*j));
	j->start = (double)local_midnight(first, 0);
	j->end = (double)local_midnight(quarter == 4 ? (year + 1) * 10000 +
	    101 : year * 10000 + (3 * quarter + 1) * 100 + 1, 0);
	j->now = now;
	j->daemon = w->conf->rrdcached != NULL ?
	    xstrdup(w->conf->rrdcached) : NULL;
	all = sorted_queues(w, &n);
	j->items = xcalloc(n + 1, sizeof(*j->items));
	for (i = 0; i < n; i++) {
		const struct queue_conf *qc = all[i]->conf;
		struct report_item *it = &j->items[j->n];

		if (!qc->public)
			continue;
		snprintf(it->id, sizeof(it->id), "%s", qc->id);
		xasprintf(&it->path, "%s/rrd/%s.rrd", w->conf->state_dir,
		    qc->id);
		report_tally_init(&it->tally);
		j->n++;
	}
	free(all);
	e = xcalloc(1, sizeof(*e));
	e->w = w;
	e->rj = j;
	e->year = year;
	e->quarter = quarter;
	e->generation = w->experience_generation;
	w->experience_busy = 1;
	work_submit(w->work, experience_run, experience_done, e);
}

/*
 * The days the query of GET /api/v1/report asks for, "from=2026-07-01&
 * to=2026-09-30" (both included), as YYYYMMDD: 0, or -1 with why (a 400).
 * Pure, as api_graph_parse.
 */
int
api_report_parse(const char *query, int *ymd_from, int *ymd_to,
    const char **why)
{
	struct evkeyvalq params;
	const char	*from, *to, *reason;
	int		 rc = -1;

	TAILQ_INIT(&params);
	if (query == NULL || evhttp_parse_query_str(query, &params) != 0) {
		*why = "use /api/v1/report?from=YYYY-MM-DD&to=YYYY-MM-DD";
		goto out;
	}
	from = evhttp_find_header(&params, "from");
	to = evhttp_find_header(&params, "to");
	if (from == NULL || to == NULL ||
	    parse_date(from, ymd_from, &reason) == -1 ||
	    parse_date(to, ymd_to, &reason) == -1) {
		*why = "from and to must be dates like 2026-07-01 (both days "
		    "included)";
		goto out;
	}
	if (*ymd_from > *ymd_to) {
		*why = "from must not lie after to";
		goto out;
	}
	if (local_midnight(*ymd_from, 0) < local_midnight(*ymd_to, 1) -
	    10 * 366 * 86400L) {
		*why = "at most 10 years are kept";
		goto out;
	}
	rc = 0;
out:
	evhttp_clear_headers(&params);
	return rc;
}

static void
api_report(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct report_job *j;
	struct queue	**all;
	const char	*why;
	size_t		 n, i;
	int		 ymd_from, ymd_to;

	if (!http_want_get(req))
		return;
	if (rest[0] != '\0') {
		http_error(req, 404, "no such path");
		return;
	}
	if (api_report_parse(evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req)), &ymd_from, &ymd_to,
	    &why) == -1) {
		http_error(req, 400, "%s", why);
		return;
	}
	if (work_queued(w->work) >= WORK_QUEUED_MAX) {
		http_busy(req);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	/* As asked: parse_date takes YYYY-MM-DD only. */
	snprintf(j->from, sizeof(j->from), "%04d-%02d-%02d", ymd_from / 10000,
	    ymd_from / 100 % 100, ymd_from % 100);
	snprintf(j->to, sizeof(j->to), "%04d-%02d-%02d", ymd_to / 10000,
	    ymd_to / 100 % 100, ymd_to % 100);
	j->start = (double)local_midnight(ymd_from, 0);
	j->end = (double)local_midnight(ymd_to, 1);
	j->now = util_now();
	j->daemon = w->conf->rrdcached != NULL ? xstrdup(w->conf->rrdcached) :
	    NULL;
	all = sorted_queues(w, &n);
	j->items = xcalloc(n + 1, sizeof(*j->items));
	j->n = n;
	for (i = 0; i < n; i++) {
		struct report_item *it = &j->items[i];
		const struct queue_conf *qc = all[i]->conf;

		snprintf(it->id, sizeof(it->id), "%s", qc->id);
		it->label = xstrdup(qc->label != NULL ? qc->label : qc->id);
		xasprintf(&it->path, "%s/rrd/%s.rrd", w->conf->state_dir,
		    qc->id);
		it->has_norm = report_norm_of(qc, &it->norm);
		config_quality_norms(qc, &it->quality);
		report_tally_init(&it->tally);
		it->tally.expected = fmax(0, fmin(j->end, j->now) - j->start);
	}
	free(all);
	http_hold(req, &j->req);
	work_submit(w->work, report_run, report_done, j);
}

/* A POST without a body: reload and flush take no arguments. */
static int
want_post(struct evhttp_request *req, const char *rest)
{
	if (rest[0] != '\0') {
		http_error(req, 404, "no such path");
		return 0;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		http_not_allowed(req, "POST");
		return 0;
	}
	return 1;
}

/* POST /api/v1/reload: as SIGHUP, with the answer whether it took. */
static void
api_reload(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	json_t		*errors, *e;
	size_t		 i;
	int		 moves = 0;

	if (!want_post(req, rest))
		return;
	errors = json_array();
	if (wachtd_check_config(errors, &moves) == -1) {
		/* Refused as a reload is: in the log too. */
		json_array_foreach(errors, i, e)
			log_warnx("%s", json_string_value(e));
		log_warnx("reload over HTTP: %s has errors; still running "
		    "the previous configuration", wachtd_config_path());
	}
	if (json_array_size(errors) > 0 ||
	    (!moves && wachtd_reload(errors) == -1)) {
		http_reply_json(req, 409, json_pack("{s:s, s:o}", "error",
		    "the configuration was refused; still running the "
		    "previous one", "errors", errors));
		return;
	}
	json_decref(errors);
	if (moves) {
		/* The reload frees this very listener, and the answer with
		 * it: it comes a moment after the answer instead. */
		wachtd_reload_later();
		http_reply_json(req, 202, json_pack("{s:b}", "reloading", 1));
	} else
		http_reply_json(req, 200, json_pack("{s:b, s:I}", "reloaded",
		    1, "queues", (json_int_t)map_count(w->queues)));
}

/* GET /api/v1/config/check: the file a reload would read, not applied. */
static void
api_config(struct evhttp_request *req, const char *rest, void *arg)
{
	json_t		*errors;
	int		 ok;

	(void)arg;
	if (!http_want_get(req))
		return;
	if (strcmp(rest, "/check") != 0) {
		http_error(req, 404, "no such path");
		return;
	}
	errors = json_array();
	ok = wachtd_check_config(errors, NULL) == 0;
	http_reply_json(req, 200, json_pack("{s:s, s:b, s:o}", "path",
	    wachtd_config_path(), "ok", ok, "errors", errors));
}

/* POST /api/v1/flush: answered once every completed step is on disk. */
static void
flush_done(void *arg, int ran)
{
	struct evhttp_request **slot = arg;

	if (http_release(slot) && ran)
		http_reply_json(*slot, 200, json_pack("{s:b}", "flushed", 1));
	free(slot);
}

static void
api_flush(struct evhttp_request *req, const char *rest, void *arg)
{
	struct evhttp_request **slot;

	(void)arg;
	if (!want_post(req, rest))
		return;
	slot = xcalloc(1, sizeof(*slot));
	http_hold(req, slot);
	wachtd_flush(flush_done, slot);
}

/* GET /metrics: copied here, written out by the worker. */
struct metrics_job {
	struct evhttp_request *req;	/* NULL once the client left */
	struct metrics	*m;
	char		*text;
	size_t		 len;
};

static void
metrics_run(void *arg)
{
	struct metrics_job *j = arg;

	j->text = metrics_format(j->m, &j->len);
}

static void
metrics_done(void *arg, int ran)
{
	struct metrics_job *j = arg;

	if (http_release(&j->req) && ran)
		http_reply_data(j->req, "text/plain; version=0.0.4; "
		    "charset=utf-8", "no-store", j->text, j->len);
	metrics_free(j->m);
	free(j->text);
	free(j);
}

static void
api_metrics(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct metrics_job *j;

	if (!http_want_get(req))
		return;
	if (rest[0] != '\0') {
		http_error(req, 404, "no such path");
		return;
	}
	if (work_queued(w->work) >= WORK_QUEUED_MAX) {
		http_busy(req);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->m = metrics_take(w);
	http_hold(req, &j->req);
	work_submit(w->work, metrics_run, metrics_done, j);
}

/* GET / and /dashboard/NAME: the manager dashboard, compiled in. Paths
 * no route takes come here too, and get the JSON 404. */
static void
api_dashboard(struct evhttp_request *req, const char *rest, void *arg)
{
	const struct asset *a = NULL;
	const char	*name = NULL;

	(void)arg;
	if (rest[0] == '\0')
		name = "index.html";
	else if (strncmp(rest, "dashboard/", 10) == 0 &&
	    strchr(rest + 10, '/') == NULL)
		name = rest + 10;
	if (name == NULL || (a = http_asset(name)) == NULL) {
		http_error(req, 404, "no such path");
		return;
	}
	if (!http_want_get(req))
		return;
	http_header(req, "X-Content-Type-Options", "nosniff");
	if (rest[0] == '\0') {
		http_header(req, "Content-Security-Policy", "default-src "
		    "'self'; img-src 'self' data:; frame-ancestors 'none'");
		http_header(req, "Referrer-Policy", "same-origin");
	}
	http_reply_asset(req, a);
}

/* Basic auth on the internal listener while [http] auth_file is set. */
static int
api_asks(void *arg)
{
	const struct wachtd *w = arg;

	return w->conf->auth_file != NULL;
}

static const char *
api_user_hash(const char *user, void *arg)
{
	const struct wachtd *w = arg;

	return config_user_hash(w->conf, user);
}

void
api_register(struct http *h, struct wachtd *w)
{
	/* Monitoring probes check the daemon without a password. */
	http_auth(h, "/healthz", api_asks, api_user_hash, w);
	http_route(h, "/", api_dashboard, w);
	http_route(h, "/graph/", api_graph, w);
	http_route(h, "/api/v1/queues", api_queues, w);
	http_route(h, "/api/v1/status", api_status, w);
	http_route(h, "/api/v1/alerts", api_alerts, w);
	http_route(h, "/api/v1/silences", api_silences, w);
	http_route(h, "/api/v1/report", api_report, w);
	http_route(h, "/healthz", api_healthz, w);
	http_route(h, "/metrics", api_metrics, w);
	http_route(h, "/api/v1/reload", api_reload, w);
	http_route(h, "/api/v1/config", api_config, w);
	http_route(h, "/api/v1/flush", api_flush, w);
}

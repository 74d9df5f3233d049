/*
 * api.c: the internal HTTP API (DESIGN §6) over the daemon's live state.
 * Handlers only read memory: nothing here waits on the broker or a disk.
 */
#include <sys/queue.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "parse.h"
#include "wachtd.h"

/* Queue ids sorted, so the list reads the same on every request. */
static int
by_id(const void *a, const void *b)
{
	const struct queue *const *x = a, *const *y = b;

	return strcmp((*x)->conf->id, (*y)->conf->id);
}

/* GET /api/v1/queues and /api/v1/queues/CHANNEL/NAME */
static void
api_queues(struct evhttp_request *req, const char *rest, void *arg)
{
	struct wachtd	*w = arg;
	struct queue	*q, **all;
	const char	*key, *why;
	void		*val;
	json_t		*list;
	size_t		 pos = 0, n = 0, i;
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
	all = xcalloc(map_count(w->queues) + 1, sizeof(*all));
	while (map_next(w->queues, &pos, &key, &val))
		all[n++] = val;
	qsort(all, n, sizeof(*all), by_id);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, queue_json(all[i], now));
	free(all);
	http_reply_json(req, 200, json_pack("{s:o}", "queues", list));
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
	json_t		*rejected = json_object();
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
	for (r = 0; r < REJECT_COUNT; r++)
		json_object_set_new(rejected, reject_name(r),
		    json_integer((json_int_t)w->ingest->rejected[r]));
	store_stats(w->store, &st);
	/* Steps a stalled loop let fall out of a queue's outbox. */
	while (map_next(w->queues, &pos, &id, &val))
		lost += ((struct queue *)val)->steps_lost;
	http_reply_json(req, 200, json_pack("{s:s, s:b, s:I, s:I, s:o, s:I,"
	    " s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}}",
	    "version", WACHTD_VERSION,
	    "broker", mq_connected(w->mq),
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
	    "write_max_ms", st.write_max * 1000));
}

/* "1764412345" or "2026-11-29" (local midnight); -1 when neither. */
static long
parse_instant(const char *s)
{
	struct tm	 tm;
	const char	*why;
	long		 v;
	int		 ymd;

	if (parse_int(s, 0, 4102444800L, &v, &why) == 0)
		return v;
	if (parse_date(s, &ymd, &why) == -1)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = ymd / 10000 - 1900;
	tm.tm_mon = ymd / 100 % 100 - 1;
	tm.tm_mday = ymd % 100;
	tm.tm_isdst = -1;
	return (long)mktime(&tm);
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
	default:
		break;
	}
}

/*
 * GET /graph/CHANNEL/NAME/METRIC.png|svg?range=&start=&end=&width=&height=
 * Checks everything here, so the render thread only draws.
 */
static void
api_graph(struct evhttp_request *req, const char *rest, void *arg)
{
	static const struct { const char *name; long secs; } ranges[] = {
		{ "day", 86400 }, { "week", 7 * 86400 },
		{ "month", 31 * 86400 }, { "year", 366 * 86400 }
	};
	struct wachtd	*w = arg;
	struct graph_spec gs;
	struct evkeyvalq params;
	struct evkeyval	*kv;
	struct queue	*q;
	const char	*slash, *dot, *why, *query;
	char		 id[160], metric[32];
	long		 span = 86400, v, step = (long)w->conf->step;
	long		 now = (long)util_now();
	size_t		 i;
	int		 m;

	if (!http_want_get(req))
		return;
	memset(&gs, 0, sizeof(gs));
	if ((slash = strrchr(rest, '/')) == NULL ||
	    (size_t)(slash - rest) >= sizeof(id) ||
	    (dot = strrchr(slash, '.')) == NULL ||
	    (size_t)(dot - slash - 1) >= sizeof(metric)) {
		http_error(req, 404, "no such graph");
		return;
	}
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	memcpy(metric, slash + 1, (size_t)(dot - slash - 1));
	metric[dot - slash - 1] = '\0';
	if (parse_queue_id(id, &why) == -1 ||
	    (q = map_get(w->queues, id)) == NULL) {
		http_error(req, 404, "no such queue");
		return;
	}
	if ((m = graph_metric(metric)) == -1 ||
	    (strcmp(dot, ".png") != 0 && strcmp(dot, ".svg") != 0)) {
		http_error(req, 404, "no such graph: use METRIC.png or .svg "
		    "with waiting, longest_wait, ewt, wait, agents, backlog, "
		    "oldest_age, arrived, answered, abandoned or sl");
		return;
	}
	gs.metric = m;
	gs.svg = strcmp(dot, ".svg") == 0;
	gs.width = 800;
	gs.height = 300;
	/* "Now" in whole steps, so one render serves the whole step. */
	gs.end = now / step * step;
	gs.start = -1;

	query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	TAILQ_INIT(&params);
	if (query != NULL && evhttp_parse_query_str(query, &params) != 0) {
		http_error(req, 400, "malformed query string");
		return;
	}
	TAILQ_FOREACH(kv, &params, next) {
		if (strcmp(kv->key, "range") == 0) {
			for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
				if (strcmp(kv->value, ranges[i].name) == 0)
					break;
			if (i == sizeof(ranges) / sizeof(ranges[0])) {
				http_error(req, 400, "range must be day, week, "
				    "month or year");
				goto out;
			}
			span = ranges[i].secs;
		} else if (strcmp(kv->key, "start") == 0 ||
		    strcmp(kv->key, "end") == 0) {
			if ((v = parse_instant(kv->value)) == -1) {
				http_error(req, 400, "%s must be epoch seconds or "
				    "a date like 2026-11-29", kv->key);
				goto out;
			}
			*(kv->key[0] == 's' ? &gs.start : &gs.end) = v;
		} else if (strcmp(kv->key, "width") == 0 ||
		    strcmp(kv->key, "height") == 0) {
			int	 wide = kv->key[0] == 'w';

			if (parse_int(kv->value, wide ? 200 : 100,
			    wide ? 3000 : 2000, &v, &why) == -1) {
				http_error(req, 400, "%s must be a whole number "
				    "from %d to %d", kv->key, wide ? 200 : 100,
				    wide ? 3000 : 2000);
				goto out;
			}
			*(wide ? &gs.width : &gs.height) = (int)v;
		} else {
			http_error(req, 400, "unknown parameter (use range, "
			    "start, end, width, height)");
			goto out;
		}
	}
	if (gs.start == -1)
		gs.start = gs.end - span;
	if (gs.start >= gs.end) {
		http_error(req, 400, "start must lie before end");
		goto out;
	}
	graph_norm(q->conf, m, &gs);
	snprintf(gs.rrd, sizeof(gs.rrd), "%s/rrd/%s.rrd", w->conf->state_dir,
	    id);
	snprintf(gs.daemon, sizeof(gs.daemon), "%s", w->conf->rrdcached != NULL ?
	    w->conf->rrdcached : "");
	snprintf(gs.key, sizeof(gs.key), "%s/%s%s?%ld-%ld/%dx%d", id, metric,
	    dot, gs.start, gs.end, gs.width, gs.height);
	graph_request(w->graph, req, &gs, now / step);
out:
	evhttp_clear_headers(&params);
}

void
api_register(struct http *h, struct wachtd *w)
{
	http_route(h, "/graph/", api_graph, w);
	http_route(h, "/api/v1/queues", api_queues, w);
	http_route(h, "/api/v1/status", api_status, w);
	http_route(h, "/healthz", api_healthz, w);
}

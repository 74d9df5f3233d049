/*
 * api.c: the internal HTTP API (DESIGN §6) over the daemon's live state.
 * Handlers only read memory: nothing here waits on the broker or a disk.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

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
	json_t		*rejected = json_object();
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
	http_reply_json(req, 200, json_pack("{s:s, s:b, s:I, s:I, s:o, s:I}",
	    "version", WACHTD_VERSION,
	    "broker", mq_connected(w->mq),
	    "queues", (json_int_t)map_count(w->queues),
	    "accepted", (json_int_t)w->ingest->accepted,
	    "rejected", rejected,
	    "uptime", (json_int_t)(util_now() - w->started)));
}

void
api_register(struct http *h, struct wachtd *w)
{
	http_route(h, "/api/v1/queues", api_queues, w);
	http_route(h, "/api/v1/status", api_status, w);
	http_route(h, "/healthz", api_healthz, w);
}

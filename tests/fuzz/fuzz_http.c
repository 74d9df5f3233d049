/*
 * fuzz_http.c: what the internal listener makes of a request before any
 * handler answers it, without a socket. The input is a request as it
 * comes on the wire: request line, headers, blank line, body. The target
 * is parsed as libevent parses it (evhttp_uri_parse_with_flags with
 * EVHTTP_URI_NONCONFORMANT), routed by the longest prefix as http.c's
 * dispatch does over api_register's routes, and handed to the pure parts
 * of the handlers: api_graph_parse, api_report_parse, api_find_alert,
 * the queue id of /api/v1/queues/, a dashboard file's name, a silence's
 * body, and http_basic_credentials for an Authorization header.
 *
 * The queues are world.c's, so that a well-formed request gets as far as
 * it would in the daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>

#include "parse.h"
#include "world.h"

#define STEP		10	/* world.conf's [daemon] step */
#define CREDENTIALS	(64 + 256 + 2)	/* http.c's auth_pass buffer */

/* The routes of api_register (api.c), in its order. */
enum route {
	R_DASHBOARD, R_GRAPH, R_QUEUES, R_STATUS, R_ALERTS, R_SILENCES,
	R_REPORT, R_HEALTHZ, R_METRICS, R_RELOAD, R_CONFIG, R_FLUSH, R_NONE
};

static const char *const prefixes[R_NONE] = {
	"/", "/graph/", "/api/v1/queues", "/api/v1/status", "/api/v1/alerts",
	"/api/v1/silences", "/api/v1/report", "/healthz", "/metrics",
	"/api/v1/reload", "/api/v1/config", "/api/v1/flush"
};

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_http: %s\n", what);
	abort();
}

/* http.c's dispatch: the longest prefix the path starts with. */
static enum route
route(const char *path, const char **rest)
{
	enum route	 r, best = R_NONE;
	size_t		 len, best_len = 0;

	for (r = 0; r < R_NONE; r++) {
		len = strlen(prefixes[r]);
		if (strncmp(path, prefixes[r], len) == 0 &&
		    (best == R_NONE || len > best_len)) {
			best = r;
			best_len = len;
		}
	}
	*rest = path + best_len;
	return best;
}

/* GET /graph/CHANNEL/NAME/METRIC.png?... */
static void
graph(struct world *w, const char *rest, const char *query)
{
	struct graph_spec gs;
	struct queue	*q = NULL;
	char		 why[256];
	int		 code;

	code = api_graph_parse(w->queues, rest, query, (long)WORLD_NOW, STEP,
	    &gs, &q, why, sizeof(why));
	if (code != 0 && code != 400 && code != 404)
		broken("graph: a status of another kind");
	if (code != 0)
		return;
	if (q == NULL || gs.start >= gs.end || gs.width < 200 ||
	    gs.width > 3000 || gs.height < 100 || gs.height > 2000 ||
	    memchr(gs.key, '\0', sizeof(gs.key)) == NULL)
		broken("graph: a spec the render thread cannot draw");
}

/* GET /api/v1/report?from=&to= */
static void
report(const char *query)
{
	const char	*why;
	int		 from, to;

	if (api_report_parse(query, &from, &to, &why) == 0 && from > to)
		broken("report: from after to");
}

/* GET /api/v1/queues/CHANNEL/NAME: api_queues' lookup. */
static void
queues(struct world *w, const char *rest)
{
	struct queue	*q;
	const char	*why;
	json_t		*j;

	if (rest[0] != '/' || rest[1] == '\0' ||
	    parse_queue_id(rest + 1, &why) == -1 ||
	    (q = map_get(w->queues, rest + 1)) == NULL)
		return;
	if ((j = queue_json(q, WORLD_NOW)) == NULL)
		broken("queues: not JSON");
	json_decref(j);
}

/* /api/v1/alerts/CHANNEL/NAME/NORM[/ack]: api_alert's lookup. */
static void
alerts(struct world *w, const char *rest)
{
	struct queue_alert *qa;
	struct queue	*q;
	struct queue_view v;
	size_t		 len;
	json_t		*j;
	int		 ack;

	if (rest[0] != '/' || rest[1] == '\0')
		return;
	rest++;
	len = strlen(rest);
	ack = len > 4 && strcmp(rest + len - 4, "/ack") == 0;
	if ((qa = api_find_alert(w->queues, rest, ack ? len - 4 : len,
	    &q)) == NULL)
		return;
	queue_view(q, WORLD_NOW, &v);
	if ((j = queue_alert_json(q, qa, &v, "http://127.0.0.1:8080")) == NULL)
		broken("alerts: not JSON");
	json_decref(j);
}

/* POST /api/v1/silences with body, or DELETE /api/v1/silences/ID. */
static void
silences(struct world *w, const char *method, const char *rest,
    const char *body, size_t len)
{
	struct silence_spec sp;
	struct silence	*s;
	json_error_t	 err;
	const char	*why;
	json_t		*o, *j;

	if (rest[0] == '/' && rest[1] != '\0') {
		if (strcmp(method, "DELETE") == 0)
			silence_del(&w->silences, rest + 1);
		return;
	}
	if (strcmp(method, "POST") != 0)
		return;
	/* http_body_json and add_silence. */
	if ((o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err)) == NULL)
		return;
	if (json_is_object(o) && json_object_get(o, "id") == NULL &&
	    json_object_get(o, "created") == NULL &&
	    silence_from_json(o, WORLD_NOW, &sp, &why) == 0 &&
	    silence_add(&w->silences, &sp, WORLD_NOW, &why, &s) == 0) {
		if ((j = silence_json(s)) == NULL)
			broken("silences: not JSON");
		json_decref(j);
	}
	json_decref(o);
}

/* GET / and /dashboard/NAME: api_dashboard's file. */
static void
dashboard(const char *rest)
{
	if (rest[0] == '\0')
		http_asset("index.html");
	else if (strncmp(rest, "dashboard/", 10) == 0 &&
	    strchr(rest + 10, '/') == NULL)
		http_asset(rest + 10);
}

/* "Authorization: Basic ..." as auth_pass takes it. */
static void
authorization(const char *value)
{
	char	 buf[CREDENTIALS], *user, *password;

	if (http_basic_credentials(value, buf, sizeof(buf), &user,
	    &password) == -1)
		return;
	if (user != buf || password < buf || password >= buf + sizeof(buf) ||
	    strlen(user) > 64 || strchr(user, ':') != NULL ||
	    memchr(password, '\0', (size_t)(buf + sizeof(buf) - password)) ==
	    NULL)
		broken("credentials outside their buffer");
}

/* The next line of s (CRLF or LF), cut off in place; NULL at the end. */
static char *
next_line(char **s)
{
	char	*line = *s, *nl;

	if (line == NULL)
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*s = nl + 1;
		if (nl > line && nl[-1] == '\r')
			nl--;
		*nl = '\0';
	} else
		*s = NULL;
	return line;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	world_conf();
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct evhttp_uri *uri;
	struct world	 w;
	char		*text, *s, *line, *method, *target, *colon;
	const char	*path, *rest, *body;
	size_t		 body_len;

	/* The head is text; the body keeps any bytes. */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	s = text;
	if ((line = next_line(&s)) == NULL)
		goto out;
	method = line;
	if ((target = strchr(line, ' ')) == NULL)
		goto out;
	*target++ = '\0';
	target[strcspn(target, " ")] = '\0';
	while ((line = next_line(&s)) != NULL && line[0] != '\0')
		if ((colon = strchr(line, ':')) != NULL) {
			*colon = '\0';
			if (strcasecmp(line, "Authorization") == 0)
				authorization(colon + 1 + strspn(colon + 1,
				    " \t"));
		}
	body = s != NULL ? (const char *)data + (s - text) : "";
	body_len = s != NULL ? size - (size_t)(s - text) : 0;

	if ((uri = evhttp_uri_parse_with_flags(target,
	    EVHTTP_URI_NONCONFORMANT)) == NULL)
		goto out;	/* libevent answers 400 itself */
	path = evhttp_uri_get_path(uri);
	if (path != NULL && path[0] == '/') {
		world_init(&w);
		switch (route(path, &rest)) {
		case R_DASHBOARD:
			dashboard(rest);
			break;
		case R_GRAPH:
			graph(&w, rest, evhttp_uri_get_query(uri));
			break;
		case R_QUEUES:
			queues(&w, rest);
			break;
		case R_ALERTS:
			alerts(&w, rest);
			break;
		case R_SILENCES:
			silences(&w, method, rest, body, body_len);
			break;
		case R_REPORT:
			if (rest[0] == '\0')
				report(evhttp_uri_get_query(uri));
			break;
		default:
			break;	/* no parsing of their own */
		}
		world_free(&w);
	}
	evhttp_uri_free(uri);
out:
	free(text);
	return 0;
}

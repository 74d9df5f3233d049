/*
 * http.c: an evhttp listener with the limits libevent leaves open
 * (LIBRARIES.md): header and body size, timeouts, allowed methods, UTF-8
 * content types, and HEAD answered with headers only. Routes are path
 * prefixes; the handler gets the rest of the path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "wachtd.h"

#define HEADERS_MAX	8192	/* bytes */
#define BODY_MAX	65536	/* bytes: ack and silence bodies are small */
#define TIMEOUT		10	/* s for a client to send its request */
#define ROUTES_MAX	16

struct route {
	const char	*prefix;
	size_t		 len;
	http_handler	 handler;
	void		*arg;
};

struct http {
	struct evhttp	*evh;
	struct evconnlistener *listener;
	struct event	*resume;	/* accepting again after EMFILE */
	struct complaint accept_trouble;
	struct route	 routes[ROUTES_MAX];
	int		 nroutes;
	struct http	*next;
};

/*
 * Live listeners. libevent hands the accept error callback only the
 * evhttp, so this short list finds our struct again.
 */
static struct http	*https;

/* Sends buf with code; HEAD keeps the length but not the body. */
static void
reply(struct evhttp_request *req, int code, struct evbuffer *buf)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char		  len[32];

	snprintf(len, sizeof(len), "%zu", evbuffer_get_length(buf));
	evhttp_add_header(h, "Content-Length", len);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
		evbuffer_drain(buf, evbuffer_get_length(buf));
	evhttp_send_reply(req, code, NULL, buf);
}

void
http_reply_data(struct evhttp_request *req, const char *type,
    const char *cache, const void *data, size_t len)
{
	struct evbuffer	*buf = evbuffer_new();

	if (buf == NULL)
		fatalx("evbuffer_new");
	evbuffer_add(buf, data, len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", cache);
	reply(req, 200, buf);
	evbuffer_free(buf);
}

void
http_reply_json(struct evhttp_request *req, int code, json_t *j)
{
	struct evbuffer	*buf = evbuffer_new();
	char		*s;

	if (buf == NULL)
		fatalx("evbuffer_new");
	/* NULL from a json_pack with bad input: answer, never die. */
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		log_warnx("http: reply for %s is not encodable as JSON",
		    evhttp_request_get_uri(req));
		code = 500;
		s = xstrdup("{\"error\":\"internal error\"}");
	}
	json_decref(j);
	evbuffer_add(buf, s, strlen(s));
	evbuffer_add(buf, "\n", 1);
	free(s);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	reply(req, code, buf);
	evbuffer_free(buf);
}

void
http_error(struct evhttp_request *req, int code, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_reply_json(req, code, json_pack("{s:s}", "error", msg));
}

void
http_not_allowed(struct evhttp_request *req, const char *allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    allow);
	http_error(req, 405, "method not allowed");
}

int
http_want_get(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD)
		return 1;
	http_not_allowed(req, "GET, HEAD");
	return 0;
}

json_t *
http_body_json(struct evhttp_request *req)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	size_t		 len = evbuffer_get_length(in);
	json_error_t	 err;
	json_t		*j;

	j = json_loadb((const char *)evbuffer_pullup(in, -1), len,
	    JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		http_error(req, 400, "the body is not JSON: %s", err.text);
	else if (!json_is_object(j)) {
		http_error(req, 400, "the body must be a JSON object");
		json_decref(j);
		j = NULL;
	}
	return j;
}

/*
 * The connection of a waiting request closes: mostly at http_free (a
 * reload to another listener), since libevent 2.1 stops reading while a
 * request waits and so does not see a client hang up. A request still
 * attached goes with its connection; a detached one is ours to free.
 */
static void
on_gone(struct evhttp_connection *evcon, void *arg)
{
	struct evhttp_request **slot = arg;

	(void)evcon;
	if (*slot != NULL && evhttp_request_get_connection(*slot) == NULL)
		evhttp_request_free(*slot);
	*slot = NULL;
}

void
http_hold(struct evhttp_request *req, struct evhttp_request **slot)
{
	*slot = req;
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    on_gone, slot);
}

int
http_release(struct evhttp_request **slot)
{
	if (*slot == NULL)
		return 0;
	evhttp_connection_set_closecb(evhttp_request_get_connection(*slot),
	    NULL, NULL);
	return 1;
}

void
http_busy(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "5");
	http_error(req, 503, "busy drawing graphs and reports; try again "
	    "in a few seconds");
}

/* Finds the longest route whose prefix the path starts with. */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct http		*h = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(uri);
	struct route		*best = NULL;
	int			 i;

	if (path == NULL || path[0] != '/') {
		http_error(req, 400, "bad request path");
		return;
	}
	for (i = 0; i < h->nroutes; i++) {
		struct route *r = &h->routes[i];

		if (strncmp(path, r->prefix, r->len) == 0 &&
		    (best == NULL || r->len > best->len))
			best = r;
	}
	if (best == NULL) {
		http_error(req, 404, "no such path");
		return;
	}
	best->handler(req, path + best->len, best->arg);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(h->listener);
}

/*
 * accept() failed, typically EMFILE: libevent would retry at once, for
 * ever, at full CPU. Pause a second instead, and say so now and then.
 */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct http	*h;
	struct timeval	 pause = { 1, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	for (h = https; h != NULL && h->listener != lev; h = h->next)
		;
	if (h == NULL)
		return;
	log_complain(&h->accept_trouble, util_now(), "http: accept: %s; "
	    "pausing new connections for a second",
	    evutil_socket_error_to_string(err));
	evconnlistener_disable(lev);
	evtimer_add(h->resume, &pause);
}

struct http *
http_new(struct event_base *base, const char *host, int port)
{
	struct http	*h = xcalloc(1, sizeof(*h));
	struct evhttp_bound_socket *bound;

	if ((h->evh = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_max_headers_size(h->evh, HEADERS_MAX);
	evhttp_set_max_body_size(h->evh, BODY_MAX);
	evhttp_set_timeout(h->evh, TIMEOUT);
	/* Every method reaches the routes, which answer 405 in JSON. */
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(h->evh, "text/plain; charset=utf-8");
	evhttp_set_gencb(h->evh, dispatch, h);
	bound = evhttp_bind_socket_with_handle(h->evh, host, (ev_uint16_t)port);
	if (bound == NULL) {
		log_warn("http: cannot listen on %s:%d", host, port);
		evhttp_free(h->evh);
		free(h);
		return NULL;
	}
	h->listener = evhttp_bound_socket_get_listener(bound);
	h->resume = evtimer_new(base, on_resume, h);
	evconnlistener_set_error_cb(h->listener, on_accept_error);
	h->next = https;
	https = h;
	log_info("http: listening on %s:%d", host, port);
	return h;
}

void
http_free(struct http *h)
{
	struct http	**p;

	if (h == NULL)
		return;
	for (p = &https; *p != NULL; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	event_free(h->resume);
	evhttp_free(h->evh);
	free(h);
}

void
http_route(struct http *h, const char *prefix, http_handler handler,
    void *arg)
{
	struct route	*r;

	if (h->nroutes == ROUTES_MAX)
		fatalx("http: too many routes");
	r = &h->routes[h->nroutes++];
	r->prefix = prefix;
	r->len = strlen(prefix);
	r->handler = handler;
	r->arg = arg;
}

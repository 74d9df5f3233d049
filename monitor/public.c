/*
 * public.c: the public listener (DESIGN §6, issue 5). It serves the
 * residents' wait times and nothing else, from a thread and event base
 * of its own: however many requests come from the internet, the loop
 * that takes in the probes' messages never waits for them. Each step
 * the loop copies the public channels and hands them over; this thread
 * builds the board from them, and each request takes a reference to it
 * and is answered from those bytes without a copy.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>

#include "calendar.h"
#include "wachtd.h"

/* Used when the page template was not compiled in. */
static const char bare_page[] = "<!DOCTYPE html>\n<html lang=\"nl\">"
    "<head><meta charset=\"utf-8\"><title>Wachttijden</title></head>\n"
    "<body><main><h1>Wachttijden</h1><div id=\"wachtd-wachttijden\" "
    "class=\"wachtd\"><!--wachtd:channels--></div></main></body></html>\n";

/* The public channels of one step, with copies of their texts: the
 * configuration they come from may be gone by the time they are read. */
struct channels {
	struct board_channel *ch;
	size_t		 n;
	char		**texts;	/* 2n: each id and label */
	struct board_experience experience;
	int		 with_experience; /* public_experience = yes */
	double		 now;
};

/* A board and the requests still sending it. */
struct shared {
	struct board	*board;
	int		 refs;		/* atomic */
};

struct public {
	struct event_base *base;	/* the thread's own */
	struct http	*http;
	struct event	*stop;		/* made active by public_free */
	struct event	*build;		/* made active by public_refresh */
	pthread_t	 thread;
	pthread_mutex_t	 lock;		/* guards now and next */
	struct shared	*now;
	struct channels	*next;		/* handed over, not yet built */
	double		 step;
	char		 cache[64];	/* Cache-Control of the JSON */
	int		 running;
};

static void
unref(const void *data, size_t len, void *arg)
{
	struct shared	*s = arg;

	(void)data;
	(void)len;
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		board_free(s->board);
		free(s);
	}
}

/* The board of this step, held until its bytes are sent. */
static struct shared *
take(struct public *p)
{
	struct shared	*s;

	pthread_mutex_lock(&p->lock);
	s = p->now;
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&p->lock);
	return s;
}

/* GET /public/, /public/v1/waittimes.json, /public/NAME: in the
 * listener's thread. */
static void
serve(struct evhttp_request *req, const char *rest, void *arg)
{
	struct public	*p = arg;
	const struct asset *a;
	struct shared	*s;
	char		 name[128];

	if (strcmp(rest, "v1/waittimes.json") == 0) {
		if (!http_want_get(req))
			return;
		http_header(req, "Access-Control-Allow-Origin", "*");
		http_header(req, "X-Content-Type-Options", "nosniff");
		s = take(p);
		http_reply_shared(req, "application/json; charset=utf-8",
		    p->cache, s->board->json_etag, s->board->json,
		    s->board->json_len, unref, s);
		return;
	}
	if (rest[0] == '\0') {
		if (!http_want_get(req))
			return;
		http_header(req, "X-Content-Type-Options", "nosniff");
		http_header(req, "Content-Security-Policy", "default-src "
		    "'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
		    "data:");
		s = take(p);
		http_reply_shared(req, "text/html; charset=utf-8", "no-cache",
		    s->board->html_etag, s->board->html, s->board->html_len,
		    unref, s);
		return;
	}
	/* The page's template is not a page. */
	snprintf(name, sizeof(name), "public/%s", rest);
	if (strchr(rest, '/') != NULL || strcmp(rest, "index.html") == 0 ||
	    (a = http_asset(name)) == NULL) {
		http_error(req, 404, "no such path");
		return;
	}
	if (!http_want_get(req))
		return;
	http_header(req, "Access-Control-Allow-Origin", "*");
	http_header(req, "X-Content-Type-Options", "nosniff");
	http_reply_asset(req, a);
}

/* GET /public: the page is at /public/, where its links work. */
static void
redirect(struct evhttp_request *req, const char *rest, void *arg)
{
	(void)arg;
	if (rest[0] != '\0') {
		http_error(req, 404, "no such path");
		return;
	}
	if (!http_want_get(req))
		return;
	http_redirect(req, "/public/");
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct public	*p = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(p->base);
}

static void
channels_free(struct channels *cs)
{
	size_t	 i;

	if (cs == NULL)
		return;
	for (i = 0; i < 2 * cs->n; i++)
		free(cs->texts[i]);
	free(cs->texts);
	free(cs->ch);
	free(cs);
}

static void set_board(struct public *, struct board *);

/* The board of the channels handed over last, in the listener's thread:
 * a thousand public channels took the loop 5 ms to format. */
static void
on_build(evutil_socket_t fd, short what, void *arg)
{
	struct public	*p = arg;
	const struct asset *tmpl = http_asset("public/index.html");
	struct channels	*cs;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&p->lock);
	cs = p->next;
	p->next = NULL;
	pthread_mutex_unlock(&p->lock);
	if (cs == NULL)
		return;
	set_board(p, board_build(cs->ch, cs->n, cs->with_experience ?
	    &cs->experience : NULL, cs->now, p->step,
	    tmpl != NULL ? (const char *)tmpl->data : bare_page,
	    tmpl != NULL ? tmpl->len : strlen(bare_page)));
	channels_free(cs);
}

static void *
run(void *arg)
{
	struct public	*p = arg;

	/* Not SCHED_BATCH like the writer: under wrk it then held the CPU
	 * in long slices, and the loop's alerts waited up to 2 ms at p99
	 * instead of 0.3 ms (make bench, (e)). */
	event_base_dispatch(p->base);
	return NULL;
}

/* Takes b as the board served from now on. */
static void
set_board(struct public *p, struct board *b)
{
	struct shared	*s = xcalloc(1, sizeof(*s)), *old;

	s->board = b;
	s->refs = 1;
	pthread_mutex_lock(&p->lock);
	old = p->now;
	p->now = s;
	pthread_mutex_unlock(&p->lock);
	if (old != NULL)
		unref(NULL, 0, old);
}

struct public *
public_new(const struct listen_conf *lc, double step)
{
	struct public	*p = xcalloc(1, sizeof(*p));

	if ((p->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if ((p->http = http_new(p->base, lc->host, lc->port)) == NULL) {
		event_base_free(p->base);
		free(p);
		return NULL;
	}
	/* The widget asks again each step: a cache may keep it half. */
	snprintf(p->cache, sizeof(p->cache), "public, max-age=%ld",
	    fmax(1, floor(step / 2)) > 3600 ? 3600L :
	    (long)fmax(1, floor(step / 2)));
	pthread_mutex_init(&p->lock, NULL);
	set_board(p, board_build(NULL, 0, NULL, util_now(), step, bare_page,
	    strlen(bare_page)));
	http_route(p->http, "/public/", serve, p);
	http_route(p->http, "/public", redirect, p);
	p->stop = event_new(p->base, -1, 0, on_stop, p);
	p->build = event_new(p->base, -1, 0, on_build, p);
	p->step = step;
	return p;
}

void
public_start(struct public *p, int forked)
{
	if (forked && event_reinit(p->base) == -1)
		fatalx("event_reinit");
	if (pthread_create(&p->thread, NULL, run, p) != 0)
		fatalx("pthread_create");
	p->running = 1;
}

void
public_free(struct public *p)
{
	if (p == NULL)
		return;
	/* An event, not event_base_loopbreak: a break before the thread
	 * enters its loop would be forgotten there. libevent's pthreads
	 * locking lets another thread make it active. */
	if (p->running) {
		event_active(p->stop, EV_READ, 1);
		pthread_join(p->thread, NULL);
	}
	event_free(p->stop);
	event_free(p->build);
	channels_free(p->next);
	http_free(p->http);	/* requests still sending drop their refs */
	event_base_free(p->base);
	unref(NULL, 0, p->now);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* The seconds a norm allows a contact to wait, for "busy"; NAN: none.
 * Working days count as 8 hours of opening time, as the backlog's
 * prediction does. */
static double
norm_limit(const struct queue_conf *qc)
{
	const struct norm_conf *n;

	if ((n = config_queue_norm(qc, NORM_ANSWER_WITHIN)) != NULL)
		return n->answer_within;
	if ((n = config_queue_norm(qc, NORM_MAX_WAIT)) != NULL)
		return n->max_wait;
	if ((n = config_queue_norm(qc, NORM_RESPOND_WITHIN)) != NULL)
		return n->respond_workdays > 0 ?
		    n->respond_workdays * 8 * 3600.0 : n->respond_within;
	return NAN;
}

void
public_refresh(struct public *p, const struct config *c,
    const struct map *queues, const struct board_experience *e, double now)
{
	struct channels	*cs, *old;
	struct board_channel *bc;
	struct queue_view v;
	const struct queue *q;
	size_t		 i;

	if (p == NULL)
		return;
	cs = xcalloc(1, sizeof(*cs));
	cs->ch = xcalloc(c->nqueues + 1, sizeof(*cs->ch));
	cs->texts = xcalloc(2 * c->nqueues + 1, sizeof(*cs->texts));
	cs->now = now;
	cs->with_experience = c->public_experience;
	cs->experience = *e;
	for (i = 0; i < c->nqueues; i++) {
		const struct queue_conf *qc = &c->queues[i];

		if (!qc->public || (q = map_get(queues, qc->id)) == NULL)
			continue;
		queue_view(q, now, &v);
		bc = &cs->ch[cs->n];
		bc->id = cs->texts[2 * cs->n] = xstrdup(qc->id);
		bc->label = cs->texts[2 * cs->n + 1] = xstrdup(qc->label !=
		    NULL ? qc->label : qc->id);
		cs->n++;
		bc->open = v.open;
		/* E-mail has no wait of its own: the time to clear the
		 * backlog is what a message sent now waits. */
		bc->wait = q->updated <= 0 || v.stale ? NAN :
		    isfinite(v.ewt) ? v.ewt : v.pred.clear;
		bc->limit = norm_limit(qc);
		bc->overloaded = v.pred.overloaded;
		bc->next_open = v.open ? NAN :
		    calendar_next_open(qc->hours.to, now);
	}
	pthread_mutex_lock(&p->lock);
	old = p->next;		/* a step the listener had no time for */
	p->next = cs;
	pthread_mutex_unlock(&p->lock);
	channels_free(old);
	event_active(p->build, EV_READ, 1);
}

void
public_stats(const struct public *p, struct http_stats *st)
{
	http_stats(p != NULL ? p->http : NULL, st);
}

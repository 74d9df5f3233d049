/*
 * graph.c: PNG and SVG graphs from the RRD files, rendered by librrd in
 * the worker thread (work.c; librrd 1.7 is not safe to render from
 * several) and cached per step, so the loop never waits on a render.
 * Requests for a graph already being drawn wait on that one render.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <rrd.h>

#include "wachtd.h"

#define CACHE_SIZE	64	/* rendered graphs kept */

/* Ratings by score (store.c): how many, and where they lie in their
 * scale's range, 0 to 1, summed (quality.c). */
#define RATED5	"rated5_1,rated5_2,+,rated5_3,+,rated5_4,+,rated5_5,+"
#define RATED10	"rated10_0,rated10_1,+,rated10_2,+,rated10_3,+,rated10_4,+," \
		"rated10_5,+,rated10_6,+,rated10_7,+,rated10_8,+,rated10_9,+," \
		"rated10_10,+"
#define RATINGS	RATED5 "," RATED10 ",+"
#define POINTS	"rated5_2,rated5_3,2,*,+,rated5_4,3,*,+,rated5_5,4,*,+,4,/," \
		"rated10_1,rated10_2,2,*,+,rated10_3,3,*,+,rated10_4,4,*,+," \
		"rated10_5,5,*,+,rated10_6,6,*,+,rated10_7,7,*,+," \
		"rated10_8,8,*,+,rated10_9,9,*,+,rated10_10,10,*,+,10,/,+"

/* What each metric draws: Dutch titles, since managers read them. */
static const struct gmetric {
	const char	*name;
	const char	*title;
	const char	*unit;
	const char	*rpn;		/* over the DEFs below, one value */
	const char	*max;		/* DS of the step maximum, or NULL */
	enum graph_norm	 norm;
} metrics[] = {
	{ "waiting", "Wachtenden", "aantal", "waiting", "waiting_max",
	    GRAPH_NORM_NONE },
	{ "longest_wait", "Langste wachttijd", "seconden", "longest_wait",
	    "longest_wait_max", GRAPH_NORM_WAIT },
	{ "ewt", "Verwachte wachttijd", "seconden", "ewt", "ewt_max",
	    GRAPH_NORM_WAIT },
	{ "wait", "Gemiddelde wachttijd van beantwoorde contacten", "seconden",
	    "wait_sum,answered,/", "wait_max", GRAPH_NORM_WAIT },
	{ "agents", "Beschikbare medewerkers", "aantal", "agents",
	    "agents_max", GRAPH_NORM_NONE },
	{ "backlog", "Openstaande berichten", "aantal", "backlog",
	    "backlog_max", GRAPH_NORM_NONE },
	{ "oldest_age", "Leeftijd oudste openstaande bericht", "uren",
	    "oldest_age,3600,/", NULL, GRAPH_NORM_AGE },
	{ "arrived", "Binnengekomen", "per uur", "arrived,3600,*", NULL,
	    GRAPH_NORM_NONE },
	{ "answered", "Beantwoord", "per uur", "answered,3600,*", NULL,
	    GRAPH_NORM_NONE },
	{ "abandoned", "Afgehaakt", "per uur", "abandoned,3600,*", NULL,
	    GRAPH_NORM_NONE },
	{ "sl", "Servicelevel: binnen de norm beantwoord", "procent",
	    "answered_within,answered,/,100,*", NULL, GRAPH_NORM_TARGET },
	{ "direct", "Direct beantwoord bij het eerste contact", "procent",
	    "direct,direct,indirect,+,/,100,*", NULL, GRAPH_NORM_DIRECT },
	{ "rating", "Gemiddelde waardering door inwoners", "cijfer 1-5",
	    POINTS "," RATINGS ",/,4,*,1,+", NULL, GRAPH_NORM_RATING5 },
	{ "rating10", "Gemiddelde waardering door inwoners", "cijfer 0-10",
	    POINTS "," RATINGS ",/,10,*", NULL, GRAPH_NORM_RATING10 },
	{ "ratings", "Beoordelingen", "per uur", RATINGS ",3600,*", NULL,
	    GRAPH_NORM_NONE },
};
#define NMETRICS	(sizeof(metrics) / sizeof(metrics[0]))

/* A request waiting for a render. */
struct waiter {
	struct evhttp_request *req;	/* NULL once the client went away */
	struct waiter	*next;
};

struct job {
	struct grapher	*g;
	struct graph_spec spec;
	int64_t		 stepno;
	struct waiter	*waiters;
	unsigned char	*image;		/* NULL when rendering failed */
	size_t		 len;
	char		 error[256];
	struct job	*busy_next;	/* jobs not yet answered */
};

struct cached {
	char		 key[GRAPH_KEY_MAX];
	int64_t		 stepno;
	unsigned char	*image;
	size_t		 len;
	int		 svg;
	uint64_t	 used;
};

struct grapher {
	struct worker	*work;
	struct complaint trouble;	/* renders that failed */
	struct job	*busy;		/* every job not yet answered */
	struct cached	 cache[CACHE_SIZE];
	uint64_t	 clock;
};

int
graph_metric(const char *name)
{
	size_t	 i;

	for (i = 0; i < NMETRICS; i++)
		if (strcmp(metrics[i].name, name) == 0)
			return (int)i;
	return -1;
}

enum graph_norm
graph_metric_norm(int metric)
{
	return metrics[metric].norm;
}

/* Renders one graph with librrd; in the worker thread only. */
static void
render(void *arg)
{
	struct job	*j = arg;
	const struct graph_spec *s = &j->spec;
	const struct gmetric *m = &metrics[s->metric];
	char		 a[40][GRAPH_KEY_MAX + 64];
	const char	*argv[40];
	rrd_info_t	*info, *i;
	char		 rpn[1024], *tok, *save = NULL;
	int		 argc = 0;
	size_t		 d;
	uint64_t	 defined = 0;	/* bit per source: one DEF each */
	static const char *sources[] = {
		"waiting", "waiting_max", "longest_wait", "longest_wait_max",
		"ewt", "ewt_max", "wait_sum", "wait_max", "answered",
		"answered_within", "agents", "agents_max", "backlog",
		"backlog_max", "oldest_age", "arrived", "abandoned", "direct",
		"indirect", "rated5_1", "rated5_2", "rated5_3", "rated5_4",
		"rated5_5", "rated10_0", "rated10_1", "rated10_2",
		"rated10_3", "rated10_4", "rated10_5", "rated10_6",
		"rated10_7", "rated10_8", "rated10_9", "rated10_10"
	};

#define ARG(...) do { \
	snprintf(a[argc], sizeof(a[argc]), __VA_ARGS__); \
	argv[argc] = a[argc]; \
	argc++; \
} while (0)
	ARG("graph");
	ARG("-");
	ARG("--imgformat=%s", s->svg ? "SVG" : "PNG");
	ARG("--start=%ld", s->start);
	ARG("--end=%ld", s->end);
	ARG("--width=%d", s->width);
	ARG("--height=%d", s->height);
	ARG("--title=%s", m->title);
	ARG("--vertical-label=%s", m->unit);
	ARG("--lower-limit=0");
	if (s->daemon[0] != '\0')
		ARG("--daemon=%s", s->daemon);	/* flushes the file first */
	/* A DEF for each data source the RPN names, as a whole token. */
	snprintf(rpn, sizeof(rpn), "%s", m->rpn);
	for (tok = strtok_r(rpn, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		for (d = 0; d < sizeof(sources) / sizeof(sources[0]); d++)
			if (strcmp(tok, sources[d]) == 0 && !(defined &
			    (1ULL << d))) {
				ARG("DEF:%s=%s:%s:AVERAGE", tok, s->rrd, tok);
				defined |= 1ULL << d;
			}
	/* Counts of a time nobody watched are stored as 0 (store.c): drawn
	 * as a gap. Rows from before `watched` existed are drawn as they are. */
	ARG("DEF:watched=%s:watched:AVERAGE", s->rrd);
	ARG("CDEF:raw=%s", m->rpn);
	ARG("CDEF:v=watched,UN,raw,watched,0,GT,raw,UNKN,IF,IF");
	ARG("LINE2:v#1f5f9f:gemiddeld");
	if (m->max != NULL) {
		ARG("DEF:top=%s:%s:MAX", s->rrd, m->max);
		ARG("LINE1:top#9f6f1f:hoogste:dashes");
	}
	if (!isnan(s->norm))
		ARG("HRULE:%g#c00000:norm %g%s:dashes=6,3", s->norm, s->norm,
		    s->norm_unit);
#undef ARG
	rrd_clear_error();
	/* librrd has one rrdcached connection per process: take turns. */
	store_rrdc_lock();
	info = rrd_graph_v(argc, (char **)(uintptr_t)argv);
	store_rrdc_unlock();
	if (info == NULL) {
		snprintf(j->error, sizeof(j->error), "%s", rrd_get_error());
		return;
	}
	for (i = info; i != NULL; i = i->next)
		if (strcmp(i->key, "image") == 0) {
			j->len = i->value.u_blo.size;
			j->image = xmalloc(j->len > 0 ? j->len : 1);
			memcpy(j->image, i->value.u_blo.ptr, j->len);
		}
	rrd_info_free(info);
	if (j->image == NULL)
		snprintf(j->error, sizeof(j->error), "no image rendered");
}

static void
send_image(struct evhttp_request *req, const unsigned char *image, size_t len,
    int svg)
{
	http_reply_data(req, svg ? "image/svg+xml" : "image/png",
	    "max-age=10", image, len);
}

/* Keeps a rendered graph, in place of the least recently used one. */
static void
cache_put(struct grapher *g, const struct job *j)
{
	struct cached	*c = &g->cache[0];
	size_t		 i;

	for (i = 1; i < CACHE_SIZE; i++)
		if (g->cache[i].used < c->used)
			c = &g->cache[i];
	free(c->image);
	snprintf(c->key, sizeof(c->key), "%s", j->spec.key);
	c->stepno = j->stepno;
	c->image = xmalloc(j->len > 0 ? j->len : 1);
	memcpy(c->image, j->image, j->len);
	c->len = j->len;
	c->svg = j->spec.svg;
	c->used = ++g->clock;
}

/* In the loop: answers everyone who waited for the render; when the
 * daemon stops before it ran, lets them go unanswered. */
static void
rendered(void *arg, int ran)
{
	struct job	*j = arg, **p;
	struct grapher	*g = j->g;
	struct waiter	*wt, *wnext;

	for (p = &g->busy; *p != NULL; p = &(*p)->busy_next)
		if (*p == j) {
			*p = j->busy_next;
			break;
		}
	if (j->image != NULL)
		cache_put(g, j);
	for (wt = j->waiters; wt != NULL; wt = wnext) {
		wnext = wt->next;
		if (http_release(&wt->req) && ran) {
			if (j->image != NULL)
				send_image(wt->req, j->image, j->len,
				    j->spec.svg);
			else if (strstr(j->error, "No such file") != NULL ||
			    strstr(j->error, "opening") != NULL)
				http_error(wt->req, 404, "no history yet for "
				    "this queue");
			else {
				log_complain(&g->trouble, util_now(),
				    "graph: %s: %s", j->spec.key, j->error);
				http_error(wt->req, 500, "graph could not be "
				    "drawn");
			}
		}
		free(wt);
	}
	free(j->image);
	free(j);
}

struct grapher *
graph_new(struct worker *work)
{
	struct grapher	*g = xcalloc(1, sizeof(*g));

	g->work = work;
	return g;
}

/* After work_free, which has answered or dropped every job. */
void
graph_free(struct grapher *g)
{
	size_t	 i;

	if (g == NULL)
		return;
	for (i = 0; i < CACHE_SIZE; i++)
		free(g->cache[i].image);
	free(g);
}

void
graph_request(struct grapher *g, struct evhttp_request *req,
    const struct graph_spec *spec, int64_t stepno)
{
	struct waiter	*wt;
	struct job	*j;
	size_t		 i;

	for (i = 0; i < CACHE_SIZE; i++) {
		struct cached *c = &g->cache[i];

		if (c->image != NULL && c->stepno == stepno &&
		    strcmp(c->key, spec->key) == 0) {
			c->used = ++g->clock;
			send_image(req, c->image, c->len, c->svg);
			return;
		}
	}
	for (j = g->busy; j != NULL; j = j->busy_next)
		if (j->stepno == stepno && strcmp(j->spec.key, spec->key) == 0)
			break;
	if (j == NULL && work_queued(g->work) >= WORK_QUEUED_MAX) {
		http_busy(req);
		return;
	}
	if (j == NULL) {
		j = xcalloc(1, sizeof(*j));
		j->g = g;
		j->spec = *spec;
		j->stepno = stepno;
		j->busy_next = g->busy;
		g->busy = j;
		work_submit(g->work, render, rendered, j);
	}
	wt = xcalloc(1, sizeof(*wt));
	wt->next = j->waiters;
	j->waiters = wt;
	http_hold(req, &wt->req);
}

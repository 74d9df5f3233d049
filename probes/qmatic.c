/*
 * qmatic.c: wachtd-probe-qmatic (issue 6 part 3). Polls the queue list of
 * a Qmatic Orchestra branch over its REST interface,
 *
 *   GET {base_url}/rest/servicepoint/branches/{branch}/queues
 *
 * with HTTP Basic authentication, and publishes per wachtd queue the
 * gauges waiting (customersWaiting) and longest_wait (waitingTime), and
 * the answered and arrived events that qmatic_parse.c derives from two
 * polls in a row. Several Qmatic queues of one branch may feed one wachtd
 * queue: their counts add up, the longest wait is the longest of them.
 *
 * The requests go through fetch.c on the probe's own event base, one at a
 * time per branch: a poll starts `poll` after the previous one started,
 * or after a failure when the backoff says so. A failed poll publishes
 * nothing and makes the probe forget its gauges, so that a reconnecting
 * broker is not told old figures as new ones.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "wachtd.h"
#include "fetch.h"
#include "parse.h"
#include "probe.h"
#include "qmatic_parse.h"

#define POLL_DEFAULT		10.0	/* s between polls */
#define TIMEOUT_DEFAULT		5.0	/* s for one request */
#define RETRY_MAX_DEFAULT	300.0	/* s: the longest backoff */
#define ID_MAX			INT_MAX
#define QUEUES_PATH		"/rest/servicepoint/branches/%ld/queues"
#define SECTION_QUEUE		"queue "

/* Why a branch's poll failed: each kind is rate-limited on its own, so
 * that a 500 after a 401 is still told at once. */
enum trouble {
	TROUBLE_AUTH,		/* 401, 403 */
	TROUBLE_HTTP,		/* any other status that is not 2xx */
	TROUBLE_NET,		/* no answer: refused, timeout, TLS */
	TROUBLE_DATA,		/* an answer, but not a queue list */
	TROUBLE_COUNT
};

/* One [queue ID] section: a Qmatic queue and the wachtd queue it feeds. */
struct source {
	char		*section;
	int		 line;
	long		 id;		/* Qmatic queue id, 0 until known */
	long		 branch;
	char		*queue;		/* wachtd CHANNEL/NAME */
	struct qmatic_snap prev;	/* the last good poll */
	int		 have_prev;
	struct complaint trouble;	/* absent or bad in the answer */
};

/* One Orchestra branch: one URL, one poll at a time. */
struct branch {
	struct qmatic	*qm;
	long		 id;
	char		*url;
	struct event	*timer;
	struct backoff	 backoff;
	double		 started;	/* epoch s, the running request */
	int		 failing;	/* the last poll failed */
	struct complaint trouble[TROUBLE_COUNT];
	size_t		*src;		/* indices into qm->src */
	struct qmatic_queue *q;		/* one per src, for qmatic_parse */
	size_t		 nsrc;
};

struct qmatic {
	struct probe	*p;
	/* [orchestra] */
	char		*base_url;	/* without a trailing '/' */
	char		*user;
	char		*password_file;
	char		*tls_ca;
	double		 poll;
	double		 timeout;
	double		 retry_max;
	/* [queue ID] */
	struct source	*src;
	size_t		 nsrc;
	/* running */
	struct branch	*br;
	size_t		 nbr;
	struct fetcher	*fetch;
	char		*password;	/* read from password_file */
	char		 host[256];	/* base_url for the log */
	int		 stopping;
};

static struct qmatic	 qmatic = {
	.poll = POLL_DEFAULT,
	.timeout = TIMEOUT_DEFAULT,
	.retry_max = RETRY_MAX_DEFAULT,
};

/* The section of this name, made on its first key. */
static struct source *
source_of(struct qmatic *qm, const char *section)
{
	size_t	 i;

	for (i = 0; i < qm->nsrc; i++)
		if (strcmp(qm->src[i].section, section) == 0)
			return &qm->src[i];
	qm->src = xreallocarray(qm->src, qm->nsrc + 1, sizeof(*qm->src));
	memset(&qm->src[qm->nsrc], 0, sizeof(*qm->src));
	qm->src[qm->nsrc].section = xstrdup(section);
	qm->src[qm->nsrc].branch = 1;
	return &qm->src[qm->nsrc++];
}

static void
set_string(char **to, const char *value)
{
	free(*to);
	*to = xstrdup(value);
}

/* base_url: http(s)://host[:port][/path], credentials kept out of it. */
static int
base_url_key(struct qmatic *qm, const char *value, char *why, size_t len)
{
	const char	*host, *err;
	size_t		 n;

	if (strncmp(value, "http://", 7) != 0 &&
	    strncmp(value, "https://", 8) != 0) {
		snprintf(why, len, "base_url = %s: an http:// or https:// URL",
		    value);
		return -1;
	}
	host = strstr(value, "://") + 3;
	n = strcspn(host, "/?#");
	if (memchr(host, '@', n) != NULL) {
		snprintf(why, len, "base_url: no user:password@ in the URL; "
		    "use user and password_file");
		return -1;
	}
	if (n == 0 || value[strcspn(value, "?# \t")] != '\0' ||
	    parse_utf8(value, &err) == -1) {
		snprintf(why, len, "base_url = %s: a host, and no query, "
		    "fragment or blanks", value);
		return -1;
	}
	set_string(&qm->base_url, value);
	n = strlen(qm->base_url);
	while (n > 0 && qm->base_url[n - 1] == '/')
		qm->base_url[--n] = '\0';
	return 0;
}

/* A duration in [min, max] seconds. */
static int
duration_key(const char *name, const char *value, double min, double max,
    double *out, char *why, size_t len)
{
	const char	*err;
	double		 secs;

	if (parse_duration(value, &secs, &err) == -1) {
		snprintf(why, len, "%s = %s: %s", name, value, err);
		return -1;
	}
	if (secs < min || secs > max) {
		snprintf(why, len, "%s = %s: between %gs and %gs", name,
		    value, min, max);
		return -1;
	}
	*out = secs;
	return 0;
}

static int
orchestra_key(struct qmatic *qm, const char *name, const char *value,
    char *why, size_t len)
{
	const char	*err;

	if (strcmp(name, "base_url") == 0)
		return base_url_key(qm, value, why, len);
	if (strcmp(name, "user") == 0) {
		/* Basic authentication cannot carry a ':' in the user. */
		if (parse_text(value, 256, &err) == -1 ||
		    strchr(value, ':') != NULL) {
			snprintf(why, len, "user: one line without ':'");
			return -1;
		}
		set_string(&qm->user, value);
		return 0;
	}
	if (strcmp(name, "password_file") == 0 ||
	    strcmp(name, "tls_ca") == 0) {
		if (value[0] == '\0') {
			snprintf(why, len, "%s: a file name", name);
			return -1;
		}
		set_string(name[0] == 'p' ? &qm->password_file : &qm->tls_ca,
		    value);
		return 0;
	}
	if (strcmp(name, "poll") == 0)
		return duration_key(name, value, 1, 3600, &qm->poll, why, len);
	if (strcmp(name, "timeout") == 0)
		return duration_key(name, value, 1, 300, &qm->timeout, why,
		    len);
	if (strcmp(name, "retry_max") == 0)
		return duration_key(name, value, 1, 86400, &qm->retry_max,
		    why, len);
	snprintf(why, len, "unknown key '%s' in [orchestra]", name);
	return -1;
}

static int
queue_key(struct qmatic *qm, const char *section, const char *name,
    const char *value, char *why, size_t len)
{
	struct source	*s = source_of(qm, section);
	const char	*err;
	long		 n;

	if (strcmp(name, "queue") == 0) {
		if (parse_queue_id(value, &err) == -1) {
			snprintf(why, len, "queue = %s: %s", value, err);
			return -1;
		}
		set_string(&s->queue, value);
		return 0;
	}
	if (strcmp(name, "branch") == 0 || strcmp(name, "id") == 0) {
		if (parse_int(value, 1, ID_MAX, &n, &err) == -1) {
			snprintf(why, len, "%s = %s: %s", name, value, err);
			return -1;
		}
		if (name[0] == 'b')
			s->branch = n;
		else
			s->id = n;
		return 0;
	}
	snprintf(why, len, "unknown key '%s' in [%s]", name, section);
	return -1;
}

static int
qmatic_key(void *state, const char *section, const char *name,
    const char *value, char *why, size_t len)
{
	struct qmatic	*qm = state;

	if (strcmp(section, "orchestra") == 0)
		return orchestra_key(qm, name, value, why, len);
	if (strncmp(section, SECTION_QUEUE, strlen(SECTION_QUEUE)) == 0 &&
	    section[strlen(SECTION_QUEUE)] != '\0')
		return queue_key(qm, section, name, value, why, len);
	snprintf(why, len, "unknown section [%s]: [orchestra] or "
	    "[queue ID]", section);
	return -1;
}

/* The meaning of the whole file: what must be there and fit together. */
static void
qmatic_check(void *state, struct probe *p)
{
	struct qmatic	*qm = state;
	struct source	*s, *t;
	const char	*err;
	size_t		 i, j;
	int		 line = probe_section_line(p, "orchestra");
	long		 n;

	if (qm->base_url == NULL)
		probe_config_error(p, line, "[orchestra] base_url missing");
	if ((qm->user == NULL) != (qm->password_file == NULL))
		probe_config_error(p, line, "[orchestra] user and "
		    "password_file go together");
	if (qm->retry_max < qm->poll)
		probe_config_error(p, line, "[orchestra] retry_max (%gs) is "
		    "less than poll (%gs)", qm->retry_max, qm->poll);
	if (qm->nsrc == 0)
		probe_config_error(p, 0, "no [queue ID] section: nothing to "
		    "publish");
	for (i = 0; i < qm->nsrc; i++) {
		s = &qm->src[i];
		s->line = probe_section_line(p, s->section);
		if (s->id == 0) {
			if (parse_int(s->section + strlen(SECTION_QUEUE), 1,
			    ID_MAX, &n, &err) == -1)
				probe_config_error(p, s->line, "[%s]: the "
				    "name is the Qmatic queue id (%s), or "
				    "give id =", s->section, err);
			else
				s->id = n;
		}
		if (s->queue == NULL)
			probe_config_error(p, s->line, "[%s]: queue missing "
			    "(the wachtd queue, e.g. queue = "
			    "balie/burgerzaken)", s->section);
		for (j = 0; j < i && s->id != 0; j++) {
			t = &qm->src[j];
			if (t->id == s->id && t->branch == s->branch)
				probe_config_error(p, s->line, "[%s]: queue "
				    "%ld of branch %ld is already read by "
				    "[%s]", s->section, s->id, s->branch,
				    t->section);
			else if (s->queue != NULL && t->queue != NULL &&
			    strcmp(s->queue, t->queue) == 0 &&
			    t->branch != s->branch)
				probe_config_error(p, s->line, "[%s]: %s "
				    "already takes branch %ld ([%s]); one "
				    "branch per wachtd queue", s->section,
				    s->queue, t->branch, t->section);
		}
	}
}

/* The branch's trouble is over: one line, whichever kind it was, and
 * the next trouble is told at once. */
static void
branch_relief(struct branch *b)
{
	if (b->failing)
		log_info("%s branch %ld: queues read again", b->qm->host,
		    b->id);
	b->failing = 0;
	memset(b->trouble, 0, sizeof(b->trouble));
}

static void
schedule(struct branch *b, double delay)
{
	struct timeval	 tv;

	if (delay < 0)
		delay = 0;
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	evtimer_add(b->timer, &tv);
}

/* A poll failed (already told): forget, and try again later. */
static void
branch_failed(struct branch *b)
{
	struct qmatic	*qm = b->qm;
	struct source	*s;
	size_t		 i;

	for (i = 0; i < b->nsrc; i++) {
		s = &qm->src[b->src[i]];
		probe_gauge(qm->p, s->queue, "waiting", NAN);
		probe_gauge(qm->p, s->queue, "longest_wait", NAN);
	}
	b->failing = 1;
	schedule(b, backoff_next(&b->backoff));
}

/* The events of one source between its last good poll and this one. */
static void
publish_events(struct qmatic *qm, struct source *s,
    const struct qmatic_snap *cur)
{
	struct qmatic_change	 ch;
	double			*waits;
	size_t			 i, n;

	if (!s->have_prev)
		return;
	n = s->prev.waiting > 0 ? (size_t)s->prev.waiting : 1;
	waits = xcalloc(n, sizeof(*waits));
	/* Farther apart, the estimates would be guesses: skip it. */
	if (qmatic_derive(&s->prev, cur, 3 * qm->poll + qm->timeout, waits,
	    n, &ch) == -1) {
		log_debug("[%s]: %.0f s since the last good poll: no "
		    "answered derived", s->section, cur->at - s->prev.at);
		free(waits);
		return;
	}
	/*
	 * At the time of the poll that saw them, not at the estimated
	 * call: wachtd takes events only for its current and last step.
	 */
	for (i = 0; i < ch.answered && i < n; i++)
		probe_event(qm->p, s->queue, "answered", round(waits[i]),
		    cur->at);
	if (ch.arrived > 0)
		probe_event(qm->p, s->queue, "arrived", (double)ch.arrived,
		    cur->at);
	if (ch.answered > 0 || ch.arrived > 0)
		log_debug("[%s]: %zu called, %ld arrived", s->section,
		    ch.answered, ch.arrived);
	free(waits);
}

/* A good answer: events per source, gauges per wachtd queue whose
 * sources are all there and sound. */
static void
branch_publish(struct branch *b, double at, double fuzz, double now)
{
	struct qmatic		*qm = b->qm;
	struct qmatic_snap	 cur;
	struct source		*s, *t;
	struct qmatic_queue	*q;
	size_t			 i, j;
	long			 waiting;
	double			 longest;
	int			 whole;

	for (i = 0; i < b->nsrc; i++) {
		s = &qm->src[b->src[i]];
		q = &b->q[i];
		if (q->found != QMATIC_GOOD) {
			if (q->found == QMATIC_ABSENT)
				log_complain(&s->trouble, now, "%s branch %ld "
				    "has no queue %ld ([%s])", qm->host,
				    b->id, s->id, s->section);
			else
				log_complain(&s->trouble, now, "%s branch %ld "
				    "[%s]: %s", qm->host, b->id, s->section,
				    q->why);
			s->have_prev = 0;
			continue;
		}
		log_relief(&s->trouble, "[%s]: queue %ld of branch %ld read "
		    "again", s->section, s->id, b->id);
		cur.at = at;
		cur.fuzz = fuzz;
		cur.waiting = q->waiting;
		cur.longest = q->longest;
		publish_events(qm, s, &cur);
		s->prev = cur;
		s->have_prev = 1;
	}
	/* Each wachtd queue once, at its first source. */
	for (i = 0; i < b->nsrc; i++) {
		s = &qm->src[b->src[i]];
		for (j = 0; j < i; j++)
			if (strcmp(qm->src[b->src[j]].queue, s->queue) == 0)
				break;
		if (j < i)
			continue;
		waiting = 0;
		longest = 0;
		whole = 1;
		for (j = i; j < b->nsrc; j++) {
			t = &qm->src[b->src[j]];
			if (strcmp(t->queue, s->queue) != 0)
				continue;
			if (b->q[j].found != QMATIC_GOOD)
				whole = 0;
			waiting += b->q[j].waiting;
			longest = fmax(longest, b->q[j].longest);
		}
		if (!whole) {
			probe_gauge(qm->p, s->queue, "waiting", NAN);
			probe_gauge(qm->p, s->queue, "longest_wait", NAN);
			continue;
		}
		probe_gauge(qm->p, s->queue, "waiting", (double)waiting);
		probe_gauge(qm->p, s->queue, "longest_wait", round(longest));
		log_debug("%s: %ld waiting, longest %.0f s", s->queue,
		    waiting, longest);
	}
}

/* What a failed request means to the person who runs the probe. */
static void
tell_failure(struct branch *b, long status, const char *error, double now)
{
	struct qmatic	*qm = b->qm;
	const char	*h = qm->host;

	if (status == 401) {
		log_complain(&b->trouble[TROUBLE_AUTH], now, "%s branch %ld: "
		    "HTTP 401 Unauthorized: check user and password_file",
		    h, b->id);
		/* Read again next time: it may have been put right. */
		if (qm->password != NULL) {
			explicit_bzero(qm->password, strlen(qm->password));
			free(qm->password);
			qm->password = NULL;
		}
	} else if (status == 403)
		log_complain(&b->trouble[TROUBLE_AUTH], now, "%s branch %ld: "
		    "HTTP 403 Forbidden: user %s may not read this branch's "
		    "queues", h, b->id, qm->user != NULL ? qm->user : "(none)");
	else if (status >= 500)
		log_complain(&b->trouble[TROUBLE_HTTP], now, "%s branch %ld: "
		    "HTTP %ld: the server failed", h, b->id, status);
	else if (status >= 300 && status < 400)
		log_complain(&b->trouble[TROUBLE_HTTP], now, "%s branch %ld: "
		    "HTTP %ld: a redirect, not followed: check base_url", h,
		    b->id, status);
	else if (status != 0)
		log_complain(&b->trouble[TROUBLE_HTTP], now, "%s branch %ld: "
		    "HTTP %ld: check base_url and branch", h, b->id, status);
	else
		log_complain(&b->trouble[TROUBLE_NET], now, "%s branch %ld: "
		    "%s", h, b->id, error);
}

/* A branch's answer (or why none came): publish or fail, then plan the
 * next poll. */
static void
on_response(void *arg, int ok, long status, const char *error,
    const char *body, size_t len)
{
	struct branch	*b = arg;
	struct qmatic	*qm = b->qm;
	double		 now = util_now();
	char		 why[256];

	if (qm->stopping)
		return;
	if (!ok) {
		tell_failure(b, status, error, now);
		branch_failed(b);
		return;
	}
	if (qmatic_parse(body, len, b->q, b->nsrc, why, sizeof(why)) == -1) {
		log_complain(&b->trouble[TROUBLE_DATA], now, "%s branch %ld: "
		    "%s", qm->host, b->id, why);
		branch_failed(b);
		return;
	}
	branch_relief(b);
	backoff_reset(&b->backoff);
	/* The server counted somewhere between our request and its answer. */
	branch_publish(b, (b->started + now) / 2, (now - b->started) / 2, now);
	schedule(b, b->started + qm->poll - now);
}

/* One GET of the branch's queues; the password is read when it is not
 * known yet (at the start, and after a 401). */
static void
poll_branch(struct branch *b)
{
	struct qmatic		*qm = b->qm;
	struct fetch_request	 r;

	if (qm->password_file != NULL && qm->password == NULL &&
	    (qm->password = probe_read_secret(qm->password_file)) == NULL) {
		/* probe_read_secret said why; the backoff spaces repeats. */
		branch_failed(b);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.url = b->url;
	r.method = "GET";
	r.accept = "application/json";
	r.user = qm->user;
	r.password = qm->password;
	r.ca_file = qm->tls_ca;
	r.timeout = qm->timeout;
	b->started = util_now();
	if (fetch_start_response(qm->fetch, &r, on_response, b) == -1) {
		/* fetch.c said why. */
		branch_failed(b);
		return;
	}
	log_debug("GET %s branch %ld", qm->host, b->id);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	poll_branch(arg);
}

/* The branches to poll, each with its sources in file order. */
static void
make_branches(struct qmatic *qm)
{
	struct branch	*b;
	size_t		 i, j;

	for (i = 0; i < qm->nsrc; i++) {
		for (j = 0; j < qm->nbr; j++)
			if (qm->br[j].id == qm->src[i].branch)
				break;
		if (j == qm->nbr) {
			qm->br = xreallocarray(qm->br, qm->nbr + 1,
			    sizeof(*qm->br));
			b = &qm->br[qm->nbr++];
			memset(b, 0, sizeof(*b));
			b->id = qm->src[i].branch;
		}
		b = &qm->br[j];
		b->src = xreallocarray(b->src, b->nsrc + 1, sizeof(*b->src));
		b->src[b->nsrc++] = i;
	}
}

/* Credentials over plain http are readable on the way, unless the way
 * is this machine. */
static int
cleartext(const struct qmatic *qm)
{
	static const char *const local[] = {
		"http://127.", "http://localhost", "http://[::1]"
	};
	size_t	 i;

	if (qm->user == NULL || strncmp(qm->base_url, "http://", 7) != 0)
		return 0;
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strncmp(qm->base_url, local[i], strlen(local[i])) == 0)
			return 0;
	return 1;
}

/* Polling starts: one timer per branch, each due at once. */
static void
qmatic_start(void *state, struct probe *p)
{
	struct qmatic	*qm = state;
	struct branch	*b;
	size_t		 i, j;

	qm->p = p;
	fetch_url_host(qm->base_url, qm->host, sizeof(qm->host));
	if (cleartext(qm))
		log_warnx("%s: the password for %s crosses the network "
		    "unencrypted: use https://", qm->host, qm->user);
	qm->fetch = fetch_new(probe_base(p));
	make_branches(qm);
	for (i = 0; i < qm->nbr; i++) {
		b = &qm->br[i];
		b->qm = qm;
		xasprintf(&b->url, "%s" QUEUES_PATH, qm->base_url, b->id);
		b->q = xcalloc(b->nsrc, sizeof(*b->q));
		for (j = 0; j < b->nsrc; j++)
			b->q[j].id = qm->src[b->src[j]].id;
		backoff_init(&b->backoff, qm->poll, qm->retry_max);
		if ((b->timer = evtimer_new(probe_base(p), on_timer,
		    b)) == NULL)
			fatalx("evtimer_new");
		log_info("polling %s branch %ld every %g s for %zu queue%s",
		    qm->host, b->id, qm->poll, b->nsrc, b->nsrc == 1 ? "" :
		    "s");
		schedule(b, 0);
	}
}

/* SIGTERM: nothing may call back into the probe after this. */
static void
qmatic_stop(void *state)
{
	struct qmatic	*qm = state;
	size_t		 i;

	qm->stopping = 1;
	/* Runs the callback of a request in flight: "cancelled". */
	fetch_free(qm->fetch);
	qm->fetch = NULL;
	for (i = 0; i < qm->nbr; i++) {
		event_free(qm->br[i].timer);
		qm->br[i].timer = NULL;
	}
}

/* Everything of the configuration and the run, at exit. */
static void
qmatic_free(struct qmatic *qm)
{
	size_t	 i;

	for (i = 0; i < qm->nbr; i++) {
		free(qm->br[i].url);
		free(qm->br[i].src);
		free(qm->br[i].q);
	}
	free(qm->br);
	for (i = 0; i < qm->nsrc; i++) {
		free(qm->src[i].section);
		free(qm->src[i].queue);
	}
	free(qm->src);
	if (qm->password != NULL) {
		explicit_bzero(qm->password, strlen(qm->password));
		free(qm->password);
	}
	free(qm->base_url);
	free(qm->user);
	free(qm->password_file);
	free(qm->tls_ca);
}

static const struct probe_def qmatic_def = {
	.name = "qmatic",
	.key = qmatic_key,
	.check = qmatic_check,
	.start = qmatic_start,
	.stop = qmatic_stop,
};

int
main(int argc, char **argv)
{
	int	 rc;

	if (fetch_global_init() == -1)
		return 1;	/* it said why */
	rc = probe_main(argc, argv, &qmatic_def, &qmatic);
	qmatic_free(&qmatic);
	fetch_global_cleanup();
	return rc;
}

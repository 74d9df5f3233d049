/*
 * persist.c: what staff were told survives a restart (issue 4, part 6).
 * Every alert's state with its clocks and ack, and the silences, go to
 * state_dir/alerts.json, written whole to a temporary file and renamed, so
 * a crash leaves the old file or the new one, never half of one. Times
 * are kept as epoch numbers, exactly; the file is small (a few hundred
 * bytes an alert), so the loop writes it itself, at most once a pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "parse.h"
#include "wachtd.h"

#define PERSIST_VERSION	1
#define SILENCE_ID_MAX	1000000000	/* s1000000000 fits an id */

/* A time, or null for NAN (a clock not running). */
static json_t *
moment(double t)
{
	return isnan(t) ? json_null() : json_real(t);
}

static double
moment_of(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

static json_t *
runs(const double *t)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; i < ALERT_LEVELS; i++)
		json_array_append_new(a, moment(t[i]));
	return a;
}

static void
runs_of(const json_t *a, double *t)
{
	int	 i;

	for (i = 0; i < ALERT_LEVELS; i++)
		t[i] = moment_of(json_array_get(a, (size_t)i));
}

static int
state_of(const json_t *j, enum alert_state *s)
{
	const char	*name = json_string_value(j);
	int		 i;

	for (i = ALERT_UNKNOWN; name != NULL && i <= ALERT_CLOSED; i++)
		if (strcmp(name, alert_state_name((enum alert_state)i)) == 0) {
			*s = (enum alert_state)i;
			return 0;
		}
	return -1;
}

/* Who was told what: the notices of an alert, by [notify] name. */
static json_t *
notices_json(const struct notice *notices, size_t nnotices)
{
	const struct notice *n;
	json_t	*o = json_object();
	size_t	 i;

	for (i = 0; i < nnotices; i++) {
		n = &notices[i];
		json_object_set_new(o, n->to, json_pack("{s:s, s:f, s:f, s:b,"
		    " s:f}", "told", alert_state_name(n->told), "first",
		    n->first, "last", n->last, "escalated", n->escalated,
		    "refreshed", n->refreshed));
	}
	return o;
}

static void
notices_of(const json_t *o, struct queue_alert *qa)
{
	struct notice	*n;
	const json_t	*j;
	size_t		 i;

	for (i = 0; i < qa->nnotices; i++) {
		n = &qa->notices[i];
		if ((j = json_object_get(o, n->to)) == NULL ||
		    state_of(json_object_get(j, "told"), &n->told) == -1)
			continue;
		n->first = json_number_value(json_object_get(j, "first"));
		n->last = json_number_value(json_object_get(j, "last"));
		n->refreshed = json_number_value(json_object_get(j,
		    "refreshed"));
		n->escalated = json_is_true(json_object_get(j, "escalated"));
	}
}

/*
 * What is saved of an alert, copied in the loop: the worker thread
 * writes it while the loop goes on, so it holds copies of its own (the
 * ack's texts, the notices, the reason in words), never a pointer into
 * the live alert, which an ack ending or a reload frees.
 */
struct saved_alert {
	char		*id;		/* CHANNEL/NAME/NORM */
	char		*reason;	/* in words: made in the loop */
	struct alert	 a;		/* alert_copy: its own ack texts */
	struct verdict	 j;
	struct notice	*notices;
	size_t		 nnotices;
};

static json_t *
alert_json(const struct saved_alert *sa)
{
	const struct alert *a = &sa->a;
	json_t	*o;

	o = json_pack("{s:s, s:s, s:f, s:o, s:o}",
	    "state", alert_state_name(a->state),
	    "previous", alert_state_name(a->previous),
	    "since", a->since,
	    "at_least", runs(a->at_least),
	    "at_most", runs(a->at_most));
	if (a->ack.at > 0)
		json_object_set_new(o, "ack", json_pack("{s:f, s:f, s:s, s:s,"
		    " s:s}", "at", a->ack.at, "expires", a->ack.expires,
		    "state", alert_state_name(a->ack.state), "by", a->ack.by,
		    "comment", a->ack.comment));
	json_object_set_new(o, "notices", notices_json(sa->notices,
	    sa->nnotices));
	/* Why it holds: until input says more, that is all there is. */
	json_object_set_new(o, "reason", json_pack("{s:s, s:o, s:o}",
	    "text", sa->reason, "value", moment(sa->j.value),
	    "threshold", moment(sa->j.threshold)));
	return o;
}

/* A saved time: finite, not before 1970, not from tomorrow. */
static int
sane_time(double t, double now)
{
	return isfinite(t) && t >= 0 && t <= now + 86400;
}

/* The saved alert o into a; -1 (a untouched) when it does not parse.
 * Nothing is allocated until all of it has. */
static int
alert_of(const json_t *o, struct alert *a, double now)
{
	struct alert	 in;
	const json_t	*ack = json_object_get(o, "ack");
	const char	*by, *comment, *why;
	int		 i;

	alert_init(&in, 0);
	if (state_of(json_object_get(o, "state"), &in.state) == -1 ||
	    state_of(json_object_get(o, "previous"), &in.previous) == -1 ||
	    !json_is_number(json_object_get(o, "since")))
		return -1;
	in.since = json_number_value(json_object_get(o, "since"));
	runs_of(json_object_get(o, "at_least"), in.at_least);
	runs_of(json_object_get(o, "at_most"), in.at_most);
	if (!sane_time(in.since, now))
		return -1;
	for (i = 0; i < ALERT_LEVELS; i++)
		if ((!isnan(in.at_least[i]) && !sane_time(in.at_least[i],
		    now)) || (!isnan(in.at_most[i]) &&
		    !sane_time(in.at_most[i], now)))
			return -1;
	if (ack != NULL) {
		if (state_of(json_object_get(ack, "state"), &in.ack.state) ==
		    -1 || !json_is_number(json_object_get(ack, "at")) ||
		    !json_is_number(json_object_get(ack, "expires")))
			return -1;
		in.ack.at = json_number_value(json_object_get(ack, "at"));
		in.ack.expires = json_number_value(json_object_get(ack,
		    "expires"));
		by = json_string_value(json_object_get(ack, "by"));
		comment = json_string_value(json_object_get(ack, "comment"));
		if (!sane_time(in.ack.at, now) || !isfinite(in.ack.expires) ||
		    parse_text(by, ALERT_TEXT, &why) == -1 ||
		    (comment != NULL && comment[0] != '\0' &&
		    parse_text(comment, ALERT_TEXT, &why) == -1))
			return -1;
		/* Texts only while an ack holds (alert.c): at 0 is none. */
		if (in.ack.at > 0) {
			in.ack.by = xstrdup(by);
			in.ack.comment = xstrdup(comment != NULL ? comment :
			    "");
		} else
			memset(&in.ack, 0, sizeof(in.ack));
	}
	alert_free(a);
	*a = in;		/* in's texts are a's now */
	return 0;
}

/*
 * What is saved, copied in the loop: turning two thousand alerts into
 * JSON and writing them took the loop 25 ms (make bench), so that is done
 * by the worker thread, from this copy, which nothing else touches.
 */
struct persist_copy {
	char		*path;
	double		 now;
	json_t		*silences;	/* a handful: made in the loop */
	unsigned long	 next_silence;
	struct saved_alert *alerts;
	size_t		 n;
};

struct persist_copy *
persist_copy(const char *path, const struct map *queues,
    const struct silences *ss, double now)
{
	struct persist_copy *c = xcalloc(1, sizeof(*c));
	const struct queue *q;
	const struct queue_alert *qa;
	struct saved_alert *sa;
	const char	*id;
	void		*val;
	size_t		 pos = 0, i, max = 0;

	while (map_next(queues, &pos, &id, &val))
		max += ((const struct queue *)val)->nalerts;
	c->path = xstrdup(path);
	c->now = now;
	c->alerts = xcalloc(max + 1, sizeof(*c->alerts));
	for (pos = 0; map_next(queues, &pos, &id, &val);) {
		q = val;
		for (i = 0; i < q->nalerts; i++) {
			qa = &q->alerts[i];
			sa = &c->alerts[c->n++];
			xasprintf(&sa->id, "%s/%s", id, queue_alert_name(qa));
			/* In words here: the worker must not make them from
			 * a look the loop goes on changing. */
			sa->reason = xstrdup(queue_alert_reason(qa));
			alert_copy(&sa->a, &qa->a);
			sa->j = qa->j;
			sa->nnotices = qa->nnotices;
			/* At least one: build_notices. */
			sa->notices = xreallocarray(NULL, qa->nnotices,
			    sizeof(*sa->notices));
			memcpy(sa->notices, qa->notices,
			    qa->nnotices * sizeof(*sa->notices));
		}
	}
	c->silences = json_array();
	for (i = 0; i < ss->n; i++)
		json_array_append_new(c->silences, silence_json(&ss->list[i]));
	c->next_silence = ss->next_id;
	return c;
}

void
persist_free(struct persist_copy *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->alerts[i].id);
		free(c->alerts[i].reason);
		alert_free(&c->alerts[i].a);
		free(c->alerts[i].notices);
	}
	free(c->alerts);
	json_decref(c->silences);
	free(c->path);
	free(c);
}

/* Written by one thread at a time: the worker's save, or the last at
 * the stop once the worker is gone. */
static struct complaint	 trouble;

/* Writes j to f and lets it go; 0, or -1. */
static int
dump(json_t *j, FILE *f)
{
	int	 rc = json_dumpf(j, f, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(j);
	return rc;
}

/*
 * The file alert by alert: one tree of every alert was 10 MB at its peak
 * with 1,000 queues, and the worker's heap kept 6.4 MB of it (make
 * bench). An alert that is not encodable is left out, as before.
 */
static int
write_states(const struct persist_copy *c, FILE *f)
{
	json_t		*o;
	size_t		 i;
	int		 first = 1;

	if (fprintf(f, "{\"version\":%d,\"saved\":", PERSIST_VERSION) < 0 ||
	    dump(json_real(c->now), f) == -1 ||
	    fputs(",\"alerts\":{", f) == EOF)
		return -1;
	for (i = 0; i < c->n; i++) {
		if ((o = alert_json(&c->alerts[i])) == NULL)
			continue;
		if ((!first && fputc(',', f) == EOF) ||
		    dump(json_string(c->alerts[i].id), f) == -1 ||
		    fputc(':', f) == EOF || dump(o, f) == -1)
			return -1;
		first = 0;
	}
	if (fputs("},\"silences\":", f) == EOF ||
	    dump(json_incref(c->silences), f) == -1 ||
	    fprintf(f, ",\"next_silence\":%lu}", c->next_silence) < 0)
		return -1;
	return fflush(f) == EOF ? -1 : 0;
}

int
persist_write(struct persist_copy *c, int durable)
{
	FILE		*f;
	char		*tmp;
	int		 fd, ok, err, rc = -1;

	xasprintf(&tmp, "%s.tmp", c->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) != -1) {
		if ((f = fdopen(fd, "w")) == NULL)
			close(fd);
		else {
			ok = write_states(c, f) == 0 &&
			    (!durable || fsync(fileno(f)) == 0);
			ok = fclose(f) == 0 && ok;
			if (ok && rename(tmp, c->path) == 0)
				rc = 0;
		}
	}
	if (rc == -1) {
		/* A full disk fails every save: say so now and then. */
		err = errno;
		unlink(tmp);
		log_complain(&trouble, util_now(), "cannot save alert states "
		    "in %s: %s", c->path, strerror(err));
	} else
		log_relief(&trouble, "alert states saved in %s again",
		    c->path);
	free(tmp);
	return rc;
}

int
persist_save(const char *path, const struct map *queues,
    const struct silences *ss, double now, int durable)
{
	struct persist_copy *c = persist_copy(path, queues, ss, now);
	int		 rc = persist_write(c, durable);

	persist_free(c);
	return rc;
}

/* The saved judgement: why the alert holds, until input says more. */
static void
reason_of(const json_t *o, struct queue_alert *qa)
{
	const char	*text = json_string_value(json_object_get(o, "text"));
	const char	*why;

	if (text == NULL || parse_text(text, JUDGEMENT_REASON - 1,
	    &why) == -1)
		return;
	queue_alert_set_reason(qa, text);
	qa->j.value = moment_of(json_object_get(o, "value"));
	qa->j.threshold = moment_of(json_object_get(o, "threshold"));
}

/* Whether q's hours closed between the save and now. */
static int
closed_since(const struct queue *q, double saved, double now)
{
	return saved > 0 && calendar_next_close(q->conf->hours.to, saved) <=
	    now;
}

/*
 * The queue closed while wachtd was down: the day's alerts ended then,
 * without a word, as they would have had it run (notice.c); after the
 * opening they are judged afresh, not revived and escalated at once.
 */
static void
end_day(struct queue_alert *qa, double now)
{
	size_t	 i;

	alert_update(&qa->a, ALERT_CLOSED, now, 0, 0);
	for (i = 0; i < qa->nnotices; i++) {
		qa->notices[i].told = ALERT_OK;
		qa->notices[i].escalated = 0;
	}
}

/* A file that cannot be read as ours is kept aside, not overwritten. */
static void
keep_aside(const char *path, const char *why)
{
	char	*aside;

	xasprintf(&aside, "%s.bad", path);
	if (rename(path, aside) == 0)
		log_warnx("%s: %s; kept as %s, alert states start afresh",
		    path, why, aside);
	else
		log_warn("%s: %s; cannot move it aside", path, why);
	free(aside);
}

int
persist_load(const char *path, struct map *queues, struct silences *ss,
    double now)
{
	struct silence_spec sp;
	struct queue_alert *qa;
	struct queue	*q;
	json_error_t	 err;
	json_t		*root, *o, *s;
	const char	*key, *why, *slash;
	char		 qid[160];
	size_t		 i, restored = 0, dropped = 0, silences = 0;
	json_int_t	 next;
	double		 saved;

	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &err)) ==
	    NULL) {
		if (access(path, F_OK) == -1 && errno == ENOENT)
			return 0;
		keep_aside(path, err.text);
		return -1;
	}
	if (json_integer_value(json_object_get(root, "version")) !=
	    PERSIST_VERSION) {
		json_decref(root);
		keep_aside(path, "not a version 1 alert state file");
		return -1;
	}
	saved = json_number_value(json_object_get(root, "saved"));
	json_object_foreach(json_object_get(root, "alerts"), key, o) {
		slash = strrchr(key, '/');
		if (slash == NULL || (size_t)(slash - key) >= sizeof(qid)) {
			dropped++;
			continue;
		}
		snprintf(qid, sizeof(qid), "%.*s", (int)(slash - key), key);
		/* A queue or norm gone from the config: its alert too. */
		if ((q = map_get(queues, qid)) == NULL ||
		    (qa = queue_alert(q, slash + 1)) == NULL ||
		    alert_of(o, &qa->a, now) == -1)
			dropped++;
		else {
			notices_of(json_object_get(o, "notices"), qa);
			reason_of(json_object_get(o, "reason"), qa);
			if (closed_since(q, saved, now))
				end_day(qa, now);
			qa->changed = 1;
			restored++;
		}
	}
	next = json_integer_value(json_object_get(root, "next_silence"));
	if (next > 0 && next < SILENCE_ID_MAX &&
	    (unsigned long)next > ss->next_id)
		ss->next_id = (unsigned long)next;
	json_array_foreach(json_object_get(root, "silences"), i, s) {
		if (silence_from_json(s, now, &sp, &why) == -1 ||
		    silence_add(ss, &sp, now, &why, NULL) == -1)
			log_info("%s: silence %s not restored: %s", path,
			    sp.id != NULL ? sp.id : "?", why);
		else
			silences++;
	}
	json_decref(root);
	log_info("alert states restored: %zu alerts, %zu silences%s", restored,
	    silences, dropped > 0 ? " (some alerts left out: queue or norm "
	    "no longer configured)" : "");
	return 0;
}

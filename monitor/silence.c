/*
 * silence.c: silences. A maintenance window or a known outage: the alerts
 * a silence matches go on being judged and shown (marked silenced), only
 * nobody is notified. Matchers are shell globs, as in Alertmanager's UI
 * people already know: "telefoon/ *" (without the space), "*".
 */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "report_fmt.h"
#include "wachtd.h"

#define GLOB_MAX	128

static void
free_silence(struct silence *s)
{
	free(s->queue);
	free(s->norm);
	free(s->by);
	free(s->reason);
}

/* Printable ASCII: what queue ids and norm names are made of, and '*',
 * '?', '[', ']'. */
static int
valid_glob(const char *g)
{
	size_t	 i;

	if (g == NULL || g[0] == '\0' || strlen(g) > GLOB_MAX)
		return 0;
	for (i = 0; g[i] != '\0'; i++)
		if (g[i] < 0x21 || g[i] > 0x7e)
			return 0;
	return 1;
}

static struct silence *
find(const struct silences *ss, const char *id)
{
	size_t	 i;

	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->list[i].id, id) == 0)
			return &ss->list[i];
	return NULL;
}

int
silence_add(struct silences *ss, const struct silence_spec *s, double now,
    const char **why, struct silence **added)
{
	struct silence	*n;
	unsigned long	 num = 0;
	const char	*bad;
	char		 rest;

	if (s->id != NULL && (sscanf(s->id, "s%lu%c", &num, &rest) != 1 ||
	    num == 0 || find(ss, s->id) != NULL))
		*why = "id must be a new s1, s2, ...";
	else if (!valid_glob(s->queue))
		*why = "queue must be a pattern like telefoon/algemeen, "
		    "telefoon/* or *";
	else if (!valid_glob(s->norm))
		*why = "norm must be a pattern like a norm's name or *";
	else if (parse_text(s->by, SILENCE_TEXT, &bad) == -1)
		*why = "by (who) is required: up to 200 characters, one line";
	else if (parse_text(s->reason, SILENCE_TEXT, &bad) == -1)
		*why = "reason is required: up to 200 characters, one line";
	else if (!(s->ends > now))
		*why = "ends lies in the past";
	else if (!(s->ends > s->starts))
		*why = "ends must lie after starts";
	else if (ss->n >= SILENCE_MAX)
		*why = "too many silences; delete some first";
	else
		*why = NULL;
	if (*why != NULL)
		return -1;
	ss->list = xreallocarray(ss->list, ss->n + 1, sizeof(*ss->list));
	n = &ss->list[ss->n++];
	memset(n, 0, sizeof(*n));
	/* Numbers are never reused, also not after a restart. */
	if (num > ss->next_id)
		ss->next_id = num;
	snprintf(n->id, sizeof(n->id), "s%lu", num > 0 ? num : ++ss->next_id);
	n->starts = s->starts;
	n->ends = s->ends;
	n->created = s->created > 0 ? s->created : now;
	n->queue = xstrdup(s->queue);
	n->norm = xstrdup(s->norm);
	n->by = xstrdup(s->by);
	n->reason = xstrdup(s->reason);
	if (added != NULL)
		*added = n;
	return 0;
}

static void
remove_at(struct silences *ss, size_t i)
{
	free_silence(&ss->list[i]);
	memmove(&ss->list[i], &ss->list[i + 1],
	    (ss->n - i - 1) * sizeof(*ss->list));
	ss->n--;
}

int
silence_del(struct silences *ss, const char *id)
{
	struct silence	*s = find(ss, id);

	if (s == NULL)
		return -1;
	remove_at(ss, (size_t)(s - ss->list));
	return 0;
}

const struct silence *
silence_match(const struct silences *ss, const char *queue, const char *norm,
    double now)
{
	const struct silence *s;
	size_t		 i;

	for (i = 0; i < ss->n; i++) {
		s = &ss->list[i];
		if (s->starts <= now && now < s->ends &&
		    fnmatch(s->queue, queue, 0) == 0 &&
		    fnmatch(s->norm, norm, 0) == 0)
			return s;
	}
	return NULL;
}

size_t
silence_expire(struct silences *ss, double now)
{
	size_t	 i = 0, gone = 0;

	while (i < ss->n)
		if (ss->list[i].ends <= now) {
			remove_at(ss, i);
			gone++;
		} else
			i++;
	return gone;
}

void
silence_clear(struct silences *ss)
{
	while (ss->n > 0)
		remove_at(ss, ss->n - 1);
	free(ss->list);
	ss->list = NULL;
}

json_t *
silence_json(const struct silence *s)
{
	char	 a[40], b[40], c[40];

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "id", s->id, "queue", s->queue, "norm", s->norm,
	    "starts", util_iso8601(s->starts, a, sizeof(a)),
	    "ends", util_iso8601(s->ends, b, sizeof(b)),
	    "created", util_iso8601(s->created, c, sizeof(c)),
	    "by", s->by, "reason", s->reason);
}

/* An ISO 8601 time field, or `dflt` when absent; -1 when malformed. */
static int
time_field(const json_t *o, const char *key, double dflt, double *t)
{
	const json_t	*v = json_object_get(o, key);
	long long	 epoch;

	if (v == NULL || json_is_null(v)) {
		*t = dflt;
		return 0;
	}
	if (!json_is_string(v) ||
	    report_fmt_time(json_string_value(v), &epoch) == -1)
		return -1;
	*t = (double)epoch;
	return 0;
}

/* A string field, or dflt when absent; NULL when not a string. */
static const char *
text_field(const json_t *o, const char *key, const char *dflt)
{
	const json_t	*v = json_object_get(o, key);

	if (v == NULL)
		return dflt;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
silence_from_json(const json_t *o, double now, struct silence_spec *out,
    const char **why)
{
	const char	*duration;
	double		 secs;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o)) {
		*why = "the body must be a JSON object";
		return -1;
	}
	out->queue = text_field(o, "queue", "*");
	out->norm = text_field(o, "norm", "*");
	out->by = text_field(o, "by", NULL);
	out->reason = text_field(o, "reason", NULL);
	out->id = text_field(o, "id", NULL);	/* a saved one */
	if (time_field(o, "starts", now, &out->starts) == -1) {
		*why = "starts must be an ISO 8601 time";
		return -1;
	}
	if (time_field(o, "created", 0, &out->created) == -1) {
		*why = "created must be an ISO 8601 time";
		return -1;
	}
	duration = text_field(o, "duration", NULL);
	if (json_object_get(o, "ends") != NULL) {
		if (duration != NULL) {
			*why = "give ends or duration, not both";
			return -1;
		}
		if (time_field(o, "ends", NAN, &out->ends) == -1) {
			*why = "ends must be an ISO 8601 time";
			return -1;
		}
	} else if (duration != NULL) {
		if (parse_duration(duration, &secs, why) == -1)
			return -1;
		out->ends = out->starts + secs;
	} else {
		*why = "ends or duration is required";
		return -1;
	}
	return 0;
}

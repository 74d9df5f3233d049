/*
 * fuzz_ami.c: what Asterisk sends wachtd-probe-ami, through the AMI reader
 * and the queue state machine (probes/ami_parse.c), as probes/ami.c
 * drives them. The input is the byte stream after connecting: banner,
 * then message blocks. It arrives in pieces of varying size, as from a
 * socket. The conversation parts the probe would start itself follow the
 * stream instead: a Response with "EventList: start" opens the snapshot
 * of its queue, one with an error drops it, QueueStatusComplete ends it,
 * and Shutdown loses the connection. Each message is a quarter second
 * after the one before, unless it carries a Timestamp (Asterisk's
 * timestampevents), which sets the clock, backwards too; the state ticks
 * once a second, as on_tick does.
 *
 * What comes out must be what wachtd can take: finite, non-negative
 * values, and join and leave payloads that are JSON objects with an id,
 * a hash that gives nothing of the call away; a call joins once and
 * leaves once, or wachtd counts refusals.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ami_parse.h"

#define NOW	1764580000.0

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/* Two Asterisk queues feeding one wachtd queue, and one in gauge mode. */
static const struct ami_queue_conf queues[] = {
	{ "600", "telefoon/algemeen", AMI_MODE_LIFECYCLE },
	{ "601", "telefoon/algemeen", AMI_MODE_LIFECYCLE },
	{ "700", "telefoon/vergunningen", AMI_MODE_GAUGE },
};
#define NQUEUES	(sizeof(queues) / sizeof(queues[0]))

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_ami: %s: %s\n", what, detail);
	abort();
}

/* The calls wachtd believes waiting, by the joins and leaves it got:
 * "QUEUE ID" each. */
struct waiting {
	char		**v;
	size_t		 n;
};

/* Index of call in w, or w->n. */
static size_t
find_call(const struct waiting *w, const char *call)
{
	size_t	 i;

	for (i = 0; i < w->n && strcmp(w->v[i], call) != 0; i++)
		;
	return i;
}

/* A join or leave as wachtd's queue.c takes it: a join for a call it
 * has is a duplicate_id, a leave for one it has not an unknown_id. */
static void
join_leave(struct waiting *w, const struct ami_out *o, const char *id)
{
	char	 call[128];
	size_t	 i;

	snprintf(call, sizeof(call), "%s %s", o->queue, id);
	i = find_call(w, call);
	if (strcmp(o->metric, "join") == 0) {
		if (i < w->n)
			broken("a join for a call already waiting", call);
		if ((w->v = realloc(w->v, (w->n + 1) * sizeof(*w->v))) ==
		    NULL || (w->v[w->n++] = strdup(call)) == NULL)
			abort();
	} else {
		if (i == w->n)
			broken("a leave for a call never joined", call);
		free(w->v[i]);
		w->v[i] = w->v[--w->n];
	}
}

/* probe_gauge, probe_event and the JSON publish, as wachtd will read
 * them. */
static void
publish(void *arg, const struct ami_out *o)
{
	json_error_t	 err;
	json_t		*j;
	const char	*id;

	if (o->queue == NULL || o->metric == NULL)
		broken("a publication without its topic", "");
	switch (o->kind) {
	case AMI_OUT_GAUGE:
		if (!isnan(o->value) && !(o->value >= 0 && isfinite(o->value)))
			broken("a gauge out of range", o->metric);
		break;
	case AMI_OUT_EVENT:
		if (!(o->value >= 0 && isfinite(o->value)) || !isfinite(o->at))
			broken("an event out of range", o->metric);
		break;
	case AMI_OUT_JSON:
		/* The id is a hash: nothing of Asterisk's Uniqueid shows. */
		if ((j = json_loads(o->json, 0, &err)) == NULL ||
		    !json_is_object(j) ||
		    (id = json_string_value(json_object_get(j, "id"))) ==
		    NULL || strlen(id) != 16 ||
		    strspn(id, "0123456789abcdef") != 16)
			broken("a lifecycle payload wachtd refuses", o->json);
		join_leave(arg, o, id);
		json_decref(j);
		break;
	}
}

/* The configured queue a message is about: its Queue, or the one its
 * ActionID ("wachtd-N") was sent for; -1 for neither. */
static int
queue_of(const struct ami_state *st, const struct ami_msg *m)
{
	const char	*id = ami_msg_get(m, "ActionID");
	int		 i;

	if ((i = ami_state_queue(st, ami_msg_get(m, "Queue"))) != -1)
		return i;
	if (id == NULL || strncmp(id, "wachtd-", 7) != 0)
		return -1;
	return (int)(strtoul(id + 7, NULL, 10) % NQUEUES);
}

/* One message, as ami.c's on_message and on_response take it. */
static void
handle(struct ami_state *st, struct ami_reader *r, const struct ami_msg *m,
    double *now)
{
	const char	*event, *resp, *ts;
	double		 t;
	int		 i;

	if ((ts = ami_msg_get(m, "Timestamp")) != NULL &&
	    (t = strtod(ts, NULL), isfinite(t)) && t > 0 && t < 1e10)
		*now = t;
	else
		*now += 0.25;
	i = queue_of(st, m);
	switch (m->kind) {
	case AMI_RESPONSE:
		resp = ami_msg_get(m, "Response");
		if (i == -1)
			break;
		if (strcasecmp(resp, "Success") != 0)
			ami_state_abort(st, i);
		else if ((event = ami_msg_get(m, "EventList")) != NULL &&
		    strcasecmp(event, "start") == 0)
			ami_state_begin(st, i, *now);
		break;
	case AMI_EVENT:
		event = ami_msg_get(m, "Event");
		if (strcasecmp(event, "QueueStatusComplete") == 0 && i != -1)
			ami_state_end(st, i, *now);
		else if (strcasecmp(event, "Shutdown") == 0) {
			ami_state_down(st);
			ami_reader_reset(r);
		} else
			ami_state_feed(st, m, *now);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct waiting	 waiting = { NULL, 0 };
	struct ami_state *st;
	struct ami_reader *r;
	const struct ami_msg *m;
	const char	*buf = (const char *)data, *why;
	double		 now = NOW, ticked = NOW;
	size_t		 off = 0, end, piece, k = 0, i;
	ssize_t		 used;

	st = ami_state_new(queues, NQUEUES, 10, 8, publish, &waiting);
	ami_state_key(st, "geheim");
	r = ami_reader_new();
	while (off < size) {
		/* Pieces of 1 to 97 bytes, in a pattern each input sets. */
		piece = 1 + (k++ * 31 + data[0]) % 97;
		end = off + piece < size ? off + piece : size;
		while (off < end) {
			if ((used = ami_reader_push(r, buf + off, end - off, &m,
			    &why)) == -1)
				goto out;	/* the probe hangs up */
			if ((size_t)used > end - off)
				broken("used more than it was given", why);
			off += (size_t)used;
			if (m != NULL)
				handle(st, r, m, &now);
			if (floor(now) != floor(ticked)) {
				ami_state_tick(st, now);
				ticked = now;
			}
		}
	}
out:
	for (i = 0; i < NQUEUES; i++)
		if (ami_state_calls(st, (int)i) > AMI_CALLS_MAX)
			broken("more calls than the cap", queues[i].name);
	ami_reader_free(r);
	ami_state_free(st);
	for (i = 0; i < waiting.n; i++)
		free(waiting.v[i]);
	free(waiting.v);
	return 0;
}

/*
 * fuzz_ingest.c: MQTT messages through ingest_message (monitor/ingest.c)
 * into the queues of world.c, as the daemon's loop takes them: topic to
 * queue and metric (native P/in/... or foreign), payload to value, the
 * queue's live state, then its evaluation and alerts; now and then a tick
 * that moves the clock on.
 *
 * The input is records "topic\0payload\0", a quarter second apart. A
 * record with an empty topic (no MQTT topic is empty) is a tick: its
 * payload, as a number, is how many seconds pass first; a negative one
 * is the wall clock stepping back (NTP at boot), which queue.c allows for.
 *
 * Every message is counted once, accepted or under one reason; a queue
 * is changed only by a message that was accepted; what the API shows and
 * the history keeps stays within its range, whatever came in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

#define TICK_MAX	(2 * 86400.0)	/* s one tick may move the clock */

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_ingest: %s\n", what);
	abort();
}

/* NAN, or a number in [lo, hi]. */
static int
unknown_or(double x, double lo, double hi)
{
	return isnan(x) || (x >= lo && x <= hi);
}

/* Quality figures from counts: each on its scale, or unknown. */
static void
check_quality(const struct quality *k)
{
	if (!unknown_or(quality_direct(k), 0, 100) ||
	    !unknown_or(quality_average(k, 5), 1, 5) ||
	    !unknown_or(quality_average(k, 10), 0, 10) ||
	    !unknown_or(quality_positive(k, 4, 5), 0, 100) ||
	    isnan(quality_direct(k)) != (quality_resolved(k) == 0) ||
	    isnan(quality_average(k, 5)) != (quality_ratings(k) == 0))
		broken("a quality figure out of its range");
}

/* Every count of part at most the whole's. */
static int
quality_part_of(const struct quality *part, const struct quality *whole)
{
	int	 i;

	if (part->direct > whole->direct || part->indirect > whole->indirect)
		return 0;
	for (i = 0; i < QUALITY_SCORES5; i++)
		if (part->score5[i] > whole->score5[i])
			return 0;
	for (i = 0; i < QUALITY_SCORES10; i++)
		if (part->score10[i] > whole->score10[i])
			return 0;
	return 1;
}

/* What a reader of the API may count on (DESIGN §6). */
static void
check_view(const struct queue_view *v)
{
	if (!unknown_or(v->waiting, 0, 1e9) ||
	    !unknown_or(v->longest_wait, 0, 1e9) ||
	    !unknown_or(v->ewt, 0, INFINITY) || !unknown_or(v->sl, 0, 100) ||
	    !unknown_or(v->pred.sl, 0, 100))
		broken("a figure out of its range");
	if (v->answered_within > v->answered)
		broken("more answered in time than answered");
	check_quality(&v->quality);
	check_quality(&v->quality_recent);
	check_quality(&v->quality_leaving);
	if (!quality_part_of(&v->quality_recent, &v->quality) ||
	    !quality_part_of(&v->quality_leaving, &v->quality))
		broken("a quarter of the quality window holds more than all");
}

/* What the store is given: counts that add up, time within the step. */
static void
check_step(const struct step *s, double len)
{
	int	 g;

	if (s->len != len)
		broken("a step of another length");
	if (s->answered_within > s->answered ||
	    s->open_within > s->open_answered ||
	    s->open_short > s->open_abandoned)
		broken("a step's counts do not add up");
	for (g = 0; g < STEP_GAUGES; g++)
		if (!(s->gauge_secs[g] >= 0 && s->gauge_secs[g] <= len + 1e-6))
			broken("a gauge held longer than its step");
}

/* What the loop does after input or a tick (wachtd.c evaluate,
 * store_steps): judge the alerts, and take the finished steps. */
static void
evaluate(struct world *w, struct queue *q, double now)
{
	struct queue_view v;
	struct step	 s;

	queue_evaluate(q, now, &v);
	check_view(&v);
	queue_judge(q, &v, &w->silences, now, 0);
	while (queue_take_step(q, &s))
		check_step(&s, w->conf->step);
}

/* The step tick of every queue. */
static void
tick(struct world *w, double now)
{
	const char	*id;
	void		*q;
	size_t		 pos = 0;

	while (map_next(w->queues, &pos, &id, &q)) {
		queue_tick(q, now);
		queue_roll(q, now);
		evaluate(w, q, now);
	}
}

/* At the end: each queue's state and alerts as published (P/out/...),
 * once, since JSON under ASan is dear and they are what all input led
 * to; then the queue as SIGTERM closes it. */
static void
publish(struct world *w, double now)
{
	struct queue_view v;
	struct queue	*q;
	const char	*id;
	void		*val;
	size_t		 pos = 0, i;
	json_t		*j;
	char		*s;

	while (map_next(w->queues, &pos, &id, &val)) {
		q = val;
		queue_view(q, now, &v);
		for (i = 0; i <= q->nalerts; i++) {
			j = i < q->nalerts ? queue_alert_json(q, &q->alerts[i],
			    &v, "http://127.0.0.1:8080") : queue_json(q, now);
			if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) ==
			    NULL)
				broken("a queue's state or alert is not JSON");
			free(s);
			json_decref(j);
		}
		queue_close(q, now);
		evaluate(w, q, now);
	}
}

/* Seconds a tick record moves the clock: its payload as a number,
 * bounded either way. */
static double
tick_seconds(const char *s, size_t len)
{
	char	 buf[32];
	double	 d;

	snprintf(buf, sizeof(buf), "%.*s", (int)(len < 31 ? len : 31), s);
	d = strtod(buf, NULL);
	return isfinite(d) ? fmin(fmax(d, -TICK_MAX), TICK_MAX) : 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size;
	const char	*topic, *payload, *nul;
	struct world	 w;
	struct queue	*q;
	enum reject	 why;
	uint64_t	 total, before;
	size_t		 len, n = 0;
	double		 now = WORLD_NOW;
	char		 shown[128];
	int		 r;

	/* Only whole topics: a record needs its NUL. */
	world_init(&w);
	tick(&w, now);
	while (p < end && (nul = memchr(p, '\0', (size_t)(end - p))) != NULL) {
		topic = p;
		payload = nul + 1;
		nul = memchr(payload, '\0', (size_t)(end - payload));
		len = nul != NULL ? (size_t)(nul - payload) :
		    (size_t)(end - payload);
		p = payload + len + 1;
		if (topic[0] == '\0') {
			now += tick_seconds(payload, len);
			tick(&w, now);
			continue;
		}
		now += 0.25;
		before = w.in->accepted;
		why = REJECT_COUNT;
		q = ingest_message(w.in, topic, payload, len, now, &why);
		n++;
		if ((q != NULL) != (w.in->accepted == before + 1))
			broken("a queue changed, but not counted as accepted");
		if (q == NULL && why >= REJECT_COUNT)
			broken("refused without a reason");
		/* wachtd.c's on_message logs the topic of a refusal. */
		if (q == NULL && strlen(util_printable(topic, shown,
		    sizeof(shown))) != strnlen(topic, sizeof(shown) - 1))
			broken("the topic shown is not the topic");
		if (q != NULL)
			evaluate(&w, q, now);
	}
	for (total = w.in->accepted, r = 0; r < REJECT_COUNT; r++)
		total += w.in->rejected[r];
	if (total != n)
		broken("counters do not add up to the messages");
	publish(&w, now);
	world_free(&w);
	return 0;
}

/*
 * test_ingest.c: from MQTT topic and payload to one queue's change, as a
 * probe author sees it. Routing of native and foreign topics, every refusal
 * counted under its reason, and junk that leaves nothing behind. The
 * queues come from tests/unit/conf/ingest.conf; `now` is the test's.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wachtd.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef CONF_DIR
#define CONF_DIR	"tests/unit/conf"
#endif

#define NOW		1764412345.0
#define TS_OLDEST	"1764412330"	/* the step before now's step */
#define TS_LATE		"1764412329"
#define TS_FUTURE	"1764412646"	/* NOW + PAYLOAD_FUTURE + 1 */

#define P		"gemeente/wachtd/in/"
#define TEL		P "telefoon/algemeen/"
#define BAL		P "balie/burgerzaken/"
#define MAIL		P "email/info/"

static char	 conf_dir[PATH_MAX] = CONF_DIR;

/* A loaded configuration, its queues and the ingest over them. */
struct world {
	struct config	*conf;
	struct map	*queues;
	struct ingest	*in;
};

static void
no_errors(const char *msg, void *arg)
{
	(void)arg;
	fail_msg("%s", msg);
}

static void
queue_free_void(void *q)
{
	queue_free(q);
}

static struct world *
world_new(const char *file)
{
	struct world	*w = calloc(1, sizeof(*w));
	char		 path[PATH_MAX + 64];
	size_t		 i;

	assert_non_null(w);
	snprintf(path, sizeof(path), "%s/%s", conf_dir, file);
	w->conf = config_load(path, no_errors, NULL);
	assert_non_null(w->conf);
	w->queues = map_new();
	for (i = 0; i < w->conf->nqueues; i++)
		map_put(w->queues, w->conf->queues[i].id,
		    queue_new(&w->conf->queues[i], w->conf->step));
	w->in = ingest_new(w->conf, w->queues);
	return w;
}

static void
world_free(struct world *w)
{
	ingest_free(w->in);
	map_free(w->queues, queue_free_void);
	config_free(w->conf);
	free(w);
}

static struct queue *
queue_of(struct world *w, const char *id)
{
	struct queue	*q = map_get(w->queues, id);

	if (q == NULL)
		fail_msg("no queue %s", id);
	return q;
}

static uint64_t
rejected_total(const struct ingest *in)
{
	uint64_t	 n = 0;
	int		 r;

	for (r = 0; r < REJECT_COUNT; r++)
		n += in->rejected[r];
	return n;
}

static struct queue *
send(struct world *w, const char *topic, const char *payload, double now,
    enum reject *why)
{
	*why = REJECT_COUNT;
	return ingest_message(w->in, topic, payload, strlen(payload), now,
	    why);
}

/* ------------------------------------------------------------------ */
/* Routing: each topic to its queue and metric. */

struct route_case {
	const char	*topic;
	const char	*payload;
	const char	*queue;
	enum metric	 metric;
	double		 value;		/* gauge value, or events counted */
	const char	*what;
};

static struct route_case routes[] = {
	{ TEL "agents", "3", "telefoon/algemeen", METRIC_AGENTS, 3,
	    "native agents" },
	{ BAL "waiting", "4", "balie/burgerzaken", METRIC_WAITING, 4,
	    "native waiting" },
	{ BAL "longest_wait", "42.5", "balie/burgerzaken",
	    METRIC_LONGEST_WAIT, 42.5, "native longest_wait" },
	{ MAIL "backlog", "17", "email/info", METRIC_BACKLOG, 17,
	    "native backlog beside a foreign one" },
	{ MAIL "oldest_age", "{\"value\":3600}", "email/info",
	    METRIC_OLDEST_AGE, 3600, "native oldest_age in JSON" },
	{ TEL "arrived", "", "telefoon/algemeen", METRIC_ARRIVED, 1,
	    "native arrived" },
	{ TEL "answered", "12", "telefoon/algemeen", METRIC_ANSWERED, 1,
	    "native answered" },
	{ TEL "abandoned", "{\"value\":40,\"ts\":" TS_OLDEST "}",
	    "telefoon/algemeen", METRIC_ABANDONED, 1, "abandoned one step "
	    "late" },
	{ "pbx/queue/600/calls", "5", "telefoon/algemeen", METRIC_WAITING, 5,
	    "foreign waiting" },
	{ "pbx/queue/600/agents", "6", "telefoon/algemeen", METRIC_AGENTS, 6,
	    "foreign agents" },
	{ "mail/info/backlog", "9", "email/info", METRIC_BACKLOG, 9,
	    "foreign backlog" },
	{ "mail/info/received", "", "email/info", METRIC_ARRIVED, 1,
	    "foreign arrived" },
};

static void
routed_to_queue_and_metric(void **state)
{
	const struct route_case *c = *state;
	struct world	*w = world_new("ingest.conf");
	struct queue	*q, *want = queue_of(w, c->queue), *other;
	struct queue_view v;
	enum reject	 why;
	const char	*id;
	void		*val;
	size_t		 pos = 0;

	q = send(w, c->topic, c->payload, NOW, &why);
	if (q == NULL)
		fail_msg("refused: %s", reject_name(why));
	assert_ptr_equal(q, want);
	assert_int_equal(w->in->accepted, 1);
	assert_int_equal(rejected_total(w->in), 0);
	queue_view(q, NOW, &v);
	switch (c->metric) {
	case METRIC_ARRIVED:
		assert_int_equal(v.arrived, c->value);
		break;
	case METRIC_ANSWERED:
		assert_int_equal(v.answered, c->value);
		break;
	case METRIC_ABANDONED:
		assert_int_equal(v.abandoned, c->value);
		break;
	default:
		assert_true(q->held[c->metric] == c->value);
		break;
	}
	/* No other queue heard of it. */
	while (map_next(w->queues, &pos, &id, &val)) {
		other = val;
		if (other != want)
			assert_true(other->updated == 0);
	}
	world_free(w);
}

/* ------------------------------------------------------------------ */
/* Refusals: one message each, counted under exactly one reason. */

struct refuse_case {
	const char	*topic;
	const char	*payload;	/* NULL: PAYLOAD_MAX + 1 blanks */
	enum reject	 want;
	const char	*what;
};

#define LONG_ID "telefoon/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static struct refuse_case refusals[] = {
	{ P "telefoon/onbekend/waiting", "3", REJECT_UNKNOWN_QUEUE,
	    "a queue not configured" },
	{ P "Telefoon/algemeen/waiting", "3", REJECT_UNKNOWN_QUEUE,
	    "a queue id in capitals" },
	{ TEL "wachtenden", "3", REJECT_UNKNOWN_METRIC, "a metric that does "
	    "not exist" },
	{ TEL "", "3", REJECT_UNKNOWN_METRIC, "an empty metric" },
	{ P "telefoon/algemeen", "3", REJECT_UNKNOWN_QUEUE, "no metric at "
	    "all" },
	{ TEL "waiting/extra", "3", REJECT_UNKNOWN_QUEUE, "a level too many" },
	{ "wachtd/in/telefoon/algemeen/waiting", "3", REJECT_UNKNOWN_QUEUE,
	    "another prefix" },
	{ "gemeente/wachtd/out/state/telefoon/algemeen", "{}",
	    REJECT_UNKNOWN_QUEUE, "wachtd's own output" },
	{ "gemeente/wachtd/in/", "3", REJECT_UNKNOWN_QUEUE, "the prefix "
	    "alone" },
	{ "", "3", REJECT_UNKNOWN_QUEUE, "an empty topic" },
	{ P LONG_ID "/waiting", "3", REJECT_UNKNOWN_QUEUE, "an overlong "
	    "queue id" },
	{ "pbx/queue/601/calls", "3", REJECT_UNKNOWN_QUEUE, "an unmapped "
	    "foreign topic" },
	{ "pbx/queue/600/calls/", "3", REJECT_UNKNOWN_QUEUE, "a mapped "
	    "foreign topic with a slash" },
	{ TEL "agents", "abc", REJECT_NOT_A_NUMBER, "a word" },
	{ TEL "agents", "nan", REJECT_NOT_FINITE, "NaN" },
	{ TEL "agents", "-1", REJECT_NEGATIVE, "negative agents" },
	{ TEL "waiting", "1.5", REJECT_NOT_INTEGER, "half a caller" },
	{ TEL "waiting", "2e9", REJECT_OUT_OF_RANGE, "two billion callers" },
	{ TEL "waiting", "", REJECT_EMPTY, "an empty gauge" },
	{ TEL "waiting", NULL, REJECT_TOO_LARGE, "4097 bytes" },
	{ TEL "waiting", "{", REJECT_BAD_JSON, "broken JSON" },
	{ TEL "waiting", "{\"value\":\"7\"}", REJECT_BAD_FIELD, "a string "
	    "value" },
	{ TEL "join", "{\"id\":\"jan de vries\"}", REJECT_BAD_ID, "a name "
	    "as id" },
	{ TEL "waiting", "{\"value\":7,\"ts\":" TS_FUTURE "}", REJECT_FUTURE,
	    "a ts from the future" },
	{ TEL "answered", "{\"value\":7,\"ts\":" TS_LATE "}", REJECT_TOO_LATE,
	    "a ts before the previous step" },
	{ TEL "leave", "{\"id\":\"A1\",\"outcome\":\"answered\"}",
	    REJECT_UNKNOWN_ID, "a leave nobody joined" },
	{ "pbx/queue/600/calls", "abc", REJECT_NOT_A_NUMBER, "a word on a "
	    "foreign topic" },
	{ "mail/info/backlog", "-3", REJECT_NEGATIVE, "negative on a foreign "
	    "topic" },
};

static void
refused_and_counted(void **state)
{
	const struct refuse_case *c = *state;
	struct world	*w = world_new("ingest.conf");
	enum reject	 why = REJECT_COUNT;
	char		*big = NULL;
	const char	*id;
	void		*val;
	size_t		 pos = 0;
	struct queue	*q;

	if (c->payload == NULL) {
		big = malloc(PAYLOAD_MAX + 2);
		assert_non_null(big);
		memset(big, ' ', PAYLOAD_MAX + 1);
		big[PAYLOAD_MAX + 1] = '\0';
	}
	q = send(w, c->topic, big != NULL ? big : c->payload, NOW, &why);
	free(big);
	assert_null(q);
	if (why != c->want)
		fail_msg("refused as %s, expected %s", why < REJECT_COUNT ?
		    reject_name(why) : "(unset)", reject_name(c->want));
	assert_int_equal(w->in->rejected[c->want], 1);
	assert_int_equal(rejected_total(w->in), 1);
	assert_int_equal(w->in->accepted, 0);
	while (map_next(w->queues, &pos, &id, &val)) {
		q = val;
		assert_true(q->updated == 0);
		assert_null(q->waiters);
	}
	world_free(w);
}

/* A session: every reason at least once; the counters add up exactly. */
static void
every_reason_counted_exactly(void **state)
{
	static const struct {
		const char	*topic;
		const char	*payload;
		int		 rc;		/* 0, or REJECT_x + 1 */
	} script[] = {
		{ TEL "agents", "3", 0 },
		{ TEL "join", "{\"id\":\"A1\"}", 0 },
		{ TEL "join", "{\"id\":\"A1\"}", REJECT_DUPLICATE_ID + 1 },
		{ TEL "waiting", "2", REJECT_LIFECYCLE + 1 },
		{ "pbx/queue/600/calls", "2", REJECT_LIFECYCLE + 1 },
		{ TEL "leave", "{\"id\":\"A1\",\"outcome\":\"answered\"}", 0 },
		{ TEL "leave", "{\"id\":\"A1\",\"outcome\":\"answered\"}",
		    REJECT_UNKNOWN_ID + 1 },
		{ TEL "leave", "{\"id\":\"A 1\"}", REJECT_BAD_ID + 1 },
		{ P "x/y/waiting", "1", REJECT_UNKNOWN_QUEUE + 1 },
		{ TEL "colour", "1", REJECT_UNKNOWN_METRIC + 1 },
		{ TEL "answered", "x", REJECT_NOT_A_NUMBER + 1 },
		{ TEL "answered", "inf", REJECT_NOT_FINITE + 1 },
		{ TEL "answered", "-4", REJECT_NEGATIVE + 1 },
		{ MAIL "backlog", "0.5", REJECT_NOT_INTEGER + 1 },
		{ MAIL "backlog", "1e10", REJECT_OUT_OF_RANGE + 1 },
		{ MAIL "backlog", "", REJECT_EMPTY + 1 },
		{ MAIL "backlog", "{\"value\":", REJECT_BAD_JSON + 1 },
		{ MAIL "rating", "{\"score\":3,\"x\":1}", REJECT_BAD_FIELD + 1 },
		{ MAIL "arrived", "{\"ts\":" TS_FUTURE "}", REJECT_FUTURE + 1 },
		{ MAIL "arrived", "{\"ts\":" TS_LATE "}", REJECT_TOO_LATE + 1 },
		{ MAIL "arrived", "{\"ts\":" TS_OLDEST "}", 0 },
		{ "mail/info/received", "2", 0 },
		{ MAIL "rating", "{\"score\":4}", 0 },
		{ MAIL "resolved", "{\"direct\":true}", 0 },
		{ MAIL "handle_time", "300", 0 },
	};
	struct world	*w = world_new("ingest.conf");
	uint64_t	 want[REJECT_COUNT], accepted = 0;
	enum reject	 why;
	struct queue	*q;
	struct queue_view v;
	char		*big, id[32];
	size_t		 i;
	int		 r;

	(void)state;
	memset(want, 0, sizeof(want));
	for (i = 0; i < NELEM(script); i++) {
		q = send(w, script[i].topic, script[i].payload, NOW, &why);
		if (script[i].rc == 0) {
			if (q == NULL)
				fail_msg("%s %s refused: %s", script[i].topic,
				    script[i].payload, reject_name(why));
			accepted++;
		} else {
			assert_null(q);
			if ((int)why != script[i].rc - 1)
				fail_msg("%s %s: %s, expected %s",
				    script[i].topic, script[i].payload,
				    reject_name(why),
				    reject_name(script[i].rc - 1));
			want[why]++;
		}
	}
	big = calloc(1, PAYLOAD_MAX + 2);
	assert_non_null(big);
	memset(big, '7', PAYLOAD_MAX + 1);
	assert_null(send(w, TEL "agents", big, NOW, &why));
	free(big);
	want[REJECT_TOO_LARGE]++;

	/* The balie fills up: the waiting set has a limit. */
	for (i = 0; i < QUEUE_WAITERS_MAX; i++) {
		snprintf(id, sizeof(id), "{\"id\":\"T%zu\"}", i);
		assert_non_null(send(w, BAL "join", id, NOW, &why));
		accepted++;
	}
	assert_null(send(w, BAL "join", "{\"id\":\"late\"}", NOW, &why));
	assert_int_equal(why, REJECT_TOO_MANY);
	want[REJECT_TOO_MANY]++;

	for (r = 0; r < REJECT_COUNT; r++) {
		if (want[r] == 0)
			fail_msg("the session never shows %s", reject_name(r));
		if (w->in->rejected[r] != want[r])
			fail_msg("%s counted %llu times, sent %llu",
			    reject_name(r),
			    (unsigned long long)w->in->rejected[r],
			    (unsigned long long)want[r]);
	}
	assert_int_equal(w->in->accepted, accepted);
	assert_int_equal(w->in->accepted, 8 + QUEUE_WAITERS_MAX);
	assert_int_equal(rejected_total(w->in), 19);

	/* And the accepted ones arrived. */
	queue_view(queue_of(w, "email/info"), NOW, &v);
	assert_int_equal(v.arrived, 3);
	queue_view(queue_of(w, "telefoon/algemeen"), NOW, &v);
	assert_int_equal(v.answered, 1);
	assert_true(v.waiting == 0);
	assert_true(v.agents == 3);
	queue_view(queue_of(w, "balie/burgerzaken"), NOW, &v);
	assert_true(v.waiting == QUEUE_WAITERS_MAX);
	world_free(w);
}

/* ------------------------------------------------------------------ */
/* Subscriptions and junk. */

static void
topics_to_subscribe(void **state)
{
	static const char *want[] = {
		"gemeente/wachtd/in/telefoon/algemeen/+",
		"pbx/queue/600/calls",
		"pbx/queue/600/agents",
		"gemeente/wachtd/in/balie/burgerzaken/+",
		"gemeente/wachtd/in/email/info/+",
		"mail/info/backlog",
		"mail/info/received",
	};
	struct world	*w = world_new("ingest.conf");
	char		**topics;
	size_t		 n, i;

	(void)state;
	topics = ingest_topics(w->conf, &n);
	assert_int_equal(n, NELEM(want));
	for (i = 0; i < n; i++)
		assert_string_equal(topics[i], want[i]);
	assert_null(topics[n]);
	for (i = 0; i < n; i++)
		free(topics[i]);
	free(topics);
	world_free(w);

	w = world_new("minimal.conf");
	topics = ingest_topics(w->conf, &n);
	assert_int_equal(n, 1);
	assert_string_equal(topics[0], "wachtd/in/telefoon/algemeen/+");
	free(topics[0]);
	free(topics);
	world_free(w);
}

static void
junk_topics_leave_nothing_behind(void **state)
{
	struct world	*w = world_new("ingest.conf");
	char		 topic[512], longpart[300];
	enum reject	 why;
	const char	*id;
	void		*val;
	size_t		 pos = 0, nqueues, nforeign;
	struct queue	*q;
	int		 i;

	(void)state;
	nqueues = map_count(w->queues);
	nforeign = map_count(w->in->foreign);
	assert_int_equal(nqueues, 3);
	assert_int_equal(nforeign, 4);
	memset(longpart, 'j', sizeof(longpart) - 1);
	longpart[sizeof(longpart) - 1] = '\0';
	for (i = 0; i < 10000; i++) {
		switch (i % 6) {
		case 0:
			snprintf(topic, sizeof(topic), P "junk%d/x/waiting", i);
			break;
		case 1:
			snprintf(topic, sizeof(topic), TEL "junk%d", i);
			break;
		case 2:
			snprintf(topic, sizeof(topic), "random/%d/topic", i);
			break;
		case 3:
			snprintf(topic, sizeof(topic), P "%s%d/waiting",
			    longpart, i);
			break;
		case 4:
			snprintf(topic, sizeof(topic), "pbx/queue/%d/calls", i);
			break;
		default:
			snprintf(topic, sizeof(topic), P "telefoon/%d/join", i);
			break;
		}
		assert_null(send(w, topic, "{\"id\":\"A1\"}", NOW + i, &why));
		assert_true(why == REJECT_UNKNOWN_QUEUE ||
		    why == REJECT_UNKNOWN_METRIC);
	}
	assert_int_equal(map_count(w->queues), nqueues);
	assert_int_equal(map_count(w->in->foreign), nforeign);
	assert_int_equal(w->in->rejected[REJECT_UNKNOWN_QUEUE] +
	    w->in->rejected[REJECT_UNKNOWN_METRIC], 10000);
	assert_int_equal(w->in->rejected[REJECT_UNKNOWN_METRIC], 1667);
	assert_int_equal(w->in->accepted, 0);
	while (map_next(w->queues, &pos, &id, &val)) {
		q = val;
		assert_null(q->waiters);
		assert_true(q->updated == 0);
	}
	world_free(w);
}

/* A foreign topic whose queue is not (or no longer) live is refused. */
static void
foreign_topic_of_a_missing_queue(void **state)
{
	struct world	*w = world_new("ingest.conf");
	enum reject	 why;
	struct queue	*q = map_del(w->queues, "email/info");

	(void)state;
	assert_non_null(q);
	assert_null(send(w, "mail/info/backlog", "3", NOW, &why));
	assert_int_equal(why, REJECT_UNKNOWN_QUEUE);
	assert_null(send(w, MAIL "backlog", "3", NOW, &why));
	assert_int_equal(why, REJECT_UNKNOWN_QUEUE);
	assert_int_equal(w->in->rejected[REJECT_UNKNOWN_QUEUE], 2);
	assert_true(q->updated == 0);
	queue_free(q);
	world_free(w);
}

static void
find_conf_dir(const char *argv0)
{
	char		 probe[PATH_MAX + 32];
	const char	*slash;

	snprintf(probe, sizeof(probe), "%s/ingest.conf", conf_dir);
	if (access(probe, R_OK) == 0 || (slash = strrchr(argv0, '/')) == NULL)
		return;
	snprintf(conf_dir, sizeof(conf_dir), "%.*s/../../%s",
	    (int)(slash - argv0), argv0, CONF_DIR);
}

int
main(int argc, char **argv)
{
	static char	 names[NELEM(routes) + NELEM(refusals)][160];
	struct CMUnitTest tests[NELEM(routes) + NELEM(refusals) + 4];
	size_t		 i, n = 0;

	(void)argc;
	find_conf_dir(argv[0]);
	for (i = 0; i < NELEM(routes); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "%s: %s goes to %s %s",
		    routes[i].what, routes[i].topic, routes[i].queue,
		    metric_name(routes[i].metric));
		tests[n] = (struct CMUnitTest){ names[n],
		    routed_to_queue_and_metric, NULL, NULL, &routes[i] };
	}
	for (i = 0; i < NELEM(refusals); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "%s: %.60s%s is counted "
		    "as %s", refusals[i].what, refusals[i].topic,
		    strlen(refusals[i].topic) > 60 ? "..." : "",
		    reject_name(refusals[i].want));
		tests[n] = (struct CMUnitTest){ names[n], refused_and_counted,
		    NULL, NULL, &refusals[i] };
	}
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(every_reason_counted_exactly);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(topics_to_subscribe);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(junk_topics_leave_nothing_behind);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(foreign_topic_of_a_missing_queue);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_sim.c: the wachtd-sim model, run without broker or clock. Each case
 * runs simulated hours or days in milliseconds and checks the messages a
 * broker would have seen.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

#ifndef DEMO_CONF
#define DEMO_CONF	"config/demo-sim.conf"
#endif

struct message {
	double	 t;
	char	 topic[128];
	char	 payload[96];
};

struct log {
	struct message	*msgs;
	size_t		 n, cap;
};

struct errors {
	int	 n;
	char	 text[8][256];
};

static const char three_queues[] =
    "[queue telefoon/algemeen]\n"
    "mode = lifecycle\n"
    "arrivals_per_hour = 120\n"
    "staff = 12\n"
    "handle_time = 4m\n"
    "patience = 2m\n"
    "hours = 08:30-17:00\n"
    "\n"
    "[queue balie/burgerzaken]\n"
    "mode = gauge\n"
    "arrivals_per_hour = 30\n"
    "staff = 3\n"
    "handle_time = 8m\n"
    "patience = 15m\n"
    "hours = 09:00-12:30 13:30-16:00\n"
    "\n"
    "[queue email/info]\n"
    "mode = backlog\n"
    "arrivals_per_hour = 20\n"
    "staff = 2\n"
    "handle_time = 10m\n"
    "handle_dist = exponential\n"
    "hours = 08:30-17:00\n"
    "interval = 1m\n";

static void
collect(void *arg, double t, const char *topic, const char *payload)
{
	struct log	*log = arg;
	struct message	*m;

	if (log->n == log->cap) {
		log->cap = log->cap ? log->cap * 2 : 1024;
		log->msgs = realloc(log->msgs, log->cap * sizeof *log->msgs);
		assert_non_null(log->msgs);
	}
	m = &log->msgs[log->n++];
	m->t = t;
	assert_true(strlen(topic) < sizeof m->topic);
	assert_true(strlen(payload) < sizeof m->payload);
	strcpy(m->topic, topic);
	strcpy(m->payload, payload);
}

static void
count(void *arg, double t, const char *topic, const char *payload)
{
	(void)t;
	(void)payload;
	if (strstr(topic, "/arrived") != NULL || strstr(topic, "/join") != NULL)
		(*(long *)arg)++;
}

static void
remember_error(void *arg, const char *message)
{
	struct errors *e = arg;

	if (e->n < 8)
		snprintf(e->text[e->n], sizeof e->text[0], "%s", message);
	e->n++;
}

static struct sim_config *
read_text(const char *text, struct errors *e)
{
	struct sim_config	*cfg;
	FILE			*fp;
	char			*copy = strdup(text);

	assert_non_null(copy);
	fp = fmemopen(copy, strlen(copy), "r");
	assert_non_null(fp);
	cfg = sim_config_read(fp, "test.conf", remember_error, e);
	fclose(fp);
	free(copy);
	return cfg;
}

/* Runs a config for duration simulated seconds into a fresh log. */
static struct log
run(const char *text, uint64_t seed, double rate, double start,
    double duration)
{
	struct errors		 e = { 0 };
	struct sim_options	 opt = { seed, rate, start, "wachtd" };
	struct sim_config	*cfg = read_text(text, &e);
	struct sim		*sim;
	struct log		 log = { NULL, 0, 0 };

	assert_non_null(cfg);
	sim = sim_new(cfg, &opt, collect, &log);
	sim_run(sim, duration);
	sim_free(sim);
	sim_config_free(cfg);
	return log;
}

static int
metric_is(const struct message *m, const char *metric)
{
	const char *slash = strrchr(m->topic, '/');

	return slash != NULL && strcmp(slash + 1, metric) == 0;
}

static int
same_logs(const struct log *a, const struct log *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->msgs[i].t != b->msgs[i].t ||
		    strcmp(a->msgs[i].topic, b->msgs[i].topic) != 0 ||
		    strcmp(a->msgs[i].payload, b->msgs[i].payload) != 0)
			return 0;
	}
	return 1;
}

static void
same_seed_same_messages(void **state)
{
	struct log		 a = run(three_queues, 42, 1, 8 * 3600, 36000);
	struct log		 b = { NULL, 0, 0 };
	struct errors		 e = { 0 };
	struct sim_options	 opt = { 42, 1, 8 * 3600, "wachtd" };
	struct sim_config	*cfg = read_text(three_queues, &e);
	struct sim		*sim;
	double			 t;

	(void)state;
	assert_true(a.n > 3000);
	/* in small uneven steps, as the real-time loop runs it */
	sim = sim_new(cfg, &opt, collect, &b);
	for (t = 0; t < 36000; t += 7.3)
		sim_run(sim, t);
	sim_run(sim, 36000);
	sim_free(sim);
	sim_config_free(cfg);
	assert_int_equal(a.n, b.n);
	assert_true(same_logs(&a, &b));
	free(a.msgs);
	free(b.msgs);
}

/* Without the phone queue: its ids alone would differ by seed. */
static void
different_seed_differs(void **state)
{
	const char	*no_ids = strstr(three_queues, "[queue balie");
	struct log	 a = run(no_ids, 1, 1, 8 * 3600, 4 * 3600);
	struct log	 b = run(no_ids, 2, 1, 8 * 3600, 4 * 3600);

	(void)state;
	assert_true(a.n > 1000 && b.n > 1000);
	assert_false(same_logs(&a, &b));
	free(a.msgs);
	free(b.msgs);
}

static void
no_arrivals_outside_hours(void **state)
{
	static const char text[] =
	    "[queue balie/paspoort]\n"
	    "mode = gauge\n"
	    "arrivals_per_hour = 60\n"
	    "staff = 1\n"
	    "handle_time = 5m\n"
	    "patience = 10m\n"
	    "hours = 10:00-11:00 14:00-15:30\n";
	struct log	 log = run(text, 7, 5, 8 * 3600, 48 * 3600);
	double		 tod;
	long		 morning = 0, afternoon = 0, abandoned = 0;
	size_t		 i;

	(void)state;
	for (i = 0; i < log.n; i++) {
		tod = fmod(8 * 3600 + log.msgs[i].t, 86400);
		if (metric_is(&log.msgs[i], "abandoned"))
			abandoned++;
		if (!metric_is(&log.msgs[i], "arrived"))
			continue;
		if (tod >= 10 * 3600 && tod < 11 * 3600)
			morning++;
		else if (tod >= 14 * 3600 && tod < 15.5 * 3600)
			afternoon++;
		else
			fail_msg("arrival at %.0f s after midnight", tod);
	}
	/* 2 days * 60/h * rate 5: 1.8x in the morning, 1.2x and 0.6x later */
	assert_in_range(morning, 0.8 * 1080, 1.2 * 1080);
	assert_in_range(afternoon, 0.8 * 1080, 1.2 * 1080);
	assert_true(abandoned > 0);	/* one desk cannot keep up */
	free(log.msgs);
}

/* Arrivals only, counted, over three days open around the clock. */
static long
arrivals_at_rate(double rate)
{
	static const char text[] =
	    "[queue chat/website]\n"
	    "mode = gauge\n"
	    "arrivals_per_hour = 100\n"
	    "staff = 0\n"
	    "handle_time = 1m\n"
	    "patience = 10s\n";
	struct errors		 e = { 0 };
	struct sim_options	 opt = { 99, rate, 0, "wachtd" };
	struct sim_config	*cfg = read_text(text, &e);
	struct sim		*sim;
	long			 n = 0;

	assert_non_null(cfg);
	sim = sim_new(cfg, &opt, count, &n);
	sim_run(sim, 3 * 86400);
	sim_free(sim);
	sim_config_free(cfg);
	return n;
}

static void
rate_multiplies_arrivals(void **state)
{
	/* the daily profile averages 22.3 / 24 */
	double	 expected = 100 * 3 * 22.3;
	long	 one = arrivals_at_rate(1), ten = arrivals_at_rate(10);

	(void)state;
	assert_in_range(one, 0.95 * expected, 1.05 * expected);
	assert_in_range(ten, 0.97 * 10 * expected, 1.03 * 10 * expected);
	assert_true(fabs((double)ten / one - 10) < 0.6);
	assert_int_equal(arrivals_at_rate(0), 0);
}

/* The id in {"id":"T...",...}, copied into buf. */
static void
payload_id(const char *payload, char *buf, size_t len)
{
	const char	*s = strstr(payload, "\"id\":\"");
	size_t		 n;

	assert_non_null(s);
	s += 6;
	n = strcspn(s, "\"");
	assert_true(n > 0 && n < len);
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static void
every_leave_has_a_join(void **state)
{
	struct log	 log = run(three_queues, 5, 1.5, 8 * 3600, 10 * 3600);
	char		(*ids)[32], id[32];
	int		*left;
	size_t		 i, j, njoin = 0, answered = 0, abandoned = 0;

	(void)state;
	ids = calloc(log.n, sizeof *ids);
	left = calloc(log.n, sizeof *left);
	assert_non_null(ids);
	assert_non_null(left);
	for (i = 0; i < log.n; i++) {
		if (metric_is(&log.msgs[i], "join")) {
			payload_id(log.msgs[i].payload, id, sizeof id);
			for (j = 0; j < njoin; j++)
				assert_string_not_equal(ids[j], id);
			strcpy(ids[njoin++], id);
		} else if (metric_is(&log.msgs[i], "leave")) {
			payload_id(log.msgs[i].payload, id, sizeof id);
			for (j = njoin; j > 0; j--)
				if (strcmp(ids[j - 1], id) == 0)
					break;
			if (j == 0)
				fail_msg("leave of %s without join", id);
			assert_int_equal(left[j - 1], 0);
			left[j - 1] = 1;
			if (strstr(log.msgs[i].payload,
			    "\"outcome\":\"answered\"") != NULL)
				answered++;
			else if (strstr(log.msgs[i].payload,
			    "\"outcome\":\"abandoned\"") != NULL)
				abandoned++;
			else
				fail_msg("bad leave %s", log.msgs[i].payload);
		}
	}
	assert_true(njoin > 1000);
	assert_true(answered > 100);
	assert_true(abandoned > 10);
	assert_true(answered + abandoned <= njoin);
	assert_true(njoin - answered - abandoned < 30);	/* still waiting */
	free(ids);
	free(left);
	free(log.msgs);
}

/* A plain decimal: digits, at most one decimal, no sign, no exponent. */
static void
assert_plain_number(const char *s)
{
	const char *dot = strchr(s, '.');

	assert_true(strspn(s, "0123456789.") == strlen(s));
	assert_true(s[0] != '.' && s[0] != '\0');
	if (dot != NULL)
		assert_true(strlen(dot) == 2 && dot[1] != '0');
}

static void
numbers_plain_and_never_negative(void **state)
{
	struct log	 log = run(three_queues, 11, 3, 0, 48 * 3600);
	size_t		 i, gauges = 0;

	(void)state;
	for (i = 0; i < log.n; i++) {
		if (log.msgs[i].payload[0] == '{')
			continue;
		assert_plain_number(log.msgs[i].payload);
		assert_true(strtod(log.msgs[i].payload, NULL) >= 0);
		if (metric_is(&log.msgs[i], "waiting") ||
		    metric_is(&log.msgs[i], "backlog") ||
		    metric_is(&log.msgs[i], "oldest_age"))
			gauges++;
	}
	assert_true(gauges > 3000);
	free(log.msgs);
}

/* waiting = arrived - answered - abandoned, read at every tick. */
static void
gauges_match_events(void **state)
{
	struct log	 log = run(three_queues, 3, 2, 8 * 3600, 12 * 3600);
	long		 in[2] = { 0, 0 }, out[2] = { 0, 0 };
	long		 peak[2] = { 0, 0 }, v;
	size_t		 i;
	int		 q;

	(void)state;
	for (i = 0; i < log.n; i++) {
		q = strstr(log.msgs[i].topic, "/email/") != NULL;
		if (!q && strstr(log.msgs[i].topic, "/balie/") == NULL)
			continue;
		if (metric_is(&log.msgs[i], "arrived"))
			in[q]++;
		else if (metric_is(&log.msgs[i], "answered") ||
		    metric_is(&log.msgs[i], "abandoned"))
			out[q]++;
		else if (metric_is(&log.msgs[i], "waiting") ||
		    metric_is(&log.msgs[i], "backlog")) {
			v = strtol(log.msgs[i].payload, NULL, 10);
			assert_int_equal(v, in[q] - out[q]);
			if (v > peak[q])
				peak[q] = v;
		}
	}
	assert_true(peak[0] > 3 && peak[1] > 3);
	free(log.msgs);
}

static void
config_errors_have_line_numbers(void **state)
{
	static const char text[] =
	    "[queue telefoon/algemeen]\n"
	    "mode = lifecycle\n"
	    "arrivals_per_hour = 120\n"
	    "staf = 4\n"
	    "staff = 4\n"
	    "handle_time = 4m\n"
	    "patience = soon\n"
	    "\n"
	    "[balie burgerzaken]\n"
	    "mode = gauge\n";
	struct errors e = { 0 };

	(void)state;
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 3);
	assert_string_equal(e.text[0],
	    "test.conf:4: unknown key 'staf' in [queue telefoon/algemeen]");
	assert_true(strncmp(e.text[1], "test.conf:7: bad patience 'soon'",
	    32) == 0);
	assert_true(strncmp(e.text[2], "test.conf:9: unknown section [balie",
	    35) == 0);
}

static void
config_syntax_and_meaning(void **state)
{
	static const char text[] =
	    "; the e-mail team\n"
	    "[queue email/info]\n"
	    "mode = backlog\n"
	    "staff 3\n"
	    "hours = 08:30-25:00\n"
	    "[queue Email/x]\n"
	    "[queue email/info]\n"
	    "arrivals_per_hour = 20\n";
	struct errors e = { 0 };

	(void)state;
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 7);
	assert_true(strncmp(e.text[0], "test.conf:4: expected", 21) == 0);
	assert_true(strncmp(e.text[1], "test.conf:5: bad hours", 22) == 0);
	assert_true(strncmp(e.text[2], "test.conf:6: bad name in [queue Email/x]",
	    40) == 0);
	assert_true(strncmp(e.text[3], "test.conf:7: duplicate", 22) == 0);
	assert_string_equal(e.text[4],
	    "test.conf:2: [queue email/info] needs 'arrivals_per_hour'");
	assert_string_equal(e.text[5],
	    "test.conf:2: [queue email/info] needs 'staff'");
	assert_string_equal(e.text[6],
	    "test.conf:2: [queue email/info] needs 'handle_time'");
}

/* Indented lines are values of their own, not continuations. */
static void
config_indented_with_comments(void **state)
{
	static const char text[] =
	    "# a comment\n"
	    "[queue chat/website]   ; inline\n"
	    "    mode = gauge\n"
	    "    arrivals_per_hour = 10 ; per hour\n"
	    "    staff = 1\n"
	    "    handle_time = 5m\n"
	    "\thours = 09:00-12:00, 13:00-17:00\n";
	struct errors		 e = { 0 };
	struct sim_config	*cfg = read_text(text, &e);

	(void)state;
	assert_int_equal(e.n, 0);
	assert_non_null(cfg);
	sim_config_free(cfg);
}

/*
 * One value of one key, read through parse.h as wachtd.conf's values are;
 * each row is its own named test. The queue around it has every required
 * key but the row's, so only the row can be wrong.
 */
struct vcase {
	const char	*key, *value;
	const char	*why;		/* NULL: accepted */
};

static struct vcase value_cases[] = {
	{ "handle_time", "4m", NULL },
	{ "handle_time", "240s", NULL },
	{ "handle_time", "1h30m", NULL },
	{ "handle_time", "1.5m", NULL },
	{ "handle_time", "240", "missing unit (s, m, h, d)" },
	{ "handle_time", "0", "expected a duration from 1s to 24h, like 4m" },
	{ "handle_time", "25h", "expected a duration from 1s to 24h, like 4m" },
	{ "handle_time", "30m1h", "units out of order or repeated" },
	{ "patience", "0", NULL },
	{ "patience", "5m", NULL },
	{ "patience", "300", "missing unit (s, m, h, d)" },
	{ "patience", "2d", "expected a duration up to 24h, 0 for never" },
	{ "interval", "10s", NULL },
	{ "interval", "10", "missing unit (s, m, h, d)" },
	{ "interval", "0", "expected a duration from 1s to 1h" },
	{ "interval", "2h", "expected a duration from 1s to 1h" },
	{ "staff", "0", NULL },
	{ "staff", "1000", NULL },
	{ "staff", "1001", "expected a whole number from 0 to 1000" },
	{ "staff", "2.5", "expected a whole number from 0 to 1000" },
	{ "arrivals_per_hour", "2.5", NULL },
	{ "arrivals_per_hour", "-1", "expected a number from 0 to 1000000" },
	{ "arrivals_per_hour", "2/h", "expected a number from 0 to 1000000" },
	{ "hours", "08:30-24:00", NULL },
	{ "hours", "09:00-12:00, 13:00-17:00", NULL },
	{ "hours", "24:00-24:00", "time out of range" },
	{ "hours", "8:30-17:00", "expected a time like 08:30" },
	{ "hours", "12:00-08:00", "a range must end after it starts" },
	{ "hours", "08:30",
	    "expected ranges like 08:30-12:30 13:30-17:00" },
	{ "hours", "00:00-01:00 01:00-02:00 02:00-03:00 03:00-04:00 "
	    "04:00-05:00 05:00-06:00 06:00-07:00 07:00-08:00", NULL },
	{ "hours", "00:00-01:00 01:00-02:00 02:00-03:00 03:00-04:00 "
	    "04:00-05:00 05:00-06:00 06:00-07:00 07:00-08:00 08:00-09:00",
	    "at most 8 ranges" },
	{ "mode", "queue", "expected lifecycle, gauge or backlog" },
	{ "handle_dist", "normal", "expected lognormal or exponential" },
	{ "direct_share", "80%", NULL },
	{ "direct_share", "0%", NULL },
	{ "direct_share", "100%", NULL },
	{ "direct_share", "99.5%", NULL },
	{ "direct_share", "80", "expected a percentage like 80%" },
	{ "direct_share", "0.8", "expected a percentage like 80%" },
	{ "direct_share", "-5%", "expected a percentage like 80%" },
	{ "direct_share", "101%", "percentage above 100%" },
	{ "rated_share", "25%", NULL },
	{ "rated_share", "25", "expected a percentage like 80%" },
	{ "rated_share", "100.1%", "percentage above 100%" },
	{ "rating_scale", "5", NULL },
	{ "rating_scale", "10", NULL },
	{ "rating_scale", "7", "expected 5 (scores 1 to 5) or 10 (0 to 10)" },
	{ "rating_scale", "100", "expected 5 (scores 1 to 5) or 10 (0 to 10)" },
	{ "rating_scale", "5.0", "expected 5 (scores 1 to 5) or 10 (0 to 10)" },
	{ "rating_mean", "4.1", NULL },
	{ "rating_mean", "1", NULL },
	{ "rating_mean", "5", NULL },
	/* on the default rating_scale, 5: 1 to 5 */
	{ "rating_mean", "0.5", "expected a number from 1 to 5 on "
	    "rating_scale 5" },
	{ "rating_mean", "7.6", "expected a number from 1 to 5 on "
	    "rating_scale 5" },
	{ "rating_mean", "11", "expected a number on the rating_scale, "
	    "like 4.1" },
	{ "rating_mean", "4,1", "expected a number on the rating_scale, "
	    "like 4.1" },
	{ "rating_mean", "4/5", "expected a number on the rating_scale, "
	    "like 4.1" },
};

static void
value_case(void **state)
{
	/* rated_share: the rating keys would be refused without it */
	static const char *base[][2] = {
		{ "mode", "gauge" }, { "arrivals_per_hour", "10" },
		{ "staff", "1" }, { "handle_time", "5m" },
		{ "rated_share", "25%" },
	};
	const struct vcase	*c = *state;
	struct errors		 e = { 0 };
	struct sim_config	*cfg;
	char			 text[512], want[256];
	size_t			 i;
	int			 n, line = 1;

	n = snprintf(text, sizeof text, "[queue chat/website]\n");
	for (i = 0; i < sizeof base / sizeof base[0]; i++) {
		if (strcmp(base[i][0], c->key) == 0)
			continue;
		n += snprintf(text + n, sizeof text - n, "%s = %s\n",
		    base[i][0], base[i][1]);
		line++;
	}
	n += snprintf(text + n, sizeof text - n, "%s = %s\n", c->key,
	    c->value);
	assert_true((size_t)n < sizeof text);
	line++;
	cfg = read_text(text, &e);
	if (c->why == NULL) {
		if (e.n > 0)
			fail_msg("%s", e.text[0]);
		assert_non_null(cfg);
		sim_config_free(cfg);
		return;
	}
	assert_null(cfg);
	assert_int_equal(e.n, 1);	/* the value, not "needs" as well */
	snprintf(want, sizeof want, "test.conf:%d: bad %s '%s' in [queue "
	    "chat/website]: %s", line, c->key, c->value, c->why);
	assert_string_equal(e.text[0], want);
}

/*
 * Resolved and rating events, tallied as they come rather than logged:
 * a long run has hundreds of thousands of them.
 */
struct tally {
	const char	*finish;	/* handle_time, or answered for mail */
	int		 scale;		/* of the ratings expected */
	char		 last[32];	/* metric of the message before */
	double		 last_t;
	long		 finished, resolved, direct, rated;
	long		 lowest, highest;
	double		 sum, sumsq;
};

static void
tally(void *arg, double t, const char *topic, const char *payload)
{
	struct tally	*k = arg;
	const char	*metric = strrchr(topic, '/') + 1;
	char		 want[64];
	int		 score, n = 0;

	if (strcmp(metric, k->finish) == 0)
		k->finished++;
	else if (strcmp(metric, "resolved") == 0) {
		/* with the contact it is about, in the contract's form */
		if (strcmp(k->last, k->finish) != 0 || t != k->last_t)
			fail_msg("resolved at %.1f after %s", t, k->last);
		k->resolved++;
		if (strcmp(payload, "{\"direct\": true}") == 0)
			k->direct++;
		else if (strcmp(payload, "{\"direct\": false}") != 0)
			fail_msg("bad resolved payload %s", payload);
	} else if (strcmp(metric, "rating") == 0) {
		if ((strcmp(k->last, k->finish) != 0 &&
		    strcmp(k->last, "resolved") != 0) || t != k->last_t)
			fail_msg("rating at %.1f after %s", t, k->last);
		if (sscanf(payload, "{\"score\": %d%n", &score, &n) != 1 ||
		    n == 0)
			fail_msg("bad rating payload %s", payload);
		if (k->scale == 5)
			snprintf(want, sizeof want, "{\"score\": %d}", score);
		else
			snprintf(want, sizeof want, "{\"score\": %d, "
			    "\"scale\": 10}", score);
		assert_string_equal(payload, want);
		if (k->rated == 0 || score < k->lowest)
			k->lowest = score;
		if (k->rated == 0 || score > k->highest)
			k->highest = score;
		k->rated++;
		k->sum += score;
		k->sumsq += (double)score * score;
	}
	snprintf(k->last, sizeof k->last, "%s", metric);
	k->last_t = t;
}

/* Whether a count of n in N trials fits a chance p: within 3 sd. */
static void
assert_share(const char *what, long n, long trials, double p)
{
	double share = (double)n / trials;
	double tolerance = 3 * sqrt(p * (1 - p) / trials);

	if (fabs(share - p) > tolerance)
		fail_msg("%s: %ld of %ld is %.4f, expected %.4f +- %.4f", what,
		    n, trials, share, p, tolerance);
}

/*
 * One queue with quality keys; each row is its own named test. Absent
 * keys are negative (NAN for the mean, 0 for the scale).
 */
struct qcase {
	const char	*name;
	const char	*mode;
	double		 direct, rated;	/* percentages */
	int		 scale;
	double		 mean;
};

static struct qcase quality_cases[] = {
	{ "quality: counter 80% direct, 25% rated 4.1 of 5", "gauge",
	    80, 25, 5, 4.1 },
	{ "quality: phone 78% direct, 20% rated 4.0 of 5", "lifecycle",
	    78, 20, 0, 4.0 },
	{ "quality: counter 85% direct, 30% rated 7.6 of 10", "gauge",
	    85, 30, 10, 7.6 },
	{ "quality: mail 60% direct, 10% rated, default 7.5 of 10",
	    "backlog", 60, 10, 10, NAN },
	{ "quality: phone rated only, default 4 of 5", "lifecycle",
	    -1, 50, 0, NAN },
	{ "quality: counter resolved only", "gauge", 90, -1, 0, NAN },
	{ "quality: never direct, always rated 1.3 of 5", "gauge",
	    0, 100, 5, 1.3 },
	{ "quality: always direct, never rated", "lifecycle", 100, 0, 0, NAN },
	{ "quality: every score 5 of 5", "gauge", -1, 100, 5, 5 },
	{ "quality: every score 0 of 10", "gauge", -1, 100, 10, 0 },
	{ "quality: every score 10 of 10", "backlog", -1, 100, 10, 10 },
};

/*
 * A day open around the clock, about 22,000 contacts: the shares and the
 * average score must lie within 3 standard deviations of what the keys
 * ask, every score on its scale.
 */
static void
quality_case(void **state)
{
	const struct qcase	*c = *state;
	struct errors		 e = { 0 };
	struct sim_options	 opt = { 17, 1, 0, "wachtd" };
	struct sim_config	*cfg;
	struct sim		*sim;
	struct tally		 k;
	char			 text[512];
	double			 mean, sd, want, tolerance;
	int			 n, lo;

	memset(&k, 0, sizeof k);
	k.finish = strcmp(c->mode, "backlog") == 0 ? "answered" :
	    "handle_time";
	k.scale = c->scale == 10 ? 10 : 5;
	lo = k.scale == 5 ? 1 : 0;
	n = snprintf(text, sizeof text, "[queue chat/website]\n"
	    "mode = %s\narrivals_per_hour = 1000\nstaff = 60\n"
	    "handle_time = 1m\ninterval = 1h\n", c->mode);
	if (c->direct >= 0)
		n += snprintf(text + n, sizeof text - n,
		    "direct_share = %g%%\n", c->direct);
	if (c->rated >= 0)
		n += snprintf(text + n, sizeof text - n,
		    "rated_share = %g%%\n", c->rated);
	if (c->scale > 0)
		n += snprintf(text + n, sizeof text - n,
		    "rating_scale = %d\n", c->scale);
	if (!isnan(c->mean))
		n += snprintf(text + n, sizeof text - n,
		    "rating_mean = %g\n", c->mean);
	assert_true((size_t)n < sizeof text);
	cfg = read_text(text, &e);
	if (e.n > 0)
		fail_msg("%s", e.text[0]);
	assert_non_null(cfg);
	sim = sim_new(cfg, &opt, tally, &k);
	sim_run(sim, 86400);
	sim_free(sim);
	sim_config_free(cfg);

	assert_true(k.finished > 20000);
	if (c->direct < 0)
		assert_int_equal(k.resolved, 0);
	else {
		assert_int_equal(k.resolved, k.finished);	/* each one */
		assert_share("direct", k.direct, k.resolved, c->direct / 100);
	}
	if (c->rated < 0) {
		assert_int_equal(k.rated, 0);
		return;
	}
	assert_share("rated", k.rated, k.finished, c->rated / 100);
	if (k.rated == 0)
		return;
	assert_in_range(k.lowest, lo, k.scale);
	assert_in_range(k.highest, lo, k.scale);
	want = !isnan(c->mean) ? c->mean : k.scale == 5 ? 4 : 7.5;
	mean = k.sum / k.rated;
	sd = sqrt(fmax(0, (k.sumsq - k.rated * mean * mean) / (k.rated - 1)));
	tolerance = 3 * sd / sqrt((double)k.rated);
	if (fabs(mean - want) > tolerance)
		fail_msg("average score %.4f of %ld, expected %.4f +- %.4f",
		    mean, k.rated, want, tolerance);
	/* spread around the mean, except where the mean is an end */
	if (want > lo && want < k.scale)
		assert_true(k.lowest < want && k.highest > want);
}

/* Without the keys, no queue says anything of resolution or ratings. */
static void
no_quality_without_the_keys(void **state)
{
	struct log	 log = run(three_queues, 11, 3, 0, 48 * 3600);
	size_t		 i, finished = 0;

	(void)state;
	for (i = 0; i < log.n; i++) {
		if (metric_is(&log.msgs[i], "resolved") ||
		    metric_is(&log.msgs[i], "rating"))
			fail_msg("%s %s", log.msgs[i].topic,
			    log.msgs[i].payload);
		if (metric_is(&log.msgs[i], "handle_time"))
			finished++;
	}
	assert_true(finished > 1000);
	free(log.msgs);
}

/* text with extra lines after each [queue] header, into a new string. */
static char *
with_keys(const char *text, const char *extra)
{
	char		*out = malloc(2 * strlen(text) + 16 * strlen(extra) + 1);
	const char	*nl;
	size_t		 n = 0, len;

	assert_non_null(out);
	while (*text != '\0') {
		nl = strchr(text, '\n');
		len = nl != NULL ? (size_t)(nl - text) + 1 : strlen(text);
		memcpy(out + n, text, len);
		n += len;
		if (strncmp(text, "[queue ", 7) == 0) {
			memcpy(out + n, extra, strlen(extra));
			n += strlen(extra);
		}
		text += len;
	}
	out[n] = '\0';
	return out;
}

/*
 * The keys only add messages: with resolved and rating left out, the
 * stream is the one of the same seed without them.
 */
static void
quality_keys_only_add(void **state)
{
	char		*text = with_keys(three_queues, "direct_share = 70%\n"
			    "rated_share = 40%\nrating_scale = 10\n");
	struct log	 plain = run(three_queues, 42, 2, 8 * 3600, 36000);
	struct log	 rich = run(text, 42, 2, 8 * 3600, 36000);
	size_t		 i, n = 0, resolved = 0, rated = 0;

	(void)state;
	for (i = 0; i < rich.n; i++) {
		if (metric_is(&rich.msgs[i], "resolved"))
			resolved++;
		else if (metric_is(&rich.msgs[i], "rating"))
			rated++;
		else
			rich.msgs[n++] = rich.msgs[i];
	}
	rich.n = n;
	assert_true(resolved > 1000 && rated > 400);
	assert_true(same_logs(&plain, &rich));
	free(text);
	free(plain.msgs);
	free(rich.msgs);
}

/* The rating keys go together, whatever their order in the section. */
static void
quality_config_meaning(void **state)
{
	static const char head[] = "[queue balie/paspoort]\n"
	    "mode = gauge\narrivals_per_hour = 10\nstaff = 1\n"
	    "handle_time = 5m\n";
	struct errors		 e = { 0 };
	struct sim_config	*cfg;
	char			 text[512];

	(void)state;
	/* a mean before its scale is judged on that scale */
	snprintf(text, sizeof text, "%srating_mean = 7.6\nrated_share = 30%%\n"
	    "rating_scale = 10\n", head);
	cfg = read_text(text, &e);
	if (e.n > 0)
		fail_msg("%s", e.text[0]);
	assert_non_null(cfg);
	sim_config_free(cfg);

	snprintf(text, sizeof text, "%srating_mean = 7.6\nrated_share = 30%%\n"
	    "rating_scale = 5\n", head);
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 1);
	assert_string_equal(e.text[0], "test.conf:6: bad rating_mean '7.6' in "
	    "[queue balie/paspoort]: expected a number from 1 to 5 on "
	    "rating_scale 5");

	/* 0 is the bottom of 10, not of 5 */
	e.n = 0;
	snprintf(text, sizeof text, "%srated_share = 30%%\nrating_scale = 10\n"
	    "rating_mean = 0\n", head);
	cfg = read_text(text, &e);
	assert_int_equal(e.n, 0);
	assert_non_null(cfg);
	sim_config_free(cfg);

	/* a bad scale is said once, and the mean is not judged on it */
	snprintf(text, sizeof text, "%srated_share = 30%%\nrating_scale = 7\n"
	    "rating_mean = 7.6\n", head);
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 1);
	assert_string_equal(e.text[0], "test.conf:7: bad rating_scale '7' in "
	    "[queue balie/paspoort]: expected 5 (scores 1 to 5) or 10 "
	    "(0 to 10)");

	/* without rated_share nothing is rated: scale and mean are mistakes */
	e.n = 0;
	snprintf(text, sizeof text, "%sdirect_share = 80%%\nrating_scale = 10\n"
	    "rating_mean = 7.6\n", head);
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 2);
	assert_string_equal(e.text[0], "test.conf:7: 'rating_scale' in "
	    "[queue balie/paspoort] needs 'rated_share', or no contact is "
	    "rated");
	assert_string_equal(e.text[1], "test.conf:8: 'rating_mean' in "
	    "[queue balie/paspoort] needs 'rated_share', or no contact is "
	    "rated");

	/* each key once, as the others */
	e.n = 0;
	snprintf(text, sizeof text, "%sdirect_share = 80%%\n"
	    "direct_share = 70%%\n", head);
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 1);
	assert_string_equal(e.text[0], "test.conf:7: duplicate key "
	    "'direct_share' in [queue balie/paspoort]");
}

/* A unit is only spelling: 4m, 240s and 3m60s are one stream. */
static void
durations_same_in_any_unit(void **state)
{
	static const char *spellings[][2] = {
		{ "4m", "1m" }, { "240s", "60s" }, { "3m60s", "0.5m30s" },
		{ "5m", "1m" },		/* the control: another mean */
	};
	struct log	 log[4];
	char		 text[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof text, "[queue balie/paspoort]\n"
		    "mode = gauge\narrivals_per_hour = 40\nstaff = 2\n"
		    "handle_time = %s\npatience = 10m\ninterval = %s\n",
		    spellings[i][0], spellings[i][1]);
		log[i] = run(text, 5, 1, 9 * 3600, 4 * 3600);
	}
	assert_true(log[0].n > 300);
	assert_true(same_logs(&log[0], &log[1]));
	assert_true(same_logs(&log[0], &log[2]));
	assert_false(same_logs(&log[0], &log[3]));
	for (i = 0; i < 4; i++)
		free(log[i].msgs);
}

/* 64 characters: as long as a CHANNEL or NAME may be in wachtd.conf. */
#define C64 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"

/* Queue ids follow parse_queue_id, as wachtd itself reads them. */
static void
queue_ids_as_in_wachtd(void **state)
{
	struct errors		 e = { 0 };
	struct sim_config	*cfg;

	(void)state;
	cfg = read_text("[queue " C64 "/" C64 "]\n" "mode = gauge\n"
	    "arrivals_per_hour = 1\nstaff = 1\nhandle_time = 1m\n", &e);
	if (e.n > 0)
		fail_msg("%s", e.text[0]);
	assert_non_null(cfg);
	sim_config_free(cfg);
	assert_null(read_text("[queue " C64 "m/x]\n" "mode = gauge\n", &e));
	assert_null(read_text("[queue telefoon]\n" "mode = gauge\n", &e));
	assert_null(read_text("[queue a/b/c]\n" "mode = gauge\n", &e));
	assert_int_equal(e.n, 3);
	assert_string_equal(e.text[0], "test.conf:1: bad name in [queue "
	    C64 "m/x]: queue id must be CHANNEL/NAME of lowercase letters, "
	    "digits, '_' and '-' (at most 64 each)");
	assert_true(strncmp(e.text[1], "test.conf:1: bad name in [queue "
	    "telefoon]: ", 43) == 0);
	assert_true(strncmp(e.text[2], "test.conf:1: bad name in [queue "
	    "a/b/c]: ", 40) == 0);
}

/* Lines of 4096 characters, as in wachtd.conf; inih's default is 197. */
static void
config_lines_up_to_4096_characters(void **state)
{
	static const char head[] = "[queue chat/website]\n"
	    "mode = gauge\narrivals_per_hour = 10\nstaff = 1\n"
	    "handle_time = 5m\n";
	struct errors		 e = { 0 };
	struct sim_config	*cfg;
	char			*text;
	size_t			 n;

	(void)state;
	text = malloc(sizeof head + 2 * 4100 + 64);
	assert_non_null(text);
	/* "hours = 09:00-12:00," blanks "13:00-17:00": 4096 characters */
	n = (size_t)sprintf(text, "%shours = 09:00-12:00,", head);
	memset(text + n, ' ', 4096 - 20 - 11);
	n += 4096 - 20 - 11;
	n += (size_t)sprintf(text + n, "13:00-17:00\n");
	assert_int_equal(n, sizeof head - 1 + 4096 + 1);
	cfg = read_text(text, &e);
	if (e.n > 0)
		fail_msg("%s", e.text[0]);
	assert_non_null(cfg);
	sim_config_free(cfg);

	/* one more is refused with its line, and reading goes on */
	n = (size_t)sprintf(text, "%s;", head);
	memset(text + n, 'x', 4096);
	n += 4096;
	sprintf(text + n, "\nstaf = 2\n");
	assert_null(read_text(text, &e));
	assert_int_equal(e.n, 2);
	assert_string_equal(e.text[0],
	    "test.conf:6: line longer than 4096 characters");
	assert_string_equal(e.text[1],
	    "test.conf:7: unknown key 'staf' in [queue chat/website]");
	free(text);
}

/* The demo starts at 09:00: a queue must form and mail must pile up. */
static void
demo_config_shows_waiting(void **state)
{
	struct errors		 e = { 0 };
	struct sim_options	 opt = { 2024, 1, 9 * 3600, "wachtd" };
	struct sim_config	*cfg;
	struct sim		*sim;
	struct log		 log = { NULL, 0, 0 };
	FILE			*fp;
	size_t			 i;
	long			 waiting = 0, most = 0, v;
	long			 balie = 0, backlog = 0;

	(void)state;
	fp = fopen(DEMO_CONF, "r");
	assert_non_null(fp);
	cfg = sim_config_read(fp, DEMO_CONF, remember_error, &e);
	fclose(fp);
	assert_non_null(cfg);
	sim = sim_new(cfg, &opt, collect, &log);
	sim_run(sim, 2 * 3600);
	for (i = 0; i < log.n; i++) {
		if (metric_is(&log.msgs[i], "join"))
			waiting++;
		else if (strstr(log.msgs[i].payload, "\"outcome\"") != NULL)
			waiting--;
		v = strtol(log.msgs[i].payload, NULL, 10);
		if (strstr(log.msgs[i].topic, "balie/") != NULL &&
		    metric_is(&log.msgs[i], "waiting") && v > balie)
			balie = v;
		if (metric_is(&log.msgs[i], "backlog") && v > backlog)
			backlog = v;
		if (waiting > most)
			most = waiting;
	}
	assert_true(most >= 5);
	assert_true(balie >= 2);
	assert_true(backlog >= 5);
	sim_free(sim);
	sim_config_free(cfg);
	free(log.msgs);
}

/* The demo's phone and counter show resolution and ratings; mail not. */
static void
demo_config_shows_quality(void **state)
{
	struct errors		 e = { 0 };
	struct sim_options	 opt = { 2024, 1, 9 * 3600, "wachtd" };
	struct sim_config	*cfg;
	struct sim		*sim;
	struct log		 log = { NULL, 0, 0 };
	FILE			*fp;
	size_t			 i;
	long			 resolved[3] = { 0 }, rated[3] = { 0 };
	int			 q;

	(void)state;
	fp = fopen(DEMO_CONF, "r");
	assert_non_null(fp);
	cfg = sim_config_read(fp, DEMO_CONF, remember_error, &e);
	fclose(fp);
	assert_non_null(cfg);
	sim = sim_new(cfg, &opt, collect, &log);
	sim_run(sim, 2 * 3600);
	for (i = 0; i < log.n; i++) {
		q = strstr(log.msgs[i].topic, "/telefoon/") != NULL ? 0 :
		    strstr(log.msgs[i].topic, "/balie/") != NULL ? 1 : 2;
		if (metric_is(&log.msgs[i], "resolved"))
			resolved[q]++;
		else if (metric_is(&log.msgs[i], "rating")) {
			rated[q]++;
			/* the counter asks for a mark of 0 to 10 */
			assert_int_equal(strstr(log.msgs[i].payload,
			    ", \"scale\": 10}") != NULL, q == 1);
		}
	}
	assert_true(resolved[0] > 100 && rated[0] > 10);
	assert_true(resolved[1] > 10 && rated[1] > 3);
	assert_int_equal(resolved[2] + rated[2], 0);
	sim_free(sim);
	sim_config_free(cfg);
	free(log.msgs);
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int
main(void)
{
	static char		 names[NELEM(value_cases)][160];
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(same_seed_same_messages),
		cmocka_unit_test(different_seed_differs),
		cmocka_unit_test(no_arrivals_outside_hours),
		cmocka_unit_test(rate_multiplies_arrivals),
		cmocka_unit_test(every_leave_has_a_join),
		cmocka_unit_test(numbers_plain_and_never_negative),
		cmocka_unit_test(gauges_match_events),
		cmocka_unit_test(config_errors_have_line_numbers),
		cmocka_unit_test(config_syntax_and_meaning),
		cmocka_unit_test(config_indented_with_comments),
		cmocka_unit_test(durations_same_in_any_unit),
		cmocka_unit_test(queue_ids_as_in_wachtd),
		cmocka_unit_test(config_lines_up_to_4096_characters),
		cmocka_unit_test(demo_config_shows_waiting),
		cmocka_unit_test(no_quality_without_the_keys),
		cmocka_unit_test(quality_keys_only_add),
		cmocka_unit_test(quality_config_meaning),
		cmocka_unit_test(demo_config_shows_quality),
	};
	struct CMUnitTest	 tests[NELEM(value_cases) +
				    NELEM(quality_cases) + NELEM(fixed)];
	size_t			 i, n = 0;

	for (i = 0; i < NELEM(value_cases); i++) {
		snprintf(names[i], sizeof names[i], "%s = %.40s%s %s",
		    value_cases[i].key, value_cases[i].value,
		    strlen(value_cases[i].value) > 40 ? "..." : "",
		    value_cases[i].why == NULL ? "accepted" : "refused");
		tests[n++] = (struct CMUnitTest){ names[i], value_case, NULL,
		    NULL, &value_cases[i] };
	}
	for (i = 0; i < NELEM(quality_cases); i++)
		tests[n++] = (struct CMUnitTest){ quality_cases[i].name,
		    quality_case, NULL, NULL, &quality_cases[i] };
	for (i = 0; i < NELEM(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests(tests, NULL, NULL);
}

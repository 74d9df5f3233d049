/*
 * test_config.c: wachtd.conf as a sysadmin writes it (DESIGN §5). Good
 * files load with every value where it belongs; bad files (tests/unit/conf)
 * produce exactly the list of "FILE:LINE: message" lines `wachtd -n` would
 * print, every error and nothing else.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "wachtd.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef CONF_DIR
#define CONF_DIR	"tests/unit/conf"
#endif

/* The [queue] section for id, or NULL. */
static const struct queue_conf *
find_queue(const struct config *c, const char *id)
{
	size_t	 i;

	for (i = 0; i < c->nqueues; i++)
		if (strcmp(c->queues[i].id, id) == 0)
			return &c->queues[i];
	return NULL;
}

static char	 conf_dir[PATH_MAX] = CONF_DIR;

/* The messages config_load reported, in order. */
struct errors {
	char	**msg;
	size_t	  n;
};

static void
collect(const char *msg, void *arg)
{
	struct errors	*e = arg;

	e->msg = realloc(e->msg, (e->n + 1) * sizeof(*e->msg));
	assert_non_null(e->msg);
	e->msg[e->n] = strdup(msg);
	assert_non_null(e->msg[e->n]);
	e->n++;
}

static void
errors_free(struct errors *e)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

static void
fixture(const char *name, char *path, size_t len)
{
	if ((size_t)snprintf(path, len, "%s/%s", conf_dir, name) >= len)
		fail_msg("path too long: %s/%s", conf_dir, name);
}

/* Loads a fixture that must be good: no message at all. */
static struct config *
load_good(const char *name)
{
	struct errors	 e = { NULL, 0 };
	struct config	*c;
	char		 path[PATH_MAX];
	size_t		 i;

	fixture(name, path, sizeof(path));
	c = config_load(path, collect, &e);
	for (i = 0; i < e.n; i++)
		print_error("unexpected: %s\n", e.msg[i]);
	assert_int_equal(e.n, 0);
	errors_free(&e);
	assert_non_null(c);
	return c;
}

/*
 * Loads path, which must fail with exactly the messages in want: each is
 * what follows the path, ":LINE: message" or ": message" for the file.
 */
static void
assert_errors(const char *path, const char *const *want)
{
	struct errors	 e = { NULL, 0 };
	struct config	*c;
	char		 line[8192];
	size_t		 i, nwant, plen = strlen(path);
	int		 ok;

	for (nwant = 0; want[nwant] != NULL; nwant++)
		;
	c = config_load(path, collect, &e);
	ok = c == NULL && e.n == nwant;
	for (i = 0; ok && i < nwant; i++) {
		snprintf(line, sizeof(line), "%s%s", path, want[i]);
		ok = strcmp(e.msg[i], line) == 0;
	}
	if (!ok) {
		print_error("config_load(%s) %s; reported:\n", path,
		    c != NULL ? "succeeded" : "failed");
		for (i = 0; i < e.n; i++)
			print_error("  %s\n", strncmp(e.msg[i], path, plen) ==
			    0 ? e.msg[i] + plen : e.msg[i]);
		print_error("expected:\n");
		for (i = 0; i < nwant; i++)
			print_error("  %s\n", want[i]);
	}
	config_free(c);
	errors_free(&e);
	assert_true(ok);
}

/* ------------------------------------------------------------------ */
/* Bad files: one row per mistake a sysadmin makes. */

struct bad_file {
	const char	*name;		/* what the row shows */
	const char	*file;
	const char	*want[20];	/* NULL-terminated */
};

#define HOLIDAY_NAMES	"nieuwjaarsdag, goede_vrijdag, eerste_paasdag, " \
	"tweede_paasdag, koningsdag, bevrijdingsdag, hemelvaartsdag, " \
	"eerste_pinksterdag, tweede_pinksterdag, eerste_kerstdag, " \
	"tweede_kerstdag"
#define QUEUE_ID_RULE	"queue id must be CHANNEL/NAME of lowercase " \
	"letters, digits, '_' and '-' (at most 64 each)"
#define ONE_KIND	"needs exactly one of answer_within with target, " \
	"max_wait, respond_within, direct_target or rating_target"

static struct bad_file bad_files[] = {
	{ "unknown keys are reported with their line and section",
	    "bad-unknown-key.conf", {
		":3: unknown key 'stpe' in [daemon]",
		":6: unknown key 'anwser_within' in [norm telefoon]",
		":10: unknown key 'lable' in [queue telefoon/algemeen]",
		":5: [norm telefoon] answer_within and target go together",
		NULL } },
	{ "unknown sections are reported once, their keys skipped",
	    "bad-unknown-section.conf", {
		":2: unknown section [deamon]",
		":5: unknown section [alert telefoon]",
		":8: [hours] needs a name, like [hours kcc]",
		NULL } },
	{ "repeated sections and keys name the first occurrence",
	    "bad-duplicate.conf", {
		":8: key 'label' repeated in [queue telefoon/algemeen]",
		":10: key 'topic.waiting' repeated in "
		    "[queue telefoon/algemeen]",
		":12: section [daemon] repeated (first at line 2)",
		":15: section [queue telefoon/algemeen] repeated (first at "
		    "line 5)",
		":18: section [daemon] repeated (first at line 2)",
		NULL } },
	{ "values of the wrong form are each reported with the reason",
	    "bad-values.conf", {
		":3: state_dir = var/lib/wachtd: expected an absolute path",
		":4: step = 10x: unknown unit (use s, m, h or d)",
		":5: timezone = Europe/Amstrdam: not a known time zone (see "
		    "/usr/share/zoneinfo)",
		":6: language = de: expected nl or en",
		":9: port = 70000: number out of range",
		":10: prefix = wachtd/: no wildcards or blanks, no leading "
		    "'$' and no '/' at either end",
		":11: qos = 3: number out of range",
		":12: keepalive = 2s: must be whole seconds from 5s to 3600s",
		":15: listen = 8080: expected address:port, like "
		    "127.0.0.1:8080",
		":16: public_listen = ::1:8081: write an IPv6 address in "
		    "brackets: [::1]:8080",
		":20: target = 80: expected a percentage like 80%",
		":21: window = 1h1h: units out of order or repeated",
		":22: abandoned = sometimes: expected ignore or count",
		":25: public = ja: expected yes or no",
		":26: interval = 10: missing unit (s, m, h, d)",
		":30: webhook = teams.example/hook: expected a URL (http://, "
		    "https://, smtp:// or smtps://)",
		":31: email = kcc: expected e-mail addresses like "
		    "team@gemeente.example",
		":32: repeat = -5m: expected a duration like 30s, 5m, 1h30m "
		    "or 2d",
		":18: [norm telefoon] answer_within and target go together",
		NULL } },
	{ "bad opening hours, holidays and dates are each reported",
	    "bad-hours.conf", {
		":3: mon = 0830-1700: expected a time like 08:30",
		":4: tue = 17:00-08:30: a range must end after it starts",
		":5: wed = 08:30-12:30 12:00-17:00: ranges must be in order "
		    "and must not overlap",
		":6: thu = 08:30: expected ranges like 08:30-12:30 "
		    "13:30-17:00, or closed",
		":7: fri = 24:00-24:00: time out of range",
		":8: sat = 8:30-12:00: expected a time like 08:30",
		":9: holidays = nl -sinterklaas: unknown holiday ("
		    HOLIDAY_NAMES ")",
		":10: closed = 2026-02-30: no such day in that month",
		":14: holidays = -koningsdag: expected nl or none, then -name "
		    "to leave a holiday out",
		":15: closed = 2026-12-31..2026-12-24: a date range must end "
		    "after it starts",
		NULL } },
	{ "keys outside a section and malformed lines are reported",
	    "bad-syntax.conf", {
		":1: key outside any section",
		":2: malformed section header",
		":5: malformed section header",
		":6: expected 'key = value'",
		":9: expected 'key = value'",
		":10: malformed section header",
		NULL } },
	{ "missing hours, norm and notify sections point at the reference",
	    "bad-refs.conf", {
		":15: hours 'gone' in [notify kcc-team] has no [hours gone] "
		    "section",
		":16: notify 'ghost' in [notify kcc-team] has no "
		    "[notify ghost] section",
		":10: hours 'kcc-typo' in [queue telefoon/algemeen] has no "
		    "[hours kcc-typo] section",
		":11: norm 'telefon' in [queue telefoon/algemeen] has no "
		    "[norm telefon] section",
		":12: notify 'nobody' in [queue telefoon/algemeen] has no "
		    "[notify nobody] section",
		NULL } },
	{ "escalation loops and escalation to nobody are refused",
	    "bad-escalation.conf", {
		":17: [notify dangling] escalate_after needs escalate_to",
		":7: escalate_to leads back to [notify a]",
		":11: escalate_to leads back to [notify b]",
		":15: escalate_to leads back to [notify self]",
		NULL } },
	{ "norms need exactly one complete kind and fit the step",
	    "bad-norms.conf", {
		":5: [norm both] " ONE_KIND,
		":10: [norm half] answer_within and target go together",
		":13: [norm nothing] " ONE_KIND,
		":16: [norm tiny] window is shorter than [daemon] step",
		":16: [norm tiny] warn_at must be above 0% and below 100%",
		":26: [queue telefoon/algemeen] has two norms of the same kind",
		NULL } },
	{ "quality targets are on their scale, and share a queue's window",
	    "bad-quality.conf", {
		":7: rating_target = 8: a score of 1 to 5 (for 0 to 10 write "
		    "8/10)",
		":10: rating_target = 11/10: a score of 0 to 10",
		":13: rating_target = goed: expected a score like 4 (of 1 to 5) "
		    "or 7.5/10",
		":14: positive_from = 0: a score of 1 to 5 (for 0 to 10 write "
		    "8/10)",
		":18: min_count = 0: number out of range",
		":31: public_experience needs public_listen: it is said on the "
		    "public page",
		":2: [norm twice] " ONE_KIND,
		":28: [queue telefoon/algemeen] norms day and week count over "
		    "different windows; a queue's direct_target and "
		    "rating_target share one",
		NULL } },
	{ "foreign topics stay out of the prefix and are used once",
	    "bad-topics.conf", {
		":8: unknown metric 'colour' in [queue telefoon/algemeen]",
		":9: bad topic 'pbx/+/backlog' for topic.backlog: no "
		    "wildcards, no leading '$'",
		":10: bad topic '$SYS/broker/uptime' for topic.oldest_age: no "
		    "wildcards, no leading '$'",
		":6: topic.waiting: 'wachtd/in/telefoon/algemeen/waiting' lies "
		    "under the prefix 'wachtd/' that wachtd owns",
		":15: topic 'pbx/queue/601/calls' is also used by "
		    "[queue telefoon/vergunningen]",
		":13: topic 'pbx/queue/600/agents' is also used by "
		    "[queue telefoon/algemeen]",
		NULL } },
	{ "section names must be usable in topics",
	    "bad-names.conf", {
		":2: bad name in [queue Telefoon/Algemeen]: " QUEUE_ID_RULE,
		":5: bad name in [queue telefoon]: " QUEUE_ID_RULE,
		":8: bad name in [norm Tele Foon]: use lowercase letters, "
		    "digits, '_' and '-'",
		":11: [queue telefoon/algemeen] interval must be at least 1s",
		NULL } },
	{ "mqtt and http settings that go together",
	    "bad-mqtt.conf", {
		":3: username has no value",
		":6: client_id = wachtd-0123456789-0123456789-0123456789-"
		    "0123456789-0123456789-0123456789: longer than 64 characters",
		":4: a client certificate needs tls_ca, the CA that signed "
		    "the broker's certificate",
		":4: tls_cert and tls_key go together",
		":5: password_file needs a username",
		":10: public_listen is the same address as listen",
		NULL } },
	{ "text that is not UTF-8 is refused where it would break JSON or MQTT",
	    "bad-utf8.conf", {
		":3: label: not valid UTF-8 (save the file as UTF-8)",
		":4: topic.waiting: not valid UTF-8 (save the file as UTF-8)",
		NULL } },
	{ "a file without queues watches nothing",
	    "bad-no-queue.conf", {
		": no [queue CHANNEL/NAME] section: nothing to watch",
		NULL } },
	{ "a missing file is one error, with the reason",
	    "does-not-exist.conf", {
		": cannot open: No such file or directory",
		NULL } },
};

static void
bad_file_reports(void **state)
{
	const struct bad_file *b = *state;
	char		 path[PATH_MAX];

	fixture(b->file, path, sizeof(path));
	assert_errors(path, b->want);
}

/* ------------------------------------------------------------------ */
/* Good files. */

static const struct hours_conf *
hours_named(const struct config *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nhours; i++)
		if (strcmp(c->hours[i].name, name) == 0)
			return &c->hours[i];
	fail_msg("no [hours %s]", name);
	return NULL;
}

static const struct norm_conf *
norm_named(const struct config *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nnorms; i++)
		if (strcmp(c->norms[i].name, name) == 0)
			return &c->norms[i];
	fail_msg("no [norm %s]", name);
	return NULL;
}

static const struct notify_conf *
notify_named(const struct config *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nnotifies; i++)
		if (strcmp(c->notifies[i].name, name) == 0)
			return &c->notifies[i];
	fail_msg("no [notify %s]", name);
	return NULL;
}

static const struct queue_conf *
queue_named(const struct config *c, const char *id)
{
	const struct queue_conf *q = find_queue(c, id);

	if (q == NULL)
		fail_msg("no [queue %s]", id);
	return q;
}

static void
good_file_daemon_mqtt_and_http(void **state)
{
	struct config	*c = load_good("good.conf");

	(void)state;
	assert_string_equal(c->state_dir, "/var/lib/wachtd-test");
	assert_true(c->step == 15);
	assert_string_equal(c->timezone, "Europe/Amsterdam");
	assert_string_equal(c->language, "en");
	assert_string_equal(c->rrdcached, "unix:/run/rrdcached.sock");

	assert_string_equal(c->mqtt.host, "broker.gemeente.example");
	assert_int_equal(c->mqtt.port, 8883);
	assert_string_equal(c->mqtt.prefix, "gemeente/wachtd");
	assert_string_equal(c->mqtt.client_id, "wachtd-test");
	assert_string_equal(c->mqtt.username, "wachtd");
	assert_string_equal(c->mqtt.password_file, "/etc/wachtd/mqtt.password");
	assert_string_equal(c->mqtt.tls_ca, "/etc/ssl/certs/ca-certificates.crt");
	assert_string_equal(c->mqtt.tls_cert, "/etc/wachtd/client.crt");
	assert_string_equal(c->mqtt.tls_key, "/etc/wachtd/client.key");
	assert_int_equal(c->mqtt.qos, 2);
	assert_int_equal(c->mqtt.keepalive, 60);

	assert_string_equal(c->listen.host, "::1");
	assert_int_equal(c->listen.port, 8090);
	assert_string_equal(c->public_listen.host, "0.0.0.0");
	assert_int_equal(c->public_listen.port, 8091);
	config_free(c);
}

static void
good_file_opening_hours_in_minutes(void **state)
{
	struct config	*c = load_good("good.conf");
	const struct hours_conf *kcc, *balie;
	enum { SUN, MON, TUE, WED, THU, FRI, SAT };

	(void)state;
	assert_int_equal(c->nhours, 2);
	kcc = hours_named(c, "kcc");
	assert_int_equal(kcc->line, 29);
	assert_int_equal(kcc->nopen[SUN], 0);
	assert_int_equal(kcc->nopen[MON], 1);
	assert_int_equal(kcc->open[MON][0][0], 8 * 60 + 30);
	assert_int_equal(kcc->open[MON][0][1], 17 * 60);
	assert_int_equal(kcc->nopen[THU], 2);
	assert_int_equal(kcc->open[THU][0][0], 8 * 60 + 30);
	assert_int_equal(kcc->open[THU][0][1], 12 * 60 + 30);
	assert_int_equal(kcc->open[THU][1][0], 13 * 60 + 30);
	assert_int_equal(kcc->open[THU][1][1], 20 * 60);
	assert_int_equal(kcc->nopen[FRI], 1);
	assert_int_equal(kcc->open[FRI][0][1], 12 * 60 + 30);
	assert_int_equal(kcc->nopen[SAT], 0);
	/* "nl -goede_vrijdag -bevrijdingsdag": all but those two. */
	assert_int_equal(kcc->holidays, ((1u << HOLIDAY_COUNT) - 1) &
	    ~(1u << HOLIDAY_GOEDE_VRIJDAG) & ~(1u << HOLIDAY_BEVRIJDINGSDAG));
	assert_int_equal(kcc->nclosed, 2);
	assert_int_equal(kcc->closed[0].from, 20261224);
	assert_int_equal(kcc->closed[0].to, 20261224);
	assert_int_equal(kcc->closed[1].from, 20261227);
	assert_int_equal(kcc->closed[1].to, 20261231);

	balie = hours_named(c, "balie");
	assert_int_equal(balie->nopen[MON], 2);
	assert_int_equal(balie->open[MON][1][0], 13 * 60 + 30);
	assert_int_equal(balie->open[MON][1][1], 16 * 60);
	assert_int_equal(balie->nopen[FRI], 1);
	assert_int_equal(balie->open[FRI][0][1], 24 * 60);
	assert_int_equal(balie->nopen[TUE], 0);
	assert_int_equal(balie->holidays, 0);
	assert_int_equal(balie->nclosed, 0);
	config_free(c);
}

static void
good_file_norms_of_each_kind(void **state)
{
	struct config	*c = load_good("good.conf");
	const struct norm_conf *n;

	(void)state;
	assert_int_equal(c->nnorms, 4);
	n = norm_named(c, "telefoon");
	assert_int_equal(n->kind, NORM_ANSWER_WITHIN);
	assert_true(n->answer_within == 30);
	assert_true(n->target == 80);
	assert_true(n->window == 600);
	assert_true(n->hold == 60);
	assert_true(n->clear_for == 300);
	assert_true(n->warn_at == 90);
	assert_int_equal(n->abandoned, ABANDON_COUNT);
	assert_true(n->short_abandon == 5);

	n = norm_named(c, "balie");
	assert_int_equal(n->kind, NORM_MAX_WAIT);
	assert_true(n->max_wait == 600);
	assert_true(n->window == 900);		/* defaults */
	assert_true(n->warn_at == 75);
	assert_int_equal(n->abandoned, ABANDON_IGNORE);

	n = norm_named(c, "email");
	assert_int_equal(n->kind, NORM_RESPOND_WITHIN);
	assert_int_equal(n->respond_workdays, 2);
	assert_true(n->respond_within == 0);

	n = norm_named(c, "chat");
	assert_int_equal(n->kind, NORM_RESPOND_WITHIN);
	assert_int_equal(n->respond_workdays, 0);
	assert_true(n->respond_within == 4 * 3600);
	config_free(c);
}

static void
good_file_queues_resolve_their_references(void **state)
{
	struct config	*c = load_good("good.conf");
	const struct queue_conf *q;
	int		 m;

	(void)state;
	assert_int_equal(c->nqueues, 4);
	q = queue_named(c, "telefoon/algemeen");
	assert_ptr_equal(q, &c->queues[0]);
	assert_string_equal(q->name, "algemeen");
	assert_int_equal(q->line, 64);
	assert_string_equal(q->label, "Telefoon 14 0548");
	assert_ptr_equal(q->hours.to, hours_named(c, "kcc"));
	assert_int_equal(q->hours.line, 66);
	assert_int_equal(q->norms.n, 2);
	assert_ptr_equal(q->norms.refs[0].to, norm_named(c, "telefoon"));
	assert_ptr_equal(q->norms.refs[1].to, norm_named(c, "balie"));
	assert_int_equal(q->norms.refs[1].line, 67);
	assert_int_equal(q->public, 1);
	assert_true(q->interval == 10);
	assert_int_equal(q->notify.n, 2);
	assert_ptr_equal(q->notify.refs[0].to, notify_named(c, "kcc-team"));
	assert_ptr_equal(q->notify.refs[1].to, notify_named(c, "teamleiders"));
	assert_string_equal(q->topic[METRIC_WAITING], "pbx/queue/600/calls");
	assert_int_equal(q->topic_line[METRIC_WAITING], 71);
	assert_string_equal(q->topic[METRIC_AGENTS], "pbx/queue/600/agents");
	for (m = 0; m < METRIC_COUNT; m++)
		if (m != METRIC_WAITING && m != METRIC_AGENTS)
			assert_null(q->topic[m]);

	q = queue_named(c, "balie/burgerzaken");
	assert_ptr_equal(q->hours.to, hours_named(c, "balie"));
	assert_int_equal(q->public, 0);
	assert_true(q->interval == 30);

	q = queue_named(c, "email/info");
	assert_null(q->label);
	assert_true(q->interval == 300);
	assert_ptr_equal(q->norms.refs[0].to, norm_named(c, "email"));

	/* Indented under "norm = chat": a key of its own. */
	q = queue_named(c, "chat/website");
	assert_string_equal(q->label, "Chat op de website");
	assert_int_equal(q->norms.n, 1);
	assert_null(q->hours.name);
	assert_null(q->hours.to);
	assert_int_equal(q->notify.n, 0);
	assert_true(q->interval == 60);

	assert_null(find_queue(c, "chat/intranet"));
	assert_null(find_queue(c, "chat"));
	config_free(c);
}

static void
good_file_notify_and_escalation(void **state)
{
	struct config	*c = load_good("good.conf");
	const struct notify_conf *n, *t;

	(void)state;
	n = notify_named(c, "kcc-team");
	t = notify_named(c, "teamleiders");
	assert_string_equal(n->webhook, "https://teams.example/hook");
	assert_string_equal(n->alertmanager, "http://localhost:9093");
	assert_string_equal(n->email,
	    "kcc@gemeente.example backup@gemeente.example");
	assert_string_equal(n->smtp, "smtp://localhost:25");
	assert_string_equal(n->from, "wachtd@gemeente.example");
	assert_ptr_equal(n->hours.to, hours_named(c, "kcc"));
	assert_true(n->repeat == 20 * 60);
	assert_true(n->escalate_after == 15 * 60);
	assert_ptr_equal(n->escalate_to.to, t);
	assert_string_equal(t->email, "teamleiders@gemeente.example");
	assert_true(t->repeat == 30 * 60);	/* default */
	assert_null(t->escalate_to.to);
	config_free(c);
}

static void
quality_norms_read_their_targets(void **state)
{
	struct config	*c = load_good("quality.conf");
	const struct norm_conf *n;

	(void)state;
	n = norm_named(c, "eerstelijn");
	assert_int_equal(n->kind, NORM_DIRECT_TARGET);
	assert_true(n->direct_target == 80);
	assert_true(n->window == 86400);	/* a day, not 15 min */
	assert_int_equal(n->min_count, 20);
	assert_true(n->hold == 60);

	n = norm_named(c, "sterren");
	assert_int_equal(n->kind, NORM_RATING_TARGET);
	assert_false(n->rating_share);
	assert_true(n->rating_target == 4.2);
	assert_int_equal(n->rating_scale, 5);
	assert_true(n->window == 8 * 3600);
	assert_int_equal(n->min_count, 5);

	n = norm_named(c, "cijfer");
	assert_false(n->rating_share);
	assert_true(n->rating_target == 7.5);
	assert_int_equal(n->rating_scale, 10);

	n = norm_named(c, "tevreden");
	assert_true(n->rating_share);
	assert_true(n->rating_target == 85);
	assert_true(n->positive_from == 8);
	assert_int_equal(n->positive_scale, 10);

	n = norm_named(c, "eerstelijn");
	assert_ptr_equal(config_queue_norm(queue_named(c,
	    "telefoon/algemeen"), NORM_DIRECT_TARGET), n);
	assert_string_equal(config_norm_kind_name(NORM_RATING_TARGET),
	    "rating_target");
	config_free(c);
}

static void
absent_keys_take_their_defaults(void **state)
{
	struct config	*c = load_good("minimal.conf");
	const struct queue_conf *q;
	const struct norm_conf *n;

	(void)state;
	assert_string_equal(c->state_dir, "/var/lib/wachtd");
	assert_true(c->step == 10);
	assert_string_equal(c->timezone, "Europe/Amsterdam");
	assert_string_equal(c->language, "nl");
	assert_null(c->rrdcached);
	assert_string_equal(c->mqtt.host, "localhost");
	assert_int_equal(c->mqtt.port, 1883);
	assert_string_equal(c->mqtt.prefix, "wachtd");
	assert_string_equal(c->mqtt.client_id, "wachtd");
	assert_null(c->mqtt.username);
	assert_null(c->mqtt.tls_ca);
	assert_int_equal(c->mqtt.qos, 1);
	assert_int_equal(c->mqtt.keepalive, 30);
	assert_string_equal(c->listen.host, "127.0.0.1");
	assert_int_equal(c->listen.port, 8080);
	assert_int_equal(c->public_listen.port, 0);

	q = queue_named(c, "telefoon/algemeen");
	assert_null(q->label);
	assert_int_equal(q->public, 0);
	assert_true(q->interval == 60);
	assert_int_equal(q->norms.n, 0);
	assert_null(config_queue_norm(q, NORM_ANSWER_WITHIN));

	n = norm_named(c, "telefoon");
	assert_int_equal(n->kind, NORM_ANSWER_WITHIN);
	assert_true(n->window == 15 * 60);
	assert_true(n->hold == 60);
	assert_true(n->clear_for == 5 * 60);
	assert_true(n->warn_at == 75);
	assert_int_equal(n->abandoned, ABANDON_IGNORE);
	assert_true(n->short_abandon == 0);
	assert_true(notify_named(c, "team")->repeat == 30 * 60);
	config_free(c);
}

static void
queue_norm_by_kind(void **state)
{
	struct config	*c = load_good("good.conf");
	const struct queue_conf *q;
	struct ref	 unresolved = { NULL, 1, NULL };
	struct queue_conf bare;

	(void)state;
	q = queue_named(c, "telefoon/algemeen");
	assert_ptr_equal(config_queue_norm(q, NORM_ANSWER_WITHIN),
	    norm_named(c, "telefoon"));
	assert_ptr_equal(config_queue_norm(q, NORM_MAX_WAIT),
	    norm_named(c, "balie"));
	assert_null(config_queue_norm(q, NORM_RESPOND_WITHIN));
	q = queue_named(c, "email/info");
	assert_ptr_equal(config_queue_norm(q, NORM_RESPOND_WITHIN),
	    norm_named(c, "email"));
	assert_null(config_queue_norm(q, NORM_ANSWER_WITHIN));

	/* A reference not (yet) resolved is no norm. */
	memset(&bare, 0, sizeof(bare));
	bare.norms.refs = &unresolved;
	bare.norms.n = 1;
	assert_null(config_queue_norm(&bare, NORM_NONE));
	assert_null(config_queue_norm(&bare, NORM_ANSWER_WITHIN));
	config_free(c);
}

/* ------------------------------------------------------------------ */
/* config_mqtt_changed: which edits of a reloaded file need a reconnect. */

static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = v != NULL ? strdup(v) : NULL;
}

static void m_host(struct config *c) { set_str(&c->mqtt.host, "other"); }
static void m_port(struct config *c) { c->mqtt.port = 1884; }
static void m_prefix(struct config *c) { set_str(&c->mqtt.prefix, "x"); }
static void m_client(struct config *c) { set_str(&c->mqtt.client_id, "x"); }
static void m_user(struct config *c) { set_str(&c->mqtt.username, NULL); }
static void m_pass(struct config *c) { set_str(&c->mqtt.password_file, "/x"); }
static void m_ca(struct config *c) { set_str(&c->mqtt.tls_ca, NULL); }
static void m_cert(struct config *c) { set_str(&c->mqtt.tls_cert, "/x"); }
static void m_key(struct config *c) { set_str(&c->mqtt.tls_key, "/x"); }
static void m_qos(struct config *c) { c->mqtt.qos = 0; }
static void m_keepalive(struct config *c) { c->mqtt.keepalive = 31; }
static void m_listen(struct config *c) { c->listen.port = 9999; }
static void m_step(struct config *c) { c->step = 60; }
static void m_label(struct config *c) { set_str(&c->queues[0].label, "x"); }
static void m_lang(struct config *c) { set_str(&c->language, "nl"); }

static void
mqtt_changed_only_for_broker_settings(void **state)
{
	static const struct {
		const char	*what;
		void		(*edit)(struct config *);
		int		 changed;
	} edits[] = {
		{ "host", m_host, 1 }, { "port", m_port, 1 },
		{ "prefix", m_prefix, 1 }, { "client_id", m_client, 1 },
		{ "username", m_user, 1 }, { "password_file", m_pass, 1 },
		{ "tls_ca", m_ca, 1 }, { "tls_cert", m_cert, 1 },
		{ "tls_key", m_key, 1 }, { "qos", m_qos, 1 },
		{ "keepalive", m_keepalive, 1 },
		{ "[http] listen", m_listen, 0 }, { "step", m_step, 0 },
		{ "a queue label", m_label, 0 }, { "language", m_lang, 0 },
	};
	struct config	*a = load_good("good.conf"), *b;
	size_t		 i;

	(void)state;
	b = load_good("good.conf");
	assert_int_equal(config_mqtt_changed(a, b), 0);
	config_free(b);
	for (i = 0; i < NELEM(edits); i++) {
		b = load_good("good.conf");
		edits[i].edit(b);
		if ((config_mqtt_changed(a, b) != 0) != edits[i].changed)
			fail_msg("changing %s: config_mqtt_changed says %d",
			    edits[i].what, config_mqtt_changed(a, b));
		assert_int_equal(config_mqtt_changed(b, a) != 0,
		    edits[i].changed);
		config_free(b);
	}
	b = load_good("minimal.conf");
	assert_int_not_equal(config_mqtt_changed(a, b), 0);
	config_free(b);
	config_free(a);
}

/* ------------------------------------------------------------------ */
/* Line length: 4096 characters is the limit, and parsing goes on. */

static char	 tmpdir[PATH_MAX];

static void
write_file(const char *path, const char *head, size_t fill, const char *tail)
{
	FILE	*fp = fopen(path, "w");
	size_t	 i;

	assert_non_null(fp);
	fputs(head, fp);
	for (i = 0; i < fill; i++)
		fputc('x', fp);
	fputs(tail, fp);
	assert_int_equal(fclose(fp), 0);
}

static int
make_tmpdir(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_config.XXXXXX",
	    t != NULL && t[0] != '\0' ? t : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
remove_tmpdir(void **state)
{
	char	 path[PATH_MAX + 32];

	(void)state;
	snprintf(path, sizeof(path), "%s/ok.conf", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/long.conf", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void
line_of_4096_characters_is_read(void **state)
{
	struct errors	 e = { NULL, 0 };
	struct config	*c;
	char		 path[PATH_MAX + 32];

	(void)state;
	snprintf(path, sizeof(path), "%s/ok.conf", tmpdir);
	/* "label = " and 4088 x: 4096 characters before the newline. */
	write_file(path, "[queue telefoon/algemeen]\nlabel = ", 4096 - 8,
	    "\ninterval = 10s\n");
	c = config_load(path, collect, &e);
	if (e.n > 0)
		fail_msg("%s", e.msg[0]);
	assert_non_null(c);
	assert_int_equal(strlen(c->queues[0].label), 4096 - 8);
	assert_true(c->queues[0].interval == 10);
	config_free(c);
	errors_free(&e);
}

static void
line_longer_than_4096_characters_is_an_error(void **state)
{
	char		 path[PATH_MAX + 32];
	const char	*want[] = {
		":2: line longer than 4096 characters",
		":3: unknown key 'lable' in [queue telefoon/algemeen]",
		NULL
	};

	(void)state;
	snprintf(path, sizeof(path), "%s/long.conf", tmpdir);
	write_file(path, "[queue telefoon/algemeen]\nlabel = ", 4097 - 8,
	    "\nlable = x\ninterval = 10s\n");
	assert_errors(path, want);
}

/* ------------------------------------------------------------------ */
/* [http] auth_file: the users of the internal listener, one row per
 * mistake. The files are written at run time, as the key wants an
 * absolute path; "CONF" and "USERS" in a message stand for their paths. */

#define HASH_Y	"$y$j9T$/9mR.nSOR8Llwf..NPUR91$qJ9Zx6YYAQRUurWQJx.4p5UnuQWLYEP8xc4XloOLR7/"
#define HASH_6	"$6$abcdefgh$msgktWxVAbjjh3X7lA5LaM7dS/ZfABJL6T4qcRsnjcOTj0kptUv" \
	"ZcrvrXIoO5fgPA9xz6UnF2To2Y7jGc/IZY/"
#define HASH_2B	"$2b$05$GUGognmFHOtxqHGrniwpc.aEMsN/uy.gYuMUUdHvj8QLnE1UN1G1m"
#define HASH_5	"$5$hR8M5l7TpTf0K238$lnK9mmxTCfJ15RKpLmWXKrkJwgGL9i5SK58L1/mUP6/"
#define MAKE_ONE "; make a hash with mkpasswd -m yescrypt"

struct bad_users {
	const char	*name;
	const char	*auth_file;	/* the value; "USERS" for the file */
	const char	*users;		/* what the file holds; NULL: none */
	int		 mode;		/* of the file; 0: 0640 */
	const char	*want[12];	/* NULL-terminated */
};

static struct bad_users bad_users[] = {
	{ "auth_file must be an absolute path", "etc/wachtd/users", NULL, 0, {
		"CONF:2: auth_file = etc/wachtd/users: expected an absolute "
		    "path",
		NULL } },
	{ "a missing users file is one error at the key", "USERS", NULL, 0, {
		"CONF:2: auth_file USERS: cannot open: No such file or "
		    "directory",
		NULL } },
	{ "a directory is no users file", "/", NULL, 0, {
		"CONF:2: auth_file /: not a regular file",
		NULL } },
	{ "a users file anyone may write is refused", "USERS",
	    "beheer:" HASH_6 "\n", 0666, {
		"CONF:2: auth_file USERS: anyone may write it; chmod o-w",
		NULL } },
	{ "a users file without users locks everyone out", "USERS",
	    "# nobody yet\n\n", 0, {
		"USERS: no user:hash line; nobody could sign in",
		NULL } },
	{ "every bad line is reported with its line, never its hash", "USERS",
	    "# beheerders van het dashboard\n"
	    "beheer " HASH_6 "\n"			/* 2 */
	    "jan:geheim\n"				/* 3 */
	    "oud:WXShdrEBF4uaQ\n"			/* 4 */
	    "md5:$1$JRsnZAJg$QUZ93Q.3FEm4eBhFGBRrD.\n"	/* 5 */
	    "sha1:$sha1$228971$wu4T5z5ij38aERYwkG5E$cwmG4ERLDsUR8gc\n"
	    "kapot:$6$abc$short\n"			/* 7 */
	    "\n"
	    "piet:" HASH_Y "\n"				/* 9 */
	    "piet:" HASH_2B "\n"			/* 10 */
	    ":" HASH_6 "\n"				/* 11 */
	    "an na:" HASH_6 "\n"			/* 12 */
	    "x:" HASH_6 ":extra\n", 0, {			/* 13 */
		"USERS:2: expected user:hash",
		"USERS:3: user 'jan': not a crypt(3) hash (never write a "
		    "password here in plain text)" MAKE_ONE,
		"USERS:4: user 'oud': a DES hash is too weak" MAKE_ONE,
		"USERS:5: user 'md5': an MD5 ($1$) hash is too weak" MAKE_ONE,
		"USERS:6: user 'sha1': not a kind of hash wachtd accepts ($y$ "
		    "yescrypt, $2b$ bcrypt, $6$ or $5$ SHA-crypt)" MAKE_ONE,
		"USERS:7: user 'kapot': malformed hash" MAKE_ONE,
		"USERS:10: user 'piet' repeated (first at line 9)",
		"USERS:11: a user name is 1 to 64 characters, without blanks "
		    "or control characters",
		"USERS:12: a user name is 1 to 64 characters, without blanks "
		    "or control characters",
		"USERS:13: expected user:hash",
		NULL } },
};

static char	 auth_conf[PATH_MAX + 32], auth_users[PATH_MAX + 32];

/* msg with CONF and USERS replaced by the paths of this run. */
static void
expand(const char *msg, char *out, size_t len)
{
	size_t	 n = 0;

	for (; *msg != '\0' && n + 1 < len; msg++) {
		const char *with = NULL;

		if (strncmp(msg, "CONF", 4) == 0)
			with = auth_conf, msg += 3;
		else if (strncmp(msg, "USERS", 5) == 0)
			with = auth_users, msg += 4;
		if (with != NULL)
			n += (size_t)snprintf(out + n, len - n, "%s", with);
		else
			out[n++] = *msg;
		if (n >= len)
			n = len - 1;
	}
	out[n] = '\0';
}

/* The configuration naming auth_file, on line 2, and the users file. */
static void
write_auth(const char *auth_file, const char *users, int mode)
{
	char	 value[PATH_MAX + 32], head[PATH_MAX + 64];

	snprintf(auth_conf, sizeof(auth_conf), "%s/auth.conf", tmpdir);
	snprintf(auth_users, sizeof(auth_users), "%s/users", tmpdir);
	expand(auth_file, value, sizeof(value));
	snprintf(head, sizeof(head), "[http]\nauth_file = %s\n\n", value);
	write_file(auth_conf, head, 0, "[queue telefoon/algemeen]\n");
	unlink(auth_users);
	if (users != NULL) {
		write_file(auth_users, users, 0, "");
		assert_int_equal(chmod(auth_users, mode != 0 ? (mode_t)mode :
		    0640), 0);
	}
}

static int
remove_auth(void **state)
{
	unlink(auth_conf);
	unlink(auth_users);
	return remove_tmpdir(state);
}

static void
bad_users_report(void **state)
{
	const struct bad_users *b = *state;
	struct errors	 e = { NULL, 0 };
	struct config	*c;
	char		 want[PATH_MAX * 2];
	size_t		 i, nwant;
	int		 ok;

	write_auth(b->auth_file, b->users, b->mode);
	for (nwant = 0; b->want[nwant] != NULL; nwant++)
		;
	c = config_load(auth_conf, collect, &e);
	ok = c == NULL && e.n == nwant;
	for (i = 0; ok && i < nwant; i++) {
		expand(b->want[i], want, sizeof(want));
		ok = strcmp(e.msg[i], want) == 0;
	}
	if (!ok) {
		print_error("config_load(%s) %s; reported:\n", auth_conf,
		    c != NULL ? "succeeded" : "failed");
		for (i = 0; i < e.n; i++)
			print_error("  %s\n", e.msg[i]);
		print_error("expected:\n");
		for (i = 0; i < nwant; i++) {
			expand(b->want[i], want, sizeof(want));
			print_error("  %s\n", want);
		}
	}
	config_free(c);
	errors_free(&e);
	assert_true(ok);
}

/* Comments, blank lines, blanks around and CRLF endings; each kind of
 * hash that is good enough. */
static void
good_users_file(void **state)
{
	struct errors	 e = { NULL, 0 };
	struct config	*c;

	(void)state;
	write_auth("USERS", "# wie het dashboard ziet\n"
	    "\n"
	    "  beheer:" HASH_Y "  \n"
	    "teamleider:" HASH_6 "\r\n"
	    "\t# een oude collega\n"
	    "kcc-lid:" HASH_2B "\n"
	    "ö.de.vries@gemeente.example:" HASH_5, 0);
	c = config_load(auth_conf, collect, &e);
	if (e.n > 0)
		fail_msg("%s", e.msg[0]);
	assert_non_null(c);
	assert_string_equal(c->auth_file, auth_users);
	assert_int_equal(c->nusers, 4);
	assert_string_equal(c->users[0].name, "beheer");
	assert_string_equal(config_user_hash(c, "beheer"), HASH_Y);
	assert_string_equal(config_user_hash(c, "teamleider"), HASH_6);
	assert_string_equal(config_user_hash(c, "kcc-lid"), HASH_2B);
	assert_string_equal(config_user_hash(c,
	    "ö.de.vries@gemeente.example"), HASH_5);
	assert_null(config_user_hash(c, "Beheer"));
	assert_null(config_user_hash(c, ""));
	/* Any user's, for the cost of checking a stranger: the first. */
	assert_string_equal(config_user_hash(c, NULL), HASH_Y);
	config_free(c);
	errors_free(&e);
}

/* Without the key nobody is asked, and no file is read. */
static void
no_auth_file_no_users(void **state)
{
	struct config	*c = load_good("minimal.conf");

	(void)state;
	assert_null(c->auth_file);
	assert_int_equal(c->nusers, 0);
	assert_null(config_user_hash(c, "beheer"));
	assert_null(config_user_hash(c, NULL));
	config_free(c);
}

/* The fixtures are found from the top directory or next to the binary. */
static void
find_conf_dir(const char *argv0)
{
	char		 probe[PATH_MAX + 32];
	const char	*slash;

	snprintf(probe, sizeof(probe), "%s/good.conf", conf_dir);
	if (access(probe, R_OK) == 0 || (slash = strrchr(argv0, '/')) == NULL)
		return;
	/* build/tests/test_config -> build/tests/../../tests/unit/conf */
	snprintf(conf_dir, sizeof(conf_dir), "%.*s/../../%s",
	    (int)(slash - argv0), argv0, CONF_DIR);
}

int
main(int argc, char **argv)
{
	static char	 names[NELEM(bad_files) + NELEM(bad_users)][128];
	struct CMUnitTest tests[NELEM(bad_files) + NELEM(bad_users) + 13];
	size_t		 i, n = 0;

	(void)argc;
	find_conf_dir(argv[0]);
	for (i = 0; i < NELEM(bad_files); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "%s (%s)",
		    bad_files[i].name, bad_files[i].file);
		tests[n] = (struct CMUnitTest){ names[n], bad_file_reports,
		    NULL, NULL, &bad_files[i] };
	}
	for (i = 0; i < NELEM(bad_users); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "%s (auth_file)",
		    bad_users[i].name);
		tests[n] = (struct CMUnitTest){ names[n], bad_users_report,
		    make_tmpdir, remove_auth, &bad_users[i] };
	}
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(good_file_daemon_mqtt_and_http);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(good_file_opening_hours_in_minutes);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(good_file_norms_of_each_kind);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(good_file_queues_resolve_their_references);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(good_file_notify_and_escalation);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(absent_keys_take_their_defaults);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(quality_norms_read_their_targets);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(queue_norm_by_kind);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(mqtt_changed_only_for_broker_settings);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
	    line_of_4096_characters_is_read, make_tmpdir, remove_tmpdir);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
	    line_longer_than_4096_characters_is_an_error, make_tmpdir,
	    remove_tmpdir);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
	    good_users_file, make_tmpdir, remove_auth);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(no_auth_file_no_users);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

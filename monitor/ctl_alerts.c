/*
 * ctl_alerts.c: wachtctl alerts, ack and silence add|list|delete. What
 * the user typed is checked here as wachtd will check it, so a mistake
 * asks nothing; answers become aligned Dutch lines, or stay raw JSON.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "parse.h"
#include "report_fmt.h"
#include "wachtctl.h"
#include "wachtd.h"

/* Output on stdout that did not arrive is a failure a script must see. */
static int
out_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ctl_complain("kan de standaarduitvoer niet schrijven: %s",
		    strerror(errno));
		return CTL_FAIL;
	}
	return CTL_OK;
}

/* A string member of o, or "?" where wachtd left it out. */
static const char *
str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

/* The width of s on a terminal: UTF-8 continuation bytes take none. */
static int
text_width(const char *s)
{
	int	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* s padded to width, and the gap before the next column. */
static void
column(const char *s, int width)
{
	printf("%s%*s  ", s, width - text_width(s), "");
}

static void
widen(int *width, const char *s)
{
	if (text_width(s) > *width)
		*width = text_width(s);
}

/*
 * A time from wachtd (ISO 8601 with its offset) in the user's local
 * time: "14:05" when today and short, else "28-11 14:05", or with
 * the year ("2026-11-28 14:05") when full. "?" when unreadable.
 */
static char *
local_time(const char *iso, int full, time_t now, char *buf, size_t len)
{
	struct tm	 tm, today;
	long long	 epoch;
	time_t		 t;
	size_t		 n;

	if (iso == NULL || report_fmt_time(iso, &epoch) == -1) {
		snprintf(buf, len, "?");
		return buf;
	}
	t = (time_t)epoch;
	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (full)
		n = strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
	else if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		n = strftime(buf, len, "%H:%M", &tm);
	else
		n = strftime(buf, len, "%d-%m %H:%M", &tm);
	if (n == 0)
		snprintf(buf, len, "?");
	return buf;
}

/*
 * --starts and --ends: ISO 8601 with an offset as it is, or a time as
 * the user's clock shows it, "2026-11-29 15:00" or "15:00" (today),
 * written out in iso in ISO 8601 with the local offset. NULL for
 * anything else.
 */
static const char *
parse_when(const char *s, time_t now, char *iso, size_t len)
{
	struct tm	 tm;
	long long	 epoch;
	const char	*clock = s, *why;
	char		 date[11];
	long		 off;
	int		 ymd = 0, min;

	if (report_fmt_time(s, &epoch) == 0)
		return s;
	if (strlen(s) == 16 && (s[10] == ' ' || s[10] == 'T')) {
		memcpy(date, s, 10);
		date[10] = '\0';
		if (parse_date(date, &ymd, &why) == -1)
			return NULL;
		clock = s + 11;
	}
	if (parse_clock(clock, 0, &min, &why) == -1)
		return NULL;
	localtime_r(&now, &tm);
	if (ymd != 0) {
		tm.tm_year = ymd / 10000 - 1900;
		tm.tm_mon = ymd / 100 % 100 - 1;
		tm.tm_mday = ymd % 100;
	}
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;	/* the offset of that day, not of today */
	if (mktime(&tm) == (time_t)-1)
		return NULL;
	off = tm.tm_gmtoff / 60;
	snprintf(iso, len, "%04d-%02d-%02dT%02d:%02d:00%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return iso;
}

/* Who acts when --by is not given: the login name, as a shell has it. */
static const char *
login_name(void)
{
	const char	*v;

	if ((v = ctl_env("LOGNAME")) == NULL)
		v = ctl_env("USER");
	return v;
}

/* Text someone typed, checked as wachtd will, so a mistake asks nothing. */
static int
check_text(const struct cmd_entry *cmd, const char *opt, const char *s,
    size_t max)
{
	const char	*why;

	if (parse_text(s, max, &why) == 0)
		return 0;
	ctl_complain("%s: %s moet één regel tekst zijn van 1 tot %zu bytes",
	    cmd->name, opt, max);
	return -1;
}

static int
check_duration(const struct cmd_entry *cmd, const char *opt, const char *s)
{
	const char	*why;
	double		 secs;

	if (parse_duration(s, &secs, &why) == 0 && secs > 0)
		return 0;
	ctl_complain("%s: %s %s is geen duur; schrijf bijvoorbeeld 30m, 2h of "
	    "1h30m", cmd->name, opt, s);
	return -1;
}

/*
 * CHANNEL/NAME/NORM as wachtd names its alerts. It becomes part of the
 * URL, so nothing else may pass.
 */
static int
valid_alert_id(const char *s)
{
	const char	*norm = strrchr(s, '/'), *why;
	char		 queue[160];
	size_t		 i;

	if (norm == NULL || (size_t)(norm - s) >= sizeof(queue))
		return 0;
	memcpy(queue, s, norm - s);
	queue[norm - s] = '\0';
	if (parse_queue_id(queue, &why) == -1)
		return 0;
	for (i = 1; norm[i] != '\0'; i++)
		if (!islower((unsigned char)norm[i]) &&
		    !isdigit((unsigned char)norm[i]) && norm[i] != '_' &&
		    norm[i] != '-')
			return 0;
	return i > 1 && i <= 65;
}

/* s1, s2, ...: a silence's id, also part of a URL. */
static int
valid_silence_id(const char *s)
{
	size_t	 n = strlen(s);

	return s[0] == 's' && n >= 2 && n <= 20 &&
	    strspn(s + 1, "0123456789") == n - 1;
}

/* The one operand of ack and silence delete, wherever it stands. */
static int
take_operand(const struct cmd_entry *cmd, const char **slot, const char *arg)
{
	if (*slot != NULL) {
		ctl_complain("%s: onverwacht argument '%s'", cmd->name, arg);
		return -1;
	}
	*slot = arg;
	return 0;
}

/* The options of alerts and silence list: --json, and nothing else. */
static int
json_flag(const struct cmd_entry *cmd, int argc, char **argv, int *json)
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	char		 where[64];
	int		 ch;

	*json = 0;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		if (ch != OPT_JSON) {
			snprintf(where, sizeof(where), "%s: ", cmd->name);
			ctl_bad_option(where, ch, argv, longopts);
			return ctl_cmd_usage(cmd);
		}
		*json = 1;
	}
	if (optind < argc) {
		ctl_complain("%s: onverwacht argument '%s'", cmd->name,
		    argv[optind]);
		return ctl_cmd_usage(cmd);
	}
	return CTL_OK;
}

/* --json: the daemon's answer as it came, for scripts (and jq). */
static int
print_raw(struct ctl *c, const char *path)
{
	struct buf	 b;
	long		 status = 0;
	int		 ret;

	if ((ret = ctl_request(c, "GET", path, NULL, &b, &status)) != CTL_OK)
		return ret;
	if (status < 200 || status > 299)
		ret = ctl_answer_failed(&b, status);
	else if (b.len == 0) {
		ctl_complain("wachtd stuurde een leeg antwoord");
		ret = CTL_FAIL;
	} else if (ctl_write_out(NULL, b.data, b.len) == -1 ||
	    (b.data[b.len - 1] != '\n' && ctl_write_out(NULL, "\n", 1) == -1))
		ret = CTL_FAIL;
	free(b.data);
	return ret;
}

/* The array under key in a list answer, or NULL after saying so. */
static json_t *
answer_list(json_t *answer, const char *key)
{
	json_t	*list = json_object_get(answer, key);

	if (!json_is_array(list)) {
		ctl_complain("het antwoord van wachtd heeft geen lijst '%s'",
		    key);
		return NULL;
	}
	return list;
}

static const char *
state_nl(const char *state)
{
	if (strcmp(state, "critical") == 0)
		return "kritiek";
	if (strcmp(state, "warning") == 0)
		return "waarschuwing";
	if (strcmp(state, "stale") == 0)
		return "verouderd";
	if (strcmp(state, "closed") == 0)
		return "gesloten";
	if (strcmp(state, "unknown") == 0)
		return "onbekend";
	return state;
}

/* A number of seconds from o as "2 min 05 s", or "-" when null. */
static const char *
span_of(const json_t *o, const char *key, char *buf, size_t len)
{
	const json_t	*v = json_object_get(o, key);

	if (!json_is_number(v))
		return "-";
	return report_fmt_span(json_number_value(v), 1, 0, buf, len);
}

/* "72% (norm 80%)", or "-" for a queue without a service level. */
static const char *
sl_of(const json_t *q, char *buf, size_t len)
{
	const json_t	*sl = json_object_get(q, "sl"), *v, *t;

	v = json_object_get(sl, "value");
	t = json_object_get(sl, "target");
	if (!json_is_number(v) || !json_is_number(t))
		return "-";
	snprintf(buf, len, "%.0f%% (norm %.0f%%)", json_number_value(v),
	    json_number_value(t));
	return buf;
}

#define STATUS_COLUMNS	6
#define CELL		64

/* One queue as the cells of its row in `wachtctl status`. */
static void
status_row(const json_t *q, char cells[STATUS_COLUMNS][CELL])
{
	const json_t	*w = json_object_get(q, "waiting");
	char		 buf[CELL];

	snprintf(cells[0], CELL, "%s", str(q, "id"));
	snprintf(cells[1], CELL, "%s", state_nl(str(q, "state")));
	if (json_is_number(w))
		snprintf(cells[2], CELL, "%.0f", json_number_value(w));
	else
		snprintf(cells[2], CELL, "-");
	snprintf(cells[3], CELL, "%s", span_of(q, "longest_wait", buf,
	    sizeof(buf)));
	snprintf(cells[4], CELL, "%s", span_of(q, "ewt", buf, sizeof(buf)));
	snprintf(cells[5], CELL, "%s", sl_of(q, buf, sizeof(buf)));
}

/* The daemon in a line, its queues as a table, and its alerts counted. */
static int
print_status(const json_t *st, const json_t *queues, const json_t *alerts)
{
	static const char *const heads[STATUS_COLUMNS] = { "WACHTRIJ",
	    "STAAT", "WACHTEND", "LANGSTE", "VERWACHT", "SERVICELEVEL" };
	char		(*cells)[STATUS_COLUMNS][CELL], up[CELL];
	int		 width[STATUS_COLUMNS] = { 0 }, k, crit = 0, warn = 0;
	size_t		 i, n = json_array_size(queues);
	const json_t	*a, *up_s = json_object_get(st, "uptime");

	printf("wachtd %s: %zu wachtrijen, broker %s, draait %s\n",
	    str(st, "version"), n, json_is_true(json_object_get(st,
	    "broker")) ? "verbonden" : "NIET verbonden",
	    json_is_number(up_s) ? report_fmt_span(json_number_value(up_s),
	    1, 0, up, sizeof(up)) : "?");
	cells = xcalloc(n + 1, sizeof(*cells));
	for (k = 0; k < STATUS_COLUMNS; k++)
		widen(&width[k], heads[k]);
	for (i = 0; i < n; i++) {
		status_row(json_array_get(queues, i), cells[i]);
		for (k = 0; k < STATUS_COLUMNS; k++)
			widen(&width[k], cells[i][k]);
	}
	/* The last column unpadded: no blanks at the ends of lines. */
	for (k = 0; k < STATUS_COLUMNS - 1; k++)
		column(heads[k], width[k]);
	puts(heads[k]);
	for (i = 0; i < n; i++) {
		for (k = 0; k < STATUS_COLUMNS - 1; k++)
			column(cells[i][k], width[k]);
		puts(cells[i][k]);
	}
	free(cells);
	json_array_foreach(alerts, i, a) {
		crit += strcmp(str(a, "state"), "critical") == 0;
		warn += strcmp(str(a, "state"), "warning") == 0;
	}
	n = json_array_size(alerts);
	if (n == 0)
		printf("Geen actieve meldingen.\n");
	else
		printf("%zu actieve %s: %d kritiek, %d waarschuwing, %zu "
		    "verouderd (wachtctl alerts)\n", n, n == 1 ? "melding" :
		    "meldingen", crit, warn, n - (size_t)(crit + warn));
	return out_flush();
}

int
ctl_cmd_status(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd = ctl_cmd_find("status");
	json_t		*st = NULL, *qs = NULL, *as = NULL, *all;
	char		*text;
	int		 json, ret;

	if ((ret = json_flag(cmd, argc, argv, &json)) != CTL_OK)
		return ret;
	if ((ret = ctl_json(c, "GET", "/api/v1/status", NULL, NULL,
	    &st)) != CTL_OK ||
	    (ret = ctl_json(c, "GET", "/api/v1/queues", NULL, NULL,
	    &qs)) != CTL_OK ||
	    (ret = ctl_json(c, "GET", "/api/v1/alerts", NULL, NULL,
	    &as)) != CTL_OK)
		goto out;
	ret = CTL_FAIL;
	if (answer_list(qs, "queues") == NULL ||
	    answer_list(as, "alerts") == NULL)
		goto out;
	if (json) {
		/* The three answers in one object, for jq. */
		all = json_pack("{s:O, s:O, s:O}", "status", st, "queues",
		    json_object_get(qs, "queues"), "alerts",
		    json_object_get(as, "alerts"));
		text = json_dumps(all, JSON_INDENT(2));
		json_decref(all);
		if (text != NULL && ctl_write_out(NULL, text,
		    strlen(text)) == 0 && ctl_write_out(NULL, "\n", 1) == 0)
			ret = CTL_OK;
		free(text);
	} else
		ret = print_status(st, json_object_get(qs, "queues"),
		    json_object_get(as, "alerts"));
out:
	json_decref(st);
	json_decref(qs);
	json_decref(as);
	return ret;
}

int
ctl_cmd_alerts(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd = ctl_cmd_find("alerts");
	const json_t	*a;
	json_t		*answer, *list;
	time_t		 now = time(NULL);
	size_t		 i;
	char		 since[40], *col;
	int		 json, ret, wstate = 0, wid = 0, wsince = 0;

	if ((ret = json_flag(cmd, argc, argv, &json)) != CTL_OK)
		return ret;
	if (json)
		return print_raw(c, "/api/v1/alerts");
	if ((ret = ctl_json(c, "GET", "/api/v1/alerts", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	if ((list = answer_list(answer, "alerts")) == NULL) {
		json_decref(answer);
		return CTL_FAIL;
	}
	if (json_array_size(list) == 0)
		printf("Geen actieve meldingen.\n");

	/* Columns as wide as their widest, for eyes that scan down. */
	json_array_foreach(list, i, a) {
		widen(&wstate, state_nl(str(a, "state")));
		widen(&wid, str(a, "id"));
		local_time(json_string_value(json_object_get(a, "since")), 0,
		    now, since, sizeof(since));
		widen(&wsince, since);
	}
	json_array_foreach(list, i, a) {
		column(state_nl(str(a, "state")), wstate);
		column(str(a, "id"), wid);
		local_time(json_string_value(json_object_get(a, "since")), 0,
		    now, since, sizeof(since));
		xasprintf(&col, "sinds %s", since);
		column(col, wsince + 6);
		free(col);
		fputs(str(a, "reason"), stdout);
		if (json_is_true(json_object_get(a, "acked")))
			printf("  [erkend door %s]",
			    str(json_object_get(a, "ack"), "by"));
		if (json_is_true(json_object_get(a, "silenced")))
			printf("  [stil: %s]", str(a, "silence"));
		putchar('\n');
	}
	json_decref(answer);
	return out_flush();
}

int
ctl_cmd_ack(struct ctl *c, int argc, char **argv)
{
	enum { OPT_BY = 256, OPT_COMMENT, OPT_EXPIRES };
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "comment", required_argument, NULL, OPT_COMMENT },
		{ "expires", required_argument, NULL, OPT_EXPIRES },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = ctl_cmd_find("ack");
	const char	*id = NULL, *by = NULL, *comment = NULL;
	const char	*expires = NULL, *until;
	const json_t	*ack;
	json_t		*body, *answer;
	char		*path, *notfound, when[40];
	int		 ch, ret;

	optind = 0;
	opterr = 0;
	/* '-': the alert may stand before the options or after them. */
	while ((ch = getopt_long(argc, argv, "-:", longopts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (take_operand(cmd, &id, optarg) == -1)
				return ctl_cmd_usage(cmd);
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_COMMENT:
			comment = optarg;
			break;
		case OPT_EXPIRES:
			expires = optarg;
			break;
		default:
			ctl_bad_option("ack: ", ch, argv, longopts);
			return ctl_cmd_usage(cmd);
		}
	}
	for (; optind < argc; optind++)		/* after "--" */
		if (take_operand(cmd, &id, argv[optind]) == -1)
			return ctl_cmd_usage(cmd);
	if (id == NULL) {
		ctl_complain("ack: welke melding? Bijvoorbeeld "
		    "telefoon/algemeen/telefoon");
		return ctl_cmd_usage(cmd);
	}
	if (!valid_alert_id(id)) {
		ctl_complain("ack: ongeldige melding '%s'; schrijf "
		    "KANAAL/NAAM/NORM, bijvoorbeeld telefoon/algemeen/telefoon",
		    id);
		return ctl_cmd_usage(cmd);
	}
	if (by == NULL && (by = login_name()) == NULL) {
		ctl_complain("ack: --by ontbreekt, en $LOGNAME en $USER zijn "
		    "leeg");
		return ctl_cmd_usage(cmd);
	}
	if (check_text(cmd, "--by", by, ALERT_TEXT) == -1 ||
	    (comment != NULL && comment[0] != '\0' &&
	    check_text(cmd, "--comment", comment, ALERT_TEXT) == -1) ||
	    (expires != NULL && check_duration(cmd, "--expires",
	    expires) == -1))
		return ctl_cmd_usage(cmd);

	body = json_object();
	json_object_set_new(body, "by", json_string(by));
	if (comment != NULL)
		json_object_set_new(body, "comment", json_string(comment));
	if (expires != NULL)
		json_object_set_new(body, "expires", json_string(expires));
	xasprintf(&path, "/api/v1/alerts/%s/ack", id);
	xasprintf(&notfound, "onbekende melding %s", id);
	ret = ctl_json(c, "POST", path, body, notfound, &answer);
	free(notfound);
	free(path);
	json_decref(body);
	if (ret != CTL_OK)
		return ret;

	ack = json_object_get(answer, "ack");
	printf("%s erkend door %s", id, str(ack, "by"));
	if ((until = json_string_value(json_object_get(ack,
	    "expires"))) != NULL)
		printf(" tot %s", local_time(until, 0, time(NULL), when,
		    sizeof(when)));
	printf(".\n");
	json_decref(answer);
	return out_flush();
}

int
ctl_cmd_silence_add(struct ctl *c, int argc, char **argv)
{
	enum { OPT_QUEUE = 256, OPT_NORM, OPT_DURATION, OPT_ENDS,
	    OPT_STARTS, OPT_BY, OPT_REASON };
	static const struct option longopts[] = {
		{ "queue", required_argument, NULL, OPT_QUEUE },
		{ "norm", required_argument, NULL, OPT_NORM },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "ends", required_argument, NULL, OPT_ENDS },
		{ "starts", required_argument, NULL, OPT_STARTS },
		{ "by", required_argument, NULL, OPT_BY },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = ctl_cmd_find("silence add");
	const char	*queue = NULL, *norm = NULL, *duration = NULL;
	const char	*ends = NULL, *starts = NULL, *by = NULL;
	const char	*reason = NULL, *from_iso = NULL, *to_iso = NULL;
	json_t		*body, *answer;
	time_t		 now = time(NULL);
	long long	 from, made;
	char		 ends_iso[80], starts_iso[80], when[40];
	int		 ch, ret;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_QUEUE:
			queue = optarg;
			break;
		case OPT_NORM:
			norm = optarg;
			break;
		case OPT_DURATION:
			duration = optarg;
			break;
		case OPT_ENDS:
			ends = optarg;
			break;
		case OPT_STARTS:
			starts = optarg;
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_REASON:
			reason = optarg;
			break;
		default:
			ctl_bad_option("silence add: ", ch, argv, longopts);
			return ctl_cmd_usage(cmd);
		}
	}
	if (optind < argc) {
		ctl_complain("silence add: onverwacht argument '%s'",
		    argv[optind]);
		return ctl_cmd_usage(cmd);
	}
	if (queue == NULL) {
		ctl_complain("silence add: --queue ontbreekt; bijvoorbeeld "
		    "--queue 'telefoon/*', of --queue '*' voor alle");
		return ctl_cmd_usage(cmd);
	}
	if (reason == NULL) {
		ctl_complain("silence add: --reason ontbreekt: waarom is het "
		    "stil?");
		return ctl_cmd_usage(cmd);
	}
	if ((duration == NULL) == (ends == NULL)) {
		ctl_complain("silence add: geef --duration of --ends%s",
		    duration != NULL ? ", niet allebei" : "");
		return ctl_cmd_usage(cmd);
	}
	if (by == NULL && (by = login_name()) == NULL) {
		ctl_complain("silence add: --by ontbreekt, en $LOGNAME en "
		    "$USER zijn leeg");
		return ctl_cmd_usage(cmd);
	}
	if (check_text(cmd, "--queue", queue, SILENCE_TEXT) == -1 ||
	    (norm != NULL && check_text(cmd, "--norm", norm,
	    SILENCE_TEXT) == -1) ||
	    check_text(cmd, "--by", by, SILENCE_TEXT) == -1 ||
	    check_text(cmd, "--reason", reason, SILENCE_TEXT) == -1 ||
	    (duration != NULL && check_duration(cmd, "--duration",
	    duration) == -1))
		return ctl_cmd_usage(cmd);
	if (starts != NULL && (from_iso = parse_when(starts, now, starts_iso,
	    sizeof(starts_iso))) == NULL) {
		ctl_complain("silence add: --starts %s is geen tijd; schrijf "
		    "15:00, 2026-11-29 15:00 of ISO 8601 met zone", starts);
		return ctl_cmd_usage(cmd);
	}
	if (ends != NULL && (to_iso = parse_when(ends, now, ends_iso,
	    sizeof(ends_iso))) == NULL) {
		ctl_complain("silence add: --ends %s is geen tijd; schrijf "
		    "15:00, 2026-11-29 15:00 of ISO 8601 met zone", ends);
		return ctl_cmd_usage(cmd);
	}

	body = json_object();
	json_object_set_new(body, "queue", json_string(queue));
	if (norm != NULL)
		json_object_set_new(body, "norm", json_string(norm));
	if (from_iso != NULL)
		json_object_set_new(body, "starts", json_string(from_iso));
	if (to_iso != NULL)
		json_object_set_new(body, "ends", json_string(to_iso));
	else
		json_object_set_new(body, "duration", json_string(duration));
	json_object_set_new(body, "by", json_string(by));
	json_object_set_new(body, "reason", json_string(reason));
	ret = ctl_json(c, "POST", "/api/v1/silences", body, NULL, &answer);
	json_decref(body);
	if (ret != CTL_OK)
		return ret;

	printf("Stilte %s", str(answer, "id"));
	/* One that starts later says when; one that starts now need not. */
	if (report_fmt_time(str(answer, "starts"), &from) == 0 &&
	    report_fmt_time(str(answer, "created"), &made) == 0 &&
	    from > made)
		printf(" van %s", local_time(str(answer, "starts"), 1, now,
		    when, sizeof(when)));
	printf(" tot %s", local_time(str(answer, "ends"), 1, now, when,
	    sizeof(when)));
	printf(" voor %s (norm %s).\n", str(answer, "queue"),
	    str(answer, "norm"));
	json_decref(answer);
	return out_flush();
}

int
ctl_cmd_silence_list(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd = ctl_cmd_find("silence list");
	const json_t	*s;
	json_t		*answer, *list;
	time_t		 now = time(NULL);
	size_t		 i;
	char		 when[40], *col;
	int		 json, ret, wid = 0, wqueue = 0, wnorm = 0, wby = 0;

	if ((ret = json_flag(cmd, argc, argv, &json)) != CTL_OK)
		return ret;
	if (json)
		return print_raw(c, "/api/v1/silences");
	if ((ret = ctl_json(c, "GET", "/api/v1/silences", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	if ((list = answer_list(answer, "silences")) == NULL) {
		json_decref(answer);
		return CTL_FAIL;
	}
	if (json_array_size(list) == 0)
		printf("Geen stiltes.\n");
	json_array_foreach(list, i, s) {
		widen(&wid, str(s, "id"));
		widen(&wqueue, str(s, "queue"));
		widen(&wnorm, str(s, "norm"));
		widen(&wby, str(s, "by"));
	}
	json_array_foreach(list, i, s) {
		column(str(s, "id"), wid);
		column(str(s, "queue"), wqueue);
		column(str(s, "norm"), wnorm);
		/* Both times in full: a silence may last for days. */
		xasprintf(&col, "van %s", local_time(str(s, "starts"), 1, now,
		    when, sizeof(when)));
		column(col, 20);
		free(col);
		xasprintf(&col, "tot %s", local_time(str(s, "ends"), 1, now,
		    when, sizeof(when)));
		column(col, 20);
		free(col);
		column(str(s, "by"), wby);
		printf("%s\n", str(s, "reason"));
	}
	json_decref(answer);
	return out_flush();
}

int
ctl_cmd_silence_delete(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = ctl_cmd_find("silence delete");
	const char	*id = NULL;
	json_t		*answer;
	char		*path, *notfound;
	int		 ch, ret;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "-:", longopts, NULL)) != -1) {
		if (ch != 1) {
			ctl_bad_option("silence delete: ", ch, argv, longopts);
			return ctl_cmd_usage(cmd);
		}
		if (take_operand(cmd, &id, optarg) == -1)
			return ctl_cmd_usage(cmd);
	}
	for (; optind < argc; optind++)		/* after "--" */
		if (take_operand(cmd, &id, argv[optind]) == -1)
			return ctl_cmd_usage(cmd);
	if (id == NULL) {
		ctl_complain("silence delete: welke stilte? Bijvoorbeeld s3 "
		    "(silence list toont ze)");
		return ctl_cmd_usage(cmd);
	}
	if (!valid_silence_id(id)) {
		ctl_complain("silence delete: ongeldige stilte '%s'; schrijf "
		    "s1, s2, ...", id);
		return ctl_cmd_usage(cmd);
	}
	xasprintf(&path, "/api/v1/silences/%s", id);
	xasprintf(&notfound, "onbekende stilte %s", id);
	ret = ctl_json(c, "DELETE", path, NULL, notfound, &answer);
	free(notfound);
	free(path);
	if (ret != CTL_OK)
		return ret;
	json_decref(answer);
	printf("Stilte %s verwijderd.\n", id);
	return out_flush();
}

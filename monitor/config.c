/*
 * config.c: wachtd.conf (DESIGN §5) in two passes. Pass one reads the INI
 * syntax with inih and parses each value by its key's type, reporting
 * every error with FILE:LINE. Pass two checks meaning: references resolve,
 * norms are complete, topics do not collide. Nothing here opens a socket
 * or writes a file, so `wachtd -n` is safe on a live system.
 */
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <crypt.h>
#include <ini.h>

#include "parse.h"
#include "wachtd.h"

#define LINE_MAX_LEN	4096
#define USERS_LINE_MAX	1024	/* characters of a line of auth_file */
#define USER_NAME_MAX	64

/* The kinds of section. */
enum section {
	SEC_NONE,		/* before the first header, or after a bad one */
	SEC_DAEMON,
	SEC_MQTT,
	SEC_HTTP,
	SEC_HOURS,
	SEC_NORM,
	SEC_QUEUE,
	SEC_NOTIFY
};

/* How a key's value is parsed, and where it goes. */
enum vtype {
	V_STRING,
	V_PATH,			/* absolute file system path */
	V_DURATION,
	V_SECONDS,		/* a duration stored as whole seconds */
	V_PERCENT,
	V_BOOL,
	V_PORT,
	V_QOS,
	V_LISTEN,
	V_WORKTIME,		/* "2workdays" or a duration */
	V_WEEKDAY,		/* opening ranges of one weekday */
	V_HOLIDAYS,
	V_DATES,
	V_REF,			/* one section name */
	V_REFS,			/* space-separated section names */
	V_ABANDON,
	V_LANGUAGE,
	V_TIMEZONE,
	V_RRDCACHED,		/* unix:/path or host:port */
	V_PREFIX,		/* MQTT topic prefix */
	V_URL,
	V_EMAILS,
	V_COUNT,		/* a whole number from 1 */
	V_RATING,		/* rating_target: a score, or a % positive */
	V_SCORE			/* positive_from: a score */
};

struct keydef {
	const char	*name;
	enum vtype	 type;
	size_t		 off;		/* into the section's struct */
	double		 min, max;	/* V_SECONDS: allowed range */
};

#define K(s, f, t)	{ #f, t, offsetof(struct s, f), 0, 0 }
#define KR(s, f, t, lo, hi) { #f, t, offsetof(struct s, f), lo, hi }

static const struct keydef daemon_keys[] = {
	K(config, state_dir, V_PATH),
	KR(config, step, V_DURATION, 1, 3600),
	K(config, timezone, V_TIMEZONE),
	K(config, rrdcached, V_RRDCACHED),
	K(config, language, V_LANGUAGE),
	{ NULL, 0, 0, 0, 0 }
};

static const struct keydef mqtt_keys[] = {
	K(mqtt_conf, host, V_STRING),
	K(mqtt_conf, port, V_PORT),
	K(mqtt_conf, prefix, V_PREFIX),
	KR(mqtt_conf, client_id, V_STRING, 1, 64),
	K(mqtt_conf, username, V_STRING),
	K(mqtt_conf, password_file, V_PATH),
	K(mqtt_conf, tls_ca, V_PATH),
	K(mqtt_conf, tls_cert, V_PATH),
	K(mqtt_conf, tls_key, V_PATH),
	K(mqtt_conf, qos, V_QOS),
	KR(mqtt_conf, keepalive, V_SECONDS, 5, 3600),
	{ NULL, 0, 0, 0, 0 }
};

static const struct keydef http_keys[] = {
	K(config, listen, V_LISTEN),
	K(config, public_listen, V_LISTEN),
	K(config, url, V_URL),
	K(config, auth_file, V_PATH),
	K(config, public_experience, V_BOOL),
	{ NULL, 0, 0, 0, 0 }
};

/* Weekday keys carry their tm_wday in off, so open[] needs no mapping. */
static const struct keydef hours_keys[] = {
	{ "sun", V_WEEKDAY, 0, 0, 0 }, { "mon", V_WEEKDAY, 1, 0, 0 },
	{ "tue", V_WEEKDAY, 2, 0, 0 }, { "wed", V_WEEKDAY, 3, 0, 0 },
	{ "thu", V_WEEKDAY, 4, 0, 0 }, { "fri", V_WEEKDAY, 5, 0, 0 },
	{ "sat", V_WEEKDAY, 6, 0, 0 },
	K(hours_conf, holidays, V_HOLIDAYS),
	K(hours_conf, closed, V_DATES),
	{ NULL, 0, 0, 0, 0 }
};

static const struct keydef norm_keys[] = {
	K(norm_conf, answer_within, V_DURATION),
	K(norm_conf, target, V_PERCENT),
	K(norm_conf, window, V_DURATION),
	{ "for", V_DURATION, offsetof(struct norm_conf, hold), 0, 0 },
	K(norm_conf, clear_for, V_DURATION),
	K(norm_conf, max_wait, V_DURATION),
	K(norm_conf, respond_within, V_WORKTIME),
	K(norm_conf, warn_at, V_PERCENT),
	K(norm_conf, abandoned, V_ABANDON),
	K(norm_conf, short_abandon, V_DURATION),
	K(norm_conf, direct_target, V_PERCENT),
	K(norm_conf, rating_target, V_RATING),
	K(norm_conf, positive_from, V_SCORE),
	K(norm_conf, min_count, V_COUNT),
	{ NULL, 0, 0, 0, 0 }
};

static const struct keydef queue_keys[] = {
	K(queue_conf, label, V_STRING),
	K(queue_conf, hours, V_REF),
	{ "norm", V_REFS, offsetof(struct queue_conf, norms), 0, 0 },
	K(queue_conf, notify, V_REFS),
	K(queue_conf, public, V_BOOL),
	K(queue_conf, interval, V_DURATION),
	{ NULL, 0, 0, 0, 0 }
};

static const struct keydef notify_keys[] = {
	K(notify_conf, webhook, V_URL),
	K(notify_conf, alertmanager, V_URL),
	K(notify_conf, email, V_EMAILS),
	K(notify_conf, smtp, V_URL),
	K(notify_conf, from, V_EMAILS),
	K(notify_conf, hours, V_REF),
	K(notify_conf, repeat, V_DURATION),
	K(notify_conf, escalate_after, V_DURATION),
	K(notify_conf, escalate_to, V_REF),
	{ NULL, 0, 0, 0, 0 }
};

static const char *holiday_names[HOLIDAY_COUNT] = {
	"nieuwjaarsdag", "goede_vrijdag", "eerste_paasdag", "tweede_paasdag",
	"koningsdag", "bevrijdingsdag", "hemelvaartsdag",
	"eerste_pinksterdag", "tweede_pinksterdag", "eerste_kerstdag",
	"tweede_kerstdag"
};

/* The keys of each kind of section. */
static const struct keydef *section_keys[] = {
	[SEC_DAEMON] = daemon_keys, [SEC_MQTT] = mqtt_keys,
	[SEC_HTTP] = http_keys, [SEC_HOURS] = hours_keys,
	[SEC_NORM] = norm_keys, [SEC_QUEUE] = queue_keys,
	[SEC_NOTIFY] = notify_keys
};

/* The parser's state across inih callbacks. */
struct parser {
	struct config	*conf;
	FILE		*fp;
	int		 line;
	int		 errors;
	int		 seen_daemon, seen_mqtt, seen_http;
	enum section	 sec;
	char		 secname[256];	/* for messages: "norm telefoon" */
	void		*obj;		/* the struct the keys go into */
	uint64_t	 seen;		/* bit per key index: duplicates */
	uint64_t	 seen_topics;	/* bit per metric: topic.X duplicates */
	int		 keyline[SEC_HTTP + 1][16]; /* of singleton sections */
	char		 why[128];	/* room for a formatted reason */
	config_error_cb	 cb;
	void		*cbarg;
};

/* Reports one error in file at line (0: the file as a whole). */
static void PRINTFLIKE(4, 0)
verror(struct parser *p, const char *file, int line, const char *fmt,
    va_list ap)
{
	char	 msg[1024], *full;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		xasprintf(&full, "%s:%d: %s", file, line, msg);
	else
		xasprintf(&full, "%s: %s", file, msg);
	p->cb(full, p->cbarg);
	free(full);
	p->errors++;
}

/* Reports one error at line (0: the file as a whole). */
static void PRINTFLIKE(3, 4)
error_at(struct parser *p, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verror(p, p->conf->path, line, fmt, ap);
	va_end(ap);
}

/* The same in another file: auth_file. */
static void PRINTFLIKE(4, 5)
error_in(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verror(p, file, line, fmt, ap);
	va_end(ap);
}

/* Grows an array of structs by one zeroed element; returns it. */
static void *
push(void *arrayp, size_t *n, size_t size)
{
	void	**array = arrayp;
	char	 *elem;

	*array = xreallocarray(*array, *n + 1, size);
	elem = (char *)*array + *n * size;
	memset(elem, 0, size);
	(*n)++;
	return elem;
}

static void
norm_defaults(struct norm_conf *n)
{
	n->window = -1;		/* by kind, in pass 2 */
	n->hold = 60;
	n->clear_for = 5 * 60;
	n->warn_at = 75;
	n->abandoned = ABANDON_IGNORE;
	n->short_abandon = 0;
	n->positive_from = 4;
	n->positive_scale = 5;
	n->min_count = 20;
}

/* Finds a named section of a kind; NULL when absent. */
static void *
find_named(const struct config *c, enum section sec, const char *name)
{
	size_t	 i;

#define FIND(arr, n) \
	for (i = 0; i < c->n; i++) \
		if (strcmp(c->arr[i].name, name) == 0) \
			return &c->arr[i]
	switch (sec) {
	case SEC_HOURS:
		FIND(hours, nhours);
		break;
	case SEC_NORM:
		FIND(norms, nnorms);
		break;
	case SEC_NOTIFY:
		FIND(notifies, nnotifies);
		break;
	case SEC_QUEUE:
		for (i = 0; i < c->nqueues; i++)
			if (strcmp(c->queues[i].id, name) == 0)
				return &c->queues[i];
		break;
	default:
		break;
	}
#undef FIND
	return NULL;
}

/* The line a named section began on. */
static int
section_line(enum section sec, const void *s)
{
	switch (sec) {
	case SEC_HOURS:
		return ((const struct hours_conf *)s)->line;
	case SEC_NORM:
		return ((const struct norm_conf *)s)->line;
	case SEC_NOTIFY:
		return ((const struct notify_conf *)s)->line;
	default:
		return ((const struct queue_conf *)s)->line;
	}
}

/* Section names: a word of [a-z0-9_-], like the queue id's parts. */
static int
valid_name(const char *s)
{
	size_t	 n = 0;

	for (; s[n] != '\0'; n++)
		if (!islower((unsigned char)s[n]) &&
		    !isdigit((unsigned char)s[n]) && s[n] != '_' && s[n] != '-')
			return 0;
	return n > 0 && n <= 64;
}

/* Starts the section named in header text "norm telefoon". */
static void
begin_section(struct parser *p, char *text)
{
	static const char *kinds[] = {
		[SEC_HOURS] = "hours", [SEC_NORM] = "norm",
		[SEC_QUEUE] = "queue", [SEC_NOTIFY] = "notify"
	};
	struct config	*c = p->conf;
	char		*name;
	const char	*why;
	enum section	 sec;
	void		*prev;
	int		*once = NULL;

	p->sec = SEC_NONE;
	p->obj = NULL;
	p->seen = p->seen_topics = 0;
	snprintf(p->secname, sizeof(p->secname), "%s", text);

	if (strcmp(text, "daemon") == 0) {
		p->sec = SEC_DAEMON, p->obj = c, once = &p->seen_daemon;
	} else if (strcmp(text, "mqtt") == 0) {
		p->sec = SEC_MQTT, p->obj = &c->mqtt, once = &p->seen_mqtt;
	} else if (strcmp(text, "http") == 0) {
		p->sec = SEC_HTTP, p->obj = c, once = &p->seen_http;
	}
	if (once != NULL) {
		if (*once != 0) {
			error_at(p, p->line, "section [%s] repeated (first at "
			    "line %d)", text, *once);
			p->sec = SEC_NONE;
		} else
			*once = p->line;
		return;
	}

	if ((name = strchr(text, ' ')) == NULL) {
		for (sec = SEC_HOURS; sec <= SEC_NOTIFY; sec++)
			if (strcmp(text, kinds[sec]) == 0)
				break;
		if (sec <= SEC_NOTIFY)
			error_at(p, p->line, "[%s] needs a name, like [%s %s]",
			    text, text, sec == SEC_QUEUE ? "telefoon/algemeen" :
			    "kcc");
		else
			error_at(p, p->line, "unknown section [%s]", text);
		return;
	}
	*name++ = '\0';
	name += strspn(name, " ");
	for (sec = SEC_HOURS; sec <= SEC_NOTIFY; sec++)
		if (strcmp(text, kinds[sec]) == 0)
			break;
	if (sec > SEC_NOTIFY) {
		error_at(p, p->line, "unknown section [%s %s]", text, name);
		return;
	}
	if (sec == SEC_QUEUE ? parse_queue_id(name, &why) == -1 :
	    !valid_name(name)) {
		error_at(p, p->line, "bad name in [%s %s]: %s", text, name,
		    sec == SEC_QUEUE ? why : "use lowercase letters, digits, "
		    "'_' and '-'");
		return;
	}
	if (sec == SEC_NORM && strcmp(name, ALERT_FEED) == 0) {
		error_at(p, p->line, "[norm %s]: the name %s is taken by the "
		    "alert for a queue's feed going stale", name, name);
		return;
	}
	if ((prev = find_named(c, sec, name)) != NULL) {
		error_at(p, p->line, "section [%s %s] repeated (first at line "
		    "%d)", text, name, section_line(sec, prev));
		return;
	}

	p->sec = sec;
	switch (sec) {
	case SEC_HOURS: {
		struct hours_conf *h = push(&c->hours, &c->nhours, sizeof(*h));

		h->name = xstrdup(name);
		h->line = p->line;
		p->obj = h;
		break;
	}
	case SEC_NORM: {
		struct norm_conf *n = push(&c->norms, &c->nnorms, sizeof(*n));

		n->name = xstrdup(name);
		n->line = p->line;
		norm_defaults(n);
		p->obj = n;
		break;
	}
	case SEC_NOTIFY: {
		struct notify_conf *n = push(&c->notifies, &c->nnotifies,
		    sizeof(*n));

		n->name = xstrdup(name);
		n->line = p->line;
		n->repeat = 30 * 60;
		p->obj = n;
		break;
	}
	default: {
		struct queue_conf *q = push(&c->queues, &c->nqueues,
		    sizeof(*q));

		q->id = xstrdup(name);
		q->name = strchr(q->id, '/') + 1;
		q->line = p->line;
		q->interval = 60;
		p->obj = q;
		break;
	}
	}
	snprintf(p->secname, sizeof(p->secname), "%s %s", text, name);
}

/*
 * inih's reader: one line at a time, so we always know the line number
 * (this inih is built without INI_HANDLER_LINENO). It also judges the
 * syntax of every line itself, so that all errors are reported, and strips
 * leading blanks so an indented key is not taken as a continuation.
 */
static char *
read_line(char *buf, int size, void *arg)
{
	struct parser	*p = arg;
	char		*s, *end;
	size_t		 len;
	int		 c;

	if (fgets(buf, size, p->fp) == NULL)
		return NULL;
	p->line++;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] != '\n' && !feof(p->fp)) {
		error_at(p, p->line, "line longer than %d characters",
		    size - 2);
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		buf[0] = '\0';
		return buf;
	}
	s = buf + strspn(buf, " \t");
	memmove(buf, s, strlen(s) + 1);
	for (end = buf + strlen(buf); end > buf && isspace((unsigned char)end[-1]);
	    end--)
		;
	*end = '\0';
	if (buf[0] == '\0' || buf[0] == ';' || buf[0] == '#' ||
	    (p->line == 1 && strncmp(buf, "\xef\xbb\xbf", 3) == 0 &&
	    buf[3] == '\0'))
		return buf;
	if (buf[0] == '[') {
		char	*close = strchr(buf, ']'), *rest;

		rest = close != NULL ? close + 1 + strspn(close + 1, " \t") : NULL;
		if (close == NULL || (*rest != '\0' && *rest != ';' &&
		    *rest != '#')) {
			error_at(p, p->line, "malformed section header");
			p->sec = SEC_NONE;
			p->obj = NULL;
			/* Non-empty: its keys are skipped, not "outside". */
			snprintf(p->secname, sizeof(p->secname), "%s", buf);
		} else {
			char	 name[128];

			*close = '\0';
			s = buf + 1 + strspn(buf + 1, " \t");
			for (end = s + strlen(s); end > s && end[-1] == ' ';
			    end--)
				;
			*end = '\0';
			snprintf(name, sizeof(name), "%s", s);
			begin_section(p, name);
		}
		buf[0] = '\0';	/* inih need not see it: keys go to p->obj */
		return buf;
	}
	if (strchr(buf, '=') == NULL) {
		error_at(p, p->line, "expected 'key = value'");
		buf[0] = '\0';
	} else if (p->sec == SEC_NONE) {
		/* After a bad header its keys are skipped: said once. */
		if (p->secname[0] == '\0')
			error_at(p, p->line, "key outside any section");
		buf[0] = '\0';
	}
	return buf;
}

/* Parses a list of opening ranges "08:30-12:30 13:30-17:00" or "closed". */
static int
parse_weekday(struct hours_conf *h, int day, char *v, const char **why)
{
	char	*tok, *save = NULL, *dash;
	int	 n = 0, from, to, prev_end = -1;

	if (strcmp(v, "closed") == 0 || strcmp(v, "-") == 0) {
		h->nopen[day] = 0;
		return 0;
	}
	for (tok = strtok_r(v, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if ((dash = strchr(tok, '-')) == NULL) {
			*why = "expected ranges like 08:30-12:30 13:30-17:00, "
			    "or closed";
			return -1;
		}
		*dash = '\0';
		if (parse_clock(tok, 0, &from, why) == -1 ||
		    parse_clock(dash + 1, 1, &to, why) == -1)
			return -1;
		if (to <= from) {
			*why = "a range must end after it starts";
			return -1;
		}
		if (from < prev_end) {
			*why = "ranges must be in order and must not overlap";
			return -1;
		}
		if (n == HOURS_RANGES_MAX) {
			*why = "too many ranges for one day";
			return -1;
		}
		h->open[day][n][0] = from;
		h->open[day][n][1] = to;
		prev_end = to;
		n++;
	}
	if (n == 0) {
		*why = "expected ranges like 08:30-17:00, or closed";
		return -1;
	}
	h->nopen[day] = n;
	return 0;
}

/* "nl", "none", or "nl -goede_vrijdag -bevrijdingsdag". */
static int
parse_holidays(unsigned *mask, char *v, const char **why)
{
	char	*tok, *save = NULL;
	int	 i, first = 1;

	*mask = 0;
	for (tok = strtok_r(v, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save), first = 0) {
		if (first && strcmp(tok, "none") == 0)
			continue;
		if (first && strcmp(tok, "nl") == 0) {
			*mask = (1u << HOLIDAY_COUNT) - 1;
			continue;
		}
		if (first || tok[0] != '-') {
			*why = "expected nl or none, then -name to leave a "
			    "holiday out";
			return -1;
		}
		for (i = 0; i < HOLIDAY_COUNT; i++)
			if (strcmp(tok + 1, holiday_names[i]) == 0)
				break;
		if (i == HOLIDAY_COUNT) {
			*why = "unknown holiday (nieuwjaarsdag, goede_vrijdag, "
			    "eerste_paasdag, tweede_paasdag, koningsdag, "
			    "bevrijdingsdag, hemelvaartsdag, eerste_pinksterdag,"
			    " tweede_pinksterdag, eerste_kerstdag, "
			    "tweede_kerstdag)";
			return -1;
		}
		*mask &= ~(1u << i);
	}
	if (first) {
		*why = "expected nl or none";
		return -1;
	}
	return 0;
}

/* "2026-12-24 2026-12-27..2026-12-31": single dates and ranges. */
static int
parse_dates(struct hours_conf *h, char *v, const char **why)
{
	char	*tok, *save = NULL, *dots;
	struct date_range r;

	for (tok = strtok_r(v, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if ((dots = strstr(tok, "..")) != NULL)
			*dots = '\0';
		if (parse_date(tok, &r.from, why) == -1 ||
		    parse_date(dots != NULL ? dots + 2 : tok, &r.to, why) == -1)
			return -1;
		if (r.to < r.from) {
			*why = "a date range must end after it starts";
			return -1;
		}
		*(struct date_range *)push(&h->closed, &h->nclosed,
		    sizeof(r)) = r;
	}
	return 0;
}

/* Space-separated section names into an array of refs. */
static int
parse_refs(struct reflist *l, char *v, int line, const char **why)
{
	char		*tok, *save = NULL;
	struct ref	*r;

	for (tok = strtok_r(v, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (!valid_name(tok)) {
			*why = "expected section names";
			return -1;
		}
		r = push(&l->refs, &l->n, sizeof(*r));
		r->name = xstrdup(tok);
		r->line = line;
	}
	if (l->n == 0) {
		*why = "expected a section name";
		return -1;
	}
	return 0;
}

/* Addresses need an '@' and no blanks inside; the MTA judges the rest. */
static int
valid_emails(const char *v)
{
	char	*copy = xstrdup(v), *tok, *save = NULL;
	int	 ok = 1, n = 0;

	for (tok = strtok_r(copy, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save), n++) {
		const char *at = strchr(tok, '@');

		if (at == NULL || at == tok || at[1] == '\0' ||
		    strchr(at + 1, '@') != NULL)
			ok = 0;
	}
	free(copy);
	return ok && n > 0;
}

/* Parses v by kd->type into the field of obj; -1 with *why. */
static int
set_value(struct parser *p, const struct keydef *kd, void *obj, char *v,
    const char **why)
{
	char	*field = (char *)obj + kd->off;
	double	 d;
	long	 l;
	int	 b;

	switch (kd->type) {
	case V_PATH:
		if (v[0] != '/') {
			*why = "expected an absolute path";
			return -1;
		}
		/* FALLTHROUGH */
	case V_STRING:
		if (kd->max > 0 && strlen(v) > kd->max) {
			snprintf(p->why, sizeof(p->why), "longer than %g "
			    "characters", kd->max);
			*why = p->why;
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case V_URL:
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "smtp://", 7) != 0 &&
		    strncmp(v, "smtps://", 8) != 0) {
			*why = "expected a URL (http://, https://, smtp:// or "
			    "smtps://)";
			return -1;
		}
		if (strchr(v, ' ') != NULL || strlen(v) < 10) {
			*why = "malformed URL";
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case V_EMAILS:
		if (!valid_emails(v)) {
			*why = "expected e-mail addresses like "
			    "team@gemeente.example";
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case V_DURATION:
	case V_SECONDS:
		if (parse_duration(v, &d, why) == -1)
			return -1;
		if (kd->max > 0 && (d < kd->min || d > kd->max ||
		    d != floor(d))) {
			snprintf(p->why, sizeof(p->why), "must be whole seconds "
			    "from %gs to %gs", kd->min, kd->max);
			*why = p->why;
			return -1;
		}
		if (kd->type == V_SECONDS)
			*(int *)field = (int)d;
		else
			*(double *)field = d;
		return 0;
	case V_TIMEZONE: {
		char		 path[PATH_MAX];
		struct stat	 sb;

		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", v);
		if (v[0] == '/' || strstr(v, "..") != NULL ||
		    stat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
			*why = "not a known time zone (see /usr/share/zoneinfo)";
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	}
	case V_RRDCACHED: {
		/* librrd refuses absolute file names over TCP, and ours
		 * are absolute: a local socket only. */
		if (strncmp(v, "unix:/", 6) != 0) {
			*why = "expected unix:/path/to/rrdcached.sock (a TCP "
			    "rrdcached cannot take wachtd's absolute paths)";
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	}
	case V_PREFIX:
		if (v[0] == '\0' || strpbrk(v, "+# ") != NULL || v[0] == '/' ||
		    v[0] == '$' || v[strlen(v) - 1] == '/') {
			*why = "no wildcards or blanks, no leading '$' and no "
			    "'/' at either end";
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case V_PERCENT:
		if (parse_percent(v, &d, why) == -1)
			return -1;
		*(double *)field = d;
		return 0;
	case V_COUNT:
		if (parse_int(v, 1, 1000000, &l, why) == -1)
			return -1;
		*(int *)field = (int)l;
		return 0;
	case V_RATING: {
		struct norm_conf *n = obj;

		n->rating_share = strchr(v, '%') != NULL;
		if ((n->rating_share ? parse_percent(v, &n->rating_target,
		    why) : parse_score(v, &n->rating_target, &n->rating_scale,
		    why)) == 0)
			return 0;
		n->rating_target = -1;	/* given: the norm's kind is known */
		return -1;
	}
	case V_SCORE: {
		struct norm_conf *n = obj;

		return parse_score(v, &n->positive_from, &n->positive_scale,
		    why);
	}
	case V_BOOL:
		if (parse_bool(v, &b, why) == -1)
			return -1;
		*(int *)field = b;
		return 0;
	case V_PORT:
	case V_QOS:
		if (parse_int(v, kd->type == V_QOS ? 0 : 1,
		    kd->type == V_QOS ? 2 : 65535, &l, why) == -1)
			return -1;
		*(int *)field = (int)l;
		return 0;
	case V_LISTEN: {
		struct listen_conf *lc = (struct listen_conf *)field;

		return parse_listen(v, lc->host, sizeof(lc->host), &lc->port,
		    why);
	}
	case V_WORKTIME: {
		struct norm_conf *n = obj;

		if (isdigit((unsigned char)v[0]) && strstr(v, "workday")) {
			n->respond_within = 0;
			return parse_workdays(v, &n->respond_workdays, why);
		}
		n->respond_workdays = 0;
		if (parse_duration(v, &n->respond_within, why) == -1) {
			*why = "expected a duration like 4h or working days "
			    "like 2workdays";
			return -1;
		}
		return 0;
	}
	case V_WEEKDAY:
		return parse_weekday(obj, (int)kd->off, v, why);
	case V_HOLIDAYS:
		return parse_holidays(&((struct hours_conf *)obj)->holidays, v,
		    why);
	case V_DATES:
		return parse_dates(obj, v, why);
	case V_REF: {
		struct ref *r = (struct ref *)field;

		if (!valid_name(v)) {
			*why = "expected a section name";
			return -1;
		}
		r->name = xstrdup(v);
		r->line = p->line;
		return 0;
	}
	case V_REFS:
		return parse_refs((struct reflist *)field, v, p->line, why);
	case V_ABANDON:
		if (strcmp(v, "ignore") == 0)
			*(enum abandon_rule *)field = ABANDON_IGNORE;
		else if (strcmp(v, "count") == 0)
			*(enum abandon_rule *)field = ABANDON_COUNT;
		else {
			*why = "expected ignore or count";
			return -1;
		}
		return 0;
	case V_LANGUAGE:
		if (strcmp(v, "nl") != 0 && strcmp(v, "en") != 0) {
			*why = "expected nl or en";
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	}
	return -1;
}

/* topic.METRIC = foreign/topic in a [queue] section. */
static void
set_topic(struct parser *p, struct queue_conf *q, const char *name,
    const char *v)
{
	int	 m = metric_lookup(name + strlen("topic."));

	if (m == -1) {
		error_at(p, p->line, "unknown metric '%s' in [%s]",
		    name + strlen("topic."), p->secname);
		return;
	}
	if (p->seen_topics & (1ULL << m)) {
		error_at(p, p->line, "key '%s' repeated in [%s]", name,
		    p->secname);
		return;
	}
	p->seen_topics |= 1ULL << m;
	if (v[0] == '\0' || strpbrk(v, "+#") != NULL || v[0] == '$' ||
	    strlen(v) > 512) {
		error_at(p, p->line, "bad topic '%s' for %s: no wildcards, no "
		    "leading '$'", v, name);
		return;
	}
	q->topic[m] = xstrdup(v);
	q->topic_line[m] = p->line;
}

/* inih's handler: one key of the current section. */
static int
handle_key(void *arg, const char *section, const char *name,
    const char *value)
{
	struct parser		*p = arg;
	const struct keydef	*kd;
	const char		*why = NULL;
	char			 v[LINE_MAX_LEN];
	int			 i;

	(void)section;
	if (parse_utf8(value, &why) == -1) {
		error_at(p, p->line, "%s: %s", name, why);
		return 1;
	}
	if (p->sec == SEC_QUEUE && strncmp(name, "topic.", 6) == 0) {
		set_topic(p, p->obj, name, value);
		return 1;
	}
	for (i = 0, kd = section_keys[p->sec]; kd->name != NULL; kd++, i++)
		if (strcmp(kd->name, name) == 0)
			break;
	if (kd->name == NULL) {
		error_at(p, p->line, "unknown key '%s' in [%s]", name,
		    p->secname);
		return 1;
	}
	if (p->seen & (1ULL << i)) {
		error_at(p, p->line, "key '%s' repeated in [%s]", name,
		    p->secname);
		return 1;
	}
	p->seen |= 1ULL << i;
	if (p->sec <= SEC_HTTP)
		p->keyline[p->sec][i] = p->line;
	if (value[0] == '\0') {
		error_at(p, p->line, "%s has no value", name);
		return 1;
	}
	snprintf(v, sizeof(v), "%s", value);
	if (set_value(p, kd, p->obj, v, &why) == -1)
		error_at(p, p->line, "%s = %s: %s", name, value,
		    why != NULL ? why : "bad value");
	return 1;
}

/* Resolves r against the sections of one kind. */
static void
resolve(struct parser *p, struct ref *r, enum section sec, const char *what,
    const char *from)
{
	if (r->name == NULL)
		return;
	if ((r->to = find_named(p->conf, sec, r->name)) == NULL)
		error_at(p, r->line, "%s '%s' in [%s] has no [%s %s] section",
		    what, r->name, from, what, r->name);
}

/* The line of a key in [daemon], [mqtt] or [http]; 0 if absent. */
static int
key_line(const struct parser *p, enum section sec, const char *name)
{
	const struct keydef *kd = section_keys[sec];
	int	 i;

	for (i = 0; kd[i].name != NULL; i++)
		if (strcmp(kd[i].name, name) == 0)
			return p->keyline[sec][i];
	return 0;
}

#define CRYPT_B64	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/*
 * Why a hash of auth_file cannot be used, or NULL. Only slow crypt(3)
 * kinds will do: the file may leak, and DES or MD5 hashes fall to a
 * guessing machine in hours. The value is never quoted: a password may
 * stand there in plain text.
 */
static const char *
hash_problem(const char *h)
{
	static const char *const kinds[] = {
		"$y$", "$gy$", "$7$", "$2b$", "$2y$", "$6$", "$5$", NULL
	};
	const char	*last;
	size_t		 i;

	if (strncmp(h, "$1$", 3) == 0)
		return "an MD5 ($1$) hash is too weak";
	for (i = 0; kinds[i] != NULL; i++)
		if (strncmp(h, kinds[i], strlen(kinds[i])) == 0)
			break;
	if (kinds[i] == NULL) {
		if (h[0] == '_' || (strlen(h) == 13 &&
		    strspn(h, CRYPT_B64) == 13))
			return "a DES hash is too weak";
		if (h[0] == '$')
			return "not a kind of hash wachtd accepts ($y$ "
			    "yescrypt, $2b$ bcrypt, $6$ or $5$ SHA-crypt)";
		return "not a crypt(3) hash (never write a password here in "
		    "plain text)";
	}
	last = strrchr(h, '$');
	if (h[strspn(h, CRYPT_B64 "$=,")] != '\0' || strlen(last + 1) < 22 ||
	    crypt_checksalt(h) == CRYPT_SALT_INVALID)
		return "malformed hash";
	if (crypt_checksalt(h) == CRYPT_SALT_METHOD_DISABLED)
		return "a kind of hash this system's crypt(3) cannot check";
	return NULL;
}

/* A user name of auth_file: printable UTF-8, without blanks. */
static int
valid_user(const char *s)
{
	const char	*why;
	size_t		 i, n = strlen(s);

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return n > 0 && n <= USER_NAME_MAX && parse_utf8(s, &why) == 0;
}

/* One "user:hash" line of auth_file, at line. */
static void
add_user(struct parser *p, struct map *seen, char *buf, int line)
{
	struct config	*c = p->conf;
	struct auth_user *u;
	const char	*file = c->auth_file, *why;
	char		*colon = strchr(buf, ':');
	void		*first;

	if (colon == NULL || strchr(colon + 1, ':') != NULL) {
		error_in(p, file, line, "expected user:hash");
		return;
	}
	*colon = '\0';
	if (!valid_user(buf)) {
		error_in(p, file, line, "a user name is 1 to %d characters, "
		    "without blanks or control characters", USER_NAME_MAX);
		return;
	}
	if ((first = map_get(seen, buf)) != NULL) {
		error_in(p, file, line, "user '%s' repeated (first at line "
		    "%d)", buf, (int)(intptr_t)first);
		return;
	}
	map_put(seen, buf, (void *)(intptr_t)line);
	if ((why = hash_problem(colon + 1)) != NULL) {
		error_in(p, file, line, "user '%s': %s; make a hash with "
		    "mkpasswd -m yescrypt", buf, why);
		return;
	}
	u = push(&c->users, &c->nusers, sizeof(*u));
	u->name = xstrdup(buf);
	u->hash = xstrdup(colon + 1);
}

/*
 * [http] auth_file, declared at line: one "user:hash" a line, '#' for
 * comments. Read here, in the check, so that `wachtd -n` and a reload
 * judge it like the rest: a bad file is refused whole.
 */
static void
read_users(struct parser *p, int line)
{
	struct config	*c = p->conf;
	struct map	*seen;
	struct stat	 sb;
	FILE		*fp;
	char		 buf[USERS_LINE_MAX + 2], *s, *end;
	size_t		 len;
	int		 n = 0, ch;

	if ((fp = fopen(c->auth_file, "r")) == NULL) {
		error_at(p, line, "auth_file %s: cannot open: %s", c->auth_file,
		    strerror(errno));
		return;
	}
	if (fstat(fileno(fp), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		error_at(p, line, "auth_file %s: not a regular file",
		    c->auth_file);
		fclose(fp);
		return;
	}
	if (sb.st_mode & S_IWOTH) {
		error_at(p, line, "auth_file %s: anyone may write it; chmod "
		    "o-w", c->auth_file);
		fclose(fp);
		return;
	}
	seen = map_new();
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		n++;
		len = strlen(buf);
		if (len > 0 && buf[len - 1] != '\n' && !feof(fp)) {
			error_in(p, c->auth_file, n, "line longer than %d "
			    "characters", USERS_LINE_MAX);
			while ((ch = fgetc(fp)) != EOF && ch != '\n')
				;
			continue;
		}
		s = buf + strspn(buf, " \t");
		for (end = s + strlen(s); end > s &&
		    isspace((unsigned char)end[-1]); end--)
			;
		*end = '\0';
		if (s[0] != '\0' && s[0] != '#')
			add_user(p, seen, s, n);
		explicit_bzero(buf, sizeof(buf));
	}
	if (ferror(fp))
		error_at(p, line, "auth_file %s: cannot read: %s", c->auth_file,
		    strerror(errno));
	else if (c->nusers == 0 && map_count(seen) == 0)
		error_in(p, c->auth_file, 0, "no user:hash line; nobody could "
		    "sign in");
	fclose(fp);
	map_free(seen, NULL);
}

/* Pass two: the meaning of what parsed. */
static void
check(struct parser *p)
{
	struct config	*c = p->conf;
	struct map	*topics = map_new();
	char		 sec[160];
	size_t		 i, j;
	int		 m;

	if ((c->mqtt.tls_cert != NULL || c->mqtt.tls_key != NULL) &&
	    c->mqtt.tls_ca == NULL)
		error_at(p, key_line(p, SEC_MQTT, c->mqtt.tls_cert != NULL ?
		    "tls_cert" : "tls_key"), "a client certificate needs "
		    "tls_ca, the CA that signed the broker's certificate");
	if ((c->mqtt.tls_cert == NULL) != (c->mqtt.tls_key == NULL))
		error_at(p, key_line(p, SEC_MQTT, c->mqtt.tls_cert != NULL ?
		    "tls_cert" : "tls_key"), "tls_cert and tls_key go "
		    "together");
	if (c->mqtt.password_file != NULL && c->mqtt.username == NULL)
		error_at(p, key_line(p, SEC_MQTT, "password_file"),
		    "password_file needs a username");
	if (c->public_listen.port != 0 &&
	    c->public_listen.port == c->listen.port &&
	    strcmp(c->public_listen.host, c->listen.host) == 0)
		error_at(p, key_line(p, SEC_HTTP, "public_listen"),
		    "public_listen is the same address as listen");
	if (c->auth_file != NULL)
		read_users(p, key_line(p, SEC_HTTP, "auth_file"));
	if (c->public_experience && c->public_listen.port == 0)
		error_at(p, key_line(p, SEC_HTTP, "public_experience"),
		    "public_experience needs public_listen: it is said on the "
		    "public page");

	for (i = 0; i < c->nnorms; i++) {
		struct norm_conf *n = &c->norms[i];
		int kinds = (n->answer_within > 0 || n->target > 0) +
		    (n->max_wait > 0) + (n->respond_within > 0 ||
		    n->respond_workdays > 0) + (n->direct_target > 0) +
		    (n->rating_target != 0);

		if (kinds != 1)
			error_at(p, n->line, "[norm %s] needs exactly one of "
			    "answer_within with target, max_wait, "
			    "respond_within, direct_target or rating_target",
			    n->name);
		else if (n->direct_target > 0)
			n->kind = NORM_DIRECT_TARGET;
		else if (n->rating_target != 0)
			n->kind = NORM_RATING_TARGET;
		else if (n->max_wait > 0)
			n->kind = NORM_MAX_WAIT;
		else if (n->answer_within > 0 || n->target > 0) {
			n->kind = NORM_ANSWER_WITHIN;
			if (n->answer_within <= 0 || n->target <= 0)
				error_at(p, n->line, "[norm %s] answer_within "
				    "and target go together", n->name);
		} else
			n->kind = NORM_RESPOND_WITHIN;
		if (n->window < 0)	/* a quality figure needs a day */
			n->window = n->kind == NORM_DIRECT_TARGET ||
			    n->kind == NORM_RATING_TARGET ? 86400 : 15 * 60;
		if (n->window < c->step)
			error_at(p, n->line, "[norm %s] window is shorter than "
			    "[daemon] step", n->name);
		if (n->warn_at <= 0 || n->warn_at >= 100)
			error_at(p, n->line, "[norm %s] warn_at must be above "
			    "0%% and below 100%%", n->name);
	}

	for (i = 0; i < c->nnotifies; i++) {
		struct notify_conf *n = &c->notifies[i];

		snprintf(sec, sizeof(sec), "notify %s", n->name);
		resolve(p, &n->hours, SEC_HOURS, "hours", sec);
		resolve(p, &n->escalate_to, SEC_NOTIFY, "notify", sec);
		if (n->escalate_after > 0 && n->escalate_to.name == NULL)
			error_at(p, n->line, "[%s] escalate_after needs "
			    "escalate_to", sec);
	}
	for (i = 0; i < c->nnotifies; i++) {
		struct notify_conf *n = &c->notifies[i];
		const struct notify_conf *e;
		size_t hops;

		/* A loop would escalate for ever. */
		for (e = n->escalate_to.to, hops = 0; e != NULL &&
		    hops <= c->nnotifies; e = e->escalate_to.to, hops++)
			if (e == n) {
				error_at(p, n->escalate_to.line, "escalate_to "
				    "leads back to [notify %s]", n->name);
				break;
			}
	}
	if (c->nqueues == 0)
		error_at(p, 0, "no [queue CHANNEL/NAME] section: nothing to "
		    "watch");
	for (i = 0; i < c->nqueues; i++) {
		struct queue_conf *q = &c->queues[i];
		const struct norm_conf *quality = NULL;
		int kinds = 0;

		snprintf(sec, sizeof(sec), "queue %s", q->id);
		resolve(p, &q->hours, SEC_HOURS, "hours", sec);
		for (j = 0; j < q->norms.n; j++) {
			const struct norm_conf *n;

			resolve(p, &q->norms.refs[j], SEC_NORM, "norm", sec);
			if ((n = q->norms.refs[j].to) == NULL)
				continue;
			if (kinds & (1 << n->kind))
				error_at(p, q->norms.refs[j].line, "[%s] has "
				    "two norms of the same kind", sec);
			kinds |= 1 << n->kind;
			if (n->kind != NORM_DIRECT_TARGET &&
			    n->kind != NORM_RATING_TARGET)
				continue;
			/* One ring of counts serves them both. */
			if (quality != NULL && quality->window != n->window)
				error_at(p, q->norms.refs[j].line, "[%s] norms "
				    "%s and %s count over different windows; "
				    "a queue's direct_target and rating_target "
				    "share one", sec, quality->name, n->name);
			quality = n;
		}
		for (j = 0; j < q->notify.n; j++)
			resolve(p, &q->notify.refs[j], SEC_NOTIFY, "notify",
			    sec);
		if (q->interval < 1)
			error_at(p, q->line, "[%s] interval must be at least "
			    "1s", sec);
		for (m = 0; m < METRIC_COUNT; m++) {
			struct queue_conf *other;
			size_t plen = strlen(c->mqtt.prefix);

			if (q->topic[m] == NULL)
				continue;
			if (strncmp(q->topic[m], c->mqtt.prefix, plen) == 0 &&
			    q->topic[m][plen] == '/') {
				error_at(p, q->topic_line[m], "topic.%s: '%s' "
				    "lies under the prefix '%s/' that wachtd "
				    "owns", metric_name(m), q->topic[m],
				    c->mqtt.prefix);
				continue;
			}
			if ((other = map_put(topics, q->topic[m], q)) != NULL)
				error_at(p, q->topic_line[m], "topic '%s' is "
				    "also used by [queue %s]", q->topic[m],
				    other->id);
		}
	}
	map_free(topics, NULL);
}

/* Defaults for everything DESIGN §5 shows with a value. */
static void
defaults(struct config *c, const char *path)
{
	c->path = xstrdup(path);
	c->state_dir = xstrdup("/var/lib/wachtd");
	c->step = 10;
	c->timezone = xstrdup("Europe/Amsterdam");
	c->language = xstrdup("nl");
	config_mqtt_defaults(&c->mqtt, "wachtd");
	snprintf(c->listen.host, sizeof(c->listen.host), "127.0.0.1");
	c->listen.port = 8080;
}

struct config *
config_load(const char *path, config_error_cb cb, void *arg)
{
	struct parser	 p;
	struct config	*c = xcalloc(1, sizeof(*c));
	int		 rc;

	memset(&p, 0, sizeof(p));
	p.conf = c;
	p.cb = cb;
	p.cbarg = arg;
	defaults(c, path);
	if ((p.fp = fopen(path, "r")) == NULL) {
		error_at(&p, 0, "cannot open: %s", strerror(errno));
		config_free(c);
		return NULL;
	}
	ini_allow_multiline = 0;
	ini_max_line = LINE_MAX_LEN;
	ini_use_stack = 0;
	/* The heap buffer is this size (not ini_max_line): the line, '\n'
	 * and NUL. */
	ini_initial_alloc = LINE_MAX_LEN + 2;
	rc = ini_parse_stream(read_line, &p, handle_key, &p);
	if (rc == -2)
		fatalx("config: out of memory");
	if (ferror(p.fp))
		error_at(&p, 0, "read error: %s", strerror(errno));
	fclose(p.fp);
	if (rc > 0 && p.errors == 0)
		error_at(&p, rc, "syntax error");
	check(&p);
	if (p.errors > 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

static void
free_refs(struct reflist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->refs[i].name);
	free(l->refs);
}

void
config_free(struct config *c)
{
	size_t	 i;
	int	 m;

	if (c == NULL)
		return;
	for (i = 0; i < c->nhours; i++) {
		free(c->hours[i].name);
		free(c->hours[i].closed);
	}
	for (i = 0; i < c->nnorms; i++)
		free(c->norms[i].name);
	for (i = 0; i < c->nnotifies; i++) {
		struct notify_conf *n = &c->notifies[i];

		free(n->name);
		free(n->webhook);
		free(n->alertmanager);
		free(n->email);
		free(n->smtp);
		free(n->from);
		free(n->hours.name);
		free(n->escalate_to.name);
	}
	for (i = 0; i < c->nqueues; i++) {
		struct queue_conf *q = &c->queues[i];

		free(q->id);
		free(q->label);
		free(q->hours.name);
		free_refs(&q->norms);
		free_refs(&q->notify);
		for (m = 0; m < METRIC_COUNT; m++)
			free(q->topic[m]);
	}
	free(c->hours);
	free(c->norms);
	free(c->notifies);
	free(c->queues);
	free(c->path);
	free(c->state_dir);
	free(c->timezone);
	free(c->rrdcached);
	free(c->language);
	free(c->url);
	for (i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->users);
	free(c->auth_file);
	config_mqtt_free(&c->mqtt);
	free(c);
}

void
config_mqtt_defaults(struct mqtt_conf *m, const char *client_id)
{
	m->host = xstrdup("localhost");
	m->port = 1883;
	m->prefix = xstrdup("wachtd");
	m->client_id = xstrdup(client_id);
	m->qos = 1;
	m->keepalive = 30;
}

int
config_mqtt_key(struct mqtt_conf *m, const char *name, const char *value,
    char *why, size_t len)
{
	const struct keydef *kd;
	struct parser	 p = { 0 };
	const char	*reason = NULL;
	char		 v[LINE_MAX_LEN];

	for (kd = mqtt_keys; kd->name != NULL; kd++)
		if (strcmp(kd->name, name) == 0)
			break;
	if (kd->name == NULL) {
		snprintf(why, len, "unknown key '%s' in [mqtt]", name);
		return -1;
	}
	if (value[0] == '\0') {
		snprintf(why, len, "%s has no value", name);
		return -1;
	}
	snprintf(v, sizeof(v), "%s", value);
	if (parse_utf8(value, &reason) == -1 ||
	    set_value(&p, kd, m, v, &reason) == -1) {
		snprintf(why, len, "%s = %s: %s", name, value,
		    reason != NULL ? reason : "bad value");
		return -1;
	}
	return 0;
}

void
config_mqtt_free(struct mqtt_conf *m)
{
	free(m->host);
	free(m->prefix);
	free(m->client_id);
	free(m->username);
	free(m->password_file);
	free(m->tls_ca);
	free(m->tls_cert);
	free(m->tls_key);
	free(m->status_topic);
}

char *
config_url(const struct config *c, char *buf, size_t len)
{
	size_t	 n;

	if (c->url != NULL) {
		n = strlen(c->url);
		snprintf(buf, len, "%.*s", (int)(n > 0 && c->url[n - 1] == '/' ?
		    n - 1 : n), c->url);
	} else
		snprintf(buf, len, strchr(c->listen.host, ':') != NULL ?
		    "http://[%s]:%d" : "http://%s:%d", c->listen.host,
		    c->listen.port);
	return buf;
}

const char *
config_norm_kind_name(enum norm_kind kind)
{
	static const char *const names[] = {
		[NORM_NONE] = "none",
		[NORM_ANSWER_WITHIN] = "answer_within",
		[NORM_MAX_WAIT] = "max_wait",
		[NORM_RESPOND_WITHIN] = "respond_within",
		[NORM_DIRECT_TARGET] = "direct_target",
		[NORM_RATING_TARGET] = "rating_target"
	};

	return names[kind];
}

const struct norm_conf *
config_queue_norm(const struct queue_conf *q, enum norm_kind kind)
{
	size_t	 i;

	for (i = 0; i < q->norms.n; i++) {
		const struct norm_conf *n = q->norms.refs[i].to;

		if (n != NULL && n->kind == kind)
			return n;
	}
	return NULL;
}

void
config_quality_norms(const struct queue_conf *qc, struct quality_norms *q)
{
	const struct norm_conf *n;

	memset(q, 0, sizeof(*q));
	q->direct_target = q->rating_target = NAN;
	if ((n = config_queue_norm(qc, NORM_DIRECT_TARGET)) != NULL)
		q->direct_target = n->direct_target;
	if ((n = config_queue_norm(qc, NORM_RATING_TARGET)) != NULL) {
		q->rating_target = n->rating_target;
		q->rating_scale = n->rating_scale;
		q->rating_share = n->rating_share;
		q->positive_from = n->positive_from;
		q->positive_scale = n->positive_scale;
	}
}

const char *
config_user_hash(const struct config *c, const char *user)
{
	size_t	 i;

	if (user == NULL)
		return c->nusers > 0 ? c->users[0].hash : NULL;
	for (i = 0; i < c->nusers; i++)
		if (strcmp(c->users[i].name, user) == 0)
			return c->users[i].hash;
	return NULL;
}

/* NULL-safe string equality. */
static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
config_mqtt_changed(const struct config *a, const struct config *b)
{
	const struct mqtt_conf *x = &a->mqtt, *y = &b->mqtt;

	return !same(x->host, y->host) || x->port != y->port ||
	    !same(x->prefix, y->prefix) || !same(x->client_id, y->client_id) ||
	    !same(x->username, y->username) ||
	    !same(x->password_file, y->password_file) ||
	    !same(x->tls_ca, y->tls_ca) || !same(x->tls_cert, y->tls_cert) ||
	    !same(x->tls_key, y->tls_key) || x->qos != y->qos ||
	    x->keepalive != y->keepalive;
}

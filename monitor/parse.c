/*
 * parse.c: the value grammar of wachtd.conf, kept strict so that a typo is
 * an error at `wachtd -n` time instead of a surprise in production.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

#define DURATION_MAX	(10.0 * 366 * 86400)	/* ten years */

/* Reads an unsigned decimal "12" or "1.5" at *p; advances *p. */
static int
read_decimal(const char **p, double *v)
{
	const char	*s = *p;
	double		 n = 0, scale = 1;
	int		 digits = 0;

	while (isdigit((unsigned char)*s)) {
		n = n * 10 + (*s++ - '0');
		digits++;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			scale /= 10;
			n += (*s++ - '0') * scale;
			digits++;
		}
		if (scale == 1)
			return -1;	/* "1." */
	}
	if (digits == 0 || digits > 15)
		return -1;
	*p = s;
	*v = n;
	return 0;
}

int
parse_duration(const char *s, double *secs, const char **why)
{
	double	 total = 0, n;
	int	 last = 0, parts = 0;
	static const char units[] = "dhms";
	static const double mult[] = { 86400, 3600, 60, 1 };
	const char *u;

	if (strcmp(s, "0") == 0) {
		*secs = 0;
		return 0;
	}
	while (*s != '\0') {
		if (read_decimal(&s, &n) == -1) {
			*why = "expected a duration like 30s, 5m, 1h30m or 2d";
			return -1;
		}
		if (*s == '\0') {
			*why = "missing unit (s, m, h, d)";
			return -1;
		}
		if ((u = strchr(units, *s)) == NULL || *s == '\0') {
			*why = "unknown unit (use s, m, h or d)";
			return -1;
		}
		/* Units must come largest first, each once: "1h30m", not "30m1h". */
		if ((int)(u - units) + 1 <= last) {
			*why = "units out of order or repeated";
			return -1;
		}
		last = (int)(u - units) + 1;
		total += n * mult[u - units];
		s++;
		parts++;
	}
	if (parts == 0) {
		*why = "empty duration";
		return -1;
	}
	if (total > DURATION_MAX) {
		*why = "duration longer than ten years";
		return -1;
	}
	*secs = total;
	return 0;
}

int
parse_workdays(const char *s, int *days, const char **why)
{
	char	*end;
	long	 n;

	if (!isdigit((unsigned char)*s)) {
		*why = "expected a number of working days like 2workdays";
		return -1;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (strcmp(end, "workdays") != 0 && strcmp(end, "workday") != 0) {
		*why = "expected a number of working days like 2workdays";
		return -1;
	}
	if (errno != 0 || n < 1 || n > 365) {
		*why = "working days must be between 1 and 365";
		return -1;
	}
	*days = (int)n;
	return 0;
}

int
parse_percent(const char *s, double *pct, const char **why)
{
	double	 v;

	if (read_decimal(&s, &v) == -1 || strcmp(s, "%") != 0) {
		*why = "expected a percentage like 80%";
		return -1;
	}
	if (v > 100) {
		*why = "percentage above 100%";
		return -1;
	}
	*pct = v;
	return 0;
}

int
parse_score(const char *s, double *score, int *scale, const char **why)
{
	double	 v;
	int	 sc = 5;

	if (read_decimal(&s, &v) == -1 || (strcmp(s, "") != 0 &&
	    strcmp(s, "/5") != 0 && strcmp(s, "/10") != 0)) {
		*why = "expected a score like 4 (of 1 to 5) or 7.5/10";
		return -1;
	}
	if (strcmp(s, "/10") == 0)
		sc = 10;
	if (v < (sc == 5) || v > sc) {
		*why = sc == 5 ? "a score of 1 to 5 (for 0 to 10 write 8/10)" :
		    "a score of 0 to 10";
		return -1;
	}
	*score = v;
	*scale = sc;
	return 0;
}

int
parse_clock(const char *s, int allow_2400, int *minutes, const char **why)
{
	int	 h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]) || s[5] != '\0') {
		*why = "expected a time like 08:30";
		return -1;
	}
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_2400))) {
		*why = "time out of range";
		return -1;
	}
	*minutes = h * 60 + m;
	return 0;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
parse_date(const char *s, int *yyyymmdd, const char **why)
{
	static const int mdays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
	int	 i, y, m, d, max;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				break;
		} else if (!isdigit((unsigned char)s[i]))
			break;
	}
	if (i != 10 || s[10] != '\0') {
		*why = "expected a date like 2026-12-24";
		return -1;
	}
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || y > 2199) {
		*why = "year out of range (1970 to 2199)";
		return -1;
	}
	if (m < 1 || m > 12) {
		*why = "month out of range";
		return -1;
	}
	max = mdays[m - 1] + (m == 2 && is_leap(y));
	if (d < 1 || d > max) {
		*why = "no such day in that month";
		return -1;
	}
	*yyyymmdd = y * 10000 + m * 100 + d;
	return 0;
}

int
parse_bool(const char *s, int *b, const char **why)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = 0;
			return 0;
		}
	}
	*why = "expected yes or no";
	return -1;
}

int
parse_int(const char *s, long min, long max, long *v, const char **why)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || isspace((unsigned char)*s) ||
	    errno != 0) {
		*why = "expected a whole number";
		return -1;
	}
	if (n < min || n > max) {
		*why = "number out of range";
		return -1;
	}
	*v = n;
	return 0;
}

int
parse_listen(const char *s, char *host, size_t hostlen, int *port,
    const char **why)
{
	const char	*colon, *h = s;
	size_t		 len;
	long		 p;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':') {
			*why = "expected [IPv6]:port";
			return -1;
		}
		h = s + 1;
		len = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL) {
			*why = "expected address:port, like 127.0.0.1:8080";
			return -1;
		}
		len = (size_t)(colon - s);
		if (memchr(s, ':', len) != NULL) {
			*why = "write an IPv6 address in brackets: [::1]:8080";
			return -1;
		}
	}
	/* "*" is stored as "0.0.0.0", which must fit with its NUL too. */
	if (len == 0 || len >= hostlen ||
	    (len == 1 && h[0] == '*' && hostlen <= strlen("0.0.0.0"))) {
		*why = "missing or overlong address";
		return -1;
	}
	if (parse_int(colon + 1, 1, 65535, &p, why) == -1) {
		*why = "port must be a number from 1 to 65535";
		return -1;
	}
	if (len == 1 && h[0] == '*') {
		/* "*:8081" means every IPv4 address, as in many daemons. */
		strncpy(host, "0.0.0.0", hostlen);
	} else {
		memcpy(host, h, len);
		host[len] = '\0';
	}
	*port = (int)p;
	return 0;
}

/* One CHANNEL or NAME part; returns its length or -1. */
static int
id_part(const char *s)
{
	int	 n = 0;

	while (s[n] != '\0' && s[n] != '/') {
		if (!islower((unsigned char)s[n]) &&
		    !isdigit((unsigned char)s[n]) && s[n] != '_' && s[n] != '-')
			return -1;
		if (++n > 64)
			return -1;
	}
	return n == 0 ? -1 : n;
}

int
parse_queue_id(const char *s, const char **why)
{
	int	 chan, name = -1;

	if ((chan = id_part(s)) != -1 && s[chan] == '/')
		name = id_part(s + chan + 1);
	if (name == -1 || s[chan + 1 + name] != '\0') {
		*why = "queue id must be CHANNEL/NAME of lowercase letters, "
		    "digits, '_' and '-' (at most 64 each)";
		return -1;
	}
	return 0;
}

int
parse_utf8(const char *s, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned	 c, min;
	int		 n;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			n = 1, c = *p & 0x1f, min = 0x80;
		else if ((*p & 0xf0) == 0xe0)
			n = 2, c = *p & 0x0f, min = 0x800;
		else if ((*p & 0xf8) == 0xf0)
			n = 3, c = *p & 0x07, min = 0x10000;
		else
			goto bad;
		for (p++; n > 0; n--, p++) {
			if ((*p & 0xc0) != 0x80)
				goto bad;
			c = (c << 6) | (*p & 0x3f);
		}
		/* Overlong forms, surrogates and beyond U+10FFFF. */
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			goto bad;
	}
	return 0;
bad:
	*why = "not valid UTF-8 (save the file as UTF-8)";
	return -1;
}

int
parse_text(const char *s, size_t max, const char **why)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0') {
		*why = "empty";
		return -1;
	}
	if (strlen(s) > max) {
		*why = "too long";
		return -1;
	}
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*why = "control characters (one line only)";
			return -1;
		}
	return parse_utf8(s, why);
}

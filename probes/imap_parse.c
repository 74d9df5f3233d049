/*
 * imap_parse.c: IMAP responses, commands' arguments and a watched
 * folder's state, as pure functions (imap_parse.h). The grammar is
 * RFC 3501's, read liberally where servers are known to differ (a
 * bare LF, a one-digit day in INTERNALDATE) and strictly where a
 * mistake would count wrong (numbers, dates, literal lengths).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "imap_parse.h"
#include "wachtd.h"

#define MAX_DEPTH	32	/* nested lists in a FETCH item we skip */

/* ---- framing ---- */

void
imap_framer_reset(struct imap_framer *f)
{
	memset(f, 0, sizeof(*f));
}

/* Keeps the last bytes of the line, where a literal's {n} would be. */
static void
tail_add(struct imap_framer *f, const char *p, size_t n)
{
	size_t	 keep = sizeof(f->tail);

	if (n >= keep) {
		memcpy(f->tail, p + n - keep, keep);
		f->ntail = keep;
		return;
	}
	if (f->ntail + n > keep) {
		memmove(f->tail, f->tail + (f->ntail + n - keep),
		    keep - n);
		f->ntail = keep - n;
	}
	memcpy(f->tail + f->ntail, p, n);
	f->ntail += n;
}

/*
 * Whether the line in f->tail (its LF left out) ends in "{n}" or "{n+}"
 * (CR before the LF allowed): 1 with *n, 0 if not, -1 for a number
 * that cannot be.
 */
static int
tail_literal(const struct imap_framer *f, uint64_t *n)
{
	size_t		 end = f->ntail, i, digits;
	uint64_t	 v = 0;

	if (end > 0 && f->tail[end - 1] == '\r')
		end--;
	if (end == 0 || f->tail[end - 1] != '}')
		return 0;
	end--;
	if (end > 0 && f->tail[end - 1] == '+')
		end--;
	for (i = end; i > 0 && isdigit((unsigned char)f->tail[i - 1]); i--)
		;
	digits = end - i;
	if (i == 0 || f->tail[i - 1] != '{' || digits == 0)
		return 0;
	if (digits > 10)
		return -1;
	for (; i < end; i++)
		v = v * 10 + (uint64_t)(f->tail[i] - '0');
	*n = v;
	return 1;
}

int
imap_frame(struct imap_framer *f, const char *buf, size_t n, size_t max,
    size_t *used)
{
	const char	*nl;
	size_t		 pos = 0, k;
	uint64_t	 lit;

	while (pos < n) {
		if (f->literal > 0) {
			k = n - pos < f->literal ? n - pos : (size_t)f->literal;
			f->literal -= k;
			f->len += k;
			pos += k;
			continue;
		}
		if ((nl = memchr(buf + pos, '\n', n - pos)) == NULL) {
			tail_add(f, buf + pos, n - pos);
			f->len += n - pos;
			pos = n;
			break;
		}
		k = (size_t)(nl - (buf + pos));
		tail_add(f, buf + pos, k);
		f->len += k + 1;
		pos += k + 1;
		if (f->len > max)
			return -1;
		switch (tail_literal(f, &lit)) {
		case -1:
			return -1;
		case 1:
			if (lit > max || f->len + lit > max)
				return -1;
			f->literal = lit;
			f->ntail = 0;
			continue;
		}
		*used = pos;
		return 1;
	}
	*used = pos;
	return f->len > max ? -1 : 0;
}

/* ---- responses ---- */

struct cursor {
	const char	*p, *end;
};

static int
at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static int
peek(const struct cursor *c)
{
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

/* One SP, as the grammar wants between tokens. */
static int
space(struct cursor *c)
{
	if (peek(c) != ' ')
		return -1;
	c->p++;
	return 0;
}

/* atom-char: anything printable but the specials; brackets are let in
 * where the caller allows them (BODY[...] names are skipped apart). */
static int
atom_char(int ch)
{
	return ch > ' ' && ch < 0x7f && strchr("(){%*\"\\]", ch) == NULL;
}

/* An atom (flags may start with a backslash, \* included); its length,
 * 0 when there is none. */
static size_t
atom(struct cursor *c, const char **start)
{
	const char	*p = c->p;

	*start = p;
	if (p < c->end && *p == '\\') {
		p++;
		if (p < c->end && *p == '*') {
			c->p = p + 1;
			return 2;
		}
	}
	while (p < c->end && atom_char((unsigned char)*p))
		p++;
	if (p == *start || (p == *start + 1 && **start == '\\'))
		return 0;
	c->p = p;
	return (size_t)(p - *start);
}

/* Does the atom equal word (case-insensitive)? */
static int
is_word(const char *a, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(a, word, n) == 0;
}

/* A number of up to 32 bits. */
static int
number32(struct cursor *c, uint32_t *out)
{
	uint64_t	 v = 0;
	const char	*start = c->p;

	while (c->p < c->end && isdigit((unsigned char)*c->p)) {
		v = v * 10 + (uint64_t)(*c->p - '0');
		if (v > UINT32_MAX)
			return -1;
		c->p++;
	}
	if (c->p == start)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A literal {n} CRLF and its n bytes: where they start, and n. */
static int
literal(struct cursor *c, const char **start, size_t *n)
{
	uint64_t	 v = 0;
	const char	*digits;

	if (peek(c) != '{')
		return -1;
	c->p++;
	digits = c->p;
	while (c->p < c->end && isdigit((unsigned char)*c->p)) {
		v = v * 10 + (uint64_t)(*c->p - '0');
		if (v > IMAP_RESPONSE_MAX)
			return -1;
		c->p++;
	}
	if (c->p == digits)
		return -1;
	if (peek(c) == '+')
		c->p++;
	if (peek(c) != '}')
		return -1;
	c->p++;
	if (peek(c) == '\r')
		c->p++;
	if (peek(c) != '\n')
		return -1;
	c->p++;
	if ((uint64_t)(c->end - c->p) < v)
		return -1;
	*start = c->p;
	*n = (size_t)v;
	c->p += v;
	return 0;
}

/* A quoted string or a literal, copied (cut to len - 1) into out. */
static int
string(struct cursor *c, char *out, size_t len)
{
	const char	*s;
	size_t		 n, o = 0;

	if (peek(c) == '{') {
		if (literal(c, &s, &n) == -1)
			return -1;
		if (n >= len)
			n = len - 1;
		memcpy(out, s, n);
		out[n] = '\0';
		return 0;
	}
	if (peek(c) != '"')
		return -1;
	c->p++;
	for (;;) {
		if (at_end(c) || *c->p == '\r' || *c->p == '\n')
			return -1;
		if (*c->p == '"')
			break;
		if (*c->p == '\\') {
			c->p++;
			if (at_end(c) || (*c->p != '"' && *c->p != '\\'))
				return -1;
		}
		if (o + 1 < len)
			out[o++] = *c->p;
		c->p++;
	}
	c->p++;
	out[o] = '\0';
	return 0;
}

/* Any value of a FETCH item we do not ask for, lists included. */
static int
skip_value(struct cursor *c, int depth)
{
	const char	*s;
	size_t		 n;
	char		 dummy[2];

	switch (peek(c)) {
	case '(':
		if (depth >= MAX_DEPTH)
			return -1;
		c->p++;
		while (peek(c) != ')') {
			if (at_end(c) || skip_value(c, depth + 1) == -1)
				return -1;
			if (peek(c) == ' ')
				c->p++;
		}
		c->p++;
		return 0;
	case '"':
		return string(c, dummy, sizeof(dummy));
	case '{':
		return literal(c, &s, &n);
	default:
		if (atom(c, &s) == 0)
			return -1;
		/* An atom with a section: BODY[HEADER.FIELDS (FROM)]<0>. */
		if (peek(c) == '[') {
			while (!at_end(c) && *c->p != ']')
				c->p++;
			if (at_end(c))
				return -1;
			c->p++;
			(void)atom(c, &s);
		}
		return 0;
	}
}

/* The human part of a response, kept printable and short for logs. */
static void
keep_text(struct imap_resp *r, const struct cursor *c)
{
	const char	*p = c->p;
	size_t		 o = 0;

	if (p < c->end && *p == ' ')
		p++;
	for (; p < c->end && o + 1 < sizeof(r->text); p++)
		r->text[o++] = (*p >= ' ' && *p < 0x7f) ? *p : '?';
	r->text[o] = '\0';
}

static unsigned
capability(const char *a, size_t n)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} caps[] = {
		{ "IMAP4rev1", IMAP_CAP_IMAP4REV1 },
		{ "IDLE", IMAP_CAP_IDLE },
		{ "STARTTLS", IMAP_CAP_STARTTLS },
		{ "LOGINDISABLED", IMAP_CAP_LOGINDISABLED },
		{ "AUTH=PLAIN", IMAP_CAP_AUTH_PLAIN },
		{ "SASL-IR", IMAP_CAP_SASL_IR },
		{ "LITERAL+", IMAP_CAP_LITERALPLUS },
	};
	size_t	 i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (is_word(a, n, caps[i].name))
			return caps[i].bit;
	return 0;
}

/* A list of capabilities up to the end, or to the ']' of a code. */
static int
capabilities(struct cursor *c, struct imap_resp *r)
{
	const char	*a;
	size_t		 n;

	r->has_caps = 1;
	while (peek(c) == ' ') {
		c->p++;
		if (peek(c) == ']' || at_end(c))
			break;
		/* Capabilities are atoms, but ']' ends a code's list. */
		a = c->p;
		while (c->p < c->end && *c->p != ' ' && *c->p != ']')
			c->p++;
		n = (size_t)(c->p - a);
		r->caps |= capability(a, n);
	}
	return 0;
}

/* resp-text: an optional [CODE args] and the text. */
static int
resp_text(struct cursor *c, struct imap_resp *r)
{
	const char	*a;
	size_t		 n;

	if (peek(c) == ' ')
		c->p++;
	if (peek(c) == '[') {
		c->p++;
		a = c->p;
		while (c->p < c->end && *c->p != ' ' && *c->p != ']')
			c->p++;
		n = (size_t)(c->p - a);
		if (n == 0 || n >= sizeof(r->code))
			return -1;
		memcpy(r->code, a, n);
		r->code[n] = '\0';
		if (strcasecmp(r->code, "CAPABILITY") == 0)
			capabilities(c, r);
		else if (strcasecmp(r->code, "UIDVALIDITY") == 0 ||
		    strcasecmp(r->code, "UIDNEXT") == 0) {
			if (space(c) == -1 || number32(c, &r->code_num) == -1)
				return -1;
			r->has_code_num = 1;
		}
		while (c->p < c->end && *c->p != ']')
			c->p++;
		if (at_end(c))
			return -1;
		c->p++;
	}
	keep_text(r, c);
	return 0;
}

/* The flags of a FETCH: only whether the message is closed matters. */
static int
flag_list(struct cursor *c, struct imap_resp *r)
{
	const char	*a;
	size_t		 n;

	if (peek(c) != '(')
		return -1;
	c->p++;
	r->flags = 0;
	while (peek(c) != ')') {
		if ((n = atom(c, &a)) == 0)
			return -1;
		if (is_word(a, n, "\\Answered"))
			r->flags |= IMAP_FLAG_ANSWERED;
		else if (is_word(a, n, "\\Deleted"))
			r->flags |= IMAP_FLAG_DELETED;
		if (peek(c) == ' ')
			c->p++;
		else if (peek(c) != ')')
			return -1;
	}
	c->p++;
	r->have |= IMAP_HAVE_FLAGS;
	return 0;
}

/* A FETCH item's name, up to a section's '[' (BODY[HEADER]). */
static size_t
item_name(struct cursor *c, const char **start)
{
	*start = c->p;
	while (c->p < c->end && atom_char((unsigned char)*c->p) &&
	    *c->p != '[')
		c->p++;
	return (size_t)(c->p - *start);
}

/* msg-att: (NAME value NAME value ...). */
static int
fetch_items(struct cursor *c, struct imap_resp *r, const char **why)
{
	const char	*a;
	char		 date[64];
	size_t		 n;

	if (space(c) == -1 || peek(c) != '(') {
		*why = "FETCH without its list";
		return -1;
	}
	c->p++;
	while (peek(c) != ')') {
		if ((n = item_name(c, &a)) == 0) {
			*why = "FETCH item without a name";
			return -1;
		}
		if (peek(c) == '[') {
			/* BODY[...]<n>: the name goes on to its ']'. */
			while (!at_end(c) && *c->p != ']')
				c->p++;
			if (at_end(c)) {
				*why = "unclosed section in a FETCH item";
				return -1;
			}
			c->p++;
			if (peek(c) == '<')
				while (!at_end(c) && *c->p++ != '>')
					;
			n = 0;
		}
		if (space(c) == -1) {
			*why = "FETCH item without a value";
			return -1;
		}
		if (is_word(a, n, "UID")) {
			if (number32(c, &r->uid) == -1 || r->uid == 0) {
				*why = "bad UID in FETCH";
				return -1;
			}
			r->have |= IMAP_HAVE_UID;
		} else if (is_word(a, n, "FLAGS")) {
			if (flag_list(c, r) == -1) {
				*why = "bad FLAGS in FETCH";
				return -1;
			}
		} else if (is_word(a, n, "INTERNALDATE")) {
			if (string(c, date, sizeof(date)) == -1) {
				*why = "bad INTERNALDATE in FETCH";
				return -1;
			}
			/* A date we cannot read leaves the message in. */
			if (imap_date(date, strlen(date), &r->date) == -1)
				r->date = IMAP_DATE_UNKNOWN;
			r->have |= IMAP_HAVE_DATE;
		} else if (skip_value(c, 0) == -1) {
			*why = "bad value in FETCH";
			return -1;
		}
		if (peek(c) == ' ')
			c->p++;
		else if (peek(c) != ')') {
			*why = "FETCH list not closed";
			return -1;
		}
	}
	c->p++;
	return 0;
}

/* * SEARCH 1 5 9 (MODSEQ 42): the numbers. */
static int
search(struct cursor *c, struct imap_resp *r)
{
	uint32_t	 uid;

	while (peek(c) == ' ') {
		c->p++;
		if (peek(c) == '(')
			return skip_value(c, 0);
		if (at_end(c))
			break;		/* a trailing space, as some send */
		if (number32(c, &uid) == -1 || uid == 0)
			return -1;
		imap_uids_add(&r->search, uid);
	}
	return at_end(c) ? 0 : -1;
}

static int
status_word(const char *a, size_t n, enum imap_status *st)
{
	if (is_word(a, n, "OK"))
		*st = IMAP_OK;
	else if (is_word(a, n, "NO"))
		*st = IMAP_NO;
	else if (is_word(a, n, "BAD"))
		*st = IMAP_BAD;
	else if (is_word(a, n, "PREAUTH"))
		*st = IMAP_PREAUTH;
	else if (is_word(a, n, "BYE"))
		*st = IMAP_BYE;
	else
		return -1;
	return 0;
}

/* The untagged responses: * WORD ... or * n WORD ... */
static int
untagged(struct cursor *c, struct imap_resp *r, const char **why)
{
	const char	*a;
	size_t		 n;

	if (isdigit(peek(c))) {
		if (number32(c, &r->num) == -1 || space(c) == -1 ||
		    (n = atom(c, &a)) == 0) {
			*why = "bad message data";
			return -1;
		}
		if (is_word(a, n, "EXISTS"))
			r->kind = IMAP_EXISTS;
		else if (is_word(a, n, "EXPUNGE"))
			r->kind = IMAP_EXPUNGE;
		else if (is_word(a, n, "FETCH")) {
			r->kind = IMAP_FETCH;
			return fetch_items(c, r, why);
		} else
			r->kind = IMAP_OTHER;	/* RECENT, ... */
		return 0;
	}
	if ((n = atom(c, &a)) == 0) {
		*why = "untagged response without a name";
		return -1;
	}
	if (status_word(a, n, &r->status) == 0) {
		r->kind = IMAP_STATUS;
		if (resp_text(c, r) == -1) {
			*why = "bad response code";
			return -1;
		}
	} else if (is_word(a, n, "CAPABILITY")) {
		r->kind = IMAP_CAPABILITY;
		capabilities(c, r);
	} else if (is_word(a, n, "SEARCH")) {
		r->kind = IMAP_SEARCH;
		if (search(c, r) == -1) {
			*why = "bad SEARCH result";
			return -1;
		}
	} else
		r->kind = IMAP_OTHER;
	return 0;
}

int
imap_parse(const char *buf, size_t len, struct imap_resp *r,
    const char **why)
{
	struct imap_uids keep = r->search;
	struct cursor	 c = { buf, buf + len };
	const char	*a;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	r->search = keep;
	r->search.n = 0;
	if (len > 0 && buf[len - 1] == '\n')
		c.end--;
	if (c.end > c.p && c.end[-1] == '\r')
		c.end--;
	if (at_end(&c)) {
		*why = "empty line";
		return -1;
	}
	if (peek(&c) == '+') {
		c.p++;
		r->kind = IMAP_CONTINUE;
		keep_text(r, &c);
		return 0;
	}
	if (peek(&c) == '*') {
		c.p++;
		if (space(&c) == -1) {
			*why = "no space after '*'";
			return -1;
		}
		return untagged(&c, r, why);
	}
	/* A tag: what we sent, so plain letters and digits. */
	a = c.p;
	while (c.p < c.end && isalnum((unsigned char)*c.p))
		c.p++;
	n = (size_t)(c.p - a);
	if (n == 0 || n > IMAP_TAG_MAX || space(&c) == -1) {
		*why = "not a response";
		return -1;
	}
	memcpy(r->tag, a, n);
	r->tag[n] = '\0';
	r->kind = IMAP_TAGGED;
	if ((n = atom(&c, &a)) == 0 || status_word(a, n, &r->status) == -1 ||
	    r->status == IMAP_PREAUTH || r->status == IMAP_BYE) {
		*why = "tagged response without OK, NO or BAD";
		return -1;
	}
	if (resp_text(&c, r) == -1) {
		*why = "bad response code";
		return -1;
	}
	return 0;
}

void
imap_resp_free(struct imap_resp *r)
{
	imap_uids_free(&r->search);
}

/* n digits at s, as a number; -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
imap_date(const char *s, size_t len, int64_t *out)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	char		 buf[40];
	const char	*p;
	int		 day, mon, year, h, mi, sec, zh, zm, leap;

	/* " 7-Jul-..." and "7-Jul-..." as well as "07-Jul-...". */
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	p = buf[0] == ' ' ? buf + 1 : buf;
	if (isdigit((unsigned char)p[0]) && p[1] == '-') {
		day = p[0] - '0';
		p += 2;
	} else if ((day = digits(p, 2)) != -1 && p[2] == '-')
		p += 3;
	else
		return -1;
	for (mon = 0; mon < 12; mon++)
		if (strncasecmp(p, months[mon], 3) == 0)
			break;
	if (mon == 12 || p[3] != '-')
		return -1;
	p += 4;
	/* "yyyy hh:mm:ss +zzzz" */
	if (strlen(p) != 19 || p[4] != ' ' || p[7] != ':' || p[10] != ':' ||
	    p[13] != ' ' || (p[14] != '+' && p[14] != '-'))
		return -1;
	if ((year = digits(p, 4)) == -1 || (h = digits(p + 5, 2)) == -1 ||
	    (mi = digits(p + 8, 2)) == -1 || (sec = digits(p + 11, 2)) == -1 ||
	    (zh = digits(p + 15, 2)) == -1 || (zm = digits(p + 17, 2)) == -1)
		return -1;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day < 1 || day > mdays[mon] || (mon == 1 && !leap && day > 28) ||
	    year < 1 || h > 23 || mi > 59 || sec > 60 || zh > 23 ||
	    zm > 59)
		return -1;
	*out = (int64_t)calendar_days_from_civil(year, mon + 1, day) * 86400 + h * 3600 +
	    mi * 60 + (sec == 60 ? 59 : sec) -
	    (p[14] == '-' ? -1 : 1) * (zh * 3600 + zm * 60);
	return 0;
}

/* ---- writing commands ---- */

int
imap_quote(const char *s, char *out, size_t len)
{
	size_t	 o = 0;

	if (len < 3)
		return -1;
	out[o++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			return -1;
		if (*s == '"' || *s == '\\') {
			if (o + 1 >= len)
				return -1;
			out[o++] = '\\';
		}
		if (o + 2 >= len)
			return -1;
		out[o++] = *s;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

/* The next code point of UTF-8 at *p; -1 when it is not UTF-8. */
static long
utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long		 cp;
	int		 n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		n = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		n = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		n = 3;
	} else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond Unicode are not UTF-8. */
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*p = s + n + 1;
	return cp;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Modified base64 of modified UTF-7: ',' for '/'. */
static char
b64m(uint32_t v)
{
	return v == 63 ? ',' : b64[v];
}

/* Out of room is -1. */
static int
put(char *out, size_t len, size_t *o, char ch)
{
	if (*o + 1 >= len)
		return -1;
	out[(*o)++] = ch;
	return 0;
}

int
imap_mutf7(const char *utf8, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)utf8;
	uint32_t	 bits = 0;
	int		 nbits = 0, in_b64 = 0, u, nu, i;
	long		 cp;
	size_t		 o = 0;

	if (len == 0)
		return -1;
	while (*p != '\0') {
		if ((cp = utf8_next(&p)) == -1)
			return -1;
		if (cp >= 0x20 && cp <= 0x7e) {
			if (in_b64) {
				if (nbits > 0 && put(out, len, &o,
				    b64m((bits << (6 - nbits)) & 0x3f)) == -1)
					return -1;
				if (put(out, len, &o, '-') == -1)
					return -1;
				in_b64 = 0;
				nbits = 0;
				bits = 0;
			}
			if (put(out, len, &o, (char)cp) == -1 ||
			    (cp == '&' && put(out, len, &o, '-') == -1))
				return -1;
			continue;
		}
		if (!in_b64) {
			if (put(out, len, &o, '&') == -1)
				return -1;
			in_b64 = 1;
		}
		/* UTF-16, then base64 with ',' for '/'. */
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u = (int)(0xd800 + (cp >> 10));
			nu = (int)(0xdc00 + (cp & 0x3ff));
		} else {
			u = (int)cp;
			nu = -1;
		}
		for (i = 0; i < 2; i++) {
			if (i == 1 && nu == -1)
				break;
			bits = (bits << 16) | (uint32_t)(i == 0 ? u : nu);
			nbits += 16;
			while (nbits >= 6) {
				nbits -= 6;
				if (put(out, len, &o,
				    b64m((bits >> nbits) & 0x3f)) == -1)
					return -1;
			}
			bits &= (1u << nbits) - 1;
		}
	}
	if (in_b64) {
		if (nbits > 0 && put(out, len, &o,
		    b64m((bits << (6 - nbits)) & 0x3f)) == -1)
			return -1;
		if (put(out, len, &o, '-') == -1)
			return -1;
	}
	out[o] = '\0';
	return 0;
}

int
imap_base64(const void *in, size_t n, char *out, size_t len)
{
	const unsigned char *s = in;
	size_t		 i, o = 0;
	uint32_t	 v;

	if (len < (n + 2) / 3 * 4 + 1)
		return -1;
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 0x3f];
		out[o++] = b64[(v >> 6) & 0x3f];
		out[o++] = b64[v & 0x3f];
	}
	if (i < n) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 0x3f];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 0x3f] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

size_t
imap_seqset(const uint32_t *uids, size_t n, char *out, size_t len)
{
	char	 piece[32];
	size_t	 i = 0, j, o = 0;
	int	 k;

	if (len == 0)
		return 0;
	out[0] = '\0';
	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (j == i)
			k = snprintf(piece, sizeof(piece), "%s%u",
			    o > 0 ? "," : "", uids[i]);
		else
			k = snprintf(piece, sizeof(piece), "%s%u:%u",
			    o > 0 ? "," : "", uids[i], uids[j]);
		if (o + (size_t)k + 1 > len)
			break;
		memcpy(out + o, piece, (size_t)k + 1);
		o += (size_t)k;
		i = j + 1;
	}
	return i;
}

void
imap_uids_add(struct imap_uids *u, uint32_t uid)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		u->v = xreallocarray(u->v, u->cap, sizeof(*u->v));
	}
	u->v[u->n++] = uid;
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
imap_uids_sort(struct imap_uids *u)
{
	size_t	 i, o = 0;

	if (u->n == 0)
		return;
	qsort(u->v, u->n, sizeof(*u->v), cmp_uid);
	for (i = 1; i < u->n; i++)
		if (u->v[i] != u->v[o])
			u->v[++o] = u->v[i];
	u->n = o + 1;
}

void
imap_uids_free(struct imap_uids *u)
{
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/* ---- a watched folder ---- */

void
imap_msgs_add(struct imap_msgs *m, uint32_t uid, int64_t date, int answered)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
	}
	m->v[m->n].uid = uid;
	m->v[m->n].date = date;
	m->v[m->n].answered = answered;
	m->n++;
}

void
imap_msgs_free(struct imap_msgs *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int
cmp_msg(const void *a, const void *b)
{
	const struct imap_msg *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* The open message with uid, or NULL. */
static const struct imap_msg *
find_open(const struct imap_box *b, uint32_t uid)
{
	struct imap_msg	 key = { .uid = uid };

	if (b->open.n == 0)
		return NULL;
	return bsearch(&key, b->open.v, b->open.n, sizeof(key), cmp_msg);
}

int
imap_box_open(struct imap_box *b, uint32_t uidvalidity, uint32_t uidnext)
{
	if (b->uidvalidity != 0 && b->uidvalidity == uidvalidity)
		return 0;
	b->uidvalidity = uidvalidity;
	b->uidnext = uidnext;
	b->open.n = 0;
	return 1;
}

void
imap_box_unknown(const struct imap_box *b, const struct imap_uids *search,
    struct imap_uids *out)
{
	size_t	 i;

	out->n = 0;
	for (i = 0; i < search->n; i++)
		if (find_open(b, search->v[i]) == NULL)
			imap_uids_add(out, search->v[i]);
	imap_uids_sort(out);
}

void
imap_box_merge(const struct imap_box *b, const struct imap_uids *search,
    const struct imap_msgs *fetched, struct imap_msgs *cur)
{
	const struct imap_msg *m;
	size_t		 i, o;

	cur->n = 0;
	for (i = 0; i < fetched->n; i++)
		imap_msgs_add(cur, fetched->v[i].uid, fetched->v[i].date,
		    fetched->v[i].answered);
	/* Fetched twice (a FETCH in between): closed by either stands. */
	if (cur->n > 1) {
		qsort(cur->v, cur->n, sizeof(*cur->v), cmp_msg);
		for (i = 1, o = 0; i < cur->n; i++) {
			if (cur->v[i].uid == cur->v[o].uid)
				cur->v[o].answered |= cur->v[i].answered;
			else
				cur->v[++o] = cur->v[i];
		}
		cur->n = o + 1;
	}
	o = cur->n;
	for (i = 0; i < search->n; i++) {
		if ((m = find_open(b, search->v[i])) == NULL)
			continue;
		if (o > 0 && bsearch(m, cur->v, o, sizeof(*m), cmp_msg) != NULL)
			continue;
		imap_msgs_add(cur, m->uid, m->date, 0);
	}
	if (cur->n > 1)
		qsort(cur->v, cur->n, sizeof(*cur->v), cmp_msg);
}

static void
change(struct imap_changes *out, enum imap_change_kind kind, double wait)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	out->v[out->n].kind = kind;
	out->v[out->n].wait = wait > 0 ? wait : 0;
	out->n++;
}

void
imap_box_update(struct imap_box *b, const struct imap_msgs *cur, double now,
    struct imap_changes *out)
{
	struct imap_msgs next = { 0 };
	const struct imap_msg *o, *c;
	size_t		 i = 0, j = 0;
	uint32_t	 top = 0;

	/* Both sorted by uid: walk them side by side. */
	while (i < b->open.n || j < cur->n) {
		o = i < b->open.n ? &b->open.v[i] : NULL;
		c = j < cur->n ? &cur->v[j] : NULL;
		if (c != NULL && c->uid >= top)
			top = c->uid;
		if (o != NULL && (c == NULL || o->uid < c->uid)) {
			/* Gone from the folder: moved, filed or removed. */
			change(out, IMAP_ANSWERED, now - (double)o->date);
			i++;
		} else if (c != NULL && (o == NULL || c->uid < o->uid)) {
			if (b->uidnext != 0 && c->uid >= b->uidnext) {
				change(out, IMAP_ARRIVED, 0);
				if (c->answered)
					change(out, IMAP_ANSWERED,
					    now - (double)c->date);
			}
			/* Else known at the start, or opened again. */
			if (!c->answered)
				imap_msgs_add(&next, c->uid, c->date, 0);
			j++;
		} else {
			if (c->answered)
				change(out, IMAP_ANSWERED,
				    now - (double)o->date);
			else
				imap_msgs_add(&next, o->uid, o->date, 0);
			i++;
			j++;
		}
	}
	if (top != UINT32_MAX && top + 1 > b->uidnext)
		b->uidnext = top + 1;
	if (b->uidnext == 0)
		b->uidnext = 1;
	imap_msgs_free(&b->open);
	b->open = next;
}

size_t
imap_box_backlog(const struct imap_box *b)
{
	return b->open.n;
}

double
imap_box_oldest_age(const struct imap_box *b, double now)
{
	double	 age = 0;
	size_t	 i;

	for (i = 0; i < b->open.n; i++)
		if (now - (double)b->open.v[i].date > age)
			age = now - (double)b->open.v[i].date;
	return age;
}

void
imap_box_free(struct imap_box *b)
{
	imap_msgs_free(&b->open);
	memset(b, 0, sizeof(*b));
}

/*
 * test_imap_parse.c: the IMAP probe's pure part (probes/imap_parse.c):
 * framing, responses (malformed ones too), INTERNALDATE in its time
 * zones, command arguments, and a folder's state from one look to the
 * next (arrived, answered by flag, by a move, a new UIDVALIDITY).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "imap_parse.h"

/* ---- responses ---- */

struct resp_case {
	const char	*name;
	const char	*in;
	int		 rc;
	enum imap_kind	 kind;
	enum imap_status status;
	const char	*tag;		/* NULL: not checked */
	const char	*code;		/* NULL: none */
	uint32_t	 code_num;
	unsigned	 caps;
	uint32_t	 num;
	uint32_t	 uid;
	unsigned	 have, flags;
	int64_t		 date;
	size_t		 nsearch;
	const char	*text;		/* NULL: not checked */
};

static const struct resp_case resp_cases[] = {
	{ .name = "greeting with capabilities",
	  .in = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE"
	  " IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n", .rc = 0,
	  .kind = IMAP_STATUS, .status = IMAP_OK, .code = "CAPABILITY",
	  .caps = IMAP_CAP_IMAP4REV1 | IMAP_CAP_SASL_IR | IMAP_CAP_IDLE |
	  IMAP_CAP_LITERALPLUS | IMAP_CAP_STARTTLS | IMAP_CAP_AUTH_PLAIN,
	  .text = "Dovecot ready." },
	{ .name = "plain greeting", .in = "* OK IMAP4rev1 server ready\r\n",
	  .rc = 0, .kind = IMAP_STATUS, .status = IMAP_OK,
	  .text = "IMAP4rev1 server ready" },
	{ .name = "preauth greeting", .in = "* PREAUTH ready\r\n", .rc = 0,
	  .kind = IMAP_STATUS, .status = IMAP_PREAUTH },
	{ .name = "bye", .in = "* BYE Server shutting down.\r\n", .rc = 0,
	  .kind = IMAP_STATUS, .status = IMAP_BYE,
	  .text = "Server shutting down." },
	{ .name = "capability response, case and LOGINDISABLED",
	  .in = "* CAPABILITY imap4REV1 logindisabled starttls idle\r\n",
	  .rc = 0, .kind = IMAP_CAPABILITY,
	  .caps = IMAP_CAP_IMAP4REV1 | IMAP_CAP_LOGINDISABLED |
	  IMAP_CAP_STARTTLS | IMAP_CAP_IDLE },
	{ .name = "tagged OK", .in = "a7 OK Logged in\r\n", .rc = 0,
	  .kind = IMAP_TAGGED, .status = IMAP_OK, .tag = "a7",
	  .text = "Logged in" },
	{ .name = "tagged NO with a code",
	  .in = "a2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
	  .rc = 0, .kind = IMAP_TAGGED, .status = IMAP_NO, .tag = "a2",
	  .code = "AUTHENTICATIONFAILED", .text = "Authentication failed." },
	{ .name = "tagged BAD, bare LF",
	  .in = "a3 BAD Error in IMAP command\n", .rc = 0,
	  .kind = IMAP_TAGGED, .status = IMAP_BAD, .tag = "a3" },
	{ .name = "tagged OK with capabilities after login",
	  .in = "a1 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in\r\n",
	  .rc = 0, .kind = IMAP_TAGGED, .status = IMAP_OK,
	  .code = "CAPABILITY", .caps = IMAP_CAP_IMAP4REV1 | IMAP_CAP_IDLE },
	{ .name = "UIDVALIDITY",
	  .in = "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", .rc = 0,
	  .kind = IMAP_STATUS, .status = IMAP_OK, .code = "UIDVALIDITY",
	  .code_num = 3857529045u, .text = "UIDs valid" },
	{ .name = "UIDNEXT",
	  .in = "* OK [UIDNEXT 4392] Predicted next UID\r\n", .rc = 0,
	  .kind = IMAP_STATUS, .status = IMAP_OK, .code = "UIDNEXT",
	  .code_num = 4392 },
	{ .name = "PERMANENTFLAGS",
	  .in = "* OK [PERMANENTFLAGS (\\Answered \\Deleted \\*)] Flags permi"
	  "tted.\r\n", .rc = 0, .kind = IMAP_STATUS, .status = IMAP_OK,
	  .code = "PERMANENTFLAGS", .text = "Flags permitted." },
	{ .name = "EXISTS", .in = "* 172 EXISTS\r\n", .rc = 0,
	  .kind = IMAP_EXISTS, .num = 172 },
	{ .name = "EXPUNGE", .in = "* 3 EXPUNGE\r\n", .rc = 0,
	  .kind = IMAP_EXPUNGE, .num = 3 },
	{ .name = "RECENT is other", .in = "* 1 RECENT\r\n", .rc = 0,
	  .kind = IMAP_OTHER, .num = 1 },
	{ .name = "FLAGS is other",
	  .in = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
	  .rc = 0, .kind = IMAP_OTHER },
	{ .name = "continuation", .in = "+ idling\r\n", .rc = 0,
	  .kind = IMAP_CONTINUE, .text = "idling" },
	{ .name = "empty continuation", .in = "+\r\n", .rc = 0,
	  .kind = IMAP_CONTINUE, .text = "" },
	{ .name = "FETCH all three",
	  .in = "* 12 FETCH (UID 34 FLAGS (\\Seen \\Answered) INTERNALDATE \""
	  "17-Jul-1996 02:44:25 -0700\")\r\n", .rc = 0, .kind = IMAP_FETCH,
	  .num = 12, .uid = 34,
	  .have = IMAP_HAVE_UID | IMAP_HAVE_FLAGS | IMAP_HAVE_DATE,
	  .flags = IMAP_FLAG_ANSWERED, .date = 837596665 },
	{ .name = "FETCH in another order, deleted",
	  .in = "* 2 FETCH (INTERNALDATE \"01-Jan-2026 00:00:00 +0000\" FLAGS"
	  " (\\Deleted) UID 9)\r\n", .rc = 0, .kind = IMAP_FETCH, .num = 2,
	  .uid = 9, .have = IMAP_HAVE_UID | IMAP_HAVE_FLAGS | IMAP_HAVE_DATE,
	  .flags = IMAP_FLAG_DELETED, .date = 1767225600 },
	{ .name = "FETCH unsolicited flags only",
	  .in = "* 4 FETCH (FLAGS (\\Seen $Forwarded Junk))\r\n", .rc = 0,
	  .kind = IMAP_FETCH, .num = 4, .have = IMAP_HAVE_FLAGS },
	{ .name = "FETCH with empty flags and MODSEQ",
	  .in = "* 5 FETCH (UID 77 MODSEQ (12345) FLAGS ())\r\n", .rc = 0,
	  .kind = IMAP_FETCH, .num = 5, .uid = 77,
	  .have = IMAP_HAVE_UID | IMAP_HAVE_FLAGS },
	{ .name = "FETCH with a literal item we did not ask for",
	  .in = "* 6 FETCH (UID 8 BODY[HEADER.FIELDS (SUBJECT)] {19}\r\n"
	  "Subject: geheim\r\n\r\n FLAGS (\\Answered))\r\n",
	  .kind = IMAP_FETCH, .num = 6, .uid = 8,
	  .have = IMAP_HAVE_UID | IMAP_HAVE_FLAGS,
	  .flags = IMAP_FLAG_ANSWERED },
	{ .name = "FETCH INTERNALDATE as a literal",
	  .in = "* 7 FETCH (UID 3 INTERNALDATE {26}\r\n"
	  "07-Jun-2026 10:00:00 +0200)\r\n", .kind = IMAP_FETCH, .num = 7,
	  .uid = 3,
	  .have = IMAP_HAVE_UID | IMAP_HAVE_DATE, .date = 1780819200 },
	{ .name = "FETCH with an unreadable date keeps the message",
	  .in = "* 8 FETCH (UID 4 INTERNALDATE \"yesterday\")\r\n",
	  .kind = IMAP_FETCH, .num = 8, .uid = 4,
	  .have = IMAP_HAVE_UID | IMAP_HAVE_DATE, .date = IMAP_DATE_UNKNOWN },
	{ .name = "FETCH with nested lists skipped",
	  .in = "* 9 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" "
	  "\"utf-8\") NIL NIL \"7BIT\" 5 1) UID 10)\r\n",
	  .kind = IMAP_FETCH, .num = 9, .uid = 10, .have = IMAP_HAVE_UID },
	{ .name = "SEARCH", .in = "* SEARCH 2 84 882\r\n", .rc = 0,
	  .kind = IMAP_SEARCH, .nsearch = 3 },
	{ .name = "empty SEARCH", .in = "* SEARCH\r\n", .rc = 0,
	  .kind = IMAP_SEARCH, .nsearch = 0 },
	{ .name = "SEARCH with a trailing space and MODSEQ",
	  .in = "* SEARCH 5 6 (MODSEQ 917162500)\r\n", .rc = 0,
	  .kind = IMAP_SEARCH, .nsearch = 2 },
	{ .name = "LIST is other",
	  .in = "* LIST (\\HasNoChildren) \".\" Afgehandeld\r\n", .rc = 0,
	  .kind = IMAP_OTHER },
	/* Malformed. */
	{ .name = "empty line", .in = "\r\n", .rc = -1 },
	{ .name = "star without space", .in = "*OK hi\r\n", .rc = -1 },
	{ .name = "untagged without a name", .in = "* \r\n", .rc = -1 },
	{ .name = "tag without status", .in = "a1\r\n", .rc = -1 },
	{ .name = "tag with an unknown status", .in = "a1 MAYBE so\r\n",
	  .rc = -1 },
	{ .name = "tagged BYE", .in = "a1 BYE now\r\n", .rc = -1 },
	{ .name = "tag too long",
	  .in = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa OK\r\n", .rc = -1 },
	{ .name = "garbage", .in = "\x01\x02 hello\r\n", .rc = -1 },
	{ .name = "number without a word", .in = "* 12\r\n", .rc = -1 },
	{ .name = "UID beyond 32 bits",
	  .in = "* 1 FETCH (UID 4294967296)\r\n", .rc = -1 },
	{ .name = "UID zero", .in = "* 1 FETCH (UID 0)\r\n", .rc = -1 },
	{ .name = "FETCH not closed", .in = "* 1 FETCH (UID 5\r\n",
	  .rc = -1 },
	{ .name = "FETCH without a list", .in = "* 1 FETCH UID 5\r\n",
	  .rc = -1 },
	{ .name = "FETCH item without a value", .in = "* 1 FETCH (UID)\r\n",
	  .rc = -1 },
	{ .name = "FLAGS not a list", .in = "* 1 FETCH (FLAGS \\Seen)\r\n",
	  .rc = -1 },
	{ .name = "unterminated quoted date",
	  .in = "* 1 FETCH (INTERNALDATE \"01-Jan-2026)\r\n", .rc = -1 },
	{ .name = "literal longer than the response",
	  .in = "* 1 FETCH (BODY[] {100}\r\nshort)\r\n", .rc = -1 },
	{ .name = "lists nested too deep",
	  .in = "* 1 FETCH (X ((((((((((((((((((((((((((((((((((((())))))))))"
	  ")))))))))))))))))))))))))))))\r\n", .rc = -1 },
	{ .name = "SEARCH with a word", .in = "* SEARCH 1 two\r\n",
	  .rc = -1 },
	{ .name = "response code not closed",
	  .in = "* OK [UIDVALIDITY 5 hello\r\n", .rc = -1 },
	{ .name = "UIDVALIDITY without a number",
	  .in = "* OK [UIDVALIDITY] x\r\n", .rc = -1 },
};

static void
test_responses(void **state)
{
	const struct resp_case *t;
	struct imap_resp r = { 0 };
	const char	*why;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(resp_cases) / sizeof(resp_cases[0]); i++) {
		t = &resp_cases[i];
		why = NULL;
		rc = imap_parse(t->in, strlen(t->in), &r, &why);
		if (rc != t->rc)
			fail_msg("%s: rc %d (%s)", t->name, rc, why ? why : "");
		if (rc == -1) {
			if (why == NULL)
				fail_msg("%s: no reason given", t->name);
			continue;
		}
		if (r.kind != t->kind)
			fail_msg("%s: kind %d", t->name, r.kind);
		if ((t->kind == IMAP_TAGGED || t->kind == IMAP_STATUS) &&
		    r.status != t->status)
			fail_msg("%s: status %d", t->name, r.status);
		if (t->tag != NULL && strcmp(r.tag, t->tag) != 0)
			fail_msg("%s: tag %s", t->name, r.tag);
		if (strcmp(r.code, t->code ? t->code : "") != 0)
			fail_msg("%s: code %s", t->name, r.code);
		if (r.code_num != t->code_num)
			fail_msg("%s: code number %u", t->name, r.code_num);
		if (r.caps != t->caps)
			fail_msg("%s: caps %#x", t->name, r.caps);
		if (r.num != t->num || r.uid != t->uid || r.have != t->have ||
		    r.flags != t->flags)
			fail_msg("%s: num %u uid %u have %#x flags %#x",
			    t->name, r.num, r.uid, r.have, r.flags);
		if ((t->have & IMAP_HAVE_DATE) && r.date != t->date)
			fail_msg("%s: date %lld", t->name, (long long)r.date);
		if (r.search.n != t->nsearch)
			fail_msg("%s: %zu searched", t->name, r.search.n);
		if (t->text != NULL && strcmp(r.text, t->text) != 0)
			fail_msg("%s: text '%s'", t->name, r.text);
	}
	imap_resp_free(&r);
}

static void
test_search_values(void **state)
{
	const char	*in = "* SEARCH 4294967295 1 17\r\n", *why;
	struct imap_resp r = { 0 };

	(void)state;
	assert_int_equal(imap_parse(in, strlen(in), &r, &why), 0);
	assert_int_equal(r.search.n, 3);
	assert_int_equal(r.search.v[0], 4294967295u);
	assert_int_equal(r.search.v[2], 17);
	/* Reused: the next SEARCH starts empty. */
	in = "* SEARCH 9\r\n";
	assert_int_equal(imap_parse(in, strlen(in), &r, &why), 0);
	assert_int_equal(r.search.n, 1);
	assert_int_equal(r.search.v[0], 9);
	imap_resp_free(&r);
}

/* ---- framing ---- */

struct frame_case {
	const char	*name;
	const char	*in;
	size_t		 lens[4];	/* of the complete responses, 0 ends */
	int		 bad;		/* the stream ends in an error */
};

static const struct frame_case frame_cases[] = {
	{ .name = "two lines", .in = "* 1 EXISTS\r\na1 OK done\r\n",
	  .lens = { 12, 12 } },
	{ .name = "bare LF", .in = "* 1 EXISTS\na1 OK\n", .lens = { 11, 6 } },
	{ .name = "incomplete line", .in = "* 1 EXISTS\r\n* 2 EXI",
	  .lens = { 12 } },
	{ .name = "literal with a CRLF inside",
	  .in = "* 1 FETCH (BODY[] {7}\r\na\r\nb\r\nc)\r\na1 OK\r\n",
	  .lens = { 33, 7 } },
	{ .name = "literal+ form", .in = "* 1 FETCH (X {3+}\r\n}\r\n)\r\n",
	  .lens = { 25 } },
	{ .name = "two literals in one response",
	  .in = "* 1 FETCH (A {1}\r\n{ B {2}\r\n{})\r\n", .lens = { 32 } },
	{ .name = "literal not yet complete",
	  .in = "* 1 FETCH (BODY[] {10}\r\nabc", .lens = { 0 } },
	{ .name = "braces that are no literal", .in = "* OK {x}\r\n",
	  .lens = { 10 } },
	{ .name = "literal length too long",
	  .in = "* 1 FETCH (X {99999999999}\r\n", .lens = { 0 }, .bad = 1 },
	{ .name = "literal beyond the maximum",
	  .in = "* 1 FETCH (X {16777217}\r\n", .lens = { 0 }, .bad = 1 },
};

/* Feeds in pieces of step bytes; checks the responses' lengths. */
static void
frame_in_steps(const struct frame_case *t, size_t step)
{
	struct imap_framer f;
	size_t		 len = strlen(t->in), pos = 0, n, used, k = 0;
	int		 rc = 0;

	imap_framer_reset(&f);
	while (pos < len) {
		n = len - pos < step ? len - pos : step;
		rc = imap_frame(&f, t->in + pos, n, IMAP_RESPONSE_MAX, &used);
		if (rc == -1)
			break;
		pos += used;
		if (rc == 1) {
			if (f.len != t->lens[k])
				fail_msg("%s (step %zu): response %zu is %zu "
				    "bytes", t->name, step, k, f.len);
			k++;
			imap_framer_reset(&f);
		}
	}
	if ((rc == -1) != t->bad)
		fail_msg("%s (step %zu): rc %d", t->name, step, rc);
	if (t->lens[k] != 0)
		fail_msg("%s (step %zu): only %zu responses", t->name, step, k);
}

static void
test_framing(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(frame_cases) / sizeof(frame_cases[0]); i++) {
		frame_in_steps(&frame_cases[i], 1);
		frame_in_steps(&frame_cases[i], 5);
		frame_in_steps(&frame_cases[i], 4096);
	}
}

static void
test_frame_too_long(void **state)
{
	struct imap_framer f;
	char		 buf[100];
	size_t		 used;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	imap_framer_reset(&f);
	assert_int_equal(imap_frame(&f, buf, 60, 80, &used), 0);
	assert_int_equal(imap_frame(&f, buf, 40, 80, &used), -1);
}

/* ---- INTERNALDATE ---- */

struct date_case {
	const char	*name;
	const char	*in;
	int		 rc;
	int64_t		 epoch;
};

static const struct date_case date_cases[] = {
	{ .name = "UTC", .in = "01-Jan-2026 00:00:00 +0000", .rc = 0,
	  .epoch = 1767225600 },
	{ .name = "Amsterdam summer time", .in = "07-Jun-2026 10:00:00 +0200",
	  .rc = 0, .epoch = 1780819200 },
	{ .name = "Amsterdam winter time", .in = "29-Nov-2026 20:23:30 +0100",
	  .rc = 0, .epoch = 1795980210 },
	{ .name = "west of UTC", .in = "17-Jul-1996 02:44:25 -0700", .rc = 0,
	  .epoch = 837596665 },
	{ .name = "half-hour zone", .in = "01-Jan-2026 05:30:00 +0530",
	  .rc = 0, .epoch = 1767225600 },
	{ .name = "day with a leading space",
	  .in = " 1-Jan-2026 00:00:00 +0000", .rc = 0, .epoch = 1767225600 },
	{ .name = "one-digit day", .in = "1-Jan-2026 00:00:00 +0000", .rc = 0,
	  .epoch = 1767225600 },
	{ .name = "lower-case month", .in = "01-jan-2026 00:00:00 +0000",
	  .rc = 0, .epoch = 1767225600 },
	{ .name = "leap day", .in = "29-Feb-2028 12:00:00 +0000", .rc = 0,
	  .epoch = 1835438400 },
	{ .name = "leap second", .in = "31-Dec-2016 23:59:60 +0000", .rc = 0,
	  .epoch = 1483228799 },
	{ .name = "no leap day", .in = "29-Feb-2026 12:00:00 +0000", .rc = -1
	  },
	{ .name = "31 April", .in = "31-Apr-2026 12:00:00 +0000", .rc = -1 },
	{ .name = "unknown month", .in = "01-Foo-2026 00:00:00 +0000",
	  .rc = -1 },
	{ .name = "hour 24", .in = "01-Jan-2026 24:00:00 +0000", .rc = -1 },
	{ .name = "zone without sign", .in = "01-Jan-2026 00:00:00 0000",
	  .rc = -1 },
	{ .name = "zone minutes 60", .in = "01-Jan-2026 00:00:00 +0060",
	  .rc = -1 },
	{ .name = "short year", .in = "01-Jan-26 00:00:00 +0000", .rc = -1 },
	{ .name = "trailing junk", .in = "01-Jan-2026 00:00:00 +0000x",
	  .rc = -1 },
	{ .name = "empty", .in = "", .rc = -1 },
};

static void
test_dates(void **state)
{
	const struct date_case *t;
	int64_t		 v;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
		t = &date_cases[i];
		v = 0;
		rc = imap_date(t->in, strlen(t->in), &v);
		if (rc != t->rc)
			fail_msg("%s: rc %d", t->name, rc);
		if (rc == 0 && v != t->epoch)
			fail_msg("%s: %lld, expected %lld", t->name,
			    (long long)v, (long long)t->epoch);
	}
}

/* ---- command arguments ---- */

struct str_case {
	const char	*name;
	int		 (*fn)(const char *, char *, size_t);
	const char	*in;
	size_t		 room;
	int		 rc;
	const char	*out;
};

static const struct str_case str_cases[] = {
	{ "quote plain", imap_quote, "kcc", 64, 0, "\"kcc\"" },
	{ "quote escapes", imap_quote, "a\"b\\c", 64, 0, "\"a\\\"b\\\\c\"" },
	{ "quote empty", imap_quote, "", 64, 0, "\"\"" },
	{ "quote refuses CR", imap_quote, "a\rb", 64, -1, NULL },
	{ "quote refuses LF", imap_quote, "a\nb", 64, -1, NULL },
	{ "quote out of room", imap_quote, "abcdef", 8, -1, NULL },
	{ "quote just fits", imap_quote, "abcde", 8, 0, "\"abcde\"" },
	{ "mutf7 ASCII", imap_mutf7, "Afgehandeld", 64, 0, "Afgehandeld" },
	{ "mutf7 ampersand", imap_mutf7, "A&B", 64, 0, "A&-B" },
	{ "mutf7 RFC 3501 example", imap_mutf7,
	  "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8"
	  "\xaa\x9e", 64, 0, "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "mutf7 Dutch", imap_mutf7, "Beh\xc3\xa4ndeld", 64, 0,
	  "Beh&AOQ-ndeld" },
	{ "mutf7 beyond the BMP", imap_mutf7, "\xf0\x9f\x93\xa7", 64, 0,
	  "&2D3c5w-" },
	{ "mutf7 refuses bad UTF-8", imap_mutf7, "a\xc3(", 64, -1, NULL },
	{ "mutf7 refuses overlong", imap_mutf7, "\xc0\xaf", 64, -1, NULL },
	{ "mutf7 out of room", imap_mutf7, "Afgehandeld", 5, -1, NULL },
};

static void
test_strings(void **state)
{
	const struct str_case *t;
	char		 out[64];
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++) {
		t = &str_cases[i];
		rc = t->fn(t->in, out, t->room);
		if (rc != t->rc)
			fail_msg("%s: rc %d", t->name, rc);
		if (rc == 0 && strcmp(out, t->out) != 0)
			fail_msg("%s: '%s'", t->name, out);
	}
}

static void
test_base64(void **state)
{
	char	 out[64];

	(void)state;
	/* AUTHENTICATE PLAIN: NUL user NUL password. */
	assert_int_equal(imap_base64("\0kcc\0geheim", 11, out, sizeof(out)),
	    0);
	assert_string_equal(out, "AGtjYwBnZWhlaW0=");
	assert_int_equal(imap_base64("ab", 2, out, sizeof(out)), 0);
	assert_string_equal(out, "YWI=");
	assert_int_equal(imap_base64("abc", 3, out, sizeof(out)), 0);
	assert_string_equal(out, "YWJj");
	assert_int_equal(imap_base64("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(imap_base64("abcd", 4, out, 8), -1);
	assert_int_equal(imap_base64("abcd", 4, out, 9), 0);
}

static void
test_seqset(void **state)
{
	static const uint32_t uids[] = { 1, 2, 3, 5, 7, 8, 100 };
	char	 out[64];

	(void)state;
	assert_int_equal(imap_seqset(uids, 7, out, sizeof(out)), 7);
	assert_string_equal(out, "1:3,5,7:8,100");
	/* Cut where it no longer fits: the caller sends the rest later. */
	assert_int_equal(imap_seqset(uids, 7, out, 8), 4);
	assert_string_equal(out, "1:3,5");
	assert_int_equal(imap_seqset(uids, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
test_uids_sort(void **state)
{
	struct imap_uids u = { 0 };

	(void)state;
	imap_uids_add(&u, 9);
	imap_uids_add(&u, 3);
	imap_uids_add(&u, 9);
	imap_uids_add(&u, 1);
	imap_uids_sort(&u);
	assert_int_equal(u.n, 3);
	assert_int_equal(u.v[0], 1);
	assert_int_equal(u.v[1], 3);
	assert_int_equal(u.v[2], 9);
	imap_uids_free(&u);
}

/* ---- a folder's state ---- */

#define T0	1767225600	/* 2026-01-01 00:00:00 UTC */
#define END	{ 0, 0, 0 }

/* One look at the folder: what is in it, and what must follow. */
struct look {
	double		 now;
	uint32_t	 uidvalidity, uidnext;	/* as EXAMINE says */
	struct imap_msg	 cur[8];		/* ends with uid 0 */
	int		 fresh;			/* imap_box_open's answer */
	size_t		 arrived;
	double		 answered[4];		/* waits, 0 ends */
	size_t		 backlog;
	double		 oldest_age;
};

struct box_case {
	const char	*name;
	struct look	 looks[4];		/* ends with now 0 */
};

static const struct box_case box_cases[] = {
	{ "baseline counts nothing", {
	  { T0 + 100, 7, 4, { { 1, T0, 0 }, { 2, T0 + 50, 0 }, { 3, T0, 1 },
	    END }, 1, 0, { 0 }, 2, 100 } } },
	{ "arrived after the baseline", {
	  { T0 + 100, 7, 2, { { 1, T0, 0 }, END }, 1, 0, { 0 }, 1, 100 },
	  { T0 + 200, 7, 2, { { 1, T0, 0 }, { 2, T0 + 150, 0 },
	    { 3, T0 + 190, 0 }, END }, 0, 2, { 0 }, 3, 200 } } },
	{ "answered via the flag", {
	  { T0 + 100, 7, 3, { { 1, T0, 0 }, { 2, T0 + 40, 0 }, END }, 1, 0,
	    { 0 }, 2, 100 },
	  { T0 + 160, 7, 3, { { 1, T0, 1 }, { 2, T0 + 40, 0 }, END }, 0, 0,
	    { 160 }, 1, 120 } } },
	{ "answered via a move", {
	  { T0 + 100, 7, 3, { { 1, T0, 0 }, { 2, T0 + 40, 0 }, END }, 1, 0,
	    { 0 }, 2, 100 },
	  { T0 + 130, 7, 3, { { 1, T0, 0 }, END }, 0, 0, { 90 }, 1, 130 },
	  { T0 + 140, 7, 3, { END }, 0, 0, { 140 }, 0, 0 } } },
	{ "deleted counts as handled", {
	  { T0 + 10, 7, 2, { { 1, T0, 0 }, END }, 1, 0, { 0 }, 1, 10 },
	  { T0 + 20, 7, 2, { { 1, T0, 1 }, END }, 0, 0, { 20 }, 0, 0 } } },
	{ "arrived and answered between two looks", {
	  { T0 + 10, 7, 2, { { 1, T0, 0 }, END }, 1, 0, { 0 }, 1, 10 },
	  { T0 + 90, 7, 2, { { 1, T0, 0 }, { 2, T0 + 30, 1 }, END }, 0, 1,
	    { 60 }, 1, 90 } } },
	{ "UIDVALIDITY changes: afresh without counting", {
	  { T0 + 10, 7, 3, { { 1, T0, 0 }, { 2, T0, 0 }, END }, 1, 0, { 0 },
	    2, 10 },
	  { T0 + 20, 8, 6, { { 4, T0 + 5, 0 }, { 5, T0 + 6, 0 }, END }, 1, 0,
	    { 0 }, 2, 15 },
	  { T0 + 30, 8, 6, { { 4, T0 + 5, 0 }, { 5, T0 + 6, 0 },
	    { 6, T0 + 25, 0 }, END }, 0, 1, { 0 }, 3, 25 } } },
	{ "same UIDVALIDITY after a reconnect keeps the state", {
	  { T0 + 10, 7, 2, { { 1, T0, 0 }, END }, 1, 0, { 0 }, 1, 10 },
	  { T0 + 50, 7, 9, { { 2, T0 + 40, 0 }, END }, 0, 1, { 50 }, 1,
	    10 } } },
	{ "unknown UIDNEXT: the first look is the baseline", {
	  { T0 + 10, 7, 0, { { 5, T0, 0 }, END }, 1, 0, { 0 }, 1, 10 },
	  { T0 + 20, 7, 0, { { 5, T0, 0 }, { 6, T0 + 15, 0 }, END }, 0, 1,
	    { 0 }, 2, 20 } } },
	{ "an old message opened again comes back silently", {
	  { T0 + 10, 7, 5, { { 1, T0, 1 }, { 4, T0, 0 }, END }, 1, 0, { 0 },
	    1, 10 },
	  { T0 + 20, 7, 5, { { 1, T0, 0 }, { 4, T0, 0 }, END }, 0, 0, { 0 },
	    2, 20 } } },
	{ "a date in the future gives no negative wait", {
	  { T0, 7, 2, { { 1, T0 + 60, 0 }, END }, 1, 0, { 0 }, 1, 0 },
	  { T0 + 10, 7, 2, { END }, 0, 0, { -1 }, 0, 0 } } },
};

static void
run_box_case(const struct box_case *t)
{
	struct imap_box	 box = { 0 };
	struct imap_msgs cur = { 0 };
	struct imap_changes ch = { 0 };
	const struct look *l;
	size_t		 i, k, arrived, nanswered;
	int		 fresh;

	for (k = 0; k < 4 && t->looks[k].now != 0; k++) {
		l = &t->looks[k];
		fresh = imap_box_open(&box, l->uidvalidity, l->uidnext);
		if (fresh != l->fresh)
			fail_msg("%s, look %zu: fresh %d", t->name, k, fresh);
		cur.n = 0;
		for (i = 0; l->cur[i].uid != 0; i++)
			imap_msgs_add(&cur, l->cur[i].uid, l->cur[i].date,
			    l->cur[i].answered);
		ch.n = 0;
		imap_box_update(&box, &cur, l->now, &ch);
		arrived = nanswered = 0;
		for (i = 0; i < ch.n; i++) {
			if (ch.v[i].kind == IMAP_ARRIVED) {
				arrived++;
				continue;
			}
			/* -1 in the table stands for a wait of 0. */
			if (nanswered >= 4 || (ch.v[i].wait !=
			    l->answered[nanswered] && !(ch.v[i].wait == 0 &&
			    l->answered[nanswered] == -1)))
				fail_msg("%s, look %zu: answered after %g",
				    t->name, k, ch.v[i].wait);
			nanswered++;
		}
		if (nanswered < 4 && l->answered[nanswered] != 0)
			fail_msg("%s, look %zu: %zu answered", t->name, k,
			    nanswered);
		if (arrived != l->arrived)
			fail_msg("%s, look %zu: %zu arrived", t->name, k,
			    arrived);
		if (imap_box_backlog(&box) != l->backlog)
			fail_msg("%s, look %zu: backlog %zu", t->name, k,
			    imap_box_backlog(&box));
		if (imap_box_oldest_age(&box, l->now) != l->oldest_age)
			fail_msg("%s, look %zu: oldest age %g", t->name, k,
			    imap_box_oldest_age(&box, l->now));
	}
	imap_box_free(&box);
	imap_msgs_free(&cur);
	free(ch.v);
}

static void
test_box(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(box_cases) / sizeof(box_cases[0]); i++)
		run_box_case(&box_cases[i]);
}

/* SEARCH and FETCH put together, as the probe does each look. */
static void
test_box_merge(void **state)
{
	struct imap_box	 box = { 0 };
	struct imap_uids search = { 0 }, unknown = { 0 };
	struct imap_msgs fetched = { 0 }, cur = { 0 };
	struct imap_changes ch = { 0 };

	(void)state;
	/* Nothing at all: an empty folder, seen first. */
	imap_box_open(&box, 7, 4);
	imap_box_merge(&box, &search, &fetched, &cur);
	assert_int_equal(cur.n, 0);
	imap_box_update(&box, &cur, T0, &ch);
	assert_int_equal(ch.n, 0);
	assert_int_equal(imap_box_backlog(&box), 0);

	imap_msgs_add(&cur, 1, T0, 0);
	imap_msgs_add(&cur, 2, T0 + 10, 0);
	imap_msgs_add(&cur, 3, T0 + 20, 0);
	imap_box_update(&box, &cur, T0 + 60, &ch);
	assert_int_equal(ch.n, 0);

	/* Now: 1 answered (not found), 2 and 3 open, 5 new and open,
	 * 6 new and answered (only fetched from uidnext on), 7 found but
	 * gone before the fetch. */
	imap_uids_add(&search, 3);
	imap_uids_add(&search, 2);
	imap_uids_add(&search, 5);
	imap_uids_add(&search, 7);
	imap_uids_sort(&search);
	imap_box_unknown(&box, &search, &unknown);
	assert_int_equal(unknown.n, 2);
	assert_int_equal(unknown.v[0], 5);
	assert_int_equal(unknown.v[1], 7);
	imap_msgs_add(&fetched, 5, T0 + 30, 0);
	imap_msgs_add(&fetched, 6, T0 + 40, 1);
	imap_msgs_add(&fetched, 5, T0 + 30, 1);	/* answered meanwhile */
	imap_box_merge(&box, &search, &fetched, &cur);
	assert_int_equal(cur.n, 4);
	assert_int_equal(cur.v[0].uid, 2);
	assert_int_equal(cur.v[0].date, T0 + 10);
	assert_int_equal(cur.v[1].uid, 3);
	assert_int_equal(cur.v[2].uid, 5);
	assert_int_equal(cur.v[2].answered, 1);
	assert_int_equal(cur.v[3].uid, 6);
	ch.n = 0;
	imap_box_update(&box, &cur, T0 + 100, &ch);
	/* 1 answered after 100; 5 and 6 arrived and answered after 70
	 * and 60. */
	assert_int_equal(ch.n, 5);
	assert_int_equal(imap_box_backlog(&box), 2);
	assert_true(imap_box_oldest_age(&box, T0 + 100) == 90);
	assert_int_equal(box.uidnext, 7);

	imap_box_free(&box);
	imap_uids_free(&search);
	imap_uids_free(&unknown);
	imap_msgs_free(&fetched);
	imap_msgs_free(&cur);
	free(ch.v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_search_values),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_frame_too_long),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_seqset),
		cmocka_unit_test(test_uids_sort),
		cmocka_unit_test(test_box),
		cmocka_unit_test(test_box_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

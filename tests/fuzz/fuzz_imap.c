/*
 * fuzz_imap.c: what an IMAP server sends wachtd-probe-imap, through the
 * framer, the response parser and a watched folder's state
 * (probes/imap_parse.c), as probes/imap.c takes them. The input is the
 * server's side of a session, fed in pieces of varying size; each framed
 * response is parsed from a buffer of its own length, so that reading
 * past it shows. The probe's part follows the tagged answers, one look
 * after another: EXAMINE (UIDVALIDITY, UIDNEXT), UID SEARCH, UID FETCH,
 * then the folder is updated. A NO or BAD starts over at EXAMINE, as a
 * reconnect does. Each response is a second after the one before.
 *
 * The writers of command arguments (imap_quote, imap_mutf7, imap_base64)
 * get the server's bytes too, into small buffers; the UID sequence set of
 * a FETCH must name exactly the UIDs it was made of.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap_parse.h"

#define NOW	1764580000.0

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/* The command running: what its tagged OK completes. */
enum look {
	LOOK_EXAMINE,
	LOOK_SEARCH,
	LOOK_FETCH
};

struct session {
	enum look	 look;
	uint32_t	 validity, uidnext;	/* as EXAMINE says */
	struct imap_box	 box;
	struct imap_uids search, unknown;
	struct imap_msgs fetched, cur;
	struct imap_changes changes;
	double		 now;
};

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_imap: %s\n", what);
	abort();
}

/* The writers, on a response without its line end. */
static void
write_args(const char *buf, size_t len)
{
	char	*s, out[48];

	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if ((s = malloc(len + 1)) == NULL)
		abort();
	memcpy(s, buf, len);
	s[len] = '\0';
	if (imap_quote(s, out, sizeof(out)) == 0 &&
	    memchr(out, '\0', sizeof(out)) == NULL)
		broken("imap_quote overran");
	if (imap_mutf7(s, out, sizeof(out)) == 0 &&
	    memchr(out, '\0', sizeof(out)) == NULL)
		broken("imap_mutf7 overran");
	if (imap_base64(buf, len, out, sizeof(out)) == 0 &&
	    memchr(out, '\0', sizeof(out)) == NULL)
		broken("imap_base64 overran");
	free(s);
}

/* The UIDs a sequence set names must be the first n asked for, in
 * order: "3:5,9" for 3 4 5 9. */
static void
check_seqset(const char *set, const uint32_t *uids, size_t n)
{
	unsigned long	 a, b;
	const char	*p = set;
	char		*end;
	size_t		 k = 0;

	while (*p != '\0') {
		a = strtoul(p, &end, 10);
		b = *end == ':' ? strtoul(end + 1, &end, 10) : a;
		if (end == p || a > b || (*end != ',' && *end != '\0'))
			broken("imap_seqset wrote no sequence set");
		for (; a <= b; a++)
			if (k >= n || uids[k++] != a)
				broken("imap_seqset names other UIDs");
		p = *end == ',' ? end + 1 : end;
	}
	if (k != n)
		broken("imap_seqset names fewer UIDs");
}

/* A look is complete (look_end): the folder as it is now. */
static void
look_end(struct session *s)
{
	size_t	 i;

	imap_box_merge(&s->box, &s->search, &s->fetched, &s->cur);
	s->changes.n = 0;
	imap_box_update(&s->box, &s->cur, s->now, &s->changes);
	for (i = 0; i < s->changes.n; i++)
		if (s->changes.v[i].kind == IMAP_ANSWERED &&
		    !(s->changes.v[i].wait >= 0))
			broken("answered after a negative wait");
	for (i = 1; i < s->box.open.n; i++)
		if (s->box.open.v[i - 1].uid >= s->box.open.v[i].uid)
			broken("open messages out of order");
	if (imap_box_backlog(&s->box) != s->box.open.n ||
	    !(imap_box_oldest_age(&s->box, s->now) >= 0))
		broken("backlog or age");
}

/* The tagged end of the command running (imap.c tagged). */
static void
tagged(struct session *s, const struct imap_resp *r)
{
	char	 set[64];
	size_t	 n;

	if (r->status != IMAP_OK) {
		s->look = LOOK_EXAMINE;
		return;
	}
	switch (s->look) {
	case LOOK_EXAMINE:
		imap_box_open(&s->box, s->validity, s->uidnext);
		s->search.n = 0;
		s->look = LOOK_SEARCH;
		break;
	case LOOK_SEARCH:
		imap_uids_sort(&s->search);
		imap_box_unknown(&s->box, &s->search, &s->unknown);
		/* send_fetch: as many as fit in one command. */
		if ((n = imap_seqset(s->unknown.v, s->unknown.n, set,
		    sizeof(set))) > s->unknown.n ||
		    memchr(set, '\0', sizeof(set)) == NULL)
			broken("imap_seqset");
		check_seqset(set, s->unknown.v, n);
		s->fetched.n = 0;
		s->look = LOOK_FETCH;
		break;
	case LOOK_FETCH:
		look_end(s);
		s->search.n = 0;
		s->look = LOOK_SEARCH;
		break;
	}
}

/* One response (imap.c handle and untagged). */
static void
handle(struct session *s, const struct imap_resp *r)
{
	size_t	 i;

	switch (r->kind) {
	case IMAP_TAGGED:
		tagged(s, r);
		break;
	case IMAP_STATUS:
		if (s->look == LOOK_EXAMINE && r->has_code_num) {
			if (strcasecmp(r->code, "UIDVALIDITY") == 0)
				s->validity = r->code_num;
			else if (strcasecmp(r->code, "UIDNEXT") == 0)
				s->uidnext = r->code_num;
		}
		break;
	case IMAP_FETCH:
		if (s->look == LOOK_FETCH && (r->have & IMAP_HAVE_UID) &&
		    (r->have & IMAP_HAVE_FLAGS) && (r->have & IMAP_HAVE_DATE))
			imap_msgs_add(&s->fetched, r->uid,
			    r->date != IMAP_DATE_UNKNOWN ? r->date :
			    (int64_t)s->now, (r->flags & (IMAP_FLAG_ANSWERED |
			    IMAP_FLAG_DELETED)) != 0);
		break;
	case IMAP_SEARCH:
		if (s->look == LOOK_SEARCH)
			for (i = 0; i < r->search.n; i++)
				imap_uids_add(&s->search, r->search.v[i]);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct session	 s;
	struct imap_framer f;
	struct imap_resp r;
	const char	*buf = (const char *)data, *why;
	char		*resp;
	size_t		 off = 0, start = 0, end, piece, used, k = 0;
	int		 rc;

	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	s.now = NOW;
	imap_framer_reset(&f);
	while (off < size) {
		/* Pieces of 1 to 89 bytes, in a pattern each input sets. */
		piece = 1 + (k++ * 37 + data[0]) % 89;
		end = off + piece < size ? off + piece : size;
		while (off < end) {
			used = 0;
			rc = imap_frame(&f, buf + off, end - off,
			    IMAP_RESPONSE_MAX, &used);
			if (rc == -1)
				goto out;	/* session_lost */
			if (used > end - off)
				broken("framed more than it was given");
			off += used;
			if (rc == 0)
				continue;
			if (f.len != off - start)
				broken("a response of another length");
			if ((resp = malloc(f.len)) == NULL)
				abort();
			memcpy(resp, buf + start, f.len);
			rc = imap_parse(resp, f.len, &r, &why);
			write_args(resp, f.len);
			free(resp);
			start = off;
			imap_framer_reset(&f);
			s.now += 1;
			if (rc == -1)
				goto out;	/* session_lost */
			handle(&s, &r);
		}
	}
out:
	imap_resp_free(&r);
	imap_box_free(&s.box);
	imap_uids_free(&s.search);
	imap_uids_free(&s.unknown);
	imap_msgs_free(&s.fetched);
	imap_msgs_free(&s.cur);
	free(s.changes.v);
	return 0;
}

/*
 * imap_parse.h: the side of wachtd-probe-imap that needs no socket and
 * no clock (issue 6). Framing server responses (lines that may carry
 * literals), parsing them (status and response codes, CAPABILITY,
 * EXISTS, EXPUNGE, FETCH with UID, FLAGS and INTERNALDATE, SEARCH),
 * writing what commands need (quoted strings, folder names in modified
 * UTF-7, UID sequence sets, base64 for AUTHENTICATE PLAIN), and one
 * watched folder's state: which messages are open, and what changed
 * since the last look.
 *
 * Nothing here keeps what a message says: a message is its UID, its
 * arrival (INTERNALDATE) and whether it is still open.
 */
#ifndef WACHTD_IMAP_PARSE_H
#define WACHTD_IMAP_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* A response longer than this (a SEARCH of a very large folder) is
 * taken for a broken server. */
#define IMAP_RESPONSE_MAX	(16u << 20)
#define IMAP_TAG_MAX		31

/* ---- framing ---- */

/* Where a response ends: lines, and the literals ({n} CRLF n bytes)
 * inside them. Fed as the bytes come, in pieces of any size. */
struct imap_framer {
	size_t		 len;		/* bytes of the response taken */
	uint64_t	 literal;	/* bytes of a literal still to come */
	char		 tail[24];	/* the line's last bytes, for {n} */
	size_t		 ntail;
};

void	 imap_framer_reset(struct imap_framer *);
/* Takes bytes of buf; *used says how many. 1: the response is complete
 * (f->len bytes, CRLF included), 0: all taken and more is needed, -1:
 * longer than max, or a literal that cannot be. */
int	 imap_frame(struct imap_framer *, const char *buf, size_t n,
	    size_t max, size_t *used);

/* ---- responses ---- */

/* Capabilities the probe cares about. */
#define IMAP_CAP_IMAP4REV1	0x01
#define IMAP_CAP_IDLE		0x02
#define IMAP_CAP_STARTTLS	0x04
#define IMAP_CAP_LOGINDISABLED	0x08
#define IMAP_CAP_AUTH_PLAIN	0x10
#define IMAP_CAP_SASL_IR	0x20
#define IMAP_CAP_LITERALPLUS	0x40

enum imap_kind {
	IMAP_TAGGED,		/* TAG OK|NO|BAD text: a command ended */
	IMAP_CONTINUE,		/* + text: go on with the command */
	IMAP_STATUS,		/* * OK|NO|BAD|PREAUTH|BYE text */
	IMAP_CAPABILITY,	/* * CAPABILITY ... */
	IMAP_EXISTS,		/* * n EXISTS: the folder holds n messages */
	IMAP_EXPUNGE,		/* * n EXPUNGE: message n is gone */
	IMAP_FETCH,		/* * n FETCH (...): about message n */
	IMAP_SEARCH,		/* * SEARCH uid ... */
	IMAP_OTHER,		/* any other untagged (FLAGS, LIST, RECENT) */
};

enum imap_status {
	IMAP_OK,
	IMAP_NO,
	IMAP_BAD,
	IMAP_PREAUTH,
	IMAP_BYE,
};

/* Message flags that close a message for the probe. */
#define IMAP_FLAG_ANSWERED	0x1
#define IMAP_FLAG_DELETED	0x2

/* What a FETCH response carried. */
#define IMAP_HAVE_UID		0x1
#define IMAP_HAVE_FLAGS		0x2
#define IMAP_HAVE_DATE		0x4

/* A growing set of UIDs. */
struct imap_uids {
	uint32_t	*v;
	size_t		 n, cap;
};

struct imap_resp {
	enum imap_kind	 kind;
	char		 tag[IMAP_TAG_MAX + 1];	/* IMAP_TAGGED */
	enum imap_status status;	/* IMAP_TAGGED, IMAP_STATUS */
	char		 code[32];	/* response code: "UIDVALIDITY", "" */
	uint32_t	 code_num;	/* its number, if it has one */
	int		 has_code_num;
	unsigned	 caps;		/* IMAP_CAP_*: CAPABILITY, or code */
	int		 has_caps;
	uint32_t	 num;		/* EXISTS, EXPUNGE, FETCH */
	uint32_t	 uid;		/* FETCH, with have: */
	unsigned	 have;		/* IMAP_HAVE_* */
	unsigned	 flags;		/* IMAP_FLAG_* */
	int64_t		 date;		/* INTERNALDATE, epoch seconds, or */
#define IMAP_DATE_UNKNOWN INT64_MIN	/* one that could not be read */
	struct imap_uids search;	/* SEARCH: kept across calls, free it */
	char		 text[160];	/* the human part, printable ASCII */
};

/* One framed response (CRLF included). 0, or -1 with why. */
int	 imap_parse(const char *buf, size_t len, struct imap_resp *,
	    const char **why);
void	 imap_resp_free(struct imap_resp *);

/* "17-Jul-1996 02:44:25 -0700" (INTERNALDATE): epoch seconds. */
int	 imap_date(const char *s, size_t len, int64_t *out);

/* ---- writing commands ---- */

/* s as a quoted string; -1 when it has CR, LF, or does not fit. */
int	 imap_quote(const char *s, char *out, size_t len);
/* A UTF-8 folder name in modified UTF-7 (RFC 3501 5.1.3); -1 when it
 * is not UTF-8 or does not fit. */
int	 imap_mutf7(const char *utf8, char *out, size_t len);
/* Base64 of n bytes, NUL-terminated; -1 when it does not fit. */
int	 imap_base64(const void *in, size_t n, char *out, size_t len);
/* As much of the sorted, unique uids as fits in len as a sequence set
 * ("3:5,9"); the number of UIDs written. */
size_t	 imap_seqset(const uint32_t *uids, size_t n, char *out, size_t len);

void	 imap_uids_add(struct imap_uids *, uint32_t);
/* Sorts and drops repeats. */
void	 imap_uids_sort(struct imap_uids *);
void	 imap_uids_free(struct imap_uids *);

/* ---- a watched folder ---- */

/* A message as the probe sees it. */
struct imap_msg {
	uint32_t	 uid;
	int64_t		 date;		/* INTERNALDATE: when it arrived */
	int		 answered;	/* \Answered or \Deleted: closed */
};

struct imap_msgs {
	struct imap_msg	*v;
	size_t		 n, cap;
};

/* A folder: its open messages, by UID. */
struct imap_box {
	uint32_t	 uidvalidity;	/* 0: not yet seen */
	uint32_t	 uidnext;	/* UIDs from here are new; 0: unknown */
	struct imap_msgs open;		/* sorted by uid */
};

enum imap_change_kind {
	IMAP_ARRIVED,		/* a new message */
	IMAP_ANSWERED,		/* answered, filed or removed, after wait */
};

struct imap_change {
	enum imap_change_kind kind;
	double		 wait;		/* IMAP_ANSWERED: seconds */
};

struct imap_changes {
	struct imap_change *v;
	size_t		 n, cap;
};

void	 imap_msgs_add(struct imap_msgs *, uint32_t uid, int64_t date,
	    int answered);
void	 imap_msgs_free(struct imap_msgs *);

/* The folder's UIDVALIDITY and UIDNEXT (0: not given) on opening it.
 * 1 when that starts it afresh (first time, or the UIDs changed):
 * everything known is forgotten without counting. */
int	 imap_box_open(struct imap_box *, uint32_t uidvalidity,
	    uint32_t uidnext);
/* Of the open UIDs a search found, those the box does not know: their
 * arrival must be fetched. */
void	 imap_box_unknown(const struct imap_box *,
	    const struct imap_uids *search, struct imap_uids *out);
/* The folder now: what was fetched, and the searched UIDs the box knows
 * (with the arrival it knows), fetched ones first. */
void	 imap_box_merge(const struct imap_box *,
	    const struct imap_uids *search, const struct imap_msgs *fetched,
	    struct imap_msgs *cur);
/* Takes cur as the folder's whole state at now: an open message missing
 * from it, or answered in it, was answered; one from uidnext on arrived.
 * The changes are appended to out. */
void	 imap_box_update(struct imap_box *, const struct imap_msgs *cur,
	    double now, struct imap_changes *out);
size_t	 imap_box_backlog(const struct imap_box *);
/* Seconds since the oldest open message arrived; 0 with none. */
double	 imap_box_oldest_age(const struct imap_box *, double now);
void	 imap_box_free(struct imap_box *);

#endif

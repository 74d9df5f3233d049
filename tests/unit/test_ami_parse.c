/*
 * test_ami_parse.c: the AMI reader and the queue state machine of
 * wachtd-probe-ami (probes/ami_parse.c). The reader takes Asterisk's
 * stream cut anywhere; the state machine is driven by a table of named
 * cases, each a short session of AMI messages, snapshots and ticks at
 * given times, and the publications it must give, in order. Call ids are
 * shown as #1, #2 ... in the order they first appear.
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

#include "ami_parse.h"

#define BANNER_LINE	"Asterisk Call Manager/7.0.3\r\n"

/* Fields a caller has in Asterisk's events: they must never come out. */
#define CALLER		"CallerIDNum: 0612345678\nCallerIDName: Jan Jansen\n" \
			"ConnectedLineNum: 0612345678\nConnectedLineName: " \
			"Jan Jansen\nChannel: PJSIP/trunk-00000012\n"

/* Asterisk 18/20 events, as in its documentation, LF for CRLF. */
#define JOIN(q, u)	"Event: QueueCallerJoin\n" CALLER "Uniqueid: " u \
			"\nLinkedid: " u "\nQueue: " q "\nPosition: 1\n" \
			"Count: 1\n\n"
#define LEAVE(u)	"Event: QueueCallerLeave\n" CALLER "Uniqueid: " u \
			"\nQueue: 600\nPosition: 1\nCount: 0\n\n"
#define ABANDON(u, h)	"Event: QueueCallerAbandon\n" CALLER "Uniqueid: " u \
			"\nQueue: 600\nPosition: 1\nOriginalPosition: 1\n" \
			"HoldTime: " h "\n\n"
#define CONNECT(u, h)	"Event: AgentConnect\n" CALLER "Uniqueid: " u \
			"\nDestChannel: PJSIP/201-00000013\nDestUniqueid: " \
			"1700000999.1\nQueue: 600\nMemberName: Agent 201\n" \
			"Interface: PJSIP/201\nHoldTime: " h "\nRingTime: 4\n\n"
#define COMPLETE(u, h, t) "Event: AgentComplete\n" CALLER "Uniqueid: " u \
			"\nQueue: 600\nMemberName: Agent 201\nInterface: " \
			"PJSIP/201\nHoldTime: " h "\nTalkTime: " t "\n" \
			"Reason: caller\n\n"
#define MEMBER(ev, i, s, p) "Event: " ev "\nQueue: 600\nMemberName: " \
			"Agent\nInterface: " i "\nStateInterface: " i "\n" \
			"Membership: dynamic\nPenalty: 0\nCallsTaken: 0\n" \
			"LastCall: 0\nLastPause: 0\nLoginTime: 1700000000\n" \
			"InCall: 0\nStatus: " s "\nPaused: " p "\n" \
			"PausedReason: \nRinginuse: 0\nWrapuptime: 0\n\n"
#define PARAMS		"Event: QueueParams\nQueue: 600\nMax: 0\nStrategy: " \
			"ringall\nCalls: 0\nHoldtime: 0\nTalkTime: 0\n" \
			"Completed: 0\nAbandoned: 0\nServiceLevel: 60\n" \
			"ServicelevelPerf: 0.0\nServicelevelPerf2: 0.0\n" \
			"Weight: 0\nActionID: wachtd-2\n\n"
#define QMEMBER(i, s, p) "Event: QueueMember\nQueue: 600\nName: Agent\n" \
			"Location: " i "\nStateInterface: " i "\nMembership: " \
			"dynamic\nPenalty: 0\nCallsTaken: 0\nLastCall: 0\n" \
			"LastPause: 0\nLoginTime: 0\nInCall: 0\nStatus: " s \
			"\nPaused: " p "\nPausedReason: \nWrapuptime: 0\n" \
			"ActionID: wachtd-2\n\n"
#define ENTRY(u, w)	"Event: QueueEntry\nQueue: 600\nPosition: 1\n" \
			CALLER "Uniqueid: " u "\nWait: " w "\nPriority: 0\n" \
			"ActionID: wachtd-2\n\n"

/* ------------------------------------------------------------------ */
/* the reader */

/* All messages of a stream pushed in pieces of the given sizes (cycled;
 * 0: all at once), written out one line each. */
static char *
read_all(const char *text, const size_t *sizes, size_t nsizes, int *rc)
{
	struct ami_reader *r = ami_reader_new();
	const struct ami_msg *m;
	const char	*why;
	static char	 out[65536];
	size_t		 len = strlen(text), off = 0, end, used = 0, k = 0, i;
	ssize_t		 n;

	*rc = 0;
	out[0] = '\0';
	while (off < len) {
		end = nsizes == 0 || sizes[k % nsizes] == 0 ? len :
		    off + sizes[k % nsizes];
		k++;
		if (end > len)
			end = len;
		while (off < end) {
			n = ami_reader_push(r, text + off, end - off, &m, &why);
			if (n == -1) {
				*rc = -1;
				ami_reader_free(r);
				return out;
			}
			off += (size_t)n;
			if (m == NULL)
				continue;
			used += (size_t)snprintf(out + used, sizeof(out) - used,
			    "%c", "BREO"[m->kind]);
			if (m->kind == AMI_BANNER)
				used += (size_t)snprintf(out + used,
				    sizeof(out) - used, " %s", m->version);
			for (i = 0; i < m->nfields; i++)
				used += (size_t)snprintf(out + used,
				    sizeof(out) - used, " %s=%s",
				    m->fields[i].key, m->fields[i].value);
			used += (size_t)snprintf(out + used, sizeof(out) - used,
			    " malformed=%zu dropped=%zu\n", m->malformed,
			    m->dropped);
		}
	}
	ami_reader_free(r);
	return out;
}

static const char stream[] =
    BANNER_LINE
    "Response: Success\r\nActionID: wachtd-1\r\nMessage: Authentication "
    "accepted\r\n\r\n"
    "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 12\r\n"
    "Status: Fully Booted\r\n\r\n"
    "Event: QueueCallerJoin\r\nQueue: 600\r\nUniqueid: 1700000000.1\r\n"
    "Position: 1\r\nCount: 1\r\n\r\n"
    "\r\n"
    "Event: QueueMemberStatus\r\nQueue: 600\r\nInterface: PJSIP/201\r\n"
    "Status: 1\r\nPaused: 0\r\n\r\n";

static void
test_reader_whole(void **state)
{
	int	 rc;

	(void)state;
	assert_string_equal(read_all(stream, NULL, 0, &rc),
	    "B 7.0.3 malformed=0 dropped=0\n"
	    "R Response=Success ActionID=wachtd-1 Message=Authentication "
	    "accepted malformed=0 dropped=0\n"
	    "E Event=FullyBooted Privilege=system,all Uptime=12 "
	    "Status=Fully Booted malformed=0 dropped=0\n"
	    "E Event=QueueCallerJoin Queue=600 Uniqueid=1700000000.1 "
	    "Position=1 Count=1 malformed=0 dropped=0\n"
	    "E Event=QueueMemberStatus Queue=600 Interface=PJSIP/201 "
	    "Status=1 Paused=0 malformed=0 dropped=0\n");
	assert_int_equal(rc, 0);
}

/* Cut in two at every byte, and in pieces of 1, 2, 3, 5, 7 and 13. */
static void
test_reader_any_split(void **state)
{
	char		 whole[65536];
	size_t		 len = strlen(stream), i, sizes[2];
	static const size_t odd[] = { 1, 2, 3, 5, 7, 13 };
	int		 rc;

	(void)state;
	snprintf(whole, sizeof(whole), "%s", read_all(stream, NULL, 0, &rc));
	for (i = 1; i < len; i++) {
		sizes[0] = i;
		sizes[1] = 0;
		assert_string_equal(read_all(stream, sizes, 2, &rc), whole);
	}
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		assert_string_equal(read_all(stream, &odd[i], 1, &rc), whole);
	assert_string_equal(read_all(stream, odd, 6, &rc), whole);
}

static void
test_reader_bare_lf(void **state)
{
	int	 rc;

	(void)state;
	assert_string_equal(read_all("Asterisk Call Manager/9.0.0\n"
	    "Event: QueueCallerLeave\nQueue: 600\n\n", NULL, 0, &rc),
	    "B 9.0.0 malformed=0 dropped=0\n"
	    "E Event=QueueCallerLeave Queue=600 malformed=0 dropped=0\n");
}

static void
test_reader_malformed(void **state)
{
	int	 rc;

	(void)state;
	assert_string_equal(read_all(BANNER_LINE "Event: QueueCallerJoin\r\n"
	    "no colon here\r\n: no key\r\nQueue:600\r\n  Spaced  :  v  \r\n"
	    "Empty:\r\n\r\ngarbage only\r\n\r\n", NULL, 0, &rc),
	    "B 7.0.3 malformed=0 dropped=0\n"
	    "E Event=QueueCallerJoin Queue=600 Spaced=v Empty= malformed=2 "
	    "dropped=0\n"
	    "O malformed=1 dropped=0\n");
	assert_int_equal(rc, 0);
}

static void
test_reader_no_banner(void **state)
{
	int	 rc;

	(void)state;
	read_all("SSH-2.0-OpenSSH_9.2\r\n", NULL, 0, &rc);
	assert_int_equal(rc, -1);
	read_all("\r\nAsterisk Call Manager/5.0.1\r\n", NULL, 0, &rc);
	assert_int_equal(rc, 0);
	read_all("Asterisk Call Manager\r\n", NULL, 0, &rc);
	assert_int_equal(rc, -1);
}

static void
test_reader_long_line(void **state)
{
	char	*text = malloc(AMI_LINE_MAX + 100);
	int	 rc;

	(void)state;
	strcpy(text, BANNER_LINE "Event: ");
	memset(text + strlen(text), 'x', AMI_LINE_MAX);
	text[strlen(BANNER_LINE) + 7 + AMI_LINE_MAX] = '\0';
	read_all(text, NULL, 0, &rc);
	assert_int_equal(rc, -1);
	free(text);
}

static void
test_reader_too_many_fields(void **state)
{
	struct ami_reader *r = ami_reader_new();
	const struct ami_msg *m = NULL;
	const char	*why;
	char		 line[64];
	int		 i;

	(void)state;
	assert_int_equal(ami_reader_push(r, BANNER_LINE, strlen(BANNER_LINE),
	    &m, &why), (ssize_t)strlen(BANNER_LINE));
	for (i = 0; i < AMI_FIELDS_MAX + 10; i++) {
		snprintf(line, sizeof(line), "Key%d: %d\r\n", i, i);
		assert_int_equal(ami_reader_push(r, line, strlen(line), &m,
		    &why), (ssize_t)strlen(line));
		assert_null(m);
	}
	assert_int_equal(ami_reader_push(r, "\r\n", 2, &m, &why), 2);
	assert_non_null(m);
	assert_int_equal(m->nfields, AMI_FIELDS_MAX);
	assert_int_equal(m->dropped, 10);
	assert_int_equal(m->kind, AMI_OTHER);
	ami_reader_free(r);
}

static void
test_msg_fields(void **state)
{
	struct ami_reader *r = ami_reader_new();
	const struct ami_msg *m;
	const char	*why, *text = BANNER_LINE "event: AgentConnect\r\n"
	    "HoldTime: 17\r\nRingTime: x\r\nTalkTime: -3\r\nBig: "
	    "99999999999999999999999\r\n\r\n";
	size_t		 off = 0;

	(void)state;
	do {
		off += (size_t)ami_reader_push(r, text + off, strlen(text) -
		    off, &m, &why);
	} while (m == NULL || m->kind == AMI_BANNER);
	assert_int_equal(m->kind, AMI_EVENT);
	assert_string_equal(ami_msg_get(m, "EVENT"), "AgentConnect");
	assert_int_equal(ami_msg_num(m, "holdtime"), 17);
	assert_int_equal(ami_msg_num(m, "RingTime"), -1);
	assert_int_equal(ami_msg_num(m, "TalkTime"), -1);
	assert_int_equal(ami_msg_num(m, "Big"), -1);
	assert_int_equal(ami_msg_num(m, "Missing"), -1);
	assert_null(ami_msg_get(m, "Missing"));
	ami_reader_free(r);
}

/* ------------------------------------------------------------------ */
/* the state machine */

enum op {
	END_OF_STEPS,
	FEED,			/* AMI text, LF for CRLF */
	BEGIN,			/* a QueueStatus of queue 0 was sent */
	END,			/* its QueueStatusComplete */
	ABORT,
	TICK,
	DOWN
};

struct step {
	double		 now;
	enum op		 op;
	const char	*text;
};

struct scase {
	const char	*name;
	enum ami_mode	 mode;
	const char	*expect;
	struct step	 steps[16];
};

/* What a session published, one line each. */
struct log {
	char		 text[16384];
	size_t		 used;
	char		 ids[32][17];	/* seen, in order: #1, #2 ... */
	int		 nids;
};

/* The output's call ids as #N; the rest as it is. */
static void
add_line(struct log *lg, const char *line)
{
	const char	*p = line, *q;
	char		 hex[17];
	int		 i;

	while ((q = strstr(p, "\"id\":\"")) != NULL) {
		q += 6;
		lg->used += (size_t)snprintf(lg->text + lg->used,
		    sizeof(lg->text) - lg->used, "%.*s", (int)(q - p), p);
		snprintf(hex, sizeof(hex), "%.16s", q);
		assert_int_equal(strspn(hex, "0123456789abcdef"), 16);
		for (i = 0; i < lg->nids; i++)
			if (strcmp(lg->ids[i], hex) == 0)
				break;
		if (i == lg->nids)
			snprintf(lg->ids[lg->nids++], 17, "%s", hex);
		lg->used += (size_t)snprintf(lg->text + lg->used,
		    sizeof(lg->text) - lg->used, "#%d", i + 1);
		p = q + 16;
	}
	lg->used += (size_t)snprintf(lg->text + lg->used,
	    sizeof(lg->text) - lg->used, "%s\n", p);
}

static void
record(void *arg, const struct ami_out *o)
{
	struct log	*lg = arg;
	char		 line[512];

	switch (o->kind) {
	case AMI_OUT_GAUGE:
		if (isnan(o->value))
			snprintf(line, sizeof(line), "%s %s=-", o->queue,
			    o->metric);
		else
			snprintf(line, sizeof(line), "%s %s=%g", o->queue,
			    o->metric, o->value);
		break;
	case AMI_OUT_EVENT:
		snprintf(line, sizeof(line), "%s %s %g @%g", o->queue,
		    o->metric, o->value, o->at);
		break;
	case AMI_OUT_JSON:
		snprintf(line, sizeof(line), "%s %s %s", o->queue, o->metric,
		    o->json);
		break;
	}
	/* Nothing a caller can be known by, ever. */
	assert_null(strstr(line, "0612345678"));
	assert_null(strstr(line, "Jan"));
	assert_null(strstr(line, "PJSIP"));
	assert_null(strstr(line, "1700000"));
	add_line(lg, line);
}

/* Feeds AMI text (LF for CRLF) in pieces of 1 to 16 bytes. */
static void
feed(struct ami_reader *r, struct ami_state *st, const char *text,
    double now)
{
	const struct ami_msg *m;
	const char	*why;
	char		 crlf[65536];
	size_t		 n = 0, off = 0, piece = 1, end;
	ssize_t		 used;

	for (; *text != '\0' && n < sizeof(crlf) - 2; text++) {
		if (*text == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *text;
	}
	while (off < n) {
		end = off + piece < n ? off + piece : n;
		piece = piece % 16 + 1;
		while (off < end) {
			used = ami_reader_push(r, crlf + off, end - off, &m,
			    &why);
			assert_true(used >= 0);
			off += (size_t)used;
			if (m != NULL)
				ami_state_feed(st, m, now);
		}
	}
}

/* Runs a session against a state of the given queues. */
static void
run(const struct ami_queue_conf *conf, size_t n, const struct step *steps,
    struct log *lg)
{
	struct ami_state *st = ami_state_new(conf, n, 10, 8, record, lg);
	struct ami_reader *r = ami_reader_new();
	const struct ami_msg *m;
	const char	*why;
	const struct step *s;

	ami_state_key(st, "geheim");
	assert_int_equal(ami_reader_push(r, BANNER_LINE, strlen(BANNER_LINE),
	    &m, &why), (ssize_t)strlen(BANNER_LINE));
	for (s = steps; s->op != END_OF_STEPS; s++)
		switch (s->op) {
		case FEED:
			feed(r, st, s->text, s->now);
			break;
		case BEGIN:
			ami_state_begin(st, 0, s->now);
			break;
		case END:
			if (ami_state_end(st, 0, s->now) == -1)
				add_line(lg, "end -1");
			break;
		case ABORT:
			ami_state_abort(st, 0);
			break;
		case TICK:
			ami_state_tick(st, s->now);
			break;
		case DOWN:
			ami_state_down(st);
			break;
		case END_OF_STEPS:
			break;
		}
	ami_reader_free(r);
	ami_state_free(st);
}

#define Q	"telefoon/algemeen "
#define J1	Q "join {\"id\":\"#1\"}\n"
#define J2	Q "join {\"id\":\"#2\"}\n"
#define U1	"1700000000.1"
#define U2	"1700000000.2"
#define U3	"1700000000.3"

static const struct scase cases[] = {
	{ "a join is a join with a hashed id", AMI_MODE_LIFECYCLE, J1,
	  { { 100, FEED, JOIN("600", U1) } } },
	{ "a second join of a call is ignored", AMI_MODE_LIFECYCLE, J1,
	  { { 100, FEED, JOIN("600", U1) }, { 101, FEED, JOIN("600", U1) } } },
	{ "abandon, then leave: one leave, abandoned", AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\",\"outcome\":\"abandoned\"}\n",
	  { { 100, FEED, JOIN("600", U1) },
	    { 130, FEED, ABANDON(U1, "30") LEAVE(U1) },
	    { 140, TICK, NULL } } },
	{ "leave, then connect: one leave, answered", AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\",\"outcome\":\"answered\"}\n",
	  { { 100, FEED, JOIN("600", U1) },
	    { 120, FEED, LEAVE(U1) CONNECT(U1, "20") },
	    { 130, TICK, NULL } } },
	{ "connect, then leave: one leave, answered", AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\",\"outcome\":\"answered\"}\n",
	  { { 100, FEED, JOIN("600", U1) },
	    { 120, FEED, CONNECT(U1, "20") LEAVE(U1) },
	    { 130, TICK, NULL } } },
	{ "a leave without outcome goes after the grace", AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\"}\n",
	  { { 100, FEED, JOIN("600", U1) }, { 110, FEED, LEAVE(U1) },
	    { 111, TICK, NULL }, { 112, TICK, NULL },
	    { 113, TICK, NULL } } },
	{ "a connect after the grace is an answered event, once",
	  AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\"}\n" Q "answered 10 @114\n",
	  { { 100, FEED, JOIN("600", U1) }, { 110, FEED, LEAVE(U1) },
	    { 113, TICK, NULL }, { 114, FEED, CONNECT(U1, "10") },
	    { 115, FEED, CONNECT(U1, "10") } } },
	{ "complete: handle_time is its TalkTime", AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\",\"outcome\":\"answered\"}\n"
	  Q "handle_time 95 @300\n",
	  { { 100, FEED, JOIN("600", U1) },
	    { 105, FEED, LEAVE(U1) CONNECT(U1, "5") },
	    { 300, FEED, COMPLETE(U1, "5", "95") } } },
	{ "complete without connect: answered all the same",
	  AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\",\"outcome\":\"answered\"}\n"
	  Q "handle_time 95 @300\n",
	  { { 100, FEED, JOIN("600", U1) },
	    { 300, FEED, COMPLETE(U1, "5", "95") } } },
	{ "outcomes of calls never seen: events with HoldTime, once",
	  AMI_MODE_LIFECYCLE,
	  Q "answered 42 @100\n" Q "abandoned 7 @101\n",
	  { { 100, FEED, CONNECT(U1, "42") }, { 100, FEED, LEAVE(U1) },
	    { 100.5, FEED, CONNECT(U1, "42") },
	    { 101, FEED, ABANDON(U2, "7") LEAVE(U2) ABANDON(U2, "7") } } },
	{ "other queues, other events and responses are ignored",
	  AMI_MODE_LIFECYCLE, "",
	  { { 100, FEED, JOIN("601", U1) "Event: Newchannel\nUniqueid: "
	      U2 "\nQueue: 600\n\n" "Response: Success\nQueue: 600\n"
	      "Event: QueueCallerJoin\nUniqueid: " U3 "\n\n"
	      "Event: QueueCallerJoin\nQueue: 600\n\n" } } },
	{ "malformed lines do not stop an event", AMI_MODE_LIFECYCLE, J1,
	  { { 100, FEED, "Event: QueueCallerJoin\nthis is no field\n"
	      "Queue: 600\n: nokey\nUniqueid: " U1 "\n\n" } } },
	{ "a caller back in the queue before its leave settled",
	  AMI_MODE_LIFECYCLE, J1 Q "leave {\"id\":\"#1\"}\n" J1,
	  { { 100, FEED, JOIN("600", U1) }, { 110, FEED, LEAVE(U1) },
	    { 111, FEED, JOIN("600", U1) }, { 115, TICK, NULL } } },
	{ "a snapshot adds callers, dated back by their wait up to 8s",
	  AMI_MODE_LIFECYCLE,
	  Q "join {\"id\":\"#1\",\"ts\":992.000}\n"
	  Q "join {\"id\":\"#2\",\"ts\":997.000}\n" Q "agents=0\n",
	  { { 1000, BEGIN, NULL },
	    { 1000, FEED, PARAMS ENTRY(U1, "30") ENTRY(U2, "3") },
	    { 1000, END, NULL } } },
	{ "a snapshot leaves callers it lacks, after the grace",
	  AMI_MODE_LIFECYCLE,
	  J1 J2 Q "agents=0\n" Q "leave {\"id\":\"#1\"}\n",
	  { { 100, FEED, JOIN("600", U1) JOIN("600", U2) },
	    { 200, BEGIN, NULL }, { 200, FEED, PARAMS ENTRY(U2, "100") },
	    { 200, END, NULL }, { 201, TICK, NULL }, { 202, TICK, NULL },
	    { 203, TICK, NULL } } },
	{ "a caller who joined while the snapshot came stays",
	  AMI_MODE_LIFECYCLE, J1 Q "agents=0\n",
	  { { 200, BEGIN, NULL }, { 200.5, FEED, JOIN("600", U3) },
	    { 201, FEED, PARAMS }, { 201, END, NULL },
	    { 205, TICK, NULL } } },
	{ "a caller who left while the snapshot came stays gone",
	  AMI_MODE_LIFECYCLE,
	  J1 Q "leave {\"id\":\"#1\",\"outcome\":\"abandoned\"}\n"
	  Q "agents=0\n",
	  { { 100, FEED, JOIN("600", U1) }, { 200, BEGIN, NULL },
	    { 200, FEED, PARAMS ENTRY(U1, "100") },
	    { 200.5, FEED, ABANDON(U1, "100") LEAVE(U1) },
	    { 201, END, NULL }, { 205, TICK, NULL } } },
	{ "a caller missing from a snapshot, settled by a late connect",
	  AMI_MODE_LIFECYCLE,
	  J1 Q "agents=0\n" Q "leave {\"id\":\"#1\",\"outcome\":\"answered\"}\n",
	  { { 100, FEED, JOIN("600", U1) }, { 200, BEGIN, NULL },
	    { 200, FEED, PARAMS }, { 200, END, NULL },
	    { 201, FEED, CONNECT(U1, "99") }, { 203, TICK, NULL } } },
	{ "a snapshot that is aborted changes nothing", AMI_MODE_LIFECYCLE,
	  J1, { { 100, FEED, JOIN("600", U1) }, { 200, BEGIN, NULL },
	    { 200, FEED, PARAMS }, { 200, ABORT, NULL }, { 200, END, NULL },
	    { 205, TICK, NULL } } },
	{ "a queue Asterisk does not know", AMI_MODE_LIFECYCLE,
	  Q "agents=0\n" "end -1\n",
	  { { 100, BEGIN, NULL }, { 100, END, NULL } } },
	{ "agents: members neither paused, unavailable nor invalid",
	  AMI_MODE_LIFECYCLE,
	  Q "agents=3\n" Q "agents=2\n" Q "agents=3\n" Q "agents=2\n"
	  Q "agents=3\n",
	  { { 10, BEGIN, NULL },
	    { 10, FEED, PARAMS QMEMBER("PJSIP/201", "1", "0")
	      QMEMBER("PJSIP/202", "2", "0") QMEMBER("PJSIP/203", "5", "0")
	      QMEMBER("PJSIP/204", "4", "0") QMEMBER("PJSIP/205", "1", "1")
	      QMEMBER("SIP/206", "0", "0") },
	    { 10, END, NULL },
	    { 20, FEED, MEMBER("QueueMemberPause", "PJSIP/201", "1", "1") },
	    { 20, FEED, MEMBER("QueueMemberPenalty", "PJSIP/205", "1",
	      "1") },
	    { 30, FEED, MEMBER("QueueMemberStatus", "PJSIP/203", "1", "0") },
	    { 40, FEED, MEMBER("QueueMemberRemoved", "PJSIP/202", "2",
	      "0") },
	    { 50, FEED, MEMBER("QueueMemberAdded", "PJSIP/207", "1", "0") },
	    { 50, FEED, MEMBER("QueueMemberStatus", "PJSIP/207", "2",
	      "0") } } },
	{ "members change while a snapshot comes", AMI_MODE_LIFECYCLE,
	  Q "agents=1\n",
	  { { 10, BEGIN, NULL },
	    { 10, FEED, PARAMS QMEMBER("PJSIP/201", "1", "0")
	      QMEMBER("PJSIP/202", "1", "0") },
	    { 10, FEED, MEMBER("QueueMemberPause", "PJSIP/201", "1", "1") },
	    { 10, END, NULL } } },
	{ "no agents before the members are known", AMI_MODE_LIFECYCLE, "",
	  { { 10, FEED, MEMBER("QueueMemberStatus", "PJSIP/201", "1", "0") },
	    { 30, TICK, NULL } } },
	{ "gauges are said again every interval", AMI_MODE_LIFECYCLE,
	  Q "agents=0\n" Q "agents=0\n",
	  { { 100, BEGIN, NULL }, { 100, FEED, PARAMS }, { 100, END, NULL },
	    { 105, TICK, NULL }, { 110, TICK, NULL },
	    { 115, TICK, NULL } } },
	{ "the source lost: gauges forgotten until a snapshot",
	  AMI_MODE_LIFECYCLE,
	  Q "agents=1\n" Q "agents=-\n" Q "agents=1\n",
	  { { 100, BEGIN, NULL },
	    { 100, FEED, PARAMS QMEMBER("PJSIP/201", "1", "0") },
	    { 100, END, NULL }, { 101, DOWN, NULL }, { 120, TICK, NULL },
	    { 130, BEGIN, NULL },
	    { 130, FEED, PARAMS QMEMBER("PJSIP/201", "1", "0") },
	    { 130, END, NULL } } },
	{ "gauge mode: waiting, longest_wait and events with HoldTime",
	  AMI_MODE_GAUGE,
	  Q "agents=1\n" Q "waiting=0\n" Q "longest_wait=0\n"
	  Q "arrived 1 @110\n" Q "waiting=1\n" Q "longest_wait=0\n"
	  Q "arrived 1 @115\n" Q "waiting=2\n" Q "longest_wait=5\n"
	  Q "waiting=1\n" Q "longest_wait=7\n" Q "answered 12 @122\n"
	  Q "abandoned 20 @135\n" Q "waiting=0\n" Q "longest_wait=0\n"
	  Q "handle_time 60 @182\n"
	  Q "agents=1\n" Q "waiting=0\n" Q "longest_wait=0\n",
	  { { 100, BEGIN, NULL },
	    { 100, FEED, PARAMS QMEMBER("PJSIP/201", "1", "0") },
	    { 100, END, NULL }, { 110, FEED, JOIN("600", U1) },
	    { 115, FEED, JOIN("600", U2) },
	    { 122, FEED, LEAVE(U1) CONNECT(U1, "12") },
	    { 135, FEED, ABANDON(U2, "20") LEAVE(U2) },
	    { 182, FEED, COMPLETE(U1, "12", "60") },
	    { 190, TICK, NULL } } },
	{ "gauge mode: a snapshot's callers count, without arrivals",
	  AMI_MODE_GAUGE,
	  Q "agents=0\n" Q "waiting=1\n" Q "longest_wait=30\n",
	  { { 100, BEGIN, NULL }, { 100, FEED, PARAMS ENTRY(U1, "30") },
	    { 100, END, NULL } } },
	{ "gauge mode: a caller who leaves without outcome",
	  AMI_MODE_GAUGE,
	  Q "agents=0\n" Q "waiting=0\n" Q "longest_wait=0\n"
	  Q "arrived 1 @110\n" Q "waiting=1\n" Q "longest_wait=0\n"
	  Q "waiting=0\n" Q "longest_wait=0\n"
	  Q "agents=0\n" Q "waiting=0\n" Q "longest_wait=0\n",
	  { { 100, BEGIN, NULL }, { 100, FEED, PARAMS }, { 100, END, NULL },
	    { 110, FEED, JOIN("600", U1) }, { 120, FEED, LEAVE(U1) },
	    { 125, TICK, NULL } } },
};

static void
test_case(void **state)
{
	const struct scase *c = *state;
	struct ami_queue_conf conf = { "600", "telefoon/algemeen", c->mode };
	static struct log lg;

	memset(&lg, 0, sizeof(lg));
	run(&conf, 1, c->steps, &lg);
	if (strcmp(lg.text, c->expect) != 0)
		print_error("case '%s':\n-- expected:\n%s-- got:\n%s", c->name,
		    c->expect, lg.text);
	assert_string_equal(lg.text, c->expect);
}

/* Two Asterisk queues feed one wachtd queue: an agent in both counts
 * once, and each queue's snapshot must be in before agents are said. */
static void
test_two_queues(void **state)
{
	static const struct ami_queue_conf conf[] = {
		{ "600", "telefoon/algemeen", AMI_MODE_LIFECYCLE },
		{ "601", "telefoon/algemeen", AMI_MODE_LIFECYCLE },
	};
	static const char m601[] =
	    "Event: QueueParams\nQueue: 601\n\n"
	    "Event: QueueMember\nQueue: 601\nLocation: PJSIP/201\n"
	    "Status: 1\nPaused: 0\n\n"
	    "Event: QueueMember\nQueue: 601\nLocation: PJSIP/209\n"
	    "Status: 1\nPaused: 0\n\n";
	struct ami_state *st;
	struct ami_reader *r = ami_reader_new();
	const struct ami_msg *m;
	const char	*why;
	static struct log lg;

	(void)state;
	memset(&lg, 0, sizeof(lg));
	st = ami_state_new(conf, 2, 10, 8, record, &lg);
	ami_reader_push(r, BANNER_LINE, strlen(BANNER_LINE), &m, &why);
	assert_int_equal(ami_state_queue(st, "601"), 1);
	assert_int_equal(ami_state_queue(st, "602"), -1);
	ami_state_begin(st, 0, 100);
	ami_state_begin(st, 1, 100);
	feed(r, st, PARAMS QMEMBER("PJSIP/201", "1", "0")
	    QMEMBER("PJSIP/202", "1", "0"), 100);
	assert_int_equal(ami_state_end(st, 0, 100), 0);
	assert_string_equal(lg.text, "");
	feed(r, st, m601, 100);
	assert_int_equal(ami_state_end(st, 1, 100), 0);
	assert_string_equal(lg.text, Q "agents=3\n");
	feed(r, st, JOIN("600", U1) JOIN("601", U1), 110);
	assert_string_equal(lg.text, Q "agents=3\n" J1 J2);
	assert_int_equal(ami_state_calls(st, 0), 1);
	assert_int_equal(ami_state_calls(st, 1), 1);
	ami_state_free(st);
	ami_reader_free(r);
}

/* The id of U1 joining queue 600 under a key. */
static void
one_id(const char *key, const char *queue, char *id)
{
	struct ami_queue_conf conf = { queue, "telefoon/algemeen",
	    AMI_MODE_LIFECYCLE };
	struct ami_state *st;
	struct ami_reader *r = ami_reader_new();
	const struct ami_msg *m;
	const char	*why, *p;
	static struct log lg;
	char		 text[512];

	memset(&lg, 0, sizeof(lg));
	st = ami_state_new(&conf, 1, 10, 8, record, &lg);
	ami_state_key(st, key);
	ami_reader_push(r, BANNER_LINE, strlen(BANNER_LINE), &m, &why);
	snprintf(text, sizeof(text), "Event: QueueCallerJoin\nQueue: %s\n"
	    "Uniqueid: " U1 "\n\n", queue);
	feed(r, st, text, 100);
	assert_int_equal(lg.nids, 1);
	p = lg.ids[0];
	snprintf(id, 17, "%s", p);
	ami_state_free(st);
	ami_reader_free(r);
}

static void
test_ids(void **state)
{
	char	 a[17], b[17], c[17], d[17];
	static const unsigned char key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
	    10, 11, 12, 13, 14, 15 };
	unsigned char	 msg[15];
	int		 i;

	(void)state;
	one_id("geheim", "600", a);
	one_id("geheim", "600", b);
	one_id("anders", "600", c);
	one_id("geheim", "601", d);
	assert_string_equal(a, b);		/* stable over restarts */
	assert_string_not_equal(a, c);		/* keyed */
	assert_string_not_equal(a, d);		/* per queue */
	/* SipHash-2-4's own test vector: 15 bytes 00..0e. */
	for (i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	assert_true(ami_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
	assert_true(ami_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
}

static const struct CMUnitTest fixed[] = {
	cmocka_unit_test(test_reader_whole),
	cmocka_unit_test(test_reader_any_split),
	cmocka_unit_test(test_reader_bare_lf),
	cmocka_unit_test(test_reader_malformed),
	cmocka_unit_test(test_reader_no_banner),
	cmocka_unit_test(test_reader_long_line),
	cmocka_unit_test(test_reader_too_many_fields),
	cmocka_unit_test(test_msg_fields),
	cmocka_unit_test(test_two_queues),
	cmocka_unit_test(test_ids),
};

int
main(void)
{
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) +
	    sizeof(cases) / sizeof(cases[0])];
	size_t		 i, n = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = cases[i].name;
		tests[n].test_func = test_case;
		tests[n].initial_state = (void *)(uintptr_t)&cases[i];
		n++;
	}
	return cmocka_run_group_tests_name("ami_parse", tests, NULL, NULL);
}

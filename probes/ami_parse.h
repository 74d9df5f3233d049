/*
 * ami_parse.h: the pure part of wachtd-probe-ami (issue 6). Two ideas,
 * both without I/O and without a clock (`now` is handed in):
 *
 *  - a reader of the Asterisk Manager Interface byte stream: the banner
 *    line, then message blocks of "Key: Value" lines ended by a blank
 *    line (Response, Event, with their ActionID), taken in whatever
 *    pieces the network delivers;
 *  - the queue state machine: the queue events of Asterisk 18/20
 *    (QueueCallerJoin, QueueCallerLeave, QueueCallerAbandon,
 *    AgentConnect, AgentComplete, QueueMember*) and the QueueStatus
 *    snapshots in, what to publish on the MQTT contract (DESIGN §4) out.
 *
 * Nothing that names a caller (CallerIDNum, CallerIDName, ConnectedLine*,
 * Channel) is ever read: a call is known by a keyed hash of its Uniqueid.
 */
#ifndef WACHTD_AMI_PARSE_H
#define WACHTD_AMI_PARSE_H

#include <stddef.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ */
/* the reader */

#define AMI_LINE_MAX	8192	/* bytes of one line; longer is a violation */
#define AMI_FIELDS_MAX	128	/* fields kept per message, the rest dropped */
#define AMI_BLOCK_MAX	32768	/* bytes of keys and values kept per message */

enum ami_kind {
	AMI_BANNER,		/* "Asterisk Call Manager/5.0.1": version */
	AMI_RESPONSE,		/* has a Response field */
	AMI_EVENT,		/* has an Event field */
	AMI_OTHER		/* neither: ignored by everyone */
};

struct ami_field {
	const char	*key;
	const char	*value;
};

struct ami_msg {
	enum ami_kind	 kind;
	const char	*version;	/* AMI_BANNER: after the '/' */
	struct ami_field fields[AMI_FIELDS_MAX];
	size_t		 nfields;
	size_t		 malformed;	/* lines without "Key:" in this block */
	size_t		 dropped;	/* fields past the limits */
};

struct ami_reader;

struct ami_reader *ami_reader_new(void);
void		 ami_reader_free(struct ami_reader *);
/* Starts over for a new connection: a banner comes first. */
void		 ami_reader_reset(struct ami_reader *);
/*
 * Takes bytes up to the end of one message: returns how many of len it
 * used, and points *msg at the message when one is complete (valid until
 * the next call), else NULL. -1 with *why on a violation (no banner, a
 * line longer than AMI_LINE_MAX): the connection is not worth keeping.
 */
ssize_t		 ami_reader_push(struct ami_reader *, const char *buf,
		    size_t len, const struct ami_msg **msg, const char **why);

/* A field's value by its key (case does not matter, as in Asterisk), or
 * NULL. */
const char	*ami_msg_get(const struct ami_msg *, const char *key);
/* A whole number >= 0 of a field (HoldTime, Status, ...), or -1. */
long		 ami_msg_num(const struct ami_msg *, const char *key);

/* ------------------------------------------------------------------ */
/* the queue state machine */

enum ami_mode {
	AMI_MODE_LIFECYCLE,	/* join and leave per call: wachtd derives */
	AMI_MODE_GAUGE		/* waiting, longest_wait, answered, ... */
};

/* One [queue NAME] section: an Asterisk queue and the wachtd queue it
 * feeds. Several Asterisk queues may feed one wachtd queue. */
struct ami_queue_conf {
	const char	*name;		/* Asterisk's: "600" */
	const char	*queue;		/* wachtd's: "telefoon/algemeen" */
	enum ami_mode	 mode;
};

enum ami_out_kind {
	AMI_OUT_GAUGE,		/* metric = value; NAN: forget it */
	AMI_OUT_EVENT,		/* metric: value at `at` */
	AMI_OUT_JSON		/* metric (join, leave): json */
};

/* One thing to publish. Strings live until the callback returns. */
struct ami_out {
	enum ami_out_kind kind;
	const char	*queue;		/* wachtd's */
	const char	*metric;	/* "agents", "answered", "join", ... */
	double		 value;
	double		 at;
	const char	*json;		/* {"id":"...","outcome":"answered"} */
};

typedef void	 ami_out_fn(void *arg, const struct ami_out *);

/* A leave whose outcome is not known yet (QueueCallerLeave before
 * AgentConnect), and a call missing from a snapshot, wait this long for
 * the event that settles them before leaving without an outcome. */
#define AMI_GRACE	2.0
/* Calls that left are remembered this long, so that a snapshot taken
 * before they left, or a late event, cannot bring them back. */
#define AMI_GONE_TTL	600.0
/* Calls tracked per Asterisk queue, as wachtd's QUEUE_WAITERS_MAX. */
#define AMI_CALLS_MAX	10000

struct ami_state;

/*
 * The queues to follow; repeat (s) is how often gauges are said again
 * although unchanged (wachtd's queue interval), backdate (s) how far back
 * a join found by reconciliation may be dated. Publishes through out.
 */
struct ami_state *ami_state_new(const struct ami_queue_conf *, size_t n,
		    double repeat, double backdate, ami_out_fn *out,
		    void *arg);
void		 ami_state_free(struct ami_state *);
/* The key of the call ids (the AMI secret): the same key gives the same
 * ids after a restart, so wachtd does not count a caller twice. */
void		 ami_state_key(struct ami_state *, const char *key);
/* The configured queue by Asterisk's name, or -1. */
int		 ami_state_queue(const struct ami_state *, const char *name);
/* One message from Asterisk: the queue events, and the QueueParams,
 * QueueMember and QueueEntry of a snapshot that is open. */
void		 ami_state_feed(struct ami_state *, const struct ami_msg *,
		    double now);
/* A QueueStatus for queue i was sent: its snapshot opens. */
void		 ami_state_begin(struct ami_state *, int i, double now);
/* Its QueueStatusComplete: reconciles the calls and members of queue i
 * with the snapshot. -1 when Asterisk sent no QueueParams for it: it
 * knows no such queue. */
int		 ami_state_end(struct ami_state *, int i, double now);
/* The QueueStatus of queue i failed: its snapshot is dropped. */
void		 ami_state_abort(struct ami_state *, int i);
/* The connection to Asterisk is lost: snapshots are dropped and the
 * gauges forgotten until the next snapshot; calls are kept. */
void		 ami_state_down(struct ami_state *);
/* About once a second: settles leaves past AMI_GRACE, says gauges again
 * every `repeat`, forgets gone calls past AMI_GONE_TTL. */
void		 ami_state_tick(struct ami_state *, double now);
/* Calls tracked now in queue i (waiting, or leaving within the grace). */
size_t		 ami_state_calls(const struct ami_state *, int i);

/* SipHash-2-4 of data under a 16-byte key: the call ids. */
unsigned long long ami_siphash(const unsigned char key[16], const void *data,
		    size_t len);

#endif

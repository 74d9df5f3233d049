/*
 * ami.c: wachtd-probe-ami, the phone probe (issue 6 part 2). It logs in
 * to the Asterisk Manager Interface, follows the queue events and asks
 * for QueueStatus every `reconcile`, and publishes per mapped queue what
 * ami_parse.c decides (join/leave or gauges, agents, handle_time).
 *
 * This file is the conversation: the TCP connection on the probe's event
 * base (a bufferevent), the banner, the Login, the actions and their
 * ActionIDs, timeouts, and reconnecting with backoff. The configuration
 * is read by probe.c, which hands this file the [asterisk] and [queue
 * NAME] sections.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ami_parse.h"
#include "parse.h"
#include "probe.h"
#include "wachtd.h"

#define RETRY_MIN	1.0	/* s: the first wait before reconnecting */

/* Where the conversation with Asterisk is. */
enum conn_state {
	CONN_IDLE,		/* not connected; a retry is due */
	CONN_CONNECTING,	/* TCP connect under way */
	CONN_BANNER,		/* connected, waiting for the banner line */
	CONN_LOGIN,		/* Login sent, waiting for its Response */
	CONN_READY,		/* logged in: events flow, snapshots asked */
	CONN_STOPPED		/* SIGTERM: nothing more */
};

enum action_kind {
	ACTION_LOGIN,
	ACTION_STATUS		/* QueueStatus of one queue */
};

/* An action sent and not answered in full yet. */
struct action {
	unsigned long	 id;		/* ActionID: wachtd-ID */
	enum action_kind kind;
	int		 queue;		/* ACTION_STATUS: the queue's index */
	double		 deadline;
};

/* One [queue NAME] section. */
struct queue_sect {
	char		*name;		/* Asterisk's */
	char		*queue;		/* wachtd's */
	enum ami_mode	 mode;
};

struct ami {
	/* [asterisk] */
	char		*host;
	int		 port;
	char		*user;
	char		*secret_file;
	char		*events;
	double		 reconcile;
	double		 timeout;
	double		 retry;
	double		 interval;
	double		 backdate;
	struct queue_sect *qs;
	size_t		 nqs;

	struct probe	*p;
	struct ami_state *st;
	struct ami_reader *rd;
	struct bufferevent *bev;
	enum conn_state	 state;
	double		 deadline;	/* of connecting, banner and login */
	struct addrinfo	*ai0, *ai;	/* the addresses; the one tried */
	struct event	*retry_ev;
	struct event	*tick_ev;
	struct backoff	 backoff;
	struct complaint trouble;
	struct complaint queue_trouble;
	struct action	*actions;
	size_t		 nactions;
	unsigned long	 next_id;
	double		 next_reconcile;
	int		 proven;	/* a snapshot came on this connection */
	char		 where[300];	/* "host:port", for messages */
};

static void	connect_source(struct ami *);

/* ------------------------------------------------------------------ */
/* configuration */

/* A duration in [min, max]; NULL, or why not. */
static const char *
duration(const char *v, double min, double max, double *out)
{
	const char	*why;
	double		 d;

	if (parse_duration(v, &d, &why) == -1)
		return why;
	if (d < min || d > max)
		return "out of range";
	*out = d;
	return NULL;
}

/* Text that goes into an AMI line: no control characters. */
static int
plain(const char *v)
{
	for (; *v != '\0'; v++)
		if (iscntrl((unsigned char)*v))
			return 0;
	return 1;
}

/* A key of [asterisk]; -1 with why, for "FILE:LINE: why". */
static int
asterisk_key(struct ami *a, const char *name, const char *value, char *why,
    size_t len)
{
	const char	*err = NULL, *range = NULL;
	long		 n;

	if (strcmp(name, "host") == 0) {
		if (value[0] == '\0' || strpbrk(value, " \t") != NULL)
			err = "a host name or address";
		else {
			free(a->host);
			a->host = xstrdup(value);
		}
	} else if (strcmp(name, "port") == 0) {
		if (parse_int(value, 1, 65535, &n, &err) == 0)
			a->port = (int)n;
	} else if (strcmp(name, "user") == 0) {
		if (value[0] == '\0' || !plain(value) || strchr(value, ' '))
			err = "a manager.conf user name";
		else {
			free(a->user);
			a->user = xstrdup(value);
		}
	} else if (strcmp(name, "secret_file") == 0) {
		if (value[0] != '/')
			err = "an absolute path";
		else {
			free(a->secret_file);
			a->secret_file = xstrdup(value);
		}
	} else if (strcmp(name, "events") == 0) {
		if (value[0] == '\0' || strspn(value, "abcdefghijklmnopqrstuvwxyz"
		    ",") != strlen(value))
			err = "on, off, or classes like agent,call";
		else {
			free(a->events);
			a->events = xstrdup(value);
		}
	} else if (strcmp(name, "reconcile") == 0) {
		range = "from 5s to 1h";
		err = duration(value, 5, 3600, &a->reconcile);
	} else if (strcmp(name, "timeout") == 0) {
		range = "from 1s to 5m";
		err = duration(value, 1, 300, &a->timeout);
	} else if (strcmp(name, "retry_max") == 0) {
		range = "from 1s to 1h";
		err = duration(value, 1, 3600, &a->retry);
	} else if (strcmp(name, "interval") == 0) {
		range = "from 1s to 1h";
		err = duration(value, 1, 3600, &a->interval);
	} else if (strcmp(name, "backdate") == 0) {
		range = "from 0s to 1h";
		err = duration(value, 0, 3600, &a->backdate);
	} else {
		snprintf(why, len, "unknown key '%s' in [asterisk]", name);
		return -1;
	}
	if (err == NULL)
		return 0;
	if (strcmp(err, "out of range") == 0 && range != NULL)
		err = range;
	snprintf(why, len, "%s = %s: %s", name, value, err);
	return -1;
}

/* The [queue NAME] section of that name, made on its first key. */
static struct queue_sect *
queue_sect(struct ami *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->nqs; i++)
		if (strcmp(a->qs[i].name, name) == 0)
			return &a->qs[i];
	a->qs = xreallocarray(a->qs, a->nqs + 1, sizeof(*a->qs));
	memset(&a->qs[a->nqs], 0, sizeof(*a->qs));
	a->qs[a->nqs].name = xstrdup(name);
	return &a->qs[a->nqs++];
}

/* A key of [queue NAME]; -1 with why. */
static int
queue_key(struct ami *a, const char *sect, const char *name,
    const char *value, char *why, size_t len)
{
	struct queue_sect *q = queue_sect(a, sect);
	const char	*err;

	if (strcmp(name, "queue") == 0) {
		if (parse_queue_id(value, &err) == -1) {
			snprintf(why, len, "queue = %s: %s", value, err);
			return -1;
		}
		free(q->queue);
		q->queue = xstrdup(value);
	} else if (strcmp(name, "mode") == 0) {
		if (strcmp(value, "lifecycle") == 0)
			q->mode = AMI_MODE_LIFECYCLE;
		else if (strcmp(value, "gauge") == 0)
			q->mode = AMI_MODE_GAUGE;
		else {
			snprintf(why, len, "mode = %s: lifecycle or gauge",
			    value);
			return -1;
		}
	} else {
		snprintf(why, len, "unknown key '%s' in [queue %s]", name,
		    sect);
		return -1;
	}
	return 0;
}

/* A key of [asterisk] or [queue NAME] (probe.c reads [probe], [mqtt]). */
static int
ami_key(void *state, const char *section, const char *name,
    const char *value, char *why, size_t len)
{
	struct ami	*a = state;
	const char	*qname;

	if (strcmp(section, "asterisk") == 0)
		return asterisk_key(a, name, value, why, len);
	if (strncmp(section, "queue ", 6) == 0) {
		for (qname = section + 6; *qname == ' '; qname++)
			;
		if (*qname == '\0' || !plain(qname)) {
			snprintf(why, len, "[%s]: the section needs "
			    "Asterisk's queue name, like [queue 600]", section);
			return -1;
		}
		return queue_key(a, qname, name, value, why, len);
	}
	snprintf(why, len, "unknown section [%s], expected [asterisk] or "
	    "[queue NAME]", section);
	return -1;
}

/* The meaning of the whole: what is required, what must agree. */
static void
ami_check(void *state, struct probe *p)
{
	struct ami	*a = state;
	char		 sect[300];
	size_t		 i, j;
	int		 line = probe_section_line(p, "asterisk");

	if (a->user == NULL)
		probe_config_error(p, line, "[asterisk] needs user = (the "
		    "user in Asterisk's manager.conf)");
	if (a->secret_file == NULL)
		probe_config_error(p, line, "[asterisk] needs secret_file = "
		    "(a file with its secret)");
	if (a->nqs == 0)
		probe_config_error(p, 0, "no [queue NAME] section: which "
		    "Asterisk queues feed which wachtd queue?");
	for (i = 0; i < a->nqs; i++) {
		snprintf(sect, sizeof(sect), "queue %s", a->qs[i].name);
		if (a->qs[i].queue == NULL) {
			probe_config_error(p, probe_section_line(p, sect),
			    "[%s] needs queue = CHANNEL/NAME (the wachtd "
			    "queue)", sect);
			continue;
		}
		for (j = 0; j < i; j++)
			if (a->qs[j].queue != NULL &&
			    strcmp(a->qs[j].queue, a->qs[i].queue) == 0 &&
			    a->qs[j].mode != a->qs[i].mode)
				probe_config_error(p, probe_section_line(p,
				    sect), "[%s] feeds %s as [queue %s] does, "
				    "but in another mode", sect,
				    a->qs[i].queue, a->qs[j].name);
	}
}

/* ------------------------------------------------------------------ */
/* publishing */

/* What ami_parse.c decided, through probe.c. */
static void
publish(void *arg, const struct ami_out *o)
{
	struct ami	*a = arg;

	switch (o->kind) {
	case AMI_OUT_GAUGE:
		probe_gauge(a->p, o->queue, o->metric, o->value);
		break;
	case AMI_OUT_EVENT:
		log_debug("%s %s %g", o->queue, o->metric, o->value);
		probe_event(a->p, o->queue, o->metric, o->value, o->at);
		break;
	case AMI_OUT_JSON:
		log_debug("%s %s %s", o->queue, o->metric, o->json);
		probe_event_json(a->p, o->queue, o->metric, o->json);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* the connection */

/* Closes the connection, if any, and forgets what it was doing. */
static void
close_source(struct ami *a)
{
	if (a->bev != NULL) {
		bufferevent_free(a->bev);
		a->bev = NULL;
	}
	if (a->ai0 != NULL) {
		freeaddrinfo(a->ai0);
		a->ai0 = a->ai = NULL;
	}
	a->nactions = 0;
	a->proven = 0;
	if (a->state == CONN_READY || a->state == CONN_LOGIN)
		ami_state_down(a->st);
}

/* Gives up on this connection, says why (rate-limited), and tries again
 * after the next backoff. */
static void __attribute__((format(printf, 2, 3)))
drop(struct ami *a, const char *fmt, ...)
{
	struct timeval	 tv;
	char		 msg[512];
	double		 wait;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	close_source(a);
	a->state = CONN_IDLE;
	wait = fmin(backoff_next(&a->backoff), a->retry);
	log_complain(&a->trouble, util_now(), "Asterisk at %s: %s; trying "
	    "again in %.0fs", a->where, msg, ceil(wait));
	tv.tv_sec = (time_t)wait;
	tv.tv_usec = (suseconds_t)((wait - floor(wait)) * 1e6);
	evtimer_add(a->retry_ev, &tv);
}

static void
send_text(struct ami *a, const char *text)
{
	bufferevent_write(a->bev, text, strlen(text));
}

/* An action about to be sent: its ActionID and its deadline. */
static struct action *
new_action(struct ami *a, enum action_kind kind, int queue)
{
	struct action	*act;

	a->actions = xreallocarray(a->actions, a->nactions + 1,
	    sizeof(*a->actions));
	act = &a->actions[a->nactions++];
	act->id = ++a->next_id;
	act->kind = kind;
	act->queue = queue;
	act->deadline = util_now() + a->timeout;
	return act;
}

/* The action a message answers, by its ActionID, or NULL. */
static struct action *
find_action(struct ami *a, const struct ami_msg *m)
{
	const char	*id = ami_msg_get(m, "ActionID");
	unsigned long	 n;
	char		*end;
	size_t		 i;

	if (id == NULL || strncmp(id, "wachtd-", 7) != 0)
		return NULL;
	n = strtoul(id + 7, &end, 10);
	if (*end != '\0')
		return NULL;
	for (i = 0; i < a->nactions; i++)
		if (a->actions[i].id == n)
			return &a->actions[i];
	return NULL;
}

static void
end_action(struct ami *a, struct action *act)
{
	size_t	 i = (size_t)(act - a->actions);

	memmove(&a->actions[i], &a->actions[i + 1],
	    (a->nactions - i - 1) * sizeof(*a->actions));
	a->nactions--;
}

/* The banner came: Login, with the class of events to send us. */
static void
send_login(struct ami *a)
{
	struct action	*act = new_action(a, ACTION_LOGIN, -1);
	char		*secret, *text;

	/* Read at each login: a changed secret needs no restart. */
	if ((secret = probe_read_secret(a->secret_file)) == NULL) {
		drop(a, "no secret to log in with");
		return;
	}
	if (!plain(secret)) {
		free(secret);
		drop(a, "%s holds control characters", a->secret_file);
		return;
	}
	ami_state_key(a->st, secret);
	xasprintf(&text, "Action: Login\r\nActionID: wachtd-%lu\r\n"
	    "Username: %s\r\nSecret: %s\r\nEvents: %s\r\n\r\n", act->id,
	    a->user, secret, a->events);
	send_text(a, text);
	explicit_bzero(text, strlen(text));
	explicit_bzero(secret, strlen(secret));
	free(text);
	free(secret);
	a->state = CONN_LOGIN;
	a->deadline = util_now() + a->timeout;
}

/* Asks for a QueueStatus of every queue: the reconciliation. */
static void
reconcile(struct ami *a, double now)
{
	struct action	*act;
	char		*text;
	size_t		 i;

	for (i = 0; i < a->nactions; i++)
		if (a->actions[i].kind == ACTION_STATUS)
			return;		/* the last one is still coming */
	for (i = 0; i < a->nqs; i++) {
		act = new_action(a, ACTION_STATUS, (int)i);
		xasprintf(&text, "Action: QueueStatus\r\nActionID: "
		    "wachtd-%lu\r\nQueue: %s\r\n\r\n", act->id, a->qs[i].name);
		send_text(a, text);
		free(text);
		ami_state_begin(a->st, (int)i, now);
	}
	a->next_reconcile = now + a->reconcile;
}

/* A Response: to the login (in or out), or to a QueueStatus that failed
 * (a success only announces the events that follow). */
static void
on_response(struct ami *a, const struct ami_msg *m, double now)
{
	struct action	*act = find_action(a, m);
	const char	*resp = ami_msg_get(m, "Response");
	const char	*why = ami_msg_get(m, "Message");
	int		 ok = strcasecmp(resp, "Success") == 0;

	if (act == NULL)
		return;
	if (why == NULL)
		why = resp;
	if (act->kind == ACTION_LOGIN) {
		end_action(a, act);
		if (!ok) {
			drop(a, "login as '%s' refused: %s", a->user, why);
			return;
		}
		log_info("logged in to Asterisk at %s as '%s'", a->where,
		    a->user);
		a->state = CONN_READY;
		reconcile(a, now);
	} else if (!ok) {
		log_complain(&a->queue_trouble, now, "Asterisk at %s: "
		    "QueueStatus of queue '%s' failed: %s", a->where,
		    a->qs[act->queue].name, why);
		ami_state_abort(a->st, act->queue);
		end_action(a, act);
	}
}

/* A QueueStatusComplete: that queue is reconciled. */
static void
status_complete(struct ami *a, struct action *act, double now)
{
	size_t	 i;

	if (ami_state_end(a->st, act->queue, now) == -1)
		log_complain(&a->queue_trouble, now, "Asterisk at %s knows "
		    "no queue '%s' (check [queue %s])", a->where,
		    a->qs[act->queue].name, a->qs[act->queue].name);
	end_action(a, act);
	for (i = 0; i < a->nactions; i++)
		if (a->actions[i].kind == ACTION_STATUS)
			return;
	if (!a->proven) {
		/* A connection that answers: the next failure starts over. */
		a->proven = 1;
		backoff_reset(&a->backoff);
		log_relief(&a->trouble, "Asterisk at %s: following %zu "
		    "queue%s again", a->where, a->nqs, a->nqs == 1 ? "" : "s");
	}
}

/* One message from Asterisk; -1 when the connection was dropped. */
static int
on_message(struct ami *a, const struct ami_msg *m)
{
	struct action	*act;
	const char	*event;
	double		 now = util_now();

	if (m->malformed > 0 || m->dropped > 0)
		log_debug("Asterisk at %s: %zu malformed lines, %zu fields "
		    "dropped in a message", a->where, m->malformed, m->dropped);
	switch (m->kind) {
	case AMI_BANNER:
		log_debug("Asterisk at %s: AMI %s", a->where, m->version);
		if (a->state == CONN_BANNER)
			send_login(a);
		break;
	case AMI_RESPONSE:
		on_response(a, m, now);
		break;
	case AMI_EVENT:
		if (a->state != CONN_READY)
			break;
		event = ami_msg_get(m, "Event");
		if ((act = find_action(a, m)) != NULL &&
		    act->kind == ACTION_STATUS &&
		    strcasecmp(event, "QueueStatusComplete") == 0)
			status_complete(a, act, now);
		else {
			if (strcasecmp(event, "Shutdown") == 0)
				log_info("Asterisk at %s is shutting down",
				    a->where);
			ami_state_feed(a->st, m, now);
		}
		break;
	case AMI_OTHER:
		break;
	}
	return a->state == CONN_IDLE ? -1 : 0;
}

/* Bytes from Asterisk: message by message to on_message, until the
 * input is used up or the connection is dropped. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct ami	*a = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	const struct ami_msg *m;
	const char	*why;
	char		 buf[4096];
	ssize_t		 len, used;
	size_t		 off;

	while ((len = evbuffer_copyout(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < (size_t)len; off += (size_t)used) {
			used = ami_reader_push(a->rd, buf + off,
			    (size_t)len - off, &m, &why);
			if (used == -1) {
				drop(a, "%s", why);
				return;
			}
			evbuffer_drain(in, (size_t)used);
			if (m != NULL && on_message(a, m) == -1)
				return;
		}
	}
}

/* Tries the next address of the host, or the first: 0, or -1 when there
 * is none left. */
static int
try_address(struct ami *a)
{
	a->ai = a->ai == NULL ? a->ai0 : a->ai->ai_next;
	if (a->ai == NULL)
		return -1;
	if (a->bev != NULL)
		bufferevent_free(a->bev);
	a->bev = bufferevent_socket_new(probe_base(a->p), -1,
	    BEV_OPT_CLOSE_ON_FREE);
	if (a->bev == NULL)
		fatalx("bufferevent_socket_new");
	ami_reader_reset(a->rd);
	bufferevent_setcb(a->bev, on_read, NULL, NULL, a);
	return 0;
}

static void	on_event(struct bufferevent *, short, void *);

/* Connects to the current address; on failure moves on to the next. */
static void
start_connect(struct ami *a)
{
	while (try_address(a) == 0) {
		bufferevent_setcb(a->bev, on_read, NULL, on_event, a);
		bufferevent_enable(a->bev, EV_READ);
		if (bufferevent_socket_connect(a->bev, a->ai->ai_addr,
		    (int)a->ai->ai_addrlen) == 0)
			return;
	}
	drop(a, "%s", strerror(errno));
}

/* Connected, or the connection failed or closed. */
static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct ami	*a = arg;
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		a->state = CONN_BANNER;
		a->deadline = util_now() + a->timeout;
		return;
	}
	if (a->state == CONN_CONNECTING && a->ai->ai_next != NULL) {
		start_connect(a);	/* ::1 refused: 127.0.0.1 may not */
		return;
	}
	if (what & BEV_EVENT_EOF)
		drop(a, "%s", a->state == CONN_LOGIN ? "closed the "
		    "connection at login" : "closed the connection");
	else
		drop(a, "%s", err != 0 ? evutil_socket_error_to_string(err) :
		    "connection failed");
}

/* A new attempt: resolve the host (again: its address may change). */
static void
connect_source(struct ami *a)
{
	struct addrinfo	 hints;
	char		 port[16];
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(port, sizeof(port), "%d", a->port);
	a->state = CONN_CONNECTING;
	a->deadline = util_now() + a->timeout;
	/* Blocking, as mosquitto's own: only when (re)connecting. */
	if ((rc = getaddrinfo(a->host, port, &hints, &a->ai0)) != 0) {
		a->ai0 = NULL;
		drop(a, "%s", gai_strerror(rc));
		return;
	}
	a->ai = NULL;
	start_connect(a);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	connect_source(arg);
}

/* Once a second: timeouts, the reconciliation, the state's clock. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ami	*a = arg;
	double		 now = util_now();
	size_t		 i;

	(void)fd;
	(void)what;
	ami_state_tick(a->st, now);
	switch (a->state) {
	case CONN_CONNECTING:
	case CONN_BANNER:
	case CONN_LOGIN:
		if (now > a->deadline)
			drop(a, "%s", a->state == CONN_CONNECTING ?
			    "no connection" : a->state == CONN_BANNER ?
			    "no banner" : "no answer to the login");
		break;
	case CONN_READY:
		for (i = 0; i < a->nactions; i++)
			if (now > a->actions[i].deadline) {
				drop(a, "no answer to QueueStatus for %.0fs",
				    a->timeout);
				return;
			}
		if (now >= a->next_reconcile)
			reconcile(a, now);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* the probe */

/* The configuration is good and the broker under way: the state
 * machine, the timers, and the first attempt. */
static void
ami_start(void *state, struct probe *p)
{
	struct ami		*a = state;
	struct ami_queue_conf	*conf;
	struct timeval		 second = { 1, 0 };
	size_t			 i;

	a->p = p;
	conf = xcalloc(a->nqs, sizeof(*conf));
	for (i = 0; i < a->nqs; i++) {
		conf[i].name = a->qs[i].name;
		conf[i].queue = a->qs[i].queue;
		conf[i].mode = a->qs[i].mode;
	}
	a->st = ami_state_new(conf, a->nqs, a->interval, a->backdate,
	    publish, a);
	free(conf);
	a->rd = ami_reader_new();
	if (strchr(a->host, ':') != NULL)
		snprintf(a->where, sizeof(a->where), "[%s]:%d", a->host,
		    a->port);
	else
		snprintf(a->where, sizeof(a->where), "%s:%d", a->host,
		    a->port);
	backoff_init(&a->backoff, RETRY_MIN, a->retry);
	a->retry_ev = evtimer_new(probe_base(p), on_retry, a);
	a->tick_ev = event_new(probe_base(p), -1, EV_PERSIST, on_tick, a);
	evtimer_add(a->tick_ev, &second);
	connect_source(a);
}

static void
ami_stop(void *state)
{
	struct ami	*a = state;

	close_source(a);
	a->state = CONN_STOPPED;
	if (a->retry_ev != NULL)
		event_free(a->retry_ev);
	if (a->tick_ev != NULL)
		event_free(a->tick_ev);
	a->retry_ev = a->tick_ev = NULL;
}

static void
ami_free(struct ami *a)
{
	size_t	 i;

	ami_state_free(a->st);
	ami_reader_free(a->rd);
	for (i = 0; i < a->nqs; i++) {
		free(a->qs[i].name);
		free(a->qs[i].queue);
	}
	free(a->qs);
	free(a->actions);
	free(a->host);
	free(a->user);
	free(a->secret_file);
	free(a->events);
}

int	main(int, char **);

int
main(int argc, char **argv)
{
	static const struct probe_def def = {
		.name = "ami",
		.key = ami_key,
		.check = ami_check,
		.start = ami_start,
		.stop = ami_stop,
	};
	struct ami	 a = {
		.port = 5038,
		.reconcile = 60,
		.timeout = 10,
		.retry = 60,
		.interval = 10,
		.backdate = 8,
	};
	int		 rc;

	a.host = xstrdup("127.0.0.1");
	a.events = xstrdup("agent");
	rc = probe_main(argc, argv, &def, &a);
	ami_free(&a);
	return rc;
}

/*
 * imap.c: wachtd-probe-imap (issue 6), the e-mail backlog of shared
 * mailboxes. Each [mailbox NAME] section is one IMAP session on the
 * probe's event loop that logs in, opens its folder read-only (EXAMINE),
 * and looks at it: which messages are open (not \Answered, not
 * \Deleted), since when (INTERNALDATE), and what changed since the last
 * look. A look is one UID SEARCH for the open messages and one UID
 * FETCH of UID, FLAGS and INTERNALDATE for those it does not know yet;
 * it never reads an address, a subject or a body. The server's IDLE
 * says when to look; without it the probe polls.
 *
 * Per queue (several sections may feed one) it publishes the gauges
 * backlog and oldest_age, and the events arrived and answered (with the
 * wait) on wachtd's MQTT contract, through probe.c. The state lives in
 * memory only; a restart starts from a fresh look without counting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "imap_parse.h"
#include "parse.h"
#include "probe.h"
#include "wachtd.h"

#define IDLE_MAX	(29 * 60)	/* RFC 2177: re-issue IDLE before 30m */
#define SET_ROOM	1000		/* bytes of a UID set in one FETCH */

enum tls_mode {
	TLS_YES,		/* implicit TLS (imaps, 993) */
	TLS_STARTTLS,		/* plain, then STARTTLS before logging in */
	TLS_NO,			/* plain text: a server on loopback only */
};

enum auth_mode {
	AUTH_AUTO,		/* PLAIN where offered, else LOGIN */
	AUTH_PLAIN,		/* AUTHENTICATE PLAIN */
	AUTH_LOGIN,		/* LOGIN */
};

enum key {
	K_HOST, K_PORT, K_TLS, K_CA_FILE, K_USER, K_PASSWORD_FILE, K_AUTH,
	K_FOLDER, K_DONE_FOLDERS, K_QUEUE, K_POLL, K_IDLE, K_RESYNC,
	K_INTERVAL, K_TIMEOUT, K_RETRY, K_RETRY_MAX, NKEYS
};
static const char *key_names[NKEYS] = {
	"host", "port", "tls", "ca_file", "user", "password_file", "auth",
	"folder", "done_folders", "queue", "poll", "idle", "resync",
	"interval", "timeout", "retry", "retry_max"
};
#define REQUIRED	((1u << K_HOST) | (1u << K_USER) | \
			 (1u << K_PASSWORD_FILE) | (1u << K_QUEUE))

/* One [mailbox NAME] section. */
struct box_conf {
	char		*section;	/* "mailbox info" */
	const char	*name;		/* "info", inside section */
	unsigned	 seen;		/* bit per enum key given */
	char		*host;
	int		 port;		/* 0: 993 with TLS, else 143 */
	enum tls_mode	 tls;
	char		*ca_file;	/* NULL: the system's */
	char		*user;
	char		*password_file;
	enum auth_mode	 auth;
	char		*folder;	/* UTF-8, as configured */
	char		*folder_arg;	/* quoted, modified UTF-7: for IMAP */
	char		**done;		/* done folders, UTF-8 */
	char		**done_arg;
	size_t		 ndone;
	char		*queue;
	double		 poll, resync, interval, timeout, retry, retry_max;
	int		 idle;
};

/* Where a session is in its conversation with the server. */
enum conn_state {
	CS_DOWN,		/* no connection; the retry timer runs */
	CS_CONNECTING,		/* name, TCP and (tls = yes) TLS handshake */
	CS_GREETING,		/* connected, waiting for the greeting */
	CS_CAPABILITY,		/* CAPABILITY sent */
	CS_STARTTLS,		/* STARTTLS sent */
	CS_HANDSHAKE,		/* TLS handshake after STARTTLS */
	CS_AUTH,		/* LOGIN or AUTHENTICATE sent */
	CS_EXAMINE,		/* the watched folder being opened */
	CS_DONE_CHECK,		/* STATUS of a done folder: is it there? */
	CS_NOOP,		/* a poll: the server tells what changed */
	CS_SEARCH,		/* UID SEARCH for the open messages */
	CS_FETCH,		/* UID FETCH of unknown and new messages */
	CS_IDLE_START,		/* IDLE sent, waiting for its '+' */
	CS_IDLE,		/* idling: a change or the timer ends it */
	CS_IDLE_DONE,		/* DONE sent, waiting for IDLE to end */
	CS_WAIT,		/* between two polls (no IDLE) */
};

struct imap_probe;

/* One mailbox section's connection and its folder's state. */
struct session {
	struct imap_probe *ip;
	const struct box_conf *conf;
	char		 where[300];	/* host:port, for messages */
	enum conn_state	 state;
	struct bufferevent *bev;
	int		 tls_on;	/* TLS runs on bev */
	struct event	*retry_ev;	/* CS_DOWN: connect again */
	struct event	*tick_ev;	/* CS_IDLE, CS_WAIT: look again */
	struct event	*publish_ev;	/* the gauges, every interval */
	struct backoff	 backoff;
	struct complaint trouble;
	struct imap_framer framer;
	size_t		 framed;	/* input bytes fed to the framer */
	unsigned	 caps;
	int		 have_caps;
	int		 authed;
	unsigned	 tagno;
	char		 tag[16];
	char		*sasl;		/* AUTHENTICATE PLAIN awaiting '+' */
	char		 bye[160];	/* what a BYE said */
	size_t		 done_i;	/* CS_DONE_CHECK: which one */
	int		 done_checked;	/* once per run is enough */
	int		 no_idle;	/* the server refused IDLE once */
	uint32_t	 exists;
	uint32_t	 ex_validity, ex_uidnext;	/* from EXAMINE */
	struct imap_box	 box;
	int		 live;		/* box is the folder as it is now */
	int		 changed;	/* a change came during a look */
	struct imap_uids search, unknown;
	size_t		 unknown_pos;
	int		 fetch_new;	/* uidnext:* still to be asked */
	struct imap_msgs fetched, cur;
	struct imap_changes changes;
};

struct imap_probe {
	struct probe	*p;
	struct box_conf	*boxes;
	size_t		 nboxes;
	char		*bad_section;	/* reported once */
	struct session	*sessions;
	struct evdns_base *dns;
};

static void	session_connect(struct session *);
static void	session_lost(struct session *, const char *, ...)
		    PRINTFLIKE(2, 3);
static void	look_start(struct session *, int noop);

/* ---- configuration ---- */

/* The section's settings, made with the defaults at its first key. */
static struct box_conf *
box_for(struct imap_probe *ip, const char *section)
{
	struct box_conf	*b;
	size_t		 i;

	for (i = 0; i < ip->nboxes; i++)
		if (strcmp(ip->boxes[i].section, section) == 0)
			return &ip->boxes[i];
	ip->boxes = xreallocarray(ip->boxes, ip->nboxes + 1,
	    sizeof(*ip->boxes));
	b = &ip->boxes[ip->nboxes++];
	memset(b, 0, sizeof(*b));
	b->section = xstrdup(section);
	b->name = b->section + strlen("mailbox ");
	b->tls = TLS_YES;
	b->auth = AUTH_AUTO;
	b->folder = xstrdup("INBOX");
	b->poll = 60;
	b->idle = 1;
	b->resync = 600;
	b->interval = 30;
	b->timeout = 60;
	b->retry = 5;
	b->retry_max = 300;
	return b;
}

/* A duration within [min, max]; NULL or why not. */
static const char *
duration(const char *v, double min, double max, const char *range,
    double *out)
{
	const char	*why;
	double		 d;

	if (parse_duration(v, &d, &why) == -1)
		return why;
	if (d < min || d > max)
		return range;
	*out = d;
	return NULL;
}

/* "Afgehandeld, Archief/2026": the names, trimmed. */
static const char *
folder_list(struct box_conf *b, const char *v)
{
	char	*copy = xstrdup(v), *tok, *save = NULL, *end;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		b->done = xreallocarray(b->done, b->ndone + 1,
		    sizeof(*b->done));
		b->done[b->ndone++] = xstrdup(tok);
	}
	free(copy);
	return b->ndone == 0 ? "expected folder names apart by commas" : NULL;
}

/* Stores one value; NULL or why it is refused. */
static const char *
conf_set(struct box_conf *b, enum key k, const char *v)
{
	const char	*why;
	long		 n;
	int		 yes;

	if (*v == '\0')
		return "empty value";
	switch (k) {
	case K_HOST:
		if (strpbrk(v, " \t/") != NULL)
			return "expected a host name or address";
		b->host = xstrdup(v);
		return NULL;
	case K_PORT:
		if (parse_int(v, 1, 65535, &n, &why) == -1)
			return "expected a port from 1 to 65535";
		b->port = (int)n;
		return NULL;
	case K_TLS:
		if (strcmp(v, "yes") == 0)
			b->tls = TLS_YES;
		else if (strcmp(v, "starttls") == 0)
			b->tls = TLS_STARTTLS;
		else if (strcmp(v, "no") == 0)
			b->tls = TLS_NO;
		else
			return "expected yes, starttls or no";
		return NULL;
	case K_CA_FILE:
		b->ca_file = xstrdup(v);
		return NULL;
	case K_USER:
		b->user = xstrdup(v);
		return NULL;
	case K_PASSWORD_FILE:
		b->password_file = xstrdup(v);
		return NULL;
	case K_AUTH:
		if (strcmp(v, "auto") == 0)
			b->auth = AUTH_AUTO;
		else if (strcmp(v, "plain") == 0)
			b->auth = AUTH_PLAIN;
		else if (strcmp(v, "login") == 0)
			b->auth = AUTH_LOGIN;
		else
			return "expected auto, plain or login";
		return NULL;
	case K_FOLDER:
		free(b->folder);
		b->folder = xstrdup(v);
		return NULL;
	case K_DONE_FOLDERS:
		return folder_list(b, v);
	case K_QUEUE:
		if (parse_queue_id(v, &why) == -1)
			return why;
		b->queue = xstrdup(v);
		return NULL;
	case K_POLL:
		return duration(v, 1, IDLE_MAX, "expected a duration from 1s "
		    "to 29m", &b->poll);
	case K_IDLE:
		if (parse_bool(v, &yes, &why) == -1)
			return why;
		b->idle = yes;
		return NULL;
	case K_RESYNC:
		return duration(v, 1, IDLE_MAX, "expected a duration from 1s "
		    "to 29m", &b->resync);
	case K_INTERVAL:
		return duration(v, 1, 3600, "expected a duration from 1s to "
		    "1h", &b->interval);
	case K_TIMEOUT:
		return duration(v, 1, 600, "expected a duration from 1s to "
		    "10m", &b->timeout);
	case K_RETRY:
		return duration(v, 1, 3600, "expected a duration from 1s to "
		    "1h", &b->retry);
	case K_RETRY_MAX:
		return duration(v, 1, 86400, "expected a duration from 1s to "
		    "1d", &b->retry_max);
	case NKEYS:
		break;
	}
	return "unknown key";
}

/* probe_def.key: a key of a [mailbox NAME] section. */
static int
imap_key(void *state, const char *section, const char *name,
    const char *value, char *why, size_t len)
{
	struct imap_probe *ip = state;
	struct box_conf	*b;
	const char	*err;
	int		 k;

	if (strncmp(section, "mailbox ", 8) != 0 || section[8] == '\0' ||
	    strpbrk(section + 8, " \t") != NULL) {
		if (ip->bad_section != NULL &&
		    strcmp(ip->bad_section, section) == 0) {
			snprintf(why, len, "key '%s' in unknown section [%s]",
			    name, section);
			return -1;
		}
		free(ip->bad_section);
		ip->bad_section = xstrdup(section);
		snprintf(why, len, "unknown section [%s], expected [mailbox "
		    "NAME] (a name without spaces)", section);
		return -1;
	}
	for (k = 0; k < NKEYS; k++)
		if (strcmp(name, key_names[k]) == 0)
			break;
	if (k == NKEYS) {
		snprintf(why, len, "unknown key '%s' in [%s]", name, section);
		return -1;
	}
	b = box_for(ip, section);
	if ((err = conf_set(b, (enum key)k, value)) != NULL) {
		snprintf(why, len, "%s = %s: %s", name, value, err);
		return -1;
	}
	b->seen |= 1u << k;
	return 0;
}

/* A folder name ready for a command; NULL when it cannot be one. */
static char *
folder_arg(const char *name)
{
	char	 enc[1024], quoted[2100];

	if (imap_mutf7(name, enc, sizeof(enc)) == -1 ||
	    imap_quote(enc, quoted, sizeof(quoted)) == -1)
		return NULL;
	return xstrdup(quoted);
}

/* probe_def.check: what the file means, every error reported. */
static void
imap_check(void *state, struct probe *p)
{
	struct imap_probe *ip = state;
	struct box_conf	*b;
	size_t		 i, j;
	int		 k, line;

	if (ip->nboxes == 0)
		probe_config_error(p, 0, "no [mailbox NAME] section: nothing "
		    "to watch");
	for (i = 0; i < ip->nboxes; i++) {
		b = &ip->boxes[i];
		line = probe_section_line(p, b->section);
		for (k = 0; k < NKEYS; k++)
			if ((REQUIRED & (1u << k)) && !(b->seen & (1u << k)))
				probe_config_error(p, line, "[%s] needs %s",
				    b->section, key_names[k]);
		if ((b->folder_arg = folder_arg(b->folder)) == NULL)
			probe_config_error(p, line, "[%s] folder = %s: not a "
			    "folder name (UTF-8, without line breaks)",
			    b->section, b->folder);
		b->done_arg = xcalloc(b->ndone + 1, sizeof(*b->done_arg));
		for (j = 0; j < b->ndone; j++) {
			if (strcmp(b->done[j], b->folder) == 0)
				probe_config_error(p, line, "[%s] done folder "
				    "%s is the watched folder", b->section,
				    b->done[j]);
			if ((b->done_arg[j] = folder_arg(b->done[j])) == NULL)
				probe_config_error(p, line, "[%s] done folder "
				    "%s: not a folder name", b->section,
				    b->done[j]);
		}
		if (b->retry_max < b->retry)
			probe_config_error(p, line, "[%s] retry_max must "
			    "not be below retry", b->section);
		if (b->ca_file != NULL && b->tls == TLS_NO)
			probe_config_error(p, line, "[%s] ca_file without TLS: "
			    "set tls = yes or starttls", b->section);
		if (b->port == 0)
			b->port = b->tls == TLS_YES ? 993 : 143;
	}
}

/* ---- publishing ---- */

/* The gauges of a queue, from every section that feeds it; none while
 * one of them does not see its folder (wachtd then calls it stale). */
static void
publish_queue(struct imap_probe *ip, const char *queue)
{
	const struct session *s;
	double		 now = util_now(), oldest = 0, age;
	size_t		 i, backlog = 0;
	int		 live = 1;

	for (i = 0; i < ip->nboxes; i++) {
		s = &ip->sessions[i];
		if (strcmp(s->conf->queue, queue) != 0)
			continue;
		if (!s->live) {
			live = 0;
			break;
		}
		backlog += imap_box_backlog(&s->box);
		if ((age = imap_box_oldest_age(&s->box, now)) > oldest)
			oldest = age;
	}
	probe_gauge(ip->p, queue, "backlog", live ? (double)backlog : NAN);
	probe_gauge(ip->p, queue, "oldest_age", live ? floor(oldest) : NAN);
}

static void
on_publish(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;

	(void)fd;
	(void)what;
	if (s->live)
		publish_queue(s->ip, s->conf->queue);
}

/* ---- the connection ---- */

static void
timer_in(struct event *ev, double secs)
{
	struct timeval	 tv;

	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(ev, &tv);
}

/* The read timeout runs while an answer is due, not while idling. */
static void
expect_answer(struct session *s, int yes)
{
	struct timeval	 tv;

	tv.tv_sec = (time_t)s->conf->timeout;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(s->bev, yes ? &tv : NULL, &tv);
}

static void
send_line(struct session *s, const char *line)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);

	evbuffer_add(out, line, strlen(line));
	evbuffer_add(out, "\r\n", 2);
}

/* A command with a new tag; the session waits in state next. The
 * password goes through here too, so commands are never logged. */
static void PRINTFLIKE(3, 4)
send_cmd(struct session *s, enum conn_state next, const char *fmt, ...)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	va_list		 ap;

	snprintf(s->tag, sizeof(s->tag), "a%u", ++s->tagno);
	evbuffer_add_printf(out, "%s ", s->tag);
	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\r\n", 2);
	s->state = next;
	expect_answer(s, 1);
}

static void
wipe_free(char *secret)
{
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}

/* Drops the connection (with its TLS) and whatever the login held. */
static void
session_close(struct session *s)
{
	if (s->bev != NULL) {
		bufferevent_free(s->bev);
		s->bev = NULL;
	}
	wipe_free(s->sasl);
	s->sasl = NULL;
	evtimer_del(s->tick_ev);
	s->state = CS_DOWN;
	s->tls_on = 0;
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	session_connect(arg);
}

/*
 * The connection is gone or useless: say why (rate-limited; NULL when
 * it was said already), stop the figures of its queue, and try again
 * after a backoff that only a complete look resets, so that a wrong
 * password is not tried every few seconds.
 */
static void
session_lost(struct session *s, const char *fmt, ...)
{
	char		 msg[512];
	double		 wait = backoff_next(&s->backoff);
	va_list		 ap;

	session_close(s);
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		log_complain(&s->trouble, util_now(), "imap %s: %s (trying "
		    "again in %.0f s)", s->conf->name, msg, wait);
	}
	if (s->live) {
		s->live = 0;
		publish_queue(s->ip, s->conf->queue);
	}
	timer_in(s->retry_ev, wait);
}

/* An SSL for the server, checking its certificate and name. */
static SSL *
tls_new(struct session *s)
{
	const struct box_conf *c = s->conf;
	struct in6_addr	 addr;
	SSL_CTX		*ctx;
	SSL		*ssl = NULL;
	unsigned long	 e;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (c->ca_file != NULL) {
		if (!SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL)) {
			e = ERR_get_error();
			ERR_clear_error();
			SSL_CTX_free(ctx);
			session_lost(s, "ca_file %s: %s", c->ca_file,
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "cannot be read");
			return NULL;
		}
	} else if (!SSL_CTX_set_default_verify_paths(ctx))
		goto fail;
	ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);		/* ssl holds it */
	if (ssl == NULL)
		goto fail;
	if (inet_pton(AF_INET, c->host, &addr) == 1 ||
	    inet_pton(AF_INET6, c->host, &addr) == 1) {
		if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    c->host))
			goto fail;
	} else if (!SSL_set_tlsext_host_name(ssl, c->host) ||
	    !SSL_set1_host(ssl, c->host))
		goto fail;
	return ssl;
fail:
	ERR_clear_error();
	if (ssl != NULL)
		SSL_free(ssl);
	session_lost(s, "cannot set up TLS");
	return NULL;
}

/* Why a connection failed, as plainly as the layers say it. */
static void
describe_error(struct session *s, struct bufferevent *bev, short what,
    char *buf, size_t len)
{
	SSL		*ssl;
	unsigned long	 e;
	long		 verify;
	int		 dns, err = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_TIMEOUT) {
		snprintf(buf, len, "no answer from %s within %.0f s",
		    s->where, s->conf->timeout);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		if (s->bye[0] != '\0')
			snprintf(buf, len, "%s closed the connection: %s",
			    s->where, s->bye);
		else
			snprintf(buf, len, "%s closed the connection",
			    s->where);
		return;
	}
	if (s->state == CS_CONNECTING &&
	    (dns = bufferevent_socket_get_dns_error(bev)) != 0) {
		snprintf(buf, len, "cannot find %s: %s", s->conf->host,
		    evutil_gai_strerror(dns));
		return;
	}
	if (s->tls_on || s->state == CS_HANDSHAKE ||
	    (s->state == CS_CONNECTING && s->conf->tls == TLS_YES)) {
		ssl = bufferevent_openssl_get_ssl(bev);
		if (ssl != NULL &&
		    (verify = SSL_get_verify_result(ssl)) != X509_V_OK) {
			snprintf(buf, len, "TLS with %s: certificate not "
			    "trusted: %s", s->where,
			    X509_verify_cert_error_string(verify));
			ERR_clear_error();
			return;
		}
		if ((e = bufferevent_get_openssl_error(bev)) != 0) {
			snprintf(buf, len, "TLS with %s: %s", s->where,
			    ERR_reason_error_string(e) ?
			    ERR_reason_error_string(e) : "failed");
			while (bufferevent_get_openssl_error(bev) != 0)
				;
			return;
		}
	}
	snprintf(buf, len, "%s %s: %s", s->state == CS_CONNECTING ?
	    "cannot connect to" : "connection to", s->where,
	    err != 0 ? evutil_socket_error_to_string(err) : "lost");
}

static void	on_read(struct bufferevent *, void *);

/* While idling nothing is said for up to 29 minutes: TCP keepalive
 * finds a server that vanished (power, network) in about 3 minutes. */
static void
keepalive(evutil_socket_t fd)
{
	int	 one = 1;
#ifdef TCP_KEEPIDLE
	int	 idle = 60, intvl = 30, cnt = 4;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#endif
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
}

/* Connected (TCP, or TLS done), or the connection failed. */
static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct session	*s = arg;
	char		 why[512];

	if (what & BEV_EVENT_CONNECTED) {
		if (s->state == CS_HANDSHAKE) {
			s->tls_on = 1;
			send_cmd(s, CS_CAPABILITY, "CAPABILITY");
			return;
		}
		s->tls_on = s->conf->tls == TLS_YES;
		keepalive(bufferevent_getfd(bev));
		s->state = CS_GREETING;
		log_debug("imap %s: connected to %s", s->conf->name,
		    s->where);
		return;
	}
	describe_error(s, bev, what, why, sizeof(why));
	session_lost(s, "%s", why);
}

/* A new connection: the name is looked up without blocking the loop
 * (evdns), so one slow DNS server holds up no other mailbox. */
static void
session_connect(struct session *s)
{
	struct imap_probe *ip = s->ip;
	struct event_base *base = probe_base(ip->p);
	SSL		*ssl;

	s->caps = 0;
	s->have_caps = s->authed = 0;
	s->bye[0] = '\0';
	s->framed = 0;
	imap_framer_reset(&s->framer);
	if (s->conf->tls == TLS_YES) {
		if ((ssl = tls_new(s)) == NULL)
			return;
		s->bev = bufferevent_openssl_socket_new(base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (s->bev == NULL)
			SSL_free(ssl);
	} else
		s->bev = bufferevent_socket_new(base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		session_lost(s, "cannot make a connection");
		return;
	}
	bufferevent_setcb(s->bev, on_read, NULL, on_event, s);
	expect_answer(s, 1);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	s->state = CS_CONNECTING;
	if (bufferevent_socket_connect_hostname(s->bev, ip->dns, AF_UNSPEC,
	    s->conf->host, s->conf->port) == -1)
		session_lost(s, "cannot connect to %s", s->where);
}

/* ---- the conversation ---- */

/* LOGIN or AUTHENTICATE PLAIN, the password read from its file now. */
static void
send_login(struct session *s)
{
	const struct box_conf *c = s->conf;
	char		*pass, *plain, *b64, *qu, *qp;
	size_t		 ulen, plen, n;
	int		 use_plain;

	/* Said once while it lasts, not at every attempt. */
	if (access(c->password_file, R_OK) == -1) {
		session_lost(s, "password_file %s: %s", c->password_file,
		    strerror(errno));
		return;
	}
	if ((pass = probe_read_secret(c->password_file)) == NULL) {
		session_lost(s, NULL);
		return;
	}
	use_plain = c->auth == AUTH_PLAIN || (c->auth == AUTH_AUTO &&
	    (s->caps & IMAP_CAP_AUTH_PLAIN));
	if (!use_plain && (s->caps & IMAP_CAP_LOGINDISABLED)) {
		wipe_free(pass);
		session_lost(s, "%s refuses LOGIN here (LOGINDISABLED): use "
		    "tls = yes or starttls, or auth = plain", s->where);
		return;
	}
	ulen = strlen(c->user);
	plen = strlen(pass);
	if (use_plain) {
		n = ulen + plen + 2;
		plain = xmalloc(n);
		plain[0] = '\0';
		memcpy(plain + 1, c->user, ulen);
		plain[1 + ulen] = '\0';
		memcpy(plain + 2 + ulen, pass, plen);
		b64 = xmalloc((n + 2) / 3 * 4 + 1);
		(void)imap_base64(plain, n, b64, (n + 2) / 3 * 4 + 1);
		explicit_bzero(plain, n);
		free(plain);
		if (s->caps & IMAP_CAP_SASL_IR) {
			send_cmd(s, CS_AUTH, "AUTHENTICATE PLAIN %s", b64);
			wipe_free(b64);
		} else {
			send_cmd(s, CS_AUTH, "AUTHENTICATE PLAIN");
			s->sasl = b64;
		}
	} else {
		qu = xmalloc(2 * ulen + 3);
		qp = xmalloc(2 * plen + 3);
		(void)imap_quote(c->user, qu, 2 * ulen + 3);
		(void)imap_quote(pass, qp, 2 * plen + 3);
		send_cmd(s, CS_AUTH, "LOGIN %s %s", qu, qp);
		free(qu);
		wipe_free(qp);
	}
	wipe_free(pass);
}

/* The capabilities are known: on to TLS, logging in, or the folder. */
static void
after_caps(struct session *s)
{
	if (s->authed) {
		s->ex_validity = s->ex_uidnext = 0;
		s->exists = 0;
		send_cmd(s, CS_EXAMINE, "EXAMINE %s", s->conf->folder_arg);
	} else if (s->conf->tls == TLS_STARTTLS && !s->tls_on) {
		if (!(s->caps & IMAP_CAP_STARTTLS)) {
			session_lost(s, "%s does not offer STARTTLS",
			    s->where);
			return;
		}
		send_cmd(s, CS_STARTTLS, "STARTTLS");
	} else
		send_login(s);
}

/* STARTTLS said OK: TLS over the same connection, nothing sent before
 * it believed (a server's plain text could be an attacker's). */
static void
start_tls(struct session *s)
{
	struct bufferevent *tls;
	SSL		*ssl;

	if (evbuffer_get_length(bufferevent_get_input(s->bev)) > 0) {
		session_lost(s, "%s sent data after STARTTLS's OK", s->where);
		return;
	}
	if ((ssl = tls_new(s)) == NULL)
		return;
	tls = bufferevent_openssl_filter_new(probe_base(s->ip->p), s->bev,
	    ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (tls == NULL) {
		SSL_free(ssl);
		session_lost(s, "cannot start TLS");
		return;
	}
	s->bev = tls;
	bufferevent_setcb(s->bev, on_read, NULL, on_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	expect_answer(s, 1);
	s->caps = 0;
	s->have_caps = 0;
	s->state = CS_HANDSHAKE;
}

/* Each done folder once per run: a typo there is worth a warning. */
static void
check_done(struct session *s)
{
	if (!s->done_checked && s->done_i < s->conf->ndone) {
		send_cmd(s, CS_DONE_CHECK, "STATUS %s (MESSAGES)",
		    s->conf->done_arg[s->done_i]);
		return;
	}
	s->done_checked = 1;
	look_start(s, 0);
}

static void	look_end(struct session *);

/* The next FETCH of a look: a piece of the unknown UIDs (a command line
 * has a limit), the last one with the new messages (uidnext:*); the look
 * ends when all are in. */
static void
send_fetch(struct session *s)
{
	char	 set[SET_ROOM + 32];
	size_t	 n, len;

	n = imap_seqset(s->unknown.v + s->unknown_pos,
	    s->unknown.n - s->unknown_pos, set, SET_ROOM);
	s->unknown_pos += n;
	len = strlen(set);
	if (s->unknown_pos == s->unknown.n && s->fetch_new) {
		if (s->box.uidnext != 0)
			snprintf(set + len, sizeof(set) - len, "%s%u:*",
			    len > 0 ? "," : "", s->box.uidnext);
		else
			snprintf(set + len, sizeof(set) - len, "%s*",
			    len > 0 ? "," : "");
		s->fetch_new = 0;
	}
	if (set[0] == '\0') {
		look_end(s);
		return;
	}
	send_cmd(s, CS_FETCH, "UID FETCH %s (UID FLAGS INTERNALDATE)", set);
}

/* A look: NOOP first when polling, so that the server reports what
 * arrived; then SEARCH, FETCH, and look_end. */
static void
look_start(struct session *s, int noop)
{
	evtimer_del(s->tick_ev);
	s->changed = 0;
	if (noop) {
		send_cmd(s, CS_NOOP, "NOOP");
		return;
	}
	s->search.n = 0;
	send_cmd(s, CS_SEARCH, "UID SEARCH UNANSWERED UNDELETED");
}

/* The open UIDs are known: ask for the arrival of those not known. */
static void
search_done(struct session *s)
{
	size_t	 i, o;

	imap_uids_sort(&s->search);
	imap_box_unknown(&s->box, &s->search, &s->unknown);
	/* New ones come with uidnext:* anyway. */
	s->fetch_new = s->exists > 0;
	if (s->fetch_new && s->box.uidnext != 0) {
		for (i = o = 0; i < s->unknown.n; i++)
			if (s->unknown.v[i] < s->box.uidnext)
				s->unknown.v[o++] = s->unknown.v[i];
		s->unknown.n = o;
	}
	s->unknown_pos = 0;
	s->fetched.n = 0;
	send_fetch(s);
}

/* A look is complete: count what changed, publish, and wait for the
 * next (IDLE when the server offers it, else the poll timer). */
static void
look_end(struct session *s)
{
	const struct box_conf *c = s->conf;
	struct probe	*p = s->ip->p;
	double		 now = util_now();
	size_t		 i, arrived = 0, answered = 0;

	imap_box_merge(&s->box, &s->search, &s->fetched, &s->cur);
	s->changes.n = 0;
	imap_box_update(&s->box, &s->cur, now, &s->changes);
	for (i = 0; i < s->changes.n; i++) {
		if (s->changes.v[i].kind == IMAP_ARRIVED) {
			probe_event(p, c->queue, "arrived", 1, now);
			arrived++;
		} else {
			probe_event(p, c->queue, "answered",
			    floor(s->changes.v[i].wait), now);
			answered++;
		}
	}
	if (!s->live)
		log_relief(&s->trouble, "imap %s: %s reachable again",
		    c->name, s->where);
	if (!s->live)
		log_info("imap %s: watching %s of %s at %s: %zu open",
		    c->name, c->folder, c->user, s->where,
		    imap_box_backlog(&s->box));
	else if (arrived + answered > 0)
		log_debug("imap %s: %zu arrived, %zu answered, %zu open",
		    c->name, arrived, answered, imap_box_backlog(&s->box));
	s->live = 1;
	backoff_reset(&s->backoff);
	publish_queue(s->ip, c->queue);
	if (s->changed) {
		look_start(s, 1);
		return;
	}
	if ((s->caps & IMAP_CAP_IDLE) && c->idle && !s->no_idle) {
		send_cmd(s, CS_IDLE_START, "IDLE");
		return;
	}
	s->state = CS_WAIT;
	expect_answer(s, 0);
	timer_in(s->tick_ev, c->poll);
}

/* Something changed while idling: end IDLE, then look. */
static void
idle_end(struct session *s)
{
	evtimer_del(s->tick_ev);
	send_line(s, "DONE");
	s->state = CS_IDLE_DONE;
	expect_answer(s, 1);
}

/* The poll timer, or IDLE's time is up: look again. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;

	(void)fd;
	(void)what;
	if (s->state == CS_IDLE)
		idle_end(s);
	else if (s->state == CS_WAIT)
		look_start(s, 1);
}

/* An untagged response, in whichever state it comes. */
static void
untagged(struct session *s, const struct imap_resp *r)
{
	int	 change = 0;

	if (r->has_caps) {
		s->caps = r->caps;
		s->have_caps = 1;
	}
	switch (r->kind) {
	case IMAP_STATUS:
		if (r->status == IMAP_BYE)
			snprintf(s->bye, sizeof(s->bye), "%s", r->text);
		if (s->state == CS_EXAMINE && r->has_code_num) {
			if (strcasecmp(r->code, "UIDVALIDITY") == 0)
				s->ex_validity = r->code_num;
			else if (strcasecmp(r->code, "UIDNEXT") == 0)
				s->ex_uidnext = r->code_num;
		}
		break;
	case IMAP_EXISTS:
		change = r->num != s->exists;
		s->exists = r->num;
		break;
	case IMAP_EXPUNGE:
		if (s->exists > 0)
			s->exists--;
		change = 1;
		break;
	case IMAP_FETCH:
		/* Ours has all three; one without is another change. */
		if (s->state == CS_FETCH && (r->have & IMAP_HAVE_UID) &&
		    (r->have & IMAP_HAVE_FLAGS) && (r->have & IMAP_HAVE_DATE)) {
			imap_msgs_add(&s->fetched, r->uid,
			    r->date != IMAP_DATE_UNKNOWN ? r->date :
			    (int64_t)util_now(), (r->flags &
			    (IMAP_FLAG_ANSWERED | IMAP_FLAG_DELETED)) != 0);
			break;
		}
		change = 1;
		break;
	case IMAP_SEARCH:
		if (s->state == CS_SEARCH)
			for (size_t i = 0; i < r->search.n; i++)
				imap_uids_add(&s->search, r->search.v[i]);
		break;
	default:
		break;
	}
	if (!change)
		return;
	/* Seen in the look under way, or worth another look after it. */
	if (s->state == CS_IDLE)
		idle_end(s);
	else if (s->state == CS_SEARCH || s->state == CS_FETCH ||
	    s->state == CS_IDLE_START)
		s->changed = 1;
}

static const char *
status_name(enum imap_status st)
{
	return st == IMAP_NO ? "NO" : st == IMAP_BAD ? "BAD" : "OK";
}

/* What a server said, with its response code ("[AUTHENTICATIONFAILED]
 * Authentication failed."), for a message. */
static const char *
said(const struct imap_resp *r, char *buf, size_t len)
{
	if (r->code[0] != '\0')
		snprintf(buf, len, "[%s] %s", r->code, r->text);
	else
		snprintf(buf, len, "%s", r->text[0] ? r->text : "(no text)");
	return buf;
}

/* The tagged end of the command running now. */
static void
tagged(struct session *s, const struct imap_resp *r)
{
	const struct box_conf *c = s->conf;
	char	 why[200];
	int	 fresh;

	if (strcmp(r->tag, s->tag) != 0) {
		session_lost(s, "%s answered a command not sent (%s)",
		    s->where, r->tag);
		return;
	}
	if (r->status != IMAP_OK) {
		switch (s->state) {
		case CS_AUTH:
			session_lost(s, "login failed for user %s: %s",
			    c->user, said(r, why, sizeof(why)));
			return;
		case CS_EXAMINE:
			session_lost(s, "cannot open folder %s: %s",
			    c->folder, said(r, why, sizeof(why)));
			return;
		case CS_IDLE_START:
			log_warnx("imap %s: %s refuses IDLE (%s): polling "
			    "every %.0f s instead", c->name, s->where,
			    said(r, why, sizeof(why)), c->poll);
			s->no_idle = 1;
			s->state = CS_WAIT;
			expect_answer(s, 0);
			timer_in(s->tick_ev, c->poll);
			return;
		case CS_DONE_CHECK:
			log_warnx("imap %s: done folder %s: %s", c->name,
			    c->done[s->done_i], said(r, why, sizeof(why)));
			s->done_i++;
			check_done(s);
			return;
		default:
			session_lost(s, "%s said %s: %s", s->where,
			    status_name(r->status), said(r, why, sizeof(why)));
			return;
		}
	}
	switch (s->state) {
	case CS_CAPABILITY:
		after_caps(s);
		break;
	case CS_STARTTLS:
		start_tls(s);
		break;
	case CS_AUTH:
		s->authed = 1;
		wipe_free(s->sasl);
		s->sasl = NULL;
		/* Logged in, the capabilities may have grown (IDLE). */
		if (!r->has_caps)
			send_cmd(s, CS_CAPABILITY, "CAPABILITY");
		else
			after_caps(s);
		break;
	case CS_EXAMINE:
		fresh = s->box.uidvalidity != 0 &&
		    s->box.uidvalidity != s->ex_validity;
		if (imap_box_open(&s->box, s->ex_validity, s->ex_uidnext) &&
		    fresh)
			log_info("imap %s: %s has new UIDs (UIDVALIDITY): "
			    "starting afresh, counting nothing", c->name,
			    c->folder);
		check_done(s);
		break;
	case CS_DONE_CHECK:
		s->done_i++;
		check_done(s);
		break;
	case CS_NOOP:
	case CS_IDLE_DONE:
		look_start(s, 0);
		break;
	case CS_SEARCH:
		search_done(s);
		break;
	case CS_FETCH:
		send_fetch(s);
		break;
	default:
		session_lost(s, "%s answered out of turn", s->where);
		break;
	}
}

/* One response, by state. */
static void
handle(struct session *s, const struct imap_resp *r)
{
	switch (r->kind) {
	case IMAP_TAGGED:
		tagged(s, r);
		return;
	case IMAP_CONTINUE:
		if (s->state == CS_IDLE_START) {
			s->state = CS_IDLE;
			expect_answer(s, 0);
			if (s->changed)
				idle_end(s);
			else
				timer_in(s->tick_ev, s->conf->resync);
		} else if (s->state == CS_AUTH && s->sasl != NULL) {
			send_line(s, s->sasl);
			wipe_free(s->sasl);
			s->sasl = NULL;
		} else if (s->state == CS_AUTH)
			send_line(s, "*");	/* a second round: cancel */
		else
			session_lost(s, "%s asked to go on with nothing",
			    s->where);
		return;
	default:
		break;
	}
	if (s->state == CS_GREETING) {
		if (r->kind != IMAP_STATUS || r->status == IMAP_BYE ||
		    r->status == IMAP_NO || r->status == IMAP_BAD) {
			session_lost(s, "%s refused: %s", s->where,
			    r->text[0] ? r->text : "no IMAP greeting");
			return;
		}
		if (r->has_caps) {
			s->caps = r->caps;
			s->have_caps = 1;
		}
		if (r->status == IMAP_PREAUTH) {
			if (s->conf->tls == TLS_STARTTLS) {
				session_lost(s, "%s logged in before "
				    "STARTTLS (PREAUTH)", s->where);
				return;
			}
			s->authed = 1;
		}
		if (s->have_caps)
			after_caps(s);
		else
			send_cmd(s, CS_CAPABILITY, "CAPABILITY");
		return;
	}
	untagged(s, r);
}

/* The input: whole responses (literals and all), each handled once. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct evbuffer_iovec vec[16];
	struct evbuffer_ptr pos;
	struct imap_resp r;
	const char	*why;
	size_t		 total, used;
	int		 n, i, rc;

	memset(&r, 0, sizeof(r));
	while (s->bev == bev && evbuffer_get_length(in) > s->framed) {
		rc = 0;
		evbuffer_ptr_set(in, &pos, s->framed, EVBUFFER_PTR_SET);
		n = evbuffer_peek(in, -1, &pos, vec, 16);
		for (i = 0; i < n && i < 16 && rc == 0; i++) {
			rc = imap_frame(&s->framer, vec[i].iov_base,
			    vec[i].iov_len, IMAP_RESPONSE_MAX, &used);
			s->framed += used;
		}
		if (rc == -1) {
			session_lost(s, "%s sent a response too long or "
			    "malformed", s->where);
			break;
		}
		if (rc == 0)
			continue;	/* more chains than vec, or wait */
		total = s->framer.len;
		rc = imap_parse((const char *)evbuffer_pullup(in,
		    (ev_ssize_t)total), total, &r, &why);
		evbuffer_drain(in, total);
		s->framed = 0;
		imap_framer_reset(&s->framer);
		if (rc == -1) {
			session_lost(s, "%s: unexpected response (%s)",
			    s->where, why);
			break;
		}
		handle(s, &r);
	}
	imap_resp_free(&r);
}

/* ---- the probe ---- */

/* probe_def.start: every mailbox connects at once, each on its own. */
static void
imap_start(void *state, struct probe *p)
{
	struct imap_probe *ip = state;
	struct event_base *base = probe_base(p);
	struct session	*s;
	size_t		 i;

	ip->p = p;
	ip->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (ip->dns == NULL)
		ip->dns = evdns_base_new(base, 0);
	ip->sessions = xcalloc(ip->nboxes, sizeof(*ip->sessions));
	for (i = 0; i < ip->nboxes; i++) {
		s = &ip->sessions[i];
		s->ip = ip;
		s->conf = &ip->boxes[i];
		snprintf(s->where, sizeof(s->where), strchr(s->conf->host,
		    ':') ? "[%s]:%d" : "%s:%d", s->conf->host, s->conf->port);
		backoff_init(&s->backoff, s->conf->retry, s->conf->retry_max);
		s->retry_ev = evtimer_new(base, on_retry, s);
		s->tick_ev = evtimer_new(base, on_tick, s);
		s->publish_ev = event_new(base, -1, EV_PERSIST, on_publish, s);
		timer_in(s->publish_ev, s->conf->interval);
		session_connect(s);
	}
}

/* probe_def.stop: the connections close; the server sees them go. */
static void
imap_stop(void *state)
{
	struct imap_probe *ip = state;
	struct session	*s;
	size_t		 i;

	for (i = 0; ip->sessions != NULL && i < ip->nboxes; i++) {
		s = &ip->sessions[i];
		session_close(s);
		event_free(s->retry_ev);
		event_free(s->tick_ev);
		event_free(s->publish_ev);
		imap_box_free(&s->box);
		imap_uids_free(&s->search);
		imap_uids_free(&s->unknown);
		imap_msgs_free(&s->fetched);
		imap_msgs_free(&s->cur);
		free(s->changes.v);
	}
	if (ip->dns != NULL)
		evdns_base_free(ip->dns, 0);
	free(ip->sessions);
	ip->sessions = NULL;
}

static void
conf_free(struct imap_probe *ip)
{
	struct box_conf	*b;
	size_t		 i, j;

	for (i = 0; i < ip->nboxes; i++) {
		b = &ip->boxes[i];
		free(b->section);
		free(b->host);
		free(b->ca_file);
		free(b->user);
		free(b->password_file);
		free(b->folder);
		free(b->folder_arg);
		for (j = 0; j < b->ndone; j++) {
			free(b->done[j]);
			if (b->done_arg != NULL)
				free(b->done_arg[j]);
		}
		free(b->done);
		free(b->done_arg);
		free(b->queue);
	}
	free(ip->boxes);
	free(ip->bad_section);
}

int
main(int argc, char **argv)
{
	static const struct probe_def def = {
		.name = "imap",
		.key = imap_key,
		.check = imap_check,
		.start = imap_start,
		.stop = imap_stop,
	};
	struct imap_probe ip;
	int		 rc;

	memset(&ip, 0, sizeof(ip));
	rc = probe_main(argc, argv, &def, &ip);
	conf_free(&ip);
	return rc;
}

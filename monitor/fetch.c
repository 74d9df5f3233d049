/*
 * fetch.c: HTTP(S) POSTs and GETs and SMTP mails on libcurl's multi
 * interface,
 * driven by the libevent loop (curl's docs/examples/hiperfifo.c). curl
 * tells us which sockets to watch (on_socket) and when to call it back
 * (on_timeout); libevent tells curl when either happened; finished
 * transfers are reported from a separate event, so no user callback runs
 * inside curl and a callback may start or free requests freely.
 *
 * Name lookups: libcurl's threaded resolver runs getaddrinfo in a thread
 * of its own (CURL_VERSION_ASYNCHDNS, checked in fetch_global_init), and
 * CURLOPT_QUICK_EXIT keeps curl from joining a hung lookup when a
 * transfer times out or is cancelled: the thread is left to finish alone
 * instead of stalling the loop.
 *
 * libcurl is not linked but loaded (dlopen) when the first request
 * starts, or by fetch_global_init: with gnutls, krb5, ldap, ssh2 and the
 * rest it brings, and curl_global_init run, it costs some 6 MB resident
 * on Debian 12, which a daemon that never sends a mail or a webhook
 * should not pay. curl.h gives only types and constants here; every curl
 * function is called through cu, whose pointers have the types of
 * curl.h's prototypes. The price: curl_easy_setopt's compile-time
 * argument checks (typecheck-gcc.h) are lost, so every value passed is
 * of the type the option wants (long, curl_off_t, pointer) by hand.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "wachtd.h"
#include "fetch.h"

#define FETCH_PROTOCOLS	"http,https,smtp,smtps"
#define FETCH_AGENT	"wachtd"
/* The soname of Debian's libcurl4 (OpenSSL), the one curl.h describes. */
#define FETCH_LIBCURL	"libcurl.so.4"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct fetch_job {
	TAILQ_ENTRY(fetch_job) entry;
	CURL		*easy;		/* NULL once finished */
	struct curl_slist *headers;	/* HTTP */
	struct curl_slist *rcpt;	/* SMTP */
	char		*body;		/* our copy, NUL-terminated */
	size_t		 body_len;
	size_t		 sent;		/* SMTP: read so far */
	int		 smtp;
	int		 get;		/* HTTP GET, else POST */
	double		 timeout;	/* s */
	fetch_cb	 cb;		/* one of cb and rcb */
	fetch_response_cb rcb;
	void		*arg;
	char		*resp;		/* rcb: the response so far */
	size_t		 resp_len, resp_cap, resp_max;
	int		 too_long;	/* resp_max was exceeded */
	int		 ok;
	long		 status;
	char		 errbuf[CURL_ERROR_SIZE];	/* curl's own words */
	char		 error[256];			/* what cb gets */
};
TAILQ_HEAD(fetch_jobs, fetch_job);

/* One socket curl asked us to watch (curl_multi_assign'd to it). */
struct fetch_sock {
	LIST_ENTRY(fetch_sock) entry;
	struct fetcher	*f;
	struct event	*ev;
};

struct fetcher {
	struct event_base *base;
	CURLM		*multi;		/* NULL until the first request */
	struct event	*ev_timeout;	/* curl's single timeout */
	struct event	*ev_done;	/* reports one finished job per run */
	struct fetch_jobs running;	/* added to the multi handle */
	struct fetch_jobs done;		/* finished, callback not yet run */
	LIST_HEAD(, fetch_sock) socks;
	size_t		 nactive;	/* running + done */
	int		 closing;	/* in fetch_free */
};

/*
 * Every libcurl function called here, without its "curl_": one list
 * makes both the table and its loading, so no pointer stays NULL.
 */
#define CU_FUNCTIONS(X)							\
	X(global_init) X(global_cleanup) X(version_info)		\
	X(easy_init) X(easy_cleanup) X(easy_setopt) X(easy_getinfo)	\
	X(easy_strerror) X(slist_append) X(slist_free_all)		\
	X(multi_init) X(multi_cleanup) X(multi_setopt) X(multi_assign)	\
	X(multi_add_handle) X(multi_remove_handle)			\
	X(multi_socket_action) X(multi_info_read) X(multi_strerror)

/* __typeof__ of the prototype: the compiler checks every call. */
#define CU_POINTER(name)	__typeof__(&curl_##name) name;
#define CU_LOAD(name)							\
	if ((cu.name = (__typeof__(&curl_##name))dlsym(cu_lib,		\
	    "curl_" #name)) == NULL)					\
		goto nosym;

/*
 * libcurl in this process. Only the loop's thread (or main before it
 * runs) touches it: fetch has no other callers.
 */
enum cu_state {
	CU_UNLOADED,	/* not tried yet, or fetch_global_cleanup since */
	CU_READY,	/* loaded and curl_global_init done: cu is filled */
	CU_FAILED	/* the last try failed: cu_why says why */
};

static struct {
	CU_FUNCTIONS(CU_POINTER)
} cu;
static enum cu_state	 cu_state;
static void		*cu_lib;	/* dlopen's; kept to the end */
static char		 cu_why[200];	/* fits in a job's error */

static void	 on_event(evutil_socket_t, short, void *);

/*
 * Loads and starts libcurl unless that was done. After a failure it
 * tries again (a reload once libcurl4 is installed); multi_start leaves
 * such retries to those who call this, and answers from cu_why.
 */
int
fetch_global_init(void)
{
	const curl_version_info_data *v;
	const char	*e;

	if (cu_state == CU_READY)
		return 0;
	if (cu_lib == NULL &&
	    (cu_lib = dlopen(FETCH_LIBCURL, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(cu_why, sizeof(cu_why), "%s", e != NULL ? e :
		    "dlopen failed");
		goto fail;
	}
	CU_FUNCTIONS(CU_LOAD)
	/*
	 * curl_global_init is thread-safe only when libcurl says so
	 * (CURL_VERSION_THREADSAFE, 7.84 and later; Debian 12's does).
	 * Loaded at a first request or a reload, it runs beside wachtd's
	 * threads; fetch_global_init in main keeps it before them.
	 */
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(cu_why, sizeof(cu_why), "curl_global_init failed");
		goto fail;
	}
	cu_state = CU_READY;
	v = cu.version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_ASYNCHDNS))
		log_warnx("libcurl %s resolves host names blocking the loop: "
		    "use IP addresses in notification URLs", v->version);
	return 0;

nosym:
	/*
	 * Not libcurl (a function is missing): let it go, so that a retry
	 * after the package is mended opens the new file. None of its
	 * code ran but its constructors.
	 */
	e = dlerror();
	snprintf(cu_why, sizeof(cu_why), "%s", e != NULL ? e :
	    "a function is missing");
	dlclose(cu_lib);
	cu_lib = NULL;
fail:
	cu_state = CU_FAILED;
	log_warnx("fetch: cannot use %s (%s): mail and webhook notifications "
	    "and HTTP sources need the libcurl4 package", FETCH_LIBCURL,
	    cu_why);
	return -1;
}

/*
 * After the last fetch_free. libcurl stays mapped: what it pulled in
 * (gnutls, krb5, p11-kit) may have left atexit handlers and thread
 * destructors behind that must not outlive their code.
 */
void
fetch_global_cleanup(void)
{
	if (cu_state == CU_READY)
		cu.global_cleanup();
	cu_state = CU_UNLOADED;
}

static void
sock_free(struct fetch_sock *fs)
{
	LIST_REMOVE(fs, entry);
	event_free(fs->ev);
	free(fs);
}

/*
 * CURLMOPT_SOCKETFUNCTION: curl says what to watch on s. Only events
 * change here: curl_multi_socket_action must not be called from inside.
 */
static int
on_socket(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct fetcher		*f = arg;
	struct fetch_sock	*fs = sockp;
	short			 kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		/* curl closes s after this: stop watching it first. */
		if (fs != NULL)
			sock_free(fs);
		return 0;
	}
	kind = EV_PERSIST;
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (fs == NULL) {
		fs = xcalloc(1, sizeof(*fs));
		fs->f = f;
		fs->ev = event_new(f->base, s, kind, on_event, fs);
		if (fs->ev == NULL)
			fatalx("fetch: event_new");
		LIST_INSERT_HEAD(&f->socks, fs, entry);
		cu.multi_assign(f->multi, s, fs);
	} else {
		event_del(fs->ev);
		if (event_assign(fs->ev, f->base, s, kind, on_event, fs) == -1)
			fatalx("fetch: event_assign");
	}
	if (event_add(fs->ev, NULL) == -1)
		fatalx("fetch: watching socket %d", (int)s);
	return 0;
}

/*
 * CURLMOPT_TIMERFUNCTION: -1 deletes the timeout; 0 means "act soon",
 * which a zero timeout does from the loop, never by calling curl back
 * from here.
 */
static int
on_timer(CURLM *multi, long ms, void *arg)
{
	struct fetcher	*f = arg;
	struct timeval	 tv;

	(void)multi;
	if (ms < 0) {
		evtimer_del(f->ev_timeout);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(f->ev_timeout, &tv);
	return 0;
}

/* Frees what curl needed; what cb needs stays in j. */
static void
job_release(struct fetcher *f, struct fetch_job *j)
{
	if (j->easy != NULL) {
		cu.multi_remove_handle(f->multi, j->easy);
		cu.easy_cleanup(j->easy);
		j->easy = NULL;
	}
	/* Without libcurl there are none, nor anything to free them. */
	if (j->headers != NULL)
		cu.slist_free_all(j->headers);
	if (j->rcpt != NULL)
		cu.slist_free_all(j->rcpt);
	free(j->body);
	j->headers = j->rcpt = NULL;
	j->body = NULL;
}

/* Runs the callback and frees j: touches nothing of the fetcher. */
static void
job_report(struct fetch_job *j)
{
	const char	*error = j->ok ? NULL : j->error;

	if (j->rcb != NULL)
		j->rcb(j->arg, j->ok, j->status, error,
		    j->resp != NULL ? j->resp : "", j->resp_len);
	else
		j->cb(j->arg, j->ok, j->status, error);
	free(j->resp);
	free(j);
}

/* Puts a short reason for rc into j->error. */
static void
job_reason(struct fetch_job *j, CURLcode rc)
{
	const char	*s;
	long		 oserr = 0;
	size_t		 n;

	if (rc == CURLE_WRITE_ERROR && j->too_long) {
		snprintf(j->error, sizeof(j->error), "response larger than "
		    "%zu bytes", j->resp_max);
		return;
	}
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(j->error, sizeof(j->error), "timeout after %g s",
		    j->timeout);
		return;
	case CURLE_COULDNT_CONNECT:
		/* "connection refused" says more than curl's long line. */
		cu.easy_getinfo(j->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr != 0) {
			snprintf(j->error, sizeof(j->error), "%s",
			    strerror((int)oserr));
			j->error[0] = (char)tolower((unsigned char)j->error[0]);
			return;
		}
		break;
	default:
		break;
	}
	s = j->errbuf[0] != '\0' ? j->errbuf : cu.easy_strerror(rc);
	/* One line, without curl's trailing newline. */
	n = strcspn(s, "\r\n");
	snprintf(j->error, sizeof(j->error), "%.*s", (int)n, s);
}

/* A transfer ended with rc: judge it and queue its report. */
static void
job_finish(struct fetcher *f, struct fetch_job *j, CURLcode rc)
{
	long	 status = 0;

	cu.easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	j->status = status;
	if (rc != CURLE_OK)
		job_reason(j, rc);
	else if (!j->smtp && (status < 200 || status > 299))
		snprintf(j->error, sizeof(j->error), "HTTP %ld", status);
	else
		j->ok = 1;
	job_release(f, j);
	TAILQ_REMOVE(&f->running, j, entry);
	TAILQ_INSERT_TAIL(&f->done, j, entry);
	event_active(f->ev_done, 0, 0);
}

/* Collects finished transfers after curl ran. */
static void
check_done(struct fetcher *f)
{
	CURLMsg			*msg;
	struct fetch_job	*j;
	CURLcode		 rc;
	int			 left;
	char			*priv;

	while ((msg = cu.multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg dies with curl_multi_remove_handle: copy first. */
		rc = msg->data.result;
		cu.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		j = (struct fetch_job *)priv;
		job_finish(f, j, rc);
	}
}

static void
act(struct fetcher *f, curl_socket_t s, int action)
{
	CURLMcode	 mc;
	int		 running;

	mc = cu.multi_socket_action(f->multi, s, action, &running);
	if (mc != CURLM_OK)
		log_warnx("fetch: %s", cu.multi_strerror(mc));
	check_done(f);
}

/* A watched socket is ready. fs may be gone once curl ran. */
static void
on_event(evutil_socket_t fd, short what, void *arg)
{
	struct fetch_sock	*fs = arg;
	int			 action = 0;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	act(fs->f, fd, action);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	act(arg, CURL_SOCKET_TIMEOUT, 0);
}

/*
 * Reports one finished job per run and re-arms itself for the next
 * before the callback, which may free the fetcher.
 */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher		*f = arg;
	struct fetch_job	*j;

	(void)fd;
	(void)what;
	if ((j = TAILQ_FIRST(&f->done)) == NULL)
		return;
	TAILQ_REMOVE(&f->done, j, entry);
	f->nactive--;
	if (!TAILQ_EMPTY(&f->done))
		event_active(f->ev_done, 0, 0);
	job_report(j);
}

/* libcurl is left alone: multi_start does its part at the first request. */
struct fetcher *
fetch_new(struct event_base *base)
{
	struct fetcher	*f;

	f = xcalloc(1, sizeof(*f));
	f->base = base;
	TAILQ_INIT(&f->running);
	TAILQ_INIT(&f->done);
	LIST_INIT(&f->socks);
	if ((f->ev_timeout = evtimer_new(base, on_timeout, f)) == NULL ||
	    (f->ev_done = event_new(base, -1, 0, on_done, f)) == NULL)
		fatalx("fetch: event_new");
	return f;
}

/*
 * Makes the multi handle, loading libcurl first if no one did; a load
 * that failed is not tried again here (fetch_global_init in main or at
 * a reload may). -1 when libcurl cannot be used: cu_why says why.
 */
static int
multi_start(struct fetcher *f)
{
	if (f->multi != NULL)
		return 0;
	if (cu_state == CU_FAILED ||
	    (cu_state == CU_UNLOADED && fetch_global_init() == -1))
		return -1;
	if ((f->multi = cu.multi_init()) == NULL)
		fatalx("fetch: curl_multi_init");
	cu.multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	cu.multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	cu.multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	cu.multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return 0;
}

size_t
fetch_active(const struct fetcher *f)
{
	return f->nactive;
}

/* Unless fetch_start_response reads them (keep), response bodies are
 * not ours to keep (curl would print them). */
static size_t
discard(char *buf, size_t size, size_t n, void *arg)
{
	(void)buf;
	(void)arg;
	return size * n;
}

/*
 * fetch_start_response: keeps the body, NUL-terminated, up to
 * resp_max; one byte more ends the transfer (curl: CURLE_WRITE_ERROR).
 */
static size_t
keep(char *buf, size_t size, size_t n, void *arg)
{
	struct fetch_job	*j = arg;
	size_t			 len = size * n;

	if (len > j->resp_max - j->resp_len) {
		j->too_long = 1;
		return 0;
	}
	if (j->resp_len + len + 1 > j->resp_cap) {
		j->resp_cap = j->resp_cap * 2 > j->resp_len + len + 1 ?
		    j->resp_cap * 2 : j->resp_len + len + 1;
		j->resp = xreallocarray(j->resp, j->resp_cap, 1);
	}
	memcpy(j->resp + j->resp_len, buf, len);
	j->resp_len += len;
	j->resp[j->resp_len] = '\0';
	return len;
}

/* SMTP: curl reads the message from our copy. */
static size_t
read_body(char *buf, size_t size, size_t n, void *arg)
{
	struct fetch_job	*j = arg;
	size_t			 len = size * n;

	if (len > j->body_len - j->sent)
		len = j->body_len - j->sent;
	memcpy(buf, j->body + j->sent, len);
	j->sent += len;
	return len;
}

/* SMTP: lets curl resend the message on a fresh connection. */
static int
seek_body(void *arg, curl_off_t off, int origin)
{
	struct fetch_job	*j = arg;

	if (origin != SEEK_SET || off < 0 || (size_t)off > j->body_len)
		return CURL_SEEKFUNC_CANTSEEK;
	j->sent = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

/* A header value or mail address that would end its line early. */
static int
bad_line(const char *s)
{
	return s != NULL && s[strcspn(s, "\r\n")] != '\0';
}

const char *
fetch_url_host(const char *url, char *buf, size_t len)
{
	const char	*p, *h, *at;
	size_t		 n;

	if (url == NULL || (p = strstr(url, "://")) == NULL)
		return "URL without scheme";
	h = p + 3;
	n = strcspn(h, "/?#");
	if ((at = memrchr(h, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	snprintf(buf, len, "%.*s%.*s", (int)(p + 3 - url), url, (int)n, h);
	return buf;
}

/* Checks the request; 1 for SMTP, 0 for HTTP, -1 when refused. */
static int
check_request(const struct fetch_request *r, const char *where)
{
	static const char *const schemes[] = {
		"http://", "https://", "smtp://", "smtps://"
	};
	size_t	 i;
	int	 smtp = -1;

	for (i = 0; r->url != NULL && i < nitems(schemes); i++)
		if (strncasecmp(r->url, schemes[i], strlen(schemes[i])) == 0)
			smtp = i >= 2;
	if (smtp == -1) {
		log_warnx("fetch: %s: not http, https, smtp or smtps", where);
		return -1;
	}
	if (bad_line(r->content_type) || bad_line(r->accept)) {
		log_warnx("fetch: %s: line break in a header value", where);
		return -1;
	}
	if (r->method != NULL && (smtp || (strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "POST") != 0))) {
		log_warnx("fetch: %s: method %s not supported", where,
		    smtp ? "for mail" : "other than GET or POST");
		return -1;
	}
	if (!smtp)
		return 0;
	if (r->mail_from == NULL || r->nrcpt == 0) {
		log_warnx("fetch: %s: mail without sender or recipients",
		    where);
		return -1;
	}
	for (i = 0; i < r->nrcpt; i++)
		if (r->rcpt[i] == NULL || bad_line(r->rcpt[i]))
			break;
	if (bad_line(r->mail_from) || i < r->nrcpt) {
		log_warnx("fetch: %s: line break in a mail address", where);
		return -1;
	}
	return 1;
}

static void
slist_add(struct curl_slist **l, const char *s)
{
	struct curl_slist	*n;

	if ((n = cu.slist_append(*l, s)) == NULL)
		fatalx("fetch: curl_slist_append");
	*l = n;
}

/* Sets up j->easy for the request; -1 when curl refuses an option. */
static int
job_setup(struct fetch_job *j, const struct fetch_request *r)
{
	CURL		*e = j->easy;
	char		*ct = NULL;
	size_t		 i;
	int		 bad = 0;

	bad |= cu.easy_setopt(e, CURLOPT_URL, r->url) != CURLE_OK;
	bad |= cu.easy_setopt(e, CURLOPT_PROTOCOLS_STR,
	    FETCH_PROTOCOLS) != CURLE_OK;
	bad |= cu.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	bad |= cu.easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= cu.easy_setopt(e, CURLOPT_QUICK_EXIT, 1L) != CURLE_OK;
	bad |= cu.easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    (long)(j->timeout * 1000 + 0.5)) != CURLE_OK;
	cu.easy_setopt(e, CURLOPT_USERAGENT, FETCH_AGENT);
	cu.easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	cu.easy_setopt(e, CURLOPT_PRIVATE, j);
	if (j->rcb != NULL) {
		cu.easy_setopt(e, CURLOPT_WRITEFUNCTION, keep);
		cu.easy_setopt(e, CURLOPT_WRITEDATA, j);
	} else
		cu.easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	if (r->ca_file != NULL)
		bad |= cu.easy_setopt(e, CURLOPT_CAINFO,
		    r->ca_file) != CURLE_OK;
	if (j->smtp) {
		bad |= cu.easy_setopt(e, CURLOPT_MAIL_FROM,
		    r->mail_from) != CURLE_OK;
		for (i = 0; i < r->nrcpt; i++)
			slist_add(&j->rcpt, r->rcpt[i]);
		cu.easy_setopt(e, CURLOPT_MAIL_RCPT, j->rcpt);
		cu.easy_setopt(e, CURLOPT_UPLOAD, 1L);
		cu.easy_setopt(e, CURLOPT_READFUNCTION, read_body);
		cu.easy_setopt(e, CURLOPT_READDATA, j);
		cu.easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_body);
		cu.easy_setopt(e, CURLOPT_SEEKDATA, j);
		cu.easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)j->body_len);
		return bad ? -1 : 0;
	}
	if (r->user != NULL) {
		/* Not in the URL: curl copies them, and no log sees them. */
		bad |= cu.easy_setopt(e, CURLOPT_HTTPAUTH,
		    (long)CURLAUTH_BASIC) != CURLE_OK;
		bad |= cu.easy_setopt(e, CURLOPT_USERNAME,
		    r->user) != CURLE_OK;
		bad |= cu.easy_setopt(e, CURLOPT_PASSWORD,
		    r->password != NULL ? r->password : "") != CURLE_OK;
	}
	if (r->accept != NULL) {
		xasprintf(&ct, "Accept: %s", r->accept);
		slist_add(&j->headers, ct);
		free(ct);
	}
	if (j->get) {
		if (j->headers != NULL)
			cu.easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
		cu.easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return bad ? -1 : 0;
	}
	/* "Content-Type:" alone drops curl's form-urlencoded default. */
	xasprintf(&ct, "Content-Type: %s",
	    r->content_type != NULL ? r->content_type : "");
	slist_add(&j->headers, ct);
	free(ct);
	/* Receivers that never answer 100 would cost us a second. */
	slist_add(&j->headers, "Expect:");
	cu.easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
	cu.easy_setopt(e, CURLOPT_POST, 1L);
	cu.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)j->body_len);
	cu.easy_setopt(e, CURLOPT_POSTFIELDS, j->body);
	return bad ? -1 : 0;
}

/* fetch_start and fetch_start_response: exactly one of cb and rcb. */
static int
start(struct fetcher *f, const struct fetch_request *r, fetch_cb cb,
    fetch_response_cb rcb, void *arg)
{
	struct fetch_job	*j;
	char			 buf[256];
	const char		*where;
	int			 smtp;

	if (f->closing)
		return -1;
	where = fetch_url_host(r->url, buf, sizeof(buf));
	if ((smtp = check_request(r, where)) == -1)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->smtp = smtp;
	j->get = r->method != NULL && strcmp(r->method, "GET") == 0;
	j->timeout = r->timeout > 0 ? r->timeout : FETCH_TIMEOUT_DEFAULT;
	j->cb = cb;
	j->rcb = rcb;
	j->arg = arg;
	j->resp_max = r->max_response > 0 ? r->max_response :
	    FETCH_RESPONSE_MAX;
	if (multi_start(f) == -1) {
		/*
		 * A transport failure like a refused connection, reported
		 * from the loop: a caller retries as it would then, and
		 * finds it as cheap.
		 */
		snprintf(j->error, sizeof(j->error), "cannot use %s: %s",
		    FETCH_LIBCURL, cu_why);
		TAILQ_INSERT_TAIL(&f->done, j, entry);
		f->nactive++;
		event_active(f->ev_done, 0, 0);
		return 0;
	}
	/* Never NULL: curl would read a NULL POSTFIELDS from stdin. */
	j->body = xmalloc(r->body_len + 1);
	if (r->body_len > 0)
		memcpy(j->body, r->body, r->body_len);
	j->body[r->body_len] = '\0';
	j->body_len = r->body_len;

	if ((j->easy = cu.easy_init()) == NULL) {
		log_warnx("fetch: %s: curl_easy_init failed", where);
		goto fail;
	}
	if (job_setup(j, r) == -1) {
		log_warnx("fetch: %s: libcurl refused an option", where);
		goto fail;
	}
	/* Calls only on_timer(0): the transfer starts from the loop. */
	if (cu.multi_add_handle(f->multi, j->easy) != CURLM_OK) {
		log_warnx("fetch: %s: curl_multi_add_handle failed", where);
		goto fail;
	}
	TAILQ_INSERT_TAIL(&f->running, j, entry);
	f->nactive++;
	return 0;

fail:
	if (j->easy != NULL)
		cu.easy_cleanup(j->easy);
	j->easy = NULL;
	job_release(f, j);
	free(j);
	return -1;
}

int
fetch_start(struct fetcher *f, const struct fetch_request *r, fetch_cb cb,
    void *arg)
{
	return start(f, r, cb, NULL, arg);
}

int
fetch_start_response(struct fetcher *f, const struct fetch_request *r,
    fetch_response_cb cb, void *arg)
{
	return start(f, r, NULL, cb, arg);
}

void
fetch_free(struct fetcher *f)
{
	struct fetch_job	*j;
	struct fetch_sock	*fs;

	/* Also reached again from a callback run below. */
	if (f == NULL || f->closing)
		return;
	f->closing = 1;
	/*
	 * Finished but unreported ones are cancelled too: one answer for
	 * every request a caller stops waiting for.
	 */
	TAILQ_CONCAT(&f->done, &f->running, entry);
	while ((j = TAILQ_FIRST(&f->done)) != NULL) {
		TAILQ_REMOVE(&f->done, j, entry);
		f->nactive--;
		job_release(f, j);
		j->ok = 0;
		j->status = 0;
		snprintf(j->error, sizeof(j->error), "cancelled");
		job_report(j);
	}
	/* Closes cached connections, still calling on_socket and on_timer. */
	if (f->multi != NULL)
		cu.multi_cleanup(f->multi);
	while ((fs = LIST_FIRST(&f->socks)) != NULL)
		sock_free(fs);
	event_free(f->ev_timeout);
	event_free(f->ev_done);
	free(f);
}

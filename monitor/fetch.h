/*
 * fetch.h: HTTP(S) POSTs and GETs and SMTP mails through libcurl's multi
 * interface, driven by the libevent loop. A transport only: retries,
 * backoff and queue bounds belong to the caller. libcurl is loaded at
 * run time (dlopen libcurl.so.4) when first needed, not linked: a
 * process that never sends anything never maps it.
 */
#ifndef FETCH_H
#define FETCH_H

#include <stddef.h>

struct event_base;
struct fetcher;

/* Used when a request gives no timeout: nothing may hang forever. */
#define FETCH_TIMEOUT_DEFAULT	30.0
/* Response bytes kept for fetch_start_response when a request sets no
 * bound: a source's answer is read whole into memory. */
#define FETCH_RESPONSE_MAX	(1024 * 1024)

struct fetch_request {
	const char	*url;		/* http(s)://, smtp(s)://; user:password@
					   for HTTP basic auth or SMTP AUTH */
	const char	*content_type;	/* HTTP: e.g. "application/json";
					   NULL sends none */
	const char	*body;		/* HTTP body; SMTP: the whole message,
					   headers + CRLF + text, CRLF lines */
	size_t		 body_len;
	const char	*mail_from;	/* SMTP envelope sender */
	const char *const *rcpt;	/* SMTP envelope recipients */
	size_t		 nrcpt;
	double		 timeout;	/* s for the whole transfer, connect
					   included; <= 0: the default */
	/* Zero (memset or designated initializers) keeps all of the
	 * following at what the fields above alone did. */
	const char	*method;	/* HTTP: "GET" (no body sent) or
					   "POST"; NULL: POST */
	const char	*accept;	/* HTTP Accept header; NULL sends none */
	const char	*user;		/* HTTP basic auth without putting the */
	const char	*password;	/* password in the URL (and its logs) */
	const char	*ca_file;	/* PEM certificates to trust for https;
					   NULL: the system's */
	size_t		 max_response;	/* fetch_start_response: longer bodies
					   fail; 0: FETCH_RESPONSE_MAX */
};

/*
 * ok: 2xx for HTTP, the mail accepted for SMTP. status: HTTP status or
 * SMTP reply code, 0 when none came. A mail is all or nothing: one
 * refused recipient fails it. error: a short English reason
 * ("timeout after 5 s", "connection refused", "HTTP 500"), never NULL
 * when !ok, NULL when ok; valid only during the call.
 */
typedef void	(*fetch_cb)(void *arg, int ok, long status, const char *error);
/*
 * The same, with the response body (HTTP) as it came, NUL-terminated,
 * also when !ok (an error page); "" and 0 when none came or the request
 * was cancelled. Valid only during the call.
 */
typedef void	(*fetch_response_cb)(void *arg, int ok, long status,
		    const char *error, const char *body, size_t len);

/*
 * Loads libcurl and starts it (curl_global_init); 0 at once when that
 * was done, another try when it failed. Warns when this libcurl resolves
 * names blocking the loop. -1, logged, when libcurl cannot be loaded
 * (the libcurl4 package missing) or started. Optional: fetch_start
 * calls it when no one did. Called in main before threads start, by a
 * process that will send, it reports a missing library at start and
 * keeps curl_global_init away from running threads; called again at a
 * reload (wachtd), it runs beside them, which libcurl 7.84 and later
 * allow (Debian 12 has 7.88).
 */
int		 fetch_global_init(void);
/* After the last fetch_free: no fetcher may be used after it. Nothing
 * when libcurl was never loaded. */
void		 fetch_global_cleanup(void);

/* The URL for logs: scheme and host, without user:password@ or path;
 * buf, or a constant for a URL without a scheme. */
const char	*fetch_url_host(const char *url, char *buf, size_t len);

/*
 * Loads nothing: libcurl's part is made at the first fetch_start.
 * Never NULL: libcurl or libevent out of memory is fatal (xmalloc.c).
 */
struct fetcher	*fetch_new(struct event_base *);
/*
 * Copies everything in the request; cb runs later from the loop, exactly
 * once (also when fetch_free cancels: ok 0, "cancelled"). -1 when it
 * cannot start (bad URL scheme, missing sender or recipients, CR or LF
 * in a header value, out of handles); cb then never runs. Loads libcurl
 * if no one did; when libcurl cannot be used the request fails as a
 * transport failure does: cb gets ok 0, status 0 and "cannot use
 * libcurl.so.4: " with the reason, and later requests get the same
 * without trying to load it again (fetch_global_init does).
 */
int		 fetch_start(struct fetcher *, const struct fetch_request *,
		    fetch_cb cb, void *arg);
/*
 * fetch_start for a caller that reads the answer (a GET of a source's
 * REST interface): the same rules, and a body longer than max_response
 * fails with "response larger than N bytes".
 */
int		 fetch_start_response(struct fetcher *,
		    const struct fetch_request *, fetch_response_cb cb,
		    void *arg);
/* Requests whose callback has not run yet. */
size_t		 fetch_active(const struct fetcher *);
/*
 * Runs every pending callback before it returns, with ok 0, status 0,
 * "cancelled": the outcome is unknown (a POST or mail may have arrived).
 * fetch_start fails meanwhile. Also allowed from a callback; call it
 * before event_base_free.
 */
void		 fetch_free(struct fetcher *);

#endif

/*
 * http.c: an evhttp listener with the limits libevent leaves open
 * (LIBRARIES.md): header and body size, timeouts, allowed methods, UTF-8
 * content types, and HEAD answered with headers only. Routes are path
 * prefixes; the handler gets the rest of the path. A listener may ask
 * for basic auth, checked here before any route sees the request.
 */
#include <crypt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "wachtd.h"

#define HEADERS_MAX	8192	/* bytes */
#define BODY_MAX	65536	/* bytes: ack and silence bodies are small */
#define TIMEOUT		10	/* s for a client to send its request */
#define ROUTES_MAX	16

#define AUTH_CACHE	64	/* sign-ins remembered; as many failures */
#define AUTH_USER_MAX	64	/* bytes, as config.c allows */
#define AUTH_PASSWORD_MAX 256	/* bytes */
#define AUTH_BURST	2.0	/* s of crypt(3) failures may take at once */
#define AUTH_RATE	0.05	/* s of them per s after that: 5% */
#define AUTH_FAIL_MIN	0.05	/* s a failure costs at the least */
#define AUTH_REALM	"Basic realm=\"wachtd\", charset=\"UTF-8\""

struct route {
	const char	*prefix;
	size_t		 len;
	http_handler	 handler;
	void		*arg;
};

/* A sign-in seen before: the HMAC of user, password and stored hash. */
struct auth_seen {
	unsigned char	 mac[32];
	double		 used;		/* monotonic s; 0: an empty slot */
};

/*
 * Basic auth of one listener, in the loop's thread. crypt(3) of a good
 * hash takes milliseconds by design, and a dashboard polls: a sign-in
 * that passed is remembered (as an HMAC under a key of this process,
 * never the password), and so is one that failed. The stored hash is
 * part of what is remembered, so a changed password or a removed user
 * (a reload) no longer matches, and a reload that leaves a user as it
 * was costs nobody a new check. What is left, new guesses, may take
 * AUTH_RATE of the loop's time after a burst: beyond that a guess gets
 * 429 without a check, while the users already remembered go on.
 */
struct auth {
	const char	*open_path;	/* served to anyone */
	http_asks_fn	 asks;
	http_hash_fn	 hash;
	void		*arg;
	unsigned char	 key[32];
	struct auth_seen good[AUTH_CACHE];
	struct auth_seen bad[AUTH_CACHE];
	size_t		 bad_next;
	double		 budget;	/* s of failed checks left */
	double		 budget_at;	/* monotonic s of that count */
	struct crypt_data *cd;
	struct map	*complaints;	/* user -> struct complaint */
	struct complaint unknown;	/* failures of users not in the file */
	struct complaint limited;
	struct http_auth_stats st;
};

struct http {
	struct evhttp	*evh;
	struct evconnlistener *listener;
	struct event	*resume;	/* accepting again after EMFILE */
	struct complaint accept_trouble;
	struct route	 routes[ROUTES_MAX];
	int		 nroutes;
	/* Counted in the listener's thread, read by GET /metrics. */
	uint64_t	 answered[HTTP_CLASSES];
	struct auth	*auth;		/* NULL: asks nobody */
	struct http	*next;
};

/*
 * Live listeners. libevent hands the accept error callback only the
 * evhttp, so this short list finds our struct again. The public
 * listener runs in a thread of its own: the lock keeps the list whole.
 */
static struct http	*https;
static pthread_mutex_t	 https_lock = PTHREAD_MUTEX_INITIALIZER;

void
http_header(struct evhttp_request *req, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), name,
	    value);
}

/* Sends buf with code, saying its length is len: the whole body's,
 * even for HEAD, which sends none of it; a 304 has no length. */
static void
reply_length(struct evhttp_request *req, int code, struct evbuffer *buf,
    size_t len)
{
	char	 n[32];

	if (code != 304) {
		snprintf(n, sizeof(n), "%zu", len);
		http_header(req, "Content-Length", n);
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
		evbuffer_drain(buf, evbuffer_get_length(buf));
	evhttp_send_reply(req, code, NULL, buf);
}

/* Sends buf with code; HEAD keeps the length but not the body. */
static void
reply(struct evhttp_request *req, int code, struct evbuffer *buf)
{
	reply_length(req, code, buf, evbuffer_get_length(buf));
}

void
http_reply_data(struct evhttp_request *req, const char *type,
    const char *cache, const void *data, size_t len)
{
	struct evbuffer	*buf = evbuffer_new();

	if (buf == NULL)
		fatalx("evbuffer_new");
	evbuffer_add(buf, data, len);
	http_header(req, "Content-Type", type);
	http_header(req, "Cache-Control", cache);
	reply(req, 200, buf);
	evbuffer_free(buf);
}

void
http_redirect(struct evhttp_request *req, const char *location)
{
	struct evbuffer	*buf = evbuffer_new();

	if (buf == NULL)
		fatalx("evbuffer_new");
	evbuffer_add_printf(buf, "%s\n", location);
	http_header(req, "Location", location);
	http_header(req, "Content-Type", "text/plain; charset=utf-8");
	reply(req, 301, buf);
	evbuffer_free(buf);
}

void
http_reply_json(struct evhttp_request *req, int code, json_t *j)
{
	struct evbuffer	*buf = evbuffer_new();
	char		*s;

	if (buf == NULL)
		fatalx("evbuffer_new");
	/* NULL from a json_pack with bad input: answer, never die. */
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		log_warnx("http: reply for %s is not encodable as JSON",
		    evhttp_request_get_uri(req));
		code = 500;
		s = xstrdup("{\"error\":\"internal error\"}");
	}
	json_decref(j);
	evbuffer_add(buf, s, strlen(s));
	evbuffer_add(buf, "\n", 1);
	free(s);
	http_header(req, "Content-Type", "application/json; charset=utf-8");
	http_header(req, "Cache-Control", "no-store");
	reply(req, code, buf);
	evbuffer_free(buf);
}

void
http_error(struct evhttp_request *req, int code, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_reply_json(req, code, json_pack("{s:s}", "error", msg));
}

void
http_not_allowed(struct evhttp_request *req, const char *allow)
{
	http_header(req, "Allow", allow);
	http_error(req, 405, "method not allowed");
}

int
http_want_get(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD)
		return 1;
	http_not_allowed(req, "GET, HEAD");
	return 0;
}

json_t *
http_body_json(struct evhttp_request *req)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	size_t		 len = evbuffer_get_length(in);
	json_error_t	 err;
	json_t		*j;

	j = json_loadb((const char *)evbuffer_pullup(in, -1), len,
	    JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		http_error(req, 400, "the body is not JSON: %s", err.text);
	else if (!json_is_object(j)) {
		http_error(req, 400, "the body must be a JSON object");
		json_decref(j);
		j = NULL;
	}
	return j;
}

/*
 * The connection of a waiting request closes: mostly at http_free (a
 * reload to another listener), since libevent 2.1 stops reading while a
 * request waits and so does not see a client hang up. A request still
 * attached goes with its connection; a detached one is ours to free.
 */
static void
on_gone(struct evhttp_connection *evcon, void *arg)
{
	struct evhttp_request **slot = arg;

	(void)evcon;
	if (*slot != NULL && evhttp_request_get_connection(*slot) == NULL)
		evhttp_request_free(*slot);
	*slot = NULL;
}

void
http_hold(struct evhttp_request *req, struct evhttp_request **slot)
{
	*slot = req;
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    on_gone, slot);
}

int
http_release(struct evhttp_request **slot)
{
	if (*slot == NULL)
		return 0;
	evhttp_connection_set_closecb(evhttp_request_get_connection(*slot),
	    NULL, NULL);
	return 1;
}

void
http_busy(struct evhttp_request *req)
{
	http_header(req, "Retry-After", "5");
	http_error(req, 503, "busy drawing graphs and reports; try again "
	    "in a few seconds");
}

/* Whether the client's If-None-Match names etag. */
static int
client_has(struct evhttp_request *req, const char *etag)
{
	const char	*inm;
	size_t		 len = strlen(etag);

	inm = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "If-None-Match");
	if (inm == NULL)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	/* A list: "a", W/"b" (weak compares equal for a GET). */
	while ((inm = strstr(inm, etag)) != NULL) {
		if (inm[len] == '\0' || inm[len] == ',' || inm[len] == ' ')
			return 1;
		inm += len;
	}
	return 0;
}

void
http_reply_shared(struct evhttp_request *req, const char *type,
    const char *cache, const char *etag, const void *data, size_t len,
    http_done_fn done, void *arg)
{
	struct evbuffer	*buf;
	int		 code = 200;

	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	http_header(req, "ETag", etag);
	http_header(req, "Cache-Control", cache);
	if (client_has(req, etag))
		code = 304;
	else {
		http_header(req, "Content-Type", type);
		if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
			/* Sent from data itself: done runs once written. */
			evbuffer_add_reference(buf, data, len, done, arg);
			done = NULL;
		}
	}
	reply_length(req, code, buf, len);
	if (done != NULL)
		done(data, len, arg);
	evbuffer_free(buf);
}

const struct asset *
http_asset(const char *name)
{
	const struct asset *a;

	for (a = assets; a->name != NULL; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

/* The Content-Type of a file, by its name. */
static const char *
asset_type(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
	};
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

void
http_reply_asset(struct evhttp_request *req, const struct asset *a)
{
	/* Revalidated each time: a new version shows at once, and an
	 * unchanged one costs a 304. */
	http_reply_shared(req, asset_type(a->name), "no-cache", a->etag,
	    a->data, a->len, NULL, NULL);
}

/* A request answered: counted by the class of its status. */
static void
on_complete(struct evhttp_request *req, void *arg)
{
	struct http	*h = arg;
	int		 code = evhttp_request_get_response_code(req);
	int		 c = code < 300 ? HTTP_2XX : code < 400 ? HTTP_3XX :
			    code < 500 ? HTTP_4XX : HTTP_5XX;

	__atomic_fetch_add(&h->answered[c], 1, __ATOMIC_RELAXED);
}

void
http_stats(const struct http *h, struct http_stats *st)
{
	int	 c;

	memset(st, 0, sizeof(*st));
	for (c = 0; h != NULL && c < HTTP_CLASSES; c++)
		st->answered[c] = __atomic_load_n(&h->answered[c],
		    __ATOMIC_RELAXED);
	if (h != NULL && h->auth != NULL)
		st->auth = h->auth->st;
}

/* Seconds on the monotonic clock: a wall-clock step is no refill. */
static double
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* RFC 4648 base64 into out (NUL-terminated); -1 when malformed or
 * longer than len - 1. */
static int
base64_decode(const char *in, char *out, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*c;
	uint32_t	 acc = 0;
	size_t		 n = 0, bits = 0, i, pad = 0;

	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (c = strchr(alphabet, in[i])) == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(c - alphabet);
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (n + 1 >= len)
				return -1;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	if (pad > 2 || (i - pad) % 4 == 1 || (pad > 0 && i % 4 != 0))
		return -1;
	out[n] = '\0';
	return memchr(out, '\0', n) == NULL ? 0 : -1;
}

/* The user and password of an "Authorization: Basic" header, split in
 * buf; -1 without one. Takes the header's value, not the request, so
 * that it is fuzzed alone (tests/fuzz/fuzz_http.c). */
int
http_basic_credentials(const char *h, char *buf, size_t len, char **user,
    char **password)
{
	char		*colon;

	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return -1;
	h += 6 + strspn(h + 6, " ");
	if (base64_decode(h, buf, len) == -1 ||
	    (colon = strchr(buf, ':')) == NULL)
		return -1;
	*colon = '\0';
	*user = buf;
	*password = colon + 1;
	return strlen(*user) <= AUTH_USER_MAX ? 0 : -1;
}

/* What a sign-in is remembered by: nothing that gives the password
 * back, and nothing another process could compute. */
static void
auth_mac(const struct auth *a, const char *user, const char *password,
    const char *hash, unsigned char mac[32])
{
	char		 buf[AUTH_USER_MAX + AUTH_PASSWORD_MAX + 1100];
	unsigned int	 len = 32;
	int		 n;

	n = snprintf(buf, sizeof(buf), "%s%c%s%c%s", user, 0, password, 0,
	    hash);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    HMAC(EVP_sha256(), a->key, sizeof(a->key),
	    (const unsigned char *)buf, (size_t)n, mac, &len) == NULL)
		memset(mac, 0, 32);	/* matches nothing remembered */
	explicit_bzero(buf, sizeof(buf));
}

/* The slot remembering mac, or NULL; compared in constant time. */
static struct auth_seen *
auth_find(struct auth_seen *table, const unsigned char mac[32])
{
	struct auth_seen *found = NULL;
	size_t		 i;

	for (i = 0; i < AUTH_CACHE; i++)
		if (table[i].used > 0 &&
		    CRYPTO_memcmp(table[i].mac, mac, 32) == 0)
			found = &table[i];
	return found;
}

/* A new sign-in takes an empty slot, or the one unused the longest. */
static void
auth_remember_good(struct auth *a, const unsigned char mac[32], double now)
{
	struct auth_seen *old = &a->good[0];
	size_t		 i;

	for (i = 1; i < AUTH_CACHE; i++)
		if (a->good[i].used < old->used)
			old = &a->good[i];
	memcpy(old->mac, mac, 32);
	old->used = now;
}

/* Whether password is the one hashed, at the cost of one crypt(3). */
static int
auth_check(struct auth *a, const char *password, const char *hash)
{
	const char	*out;
	size_t		 len = strlen(hash);

	memset(a->cd, 0, sizeof(*a->cd));
	out = crypt_rn(password, hash, a->cd, sizeof(*a->cd));
	return out != NULL && out[0] != '*' && strlen(out) == len &&
	    CRYPTO_memcmp(out, hash, len) == 0;
}

/* 401 with the challenge: the browser asks for a user and password. */
static void
auth_deny(struct evhttp_request *req, const char *why)
{
	http_header(req, "WWW-Authenticate", AUTH_REALM);
	http_error(req, 401, "%s", why);
}

/* The client's address, for the log. */
static const char *
peer(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	char		*host = NULL;
	ev_uint16_t	 port;

	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &host, &port);
	return host != NULL ? host : "?";
}

/* A failed sign-in, in the log now and then for each user. */
static void
auth_complain(struct auth *a, struct evhttp_request *req, const char *user,
    int known)
{
	struct complaint *c = &a->unknown;
	char		 shown[AUTH_USER_MAX + 1];

	if (known && (c = map_get(a->complaints, user)) == NULL) {
		c = xcalloc(1, sizeof(*c));
		map_put(a->complaints, user, c);
	}
	log_complain(c, util_now(), "http: failed sign-in as %s'%s' from %s",
	    known ? "" : "unknown user ", util_printable(user, shown,
	    sizeof(shown)), peer(req));
}

/* A hash of nothing anyone types, for when there is no user to take
 * the cost of a check from. */
static const char nobody_hash[] =
    "$y$j9T$W8PBBxZwdlI9vDfahRG2E/$w4OOeCWfqzFLn8mPMGEdBdBJyYT1ZkBuKL.LpGkiOiB";

/* 429 without a check: failures took their share of the loop. */
static void
auth_limit(struct auth *a, struct evhttp_request *req)
{
	char	 retry[32];

	a->st.limited++;
	log_complain(&a->limited, util_now(), "http: too many failed "
	    "sign-ins; new ones wait their turn (the last from %s)",
	    peer(req));
	snprintf(retry, sizeof(retry), "%.0f", ceil(-a->budget / AUTH_RATE) +
	    1);
	http_header(req, "Retry-After", retry);
	http_error(req, 429, "too many failed sign-ins; try again in %s "
	    "seconds", retry);
}

/*
 * Whether user may pass with password, answering req when not: from
 * what is remembered, or else at the cost of one crypt(3) while the
 * failures leave room for it.
 */
static int
auth_verify(struct auth *a, struct evhttp_request *req, const char *user,
    char *password)
{
	const char	*hash = a->hash(user, a->arg), *decoy;
	unsigned char	 mac[32];
	struct auth_seen *seen;
	char		 shown[AUTH_USER_MAX + 1];
	double		 now, t0;
	int		 ok;

	auth_mac(a, user, password, hash != NULL ? hash : "", mac);
	now = mono_now();
	if (hash != NULL && (seen = auth_find(a->good, mac)) != NULL) {
		seen->used = now;
		a->st.cached++;
		return 1;
	}
	if (auth_find(a->bad, mac) != NULL) {
		a->st.refused++;
		auth_deny(req, "wrong user or password");
		return 0;
	}
	a->budget = fmin(AUTH_BURST, a->budget + (now - a->budget_at) *
	    AUTH_RATE);
	a->budget_at = now;
	if (a->budget <= 0) {
		auth_limit(a, req);
		return 0;
	}
	/* A user not in the file costs a check of another's hash: a
	 * failure takes as long whoever it names. */
	if ((decoy = hash) == NULL && (decoy = a->hash(NULL, a->arg)) == NULL)
		decoy = nobody_hash;
	t0 = mono_now();
	ok = auth_check(a, password, decoy) && hash != NULL;
	a->st.checked++;
	now = mono_now();
	if (ok) {
		auth_remember_good(a, mac, now);
		log_info("http: %s signed in from %s", util_printable(user,
		    shown, sizeof(shown)), peer(req));
		return 1;
	}
	a->budget -= fmax(now - t0, AUTH_FAIL_MIN);
	memcpy(a->bad[a->bad_next].mac, mac, 32);
	a->bad[a->bad_next].used = now;
	a->bad_next = (a->bad_next + 1) % AUTH_CACHE;
	a->st.refused++;
	auth_complain(a, req, user, hash != NULL);
	auth_deny(req, "wrong user or password");
	return 0;
}

/* Whether req may pass; if not, it has been answered. */
static int
auth_pass(struct auth *a, struct evhttp_request *req, const char *path)
{
	char		 buf[AUTH_USER_MAX + AUTH_PASSWORD_MAX + 2];
	char		*user, *password;
	int		 ok;

	if (!a->asks(a->arg) || strcmp(path, a->open_path) == 0)
		return 1;
	if (http_basic_credentials(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Authorization"), buf,
	    sizeof(buf), &user, &password) == -1) {
		a->st.refused++;
		auth_deny(req, "sign in with a user and password of "
		    "[http] auth_file");
		ok = 0;
	} else
		ok = auth_verify(a, req, user, password);
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

void
http_auth(struct http *h, const char *open_path, http_asks_fn asks,
    http_hash_fn hash, void *arg)
{
	struct auth	*a = xcalloc(1, sizeof(*a));

	a->open_path = open_path;
	a->asks = asks;
	a->hash = hash;
	a->arg = arg;
	if (getrandom(a->key, sizeof(a->key), 0) != sizeof(a->key))
		fatal("getrandom");
	a->budget = AUTH_BURST;
	a->budget_at = mono_now();
	a->cd = xcalloc(1, sizeof(*a->cd));
	a->complaints = map_new();
	h->auth = a;
}

static void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	explicit_bzero(a->key, sizeof(a->key));
	free(a->cd);
	map_free(a->complaints, free);
	free(a);
}

/* Finds the longest route whose prefix the path starts with. */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct http		*h = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(uri);
	struct route		*best = NULL;
	int			 i;

	evhttp_request_set_on_complete_cb(req, on_complete, h);
	if (path == NULL || path[0] != '/') {
		http_error(req, 400, "bad request path");
		return;
	}
	if (h->auth != NULL && !auth_pass(h->auth, req, path))
		return;
	for (i = 0; i < h->nroutes; i++) {
		struct route *r = &h->routes[i];

		if (strncmp(path, r->prefix, r->len) == 0 &&
		    (best == NULL || r->len > best->len))
			best = r;
	}
	if (best == NULL) {
		http_error(req, 404, "no such path");
		return;
	}
	best->handler(req, path + best->len, best->arg);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(h->listener);
}

/*
 * accept() failed, typically EMFILE: libevent would retry at once, for
 * ever, at full CPU. Pause a second instead, and say so now and then.
 */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct http	*h;
	struct timeval	 pause = { 1, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	pthread_mutex_lock(&https_lock);
	for (h = https; h != NULL && h->listener != lev; h = h->next)
		;
	pthread_mutex_unlock(&https_lock);
	if (h == NULL)
		return;
	log_complain(&h->accept_trouble, util_now(), "http: accept: %s; "
	    "pausing new connections for a second",
	    evutil_socket_error_to_string(err));
	evconnlistener_disable(lev);
	evtimer_add(h->resume, &pause);
}

struct http *
http_new(struct event_base *base, const char *host, int port)
{
	struct http	*h = xcalloc(1, sizeof(*h));
	struct evhttp_bound_socket *bound;

	if ((h->evh = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_max_headers_size(h->evh, HEADERS_MAX);
	evhttp_set_max_body_size(h->evh, BODY_MAX);
	evhttp_set_timeout(h->evh, TIMEOUT);
	/* Every method reaches the routes, which answer 405 in JSON. */
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(h->evh, "text/plain; charset=utf-8");
	evhttp_set_gencb(h->evh, dispatch, h);
	bound = evhttp_bind_socket_with_handle(h->evh, host, (ev_uint16_t)port);
	if (bound == NULL) {
		log_warn("http: cannot listen on %s:%d", host, port);
		evhttp_free(h->evh);
		free(h);
		return NULL;
	}
	h->listener = evhttp_bound_socket_get_listener(bound);
	h->resume = evtimer_new(base, on_resume, h);
	evconnlistener_set_error_cb(h->listener, on_accept_error);
	pthread_mutex_lock(&https_lock);
	h->next = https;
	https = h;
	pthread_mutex_unlock(&https_lock);
	log_info("http: listening on %s:%d", host, port);
	return h;
}

void
http_free(struct http *h)
{
	struct http	**p;

	if (h == NULL)
		return;
	pthread_mutex_lock(&https_lock);
	for (p = &https; *p != NULL; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	pthread_mutex_unlock(&https_lock);
	event_free(h->resume);
	evhttp_free(h->evh);
	auth_free(h->auth);
	free(h);
}

void
http_route(struct http *h, const char *prefix, http_handler handler,
    void *arg)
{
	struct route	*r;

	if (h->nroutes == ROUTES_MAX)
		fatalx("http: too many routes");
	r = &h->routes[h->nroutes++];
	r->prefix = prefix;
	r->len = strlen(prefix);
	r->handler = handler;
	r->arg = arg;
}

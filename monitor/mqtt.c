/*
 * mqtt.c: libmosquitto driven by the libevent loop, without its thread
 * (LIBRARIES.md). The socket's read event feeds mosquitto_loop_read, a
 * one-shot write event drains what callbacks queued, a one-second timer
 * runs mosquitto_loop_misc (keepalive, and timing out a hung connect), and
 * a lost connection is retried with exponential backoff up to 30 s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <openssl/ssl.h>

#include "wachtd.h"

#define BACKOFF_MIN	1.0	/* s */
#define BACKOFF_MAX	30.0	/* s */
#define BACKOFF_KEEP	2.0	/* s up: no quarrel over the client_id */
#define SUB_BATCH	100	/* topics per SUBSCRIBE packet */
#define READ_BATCH	64	/* packets per read event, then yield */

struct mq {
	struct event_base *base;
	struct mosquitto *mosq;
	const struct mqtt_conf *conf;	/* owned by the caller's config */
	struct event	*ev_read;
	struct event	*ev_write;
	struct event	*ev_misc;
	struct event	*ev_retry;
	int		 fd;		/* -1 while not connected */
	int		 connected;	/* CONNACK accepted */
	int		 tls;
	int		 reason;	/* of the broker's DISCONNECT, or 0 */
	double		 backoff;
	double		 up_since;	/* of the current connection */
	char		*password;	/* as read from password_file */
	char		*status_topic;
	char		**subs;
	size_t		 nsubs;
	mq_message_cb	 on_message;
	mq_connect_cb	 on_connect;
	void		*arg;
	struct complaint connect_trouble;
	struct complaint publish_trouble;
};

static void	 mq_connect(struct mq *);

/* Waits for writability only when libmosquitto has something to write. */
static void
arm_write(struct mq *mq)
{
	int	 want;

	if (mq->fd == -1)
		return;
	want = mosquitto_want_write(mq->mosq);
	if (mq->tls) {
		/* During the TLS handshake want_write stays true although
		 * only reading can progress (mosquitto #3745): ask OpenSSL. */
		SSL *ssl = mosquitto_ssl_get(mq->mosq);

		if (ssl != NULL && !SSL_is_init_finished(ssl))
			want = SSL_want_write(ssl);
	}
	if (want && !event_pending(mq->ev_write, EV_WRITE, NULL))
		event_add(mq->ev_write, NULL);
}

/* What went wrong, in words: the broker's reason when it gave one. */
static const char *
why(const struct mq *mq, int rc)
{
	if (mq->reason != 0)
		return mosquitto_reason_string(mq->reason);
	if (rc == MOSQ_ERR_ERRNO)
		return strerror(errno);
	if (rc == MOSQ_ERR_KEEPALIVE)
		return "no answer within the keepalive";
	return mosquitto_strerror(rc);
}

/*
 * Drops the socket's events and plans the next attempt. The backoff only
 * starts over after a connection that lasted: two clients with the same
 * client_id would otherwise throw each other out for ever. In such a
 * quarrel (mosquitto 2.0 just closes the socket, without saying why) one
 * comes back after 1 s and finds the other's connection 1 s old: that one
 * keeps backing off, up to 30 s. A connection that lasted BACKOFF_KEEP
 * was no quarrel: a broker restarted twice within 30 s is tried again
 * after 1 s, not 2, 4, 8 ... (make faults).
 */
static void
lost(struct mq *mq, int rc)
{
	double	 now = util_now();

	if (mq->fd != -1) {
		event_del(mq->ev_read);
		event_del(mq->ev_write);
		event_free(mq->ev_read);
		event_free(mq->ev_write);
		mq->ev_read = mq->ev_write = NULL;
		mq->fd = -1;
	}
	if (mq->connected) {
		if (now - mq->up_since >= BACKOFF_KEEP)
			mq->backoff = BACKOFF_MIN;
		log_complain(&mq->connect_trouble, now, "mqtt: lost connection "
		    "to %s:%d: %s%s", mq->conf->host, mq->conf->port,
		    why(mq, rc), mq->reason == MQTT_RC_SESSION_TAKEN_OVER ?
		    " (another client uses this client_id?)" : "");
	} else
		log_complain(&mq->connect_trouble, now, "mqtt: cannot "
		    "connect to %s:%d: %s; retrying", mq->conf->host,
		    mq->conf->port, why(mq, rc));
	mq->connected = 0;
	mq->reason = 0;
	event_add(mq->ev_retry, &(struct timeval){
	    (time_t)mq->backoff, 0 });
	mq->backoff = mq->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
	    mq->backoff * 2;
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct mq	*mq = arg;
	int		 i, rc;

	(void)fd;
	(void)what;
	/* One packet per call: read a batch, but stop at EAGAIN. */
	for (i = 0; i < READ_BATCH; i++) {
		errno = 0;
		if ((rc = mosquitto_loop_read(mq->mosq, 1)) != MOSQ_ERR_SUCCESS) {
			lost(mq, rc);
			return;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || mq->fd == -1)
			break;
	}
	arm_write(mq);
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	struct mq	*mq = arg;
	int		 rc;

	(void)fd;
	(void)what;
	if ((rc = mosquitto_loop_write(mq->mosq, 1)) != MOSQ_ERR_SUCCESS) {
		lost(mq, rc);
		return;
	}
	arm_write(mq);
}

static void
on_misc(evutil_socket_t fd, short what, void *arg)
{
	struct mq	*mq = arg;
	int		 rc;

	(void)fd;
	(void)what;
	if (mq->fd == -1)
		return;
	if ((rc = mosquitto_loop_misc(mq->mosq)) != MOSQ_ERR_SUCCESS) {
		lost(mq, rc);
		return;
	}
	arm_write(mq);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mq_connect(arg);
}

/* Sends SUBSCRIBE for every topic, in packets of SUB_BATCH. */
static void
subscribe_all(struct mq *mq)
{
	size_t	 i, n;
	int	 rc;

	for (i = 0; i < mq->nsubs; i += n) {
		n = mq->nsubs - i < SUB_BATCH ? mq->nsubs - i : SUB_BATCH;
		/* Retained metrics replayed on subscribe are old data. */
		rc = mosquitto_subscribe_multiple(mq->mosq, NULL, (int)n,
		    mq->subs + i, mq->conf->qos, MQTT_SUB_OPT_SEND_RETAIN_NEVER,
		    NULL);
		if (rc != MOSQ_ERR_SUCCESS)
			log_warnx("mqtt: subscribe to %zu topics from %s: %s",
			    n, mq->subs[i], mosquitto_strerror(rc));
	}
}

static void
cb_connect(struct mosquitto *mosq, void *arg, int rc, int flags,
    const mosquitto_property *props)
{
	struct mq	*mq = arg;

	(void)mosq;
	(void)flags;
	(void)props;
	if (rc != 0) {
		log_complain(&mq->connect_trouble, util_now(), "mqtt: broker "
		    "%s:%d refused the connection: %s", mq->conf->host,
		    mq->conf->port, mosquitto_reason_string(rc));
		return;		/* the broker closes; lost() retries */
	}
	log_relief(&mq->connect_trouble, "mqtt: the broker answers again");
	log_info("mqtt: connected to %s:%d", mq->conf->host, mq->conf->port);
	mq->connected = 1;
	mq->up_since = util_now();
	subscribe_all(mq);
	mosquitto_publish(mq->mosq, NULL, mq->status_topic, 6, "online", 1,
	    true);
	if (mq->on_connect != NULL)
		mq->on_connect(mq->arg);
}

/* Remembers why the broker sent DISCONNECT, for the log line. */
static void
cb_disconnect(struct mosquitto *mosq, void *arg, int rc,
    const mosquitto_property *props)
{
	struct mq	*mq = arg;

	(void)mosq;
	(void)props;
	/* MQTT v5 reason codes; below 0x80 it is libmosquitto's own rc. */
	if (rc >= 0x80 && rc < 0x100)
		mq->reason = rc;
}

/* A broker ACL may refuse a subscription: say so, it is silent else. */
static void
cb_subscribe(struct mosquitto *mosq, void *arg, int mid, int n,
    const int *granted, const mosquitto_property *props)
{
	int	 i, refused = 0;

	(void)mosq;
	(void)arg;
	(void)mid;
	(void)props;
	for (i = 0; i < n; i++)
		refused += granted[i] >= 0x80;
	if (refused > 0)
		log_warnx("mqtt: the broker refused %d of %d subscriptions "
		    "(check its ACL)", refused, n);
}

static void
cb_message(struct mosquitto *mosq, void *arg,
    const struct mosquitto_message *msg, const mosquitto_property *props)
{
	struct mq	*mq = arg;

	(void)mosq;
	(void)props;
	mq->on_message(msg->topic, msg->payload, (size_t)msg->payloadlen,
	    mq->arg);
}

static void
cb_log(struct mosquitto *mosq, void *arg, int level, const char *msg)
{
	(void)mosq;
	(void)arg;
	if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING))
		log_debug("libmosquitto: %s", msg);
}

/* Starts an asynchronous connect; failure plans a retry. */
static void
mq_connect(struct mq *mq)
{
	int	 rc;

	/* DNS here is blocking getaddrinfo: only on (re)connect. */
	rc = mosquitto_connect_bind_async(mq->mosq, mq->conf->host,
	    mq->conf->port, mq->conf->keepalive, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		lost(mq, rc);
		return;
	}
	mq->fd = mosquitto_socket(mq->mosq);
	mq->ev_read = event_new(mq->base, mq->fd, EV_READ | EV_PERSIST,
	    on_read, mq);
	mq->ev_write = event_new(mq->base, mq->fd, EV_WRITE, on_write, mq);
	event_add(mq->ev_read, NULL);
	/* The socket is still connecting: writability says it is done. */
	event_add(mq->ev_write, NULL);
}

/* First line of the password file, without its newline; NULL if unreadable. */
static char *
read_password(const char *path)
{
	FILE	*fp;
	char	 buf[512];

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("mqtt: password_file %s", path);
		return NULL;
	}
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

int
mq_check(const struct mqtt_conf *conf)
{
	const char	*files[] = { conf->password_file, conf->tls_ca,
			    conf->tls_cert, conf->tls_key };
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i] != NULL && access(files[i], R_OK) == -1) {
			log_warn("mqtt: cannot read %s", files[i]);
			rc = -1;
		}
	return rc;
}

int
mq_password_changed(const struct mq *mq, const struct mqtt_conf *conf)
{
	char	*pw;
	int	 changed;

	if (conf->password_file == NULL)
		return 0;
	pw = read_password(conf->password_file);
	changed = pw == NULL || mq->password == NULL ||
	    strcmp(pw, mq->password) != 0;
	free(pw);
	return changed;
}

struct mq *
mq_new(struct event_base *base, const struct mqtt_conf *conf,
    mq_message_cb on_message, mq_connect_cb on_connect, void *arg)
{
	struct mq	*mq = xcalloc(1, sizeof(*mq));
	int		 rc;

	mq->base = base;
	mq->conf = conf;
	mq->fd = -1;
	mq->backoff = BACKOFF_MIN;
	mq->on_message = on_message;
	mq->on_connect = on_connect;
	mq->arg = arg;
	if (conf->status_topic != NULL)
		mq->status_topic = xstrdup(conf->status_topic);
	else
		xasprintf(&mq->status_topic, "%s/out/status", conf->prefix);
	if ((mq->mosq = mosquitto_new(conf->client_id, true, mq)) == NULL)
		fatal("mosquitto_new");
	mosquitto_int_option(mq->mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    MQTT_PROTOCOL_V5);
	/* An alert goes out at once: with Nagle's algorithm it waited for
	 * the broker's delayed ACK of the state before it, 40 ms (make
	 * bench). */
	mosquitto_int_option(mq->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_will_set_v5(mq->mosq, mq->status_topic, 7, "offline", 1,
	    true, NULL);
	/* Never fall back to a password-less or plain-text connection. */
	if (conf->password_file != NULL &&
	    (mq->password = read_password(conf->password_file)) == NULL)
		goto fail;
	if (conf->username != NULL)
		mosquitto_username_pw_set(mq->mosq, conf->username,
		    mq->password);
	if (conf->tls_ca != NULL) {
		rc = mosquitto_tls_set(mq->mosq, conf->tls_ca, NULL,
		    conf->tls_cert, conf->tls_key, NULL);
		if (rc != MOSQ_ERR_SUCCESS) {
			log_warnx("mqtt: TLS setup with %s: %s", conf->tls_ca,
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) :
			    mosquitto_strerror(rc));
			goto fail;
		}
		mq->tls = 1;
	}
	mosquitto_connect_v5_callback_set(mq->mosq, cb_connect);
	mosquitto_disconnect_v5_callback_set(mq->mosq, cb_disconnect);
	mosquitto_subscribe_v5_callback_set(mq->mosq, cb_subscribe);
	mosquitto_message_v5_callback_set(mq->mosq, cb_message);
	mosquitto_log_callback_set(mq->mosq, cb_log);
	mq->ev_misc = event_new(base, -1, EV_PERSIST, on_misc, mq);
	mq->ev_retry = evtimer_new(base, on_retry, mq);
	event_add(mq->ev_misc, &(struct timeval){ 1, 0 });
	mq_connect(mq);
	return mq;

fail:
	mosquitto_destroy(mq->mosq);
	free(mq->password);
	free(mq->status_topic);
	free(mq);
	return NULL;
}

static void
free_subs(struct mq *mq)
{
	size_t	 i;

	for (i = 0; i < mq->nsubs; i++)
		free(mq->subs[i]);
	free(mq->subs);
	mq->subs = NULL;
	mq->nsubs = 0;
}

void
mq_free(struct mq *mq)
{
	int	 i;

	if (mq == NULL)
		return;
	if (mq->connected) {
		/* A clean disconnect suppresses the will: say it ourselves. */
		mosquitto_publish(mq->mosq, NULL, mq->status_topic, 7,
		    "offline", 1, true);
		mosquitto_disconnect(mq->mosq);
		for (i = 0; i < 50 && mosquitto_want_write(mq->mosq); i++)
			if (mosquitto_loop_write(mq->mosq, 1) != MOSQ_ERR_SUCCESS)
				break;
	}
	if (mq->fd != -1) {
		event_free(mq->ev_read);
		event_free(mq->ev_write);
	}
	event_free(mq->ev_misc);
	event_free(mq->ev_retry);
	mosquitto_destroy(mq->mosq);
	free_subs(mq);
	free(mq->password);
	free(mq->status_topic);
	free(mq);
}

void
mq_set_conf(struct mq *mq, const struct mqtt_conf *conf)
{
	mq->conf = conf;
}

int
mq_connected(const struct mq *mq)
{
	return mq->connected;
}

void
mq_subscribe(struct mq *mq, char **topics, size_t n)
{
	struct map	*keep = map_new();
	char		**gone = NULL;
	size_t		 i, ngone = 0;

	for (i = 0; i < n; i++)
		map_put(keep, topics[i], topics[i]);
	for (i = 0; i < mq->nsubs; i++)
		if (map_get(keep, mq->subs[i]) == NULL) {
			gone = xreallocarray(gone, ngone + 1, sizeof(*gone));
			gone[ngone++] = mq->subs[i];
		}
	if (mq->connected && ngone > 0)
		mosquitto_unsubscribe_multiple(mq->mosq, NULL, (int)ngone,
		    gone, NULL);
	free(gone);
	map_free(keep, NULL);
	free_subs(mq);
	mq->subs = topics;
	mq->nsubs = n;
	/* Subscribing again to a topic already held is harmless. */
	if (mq->connected)
		subscribe_all(mq);
	arm_write(mq);
}

int
mq_publish(struct mq *mq, const char *topic, const void *buf, size_t len,
    int retain)
{
	return mq_send(mq, topic, buf, len, 0, retain);
}

int
mq_send(struct mq *mq, const char *topic, const void *buf, size_t len,
    int qos, int retain)
{
	int	 rc;

	if (!mq->connected)
		return -1;	/* state is republished on connect */
	rc = mosquitto_publish(mq->mosq, NULL, topic, (int)len, buf, qos,
	    retain != 0);
	if (rc != MOSQ_ERR_SUCCESS) {
		log_complain(&mq->publish_trouble, util_now(), "mqtt: publish "
		    "%s: %s", topic, mosquitto_strerror(rc));
		return -1;
	}
	arm_write(mq);
	return 0;
}

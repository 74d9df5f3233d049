/*
 * make bench: the ingest stream. N messages over K queues, QoS 0, written
 * straight onto one socket as MQTT 3.1.1 packets in 64 KiB writes, so the
 * publisher costs the machine as little as a publisher can and the broker
 * is fed as fast as it reads.
 *
 * The queues take turns; each message is one of the metrics a phone
 * queue's probe publishes (waiting, answered, arrived, handle_time) with a
 * value from a fixed pseudo-random sequence, so every run sends the same
 * bytes. In wachtd's form: PREFIX/in/bench/qNNNNN/METRIC with a plain
 * number. With -c in collectd's: collectd/bench/wachtd-qNNNNN/gauge-METRIC
 * with "N:VALUE", the same stream for its mqtt plugin. The last message is
 * always waiting LAST (999) on the first queue: who has seen it has seen
 * all. With -n 0 it goes on until killed, without a last message: the
 * load for timing alerts under it.
 *
 *	ingest_pub -p PORT -n N -k K [-P PREFIX] [-c] [-l LAST]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUT_SIZE	(64 * 1024)

static const char *const metrics[] = {
	"waiting", "answered", "arrived", "handle_time"
};

static unsigned char	out[OUT_SIZE];
static size_t		outlen;
static int		sock = -1;

static void
die(const char *what)
{
	fprintf(stderr, "ingest_pub: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
flush(void)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < outlen) {
		if ((n = write(sock, out + done, outlen - done)) == -1) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		done += (size_t)n;
	}
	outlen = 0;
}

/* Appends one packet: its fixed header, then body. */
static void
packet(unsigned char type, const void *body, size_t len)
{
	size_t	 rest = len;

	if (outlen + len + 5 > sizeof(out))
		flush();
	out[outlen++] = type;
	do {
		unsigned char b = rest % 128;

		rest /= 128;
		out[outlen++] = b | (rest > 0 ? 0x80 : 0);
	} while (rest > 0);
	memcpy(out + outlen, body, len);
	outlen += len;
}

static void
publish(const char *topic, const char *payload)
{
	unsigned char	 body[512];
	size_t		 tl = strlen(topic), pl = strlen(payload);

	if (2 + tl + pl > sizeof(body)) {
		fprintf(stderr, "ingest_pub: message too long\n");
		exit(1);
	}
	body[0] = (unsigned char)(tl >> 8);
	body[1] = (unsigned char)tl;
	memcpy(body + 2, topic, tl);
	memcpy(body + 2 + tl, payload, pl);
	packet(0x30, body, 2 + tl + pl);
}

static void
connect_broker(int port)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	unsigned char		 ack[4];
	char			 id[32];
	unsigned char		 body[64] = { 0, 4, 'M', 'Q', 'T', 'T', 4,
				    0x02 /* clean session */, 0, 60 };
	size_t			 il;
	int			 one = 1;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((sock = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (connect(sock, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	il = (size_t)snprintf(id, sizeof(id), "ingest-pub-%d", (int)getpid());
	body[10] = 0;
	body[11] = (unsigned char)il;
	memcpy(body + 12, id, il);
	packet(0x10, body, 12 + il);
	flush();
	if (read(sock, ack, sizeof(ack)) != 4 || ack[0] != 0x20 || ack[3] != 0) {
		fprintf(stderr, "ingest_pub: the broker refused us\n");
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	const char	*prefix = "wachtd";
	unsigned long	 n = 0, k = 0, i, q, last = 999;
	uint32_t	 x = 2463534242u;	/* xorshift32 */
	char		 topic[256], payload[32];
	int		 ch, port = 0, collectd = 0;

	while ((ch = getopt(argc, argv, "p:n:k:P:cl:")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'k':
			k = strtoul(optarg, NULL, 10);
			break;
		case 'P':
			prefix = optarg;
			break;
		case 'c':
			collectd = 1;
			break;
		case 'l':
			last = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (port <= 0 || k == 0 || k > 99999)
		goto usage;

	connect_broker(port);
	for (i = 0; n == 0 || i < n; i++) {
		const char	*metric;
		unsigned long	 v;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		q = i % k + 1;
		metric = metrics[i / k % 4];
		if (n > 0 && i == n - 1) {
			q = 1;
			metric = "waiting";
			v = last;
		} else if (metric == metrics[0])
			v = x % 21;		/* waiting */
		else if (metric == metrics[1])
			v = x % 121;		/* answered: its wait */
		else if (metric == metrics[2])
			v = 1;			/* arrived */
		else
			v = 30 + x % 571;	/* handle_time */
		if (collectd) {
			snprintf(topic, sizeof(topic),
			    "collectd/bench/wachtd-q%05lu/gauge-%s", q, metric);
			snprintf(payload, sizeof(payload), "N:%lu", v);
		} else {
			snprintf(topic, sizeof(topic), "%s/in/bench/q%05lu/%s",
			    prefix, q, metric);
			snprintf(payload, sizeof(payload), "%lu", v);
		}
		publish(topic, payload);
	}
	packet(0xe0, "", 0);		/* DISCONNECT */
	flush();
	close(sock);
	return 0;

usage:
	fprintf(stderr, "usage: ingest_pub -p PORT -n N -k K [-P PREFIX] "
	    "[-c] [-l LAST]\n");
	return 2;
}

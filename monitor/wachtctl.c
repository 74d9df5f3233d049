/*
 * wachtctl.c: the command-line client of wachtd's internal HTTP API, for
 * team managers, the sysadmin and scripts (DESIGN §2). Commands sit in a
 * table, as tmux's cmd-*.c, so status, alerts, ack, silence and the rest
 * slot in beside report. The blocking libcurl easy interface is right
 * here: unlike the daemon, a CLI has nothing else to do while it waits.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "parse.h"
#include "report_fmt.h"
#include "wachtd.h"

#define DEFAULT_URL	"http://127.0.0.1:8080"
#define TIMEOUT		30L		/* s for a whole request */
#define CONNECT_TIMEOUT	10L		/* s to connect, within TIMEOUT */
#define BODY_MAX	(64 << 20)	/* bytes of one answer */
#define PASSWORD_MAX	1024		/* bytes */

/* Exit statuses a script can tell apart; usage() documents them. */
enum {
	CTL_OK = 0,		/* done */
	CTL_FAIL = 1,		/* wachtd said no, or its answer was unusable */
	CTL_USAGE = 2,		/* wrong invocation: nothing was asked */
	CTL_DOWN = 3		/* wachtd could not be reached */
};

struct ctl {
	char		*url;		/* base URL without a trailing '/' */
	const char	*user;
	const char	*password_file;
	char		*password;
	CURL		*curl;
	char		 error[CURL_ERROR_SIZE];
	int		 down;		/* wachtd stopped answering */
};

struct buf {
	char		*data;
	size_t		 len;
};

struct cmd_entry {
	const char	*name;
	const char	*args;		/* what follows the name in usage */
	const char	*about;		/* one line */
	int		(*exec)(struct ctl *, int, char **);
};

static int	cmd_help(struct ctl *, int, char **);
static int	cmd_report(struct ctl *, int, char **);

static const struct cmd_entry cmds[] = {
	{ "report", "--from JJJJ-MM-DD --to JJJJ-MM-DD "
	    "[--format text|csv|json|html] [-o BESTAND]",
	    "verantwoording over de dagen van --from t/m --to: per wachtrij, "
	    "per kanaal en totaal", cmd_report },
	{ "help", "[COMMANDO]", "deze hulptekst, of die van één commando",
	    cmd_help },
};
#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

static void
complain(const char *fmt, ...) PRINTFLIKE(1, 2);

/* One line on stderr, prefixed with the program, as err(3) does. */
static void
complain(const char *fmt, ...)
{
	va_list	 ap;

	fputs("wachtctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The first line of every usage: the global options, then the rest. */
static void
usage_line(FILE *f, const char *name, const char *args)
{
	fprintf(f, "gebruik: wachtctl [-u URL] [-U GEBRUIKER] "
	    "[-P WACHTWOORDBESTAND] %s %s\n", name, args);
}

static void
usage(FILE *f)
{
	size_t	 i;

	usage_line(f, "COMMANDO", "...");
	fputs("\ncommando's:\n", f);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %s %s\n      %s\n", cmds[i].name, cmds[i].args,
		    cmds[i].about);
	fputs("\nopties:\n"
	    "  -u URL   adres van de interne listener van wachtd; anders\n"
	    "           $WACHTD_URL, anders " DEFAULT_URL "\n"
	    "  -U GEBRUIKER, -P WACHTWOORDBESTAND\n"
	    "           basic auth: de gebruiker en een bestand met het "
	    "wachtwoord\n"
	    "           (eerste regel); anders $WACHTD_USER en "
	    "$WACHTD_PASSWORD_FILE\n"
	    "  -h       deze hulptekst\n"
	    "  -V       versie\n"
	    "\nafsluitstatus:\n"
	    "  0  gelukt\n"
	    "  1  wachtd meldde een fout, of het antwoord kon niet worden "
	    "verwerkt\n"
	    "     of weggeschreven\n"
	    "  2  verkeerd gebruik: onbekend commando of onbekende optie, "
	    "ongeldige\n"
	    "     datum of URL, onleesbaar wachtwoordbestand; er is niets "
	    "gevraagd\n"
	    "  3  wachtd is niet bereikbaar: verbinding geweigerd, onbekende "
	    "naam,\n"
	    "     of geen antwoord binnen 30 seconden\n", f);
}

/* The one-line usage of a command, after a mistake in its arguments. */
static int
cmd_usage(const struct cmd_entry *cmd)
{
	usage_line(stderr, cmd->name, cmd->args);
	return CTL_USAGE;
}

static const struct cmd_entry *
cmd_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/* getopt's complaints in Dutch (it was told to keep quiet). */
static int
bad_option(const char *where, int ch, char **argv,
    const struct option *longopts)
{
	const struct option *o;
	char		 name[64];

	snprintf(name, sizeof(name), "-%c", optopt);
	for (o = longopts; o != NULL && o->name != NULL; o++)
		if (o->val == optopt && optopt != 0)
			snprintf(name, sizeof(name), "--%s", o->name);
	if (ch == ':')
		complain("%s%s heeft een waarde nodig", where, name);
	else if (optopt != 0)
		complain("%sonbekende optie %s", where, name);
	else
		complain("%sonbekende optie %s", where, argv[optind - 1]);
	return CTL_USAGE;
}

/* ------------------------------------------------------------------ */
/* HTTP */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;
	size_t		 n = size * nmemb;

	if (n > BODY_MAX - b->len)
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	b->data = xreallocarray(b->data, b->len + n + 1, 1);
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* The first line of the password file: basic auth never falls back. */
static int
read_password(struct ctl *c)
{
	FILE	*f;
	char	 line[PASSWORD_MAX + 2];

	if ((f = fopen(c->password_file, "r")) == NULL) {
		complain("wachtwoordbestand %s: %s", c->password_file,
		    strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL) {
		complain("wachtwoordbestand %s is leeg", c->password_file);
		fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0' || strlen(line) > PASSWORD_MAX) {
		complain("wachtwoordbestand %s: de eerste regel moet het "
		    "wachtwoord zijn (1 tot %d tekens)", c->password_file,
		    PASSWORD_MAX);
		explicit_bzero(line, sizeof(line));
		return -1;
	}
	c->password = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

/*
 * Sets up the connection on first use, so that help and usage errors
 * never touch the password file: CTL_OK, or an exit status after saying
 * why.
 */
static int
ctl_open(struct ctl *c)
{
	if (c->curl != NULL)
		return CTL_OK;
	if ((c->user == NULL) != (c->password_file == NULL)) {
		complain("basic auth heeft zowel een gebruiker (-U of "
		    "$WACHTD_USER) als een wachtwoordbestand (-P of "
		    "$WACHTD_PASSWORD_FILE) nodig");
		return CTL_USAGE;
	}
	if (c->password_file != NULL && read_password(c) == -1)
		return CTL_USAGE;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c->curl = curl_easy_init()) == NULL)
		fatalx("curl cannot start");
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->error);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, TIMEOUT);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "wachtctl/"
	    WACHTD_VERSION);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	if (c->user != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c->curl, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD, c->password);
	}
	return CTL_OK;
}

static void
ctl_close(struct ctl *c)
{
	if (c->curl != NULL) {
		curl_easy_cleanup(c->curl);
		curl_global_cleanup();
	}
	if (c->password != NULL) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	free(c->url);
}

/*
 * GETs path from wachtd into b (the caller frees b->data). CTL_OK with the
 * HTTP status in *status, whatever it is; otherwise an exit status, after
 * saying why once.
 */
static int
ctl_get(struct ctl *c, const char *path, struct buf *b, long *status)
{
	CURLcode	 rc;
	char		*url;
	int		 ret;

	if ((ret = ctl_open(c)) != CTL_OK)
		return ret;
	b->data = NULL;
	b->len = 0;
	xasprintf(&url, "%s%s", c->url, path);
	c->error[0] = '\0';
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, b);
	rc = curl_easy_perform(c->curl);
	free(url);
	switch (rc) {
	case CURLE_OK:
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
		return CTL_OK;
	case CURLE_WRITE_ERROR:
		complain("het antwoord van wachtd op %s is groter dan %d MiB",
		    path, BODY_MAX >> 20);
		return CTL_FAIL;
	case CURLE_URL_MALFORMAT:
		complain("ongeldige URL %s", c->url);
		return CTL_USAGE;
	default:
		c->down = 1;
		complain("wachtd is niet bereikbaar op %s: %s", c->url,
		    c->error[0] != '\0' ? c->error : curl_easy_strerror(rc));
		return CTL_DOWN;
	}
}

/* The daemon's {"error": "..."}, or "" when it sent something else. */
static void
error_message(const struct buf *b, char *msg, size_t len)
{
	json_t		*j = NULL;
	const char	*e = NULL;

	if (b->data != NULL) {
		j = json_loadb(b->data, b->len, 0, NULL);
		e = json_string_value(json_object_get(j, "error"));
	}
	snprintf(msg, len, "%s", e != NULL ? e : "");
	json_decref(j);
}

/*
 * A graph for the HTML report. One that fails becomes a note in the
 * report, so this only warns; once wachtd is unreachable the remaining
 * graphs are not tried, or a report would wait 30 s for each.
 */
static int
fetch_graph(const char *path, char **body, size_t *len, void *arg)
{
	struct ctl	*c = arg;
	struct buf	 b;
	char		 msg[256];
	long		 status = 0;

	if (c->down || ctl_get(c, path, &b, &status) != CTL_OK)
		return -1;
	if (status != 200) {
		error_message(&b, msg, sizeof(msg));
		complain("grafiek %s: HTTP %ld%s%s", path, status,
		    msg[0] != '\0' ? ": " : "", msg);
		free(b.data);
		return -1;
	}
	*body = b.data;
	*len = b.len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* report */

/*
 * Checks a --from/--to day here, so a typo never reaches the daemon.
 * parse_date decides; its English reason picks the Dutch message.
 */
static int
check_day(const char *opt, const char *s, int *ymd)
{
	const char	*why;

	if (parse_date(s, ymd, &why) == 0)
		return 0;
	if (strncmp(why, "expected", 8) == 0)
		complain("report: %s %s is geen datum; schrijf JJJJ-MM-DD, "
		    "bijvoorbeeld 2026-07-01", opt, s);
	else if (strncmp(why, "year", 4) == 0)
		complain("report: %s %s: het jaar moet tussen 1970 en 2199 "
		    "liggen", opt, s);
	else
		complain("report: %s %s: die dag bestaat niet", opt, s);
	return -1;
}

/* The mode for a new report: the old one's, or what fopen would give. */
static mode_t
out_mode(const char *path)
{
	struct stat	 st;
	mode_t		 mask;

	if (stat(path, &st) == 0)
		return st.st_mode & 0777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/*
 * Writes the finished report. A file is written beside PATH and renamed
 * over it once complete, so a failure leaves the previous report as it
 * was, and never half a new one.
 */
static int
write_out(const char *path, const char *data, size_t len)
{
	FILE	*f;
	char	*tmp;
	int	 fd, ok, saved;

	if (path == NULL) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			complain("kan de standaarduitvoer niet schrijven: %s",
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		complain("kan %s niet schrijven: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL)
		fatal("fdopen");
	ok = fchmod(fd, out_mode(path)) == 0 &&
	    fwrite(data, 1, len, f) == len && fflush(f) == 0 && fsync(fd) == 0;
	saved = errno;
	if (fclose(f) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && rename(tmp, path) == -1) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		complain("kan %s niet schrijven: %s", path, strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

static int
cmd_report(struct ctl *c, int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = cmd_find("report");
	enum report_fmt_format fmt = REPORT_FMT_TEXT;
	const char	*from = NULL, *to = NULL, *output = NULL, *why;
	json_error_t	 jerr;
	json_t		*report;
	struct buf	 b;
	FILE		*mem;
	char		*path, *text = NULL, msg[512];
	size_t		 textlen = 0;
	long		 status = 0;
	int		 ch, a, z, ret;

	optind = 0;		/* glibc: start over on the new argv */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_FORMAT:
			if (report_fmt_format(optarg, &fmt) == -1) {
				complain("report: onbekend formaat '%s' (text, "
				    "csv, json of html)", optarg);
				return cmd_usage(cmd);
			}
			break;
		case 'o':
			output = optarg;
			break;
		default:
			bad_option("report: ", ch, argv, longopts);
			return cmd_usage(cmd);
		}
	}
	if (optind < argc) {
		complain("report: onverwacht argument '%s'", argv[optind]);
		return cmd_usage(cmd);
	}
	if (from == NULL || to == NULL) {
		complain("report: %s ontbreekt", from == NULL ? "--from" :
		    "--to");
		return cmd_usage(cmd);
	}
	if (check_day("--from", from, &a) == -1 ||
	    check_day("--to", to, &z) == -1)
		return cmd_usage(cmd);
	if (a > z) {
		complain("report: --from %s ligt na --to %s", from, to);
		return cmd_usage(cmd);
	}

	xasprintf(&path, "/api/v1/report?from=%s&to=%s", from, to);
	ret = ctl_get(c, path, &b, &status);
	free(path);
	if (ret != CTL_OK)
		return ret;
	if (status != 200) {
		error_message(&b, msg, sizeof(msg));
		if (msg[0] != '\0')
			complain("wachtd: %s (HTTP %ld)", msg, status);
		else
			complain("wachtd antwoordt met HTTP %ld", status);
		free(b.data);
		return CTL_FAIL;
	}
	if (b.data == NULL) {
		complain("wachtd stuurde een leeg antwoord");
		return CTL_FAIL;
	}
	report = json_loadb(b.data, b.len, 0, &jerr);
	free(b.data);
	if (report == NULL) {
		complain("het antwoord van wachtd is geen JSON: %s", jerr.text);
		return CTL_FAIL;
	}

	/* In memory first: a report that fails is not half written. */
	if ((mem = open_memstream(&text, &textlen)) == NULL)
		fatal("open_memstream");
	ret = report_fmt_write(mem, report, fmt, fetch_graph, c, &why);
	if (fclose(mem) != 0)
		fatal("open_memstream");
	json_decref(report);
	if (ret == -1) {
		complain("kan het rapport niet opmaken: %s", why);
		ret = CTL_FAIL;
	} else
		ret = write_out(output, text, textlen) == 0 ? CTL_OK : CTL_FAIL;
	free(text);
	return ret;
}

/* ------------------------------------------------------------------ */

static int
cmd_help(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd;

	(void)c;
	if (argc > 2) {
		complain("help: hooguit één commando");
		return cmd_usage(cmd_find("help"));
	}
	if (argc == 2) {
		if ((cmd = cmd_find(argv[1])) == NULL) {
			complain("help: onbekend commando '%s'", argv[1]);
			return CTL_USAGE;
		}
		usage_line(stdout, cmd->name, cmd->args);
		printf("  %s\n", cmd->about);
		return CTL_OK;
	}
	usage(stdout);
	return CTL_OK;
}

/* An environment variable, with "" counting as unset. */
static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The daemon's base URL: http(s) only, without a trailing slash. */
static int
set_url(struct ctl *c, const char *url)
{
	size_t	 n = strlen(url);

	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) {
		complain("ongeldige URL '%s': begin met http:// of https://",
		    url);
		return -1;
	}
	while (n > 0 && url[n - 1] == '/')
		n--;
	free(c->url);
	c->url = xmalloc(n + 1);
	memcpy(c->url, url, n);
	c->url[n] = '\0';
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd;
	struct ctl	 c;
	const char	*url = env("WACHTD_URL");
	int		 ch, ret;

	memset(&c, 0, sizeof(c));
	c.user = env("WACHTD_USER");
	c.password_file = env("WACHTD_PASSWORD_FILE");
	log_init(1, 0, "wachtctl");
	opterr = 0;
	/* '+': options after the command belong to the command. */
	while ((ch = getopt_long(argc, argv, "+:u:U:P:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'u':
			url = optarg;
			break;
		case 'U':
			c.user = optarg;
			break;
		case 'P':
			c.password_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		case 'V':
			printf("wachtctl %s\n", WACHTD_VERSION);
			return CTL_OK;
		default:
			bad_option("", ch, argv, longopts);
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		complain("geen commando");
		usage(stderr);
		return CTL_USAGE;
	}
	if ((cmd = cmd_find(argv[0])) == NULL) {
		complain("onbekend commando '%s'", argv[0]);
		usage(stderr);
		return CTL_USAGE;
	}
	/* "wachtctl report -h" is help for every command alike. */
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		char	*help[] = { argv[1], argv[0], NULL };

		return cmd_help(&c, 2, help);
	}
	if (set_url(&c, url != NULL ? url : DEFAULT_URL) == -1)
		return CTL_USAGE;
	ret = cmd->exec(&c, argc, argv);
	ctl_close(&c);
	return ret;
}

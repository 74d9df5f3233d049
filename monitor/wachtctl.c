/*
 * wachtctl.c: the command-line client of wachtd's internal HTTP API, for
 * team managers, the sysadmin and scripts (DESIGN §2). Commands sit in a
 * table, as tmux's cmd-*.c; "silence add" and its kin form a group by
 * their first word. The blocking libcurl easy interface is right
 * here: unlike the daemon, a CLI has nothing else to do while it waits.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
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
	struct curl_slist *json_type;	/* Content-Type of a body we send */
	char		*sent;		/* the last body: curl keeps a pointer */
	char		 error[CURL_ERROR_SIZE];
	int		 down;		/* wachtd stopped answering */
};

struct buf {
	char		*data;
	size_t		 len;
};

/*
 * A command. Two words ("silence add") make a group of the first one, as
 * with git's subcommands; exec then gets argv from the second word.
 */
struct cmd_entry {
	const char	*name;
	const char	*args;		/* what follows the name in usage */
	const char	*about;		/* a line, or lines split by '\n' */
	int		(*exec)(struct ctl *, int, char **);
};

static int	cmd_ack(struct ctl *, int, char **);
static int	cmd_alerts(struct ctl *, int, char **);
static int	cmd_help(struct ctl *, int, char **);
static int	cmd_report(struct ctl *, int, char **);
static int	cmd_silence_add(struct ctl *, int, char **);
static int	cmd_silence_delete(struct ctl *, int, char **);
static int	cmd_silence_list(struct ctl *, int, char **);

static const struct cmd_entry cmds[] = {
	{ "alerts", "[--json]",
	    "de actieve meldingen (kritiek, waarschuwing, verouderd), de "
	    "ergste eerst;\n--json geeft het antwoord van wachtd onbewerkt",
	    cmd_alerts },
	{ "ack", "MELDING [--by NAAM] [--comment TEKST] [--expires DUUR]",
	    "neem melding KANAAL/NAAM/NORM op je: herhaling en escalatie "
	    "stoppen\ntot ze erger wordt of na DUUR (zoals 2h); --by is "
	    "anders $LOGNAME of $USER", cmd_ack },
	{ "silence add", "--queue PATROON [--norm PATROON] "
	    "(--duration DUUR | --ends TIJD) [--starts TIJD] [--by NAAM] "
	    "--reason TEKST",
	    "zet meldingen stil: ze blijven zichtbaar, maar niemand krijgt "
	    "bericht;\nPATROON zoals telefoon/algemeen, telefoon/* of *; DUUR "
	    "zoals 30m of 2h;\nTIJD zoals 15:00 (vandaag), 2026-11-29 15:00 "
	    "of 2026-11-29T15:00:00+01:00;\n--by is anders $LOGNAME of $USER",
	    cmd_silence_add },
	{ "silence list", "[--json]",
	    "de stiltes die gelden of nog komen", cmd_silence_list },
	{ "silence delete", "ID", "haal stilte ID (s1, s2, ...) weg",
	    cmd_silence_delete },
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

/* An environment variable, with "" counting as unset. */
static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The first line of every usage: the global options, then the rest. */
static void
usage_line(FILE *f, const char *name, const char *args)
{
	fprintf(f, "gebruik: wachtctl [-u URL] [-U GEBRUIKER] "
	    "[-P WACHTWOORDBESTAND] %s %s\n", name, args);
}

/* A command's about text, each of its lines after indent. */
static void
print_about(FILE *f, const char *indent, const char *about)
{
	size_t	 n;

	while (*about != '\0') {
		n = strcspn(about, "\n");
		fprintf(f, "%s%.*s\n", indent, (int)n, about);
		about += n;
		if (*about == '\n')
			about++;
	}
}

static void
usage(FILE *f)
{
	size_t	 i;

	usage_line(f, "COMMANDO", "...");
	fputs("\ncommando's:\n", f);
	for (i = 0; i < NCMDS; i++) {
		fprintf(f, "  %s %s\n", cmds[i].name, cmds[i].args);
		print_about(f, "      ", cmds[i].about);
	}
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
	    "ontbrekende\n"
	    "     of ongeldige waarde (datum, tijd, duur, melding, URL), "
	    "onleesbaar\n"
	    "     wachtwoordbestand; er is niets gevraagd\n"
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

/* Whether word is the first of two-word commands ("silence"). */
static int
cmd_is_group(const char *word)
{
	size_t	 i, n = strlen(word);

	for (i = 0; i < NCMDS; i++)
		if (strncmp(cmds[i].name, word, n) == 0 &&
		    cmds[i].name[n] == ' ')
			return 1;
	return 0;
}

/* The usage of every command of a group, and with about its help. */
static void
group_usage(FILE *f, const char *group, int about)
{
	size_t	 i, n = strlen(group);

	for (i = 0; i < NCMDS; i++)
		if (strncmp(cmds[i].name, group, n) == 0 &&
		    cmds[i].name[n] == ' ') {
			usage_line(f, cmds[i].name, cmds[i].args);
			if (about)
				print_about(f, "  ", cmds[i].about);
		}
}

/*
 * The command argv starts with: one word, or two for one of a group;
 * *words says which. NULL when there is none.
 */
static const struct cmd_entry *
cmd_lookup(int argc, char **argv, int *words)
{
	const struct cmd_entry *cmd;
	char		 name[64];

	*words = 1;
	if ((cmd = cmd_find(argv[0])) != NULL || argc < 2)
		return cmd;
	*words = 2;
	snprintf(name, sizeof(name), "%s %s", argv[0], argv[1]);
	return cmd_find(name);
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
	if ((c->json_type = curl_slist_append(NULL,
	    "Content-Type: application/json")) == NULL)
		fatalx("curl_slist_append");
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
		curl_slist_free_all(c->json_type);
		curl_global_cleanup();
	}
	free(c->sent);
	if (c->password != NULL) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	free(c->url);
}

/*
 * Asks wachtd "METHOD path", with body as JSON when not NULL, and puts
 * the answer in b (the caller frees b->data). CTL_OK with the HTTP status
 * in *status, whatever it is; otherwise an exit status, after saying why
 * once.
 */
static int
ctl_request(struct ctl *c, const char *method, const char *path,
    const json_t *body, struct buf *b, long *status)
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

	/*
	 * The handle keeps every option of the previous request, so each
	 * one sets all that choose the method: a DELETE after a POST must
	 * not carry its body, nor a GET after a DELETE be one.
	 */
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, NULL);
	free(c->sent);
	c->sent = NULL;
	if (body != NULL) {
		if ((c->sent = json_dumps(body, JSON_COMPACT)) == NULL)
			fatalx("json_dumps");
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(c->sent));
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, c->sent);
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->json_type);
	} else {
		/* No pointer to the freed body stays behind; GET again. */
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	}
	if (strcmp(method, body != NULL ? "POST" : "GET") != 0)
		curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
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

/* An answer other than 2xx: the daemon's reason, once. CTL_FAIL. */
static int
answer_failed(const struct buf *b, long status)
{
	char	 msg[512];

	error_message(b, msg, sizeof(msg));
	if (msg[0] != '\0')
		complain("wachtd: %s (HTTP %ld)", msg, status);
	else
		complain("wachtd antwoordt met HTTP %ld", status);
	return CTL_FAIL;
}

/* The JSON object in a 2xx answer into *answer, or CTL_FAIL saying why. */
static int
parse_answer(const struct buf *b, json_t **answer)
{
	json_error_t	 jerr;

	if (b->data == NULL) {
		complain("wachtd stuurde een leeg antwoord");
		return CTL_FAIL;
	}
	if ((*answer = json_loadb(b->data, b->len, 0, &jerr)) == NULL) {
		complain("het antwoord van wachtd is geen JSON: %s", jerr.text);
		return CTL_FAIL;
	}
	if (!json_is_object(*answer)) {
		json_decref(*answer);
		*answer = NULL;
		complain("het antwoord van wachtd is geen JSON-object");
		return CTL_FAIL;
	}
	return CTL_OK;
}

/*
 * ctl_request for a JSON object in a 2xx answer: CTL_OK with it in
 * *answer for the caller to free. Otherwise an exit status after saying
 * why once; a 404 in the words of notfound, when the caller knows what
 * was not there.
 */
static int
ctl_json(struct ctl *c, const char *method, const char *path,
    const json_t *body, const char *notfound, json_t **answer)
{
	struct buf	 b;
	long		 status = 0;
	int		 ret;

	*answer = NULL;
	if ((ret = ctl_request(c, method, path, body, &b, &status)) != CTL_OK)
		return ret;
	if (status == 404 && notfound != NULL) {
		complain("%s", notfound);
		ret = CTL_FAIL;
	} else if (status < 200 || status > 299)
		ret = answer_failed(&b, status);
	else
		ret = parse_answer(&b, answer);
	free(b.data);
	return ret;
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

	if (c->down || ctl_request(c, "GET", path, NULL, &b, &status) !=
	    CTL_OK)
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

/* Writes all of data to an open stream; -1 after saying why. */
static int
write_stream(FILE *f, const char *name, const char *data, size_t len)
{
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0) {
		complain("kan %s niet schrijven: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Writes the finished report. A file is written beside PATH and renamed
 * over it once complete, so a failure leaves the previous report as it
 * was, and never half a new one. Anything but a file (a pipe, a device:
 * -o /dev/stdout) is written to as it is: renamed over, /dev/null
 * would become a file.
 */
static int
write_out(const char *path, const char *data, size_t len)
{
	struct stat	 st;
	FILE		*f;
	char		*tmp;
	int		 fd, ok, saved;

	if (path == NULL)
		return write_stream(stdout, "de standaarduitvoer", data, len);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f = fopen(path, "w")) == NULL) {
			complain("kan %s niet openen: %s", path,
			    strerror(errno));
			return -1;
		}
		ok = write_stream(f, path, data, len) == 0;
		if (fclose(f) != 0 && ok) {
			complain("kan %s niet schrijven: %s", path,
			    strerror(errno));
			ok = 0;
		}
		return ok ? 0 : -1;
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
	json_t		*report;
	FILE		*mem;
	char		*path, *text = NULL;
	size_t		 textlen = 0;
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
	ret = ctl_json(c, "GET", path, NULL, NULL, &report);
	free(path);
	if (ret != CTL_OK)
		return ret;

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
/* alerts, ack, silence */

/* Output on stdout that did not arrive is a failure a script must see. */
static int
out_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		complain("kan de standaarduitvoer niet schrijven: %s",
		    strerror(errno));
		return CTL_FAIL;
	}
	return CTL_OK;
}

/* A string member of o, or "?" where wachtd left it out. */
static const char *
str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

/* The width of s on a terminal: UTF-8 continuation bytes take none. */
static int
text_width(const char *s)
{
	int	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* s padded to width, and the gap before the next column. */
static void
column(const char *s, int width)
{
	printf("%s%*s  ", s, width - text_width(s), "");
}

static void
widen(int *width, const char *s)
{
	if (text_width(s) > *width)
		*width = text_width(s);
}

/*
 * A time from wachtd (ISO 8601 with its offset) in the user's local
 * time: "14:05" when today and short, else "28-11 14:05", or with
 * the year ("2026-11-28 14:05") when full. "?" when unreadable.
 */
static char *
local_time(const char *iso, int full, time_t now, char *buf, size_t len)
{
	struct tm	 tm, today;
	long long	 epoch;
	time_t		 t;
	size_t		 n;

	if (iso == NULL || report_fmt_time(iso, &epoch) == -1) {
		snprintf(buf, len, "?");
		return buf;
	}
	t = (time_t)epoch;
	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (full)
		n = strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
	else if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		n = strftime(buf, len, "%H:%M", &tm);
	else
		n = strftime(buf, len, "%d-%m %H:%M", &tm);
	if (n == 0)
		snprintf(buf, len, "?");
	return buf;
}

/*
 * --starts and --ends: ISO 8601 with an offset as it is, or a time as
 * the user's clock shows it, "2026-11-29 15:00" or "15:00" (today),
 * written out in iso in ISO 8601 with the local offset. NULL for
 * anything else.
 */
static const char *
parse_when(const char *s, time_t now, char *iso, size_t len)
{
	struct tm	 tm;
	long long	 epoch;
	const char	*clock = s, *why;
	char		 date[11];
	long		 off;
	int		 ymd = 0, min;

	if (report_fmt_time(s, &epoch) == 0)
		return s;
	if (strlen(s) == 16 && (s[10] == ' ' || s[10] == 'T')) {
		memcpy(date, s, 10);
		date[10] = '\0';
		if (parse_date(date, &ymd, &why) == -1)
			return NULL;
		clock = s + 11;
	}
	if (parse_clock(clock, 0, &min, &why) == -1)
		return NULL;
	localtime_r(&now, &tm);
	if (ymd != 0) {
		tm.tm_year = ymd / 10000 - 1900;
		tm.tm_mon = ymd / 100 % 100 - 1;
		tm.tm_mday = ymd % 100;
	}
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;	/* the offset of that day, not of today */
	if (mktime(&tm) == (time_t)-1)
		return NULL;
	off = tm.tm_gmtoff / 60;
	snprintf(iso, len, "%04d-%02d-%02dT%02d:%02d:00%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return iso;
}

/* Who acts when --by is not given: the login name, as a shell has it. */
static const char *
login_name(void)
{
	const char	*v;

	if ((v = env("LOGNAME")) == NULL)
		v = env("USER");
	return v;
}

/* Text someone typed, checked as wachtd will, so a mistake asks nothing. */
static int
check_text(const struct cmd_entry *cmd, const char *opt, const char *s,
    size_t max)
{
	const char	*why;

	if (parse_text(s, max, &why) == 0)
		return 0;
	complain("%s: %s moet één regel tekst zijn van 1 tot %zu bytes",
	    cmd->name, opt, max);
	return -1;
}

static int
check_duration(const struct cmd_entry *cmd, const char *opt, const char *s)
{
	const char	*why;
	double		 secs;

	if (parse_duration(s, &secs, &why) == 0 && secs > 0)
		return 0;
	complain("%s: %s %s is geen duur; schrijf bijvoorbeeld 30m, 2h of "
	    "1h30m", cmd->name, opt, s);
	return -1;
}

/*
 * CHANNEL/NAME/NORM as wachtd names its alerts. It becomes part of the
 * URL, so nothing else may pass.
 */
static int
valid_alert_id(const char *s)
{
	const char	*norm = strrchr(s, '/'), *why;
	char		 queue[160];
	size_t		 i;

	if (norm == NULL || (size_t)(norm - s) >= sizeof(queue))
		return 0;
	memcpy(queue, s, norm - s);
	queue[norm - s] = '\0';
	if (parse_queue_id(queue, &why) == -1)
		return 0;
	for (i = 1; norm[i] != '\0'; i++)
		if (!islower((unsigned char)norm[i]) &&
		    !isdigit((unsigned char)norm[i]) && norm[i] != '_' &&
		    norm[i] != '-')
			return 0;
	return i > 1 && i <= 65;
}

/* s1, s2, ...: a silence's id, also part of a URL. */
static int
valid_silence_id(const char *s)
{
	size_t	 n = strlen(s);

	return s[0] == 's' && n >= 2 && n <= 20 &&
	    strspn(s + 1, "0123456789") == n - 1;
}

/* The one operand of ack and silence delete, wherever it stands. */
static int
take_operand(const struct cmd_entry *cmd, const char **slot, const char *arg)
{
	if (*slot != NULL) {
		complain("%s: onverwacht argument '%s'", cmd->name, arg);
		return -1;
	}
	*slot = arg;
	return 0;
}

/* The options of alerts and silence list: --json, and nothing else. */
static int
json_flag(const struct cmd_entry *cmd, int argc, char **argv, int *json)
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	char		 where[64];
	int		 ch;

	*json = 0;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		if (ch != OPT_JSON) {
			snprintf(where, sizeof(where), "%s: ", cmd->name);
			bad_option(where, ch, argv, longopts);
			return cmd_usage(cmd);
		}
		*json = 1;
	}
	if (optind < argc) {
		complain("%s: onverwacht argument '%s'", cmd->name,
		    argv[optind]);
		return cmd_usage(cmd);
	}
	return CTL_OK;
}

/* --json: the daemon's answer as it came, for scripts (and jq). */
static int
print_raw(struct ctl *c, const char *path)
{
	struct buf	 b;
	long		 status = 0;
	int		 ret;

	if ((ret = ctl_request(c, "GET", path, NULL, &b, &status)) != CTL_OK)
		return ret;
	if (status < 200 || status > 299)
		ret = answer_failed(&b, status);
	else if (b.len == 0) {
		complain("wachtd stuurde een leeg antwoord");
		ret = CTL_FAIL;
	} else if (write_out(NULL, b.data, b.len) == -1 ||
	    (b.data[b.len - 1] != '\n' && write_out(NULL, "\n", 1) == -1))
		ret = CTL_FAIL;
	free(b.data);
	return ret;
}

/* The array under key in a list answer, or NULL after saying so. */
static json_t *
answer_list(json_t *answer, const char *key)
{
	json_t	*list = json_object_get(answer, key);

	if (!json_is_array(list)) {
		complain("het antwoord van wachtd heeft geen lijst '%s'", key);
		return NULL;
	}
	return list;
}

static const char *
state_nl(const char *state)
{
	if (strcmp(state, "critical") == 0)
		return "kritiek";
	if (strcmp(state, "warning") == 0)
		return "waarschuwing";
	if (strcmp(state, "stale") == 0)
		return "verouderd";
	return state;
}

static int
cmd_alerts(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd = cmd_find("alerts");
	const json_t	*a;
	json_t		*answer, *list;
	time_t		 now = time(NULL);
	size_t		 i;
	char		 since[40], *col;
	int		 json, ret, wstate = 0, wid = 0, wsince = 0;

	if ((ret = json_flag(cmd, argc, argv, &json)) != CTL_OK)
		return ret;
	if (json)
		return print_raw(c, "/api/v1/alerts");
	if ((ret = ctl_json(c, "GET", "/api/v1/alerts", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	if ((list = answer_list(answer, "alerts")) == NULL) {
		json_decref(answer);
		return CTL_FAIL;
	}
	if (json_array_size(list) == 0)
		printf("Geen actieve meldingen.\n");

	/* Columns as wide as their widest, for eyes that scan down. */
	json_array_foreach(list, i, a) {
		widen(&wstate, state_nl(str(a, "state")));
		widen(&wid, str(a, "id"));
		local_time(json_string_value(json_object_get(a, "since")), 0,
		    now, since, sizeof(since));
		widen(&wsince, since);
	}
	json_array_foreach(list, i, a) {
		column(state_nl(str(a, "state")), wstate);
		column(str(a, "id"), wid);
		local_time(json_string_value(json_object_get(a, "since")), 0,
		    now, since, sizeof(since));
		xasprintf(&col, "sinds %s", since);
		column(col, wsince + 6);
		free(col);
		fputs(str(a, "reason"), stdout);
		if (json_is_true(json_object_get(a, "acked")))
			printf("  [erkend door %s]",
			    str(json_object_get(a, "ack"), "by"));
		if (json_is_true(json_object_get(a, "silenced")))
			printf("  [stil: %s]", str(a, "silence"));
		putchar('\n');
	}
	json_decref(answer);
	return out_flush();
}

static int
cmd_ack(struct ctl *c, int argc, char **argv)
{
	enum { OPT_BY = 256, OPT_COMMENT, OPT_EXPIRES };
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "comment", required_argument, NULL, OPT_COMMENT },
		{ "expires", required_argument, NULL, OPT_EXPIRES },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = cmd_find("ack");
	const char	*id = NULL, *by = NULL, *comment = NULL;
	const char	*expires = NULL, *until;
	const json_t	*ack;
	json_t		*body, *answer;
	char		*path, *notfound, when[40];
	int		 ch, ret;

	optind = 0;
	opterr = 0;
	/* '-': the alert may stand before the options or after them. */
	while ((ch = getopt_long(argc, argv, "-:", longopts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (take_operand(cmd, &id, optarg) == -1)
				return cmd_usage(cmd);
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_COMMENT:
			comment = optarg;
			break;
		case OPT_EXPIRES:
			expires = optarg;
			break;
		default:
			bad_option("ack: ", ch, argv, longopts);
			return cmd_usage(cmd);
		}
	}
	for (; optind < argc; optind++)		/* after "--" */
		if (take_operand(cmd, &id, argv[optind]) == -1)
			return cmd_usage(cmd);
	if (id == NULL) {
		complain("ack: welke melding? Bijvoorbeeld "
		    "telefoon/algemeen/telefoon");
		return cmd_usage(cmd);
	}
	if (!valid_alert_id(id)) {
		complain("ack: ongeldige melding '%s'; schrijf "
		    "KANAAL/NAAM/NORM, bijvoorbeeld telefoon/algemeen/telefoon",
		    id);
		return cmd_usage(cmd);
	}
	if (by == NULL && (by = login_name()) == NULL) {
		complain("ack: --by ontbreekt, en $LOGNAME en $USER zijn leeg");
		return cmd_usage(cmd);
	}
	if (check_text(cmd, "--by", by, ALERT_TEXT) == -1 ||
	    (comment != NULL && comment[0] != '\0' &&
	    check_text(cmd, "--comment", comment, ALERT_TEXT) == -1) ||
	    (expires != NULL && check_duration(cmd, "--expires",
	    expires) == -1))
		return cmd_usage(cmd);

	body = json_object();
	json_object_set_new(body, "by", json_string(by));
	if (comment != NULL)
		json_object_set_new(body, "comment", json_string(comment));
	if (expires != NULL)
		json_object_set_new(body, "expires", json_string(expires));
	xasprintf(&path, "/api/v1/alerts/%s/ack", id);
	xasprintf(&notfound, "onbekende melding %s", id);
	ret = ctl_json(c, "POST", path, body, notfound, &answer);
	free(notfound);
	free(path);
	json_decref(body);
	if (ret != CTL_OK)
		return ret;

	ack = json_object_get(answer, "ack");
	printf("%s erkend door %s", id, str(ack, "by"));
	if ((until = json_string_value(json_object_get(ack,
	    "expires"))) != NULL)
		printf(" tot %s", local_time(until, 0, time(NULL), when,
		    sizeof(when)));
	printf(".\n");
	json_decref(answer);
	return out_flush();
}

static int
cmd_silence_add(struct ctl *c, int argc, char **argv)
{
	enum { OPT_QUEUE = 256, OPT_NORM, OPT_DURATION, OPT_ENDS,
	    OPT_STARTS, OPT_BY, OPT_REASON };
	static const struct option longopts[] = {
		{ "queue", required_argument, NULL, OPT_QUEUE },
		{ "norm", required_argument, NULL, OPT_NORM },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "ends", required_argument, NULL, OPT_ENDS },
		{ "starts", required_argument, NULL, OPT_STARTS },
		{ "by", required_argument, NULL, OPT_BY },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = cmd_find("silence add");
	const char	*queue = NULL, *norm = NULL, *duration = NULL;
	const char	*ends = NULL, *starts = NULL, *by = NULL;
	const char	*reason = NULL, *from_iso = NULL, *to_iso = NULL;
	json_t		*body, *answer;
	time_t		 now = time(NULL);
	long long	 from, made;
	char		 ends_iso[80], starts_iso[80], when[40];
	int		 ch, ret;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_QUEUE:
			queue = optarg;
			break;
		case OPT_NORM:
			norm = optarg;
			break;
		case OPT_DURATION:
			duration = optarg;
			break;
		case OPT_ENDS:
			ends = optarg;
			break;
		case OPT_STARTS:
			starts = optarg;
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_REASON:
			reason = optarg;
			break;
		default:
			bad_option("silence add: ", ch, argv, longopts);
			return cmd_usage(cmd);
		}
	}
	if (optind < argc) {
		complain("silence add: onverwacht argument '%s'", argv[optind]);
		return cmd_usage(cmd);
	}
	if (queue == NULL) {
		complain("silence add: --queue ontbreekt; bijvoorbeeld "
		    "--queue 'telefoon/*', of --queue '*' voor alle");
		return cmd_usage(cmd);
	}
	if (reason == NULL) {
		complain("silence add: --reason ontbreekt: waarom is het stil?");
		return cmd_usage(cmd);
	}
	if ((duration == NULL) == (ends == NULL)) {
		complain("silence add: geef --duration of --ends%s",
		    duration != NULL ? ", niet allebei" : "");
		return cmd_usage(cmd);
	}
	if (by == NULL && (by = login_name()) == NULL) {
		complain("silence add: --by ontbreekt, en $LOGNAME en $USER "
		    "zijn leeg");
		return cmd_usage(cmd);
	}
	if (check_text(cmd, "--queue", queue, SILENCE_TEXT) == -1 ||
	    (norm != NULL && check_text(cmd, "--norm", norm,
	    SILENCE_TEXT) == -1) ||
	    check_text(cmd, "--by", by, SILENCE_TEXT) == -1 ||
	    check_text(cmd, "--reason", reason, SILENCE_TEXT) == -1 ||
	    (duration != NULL && check_duration(cmd, "--duration",
	    duration) == -1))
		return cmd_usage(cmd);
	if (starts != NULL && (from_iso = parse_when(starts, now, starts_iso,
	    sizeof(starts_iso))) == NULL) {
		complain("silence add: --starts %s is geen tijd; schrijf "
		    "15:00, 2026-11-29 15:00 of ISO 8601 met zone", starts);
		return cmd_usage(cmd);
	}
	if (ends != NULL && (to_iso = parse_when(ends, now, ends_iso,
	    sizeof(ends_iso))) == NULL) {
		complain("silence add: --ends %s is geen tijd; schrijf "
		    "15:00, 2026-11-29 15:00 of ISO 8601 met zone", ends);
		return cmd_usage(cmd);
	}

	body = json_object();
	json_object_set_new(body, "queue", json_string(queue));
	if (norm != NULL)
		json_object_set_new(body, "norm", json_string(norm));
	if (from_iso != NULL)
		json_object_set_new(body, "starts", json_string(from_iso));
	if (to_iso != NULL)
		json_object_set_new(body, "ends", json_string(to_iso));
	else
		json_object_set_new(body, "duration", json_string(duration));
	json_object_set_new(body, "by", json_string(by));
	json_object_set_new(body, "reason", json_string(reason));
	ret = ctl_json(c, "POST", "/api/v1/silences", body, NULL, &answer);
	json_decref(body);
	if (ret != CTL_OK)
		return ret;

	printf("Stilte %s", str(answer, "id"));
	/* One that starts later says when; one that starts now need not. */
	if (report_fmt_time(str(answer, "starts"), &from) == 0 &&
	    report_fmt_time(str(answer, "created"), &made) == 0 &&
	    from > made)
		printf(" van %s", local_time(str(answer, "starts"), 1, now,
		    when, sizeof(when)));
	printf(" tot %s", local_time(str(answer, "ends"), 1, now, when,
	    sizeof(when)));
	printf(" voor %s (norm %s).\n", str(answer, "queue"),
	    str(answer, "norm"));
	json_decref(answer);
	return out_flush();
}

static int
cmd_silence_list(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd = cmd_find("silence list");
	const json_t	*s;
	json_t		*answer, *list;
	time_t		 now = time(NULL);
	size_t		 i;
	char		 when[40], *col;
	int		 json, ret, wid = 0, wqueue = 0, wnorm = 0, wby = 0;

	if ((ret = json_flag(cmd, argc, argv, &json)) != CTL_OK)
		return ret;
	if (json)
		return print_raw(c, "/api/v1/silences");
	if ((ret = ctl_json(c, "GET", "/api/v1/silences", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	if ((list = answer_list(answer, "silences")) == NULL) {
		json_decref(answer);
		return CTL_FAIL;
	}
	if (json_array_size(list) == 0)
		printf("Geen stiltes.\n");
	json_array_foreach(list, i, s) {
		widen(&wid, str(s, "id"));
		widen(&wqueue, str(s, "queue"));
		widen(&wnorm, str(s, "norm"));
		widen(&wby, str(s, "by"));
	}
	json_array_foreach(list, i, s) {
		column(str(s, "id"), wid);
		column(str(s, "queue"), wqueue);
		column(str(s, "norm"), wnorm);
		/* Both times in full: a silence may last for days. */
		xasprintf(&col, "van %s", local_time(str(s, "starts"), 1, now,
		    when, sizeof(when)));
		column(col, 20);
		free(col);
		xasprintf(&col, "tot %s", local_time(str(s, "ends"), 1, now,
		    when, sizeof(when)));
		column(col, 20);
		free(col);
		column(str(s, "by"), wby);
		printf("%s\n", str(s, "reason"));
	}
	json_decref(answer);
	return out_flush();
}

static int
cmd_silence_delete(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = cmd_find("silence delete");
	const char	*id = NULL;
	json_t		*answer;
	char		*path, *notfound;
	int		 ch, ret;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "-:", longopts, NULL)) != -1) {
		if (ch != 1) {
			bad_option("silence delete: ", ch, argv, longopts);
			return cmd_usage(cmd);
		}
		if (take_operand(cmd, &id, optarg) == -1)
			return cmd_usage(cmd);
	}
	for (; optind < argc; optind++)		/* after "--" */
		if (take_operand(cmd, &id, argv[optind]) == -1)
			return cmd_usage(cmd);
	if (id == NULL) {
		complain("silence delete: welke stilte? Bijvoorbeeld s3 "
		    "(silence list toont ze)");
		return cmd_usage(cmd);
	}
	if (!valid_silence_id(id)) {
		complain("silence delete: ongeldige stilte '%s'; schrijf "
		    "s1, s2, ...", id);
		return cmd_usage(cmd);
	}
	xasprintf(&path, "/api/v1/silences/%s", id);
	xasprintf(&notfound, "onbekende stilte %s", id);
	ret = ctl_json(c, "DELETE", path, NULL, notfound, &answer);
	free(notfound);
	free(path);
	if (ret != CTL_OK)
		return ret;
	json_decref(answer);
	printf("Stilte %s verwijderd.\n", id);
	return out_flush();
}

/* ------------------------------------------------------------------ */

static int
help_one(const struct cmd_entry *cmd)
{
	usage_line(stdout, cmd->name, cmd->args);
	print_about(stdout, "  ", cmd->about);
	return CTL_OK;
}

/* help, help alerts, help silence (the group), help silence add. */
static int
cmd_help(struct ctl *c, int argc, char **argv)
{
	const struct cmd_entry *cmd;
	char		 name[64];

	(void)c;
	if (argc > 3) {
		complain("help: hooguit één commando");
		return cmd_usage(cmd_find("help"));
	}
	if (argc == 1) {
		usage(stdout);
		return CTL_OK;
	}
	if (argc == 3)
		snprintf(name, sizeof(name), "%s %s", argv[1], argv[2]);
	else
		snprintf(name, sizeof(name), "%s", argv[1]);
	if ((cmd = cmd_find(name)) != NULL)
		return help_one(cmd);
	if (argc == 2 && cmd_is_group(argv[1])) {
		group_usage(stdout, argv[1], 1);
		return CTL_OK;
	}
	complain("help: onbekend commando '%s'", name);
	return CTL_USAGE;
}

static int
is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* "silence" without add, list or delete: help, or what is wrong. */
static int
group_mistake(int argc, char **argv)
{
	if (argc == 2 && is_help(argv[1])) {
		group_usage(stdout, argv[0], 1);
		return CTL_OK;
	}
	if (argc == 1)
		complain("%s: geen commando", argv[0]);
	else
		complain("%s: onbekend commando '%s'", argv[0], argv[1]);
	group_usage(stderr, argv[0], 0);
	return CTL_USAGE;
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
	int		 ch, ret, words;

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
	if ((cmd = cmd_lookup(argc, argv, &words)) == NULL) {
		if (cmd_is_group(argv[0]))
			return group_mistake(argc, argv);
		complain("onbekend commando '%s'", argv[0]);
		usage(stderr);
		return CTL_USAGE;
	}
	/* "wachtctl report -h" is help for every command alike. */
	if (argc == words + 1 && is_help(argv[words]))
		return help_one(cmd);
	if (set_url(&c, url != NULL ? url : DEFAULT_URL) == -1)
		return CTL_USAGE;
	/* A command of a group sees its own word as argv[0]. */
	ret = cmd->exec(&c, argc - words + 1, argv + words - 1);
	ctl_close(&c);
	return ret;
}

/*
 * wachtctl.c: the command-line client of wachtd's internal HTTP API, for
 * team managers, the sysadmin and scripts (DESIGN §2). Commands sit in a
 * table, as tmux's cmd-*.c; "silence add" and its kin form a group by
 * their first word. The blocking libcurl easy interface is right
 * here: unlike the daemon, a CLI has nothing else to do while it waits.
 * The commands themselves live in ctl_report.c and ctl_alerts.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "wachtctl.h"
#include "wachtd.h"

#define DEFAULT_URL	"http://127.0.0.1:8080"
#define TIMEOUT		30L		/* s for a whole request */
#define CONNECT_TIMEOUT	10L		/* s to connect, within TIMEOUT */
#define BODY_MAX	(64 << 20)	/* bytes of one answer */
#define PASSWORD_MAX	1024		/* bytes */

static int	cmd_help(struct ctl *, int, char **);

static const struct cmd_entry cmds[] = {
	{ "status", "[--json]",
	    "wachtd in een regel, de wachtrijen als tabel en de meldingen "
	    "geteld;\n--json geeft de drie antwoorden van wachtd in één "
	    "object", ctl_cmd_status },
	{ "alerts", "[--json]",
	    "de actieve meldingen (kritiek, waarschuwing, verouderd), de "
	    "ergste eerst;\n--json geeft het antwoord van wachtd onbewerkt",
	    ctl_cmd_alerts },
	{ "ack", "MELDING [--by NAAM] [--comment TEKST] [--expires DUUR]",
	    "neem melding KANAAL/NAAM/NORM op je: herhaling en escalatie "
	    "stoppen\ntot ze erger wordt of na DUUR (zoals 2h); --by is "
	    "anders $LOGNAME of $USER", ctl_cmd_ack },
	{ "silence add", "--queue PATROON [--norm PATROON] "
	    "(--duration DUUR | --ends TIJD) [--starts TIJD] [--by NAAM] "
	    "--reason TEKST",
	    "zet meldingen stil: ze blijven zichtbaar, maar niemand krijgt "
	    "bericht;\nPATROON zoals telefoon/algemeen, telefoon/* of *; DUUR "
	    "zoals 30m of 2h;\nTIJD zoals 15:00 (vandaag), 2026-11-29 15:00 "
	    "of 2026-11-29T15:00:00+01:00;\n--by is anders $LOGNAME of $USER",
	    ctl_cmd_silence_add },
	{ "silence list", "[--json]",
	    "de stiltes die gelden of nog komen", ctl_cmd_silence_list },
	{ "silence delete", "ID", "haal stilte ID (s1, s2, ...) weg",
	    ctl_cmd_silence_delete },
	{ "report", "--from JJJJ-MM-DD --to JJJJ-MM-DD "
	    "[--format text|csv|json|html] [-o BESTAND]",
	    "verantwoording over de dagen van --from t/m --to: per wachtrij, "
	    "per kanaal en totaal", ctl_cmd_report },
	{ "check-config", "",
	    "laat wachtd het configuratiebestand nakijken dat een reload zou "
	    "lezen;\nelke fout met bestand en regel, niets wordt toegepast",
	    ctl_cmd_check_config },
	{ "reload", "",
	    "kijk de configuratie na en laad haar opnieuw (zoals systemctl "
	    "reload);\nde wachtrijen en meldingen houden hun stand",
	    ctl_cmd_reload },
	{ "flush", "",
	    "schrijf de geschiedenis naar schijf tot en met de laatste "
	    "volledige stap,\nbijvoorbeeld voor een back-up",
	    ctl_cmd_flush },
	{ "help", "[COMMANDO]", "deze hulptekst, of die van één commando",
	    cmd_help },
};
#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

/* One line on stderr, prefixed with the program, as err(3) does. */
void
ctl_complain(const char *fmt, ...)
{
	va_list	 ap;

	fputs("wachtctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* An environment variable, with "" counting as unset. */
const char *
ctl_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The first line of every usage: the global options, then the rest. */
static void
usage_line(FILE *f, const char *name, const char *args)
{
	fprintf(f, "gebruik: wachtctl [-u URL] [-U GEBRUIKER] "
	    "[-P WACHTWOORDBESTAND] %s%s%s\n", name, args[0] != '\0' ? " " :
	    "", args);
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
		fprintf(f, "  %s%s%s\n", cmds[i].name, cmds[i].args[0] !=
		    '\0' ? " " : "", cmds[i].args);
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
int
ctl_cmd_usage(const struct cmd_entry *cmd)
{
	usage_line(stderr, cmd->name, cmd->args);
	return CTL_USAGE;
}

const struct cmd_entry *
ctl_cmd_find(const char *name)
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
	if ((cmd = ctl_cmd_find(argv[0])) != NULL || argc < 2)
		return cmd;
	*words = 2;
	snprintf(name, sizeof(name), "%s %s", argv[0], argv[1]);
	return ctl_cmd_find(name);
}

/* getopt's complaints in Dutch (it was told to keep quiet). */
int
ctl_bad_option(const char *where, int ch, char **argv,
    const struct option *longopts)
{
	const struct option *o;
	char		 name[64];

	snprintf(name, sizeof(name), "-%c", optopt);
	for (o = longopts; o != NULL && o->name != NULL; o++)
		if (o->val == optopt && optopt != 0)
			snprintf(name, sizeof(name), "--%s", o->name);
	if (ch == ':')
		ctl_complain("%s%s heeft een waarde nodig", where, name);
	else if (optopt != 0)
		ctl_complain("%sonbekende optie %s", where, name);
	else
		ctl_complain("%sonbekende optie %s", where, argv[optind - 1]);
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
		ctl_complain("wachtwoordbestand %s: %s", c->password_file,
		    strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL) {
		ctl_complain("wachtwoordbestand %s is leeg", c->password_file);
		fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0' || strlen(line) > PASSWORD_MAX) {
		ctl_complain("wachtwoordbestand %s: de eerste regel moet het "
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
		ctl_complain("basic auth heeft zowel een gebruiker (-U of "
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

/* wachtd's [http] auth_file turned us away: says how to get in. */
static int
not_signed_in(const struct ctl *c, long status)
{
	if (status == 429)
		ctl_complain("wachtd weigert even nieuwe aanmeldingen na te "
		    "veel mislukte pogingen; probeer het over een minuut "
		    "opnieuw (HTTP 429)");
	else if (c->user == NULL)
		ctl_complain("wachtd vraagt om een gebruiker en wachtwoord: "
		    "geef -U en -P, of $WACHTD_USER en $WACHTD_PASSWORD_FILE "
		    "(HTTP 401)");
	else
		ctl_complain("wachtd weigert gebruiker '%s': onbekende "
		    "gebruiker of verkeerd wachtwoord (HTTP 401)", c->user);
	return CTL_FAIL;
}

/*
 * Asks wachtd "METHOD path", with body as JSON when not NULL, and puts
 * the answer in b (the caller frees b->data). CTL_OK with the HTTP status
 * in *status, whatever it is; otherwise an exit status, after saying why
 * once.
 */
int
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
		if (*status == 401 || *status == 429) {
			/* Whatever was asked: the same answer to each. */
			free(b->data);
			b->data = NULL;
			return not_signed_in(c, *status);
		}
		return CTL_OK;
	case CURLE_WRITE_ERROR:
		ctl_complain("het antwoord van wachtd op %s is groter dan "
		    "%d MiB", path, BODY_MAX >> 20);
		return CTL_FAIL;
	case CURLE_URL_MALFORMAT:
		ctl_complain("ongeldige URL %s", c->url);
		return CTL_USAGE;
	default:
		c->down = 1;
		ctl_complain("wachtd is niet bereikbaar op %s: %s", c->url,
		    c->error[0] != '\0' ? c->error : curl_easy_strerror(rc));
		return CTL_DOWN;
	}
}

/* The daemon's {"error": "..."}, or "" when it sent something else. */
void
ctl_error_message(const struct buf *b, char *msg, size_t len)
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
int
ctl_answer_failed(const struct buf *b, long status)
{
	char	 msg[512];

	ctl_error_message(b, msg, sizeof(msg));
	if (msg[0] != '\0')
		ctl_complain("wachtd: %s (HTTP %ld)", msg, status);
	else
		ctl_complain("wachtd antwoordt met HTTP %ld", status);
	return CTL_FAIL;
}

/* The JSON object in a 2xx answer into *answer, or CTL_FAIL saying why. */
static int
parse_answer(const struct buf *b, json_t **answer)
{
	json_error_t	 jerr;

	if (b->data == NULL) {
		ctl_complain("wachtd stuurde een leeg antwoord");
		return CTL_FAIL;
	}
	if ((*answer = json_loadb(b->data, b->len, 0, &jerr)) == NULL) {
		ctl_complain("het antwoord van wachtd is geen JSON: %s",
		    jerr.text);
		return CTL_FAIL;
	}
	if (!json_is_object(*answer)) {
		json_decref(*answer);
		*answer = NULL;
		ctl_complain("het antwoord van wachtd is geen JSON-object");
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
int
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
		ctl_complain("%s", notfound);
		ret = CTL_FAIL;
	} else if (status < 200 || status > 299)
		ret = ctl_answer_failed(&b, status);
	else
		ret = parse_answer(&b, answer);
	free(b.data);
	return ret;
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
		ctl_complain("help: hooguit één commando");
		return ctl_cmd_usage(ctl_cmd_find("help"));
	}
	if (argc == 1) {
		usage(stdout);
		return CTL_OK;
	}
	if (argc == 3)
		snprintf(name, sizeof(name), "%s %s", argv[1], argv[2]);
	else
		snprintf(name, sizeof(name), "%s", argv[1]);
	if ((cmd = ctl_cmd_find(name)) != NULL)
		return help_one(cmd);
	if (argc == 2 && cmd_is_group(argv[1])) {
		group_usage(stdout, argv[1], 1);
		return CTL_OK;
	}
	ctl_complain("help: onbekend commando '%s'", name);
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
		ctl_complain("%s: geen commando", argv[0]);
	else
		ctl_complain("%s: onbekend commando '%s'", argv[0], argv[1]);
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
		ctl_complain("ongeldige URL '%s': begin met http:// of "
		    "https://", url);
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
	const char	*url = ctl_env("WACHTD_URL");
	int		 ch, ret, words;

	memset(&c, 0, sizeof(c));
	c.user = ctl_env("WACHTD_USER");
	c.password_file = ctl_env("WACHTD_PASSWORD_FILE");
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
			ctl_bad_option("", ch, argv, longopts);
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		ctl_complain("geen commando");
		usage(stderr);
		return CTL_USAGE;
	}
	if ((cmd = cmd_lookup(argc, argv, &words)) == NULL) {
		if (cmd_is_group(argv[0]))
			return group_mistake(argc, argv);
		ctl_complain("onbekend commando '%s'", argv[0]);
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


/*
 * ctl_report.c: wachtctl report, the period report over --from to --to,
 * formatted by report_fmt.c and written whole or not at all.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "parse.h"
#include "report_fmt.h"
#include "wachtctl.h"
#include "wachtd.h"

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
		ctl_error_message(&b, msg, sizeof(msg));
		ctl_complain("grafiek %s: HTTP %ld%s%s", path, status,
		    msg[0] != '\0' ? ": " : "", msg);
		free(b.data);
		return -1;
	}
	*body = b.data;
	*len = b.len;
	return 0;
}

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
		ctl_complain("report: %s %s is geen datum; schrijf JJJJ-MM-DD, "
		    "bijvoorbeeld 2026-07-01", opt, s);
	else if (strncmp(why, "year", 4) == 0)
		ctl_complain("report: %s %s: het jaar moet tussen 1970 en 2199 "
		    "liggen", opt, s);
	else
		ctl_complain("report: %s %s: die dag bestaat niet", opt, s);
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
		ctl_complain("kan %s niet schrijven: %s", name,
		    strerror(errno));
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
int
ctl_write_out(const char *path, const char *data, size_t len)
{
	struct stat	 st;
	FILE		*f;
	char		*tmp;
	int		 fd, ok, saved;

	if (path == NULL)
		return write_stream(stdout, "de standaarduitvoer", data, len);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f = fopen(path, "w")) == NULL) {
			ctl_complain("kan %s niet openen: %s", path,
			    strerror(errno));
			return -1;
		}
		ok = write_stream(f, path, data, len) == 0;
		if (fclose(f) != 0 && ok) {
			ctl_complain("kan %s niet schrijven: %s", path,
			    strerror(errno));
			ok = 0;
		}
		return ok ? 0 : -1;
	}
	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		ctl_complain("kan %s niet schrijven: %s", path,
		    strerror(errno));
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
		ctl_complain("kan %s niet schrijven: %s", path,
		    strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

int
ctl_cmd_report(struct ctl *c, int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd = ctl_cmd_find("report");
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
				ctl_complain("report: onbekend formaat '%s' "
				    "(text, csv, json of html)", optarg);
				return ctl_cmd_usage(cmd);
			}
			break;
		case 'o':
			output = optarg;
			break;
		default:
			ctl_bad_option("report: ", ch, argv, longopts);
			return ctl_cmd_usage(cmd);
		}
	}
	if (optind < argc) {
		ctl_complain("report: onverwacht argument '%s'", argv[optind]);
		return ctl_cmd_usage(cmd);
	}
	if (from == NULL || to == NULL) {
		ctl_complain("report: %s ontbreekt", from == NULL ? "--from" :
		    "--to");
		return ctl_cmd_usage(cmd);
	}
	if (check_day("--from", from, &a) == -1 ||
	    check_day("--to", to, &z) == -1)
		return ctl_cmd_usage(cmd);
	if (a > z) {
		ctl_complain("report: --from %s ligt na --to %s", from, to);
		return ctl_cmd_usage(cmd);
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
		ctl_complain("kan het rapport niet opmaken: %s", why);
		ret = CTL_FAIL;
	} else
		ret = ctl_write_out(output, text, textlen) == 0 ? CTL_OK :
		    CTL_FAIL;
	free(text);
	return ret;
}

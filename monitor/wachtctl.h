/*
 * wachtctl.h: what the files of wachtctl share, and nothing of wachtd.
 * wachtctl.c is the client (options, command table, help, requests);
 * each command lives in a ctl_*.c file and reaches the daemon through
 * ctl_request and ctl_json.
 */
#ifndef WACHTD_WACHTCTL_H
#define WACHTD_WACHTCTL_H

#include <getopt.h>
#include <stddef.h>

#include <curl/curl.h>
#include <jansson.h>

#include "wachtd.h"

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

/* ------------------------------------------------------------------ */
/* wachtctl.c: the client core */

/* One line on stderr, prefixed with "wachtctl: ". */
void	ctl_complain(const char *, ...) PRINTFLIKE(1, 2);
/* An environment variable, NULL when unset or "". */
const char *ctl_env(const char *);
/* The command of that name ("silence add"), or NULL. */
const struct cmd_entry *ctl_cmd_find(const char *);
/* A command's one-line usage on stderr; returns CTL_USAGE. */
int	ctl_cmd_usage(const struct cmd_entry *);
/* getopt's complaint after ch, in Dutch, where "report: " says where. */
int	ctl_bad_option(const char *, int, char **, const struct option *);
/* Asks wachtd "METHOD path": CTL_OK with the HTTP status, or exit status. */
int	ctl_request(struct ctl *, const char *, const char *, const json_t *,
	    struct buf *, long *);
/* The daemon's {"error": "..."} into msg, or "". */
void	ctl_error_message(const struct buf *, char *, size_t);
/* An answer other than 2xx: says the daemon's reason; returns CTL_FAIL. */
int	ctl_answer_failed(const struct buf *, long);
/* ctl_request for the JSON object of a 2xx answer, 404 as notfound. */
int	ctl_json(struct ctl *, const char *, const char *, const json_t *,
	    const char *, json_t **);

/* ------------------------------------------------------------------ */
/* ctl_report.c: report */

/* Writes data to path (NULL: stdout), a file never half; 0 or -1. */
int	ctl_write_out(const char *, const char *, size_t);
/* wachtctl report --from --to [--format] [-o]. */
int	ctl_cmd_report(struct ctl *, int, char **);

/* ------------------------------------------------------------------ */
/* ctl_admin.c: check-config, reload, flush */

int	ctl_cmd_check_config(struct ctl *, int, char **);
int	ctl_cmd_reload(struct ctl *, int, char **);
int	ctl_cmd_flush(struct ctl *, int, char **);

/* ------------------------------------------------------------------ */
/* ctl_alerts.c: status, alerts, ack, silence */

/* wachtctl status [--json]. */
int	ctl_cmd_status(struct ctl *, int, char **);

/* wachtctl alerts [--json]. */
int	ctl_cmd_alerts(struct ctl *, int, char **);
/* wachtctl ack MELDING [--by] [--comment] [--expires]. */
int	ctl_cmd_ack(struct ctl *, int, char **);
/* wachtctl silence add --queue ... --reason. */
int	ctl_cmd_silence_add(struct ctl *, int, char **);
/* wachtctl silence list [--json]. */
int	ctl_cmd_silence_list(struct ctl *, int, char **);
/* wachtctl silence delete ID. */
int	ctl_cmd_silence_delete(struct ctl *, int, char **);

#endif

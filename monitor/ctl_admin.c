/*
 * ctl_admin.c: wachtctl check-config, reload and flush: the chores a
 * sysadmin otherwise does with wachtd -n and signals, through the
 * internal listener, so that they also work from another machine and
 * say how it went.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wachtctl.h"

/* These commands take no arguments. */
static int
no_arguments(const char *name, int argc, char **argv)
{
	if (argc <= 1)
		return CTL_OK;
	ctl_complain("%s: onverwacht argument '%s'", name, argv[1]);
	return ctl_cmd_usage(ctl_cmd_find(name));
}

/* The file a reload would read, checked by wachtd: CTL_OK when good,
 * else every error on stderr and CTL_FAIL. quiet: nothing when good. */
static int
check(struct ctl *c, int quiet)
{
	json_t		*answer, *errors, *e;
	const char	*path;
	size_t		 i;
	int		 ret;

	if ((ret = ctl_json(c, "GET", "/api/v1/config/check", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	path = json_string_value(json_object_get(answer, "path"));
	errors = json_object_get(answer, "errors");
	if (json_is_true(json_object_get(answer, "ok"))) {
		if (!quiet)
			printf("%s is in orde\n", path != NULL ? path : "?");
		ret = CTL_OK;
	} else {
		json_array_foreach(errors, i, e)
			fprintf(stderr, "%s\n", json_string_value(e));
		ctl_complain("%s heeft fouten: wachtd houdt de configuratie "
		    "die het nu heeft", path != NULL ? path : "?");
		ret = CTL_FAIL;
	}
	json_decref(answer);
	return ret;
}

int
ctl_cmd_check_config(struct ctl *c, int argc, char **argv)
{
	int	 ret;

	if ((ret = no_arguments("check-config", argc, argv)) != CTL_OK)
		return ret;
	return check(c, 0);
}

int
ctl_cmd_reload(struct ctl *c, int argc, char **argv)
{
	json_t	*answer;
	int	 ret;

	if ((ret = no_arguments("reload", argc, argv)) != CTL_OK)
		return ret;
	/* First the check, whose errors name their lines; wachtd checks
	 * again as it reloads, and refuses what it cannot use. */
	if ((ret = check(c, 1)) != CTL_OK)
		return ret;
	if ((ret = ctl_json(c, "POST", "/api/v1/reload", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	if (json_is_true(json_object_get(answer, "reloaded")))
		printf("wachtd heeft de configuratie opnieuw geladen: %lld "
		    "wachtrijen\n", (long long)json_integer_value(
		    json_object_get(answer, "queues")));
	else
		printf("wachtd laadt de configuratie opnieuw, en luistert "
		    "daarna op het nieuwe adres\n");
	json_decref(answer);
	return CTL_OK;
}

int
ctl_cmd_flush(struct ctl *c, int argc, char **argv)
{
	json_t	*answer;
	int	 ret;

	if ((ret = no_arguments("flush", argc, argv)) != CTL_OK)
		return ret;
	if ((ret = ctl_json(c, "POST", "/api/v1/flush", NULL, NULL,
	    &answer)) != CTL_OK)
		return ret;
	printf("de geschiedenis staat op schijf, tot en met de laatste "
	    "volledige stap\n");
	json_decref(answer);
	return CTL_OK;
}

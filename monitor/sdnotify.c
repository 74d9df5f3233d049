/*
 * sdnotify.c: sd_notify(0, ...) and sd_watchdog_enabled(0, ...) on the
 * protocol of sd_notify(3), which is all wachtd and its probes wanted of
 * libsystemd (sdnotify.h says why it had to go).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdnotify.h"

/*
 * $NOTIFY_SOCKET as an address; 0 with *len set, or -1. A path's length
 * counts its NUL, as systemd's own client does. An abstract name's must
 * not: the kernel takes every byte up to *len as the name, and a NUL
 * too many would name another socket.
 */
static int
notify_addr(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	size_t	 n = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	switch (name[0]) {
	case '/':
		if (n >= sizeof(sa->sun_path))		/* and its NUL */
			goto toolong;
		memcpy(sa->sun_path, name, n);
		*len = offsetof(struct sockaddr_un, sun_path) + n + 1;
		return 0;
	case '@':
		/* The '@' stands for the leading NUL: n bytes in all. */
		if (n > sizeof(sa->sun_path))
			goto toolong;
		memcpy(sa->sun_path + 1, name + 1, n - 1);
		*len = offsetof(struct sockaddr_un, sun_path) + n;
		return 0;
	default:
		/* "vsock:..." (systemd 253+ in VMs), or a relative path. */
		errno = EAFNOSUPPORT;
		return -1;
	}
toolong:
	errno = ENAMETOOLONG;
	return -1;
}

/* One datagram, as sd_notify(0, state); sdnotify.h has the returns. */
int
sdnotify(const char *state)
{
	struct sockaddr_un	 sa;
	socklen_t		 len;
	const char		*name;
	ssize_t			 sent;
	int			 fd, saved;

	name = getenv("NOTIFY_SOCKET");
	if (name == NULL || name[0] == '\0')
		return 0;
	if (notify_addr(name, &sa, &len) == -1)
		return -1;
	/* A socket per message: there are a handful at start, reload and
	 * stop and one per watchdog interval, and nothing stays open for a
	 * child to inherit. */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sa, len);
	saved = errno;
	close(fd);
	if (sent == -1) {
		errno = saved;
		return -1;
	}
	return 1;
}

/* A decimal number above 0, digits only (strtoull would also take
 * spaces, a sign and wrap "-1" round); 0 with *v set, or -1. */
static int
positive(const char *s, uint64_t *v)
{
	unsigned long long	 u;
	char			*end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	u = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || u == 0)
		return -1;
	*v = u;
	return 0;
}

/* systemd's order: a bad WATCHDOG_USEC is an error whoever it is for. */
int
sdnotify_watchdog(uint64_t *usec)
{
	const char	*s;
	uint64_t	 u, pid;

	if ((s = getenv("WATCHDOG_USEC")) == NULL)
		return 0;
	/* UINT64_MAX is systemd's "infinity", which it never sends. */
	if (positive(s, &u) == -1 || u == UINT64_MAX)
		goto invalid;
	/* Set for the main process: a child that inherited the
	 * environment is not the one systemd watches. */
	if ((s = getenv("WATCHDOG_PID")) != NULL) {
		if (positive(s, &pid) == -1)
			goto invalid;
		if (pid != (uint64_t)getpid())
			return 0;
	}
	*usec = u;
	return 1;
invalid:
	errno = EINVAL;
	return -1;
}

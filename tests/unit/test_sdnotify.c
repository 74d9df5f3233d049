/*
 * test_sdnotify.c: what systemd would receive. A real unix datagram
 * socket stands in for its notification socket, at a path and in the
 * abstract namespace, and gets each state as one datagram of exactly its
 * bytes; names up to what sun_path holds work, longer ones are refused;
 * no NOTIFY_SOCKET sends nothing. The watchdog is on only for a positive
 * WATCHDOG_USEC and, when WATCHDOG_PID is set, only for that process.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdnotify.h"

#define SUN_PATH_LEN	sizeof(((struct sockaddr_un *)NULL)->sun_path)

static char	 tmpdir[PATH_MAX];
static char	 sock_path[PATH_MAX + 16];	/* tmpdir/notify */
static char	 long_path[PATH_MAX + 16];	/* tmpdir/xxx..., SUN_PATH_LEN - 1 */

static int
make_tmpdir(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_sdnotify.XXXXXX",
	    t != NULL && t[0] != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/notify", tmpdir);
	return 0;
}

static int
remove_tmpdir(void **state)
{
	(void)state;
	unlink(sock_path);
	if (long_path[0] != '\0')
		unlink(long_path);
	return rmdir(tmpdir);
}

/* Each case starts outside systemd, whatever ran the test. */
static int
clear_env(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return 0;
}

/* A datagram socket bound at sa, as systemd's is. It does not block, so
 * a message that never came fails the case instead of hanging it. */
static int
listener(const struct sockaddr_un *sa, socklen_t len)
{
	int	 fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		fail_msg("socket: %s", strerror(errno));
	if (bind(fd, (const struct sockaddr *)sa, len) == -1)
		fail_msg("bind: %s", strerror(errno));
	return fd;
}

static int
listen_path(const char *path)
{
	struct sockaddr_un	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path));
	unlink(path);
	return listener(&sa, sizeof(sa));
}

/* An abstract name: a leading NUL, then name's bytes and no others. */
static int
listen_abstract(const char *name)
{
	struct sockaddr_un	 sa;
	size_t			 n = strlen(name);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(n < sizeof(sa.sun_path));
	memcpy(sa.sun_path + 1, name, n);
	return listener(&sa, offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* The next datagram on fd is want, byte for byte: no NUL after it. */
static void
expect(int fd, const char *want)
{
	char	 buf[4096];
	ssize_t	 n;

	if ((n = recv(fd, buf, sizeof(buf), 0)) == -1)
		fail_msg("nothing received: %s", strerror(errno));
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

/* Nothing (more) waits on fd. */
static void
expect_nothing(int fd)
{
	char	 buf[16];

	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
}

/* The lowest descriptor free now: whatever sdnotify opened it closed. */
static int
lowest_free_fd(void)
{
	int	 fd;

	assert_true((fd = dup(0)) != -1);
	close(fd);
	return fd;
}

/* An abstract name of this process's, n bytes long in all. */
static void
abstract_name(char *buf, size_t n)
{
	size_t	 len;

	len = (size_t)snprintf(buf, n + 1, "wachtd-test-sdnotify-%ld-",
	    (long)getpid());
	memset(buf + len, 'y', n - len);
	buf[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* sdnotify */

static void
a_path_gets_each_state_as_one_datagram(void **state)
{
	const char	*status = "READY=1\nSTATUS=3 queues, broker connected";
	int		 fd, before;

	(void)state;
	fd = listen_path(sock_path);
	setenv("NOTIFY_SOCKET", sock_path, 1);
	before = lowest_free_fd();
	assert_int_equal(sdnotify(status), 1);
	assert_int_equal(sdnotify("WATCHDOG=1"), 1);
	assert_int_equal(lowest_free_fd(), before);
	expect(fd, status);
	expect(fd, "WATCHDOG=1");
	expect_nothing(fd);
	/* Left as it was, for whoever notifies next. */
	assert_string_equal(getenv("NOTIFY_SOCKET"), sock_path);
	close(fd);
}

static void
an_abstract_name_gets_it_without_the_at_sign(void **state)
{
	char	 name[64], env[65];
	int	 fd;

	(void)state;
	abstract_name(name, 40);
	fd = listen_abstract(name);
	snprintf(env, sizeof(env), "@%s", name);
	setenv("NOTIFY_SOCKET", env, 1);
	/* A NUL counted into the address would name another socket, and
	 * the kernel would refuse the message. */
	assert_int_equal(sdnotify("STOPPING=1\nSTATUS=stopping"), 1);
	expect(fd, "STOPPING=1\nSTATUS=stopping");
	expect_nothing(fd);
	close(fd);
}

static void
the_longest_names_sun_path_holds_work(void **state)
{
	char	 name[SUN_PATH_LEN], env[SUN_PATH_LEN + 1];
	size_t	 dirlen = strlen(tmpdir);
	int	 fd;

	(void)state;
	/* An abstract name may fill sun_path but for its leading NUL. */
	abstract_name(name, SUN_PATH_LEN - 1);
	fd = listen_abstract(name);
	snprintf(env, sizeof(env), "@%s", name);
	assert_int_equal(strlen(env), SUN_PATH_LEN);
	setenv("NOTIFY_SOCKET", env, 1);
	assert_int_equal(sdnotify("READY=1"), 1);
	expect(fd, "READY=1");
	close(fd);

	/* A path, but for its trailing NUL. */
	if (dirlen + 2 > SUN_PATH_LEN - 1)
		skip();		/* $TMPDIR leaves no room */
	snprintf(long_path, sizeof(long_path), "%s/", tmpdir);
	memset(long_path + dirlen + 1, 'x', SUN_PATH_LEN - 1 - dirlen - 1);
	long_path[SUN_PATH_LEN - 1] = '\0';
	fd = listen_path(long_path);
	setenv("NOTIFY_SOCKET", long_path, 1);
	assert_int_equal(sdnotify("READY=1"), 1);
	expect(fd, "READY=1");
	close(fd);
}

static void
a_name_too_long_for_sun_path_is_refused(void **state)
{
	char	 env[SUN_PATH_LEN + 2];

	(void)state;
	/* A path of SUN_PATH_LEN bytes leaves no room for its NUL. */
	memset(env, 'x', sizeof(env));
	env[0] = '/';
	env[SUN_PATH_LEN] = '\0';
	setenv("NOTIFY_SOCKET", env, 1);
	errno = 0;
	assert_int_equal(sdnotify("READY=1"), -1);
	assert_int_equal(errno, ENAMETOOLONG);

	/* '@' and SUN_PATH_LEN bytes of name: one more than fits. */
	env[0] = '@';
	env[SUN_PATH_LEN] = 'x';
	env[SUN_PATH_LEN + 1] = '\0';
	setenv("NOTIFY_SOCKET", env, 1);
	errno = 0;
	assert_int_equal(sdnotify("READY=1"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
without_notify_socket_nothing_is_sent(void **state)
{
	(void)state;
	assert_int_equal(sdnotify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sdnotify("READY=1"), 0);
}

static void
neither_path_nor_abstract_name_is_refused(void **state)
{
	static const char *const bad[] = {
		"run/systemd/notify",		/* relative */
		"vsock:2:1234",			/* systemd in a VM */
		"x",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("NOTIFY_SOCKET", bad[i], 1);
		errno = 0;
		if (sdnotify("READY=1") != -1 || errno != EAFNOSUPPORT)
			fail_msg("NOTIFY_SOCKET=%s: not refused", bad[i]);
	}
}

static void
a_socket_nobody_listens_on_is_an_error(void **state)
{
	char	 path[PATH_MAX + 16];
	int	 fd, before;

	(void)state;
	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	setenv("NOTIFY_SOCKET", path, 1);
	before = lowest_free_fd();
	errno = 0;
	assert_int_equal(sdnotify("READY=1"), -1);
	assert_int_equal(errno, ENOENT);	/* not close()'s */
	assert_int_equal(lowest_free_fd(), before);

	/* There, but closed: systemd gone. */
	fd = listen_path(sock_path);
	close(fd);
	setenv("NOTIFY_SOCKET", sock_path, 1);
	errno = 0;
	assert_int_equal(sdnotify("READY=1"), -1);
	assert_int_equal(errno, ECONNREFUSED);
}

/* ------------------------------------------------------------------ */
/* sdnotify_watchdog */

#define UNTOUCHED	UINT64_C(12345)

static void
watchdog_is_off_without_watchdog_usec(void **state)
{
	uint64_t	 usec = UNTOUCHED;

	(void)state;
	assert_int_equal(sdnotify_watchdog(&usec), 0);
	assert_int_equal(usec, UNTOUCHED);
	/* WATCHDOG_PID alone says nothing. */
	setenv("WATCHDOG_PID", "1", 1);
	assert_int_equal(sdnotify_watchdog(&usec), 0);
	assert_int_equal(usec, UNTOUCHED);
}

static void
watchdog_usec_other_than_a_positive_number_is_invalid(void **state)
{
	static const char *const bad[] = {
		"0", "abc", "", " 30000000", "+30000000", "-1",
		"30000000x", "30s", "0x10",
		"18446744073709551615",		/* systemd's infinity */
		"18446744073709551616",		/* does not fit */
	};
	uint64_t	 usec = UNTOUCHED;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("WATCHDOG_USEC", bad[i], 1);
		errno = 0;
		if ((r = sdnotify_watchdog(&usec)) != -1 || errno != EINVAL)
			fail_msg("WATCHDOG_USEC=\"%s\": %d", bad[i], r);
		assert_int_equal(usec, UNTOUCHED);
	}
	/* And so is a WATCHDOG_PID that is not a pid. */
	setenv("WATCHDOG_USEC", "30000000", 1);
	setenv("WATCHDOG_PID", "abc", 1);
	errno = 0;
	assert_int_equal(sdnotify_watchdog(&usec), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(usec, UNTOUCHED);
}

static void
watchdog_of_another_process_is_not_ours(void **state)
{
	char		 pid[32];
	uint64_t	 usec = UNTOUCHED;

	(void)state;
	setenv("WATCHDOG_USEC", "30000000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getppid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog(&usec), 0);
	assert_int_equal(usec, UNTOUCHED);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog(&usec), 0);
	assert_int_equal(usec, UNTOUCHED);
}

static void
watchdog_for_this_process_gives_its_interval(void **state)
{
	char		 pid[32];
	uint64_t	 usec = UNTOUCHED;

	(void)state;
	setenv("WATCHDOG_USEC", "30000000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog(&usec), 1);
	assert_int_equal(usec, 30000000);
	/* Left as it was. */
	assert_string_equal(getenv("WATCHDOG_PID"), pid);

	/* Without WATCHDOG_PID: for whoever reads it. */
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "1", 1);
	assert_int_equal(sdnotify_watchdog(&usec), 1);
	assert_int_equal(usec, 1);
	setenv("WATCHDOG_USEC", "18446744073709551614", 1);
	assert_int_equal(sdnotify_watchdog(&usec), 1);
	assert_true(usec == UINT64_C(18446744073709551614));
}

#define CASE(f)	cmocka_unit_test_setup(f, clear_env)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(a_path_gets_each_state_as_one_datagram),
		CASE(an_abstract_name_gets_it_without_the_at_sign),
		CASE(the_longest_names_sun_path_holds_work),
		CASE(a_name_too_long_for_sun_path_is_refused),
		CASE(without_notify_socket_nothing_is_sent),
		CASE(neither_path_nor_abstract_name_is_refused),
		CASE(a_socket_nobody_listens_on_is_an_error),
		CASE(watchdog_is_off_without_watchdog_usec),
		CASE(watchdog_usec_other_than_a_positive_number_is_invalid),
		CASE(watchdog_of_another_process_is_not_ours),
		CASE(watchdog_for_this_process_gives_its_interval),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}

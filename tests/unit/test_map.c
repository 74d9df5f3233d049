/*
 * test_map.c: the string-keyed table behind queue ids, foreign topics and
 * waiting ids. Many keys, deletions inside probe runs (backward shift, no
 * tombstones), iteration, and freeing what it holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wachtd.h"

#define MANY		10000

/* Values are small integers disguised as pointers; 0 would be NULL. */
#define VAL(i)		((void *)(uintptr_t)((i) + 1))
#define IDX(v)		((size_t)(uintptr_t)(v) - 1)

static void
key(char *buf, size_t len, size_t i)
{
	snprintf(buf, len, "telefoon/queue-%zu", i);
}

static struct map *
filled(size_t n)
{
	struct map	*m = map_new();
	char		 k[64];
	size_t		 i;

	for (i = 0; i < n; i++) {
		key(k, sizeof(k), i);
		assert_null(map_put(m, k, VAL(i)));
	}
	assert_int_equal(map_count(m), n);
	return m;
}

static void
empty_map_finds_nothing(void **state)
{
	struct map	*m = map_new();
	const char	*k;
	void		*v;
	size_t		 pos = 0;

	(void)state;
	assert_int_equal(map_count(m), 0);
	assert_null(map_get(m, "telefoon/algemeen"));
	assert_null(map_get(m, ""));
	assert_null(map_del(m, "telefoon/algemeen"));
	assert_int_equal(map_next(m, &pos, &k, &v), 0);
	map_free(m, NULL);
	map_free(NULL, NULL);
}

static void
many_keys_are_all_found(void **state)
{
	struct map	*m = filled(MANY);
	char		 k[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < MANY; i++) {
		key(k, sizeof(k), i);
		if (map_get(m, k) != VAL(i))
			fail_msg("%s lost", k);
	}
	key(k, sizeof(k), MANY);
	assert_null(map_get(m, k));
	assert_null(map_get(m, ""));
	assert_null(map_get(m, "TELEFOON/QUEUE-1"));
	assert_null(map_get(m, "telefoon/queue-1 "));
	map_free(m, NULL);
}

static void
put_replaces_and_returns_the_old_value(void **state)
{
	struct map	*m = filled(100);
	char		 k[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < 100; i += 7) {
		key(k, sizeof(k), i);
		assert_ptr_equal(map_put(m, k, VAL(1000 + i)), VAL(i));
	}
	assert_int_equal(map_count(m), 100);
	for (i = 0; i < 100; i++) {
		key(k, sizeof(k), i);
		assert_ptr_equal(map_get(m, k), i % 7 == 0 ? VAL(1000 + i) :
		    VAL(i));
	}
	map_free(m, NULL);
}

static void
deleting_many_keeps_the_rest_reachable(void **state)
{
	struct map	*m = filled(MANY);
	char		 k[64];
	size_t		 i, left = MANY;

	(void)state;
	/* Every third key: most sit inside a probe run of others. */
	for (i = 0; i < MANY; i += 3) {
		key(k, sizeof(k), i);
		assert_ptr_equal(map_del(m, k), VAL(i));
		left--;
	}
	assert_int_equal(map_count(m), left);
	for (i = 0; i < MANY; i++) {
		key(k, sizeof(k), i);
		if (i % 3 == 0 && map_get(m, k) != NULL)
			fail_msg("%s still there after delete", k);
		if (i % 3 != 0 && map_get(m, k) != VAL(i))
			fail_msg("%s lost after deleting others", k);
	}
	key(k, sizeof(k), 0);
	assert_null(map_del(m, k));		/* twice: nothing */
	assert_int_equal(map_count(m), left);

	/* Put back, then empty it completely, in another order. */
	for (i = 0; i < MANY; i += 3) {
		key(k, sizeof(k), i);
		assert_null(map_put(m, k, VAL(i)));
	}
	assert_int_equal(map_count(m), MANY);
	for (i = MANY; i-- > 0;) {
		key(k, sizeof(k), i);
		assert_ptr_equal(map_del(m, k), VAL(i));
	}
	assert_int_equal(map_count(m), 0);
	for (i = 0; i < MANY; i += 101) {
		key(k, sizeof(k), i);
		assert_null(map_get(m, k));
	}
	map_free(m, NULL);
}

/* map.c's FNV-1a, only to pick keys that collide in a new (8-slot) map. */
static uint64_t
fnv1a(const char *s)
{
	uint64_t	 h = 14695981039346656037ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* n keys whose home slot in an 8-slot table is `home`. */
static void
keys_at(unsigned home, char (*out)[16], size_t n)
{
	size_t	 found = 0;
	unsigned i;

	for (i = 0; found < n; i++) {
		snprintf(out[found], sizeof(out[found]), "id%u", i);
		if ((fnv1a(out[found]) & 7) == home)
			found++;
	}
}

/*
 * Three keys share the last slot, so their run wraps to slots 0 and 1,
 * and a fourth belongs in slot 0 but sits after them. Deleting from the
 * front, the middle and the end of that run must leave every other key
 * findable (a tombstone-free table that shifts wrongly loses them).
 */
static void
delete_inside_a_run_that_wraps(void **state)
{
	static const int orders[][4] = {
		{ 0, 1, 2, 3 }, { 1, 0, 3, 2 }, { 2, 3, 0, 1 }, { 3, 2, 1, 0 },
		{ 1, 3, 0, 2 }, { 2, 0, 3, 1 },
	};
	char		 at7[3][16], at0[1][16];
	const char	*keys[4];
	struct map	*m;
	size_t		 o, d, i;
	int		 gone[4];

	(void)state;
	keys_at(7, at7, 3);
	keys_at(0, at0, 1);
	keys[0] = at7[0], keys[1] = at7[1], keys[2] = at7[2], keys[3] = at0[0];
	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		m = map_new();
		for (i = 0; i < 4; i++)
			assert_null(map_put(m, keys[i], VAL(i)));
		memset(gone, 0, sizeof(gone));
		for (d = 0; d < 4; d++) {
			int victim = orders[o][d];

			assert_ptr_equal(map_del(m, keys[victim]), VAL(victim));
			gone[victim] = 1;
			for (i = 0; i < 4; i++) {
				void *v = map_get(m, keys[i]);

				if (gone[i] ? v != NULL : v != VAL(i))
					fail_msg("order %zu, after deleting "
					    "%s: %s %s", o, keys[victim],
					    keys[i], gone[i] ? "still there" :
					    "lost");
			}
			assert_int_equal(map_count(m), 3 - d);
		}
		map_free(m, NULL);
	}
}

static void
iteration_visits_each_key_once(void **state)
{
	struct map	*m = filled(1000);
	unsigned char	 seen[1000];
	char		 k[64];
	const char	*kk;
	void		*v;
	size_t		 pos = 0, n = 0, i;

	(void)state;
	for (i = 0; i < 1000; i += 4) {
		key(k, sizeof(k), i);
		map_del(m, k);
	}
	memset(seen, 0, sizeof(seen));
	while (map_next(m, &pos, &kk, &v)) {
		i = IDX(v);
		assert_true(i < 1000);
		assert_true(i % 4 != 0);
		key(k, sizeof(k), i);
		assert_string_equal(kk, k);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(n, map_count(m));
	assert_int_equal(n, 750);
	assert_int_equal(map_next(m, &pos, &kk, &v), 0);	/* stays done */
	map_free(m, NULL);
}

static size_t	 freed;

static void
count_free(void *p)
{
	freed++;
	free(p);
}

static void
free_calls_freeval_for_each_value(void **state)
{
	struct map	*m = map_new();
	char		 k[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < 500; i++) {
		key(k, sizeof(k), i);
		map_put(m, k, malloc(16));
	}
	for (i = 0; i < 500; i += 5) {
		key(k, sizeof(k), i);
		free(map_del(m, k));		/* the caller owns it now */
	}
	freed = 0;
	map_free(m, count_free);
	assert_int_equal(freed, 400);
}

static void
keys_are_copied(void **state)
{
	struct map	*m = map_new();
	char		 k[32] = "telefoon/algemeen";
	const char	*kk;
	void		*v;
	size_t		 pos = 0;

	(void)state;
	map_put(m, k, VAL(1));
	memset(k, 'x', sizeof(k) - 1);		/* the caller reuses its buffer */
	assert_ptr_equal(map_get(m, "telefoon/algemeen"), VAL(1));
	assert_int_equal(map_next(m, &pos, &kk, &v), 1);
	assert_string_equal(kk, "telefoon/algemeen");
	assert_ptr_not_equal(kk, k);
	map_free(m, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_map_finds_nothing),
		cmocka_unit_test(many_keys_are_all_found),
		cmocka_unit_test(put_replaces_and_returns_the_old_value),
		cmocka_unit_test(deleting_many_keeps_the_rest_reachable),
		cmocka_unit_test(delete_inside_a_run_that_wraps),
		cmocka_unit_test(iteration_visits_each_key_once),
		cmocka_unit_test(free_calls_freeval_for_each_value),
		cmocka_unit_test(keys_are_copied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

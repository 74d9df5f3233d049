/*
 * map.c: a string-keyed hash table. Open addressing with linear probing
 * and backward-shift deletion, so lookups stay short without tombstones;
 * used for queue ids, foreign topics and lifecycle ids.
 */
#include <stdlib.h>
#include <string.h>

#include "wachtd.h"

struct entry {
	char		*key;		/* NULL: empty slot */
	void		*val;
	uint64_t	 hash;
};

struct map {
	struct entry	*slots;
	size_t		 cap;		/* power of two */
	size_t		 count;
};

/*
 * FNV-1a. Lifecycle ids are chosen by whoever may publish, so a hostile
 * probe could aim for collisions; each waiting set is capped at
 * QUEUE_WAITERS_MAX, which bounds the damage to slow lookups in one queue.
 */
static uint64_t
hash(const char *s)
{
	uint64_t	 h = 14695981039346656037ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

struct map *
map_new(void)
{
	struct map	*m = xcalloc(1, sizeof(*m));

	m->cap = 8;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void
map_free(struct map *m, void (*freeval)(void *))
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL)
			continue;
		free(m->slots[i].key);
		if (freeval != NULL)
			freeval(m->slots[i].val);
	}
	free(m->slots);
	free(m);
}

/* Slot of key, or of the empty slot where it would go. */
static size_t
find(const struct map *m, const char *key, uint64_t h)
{
	size_t	 i = h & (m->cap - 1);

	while (m->slots[i].key != NULL && (m->slots[i].hash != h ||
	    strcmp(m->slots[i].key, key) != 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *
map_get(const struct map *m, const char *key)
{
	size_t	 i = find(m, key, hash(key));

	return m->slots[i].key != NULL ? m->slots[i].val : NULL;
}

/* Doubles the table, keeping the load under 3/4. */
static void
grow(struct map *m)
{
	struct entry	*old = m->slots;
	size_t		 oldcap = m->cap, i, j;

	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		j = old[i].hash & (m->cap - 1);
		while (m->slots[j].key != NULL)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void *
map_put(struct map *m, const char *key, void *val)
{
	uint64_t	 h = hash(key);
	size_t		 i = find(m, key, h);
	void		*old;

	if (m->slots[i].key != NULL) {
		old = m->slots[i].val;
		m->slots[i].val = val;
		return old;
	}
	if ((m->count + 1) * 4 > m->cap * 3) {
		grow(m);
		i = find(m, key, h);
	}
	m->slots[i].key = xstrdup(key);
	m->slots[i].val = val;
	m->slots[i].hash = h;
	m->count++;
	return NULL;
}

void *
map_del(struct map *m, const char *key)
{
	size_t	 i = find(m, key, hash(key)), j, home;
	void	*val;

	if (m->slots[i].key == NULL)
		return NULL;
	val = m->slots[i].val;
	free(m->slots[i].key);
	m->slots[i].key = NULL;
	m->count--;
	/* Shift later members of the run back so no probe stops early. */
	for (j = (i + 1) & (m->cap - 1); m->slots[j].key != NULL;
	    j = (j + 1) & (m->cap - 1)) {
		home = m->slots[j].hash & (m->cap - 1);
		if (((j - home) & (m->cap - 1)) < ((j - i) & (m->cap - 1)))
			continue;
		m->slots[i] = m->slots[j];
		m->slots[j].key = NULL;
		i = j;
	}
	return val;
}

size_t
map_count(const struct map *m)
{
	return m->count;
}

int
map_next(const struct map *m, size_t *pos, const char **key, void **val)
{
	while (*pos < m->cap) {
		const struct entry *e = &m->slots[(*pos)++];

		if (e->key != NULL) {
			*key = e->key;
			*val = e->val;
			return 1;
		}
	}
	return 0;
}

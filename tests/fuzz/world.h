/*
 * world.h: what the fuzz targets of the daemon's core share: a file that
 * lives in memory (config_load reads a path), and a small fixed
 * configuration with its queues and ingest, as test_ingest.c builds them.
 */
#ifndef WACHTD_FUZZ_WORLD_H
#define WACHTD_FUZZ_WORLD_H

#include <stddef.h>

#include "wachtd.h"

/* A Monday, 10:06 in Amsterdam: the queues of world.conf are open. */
#define WORLD_NOW	1764580000.0

/* The fuzz targets' entry points, which libFuzzer declares nowhere. */
int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/* A file in memory; its path, "/proc/self/fd/N", reads what was put. */
struct memfile {
	int		 fd;
	char		 path[64];
};

void		 memfile_open(struct memfile *, const char *name);
/* Replaces the file's bytes with len of data. */
void		 memfile_put(struct memfile *, const void *data, size_t len);

/* The configured queues (map of struct queue) and the ingest over them,
 * fresh for each input. */
struct world {
	struct config	*conf;		/* loaded once, not owned */
	struct map	*queues;
	struct ingest	*in;
	struct silences	 silences;
};

/* The fixed configuration (world.c), loaded once; fatal if it does not. */
struct config	*world_conf(void);
void		 world_init(struct world *);
void		 world_free(struct world *);

#endif

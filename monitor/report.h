/*
 * report.h: the norm report's arithmetic (issue 3, DESIGN §6), pure so it
 * is tested on fixture rows: RRD rows in, exact sums and shares out.
 *
 * Counts are read from the "open_*" data sources: the contacts that came
 * in while open (struct step). RRD gives ABSOLUTE counts as rates; rate x
 * row length is the count again, exactly, since counts are never unknown
 * while a file exists (store.c).
 */
#ifndef WACHTD_REPORT_H
#define WACHTD_REPORT_H

#include <stddef.h>

#include <jansson.h>

/* What a queue's norm asks, copied: a reload must not pull it away. */
struct report_norm {
	char		 name[64];
	int		 kind;		/* enum norm_kind */
	double		 limit;		/* s: answer_within, max_wait or
					 * respond_within (0 with workdays) */
	int		 workdays;
	double		 target;	/* %; 100 for max_wait, respond_within */
	int		 count_abandoned; /* abandons count against the target */
};

/* The quality counts in store.c's order: direct, indirect, 1-5, 0-10. */
#define REPORT_QUALITY	(2 + 5 + 11)

struct report_tally {
	double		 expected;	/* s of the period up to now */
	double		 watched;	/* s the daemon watched */
	double		 open;		/* s of opening time watched */
	double		 contacts;
	double		 answered;
	double		 within;
	double		 abandoned;
	double		 denominator;	/* of within_pct */
	double		 wait_sum;
	double		 wait_max;	/* NAN: nobody waited */
	double		 quality[REPORT_QUALITY];	/* all, open or not */
	unsigned long	 resolution;	/* s per row read; 0: none */
};

void	report_tally_init(struct report_tally *);
/*
 * Adds the rows of one fetch that lie in [from, to): rows[i] ends at
 * first_end + i * step; data holds ds_cnt values a row in names' order.
 * With max set, only the maximum of open_wait_max is taken from them.
 */
void	report_tally_rows(struct report_tally *, const struct report_norm *,
	    double from, double to, double first_end, unsigned long step,
	    size_t ds_cnt, char *const *names, const double *data, size_t rows,
	    int max);
/* Adds a queue's tally to a channel's or the total's. */
void	report_tally_add(struct report_tally *, const struct report_tally *);
/* The figures of the report contract; norm NULL for channels and total. */
json_t	*report_tally_json(const struct report_tally *,
	    const struct report_norm *);
struct quality;			/* wachtd.h */
struct quality_norms;
/* The tally's quality counts, whole. */
void	 report_tally_quality(const struct report_tally *, struct quality *);
/* First-contact resolution ("resolved") and ratings ("ratings") into o,
 * each null without any; judged by q, or not with q NULL. */
void	 report_quality_json(json_t *o, const struct report_tally *,
	    const struct quality_norms *q);

#endif

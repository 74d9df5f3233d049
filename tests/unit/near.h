/*
 * near.h: figures computed in floating point, compared to 1e-9, for the
 * unit tests. After <math.h> and <cmocka.h>.
 */
#ifndef TEST_NEAR_H
#define TEST_NEAR_H

static inline void
assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9))
		fail_msg("got %.12g, want %.12g", got, want);
}

#endif

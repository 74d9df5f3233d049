/*
 * make bench: the memory baseline. Linked with every library wachtd links
 * (--no-as-needed), it does nothing: its resident memory is the shared
 * code and data any process with those libraries maps at start.
 */
#include <unistd.h>

int
main(void)
{
	pause();
	return 0;
}

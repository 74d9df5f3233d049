/*
 * make bench: the memory baseline. Linked with the libraries wachtd's ELF
 * header lists (--no-as-needed), it does nothing: its resident memory is
 * the shared code and data any process with those libraries maps at
 * start. libcurl is not among them: wachtd loads it for a mail or webhook.
 */
#include <unistd.h>

int
main(void)
{
	pause();
	return 0;
}

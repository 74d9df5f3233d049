# make faults (issue 8, part 6): wachtd under faults, one scenario per
# tests/faults/f_*.sh, each with its own broker, ports and directory:
# the broker killed and restarted, kill -9 and a restart, a full
# state_dir, idle HTTP connections, random input. Ends with "faults: N
# passed, N failed". VALGRIND=1 runs the daemon under valgrind.
faults:
	@$(MAKE) --no-print-directory all
	@O=$(O) VALGRIND=$(VALGRIND) tests/faults/run.sh

.PHONY: faults

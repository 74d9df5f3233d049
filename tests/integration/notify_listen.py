#!/usr/bin/python3
"""notify_listen.py SOCKET LOG: stands in for systemd's NOTIFY_SOCKET.

Binds a unix datagram socket at SOCKET and appends every message that
arrives to LOG, one line per assignment, each prefixed with the
CLOCK_MONOTONIC time of arrival in microseconds (the clock of
MONOTONIC_USEC):

    1234567890 READY=1
    1234567890 STATUS=3 queues, broker connected

Runs until killed. Python 3 standard library only.
"""
import os
import socket
import time
import sys


def main():
    path, log = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    with open(log, "a", buffering=1) as out:
        while True:
            data = s.recv(4096)
            usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            for line in data.decode("utf-8", "replace").splitlines():
                if line:
                    out.write(f"{usec} {line}\n")


if __name__ == "__main__":
    main()

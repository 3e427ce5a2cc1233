#!/usr/bin/env python3
"""Baseline for TactBench imap-fetch: a plain batched UID FETCH (BODY.PEEK[]) with imaplib.

usage: imaplib_baseline.py HOST PORT USER PASSWORD [BATCH]
Prints one line: `imaplib messages=N seconds=S messages_per_second=R`.
"""
import imaplib
import sys
import time


def main() -> None:
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 500
    imap = imaplib.IMAP4(host, port)
    imap.login(user, password)
    imap.select("INBOX", readonly=True)
    started = time.perf_counter()
    _, data = imap.uid("SEARCH", "ALL")
    uids = data[0].split()
    count = 0
    for i in range(0, len(uids), batch):
        chunk = uids[i:i + batch]
        _, items = imap.uid("FETCH", b",".join(chunk), "(BODY.PEEK[])")
        count += sum(1 for item in items if isinstance(item, tuple))
    elapsed = time.perf_counter() - started
    imap.logout()
    print(f"imaplib messages={count} seconds={elapsed:.3f} messages_per_second={count / elapsed:.0f}")


if __name__ == "__main__":
    main()

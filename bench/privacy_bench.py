"""Privacy benchmark (not a test): tokenise 1,000,000 e-mails and 1,000,000 phones.

Values come in realistic spellings (mixed case, stray spaces, a few full-width
letters; ``+49 (0)151 ...``, ``0151 ...``, ``0049 ...``, a few US-style numbers that
need :mod:`phonenumbers`), 90 % distinct. Prints wall and CPU time (CPU time stays
meaningful when other work shares the cores), rows/s and peak memory (this process) for
one worker and for two, and the bare HMAC cost for comparison.
Run: ``.venv/bin/python bench/privacy_bench.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from core.privacy.tokens import tokenize_values  # noqa: E402

KEY = hashlib.sha256(b"bench").digest()
FIRST = ["anna", "bernd", "chloe", "dario", "elif", "franz", "greta", "hans", "ines", "jonas"]
DOMAINS = ["example.com", "mail.de", "shop.co.uk", "web.de", "post.org"]
PHONE_FORMS = ["+49 (0){a} {b}", "0{a} {b}", "0049 {a}-{b}", "+49{a}{b}", "0{a}/{b}"]
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz@."})


def make_values(rows: int, seed: int = 1) -> tuple[pd.Series, pd.Series]:
    rng = random.Random(seed)
    distinct = int(rows * 0.9)
    emails, phones = [], []
    for i in range(rows):
        n = i if i < distinct else rng.randrange(distinct)
        email = f"{FIRST[n % 10]}.{n}@{DOMAINS[n % 5]}"
        r = rng.random()
        if r < 0.3:
            email = email.title()
        elif r < 0.4:
            email = f" {email} "
        elif r < 0.41:
            email = email.translate(FULL_WIDTH)
        emails.append(email)
        a, b = str(150 + n % 30), f"{n % 10_000_000:07d}"
        phones.append(f"+1 (555) {b[:3]}-{b[3:]}" if r > 0.99 else rng.choice(PHONE_FORMS).format(a=a, b=b))
    return pd.Series(emails, dtype=object), pd.Series(phones, dtype=object)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: stable on a busy machine."""
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime


def timed(label: str, rows: int, fn) -> None:
    start, cpu = time.perf_counter(), _cpu()
    fn()
    took, used = time.perf_counter() - start, _cpu() - cpu
    print(f"{label:<38} {took:7.2f} s wall {used:7.2f} s CPU  {rows / took:>11,.0f} rows/s  "
          f"peak {peak_mb():5.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    emails, phones = make_values(rows)
    print(f"{rows:,} e-mails + {rows:,} phones; generated, peak {peak_mb():.0f} MB")
    data = [f"email\x1f{e}".encode() for e in emails]
    timed("bare HMAC-SHA256 of the e-mails", rows, lambda: [hmac.digest(KEY, d, "sha256") for d in data])
    data.clear()
    for workers in (1, 2):
        timed(f"e-mails, {workers} worker(s)", rows,
              lambda w=workers: tokenize_values(emails, "email", KEY, column="email", workers=w))
        timed(f"phones (region DE), {workers} worker(s)", rows,
              lambda w=workers: tokenize_values(phones, "phone", KEY, region="DE", column="phone", workers=w))
    start = time.perf_counter()
    tokenize_values(emails, "email", KEY, workers=2)
    tokenize_values(phones, "phone", KEY, workers=2)
    took = time.perf_counter() - start
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"both columns, 2 workers: {took:.2f} s for {2 * rows:,} values; peak {peak_mb():.0f} MB "
          f"(largest worker process {worker_mb:.0f} MB)")


if __name__ == "__main__":
    main()

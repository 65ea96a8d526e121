"""Quantiles of a Prometheus histogram between two /metrics snapshots (bucket upper bounds).

Usage: histogram-quantiles.py NAME BEFORE.txt AFTER.txt
Prints the count and the bucket bounds holding p50, p99 and p99.9 of the observations made in between.
"""
import re
import sys


def buckets(path, name):
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(rf'{re.escape(name)}_bucket\{{.*le="([^"]+)".*\}} (\S+)', line)
            if m:
                out[float(m.group(1))] = float(m.group(2))
    return out


def main():
    name, before_path, after_path = sys.argv[1:4]
    before, after = buckets(before_path, name), buckets(after_path, name)
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0) for b in bounds]
    total = counts[-1] if counts else 0
    if total == 0:
        print(f"{name}: no observations")
        return
    def bound(q):
        for b, c in zip(bounds, counts):
            if c >= q * total:
                return "> 25 ms" if b == float("inf") else f"≤ {b * 1000:g} ms"
    print(f"{name}: {int(total)} observations, p50 {bound(0.5)}, p99 {bound(0.99)}, p99.9 {bound(0.999)}")


if __name__ == "__main__":
    main()

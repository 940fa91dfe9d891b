"""Summarize the drivers' results: one block per SDK, then the counts.

Usage: summarize.py RESULTS.json... (as written by py_driver.py and
ts_driver.ts). A method counts once, under the worst outcome of its calls
(invalid, then error, then an unexpected HTTP error, then an expected one,
then accepted). Exit status 1 when a driver wrote nothing, or any method
was refused for a reason the real server would not give, or not driven.
"""

import json
import sys

ORDER = ["invalid", "error", "http", "lenient", "http-expected", "n/a", "accepted"]
LABEL = {
    "accepted": "accepted (the SDK took the answer)",
    "invalid": "refused: the answer failed the SDK's validation",
    "error": "refused: other error",
    "http": "refused: HTTP error the real server would not give",
    "http-expected": "refused: HTTP error, as the real server refuses",
    "lenient": "accepted a request the real server refuses",
    "n/a": "not applicable / not driven",
}


def kind(rec):
    if rec["outcome"] == "http" and rec.get("expected"):
        return "http-expected"
    return rec["outcome"]


def main(paths):
    bad = False
    totals = []
    for path in paths:
        with open(path) as f:
            recs = json.load(f)
        if not recs:
            print(f"{path}: the driver wrote no results (it failed: see above)")
            bad = True
            continue
        sdk = recs[0]["sdk"]
        methods = {}
        for r in recs:
            methods.setdefault(r["method"], []).append(r)
        worst = {m: min((kind(r) for r in rs), key=ORDER.index) for m, rs in methods.items()}
        calls = sum(1 for r in recs if r["outcome"] != "n/a")
        print(f"\n== {sdk} SDK: {len(methods)} methods, {calls} calls")
        for r in recs:
            k = kind(r)
            if k == "accepted":
                continue
            line = f"  [{k}] {r['method']}"
            if "status" in r:
                line += f" -> {r['status']}"
            if r.get("detail"):
                line += f": {r['detail']}"
            if r.get("why"):
                line += f"  ({r['why']})"
            print(line)
        counts = {k: sum(1 for w in worst.values() if w == k) for k in ORDER}
        called = len(methods) - counts["n/a"]
        by_call = {k: sum(1 for r in recs if r["outcome"] != "n/a" and kind(r) == k) for k in ORDER}
        print(f"  calls: {calls} = " + ", ".join(f"{by_call[k]} {k}" for k in ORDER if k != "n/a"))
        print(f"  methods called: {called}")
        for k in ["accepted", "invalid", "http", "http-expected", "error", "lenient", "n/a"]:
            print(f"  {LABEL[k]}: {counts[k]}")
        if counts["invalid"] or counts["http"] or counts["error"] or counts["lenient"]:
            bad = True
        if any("not driven" in r.get("why", "") for r in recs if r["outcome"] == "n/a"):
            bad = True
        totals.append((sdk, called, counts))
    print()
    for sdk, called, c in totals:
        print(f"{sdk}: {called} methods called, {c['accepted']} accepted, {c['invalid']} invalid answers, "
              f"{c['http'] + c['http-expected']} HTTP errors ({c['http-expected']} as the server would), "
              f"{c['error']} other errors, {c['lenient']} lenient, {c['n/a']} not applicable")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

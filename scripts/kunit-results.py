#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flatten kunit.py's JSON results into one result line per test case:

  PASS|FAIL|SKIP: kunit: suite/case

A parameterised case counts once: it passes when every parameter passed
(or was skipped), and each parameter follows as an indented sub-result
("  - PASS suite/case/parameter") that is not counted.

With --expect FILE (one suite name per line, # comments), every expected
suite that did not run is a FAIL, and so is a suite that ran without
being expected: a suite cannot disappear, or appear, silently.
"""

import argparse
import json


VERDICT = {"PASS": "PASS", "SKIP": "SKIP"}


def case_lines(path, case):
    return [(VERDICT.get(case["status"], "FAIL"), "/".join(path + [case["name"]]))]


def param_verdict(verdicts):
    if "FAIL" in verdicts:
        return "FAIL"
    if verdicts and all(v == "SKIP" for v in verdicts):
        return "SKIP"
    return "PASS"


def walk(group, path, suites, out):
    """A suite's groups without groups of their own are parameterised cases."""
    path = path + [group["name"]] if group.get("name") else path
    if len(path) == 1:
        suites.append(path[0])
    for case in group.get("test_cases", []):
        out.extend((v, n, []) for v, n in case_lines(path, case))
    for sub in group.get("sub_groups", []):
        if not sub.get("sub_groups"):
            # A case with parameters: its parameters are its test_cases.
            params = [(VERDICT.get(c["status"], "FAIL"), c["name"]) for c in sub.get("test_cases", [])]
            name = "/".join(path + [sub["name"]])
            verdict = param_verdict([v for v, _ in params])
            out.append((verdict, f"{name} ({len(params)} parameters)", params))
        else:
            walk(sub, path, suites, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("--expect", help="file listing the suites that must run")
    args = ap.parse_args()
    with open(args.json) as f:
        root = json.load(f)
    suites, out = [], []
    # The root group ("KUnit Test Group") holds the suites.
    for sub in root.get("sub_groups", []):
        walk(sub, [], suites, out)
    for case in root.get("test_cases", []):
        out.extend((v, n, []) for v, n in case_lines([], case))
    for verdict, name, params in out:
        print(f"{verdict}: kunit: {name}")
        for pv, pn in params:
            print(f"  - {pv} {name.split(' (')[0]}/{pn}")
    if args.expect:
        with open(args.expect) as f:
            expected = [l.split("#")[0].strip() for l in f]
        expected = [e for e in expected if e]
        for s in expected:
            if s not in suites:
                print(f"FAIL: kunit: suite {s} did not run (expected in {args.expect})")
        for s in suites:
            if s not in expected:
                print(f"FAIL: kunit: suite {s} ran but is not in {args.expect}")


main()

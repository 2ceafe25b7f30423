#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flatten kunit.py's JSON results into one line per test case:
PASS|FAIL|SKIP: kunit: suite/case[/parameter]"""

import json
import sys

VERDICT = {"PASS": "PASS", "SKIP": "SKIP"}


def walk(group, path):
    path = path + [group["name"]] if group.get("name") else path
    for case in group.get("test_cases", []):
        print(f"{VERDICT.get(case['status'], 'FAIL')}: kunit: {'/'.join(path + [case['name']])}")
    for sub in group.get("sub_groups", []):
        walk(sub, path)


with open(sys.argv[1]) as f:
    walk(json.load(f), [])

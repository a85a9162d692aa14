#!/usr/bin/env python3
"""Lists functions longer than 150 lines and non-test source files over 600 lines
in src/ (or the directory given). Exit 1 when there is one. Test modules (#[cfg(test)] mod … and tests*.rs) are skipped."""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
limit = 150
bad = 0
for dp, _, fn in os.walk(root):
    for f in sorted(fn):
        if not f.endswith(".rs") or f.startswith("tests") or f.endswith("_tests.rs"):
            continue
        path = os.path.join(dp, f)
        lines = open(path).read().split("\n")
        # cut at a test module
        for i, l in enumerate(lines):
            if l.strip() == "#[cfg(test)]" and i + 1 < len(lines) and re.match(r"\s*(pub(\(crate\))? )?mod \w+", lines[i + 1]):
                lines = lines[:i]
                break
        if len(lines) > 600:
            print(f"{path}: {len(lines)} lines"); bad = 1
        i = 0
        while i < len(lines):
            m = re.match(r"\s*(pub(\([a-z]+\))? )?(const )?(async )?(unsafe )?fn (\w+)", lines[i])
            if m:
                depth, started, j = 0, False, i
                while j < len(lines):
                    t = re.sub(r"'.'|\"(\\.|[^\"\\])*\"", "", lines[j])
                    t = re.sub(r"//.*$", "", t)
                    depth += t.count("{") - t.count("}")
                    if "{" in t: started = True
                    if started and depth <= 0: break
                    if not started and t.rstrip().endswith(";"): break
                    j += 1
                n = j - i + 1
                if n > limit:
                    print(f"{path}:{i+1}: fn {m.group(6)} is {n} lines"); bad = 1
                i = j + 1 if started else i + 1
            else:
                i += 1
sys.exit(bad)

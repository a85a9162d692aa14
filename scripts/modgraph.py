#!/usr/bin/env python3
"""Prints the top-level module graph of src/ (non-test code) read from `crate::` and `super::`
paths, and any cycle between top-level modules. Exit 1 on a cycle or a stage importing the
engine or the CLI. Used by tests/structure.rs's sibling check and by hand."""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
LIB_TOP = None

def top_of(path):
    rel = os.path.relpath(path, root)
    parts = rel[:-3].split(os.sep)
    if parts[-1] == "mod":
        parts = parts[:-1]
    return parts

def strip_tests(text):
    # drop `#[cfg(test)] mod x { ... }` blocks and `#[cfg(test)]`-gated items (roughly)
    out, i = [], 0
    lines = text.split("\n")
    skip_depth = None
    depth = 0
    pending = False
    for line in lines:
        s = line.strip()
        if skip_depth is not None:
            depth += line.count("{") - line.count("}")
            if depth <= skip_depth:
                skip_depth = None
            continue
        if s.startswith("#[cfg(test)]"):
            pending = True
            continue
        if pending:
            pending = False
            if s.endswith(";"):
                continue
            skip_depth = depth
            depth += line.count("{") - line.count("}")
            if depth <= skip_depth:
                skip_depth = None
            continue
        depth += line.count("{") - line.count("}")
        out.append(line)
    return "\n".join(out)

# Names the crate root re-exports (`pub use engine::{scan, ...}`) count as their module.
reexports = {}
lib = open(os.path.join(root, "lib.rs")).read()
for m in re.finditer(r"pub use (\w+)::\{([^}]*)\}", lib):
    for name in m.group(2).split(","):
        reexports[name.strip()] = m.group(1)
for m in re.finditer(r"pub use (\w+)::(\w+);", lib):
    reexports[m.group(2)] = m.group(1)
modules = {f[:-3] if f.endswith(".rs") else f for f in os.listdir(root)} - {"lib", "main"}

edges = {}
files = []
for dp, dn, fn in os.walk(root):
    for f in fn:
        if f.endswith(".rs") and not f.startswith("tests") and not f.endswith("_tests.rs") and f != "main.rs":
            files.append(os.path.join(dp, f))
for f in sorted(files):
    mod = top_of(f)
    if not mod or mod == ["lib"]:
        continue
    text = strip_tests(open(f).read())
    me = mod[0]
    for m in re.finditer(r"\bcrate::(\w+)", text):
        t = m.group(1)
        if t != me:
            edges.setdefault(me, set()).add(t)
    for m in re.finditer(r"\bcrate::\{([^;]*)\}", text, re.S):
        for part in re.split(r",(?![^{]*\})", m.group(1)):
            t = re.match(r"\s*(\w+)", part)
            if t and t.group(1) != me and t.group(1) != "self":
                edges.setdefault(me, set()).add(t.group(1))
    # super:: from a file at depth 1 (src/x.rs or src/x/mod.rs) goes to the crate root
    for m in re.finditer(r"\bsuper::(\w+)", text):
        if len(mod) == 1 and not f.endswith("mod.rs"):
            t = m.group(1)
            if t != me:
                edges.setdefault(me, set()).add(t)

for k in list(edges):
    edges[k] = {reexports.get(t, t) for t in edges[k]} & modules
    edges[k].discard(k)
for k in sorted(edges):
    print(f"{k} -> {', '.join(sorted(edges[k]))}")

# cycles (Tarjan)
index, low, stack, on, sccs = {}, {}, [], set(), []
counter = [0]
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
nodes = set(edges) | {t for v in edges.values() for t in v}
for v in sorted(nodes):
    if v not in index:
        strong(v)
bad = 0
for c in sccs:
    print("CYCLE:", " <-> ".join(c)); bad = 1
for k, v in edges.items():
    for t in ("engine", "cli", "main"):
        if t in v and k not in ("engine", "cli", "harness"):
            print(f"STAGE IMPORTS {t}: {k}"); bad = 1
sys.exit(bad)

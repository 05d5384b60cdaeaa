#!/usr/bin/env python3
"""Finds import loops between the modules of a crate: modules that use each
other, directly or round a circle, through `crate::` paths. A module is a
file of `src/` or a folder of them (a folder's files may use each other:
`relocate/` is one state machine). Tests are left out. Prints each loop
and exits 1 if there is one; run by scripts/check.sh on the core and the app.

Usage: import_loops.py CRATE_SRC_DIR...
"""

import os
import re
import sys

USE = re.compile(r"crate::([a-z_][a-z0-9_]*)")


def modules(src):
    """{module name: its code, tests left out} for the crate at `src`."""
    found = {}
    for folder, _dirs, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, src)
            top = rel.split(os.sep)[0]
            module = top[:-3] if top.endswith(".rs") else top
            if module in ("lib", "main"):
                continue
            code = open(path, encoding="utf-8").read()
            code = code.split("\n#[cfg(test)]\nmod tests")[0]
            # Comments (documentation links among them) are not uses.
            code = "\n".join(line.split("//")[0] for line in code.splitlines())
            if rel.endswith("tests.rs") and os.sep in rel:
                continue
            found[module] = found.get(module, "") + code
    return found


def loops(graph):
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    failed = False
    for src in sys.argv[1:]:
        mods = modules(src)
        graph = {m: sorted({u for u in USE.findall(code) if u in mods and u != m}) for m, code in mods.items()}
        found = loops(graph)
        for group in found:
            failed = True
            ties = [f"{a} -> {b}" for a in group for b in graph[a] if b in group]
            print(f"{src}: an import loop: {', '.join(group)} ({'; '.join(ties)})")
        if not found:
            print(f"{src}: no import loop among {len(mods)} modules")
    sys.exit(1 if failed else 0)


main()

"""What action/run.sh cannot say well in bash (Python 3 standard library only).

  helpers.py args                 INPUT_ARGS as NUL-separated arguments on stdout
  helpers.py changed-lines [BASE] the lines changed since the base, `path<TAB>first<TAB>count`
                                  per hunk on stdout, the base on stderr; exit 1 (the reason
                                  on stderr) when no base is known or it cannot be diffed
  helpers.py filter CHANGED       workflow commands from stdin, findings kept only on changed
                                  lines (errors and notices, titled `srm-lint…`, always); the
                                  number of findings kept on stderr
  helpers.py summary-link URL     the job summary's Markdown line linking the HTML report
                                  artifact at URL (an https URL; exit 1 otherwise)
"""

import json
import os
import re
import shlex
import subprocess
import sys


def args():
    raw = os.environ.get("INPUT_ARGS", "").strip()
    if "\n" not in raw:
        # One line: split as a shell would (quotes respected, nothing expanded).
        out = shlex.split(raw) if raw else []
    else:
        # One argument per line, the whole line; a line wrapped in quotes loses them.
        out = []
        for line in raw.splitlines():
            line = line.strip()
            if not line:
                continue
            if len(line) >= 2 and line[0] == line[-1] and line[0] in "\"'":
                line = line[1:-1]
            out.append(line)
    sys.stdout.write("".join(a + "\0" for a in out))


def git(*argv):
    return subprocess.run(
        ["git", "-c", "core.quotepath=false", *argv],
        capture_output=True,
        text=True,
        check=False,
    )


def is_commit(rev):
    return git("rev-parse", "--verify", "--quiet", rev + "^{commit}").returncode == 0


def base_candidates(explicit):
    """(revision to diff against, what to fetch when it is missing), most exact first."""
    if explicit:
        yield explicit, explicit
        return
    event = os.environ.get("GITHUB_EVENT_PATH", "")
    if event:
        try:
            with open(event, encoding="utf-8") as f:
                sha = json.load(f).get("pull_request", {}).get("base", {}).get("sha")
        except (OSError, ValueError, AttributeError):
            sha = None
        if isinstance(sha, str) and sha:
            yield sha, sha
    ref = os.environ.get("GITHUB_BASE_REF", "")
    if ref:
        yield "origin/" + ref, "+refs/heads/%s:refs/remotes/origin/%s" % (ref, ref)
        yield ref, None


def find_base(explicit):
    tried = []
    for rev, fetch in base_candidates(explicit):
        tried.append(rev)
        if not is_commit(rev) and fetch:
            git("fetch", "--no-tags", "--quiet", "origin", fetch)
        if is_commit(rev):
            return rev, None
    if not tried:
        return None, "no pull-request base is known (not a pull_request event, no base input)"
    return None, "the base (%s) is not in this checkout" % ", ".join(tried)


def changed_lines(explicit):
    base, why = find_base(explicit)
    if base is None:
        sys.stderr.write(why)
        return 1
    if git("merge-base", base, "HEAD").returncode != 0:
        sys.stderr.write("the base %s and HEAD share no history in this checkout (shallow?)" % base)
        return 1
    diff = git("diff", "--relative", "--unified=0", "--no-color", "--no-ext-diff",
               "--no-textconv", base + "...HEAD")
    if diff.returncode != 0:
        sys.stderr.write("git diff %s...HEAD failed: %s" % (base, diff.stderr.strip()))
        return 1
    path = None
    hunk = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
    for line in diff.stdout.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            path = target[2:] if target.startswith("b/") else None
        elif path is not None:
            m = hunk.match(line)
            if m:
                count = int(m.group(2)) if m.group(2) is not None else 1
                if count > 0:
                    print("%s\t%s\t%d" % (path, m.group(1), count))
    sys.stderr.write(base)
    return 0


def decode(value):
    for enc, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(enc, raw)
    return value


def normal(path):
    if os.path.isabs(path):
        path = os.path.relpath(path)
    return os.path.normpath(path)


def filter_annotations(changed_file):
    changed = {}
    with open(changed_file, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                first, count = int(parts[1]), int(parts[2])
                changed.setdefault(normal(parts[0]), []).append((first, first + count))
    command = re.compile(r"^::[a-z]+ ([^:]*)::")
    kept = 0
    for line in sys.stdin:
        m = command.match(line)
        if not m:
            continue
        props = dict(p.split("=", 1) for p in m.group(1).split(",") if "=" in p)
        if props.get("title", "").startswith("srm-lint"):
            sys.stdout.write(line)
            continue
        try:
            at = int(props.get("line", ""))
        except ValueError:
            continue
        spans = changed.get(normal(decode(props.get("file", ""))), [])
        if any(first <= at < end for first, end in spans):
            sys.stdout.write(line)
            kept += 1
    sys.stderr.write(str(kept))
    return 0


def summary_link(url):
    """The job summary's line that links the uploaded HTML report (an https URL only)."""
    if not re.fullmatch(r"https://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+", url) or "(" in url or ")" in url:
        sys.stderr.write("summary-link: not an https URL: %r\n" % url)
        return 1
    sys.stdout.write(
        "\n**[Responsibility report (HTML)](%s)**: the Shared Responsibility Model of this "
        "estate, every resource's checklist with filters (a workflow artifact: download, unzip, "
        "open in a browser).\n" % url
    )
    return 0


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "args":
        try:
            args()
        except ValueError as e:
            sys.stderr.write("args: %s\n" % e)
            return 1
        return 0
    if what == "changed-lines":
        return changed_lines(sys.argv[2] if len(sys.argv) > 2 else "")
    if what == "summary-link" and len(sys.argv) > 2:
        return summary_link(sys.argv[2])
    if what == "filter" and len(sys.argv) > 2:
        return filter_annotations(sys.argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())

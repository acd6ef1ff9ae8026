"""bench/RESULTS.md is written by more than one script: each owns some "## " sections and keeps the others'.

run.py writes the whole file and carries over the sections soak.py owns ("Soak", "Fault injection"), tls.py's
("TLS") and the hand-kept "Forking latency" (bench/forking_latency.py prints its table; it is pasted there with the
command and date); soak.py and tls.py replace only their own section, or append it.
"""
import os

SOAK_SECTIONS = ["Soak", "Fault injection"]
TLS_SECTIONS = ["TLS"]
FORKING_SECTIONS = ["Forking latency"]


def _split(text):
    """The text before the first "## " heading, and each "## " section as (title, text with its heading)."""
    head, sections, current = [], [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            current = [line[3:].strip(), [line]]
            sections.append(current)
        elif current is None:
            head.append(line)
        else:
            current[1].append(line)
    return "".join(head), [(title, "".join(lines)) for title, lines in sections]


def _read(path):
    if not os.path.exists(path):
        return ""
    with open(path) as file:
        return file.read()


def sections(path, titles):
    """The sections of the file at path whose titles are listed, as text (empty if none)."""
    _, found = _split(_read(path))
    return "".join(text.rstrip("\n") + "\n\n" for title, text in found if title in titles)


def replace_section(path, title, body):
    """Writes "## title" and body in place of that section of the file, or at its end; the rest is kept."""
    head, found = _split(_read(path))
    section = "## %s\n\n%s\n\n" % (title, body.strip("\n"))
    texts = [section if t == title else text.rstrip("\n") + "\n\n" for t, text in found]
    if title not in [t for t, _ in found]:
        texts.append(section)
    if not head and not found:
        head = "# Benchmark results\n\n"
    with open(path, "w") as file:
        file.write((head.rstrip("\n") + "\n\n" if head.strip() else head) + "".join(texts).rstrip("\n") + "\n")

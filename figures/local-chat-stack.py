"""The stack under a local chat app, top to bottom: the app's interface, its local server and
API, the llama.cpp runtime with its back ends, the GGUF weights file and the memory it is
loaded into, with the apps of the desktop-apps chapter placed on the layers they provide."""

from __future__ import annotations

from svg import Canvas, wrap

W, X, GAP = 400, 10, 20
RUNTIME_NOTE = ("inside Ollama, llamafile, KoboldCpp and Jan; one loader of "
                "text-generation-webui. Back ends:")
FULL = W - 2 * X


def draw(root) -> Canvas:
    c = Canvas("local-chat-stack", W, 700)
    y = 8

    def down(top: float, bottom: float) -> None:
        c.line([(W / 2, top), (W / 2, bottom - 1)], arrow=True)

    def row(items: list[tuple[str, str, str]], top: float, h: float | None = None) -> list:
        """Boxes side by side, equal widths, all as tall as the tallest."""
        n, gap = len(items), 8
        w = (FULL - (n - 1) * gap) / n
        probe = Canvas("probe", W, 100)
        h = max([h or 0] + [probe.box(0, 0, w, None, label, bold=True, note=note).h
                            for label, note, _ in items])
        return [c.box(X + i * (w + gap), top, w, h, label, fill=fill, bold=True, note=note)
                for i, (label, note, fill) in enumerate(items)]

    ui = c.box(X, y, FULL, None, "The app's interface", fill="a1", bold=True,
               note="a window (LM Studio, GPT4All, Jan), a web page (text-generation-webui, "
                    "KoboldCpp) or a terminal (ollama run)")
    y = ui.bottom + GAP
    api = row([("OpenAI-compatible API", "paths under /v1/: llama.cpp server, llamafile, LM Studio, "
                "text-generation-webui, GPT4All", "a1"),
               ("Ollama's own API", "/api/generate and /api/chat on port 11434", "a1")], y)
    down(ui.bottom, api[0].y)
    y = api[0].bottom + GAP
    # the runtime is a container: its name and note, then its back ends inside it
    pad, cgap = 8, 6
    notes = wrap(RUNTIME_NOTE, FULL - 2 * pad, 13)
    chip_w = (FULL - 2 * pad - 3 * cgap) / 4
    chip_h = Canvas("probe", W, 100).box(0, 0, chip_w, None, "Vulkan", bold=True,
                                         note="GPT4All: AMD, Intel").h
    head_h = pad + 14 + len(notes) * 13 * 1.25 + 4
    rt = c.rect(X, y, FULL, head_h + chip_h + pad, fill="soft")
    c.text(W / 2, y + pad + 12, "Runtime: llama.cpp", 14, "middle", bold=True)
    c.lines(W / 2, y + pad + 14 + 15, notes, 13, "middle", cls="fg-muted")
    for i, (label, note) in enumerate([("CPU", "AVX, AVX2"), ("Metal", "Apple silicon"),
                                       ("CUDA", "NVIDIA"), ("Vulkan", "GPT4All: AMD, Intel")]):
        c.box(X + pad + i * (chip_w + cgap), y + head_h, chip_w, chip_h, label, fill="paper",
              bold=True, note=note)
    down(api[0].bottom, rt.y)
    y = rt.bottom + GAP
    gguf = c.box(X, y, FULL, None, "Weights file: GGUF", fill="a5", bold=True,
                 note="one file, most weights in 2 to 8 bits; llamafile packs it and the "
                      "runtime into one executable")
    down(rt.bottom, gguf.y)
    y = gguf.bottom + GAP
    hw = row([("System RAM", "layers left on the CPU", "soft"),
              ("GPU memory (VRAM)", "offloaded layers: -ngl, --gpulayers, num_gpu", "soft")], y)
    down(gguf.bottom, hw[0].y)
    c.height = hw[0].bottom + 8
    return c

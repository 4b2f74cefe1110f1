"""The loop every agent framework wraps: the application sends the messages and the tool
schemas, the model answers in prose or with tool calls, the application runs each call and
appends its result, and a step cap ends a loop that would otherwise run on."""

from __future__ import annotations

from svg import Canvas

W = 400
AX, AW = 44, 174  # the application's steps; the lane left of them carries the loop back
MX = AX + AW + 26  # the model, the tools and the exits
MW = W - 10 - MX
GAP = 18


def draw(root) -> Canvas:
    c = Canvas("tool-call-loop", W, 700)
    c.text(AX, 22, "Your application", 14, bold=True)
    c.text(MX, 22, "Model, tools, exits", 14, bold=True)

    send = c.box(AX, 36, AW, None, "1 Send messages and tool schemas", fill="a1", bold=True,
                 note="the conversation so far and the JSON schema of each tool")
    model = c.box(MX, 36, MW, None, "Model", fill="a5", bold=True,
                  note="replies with prose or with a list of tool_calls")
    c.arrow(send.right, send.y + 20, model.x - 1, send.y + 20)

    y = max(send.bottom, model.bottom) + GAP
    ask = c.box(AX, y, AW, None, "2 Does the reply hold tool_calls?", fill="soft", bold=True)
    mid = (max(send.bottom, model.bottom) + ask.y) / 2
    c.line([(model.cx, model.bottom), (model.cx, mid), (ask.right - 30, mid),
            (ask.right - 30, ask.y - 1)], arrow=True)

    y = ask.bottom + GAP
    run = c.box(AX, y, AW, None, "3 Run each call", fill="a1", bold=True,
                note="check the JSON arguments, then call your function")
    tool = c.box(MX, y, MW, run.h, "Tool", fill="a1", bold=True, note="get_weather(city)")
    c.line([(run.right + 1, run.cy), (tool.x - 1, run.cy)], arrow=True, both=True)
    c.arrow(AX + AW / 2, ask.bottom, AX + AW / 2, run.y - 1)
    c.text(AX + AW / 2 + 6, ask.bottom + 14, "yes", 13)

    y = run.bottom + GAP
    append = c.box(AX, y, AW, None, "4 Append to the messages", fill="a1", bold=True,
                   note="the assistant turn, then one tool message per call")
    c.arrow(AX + AW / 2, run.bottom, AX + AW / 2, append.y - 1)

    y = append.bottom + GAP
    cap = c.box(AX, y, AW, None, "5 Under the step cap?", fill="a4", bold=True,
                note="for step in range(5)")
    c.arrow(AX + AW / 2, append.bottom, AX + AW / 2, cap.y - 1)
    # yes: back to the top, along the left lane
    lane = 14
    c.line([(cap.x, cap.cy), (lane, cap.cy), (lane, send.cy), (send.x - 1, send.cy)], arrow=True)
    c.text(lane + 5, cap.cy - 6, "yes", 13)

    # the two ways out
    done = c.box(MX, ask.y, MW, ask.h, "Answer", fill="paper", dashed=True, bold=True,
                 note="shown to the user")
    c.arrow(ask.right, ask.cy, done.x - 1, ask.cy)
    c.text((ask.right + done.x) / 2, ask.cy - 6, "no", 13, "middle")
    stop = c.box(MX, cap.y, MW, cap.h, "Stop", fill="a4", bold=True,
                 note="return, or ask a human")
    c.arrow(cap.right, cap.cy, stop.x - 1, cap.cy)
    c.text((cap.right + stop.x) / 2, cap.cy - 6, "no", 13, "middle")
    c.height = max(cap.bottom, stop.bottom) + 8
    return c

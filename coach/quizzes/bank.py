"""Question banks: parsed questions → stored per-language dicts → the snapshot an attempt shows."""
from __future__ import annotations

import copy
import html
import random
from typing import Any

from coach.content.questions import Question
from coach.content.render import render_user_markdown, sanitize


def text_html(text: str, text_format: str) -> str:
    """A question or answer text as safe HTML, according to its GIFT format tag."""
    if text_format == "markdown":
        return render_user_markdown(text)
    if text_format == "html":
        return sanitize(text)
    return html.escape(text).replace("\n", "<br>")


def stored_question(question: Question) -> dict[str, Any]:
    """One language of a bank question as stored in QuizQuestion.data."""
    fmt = question.text_format
    stored: dict[str, Any] = {
        "key": question.title, "type": question.type, "text": text_html(question.text, fmt),
        "general_feedback": text_html(question.general_feedback, fmt),
    }
    answers = question.answers
    if question.type in ("single", "multiple", "truefalse"):
        stored["options"] = [
            {"id": str(i), "text": _answer_text(a.text, question.type), "fraction": a.fraction,
             "feedback": text_html(a.feedback, fmt)} for i, a in enumerate(answers)]
    elif question.type == "shortanswer":
        stored["accepted"] = [{"text": a.text, "fraction": a.fraction, "feedback": text_html(a.feedback, fmt)}
                              for a in answers]
        stored["case_sensitive"] = question.case_sensitive
    elif question.type == "numerical":
        stored["numbers"] = [_number(a, fmt) for a in answers]
    elif question.type == "matching":
        stored["pairs"] = [{"id": str(i), "left": text_html(a.text, fmt), "right": a.match or ""}
                           for i, a in enumerate(answers) if a.text]
        stored["choices"] = sorted({a.match or "" for a in answers})
    elif question.type == "ordering":
        stored["items"] = [{"id": str(i), "text": text_html(a.text, fmt)} for i, a in enumerate(answers)]
    return stored


def _answer_text(text: str, kind: str) -> str:
    if kind == "truefalse":
        return text  # "true" / "false": the page shows them translated
    return html.escape(text)


def _number(answer: Any, fmt: str) -> dict[str, Any]:
    if answer.text == "*":
        return {"any": True, "low": 0.0, "high": 0.0, "fraction": answer.fraction,
                "feedback": text_html(answer.feedback, fmt)}
    if answer.low is not None and answer.high is not None:
        low, high = answer.low, answer.high
    else:
        value = answer.value or 0.0
        low, high = value - answer.tolerance, value + answer.tolerance
    return {"any": False, "low": low, "high": high, "value": answer.value, "tolerance": answer.tolerance,
            "fraction": answer.fraction, "feedback": text_html(answer.feedback, fmt)}


def snapshot_question(data: dict[str, Any], language: str, *, shuffle: bool, rng: random.Random) -> dict[str, Any]:
    """The question as this attempt shows it: the reader's language (else English), options shuffled."""
    question = copy.deepcopy(data.get(language) or data["en"])
    question["language"] = language if data.get(language) else "en"
    if shuffle and question["type"] in ("single", "multiple"):
        rng.shuffle(question["options"])
    if question["type"] == "matching":
        rng.shuffle(question["choices"])
    if question["type"] == "ordering":
        display = [item["id"] for item in question["items"]]
        while len(display) > 1 and display == [item["id"] for item in question["items"]]:
            rng.shuffle(display)
        question["display"] = display
    return question


def correct_answer_text(question: dict[str, Any]) -> str:
    """The right answer in words, for the result page when the quiz shows answers."""
    kind = question["type"]
    if kind in ("single", "truefalse"):
        best = max(question["options"], key=lambda o: o["fraction"])
        return best["text"]
    if kind == "multiple":
        return ", ".join(o["text"] for o in question["options"] if o["fraction"] > 0)
    if kind == "shortanswer":
        return " / ".join(html.escape(a["text"]) for a in question["accepted"] if a["fraction"] >= 1)
    if kind == "numerical":
        best = max((n for n in question["numbers"] if not n.get("any")), key=lambda n: n["fraction"], default=None)
        if best is None:
            return ""
        if best.get("value") is not None:
            tolerance = f" ± {best['tolerance']:g}" if best.get("tolerance") else ""
            return f"{best['value']:g}{tolerance}"
        return f"{best['low']:g} – {best['high']:g}"
    if kind == "matching":
        return "; ".join(f"{p['left']} → {html.escape(p['right'])}" for p in question["pairs"])
    if kind == "ordering":
        return " → ".join(item["text"] for item in question["items"])
    return ""

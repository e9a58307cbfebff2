"""The short survey of an answered follow-up call: six questions scored 1-5, the
satisfaction index (CSI) is computed from them. The question keys are the values the
``revisit_survey_answer.question`` column allows; the screens hold the wording."""

from __future__ import annotations

from collections.abc import Mapping

from tenants.errors import RuleViolation

QUESTIONS: tuple[str, ...] = (
    "overall",
    "repair_quality",
    "advisor",
    "timeliness",
    "cleanliness",
    "recommend",
)
"""In the order they are asked."""

REQUIRED_WHEN_SATISFIED = ("overall",)
MIN_SCORE, MAX_SCORE = 1, 5


def validate_answers(answers: Mapping[str, int], *, outcome: str | None) -> dict[str, int]:
    """The answers in question order; refuses unknown questions, scores outside 1-5 and
    a satisfied call without its overall score (the CSI would miss it)."""
    for question, score in answers.items():
        if question not in QUESTIONS:
            raise RuleViolation(
                "survey", "unknown_question", f"No survey question {question!r}", question=question
            )
        if not MIN_SCORE <= score <= MAX_SCORE:
            raise RuleViolation(
                "survey",
                "score_range",
                f"Score of {question} must be between {MIN_SCORE} and {MAX_SCORE}",
                question=question,
            )
    if outcome == "satisfied":
        missing = [q for q in REQUIRED_WHEN_SATISFIED if q not in answers]
        if missing:
            raise RuleViolation(
                "survey",
                "survey_required",
                "A satisfied customer's overall score is required",
                questions=missing,
            )
    return {q: answers[q] for q in QUESTIONS if q in answers}

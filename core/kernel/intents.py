"""Plain phrases to commands ("I want to book a clinic" -> book clinic): a small, tested word match over the
phrases in content/intents.yaml, not an external service."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

WORD_CUTOFF = 0.8  # "clinc" matches "clinic"; short words must be exact


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower().replace("'", "")).split()


@dataclass(frozen=True)
class Intent:
    command: str
    phrase: tuple[str, ...]


@dataclass(frozen=True)
class SmallTalk:
    phrases: frozenset[str]
    reply: str


@dataclass(frozen=True)
class Intents:
    intents: tuple[Intent, ...] = ()
    small_talk: tuple[SmallTalk, ...] = ()

    @classmethod
    def from_content(cls, document: dict) -> Intents:
        intents = tuple(
            Intent(entry["command"], tuple(words(phrase)))
            for entry in document.get("intents", [])
            for phrase in entry["phrases"]
        )
        talk = tuple(
            SmallTalk(frozenset(" ".join(words(p)) for p in entry["phrases"]), entry["reply"])
            for entry in document.get("small_talk", [])
        )
        return cls(intents, talk)

    def command_for(self, text: str) -> str | None:
        """The command whose phrase's words are all in the message (most words wins, then the first listed)."""
        said = words(text)
        best: Intent | None = None
        for intent in self.intents:
            if intent.phrase and all(_has_word(said, word) for word in intent.phrase):
                if best is None or len(intent.phrase) > len(best.phrase):
                    best = intent
        return best.command if best else None

    def reply_for(self, text: str) -> str | None:
        said = " ".join(words(text))
        return next((talk.reply for talk in self.small_talk if said in talk.phrases), None)

    def commands(self) -> Iterable[str]:
        return {intent.command for intent in self.intents}


def _has_word(said: list[str], word: str) -> bool:
    if word in said:
        return True
    if len(word) < 5:
        return False
    return bool(difflib.get_close_matches(word, said, n=1, cutoff=WORD_CUTOFF))

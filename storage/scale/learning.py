"""Micro-learning: learners' served questions and their reviews (one review per served card), each learner's FSRS
card per question, the bites they saw, the topics they completed (the content's rule: every bite seen and the
completion share answered right once) and the award when every topic is done."""

from __future__ import annotations

from datetime import timedelta

from storage.learning.tables import (
    learning_awards,
    learning_bites_seen,
    learning_cards,
    learning_completions,
    learning_question_totals,
    learning_reviews,
    learning_serves,
)
from storage.scale.bulk import BulkWriter
from storage.scale.plan import Trust

LEARNER_SHARE = 0.35
MOST_REVIEWS = 1_500
FLUSH = 50_000


def _allocate(rng, learners: int, total: int) -> list[int]:
    """A heavy-tailed number of reviews per learner that adds up to `total` exactly."""
    weights = [min(rng.paretovariate(1.2), 40.0) for _ in range(learners)]
    scale = total / sum(weights)
    counts = [max(1, min(MOST_REVIEWS, int(w * scale))) for w in weights]
    i = 0
    while sum(counts) != total:
        step = 1 if sum(counts) < total else -1
        if MOST_REVIEWS > counts[i % learners] + step >= 1:
            counts[i % learners] += step
        i += 1
    return counts


async def _flush(bulk: BulkWriter, serves: list, reviews: list) -> None:
    """Served cards, then their reviews (which point at them); the lists are emptied, to keep memory flat."""
    await bulk.write(learning_serves, ("id", "user_id", "question_id", "served_at", "answered_at", "option_order"),
                     serves)
    await bulk.write(
        learning_reviews,
        ("id", "user_id", "question_id", "serve_id", "correct", "sure", "rating", "duration_ms", "new_card",
         "answered_at"),
        reviews,
    )
    serves.clear()
    reviews.clear()


async def write_learning(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("learning")
    content = trust.content.learning
    topics = content.topics
    questions = [q for t in topics for q in t.questions]
    total = trust.count("quiz_reviews")
    learners = rng.sample(trust.staff, max(1, min(len(trust.staff), round(len(trust.staff) * LEARNER_SHARE))))
    learners.sort(key=lambda p: p.id)
    counts = _allocate(rng, len(learners), total)
    serve_id = await bulk.next_id(learning_serves)
    review_id = await bulk.next_id(learning_reviews)
    serves, reviews, cards, seen, completions, awards = [], [], [], [], [], []
    totals = {q.id: [0, 0, 0] for q in questions}  # the running totals the repository keeps with each review
    for person, many in zip(learners, counts, strict=True):
        # A learner keeps at it for a while (about a day and a half per review), at any time in the five years.
        room = (trust.end - max(trust.start, person.joined)).total_seconds()
        span = max(60.0, min(room - 86400, many * 1.5 * 86400))
        began = trust.moment(rng, after=person.joined, before=trust.end - timedelta(seconds=span))
        times = sorted(began + timedelta(seconds=rng.uniform(0, span)) for _ in range(many))
        state: dict[str, list] = {}  # question id -> [reps, lapses, first_correct_at, last_review, last_correct]
        opened = 0  # new questions are taken in the course's order
        for at in times:
            if opened < len(questions) and (not state or rng.random() < 0.35):
                question = questions[opened]
                opened += 1
            else:
                question = questions[rng.randrange(opened)]
            card = state.setdefault(question.id, [0, 0, None, None, False])
            correct = rng.random() < (0.62 if card[0] == 0 else 0.8)
            sure = rng.random() < (0.8 if correct else 0.3)
            rating = (4 if sure else 3) if correct else 1
            order = list(range(len(question.options)))
            rng.shuffle(order)
            served = at - timedelta(seconds=rng.randint(8, 90))
            serves.append((serve_id, person.id, question.id, served, at, ",".join(map(str, order))))
            reviews.append((review_id, person.id, question.id, serve_id, correct, sure, rating,
                            rng.randint(3_000, 60_000), card[0] == 0, at))
            serve_id += 1
            review_id += 1
            totals[question.id][0] += 1
            totals[question.id][1] += correct
            totals[question.id][2] += card[0] == 0
            card[0] += 1
            card[1] += 0 if correct else 1
            card[2] = card[2] or (at if correct else None)
            card[3] = at
            card[4] = correct
        for qid, (reps, lapses, first_right, last, last_right) in state.items():
            stability = round(min(365.0, 2.5 ** min(reps, 7) / (1 + lapses)), 3) if last_right else 0.4
            cards.append((person.id, qid, 2 if last_right and reps > 1 else (1 if reps == 1 else 3),
                          None if last_right and reps > 1 else 0, stability, round(rng.uniform(3, 8), 3),
                          last + timedelta(days=stability), last, reps, lapses, first_right, last))
        done = 0
        for topic in topics:
            touched = [q for q in topic.questions if q.id in state]
            if not touched:
                break
            first_seen = min(state[q.id][3] for q in touched) - timedelta(minutes=5)
            seen += [(person.id, b.id, first_seen) for b in topic.bites]
            right = sum(1 for q in topic.questions if q.id in state and state[q.id][2])
            if right >= content.rules.completion_share * len(topic.questions):
                finished = max(state[q.id][2] for q in topic.questions if q.id in state and state[q.id][2])
                completions.append((person.id, topic.id, finished))
                done += 1
        if done == len(topics):
            awards.append((person.id, content.rules.award, max(c[2] for c in completions[-done:])))
        if len(serves) >= FLUSH:
            await _flush(bulk, serves, reviews)
    await _flush(bulk, serves, reviews)
    await bulk.write(
        learning_cards,
        ("user_id", "question_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
         "lapses", "first_correct_at", "updated_at"),
        cards,
    )
    await bulk.write(
        learning_question_totals,
        ("question_id", "answers", "correct", "people"),
        [(qid, answers, right, people) for qid, (answers, right, people) in totals.items() if answers],
    )
    await bulk.write(learning_bites_seen, ("user_id", "bite_id", "seen_at"), seen)
    await bulk.write(learning_completions, ("user_id", "topic_id", "completed_at"), completions)
    await bulk.write(learning_awards, ("user_id", "award", "awarded_at"), awards)

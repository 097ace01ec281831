"""Constructed conversations whose topics are known: three families of many conversations, one family too small
to be shown, each written from templates with varied fillers (so no two conversations are the same)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from semtel_core.schema.conversation import Conversation, ConversationMetadata, Message

FAMILIES = {
    "tax": (
        [
            "How do I file my {y} tax return as a {who}?",
            "Can I deduct {thing} on my income tax return?",
            "What tax forms does a {who} need for the {y} tax year?",
            "I got a letter from the tax office about my {y} return, what does the deduction mean?",
        ],
        {
            "y": ["2023", "2024", "last year's"],
            "who": ["freelancer", "student", "landlord", "retiree"],
            "thing": ["home office costs", "charity donations", "medical bills", "tuition fees"],
        },
    ),
    "python": (
        [
            "My python script raises a {err} when I {act}, how do I fix it?",
            "Why does this python function give a {err} on the list {act}?",
            "How can I debug a {err} in my python code that tries to {act}?",
            "Python traceback shows {err} after I {act}; what is wrong with my code?",
        ],
        {
            "err": ["KeyError", "TypeError", "IndexError", "ValueError"],
            "act": ["parse the json file", "loop over the dict", "sort the list", "read the csv"],
        },
    ),
    "garden": (
        [
            "When should I plant {plant} seeds in my garden in {season}?",
            "The leaves of my {plant} plants turn yellow in the garden, is it the {soil} soil?",
            "How often do I water {plant} in {soil} garden soil during {season}?",
            "What fertilizer helps {plant} grow in a small garden with {soil} soil?",
        ],
        {
            "plant": ["tomato", "basil", "lavender", "pepper"],
            "season": ["spring", "autumn", "early summer"],
            "soil": ["clay", "sandy", "acidic"],
        },
    ),
    "knitting": (  # the topic that emerges in the weekly tests
        [
            "How do I knit a {item} with {yarn} yarn on circular needles?",
            "My knitting pattern for a {item} has a dropped stitch in the {yarn} yarn, how do I fix it?",
            "Which needle size should I use to knit a {item} from chunky {yarn} yarn?",
            "How many skeins of {yarn} yarn does a knitted {item} need?",
        ],
        {
            "item": ["scarf", "sweater", "beanie", "pair of socks"],
            "yarn": ["wool", "alpaca", "cotton", "merino"],
        },
    ),
    "zeppelin": (  # too few conversations to be shown
        ["Restoring my grandfather's antique zeppelin model kit, which {part} glue works?"],
        {"part": ["gondola", "envelope", "propeller"]},
    ),
}


@dataclass(frozen=True)
class Constructed:
    conversations: list[Conversation]
    family: dict[str, str]  # conversation id -> family


def constructed(
    sizes: dict[str, int], *, seed: int = 0, users: bool = False, email_every: int = 7
) -> Constructed:
    rng = random.Random(seed)
    conversations, family = [], {}
    n = 0
    for name, size in sizes.items():
        templates, fillers = FAMILIES[name]
        for i in range(size):
            text = rng.choice(templates).format(**{k: rng.choice(v) for k, v in fillers.items()})
            if email_every and n % email_every == 0:
                text += f" You can reach me at person{n}.{name}@example.org."
            cid = f"{name}-{i:03d}"
            extra = {"user_id": f"u-{name}-{i % max(1, size // 2)}"} if users else {}
            conversations.append(
                Conversation(
                    conversation_id=cid,
                    messages=(
                        Message(role="user", content=text),
                        Message(role="assistant", content="Here is what I would do."),
                    ),
                    metadata=ConversationMetadata(extra=extra),
                )
            )
            family[cid] = name
            n += 1
    return Constructed(conversations, family)

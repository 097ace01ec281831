"""local-zeroshot and local-minilm: schema-valid, sensible answers from the real sentence model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import endpoint_testdata as s
import jsonschema
import numpy as np
import openai
import pytest
from openai.types import CreateEmbeddingResponse

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def client() -> Iterator[openai.OpenAI]:
    with running_endpoint() as url:
        yield openai.OpenAI(base_url=url, api_key="zeroshot-key", max_retries=0, timeout=60)


def _classify(client: openai.OpenAI, schema: dict[str, Any], prompt: str) -> Any:
    completion = client.chat.completions.create(
        model="local-zeroshot", messages=s.messages_for(prompt), response_format=s.response_format(schema)
    )
    value = json.loads(completion.choices[0].message.content or "")
    jsonschema.validate(value, schema)
    return value


def test_single_prompt_picks_the_label_whose_definition_is_closest(client: openai.OpenAI) -> None:
    assert _classify(client, s.single_schema(), s.blocks(("c", s.CODING))) == {"topic": "coding"}
    assert _classify(client, s.wrapped_schema(), s.blocks(("c", s.COOKING))) == {
        "topic": {"label": "food_cooking"}
    }


def test_multi_classifier_prompt_fills_every_field(client: openai.OpenAI) -> None:
    happy = [*s.TRAVEL, ("assistant", "Here are three options."), ("user", "Perfect, thank you so much!")]
    value = _classify(client, s.multi_schema(), s.blocks(("c", happy)))
    assert value == {"topic": "travel", "satisfaction": "satisfied"}


def test_batched_prompt_classifies_each_conversation_by_id(client: openai.OpenAI) -> None:
    prompt = s.blocks(("t", s.TRAVEL), ("c", s.CODING), ("f", s.COOKING))
    results = _classify(client, s.batched_schema(), prompt)["results"]
    assert {r["conversation_id"]: r["topic"] for r in results} == {
        "t": "travel",
        "c": "coding",
        "f": "food_cooking",
    }


def test_grader_confirms_a_right_proposal_and_corrects_a_wrong_one(client: openai.OpenAI) -> None:
    body = s.blocks(("c", s.CODING))
    right = _classify(
        client, s.grader_schema(), f'{body}\n<proposed_labels>{{"topic": "coding"}}</proposed_labels>'
    )
    wrong = _classify(
        client, s.grader_schema(), f'{body}\n<proposed_labels>{{"topic": "travel"}}</proposed_labels>'
    )
    assert right == {"topic": {"verdict": "correct", "corrected_label": "coding"}}
    assert wrong == {"topic": {"verdict": "incorrect", "corrected_label": "coding"}}


def test_zeroshot_without_a_schema_is_a_bad_request(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="json_schema"):
        client.chat.completions.create(model="local-zeroshot", messages=[{"role": "user", "content": "hi"}])


def test_embeddings_are_384_dim_unit_vectors_in_both_encodings(client: openai.OpenAI) -> None:
    texts = ["reverse a linked list in python", "invert a python linked list", "banana bread recipe"]
    default = client.embeddings.create(model="local-minilm", input=texts)  # the SDK asks for base64
    raw = client.embeddings.with_raw_response.create(
        model="local-minilm", input=texts, encoding_format="float"
    )
    floats = CreateEmbeddingResponse.model_validate(raw.http_response.json())
    a = np.array([d.embedding for d in default.data])
    b = np.array([d.embedding for d in floats.data])
    assert a.shape == (3, 384)
    np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert a[0] @ a[1] > a[0] @ a[2] + 0.2
    assert floats.usage.prompt_tokens > 0
    with pytest.raises(openai.BadRequestError):
        client.embeddings.create(model="local-minilm", input=texts, dimensions=128)


async def test_async_client_embeds_and_classifies(client: openai.OpenAI) -> None:
    async with openai.AsyncOpenAI(
        base_url=str(client.base_url), api_key="zeroshot-key", max_retries=0
    ) as aclient:
        embedded = await aclient.embeddings.create(model="local-minilm", input="a taxi to the station")
        completion = await aclient.chat.completions.create(
            model="local-zeroshot",
            messages=s.messages_for(s.blocks(("c", s.COOKING))),
            response_format=s.response_format(s.single_schema()),
        )
    assert len(embedded.data[0].embedding) == 384
    assert json.loads(completion.choices[0].message.content or "") == {"topic": "food_cooking"}

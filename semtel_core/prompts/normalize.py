"""Raw model output text → per conversation, per classifier: a canonical label, its status and its repairs.

Structured outputs make most answers exact; the rest (fenced JSON, prose around it, ``"Coding"``, a synonym, a
typo) are repaired and counted, and anything else is ``invalid`` with the raw output kept. A batched answer is
checked against the ids it was asked about: missing ids are returned for a re-run, extra and duplicated ids
are reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from semtel_core.prompts.json_output import ParsedOutput, parse_json_output
from semtel_core.prompts.labels import canonical_form
from semtel_core.prompts.registry import Classifier, ClassifierRegistry
from semtel_core.prompts.repair import (
    DEFAULT_FUZZY_MARGIN,
    DEFAULT_FUZZY_THRESHOLD,
    LabelRepairer,
    verdict_repairer,
)
from semtel_core.prompts.results import GradeResult, LabelResult, NormalizedOutput
from semtel_core.prompts.schemas import Verdict

if TYPE_CHECKING:
    from semtel_core.config import Settings
    from semtel_core.prompts.render import RenderedPrompt

_WRAPPER_KEYS = ("label", "value", "answer", "category", "class")
_BARE_LABEL_MAX_CHARS = 60


@dataclass(frozen=True)
class _Found:
    """A classifier's answer located in a JSON object: the raw value and how it was found."""

    value: Any
    repairs: tuple[str, ...] = ()
    missing: bool = False


def _find_field(obj: Mapping[str, Any], name: str, only_field: bool) -> _Found:
    if name in obj:
        return _Found(obj[name])
    for key, value in obj.items():
        if canonical_form(str(key)) == name:
            return _Found(value, ("field_name",))
    if only_field and len(obj) == 1:  # {"label": "coding"} for a one-classifier prompt
        (key,) = obj
        if canonical_form(str(key)) in _WRAPPER_KEYS:
            return _Found(obj[key], ("field_name",))
    return _Found(None, missing=True)


def _unwrap(value: Any) -> tuple[str | None, tuple[str, ...]]:
    """The label text inside a field value (a string, ``{"label": ...}``, or a one-item list)."""
    if isinstance(value, str):
        return value, ()
    if isinstance(value, dict):
        for key in _WRAPPER_KEYS:
            if isinstance(value.get(key), str):
                return value[key], ()  # the protocol allows {"topic": {"label": ...}}
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0], ("list",)
    if isinstance(value, bool | int | float):
        return str(value).lower(), ("type",)
    return None, ()


class OutputNormalizer:
    """Normalizes model outputs for the classifiers of one registry."""

    def __init__(
        self,
        registry: ClassifierRegistry,
        *,
        fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD,
        fuzzy_margin: float = DEFAULT_FUZZY_MARGIN,
    ) -> None:
        self.registry = registry
        self._repairers = {
            c.name: LabelRepairer(c.labels, c.definitions.canonical_synonyms, fuzzy_threshold, fuzzy_margin)
            for c in registry
        }
        self._verdicts = verdict_repairer(fuzzy_threshold, fuzzy_margin)

    @classmethod
    def from_settings(cls, registry: ClassifierRegistry, settings: Settings) -> OutputNormalizer:
        s = settings.prompts
        return cls(registry, fuzzy_threshold=s.fuzzy_threshold, fuzzy_margin=s.fuzzy_margin)

    # -- one classifier's answer -------------------------------------------------------------------------

    def _label(
        self, spec: Classifier, found: _Found, parse_repairs: tuple[str, ...], raw: str
    ) -> LabelResult:
        common = {"classifier": spec.name, "classifier_version": spec.version, "raw_output": raw}
        if found.missing:
            return LabelResult(status="invalid", label=None, reason="missing_field", **common)
        text, unwrap_repairs = _unwrap(found.value)
        if text is None:
            return LabelResult(status="invalid", label=None, reason="not_a_string", **common)
        label, label_repairs = self._repairers[spec.name].repair(text)
        if label is None:
            return LabelResult(status="invalid", label=None, reason="unknown_label", raw_value=text, **common)
        repairs = (*parse_repairs, *found.repairs, *unwrap_repairs, *label_repairs)
        status = "repaired" if repairs else "ok"
        return LabelResult(status=status, label=label, repairs=repairs, raw_value=text, **common)

    def _labels_from_object(
        self, obj: Any, specs: Sequence[Classifier], parse_repairs: tuple[str, ...], raw: str
    ) -> dict[str, LabelResult]:
        if not isinstance(obj, dict):
            return {s.name: self._invalid(s, raw, "not_an_object") for s in specs}
        only = len(specs) == 1
        return {s.name: self._label(s, _find_field(obj, s.name, only), parse_repairs, raw) for s in specs}

    @staticmethod
    def _invalid(spec: Classifier, raw: str, reason: str) -> LabelResult:
        return LabelResult(
            classifier=spec.name,
            classifier_version=spec.version,
            status="invalid",
            label=None,
            reason=reason,
            raw_output=raw,
        )

    # -- the four styles ---------------------------------------------------------------------------------

    def labels(self, raw: str, classifiers: Sequence[str]) -> dict[str, LabelResult]:
        """Single or multi-task output: one label per classifier."""
        specs = self.registry.select(classifiers)
        parsed = parse_json_output(raw)
        if parsed.ok:
            return self._labels_from_object(parsed.value, specs, parsed.repairs, raw)
        text = raw.strip()
        if len(specs) == 1 and 0 < len(text) <= _BARE_LABEL_MAX_CHARS:
            # A bare answer such as ``coding`` for a one-classifier prompt: try it as the label itself.
            result = self._label(specs[0], _Found(text), ("bare_label",), raw)
            if result.status != "invalid":
                return {specs[0].name: result}
        return {s.name: self._invalid(s, raw, "no_json") for s in specs}

    def batch(
        self, raw: str, conversation_ids: Sequence[str], classifiers: Sequence[str]
    ) -> NormalizedOutput:
        """Batched output: results keyed by conversation id; missing ids are returned for a re-run."""
        specs = self.registry.select(classifiers)
        parsed = parse_json_output(raw)
        items, wrapper_repairs = _batch_items(parsed, conversation_ids)
        parse_repairs = (*parsed.repairs, *wrapper_repairs)
        expected = set(conversation_ids)
        results: dict[str, dict[str, LabelResult]] = {}
        extra: list[str] = []
        duplicates: list[str] = []
        unidentified = 0
        for item in items:
            cid, id_repairs = _item_id(item)
            if cid is None:
                unidentified += 1
            elif cid not in expected:
                extra.append(cid)
            elif cid in results:
                duplicates.append(cid)
            else:
                obj = {k: v for k, v in item.items() if k not in ("conversation_id", "id")}
                results[cid] = self._labels_from_object(obj, specs, (*parse_repairs, *id_repairs), raw)
        return NormalizedOutput(
            results={cid: results[cid] for cid in conversation_ids if cid in results},
            missing_ids=tuple(cid for cid in conversation_ids if cid not in results),
            extra_ids=tuple(dict.fromkeys(extra)),
            duplicate_ids=tuple(dict.fromkeys(duplicates)),
            unidentified_items=unidentified,
            parse_repairs=parse_repairs,
            parse_error=parsed.error or (None if items or not parsed.ok else "no results list"),
            raw_output=raw,
        )

    def grades(self, raw: str, proposed: Mapping[str, str | None]) -> dict[str, GradeResult]:
        """Grader output: per classifier a verdict on the proposed label and the label the row should carry."""
        specs = self.registry.select(list(proposed))
        parsed = parse_json_output(raw)
        obj = parsed.value if isinstance(parsed.value, dict) else {}
        out = {}
        for spec in specs:
            found = _find_field(obj, spec.name, only_field=False)
            out[spec.name] = self._grade(spec, found, proposed[spec.name], parsed.repairs, raw)
        return out

    def _grade(
        self, spec: Classifier, found: _Found, proposed: str | None, parse_repairs: tuple[str, ...], raw: str
    ) -> GradeResult:
        value = found.value if isinstance(found.value, dict) else {}
        verdict: Verdict | None = None
        verdict_repairs: tuple[str, ...] = ()
        raw_verdict = value.get("verdict")
        if isinstance(raw_verdict, bool):
            verdict, verdict_repairs = ("correct" if raw_verdict else "incorrect"), ("type",)
        elif isinstance(raw_verdict, str):
            repaired, verdict_repairs = self._verdicts.repair(raw_verdict)
            verdict = "correct" if repaired == "correct" else "incorrect" if repaired == "incorrect" else None
        corrected = self._label(spec, _find_field(value, "corrected_label", False), (), raw)
        final = proposed if verdict == "correct" else corrected.label
        repairs = (*parse_repairs, *found.repairs, *verdict_repairs, *corrected.repairs)
        reason = None
        if found.missing or not value:
            reason = "missing_field"
        elif verdict is None:
            reason = "unknown_verdict"
        elif final is None:
            reason = corrected.reason or "unknown_label"
        status = "invalid" if reason else ("repaired" if repairs else "ok")
        return GradeResult(
            classifier=spec.name,
            classifier_version=spec.version,
            status=status,
            repairs=repairs if status != "invalid" else (),
            reason=reason,
            raw_value=str(found.value) if found.value is not None else None,
            raw_output=raw,
            proposed_label=proposed,
            verdict=verdict,
            corrected_label=corrected.label,
            final_label=final if reason is None else None,
        )

    def normalize(self, prompt: RenderedPrompt, raw: str) -> NormalizedOutput:
        """The answer to a single, multi-task or batched prompt (grader answers go to :meth:`grades`)."""
        if prompt.style == "grader":
            raise ValueError("grader outputs are normalized with grades(raw, proposed)")
        if prompt.style == "batched":
            # The prompt named its conversations c1..cN; results go back to their real ids.
            out = self.batch(raw, prompt.prompt_ids, prompt.classifiers)
            real = dict(zip(prompt.prompt_ids, prompt.conversation_ids, strict=True))
            return out.model_copy(
                update={
                    "results": {real[alias]: labels for alias, labels in out.results.items()},
                    "missing_ids": tuple(real[alias] for alias in out.missing_ids),
                }
            )
        (cid,) = prompt.conversation_ids
        return NormalizedOutput(results={cid: self.labels(raw, prompt.classifiers)}, raw_output=raw)


def _batch_items(parsed: ParsedOutput, ids: Sequence[str]) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """The result items of a batched answer, accepting a bare list or an object keyed by conversation id."""
    value = parsed.value
    repairs: tuple[str, ...] = ()
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]
    elif (
        isinstance(value, dict)
        and value
        and all(isinstance(v, dict) for v in value.values())
        and (set(value) & set(ids))
    ):
        value = [{"conversation_id": k, **v} for k, v in value.items()]
        repairs = ("results_wrapper",)
    elif isinstance(value, list):
        repairs = ("results_wrapper",)
    else:
        return [], ()
    return [item for item in value if isinstance(item, dict)], repairs


def _item_id(item: Mapping[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    if isinstance(item.get("conversation_id"), str | int):
        return str(item["conversation_id"]).strip(), ()
    if isinstance(item.get("id"), str | int):
        return str(item["id"]).strip(), ("field_name",)
    return None, ()

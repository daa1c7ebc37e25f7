"""Cross-reference checks of a parsed item bank: what a JSON Schema cannot express.

Each check takes the parsed YAML mapping (already validated or not: every check skips entries
it cannot read, the schema reports those) and returns :class:`Problem` objects that name the
item or scale and the field. :data:`CHECKS` lists them in reporting order.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from burnoutkit.banks._problem import Problem

__all__ = ["CHECKS", "error"]

_SECTIONS = ("items", "scales", "systems", "derived_scores", "outcomes", "covariates")
_SECTION_NOUNS = {
    "items": "an item",
    "scales": "a scale",
    "systems": "a system",
    "derived_scores": "a derived score",
    "outcomes": "an outcome",
    "covariates": "a covariate",
}
_MIN_ITEMS = 3
_VALENCES = ("gain", "loss")


# ---------------------------------------------------------------------------------- helpers
def _entries(spec: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = spec.get(key)
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, Mapping)]


def _text(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) and value else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def error(message: str, *, item=None, scale=None, field=None) -> Problem:
    return Problem(item=item, scale=scale, field=field, severity="error", message=message)


def _warning(message: str, *, item=None, scale=None, field=None) -> Problem:
    return Problem(item=item, scale=scale, field=field, severity="warning", message=message)


def _where(section: str, entry_id: str, key: str) -> dict[str, str | None]:
    """Problem location of field ``key`` of the entry ``entry_id`` of a list section."""
    if section == "items":
        return {"item": entry_id, "field": key}
    if section == "scales":
        return {"scale": entry_id, "field": key}
    return {"field": f"{section}[{entry_id}].{key}"}


# ---------------------------------------------------------------------------------- checks
def _check_ids(spec: Mapping[str, Any]) -> list[Problem]:
    problems = []
    sections_of: dict[str, list[str]] = defaultdict(list)
    for section in _SECTIONS:
        ids = [_text(entry, "id") for entry in _entries(spec, section)]
        counts = Counter(i for i in ids if i is not None)
        for entry_id, count in counts.items():
            sections_of[entry_id].append(section)
            if count > 1:
                noun = _SECTION_NOUNS[section].split(" ", 1)[1]
                problems.append(
                    error(
                        f"{noun} id {entry_id!r} is used {count} times under {section!r}; "
                        f"{noun} ids must be unique. Rename all but one.",
                        **_where(section, entry_id, "id"),
                    )
                )
    for entry_id, sections in sections_of.items():
        if len(sections) > 1:
            kinds = " and ".join(_SECTION_NOUNS[s] for s in sections)
            problems.append(
                error(
                    f"id {entry_id!r} is used for {kinds}. Ids must be unique across items, "
                    "scales, systems, derived scores, outcomes and covariates, because they "
                    "become column names and CFA variable names. Rename one.",
                    **_where(sections[0], entry_id, "id"),
                )
            )
    return problems


def _check_response_format(spec: Mapping[str, Any]) -> list[Problem]:
    response = spec.get("response_format")
    if not isinstance(response, Mapping):
        return []
    low, high = _integer(response.get("min")), _integer(response.get("max"))
    if low is None or high is None:
        return []
    if low >= high:
        return [
            error(
                f"max ({high}) must be greater than min ({low}). Give the lowest and the highest "
                "response code, for example min: 1, max: 5.",
                field="response_format.max",
            )
        ]
    problems = []
    labels = response.get("labels")
    if isinstance(labels, Mapping):
        for key in labels:
            code = _integer(key) if not isinstance(key, str) else _integer_text(key)
            if code is not None and not low <= code <= high:
                problems.append(
                    error(
                        f"label code {code} is outside the response range {low}..{high}. "
                        "Remove the label or correct min/max.",
                        field="response_format.labels",
                    )
                )
    codes = response.get("missing_codes")
    if isinstance(codes, list):
        for code in codes:
            if isinstance(code, int | float) and not isinstance(code, bool) and low <= code <= high:
                problems.append(
                    error(
                        f"missing code {code} lies inside the response range {low}..{high}, so "
                        "a real answer would be read as missing. Use a code outside the range "
                        "(for example -9).",
                        field="response_format.missing_codes",
                    )
                )
    return problems


def _integer_text(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _check_scoring(spec: Mapping[str, Any]) -> list[Problem]:
    scoring = spec.get("scoring")
    transform = scoring.get("transform") if isinstance(scoring, Mapping) else None
    bounds = transform.get("range") if isinstance(transform, Mapping) else None
    if (
        isinstance(bounds, list)
        and len(bounds) == 2
        and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
        and bounds[0] >= bounds[1]
    ):
        return [
            error(
                f"must be [low, high] with low < high; found {bounds}. A reversed range would "
                "flip every score: mark reverse-keyed items with keyed: -1 instead.",
                field="scoring.transform.range",
            )
        ]
    return []


def _check_scales_and_systems(spec: Mapping[str, Any]) -> list[Problem]:
    problems = []
    systems = [_text(entry, "id") for entry in _entries(spec, "systems")]
    declared = [s for s in systems if s is not None]
    used = set()
    for scale in _entries(spec, "scales"):
        system = _text(scale, "system")
        if system is None:
            continue
        used.add(system)
        if system not in declared:
            listing = (
                f" Declared systems: {', '.join(declared)}."
                if declared
                else " The bank declares no systems: add one under 'systems' or remove the field."
            )
            problems.append(
                error(
                    f"system {system!r} is not declared under 'systems'."
                    f"{_did_you_mean(system, declared)}{listing}",
                    scale=_text(scale, "id"),
                    field="system",
                )
            )
    for system in declared:
        if system not in used:
            problems.append(
                _warning(
                    f"system {system!r} has no scales. Give its scales 'system: {system}' or "
                    "remove it.",
                    field=f"systems[{system}]",
                )
            )
    return problems


def _check_items_and_scales(spec: Mapping[str, Any]) -> list[Problem]:
    problems = []
    scales = [_text(entry, "id") for entry in _entries(spec, "scales")]
    declared = [s for s in scales if s is not None]
    counts: Counter[str] = Counter()
    for item in _entries(spec, "items"):
        scale = _text(item, "scale")
        if scale is None:
            continue
        counts[scale] += 1
        if scale not in declared:
            problems.append(
                error(
                    f"scale {scale!r} is not declared under 'scales'."
                    f"{_did_you_mean(scale, declared)} Declared scales: {', '.join(declared)}.",
                    item=_text(item, "id"),
                    scale=scale,
                    field="scale",
                )
            )
    for scale in dict.fromkeys(declared):
        n = counts[scale]
        if n == 0:
            problems.append(
                error(
                    f"scale {scale!r} has no items. Add items with 'scale: {scale}' or remove "
                    "the scale.",
                    scale=scale,
                )
            )
        elif n < _MIN_ITEMS:
            problems.append(
                _warning(
                    f"scale {scale!r} has only {n} item(s). A scale needs at least "
                    f"{_MIN_ITEMS} items for an internal-consistency estimate and a "
                    "just-identified one-factor model; add items or merge it with another scale.",
                    scale=scale,
                )
            )
    return problems


def _check_pairs(spec: Mapping[str, Any]) -> list[Problem]:
    problems = []
    valence = {
        _text(scale, "id"): scale.get("valence") if scale.get("valence") in _VALENCES else None
        for scale in _entries(spec, "scales")
    }
    items: dict[str, Mapping[str, Any]] = {}
    for item in _entries(spec, "items"):
        item_id = _text(item, "id")
        if item_id is not None:
            items.setdefault(item_id, item)

    def valence_of(item_id: str) -> str | None:
        scale = _text(items[item_id], "scale")
        return valence.get(scale) if scale is not None else None

    def describe(item_id: str) -> str:
        scale = _text(items[item_id], "scale")
        kind = valence_of(item_id)
        return f"scale {scale!r} ({'valence: ' + kind if kind else 'no valence'})"

    claimed: dict[str, str] = {}
    for item_id, item in items.items():
        target = _text(item, "pair")
        if target is None or valence_of(item_id) != "gain":
            continue
        where = {"item": item_id, "scale": _text(item, "scale"), "field": "pair"}
        if target not in items:
            problems.append(
                error(
                    f"pair {target!r} is not an item of this bank.{_did_you_mean(target, items)} "
                    "A gain item's pair is the id of its matched loss item.",
                    **where,
                )
            )
        elif target == item_id:
            problems.append(error("an item cannot be paired with itself.", **where))
        elif valence_of(target) != "loss":
            problems.append(
                error(
                    f"pair {target!r} is in {describe(target)}; a gain item's pair must be an "
                    "item of a scale with valence: loss.",
                    **where,
                )
            )
        elif target in claimed:
            problems.append(
                error(
                    f"loss item {target!r} is already the pair of gain item {claimed[target]!r}; "
                    "each loss item is matched to exactly one gain item.",
                    **where,
                )
            )
        else:
            claimed[target] = item_id

    for item_id, item in items.items():
        target = _text(item, "pair")
        kind = valence_of(item_id)
        if target is None or kind == "gain":
            continue
        where = {"item": item_id, "scale": _text(item, "scale"), "field": "pair"}
        if kind != "loss":
            problems.append(
                error(
                    f"only items of gain (or loss) scales take a pair; this item is in "
                    f"{describe(item_id)}. Set the scale's valence or remove the field.",
                    **where,
                )
            )
        elif target not in items:
            problems.append(
                error(
                    f"pair {target!r} is not an item of this bank.{_did_you_mean(target, items)} "
                    "On a loss item, pair may repeat the id of its gain item.",
                    **where,
                )
            )
        elif valence_of(target) != "gain":
            problems.append(
                error(
                    f"pair {target!r} is in {describe(target)}; a pair on a loss item must point "
                    "back to its gain item.",
                    **where,
                )
            )
        elif claimed.get(item_id) != target:
            declared = _text(items[target], "pair")
            if declared is None:
                detail = (
                    f"gain item {target!r} does not declare this pair. Pairs are read from gain "
                    f"items: add 'pair: {item_id}' to item {target!r}"
                )
            else:
                detail = (
                    f"gain item {target!r} is paired with {declared!r}, not with {item_id!r}. "
                    "Declare each pair once, on its gain item"
                )
            problems.append(
                error(f"{detail} (repeating it on the loss item is optional).", **where)
            )

    if claimed:
        for item_id, item in items.items():
            kind = valence_of(item_id)
            where = {"item": item_id, "scale": _text(item, "scale"), "field": "pair"}
            if kind == "loss" and item_id not in claimed:
                problems.append(
                    _warning(
                        "this loss item is not matched to any gain item, although the bank has "
                        "gain/loss pairs; item-level asymmetry checks leave it out. Name it as "
                        "the pair of its gain item.",
                        **where,
                    )
                )
            elif kind == "gain" and item_id not in claimed.values() and not _text(item, "pair"):
                problems.append(
                    _warning(
                        "this gain item has no pair, although the bank has gain/loss pairs; "
                        "item-level asymmetry checks leave it out. Add 'pair: <loss item id>'.",
                        **where,
                    )
                )
    return problems


def _check_derived_scores(spec: Mapping[str, Any]) -> list[Problem]:
    problems = []
    declared = [s for s in (_text(e, "id") for e in _entries(spec, "scales")) if s is not None]
    for index, score in enumerate(_entries(spec, "derived_scores")):
        score_id = _text(score, "id") or str(index)
        kind = score.get("kind")
        fields = ("numerator", "denominator") if kind == "ratio" else ("scales",)
        unused = ("scales",) if kind == "ratio" else ("numerator", "denominator")
        if kind not in ("ratio", "item_mean"):
            continue
        for key in unused:
            if key in score:
                problems.append(
                    error(
                        f"field {key!r} is not used by kind {kind!r}, which takes "
                        f"{' and '.join(fields)}. Remove it.",
                        field=f"derived_scores[{score_id}].{key}",
                    )
                )
        references = []
        for key in fields:
            value = score.get(key)
            values = value if isinstance(value, list) else [value]
            references += [(key, v) for v in values if isinstance(v, str)]
        for key, scale in references:
            if scale not in declared:
                problems.append(
                    error(
                        f"scale {scale!r} is not declared under 'scales'."
                        f"{_did_you_mean(scale, declared)} Derived scores are built from scales.",
                        field=f"derived_scores[{score_id}].{key}",
                    )
                )
    return problems


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _check_hypotheses(spec: Mapping[str, Any]) -> list[Problem]:
    problems = []
    scales = [s for s in (_text(e, "id") for e in _entries(spec, "scales")) if s is not None]
    composite = []
    non_composite = []
    for system in _entries(spec, "systems"):
        system_id = _text(system, "id")
        if system_id is not None:
            (non_composite if system.get("composite") is False else composite).append(system_id)
    scores = scales + composite
    seen_ids: Counter[str] = Counter()
    seen_pairs: dict[frozenset[str], str] = {}
    for index, entry in enumerate(_entries(spec, "hypotheses")):
        name = _text(entry, "id") or str(index)
        seen_ids[name] += 1
        if seen_ids[name] == 2:
            problems.append(
                error(
                    f"hypothesis id {name!r} is used more than once under 'hypotheses'; "
                    "hypothesis ids must be unique. Rename all but one.",
                    field=f"hypotheses[{name}].id",
                )
            )
        pair = entry.get("scales")
        named = [v for v in pair if isinstance(v, str)] if isinstance(pair, list) else []
        for score in named:
            if score in non_composite:
                problems.append(
                    error(
                        f"system {score!r} has composite: false, so it has no score to "
                        "correlate. Name one of its scales instead.",
                        field=f"hypotheses[{name}].scales",
                    )
                )
            elif score not in scores:
                problems.append(
                    error(
                        f"{score!r} is neither a scale nor a composite system of this bank."
                        f"{_did_you_mean(score, scores)} A hypothesis names two scores.",
                        field=f"hypotheses[{name}].scales",
                    )
                )
        expected = entry.get("expected")
        low = _number_or_none(entry.get("min_abs_r"))
        high = _number_or_none(entry.get("max_abs_r"))
        if expected == "weak" and "min_abs_r" in entry:
            problems.append(
                error(
                    "min_abs_r is not used by a 'weak' hypothesis, which says only that |r| is "
                    "at most max_abs_r. Remove it, or expect 'positive' or 'negative'.",
                    field=f"hypotheses[{name}].min_abs_r",
                )
            )
        elif low is not None and high is not None and low >= high:
            problems.append(
                error(
                    f"min_abs_r ({low:g}) must be below max_abs_r ({high:g}); no correlation "
                    "could confirm this hypothesis.",
                    field=f"hypotheses[{name}].max_abs_r",
                )
            )
        if len(named) == 2 and named[0] != named[1]:
            key = frozenset(named)
            if key in seen_pairs:
                problems.append(
                    _warning(
                        f"scores {named[0]!r} and {named[1]!r} are already the subject of "
                        f"hypothesis {seen_pairs[key]!r}; two hypotheses on one correlation "
                        "count it twice in the share of confirmed hypotheses. Merge them.",
                        field=f"hypotheses[{name}].scales",
                    )
                )
            else:
                seen_pairs[key] = name
    return problems


CHECKS = (
    _check_ids,
    _check_response_format,
    _check_scoring,
    _check_scales_and_systems,
    _check_items_and_scales,
    _check_pairs,
    _check_derived_scores,
    _check_hypotheses,
)

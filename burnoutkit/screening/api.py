"""Careless-responding screening in one call: :func:`screen`."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BankError, BurnoutkitWarning, DataError, ResponseWarning
from burnoutkit.responses import Responses, _checked_for, _format_ids, check_responses
from burnoutkit.screening import _indices as ix
from burnoutkit.screening._cutoffs import (
    COMPUTED,
    column_of,
    flag_frame,
    join_reasons,
    reason_frame,
    resolve_cutoffs,
    rule_text,
    too_small_for,
)
from burnoutkit.screening.result import ScreeningResult

__all__ = ["screen"]

PairSpec = str | Sequence[Sequence[str]]


def screen(
    bank: ItemBank,
    data: Responses | pd.DataFrame | str | PathLike[str],
    *,
    id_column: str | None = None,
    cutoffs: Mapping[str, float | None] | None = None,
    indices: Sequence[str] | None = None,
    random_state: int | np.random.Generator | None = None,
    synonyms: PairSpec = "sample",
    antonyms: PairSpec = "sample",
    pair_r: float | None = None,
    resample_na: bool = True,
    on_problem: str | None = None,
) -> ScreeningResult:
    r"""Screen responses for careless responding: indices, flags and who to exclude.

    Computes, for every respondent, the established careless-responding indices of Curran
    (2016) and Meade and Craig (2012), as defined in the R package careless (Yentes & Wilhelm):
    the longest and the average run of identical consecutive answers (long-string), the
    intra-individual response variability (IRV), the Mahalanobis distance, even-odd
    consistency, psychometric synonyms and antonyms, and the share of unanswered items; flags
    every index beyond its cut-off and says why.

    Parameters
    ----------
    bank : ItemBank
        The item bank: its scales, item order and reverse keys are used (see Notes).
    data : Responses, pandas.DataFrame or path-like
        Responses from :func:`check_responses`, or anything it accepts.
    id_column : str, optional
        Column that identifies respondents (raw data only); it is repeated as the first column
        of :attr:`ScreeningResult.indices` and of the exclusion table.
    cutoffs : mapping of str to float or None, optional
        Cut-offs overriding the defaults (table below), by index name; None reports an index
        without flagging it.
    indices : sequence of str, optional
        The indices to compute, out of ``"longstring"`` (with ``longstring_avg``), ``"irv"``,
        ``"mahalanobis"``, ``"even_odd"``, ``"psychsyn"``, ``"psychant"``,
        ``"missing_share"``; default all.
    random_state : int, numpy.random.Generator or None
        Seeds the random re-ordering of item pairs (``resample_na``), the only random step.
    synonyms : {"sample", "bank"} or sequence of (str, str), default "sample"
        The item pairs of ``psychsyn``: ``"sample"`` selects pairs whose sample correlation
        exceeds the critical value (careless's rule), ``"bank"`` uses the bank's matched
        gain/loss pairs, or give the pairs of item ids.
    antonyms : "sample" or sequence of (str, str), default "sample"
        The item pairs of ``psychant``: pairs whose sample correlation is below minus the
        critical value, or the pairs of item ids.
    pair_r : float, optional
        Critical correlation for ``"sample"`` pairs, in (0, 1). Default: .60 (careless's
        default), lowered in steps of .05 down to .30 until at least 10 pairs qualify (see
        Notes); the value used is in :attr:`ScreeningResult.pairs`.
    resample_na : bool, default True
        careless's ``resample_na``: when a within-person pair correlation is undefined because
        the answers to one side of the pairs do not vary, put the two items of every pair in
        random order and recompute, up to ten times.
    on_problem : {"raise", "missing"}, optional
        Passed to :func:`check_responses` for raw data. Default: answers outside the response
        format raise :class:`~burnoutkit.ResponseError`, but respondents who answered no item
        are kept (and flagged by ``missing_share``) with a warning.

    Returns
    -------
    ScreeningResult
        ``indices``, ``flags``, ``flagged``, ``reasons``, ``cutoffs``, ``summary``,
        ``not_computed``; ``exclude()`` and ``evaluate(truth)``.

    Raises
    ------
    ResponseError
        From :func:`check_responses`: items of the bank missing from the data (with close
        matches), answers outside the response format, duplicated or missing ids.
    DataError
        Responses checked against another bank, or item pairs naming items that are not in
        the bank.
    BankError
        ``synonyms="bank"`` for a bank without matched pairs.
    ValueError
        An unknown index name in ``indices`` or ``cutoffs``, or a parameter out of range.

    Warns
    -----
    ResponseWarning
        Respondents answered no item (their ids are named); they are flagged by
        ``missing_share`` and every other index is NaN for them.
    BurnoutkitWarning
        No Mahalanobis distance can be computed because the covariance matrix of the items is
        singular (the reason names the items).

    Notes
    -----
    Answers are used on the bank's response scale and in the bank's item order (the order in
    which the inventory is administered). Missing answers are never imputed.

    **Long-string** (Johnson, 2005; careless ``longstring``): ``longstring`` is the longest run
    of identical consecutive answers, ``longstring_avg`` the number of answered items divided
    by the number of runs. A missing answer ends a run and is not itself a run.

    **IRV** (Dunn et al., 2018; careless ``irv``): the standard deviation (:math:`n - 1`) of a
    respondent's answered items. Low values mean straight-lining.

    **Mahalanobis distance** (Meade & Craig, 2012; careless ``mahad``):
    :math:`D^2_i = (x_{iO} - \bar x_O)' S_{OO}^{-1} (x_{iO} - \bar x_O)` over the items
    :math:`O` respondent :math:`i` answered, with :math:`\bar x` the item means and :math:`S`
    the pairwise-complete covariance matrix (R's ``cov(x, use = "pairwise")``), and
    ``mahalanobis_p`` the upper tail of :math:`\chi^2_{|O|}`. For respondents who answered
    every item this is careless's ``mahad`` (``psych::outlier``); for the others ``mahad``
    sets missing deviations to 0 and keeps all :math:`p` degrees of freedom, which shrinks
    their distances, whereas :math:`S_{OO}^{-1}` gives the exact distance over the answered
    items.

    **Even-odd consistency** (Johnson, 2005; careless ``evenodd``): answers are reverse-keyed
    first (:math:`\min + \max - x`); for each scale of the bank the mean of its odd-numbered
    answered items (1st, 3rd, ...) and of its even-numbered items (2nd, 4th, ...) are formed;
    :math:`r` is the correlation of the odd and the even means across the scales with both
    halves, :math:`r_{SB} = 2r / (1 + r)` (set to -1 below -1), and ``even_odd`` is
    :math:`-r_{SB}`, careless's sign since version 1.2.0 (higher = more careless). It needs at
    least 3 scales with both halves answered (careless computes it from 2).

    **Psychometric synonyms and antonyms** (Meade & Craig, 2012; careless ``psychsyn``,
    ``psychant``): the within-person correlation, across item pairs, of the answers to the two
    items of each pair, over at least 3 pairs with both items answered. Synonyms are item
    pairs whose sample correlation (pairwise complete) is above the critical value,
    antonyms pairs below minus it; answers are used as given (not reverse-keyed). careless's
    critical value is .60; an inventory whose items correlate less has few or no such pairs,
    and a within-person correlation over :math:`k` pairs has a sampling SD of about
    :math:`1/\sqrt{k - 1}` for a random responder, so with fewer than 10 pairs it cannot tell
    random from careful responding. By default the critical value is therefore lowered in
    steps of .05 (to .30 at most) until 10 pairs qualify; a note records it. Pass ``pair_r``
    for careless's fixed rule.

    **Missing share**: the share of the bank's items left unanswered.

    Default cut-offs (``cutoffs=`` overrides them; ``ScreeningResult.cutoffs`` has those used):

    ==================  =====================  ===============================================
    index               flagged when           source
    ==================  =====================  ===============================================
    ``longstring``      >= 10 (half the items  Johnson (2005): cut-offs of about 6-14
                        if the bank has fewer  identical answers in a 300-item inventory,
                        than 20)               where the count of ever longer strings
                                               levels off; Curran (2016)
    ``longstring_avg``  not flagged            no established cut-off
    ``irv``             not flagged            no established cut-off (Dunn et al., 2018
                                               compare distributions); a cut-off flags
                                               ``irv <= cutoff``
    ``mahalanobis``     p < .001               Tabachnick & Fidell (2013) for multivariate
                                               outliers; Meade & Craig (2012)
    ``even_odd``        > -.30 (not flagged    Johnson (2005): consistency below .30; the
                        with fewer than 10     BAI's reference cohort for the bank size
                        scales of 4+ items)    (``screening.too_small_for``)
    ``psychsyn``        < 0 (not flagged       a careful responder's synonym correlation is
                        with fewer than 50     positive, a random responder's 0 (Meade &
                        items)                 Craig, 2012); bank size as for even-odd
    ``psychant``        not flagged            confounded with acquiescence: a careful
                                               respondent who agrees with both poles of a
                                               pair has a positive antonym correlation; a
                                               cut-off of 0 flags ``psychant > 0``
    ``missing_share``   > 1 - ``min_share``    more items unanswered than the bank's scoring
                                               rule (``bank.scoring.min_share``) allows for
                                               a scale score
    ==================  =====================  ===============================================

    The covariance matrix and the synonym pairs are estimated from the screened sample itself,
    careless responders included (as in careless).

    References
    ----------
    Curran, P. G. (2016). Methods for the detection of carelessly invalid responses in survey
    data. *Journal of Experimental Social Psychology, 66*, 4-19.

    Meade, A. W., & Craig, S. B. (2012). Identifying careless responses in survey data.
    *Psychological Methods, 17*(3), 437-455.

    Johnson, J. A. (2005). Ascertaining the validity of individual protocols from Web-based
    personality inventories. *Journal of Research in Personality, 39*(1), 103-129.

    Dunn, A. M., Heggestad, E. D., Shanock, L. R., & Theilgard, N. (2018). Intra-individual
    response variability as an indicator of insufficient effort responding. *Journal of
    Business and Psychology, 33*(1), 105-121.

    Yentes, R. D., & Wilhelm, F. (2023). *careless: Procedures for computing indices of
    careless responding* (R package version 1.2.2).

    Tabachnick, B. G., & Fidell, L. S. (2013). *Using multivariate statistics* (6th ed.).
    Pearson.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bank = bk.load_bank("bai")
    >>> data = bk.datasets.load_reference_cohort().data
    >>> data.loc[0, bank.item_ids] = 3.0          # a straight-liner
    >>> res = bk.screen(bank, data, id_column="id", random_state=1)
    >>> list(res.flags.columns)
    ['longstring', 'mahalanobis', 'even_odd', 'psychsyn', 'missing_share']
    >>> res.reasons[0].split("; ")[0]
    'longstring 78 >= 10'
    >>> kept, excluded = res.exclude()
    >>> len(kept) + len(excluded) == len(data)
    True

    R (careless 1.2.2): ``longstring(x, avg = TRUE)``, ``irv(x)``, ``mahad(x)``,
    ``evenodd(keyed, factors)``, ``psychsyn(x, .60)``, ``psychant(x, -.60)``.
    """
    if not isinstance(bank, ItemBank):
        raise TypeError(
            "The 'bank' parameter of screen must be an ItemBank (e.g. bk.load_bank('bai')); got "
            f"{type(bank).__name__}. The bank comes first: bk.screen(bank, data)."
        )
    computed = _check_indices(indices)
    used_cutoffs = resolve_cutoffs(bank, cutoffs, computed)
    if pair_r is not None and not (isinstance(pair_r, float | int) and 0.0 < pair_r < 1.0):
        raise ValueError(
            f"The 'pair_r' parameter of screen must be a number in (0, 1) or None; got {pair_r!r}."
        )
    if not isinstance(resample_na, bool):
        raise TypeError(
            f"The 'resample_na' parameter of screen must be a bool; got {resample_na!r}."
        )
    synonym_spec = _check_pairs(bank, synonyms, "synonyms", allow_bank=True)
    antonym_spec = _check_pairs(bank, antonyms, "antonyms", allow_bank=False)

    responses, frame = _responses(bank, data, id_column, on_problem)
    x = responses.items.to_numpy(dtype=float)
    n = x.shape[0]
    index = frame.index if frame is not None and len(frame) == n else responses.items.index
    ids = responses.items.index
    empty = np.isnan(x).all(axis=1)
    if empty.any():
        warnings.warn(
            f"{int(empty.sum())} respondent(s) answered no item of bank {bank.id!r}: "
            f"{_format_ids(ids[empty].tolist())}. They are flagged by missing_share (1.0) and "
            "every other screening index is missing for them.",
            ResponseWarning,
            stacklevel=2,
        )

    values: dict[str, np.ndarray] = {}
    why: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {"n_answered": (~np.isnan(x)).sum(axis=1).astype(float)}
    notes: list[str] = []
    pair_rows: list[dict[str, Any]] = []
    item_r: np.ndarray | None = None
    rng = np.random.default_rng(random_state)
    for name, reason in too_small_for(bank).items():
        if name in computed and used_cutoffs.get(name) is None:
            notes.append(
                f"{name} is reported but does not flag by default: {reason} (a careful "
                f"respondent's within-person correlation over so few points scatters too "
                f"widely); pass cutoffs={{{name!r}: ...}} to flag with it."
            )

    if "longstring" in computed:
        longest, average, reasons = ix.longstring(x)
        values |= {"longstring": longest, "longstring_avg": average}
        why |= {"longstring": reasons, "longstring_avg": reasons}
    if "irv" in computed:
        values["irv"], why["irv"] = ix.irv(x)
    if "mahalanobis" in computed:
        d2, pval, reasons, problem = ix.mahalanobis(x, bank.item_ids)
        values |= {"mahalanobis_d2": d2, "mahalanobis_p": pval}
        why |= {"mahalanobis_d2": reasons, "mahalanobis_p": reasons}
        if problem:
            message = f"No Mahalanobis distance could be computed: {problem}."
            notes.append(message)
            warnings.warn(message, BurnoutkitWarning, stacklevel=2)
    if "even_odd" in computed:
        keyed = _keyed(bank, x)
        position = {item: j for j, item in enumerate(bank.item_ids)}
        scales = [
            np.array([position[item] for item in bank.items_of(s)], dtype=int)
            for s in bank.scale_ids
        ]
        scales = [cols for cols in scales if len(cols)]
        eo, used, reasons = ix.even_odd(keyed, scales)
        values["even_odd"], why["even_odd"] = eo, reasons
        counts["even_odd_scales"] = used
        usable = sum(len(cols) >= 2 for cols in scales)
        if usable < ix.MIN_SCALES:
            notes.append(
                f"even_odd needs at least {ix.MIN_SCALES} scales with two or more items; bank "
                f"{bank.id!r} has {usable}."
            )
    for kind, spec, name in (
        ("synonym", synonym_spec, "psychsyn"),
        ("antonym", antonym_spec, "psychant"),
    ):
        if name not in computed:
            continue
        if item_r is None:
            item_r = ix.item_correlations(x)
        first, second, r_pairs, crit, source = _pairs(bank, item_r, spec, kind, pair_r)
        for a, b, r in zip(first, second, r_pairs, strict=True):
            pair_rows.append(
                {
                    "kind": kind,
                    "item_a": bank.item_ids[a],
                    "item_b": bank.item_ids[b],
                    "r": float(r),
                    "source": source,
                    "critical_r": crit,
                }
            )
        if source == "sample" and pair_r is None and crit != ix.PAIR_R_START and len(first):
            notes.append(
                f"{name}: fewer than {ix.PAIR_TARGET} item pairs correlate "
                f"{'above ' if kind == 'synonym' else 'below -'}{ix.PAIR_R_START:.2f} in this "
                f"sample, so the critical correlation was lowered to {crit:.2f} "
                f"({len(first)} pairs)."
            )
        if len(first) < ix.MIN_PAIRS:
            reason = (
                f"only {len(first)} {kind} pair(s) "
                + (
                    f"with r {'>' if kind == 'synonym' else '< -'}{crit:.2f} in the sample"
                    if source == "sample"
                    else f"({source})"
                )
                + f"; {name} needs at least {ix.MIN_PAIRS}"
            )
            notes.append(f"{name} was not computed: {reason}.")
            values[name] = np.full(n, np.nan)
            why[name] = np.full(n, reason, dtype=object)
            counts[f"{name}_pairs"] = np.zeros(n)
            counts[f"{name}_resampled"] = np.zeros(n, dtype=bool)
            continue
        r, k, resampled, reasons = ix.within_person_pairs(
            x, first, second, resample_na=resample_na, rng=rng
        )
        values[name], why[name] = r, reasons
        counts[f"{name}_pairs"] = k
        counts[f"{name}_resampled"] = resampled
    if "missing_share" in computed:
        values["missing_share"] = ix.missing_share(x)
        why["missing_share"] = np.full(n, "", dtype=object)

    order = [column for name in COMPUTED if name in computed for column in COMPUTED[name]]
    for column in order:
        if column != "missing_share":
            why[column] = np.where(empty, ix.NO_ANSWER, why[column])
    table = pd.DataFrame({column: values[column] for column in order}, index=index)
    not_computed = pd.DataFrame(
        {column: why[column] for column in order}, index=index, dtype=object
    )
    if responses.id_column is not None:
        id_name = responses.id_column
        table.insert(0, id_name, ids.to_numpy())
        not_computed.insert(0, id_name, ids.to_numpy())
    not_computed = not_computed.where(_blank_computed(not_computed, table, order), "")
    flags = flag_frame(table, used_cutoffs)
    flagged = flags.any(axis=1).rename("flagged")
    reasons_text = join_reasons(reason_frame(table, flags, used_cutoffs))
    summary = _summary(table, flags, used_cutoffs)
    count_frame = pd.DataFrame(counts, index=index)
    for column in count_frame.columns:
        if column.endswith("_resampled"):
            count_frame[column] = count_frame[column].astype(bool)
        else:
            count_frame[column] = count_frame[column].astype(int)
    kept_source = frame if frame is not None else _frame_of(responses)
    return ScreeningResult(
        indices=table,
        flags=flags,
        flagged=flagged,
        reasons=reasons_text,
        cutoffs=used_cutoffs,
        summary=summary,
        not_computed=not_computed,
        counts=count_frame,
        pairs=pd.DataFrame(
            pair_rows, columns=["kind", "item_a", "item_b", "r", "source", "critical_r"]
        ),
        notes=tuple(notes),
        bank=bank,
        id_column=responses.id_column,
        data=kept_source,
    )


# --------------------------------------------------------------------------- inputs
def _check_indices(indices: Sequence[str] | None) -> list[str]:
    if indices is None:
        return list(COMPUTED)
    if isinstance(indices, str):
        indices = [indices]
    names = list(indices)
    unknown = [name for name in names if name not in COMPUTED]
    if unknown:
        hints = {name: difflib.get_close_matches(name, list(COMPUTED), n=1) for name in unknown}
        hint = "; ".join(f"{k!r} -> {v[0]!r}" for k, v in hints.items() if v)
        raise ValueError(
            f"The 'indices' parameter of screen has unknown index name(s) {unknown}; choose "
            f"from {list(COMPUTED)}." + (f" Did you mean: {hint}?" if hint else "")
        )
    if not names:
        raise ValueError("The 'indices' parameter of screen is empty; name at least one index.")
    return [name for name in COMPUTED if name in names]


def _check_pairs(
    bank: ItemBank, spec: Any, parameter: str, *, allow_bank: bool
) -> str | list[tuple[str, str]]:
    choices = ["sample", "bank"] if allow_bank else ["sample"]
    if isinstance(spec, str):
        if spec not in choices:
            raise ValueError(
                f"The {parameter!r} parameter of screen must be one of {choices} or a sequence "
                f"of item pairs; got {spec!r}."
            )
        if spec == "bank" and not bank.pairs:
            raise BankError(
                f"Bank {bank.id!r} ({bank.source}) declares no matched item pairs (field "
                "'pair' of its gain items), so synonyms='bank' has nothing to use. Use "
                "synonyms='sample' or pass the pairs of item ids."
            )
        return spec
    try:
        pairs = [tuple(pair) for pair in spec]
    except TypeError:
        raise ValueError(
            f"The {parameter!r} parameter of screen must be one of {choices} or a sequence of "
            f"item pairs such as [('ex1', 'ex2')]; got {spec!r}."
        ) from None
    bad = [pair for pair in pairs if len(pair) != 2 or pair[0] == pair[1]]
    if bad:
        raise ValueError(
            f"Every entry of {parameter!r} must be a pair of two different item ids; got {bad[:5]}."
        )
    known = set(bank.item_ids)
    unknown = sorted({item for pair in pairs for item in pair if item not in known})
    if unknown:
        hints = [
            f"{item!r} -> {close[0]!r}"
            for item in unknown
            if (close := difflib.get_close_matches(str(item), bank.item_ids, n=1))
        ]
        raise DataError(
            f"Items {unknown} in the {parameter!r} pairs are not items of bank {bank.id!r}."
            + (f" Did you mean: {', '.join(hints)}?" if hints else "")
            + " Name pairs by the bank's item ids."
        )
    return [(str(a), str(b)) for a, b in pairs]


def _responses(
    bank: ItemBank, data: Any, id_column: str | None, on_problem: str | None
) -> tuple[Responses, pd.DataFrame | None]:
    """Return checked responses and, for a DataFrame, the frame itself (for ``exclude``)."""
    if isinstance(data, Responses):
        checked = _checked_for(data, bank, id_column=id_column, on_problem=on_problem,
                               function="screen", role="used for screening")
        return checked, None
    frame = data if isinstance(data, pd.DataFrame) else None
    if on_problem is not None:
        return check_responses(bank, data, id_column=id_column, on_problem=on_problem), frame
    # Respondents who answered nothing are what screening is for: keep them, but let every
    # other problem raise as check_responses does by default.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        responses = check_responses(bank, data, id_column=id_column, on_problem="missing")
    serious = responses.problems["problem"].isin(["not_numeric", "not_integer", "out_of_range"])
    if serious.any():
        check_responses(bank, data, id_column=id_column, on_problem="raise")
    for warning in caught:
        if not issubclass(warning.category, ResponseWarning):
            warnings.warn(warning.message, warning.category, stacklevel=3)
    return responses, frame


def _frame_of(responses: Responses) -> pd.DataFrame:
    frame = pd.concat([responses.covariates, responses.items], axis=1)
    if responses.id_column is not None:
        frame = frame.reset_index()
    return frame


def _keyed(bank: ItemBank, x: np.ndarray) -> np.ndarray:
    keys = bank.keys.reindex(bank.item_ids).to_numpy()
    low, high = bank.response_format.min, bank.response_format.max
    return np.where(keys < 0, low + high - x, x)


def _pairs(
    bank: ItemBank,
    item_r: np.ndarray,
    spec: str | list[tuple[str, str]],
    kind: str,
    pair_r: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, str]:
    """(first item positions, second item positions, sample r, critical r, source)."""
    if spec == "sample":
        first, second, r, crit = ix.sample_pairs(item_r, antonyms=kind == "antonym", pair_r=pair_r)
        return first, second, r, crit, "sample"
    pairs = bank.pairs if spec == "bank" else spec
    position = {item: j for j, item in enumerate(bank.item_ids)}
    first = np.array([position[a] for a, _ in pairs], dtype=int)
    second = np.array([position[b] for _, b in pairs], dtype=int)
    source = "bank" if spec == "bank" else "given"
    return first, second, item_r[first, second], float("nan"), source


def _blank_computed(reasons: pd.DataFrame, table: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Return True where a reason is kept: the index value is NaN (other columns: always)."""
    keep = pd.DataFrame(True, index=reasons.index, columns=reasons.columns)
    keep[order] = table[order].isna().to_numpy()
    return keep


def _summary(
    table: pd.DataFrame, flags: pd.DataFrame, cutoffs: Mapping[str, float | None]
) -> pd.DataFrame:
    rows = []
    n = len(table)
    for name, cutoff in cutoffs.items():
        values = table[column_of(name)]
        n_flagged = int(flags[name].sum()) if name in flags.columns else 0
        rows.append(
            {
                "index": name,
                "n_computed": int(values.notna().sum()),
                "n_flagged": n_flagged,
                "share_flagged": n_flagged / n if n else float("nan"),
                "cutoff": float("nan") if cutoff is None else float(cutoff),
                "rule": rule_text(name, cutoff),
            }
        )
    return pd.DataFrame(rows).set_index("index")

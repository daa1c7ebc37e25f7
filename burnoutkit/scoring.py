"""Scale, system, derived and asymmetry scores from an item bank; norms (T-scores, percentiles).

:func:`score` applies the bank's keys and scoring rule to checked responses;
:func:`norms` and :func:`norm_table` express scores against a reference sample. The formulas and
their sources are collected in ``docs/scoring.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit._result import Result
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BankError, BurnoutkitWarning, DataError, ProratingWarning
from burnoutkit.responses import (
    OnProblem,
    Responses,
    _checked_for,
    _format_ids,
    _read_data,
    check_responses,
)

__all__ = ["NormsResult", "ScoreResult", "norm_table", "norms", "score"]

_TIE_DECIMALS = 10  # scores equal to this many decimals are ties in percentile ranks


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ScoreResult(Result):
    """Per-respondent scores (the result of :func:`score`).

    Every table is indexed by respondent id (the index of :attr:`Responses.items`).

    Attributes
    ----------
    bank : ItemBank
        The bank whose keys and scoring rule were applied.
    responses : Responses
        The checked responses that were scored.
    scales : pandas.DataFrame
        One column per scale (bank order): the mean (or prorated sum) of the answered keyed item
        scores; NaN where fewer than ``min_share`` of the scale's items were answered.
    systems : pandas.DataFrame
        One column per composite system: the mean of its scale scores; NaN when any of them is
        NaN. No columns when the bank has no composite system.
    derived : pandas.DataFrame
        One column per derived score of the bank (e.g. an effort-reward ratio).
    asymmetry : pandas.Series or None
        The gain/loss asymmetry index (standardized loss minus standardized gain scale score),
        or None for a bank without gain/loss pairs.
    n_answered : pandas.DataFrame
        Number of answered items per respondent and scale.
    asymmetry_norms : pandas.DataFrame or None
        Mean, SD and n used to standardize the gain and loss scales, and whether they came from
        the ``"sample"`` or a ``"reference"``.
    method : {"mean", "sum"}
        The bank's scoring method.
    min_share : float
        The bank's minimum share of answered items.
    transform_range : tuple of float or None
        The range keyed item scores were rescaled to, if any.
    """

    bank: ItemBank
    responses: Responses
    scales: pd.DataFrame
    systems: pd.DataFrame
    derived: pd.DataFrame
    asymmetry: pd.Series | None
    n_answered: pd.DataFrame
    asymmetry_norms: pd.DataFrame | None
    method: str
    min_share: float
    transform_range: tuple[float, float] | None

    def _parts(self) -> list[tuple[pd.DataFrame, str, pd.DataFrame]]:
        """(scores, kind, items answered) for each kind of score."""
        n = self.n_answered
        systems_n = pd.DataFrame(
            {s: n[self.bank.scales_of(s)].sum(axis=1) for s in self.systems.columns},
            index=n.index,
        )
        derived_n = pd.DataFrame(
            {
                d.id: n[list(d.scales) if d.kind == "item_mean" else [d.numerator, d.denominator]]
                .sum(axis=1)
                for d in self.bank.derived_scores
                if d.id in self.derived.columns
            },
            index=n.index,
        )
        parts = [
            (self.scales, "scale", n),
            (self.systems, "system", systems_n),
            (self.derived, "derived", derived_n),
        ]
        if self.asymmetry is not None:
            gain, loss = self.asymmetry_norms.index[:2]  # type: ignore[union-attr]
            asym_n = (n[gain] + n[loss]).rename("asymmetry").to_frame()
            parts.append((self.asymmetry.to_frame(), "asymmetry", asym_n))
        return parts

    def scores(self) -> pd.DataFrame:
        """All scores side by side: scales, systems, derived scores and ``asymmetry``."""
        return pd.concat([part for part, _, _ in self._parts()], axis=1)

    def tidy(self) -> pd.DataFrame:
        """Long table: ``respondent, score, kind, value, n_answered``.

        ``kind`` is ``scale``, ``system``, ``derived`` or ``asymmetry``; ``n_answered`` counts
        the answered items behind the score (summed over the scales a system, derived score or
        asymmetry index is built from).
        """
        pieces = []
        for part, kind, answered in self._parts():
            for column in part.columns:
                pieces.append(
                    pd.DataFrame(
                        {
                            "respondent": part.index,
                            "score": column,
                            "kind": kind,
                            "value": part[column].to_numpy(),
                            "n_answered": answered[column].to_numpy(),
                        }
                    )
                )
        return pd.concat(pieces, ignore_index=True)

    def glance(self) -> pd.DataFrame:
        """One row: respondents, numbers of scores, the scoring rule and missing scores."""
        n_items = self.n_answered.copy()
        k = pd.Series({s: len(self.bank.items_of(s)) for s in self.scales.columns})
        scored = self.scales.notna()
        return pd.DataFrame(
            [
                {
                    "bank": self.bank.id,
                    "n_respondents": len(self.scales),
                    "n_scales": self.scales.shape[1],
                    "n_systems": self.systems.shape[1],
                    "n_derived": self.derived.shape[1],
                    "asymmetry": self.asymmetry is not None,
                    "method": self.method,
                    "min_share": self.min_share,
                    "n_scale_scores_missing": int((~scored).to_numpy().sum()),
                    "n_scale_scores_prorated": int(
                        (scored & n_items.lt(k, axis=1)).to_numpy().sum()
                    ),
                }
            ]
        )

    def augment(
        self, data: pd.DataFrame | str | PathLike[str], /, *, prefix: str = ""
    ) -> pd.DataFrame:
        """Return a copy of ``data`` with one column per score (``prefix`` + score id).

        Rows are matched by the id column the responses were checked with (a column of
        ``data`` or its index), or by row position when there was none.

        Parameters
        ----------
        data : pandas.DataFrame or path-like
            The data that was scored (or any data with the same respondents).
        prefix : str, default ""
            Prepended to every new column name, e.g. ``"score_"``.

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        DataError
            If a new column name is already a column of ``data`` (pass ``prefix``), the id
            column is not in ``data``, or (without ids) the row counts differ.
        """
        frame, _, _ = _read_data(data)
        scores = self.scores().add_prefix(prefix)
        clash = [column for column in scores.columns if column in frame.columns]
        if clash:
            raise DataError(
                f"Score column(s) {clash} are already columns of the data. Pass a prefix, e.g. "
                "augment(data, prefix='score_')."
            )
        id_column = self.responses.id_column
        if id_column is None:
            if len(frame) != len(scores):
                raise DataError(
                    f"The data has {len(frame)} rows but {len(scores)} respondents were scored "
                    "by row position. Pass the data that was scored."
                )
            values = scores.to_numpy()
        elif id_column in frame.columns:
            values = scores.reindex(pd.Index(frame[id_column])).to_numpy()
        elif frame.index.name == id_column:
            values = scores.reindex(frame.index).to_numpy()
        else:
            raise DataError(
                f"The id column {id_column!r} the responses were checked with is not in the "
                "data. Pass data that has it, as a column or as the index."
            )
        added = pd.DataFrame(values, index=frame.index, columns=scores.columns)
        return pd.concat([frame.copy(), added], axis=1)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class NormsResult(Result):
    """Scores expressed against a reference sample (the result of :func:`norms`).

    Attributes
    ----------
    z : pandas.DataFrame
        ``(x - mean) / sd`` with the reference mean and SD (n - 1 denominator).
    t_scores : pandas.DataFrame
        Linear T-scores, ``50 + 10 z``.
    percentiles : pandas.DataFrame
        Mid-rank percentile ranks in [0, 100] (``method="empirical"``) or ``100 Φ(z)``
        (``method="normal"``).
    reference : pandas.DataFrame
        One row per score: ``mean``, ``sd`` and ``n`` of the reference.
    method : {"empirical", "normal"}
        ``"empirical"`` when the reference was a sample of scores, ``"normal"`` when it was a
        table of means and SDs.
    """

    z: pd.DataFrame
    t_scores: pd.DataFrame
    percentiles: pd.DataFrame
    reference: pd.DataFrame
    method: str

    def tidy(self) -> pd.DataFrame:
        """Long table: ``respondent, score, value, z, t_score, percentile``."""
        raw = self.z * self.reference["sd"] + self.reference["mean"]
        pieces = [
            pd.DataFrame(
                {
                    "respondent": self.z.index,
                    "score": column,
                    "value": raw[column].to_numpy(),
                    "z": self.z[column].to_numpy(),
                    "t_score": self.t_scores[column].to_numpy(),
                    "percentile": self.percentiles[column].to_numpy(),
                }
            )
            for column in self.z.columns
        ]
        return pd.concat(pieces, ignore_index=True)

    def glance(self) -> pd.DataFrame:
        """One row: respondents, scores, smallest reference n and the percentile method."""
        return pd.DataFrame(
            [
                {
                    "n_respondents": len(self.z),
                    "n_scores": self.z.shape[1],
                    "min_reference_n": float(self.reference["n"].min()),
                    "method": self.method,
                }
            ]
        )


# ---------------------------------------------------------------------------------------------
# scoring


def _as_responses(
    bank: Any, data: Any, id_column: str | None, on_problem: OnProblem | None
) -> Responses:
    if not isinstance(bank, ItemBank):
        raise TypeError(
            "The 'bank' parameter of score must be an ItemBank (e.g. bk.load_bank('bai')); got "
            f"{type(bank).__name__}. The bank comes first: bk.score(bank, data)."
        )
    if isinstance(data, Responses):
        return _checked_for(data, bank, id_column=id_column, on_problem=on_problem,
                            function="score", role="being scored")
    return check_responses(bank, data, id_column=id_column, on_problem=on_problem or "raise")


def _check_score_ids(bank: ItemBank, asymmetry: bool) -> None:
    names: dict[str, str] = {}
    candidates = [(s.id, "scale") for s in bank.scales]
    candidates += [(s.id, "system") for s in bank.systems if s.composite]
    candidates += [(d.id, "derived score") for d in bank.derived_scores]
    if asymmetry:
        candidates.append(("asymmetry", "asymmetry index"))
    for name, kind in candidates:
        if name in names:
            raise BankError(
                f"Bank {bank.id!r} ({bank.source}) uses the id {name!r} for a {names[name]} and "
                f"a {kind}; score ids must be unique. Rename one of them in the bank."
            )
        names[name] = kind


def _asymmetry_scales(bank: ItemBank) -> tuple[str, str] | None:
    pairs = bank.pairs
    if not pairs:
        return None
    scale_of = {item.id: item.scale for item in bank.items}
    gains = sorted({scale_of[g] for g, _ in pairs})
    losses = sorted({scale_of[loss] for _, loss in pairs if loss in scale_of})
    if len(gains) != 1 or len(losses) != 1:
        raise BankError(
            f"The gain/loss pairs of bank {bank.id!r} ({bank.source}) link gain scales {gains} "
            f"to loss scales {losses}; the asymmetry index needs exactly one gain and one loss "
            "scale. Put the paired items into one gain and one loss scale."
        )
    return gains[0], losses[0]


def score(
    bank: ItemBank,
    data: Responses | pd.DataFrame | str | PathLike[str],
    /,
    *,
    id_column: str | None = None,
    on_problem: OnProblem | None = None,
    reference: ScoreResult | pd.DataFrame | None = None,
) -> ScoreResult:
    r"""Score responses with an item bank: scales, systems, derived scores and asymmetry.

    Keys, the scoring method, the minimum share answered, any transform, the systems, the
    derived scores and the gain/loss pairs all come from the bank.

    Parameters
    ----------
    bank : ItemBank
        The item bank.
    data : Responses, pandas.DataFrame or path-like
        Responses from :func:`check_responses`, or anything it accepts (it is then called with
        ``id_column`` and ``on_problem``).
    id_column : str, optional
        Passed to :func:`check_responses` (raw data only).
    on_problem : {"raise", "missing"}, optional
        Passed to :func:`check_responses` (raw data only); None means ``"raise"``.
    reference : ScoreResult or pandas.DataFrame, optional
        Reference for standardizing the gain and loss scales in the asymmetry index: the scores
        of a reference sample (a ScoreResult or a DataFrame with the gain and loss scale
        columns) or a table with columns ``mean`` and ``sd`` indexed by scale id. By default the
        scored sample itself.

    Returns
    -------
    ScoreResult
        ``scales``, ``systems``, ``derived``, ``asymmetry``, ``n_answered``; ``tidy()``,
        ``glance()``, ``augment(data)``.

    Raises
    ------
    ResponseError
        From :func:`check_responses`, for raw data that does not fit the bank.
    DataError
        If the Responses were checked against another bank, ``reference`` is given for a bank
        without gain/loss pairs, or the gain or loss scale of ``reference`` cannot be
        standardized (fewer than two scores or zero SD).
    BankError
        If score ids clash, or the gain/loss pairs span more than one gain or loss scale.

    Warns
    -----
    ProratingWarning
        When scale scores are missing because too few items were answered; names the scales
        and the number of respondents.
    BurnoutkitWarning
        When, without ``reference``, the scored sample cannot standardize the gain or loss
        scale (fewer than two scores or zero SD, e.g. a single respondent): the asymmetry
        index is then missing for everyone. Also when a ratio's denominator is 0.

    Notes
    -----
    For respondent :math:`i` and item :math:`j` with key :math:`k_j \in \{+1, -1\}` on a
    response scale :math:`[a, b]`, the keyed score is :math:`y_{ij} = x_{ij}` for
    :math:`k_j = +1` and :math:`y_{ij} = a + b - x_{ij}` for :math:`k_j = -1`. With a transform
    range :math:`[c, d]`, :math:`y_{ij} \leftarrow c + (y_{ij} - a)(d - c)/(b - a)`.

    For a scale with :math:`K` items of which respondent :math:`i` answered the set
    :math:`A_i` (:math:`n_i = |A_i|`), the score is missing when :math:`n_i = 0` or
    :math:`n_i / K < ` ``min_share``; otherwise it is the mean of the answered items,
    :math:`\bar y_i = \sum_{j \in A_i} y_{ij} / n_i` (``method="mean"``, psych's
    ``scoreItems(impute = "none")``), or the prorated sum :math:`K \bar y_i`
    (``method="sum"``).

    A composite system's score is the mean of its scale scores, and it is missing when any of
    them is missing: a system score computed from a subset of its scales would describe a
    different construct from one respondent to the next. Systems with ``composite: false``
    get no score.

    A derived score of kind ``item_mean`` is the mean of the keyed (and transformed) item
    scores over all items of its scales, missing when fewer than ``min_share`` of those items
    were answered; unlike a system score it weights scales by their numbers of items. A derived
    score of kind ``ratio`` is :math:`\bar y^{num}_i / \bar y^{den}_i`, the ratio of
    the two scales' mean keyed item scores on the response scale (before any transform), which
    equals the sum-score ratio with the item-count correction, :math:`(S_{num}/K_{num}) /
    (S_{den}/K_{den})` (Siegrist's effort-reward ratio). It is missing when either scale score
    is missing or the denominator is 0.

    The asymmetry index of a bank with gain/loss pairs is

    .. math:: \text{asymmetry}_i = \frac{L_i - \bar L}{s_L} - \frac{G_i - \bar G}{s_G},

    where :math:`G` and :math:`L` are the gain and loss scale scores and the means and SDs
    (:math:`n - 1` denominator, over respondents with a score) come from the scored sample or
    from ``reference``. Positive values mean losses register more strongly than gains,
    relative to the reference. It is a difference score: its reliability is
    :math:`(\tfrac{1}{2}(\rho_{GG} + \rho_{LL}) - \rho_{GL}) / (1 - \rho_{GL})`, low when
    the two scales correlate highly, and a sample-standardized index is only comparable within
    one sample.

    References
    ----------
    Revelle, W. (2022). *psych: Procedures for psychological, psychometric, and personality
    research* (R package 2.2.9), ``scoreItems``.

    Mazza, G. L., Enders, C. K., & Ruehlman, L. S. (2015). Addressing item-level missing data:
    A comparison of proration and full information maximum likelihood estimation.
    *Multivariate Behavioral Research, 50*(5), 504-519.

    Kristensen, T. S., Borritz, M., Villadsen, E., & Christensen, K. B. (2005). The Copenhagen
    Burnout Inventory: A new tool for the assessment of burnout. *Work & Stress, 19*(3),
    192-207.

    Siegrist, J., Starke, D., Chandola, T., Godin, I., Marmot, M., Niedhammer, I., & Peter, R.
    (2004). The measurement of effort-reward imbalance at work: European comparisons.
    *Social Science & Medicine, 58*(8), 1483-1499.

    Cronbach, L. J., & Furby, L. (1970). How we should measure "change": Or should we?
    *Psychological Bulletin, 74*(1), 68-80.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import burnoutkit as bk
    >>> bank = bk.load_bank("bai")
    >>> rng = np.random.default_rng(1)
    >>> data = pd.DataFrame(rng.integers(1, 6, size=(40, 78)), columns=bank.item_ids)
    >>> res = bk.score(bank, data)
    >>> res.scales.shape, list(res.systems.columns)
    ((40, 16), ['core', 'reward', 'regulation', 'identity', 'motivation', 'self_betrayal'])
    >>> bool(res.scales.ge(1).all().all() and res.scales.le(5).all().all())
    True
    >>> abs(round(float(res.asymmetry.mean()), 12))  # sample-standardized: mean 0
    0.0

    The scale scores are those of R's
    ``psych::scoreItems(keys, items, impute = "none")$scores``.
    """
    responses = _as_responses(bank, data, id_column, on_problem)
    rf, rule = bank.response_format, bank.scoring
    asym_scales = _asymmetry_scales(bank)
    _check_score_ids(bank, asym_scales is not None)
    if reference is not None and asym_scales is None:
        raise DataError(
            f"reference= standardizes the gain and loss scales of the asymmetry index, but bank "
            f"{bank.id!r} has no gain/loss pairs. Leave it out, and use bk.norms(scores, "
            "reference=...) to norm the scores."
        )
    index = responses.items.index
    x = responses.items[bank.item_ids].to_numpy(dtype=float)
    keys = bank.keys.to_numpy()
    keyed = np.where(keys == -1, rf.min + rf.max - x, x)
    if rule.transform_range is not None:
        low, high = (float(v) for v in rule.transform_range)
        transformed = low + (keyed - rf.min) * (high - low) / (rf.max - rf.min)
    else:
        transformed = keyed
    column_of = {item: j for j, item in enumerate(bank.item_ids)}

    scale_scores: dict[str, np.ndarray] = {}
    raw_means: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    too_few: dict[str, np.ndarray] = {}
    for scale in bank.scale_ids:
        columns = [column_of[item] for item in bank.items_of(scale)]
        if not columns:
            raise BankError(
                f"Scale {scale!r} of bank {bank.id!r} ({bank.source}) has no items, so it "
                "cannot be scored. Add its items or remove the scale."
            )
        n_items = len(columns)
        observed = ~np.isnan(x[:, columns])
        n = observed.sum(axis=1)
        enough = (n > 0) & (n >= rule.min_share * n_items - 1e-9)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(transformed[:, columns], axis=1) / n
            raw_mean = np.nansum(keyed[:, columns], axis=1) / n
        mean[~enough] = np.nan
        raw_mean[~enough] = np.nan
        scale_scores[scale] = mean * n_items if rule.method == "sum" else mean
        raw_means[scale] = raw_mean
        answered[scale] = n
        too_few[scale] = ~enough
    _warn_prorating(bank, index, too_few)

    scales = pd.DataFrame(scale_scores, index=index.copy())
    n_answered = pd.DataFrame(answered, index=index.copy())

    systems_data: dict[str, np.ndarray] = {}
    for system in bank.systems:
        if not system.composite:
            continue
        members = bank.scales_of(system.id)
        if not members:
            raise BankError(
                f"System {system.id!r} of bank {bank.id!r} ({bank.source}) is composite but "
                "no scale belongs to it. Assign scales to it or set composite: false."
            )
        systems_data[system.id] = np.column_stack([scale_scores[s] for s in members]).mean(axis=1)
    systems = pd.DataFrame(systems_data, index=index.copy(), columns=list(systems_data))

    derived_data: dict[str, np.ndarray] = {}
    for derived_score in bank.derived_scores:
        if derived_score.kind == "item_mean":
            columns = [
                column_of[item] for scale in derived_score.scales for item in bank.items_of(scale)
            ]
            n = (~np.isnan(x[:, columns])).sum(axis=1)
            enough = (n > 0) & (n >= rule.min_share * len(columns) - 1e-9)
            with np.errstate(invalid="ignore", divide="ignore"):
                item_mean = np.nansum(transformed[:, columns], axis=1) / n
            item_mean[~enough] = np.nan
            derived_data[derived_score.id] = item_mean
            continue
        if derived_score.kind != "ratio":
            raise BankError(
                f"Derived score {derived_score.id!r} of bank {bank.id!r} has kind "
                f"{derived_score.kind!r}; the kinds that can be scored are 'ratio' and "
                "'item_mean'."
            )
        bank.scale(derived_score.numerator)
        bank.scale(derived_score.denominator)
        numerator = raw_means[derived_score.numerator]
        denominator = raw_means[derived_score.denominator]
        zero = denominator == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = numerator / denominator
        ratio[zero] = np.nan
        if zero.any():
            warnings.warn(
                f"Derived score {derived_score.id!r} is missing for {int(zero.sum())} "
                f"respondent(s) whose {derived_score.denominator!r} mean is 0 (respondents "
                f"{_format_ids(index[zero].tolist())}): a ratio with denominator 0 is undefined.",
                BurnoutkitWarning,
                stacklevel=2,
            )
        derived_data[derived_score.id] = ratio
    derived = pd.DataFrame(derived_data, index=index.copy(), columns=list(derived_data))

    asymmetry = None
    asymmetry_norms = None
    if asym_scales is not None:
        gain, loss = asym_scales
        if reference is None:
            summary = _describe(scales, [gain, loss])
            source = "sample"
            unusable = _unusable(summary)
            if unusable:
                warnings.warn(
                    f"The asymmetry index is missing for every respondent: the scored sample "
                    f"cannot standardize {_describe_unusable(summary, unusable)}. Pass "
                    "reference= (reference scores or a table of means and SDs) to score "
                    "small samples or single respondents.",
                    BurnoutkitWarning,
                    stacklevel=2,
                )
                summary.loc[unusable, ["mean", "sd"]] = np.nan
        else:
            summary = _reference_summary(reference, [gain, loss], function="score")
            source = "reference"
        z = (scales[[gain, loss]] - summary["mean"]) / summary["sd"]
        asymmetry = (z[loss] - z[gain]).rename("asymmetry")
        asymmetry_norms = summary[["mean", "sd", "n"]].assign(source=source)
        asymmetry_norms.index.name = "scale"

    return ScoreResult(
        bank=bank,
        responses=responses,
        scales=scales,
        systems=systems,
        derived=derived,
        asymmetry=asymmetry,
        n_answered=n_answered,
        asymmetry_norms=asymmetry_norms,
        method=rule.method,
        min_share=rule.min_share,
        transform_range=rule.transform_range,
    )


def _warn_prorating(bank: ItemBank, index: pd.Index, too_few: Mapping[str, np.ndarray]) -> None:
    affected = {scale: mask for scale, mask in too_few.items() if mask.any()}
    if not affected:
        return
    anyone = np.logical_or.reduce(list(affected.values()))
    counts = ", ".join(f"{scale!r} {int(mask.sum())}" for scale, mask in affected.items())
    warnings.warn(
        f"Scale scores are missing where fewer than {bank.scoring.min_share:.0%} of a scale's "
        f"items were answered, for {int(anyone.sum())} respondent(s) "
        f"({_format_ids(index[anyone].tolist())}); missing scores per scale: {counts}. "
        "ScoreResult.n_answered has the counts of answered items. These scores are left "
        "missing, not imputed; lower scoring.min_share in the bank only if the instrument's "
        "scoring manual allows it.",
        ProratingWarning,
        stacklevel=3,
    )


# ---------------------------------------------------------------------------------------------
# norms


def _is_summary_table(frame: pd.DataFrame) -> bool:
    columns = {str(column) for column in frame.columns}
    return {"mean", "sd"} <= columns <= {"mean", "sd", "n"}


def _score_frame(scores: Any, function: str, parameter: str) -> pd.DataFrame:
    if isinstance(scores, ScoreResult):
        return scores.scores()
    if isinstance(scores, pd.DataFrame):
        return scores
    if isinstance(scores, pd.Series):
        return scores.to_frame()
    raise TypeError(
        f"The {parameter!r} parameter of {function} must be a ScoreResult or a DataFrame of "
        f"scores; got {type(scores).__name__}."
    )


def _numeric_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    absent = [column for column in columns if column not in frame.columns]
    if absent:
        raise DataError(
            f"Score(s) {absent} are not in {what} (its columns: {list(frame.columns)[:20]}). "
            "Pass columns=[...] to choose the scores to norm, or a reference that has them."
        )
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    if text:
        raise DataError(
            f"Column(s) {text} of {what} are not numeric. Pass columns=[...] with the score "
            "columns only."
        )


def _describe(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    values = frame[list(columns)].astype(float)
    return pd.DataFrame(
        {"mean": values.mean(), "sd": values.std(ddof=1), "n": values.notna().sum()}
    )


def _unusable(summary: pd.DataFrame) -> list[str]:
    return summary.index[(summary["n"] < 2) | ~(summary["sd"] > 0)].tolist()


def _describe_unusable(summary: pd.DataFrame, columns: Sequence[str]) -> str:
    return ", ".join(
        f"{c!r} (n = {int(summary.loc[c, 'n'])}, sd = {summary.loc[c, 'sd']:.4g})"
        for c in columns
    )


def _summaries(frame: pd.DataFrame, columns: Sequence[str], *, what: str) -> pd.DataFrame:
    _numeric_columns(frame, columns, what)
    summary = _describe(frame, columns)
    bad = _unusable(summary)
    if bad:
        raise DataError(
            f"Cannot standardize against {what}: {_describe_unusable(summary, bad)}; scores "
            "need at least two different values. Use a larger reference sample or a table of "
            "published means and SDs."
        )
    return summary


def _reference_summary(reference: Any, columns: Sequence[str], *, function: str) -> pd.DataFrame:
    if isinstance(reference, pd.DataFrame) and _is_summary_table(reference):
        absent = [column for column in columns if column not in reference.index]
        if absent:
            raise DataError(
                f"Score(s) {absent} are not rows of the reference table (its rows: "
                f"{list(reference.index)}). Add them or choose columns=[...]."
            )
        table = reference.loc[list(columns)]
        summary = pd.DataFrame(
            {
                "mean": pd.to_numeric(table["mean"], errors="coerce"),
                "sd": pd.to_numeric(table["sd"], errors="coerce"),
                "n": pd.to_numeric(table["n"], errors="coerce")
                if "n" in table.columns
                else np.nan,
            },
            index=pd.Index(list(columns)),
        )
        bad = summary.index[~np.isfinite(summary["mean"]) | ~(summary["sd"] > 0)].tolist()
        if bad:
            raise DataError(
                f"The reference table has no usable mean and positive SD for {bad}. Fix the "
                "table (columns 'mean' and 'sd', one row per score)."
            )
        return summary
    frame = _score_frame(reference, function, "reference")
    return _summaries(frame, columns, what="the reference")


def _mid_rank_percentile(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Percentage of ``reference`` below each value plus half the percentage equal to it."""
    ref = np.sort(np.round(reference[~np.isnan(reference)], _TIE_DECIMALS))
    x = np.round(values, _TIE_DECIMALS)
    below = np.searchsorted(ref, x, side="left")
    at_or_below = np.searchsorted(ref, x, side="right")
    percentile = 100.0 * (below + 0.5 * (at_or_below - below)) / len(ref)
    percentile[np.isnan(values)] = np.nan
    return percentile


def norms(
    scores: ScoreResult | pd.DataFrame,
    /,
    *,
    reference: ScoreResult | pd.DataFrame,
    columns: Sequence[str] | None = None,
) -> NormsResult:
    r"""T-scores and percentile ranks of scores against a reference sample.

    Parameters
    ----------
    scores : ScoreResult or pandas.DataFrame
        Scores to express (one column per score, one row per respondent).
    reference : ScoreResult or pandas.DataFrame
        A reference sample of the same scores (ScoreResult or DataFrame with the same columns),
        or a norms table: a DataFrame with columns ``mean``, ``sd`` (and optionally ``n``),
        indexed by score name.
    columns : sequence of str, optional
        The scores to norm; by default every column of ``scores``.

    Returns
    -------
    NormsResult
        ``z``, ``t_scores``, ``percentiles`` (same shape and index as ``scores``) and the
        reference ``mean``, ``sd``, ``n`` per score.

    Raises
    ------
    DataError
        If a score is not in the reference, a column is not numeric, or a reference score has
        fewer than two values or zero SD.
    TypeError
        If ``scores`` or ``reference`` is of the wrong type.

    Notes
    -----
    With the reference mean :math:`m` and SD :math:`s` (:math:`n - 1` denominator),
    :math:`z = (x - m)/s` and the linear T-score is :math:`T = 50 + 10 z` (McCall's T; not a
    normalized T). The percentile rank of :math:`x` in a reference of :math:`n` scores is the
    mid-rank percentile

    .. math:: PR(x) = 100 \, \frac{\#\{r < x\} + \tfrac{1}{2} \#\{r = x\}}{n},

    the percentage of the reference below :math:`x` plus half the percentage tied with it, the
    usual definition for discrete test scores (Kolen & Brennan, 2014, sec. 2.5.1; Crocker &
    Algina, 1986, ch. 19). Scores equal to 10 decimals count as ties. With a norms table of
    means and SDs the percentile is the normal-theory :math:`100\,\Phi(z)` and
    ``method="normal"``. Missing scores stay missing; missing reference scores are ignored.

    References
    ----------
    Kolen, M. J., & Brennan, R. L. (2014). *Test equating, scaling, and linking: Methods and
    practices* (3rd ed.). Springer.

    Crocker, L., & Algina, J. (1986). *Introduction to classical and modern test theory*.
    Holt, Rinehart and Winston.

    McCall, W. A. (1922). *How to measure in education*. Macmillan.

    Examples
    --------
    >>> import pandas as pd
    >>> import burnoutkit as bk
    >>> reference = pd.DataFrame({"ex": [1.0, 2.0, 2.0, 3.0, 4.0]})
    >>> res = bk.norms(pd.DataFrame({"ex": [2.0, 4.5, None]}), reference=reference)
    >>> res.percentiles["ex"].tolist()
    [40.0, 100.0, nan]
    >>> res.t_scores["ex"].round(2).tolist()
    [46.49, 68.42, nan]
    """
    frame = _score_frame(scores, "norms", "scores")
    columns = list(frame.columns) if columns is None else list(columns)
    _numeric_columns(frame, columns, "the scores")
    summary = _reference_summary(reference, columns, function="norms")
    values = frame[columns].astype(float)
    z = (values - summary["mean"]) / summary["sd"]
    empirical = not (isinstance(reference, pd.DataFrame) and _is_summary_table(reference))
    if empirical:
        ref_frame = _score_frame(reference, "norms", "reference")
        percentiles = pd.DataFrame(
            {
                column: _mid_rank_percentile(
                    values[column].to_numpy(), ref_frame[column].to_numpy(dtype=float)
                )
                for column in columns
            },
            index=values.index,
        )
    else:
        percentiles = pd.DataFrame(
            100.0 * stats.norm.cdf(z.to_numpy()), index=values.index, columns=columns
        )
    summary.index.name = "score"
    return NormsResult(
        z=z,
        t_scores=50.0 + 10.0 * z,
        percentiles=percentiles,
        reference=summary,
        method="empirical" if empirical else "normal",
    )


def norm_table(
    reference: ScoreResult | pd.DataFrame,
    /,
    *,
    columns: Sequence[str] | None = None,
    values: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Tabulate raw score -> percentile rank and T-score per score, for publication.

    Parameters
    ----------
    reference : ScoreResult or pandas.DataFrame
        A reference sample of scores, or a norms table of means and SDs (see :func:`norms`).
    columns : sequence of str, optional
        Scores to tabulate; by default all of the reference.
    values : sequence of float or mapping, optional
        Raw scores to tabulate (one list for all scores, or a list per score). By default the
        distinct scores observed in the reference (required for a table of means and SDs).

    Returns
    -------
    pandas.DataFrame
        One row per score and raw value: ``score, raw, n`` (reference respondents with exactly
        this score; NaN for a table of means and SDs), ``percentile`` and ``t_score``, defined as
        in :func:`norms`.

    Raises
    ------
    DataError
        As :func:`norms`; also when ``values`` is missing for a table of means and SDs.

    Examples
    --------
    >>> import pandas as pd
    >>> import burnoutkit as bk
    >>> bk.norm_table(pd.DataFrame({"ex": [1.0, 2.0, 2.0, 3.0, 4.0]})).round(2)
      score  raw  n  percentile  t_score
    0    ex  1.0  1        10.0    37.72
    1    ex  2.0  2        40.0    46.49
    2    ex  3.0  1        70.0    55.26
    3    ex  4.0  1        90.0    64.03
    """
    summary_table = isinstance(reference, pd.DataFrame) and _is_summary_table(reference)
    if summary_table:
        available = list(reference.index)
    else:
        ref_frame = _score_frame(reference, "norm_table", "reference")
        available = list(ref_frame.columns)
    columns = available if columns is None else list(columns)
    if summary_table and values is None:
        raise DataError(
            "A norms table of means and SDs has no observed scores to tabulate. Pass the raw "
            "scores to tabulate, e.g. values=[1.0, 1.2, ..., 5.0]."
        )
    pieces = []
    for column in columns:
        if values is None:
            raw = np.unique(ref_frame[column].dropna().to_numpy(dtype=float))
            raw = np.unique(np.round(raw, _TIE_DECIMALS))
        elif isinstance(values, Mapping):
            if column not in values:
                raise DataError(f"values has no entry for score {column!r}. Add one.")
            raw = np.asarray(values[column], dtype=float)
        else:
            raw = np.asarray(values, dtype=float)
        result = norms(pd.DataFrame({column: raw}), reference=reference, columns=[column])
        if summary_table:
            counts = np.full(len(raw), np.nan)
        else:
            ref = np.sort(
                np.round(ref_frame[column].dropna().to_numpy(dtype=float), _TIE_DECIMALS)
            )
            key = np.round(raw, _TIE_DECIMALS)
            counts = np.searchsorted(ref, key, side="right") - np.searchsorted(ref, key)
        pieces.append(
            pd.DataFrame(
                {
                    "score": column,
                    "raw": raw,
                    "n": counts,
                    "percentile": result.percentiles[column].to_numpy(),
                    "t_score": result.t_scores[column].to_numpy(),
                }
            )
        )
    return pd.concat(pieces, ignore_index=True)

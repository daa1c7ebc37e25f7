"""The :class:`Cohort` container (responses, retest, ground truth) and its files on disk.

A cohort is saved as five files in one folder, which :meth:`Cohort.load` reads back into the
same values and dtypes (items as float64 with NaN for a missing answer):

``cohort.csv``
    ``id``, covariates, the 78 item responses (integers 1-5, empty = missing), outcomes.
``retest.csv``
    ``id`` and the 78 item responses at the retest, for the retest subsample.
``truth_respondents.csv``
    ``id``, profile, the latent scores of every factor, ``B`` and ``acquiescence``, the careless
    flag and type, the retest flag and the number of missing answers.
``truth_retest.csv``
    ``id`` and the latent scores at the retest.
``truth.json``
    Every generating value: the population model, the seed and the derived quantities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from burnoutkit.errors import DatasetError

__all__ = ["Cohort", "CohortTruth"]

FILES = {
    "data": "cohort.csv",
    "retest": "retest.csv",
    "respondents": "truth_respondents.csv",
    "retest_latent": "truth_retest.csv",
    "parameters": "truth.json",
}
_LATENT = [
    "ex", "md", "re", "B", "ar", "rr", "gs", "ls", "er", "dq", "ic", "sm", "cw", "ad", "rg",
    "ss", "pe", "acquiescence",
]  # fmt: skip
_CARELESS_TYPES = ["none", "random", "longstring"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortTruth:
    """The ground truth of a simulated cohort.

    Attributes
    ----------
    parameters : dict
        Every generating value, JSON-serializable: ``seed``, ``n``, ``population`` (the values
        of the population model as used), and derived quantities (``factor_correlations``,
        ``items`` with loadings and thresholds, outcome intercepts, ...). Treat as read-only.
    respondents : pandas.DataFrame
        One row per respondent: ``id``, ``profile``, the latent score of every factor (named by
        scale id), ``B`` (burnout severity), ``acquiescence``, ``careless``, ``careless_type``
        (``none``, ``random``, ``longstring``), ``retest`` and ``n_missing``.
    retest : pandas.DataFrame
        ``id`` and the latent scores at the retest, one row per retest respondent.
    """

    parameters: dict[str, Any]
    respondents: pd.DataFrame
    retest: pd.DataFrame

    @property
    def seed(self) -> int:
        """The seed passed as ``random_state``."""
        return int(self.parameters["seed"])

    @property
    def noninvariant_item(self) -> str:
        """The item whose intercept is shifted in form B."""
        return str(self.parameters["noninvariant_item"])

    @property
    def weak_items(self) -> list[str]:
        """Items with a standardized loading below .50."""
        return list(self.parameters["weak_items"])

    @property
    def cross_loadings(self) -> pd.DataFrame:
        """Cross-loadings on the latent response scale: item, factor, loading."""
        rows = [
            {"item": row["item"], "factor": f, "loading": v}
            for row in self.parameters["items"]
            for f, v in row["cross_loadings"].items()
        ]
        return pd.DataFrame(rows, columns=["item", "factor", "loading"])

    @property
    def loadings(self) -> pd.DataFrame:
        """One row per item: scale, key, standardized loading, acquiescence, thresholds."""
        rows = []
        for row in self.parameters["items"]:
            rows.append(
                {
                    "item": row["item"],
                    "scale": row["scale"],
                    "keyed": row["keyed"],
                    "loading": row["loading"],
                    "acquiescence": row["acquiescence"],
                    "residual_variance": row["residual_variance"],
                    "category_group": row["category_group"],
                    **{f"tau{c + 1}": t for c, t in enumerate(row["thresholds"])},
                }
            )
        return pd.DataFrame(rows)

    @property
    def factor_correlations(self) -> pd.DataFrame:
        """The population correlation matrix of the 16 factors."""
        names = self.parameters["factors"]
        return pd.DataFrame(self.parameters["factor_correlations"], index=names, columns=names)

    @property
    def severity_correlations(self) -> pd.Series:
        """Population correlation of each factor with ``B``, the standardized slope on ``B``."""
        return pd.Series(self.parameters["severity_correlations"], name="r_with_B")

    @property
    def profiles(self) -> pd.DataFrame:
        """One row per profile: share, means (profile and factor metric), outcome values."""
        pop = self.parameters["population"]["profiles"]
        by = self.parameters["population_by_profile"]
        factor = self.parameters["profile_means_factor_metric"]
        rows = []
        for name, spec in pop.items():
            row = {"profile": name, "share": spec["share"]}
            row |= dict(zip(["ex", "md", "re"], spec["means"], strict=True))
            row |= {f"{f}_factor": v for f, v in zip(["ex", "md", "re"], factor[name], strict=True)}
            row |= by[name]
            rows.append(row)
        return pd.DataFrame(rows)

    def to_json(self) -> str:
        """Return the parameters as a JSON document (what ``truth.json`` holds)."""
        return json.dumps(self.parameters, indent=1, allow_nan=False) + "\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cohort:
    """A simulated cohort: responses with covariates and outcomes, a retest file, the truth.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per respondent: ``id``, ``occupation``, ``sex``, ``age``, ``tenure``, ``form``,
        the 78 BAI items (float 1-5, NaN = missing) and the outcomes ``absence_days``,
        ``turnover_intention`` and ``wellbeing``.
    retest : pandas.DataFrame
        ``id`` and the 78 items at the retest, for the retest subsample.
    truth : CohortTruth
        The generating values and the per-respondent latent scores.
    """

    data: pd.DataFrame
    retest: pd.DataFrame
    truth: CohortTruth

    def __repr__(self) -> str:
        profiles = self.truth.respondents["profile"].cat.categories.size
        return (
            f"<Cohort n={len(self.data)}, seed={self.truth.seed}, {profiles} profiles, "
            f"retest n={len(self.retest)}>"
        )

    def save(self, directory: str | Path) -> Path:
        """Write the five cohort files into ``directory`` (created if needed); return it."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        items = [row["item"] for row in self.truth.parameters["items"]]
        _write_csv(_items_as_int(self.data, items), directory / FILES["data"])
        _write_csv(_items_as_int(self.retest, items), directory / FILES["retest"])
        _write_csv(self.truth.respondents, directory / FILES["respondents"])
        _write_csv(self.truth.retest, directory / FILES["retest_latent"])
        (directory / FILES["parameters"]).write_text(self.truth.to_json(), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Cohort:
        """Read a cohort written by :meth:`save`.

        Raises
        ------
        DatasetError
            A file is missing or does not have the expected columns.
        """
        directory = Path(directory)
        for name in FILES.values():
            if not (directory / name).is_file():
                raise DatasetError(
                    f"The cohort file {name!r} is missing from {directory}. A cohort folder holds "
                    f"{sorted(FILES.values())}; write one with Cohort.save()."
                )
        parameters = json.loads((directory / FILES["parameters"]).read_text(encoding="utf-8"))
        pop = parameters["population"]
        items = [row["item"] for row in parameters["items"]]
        item_types = dict.fromkeys(items, "float64")
        data = pd.read_csv(
            directory / FILES["data"],
            dtype={
                "id": "str",
                "age": "int64",
                "tenure": "int64",
                "absence_days": "int64",
                "turnover_intention": "int64",
                "wellbeing": "float64",
                **item_types,
            },
        )
        for column, categories in (
            ("occupation", list(pop["occupations"])),
            ("sex", ["female", "male"]),
            ("form", ["A", "B"]),
        ):
            data[column] = _categorical(data, column, categories, directory / FILES["data"])
        retest = pd.read_csv(directory / FILES["retest"], dtype={"id": "str", **item_types})
        latent_types = dict.fromkeys(_LATENT, "float64")
        respondents = pd.read_csv(
            directory / FILES["respondents"],
            dtype={"id": "str", "careless": "bool", "retest": "bool", "n_missing": "int64",
                   **latent_types},
        )  # fmt: skip
        respondents["profile"] = _categorical(
            respondents, "profile", list(pop["profiles"]), directory / FILES["respondents"]
        )
        respondents["careless_type"] = _categorical(
            respondents, "careless_type", _CARELESS_TYPES, directory / FILES["respondents"]
        )
        retest_latent = pd.read_csv(
            directory / FILES["retest_latent"], dtype={"id": "str", **latent_types}
        )
        truth = CohortTruth(parameters=parameters, respondents=respondents, retest=retest_latent)
        return cls(data=data, retest=retest, truth=truth)


def _categorical(frame: pd.DataFrame, column: str, categories: list[str], path: Path) -> Any:
    if column not in frame.columns:
        raise DatasetError(f"Column {column!r} is missing from {path}.")
    present = frame[column].dropna()
    unknown = sorted(set(present) - set(categories))
    if unknown:
        raise DatasetError(
            f"Column {column!r} of {path} has values {unknown} outside {categories}. "
            "Write the file with Cohort.save()."
        )
    return pd.Categorical(frame[column].astype(object), categories=categories)


def _items_as_int(frame: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Items as nullable integers, so that the file holds ``3``, not ``3.0``."""
    out = frame.copy()
    out[items] = out[items].astype("Int64")
    return out


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", na_rep="")

"""Factor analysis: suitability (KMO, Bartlett), retention, EFA and CFA."""

from burnoutkit.factors._sem_data import ListwiseDeletionWarning
from burnoutkit.factors.cfa import CFAResult, cfa
from burnoutkit.factors.compare import ModelComparisonResult, compare_models
from burnoutkit.factors.efa import EFAResult, efa
from burnoutkit.factors.invariance import (
    InvarianceCriteria,
    InvarianceResult,
    invariance,
    invariance_sources,
)
from burnoutkit.factors.retention import (
    MAPResult,
    NFactorsResult,
    ParallelAnalysisResult,
    n_factors,
    parallel_analysis,
    velicer_map,
)
from burnoutkit.factors.suitability import BartlettResult, KMOResult, bartlett, kmo
from burnoutkit.factors.syntax import IdentificationError, ModelSyntaxError

__all__ = [
    "BartlettResult",
    "CFAResult",
    "EFAResult",
    "IdentificationError",
    "InvarianceCriteria",
    "InvarianceResult",
    "KMOResult",
    "ListwiseDeletionWarning",
    "MAPResult",
    "ModelComparisonResult",
    "ModelSyntaxError",
    "NFactorsResult",
    "ParallelAnalysisResult",
    "bartlett",
    "cfa",
    "compare_models",
    "efa",
    "invariance",
    "invariance_sources",
    "kmo",
    "n_factors",
    "parallel_analysis",
    "velicer_map",
]

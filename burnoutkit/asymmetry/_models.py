"""Lavaan syntax of the latent models behind the gain/loss asymmetry checks."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["comparability_models", "separability_models", "severity_models"]


def _pairs_cov(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [f"{g} ~~ {l_}" for g, l_ in pairs]


def separability_models(
    gain_items: Sequence[str], loss_items: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Lavaan syntax of the one-factor and two-factor models of check 1 (fit with ``std_lv``).

    Both models keep the residual covariance of every matched pair (shared wording), so the
    comparison isolates the number of constructs.

    Examples
    --------
    >>> from burnoutkit.asymmetry import separability_models
    >>> print(separability_models(["g1", "g2"], ["l1", "l2"], [("g1", "l1")])["one_factor"])
    S =~ g1 + g2 + l1 + l2
    g1 ~~ l1
    """
    allitems = [*gain_items, *loss_items]
    two = [f"G =~ {' + '.join(gain_items)}", f"L =~ {' + '.join(loss_items)}"]
    return {
        "one_factor": "\n".join([f"S =~ {' + '.join(allitems)}", *_pairs_cov(pairs)]),
        "two_factor": "\n".join([*two, *_pairs_cov(pairs)]),
    }


def comparability_models(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Lavaan syntax of the within-person invariance models of check 2 (fit with ``std_lv=False``).

    The first pair's items are the markers (loading 1); factor variances are free.
    ``configural``: free loadings and intercepts, pair residual covariances, factor means 0.
    ``metric``: pair partners share a loading label (``lk``). ``scalar``: pair partners also
    share an intercept label (``ik``), and the loss factor mean is free (the gain mean stays 0).

    Examples
    --------
    >>> from burnoutkit.asymmetry import comparability_models
    >>> print(comparability_models([("g1", "l1"), ("g2", "l2")])["scalar"])
    G =~ 1*g1 + l2*g2
    L =~ 1*l1 + l2*l2
    g1 ~~ l1
    g2 ~~ l2
    g1 ~ i1*1
    l1 ~ i1*1
    g2 ~ i2*1
    l2 ~ i2*1
    G ~ 0*1
    L ~ NA*1
    """
    gain = [g for g, _ in pairs]
    loss = [l_ for _, l_ in pairs]
    cov = _pairs_cov(pairs)
    means = [f"{i} ~ 1" for i in [*gain, *loss]]
    configural = [f"G =~ 1*{' + '.join(gain)}", f"L =~ 1*{' + '.join(loss)}", *cov, *means]
    configural += ["G ~ 0*1", "L ~ 0*1"]
    lab = ["1"] + [f"l{k + 1}" for k in range(1, len(pairs))]
    load = [
        f"G =~ {' + '.join(f'{a}*{g}' for a, g in zip(lab, gain, strict=True))}",
        f"L =~ {' + '.join(f'{a}*{x}' for a, x in zip(lab, loss, strict=True))}",
        *cov,
    ]
    metric = [*load, *means, "G ~ 0*1", "L ~ 0*1"]
    ints = []
    for k, (g, x) in enumerate(pairs):
        ints += [f"{g} ~ i{k + 1}*1", f"{x} ~ i{k + 1}*1"]
    scalar = [*load, *ints, "G ~ 0*1", "L ~ NA*1"]
    return {
        "configural": "\n".join(configural),
        "metric": "\n".join(metric),
        "scalar": "\n".join(scalar),
    }


def severity_models(
    gain_items: Sequence[str],
    loss_items: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    *,
    core: dict[str, Sequence[str]] | None = None,
    covariate: str | None = None,
    method_factor: bool = True,
) -> dict[str, str]:
    """Lavaan syntax of the severity-gradient models of checks 3 and 5 (fit with ``std_lv``).

    Severity is either latent, ``B``, the unit-weighted sum of the core factors (a phantom
    factor: ``B =~ 0*x; B ~ 1*f1 + 1*f2 + ...; B ~~ 0*B``), or an observed ``covariate``.
    ``G ~ b1*B`` and ``L ~ b2*B``; the model ``equal`` gives both slopes the label ``b1``.
    With ``method_factor`` an acquiescence factor loads with one common loading ``a`` on every
    item in the raw (unreversed) direction and is uncorrelated with everything else.

    Examples
    --------
    >>> from burnoutkit.asymmetry import severity_models
    >>> m = severity_models(["g1", "g2"], ["l1", "l2"], [], covariate="sev", method_factor=False)
    >>> print(m["free"])
    G =~ g1 + g2
    L =~ l1 + l2
    G ~ b1*sev
    L ~ b2*sev
    """
    if (core is None) == (covariate is None):
        raise ValueError("give exactly one of core and covariate")
    lines = [f"G =~ {' + '.join(gain_items)}", f"L =~ {' + '.join(loss_items)}"]
    factors = ["G", "L"]
    items = [*gain_items, *loss_items]
    if core is not None:
        for f, its in core.items():
            lines.append(f"{f} =~ {' + '.join(its)}")
            items += list(its)
        first = next(iter(core.values()))[0]
        lines += [f"B =~ 0*{first}", f"B ~ {' + '.join(f'1*{f}' for f in core)}", "B ~~ 0*B"]
        factors += [*core, "B"]
        sev = "B"
    else:
        sev = str(covariate)
    lines += _pairs_cov(pairs)
    if method_factor:
        lines.append(f"ACQ =~ {' + '.join(f'a*{i}' for i in items)}")
        lines.append(f"ACQ ~~ {' + '.join(f'0*{f}' for f in factors)}")
        if covariate is not None:
            lines.append(f"ACQ ~ 0*{covariate}")
    free = [*lines, f"G ~ b1*{sev}", f"L ~ b2*{sev}"]
    equal = [*lines, f"G ~ b1*{sev}", f"L ~ b1*{sev}"]
    return {"free": "\n".join(free), "equal": "\n".join(equal)}

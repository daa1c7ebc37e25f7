"""Vectorized EM for Gaussian mixtures under the four LPA parameterizations.

The models and their names:

=========  =============  ===============  ======================================
mclust     variances      covariances      covariance matrix of profile k
=========  =============  ===============  ======================================
``EEI``    ``"equal"``    ``"zero"``       Σ_k = diag(σ²_1, ..., σ²_d)
``VVI``    ``"varying"``  ``"zero"``       Σ_k = diag(σ²_k1, ..., σ²_kd)
``EEE``    ``"equal"``    ``"equal"``      Σ_k = Σ
``VVV``    ``"varying"``  ``"varying"``    Σ_k unconstrained
=========  =============  ===============  ======================================

Everything runs on a batch: ``n_batch`` data sets (1 for an ordinary fit, ``n_boot`` for the
bootstrap likelihood-ratio test) times ``n_start`` starting values, with respondents and profiles
as array axes. The E-step and the M-step are each one matrix product per batch element: the
log-density of every respondent under every profile of every start is a linear function of the
features ``[1, x_j, x_j x_l]`` (quadratic form expanded), and the sufficient statistics of the
M-step are the posterior-weighted sums of the same features.

The data are centred and scaled to unit variance before fitting (all four models are equivariant
under that transformation); parameters and log-likelihoods are transformed back exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from threadpoolctl import threadpool_limits

__all__ = [
    "MODELS",
    "GaussianMixtureFit",
    "fit_gaussian_mixture",
    "log_likelihood",
    "n_parameters",
]

#: mclust name -> (variances, covariances) in tidyLPA's vocabulary.
MODELS: dict[str, tuple[str, str]] = {
    "EEI": ("equal", "zero"),
    "VVI": ("varying", "zero"),
    "EEE": ("equal", "equal"),
    "VVV": ("varying", "varying"),
}

_LOG_2PI = float(np.log(2.0 * np.pi))
# A covariance matrix whose smallest eigenvalue falls below this (on the standardized scale,
# where every indicator has variance 1) is treated as singular, as is a profile whose expected
# size falls below _MIN_SIZE respondents.
_EIG_FLOOR = 1e-10
_MIN_SIZE = 1e-6

# status codes of a start
OK, SINGULAR, COLLAPSED, NOT_CONVERGED = 0, 1, 2, 3
STATUS_TEXT = {
    OK: "converged",
    SINGULAR: "singular covariance matrix",
    COLLAPSED: "a profile collapsed (expected size near zero)",
    NOT_CONVERGED: "iteration limit reached",
}


def n_parameters(model: str, d: int, n_profiles: int) -> int:
    """Count the free parameters as ``mclust::nMclustParams`` does.

    ``(G - 1)`` mixing proportions, ``G d`` means and the covariance parameters: ``d`` (EEI),
    ``G d`` (VVI), ``d (d + 1) / 2`` (EEE) or ``G d (d + 1) / 2`` (VVV).
    """
    g = n_profiles
    cov = {"EEI": d, "VVI": g * d, "EEE": d * (d + 1) // 2, "VVV": g * d * (d + 1) // 2}[model]
    return (g - 1) + g * d + cov


def _is_diagonal(model: str) -> bool:
    return model in ("EEI", "VVI")


def _features(x: np.ndarray, diagonal: bool) -> np.ndarray:
    """Features ``[1, x_j, x_j^2]`` (diagonal models) or ``[1, x_j, x_j x_l (j <= l)]``."""
    d = x.shape[-1]
    ones = np.ones((*x.shape[:-1], 1))
    if diagonal:
        return np.concatenate([ones, x, x * x], axis=-1)
    j, k2 = np.triu_indices(d)
    return np.concatenate([ones, x, x[..., j] * x[..., k2]], axis=-1)


@dataclass
class _Batch:
    """Parameters of ``(n_batch, n_start)`` mixtures with ``G`` profiles (standardized scale).

    ``cov`` holds variances ``(B, S, G, d)`` for the diagonal models and full matrices
    ``(B, S, G, d, d)`` otherwise.
    """

    pro: np.ndarray
    mean: np.ndarray
    cov: np.ndarray

    def take(self, b: np.ndarray | slice, s: np.ndarray | slice) -> _Batch:
        return _Batch(self.pro[b][:, s], self.mean[b][:, s], self.cov[b][:, s])


def _coefficients(par: _Batch, diagonal: bool) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients of the log-density in the features, and a validity mask ``(B, S)``.

    Returns ``coef`` of shape ``(B, S, G, p)`` such that ``log(pro_k phi_k(x)) = F(x) @ coef``.
    """
    d = par.mean.shape[-1]
    mean = par.mean
    with np.errstate(divide="ignore", invalid="ignore"):
        if diagonal:
            var = par.cov
            ok = np.all(var > _EIG_FLOOR, axis=(-1, -2))
            safe = np.where(var > _EIG_FLOOR, var, 1.0)
            prec = 1.0 / safe
            logdet = np.log(safe).sum(-1)
            pmu = mean * prec
            quad = -0.5 * prec
            mpm = (mean * pmu).sum(-1)
        else:
            lam, vec = np.linalg.eigh(par.cov)
            ok = np.all(lam[..., 0] > _EIG_FLOOR, axis=-1)
            lam = np.where(lam > _EIG_FLOOR, lam, 1.0)
            prec = (vec / lam[..., None, :]) @ np.swapaxes(vec, -1, -2)
            logdet = np.log(lam).sum(-1)
            pmu = np.einsum("...jl,...l->...j", prec, mean)
            j, k2 = np.triu_indices(d)
            quad = np.where(j == k2, -0.5, -1.0) * prec[..., j, k2]
            mpm = (mean * pmu).sum(-1)
        logpro = np.log(np.where(par.pro > 0, par.pro, 1.0))
    ok &= np.all(par.pro > 0, axis=-1)
    const = logpro - 0.5 * d * _LOG_2PI - 0.5 * logdet - 0.5 * mpm
    coef = np.concatenate([const[..., None], pmu, quad], axis=-1)
    return coef, ok


def _e_step(feat_t: np.ndarray, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood ``(B, S)`` and posterior probabilities ``(B, S, G, n)``.

    ``feat_t`` is ``(B or 1, p, n)`` and ``coef`` ``(B, S, G, p)``. Profiles sit on a middle axis
    so the reductions over them are elementwise operations on contiguous rows of respondents.
    """
    b, s, g, p = coef.shape
    dens = (coef.reshape(b, s * g, p) @ feat_t).reshape(b, s, g, -1)
    # Fast path: exponentiate directly; rows whose densities all underflow (or overflow) are
    # redone with the usual max-shift.
    with np.errstate(over="ignore", under="ignore"):
        expd = np.exp(dens)
    total = expd.sum(axis=2, keepdims=True)
    bad = ~((total > 1e-280) & (total < 1e280))
    if bad.any():
        top = dens.max(axis=2, keepdims=True)
        shift = np.where(bad, top, 0.0)
        with np.errstate(under="ignore"):
            expd = np.exp(dens - shift)
        total = expd.sum(axis=2, keepdims=True)
    else:
        shift = 0.0
    np.divide(expd, total, out=expd)
    loglik = (np.log(total) + shift)[:, :, 0].sum(axis=-1)
    return loglik, expd


def _m_step(feat: np.ndarray, z: np.ndarray, model: str, d: int) -> tuple[_Batch, np.ndarray]:
    """M-step from posteriors ``z`` ``(B, S, G, n)``; returns the parameters and a size mask."""
    b, s, g, n = z.shape
    stats = (z.reshape(b, s * g, n) @ feat).reshape(b, s, g, -1)
    nk = stats[..., 0]
    ok = np.all(nk > _MIN_SIZE, axis=-1)
    safe_nk = np.where(nk > _MIN_SIZE, nk, 1.0)
    mean = stats[..., 1 : 1 + d] / safe_nk[..., None]
    if _is_diagonal(model):
        w = stats[..., 1 + d :] - safe_nk[..., None] * mean * mean  # (B, S, G, d)
        if model == "VVI":
            cov = w / safe_nk[..., None]
        else:
            cov = np.broadcast_to(w.sum(-2, keepdims=True) / n, w.shape).copy()
    else:
        j, k2 = np.triu_indices(d)
        sxx = np.empty((b, s, g, d, d))
        sxx[..., j, k2] = stats[..., 1 + d :]
        sxx[..., k2, j] = stats[..., 1 + d :]
        w = sxx - safe_nk[..., None, None] * mean[..., :, None] * mean[..., None, :]
        if model == "VVV":
            cov = w / safe_nk[..., None, None]
        else:
            cov = np.broadcast_to(w.sum(-3, keepdims=True) / n, w.shape).copy()
    return _Batch(nk / n, mean, cov), ok


def _set(par: _Batch, rows: np.ndarray, cols: np.ndarray, new: _Batch, sel: tuple) -> None:
    par.pro[rows, cols] = new.pro[sel]
    par.mean[rows, cols] = new.mean[sel]
    par.cov[rows, cols] = new.cov[sel]


def _combine(a: _Batch, b: _Batch, c: _Batch, alpha: np.ndarray) -> _Batch:
    """SQUAREM extrapolation ``a + 2 alpha r + alpha^2 v``, ``r = b - a``, ``v = c - 2b + a``."""

    def one(x0, x1, x2):
        shape = alpha.shape + (1,) * (x0.ndim - alpha.ndim)
        al = alpha.reshape(shape)
        return x0 + 2.0 * al * (x1 - x0) + al * al * (x2 - 2.0 * x1 + x0)

    return _Batch(one(a.pro, b.pro, c.pro), one(a.mean, b.mean, c.mean), one(a.cov, b.cov, c.cov))


def _sq_norm(a: _Batch, b: _Batch) -> np.ndarray:
    """Squared distance between two parameter batches, per start ``(B, S)``."""
    out = ((a.pro - b.pro) ** 2).sum(-1) + ((a.mean - b.mean) ** 2).sum((-1, -2))
    diff = (a.cov - b.cov) ** 2
    return out + diff.reshape((*diff.shape[:2], -1)).sum(-1)


def _em(
    feat: np.ndarray,
    feat_t: np.ndarray,
    par: _Batch,
    model: str,
    *,
    tol: float,
    max_iter: int,
    accelerate: bool = True,
) -> tuple[_Batch, np.ndarray, np.ndarray, np.ndarray]:
    """Run EM on every start of every batch element until each one converges, fails or stops.

    ``feat`` is ``(B or 1, n, p)`` and ``feat_t`` its transpose ``(B or 1, p, n)``. With
    ``accelerate`` each cycle is a SQUAREM step (Varadhan & Roland, 2008): two EM steps, an
    extrapolation along the squared-iteration direction, and one stabilizing EM step; the
    extrapolated point is kept only when it is admissible and does not lower the likelihood,
    otherwise the cycle is two plain EM steps, so the likelihood never decreases. A start has
    converged when the log-likelihood changes by at most ``tol (1 + |logL|)`` between cycles.
    ``max_iter`` bounds the number of EM steps (M-steps).

    Returns the final parameters, the log-likelihoods ``(B, S)`` evaluated at them (standardized
    scale; ``-inf`` for a failed start), EM step counts and status codes.
    """
    diagonal = _is_diagonal(model)
    d = par.mean.shape[-1]
    nb, ns = par.pro.shape[:2]
    shared = feat.shape[0] == 1
    loglik = np.full((nb, ns), -np.inf)
    prev = np.full((nb, ns), -np.inf)
    n_iter = np.zeros((nb, ns), dtype=int)
    status = np.full((nb, ns), NOT_CONVERGED)
    active = np.ones((nb, ns), dtype=bool)
    step_max = np.full((nb, ns), 4.0)
    par = _Batch(par.pro.copy(), par.mean.copy(), par.cov.copy())
    key = None

    def fail(mask: np.ndarray, code: int) -> None:
        rows, cols = np.nonzero(mask)
        status[bi[rows], si[cols]] = code
        active[bi[rows], si[cols]] = False
        loglik[bi[rows], si[cols]] = -np.inf

    while active.any():
        bi = np.flatnonzero(active.any(axis=1))
        si = np.flatnonzero(active[bi].any(axis=0))
        if key != (bi.size, si.size):  # the active set shrank: gather the data once
            key = (bi.size, si.size)
            f, ft = (feat, feat_t) if shared or bi.size == nb else (feat[bi], feat_t[bi])
            grid = np.ix_(bi, si)
        th0 = par.take(bi, si)
        coef, ok = _coefficients(th0, diagonal)
        ll0, z = _e_step(ft, coef)
        mask = active[grid]
        bad = mask & ~(ok & np.isfinite(ll0))
        if bad.any():
            fail(bad, SINGULAR)
            mask &= ~bad
        cur = np.where(mask, ll0, loglik[grid])
        loglik[grid] = cur
        with np.errstate(invalid="ignore"):
            done = mask & (np.abs(cur - prev[grid]) <= tol * (1.0 + np.abs(cur)))
        if done.any():
            rows, cols = np.nonzero(done)
            status[bi[rows], si[cols]] = OK
            active[bi[rows], si[cols]] = False
            mask &= ~done
        prev[grid] = cur
        out_of_steps = mask & (n_iter[grid] >= max_iter)
        if out_of_steps.any():
            rows, cols = np.nonzero(out_of_steps)
            active[bi[rows], si[cols]] = False  # status stays NOT_CONVERGED
            mask &= ~out_of_steps
        if not mask.any():
            continue
        th1, size_ok = _m_step(f, z, model, d)
        collapsed = mask & ~size_ok
        if collapsed.any():
            fail(collapsed, COLLAPSED)
            mask &= ~collapsed
        new = th1
        steps = np.ones(mask.shape, dtype=int)
        if accelerate:
            coef1, ok1 = _coefficients(th1, diagonal)
            ll1, z1 = _e_step(ft, coef1)
            th2, ok2 = _m_step(f, z1, model, d)
            two = ok1 & ok2 & np.isfinite(ll1)
            sr2 = _sq_norm(th1, th0)
            v = _Batch(
                th2.pro - 2 * th1.pro + th0.pro,
                th2.mean - 2 * th1.mean + th0.mean,
                th2.cov - 2 * th1.cov + th0.cov,
            )
            sv2 = (v.pro**2).sum(-1) + (v.mean**2).sum((-1, -2))
            sv2 = sv2 + (v.cov**2).reshape((*v.cov.shape[:2], -1)).sum(-1)
            with np.errstate(divide="ignore", invalid="ignore"):
                alpha = np.sqrt(sr2 / sv2)
            alpha = np.where(np.isfinite(alpha), alpha, 1.0)
            alpha = np.clip(alpha, 1.0, step_max[grid])
            thx = _combine(th0, th1, th2, alpha)
            coefx, okx = _coefficients(thx, diagonal)
            okx &= np.all(thx.pro > 0, axis=-1)
            llx, zx = _e_step(ft, coefx)
            with np.errstate(invalid="ignore"):
                accept = two & okx & np.isfinite(llx) & (llx >= ll1)
            th3, ok3 = _m_step(f, zx, model, d)
            accept &= ok3
            # admissible two-step update when the extrapolation is rejected
            plain2 = two & ~accept
            new = _Batch(th1.pro.copy(), th1.mean.copy(), th1.cov.copy())
            sel = np.nonzero(accept)
            new.pro[sel], new.mean[sel], new.cov[sel] = th3.pro[sel], th3.mean[sel], th3.cov[sel]
            sel = np.nonzero(plain2)
            new.pro[sel], new.mean[sel], new.cov[sel] = th2.pro[sel], th2.mean[sel], th2.cov[sel]
            steps = np.where(accept, 3, np.where(plain2, 2, 1))
            sm = step_max[grid]
            at_max = alpha >= sm
            sm = np.where(accept & at_max, sm * 4.0, sm)
            sm = np.where(~accept & two, np.maximum(1.0, sm / 4.0), sm)
            step_max[grid] = np.where(mask, sm, step_max[grid])
        rows, cols = np.nonzero(mask)
        _set(par, bi[rows], si[cols], new, (rows, cols))
        n_iter[bi[rows], si[cols]] += steps[rows, cols]
    return par, loglik, n_iter, status


# ---------------------------------------------------------------------------------------------
# starting values


def _params_from_partition(
    feat: np.ndarray, labels: np.ndarray, model: str, g: int, d: int
) -> tuple[_Batch, np.ndarray]:
    """M-step from hard partitions ``labels`` ``(B, S, n)``."""
    z = (labels[:, :, None, :] == np.arange(g)[:, None]).astype(float)  # (B, S, G, n)
    return _m_step(feat, z, model, d)


def _kmeanspp_labels(x: np.ndarray, g: int, n_start: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding (Arthur & Vassilvitskii, 2007), ``n_start`` times; nearest-seed labels.

    ``x`` is ``(B, n, d)``; returns integer labels ``(B, n_start, n)``.
    """
    nb, n, _ = x.shape
    rows = np.arange(nb)[:, None]
    sq = (x * x).sum(-1)  # (B, n)
    seeds = np.empty((nb, n_start, g, x.shape[-1]))

    def dist_to(seed: np.ndarray) -> np.ndarray:  # seed (B, S, d) -> squared distances (B, S, n)
        cross = seed @ np.swapaxes(x, -1, -2)
        return np.maximum(sq[:, None, :] - 2.0 * cross + (seed * seed).sum(-1)[..., None], 0.0)

    seeds[:, :, 0] = x[rows, rng.integers(n, size=(nb, n_start))]
    dist = dist_to(seeds[:, :, 0])
    for k in range(1, g):
        cum = np.cumsum(dist, axis=-1)
        u = rng.random((nb, n_start, 1)) * cum[..., -1:]
        pick = np.minimum((cum < u).sum(-1), n - 1)
        seeds[:, :, k] = x[rows, pick]
        if k < g - 1:
            np.minimum(dist, dist_to(seeds[:, :, k]), out=dist)
    cross = seeds.reshape(nb, n_start * g, -1) @ np.swapaxes(x, -1, -2)  # (B, S*G, n)
    d2 = (seeds * seeds).sum(-1).reshape(nb, n_start * g, 1) - 2.0 * cross
    return d2.reshape(nb, n_start, g, n).argmin(axis=2)


def _stack(batches: list[_Batch]) -> _Batch:
    return _Batch(
        np.concatenate([b.pro for b in batches], axis=1),
        np.concatenate([b.mean for b in batches], axis=1),
        np.concatenate([b.cov for b in batches], axis=1),
    )


def _take_best(par: _Batch, loglik: np.ndarray, k: int) -> tuple[_Batch, np.ndarray]:
    """Keep the ``k`` starts with the highest log-likelihood in every batch element."""
    order = np.argsort(-loglik, axis=1, kind="stable")[:, :k]
    rows = np.arange(loglik.shape[0])[:, None]
    best = _Batch(par.pro[rows, order], par.mean[rows, order], par.cov[rows, order])
    return best, loglik[rows, order]


def _two_stage(
    xs: np.ndarray,
    g: int,
    model: str,
    rng: np.random.Generator,
    *,
    n_init: int,
    n_final: int,
    n_iter_init: int,
    tol: float,
    max_iter: int,
    extra: _Batch | None = None,
    accelerate: bool = True,
) -> tuple[_Batch, np.ndarray, np.ndarray, np.ndarray]:
    """Random starts (stage 1, short) and the best of them plus ``extra`` starts (stage 2).

    ``xs`` is standardized data ``(B, n, d)``; ``extra`` holds starting values ``(B or 1, m, ...)``
    that skip stage 1. Returns the final-stage parameters, log-likelihoods, step counts and status
    codes, all ``(B, S_final)``.
    """
    nb, n, d = xs.shape
    diagonal = _is_diagonal(model)
    feat = _features(xs, diagonal)
    feat_t = np.ascontiguousarray(np.swapaxes(feat, -1, -2))
    finals: list[_Batch] = []
    if g == 1:
        labels = np.zeros((nb, 1, n), dtype=int)
        par, _ = _params_from_partition(feat, labels, model, g, d)
        finals.append(par)
    elif n_init > 0:
        labels = _kmeanspp_labels(xs, g, n_init, rng)
        par, size_ok = _params_from_partition(feat, labels, model, g, d)
        par, ll, _, status = _em(
            feat, feat_t, par, model, tol=tol, max_iter=n_iter_init, accelerate=False
        )
        ll = np.where(size_ok & (status != SINGULAR) & (status != COLLAPSED), ll, -np.inf)
        par, _ = _take_best(par, ll, max(1, min(n_final, n_init)))
        finals.append(par)
    if extra is not None:
        if extra.pro.shape[0] != nb:
            extra = _Batch(
                np.broadcast_to(extra.pro, (nb, *extra.pro.shape[1:])).copy(),
                np.broadcast_to(extra.mean, (nb, *extra.mean.shape[1:])).copy(),
                np.broadcast_to(extra.cov, (nb, *extra.cov.shape[1:])).copy(),
            )
        finals.append(extra)
    par = _stack(finals)
    return _em(feat, feat_t, par, model, tol=tol, max_iter=max_iter, accelerate=accelerate)


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run BLAS on one thread: EM's products are small, and BLAS threads only contend."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# ---------------------------------------------------------------------------------------------
# public entry points


@dataclass
class GaussianMixtureFit:
    """The best of several EM runs, on the original scale of the data."""

    model: str
    n_profiles: int
    pro: np.ndarray  # (G,)
    mean: np.ndarray  # (G, d)
    cov: np.ndarray  # (G, d, d)
    loglik: float
    n_parameters: int
    n: int
    z: np.ndarray  # (n, G)
    n_iter: int
    status: int
    start_logliks: np.ndarray  # (S,): final-stage log-likelihoods (-inf where a start failed)
    start_status: np.ndarray  # (S,)
    center: np.ndarray  # standardization used for fitting
    scale: np.ndarray

    @property
    def ok(self) -> bool:
        return bool(np.isfinite(self.loglik))

    def n_replicated(self, tol: float = 1e-6) -> int:
        """Count final-stage starts within ``tol (1 + |logL|)`` of the best log-likelihood."""
        if not self.ok:
            return 0
        gap = np.abs(self.start_logliks - self.loglik)
        return int(np.sum(gap <= tol * (1.0 + abs(self.loglik))))

    def standardized(self) -> _Batch:
        """Return the parameters on the standardized scale as a one-start batch (warm starts)."""
        mean = (self.mean - self.center) / self.scale
        cov = self.cov / np.outer(self.scale, self.scale)
        if _is_diagonal(self.model):
            cov = np.diagonal(cov, axis1=-2, axis2=-1)
        return _Batch(self.pro[None, None].copy(), mean[None, None], cov[None, None].copy())


def _standardize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    center = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return (x - center) / scale, center, scale


def _full_cov(cov: np.ndarray, model: str) -> np.ndarray:
    if _is_diagonal(model):
        return cov[..., :, None] * np.eye(cov.shape[-1])
    return cov


def fit_gaussian_mixture(
    x: np.ndarray,
    n_profiles: int,
    model: str,
    *,
    n_init: int = 20,
    n_final: int | None = None,
    n_iter_init: int = 20,
    random_state: np.random.Generator | int | None = None,
    partitions: np.ndarray | None = None,
    tol: float = 1e-9,
    max_iter: int = 5000,
    accelerate: bool = True,
) -> GaussianMixtureFit:
    """Fit one Gaussian mixture by EM from many starts, in two stages.

    Stage 1 runs ``n_init`` k-means++ starts for ``n_iter_init`` EM iterations each; stage 2
    continues the ``n_final`` best of them (default ``max(2, n_init // 5)``) to convergence, as
    Mplus does with ``STARTS = n_init n_final`` (its default is 20 4). ``partitions``
    (``(m, n)`` integer labels, 0-based) are extra starting classifications that go straight to
    stage 2.
    """
    rng = np.random.default_rng(random_state)
    x = np.asarray(x, dtype=float)
    _n, d = x.shape
    g = n_profiles
    xs, center, scale = _standardize(x)
    extra = None
    if partitions is not None:
        labels = np.asarray(partitions, dtype=int)[None]
        feat = _features(xs, _is_diagonal(model))[None]
        extra, _ = _params_from_partition(feat, labels, model, g, d)
    keep = n_final if n_final is not None else max(2, n_init // 5)
    par, loglik, n_iter, status = _two_stage(
        xs[None],
        g,
        model,
        rng,
        n_init=n_init,
        n_final=keep,
        n_iter_init=n_iter_init,
        tol=tol,
        max_iter=max_iter,
        extra=extra,
        accelerate=accelerate,
    )
    return _finish(x, xs, center, scale, par, loglik[0], n_iter[0], status[0], model, g)


def _finish(x, xs, center, scale, par, loglik, n_iter, status, model, g):
    n, d = x.shape
    log_jac = float(np.log(scale).sum()) * n
    usable = np.isfinite(loglik) & (status != SINGULAR) & (status != COLLAPSED)
    start_ll = np.where(usable, loglik - log_jac, -np.inf)
    if not usable.any():
        failed = status[status != OK]
        worst = int(np.bincount(failed).argmax()) if failed.size else COLLAPSED
        return GaussianMixtureFit(
            model=model,
            n_profiles=g,
            pro=np.full(g, np.nan),
            mean=np.full((g, d), np.nan),
            cov=np.full((g, d, d), np.nan),
            loglik=-np.inf,
            n_parameters=n_parameters(model, d, g),
            n=n,
            z=np.full((n, g), np.nan),
            n_iter=int(n_iter.max(initial=0)),
            status=worst,
            start_logliks=start_ll,
            start_status=status,
            center=center,
            scale=scale,
        )
    best = int(np.argmax(start_ll))
    pro = par.pro[0, best]
    cov_std = _full_cov(par.cov[0, best], model)
    # final, numerically careful E-step at the returned parameters
    ll, z = _stable_loglik(xs, pro, par.mean[0, best], cov_std)
    return GaussianMixtureFit(
        model=model,
        n_profiles=g,
        pro=pro.copy(),
        mean=par.mean[0, best] * scale + center,
        cov=cov_std * np.outer(scale, scale),
        loglik=float(ll.sum() - log_jac),
        n_parameters=n_parameters(model, d, g),
        n=n,
        z=z,
        n_iter=int(n_iter[best]),
        status=int(status[best]),
        start_logliks=start_ll,
        start_status=status,
        center=center,
        scale=scale,
    )


def simulate(fit: GaussianMixtureFit, n_sets: int, rng: np.random.Generator) -> np.ndarray:
    """``n_sets`` data sets of ``fit.n`` respondents from a fitted mixture, standardized scale."""
    std = fit.standardized()
    pro, mean = std.pro[0, 0], std.mean[0, 0]
    cov = _full_cov(std.cov[0, 0], fit.model)
    chol = np.linalg.cholesky(cov)
    labels = rng.choice(fit.n_profiles, size=(n_sets, fit.n), p=pro / pro.sum())
    eps = rng.standard_normal((n_sets, fit.n, mean.shape[-1]))
    return mean[labels] + np.einsum("bnij,bnj->bni", chol[labels], eps)


def fit_batch_logliks(
    xs: np.ndarray,
    g: int,
    model: str,
    warm: _Batch,
    rng: np.random.Generator,
    *,
    n_init: int,
    n_final: int,
    n_iter_init: int = 20,
    tol: float = 1e-8,
    max_iter: int = 5000,
) -> np.ndarray:
    """Best log-likelihood ``(B,)`` of a ``g``-profile mixture on each of ``B`` data sets.

    ``xs`` is ``(B, n, d)`` on the scale the warm start ``warm`` refers to. ``-inf`` marks a data
    set on which every start failed. Work is split into chunks to bound memory.
    """
    nb, n, _ = xs.shape
    per_set = max(1, n_init + 1) * g * n
    chunk = max(1, int(4_000_000 // per_set))
    out = np.full(nb, -np.inf)
    for lo in range(0, nb, chunk):
        hi = min(nb, lo + chunk)
        _, ll, _, status = _two_stage(
            xs[lo:hi],
            g,
            model,
            rng,
            n_init=n_init,
            n_final=n_final,
            n_iter_init=n_iter_init,
            tol=tol,
            max_iter=max_iter,
            extra=warm,
        )
        ll = np.where((status == SINGULAR) | (status == COLLAPSED), -np.inf, ll)
        out[lo:hi] = ll.max(axis=1)
    return out


def _stable_loglik(
    x: np.ndarray, pro: np.ndarray, mean: np.ndarray, cov: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-respondent log-likelihood ``(n,)`` and posteriors ``(n, G)`` by Cholesky factors."""
    _n, d = x.shape
    chol = np.linalg.cholesky(cov)  # (G, d, d)
    diff = x[:, None, :] - mean[None]  # (n, G, d)
    sol = np.linalg.solve(chol[None], diff[..., None])[..., 0]
    maha = (sol * sol).sum(-1)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(-1)
    with np.errstate(divide="ignore"):
        dens = np.log(pro) - 0.5 * (d * _LOG_2PI + logdet + maha)
    norm = logsumexp(dens, axis=1)
    return norm, np.exp(dens - norm[:, None])


def log_likelihood(x: np.ndarray, pro: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> float:
    """Log-likelihood of a Gaussian mixture at given parameters (original scale)."""
    ll, _ = _stable_loglik(
        np.asarray(x, float),
        np.asarray(pro, float),
        np.asarray(mean, float),
        np.asarray(cov, float),
    )
    return float(ll.sum())


def posterior(x: np.ndarray, pro: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Posterior profile probabilities ``(n, G)`` at given parameters."""
    _, z = _stable_loglik(np.asarray(x, float), pro, mean, cov)
    return z

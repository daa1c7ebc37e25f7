# Reference values for tests/test_efa.py: psych::fa on the 25 bfi items (complete cases).
# Run from the repository root: Rscript tests/reference/efa_bfi.R
# Writes tests/reference/efa_bfi.json (full precision).
suppressPackageStartupMessages({library(psych); library(GPArotation); library(jsonlite); library(psychTools)})
bfi <- read.csv("datasets/public/bfi.csv")
items <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5), paste0("N", 1:5),
           paste0("O", 1:5))
x <- na.omit(bfi[, items])

fa_ref <- function(f) {
  L <- unclass(f$loadings)
  list(
    loadings = L, factors = colnames(L),
    Phi = if (is.null(f$Phi)) NULL else unclass(f$Phi),
    Structure = unclass(f$Structure),
    communality = unname(f$communality), uniquenesses = unname(f$uniquenesses),
    values = f$values, e_values = f$e.values, Vaccounted = unclass(f$Vaccounted),
    complexity = unname(f$complexity),
    STATISTIC = f$STATISTIC, dof = f$dof, PVAL = f$PVAL, objective = f$objective,
    chi = f$chi, EPVAL = f$EPVAL, rms = f$rms, crms = f$crms, RMSEA = unname(f$RMSEA),
    TLI = f$TLI, BIC = f$BIC, SABIC = f$SABIC, EBIC = f$EBIC, ESABIC = f$ESABIC,
    fit = f$fit, fit_off = f$fit.off, null_model = f$null.model, null_dof = f$null.dof,
    null_chisq = f$null.chisq, n_obs = f$n.obs, nh = f$nh)
}

out <- list()
for (fm in c("minres", "ml", "pa")) {
  for (rot in c("oblimin", "geominQ", "promax", "varimax", "none")) {
    out[[paste(fm, rot, sep = "_")]] <- fa_ref(fa(x, nfactors = 5, fm = fm, rotate = rot))
  }
}
# psych's default on raw data with missing values: pairwise correlations of all 2800 rows.
out[["pairwise_minres_oblimin"]] <- fa_ref(fa(bfi[, items], nfactors = 5))
# Tucker congruence of the minres/oblimin pattern with the bfi scoring keys.
keys <- make.keys(items, psychTools::bfi.keys[c("agree", "conscientious", "extraversion",
                                                 "neuroticism", "openness")])
out[["keys"]] <- unclass(keys)
out[["congruence_minres_oblimin"]] <- unclass(factor.congruence(
  fa(x, nfactors = 5, fm = "minres", rotate = "oblimin")$loadings, keys, digits = 16))
out[["minres_oblimin_3"]] <- fa_ref(fa(x, nfactors = 3, fm = "minres", rotate = "oblimin"))
out[["minres_none_1"]] <- fa_ref(fa(x, nfactors = 1, fm = "minres", rotate = "none"))

# Polychoric input: psych's polychoric matrix is stored so that the factor analysis of a
# correlation matrix can be checked independently of how the matrix was estimated.
rho <- polychoric(x)$rho
out[["polychoric_rho"]] <- unclass(rho)
out[["poly_minres_oblimin"]] <- fa_ref(fa(rho, nfactors = 5, n.obs = nrow(x), fm = "minres",
                                          rotate = "oblimin"))
out[["poly_raw_minres_oblimin"]] <- fa_ref(fa(x, nfactors = 5, fm = "minres", rotate = "oblimin",
                                              cor = "poly"))

# Rotations alone (GPArotation / psych / stats) from one unrotated minres solution.
A <- unclass(fa(x, nfactors = 5, fm = "minres", rotate = "none")$loadings)
ob <- GPArotation::oblimin(A)
gm <- GPArotation::geominQ(A)
pm <- psych::kaiser(A, rotate = "Promax")
vm <- stats::varimax(A)
out[["rot_input"]] <- A
out[["rot_oblimin"]] <- list(loadings = unclass(ob$loadings), Phi = ob$Phi)
out[["rot_geominQ"]] <- list(loadings = unclass(gm$loadings), Phi = gm$Phi)
out[["rot_promax"]] <- list(loadings = unclass(pm$loadings), Phi = pm$Phi)
out[["rot_varimax"]] <- list(loadings = unclass(vm$loadings))

out[["items"]] <- items
out[["n"]] <- nrow(x)
out[["versions"]] <- list(R = as.character(getRversion()),
                          psych = as.character(packageVersion("psych")),
                          GPArotation = as.character(packageVersion("GPArotation")))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", matrix = "rowmajor"),
           "tests/reference/efa_bfi.json")

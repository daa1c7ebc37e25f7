# Reference values for tests/test_cfa_wlsmv_pairwise.py: ordinal CFA (WLSMV) with pairwise
# deletion (lavaan's missing = "pairwise"): thresholds from every answered item, polychoric
# correlations from the pairwise-complete rows, their NACOV from casewise scores that are zero
# where an answer is missing.
# Data: the reference cohort's BAI core scales (15 items, 2 % of answers missing at random), one
# group and by form (language version); the theta parameterization and ULSMV once each; the
# Wu & Estabrook (2016) invariance sequence by form (semTools::measEq.syntax, lavTestLRT).
# Run from the repository root: Rscript tests/reference/cfa_wlsmv_pairwise.R [out.json]
# The cohort's data may be regenerated; re-run this script afterwards.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/cfa_wlsmv_pairwise.json"

cohort <- read.csv("datasets/reference_cohort/cohort.csv")
items <- c(paste0("ex", 1:5), paste0("md", 1:5), paste0("re", 1:5))
model <- "ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5"

params <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE)
  pe <- pe[pe$op != "==", ]
  if (is.null(pe$group)) pe$group <- 1L
  list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group, est = pe$est, se = pe$se,
       std_lv = pe$std.lv, std_all = pe$std.all)
}
per_group <- function(x, g) if (is.list(x)) x[[g]] else x
stats <- function(fit) {
  lapply(seq_len(lavInspect(fit, "ngroups")), function(g) list(
    wls_obs = unname(per_group(lavInspect(fit, "wls.obs"), g)),
    nacov = unname(per_group(lavInspect(fit, "gamma"), g))))
}
block <- function(fit, with_stats = FALSE) {
  out <- list(params = params(fit), fit = as.list(fitMeasures(fit)), n = nobs(fit),
              n_group = lavInspect(fit, "nobs"))
  if (with_stats) out$stats <- stats(fit)
  out
}

d <- cohort[, c(items, "form")]
fit_one <- cfa(model, data = d, ordered = items, estimator = "WLSMV", missing = "pairwise")
fit_theta <- cfa(model, data = d, ordered = items, estimator = "WLSMV", missing = "pairwise",
                 parameterization = "theta")
fit_uls <- cfa(model, data = d, ordered = items, estimator = "ULSMV", missing = "pairwise")
fit_group <- cfa(model, data = d, ordered = items, estimator = "WLSMV", missing = "pairwise",
                 group = "form")

steps <- list(configural = "configural", thresholds = "thresholds",
              metric = c("thresholds", "loadings"),
              scalar = c("thresholds", "loadings", "intercepts"))
fits <- list()
for (nm in names(steps)) {
  syn <- measEq.syntax(model, data = d, ordered = items, group = "form",
                       parameterization = "delta", ID.fac = "std.lv",
                       ID.cat = "Wu.Estabrook.2016", group.equal = steps[[nm]])
  fits[[nm]] <- cfa(as.character(syn), data = d, ordered = items, group = "form",
                    estimator = "WLSMV", missing = "pairwise")
}
lrt <- do.call(lavTestLRT, unname(fits))
invariance <- list(levels = names(steps),
                   fit = lapply(fits, function(f) as.list(fitMeasures(f))),
                   params = lapply(fits, function(f) params(f)),
                   lrt = list(chisq_diff = lrt[["Chisq diff"]], df_diff = lrt[["Df diff"]],
                              p_value = lrt[["Pr(>Chisq)"]]))

out <- list(model = model, items = items, invariance = invariance,
            wlsmv = block(fit_one, TRUE), theta = block(fit_theta), ulsmv = block(fit_uls),
            group = block(fit_group, TRUE),
            versions = list(R = as.character(getRversion()),
                            lavaan = as.character(packageVersion("lavaan"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

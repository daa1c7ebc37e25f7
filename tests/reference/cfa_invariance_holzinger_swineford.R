# Reference values for tests/test_invariance_lavaan.py: measurement invariance by school on
# Holzinger & Swineford (1939) with lavaan's group.equal, lavTestLRT and lavTestScore.
# Run from the repository root: Rscript tests/reference/cfa_invariance_holzinger_swineford.R [out]
# Writes tests/reference/cfa_invariance_holzinger_swineford.json (full precision).
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else
  "tests/reference/cfa_invariance_holzinger_swineford.json"
hs <- read.csv("datasets/public/holzinger_swineford_1939.csv")
hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

params <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE)
  pe <- pe[pe$op != "==", ]
  list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group, est = pe$est, se = pe$se,
       std_all = pe$std.all)
}
fits <- function(fit) as.list(fitMeasures(fit))
score <- function(fit) {
  s <- lavTestScore(fit)
  pt <- parTable(fit)
  idx <- match(s$uni$rhs, pt$plabel)
  list(total = as.list(s$test[, c("X2", "df", "p.value")]),
       lhs = pt$lhs[idx], op = pt$op[idx], rhs = pt$rhs[idx], group = pt$group[idx],
       x2 = s$uni$X2, p_value = s$uni$p.value)
}
lrt <- function(...) {
  a <- lavTestLRT(...)
  list(df = a$Df, chisq = a$Chisq, chisq_diff = a[["Chisq diff"]], df_diff = a[["Df diff"]],
       p_value = a[["Pr(>Chisq)"]], aic = a$AIC, bic = a$BIC)
}
levels <- list(configural = "", metric = "loadings",
               scalar = c("loadings", "intercepts"),
               strict = c("loadings", "intercepts", "residuals"))
ml <- lapply(levels, function(eq) cfa(hs_model, data = hs, group = "school", group.equal = eq))
mlr <- lapply(levels[1:3], function(eq)
  cfa(hs_model, data = hs, group = "school", group.equal = eq, estimator = "MLR"))
partial <- cfa(hs_model, data = hs, group = "school", group.equal = c("loadings", "intercepts"),
               group.partial = c("x3 ~ 1", "x7 ~ 1"))
metric_stdlv <- cfa(hs_model, data = hs, group = "school", group.equal = "loadings",
                    std.lv = TRUE)
mi_scalar <- modindices(ml$scalar)

out <- list(
  model = hs_model,
  group_labels = lavInspect(ml$configural, "group.label"),
  ml = lapply(ml, function(f) list(params = params(f), fit = fits(f))),
  mlr = lapply(mlr, function(f) list(params = params(f), fit = fits(f))),
  partial = list(params = params(partial), fit = fits(partial), score = score(partial)),
  metric_std_lv = list(params = params(metric_stdlv), fit = fits(metric_stdlv)),
  score_metric = score(ml$metric),
  score_scalar = score(ml$scalar),
  lrt_ml = lrt(ml$configural, ml$metric, ml$scalar, ml$strict),
  lrt_mlr = lrt(mlr$configural, mlr$metric, mlr$scalar),
  modindices_scalar = list(lhs = mi_scalar$lhs, op = mi_scalar$op, rhs = mi_scalar$rhs,
                           group = mi_scalar$group, mi = mi_scalar$mi, epc = mi_scalar$epc,
                           sepc_all = mi_scalar$sepc.all),
  versions = list(R = as.character(getRversion()),
                  lavaan = as.character(packageVersion("lavaan"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

# Reference values for tests/test_cfa_vcov.py: lavaan's parameter covariance matrix, the
# delta-method SEs of the standardized solution and regression factor scores on
# Holzinger & Swineford (1939).
# Run from the repository root: Rscript tests/reference/cfa_vcov.R [out.json]
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/cfa_vcov.json"
hs <- read.csv("datasets/public/holzinger_swineford_1939.csv")
models <- list(
  ml = list(syntax = "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9", estimator = "ML"),
  mlr = list(syntax = "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9", estimator = "MLR"),
  labels = list(syntax = "visual =~ x1 + a*x2 + a*x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
x1 ~ 1", estimator = "ML")
)
res <- list(lavaan_version = as.character(packageVersion("lavaan")), r_version = R.version.string,
            models = list())
for (k in names(models)) {
  fit <- cfa(models[[k]]$syntax, data = hs, estimator = models[[k]]$estimator)
  v <- vcov(fit)
  ss <- standardizedSolution(fit, type = "std.all")
  ss <- ss[ss$op != "==", ]
  fs <- lavPredict(fit)
  res$models[[k]] <- list(syntax = models[[k]]$syntax, estimator = models[[k]]$estimator,
                          names = colnames(v), vcov = unname(as.matrix(v)),
                          std_lhs = ss$lhs, std_op = ss$op, std_rhs = ss$rhs,
                          std_all = ss$est.std, std_se = ss$se,
                          scores = unname(as.matrix(fs)), score_names = colnames(fs))
}
write_json(res, out_path, digits = NA, auto_unbox = TRUE, pretty = TRUE)

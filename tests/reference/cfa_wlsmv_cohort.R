# Reference values for tests/test_cfa_wlsmv_cohort.py: ordinal CFA (WLSMV) with lavaan on the
# reference cohort's BAI core scales (exhaustion, mental distance, reduced efficacy: 15 items,
# three correlated factors, complete cases).
# Run from the repository root: Rscript tests/reference/cfa_wlsmv_cohort.R [out.json]
# The cohort's data may be regenerated; re-run this script afterwards.
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/cfa_wlsmv_cohort.json"

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
block <- function(fit) list(params = params(fit), fit = as.list(fitMeasures(fit)),
                            n = nobs(fit))

fit_wlsmv <- cfa(model, data = cohort[, items], ordered = TRUE, estimator = "WLSMV")
fit_theta <- cfa(model, data = cohort[, items], ordered = TRUE, estimator = "WLSMV",
                 parameterization = "theta")
fit_uls <- cfa(model, data = cohort[, items], ordered = TRUE, estimator = "ULSMV")

out <- list(model = model, items = items,
            wlsmv = block(fit_wlsmv), theta = block(fit_theta), ulsmv = block(fit_uls),
            versions = list(R = as.character(getRversion()),
                            lavaan = as.character(packageVersion("lavaan"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

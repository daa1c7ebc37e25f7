# Reference values for tests/test_cfa_wlsmv_sparse.py: ordinal CFA (WLSMV) with lavaan on data
# with a sparse category and on binary items.
# Holzinger & Swineford (1939) items cut at sample quantiles into 3, 4 and 5 categories (as in
# cfa_wlsmv_public.R); "sparse": the lowest category of x9 keeps only its first 3 respondents
# (the others move to category 2); "binary": every item split at its median (above = 2).
# Run from the repository root: Rscript tests/reference/cfa_wlsmv_sparse.R [out.json]
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/cfa_wlsmv_sparse.json"

raw <- read.csv("datasets/public/holzinger_swineford_1939.csv")
vars <- paste0("x", 1:9)
n_cat <- c(3, 3, 3, 4, 4, 4, 5, 5, 5)
hs <- raw
for (i in 1:9) {
  x <- raw[[vars[i]]]
  hs[[vars[i]]] <- cut(x, breaks = quantile(x, seq(0, 1, length.out = n_cat[i] + 1)),
                       include.lowest = TRUE, labels = FALSE)
}
sparse <- hs
low <- which(sparse$x9 == 1)
sparse$x9[low[-(1:3)]] <- 2
binary <- raw
for (v in vars) binary[[v]] <- as.integer(raw[[v]] > median(raw[[v]])) + 1L

model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
params <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE)
  list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = rep(1L, nrow(pe)), est = pe$est,
       se = pe$se, std_lv = pe$std.lv, std_all = pe$std.all)
}
block <- function(fit) list(params = params(fit), fit = as.list(fitMeasures(fit)))
fit_sparse <- cfa(model, data = sparse, ordered = TRUE, estimator = "WLSMV")
fit_binary <- cfa(model, data = binary, ordered = TRUE, estimator = "WLSMV")
out <- list(model = model, x9_counts = as.numeric(table(sparse$x9)),
            sparse = block(fit_sparse), binary = block(fit_binary),
            versions = list(R = as.character(getRversion()),
                            lavaan = as.character(packageVersion("lavaan"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

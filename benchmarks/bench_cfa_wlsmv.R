# Times lavaan::cfa(ordered = TRUE, estimator = "WLSMV"); called by benchmarks/bench_cfa_wlsmv.py.
# Usage: Rscript bench_cfa_wlsmv.R DATA.csv MODEL.lav REPEATS PARAMS_OUT.csv
# Prints one line per repeat (elapsed seconds measured inside R), then "chisq <scaled chi-square>"
# for the parity check, and writes the parameter estimates to PARAMS_OUT.csv.
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
dat <- read.csv(args[1])
model <- paste(readLines(args[2]), collapse = "\n")
repeats <- as.integer(args[3])
for (i in seq_len(repeats)) {
  t <- system.time(fit <- cfa(model, data = dat, ordered = TRUE, estimator = "WLSMV"))
  cat(sprintf("%.6f\n", t[["elapsed"]]))
}
cat(sprintf("chisq %.10f\n", fitMeasures(fit, "chisq.scaled")))
pe <- parameterEstimates(fit, remove.nonfree = FALSE)
write.csv(pe[, c("lhs", "op", "rhs", "est", "se")], args[4], row.names = FALSE)

# Times lavaan::cfa on one model and data set; called by benchmarks/bench_cfa.py.
# Usage: Rscript bench_cfa.R DATA.csv MODEL.lav ESTIMATOR GROUP REPEATS
# (GROUP is "-" for a single-group model.) Prints one line per repeat: the elapsed seconds
# measured inside R, then a line "chisq <value>" for the parity check.
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
dat <- read.csv(args[1])
model <- paste(readLines(args[2]), collapse = "\n")
estimator <- args[3]
group <- if (args[4] == "-") NULL else args[4]
repeats <- as.integer(args[5])
for (i in seq_len(repeats)) {
  t <- system.time(fit <- cfa(model, data = dat, estimator = estimator, group = group))
  cat(sprintf("%.6f\n", t[["elapsed"]]))
}
cat(sprintf("chisq %.10f\n", fitMeasures(fit, "chisq")))

# Times mclust::Mclust on the enumeration task; called by benchmarks/bench_profiles.py.
# Usage: Rscript bench_profiles.R DATA.csv REPEATS
# Prints one line per repeat: the elapsed seconds measured inside R, then one line per model and
# number of profiles, "bic <model> <G> <mclust BIC>", for the parity check.
suppressPackageStartupMessages(library(mclust))
args <- commandArgs(trailingOnly = TRUE)
x <- as.matrix(read.csv(args[1]))
repeats <- as.integer(args[2])
for (i in seq_len(repeats)) {
  t <- system.time(fit <- Mclust(x, G = 1:8, modelNames = c("EEI", "VVI", "EEE", "VVV"),
                                 verbose = FALSE))
  cat(sprintf("%.6f\n", t[["elapsed"]]))
}
bic <- fit$BIC
for (m in colnames(bic)) for (g in rownames(bic)) {
  cat(sprintf("bic %s %s %.6f\n", m, g, bic[g, m]))
}

# Times psych::fa.parallel on the 25 bfi items (complete cases); called by
# benchmarks/bench_parallel_analysis.py. Usage: Rscript bench_parallel_analysis.R N_ITER REPEATS
# Prints one line per repeat: the elapsed seconds measured inside R.
suppressPackageStartupMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
n_iter <- as.integer(args[1])
repeats <- as.integer(args[2])
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
bfi <- read.csv(file.path(here, "..", "datasets", "public", "bfi.csv"))
items <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5), paste0("N", 1:5),
           paste0("O", 1:5))
x <- na.omit(bfi[, items])
options(mc.cores = 1)
set.seed(1)
for (i in seq_len(repeats)) {
  t <- system.time(invisible(capture.output(
    fa.parallel(x, fm = "minres", fa = "both", n.iter = n_iter, plot = FALSE))))
  cat(sprintf("%.6f\n", t[["elapsed"]]))
}

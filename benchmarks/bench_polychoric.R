# Times psych::polychoric on the 25 bfi items (burnoutkit's datasets/public/bfi.csv).
# Run from the repository root: Rscript benchmarks/bench_polychoric.R [repeats] [mc.cores]
# psych::polychoric runs its item pairs with parallel::mcmapply (mc.cores defaults to 2).
# Prints one line per run: "elapsed <seconds>" (system.time, elapsed), then the versions.
suppressPackageStartupMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
repeats <- if (length(args) >= 1) as.integer(args[1]) else 3
if (length(args) >= 2) options(mc.cores = as.integer(args[2]))
bfi <- read.csv(file.path("datasets", "public", "bfi.csv"))
items <- bfi[, paste0(rep(c("A", "C", "E", "N", "O"), each = 5), 1:5)]
invisible(polychoric(items))  # warm-up
for (i in seq_len(repeats)) {
  t <- system.time(p <- polychoric(items))
  cat(sprintf("elapsed %.6f\n", t[["elapsed"]]))
}
cat(sprintf("versions %s; psych %s; mc.cores %s\n", R.version.string, packageVersion("psych"),
            getOption("mc.cores", 2L)))

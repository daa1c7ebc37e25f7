# Reference polychoric correlations for burnoutkit.correlation(method = "polychoric"),
# computed with psych::polychoric (its defaults: global = TRUE, correct = 0.5, smooth = TRUE).
#
# Run from the repository root:
#   Rscript tests/reference/reliability_polychoric.R [output_dir]
# output_dir defaults to tests/reference. Writes <output_dir>/reliability_polychoric.json and
# the data it simulates and uses: <output_dir>/data/epi.csv and poly_nonpd.csv.
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else file.path("tests", "reference")
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, recursive = TRUE, showWarnings = FALSE)

source(file.path("tests", "reference", "_json.R"))  # num_json, str_json, to_json

poly_case <- function(x, smooth = TRUE, note = "") {
  msgs <- character(0)
  p <- withCallingHandlers(
    polychoric(x, smooth = smooth),
    warning = function(w) { msgs <<- c(msgs, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(items = colnames(x), smooth = smooth, note = note, rho = unclass(p$rho), tau = p$tau,
       warnings = msgs)
}

# a small simulated data set (n = 30, 14 four-category items, 60 missing responses) whose
# pairwise polychoric matrix is not positive definite, so psych smooths it
set.seed(1)
n <- 30; k <- 14
z <- matrix(rnorm(n), n, k) * 0.6 + matrix(rnorm(n * k), n, k)
nonpd <- apply(z, 2, function(v) as.integer(cut(v, c(-Inf, -0.8, 0, 0.8, Inf))))
nonpd[sample(length(nonpd), 60)] <- NA
colnames(nonpd) <- paste0("q", 1:k)
nonpd <- as.data.frame(nonpd)
write.csv(nonpd, file.path(data_dir, "poly_nonpd.csv"), row.names = FALSE, na = "")

bfi <- psychTools::bfi
epi <- psychTools::epi
write.csv(epi, file.path(data_dir, "epi.csv"), row.names = FALSE, na = "")

cases <- list(
  bfi25 = poly_case(bfi[, 1:25]),
  bfi_A_education = poly_case(bfi[, c("A1", "A2", "A3", "A4", "A5", "education")],
                              note = "unequal numbers of categories: psych sets global = FALSE"),
  epi10 = poly_case(epi[, 1:10], note = "binary items"),
  nonpd = poly_case(nonpd, note = "not positive definite: smoothed by cor.smooth"),
  nonpd_unsmoothed = poly_case(nonpd, smooth = FALSE)
)
versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                 psychTools = as.character(packageVersion("psychTools")),
                 mnormt = as.character(packageVersion("mnormt")))
writeLines(to_json(list(versions = versions, cases = cases)),
           file.path(out_dir, "reliability_polychoric.json"))
cat(sprintf("wrote %s with %s, psych %s\n", file.path(out_dir, "reliability_polychoric.json"),
            R.version.string, packageVersion("psych")))

# psych's reliability coefficients for the BAI on burnoutkit's shipped reference cohort.
#
# Run from the repository root:
#   Rscript tests/reference/reliability_cohort.R [output_dir]
# Reads the item keys from burnoutkit/banks/builtin/bai.yaml and the responses from
# datasets/reference_cohort/cohort.csv; writes <output_dir>/reliability_cohort.json
# (default output_dir: tests/reference).
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(jsonlite)
  library(yaml)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else file.path("tests", "reference")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

bank <- yaml::read_yaml(file.path("burnoutkit", "banks", "builtin", "bai.yaml"))
cohort <- read.csv(file.path("datasets", "reference_cohort", "cohort.csv"))
items <- vapply(bank$items, function(i) i$id, character(1))
scale_of <- vapply(bank$items, function(i) i$scale, character(1))
keyed <- vapply(bank$items, function(i) as.integer(i$keyed), integer(1))
names(scale_of) <- names(keyed) <- items

alpha_case <- function(ids) {
  x <- cohort[, ids]
  reversed <- ids[keyed[ids] < 0]
  a <- if (length(reversed)) alpha(x, keys = reversed, warnings = FALSE) else
    alpha(x, warnings = FALSE)
  list(items = ids, keys = reversed, total = as.list(a$total),
       feldt = list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]]),
       alpha_drop = as.list(a$alpha.drop), item_stats = as.list(a$item.stats[
         , c("n", "raw.r", "std.r", "r.cor", "r.drop", "mean", "sd")]))
}
scales <- unique(scale_of)
alpha_ref <- setNames(lapply(scales, function(s) alpha_case(items[scale_of == s])), scales)

split_case <- function(ids) {
  s <- splitHalf(cohort[, ids], key = keyed[ids])
  list(items = ids, keys = ids[keyed[ids] < 0], maxrb = s$maxrb, minrb = s$minrb,
       meanr = s$meanr, alpha = s$alpha, lambda2 = s$lambda2, lambda6 = s$lambda6)
}
split_ref <- lapply(c(gs = "gs", ls = "ls", dq = "dq", ic = "ic"),
                    function(s) split_case(items[scale_of == s]))

core <- items[scale_of %in% c("ex", "md", "re")]
o <- suppressMessages(suppressWarnings(
  omega(cohort[, core], nfactors = 3, key = keyed[core], plot = FALSE)))
omega_ref <- list(items = core, key = unname(keyed[core]), omega_h = o$omega_h,
                  omega_tot = o$omega.tot, omega_lim = o$omega.lim)

pairs <- items[scale_of %in% c("gs", "ls")]
p <- polychoric(cohort[, pairs])
poly_ref <- list(items = pairs, rho = unname(unclass(p$rho)), tau = unname(unclass(p$tau)))

versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                 GPArotation = as.character(packageVersion("GPArotation")))
out <- list(versions = versions, n = nrow(cohort), alpha = alpha_ref, split_half = split_ref,
            omega = omega_ref, polychoric = poly_ref)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", matrix = "rowmajor"),
           file.path(out_dir, "reliability_cohort.json"))
cat(sprintf("wrote %s (%s, psych %s)\n", file.path(out_dir, "reliability_cohort.json"),
            R.version.string, packageVersion("psych")))

# Reference values for ordinal alpha, burnoutkit.alpha(method = "polychoric"): coefficient alpha
# of the polychoric correlation matrix (Zumbo, Gadermann & Zeisser, 2007), computed as
#   psych::alpha(psych::polychoric(x)$rho, n.obs = nrow(x))
# with psych's defaults (polychoric: global = TRUE, correct = 0.5, smooth = TRUE).
#
# Run from the repository root:
#   Rscript tests/reference/reliability_ordinal_alpha.R [output_dir]
# output_dir defaults to tests/reference; writes <output_dir>/reliability_ordinal_alpha.json
# (17 significant digits) with the R and psych versions. Data: psychTools' bfi (the same data as
# burnoutkit's datasets/public/bfi.csv), agreeableness items A1-A5 with A1 reversed (7 - A1) and
# conscientiousness items C1-C5 with C4, C5 reversed.
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else file.path("tests", "reference")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

source(file.path("tests", "reference", "_json.R"))  # num_json, str_json, to_json

ordinal_case <- function(x, reversed) {
  x[reversed] <- 7 - x[reversed]
  rho <- polychoric(x)$rho
  a <- alpha(rho, n.obs = nrow(x))
  list(
    items = colnames(x),
    reversed = reversed,
    n = nrow(x),
    rho = unclass(rho),
    total = as.list(a$total),
    alpha_drop = as.data.frame(a$alpha.drop),
    item_stats = as.data.frame(a$item.stats[, c("r", "r.cor", "r.drop")]),
    pearson_alpha = alpha(x)$total$raw_alpha
  )
}

bfi <- psychTools::bfi
cases <- list(
  agree = ordinal_case(bfi[, paste0("A", 1:5)], "A1"),
  conscientious = ordinal_case(bfi[, paste0("C", 1:5)], c("C4", "C5"))
)
versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                 psychTools = as.character(packageVersion("psychTools")))
writeLines(to_json(list(versions = versions, cases = cases)),
           file.path(out_dir, "reliability_ordinal_alpha.json"))
cat(sprintf("wrote %s with %s, psych %s\n", file.path(out_dir, "reliability_ordinal_alpha.json"),
            R.version.string, packageVersion("psych")))

# Reference values for tests/test_suitability.py: psych::KMO and psych::cortest.bartlett on the
# 25 bfi items. Run from the repository root: Rscript tests/reference/suitability_bfi.R
# Writes tests/reference/suitability_bfi.json (full precision).
suppressPackageStartupMessages({library(psych); library(jsonlite)})
bfi <- read.csv("datasets/public/bfi.csv")
items <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5), paste0("N", 1:5),
           paste0("O", 1:5))
x <- na.omit(bfi[, items])
r <- cor(x)
k <- KMO(r)
b <- cortest.bartlett(r, n = nrow(x))
# psych's default on raw data: pairwise correlations of all 2800 rows, n = number of rows.
rp <- cor(bfi[, items], use = "pairwise")
kp <- KMO(bfi[, items])
bp <- cortest.bartlett(rp, n = nrow(bfi))
out <- list(
  items = items, n = nrow(x),
  kmo = list(MSA = k$MSA, MSAi = unname(k$MSAi)),
  bartlett = list(chisq = b$chisq, p_value = b$p.value, df = b$df),
  pairwise = list(n = nrow(bfi), MSA = kp$MSA, MSAi = unname(kp$MSAi), chisq = bp$chisq,
                  p_value = bp$p.value, df = bp$df),
  versions = list(R = as.character(getRversion()), psych = as.character(packageVersion("psych"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "tests/reference/suitability_bfi.json")

# Reference values for tests/test_retention.py: psych::fa.parallel and psych::vss on the 25 bfi
# items (complete cases). Run from the repository root: Rscript tests/reference/retention_bfi.R
# Writes tests/reference/retention_bfi.json (full precision).
suppressPackageStartupMessages({library(psych); library(jsonlite)})
bfi <- read.csv("datasets/public/bfi.csv")
items <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5), paste0("N", 1:5),
           paste0("O", 1:5))
x <- na.omit(bfi[, items])
set.seed(20240501)
n_iter <- 200
options(mc.cores = 1)
pa <- fa.parallel(x, fm = "minres", fa = "both", n.iter = n_iter, quant = 0.95, plot = FALSE)
# pa$values: one row per iteration; columns C1..Cp (resampled components), F1..Fp (resampled
# factors), CSim1..CSimp (simulated components), Fsim1..Fsimp (simulated factors).
v <- pa$values
p <- length(items)
block <- function(k) v[, ((k - 1) * p + 1):(k * p)]
summ <- function(m) list(mean = unname(colMeans(m)), sd = unname(apply(m, 2, sd)),
                         q95 = unname(apply(m, 2, quantile, 0.95)))
m <- vss(x, n = 8, plot = FALSE)
m_all <- vss(x, n = 24, plot = FALSE)
out <- list(
  items = items, n = nrow(x), n_iter = n_iter,
  pc_values = pa$pc.values, fa_values = pa$fa.values, nfact = pa$nfact, ncomp = pa$ncomp,
  resampled_components = summ(block(1)), resampled_factors = summ(block(2)),
  simulated_components = summ(block(3)), simulated_factors = summ(block(4)),
  map = m$map, map_24 = m_all$map,
  vss1 = unname(m$cfit.1), vss2 = unname(m$cfit.2), bic = m$vss.stats$BIC,
  versions = list(R = as.character(getRversion()), psych = as.character(packageVersion("psych"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "tests/reference/retention_bfi.json")

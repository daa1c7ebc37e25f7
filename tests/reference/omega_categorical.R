# Reference values for tests/test_omega_categorical.py: categorical omega (Green & Yang, 2009)
# of ordinal CFAs (WLSMV), as semTools::compRelSEM(fit) computes it (ord.scale = TRUE, the
# default for ordinal indicators), and the latent-response omega (ord.scale = FALSE).
# semTools 0.5-6 computes the categorical omega of single factors only (its total and
# higher-order branches stop with "non-conformable arguments"); for the total score and a
# second-order factor the script calls semTools' own omegaCat() with the model-implied common
# covariance matrix of the items (L Phi L', or L B Phi B' L' for a second-order factor).
# Data: Holzinger & Swineford (1939) items cut at sample quantiles into 3, 4 and 5 categories (as
# cfa_wlsmv_public.R); bfi agreeableness and conscientiousness items (A1, C4, C5 reversed as
# 7 - x), complete cases.
# Run from the repository root: Rscript tests/reference/omega_categorical.R [out.json]
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/omega_categorical.json"

hs <- read.csv("datasets/public/holzinger_swineford_1939.csv")
vars <- paste0("x", 1:9)
n_cat <- c(3, 3, 3, 4, 4, 4, 5, 5, 5)
for (i in 1:9) {
  x <- hs[[vars[i]]]
  hs[[vars[i]]] <- cut(x, breaks = quantile(x, seq(0, 1, length.out = n_cat[i] + 1)),
                       include.lowest = TRUE, labels = FALSE)
}
hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
ho_model <- paste(hs_model, "g =~ visual + textual + speed", sep = "\n")

omega_cat <- function(fit, common) {
  semTools:::omegaCat(truevar = common, threshold = semTools:::getThreshold(fit)[[1]],
                      scales = semTools:::getScales(fit)[[1]],
                      denom = lavInspect(fit, "sampstat")$cov)
}
vec <- function(x) as.list(unclass(x))

fit_hs <- cfa(hs_model, data = hs, ordered = TRUE, estimator = "WLSMV")
est <- lavInspect(fit_hs, "est")
L <- est$lambda
total_hs <- omega_cat(fit_hs, L %*% lavInspect(fit_hs, "cov.lv") %*% t(L))
fit_theta <- cfa(hs_model, data = hs, ordered = TRUE, estimator = "WLSMV",
                 parameterization = "theta")
fit_ho <- cfa(ho_model, data = hs, ordered = TRUE, estimator = "WLSMV")
est_ho <- lavInspect(fit_ho, "est")
L <- est_ho$lambda
B <- est_ho$beta
A <- solve(diag(nrow(B)) - B)
PHI <- A %*% est_ho$psi %*% t(A)  # model-implied factor covariances
cols <- c("g", "visual", "textual", "speed")
g_common <- L[, cols] %*% B[cols, cols] %*% PHI[cols, cols] %*% t(B[cols, cols]) %*% t(L[, cols])
first <- c("visual", "textual", "speed")
total_ho <- omega_cat(fit_ho, L[, first] %*% PHI[first, first] %*% t(L[, first]))

bfi <- read.csv("datasets/public/bfi.csv")
items <- c(paste0("A", 1:5), paste0("C", 1:5))
bfi <- bfi[complete.cases(bfi[, items]), items]
for (v in c("A1", "C4", "C5")) bfi[[v]] <- 7 - bfi[[v]]
bfi_model <- "A =~ A1 + A2 + A3 + A4 + A5
C =~ C1 + C2 + C3 + C4 + C5"
fit_bfi <- cfa(bfi_model, data = bfi, ordered = TRUE, estimator = "WLSMV")
L <- lavInspect(fit_bfi, "est")$lambda
total_bfi <- omega_cat(fit_bfi, L %*% lavInspect(fit_bfi, "cov.lv") %*% t(L))

out <- list(
  hs_model = hs_model, ho_model = ho_model, bfi_model = bfi_model,
  hs = list(factors = vec(compRelSEM(fit_hs)), total = total_hs,
            latent = vec(compRelSEM(fit_hs, ord.scale = FALSE)), ave = vec(AVE(fit_hs))),
  hs_theta = list(factors = vec(compRelSEM(fit_theta))),
  hs_ho = list(factors = vec(compRelSEM(fit_ho)), total = total_ho,
               g = omega_cat(fit_ho, g_common)),
  bfi = list(n = nobs(fit_bfi), factors = vec(compRelSEM(fit_bfi)), total = total_bfi),
  versions = list(R = as.character(getRversion()),
                  lavaan = as.character(packageVersion("lavaan")),
                  semTools = as.character(packageVersion("semTools"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

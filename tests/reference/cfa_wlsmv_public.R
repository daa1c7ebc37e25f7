# Reference values for tests/test_cfa_wlsmv.py: ordinal CFA (WLSMV / ULSMV) with lavaan on
# public data: Holzinger & Swineford (1939) items cut into 3, 4 and 5 categories, and the 25
# bfi personality items (6 categories; complete cases).
# Run from the repository root: Rscript tests/reference/cfa_wlsmv_public.R [out.json]
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/cfa_wlsmv_public.json"

# --- Holzinger & Swineford, cut at sample quantiles (R's default quantile type 7):
# x1-x3 into 3 categories, x4-x6 into 4, x7-x9 into 5.
hs <- read.csv("datasets/public/holzinger_swineford_1939.csv")
vars <- paste0("x", 1:9)
n_cat <- c(3, 3, 3, 4, 4, 4, 5, 5, 5)
for (i in 1:9) {
  x <- hs[[vars[i]]]
  hs[[vars[i]]] <- cut(x, breaks = quantile(x, seq(0, 1, length.out = n_cat[i] + 1)),
                       include.lowest = TRUE, labels = FALSE)
}
counts <- lapply(vars, function(v) as.numeric(table(hs[[v]])))
names(counts) <- vars

hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
eq_model <- "visual =~ x1 + a*x2 + a*x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
x7 ~~ x8"
ho_model <- paste(hs_model, "g =~ visual + textual + speed", sep = "\n")

params <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE)
  pe <- pe[pe$op != "==", ]
  if (is.null(pe$group)) pe$group <- 1L
  list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group, est = pe$est, se = pe$se,
       std_lv = pe$std.lv, std_all = pe$std.all)
}
fits <- function(fit) as.list(fitMeasures(fit))
block <- function(fit) list(params = params(fit), fit = fits(fit))
std_solution <- function(fit) {
  ss <- standardizedSolution(fit, remove.eq = TRUE)
  if (is.null(ss$group)) ss$group <- 1L
  list(lhs = ss$lhs, op = ss$op, rhs = ss$rhs, group = ss$group, est_std = ss$est.std,
       se = ss$se)
}

fit_hs <- cfa(hs_model, data = hs, ordered = TRUE, estimator = "WLSMV")
fit_theta <- cfa(hs_model, data = hs, ordered = TRUE, estimator = "WLSMV",
                 parameterization = "theta")
fit_uls <- cfa(hs_model, data = hs, ordered = TRUE, estimator = "ULSMV")
fit_stdlv <- cfa(hs_model, data = hs, ordered = TRUE, estimator = "WLSMV", std.lv = TRUE)
fit_eq <- cfa(eq_model, data = hs, ordered = TRUE, estimator = "WLSMV")
fit_ho <- cfa(ho_model, data = hs, ordered = TRUE, estimator = "WLSMV")
ss <- lavInspect(fit_hs, "sampstat")

# --- bfi: five factors, 25 items, complete cases
bfi <- read.csv("datasets/public/bfi.csv")
bfi_items <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5), paste0("N", 1:5),
               paste0("O", 1:5))
bfi_model <- "A =~ A1 + A2 + A3 + A4 + A5
C =~ C1 + C2 + C3 + C4 + C5
E =~ E1 + E2 + E3 + E4 + E5
N =~ N1 + N2 + N3 + N4 + N5
O =~ O1 + O2 + O3 + O4 + O5"
fit_bfi <- cfa(bfi_model, data = bfi[, bfi_items], ordered = TRUE, estimator = "WLSMV")
ss_bfi <- lavInspect(fit_bfi, "sampstat")

out <- list(
  hs_model = hs_model, eq_model = eq_model, ho_model = ho_model, bfi_model = bfi_model,
  hs_n_cat = n_cat, hs_counts = counts,
  hs_stage1 = list(th = unname(ss$th), cor = unname(ss$cov)[lower.tri(diag(9))],
                   gamma = as.numeric(lavInspect(fit_hs, "gamma"))),
  hs = block(fit_hs), hs_std = std_solution(fit_hs), hs_theta_std = std_solution(fit_theta),
  hs_theta = block(fit_theta), hs_uls = block(fit_uls),
  hs_stdlv = block(fit_stdlv), hs_eq = block(fit_eq), hs_ho = block(fit_ho),
  bfi_n = nobs(fit_bfi),
  bfi_stage1 = list(th = unname(ss_bfi$th), cor = unname(ss_bfi$cov)[lower.tri(diag(25))],
                    gamma_diag = unname(diag(lavInspect(fit_bfi, "gamma")))),
  bfi = block(fit_bfi),
  versions = list(R = as.character(getRversion()),
                  lavaan = as.character(packageVersion("lavaan"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

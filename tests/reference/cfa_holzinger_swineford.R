# Reference values for tests/test_cfa_lavaan.py: lavaan::cfa on Holzinger & Swineford (1939).
# Run from the repository root: Rscript tests/reference/cfa_holzinger_swineford.R [out.json]
# Writes tests/reference/cfa_holzinger_swineford.json (full precision) unless a path is given.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/cfa_holzinger_swineford.json"
hs <- read.csv("datasets/public/holzinger_swineford_1939.csv")

hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

params <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE)
  pe <- pe[pe$op != "==", ]
  if (is.null(pe$group)) pe$group <- 1L
  list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group, est = pe$est, se = pe$se,
       std_lv = pe$std.lv, std_all = pe$std.all)
}
fits <- function(fit) as.list(fitMeasures(fit))
mods <- function(fit) {
  mi <- modindices(fit)
  if (is.null(mi$group)) mi$group <- 1L
  list(lhs = mi$lhs, op = mi$op, rhs = mi$rhs, group = mi$group, mi = mi$mi, epc = mi$epc,
       sepc_lv = mi$sepc.lv, sepc_all = mi$sepc.all)
}

fit_ml <- cfa(hs_model, data = hs)
fit_mlr <- cfa(hs_model, data = hs, estimator = "MLR")
fit_stdlv <- cfa(hs_model, data = hs, std.lv = TRUE)
fit_ms <- cfa(hs_model, data = hs, meanstructure = TRUE)
vars <- paste0("x", 1:9)
fit_cov <- cfa(hs_model, sample.cov = cov(hs[, vars]), sample.nobs = nrow(hs))

# a second-order factor (exercises the Beta matrix)
ho_model <- paste(hs_model, "g =~ visual + textual + speed", sep = "\n")
fit_ho <- cfa(ho_model, data = hs)
# latent regressions on observed covariates (fixed.x, auto.cov.y)
mimic_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
visual + textual ~ ageyr + sex"
fit_mimic <- cfa(mimic_model, data = hs)
# equality by labels and a fixed-zero covariance (nested in hs_model)
eq_model <- "visual =~ x1 + a*x2 + a*x3
textual =~ x4 + b*x5 + b*x6
speed =~ x7 + x8 + x9
textual ~~ 0*speed"
fit_eq <- cfa(eq_model, data = hs)
score_eq <- lavTestScore(fit_eq)
pt_eq <- parTable(fit_eq)
plab <- function(x) match(x, pt_eq$plabel)
uni <- score_eq$uni
released <- plab(uni$rhs)

out <- list(
  model = hs_model, ho_model = ho_model, mimic_model = mimic_model, eq_model = eq_model,
  ml = list(params = params(fit_ml), fit = fits(fit_ml), modindices = mods(fit_ml),
            omega = as.list(compRelSEM(fit_ml)), ave = as.list(AVE(fit_ml)),
            resid_cor = resid(fit_ml, type = "cor.bentler")$cov[lower.tri(diag(9), diag = TRUE)],
            ov_names = lavNames(fit_ml)),
  mlr = list(params = params(fit_mlr), fit = fits(fit_mlr)),
  std_lv = list(params = params(fit_stdlv), fit = fits(fit_stdlv)),
  meanstructure = list(params = params(fit_ms), fit = fits(fit_ms)),
  sample_cov = list(params = params(fit_cov), fit = fits(fit_cov)),
  higher_order = list(params = params(fit_ho), fit = fits(fit_ho)),
  mimic = list(params = params(fit_mimic), fit = fits(fit_mimic), modindices = mods(fit_mimic)),
  equality = list(params = params(fit_eq), fit = fits(fit_eq), modindices = mods(fit_eq),
                  score_total = as.list(score_eq$test[, c("X2", "df", "p.value")]),
                  score_uni = list(lhs = pt_eq$lhs[released], op = pt_eq$op[released],
                                   rhs = pt_eq$rhs[released], x2 = uni$X2,
                                   p_value = uni$p.value)),
  anova_ml = {
    a <- anova(fit_eq, fit_ml)
    list(df = a$Df, chisq = a$Chisq, chisq_diff = a[["Chisq diff"]], df_diff = a[["Df diff"]],
         p_value = a[["Pr(>Chisq)"]], aic = a$AIC, bic = a$BIC, rmsea = a$RMSEA)
  },
  versions = list(R = as.character(getRversion()),
                  lavaan = as.character(packageVersion("lavaan")),
                  semTools = as.character(packageVersion("semTools"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

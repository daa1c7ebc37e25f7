# Reference values for tests/test_cfa_fiml.py: lavaan::cfa with missing = "ml" (FIML) on
# Holzinger & Swineford (1939) with MCAR holes.
# Run from the repository root: Rscript tests/reference/cfa_fiml.R [out.json [out.csv]]
# Writes tests/reference/data/hs_missing.csv (the data with the holes, read by both sides) and
# tests/reference/cfa_fiml.json (full precision) unless paths are given.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args) >= 1) args[1] else "tests/reference/cfa_fiml.json"
csv_path <- if (length(args) >= 2) args[2] else "tests/reference/data/hs_missing.csv"
hs <- read.csv("datasets/public/holzinger_swineford_1939.csv")
vars <- paste0("x", 1:9)

# 10% of x1-x9 missing completely at random, plus two rows with every item missing (lavaan
# drops empty rows with a warning)
set.seed(20240611)
holes <- matrix(runif(nrow(hs) * length(vars)) < 0.10, nrow(hs))
x <- as.matrix(hs[, vars])
x[holes] <- NA
x[c(7, 250), ] <- NA
hs_missing <- data.frame(id = hs$id, school = hs$school, x)
write.csv(hs_missing, csv_path, row.names = FALSE, na = "")
hs_missing <- read.csv(csv_path)  # both sides read the same text

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
info <- function(fit) {
  o <- lavInspect(fit, "options")
  list(information = o$information, observed_information = o$observed.information,
       h1_information = o$h1.information, se = o$se, test = o$test,
       ntotal = lavInspect(fit, "ntotal"), nobs = as.list(lavInspect(fit, "nobs")),
       npatterns = as.list(sapply(lavInspect(fit, "patterns", drop.list.single.group = FALSE),
                                  nrow)))
}
quiet <- function(expr) withCallingHandlers(expr, warning = function(w) {
  if (grepl("empty", conditionMessage(w))) invokeRestart("muffleWarning")
})

fit_single <- quiet(cfa(hs_model, data = hs_missing, missing = "ml"))
fit_config <- quiet(cfa(hs_model, data = hs_missing, missing = "ml", group = "school"))
fit_metric <- quiet(cfa(hs_model, data = hs_missing, missing = "ml", group = "school",
                        group.equal = "loadings"))
fit_scalar <- quiet(cfa(hs_model, data = hs_missing, missing = "ml", group = "school",
                        group.equal = c("loadings", "intercepts")))
# a second-order factor (regressions among factors: Beta matrix)
ho_model <- paste(hs_model, "g =~ visual + textual + speed", sep = "\n")
fit_ho <- quiet(cfa(ho_model, data = hs_missing, missing = "ml"))
h1 <- lavInspect(fit_single, "sampstat.h1")

out <- list(
  model = hs_model, ho_model = ho_model,
  single = list(params = params(fit_single), fit = fits(fit_single), info = info(fit_single),
                h1_cov = as.vector(h1$cov), h1_mean = as.vector(h1$mean),
                omega = as.list(compRelSEM(fit_single)), ave = as.list(AVE(fit_single)),
                resid_cor = resid(fit_single, type = "cor.bentler")$cov[lower.tri(diag(9),
                                                                                  diag = TRUE)],
                ov_names = lavNames(fit_single)),
  higher_order = list(params = params(fit_ho), fit = fits(fit_ho)),
  configural = list(params = params(fit_config), fit = fits(fit_config),
                    info = info(fit_config)),
  metric = list(params = params(fit_metric), fit = fits(fit_metric)),
  scalar = list(params = params(fit_scalar), fit = fits(fit_scalar)),
  anova = {
    a <- lavTestLRT(fit_config, fit_metric, fit_scalar)
    list(df = a$Df, chisq = a$Chisq, chisq_diff = a[["Chisq diff"]], df_diff = a[["Df diff"]],
         p_value = a[["Pr(>Chisq)"]])
  },
  versions = list(R = as.character(getRversion()),
                  lavaan = as.character(packageVersion("lavaan")),
                  semTools = as.character(packageVersion("semTools"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

# Reference values for burnoutkit.omega_cfa: composite reliability (omega) from a fitted CFA,
# computed with lavaan::cfa and semTools::compRelSEM at their defaults (obs.var = TRUE,
# tau.eq = FALSE: model-implied common variance over the observed variance of the sum).
#
# Run from the repository root:
#   Rscript tests/reference/reliability_cfa_omega.R [output_dir]
# output_dir defaults to tests/reference; the script writes <output_dir>/reliability_cfa_omega.json
# (17 significant digits) with the R, lavaan and semTools versions.
#
# Data: lavaan's HolzingerSwineford1939 (x1-x9), psychTools' bfi (agreeableness items) and the
# shipped reference cohort (datasets/reference_cohort/cohort.csv, the core scales ex, md, re of
# the BAI with reverse-keyed items recoded 6 - x, as burnoutkit does before the fit). The models
# of the cohort are the ones the BAI bank emits (bank.to_lavaan(structure, scales = c("ex",
# "md", "re"))), copied verbatim. Missing responses: lavaan's default, listwise deletion, and
# for one case FIML (missing = "fiml": compRelSEM then divides by the EM estimate of the
# covariances).
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(psychTools)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else file.path("tests", "reference")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

source(file.path("tests", "reference", "_json.R"))  # num_json, str_json, to_json

# one case: the model text, the compRelSEM values (per factor, total, higher-order factors), the
# n used, the fit (chi-square) and the standardized loadings, to check that both engines found the
# same solution
cfa_case <- function(model, data, higher = character(0), std.lv = FALSE, total = TRUE,
                     missing = "listwise") {
  fit <- cfa(model, data = data, std.lv = std.lv, missing = missing)
  stopifnot(lavInspect(fit, "converged"))
  rel <- as.list(unclass(compRelSEM(fit, higher = higher, return.total = total)))
  std <- standardizedSolution(fit)
  ld <- std[std$op == "=~", ]
  list(
    model = model,
    n = lavInspect(fit, "nobs"),
    chisq = unname(fitMeasures(fit, "chisq")),
    std_loadings = list(factor = ld$lhs, item = ld$rhs, std_all = ld$est.std),
    omega = rel,
    higher = higher,
    call = sprintf("compRelSEM(cfa(model, data%s%s)%s%s)",
                   if (std.lv) ", std.lv = TRUE" else "",
                   if (missing != "listwise") sprintf(", missing = \"%s\"", missing) else "",
                   if (length(higher)) sprintf(", higher = c(%s)",
                                               paste0("\"", higher, "\"", collapse = ", ")) else "",
                   if (total) ", return.total = TRUE" else "")
  )
}

hs <- HolzingerSwineford1939
hs_3 <- "visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9"
hs_ho <- paste0(hs_3, "\ng =~ visual + textual + speed")

bfi <- psychTools::bfi
bfi$A1 <- 7 - bfi$A1  # reverse-keyed (1-6 ratings)
bfi_a <- "agree =~ A1 + A2 + A3 + A4 + A5"

cohort <- read.csv(file.path("datasets", "reference_cohort", "cohort.csv"))
core_items <- c(paste0("ex", 1:5), paste0("md", 1:5), paste0("re", 1:5))
reversed <- c("ex4", "md4", "re2", "re4")  # keyed: -1 in the BAI bank
core <- cohort[, core_items]
core[reversed] <- 6 - core[reversed]

core_correlated <- "ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5"
core_bifactor <- "g =~ ex1 + ex2 + ex3 + ex4 + ex5 + md1 + md2 + md3 + md4 + md5 + re1 + re2 + re3 + re4 +
    re5
ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5
g ~~ 0*ex + 0*md + 0*re
ex ~~ 0*md + 0*re
md ~~ 0*re"
core_higher <- paste0(core_correlated, "\ncore =~ ex + md + re")

cases <- list(
  hs_correlated = cfa_case(hs_3, hs),
  hs_higher_order = cfa_case(hs_ho, hs, higher = "g"),
  bfi_agree = cfa_case(bfi_a, bfi, total = FALSE),
  core_correlated = cfa_case(core_correlated, core),
  core_correlated_fiml = cfa_case(core_correlated, core, missing = "fiml"),
  core_bifactor = cfa_case(core_bifactor, core),
  core_higher_order = cfa_case(core_higher, core, higher = "core")
)
data_check <- list(
  cohort_n = nrow(cohort),
  cohort_core_sums = as.list(colSums(core, na.rm = TRUE)),
  bfi_agree_sums = as.list(colSums(bfi[, paste0("A", 1:5)], na.rm = TRUE))
)
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")),
                 semTools = as.character(packageVersion("semTools")))
writeLines(to_json(list(versions = versions, data = data_check, cases = cases)),
           file.path(out_dir, "reliability_cfa_omega.json"))
cat(sprintf("wrote %s with %s, lavaan %s, semTools %s\n",
            file.path(out_dir, "reliability_cfa_omega.json"), R.version.string,
            packageVersion("lavaan"), packageVersion("semTools")))

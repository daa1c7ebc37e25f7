# Reference values for tests/test_invariance_wlsmv.py: ordinal measurement invariance with the
# Wu & Estabrook (2016) identification, as semTools::measEq.syntax(ID.cat =
# "Wu.Estabrook.2016") writes the models, fitted by lavaan (WLSMV), with lavaan's scaled-shifted
# difference tests (lavTestLRT: Satorra 2000).
# Data: Holzinger & Swineford (1939) items cut into 3, 4 and 5 categories, by school; the
# reference cohort's BAI core scales (15 items, complete cases) by form (language version).
# Run from the repository root: Rscript tests/reference/invariance_wlsmv.R [out.json]
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args)) args[1] else "tests/reference/invariance_wlsmv.json"

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

steps <- list(configural = "configural", thresholds = "thresholds",
              metric = c("thresholds", "loadings"),
              scalar = c("thresholds", "loadings", "intercepts"))
params <- function(fit) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  pe <- pe[!pe$op %in% c("==", ":="), ]
  list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group, est = pe$est, se = pe$se)
}
sequence <- function(model, data, ordered, group, ID.fac = "std.lv", partial = NULL,
                     parameterization = "delta", levels = steps) {
  fits <- list()
  for (nm in names(levels)) {
    syn <- measEq.syntax(model, data = data, ordered = ordered, group = group,
                         parameterization = parameterization, ID.fac = ID.fac,
                         ID.cat = "Wu.Estabrook.2016", group.equal = levels[[nm]],
                         group.partial = partial)
    fits[[nm]] <- cfa(as.character(syn), data = data, ordered = ordered, group = group,
                      estimator = "WLSMV", parameterization = parameterization)
  }
  lrt <- do.call(lavTestLRT, unname(fits))
  list(levels = names(levels),
       fit = lapply(fits, function(f) as.list(fitMeasures(f))),
       params = lapply(fits, params),
       lrt = list(chisq_diff = lrt[["Chisq diff"]], df_diff = lrt[["Df diff"]],
                  p_value = lrt[["Pr(>Chisq)"]]))
}

hs_std <- sequence(hs_model, hs, vars, "school")
hs_partial <- sequence(hs_model, hs, vars, "school",
                       partial = c("visual =~ x3", "x3 | t1", "x3 | t2", "x3 ~ 1", "x5 ~ 1"))
hs_theta <- sequence(hs_model, hs, vars, "school", parameterization = "theta",
                     levels = c(steps, list(strict = c("thresholds", "loadings", "intercepts",
                                                       "residuals"))))

cohort <- read.csv("datasets/reference_cohort/cohort.csv")
items <- c(paste0("ex", 1:5), paste0("md", 1:5), paste0("re", 1:5))
core <- cohort[complete.cases(cohort[, items]), c(items, "form")]
core_model <- "ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5"
cohort_std <- sequence(core_model, core, items, "form")

out <- list(hs_model = hs_model, core_model = core_model, core_items = items,
            hs_std = hs_std, hs_partial = hs_partial,
            hs_theta = hs_theta, cohort_std = cohort_std,
            versions = list(R = as.character(getRversion()),
                            lavaan = as.character(packageVersion("lavaan")),
                            semTools = as.character(packageVersion("semTools"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), out_path)

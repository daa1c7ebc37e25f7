# Reference values for tests/test_asymmetry_lavaan.py: every latent model of bk.asymmetry
# fitted by lavaan on tests/reference/data/asymmetry_input.csv (the complete cases among the first
# 1500 rows of datasets/reference_cohort/cohort.csv: the raw gain, loss and core items, in the
# order of bk.load_bank('bai').pairs and its core scales). The syntax below is what
# burnoutkit.asymmetry.separability_models / comparability_models / severity_models emit.
# Usage: Rscript tests/reference/asymmetry_lavaan.R [output.json]
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub('--file=', '', grep('--file=', commandArgs(), value = TRUE)))), error = function(e) 'tests/reference')
out <- if (length(args) > 0) args[1] else file.path(here, 'asymmetry_lavaan.json')
d <- read.csv(file.path(here, 'data', 'asymmetry_input.csv'))
models <- list()
models[['one_factor']] <- list(std_lv = TRUE, syntax = '
S =~ gs1 + gs2 + gs3 + gs4 + gs5 + gs6 + ls1 + ls2 + ls3 + ls4 + ls5 + ls6
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
')
models[['two_factor']] <- list(std_lv = TRUE, syntax = '
G =~ gs1 + gs2 + gs3 + gs4 + gs5 + gs6
L =~ ls1 + ls2 + ls3 + ls4 + ls5 + ls6
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
')
models[['configural']] <- list(std_lv = FALSE, syntax = '
G =~ 1*gs1 + gs2 + gs3 + gs4 + gs5 + gs6
L =~ 1*ls1 + ls2 + ls3 + ls4 + ls5 + ls6
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
gs1 ~ 1
gs2 ~ 1
gs3 ~ 1
gs4 ~ 1
gs5 ~ 1
gs6 ~ 1
ls1 ~ 1
ls2 ~ 1
ls3 ~ 1
ls4 ~ 1
ls5 ~ 1
ls6 ~ 1
G ~ 0*1
L ~ 0*1
')
models[['metric']] <- list(std_lv = FALSE, syntax = '
G =~ 1*gs1 + l2*gs2 + l3*gs3 + l4*gs4 + l5*gs5 + l6*gs6
L =~ 1*ls1 + l2*ls2 + l3*ls3 + l4*ls4 + l5*ls5 + l6*ls6
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
gs1 ~ 1
gs2 ~ 1
gs3 ~ 1
gs4 ~ 1
gs5 ~ 1
gs6 ~ 1
ls1 ~ 1
ls2 ~ 1
ls3 ~ 1
ls4 ~ 1
ls5 ~ 1
ls6 ~ 1
G ~ 0*1
L ~ 0*1
')
models[['scalar']] <- list(std_lv = FALSE, syntax = '
G =~ 1*gs1 + l2*gs2 + l3*gs3 + l4*gs4 + l5*gs5 + l6*gs6
L =~ 1*ls1 + l2*ls2 + l3*ls3 + l4*ls4 + l5*ls5 + l6*ls6
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
gs1 ~ i1*1
ls1 ~ i1*1
gs2 ~ i2*1
ls2 ~ i2*1
gs3 ~ i3*1
ls3 ~ i3*1
gs4 ~ i4*1
ls4 ~ i4*1
gs5 ~ i5*1
ls5 ~ i5*1
gs6 ~ i6*1
ls6 ~ i6*1
G ~ 0*1
L ~ NA*1
')
models[['severity_free']] <- list(std_lv = TRUE, syntax = '
G =~ gs1 + gs2 + gs3 + gs4 + gs5 + gs6
L =~ ls1 + ls2 + ls3 + ls4 + ls5 + ls6
ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5
B =~ 0*ex1
B ~ 1*ex + 1*md + 1*re
B ~~ 0*B
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
ACQ =~ a*gs1 + a*gs2 + a*gs3 + a*gs4 + a*gs5 + a*gs6 + a*ls1 + a*ls2 + a*ls3 + a*ls4 + a*ls5 + a*ls6 + a*ex1 + a*ex2 + a*ex3 + a*ex4 + a*ex5 + a*md1 + a*md2 + a*md3 + a*md4 + a*md5 + a*re1 + a*re2 + a*re3 + a*re4 + a*re5
ACQ ~~ 0*G + 0*L + 0*ex + 0*md + 0*re + 0*B
G ~ b1*B
L ~ b2*B
')
models[['severity_equal']] <- list(std_lv = TRUE, syntax = '
G =~ gs1 + gs2 + gs3 + gs4 + gs5 + gs6
L =~ ls1 + ls2 + ls3 + ls4 + ls5 + ls6
ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5
B =~ 0*ex1
B ~ 1*ex + 1*md + 1*re
B ~~ 0*B
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
ACQ =~ a*gs1 + a*gs2 + a*gs3 + a*gs4 + a*gs5 + a*gs6 + a*ls1 + a*ls2 + a*ls3 + a*ls4 + a*ls5 + a*ls6 + a*ex1 + a*ex2 + a*ex3 + a*ex4 + a*ex5 + a*md1 + a*md2 + a*md3 + a*md4 + a*md5 + a*re1 + a*re2 + a*re3 + a*re4 + a*re5
ACQ ~~ 0*G + 0*L + 0*ex + 0*md + 0*re + 0*B
G ~ b1*B
L ~ b1*B
')
models[['severity_no_method']] <- list(std_lv = TRUE, syntax = '
G =~ gs1 + gs2 + gs3 + gs4 + gs5 + gs6
L =~ ls1 + ls2 + ls3 + ls4 + ls5 + ls6
ex =~ ex1 + ex2 + ex3 + ex4 + ex5
md =~ md1 + md2 + md3 + md4 + md5
re =~ re1 + re2 + re3 + re4 + re5
B =~ 0*ex1
B ~ 1*ex + 1*md + 1*re
B ~~ 0*B
gs1 ~~ ls1
gs2 ~~ ls2
gs3 ~~ ls3
gs4 ~~ ls4
gs5 ~~ ls5
gs6 ~~ ls6
G ~ b1*B
L ~ b2*B
')
res <- list(lavaan_version = as.character(packageVersion('lavaan')), r_version = R.version.string, n = nrow(d), models = list())
for (k in names(models)) {
  fit <- cfa(models[[k]]$syntax, data = d, std.lv = models[[k]]$std_lv, estimator = 'ML')
  pe <- parameterEstimates(fit, standardized = TRUE)
  fm <- fitMeasures(fit, c('chisq', 'df', 'cfi'))
  res$models[[k]] <- list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se,
                          std_all = pe$std.all, chisq = unname(fm['chisq']), df = unname(fm['df']), cfi = unname(fm['cfi']))
}
# Wald test of equal severity slopes, delta-method SEs of the standardized slopes and the
# regression factor scores of the scalar model (the latent asymmetry index is L - G)
fit_sev <- cfa(models[['severity_free']]$syntax, data = d, std.lv = TRUE, estimator = 'ML')
wald <- lavTestWald(fit_sev, constraints = 'b1 == b2')
ss <- standardizedSolution(fit_sev, type = 'std.all')
ss <- ss[ss$op == '~' & ss$lhs %in% c('G', 'L') & ss$rhs == 'B', ]
res$wald <- list(stat = wald$stat, df = wald$df, p_value = wald$p.value)
res$std_slopes <- list(lhs = ss$lhs, rhs = ss$rhs, est_std = ss$est.std, se = ss$se,
                       ci_lower = ss$ci.lower, ci_upper = ss$ci.upper)
fit_scalar <- cfa(models[['scalar']]$syntax, data = d, std.lv = FALSE, estimator = 'ML')
fs <- lavPredict(fit_scalar, method = 'regression')
res$factor_scores <- list(G = unname(fs[, 'G']), L = unname(fs[, 'L']))
write_json(res, out, digits = NA, auto_unbox = TRUE, pretty = TRUE)

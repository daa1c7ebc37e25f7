# Reference values for tests/test_profiles_mclust.py: Gaussian mixtures fitted by mclust.
# Run from the repository root: Rscript tests/reference/profiles_mclust.R (about 10 minutes,
# most of it the bootstrap LRT at the tight tolerance).
# Writes the data sets to tests/reference/data/profiles_*.csv and the fits to
# tests/reference/profiles_mclust.json (full precision).
#
# Data sets: faithful, iris[, 1:4], mclust's diabetes, a simulated five-profile set (sim5) and the
# reference cohort's core scale scores (cohort).
# For every data set, parameterization (EEI, VVI, EEE, VVV) and number of profiles G = 1..6:
#   - `default`: mclust::Mclust(x, G, modelNames) with mclust's defaults (hierarchical
#     initialization, EM tolerance 1e-5 on the relative change of the log-likelihood);
#   - `tight`: the same fit from the same hierarchical partition with the EM tolerance set to 1e-11,
#     so the optimum is reached to full precision;
#   - `init`: the hierarchical partition EM started from (mclust::hclass of the hc tree).
# Both fits record logLik, BIC (mclust's sign: 2 logLik - k log n), ICL (mclust::icl), the number
# of parameters and the parameters (pro, mean, sigma). A fit mclust could not compute (singular
# covariance, vanishing mixing proportion) is recorded with `loglik = null`.
#
# The script also records
#   - mclust::mclustBootstrapLRT on the five-profile data (EEI, G = 1..6; 199 samples), and
#   - the ad hoc adjusted Lo-Mendell-Rubin test as implemented in tidyLPA::calc_lrt (tidyLPA 1.1.0,
#     R/calc_functions.R, calc_lrt_internal), re-implemented below because tidyLPA is not installed.
suppressPackageStartupMessages({library(mclust); library(jsonlite)})

out_dir <- "tests/reference"
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

# Five burnout profiles on the z-metric of exhaustion, mental distance and reduced efficacy
# (shares .35/.15/.20/.15/.15, within-profile SD 0.45, uncorrelated within profiles).
set.seed(20240607)
n_sim <- 1500
shares <- c(engaged = .35, ineffective = .15, overextended = .20, disengaged = .15, burnout = .15)
means <- rbind(
  engaged = c(-0.8, -0.8, -0.6),
  ineffective = c(-0.3, -0.2, 1.0),
  overextended = c(1.0, -0.2, -0.2),
  disengaged = c(0.2, 1.1, 0.4),
  burnout = c(1.3, 1.3, 0.9)
)
profile <- sample(names(shares), n_sim, replace = TRUE, prob = shares)
scores <- means[profile, ] + matrix(rnorm(n_sim * 3, sd = 0.45), n_sim, 3)
sim5 <- data.frame(exhaustion = scores[, 1], mental_distance = scores[, 2],
                   reduced_efficacy = scores[, 3])
write.csv(cbind(sim5, profile = profile), file.path(data_dir, "profiles_sim5.csv"),
          row.names = FALSE)
write.csv(faithful, file.path(data_dir, "profiles_faithful.csv"), row.names = FALSE)
iris4 <- iris[, 1:4]
names(iris4) <- c("sepal_length", "sepal_width", "petal_length", "petal_width")
write.csv(iris4, file.path(data_dir, "profiles_iris.csv"), row.names = FALSE)
data(diabetes, package = "mclust")
write.csv(diabetes[, c("glucose", "insulin", "sspg")], file.path(data_dir, "profiles_diabetes.csv"),
          row.names = FALSE)

# The reference cohort's core scale scores: mean of the five items of exhaustion, mental distance
# and reduced efficacy (1-5; reverse keys of the BAI bank: ex4, md4, re2, re4), complete cases.
cohort <- read.csv("datasets/reference_cohort/cohort.csv")
core_items <- paste0(rep(c("ex", "md", "re"), each = 5), 1:5)
reverse <- c("ex4", "md4", "re2", "re4")
answers <- cohort[, core_items]
answers[, reverse] <- 6 - answers[, reverse]
complete <- complete.cases(answers)
core <- data.frame(id = cohort$id[complete],
                   ex = rowMeans(answers[complete, paste0("ex", 1:5)]),
                   md = rowMeans(answers[complete, paste0("md", 1:5)]),
                   re = rowMeans(answers[complete, paste0("re", 1:5)]))
write.csv(core, file.path(data_dir, "profiles_cohort.csv"), row.names = FALSE)

# Read back what the tests read, so both sides see the same doubles.
sets <- list(
  faithful = read.csv(file.path(data_dir, "profiles_faithful.csv")),
  iris = read.csv(file.path(data_dir, "profiles_iris.csv")),
  diabetes = read.csv(file.path(data_dir, "profiles_diabetes.csv")),
  sim5 = read.csv(file.path(data_dir, "profiles_sim5.csv"))[, 1:3],
  cohort = read.csv(file.path(data_dir, "profiles_cohort.csv"))[, c("ex", "md", "re")]
)

fit_record <- function(fit) {
  if (is.null(fit) || is.na(fit$loglik)) return(list(loglik = NULL))
  list(loglik = fit$loglik, bic = fit$bic, icl = icl(fit), df = fit$df,
       pro = fit$parameters$pro, mean = unname(fit$parameters$mean),
       sigma = unname(fit$parameters$variance$sigma), z = NULL)
}

tight <- emControl(tol = c(1e-11, sqrt(.Machine$double.eps)))
fits <- list()
for (name in names(sets)) {
  x <- as.matrix(sets[[name]])
  hcp <- hc(x, modelName = mclust.options("hcModelName"), use = mclust.options("hcUse"))
  for (model in c("EEI", "VVI", "EEE", "VVV")) {
    for (G in 1:6) {
      default <- tryCatch(Mclust(x, G = G, modelNames = model, verbose = FALSE),
                          error = function(e) NULL, warning = function(w) NULL)
      strict <- tryCatch(Mclust(x, G = G, modelNames = model, control = tight,
                                initialization = list(hcPairs = hcp), verbose = FALSE),
                         error = function(e) NULL, warning = function(w) NULL)
      init <- if (G == 1) rep(1L, nrow(x)) else as.integer(hclass(hcp, G))
      fits[[length(fits) + 1]] <- list(
        data = name, model = model, G = G, n = nrow(x), d = ncol(x),
        n_params = nMclustParams(model, d = ncol(x), G = G),
        default = fit_record(default), tight = fit_record(strict), init = init)
    }
  }
}

# Parametric bootstrap LRT (McLachlan 1987) as mclust implements it, with the tight tolerance so
# the observed statistics are those of the converged fits.
set.seed(1)
blrt <- mclustBootstrapLRT(as.matrix(sets$sim5), modelName = "EEI", maxG = 5, nboot = 199,
                           verbose = FALSE, control = tight)

# tidyLPA::calc_lrt (ad hoc adjusted Lo-Mendell-Rubin LRT), verbatim formula.
calc_lrt <- function(n, null_ll, null_param, null_classes, alt_ll, alt_param, alt_classes) {
  lr <- -2 * (null_ll - alt_ll)
  lmr_lr <- lr / (1 + (((3 * alt_classes - 1) - (3 * null_classes - 1)) * log(n))^-1)
  df <- alt_param - null_param
  c(lr = lr, lmr_lr = lmr_lr, df = df, lmr_p = pchisq(lmr_lr, df, lower.tail = FALSE))
}
lmr <- list()
for (G in 2:6) {
  null <- Mclust(as.matrix(sets$sim5), G = G - 1, modelNames = "EEI", control = tight,
                 verbose = FALSE)
  alt <- Mclust(as.matrix(sets$sim5), G = G, modelNames = "EEI", control = tight, verbose = FALSE)
  lmr[[length(lmr) + 1]] <- c(list(G = G, null_ll = null$loglik, alt_ll = alt$loglik,
                                   null_param = null$df, alt_param = alt$df, n = null$n),
                              as.list(calc_lrt(null$n, null$loglik, null$df, G - 1, alt$loglik,
                                               alt$df, G)))
}

out <- list(
  r_version = R.version.string,
  mclust_version = as.character(packageVersion("mclust")),
  fits = fits,
  blrt = list(model = "EEI", G = seq_along(blrt$obs) + 1L, obs = unname(blrt$obs), p_value = unname(blrt$p.value),
              nboot = 199),
  lmr = lmr
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null"),
           file.path(out_dir, "profiles_mclust.json"))

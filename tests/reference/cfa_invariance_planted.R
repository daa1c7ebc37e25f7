# Simulated two-group data with a known non-invariant intercept, and lavaan's invariance fits
# and score tests on them, for tests/test_invariance.py.
# Run from the repository root: Rscript tests/reference/cfa_invariance_planted.R [out_dir]
# Writes tests/reference/data/cfa_invariance_planted.csv and
# tests/reference/cfa_invariance_planted.json (full precision).
#
# Population: two correlated factors (r = .30), f1 =~ y1..y5, f2 =~ y6..y10, loadings .55-.80,
# unit item variances, intercepts 3. Group "B" has a latent mean of .30 on f1 (true, not a
# bias) and the intercept of y4 shifted by +.40 (the planted non-invariance).
suppressPackageStartupMessages({library(lavaan); library(MASS); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[1] else "tests/reference"
data_path <- if (length(args)) file.path(out_dir, "cfa_invariance_planted.csv") else
  "tests/reference/data/cfa_invariance_planted.csv"
set.seed(20240501)
n <- 400
lambda <- c(0.80, 0.70, 0.65, 0.75, 0.55, 0.70, 0.80, 0.60, 0.65, 0.75)
L <- cbind(c(lambda[1:5], rep(0, 5)), c(rep(0, 5), lambda[6:10]))
phi <- matrix(c(1, 0.3, 0.3, 1), 2)
theta <- diag(1 - rowSums((L %*% phi) * L))
sim <- function(group, kappa, nu) {
  eta <- mvrnorm(n, kappa, phi)
  eps <- mvrnorm(n, rep(0, 10), theta)
  y <- sweep(eta %*% t(L) + eps, 2, nu, "+")
  d <- as.data.frame(round(y, 6))
  names(d) <- paste0("y", 1:10)
  cbind(group = group, d)
}
nu_b <- rep(3, 10)
nu_b[4] <- 3.4
dat <- rbind(sim("A", c(0, 0), rep(3, 10)), sim("B", c(0.3, 0), nu_b))
write.csv(dat, data_path, row.names = FALSE)
dat <- read.csv(data_path)

model <- "f1 =~ y1 + y2 + y3 + y4 + y5
f2 =~ y6 + y7 + y8 + y9 + y10"
levels <- list(configural = "", metric = "loadings", scalar = c("loadings", "intercepts"))
fits <- lapply(levels, function(eq) cfa(model, data = dat, group = "group", group.equal = eq))
partial <- cfa(model, data = dat, group = "group", group.equal = c("loadings", "intercepts"),
               group.partial = "y4 ~ 1")
score <- lavTestScore(fits$scalar)
pt <- parTable(fits$scalar)
idx <- match(score$uni$rhs, pt$plabel)
lrt <- lavTestLRT(fits$configural, fits$metric, fits$scalar, partial)
out <- list(
  model = model,
  truth = list(item = "y4", parameter = "intercept", shift = 0.4, group = "B"),
  fit = lapply(fits, function(f) as.list(fitMeasures(f))),
  partial_fit = as.list(fitMeasures(partial)),
  score = list(lhs = pt$lhs[idx], op = pt$op[idx], rhs = pt$rhs[idx], group = pt$group[idx],
               x2 = score$uni$X2, p_value = score$uni$p.value),
  lrt = list(df = lrt$Df, chisq = lrt$Chisq),
  versions = list(R = as.character(getRversion()),
                  lavaan = as.character(packageVersion("lavaan"))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"),
           file.path(out_dir, "cfa_invariance_planted.json"))

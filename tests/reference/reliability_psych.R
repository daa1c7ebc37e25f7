# Reference values for burnoutkit's reliability functions, computed with R's psych.
#
# Run from the repository root:
#   Rscript tests/reference/reliability_psych.R [output_dir]
# output_dir defaults to tests/reference. The script writes
#   <output_dir>/reliability_psych.json   the reference values (17 significant digits)
#   <output_dir>/data/epi.csv, sat_act.csv, ability.csv, sai_rob.csv   the data it used
# psychTools::bfi is the same data as burnoutkit's datasets/public/bfi.csv; its column sums are
# recorded so the tests can check that.
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(GPArotation)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else file.path("tests", "reference")
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, recursive = TRUE, showWarnings = FALSE)

source(file.path("tests", "reference", "_json.R"))  # num_json, str_json, to_json

# ---------------------------------------------------------------- data
bfi <- psychTools::bfi
epi <- psychTools::epi
sat <- psychTools::sat.act
ability <- psychTools::ability
sai <- psychTools::sai
rob1 <- sai[sai$study == "ROB" & sai$time == 1, ]
rob3 <- sai[sai$study == "ROB" & sai$time == 3, ]
sai_rob <- rbind(rob1, rob3)
write.csv(epi, file.path(data_dir, "epi.csv"), row.names = FALSE, na = "")
write.csv(sat, file.path(data_dir, "sat_act.csv"), row.names = FALSE, na = "")
write.csv(ability, file.path(data_dir, "ability.csv"), row.names = FALSE, na = "")
write.csv(sai_rob, file.path(data_dir, "sai_rob.csv"), row.names = FALSE, na = "")

strip <- function(keys) sub("^-", "", keys)
reversed <- function(keys) strip(keys[startsWith(keys, "-")])

# ---------------------------------------------------------------- alpha
alpha_case <- function(x, keys = NULL) {
  # burnoutkit leaves out respondents who answered none of the items (psych counts them in n)
  n_rows <- nrow(x)
  x <- x[rowSums(!is.na(x)) > 0, , drop = FALSE]
  a <- if (is.null(keys) || length(keys) == 0) alpha(x, warnings = FALSE) else
    alpha(x, keys = keys, warnings = FALSE)
  list(items = colnames(x), keys = if (is.null(keys)) character(0) else keys,
       total = as.list(a$total), alpha_drop = a$alpha.drop, item_stats = a$item.stats,
       feldt = list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]]),
       n_rows = n_rows, n_answered = nrow(x))
}
alpha_ref <- list()
for (scale in names(bfi.keys)) {
  k <- bfi.keys[[scale]]
  alpha_ref[[paste0("bfi_", scale)]] <- alpha_case(bfi[, strip(k)], reversed(k))
}
all25 <- unlist(bfi.keys, use.names = FALSE)
alpha_ref[["bfi_all25"]] <- alpha_case(bfi[, strip(all25)], reversed(all25))
for (scale in c("E", "N", "L")) {
  k <- epi.keys[[scale]]
  alpha_ref[[paste0("epi_", scale)]] <- alpha_case(epi[, strip(k)], reversed(k))
}
alpha_ref[["sat_act"]] <- alpha_case(sat[, c("ACT", "SATV", "SATQ")])
alpha_ref[["ability"]] <- alpha_case(ability)

# ---------------------------------------------------------------- split half
split_case <- function(x, keys = character(0), brute = FALSE) {
  kv <- ifelse(colnames(x) %in% keys, -1, 1)
  s <- splitHalf(x, key = kv)
  res <- list(items = colnames(x), keys = keys, maxrb = s$maxrb, minrb = s$minrb,
              meanr = s$meanr, av_r = s$av.r, med_r = s$med.r, alpha = s$alpha,
              lambda2 = s$lambda2, lambda6 = s$lambda6)
  if (brute) {
    # every split into halves of trunc(n/2) and n - trunc(n/2) items, with splitHalf's
    # definition 4 * R_AB / sum(R) (psych enumerates only the first half of them for odd n)
    r <- cov2cor(cov(x, use = "pairwise"))
    r <- diag(kv) %*% r %*% diag(kv)
    n <- ncol(r)
    combos <- combn(n, trunc(n / 2))
    rab <- apply(combos, 2, function(o) {
      A <- rep(0, n); A[o] <- 1; B <- 1 - A
      4 * (t(A) %*% r %*% B) / sum(r)
    })
    res$all_splits <- list(maxrb = max(rab), minrb = min(rab), meanr = mean(rab),
                           n_splits = length(rab))
  }
  res
}
split_ref <- list(
  bfi_AC = split_case(bfi[, 1:10], keys = c("A1", "C4", "C5")),
  ability = split_case(ability),
  epi_L = split_case(epi[, strip(epi.keys$L)], reversed(epi.keys$L), brute = TRUE),
  bfi_agree = split_case(bfi[, 1:5], keys = "A1", brute = TRUE)
)

# ---------------------------------------------------------------- omega
omega_case <- function(x, nfactors, poly = FALSE, key = NULL) {
  o <- suppressMessages(suppressWarnings(
    omega(x, nfactors = nfactors, poly = poly, key = key, plot = FALSE)))
  list(items = colnames(x), nfactors = nfactors, poly = poly,
       key = if (is.null(key)) numeric(0) else key,
       omega_h = o$omega_h, omega_lim = o$omega.lim, omega_tot = o$omega.tot,
       alpha = o$alpha, G6 = o$G6, ECV = o$ECV[[1]],
       sl = unclass(o$schmid$sl), oblique = unclass(o$schmid$oblique), phi = o$schmid$phi,
       orthog = unclass(o$schmid$orthog), gloading = as.numeric(o$schmid$gloading),
       omega_group = o$omega.group, flip_key = as.numeric(o$key))
}
omega_ref <- list(
  bfi25_5 = omega_case(bfi[, 1:25], 5),
  bfi25_3 = omega_case(bfi[, 1:25], 3),
  ability_4 = omega_case(ability, 4),
  epi_3 = omega_case(epi, 3),
  bfi25_5_poly = omega_case(bfi[, 1:25], 5, poly = TRUE),
  bfi_agree_1 = omega_case(bfi[, 1:5], 1, key = c(-1, 1, 1, 1, 1)),
  bfi_consc_1 = omega_case(bfi[, 6:10], 1, key = c(1, 1, 1, -1, -1)),
  hs_3 = omega_case(lavaan::HolzingerSwineford1939[, paste0("x", 1:9)], 3)
)

# ---------------------------------------------------------------- intraclass correlations
anx_keys <- c("calm", "secure", "at.ease", "rested", "comfortable", "confident", "relaxed",
              "content", "joyful", "pleasant")
anx_items <- colnames(sai)[4:23]
score <- function(d) {
  x <- d[, anx_items]
  x[, anx_keys] <- 5 - x[, anx_keys]  # response scale 1-4
  data.frame(id = d$id, score = rowMeans(x, na.rm = TRUE))
}
s1 <- score(rob1)
s3 <- score(rob3)
paired <- merge(s1, s3, by = "id", suffixes = c("_t1", "_t3"))
icc <- ICC(paired[, c("score_t1", "score_t3")], lmer = FALSE)
icc90 <- ICC(paired[, c("score_t1", "score_t3")], lmer = FALSE, alpha = 0.10)
icc_ref <- list(
  items = anx_items, reversed = anx_keys, n_t1 = nrow(s1), n_t2 = nrow(s3),
  n_matched = nrow(paired), results = icc$results[, c("ICC", "F", "df1", "df2", "p",
                                                      "lower bound", "upper bound")],
  results_90 = icc90$results[, c("ICC", "lower bound", "upper bound")],
  pearson_r = cor(paired$score_t1, paired$score_t3),
  mean_change = mean(paired$score_t3 - paired$score_t1),
  t_test = unclass(t.test(paired$score_t3, paired$score_t1, paired = TRUE)[c("conf.int")])
)
icc_ref$t_test$conf.int <- as.numeric(icc_ref$t_test$conf.int)

# ---------------------------------------------------------------- a bank of bfi scales
# burnoutkit.reliability(bank, data) on a bank with the five bfi scales (psychTools keys, with
# neuroticism reversed into emotional stability) and two composite systems, DeYoung's (2006)
# metatraits: plasticity = extraversion + openness (two scales) and stability = agreeableness +
# conscientiousness + emotional stability (three scales).
bank_keys <- bfi.keys
bank_keys$neuroticism <- paste0("-", bfi.keys$neuroticism)
names(bank_keys)[names(bank_keys) == "neuroticism"] <- "emotional_stability"
bank_items <- function(scales) unlist(bank_keys[scales], use.names = FALSE)
system_case <- function(scales) {
  k <- bank_items(scales)
  x <- bfi[, strip(k)]
  key <- ifelse(colnames(x) %in% reversed(k), -1, 1)
  a <- alpha(x, keys = reversed(k), warnings = FALSE)
  o <- suppressMessages(suppressWarnings(
    omega(x, nfactors = length(scales), key = key, plot = FALSE)))
  # Mosier's reliability of the mean of the scale scores (scale score = mean of keyed items)
  scores <- sapply(scales, function(s) {
    ks <- bank_keys[[s]]
    xs <- bfi[, strip(ks)]
    rev <- reversed(ks)
    xs[, rev] <- 7 - xs[, rev]  # response scale 1-6
    rowMeans(xs, na.rm = TRUE)
  })
  alphas <- sapply(scales, function(s) {
    ks <- bank_keys[[s]]
    alpha(bfi[, strip(ks)], keys = reversed(ks), warnings = FALSE)$total$raw_alpha
  })
  S <- cov(scores, use = "pairwise")
  w <- rep(1 / length(scales), length(scales))
  mosier <- 1 - sum(w^2 * diag(S) * (1 - alphas)) / drop(t(w) %*% S %*% w)
  list(scales = scales, items = strip(k), raw_alpha = a$total$raw_alpha,
       std_alpha = a$total$std.alpha, G6 = a$total[["G6(smc)"]], average_r = a$total$average_r,
       feldt = c(a$feldt$lower.ci[[1]], a$feldt$upper.ci[[1]]), omega_h = o$omega_h,
       omega_tot = o$omega.tot, mosier = mosier, sd_composite = sqrt(drop(t(w) %*% S %*% w)))
}
bank_ref <- list(
  scales = lapply(bank_keys, function(k) {
    x <- bfi[, strip(k)]
    key <- ifelse(colnames(x) %in% reversed(k), -1, 1)
    o <- suppressMessages(suppressWarnings(omega(x, nfactors = 1, key = key, plot = FALSE)))
    list(omega_tot = o$omega.tot)
  }),
  plasticity = system_case(c("extraversion", "openness")),
  stability = system_case(c("agree", "conscientious", "emotional_stability"))
)

# ---------------------------------------------------------------- write
versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                 psychTools = as.character(packageVersion("psychTools")),
                 GPArotation = as.character(packageVersion("GPArotation")))
bfi_check <- list(n = nrow(bfi), column_sums = colSums(bfi[, 1:25], na.rm = TRUE),
                  n_missing = colSums(is.na(bfi[, 1:25])))
out <- list(versions = versions, bfi_check = bfi_check, alpha = alpha_ref, split_half = split_ref,
            omega = omega_ref, icc = icc_ref, bank = bank_ref)
writeLines(to_json(out), file.path(out_dir, "reliability_psych.json"))
cat(sprintf("wrote %s with %s, psych %s\n", file.path(out_dir, "reliability_psych.json"),
            R.version.string, packageVersion("psych")))

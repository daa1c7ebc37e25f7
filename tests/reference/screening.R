# Reference values for tests/test_screening.py: careless-responding indices in base R.
#
# Each index is written out from its definition in the R package careless 1.2.2 (Yentes &
# Wilhelm; longstring, irv, mahad, evenodd, psychsyn, psychant), which is not packaged for
# Debian; the functions below follow careless's source line by line, with burnoutkit's
# documented conventions for missing answers (docs/methods/screening.md) marked "burnoutkit:".
# psych::outlier (what careless::mahad calls) is recorded as well, for the respondents who
# answered every item.
#
# Data: the first 1000 respondents of psych's bfi (datasets/public/bfi.csv, psychTools::bfi
# keys) and the first 400 respondents of the reference cohort (datasets/reference_cohort/
# cohort.csv, BAI keys and scales from burnoutkit/banks/builtin/bai.yaml).
#
# Run from the repository root:
#   Rscript tests/reference/screening.R [output.json | output directory]
# (default tests/reference/screening.json).
suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
  library(yaml)
})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else file.path("tests", "reference", "screening.json")
if (!grepl("\\.json$", out)) {
  dir.create(out, recursive = TRUE, showWarnings = FALSE)
  out <- file.path(out, "screening.json")
}

# ---------------------------------------------------------------------------- the indices
# careless::longstring(x, avg = TRUE): rle() of each row. rle() makes every NA a run of its
# own; burnoutkit: those runs are dropped (a missing answer ends a run and is not a run).
longstring_ref <- function(x) {
  t(apply(x, 1, function(v) {
    r <- rle(v)
    keep <- !is.na(r$values)
    if (!any(keep)) return(c(NA_real_, NA_real_))
    c(max(r$lengths[keep]), sum(r$lengths[keep]) / sum(keep))
  }))
}

# careless::irv(x): apply(x, 1, sd, na.rm = TRUE)
irv_ref <- function(x) apply(x, 1, stats::sd, na.rm = TRUE)

# Mahalanobis D2 over each respondent's answered items, centre colMeans(na.rm = TRUE) and the
# pairwise covariance matrix (psych::outlier's), p from chi-square with df = answered items.
mahalanobis_ref <- function(x) {
  centre <- colMeans(x, na.rm = TRUE)
  s <- stats::cov(x, use = "pairwise")
  d2 <- apply(x, 1, function(v) {
    o <- !is.na(v)
    if (!any(o)) return(NA_real_)
    stats::mahalanobis(v[o], centre[o], s[o, o, drop = FALSE])
  })
  df <- rowSums(!is.na(x))
  list(d2 = unname(d2), p = stats::pchisq(d2, df = df, lower.tail = FALSE),
       psych_outlier = unname(psych::outlier(x, plot = FALSE, bad = 0)))
}

# careless::evenodd(x, factors) (version 1.2.2, sign: higher = more careless) on keyed answers,
# columns grouped by scale. burnoutkit: NA when fewer than 3 scales have both halves answered.
evenodd_ref <- function(x, factors) {
  eo <- numeric(nrow(x))
  used <- numeric(nrow(x))
  for (i in seq_len(nrow(x))) {
    f <- matrix(NA_real_, length(factors), 2)
    start <- 1
    for (j in seq_along(factors)) {
      if (j > 1) start <- start + factors[j - 1]
      end <- (factors[j] - 1) + start
      s <- x[i, start:end]
      ind <- seq_along(s)
      f[j, 1] <- mean(s[which(ind %% 2 == 0)], na.rm = TRUE)
      f[j, 2] <- mean(s[which(ind %% 2 == 1)], na.rm = TRUE)
    }
    used[i] <- sum(!is.na(apply(f, 1, sum)))
    val <- if (used[i] >= 2) suppressWarnings(stats::cor(f[, 1], f[, 2],
                                                          use = "pairwise.complete.obs")) else NA
    val <- (2 * val) / (1 + val)
    if (!is.na(val) && val < -1) val <- -1
    eo[i] <- if (used[i] < 3) NA_real_ else 0 - val
  }
  list(even_odd = eo, scales = used)
}

# careless's get_item_pairs with its critical value .60, and burnoutkit's automatic rule when
# pair_r is NULL: lower the critical value by .05 (to .30 at most) until 10 pairs qualify.
item_pairs_ref <- function(x, anto, pair_r = NULL) {
  r <- stats::cor(x, use = "pairwise.complete.obs")
  r[upper.tri(r, diag = TRUE)] <- NA
  tab <- as.data.frame(as.table(r))
  crits <- if (is.null(pair_r)) round(0.60 - 0.05 * (0:6), 2) else pair_r
  for (crit in crits) {
    sel <- if (anto) which(tab$Freq < -crit) else which(tab$Freq > crit)
    if (length(sel) >= 10) break
  }
  list(crit = crit, first = as.character(tab$Var1[sel]), second = as.character(tab$Var2[sel]),
       r = tab$Freq[sel])
}

# careless's syn_for_one with resample_na = FALSE: the within-person correlation over the pairs
# with both items answered, NA with two or fewer such pairs.
psychsyn_ref <- function(x, first, second) {
  res <- t(apply(x, 1, function(v) {
    a <- v[first]
    b <- v[second]
    k <- sum(!(is.na(a) | is.na(b)))
    if (k > 2) {
      c(k, suppressWarnings(stats::cor(cbind(a, b), use = "pairwise.complete.obs",
                                       method = "pearson")[1, 2]))
    } else c(k, NA_real_)
  }))
  list(psych = unname(res[, 2]), pairs = unname(res[, 1]))
}

screen_ref <- function(x, items, scale_of, keyed, rmin, rmax, pair_r = NULL,
                       given_synonyms = NULL) {
  x <- as.matrix(x[, items])
  ls <- longstring_ref(x)
  maha <- mahalanobis_ref(x)
  keyed_x <- x
  rev <- which(keyed[items] < 0)
  keyed_x[, rev] <- rmin + rmax - keyed_x[, rev]
  scales <- unique(scale_of[items])
  by_scale <- unlist(lapply(scales, function(s) items[scale_of[items] == s]))
  eo <- evenodd_ref(keyed_x[, by_scale], vapply(scales, function(s) sum(scale_of[items] == s),
                                                numeric(1)))
  syn <- item_pairs_ref(x, anto = FALSE, pair_r = pair_r)
  ant <- item_pairs_ref(x, anto = TRUE, pair_r = pair_r)
  res <- list(
    n = nrow(x), items = items,
    longstring = unname(ls[, 1]), longstring_avg = unname(ls[, 2]),
    irv = unname(irv_ref(x)),
    mahalanobis_d2 = maha$d2, mahalanobis_p = maha$p, psych_outlier = maha$psych_outlier,
    even_odd = eo$even_odd, even_odd_scales = eo$scales,
    missing_share = unname(rowMeans(is.na(x))),
    synonyms = syn, antonyms = ant
  )
  if (length(syn$first) > 2) {
    ps <- psychsyn_ref(x, syn$first, syn$second)
    res$psychsyn <- ps$psych
    res$psychsyn_pairs <- ps$pairs
  }
  if (length(ant$first) > 2) {
    pa <- psychsyn_ref(x, ant$first, ant$second)
    res$psychant <- pa$psych
    res$psychant_pairs <- pa$pairs
  }
  if (!is.null(given_synonyms)) {
    pg <- psychsyn_ref(x, given_synonyms[, 1], given_synonyms[, 2])
    res$given_synonyms <- list(first = given_synonyms[, 1], second = given_synonyms[, 2])
    res$psychsyn_given <- pg$psych
  }
  res
}

# ---------------------------------------------------------------------------- bfi
bfi_keys <- list(
  agree = c("-A1", "A2", "A3", "A4", "A5"),
  conscientious = c("C1", "C2", "C3", "-C4", "-C5"),
  extraversion = c("-E1", "-E2", "E3", "E4", "E5"),
  neuroticism = c("N1", "N2", "N3", "N4", "N5"),
  openness = c("O1", "-O2", "O3", "O4", "-O5")
)
bfi <- read.csv(file.path("datasets", "public", "bfi.csv"))[1:1000, ]
bfi_items <- sub("^-", "", unlist(bfi_keys, use.names = FALSE))
bfi_scale <- setNames(rep(names(bfi_keys), lengths(bfi_keys)), bfi_items)
bfi_keyed <- setNames(ifelse(grepl("^-", unlist(bfi_keys, use.names = FALSE)), -1, 1),
                      bfi_items)
bfi_auto <- screen_ref(bfi, bfi_items, bfi_scale, bfi_keyed, 1, 6)
bfi_fixed <- screen_ref(bfi, bfi_items, bfi_scale, bfi_keyed, 1, 6, pair_r = 0.40)

# ---------------------------------------------------------------------------- cohort
bank <- yaml::read_yaml(file.path("burnoutkit", "banks", "builtin", "bai.yaml"))
cohort <- read.csv(file.path("datasets", "reference_cohort", "cohort.csv"))[1:400, ]
bai_items <- vapply(bank$items, function(i) i$id, character(1))
bai_scale <- setNames(vapply(bank$items, function(i) i$scale, character(1)), bai_items)
bai_keyed <- setNames(vapply(bank$items, function(i) as.numeric(i$keyed), numeric(1)), bai_items)
bai_pairs <- do.call(rbind, lapply(bank$items, function(i) if (!is.null(i$pair))
  c(i$id, i$pair)))
cohort_auto <- screen_ref(cohort, bai_items, bai_scale, bai_keyed, bank$response_format$min,
                          bank$response_format$max, given_synonyms = bai_pairs)

versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")))
result <- list(
  versions = versions,
  bfi = list(keys = bfi_keys, rows = 1000, auto = bfi_auto, fixed_040 = bfi_fixed),
  cohort = list(rows = 400, auto = cohort_auto)
)
writeLines(toJSON(result, digits = NA, auto_unbox = TRUE, na = "null"), out, useBytes = TRUE)

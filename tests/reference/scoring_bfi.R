# Reference scale scores for tests/test_scoring.py::test_scale_scores_match_psych.
#
# Scores psych's bfi (psychTools::bfi, N = 2800) on the Big Five keys of psychTools::bfi.keys
# (the keys of psych's own documentation) with
#     psych::scoreItems(keys, items, impute = "none")$scores
# i.e. the mean of the answered, keyed items; psych reverses an item as (max + min) - x with min
# and max taken over all scored items (1 and 6 here, recorded in the JSON file).
#
# Run from the repository root:
#     Rscript tests/reference/scoring_bfi.R [output directory, default tests/reference]
# Writes scoring_bfi.csv (id = R row name, one column per scale, %.17g, NaN for no answered
# item) and scoring_bfi.json (the call, the keys and the R, psych and psychTools versions).
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else "tests/reference"

keys <- psychTools::bfi.keys
items <- psychTools::bfi[, 1:25]
res <- psych::scoreItems(keys, items, impute = "none")
scores <- res$scores

out <- data.frame(id = rownames(items), check.names = FALSE)
for (scale in colnames(scores)) {
  out[[scale]] <- ifelse(is.na(scores[, scale]), "NaN", sprintf("%.17g", scores[, scale]))
}
write.csv(out, file.path(out_dir, "scoring_bfi.csv"), row.names = FALSE, quote = FALSE)

meta <- list(
  call = 'psych::scoreItems(psychTools::bfi.keys, psychTools::bfi[, 1:25], impute = "none")$scores',
  keys = keys,
  n = nrow(items),
  observed_min = min(items, na.rm = TRUE),
  observed_max = max(items, na.rm = TRUE),
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  psychTools_version = as.character(packageVersion("psychTools"))
)
writeLines(toJSON(meta, auto_unbox = TRUE, pretty = TRUE), file.path(out_dir, "scoring_bfi.json"))
cat(sprintf("%s, psych %s, psychTools %s: wrote %d rows to %s\n", R.version.string,
            meta$psych_version, meta$psychTools_version, nrow(out), out_dir))

# Reference values for ordinal alpha, burnoutkit.alpha(method = "polychoric"): coefficient alpha
# of the polychoric correlation matrix (Zumbo, Gadermann & Zeisser, 2007), computed as
#   psych::alpha(psych::polychoric(x)$rho, n.obs = nrow(x))
# with psych's defaults (polychoric: global = TRUE, correct = 0.5, smooth = TRUE).
#
# Run from the repository root:
#   Rscript tests/reference/reliability_ordinal_alpha.R [output_dir]
# output_dir defaults to tests/reference; writes <output_dir>/reliability_ordinal_alpha.json
# (17 significant digits) with the R and psych versions. Data: psychTools' bfi (the same data as
# burnoutkit's datasets/public/bfi.csv), agreeableness items A1-A5 with A1 reversed (7 - A1) and
# conscientiousness items C1-C5 with C4, C5 reversed.
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else file.path("tests", "reference")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

num_json <- function(v) {
  vapply(v, function(z) {
    if (is.na(z) && !is.nan(z)) "null"
    else if (is.nan(z)) "NaN"
    else if (is.infinite(z)) if (z > 0) "Infinity" else "-Infinity"
    else sprintf("%.17g", z)
  }, character(1))
}
str_json <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.data.frame(x) || is.matrix(x)) {
    return(to_json(list(rownames = rownames(x), columns = colnames(x),
                        data = lapply(seq_len(ncol(x)), function(j) as.numeric(x[, j])))))
  }
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0(str_json(k), ": ", to_json(v)), names(x), x)
      return(paste0("{", paste(parts, collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, character(1)), collapse = ", "), "]"))
  }
  if (length(x) == 0) return("[]")
  if (is.character(x)) {
    return(if (length(x) == 1) str_json(x) else paste0("[", paste(str_json(x), collapse = ", "), "]"))
  }
  if (is.logical(x) && length(x) == 1 && !is.na(x)) return(if (x) "true" else "false")
  v <- num_json(as.numeric(x))
  if (length(x) == 1) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}

ordinal_case <- function(x, reversed) {
  x[reversed] <- 7 - x[reversed]
  rho <- polychoric(x)$rho
  a <- alpha(rho, n.obs = nrow(x))
  list(
    items = colnames(x),
    reversed = reversed,
    n = nrow(x),
    rho = unclass(rho),
    total = as.list(a$total),
    alpha_drop = as.data.frame(a$alpha.drop),
    item_stats = as.data.frame(a$item.stats[, c("r", "r.cor", "r.drop")]),
    pearson_alpha = alpha(x)$total$raw_alpha
  )
}

bfi <- psychTools::bfi
cases <- list(
  agree = ordinal_case(bfi[, paste0("A", 1:5)], "A1"),
  conscientious = ordinal_case(bfi[, paste0("C", 1:5)], c("C4", "C5"))
)
versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                 psychTools = as.character(packageVersion("psychTools")))
writeLines(to_json(list(versions = versions, cases = cases)),
           file.path(out_dir, "reliability_ordinal_alpha.json"))
cat(sprintf("wrote %s with %s, psych %s\n", file.path(out_dir, "reliability_ordinal_alpha.json"),
            R.version.string, packageVersion("psych")))
